/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "amazon/pb-amazon-client.h"
#include "net/pb-http.h"
#include "royalmail/pb-royalmail-client.h"
#include "store/pb-store.h"

G_BEGIN_DECLS

/* The HTTPS client as the store's settings configure it: CA file,
 * timeouts, retries and the documented rate limits. */
PbHttpClient *pb_services_new_http_client (PbStore *store);

/* An Amazon client with the store's endpoints and credentials. */
PbAmazonClient *pb_services_new_amazon_client (PbStore *store, PbHttpClient *http);

/* A Click & Drop client with the store's endpoint and API key. */
PbRoyalMailClient *pb_services_new_royalmail_client (PbStore *store, PbHttpClient *http);

G_END_DECLS
