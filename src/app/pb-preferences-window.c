/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "pb-preferences-window.h"

/* Placeholder: the window is being written. */

struct _PbPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  PbSession *session;
  PbStation *station;
};

G_DEFINE_FINAL_TYPE (PbPreferencesWindow, pb_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static void
pb_preferences_window_dispose (GObject *object)
{
  PbPreferencesWindow *self = PB_PREFERENCES_WINDOW (object);

  g_clear_object (&self->session);
  g_clear_object (&self->station);

  G_OBJECT_CLASS (pb_preferences_window_parent_class)->dispose (object);
}

static void
pb_preferences_window_class_init (PbPreferencesWindowClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = pb_preferences_window_dispose;
}

static void
pb_preferences_window_init (PbPreferencesWindow *self)
{
}

PbPreferencesWindow *
pb_preferences_window_new (GtkWindow *parent, PbSession *session, PbStation *station)
{
  PbPreferencesWindow *self
      = g_object_new (PB_TYPE_PREFERENCES_WINDOW, "transient-for", parent, "modal", TRUE, NULL);

  self->session = g_object_ref (session);
  self->station = station != NULL ? g_object_ref (station) : NULL;
  return self;
}
