/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * The bench's sounds: one distinct sound for each kind of feedback the
 * bench page gives ("opened", "verified", "complete", "printed",
 * "wrong-item", "refused", "error", "cancelled"). Played through GTK's
 * media playback (GtkMediaFile: GStreamer, to the desktop's sound server)
 * unless the sounds-enabled key is off. A machine without the GStreamer
 * media backend plays nothing and says so in the debug log.
 */

#define PB_TYPE_SOUNDS (pb_sounds_get_type ())
G_DECLARE_FINAL_TYPE (PbSounds, pb_sounds, PB, SOUNDS, GObject)

PbSounds *pb_sounds_new (void);

/* Plays the sound for @kind; FALSE when sounds are off or @kind is not
 * one of the kinds above. */
gboolean pb_sounds_play (PbSounds *self, const char *kind);

/* The file a kind plays, or NULL: for tests and diagnostics. */
char *pb_sounds_get_file (PbSounds *self, const char *kind);
/* The last kind played and how many were played: for tests. */
const char *pb_sounds_get_last_played (PbSounds *self);
guint pb_sounds_get_n_played (PbSounds *self);
/* Sounds that played to their end (through an audio output, or GStreamer's
 * stand-in when there is none). */
guint pb_sounds_get_n_ended (PbSounds *self);

G_END_DECLS
