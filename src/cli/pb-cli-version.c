/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <curl/curl.h>
#include <glib/gi18n-lib.h>
#include <gmodule.h>
#include <openssl/crypto.h>
#include <stdio.h>

#include "pb-cli-commands.h"
#include "store/pb-store.h"
#include "util/pb-version.h"

/* LeakSanitizer (the test suite's ASan build) would report what the GUI
 * libraries' own constructors allocate once, for good, when loaded. */
#if defined(__SANITIZE_ADDRESS__)
#define PB_WITH_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PB_WITH_LSAN 1
#endif
#endif
#ifdef PB_WITH_LSAN
#include <sanitizer/lsan_interface.h>
#endif

typedef guint (*VersionFunc) (void);

/* The version of the GUI library that the program would load here (the
 * same soname the app links), asked of the library itself: packbenchctl
 * does not link GTK, and the library in use may be newer than the one
 * Packbench was built with (a flatpak runtime's updates). */
static char *
loaded_version (const char *soname, const char *prefix)
{
  GModule *module = NULL;
  g_autofree char *major_name = g_strconcat (prefix, "_get_major_version", NULL);
  g_autofree char *minor_name = g_strconcat (prefix, "_get_minor_version", NULL);
  g_autofree char *micro_name = g_strconcat (prefix, "_get_micro_version", NULL);
  gpointer major = NULL, minor = NULL, micro = NULL;
  char *version = NULL;

#ifdef PB_WITH_LSAN
  __lsan_disable ();
#endif
  module = g_module_open (soname, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);
#ifdef PB_WITH_LSAN
  __lsan_enable ();
#endif
  if (module == NULL)
    return NULL;
  if (g_module_symbol (module, major_name, &major) && g_module_symbol (module, minor_name, &minor)
      && g_module_symbol (module, micro_name, &micro))
    version = g_strdup_printf ("%u.%u.%u", ((VersionFunc)major) (), ((VersionFunc)minor) (),
                               ((VersionFunc)micro) ());
  g_module_close (module);
  return version;
}

static void
print_line (const char *name, const char *version)
{
  printf ("%-10s %s\n", name, version != NULL ? version : _ ("not found"));
}

int
pb_cli_cmd_version (PbCliContext *ctx, int argc, char **argv)
{
  g_autofree char *cipher = NULL;
  g_autofree char *sqlite = NULL;
  g_autofree char *gtk = NULL;
  g_autofree char *adw = NULL;
  const curl_version_info_data *curl = curl_version_info (CURLVERSION_NOW);
  gboolean verbose = FALSE;

  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--verbose") || g_str_equal (argv[i], "-v"))
        verbose = TRUE;
      else
        {
          fprintf (stderr, _ ("Unknown option “%s”. Try “packbenchctl --help”.\n"), argv[i]);
          return PB_EXIT_USAGE;
        }
    }

  printf ("packbenchctl %s\n", pb_version_string ());
  if (!verbose)
    return PB_EXIT_OK;

  pb_store_get_library_versions (&cipher, &sqlite);
  gtk = loaded_version ("libgtk-4.so.1", "gtk");
  adw = loaded_version ("libadwaita-1.so.0", "adw");
  print_line ("SQLCipher", cipher);
  print_line ("SQLite", sqlite);
  print_line ("OpenSSL", OpenSSL_version (OPENSSL_VERSION_STRING));
  print_line ("libcurl", curl != NULL ? curl->version : NULL);
  print_line ("GTK", gtk);
  print_line ("libadwaita", adw);
  return PB_EXIT_OK;
}
