/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "pb-activity-chart.h"
#include "pb-page.h"
#include "station/pb-station.h"
#include "store/pb-session.h"

G_BEGIN_DECLS

/*
 * Activity for supervisors: labels per operator per hour today and this week, drawn as a chart;
 * average scan-to-print time, mis-scans, late orders and sync health.
 *
 * Needs a READY PbSession ("session", construct-only); "station" (nullable)
 * is the window's background work. The page loads its data in a worker
 * thread when it is mapped and on pb_activity_page_reload().
 */

#define PB_TYPE_ACTIVITY_PAGE (pb_activity_page_get_type ())
G_DECLARE_FINAL_TYPE (PbActivityPage, pb_activity_page, PB, ACTIVITY_PAGE, PbPage)

GtkWidget *pb_activity_page_new (PbSession *session, PbStation *station);

/* Loads the page's data again (after a sync, or an operator change). */
void pb_activity_page_reload (PbActivityPage *self);

/* The chart the page draws (for tests and screenshots). */
PbActivityChart *pb_activity_page_get_chart (PbActivityPage *self);

G_END_DECLS
