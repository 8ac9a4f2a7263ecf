/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "pb-application.h"
#include "util/pb-process.h"

int
main (int argc, char **argv)
{
  g_autoptr (PbApplication) app = NULL;
  /* Run from its build folder, the program shows the catalogues that build
   * made (build/po), as it plays the build's sounds and runs the source
   * tree's demo; installed, the installed ones. */
  const char *localedir = pb_process_runs_from (PB_BUILD_ROOT) ? PB_BUILD_LOCALEDIR : LOCALEDIR;

  pb_process_forbid_dumps ();
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_ ("Packbench"));

  app = pb_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
