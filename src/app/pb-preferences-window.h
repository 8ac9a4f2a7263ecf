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

/* Imports a catalogue CSV file (what "Import CSV…" does once a file is
 * chosen); the result shows on the catalogue row. */
void pb_preferences_window_import_catalogue (PbPreferencesWindow *self, GFile *file);

/* TRUE while a read, a save or an import is running (for tests). */
gboolean pb_preferences_window_is_busy (PbPreferencesWindow *self);

/* The rows of the store settings (see pb-setting-row.h). */
GPtrArray *pb_preferences_window_get_setting_rows (PbPreferencesWindow *self);

G_END_DECLS
