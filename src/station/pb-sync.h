/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "amazon/pb-amazon-client.h"
#include "site/pb-site.h"
#include "store/pb-store.h"

G_BEGIN_DECLS

/*
 * Pulls merchant-fulfilled orders from Amazon into the store: every page
 * since the watermark (less an overlap window), each page committed in
 * one transaction. The watermark moves to the end of the searched window
 * only when the last page is committed, so an interrupted sync loses
 * nothing: the next one searches the same window again, and orders seen
 * twice are not counted twice.
 */

/* Orders updated this long before the watermark are searched again. */
#define PB_SYNC_OVERLAP_SECONDS (10 * 60)
/* The first sync looks this far back. */
#define PB_SYNC_FIRST_DAYS 30
/* Amazon wants lastUpdatedBefore at least two minutes in the past. */
#define PB_SYNC_LAG_SECONDS (2 * 60 + 5)

typedef struct
{
  guint pages;
  guint orders; /* orders received, duplicates included */
  guint new_orders;
  guint updated;
  guint cancelled;
  gint64 window_start;
  gint64 watermark; /* the new watermark */
  /* Site mode: this bench runs the site's sync (it searched Amazon for the
   * site), or it read the orders from the site (@from_site; the bench
   * that polls is @leader_bench, "" when none does now). */
  gboolean leader;
  gboolean from_site;
  char leader_bench[65];
} PbSyncResult;

typedef void (*PbSyncProgress) (guint pages, guint orders, gpointer user_data);

gboolean pb_sync_run (PbStore *store, PbAmazonClient *amazon, const char *operator_name,
                      PbSyncProgress progress, gpointer user_data, PbSyncResult *result,
                      GCancellable *cancellable, GError **error);
/* Site mode with a connection the caller keeps (@site; NULL: opened here
 * when the bench is in a site). The app keeps one, so the bench that runs
 * the site's sync stays the leader from one sync to the next: PostgreSQL
 * holds the leader's lock as long as that connection lives. */
gboolean pb_sync_run_in_site (PbStore *store, PbSite *site, PbAmazonClient *amazon,
                              const char *operator_name, PbSyncProgress progress,
                              gpointer user_data, PbSyncResult *result, GCancellable *cancellable,
                              GError **error);

#define PB_SYNC_ERROR (pb_sync_error_quark ())

typedef enum
{
  PB_SYNC_ERROR_CANCELLED,        /* Amazon says the order is cancelled */
  PB_SYNC_ERROR_CANCEL_REQUESTED, /* the buyer has asked to cancel it */
} PbSyncError;

GQuark pb_sync_error_quark (void);

/* Asks Amazon for one order again just before it is shipped, and stores
 * what it says. A cancelled order, or one whose buyer has asked to cancel
 * it, is refused with a PB_SYNC_ERROR (and a message for the packer) after
 * Amazon's answer is stored; any other failure (Amazon out of reach, a
 * PB_AMAZON_ERROR) is returned as it is, nothing stored, and the caller
 * decides whether to go on with what the store knows. */
gboolean pb_sync_recheck_order (PbStore *store, PbAmazonClient *amazon, const char *order_id,
                                GCancellable *cancellable, GError **error);

/* What the header shows: last success, last error (NULL when the last
 * sync worked) and the watermark. */
void pb_sync_get_status (PbStore *store, gint64 *last_success, char **last_error,
                         gint64 *watermark);

G_END_DECLS
