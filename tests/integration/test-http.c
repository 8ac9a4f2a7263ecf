/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The net/ HTTP client against tests/servers/http_test_server.py: one HTTPS
 * server with a certificate of CA "one", one that offers only TLS 1.1, and
 * one plain HTTP server, all on 127.0.0.1. CA "two" signed nothing the
 * servers use, so a client trusting only it meets an unknown CA.
 */
#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "net/pb-http.h"
#include "util/pb-version.h"

#define PYTHON "/usr/bin/python3"

typedef struct
{
  GSubprocess *process;
  guint port;
} Server;

static char *cert_dir;
static char *ca_one;
static char *ca_two;
static Server tls_server;
static Server tls11_server;
static Server plain_server;

/* Setup */

static void
make_certificates (const char *folder)
{
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "servers", "pbcerts.py", NULL);
  const char *argv[] = { PYTHON, script, folder, NULL };
  g_autoptr (GError) error = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, NULL,
                &status, &error);
  g_assert_no_error (error);
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);
}

static void
start_server (Server *server, const char *const *extra_args)
{
  g_autofree char *script
      = g_test_build_filename (G_TEST_DIST, "servers", "http_test_server.py", NULL);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GDataInputStream) lines = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *line = NULL;

  g_ptr_array_add (argv, (gpointer)PYTHON);
  g_ptr_array_add (argv, script);
  for (gsize i = 0; extra_args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer)extra_args[i]);
  g_ptr_array_add (argv, NULL);

  /* The server stops when its stdin closes, that is when this test ends,
   * however it ends. */
  server->process
      = g_subprocess_newv ((const char *const *)argv->pdata,
                           G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);

  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->process));
  line = g_data_input_stream_read_line (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  server->port = (guint)g_ascii_strtoull (line, NULL, 10);
  g_assert_cmpuint (server->port, >, 0);
}

static void
stop_server (Server *server)
{
  g_subprocess_force_exit (server->process);
  g_subprocess_wait (server->process, NULL, NULL);
  g_clear_object (&server->process);
}

/* Helpers */

static PbHttpClient *
new_client (const char *ca_file)
{
  PbHttpClient *client = pb_http_client_new ();

  pb_http_client_set_ca_file (client, ca_file);
  /* Generous: a loaded machine may take seconds for a TLS handshake. The
   * timeout tests set their own. */
  pb_http_client_set_timeouts (client, 30000, 60000);
  pb_http_client_set_retry (client, 3, 10, 100);

  return client;
}

static char *
url_on (Server *server, const char *target)
{
  return g_strdup_printf ("%s://127.0.0.1:%u%s", server == &plain_server ? "http" : "https",
                          server->port, target);
}

static PbHttpResponse *
send_request (PbHttpClient *client, const char *method, const char *url, const char *operation,
              GCancellable *cancellable, GError **error)
{
  PbHttpRequest request = { .method = method, .url = url, .operation = operation };

  return pb_http_client_send (client, &request, cancellable, error);
}

static PbHttpResponse *
get_ok (PbHttpClient *client, Server *server, const char *target)
{
  g_autofree char *url = url_on (server, target);
  g_autoptr (GError) error = NULL;
  PbHttpResponse *response = send_request (client, "GET", url, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (response);
  return response;
}

static JsonObject *
parse_object (PbHttpResponse *response)
{
  GBytes *body = pb_http_response_get_body (response);
  g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  g_autoptr (GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);
  JsonObject *object;

  g_assert_no_error (error);
  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  object = json_object_ref (json_node_get_object (node));
  json_node_unref (node);
  return object;
}

/* How many requests the TLS server saw for @target. */
static gint64
count_hits (const char *target)
{
  g_autoptr (PbHttpClient) client = new_client (ca_one);
  g_autoptr (PbHttpResponse) response = get_ok (client, &tls_server, "/count");
  g_autoptr (JsonObject) counts = parse_object (response);

  return json_object_get_int_member_with_default (counts, target, 0);
}

/* The client's own account of its retries: it logs "retrying in" (at debug
 * level) before every backoff, in the sending thread, so once a send has
 * returned, every retry it made has been counted here. */
static GMutex retry_lines_lock;
static guint retry_lines;

static GLogWriterOutput
count_retries_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields,
                      gpointer user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "MESSAGE") && fields[i].length < 0
        && strstr (fields[i].value, "retrying in") != NULL)
      {
        g_mutex_lock (&retry_lines_lock);
        retry_lines++;
        g_mutex_unlock (&retry_lines_lock);
      }
  return g_log_writer_default (level, fields, n_fields, user_data);
}

static guint
count_retry_lines (void)
{
  guint count;

  g_mutex_lock (&retry_lines_lock);
  count = retry_lines;
  g_mutex_unlock (&retry_lines_lock);
  return count;
}

static double
seconds_since (gint64 start_us)
{
  return (double)(g_get_monotonic_time () - start_us) / G_USEC_PER_SEC;
}

/* Polls the TLS server until it has seen @target @hits times; FALSE when
 * that did not happen within a generous minute. */
static gboolean
wait_for_hits (const char *target, gint64 hits)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (count_hits (target) < hits)
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_usleep (20 * 1000); /* timing-ok: a polling interval */
    }
  return TRUE;
}

typedef struct
{
  GCancellable *cancellable;
  const char *wait_target; /* cancel once the server saw it; NULL: at once */
  gint64 cancelled_at;     /* monotonic µs */
  gboolean seen;
} CancelLater;

static gpointer
cancel_later_cb (gpointer data)
{
  CancelLater *later = data;

  later->seen = later->wait_target == NULL || wait_for_hits (later->wait_target, 1);
  later->cancelled_at = g_get_monotonic_time ();
  g_cancellable_cancel (later->cancellable);
  return NULL;
}

/* Sends GET @url with @client and cancels it once the server has seen
 * @wait_target (or at once when NULL); checks that the send then stops with
 * G_IO_ERROR_CANCELLED long before the minute the server or the bucket
 * would keep it waiting. */
static void
assert_cancelled_promptly (PbHttpClient *client, const char *url, const char *operation,
                           const char *wait_target)
{
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (PbHttpResponse) response = NULL;
  CancelLater later = { cancellable, wait_target, 0, FALSE };
  GThread *thread;
  gint64 returned_at;

  thread = g_thread_new ("cancel-later", cancel_later_cb, &later);
  response = send_request (client, "GET", url, operation, cancellable, &error);
  returned_at = g_get_monotonic_time ();
  g_thread_join (thread);

  g_assert_true (later.seen);
  g_assert_null (response);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpfloat ((double)(returned_at - later.cancelled_at) / G_USEC_PER_SEC, <, 20.0);
}

/* Tests */

static void
test_get (void)
{
  g_autoptr (PbHttpClient) client = new_client (ca_one);
  g_autoptr (PbHttpResponse) response = get_ok (client, &tls_server, "/echo?case=get");
  g_autoptr (JsonObject) echo = parse_object (response);

  g_assert_cmpuint (pb_http_response_get_status (response), ==, 200);
  g_assert_cmpuint (pb_http_response_get_attempts (response), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (echo, "method"), ==, "GET");
  g_assert_cmpstr (json_object_get_string_member (echo, "path"), ==, "/echo?case=get");
  g_assert_cmpstr (pb_http_response_get_header (response, "Content-Type"), ==, "application/json");
}

static void
test_user_agent (void)
{
  g_autoptr (PbHttpClient) client = new_client (ca_one);
  g_autofree char *url = url_on (&tls_server, "/echo?case=user-agent");
  g_autofree char *expected = pb_user_agent ();
  const char *headers[] = { "User-Agent: Impostor/1.0", "X-Amz-Test: yes", NULL };
  PbHttpRequest request = { .method = "GET", .url = url, .headers = headers };
  g_autoptr (GError) error = NULL;
  g_autoptr (PbHttpResponse) response = pb_http_client_send (client, &request, NULL, &error);
  g_autoptr (JsonObject) echo = NULL;
  JsonObject *sent;

  g_assert_no_error (error);
  echo = parse_object (response);
  sent = json_object_get_object_member (echo, "headers");
  g_assert_true (g_str_has_prefix (expected, "Packbench/"));
  g_assert_true (g_str_has_suffix (expected, " (Language=C; Platform=Linux)"));
  g_assert_cmpstr (json_object_get_string_member (sent, "user-agent"), ==, expected);
  g_assert_cmpstr (json_object_get_string_member (sent, "x-amz-test"), ==, "yes");
}

static void
test_response_headers (void)
{
  g_autoptr (PbHttpClient) client = new_client (ca_one);
  g_autoptr (PbHttpResponse) response = get_ok (client, &tls_server, "/headers");

  g_assert_cmpstr (pb_http_response_get_header (response, "x-mixed-case"), ==, "yes");
  g_assert_cmpstr (pb_http_response_get_header (response, "X-MIXED-CASE"), ==, "yes");
  g_assert_cmpstr (pb_http_response_get_header (response, "X-Twice"), ==, "second");
  g_assert_null (pb_http_response_get_header (response, "X-Missing"));
}

static void
test_methods_and_body (void)
{
  g_autoptr (PbHttpClient) client = new_client (ca_one);
  g_autofree char *url = url_on (&tls_server, "/echo?case=body");
  g_autoptr (GBytes) body = g_bytes_new_static ("{\"sku\":\"A1\"}", 12);
  const char *methods[] = { "POST", "PUT", "PATCH", "DELETE", NULL };

  for (gsize i = 0; methods[i] != NULL; i++)
    {
      gboolean with_body = strcmp (methods[i], "DELETE") != 0;
      PbHttpRequest request = {
        .method = methods[i],
        .url = url,
        .body = with_body ? body : NULL,
        .content_type = with_body ? "application/json" : NULL,
      };
      g_autoptr (GError) error = NULL;
      g_autoptr (PbHttpResponse) response = pb_http_client_send (client, &request, NULL, &error);
      g_autoptr (JsonObject) echo = NULL;
      JsonObject *sent;

      g_assert_no_error (error);
      echo = parse_object (response);
      sent = json_object_get_object_member (echo, "headers");
      g_assert_cmpstr (json_object_get_string_member (echo, "method"), ==, methods[i]);
      g_assert_cmpstr (json_object_get_string_member (echo, "body"), ==,
                       with_body ? "{\"sku\":\"A1\"}" : "");
      g_assert_cmpstr (json_object_get_string_member_with_default (sent, "content-type", NULL), ==,
                       with_body ? "application/json" : NULL);
      g_assert_false (json_object_has_member (sent, "expect"));
    }
}

static void
test_unknown_ca (void)
{
  g_autofree char *url = url_on (&tls_server, "/echo?case=unknown-ca");
  g_autofree char *missing = g_build_filename (cert_dir, "missing.pem", NULL);
  const char *ca_files[] = { ca_two, NULL, missing };

  for (gsize i = 0; i < G_N_ELEMENTS (ca_files); i++)
    {
      g_autoptr (PbHttpClient) client = new_client (ca_files[i]);
      g_autoptr (GError) error = NULL;
      g_autoptr (PbHttpResponse) response = NULL;
      guint retries_before = count_retry_lines ();

      response = send_request (client, "GET", url, NULL, NULL, &error);
      g_assert_null (response);
      g_assert_error (error, PB_NET_ERROR, PB_NET_ERROR_CERTIFICATE);
      g_test_message ("CA file %s: %s", ca_files[i], error->message);
      g_assert_nonnull (strstr (error->message, "The certificate of 127.0.0.1 could not be "
                                                "verified"));
      g_assert_nonnull (strstr (error->message, "Check the date, the network, or the "
                                                "configured CA file."));
      if (ca_files[i] == missing)
        g_assert_nonnull (strstr (error->message, "CA file could not be read"));
      else
        g_assert_nonnull (strstr (error->message, "not signed by an authority"));
      /* Not retried: there were 3 retries with backoff to spend. */
      g_assert_cmpuint (count_retry_lines (), ==, retries_before);
    }

  g_assert_cmpint (count_hits ("/echo?case=unknown-ca"), ==, 0);
}

static void
test_tls_version (void)
{
  g_autoptr (PbHttpClient) client = new_client (ca_one);
  g_autofree char *url = url_on (&tls11_server, "/echo?case=tls11");
  g_autoptr (GError) error = NULL;
  g_autoptr (PbHttpResponse) response = NULL;

  response = send_request (client, "GET", url, NULL, NULL, &error);
  g_assert_null (response);
  g_assert_error (error, PB_NET_ERROR, PB_NET_ERROR_TLS_VERSION);
  g_assert_cmpstr (error->message, ==,
                   "The server at 127.0.0.1 does not offer TLS 1.2 or newer, so Packbench "
                   "refuses to send data to it.");
}

static void
test_retry_then_success (void)
{
  g_autoptr (PbHttpClient) client = new_client (ca_one);
  guint retries_before = count_retry_lines ();
  g_autoptr (PbHttpResponse) response
      = get_ok (client, &tls_server, "/status/503-then-200?case=retry");

  /* The retry is also in the client's log, which /http/unknown-ca reads. */
  g_assert_cmpuint (count_retry_lines (), ==, retries_before + 1);
  g_assert_cmpuint (pb_http_response_get_status (response), ==, 200);
  g_assert_cmpuint (pb_http_response_get_attempts (response), ==, 2);
  g_assert_cmpint (count_hits ("/status/503-then-200?case=retry"), ==, 2);
}

static void
test_retry_after_seconds (void)
{
  g_autoptr (PbHttpClient) client = new_client (ca_one);
  g_autoptr (PbHttpResponse) response = NULL;
  gint64 start = g_get_monotonic_time ();
  double elapsed;

  /* The jittered backoff is at most 10 ms, the cap a minute: the wait
   * shows the server's second was read, and not stretched to the cap. */
  pb_http_client_set_retry (client, 3, 10, 60000);
  response = get_ok (client, &tls_server, "/retry-after/1?case=seconds");
  elapsed = seconds_since (start);

  g_assert_cmpuint (pb_http_response_get_status (response), ==, 200);
  g_assert_cmpuint (pb_http_response_get_attempts (response), ==, 2);
  g_assert_cmpfloat (elapsed, >=, 0.9);
  g_assert_cmpfloat (elapsed, <, 30.0);
}

static void
test_retry_after_capped (void)
{
  g_autoptr (PbHttpClient) client = new_client (ca_one);
  gint64 start;
  double elapsed;

  /* An HTTP-date an hour ahead, capped to the 600 ms maximum backoff: the
   * wait shows the date was read (the jittered backoff is at most 10 ms),
   * and the cap applied (not the hour). */
  pb_http_client_set_retry (client, 3, 10, 600);
  start = g_get_monotonic_time ();
  {
    g_autoptr (PbHttpResponse) response
        = get_ok (client, &tls_server, "/retry-after-date/3600?case=date");

    elapsed = seconds_since (start);
    g_assert_cmpuint (pb_http_response_get_status (response), ==, 200);
    g_assert_cmpuint (pb_http_response_get_attempts (response), ==, 2);
    g_assert_cmpfloat (elapsed, >=, 0.55);
    g_assert_cmpfloat (elapsed, <, 600.0);
  }

  /* Delta-seconds, capped the same way. */
  start = g_get_monotonic_time ();
  {
    g_autoptr (PbHttpResponse) response
        = get_ok (client, &tls_server, "/retry-after/3600?case=capped");

    elapsed = seconds_since (start);
    g_assert_cmpuint (pb_http_response_get_status (response), ==, 200);
    g_assert_cmpfloat (elapsed, >=, 0.55);
    g_assert_cmpfloat (elapsed, <, 600.0);
  }
}

static void
test_retries_exhausted (void)
{
  g_autoptr (PbHttpClient) client = new_client (ca_one);
  g_autoptr (PbHttpResponse) response = get_ok (client, &tls_server, "/status/500?case=exhausted");
  GBytes *body = pb_http_response_get_body (response);

  /* The last response comes back, for the caller to read. */
  g_assert_cmpuint (pb_http_response_get_status (response), ==, 500);
  g_assert_cmpuint (pb_http_response_get_attempts (response), ==, 3 + 1);
  g_assert_cmpmem (g_bytes_get_data (body, NULL), g_bytes_get_size (body), "status 4", 8);
  g_assert_cmpint (count_hits ("/status/500?case=exhausted"), ==, 4);
}

static void
test_client_error_not_retried (void)
{
  g_autoptr (PbHttpClient) client = new_client (ca_one);
  g_autoptr (PbHttpResponse) response = get_ok (client, &tls_server, "/status/400?case=bad");

  g_assert_cmpuint (pb_http_response_get_status (response), ==, 400);
  g_assert_cmpuint (pb_http_response_get_attempts (response), ==, 1);
  g_assert_cmpint (count_hits ("/status/400?case=bad"), ==, 1);
}

static void
test_post_retries (void)
{
  g_autoptr (PbHttpClient) client = new_client (ca_one);
  g_autofree char *server_error = url_on (&tls_server, "/status/500?case=post");
  g_autofree char *too_many = url_on (&tls_server, "/retry-after/0?case=post");
  g_autoptr (GError) error = NULL;
  g_autoptr (PbHttpResponse) first = NULL;
  g_autoptr (PbHttpResponse) second = NULL;

  /* The server may have acted on a POST that got a 500: never twice. */
  first = send_request (client, "POST", server_error, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pb_http_response_get_status (first), ==, 500);
  g_assert_cmpuint (pb_http_response_get_attempts (first), ==, 1);
  g_assert_cmpint (count_hits ("/status/500?case=post"), ==, 1);

  /* A 429 says it did not. */
  second = send_request (client, "POST", too_many, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pb_http_response_get_status (second), ==, 200);
  g_assert_cmpuint (pb_http_response_get_attempts (second), ==, 2);
}

/* Issue 18: the server acted on the POST, then reset the connection before
 * answering. The POST went out on the keep-alive connection a look-up had
 * just used; libcurl re-sends a request on its own when a reused connection
 * dies before the first byte of the answer. A POST must come back as a
 * failure after exactly one hit, for the caller to look up what happened. */
static void
test_post_reset_not_resent (void)
{
  g_autoptr (PbHttpClient) client = new_client (ca_one);
  g_autoptr (PbHttpResponse) lookup = NULL;
  g_autoptr (PbHttpResponse) response = NULL;
  g_autoptr (GError) error = NULL;
  const char *methods[] = { "POST", "PATCH" };

  for (gsize i = 0; i < G_N_ELEMENTS (methods); i++)
    {
      g_autofree char *target = g_strdup_printf ("/reset-then-200?case=%s", methods[i]);
      g_autofree char *method_url = url_on (&tls_server, target);

      g_clear_pointer (&lookup, pb_http_response_unref);
      g_clear_error (&error);
      /* The look-up first, as pb_ship does: its connection stays open. */
      lookup = get_ok (client, &tls_server, "/echo?case=lookup-before-create");
      g_assert_cmpuint (pb_http_response_get_status (lookup), ==, 200);

      response = send_request (client, methods[i], method_url, NULL, NULL, &error);
      g_assert_null (response);
      g_assert_error (error, PB_NET_ERROR, PB_NET_ERROR_FAILED);
      g_assert_nonnull (strstr (error->message, "broke off"));
      g_assert_cmpint (count_hits (target), ==, 1);
    }
}

/* A GET or DELETE that met the same reset is sent again (a look-up, or a
 * deletion whose repeat finds the order gone): the answer comes. */
static void
test_idempotent_reset_retried (void)
{
  g_autoptr (PbHttpClient) client = new_client (ca_one);
  const char *methods[] = { "GET", "DELETE", "PUT" };

  for (gsize i = 0; i < G_N_ELEMENTS (methods); i++)
    {
      g_autofree char *target = g_strdup_printf ("/reset-then-200?case=%s", methods[i]);
      g_autofree char *url = url_on (&tls_server, target);
      g_autoptr (PbHttpResponse) lookup = get_ok (client, &tls_server, "/echo?case=warm");
      g_autoptr (PbHttpResponse) response = NULL;
      g_autoptr (GError) error = NULL;

      response = send_request (client, methods[i], url, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (pb_http_response_get_status (response), ==, 200);
      g_assert_cmpint (count_hits (target), ==, 2);
    }
}

static void
test_no_redirect (void)
{
  g_autoptr (PbHttpClient) client = new_client (ca_one);
  g_autoptr (PbHttpResponse) response = get_ok (client, &tls_server, "/redirect");

  g_assert_cmpuint (pb_http_response_get_status (response), ==, 302);
  g_assert_cmpstr (pb_http_response_get_header (response, "location"), ==, "/echo");
}

static void
test_timeout (void)
{
  g_autoptr (PbHttpClient) client = new_client (ca_one);
  g_autofree char *url = url_on (&tls_server, "/stall/600?case=timeout");
  g_autoptr (GError) error = NULL;
  g_autoptr (PbHttpResponse) response = NULL;
  gint64 start = g_get_monotonic_time ();
  double elapsed;

  /* 5 s: long enough for a handshake on a loaded machine, so the timeout
   * is the answer's, not the connection's. */
  pb_http_client_set_timeouts (client, 30000, 5000);
  pb_http_client_set_retry (client, 1, 10, 10);
  response = send_request (client, "GET", url, NULL, NULL, &error);
  elapsed = seconds_since (start);

  g_assert_null (response);
  g_assert_error (error, PB_NET_ERROR, PB_NET_ERROR_TIMEOUT);
  g_assert_cmpstr (error->message, ==, "127.0.0.1 did not answer in time. Try again later.");
  /* Two attempts of 5 s each, not the server's ten minutes. */
  g_assert_cmpfloat (elapsed, >=, 9.95);
  g_assert_cmpfloat (elapsed, <, 120.0);
  g_assert_cmpint (count_hits ("/stall/600?case=timeout"), ==, 2);
}

static void
test_connect_refused (void)
{
  g_autoptr (PbHttpClient) client = new_client (ca_one);
  g_autoptr (GSocketListener) listener = g_socket_listener_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (PbHttpResponse) response = NULL;
  g_autofree char *url = NULL;
  guint16 port;

  /* A port that was free a moment ago, and is closed again. */
  port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  g_assert_no_error (error);
  g_socket_listener_close (listener);

  url = g_strdup_printf ("https://127.0.0.1:%u/echo", port);
  response = send_request (client, "GET", url, NULL, NULL, &error);
  g_assert_null (response);
  g_assert_error (error, PB_NET_ERROR, PB_NET_ERROR_CONNECT);
  g_assert_nonnull (strstr (error->message, "could not connect to 127.0.0.1"));
}

static void
test_cancel_during_backoff (void)
{
  g_autoptr (PbHttpClient) client = new_client (ca_one);
  g_autofree char *url = url_on (&tls_server, "/retry-after/60?case=cancel");

  /* The server asks for a minute; the cancel comes once it has seen the
   * first request, so during the 429's answer or the backoff after it. */
  pb_http_client_set_retry (client, 3, 60000, 60000);
  assert_cancelled_promptly (client, url, NULL, "/retry-after/60?case=cancel");
  g_assert_cmpint (count_hits ("/retry-after/60?case=cancel"), ==, 1);
}

static void
test_cancel_during_token_wait (void)
{
  g_autoptr (PbHttpClient) client = new_client (ca_one);
  g_autofree char *url = url_on (&tls_server, "/echo?case=cancel-token");
  g_autoptr (PbHttpResponse) first = NULL;
  g_autoptr (GError) error = NULL;

  /* One token, then the next in a minute. Whether the cancel comes before
   * or during the wait for it, no second request may go out. */
  pb_http_client_set_rate_limit (client, "slowOperation", 1.0 / 60, 1);
  first = send_request (client, "GET", url, "slowOperation", NULL, &error);
  g_assert_no_error (error);
  assert_cancelled_promptly (client, url, "slowOperation", NULL);
  g_assert_cmpint (count_hits ("/echo?case=cancel-token"), ==, 1);
}

static void
test_cancel_during_transfer (void)
{
  g_autoptr (PbHttpClient) client = new_client (ca_one);
  g_autofree char *url = url_on (&tls_server, "/stall/60?case=cancel-transfer");

  /* Cancelled while the server holds the answer back. */
  pb_http_client_set_timeouts (client, 2000, 120000);
  assert_cancelled_promptly (client, url, NULL, "/stall/60?case=cancel-transfer");
}

static void
test_rate_limit (void)
{
  g_autoptr (PbHttpClient) client = new_client (ca_one);
  g_autofree char *url = url_on (&tls_server, "/echo?case=rate");
  gint64 start;
  double elapsed;

  /* 2 per second, burst 1: the third call waits for its token until 1 s. */
  pb_http_client_set_rate_limit (client, "getOrder", 2, 1);
  start = g_get_monotonic_time ();
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (PbHttpResponse) response
          = send_request (client, "GET", url, "getOrder", NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (pb_http_response_get_status (response), ==, 200);
    }
  elapsed = seconds_since (start);
  g_assert_cmpfloat (elapsed, >=, 0.9);
  g_assert_cmpfloat (elapsed, <, 60.0);

  /* Other operations are not held back: getOrder's empty bucket now
   * refills in ten minutes, and searchOrders does not wait for it. */
  pb_http_client_set_rate_limit (client, "getOrder", 1.0 / 600, 1);
  start = g_get_monotonic_time ();
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (PbHttpResponse) response
          = send_request (client, "GET", url, "searchOrders", NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (pb_http_response_get_status (response), ==, 200);
    }
  g_assert_cmpfloat (seconds_since (start), <, 120.0);
}

typedef struct
{
  GMainLoop *loop;
  PbHttpClient *client;
  guint pending;
  guint ok;
  guint cancelled;
} AsyncState;

static void
on_send_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AsyncState *state = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (PbHttpResponse) response = NULL;

  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  g_assert_true (PB_HTTP_CLIENT (source) == state->client);

  response = pb_http_client_send_finish (state->client, result, &error);
  if (response != NULL)
    {
      g_assert_cmpuint (pb_http_response_get_status (response), ==, 200);
      state->ok++;
    }
  else
    {
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      state->cancelled++;
    }

  if (--state->pending == 0)
    g_main_loop_quit (state->loop);
}

static void
test_async (void)
{
  g_autoptr (PbHttpClient) client = new_client (ca_one);
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  AsyncState state = { loop, client, 0, 0, 0 };
  g_autofree char *stall = url_on (&tls_server, "/stall/60?case=async");
  CancelLater later = { cancellable, "/stall/60?case=async", 0, FALSE };
  GThread *thread;
  const char *headers[] = { "X-Case: async", NULL };

  /* Five at once from one client, each request freed right after the
   * call: the client copies it. */
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *target = g_strdup_printf ("/echo?case=async-%u", i);
      g_autofree char *url = url_on (&tls_server, target);
      g_autofree char *method = g_strdup ("GET");
      PbHttpRequest request = { .method = method, .url = url, .headers = headers };

      pb_http_client_send_async (client, &request, NULL, on_send_done_cb, &state);
      state.pending++;
    }

  /* And one cancelled while the server holds its answer back. */
  {
    PbHttpRequest request = { .method = "GET", .url = stall };

    pb_http_client_send_async (client, &request, cancellable, on_send_done_cb, &state);
    state.pending++;
    thread = g_thread_new ("cancel-later", cancel_later_cb, &later);
  }

  g_main_loop_run (loop);
  g_thread_join (thread);
  g_assert_true (later.seen);
  g_assert_cmpuint (state.ok, ==, 5);
  g_assert_cmpuint (state.cancelled, ==, 1);
}

static void
test_plain_http (void)
{
  g_autoptr (PbHttpClient) client = new_client (ca_one);
  const char *refused[] = {
    "http://example.com/orders", "http://192.0.2.1/orders", "http://localhost.example.com/",
    "ftp://127.0.0.1/file",      "file:///etc/passwd",      "not a web address",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (PbHttpResponse) response = NULL;

      /* INVALID, not CONNECT or TIMEOUT: refused before any connection. */
      response = send_request (client, "GET", refused[i], NULL, NULL, &error);
      g_test_message ("%s: %s", refused[i], error != NULL ? error->message : "(no error)");
      g_assert_null (response);
      g_assert_error (error, PB_NET_ERROR, PB_NET_ERROR_INVALID);
    }

  {
    g_autoptr (GError) error = NULL;
    g_autoptr (PbHttpResponse) response
        = send_request (client, "GET", "http://example.com/orders", NULL, NULL, &error);

    g_assert_null (response);
    g_assert_cmpstr (error->message, ==,
                     "Packbench sends data to example.com only over HTTPS, but the address of "
                     "the service starts with “http:”.");
  }

  /* Loopback may use plain HTTP: the local test and demo servers. */
  {
    char *loopback_urls[] = {
      url_on (&plain_server, "/echo?case=plain"),
      g_strdup_printf ("http://localhost:%u/echo?case=plain", plain_server.port),
    };

    for (gsize i = 0; i < G_N_ELEMENTS (loopback_urls); i++)
      {
        g_autoptr (GError) error = NULL;
        g_autoptr (PbHttpResponse) response
            = send_request (client, "GET", loopback_urls[i], NULL, NULL, &error);

        g_assert_no_error (error);
        g_assert_cmpuint (pb_http_response_get_status (response), ==, 200);
        g_free (loopback_urls[i]);
      }
  }
}

static void
test_invalid_request (void)
{
  g_autoptr (PbHttpClient) client = new_client (ca_one);
  g_autofree char *url = url_on (&tls_server, "/echo?case=invalid");
  const char *injected[] = { "X-Test: a\r\nX-Evil: b", NULL };
  const char *nameless[] = { "no colon here", NULL };
  const PbHttpRequest requests[] = {
    { .method = "GET", .url = url, .headers = injected },
    { .method = "GET", .url = url, .headers = nameless },
    { .method = "GET / HTTP/1.1\r\n", .url = url },
    { .method = "POST", .url = url, .content_type = "text/plain\r\nX-Evil: b" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (requests); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (PbHttpResponse) response
          = pb_http_client_send (client, &requests[i], NULL, &error);

      g_assert_null (response);
      g_assert_error (error, PB_NET_ERROR, PB_NET_ERROR_INVALID);
    }

  g_assert_cmpint (count_hits ("/echo?case=invalid"), ==, 0);
}

static void
test_redact_url (void)
{
  const struct
  {
    const char *url;
    const char *redacted;
  } cases[] = {
    { "https://sellingpartnerapi-eu.amazon.com/orders/2026-01-01/orders?marketplaceIds="
      "A1F83G8C2ARO7P&createdAfter=2026-01-01T00%3A00%3A00Z",
      "/orders/2026-01-01/orders?marketplaceIds=…&createdAfter=…" },
    { "https://api.example.com/orders/123-456/items", "/orders/123-456/items" },
    { "https://user:secret@api.example.com:8443/a?token=abc#frag", "/a?token=…" },
    { "https://api.example.com", "/" },
    { "https://api.example.com?key=value", "/?key=…" },
    { "https://api.example.com/a?bare&x=&y=1", "/a?…&x=…&y=…" },
    { "https://api.example.com/a?x=1&&y=2", "/a?x=…&&y=…" },
    { "https://api.example.com/a?", "/a?" },
    { "http://127.0.0.1:8080/path/with%20space?q=a=b", "/path/with%20space?q=…" },
    { "/relative?code=123", "/relative?code=…" },
    { "https://api.example.com/a#x?y=1", "/a" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *redacted = pb_http_redact_url (cases[i].url);

      g_assert_cmpstr (redacted, ==, cases[i].redacted);
    }
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir_one = NULL;
  g_autofree char *dir_two = NULL;
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  int result;

  g_test_init (&argc, &argv, NULL);
  g_log_set_writer_func (count_retries_writer, NULL, NULL);

  cert_dir = g_dir_make_tmp ("pb-test-http-XXXXXX", &error);
  g_assert_no_error (error);
  dir_one = g_build_filename (cert_dir, "one", NULL);
  dir_two = g_build_filename (cert_dir, "two", NULL);
  make_certificates (dir_one);
  make_certificates (dir_two);
  ca_one = g_build_filename (dir_one, "ca.pem", NULL);
  ca_two = g_build_filename (dir_two, "ca.pem", NULL);
  cert = g_build_filename (dir_one, "server.pem", NULL);
  key = g_build_filename (dir_one, "server.key", NULL);

  start_server (&tls_server, (const char *const[]){ "--cert", cert, "--key", key, NULL });
  start_server (&tls11_server,
                (const char *const[]){ "--cert", cert, "--key", key, "--tls-max", "1.1", NULL });
  start_server (&plain_server, (const char *const[]){ "--plain", NULL });

  g_test_add_func ("/http/get", test_get);
  g_test_add_func ("/http/user-agent", test_user_agent);
  g_test_add_func ("/http/response-headers", test_response_headers);
  g_test_add_func ("/http/methods-and-body", test_methods_and_body);
  g_test_add_func ("/http/unknown-ca", test_unknown_ca);
  g_test_add_func ("/http/tls-version", test_tls_version);
  g_test_add_func ("/http/retry-then-success", test_retry_then_success);
  g_test_add_func ("/http/retry-after-seconds", test_retry_after_seconds);
  g_test_add_func ("/http/retry-after-capped", test_retry_after_capped);
  g_test_add_func ("/http/retries-exhausted", test_retries_exhausted);
  g_test_add_func ("/http/client-error-not-retried", test_client_error_not_retried);
  g_test_add_func ("/http/post-retries", test_post_retries);
  g_test_add_func ("/http/post-reset-not-resent", test_post_reset_not_resent);
  g_test_add_func ("/http/idempotent-reset-retried", test_idempotent_reset_retried);
  g_test_add_func ("/http/no-redirect", test_no_redirect);
  g_test_add_func ("/http/timeout", test_timeout);
  g_test_add_func ("/http/connect-refused", test_connect_refused);
  g_test_add_func ("/http/cancel-during-backoff", test_cancel_during_backoff);
  g_test_add_func ("/http/cancel-during-token-wait", test_cancel_during_token_wait);
  g_test_add_func ("/http/cancel-during-transfer", test_cancel_during_transfer);
  g_test_add_func ("/http/rate-limit", test_rate_limit);
  g_test_add_func ("/http/async", test_async);
  g_test_add_func ("/http/plain-http", test_plain_http);
  g_test_add_func ("/http/invalid-request", test_invalid_request);
  g_test_add_func ("/http/redact-url", test_redact_url);

  result = g_test_run ();

  stop_server (&tls_server);
  stop_server (&tls11_server);
  stop_server (&plain_server);

  /* Two certificate folders of known files. */
  {
    const char *folders[] = { dir_one, dir_two };

    for (gsize i = 0; i < G_N_ELEMENTS (folders); i++)
      {
        g_autoptr (GDir) dir = g_dir_open (folders[i], 0, NULL);
        const char *name;

        while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
          {
            g_autofree char *path = g_build_filename (folders[i], name, NULL);

            g_unlink (path);
          }
        g_rmdir (folders[i]);
      }
    g_rmdir (cert_dir);
  }

  g_free (ca_one);
  g_free (ca_two);
  g_free (cert_dir);

  return result;
}
