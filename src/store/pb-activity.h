/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "pb-store.h"

G_BEGIN_DECLS

/*
 * What the supervisor's Activity page shows, read from the store: labels
 * printed per operator per hour, the average time from an order's first
 * scan to its label coming out of the printer, mis-scans, late orders and
 * the syncs of a period. No PII: operator names, counts and times.
 *
 * Where each number comes from:
 * - a label is an audit row "label.printed" (the first print of an order's
 *   label, in the name of whoever printed it); reprints ("label.reprinted")
 *   are counted apart. The audit log is append-only, so a label that was
 *   voided later still counts as the work it was.
 * - scan-to-print is that row's time less the order's pack_started_at,
 *   when the order was packed at the bench and its packing began before the
 *   print (an order packed again after a void counts from its new start).
 * - a mis-scan is an audit row "pack.mis_scan", in the packer's name.
 * - late now: orders still to ship (unshipped or labelled, not yet
 *   confirmed) whose latest ship-by time has passed; shipped late: orders
 *   shipped in the period ("order.shipped") after their latest ship-by time.
 * - syncs: audit rows "sync.completed" and "sync.failed" in the period.
 */

typedef enum
{
  PB_ACTIVITY_TODAY,
  PB_ACTIVITY_THIS_WEEK,
} PbActivityPeriod;

/* The bounds of @period around @now, in @now's time zone: today runs from
 * midnight to the next midnight, this week from Monday's midnight to the
 * next Monday's (a day of a clock change has 23 or 25 hours). */
void pb_activity_period_bounds (PbActivityPeriod period, GDateTime *now, gint64 *since,
                                gint64 *until);

typedef struct
{
  char *operator_name;
  guint labels;
  guint reprints;
  guint mis_scans;
  guint active_hours;        /* hours with at least one label */
  guint timed;               /* labels with a scan-to-print time */
  gdouble avg_scan_to_print; /* seconds; 0 when @timed is 0 */
  guint *per_hour;           /* labels in each hour of the report (n_hours) */
} PbActivityOperator;

typedef struct
{
  gint64 since;
  gint64 until;
  guint n_hours;        /* hour i starts at since + i * 3600 */
  GPtrArray *operators; /* (element-type PbActivityOperator): by name */

  guint labels;
  guint reprints;
  guint mis_scans;
  guint timed;
  gdouble avg_scan_to_print; /* seconds; 0 when @timed is 0 */
  guint busiest_hour_total;  /* the most labels (all operators) in one hour */

  guint late_unshipped; /* now, whatever the period */
  guint shipped;        /* in the period */
  guint shipped_late;   /* of those, after their ship-by time */

  guint syncs_completed;
  guint syncs_failed;
  gint64 last_sync_completed; /* in the period; 0 for none */
  gint64 last_sync_failed;    /* in the period; 0 for none */
} PbActivityReport;

#define PB_TYPE_ACTIVITY_REPORT (pb_activity_report_get_type ())
GType pb_activity_report_get_type (void) G_GNUC_CONST;

/* Reads the report for [@since, @until) (unix times; at most 31 days).
 * "Late now" is taken at the clock's current time. The caller checks the
 * permission (PB_ACTION_VIEW_ACTIVITY). */
PbActivityReport *pb_activity_report (PbStore *store, gint64 since, gint64 until, GError **error);

PbActivityReport *pb_activity_report_ref (PbActivityReport *report);
void pb_activity_report_unref (PbActivityReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PbActivityReport, pb_activity_report_unref)

/* The orders late now in @store: still to ship (unshipped, or labelled and
 * not yet confirmed) with their latest ship-by time before @now — the
 * report's late_unshipped, for any period. */
gboolean pb_activity_count_late (PbStore *store, gint64 now, guint *n_late, GError **error);

/* The operator's row, or NULL when they did nothing in the period. */
const PbActivityOperator *pb_activity_report_find_operator (PbActivityReport *report,
                                                            const char *operator_name);

/* Labels per active hour (0 when none). */
gdouble pb_activity_operator_get_rate (const PbActivityOperator *op);

/*
 * The same figures counted from audit rows alone (the site's copy of every
 * bench's chain, or this store's log): what `packbenchctl activity` and the
 * site's Activity read. A label is a "label.printed" row, whose detail
 * carries the seconds from the order's first scan to the print
 * (PB_ACTIVITY_SCAN_TO_PRINT) when the bench knew them; a mis-scan is a
 * "pack.mis_scan" row.
 */
#define PB_ACTIVITY_SCAN_TO_PRINT "scan_to_print_s="

typedef struct
{
  char *operator_name;
  guint labels;
  guint mis_scans;
  guint timed;                  /* labels with a scan-to-print time */
  gdouble median_scan_to_print; /* seconds; 0 when @timed is 0 */
} PbActivityOperatorSummary;

typedef struct
{
  char *bench;
  guint labels;
  gint64 last_seen; /* unix time; 0 when unknown */
} PbActivityBenchSummary;

/* A supervisor freed an order another bench held (its bench had gone
 * quiet, or they insisted), or took it over for their own bench: audit
 * rows at the supervisor's bench, subject the order id, detail "held at
 * BENCH by OPERATOR" (PB_ACTIVITY_HELD_AT). */
#define PB_ACTIVITY_CLAIM_RELEASED "site.claim_released"
#define PB_ACTIVITY_CLAIM_TAKEN_OVER "site.claim_taken_over"
#define PB_ACTIVITY_HELD_AT "held at %s by %s"

typedef struct
{
  GPtrArray *operators;    /* (element-type PbActivityOperatorSummary): by name */
  GPtrArray *benches;      /* (element-type PbActivityBenchSummary): by name */
  guint claims_taken_over; /* claims of one bench released or taken over at another */
} PbActivitySummary;

/* Counts @entries (element-type PbAuditEntry); a row without a bench
 * counts for @default_bench. A claim taken over is a
 * PB_ACTIVITY_CLAIM_RELEASED or PB_ACTIVITY_CLAIM_TAKEN_OVER row. */
PbActivitySummary *pb_activity_summarise (GPtrArray *entries, const char *default_bench);
/* The report of [@since, @until) counted from @entries (element-type
 * PbAuditEntry) alone — the site's rows of every bench (or one bench's):
 * labels per operator per hour, reprints, mis-scans, scan-to-print from
 * each "label.printed" row's detail, syncs. The store's order figures
 * (late, shipped) are left at 0 for the caller. NULL with @error for a
 * period over 31 days. */
PbActivityReport *pb_activity_report_from_entries (GPtrArray *entries, gint64 since, gint64 until,
                                                   GError **error);
/* The bench's row, added (with no labels) when it had none in the period. */
PbActivityBenchSummary *pb_activity_summary_bench (PbActivitySummary *summary, const char *bench);
void pb_activity_summary_free (PbActivitySummary *summary);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PbActivitySummary, pb_activity_summary_free)

G_END_DECLS
