/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "station/pb-batch.h"

G_BEGIN_DECLS

/*
 * The bench page's offer of a batch (issue 16): after a scan of an item
 * that several single-item orders wait for, "Ship N orders of this item";
 * while the batch runs, which order of how many is shipping and a button
 * that stops it before the next label. The batch itself is a PbBatch.
 *
 * Signals: "start" when the packer accepts the offer (the page closes its
 * open order and calls pb_batch_bar_run); "finished" (gboolean ok,
 * const char *text) when the batch ends, @text saying each order's state.
 */

#define PB_TYPE_BATCH_BAR (pb_batch_bar_get_type ())
G_DECLARE_FINAL_TYPE (PbBatchBar, pb_batch_bar, PB, BATCH_BAR, GtkWidget)

GtkWidget *pb_batch_bar_new (void);

/* Offers the batch of the single-item orders waiting for @code, when there
 * are two or more; hides the offer otherwise. */
void pb_batch_bar_offer (PbBatchBar *self, PbStore *store, const char *operator_name,
                         const char *code);
/* Hides the offer (not a running batch). */
void pb_batch_bar_withdraw (PbBatchBar *self);
gboolean pb_batch_bar_get_running (PbBatchBar *self);
/* How many orders the offer is for (0: none offered). */
guint pb_batch_bar_get_offered (PbBatchBar *self);

/* Whether @order_id is one of the offered orders. */
gboolean pb_batch_bar_offers_order (PbBatchBar *self, const char *order_id);

/* Runs the offered batch at @weight_g each (0: the catalogue's).
 * @held_order_id: the order that was open at the bench, claimed at a site,
 * given back if the batch never reaches it. */
void pb_batch_bar_run (PbBatchBar *self, gint weight_g, PbWeightSource weight_source,
                       const char *held_order_id);
/* Stops the running batch before its next label. */
void pb_batch_bar_stop (PbBatchBar *self);

G_END_DECLS
