/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "pb-pack.h"
#include "pb-scan.h"
#include "store/pb-audit.h"
#include "store/pb-catalogue.h"
#include "store/pb-orders.h"
#include "util/pb-clock.h"

G_DEFINE_QUARK (pb - pack - error - quark, pb_pack_error)

typedef struct
{
  PbPackLine pub;
  /* The catalogue product found for the line (its SKU or ASIN may differ
   * from the item's). */
  char *product_sku;
  char *product_asin;
} Line;

static void
line_free (Line *line)
{
  g_free (line->pub.item_id);
  g_free (line->pub.sku);
  g_free (line->pub.asin);
  g_free (line->pub.title);
  g_strfreev (line->pub.barcodes);
  g_free (line->product_sku);
  g_free (line->product_asin);
  g_free (line);
}

struct _PbPackSession
{
  GObject parent_instance;

  PbStore *store;
  char *order_id;
  char *operator_name;

  GPtrArray *lines; /* Line */
  guint verified_units;
  guint total_units;
  guint mis_scans;
  gint64 started_at;
  gint64 completed_at;
};

static void pb_pack_session_initable_iface_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PbPackSession, pb_pack_session, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                                                      pb_pack_session_initable_iface_init))

enum
{
  PROP_0,
  PROP_STORE,
  PROP_ORDER_ID,
  PROP_OPERATOR,
  PROP_VERIFIED_UNITS,
  PROP_TOTAL_UNITS,
  PROP_MIS_SCANS,
  PROP_COMPLETE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_LINE_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
refuse (GError **error, PbPackError code, const char *message)
{
  g_set_error_literal (error, PB_PACK_ERROR, code, message);
  return FALSE;
}

static gboolean
check_state (const char *state, GError **error)
{
  if (g_strcmp0 (state, PB_ORDER_STATE_UNSHIPPED) == 0)
    return TRUE;
  if (g_strcmp0 (state, PB_ORDER_STATE_CANCELLED) == 0)
    return refuse (error, PB_PACK_ERROR_NOT_PACKABLE,
                   _ ("This order was cancelled. Do not send it: put the items back."));
  if (g_strcmp0 (state, PB_ORDER_STATE_PENDING) == 0)
    return refuse (error, PB_PACK_ERROR_NOT_PACKABLE,
                   _ ("Amazon has not released this order for shipping yet."));
  if (g_strcmp0 (state, PB_ORDER_STATE_LABELLED) == 0)
    return refuse (error, PB_PACK_ERROR_NOT_PACKABLE,
                   _ ("This order already has a label. Reprint it instead of packing the order "
                      "again."));
  if (g_strcmp0 (state, PB_ORDER_STATE_SHIPPED) == 0)
    return refuse (error, PB_PACK_ERROR_NOT_PACKABLE, _ ("This order has already been sent."));
  return refuse (error, PB_PACK_ERROR_NOT_PACKABLE,
                 _ ("Amazon says this order cannot be fulfilled: do not pack it."));
}

/* Reads the order's state, telling a missing order from a failing store. */
static gboolean
read_state (PbStore *store, const char *order_id, char **state, GError **error)
{
  g_autoptr (GError) local_error = NULL;

  if (pb_orders_get_local (store, order_id, state, NULL, NULL, NULL, &local_error))
    return TRUE;
  if (g_error_matches (local_error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID))
    {
      g_set_error (error, PB_PACK_ERROR, PB_PACK_ERROR_NO_ORDER,
                   _ ("There is no order %s in this store. Run a sync first."), order_id);
      return FALSE;
    }
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

static gboolean
load_lines (PbPackSession *self, GError **error)
{
  g_autoptr (GPtrArray) items = pb_orders_list_items (self->store, self->order_id, error);

  if (items == NULL)
    return FALSE;
  for (guint i = 0; i < items->len; i++)
    {
      PbOrderItemData *item = g_ptr_array_index (items, i);
      g_autoptr (PbProduct) product = NULL;
      g_autoptr (GError) local_error = NULL;
      Line *line;

      if (item->quantity <= item->quantity_shipped)
        continue;
      /* As pb-ship.c finds it: by SKU, then by ASIN. */
      product = pb_catalogue_find_item (self->store, item->sku, item->asin, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }

      line = g_new0 (Line, 1);
      line->pub.item_id = g_strdup (item->item_id);
      line->pub.sku = g_strdup (item->sku);
      line->pub.asin = g_strdup (item->asin);
      line->pub.title = g_strdup (item->title);
      line->pub.quantity = (guint)(item->quantity - item->quantity_shipped);
      if (product != NULL)
        {
          line->product_sku = g_strdup (product->sku);
          line->product_asin = g_strdup (product->asin);
          line->pub.barcodes = g_strdupv (product->barcodes);
        }
      else
        line->pub.barcodes = g_new0 (char *, 1);
      self->total_units += line->pub.quantity;
      g_ptr_array_add (self->lines, line);
    }
  return TRUE;
}

static gboolean
pb_pack_session_initable_init (GInitable *initable, GCancellable *cancellable, GError **error)
{
  PbPackSession *self = PB_PACK_SESSION (initable);
  g_autofree char *state = NULL;
  gboolean cancel_requested = FALSE;

  if (self->store == NULL || self->order_id == NULL)
    return refuse (error, PB_PACK_ERROR_NO_ORDER, _ ("No order was given to pack."));
  if (!read_state (self->store, self->order_id, &state, error) || !check_state (state, error)
      || !pb_orders_get_cancel_requested (self->store, self->order_id, &cancel_requested, error))
    return FALSE;
  if (cancel_requested)
    return refuse (error, PB_PACK_ERROR_CANCEL_REQUESTED,
                   _ ("The buyer has asked Amazon to cancel this order. Do not send it: put the "
                      "items back, check the request in Seller Central and cancel the order "
                      "there."));
  if (!load_lines (self, error))
    return FALSE;
  if (self->total_units == 0)
    return refuse (error, PB_PACK_ERROR_NOT_PACKABLE,
                   _ ("Every item of this order has already been sent: there is nothing to "
                      "pack."));
  return TRUE;
}

static void
pb_pack_session_initable_iface_init (GInitableIface *iface)
{
  iface->init = pb_pack_session_initable_init;
}

static void
pb_pack_session_dispose (GObject *object)
{
  PbPackSession *self = PB_PACK_SESSION (object);

  g_clear_object (&self->store);

  G_OBJECT_CLASS (pb_pack_session_parent_class)->dispose (object);
}

static void
pb_pack_session_finalize (GObject *object)
{
  PbPackSession *self = PB_PACK_SESSION (object);

  g_clear_pointer (&self->order_id, g_free);
  g_clear_pointer (&self->operator_name, g_free);
  g_clear_pointer (&self->lines, g_ptr_array_unref);

  G_OBJECT_CLASS (pb_pack_session_parent_class)->finalize (object);
}

static void
pb_pack_session_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PbPackSession *self = PB_PACK_SESSION (object);

  switch (prop_id)
    {
      case PROP_STORE:
        g_value_set_object (value, self->store);
        break;
      case PROP_ORDER_ID:
        g_value_set_string (value, self->order_id);
        break;
      case PROP_OPERATOR:
        g_value_set_string (value, self->operator_name);
        break;
      case PROP_VERIFIED_UNITS:
        g_value_set_uint (value, self->verified_units);
        break;
      case PROP_TOTAL_UNITS:
        g_value_set_uint (value, self->total_units);
        break;
      case PROP_MIS_SCANS:
        g_value_set_uint (value, self->mis_scans);
        break;
      case PROP_COMPLETE:
        g_value_set_boolean (value, pb_pack_session_get_complete (self));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_pack_session_set_property (GObject *object, guint prop_id, const GValue *value,
                              GParamSpec *pspec)
{
  PbPackSession *self = PB_PACK_SESSION (object);

  switch (prop_id)
    {
      case PROP_STORE:
        self->store = g_value_dup_object (value);
        break;
      case PROP_ORDER_ID:
        {
          const char *id = g_value_get_string (value);
          g_autofree char *canonical = NULL;

          /* The 17 digits of a scanned order id become the dashed form. */
          if (id != NULL && pb_scan_classify (id, &canonical) == PB_SCAN_KIND_AMAZON_ORDER_ID)
            self->order_id = g_steal_pointer (&canonical);
          else
            self->order_id = g_strdup (id);
        }
        break;
      case PROP_OPERATOR:
        pb_pack_session_set_operator (self, g_value_get_string (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_pack_session_class_init (PbPackSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pb_pack_session_dispose;
  object_class->finalize = pb_pack_session_finalize;
  object_class->get_property = pb_pack_session_get_property;
  object_class->set_property = pb_pack_session_set_property;

  properties[PROP_STORE]
      = g_param_spec_object ("store", NULL, NULL, PB_TYPE_STORE,
                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ORDER_ID]
      = g_param_spec_string ("order-id", NULL, NULL, NULL,
                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_OPERATOR]
      = g_param_spec_string ("operator", NULL, NULL, NULL,
                             G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_VERIFIED_UNITS]
      = g_param_spec_uint ("verified-units", NULL, NULL, 0, G_MAXUINT, 0,
                           G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TOTAL_UNITS]
      = g_param_spec_uint ("total-units", NULL, NULL, 0, G_MAXUINT, 0,
                           G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MIS_SCANS]
      = g_param_spec_uint ("mis-scans", NULL, NULL, 0, G_MAXUINT, 0,
                           G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_COMPLETE]
      = g_param_spec_boolean ("complete", NULL, NULL, FALSE,
                              G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * PbPackSession::line-changed:
   * @self: the session
   * @position: the line whose verified count changed
   */
  signals[SIGNAL_LINE_CHANGED]
      = g_signal_new ("line-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
pb_pack_session_init (PbPackSession *self)
{
  self->lines = g_ptr_array_new_with_free_func ((GDestroyNotify)line_free);
}

/**
 * pb_pack_session_new:
 * @store: the bench's store
 * @order_id: the order to pack
 * @error: why it cannot be packed
 *
 * Returns: (transfer full) (nullable): the session.
 */
PbPackSession *
pb_pack_session_new (PbStore *store, const char *order_id, GError **error)
{
  g_return_val_if_fail (PB_IS_STORE (store), NULL);
  g_return_val_if_fail (order_id != NULL, NULL);

  return g_initable_new (PB_TYPE_PACK_SESSION, NULL, error, "store", store, "order-id", order_id,
                         NULL);
}

const char *
pb_pack_session_get_order_id (PbPackSession *self)
{
  g_return_val_if_fail (PB_IS_PACK_SESSION (self), NULL);
  return self->order_id;
}

const char *
pb_pack_session_get_operator (PbPackSession *self)
{
  g_return_val_if_fail (PB_IS_PACK_SESSION (self), NULL);
  return self->operator_name;
}

void
pb_pack_session_set_operator (PbPackSession *self, const char *operator_name)
{
  g_return_if_fail (PB_IS_PACK_SESSION (self));

  if (g_strcmp0 (self->operator_name, operator_name) == 0)
    return;
  g_free (self->operator_name);
  self->operator_name = g_strdup (operator_name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OPERATOR]);
}

guint
pb_pack_session_get_verified_units (PbPackSession *self)
{
  g_return_val_if_fail (PB_IS_PACK_SESSION (self), 0);
  return self->verified_units;
}

guint
pb_pack_session_get_total_units (PbPackSession *self)
{
  g_return_val_if_fail (PB_IS_PACK_SESSION (self), 0);
  return self->total_units;
}

guint
pb_pack_session_get_mis_scans (PbPackSession *self)
{
  g_return_val_if_fail (PB_IS_PACK_SESSION (self), 0);
  return self->mis_scans;
}

gboolean
pb_pack_session_get_complete (PbPackSession *self)
{
  g_return_val_if_fail (PB_IS_PACK_SESSION (self), FALSE);
  return self->total_units > 0 && self->verified_units == self->total_units;
}

gint64
pb_pack_session_get_started_at (PbPackSession *self)
{
  g_return_val_if_fail (PB_IS_PACK_SESSION (self), 0);
  return self->started_at;
}

gint64
pb_pack_session_get_completed_at (PbPackSession *self)
{
  g_return_val_if_fail (PB_IS_PACK_SESSION (self), 0);
  return self->completed_at;
}

guint
pb_pack_session_get_n_lines (PbPackSession *self)
{
  g_return_val_if_fail (PB_IS_PACK_SESSION (self), 0);
  return self->lines->len;
}

const PbPackLine *
pb_pack_session_get_line (PbPackSession *self, guint position)
{
  g_return_val_if_fail (PB_IS_PACK_SESSION (self), NULL);
  g_return_val_if_fail (position < self->lines->len, NULL);
  return &((Line *)g_ptr_array_index (self->lines, position))->pub;
}

/* @code as scanned, then with the US/UK swap undone either way: a scanner
 * programmed for the other layout still finds its items. */
static GPtrArray *
layout_variants (const char *code)
{
  GPtrArray *variants = g_ptr_array_new_with_free_func (g_free);
  const PbScanLayout layouts[]
      = { PB_SCAN_LAYOUT_AS_TYPED, PB_SCAN_LAYOUT_US_ON_UK, PB_SCAN_LAYOUT_UK_ON_US };

  for (guint i = 0; i < G_N_ELEMENTS (layouts); i++)
    {
      g_autofree char *variant = pb_scan_normalize_layout (code, layouts[i]);
      gboolean seen = FALSE;

      for (guint j = 0; j < variants->len && !seen; j++)
        seen = g_str_equal (g_ptr_array_index (variants, j), variant);
      if (!seen)
        g_ptr_array_add (variants, g_steal_pointer (&variant));
    }
  return variants;
}

static gboolean
line_matches (const Line *line, const char *const *candidates)
{
  for (guint i = 0; candidates[i]; i++)
    {
      const char *code = candidates[i];

      if (g_strcmp0 (code, line->pub.sku) == 0 || g_strcmp0 (code, line->pub.asin) == 0
          || g_strcmp0 (code, line->product_sku) == 0 || g_strcmp0 (code, line->product_asin) == 0
          || g_strv_contains ((const char *const *)line->pub.barcodes, code))
        return TRUE;
    }
  return FALSE;
}

/* The line to tick for @code: its position, or -1 when every matching line
 * is full. FALSE when no line matches at all. */
static gboolean
find_line (PbPackSession *self, const char *code, gint *target)
{
  g_autoptr (GPtrArray) variants = layout_variants (code);

  *target = -1;
  for (guint v = 0; v < variants->len; v++)
    {
      g_auto (GStrv) candidates = pb_scan_candidates (g_ptr_array_index (variants, v));
      gboolean matched = FALSE;

      for (guint i = 0; i < self->lines->len; i++)
        {
          Line *line = g_ptr_array_index (self->lines, i);

          if (!line_matches (line, (const char *const *)candidates))
            continue;
          matched = TRUE;
          if (line->pub.verified < line->pub.quantity)
            {
              *target = (gint)i;
              return TRUE;
            }
        }
      if (matched)
        return TRUE;
    }
  return FALSE;
}

static const char *
result_to_string (PbPackScanResult result)
{
  return result == PB_PACK_SCAN_TOO_MANY ? "too_many" : "wrong_item";
}

static PbPackScanResult
record_mis_scan (PbPackSession *self, PbPackScanResult result, PbScanKind kind, gint64 now,
                 GError **error)
{
  g_autofree char *detail
      = g_strdup_printf ("%s %s", result_to_string (result), pb_scan_kind_to_string (kind));

  if (self->started_at == 0)
    {
      if (!pb_orders_set_pack_times (self->store, self->order_id, now, 0, self->operator_name,
                                     error))
        return PB_PACK_SCAN_FAILED;
      self->started_at = now;
    }
  if (!pb_audit_append (self->store, self->operator_name, "pack.mis_scan", self->order_id, "failed",
                        detail, error))
    return PB_PACK_SCAN_FAILED;

  self->mis_scans++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MIS_SCANS]);
  return result;
}

static PbPackScanResult
tick (PbPackSession *self, guint position, gint64 now, GError **error)
{
  Line *line = g_ptr_array_index (self->lines, position);
  gboolean completes = self->verified_units + 1 == self->total_units;
  gint64 started = self->started_at != 0 ? self->started_at : now;

  /* Stored first, so a failing store leaves the session as it was. */
  if ((self->started_at == 0 || completes)
      && !pb_orders_set_pack_times (self->store, self->order_id, started, completes ? now : 0,
                                    self->operator_name, error))
    return PB_PACK_SCAN_FAILED;

  self->started_at = started;
  line->pub.verified++;
  self->verified_units++;
  g_signal_emit (self, signals[SIGNAL_LINE_CHANGED], 0, position);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VERIFIED_UNITS]);
  if (!completes)
    return PB_PACK_SCAN_VERIFIED;

  self->completed_at = now;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPLETE]);
  return PB_PACK_SCAN_COMPLETE;
}

/**
 * pb_pack_session_scan:
 * @self: a session
 * @code: a cleaned scan
 * @error: set when the store cannot be written
 *
 * Returns: what the scan did.
 */
PbPackScanResult
pb_pack_session_scan (PbPackSession *self, const char *code, GError **error)
{
  g_autofree char *trimmed = NULL;
  PbScanKind kind;
  gint target;
  gint64 now;

  g_return_val_if_fail (PB_IS_PACK_SESSION (self), PB_PACK_SCAN_FAILED);
  g_return_val_if_fail (code != NULL && *code != '\0', PB_PACK_SCAN_FAILED);
  g_return_val_if_fail (error == NULL || *error == NULL, PB_PACK_SCAN_FAILED);

  trimmed = g_strstrip (g_strdup (code));
  kind = pb_scan_classify (trimmed, NULL);
  now = pb_clock_now_unix ();

  if (!find_line (self, trimmed, &target))
    {
      /* The packing slip's order id, or a badge: the caller's business. */
      if (kind == PB_SCAN_KIND_AMAZON_ORDER_ID || kind == PB_SCAN_KIND_BADGE)
        return PB_PACK_SCAN_NOT_AN_ITEM;
      return record_mis_scan (self, PB_PACK_SCAN_WRONG_ITEM, kind, now, error);
    }
  if (target < 0)
    return record_mis_scan (self, PB_PACK_SCAN_TOO_MANY, kind, now, error);
  return tick (self, (guint)target, now, error);
}

/**
 * pb_pack_find_order_for_code:
 * @store: the bench's store
 * @code: a cleaned scan
 * @order_id: (out) (transfer full): the order to open
 * @error: why none
 *
 * Returns: whether an order was found.
 */
gboolean
pb_pack_find_order_for_code (PbStore *store, const char *code, char **order_id, GError **error)
{
  return pb_pack_find_order_for_code_except (store, code, NULL, order_id, error);
}

gboolean
pb_pack_find_order_for_code_except (PbStore *store, const char *code, const char *const *exclude,
                                    char **order_id, GError **error)
{
  g_autofree char *trimmed = NULL;
  g_autofree char *value = NULL;
  g_autoptr (GPtrArray) variants = NULL;
  PbScanKind kind;

  g_return_val_if_fail (PB_IS_STORE (store), FALSE);
  g_return_val_if_fail (code != NULL, FALSE);
  g_return_val_if_fail (order_id != NULL, FALSE);

  *order_id = NULL;
  trimmed = g_strstrip (g_strdup (code));
  kind = pb_scan_classify (trimmed, &value);
  if (kind == PB_SCAN_KIND_AMAZON_ORDER_ID)
    {
      g_autofree char *state = NULL;

      if (!read_state (store, value, &state, error))
        return FALSE;
      *order_id = g_steal_pointer (&value);
      return TRUE;
    }
  if (kind == PB_SCAN_KIND_BADGE)
    return refuse (error, PB_PACK_ERROR_NOT_AN_ITEM,
                   _ ("This is an operator badge, not an order or an item."));

  if (*trimmed != '\0')
    {
      variants = layout_variants (trimmed);
      for (guint v = 0; v < variants->len; v++)
        {
          g_auto (GStrv) candidates = pb_scan_candidates (g_ptr_array_index (variants, v));

          if (!pb_orders_find_unshipped_holding_except (store, (const char *const *)candidates,
                                                        exclude, order_id, error))
            return FALSE;
          if (*order_id != NULL)
            return TRUE;
        }
    }
  return refuse (error, PB_PACK_ERROR_NO_ORDER,
                 _ ("No unshipped order is waiting for this item. Check that the order has been "
                    "synced, or scan the order id on the packing slip."));
}
