/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "util/pb-clock.h"
#include "util/pb-test-hooks.h"

static void
test_clock_real (void)
{
  gint64 before = g_get_real_time () / G_USEC_PER_SEC;
  gint64 now;

  g_unsetenv ("PACKBENCH_NOW");
  now = pb_clock_now_unix ();
  g_assert_cmpint (now, >=, before);
  g_assert_cmpint (now, <=, before + 5);
}

#if PB_TEST_HOOKS
static void
test_clock_forward (void)
{
  g_autofree char *text = NULL;

  g_setenv ("PACKBENCH_NOW", "2099-01-02T03:04:05Z", TRUE);
  text = pb_clock_format_iso8601 (pb_clock_now_unix ());
  g_assert_cmpstr (text, ==, "2099-01-02T03:04:05Z");
  g_unsetenv ("PACKBENCH_NOW");
}
#else
/* A release build (-Dtest_hooks=false) has only the real clock. */
static void
test_clock_forward_ignored (void)
{
  gint64 before = g_get_real_time () / G_USEC_PER_SEC;

  g_assert_false (pb_test_hooks_enabled ());
  g_setenv ("PACKBENCH_NOW", "2099-01-02T03:04:05Z", TRUE);
  g_assert_cmpint (pb_clock_now_unix (), <=, before + 24 * 3600);
  g_assert_null (pb_test_hook_get (PB_TEST_HOOK_NOW));
  g_unsetenv ("PACKBENCH_NOW");
}
#endif

static void
test_clock_never_backward (void)
{
  gint64 before = g_get_real_time () / G_USEC_PER_SEC;

  /* A past time must be ignored: nobody postpones a purge with it. */
  g_setenv ("PACKBENCH_NOW", "2001-01-01T00:00:00Z", TRUE);
  g_assert_cmpint (pb_clock_now_unix (), >=, before);

  /* Garbage is ignored too. */
  g_setenv ("PACKBENCH_NOW", "next tuesday", TRUE);
  g_assert_cmpint (pb_clock_now_unix (), >=, before);
  g_unsetenv ("PACKBENCH_NOW");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/clock/real", test_clock_real);
#if PB_TEST_HOOKS
  g_test_add_func ("/clock/forward", test_clock_forward);
#else
  g_test_add_func ("/clock/forward-ignored", test_clock_forward_ignored);
#endif
  g_test_add_func ("/clock/never-backward", test_clock_never_backward);

  return g_test_run ();
}
