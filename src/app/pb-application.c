/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pb-application.h"
#include "pb-window.h"
#include "util/pb-process.h"
#include "util/pb-test-hooks.h"
#include "util/pb-version.h"

struct _PbApplication
{
  AdwApplication parent_instance;

  char *store_dir;
};

G_DEFINE_FINAL_TYPE (PbApplication, pb_application, ADW_TYPE_APPLICATION)

/* Replaces this process by the demo launcher (data/demo/packbench-demo.py),
 * which starts the local servers and a throwaway store and then runs
 * `packbench --store DIR` itself. Returns an exit status only when it could
 * not: the launcher missing, or Python. */
static int
run_demo (void)
{
  g_autofree char *self_path = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *self_dir = NULL;
  g_autofree char *ctl = NULL;
  g_autofree char *python = NULL;
  /* Tests only (-Dtest_hooks=true): another launcher. */
  const char *launcher = pb_test_hook_get (PB_TEST_HOOK_DEMO_LAUNCHER);
  const char *argv[8];
  int saved_errno;

  if (g_getenv ("PACKBENCH_DEMO_RUNNING") != NULL)
    {
      g_printerr ("%s\n", _ ("The demo is already running; it cannot start another demo."));
      return 1;
    }
  if (self_path == NULL)
    {
      g_printerr ("%s\n", _ ("The demo cannot start: this program cannot find where it is "
                             "installed (/proc is not mounted)."));
      return 1;
    }

  self_dir = g_path_get_dirname (self_path);
  if (pb_process_runs_from (PB_BUILD_ROOT))
    {
      /* Run from the build folder: the source tree's launcher and the
       * packbenchctl built beside this program. */
      if (launcher == NULL)
        launcher = PB_SOURCE_DEMO_LAUNCHER;
      ctl = g_build_filename (PB_BUILD_ROOT, "src", "cli", "packbenchctl", NULL);
    }
  else
    {
      if (launcher == NULL)
        launcher = PB_DEMO_LAUNCHER;
      ctl = g_build_filename (self_dir, "packbenchctl", NULL);
    }

  if (!g_file_test (launcher, G_FILE_TEST_IS_REGULAR))
    {
      /* TRANSLATORS: %s is a file name */
      g_printerr (_ ("The demo is not installed here: %s is missing. Run the demo from a source "
                     "checkout with ./tools/run.sh.\n"),
                  launcher);
      return 1;
    }

  if (g_file_test ("/usr/bin/python3", G_FILE_TEST_IS_EXECUTABLE))
    python = g_strdup ("/usr/bin/python3");
  else
    python = g_find_program_in_path ("python3");
  if (python == NULL)
    {
      g_printerr ("%s\n", _ ("The demo needs Python 3 (the python3 package), which is not "
                             "installed."));
      return 1;
    }

  argv[0] = python;
  argv[1] = launcher;
  argv[2] = "--packbench";
  argv[3] = self_path;
  argv[4] = "--packbenchctl";
  argv[5] = ctl;
  argv[6] = NULL;
  execv (python, (char *const *)argv);

  saved_errno = errno;
  /* TRANSLATORS: the first %s is a program, the second why it failed */
  g_printerr (_ ("The demo cannot start: %s: %s\n"), python, g_strerror (saved_errno));
  return 1;
}

/* GSettings aborts the process (SIGTRAP) when a schema is missing: say in
 * words what is missing and how to start Packbench from a build folder. */
static gboolean
check_settings_schema (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APPLICATION_ID, TRUE);
  if (schema != NULL)
    return TRUE;

  g_printerr (_ ("Packbench cannot start: its settings schema “%s” is not installed.\n"
                 "Install Packbench (meson install), or start it from the source folder with "
                 "tools/run.sh (add --store DIR for your own store), or inside "
                 "“meson devenv -C build”, which point GSETTINGS_SCHEMA_DIR at the build "
                 "folder’s compiled schema.\n"),
              APPLICATION_ID);
  return FALSE;
}

static int
pb_application_handle_local_options (GApplication *app, GVariantDict *options)
{
  PbApplication *self = PB_APPLICATION (app);
  const char *store_dir = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("packbench %s\n", pb_version_string ());
      return 0;
    }

  if (!check_settings_schema ())
    return 1;

  if (g_variant_dict_contains (options, "demo"))
    {
      if (g_variant_dict_contains (options, "store"))
        {
          g_printerr ("%s\n", _ ("--demo makes its own throwaway store: leave out --store."));
          return 2;
        }
      return run_demo ();
    }

  if (g_variant_dict_lookup (options, "store", "^&ay", &store_dir))
    {
      g_free (self->store_dir);
      self->store_dir = g_strdup (store_dir);
    }

  return -1;
}

static void
pb_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (pb_window_new (PB_APPLICATION (app)));

  gtk_window_present (window);
}

static void
pb_application_startup (GApplication *app)
{
  G_APPLICATION_CLASS (pb_application_parent_class)->startup (app);

  gtk_window_set_default_icon_name (pb_application_id ());
}

static void
pb_application_shutdown (GApplication *app)
{
  g_autoptr (GList) windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (app)));

  /* Each window frees its session: the store closes and its key is wiped. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_destroy (GTK_WINDOW (l->data));

  G_APPLICATION_CLASS (pb_application_parent_class)->shutdown (app);
}

static void
on_about_activate_cb (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  static const char *developers[] = { "The Packbench developers", NULL };

  adw_show_about_window (
      gtk_application_get_active_window (app), "application-name", _ ("Packbench"),
      "application-icon", pb_application_id (), "developer-name", _ ("The Packbench developers"),
      "version", pb_version_string (), "developers", developers, "license-type",
      GTK_LICENSE_GPL_3_0, "comments",
      _ ("A shipping station for UK sellers who fulfil their own Amazon orders with Royal Mail."),
      NULL);
}

static void
on_quit_activate_cb (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static const GActionEntry app_actions[] = {
  { .name = "about", .activate = on_about_activate_cb },
  { .name = "quit", .activate = on_quit_activate_cb },
};

static void
pb_application_finalize (GObject *object)
{
  PbApplication *self = PB_APPLICATION (object);

  g_clear_pointer (&self->store_dir, g_free);

  G_OBJECT_CLASS (pb_application_parent_class)->finalize (object);
}

static void
pb_application_class_init (PbApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = pb_application_finalize;
  app_class->activate = pb_application_activate;
  app_class->startup = pb_application_startup;
  app_class->shutdown = pb_application_shutdown;
  app_class->handle_local_options = pb_application_handle_local_options;
}

static void
pb_application_init (PbApplication *self)
{
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const GOptionEntry entries[]
      = { { "store", 0, 0, G_OPTION_ARG_FILENAME, NULL,
            N_ ("Use the store in DIR instead of the default folder"), N_ ("DIR") },
          { "demo", 0, 0, G_OPTION_ARG_NONE, NULL,
            N_ ("Try Packbench with local Amazon and Royal Mail servers, a throwaway store and "
                "labels saved as PDF files"),
            NULL },
          { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_ ("Print the version and exit"), NULL },
          { NULL } };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions),
                                   self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
}

/**
 * pb_application_new:
 *
 * Returns: (transfer full): the Packbench application.
 */
PbApplication *
pb_application_new (void)
{
  return g_object_new (PB_TYPE_APPLICATION, "application-id", pb_application_id (),
                       "resource-base-path", RESOURCE_PREFIX, "flags", G_APPLICATION_NON_UNIQUE,
                       NULL);
}

/**
 * pb_application_get_store_dir:
 * @self: the application
 *
 * Returns: (nullable): the store folder given with `--store`, or %NULL for
 * the default.
 */
const char *
pb_application_get_store_dir (PbApplication *self)
{
  g_return_val_if_fail (PB_IS_APPLICATION (self), NULL);

  return self->store_dir;
}
