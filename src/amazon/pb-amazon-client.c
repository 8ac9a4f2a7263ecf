/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "pb-amazon-client.h"
#include "util/pb-secure.h"

/* Refresh the access token this long before Amazon says it expires. */
#define TOKEN_MARGIN_US (60 * G_USEC_PER_SEC)

struct _PbAmazonClient
{
  GObject parent_instance;

  PbHttpClient *http;
  char *endpoint;
  char *lwa_endpoint;
  char *client_id;
  char *client_secret;
  char *refresh_token;
  char *marketplace_id;

  GMutex token_lock;
  char *access_token;
  gint64 token_expires_us; /* monotonic */
};

G_DEFINE_FINAL_TYPE (PbAmazonClient, pb_amazon_client, G_TYPE_OBJECT)

static void
clear_secret (char **secret)
{
  if (*secret != NULL)
    {
      pb_secure_free_string (*secret);
      *secret = NULL;
    }
}

static void
pb_amazon_client_finalize (GObject *object)
{
  PbAmazonClient *self = PB_AMAZON_CLIENT (object);

  g_clear_object (&self->http);
  g_clear_pointer (&self->endpoint, g_free);
  g_clear_pointer (&self->lwa_endpoint, g_free);
  g_clear_pointer (&self->client_id, g_free);
  g_clear_pointer (&self->marketplace_id, g_free);
  clear_secret (&self->client_secret);
  clear_secret (&self->refresh_token);
  clear_secret (&self->access_token);
  g_mutex_clear (&self->token_lock);

  G_OBJECT_CLASS (pb_amazon_client_parent_class)->finalize (object);
}

static void
pb_amazon_client_class_init (PbAmazonClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pb_amazon_client_finalize;
}

static void
pb_amazon_client_init (PbAmazonClient *self)
{
  g_mutex_init (&self->token_lock);
}

static char *
strip_slash (const char *url)
{
  char *copy = g_strdup (url ? url : "");
  gsize len = strlen (copy);

  while (len > 0 && copy[len - 1] == '/')
    copy[--len] = '\0';
  return copy;
}

PbAmazonClient *
pb_amazon_client_new (PbHttpClient *http, const PbAmazonConfig *config)
{
  PbAmazonClient *self;

  g_return_val_if_fail (PB_IS_HTTP_CLIENT (http), NULL);
  g_return_val_if_fail (config != NULL, NULL);

  self = g_object_new (PB_TYPE_AMAZON_CLIENT, NULL);
  self->http = g_object_ref (http);
  self->endpoint = strip_slash (config->endpoint);
  self->lwa_endpoint = g_strdup (config->lwa_endpoint);
  self->client_id = g_strdup (config->client_id);
  self->client_secret = g_strdup (config->client_secret);
  self->refresh_token = g_strdup (config->refresh_token);
  self->marketplace_id
      = g_strdup (config->marketplace_id ? config->marketplace_id : PB_AMAZON_UK_MARKETPLACE);
  return self;
}

PbHttpClient *
pb_amazon_client_get_http (PbAmazonClient *self)
{
  g_return_val_if_fail (PB_IS_AMAZON_CLIENT (self), NULL);
  return self->http;
}

void
pb_amazon_client_forget_token (PbAmazonClient *self)
{
  g_mutex_lock (&self->token_lock);
  clear_secret (&self->access_token);
  self->token_expires_us = 0;
  g_mutex_unlock (&self->token_lock);
}

static const char *
body_text (PbHttpResponse *response, gsize *length)
{
  GBytes *body = pb_http_response_get_body (response);

  if (body == NULL)
    {
      *length = 0;
      return "";
    }
  return g_bytes_get_data (body, length);
}

static gboolean
lwa_error (PbHttpResponse *response, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  const char *code = NULL;
  gsize length;
  const char *data = body_text (response, &length);

  if (json_parser_load_from_data (parser, data, (gssize)length, NULL)
      && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    code = json_object_get_string_member_with_default (
        json_node_get_object (json_parser_get_root (parser)), "error", NULL);

  if (g_strcmp0 (code, "invalid_grant") == 0)
    g_set_error_literal (error, PB_AMAZON_ERROR, PB_AMAZON_ERROR_AUTH,
                         _ ("Amazon refused the refresh token (invalid_grant): the seller’s "
                            "authorisation was revoked or has expired. An administrator must "
                            "authorise Packbench again in Seller Central and set "
                            "amazon.refresh_token."));
  else if (g_strcmp0 (code, "invalid_client") == 0)
    g_set_error_literal (error, PB_AMAZON_ERROR, PB_AMAZON_ERROR_AUTH,
                         _ ("Amazon refused the application’s credentials (invalid_client). An "
                            "administrator must check amazon.client_id and amazon.client_secret "
                            "against the developer profile in Seller Central."));
  else
    g_set_error (error, PB_AMAZON_ERROR,
                 pb_http_response_get_status (response) >= 500 ? PB_AMAZON_ERROR_UNAVAILABLE
                                                               : PB_AMAZON_ERROR_AUTH,
                 _ ("Login with Amazon answered %u%s%s."), pb_http_response_get_status (response),
                 code ? ": " : "", code ? code : "");
  return FALSE;
}

/* Returns a copy of a valid access token, asking LWA when needed. */
static char *
get_access_token (PbAmazonClient *self, GCancellable *cancellable, GError **error)
{
  g_autoptr (PbHttpResponse) response = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GString) form = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autofree char *escaped_secret = NULL;
  g_autofree char *escaped_token = NULL;
  g_autofree char *escaped_id = NULL;
  JsonObject *object;
  const char *token;
  gint64 expires_in;
  gsize length;
  const char *data;
  char *result = NULL;
  PbHttpRequest request = { 0 };

  g_mutex_lock (&self->token_lock);
  if (self->access_token != NULL && g_get_monotonic_time () < self->token_expires_us)
    result = g_strdup (self->access_token);
  g_mutex_unlock (&self->token_lock);
  if (result != NULL)
    return result;

  if (self->client_id == NULL || self->client_secret == NULL || self->refresh_token == NULL
      || !*self->client_id || !*self->client_secret || !*self->refresh_token)
    {
      g_set_error_literal (error, PB_AMAZON_ERROR, PB_AMAZON_ERROR_NOT_CONFIGURED,
                           _ ("Amazon is not set up yet: an administrator must set "
                              "amazon.client_id, amazon.client_secret and amazon.refresh_token."));
      return NULL;
    }

  escaped_token = g_uri_escape_string (self->refresh_token, NULL, FALSE);
  escaped_id = g_uri_escape_string (self->client_id, NULL, FALSE);
  escaped_secret = g_uri_escape_string (self->client_secret, NULL, FALSE);
  form = g_string_new (NULL);
  g_string_append_printf (form,
                          "grant_type=refresh_token&refresh_token=%s&client_id=%s"
                          "&client_secret=%s",
                          escaped_token, escaped_id, escaped_secret);
  pb_secure_wipe (escaped_token, strlen (escaped_token));
  pb_secure_wipe (escaped_secret, strlen (escaped_secret));
  body = g_bytes_new (form->str, form->len);
  pb_secure_wipe (form->str, form->len);

  request.method = "POST";
  request.url = self->lwa_endpoint;
  request.body = body;
  request.content_type = "application/x-www-form-urlencoded;charset=UTF-8";
  request.operation = "lwaToken";
  response = pb_http_client_send (self->http, &request, cancellable, error);
  if (response == NULL)
    return NULL;

  if (pb_http_response_get_status (response) != 200)
    {
      lwa_error (response, error);
      return NULL;
    }

  data = body_text (response, &length);
  if (!json_parser_load_from_data (parser, data, (gssize)length, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error_literal (error, PB_AMAZON_ERROR, PB_AMAZON_ERROR_PARSE,
                           _ ("Login with Amazon sent a reply that is not valid JSON."));
      return NULL;
    }
  object = json_node_get_object (json_parser_get_root (parser));
  token = json_object_get_string_member_with_default (object, "access_token", NULL);
  expires_in = json_object_get_int_member_with_default (object, "expires_in", 3600);
  if (token == NULL || *token == '\0')
    {
      g_set_error_literal (error, PB_AMAZON_ERROR, PB_AMAZON_ERROR_PARSE,
                           _ ("Login with Amazon sent no access token."));
      return NULL;
    }

  g_mutex_lock (&self->token_lock);
  clear_secret (&self->access_token);
  self->access_token = g_strdup (token);
  self->token_expires_us
      = g_get_monotonic_time () + MAX (expires_in, 0) * G_USEC_PER_SEC - TOKEN_MARGIN_US;
  result = g_strdup (token);
  g_mutex_unlock (&self->token_lock);
  return result;
}

static gboolean
is_expired_token (PbHttpResponse *response)
{
  return pb_http_response_get_status (response) == 403
         || pb_http_response_get_status (response) == 401;
}

/* One SP-API call with the access token; an expired token is refreshed once. */
static PbHttpResponse *
call_api (PbAmazonClient *self, const char *method, const char *url, GBytes *body,
          const char *operation, GCancellable *cancellable, GError **error)
{
  for (int attempt = 0; attempt < 2; attempt++)
    {
      g_autofree char *token = get_access_token (self, cancellable, error);
      g_autofree char *token_header = NULL;
      g_autoptr (PbHttpResponse) response = NULL;
      const char *headers[3] = { NULL };
      PbHttpRequest request = { 0 };

      if (token == NULL)
        return NULL;
      token_header = g_strconcat ("x-amz-access-token: ", token, NULL);
      headers[0] = token_header;
      headers[1] = "Accept: application/json";
      request.method = method;
      request.url = url;
      request.headers = headers;
      request.body = body;
      request.content_type = body ? "application/json" : NULL;
      request.operation = operation;

      response = pb_http_client_send (self->http, &request, cancellable, error);
      pb_secure_wipe (token_header, strlen (token_header));
      pb_secure_wipe (token, strlen (token));
      if (response == NULL)
        return NULL;

      if (attempt == 0 && is_expired_token (response))
        {
          pb_amazon_client_forget_token (self);
          continue;
        }
      return g_steal_pointer (&response);
    }
  g_assert_not_reached ();
}

/* Turns a non-success status into an error with Amazon's own words. */
static gboolean
status_error (PbHttpResponse *response, const char *what, GError **error)
{
  guint status = pb_http_response_get_status (response);
  gsize length;
  const char *data = body_text (response, &length);
  g_autofree char *details = pb_amazon_parse_errors (data, length);
  PbAmazonError code;

  if (status == 404)
    code = PB_AMAZON_ERROR_NOT_FOUND;
  else if (status == 429 || status >= 500)
    code = PB_AMAZON_ERROR_UNAVAILABLE;
  else if (status == 401 || status == 403)
    code = PB_AMAZON_ERROR_AUTH;
  else
    code = PB_AMAZON_ERROR_REJECTED;

  if (code == PB_AMAZON_ERROR_UNAVAILABLE)
    g_set_error (error, PB_AMAZON_ERROR, code,
                 _ ("Amazon is not answering %s (HTTP %u) after several tries. It will be tried "
                    "again later."),
                 what, status);
  else
    g_set_error (error, PB_AMAZON_ERROR, code, _ ("Amazon refused %s (HTTP %u): %s"), what, status,
                 details ? details : _ ("no reason given"));
  return FALSE;
}

static char *
format_time (gint64 when)
{
  g_autoptr (GDateTime) time = g_date_time_new_from_unix_utc (when);
  return g_date_time_format (time, "%Y-%m-%dT%H:%M:%SZ");
}

gboolean
pb_amazon_client_search_orders (PbAmazonClient *self, const PbAmazonSearch *search,
                                GPtrArray **orders, char **next_token, gint64 *updated_before,
                                GCancellable *cancellable, GError **error)
{
  g_autoptr (GString) url = NULL;
  g_autoptr (PbHttpResponse) response = NULL;
  g_autofree char *after = NULL;
  g_autofree char *marketplace = NULL;
  gsize length;
  const char *data;

  g_return_val_if_fail (PB_IS_AMAZON_CLIENT (self), FALSE);
  g_return_val_if_fail (search != NULL && search->last_updated_after > 0, FALSE);

  after = format_time (search->last_updated_after);
  marketplace = g_uri_escape_string (self->marketplace_id, NULL, FALSE);
  url = g_string_new (self->endpoint);
  g_string_append_printf (url,
                          "/orders/2026-01-01/orders?lastUpdatedAfter=%s&marketplaceIds=%s"
                          "&fulfilledBy=MERCHANT&includedData=%s&maxResultsPerPage=%u",
                          after, marketplace, PB_AMAZON_INCLUDED_DATA,
                          search->max_results ? MIN (search->max_results, 100) : 100);
  if (search->last_updated_before > 0)
    {
      g_autofree char *before = format_time (search->last_updated_before);
      g_string_append_printf (url, "&lastUpdatedBefore=%s", before);
    }
  if (search->pagination_token != NULL)
    {
      g_autofree char *token = g_uri_escape_string (search->pagination_token, NULL, FALSE);
      g_string_append_printf (url, "&paginationToken=%s", token);
    }

  response = call_api (self, "GET", url->str, NULL, "searchOrders", cancellable, error);
  if (response == NULL)
    return FALSE;

  data = body_text (response, &length);
  if (pb_http_response_get_status (response) == 400 && search->pagination_token != NULL)
    {
      g_autofree char *details = pb_amazon_parse_errors (data, length);

      if (details != NULL && (strstr (details, "agination") || strstr (details, "oken")))
        {
          g_set_error (error, PB_AMAZON_ERROR, PB_AMAZON_ERROR_PAGINATION,
                       _ ("Amazon no longer accepts the page token: %s"), details);
          return FALSE;
        }
    }
  if (pb_http_response_get_status (response) != 200)
    return status_error (response, _ ("the order list"), error);

  return pb_amazon_parse_orders_page (data, length, orders, next_token, updated_before, error);
}

PbOrderData *
pb_amazon_client_get_order (PbAmazonClient *self, const char *order_id, GCancellable *cancellable,
                            GError **error)
{
  g_autoptr (PbHttpResponse) response = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *url = NULL;
  gsize length;
  const char *data;

  g_return_val_if_fail (PB_IS_AMAZON_CLIENT (self), NULL);

  if (!pb_amazon_order_id_is_valid (order_id))
    {
      g_set_error (error, PB_AMAZON_ERROR, PB_AMAZON_ERROR_REJECTED,
                   _ ("“%s” is not an Amazon order number (three, seven and seven digits)."),
                   order_id);
      return NULL;
    }

  escaped = g_uri_escape_string (order_id, NULL, FALSE);
  url = g_strdup_printf ("%s/orders/2026-01-01/orders/%s?includedData=%s", self->endpoint, escaped,
                         PB_AMAZON_INCLUDED_DATA);
  response = call_api (self, "GET", url, NULL, "getOrder", cancellable, error);
  if (response == NULL)
    return NULL;
  if (pb_http_response_get_status (response) != 200)
    {
      status_error (response, _ ("the order"), error);
      return NULL;
    }
  data = body_text (response, &length);
  return pb_amazon_parse_order_response (data, length, error);
}

char *
pb_amazon_confirmation_to_json (const PbAmazonConfirmation *confirmation,
                                const char *marketplace_id)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *ship_date = format_time (confirmation->ship_date);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "marketplaceId");
  json_builder_add_string_value (builder, marketplace_id);
  json_builder_set_member_name (builder, "packageDetail");
  json_builder_begin_object (builder);
  /* A numeric string, as the v0 model's PackageReferenceId says. */
  json_builder_set_member_name (builder, "packageReferenceId");
  json_builder_add_string_value (builder, confirmation->package_reference_id);
  json_builder_set_member_name (builder, "carrierCode");
  json_builder_add_string_value (builder, "Royal Mail");
  json_builder_set_member_name (builder, "trackingNumber");
  json_builder_add_string_value (builder, confirmation->tracking_number);
  json_builder_set_member_name (builder, "shipDate");
  json_builder_add_string_value (builder, ship_date);
  if (confirmation->shipping_method != NULL)
    {
      json_builder_set_member_name (builder, "shippingMethod");
      json_builder_add_string_value (builder, confirmation->shipping_method);
    }
  json_builder_set_member_name (builder, "orderItems");
  json_builder_begin_array (builder);
  for (guint i = 0; i < confirmation->n_items; i++)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "orderItemId");
      json_builder_add_string_value (builder, confirmation->items[i].order_item_id);
      json_builder_set_member_name (builder, "quantity");
      json_builder_add_int_value (builder, confirmation->items[i].quantity);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

gboolean
pb_amazon_client_confirm_shipment (PbAmazonClient *self, const PbAmazonConfirmation *confirmation,
                                   GCancellable *cancellable, GError **error)
{
  g_autoptr (PbHttpResponse) response = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *url = NULL;
  char *json;

  g_return_val_if_fail (PB_IS_AMAZON_CLIENT (self), FALSE);
  g_return_val_if_fail (confirmation != NULL && confirmation->order_id != NULL, FALSE);

  json = pb_amazon_confirmation_to_json (confirmation, self->marketplace_id);
  body = g_bytes_new_take (json, strlen (json));
  escaped = g_uri_escape_string (confirmation->order_id, NULL, FALSE);
  url = g_strdup_printf ("%s/orders/v0/orders/%s/shipmentConfirmation", self->endpoint, escaped);

  response = call_api (self, "POST", url, body, "confirmShipment", cancellable, error);
  if (response == NULL)
    return FALSE;
  if (pb_http_response_get_status (response) == 204
      || pb_http_response_get_status (response) == 200)
    return TRUE;
  return status_error (response, _ ("the shipment confirmation"), error);
}
