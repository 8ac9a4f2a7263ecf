/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "net/pb-http.h"
#include "pb-amazon-order.h"

G_BEGIN_DECLS

/*
 * The Selling Partner API as the bench uses it: Login with Amazon's
 * refresh-token flow, searchOrders and getOrder from Orders API 2026-01-01,
 * and confirmShipment from Orders v0. No SigV4 (Amazon dropped it in 2023).
 * Calls block: run them in a worker thread.
 */

#define PB_AMAZON_UK_MARKETPLACE "A1F83G8C2ARO7P"

typedef struct
{
  const char *endpoint;     /* https://sellingpartnerapi-eu.amazon.com */
  const char *lwa_endpoint; /* https://api.amazon.com/auth/o2/token */
  const char *client_id;
  const char *client_secret;
  const char *refresh_token;
  const char *marketplace_id;
} PbAmazonConfig;

typedef struct
{
  gint64 last_updated_after;  /* required */
  gint64 last_updated_before; /* 0: not sent */
  const char *pagination_token;
  guint max_results; /* 1–100; 0: 100 */
} PbAmazonSearch;

typedef struct
{
  const char *order_item_id;
  gint quantity;
} PbAmazonConfirmItem;

typedef struct
{
  const char *order_id;
  const char *package_reference_id; /* digits: sent as a string */
  const char *tracking_number;
  const char *shipping_method; /* e.g. the Royal Mail service name */
  gint64 ship_date;
  const PbAmazonConfirmItem *items;
  guint n_items;
} PbAmazonConfirmation;

/* The datasets the bench asks Amazon for, and no more (docs/COMPLIANCE.md). */
#define PB_AMAZON_INCLUDED_DATA "RECIPIENT,FULFILLMENT,PACKAGES,CANCELLATION"

#define PB_TYPE_AMAZON_CLIENT (pb_amazon_client_get_type ())
G_DECLARE_FINAL_TYPE (PbAmazonClient, pb_amazon_client, PB, AMAZON_CLIENT, GObject)

/* Copies @config; the secrets are wiped when the client goes. */
PbAmazonClient *pb_amazon_client_new (PbHttpClient *http, const PbAmazonConfig *config);
PbHttpClient *pb_amazon_client_get_http (PbAmazonClient *self);

/* One page. @orders receives PbOrderData elements; @updated_before the
 * end of the window Amazon searched (0 when it does not say). */
gboolean pb_amazon_client_search_orders (PbAmazonClient *self, const PbAmazonSearch *search,
                                         GPtrArray **orders, char **next_token,
                                         gint64 *updated_before, GCancellable *cancellable,
                                         GError **error);

PbOrderData *pb_amazon_client_get_order (PbAmazonClient *self, const char *order_id,
                                         GCancellable *cancellable, GError **error);

/* 204 is success. A 4xx is PB_AMAZON_ERROR_REJECTED with Amazon's words. */
gboolean pb_amazon_client_confirm_shipment (PbAmazonClient *self,
                                            const PbAmazonConfirmation *confirmation,
                                            GCancellable *cancellable, GError **error);

/* The JSON body confirmShipment sends (also for tests and the outbox). */
char *pb_amazon_confirmation_to_json (const PbAmazonConfirmation *confirmation,
                                      const char *marketplace_id);

/* Forgets the cached access token (the next call asks LWA again). */
void pb_amazon_client_forget_token (PbAmazonClient *self);

G_END_DECLS
