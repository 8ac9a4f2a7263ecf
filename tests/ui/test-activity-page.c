/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "pb-activity-chart.h"
#include "pb-activity-page.h"
#include "pb-ui-test.h"
#include "store/pb-audit.h"
#include "store/pb-orders.h"
#include "store/pb-session.h"
#include "util/pb-clock.h"

#define PACKER_TEMP "Temporary-Pass-77!"
#define PACKER_PASSWORD "Packing-Parcels-88!"
#define HOUR 3600
#define DAY (24 * HOUR)
/* A Wednesday afternoon, in UTC (main sets TZ=UTC). */
#define NOW_TEXT "2030-06-12T15:30:00Z"

typedef struct
{
  char *root;
  PbSession *session;
  gint64 now;
  gint64 today; /* midnight */
  guint n_orders;
  GtkWindow *window;
  PbActivityPage *page;
} Fixture;

static char *
add_order (Fixture *fixture, gint64 ship_by)
{
  char *id = g_strdup_printf ("202-0000000-%07u", ++fixture->n_orders);
  g_autofree char *item_id = g_strdup_printf ("%s-item", id);
  g_autoptr (PbOrderData) order = pb_test_order_new (id, "UNSHIPPED", fixture->now - 3 * DAY,
                                                     fixture->now - 3 * DAY + 60, ship_by);

  pb_test_order_add_item (order, item_id, "TEA-1", 1);
  pb_test_store_apply (pb_session_get_store (fixture->session), order, fixture->now);
  return id;
}

static void
audit (Fixture *fixture, gint64 time, const char *actor, const char *action, const char *subject)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (pb_audit_append_at (pb_session_get_store (fixture->session), time, actor, action,
                                     subject, "ok", NULL, &error));
  g_assert_no_error (error);
}

/* A label printed by @actor at @at today (hours after midnight); packing
 * began @seconds before it, or never (0). */
static void
print_label (Fixture *fixture, const char *actor, gint64 at, gint64 seconds)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *id = add_order (fixture, fixture->now + DAY);

  if (seconds > 0)
    {
      g_assert_true (pb_orders_set_pack_times (pb_session_get_store (fixture->session), id,
                                               at - seconds, at - 5, actor, &error));
      g_assert_no_error (error);
    }
  audit (fixture, at, actor, "label.printed", id);
}

static void
set_up (Fixture *fixture, gconstpointer data)
{
  g_autofree char *late = NULL;
  g_autofree char *shipped_late = NULL;
  g_autofree char *shipped = NULL;
  g_autofree char *last_sync = NULL;
  PbStore *store;
  gint64 t;

  fixture->session = pb_test_session_new ("pb-activity-page-XXXXXX", &fixture->root, NULL);
  store = pb_session_get_store (fixture->session);
  fixture->now = pb_clock_now_unix ();
  fixture->today = fixture->now - fixture->now % DAY;
  g_assert_cmpint (fixture->now - fixture->today, ==, 15 * HOUR + 30 * 60);
  t = fixture->today;

  /* Today: alice 3 labels (two timed, 90 s and 30 s) and a mis-scan; bob
   * 2 (one timed, 120 s) and a reprint; carol only mis-scans. */
  print_label (fixture, "alice", t + 9 * HOUR + 600, 90);
  print_label (fixture, "alice", t + 9 * HOUR + 2400, 30);
  print_label (fixture, "alice", t + 10 * HOUR + 900, 0);
  print_label (fixture, "bob", t + 10 * HOUR + 1200, 120);
  print_label (fixture, "bob", t + 14 * HOUR + 300, 0);
  audit (fixture, t + 14 * HOUR + 1800, "bob", "label.reprinted", "202-0000000-0000005");
  audit (fixture, t + 11 * HOUR, "alice", "pack.mis_scan", "202-0000000-0000001");
  audit (fixture, t + 12 * HOUR, "carol", "pack.mis_scan", "202-0000000-0000001");
  audit (fixture, t + 12 * HOUR + 10, "carol", "pack.mis_scan", "202-0000000-0000001");
  /* Earlier this week: dave on Tuesday, alice on Monday. */
  for (guint i = 0; i < 4; i++)
    print_label (fixture, "dave", t - DAY + 16 * HOUR + i * 60, 0);
  print_label (fixture, "alice", t - 2 * DAY + 8 * HOUR, 0);

  /* Late: one still to ship; two shipped today, one of them late. */
  late = add_order (fixture, fixture->now - 2 * HOUR);
  shipped_late = add_order (fixture, t + 10 * HOUR);
  g_assert_true (
      pb_orders_set_shipped (store, shipped_late, "TT1GB", "alice", t + 11 * HOUR, NULL));
  audit (fixture, t + 11 * HOUR, "alice", "order.shipped", shipped_late);
  shipped = add_order (fixture, fixture->now + DAY);
  g_assert_true (pb_orders_set_shipped (store, shipped, "TT2GB", "bob", t + 11 * HOUR, NULL));
  audit (fixture, t + 11 * HOUR, "bob", "order.shipped", shipped);

  /* Syncs: one worked at 15:00, the next failed. */
  audit (fixture, t + 15 * HOUR, "system", "sync.completed", NULL);
  audit (fixture, t + 15 * HOUR + 1200, "system", "sync.failed", NULL);
  last_sync = g_strdup_printf ("%" G_GINT64_FORMAT, t + 15 * HOUR);
  g_assert_true (pb_store_set_meta (store, "sync.last_success", last_sync, NULL));
  g_assert_true (
      pb_store_set_meta (store, "sync.last_error", "Amazon did not answer in time.", NULL));
}

static void
tear_down (Fixture *fixture, gconstpointer data)
{
  pb_ui_test_close_window (&fixture->window, fixture->page);
  pb_test_session_free (&fixture->session, &fixture->root);
}

static gpointer
get_child (Fixture *fixture, const char *name)
{
  return pb_ui_test_get_child (GTK_WIDGET (fixture->page), PB_TYPE_ACTIVITY_PAGE, name);
}

static const char *
label_text (Fixture *fixture, const char *name)
{
  return gtk_label_get_text (get_child (fixture, name));
}

static const char *
visible_state (Fixture *fixture)
{
  return gtk_stack_get_visible_child_name (get_child (fixture, "stack"));
}

static void
wait_for_label (Fixture *fixture, const char *name, const char *expected)
{
  pb_ui_test_wait_for_label (get_child (fixture, name), expected);
}

static void
show_page (Fixture *fixture)
{
  fixture->page = PB_ACTIVITY_PAGE (pb_activity_page_new (fixture->session, NULL));
  fixture->window = pb_ui_test_present (GTK_WIDGET (fixture->page), 1100, 1000);
}

/* The operator row titled @title (under @widget), or NULL. */
static AdwActionRow *
find_row (GtkWidget *widget, const char *title)
{
  if (ADW_IS_ACTION_ROW (widget)
      && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0)
    return ADW_ACTION_ROW (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      AdwActionRow *found = find_row (child, title);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static const char *
row_subtitle (Fixture *fixture, const char *operator_name)
{
  AdwActionRow *row = find_row (get_child (fixture, "operators_group"), operator_name);

  g_assert_nonnull (row);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (row)));
  return adw_action_row_get_subtitle (row);
}

/* Pixels of @texture in exactly @colour: the chart's bars and swatches. */
static guint
count_pixels (GdkTexture *texture, const GdkRGBA *colour)
{
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  gsize stride = (gsize)width * 4;
  g_autofree guchar *pixels = g_malloc (stride * height);
  guint n = 0;

  gdk_texture_download (texture, pixels, stride);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        const guchar *p = pixels + y * stride + x * 4; /* B, G, R, A */

        n += ABS (p[2] - (int)(colour->red * 255 + 0.5)) <= 1
             && ABS (p[1] - (int)(colour->green * 255 + 0.5)) <= 1
             && ABS (p[0] - (int)(colour->blue * 255 + 0.5)) <= 1;
      }
  return n;
}

static void
test_today_and_week (Fixture *fixture, gconstpointer data)
{
  GdkRGBA alice_colour, bob_colour, unused_colour;
  PbActivityChart *chart;
  g_autoptr (GdkTexture) page_texture = NULL;
  g_autoptr (GdkTexture) chart_texture = NULL;
  g_autoptr (GdkTexture) week_texture = NULL;
  g_autoptr (GdkTexture) empty_texture = NULL;
  g_autoptr (PbActivityReport) empty = NULL;
  g_autoptr (GError) error = NULL;

  show_page (fixture);
  wait_for_label (fixture, "labels_value", "5");
  g_assert_cmpstr (visible_state (fixture), ==, "report");
  g_assert_cmpstr (label_text (fixture, "period_label"), ==, "Wednesday 12 June 2030");
  g_assert_cmpstr (label_text (fixture, "labels_detail"), ==, "1 reprint");
  /* (90 + 30 + 120) / 3 */
  g_assert_cmpstr (label_text (fixture, "scan_value"), ==, "1 min 20 s");
  g_assert_cmpstr (label_text (fixture, "scan_detail"), ==, "From 3 labels packed at the bench");
  g_assert_cmpstr (label_text (fixture, "mis_scans_value"), ==, "3");
  g_assert_cmpstr (label_text (fixture, "late_value"), ==, "1");
  g_assert_true (gtk_widget_has_css_class (get_child (fixture, "late_value"), "error"));
  g_assert_cmpstr (label_text (fixture, "late_detail"), ==,
                   "Still to ship now; 1 of 2 orders shipped in this period went late");

  g_assert_cmpstr (row_subtitle (fixture, "alice"), ==,
                   "3 labels · 1.5 per active hour · scan to print 1 min 0 s · 1 mis-scan");
  g_assert_cmpstr (row_subtitle (fixture, "bob"), ==,
                   "2 labels · 1.0 per active hour · scan to print 2 min 0 s · 0 mis-scans · "
                   "1 reprint");
  g_assert_cmpstr (row_subtitle (fixture, "carol"), ==, "0 labels · 2 mis-scans");
  g_assert_null (find_row (get_child (fixture, "operators_group"), "dave"));
  g_assert_false (gtk_widget_get_visible (get_child (fixture, "no_operators_row")));

  g_assert_cmpstr (label_text (fixture, "last_sync_label"), ==, "15:00");
  g_assert_cmpstr (label_text (fixture, "sync_error_label"), ==, "Amazon did not answer in time.");
  g_assert_cmpstr (label_text (fixture, "syncs_label"), ==, "1 completed, 1 failed");

  /* The chart in words, for a screen reader. */
  chart = pb_activity_page_get_chart (fixture->page);
  g_assert_cmpstr (pb_activity_chart_get_summary (chart), ==,
                   "5 labels by 2 operators. alice: 3 labels, most at 09:00 (2). "
                   "bob: 2 labels, most at 10:00 (1).");

  pb_ui_test_settle (GTK_WIDGET (fixture->window));
  page_texture = pb_ui_test_snapshot (GTK_WIDGET (fixture->window), "activity.png");
  g_assert_cmpuint (pb_ui_test_count_colours (page_texture, 64), >=, 8);
  /* The bars are drawn: the chart has more than its background and text. */
  chart_texture = pb_ui_test_snapshot (GTK_WIDGET (chart), "activity-chart.png");
  g_assert_cmpint (gdk_texture_get_height (chart_texture), >=, 180);
  g_assert_cmpuint (pb_ui_test_count_colours (chart_texture, 64), >=, 6);
  pb_activity_chart_get_operator_colour (0, &alice_colour);
  pb_activity_chart_get_operator_colour (1, &bob_colour);
  pb_activity_chart_get_operator_colour (2, &unused_colour);
  /* alice has three labels to bob's two: more of her colour is drawn
   * (the legend's swatches are the same size). */
  g_assert_cmpuint (count_pixels (chart_texture, &bob_colour), >, 1000);
  g_assert_cmpuint (count_pixels (chart_texture, &alice_colour), >,
                    count_pixels (chart_texture, &bob_colour));
  /* carol printed nothing: her colour is not drawn. */
  g_assert_cmpuint (count_pixels (chart_texture, &unused_colour), <, 10);

  /* This week: Monday's and Tuesday's labels too. */
  gtk_toggle_button_set_active (get_child (fixture, "week_button"), TRUE);
  wait_for_label (fixture, "labels_value", "10");
  g_assert_cmpstr (label_text (fixture, "period_label"), ==,
                   "Monday 10 June to Sunday 16 June 2030");
  g_assert_cmpstr (row_subtitle (fixture, "dave"), ==,
                   "4 labels · 4.0 per active hour · 0 mis-scans");
  g_assert_cmpstr (row_subtitle (fixture, "alice"), ==,
                   "4 labels · 1.3 per active hour · scan to print 1 min 0 s · 1 mis-scan");
  g_assert_true (g_str_has_prefix (pb_activity_chart_get_summary (chart),
                                   "10 labels by 3 operators. alice: 4 labels, most at Wed 09:00 "
                                   "(2). bob: 2 labels"));
  pb_ui_test_settle (GTK_WIDGET (fixture->window));
  week_texture = pb_ui_test_snapshot (GTK_WIDGET (fixture->window), "activity-week.png");
  g_assert_cmpuint (pb_ui_test_count_colours (week_texture, 64), >=, 8);

  /* Back to today. */
  gtk_toggle_button_set_active (get_child (fixture, "today_button"), TRUE);
  wait_for_label (fixture, "labels_value", "5");

  /* A day with nothing in it, drawn: words, not an empty frame or NaN. */
  empty = pb_activity_report (pb_session_get_store (fixture->session), fixture->today + DAY,
                              fixture->today + 2 * DAY, &error);
  g_assert_no_error (error);
  pb_activity_chart_set_report (chart, empty);
  g_assert_cmpstr (pb_activity_chart_get_summary (chart), ==, "No labels printed in this period.");
  pb_ui_test_settle (GTK_WIDGET (fixture->window));
  empty_texture = pb_ui_test_snapshot (GTK_WIDGET (chart), "activity-chart-empty.png");
  g_assert_cmpuint (pb_ui_test_count_colours (empty_texture, 64), >=, 2);
  g_assert_cmpuint (count_pixels (empty_texture, &alice_colour), ==, 0);
}

static void
test_packer_refused (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) denied = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  PbAuditFilter filter = { .action = "permission.denied" };

  pb_ui_test_become_packer (fixture->session, PACKER_TEMP, PACKER_PASSWORD);

  show_page (fixture);
  PB_UI_TEST_WAIT_UNTIL (g_strcmp0 (visible_state (fixture), "error") == 0);
  g_assert_true (g_str_has_prefix (
      adw_status_page_get_description (get_child (fixture, "error_status")), "Not permitted"));
  /* Nothing was read: no numbers, no chart, no operators. */
  g_assert_cmpstr (label_text (fixture, "labels_value"), ==, "");
  g_assert_null (pb_activity_chart_get_report (pb_activity_page_get_chart (fixture->page)));
  g_assert_null (find_row (get_child (fixture, "operators_group"), "alice"));
  /* The refusal is in the audit log. */
  denied = pb_audit_list (pb_session_get_store (fixture->session), &filter, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (denied->len, >=, 1);
  g_assert_cmpstr (((PbAuditEntry *)g_ptr_array_index (denied, 0))->actor, ==, "pat");
  g_assert_cmpstr (((PbAuditEntry *)g_ptr_array_index (denied, 0))->detail, ==, "activity.view");

  texture = pb_ui_test_snapshot (GTK_WIDGET (fixture->window), "activity-refused.png");
  g_assert_cmpuint (pb_ui_test_count_colours (texture, 64), >=, 4);
}

int
main (int argc, char **argv)
{
  /* Fixed times and zone, so "today" and the hours are the same anywhere. */
  g_setenv ("TZ", "UTC", TRUE);
  g_setenv ("PACKBENCH_NOW", NOW_TEXT, TRUE);

  if (!pb_ui_test_init (&argc, &argv))
    return 0; /* the TAP plan above says SKIP */

  g_test_add ("/activity-page/today-and-week", Fixture, NULL, set_up, test_today_and_week,
              tear_down);
  g_test_add ("/activity-page/packer-refused", Fixture, NULL, set_up, test_packer_refused,
              tear_down);

  return g_test_run ();
}
