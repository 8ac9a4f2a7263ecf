/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Site mode on one PostgreSQL (perf/bench-site.py starts a private server
 * and runs this):
 *
 *   a) claim round trip: pb_site_claim then pb_site_release of one order,
 *      CLAIMS times on one connection (over TLS, and over the local socket
 *      when PB_SITE_SOCKET_URI is set): p50/p95/p99/max of each call.
 *   b) contention: BENCHES threads, each its own connection as its own
 *      bench, take pb_site_claim_next until none is left among ORDERS
 *      published orders; claims/s, and every order claimed exactly once,
 *      counted in the threads and cross-checked in the database. Once
 *      without and once with a SKU filter.
 *   c) a change seen at another bench: a PbSiteWatch in its own thread and
 *      main loop; the time from just before pb_site_claim on another
 *      connection to that order's order-changed signal, SAMPLES times.
 *
 * The database is emptied (orders, items, shipments) before each part.
 * Environment: PB_SITE_URI (TLS, verify-full; its password in it),
 * PB_SITE_SOCKET_URI (optional).
 *
 * With HISTORY, b) runs again with that many shipped orders in the table
 * (what months of work leave there).
 *
 * usage: bench-site [CLAIMS [BENCHES [ORDERS [SAMPLES [HISTORY]]]]]
 */
#include "config.h"

#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>

#include "site/pb-site-watch.h"
#include "site/pb-site.h"

#define OPERATOR "bench-operator"

static const char *uri;

static void
check (gboolean ok, GError *error, const char *what)
{
  if (!ok)
    g_error ("%s: %s", what, error ? error->message : "failed");
}

static char *
admin_value (const char *sql)
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

static void
reset_orders (void)
{
  g_free (admin_value ("TRUNCATE shipments, order_items, orders"));
}

static PbOrderData *
make_order (guint n, const char *prefix, const char *sku, const char *second_sku)
{
  PbOrderData *order = g_new0 (PbOrderData, 1);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  order->order_id = g_strdup_printf ("%s-%07u-%07u", prefix, n / 1000, n);
  order->status = g_strdup ("UNSHIPPED");
  order->service_level = g_strdup ("STANDARD");
  order->created = order->last_updated = now;
  order->ship_by_latest = now + 3600 + (gint64)(n % 97) * 60;
  order->country_code = g_strdup ("GB");
  order->items = g_ptr_array_new_with_free_func ((GDestroyNotify)pb_order_item_data_free);
  for (guint i = 0; i < (second_sku ? 2u : 1u); i++)
    {
      PbOrderItemData *item = g_new0 (PbOrderItemData, 1);

      item->item_id = g_strdup_printf ("%s-%u-%u", prefix, n, i);
      item->sku = g_strdup (i == 0 ? sku : second_sku);
      item->quantity = 1;
      g_ptr_array_add (order->items, item);
    }
  return order;
}

/* Publishes @count orders, 500 to a transaction; returns their ids. */
static GPtrArray *
publish (PbSite *site, guint count, const char *prefix, gboolean hot_sku)
{
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  GError *error = NULL;

  for (guint start = 0; start < count; start += 500)
    {
      g_autoptr (GPtrArray) orders
          = g_ptr_array_new_with_free_func ((GDestroyNotify)pb_order_data_free);

      for (guint n = start; n < MIN (count, start + 500); n++)
        {
          g_autofree char *sku = g_strdup_printf ("SKU-%02u", n % 50);
          PbOrderData *order = make_order (n, prefix, sku, hot_sku ? "SKU-HOT" : NULL);

          g_ptr_array_add (ids, g_strdup (order->order_id));
          g_ptr_array_add (orders, order);
        }
      check (pb_site_publish_orders (site, orders, &error), error, "publish");
    }
  return ids;
}

static int
compare_gint64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;

  return x < y ? -1 : x > y;
}

/* Sorts @samples (µs) and prints one table row in ms. */
static void
print_row (const char *what, GArray *samples)
{
  guint n = samples->len;
  gint64 sum = 0;

  g_array_sort (samples, compare_gint64);
  for (guint i = 0; i < n; i++)
    sum += g_array_index (samples, gint64, i);
#define AT(q) (g_array_index (samples, gint64, MIN (n - 1, (guint)((q)*n))) / 1000.0)
  g_print ("| %s | %u | %.2f | %.2f | %.2f | %.2f | %.2f |\n", what, n, sum / 1000.0 / n, AT (0.5),
           AT (0.95), AT (0.99), g_array_index (samples, gint64, n - 1) / 1000.0);
#undef AT
}

static void
print_header (void)
{
  g_print ("| measured | n | mean ms | p50 ms | p95 ms | p99 ms | max ms |\n");
  g_print ("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
}

static PbSite *
connect_bench (const char *connect_uri, guint bench)
{
  g_autofree char *name = g_strdup_printf ("bench-%u", bench);
  GError *error = NULL;
  PbSite *site = pb_site_connect (connect_uri, NULL, &error);

  check (site != NULL, error, "connect");
  pb_site_set_bench (site, name);
  return site;
}

/* ---- a) claim round trip ---------------------------------------------- */

static void
bench_round_trip (const char *label, const char *connect_uri, guint claims)
{
  g_autoptr (PbSite) site = connect_bench (connect_uri, 0);
  g_autoptr (GPtrArray) ids = NULL;
  g_autoptr (GArray) claim = g_array_sized_new (FALSE, FALSE, sizeof (gint64), claims);
  g_autoptr (GArray) release = g_array_sized_new (FALSE, FALSE, sizeof (gint64), claims);
  g_autofree char *claim_label = g_strdup_printf ("claim (%s)", label);
  g_autofree char *release_label = g_strdup_printf ("release (%s)", label);
  GError *error = NULL;

  reset_orders ();
  ids = publish (site, 1, "301", FALSE);
  for (guint i = 0; i < claims; i++)
    {
      gint64 t0 = g_get_monotonic_time ();
      gint64 t1, t2;

      check (pb_site_claim (site, g_ptr_array_index (ids, 0), OPERATOR, NULL, &error), error,
             "claim");
      t1 = g_get_monotonic_time ();
      check (pb_site_release (site, g_ptr_array_index (ids, 0), &error), error, "release");
      t2 = g_get_monotonic_time ();
      t1 -= t0;
      t2 -= t0 + t1;
      g_array_append_val (claim, t1);
      g_array_append_val (release, t2);
    }
  print_row (claim_label, claim);
  print_row (release_label, release);
}

/* ---- b) contention ---------------------------------------------------- */

typedef struct
{
  guint index;
  const char *sku;
  PbSite *site;
  GPtrArray *claimed;
  GArray *latency;
} Bench;

static GMutex start_lock;
static GCond start_cond;
static gboolean started;

static gpointer
bench_thread (gpointer data)
{
  Bench *bench = data;
  GError *error = NULL;

  g_mutex_lock (&start_lock);
  while (!started)
    g_cond_wait (&start_cond, &start_lock);
  g_mutex_unlock (&start_lock);

  for (;;)
    {
      char *order_id = NULL;
      gint64 t0 = g_get_monotonic_time ();

      check (pb_site_claim_next (bench->site, OPERATOR, bench->sku, &order_id, &error), error,
             "claim next");
      t0 = g_get_monotonic_time () - t0;
      if (order_id == NULL)
        break;
      g_ptr_array_add (bench->claimed, order_id);
      g_array_append_val (bench->latency, t0);
    }
  return NULL;
}

/* @count shipped orders, as months of work leave in the site. */
static void
add_history (guint count)
{
  g_autofree char *sql = g_strdup_printf (
      "INSERT INTO orders (order_id, status, shipped, last_updated, ship_by_latest)"
      " SELECT 'old-' || g, 'SHIPPED', true, now (), now () - g * interval '1 minute'"
      " FROM generate_series (1, %u) g;"
      "INSERT INTO order_items (order_id, item_id, sku, quantity, quantity_shipped)"
      " SELECT 'old-' || g, 'old-' || g || '-0', 'SKU-HOT', 1, 1 FROM generate_series (1, %u) g;"
      "ANALYZE orders, order_items",
      count, count);

  g_free (admin_value (sql));
}

static void
bench_contention (guint benches, guint orders, const char *sku, guint history)
{
  g_autoptr (PbSite) publisher = connect_bench (uri, 0);
  g_autoptr (GPtrArray) ids = NULL;
  g_autoptr (GHashTable) owner = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GArray) latency = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree Bench *all = g_new0 (Bench, benches);
  g_autofree GThread **threads = g_new0 (GThread *, benches);
  g_autofree char *claimed_in_db = NULL;
  g_autofree char *distinct_in_db = NULL;
  g_autoptr (GString) spread = g_string_new (NULL);
  g_autofree char *label = NULL;
  guint total = 0, doubles = 0, mismatched = 0;
  gint64 t0, elapsed;

  reset_orders ();
  ids = publish (publisher, orders, "302", sku != NULL);
  if (history > 0)
    add_history (history);
  for (guint i = 0; i < benches; i++)
    {
      all[i].index = i;
      all[i].sku = sku;
      all[i].site = connect_bench (uri, i);
      all[i].claimed = g_ptr_array_new_with_free_func (g_free);
      all[i].latency = g_array_new (FALSE, FALSE, sizeof (gint64));
      threads[i] = g_thread_new ("bench", bench_thread, &all[i]);
    }
  g_mutex_lock (&start_lock);
  started = TRUE;
  t0 = g_get_monotonic_time ();
  g_cond_broadcast (&start_cond);
  g_mutex_unlock (&start_lock);
  for (guint i = 0; i < benches; i++)
    g_thread_join (threads[i]);
  elapsed = g_get_monotonic_time () - t0;
  started = FALSE;

  for (guint i = 0; i < benches; i++)
    {
      g_autofree char *sql
          = g_strdup_printf ("SELECT count (*) FROM orders WHERE claimed_by = 'bench-%u'", i);
      g_autofree char *count = admin_value (sql);

      for (guint j = 0; j < all[i].claimed->len; j++)
        if (!g_hash_table_insert (owner, g_ptr_array_index (all[i].claimed, j),
                                  GUINT_TO_POINTER (i)))
          doubles++;
      if ((guint)atoi (count) != all[i].claimed->len)
        mismatched++;
      total += all[i].claimed->len;
      g_array_append_vals (latency, all[i].latency->data, all[i].latency->len);
      g_string_append_printf (spread, "%s%u", i ? " " : "", all[i].claimed->len);
    }
  claimed_in_db = admin_value ("SELECT count (*) FROM orders WHERE claimed_by IS NOT NULL");
  distinct_in_db = admin_value ("SELECT count (DISTINCT order_id) FROM orders"
                                " WHERE claimed_by IS NOT NULL");
  if (history > 0)
    g_print ("(with %u shipped orders in the table)\n", history);

  label = g_strdup_printf ("claim_next%s, %u benches%s", sku ? " (SKU filter)" : "", benches,
                           history ? ", shipped orders in the table" : "");
  print_row (label, latency);
  g_print ("\n%s: %u orders in %.3f s = %.0f claims/s; per bench: %s\n", label, total,
           elapsed / 1e6, total / (elapsed / 1e6), spread->str);
  g_print ("double claims (threads): %u; orders claimed in the database: %s (distinct %s) of "
           "%u; benches whose count differs from the database: %u\n\n",
           doubles, claimed_in_db, distinct_in_db, orders, mismatched);
  if (doubles != 0 || total != orders || mismatched != 0 || atoi (claimed_in_db) != (int)orders)
    g_error ("claims are wrong");

  for (guint i = 0; i < benches; i++)
    {
      g_object_unref (all[i].site);
      g_ptr_array_unref (all[i].claimed);
      g_array_unref (all[i].latency);
    }
}

/* ---- c) a change seen at another bench -------------------------------- */

typedef struct
{
  GMutex lock;
  GCond cond;
  GMainContext *context;
  GMainLoop *loop;
  gboolean ready;
  char *awaited;
  gint64 arrived;
} Watcher;

static void
on_order_changed_cb (PbSiteWatch *watch, const char *order_id, Watcher *watcher)
{
  gint64 now = g_get_monotonic_time ();

  g_mutex_lock (&watcher->lock);
  if (watcher->awaited != NULL && watcher->arrived == 0 && g_str_equal (order_id, watcher->awaited))
    {
      watcher->arrived = now;
      g_cond_signal (&watcher->cond);
    }
  g_mutex_unlock (&watcher->lock);
}

static void
on_resync_cb (PbSiteWatch *watch, Watcher *watcher)
{
  g_mutex_lock (&watcher->lock);
  watcher->ready = TRUE;
  g_cond_signal (&watcher->cond);
  g_mutex_unlock (&watcher->lock);
}

static gpointer
watch_thread (gpointer data)
{
  Watcher *watcher = data;
  g_autoptr (PbSiteWatch) watch = pb_site_watch_new (uri, NULL);

  g_main_context_push_thread_default (watcher->context);
  g_signal_connect (watch, "order-changed", G_CALLBACK (on_order_changed_cb), watcher);
  g_signal_connect (watch, "resync", G_CALLBACK (on_resync_cb), watcher);
  pb_site_watch_start (watch);
  g_main_loop_run (watcher->loop);
  pb_site_watch_stop (watch);
  g_main_context_pop_thread_default (watcher->context);
  return NULL;
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
bench_change_seen (guint samples)
{
  g_autoptr (PbSite) site = connect_bench (uri, 1);
  g_autoptr (GPtrArray) ids = NULL;
  g_autoptr (GArray) seen = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GArray) claims = g_array_new (FALSE, FALSE, sizeof (gint64));
  Watcher watcher = { 0 };
  GThread *thread;
  GError *error = NULL;
  gint64 deadline;

  reset_orders ();
  ids = publish (site, samples, "303", FALSE);
  g_mutex_init (&watcher.lock);
  g_cond_init (&watcher.cond);
  watcher.context = g_main_context_new ();
  watcher.loop = g_main_loop_new (watcher.context, FALSE);
  thread = g_thread_new ("watch", watch_thread, &watcher);

  deadline = g_get_monotonic_time () + 60 * G_TIME_SPAN_SECOND;
  g_mutex_lock (&watcher.lock);
  while (!watcher.ready)
    if (!g_cond_wait_until (&watcher.cond, &watcher.lock, deadline))
      g_error ("the watch did not connect");
  g_mutex_unlock (&watcher.lock);

  for (guint i = 0; i < samples; i++)
    {
      const char *id = g_ptr_array_index (ids, i);
      gint64 t0, t1, latency;

      g_mutex_lock (&watcher.lock);
      g_free (watcher.awaited);
      watcher.awaited = g_strdup (id);
      watcher.arrived = 0;
      g_mutex_unlock (&watcher.lock);

      t0 = g_get_monotonic_time ();
      check (pb_site_claim (site, id, OPERATOR, NULL, &error), error, "claim");
      t1 = g_get_monotonic_time () - t0;
      g_array_append_val (claims, t1);

      deadline = g_get_monotonic_time () + 60 * G_TIME_SPAN_SECOND;
      g_mutex_lock (&watcher.lock);
      while (watcher.arrived == 0)
        if (!g_cond_wait_until (&watcher.cond, &watcher.lock, deadline))
          g_error ("order %s was never seen", id);
      latency = watcher.arrived - t0;
      g_mutex_unlock (&watcher.lock);
      g_array_append_val (seen, latency);
    }
  print_row ("claim on bench A", claims);
  print_row ("claim on A -> order-changed on B", seen);

  g_main_context_invoke (watcher.context, quit_cb, watcher.loop);
  g_thread_join (thread);
  g_main_loop_unref (watcher.loop);
  g_main_context_unref (watcher.context);
  g_free (watcher.awaited);
  g_mutex_clear (&watcher.lock);
  g_cond_clear (&watcher.cond);
}

int
main (int argc, char **argv)
{
  guint claims = argc > 1 ? (guint)atoi (argv[1]) : 2000;
  guint benches = argc > 2 ? (guint)atoi (argv[2]) : 10;
  guint orders = argc > 3 ? (guint)atoi (argv[3]) : 1000;
  guint samples = argc > 4 ? (guint)atoi (argv[4]) : 500;
  guint history = argc > 5 ? (guint)atoi (argv[5]) : 0;
  const char *socket_uri = g_getenv ("PB_SITE_SOCKET_URI");
  g_autoptr (PbSite) site = NULL;
  g_autofree char *site_id = NULL;
  GError *error = NULL;

  uri = g_getenv ("PB_SITE_URI");
  if (uri == NULL || claims == 0 || benches == 0 || orders == 0 || samples == 0)
    {
      g_printerr (
          "usage: PB_SITE_URI=URI bench-site [CLAIMS [BENCHES [ORDERS [SAMPLES [HISTORY]]]]]\n");
      return 2;
    }

  /* The site and its benches, once. */
  site = pb_site_connect (uri, NULL, &error);
  check (site != NULL, error, "connect");
  if (!pb_site_get_identity (site, &site_id, NULL, NULL))
    check (pb_site_create (site, "00000000000000000000000000000001", "bench-store", "{}", &error),
           error, "create the site");
  for (guint i = 0; i < MAX (benches, 2); i++)
    {
      g_autofree char *name = g_strdup_printf ("bench-%u", i);

      if (!pb_site_add_bench (site, name, "bench", &error))
        {
          if (!g_error_matches (error, PB_SITE_ERROR, PB_SITE_ERROR_EXISTS))
            check (FALSE, error, "add a bench");
          g_clear_error (&error);
        }
    }

  g_print ("a) claim round trip, %u claims and releases of one order on one connection\n\n",
           claims);
  print_header ();
  bench_round_trip ("TLS", uri, claims);
  if (socket_uri != NULL)
    bench_round_trip ("socket", socket_uri, claims);

  g_print ("\nb) %u benches, each its own connection, take the next order of %u\n\n", benches,
           orders);
  print_header ();
  bench_contention (benches, orders, NULL, 0);
  print_header ();
  bench_contention (benches, orders, "SKU-HOT", 0);
  if (history > 0)
    {
      print_header ();
      bench_contention (benches, orders, NULL, history);
      print_header ();
      bench_contention (benches, orders, "SKU-HOT", history);
    }

  g_print ("c) a claim on bench A seen by a PbSiteWatch of bench B (its own thread and "
           "connection), %u claims\n\n",
           samples);
  print_header ();
  bench_change_seen (samples);
  return 0;
}
