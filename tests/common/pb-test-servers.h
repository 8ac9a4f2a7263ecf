/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "net/pb-http.h"

G_BEGIN_DECLS

/*
 * Local servers from tests/servers for the C tests: child processes that
 * go when the test goes, free loopback ports, the Click & Drop server over
 * TLS with its /_test control API, printer sinks, and a private PostgreSQL.
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

typedef struct
{
  GSubprocess *process;
  char *uri;           /* TCP as role packbench: TLS, sslmode=verify-full, the test CA */
  char *ca;            /* the test CA's certificate (PEM) */
  char *socket_uri;    /* the local socket as role packbench (no TLS there) */
  char *superuser_uri; /* the local socket as the superuser postgres, database postgres */
  char *password;      /* role packbench's */
  char *dbname;        /* packbench_site, owned by role packbench */
  guint port;
} PbTestPg;

/* Starts tests/servers/pg_server.py: a private PostgreSQL on a free
 * loopback port, ready when this returns. FALSE, with @skip_reason set,
 * when PostgreSQL is not installed here (the caller skips). */
gboolean pb_test_pg_start (PbTestPg *self, char **skip_reason);
/* Stops it (its stdin closes) and waits until its files are gone. */
void pb_test_pg_stop (PbTestPg *self);

/* The bytes of the next job a printer sink (tests/servers/printer_sink.py)
 * announces on @lines; waits for it. */
GBytes *pb_test_sink_next_job (GDataInputStream *lines);

G_END_DECLS
