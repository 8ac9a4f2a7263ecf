/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * print/ against a real CUPS: a private cupsd (tests/servers/cupsd.py) with
 * queues whose device is a TCP sink standing in for a network label printer
 * (tests/servers/printer_sink.py):
 *
 *   zebra    CUPS's Zebra ZPL driver (PDF mode) → sink
 *   zpl      raw queue (ZPL mode)               → sink, the default queue
 *   offline  raw queue                          → a port nobody listens on,
 *                                                 until a test starts a sink there
 *   stopped  raw queue                          → the discard port, for queue states
 *   media    raw queue                          → the discard port, for printer reasons
 *
 * What the sink receives is checked byte for byte, and the ZPL graphic is
 * decoded (tests/zpl-decoder.h) and compared dot for dot with poppler's
 * rendering of the same PDF, thresholded here.
 */
#include "config.h"

#include <string.h>

#include <cairo.h>
#include <cups/cups.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <poppler.h>

#include "../label-fixture.h"
#include "../zpl-decoder.h"
#include "print/pb-label.h"
#include "print/pb-print-job.h"
#include "pb-test-servers.h"
#include "print/pb-printer.h"
#include "station/pb-backup.h"

#define PYTHON PB_TEST_PYTHON
#define OFFLINE_MESSAGE                                                                            \
  "The label printer is not answering. Check it is switched on and connected; the label is "       \
  "kept and can be reprinted."

typedef struct
{
  GSubprocess *process;
  GDataInputStream *lines;
  guint port;
  char *directory;
} Sink;

static GSubprocess *cupsd;
static char *cups_root;
static char *work_dir;
static Sink sink;
static guint offline_port;

/* Fontconfig (under cairo's and poppler's fonts) loads its configuration
 * once and keeps it for the process's life; LeakSanitizer reports pieces of
 * it. Only blocks fontconfig allocates itself are excused: nothing here
 * calls it directly. */
const char *__lsan_default_suppressions (void);

const char *
__lsan_default_suppressions (void)
{
  return "leak:libfontconfig.so\n";
}

/* Servers */

static void
start_sink (Sink *self, guint port, const char *name)
{
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "servers", "printer_sink.py", NULL);
  g_autofree char *port_text = g_strdup_printf ("%u", port);
  g_autofree char *line = NULL;
  g_autoptr (GError) error = NULL;

  self->directory = g_build_filename (work_dir, name, NULL);
  g_assert_cmpint (g_mkdir (self->directory, 0700), ==, 0);
  /* The sink stops when its stdin closes, that is when this test ends. */
  self->process
      = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                          PYTHON, script, "--dir", self->directory, "--port", port_text, NULL);
  g_assert_no_error (error);
  self->lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->process));
  line = pb_test_read_line (self->lines);
  self->port = (guint)g_ascii_strtoull (line, NULL, 10);
  g_assert_cmpuint (self->port, >, 0);
}

static void
stop_sink (Sink *self)
{
  g_autoptr (GError) error = NULL;

  if (self->process == NULL)
    return;
  g_output_stream_close (g_subprocess_get_stdin_pipe (self->process), NULL, NULL);
  g_subprocess_wait (self->process, NULL, &error);
  g_clear_object (&self->lines);
  g_clear_object (&self->process);
  g_clear_pointer (&self->directory, g_free);
}

/* The bytes of the next job @self received. A job CUPS calls completed has
 * arrived: the sink stores it before it closes the connection, which the
 * socket backend waits for. */
static GBytes *
next_job (Sink *self)
{
  return pb_test_sink_next_job (self->lines);
}

static guint
count_files (const char *directory)
{
  g_autoptr (GDir) dir = g_dir_open (directory, 0, NULL);
  guint count = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    count++;
  return count;
}

/* Starts cupsd on @port. CUPS_SERVER must already name it. */
static void
start_cupsd (guint port)
{
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "servers", "cupsd.py", NULL);
  g_autofree char *port_text = g_strdup_printf ("%u", port);
  g_autofree char *sink_uri = g_strdup_printf ("socket://127.0.0.1:%u", sink.port);
  g_autofree char *offline_uri = g_strdup_printf ("socket://127.0.0.1:%u", offline_port);
  g_autoptr (GDataInputStream) lines = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *server = NULL;
  g_autofree char *root = NULL;

  cupsd = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                            PYTHON, script, "--port", port_text, "--zebra", "zebra", sink_uri,
                            "--description", "zebra", "Bench 1 Zebra (driver)", "--raw", "zpl",
                            sink_uri, "--description", "zpl", "Bench 1 Zebra (ZPL)", "--raw",
                            "offline", offline_uri, "--raw", "stopped", "socket://127.0.0.1:9",
                            "--raw", "media", "socket://127.0.0.1:9", "--default", "zpl", NULL);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (cupsd));
  server = pb_test_read_line (lines);
  root = pb_test_read_line (lines);
  g_assert_cmpstr (server + strlen ("CUPS_SERVER="), ==, g_getenv ("CUPS_SERVER"));
  g_assert_true (g_str_has_prefix (root, "CUPS_ROOT="));
  cups_root = g_strdup (root + strlen ("CUPS_ROOT="));
}

static void
stop_cupsd (void)
{
  g_output_stream_close (g_subprocess_get_stdin_pipe (cupsd), NULL, NULL);
  g_subprocess_wait (cupsd, NULL, NULL);
  g_clear_object (&cupsd);
  g_clear_pointer (&cups_root, g_free);
}

/* Runs a CUPS command-line tool against the private cupsd. */
static void
run_tool (const char *const *argv)
{
  g_autoptr (GError) error = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
                NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);
}

/* Sets a queue's printer-state-reasons as a printer's backend would. */
static void
set_printer_reasons (const char *printer, const char *reason)
{
  char uri[HTTP_MAX_URI];
  ipp_t *request = ippNewRequest (IPP_OP_CUPS_ADD_MODIFY_PRINTER);

  httpAssembleURIf (HTTP_URI_CODING_ALL, uri, sizeof uri, "ipp", NULL, "localhost", ippPort (),
                    "/printers/%s", printer);
  ippAddString (request, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", NULL, uri);
  ippAddString (request, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", NULL,
                cupsUser ());
  ippAddString (request, IPP_TAG_PRINTER, IPP_TAG_KEYWORD, "printer-state-reasons", NULL, reason);
  ippDelete (cupsDoRequest (CUPS_HTTP_DEFAULT, request, "/admin/"));
  g_assert_cmpint (cupsLastError (), <=, IPP_STATUS_OK_CONFLICTING);
}

/* Helpers */

static double
seconds_since (gint64 start_us)
{
  return (double)(g_get_monotonic_time () - start_us) / G_USEC_PER_SEC;
}

static PbPrintJob *
submit (const char *printer, PbPrintMode mode, guint dpi, GBytes *pdf)
{
  PbPrintRequest request = {
    .printer = printer,
    .mode = mode,
    .dpi = dpi,
    .title = "Test order 026-0000000-0000001",
    .pdf = pdf,
  };
  g_autoptr (GError) error = NULL;
  PbPrintJob *job = pb_print_job_submit (&request, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (job);
  g_assert_cmpstr (pb_print_job_get_printer (job), ==, printer);
  g_assert_cmpint (pb_print_job_get_id (job), >, 0);
  return job;
}

static void
assert_prints (PbPrintJob *job)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (pb_print_job_watch (job, 60000, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pb_print_job_get_state (job), ==, PB_PRINT_JOB_STATE_COMPLETED);
}

/* Poppler's rendering of page 1 of @pdf at @dpi, thresholded at luma 128
 * with (299 R + 587 G + 114 B) / 1000 — written here, apart from
 * src/print/, as the reference the printed dots must equal. Rows of
 * ceil(width / 8) bytes, most significant bit first, 1 = black. */
static guint8 *
reference_dots (GBytes *pdf, guint dpi, guint *width, guint *height)
{
  g_autoptr (GError) error = NULL;
  PopplerDocument *document = poppler_document_new_from_bytes (pdf, NULL, &error);
  PopplerPage *page;
  cairo_surface_t *surface;
  cairo_t *cr;
  guint8 *dots;
  guint stride;

  g_assert_no_error (error);
  *width = 4 * dpi;
  *height = 6 * dpi;
  stride = (*width + 7) / 8;
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int)*width, (int)*height);
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_scale (cr, dpi / 72.0, dpi / 72.0);
  page = poppler_document_get_page (document, 0);
  poppler_page_render_for_printing (page, cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  dots = g_malloc0 ((gsize)stride * *height);
  for (guint y = 0; y < *height; y++)
    {
      const guint8 *row = cairo_image_surface_get_data (surface)
                          + (gsize)y * (gsize)cairo_image_surface_get_stride (surface);

      for (guint x = 0; x < *width; x++)
        {
          guint32 pixel;
          guint r, g, b;

          memcpy (&pixel, row + 4 * x, 4);
          r = (pixel >> 16) & 0xff;
          g = (pixel >> 8) & 0xff;
          b = pixel & 0xff;
          if ((299 * r + 587 * g + 114 * b) / 1000 < 128)
            dots[(gsize)y * stride + x / 8] |= (guint8)(0x80 >> (x % 8));
        }
    }
  cairo_surface_destroy (surface);
  g_object_unref (page);
  g_object_unref (document);
  return dots;
}

/* Whether the dot at (@x, @y) of @dots is black; outside is white. */
static gboolean
dot_at (const guint8 *dots, gsize bytes_per_row, guint width, guint height, int x, int y)
{
  if (x < 0 || y < 0 || (guint)x >= width || (guint)y >= height)
    return FALSE;
  return (dots[(gsize)y * bytes_per_row + (guint)x / 8] >> (7 - (guint)x % 8)) & 1;
}

static gsize
count_black (const guint8 *dots, gsize length)
{
  gsize black = 0;

  for (gsize i = 0; i < length; i++)
    black += (gsize)__builtin_popcount (dots[i]);
  return black;
}

/* Checks that @received is exactly the project's ZPL for @pdf at @dpi and
 * that its graphic is poppler's rendering, dot for dot. */
static void
assert_zpl_of (GBytes *received, GBytes *pdf, guint dpi)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) expected = pb_label_pdf_to_zpl (pdf, dpi, &error);
  g_autofree char *text = NULL;
  g_autofree char *size_commands = NULL;
  g_autofree guint8 *decoded = NULL;
  g_autofree guint8 *reference = NULL;
  gsize bytes_per_row = 0, rows = 0, length;
  guint width, height;
  const char *data = g_bytes_get_data (received, &length);

  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (received, expected));

  text = g_strndup (data, length);
  g_assert_true (g_str_has_prefix (text, "^XA"));
  g_assert_true (g_str_has_suffix (text, "^FS^XZ"));
  size_commands = g_strdup_printf ("^PW%u^LL%u^", 4 * dpi, 6 * dpi);
  g_assert_nonnull (strstr (text, size_commands));

  decoded = zpl_test_decode_gfa (text, length, &bytes_per_row, &rows);
  g_assert_nonnull (decoded);
  reference = reference_dots (pdf, dpi, &width, &height);
  g_assert_cmpuint (bytes_per_row, ==, (width + 7) / 8);
  g_assert_cmpuint (rows, ==, height);
  g_assert_cmpmem (decoded, bytes_per_row * rows, reference, bytes_per_row * rows);
  g_assert_cmpuint (count_black (decoded, bytes_per_row * rows), >, 1000);
}

/* Destinations */

static PbPrinter *
find_printer (GPtrArray *printers, const char *name)
{
  for (guint i = 0; i < printers->len; i++)
    if (g_strcmp0 (pb_printer_get_name (g_ptr_array_index (printers, i)), name) == 0)
      return g_ptr_array_index (printers, i);
  return NULL;
}

static void
on_list_ready_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GPtrArray **out = user_data;
  g_autoptr (GError) error = NULL;

  *out = pb_printer_list_finish (result, &error);
  g_assert_no_error (error);
}

static void
test_destinations_list (void)
{
  static const char *const names[] = { "media", "offline", "stopped", "zebra", "zpl" };
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) printers = pb_printer_list (NULL, &error);
  g_autoptr (GPtrArray) async_printers = NULL;
  g_autofree char *sink_uri = g_strdup_printf ("socket://127.0.0.1:%u", sink.port);
  PbPrinter *zebra, *zpl;

  g_assert_no_error (error);
  g_assert_cmpuint (printers->len, ==, G_N_ELEMENTS (names));
  for (guint i = 0; i < printers->len; i++)
    g_assert_cmpstr (pb_printer_get_name (g_ptr_array_index (printers, i)), ==, names[i]);

  zebra = find_printer (printers, "zebra");
  g_assert_cmpstr (pb_printer_get_description (zebra), ==, "Bench 1 Zebra (driver)");
  g_assert_cmpstr (pb_printer_get_make_and_model (zebra), ==, "Zebra ZPL Label Printer");
  g_assert_cmpstr (pb_printer_get_device_uri (zebra), ==, sink_uri);
  g_assert_cmpint (pb_printer_get_kind (zebra), ==, PB_PRINTER_KIND_DRIVER);
  g_assert_false (pb_printer_get_is_default (zebra));
  g_assert_cmpint (pb_printer_get_state (zebra), ==, PB_PRINTER_STATE_IDLE);
  g_assert_true (pb_printer_get_accepting_jobs (zebra));
  g_assert_cmpuint (g_strv_length ((GStrv)pb_printer_get_state_reasons (zebra)), ==, 0);

  zpl = find_printer (printers, "zpl");
  g_assert_cmpstr (pb_printer_get_description (zpl), ==, "Bench 1 Zebra (ZPL)");
  g_assert_cmpint (pb_printer_get_kind (zpl), ==, PB_PRINTER_KIND_RAW);
  g_assert_cmpstr (pb_printer_get_make_and_model (zpl), ==, "Local Raw Printer");
  g_assert_true (pb_printer_get_is_default (zpl));

  /* No description: the name stands in. */
  g_assert_cmpstr (pb_printer_get_description (find_printer (printers, "offline")), ==, "offline");

  /* The same from a worker thread. */
  pb_printer_list_async (NULL, on_list_ready_cb, &async_printers);
  while (async_printers == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (async_printers->len, ==, printers->len);
  g_assert_cmpint (pb_printer_get_kind (find_printer (async_printers, "zpl")), ==,
                   PB_PRINTER_KIND_RAW);
}

static void
test_destinations_lookup (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PbPrinter) zebra = pb_printer_lookup ("zebra", NULL, &error);
  g_autoptr (PbPrinter) zpl = NULL;
  g_autoptr (PbPrinter) missing = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (pb_printer_get_name (zebra), ==, "zebra");
  /* The Zebra driver's default head. */
  g_assert_cmpuint (pb_printer_get_resolution (zebra), ==, 203);
  g_assert_true (pb_printer_check_ready (zebra, &error));
  g_assert_no_error (error);

  zpl = pb_printer_lookup ("zpl", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (pb_printer_get_kind (zpl), ==, PB_PRINTER_KIND_RAW);
  g_assert_cmpuint (pb_printer_get_resolution (zpl), ==, 0);
  g_assert_true (pb_printer_get_is_default (zpl));

  missing = pb_printer_lookup ("no-such-printer", NULL, &error);
  g_assert_null (missing);
  g_assert_error (error, PB_PRINT_ERROR, PB_PRINT_ERROR_NOT_FOUND);
}

static void
test_destinations_no_server (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) printers = NULL;
      g_autoptr (GBytes) pdf = label_fixture_make_pdf (PB_LABEL_WIDTH_PT, PB_LABEL_HEIGHT_PT);
      PbPrintRequest request
          = { .printer = "zpl", .mode = PB_PRINT_MODE_ZPL, .dpi = 203, .pdf = pdf };
      g_autoptr (PbPrintJob) job = NULL;

      /* Port 1 on loopback: nobody there. */
      g_setenv ("CUPS_SERVER", "127.0.0.1:1", TRUE);
      printers = pb_printer_list (NULL, &error);
      g_assert_null (printers);
      g_assert_error (error, PB_PRINT_ERROR, PB_PRINT_ERROR_NO_SERVER);
      g_clear_error (&error);

      job = pb_print_job_submit (&request, NULL, &error);
      g_assert_null (job);
      g_assert_error (error, PB_PRINT_ERROR, PB_PRINT_ERROR_NO_SERVER);
      return;
    }
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* Printing */

static void
test_pdf_mode_zebra_driver (void)
{
  g_autoptr (GBytes) pdf = label_fixture_make_pdf (PB_LABEL_WIDTH_PT, PB_LABEL_HEIGHT_PT);
  g_autoptr (PbPrintJob) job = submit ("zebra", PB_PRINT_MODE_PDF, 0, pdf);
  g_autoptr (GBytes) received = NULL;
  g_autofree char *text = NULL;
  g_autofree guint8 *graphic = NULL;
  g_autofree guint8 *reference = NULL;
  gsize length, bytes_per_row = 0, rows = 0;
  guint width, height, black, matched;
  const char *data;

  assert_prints (job);
  received = next_job (&sink);
  data = g_bytes_get_data (received, &length);
  text = g_strndup (data, length);

  /* CUPS's driver sends ZPL: the label downloaded as a graphic (~DG) and a
   * format that prints it. */
  g_assert_true (g_str_has_prefix (text, "~DG"));
  g_assert_nonnull (strstr (text, "^XA"));
  g_assert_nonnull (strstr (text, "^XG"));
  g_assert_true (g_str_has_suffix (g_strchomp (text), "^XZ"));

  /* At media=w288h432 the driver rasterised 4 x 6 in at 203 dpi: 102 bytes
   * by 1218 rows (without it, the PPD's default 4 x 5 in). */
  graphic = zpl_test_decode_dg (text, strlen (text), &bytes_per_row, &rows);
  g_assert_nonnull (graphic);
  g_assert_cmpuint (bytes_per_row, ==, 102);
  g_assert_cmpuint (rows, ==, 1218);

  /* Another renderer (Ghostscript), the same label: nearly every dot
   * poppler blackens is black there too, give or take one dot of edge. (The
   * driver's ^POI turns the printout, not the graphic.) */
  reference = reference_dots (pdf, 203, &width, &height);
  black = 0;
  matched = 0;
  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      {
        if (!dot_at (reference, bytes_per_row, width, height, x, y))
          continue;
        black++;
        for (int dy = -1; dy <= 1; dy++)
          for (int dx = -1; dx <= 1; dx++)
            if (dot_at (graphic, bytes_per_row, width, height, (int)x + dx, (int)y + dy))
              {
                matched++;
                goto next;
              }
      next:;
      }
  g_test_message ("driver matches %u of poppler's %u black dots", matched, black);
  g_assert_cmpuint (black, >, 10000);
  g_assert_cmpfloat ((double)matched / black, >, 0.98);
}

static void
test_zpl_mode (gconstpointer data)
{
  guint dpi = GPOINTER_TO_UINT (data);
  g_autoptr (GBytes) pdf = label_fixture_make_pdf (PB_LABEL_WIDTH_PT, PB_LABEL_HEIGHT_PT);
  g_autoptr (PbPrintJob) job = submit ("zpl", PB_PRINT_MODE_ZPL, dpi, pdf);
  g_autoptr (GBytes) received = NULL;

  assert_prints (job);
  received = next_job (&sink);
  assert_zpl_of (received, pdf, dpi);
}

static void
test_test_label (void)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) pdf = pb_label_make_test_pdf ("zpl", now, &error);
  g_autoptr (PbPrintJob) job = NULL;
  g_autoptr (GBytes) received = NULL;

  g_assert_no_error (error);
  job = submit ("zpl", PB_PRINT_MODE_ZPL, 300, pdf);
  assert_prints (job);
  received = next_job (&sink);
  assert_zpl_of (received, pdf, 300);
}

static void
test_spool_purged (void)
{
  g_autoptr (GBytes) pdf = label_fixture_make_pdf (PB_LABEL_WIDTH_PT, PB_LABEL_HEIGHT_PT);
  g_autoptr (PbPrintJob) job = submit ("zebra", PB_PRINT_MODE_PDF, 0, pdf);
  g_autofree char *control = NULL;
  g_autofree char *document = NULL;
  g_autoptr (GBytes) received = NULL;

  control = g_strdup_printf ("%s/spool/c%05d", cups_root, pb_print_job_get_id (job));
  document = g_strdup_printf ("%s/spool/d%05d-001", cups_root, pb_print_job_get_id (job));
  /* CUPS spools the label (it shows an address) and keeps it after
   * printing for its job history... */
  g_assert_true (g_file_test (document, G_FILE_TEST_EXISTS));
  assert_prints (job);
  received = next_job (&sink);
  /* ...unless the job is purged, as a completed watch does. */
  g_assert_false (g_file_test (document, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (control, G_FILE_TEST_EXISTS));
}

typedef struct
{
  PbPrintJob *job;
  gboolean printed;
  GError *error;
  gboolean done;
} AsyncPrint;

static void
on_watch_ready_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AsyncPrint *print = user_data;

  print->printed = pb_print_job_watch_finish (PB_PRINT_JOB (source), result, &print->error);
  print->done = TRUE;
}

static void
on_submit_ready_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AsyncPrint *print = user_data;

  print->job = pb_print_job_submit_finish (result, &print->error);
  if (print->job == NULL)
    {
      print->done = TRUE;
      return;
    }
  pb_print_job_watch_async (print->job, 60000, NULL, on_watch_ready_cb, print);
}

static void
test_async (void)
{
  g_autoptr (GBytes) pdf = label_fixture_make_pdf (PB_LABEL_WIDTH_PT, PB_LABEL_HEIGHT_PT);
  PbPrintRequest request = { .printer = "zpl", .mode = PB_PRINT_MODE_ZPL, .dpi = 203, .pdf = pdf };
  AsyncPrint print = { 0 };
  g_autoptr (GBytes) received = NULL;

  pb_print_job_submit_async (&request, NULL, on_submit_ready_cb, &print);
  while (!print.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (print.error);
  g_assert_true (print.printed);
  received = next_job (&sink);
  assert_zpl_of (received, pdf, 203);
  g_clear_object (&print.job);
}

/* The printer is off: the watch gives up with the packer's message, the job
 * is withdrawn, and once the printer is back a reprint prints once. */
static void
test_offline_then_reprint (void)
{
  g_autoptr (GBytes) pdf = label_fixture_make_pdf (PB_LABEL_WIDTH_PT, PB_LABEL_HEIGHT_PT);
  g_autoptr (PbPrintJob) job = submit ("offline", PB_PRINT_MODE_ZPL, 203, pdf);
  g_autoptr (PbPrintJob) reprint = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) received = NULL;
  Sink back = { 0 };
  gint64 start = g_get_monotonic_time ();
  double elapsed;

  g_assert_false (pb_print_job_watch (job, 3000, NULL, &error));
  elapsed = seconds_since (start);
  g_assert_error (error, PB_PRINT_ERROR, PB_PRINT_ERROR_OFFLINE);
  g_assert_cmpstr (error->message, ==, OFFLINE_MESSAGE);
  g_assert_cmpfloat (elapsed, >=, 3.0);
  g_assert_cmpfloat (elapsed, <, 60.0); /* gave up: a bound, not a speed test */
  g_assert_cmpint (pb_print_job_get_state (job), !=, PB_PRINT_JOB_STATE_COMPLETED);
  g_clear_error (&error);

  /* The printer is switched on again. */
  start_sink (&back, offline_port, "back-online");
  reprint = submit ("offline", PB_PRINT_MODE_ZPL, 203, pdf);
  assert_prints (reprint);
  received = next_job (&back);
  assert_zpl_of (received, pdf, 203);

  /* The first job was withdrawn: it does not come out as well, late. CUPS
   * prints a queue's jobs in order, so once a later job has come out the
   * first one would have. */
  g_clear_object (&reprint);
  reprint = submit ("offline", PB_PRINT_MODE_ZPL, 203, pdf);
  assert_prints (reprint);
  g_clear_pointer (&received, g_bytes_unref);
  received = next_job (&back);
  assert_zpl_of (received, pdf, 203);
  g_assert_cmpuint (count_files (back.directory), ==, 2);
  stop_sink (&back);
}

typedef struct
{
  GCancellable *cancellable;
  guint delay_ms;
} CancelLater;

static gpointer
cancel_later_cb (gpointer data)
{
  CancelLater *later = data;

  /* Whether this lands before or during the watch, the watch must end
   * cancelled, soon: the delay only makes "during" likely. */
  g_usleep (later->delay_ms * 1000); /* timing-ok */
  g_cancellable_cancel (later->cancellable);
  return NULL;
}

static void
test_watch_cancelled (void)
{
  g_autoptr (GBytes) pdf = label_fixture_make_pdf (PB_LABEL_WIDTH_PT, PB_LABEL_HEIGHT_PT);
  g_autoptr (PbPrintJob) job = submit ("stopped", PB_PRINT_MODE_ZPL, 203, pdf);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  CancelLater later = { cancellable, 300 };
  gint64 start = g_get_monotonic_time ();
  GThread *thread = g_thread_new ("cancel-later", cancel_later_cb, &later);
  double elapsed;

  /* Ten minutes' watch: only the cancel can end it within the minute. */
  g_assert_false (pb_print_job_watch (job, 600000, cancellable, &error));
  elapsed = seconds_since (start);
  g_thread_join (thread);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpfloat (elapsed, <, 60.0);
  g_clear_error (&error);

  /* Cancelling the watch left the job alone; cancelling the job ends it. */
  g_assert_true (pb_print_job_cancel (job, &error));
  g_assert_no_error (error);
  g_assert_false (pb_print_job_watch (job, 5000, NULL, &error));
  g_assert_error (error, PB_PRINT_ERROR, PB_PRINT_ERROR_CANCELLED);
}

/* Problems a person has to fix */

static void
test_queue_stopped (void)
{
  const char *reject[] = { "cupsreject", "stopped", NULL };
  const char *accept[] = { "cupsaccept", "stopped", NULL };
  const char *disable[] = { "cupsdisable", "stopped", NULL };
  const char *enable[] = { "cupsenable", "stopped", NULL };
  g_autoptr (GBytes) pdf = label_fixture_make_pdf (PB_LABEL_WIDTH_PT, PB_LABEL_HEIGHT_PT);
  PbPrintRequest request
      = { .printer = "stopped", .mode = PB_PRINT_MODE_ZPL, .dpi = 203, .pdf = pdf };
  g_autoptr (PbPrintJob) rejected = NULL;
  g_autoptr (PbPrintJob) job = NULL;
  g_autoptr (PbPrinter) printer = NULL;
  g_autoptr (GError) error = NULL;
  gint64 start;

  /* Rejecting jobs: the submit fails. */
  run_tool (reject);
  rejected = pb_print_job_submit (&request, NULL, &error);
  g_assert_null (rejected);
  g_assert_error (error, PB_PRINT_ERROR, PB_PRINT_ERROR_PAUSED);
  g_clear_error (&error);
  run_tool (accept);

  /* Stopped: the job is taken but the watch says so at once, without
   * waiting for its timeout. */
  run_tool (disable);
  printer = pb_printer_lookup ("stopped", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (pb_printer_get_state (printer), ==, PB_PRINTER_STATE_STOPPED);
  g_assert_false (pb_printer_check_ready (printer, &error));
  g_assert_error (error, PB_PRINT_ERROR, PB_PRINT_ERROR_PAUSED);
  g_clear_error (&error);

  job = submit ("stopped", PB_PRINT_MODE_ZPL, 203, pdf);
  start = g_get_monotonic_time ();
  g_assert_false (pb_print_job_watch (job, 20000, NULL, &error));
  g_assert_error (error, PB_PRINT_ERROR, PB_PRINT_ERROR_PAUSED);
  g_assert_cmpfloat (seconds_since (start), <, 5.0);
  run_tool (enable);
}

static void
test_out_of_labels (void)
{
  g_autoptr (GBytes) pdf = label_fixture_make_pdf (PB_LABEL_WIDTH_PT, PB_LABEL_HEIGHT_PT);
  g_autoptr (PbPrinter) printer = NULL;
  g_autoptr (PbPrintJob) job = NULL;
  g_autoptr (GError) error = NULL;
  gint64 start;

  set_printer_reasons ("media", "media-empty-error");
  printer = pb_printer_lookup ("media", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_strv_contains (pb_printer_get_state_reasons (printer), "media-empty-error"));
  g_assert_false (pb_printer_check_ready (printer, &error));
  g_assert_error (error, PB_PRINT_ERROR, PB_PRINT_ERROR_MEDIA_EMPTY);
  g_assert_cmpstr (error->message, ==, "The label printer is out of labels.");
  g_clear_error (&error);

  job = submit ("media", PB_PRINT_MODE_ZPL, 203, pdf);
  start = g_get_monotonic_time ();
  g_assert_false (pb_print_job_watch (job, 20000, NULL, &error));
  g_assert_error (error, PB_PRINT_ERROR, PB_PRINT_ERROR_MEDIA_EMPTY);
  g_assert_cmpfloat (seconds_since (start), <, 5.0);
  g_clear_error (&error);
  g_clear_object (&printer);

  set_printer_reasons ("media", "none");
  printer = pb_printer_lookup ("media", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (pb_printer_check_ready (printer, &error));
}

static void
test_bad_requests (void)
{
  g_autoptr (GBytes) pdf = label_fixture_make_pdf (PB_LABEL_WIDTH_PT, PB_LABEL_HEIGHT_PT);
  g_autoptr (GBytes) garbage = g_bytes_new_static ("not a PDF", 9);
  PbPrintRequest unknown = { .printer = "no-such-printer", .mode = PB_PRINT_MODE_PDF, .pdf = pdf };
  PbPrintRequest bad_pdf = { .printer = "zpl", .mode = PB_PRINT_MODE_PDF, .pdf = garbage };
  PbPrintRequest bad_zpl
      = { .printer = "zpl", .mode = PB_PRINT_MODE_ZPL, .dpi = 203, .pdf = garbage };
  PbPrintRequest bad_dpi = { .printer = "zpl", .mode = PB_PRINT_MODE_ZPL, .dpi = 72, .pdf = pdf };
  g_autoptr (GError) error = NULL;

  g_assert_null (pb_print_job_submit (&unknown, NULL, &error));
  g_assert_error (error, PB_PRINT_ERROR, PB_PRINT_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (pb_print_job_submit (&bad_pdf, NULL, &error));
  g_assert_error (error, PB_PRINT_ERROR, PB_PRINT_ERROR_INVALID_LABEL);
  g_clear_error (&error);
  g_assert_null (pb_print_job_submit (&bad_zpl, NULL, &error));
  g_assert_error (error, PB_PRINT_ERROR, PB_PRINT_ERROR_INVALID_LABEL);
  g_clear_error (&error);
  g_assert_null (pb_print_job_submit (&bad_dpi, NULL, &error));
  g_assert_error (error, PB_PRINT_ERROR, PB_PRINT_ERROR_UNSUPPORTED);
}

int
main (int argc, char **argv)
{
  g_autofree char *server = NULL;
  guint cupsd_port, sink_port;
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/print/destinations/list", test_destinations_list);
  g_test_add_func ("/print/destinations/lookup", test_destinations_lookup);
  g_test_add_func ("/print/destinations/no-server", test_destinations_no_server);
  g_test_add_func ("/print/pdf-mode/zebra-driver", test_pdf_mode_zebra_driver);
  g_test_add_data_func ("/print/zpl-mode/203-dpi", GUINT_TO_POINTER (203), test_zpl_mode);
  g_test_add_data_func ("/print/zpl-mode/300-dpi", GUINT_TO_POINTER (300), test_zpl_mode);
  g_test_add_func ("/print/test-label", test_test_label);
  g_test_add_func ("/print/spool-purged", test_spool_purged);
  g_test_add_func ("/print/async", test_async);
  g_test_add_func ("/print/offline-then-reprint", test_offline_then_reprint);
  g_test_add_func ("/print/watch-cancelled", test_watch_cancelled);
  g_test_add_func ("/print/problems/queue-stopped", test_queue_stopped);
  g_test_add_func ("/print/problems/out-of-labels", test_out_of_labels);
  g_test_add_func ("/print/problems/bad-requests", test_bad_requests);

  /* The no-server child needs neither server. */
  if (g_test_subprocess ())
    {
      status = g_test_run ();
      cairo_debug_reset_static_data ();
      return status;
    }

  /* Ports first, so that CUPS_SERVER is set before anything starts a
   * thread (setenv is not thread-safe) and before any CUPS call (libcups
   * reads it once per thread). */
  cupsd_port = pb_test_reserve_port ();
  sink_port = pb_test_reserve_port ();
  offline_port = pb_test_reserve_port ();
  server = g_strdup_printf ("127.0.0.1:%u", cupsd_port);
  g_setenv ("CUPS_SERVER", server, TRUE);

  work_dir = g_dir_make_tmp ("packbench-print-XXXXXX", NULL);
  g_assert_nonnull (work_dir);
  start_sink (&sink, sink_port, "sink");
  start_cupsd (cupsd_port);

  status = g_test_run ();

  stop_cupsd ();
  stop_sink (&sink);
  pb_remove_tree (work_dir, NULL);
  g_free (work_dir);
  /* cairo keeps fonts for the process's life; a leak checker must not
   * mistake them for leaks. */
  cairo_debug_reset_static_data ();
  return status;
}
