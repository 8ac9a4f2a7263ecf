/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>

#include "pb-audit.h"
#include "pb-outbox.h"
#include "pb-store-private.h"

#define OUTBOX_COLUMNS                                                                             \
  "id, kind, order_id, payload, state, attempts, next_attempt_at, last_error, created_at,"         \
  " created_by, updated_at"

void
pb_outbox_item_free (PbOutboxItem *item)
{
  if (item == NULL)
    return;
  g_free (item->kind);
  g_free (item->order_id);
  g_free (item->payload);
  g_free (item->state);
  g_free (item->last_error);
  g_free (item->created_by);
  g_free (item);
}

static PbOutboxItem *
item_from_row (sqlite3_stmt *stmt)
{
  PbOutboxItem *item = g_new0 (PbOutboxItem, 1);

  item->id = sqlite3_column_int64 (stmt, 0);
  item->kind = g_strdup (pb_sql_text (stmt, 1));
  item->order_id = g_strdup (pb_sql_text (stmt, 2));
  item->payload = g_strdup (pb_sql_text (stmt, 3));
  item->state = g_strdup (pb_sql_text (stmt, 4));
  item->attempts = sqlite3_column_int (stmt, 5);
  item->next_attempt_at = sqlite3_column_int64 (stmt, 6);
  item->last_error = g_strdup (pb_sql_text (stmt, 7));
  item->created_at = sqlite3_column_int64 (stmt, 8);
  item->created_by = g_strdup (pb_sql_text (stmt, 9));
  item->updated_at = sqlite3_column_int64 (stmt, 10);
  return item;
}

static gboolean
run (PbStore *store, sqlite3_stmt *stmt, GError **error)
{
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      pb_store_set_sql_error (store, error, _ ("Updating the outbox"));
      return FALSE;
    }
  return TRUE;
}

gboolean
pb_outbox_enqueue (PbStore *store, const char *kind, const char *order_id, const char *dedupe_key,
                   const char *payload, const char *created_by, gint64 now, gint64 *id_out,
                   GError **error)
{
  g_autoptr (sqlite3_stmt) find = NULL;
  g_autoptr (sqlite3_stmt) insert = NULL;

  find = pb_store_prepare (store, "SELECT id FROM outbox WHERE dedupe_key = ?1", error);
  if (find == NULL)
    return FALSE;
  sqlite3_bind_text (find, 1, dedupe_key, -1, SQLITE_STATIC);
  if (sqlite3_step (find) == SQLITE_ROW)
    {
      if (id_out)
        *id_out = sqlite3_column_int64 (find, 0);
      return TRUE;
    }

  insert = pb_store_prepare (store,
                             "INSERT INTO outbox (kind, order_id, dedupe_key, payload, state,"
                             " next_attempt_at, created_at, created_by, updated_at)"
                             " VALUES (?1, ?2, ?3, ?4, 'pending', ?5, ?5, ?6, ?5)",
                             error);
  if (insert == NULL)
    return FALSE;
  sqlite3_bind_text (insert, 1, kind, -1, SQLITE_STATIC);
  if (order_id)
    sqlite3_bind_text (insert, 2, order_id, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (insert, 2);
  sqlite3_bind_text (insert, 3, dedupe_key, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 4, payload, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (insert, 5, now);
  sqlite3_bind_text (insert, 6, created_by, -1, SQLITE_STATIC);
  if (!run (store, insert, error))
    return FALSE;
  if (id_out)
    *id_out = sqlite3_last_insert_rowid (pb_store_get_db (store));
  return TRUE;
}

gboolean
pb_outbox_recover (PbStore *store, gint64 now, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = pb_store_prepare (
      store,
      "UPDATE outbox SET state = 'pending', next_attempt_at = ?1, updated_at = ?1,"
      " last_error = 'interrupted: the previous attempt may have reached the other side'"
      " WHERE state = 'in_progress'",
      error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, now);
  return run (store, stmt, error);
}

gboolean
pb_outbox_recover_one (PbStore *store, gint64 id, gint64 now, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = pb_store_prepare (
      store,
      "UPDATE outbox SET state = 'pending', next_attempt_at = ?1, updated_at = ?1,"
      " last_error = 'interrupted: the previous attempt may have reached the other side'"
      " WHERE state = 'in_progress' AND id = ?2",
      error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, now);
  sqlite3_bind_int64 (stmt, 2, id);
  return run (store, stmt, error);
}

PbOutboxItem *
pb_outbox_claim (PbStore *store, gint64 now, gint64 only_id, const char *kind, GError **error)
{
  g_autoptr (sqlite3_stmt) find = NULL;
  g_autoptr (sqlite3_stmt) mark = NULL;
  g_autoptr (PbOutboxItem) item = NULL;
  int rc;

  find = pb_store_prepare (store,
                           "SELECT " OUTBOX_COLUMNS " FROM outbox"
                           " WHERE state = 'pending'"
                           "   AND ((?2 = 0 AND next_attempt_at <= ?1) OR id = ?2)"
                           "   AND (?3 IS NULL OR kind = ?3)"
                           " ORDER BY next_attempt_at, id LIMIT 1",
                           error);
  if (find == NULL)
    return NULL;
  sqlite3_bind_int64 (find, 1, now);
  sqlite3_bind_int64 (find, 2, only_id);
  if (kind != NULL)
    sqlite3_bind_text (find, 3, kind, -1, SQLITE_STATIC);
  rc = sqlite3_step (find);
  if (rc == SQLITE_DONE)
    return NULL;
  if (rc != SQLITE_ROW)
    {
      pb_store_set_sql_error (store, error, _ ("Reading the outbox"));
      return NULL;
    }
  item = item_from_row (find);

  mark = pb_store_prepare (store,
                           "UPDATE outbox SET state = 'in_progress', attempts = attempts + 1,"
                           " updated_at = ?2 WHERE id = ?1 AND state = 'pending'",
                           error);
  if (mark == NULL)
    return NULL;
  sqlite3_bind_int64 (mark, 1, item->id);
  sqlite3_bind_int64 (mark, 2, now);
  if (!run (store, mark, error))
    return NULL;

  g_free (item->state);
  item->state = g_strdup (PB_OUTBOX_IN_PROGRESS);
  item->attempts++;
  return g_steal_pointer (&item);
}

static gboolean
set_state (PbStore *store, gint64 id, const char *sql, gint64 now, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = pb_store_prepare (store, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, now);
  if (!run (store, stmt, error))
    return FALSE;
  if (sqlite3_changes (pb_store_get_db (store)) == 0)
    {
      g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID,
                   _ ("Outbox item %" PRId64 " does not exist or cannot change now."), id);
      return FALSE;
    }
  return TRUE;
}

gboolean
pb_outbox_complete (PbStore *store, gint64 id, gint64 now, GError **error)
{
  return set_state (store, id,
                    "UPDATE outbox SET state = 'done', last_error = NULL, updated_at = ?2"
                    " WHERE id = ?1",
                    now, error);
}

gboolean
pb_outbox_fail (PbStore *store, gint64 id, const char *message, gboolean permanent, gint64 retry_at,
                gint64 now, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = pb_store_prepare (
      store,
      "UPDATE outbox SET last_error = ?2, updated_at = ?3, next_attempt_at = ?4,"
      " state = CASE WHEN ?5 OR attempts >= ?6 THEN 'attention' ELSE 'pending' END"
      " WHERE id = ?1",
      error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, message, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, now);
  sqlite3_bind_int64 (stmt, 4, retry_at);
  sqlite3_bind_int (stmt, 5, permanent ? 1 : 0);
  sqlite3_bind_int (stmt, 6, PB_OUTBOX_MAX_ATTEMPTS);
  return run (store, stmt, error);
}

gboolean
pb_outbox_retry (PbStore *store, gint64 id, gint64 now, GError **error)
{
  return set_state (store, id,
                    "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ?2,"
                    " updated_at = ?2 WHERE id = ?1 AND state IN ('attention', 'pending')",
                    now, error);
}

gboolean
pb_outbox_discard (PbStore *store, gint64 id, gint64 now, GError **error)
{
  return set_state (store, id,
                    "UPDATE outbox SET state = 'discarded', updated_at = ?2"
                    " WHERE id = ?1 AND state IN ('attention', 'pending')",
                    now, error);
}

gboolean
pb_outbox_resolve (PbStore *store, gint64 id, gboolean retry, const char *operator_name, gint64 now,
                   GError **error)
{
  g_autofree char *subject = g_strdup_printf ("%" PRId64, id);

  g_return_val_if_fail (PB_IS_STORE (store), FALSE);
  g_return_val_if_fail (operator_name != NULL, FALSE);

  if (!pb_store_begin (store, error))
    return FALSE;
  if (!(retry ? pb_outbox_retry (store, id, now, error) : pb_outbox_discard (store, id, now, error))
      || !pb_audit_append (store, operator_name, retry ? "outbox.retried" : "outbox.discarded",
                           subject, "ok", NULL, error)
      || !pb_store_commit (store, error))
    {
      pb_store_rollback (store);
      return FALSE;
    }
  return TRUE;
}

PbOutboxItem *
pb_outbox_get (PbStore *store, gint64 id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt
      = pb_store_prepare (store, "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE id = ?1", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return item_from_row (stmt);
  if (rc == SQLITE_DONE)
    g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID,
                 _ ("There is no outbox item %" PRId64 "."), id);
  else
    pb_store_set_sql_error (store, error, _ ("Reading the outbox"));
  return NULL;
}

GPtrArray *
pb_outbox_list (PbStore *store, gboolean everything, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify)pb_outbox_item_free);
  int rc;

  stmt = pb_store_prepare (store,
                           "SELECT " OUTBOX_COLUMNS " FROM outbox"
                           " WHERE ?1 OR state IN ('pending', 'in_progress', 'attention')"
                           " ORDER BY id DESC",
                           error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int (stmt, 1, everything ? 1 : 0);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, item_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      pb_store_set_sql_error (store, error, _ ("Reading the outbox"));
      return NULL;
    }
  return g_steal_pointer (&list);
}
