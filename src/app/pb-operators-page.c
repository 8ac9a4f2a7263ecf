/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "pb-operators-page.h"

/* Placeholder: the page is being written. */

struct _PbOperatorsPage
{
  AdwBin parent_instance;

  PbSession *session;
  PbStation *station;
};

G_DEFINE_FINAL_TYPE (PbOperatorsPage, pb_operators_page, ADW_TYPE_BIN)

static void
pb_operators_page_dispose (GObject *object)
{
  PbOperatorsPage *self = PB_OPERATORS_PAGE (object);

  g_clear_object (&self->session);
  g_clear_object (&self->station);

  G_OBJECT_CLASS (pb_operators_page_parent_class)->dispose (object);
}

static void
pb_operators_page_class_init (PbOperatorsPageClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = pb_operators_page_dispose;
}

static void
pb_operators_page_init (PbOperatorsPage *self)
{
}

GtkWidget *
pb_operators_page_new (PbSession *session, PbStation *station)
{
  PbOperatorsPage *self = g_object_new (PB_TYPE_OPERATORS_PAGE, NULL);

  self->session = g_object_ref (session);
  self->station = station != NULL ? g_object_ref (station) : NULL;
  return GTK_WIDGET (self);
}

void
pb_operators_page_reload (PbOperatorsPage *self)
{
  g_return_if_fail (PB_IS_OPERATORS_PAGE (self));
}
