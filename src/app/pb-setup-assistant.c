/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "pb-setup-assistant.h"

/* Placeholder: the assistant is being written. */

struct _PbSetupAssistant
{
  AdwBin parent_instance;

  char *store_dir;
};

G_DEFINE_FINAL_TYPE (PbSetupAssistant, pb_setup_assistant, ADW_TYPE_BIN)

enum
{
  SIGNAL_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
pb_setup_assistant_finalize (GObject *object)
{
  PbSetupAssistant *self = PB_SETUP_ASSISTANT (object);

  g_clear_pointer (&self->store_dir, g_free);

  G_OBJECT_CLASS (pb_setup_assistant_parent_class)->finalize (object);
}

static void
pb_setup_assistant_class_init (PbSetupAssistantClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pb_setup_assistant_finalize;

  /**
   * PbSetupAssistant::finished:
   * @session: the admin's READY session on the new store
   */
  signals[SIGNAL_FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 1, PB_TYPE_SESSION);
}

static void
pb_setup_assistant_init (PbSetupAssistant *self)
{
}

GtkWidget *
pb_setup_assistant_new (const char *store_dir)
{
  PbSetupAssistant *self = g_object_new (PB_TYPE_SETUP_ASSISTANT, NULL);

  self->store_dir = g_strdup (store_dir);
  return GTK_WIDGET (self);
}
