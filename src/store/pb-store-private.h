/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* For the store's own files only: raw SQLite access. */

#define SQLITE_HAS_CODEC 1
#include <sqlite3.h>

#include "pb-store.h"

G_BEGIN_DECLS

sqlite3 *pb_store_get_db (PbStore *self);

/* The same store without encryption, for perf/ to measure what SQLCipher
 * costs. Never used by the program. */
PbStore *pb_store_create_unencrypted_for_benchmark (const char *dir, GError **error);

/* Sets @error from the database's last error, prefixed by @what. */
void pb_store_set_sql_error (PbStore *self, GError **error, const char *what);

gboolean pb_store_exec (PbStore *self, const char *sql, GError **error);
sqlite3_stmt *pb_store_prepare (PbStore *self, const char *sql, GError **error);

/* Binds @order_id to ?1 of @stmt, which reads that order's row, and steps
 * it: TRUE on the row; FALSE with "no such order" or the database's error. */
gboolean pb_store_step_order_row (PbStore *self, sqlite3_stmt *stmt, const char *order_id,
                                  GError **error);

static inline const char *
pb_sql_text (sqlite3_stmt *stmt, int column)
{
  return (const char *)sqlite3_column_text (stmt, column);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

G_END_DECLS
