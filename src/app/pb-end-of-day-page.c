/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "pb-end-of-day-page.h"

/* Placeholder: the page is being written. */

struct _PbEndOfDayPage
{
  AdwBin parent_instance;

  PbSession *session;
  PbStation *station;
};

G_DEFINE_FINAL_TYPE (PbEndOfDayPage, pb_end_of_day_page, ADW_TYPE_BIN)

static void
pb_end_of_day_page_dispose (GObject *object)
{
  PbEndOfDayPage *self = PB_END_OF_DAY_PAGE (object);

  g_clear_object (&self->session);
  g_clear_object (&self->station);

  G_OBJECT_CLASS (pb_end_of_day_page_parent_class)->dispose (object);
}

static void
pb_end_of_day_page_class_init (PbEndOfDayPageClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = pb_end_of_day_page_dispose;
}

static void
pb_end_of_day_page_init (PbEndOfDayPage *self)
{
}

GtkWidget *
pb_end_of_day_page_new (PbSession *session, PbStation *station)
{
  PbEndOfDayPage *self = g_object_new (PB_TYPE_END_OF_DAY_PAGE, NULL);

  self->session = g_object_ref (session);
  self->station = station != NULL ? g_object_ref (station) : NULL;
  return GTK_WIDGET (self);
}

void
pb_end_of_day_page_reload (PbEndOfDayPage *self)
{
  g_return_if_fail (PB_IS_END_OF_DAY_PAGE (self));
}
