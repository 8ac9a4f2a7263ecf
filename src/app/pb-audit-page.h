/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "pb-page.h"

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
G_DECLARE_FINAL_TYPE (PbAuditPage, pb_audit_page, PB, AUDIT_PAGE, PbPage)

GtkWidget *pb_audit_page_new (PbSession *session, PbStation *station);

/* Loads the page's data again (after a sync, or an operator change). */
void pb_audit_page_reload (PbAuditPage *self);

/* Limits the rows to the days from @from to @to, both included, local time
 * (NULL: no limit), as the date pickers do. */
void pb_audit_page_set_dates (PbAuditPage *self, GDateTime *from, GDateTime *to);

/* Writes the rows the filters select to @file as CSV, in a worker thread,
 * as the Export dialog does once a file is chosen. Needs the export
 * permission; a refusal or failure is shown on the page. */
void pb_audit_page_export_to_file (PbAuditPage *self, GFile *file);

/* TRUE while rows are being loaded or exported. */
gboolean pb_audit_page_get_busy (PbAuditPage *self);

G_END_DECLS
