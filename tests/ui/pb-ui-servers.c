/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#ifdef __linux__
#include <signal.h>
#include <sys/prctl.h>
#endif

#include <glib/gstdio.h>

#include "net/pb-http.h"
#include "pb-ui-servers.h"
#include "royalmail/pb-royalmail-client.h"
#include "store/pb-labels.h"
#include "util/pb-clock.h"

#define PYTHON "/usr/bin/python3"
#define API_KEY "pb-test-clickdrop-key"

#ifdef __linux__
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}
#endif

static GSubprocess *
spawn (GSubprocessFlags flags, const char *const *argv)
{
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (flags);
  g_autoptr (GError) error = NULL;
  GSubprocess *process;

#ifdef __linux__
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
#endif
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  return process;
}

static char *
read_line (GDataInputStream *lines)
{
  g_autoptr (GError) error = NULL;
  char *line = g_data_input_stream_read_line (lines, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (line);
  return line;
}

static guint
reserve_port (void)
{
  g_autoptr (GSocket) socket = NULL;
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) bound = NULL;
  g_autoptr (GError) error = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (socket, address, TRUE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static void
start_printing (PbUiServers *self)
{
  g_autofree char *sink_script
      = g_test_build_filename (G_TEST_DIST, "servers", "printer_sink.py", NULL);
  g_autofree char *cupsd_script = g_test_build_filename (G_TEST_DIST, "servers", "cupsd.py", NULL);
  g_autofree char *jobs = g_build_filename (self->dir, "jobs", NULL);
  g_autofree char *port_line = NULL;
  g_autofree char *sink_uri = NULL;
  g_autofree char *cups_port = g_strdup_printf ("%u", reserve_port ());
  g_autofree char *server = g_strdup_printf ("127.0.0.1:%s", cups_port);
  g_autoptr (GDataInputStream) lines = NULL;
  g_autofree char *first = NULL;

  g_assert_cmpint (g_mkdir (jobs, 0700), ==, 0);
  {
    const char *argv[] = { PYTHON, sink_script, "--dir", jobs, NULL };

    /* The sink stops when its stdin closes. */
    self->sink = spawn (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, argv);
  }
  self->sink_lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->sink));
  port_line = read_line (self->sink_lines);
  sink_uri = g_strdup_printf ("socket://127.0.0.1:%s", port_line);

  g_setenv ("CUPS_SERVER", server, TRUE);
  {
    const char *argv[] = { PYTHON,      cupsd_script, "--port",    cups_port,   "--raw",
                           "documents", sink_uri,     "--default", "documents", NULL };

    self->cupsd = spawn (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, argv);
  }
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->cupsd));
  first = read_line (lines);
  g_assert_true (g_str_has_prefix (first, "CUPS_SERVER="));
  g_assert_cmpstr (first + strlen ("CUPS_SERVER="), ==, server);
  /* The second line names its folder; read it so that the pipe can close. */
  g_free (read_line (lines));
}

void
pb_ui_servers_start (PbUiServers *self, gboolean printing)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDataInputStream) out = NULL;
  g_autofree char *certs = g_test_build_filename (G_TEST_DIST, "servers", "pbcerts.py", NULL);
  g_autofree char *script
      = g_test_build_filename (G_TEST_DIST, "servers", "clickdrop_server.py", NULL);
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  g_autofree char *line = NULL;
  int status = 0;

  memset (self, 0, sizeof *self);
  self->dir = g_dir_make_tmp ("pb-ui-servers-XXXXXX", &error);
  g_assert_no_error (error);
  {
    const char *argv[] = { PYTHON, certs, self->dir, NULL };

    g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, NULL,
                  &status, &error);
    g_assert_no_error (error);
    g_spawn_check_wait_status (status, &error);
    g_assert_no_error (error);
  }
  self->ca = g_build_filename (self->dir, "ca.pem", NULL);
  cert = g_build_filename (self->dir, "server.pem", NULL);
  key = g_build_filename (self->dir, "server.key", NULL);
  {
    const char *argv[] = { PYTHON,      script,  "--cert",           cert, "--key", key,
                           "--api-key", API_KEY, "--manifest-polls", "0",  NULL };

    self->clickdrop = spawn (G_SUBPROCESS_FLAGS_STDOUT_PIPE, argv);
  }
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->clickdrop));
  line = read_line (out);
  g_assert_true (g_str_has_prefix (line, "PORT "));
  self->clickdrop_port = (guint)g_ascii_strtoull (line + 5, NULL, 10);

  if (printing)
    start_printing (self);
}

static void
remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          remove_tree (child);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

static void
close_stdin (GSubprocess *process)
{
  g_output_stream_close (g_subprocess_get_stdin_pipe (process), NULL, NULL);
  g_subprocess_wait (process, NULL, NULL);
}

void
pb_ui_servers_stop (PbUiServers *self)
{
  if (self->cupsd != NULL)
    close_stdin (self->cupsd);
  if (self->sink != NULL)
    close_stdin (self->sink);
  g_subprocess_send_signal (self->clickdrop, SIGTERM);
  g_subprocess_wait (self->clickdrop, NULL, NULL);
  g_clear_object (&self->cupsd);
  g_clear_object (&self->sink_lines);
  g_clear_object (&self->sink);
  g_clear_object (&self->clickdrop);
  remove_tree (self->dir);
  g_clear_pointer (&self->dir, g_free);
  g_clear_pointer (&self->ca, g_free);
}

void
pb_ui_servers_configure (PbUiServers *self, PbSession *session)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *endpoint = g_strdup_printf ("https://127.0.0.1:%u/api/v1", self->clickdrop_port);
  const char *pairs[][2] = {
    { "royalmail.endpoint", endpoint }, { "royalmail.api_key", API_KEY },
    { "tls.ca_file", self->ca },        { "net.max_retries", "0" },
    { "print.timeout_seconds", "20" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (pairs); i++)
    {
      g_assert_true (pb_session_set_setting (session, pairs[i][0], pairs[i][1], &error));
      g_assert_no_error (error);
    }
}

static PbHttpClient *
new_http (PbUiServers *self)
{
  PbHttpClient *http = pb_http_client_new ();

  pb_http_client_set_ca_file (http, self->ca);
  pb_http_client_set_timeouts (http, 2000, 10000);
  pb_http_client_set_retry (http, 0, 10, 200);
  return http;
}

JsonNode *
pb_ui_servers_control (PbUiServers *self, const char *method, const char *path)
{
  g_autoptr (PbHttpClient) http = new_http (self);
  g_autoptr (GError) error = NULL;
  g_autoptr (PbHttpResponse) response = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *url
      = g_strdup_printf ("https://127.0.0.1:%u/_test/%s", self->clickdrop_port, path);
  PbHttpRequest request = { .method = method, .url = url };
  GBytes *reply;
  gsize length = 0;
  const char *data;

  response = pb_http_client_send (http, &request, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pb_http_response_get_status (response), <, 300);
  reply = pb_http_response_get_body (response);
  data = reply ? g_bytes_get_data (reply, &length) : NULL;
  if (data == NULL || length == 0)
    return NULL;
  json_parser_load_from_data (parser, data, (gssize)length, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

void
pb_ui_servers_buy_label (PbUiServers *self, PbSession *session, const char *order_id)
{
  PbStore *store = pb_session_get_store (session);
  g_autoptr (PbHttpClient) http = new_http (self);
  g_autofree char *endpoint = g_strdup_printf ("https://127.0.0.1:%u/api/v1", self->clickdrop_port);
  g_autoptr (PbRoyalMailClient) client = pb_royalmail_client_new (http, endpoint, API_KEY);
  g_autoptr (PbRoyalMailOrder) order = NULL;
  g_autoptr (GError) error = NULL;
  PbRoyalMailItem item = {
    .name = "Tea towel",
    .sku = "TEA-1",
    .quantity = 1,
    .unit_value = "9.99",
    .unit_weight_g = 200,
  };
  PbRoyalMailShipment shipment = {
    .reference = order_id,
    .full_name = "Ada Lovelace",
    .address_line1 = "1 Example Street",
    .city = "London",
    .postcode = "SW1A 1AA",
    .country_code = "GB",
    .order_date = pb_clock_now_unix () - 3600,
    .subtotal = "9.99",
    .shipping = "0",
    .total = "9.99",
    .currency = "GBP",
    .service_code = "TPN24",
    .package_format = "smallParcel",
    .weight_g = 200,
    .items = &item,
    .n_items = 1,
  };

  order = pb_royalmail_client_create (client, &shipment, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (order->tracking_number);
  g_assert_nonnull (order->label);
  g_assert_true (pb_store_begin (store, &error));
  g_assert_true (pb_labels_store (store, order_id, order->order_identifier, order->tracking_number,
                                  "TPN24", "smallParcel", 200, order->label, "admin",
                                  pb_clock_now_unix (), &error));
  g_assert_no_error (error);
  g_assert_true (pb_store_commit (store, &error));
}

GBytes *
pb_ui_servers_next_job (PbUiServers *self)
{
  g_autofree char *line = read_line (self->sink_lines);
  g_auto (GStrv) fields = g_strsplit (line, " ", 4);
  g_autoptr (GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_assert_cmpuint (g_strv_length (fields), ==, 4);
  g_assert_cmpstr (fields[0], ==, "JOB");
  g_file_get_contents (fields[3], &contents, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, length);
}
