/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The environment variables that only tests may use to steer the program:
 * a clock moved forward, a crash on purpose, another demo launcher. They
 * are read here and nowhere else, and only in a build configured with
 * -Dtest_hooks=true (tools/test.sh does). A release build (the default, and
 * the flatpak) compiles the reads out: it contains not even the names, and
 * pb_test_hook_get() always returns NULL there (docs/SECURITY.md, "Test
 * hooks in the shipped program").
 */
typedef enum
{
  PB_TEST_HOOK_NOW,           /* PACKBENCH_NOW: a later time, ISO 8601 */
  PB_TEST_HOOK_FAULT,         /* PACKBENCH_FAULT: a crash point's name */
  PB_TEST_HOOK_DEMO_LAUNCHER, /* PACKBENCH_DEMO_LAUNCHER: another launcher */
  PB_N_TEST_HOOKS,
} PbTestHook;

gboolean pb_test_hooks_enabled (void);
const char *pb_test_hook_get (PbTestHook hook);

G_END_DECLS
