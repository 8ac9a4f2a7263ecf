/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "pb-audit-page.h"

/* Placeholder: the page is being written. */

struct _PbAuditPage
{
  AdwBin parent_instance;

  PbSession *session;
  PbStation *station;
};

G_DEFINE_FINAL_TYPE (PbAuditPage, pb_audit_page, ADW_TYPE_BIN)

static void
pb_audit_page_dispose (GObject *object)
{
  PbAuditPage *self = PB_AUDIT_PAGE (object);

  g_clear_object (&self->session);
  g_clear_object (&self->station);

  G_OBJECT_CLASS (pb_audit_page_parent_class)->dispose (object);
}

static void
pb_audit_page_class_init (PbAuditPageClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = pb_audit_page_dispose;
}

static void
pb_audit_page_init (PbAuditPage *self)
{
}

GtkWidget *
pb_audit_page_new (PbSession *session, PbStation *station)
{
  PbAuditPage *self = g_object_new (PB_TYPE_AUDIT_PAGE, NULL);

  self->session = g_object_ref (session);
  self->station = station != NULL ? g_object_ref (station) : NULL;
  return GTK_WIDGET (self);
}

void
pb_audit_page_reload (PbAuditPage *self)
{
  g_return_if_fail (PB_IS_AUDIT_PAGE (self));
}
