/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "pb-test-hooks.h"

/* The test build also links a release variant of this file (for the test
 * that proves a release build ignores the hooks: packbenchctl-release). */
#ifdef PB_TEST_HOOKS_RELEASE_VARIANT
#undef PB_TEST_HOOKS
#define PB_TEST_HOOKS 0
#endif

#if PB_TEST_HOOKS
static const char *const hook_names[PB_N_TEST_HOOKS] = {
  [PB_TEST_HOOK_NOW] = "PACKBENCH_NOW",
  [PB_TEST_HOOK_FAULT] = "PACKBENCH_FAULT",
  [PB_TEST_HOOK_DEMO_LAUNCHER] = "PACKBENCH_DEMO_LAUNCHER",
};
#endif

/**
 * pb_test_hooks_enabled:
 *
 * Returns: whether this program was built with -Dtest_hooks=true.
 */
gboolean
pb_test_hooks_enabled (void)
{
  return PB_TEST_HOOKS ? TRUE : FALSE;
}

/**
 * pb_test_hook_get:
 * @hook: which hook
 *
 * Returns: (nullable): the hook's value from the environment in a test
 *   build; %NULL when it is unset or empty, and always in a release build.
 */
const char *
pb_test_hook_get (PbTestHook hook)
{
  g_return_val_if_fail ((guint)hook < PB_N_TEST_HOOKS, NULL);

#if PB_TEST_HOOKS
  {
    const char *value = g_getenv (hook_names[hook]);

    return value != NULL && *value != '\0' ? value : NULL;
  }
#else
  return NULL;
#endif
}
