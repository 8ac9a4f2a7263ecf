/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "pb-store.h"

G_BEGIN_DECLS

/*
 * The retention rule: an order's PII is purged `retention.days` (1–31)
 * after delivery. Delivery is when Amazon's package status first showed
 * DELIVERED (the order's lastUpdatedTime in that sync); without it, the
 * latest delivery date Amazon promised (then the latest ship-by date, then
 * the purchase); a cancelled order counts from its cancellation.
 * docs/COMPLIANCE.md states the rule for people.
 */

#define PB_RETENTION_MAX_DAYS 31

typedef struct
{
  guint orders;    /* orders whose PII was (or would be) purged */
  guint documents; /* stored labels and other documents deleted */
  gboolean vacuumed;
} PbPurgeResult;

/* Nulls every PII column of every due order, deletes its documents, marks
 * it purged, writes one audit row with the counts (as @actor), then
 * checkpoints and truncates the WAL (secure_delete has zeroed the freed
 * pages) and vacuums when a quarter of the file is free. With @dry_run
 * only counts. @now is the policy clock. */
gboolean pb_retention_purge (PbStore *store, gint64 now, gboolean dry_run, const char *actor,
                             PbPurgeResult *result, GError **error);

/* When an order's PII falls due, by the rule above (0: not in the store). */
gint64 pb_retention_due_at (PbStore *store, const char *order_id, GError **error);

G_END_DECLS
