/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Ingest: one full sync of every order the local SP-API server holds, into
 * a fresh SQLCipher store or, with --plain, the same code on an
 * unencrypted database. perf/bench-ingest.py starts the server and
 * compares the two in one run. Prints one JSON line. */
#include "config.h"

#include <glib/gstdio.h>
#include <sys/resource.h>

#include "station/pb-services.h"
#include "station/pb-sync.h"
#include "store/pb-keyslots.h"
#include "store/pb-orders.h"
#include "store/pb-settings.h"
#include "store/pb-store-private.h"
#include "util/pb-secure.h"

static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec
         + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PbStore) store = NULL;
  g_autoptr (PbHttpClient) http = NULL;
  g_autoptr (PbAmazonClient) amazon = NULL;
  g_autofree char *dir = NULL;
  const char *endpoint, *ca_file, *client_id, *client_secret, *refresh_token;
  gboolean plain;
  guint8 key[PB_MASTER_KEY_LEN];
  PbSyncResult result;
  double cpu_start, cpu;
  gint64 wall_start, wall;

  if (argc < 6)
    {
      g_printerr ("usage: bench-ingest ENDPOINT CA CLIENT_ID CLIENT_SECRET REFRESH_TOKEN "
                  "[--plain]\n");
      return 2;
    }
  endpoint = argv[1];
  ca_file = argv[2];
  client_id = argv[3];
  client_secret = argv[4];
  refresh_token = argv[5];
  plain = argc > 6 && g_str_equal (argv[6], "--plain");

  dir = g_dir_make_tmp ("pb-bench-ingest-XXXXXX", &error);
  g_assert_no_error (error);
  if (plain)
    store = pb_store_create_unencrypted_for_benchmark (dir, &error);
  else
    {
      pb_random_bytes (key, sizeof key);
      store = pb_store_create (dir, key, "00112233445566778899aabbccddeeff", &error);
    }
  g_assert_no_error (error);

  {
    g_autofree char *lwa = g_strconcat (endpoint, "/auth/o2/token", NULL);
    const char *settings[][2] = {
      { "amazon.endpoint", endpoint },           { "amazon.lwa_endpoint", lwa },
      { "amazon.client_id", client_id },         { "amazon.client_secret", client_secret },
      { "amazon.refresh_token", refresh_token }, { "tls.ca_file", ca_file },
      { "amazon.rate.search_orders", "off" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (settings); i++)
      if (!pb_settings_set (store, settings[i][0], settings[i][1], "bench", &error))
        g_error ("%s", error->message);
  }

  http = pb_services_new_http_client (store);
  amazon = pb_services_new_amazon_client (store, http);

  cpu_start = cpu_seconds ();
  wall_start = g_get_monotonic_time ();
  if (!pb_sync_run (store, amazon, "bench", NULL, NULL, &result, NULL, &error))
    g_error ("%s", error->message);
  wall = (double)(g_get_monotonic_time () - wall_start);
  cpu = cpu_seconds () - cpu_start;

  g_print ("{\"store\": \"%s\", \"orders\": %u, \"pages\": %u, \"stored\": %" G_GINT64_FORMAT
           ", \"wall_s\": %.3f, \"cpu_s\": %.3f, \"orders_per_s\": %.0f,"
           " \"cpu_s_per_1000\": %.4f}\n",
           plain ? "plain" : "sqlcipher", result.orders, result.pages,
           pb_orders_count (store, NULL), wall / 1e6, cpu, result.orders / (wall / 1e6),
           cpu * 1000.0 / MAX (result.orders, 1));

  pb_store_close (store);
  {
    const char *names[]
        = { "packbench.db", "packbench.db-wal", "packbench.db-shm", "packbench.lock" };
    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      {
        g_autofree char *path = g_build_filename (dir, names[i], NULL);
        g_unlink (path);
      }
    g_rmdir (dir);
  }
  return 0;
}
