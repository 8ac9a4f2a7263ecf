/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "store/pb-audit.h"

G_BEGIN_DECLS

/* One audit row in the audit page's list model. */

#define PB_TYPE_AUDIT_ITEM (pb_audit_item_get_type ())
G_DECLARE_FINAL_TYPE (PbAuditItem, pb_audit_item, PB, AUDIT_ITEM, GObject)

/* Takes @entry. */
PbAuditItem *pb_audit_item_new (PbAuditEntry *entry);
const PbAuditEntry *pb_audit_item_get_entry (PbAuditItem *self);

G_END_DECLS
