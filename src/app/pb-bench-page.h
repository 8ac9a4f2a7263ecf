/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "station/pb-station.h"
#include "store/pb-session.h"

G_BEGIN_DECLS

/*
 * The packer's bench: the queue of orders to pack, the scan entry, and the
 * order being packed with its lines, recipient and Print button. Needs a
 * READY PbSession ("session", construct-only).
 *
 * The signal "feedback" (const char *kind) fires for everything a packer
 * should hear: "opened", "verified", "complete", "wrong-item", "refused",
 * "printed", "error" and "cancelled". The window turns it into sounds.
 */

#define PB_TYPE_BENCH_PAGE (pb_bench_page_get_type ())
G_DECLARE_FINAL_TYPE (PbBenchPage, pb_bench_page, PB, BENCH_PAGE, GtkWidget)

GtkWidget *pb_bench_page_new (PbSession *session);

PbSession *pb_bench_page_get_session (PbBenchPage *self);
/* The order being packed, or NULL. */
const char *pb_bench_page_get_order_id (PbBenchPage *self);

/* Closes the open order and clears the banner, filter and scan buffer:
 * for the next operator after a lock. */
void pb_bench_page_reset (PbBenchPage *self);

/* Gives the scan entry the keyboard focus: the scanner types there. */
void pb_bench_page_focus_scan (PbBenchPage *self);

/* Redraws the ship-by countdowns on screen as at @now (0: the clock's
 * time); a timer does it every 30 s. */
void pb_bench_page_update_countdowns (PbBenchPage *self, gint64 now);

/* Site mode: the station whose site state and claims the bench shows. */
void pb_bench_page_set_station (PbBenchPage *self, PbStation *station);

/* Reloads the queue from the store in a worker thread. */
void pb_bench_page_reload (PbBenchPage *self);

/* What a key press in the scan entry does: @c (a character, or '\n' for
 * Enter) typed at @time_us (monotonic microseconds) goes through the scan
 * buffer. For the window's global key handling and for tests. */
void pb_bench_page_feed_key (PbBenchPage *self, gunichar c, gint64 time_us);

G_END_DECLS
