/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "pb-services.h"
#include "store/pb-settings.h"
#include "util/pb-secure.h"

static void
apply_rate (PbStore *store, PbHttpClient *http, const char *key, const char *operation)
{
  double rate;
  guint burst;

  pb_settings_get_rate (store, key, &rate, &burst);
  pb_http_client_set_rate_limit (http, operation, rate, burst);
}

PbHttpClient *
pb_services_new_http_client (PbStore *store)
{
  PbHttpClient *http = pb_http_client_new ();
  g_autofree char *ca_file = pb_settings_get (store, "tls.ca_file");

  if (ca_file != NULL && *ca_file != '\0')
    pb_http_client_set_ca_file (http, ca_file);
  pb_http_client_set_timeouts (
      http, (guint)pb_settings_get_int (store, "net.connect_timeout_seconds") * 1000,
      (guint)pb_settings_get_int (store, "net.timeout_seconds") * 1000);
  pb_http_client_set_retry (http, (guint)pb_settings_get_int (store, "net.max_retries"),
                            (guint)pb_settings_get_int (store, "net.retry_base_ms"),
                            (guint)pb_settings_get_int (store, "net.retry_max_ms"));
  apply_rate (store, http, "amazon.rate.search_orders", "searchOrders");
  apply_rate (store, http, "amazon.rate.get_order", "getOrder");
  apply_rate (store, http, "amazon.rate.confirm_shipment", "confirmShipment");
  /* Click & Drop allows 5 requests a second. */
  pb_http_client_set_rate_limit (http, "royalmail", 5.0, 5);
  return http;
}

PbAmazonClient *
pb_services_new_amazon_client (PbStore *store, PbHttpClient *http)
{
  g_autofree char *endpoint = pb_settings_get (store, "amazon.endpoint");
  g_autofree char *lwa_endpoint = pb_settings_get (store, "amazon.lwa_endpoint");
  g_autofree char *client_id = pb_settings_get (store, "amazon.client_id");
  g_autofree char *marketplace_id = pb_settings_get (store, "amazon.marketplace_id");
  char *client_secret = pb_settings_get (store, "amazon.client_secret");
  char *refresh_token = pb_settings_get (store, "amazon.refresh_token");
  PbAmazonConfig config = {
    .endpoint = endpoint,
    .lwa_endpoint = lwa_endpoint,
    .client_id = client_id,
    .client_secret = client_secret,
    .refresh_token = refresh_token,
    .marketplace_id = marketplace_id,
  };
  PbAmazonClient *client = pb_amazon_client_new (http, &config);

  if (client_secret)
    pb_secure_free_string (client_secret);
  if (refresh_token)
    pb_secure_free_string (refresh_token);
  return client;
}

PbRoyalMailClient *
pb_services_new_royalmail_client (PbStore *store, PbHttpClient *http)
{
  g_autofree char *endpoint = pb_settings_get (store, "royalmail.endpoint");
  char *api_key = pb_settings_get (store, "royalmail.api_key");
  PbRoyalMailClient *client = pb_royalmail_client_new (http, endpoint, api_key);

  if (api_key)
    pb_secure_free_string (api_key);
  return client;
}
