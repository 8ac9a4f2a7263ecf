/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Crash points for tests: in a test build (-Dtest_hooks=true), when the
 * environment variable PACKBENCH_FAULT names @point, the process ends at
 * once with exit status 99, as if the power had gone: no cleanup, no
 * checkpoint, no atexit handlers. Tests use it to prove that every step
 * is persisted before the next one starts.
 * A release build ignores the variable (pb-test-hooks.h).
 */
void pb_fault_point (const char *point);

G_END_DECLS
