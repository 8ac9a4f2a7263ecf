/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "station/pb-station.h"
#include "store/pb-session.h"

G_BEGIN_DECLS

/*
 * Preferences: credentials (shown masked), endpoints, the label printer
 * with its mode and resolution, retention days, sync interval, print on
 * final scan, sounds, rules and the catalogue (CSV import). Every value is
 * a store setting (pb-settings.h); a supervisor sees them read-only, an
 * admin changes them, and every change is an audit row.
 */

#define PB_TYPE_PREFERENCES_WINDOW (pb_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (PbPreferencesWindow, pb_preferences_window, PB, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

PbPreferencesWindow *pb_preferences_window_new (GtkWindow *parent, PbSession *session,
                                                PbStation *station);

G_END_DECLS
