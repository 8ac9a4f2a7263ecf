/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "pb-clock.h"
#include "pb-test-hooks.h"

/*
 * The program's one clock. In a test build (-Dtest_hooks=true) tests may
 * move it forward with the environment variable PACKBENCH_NOW (ISO 8601),
 * but never backward: a time earlier than the real clock is ignored, so
 * nobody can postpone a purge with it. A release build has only the real
 * clock (pb-test-hooks.h).
 */

static gint64
read_override (void)
{
  const char *text = pb_test_hook_get (PB_TEST_HOOK_NOW);
  g_autoptr (GTimeZone) utc = NULL;
  g_autoptr (GDateTime) when = NULL;

  if (text == NULL)
    return 0;

  utc = g_time_zone_new_utc ();
  when = g_date_time_new_from_iso8601 (text, utc);
  if (when == NULL)
    return 0;

  return g_date_time_to_unix (when);
}

/**
 * pb_clock_now_unix:
 *
 * Returns: the current time in seconds since the epoch, UTC.
 */
gint64
pb_clock_now_unix (void)
{
  gint64 real = g_get_real_time () / G_USEC_PER_SEC;
  gint64 override = read_override ();

  return MAX (real, override);
}

/**
 * pb_clock_now:
 *
 * Returns: (transfer full): the current time as a UTC #GDateTime.
 */
GDateTime *
pb_clock_now (void)
{
  return g_date_time_new_from_unix_utc (pb_clock_now_unix ());
}

/**
 * pb_clock_format_iso8601:
 * @unix_seconds: a time
 *
 * Returns: (transfer full): the time as `YYYY-MM-DDTHH:MM:SSZ`.
 */
char *
pb_clock_format_iso8601 (gint64 unix_seconds)
{
  g_autoptr (GDateTime) when = g_date_time_new_from_unix_utc (unix_seconds);

  if (when == NULL)
    return NULL;
  return g_date_time_format (when, "%Y-%m-%dT%H:%M:%SZ");
}
