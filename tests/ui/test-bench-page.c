/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <poppler.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pb-bench-page.h"
#include "pb-queue-item.h"
#include "pb-ui-servers.h"
#include "pb-ui-test.h"
#include "print/pb-documents.h"
#include "station/pb-scan.h"
#include "store/pb-audit.h"
#include "store/pb-catalogue.h"
#include "store/pb-labels.h"
#include "store/pb-orders.h"
#include "store/pb-session.h"
#include "util/pb-clock.h"

#define HOUR 3600
#define TEST_NOW_TEXT "2030-06-12T09:00:00Z"
#define TEST_NOW G_GINT64_CONSTANT (1907485200) /* the same */
#define DAY (24 * HOUR)

/* Two tea towels and a mug: the oldest order holding TEA-1. */
#define ORDER_TEA "202-0000001-0000001"
#define ORDER_TEA_LATER "202-0000002-0000002"
#define ORDER_PEN_LATE "202-0000003-0000003"
#define ORDER_CANCELLED "202-0000004-0000004"
/* The buyer has asked to cancel it; added by the test that needs it. */
#define ORDER_ASKED "202-0000005-0000005"

static const char catalogue_csv[] = "sku,barcodes,asin,title\n"
                                    "TEA-1,5012345678900,B0TEA00001,Tea towel\n"
                                    "MUG-2,5098765432100,B0MUG00002,Mug\n"
                                    "PEN-3,96385074,B0PEN00003,Pen\n";

typedef struct
{
  char *root;
  PbSession *session;
  GtkWindow *window;
  PbBenchPage *page;
  GPtrArray *feedback;
  gint64 key_time;
  gboolean with_servers;
  PbUiServers servers;
} Fixture;

typedef struct
{
  const char *sku;
  gint quantity;
} Item;

static void
add_order_full (Fixture *fixture, const char *id, const char *status, gint64 purchased,
                gint64 ship_by, gboolean cancel_requested, const Item *items)
{
  g_autoptr (PbOrderData) order
      = pb_test_order_new (id, status, purchased, purchased + 60, ship_by);

  order->service_level = g_strdup ("STANDARD");
  pb_test_order_set_buyer (order, "Ada Lovelace", "1 Example Street", "London", "SW1A 1AA");
  for (guint i = 0; items[i].sku != NULL; i++)
    {
      g_autofree char *item_id = g_strdup_printf ("%s-item-%u", id, i);
      PbOrderItemData *item
          = pb_test_order_add_item (order, item_id, items[i].sku, items[i].quantity);

      item->title = g_strdup (items[i].sku);
      item->unit_price = g_strdup ("9.99");
      item->currency = g_strdup ("GBP");
      item->cancel_requested = cancel_requested;
    }
  order->cancel_requested = cancel_requested;
  pb_test_store_apply (pb_session_get_store (fixture->session), order, pb_clock_now_unix ());
}

static void
add_order (Fixture *fixture, const char *id, const char *status, gint64 purchased, gint64 ship_by,
           const Item *items)
{
  add_order_full (fixture, id, status, purchased, ship_by, FALSE, items);
}

static void
on_feedback_cb (PbBenchPage *page, const char *kind, Fixture *fixture)
{
  g_ptr_array_add (fixture->feedback, g_strdup (kind));
}

static gpointer
get_child (Fixture *fixture, const char *name)
{
  return pb_ui_test_get_child (GTK_WIDGET (fixture->page), PB_TYPE_BENCH_PAGE, name);
}

static const char *
label_text (Fixture *fixture, const char *name)
{
  return gtk_label_get_text (get_child (fixture, name));
}

static void
wait_for_label (Fixture *fixture, const char *name, const char *expected)
{
  pb_ui_test_wait_for_label (get_child (fixture, name), expected);
}

/* Collects the texts of every label under @widget. */
static void
collect_labels (GtkWidget *widget, GPtrArray *texts)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget))
    g_ptr_array_add (texts, (gpointer)gtk_label_get_text (GTK_LABEL (widget)));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_labels (child, texts);
}

static guint
count_labels (Fixture *fixture, const char *name, const char *text)
{
  g_autoptr (GPtrArray) texts = g_ptr_array_new ();
  guint n = 0;

  collect_labels (get_child (fixture, name), texts);
  for (guint i = 0; i < texts->len; i++)
    n += g_str_equal (g_ptr_array_index (texts, i), text);
  return n;
}

/* A scanner: every character 5 ms after the last, then Enter. */
static void
scan (Fixture *fixture, const char *code)
{
  for (const char *p = code; *p != '\0'; p = g_utf8_next_char (p))
    {
      fixture->key_time += 5 * G_TIME_SPAN_MILLISECOND;
      pb_bench_page_feed_key (fixture->page, g_utf8_get_char (p), fixture->key_time);
    }
  fixture->key_time += 5 * G_TIME_SPAN_MILLISECOND;
  pb_bench_page_feed_key (fixture->page, '\n', fixture->key_time);
  pb_ui_test_drain (); /* Enter handles the scan at once */
}

typedef struct
{
  Fixture *fixture;
  const char *rest;
  gboolean done;
} QueuedKeys;

/* The keys a scanner sent while the page was busy: they wait in the event
 * queue, at the events' priority, each 5 ms after the last. */
static gboolean
feed_queued_keys_cb (gpointer user_data)
{
  QueuedKeys *keys = user_data;

  for (const char *p = keys->rest; *p != '\0'; p = g_utf8_next_char (p))
    {
      keys->fixture->key_time += 5 * G_TIME_SPAN_MILLISECOND;
      pb_bench_page_feed_key (keys->fixture->page, g_utf8_get_char (p), keys->fixture->key_time);
    }
  keys->fixture->key_time += 5 * G_TIME_SPAN_MILLISECOND;
  pb_bench_page_feed_key (keys->fixture->page, '\n', keys->fixture->key_time);
  keys->done = TRUE;
  return G_SOURCE_REMOVE;
}

/* A scanner's burst that reaches a busy page (a heavy frame after an order
 * opened, a loaded machine): the first key is handled, then the page is
 * stalled past the scan gap in real time while the other keys, 5 ms apart
 * by their own times, queue up. They must be read before the gap's timer
 * decides the burst is over. */
static void
scan_through_a_stall (Fixture *fixture, const char *code)
{
  QueuedKeys keys = { fixture, g_utf8_next_char (code), FALSE };

  fixture->key_time += 5 * G_TIME_SPAN_MILLISECOND;
  pb_bench_page_feed_key (fixture->page, g_utf8_get_char (code), fixture->key_time);
  /* The stall itself, made on purpose: the timer's deadline (50 ms) is
   * passed before the queued keys are dispatched. */
  g_usleep ((PB_SCAN_DEFAULT_MAX_GAP_MS + 100) * 1000); /* timing-ok: the stall */
  g_idle_add_full (G_PRIORITY_DEFAULT, feed_queued_keys_cb, &keys, NULL);
  PB_UI_TEST_WAIT_UNTIL (keys.done);
  pb_ui_test_drain ();
}

/* A person at the keyboard: 200 ms between keys, then Enter. */
static void
type_by_hand (Fixture *fixture, const char *code)
{
  for (const char *p = code; *p != '\0'; p = g_utf8_next_char (p))
    {
      fixture->key_time += 200 * G_TIME_SPAN_MILLISECOND;
      pb_bench_page_feed_key (fixture->page, g_utf8_get_char (p), fixture->key_time);
    }
  fixture->key_time += 200 * G_TIME_SPAN_MILLISECOND;
  pb_bench_page_feed_key (fixture->page, '\n', fixture->key_time);
  pb_ui_test_drain (); /* Enter handles the scan at once */
}

static gboolean
banner_shows_error (Fixture *fixture)
{
  return gtk_revealer_get_reveal_child (get_child (fixture, "banner_revealer"))
         && gtk_widget_has_css_class (get_child (fixture, "banner_box"), "pb-banner-error");
}

static gboolean
feedback_has (Fixture *fixture, const char *kind)
{
  for (guint i = 0; i < fixture->feedback->len; i++)
    if (g_str_equal (g_ptr_array_index (fixture->feedback, i), kind))
      return TRUE;
  return FALSE;
}

static char *
order_state (Fixture *fixture, const char *id)
{
  char *state = NULL;

  g_assert_true (pb_orders_get_local (pb_session_get_store (fixture->session), id, &state, NULL,
                                      NULL, NULL, NULL));
  return state;
}

static void
set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gint64 now = pb_clock_now_unix ();
  const Item tea[] = { { "TEA-1", 2 }, { "MUG-2", 1 }, { NULL } };
  const Item tea_later[] = { { "TEA-1", 1 }, { NULL } };
  const Item pen[] = { { "PEN-3", 1 }, { NULL } };

  fixture->session = pb_test_session_new ("pb-bench-page-XXXXXX", &fixture->root, NULL);
  fixture->with_servers = GPOINTER_TO_INT (data);
  if (fixture->with_servers)
    {
      pb_ui_servers_start (&fixture->servers, TRUE);
      pb_ui_servers_configure (&fixture->servers, fixture->session);
    }
  g_assert_true (pb_catalogue_import_csv (pb_session_get_store (fixture->session), catalogue_csv,
                                          strlen (catalogue_csv), "admin", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (pb_session_set_setting (fixture->session, "print.on_final_scan", "false", &error));
  g_assert_no_error (error);

  add_order (fixture, ORDER_TEA, "UNSHIPPED", now - 2 * DAY, now + DAY, tea);
  add_order (fixture, ORDER_TEA_LATER, "UNSHIPPED", now - DAY, now + 2 * DAY, tea_later);
  add_order (fixture, ORDER_PEN_LATE, "UNSHIPPED", now - 3 * DAY, now - 2 * HOUR - 600, pen);
  add_order (fixture, ORDER_CANCELLED, "CANCELLED", now - DAY, now + DAY, pen);

  fixture->feedback = g_ptr_array_new_with_free_func (g_free);
  fixture->key_time = g_get_monotonic_time ();
  fixture->page = PB_BENCH_PAGE (pb_bench_page_new (fixture->session));
  g_signal_connect (fixture->page, "feedback", G_CALLBACK (on_feedback_cb), fixture);
  fixture->window = pb_ui_test_present (GTK_WIDGET (fixture->page), 1100, 720);
  wait_for_label (fixture, "count_label", "3 orders");
}

static void
tear_down (Fixture *fixture, gconstpointer data)
{
  pb_ui_test_close_window (&fixture->window, fixture->page);
  g_ptr_array_unref (fixture->feedback);
  if (fixture->with_servers)
    pb_ui_servers_stop (&fixture->servers);
  pb_test_session_free (&fixture->session, &fixture->root);
}

static void
test_queue_and_filter (Fixture *fixture, gconstpointer data)
{
  GtkWidget *queue = get_child (fixture, "queue_view");
  GtkWidget *late;
  g_autoptr (GdkTexture) texture = NULL;
  g_autoptr (PbQueueItem) first = NULL;

  /* Cancelled orders are not in the queue; the late one is first and red. */
  g_assert_cmpuint (
      g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (GTK_COLUMN_VIEW (queue)))),
      ==, 3);
  first = g_list_model_get_item (G_LIST_MODEL (gtk_column_view_get_model (GTK_COLUMN_VIEW (queue))),
                                 0);
  g_assert_cmpstr (pb_queue_item_get_id (first), ==, ORDER_PEN_LATE);
  g_assert_nonnull (pb_ui_test_find_label (queue, ORDER_TEA));
  g_assert_nonnull (pb_ui_test_find_label (queue, ORDER_TEA_LATER));
  late = pb_ui_test_find_label (queue, "late 2 h");
  g_assert_nonnull (late);
  g_assert_true (gtk_widget_has_css_class (late, "pb-ship-by-late"));
  g_assert_nonnull (pb_ui_test_find_label (queue, "in 24 h"));

  /* Twenty-one hours later, without a reload, the same order is amber. */
  pb_bench_page_update_countdowns (fixture->page, TEST_NOW + 21 * HOUR);
  g_assert_null (pb_ui_test_find_label (queue, "in 24 h"));
  g_assert_nonnull (pb_ui_test_find_label (queue, "in 3 h"));
  g_assert_true (
      gtk_widget_has_css_class (pb_ui_test_find_label (queue, "in 3 h"), "pb-ship-by-near"));
  pb_bench_page_update_countdowns (fixture->page, 0);
  PB_UI_TEST_WAIT_UNTIL (gtk_widget_has_focus (get_child (fixture, "scan_entry"))
                         || gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (fixture->window)),
                                                    get_child (fixture, "scan_entry")));

  texture = pb_ui_test_snapshot (GTK_WIDGET (fixture->window), "bench-queue.png");
  g_assert_cmpuint (pb_ui_test_count_colours (texture, 64), >=, 8);

  /* Typing narrows the list: by SKU, then by order id. */
  gtk_editable_set_text (get_child (fixture, "filter_entry"), "tea");
  wait_for_label (fixture, "count_label", "2 of 3 orders");
  g_assert_null (pb_ui_test_find_label (queue, ORDER_PEN_LATE));
  gtk_editable_set_text (get_child (fixture, "filter_entry"), "0000002");
  wait_for_label (fixture, "count_label", "1 of 3 orders");
  gtk_editable_set_text (get_child (fixture, "filter_entry"), "");
  wait_for_label (fixture, "count_label", "3 orders");
}

static void
test_scan_verify_wrong_item (Fixture *fixture, gconstpointer data)
{
  PbStore *store = pb_session_get_store (fixture->session);
  GtkWidget *print_button = get_child (fixture, "print_button");
  PbAuditFilter filter = { .action = "order.recipient_viewed" };
  g_autoptr (GPtrArray) audit = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  g_autofree char *state = NULL;

  g_assert_null (pb_bench_page_get_order_id (fixture->page));
  g_assert_false (gtk_widget_is_sensitive (print_button));

  /* The first scan opens the oldest order holding the item and counts it. */
  scan (fixture, "TEA-1");
  g_assert_cmpstr (pb_bench_page_get_order_id (fixture->page), ==, ORDER_TEA);
  g_assert_cmpstr (label_text (fixture, "units_label"), ==, "1 of 3 units");
  g_assert_cmpuint (count_labels (fixture, "lines_box", "1 of 2"), ==, 1);
  g_assert_cmpuint (count_labels (fixture, "lines_box", "0 of 1"), ==, 1);
  g_assert_true (feedback_has (fixture, "verified"));
  g_assert_false (banner_shows_error (fixture));

  /* The recipient is shown, and the view is in the audit log. */
  g_assert_nonnull (strstr (label_text (fixture, "recipient_label"), "Ada Lovelace"));
  g_assert_nonnull (strstr (label_text (fixture, "recipient_label"), "SW1A 1AA"));
  audit = pb_audit_list (store, &filter, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (audit->len, ==, 1);

  scan (fixture, "TEA-1");
  g_assert_cmpstr (label_text (fixture, "units_label"), ==, "2 of 3 units");
  g_assert_cmpuint (count_labels (fixture, "lines_box", "2 of 2"), ==, 1);
  g_assert_false (gtk_widget_is_sensitive (print_button));
  pb_ui_test_settle (GTK_WIDGET (fixture->window));
  texture = pb_ui_test_snapshot (GTK_WIDGET (fixture->window), "bench-order-mid-verify.png");
  /* The catalogue has no weights: the packer is told before pressing Print,
   * and a weighed weight clears it. */
  g_assert_true (gtk_widget_get_visible (get_child (fixture, "plan_problem_label")));
  g_assert_nonnull (strstr (label_text (fixture, "plan_problem_label"), "no weight"));
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (get_child (fixture, "weight_spin")), 600);
  g_assert_null (strstr (label_text (fixture, "plan_problem_label"), "no weight"));
  g_clear_object (&texture);

  /* An item from another order: red, counted as a mis-scan, no print. */
  scan (fixture, "PEN-3");
  g_assert_true (banner_shows_error (fixture));
  g_assert_true (g_str_has_prefix (label_text (fixture, "banner_label"), "Wrong item"));
  g_assert_true (feedback_has (fixture, "wrong-item"));
  g_assert_cmpstr (label_text (fixture, "units_label"), ==, "2 of 3 units");
  g_assert_false (gtk_widget_is_sensitive (print_button));
  pb_ui_test_settle (GTK_WIDGET (fixture->window));
  texture = pb_ui_test_snapshot (GTK_WIDGET (fixture->window), "bench-wrong-item.png");
  g_clear_object (&texture);

  /* A third tea towel is one too many. */
  scan (fixture, "TEA-1");
  g_assert_true (banner_shows_error (fixture));
  g_assert_cmpstr (label_text (fixture, "units_label"), ==, "2 of 3 units");

  /* The mug by its barcode, typed by hand: the scan buffer drops slow keys,
   * Enter takes the entry's text. The order is complete, nothing printed
   * by itself (print.on_final_scan is false), and Print is offered. */
  type_by_hand (fixture, "5098765432100");
  g_assert_cmpstr (label_text (fixture, "units_label"), ==, "3 of 3 units");
  g_assert_true (feedback_has (fixture, "complete"));
  g_assert_false (banner_shows_error (fixture));
  g_assert_true (gtk_widget_is_sensitive (print_button));
  g_assert_cmpstr (pb_bench_page_get_order_id (fixture->page), ==, ORDER_TEA);
  state = order_state (fixture, ORDER_TEA);
  g_assert_cmpstr (state, ==, PB_ORDER_STATE_UNSHIPPED);
}

static void
test_cancelled_order_refused (Fixture *fixture, gconstpointer data)
{
  scan (fixture, ORDER_CANCELLED);
  g_assert_null (pb_bench_page_get_order_id (fixture->page));
  g_assert_true (banner_shows_error (fixture));
  g_assert_nonnull (strstr (label_text (fixture, "banner_label"), "cancelled"));
  g_assert_true (feedback_has (fixture, "cancelled"));
  g_assert_false (gtk_widget_is_sensitive (get_child (fixture, "print_button")));

  /* An order id opens that order without counting a unit. */
  scan (fixture, ORDER_TEA_LATER);
  g_assert_cmpstr (pb_bench_page_get_order_id (fixture->page), ==, ORDER_TEA_LATER);
  g_assert_cmpstr (label_text (fixture, "units_label"), ==, "0 of 1 units");
  g_assert_false (banner_shows_error (fixture));

  /* Escape closes it again. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->page), "bench.close-order", NULL);
  g_assert_null (pb_bench_page_get_order_id (fixture->page));
}

/* The buyer asks to cancel: the queue says so before anyone scans, and a
 * scan of the order is refused as clearly as a cancelled one — red, the
 * cancellation sound — with what to do instead. */
static void
test_cancellation_request_refused (Fixture *fixture, gconstpointer data)
{
  GtkWidget *queue = get_child (fixture, "queue_view");
  const Item pen[] = { { "PEN-3", 1 }, { NULL } };
  gint64 now = pb_clock_now_unix ();
  g_autoptr (GdkTexture) texture = NULL;
  GtkWidget *marker;
  const char *text;

  add_order_full (fixture, ORDER_ASKED, "UNSHIPPED", now - DAY, now + DAY, TRUE, pen);
  pb_bench_page_reload (fixture->page);
  wait_for_label (fixture, "count_label", "4 orders");
  marker = pb_ui_test_find_label (queue, "do not send");
  g_assert_nonnull (marker);
  g_assert_true (gtk_widget_has_css_class (marker, "pb-ship-by-late"));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (marker), ==,
                   "The buyer asked to cancel this order");

  /* A pen's scan passes it over for the late pen order. */
  scan (fixture, "PEN-3");
  g_assert_cmpstr (pb_bench_page_get_order_id (fixture->page), ==, ORDER_PEN_LATE);
  gtk_widget_activate_action (GTK_WIDGET (fixture->page), "bench.close-order", NULL);

  scan (fixture, ORDER_ASKED);
  g_assert_null (pb_bench_page_get_order_id (fixture->page));
  g_assert_true (banner_shows_error (fixture));
  text = label_text (fixture, "banner_label");
  g_assert_nonnull (strstr (text, ORDER_ASKED));
  g_assert_nonnull (strstr (text, "asked to cancel"));
  g_assert_nonnull (strstr (text, "do not send it"));
  g_assert_nonnull (strstr (text, "Seller Central"));
  g_assert_true (feedback_has (fixture, "cancelled"));
  g_assert_false (gtk_widget_is_sensitive (get_child (fixture, "print_button")));
  texture = pb_ui_test_snapshot (GTK_WIDGET (fixture->window), "bench-cancellation-requested.png");
}

static gboolean
banner_has_prefix (Fixture *fixture, const char *prefix)
{
  return g_str_has_prefix (label_text (fixture, "banner_label"), prefix);
}

/* Amazon cannot be reached to re-check the order before its label is
 * bought: the label is bought and printed on the last sync's word, and the
 * banner says so. */
/* Amazon at an address that refuses at once (a port bound, never
 * listening), Click & Drop and the printer the local servers'; the last
 * sync at @synced_at. Returns the socket, to keep until the test ends. */
static GSocket *
configure_unreachable_amazon (Fixture *fixture, gint64 synced_at)
{
  PbStore *store = pb_session_get_store (fixture->session);
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocket) closed = NULL;
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) bound = NULL;
  g_autofree char *endpoint = NULL;
  g_autofree char *lwa = NULL;
  g_autofree char *last_sync = NULL;

  /* Amazon's address: a port bound but never listening refuses at once. */
  closed = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (closed, any, TRUE, &error));
  g_assert_no_error (error);
  bound = g_socket_get_local_address (closed, &error);
  g_assert_no_error (error);
  endpoint = g_strdup_printf ("https://127.0.0.1:%u",
                              g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  lwa = g_strconcat (endpoint, "/auth/o2/token", NULL);
  {
    const char *pairs[][2] = {
      { "amazon.endpoint", endpoint },
      { "amazon.lwa_endpoint", lwa },
      { "amazon.client_id", "amzn1.application-oa2-client.packbench-test" },
      { "amazon.client_secret", "amzn1.oa2-cs.v1.test-client-secret" },
      { "amazon.refresh_token", "Atzr|IwEBtest-refresh-token" },
      { "royalmail.default_service", "TPN24" },
      { "print.printer", "documents" },
      { "print.mode", "zpl" },
      { "print.dpi", "203" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (pairs); i++)
      {
        g_assert_true (pb_session_set_setting (fixture->session, pairs[i][0], pairs[i][1], &error));
        g_assert_no_error (error);
      }
  }
  last_sync = g_strdup_printf ("%" G_GINT64_FORMAT, synced_at);
  g_assert_true (pb_store_set_meta (store, "sync.last_success", last_sync, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&closed);
}

static void
test_recheck_skipped_notice (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GSocket) closed = NULL;
  g_autoptr (GBytes) job = NULL;
  g_autoptr (GDateTime) synced = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *hhmm = NULL;
  gint64 synced_at = pb_clock_now_unix () - 25 * 60;

  closed = configure_unreachable_amazon (fixture, synced_at);
  scan (fixture, ORDER_TEA_LATER);
  scan (fixture, "TEA-1");
  g_assert_cmpstr (label_text (fixture, "units_label"), ==, "1 of 1 units");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (get_child (fixture, "weight_spin")), 300);
  gtk_widget_activate_action (GTK_WIDGET (fixture->page), "bench.print", NULL);

  PB_UI_TEST_WAIT_UNTIL (banner_has_prefix (fixture, "Label printed")
                         || banner_shows_error (fixture));
  synced = g_date_time_new_from_unix_local (synced_at);
  hhmm = g_date_time_format (synced, "%H:%M");
  expected = g_strdup_printf ("Amazon could not be reached to re-check this order; it was "
                              "shipped on what the last sync said (%s)",
                              hhmm);
  g_assert_true (banner_has_prefix (fixture, "Label printed — Tracking RM"));
  g_assert_nonnull (strstr (label_text (fixture, "banner_label"), expected));
  g_assert_true (gtk_widget_has_css_class (get_child (fixture, "banner_box"), "pb-banner-info"));
  g_assert_true (feedback_has (fixture, "printed"));
  job = pb_ui_servers_next_job (&fixture->servers);
  g_assert_true (g_bytes_get_size (job) > 3);
  g_assert_cmpmem (g_bytes_get_data (job, NULL), 3, "^XA", 3);
  texture = pb_ui_test_snapshot (GTK_WIDGET (fixture->window), "bench-recheck-skipped.png");
}

/* Issue 17: the demo's catalogue (every column, as data/demo/packbench-demo.py
 * writes it) and its one-unit order. The order number opens the order; the
 * product's barcode, at scanner speed, is its only unit. */
static void
check_catalogue_barcode (Fixture *fixture, gboolean through_a_stall)
{
  static const char demo_csv[]
      = "sku,barcodes,asin,title,weight_g,package_format,customs_description,hs_code,"
        "origin_country\r\n"
        "SCARF-TARTAN-MACLEOD,5091000000218,B0SCARF218,\"Tartan Scarf, MacLeod\",160,"
        "largeLetter,Tartan Scarf,9503000000,GB\r\n";
  const Item scarf[] = { { "SCARF-TARTAN-MACLEOD", 1 }, { NULL } };
  g_autoptr (GError) error = NULL;
  gint64 now = pb_clock_now_unix ();

  g_assert_true (pb_catalogue_import_csv (pb_session_get_store (fixture->session), demo_csv,
                                          strlen (demo_csv), "admin", NULL, &error));
  g_assert_no_error (error);
  add_order (fixture, "202-8878693-5097624", "UNSHIPPED", now - DAY, now + DAY, scarf);

  scan (fixture, "202-8878693-5097624");
  g_assert_cmpstr (pb_bench_page_get_order_id (fixture->page), ==, "202-8878693-5097624");
  g_assert_cmpstr (label_text (fixture, "units_label"), ==, "0 of 1 units");

  if (through_a_stall)
    scan_through_a_stall (fixture, "5091000000218");
  else
    scan (fixture, "5091000000218");
  g_assert_false (banner_shows_error (fixture));
  g_assert_false (feedback_has (fixture, "wrong-item"));
  g_assert_true (feedback_has (fixture, "complete"));
  g_assert_cmpstr (label_text (fixture, "units_label"), ==, "1 of 1 units");
  g_assert_true (gtk_widget_is_sensitive (get_child (fixture, "print_button")));
}

static void
test_catalogue_barcode_scanned (Fixture *fixture, gconstpointer data)
{
  check_catalogue_barcode (fixture, FALSE);
}

/* The same scan reaching a page that was busy when it came: one scan, not
 * a first key dropped and the rest a wrong item. */
static void
test_catalogue_barcode_scanned_while_busy (Fixture *fixture, gconstpointer data)
{
  check_catalogue_barcode (fixture, TRUE);
}

/* The text of the PDF @job, every page. */
static char *
job_text (GBytes *job)
{
  g_autoptr (GError) error = NULL;
  PopplerDocument *document = poppler_document_new_from_bytes (job, NULL, &error);
  GString *text = g_string_new (NULL);

  g_assert_no_error (error);
  for (int i = 0; i < poppler_document_get_n_pages (document); i++)
    {
      PopplerPage *page = poppler_document_get_page (document, i);
      g_autofree char *page_text = poppler_page_get_text (page);

      g_string_append (text, page_text);
      g_object_unref (page);
    }
  g_object_unref (document);
  return g_string_free (text, FALSE);
}

/* Issue 16: what a despatch note's barcode holds (tests/unit/test-documents.c
 * decodes it from the page) opens its order at the bench; the open order's
 * despatch note and the filtered queue's pick list print on the document
 * printer. */
static void
test_despatch_note_and_pick_list (Fixture *fixture, gconstpointer data)
{
  PbStore *store = pb_session_get_store (fixture->session);
  g_autofree char *barcode = pb_document_barcode_data (ORDER_TEA);
  g_autoptr (GBytes) note = NULL;
  g_autoptr (GBytes) list = NULL;
  g_autofree char *note_text = NULL;
  g_autofree char *list_text = NULL;

  g_assert_cmpstr (barcode, ==, "20200000010000001");
  scan (fixture, barcode);
  g_assert_cmpstr (pb_bench_page_get_order_id (fixture->page), ==, ORDER_TEA);
  gtk_widget_activate_action (GTK_WIDGET (fixture->page), "bench.despatch-note", NULL);
  PB_UI_TEST_WAIT_UNTIL (banner_has_prefix (fixture, "Despatch note of")
                         || banner_shows_error (fixture));
  g_assert_cmpstr (label_text (fixture, "banner_label"), ==,
                   "Despatch note of " ORDER_TEA " printed");
  note = pb_ui_servers_next_job (&fixture->servers);
  note_text = job_text (note);
  g_assert_nonnull (strstr (note_text, ORDER_TEA));
  g_assert_nonnull (strstr (note_text, "Ada Lovelace"));
  g_assert_nonnull (strstr (note_text, "SW1A 1AA"));
  g_assert_cmpuint (pb_test_count_audit (store, "despatch_note.printed"), ==, 1);
  /* The order stays open for packing. */
  g_assert_cmpstr (pb_bench_page_get_order_id (fixture->page), ==, ORDER_TEA);

  gtk_editable_set_text (GTK_EDITABLE (get_child (fixture, "filter_entry")), "PEN-3");
  wait_for_label (fixture, "count_label", "1 of 3 orders");
  gtk_widget_activate_action (GTK_WIDGET (fixture->page), "bench.pick-list", NULL);
  PB_UI_TEST_WAIT_UNTIL (banner_has_prefix (fixture, "Pick list of")
                         || banner_shows_error (fixture));
  g_assert_cmpstr (label_text (fixture, "banner_label"), ==, "Pick list of 1 order printed");
  list = pb_ui_servers_next_job (&fixture->servers);
  list_text = job_text (list);
  g_assert_nonnull (strstr (list_text, ORDER_PEN_LATE));
  g_assert_null (strstr (list_text, ORDER_TEA));
  g_assert_null (strstr (list_text, "Ada Lovelace"));
}

/* Issue 16: the bench's USB scale, here a FIFO named in Preferences
 * (GSettings "scale-device") that carries the HID POS scale reports the
 * device would: id 3, status, unit, exponent, weight little-endian. */
#define SCALE_REPORT(status, grams)                                                                \
  (const guint8[])                                                                                 \
  {                                                                                                \
    0x03, (status), 0x02, 0x00, (grams)&0xFF, ((grams) >> 8) & 0xFF                                \
  }

enum
{
  SCALE_IN_MOTION = 3,
  SCALE_STABLE = 4,
  SCALE_OVERLOAD = 6,
  SCALE_REZERO = 8,
};

static void
send_report (int fd, const guint8 *report)
{
  g_assert_cmpint (write (fd, report, 6), ==, 6);
}

static gint
shown_weight (Fixture *fixture)
{
  return gtk_spin_button_get_value_as_int (get_child (fixture, "weight_spin"));
}

static gboolean
scale_says (Fixture *fixture, const char *text)
{
  const char *shown = pb_ui_test_shown_text (get_child (fixture, "scale_label"));

  return shown != NULL && strstr (shown, text) != NULL;
}

static char *
override_detail (Fixture *fixture, const char *order_id)
{
  PbAuditFilter filter = { .action = "label.override" };
  g_autoptr (GPtrArray) rows
      = pb_audit_list (pb_session_get_store (fixture->session), &filter, NULL);

  for (guint i = 0; rows != NULL && i < rows->len; i++)
    {
      PbAuditEntry *row = g_ptr_array_index (rows, i);

      if (g_strcmp0 (row->subject, order_id) == 0)
        return g_strdup (row->detail);
    }
  return NULL;
}

static void
print_and_wait (Fixture *fixture)
{
  gtk_label_set_text (get_child (fixture, "banner_label"), "");
  gtk_widget_activate_action (GTK_WIDGET (fixture->page), "bench.print", NULL);
  PB_UI_TEST_WAIT_UNTIL (banner_has_prefix (fixture, "Label printed")
                         || banner_has_prefix (fixture, "No label")
                         || banner_has_prefix (fixture, "The label was not printed"));
}

/* Buys the label and closes the order. (The label is bought either way;
 * whether this process's CUPS client still finds the private cupsd is
 * another matter: libcups keeps the first server a worker thread used, and
 * the recheck test's cupsd was another.) */
static void
buy_label_and_close (Fixture *fixture)
{
  print_and_wait (fixture);
  g_assert_false (banner_has_prefix (fixture, "No label"));
  if (pb_bench_page_get_order_id (fixture->page) != NULL)
    gtk_widget_activate_action (GTK_WIDGET (fixture->page), "bench.close-order", NULL);
  g_assert_null (pb_bench_page_get_order_id (fixture->page));
}

static void
test_scale_fills_weight (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autoptr (GSocket) closed = NULL;
  g_autofree char *fifo = g_build_filename (fixture->root, "scale", NULL);
  g_autofree char *missing = g_build_filename (fixture->root, "hidraw9", NULL);
  g_autofree char *detail = NULL;
  int fd = -1;

  closed = configure_unreachable_amazon (fixture, pb_clock_now_unix () - 60);

  /* A scale named but not there: the bench says so. */
  g_settings_set_string (settings, "scale-device", missing);
  PB_UI_TEST_WAIT_UNTIL (banner_shows_error (fixture)
                         && strstr (label_text (fixture, "banner_label"), missing) != NULL);
  g_assert_nonnull (strstr (label_text (fixture, "banner_label"), "There is no scale at"));

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_settings_set_string (settings, "scale-device", fifo);
  /* The page opens the FIFO for reading; until then a writer cannot. */
  PB_UI_TEST_WAIT_UNTIL ((fd = g_open (fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC, 0)) >= 0);

  scan (fixture, ORDER_TEA_LATER);
  scan (fixture, "TEA-1");
  g_assert_cmpstr (label_text (fixture, "units_label"), ==, "1 of 1 units");

  /* Moving: the live reading shows, and the print waits for it to settle. */
  send_report (fd, SCALE_REPORT (SCALE_IN_MOTION, 120));
  PB_UI_TEST_WAIT_UNTIL (shown_weight (fixture) == 120 && scale_says (fixture, "Settling"));
  print_and_wait (fixture);
  g_assert_nonnull (strstr (label_text (fixture, "banner_label"), "has not settled"));
  g_assert_true (feedback_has (fixture, "refused"));

  /* Settled above Royal Mail's limit: filled in, and the print says why not. */
  send_report (fd, SCALE_REPORT (SCALE_STABLE, 32000));
  PB_UI_TEST_WAIT_UNTIL (shown_weight (fixture) == 32000 && scale_says (fixture, "From the scale"));
  g_assert_nonnull (strstr (label_text (fixture, "plan_problem_label"), "allows 1 to 30000 g"));
  print_and_wait (fixture);
  g_assert_true (banner_has_prefix (fixture, "No label: The parcel weight is 32000 g"));

  /* Overloaded: no weight, and the reason. */
  send_report (fd, SCALE_REPORT (SCALE_OVERLOAD, 0));
  PB_UI_TEST_WAIT_UNTIL (scale_says (fixture, "overloaded"));
  print_and_wait (fixture);
  g_assert_true (banner_has_prefix (fixture, "No label: The scale is overloaded"));

  /* Moving, then settled: the weight fills itself and goes on the label. */
  send_report (fd, SCALE_REPORT (SCALE_IN_MOTION, 300));
  send_report (fd, SCALE_REPORT (SCALE_STABLE, 450));
  PB_UI_TEST_WAIT_UNTIL (shown_weight (fixture) == 450 && scale_says (fixture, "From the scale"));
  buy_label_and_close (fixture);
  detail = override_detail (fixture, ORDER_TEA_LATER);
  g_assert_true (g_str_has_prefix (detail, "weight=450 "));
  g_assert_true (g_str_has_suffix (detail, " weighed=scale"));
  g_clear_pointer (&detail, g_free);

  /* The next order: the last parcel, still on the scale, is not its
   * weight. (The re-zero report after it shows when both were read.) */
  scan (fixture, ORDER_TEA);
  g_assert_cmpstr (pb_bench_page_get_order_id (fixture->page), ==, ORDER_TEA);
  send_report (fd, SCALE_REPORT (SCALE_STABLE, 450));
  send_report (fd, SCALE_REPORT (SCALE_REZERO, 0));
  PB_UI_TEST_WAIT_UNTIL (scale_says (fixture, "re-zeroing"));
  g_assert_cmpint (shown_weight (fixture), !=, 450);

  /* Typed: it stands, whatever the scale says, and the audit says typed. */
  scan (fixture, "TEA-1");
  scan (fixture, "TEA-1");
  scan (fixture, "MUG-2");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (get_child (fixture, "weight_spin")), 700);
  PB_UI_TEST_WAIT_UNTIL (scale_says (fixture, "Typed"));
  send_report (fd, SCALE_REPORT (SCALE_IN_MOTION, 900));
  buy_label_and_close (fixture);
  detail = override_detail (fixture, ORDER_TEA);
  g_assert_true (g_str_has_prefix (detail, "weight=700 "));
  g_assert_true (g_str_has_suffix (detail, " weighed=typed"));

  close (fd);
  g_settings_reset (settings, "scale-device");
  g_unlink (fifo);
}

/* Issue 16: several parcels at the bench, weighed on the scale. A parcel
 * closes at the scale's weight; the next parcel starts with none, and the
 * closed one, still on the scale, is not its weight. Closing the order
 * forgets the parcels. */
static void
test_parcels_on_the_scale (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autofree char *fifo = g_build_filename (fixture->root, "scale", NULL);
  GtkWidget *panel = get_child (fixture, "parcel_panel");
  int fd = -1;

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_settings_set_string (settings, "scale-device", fifo);
  PB_UI_TEST_WAIT_UNTIL ((fd = g_open (fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC, 0)) >= 0);

  scan (fixture, ORDER_TEA);
  scan (fixture, "TEA-1");
  send_report (fd, SCALE_REPORT (SCALE_IN_MOTION, 500));
  send_report (fd, SCALE_REPORT (SCALE_STABLE, 800));
  PB_UI_TEST_WAIT_UNTIL (shown_weight (fixture) == 800 && scale_says (fixture, "From the scale"));

  gtk_widget_activate_action (GTK_WIDGET (fixture->page), "bench.new-parcel", NULL);
  g_assert_true (
      banner_has_prefix (fixture, "Parcel 1 closed. Scan the units of parcel 2, then weigh it."));
  g_assert_nonnull (pb_ui_test_find_label (panel, "Parcel 1: 1 × TEA-1, 800 g"));
  g_assert_nonnull (pb_ui_test_find_label (panel, "Parcel 2 being packed: 0 units"));
  g_assert_cmpint (shown_weight (fixture), ==, 0);

  /* Parcel 1 still on the scale: not parcel 2's weight. (The re-zero
   * report after it shows when both were read.) */
  send_report (fd, SCALE_REPORT (SCALE_STABLE, 800));
  send_report (fd, SCALE_REPORT (SCALE_REZERO, 0));
  PB_UI_TEST_WAIT_UNTIL (scale_says (fixture, "re-zeroing"));
  g_assert_cmpint (shown_weight (fixture), ==, 0);
  scan (fixture, "TEA-1");
  g_assert_nonnull (pb_ui_test_find_label (panel, "Parcel 2 being packed: 1 unit"));
  /* A scale that is not ready closes nothing. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->page), "bench.new-parcel", NULL);
  g_assert_true (banner_has_prefix (fixture, "No parcel closed: "));
  g_assert_true (feedback_has (fixture, "refused"));
  g_assert_null (pb_ui_test_find_label_with_prefix (panel, "Parcel 2: "));

  /* Parcel 2 weighed: moved, then settled. */
  send_report (fd, SCALE_REPORT (SCALE_IN_MOTION, 300));
  send_report (fd, SCALE_REPORT (SCALE_STABLE, 650));
  PB_UI_TEST_WAIT_UNTIL (shown_weight (fixture) == 650 && scale_says (fixture, "From the scale"));
  gtk_widget_activate_action (GTK_WIDGET (fixture->page), "bench.new-parcel", NULL);
  g_assert_nonnull (pb_ui_test_find_label (panel, "Parcel 2: 1 × TEA-1, 650 g"));

  /* Undo: parcel 2's tea towel is back in the parcel being packed. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->page), "bench.undo-parcel", NULL);
  g_assert_true (banner_has_prefix (fixture, "Parcel 2 opened again"));
  g_assert_null (pb_ui_test_find_label_with_prefix (panel, "Parcel 2: "));
  g_assert_nonnull (pb_ui_test_find_label (panel, "Parcel 2 being packed: 1 unit"));

  /* Closing the order forgets its parcels: opened again, it is one parcel. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->page), "bench.close-order", NULL);
  g_assert_null (pb_bench_page_get_order_id (fixture->page));
  scan (fixture, ORDER_TEA);
  g_assert_cmpstr (label_text (fixture, "units_label"), ==, "0 of 3 units");
  g_assert_null (pb_ui_test_find_label_with_prefix (panel, "Parcel 1: "));
  g_assert_null (pb_ui_test_find_label_with_prefix (panel, "Parcel 2 being packed"));

  close (fd);
  g_settings_reset (settings, "scale-device");
  g_unlink (fifo);
}

/* Issue 16: a batch of single-item orders. Three orders wait for one mug
 * each (ORDER_TEA holds a mug too, but more besides: not in the batch). */
#define ORDER_MUG_1 "202-0000011-0000011"
#define ORDER_MUG_2 "202-0000012-0000012"
#define ORDER_MUG_3 "202-0000013-0000013"

/* The visible button under @widget whose label starts with @prefix. */
static GtkWidget *
find_button (GtkWidget *widget, const char *prefix)
{
  const char *label = GTK_IS_BUTTON (widget) ? gtk_button_get_label (GTK_BUTTON (widget)) : NULL;

  if (label != NULL && gtk_widget_is_visible (widget) && g_str_has_prefix (label, prefix))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, prefix);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
check_batch (Fixture *fixture)
{
  const Item mug[] = { { "MUG-2", 1 }, { NULL } };
  const char *ids[] = { ORDER_MUG_1, ORDER_MUG_2, ORDER_MUG_3 };
  gint64 now = pb_clock_now_unix ();
  g_autoptr (GdkTexture) texture = NULL;
  g_autofree char *state = NULL;
  g_autoptr (GSocket) closed = NULL;
  GtkWidget *button;

  /* Amazon out of reach (re-checks skipped), Click & Drop and the printer
   * the local servers'. */
  closed = configure_unreachable_amazon (fixture, now - 25 * 60);
  /* Added latest ship-by first. */
  add_order (fixture, ORDER_MUG_3, "UNSHIPPED", now - DAY, now + 3 * HOUR, mug);
  add_order (fixture, ORDER_MUG_2, "UNSHIPPED", now - DAY, now + 2 * HOUR, mug);
  add_order (fixture, ORDER_MUG_1, "UNSHIPPED", now - DAY, now + HOUR, mug);
  pb_bench_page_reload (fixture->page);
  wait_for_label (fixture, "count_label", "6 orders");

  /* The mug opens the oldest, and the offer shows. */
  scan (fixture, "MUG-2");
  g_assert_cmpstr (pb_bench_page_get_order_id (fixture->page), ==, ORDER_MUG_1);
  PB_UI_TEST_WAIT_UNTIL (find_button (GTK_WIDGET (fixture->page), "Ship 3 orders of this item")
                         != NULL);
  button = find_button (GTK_WIDGET (fixture->page), "Ship 3 orders of this item");
  texture = pb_ui_test_snapshot (GTK_WIDGET (fixture->window), "bench-batch-offer.png");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (get_child (fixture, "weight_spin")), 300);
  gtk_label_set_text (get_child (fixture, "banner_label"), "");
  g_signal_emit_by_name (button, "clicked");

  /* The order closed into the batch; the stop button shows. */
  g_assert_null (pb_bench_page_get_order_id (fixture->page));
  g_assert_nonnull (find_button (GTK_WIDGET (fixture->page), "Stop after this label"));
  PB_UI_TEST_WAIT_UNTIL (banner_has_prefix (fixture, "3 of 3 orders shipped.")
                         || banner_shows_error (fixture));
  /* Each order's notice follows: Amazon could not be reached. */
  g_assert_true (g_str_has_prefix (label_text (fixture, "banner_label"),
                                   "3 of 3 orders shipped.\nShipped: " ORDER_MUG_1 ", " ORDER_MUG_2
                                   ", " ORDER_MUG_3 "\n" ORDER_MUG_1
                                   ": Amazon could not be reached to re-check it"));
  g_assert_true (feedback_has (fixture, "printed"));
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_auto (PbLabelInfo) info = { 0 };
      g_autoptr (GBytes) job = pb_ui_servers_next_job (&fixture->servers);

      g_assert_cmpmem (g_bytes_get_data (job, NULL), 3, "^XA", 3);
      g_assert_true (
          pb_labels_get_info (pb_session_get_store (fixture->session), ids[i], &info, NULL));
      g_assert_cmpint (info.rm_order_identifier, >, 0);
      g_assert_cmpint (info.printed_at, >, 0);
      g_assert_cmpint (info.weight_g, ==, 300);
    }
  /* ORDER_TEA is not a single-item order: no label. */
  state = order_state (fixture, ORDER_TEA);
  g_assert_cmpstr (state, ==, "unshipped");
  g_assert_null (find_button (GTK_WIDGET (fixture->page), "Stop after this label"));
  wait_for_label (fixture, "count_label", "3 orders");
}

/* Stopped at once: at most the label already begun is bought; the banner
 * says which orders shipped and which did not start, and the store
 * agrees. */
static void
check_batch_stopped (Fixture *fixture)
{
  const Item pen[] = { { "PEN-3", 1 }, { NULL } };
  const char *ids[] = { ORDER_PEN_LATE, "202-0000021-0000021", "202-0000022-0000022" };
  gint64 now = pb_clock_now_unix ();
  const char *text;
  GtkWidget *button;

  g_autoptr (GError) error = NULL;

  /* Printing on the last scan is the default; with the offer showing, the
   * scan leaves the choice to the packer. */
  g_assert_true (pb_session_set_setting (fixture->session, "print.on_final_scan", "true", &error));
  g_assert_no_error (error);
  add_order (fixture, ids[1], "UNSHIPPED", now - DAY, now + HOUR, pen);
  add_order (fixture, ids[2], "UNSHIPPED", now - DAY, now + 2 * HOUR, pen);
  pb_bench_page_reload (fixture->page);
  wait_for_label (fixture, "count_label", "5 orders");
  scan (fixture, "PEN-3");
  g_assert_cmpstr (pb_bench_page_get_order_id (fixture->page), ==, ORDER_PEN_LATE);
  g_assert_cmpstr (label_text (fixture, "banner_label"), ==,
                   "All items verified — press Print Label (F12 or Enter)");
  PB_UI_TEST_WAIT_UNTIL (find_button (GTK_WIDGET (fixture->page), "Ship 3 orders of this item")
                         != NULL);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (get_child (fixture, "weight_spin")), 20);
  gtk_label_set_text (get_child (fixture, "banner_label"), "");
  g_signal_emit_by_name (find_button (GTK_WIDGET (fixture->page), "Ship 3 orders of this item"),
                         "clicked");
  button = find_button (GTK_WIDGET (fixture->page), "Stop after this label");
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  PB_UI_TEST_WAIT_UNTIL (banner_has_prefix (fixture, "Batch stopped:")
                         || banner_shows_error (fixture));
  text = label_text (fixture, "banner_label");
  g_assert_true (
      g_str_has_prefix (text, "Batch stopped: 0 of 3 orders shipped.\nNot started: ")
      || g_str_has_prefix (text, "Batch stopped: 1 of 3 orders shipped.\nShipped: " ORDER_PEN_LATE
                                 "\nNot started: "));
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_auto (PbLabelInfo) info = { 0 };
      gboolean shipped = i == 0 && strstr (text, "Shipped: ") != NULL;

      g_assert_true (
          pb_labels_get_info (pb_session_get_store (fixture->session), ids[i], &info, NULL));
      g_assert_cmpint (info.rm_order_identifier != 0, ==, shipped);
      g_assert_true (strstr (text, ids[i]) != NULL);
    }
}

/* In a process of its own: libcups keeps the first print server a worker
 * thread used, and the earlier tests' cupsd is gone. */
static void
test_batch_offer (void)
{
  if (g_test_subprocess ())
    {
      Fixture fixture = { 0 };

      set_up (&fixture, GINT_TO_POINTER (TRUE));
      check_batch (&fixture);
      check_batch_stopped (&fixture);
      tear_down (&fixture, GINT_TO_POINTER (TRUE));
      return;
    }
  g_test_trap_subprocess (NULL, 0,
                          G_TEST_SUBPROCESS_INHERIT_STDOUT | G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int argc, char **argv)
{
  if (!pb_ui_test_init (&argc, &argv))
    return 0; /* the TAP plan above says SKIP */

  /* A clock that stands still, so "in 24 h" does not turn into "in 23 h"
   * within the same second, and the countdown can be moved on. */
  g_setenv ("PACKBENCH_NOW", TEST_NOW_TEXT, TRUE);

  /* What AdwApplication does with the resource base path for the real app:
   * the banner and countdown colours are in style.css. */
  {
    g_autoptr (GtkCssProvider) css = gtk_css_provider_new ();

    gtk_css_provider_load_from_resource (css, RESOURCE_PREFIX "/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                GTK_STYLE_PROVIDER (css),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }

  g_test_add ("/bench-page/queue-and-filter", Fixture, NULL, set_up, test_queue_and_filter,
              tear_down);
  g_test_add ("/bench-page/scan-verify-wrong-item", Fixture, NULL, set_up,
              test_scan_verify_wrong_item, tear_down);
  g_test_add ("/bench-page/catalogue-barcode-scanned", Fixture, NULL, set_up,
              test_catalogue_barcode_scanned, tear_down);
  g_test_add ("/bench-page/catalogue-barcode-scanned-while-busy", Fixture, NULL, set_up,
              test_catalogue_barcode_scanned_while_busy, tear_down);
  g_test_add ("/bench-page/cancelled-order-refused", Fixture, NULL, set_up,
              test_cancelled_order_refused, tear_down);
  g_test_add ("/bench-page/cancellation-request-refused", Fixture, NULL, set_up,
              test_cancellation_request_refused, tear_down);
  g_test_add ("/bench-page/recheck-skipped-notice", Fixture, GINT_TO_POINTER (TRUE), set_up,
              test_recheck_skipped_notice, tear_down);
  g_test_add ("/bench-page/despatch-note-and-pick-list", Fixture, GINT_TO_POINTER (TRUE), set_up,
              test_despatch_note_and_pick_list, tear_down);
  g_test_add ("/bench-page/scale-fills-weight", Fixture, GINT_TO_POINTER (TRUE), set_up,
              test_scale_fills_weight, tear_down);
  g_test_add ("/bench-page/parcels-on-the-scale", Fixture, NULL, set_up, test_parcels_on_the_scale,
              tear_down);
  g_test_add_func ("/bench-page/batch-offer", test_batch_offer);

  return g_test_run ();
}
