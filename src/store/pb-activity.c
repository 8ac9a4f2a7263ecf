/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "pb-activity.h"
#include "pb-audit.h"
#include "pb-store-private.h"
#include "util/pb-clock.h"

#define HOUR 3600
/* A week and a few days more: what a supervisor asks for, and a bound on
 * the per-hour arrays. */
#define MAX_SPAN (31 * 24 * HOUR)

G_DEFINE_BOXED_TYPE (PbActivityReport, pb_activity_report, pb_activity_report_ref,
                     pb_activity_report_unref)

void
pb_activity_period_bounds (PbActivityPeriod period, GDateTime *now, gint64 *since, gint64 *until)
{
  g_autoptr (GDateTime) midnight = NULL;
  g_autoptr (GDateTime) start = NULL;
  g_autoptr (GDateTime) end = NULL;

  g_return_if_fail (now != NULL);
  g_return_if_fail (since != NULL && until != NULL);

  midnight
      = g_date_time_new (g_date_time_get_timezone (now), g_date_time_get_year (now),
                         g_date_time_get_month (now), g_date_time_get_day_of_month (now), 0, 0, 0);
  if (period == PB_ACTIVITY_THIS_WEEK)
    {
      /* Weeks start on Monday (ISO 8601, as in the UK). */
      start = g_date_time_add_days (midnight, 1 - g_date_time_get_day_of_week (now));
      end = g_date_time_add_days (start, 7);
    }
  else
    {
      start = g_date_time_ref (midnight);
      end = g_date_time_add_days (start, 1);
    }
  *since = g_date_time_to_unix (start);
  *until = g_date_time_to_unix (end);
}

static void
operator_free (PbActivityOperator *op)
{
  g_free (op->operator_name);
  g_free (op->per_hour);
  g_free (op);
}

static void
report_clear (PbActivityReport *report)
{
  g_clear_pointer (&report->operators, g_ptr_array_unref);
}

PbActivityReport *
pb_activity_report_ref (PbActivityReport *report)
{
  g_return_val_if_fail (report != NULL, NULL);

  return g_atomic_rc_box_acquire (report);
}

void
pb_activity_report_unref (PbActivityReport *report)
{
  g_return_if_fail (report != NULL);

  g_atomic_rc_box_release_full (report, (GDestroyNotify)report_clear);
}

const PbActivityOperator *
pb_activity_report_find_operator (PbActivityReport *report, const char *operator_name)
{
  g_return_val_if_fail (report != NULL, NULL);
  g_return_val_if_fail (operator_name != NULL, NULL);

  for (guint i = 0; i < report->operators->len; i++)
    {
      const PbActivityOperator *op = g_ptr_array_index (report->operators, i);

      if (g_str_equal (op->operator_name, operator_name))
        return op;
    }
  return NULL;
}

gdouble
pb_activity_operator_get_rate (const PbActivityOperator *op)
{
  g_return_val_if_fail (op != NULL, 0);

  return op->active_hours > 0 ? (gdouble)op->labels / op->active_hours : 0;
}

static PbActivityOperator *
get_operator (PbActivityReport *report, GHashTable *by_name, const char *name)
{
  PbActivityOperator *op = g_hash_table_lookup (by_name, name);

  if (op == NULL)
    {
      op = g_new0 (PbActivityOperator, 1);
      op->operator_name = g_strdup (name);
      op->per_hour = g_new0 (guint, report->n_hours);
      g_ptr_array_add (report->operators, op);
      g_hash_table_insert (by_name, op->operator_name, op);
    }
  return op;
}

static int
compare_operators (gconstpointer a, gconstpointer b)
{
  const PbActivityOperator *op_a = *(const PbActivityOperator *const *)a;
  const PbActivityOperator *op_b = *(const PbActivityOperator *const *)b;

  return g_utf8_collate (op_a->operator_name, op_b->operator_name);
}

/* One pass over the period's audit rows (the audit_time index), with each
 * label's order by its primary key. */
static gboolean
read_audit (PbStore *store, PbActivityReport *report, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = pb_store_prepare (
      store,
      "SELECT a.time, a.operator, a.action, o.pack_started_at, o.shipped_at, o.ship_by_latest,"
      " a.subject"
      " FROM audit a LEFT JOIN orders o ON o.id = a.subject AND a.action IN ('label.printed',"
      "   'order.shipped')"
      " WHERE a.time >= ?1 AND a.time < ?2"
      "   AND a.action IN ('label.printed', 'label.reprinted', 'pack.mis_scan',"
      "                    'order.shipped', 'sync.completed', 'sync.failed')"
      " ORDER BY a.seq",
      error);
  g_autoptr (GHashTable) by_name = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) shipped = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gdouble total_seconds = 0;
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, report->since);
  sqlite3_bind_int64 (stmt, 2, report->until);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 time = sqlite3_column_int64 (stmt, 0);
      const char *actor = pb_sql_text (stmt, 1);
      const char *action = pb_sql_text (stmt, 2);
      PbActivityOperator *op;

      if (g_str_equal (action, "sync.completed"))
        {
          report->syncs_completed++;
          report->last_sync_completed = MAX (report->last_sync_completed, time);
          continue;
        }
      if (g_str_equal (action, "sync.failed"))
        {
          report->syncs_failed++;
          report->last_sync_failed = MAX (report->last_sync_failed, time);
          continue;
        }
      if (g_str_equal (action, "order.shipped"))
        {
          gint64 shipped_at = sqlite3_column_int64 (stmt, 4);
          gint64 ship_by = sqlite3_column_int64 (stmt, 5);
          const char *order_id = pb_sql_text (stmt, 6);

          /* An order shipped, voided and shipped again is one order; one
           * whose label was voided since (no shipped_at) is not shipped. */
          if (order_id == NULL || sqlite3_column_type (stmt, 4) == SQLITE_NULL
              || shipped_at < report->since || shipped_at >= report->until
              || !g_hash_table_add (shipped, g_strdup (order_id)))
            continue;
          report->shipped++;
          if (sqlite3_column_type (stmt, 5) != SQLITE_NULL && shipped_at > ship_by)
            report->shipped_late++;
          continue;
        }

      op = get_operator (report, by_name, actor ? actor : "");
      if (g_str_equal (action, "pack.mis_scan"))
        {
          op->mis_scans++;
          report->mis_scans++;
        }
      else if (g_str_equal (action, "label.reprinted"))
        {
          op->reprints++;
          report->reprints++;
        }
      else /* label.printed */
        {
          guint hour = (guint)((time - report->since) / HOUR);

          op->labels++;
          report->labels++;
          if (op->per_hour[hour]++ == 0)
            op->active_hours++;
          if (sqlite3_column_type (stmt, 3) != SQLITE_NULL)
            {
              gint64 started = sqlite3_column_int64 (stmt, 3);

              if (started > 0 && started <= time)
                {
                  /* A running mean per operator; the total for everyone. */
                  op->timed++;
                  op->avg_scan_to_print
                      += ((gdouble)(time - started) - op->avg_scan_to_print) / op->timed;
                  report->timed++;
                  total_seconds += (gdouble)(time - started);
                }
            }
        }
    }
  if (rc != SQLITE_DONE)
    {
      pb_store_set_sql_error (store, error, _ ("Reading the activity"));
      return FALSE;
    }
  report->avg_scan_to_print = report->timed > 0 ? total_seconds / report->timed : 0;
  return TRUE;
}

static gboolean
read_late_unshipped (PbStore *store, PbActivityReport *report, gint64 now, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt
      = pb_store_prepare (store,
                          "SELECT count (*) FROM orders"
                          " WHERE state IN ('unshipped', 'labelled') AND ship_by_latest < ?1",
                          error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, now);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      pb_store_set_sql_error (store, error, _ ("Counting late orders"));
      return FALSE;
    }
  report->late_unshipped = (guint)sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

gboolean
pb_activity_count_late (PbStore *store, gint64 now, guint *n_late, GError **error)
{
  PbActivityReport report = { 0 };

  g_return_val_if_fail (PB_IS_STORE (store), FALSE);
  g_return_val_if_fail (n_late != NULL, FALSE);

  if (!read_late_unshipped (store, &report, now, error))
    return FALSE;
  *n_late = report.late_unshipped;
  return TRUE;
}

/**
 * pb_activity_report:
 * @store: the store (a worker's connection when called off the main thread)
 * @since: the period's start (unix time)
 * @until: the period's end, excluded
 * @error: the store's error
 *
 * Returns: (transfer full): the report, or NULL with @error set.
 */
PbActivityReport *
pb_activity_report (PbStore *store, gint64 since, gint64 until, GError **error)
{
  g_autoptr (PbActivityReport) report = NULL;

  g_return_val_if_fail (PB_IS_STORE (store), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (until <= since || until - since > MAX_SPAN)
    {
      g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID,
                   _ ("An activity report covers up to 31 days, ending after it starts."));
      return NULL;
    }

  report = g_atomic_rc_box_new0 (PbActivityReport);
  report->since = since;
  report->until = until;
  report->n_hours = (guint)((until - since + HOUR - 1) / HOUR);
  report->operators = g_ptr_array_new_with_free_func ((GDestroyNotify)operator_free);

  if (!read_audit (store, report, error)
      || !read_late_unshipped (store, report, pb_clock_now_unix (), error))
    return NULL;

  g_ptr_array_sort (report->operators, compare_operators);
  for (guint hour = 0; hour < report->n_hours; hour++)
    {
      guint total = 0;

      for (guint i = 0; i < report->operators->len; i++)
        total += ((PbActivityOperator *)g_ptr_array_index (report->operators, i))->per_hour[hour];
      report->busiest_hour_total = MAX (report->busiest_hour_total, total);
    }
  return g_steal_pointer (&report);
}

/* ---- counted from audit rows ------------------------------------------ */

typedef struct
{
  PbActivityOperatorSummary public;
  GArray *times; /* gdouble: scan-to-print seconds */
} OperatorCount;

static void
operator_count_free (OperatorCount *count)
{
  g_free (count->public.operator_name);
  g_array_unref (count->times);
  g_free (count);
}

static void
operator_summary_free (PbActivityOperatorSummary *row)
{
  g_free (row->operator_name);
  g_free (row);
}

static void
bench_summary_free (PbActivityBenchSummary *bench)
{
  g_free (bench->bench);
  g_free (bench);
}

void
pb_activity_summary_free (PbActivitySummary *summary)
{
  if (summary == NULL)
    return;
  g_ptr_array_unref (summary->operators);
  g_ptr_array_unref (summary->benches);
  g_free (summary);
}

static gint
compare_doubles (gconstpointer a, gconstpointer b)
{
  gdouble x = *(const gdouble *)a;
  gdouble y = *(const gdouble *)b;

  return (x > y) - (x < y);
}

static gint
compare_summaries (gconstpointer a, gconstpointer b)
{
  const PbActivityOperatorSummary *x = *(PbActivityOperatorSummary *const *)a;
  const PbActivityOperatorSummary *y = *(PbActivityOperatorSummary *const *)b;

  return g_strcmp0 (x->operator_name, y->operator_name);
}

static gint
compare_benches (gconstpointer a, gconstpointer b)
{
  const PbActivityBenchSummary *x = *(PbActivityBenchSummary *const *)a;
  const PbActivityBenchSummary *y = *(PbActivityBenchSummary *const *)b;

  return g_strcmp0 (x->bench, y->bench);
}

PbActivityBenchSummary *
pb_activity_summary_bench (PbActivitySummary *summary, const char *bench)
{
  PbActivityBenchSummary *row;

  for (guint i = 0; i < summary->benches->len; i++)
    {
      row = g_ptr_array_index (summary->benches, i);
      if (g_strcmp0 (row->bench, bench) == 0)
        return row;
    }
  row = g_new0 (PbActivityBenchSummary, 1);
  row->bench = g_strdup (bench);
  g_ptr_array_add (summary->benches, row);
  g_ptr_array_sort (summary->benches, compare_benches);
  return row;
}

static OperatorCount *
operator_count (GHashTable *by_name, const char *name)
{
  OperatorCount *count = g_hash_table_lookup (by_name, name);

  if (count == NULL)
    {
      count = g_new0 (OperatorCount, 1);
      count->public.operator_name = g_strdup (name);
      count->times = g_array_new (FALSE, FALSE, sizeof (gdouble));
      g_hash_table_insert (by_name, count->public.operator_name, count);
    }
  return count;
}

/* The seconds in a "label.printed" row's detail, or -1. */
static gdouble
scan_to_print (const char *detail)
{
  const char *found = detail != NULL ? strstr (detail, PB_ACTIVITY_SCAN_TO_PRINT) : NULL;
  char *end = NULL;
  gint64 seconds;

  if (found == NULL)
    return -1;
  seconds = g_ascii_strtoll (found + strlen (PB_ACTIVITY_SCAN_TO_PRINT), &end, 10);
  return end != found + strlen (PB_ACTIVITY_SCAN_TO_PRINT) && seconds >= 0 ? (gdouble)seconds : -1;
}

PbActivitySummary *
pb_activity_summarise (GPtrArray *entries, const char *default_bench)
{
  PbActivitySummary *summary = g_new0 (PbActivitySummary, 1);
  g_autoptr (GHashTable) by_name
      = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify)operator_count_free);
  GHashTableIter iter;
  gpointer value;

  summary->operators = g_ptr_array_new_with_free_func ((GDestroyNotify)operator_summary_free);
  summary->benches = g_ptr_array_new_with_free_func ((GDestroyNotify)bench_summary_free);

  for (guint i = 0; i < entries->len; i++)
    {
      const PbAuditEntry *entry = g_ptr_array_index (entries, i);
      const char *bench = entry->bench != NULL ? entry->bench : default_bench;
      gboolean label = g_strcmp0 (entry->action, "label.printed") == 0
                       && g_strcmp0 (entry->outcome, "ok") == 0;
      gboolean mis_scan = g_strcmp0 (entry->action, "pack.mis_scan") == 0;
      OperatorCount *count;

      if ((g_strcmp0 (entry->action, PB_ACTIVITY_CLAIM_RELEASED) == 0
           || g_strcmp0 (entry->action, PB_ACTIVITY_CLAIM_TAKEN_OVER) == 0)
          && g_strcmp0 (entry->outcome, "ok") == 0)
        {
          summary->claims_taken_over++;
          continue;
        }
      if (!label && !mis_scan)
        continue;
      count = operator_count (by_name, entry->actor != NULL ? entry->actor : "");
      if (mis_scan)
        {
          count->public.mis_scans++;
          continue;
        }
      count->public.labels++;
      pb_activity_summary_bench (summary, bench)->labels++;
      {
        gdouble seconds = scan_to_print (entry->detail);

        if (seconds >= 0)
          g_array_append_val (count->times, seconds);
      }
    }

  /* Each operator's median, then the public rows by name. */
  g_hash_table_iter_init (&iter, by_name);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      OperatorCount *count = value;
      PbActivityOperatorSummary *row = g_new0 (PbActivityOperatorSummary, 1);
      guint n = count->times->len;

      *row = count->public;
      row->operator_name = g_strdup (count->public.operator_name);
      row->timed = n;
      if (n > 0)
        {
          g_array_sort (count->times, compare_doubles);
          row->median_scan_to_print = n % 2 ? g_array_index (count->times, gdouble, n / 2)
                                            : (g_array_index (count->times, gdouble, n / 2 - 1)
                                               + g_array_index (count->times, gdouble, n / 2))
                                                  / 2;
        }
      g_ptr_array_add (summary->operators, row);
    }
  g_ptr_array_sort (summary->operators, compare_summaries);
  return summary;
}

PbActivityReport *
pb_activity_report_from_entries (GPtrArray *entries, gint64 since, gint64 until, GError **error)
{
  g_autoptr (PbActivityReport) report = NULL;
  g_autoptr (GHashTable) by_name = g_hash_table_new (g_str_hash, g_str_equal);
  gdouble total_seconds = 0;

  g_return_val_if_fail (entries != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (until <= since || until - since > MAX_SPAN)
    {
      g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID,
                   _ ("An activity report covers up to 31 days, ending after it starts."));
      return NULL;
    }

  report = g_atomic_rc_box_new0 (PbActivityReport);
  report->since = since;
  report->until = until;
  report->n_hours = (guint)((until - since + HOUR - 1) / HOUR);
  report->operators = g_ptr_array_new_with_free_func ((GDestroyNotify)operator_free);

  for (guint i = 0; i < entries->len; i++)
    {
      const PbAuditEntry *entry = g_ptr_array_index (entries, i);
      const char *action = entry->action != NULL ? entry->action : "";
      PbActivityOperator *op;

      if (entry->time < since || entry->time >= until)
        continue;
      if (g_str_equal (action, "sync.completed"))
        {
          report->syncs_completed++;
          report->last_sync_completed = MAX (report->last_sync_completed, entry->time);
          continue;
        }
      if (g_str_equal (action, "sync.failed"))
        {
          report->syncs_failed++;
          report->last_sync_failed = MAX (report->last_sync_failed, entry->time);
          continue;
        }
      if (!g_str_equal (action, "pack.mis_scan") && !g_str_equal (action, "label.reprinted")
          && !(g_str_equal (action, "label.printed") && g_strcmp0 (entry->outcome, "ok") == 0))
        continue;

      op = get_operator (report, by_name, entry->actor != NULL ? entry->actor : "");
      if (g_str_equal (action, "pack.mis_scan"))
        {
          op->mis_scans++;
          report->mis_scans++;
        }
      else if (g_str_equal (action, "label.reprinted"))
        {
          op->reprints++;
          report->reprints++;
        }
      else
        {
          guint hour = (guint)((entry->time - since) / HOUR);
          gdouble seconds = scan_to_print (entry->detail);

          op->labels++;
          report->labels++;
          if (op->per_hour[hour]++ == 0)
            op->active_hours++;
          if (seconds >= 0)
            {
              op->timed++;
              op->avg_scan_to_print += (seconds - op->avg_scan_to_print) / op->timed;
              report->timed++;
              total_seconds += seconds;
            }
        }
    }
  report->avg_scan_to_print = report->timed > 0 ? total_seconds / report->timed : 0;

  g_ptr_array_sort (report->operators, compare_operators);
  for (guint hour = 0; hour < report->n_hours; hour++)
    {
      guint total = 0;

      for (guint i = 0; i < report->operators->len; i++)
        total += ((PbActivityOperator *)g_ptr_array_index (report->operators, i))->per_hour[hour];
      report->busiest_hour_total = MAX (report->busiest_hour_total, total);
    }
  return g_steal_pointer (&report);
}
