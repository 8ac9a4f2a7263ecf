/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gint64 pb_clock_now_unix (void);
GDateTime *pb_clock_now (void);
char *pb_clock_format_iso8601 (gint64 unix_seconds);

G_END_DECLS
