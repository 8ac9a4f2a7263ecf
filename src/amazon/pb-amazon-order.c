/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "pb-amazon-order.h"

GQuark
pb_amazon_error_quark (void)
{
  return g_quark_from_static_string ("pb-amazon-error-quark");
}

gint64
pb_amazon_parse_time (const char *text)
{
  g_autoptr (GTimeZone) utc = NULL;
  g_autoptr (GDateTime) when = NULL;

  if (text == NULL || *text == '\0')
    return 0;
  utc = g_time_zone_new_utc ();
  when = g_date_time_new_from_iso8601 (text, utc);
  return when ? g_date_time_to_unix (when) : 0;
}

gboolean
pb_amazon_order_id_is_valid (const char *text)
{
  static const int groups[] = { 3, 7, 7 };
  const char *p = text;

  if (text == NULL)
    return FALSE;
  for (guint g = 0; g < G_N_ELEMENTS (groups); g++)
    {
      for (int i = 0; i < groups[g]; i++, p++)
        if (!g_ascii_isdigit (*p))
          return FALSE;
      if (g + 1 < G_N_ELEMENTS (groups) && *p++ != '-')
        return FALSE;
    }
  return *p == '\0';
}

/* A walk through the JSON that remembers where it is, so that an error
 * says "orders[3].orderItems[0].quantityOrdered is not a number". */
typedef struct
{
  GString *path;
  GError **error;
  gboolean failed;
} Walk;

static gboolean
walk_fail (Walk *walk, const char *member, const char *what)
{
  if (!walk->failed)
    g_set_error (walk->error, PB_AMAZON_ERROR, PB_AMAZON_ERROR_PARSE,
                 _ ("Amazon sent an order list Packbench cannot read: %s%s%s %s."), walk->path->str,
                 member && walk->path->len ? "." : "", member ? member : "", what);
  walk->failed = TRUE;
  return FALSE;
}

static JsonNode *
member_node (JsonObject *object, const char *member)
{
  JsonNode *node;

  if (object == NULL || !json_object_has_member (object, member))
    return NULL;
  node = json_object_get_member (object, member);
  return JSON_NODE_HOLDS_NULL (node) ? NULL : node;
}

/* An optional string member: NULL when absent or null, a failure when it
 * is something else. */
static char *
get_string (Walk *walk, JsonObject *object, const char *member, gboolean required)
{
  JsonNode *node = member_node (object, member);

  if (node == NULL)
    {
      if (required)
        walk_fail (walk, member, _ ("is missing"));
      return NULL;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      walk_fail (walk, member, _ ("is not text"));
      return NULL;
    }
  return g_strdup (json_node_get_string (node));
}

static gint64
get_int (Walk *walk, JsonObject *object, const char *member, gboolean required)
{
  JsonNode *node = member_node (object, member);

  if (node == NULL)
    {
      if (required)
        walk_fail (walk, member, _ ("is missing"));
      return 0;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    {
      walk_fail (walk, member, _ ("is not a whole number"));
      return 0;
    }
  return json_node_get_int (node);
}

static JsonObject *
get_object (Walk *walk, JsonObject *object, const char *member, gboolean required)
{
  JsonNode *node = member_node (object, member);

  if (node == NULL)
    {
      if (required)
        walk_fail (walk, member, _ ("is missing"));
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      walk_fail (walk, member, _ ("is not an object"));
      return NULL;
    }
  return json_node_get_object (node);
}

static JsonArray *
get_array (Walk *walk, JsonObject *object, const char *member, gboolean required)
{
  JsonNode *node = member_node (object, member);

  if (node == NULL)
    {
      if (required)
        walk_fail (walk, member, _ ("is missing"));
      return NULL;
    }
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      walk_fail (walk, member, _ ("is not a list"));
      return NULL;
    }
  return json_node_get_array (node);
}

static gint64
get_time (Walk *walk, JsonObject *object, const char *member, gboolean required)
{
  g_autofree char *text = get_string (walk, object, member, required);
  gint64 when;

  if (text == NULL)
    return 0;
  when = pb_amazon_parse_time (text);
  if (when == 0)
    walk_fail (walk, member, _ ("is not an ISO 8601 time"));
  return when;
}

static void
enter (Walk *walk, const char *member, int index)
{
  if (walk->path->len > 0 && member != NULL)
    g_string_append_c (walk->path, '.');
  if (member != NULL)
    g_string_append (walk->path, member);
  if (index >= 0)
    g_string_append_printf (walk->path, "[%d]", index);
}

static void
leave (Walk *walk, gsize length)
{
  g_string_truncate (walk->path, length);
}

static void
read_window (Walk *walk, JsonObject *object, const char *member, gint64 *earliest, gint64 *latest)
{
  JsonObject *window = get_object (walk, object, member, FALSE);
  gsize mark = walk->path->len;

  if (window == NULL)
    return;
  enter (walk, member, -1);
  *earliest = get_time (walk, window, "earliestDateTime", FALSE);
  *latest = get_time (walk, window, "latestDateTime", FALSE);
  leave (walk, mark);
}

static gboolean
is_decimal (const char *text)
{
  gboolean digits = FALSE, point = FALSE;

  if (text == NULL)
    return TRUE;
  if (*text == '-')
    text++;
  for (; *text; text++)
    {
      if (g_ascii_isdigit (*text))
        digits = TRUE;
      else if (*text == '.' && !point)
        point = TRUE;
      else
        return FALSE;
    }
  return digits;
}

static PbOrderItemData *
read_item (Walk *walk, JsonObject *object)
{
  g_autoptr (GPtrArray) holder
      = g_ptr_array_new_with_free_func ((GDestroyNotify)pb_order_item_data_free);
  PbOrderItemData *item = g_new0 (PbOrderItemData, 1);
  JsonObject *product, *price, *unit_price, *fulfillment, *packing, *gift, *cancellation;
  gsize mark = walk->path->len;

  g_ptr_array_add (holder, item);
  item->item_id = get_string (walk, object, "orderItemId", TRUE);
  item->quantity = (gint)CLAMP (get_int (walk, object, "quantityOrdered", TRUE), 0, G_MAXINT);

  product = get_object (walk, object, "product", TRUE);
  if (product != NULL)
    {
      enter (walk, "product", -1);
      item->asin = get_string (walk, product, "asin", FALSE);
      item->sku = get_string (walk, product, "sellerSku", FALSE);
      item->title = get_string (walk, product, "title", FALSE);
      price = get_object (walk, product, "price", FALSE);
      unit_price = price ? get_object (walk, price, "unitPrice", FALSE) : NULL;
      if (unit_price != NULL)
        {
          item->unit_price = get_string (walk, unit_price, "amount", FALSE);
          item->currency = get_string (walk, unit_price, "currencyCode", FALSE);
          if (!is_decimal (item->unit_price))
            walk_fail (walk, "price.unitPrice.amount", _ ("is not a decimal number"));
        }
      leave (walk, mark);
    }

  fulfillment = get_object (walk, object, "fulfillment", FALSE);
  if (fulfillment != NULL)
    {
      enter (walk, "fulfillment", -1);
      item->quantity_shipped
          = (gint)CLAMP (get_int (walk, fulfillment, "quantityFulfilled", FALSE), 0, G_MAXINT);
      packing = get_object (walk, fulfillment, "packing", FALSE);
      gift = packing ? get_object (walk, packing, "giftOption", FALSE) : NULL;
      if (gift != NULL)
        {
          item->gift_message = get_string (walk, gift, "giftMessage", FALSE);
          item->gift_wrap_level = get_string (walk, gift, "giftWrapLevel", FALSE);
        }
      leave (walk, mark);
    }

  /* ItemCancellation: a cancellationRequest (the buyer asked) that has no
   * cancellationExecution yet is a request still waiting for the seller;
   * with an execution the item is cancelled, and the order's status says
   * so. Their strings are read only to hold Amazon to the model: a reason
   * may be the buyer's own words, and is not kept. */
  cancellation = get_object (walk, object, "cancellation", FALSE);
  if (cancellation != NULL)
    {
      JsonObject *request, *execution;
      gsize inner;

      enter (walk, "cancellation", -1);
      inner = walk->path->len;
      request = get_object (walk, cancellation, "cancellationRequest", FALSE);
      execution = get_object (walk, cancellation, "cancellationExecution", FALSE);
      if (request != NULL)
        {
          g_autofree char *requester = NULL;
          g_autofree char *reason = NULL;

          enter (walk, "cancellationRequest", -1);
          requester = get_string (walk, request, "requester", FALSE);
          reason = get_string (walk, request, "cancelReason", FALSE);
          leave (walk, inner);
        }
      if (execution != NULL)
        {
          g_autofree char *by = NULL;
          g_autofree char *reason = NULL;

          enter (walk, "cancellationExecution", -1);
          by = get_string (walk, execution, "cancelledBy", FALSE);
          reason = get_string (walk, execution, "cancelReason", FALSE);
        }
      item->cancel_requested = request != NULL && execution == NULL;
      leave (walk, mark);
    }

  if (item->quantity <= 0 && !walk->failed)
    walk_fail (walk, "quantityOrdered", _ ("is not a positive number"));

  if (walk->failed)
    return NULL;
  return g_ptr_array_steal_index (holder, 0);
}

static void
read_recipient (Walk *walk, PbOrderData *order, JsonObject *recipient)
{
  JsonObject *address = get_object (walk, recipient, "deliveryAddress", FALSE);
  JsonObject *preference = get_object (walk, recipient, "deliveryPreference", FALSE);
  gsize mark = walk->path->len;

  if (address != NULL)
    {
      enter (walk, "deliveryAddress", -1);
      order->name = get_string (walk, address, "name", FALSE);
      order->company = get_string (walk, address, "companyName", FALSE);
      order->address_line1 = get_string (walk, address, "addressLine1", FALSE);
      order->address_line2 = get_string (walk, address, "addressLine2", FALSE);
      order->address_line3 = get_string (walk, address, "addressLine3", FALSE);
      order->city = get_string (walk, address, "city", FALSE);
      order->county = get_string (walk, address, "districtOrCounty", FALSE);
      if (order->county == NULL)
        order->county = get_string (walk, address, "stateOrRegion", FALSE);
      order->postcode = get_string (walk, address, "postalCode", FALSE);
      order->country_code = get_string (walk, address, "countryCode", FALSE);
      order->phone = get_string (walk, address, "phone", FALSE);
      order->address_type = get_string (walk, address, "addressType", FALSE);
      leave (walk, mark);
    }
  if (preference != NULL)
    {
      enter (walk, "deliveryPreference", -1);
      order->delivery_instructions = get_string (walk, preference, "addressInstruction", FALSE);
      leave (walk, mark);
    }
}

static void
read_packages (Walk *walk, PbOrderData *order, JsonArray *packages)
{
  g_autoptr (GStrvBuilder) tracking = g_strv_builder_new ();
  gint64 latest = -1;
  gsize mark = walk->path->len;

  for (guint i = 0; i < json_array_get_length (packages) && !walk->failed; i++)
    {
      JsonNode *node = json_array_get_element (packages, i);
      JsonObject *package, *status;
      g_autofree char *state = NULL;
      g_autofree char *number = NULL;
      gint64 when;

      enter (walk, "packages", i);
      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          walk_fail (walk, NULL, _ ("is not an object"));
          break;
        }
      package = json_node_get_object (node);
      status = get_object (walk, package, "packageStatus", FALSE);
      state = status ? get_string (walk, status, "status", TRUE) : NULL;
      number = get_string (walk, package, "trackingNumber", FALSE);
      if (number != NULL)
        g_strv_builder_add (tracking, number);
      when = MAX (get_time (walk, package, "shipTime", FALSE),
                  get_time (walk, package, "createdTime", FALSE));
      if (state != NULL)
        {
          if (g_str_equal (state, "DELIVERED"))
            order->delivered = TRUE;
          if (when >= latest)
            {
              latest = when;
              g_free (order->package_status);
              order->package_status = g_steal_pointer (&state);
            }
        }
      leave (walk, mark);
    }
  order->package_tracking = g_strv_builder_end (tracking);
}

static PbOrderData *
read_order (Walk *walk, JsonObject *object)
{
  g_autoptr (PbOrderData) order = g_new0 (PbOrderData, 1);
  JsonObject *channel, *fulfillment, *recipient;
  JsonArray *items, *programs, *packages;
  gsize mark = walk->path->len;

  order->items = g_ptr_array_new_with_free_func ((GDestroyNotify)pb_order_item_data_free);
  order->order_id = get_string (walk, object, "orderId", TRUE);
  order->created = get_time (walk, object, "createdTime", TRUE);
  order->last_updated = get_time (walk, object, "lastUpdatedTime", TRUE);
  if (order->order_id != NULL && *order->order_id == '\0')
    walk_fail (walk, "orderId", _ ("is empty"));

  channel = get_object (walk, object, "salesChannel", TRUE);
  if (channel != NULL)
    order->marketplace_id = get_string (walk, channel, "marketplaceId", FALSE);

  programs = get_array (walk, object, "programs", FALSE);
  for (guint i = 0; programs != NULL && i < json_array_get_length (programs); i++)
    {
      JsonNode *node = json_array_get_element (programs, i);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
          && g_str_equal (json_node_get_string (node), "PRIME"))
        order->prime = TRUE;
    }

  fulfillment = get_object (walk, object, "fulfillment", FALSE);
  if (fulfillment != NULL)
    {
      enter (walk, "fulfillment", -1);
      order->status = get_string (walk, fulfillment, "fulfillmentStatus", TRUE);
      order->fulfilled_by = get_string (walk, fulfillment, "fulfilledBy", FALSE);
      order->service_level = get_string (walk, fulfillment, "fulfillmentServiceLevel", FALSE);
      read_window (walk, fulfillment, "shipByWindow", &order->ship_by_earliest,
                   &order->ship_by_latest);
      read_window (walk, fulfillment, "deliverByWindow", &order->deliver_by_earliest,
                   &order->deliver_by_latest);
      leave (walk, mark);
    }

  recipient = get_object (walk, object, "recipient", FALSE);
  if (recipient != NULL)
    {
      enter (walk, "recipient", -1);
      read_recipient (walk, order, recipient);
      leave (walk, mark);
    }

  items = get_array (walk, object, "orderItems", TRUE);
  for (guint i = 0; items != NULL && i < json_array_get_length (items) && !walk->failed; i++)
    {
      JsonNode *node = json_array_get_element (items, i);
      PbOrderItemData *item;

      enter (walk, "orderItems", i);
      if (!JSON_NODE_HOLDS_OBJECT (node))
        walk_fail (walk, NULL, _ ("is not an object"));
      else if ((item = read_item (walk, json_node_get_object (node))) != NULL)
        {
          order->cancel_requested |= item->cancel_requested;
          g_ptr_array_add (order->items, item);
        }
      leave (walk, mark);
    }

  packages = get_array (walk, object, "packages", FALSE);
  if (packages != NULL)
    read_packages (walk, order, packages);

  if (walk->failed)
    return NULL;
  return g_steal_pointer (&order);
}

static JsonNode *
parse_root (const char *data, gsize length, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (GError) local_error = NULL;
  JsonNode *root;

  if (length > G_MAXSSIZE
      || !json_parser_load_from_data (parser, data, (gssize)length, &local_error))
    {
      g_set_error (error, PB_AMAZON_ERROR, PB_AMAZON_ERROR_PARSE,
                   _ ("Amazon sent a reply that is not valid JSON (%s)."),
                   local_error ? local_error->message : _ ("too large"));
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, PB_AMAZON_ERROR, PB_AMAZON_ERROR_PARSE,
                           _ ("Amazon sent a reply that is not a JSON object."));
      return NULL;
    }
  return json_node_ref (root);
}

gboolean
pb_amazon_parse_orders_page (const char *data, gsize length, GPtrArray **orders, char **next_token,
                             gint64 *updated_before, GError **error)
{
  g_autoptr (JsonNode) root = parse_root (data, length, error);
  g_autoptr (GPtrArray) result = NULL;
  g_autoptr (GString) path = g_string_new (NULL);
  Walk walk = { path, error, FALSE };
  JsonObject *object, *pagination;
  JsonArray *list;
  g_autofree char *token = NULL;
  gint64 before;

  if (root == NULL)
    return FALSE;
  object = json_node_get_object (root);

  result = g_ptr_array_new_with_free_func ((GDestroyNotify)pb_order_data_free);
  list = get_array (&walk, object, "orders", TRUE);
  for (guint i = 0; list != NULL && i < json_array_get_length (list) && !walk.failed; i++)
    {
      JsonNode *node = json_array_get_element (list, i);
      PbOrderData *order;

      enter (&walk, "orders", i);
      if (!JSON_NODE_HOLDS_OBJECT (node))
        walk_fail (&walk, NULL, _ ("is not an object"));
      else if ((order = read_order (&walk, json_node_get_object (node))) != NULL)
        g_ptr_array_add (result, order);
      leave (&walk, 0);
    }

  pagination = get_object (&walk, object, "pagination", FALSE);
  if (pagination != NULL)
    token = get_string (&walk, pagination, "nextToken", FALSE);
  before = get_time (&walk, object, "lastUpdatedBefore", FALSE);

  if (walk.failed)
    return FALSE;

  *orders = g_steal_pointer (&result);
  if (updated_before != NULL)
    *updated_before = before;
  if (next_token != NULL)
    *next_token = token && *token ? g_steal_pointer (&token) : NULL;
  return TRUE;
}

PbOrderData *
pb_amazon_parse_order_response (const char *data, gsize length, GError **error)
{
  g_autoptr (JsonNode) root = parse_root (data, length, error);
  g_autoptr (GString) path = g_string_new ("order");
  Walk walk = { path, error, FALSE };
  JsonObject *order;

  if (root == NULL)
    return NULL;
  order = get_object (&walk, json_node_get_object (root), "order", TRUE);
  if (order == NULL)
    return NULL;
  return read_order (&walk, order);
}

char *
pb_amazon_parse_errors (const char *data, gsize length)
{
  g_autoptr (JsonNode) root = parse_root (data, length, NULL);
  g_autoptr (GString) text = NULL;
  JsonArray *errors;

  if (root == NULL || !json_object_has_member (json_node_get_object (root), "errors"))
    return NULL;
  if (!JSON_NODE_HOLDS_ARRAY (json_object_get_member (json_node_get_object (root), "errors")))
    return NULL;
  errors = json_object_get_array_member (json_node_get_object (root), "errors");

  text = g_string_new (NULL);
  for (guint i = 0; i < json_array_get_length (errors); i++)
    {
      JsonNode *node = json_array_get_element (errors, i);
      JsonObject *error;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      error = json_node_get_object (node);
      if (text->len)
        g_string_append (text, "; ");
      g_string_append_printf (text, "%s: %s",
                              json_object_get_string_member_with_default (error, "code", "?"),
                              json_object_get_string_member_with_default (error, "message", ""));
      if (json_object_has_member (error, "details")
          && JSON_NODE_HOLDS_VALUE (json_object_get_member (error, "details")))
        {
          const char *details = json_object_get_string_member_with_default (error, "details", "");
          if (details && *details)
            g_string_append_printf (text, " (%s)", details);
        }
    }
  return text->len ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
}
