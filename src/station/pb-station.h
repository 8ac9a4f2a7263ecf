/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "store/pb-store.h"

G_BEGIN_DECLS

/*
 * The bench's background work, for the app: an order sync every
 * sync.interval_minutes (and on demand), the outbox every minute, the
 * retention purge every hour, a backup once a day when a backup folder is
 * set. Work runs one job at a time in a worker thread on its own
 * connection to the store, so the main loop never waits on the network or
 * the database; results come back as signals in the main context. The
 * work goes on while the bench is locked between operators.
 */

#define PB_TYPE_STATION (pb_station_get_type ())
G_DECLARE_FINAL_TYPE (PbStation, pb_station, PB, STATION, GObject)

PbStation *pb_station_new (PbStore *store, GError **error);

/* Starts the timers (and a first sync, outbox run and purge at once). */
void pb_station_start (PbStation *self);
/* Stops the timers and cancels the job in progress. */
void pb_station_stop (PbStation *self);

/* Queues a sync now (ignored when one is queued or running). */
void pb_station_sync_now (PbStation *self);
/* Queues an outbox run now, e.g. after a supervisor retried an item
 * (ignored when one is queued; runs after the job in progress). */
void pb_station_run_outbox_now (PbStation *self);

gboolean pb_station_get_busy (PbStation *self);
/* Unix time of the last successful sync, 0 for never. */
gint64 pb_station_get_last_sync (PbStation *self);
/* The last sync's error, NULL when it worked. */
const char *pb_station_get_last_error (PbStation *self);

/* Site mode: why the site database cannot be reached (packing pauses);
 * NULL when it can, or on a solo bench. "site-error" notifies. */
const char *pb_station_get_site_error (PbStation *self);
/* Site mode: asks the site database at once whether it can be reached (a
 * heartbeat), instead of at the next one; "site-error" says. */
void pb_station_check_site_now (PbStation *self);
/* Site mode: the orders still to ship that other benches hold, (element-type
 * utf8 utf8) order id → who has it, in words ("Being packed at Bench 2 by
 * pat since 10:42"). Read again whenever the site says an order changed
 * (LISTEN/NOTIFY), "claims-changed" tells. NULL on a solo bench and until
 * first read. (transfer none): the table is never changed; ref it to keep
 * it. */
GHashTable *pb_station_get_claims (PbStation *self);

/* For tests: the sync interval in seconds instead of the setting. */
void pb_station_set_sync_interval (PbStation *self, guint seconds);

G_END_DECLS
