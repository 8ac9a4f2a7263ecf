/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "pb-site-admin.h"
#include "print/pb-printer.h"
#include "store/pb-activity.h"
#include "store/pb-audit.h"
#include "store/pb-outbox.h"

static PbSite *
open_site_at (const char *dir, gboolean *in_site, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  PbSite *site;

  *in_site = pb_site_config_exists (dir);
  if (!*in_site)
    return NULL;
  site = pb_site_open (dir, &local_error);
  if (site == NULL)
    {
      if (local_error == NULL)
        g_set_error (&local_error, PB_SITE_ERROR, PB_SITE_ERROR_CONFIG,
                     _ ("This bench is not in a site."));
      g_propagate_error (error, g_steal_pointer (&local_error));
    }
  return site;
}

static PbSite *
open_site (PbStore *store, gboolean *in_site, GError **error)
{
  return open_site_at (pb_store_get_dir (store), in_site, error);
}

gboolean
pb_site_admin_list_benches (const char *store_dir, gboolean *in_site, GPtrArray **benches,
                            char **leader, GError **error)
{
  g_autoptr (PbSite) site = NULL;
  g_autoptr (GError) local_error = NULL;

  *benches = NULL;
  *leader = NULL;
  site = open_site_at (store_dir, in_site, &local_error);
  if (!*in_site)
    {
      *benches = g_ptr_array_new_with_free_func ((GDestroyNotify)pb_site_bench_info_free);
      return TRUE;
    }
  if (site == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  *benches = pb_site_list_benches (site, error);
  if (*benches == NULL)
    return FALSE;
  if (!pb_site_get_leader (site, leader, error))
    {
      g_clear_pointer (benches, g_ptr_array_unref);
      return FALSE;
    }
  return TRUE;
}

gboolean
pb_site_admin_remove_bench (PbStore *store, const char *name, const char *operator_name,
                            GError **error)
{
  g_autoptr (PbSite) site = NULL;
  g_autoptr (GPtrArray) benches = NULL;
  PbSiteBenchInfo *found = NULL;
  gboolean in_site;

  site = open_site (store, &in_site, error);
  if (!in_site)
    {
      g_set_error (error, PB_SITE_ERROR, PB_SITE_ERROR_NOT_A_SITE,
                   _ ("This bench is not in a site: there are no benches to remove."));
      return FALSE;
    }
  if (site == NULL)
    return FALSE;
  if (g_strcmp0 (name, pb_site_get_bench (site)) == 0)
    {
      g_set_error (error, PB_SITE_ERROR, PB_SITE_ERROR_FAILED,
                   _ ("%s is this bench. To take it out of the site, leave the site here "
                      "instead."),
                   name);
      return FALSE;
    }
  benches = pb_site_list_benches (site, error);
  if (benches == NULL)
    return FALSE;
  for (guint i = 0; i < benches->len && found == NULL; i++)
    {
      PbSiteBenchInfo *info = g_ptr_array_index (benches, i);

      if (g_strcmp0 (info->name, name) == 0)
        found = info;
    }
  if (found == NULL)
    {
      g_set_error (error, PB_SITE_ERROR, PB_SITE_ERROR_FAILED,
                   _ ("The site has no bench called “%s”."), name);
      return FALSE;
    }
  if (found->removed_at != 0)
    {
      g_set_error (error, PB_SITE_ERROR, PB_SITE_ERROR_FAILED,
                   _ ("Bench %s was removed from the site already."), name);
      return FALSE;
    }
  if (!pb_site_remove_bench (site, name, error))
    return FALSE;
  return pb_audit_append (store, operator_name, "site.bench_removed", name, "ok", NULL, error);
}

void
pb_site_problems_clear (PbSiteProblems *problems)
{
  g_clear_pointer (&problems->bench, g_free);
  g_clear_pointer (&problems->silent, g_hash_table_unref);
  g_clear_pointer (&problems->cancelled, g_ptr_array_unref);
  g_clear_pointer (&problems->outbox, g_ptr_array_unref);
}

gboolean
pb_site_admin_list_problems (PbStore *store, PbSiteProblems *problems, GError **error)
{
  g_autoptr (PbSite) site = NULL;
  g_autoptr (GPtrArray) cancelled = NULL;
  g_autoptr (GPtrArray) outbox = NULL;
  const char *bench;

  memset (problems, 0, sizeof *problems);
  site = open_site (store, &problems->in_site, error);
  problems->silent
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)pb_site_claim_free);
  problems->cancelled = g_ptr_array_new_with_free_func ((GDestroyNotify)pb_site_label_free);
  problems->outbox = g_ptr_array_new_with_free_func ((GDestroyNotify)pb_site_outbox_item_free);
  if (!problems->in_site)
    return TRUE;
  if (site == NULL)
    return FALSE;
  bench = pb_site_get_bench (site);
  problems->bench = g_strdup (bench);

  g_clear_pointer (&problems->silent, g_hash_table_unref);
  problems->silent = pb_site_list_silent_claims (site, PB_SITE_STALE_SECONDS, error);
  if (problems->silent == NULL)
    return FALSE;
  cancelled = pb_site_list_cancelled_labels (site, error);
  if (cancelled == NULL)
    return FALSE;
  for (guint i = 0; i < cancelled->len; i++)
    {
      PbSiteLabel *label = g_ptr_array_index (cancelled, i);

      if (g_strcmp0 (label->bench, bench) != 0)
        g_ptr_array_add (problems->cancelled, g_ptr_array_steal_index (cancelled, i--));
    }
  outbox = pb_site_list_outbox (site, error);
  if (outbox == NULL)
    return FALSE;
  for (guint i = 0; i < outbox->len; i++)
    {
      PbSiteOutboxItem *item = g_ptr_array_index (outbox, i);

      if (g_strcmp0 (item->bench, bench) != 0
          && (g_str_equal (item->state, PB_OUTBOX_ATTENTION) || item->failed))
        g_ptr_array_add (problems->outbox, g_ptr_array_steal_index (outbox, i--));
    }
  return TRUE;
}

/* The supervisor's row for a claim they freed or took over, naming the
 * bench it was held at. In a write transaction begun at once (BEGIN
 * IMMEDIATE), which waits for the sync's writes: a read of the chain's
 * head before taking the write lock could go stale under them. */
static gboolean
audit_claim (PbStore *store, const char *operator_name, const char *action, const char *order_id,
             const PbSiteClaim *was, GError **error)
{
  g_autofree char *detail = g_strdup_printf (PB_ACTIVITY_HELD_AT, was->bench,
                                             was->operator_name != NULL ? was->operator_name : "—");

  if (!pb_store_begin (store, error))
    return FALSE;
  if (!pb_audit_append (store, operator_name, action, order_id, "ok", detail, error)
      || !pb_store_commit (store, error))
    {
      pb_store_rollback (store);
      return FALSE;
    }
  return TRUE;
}

/* Frees (@take FALSE) or takes over a quiet bench's claim, audits it and
 * tells the site's supervisors at once rather than at the next sync. */
static gboolean
change_claim (PbStore *store, const char *order_id, const char *operator_name, gboolean take,
              GError **error)
{
  g_autoptr (PbSite) site = NULL;
  g_auto (PbSiteClaim) was = { 0 };
  gboolean in_site;

  g_return_val_if_fail (PB_IS_STORE (store), FALSE);
  g_return_val_if_fail (order_id != NULL && operator_name != NULL, FALSE);

  site = open_site (store, &in_site, error);
  if (!in_site)
    {
      g_set_error (error, PB_SITE_ERROR, PB_SITE_ERROR_NOT_A_SITE,
                   _ ("This bench is not in a site."));
      return FALSE;
    }
  if (site == NULL
      || !(take ? pb_site_take_over (site, order_id, operator_name, PB_SITE_STALE_SECONDS, &was,
                                     error)
                : pb_site_release_held (site, order_id, PB_SITE_STALE_SECONDS, &was, error))
      || !audit_claim (store, operator_name,
                       take ? PB_ACTIVITY_CLAIM_TAKEN_OVER : PB_ACTIVITY_CLAIM_RELEASED, order_id,
                       &was, error))
    return FALSE;
  pb_site_push_audit (site, store, NULL, NULL);
  return TRUE;
}

gboolean
pb_site_admin_release_claim (PbStore *store, const char *order_id, const char *operator_name,
                             GError **error)
{
  return change_claim (store, order_id, operator_name, FALSE, error);
}

gboolean
pb_site_admin_take_over_claim (PbStore *store, const char *order_id, const char *operator_name,
                               GError **error)
{
  return change_claim (store, order_id, operator_name, TRUE, error);
}

const char *
pb_site_admin_printer_state (const char *name)
{
  g_autoptr (PbPrinter) printer = NULL;
  g_autoptr (GError) error = NULL;

  if (name == NULL || *name == '\0')
    return PB_SITE_PRINTER_NONE;
  printer = pb_printer_lookup (name, NULL, &error);
  if (printer != NULL)
    pb_printer_check_ready (printer, &error);
  if (error == NULL)
    return PB_SITE_PRINTER_READY;
  if (error->domain != PB_PRINT_ERROR)
    return PB_SITE_PRINTER_FAILED;
  switch (error->code)
    {
      case PB_PRINT_ERROR_NO_SERVER:
        return PB_SITE_PRINTER_NO_SERVER;
      case PB_PRINT_ERROR_NOT_FOUND:
        return PB_SITE_PRINTER_NOT_FOUND;
      case PB_PRINT_ERROR_PAUSED:
        return PB_SITE_PRINTER_PAUSED;
      case PB_PRINT_ERROR_MEDIA_EMPTY:
        return PB_SITE_PRINTER_MEDIA_EMPTY;
      case PB_PRINT_ERROR_MEDIA_JAM:
        return PB_SITE_PRINTER_MEDIA_JAM;
      case PB_PRINT_ERROR_COVER_OPEN:
        return PB_SITE_PRINTER_COVER_OPEN;
      default:
        return PB_SITE_PRINTER_FAILED;
    }
}
