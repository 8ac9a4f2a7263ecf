/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "util/pb-order-data.h"

G_BEGIN_DECLS

/*
 * An Amazon order as the Orders API 2026-01-01 returns it, reduced to what
 * the bench needs to fulfil it: the recipient (PII), items, fulfilment
 * status, promised windows and packages. Buyer, proceeds, tax and payment
 * datasets are never asked for and never kept.
 */

#define PB_AMAZON_ERROR (pb_amazon_error_quark ())

typedef enum
{
  PB_AMAZON_ERROR_PARSE,          /* a response that is not what the model says */
  PB_AMAZON_ERROR_AUTH,           /* LWA refused the credentials */
  PB_AMAZON_ERROR_REJECTED,       /* 4xx: Amazon refused the request */
  PB_AMAZON_ERROR_UNAVAILABLE,    /* 5xx or 429 after the retries */
  PB_AMAZON_ERROR_NOT_FOUND,      /* 404 */
  PB_AMAZON_ERROR_NOT_CONFIGURED, /* credentials missing */
  PB_AMAZON_ERROR_PAGINATION,     /* pagination token expired */
} PbAmazonError;

GQuark pb_amazon_error_quark (void);

/* Parses a searchOrders response body. @orders receives PbOrderData
 * elements, @next_token the pagination token (NULL on the last page),
 * @updated_before the end of the searched window as Amazon reports it (0
 * when absent). Any deviation from the model is a PB_AMAZON_ERROR_PARSE
 * naming where. */
gboolean pb_amazon_parse_orders_page (const char *data, gsize length, GPtrArray **orders,
                                      char **next_token, gint64 *updated_before, GError **error);

/* Parses a getOrder response body. */
PbOrderData *pb_amazon_parse_order_response (const char *data, gsize length, GError **error);

/* Reads an SP-API error list ({"errors":[{code,message,details}]}) into one
 * line, or NULL when the body is not one. */
char *pb_amazon_parse_errors (const char *data, gsize length);

/* ISO 8601 to Unix time; 0 for NULL or invalid. */
gint64 pb_amazon_parse_time (const char *text);

/* Amazon order ids are three, seven and seven digits: 026-1234567-1234567. */
gboolean pb_amazon_order_id_is_valid (const char *text);

G_END_DECLS
