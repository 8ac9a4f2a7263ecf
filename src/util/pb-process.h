/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Keeps this process's memory (the master key, decrypted pages, addresses)
 * out of core files and crash collectors, and away from debuggers run by
 * the same user: PR_SET_DUMPABLE 0 and RLIMIT_CORE 0. Called first thing in
 * main() of both programs. Returns FALSE if the kernel refused either. */
gboolean pb_process_forbid_dumps (void);

/* Whether this program's own file (/proc/self/exe) lies inside @folder:
 * a program run from its build folder uses that build's catalogues and
 * demo, an installed one the installed ones. */
gboolean pb_process_runs_from (const char *folder);

G_END_DECLS
