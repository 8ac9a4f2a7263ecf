/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "pb-page.h"

#include "station/pb-station.h"
#include "store/pb-session.h"

G_BEGIN_DECLS

/*
 * Problems for supervisors: outbox items that need attention (retry or discard) and orders
 * cancelled after their label was bought (void the label).
 *
 * Needs a READY PbSession ("session", construct-only); "station" (nullable)
 * is the window's background work. The page loads its data in a worker
 * thread when it is mapped and on pb_problems_page_reload().
 */

#define PB_TYPE_PROBLEMS_PAGE (pb_problems_page_get_type ())
G_DECLARE_FINAL_TYPE (PbProblemsPage, pb_problems_page, PB, PROBLEMS_PAGE, PbPage)

GtkWidget *pb_problems_page_new (PbSession *session, PbStation *station);

/* Loads the page's data again (after a sync, or an operator change). */
void pb_problems_page_reload (PbProblemsPage *self);

/* Whether a retry, discard or void is running. */
gboolean pb_problems_page_get_busy (PbProblemsPage *self);

G_END_DECLS
