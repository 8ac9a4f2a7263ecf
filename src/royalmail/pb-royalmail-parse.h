/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "pb-royalmail-client.h"

G_BEGIN_DECLS

/*
 * Readers for Click & Drop's response bodies, apart from the client so the
 * fuzzer can reach them. Each takes the raw body (not NUL-terminated) and
 * either returns what the spec says is there or fails with
 * PB_ROYALMAIL_ERROR_PARSE naming where the body differs from the spec.
 */

typedef enum
{
  PB_ROYALMAIL_MANIFEST_IN_PROGRESS,
  PB_ROYALMAIL_MANIFEST_COMPLETED,
  PB_ROYALMAIL_MANIFEST_FAILED,
} PbRoyalMailManifestStatus;

/* A CreateOrdersResponse for one order sent. Returns the created order with
 * its label decoded. failedOrders is PB_ROYALMAIL_ERROR_REJECTED listing
 * every error with its fields ("recipient.address.postcode: … (1007)"); an
 * order created without its label (labelErrors) is OBA_ONLY for
 * FeatureNotAvailable and REJECTED otherwise, naming the order created. */
PbRoyalMailOrder *pb_royalmail_parse_create_response (const char *data, gsize length,
                                                      GError **error);

/* An array of GetOrderInfoResource. (element-type PbRoyalMailOrder) */
GPtrArray *pb_royalmail_parse_orders (const char *data, gsize length, GError **error);

/* A ManifestOrdersResponse or ManifestDetailsResponse. @pdf receives the
 * decoded documentPdf when there is one (the status is then COMPLETED). */
gboolean pb_royalmail_parse_manifest (const char *data, gsize length, gint64 *manifest_number,
                                      PbRoyalMailManifestStatus *status, GBytes **pdf,
                                      GError **error);

/* A DeleteOrdersResource for @order_identifier: TRUE when it is among the
 * deleted orders, REJECTED with Click & Drop's reasons when it is among the
 * errors. */
gboolean pb_royalmail_parse_delete_response (const char *data, gsize length,
                                             gint64 order_identifier, GError **error);

/* Any of Click & Drop's error bodies (ErrorResponse, [OrderErrorResponse],
 * [OrderErrorInfo], ManifestErrorsResponse) as one line, or NULL when the
 * body is none of them. */
char *pb_royalmail_parse_errors (const char *data, gsize length);

/* Base64 text that must hold a PDF; NULL when it is not valid base64 or
 * not a PDF. */
GBytes *pb_royalmail_decode_pdf (const char *base64);

G_END_DECLS
