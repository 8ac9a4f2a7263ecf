/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The Problems page against the local Click & Drop server: failed outbox
 * items are listed and retried (the station runs the outbox at once) or
 * discarded (audited); an order cancelled after labelling has its label
 * voided on the server; a packer is refused.
 */
#include "config.h"

#include <glib/gstdio.h>

#include "pb-problems-page.h"
#include "pb-ui-servers.h"
#include "pb-ui-test.h"
#include "station/pb-outbox-worker.h"
#include "store/pb-audit.h"
#include "store/pb-labels.h"
#include "store/pb-orders.h"
#include "store/pb-outbox.h"
#include "util/pb-clock.h"

#define PACKER_TEMP "Temporary-Pass-77!"
#define PACKER_PASSWORD "Packer-Password-88!"
#define ORDER_CANCELLED "202-0000001-0000001"
#define ORDER_SHIPPED "202-0000002-0000002"
#define ORDER_OTHER "202-0000003-0000003"

typedef struct
{
  char *root;
  PbUiServers servers;
  PbSession *session;
  PbStation *station;
  GtkWindow *window;
  PbProblemsPage *page;
  gint64 retry_id, discard_id;
  guint outbox_runs;
} Fixture;

static void
apply (Fixture *fixture, const char *id, const char *status, gint64 updated)
{
  pb_test_store_add_order (pb_session_get_store (fixture->session), id, status, updated,
                           pb_clock_now_unix ());
}

/* An outbox item that failed for good. */
static gint64
add_failed_item (Fixture *fixture, const char *order_id)
{
  PbStore *store = pb_session_get_store (fixture->session);
  g_autoptr (GError) error = NULL;
  g_autoptr (PbOutboxItem) claimed = NULL;
  g_autofree char *key = g_strdup_printf ("test:%s", order_id);
  gint64 now = pb_clock_now_unix ();
  gint64 id = 0;

  g_assert_true (pb_outbox_enqueue (store, PB_OUTBOX_KIND_CONFIRM_SHIPMENT, order_id, key,
                                    "{\"order_id\":\"x\",\"tracking_number\":\"TT1\",\"items\":[]}",
                                    "admin", now, &id, &error));
  claimed = pb_outbox_claim (store, now, id, NULL, &error);
  g_assert_nonnull (claimed);
  g_assert_true (pb_outbox_fail (store, id, "Amazon refused the tracking number (test)", TRUE,
                                 now + 60, now, &error));
  g_assert_no_error (error);
  return id;
}

static PbOutboxItem *
get_item (Fixture *fixture, gint64 id)
{
  g_autoptr (GError) error = NULL;
  PbOutboxItem *item = pb_outbox_get (pb_session_get_store (fixture->session), id, &error);

  g_assert_no_error (error);
  return item;
}

static guint
count_audit (Fixture *fixture, const char *action)
{
  return pb_test_count_audit (pb_session_get_store (fixture->session), action);
}

static gpointer
get_child (Fixture *fixture, const char *name)
{
  return pb_ui_test_get_child (GTK_WIDGET (fixture->page), PB_TYPE_PROBLEMS_PAGE, name);
}

static const char *
count_text (Fixture *fixture)
{
  return gtk_label_get_text (get_child (fixture, "count_label"));
}

static const char *
visible_page (Fixture *fixture)
{
  return gtk_stack_get_visible_child_name (get_child (fixture, "stack"));
}

/* The confirmation dialog now shown, answered with @response. */
static void
answer_dialog (const char *response)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  AdwMessageDialog *dialog = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        dialog = ADW_MESSAGE_DIALOG (window);
    }
  g_assert_nonnull (dialog);
  g_assert_true (adw_message_dialog_has_response (dialog, response));
  adw_message_dialog_response (dialog, response);
}

static void
on_outbox_finished_cb (PbStation *station, guint done, guint failed, guint attention,
                       Fixture *fixture)
{
  fixture->outbox_runs++;
}

static void
show_page (Fixture *fixture)
{
  fixture->page = PB_PROBLEMS_PAGE (pb_problems_page_new (fixture->session, fixture->station));
  fixture->window = pb_ui_test_present (GTK_WIDGET (fixture->page), 1000, 700);
}

static void
set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gint64 now = pb_clock_now_unix ();

  fixture->session = pb_test_session_new ("pb-problems-page-XXXXXX", &fixture->root, NULL);
  pb_ui_servers_start (&fixture->servers, FALSE);
  pb_ui_servers_configure (&fixture->servers, fixture->session);

  /* A label bought for an order the buyer then cancelled; another label
   * for an order still wanted (no problem). */
  apply (fixture, ORDER_CANCELLED, "UNSHIPPED", now - 7200);
  apply (fixture, ORDER_SHIPPED, "UNSHIPPED", now - 7200);
  apply (fixture, ORDER_OTHER, "UNSHIPPED", now - 7200);
  pb_ui_servers_buy_label (&fixture->servers, fixture->session, ORDER_CANCELLED);
  pb_ui_servers_buy_label (&fixture->servers, fixture->session, ORDER_SHIPPED);
  apply (fixture, ORDER_CANCELLED, "CANCELLED", now - 60);

  fixture->retry_id = add_failed_item (fixture, ORDER_SHIPPED);
  fixture->discard_id = add_failed_item (fixture, ORDER_OTHER);

  fixture->station = pb_station_new (pb_session_get_store (fixture->session), &error);
  g_assert_no_error (error);
  g_signal_connect (fixture->station, "outbox-finished", G_CALLBACK (on_outbox_finished_cb),
                    fixture);
}

static void
tear_down (Fixture *fixture, gconstpointer data)
{
  pb_ui_test_close_window (&fixture->window, fixture->page);
  pb_station_stop (fixture->station);
  g_clear_object (&fixture->station);
  pb_ui_servers_stop (&fixture->servers);
  pb_test_session_free (&fixture->session, &fixture->root);
}

static gboolean
deleted_on_server (Fixture *fixture, gint64 rm_id)
{
  g_autoptr (JsonNode) node = pb_ui_servers_control (&fixture->servers, "GET", "orders");
  JsonArray *deleted = json_object_get_array_member (json_node_get_object (node), "deleted");

  for (guint i = 0; i < json_array_get_length (deleted); i++)
    {
      JsonObject *order = json_array_get_object_element (deleted, i);

      if (json_object_get_int_member (order, "orderIdentifier") == rm_id)
        return TRUE;
    }
  return FALSE;
}

static void
test_retry_discard_void (Fixture *fixture, gconstpointer data)
{
  PbStore *store = pb_session_get_store (fixture->session);
  g_autoptr (GdkTexture) texture = NULL;
  g_autoptr (PbOutboxItem) item = NULL;
  g_autoptr (GPtrArray) cancelled = NULL;
  g_auto (PbLabelInfo) info = { 0 };
  g_autoptr (GError) error = NULL;

  g_assert_true (pb_labels_get_info (store, ORDER_CANCELLED, &info, &error));
  g_assert_cmpint (info.rm_order_identifier, >, 0);

  show_page (fixture);
  PB_UI_TEST_WAIT_UNTIL (
      g_strcmp0 (count_text (fixture), "2 remote operations need attention · 1 label to void")
      == 0);
  g_assert_cmpstr (visible_page (fixture), ==, "list");
  pb_ui_test_settle (GTK_WIDGET (fixture->window));
  texture = pb_ui_test_snapshot (GTK_WIDGET (fixture->window), "problems.png");
  g_assert_cmpuint (pb_ui_test_count_colours (texture, 64), >=, 8);

  /* Retry: pending again, and the station runs the outbox at once (here
   * Amazon is not configured, so it stops again, with that reason). */
  gtk_widget_activate_action (GTK_WIDGET (fixture->page), "problems.retry", "x", fixture->retry_id);
  PB_UI_TEST_WAIT_UNTIL (fixture->outbox_runs == 1);
  item = get_item (fixture, fixture->retry_id);
  g_assert_cmpstr (item->state, ==, PB_OUTBOX_ATTENTION);
  g_assert_cmpint (item->attempts, ==, 1);
  g_assert_cmpstr (item->last_error, !=, "Amazon refused the tracking number (test)");
  g_clear_pointer (&item, pb_outbox_item_free);
  g_assert_cmpuint (count_audit (fixture, "outbox.retried"), ==, 1);
  /* The page shows what the run found. */
  PB_UI_TEST_WAIT_UNTIL (
      g_strcmp0 (count_text (fixture), "2 remote operations need attention · 1 label to void")
      == 0);

  /* Discard asks first; Cancel changes nothing. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->page), "problems.discard", "x",
                              fixture->discard_id);
  answer_dialog ("cancel");
  pb_ui_test_drain ();
  g_assert_false (pb_problems_page_get_busy (fixture->page)); /* (outbox.discarded stays 1 below) */
  item = get_item (fixture, fixture->discard_id);
  g_assert_cmpstr (item->state, ==, PB_OUTBOX_ATTENTION);
  g_clear_pointer (&item, pb_outbox_item_free);

  gtk_widget_activate_action (GTK_WIDGET (fixture->page), "problems.discard", "x",
                              fixture->discard_id);
  answer_dialog ("discard");
  g_assert_true (pb_problems_page_get_busy (fixture->page));
  PB_UI_TEST_WAIT_UNTIL (
      !pb_problems_page_get_busy (fixture->page)
      && g_strcmp0 (count_text (fixture), "1 remote operation needs attention · 1 label to void")
             == 0);
  item = get_item (fixture, fixture->discard_id);
  g_assert_cmpstr (item->state, ==, PB_OUTBOX_DISCARDED);
  g_clear_pointer (&item, pb_outbox_item_free);
  g_assert_cmpuint (count_audit (fixture, "outbox.discarded"), ==, 1);

  /* Void the cancelled order's label: Click & Drop deletes it. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->page), "problems.void", "s", ORDER_CANCELLED);
  answer_dialog ("void");
  PB_UI_TEST_WAIT_UNTIL (!pb_problems_page_get_busy (fixture->page)
                         && g_strcmp0 (count_text (fixture), "1 remote operation needs attention")
                                == 0);
  g_assert_true (deleted_on_server (fixture, info.rm_order_identifier));
  cancelled = pb_labels_list_cancelled (store, &error);
  g_assert_cmpuint (cancelled->len, ==, 0);
  g_assert_cmpuint (count_audit (fixture, "label.voided"), ==, 1);
  g_assert_false (gtk_widget_get_visible (get_child (fixture, "cancelled_box")));

  /* Discarding the last one leaves nothing to do. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->page), "problems.discard", "x",
                              fixture->retry_id);
  answer_dialog ("discard");
  PB_UI_TEST_WAIT_UNTIL (g_strcmp0 (visible_page (fixture), "empty") == 0);
  g_clear_object (&texture);
  pb_ui_test_settle (GTK_WIDGET (fixture->window));
  texture = pb_ui_test_snapshot (GTK_WIDGET (fixture->window), "problems-empty.png");

  /* Retrying what is gone is refused in words. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->page), "problems.retry", "x", fixture->retry_id);
  PB_UI_TEST_WAIT_UNTIL (!pb_problems_page_get_busy (fixture->page)
                         && gtk_revealer_get_reveal_child (get_child (fixture, "error_revealer")));
  g_assert_nonnull (
      strstr (gtk_label_get_text (get_child (fixture, "error_label")), "was not retried"));
}

static void
test_packer_refused (Fixture *fixture, gconstpointer data)
{
  g_autoptr (PbOutboxItem) item = NULL;
  guint denied;

  pb_ui_test_become_packer (fixture->session, PACKER_TEMP, PACKER_PASSWORD);

  show_page (fixture);
  PB_UI_TEST_WAIT_UNTIL (g_strcmp0 (visible_page (fixture), "denied") == 0);
  g_assert_false (gtk_widget_get_visible (get_child (fixture, "outbox_box"))
                  && g_strcmp0 (visible_page (fixture), "list") == 0);

  /* Reached another way, the action is refused, audited and changes nothing. */
  denied = count_audit (fixture, "permission.denied");
  gtk_widget_activate_action (GTK_WIDGET (fixture->page), "problems.retry", "x", fixture->retry_id);
  PB_UI_TEST_WAIT_UNTIL (gtk_revealer_get_reveal_child (get_child (fixture, "error_revealer")));
  g_assert_nonnull (
      strstr (gtk_label_get_text (get_child (fixture, "error_label")), "Not permitted"));
  g_assert_cmpuint (count_audit (fixture, "permission.denied"), ==, denied + 1);
  item = get_item (fixture, fixture->retry_id);
  g_assert_cmpstr (item->state, ==, PB_OUTBOX_ATTENTION);
  g_assert_cmpuint (count_audit (fixture, "outbox.retried"), ==, 0);
  /* No void button for a packer, and the void action is disabled. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->page), "problems.void", "s", ORDER_CANCELLED);
  /* A later refused retry, answered in turn, shows the void's moment passed. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->page), "problems.retry", "x", fixture->retry_id);
  PB_UI_TEST_WAIT_UNTIL (count_audit (fixture, "permission.denied") == denied + 2);
  g_assert_false (pb_problems_page_get_busy (fixture->page));
  g_assert_cmpuint (count_audit (fixture, "label.voided"), ==, 0);
}

int
main (int argc, char **argv)
{
  if (!pb_ui_test_init (&argc, &argv))
    return 0;

  {
    g_autoptr (GtkCssProvider) css = gtk_css_provider_new ();

    gtk_css_provider_load_from_resource (css, RESOURCE_PREFIX "/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                GTK_STYLE_PROVIDER (css),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }

  g_test_add ("/problems-page/retry-discard-void", Fixture, NULL, set_up, test_retry_discard_void,
              tear_down);
  g_test_add ("/problems-page/packer-refused", Fixture, NULL, set_up, test_packer_refused,
              tear_down);

  return g_test_run ();
}
