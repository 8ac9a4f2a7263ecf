/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Live updates between the benches of a site (PbSiteWatch) and claiming
 * "the next order" (pb_site_claim_next), against a private PostgreSQL
 * (tests/servers/pg_server.py). A watch in this process's main loop sees a
 * claim made on another connection; when its server process is killed it
 * says it is disconnected, reconnects by itself and asks for a resync.
 * Every wait is for an event, with a generous deadline. Skips when
 * PostgreSQL is not installed.
 */
#include "config.h"

#include <libpq-fe.h>
#include <string.h>

#include "pb-test-servers.h"
#include "site/pb-site-watch.h"
#include "site/pb-site.h"

#define DEADLINE_SECONDS 60

static PbTestPg pg;
static char *skip_reason;
static PbSite *site_a; /* bench-a */
static PbSite *site_b; /* bench-b */

/* ---- helpers ---------------------------------------------------------- */

static gboolean
on_deadline_cb (gpointer user_data)
{
  *(gboolean *)user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until @condition holds; fails the test after
 * DEADLINE_SECONDS. */
static void
wait_until (gboolean (*condition) (gpointer), gpointer data, const char *what)
{
  gboolean expired = FALSE;
  guint deadline;

  /* When the test gives up: the loop below waits for the event. */
  deadline = g_timeout_add_seconds (DEADLINE_SECONDS, on_deadline_cb, &expired); /* timing-ok */

  while (!condition (data) && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (expired)
    g_error ("waited %d s for %s", DEADLINE_SECONDS, what);
  g_source_remove (deadline);
}

static PbOrderData *
make_order (const char *order_id, const char *sku, gint64 ship_by_latest)
{
  PbOrderData *order = g_new0 (PbOrderData, 1);
  PbOrderItemData *item = g_new0 (PbOrderItemData, 1);

  order->order_id = g_strdup (order_id);
  order->status = g_strdup ("UNSHIPPED");
  order->service_level = g_strdup ("STANDARD");
  order->created = order->last_updated = g_get_real_time () / G_USEC_PER_SEC;
  order->ship_by_latest = ship_by_latest;
  order->country_code = g_strdup ("GB");
  item->item_id = g_strdup_printf ("%s-1", order_id);
  item->sku = g_strdup (sku);
  item->quantity = 1;
  order->items = g_ptr_array_new_with_free_func ((GDestroyNotify)pb_order_item_data_free);
  g_ptr_array_add (order->items, item);
  return order;
}

static void
publish (PbOrderData *first, ...)
{
  g_autoptr (GPtrArray) orders
      = g_ptr_array_new_with_free_func ((GDestroyNotify)pb_order_data_free);
  g_autoptr (GError) error = NULL;
  va_list args;

  va_start (args, first);
  for (PbOrderData *order = first; order != NULL; order = va_arg (args, PbOrderData *))
    g_ptr_array_add (orders, order);
  va_end (args);
  g_assert_true (pb_site_publish_orders (site_a, orders, &error));
  g_assert_no_error (error);
}

/* Runs @sql through @uri; the first value, or NULL. */
static char *
sql_value (const char *uri, const char *sql)
{
  PGconn *conn = PQconnectdb (uri);
  PGresult *result;
  char *value = NULL;

  if (PQstatus (conn) != CONNECTION_OK)
    g_error ("cannot connect: %s", PQerrorMessage (conn));
  result = PQexec (conn, sql);
  if (PQresultStatus (result) != PGRES_TUPLES_OK && PQresultStatus (result) != PGRES_COMMAND_OK)
    g_error ("%s: %s", sql, PQerrorMessage (conn));
  if (PQresultStatus (result) == PGRES_TUPLES_OK && PQntuples (result) > 0)
    value = g_strdup (PQgetvalue (result, 0, 0));
  PQclear (result);
  PQfinish (conn);
  return value;
}

/* What a watch said, in order. */
typedef struct
{
  PbSiteWatch *watch;
  GPtrArray *changed; /* order ids */
  GArray *connected;  /* gboolean, each notify::connected */
  GPtrArray *errors;  /* GError copies, each notify::error with one */
  guint resyncs;
  const char *awaited; /* for order_seen */
  guint awaited_resyncs;
} Recorder;

static void
on_order_changed_cb (PbSiteWatch *watch, const char *order_id, Recorder *recorder)
{
  g_ptr_array_add (recorder->changed, g_strdup (order_id));
}

static void
on_resync_cb (PbSiteWatch *watch, Recorder *recorder)
{
  /* The watch is connected whenever it asks for a resync. */
  g_assert_true (pb_site_watch_get_connected (watch));
  recorder->resyncs++;
}

static void
on_connected_notify_cb (PbSiteWatch *watch, GParamSpec *pspec, Recorder *recorder)
{
  gboolean connected = pb_site_watch_get_connected (watch);

  g_array_append_val (recorder->connected, connected);
}

static void
on_error_notify_cb (PbSiteWatch *watch, GParamSpec *pspec, Recorder *recorder)
{
  const GError *error = pb_site_watch_get_error (watch);

  if (error != NULL)
    g_ptr_array_add (recorder->errors, g_error_copy (error));
}

static void
recorder_init (Recorder *recorder, PbSiteWatch *watch)
{
  memset (recorder, 0, sizeof *recorder);
  recorder->watch = watch;
  recorder->changed = g_ptr_array_new_with_free_func (g_free);
  recorder->connected = g_array_new (FALSE, FALSE, sizeof (gboolean));
  recorder->errors = g_ptr_array_new_with_free_func ((GDestroyNotify)g_error_free);
  g_signal_connect (watch, "order-changed", G_CALLBACK (on_order_changed_cb), recorder);
  g_signal_connect (watch, "resync", G_CALLBACK (on_resync_cb), recorder);
  g_signal_connect (watch, "notify::connected", G_CALLBACK (on_connected_notify_cb), recorder);
  g_signal_connect (watch, "notify::error", G_CALLBACK (on_error_notify_cb), recorder);
}

static void
recorder_clear (Recorder *recorder)
{
  g_signal_handlers_disconnect_by_data (recorder->watch, recorder);
  g_ptr_array_unref (recorder->changed);
  g_array_unref (recorder->connected);
  g_ptr_array_unref (recorder->errors);
}

static gboolean
order_seen (gpointer data)
{
  Recorder *recorder = data;

  return g_ptr_array_find_with_equal_func (recorder->changed, recorder->awaited, g_str_equal, NULL);
}

static gboolean
resynced (gpointer data)
{
  Recorder *recorder = data;

  return recorder->resyncs >= recorder->awaited_resyncs;
}

/* Has been disconnected after its first connection (whether or not it is
 * back already). */
static gboolean
disconnected (gpointer data)
{
  Recorder *recorder = data;

  return recorder->connected->len >= 2;
}

static gboolean
has_error (gpointer data)
{
  Recorder *recorder = data;

  return pb_site_watch_get_error (recorder->watch) != NULL;
}

/* ---- tests ------------------------------------------------------------ */

static void
test_order_changed_and_reconnect (void)
{
  const char *order_id = "203-0000001-0000001";
  g_autoptr (PbSiteWatch) watch = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *killed = NULL;
  const GError *lost;
  Recorder recorder;

  if (skip_reason != NULL)
    {
      g_test_skip (skip_reason);
      return;
    }
  publish (make_order (order_id, "SKU-WATCH", 0), NULL);

  watch = pb_site_watch_new (pg.uri, pg.password);
  recorder_init (&recorder, watch);
  g_assert_false (pb_site_watch_get_connected (watch));
  pb_site_watch_start (watch);
  /* Connecting runs in a thread: the call came straight back. */
  g_assert_false (pb_site_watch_get_connected (watch));

  /* The first connection: connected, then a resync (read everything). */
  recorder.awaited_resyncs = 1;
  wait_until (resynced, &recorder, "the first resync");
  g_assert_true (pb_site_watch_get_connected (watch));
  g_assert_null (pb_site_watch_get_error (watch));
  g_assert_cmpuint (recorder.connected->len, ==, 1);
  g_assert_true (g_array_index (recorder.connected, gboolean, 0));

  /* Another bench claims the order: its id arrives, and nothing else of
   * the order (the payload is the id). */
  g_assert_true (pb_site_claim (site_b, order_id, "packer1", NULL, &error));
  g_assert_no_error (error);
  recorder.awaited = order_id;
  wait_until (order_seen, &recorder, "the claimed order's notification");
  for (guint i = 0; i < recorder.changed->len; i++)
    g_assert_cmpstr (g_ptr_array_index (recorder.changed, i), ==, order_id);

  /* Its server process is killed: disconnected, in words, then back by
   * itself, and a resync asked for, since notifications may be lost. */
  killed = sql_value (pg.superuser_uri,
                      "SELECT count (pg_terminate_backend (pid)) FROM pg_stat_activity"
                      " WHERE application_name = 'packbench-watch'");
  g_assert_cmpstr (killed, ==, "1");
  wait_until (disconnected, &recorder, "the watch to notice the lost connection");
  g_assert_false (g_array_index (recorder.connected, gboolean, 1));
  g_assert_cmpuint (recorder.errors->len, >=, 1);
  lost = g_ptr_array_index (recorder.errors, 0);
  g_assert_error (lost, PB_SITE_ERROR, PB_SITE_ERROR_UNREACHABLE);
  g_assert_nonnull (strstr (lost->message, "The connection to the site database was lost"));
  recorder.awaited_resyncs = 2;
  wait_until (resynced, &recorder, "the resync after reconnecting");
  g_assert_true (pb_site_watch_get_connected (watch));
  g_assert_null (pb_site_watch_get_error (watch));
  g_assert_cmpuint (recorder.connected->len, ==, 3);
  g_assert_false (g_array_index (recorder.connected, gboolean, 1));
  g_assert_true (g_array_index (recorder.connected, gboolean, 2));

  /* And it listens again: the release arrives. */
  g_ptr_array_set_size (recorder.changed, 0);
  g_assert_true (pb_site_release (site_b, order_id, &error));
  g_assert_no_error (error);
  wait_until (order_seen, &recorder, "a notification after reconnecting");

  /* A notification without an order id (a bench left, its claims went)
   * asks for a resync. */
  recorder.awaited_resyncs = 3;
  g_assert_null (sql_value (pg.socket_uri, "NOTIFY packbench_queue"));
  wait_until (resynced, &recorder, "the resync a bare notification asks for");
  g_assert_true (pb_site_watch_get_connected (watch));

  /* Stopped: disconnected, and nothing reconnects it. */
  pb_site_watch_stop (watch);
  g_assert_false (pb_site_watch_get_connected (watch));
  recorder_clear (&recorder);
}

static void
test_insecure_uri_refused (void)
{
  g_autoptr (PbSiteWatch) watch = NULL;
  g_autoptr (GString) uri = NULL;
  Recorder recorder;

  if (skip_reason != NULL)
    {
      g_test_skip (skip_reason);
      return;
    }
  /* TLS without checking the certificate, to a network address. */
  uri = g_string_new (pg.uri);
  g_assert_cmpuint (g_string_replace (uri, "sslmode=verify-full", "sslmode=require", 1), ==, 1);
  watch = pb_site_watch_new (uri->str, pg.password);
  recorder_init (&recorder, watch);
  pb_site_watch_start (watch);
  wait_until (has_error, &recorder, "the refusal");
  g_assert_true (
      g_error_matches (pb_site_watch_get_error (watch), PB_SITE_ERROR, PB_SITE_ERROR_INSECURE));
  g_assert_nonnull (strstr (pb_site_watch_get_error (watch)->message, "sslmode=verify-full"));
  /* The password is not in the words. */
  g_assert_null (strstr (pb_site_watch_get_error (watch)->message, pg.password));
  g_assert_false (pb_site_watch_get_connected (watch));
  g_assert_cmpuint (recorder.resyncs, ==, 0);
  recorder_clear (&recorder);
}

static void
test_claim_next (void)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr (GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *none = NULL;
  g_autofree char *again = NULL;
  PbOrderData *cancelled = make_order ("203-0000002-0000003", "SKU-NEXT-A", now + 10);
  PbOrderData *shipped = make_order ("203-0000002-0000004", "SKU-NEXT-A", now + 10);
  g_auto (PbSiteClaim) holder = { 0 };

  if (skip_reason != NULL)
    {
      g_test_skip (skip_reason);
      pb_order_data_free (cancelled);
      pb_order_data_free (shipped);
      return;
    }
  cancelled->cancel_requested = TRUE;
  g_free (shipped->status);
  shipped->status = g_strdup ("SHIPPED");
  publish (make_order ("203-0000002-0000001", "SKU-NEXT-A", now + 7200),
           make_order ("203-0000002-0000002", "SKU-NEXT-B", 1), cancelled, shipped, NULL);

  /* The most urgent order first, whatever it holds. */
  g_assert_true (pb_site_claim_next (site_a, "packer1", NULL, &first, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (first, ==, "203-0000002-0000002");
  g_assert_true (pb_site_get_claim (site_a, first, &holder, &error));
  g_assert_cmpstr (holder.bench, ==, "bench-a");
  g_assert_cmpstr (holder.operator_name, ==, "packer1");
  pb_site_claim_clear (&holder);

  /* By SKU: the one order with it that can be packed; then none (one is
   * being cancelled, one is shipped). */
  g_assert_true (pb_site_claim_next (site_b, "packer2", "SKU-NEXT-A", &second, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (second, ==, "203-0000002-0000001");
  g_assert_true (pb_site_claim_next (site_a, "packer1", "SKU-NEXT-A", &none, &error));
  g_assert_no_error (error);
  g_assert_null (none);

  /* Another bench's claim is never taken, and a released order is free
   * again. */
  g_assert_false (pb_site_claim (site_a, second, "packer1", NULL, &error));
  g_assert_error (error, PB_SITE_ERROR, PB_SITE_ERROR_CLAIMED);
  g_clear_error (&error);
  g_assert_true (pb_site_release (site_b, second, &error));
  g_assert_true (pb_site_claim_next (site_a, "packer1", "SKU-NEXT-A", &again, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (again, ==, second);
}

#define RACE_BENCHES 4
#define RACE_ORDERS 200

typedef struct
{
  guint index;
  GPtrArray *claimed;
  GError *error;
} RaceBench;

static gpointer
race_bench_thread (gpointer data)
{
  RaceBench *bench = data;
  g_autofree char *name = g_strdup_printf ("race-%u", bench->index);
  g_autoptr (PbSite) site = pb_site_connect (pg.uri, pg.password, &bench->error);

  if (site == NULL)
    return NULL;
  pb_site_set_bench (site, name);
  for (;;)
    {
      char *order_id = NULL;

      if (!pb_site_claim_next (site, "packer", "SKU-RACE", &order_id, &bench->error))
        return NULL;
      if (order_id == NULL)
        return NULL;
      g_ptr_array_add (bench->claimed, order_id);
    }
}

static void
test_claim_next_race (void)
{
  g_autoptr (GPtrArray) orders
      = g_ptr_array_new_with_free_func ((GDestroyNotify)pb_order_data_free);
  g_autoptr (GHashTable) owner = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GError) error = NULL;
  g_autofree char *in_db = NULL;
  RaceBench benches[RACE_BENCHES] = { 0 };
  GThread *threads[RACE_BENCHES];
  guint total = 0;

  if (skip_reason != NULL)
    {
      g_test_skip (skip_reason);
      return;
    }
  for (guint i = 0; i < RACE_ORDERS; i++)
    {
      g_autofree char *id = g_strdup_printf ("204-%07u-0000001", i);

      g_ptr_array_add (orders, make_order (id, "SKU-RACE", 0));
    }
  g_assert_true (pb_site_publish_orders (site_a, orders, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < RACE_BENCHES; i++)
    {
      g_autofree char *name = g_strdup_printf ("race-%u", i);

      g_assert_true (pb_site_add_bench (site_a, name, "test", &error));
      g_assert_no_error (error);
    }

  for (guint i = 0; i < RACE_BENCHES; i++)
    {
      benches[i].index = i;
      benches[i].claimed = g_ptr_array_new_with_free_func (g_free);
      threads[i] = g_thread_new ("race-bench", race_bench_thread, &benches[i]);
    }
  for (guint i = 0; i < RACE_BENCHES; i++)
    {
      g_thread_join (threads[i]);
      g_assert_no_error (benches[i].error);
    }

  /* Every order went to exactly one bench, and the database agrees. */
  for (guint i = 0; i < RACE_BENCHES; i++)
    {
      g_autofree char *sql = NULL;
      g_autofree char *count = NULL;

      for (guint j = 0; j < benches[i].claimed->len; j++)
        {
          const char *id = g_ptr_array_index (benches[i].claimed, j);

          if (!g_hash_table_insert (owner, (gpointer)id, GUINT_TO_POINTER (i)))
            g_error ("order %s claimed twice", id);
        }
      total += benches[i].claimed->len;
      sql = g_strdup_printf ("SELECT count (*) FROM orders o JOIN order_items i USING (order_id)"
                             " WHERE i.sku = 'SKU-RACE' AND o.claimed_by = 'race-%u'",
                             i);
      count = sql_value (pg.socket_uri, sql);
      g_assert_cmpuint ((guint)atoi (count), ==, benches[i].claimed->len);
    }
  g_assert_cmpuint (total, ==, RACE_ORDERS);
  in_db = sql_value (pg.socket_uri,
                     "SELECT count (*) FROM orders o JOIN order_items i USING (order_id)"
                     " WHERE i.sku = 'SKU-RACE' AND o.claimed_by IS NULL");
  g_assert_cmpstr (in_db, ==, "0");
  for (guint i = 0; i < RACE_BENCHES; i++)
    g_ptr_array_unref (benches[i].claimed);
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/site-watch/order-changed-and-reconnect", test_order_changed_and_reconnect);
  g_test_add_func ("/site-watch/insecure-uri-refused", test_insecure_uri_refused);
  g_test_add_func ("/site/claim-next", test_claim_next);
  g_test_add_func ("/site/claim-next-race", test_claim_next_race);

  if (pb_test_pg_start (&pg, &skip_reason))
    {
      site_a = pb_site_connect (pg.uri, pg.password, &error);
      g_assert_no_error (error);
      g_assert_true (
          pb_site_create (site_a, "0123456789abcdef0123456789abcdef", "store-test", "{}", &error));
      g_assert_no_error (error);
      pb_site_set_bench (site_a, "bench-a");
      g_assert_true (pb_site_add_bench (site_a, "bench-a", "test", &error));
      g_assert_true (pb_site_add_bench (site_a, "bench-b", "test", &error));
      g_assert_no_error (error);
      site_b = pb_site_connect (pg.uri, pg.password, &error);
      g_assert_no_error (error);
      pb_site_set_bench (site_b, "bench-b");
    }
  status = g_test_run ();
  g_clear_object (&site_a);
  g_clear_object (&site_b);
  pb_test_pg_stop (&pg);
  g_free (skip_reason);
  return status;
}
