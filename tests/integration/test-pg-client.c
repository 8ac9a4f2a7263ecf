/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The private PostgreSQL of the site-mode tests (pb_test_pg_start,
 * tests/servers/pg_server.py) from C through libpq, the way site mode uses
 * it: TLS with the host name checked, parameters never in the SQL text,
 * LISTEN/NOTIFY waited for on the connection's socket. Skips when
 * PostgreSQL is not installed.
 */
#include "config.h"

#include <libpq-fe.h>
#include <string.h>

#include "pb-test-servers.h"

static PbTestPg pg;
static char *skip_reason;

static PGconn *
connect_ok (const char *uri)
{
  PGconn *conn = PQconnectdb (uri);

  if (PQstatus (conn) != CONNECTION_OK)
    g_error ("cannot connect: %s", PQerrorMessage (conn));
  return conn;
}

static void
test_verify_full (void)
{
  const char *values[] = { "41" };
  PGconn *conn;
  PGresult *result;
  const char *protocol;

  if (skip_reason != NULL)
    {
      g_test_skip (skip_reason);
      return;
    }
  g_assert_nonnull (strstr (pg.uri, "sslmode=verify-full"));
  conn = connect_ok (pg.uri);
  g_assert_cmpint (PQsslInUse (conn), ==, 1);
  protocol = PQsslAttribute (conn, "protocol");
  g_assert_true (g_strcmp0 (protocol, "TLSv1.2") == 0 || g_strcmp0 (protocol, "TLSv1.3") == 0);

  result = PQexecParams (conn, "SELECT current_user, current_database(), $1::int + 1", 1, NULL,
                         values, NULL, NULL, 0);
  g_assert_cmpint (PQresultStatus (result), ==, PGRES_TUPLES_OK);
  g_assert_cmpstr (PQgetvalue (result, 0, 0), ==, "packbench");
  g_assert_cmpstr (PQgetvalue (result, 0, 1), ==, pg.dbname);
  g_assert_cmpstr (PQgetvalue (result, 0, 2), ==, "42");
  PQclear (result);
  PQfinish (conn);
}

static void
test_no_tls_refused (void)
{
  g_autoptr (GString) uri = NULL;
  PGconn *conn;

  if (skip_reason != NULL)
    {
      g_test_skip (skip_reason);
      return;
    }
  uri = g_string_new (pg.uri);
  g_assert_cmpuint (g_string_replace (uri, "sslmode=verify-full", "sslmode=disable", 1), ==, 1);
  conn = PQconnectdb (uri->str);
  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_BAD);
  g_assert_nonnull (strstr (PQerrorMessage (conn), "pg_hba.conf rejects connection"));
  g_assert_null (strstr (PQerrorMessage (conn), pg.password));
  PQfinish (conn);
}

static void
test_listen_notify (void)
{
  const char *values[] = { "026-0000001-0000001" };
  PGconn *listener, *sender;
  PGresult *result;
  PGnotify *notify = NULL;
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  if (skip_reason != NULL)
    {
      g_test_skip (skip_reason);
      return;
    }
  listener = connect_ok (pg.uri);
  sender = connect_ok (pg.socket_uri);
  result = PQexec (listener, "LISTEN packbench_queue");
  g_assert_cmpint (PQresultStatus (result), ==, PGRES_COMMAND_OK);
  PQclear (result);
  result = PQexecParams (sender, "SELECT pg_notify('packbench_queue', $1)", 1, NULL, values, NULL,
                         NULL, 0);
  g_assert_cmpint (PQresultStatus (result), ==, PGRES_TUPLES_OK);
  PQclear (result);

  /* Wait for the listener's socket, as a GSource on PQsocket would. */
  while (notify == NULL)
    {
      GPollFD fd = { .fd = PQsocket (listener), .events = G_IO_IN };
      gint64 left = deadline - g_get_monotonic_time ();

      g_assert_cmpint (left, >, 0);
      g_assert_cmpint (PQconsumeInput (listener), ==, 1);
      notify = PQnotifies (listener);
      if (notify == NULL)
        g_poll (&fd, 1, (int)(left / 1000));
    }
  g_assert_cmpstr (notify->relname, ==, "packbench_queue");
  g_assert_cmpstr (notify->extra, ==, values[0]);
  g_assert_cmpint (notify->be_pid, ==, PQbackendPID (sender));
  PQfreemem (notify);
  PQfinish (sender);
  PQfinish (listener);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pg-client/verify-full", test_verify_full);
  g_test_add_func ("/pg-client/no-tls-refused", test_no_tls_refused);
  g_test_add_func ("/pg-client/listen-notify", test_listen_notify);

  pb_test_pg_start (&pg, &skip_reason);
  status = g_test_run ();
  pb_test_pg_stop (&pg);
  g_free (skip_reason);
  return status;
}
