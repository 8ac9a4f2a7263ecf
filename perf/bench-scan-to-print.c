/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Scan to job accepted, with the label already stored: read the label
 * from the SQLCipher store, (in ZPL mode) render and encode it, and hand
 * it to CUPS until CUPS has accepted the job. perf/bench-scan-to-print.py
 * starts a private cupsd and a printer sink and runs this. Prints one
 * JSON line with the latencies. */
#include "config.h"

#include <glib/gstdio.h>

#include "print/pb-label.h"
#include "print/pb-print-job.h"
#include "store/pb-keyslots.h"
#include "store/pb-labels.h"
#include "store/pb-orders.h"
#include "store/pb-store-private.h"
#include "util/pb-secure.h"

static int
compare (gconstpointer a, gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PbStore) store = NULL;
  g_autoptr (GBytes) label = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *dir = g_dir_make_tmp ("pb-bench-scan-XXXXXX", &error);
  const char *printer = argc > 1 ? argv[1] : "labels-zpl";
  gboolean zpl = argc > 2 && g_str_equal (argv[2], "zpl");
  guint runs = argc > 3 ? (guint)g_ascii_strtoull (argv[3], NULL, 10) : 50;
  g_autofree double *ms = g_new0 (double, runs);
  guint8 key[PB_MASTER_KEY_LEN];

  g_assert_no_error (error);
  pb_random_bytes (key, sizeof key);
  store = pb_store_create (dir, key, "00112233445566778899aabbccddeeff", &error);
  g_assert_no_error (error);

  /* One order with its label stored, as after a sync and a purchase. */
  label = pb_label_make_test_pdf ("bench", now, &error);
  g_assert_no_error (error);
  if (!pb_store_exec (store,
                      "INSERT INTO orders (id, state, amazon_status, purchased_at,"
                      " amazon_updated_at, first_seen_at, last_synced_at)"
                      " VALUES ('026-0000000-0000001', 'unshipped', 'UNSHIPPED', 1, 1, 1, 1)",
                      &error)
      || !pb_labels_store (store, "026-0000000-0000001", 1, "RM000000001GB", "TPN24", "smallParcel",
                           300, label, "bench", 1, &error))
    g_error ("%s", error->message);

  for (guint i = 0; i < runs; i++)
    {
      g_autoptr (GBytes) pdf = NULL;
      g_autoptr (PbPrintJob) job = NULL;
      PbPrintRequest request = { 0 };
      gint64 start = g_get_monotonic_time ();

      pdf = pb_labels_get_pdf (store, "026-0000000-0000001", &error);
      g_assert_nonnull (pdf);
      request.printer = printer;
      request.mode = zpl ? PB_PRINT_MODE_ZPL : PB_PRINT_MODE_PDF;
      request.dpi = 203;
      request.pdf = pdf;
      job = pb_print_job_submit (&request, NULL, &error);
      if (job == NULL)
        g_error ("%s", error->message);
      ms[i] = (g_get_monotonic_time () - start) / 1000.0;
    }
  qsort (ms, runs, sizeof (double), compare);
  g_print ("{\"mode\": \"%s\", \"runs\": %u, \"p50_ms\": %.2f, \"p95_ms\": %.2f,"
           " \"max_ms\": %.2f}\n",
           zpl ? "zpl" : "pdf", runs, ms[runs / 2], ms[(guint)(runs * 0.95)], ms[runs - 1]);

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
