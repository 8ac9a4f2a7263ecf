/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "pb-store.h"
#include "util/pb-order-data.h"

G_BEGIN_DECLS

/*
 * Orders in the store. Amazon owns its fields (status, windows, items,
 * recipient); the bench owns its own (state after labelling, tracking,
 * attention flags), and an update from Amazon never loses those. PII lives
 * only in the recipient columns and gift messages.
 */

/* The bench's view of an order. */
#define PB_ORDER_STATE_PENDING "pending"     /* Amazon: not yet ready to ship */
#define PB_ORDER_STATE_UNSHIPPED "unshipped" /* ready to pack */
#define PB_ORDER_STATE_LABELLED "labelled"   /* label bought, not yet confirmed */
#define PB_ORDER_STATE_SHIPPED "shipped"
#define PB_ORDER_STATE_CANCELLED "cancelled"
#define PB_ORDER_STATE_UNFULFILLABLE "unfulfillable"

#define PB_ATTENTION_CANCELLED_AFTER_LABEL "cancelled-after-label"

typedef enum
{
  PB_ORDER_CHANGE_NONE,
  PB_ORDER_CHANGE_NEW,
  PB_ORDER_CHANGE_UPDATED,
  PB_ORDER_CHANGE_CANCELLED,
} PbOrderChange;

/* Inserts or updates one order from Amazon (call inside a transaction).
 * Data older than what is stored is ignored; PII of a purged order is not
 * brought back. */
gboolean pb_orders_apply (PbStore *store, const PbOrderData *order, gint64 now,
                          PbOrderChange *change, GError **error);

/* The same for a copy without the recipient (site mode: order facts from
 * the site, or a sync whose recipients this bench does not keep): the
 * stored recipient, if this bench fetched one, stays as it is; a new order
 * has none. */
gboolean pb_orders_apply_facts (PbStore *store, const PbOrderData *order, gint64 now,
                                PbOrderChange *change, GError **error);
/* Whether this bench holds @order_id's recipient (FALSE when there is no
 * such order). */
gboolean pb_orders_has_recipient (PbStore *store, const char *order_id, gboolean *has,
                                  GError **error);

/* One row of the queue: no PII. */
typedef struct
{
  char *id;
  char *state;
  char *amazon_status;
  gint64 purchased_at;
  gint64 ship_by;
  char *service_level;
  gboolean prime;
  char *attention;
  char *tracking_number;
  gint n_units;
  char *items_summary;       /* "2 × SKU-1, 1 × SKU-2" */
  gboolean cancel_requested; /* the buyer asked Amazon to cancel it */
} PbOrderSummary;

void pb_order_summary_free (PbOrderSummary *summary);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PbOrderSummary, pb_order_summary_free)

/* (element-type PbOrderSummary): by ship-by time, then id; @state NULL for all. */
GPtrArray *pb_orders_list (PbStore *store, const char *state, GError **error);

/* The whole order, recipient included (PII): the caller audits the view.
 * NULL without an error when there is no such order. */
PbOrderData *pb_orders_get (PbStore *store, const char *order_id, GError **error);
/* The bench's own fields of one order. */
gboolean pb_orders_get_local (PbStore *store, const char *order_id, char **state, char **attention,
                              char **tracking_number, gint64 *purged_at, GError **error);

/* Whether the buyer has asked to cancel @order_id and the request is still
 * open (a cancellationRequest without a cancellationExecution), as the last
 * sync or re-check with Amazon said. */
gboolean pb_orders_get_cancel_requested (PbStore *store, const char *order_id, gboolean *requested,
                                         GError **error);

gboolean pb_orders_set_shipped (PbStore *store, const char *order_id, const char *tracking,
                                const char *operator_name, gint64 when, GError **error);

gint64 pb_orders_count (PbStore *store, GError **error);

/* Packing (station/pb-pack.c). */

/* (element-type PbOrderItemData): the items of @order_id, without gift
 * messages (PII); empty when there is no such order. */
GPtrArray *pb_orders_list_items (PbStore *store, const char *order_id, GError **error);

/* The oldest unshipped order (by ship-by time, then purchase time) with a
 * unit still to send whose item matches one of @codes: by the item's SKU or
 * ASIN, or through its catalogue product (the product with the item's SKU,
 * else one with its ASIN) by the product's SKU, ASIN or a barcode. Orders
 * whose buyer asked to cancel are passed over. TRUE with @order_id NULL
 * when there is none. */
gboolean pb_orders_find_unshipped_holding (PbStore *store, const char *const *codes,
                                           char **order_id, GError **error);
/* The same, passing over the orders in @exclude (NULL-terminated; NULL
 * for none): site mode's orders that another bench holds. */
gboolean pb_orders_find_unshipped_holding_except (PbStore *store, const char *const *codes,
                                                  const char *const *exclude, char **order_id,
                                                  GError **error);

/* The orders waiting for exactly one unit, of an item matching one of
 * @codes (as pb_orders_find_unshipped_holding() matches), oldest ship-by
 * first: a batch of single-item orders. Unshipped orders, and those whose
 * label was bought but never printed (a batch cut short); orders whose
 * buyer asked to cancel are passed over. Order ids; empty when none. */
GPtrArray *pb_orders_list_single_item (PbStore *store, const char *const *codes, GError **error);

/* Records when packing @order_id began and ended (0: not yet) and who
 * packed it. Times are Unix seconds. */
/* When packing of @order_id began at this bench (0: never, or unknown). */
gint64 pb_orders_get_pack_started (PbStore *store, const char *order_id);
gboolean pb_orders_set_pack_times (PbStore *store, const char *order_id, gint64 started_at,
                                   gint64 completed_at, const char *operator_name, GError **error);

G_END_DECLS
