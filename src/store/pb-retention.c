/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "pb-audit.h"
#include "pb-retention.h"
#include "pb-settings.h"
#include "pb-store-private.h"

/* The moment from which the retention period runs, as SQL over orders. */
#define RETENTION_BASE                                                                             \
  "(CASE WHEN delivered_at IS NOT NULL THEN delivered_at"                                          \
  "      WHEN cancelled_at IS NOT NULL THEN cancelled_at"                                          \
  "      ELSE coalesce (deliver_by_latest, ship_by_latest, purchased_at) END)"

/* Every column that holds PII, nulled by the purge. */
#define PII_COLUMNS_NULL                                                                           \
  "recipient_name = NULL, company_name = NULL, address_line1 = NULL, address_line2 = NULL,"        \
  " address_line3 = NULL, city = NULL, county = NULL, postcode = NULL, phone = NULL,"              \
  " delivery_instructions = NULL"

static gint64
retention_seconds (PbStore *store)
{
  gint64 days = CLAMP (pb_settings_get_int (store, "retention.days"), 1, PB_RETENTION_MAX_DAYS);

  return days * 24 * 3600;
}

gint64
pb_retention_due_at (PbStore *store, const char *order_id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt
      = pb_store_prepare (store, "SELECT " RETENTION_BASE " + ?2 FROM orders WHERE id = ?1", error);

  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, order_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, retention_seconds (store));
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return 0;
  return sqlite3_column_int64 (stmt, 0);
}

static gboolean
exec_bound (PbStore *store, const char *sql, gint64 a, gint64 b, int *changes, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = pb_store_prepare (store, sql, error);

  if (stmt == NULL)
    return FALSE;
  if (sqlite3_bind_parameter_count (stmt) >= 1)
    sqlite3_bind_int64 (stmt, 1, a);
  if (sqlite3_bind_parameter_count (stmt) >= 2)
    sqlite3_bind_int64 (stmt, 2, b);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      pb_store_set_sql_error (store, error, _ ("Purging customer data"));
      return FALSE;
    }
  if (changes != NULL)
    *changes = sqlite3_changes (pb_store_get_db (store));
  return TRUE;
}

static gboolean
count_due (PbStore *store, gint64 now, gint64 period, PbPurgeResult *result, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = pb_store_prepare (
      store,
      "SELECT count (*), (SELECT count (*) FROM documents d WHERE d.order_id IN"
      "   (SELECT id FROM orders WHERE purged_at IS NULL AND " RETENTION_BASE " + ?2 <= ?1))"
      " FROM orders WHERE purged_at IS NULL AND " RETENTION_BASE " + ?2 <= ?1",
      error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, now);
  sqlite3_bind_int64 (stmt, 2, period);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      pb_store_set_sql_error (store, error, _ ("Finding orders due for purging"));
      return FALSE;
    }
  result->orders = (guint)sqlite3_column_int64 (stmt, 0);
  result->documents = (guint)sqlite3_column_int64 (stmt, 1);
  return TRUE;
}

/* VACUUM when a quarter of the file is free pages: keeps the file tidy. */
static gboolean
maybe_vacuum (PbStore *store, gboolean *vacuumed, GError **error)
{
  g_autoptr (sqlite3_stmt) pages = pb_store_prepare (store, "PRAGMA page_count", error);
  g_autoptr (sqlite3_stmt) free_pages = pb_store_prepare (store, "PRAGMA freelist_count", error);
  gint64 total, unused;

  if (pages == NULL || free_pages == NULL || sqlite3_step (pages) != SQLITE_ROW
      || sqlite3_step (free_pages) != SQLITE_ROW)
    return FALSE;
  total = sqlite3_column_int64 (pages, 0);
  unused = sqlite3_column_int64 (free_pages, 0);
  g_clear_pointer (&pages, sqlite3_finalize);
  g_clear_pointer (&free_pages, sqlite3_finalize);

  *vacuumed = FALSE;
  if (total < 64 || unused * 4 < total)
    return TRUE;
  if (!pb_store_exec (store, "VACUUM", error))
    return FALSE;
  *vacuumed = TRUE;
  return pb_store_checkpoint (store, error);
}

gboolean
pb_retention_purge (PbStore *store, gint64 now, gboolean dry_run, const char *actor,
                    PbPurgeResult *result, GError **error)
{
  PbPurgeResult local = { 0 };
  g_autofree char *detail = NULL;
  gint64 period = retention_seconds (store);
  int orders = 0, documents = 0;

  g_return_val_if_fail (PB_IS_STORE (store), FALSE);

  if (result == NULL)
    result = &local;
  memset (result, 0, sizeof *result);

  if (dry_run)
    return count_due (store, now, period, result, error);

  if (!pb_store_begin (store, error))
    return FALSE;
  if (!pb_store_exec (store,
                      "CREATE TEMP TABLE IF NOT EXISTS purge_due (id TEXT PRIMARY KEY);"
                      "DELETE FROM temp.purge_due;",
                      error)
      || !exec_bound (store,
                      "INSERT INTO temp.purge_due SELECT id FROM orders"
                      " WHERE purged_at IS NULL AND " RETENTION_BASE " + ?2 <= ?1",
                      now, period, &orders, error)
      || !exec_bound (store,
                      "DELETE FROM documents WHERE order_id IN (SELECT id FROM temp.purge_due)", 0,
                      0, &documents, error)
      || !exec_bound (store,
                      "DELETE FROM documents WHERE order_id IS NULL AND created_at + ?2 <= ?1", now,
                      period, NULL, error)
      || !exec_bound (store,
                      "UPDATE order_items SET gift_message = NULL"
                      " WHERE order_id IN (SELECT id FROM temp.purge_due)",
                      0, 0, NULL, error)
      || !exec_bound (store,
                      "UPDATE orders SET " PII_COLUMNS_NULL ", purged_at = ?1"
                      " WHERE id IN (SELECT id FROM temp.purge_due)",
                      now, 0, NULL, error)
      /* Amazon's or Royal Mail's error text may quote the address back:
       * it goes with the order's PII (and with that of orders purged
       * before the purge did this). */
      || !exec_bound (store,
                      "UPDATE outbox SET last_error = NULL WHERE last_error IS NOT NULL"
                      " AND order_id IN (SELECT id FROM orders WHERE purged_at IS NOT NULL)",
                      0, 0, NULL, error)
      || !pb_store_exec (store, "DELETE FROM temp.purge_due", error))
    goto fail;

  result->orders = (guint)orders;
  result->documents = (guint)documents;
  detail = g_strdup_printf ("orders=%d documents=%d retention_days=%" G_GINT64_FORMAT, orders,
                            documents, period / 86400);
  if (!pb_audit_append_at (store, now, actor, "retention.purged", NULL, "ok", detail, error)
      || !pb_store_commit (store, error))
    goto fail;

  /* secure_delete zeroed the freed space in the pages written; the WAL
   * still holds the old page images until it is written back and cut. */
  if (!pb_store_checkpoint (store, error))
    return FALSE;
  return maybe_vacuum (store, &result->vacuumed, error);

fail:
  pb_store_rollback (store);
  return FALSE;
}
