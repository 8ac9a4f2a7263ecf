/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * PDF to ZPL for one 4 x 6 in label, side by side in one run:
 *
 *   Packbench   pb_label_pdf_to_zpl(): poppler renders, a fixed threshold,
 *               the compressed ^GFA encoder; all in memory, in process.
 *   CUPS        cupsfilter -e -p zebra.ppd -m printer/zpl -o media=w288h432:
 *               the filter chain a driver queue runs (pdftopdf, a raster
 *               filter, rastertolabel), without a scheduler.
 *
 * Prints the median and fastest wall time and the bytes that would go to
 * the printer, at 203 and 300 dpi, as a Markdown table, and the speed
 * ratio. The label is synthetic (tests/label-fixture.h: a made-up address),
 * so writing it to a temporary file for cupsfilter is allowed; Packbench
 * itself never writes a label to a file. zebra.ppd is compiled from CUPS's
 * sample.drv with ppdc into the same temporary folder.
 *
 * Usage: bench-zpl [ITERATIONS [CUPSFILTER_RUNS]]   (default 200 and 15)
 */
#include "config.h"

#include <stdlib.h>

#include <glib/gstdio.h>

#include "../tests/label-fixture.h"
#include "print/pb-label.h"

#define SAMPLE_DRV "/usr/share/cups/drv/sample.drv"

typedef struct
{
  double median;
  double fastest;
  gsize bytes;
} Result;

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static void
summarise (double *seconds, int runs, gsize bytes, Result *result)
{
  qsort (seconds, (size_t)runs, sizeof (double), compare_doubles);
  result->median
      = runs % 2 == 1 ? seconds[runs / 2] : (seconds[runs / 2 - 1] + seconds[runs / 2]) / 2;
  result->fastest = seconds[0];
  result->bytes = bytes;
}

static void
bench_packbench (GBytes *pdf, guint dpi, int iterations, Result *result)
{
  g_autofree double *seconds = g_new0 (double, iterations);
  gsize bytes = 0;

  /* One untimed run loads fonts and warms poppler's caches, as the first
   * label of a day would. */
  g_bytes_unref (pb_label_pdf_to_zpl (pdf, dpi, NULL));

  for (int i = 0; i < iterations; i++)
    {
      g_autoptr (GError) error = NULL;
      gint64 start = g_get_monotonic_time ();
      g_autoptr (GBytes) zpl = pb_label_pdf_to_zpl (pdf, dpi, &error);

      seconds[i] = (g_get_monotonic_time () - start) / 1e6;
      if (zpl == NULL)
        g_error ("pb_label_pdf_to_zpl: %s", error->message);
      bytes = g_bytes_get_size (zpl);
    }
  summarise (seconds, iterations, bytes, result);
}

/* Render and encode apart, to see where the time goes. */
static void
bench_stages (GBytes *pdf, guint dpi, int iterations, double *render, double *encode)
{
  g_autofree double *render_seconds = g_new0 (double, iterations);
  g_autofree double *encode_seconds = g_new0 (double, iterations);
  Result result;

  for (int i = 0; i < iterations; i++)
    {
      gint64 start = g_get_monotonic_time ();
      g_autoptr (PbBitmap) bitmap = pb_label_render (pdf, dpi, NULL);
      gint64 rendered = g_get_monotonic_time ();
      g_autoptr (GBytes) zpl = pb_label_encode_zpl (bitmap);

      render_seconds[i] = (rendered - start) / 1e6;
      encode_seconds[i] = (g_get_monotonic_time () - rendered) / 1e6;
    }
  summarise (render_seconds, iterations, 0, &result);
  *render = result.median;
  summarise (encode_seconds, iterations, 0, &result);
  *encode = result.median;
}

static gboolean
run_quietly (const char *const *argv, char **out, gsize *out_length)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *standard_error = NULL;
  char *standard_output = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &standard_output,
                     &standard_error, &status, &error)
      || !g_spawn_check_wait_status (status, &error))
    {
      g_printerr ("%s failed: %s\n%s", argv[0], error->message,
                  standard_error != NULL ? standard_error : "");
      g_free (standard_output);
      return FALSE;
    }
  /* g_spawn_sync's output is NUL-terminated text; ZPL has no NUL bytes. */
  if (out_length != NULL)
    *out_length = strlen (standard_output);
  if (out != NULL)
    *out = standard_output;
  else
    g_free (standard_output);
  return TRUE;
}

static gboolean
bench_cupsfilter (const char *ppd, const char *pdf_path, guint dpi, int runs, Result *result)
{
  g_autofree double *seconds = g_new0 (double, runs);
  g_autofree char *resolution = g_strdup_printf ("Resolution=%udpi", dpi);
  const char *argv[] = { "cupsfilter", "-e",          "-p",     ppd,
                         "-m",         "printer/zpl", "-o",     "media=" PB_LABEL_MEDIA,
                         "-o",         resolution,    pdf_path, NULL };
  gsize bytes = 0;

  for (int i = 0; i < runs; i++)
    {
      g_autofree char *zpl = NULL;
      gint64 start = g_get_monotonic_time ();

      if (!run_quietly (argv, &zpl, &bytes))
        return FALSE;
      seconds[i] = (g_get_monotonic_time () - start) / 1e6;
      if (strstr (zpl, "^XA") == NULL)
        {
          g_printerr ("cupsfilter produced no ZPL\n");
          return FALSE;
        }
    }
  summarise (seconds, runs, bytes, result);
  return TRUE;
}

static void
remove_folder (const char *folder)
{
  g_autoptr (GDir) dir = g_dir_open (folder, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (folder, name, NULL);
      g_unlink (path);
    }
  g_rmdir (folder);
}

int
main (int argc, char **argv)
{
  static const guint resolutions[] = { 203, 300 };
  int iterations = argc > 1 ? atoi (argv[1]) : 200;
  int runs = argc > 2 ? atoi (argv[2]) : 15;
  g_autoptr (GBytes) pdf = label_fixture_make_pdf (PB_LABEL_WIDTH_PT, PB_LABEL_HEIGHT_PT);
  g_autoptr (GError) error = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *pdf_path = NULL;
  g_autofree char *ppd = NULL;
  Result ours[G_N_ELEMENTS (resolutions)], theirs[G_N_ELEMENTS (resolutions)];
  double render = 0, encode = 0;
  gboolean have_cups;

  if (iterations < 1 || runs < 1)
    g_error ("usage: bench-zpl [ITERATIONS [CUPSFILTER_RUNS]]");

  folder = g_dir_make_tmp ("bench-zpl-XXXXXX", &error);
  if (folder == NULL)
    g_error ("%s", error->message);
  pdf_path = g_build_filename (folder, "label.pdf", NULL);
  ppd = g_build_filename (folder, "zebra.ppd", NULL);
  if (!g_file_set_contents (pdf_path, g_bytes_get_data (pdf, NULL), (gssize)g_bytes_get_size (pdf),
                            &error))
    g_error ("%s", error->message);
  {
    const char *ppdc[] = { "ppdc", "-d", folder, SAMPLE_DRV, NULL };
    have_cups = run_quietly (ppdc, NULL, NULL) && g_file_test (ppd, G_FILE_TEST_EXISTS);
  }

  for (gsize i = 0; i < G_N_ELEMENTS (resolutions); i++)
    {
      bench_packbench (pdf, resolutions[i], iterations, &ours[i]);
      if (have_cups)
        have_cups = bench_cupsfilter (ppd, pdf_path, resolutions[i], runs, &theirs[i]);
    }
  bench_stages (pdf, 203, iterations, &render, &encode);
  remove_folder (folder);

  g_print ("Label: 4 x 6 in PDF of %" G_GSIZE_FORMAT
           " bytes (tests/label-fixture.h). Packbench: %d "
           "runs, cupsfilter: %d runs, wall time.\n\n",
           g_bytes_get_size (pdf), iterations, runs);
  g_print ("| path | dpi | median | fastest | bytes to the printer |\n");
  g_print ("| --- | --- | --- | --- | --- |\n");
  for (gsize i = 0; i < G_N_ELEMENTS (resolutions); i++)
    {
      g_print ("| Packbench (poppler + ^GFA encoder) | %u | %.1f ms | %.1f ms | %" G_GSIZE_FORMAT
               " |\n",
               resolutions[i], ours[i].median * 1e3, ours[i].fastest * 1e3, ours[i].bytes);
      if (have_cups)
        g_print ("| cupsfilter, CUPS Zebra driver | %u | %.1f ms | %.1f ms | %" G_GSIZE_FORMAT
                 " |\n",
                 resolutions[i], theirs[i].median * 1e3, theirs[i].fastest * 1e3, theirs[i].bytes);
    }
  g_print ("\nPackbench at 203 dpi: render %.1f ms + encode %.2f ms (medians).\n", render * 1e3,
           encode * 1e3);
  if (have_cups)
    for (gsize i = 0; i < G_N_ELEMENTS (resolutions); i++)
      g_print (
          "Speed ratio at %u dpi: Packbench is %.1fx faster than cupsfilter (target >= 10x).\n",
          resolutions[i], theirs[i].median / ours[i].median);
  else
    g_print ("cupsfilter or ppdc is missing (packages cups-filters, cups-ppdc): no comparison.\n");
  return 0;
}
