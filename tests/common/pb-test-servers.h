/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "net/pb-http.h"

G_BEGIN_DECLS

/*
 * Local servers from tests/servers for the C tests: child processes that
 * go when the test goes, free loopback ports, the Click & Drop server over
 * TLS with its /_test control API, and printer sinks.
 */

#define PB_TEST_PYTHON "/usr/bin/python3"
#define PB_TEST_CLICKDROP_API_KEY "pb-test-clickdrop-key"

/* Spawns @argv; the child gets SIGTERM when this process ends, however. */
GSubprocess *pb_test_spawn (GSubprocessFlags flags, const char *const *argv);

/* The next line of @lines; asserts there is one. */
char *pb_test_read_line (GDataInputStream *lines);

/* A loopback TCP port free a moment ago. */
guint pb_test_reserve_port (void);

typedef struct
{
  GSubprocess *process;
  char *dir; /* its certificates */
  char *ca;  /* the test CA that signed them */
  guint port;
} PbTestClickDrop;

/* Starts tests/servers/clickdrop_server.py with a new certificate in a
 * temp folder made from @tmpl; manifests are ready after @manifest_polls. */
void pb_test_clickdrop_start (PbTestClickDrop *self, const char *tmpl, const char *manifest_polls);
void pb_test_clickdrop_stop (PbTestClickDrop *self);

/* A /_test control request through @http, e.g. ("GET", "manifests", NULL);
 * the reply's JSON, or NULL for an empty one. Asserts a 2xx status. */
JsonNode *pb_test_clickdrop_control (PbTestClickDrop *self, PbHttpClient *http, const char *method,
                                     const char *path, const char *body_json);

/* The bytes of the next job a printer sink (tests/servers/printer_sink.py)
 * announces on @lines; waits for it. */
GBytes *pb_test_sink_next_job (GDataInputStream *lines);

G_END_DECLS
