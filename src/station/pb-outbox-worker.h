/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "amazon/pb-amazon-client.h"
#include "store/pb-store.h"

G_BEGIN_DECLS

#define PB_OUTBOX_KIND_CONFIRM_SHIPMENT "amazon.confirm_shipment"

/* Queues the confirmation of a shipment to Amazon (all items of the
 * order, in one package) and marks the order shipped locally. Refuses an
 * order that was already shipped or cancelled. */
gboolean pb_outbox_queue_confirmation (PbStore *store, const char *order_id,
                                       const char *tracking_number, const char *shipping_method,
                                       const char *operator_name, gint64 *outbox_id,
                                       GError **error);

/* The same for an order that goes as @parcels (PbParcel, each with its
 * tracking number; NULL: one package with every unit, @tracking_number):
 * one confirmation per parcel, its packageReferenceId the parcel's number
 * and its items the parcel's, all queued in one transaction with the
 * order marked shipped (its tracking number parcel 1's). The rows' ids
 * are appended to @outbox_ids. */
gboolean pb_outbox_queue_confirmations (PbStore *store, const char *order_id, GPtrArray *parcels,
                                        const char *tracking_number, const char *shipping_method,
                                        const char *operator_name, GArray *outbox_ids,
                                        GError **error);

typedef struct
{
  guint done;
  guint failed;    /* tried and will be tried again */
  guint attention; /* need a person */
} PbOutboxRun;

/* Sends every due row once (or only row @only_id when it is not 0).
 * Failures are recorded on the rows, not returned: FALSE means the store
 * itself failed, or @cancellable fired. */
gboolean pb_outbox_run (PbStore *store, PbAmazonClient *amazon, gint64 only_id, PbOutboxRun *run,
                        GCancellable *cancellable, GError **error);

G_END_DECLS
