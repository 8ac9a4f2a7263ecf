/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "pb-audit-item.h"

struct _PbAuditItem
{
  GObject parent_instance;

  PbAuditEntry *entry;
};

G_DEFINE_FINAL_TYPE (PbAuditItem, pb_audit_item, G_TYPE_OBJECT)

static void
pb_audit_item_finalize (GObject *object)
{
  PbAuditItem *self = PB_AUDIT_ITEM (object);

  g_clear_pointer (&self->entry, pb_audit_entry_free);
  G_OBJECT_CLASS (pb_audit_item_parent_class)->finalize (object);
}

static void
pb_audit_item_class_init (PbAuditItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pb_audit_item_finalize;
}

static void
pb_audit_item_init (PbAuditItem *self)
{
}

PbAuditItem *
pb_audit_item_new (PbAuditEntry *entry)
{
  PbAuditItem *self;

  g_return_val_if_fail (entry != NULL, NULL);

  self = g_object_new (PB_TYPE_AUDIT_ITEM, NULL);
  self->entry = entry;
  return self;
}

const PbAuditEntry *
pb_audit_item_get_entry (PbAuditItem *self)
{
  g_return_val_if_fail (PB_IS_AUDIT_ITEM (self), NULL);
  return self->entry;
}
