/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "pb-cli-commands.h"
#include "pb-cli-common.h"
#include "store/pb-activity.h"
#include "store/pb-audit.h"
#include "store/pb-permissions.h"
#include "util/pb-clock.h"

/*
 * activity: the floor's figures for a period, counted from the audit log —
 * the site's copy of every bench's chain at a bench in a site, this
 * store's own on a solo bench (which reports itself by its host name).
 */

static char *
iso_or_null (gint64 time)
{
  g_autoptr (GDateTime) when = time > 0 ? g_date_time_new_from_unix_utc (time) : NULL;

  return when != NULL ? g_date_time_format (when, "%Y-%m-%dT%H:%M:%SZ") : NULL;
}

static void
add_time (JsonBuilder *builder, const char *name, gint64 time)
{
  g_autofree char *text = iso_or_null (time);

  json_builder_set_member_name (builder, name);
  if (text != NULL)
    json_builder_add_string_value (builder, text);
  else
    json_builder_add_null_value (builder);
}

static void
print_json (PbActivitySummary *summary, guint late_orders, gint64 since, gint64 until)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  add_time (builder, "from", since);
  add_time (builder, "to", until);
  json_builder_set_member_name (builder, "operators");
  json_builder_begin_array (builder);
  for (guint i = 0; i < summary->operators->len; i++)
    {
      PbActivityOperatorSummary *op = g_ptr_array_index (summary->operators, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "username");
      json_builder_add_string_value (builder, op->operator_name);
      json_builder_set_member_name (builder, "labels");
      json_builder_add_int_value (builder, op->labels);
      json_builder_set_member_name (builder, "mis_scans");
      json_builder_add_int_value (builder, op->mis_scans);
      json_builder_set_member_name (builder, "median_scan_to_print_s");
      if (op->timed > 0)
        json_builder_add_double_value (builder, op->median_scan_to_print);
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "benches");
  json_builder_begin_array (builder);
  for (guint i = 0; i < summary->benches->len; i++)
    {
      PbActivityBenchSummary *bench = g_ptr_array_index (summary->benches, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "bench");
      json_builder_add_string_value (builder, bench->bench);
      json_builder_set_member_name (builder, "labels");
      json_builder_add_int_value (builder, bench->labels);
      add_time (builder, "last_seen", bench->last_seen);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  /* Beside the contract's members: the site's (or this bench's) orders late
   * now, and the claims freed or taken over from benches gone quiet. */
  json_builder_set_member_name (builder, "late_orders");
  json_builder_add_int_value (builder, late_orders);
  json_builder_set_member_name (builder, "claims_taken_over");
  json_builder_add_int_value (builder, summary->claims_taken_over);
  json_builder_end_object (builder);
  pb_cli_print_json (builder);
}

static void
print_text (PbActivitySummary *summary, guint late_orders)
{
  printf ("%-16s %7s %10s %22s\n", _ ("Operator"), _ ("Labels"), _ ("Mis-scans"),
          _ ("Median scan-to-print"));
  for (guint i = 0; i < summary->operators->len; i++)
    {
      PbActivityOperatorSummary *op = g_ptr_array_index (summary->operators, i);
      g_autofree char *median
          = op->timed > 0 ? g_strdup_printf ("%.0f s", op->median_scan_to_print) : g_strdup ("—");

      printf ("%-16s %7u %10u %22s\n", op->operator_name, op->labels, op->mis_scans, median);
    }
  printf ("\n%-16s %7s  %s\n", _ ("Bench"), _ ("Labels"), _ ("Last seen"));
  for (guint i = 0; i < summary->benches->len; i++)
    {
      PbActivityBenchSummary *bench = g_ptr_array_index (summary->benches, i);
      g_autofree char *seen
          = bench->last_seen > 0 ? pb_cli_format_time (bench->last_seen) : g_strdup ("—");

      printf ("%-16s %7u  %s\n", bench->bench, bench->labels, seen);
    }
  printf ("\n");
  printf (_ ("Late orders now: %u\n"), late_orders);
  printf (_ ("Claims taken over from benches gone quiet: %u\n"), summary->claims_taken_over);
}

/* At a bench in a site: every bench's rows, and every bench the site has
 * (those with no labels in the period too), with when each was last heard
 * from. */
static PbActivitySummary *
site_summary (PbSite *site, const PbAuditFilter *filter, const char *bench, GError **error)
{
  g_autoptr (GPtrArray) entries = pb_site_list_audit (site, filter, bench, error);
  g_autoptr (GPtrArray) benches = NULL;
  g_autoptr (PbActivitySummary) summary = NULL;

  if (entries == NULL)
    return NULL;
  benches = pb_site_list_benches (site, error);
  if (benches == NULL)
    return NULL;
  summary = pb_activity_summarise (entries, NULL);
  for (guint i = 0; i < benches->len; i++)
    {
      PbSiteBenchInfo *info = g_ptr_array_index (benches, i);

      if (bench != NULL && !g_str_equal (info->name, bench))
        continue;
      /* A bench removed for good shows only where it did some work. */
      if (info->removed_at != 0)
        {
          for (guint j = 0; j < summary->benches->len; j++)
            if (g_str_equal (
                    ((PbActivityBenchSummary *)g_ptr_array_index (summary->benches, j))->bench,
                    info->name))
              pb_activity_summary_bench (summary, info->name)->last_seen = info->last_seen;
          continue;
        }
      pb_activity_summary_bench (summary, info->name)->last_seen = info->last_seen;
    }
  return g_steal_pointer (&summary);
}

static PbActivitySummary *
solo_summary (PbStore *store, const PbAuditFilter *filter, GError **error)
{
  static const PbAuditFilter newest = { .limit = 1 };
  g_autoptr (GPtrArray) entries = pb_audit_list (store, filter, error);
  g_autoptr (GPtrArray) last = NULL;
  g_autoptr (PbActivitySummary) summary = NULL;
  const char *name = g_get_host_name ();

  if (entries == NULL)
    return NULL;
  last = pb_audit_list (store, &newest, error);
  if (last == NULL)
    return NULL;
  summary = pb_activity_summarise (entries, name);
  pb_activity_summary_bench (summary, name)->last_seen
      = last->len > 0 ? ((PbAuditEntry *)g_ptr_array_index (last, 0))->time : 0;
  return g_steal_pointer (&summary);
}

int
pb_cli_cmd_activity (PbCliContext *ctx, int argc, char **argv)
{
  static const char *synopsis
      = "activity [--from DATE] [--to DATE] [--bench NAME] [--json] --user NAME";
  g_autofree char *user = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *bench = NULL;
  g_autofree char *dir = NULL;
  g_autoptr (PbSession) session = NULL;
  g_autoptr (PbActivitySummary) summary = NULL;
  g_autoptr (GError) error = NULL;
  PbAuditFilter filter = { 0 };
  gboolean json = FALSE;
  guint late_orders = 0;
  int exit_code;
  PbSite *site;
  GOptionEntry entries[] = {
    { "user", 0, 0, G_OPTION_ARG_STRING, &user, N_ ("Who you are"), N_ ("NAME") },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from,
      N_ ("From this day or time (ISO 8601; today when not given)"), N_ ("DATE") },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to,
      N_ ("Up to this day or time (ISO 8601; a bare date includes that whole day)"), N_ ("DATE") },
    { "bench", 0, 0, G_OPTION_ARG_STRING, &bench, N_ ("In a site: only this bench"), N_ ("NAME") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_ ("Print JSON"), NULL },
    { NULL },
  };

  if (!pb_cli_parse_described (
          entries, synopsis,
          _ ("Counted from the audit log: at a bench in a site, every bench’s. Times are UTC."),
          &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 1)
    return pb_cli_usage (synopsis, NULL);
  if ((from != NULL && !pb_cli_parse_since (from, &filter.since))
      || (to != NULL && !pb_cli_parse_until (to, &filter.until)))
    return pb_cli_usage (synopsis, _ ("--from and --to need a date or time in ISO 8601, such as "
                                      "2026-11-29 or 2026-11-29T08:00:00Z."));
  if (from == NULL)
    {
      gint64 now = pb_clock_now_unix ();

      filter.since = now - now % (24 * 3600);
    }
  if (filter.until != 0 && filter.until < filter.since)
    return pb_cli_usage (synopsis, _ ("--to is before --from."));
  dir = pb_cli_store_dir (ctx);
  if (bench != NULL && !pb_site_config_exists (dir))
    return pb_cli_usage (synopsis, _ ("--bench is for a bench in a site."));

  session = pb_cli_login (ctx, user, &exit_code);
  if (session == NULL)
    return exit_code;
  if (!pb_session_require (session, PB_ACTION_VIEW_ACTIVITY, NULL, &error))
    return pb_cli_fail (error);

  site = pb_cli_site_with_audit (ctx, session);
  if (site != NULL)
    {
      summary = site_summary (site, &filter, bench, &error);
      if (summary != NULL
          && !pb_site_count_late_orders (site, pb_clock_now_unix (), &late_orders, &error))
        g_clear_pointer (&summary, pb_activity_summary_free);
    }
  else if (pb_site_config_exists (dir))
    {
      fprintf (stderr, "%s\n",
               _ ("The site database cannot be reached: the site’s activity cannot be counted "
                  "now."));
      return PB_EXIT_FAILED;
    }
  else
    {
      summary = solo_summary (pb_session_get_store (session), &filter, &error);
      if (summary != NULL
          && !pb_activity_count_late (pb_session_get_store (session), pb_clock_now_unix (),
                                      &late_orders, &error))
        g_clear_pointer (&summary, pb_activity_summary_free);
    }
  if (summary == NULL)
    return pb_cli_fail (error);

  if (json)
    print_json (summary, late_orders, filter.since,
                filter.until ? filter.until : pb_clock_now_unix ());
  else
    print_text (summary, late_orders);
  return PB_EXIT_OK;
}
