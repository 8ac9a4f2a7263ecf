/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "pb-documents.h"

#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <glib/gi18n-lib.h>
#include <pango/pangocairo.h>
#include <zint.h>

#include "pb-print-private.h"
#include "util/pb-secure.h"

#define MM (72.0 / 25.4)

/* Code 128's narrowest bar: 0.4 mm on A4 and 0.33 mm on 4 x 6 in, both
 * well inside what hand scanners read, with the 10-module quiet zone the
 * standard asks for on each side. */
#define QUIET_MODULES 10

typedef struct
{
  cairo_surface_t *surface;
  cairo_t *cr;
  double width;
  double height;
  double margin;
  double y;
  double module; /* a barcode module, in points */
  guint page;
} Page;

gboolean
pb_document_paper_from_string (const char *text, PbDocumentPaper *paper)
{
  if (g_strcmp0 (text, "a4") == 0)
    *paper = PB_DOCUMENT_PAPER_A4;
  else if (g_strcmp0 (text, "4x6") == 0)
    *paper = PB_DOCUMENT_PAPER_4X6;
  else
    return FALSE;
  return TRUE;
}

char *
pb_document_barcode_data (const char *order_id)
{
  GString *digits = g_string_new (NULL);

  g_return_val_if_fail (order_id != NULL, NULL);

  for (const char *p = order_id; *p; p++)
    if (g_ascii_isdigit (*p))
      g_string_append_c (digits, *p);
  if (digits->len == 17 && strlen (order_id) == 19 && order_id[3] == '-' && order_id[11] == '-')
    return g_string_free (digits, FALSE);
  g_string_free (digits, TRUE);
  return g_strdup (order_id);
}

static cairo_status_t
write_to_array_cb (void *closure, const unsigned char *data, unsigned int length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

static void
page_begin (Page *page, GByteArray *out, PbDocumentPaper paper, const char *title)
{
  if (paper == PB_DOCUMENT_PAPER_A4)
    {
      page->width = 210 * MM;
      page->height = 297 * MM;
      page->margin = 18 * MM;
      page->module = 0.4 * MM;
    }
  else
    {
      page->width = 288;
      page->height = 432;
      page->margin = 5 * MM;
      page->module = 0.33 * MM;
    }
  page->surface
      = cairo_pdf_surface_create_for_stream (write_to_array_cb, out, page->width, page->height);
  cairo_pdf_surface_set_metadata (page->surface, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata (page->surface, CAIRO_PDF_METADATA_CREATOR, "Packbench");
  page->cr = cairo_create (page->surface);
  cairo_set_source_rgb (page->cr, 0, 0, 0);
  page->y = page->margin;
  page->page = 1;
}

/* Starts a new page when @needed points do not fit below y. */
static void
page_need (Page *page, double needed)
{
  if (page->y + needed <= page->height - page->margin || page->y <= page->margin)
    return;
  cairo_show_page (page->cr);
  page->y = page->margin;
  page->page++;
}

/* Finishes the PDF; the bytes written so far are wiped on failure. */
static GBytes *
page_end (Page *page, GByteArray *out, GError **error)
{
  cairo_status_t status;

  cairo_show_page (page->cr);
  status = cairo_status (page->cr);
  cairo_destroy (page->cr);
  cairo_surface_finish (page->surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (page->surface);
  cairo_surface_destroy (page->surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      pb_secure_wipe (out->data, out->len);
      g_byte_array_free (out, TRUE);
      g_set_error (error, PB_PRINT_ERROR, PB_PRINT_ERROR_FAILED,
                   _ ("The document could not be drawn: %s"), cairo_status_to_string (status));
      return NULL;
    }
  {
    gsize length = out->len;

    return pb_print_bytes_new_wiped (g_byte_array_free (out, FALSE), length);
  }
}

/* Draws @text at (@x, y) in @width points (wrapped), and returns its height. */
static double
draw_text (Page *page, double x, double width, const char *font, const char *text)
{
  g_autoptr (PangoLayout) layout = pango_cairo_create_layout (page->cr);
  PangoFontDescription *description = pango_font_description_from_string (font);
  int text_width, text_height;

  pango_layout_set_font_description (layout, description);
  pango_font_description_free (description);
  pango_layout_set_width (layout, (int)(width * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_text (layout, text, -1);
  cairo_move_to (page->cr, x, page->y);
  pango_cairo_show_layout (page->cr, layout);
  pango_layout_get_size (layout, &text_width, &text_height);
  return (double)text_height / PANGO_SCALE;
}

/* A line of text across the page; y moves below it. */
static void
add_text (Page *page, const char *font, const char *text, double space_after)
{
  page_need (page, 14);
  page->y
      += draw_text (page, page->margin, page->width - 2 * page->margin, font, text) + space_after;
}

/* Code 128 of @data with its left edge (quiet zone included) at @x and its
 * top at y, @height points tall; returns its width with the quiet zones,
 * or a negative number when zint cannot encode @data. */
static double
draw_code128 (Page *page, double x, double height, const char *data, GError **error)
{
  struct zint_symbol *symbol = ZBarcode_Create ();
  double scale, width;
  int rc;

  if (symbol == NULL)
    {
      g_set_error_literal (error, PB_PRINT_ERROR, PB_PRINT_ERROR_FAILED,
                           _ ("The barcode could not be made: out of memory."));
      return -1;
    }
  symbol->symbology = BARCODE_CODE128;
  symbol->show_hrt = 0;
  symbol->whitespace_width = 0;
  symbol->input_mode = DATA_MODE;
  rc = ZBarcode_Encode_and_Buffer_Vector (symbol, (const unsigned char *)data, (int)strlen (data),
                                          0);
  if (rc >= ZINT_ERROR || symbol->vector == NULL || symbol->vector->width <= 0)
    {
      g_set_error (error, PB_PRINT_ERROR, PB_PRINT_ERROR_FAILED,
                   _ ("The barcode for %s could not be made: %s"), data, symbol->errtxt);
      ZBarcode_Delete (symbol);
      return -1;
    }

  /* zint's vector units: the symbol is symbol->width modules across. */
  scale = page->module * symbol->width / symbol->vector->width;
  width = page->module * (symbol->width + 2 * QUIET_MODULES);
  for (struct zint_vector_rect *rect = symbol->vector->rectangles; rect; rect = rect->next)
    {
      if (rect->colour > 0 && rect->colour != 7)
        continue; /* a background or coloured box: none in a plain symbol */
      cairo_rectangle (page->cr, x + page->module * QUIET_MODULES + rect->x * scale, page->y,
                       rect->width * scale, height);
    }
  cairo_fill (page->cr);
  ZBarcode_Delete (symbol);
  return width;
}

/* Despatch notes ------------------------------------------------------------ */

GBytes *
pb_despatch_note_render (const PbDespatchNote *note, PbDocumentPaper paper, GError **error)
{
  g_autoptr (GByteArray) out = g_byte_array_new ();
  g_autofree char *barcode = NULL;
  g_autofree char *heading = NULL;
  gboolean small = paper == PB_DOCUMENT_PAPER_4X6;
  const char *body = small ? "Sans 8" : "Sans 10";
  double quantity_width, usable;
  guint units = 0;
  Page page = { 0 };
  GBytes *pdf;

  g_return_val_if_fail (note != NULL && note->order_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  barcode = pb_document_barcode_data (note->order_id);
  page_begin (&page, out, paper, "Packbench despatch note");
  usable = page.width - 2 * page.margin;

  add_text (&page, small ? "Sans Bold 14" : "Sans Bold 20", _ ("Despatch note"), 2);
  if (note->seller_name != NULL && *note->seller_name != '\0')
    {
      g_autofree char *from = g_strdup_printf (_ ("From %s"), note->seller_name);

      add_text (&page, small ? "Sans 10" : "Sans 12", from, 6);
    }
  /* Translators: %s is an Amazon order number. */
  heading = g_strdup_printf (_ ("Order %s"), note->order_id);
  add_text (&page, small ? "Sans Bold 10" : "Sans Bold 12", heading, 4);
  if (draw_code128 (&page, page.margin - page.module * QUIET_MODULES, small ? 34 : 48, barcode,
                    error)
      < 0)
    goto fail;
  page.y += small ? 40 : 56;

  add_text (&page, small ? "Sans Bold 9" : "Sans Bold 11", _ ("Deliver to"), 2);
  for (guint i = 0; note->address != NULL && note->address[i] != NULL; i++)
    if (*note->address[i] != '\0')
      add_text (&page, small ? "Sans 9" : "Sans 11", note->address[i], 0);
  page.y += small ? 8 : 14;

  /* The items: quantity, SKU, title. */
  quantity_width = small ? 30 : 50;
  page_need (&page, 30);
  draw_text (&page, page.margin, quantity_width, small ? "Sans Bold 8" : "Sans Bold 10", _ ("Qty"));
  page.y += draw_text (&page, page.margin + quantity_width, usable - quantity_width,
                       small ? "Sans Bold 8" : "Sans Bold 10", _ ("Item"))
            + 3;
  for (guint i = 0; i < note->n_lines; i++)
    {
      const PbDespatchLine *line = &note->lines[i];
      g_autofree char *quantity = g_strdup_printf ("%u", line->quantity);
      g_autofree char *item = line->title != NULL && *line->title != '\0'
                                  ? g_strdup_printf ("%s — %s", line->sku, line->title)
                                  : g_strdup (line->sku);
      double height;

      page_need (&page, 14);
      draw_text (&page, page.margin, quantity_width, body, quantity);
      height = draw_text (&page, page.margin + quantity_width, usable - quantity_width, body, item);
      page.y += height + 2;
      units += line->quantity;
    }
  {
    /* Translators: the last line of a despatch note. */
    g_autofree char *total = g_strdup_printf (
        g_dngettext (GETTEXT_PACKAGE, "%u item in this parcel", "%u items in this parcel", units),
        units);

    page.y += 6;
    add_text (&page, small ? "Sans Bold 8" : "Sans Bold 10", total, 0);
  }

  pdf = page_end (&page, g_steal_pointer (&out), error);
  return pdf;

fail:
  cairo_destroy (page.cr);
  cairo_surface_finish (page.surface);
  cairo_surface_destroy (page.surface);
  pb_secure_wipe (out->data, out->len);
  return NULL;
}

/* Pick lists ------------------------------------------------------------------ */

GBytes *
pb_pick_list_render (const PbPickList *list, GError **error)
{
  g_autoptr (GByteArray) out = g_byte_array_new ();
  g_autofree char *made = NULL;
  g_autofree char *totals = NULL;
  const double bin_x = 0, sku_x = 70, title_x = 180, quantity_x = 380, orders_x = 425;
  double usable;
  guint units = 0;
  Page page = { 0 };

  g_return_val_if_fail (list != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  page_begin (&page, out, PB_DOCUMENT_PAPER_A4, "Packbench pick list");
  usable = page.width - 2 * page.margin;

  add_text (&page, "Sans Bold 20", _ ("Pick list"), 2);
  if (list->made_at != NULL)
    {
      g_autoptr (GDateTime) local = g_date_time_to_local (list->made_at);
      /* Translators: when a pick list was made, see g_date_time_format(). */
      g_autofree char *when = g_date_time_format (local, _ ("%-d %B %Y, %H:%M"));

      made = g_strdup_printf ("%s · %s", list->heading ? list->heading : "", when ? when : "");
    }
  add_text (&page, "Sans 12", made ? made : (list->heading ? list->heading : ""), 10);

  page_need (&page, 40);
  draw_text (&page, page.margin + bin_x, sku_x - bin_x, "Sans Bold 10", _ ("Bin"));
  draw_text (&page, page.margin + sku_x, title_x - sku_x, "Sans Bold 10", _ ("SKU"));
  draw_text (&page, page.margin + title_x, quantity_x - title_x, "Sans Bold 10", _ ("Item"));
  draw_text (&page, page.margin + quantity_x, orders_x - quantity_x, "Sans Bold 10", _ ("Qty"));
  page.y
      += draw_text (&page, page.margin + orders_x, usable - orders_x, "Sans Bold 10", _ ("Orders"))
         + 3;
  for (guint i = 0; i < list->n_lines; i++)
    {
      const PbPickLine *line = &list->lines[i];
      g_autofree char *quantity = g_strdup_printf ("%u", line->quantity);
      g_autofree char *orders = g_strdup_printf ("%u", line->n_orders);
      double height;

      page_need (&page, 14);
      height = draw_text (&page, page.margin + bin_x, sku_x - bin_x - 4, "Sans 10",
                          line->bin != NULL && *line->bin != '\0' ? line->bin : "—");
      height = MAX (height, draw_text (&page, page.margin + sku_x, title_x - sku_x - 4, "Sans 10",
                                       line->sku));
      height = MAX (height, draw_text (&page, page.margin + title_x, quantity_x - title_x - 4,
                                       "Sans 10", line->title ? line->title : ""));
      draw_text (&page, page.margin + quantity_x, orders_x - quantity_x, "Sans 10", quantity);
      draw_text (&page, page.margin + orders_x, usable - orders_x, "Sans 10", orders);
      page.y += height + 2;
      units += line->quantity;
    }
  /* Translators: the totals under a pick list. */
  totals = g_strdup_printf (_ ("Total: %u units of %u products for %u orders"), units,
                            list->n_lines, list->n_orders);
  page.y += 6;
  add_text (&page, "Sans Bold 11", totals, 16);

  if (list->n_orders > 0)
    add_text (&page, "Sans Bold 14", _ ("Orders"), 6);
  for (guint i = 0; i < list->n_orders; i++)
    {
      const PbPickOrder *order = &list->orders[i];
      g_autofree char *barcode = pb_document_barcode_data (order->order_id);
      double width;

      page_need (&page, 70);
      width = draw_code128 (&page, page.margin - page.module * QUIET_MODULES, 36, barcode, error);
      if (width < 0)
        goto fail;
      page.y += 40;
      page.y += draw_text (&page, page.margin, usable, "Sans Bold 10", order->order_id);
      page.y
          += draw_text (&page, page.margin, usable, "Sans 10", order->summary ? order->summary : "")
             + 12;
    }

  return page_end (&page, g_steal_pointer (&out), error);

fail:
  cairo_destroy (page.cr);
  cairo_surface_finish (page.surface);
  cairo_surface_destroy (page.surface);
  return NULL;
}
