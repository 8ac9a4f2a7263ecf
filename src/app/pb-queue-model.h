/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "pb-queue-item.h"

G_BEGIN_DECLS

/*
 * The list the bench's queue shows: PbQueueItems in an array. Unlike
 * GListStore (a GSequence: a node allocated and balanced per row), a
 * splice of 100,000 rows is a memmove, and reading a row by position costs
 * the same wherever it is.
 */

#define PB_TYPE_QUEUE_MODEL (pb_queue_model_get_type ())
G_DECLARE_FINAL_TYPE (PbQueueModel, pb_queue_model, PB, QUEUE_MODEL, GObject)

PbQueueModel *pb_queue_model_new (void);

/* Removes @n_removals rows at @position and inserts @additions there
 * (each referenced): GListModel::items-changed for the removal, then for
 * the addition. */
void pb_queue_model_splice (PbQueueModel *self, guint position, guint n_removals,
                            PbQueueItem *const *additions, guint n_additions);

G_END_DECLS
