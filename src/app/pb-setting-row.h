/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "store/pb-session.h"

G_BEGIN_DECLS

/*
 * Rows for store settings (pb-settings.h), shared by the first-run
 * assistant and Preferences. Each row fits its key's kind: an entry with
 * an apply button for text, numbers, addresses and paths; a password
 * entry for secrets, which are never shown (only "Set" or "Not set"); a
 * switch for yes/no; a drop-down for choices. Below each row a message row
 * shows the registry's reason when a value is refused (nothing is saved
 * then). A row is insensitive when the operator may not change its key.
 *
 * Values are read and written in worker threads on their own store
 * connection; the permission is asked (and a refusal audited) with
 * pb_session_require first, and the store audits every change.
 */

typedef void (*PbSettingSavedFunc) (const char *key, const char *value, gpointer user_data);

/* Adds the row for @key (and its hidden message row) to @group and returns
 * the row. @saved (may be NULL) runs after each successful save with the
 * new value (NULL for secrets). */
GtkWidget *pb_setting_row_add (AdwPreferencesGroup *group, PbSession *session, const char *key,
                               PbSettingSavedFunc saved, gpointer user_data);

/* Adds the label printer (a drop-down of the CUPS queues), its mode and
 * resolution (prefilled from the printer chosen) and a "Print Test Label"
 * row to @group. Returns the printer row; the printer, mode and
 * resolution rows are appended to @rows (may be NULL) for
 * pb_setting_rows_load. */
GtkWidget *pb_setting_row_add_printer (AdwPreferencesGroup *group, PbSession *session,
                                       GPtrArray *rows);

/* Reads the current values of @rows (from pb_setting_row_add) in a worker
 * thread and shows them. */
void pb_setting_rows_load (GPtrArray *rows, PbSession *session);

/* Saves what was typed in an entry row but not yet applied (for a "Next"
 * button). Does nothing for other rows or when nothing changed. */
void pb_setting_row_apply (GtkWidget *row);

const char *pb_setting_row_get_key (GtkWidget *row);
/* The message shown under the row, or NULL. */
const char *pb_setting_row_get_message (GtkWidget *row);
/* TRUE while a read or a save of the row is running. */
gboolean pb_setting_row_is_busy (GtkWidget *row);

G_END_DECLS
