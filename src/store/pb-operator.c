/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "pb-operator.h"
#include "pb-store-private.h"
#include "util/pb-clock.h"

struct _PbOperator
{
  GObject parent_instance;

  char *username;
  char *full_name;
  PbRole role;
  gboolean disabled;
  gboolean has_totp;
  gint64 password_changed_at;
  gboolean must_change_password;
  gint64 created_at;
  gint64 last_login_at;
};

G_DEFINE_FINAL_TYPE (PbOperator, pb_operator, G_TYPE_OBJECT)

static void
pb_operator_finalize (GObject *object)
{
  PbOperator *self = PB_OPERATOR (object);

  g_clear_pointer (&self->username, g_free);
  g_clear_pointer (&self->full_name, g_free);

  G_OBJECT_CLASS (pb_operator_parent_class)->finalize (object);
}

static void
pb_operator_class_init (PbOperatorClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pb_operator_finalize;
}

static void
pb_operator_init (PbOperator *self)
{
}

const char *
pb_operator_get_username (PbOperator *self)
{
  g_return_val_if_fail (PB_IS_OPERATOR (self), NULL);
  return self->username;
}

const char *
pb_operator_get_full_name (PbOperator *self)
{
  g_return_val_if_fail (PB_IS_OPERATOR (self), NULL);
  return self->full_name;
}

PbRole
pb_operator_get_role (PbOperator *self)
{
  g_return_val_if_fail (PB_IS_OPERATOR (self), PB_ROLE_PACKER);
  return self->role;
}

gboolean
pb_operator_get_disabled (PbOperator *self)
{
  g_return_val_if_fail (PB_IS_OPERATOR (self), TRUE);
  return self->disabled;
}

gboolean
pb_operator_has_totp (PbOperator *self)
{
  g_return_val_if_fail (PB_IS_OPERATOR (self), FALSE);
  return self->has_totp;
}

gint64
pb_operator_get_password_changed_at (PbOperator *self)
{
  g_return_val_if_fail (PB_IS_OPERATOR (self), 0);
  return self->password_changed_at;
}

gboolean
pb_operator_get_must_change_password (PbOperator *self)
{
  g_return_val_if_fail (PB_IS_OPERATOR (self), TRUE);
  return self->must_change_password;
}

gint64
pb_operator_get_created_at (PbOperator *self)
{
  g_return_val_if_fail (PB_IS_OPERATOR (self), 0);
  return self->created_at;
}

gint64
pb_operator_get_last_login_at (PbOperator *self)
{
  g_return_val_if_fail (PB_IS_OPERATOR (self), 0);
  return self->last_login_at;
}

#define OPERATOR_COLUMNS                                                                           \
  "username, full_name, role, disabled, totp_secret IS NOT NULL, password_changed_at,"             \
  " must_change_password, created_at, coalesce (last_login_at, 0)"

static PbOperator *
operator_from_row (sqlite3_stmt *stmt)
{
  PbOperator *self = g_object_new (PB_TYPE_OPERATOR, NULL);

  self->username = g_strdup (pb_sql_text (stmt, 0));
  self->full_name = g_strdup (pb_sql_text (stmt, 1));
  if (!pb_role_from_string (pb_sql_text (stmt, 2), &self->role))
    self->role = PB_ROLE_PACKER;
  self->disabled = sqlite3_column_int (stmt, 3) != 0;
  self->has_totp = sqlite3_column_int (stmt, 4) != 0;
  self->password_changed_at = sqlite3_column_int64 (stmt, 5);
  self->must_change_password = sqlite3_column_int (stmt, 6) != 0;
  self->created_at = sqlite3_column_int64 (stmt, 7);
  self->last_login_at = sqlite3_column_int64 (stmt, 8);
  return self;
}

PbOperator *
pb_operator_find (PbStore *store, const char *username, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = pb_store_prepare (
      store, "SELECT " OPERATOR_COLUMNS " FROM operators WHERE username = ?1", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, username, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return operator_from_row (stmt);
  if (rc != SQLITE_DONE)
    pb_store_set_sql_error (store, error, _ ("Reading operators"));
  return NULL;
}

GPtrArray *
pb_operator_list (PbStore *store, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = pb_store_prepare (
      store, "SELECT " OPERATOR_COLUMNS " FROM operators ORDER BY username", error);
  g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func (g_object_unref);
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, operator_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      pb_store_set_sql_error (store, error, _ ("Reading operators"));
      return NULL;
    }
  return g_steal_pointer (&list);
}

gboolean
pb_operator_insert (PbStore *store, const char *username, const char *full_name, PbRole role,
                    const char *totp_secret, gboolean must_change_password, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gint64 now = pb_clock_now_unix ();

  stmt = pb_store_prepare (store,
                           "INSERT INTO operators (username, full_name, role, totp_secret,"
                           " password_changed_at, must_change_password, created_at)"
                           " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?5)",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, username, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, full_name ? full_name : "", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, pb_role_to_string (role), -1, SQLITE_STATIC);
  if (totp_secret != NULL)
    sqlite3_bind_text (stmt, 4, totp_secret, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, 4);
  sqlite3_bind_int64 (stmt, 5, now);
  sqlite3_bind_int (stmt, 6, must_change_password ? 1 : 0);

  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      if ((sqlite3_extended_errcode (pb_store_get_db (store)) & 0xff) == SQLITE_CONSTRAINT)
        g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID,
                     _ ("An operator called “%s” already exists."), username);
      else
        pb_store_set_sql_error (store, error, _ ("Adding the operator"));
      return FALSE;
    }
  return TRUE;
}

char *
pb_operator_dup_totp_secret (PbStore *store, const char *username)
{
  g_autoptr (sqlite3_stmt) stmt
      = pb_store_prepare (store, "SELECT totp_secret FROM operators WHERE username = ?1", NULL);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, username, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW || sqlite3_column_type (stmt, 0) == SQLITE_NULL)
    return NULL;
  return g_strdup (pb_sql_text (stmt, 0));
}

gint64
pb_operator_get_totp_last_step (PbStore *store, const char *username)
{
  g_autoptr (sqlite3_stmt) stmt
      = pb_store_prepare (store, "SELECT totp_last_step FROM operators WHERE username = ?1", NULL);

  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, username, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return 0;
  return sqlite3_column_int64 (stmt, 0);
}

/* Runs an UPDATE on one operator with up to two bound values after the
 * username (?1). */
static gboolean
update_operator (PbStore *store, const char *sql, const char *username, GVariant *first,
                 GVariant *second, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = pb_store_prepare (store, sql, error);
  GVariant *values[] = { first, second };

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, username, -1, SQLITE_STATIC);
  for (int i = 0; i < 2; i++)
    {
      if (values[i] == NULL)
        continue;
      if (g_variant_is_of_type (values[i], G_VARIANT_TYPE_STRING))
        sqlite3_bind_text (stmt, i + 2, g_variant_get_string (values[i], NULL), -1,
                           SQLITE_TRANSIENT);
      else if (g_variant_is_of_type (values[i], G_VARIANT_TYPE_INT64))
        sqlite3_bind_int64 (stmt, i + 2, g_variant_get_int64 (values[i]));
      else
        sqlite3_bind_null (stmt, i + 2);
    }
  g_clear_pointer (&first, g_variant_unref);
  g_clear_pointer (&second, g_variant_unref);

  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      pb_store_set_sql_error (store, error, _ ("Updating the operator"));
      return FALSE;
    }
  if (sqlite3_changes (pb_store_get_db (store)) != 1)
    {
      g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID,
                   _ ("There is no operator called “%s”."), username);
      return FALSE;
    }
  return TRUE;
}

#define INT64(v) g_variant_ref_sink (g_variant_new_int64 (v))
#define TEXT_OR_NULL(s) g_variant_ref_sink ((s) ? g_variant_new_string (s) : g_variant_new ("()"))

gboolean
pb_operator_set_totp (PbStore *store, const char *username, const char *secret, GError **error)
{
  return update_operator (store,
                          "UPDATE operators SET totp_secret = ?2, totp_last_step = 0"
                          " WHERE username = ?1",
                          username, TEXT_OR_NULL (secret), NULL, error);
}

gboolean
pb_operator_set_totp_last_step (PbStore *store, const char *username, gint64 step, GError **error)
{
  return update_operator (store, "UPDATE operators SET totp_last_step = ?2 WHERE username = ?1",
                          username, INT64 (step), NULL, error);
}

gboolean
pb_operator_set_disabled (PbStore *store, const char *username, gboolean disabled, GError **error)
{
  return update_operator (store, "UPDATE operators SET disabled = ?2 WHERE username = ?1", username,
                          INT64 (disabled ? 1 : 0), NULL, error);
}

gboolean
pb_operator_set_role (PbStore *store, const char *username, PbRole role, GError **error)
{
  return update_operator (store, "UPDATE operators SET role = ?2 WHERE username = ?1", username,
                          TEXT_OR_NULL (pb_role_to_string (role)), NULL, error);
}

gboolean
pb_operator_set_password_changed (PbStore *store, const char *username, gint64 when,
                                  gboolean must_change, GError **error)
{
  return update_operator (store,
                          "UPDATE operators SET password_changed_at = ?2,"
                          " must_change_password = ?3 WHERE username = ?1",
                          username, INT64 (when), INT64 (must_change ? 1 : 0), error);
}

gboolean
pb_operator_set_last_login (PbStore *store, const char *username, gint64 when, GError **error)
{
  return update_operator (store, "UPDATE operators SET last_login_at = ?2 WHERE username = ?1",
                          username, INT64 (when), NULL, error);
}
