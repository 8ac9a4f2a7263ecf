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
  /* Only for tests: the catalogues a build made (build/po), not the installed ones. */
  const char *localedir = g_getenv ("PACKBENCH_LOCALEDIR");

  pb_process_forbid_dumps ();
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL && *localedir != '\0' ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_ ("Packbench"));

  app = pb_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
