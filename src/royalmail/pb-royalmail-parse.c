/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "pb-royalmail-parse.h"

GQuark
pb_royalmail_error_quark (void)
{
  return g_quark_from_static_string ("pb-royalmail-error-quark");
}

void
pb_royalmail_order_free (PbRoyalMailOrder *order)
{
  if (order == NULL)
    return;
  g_free (order->reference);
  g_free (order->tracking_number);
  g_strfreev (order->package_tracking);
  g_clear_pointer (&order->label, g_bytes_unref);
  g_free (order);
}

/* A walk through the JSON that remembers where it is, so that an error says
 * "createdOrders[0].orderIdentifier is missing". */
typedef struct
{
  GString *path;
  GError **error;
  gboolean failed;
} Walk;

static void
walk_init (Walk *walk, GError **error)
{
  walk->path = g_string_new (NULL);
  walk->error = error;
  walk->failed = FALSE;
}

static void
walk_clear (Walk *walk)
{
  g_string_free (walk->path, TRUE);
}

static gboolean
walk_fail (Walk *walk, const char *member, const char *what)
{
  if (!walk->failed)
    {
      g_autoptr (GString) where = g_string_new (walk->path->str);

      if (member != NULL)
        {
          if (where->len > 0)
            g_string_append_c (where, '.');
          g_string_append (where, member);
        }
      if (where->len == 0)
        g_string_append (where, _ ("the reply"));
      g_set_error (walk->error, PB_ROYALMAIL_ERROR, PB_ROYALMAIL_ERROR_PARSE,
                   _ ("Click & Drop sent a reply Packbench cannot read: %s %s. Try again; if it "
                      "keeps happening, report it to the Packbench maintainers."),
                   where->str, what);
    }
  walk->failed = TRUE;
  return FALSE;
}

static gsize
enter_member (Walk *walk, const char *member)
{
  gsize mark = walk->path->len;

  if (mark > 0)
    g_string_append_c (walk->path, '.');
  g_string_append (walk->path, member);
  return mark;
}

static gsize
enter_index (Walk *walk, guint index)
{
  gsize mark = walk->path->len;

  g_string_append_printf (walk->path, "[%u]", index);
  return mark;
}

static void
leave (Walk *walk, gsize mark)
{
  g_string_truncate (walk->path, mark);
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

static gboolean
node_is_string (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node)
         && json_node_get_value_type (node) == G_TYPE_STRING;
}

static gboolean
node_is_int (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node)
         && json_node_get_value_type (node) == G_TYPE_INT64;
}

/* A string member or NULL, never a failure: for error bodies, which are
 * read as far as they make sense. */
static const char *
loose_string (JsonObject *object, const char *member)
{
  JsonNode *node = member_node (object, member);

  return node_is_string (node) ? json_node_get_string (node) : NULL;
}

static gboolean
loose_int (JsonObject *object, const char *member, gint64 *value)
{
  JsonNode *node = member_node (object, member);

  if (!node_is_int (node))
    return FALSE;
  *value = json_node_get_int (node);
  return TRUE;
}

static JsonArray *
loose_array (JsonObject *object, const char *member)
{
  JsonNode *node = member_node (object, member);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static JsonObject *
element_object (JsonArray *array, guint index)
{
  JsonNode *node = json_array_get_element (array, index);

  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* A string member: NULL when absent or null, a failure when it is
 * something else. */
static const char *
get_string (Walk *walk, JsonObject *object, const char *member, gboolean required)
{
  JsonNode *node = member_node (object, member);

  if (node == NULL)
    {
      if (required)
        walk_fail (walk, member, _ ("is missing"));
      return NULL;
    }
  if (!node_is_string (node))
    {
      walk_fail (walk, member, _ ("is not text"));
      return NULL;
    }
  return json_node_get_string (node);
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
  if (!node_is_int (node))
    {
      walk_fail (walk, member, _ ("is not a whole number"));
      return 0;
    }
  return json_node_get_int (node);
}

/* The spec types manifestNumber as "number": a whole number written as
 * 1001 or 1001.0. */
static gint64
get_whole_number (Walk *walk, JsonObject *object, const char *member)
{
  JsonNode *node = member_node (object, member);
  double value;

  if (node == NULL)
    {
      walk_fail (walk, member, _ ("is missing"));
      return 0;
    }
  if (node_is_int (node))
    return json_node_get_int (node);
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_DOUBLE)
    {
      walk_fail (walk, member, _ ("is not a number"));
      return 0;
    }
  value = json_node_get_double (node);
  if (!(value >= 1 && value <= (double)G_MAXINT32) || value != (double)(gint64)value)
    {
      walk_fail (walk, member, _ ("is not a whole number"));
      return 0;
    }
  return (gint64)value;
}

static JsonArray *
get_array (Walk *walk, JsonObject *object, const char *member)
{
  JsonNode *node = member_node (object, member);

  if (node == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      walk_fail (walk, member, _ ("is not a list"));
      return NULL;
    }
  return json_node_get_array (node);
}

static gint64
get_time (Walk *walk, JsonObject *object, const char *member)
{
  const char *text = get_string (walk, object, member, FALSE);
  g_autoptr (GTimeZone) utc = NULL;
  g_autoptr (GDateTime) when = NULL;

  if (text == NULL)
    return 0;
  utc = g_time_zone_new_utc ();
  when = g_date_time_new_from_iso8601 (text, utc);
  if (when == NULL)
    {
      walk_fail (walk, member, _ ("is not a date and time"));
      return 0;
    }
  return g_date_time_to_unix (when);
}

static JsonNode *
load (JsonParser *parser, const char *data, gsize length, Walk *walk)
{
  if (length > G_MAXSSIZE
      || !json_parser_load_from_data (parser, data ? data : "", (gssize)length, NULL)
      || json_parser_get_root (parser) == NULL)
    {
      walk_fail (walk, NULL, _ ("is not JSON"));
      return NULL;
    }
  return json_parser_get_root (parser);
}

/* The document's root object, or NULL with @walk failed. */
static JsonObject *
load_object (JsonParser *parser, const char *data, gsize length, Walk *walk)
{
  JsonNode *node = load (parser, data, length, walk);

  if (node == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      walk_fail (walk, NULL, _ ("is not an object"));
      return NULL;
    }
  return json_node_get_object (node);
}

GBytes *
pb_royalmail_decode_pdf (const char *base64)
{
  g_autoptr (GString) clean = NULL;
  g_autofree guchar *data = NULL;
  guint padding = 0;
  gsize length = 0;

  if (base64 == NULL)
    return NULL;
  clean = g_string_sized_new (strlen (base64));
  for (const char *p = base64; *p; p++)
    {
      if (g_ascii_isspace (*p))
        continue;
      if (*p == '=')
        padding++;
      else if ((g_ascii_isalnum (*p) || *p == '+' || *p == '/') && padding == 0)
        ;
      else
        return NULL;
      if (padding > 2)
        return NULL;
      g_string_append_c (clean, *p);
    }
  if (clean->len == 0 || clean->len % 4 != 0)
    return NULL;

  data = g_base64_decode (clean->str, &length);
  if (length < 5 || memcmp (data, "%PDF-", 5) != 0)
    return NULL;
  return g_bytes_new_take (g_steal_pointer (&data), length);
}

/* GetOrderInfoResource, and the fields CreateOrderResponse shares with it. */
static PbRoyalMailOrder *
read_order (Walk *walk, JsonObject *object)
{
  g_autoptr (PbRoyalMailOrder) order = g_new0 (PbRoyalMailOrder, 1);
  const char *reference;
  const char *tracking;
  JsonArray *packages;
  g_autoptr (GPtrArray) numbers = g_ptr_array_new_with_free_func (g_free);

  order->order_identifier = get_int (walk, object, "orderIdentifier", TRUE);
  if (!walk->failed && order->order_identifier <= 0)
    walk_fail (walk, "orderIdentifier", _ ("is not above zero"));
  reference = get_string (walk, object, "orderReference", FALSE);
  tracking = get_string (walk, object, "trackingNumber", FALSE);
  order->manifested_on = get_time (walk, object, "manifestedOn");
  get_time (walk, object, "createdOn");
  get_time (walk, object, "printedOn");

  /* Older answers carry the tracking number only per package. */
  packages = get_array (walk, object, "packages");
  for (guint i = 0; packages != NULL && i < json_array_get_length (packages); i++)
    {
      gsize mark = enter_member (walk, "packages");
      gsize index_mark = enter_index (walk, i);
      JsonObject *package = element_object (packages, i);
      const char *number;

      if (package == NULL)
        walk_fail (walk, NULL, _ ("is not an object"));
      number = get_string (walk, package, "trackingNumber", FALSE);
      if ((tracking == NULL || *tracking == '\0') && number != NULL && *number != '\0')
        tracking = number;
      /* Each package's own, in packageNumber order (1, 2 …). */
      if (!walk->failed)
        {
          gint64 position = json_object_has_member (package, "packageNumber")
                                ? get_int (walk, package, "packageNumber", FALSE)
                                : (gint64)i + 1;

          if (!walk->failed
              && (position < 1 || position > (gint64)json_array_get_length (packages)))
            walk_fail (walk, "packageNumber", _ ("is out of range"));
          else if (!walk->failed)
            {
              if (numbers->len < (guint)position)
                g_ptr_array_set_size (numbers, (guint)position);
              g_free (g_ptr_array_index (numbers, position - 1));
              g_ptr_array_index (numbers, position - 1)
                  = number != NULL && *number != '\0' ? g_strdup (number) : NULL;
            }
        }
      leave (walk, index_mark);
      leave (walk, mark);
    }
  if (walk->failed)
    return NULL;

  order->reference = g_strdup (reference);
  order->tracking_number = tracking != NULL && *tracking != '\0' ? g_strdup (tracking) : NULL;
  /* Every package numbered and tracked, or none at all. */
  for (guint i = 0; i < numbers->len; i++)
    if (g_ptr_array_index (numbers, i) == NULL)
      g_ptr_array_set_size (numbers, 0);
  if (numbers->len > 0)
    {
      g_ptr_array_add (numbers, NULL);
      order->package_tracking = (GStrv)g_ptr_array_steal (numbers, NULL);
    }
  return g_steal_pointer (&order);
}

/* "Invalid postcode" and 1007 → "Invalid postcode (1007)". */
static void
append_reason (GString *out, const char *message, const char *code)
{
  gsize start = out->len;

  g_string_append (out, message != NULL && *message != '\0' ? message : _ ("no reason given"));
  while (out->len > start && (out->str[out->len - 1] == '.' || out->str[out->len - 1] == ' '))
    g_string_truncate (out, out->len - 1);
  if (code != NULL && *code != '\0')
    g_string_append_printf (out, " (%s)", code);
}

/* One line per error of failedOrders: "recipient.address.postcode: … (1007)". */
static void
describe_failed_order (JsonObject *failed, GString *out, gboolean *service_code)
{
  JsonArray *errors = loose_array (failed, "errors");
  guint lines = 0;

  for (guint i = 0; errors != NULL && i < json_array_get_length (errors); i++)
    {
      JsonObject *entry = element_object (errors, i);
      JsonArray *fields = loose_array (entry, "fields");
      g_autofree char *code = NULL;
      guint named = 0;
      gint64 number;

      if (entry == NULL)
        continue;
      if (loose_int (entry, "errorCode", &number))
        {
          code = g_strdup_printf ("%" G_GINT64_FORMAT, number);
          if (number == 1008)
            *service_code = TRUE;
        }
      g_string_append (out, "\n");
      for (guint f = 0; fields != NULL && f < json_array_get_length (fields); f++)
        {
          const char *name = loose_string (element_object (fields, f), "fieldName");

          if (name == NULL || *name == '\0')
            continue;
          g_string_append (out, named++ ? ", " : "");
          g_string_append (out, name);
          if (g_str_equal (name, "postageDetails.serviceCode"))
            *service_code = TRUE;
        }
      if (named > 0)
        g_string_append (out, ": ");
      append_reason (out, loose_string (entry, "errorMessage"), code);
      lines++;
    }
  if (lines == 0)
    {
      g_string_append (out, "\n");
      append_reason (out, NULL, NULL);
    }
}

static void
set_rejected (JsonArray *failed, GError **error)
{
  g_autoptr (GString) details = g_string_new (NULL);
  const char *reference = NULL;
  gboolean service_code = FALSE;

  for (guint i = 0; i < json_array_get_length (failed); i++)
    {
      JsonObject *entry = element_object (failed, i);
      JsonNode *order = member_node (entry, "order");

      if (entry == NULL)
        continue;
      if (reference == NULL && order != NULL && JSON_NODE_HOLDS_OBJECT (order))
        reference = loose_string (json_node_get_object (order), "orderReference");
      describe_failed_order (entry, details, &service_code);
    }
  if (service_code)
    g_string_append_printf (details, "\n%s",
                            _ ("The service is not enabled on the Click & Drop account: an "
                               "administrator chooses another service in the shipping rules, or "
                               "asks Royal Mail to add it to the account."));

  if (reference != NULL)
    g_set_error (error, PB_ROYALMAIL_ERROR, PB_ROYALMAIL_ERROR_REJECTED,
                 _ ("Click & Drop refused order %s and made no label:%s\nCorrect it and print "
                    "again."),
                 reference, details->str);
  else
    g_set_error (error, PB_ROYALMAIL_ERROR, PB_ROYALMAIL_ERROR_REJECTED,
                 _ ("Click & Drop refused the order and made no label:%s\nCorrect it and print "
                    "again."),
                 details->str);
}

/* The order exists now, but without its label. */
static void
set_label_error (const PbRoyalMailOrder *order, JsonArray *label_errors, GError **error)
{
  g_autoptr (GString) reasons = g_string_new (NULL);
  g_autofree char *identifier = g_strdup_printf ("%" G_GINT64_FORMAT, order->order_identifier);
  const char *reference = order->reference ? order->reference : "";
  gboolean oba = FALSE;

  for (guint i = 0; i < json_array_get_length (label_errors); i++)
    {
      JsonObject *entry = element_object (label_errors, i);
      const char *code = loose_string (entry, "code");

      if (entry == NULL)
        continue;
      if (g_strcmp0 (code, "FeatureNotAvailable") == 0)
        oba = TRUE;
      g_string_append (reasons, reasons->len ? "; " : "");
      append_reason (reasons, loose_string (entry, "message"), code);
    }
  if (reasons->len == 0)
    append_reason (reasons, NULL, NULL);

  if (oba)
    g_set_error (error, PB_ROYALMAIL_ERROR, PB_ROYALMAIL_ERROR_OBA_ONLY,
                 _ ("Click & Drop created order %s (%s) but made no label: %s. Labels through "
                    "the API need a Click & Drop Online Business Account (OBA), and the account "
                    "of this API key is not one. Ask Royal Mail to upgrade the account to an "
                    "Online Business Account, or use the API key of an OBA account; until then, "
                    "buy this label on the Click & Drop website."),
                 identifier, reference, reasons->str);
  else
    g_set_error (error, PB_ROYALMAIL_ERROR, PB_ROYALMAIL_ERROR_REJECTED,
                 _ ("Click & Drop created order %s (%s) but made no label: %s. Check the service "
                    "and the account in Click & Drop; the order can be deleted or its label "
                    "bought there."),
                 identifier, reference, reasons->str);
}

PbRoyalMailOrder *
pb_royalmail_parse_create_response (const char *data, gsize length, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (PbRoyalMailOrder) order = NULL;
  JsonArray *created, *failed, *label_errors;
  JsonObject *root, *first;
  const char *label;
  Walk walk;
  gsize mark;

  walk_init (&walk, error);
  root = load_object (parser, data, length, &walk);
  if (root == NULL)
    goto out;

  failed = get_array (&walk, root, "failedOrders");
  created = get_array (&walk, root, "createdOrders");
  if (walk.failed)
    goto out;
  if (failed != NULL && json_array_get_length (failed) > 0)
    {
      set_rejected (failed, error);
      goto out;
    }
  if (created == NULL || json_array_get_length (created) == 0)
    {
      walk_fail (&walk, "createdOrders", _ ("has no order"));
      goto out;
    }

  mark = enter_member (&walk, "createdOrders");
  enter_index (&walk, 0);
  first = element_object (created, 0);
  if (first == NULL)
    {
      walk_fail (&walk, NULL, _ ("is not an object"));
      goto out;
    }
  order = read_order (&walk, first);
  label = get_string (&walk, first, "label", FALSE);
  label_errors = get_array (&walk, first, "labelErrors");
  if (walk.failed)
    goto out;
  if (label != NULL)
    {
      order->label = pb_royalmail_decode_pdf (label);
      if (order->label == NULL)
        {
          walk_fail (&walk, "label", _ ("is not a PDF in base64"));
          goto out;
        }
    }
  else if (label_errors != NULL && json_array_get_length (label_errors) > 0)
    {
      set_label_error (order, label_errors, error);
      g_clear_pointer (&order, pb_royalmail_order_free);
    }
  leave (&walk, mark);

out:
  walk_clear (&walk);
  return walk.failed ? NULL : g_steal_pointer (&order);
}

GPtrArray *
pb_royalmail_parse_orders (const char *data, gsize length, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GPtrArray) orders = NULL;
  JsonArray *array;
  JsonNode *node;
  Walk walk;

  walk_init (&walk, error);
  node = load (parser, data, length, &walk);
  if (node != NULL && !JSON_NODE_HOLDS_ARRAY (node))
    walk_fail (&walk, NULL, _ ("is not a list of orders"));
  if (walk.failed)
    {
      walk_clear (&walk);
      return NULL;
    }

  array = json_node_get_array (node);
  orders = g_ptr_array_new_with_free_func ((GDestroyNotify)pb_royalmail_order_free);
  for (guint i = 0; i < json_array_get_length (array) && !walk.failed; i++)
    {
      JsonObject *object = element_object (array, i);
      gsize mark = enter_index (&walk, i);
      PbRoyalMailOrder *order;

      if (object == NULL)
        walk_fail (&walk, NULL, _ ("is not an object"));
      else if ((order = read_order (&walk, object)) != NULL)
        g_ptr_array_add (orders, order);
      leave (&walk, mark);
    }
  walk_clear (&walk);
  return walk.failed ? NULL : g_steal_pointer (&orders);
}

gboolean
pb_royalmail_parse_manifest (const char *data, gsize length, gint64 *manifest_number,
                             PbRoyalMailManifestStatus *status, GBytes **pdf, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GBytes) document = NULL;
  PbRoyalMailManifestStatus state = PB_ROYALMAIL_MANIFEST_IN_PROGRESS;
  const char *status_text, *base64;
  gint64 number;
  JsonObject *root;
  Walk walk;

  walk_init (&walk, error);
  root = load_object (parser, data, length, &walk);
  if (root == NULL)
    goto out;

  number = get_whole_number (&walk, root, "manifestNumber");
  status_text = get_string (&walk, root, "status", FALSE);
  base64 = get_string (&walk, root, "documentPdf", FALSE);
  if (walk.failed)
    goto out;

  if (status_text == NULL)
    state = base64 != NULL ? PB_ROYALMAIL_MANIFEST_COMPLETED : PB_ROYALMAIL_MANIFEST_IN_PROGRESS;
  else if (g_str_equal (status_text, "In Progress"))
    state = PB_ROYALMAIL_MANIFEST_IN_PROGRESS;
  else if (g_str_equal (status_text, "Completed"))
    state = PB_ROYALMAIL_MANIFEST_COMPLETED;
  else if (g_str_equal (status_text, "Failed"))
    state = PB_ROYALMAIL_MANIFEST_FAILED;
  else
    {
      walk_fail (&walk, "status", _ ("is none of In Progress, Completed and Failed"));
      goto out;
    }

  if (state == PB_ROYALMAIL_MANIFEST_COMPLETED)
    {
      if (base64 == NULL)
        {
          walk_fail (&walk, "documentPdf", _ ("is missing"));
          goto out;
        }
      document = pb_royalmail_decode_pdf (base64);
      if (document == NULL)
        {
          walk_fail (&walk, "documentPdf", _ ("is not a PDF in base64"));
          goto out;
        }
    }

  *manifest_number = number;
  *status = state;
  if (pdf != NULL)
    *pdf = g_steal_pointer (&document);

out:
  walk_clear (&walk);
  return !walk.failed;
}

/* One error of an order list: "1000123 “REF”: Order not found (NotFound)". */
static void
describe_order_error (JsonObject *entry, GString *out)
{
  const char *reference = loose_string (entry, "channelOrderReference");
  gint64 identifier = 0;

  if (reference == NULL)
    reference = loose_string (entry, "orderReference");
  if (!loose_int (entry, "accountOrderNumber", &identifier))
    loose_int (entry, "orderIdentifier", &identifier);

  if (identifier != 0)
    g_string_append_printf (out, "%" G_GINT64_FORMAT, identifier);
  if (reference != NULL)
    g_string_append_printf (out, "%s“%s”", identifier != 0 ? " " : "", reference);
  if (identifier != 0 || reference != NULL)
    g_string_append (out, ": ");
  append_reason (out, loose_string (entry, "message"), loose_string (entry, "code"));
}

gboolean
pb_royalmail_parse_delete_response (const char *data, gsize length, gint64 order_identifier,
                                    GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GString) reasons = g_string_new (NULL);
  g_autofree char *identifier = g_strdup_printf ("%" G_GINT64_FORMAT, order_identifier);
  JsonArray *deleted, *errors;
  gboolean found = FALSE;
  JsonObject *root;
  Walk walk;

  walk_init (&walk, error);
  root = load_object (parser, data, length, &walk);
  if (root == NULL)
    goto out;

  deleted = get_array (&walk, root, "deletedOrders");
  errors = get_array (&walk, root, "errors");
  for (guint i = 0; deleted != NULL && i < json_array_get_length (deleted) && !walk.failed; i++)
    {
      gsize mark = enter_member (&walk, "deletedOrders");
      gsize index_mark = enter_index (&walk, i);
      JsonObject *entry = element_object (deleted, i);

      if (entry == NULL)
        walk_fail (&walk, NULL, _ ("is not an object"));
      else if (get_int (&walk, entry, "orderIdentifier", TRUE) == order_identifier)
        found = TRUE;
      leave (&walk, index_mark);
      leave (&walk, mark);
    }
  if (walk.failed || found)
    goto out;

  for (guint i = 0; errors != NULL && i < json_array_get_length (errors); i++)
    {
      JsonObject *entry = element_object (errors, i);

      if (entry == NULL)
        continue;
      g_string_append (reasons, reasons->len ? "; " : "");
      describe_order_error (entry, reasons);
    }
  if (reasons->len > 0)
    g_set_error (error, PB_ROYALMAIL_ERROR, PB_ROYALMAIL_ERROR_REJECTED,
                 _ ("Click & Drop did not delete order %s, so its label is still valid: %s."),
                 identifier, reasons->str);
  else
    walk_fail (&walk, "deletedOrders", _ ("does not list the order"));

out:
  walk_clear (&walk);
  return !walk.failed && found;
}

char *
pb_royalmail_parse_errors (const char *data, gsize length)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GString) out = g_string_new (NULL);
  JsonArray *list = NULL;
  JsonNode *root;

  if (data == NULL || length == 0 || length > G_MAXSSIZE
      || !json_parser_load_from_data (parser, data, (gssize)length, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL)
    return NULL;

  if (JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonObject *object = json_node_get_object (root);
      const char *message = loose_string (object, "message");
      const char *details = loose_string (object, "details");

      /* ManifestErrorsResponse */
      list = loose_array (object, "errors");
      for (guint i = 0; list != NULL && i < json_array_get_length (list); i++)
        {
          JsonObject *entry = element_object (list, i);
          const char *text;

          if (entry == NULL)
            continue;
          text = loose_string (entry, "description");
          g_string_append (out, out->len ? "; " : "");
          append_reason (out, text ? text : loose_string (entry, "message"),
                         loose_string (entry, "code"));
        }
      /* ErrorResponse */
      if (out->len == 0 && message != NULL)
        {
          append_reason (out, message, loose_string (object, "code"));
          if (details != NULL && *details != '\0')
            g_string_append_printf (out, ": %s", details);
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (root))
    {
      /* [OrderErrorResponse] and [OrderErrorInfo] */
      list = json_node_get_array (root);
      for (guint i = 0; i < json_array_get_length (list); i++)
        {
          JsonObject *entry = element_object (list, i);

          if (entry == NULL)
            continue;
          g_string_append (out, out->len ? "; " : "");
          describe_order_error (entry, out);
        }
    }
  return out->len > 0 ? g_string_free (g_steal_pointer (&out), FALSE) : NULL;
}
