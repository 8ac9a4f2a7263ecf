/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "net/pb-http.h"

G_BEGIN_DECLS

/*
 * Royal Mail Click & Drop (API v1): create an order with its label in the
 * response, find orders by reference, fetch a label again, delete an order
 * (voiding its label), and manifests. Click & Drop has no idempotency key:
 * callers look the reference up before creating and after any lost answer
 * (a timeout, a reset connection, a 5xx), so one order never gets two
 * labels; the HTTP client never sends a create or a manifest twice on its
 * own. Calls block: run them in a worker thread.
 */

#define PB_ROYALMAIL_ERROR (pb_royalmail_error_quark ())

typedef enum
{
  PB_ROYALMAIL_ERROR_INVALID,        /* the request cannot be sent as it is (a field too long…) */
  PB_ROYALMAIL_ERROR_REJECTED,       /* Click & Drop refused it (failedOrders, 4xx): fields named */
  PB_ROYALMAIL_ERROR_AUTH,           /* 401: the API key */
  PB_ROYALMAIL_ERROR_OBA_ONLY,       /* 403: needs an Online Business Account */
  PB_ROYALMAIL_ERROR_NOT_FOUND,      /* 404 */
  PB_ROYALMAIL_ERROR_UNAVAILABLE,    /* 429 or 5xx after retries; or no answer */
  PB_ROYALMAIL_ERROR_PARSE,          /* a reply that is not what the spec says */
  PB_ROYALMAIL_ERROR_NOT_CONFIGURED, /* no API key */
} PbRoyalMailError;

GQuark pb_royalmail_error_quark (void);

typedef struct
{
  const char *name;
  const char *sku;
  gint quantity;
  const char *unit_value; /* decimal text, e.g. "12.99" */
  gint unit_weight_g;
  const char *customs_description; /* NULL when not needed */
  const char *hs_code;
  const char *origin_country;
} PbRoyalMailItem;

/* One parcel of a shipment that goes as several: its own weight and
 * contents, and its own label and tracking number. */
typedef struct
{
  gint weight_g;
  const PbRoyalMailItem *items;
  guint n_items;
} PbRoyalMailPackage;

typedef struct
{
  const char *reference; /* the Amazon order id */
  /* The recipient: only what the policy shares with Royal Mail. */
  const char *full_name;
  const char *company;
  const char *address_line1;
  const char *address_line2;
  const char *address_line3;
  const char *city;
  const char *county;
  const char *postcode;
  const char *country_code;
  const char *phone; /* NULL when Amazon gave none */
  gint64 order_date;
  const char *subtotal; /* decimal text */
  const char *shipping; /* decimal text */
  const char *total;    /* decimal text */
  const char *currency; /* "GBP" */
  const char *service_code;
  const char *package_format;
  gint weight_g;
  const PbRoyalMailItem *items;
  guint n_items;
  /* Several parcels (at least two): one package each, all of
   * @package_format, in place of @weight_g and @items. 0: one package. */
  const PbRoyalMailPackage *packages;
  guint n_packages;
} PbRoyalMailShipment;

/* Checks every field against the spec's limits before anything is sent:
 * an address that does not fit is refused with the field named (never cut
 * short). */
gboolean pb_royalmail_shipment_validate (const PbRoyalMailShipment *shipment, GError **error);

/* The JSON body of POST /orders for one shipment (for tests too). */
char *pb_royalmail_shipment_to_json (const PbRoyalMailShipment *shipment);

typedef struct
{
  gint64 order_identifier;
  char *reference;
  char *tracking_number;  /* NULL until a label exists */
  GStrv package_tracking; /* each package's, by packageNumber; NULL when none */
  GBytes *label;          /* the label PDF when it came with the response */
  gint64 manifested_on;   /* 0: not manifested */
} PbRoyalMailOrder;

void pb_royalmail_order_free (PbRoyalMailOrder *order);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PbRoyalMailOrder, pb_royalmail_order_free)

#define PB_TYPE_ROYALMAIL_CLIENT (pb_royalmail_client_get_type ())
G_DECLARE_FINAL_TYPE (PbRoyalMailClient, pb_royalmail_client, PB, ROYALMAIL_CLIENT, GObject)

/* @endpoint is the API base, e.g. https://api.parcel.royalmail.com/api/v1 */
PbRoyalMailClient *pb_royalmail_client_new (PbHttpClient *http, const char *endpoint,
                                            const char *api_key);

/* POST /orders with the label in the response. A 200 with failedOrders is
 * PB_ROYALMAIL_ERROR_REJECTED whose message names each field and error. A
 * lost answer (timeout, reset, 5xx: PB_ROYALMAIL_ERROR_UNAVAILABLE) may
 * still have created the order: look it up. */
PbRoyalMailOrder *pb_royalmail_client_create (PbRoyalMailClient *self,
                                              const PbRoyalMailShipment *shipment,
                                              GCancellable *cancellable, GError **error);

/* GET /orders/"REF" (quoted, percent-encoded). (element-type PbRoyalMailOrder):
 * empty when Click & Drop has none. */
GPtrArray *pb_royalmail_client_find (PbRoyalMailClient *self, const char *reference,
                                     GCancellable *cancellable, GError **error);

/* GET /orders/{id}/label?documentType=postageLabel */
GBytes *pb_royalmail_client_get_label (PbRoyalMailClient *self, gint64 order_identifier,
                                       GCancellable *cancellable, GError **error);

/* DELETE /orders/{id}: voids the label. */
gboolean pb_royalmail_client_delete (PbRoyalMailClient *self, gint64 order_identifier,
                                     GCancellable *cancellable, GError **error);

/* POST /manifests, then GET /manifests/{n} until complete (polling every
 * @poll_ms, at most @max_polls times). Returns the manifest PDF and sets
 * @manifest_number. The POST is never repeated on its own: after a lost
 * answer (PB_ROYALMAIL_ERROR_UNAVAILABLE) the manifest may exist, and Click &
 * Drop offers no way to find it but its website. */
GBytes *pb_royalmail_client_manifest (PbRoyalMailClient *self, guint poll_ms, guint max_polls,
                                      gint64 *manifest_number, GCancellable *cancellable,
                                      GError **error);

G_END_DECLS
