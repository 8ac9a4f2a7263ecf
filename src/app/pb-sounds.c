/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <gsound.h>

#include "pb-sounds.h"

struct _PbSounds
{
  GObject parent_instance;

  GSettings *settings;
  GSoundContext *context; /* NULL when there is no sound system */
  GCancellable *cancellable;
  char *dir;
  char *last_played;
  guint n_played;
};

G_DEFINE_FINAL_TYPE (PbSounds, pb_sounds, G_TYPE_OBJECT)

typedef struct
{
  const char *kind;
  const char *description; /* for the sound server, and screen readers that show it */
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
  const char *from_env = g_getenv ("PACKBENCH_SOUNDS_DIR");

  if (from_env != NULL && *from_env != '\0')
    return g_strdup (from_env);
  if (g_file_test (SOUNDSDIR, G_FILE_TEST_IS_DIR))
    return g_strdup (SOUNDSDIR);
  return g_strdup (BUILD_SOUNDSDIR);
}

static void
on_played_cb (GObject *source_object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (!gsound_context_play_full_finish (GSOUND_CONTEXT (source_object), result, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Sound not played: %s", error->message);
}

static void
pb_sounds_dispose (GObject *object)
{
  PbSounds *self = PB_SOUNDS (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->context);
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
  g_autoptr (GError) error = NULL;

  self->settings = g_settings_new (APPLICATION_ID);
  self->cancellable = g_cancellable_new ();
  self->dir = find_sounds_dir ();
  self->context = gsound_context_new (NULL, &error);
  if (self->context == NULL)
    g_debug ("No sound system: %s", error->message);
  else
    gsound_context_set_attributes (self->context, NULL, GSOUND_ATTR_APPLICATION_NAME,
                                   _ ("Packbench"), GSOUND_ATTR_APPLICATION_ID, APPLICATION_ID,
                                   NULL);
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

  g_return_val_if_fail (PB_IS_SOUNDS (self), FALSE);

  info = find_sound (kind);
  if (info == NULL || !g_settings_get_boolean (self->settings, "sounds-enabled"))
    return FALSE;

  g_free (self->last_played);
  self->last_played = g_strdup (kind);
  self->n_played++;

  if (self->context == NULL)
    return TRUE;
  file = pb_sounds_get_file (self, kind);
  gsound_context_play_full (self->context, self->cancellable, on_played_cb, NULL,
                            GSOUND_ATTR_MEDIA_FILENAME, file, GSOUND_ATTR_EVENT_DESCRIPTION,
                            _ (info->description), GSOUND_ATTR_MEDIA_ROLE, "event",
                            GSOUND_ATTR_CANBERRA_CACHE_CONTROL, "volatile", NULL);
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
