/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "pb-activity-page.h"

/* Placeholder: the page is being written. */

struct _PbActivityPage
{
  AdwBin parent_instance;

  PbSession *session;
  PbStation *station;
};

G_DEFINE_FINAL_TYPE (PbActivityPage, pb_activity_page, ADW_TYPE_BIN)

static void
pb_activity_page_dispose (GObject *object)
{
  PbActivityPage *self = PB_ACTIVITY_PAGE (object);

  g_clear_object (&self->session);
  g_clear_object (&self->station);

  G_OBJECT_CLASS (pb_activity_page_parent_class)->dispose (object);
}

static void
pb_activity_page_class_init (PbActivityPageClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = pb_activity_page_dispose;
}

static void
pb_activity_page_init (PbActivityPage *self)
{
}

GtkWidget *
pb_activity_page_new (PbSession *session, PbStation *station)
{
  PbActivityPage *self = g_object_new (PB_TYPE_ACTIVITY_PAGE, NULL);

  self->session = g_object_ref (session);
  self->station = station != NULL ? g_object_ref (station) : NULL;
  return GTK_WIDGET (self);
}

void
pb_activity_page_reload (PbActivityPage *self)
{
  g_return_if_fail (PB_IS_ACTIVITY_PAGE (self));
}
