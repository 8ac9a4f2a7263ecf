/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <unistd.h>

#include "pb-fault.h"
#include "pb-test-hooks.h"

#define PB_FAULT_EXIT_STATUS 99

void
pb_fault_point (const char *point)
{
  const char *wanted = pb_test_hook_get (PB_TEST_HOOK_FAULT);

  if (wanted != NULL && g_strcmp0 (wanted, point) == 0)
    _exit (PB_FAULT_EXIT_STATUS);
}
