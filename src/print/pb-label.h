/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "pb-print-error.h"

G_BEGIN_DECLS

/*
 * Label documents: a Royal Mail label is a PDF of one 4 x 6 in page. For
 * Zebra-style printers on raw queues it is rendered here at the printer's
 * resolution and sent as ZPL; for any other queue CUPS gets the PDF itself
 * at PB_LABEL_MEDIA. Everything happens in memory: a label shows an
 * address, so no byte of it is ever written to a file, and the bitmaps and
 * ZPL made here are wiped when they are freed.
 */

/* The label size, 4 x 6 in portrait, in PostScript points. */
#define PB_LABEL_WIDTH_PT 288
#define PB_LABEL_HEIGHT_PT 432
/* The CUPS media keyword for it. */
#define PB_LABEL_MEDIA "w288h432"

/* A rendered pixel is black when its luma, (299 R + 587 G + 114 B) / 1000
 * with 8-bit channels over a white background, is below this. A fixed
 * threshold, no dithering: barcode edges stay sharp. */
#define PB_LABEL_THRESHOLD 128

/*
 * A one-bit image in the printer's own layout: @height rows of @stride =
 * ceil(@width / 8) bytes, the leftmost pixel in the most significant bit, 1
 * for black (a printed dot). Bits past @width in a row are always 0.
 */
typedef struct
{
  guint width;
  guint height;
  guint stride;
  guint8 *data;
} PbBitmap;

/* A white bitmap; @width and @height must be at least 1. */
PbBitmap *pb_bitmap_new (guint width, guint height);
/* Wipes the pixels, then frees them. */
void pb_bitmap_free (PbBitmap *bitmap);
gboolean pb_bitmap_get_pixel (const PbBitmap *bitmap, guint x, guint y);
void pb_bitmap_set_pixel (PbBitmap *bitmap, guint x, guint y, gboolean black);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PbBitmap, pb_bitmap_free)

/* Whether labels can be rendered for a printer of @dpi dots per inch:
 * 152, 203, 300 or 600, the resolutions of Zebra's print heads (6, 8, 12
 * and 24 dots per mm). */
gboolean pb_label_dpi_is_supported (guint dpi);

/* The label size in dots at @dpi: 4 x 6 in, e.g. 812 x 1218 at 203 dpi and
 * 1200 x 1800 at 300 dpi. */
void pb_label_get_size (guint dpi, guint *width, guint *height);

/*
 * Renders page 1 of @pdf (poppler, for printing) at @dpi onto a white 4 x 6 in
 * bitmap and thresholds it with PB_LABEL_THRESHOLD. A landscape page is
 * turned a quarter clockwise; a page of another size is scaled to fit and
 * centred. Fails with PB_PRINT_ERROR_INVALID_LABEL when @pdf is not a PDF
 * with at least one page or @dpi is not supported.
 */
PbBitmap *pb_label_render (GBytes *pdf, guint dpi, GError **error);

/*
 * ZPL for @bitmap, printed from the label's top-left corner:
 * "^XA^PW<width>^LL<height>^LH0,0^FO0,0^GFA,<bytes>,<bytes>,<bytes per row>,<data>^FS^XZ",
 * the data in ZPL's compressed ASCII hex (repeat counts G–Y and g–z, ","
 * and "!" to fill a row with 0 or 1 bits, ":" to repeat the row above).
 * The returned bytes are wiped when freed.
 */
GBytes *pb_label_encode_zpl (const PbBitmap *bitmap);

/* pb_label_render() then pb_label_encode_zpl() for every page (a label of
 * several parcels has a page per parcel): one ZPL format per page, one
 * after another. */
GBytes *pb_label_pdf_to_zpl (GBytes *pdf, guint dpi, GError **error);

/*
 * A 4 x 6 in PDF to check a printer with: the words "Packbench test label",
 * @printer_name, the date and time of @when (local time), and a test pattern
 * (border, bars one to four dots wide at 203 and 300 dpi, a checkerboard, a
 * grey ramp, text from 6 to 14 pt). Drawn with cairo into memory.
 */
GBytes *pb_label_make_test_pdf (const char *printer_name, GDateTime *when, GError **error);

G_END_DECLS
