/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * royalmail/ against the local Click & Drop server
 * (tests/servers/clickdrop_server.py) over TLS: labels bought once, refusals
 * that name the field, nothing sent when a field does not fit, look-ups by
 * reference, a create that times out after the server committed it,
 * deletion, manifests, and every error Click & Drop can answer. The
 * server's /_test control API says what reached it.
 */
#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "net/pb-http.h"
#include "pb-test-servers.h"
#include "royalmail/pb-royalmail-client.h"

#define API_KEY PB_TEST_CLICKDROP_API_KEY

static PbTestClickDrop server;

typedef struct
{
  PbHttpClient *http;
  PbRoyalMailClient *client;
  PbRoyalMailShipment shipment;
  PbRoyalMailItem items[2];
} Fixture;

/* The server */

static char *
endpoint (void)
{
  return g_strdup_printf ("https://127.0.0.1:%u/api/v1", server.port);
}

static PbHttpClient *
new_http (guint total_ms)
{
  PbHttpClient *http = pb_http_client_new ();

  pb_http_client_set_ca_file (http, server.ca);
  pb_http_client_set_timeouts (http, 2000, total_ms);
  /* A Retry-After of 1 s is capped to 200 ms: tests stay quick. */
  pb_http_client_set_retry (http, 2, 10, 200);
  pb_http_client_set_rate_limit (http, "royalmail", 5.0, 5);
  return http;
}

static PbRoyalMailClient *
new_client (PbHttpClient *http, const char *api_key)
{
  g_autofree char *url = endpoint ();

  return pb_royalmail_client_new (http, url, api_key);
}

/* The /_test control API, through the same HTTP client. */
static JsonNode *
control (PbHttpClient *http, const char *method, const char *path, const char *body_json)
{
  return pb_test_clickdrop_control (&server, http, method, path, body_json);
}

static void
add_fault (PbHttpClient *http, const char *fault_json)
{
  g_autoptr (JsonNode) node = control (http, "POST", "faults", fault_json);
}

/* The API requests the server saw for @operation (NULL: all). */
static JsonArray *
requests (PbHttpClient *http, const char *operation)
{
  g_autofree char *path
      = operation ? g_strdup_printf ("requests?operation=%s", operation) : g_strdup ("requests");
  g_autoptr (JsonNode) node = control (http, "GET", path, NULL);

  return json_array_ref (json_object_get_array_member (json_node_get_object (node), "requests"));
}

static guint
count_requests (PbHttpClient *http, const char *operation)
{
  g_autoptr (JsonArray) list = requests (http, operation);

  return json_array_get_length (list);
}

/* How many orders the server created with @reference. */
static gint64
creates (PbHttpClient *http, const char *reference)
{
  g_autoptr (JsonNode) node = control (http, "GET", "creates", NULL);
  JsonObject *counts = json_object_get_object_member (json_node_get_object (node), "creates");

  return json_object_get_int_member_with_default (counts, reference, 0);
}

/* Fixture */

static void
fill_shipment (Fixture *fixture, const char *reference)
{
  fixture->items[0] = (PbRoyalMailItem){
    .name = "Enamel mug, blue",
    .sku = "MUG-BLUE",
    .quantity = 2,
    .unit_value = "6.25",
    .unit_weight_g = 350,
  };
  fixture->items[1] = (PbRoyalMailItem){
    .name = "Tea towel",
    .sku = "TOWEL-1",
    .quantity = 1,
    .unit_value = "4",
    .unit_weight_g = 80,
  };
  fixture->shipment = (PbRoyalMailShipment){
    .reference = reference,
    .full_name = "Jane Example",
    .address_line1 = "10 Downing Street",
    .city = "London",
    .postcode = "SW1A 2AA",
    .country_code = "GB",
    .phone = "+44 20 7946 0000",
    .order_date = 1767607200, /* 2026-01-05T10:00:00Z */
    .subtotal = "16.50",
    .shipping = "0",
    .total = "16.5",
    .currency = "GBP",
    .service_code = "TPN24",
    .package_format = "smallParcel",
    .weight_g = 850,
    .items = fixture->items,
    .n_items = G_N_ELEMENTS (fixture->items),
  };
}

static void
set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (JsonNode) account = NULL;

  fixture->http = new_http (10000);
  fixture->client = new_client (fixture->http, API_KEY);

  g_assert_null (control (fixture->http, "POST", "reset", NULL));
  /* A reset keeps the account as it is: make it an OBA one again. */
  account = control (fixture->http, "POST", "account", "{\"oba\": true}");
  fill_shipment (fixture, "026-1111111-1111111");
}

static void
tear_down (Fixture *fixture, gconstpointer data)
{
  g_clear_object (&fixture->client);
  g_clear_object (&fixture->http);
}

static PbRoyalMailOrder *
create_ok (Fixture *fixture)
{
  g_autoptr (GError) error = NULL;
  PbRoyalMailOrder *order
      = pb_royalmail_client_create (fixture->client, &fixture->shipment, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (order);
  return order;
}

static gboolean
is_pdf (GBytes *bytes)
{
  gsize length = 0;
  const char *data = bytes ? g_bytes_get_data (bytes, &length) : NULL;

  return data != NULL && length > 5 && memcmp (data, "%PDF-", 5) == 0;
}

/* Tests */

static void
test_json_body (Fixture *fixture, gconstpointer data)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *json = NULL;
  JsonObject *item, *address, *content, *label;

  fixture->shipment.shipping = "0.1";
  fixture->shipment.total = "016.60";
  fixture->items[0].unit_value = "6.250";
  fixture->shipment.address_line2 = "Flat \"B\", back\\door\n";
  json = pb_royalmail_shipment_to_json (&fixture->shipment);
  g_assert_nonnull (json);

  /* Money is the decimal text with two decimals, never a double's digits. */
  g_assert_nonnull (strstr (json, "\"subtotal\":16.50,"));
  g_assert_nonnull (strstr (json, "\"shippingCostCharged\":0.10,"));
  g_assert_nonnull (strstr (json, "\"total\":16.60,"));
  g_assert_nonnull (strstr (json, "\"unitValue\":6.25,"));
  g_assert_nonnull (strstr (json, "\"unitValue\":4.00,"));
  /* Only the delivery address and the phone go to Royal Mail. */
  g_assert_null (strstr (json, "emailAddress"));
  g_assert_null (strstr (json, "@"));

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  item = json_array_get_object_element (
      json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "items"),
      0);
  address = json_object_get_object_member (json_object_get_object_member (item, "recipient"),
                                           "address");
  g_assert_cmpstr (json_object_get_string_member (address, "addressLine2"), ==,
                   "Flat \"B\", back\\door\n");
  g_assert_cmpstr (json_object_get_string_member (address, "postcode"), ==, "SW1A 2AA");
  g_assert_false (json_object_has_member (address, "addressLine3"));
  g_assert_cmpstr (json_object_get_string_member (item, "orderDate"), ==, "2026-01-05T10:00:00Z");
  content = json_array_get_object_element (
      json_object_get_array_member (
          json_array_get_object_element (json_object_get_array_member (item, "packages"), 0),
          "contents"),
      1);
  g_assert_cmpstr (json_object_get_string_member (content, "SKU"), ==, "TOWEL-1");
  g_assert_cmpint (json_object_get_int_member (content, "quantity"), ==, 1);
  label = json_object_get_object_member (item, "label");
  g_assert_true (json_object_get_boolean_member (label, "includeLabelInResponse"));
  g_assert_false (json_object_get_boolean_member (label, "includeCN"));
  g_assert_false (json_object_get_boolean_member (label, "includeReturnsLabel"));
}

static void
test_create_with_label (Fixture *fixture, gconstpointer data)
{
  g_autoptr (PbRoyalMailOrder) order = create_ok (fixture);
  g_autoptr (JsonArray) sent = requests (fixture->http, "CreateOrdersAsync");
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autofree char *body = NULL;
  JsonObject *request, *headers, *item;

  g_assert_cmpint (order->order_identifier, >, 0);
  g_assert_cmpstr (order->reference, ==, "026-1111111-1111111");
  g_assert_true (g_regex_match_simple ("^RM[0-9]{9}GB$", order->tracking_number, 0, 0));
  g_assert_true (is_pdf (order->label));
  g_assert_cmpint (order->manifested_on, ==, 0);
  g_assert_cmpint (creates (fixture->http, "026-1111111-1111111"), ==, 1);

  /* What reached Click & Drop: the spec's field names only, no e-mail
   * address, the key as a bearer token, money as numbers. */
  g_assert_cmpuint (json_array_get_length (sent), ==, 1);
  request = json_array_get_object_element (sent, 0);
  g_assert_cmpint (json_object_get_int_member (request, "status"), ==, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (request, "unknownFields")),
                    ==, 0);
  headers = json_object_get_object_member (request, "headers");
  g_assert_cmpstr (json_object_get_string_member (headers, "authorization"), ==, "Bearer pb-t");
  json_generator_set_root (generator, json_object_get_member (request, "body"));
  body = json_generator_to_data (generator, NULL);
  g_assert_null (strstr (body, "emailAddress"));
  item = json_array_get_object_element (
      json_object_get_array_member (json_object_get_object_member (request, "body"), "items"), 0);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (item, "subtotal"), 16.5, 1e-9);
  g_assert_cmpstr (json_object_get_string_member (
                       json_object_get_object_member (item, "postageDetails"), "serviceCode"),
                   ==, "TPN24");
}

/* Several parcels: one Click & Drop order, a package (with its own
 * contents), a label page and a tracking number each. */
static void
test_packages (Fixture *fixture, gconstpointer data)
{
  g_autoptr (PbRoyalMailOrder) order = NULL;
  g_autoptr (PbRoyalMailOrder) found = NULL;
  g_autoptr (GPtrArray) all = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonArray) sent = NULL;
  JsonArray *packages;
  PbRoyalMailPackage parcels[2] = {
    { 1200, &fixture->items[0], 1 },
    { 300, &fixture->items[1], 1 },
  };

  fixture->shipment.packages = parcels;
  fixture->shipment.n_packages = 2;
  order = create_ok (fixture);
  g_assert_nonnull (order->package_tracking);
  g_assert_cmpuint (g_strv_length (order->package_tracking), ==, 2);
  g_assert_cmpstr (order->package_tracking[0], ==, order->tracking_number);
  g_assert_cmpstr (order->package_tracking[0], !=, order->package_tracking[1]);
  g_assert_true (g_regex_match_simple ("^RM[0-9]{9}GB$", order->package_tracking[1], 0, 0));
  g_assert_cmpint (creates (fixture->http, "026-1111111-1111111"), ==, 1);

  sent = requests (fixture->http, "CreateOrdersAsync");
  packages = json_object_get_array_member (
      json_array_get_object_element (
          json_object_get_array_member (
              json_object_get_object_member (json_array_get_object_element (sent, 0), "body"),
              "items"),
          0),
      "packages");
  g_assert_cmpuint (json_array_get_length (packages), ==, 2);
  g_assert_cmpint (
      json_object_get_int_member (json_array_get_object_element (packages, 1), "weightInGrams"), ==,
      300);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                        json_array_get_object_element (packages, 1), "contents")),
                    ==, 1);

  /* A look-up (after a lost answer) gives the same numbers, in order. */
  all = pb_royalmail_client_find (fixture->client, "026-1111111-1111111", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 1);
  found = g_ptr_array_steal_index (all, 0);
  g_assert_nonnull (found->package_tracking);
  g_assert_cmpstrv (found->package_tracking, order->package_tracking);

  /* A parcel over Royal Mail's limit is refused by number, nothing sent. */
  parcels[1].weight_g = 40000;
  fixture->shipment.reference = "026-1111111-1111112";
  g_assert_false (pb_royalmail_shipment_validate (&fixture->shipment, &error));
  g_assert_error (error, PB_ROYALMAIL_ERROR, PB_ROYALMAIL_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "Parcel 2 weighs 40000 g"));
}

static void
test_rejected (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  PbRoyalMailOrder *order;

  /* A postcode of the right length that is no UK postcode. */
  fixture->shipment.postcode = "QQ1 1QQ";
  order = pb_royalmail_client_create (fixture->client, &fixture->shipment, NULL, &error);
  g_assert_null (order);
  g_assert_error (error, PB_ROYALMAIL_ERROR, PB_ROYALMAIL_ERROR_REJECTED);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "026-1111111-1111111"));
  g_assert_nonnull (strstr (error->message, "recipient.address.postcode: "));
  g_assert_nonnull (strstr (error->message, "(1007)"));
  g_clear_error (&error);

  /* A service Royal Mail knows but the account does not have. */
  fixture->shipment.postcode = "SW1A 2AA";
  fixture->shipment.service_code = "SD1";
  order = pb_royalmail_client_create (fixture->client, &fixture->shipment, NULL, &error);
  g_assert_null (order);
  g_assert_error (error, PB_ROYALMAIL_ERROR, PB_ROYALMAIL_ERROR_REJECTED);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "postageDetails.serviceCode: "));
  g_assert_nonnull (strstr (error->message, "(1008)"));
  g_assert_nonnull (strstr (error->message, "not enabled on the Click & Drop account"));

  g_assert_cmpuint (count_requests (fixture->http, "CreateOrdersAsync"), ==, 2);
  g_assert_cmpint (creates (fixture->http, "026-1111111-1111111"), ==, 0);
}

static void
expect_invalid (Fixture *fixture, const char *const *words)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) validate_error = NULL;
  PbRoyalMailOrder *order;

  g_assert_false (pb_royalmail_shipment_validate (&fixture->shipment, &validate_error));
  g_assert_error (validate_error, PB_ROYALMAIL_ERROR, PB_ROYALMAIL_ERROR_INVALID);
  order = pb_royalmail_client_create (fixture->client, &fixture->shipment, NULL, &error);
  g_assert_null (order);
  g_assert_error (error, PB_ROYALMAIL_ERROR, PB_ROYALMAIL_ERROR_INVALID);
  g_test_message ("%s", error->message);
  for (guint i = 0; words[i] != NULL; i++)
    if (strstr (error->message, words[i]) == NULL)
      g_error ("“%s” does not mention “%s”", error->message, words[i]);
  fill_shipment (fixture, "026-1111111-1111111");
}

static void
test_invalid_not_sent (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GString) line = g_string_new (NULL);
  g_autofree char *reference = g_strnfill (41, '7');

  /* Characters count, not bytes: 100 two-byte characters fit. */
  for (guint i = 0; i < 100; i++)
    g_string_append (line, "é");
  fixture->shipment.address_line1 = line->str;
  g_assert_true (pb_royalmail_shipment_validate (&fixture->shipment, NULL));

  g_string_append (line, "é");
  fixture->shipment.address_line1 = line->str;
  expect_invalid (fixture, (const char *[]){ "address line 1", "101 characters", "allows 100",
                                             "never cuts an address short", NULL });

  fixture->shipment.reference = reference;
  expect_invalid (fixture,
                  (const char *[]){ "order reference", "41 characters", "allows 40", NULL });

  fixture->shipment.weight_g = 0;
  expect_invalid (fixture, (const char *[]){ "weight is 0 g", "1 to 30000", NULL });
  fixture->shipment.weight_g = 30001;
  expect_invalid (fixture, (const char *[]){ "weight is 30001 g", NULL });

  fixture->shipment.package_format = "box";
  expect_invalid (fixture,
                  (const char *[]){ "package format “box”", "smallParcel", "largeLetter", NULL });

  fixture->shipment.subtotal = "16.505";
  expect_invalid (fixture, (const char *[]){ "subtotal", "two decimal places", NULL });
  fixture->items[1].unit_value = "1000000";
  expect_invalid (fixture, (const char *[]){ "unit value of item 2 (SKU TOWEL-1)", NULL });

  fixture->shipment.city = NULL;
  expect_invalid (fixture, (const char *[]){ "town or city is missing", NULL });

  /* Two problems at once: both are named. */
  fixture->shipment.postcode = NULL;
  fixture->shipment.service_code = "";
  expect_invalid (fixture, (const char *[]){ "postcode is missing", "service code", NULL });

  g_assert_cmpuint (count_requests (fixture->http, NULL), ==, 0);
}

static void
test_find (Fixture *fixture, gconstpointer data)
{
  const char *reference = "PB test \"7\"; 50% off/x";
  g_autoptr (PbRoyalMailOrder) created = NULL;
  g_autoptr (GPtrArray) found = NULL;
  g_autoptr (GPtrArray) none = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (PbRoyalMailClient) wrong = NULL;
  g_autofree char *wrong_url = NULL;
  PbRoyalMailOrder *order;

  fill_shipment (fixture, reference);
  created = create_ok (fixture);

  found = pb_royalmail_client_find (fixture->client, reference, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  order = g_ptr_array_index (found, 0);
  g_assert_cmpint (order->order_identifier, ==, created->order_identifier);
  g_assert_cmpstr (order->reference, ==, reference);
  g_assert_cmpstr (order->tracking_number, ==, created->tracking_number);
  g_assert_null (order->label);

  none = pb_royalmail_client_find (fixture->client, "026-9999999-9999999", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (none);
  g_assert_cmpuint (none->len, ==, 0);

  /* A 404 that is not the operation's own (a wrong endpoint) must not pass
   * for "no such order": the caller would create one. */
  wrong_url = g_strdup_printf ("https://127.0.0.1:%u/api/v0", server.port);
  wrong = pb_royalmail_client_new (fixture->http, wrong_url, API_KEY);
  g_assert_null (pb_royalmail_client_find (wrong, reference, NULL, &error));
  g_assert_error (error, PB_ROYALMAIL_ERROR, PB_ROYALMAIL_ERROR_NOT_FOUND);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "royalmail.endpoint"));
}

static void
test_timeout_after_commit (Fixture *fixture, gconstpointer data)
{
  g_autoptr (PbHttpClient) quick = new_http (2000);
  g_autoptr (PbRoyalMailClient) client = new_client (quick, API_KEY);
  g_autoptr (GPtrArray) found = NULL;
  g_autoptr (GError) error = NULL;
  PbRoyalMailOrder *order;
  gint64 start = g_get_monotonic_time ();

  add_fault (fixture->http,
             "{\"operation\": \"CreateOrdersAsync\", \"kind\": \"stall_after\", \"seconds\": 60}");
  order = pb_royalmail_client_create (client, &fixture->shipment, NULL, &error);
  g_assert_null (order);
  g_assert_error (error, PB_ROYALMAIL_ERROR, PB_ROYALMAIL_ERROR_UNAVAILABLE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "may have been created"));
  /* The client gave up at its own 2 s, not after the server's minute. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 40 * G_USEC_PER_SEC);
  g_clear_error (&error);

  /* The caller looks it up: the order is there, once, with its label. */
  found = pb_royalmail_client_find (client, "026-1111111-1111111", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  order = g_ptr_array_index (found, 0);
  g_assert_true (g_regex_match_simple ("^RM[0-9]{9}GB$", order->tracking_number, 0, 0));
  g_assert_cmpint (creates (fixture->http, "026-1111111-1111111"), ==, 1);
  /* POST is never sent twice. */
  g_assert_cmpuint (count_requests (fixture->http, "CreateOrdersAsync"), ==, 1);
}

/* Issue 18: Click & Drop acts, then resets the connection before a byte of
 * the answer. Each call runs on the keep-alive connection a look-up just
 * used, where libcurl would re-send on its own: exactly one effect each. */
static void
test_reset_after_acting (Fixture *fixture, gconstpointer data)
{
  const char *reference = "026-1111111-1111111";
  g_autoptr (GPtrArray) before = NULL;
  g_autoptr (GPtrArray) after = NULL;
  g_autoptr (PbRoyalMailOrder) second = NULL;
  g_autoptr (GBytes) pdf = NULL;
  g_autoptr (JsonNode) stored = NULL;
  g_autoptr (JsonNode) manifests = NULL;
  g_autoptr (GError) error = NULL;
  PbRoyalMailOrder *order;
  gint64 identifier;
  gint64 number = 0;

  /* The create: the look-up finds nothing, the create is done, its answer
   * lost. One order, and the caller is told to look it up. */
  before = pb_royalmail_client_find (fixture->client, reference, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (before->len, ==, 0);
  add_fault (fixture->http, "{\"operation\": \"CreateOrdersAsync\", \"kind\": \"reset\"}");
  order = pb_royalmail_client_create (fixture->client, &fixture->shipment, NULL, &error);
  g_assert_null (order);
  g_assert_error (error, PB_ROYALMAIL_ERROR, PB_ROYALMAIL_ERROR_UNAVAILABLE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "may have been created"));
  g_clear_error (&error);
  g_assert_cmpint (creates (fixture->http, reference), ==, 1);
  g_assert_cmpuint (count_requests (fixture->http, "CreateOrdersAsync"), ==, 1);
  after = pb_royalmail_client_find (fixture->client, reference, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (after->len, ==, 1);
  order = g_ptr_array_index (after, 0);
  g_assert_true (g_regex_match_simple ("^RM[0-9]{9}GB$", order->tracking_number, 0, 0));
  identifier = order->order_identifier;

  /* The deletion: done, answer lost. A DELETE is sent again, finds the
   * order gone, and says so: one deletion. */
  add_fault (fixture->http, "{\"operation\": \"DeleteOrdersAsync\", \"kind\": \"reset\"}");
  g_assert_false (pb_royalmail_client_delete (fixture->client, identifier, NULL, &error));
  g_assert_error (error, PB_ROYALMAIL_ERROR, PB_ROYALMAIL_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpuint (count_requests (fixture->http, "DeleteOrdersAsync"), ==, 2);
  stored = control (fixture->http, "GET", "orders", NULL);
  g_assert_cmpuint (json_array_get_length (
                        json_object_get_array_member (json_node_get_object (stored), "deleted")),
                    ==, 1);

  /* The manifest: made, answer lost. Never made twice. */
  fill_shipment (fixture, "026-2222222-2222222");
  second = create_ok (fixture);
  add_fault (fixture->http, "{\"operation\": \"ManifestEligibleAsync\", \"kind\": \"reset\"}");
  pdf = pb_royalmail_client_manifest (fixture->client, 50, 10, &number, NULL, &error);
  g_assert_null (pdf);
  g_assert_error (error, PB_ROYALMAIL_ERROR, PB_ROYALMAIL_ERROR_UNAVAILABLE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "may have been made all the same"));
  g_assert_cmpuint (count_requests (fixture->http, "ManifestEligibleAsync"), ==, 1);
  manifests = control (fixture->http, "GET", "manifests", NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                        json_node_get_object (manifests), "manifests")),
                    ==, 1);
}

static void
test_label_again_and_delete (Fixture *fixture, gconstpointer data)
{
  g_autoptr (PbRoyalMailOrder) order = create_ok (fixture);
  g_autoptr (GBytes) again = NULL;
  g_autoptr (GPtrArray) found = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonArray) sent = NULL;
  JsonObject *query;
  GBytes *gone;

  again = pb_royalmail_client_get_label (fixture->client, order->order_identifier, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (is_pdf (again));
  g_assert_true (g_bytes_equal (again, order->label));
  sent = requests (fixture->http, "GetOrdersLabelAsync");
  query = json_object_get_object_member (json_array_get_object_element (sent, 0), "query");
  g_assert_cmpstr (json_object_get_string_member (query, "documentType"), ==, "postageLabel");
  g_assert_cmpstr (json_object_get_string_member (query, "includeReturnsLabel"), ==, "false");

  g_assert_true (
      pb_royalmail_client_delete (fixture->client, order->order_identifier, NULL, &error));
  g_assert_no_error (error);

  found = pb_royalmail_client_find (fixture->client, "026-1111111-1111111", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 0);

  gone = pb_royalmail_client_get_label (fixture->client, order->order_identifier, NULL, &error);
  g_assert_null (gone);
  g_assert_error (error, PB_ROYALMAIL_ERROR, PB_ROYALMAIL_ERROR_NOT_FOUND);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  g_assert_false (
      pb_royalmail_client_delete (fixture->client, order->order_identifier, NULL, &error));
  g_assert_error (error, PB_ROYALMAIL_ERROR, PB_ROYALMAIL_ERROR_NOT_FOUND);
  g_test_message ("%s", error->message);
}

static void
test_manifest (Fixture *fixture, gconstpointer data)
{
  g_autoptr (PbRoyalMailOrder) order = create_ok (fixture);
  g_autoptr (PbRoyalMailOrder) manifested = NULL;
  g_autoptr (GBytes) pdf = NULL;
  g_autoptr (GBytes) none = NULL;
  g_autoptr (GPtrArray) found = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) manifests = NULL;
  g_autoptr (PbRoyalMailOrder) delete_me = NULL;
  JsonObject *first;
  gint64 number = 0;

  pdf = pb_royalmail_client_manifest (fixture->client, 50, 10, &number, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (is_pdf (pdf));
  g_assert_cmpint (number, >=, 1001);
  /* 202, two answers "In Progress", then "Completed". */
  g_assert_cmpuint (count_requests (fixture->http, "ManifestEligibleAsync"), ==, 1);
  g_assert_cmpuint (count_requests (fixture->http, "GetManifestAsync"), ==, 3);
  manifests = control (fixture->http, "GET", "manifests", NULL);
  first = json_array_get_object_element (
      json_object_get_array_member (json_node_get_object (manifests), "manifests"), 0);
  g_assert_cmpint (json_object_get_int_member (first, "manifestNumber"), ==, number);
  g_assert_cmpstr (json_object_get_string_member (first, "status"), ==, "Completed");

  found = pb_royalmail_client_find (fixture->client, "026-1111111-1111111", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpint (((PbRoyalMailOrder *)g_ptr_array_index (found, 0))->manifested_on, >, 0);

  /* A manifested order's label cannot be voided any more. */
  g_assert_false (
      pb_royalmail_client_delete (fixture->client, order->order_identifier, NULL, &error));
  g_assert_error (error, PB_ROYALMAIL_ERROR, PB_ROYALMAIL_ERROR_REJECTED);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "OrderManifested"));
  g_clear_error (&error);

  /* Nothing left to manifest. */
  number = 0;
  none = pb_royalmail_client_manifest (fixture->client, 50, 10, &number, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, PB_ROYALMAIL_ERROR, PB_ROYALMAIL_ERROR_REJECTED);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "NoEligibleOrders"));
  g_clear_error (&error);

  /* Polls that run out say so, with the manifest's number. */
  fill_shipment (fixture, "026-2222222-2222222");
  delete_me = create_ok (fixture);
  none = pb_royalmail_client_manifest (fixture->client, 10, 1, &number, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, PB_ROYALMAIL_ERROR, PB_ROYALMAIL_ERROR_UNAVAILABLE);
  g_test_message ("%s", error->message);
  g_assert_cmpint (number, >=, 1002);
  g_assert_nonnull (strstr (error->message, "still preparing"));
}

static void
test_oba_only (Fixture *fixture, gconstpointer data)
{
  g_autoptr (PbRoyalMailOrder) order = create_ok (fixture);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) account = NULL;
  gint64 number = 0;
  gpointer result;

  add_fault (fixture->http, "{\"operation\": \"GetOrdersLabelAsync\", \"kind\": \"non_oba\"}");
  result = pb_royalmail_client_get_label (fixture->client, order->order_identifier, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, PB_ROYALMAIL_ERROR, PB_ROYALMAIL_ERROR_OBA_ONLY);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "Online Business Account (OBA)"));
  g_assert_nonnull (strstr (error->message, "Ask Royal Mail to upgrade"));
  g_assert_nonnull (strstr (error->message, "Feature available for OBA accounts only"));
  g_clear_error (&error);

  account = control (fixture->http, "POST", "account", "{\"oba\": false}");
  result = pb_royalmail_client_manifest (fixture->client, 10, 5, &number, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, PB_ROYALMAIL_ERROR, PB_ROYALMAIL_ERROR_OBA_ONLY);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "Online Business Account"));
  g_clear_error (&error);

  /* Click & Drop creates the order but makes no label: the message names
   * the order it made. */
  fill_shipment (fixture, "026-3333333-3333333");
  result = pb_royalmail_client_create (fixture->client, &fixture->shipment, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, PB_ROYALMAIL_ERROR, PB_ROYALMAIL_ERROR_OBA_ONLY);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "026-3333333-3333333"));
  g_assert_nonnull (strstr (error->message, "FeatureNotAvailable"));
  g_assert_nonnull (strstr (error->message, "Online Business Account"));
}

static void
test_auth (Fixture *fixture, gconstpointer data)
{
  g_autoptr (PbRoyalMailClient) wrong = new_client (fixture->http, "not-the-right-key");
  g_autoptr (PbRoyalMailClient) unset = new_client (fixture->http, NULL);
  g_autoptr (GError) error = NULL;
  gpointer result;

  result = pb_royalmail_client_find (wrong, "026-1111111-1111111", NULL, &error);
  g_assert_null (result);
  g_assert_error (error, PB_ROYALMAIL_ERROR, PB_ROYALMAIL_ERROR_AUTH);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "royalmail.api_key"));
  g_assert_null (strstr (error->message, "not-the-right-key"));
  g_clear_error (&error);

  result = pb_royalmail_client_create (wrong, &fixture->shipment, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, PB_ROYALMAIL_ERROR, PB_ROYALMAIL_ERROR_AUTH);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  g_assert_cmpuint (count_requests (fixture->http, NULL), ==, 2);

  result = pb_royalmail_client_create (unset, &fixture->shipment, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, PB_ROYALMAIL_ERROR, PB_ROYALMAIL_ERROR_NOT_CONFIGURED);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "royalmail.api_key"));
  g_assert_cmpuint (count_requests (fixture->http, NULL), ==, 2);
}

static void
test_rate_limited_get (Fixture *fixture, gconstpointer data)
{
  g_autoptr (PbRoyalMailOrder) order = create_ok (fixture);
  g_autoptr (GPtrArray) found = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonArray) sent = NULL;

  add_fault (fixture->http, "{\"operation\": \"GetSpecificOrdersAsync\", \"kind\": \"status\", "
                            "\"status\": 429, \"retry_after\": 1}");
  found = pb_royalmail_client_find (fixture->client, "026-1111111-1111111", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpint (((PbRoyalMailOrder *)g_ptr_array_index (found, 0))->order_identifier, ==,
                   order->order_identifier);

  sent = requests (fixture->http, "GetSpecificOrdersAsync");
  g_assert_cmpuint (json_array_get_length (sent), ==, 2);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (sent, 0), "status"),
                   ==, 429);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (sent, 1), "status"),
                   ==, 200);
}

static void
test_server_error (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) label = NULL;
  g_autoptr (PbRoyalMailOrder) order = NULL;
  gpointer result;

  add_fault (fixture->http,
             "{\"operation\": \"CreateOrdersAsync\", \"kind\": \"status\", \"status\": 500}");
  result = pb_royalmail_client_create (fixture->client, &fixture->shipment, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, PB_ROYALMAIL_ERROR, PB_ROYALMAIL_ERROR_UNAVAILABLE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "HTTP 500"));
  g_assert_nonnull (strstr (error->message, "may have been created"));
  g_clear_error (&error);
  /* A POST is not retried after a 5xx. */
  g_assert_cmpuint (count_requests (fixture->http, "CreateOrdersAsync"), ==, 1);

  /* A GET is, and gets through. */
  order = create_ok (fixture);
  add_fault (fixture->http, "{\"operation\": \"GetOrdersLabelAsync\", \"kind\": \"status\", "
                            "\"status\": 503}");
  label = pb_royalmail_client_get_label (fixture->client, order->order_identifier, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (is_pdf (label));

  /* Until the retries run out. */
  add_fault (fixture->http, "{\"operation\": \"GetOrdersLabelAsync\", \"kind\": \"status\", "
                            "\"status\": 503, \"count\": 3}");
  result = pb_royalmail_client_get_label (fixture->client, order->order_identifier, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, PB_ROYALMAIL_ERROR, PB_ROYALMAIL_ERROR_UNAVAILABLE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "HTTP 503"));
}

static void
test_malformed (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gpointer result;

  add_fault (fixture->http, "{\"operation\": \"CreateOrdersAsync\", \"kind\": \"malformed\"}");
  result = pb_royalmail_client_create (fixture->client, &fixture->shipment, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, PB_ROYALMAIL_ERROR, PB_ROYALMAIL_ERROR_PARSE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "not JSON"));
  g_clear_error (&error);

  add_fault (fixture->http, "{\"operation\": \"GetSpecificOrdersAsync\", \"kind\": \"malformed\"}");
  result = pb_royalmail_client_find (fixture->client, "026-1111111-1111111", NULL, &error);
  g_assert_null (result);
  g_assert_error (error, PB_ROYALMAIL_ERROR, PB_ROYALMAIL_ERROR_PARSE);
  g_test_message ("%s", error->message);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  pb_test_clickdrop_start (&server, "pb-royalmail-XXXXXX", "2");

#define ADD(path, test) g_test_add ("/royalmail/" path, Fixture, NULL, set_up, test, tear_down)
  ADD ("json-body", test_json_body);
  ADD ("create-with-label", test_create_with_label);
  ADD ("packages", test_packages);
  ADD ("rejected", test_rejected);
  ADD ("invalid-not-sent", test_invalid_not_sent);
  ADD ("find", test_find);
  ADD ("timeout-after-commit", test_timeout_after_commit);
  ADD ("reset-after-acting", test_reset_after_acting);
  ADD ("label-again-and-delete", test_label_again_and_delete);
  ADD ("manifest", test_manifest);
  ADD ("oba-only", test_oba_only);
  ADD ("auth", test_auth);
  ADD ("rate-limited-get", test_rate_limited_get);
  ADD ("server-error", test_server_error);
  ADD ("malformed", test_malformed);
#undef ADD

  status = g_test_run ();
  pb_test_clickdrop_stop (&server);
  return status;
}
