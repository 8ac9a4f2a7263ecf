/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "pb-application.h"
#include "station/pb-station.h"
#include "store/pb-session.h"

G_BEGIN_DECLS

#define PB_TYPE_WINDOW (pb_window_get_type ())
G_DECLARE_FINAL_TYPE (PbWindow, pb_window, PB, WINDOW, AdwApplicationWindow)

PbWindow *pb_window_new (PbApplication *application);

/* The open session (READY or locked), NULL before the first login. */
PbSession *pb_window_get_session (PbWindow *self);
/* The background work started at the first login, or NULL. */
PbStation *pb_window_get_station (PbWindow *self);
GtkWidget *pb_window_get_login_page (PbWindow *self);

/* For tests: lock after @seconds without input instead of the store's
 * session.idle_lock_minutes (0: use the setting). */
void pb_window_set_idle_lock_seconds (PbWindow *self, guint seconds);

G_END_DECLS
