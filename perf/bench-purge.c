/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Purge at scale: a SQLCipher store with N orders (default 1,000,000) of
 * which a tenth are due. The purge runs in a worker thread, as in the app,
 * while the main loop ticks every millisecond and records its longest
 * stall. Prints the purge time and the stall. */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "store/pb-keyslots.h"
#include "store/pb-retention.h"
#include "store/pb-store-private.h"
#include "util/pb-secure.h"

typedef struct
{
  PbStore *store;
  gint64 now;
  PbPurgeResult result;
  gint64 elapsed_us;
  gboolean done;
  gint64 last_tick;
  gint64 worst_gap;
  guint ticks;
} Bench;

static void
fill (PbStore *store, guint n, gint64 now)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (sqlite3_stmt) order = NULL;
  g_autoptr (sqlite3_stmt) item = NULL;

  if (!pb_store_begin (store, &error))
    g_error ("%s", error->message);
  order = pb_store_prepare (store,
                            "INSERT INTO orders (id, state, amazon_status, purchased_at,"
                            " amazon_updated_at, deliver_by_latest, delivered_at, recipient_name,"
                            " address_line1, city, postcode, phone, country_code, first_seen_at,"
                            " last_synced_at)"
                            " VALUES (?1, 'shipped', 'SHIPPED', ?2, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
                            " ?9, 'GB', ?2, ?2)",
                            &error);
  item = pb_store_prepare (store,
                           "INSERT INTO order_items (order_id, item_id, sku, asin, title,"
                           " quantity, gift_message) VALUES (?1, ?2, 'SKU-1', 'B000000001',"
                           " 'A thing', 1, ?3)",
                           &error);
  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      char id[32], item_id[32], name[64], line[64], phone[32];
      /* Every tenth order was delivered 40 days ago: due. */
      gboolean due = i % 10 == 0;
      gint64 delivered = due ? now - 40 * 86400 : now - 86400;

      g_snprintf (id, sizeof id, "%03u-%07u-%07u", i % 1000, i, i);
      g_snprintf (item_id, sizeof item_id, "%014u", i);
      g_snprintf (name, sizeof name, "Recipient Name %u", i);
      g_snprintf (line, sizeof line, "%u Long Street Name Somewhere", i);
      g_snprintf (phone, sizeof phone, "07700 %06u", i % 1000000);
      sqlite3_reset (order);
      sqlite3_bind_text (order, 1, id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (order, 2, delivered - 5 * 86400);
      sqlite3_bind_int64 (order, 3, delivered + 86400);
      sqlite3_bind_int64 (order, 4, delivered);
      sqlite3_bind_text (order, 5, name, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (order, 6, line, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (order, 7, "Aberystwyth", -1, SQLITE_STATIC);
      sqlite3_bind_text (order, 8, "SY23 1AA", -1, SQLITE_STATIC);
      sqlite3_bind_text (order, 9, phone, -1, SQLITE_TRANSIENT);
      if (sqlite3_step (order) != SQLITE_DONE)
        g_error ("insert: %s", sqlite3_errmsg (pb_store_get_db (store)));
      sqlite3_reset (item);
      sqlite3_bind_text (item, 1, id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (item, 2, item_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (item, 3, "Happy birthday", -1, SQLITE_STATIC);
      if (sqlite3_step (item) != SQLITE_DONE)
        g_error ("insert item: %s", sqlite3_errmsg (pb_store_get_db (store)));
    }
  if (!pb_store_commit (store, &error) || !pb_store_checkpoint (store, &error))
    g_error ("%s", error->message);
}

static void
purge_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Bench *bench = data;
  g_autoptr (GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  if (!pb_retention_purge (bench->store, bench->now, FALSE, "bench", &bench->result, &error))
    g_error ("%s", error->message);
  bench->elapsed_us = g_get_monotonic_time () - start;
  g_task_return_boolean (task, TRUE);
}

static void
on_purged_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Bench *bench = data;

  bench->done = TRUE;
}

static gboolean
on_tick_cb (gpointer data)
{
  Bench *bench = data;
  gint64 now = g_get_monotonic_time ();

  if (bench->last_tick != 0)
    bench->worst_gap = MAX (bench->worst_gap, now - bench->last_tick);
  bench->last_tick = now;
  bench->ticks++;
  return G_SOURCE_CONTINUE;
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GTask) task = NULL;
  g_autofree char *dir = g_dir_make_tmp ("pb-bench-purge-XXXXXX", &error);
  guint n = argc > 1 ? (guint)g_ascii_strtoull (argv[1], NULL, 10) : 1000000;
  guint8 key[PB_MASTER_KEY_LEN];
  Bench bench = { 0 };
  gint64 fill_start;
  guint tick;

  g_assert_no_error (error);
  pb_random_bytes (key, sizeof key);
  bench.store = pb_store_create (dir, key, "00112233445566778899aabbccddeeff", &error);
  g_assert_no_error (error);
  bench.now = g_get_real_time () / G_USEC_PER_SEC;

  fill_start = g_get_monotonic_time ();
  fill (bench.store, n, bench.now);
  g_print ("filled %u orders in %.1f s\n", n, (g_get_monotonic_time () - fill_start) / 1e6);

  tick = g_timeout_add (1, on_tick_cb, &bench);
  task = g_task_new (NULL, NULL, on_purged_cb, &bench);
  g_task_set_task_data (task, &bench, NULL);
  g_task_run_in_thread (task, purge_thread);
  while (!bench.done)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);

  g_print ("purged %u of %u orders in %.2f s (vacuum: %s)\n", bench.result.orders, n,
           bench.elapsed_us / 1e6, bench.result.vacuumed ? "yes" : "no");
  g_print ("main loop: %u ticks, longest gap %.2f ms\n", bench.ticks, bench.worst_gap / 1e3);

  pb_store_close (bench.store);
  g_object_unref (bench.store);
  {
    const char *names[]
        = { "packbench.db", "packbench.db-wal", "packbench.db-shm", "packbench.lock" };
    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      {
        g_autofree char *path = g_build_filename (dir, names[i], NULL);
        g_unlink (path);
      }
    g_rmdir (dir);
  }
  return 0;
}
