/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "pb-sync.h"
#include "store/pb-audit.h"
#include "store/pb-orders.h"
#include "util/pb-clock.h"

#define META_WATERMARK "sync.watermark"
#define META_LAST_SUCCESS "sync.last_success"
#define META_LAST_ERROR "sync.last_error"

G_DEFINE_QUARK (pb - sync - error - quark, pb_sync_error)

static gint64
meta_time (PbStore *store, const char *key)
{
  g_autofree char *value = pb_store_get_meta (store, key);

  return value ? g_ascii_strtoll (value, NULL, 10) : 0;
}

static gboolean
set_meta_time (PbStore *store, const char *key, gint64 when, GError **error)
{
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, when);

  return pb_store_set_meta (store, key, text, error);
}

void
pb_sync_get_status (PbStore *store, gint64 *last_success, char **last_error, gint64 *watermark)
{
  if (last_success)
    *last_success = meta_time (store, META_LAST_SUCCESS);
  if (last_error)
    *last_error = pb_store_get_meta (store, META_LAST_ERROR);
  if (watermark)
    *watermark = meta_time (store, META_WATERMARK);
}

/* One page in one transaction: all of it, or none of it. */
static gboolean
commit_page (PbStore *store, GPtrArray *orders, PbSyncResult *result, GError **error)
{
  gint64 now = pb_clock_now_unix ();
  guint new_orders = 0, updated = 0, cancelled = 0;

  if (!pb_store_begin (store, error))
    return FALSE;
  for (guint i = 0; i < orders->len; i++)
    {
      PbOrderChange change;

      if (!pb_orders_apply (store, g_ptr_array_index (orders, i), now, &change, error))
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

gboolean
pb_sync_run (PbStore *store, PbAmazonClient *amazon, const char *operator_name,
             PbSyncProgress progress, gpointer user_data, PbSyncResult *result,
             GCancellable *cancellable, GError **error)
{
  /* Amazon's window is in Amazon's time: the real clock, not the policy
   * clock that tests may move forward. Amazon itself says where the window
   * ends (lastUpdatedBefore in the first page); this is only the fallback. */
  gint64 real_now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 watermark = meta_time (store, META_WATERMARK);
  gint64 window_end = 0;
  gint64 window_start;
  g_autofree char *token = NULL;
  g_autofree char *detail = NULL;
  gboolean restarted = FALSE;
  const char *actor = operator_name ? operator_name : "system";
  PbSyncResult local = { 0 };

  g_return_val_if_fail (PB_IS_STORE (store), FALSE);
  g_return_val_if_fail (PB_IS_AMAZON_CLIENT (amazon), FALSE);

  if (result == NULL)
    result = &local;
  memset (result, 0, sizeof *result);

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

      if (!commit_page (store, orders, result, &local_error))
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
  detail = g_strdup_printf ("pages=%u orders=%u new=%u updated=%u cancelled=%u", result->pages,
                            result->orders, result->new_orders, result->updated, result->cancelled);
  if (!pb_store_begin (store, error))
    return FALSE;
  if (!set_meta_time (store, META_WATERMARK, window_end, error)
      || !set_meta_time (store, META_LAST_SUCCESS, pb_clock_now_unix (), error)
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
