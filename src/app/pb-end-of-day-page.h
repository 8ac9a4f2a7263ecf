/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "pb-page.h"

#include "station/pb-station.h"
#include "store/pb-session.h"

G_BEGIN_DECLS

/*
 * End of day for supervisors: the labels not yet manifested, creating the Royal Mail manifest and
 * printing it.
 *
 * Needs a READY PbSession ("session", construct-only); "station" (nullable)
 * is the window's background work. The page loads its data in a worker
 * thread when it is mapped and on pb_end_of_day_page_reload().
 */

#define PB_TYPE_END_OF_DAY_PAGE (pb_end_of_day_page_get_type ())
G_DECLARE_FINAL_TYPE (PbEndOfDayPage, pb_end_of_day_page, PB, END_OF_DAY_PAGE, PbPage)

GtkWidget *pb_end_of_day_page_new (PbSession *session, PbStation *station);

/* Loads the page's data again (after a sync, or an operator change). */
void pb_end_of_day_page_reload (PbEndOfDayPage *self);

/* Whether a manifest is being created, printed or saved ("busy"). */
gboolean pb_end_of_day_page_get_busy (PbEndOfDayPage *self);

/* Saves manifest document @manifest_id (0: the newest) to @file in a
 * worker thread, as "Save Manifest…" does once a file is chosen. */
void pb_end_of_day_page_save_manifest (PbEndOfDayPage *self, gint64 manifest_id, GFile *file);

G_END_DECLS
