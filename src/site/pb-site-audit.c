/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <string.h>

#include "pb-site-private.h"

/*
 * Every bench's audit chain in the site database, so a supervisor at any
 * bench sees the whole floor's and can check it. Each bench copies its
 * own rows there as they are, hashes and all: the bench's store stays
 * where its chain is written (no lock across benches for each event), and
 * the site's copy is one more place a rewrite would have to reach. The
 * audit log holds no personal data by design, so neither does this.
 */

#define PUSH_BATCH 500
#define VERIFY_PAGE 5000

void
pb_site_chain_check_free (PbSiteChainCheck *check)
{
  if (check == NULL)
    return;
  g_free (check->bench);
  g_free (check->chain);
  g_free (check->problem);
  g_free (check);
}

static gint64
first_int64 (PGresult *result)
{
  return PQntuples (result) > 0 && !PQgetisnull (result, 0, 0)
             ? g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10)
             : 0;
}

gboolean
pb_site_push_audit (PbSite *self, PbStore *store, guint *n_pushed, GError **error)
{
  g_autofree char *chain = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autoptr (PGresult) last = NULL;
  gint64 after;

  g_return_val_if_fail (PB_IS_SITE (self) && pb_site_get_bench (self) != NULL, FALSE);

  if (n_pushed != NULL)
    *n_pushed = 0;
  chain = pb_audit_chain_id (store, &local_error);
  if (chain == NULL)
    {
      if (local_error == NULL)
        return TRUE; /* an empty log: nothing to copy */
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  {
    const char *params[] = { chain };

    last = pb_site_exec (self, _ ("Reading the site’s audit log"),
                         "SELECT max (seq) FROM audit_events WHERE chain = $1", 1, params, error);
  }
  if (last == NULL)
    return FALSE;
  after = first_int64 (last);

  for (;;)
    {
      g_autoptr (GPtrArray) rows = pb_audit_list_after (store, after, PUSH_BATCH, error);

      if (rows == NULL)
        return FALSE;
      if (rows->len == 0)
        return TRUE;
      if (!pb_site_begin (self, error))
        return FALSE;
      for (guint i = 0; i < rows->len; i++)
        {
          PbAuditEntry *entry = g_ptr_array_index (rows, i);
          g_autofree char *seq = g_strdup_printf ("%" PRId64, entry->seq);
          g_autofree char *time = g_strdup_printf ("%" PRId64, entry->time);
          const char *params[] = {
            chain,
            seq,
            pb_site_get_bench (self),
            time,
            entry->actor ? entry->actor : "",
            entry->action,
            entry->subject ? entry->subject : "",
            entry->outcome ? entry->outcome : "",
            entry->detail ? entry->detail : "",
            entry->prev_hash,
            entry->hash,
          };

          /* Another process of this bench may have copied it already. */
          if (!pb_site_run (self, _ ("Copying the audit log to the site"),
                            "INSERT INTO audit_events (chain, seq, bench, time, actor, action,"
                            " subject, outcome, detail, prev_hash, hash)"
                            " VALUES ($1, $2::bigint, $3, $4::bigint, $5, $6, $7, $8, $9, $10, $11)"
                            " ON CONFLICT (chain, seq) DO NOTHING",
                            G_N_ELEMENTS (params), params, error))
            {
              pb_site_rollback (self);
              return FALSE;
            }
          after = entry->seq;
        }
      if (!pb_site_commit (self, error))
        {
          pb_site_rollback (self);
          return FALSE;
        }
      if (n_pushed != NULL)
        *n_pushed += rows->len;
    }
}

static PbAuditEntry *
entry_from_result (PGresult *result, int row)
{
  PbAuditEntry *entry = g_new0 (PbAuditEntry, 1);

  entry->seq = g_ascii_strtoll (PQgetvalue (result, row, 0), NULL, 10);
  entry->time = g_ascii_strtoll (PQgetvalue (result, row, 1), NULL, 10);
  entry->actor = g_strdup (PQgetvalue (result, row, 2));
  entry->action = g_strdup (PQgetvalue (result, row, 3));
  entry->subject = g_strdup (PQgetvalue (result, row, 4));
  entry->outcome = g_strdup (PQgetvalue (result, row, 5));
  entry->detail = g_strdup (PQgetvalue (result, row, 6));
  entry->bench = g_strdup (PQgetvalue (result, row, 7));
  entry->prev_hash = g_strdup (PQgetvalue (result, row, 8));
  entry->hash = g_strdup (PQgetvalue (result, row, 9));
  return entry;
}

#define AUDIT_COLUMNS "seq, time, actor, action, subject, outcome, detail, bench, prev_hash, hash"

/* Walks one chain from its first row, as pb_audit_verify walks a store's. */
static gboolean
verify_chain (PbSite *self, PbSiteChainCheck *check, GError **error)
{
  g_autofree char *prev_hash = g_strdup (PB_AUDIT_GENESIS_HASH);
  gint64 expected = 1;

  for (;;)
    {
      g_autofree char *after = g_strdup_printf ("%" PRId64, expected - 1);
      const char *params[] = { check->chain, after };
      g_autoptr (PGresult) page = pb_site_exec (
          self, _ ("Reading the site’s audit log"),
          "SELECT " AUDIT_COLUMNS " FROM audit_events WHERE chain = $1 AND seq > $2::bigint"
          " ORDER BY seq LIMIT " G_STRINGIFY (VERIFY_PAGE),
          2, params, error);

      if (page == NULL)
        return FALSE;
      if (PQntuples (page) == 0)
        return TRUE;
      for (int row = 0; row < PQntuples (page); row++)
        {
          g_autoptr (PbAuditEntry) entry = entry_from_result (page, row);
          g_autofree char *hash = NULL;

          if (entry->seq != expected)
            {
              check->bad_seq = expected;
              check->problem = g_strdup_printf (_ ("%s: audit row %" PRId64
                                                   " is missing from the site’s copy: it was "
                                                   "deleted."),
                                                check->bench, expected);
              return TRUE;
            }
          hash = pb_audit_entry_hash (prev_hash, entry);
          if (g_strcmp0 (entry->prev_hash, prev_hash) != 0 || g_strcmp0 (entry->hash, hash) != 0)
            {
              check->bad_seq = entry->seq;
              check->problem = g_strdup_printf (_ ("%s: audit row %" PRId64
                                                   " does not match its hash: it was edited, or a "
                                                   "row before it was."),
                                                check->bench, entry->seq);
              return TRUE;
            }
          g_free (prev_hash);
          prev_hash = g_steal_pointer (&entry->hash);
          check->n_rows++;
          expected++;
        }
    }
}

GPtrArray *
pb_site_verify_audit (PbSite *self, GError **error)
{
  g_autoptr (GPtrArray) checks
      = g_ptr_array_new_with_free_func ((GDestroyNotify)pb_site_chain_check_free);
  g_autoptr (PGresult) chains = NULL;

  g_return_val_if_fail (PB_IS_SITE (self), NULL);

  /* Each chain once, named by the bench that wrote it. */
  chains = pb_site_exec (self, _ ("Reading the site’s audit log"),
                         "SELECT chain, bench FROM (SELECT DISTINCT ON (chain) chain, bench"
                         " FROM audit_events ORDER BY chain, seq) c ORDER BY bench, chain",
                         0, NULL, error);
  if (chains == NULL)
    return NULL;
  for (int row = 0; row < PQntuples (chains); row++)
    {
      PbSiteChainCheck *check = g_new0 (PbSiteChainCheck, 1);

      check->chain = g_strdup (PQgetvalue (chains, row, 0));
      check->bench = g_strdup (PQgetvalue (chains, row, 1));
      g_ptr_array_add (checks, check);
      if (!verify_chain (self, check, error))
        return NULL;
    }
  return g_steal_pointer (&checks);
}

GPtrArray *
pb_site_list_audit (PbSite *self, const PbAuditFilter *filter, const char *bench, GError **error)
{
  static const PbAuditFilter everything = { 0 };
  g_autofree char *since = NULL;
  g_autofree char *until = NULL;
  g_autofree char *limit = NULL;
  g_autoptr (PGresult) result = NULL;
  g_autoptr (GPtrArray) entries
      = g_ptr_array_new_with_free_func ((GDestroyNotify)pb_audit_entry_free);

  g_return_val_if_fail (PB_IS_SITE (self), NULL);

  if (filter == NULL)
    filter = &everything;
  since = g_strdup_printf ("%" PRId64, filter->since);
  until = g_strdup_printf ("%" PRId64, filter->until);
  limit = filter->limit ? g_strdup_printf ("%u", filter->limit) : NULL;
  {
    const char *params[] = { since, until, filter->action, filter->actor, bench, limit };

    /* Newest first when limited, so the limit keeps the latest rows. */
    result = pb_site_exec (
        self, _ ("Reading the site’s audit log"),
        "SELECT " AUDIT_COLUMNS " FROM audit_events"
        " WHERE ($1::bigint = 0 OR time >= $1::bigint) AND ($2::bigint = 0 OR time <= $2::bigint)"
        " AND ($3::text IS NULL OR action = $3"
        " OR (right ($3, 1) = '.' AND starts_with (action, $3)))"
        " AND ($4::text IS NULL OR lower (actor) = lower ($4))"
        " AND ($5::text IS NULL OR bench = $5)"
        " ORDER BY time DESC, bench DESC, seq DESC LIMIT $6::bigint",
        G_N_ELEMENTS (params), params, error);
  }
  if (result == NULL)
    return NULL;
  for (int row = PQntuples (result) - 1; row >= 0; row--)
    g_ptr_array_add (entries, entry_from_result (result, row));
  return g_steal_pointer (&entries);
}
