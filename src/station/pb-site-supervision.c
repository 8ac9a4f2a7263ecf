/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "pb-ship.h"
#include "pb-site-supervision.h"
#include "site/pb-site.h"
#include "util/pb-clock.h"

/* The sync's last run, as pb-sync.c keeps it in the site. */
#define SITE_LAST_RUN "sync.last_run"

gboolean
pb_site_supervision_in_site (PbStore *store)
{
  g_return_val_if_fail (PB_IS_STORE (store), FALSE);

  return pb_site_config_exists (pb_store_get_dir (store));
}

/* The site of @store's bench; a solo bench is an error here. */
static PbSite *
open_site (PbStore *store, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  PbSite *site = pb_site_open (pb_store_get_dir (store), &local_error);

  if (site == NULL && local_error == NULL)
    g_set_error_literal (&local_error, PB_SITE_ERROR, PB_SITE_ERROR_NOT_A_SITE,
                         _ ("This bench is not one of a site’s."));
  if (site == NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return site;
}

static void
supervision_bench_free (PbSupervisionBench *bench)
{
  g_free (bench->name);
  g_free (bench);
}

void
pb_supervision_activity_free (PbSupervisionActivity *activity)
{
  if (activity == NULL)
    return;
  g_clear_pointer (&activity->report, pb_activity_report_unref);
  g_clear_pointer (&activity->benches, g_ptr_array_unref);
  g_free (activity->leader);
  g_free (activity);
}

PbSupervisionActivity *
pb_site_supervision_activity (PbStore *store, gint64 since, gint64 until, const char *bench,
                              GError **error)
{
  g_autoptr (PbSite) site = NULL;
  g_autoptr (PbSupervisionActivity) activity = g_new0 (PbSupervisionActivity, 1);
  g_autoptr (PbActivityReport) local = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GPtrArray) all = NULL;
  g_autoptr (GPtrArray) infos = NULL;
  g_autoptr (PbActivitySummary) summary = NULL;
  g_autofree char *last_run = NULL;
  PbAuditFilter filter = { since, until, NULL, NULL, 0 };

  g_return_val_if_fail (PB_IS_STORE (store), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if ((site = open_site (store, error)) == NULL)
    return NULL;
  /* What this bench did a moment ago counts too; a failure is the site's
   * to report at the next sync, not a reason to show nothing. */
  pb_site_push_audit (site, store, NULL, NULL);

  if ((entries = pb_site_list_audit (site, &filter, bench, error)) == NULL
      || (activity->report = pb_activity_report_from_entries (entries, since, until, error)) == NULL
      || (infos = pb_site_list_benches (site, error)) == NULL
      || !pb_site_get_leader (site, &activity->leader, error))
    return NULL;
  /* Each bench's labels, whatever the filter. */
  if (bench == NULL)
    all = g_ptr_array_ref (entries);
  else if ((all = pb_site_list_audit (site, &filter, NULL, error)) == NULL)
    return NULL;
  summary = pb_activity_summarise (all, pb_site_get_bench (site));
  if (bench == NULL)
    activity->claims_taken_over = summary->claims_taken_over;
  else
    {
      g_autoptr (PbActivitySummary) one = pb_activity_summarise (entries, bench);

      activity->claims_taken_over = one->claims_taken_over;
    }

  /* Late now: the site's orders that no bench has begun to ship. Shipped
   * orders are the orders', which every bench has. */
  if (!pb_site_count_late_orders (site, pb_clock_now_unix (), &activity->report->late_unshipped,
                                  error)
      || (local = pb_activity_report (store, since, until, error)) == NULL)
    return NULL;
  activity->report->shipped = local->shipped;
  activity->report->shipped_late = local->shipped_late;

  last_run = pb_site_get_state (site, SITE_LAST_RUN, NULL);
  activity->last_sync = last_run != NULL ? g_ascii_strtoll (last_run, NULL, 10) : 0;

  activity->benches = g_ptr_array_new_with_free_func ((GDestroyNotify)supervision_bench_free);
  for (guint i = 0; i < infos->len; i++)
    {
      const PbSiteBenchInfo *info = g_ptr_array_index (infos, i);
      PbSupervisionBench *row = g_new0 (PbSupervisionBench, 1);

      row->name = g_strdup (info->name);
      row->labels = pb_activity_summary_bench (summary, info->name)->labels;
      row->last_seen = info->last_seen;
      row->removed = info->removed_at != 0;
      row->leader = g_strcmp0 (info->name, activity->leader) == 0;
      row->this_one = g_strcmp0 (info->name, pb_site_get_bench (site)) == 0;
      g_ptr_array_add (activity->benches, row);
    }
  return g_steal_pointer (&activity);
}

static void
supervision_chain_free (PbSupervisionChain *chain)
{
  g_free (chain->bench);
  g_free (chain->problem);
  g_free (chain);
}

void
pb_supervision_audit_free (PbSupervisionAudit *audit)
{
  if (audit == NULL)
    return;
  g_clear_pointer (&audit->entries, g_ptr_array_unref);
  g_clear_pointer (&audit->chains, g_ptr_array_unref);
  g_strfreev (audit->benches);
  g_free (audit);
}

PbSupervisionAudit *
pb_site_supervision_audit (PbStore *store, const PbAuditFilter *filter, const char *bench,
                           GError **error)
{
  g_autoptr (PbSite) site = NULL;
  g_autoptr (PbSupervisionAudit) audit = g_new0 (PbSupervisionAudit, 1);
  g_autoptr (GPtrArray) infos = NULL;
  g_autoptr (GPtrArray) checks = NULL;
  g_autoptr (GStrvBuilder) names = g_strv_builder_new ();

  g_return_val_if_fail (PB_IS_STORE (store), NULL);
  g_return_val_if_fail (filter != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if ((site = open_site (store, error)) == NULL)
    return NULL;
  pb_site_push_audit (site, store, NULL, NULL);

  if ((audit->entries = pb_site_list_audit (site, filter, bench, error)) == NULL
      || (infos = pb_site_list_benches (site, error)) == NULL
      || (checks = pb_site_verify_audit (site, error)) == NULL)
    return NULL;

  for (guint i = 0; i < infos->len; i++)
    g_strv_builder_add (names, ((PbSiteBenchInfo *)g_ptr_array_index (infos, i))->name);
  audit->benches = g_strv_builder_end (names);

  audit->chains = g_ptr_array_new_with_free_func ((GDestroyNotify)supervision_chain_free);
  for (guint i = 0; i < checks->len; i++)
    {
      const PbSiteChainCheck *check = g_ptr_array_index (checks, i);
      PbSupervisionChain *chain = g_new0 (PbSupervisionChain, 1);

      chain->bench = g_strdup (check->bench);
      chain->n_rows = check->n_rows;
      chain->bad_seq = check->bad_seq;
      chain->problem = g_strdup (check->problem);
      g_ptr_array_add (audit->chains, chain);
    }
  return g_steal_pointer (&audit);
}

void
pb_supervision_label_free (PbSupervisionLabel *label)
{
  if (label == NULL)
    return;
  g_free (label->order_id);
  g_free (label->tracking_number);
  g_free (label->bench);
  g_free (label->operator_name);
  g_free (label);
}

static int
compare_manifests (gconstpointer a, gconstpointer b)
{
  const PbSupervisionManifest *ma = *(const PbSupervisionManifest *const *)a;
  const PbSupervisionManifest *mb = *(const PbSupervisionManifest *const *)b;

  return ma->newest != mb->newest ? (ma->newest < mb->newest ? 1 : -1)
                                  : (ma->number < mb->number) - (ma->number > mb->number);
}

gboolean
pb_site_supervision_end_of_day (PbStore *store, guint days, GPtrArray **labels,
                                GPtrArray **manifests, GError **error)
{
  g_autoptr (PbSite) site = NULL;
  g_autoptr (GPtrArray) all = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  g_autoptr (GPtrArray) made = NULL;
  g_autoptr (GHashTable) by_number = g_hash_table_new (g_int64_hash, g_int64_equal);
  gint64 since = g_get_real_time () / G_USEC_PER_SEC - (gint64)days * 24 * 3600;
  const char *here;

  g_return_val_if_fail (PB_IS_STORE (store), FALSE);
  g_return_val_if_fail (labels != NULL && manifests != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if ((site = open_site (store, error)) == NULL || !pb_ship_finish_in_site (store, site, error)
      || (all = pb_site_list_labels (site, FALSE, error)) == NULL)
    return FALSE;
  here = pb_site_get_bench (site);

  rows = g_ptr_array_new_with_free_func ((GDestroyNotify)pb_supervision_label_free);
  made = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < all->len; i++)
    {
      const PbSiteLabel *label = g_ptr_array_index (all, i);

      if (label->manifest == 0)
        {
          PbSupervisionLabel *row = g_new0 (PbSupervisionLabel, 1);

          row->order_id = g_strdup (label->order_id);
          row->tracking_number = g_strdup (label->tracking_number);
          row->bench = g_strdup (label->bench);
          row->operator_name = g_strdup (label->operator_name);
          row->labelled_at = label->labelled_at;
          g_ptr_array_add (rows, row);
        }
      else if (label->labelled_at >= since)
        {
          PbSupervisionManifest *manifest = g_hash_table_lookup (by_number, &label->manifest);

          if (manifest == NULL)
            {
              manifest = g_new0 (PbSupervisionManifest, 1);
              manifest->number = label->manifest;
              g_ptr_array_add (made, manifest);
              g_hash_table_insert (by_number, &manifest->number, manifest);
            }
          manifest->n_labels++;
          if (g_strcmp0 (label->bench, here) == 0)
            manifest->n_here++;
          manifest->newest = MAX (manifest->newest, label->labelled_at);
        }
    }
  g_ptr_array_sort (made, compare_manifests);
  *labels = g_steal_pointer (&rows);
  *manifests = g_steal_pointer (&made);
  return TRUE;
}
