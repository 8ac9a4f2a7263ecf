/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "store/pb-orders.h"

G_BEGIN_DECLS

/*
 * One row of the bench's queue: an order waiting to be packed, without
 * PII. Immutable: the queue replaces the items when it reloads.
 */

#define PB_TYPE_QUEUE_ITEM (pb_queue_item_get_type ())
G_DECLARE_FINAL_TYPE (PbQueueItem, pb_queue_item, PB, QUEUE_ITEM, GObject)

/* Returns (transfer full): an item holding copies of @summary's fields. */
PbQueueItem *pb_queue_item_new_from_summary (const PbOrderSummary *summary);
/* The same, for an order another bench of the site holds: @held_by says
 * who, in words (nullable). */
PbQueueItem *pb_queue_item_new_held (const PbOrderSummary *summary, const char *held_by);

const char *pb_queue_item_get_id (PbQueueItem *self);
const char *pb_queue_item_get_state (PbQueueItem *self);
/* Unix seconds; 0 when Amazon gave no date. */
gint64 pb_queue_item_get_ship_by (PbQueueItem *self);
const char *pb_queue_item_get_items_summary (PbQueueItem *self);
const char *pb_queue_item_get_service (PbQueueItem *self);
/* The buyer has asked to cancel the order: it must not be sent. */
gboolean pb_queue_item_get_cancel_requested (PbQueueItem *self);
/* Site mode: who has the order at another bench, in words; NULL when no
 * other bench has it. */
const char *pb_queue_item_get_held_by (PbQueueItem *self);

/* Whether @a and @b show the same order the same way. */
gboolean pb_queue_item_equal (PbQueueItem *a, PbQueueItem *b);

/* Whether @needle (already lower case) is in the order id or in the SKUs. */
gboolean pb_queue_item_matches (PbQueueItem *self, const char *needle);

G_END_DECLS
