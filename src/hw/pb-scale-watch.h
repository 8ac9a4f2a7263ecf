/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "hw/pb-scale.h"

G_BEGIN_DECLS

/*
 * The bench's scale, read in the main loop: the readings of one scale as
 * they come, and scales coming and going (udev hot-plug, through GUdev).
 * With no device named it reads the first scale udev finds, and the next
 * one plugged in when that goes; with a path it reads that (a hidraw node,
 * or any file or FIFO of reports).
 */

#define PB_TYPE_SCALE_WATCH (pb_scale_watch_get_type ())
G_DECLARE_FINAL_TYPE (PbScaleWatch, pb_scale_watch, PB, SCALE_WATCH, GObject)

/* @device: (nullable): a path, or NULL (or "") for the first scale found */
PbScaleWatch *pb_scale_watch_new (const char *device);

/* Looks again when no scale is being read (a hot-plug event that did not
 * come, as in a sandbox; a file that ended): the first scale found, or the
 * path named. */
void pb_scale_watch_rescan (PbScaleWatch *self);

/* (nullable): the path being read now */
const char *pb_scale_watch_get_device (PbScaleWatch *self);
/* (nullable): why the scale cannot be read (no access, not there), in
 * words for the packer; NULL while it is read, or when no scale is named
 * and none is found */
const char *pb_scale_watch_get_problem (PbScaleWatch *self);

G_END_DECLS
