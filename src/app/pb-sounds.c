/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <gtk/gtk.h>

#include "pb-sounds.h"

struct _PbSounds
{
  GObject parent_instance;

  GSettings *settings;
  GPtrArray *playing; /* (element-type GtkMediaStream): held until they end */
  char *dir;
  char *last_played;
  guint n_played;
  guint n_ended;
};

G_DEFINE_FINAL_TYPE (PbSounds, pb_sounds, G_TYPE_OBJECT)

typedef struct
{
  const char *kind;
  const char *description; /* for the log, and kept translated for screen readers */
} SoundInfo;

static const SoundInfo sounds[] = {
  { "opened", N_ ("Order opened") },         { "verified", N_ ("Item verified") },
  { "complete", N_ ("All items verified") }, { "printed", N_ ("Label printed") },
  { "wrong-item", N_ ("Wrong item") },       { "refused", N_ ("Scan refused") },
  { "error", N_ ("Print failed") },          { "cancelled", N_ ("Order cancelled") },
};

static const SoundInfo *
find_sound (const char *kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (sounds); i++)
    if (g_strcmp0 (sounds[i].kind, kind) == 0)
      return &sounds[i];
  return NULL;
}

/* Installed sounds first; an uninstalled build plays its own. */
static char *
find_sounds_dir (void)
{
  if (g_file_test (SOUNDSDIR, G_FILE_TEST_IS_DIR))
    return g_strdup (SOUNDSDIR);
  return g_strdup (BUILD_SOUNDSDIR);
}

/* A stream is let go once it has played to its end or failed (no
 * GStreamer media backend, no audio output: the bench is then silent). */
static void
on_stream_changed_cb (GtkMediaStream *stream, GParamSpec *pspec, gpointer user_data)
{
  PbSounds *self = PB_SOUNDS (user_data);
  const GError *error = gtk_media_stream_get_error (stream);

  if (error != NULL)
    g_debug ("Sound not played: %s", error->message);
  else if (gtk_media_stream_get_ended (stream))
    self->n_ended++;
  else
    return;

  g_signal_handlers_disconnect_by_data (stream, self);
  g_ptr_array_remove_fast (self->playing, stream);
}

static void
stop_all (PbSounds *self)
{
  if (self->playing == NULL)
    return;
  for (guint i = 0; i < self->playing->len; i++)
    {
      GtkMediaStream *stream = g_ptr_array_index (self->playing, i);

      g_signal_handlers_disconnect_by_data (stream, self);
      gtk_media_stream_pause (stream);
    }
  g_ptr_array_set_size (self->playing, 0);
}

static void
pb_sounds_dispose (GObject *object)
{
  PbSounds *self = PB_SOUNDS (object);

  stop_all (self);
  g_clear_pointer (&self->playing, g_ptr_array_unref);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (pb_sounds_parent_class)->dispose (object);
}

static void
pb_sounds_finalize (GObject *object)
{
  PbSounds *self = PB_SOUNDS (object);

  g_free (self->dir);
  g_free (self->last_played);

  G_OBJECT_CLASS (pb_sounds_parent_class)->finalize (object);
}

static void
pb_sounds_class_init (PbSoundsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pb_sounds_dispose;
  object_class->finalize = pb_sounds_finalize;
}

static void
pb_sounds_init (PbSounds *self)
{
  self->settings = g_settings_new (APPLICATION_ID);
  self->playing = g_ptr_array_new_with_free_func (g_object_unref);
  self->dir = find_sounds_dir ();
}

PbSounds *
pb_sounds_new (void)
{
  return g_object_new (PB_TYPE_SOUNDS, NULL);
}

char *
pb_sounds_get_file (PbSounds *self, const char *kind)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (PB_IS_SOUNDS (self), NULL);

  if (find_sound (kind) == NULL)
    return NULL;
  name = g_strconcat (kind, ".wav", NULL);
  return g_build_filename (self->dir, name, NULL);
}

gboolean
pb_sounds_play (PbSounds *self, const char *kind)
{
  const SoundInfo *info;
  g_autofree char *file = NULL;
  GtkMediaStream *stream;

  g_return_val_if_fail (PB_IS_SOUNDS (self), FALSE);

  info = find_sound (kind);
  if (info == NULL || !g_settings_get_boolean (self->settings, "sounds-enabled"))
    return FALSE;

  g_free (self->last_played);
  self->last_played = g_strdup (kind);
  self->n_played++;

  /* GTK's own media playback: GStreamer through GTK's media backend, to
   * the desktop's sound server. Each sound is its own short stream; a new
   * one does not cut off the one before. */
  file = pb_sounds_get_file (self, kind);
  stream = gtk_media_file_new_for_filename (file);
  g_debug ("Playing the sound “%s”", info->description);
  g_signal_connect (stream, "notify::ended", G_CALLBACK (on_stream_changed_cb), self);
  g_signal_connect (stream, "notify::error", G_CALLBACK (on_stream_changed_cb), self);
  g_ptr_array_add (self->playing, stream);
  if (gtk_media_stream_get_error (stream) != NULL)
    on_stream_changed_cb (stream, NULL, self);
  else
    gtk_media_stream_play (stream);
  return TRUE;
}

const char *
pb_sounds_get_last_played (PbSounds *self)
{
  g_return_val_if_fail (PB_IS_SOUNDS (self), NULL);
  return self->last_played;
}

guint
pb_sounds_get_n_played (PbSounds *self)
{
  g_return_val_if_fail (PB_IS_SOUNDS (self), 0);
  return self->n_played;
}

guint
pb_sounds_get_n_ended (PbSounds *self)
{
  g_return_val_if_fail (PB_IS_SOUNDS (self), 0);
  return self->n_ended;
}
