/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The bench's background work against the local SP-API server over TLS:
 * timed syncs report progress and results in the main loop, and a server
 * that goes away becomes the station's last error. */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "station/pb-backup.h"
#include "station/pb-station.h"
#include "store/pb-keyslots.h"
#include "store/pb-orders.h"
#include "store/pb-settings.h"
#include "util/pb-secure.h"

typedef struct
{
  char *dir;
  char *certs;
  char *ca;
  GSubprocess *server;
  guint port;
  PbStore *store;
  guint finished;
  gboolean last_ok;
  char *last_message;
  guint last_new;
  guint progress_calls;
  guint max_pages;
} Fixture;

static char *
server_script (const char *name)
{
  return g_build_filename (g_getenv ("G_TEST_SRCDIR"), "servers", name, NULL);
}

static void
start_server (Fixture *fixture, guint orders)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *script = server_script ("spapi_server.py");
  g_autofree char *cert = g_build_filename (fixture->certs, "server.pem", NULL);
  g_autofree char *key = g_build_filename (fixture->certs, "server.key", NULL);
  g_autofree char *count = g_strdup_printf ("%u", orders);
  g_autoptr (GDataInputStream) out = NULL;
  g_autofree char *line = NULL;

  fixture->server = g_subprocess_new (
      G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
      "/usr/bin/python3", script, "--cert", cert, "--key", key, "--orders", count, "--client-id",
      "station-test", "--client-secret", "station-secret", "--refresh-token", "Atzr|station", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fixture->server));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "PORT "));
  fixture->port = (guint)g_ascii_strtoull (line + 5, NULL, 10);
}

static void
set (Fixture *fixture, const char *key, const char *value)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (pb_settings_set (fixture->store, key, value, "test", &error));
  g_assert_no_error (error);
}

static void
set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *script = server_script ("pbcerts.py");
  g_autofree char *endpoint = NULL;
  g_autofree char *lwa = NULL;
  guint8 key[PB_MASTER_KEY_LEN];
  int status = 0;

  fixture->dir = g_dir_make_tmp ("pb-station-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->certs = g_build_filename (fixture->dir, "certs", NULL);
  fixture->ca = g_build_filename (fixture->certs, "ca.pem", NULL);
  {
    const char *argv[] = { "/usr/bin/python3", script, fixture->certs, NULL };
    g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, NULL,
                  &status, &error);
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }
  start_server (fixture, 250);

  pb_random_bytes (key, sizeof key);
  {
    g_autofree char *store_dir = g_build_filename (fixture->dir, "store", NULL);
    fixture->store = pb_store_create (store_dir, key, "00112233445566778899aabbccddeeff", &error);
    g_assert_no_error (error);
  }
  endpoint = g_strdup_printf ("https://127.0.0.1:%u", fixture->port);
  lwa = g_strdup_printf ("https://127.0.0.1:%u/auth/o2/token", fixture->port);
  set (fixture, "amazon.endpoint", endpoint);
  set (fixture, "amazon.lwa_endpoint", lwa);
  set (fixture, "amazon.client_id", "station-test");
  set (fixture, "amazon.client_secret", "station-secret");
  set (fixture, "amazon.refresh_token", "Atzr|station");
  set (fixture, "tls.ca_file", fixture->ca);
  set (fixture, "net.max_retries", "1");
  set (fixture, "net.retry_base_ms", "50");
  set (fixture, "net.connect_timeout_seconds", "2");
  set (fixture, "amazon.rate.search_orders", "off");
}

static void
tear_down (Fixture *fixture, gconstpointer data)
{
  if (fixture->server != NULL)
    {
      g_subprocess_force_exit (fixture->server);
      g_subprocess_wait (fixture->server, NULL, NULL);
      g_clear_object (&fixture->server);
    }
  if (fixture->store != NULL)
    pb_store_close (fixture->store);
  g_clear_object (&fixture->store);
  pb_remove_tree (fixture->dir, NULL);
  g_free (fixture->dir);
  g_free (fixture->certs);
  g_free (fixture->ca);
  g_free (fixture->last_message);
}

static void
on_progress_cb (PbStation *station, guint pages, guint orders, Fixture *fixture)
{
  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  fixture->progress_calls++;
  fixture->max_pages = MAX (fixture->max_pages, pages);
}

static void
on_finished_cb (PbStation *station, gboolean ok, const char *message, guint new_orders,
                guint updated, guint cancelled, Fixture *fixture)
{
  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  fixture->finished++;
  fixture->last_ok = ok;
  fixture->last_new = new_orders + cancelled;
  g_free (fixture->last_message);
  fixture->last_message = g_strdup (message);
}

static void
wait_for_syncs (Fixture *fixture, guint count)
{
  gint64 deadline = g_get_monotonic_time () + 90 * G_TIME_SPAN_SECOND;

  while (fixture->finished < count && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (fixture->finished, >=, count);
}

static void
test_timed_syncs (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PbStation) station = pb_station_new (fixture->store, &error);

  g_assert_no_error (error);
  g_signal_connect (station, "sync-progress", G_CALLBACK (on_progress_cb), fixture);
  g_signal_connect (station, "sync-finished", G_CALLBACK (on_finished_cb), fixture);
  pb_station_set_sync_interval (station, 1);
  pb_station_start (station);
  g_assert_true (pb_station_get_busy (station));

  /* The first sync at once brings everything in, page by page. */
  wait_for_syncs (fixture, 1);
  g_assert_true (fixture->last_ok);
  g_assert_null (fixture->last_message);
  g_assert_cmpuint (fixture->last_new, ==, 250);
  g_assert_cmpuint (fixture->max_pages, ==, 3);
  g_assert_cmpuint (fixture->progress_calls, >=, 3);
  g_assert_cmpint (pb_orders_count (fixture->store, NULL), ==, 250);
  g_assert_cmpint (pb_station_get_last_sync (station), >, 0);
  g_assert_null (pb_station_get_last_error (station));

  /* The timer brings the next one; nothing new. */
  wait_for_syncs (fixture, 2);
  g_assert_true (fixture->last_ok);
  g_assert_cmpuint (fixture->last_new, ==, 0);

  /* Amazon goes away: the station says so, and keeps going. */
  g_subprocess_force_exit (fixture->server);
  g_subprocess_wait (fixture->server, NULL, NULL);
  g_clear_object (&fixture->server);
  /* A sync the timer started before the server went may still be running
   * (and may succeed): let it end first; every sync after it must fail. */
  while (pb_station_get_busy (station))
    g_main_context_iteration (NULL, TRUE);
  pb_station_sync_now (station);
  wait_for_syncs (fixture, fixture->finished + 1);
  g_assert_false (fixture->last_ok);
  g_assert_nonnull (fixture->last_message);
  g_assert_cmpstr (pb_station_get_last_error (station), ==, fixture->last_message);

  pb_station_stop (station);
  while (pb_station_get_busy (station))
    g_main_context_iteration (NULL, TRUE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/station/timed-syncs", Fixture, NULL, set_up, test_timed_syncs, tear_down);

  return g_test_run ();
}
