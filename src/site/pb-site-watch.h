/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * Live updates from the site database, in a GLib main loop: the watch owns
 * its own connection, LISTENs on packbench_queue and watches the socket
 * from the main context that was the thread's default when it was started,
 * so it never blocks that loop. Connecting runs in a worker thread.
 *
 * Signals (emitted in that main context):
 *   order-changed (const char *order_id): an order or its claim changed in
 *     the site; read it again. Once per order per wake-up.
 *   resync (): notifications may have been missed (the watch has just
 *     (re)connected, or someone changed many orders at once): read every
 *     order again. Emitted after each successful connection, the first
 *     included, after notify::connected.
 * Properties:
 *   connected (gboolean, read-only): LISTENing now. When the connection
 *     breaks it goes FALSE and the watch reconnects by itself, waiting
 *     1, 2, 4 … 60 s (with jitter) between failed attempts.
 *   error (GError, read-only): why the watch is not connected, in words
 *     for the user; NULL while connected. A URI that breaks the TLS policy
 *     (PB_SITE_ERROR_INSECURE) or cannot be read (CONFIG) is not retried.
 *
 * Payloads are order ids only, never personal data.
 */

#define PB_TYPE_SITE_WATCH (pb_site_watch_get_type ())
G_DECLARE_FINAL_TYPE (PbSiteWatch, pb_site_watch, PB, SITE_WATCH, GObject)

/* @uri and @password as in the site file (pb_site_connect); @password may
 * be NULL. Does nothing until pb_site_watch_start(). */
PbSiteWatch *pb_site_watch_new (const char *uri, const char *password);

/* Starts connecting (in a worker thread) and watching, in the thread's
 * default main context. A no-op when started already. */
void pb_site_watch_start (PbSiteWatch *self);
/* Closes the connection and stops reconnecting; connected goes FALSE.
 * Start may be called again. Also done on dispose. */
void pb_site_watch_stop (PbSiteWatch *self);

gboolean pb_site_watch_get_connected (PbSiteWatch *self);
/* (nullable) (transfer none) */
const GError *pb_site_watch_get_error (PbSiteWatch *self);

G_END_DECLS
