/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "pb-ship.h"
#include "store/pb-store.h"

G_BEGIN_DECLS

/*
 * A batch of single-item orders: the orders waiting for one unit of the
 * same item, shipped one after another, oldest ship-by first. Each order
 * is its own pb_ship() — its own re-check, exactly-once label, print and
 * confirmation, and at a site its own claim — so a crash or a re-run
 * never buys a label twice. The next label is bought only once the
 * previous one is out of the printer (pb_ship waits for CUPS). Orders
 * another bench holds, and orders Amazon or the buyer cancelled, are
 * skipped; any other failure stops the batch there, the later orders not
 * started. pb_batch_stop() stops it between two labels.
 *
 * The app runs it with pb_batch_run_async() (a worker thread; the
 * "order-changed" signal, with the order's position, comes in the caller's
 * main context); the CLI with pb_batch_run() (signals in its own thread).
 */

typedef enum
{
  PB_BATCH_ORDER_NOT_STARTED,
  PB_BATCH_ORDER_SHIPPING,
  PB_BATCH_ORDER_SHIPPED,
  PB_BATCH_ORDER_SKIPPED, /* another bench holds it, or it is not to be sent */
  PB_BATCH_ORDER_FAILED,  /* the batch stopped here; see the order's error */
} PbBatchOrderState;

#define PB_TYPE_BATCH (pb_batch_get_type ())
G_DECLARE_FINAL_TYPE (PbBatch, pb_batch, PB, BATCH, GObject)

/* The single-item orders waiting for the item @code names (a SKU, ASIN or
 * barcode), oldest ship-by first; an empty array when there are none
 * (an order id or a badge names no item). Order ids. */
GPtrArray *pb_batch_find_orders (PbStore *store, const char *code, GError **error);

/* A batch of @order_ids (in that order), shipped by @operator_name at
 * @weight_g each (0: the catalogue's). */
PbBatch *pb_batch_new (PbStore *store, const char *const *order_ids, guint n_orders,
                       const char *operator_name, gint weight_g, PbWeightSource weight_source);

guint pb_batch_get_n_orders (PbBatch *self);
const char *pb_batch_get_order_id (PbBatch *self, guint position);
PbBatchOrderState pb_batch_get_order_state (PbBatch *self, guint position);
/* The tracking number once bought (also for an order whose print failed). */
char *pb_batch_dup_order_tracking (PbBatch *self, guint position);
/* Why the order failed or was skipped; NULL otherwise. */
char *pb_batch_dup_order_error (PbBatch *self, guint position);
/* What the packer should know of a shipped order: Amazon could not be
 * reached to re-check it, has not confirmed it yet, its despatch note did
 * not print; NULL when nothing. */
char *pb_batch_dup_order_notice (PbBatch *self, guint position);
guint pb_batch_count (PbBatch *self, PbBatchOrderState state);
/* Whether pb_batch_stop() stopped it before its end. */
gboolean pb_batch_get_stopped (PbBatch *self);

/* Stops the batch before its next label (the one printing finishes).
 * Any thread. */
void pb_batch_stop (PbBatch *self);

/* FALSE with the failing order's error when an order failed (the batch
 * stopped there); TRUE when every order was shipped or skipped, or the
 * batch was stopped. */
gboolean pb_batch_run (PbBatch *self, GCancellable *cancellable, GError **error);
void pb_batch_run_async (PbBatch *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                         gpointer user_data);
gboolean pb_batch_run_finish (PbBatch *self, GAsyncResult *result, GError **error);

G_END_DECLS
