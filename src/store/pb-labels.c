/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "pb-labels.h"
#include "pb-orders.h"
#include "pb-store-private.h"

void
pb_label_info_clear (PbLabelInfo *info)
{
  g_clear_pointer (&info->tracking_number, g_free);
  g_clear_pointer (&info->service, g_free);
  g_clear_pointer (&info->package_format, g_free);
  g_clear_pointer (&info->labelled_by, g_free);
  memset (info, 0, sizeof *info);
}

static gboolean
run (PbStore *store, sqlite3_stmt *stmt, const char *what, GError **error)
{
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      pb_store_set_sql_error (store, error, what);
      return FALSE;
    }
  return TRUE;
}

gboolean
pb_labels_get_info (PbStore *store, const char *order_id, PbLabelInfo *info, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = pb_store_prepare (
      store,
      "SELECT coalesce (rm_order_identifier, 0), tracking_number, label_service, label_format,"
      " coalesce (label_weight_g, 0), coalesce (labelled_at, 0), labelled_by,"
      " coalesce (printed_at, 0) FROM orders WHERE id = ?1",
      error);

  memset (info, 0, sizeof *info);
  if (stmt == NULL)
    return FALSE;
  if (!pb_store_step_order_row (store, stmt, order_id, error))
    return FALSE;
  info->rm_order_identifier = sqlite3_column_int64 (stmt, 0);
  info->tracking_number = g_strdup (pb_sql_text (stmt, 1));
  info->service = g_strdup (pb_sql_text (stmt, 2));
  info->package_format = g_strdup (pb_sql_text (stmt, 3));
  info->weight_g = sqlite3_column_int (stmt, 4);
  info->labelled_at = sqlite3_column_int64 (stmt, 5);
  info->labelled_by = g_strdup (pb_sql_text (stmt, 6));
  info->printed_at = sqlite3_column_int64 (stmt, 7);
  return TRUE;
}

gboolean
pb_labels_store (PbStore *store, const char *order_id, gint64 rm_order_identifier,
                 const char *tracking_number, const char *service, const char *package_format,
                 gint weight_g, GBytes *pdf, const char *actor, gint64 now, GError **error)
{
  g_autoptr (sqlite3_stmt) order = NULL;
  g_autoptr (sqlite3_stmt) forget = NULL;
  g_autoptr (sqlite3_stmt) document = NULL;
  gsize size;
  const void *data = g_bytes_get_data (pdf, &size);

  order = pb_store_prepare (store,
                            "UPDATE orders SET rm_order_identifier = ?2, tracking_number = ?3,"
                            " label_service = ?4, label_format = ?5, label_weight_g = ?6,"
                            " labelled_at = ?7, labelled_by = ?8,"
                            " state = CASE WHEN state = 'unshipped' THEN 'labelled' ELSE state END"
                            " WHERE id = ?1",
                            error);
  forget = pb_store_prepare (store, "DELETE FROM documents WHERE order_id = ?1 AND kind = 'label'",
                             error);
  document = pb_store_prepare (store,
                               "INSERT INTO documents (order_id, kind, content_type, data,"
                               " created_at) VALUES (?1, 'label', 'application/pdf', ?2, ?3)",
                               error);
  if (order == NULL || forget == NULL || document == NULL)
    return FALSE;

  sqlite3_bind_text (order, 1, order_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (order, 2, rm_order_identifier);
  sqlite3_bind_text (order, 3, tracking_number, -1, SQLITE_STATIC);
  sqlite3_bind_text (order, 4, service, -1, SQLITE_STATIC);
  sqlite3_bind_text (order, 5, package_format, -1, SQLITE_STATIC);
  sqlite3_bind_int (order, 6, weight_g);
  sqlite3_bind_int64 (order, 7, now);
  sqlite3_bind_text (order, 8, actor, -1, SQLITE_STATIC);
  sqlite3_bind_text (forget, 1, order_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (document, 1, order_id, -1, SQLITE_STATIC);
  sqlite3_bind_blob (document, 2, data, (int)size, SQLITE_STATIC);
  sqlite3_bind_int64 (document, 3, now);
  return run (store, order, _ ("Saving the label"), error)
         && run (store, forget, _ ("Saving the label"), error)
         && run (store, document, _ ("Saving the label"), error);
}

GBytes *
pb_labels_get_pdf (PbStore *store, const char *order_id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt
      = pb_store_prepare (store,
                          "SELECT data FROM documents WHERE order_id = ?1 AND kind = 'label'"
                          " ORDER BY id DESC LIMIT 1",
                          error);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, order_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  return g_bytes_new (sqlite3_column_blob (stmt, 0), (gsize)sqlite3_column_bytes (stmt, 0));
}

gboolean
pb_labels_set_printed (PbStore *store, const char *order_id, gint64 when, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt
      = pb_store_prepare (store, "UPDATE orders SET printed_at = ?2 WHERE id = ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, order_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, when);
  return run (store, stmt, _ ("Saving the print"), error);
}

gboolean
pb_labels_forget (PbStore *store, const char *order_id, GError **error)
{
  g_autoptr (sqlite3_stmt) order = pb_store_prepare (
      store,
      "UPDATE orders SET rm_order_identifier = NULL, tracking_number = NULL,"
      " label_service = NULL, label_format = NULL, label_weight_g = NULL, labelled_at = NULL,"
      " labelled_by = NULL, printed_at = NULL, shipped_at = NULL, shipped_by = NULL,"
      " attention = NULL,"
      " state = CASE WHEN state = 'cancelled' THEN 'cancelled' ELSE 'unshipped' END"
      " WHERE id = ?1",
      error);
  g_autoptr (sqlite3_stmt) document = pb_store_prepare (
      store, "DELETE FROM documents WHERE order_id = ?1 AND kind = 'label'", error);

  if (order == NULL || document == NULL)
    return FALSE;
  sqlite3_bind_text (order, 1, order_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (document, 1, order_id, -1, SQLITE_STATIC);
  return run (store, order, _ ("Voiding the label"), error)
         && run (store, document, _ ("Voiding the label"), error);
}

char *
pb_labels_last_by (PbStore *store, const char *actor, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt
      = pb_store_prepare (store,
                          "SELECT id FROM orders WHERE labelled_by = ?1 AND labelled_at IS NOT NULL"
                          " ORDER BY labelled_at DESC LIMIT 1",
                          error);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, actor, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  return g_strdup (pb_sql_text (stmt, 0));
}

GPtrArray *
pb_labels_unmanifested (PbStore *store, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = pb_store_prepare (
      store,
      "SELECT id FROM orders WHERE rm_order_identifier IS NOT NULL AND manifest_number IS NULL"
      " ORDER BY labelled_at",
      error);
  GPtrArray *ids;

  if (stmt == NULL)
    return NULL;
  ids = g_ptr_array_new_with_free_func (g_free);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (ids, g_strdup (pb_sql_text (stmt, 0)));
  return ids;
}

gboolean
pb_labels_store_manifest (PbStore *store, gint64 manifest_number, GBytes *pdf, gint64 now,
                          GError **error)
{
  g_autoptr (sqlite3_stmt) mark
      = pb_store_prepare (store,
                          "UPDATE orders SET manifest_number = ?1"
                          " WHERE rm_order_identifier IS NOT NULL AND manifest_number IS NULL",
                          error);
  g_autoptr (sqlite3_stmt) document = pb_store_prepare (
      store,
      "INSERT INTO documents (order_id, kind, content_type, data, created_at, manifest_number)"
      " VALUES (NULL, 'manifest', 'application/pdf', ?1, ?2, ?3)",
      error);
  gsize size;
  const void *data = pdf ? g_bytes_get_data (pdf, &size) : NULL;

  if (mark == NULL || document == NULL)
    return FALSE;
  sqlite3_bind_int64 (mark, 1, manifest_number);
  if (!run (store, mark, _ ("Saving the manifest"), error))
    return FALSE;
  if (data == NULL)
    return TRUE;
  sqlite3_bind_blob (document, 1, data, (int)size, SQLITE_STATIC);
  sqlite3_bind_int64 (document, 2, now);
  sqlite3_bind_int64 (document, 3, manifest_number);
  return run (store, document, _ ("Saving the manifest"), error);
}

void
pb_label_row_free (PbLabelRow *row)
{
  if (row == NULL)
    return;
  g_free (row->order_id);
  g_free (row->state);
  g_free (row->tracking_number);
  g_free (row->service);
  g_free (row->operator_name);
  g_free (row);
}

static GPtrArray *
list_rows (PbStore *store, const char *where, GError **error)
{
  g_autofree char *sql
      = g_strconcat ("SELECT id, state, tracking_number, label_service, coalesce (labelled_at, 0),"
                     " coalesce (printed_at, 0), labelled_by, coalesce (manifest_number, 0)"
                     " FROM orders WHERE ",
                     where, " ORDER BY labelled_at, id", NULL);
  g_autoptr (sqlite3_stmt) stmt = pb_store_prepare (store, sql, error);
  g_autoptr (GPtrArray) rows = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  rows = g_ptr_array_new_with_free_func ((GDestroyNotify)pb_label_row_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      PbLabelRow *row = g_new0 (PbLabelRow, 1);

      row->order_id = g_strdup (pb_sql_text (stmt, 0));
      row->state = g_strdup (pb_sql_text (stmt, 1));
      row->tracking_number = g_strdup (pb_sql_text (stmt, 2));
      row->service = g_strdup (pb_sql_text (stmt, 3));
      row->labelled_at = sqlite3_column_int64 (stmt, 4);
      row->printed_at = sqlite3_column_int64 (stmt, 5);
      row->operator_name = g_strdup (pb_sql_text (stmt, 6));
      row->manifest_number = sqlite3_column_int64 (stmt, 7);
      g_ptr_array_add (rows, row);
    }
  if (rc != SQLITE_DONE)
    {
      pb_store_set_sql_error (store, error, _ ("Reading the labels"));
      return NULL;
    }
  return g_steal_pointer (&rows);
}

GPtrArray *
pb_labels_list_unmanifested (PbStore *store, GError **error)
{
  return list_rows (store, "rm_order_identifier IS NOT NULL AND manifest_number IS NULL", error);
}

GPtrArray *
pb_labels_list_bought (PbStore *store, GError **error)
{
  return list_rows (store, "rm_order_identifier IS NOT NULL", error);
}

gboolean
pb_labels_set_manifest (PbStore *store, const char *order_id, gint64 manifest_number,
                        GError **error)
{
  g_autoptr (sqlite3_stmt) mark = pb_store_prepare (
      store,
      "UPDATE orders SET manifest_number = ?2"
      " WHERE id = ?1 AND rm_order_identifier IS NOT NULL AND manifest_number IS NULL",
      error);

  if (mark == NULL)
    return FALSE;
  sqlite3_bind_text (mark, 1, order_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (mark, 2, manifest_number);
  return run (store, mark, _ ("Saving the manifest"), error);
}

GPtrArray *
pb_labels_list_cancelled (PbStore *store, GError **error)
{
  return list_rows (store, "rm_order_identifier IS NOT NULL AND state = 'cancelled'", error);
}

GPtrArray *
pb_labels_list_manifests (PbStore *store, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt
      = pb_store_prepare (store,
                          "SELECT id, created_at, length (data), coalesce (manifest_number, 0)"
                          " FROM documents"
                          " WHERE kind = 'manifest' ORDER BY created_at DESC, id DESC",
                          error);
  g_autoptr (GPtrArray) list = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  list = g_ptr_array_new_with_free_func (g_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      PbManifestInfo *info = g_new0 (PbManifestInfo, 1);

      info->id = sqlite3_column_int64 (stmt, 0);
      info->created_at = sqlite3_column_int64 (stmt, 1);
      info->size = (gsize)sqlite3_column_int64 (stmt, 2);
      info->number = sqlite3_column_int64 (stmt, 3);
      g_ptr_array_add (list, info);
    }
  if (rc != SQLITE_DONE)
    {
      pb_store_set_sql_error (store, error, _ ("Reading the manifests"));
      return NULL;
    }
  return g_steal_pointer (&list);
}

GBytes *
pb_labels_get_manifest_pdf (PbStore *store, gint64 id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = pb_store_prepare (
      store,
      "SELECT data FROM documents WHERE kind = 'manifest' AND (?1 = 0 OR id = ?1)"
      " ORDER BY created_at DESC, id DESC LIMIT 1",
      error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return g_bytes_new (sqlite3_column_blob (stmt, 0), (gsize)sqlite3_column_bytes (stmt, 0));
  if (rc != SQLITE_DONE)
    pb_store_set_sql_error (store, error, _ ("Reading the manifest"));
  return NULL;
}
