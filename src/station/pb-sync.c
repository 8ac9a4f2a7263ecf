/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "pb-ship.h"
#include "pb-sync.h"
#include "site/pb-site.h"
#include "store/pb-settings.h"
#include "store/pb-audit.h"
#include "store/pb-orders.h"
#include "util/pb-clock.h"

#define META_WATERMARK "sync.watermark"
#define META_LAST_SUCCESS "sync.last_success"
#define META_LAST_ERROR "sync.last_error"
/* Site mode: the newest site change number this bench has read. */
#define META_SITE_CHANGE "site.order_change"
/* Site mode: the site's sync state (sync_state keys). */
#define SITE_WATERMARK "sync.watermark"
#define SITE_LAST_RUN "sync.last_run"
#define SITE_SEARCH_TOKENS "sync.rate.searchOrders"

G_DEFINE_QUARK (pb - sync - error - quark, pb_sync_error)

void
pb_sync_get_status (PbStore *store, gint64 *last_success, char **last_error, gint64 *watermark)
{
  if (last_success)
    *last_success = pb_store_get_meta_int (store, META_LAST_SUCCESS);
  if (last_error)
    *last_error = pb_store_get_meta (store, META_LAST_ERROR);
  if (watermark)
    *watermark = pb_store_get_meta_int (store, META_WATERMARK);
}

/* One page in one transaction: all of it, or none of it. In site mode the
 * page's facts go to the site first, and this bench keeps no recipient:
 * the bench that packs an order fetches it then. */
static gboolean
commit_page (PbStore *store, PbSite *site, GPtrArray *orders, PbSyncResult *result, GError **error)
{
  gint64 now = pb_clock_now_unix ();
  guint new_orders = 0, updated = 0, cancelled = 0;

  if (site != NULL && !pb_site_publish_orders (site, orders, error))
    return FALSE;
  if (!pb_store_begin (store, error))
    return FALSE;
  for (guint i = 0; i < orders->len; i++)
    {
      PbOrderChange change;
      const PbOrderData *order = g_ptr_array_index (orders, i);

      if (!(site != NULL ? pb_orders_apply_facts (store, order, now, &change, error)
                         : pb_orders_apply (store, order, now, &change, error)))
        {
          pb_store_rollback (store);
          return FALSE;
        }
      new_orders += change == PB_ORDER_CHANGE_NEW;
      updated += change == PB_ORDER_CHANGE_UPDATED;
      cancelled += change == PB_ORDER_CHANGE_CANCELLED;
    }
  if (!pb_store_commit (store, error))
    {
      pb_store_rollback (store);
      return FALSE;
    }

  result->pages++;
  result->orders += orders->len;
  result->new_orders += new_orders;
  result->updated += updated;
  result->cancelled += cancelled;
  return TRUE;
}

static void
record_failure (PbStore *store, const char *actor, const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  pb_store_set_meta (store, META_LAST_ERROR, error->message, NULL);
  pb_audit_append (store, actor, "sync.failed", NULL, "failed", NULL, NULL);
}

/* ---- site mode -------------------------------------------------------- */

static gint64
site_time (PbSite *site, const char *key)
{
  g_autofree char *value = pb_site_get_state (site, key, NULL);

  return value ? g_ascii_strtoll (value, NULL, 10) : 0;
}

static gboolean
site_sync_due (PbStore *store, PbSite *site)
{
  gint64 interval = pb_settings_get_int (store, "sync.interval_minutes") * 60;
  gint64 last = site_time (site, SITE_LAST_RUN);

  return last == 0 || g_get_real_time () / G_USEC_PER_SEC - last >= interval - 5;
}

/* The seller's searchOrders quota is one for the site: a new leader goes
 * on from the tokens the last one left (refilled for the time since), not
 * from a full burst. Kept as "TOKENS@UNIX-SECONDS". */
static void
restore_search_tokens (PbStore *store, PbSite *site, PbAmazonClient *amazon)
{
  g_autofree char *value = pb_site_get_state (site, SITE_SEARCH_TOKENS, NULL);
  PbHttpClient *http = pb_amazon_client_get_http (amazon);
  g_auto (GStrv) parts = NULL;
  double rate = 0;
  guint burst = 0;
  double tokens;
  gint64 at;

  if (value == NULL)
    return;
  parts = g_strsplit (value, "@", 2);
  if (parts[0] == NULL || parts[1] == NULL)
    return;
  tokens = g_ascii_strtod (parts[0], NULL);
  at = g_ascii_strtoll (parts[1], NULL, 10);
  pb_settings_get_rate (store, "amazon.rate.search_orders", &rate, &burst);
  {
    double elapsed = (double)MAX (0, g_get_real_time () / G_USEC_PER_SEC - at);
    double now_tokens = 0;

    if (pb_http_client_get_rate_tokens (http, "searchOrders", &now_tokens))
      pb_http_client_set_rate_tokens (http, "searchOrders", tokens + elapsed * rate);
  }
}

static gboolean
save_site_state (PbSite *site, PbAmazonClient *amazon, gint64 window_end, GError **error)
{
  g_autofree char *watermark = g_strdup_printf ("%" G_GINT64_FORMAT, window_end);
  g_autofree char *now = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time () / G_USEC_PER_SEC);
  double tokens = 0;

  if (pb_http_client_get_rate_tokens (pb_amazon_client_get_http (amazon), "searchOrders", &tokens))
    {
      char number[G_ASCII_DTOSTR_BUF_SIZE];
      g_autofree char *value
          = g_strdup_printf ("%s@%s", g_ascii_dtostr (number, sizeof number, tokens), now);

      if (!pb_site_set_state (site, SITE_SEARCH_TOKENS, value, error))
        return FALSE;
    }
  return pb_site_set_state (site, SITE_WATERMARK, watermark, error)
         && pb_site_set_state (site, SITE_LAST_RUN, now, error);
}

/* A bench that does not poll reads what changed in the site since it last
 * looked: facts only; a recipient it fetched for an order it packs stays. */
static gboolean
follow_site (PbStore *store, PbSite *site, const char *actor, PbSyncResult *result, GError **error)
{
  g_autoptr (GPtrArray) orders = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *leader = NULL;
  gint64 since = pb_store_get_meta_int (store, META_SITE_CHANGE);
  gint64 until = since;
  gint64 now = pb_clock_now_unix ();
  g_autofree char *cursor = NULL;
  g_autofree char *detail = NULL;

  orders = pb_site_list_orders (site, since, &until, &local_error);
  if (orders == NULL || !pb_store_begin (store, &local_error))
    goto fail;
  for (guint i = 0; i < orders->len; i++)
    {
      PbOrderChange change;

      if (!pb_orders_apply_facts (store, g_ptr_array_index (orders, i), now, &change, &local_error))
        {
          pb_store_rollback (store);
          goto fail;
        }
      result->new_orders += change == PB_ORDER_CHANGE_NEW;
      result->updated += change == PB_ORDER_CHANGE_UPDATED;
      result->cancelled += change == PB_ORDER_CHANGE_CANCELLED;
    }
  result->orders = orders->len;
  result->from_site = TRUE;
  pb_site_get_leader (site, &leader, NULL);
  g_strlcpy (result->leader_bench, leader ? leader : "", sizeof result->leader_bench);
  cursor = g_strdup_printf ("%" G_GINT64_FORMAT, until);
  detail = g_strdup_printf ("from site orders=%u new=%u updated=%u cancelled=%u", result->orders,
                            result->new_orders, result->updated, result->cancelled);
  if (!pb_store_set_meta (store, META_SITE_CHANGE, cursor, &local_error)
      || !pb_store_set_meta_int (store, META_LAST_SUCCESS, now, &local_error)
      || !pb_store_set_meta (store, META_LAST_ERROR, NULL, &local_error)
      || !pb_audit_append (store, actor, "sync.completed", NULL, "ok", detail, &local_error)
      || !pb_store_commit (store, &local_error))
    {
      pb_store_rollback (store);
      goto fail;
    }
  return TRUE;

fail:
  record_failure (store, actor, local_error);
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

gboolean
pb_sync_run (PbStore *store, PbAmazonClient *amazon, const char *operator_name,
             PbSyncProgress progress, gpointer user_data, PbSyncResult *result,
             GCancellable *cancellable, GError **error)
{
  return pb_sync_run_in_site (store, NULL, amazon, operator_name, progress, user_data, result,
                              cancellable, error);
}

gboolean
pb_sync_run_in_site (PbStore *store, PbSite *given_site, PbAmazonClient *amazon,
                     const char *operator_name, PbSyncProgress progress, gpointer user_data,
                     PbSyncResult *result, GCancellable *cancellable, GError **error)
{
  /* Amazon's window is in Amazon's time: the real clock, not the policy
   * clock that tests may move forward. Amazon itself says where the window
   * ends (lastUpdatedBefore in the first page); this is only the fallback. */
  gint64 real_now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 watermark = pb_store_get_meta_int (store, META_WATERMARK);
  gint64 window_end = 0;
  gint64 window_start;
  g_autofree char *token = NULL;
  g_autofree char *detail = NULL;
  gboolean restarted = FALSE;
  const char *actor = operator_name ? operator_name : "system";
  PbSyncResult local = { 0 };
  g_autoptr (GError) local_error_end = NULL;

  g_autoptr (PbSite) site = NULL;

  g_return_val_if_fail (PB_IS_STORE (store), FALSE);
  g_return_val_if_fail (PB_IS_AMAZON_CLIENT (amazon), FALSE);

  if (result == NULL)
    result = &local;
  memset (result, 0, sizeof *result);

  if (given_site != NULL || pb_site_config_exists (pb_store_get_dir (store)))
    {
      g_autoptr (GError) local_error = NULL;
      gboolean leader = FALSE;

      site = given_site ? g_object_ref (given_site)
                        : pb_site_open (pb_store_get_dir (store), &local_error);
      if (site == NULL || !pb_site_try_lead (site, &leader, &local_error))
        {
          record_failure (store, actor, local_error);
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      /* Labels bought while the site was away are the site's to know. */
      pb_ship_finish_in_site (store, site, NULL);
      /* Another bench runs the site's sync: this one reads the site. */
      if (!leader)
        return follow_site (store, site, actor, result, error);
      /* One search per sync interval for the whole site, whoever asks:
       * when the site was searched lately, this bench reads the site. */
      if (!site_sync_due (store, site))
        return follow_site (store, site, actor, result, error);
      watermark = site_time (site, SITE_WATERMARK);
      restore_search_tokens (store, site, amazon);
      result->leader = TRUE;
    }

  window_start = watermark > 0 ? watermark - PB_SYNC_OVERLAP_SECONDS
                               : real_now - PB_SYNC_FIRST_DAYS * 24 * 3600;
  result->window_start = window_start;

  for (;;)
    {
      g_autoptr (GPtrArray) orders = NULL;
      g_autoptr (GError) local_error = NULL;
      g_autofree char *next = NULL;
      gint64 page_end = 0;
      PbAmazonSearch search = {
        .last_updated_after = window_start,
        .pagination_token = token,
      };

      if (!pb_amazon_client_search_orders (amazon, &search, &orders, &next, &page_end, cancellable,
                                           &local_error))
        {
          /* A page token can expire while we wait out a rate limit: search
           * the window again from the start, once. What was committed
           * stays, and is not counted twice. */
          if (g_error_matches (local_error, PB_AMAZON_ERROR, PB_AMAZON_ERROR_PAGINATION)
              && !restarted)
            {
              restarted = TRUE;
              g_clear_pointer (&token, g_free);
              continue;
            }
          record_failure (store, actor, local_error);
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }

      if (window_end == 0)
        window_end = page_end > 0 ? page_end : real_now - PB_SYNC_LAG_SECONDS;

      if (!commit_page (store, site, orders, result, &local_error))
        {
          record_failure (store, actor, local_error);
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (progress != NULL)
        progress (result->pages, result->orders, user_data);

      g_free (token);
      token = g_steal_pointer (&next);
      if (token == NULL)
        break;
    }

  result->watermark = window_end;
  if (site != NULL && !save_site_state (site, amazon, window_end, &local_error_end))
    {
      record_failure (store, actor, local_error_end);
      g_propagate_error (error, g_steal_pointer (&local_error_end));
      return FALSE;
    }
  detail = g_strdup_printf ("pages=%u orders=%u new=%u updated=%u cancelled=%u", result->pages,
                            result->orders, result->new_orders, result->updated, result->cancelled);
  if (!pb_store_begin (store, error))
    return FALSE;
  if (!pb_store_set_meta_int (store, META_WATERMARK, window_end, error)
      || !pb_store_set_meta_int (store, META_LAST_SUCCESS, pb_clock_now_unix (), error)
      || !pb_store_set_meta (store, META_LAST_ERROR, NULL, error)
      || !pb_audit_append (store, actor, "sync.completed", NULL, "ok", detail, error)
      || !pb_store_commit (store, error))
    {
      pb_store_rollback (store);
      return FALSE;
    }
  return TRUE;
}

gboolean
pb_sync_recheck_order (PbStore *store, PbAmazonClient *amazon, const char *order_id,
                       GCancellable *cancellable, GError **error)
{
  g_autoptr (PbOrderData) order = NULL;
  PbOrderChange change;

  order = pb_amazon_client_get_order (amazon, order_id, cancellable, error);
  if (order == NULL)
    return FALSE;

  if (!pb_store_begin (store, error))
    return FALSE;
  if (!pb_orders_apply (store, order, pb_clock_now_unix (), &change, error)
      || !pb_store_commit (store, error))
    {
      pb_store_rollback (store);
      return FALSE;
    }

  if (g_strcmp0 (order->status, "CANCELLED") == 0)
    {
      g_set_error (error, PB_SYNC_ERROR, PB_SYNC_ERROR_CANCELLED,
                   _ ("Order %s was cancelled by the buyer. Do not send it: put the items back."),
                   order_id);
      return FALSE;
    }
  if (order->cancel_requested)
    {
      g_set_error (error, PB_SYNC_ERROR, PB_SYNC_ERROR_CANCEL_REQUESTED,
                   _ ("The buyer asked to cancel order %s. Do not send it: ask a supervisor."),
                   order_id);
      return FALSE;
    }
  return TRUE;
}
