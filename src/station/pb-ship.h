/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "site/pb-site.h"
#include "store/pb-parcels.h"
#include "store/pb-store.h"

G_BEGIN_DECLS

/*
 * ship(order): the one function the app and the CLI use to send an order.
 * Re-check the order with Amazon (getOrder, every time, just before a label
 * is bought) → buy the Royal Mail label through the outbox (looking the
 * reference up first, and after any timeout) → store the label and
 * tracking number → print → queue confirmShipment through the outbox and
 * try it once. Every step is persisted before the next starts, so running
 * ship again after a crash at any point finishes the job with exactly one
 * label bought and one confirmation sent.
 */

#define PB_OUTBOX_KIND_CREATE_LABEL "royalmail.create_label"

#define PB_SHIP_ERROR (pb_ship_error_quark ())

/* Why pb_ship refused to buy a label (other refusals are PB_STORE_ERROR,
 * PB_ROYALMAIL_ERROR or PB_PRINT_ERROR). Each is also an "order.refused"
 * audit row. */
typedef enum
{
  PB_SHIP_ERROR_CANCELLED,        /* Amazon (or the last sync) says it is cancelled */
  PB_SHIP_ERROR_CANCEL_REQUESTED, /* the buyer has asked to cancel it */
  PB_SHIP_ERROR_RECHECK_REFUSED,  /* Amazon refused the re-check (4xx) */
  PB_SHIP_ERROR_HELD,             /* site mode: another bench has or shipped the order */
  PB_SHIP_ERROR_SITE_UNREACHABLE, /* site mode: no site database, no packing */
} PbShipError;

GQuark pb_ship_error_quark (void);

typedef struct
{
  const char *order_id;
  const char *operator_name;
  gint weight_g; /* 0: from the catalogue */
  PbWeightSource weight_source;
  const char *service; /* NULL: from the rules */
  /* (element-type PbParcel): two or more parcels, each with its weight and
   * items (pb_parcels_from_specs()), in place of @weight_g; NULL: one
   * parcel. A run that finishes an earlier, interrupted one keeps the
   * parcels that run chose. */
  GPtrArray *parcels;
  const char *printer;    /* NULL: print.printer */
  guint print_timeout_ms; /* 0: 30 s */
  /* Site mode: the order stays open at the bench when no label was bought
   * (the app), so this bench keeps its claim; otherwise (the CLI) it is
   * given back. */
  gboolean keep_claim;
} PbShipRequest;

typedef struct
{
  char *tracking_number; /* parcel 1's when there are several */
  GStrv parcel_tracking; /* several parcels: each one's, in order; else NULL */
  char *service;
  gboolean printed;
  gboolean confirmed;  /* Amazon has the tracking number */
  char *confirm_error; /* why not yet; the confirmation waits in the outbox */
  gboolean already_shipped;
  /* Amazon could not be reached to re-check the order before its label was
   * bought: it was shipped on what the last sync (at @last_sync, Unix time;
   * 0: never) said. @recheck_error says why. The bench and the CLI say so. */
  gboolean recheck_skipped;
  gint64 last_sync;
  char *recheck_error;
  /* print.despatch_note_with_label: the despatch note printed after the
   * label, or why not (the label and the shipment stand either way). */
  gboolean despatch_note_printed;
  char *despatch_note_error;
} PbShipResult;

void pb_ship_result_clear (PbShipResult *result);

/* Errors: the order cannot go (PB_SHIP_ERROR: cancelled, the buyer asked
 * to cancel, Amazon refused the re-check; customs data missing — the SKU
 * named —, an address that does not fit, no rule), Royal Mail refused, or
 * the printer failed (PB_PRINT_ERROR: the label stays stored for a
 * reprint). */
gboolean pb_ship (PbStore *store, const PbShipRequest *request, PbShipResult *result,
                  GCancellable *cancellable, GError **error);

/* Site mode: tells the site about labels this bench bought while it could
 * not be reached (the sync calls it). */
gboolean pb_ship_finish_in_site (PbStore *store, PbSite *site, GError **error);

/* Site mode: fetches @order_id (its recipient included) from Amazon into
 * this bench's store, for the bench that is about to pack it. */
gboolean pb_ship_fetch_recipient (PbStore *store, const char *order_id, GCancellable *cancellable,
                                  GError **error);

/* Prints the stored label of @order_id again, on @printer (NULL:
 * print.printer; the caller checks PB_ACTION_CHOOSE_PRINTER for another).
 *
 * Every print of a label or a manifest is first an audit row
 * "label.print_requested" / "manifest.print_requested" (detail: the
 * printer), committed before CUPS gets the job; then "label.printed",
 * "label.reprinted" or "manifest.printed", "….print_failed", or
 * "….print_unconfirmed" (outcome "unknown") when @cancellable stopped the
 * wait while CUPS still had the job. */
gboolean pb_ship_reprint (PbStore *store, const char *order_id, const char *printer,
                          const char *operator_name, GCancellable *cancellable, GError **error);

/* Deletes the Royal Mail order (voiding its label) and forgets the label. */
gboolean pb_ship_void (PbStore *store, const char *order_id, const char *operator_name,
                       GCancellable *cancellable, GError **error);

/* The end-of-day manifest of every label not yet manifested. */
gboolean pb_ship_manifest (PbStore *store, const char *operator_name, gint64 *manifest_number,
                           guint *n_orders, GCancellable *cancellable, GError **error);

typedef struct
{
  gint weight_g;
  gboolean weight_from_catalogue;
  char *package_format; /* a Click & Drop package format */
  char *service;        /* a Royal Mail service code */
} PbShipPreview;

void pb_ship_preview_clear (PbShipPreview *preview);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PbShipPreview, pb_ship_preview_clear)

/* What pb_ship would buy for @order_id at @weight_g (0: the catalogue's),
 * or the reason it would refuse; nothing is bought. */
gboolean pb_ship_preview (PbStore *store, const char *order_id, gint weight_g,
                          PbShipPreview *preview, GError **error);

/* Prints the stored manifest @manifest_id (0: the newest; see
 * pb_labels_list_manifests()) as a document on @printer, else the
 * print.document_printer setting, else CUPS's default destination, and
 * waits until CUPS has printed it. Audited as for pb_ship_reprint(), with
 * "manifest." rows. The caller checks PB_ACTION_MANIFEST. */
gboolean pb_ship_print_manifest (PbStore *store, gint64 manifest_id, const char *printer,
                                 const char *operator_name, GCancellable *cancellable,
                                 GError **error);

/* A document (despatch note, pick list) on the document printer, audited
 * as "<@kind>." rows; see pb-ship.c. */
gboolean pb_ship_print_document (PbStore *store, GBytes *pdf, const char *kind, const char *subject,
                                 const char *operator_name, GCancellable *cancellable,
                                 GError **error);

/* A test label on @printer (NULL: print.printer). */
gboolean pb_ship_print_test (PbStore *store, const char *printer, GCancellable *cancellable,
                             GError **error);

G_END_DECLS
