/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "net/pb-http.h"
#include "pb-ui-servers.h"
#include "pb-test-servers.h"
#include "royalmail/pb-royalmail-client.h"
#include "station/pb-backup.h"
#include "store/pb-labels.h"
#include "util/pb-clock.h"

static void
start_printing (PbUiServers *self)
{
  g_autofree char *sink_script
      = g_test_build_filename (G_TEST_DIST, "servers", "printer_sink.py", NULL);
  g_autofree char *cupsd_script = g_test_build_filename (G_TEST_DIST, "servers", "cupsd.py", NULL);
  g_autofree char *jobs = g_build_filename (self->dir, "jobs", NULL);
  g_autofree char *port_line = NULL;
  g_autofree char *sink_uri = NULL;
  g_autofree char *cups_port = g_strdup_printf ("%u", pb_test_reserve_port ());
  g_autofree char *server = g_strdup_printf ("127.0.0.1:%s", cups_port);
  g_autoptr (GDataInputStream) lines = NULL;
  g_autofree char *first = NULL;

  g_assert_cmpint (g_mkdir (jobs, 0700), ==, 0);
  {
    const char *argv[] = { PB_TEST_PYTHON, sink_script, "--dir", jobs, NULL };

    /* The sink stops when its stdin closes. */
    self->sink
        = pb_test_spawn (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, argv);
  }
  self->sink_lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->sink));
  port_line = pb_test_read_line (self->sink_lines);
  sink_uri = g_strdup_printf ("socket://127.0.0.1:%s", port_line);

  g_setenv ("CUPS_SERVER", server, TRUE);
  {
    const char *argv[] = { PB_TEST_PYTHON, cupsd_script, "--port",    cups_port,   "--raw",
                           "documents",    sink_uri,     "--default", "documents", NULL };

    self->cupsd
        = pb_test_spawn (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, argv);
  }
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->cupsd));
  first = pb_test_read_line (lines);
  g_assert_true (g_str_has_prefix (first, "CUPS_SERVER="));
  g_assert_cmpstr (first + strlen ("CUPS_SERVER="), ==, server);
  /* The second line names its folder; read it so that the pipe can close. */
  g_free (pb_test_read_line (lines));
}

void
pb_ui_servers_start (PbUiServers *self, gboolean printing)
{
  g_autoptr (GError) error = NULL;

  memset (self, 0, sizeof *self);
  pb_test_clickdrop_start (&self->clickdrop, "pb-ui-clickdrop-XXXXXX", "0");
  self->dir = g_dir_make_tmp ("pb-ui-servers-XXXXXX", &error);
  g_assert_no_error (error);
  if (printing)
    start_printing (self);
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
  pb_test_clickdrop_stop (&self->clickdrop);
  g_clear_object (&self->cupsd);
  g_clear_object (&self->sink_lines);
  g_clear_object (&self->sink);
  pb_remove_tree (self->dir, NULL);
  g_clear_pointer (&self->dir, g_free);
}

void
pb_ui_servers_configure (PbUiServers *self, PbSession *session)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *endpoint = g_strdup_printf ("https://127.0.0.1:%u/api/v1", self->clickdrop.port);
  const char *pairs[][2] = {
    { "royalmail.endpoint", endpoint },    { "royalmail.api_key", PB_TEST_CLICKDROP_API_KEY },
    { "tls.ca_file", self->clickdrop.ca }, { "net.max_retries", "0" },
    { "print.timeout_seconds", "60" },
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

  pb_http_client_set_ca_file (http, self->clickdrop.ca);
  pb_http_client_set_timeouts (http, 30000, 60000); /* bounds for a loaded machine */
  pb_http_client_set_retry (http, 0, 10, 200);
  return http;
}

JsonNode *
pb_ui_servers_control (PbUiServers *self, const char *method, const char *path)
{
  g_autoptr (PbHttpClient) http = new_http (self);

  return pb_test_clickdrop_control (&self->clickdrop, http, method, path, NULL);
}

void
pb_ui_servers_buy_label (PbUiServers *self, PbSession *session, const char *order_id)
{
  PbStore *store = pb_session_get_store (session);
  g_autoptr (PbHttpClient) http = new_http (self);
  g_autofree char *endpoint = g_strdup_printf ("https://127.0.0.1:%u/api/v1", self->clickdrop.port);
  g_autoptr (PbRoyalMailClient) client
      = pb_royalmail_client_new (http, endpoint, PB_TEST_CLICKDROP_API_KEY);
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
  return pb_test_sink_next_job (self->sink_lines);
}
