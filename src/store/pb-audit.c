/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>

#include "pb-audit.h"
#include "pb-store-private.h"
#include "util/pb-clock.h"

#define GENESIS_HASH PB_AUDIT_GENESIS_HASH

void
pb_audit_entry_free (PbAuditEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->actor);
  g_free (entry->action);
  g_free (entry->subject);
  g_free (entry->outcome);
  g_free (entry->detail);
  g_free (entry->prev_hash);
  g_free (entry->hash);
  g_free (entry->bench);
  g_free (entry);
}

static void
append_field (GString *out, const char *value)
{
  value = value ? value : "";
  g_string_append_printf (out, "%zu:%s\n", strlen (value), value);
}

/* Length-prefixed fields, so no choice of text can make two different rows
 * hash alike. */
static char *
row_hash (const char *prev_hash, gint64 seq, gint64 time, const char *actor, const char *action,
          const char *subject, const char *outcome, const char *detail)
{
  g_autoptr (GString) canonical = g_string_new (NULL);

  g_string_append_printf (canonical, "%s\n%" PRId64 "\n%" PRId64 "\n", prev_hash, seq, time);
  append_field (canonical, actor);
  append_field (canonical, action);
  append_field (canonical, subject);
  append_field (canonical, outcome);
  append_field (canonical, detail);

  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, canonical->str, canonical->len);
}

static gboolean
insert_row (PbStore *store, gint64 time, const char *actor, const char *action, const char *subject,
            const char *outcome, const char *detail, GError **error)
{
  g_autoptr (sqlite3_stmt) insert = NULL;
  g_autofree char *head_seq = NULL;
  g_autofree char *prev_hash = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *seq_text = NULL;
  gint64 seq = 1;

  /* The chain continues from the recorded head, not from whatever row is
   * last in the table: a row cut from the end then shows as a gap. */
  head_seq = pb_store_get_meta (store, "audit_head_seq");
  prev_hash = pb_store_get_meta (store, "audit_head_hash");
  if (head_seq != NULL && prev_hash != NULL)
    seq = g_ascii_strtoll (head_seq, NULL, 10) + 1;
  else
    {
      g_free (prev_hash);
      prev_hash = g_strdup (GENESIS_HASH);
    }

  hash = row_hash (prev_hash, seq, time, actor, action, subject, outcome, detail);

  insert
      = pb_store_prepare (store,
                          "INSERT INTO audit (seq, time, operator, action, subject, outcome,"
                          " detail, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                          error);
  if (insert == NULL)
    return FALSE;
  sqlite3_bind_int64 (insert, 1, seq);
  sqlite3_bind_int64 (insert, 2, time);
  sqlite3_bind_text (insert, 3, actor ? actor : "", -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 4, action, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 5, subject ? subject : "", -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 6, outcome, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 7, detail ? detail : "", -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 8, prev_hash, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 9, hash, -1, SQLITE_STATIC);
  if (sqlite3_step (insert) != SQLITE_DONE)
    {
      pb_store_set_sql_error (store, error, _ ("Writing the audit log"));
      return FALSE;
    }

  /* The head lets verify notice rows cut from the end. */
  seq_text = g_strdup_printf ("%" PRId64, seq);
  return pb_store_set_meta (store, "audit_head_seq", seq_text, error)
         && pb_store_set_meta (store, "audit_head_hash", hash, error);
}

gboolean
pb_audit_append_at (PbStore *store, gint64 time, const char *actor, const char *action,
                    const char *subject, const char *outcome, const char *detail, GError **error)
{
  g_return_val_if_fail (PB_IS_STORE (store), FALSE);
  g_return_val_if_fail (action != NULL && outcome != NULL, FALSE);

  /* A row reads the chain's last hash, then writes: on its own it takes
   * the write lock first (BEGIN IMMEDIATE waits for another connection's
   * write), since a read lock turned into a write lock after another
   * connection committed fails at once (SQLITE_BUSY_SNAPSHOT). Inside the
   * caller's transaction it is a savepoint of it. */
  if (sqlite3_get_autocommit (pb_store_get_db (store)))
    {
      if (!pb_store_begin (store, error))
        return FALSE;
      if (!insert_row (store, time, actor, action, subject, outcome, detail, error)
          || !pb_store_commit (store, error))
        {
          pb_store_rollback (store);
          return FALSE;
        }
      return TRUE;
    }
  if (!pb_store_exec (store, "SAVEPOINT audit_append", error))
    return FALSE;
  if (!insert_row (store, time, actor, action, subject, outcome, detail, error))
    {
      pb_store_exec (store, "ROLLBACK TO audit_append; RELEASE audit_append", NULL);
      return FALSE;
    }
  return pb_store_exec (store, "RELEASE audit_append", error);
}

gboolean
pb_audit_append (PbStore *store, const char *actor, const char *action, const char *subject,
                 const char *outcome, const char *detail, GError **error)
{
  return pb_audit_append_at (store, pb_clock_now_unix (), actor, action, subject, outcome, detail,
                             error);
}

static PbAuditEntry *
entry_from_row (sqlite3_stmt *stmt)
{
  PbAuditEntry *entry = g_new0 (PbAuditEntry, 1);

  entry->seq = sqlite3_column_int64 (stmt, 0);
  entry->time = sqlite3_column_int64 (stmt, 1);
  entry->actor = g_strdup (pb_sql_text (stmt, 2));
  entry->action = g_strdup (pb_sql_text (stmt, 3));
  entry->subject = g_strdup (pb_sql_text (stmt, 4));
  entry->outcome = g_strdup (pb_sql_text (stmt, 5));
  entry->detail = g_strdup (pb_sql_text (stmt, 6));
  return entry;
}

GPtrArray *
pb_audit_list (PbStore *store, const PbAuditFilter *filter, GError **error)
{
  static const PbAuditFilter everything = { 0 };
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GPtrArray) entries
      = g_ptr_array_new_with_free_func ((GDestroyNotify)pb_audit_entry_free);
  g_autofree char *prefix = NULL;
  int rc;

  if (filter == NULL)
    filter = &everything;

  /* Newest first when limited, so the limit keeps the latest rows. */
  stmt = pb_store_prepare (
      store,
      "SELECT seq, time, operator, action, subject, outcome, detail"
      " FROM audit"
      " WHERE (?1 = 0 OR time >= ?1) AND (?2 = 0 OR time <= ?2)"
      "   AND (?3 IS NULL OR action = ?3 OR substr (action, 1, length (?4)) = ?4)"
      "   AND (?5 IS NULL OR operator = ?5 COLLATE NOCASE)"
      " ORDER BY seq DESC LIMIT ?6",
      error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, filter->since);
  sqlite3_bind_int64 (stmt, 2, filter->until);
  if (filter->action != NULL)
    {
      sqlite3_bind_text (stmt, 3, filter->action, -1, SQLITE_STATIC);
      if (g_str_has_suffix (filter->action, "."))
        prefix = g_strdup (filter->action);
      else
        prefix = g_strconcat (filter->action, "\x01", NULL); /* matches nothing extra */
      sqlite3_bind_text (stmt, 4, prefix, -1, SQLITE_STATIC);
    }
  else
    {
      sqlite3_bind_null (stmt, 3);
      sqlite3_bind_null (stmt, 4);
    }
  if (filter->actor != NULL)
    sqlite3_bind_text (stmt, 5, filter->actor, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, 5);
  sqlite3_bind_int64 (stmt, 6, filter->limit ? (gint64)filter->limit : -1);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (entries, entry_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      pb_store_set_sql_error (store, error, _ ("Reading the audit log"));
      return NULL;
    }

  /* Oldest first for the caller. */
  for (guint i = 0, j = entries->len ? entries->len - 1 : 0; i < j; i++, j--)
    {
      gpointer tmp = entries->pdata[i];
      entries->pdata[i] = entries->pdata[j];
      entries->pdata[j] = tmp;
    }

  return g_steal_pointer (&entries);
}

GPtrArray *
pb_audit_list_after (PbStore *store, gint64 after_seq, guint limit, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GPtrArray) entries
      = g_ptr_array_new_with_free_func ((GDestroyNotify)pb_audit_entry_free);
  int rc;

  stmt = pb_store_prepare (store,
                           "SELECT seq, time, operator, action, subject, outcome, detail,"
                           " prev_hash, hash FROM audit WHERE seq > ?1 ORDER BY seq LIMIT ?2",
                           error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, after_seq);
  sqlite3_bind_int64 (stmt, 2, limit ? (gint64)limit : -1);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      PbAuditEntry *entry = entry_from_row (stmt);

      entry->prev_hash = g_strdup (pb_sql_text (stmt, 7));
      entry->hash = g_strdup (pb_sql_text (stmt, 8));
      g_ptr_array_add (entries, entry);
    }
  if (rc != SQLITE_DONE)
    {
      pb_store_set_sql_error (store, error, _ ("Reading the audit log"));
      return NULL;
    }
  return g_steal_pointer (&entries);
}

char *
pb_audit_entry_hash (const char *prev_hash, const PbAuditEntry *entry)
{
  return row_hash (prev_hash, entry->seq, entry->time, entry->actor, entry->action, entry->subject,
                   entry->outcome, entry->detail);
}

char *
pb_audit_chain_id (PbStore *store, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt
      = pb_store_prepare (store, "SELECT hash FROM audit ORDER BY seq LIMIT 1", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return g_strdup (pb_sql_text (stmt, 0));
  if (rc != SQLITE_DONE)
    pb_store_set_sql_error (store, error, _ ("Reading the audit log"));
  return NULL;
}

gboolean
pb_audit_verify (PbStore *store, gint64 *bad_seq, guint64 *n_rows, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autofree char *prev_hash = g_strdup (GENESIS_HASH);
  g_autofree char *head_seq = NULL;
  g_autofree char *head_hash = NULL;
  gint64 expected_seq = 1;
  guint64 count = 0;
  int rc;

  if (bad_seq)
    *bad_seq = 0;

  stmt = pb_store_prepare (store,
                           "SELECT seq, time, operator, action, subject, outcome, detail,"
                           " prev_hash, hash FROM audit ORDER BY seq",
                           error);
  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 seq = sqlite3_column_int64 (stmt, 0);
      g_autofree char *hash = NULL;

      if (seq != expected_seq)
        {
          if (bad_seq)
            *bad_seq = expected_seq;
          g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_CORRUPT,
                       _ ("Audit row %" PRId64 " is missing: the log was tampered with "
                          "there."),
                       expected_seq);
          return FALSE;
        }

      hash = row_hash (prev_hash, seq, sqlite3_column_int64 (stmt, 1), pb_sql_text (stmt, 2),
                       pb_sql_text (stmt, 3), pb_sql_text (stmt, 4), pb_sql_text (stmt, 5),
                       pb_sql_text (stmt, 6));
      if (g_strcmp0 (pb_sql_text (stmt, 7), prev_hash) != 0
          || g_strcmp0 (pb_sql_text (stmt, 8), hash) != 0)
        {
          if (bad_seq)
            *bad_seq = seq;
          g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_CORRUPT,
                       _ ("Audit row %" PRId64 " does not match its hash: it was edited, "
                          "moved or replaced."),
                       seq);
          return FALSE;
        }

      g_free (prev_hash);
      prev_hash = g_strdup (pb_sql_text (stmt, 8));
      expected_seq++;
      count++;
    }
  if (rc != SQLITE_DONE)
    {
      pb_store_set_sql_error (store, error, _ ("Reading the audit log"));
      return FALSE;
    }

  if (n_rows)
    *n_rows = count;

  head_seq = pb_store_get_meta (store, "audit_head_seq");
  head_hash = pb_store_get_meta (store, "audit_head_hash");
  if (head_seq != NULL
      && (g_ascii_strtoll (head_seq, NULL, 10) != expected_seq - 1
          || g_strcmp0 (head_hash, prev_hash) != 0))
    {
      if (bad_seq)
        *bad_seq = expected_seq;
      g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_CORRUPT,
                   _ ("Audit rows after %" PRId64 " are missing: the log should reach row %s."),
                   expected_seq - 1, head_seq);
      return FALSE;
    }

  return TRUE;
}

gboolean
pb_audit_take_anchor (PbStore *store, const char *actor, gint64 *seq, char **hash, GError **error)
{
  g_autofree char *head_seq = NULL;
  g_autofree char *detail = NULL;
  gint64 next = 1;

  g_return_val_if_fail (PB_IS_STORE (store), FALSE);
  g_return_val_if_fail (seq != NULL && hash != NULL, FALSE);

  /* One write transaction: no other row can come between the anchoring
   * row and the head read back. */
  if (!pb_store_begin (store, error))
    return FALSE;
  head_seq = pb_store_get_meta (store, "audit_head_seq");
  if (head_seq != NULL)
    next = g_ascii_strtoll (head_seq, NULL, 10) + 1;
  detail = g_strdup_printf ("seq=%" PRId64, next);
  if (!pb_audit_append (store, actor, "audit.anchored", NULL, "ok", detail, error))
    {
      pb_store_rollback (store);
      return FALSE;
    }

  g_free (head_seq);
  head_seq = pb_store_get_meta (store, "audit_head_seq");
  *hash = pb_store_get_meta (store, "audit_head_hash");
  if (head_seq == NULL || *hash == NULL || g_ascii_strtoll (head_seq, NULL, 10) != next)
    {
      g_clear_pointer (hash, g_free);
      pb_store_rollback (store);
      g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_CORRUPT,
                   _ ("The head of the audit log could not be read back."));
      return FALSE;
    }
  if (!pb_store_commit (store, error))
    {
      g_clear_pointer (hash, g_free);
      return FALSE;
    }
  *seq = next;
  return TRUE;
}

gboolean
pb_audit_parse_anchor (const char *text, gint64 *seq, char **hash, GError **error)
{
  const char *colon;
  g_autofree char *seq_text = NULL;
  guint64 value = 0;

  g_return_val_if_fail (seq != NULL && hash != NULL, FALSE);

  colon = text != NULL ? strchr (text, ':') : NULL;
  if (colon == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _ ("An anchor is SEQ:HASH, as “audit anchor” printed it: the sequence "
                      "number, a colon and the 64-character hash."));
      return FALSE;
    }
  seq_text = g_strndup (text, colon - text);
  if (!g_ascii_string_to_unsigned (seq_text, 10, 1, G_MAXINT64, &value, NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _ ("The sequence number of an anchor must be a whole number from 1 up."));
      return FALSE;
    }
  if (strlen (colon + 1) != PB_AUDIT_HASH_LENGTH)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _ ("The hash of an anchor must be exactly 64 hexadecimal digits."));
      return FALSE;
    }
  for (const char *c = colon + 1; *c != '\0'; c++)
    if (!g_ascii_isxdigit (*c))
      {
        g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                     _ ("The hash of an anchor must be exactly 64 hexadecimal digits."));
        return FALSE;
      }

  *seq = (gint64)value;
  *hash = g_ascii_strdown (colon + 1, -1);
  return TRUE;
}

gboolean
pb_audit_check_anchor (PbStore *store, gint64 seq, const char *hash, PbAuditAnchorResult *result,
                       gint64 *head_seq, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (PB_IS_STORE (store), FALSE);
  g_return_val_if_fail (hash != NULL && result != NULL, FALSE);

  stmt = pb_store_prepare (store,
                           "SELECT (SELECT hash FROM audit WHERE seq = ?1),"
                           " (SELECT max (seq) FROM audit)",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, seq);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      pb_store_set_sql_error (store, error, _ ("Reading the audit log"));
      return FALSE;
    }

  if (head_seq != NULL)
    *head_seq = sqlite3_column_int64 (stmt, 1);
  if (sqlite3_column_type (stmt, 0) == SQLITE_NULL)
    *result = PB_AUDIT_ANCHOR_BEYOND;
  else if (g_ascii_strcasecmp (pb_sql_text (stmt, 0), hash) == 0)
    *result = PB_AUDIT_ANCHOR_MATCHED;
  else
    *result = PB_AUDIT_ANCHOR_REWRITTEN;
  return TRUE;
}

gboolean
pb_audit_count_from_keyslots (PbStore *store, guint64 *n_rows, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (PB_IS_STORE (store), FALSE);
  g_return_val_if_fail (n_rows != NULL, FALSE);

  stmt
      = pb_store_prepare (store, "SELECT count (*) FROM audit WHERE instr (detail, ?1) > 0", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, PB_AUDIT_FROM_KEYSLOTS, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      pb_store_set_sql_error (store, error, _ ("Reading the audit log"));
      return FALSE;
    }
  *n_rows = (guint64)sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

GStrv
pb_audit_list_actions (PbStore *store, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  int rc;

  g_return_val_if_fail (PB_IS_STORE (store), NULL);

  stmt = pb_store_prepare (store, "SELECT DISTINCT action FROM audit ORDER BY action", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_strv_builder_add (builder, pb_sql_text (stmt, 0));
  if (rc != SQLITE_DONE)
    {
      pb_store_set_sql_error (store, error, _ ("Reading the audit log"));
      return NULL;
    }
  return g_strv_builder_end (builder);
}

char *
pb_audit_csv_field (const char *value)
{
  g_autoptr (GString) field = g_string_new (NULL);
  gboolean quote;
  gsize len;

  value = value != NULL ? value : "";
  len = strlen (value);

  /* A cell a spreadsheet would evaluate starts with one of these. */
  if (strchr ("=+-@\t\r", value[0]) != NULL && value[0] != '\0')
    g_string_append_c (field, '\'');
  g_string_append (field, value);

  quote = strpbrk (field->str, ",\"\r\n") != NULL
          || (len > 0 && (value[0] == ' ' || value[len - 1] == ' '));
  if (quote)
    {
      g_string_replace (field, "\"", "\"\"", 0);
      g_string_prepend_c (field, '"');
      g_string_append_c (field, '"');
    }
  return g_string_free (g_steal_pointer (&field), FALSE);
}

static void
append_csv_field (GString *line, const char *value, gboolean last)
{
  g_autofree char *field = pb_audit_csv_field (value);

  g_string_append (line, field);
  g_string_append (line, last ? "\r\n" : ",");
}

static char *
format_iso_utc (gint64 time)
{
  g_autoptr (GDateTime) when = g_date_time_new_from_unix_utc (time);

  return when != NULL ? g_date_time_format (when, "%Y-%m-%dT%H:%M:%SZ") : g_strdup ("");
}

gboolean
pb_audit_export_entries_csv (PbStore *store, const char *actor, GPtrArray *entries,
                             GOutputStream *out, guint *n_rows, GCancellable *cancellable,
                             GError **error)
{
  g_autoptr (GString) text = g_string_new (PB_AUDIT_CSV_HEADER "\r\n");
  g_autoptr (GError) local_error = NULL;
  g_autofree char *detail = NULL;

  g_return_val_if_fail (PB_IS_STORE (store), FALSE);
  g_return_val_if_fail (entries != NULL && G_IS_OUTPUT_STREAM (out), FALSE);

  if (n_rows != NULL)
    *n_rows = 0;

  /* The fixed columns and nothing else: no field of an order ever gets in. */
  for (guint i = 0; i < entries->len; i++)
    {
      PbAuditEntry *entry = g_ptr_array_index (entries, i);
      g_autofree char *seq = g_strdup_printf ("%" PRId64, entry->seq);
      g_autofree char *time = format_iso_utc (entry->time);

      append_csv_field (text, seq, FALSE);
      append_csv_field (text, time, FALSE);
      append_csv_field (text, entry->actor, FALSE);
      append_csv_field (text, entry->action, FALSE);
      append_csv_field (text, entry->subject, FALSE);
      append_csv_field (text, entry->outcome, FALSE);
      append_csv_field (text, entry->detail, FALSE);
      append_csv_field (text, entry->bench, TRUE);
    }

  detail = g_strdup_printf ("rows=%u", entries->len);
  if (!g_output_stream_write_all (out, text->str, text->len, NULL, cancellable, &local_error)
      || !g_output_stream_close (out, cancellable, &local_error))
    {
      pb_audit_append (store, actor, "audit.exported", NULL, "failed", detail, NULL);
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  _ ("The audit log could not be written: "));
      return FALSE;
    }

  if (!pb_audit_append (store, actor, "audit.exported", NULL, "ok", detail, error))
    return FALSE;
  if (n_rows != NULL)
    *n_rows = entries->len;
  return TRUE;
}

gboolean
pb_audit_export_csv (PbStore *store, const char *actor, const PbAuditFilter *filter,
                     GOutputStream *out, guint *n_rows, GCancellable *cancellable, GError **error)
{
  g_autoptr (GPtrArray) entries = NULL;

  g_return_val_if_fail (PB_IS_STORE (store), FALSE);

  entries = pb_audit_list (store, filter, error);
  return entries != NULL
         && pb_audit_export_entries_csv (store, actor, entries, out, n_rows, cancellable, error);
}

gboolean
pb_audit_get_last_access_review (PbStore *store, gint64 *when, char **reviewer, GError **error)
{
  PbAuditFilter filter = { .action = "access.reviewed", .limit = 1 };
  g_autoptr (GPtrArray) entries = NULL;

  g_return_val_if_fail (PB_IS_STORE (store), FALSE);

  *when = 0;
  if (reviewer != NULL)
    *reviewer = NULL;
  entries = pb_audit_list (store, &filter, error);
  if (entries == NULL)
    return FALSE;
  if (entries->len > 0)
    {
      PbAuditEntry *entry = g_ptr_array_index (entries, 0);

      *when = entry->time;
      if (reviewer != NULL)
        *reviewer = g_strdup (entry->actor);
    }
  return TRUE;
}

/**
 * pb_audit_carry_forward:
 * @dest: a store restored from a backup (the same store, the same key)
 * @source: the live store it replaces
 * @error: return location for an error
 *
 * Replaces @dest's audit log by @source's, row for row and hash for hash,
 * so a restore rolls back the data but never the record of what happened
 * since the backup: the chain stays whole and goes on from the live head.
 * The append-only triggers are dropped and put back inside the one
 * transaction.
 *
 * Returns: %TRUE on success; on failure @dest is unchanged.
 */
gboolean
pb_audit_carry_forward (PbStore *dest, PbStore *source, GError **error)
{
  g_autoptr (GPtrArray) triggers = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (sqlite3_stmt) read = NULL;
  g_autoptr (sqlite3_stmt) list = NULL;
  g_autoptr (sqlite3_stmt) write = NULL;
  int rc;

  g_return_val_if_fail (PB_IS_STORE (dest) && PB_IS_STORE (source), FALSE);

  if (!pb_store_begin (dest, error))
    return FALSE;
  list = pb_store_prepare (
      dest, "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit'",
      error);
  if (list == NULL)
    goto fail;
  while (sqlite3_step (list) == SQLITE_ROW)
    {
      g_autofree char *drop = g_strdup_printf ("DROP TRIGGER \"%s\"", pb_sql_text (list, 0));

      g_ptr_array_add (triggers, g_strdup (pb_sql_text (list, 1)));
      if (!pb_store_exec (dest, drop, error))
        goto fail;
    }
  g_clear_pointer (&list, sqlite3_finalize);

  read = pb_store_prepare (source,
                           "SELECT seq, time, operator, action, subject, outcome, detail, "
                           "prev_hash, hash FROM audit ORDER BY seq",
                           error);
  write = pb_store_prepare (dest,
                            "INSERT INTO audit (seq, time, operator, action, subject, outcome, "
                            "detail, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                            error);
  if (read == NULL || write == NULL || !pb_store_exec (dest, "DELETE FROM audit", error))
    goto fail;
  while ((rc = sqlite3_step (read)) == SQLITE_ROW)
    {
      sqlite3_bind_int64 (write, 1, sqlite3_column_int64 (read, 0));
      sqlite3_bind_int64 (write, 2, sqlite3_column_int64 (read, 1));
      for (int column = 2; column < 9; column++)
        sqlite3_bind_text (write, column + 1, pb_sql_text (read, column), -1, SQLITE_TRANSIENT);
      if (sqlite3_step (write) != SQLITE_DONE)
        {
          pb_store_set_sql_error (dest, error, _ ("Carrying the audit log forward"));
          goto fail;
        }
      sqlite3_reset (write);
    }
  if (rc != SQLITE_DONE)
    {
      pb_store_set_sql_error (source, error, _ ("Reading the live audit log"));
      goto fail;
    }
  for (guint i = 0; i < triggers->len; i++)
    if (!pb_store_exec (dest, g_ptr_array_index (triggers, i), error))
      goto fail;
  /* The recorded head goes with the rows (see insert_row()), and so does
   * the time pending login events were last moved into the log (older
   * ones are refused, see pb-session.c). */
  {
    const char *keys[] = { "audit_head_seq", "audit_head_hash", "keyslots_flushed_at" };

    for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
      {
        g_autofree char *value = pb_store_get_meta (source, keys[i]);

        if (value != NULL && !pb_store_set_meta (dest, keys[i], value, error))
          goto fail;
      }
  }
  return pb_store_commit (dest, error);

fail:
  pb_store_rollback (dest);
  return FALSE;
}
