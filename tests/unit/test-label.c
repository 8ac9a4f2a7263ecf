/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * print/pb-label: rendering a label PDF to a one-bit bitmap and encoding it
 * as ZPL. The ZPL is checked against exact strings for tiny bitmaps and by
 * decoding it again with the independent decoder in tests/zpl-decoder.h.
 */
#include "config.h"

#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <poppler.h>

#include "../label-fixture.h"
#include "../zpl-decoder.h"
#include "print/pb-label.h"

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

/* Helpers */

static char *
zpl_string (GBytes *zpl)
{
  gsize size;
  const char *data = g_bytes_get_data (zpl, &size);

  return g_strndup (data, size);
}

/* Encodes @bitmap, decodes the result and checks every dot and the label
 * size commands. Returns the ZPL. */
static char *
assert_round_trip (const PbBitmap *bitmap)
{
  g_autoptr (GBytes) zpl = pb_label_encode_zpl (bitmap);
  g_autofree char *text = zpl_string (zpl);
  g_autofree char *size_commands
      = g_strdup_printf ("^XA^PW%u^LL%u^LH0,0^FO0,0^GFA,", bitmap->width, bitmap->height);
  g_autofree guint8 *decoded = NULL;
  gsize bytes_per_row = 0, rows = 0;

  g_assert_true (g_str_has_prefix (text, size_commands));
  g_assert_true (g_str_has_suffix (text, "^FS^XZ"));
  decoded = zpl_test_decode_gfa (text, strlen (text), &bytes_per_row, &rows);
  g_assert_nonnull (decoded);
  g_assert_cmpuint (bytes_per_row, ==, bitmap->stride);
  g_assert_cmpuint (rows, ==, bitmap->height);
  g_assert_cmpmem (decoded, bytes_per_row * rows, bitmap->data,
                   (gsize)bitmap->stride * bitmap->height);
  return g_steal_pointer (&text);
}

static void
fill_bitmap (PbBitmap *bitmap, gboolean (*black) (guint x, guint y))
{
  for (guint y = 0; y < bitmap->height; y++)
    for (guint x = 0; x < bitmap->width; x++)
      pb_bitmap_set_pixel (bitmap, x, y, black (x, y));
}

static gboolean
all_black (guint x, guint y)
{
  return TRUE;
}

static gboolean
checker (guint x, guint y)
{
  return (x + y) % 2 == 0;
}

static gboolean
stripes (guint x, guint y)
{
  return x % 2 == 0;
}

static gboolean
bands (guint x, guint y)
{
  /* Runs of identical rows, then a change: ":" and its limits. */
  return (y / 5) % 2 == 0 ? x < 3 * (y / 10 + 1) : x % 7 == 0;
}

/* A PDF of one @width x @height pt page drawn by @draw. */
static GBytes *
make_pdf (double width, double height, void (*draw) (cairo_t *cr, gpointer data), gpointer data)
{
  GByteArray *pdf = g_byte_array_new ();
  cairo_surface_t *surface
      = cairo_pdf_surface_create_for_stream (label_fixture_write_cb, pdf, width, height);
  cairo_t *cr = cairo_create (surface);

  draw (cr, data);
  cairo_show_page (cr);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  return g_byte_array_free_to_bytes (pdf);
}

/* ZPL: exact output */

static void
test_zpl_exact (void)
{
  g_autoptr (PbBitmap) white = pb_bitmap_new (8, 2);
  g_autoptr (PbBitmap) black = pb_bitmap_new (16, 1);
  g_autoptr (PbBitmap) nine = pb_bitmap_new (9, 1);
  g_autoptr (PbBitmap) wide = pb_bitmap_new (360, 1);
  g_autoptr (PbBitmap) widest = pb_bitmap_new (4000, 1);
  g_autoptr (GBytes) zpl = NULL;
  g_autofree char *text = NULL;

  /* A white row is ","; the same row again is ":". */
  zpl = pb_label_encode_zpl (white);
  text = zpl_string (zpl);
  g_assert_cmpstr (text, ==, "^XA^PW8^LL2^LH0,0^FO0,0^GFA,2,2,1,,:^FS^XZ");
  g_clear_pointer (&zpl, g_bytes_unref);
  g_clear_pointer (&text, g_free);

  /* A black row is "!". */
  fill_bitmap (black, all_black);
  zpl = pb_label_encode_zpl (black);
  text = zpl_string (zpl);
  g_assert_cmpstr (text, ==, "^XA^PW16^LL1^LH0,0^FO0,0^GFA,2,2,2,!^FS^XZ");
  g_clear_pointer (&zpl, g_bytes_unref);
  g_clear_pointer (&text, g_free);

  /* Nine black dots: FF 80, the padding bits white, trailing zeros ",". */
  fill_bitmap (nine, all_black);
  zpl = pb_label_encode_zpl (nine);
  text = zpl_string (zpl);
  g_assert_cmpstr (text, ==, "^XA^PW9^LL1^LH0,0^FO0,0^GFA,2,2,2,FF8,^FS^XZ");
  g_clear_pointer (&zpl, g_bytes_unref);
  g_clear_pointer (&text, g_free);

  /* 80 00…00 01: 88 zeros between the 8 and the 1 are "jN0" (80 + 8). */
  pb_bitmap_set_pixel (wide, 0, 0, TRUE);
  pb_bitmap_set_pixel (wide, 359, 0, TRUE);
  zpl = pb_label_encode_zpl (wide);
  text = zpl_string (zpl);
  g_assert_cmpstr (text, ==, "^XA^PW360^LL1^LH0,0^FO0,0^GFA,45,45,45,8jN01^FS^XZ");
  g_clear_pointer (&zpl, g_bytes_unref);
  g_clear_pointer (&text, g_free);

  /* 999 zeros: longer than one count can say (419), so 419 + 419 + 161. */
  pb_bitmap_set_pixel (widest, 3999, 0, TRUE);
  zpl = pb_label_encode_zpl (widest);
  text = zpl_string (zpl);
  g_assert_cmpstr (text, ==, "^XA^PW4000^LL1^LH0,0^FO0,0^GFA,500,500,500,zY0zY0nG01^FS^XZ");
}

/* ZPL: round trips */

static void
test_zpl_round_trip_white (void)
{
  static const guint sizes[][2] = { { 1, 1 }, { 7, 3 }, { 8, 1 }, { 812, 1218 }, { 1200, 1800 } };

  for (gsize i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr (PbBitmap) bitmap = pb_bitmap_new (sizes[i][0], sizes[i][1]);
      g_autofree char *text = assert_round_trip (bitmap);

      /* One "," and then ":" for every further row. */
      g_assert_cmpuint (strlen (text), <, 64 + sizes[i][1]);
    }
}

static void
test_zpl_round_trip_black (void)
{
  static const guint sizes[][2] = { { 1, 1 }, { 5, 2 }, { 8, 8 }, { 17, 3 }, { 812, 40 } };

  for (gsize i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr (PbBitmap) bitmap = pb_bitmap_new (sizes[i][0], sizes[i][1]);
      g_autofree char *text = NULL;

      fill_bitmap (bitmap, all_black);
      text = assert_round_trip (bitmap);
    }
}

static void
test_zpl_round_trip_alternating (void)
{
  static const guint widths[] = { 1, 2, 8, 9, 15, 16, 101, 812 };

  for (gsize i = 0; i < G_N_ELEMENTS (widths); i++)
    {
      g_autoptr (PbBitmap) checkers = pb_bitmap_new (widths[i], 6);
      g_autoptr (PbBitmap) columns = pb_bitmap_new (widths[i], 6);
      g_autofree char *checkers_zpl = NULL;
      g_autofree char *columns_zpl = NULL;

      fill_bitmap (checkers, checker);
      fill_bitmap (columns, stripes);
      checkers_zpl = assert_round_trip (checkers);
      columns_zpl = assert_round_trip (columns);
      /* Identical rows after the first are ":" each. */
      if (widths[i] > 1)
        g_assert_true (g_str_has_suffix (columns_zpl, ":::::^FS^XZ"));
    }
}

static void
test_zpl_round_trip_repeated_rows (void)
{
  g_autoptr (PbBitmap) bitmap = pb_bitmap_new (203, 100);
  g_autofree char *text = NULL;

  fill_bitmap (bitmap, bands);
  text = assert_round_trip (bitmap);
  g_assert_nonnull (strstr (text, "::::"));
}

static void
test_zpl_round_trip_random (void)
{
  for (guint round = 0; round < 400; round++)
    {
      guint width = (guint)g_test_rand_int_range (1, 130);
      guint height = (guint)g_test_rand_int_range (1, 9);
      /* From noise to long runs: the chance that a dot differs from the
       * one before it. */
      double change = g_test_rand_double_range (0.0, 0.6);
      g_autoptr (PbBitmap) bitmap = pb_bitmap_new (width, height);
      g_autofree char *text = NULL;
      gboolean black = FALSE;

      for (guint y = 0; y < height; y++)
        {
          if (y > 0 && g_test_rand_int_range (0, 4) == 0)
            {
              memcpy (bitmap->data + y * bitmap->stride, bitmap->data + (y - 1) * bitmap->stride,
                      bitmap->stride);
              continue;
            }
          for (guint x = 0; x < width; x++)
            {
              if (g_test_rand_double () < change)
                black = !black;
              pb_bitmap_set_pixel (bitmap, x, y, black);
            }
        }
      text = assert_round_trip (bitmap);
    }
}

static void
test_zpl_compact (void)
{
  g_autoptr (GBytes) pdf = label_fixture_make_pdf (PB_LABEL_WIDTH_PT, PB_LABEL_HEIGHT_PT);
  g_autoptr (GError) error = NULL;
  g_autoptr (PbBitmap) bitmap = pb_label_render (pdf, 203, &error);
  g_autofree char *text = NULL;
  gsize plain_hex;

  g_assert_no_error (error);
  text = assert_round_trip (bitmap);
  plain_hex = 2 * (gsize)bitmap->stride * bitmap->height;
  g_test_message ("label at 203 dpi: %zu bytes of ZPL, %zu of plain hex", strlen (text), plain_hex);
  /* A label is mostly white: compression must bring it far below the
   * 248 kB of plain hex a printer would otherwise read. */
  g_assert_cmpuint (strlen (text), <, plain_hex / 8);
}

/* Rendering */

static void
test_render_sizes (void)
{
  static const guint cases[][3] = { { 203, 812, 1218 }, { 300, 1200, 1800 }, { 152, 608, 912 } };
  g_autoptr (GBytes) pdf = label_fixture_make_pdf (PB_LABEL_WIDTH_PT, PB_LABEL_HEIGHT_PT);

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (PbBitmap) bitmap = pb_label_render (pdf, cases[i][0], &error);
      g_autoptr (GBytes) zpl = NULL;
      g_autofree char *text = NULL;
      g_autofree char *size_commands = NULL;
      guint width, height;

      g_assert_no_error (error);
      pb_label_get_size (cases[i][0], &width, &height);
      g_assert_cmpuint (width, ==, cases[i][1]);
      g_assert_cmpuint (height, ==, cases[i][2]);
      g_assert_cmpuint (bitmap->width, ==, cases[i][1]);
      g_assert_cmpuint (bitmap->height, ==, cases[i][2]);

      zpl = pb_label_pdf_to_zpl (pdf, cases[i][0], &error);
      g_assert_no_error (error);
      text = zpl_string (zpl);
      size_commands = g_strdup_printf ("^PW%u^LL%u^", cases[i][1], cases[i][2]);
      g_assert_nonnull (strstr (text, size_commands));
    }
}

static void
draw_square_cb (cairo_t *cr, gpointer data)
{
  /* One inch square, one inch from the top-left corner. */
  cairo_rectangle (cr, 72, 72, 72, 72);
  cairo_fill (cr);
}

static void
test_render_geometry (void)
{
  g_autoptr (GBytes) pdf = make_pdf (PB_LABEL_WIDTH_PT, PB_LABEL_HEIGHT_PT, draw_square_cb, NULL);
  static const guint resolutions[] = { 203, 300 };

  for (gsize i = 0; i < G_N_ELEMENTS (resolutions); i++)
    {
      guint dpi = resolutions[i];
      g_autoptr (GError) error = NULL;
      g_autoptr (PbBitmap) bitmap = pb_label_render (pdf, dpi, &error);
      guint black = 0;

      g_assert_no_error (error);
      /* Exactly the dots [dpi, 2 dpi) in both directions are black. */
      for (guint y = 0; y < bitmap->height; y++)
        for (guint x = 0; x < bitmap->width; x++)
          {
            gboolean inside = x >= dpi && x < 2 * dpi && y >= dpi && y < 2 * dpi;

            if (pb_bitmap_get_pixel (bitmap, x, y) != inside)
              g_error ("%u dpi: dot (%u, %u) should be %s", dpi, x, y, inside ? "black" : "white");
            black += inside;
          }
      g_assert_cmpuint (black, ==, dpi * dpi);
    }
}

static void
draw_corner_mark_cb (cairo_t *cr, gpointer data)
{
  /* A half-inch mark in the page's top-left corner. */
  cairo_rectangle (cr, 0, 0, 36, 36);
  cairo_fill (cr);
}

static void
test_render_landscape (void)
{
  /* A 6 x 4 in page is turned a quarter clockwise: its top-left corner
   * lands at the label's top-right. */
  g_autoptr (GBytes) pdf
      = make_pdf (PB_LABEL_HEIGHT_PT, PB_LABEL_WIDTH_PT, draw_corner_mark_cb, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (PbBitmap) bitmap = pb_label_render (pdf, 203, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (bitmap->width, ==, 812);
  g_assert_cmpuint (bitmap->height, ==, 1218);
  g_assert_true (pb_bitmap_get_pixel (bitmap, 811, 0));
  g_assert_true (pb_bitmap_get_pixel (bitmap, 812 - 90, 90));
  g_assert_false (pb_bitmap_get_pixel (bitmap, 812 - 110, 110));
  g_assert_false (pb_bitmap_get_pixel (bitmap, 0, 0));
  g_assert_false (pb_bitmap_get_pixel (bitmap, 811, 1217));
}

typedef struct
{
  double r, g, b;
} Colour;

static void
draw_colour_cb (cairo_t *cr, gpointer data)
{
  Colour *colour = data;

  cairo_set_source_rgb (cr, colour->r, colour->g, colour->b);
  cairo_rectangle (cr, 36, 36, 216, 360);
  cairo_fill (cr);
}

static void
test_render_threshold (void)
{
  /* Fixed threshold, no dithering: a flat colour becomes all black or all
   * white, never a pattern. Luma = (299 R + 587 G + 114 B) / 1000. */
  static const struct
  {
    Colour colour;
    gboolean black;
  } cases[] = {
    { { 0.40, 0.40, 0.40 }, TRUE },  /* 102 */
    { { 0.60, 0.60, 0.60 }, FALSE }, /* 153 */
    { { 1.00, 0.00, 0.00 }, TRUE },  /* red: 76 */
    { { 0.00, 1.00, 0.00 }, FALSE }, /* green: 149 */
    { { 0.00, 0.00, 1.00 }, TRUE },  /* blue: 29 */
    { { 1.00, 1.00, 0.00 }, FALSE }, /* yellow: 225 */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GBytes) pdf = make_pdf (PB_LABEL_WIDTH_PT, PB_LABEL_HEIGHT_PT, draw_colour_cb,
                                         (gpointer)&cases[i].colour);
      g_autoptr (GError) error = NULL;
      g_autoptr (PbBitmap) bitmap = pb_label_render (pdf, 203, &error);

      g_assert_no_error (error);
      /* Every dot of the patch's inside, away from its edges. */
      for (guint y = 110; y < 1100; y++)
        for (guint x = 110; x < 700; x++)
          if (pb_bitmap_get_pixel (bitmap, x, y) != cases[i].black)
            g_error ("colour %zu: dot (%u, %u) is not %s", i, x, y,
                     cases[i].black ? "black" : "white");
    }
}

static void
draw_thin_bars_cb (cairo_t *cr, gpointer data)
{
  /* Bars exactly one dot wide at 203 dpi, on the dot grid, one dot apart. */
  double dot = 72.0 / 203;

  for (guint i = 0; i < 40; i++)
    cairo_rectangle (cr, (100 + 2 * i) * dot, 300 * dot, dot, 200 * dot);
  cairo_fill (cr);
}

static void
test_render_one_dot_bars (void)
{
  g_autoptr (GBytes) pdf
      = make_pdf (PB_LABEL_WIDTH_PT, PB_LABEL_HEIGHT_PT, draw_thin_bars_cb, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (PbBitmap) bitmap = pb_label_render (pdf, 203, &error);

  g_assert_no_error (error);
  /* Each bar is exactly its own column of dots: none merges, none
   * vanishes. */
  for (guint y = 302; y < 498; y++)
    for (guint x = 96; x < 184; x++)
      {
        gboolean bar = x >= 100 && x < 180 && x % 2 == 0;

        if (pb_bitmap_get_pixel (bitmap, x, y) != bar)
          g_error ("dot (%u, %u) should be %s", x, y, bar ? "black" : "white");
      }
}

static void
test_render_invalid (void)
{
  g_autoptr (GBytes) garbage = g_bytes_new_static ("%PDF-1.4 not really", 19);
  g_autoptr (GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr (GBytes) pdf = label_fixture_make_pdf (PB_LABEL_WIDTH_PT, PB_LABEL_HEIGHT_PT);
  g_autoptr (GError) error = NULL;
  g_autoptr (PbBitmap) bitmap = NULL;
  g_autoptr (GBytes) zpl = NULL;

  bitmap = pb_label_render (garbage, 203, &error);
  g_assert_null (bitmap);
  g_assert_error (error, PB_PRINT_ERROR, PB_PRINT_ERROR_INVALID_LABEL);
  g_clear_error (&error);

  zpl = pb_label_pdf_to_zpl (empty, 203, &error);
  g_assert_null (zpl);
  g_assert_error (error, PB_PRINT_ERROR, PB_PRINT_ERROR_INVALID_LABEL);
  g_clear_error (&error);

  for (guint dpi = 0; dpi <= 700; dpi++)
    {
      gboolean supported = dpi == 152 || dpi == 203 || dpi == 300 || dpi == 600;

      g_assert_cmpint (pb_label_dpi_is_supported (dpi), ==, supported);
    }
  bitmap = pb_label_render (pdf, 200, &error);
  g_assert_null (bitmap);
  g_assert_error (error, PB_PRINT_ERROR, PB_PRINT_ERROR_UNSUPPORTED);
}

/* The test label */

static void
test_test_label (void)
{
  g_autoptr (GDateTime) when = g_date_time_new_utc (2026, 11, 29, 14, 5, 0);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) pdf = pb_label_make_test_pdf ("Bench-3 Zebra ZD421", when, &error);
  g_autoptr (PbBitmap) bitmap = NULL;
  PopplerDocument *document;
  PopplerPage *page;
  g_autofree char *text = NULL;
  double width, height;
  gsize black = 0;

  g_assert_no_error (error);
  document = poppler_document_new_from_bytes (pdf, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (poppler_document_get_n_pages (document), ==, 1);
  page = poppler_document_get_page (document, 0);
  poppler_page_get_size (page, &width, &height);
  g_assert_cmpfloat_with_epsilon (width, 288, 0.01);
  g_assert_cmpfloat_with_epsilon (height, 432, 0.01);
  text = poppler_page_get_text (page);
  g_assert_nonnull (strstr (text, "Packbench test label"));
  g_assert_nonnull (strstr (text, "Bench-3 Zebra ZD421"));
  g_assert_nonnull (strstr (text, "2026"));
  g_assert_nonnull (strstr (text, "November"));
  g_object_unref (page);
  g_object_unref (document);

  /* It prints: a fair share of dots, at both resolutions. */
  bitmap = pb_label_render (pdf, 300, &error);
  g_assert_no_error (error);
  for (gsize i = 0; i < (gsize)bitmap->stride * bitmap->height; i++)
    black += (gsize)__builtin_popcount (bitmap->data[i]);
  g_assert_cmpuint (black, >, bitmap->width * bitmap->height / 20);
  g_assert_cmpuint (black, <, bitmap->width * bitmap->height / 2);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/label/zpl/exact", test_zpl_exact);
  g_test_add_func ("/label/zpl/round-trip/white", test_zpl_round_trip_white);
  g_test_add_func ("/label/zpl/round-trip/black", test_zpl_round_trip_black);
  g_test_add_func ("/label/zpl/round-trip/alternating", test_zpl_round_trip_alternating);
  g_test_add_func ("/label/zpl/round-trip/repeated-rows", test_zpl_round_trip_repeated_rows);
  g_test_add_func ("/label/zpl/round-trip/random", test_zpl_round_trip_random);
  g_test_add_func ("/label/zpl/compact", test_zpl_compact);
  g_test_add_func ("/label/render/sizes", test_render_sizes);
  g_test_add_func ("/label/render/geometry", test_render_geometry);
  g_test_add_func ("/label/render/landscape", test_render_landscape);
  g_test_add_func ("/label/render/threshold", test_render_threshold);
  g_test_add_func ("/label/render/one-dot-bars", test_render_one_dot_bars);
  g_test_add_func ("/label/render/invalid", test_render_invalid);
  g_test_add_func ("/label/test-label", test_test_label);

  status = g_test_run ();
  /* cairo keeps fonts for the process's life; a leak checker must not
   * mistake them for leaks. */
  cairo_debug_reset_static_data ();
  return status;
}
