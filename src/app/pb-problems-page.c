/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "pb-problems-page.h"

/* Placeholder: the page is being written. */

struct _PbProblemsPage
{
  AdwBin parent_instance;

  PbSession *session;
  PbStation *station;
};

G_DEFINE_FINAL_TYPE (PbProblemsPage, pb_problems_page, ADW_TYPE_BIN)

static void
pb_problems_page_dispose (GObject *object)
{
  PbProblemsPage *self = PB_PROBLEMS_PAGE (object);

  g_clear_object (&self->session);
  g_clear_object (&self->station);

  G_OBJECT_CLASS (pb_problems_page_parent_class)->dispose (object);
}

static void
pb_problems_page_class_init (PbProblemsPageClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = pb_problems_page_dispose;
}

static void
pb_problems_page_init (PbProblemsPage *self)
{
}

GtkWidget *
pb_problems_page_new (PbSession *session, PbStation *station)
{
  PbProblemsPage *self = g_object_new (PB_TYPE_PROBLEMS_PAGE, NULL);

  self->session = g_object_ref (session);
  self->station = station != NULL ? g_object_ref (station) : NULL;
  return GTK_WIDGET (self);
}

void
pb_problems_page_reload (PbProblemsPage *self)
{
  g_return_if_fail (PB_IS_PROBLEMS_PAGE (self));
}
