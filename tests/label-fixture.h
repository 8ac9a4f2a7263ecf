/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Label PDFs for tests, drawn with cairo into memory: a stand-in for a Royal
 * Mail 4 x 6 in label with a made-up address, a service box, a Code 128-like
 * barcode of thin bars and a 2D-code-like block. Header-only (static
 * functions) for the unit, integration and benchmark programs.
 */
#pragma once

#include <cairo-pdf.h>
#include <cairo.h>
#include <glib.h>

G_GNUC_UNUSED static cairo_status_t
label_fixture_write_cb (void *closure, const unsigned char *data, unsigned int length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/* Bars of a barcode: widths in modules from a fixed pseudo-random
 * sequence, as Code 128 uses 1 to 4 modules per bar and space. */
G_GNUC_UNUSED static void
label_fixture_draw_barcode (cairo_t *cr, double x, double y, double module, double height,
                            guint seed, guint bars)
{
  guint32 state = seed;

  for (guint i = 0; i < bars; i++)
    {
      guint bar, space;

      state = state * 1103515245u + 12345u;
      bar = 1 + (state >> 16) % 4;
      state = state * 1103515245u + 12345u;
      space = 1 + (state >> 16) % 4;
      cairo_rectangle (cr, x, y, bar * module, height);
      x += (bar + space) * module;
    }
  cairo_fill (cr);
}

/* A page of @width x @height points (288 x 432 for 4 x 6 in) that looks like
 * a shipping label. */
G_GNUC_UNUSED static GBytes *
label_fixture_make_pdf (double width, double height)
{
  static const char *const address[] = {
    "MS JANE EXAMPLE", "FLAT 2", "14 NOWHERE ROAD", "TESTBURY", "TE1 1ST",
  };
  GByteArray *pdf = g_byte_array_new ();
  cairo_surface_t *surface;
  cairo_t *cr;

  surface = cairo_pdf_surface_create_for_stream (label_fixture_write_cb, pdf, width, height);
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 0, 0, 0);

  /* The service box and a postage-paid block. */
  cairo_set_line_width (cr, 2);
  cairo_rectangle (cr, 8, 8, width - 16, 70);
  cairo_stroke (cr);
  cairo_rectangle (cr, width - 90, 16, 74, 54);
  cairo_fill (cr);
  cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size (cr, 26);
  cairo_move_to (cr, 18, 56);
  cairo_show_text (cr, "TRACKED 24");

  /* The address. */
  cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, 15);
  for (gsize i = 0; i < G_N_ELEMENTS (address); i++)
    {
      cairo_move_to (cr, 20, 110 + 19 * i);
      cairo_show_text (cr, address[i]);
    }

  /* A 1D barcode with 0.75 pt modules (about two dots at 203 dpi). */
  label_fixture_draw_barcode (cr, 20, height - 170, 0.75, 60, 42, 60);
  cairo_set_font_size (cr, 9);
  cairo_move_to (cr, 20, height - 98);
  cairo_show_text (cr, "TT 0123 4567 8GB");

  /* A 2D-code-like block of 3 pt cells. */
  for (guint row = 0; row < 22; row++)
    for (guint column = 0; column < 22; column++)
      if (((row * 7 + column * 13) ^ (row * column)) % 3 == 0 || row == 0 || column == 0)
        cairo_rectangle (cr, width - 86 + column * 3, height - 90 + row * 3, 3, 3);
  cairo_fill (cr);

  cairo_show_page (cr);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  return g_byte_array_free_to_bytes (pdf);
}
