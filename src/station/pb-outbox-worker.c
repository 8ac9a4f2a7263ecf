/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "pb-outbox-worker.h"
#include "store/pb-audit.h"
#include "store/pb-orders.h"
#include "store/pb-outbox.h"
#include "store/pb-parcels.h"
#include "util/pb-clock.h"
#include "util/pb-fault.h"

/* Backoff for failed rows: 1, 2, 4 … minutes, at most an hour. */
static gint64
retry_delay (gint attempts)
{
  return MIN ((gint64)60 << MIN (MAX (attempts - 1, 0), 6), 3600);
}

/* One confirmShipment payload: the package's number, tracking number and
 * items (PbParcelItem). No PII. */
static char *
confirmation_payload (const char *order_id, guint package, const char *tracking_number,
                      const char *shipping_method, gint64 now, GArray *items)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *reference = g_strdup_printf ("%u", package);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "order_id");
  json_builder_add_string_value (builder, order_id);
  json_builder_set_member_name (builder, "package_reference_id");
  json_builder_add_string_value (builder, reference);
  json_builder_set_member_name (builder, "tracking_number");
  json_builder_add_string_value (builder, tracking_number);
  if (shipping_method != NULL)
    {
      json_builder_set_member_name (builder, "shipping_method");
      json_builder_add_string_value (builder, shipping_method);
    }
  json_builder_set_member_name (builder, "ship_date");
  json_builder_add_int_value (builder, now);
  json_builder_set_member_name (builder, "items");
  pb_parcel_items_to_json (items, builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static gboolean
check_tracking_number (const char *tracking_number, GError **error)
{
  if (tracking_number != NULL && *tracking_number != '\0' && strlen (tracking_number) <= 64)
    return TRUE;
  g_set_error_literal (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID,
                       _ ("A tracking number is needed (at most 64 characters)."));
  return FALSE;
}

gboolean
pb_outbox_queue_confirmations (PbStore *store, const char *order_id, GPtrArray *parcels,
                               const char *tracking_number, const char *shipping_method,
                               const char *operator_name, GArray *outbox_ids, GError **error)
{
  g_autoptr (PbOrderData) order = NULL;
  g_autoptr (GPtrArray) packages = g_ptr_array_new_with_free_func ((GDestroyNotify)pb_parcel_free);
  g_autofree char *state = NULL;
  g_autofree char *existing = NULL;
  g_autofree char *detail = NULL;
  gint64 now = pb_clock_now_unix ();

  if (!pb_orders_get_local (store, order_id, &state, NULL, &existing, NULL, error))
    return FALSE;
  if (g_str_equal (state, PB_ORDER_STATE_CANCELLED))
    {
      g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID,
                   _ ("Order %s was cancelled: do not send it."), order_id);
      return FALSE;
    }
  if (existing != NULL && g_strcmp0 (existing, tracking_number) != 0)
    {
      g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID,
                   _ ("Order %s was already shipped with tracking number %s."), order_id, existing);
      return FALSE;
    }
  if (!check_tracking_number (tracking_number, error))
    return FALSE;

  order = pb_orders_get (store, order_id, error);
  if (order == NULL)
    return FALSE;

  /* One package with every unit still to send, unless the order goes as
   * several parcels: then one confirmation each, numbered as the parcels. */
  if (parcels == NULL || parcels->len == 0)
    {
      PbParcel *whole = pb_parcel_new (1, 0);

      whole->tracking_number = g_strdup (tracking_number);
      for (guint i = 0; i < order->items->len; i++)
        {
          PbOrderItemData *item = g_ptr_array_index (order->items, i);

          if (item->quantity > item->quantity_shipped)
            pb_parcel_add_item (whole, item->item_id, item->quantity - item->quantity_shipped);
        }
      g_ptr_array_add (packages, whole);
      parcels = packages;
    }
  for (guint i = 0; i < parcels->len; i++)
    if (!check_tracking_number (((PbParcel *)g_ptr_array_index (parcels, i))->tracking_number,
                                error))
      return FALSE;

  if (!pb_store_begin (store, error))
    return FALSE;
  if (!pb_orders_set_shipped (store, order_id, tracking_number, operator_name, now, error))
    goto fail;
  for (guint i = 0; i < parcels->len; i++)
    {
      const PbParcel *parcel = g_ptr_array_index (parcels, i);
      g_autofree char *payload = confirmation_payload (
          order_id, parcel->number, parcel->tracking_number, shipping_method, now, parcel->items);
      g_autofree char *dedupe = g_strdup_printf ("%s:%s:%s", PB_OUTBOX_KIND_CONFIRM_SHIPMENT,
                                                 order_id, parcel->tracking_number);
      gint64 id = 0;

      if (!pb_outbox_enqueue (store, PB_OUTBOX_KIND_CONFIRM_SHIPMENT, order_id, dedupe, payload,
                              operator_name, now, &id, error))
        goto fail;
      if (outbox_ids != NULL)
        g_array_append_val (outbox_ids, id);
    }
  detail = parcels->len > 1 ? g_strdup_printf ("parcels=%u", parcels->len) : NULL;
  if (!pb_audit_append (store, operator_name, "order.shipped", order_id, "ok", detail, error)
      || !pb_store_commit (store, error))
    goto fail;
  pb_fault_point ("outbox.after-enqueue");
  return TRUE;

fail:
  pb_store_rollback (store);
  if (outbox_ids != NULL)
    g_array_set_size (outbox_ids, 0);
  return FALSE;
}

gboolean
pb_outbox_queue_confirmation (PbStore *store, const char *order_id, const char *tracking_number,
                              const char *shipping_method, const char *operator_name,
                              gint64 *outbox_id, GError **error)
{
  g_autoptr (GArray) ids = g_array_new (FALSE, TRUE, sizeof (gint64));

  if (!pb_outbox_queue_confirmations (store, order_id, NULL, tracking_number, shipping_method,
                                      operator_name, ids, error))
    return FALSE;
  if (outbox_id != NULL)
    *outbox_id = g_array_index (ids, gint64, 0);
  return TRUE;
}

typedef struct
{
  char *order_id;
  char *package_reference_id;
  char *tracking_number;
  char *shipping_method;
  gint64 ship_date;
  GArray *items; /* PbAmazonConfirmItem, strings owned by @item_ids */
  GPtrArray *item_ids;
} Confirmation;

static void
confirmation_clear (Confirmation *c)
{
  g_free (c->order_id);
  g_free (c->package_reference_id);
  g_free (c->tracking_number);
  g_free (c->shipping_method);
  g_clear_pointer (&c->items, g_array_unref);
  g_clear_pointer (&c->item_ids, g_ptr_array_unref);
}

static gboolean
parse_confirmation (const char *payload, Confirmation *c, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *object;
  JsonArray *items;

  c->items = g_array_new (FALSE, TRUE, sizeof (PbAmazonConfirmItem));
  c->item_ids = g_ptr_array_new_with_free_func (g_free);
  if (!json_parser_load_from_data (parser, payload, -1, error))
    return FALSE;
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error_literal (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID,
                           _ ("The outbox item is incomplete."));
      return FALSE;
    }
  object = json_node_get_object (json_parser_get_root (parser));
  c->order_id = g_strdup (json_object_get_string_member_with_default (object, "order_id", NULL));
  c->package_reference_id
      = g_strdup (json_object_get_string_member_with_default (object, "package_reference_id", "1"));
  c->tracking_number
      = g_strdup (json_object_get_string_member_with_default (object, "tracking_number", NULL));
  c->shipping_method
      = g_strdup (json_object_get_string_member_with_default (object, "shipping_method", NULL));
  c->ship_date = json_object_get_int_member_with_default (object, "ship_date", 0);
  /* A payload without items (or with odd ones) is refused below, not a
   * json-glib critical. */
  items = json_object_has_member (object, "items")
                  && JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "items"))
              ? json_object_get_array_member (object, "items")
              : NULL;
  for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
    {
      JsonObject *item;
      char *id;

      if (!JSON_NODE_HOLDS_OBJECT (json_array_get_element (items, i)))
        continue;
      item = json_array_get_object_element (items, i);
      id = g_strdup (json_object_get_string_member_with_default (item, "order_item_id", ""));
      PbAmazonConfirmItem entry
          = { id, (gint)json_object_get_int_member_with_default (item, "quantity", 0) };

      g_ptr_array_add (c->item_ids, id);
      g_array_append_val (c->items, entry);
    }
  if (c->order_id == NULL || c->tracking_number == NULL || c->items->len == 0)
    {
      g_set_error_literal (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID,
                           _ ("The outbox item is incomplete."));
      return FALSE;
    }
  return TRUE;
}

/* Whether Amazon has the package of @c already: 1 yes, 0 no, -1 unknown
 * (the look-up failed; @error says why). */
static int
check_confirmed (PbAmazonClient *amazon, const Confirmation *c, GCancellable *cancellable,
                 GError **error)
{
  g_autoptr (PbOrderData) order
      = pb_amazon_client_get_order (amazon, c->order_id, cancellable, error);

  if (order == NULL)
    return -1;
  return order->package_tracking != NULL
         && g_strv_contains ((const char *const *)order->package_tracking, c->tracking_number);
}

static gboolean
send_confirmation (PbStore *store, PbAmazonClient *amazon, PbOutboxItem *item,
                   GCancellable *cancellable, GError **error)
{
  Confirmation c = { 0 };
  gboolean ok;
  int confirmed = 0;

  if (!parse_confirmation (item->payload, &c, error))
    {
      confirmation_clear (&c);
      return FALSE;
    }

  /* After a crash mid-send, or an attempt whose answer was lost (a reset
   * or a timeout once the request was out, a 5xx), the confirmation may
   * have reached Amazon: look before sending it again. When the look-up
   * fails too, so does this attempt, and the row waits: never a blind
   * second send. */
  if (item->last_error != NULL)
    confirmed = check_confirmed (amazon, &c, cancellable, error);

  if (confirmed != 0)
    ok = confirmed > 0;
  else
    {
      PbAmazonConfirmation confirmation = {
        .order_id = c.order_id,
        .package_reference_id = c.package_reference_id,
        .tracking_number = c.tracking_number,
        .shipping_method = c.shipping_method,
        .ship_date = c.ship_date,
        .items = (const PbAmazonConfirmItem *)c.items->data,
        .n_items = c.items->len,
      };
      ok = pb_amazon_client_confirm_shipment (amazon, &confirmation, cancellable, error);
      if (ok)
        pb_fault_point ("outbox.after-send");
    }
  confirmation_clear (&c);
  return ok;
}

static gboolean
is_permanent (const GError *error)
{
  return g_error_matches (error, PB_AMAZON_ERROR, PB_AMAZON_ERROR_REJECTED)
         || g_error_matches (error, PB_AMAZON_ERROR, PB_AMAZON_ERROR_NOT_FOUND)
         || g_error_matches (error, PB_AMAZON_ERROR, PB_AMAZON_ERROR_AUTH)
         || g_error_matches (error, PB_AMAZON_ERROR, PB_AMAZON_ERROR_NOT_CONFIGURED)
         || g_error_matches (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID)
         || error->domain == JSON_PARSER_ERROR;
}

static gboolean
process (PbStore *store, PbAmazonClient *amazon, PbOutboxItem *item, PbOutboxRun *run,
         GCancellable *cancellable, GError **error)
{
  g_autoptr (GError) send_error = NULL;
  gint64 now;
  gboolean sent;

  if (g_str_equal (item->kind, PB_OUTBOX_KIND_CONFIRM_SHIPMENT))
    sent = send_confirmation (store, amazon, item, cancellable, &send_error);
  else
    {
      sent = FALSE;
      g_set_error (&send_error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID,
                   _ ("This version of Packbench does not know outbox items of kind %s."),
                   item->kind);
    }

  now = pb_clock_now_unix ();
  if (sent)
    {
      run->done++;
      return pb_outbox_complete (store, item->id, now, error)
             && pb_audit_append (store, item->created_by, "amazon.confirmed", item->order_id, "ok",
                                 NULL, error);
    }

  if (g_error_matches (send_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Not an attempt that failed: put it back as it was. */
      pb_outbox_fail (store, item->id, "interrupted: cancelled", FALSE, now, now, NULL);
      g_propagate_error (error, g_steal_pointer (&send_error));
      return FALSE;
    }

  if (is_permanent (send_error) || item->attempts >= PB_OUTBOX_MAX_ATTEMPTS)
    run->attention++;
  else
    run->failed++;
  return pb_outbox_fail (store, item->id, send_error->message, is_permanent (send_error),
                         now + retry_delay (item->attempts), now, error)
         && pb_audit_append (store, item->created_by, "amazon.confirm_failed", item->order_id,
                             "failed", NULL, error);
}

gboolean
pb_outbox_run (PbStore *store, PbAmazonClient *amazon, gint64 only_id, PbOutboxRun *run,
               GCancellable *cancellable, GError **error)
{
  PbOutboxRun local = { 0 };

  if (run == NULL)
    run = &local;
  memset (run, 0, sizeof *run);

  for (;;)
    {
      g_autoptr (PbOutboxItem) item = NULL;
      g_autoptr (GError) local_error = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      item = pb_outbox_claim (store, pb_clock_now_unix (), only_id, PB_OUTBOX_KIND_CONFIRM_SHIPMENT,
                              &local_error);
      if (item == NULL)
        {
          if (local_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          return TRUE;
        }
      if (!process (store, amazon, item, run, cancellable, error))
        return FALSE;
      if (only_id != 0)
        return TRUE;
    }
}
