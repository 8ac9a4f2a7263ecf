/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include <glib/gstdio.h>

#include "pb-test-store.h"
#include "store/pb-activity.h"
#include "store/pb-audit.h"
#include "store/pb-keyslots.h"
#include "store/pb-labels.h"
#include "store/pb-orders.h"
#include "util/pb-clock.h"
#include "util/pb-secure.h"

#define HOUR 3600
#define DAY (24 * HOUR)

typedef struct
{
  char *dir;
  PbStore *store;
  gint64 since; /* a day's midnight, UTC */
  gint64 until;
  gint64 now; /* the real clock: "late" is measured at it */
} Fixture;

static void
set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr (GDateTime) day = g_date_time_new (utc, 2030, 6, 12, 0, 0, 0);

  fixture->store = pb_test_store_new ("pb-activity-XXXXXX", &fixture->dir);
  fixture->since = g_date_time_to_unix (day);
  fixture->until = fixture->since + DAY;
  fixture->now = pb_clock_now_unix ();
}

static void
tear_down (Fixture *fixture, gconstpointer data)
{
  pb_test_store_free (&fixture->store, &fixture->dir);
}

static void
add_order (Fixture *fixture, const char *id, const char *status, gint64 ship_by)
{
  g_autofree char *item_id = g_strdup_printf ("%s-item", id);
  g_autoptr (PbOrderData) order
      = pb_test_order_new (id, status, ship_by - 2 * DAY, ship_by - 2 * DAY + 60, ship_by);

  pb_test_order_add_item (order, item_id, "TEA-1", 1);
  pb_test_store_apply (fixture->store, order, fixture->now);
}

static void
audit (Fixture *fixture, gint64 time, const char *actor, const char *action, const char *subject)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (pb_audit_append_at (fixture->store, time, actor, action, subject,
                                     g_str_equal (action, "pack.mis_scan") ? "failed" : "ok", NULL,
                                     &error));
  g_assert_no_error (error);
}

/* An order packed from @started and printed at @printed by @actor. */
static void
pack_and_print (Fixture *fixture, const char *id, const char *actor, gint64 started, gint64 printed)
{
  g_autoptr (GError) error = NULL;

  add_order (fixture, id, "UNSHIPPED", printed + DAY);
  if (started > 0)
    {
      g_assert_true (
          pb_orders_set_pack_times (fixture->store, id, started, started + 5, actor, &error));
      g_assert_no_error (error);
    }
  audit (fixture, printed, actor, "label.printed", id);
}

/* Buys a label: the order is "labelled", not yet shipped. */
static void
label (Fixture *fixture, const char *id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) pdf = g_bytes_new_static ("%PDF-1.4", 8);

  g_assert_true (pb_labels_store (fixture->store, id, 1234, "TT000000002GB", "CRL1", "parcel", 500,
                                  pdf, "alice", fixture->now, &error));
  g_assert_no_error (error);
}

static void
ship (Fixture *fixture, const char *id, gint64 when)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (
      pb_orders_set_shipped (fixture->store, id, "TT000000001GB", "alice", when, &error));
  g_assert_no_error (error);
  audit (fixture, when, "alice", "order.shipped", id);
}

static PbActivityReport *
report (Fixture *fixture)
{
  g_autoptr (GError) error = NULL;
  PbActivityReport *result
      = pb_activity_report (fixture->store, fixture->since, fixture->until, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  return result;
}

static void
test_empty (Fixture *fixture, gconstpointer data)
{
  g_autoptr (PbActivityReport) empty = report (fixture);

  g_assert_cmpuint (empty->n_hours, ==, 24);
  g_assert_cmpuint (empty->operators->len, ==, 0);
  g_assert_cmpuint (empty->labels, ==, 0);
  g_assert_cmpuint (empty->mis_scans, ==, 0);
  g_assert_cmpuint (empty->timed, ==, 0);
  g_assert_false (isnan (empty->avg_scan_to_print));
  g_assert_cmpfloat (empty->avg_scan_to_print, ==, 0);
  g_assert_cmpuint (empty->busiest_hour_total, ==, 0);
  g_assert_cmpuint (empty->late_unshipped, ==, 0);
  g_assert_cmpuint (empty->shipped, ==, 0);
  g_assert_cmpuint (empty->shipped_late, ==, 0);
  g_assert_cmpuint (empty->syncs_completed + empty->syncs_failed, ==, 0);
  g_assert_cmpint (empty->last_sync_completed, ==, 0);
  g_assert_null (pb_activity_report_find_operator (empty, "alice"));
}

static void
test_labels_per_hour (Fixture *fixture, gconstpointer data)
{
  g_autoptr (PbActivityReport) day = NULL;
  const PbActivityOperator *alice;
  const PbActivityOperator *bob;
  gint64 nine = fixture->since + 9 * HOUR;

  /* Both ends of 09:00-10:00, then the first second of the next hour. */
  pack_and_print (fixture, "202-0000001-0000001", "alice", 0, nine);
  pack_and_print (fixture, "202-0000002-0000002", "alice", 0, nine + HOUR - 1);
  pack_and_print (fixture, "202-0000003-0000003", "alice", 0, nine + HOUR);
  pack_and_print (fixture, "202-0000004-0000004", "bob", 0, nine + HOUR + 1800);
  pack_and_print (fixture, "202-0000005-0000005", "bob", 0, nine + HOUR + 1801);
  /* The day before and the day after are not this day. */
  pack_and_print (fixture, "202-0000006-0000006", "alice", 0, fixture->since - 1);
  pack_and_print (fixture, "202-0000007-0000007", "bob", 0, fixture->until);
  /* A reprint is not a new label. */
  audit (fixture, nine + 60, "alice", "label.reprinted", "202-0000001-0000001");

  day = report (fixture);
  g_assert_cmpuint (day->labels, ==, 5);
  g_assert_cmpuint (day->reprints, ==, 1);
  g_assert_cmpuint (day->operators->len, ==, 2);
  alice = g_ptr_array_index (day->operators, 0);
  bob = g_ptr_array_index (day->operators, 1);
  g_assert_cmpstr (alice->operator_name, ==, "alice");
  g_assert_cmpstr (bob->operator_name, ==, "bob");
  g_assert_true (pb_activity_report_find_operator (day, "bob") == bob);

  g_assert_cmpuint (alice->labels, ==, 3);
  g_assert_cmpuint (alice->reprints, ==, 1);
  g_assert_cmpuint (alice->per_hour[8], ==, 0);
  g_assert_cmpuint (alice->per_hour[9], ==, 2);
  g_assert_cmpuint (alice->per_hour[10], ==, 1);
  g_assert_cmpuint (alice->per_hour[0] + alice->per_hour[23], ==, 0);
  g_assert_cmpuint (alice->active_hours, ==, 2);
  g_assert_cmpfloat_with_epsilon (pb_activity_operator_get_rate (alice), 1.5, 1e-9);

  g_assert_cmpuint (bob->labels, ==, 2);
  g_assert_cmpuint (bob->per_hour[10], ==, 2);
  g_assert_cmpuint (bob->per_hour[23], ==, 0);
  g_assert_cmpuint (bob->active_hours, ==, 1);
  /* 10:00-11:00: one of alice's and two of bob's. */
  g_assert_cmpuint (day->busiest_hour_total, ==, 3);
  /* No label was packed at the bench: nothing to time. */
  g_assert_cmpuint (day->timed, ==, 0);
  g_assert_cmpfloat (day->avg_scan_to_print, ==, 0);
}

static void
test_scan_to_print (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PbActivityReport) day = NULL;
  const PbActivityOperator *alice;
  const PbActivityOperator *bob;
  gint64 t = fixture->since + 14 * HOUR;

  pack_and_print (fixture, "202-0000001-0000001", "alice", t - 90, t);
  pack_and_print (fixture, "202-0000002-0000002", "alice", t + 100, t + 130);
  /* Printed from the command line, never scanned: counted, not timed. */
  pack_and_print (fixture, "202-0000003-0000003", "bob", 0, t + 200);
  /* Packed again after this print (a void): the old print is not timed
   * against the new start. */
  pack_and_print (fixture, "202-0000004-0000004", "bob", t + 300, t + 400);
  g_assert_true (
      pb_orders_set_pack_times (fixture->store, "202-0000004-0000004", t + 900, 0, "bob", &error));
  g_assert_no_error (error);

  day = report (fixture);
  alice = pb_activity_report_find_operator (day, "alice");
  bob = pb_activity_report_find_operator (day, "bob");
  g_assert_cmpuint (day->labels, ==, 4);
  g_assert_cmpuint (alice->timed, ==, 2);
  g_assert_cmpfloat_with_epsilon (alice->avg_scan_to_print, 60, 1e-9);
  g_assert_cmpuint (bob->labels, ==, 2);
  g_assert_cmpuint (bob->timed, ==, 0);
  g_assert_cmpfloat (bob->avg_scan_to_print, ==, 0);
  g_assert_cmpuint (day->timed, ==, 2);
  g_assert_cmpfloat_with_epsilon (day->avg_scan_to_print, 60, 1e-9);
}

static void
test_mis_scans_and_no_labels (Fixture *fixture, gconstpointer data)
{
  g_autoptr (PbActivityReport) day = NULL;
  const PbActivityOperator *carol;
  gint64 t = fixture->since + 11 * HOUR;

  add_order (fixture, "202-0000001-0000001", "UNSHIPPED", t + DAY);
  audit (fixture, t, "carol", "pack.mis_scan", "202-0000001-0000001");
  audit (fixture, t + 5, "carol", "pack.mis_scan", "202-0000001-0000001");
  audit (fixture, t + 9, "carol", "pack.mis_scan", "202-0000001-0000001");
  audit (fixture, fixture->since - HOUR, "carol", "pack.mis_scan", "202-0000001-0000001");
  pack_and_print (fixture, "202-0000002-0000002", "alice", t - 30, t);
  audit (fixture, t + 20, "alice", "pack.mis_scan", "202-0000002-0000002");

  day = report (fixture);
  g_assert_cmpuint (day->mis_scans, ==, 4);
  carol = pb_activity_report_find_operator (day, "carol");
  g_assert_nonnull (carol);
  g_assert_cmpuint (carol->mis_scans, ==, 3);
  g_assert_cmpuint (carol->labels, ==, 0);
  g_assert_cmpuint (carol->active_hours, ==, 0);
  g_assert_cmpuint (carol->timed, ==, 0);
  g_assert_false (isnan (carol->avg_scan_to_print));
  g_assert_cmpfloat (carol->avg_scan_to_print, ==, 0);
  g_assert_cmpfloat (pb_activity_operator_get_rate (carol), ==, 0);
  for (guint hour = 0; hour < day->n_hours; hour++)
    g_assert_cmpuint (carol->per_hour[hour], ==, 0);
  g_assert_cmpuint (pb_activity_report_find_operator (day, "alice")->mis_scans, ==, 1);
  g_assert_cmpuint (day->labels, ==, 1);
}

static void
test_late_orders (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PbActivityReport) day = NULL;
  gint64 t = fixture->since + 9 * HOUR;

  /* Late now: still to ship and past the ship-by (also when labelled). */
  add_order (fixture, "203-0000001-0000001", "UNSHIPPED", fixture->now - HOUR);
  add_order (fixture, "203-0000002-0000002", "UNSHIPPED", fixture->now - 3 * DAY);
  label (fixture, "203-0000002-0000002");
  add_order (fixture, "203-0000003-0000003", "UNSHIPPED", fixture->now + HOUR);
  add_order (fixture, "203-0000004-0000004", "CANCELLED", fixture->now - HOUR);
  add_order (fixture, "203-0000005-0000005", "PENDING", fixture->now - HOUR);

  /* Shipped in the period: one late, one in time, one late and shipped
   * twice (voided and shipped again), one on the day before. */
  add_order (fixture, "204-0000001-0000001", "UNSHIPPED", t - HOUR);
  ship (fixture, "204-0000001-0000001", t);
  add_order (fixture, "204-0000002-0000002", "UNSHIPPED", t + HOUR);
  ship (fixture, "204-0000002-0000002", t);
  add_order (fixture, "204-0000003-0000003", "UNSHIPPED", t - 2 * HOUR);
  ship (fixture, "204-0000003-0000003", t - HOUR);
  ship (fixture, "204-0000003-0000003", t + HOUR);
  add_order (fixture, "204-0000004-0000004", "UNSHIPPED", fixture->since - DAY);
  ship (fixture, "204-0000004-0000004", fixture->since - HOUR);
  g_assert_no_error (error);

  day = report (fixture);
  g_assert_cmpuint (day->late_unshipped, ==, 2);
  g_assert_cmpuint (day->shipped, ==, 3);
  g_assert_cmpuint (day->shipped_late, ==, 2);
  /* Shipping is nobody's label: no operator rows. */
  g_assert_cmpuint (day->operators->len, ==, 0);
}

static void
test_syncs (Fixture *fixture, gconstpointer data)
{
  g_autoptr (PbActivityReport) day = NULL;
  gint64 t = fixture->since + 8 * HOUR;

  audit (fixture, fixture->since - 60, "system", "sync.completed", NULL);
  audit (fixture, t, "system", "sync.completed", NULL);
  audit (fixture, t + 300, "system", "sync.failed", NULL);
  audit (fixture, t + 600, "alice", "sync.completed", NULL);

  day = report (fixture);
  g_assert_cmpuint (day->syncs_completed, ==, 2);
  g_assert_cmpuint (day->syncs_failed, ==, 1);
  g_assert_cmpint (day->last_sync_completed, ==, t + 600);
  g_assert_cmpint (day->last_sync_failed, ==, t + 300);
  g_assert_cmpuint (day->operators->len, ==, 0);
}

static void
test_bad_period (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  g_assert_null (pb_activity_report (fixture->store, fixture->until, fixture->since, &error));
  g_assert_error (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (pb_activity_report (fixture->store, fixture->since, fixture->since, &error));
  g_assert_error (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (
      pb_activity_report (fixture->store, fixture->since, fixture->since + 32 * DAY, &error));
  g_assert_error (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID);
}

static void
test_period_bounds (void)
{
  g_autoptr (GTimeZone) london = g_time_zone_new_identifier ("Europe/London");
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr (GDateTime) sunday = NULL;
  g_autoptr (GDateTime) monday = NULL;
  g_autoptr (GDateTime) expected = NULL;
  gint64 since, until;

  g_assert_nonnull (london);
  /* The clocks go forward on Sunday 30 March 2025: a 23-hour day, and a
   * week (from Monday 24 March) of 167 hours. */
  sunday = g_date_time_new (london, 2025, 3, 30, 15, 45, 0);
  pb_activity_period_bounds (PB_ACTIVITY_TODAY, sunday, &since, &until);
  expected = g_date_time_new (utc, 2025, 3, 30, 0, 0, 0);
  g_assert_cmpint (since, ==, g_date_time_to_unix (expected));
  g_assert_cmpint (until - since, ==, 23 * HOUR);

  pb_activity_period_bounds (PB_ACTIVITY_THIS_WEEK, sunday, &since, &until);
  g_clear_pointer (&expected, g_date_time_unref);
  expected = g_date_time_new (utc, 2025, 3, 24, 0, 0, 0);
  g_assert_cmpint (since, ==, g_date_time_to_unix (expected));
  g_clear_pointer (&expected, g_date_time_unref);
  expected = g_date_time_new (utc, 2025, 3, 30, 23, 0, 0); /* Monday 00:00 BST */
  g_assert_cmpint (until, ==, g_date_time_to_unix (expected));

  /* Summer time: local midnight is 23:00 UTC the day before. A Monday's
   * week starts that same day. */
  monday = g_date_time_new (london, 2030, 6, 10, 0, 30, 0);
  pb_activity_period_bounds (PB_ACTIVITY_TODAY, monday, &since, &until);
  g_clear_pointer (&expected, g_date_time_unref);
  expected = g_date_time_new (utc, 2030, 6, 9, 23, 0, 0);
  g_assert_cmpint (since, ==, g_date_time_to_unix (expected));
  g_assert_cmpint (until - since, ==, DAY);
  pb_activity_period_bounds (PB_ACTIVITY_THIS_WEEK, monday, &since, &until);
  g_assert_cmpint (since, ==, g_date_time_to_unix (expected));
  g_assert_cmpint (until - since, ==, 7 * DAY);
}

static void
add_row (GPtrArray *rows, const char *bench, const char *actor, const char *action,
         const char *outcome, const char *detail)
{
  PbAuditEntry *entry = g_new0 (PbAuditEntry, 1);

  entry->seq = rows->len + 1;
  entry->bench = g_strdup (bench);
  entry->actor = g_strdup (actor);
  entry->action = g_strdup (action);
  entry->outcome = g_strdup (outcome);
  entry->detail = g_strdup (detail);
  g_ptr_array_add (rows, entry);
}

/* The site's figures, counted from audit rows alone. */
static void
test_summarise_rows (void)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify)pb_audit_entry_free);
  g_autoptr (PbActivitySummary) summary = NULL;
  PbActivityOperatorSummary *op;
  PbActivityBenchSummary *bench;

  add_row (rows, "Bench B", "pat", "label.printed", "ok", PB_ACTIVITY_SCAN_TO_PRINT "30");
  add_row (rows, "Bench A", "pat", "label.printed", "ok", PB_ACTIVITY_SCAN_TO_PRINT "90");
  add_row (rows, "Bench A", "pat", "label.printed", "ok",
           "weighed=typed " PB_ACTIVITY_SCAN_TO_PRINT "50");
  add_row (rows, "Bench A", "pat", "label.printed", "ok", PB_ACTIVITY_SCAN_TO_PRINT "10");
  add_row (rows, "Bench A", "pat", "pack.mis_scan", "refused", NULL);
  add_row (rows, "Bench A", "sam", "pack.mis_scan", "refused", NULL);
  add_row (rows, "Bench A", "sam", "pack.mis_scan", "refused", NULL);
  /* Not a label: a reprint, a failed print, a damaged detail. */
  add_row (rows, "Bench A", "sam", "label.reprinted", "ok", NULL);
  add_row (rows, "Bench A", "sam", "label.printed", "failed", NULL);
  add_row (rows, NULL, "ann", "label.printed", "ok", PB_ACTIVITY_SCAN_TO_PRINT "x");
  /* Claims of quiet benches freed or taken over: not anyone's labels. */
  add_row (rows, "Bench A", "sue", PB_ACTIVITY_CLAIM_RELEASED, "ok", "held at Bench B by pat");
  add_row (rows, "Bench B", "sue", PB_ACTIVITY_CLAIM_TAKEN_OVER, "ok", "held at Bench A by sam");
  add_row (rows, "Bench B", "sue", PB_ACTIVITY_CLAIM_TAKEN_OVER, "failed", NULL);

  summary = pb_activity_summarise (rows, "Bench C");
  g_assert_cmpuint (summary->claims_taken_over, ==, 2);
  g_assert_cmpuint (summary->operators->len, ==, 3);
  op = g_ptr_array_index (summary->operators, 0);
  g_assert_cmpstr (op->operator_name, ==, "ann");
  g_assert_cmpuint (op->labels, ==, 1);
  g_assert_cmpuint (op->timed, ==, 0);
  op = g_ptr_array_index (summary->operators, 1);
  g_assert_cmpstr (op->operator_name, ==, "pat");
  g_assert_cmpuint (op->labels, ==, 4);
  g_assert_cmpuint (op->mis_scans, ==, 1);
  g_assert_cmpuint (op->timed, ==, 4);
  /* 10, 30, 50, 90: the middle two's mean. */
  g_assert_cmpfloat (op->median_scan_to_print, ==, 40);
  op = g_ptr_array_index (summary->operators, 2);
  g_assert_cmpstr (op->operator_name, ==, "sam");
  g_assert_cmpuint (op->labels, ==, 0);
  g_assert_cmpuint (op->mis_scans, ==, 2);

  g_assert_cmpuint (summary->benches->len, ==, 3);
  bench = g_ptr_array_index (summary->benches, 0);
  g_assert_cmpstr (bench->bench, ==, "Bench A");
  g_assert_cmpuint (bench->labels, ==, 3);
  bench = g_ptr_array_index (summary->benches, 2);
  g_assert_cmpstr (bench->bench, ==, "Bench C");
  g_assert_cmpuint (bench->labels, ==, 1);
  /* A bench with nothing in the period is added, once. */
  g_assert_true (pb_activity_summary_bench (summary, "Bench D")
                 == pb_activity_summary_bench (summary, "Bench D"));
  g_assert_cmpuint (summary->benches->len, ==, 4);
}

/* The site's Activity page: the report's figures from every bench's rows,
 * per operator per hour, outside the period left out. */
static void
test_report_from_rows (void)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify)pb_audit_entry_free);
  g_autoptr (PbActivityReport) report = NULL;
  g_autoptr (GError) error = NULL;
  const PbActivityOperator *op;
  gint64 since = 1000 * 3600;

  add_row (rows, "Bench A", "pat", "label.printed", "ok", PB_ACTIVITY_SCAN_TO_PRINT "30");
  add_row (rows, "Bench B", "pat", "label.printed", "ok", PB_ACTIVITY_SCAN_TO_PRINT "90");
  add_row (rows, "Bench B", "pat", "label.printed", "ok", NULL);
  add_row (rows, "Bench B", "sam", "pack.mis_scan", "refused", NULL);
  add_row (rows, "Bench B", "sam", "label.reprinted", "ok", NULL);
  add_row (rows, "Bench A", "sam", "label.printed", "failed", NULL);
  add_row (rows, "Bench A", "system", "sync.completed", "ok", NULL);
  add_row (rows, "Bench A", "system", "sync.failed", "failed", NULL);
  add_row (rows, "Bench A", "pat", "label.printed", "ok", NULL); /* the day after */
  for (guint i = 0; i < rows->len; i++)
    ((PbAuditEntry *)g_ptr_array_index (rows, i))->time = since + 60 + (gint64)i * 1800;
  ((PbAuditEntry *)g_ptr_array_index (rows, rows->len - 1))->time = since + DAY;

  report = pb_activity_report_from_entries (rows, since, since + DAY, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->labels, ==, 3);
  g_assert_cmpuint (report->reprints, ==, 1);
  g_assert_cmpuint (report->mis_scans, ==, 1);
  g_assert_cmpuint (report->timed, ==, 2);
  g_assert_cmpfloat (report->avg_scan_to_print, ==, 60);
  g_assert_cmpuint (report->syncs_completed, ==, 1);
  g_assert_cmpuint (report->syncs_failed, ==, 1);
  g_assert_cmpuint (report->n_hours, ==, 24);
  g_assert_cmpuint (report->operators->len, ==, 2);
  op = pb_activity_report_find_operator (report, "pat");
  g_assert_nonnull (op);
  g_assert_cmpuint (op->labels, ==, 3);
  /* Rows 0 and 1 in the first hour, row 2 in the second. */
  g_assert_cmpuint (op->per_hour[0], ==, 2);
  g_assert_cmpuint (op->per_hour[1], ==, 1);
  g_assert_cmpuint (op->active_hours, ==, 2);
  g_assert_cmpuint (report->busiest_hour_total, ==, 2);
  op = pb_activity_report_find_operator (report, "sam");
  g_assert_cmpuint (op->labels, ==, 0);
  g_assert_cmpuint (op->mis_scans, ==, 1);

  /* The same bound as the store's report. */
  g_clear_pointer (&report, pb_activity_report_unref);
  report = pb_activity_report_from_entries (rows, since, since + 40 * DAY, &error);
  g_assert_error (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID);
  g_assert_null (report);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/activity/period-bounds", test_period_bounds);
  g_test_add_func ("/activity/summarise-rows", test_summarise_rows);
  g_test_add_func ("/activity/report-from-rows", test_report_from_rows);
#define ADD(path, func) g_test_add ("/activity/" path, Fixture, NULL, set_up, func, tear_down)
  ADD ("empty", test_empty);
  ADD ("labels-per-hour", test_labels_per_hour);
  ADD ("scan-to-print", test_scan_to_print);
  ADD ("mis-scans-and-no-labels", test_mis_scans_and_no_labels);
  ADD ("late-orders", test_late_orders);
  ADD ("syncs", test_syncs);
  ADD ("bad-period", test_bad_period);
#undef ADD

  return g_test_run ();
}
