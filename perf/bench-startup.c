/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Cold start: exec of `packbench --store DIR` (a store that exists, so the
 * login window opens) to its window mapped on the X server, watched from
 * outside the process (SubstructureNotify on the root window). GTK maps a
 * window once its first frame is laid out and paints it in that frame. Alternates, run by run, with
 * a baseline: this program re-executed as a bare GTK 4 + libadwaita window
 * (`--baseline`), so that the toolkit's own start-up cost is measured in
 * the same conditions. Run it under Xvfb with no window manager. Prints one
 * JSON line. */
#include "config.h"

#include <X11/Xlib.h>
#include <adwaita.h>
#include <glib/gstdio.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>

#include "store/pb-session.h"

#define PASSWORD "Correct-Horse-42!"

static int
run_baseline (void)
{
  GtkWindow *window;

  adw_init ();
  window = GTK_WINDOW (adw_window_new ());
  gtk_window_set_title (window, "Baseline");
  gtk_window_set_default_size (window, 1100, 720);
  adw_window_set_content (ADW_WINDOW (window), gtk_label_new ("Baseline"));
  gtk_window_present (window);
  while (TRUE)
    g_main_context_iteration (NULL, TRUE);
  return 0;
}

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return (x > y) - (x < y);
}

static double
percentile (GArray *values, double p)
{
  guint rank;

  g_array_sort (values, compare_doubles);
  rank = (guint)MAX (1.0, p / 100.0 * values->len + 0.999999);
  return g_array_index (values, double, MIN (rank, values->len) - 1);
}

/* Starts @argv and waits for its first top-level window to be mapped.
 * Time in ms from just before the fork. */
static gboolean
time_one (Display *display, char **argv, double *mapped_ms)
{
  g_autoptr (GError) error = NULL;
  GPid pid;
  gint64 start, deadline;
  gboolean mapped = FALSE;

  XSync (display, True);
  start = g_get_monotonic_time ();
  if (!g_spawn_async (NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDERR_TO_DEV_NULL,
                      NULL, NULL, &pid, &error))
    g_error ("%s", error->message);
  deadline = start + 30 * G_TIME_SPAN_SECOND;
  while (!mapped && g_get_monotonic_time () < deadline)
    {
      XEvent event;
      struct pollfd fd = { ConnectionNumber (display), POLLIN, 0 };

      if (XPending (display) == 0)
        {
          poll (&fd, 1, 100);
          continue;
        }
      XNextEvent (display, &event);
      if (event.type == MapNotify && !event.xmap.override_redirect)
        {
          *mapped_ms = (g_get_monotonic_time () - start) / 1e3;
          mapped = TRUE;
        }
    }
  kill (pid, SIGTERM);
  waitpid (pid, NULL, 0);
  g_spawn_close_pid (pid);
  XSync (display, True);
  return mapped;
}

static void
remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) app_mapped = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) base_mapped = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *root = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *self = NULL;
  Display *display;
  guint runs;

  if (argc > 1 && g_str_equal (argv[1], "--baseline"))
    {
      gtk_init ();
      return run_baseline ();
    }
  if (argc < 2)
    {
      g_printerr ("usage: bench-startup PATH-TO-PACKBENCH [RUNS]\n");
      return 2;
    }
  runs = argc > 2 ? (guint)g_ascii_strtoull (argv[2], NULL, 10) : 10;

  display = XOpenDisplay (NULL);
  if (display == NULL)
    {
      g_printerr ("bench-startup: no display; run it under xvfb-run\n");
      return 77;
    }
  XSelectInput (display, DefaultRootWindow (display), SubstructureNotifyMask);

  /* A store that exists: the app opens on the login window. */
  root = g_dir_make_tmp ("pb-bench-startup-XXXXXX", &error);
  g_assert_no_error (error);
  dir = g_build_filename (root, "store", NULL);
  {
    g_autofree char *recovery = NULL, *uri = NULL;
    g_autoptr (PbSession) session
        = pb_session_init_store (dir, "admin", "Ada Admin", PASSWORD, &recovery, &uri, &error);

    g_assert_no_error (error);
  }
  self = g_file_read_link ("/proc/self/exe", NULL);

  for (guint i = 0; i <= runs; i++)
    {
      char *app_argv[] = { argv[1], (char *)"--store", dir, NULL };
      char *base_argv[] = { self, (char *)"--baseline", NULL };
      double mapped = 0;

      /* Run 0 warms the page cache and is not counted. */
      if (!time_one (display, app_argv, &mapped))
        g_error ("packbench showed no window in 30 s");
      if (i > 0)
        {
          g_array_append_val (app_mapped, mapped);
        }
      if (!time_one (display, base_argv, &mapped))
        g_error ("the baseline showed no window in 30 s");
      if (i > 0)
        {
          g_array_append_val (base_mapped, mapped);
        }
    }

  g_print ("{\"runs\": %u, \"packbench_p50_ms\": %.1f, \"packbench_p95_ms\": %.1f,"
           " \"packbench_min_ms\": %.1f, \"baseline_p50_ms\": %.1f, \"baseline_p95_ms\": %.1f,"
           " \"baseline_min_ms\": %.1f, \"ratio_p50\": %.2f}\n",
           runs, percentile (app_mapped, 50), percentile (app_mapped, 95),
           percentile (app_mapped, 0), percentile (base_mapped, 50), percentile (base_mapped, 95),
           percentile (base_mapped, 0), percentile (app_mapped, 50) / percentile (base_mapped, 50));

  XCloseDisplay (display);
  remove_tree (root);
  return 0;
}
