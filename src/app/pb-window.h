/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "pb-application.h"
#include "pb-sounds.h"
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
/* The first-run assistant, or NULL when the store existed at start. */
GtkWidget *pb_window_get_setup_assistant (PbWindow *self);
/* The bench or a supervisor page by name ("bench", "activity", "problems",
 * "end-of-day", "operators", "audit"); NULL until a login may see it. */
GtkWidget *pb_window_get_page (PbWindow *self, const char *name);
/* Whether the page @name is offered to the operator logged in now. */
gboolean pb_window_page_is_visible (PbWindow *self, const char *name);
/* Shows the page @name; FALSE when the operator may not see it. */
gboolean pb_window_show_page (PbWindow *self, const char *name);

/* What plays the bench's feedback sounds. */
PbSounds *pb_window_get_sounds (PbWindow *self);

/* For tests: lock after @seconds without input instead of the store's
 * session.idle_lock_minutes (0: use the setting). */
void pb_window_set_idle_lock_seconds (PbWindow *self, guint seconds);

G_END_DECLS
