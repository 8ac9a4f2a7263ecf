/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "pb-site-private.h"
#include "store/pb-outbox.h"

/*
 * Supervision across the site: each bench's printer as its heartbeat found
 * it, claims of benches gone quiet, labels of cancelled orders wherever
 * they were bought, and a summary of each bench's outbox. Nothing here is
 * personal data: an outbox item's error text and payload stay at its bench.
 */

gboolean
pb_site_report_printer (PbSite *self, const char *state, GError **error)
{
  const char *params[] = { pb_site_get_bench (self), state };

  g_return_val_if_fail (PB_IS_SITE (self) && pb_site_get_bench (self) != NULL, FALSE);
  g_return_val_if_fail (state != NULL, FALSE);

  return pb_site_run (self, _ ("Telling the site how this bench’s printer is"),
                      "UPDATE benches SET printer_state = $2, printer_checked_at = now ()"
                      " WHERE name = $1",
                      2, params, error);
}

GHashTable *
pb_site_list_silent_claims (PbSite *self, gint64 stale_seconds, GError **error)
{
  g_autofree char *stale = g_strdup_printf ("%" G_GINT64_FORMAT, stale_seconds);
  const char *params[] = { pb_site_get_bench (self), stale };
  g_autoptr (PGresult) result = NULL;
  g_autoptr (GHashTable) claims = NULL;

  g_return_val_if_fail (PB_IS_SITE (self), NULL);

  /* The same test as pb_site_release_held: the claim's own heartbeat. */
  result = pb_site_exec (self, _ ("Reading the claims of benches gone quiet"),
                         "SELECT order_id, claimed_by, claimed_operator,"
                         " extract (epoch FROM claimed_at)::bigint"
                         " FROM orders WHERE claimed_by IS NOT NULL"
                         " AND claimed_by IS DISTINCT FROM $1"
                         " AND (heartbeat_at IS NULL"
                         "  OR heartbeat_at < now () - make_interval (secs => $2::bigint))"
                         " ORDER BY claimed_at, order_id",
                         2, params, error);
  if (result == NULL)
    return NULL;
  claims
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)pb_site_claim_free);
  for (int row = 0; row < PQntuples (result); row++)
    {
      PbSiteClaim *claim = g_new0 (PbSiteClaim, 1);

      claim->bench = pb_site_text_value (result, row, 1);
      claim->operator_name = pb_site_text_value (result, row, 2);
      claim->since = pb_site_int64_value (result, row, 3);
      g_hash_table_replace (claims, pb_site_text_value (result, row, 0), claim);
    }
  return g_steal_pointer (&claims);
}

gboolean
pb_site_count_late_orders (PbSite *self, gint64 now, guint *n_late, GError **error)
{
  g_autofree char *at = g_strdup_printf ("%" G_GINT64_FORMAT, now);
  const char *params[] = { at };
  g_autoptr (PGresult) result = NULL;

  g_return_val_if_fail (PB_IS_SITE (self), FALSE);
  g_return_val_if_fail (n_late != NULL, FALSE);

  *n_late = 0;
  result = pb_site_exec (self, _ ("Counting the site’s late orders"),
                         "SELECT count (*) FROM orders o"
                         " WHERE o.status IN ('UNSHIPPED', 'PARTIALLY_SHIPPED') AND NOT o.shipped"
                         " AND o.ship_by_latest < to_timestamp ($1::bigint)"
                         " AND NOT EXISTS (SELECT 1 FROM shipments s"
                         "  WHERE s.order_id = o.order_id AND s.voided_at IS NULL)",
                         1, params, error);
  if (result == NULL)
    return FALSE;
  *n_late = (guint)pb_site_int64_value (result, 0, 0);
  return TRUE;
}

GPtrArray *
pb_site_list_cancelled_labels (PbSite *self, GError **error)
{
  g_autoptr (PGresult) result = NULL;

  g_return_val_if_fail (PB_IS_SITE (self), NULL);

  result = pb_site_exec (self, _ ("Reading the labels of cancelled orders"),
                         "SELECT s.order_id, s.tracking_number, s.bench, s.operator,"
                         " coalesce (extract (epoch FROM s.labelled_at)::bigint, 0),"
                         " coalesce (s.manifest, 0)"
                         " FROM shipments s JOIN orders o USING (order_id)"
                         " WHERE s.tracking_number IS NOT NULL AND s.voided_at IS NULL"
                         " AND o.status = 'CANCELLED'"
                         " ORDER BY s.labelled_at, s.order_id, s.parcel",
                         0, NULL, error);
  return result != NULL ? pb_site_labels_from_result (result) : NULL;
}

gboolean
pb_site_mark_voided (PbSite *self, const char *order_id, GError **error)
{
  const char *params[] = { order_id, pb_site_get_bench (self) };

  g_return_val_if_fail (PB_IS_SITE (self) && pb_site_get_bench (self) != NULL, FALSE);

  return pb_site_run (self, _ ("Telling the site the label is void"),
                      "UPDATE shipments SET voided_at = now ()"
                      " WHERE order_id = $1 AND bench = $2 AND voided_at IS NULL",
                      2, params, error);
}

void
pb_site_outbox_item_free (PbSiteOutboxItem *item)
{
  if (item == NULL)
    return;
  g_free (item->bench);
  g_free (item->kind);
  g_free (item->order_id);
  g_free (item->state);
  g_free (item);
}

gboolean
pb_site_push_outbox (PbSite *self, PbStore *store, GError **error)
{
  const char *bench = pb_site_get_bench (self);
  g_autoptr (GPtrArray) items = NULL;
  const char *delete_params[] = { bench };

  g_return_val_if_fail (PB_IS_SITE (self) && bench != NULL, FALSE);

  items = pb_outbox_list (store, FALSE, error);
  if (items == NULL)
    return FALSE;
  if (!pb_site_begin (self, error))
    return FALSE;
  if (!pb_site_run (self, _ ("Copying this bench’s outbox to the site"),
                    "DELETE FROM bench_outbox WHERE bench = $1", 1, delete_params, error))
    goto fail;
  for (guint i = 0; i < items->len; i++)
    {
      PbOutboxItem *item = g_ptr_array_index (items, i);
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, item->id);
      g_autofree char *attempts = g_strdup_printf ("%d", item->attempts);
      g_autofree char *next = g_strdup_printf ("%" G_GINT64_FORMAT, item->next_attempt_at);
      /* Only whether it failed: the message may quote the buyer's address. */
      const char *params[] = {
        bench,       id,
        item->kind,  item->order_id,
        item->state, attempts,
        next,        item->last_error != NULL && item->attempts > 0 ? "true" : "false",
      };

      if (!pb_site_run (self, _ ("Copying this bench’s outbox to the site"),
                        "INSERT INTO bench_outbox (bench, item, kind, order_id, state, attempts,"
                        " next_attempt_at, failed)"
                        " VALUES ($1, $2, $3, $4, $5, $6,"
                        " CASE WHEN $7::bigint > 0 THEN to_timestamp ($7::bigint) END, $8)",
                        G_N_ELEMENTS (params), params, error))
        goto fail;
    }
  if (!pb_site_commit (self, error))
    goto fail;
  return TRUE;

fail:
  pb_site_rollback (self);
  return FALSE;
}

GPtrArray *
pb_site_list_outbox (PbSite *self, GError **error)
{
  g_autoptr (PGresult) result = NULL;
  g_autoptr (GPtrArray) items
      = g_ptr_array_new_with_free_func ((GDestroyNotify)pb_site_outbox_item_free);

  g_return_val_if_fail (PB_IS_SITE (self), NULL);

  result = pb_site_exec (self, _ ("Reading every bench’s outbox"),
                         "SELECT bench, item, kind, order_id, state, attempts,"
                         " coalesce (extract (epoch FROM next_attempt_at)::bigint, 0), failed"
                         " FROM bench_outbox ORDER BY bench, item",
                         0, NULL, error);
  if (result == NULL)
    return NULL;
  for (int row = 0; row < PQntuples (result); row++)
    {
      PbSiteOutboxItem *item = g_new0 (PbSiteOutboxItem, 1);

      item->bench = pb_site_text_value (result, row, 0);
      item->item = pb_site_int64_value (result, row, 1);
      item->kind = pb_site_text_value (result, row, 2);
      item->order_id = pb_site_text_value (result, row, 3);
      item->state = pb_site_text_value (result, row, 4);
      item->attempts = (int)pb_site_int64_value (result, row, 5);
      item->next_attempt_at = pb_site_int64_value (result, row, 6);
      item->failed = g_str_equal (PQgetvalue (result, row, 7), "t");
      g_ptr_array_add (items, item);
    }
  return g_steal_pointer (&items);
}
