/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "pb-process.h"

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
