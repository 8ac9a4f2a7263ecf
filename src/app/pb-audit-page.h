/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "station/pb-station.h"
#include "store/pb-session.h"

G_BEGIN_DECLS

/*
 * The audit log for supervisors: filter by operator, action and date; export as CSV (never PII).
 *
 * Needs a READY PbSession ("session", construct-only); "station" (nullable)
 * is the window's background work. The page loads its data in a worker
 * thread when it is mapped and on pb_audit_page_reload().
 */

#define PB_TYPE_AUDIT_PAGE (pb_audit_page_get_type ())
G_DECLARE_FINAL_TYPE (PbAuditPage, pb_audit_page, PB, AUDIT_PAGE, AdwBin)

GtkWidget *pb_audit_page_new (PbSession *session, PbStation *station);

/* Loads the page's data again (after a sync, or an operator change). */
void pb_audit_page_reload (PbAuditPage *self);

G_END_DECLS
