/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "pb-label.h"

#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <glib/gi18n-lib.h>
#include <poppler.h>

#include "pb-print-private.h"
#include "util/pb-secure.h"

/* The longest run one ZPL repeat count can express: "z" (400) + "Y" (19). */
#define MAX_RUN 419

/* Bitmaps */

PbBitmap *
pb_bitmap_new (guint width, guint height)
{
  PbBitmap *bitmap;

  g_return_val_if_fail (width > 0 && height > 0, NULL);

  bitmap = g_new0 (PbBitmap, 1);
  bitmap->width = width;
  bitmap->height = height;
  bitmap->stride = (width + 7) / 8;
  bitmap->data = g_malloc0_n (height, bitmap->stride);
  return bitmap;
}

void
pb_bitmap_free (PbBitmap *bitmap)
{
  if (bitmap == NULL)
    return;

  pb_secure_wipe (bitmap->data, (gsize)bitmap->stride * bitmap->height);
  g_free (bitmap->data);
  g_free (bitmap);
}

gboolean
pb_bitmap_get_pixel (const PbBitmap *bitmap, guint x, guint y)
{
  g_return_val_if_fail (bitmap != NULL, FALSE);
  g_return_val_if_fail (x < bitmap->width && y < bitmap->height, FALSE);

  return (bitmap->data[(gsize)y * bitmap->stride + x / 8] >> (7 - x % 8)) & 1;
}

void
pb_bitmap_set_pixel (PbBitmap *bitmap, guint x, guint y, gboolean black)
{
  guint8 *byte;
  guint8 mask;

  g_return_if_fail (bitmap != NULL);
  g_return_if_fail (x < bitmap->width && y < bitmap->height);

  byte = &bitmap->data[(gsize)y * bitmap->stride + x / 8];
  mask = (guint8)(0x80 >> (x % 8));
  if (black)
    *byte |= mask;
  else
    *byte &= (guint8)~mask;
}

/* Sizes */

gboolean
pb_label_dpi_is_supported (guint dpi)
{
  return dpi == 152 || dpi == 203 || dpi == 300 || dpi == 600;
}

void
pb_label_get_size (guint dpi, guint *width, guint *height)
{
  if (width != NULL)
    *width = 4 * dpi;
  if (height != NULL)
    *height = 6 * dpi;
}

/* Rendering */

static PopplerDocument *
open_document (GBytes *pdf, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  PopplerDocument *document;

  document = poppler_document_new_from_bytes (pdf, NULL, &local_error);
  if (document == NULL || poppler_document_get_n_pages (document) < 1)
    {
      g_clear_object (&document);
      pb_print_set_error (error, PB_PRINT_ERROR_INVALID_LABEL);
      return NULL;
    }
  return document;
}

gboolean
pb_label_check_pdf (GBytes *pdf, GError **error)
{
  PopplerDocument *document = open_document (pdf, error);

  if (document == NULL)
    return FALSE;
  g_object_unref (document);
  return TRUE;
}

/* Sets @bitmap from the xRGB pixels of @surface: black where the luma is
 * below PB_LABEL_THRESHOLD. */
static void
threshold_surface (cairo_surface_t *surface, PbBitmap *bitmap)
{
  const guint8 *pixels = cairo_image_surface_get_data (surface);
  int surface_stride = cairo_image_surface_get_stride (surface);

  for (guint y = 0; y < bitmap->height; y++)
    {
      const guint32 *row = (const guint32 *)(pixels + (gsize)y * surface_stride);
      guint8 *out = bitmap->data + (gsize)y * bitmap->stride;
      guint8 byte = 0;

      for (guint x = 0; x < bitmap->width; x++)
        {
          guint32 pixel = row[x];
          guint32 luma
              = 299 * ((pixel >> 16) & 0xff) + 587 * ((pixel >> 8) & 0xff) + 114 * (pixel & 0xff);

          /* luma / 1000 < threshold, without the division. */
          byte = (guint8)(byte << 1) | (luma < PB_LABEL_THRESHOLD * 1000);
          if (x % 8 == 7)
            {
              out[x / 8] = byte;
              byte = 0;
            }
        }
      if (bitmap->width % 8 != 0)
        out[bitmap->width / 8] = (guint8)(byte << (8 - bitmap->width % 8));
    }
}

/* Page @index of @document onto a 4 x 6 in bitmap (pb_label_render). */
static PbBitmap *
render_page (PopplerDocument *document, int index, guint dpi, GError **error)
{
  /* No g_autoptr: poppler-glib 22.12 declares no cleanup functions. */
  PopplerPage *page;
  g_autoptr (PbBitmap) bitmap = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;
  double page_width, page_height, width, height, scale;
  gboolean landscape;
  guint dots_wide, dots_high;

  page = poppler_document_get_page (document, index);
  if (page == NULL)
    {
      pb_print_set_error (error, PB_PRINT_ERROR_INVALID_LABEL);
      return NULL;
    }
  poppler_page_get_size (page, &page_width, &page_height);
  if (!(page_width > 0 && page_height > 0))
    {
      g_object_unref (page);
      pb_print_set_error (error, PB_PRINT_ERROR_INVALID_LABEL);
      return NULL;
    }

  pb_label_get_size (dpi, &dots_wide, &dots_high);
  bitmap = pb_bitmap_new (dots_wide, dots_high);

  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int)dots_wide, (int)dots_high);
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);

  /* A 4 x 6 in page maps exactly: the scale is dpi / 72 both ways and the
   * offsets are zero. Anything else is fitted, a landscape page turned. */
  landscape = page_width > page_height;
  width = landscape ? page_height : page_width;
  height = landscape ? page_width : page_height;
  scale = MIN (dots_wide / width, dots_high / height);
  cairo_translate (cr, (dots_wide - width * scale) / 2, (dots_high - height * scale) / 2);
  cairo_scale (cr, scale, scale);
  if (landscape)
    {
      cairo_translate (cr, width, 0);
      cairo_rotate (cr, G_PI / 2);
    }
  poppler_page_render_for_printing (page, cr);
  status = cairo_status (cr);
  cairo_destroy (cr);
  g_object_unref (page);
  cairo_surface_flush (surface);

  if (status == CAIRO_STATUS_SUCCESS)
    threshold_surface (surface, bitmap);

  /* The surface holds the label's address as pixels. */
  pb_secure_wipe (cairo_image_surface_get_data (surface),
                  (gsize)cairo_image_surface_get_stride (surface) * dots_high);
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      pb_print_set_error (error, PB_PRINT_ERROR_INVALID_LABEL);
      return NULL;
    }
  return g_steal_pointer (&bitmap);
}

PbBitmap *
pb_label_render (GBytes *pdf, guint dpi, GError **error)
{
  PopplerDocument *document;
  PbBitmap *bitmap;

  g_return_val_if_fail (pdf != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!pb_label_dpi_is_supported (dpi))
    {
      pb_print_set_error (error, PB_PRINT_ERROR_UNSUPPORTED);
      return NULL;
    }
  document = open_document (pdf, error);
  if (document == NULL)
    return NULL;
  bitmap = render_page (document, 0, dpi, error);
  g_object_unref (document);
  return bitmap;
}

/* ZPL */

/* Appends @count copies of the hex digit @digit, with repeat counts where
 * they are shorter: G..Y are 1..19, g..z are 20..400 in steps of 20, and
 * the two add up ("hJ0" is 43 zeros). */
static void
append_run (GString *out, char digit, gsize count)
{
  while (count > 0)
    {
      gsize chunk = MIN (count, MAX_RUN);

      if (chunk <= 2)
        {
          for (gsize i = 0; i < chunk; i++)
            g_string_append_c (out, digit);
        }
      else
        {
          if (chunk >= 20)
            g_string_append_c (out, (char)('f' + chunk / 20));
          if (chunk % 20 != 0)
            g_string_append_c (out, (char)('F' + chunk % 20));
          g_string_append_c (out, digit);
        }
      count -= chunk;
    }
}

/* Appends one row of @hex_length hex digits, compressed. */
static void
append_row (GString *out, const char *hex, gsize hex_length)
{
  gsize end = hex_length;
  char fill = 0;
  char last = hex[hex_length - 1];

  /* "," ends a row with zeros, "!" with ones. */
  if (last == '0' || last == 'F')
    {
      while (end > 0 && hex[end - 1] == last)
        end--;
      fill = last == '0' ? ',' : '!';
    }

  for (gsize start = 0; start < end;)
    {
      gsize next = start + 1;

      while (next < end && hex[next] == hex[start])
        next++;
      append_run (out, hex[start], next - start);
      start = next;
    }
  if (fill != 0)
    g_string_append_c (out, fill);
}

GBytes *
pb_label_encode_zpl (const PbBitmap *bitmap)
{
  static const char digits[] = "0123456789ABCDEF";
  g_autofree char *hex = NULL;
  gsize total, hex_length;
  GString *out;
  GBytes *zpl;

  g_return_val_if_fail (bitmap != NULL, NULL);
  g_return_val_if_fail (bitmap->width > 0 && bitmap->height > 0, NULL);
  g_return_val_if_fail (bitmap->stride == (bitmap->width + 7) / 8, NULL);

  total = (gsize)bitmap->stride * bitmap->height;
  hex_length = 2 * (gsize)bitmap->stride;
  hex = g_malloc (hex_length);

  /* A compressed row is never longer than its plain hex, so this never
   * grows: a reallocation would leave label pixels behind in freed memory. */
  out = g_string_sized_new (2 * total + 128);
  g_string_append_printf (
      out, "^XA^PW%u^LL%u^LH0,0^FO0,0^GFA,%" G_GSIZE_FORMAT ",%" G_GSIZE_FORMAT ",%u,",
      bitmap->width, bitmap->height, total, total, bitmap->stride);

  for (guint y = 0; y < bitmap->height; y++)
    {
      const guint8 *row = bitmap->data + (gsize)y * bitmap->stride;

      if (y > 0 && memcmp (row, row - bitmap->stride, bitmap->stride) == 0)
        {
          g_string_append_c (out, ':');
          continue;
        }
      for (guint i = 0; i < bitmap->stride; i++)
        {
          hex[2 * i] = digits[row[i] >> 4];
          hex[2 * i + 1] = digits[row[i] & 0xf];
        }
      append_row (out, hex, hex_length);
    }
  g_string_append (out, "^FS^XZ");

  zpl = pb_print_bytes_new_wiped (g_memdup2 (out->str, out->len), out->len);
  pb_secure_wipe (out->str, out->allocated_len);
  g_string_free (out, TRUE);
  pb_secure_wipe (hex, hex_length);
  return zpl;
}

GBytes *
pb_label_pdf_to_zpl (GBytes *pdf, guint dpi, GError **error)
{
  PopplerDocument *document;
  g_autoptr (GPtrArray) formats = NULL;
  gsize length = 0;
  guint8 *data;
  int n;

  g_return_val_if_fail (pdf != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!pb_label_dpi_is_supported (dpi))
    {
      pb_print_set_error (error, PB_PRINT_ERROR_UNSUPPORTED);
      return NULL;
    }
  document = open_document (pdf, error);
  if (document == NULL)
    return NULL;
  /* A label of several parcels: one ^XA…^XZ format per page, in order. */
  n = poppler_document_get_n_pages (document);
  formats = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  for (int i = 0; i < n; i++)
    {
      g_autoptr (PbBitmap) bitmap = render_page (document, i, dpi, error);

      if (bitmap == NULL)
        {
          g_object_unref (document);
          return NULL;
        }
      g_ptr_array_add (formats, pb_label_encode_zpl (bitmap));
      length += g_bytes_get_size (g_ptr_array_index (formats, i));
    }
  g_object_unref (document);
  if (n == 1)
    return g_bytes_ref (g_ptr_array_index (formats, 0));
  data = g_malloc (length);
  length = 0;
  for (int i = 0; i < n; i++)
    {
      gsize size;
      const void *format = g_bytes_get_data (g_ptr_array_index (formats, i), &size);

      memcpy (data + length, format, size);
      length += size;
    }
  return pb_print_bytes_new_wiped (data, length);
}

/* The test label */

static cairo_status_t
write_to_array_cb (void *closure, const unsigned char *data, unsigned int length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/* Shows @text with its left end at (@x, @y), at @size points or smaller
 * so that it fits in @max_width. */
static void
show_text_fitted (cairo_t *cr, double x, double y, double size, double max_width, const char *text)
{
  cairo_text_extents_t extents;

  cairo_set_font_size (cr, size);
  cairo_text_extents (cr, text, &extents);
  if (extents.x_advance > max_width)
    cairo_set_font_size (cr, size * max_width / extents.x_advance);
  cairo_move_to (cr, x, y);
  cairo_show_text (cr, text);
}

/* Eight bars @dots wide at @dpi, with gaps as wide, from @x; returns the
 * x after them. */
static double
draw_bars (cairo_t *cr, double x, double y, double height, guint dpi, guint dots)
{
  double width = dots * 72.0 / dpi;

  for (guint i = 0; i < 8; i++)
    cairo_rectangle (cr, x + 2 * i * width, y, width, height);
  cairo_fill (cr);
  return x + 16 * width;
}

static void
draw_test_pattern (cairo_t *cr)
{
  static const guint resolutions[] = { 203, 300 };
  static const double sizes[] = { 6, 8, 10, 14 };
  double y = 104;

  cairo_set_line_width (cr, 2);
  cairo_rectangle (cr, 5, 5, PB_LABEL_WIDTH_PT - 10, PB_LABEL_HEIGHT_PT - 10);
  cairo_stroke (cr);
  cairo_move_to (cr, 16, 92);
  cairo_line_to (cr, PB_LABEL_WIDTH_PT - 16, 92);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);

  /* Bars one to four dots wide at each head resolution: all must print
   * apart, none may merge or vanish. */
  cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  for (gsize r = 0; r < G_N_ELEMENTS (resolutions); r++)
    {
      g_autofree char *caption = g_strdup_printf ("%u dpi", resolutions[r]);
      double x = 62;

      cairo_set_font_size (cr, 9);
      cairo_move_to (cr, 16, y + 26);
      cairo_show_text (cr, caption);
      for (guint dots = 1; dots <= 4; dots++)
        x = draw_bars (cr, x, y, 44, resolutions[r], dots) + 8;
      y += 56;
    }

  /* A checkerboard and a grey ramp: how the fixed threshold cuts greys. */
  for (guint row = 0; row < 8; row++)
    for (guint column = 0; column < 16; column++)
      if ((row + column) % 2 == 0)
        cairo_rectangle (cr, 16 + column * 6, y + row * 6, 6, 6);
  cairo_fill (cr);
  for (guint step = 0; step < 10; step++)
    {
      double grey = 1.0 - step / 9.0;

      cairo_set_source_rgb (cr, grey, grey, grey);
      cairo_rectangle (cr, 126 + step * 14.6, y, 14.6, 48);
      cairo_fill (cr);
    }
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_rectangle (cr, 126, y, 146, 48);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);
  y += 74;

  for (gsize i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree char *line
          = g_strdup_printf ("%g pt ABCDEFGHIJKLM abcdefghijklm 0123456789", sizes[i]);

      show_text_fitted (cr, 16, y, sizes[i], PB_LABEL_WIDTH_PT - 32, line);
      y += sizes[i] + 8;
    }
}

GBytes *
pb_label_make_test_pdf (const char *printer_name, GDateTime *when, GError **error)
{
  g_autoptr (GByteArray) pdf = g_byte_array_new ();
  g_autoptr (GDateTime) local = NULL;
  g_autofree char *date = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;

  g_return_val_if_fail (printer_name != NULL, NULL);
  g_return_val_if_fail (when != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  local = g_date_time_to_local (when);
  /* Translators: the date and time on a test label, see g_date_time_format(). */
  date = g_date_time_format (local, _ ("%-d %B %Y, %H:%M"));

  surface = cairo_pdf_surface_create_for_stream (write_to_array_cb, pdf, PB_LABEL_WIDTH_PT,
                                                 PB_LABEL_HEIGHT_PT);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, "Packbench test label");
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 0, 0, 0);

  cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  show_text_fitted (cr, 16, 38, 22, PB_LABEL_WIDTH_PT - 32, _ ("Packbench test label"));
  cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  show_text_fitted (cr, 16, 62, 14, PB_LABEL_WIDTH_PT - 32, printer_name);
  show_text_fitted (cr, 16, 80, 11, PB_LABEL_WIDTH_PT - 32, date != NULL ? date : "");
  draw_test_pattern (cr);

  cairo_show_page (cr);
  status = cairo_status (cr);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, PB_PRINT_ERROR, PB_PRINT_ERROR_FAILED,
                   _ ("The test label could not be drawn: %s"), cairo_status_to_string (status));
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&pdf));
}
