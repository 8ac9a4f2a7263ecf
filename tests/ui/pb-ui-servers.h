/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "pb-test-servers.h"
#include "store/pb-session.h"

G_BEGIN_DECLS

/*
 * The local servers a GUI test needs, from tests/servers: the Click & Drop
 * server over TLS (with its /_test control API), and a private cupsd whose
 * default queue "documents" is a raw queue printing into a TCP sink. They
 * stop when the test process ends, however it ends.
 */

typedef struct
{
  PbTestClickDrop clickdrop;
  char *dir; /* the printer sink's jobs */
  GSubprocess *sink;
  GDataInputStream *sink_lines;
  GSubprocess *cupsd;
} PbUiServers;

/* Starts Click & Drop (manifests answered at once); with @printing also
 * cupsd and the sink (CUPS_SERVER is set for this process). */
void pb_ui_servers_start (PbUiServers *self, gboolean printing);
void pb_ui_servers_stop (PbUiServers *self);

/* Points the store at the servers (Royal Mail endpoint, key, test CA). */
void pb_ui_servers_configure (PbUiServers *self, PbSession *session);

/* A /_test control request to Click & Drop, e.g. ("GET", "manifests"). */
JsonNode *pb_ui_servers_control (PbUiServers *self, const char *method, const char *path);

/* Buys a real Click & Drop label for @order_id (already in the store) and
 * stores it, as ship would. */
void pb_ui_servers_buy_label (PbUiServers *self, PbSession *session, const char *order_id);

/* The bytes of the next job the sink received (waits for it). */
GBytes *pb_ui_servers_next_job (PbUiServers *self);

G_END_DECLS
