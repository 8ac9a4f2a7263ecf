/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "pb-application.h"
#include "pb-login-page.h"
#include "pb-sounds.h"
#include "pb-ui-test.h"
#include "pb-window.h"

static void
test_window_draws_and_finalizes (void)
{
  PbWindow *window;
  GtkWidget *header_bar;
  GdkTexture *texture;
  gpointer weak_window;
  gpointer weak_header;

  g_autoptr (GError) error = NULL;
  g_autofree char *root = g_dir_make_tmp ("pb-window-XXXXXX", &error);
  g_autofree char *dir = NULL;

  g_assert_no_error (error);
  dir = g_build_filename (root, "store", NULL);
  window = g_object_new (PB_TYPE_WINDOW, "store-dir", dir, NULL);
  g_assert_nonnull (window);
  /* No store in the folder: the page says how IT creates one. */
  g_assert_cmpstr (pb_login_page_get_stage_name (PB_LOGIN_PAGE (pb_window_get_login_page (window))),
                   ==, "no-store");

  header_bar = gtk_widget_get_first_child (GTK_WIDGET (window));
  g_assert_nonnull (header_bar);

  gtk_window_present (GTK_WINDOW (window));
  pb_ui_test_wait_until_mapped (GTK_WIDGET (window));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (window)));

  texture = pb_ui_test_snapshot (GTK_WIDGET (window), "window-empty.png");
  g_assert_nonnull (texture);
  g_assert_cmpint (gdk_texture_get_width (texture), >=, 600);
  /* A drawn window has a header bar, text and an icon: many colours. */
  g_assert_cmpuint (pb_ui_test_count_colours (texture, 64), >=, 8);
  g_object_unref (texture);

  weak_window = window;
  weak_header = header_bar;
  g_object_add_weak_pointer (G_OBJECT (window), &weak_window);
  g_object_add_weak_pointer (G_OBJECT (header_bar), &weak_header);

  gtk_window_destroy (GTK_WINDOW (window));
  PB_UI_TEST_WAIT_UNTIL (weak_window == NULL && weak_header == NULL);

  g_assert_null (weak_header);
  g_assert_null (weak_window);
  g_rmdir (root);
}

static gboolean
wake_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Every kind of feedback has its own sound file, a real WAV, and none
 * sounds like another; with sounds off nothing plays. */
static void
test_sounds (void)
{
  static const char *const kinds[] = { "opened",     "verified", "complete", "printed",
                                       "wrong-item", "refused",  "error",    "cancelled" };
  g_autoptr (PbSounds) sounds = pb_sounds_new ();
  g_autoptr (GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autoptr (GHashTable) seen
      = g_hash_table_new_full (g_bytes_hash, g_bytes_equal, (GDestroyNotify)g_bytes_unref, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autofree char *file = pb_sounds_get_file (sounds, kinds[i]);
      g_autofree char *data = NULL;
      gsize length = 0;
      g_autoptr (GError) error = NULL;

      g_assert_nonnull (file);
      g_file_get_contents (file, &data, &length, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (length, >, 44 + 1000);
      g_assert_cmpmem (data, 4, "RIFF", 4);
      g_assert_cmpmem (data + 8, 4, "WAVE", 4);
      g_assert_true (g_hash_table_add (seen, g_bytes_new (data, length)));
    }
  g_assert_null (pb_sounds_get_file (sounds, "no-such-sound"));

  g_settings_set_boolean (settings, "sounds-enabled", TRUE);
  g_assert_true (pb_sounds_play (sounds, "wrong-item"));
  g_assert_cmpstr (pb_sounds_get_last_played (sounds), ==, "wrong-item");
  g_assert_false (pb_sounds_play (sounds, "no-such-sound"));

  g_settings_set_boolean (settings, "sounds-enabled", FALSE);
  g_assert_false (pb_sounds_play (sounds, "printed"));
  g_assert_cmpstr (pb_sounds_get_last_played (sounds), ==, "wrong-item");
  g_assert_cmpuint (pb_sounds_get_n_played (sounds), ==, 1);
  g_settings_reset (settings, "sounds-enabled");

  /* It really plays: GTK's GStreamer media backend runs the WAV to its
   * end (into GStreamer's stand-in sink on a machine without sound). */
  {
    gint64 deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;
    guint wake = g_timeout_add_seconds (1, wake_cb, NULL); /* timing-ok: re-checks the deadline */

    while (pb_sounds_get_n_ended (sounds) < 1 && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
    g_source_remove (wake);
    g_assert_cmpuint (pb_sounds_get_n_ended (sounds), ==, 1);
  }
}

/* The shortcuts window builds and lists the bench's shortcuts. */
static void
test_help_overlay (void)
{
  g_autoptr (GtkBuilder) builder
      = gtk_builder_new_from_resource (RESOURCE_PREFIX "/gtk/help-overlay.ui");
  GObject *overlay = gtk_builder_get_object (builder, "help_overlay");

  g_assert_true (GTK_IS_SHORTCUTS_WINDOW (overlay));
  gtk_window_destroy (GTK_WINDOW (overlay));
}

static void
test_application_type (void)
{
  g_autoptr (PbApplication) app = pb_application_new ();

  g_assert_true (g_str_has_prefix (g_application_get_application_id (G_APPLICATION (app)),
                                   "io.github.packbench.Packbench"));
  g_assert_null (pb_application_get_store_dir (app));
}

int
main (int argc, char **argv)
{
  if (!pb_ui_test_init (&argc, &argv))
    return 0; /* the TAP plan above says SKIP */

  g_test_add_func ("/window/draws-and-finalizes", test_window_draws_and_finalizes);
  g_test_add_func ("/window/application", test_application_type);
  g_test_add_func ("/window/sounds", test_sounds);
  g_test_add_func ("/window/help-overlay", test_help_overlay);

  return g_test_run ();
}
