/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "store/pb-store.h"

G_BEGIN_DECLS

/*
 * Packing one order: the packer scans every unit into the box and the
 * session ticks it off against the order's lines. A scan matches a line by
 * the item's SKU or ASIN, or by the SKU, ASIN or any barcode of the item's
 * catalogue product (EAN/UPC compared as GTINs, so a UPC-A matches its
 * EAN-13 spelling); when nothing matches as scanned, the code is tried
 * again with the US/UK keyboard swap undone either way (pb-scan.h), so a
 * mis-set scanner still works. A code that matches nothing, or an item
 * already fully verified, is a mis-scan: counted and written to the audit
 * log ("pack.mis_scan", the order id, "<result> <kind of code>"; never the
 * code itself, which might be anything a packer points the scanner at).
 * The first scan and the completion are stored with the order
 * (pack_started_at, pack_completed_at, packed_by) for the scan-to-print
 * statistics. Verification itself lives only in the session: a new session
 * for the same order starts again from nothing.
 *
 * For the UI: the read-only properties "verified-units", "total-units",
 * "mis-scans" and "complete" notify when they change; "operator" is
 * read-write; "store" and "order-id" are construct-only. The signal
 * "line-changed" (guint position) says which line's verified count moved.
 */

#define PB_PACK_ERROR (pb_pack_error_quark ())

typedef enum
{
  PB_PACK_ERROR_NO_ORDER,         /* no such order, or no unshipped order holds the item */
  PB_PACK_ERROR_NOT_PACKABLE,     /* cancelled, not released, labelled, shipped, nothing left */
  PB_PACK_ERROR_NOT_AN_ITEM,      /* a badge where an order or an item was expected */
  PB_PACK_ERROR_CANCEL_REQUESTED, /* the buyer asked to cancel: not to be sent */
} PbPackError;

GQuark pb_pack_error_quark (void);

typedef enum
{
  PB_PACK_SCAN_FAILED,      /* @error is set; nothing changed */
  PB_PACK_SCAN_VERIFIED,    /* one unit ticked, more to go */
  PB_PACK_SCAN_COMPLETE,    /* the last unit: everything is verified */
  PB_PACK_SCAN_WRONG_ITEM,  /* not in this order: a mis-scan */
  PB_PACK_SCAN_TOO_MANY,    /* every unit of that item already verified: a mis-scan */
  PB_PACK_SCAN_NOT_AN_ITEM, /* an order id or a badge: for the caller, not counted */
} PbPackScanResult;

/* One line of the order, as the session sees it. */
typedef struct
{
  char *item_id;
  char *sku;
  char *asin;
  char *title;
  GStrv barcodes; /* the catalogue product's; empty when the catalogue lacks it */
  guint quantity; /* units to pack: ordered less already shipped */
  guint verified; /* units scanned so far */
} PbPackLine;

#define PB_TYPE_PACK_SESSION (pb_pack_session_get_type ())
G_DECLARE_FINAL_TYPE (PbPackSession, pb_pack_session, PB, PACK_SESSION, GObject)

/* Opens @order_id (also accepted as the 17 digits without dashes) for
 * packing. PB_PACK_ERROR_NO_ORDER when the store does not have it,
 * PB_PACK_ERROR_NOT_PACKABLE (with the reason in words) unless it is
 * unshipped with units left to send. */
PbPackSession *pb_pack_session_new (PbStore *store, const char *order_id, GError **error);

/* Matches a cleaned scan (pb_scan_buffer_feed's result) against the lines.
 * Returns PB_PACK_SCAN_FAILED only when the store cannot be written. */
PbPackScanResult pb_pack_session_scan (PbPackSession *self, const char *code, GError **error);

const char *pb_pack_session_get_order_id (PbPackSession *self);
/* The operator named in the audit log and in packed_by. */
const char *pb_pack_session_get_operator (PbPackSession *self);
void pb_pack_session_set_operator (PbPackSession *self, const char *operator_name);

guint pb_pack_session_get_verified_units (PbPackSession *self);
guint pb_pack_session_get_total_units (PbPackSession *self);
guint pb_pack_session_get_mis_scans (PbPackSession *self);
gboolean pb_pack_session_get_complete (PbPackSession *self);
/* Unix times of this session's first scan and of its completion; 0: not yet. */
gint64 pb_pack_session_get_started_at (PbPackSession *self);
gint64 pb_pack_session_get_completed_at (PbPackSession *self);

guint pb_pack_session_get_n_lines (PbPackSession *self);
/* (transfer none): valid as long as the session. */
const PbPackLine *pb_pack_session_get_line (PbPackSession *self, guint position);

/* What a scan at an idle bench opens: an Amazon order id opens that order
 * (whatever its state: pb_pack_session_new says why it cannot be packed);
 * an item's barcode, SKU or ASIN opens the oldest unshipped order holding
 * it (pb_orders_find_unshipped_holding). PB_PACK_ERROR_NO_ORDER when
 * nothing fits, PB_PACK_ERROR_NOT_AN_ITEM for a badge. */
gboolean pb_pack_find_order_for_code (PbStore *store, const char *code, char **order_id,
                                      GError **error);
/* The same, passing over the orders in @exclude (site mode: held by other
 * benches). */
gboolean pb_pack_find_order_for_code_except (PbStore *store, const char *code,
                                             const char *const *exclude, char **order_id,
                                             GError **error);

G_END_DECLS
