/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "pb-print-error.h"

G_BEGIN_DECLS

/*
 * Paper for the document printer: despatch notes (one per order, to go in
 * the parcel) and pick lists (what to fetch from the shelves). Pages are
 * drawn with cairo and pango into a PDF in memory; order numbers are Code
 * 128 barcodes from zint. A despatch note shows an address: its PDF is
 * never written to a file here, and its bytes are wiped when freed.
 *
 * An order number's barcode holds the order id's 17 digits without the
 * dashes (Code 128 set C: half the width of the dashed form), which the
 * bench's scan reads as the order id (pb_scan_classify).
 */

typedef enum
{
  PB_DOCUMENT_PAPER_A4,  /* 210 x 297 mm */
  PB_DOCUMENT_PAPER_4X6, /* 4 x 6 in, the label printer's size */
} PbDocumentPaper;

/* "a4" or "4x6". */
gboolean pb_document_paper_from_string (const char *text, PbDocumentPaper *paper);

/* What an order number's barcode holds: the 17 digits of an Amazon order
 * id, else the id as it is. */
char *pb_document_barcode_data (const char *order_id);

typedef struct
{
  const char *sku;
  const char *title; /* NULL: none */
  guint quantity;
} PbDespatchLine;

typedef struct
{
  const char *seller_name; /* NULL or "": no sender line */
  const char *order_id;
  const char *const *address; /* NULL-terminated: the delivery name, then the lines */
  const PbDespatchLine *lines;
  guint n_lines;
} PbDespatchNote;

/* A PDF of one despatch note (more pages when the items do not fit one),
 * wiped when freed. */
GBytes *pb_despatch_note_render (const PbDespatchNote *note, PbDocumentPaper paper, GError **error);

typedef struct
{
  const char *bin; /* NULL or "": no bin */
  const char *sku;
  const char *title; /* NULL: none */
  guint quantity;    /* units over all orders */
  guint n_orders;
} PbPickLine;

typedef struct
{
  const char *order_id;
  const char *summary; /* "2 × SKU-1, 1 × SKU-2" */
} PbPickOrder;

typedef struct
{
  const char *heading; /* which orders, e.g. "Due today" */
  GDateTime *made_at;
  const PbPickLine *lines; /* in picking order */
  guint n_lines;
  const PbPickOrder *orders;
  guint n_orders;
} PbPickList;

/* A PDF of the pick list on A4: the lines with totals, then each order's
 * barcode. It holds no personal data. */
GBytes *pb_pick_list_render (const PbPickList *list, GError **error);

G_END_DECLS
