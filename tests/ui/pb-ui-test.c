/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>

#include "pb-ui-test.h"

gboolean
pb_ui_test_init (int *argc, char ***argv)
{
  const char *display = g_getenv ("DISPLAY");
  const char *wayland = g_getenv ("WAYLAND_DISPLAY");

  if ((display == NULL || *display == '\0') && (wayland == NULL || *wayland == '\0'))
    {
      if (g_strcmp0 (g_getenv ("PB_REQUIRE_DISPLAY"), "1") == 0)
        {
          fprintf (stderr, "No display, but PB_REQUIRE_DISPLAY=1: run under xvfb-run.\n");
          exit (1);
        }
      printf ("1..0 # SKIP no display\n");
      return FALSE;
    }

  gtk_test_init (argc, argv, NULL);
  adw_init ();
  /* What GtkApplication's resource-base-path does for the real app. */
  gtk_icon_theme_add_resource_path (gtk_icon_theme_get_for_display (gdk_display_get_default ()),
                                    RESOURCE_PREFIX "/icons");
  return TRUE;
}

void
pb_ui_test_poll (void)
{
  if (!g_main_context_iteration (NULL, FALSE))
    g_usleep (1000); /* polling for a condition, not waiting for time to pass */
}

void
pb_ui_test_drain (void)
{
  /* Bounded: a source that is always ready (an idle that keeps running)
   * must not keep the test here. */
  for (guint i = 0; i < 1000 && g_main_context_iteration (NULL, FALSE); i++)
    ;
}

static gboolean
count_tick_cb (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  guint *left = user_data;

  if (*left > 0)
    (*left)--;
  return *left > 0 ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

void
pb_ui_test_wait_frames (GtkWidget *widget, guint frames)
{
  gint64 end = g_get_monotonic_time () + PB_UI_TEST_DEADLINE;
  guint left = frames;
  guint id;

  g_assert_true (gtk_widget_get_mapped (widget));
  /* A tick callback keeps the frame clock running, one tick per frame. */
  id = gtk_widget_add_tick_callback (widget, count_tick_cb, &left, NULL);
  gtk_widget_queue_draw (widget);
  while (left > 0 && g_get_monotonic_time () < end)
    pb_ui_test_poll ();
  if (left > 0)
    gtk_widget_remove_tick_callback (widget, id);
  g_assert_cmpuint (left, ==, 0);
  pb_ui_test_drain ();
}

void
pb_ui_test_wait_transition (GtkStack *stack)
{
  PB_UI_TEST_WAIT_UNTIL (!gtk_stack_get_transition_running (stack));
  if (gtk_widget_get_mapped (GTK_WIDGET (stack)))
    pb_ui_test_wait_frames (GTK_WIDGET (stack), 2);
}

static gboolean
any_transition_running (GtkWidget *widget)
{
  if (GTK_IS_STACK (widget) && gtk_stack_get_transition_running (GTK_STACK (widget)))
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (any_transition_running (child))
      return TRUE;
  return FALSE;
}

void
pb_ui_test_settle (GtkWidget *widget)
{
  pb_ui_test_drain ();
  PB_UI_TEST_WAIT_UNTIL (!any_transition_running (widget));
  if (gtk_widget_get_mapped (widget))
    pb_ui_test_wait_frames (widget, 2);
}

void
pb_ui_test_wait_until_mapped (GtkWidget *widget)
{
  PB_UI_TEST_WAIT_UNTIL (gtk_widget_get_mapped (widget));
  /* The first frames: size allocation, style, icons. */
  pb_ui_test_wait_frames (widget, 3);
}

/**
 * pb_ui_test_snapshot:
 * @widget: a mapped widget
 * @artifact_name: file name inside $PB_TEST_ARTIFACTS
 *
 * Renders the widget the way it is drawn on screen and saves it as a PNG
 * test artefact.
 *
 * Returns: (transfer full): the rendered texture
 */
GdkTexture *
pb_ui_test_snapshot (GtkWidget *widget, const char *artifact_name)
{
  g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr (GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr (GskRenderNode) node = NULL;
  GskRenderer *renderer;
  GdkTexture *texture;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  const char *dir = g_getenv ("PB_TEST_ARTIFACTS");

  /* A widget waiting for its size allocation draws nothing: let what was
   * queued reach the screen first. */
  pb_ui_test_settle (widget);
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);

  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));

  if (dir != NULL && artifact_name != NULL)
    {
      g_autofree char *path = g_build_filename (dir, artifact_name, NULL);

      g_mkdir_with_parents (dir, 0755);
      g_assert_true (gdk_texture_save_to_png (texture, path));
      g_test_message ("saved %s", path);
    }

  return texture;
}

guint
pb_ui_test_count_colours (GdkTexture *texture, guint limit)
{
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  gsize stride = (gsize)width * 4;
  g_autofree guchar *pixels = g_malloc (stride * height);
  g_autoptr (GHashTable) seen = g_hash_table_new (NULL, NULL);

  gdk_texture_download (texture, pixels, stride);
  for (int y = 0; y < height; y += 2)
    for (int x = 0; x < width; x += 2)
      {
        guint32 pixel;

        memcpy (&pixel, pixels + y * stride + x * 4, 4);
        g_hash_table_add (seen, GUINT_TO_POINTER (pixel | 1));
        if (g_hash_table_size (seen) >= limit)
          return limit;
      }
  return g_hash_table_size (seen);
}

gpointer
pb_ui_test_get_child (GtkWidget *widget, GType type, const char *name)
{
  GObject *child = gtk_widget_get_template_child (widget, type, name);

  g_assert_nonnull (child);
  return child;
}

void
pb_ui_test_wait_for_label (GtkWidget *label, const char *expected)
{
  gint64 end = g_get_monotonic_time () + PB_UI_TEST_DEADLINE;

  while (g_strcmp0 (gtk_label_get_text (GTK_LABEL (label)), expected) != 0
         && g_get_monotonic_time () < end)
    pb_ui_test_poll ();
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, expected);
}

const char *
pb_ui_test_shown_text (GtkWidget *label)
{
  return gtk_widget_get_visible (label) ? gtk_label_get_text (GTK_LABEL (label)) : NULL;
}

gboolean
pb_ui_test_rule_met (GtkWidget *rules, guint index)
{
  GtkWidget *row = gtk_widget_get_first_child (rules);

  for (guint i = 0; i < index; i++)
    row = gtk_widget_get_next_sibling (row);
  g_assert_nonnull (row);
  return gtk_widget_has_css_class (row, "success");
}

void
pb_ui_test_wait_idle (gpointer page, PbUiTestBusyFunc busy)
{
  /* Pages set busy when they start a job, so a job just asked for shows. */
  pb_ui_test_drain ();
  PB_UI_TEST_WAIT_UNTIL (!busy (page));
  pb_ui_test_drain ();
}

GtkWindow *
pb_ui_test_present (GtkWidget *page, int width, int height)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());

  gtk_window_set_default_size (window, width, height);
  gtk_window_set_child (window, page);
  gtk_window_present (window);
  pb_ui_test_wait_until_mapped (page);
  return window;
}

void
pb_ui_test_close_window (GtkWindow **window, gpointer page)
{
  gpointer weak_page = page;

  if (*window == NULL)
    return;
  g_object_add_weak_pointer (G_OBJECT (page), &weak_page);
  gtk_window_destroy (g_steal_pointer (window));
  PB_UI_TEST_WAIT_UNTIL (weak_page == NULL);
}

static GtkWidget *
find_widget (GtkWidget *widget, gboolean (*match) (GtkWidget *, const char *), const char *what)
{
  if (match (widget, what))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, match, what);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
label_reads (GtkWidget *widget, const char *text)
{
  return GTK_IS_LABEL (widget) && g_str_equal (gtk_label_get_text (GTK_LABEL (widget)), text);
}

static gboolean
label_starts_with (GtkWidget *widget, const char *prefix)
{
  return GTK_IS_LABEL (widget)
         && g_str_has_prefix (gtk_label_get_text (GTK_LABEL (widget)), prefix);
}

static gboolean
is_named (GtkWidget *widget, const char *name)
{
  return g_strcmp0 (gtk_widget_get_name (widget), name) == 0;
}

GtkWidget *
pb_ui_test_find_label (GtkWidget *widget, const char *text)
{
  return find_widget (widget, label_reads, text);
}

GtkWidget *
pb_ui_test_find_label_with_prefix (GtkWidget *widget, const char *prefix)
{
  return find_widget (widget, label_starts_with, prefix);
}

GtkWidget *
pb_ui_test_find_named (GtkWidget *widget, const char *name)
{
  return find_widget (widget, is_named, name);
}

void
pb_ui_test_become_packer (PbSession *session, const char *temporary, const char *password)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *uri = NULL;

  g_assert_true (pb_session_add_operator (session, "pat", "Pat Packer", PB_ROLE_PACKER, temporary,
                                          &uri, &error));
  g_assert_no_error (error);
  pb_session_lock (session);
  g_assert_true (pb_session_resume (session, "pat", temporary, &error));
  g_assert_no_error (error);
  g_assert_true (pb_session_set_new_password (session, password, &error));
  g_assert_no_error (error);
}
