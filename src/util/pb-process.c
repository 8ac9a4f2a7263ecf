/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "pb-process.h"

#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

/**
 * pb_process_forbid_dumps:
 *
 * A process that is not dumpable writes no core file (unless the system
 * runs fs.suid_dumpable = 2, where a root-only crash collector may still
 * get one, which RLIMIT_CORE 0 then asks it to drop), and its /proc files
 * belong to root, so processes of the same user can neither ptrace it nor
 * read /proc/PID/mem. The hard core limit is lowered too, so nothing in
 * the process can raise it again.
 *
 * Returns: %TRUE when both took effect.
 */
gboolean
pb_process_forbid_dumps (void)
{
  struct rlimit none = { 0, 0 };
  gboolean ok = TRUE;

  if (setrlimit (RLIMIT_CORE, &none) != 0)
    ok = FALSE;
  if (prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
    ok = FALSE;

  return ok;
}

/**
 * pb_process_runs_from:
 * @folder: a folder (resolved here, so a symbolic link to it will do)
 *
 * Returns: %TRUE when this program's own file is inside @folder.
 */
gboolean
pb_process_runs_from (const char *folder)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *resolved = realpath (folder, NULL);
  gsize length;

  if (self == NULL || resolved == NULL)
    return FALSE;
  length = strlen (resolved);
  return strncmp (self, resolved, length) == 0 && self[length] == G_DIR_SEPARATOR;
}
