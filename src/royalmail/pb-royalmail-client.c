/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "pb-royalmail-client.h"
#include "pb-royalmail-parse.h"
#include "util/pb-secure.h"

/* One rate-limit bucket for every Click & Drop call: the API allows five
 * requests a second per account, whatever the operation. */
#define OPERATION "royalmail"

/* The spec's limits (CreateOrderRequest and what it contains). */
#define MAX_REFERENCE 40
#define MAX_FULL_NAME 210
#define MAX_ADDRESS 100
#define MAX_POSTCODE 20
#define MAX_PHONE 25
#define MAX_SERVICE_CODE 10
#define MAX_ITEM_NAME 800
#define MAX_SKU 100
#define MAX_CUSTOMS_DESCRIPTION 50
#define MAX_CUSTOMS_CODE 10
#define MIN_WEIGHT_G 1
#define MAX_WEIGHT_G 30000
#define MAX_QUANTITY 999999
#define MAX_UNIT_WEIGHT_G 999999
#define MAX_MONEY_WHOLE 999999

static const char *const package_formats[] = {
  "undefined",   "letter", "largeLetter", "smallParcel", "mediumParcel",
  "largeParcel", "parcel", "documents",   NULL,
};

/* Countries for which Royal Mail needs a UK postcode. */
static const char *const uk_countries[] = {
  "GB", "GBR", "JE", "JEY", "GG", "GGY", "IM", "IMN",
};

struct _PbRoyalMailClient
{
  GObject parent_instance;

  PbHttpClient *http;
  char *endpoint;
  char *api_key; /* NULL when not configured */
};

G_DEFINE_FINAL_TYPE (PbRoyalMailClient, pb_royalmail_client, G_TYPE_OBJECT)

static void
pb_royalmail_client_finalize (GObject *object)
{
  PbRoyalMailClient *self = PB_ROYALMAIL_CLIENT (object);

  g_clear_object (&self->http);
  g_clear_pointer (&self->endpoint, g_free);
  g_clear_pointer (&self->api_key, pb_secure_free_string);

  G_OBJECT_CLASS (pb_royalmail_client_parent_class)->finalize (object);
}

static void
pb_royalmail_client_class_init (PbRoyalMailClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pb_royalmail_client_finalize;
}

static void
pb_royalmail_client_init (PbRoyalMailClient *self)
{
}

/* Validation */

/* Where a person fixes a field that does not fit. */
typedef enum
{
  FIX_ADDRESS,
  FIX_ORDER,
  FIX_CATALOGUE,
  FIX_RULES,
} Fix;

/* What to do about a field that is too long (@too_long) or missing. */
static const char *
fix_hint (Fix fix, gboolean too_long)
{
  switch (fix)
    {
      case FIX_ADDRESS:
        if (too_long)
          return _ ("Packbench never cuts an address short: shorten it by hand and buy this label "
                    "on the Click & Drop website, with the Amazon order number as the reference, "
                    "before printing.");
        return _ ("Check the delivery address in Seller Central and sync the order again before "
                  "printing.");
      case FIX_ORDER:
        return _ ("Sync the order again, or check it in Seller Central, before printing.");
      case FIX_CATALOGUE:
        return _ ("Correct it in the catalogue (catalogue import) before printing.");
      case FIX_RULES:
        return _ ("An administrator must correct the shipping rules or the royalmail.default_* "
                  "settings before printing.");
      default:
        g_assert_not_reached ();
    }
}

static void
add_problem (GString *problems, const char *text)
{
  if (problems->len > 0)
    g_string_append_c (problems, '\n');
  g_string_append (problems, text);
}

/* Checks one text field: present when @required, valid UTF-8, at most @max
 * characters (not bytes). */
static void
check_text (GString *problems, const char *value, const char *label, guint max, gboolean required,
            Fix fix)
{
  g_autofree char *problem = NULL;
  glong length;

  if (value == NULL || *value == '\0')
    {
      if (required)
        problem = g_strdup_printf (_ ("%s is missing; Royal Mail needs it. %s"), label,
                                   fix_hint (fix, FALSE));
    }
  else if (!g_utf8_validate (value, -1, NULL))
    problem = g_strdup_printf (_ ("%s is not valid text. %s"), label, fix_hint (fix, FALSE));
  else if ((length = g_utf8_strlen (value, -1)) > (glong)max)
    problem = g_strdup_printf (_ ("%s is %ld characters; Royal Mail allows %u. %s"), label, length,
                               max, fix_hint (fix, TRUE));
  if (problem != NULL)
    add_problem (problems, problem);
}

/* An ISO country code: two or three letters. */
static gboolean
is_country_code (const char *text)
{
  gsize length = text ? strlen (text) : 0;

  if (length < 2 || length > 3)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isalpha (text[i]))
      return FALSE;
  return TRUE;
}

static gboolean
is_uk_country (const char *code)
{
  for (guint i = 0; i < G_N_ELEMENTS (uk_countries); i++)
    if (code != NULL && g_ascii_strcasecmp (code, uk_countries[i]) == 0)
      return TRUE;
  return FALSE;
}

typedef enum
{
  MONEY_OK,
  MONEY_NOT_A_NUMBER,
  MONEY_TOO_PRECISE,
  MONEY_TOO_LARGE,
} MoneyCheck;

/*
 * Decimal text as JSON number text with exactly two decimals: "12.5" →
 * "12.50", "007" → "7.00", "3.990" → "3.99". Done on the digits, never
 * through a double, so what Royal Mail receives is what Amazon sent.
 * Refuses signs, exponents, a third decimal that is not zero, and more
 * than the spec's maximum of 999999.
 */
static MoneyCheck
normalize_money (const char *text, char **normalized)
{
  const char *p = text;
  const char *whole_start, *fraction = NULL;
  gsize whole_len, fraction_len = 0;
  char cents[3] = { '0', '0', '\0' };
  guint64 whole = 0;

  if (text == NULL)
    return MONEY_NOT_A_NUMBER;
  whole_start = p;
  while (g_ascii_isdigit (*p))
    p++;
  whole_len = (gsize)(p - whole_start);
  if (*p == '.')
    {
      fraction = ++p;
      while (g_ascii_isdigit (*p))
        p++;
      fraction_len = (gsize)(p - fraction);
      if (fraction_len == 0)
        return MONEY_NOT_A_NUMBER;
    }
  if (*p != '\0' || whole_len == 0)
    return MONEY_NOT_A_NUMBER;

  for (gsize i = 0; i < fraction_len; i++)
    {
      if (i < 2)
        cents[i] = fraction[i];
      else if (fraction[i] != '0')
        return MONEY_TOO_PRECISE;
    }

  /* Leading zeros do not count towards the size. */
  while (whole_len > 1 && *whole_start == '0')
    {
      whole_start++;
      whole_len--;
    }
  if (whole_len > 6)
    return MONEY_TOO_LARGE;
  for (gsize i = 0; i < whole_len; i++)
    whole = whole * 10 + (guint64)(whole_start[i] - '0');
  if (whole > MAX_MONEY_WHOLE || (whole == MAX_MONEY_WHOLE && strcmp (cents, "00") != 0))
    return MONEY_TOO_LARGE;

  if (normalized != NULL)
    *normalized = g_strdup_printf ("%" G_GUINT64_FORMAT ".%s", whole, cents);
  return MONEY_OK;
}

static void
check_money (GString *problems, const char *value, const char *label, Fix fix)
{
  g_autofree char *problem = NULL;

  switch (normalize_money (value, NULL))
    {
      case MONEY_OK:
        return;
      case MONEY_NOT_A_NUMBER:
        if (value == NULL || *value == '\0')
          problem = g_strdup_printf (_ ("%s is missing; Royal Mail needs it. %s"), label,
                                     fix_hint (fix, FALSE));
        else
          problem = g_strdup_printf (_ ("%s is “%s”, which is not an amount such as 12.99. %s"),
                                     label, value, fix_hint (fix, FALSE));
        break;
      case MONEY_TOO_PRECISE:
        problem = g_strdup_printf (_ ("%s is %s; Royal Mail allows two decimal places. %s"), label,
                                   value, fix_hint (fix, FALSE));
        break;
      case MONEY_TOO_LARGE:
        problem = g_strdup_printf (_ ("%s is %s; Royal Mail allows at most 999999.00. %s"), label,
                                   value, fix_hint (fix, FALSE));
        break;
      default:
        g_assert_not_reached ();
    }
  add_problem (problems, problem);
}

static gboolean
is_package_format (const char *text)
{
  return text != NULL && g_strv_contains (package_formats, text);
}

static void
check_item (GString *problems, const PbRoyalMailItem *item, guint number)
{
  g_autofree char *what = NULL;
  g_autofree char *label = NULL;

  /* "item 2 (SKU AB-1)" names the line in every message about it. */
  if (item->sku != NULL && *item->sku != '\0' && g_utf8_validate (item->sku, -1, NULL))
    what = g_strdup_printf (_ ("item %u (SKU %s)"), number, item->sku);
  else
    what = g_strdup_printf (_ ("item %u"), number);

  label = g_strdup_printf (_ ("The name of %s"), what);
  check_text (problems, item->name, label, MAX_ITEM_NAME, FALSE, FIX_ORDER);
  g_free (label);
  label = g_strdup_printf (_ ("The SKU of %s"), what);
  check_text (problems, item->sku, label, MAX_SKU, FALSE, FIX_ORDER);
  g_free (label);
  label = g_strdup_printf (_ ("The customs description of %s"), what);
  check_text (problems, item->customs_description, label, MAX_CUSTOMS_DESCRIPTION, FALSE,
              FIX_CATALOGUE);
  g_free (label);
  label = g_strdup_printf (_ ("The HS code of %s"), what);
  check_text (problems, item->hs_code, label, MAX_CUSTOMS_CODE, FALSE, FIX_CATALOGUE);
  g_free (label);
  label = g_strdup_printf (_ ("The unit value of %s"), what);
  check_money (problems, item->unit_value, label, FIX_ORDER);

  if (item->origin_country != NULL && *item->origin_country != '\0'
      && !is_country_code (item->origin_country))
    {
      g_autofree char *problem = g_strdup_printf (
          _ ("The country of origin of %s is “%s”; Royal Mail needs a country code of two or "
             "three letters, such as GB. %s"),
          what, item->origin_country, fix_hint (FIX_CATALOGUE, FALSE));
      add_problem (problems, problem);
    }
  if (item->quantity < 1 || item->quantity > MAX_QUANTITY)
    {
      g_autofree char *problem
          = g_strdup_printf (_ ("The quantity of %s is %d; Royal Mail allows 1 to %d. %s"), what,
                             item->quantity, MAX_QUANTITY, fix_hint (FIX_ORDER, FALSE));
      add_problem (problems, problem);
    }
  if (item->unit_weight_g < 0 || item->unit_weight_g > MAX_UNIT_WEIGHT_G)
    {
      g_autofree char *problem = g_strdup_printf (
          _ ("The unit weight of %s is %d g; Royal Mail allows 0 to %d g. %s"), what,
          item->unit_weight_g, MAX_UNIT_WEIGHT_G, fix_hint (FIX_CATALOGUE, FALSE));
      add_problem (problems, problem);
    }
}

/**
 * pb_royalmail_shipment_validate:
 *
 * Checks @shipment against the limits of Click & Drop's CreateOrderRequest
 * before anything is sent. Every problem is listed, one a line, each naming
 * the field, its size and the limit. Nothing is ever cut short.
 */
/* One package's weight and contents; @parcel is its number when the
 * shipment has several, else 0. */
static void
check_package (GString *problems, gint weight_g, const PbRoyalMailItem *items, guint n_items,
               guint parcel)
{
  if (weight_g < MIN_WEIGHT_G || weight_g > MAX_WEIGHT_G)
    {
      g_autofree char *problem
          = parcel == 0
                ? g_strdup_printf (_ ("The parcel weight is %d g; Royal Mail allows %d to %d g. "
                                      "Weigh the parcel again, or split it into parcels of at "
                                      "most 30 kg, before printing."),
                                   weight_g, MIN_WEIGHT_G, MAX_WEIGHT_G)
                : g_strdup_printf (_ ("Parcel %u weighs %d g; Royal Mail allows %d to %d g. Weigh "
                                      "it again, or move items to another parcel, before "
                                      "printing."),
                                   parcel, weight_g, MIN_WEIGHT_G, MAX_WEIGHT_G);
      add_problem (problems, problem);
    }

  if (n_items > 0 && items == NULL)
    add_problem (problems, _ ("The order’s items are missing. Sync the order again before "
                              "printing."));
  for (guint i = 0; items != NULL && i < n_items; i++)
    check_item (problems, &items[i], i + 1);
}

gboolean
pb_royalmail_shipment_validate (const PbRoyalMailShipment *shipment, GError **error)
{
  g_autoptr (GString) problems = g_string_new (NULL);

  g_return_val_if_fail (shipment != NULL, FALSE);

  check_text (problems, shipment->reference, _ ("The order reference"), MAX_REFERENCE, TRUE,
              FIX_ORDER);
  check_text (problems, shipment->full_name, _ ("The recipient’s name"), MAX_FULL_NAME, TRUE,
              FIX_ADDRESS);
  check_text (problems, shipment->company, _ ("The company name"), MAX_ADDRESS, FALSE, FIX_ADDRESS);
  check_text (problems, shipment->address_line1, _ ("The address line 1"), MAX_ADDRESS, TRUE,
              FIX_ADDRESS);
  check_text (problems, shipment->address_line2, _ ("The address line 2"), MAX_ADDRESS, FALSE,
              FIX_ADDRESS);
  check_text (problems, shipment->address_line3, _ ("The address line 3"), MAX_ADDRESS, FALSE,
              FIX_ADDRESS);
  check_text (problems, shipment->city, _ ("The town or city"), MAX_ADDRESS, TRUE, FIX_ADDRESS);
  check_text (problems, shipment->county, _ ("The county"), MAX_ADDRESS, FALSE, FIX_ADDRESS);
  check_text (problems, shipment->postcode, _ ("The postcode"), MAX_POSTCODE,
              is_uk_country (shipment->country_code), FIX_ADDRESS);
  check_text (problems, shipment->phone, _ ("The phone number"), MAX_PHONE, FALSE, FIX_ADDRESS);

  if (shipment->country_code == NULL || *shipment->country_code == '\0')
    check_text (problems, NULL, _ ("The country code"), 3, TRUE, FIX_ORDER);
  else if (!is_country_code (shipment->country_code))
    {
      g_autofree char *problem
          = g_strdup_printf (_ ("The country code is “%s”; Royal Mail needs two or three letters, "
                                "such as GB. %s"),
                             shipment->country_code, fix_hint (FIX_ORDER, FALSE));
      add_problem (problems, problem);
    }

  if (shipment->order_date <= 0)
    add_problem (problems, _ ("The order date is missing. Sync the order again before printing."));

  check_money (problems, shipment->subtotal, _ ("The subtotal"), FIX_ORDER);
  check_money (problems, shipment->shipping, _ ("The shipping cost charged"), FIX_ORDER);
  check_money (problems, shipment->total, _ ("The order total"), FIX_ORDER);
  if (shipment->currency != NULL && *shipment->currency != '\0'
      && (strlen (shipment->currency) != 3 || !is_country_code (shipment->currency)))
    {
      g_autofree char *problem
          = g_strdup_printf (_ ("The currency is “%s”; Royal Mail needs a three-letter code such "
                                "as GBP. %s"),
                             shipment->currency, fix_hint (FIX_ORDER, FALSE));
      add_problem (problems, problem);
    }

  check_text (problems, shipment->service_code, _ ("The Royal Mail service code"), MAX_SERVICE_CODE,
              TRUE, FIX_RULES);
  if (shipment->package_format == NULL || *shipment->package_format == '\0')
    check_text (problems, NULL, _ ("The package format"), 0, TRUE, FIX_RULES);
  else if (!is_package_format (shipment->package_format))
    {
      g_autofree char *formats = g_strjoinv (", ", (char **)package_formats);
      g_autofree char *problem
          = g_strdup_printf (_ ("The package format “%s” is not one Royal Mail knows (%s). %s"),
                             shipment->package_format, formats, fix_hint (FIX_RULES, FALSE));
      add_problem (problems, problem);
    }
  if (shipment->n_packages == 0)
    check_package (problems, shipment->weight_g, shipment->items, shipment->n_items, 0);
  for (guint i = 0; i < shipment->n_packages; i++)
    check_package (problems, shipment->packages[i].weight_g, shipment->packages[i].items,
                   shipment->packages[i].n_items, i + 1);

  if (problems->len == 0)
    return TRUE;
  g_set_error_literal (error, PB_ROYALMAIL_ERROR, PB_ROYALMAIL_ERROR_INVALID, problems->str);
  return FALSE;
}

/* JSON out */

static void
append_json_string (GString *out, const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text; *p; p++)
    {
      guchar c = (guchar)*p;

      switch (c)
        {
          case '"':
            g_string_append (out, "\\\"");
            break;
          case '\\':
            g_string_append (out, "\\\\");
            break;
          case '\n':
            g_string_append (out, "\\n");
            break;
          case '\r':
            g_string_append (out, "\\r");
            break;
          case '\t':
            g_string_append (out, "\\t");
            break;
          default:
            if (c < 0x20)
              g_string_append_printf (out, "\\u%04x", c);
            else
              g_string_append_c (out, (char)c);
            break;
        }
    }
  g_string_append_c (out, '"');
}

/* Writes the comma and the member name of a JSON object. */
static void
begin_member (GString *out, gboolean *first, const char *name)
{
  if (!*first)
    g_string_append_c (out, ',');
  *first = FALSE;
  append_json_string (out, name);
  g_string_append_c (out, ':');
}

/* An optional text member: left out when NULL or empty. */
static void
add_string (GString *out, gboolean *first, const char *name, const char *value)
{
  if (value == NULL || *value == '\0')
    return;
  begin_member (out, first, name);
  append_json_string (out, value);
}

static void
add_int (GString *out, gboolean *first, const char *name, gint64 value)
{
  begin_member (out, first, name);
  g_string_append_printf (out, "%" G_GINT64_FORMAT, value);
}

/* A JSON number made from the validated decimal text, never a double. */
static void
add_money (GString *out, gboolean *first, const char *name, const char *value)
{
  g_autofree char *normalized = NULL;
  MoneyCheck check = normalize_money (value, &normalized);

  g_assert (check == MONEY_OK);
  begin_member (out, first, name);
  g_string_append (out, normalized);
}

static char *
format_time (gint64 when)
{
  g_autoptr (GDateTime) time = g_date_time_new_from_unix_utc (when);

  return time ? g_date_time_format (time, "%Y-%m-%dT%H:%M:%SZ") : NULL;
}

/**
 * pb_royalmail_shipment_to_json:
 *
 * The CreateOrdersRequest for one valid shipment, with the label asked for
 * in the response. Only the delivery address and phone number of the
 * recipient go to Royal Mail: never an e-mail address.
 */
/* One ShipmentPackageRequest: weight, format and contents. */
static void
append_package (GString *out, const char *package_format, gint weight_g,
                const PbRoyalMailItem *items, guint n_items)
{
  gboolean package = TRUE;

  g_string_append_c (out, '{');
  add_int (out, &package, "weightInGrams", weight_g);
  add_string (out, &package, "packageFormatIdentifier", package_format);
  if (n_items > 0)
    {
      begin_member (out, &package, "contents");
      g_string_append_c (out, '[');
      for (guint i = 0; i < n_items; i++)
        {
          const PbRoyalMailItem *item = &items[i];
          gboolean content = TRUE;

          if (i > 0)
            g_string_append_c (out, ',');
          g_string_append_c (out, '{');
          add_string (out, &content, "name", item->name);
          add_string (out, &content, "SKU", item->sku);
          add_int (out, &content, "quantity", item->quantity);
          add_money (out, &content, "unitValue", item->unit_value);
          add_int (out, &content, "unitWeightInGrams", item->unit_weight_g);
          add_string (out, &content, "customsDescription", item->customs_description);
          add_string (out, &content, "customsCode", item->hs_code);
          add_string (out, &content, "originCountryCode", item->origin_country);
          g_string_append_c (out, '}');
        }
      g_string_append_c (out, ']');
    }
  g_string_append_c (out, '}');
}

char *
pb_royalmail_shipment_to_json (const PbRoyalMailShipment *shipment)
{
  g_autoptr (GString) out = g_string_new (NULL);
  g_autofree char *order_date = NULL;
  gboolean order = TRUE, recipient = TRUE, address = TRUE, postage = TRUE;
  gboolean label = TRUE;

  g_return_val_if_fail (shipment != NULL, NULL);
  g_return_val_if_fail (pb_royalmail_shipment_validate (shipment, NULL), NULL);

  order_date = format_time (shipment->order_date);
  g_string_append (out, "{\"items\":[{");
  add_string (out, &order, "orderReference", shipment->reference);

  begin_member (out, &order, "recipient");
  g_string_append_c (out, '{');
  begin_member (out, &recipient, "address");
  g_string_append_c (out, '{');
  add_string (out, &address, "fullName", shipment->full_name);
  add_string (out, &address, "companyName", shipment->company);
  add_string (out, &address, "addressLine1", shipment->address_line1);
  add_string (out, &address, "addressLine2", shipment->address_line2);
  add_string (out, &address, "addressLine3", shipment->address_line3);
  add_string (out, &address, "city", shipment->city);
  add_string (out, &address, "county", shipment->county);
  add_string (out, &address, "postcode", shipment->postcode);
  add_string (out, &address, "countryCode", shipment->country_code);
  g_string_append_c (out, '}');
  add_string (out, &recipient, "phoneNumber", shipment->phone);
  g_string_append_c (out, '}');

  add_string (out, &order, "orderDate", order_date);
  add_money (out, &order, "subtotal", shipment->subtotal);
  add_money (out, &order, "shippingCostCharged", shipment->shipping);
  add_money (out, &order, "total", shipment->total);
  add_string (out, &order, "currencyCode", shipment->currency);

  begin_member (out, &order, "postageDetails");
  g_string_append_c (out, '{');
  add_string (out, &postage, "serviceCode", shipment->service_code);
  g_string_append_c (out, '}');

  begin_member (out, &order, "packages");
  g_string_append_c (out, '[');
  if (shipment->n_packages == 0)
    append_package (out, shipment->package_format, shipment->weight_g, shipment->items,
                    shipment->n_items);
  for (guint i = 0; i < shipment->n_packages; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      append_package (out, shipment->package_format, shipment->packages[i].weight_g,
                      shipment->packages[i].items, shipment->packages[i].n_items);
    }
  g_string_append_c (out, ']');

  begin_member (out, &order, "label");
  g_string_append_c (out, '{');
  begin_member (out, &label, "includeLabelInResponse");
  g_string_append (out, "true");
  begin_member (out, &label, "includeCN");
  g_string_append (out, "false");
  begin_member (out, &label, "includeReturnsLabel");
  g_string_append (out, "false");
  g_string_append (out, "}}]}");

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* The client */

static char *
strip_slash (const char *url)
{
  char *copy = g_strdup (url ? url : "");
  gsize len = strlen (copy);

  while (len > 0 && copy[len - 1] == '/')
    copy[--len] = '\0';
  return copy;
}

/**
 * pb_royalmail_client_new:
 *
 * A client of the Click & Drop API at @endpoint with @api_key (NULL or
 * empty: every call fails with PB_ROYALMAIL_ERROR_NOT_CONFIGURED). Calls
 * share @http and its "royalmail" rate limit.
 */
PbRoyalMailClient *
pb_royalmail_client_new (PbHttpClient *http, const char *endpoint, const char *api_key)
{
  PbRoyalMailClient *self;

  g_return_val_if_fail (PB_IS_HTTP_CLIENT (http), NULL);

  self = g_object_new (PB_TYPE_ROYALMAIL_CLIENT, NULL);
  self->http = g_object_ref (http);
  self->endpoint = strip_slash (endpoint);
  self->api_key = api_key != NULL && *api_key != '\0' ? g_strdup (api_key) : NULL;
  return self;
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
check_configured (PbRoyalMailClient *self, GError **error)
{
  if (self->api_key != NULL)
    return TRUE;
  g_set_error_literal (error, PB_ROYALMAIL_ERROR, PB_ROYALMAIL_ERROR_NOT_CONFIGURED,
                       _ ("Royal Mail Click & Drop is not set up yet: an administrator must set "
                          "royalmail.api_key to the API key of the account’s Click & Drop API "
                          "integration."));
  return FALSE;
}

/* No answer came. Cancellation stays what it is. */
static void
set_no_answer (const char *what, GError *net_error, GError **error)
{
  g_set_error (error, PB_ROYALMAIL_ERROR, PB_ROYALMAIL_ERROR_UNAVAILABLE,
               _ ("Click & Drop could not be reached for %s: %s"), what, net_error->message);
}

/* One call with the API key. NULL with an error when no response came. */
static PbHttpResponse *
call_api (PbRoyalMailClient *self, const char *method, const char *url, GBytes *body,
          const char *what, GCancellable *cancellable, GError **error)
{
  g_autofree char *authorization = NULL;
  g_autoptr (GError) local_error = NULL;
  PbHttpResponse *response;
  const char *headers[3] = { NULL };
  PbHttpRequest request = { 0 };

  if (!check_configured (self, error))
    return NULL;

  authorization = g_strconcat ("Authorization: Bearer ", self->api_key, NULL);
  headers[0] = authorization;
  headers[1] = "Accept: application/json";
  request.method = method;
  request.url = url;
  request.headers = headers;
  request.body = body;
  request.content_type = body ? "application/json" : NULL;
  request.operation = OPERATION;

  response = pb_http_client_send (self->http, &request, cancellable, &local_error);
  pb_secure_wipe (authorization, strlen (authorization));
  if (response == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        set_no_answer (what, local_error, error);
    }
  return response;
}

static gboolean
mentions_oba (const char *details)
{
  return details != NULL && (strstr (details, "OBA") || strstr (details, "Online Business"));
}

/* Turns a status the operation did not expect into an error with Click &
 * Drop's own words. */
static gboolean
status_error (PbHttpResponse *response, const char *what, GError **error)
{
  guint status = pb_http_response_get_status (response);
  gsize length;
  const char *data = body_text (response, &length);
  g_autofree char *details = pb_royalmail_parse_errors (data, length);

  if (status == 401)
    g_set_error (error, PB_ROYALMAIL_ERROR, PB_ROYALMAIL_ERROR_AUTH,
                 _ ("Click & Drop refused the API key for %s (HTTP 401). An administrator must "
                    "check royalmail.api_key against the API key of the account’s Click & Drop API "
                    "integration, and set it again."),
                 what);
  else if (status == 403 && mentions_oba (details))
    g_set_error (error, PB_ROYALMAIL_ERROR, PB_ROYALMAIL_ERROR_OBA_ONLY,
                 _ ("Click & Drop refused %s: %s. This needs a Click & Drop Online Business "
                    "Account (OBA), and the account of this API key is not one. Ask Royal Mail to "
                    "upgrade the account to an Online Business Account, or use the API key of an "
                    "OBA account; until then, buy labels and manifests on the Click & Drop "
                    "website."),
                 what, details);
  else if (status == 403)
    g_set_error (error, PB_ROYALMAIL_ERROR, PB_ROYALMAIL_ERROR_AUTH,
                 _ ("Click & Drop does not allow %s for this account (HTTP 403): %s. An "
                    "administrator must check the account and its API key in Click & Drop."),
                 what, details ? details : _ ("no reason given"));
  else if (status == 404)
    g_set_error (error, PB_ROYALMAIL_ERROR, PB_ROYALMAIL_ERROR_NOT_FOUND,
                 _ ("Click & Drop found nothing for %s (HTTP 404): %s. The order may have been "
                    "deleted in Click & Drop; if this happens for new orders too, an administrator "
                    "should check royalmail.endpoint."),
                 what, details ? details : _ ("no reason given"));
  else if (status == 429 || status >= 500)
    g_set_error (error, PB_ROYALMAIL_ERROR, PB_ROYALMAIL_ERROR_UNAVAILABLE,
                 _ ("Click & Drop is not answering %s (HTTP %u) after several tries. Try again in "
                    "a few minutes."),
                 what, status);
  else if (status >= 400)
    g_set_error (error, PB_ROYALMAIL_ERROR, PB_ROYALMAIL_ERROR_REJECTED,
                 _ ("Click & Drop refused %s (HTTP %u): %s"), what, status,
                 details ? details : _ ("no reason given"));
  else
    g_set_error (error, PB_ROYALMAIL_ERROR, PB_ROYALMAIL_ERROR_PARSE,
                 _ ("Click & Drop answered %s with HTTP %u, which its API does not describe. Try "
                    "again; if it keeps happening, report it to the Packbench maintainers."),
                 what, status);
  return FALSE;
}

/**
 * pb_royalmail_client_create:
 *
 * Validates @shipment, then POSTs it to /orders with the label in the
 * response. POST is never retried after a 5xx, a timeout or a reset once
 * it was sent (the order may exist): those are PB_ROYALMAIL_ERROR_UNAVAILABLE
 * and the caller looks the reference up before trying again.
 */
PbRoyalMailOrder *
pb_royalmail_client_create (PbRoyalMailClient *self, const PbRoyalMailShipment *shipment,
                            GCancellable *cancellable, GError **error)
{
  g_autoptr (PbHttpResponse) response = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autofree char *url = NULL;
  const char *data;
  guint status;
  gsize length;
  char *json;

  g_return_val_if_fail (PB_IS_ROYALMAIL_CLIENT (self), NULL);
  g_return_val_if_fail (shipment != NULL, NULL);

  if (!pb_royalmail_shipment_validate (shipment, error) || !check_configured (self, error))
    return NULL;

  json = pb_royalmail_shipment_to_json (shipment);
  body = g_bytes_new_take (json, strlen (json));
  url = g_strconcat (self->endpoint, "/orders", NULL);
  response = call_api (self, "POST", url, body, _ ("the new order"), cancellable, &local_error);
  if (response == NULL)
    {
      if (g_error_matches (local_error, PB_ROYALMAIL_ERROR, PB_ROYALMAIL_ERROR_UNAVAILABLE))
        g_set_error (error, PB_ROYALMAIL_ERROR, PB_ROYALMAIL_ERROR_UNAVAILABLE,
                     _ ("%s Order %s may have been created all the same: Packbench looks it up "
                        "by its reference before trying again, so it never gets two labels."),
                     local_error->message, shipment->reference);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  status = pb_http_response_get_status (response);
  if (status >= 500)
    {
      g_set_error (error, PB_ROYALMAIL_ERROR, PB_ROYALMAIL_ERROR_UNAVAILABLE,
                   _ ("Click & Drop failed while creating order %s (HTTP %u). It may have been "
                      "created all the same: Packbench looks it up by its reference before "
                      "trying again, so it never gets two labels."),
                   shipment->reference, status);
      return NULL;
    }
  if (status != 200 && status != 201)
    {
      status_error (response, _ ("the new order"), error);
      return NULL;
    }
  data = body_text (response, &length);
  return pb_royalmail_parse_create_response (data, length, error);
}

/**
 * pb_royalmail_client_find:
 *
 * GET /orders/"REF": every order Click & Drop has with @reference, oldest
 * first; an empty array when it has none (its 404 list of NotFound).
 */
GPtrArray *
pb_royalmail_client_find (PbRoyalMailClient *self, const char *reference, GCancellable *cancellable,
                          GError **error)
{
  g_autoptr (PbHttpResponse) response = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *url = NULL;
  const char *data;
  guint status;
  gsize length;

  g_return_val_if_fail (PB_IS_ROYALMAIL_CLIENT (self), NULL);
  g_return_val_if_fail (reference != NULL && *reference != '\0', NULL);

  /* Quoted, so Click & Drop reads it as a reference and not an identifier;
   * everything but unreserved characters is percent-encoded (";" too, which
   * would separate identifiers). */
  escaped = g_uri_escape_string (reference, NULL, FALSE);
  url = g_strdup_printf ("%s/orders/%%22%s%%22", self->endpoint, escaped);
  response = call_api (self, "GET", url, NULL, _ ("the order lookup"), cancellable, error);
  if (response == NULL)
    return NULL;

  status = pb_http_response_get_status (response);
  data = body_text (response, &length);
  if (status == 404)
    {
      g_autoptr (JsonParser) parser = json_parser_new ();

      /* The operation's own 404 is a list of OrderErrorResponse: nothing
       * has this reference. Anything else (a wrong endpoint) is an error,
       * for an empty answer would make the caller create the order. */
      if (length <= G_MAXSSIZE && json_parser_load_from_data (parser, data, (gssize)length, NULL)
          && json_parser_get_root (parser) != NULL
          && JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)))
        return g_ptr_array_new_with_free_func ((GDestroyNotify)pb_royalmail_order_free);
    }
  if (status != 200)
    {
      status_error (response, _ ("the order lookup"), error);
      return NULL;
    }
  return pb_royalmail_parse_orders (data, length, error);
}

/**
 * pb_royalmail_client_get_label:
 *
 * The postage label of an order again, as the PDF Click & Drop makes.
 */
GBytes *
pb_royalmail_client_get_label (PbRoyalMailClient *self, gint64 order_identifier,
                               GCancellable *cancellable, GError **error)
{
  g_autoptr (PbHttpResponse) response = NULL;
  g_autofree char *url = NULL;
  g_autofree char *what = NULL;
  GBytes *body;
  gsize length;
  const char *data;

  g_return_val_if_fail (PB_IS_ROYALMAIL_CLIENT (self), NULL);
  g_return_val_if_fail (order_identifier > 0, NULL);

  url = g_strdup_printf ("%s/orders/%" G_GINT64_FORMAT
                         "/label?documentType=postageLabel&includeReturnsLabel=false",
                         self->endpoint, order_identifier);
  {
    g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, order_identifier);
    what = g_strdup_printf (_ ("the label of order %s"), number);
  }
  response = call_api (self, "GET", url, NULL, what, cancellable, error);
  if (response == NULL)
    return NULL;
  if (pb_http_response_get_status (response) != 200)
    {
      status_error (response, what, error);
      return NULL;
    }

  body = pb_http_response_get_body (response);
  data = body ? g_bytes_get_data (body, &length) : NULL;
  if (data == NULL || length < 5 || memcmp (data, "%PDF-", 5) != 0)
    {
      g_set_error (error, PB_ROYALMAIL_ERROR, PB_ROYALMAIL_ERROR_PARSE,
                   _ ("Click & Drop sent %s, but it is not a PDF. Try again; if it keeps "
                      "happening, report it to the Packbench maintainers."),
                   what);
      return NULL;
    }
  return g_bytes_ref (body);
}

/**
 * pb_royalmail_client_delete:
 *
 * Deletes an order, which voids its label. A manifested order cannot be
 * deleted (PB_ROYALMAIL_ERROR_REJECTED); an unknown one is NOT_FOUND.
 */
gboolean
pb_royalmail_client_delete (PbRoyalMailClient *self, gint64 order_identifier,
                            GCancellable *cancellable, GError **error)
{
  g_autoptr (PbHttpResponse) response = NULL;
  g_autofree char *number = NULL;
  g_autofree char *url = NULL;
  g_autofree char *what = NULL;
  gsize length;
  const char *data;

  g_return_val_if_fail (PB_IS_ROYALMAIL_CLIENT (self), FALSE);
  g_return_val_if_fail (order_identifier > 0, FALSE);

  number = g_strdup_printf ("%" G_GINT64_FORMAT, order_identifier);
  url = g_strdup_printf ("%s/orders/%s", self->endpoint, number);
  what = g_strdup_printf (_ ("the deletion of order %s"), number);
  response = call_api (self, "DELETE", url, NULL, what, cancellable, error);
  if (response == NULL)
    return FALSE;
  if (pb_http_response_get_status (response) == 404)
    {
      g_autofree char *details = NULL;

      data = body_text (response, &length);
      details = pb_royalmail_parse_errors (data, length);
      g_set_error (error, PB_ROYALMAIL_ERROR, PB_ROYALMAIL_ERROR_NOT_FOUND,
                   _ ("Click & Drop has no order %s: it was deleted already, or never "
                      "existed (%s)."),
                   number, details ? details : _ ("no reason given"));
      return FALSE;
    }
  if (pb_http_response_get_status (response) != 200)
    return status_error (response, what, error);
  data = body_text (response, &length);
  return pb_royalmail_parse_delete_response (data, length, order_identifier, error);
}

/* Sleeps @ms, or less when @cancellable fires. */
static gboolean
wait_ms (guint ms, GCancellable *cancellable, GError **error)
{
  GPollFD fd;

  if (cancellable != NULL && g_cancellable_make_pollfd (cancellable, &fd))
    {
      g_poll (&fd, 1, (gint)MIN (ms, (guint)G_MAXINT));
      g_cancellable_release_fd (cancellable);
    }
  else
    g_usleep ((gulong)ms * 1000);
  return !g_cancellable_set_error_if_cancelled (cancellable, error);
}

/* A manifest answer (201, 202 or 200): FALSE with an error, or TRUE with
 * the status and, once completed, the PDF. */
static gboolean
read_manifest (PbHttpResponse *response, const char *what, gint64 *number,
               PbRoyalMailManifestStatus *status, GBytes **pdf, GError **error)
{
  guint code = pb_http_response_get_status (response);
  gsize length;
  const char *data = body_text (response, &length);

  if (code != 200 && code != 201 && code != 202)
    return status_error (response, what, error);
  return pb_royalmail_parse_manifest (data, length, number, status, pdf, error);
}

/**
 * pb_royalmail_client_manifest:
 *
 * Manifests every labelled order not manifested yet. @manifest_number is
 * set as soon as Click & Drop gives it, so that a manifest still in
 * progress when the polls run out can be named.
 */
GBytes *
pb_royalmail_client_manifest (PbRoyalMailClient *self, guint poll_ms, guint max_polls,
                              gint64 *manifest_number, GCancellable *cancellable, GError **error)
{
  g_autoptr (PbHttpResponse) response = NULL;
  g_autoptr (GBytes) body = g_bytes_new_static ("{}", 2);
  g_autoptr (GBytes) pdf = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *number_text = NULL;
  PbRoyalMailManifestStatus status;
  gint64 number = 0;

  g_return_val_if_fail (PB_IS_ROYALMAIL_CLIENT (self), NULL);

  url = g_strconcat (self->endpoint, "/manifests", NULL);
  response = call_api (self, "POST", url, body, _ ("the manifest"), cancellable, &local_error);
  if (response == NULL)
    {
      if (g_error_matches (local_error, PB_ROYALMAIL_ERROR, PB_ROYALMAIL_ERROR_UNAVAILABLE))
        g_set_error (error, PB_ROYALMAIL_ERROR, PB_ROYALMAIL_ERROR_UNAVAILABLE,
                     _ ("%s The manifest may have been made all the same: check the manifests in "
                        "Click & Drop before trying again."),
                     local_error->message);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (pb_http_response_get_status (response) >= 500)
    {
      g_set_error (error, PB_ROYALMAIL_ERROR, PB_ROYALMAIL_ERROR_UNAVAILABLE,
                   _ ("Click & Drop failed while making the manifest (HTTP %u). It may have been "
                      "made all the same: check the manifests in Click & Drop before trying "
                      "again."),
                   pb_http_response_get_status (response));
      return NULL;
    }
  if (!read_manifest (response, _ ("the manifest"), &number, &status, &pdf, error))
    return NULL;
  if (manifest_number != NULL)
    *manifest_number = number;
  number_text = g_strdup_printf ("%" G_GINT64_FORMAT, number);

  for (guint poll = 0; status == PB_ROYALMAIL_MANIFEST_IN_PROGRESS && poll < max_polls; poll++)
    {
      g_autofree char *poll_url = NULL;
      g_autofree char *what = NULL;
      gint64 polled = 0;

      if (!wait_ms (poll_ms, cancellable, error))
        return NULL;
      g_clear_pointer (&response, pb_http_response_unref);
      poll_url = g_strdup_printf ("%s/manifests/%s", self->endpoint, number_text);
      what = g_strdup_printf (_ ("manifest %s"), number_text);
      response = call_api (self, "GET", poll_url, NULL, what, cancellable, error);
      if (response == NULL || !read_manifest (response, what, &polled, &status, &pdf, error))
        return NULL;
      if (polled != number)
        {
          g_set_error (error, PB_ROYALMAIL_ERROR, PB_ROYALMAIL_ERROR_PARSE,
                       _ ("Click & Drop answered about another manifest when asked about manifest "
                          "%s. Try again; if it keeps happening, report it to the Packbench "
                          "maintainers."),
                       number_text);
          return NULL;
        }
    }

  switch (status)
    {
      case PB_ROYALMAIL_MANIFEST_COMPLETED:
        return g_steal_pointer (&pdf);
      case PB_ROYALMAIL_MANIFEST_FAILED:
        g_set_error (error, PB_ROYALMAIL_ERROR, PB_ROYALMAIL_ERROR_REJECTED,
                     _ ("Royal Mail could not complete manifest %s. Retry it on the Click & Drop "
                        "website, or ask Royal Mail why it failed."),
                     number_text);
        return NULL;
      case PB_ROYALMAIL_MANIFEST_IN_PROGRESS:
        g_set_error (error, PB_ROYALMAIL_ERROR, PB_ROYALMAIL_ERROR_UNAVAILABLE,
                     _ ("Click & Drop is still preparing manifest %s. Its orders are on it "
                        "already: fetch the document from the Click & Drop website in a few "
                        "minutes rather than making another manifest."),
                     number_text);
        return NULL;
      default:
        g_assert_not_reached ();
    }
}
