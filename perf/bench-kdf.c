/* SPDX-License-Identifier: GPL-3.0-or-later */
/* How long one unlock takes: scrypt (N = 2^17, r = 8, p = 1) plus the
 * AES-256-GCM unwrap, the cost a login pays and an attacker pays per guess.
 * Prints wall and CPU time per unlock over a few runs. */
#include "config.h"

#include <sys/resource.h>

#include "store/pb-keyslots.h"
#include "util/pb-secure.h"

static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec
         + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int
main (int argc, char **argv)
{
  g_autoptr (PbKeyslots) slots = pb_keyslots_new ("00112233445566778899aabbccddeeff");
  g_autoptr (GError) error = NULL;
  guint8 key[PB_MASTER_KEY_LEN];
  guint8 out[PB_MASTER_KEY_LEN];
  int runs = argc > 1 ? atoi (argv[1]) : 9;
  g_autofree double *wall = g_new0 (double, runs);
  double cpu_start, cpu_total;
  guint64 n;
  guint32 r, p;

  pb_random_bytes (key, sizeof key);
  if (!pb_keyslots_set_slot (slots, "bench", "Bench-Password-1!", key, &error))
    g_error ("%s", error->message);

  cpu_start = cpu_seconds ();
  for (int i = 0; i < runs; i++)
    {
      gint64 start = g_get_monotonic_time ();

      if (!pb_keyslots_unwrap (slots, "bench", "Bench-Password-1!", out, &error))
        g_error ("%s", error->message);
      wall[i] = (g_get_monotonic_time () - start) / 1e6;
    }
  cpu_total = cpu_seconds () - cpu_start;
  qsort (wall, runs, sizeof (double), compare_doubles);

  pb_keyslots_get_kdf_params (&n, &r, &p);
  g_print ("kdf: scrypt N=%" G_GUINT64_FORMAT " r=%u p=%u (%" G_GUINT64_FORMAT " MiB)\n", n, r, p,
           128 * n * r / (1024 * 1024));
  g_print ("unlock wall time: median %.3f s, min %.3f s, max %.3f s over %d runs\n", wall[runs / 2],
           wall[0], wall[runs - 1], runs);
  g_print ("unlock CPU time: %.3f s per unlock\n", cpu_total / runs);
  pb_secure_wipe (key, sizeof key);
  pb_secure_wipe (out, sizeof out);
  return 0;
}
