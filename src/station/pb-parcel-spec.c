/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>

#include "pb-parcel-spec.h"
#include "store/pb-catalogue.h"
#include "store/pb-orders.h"

#define MAX_PARCEL_WEIGHT_G 30000

static gboolean
parse_count (const char *text, gint64 max, gint64 *value)
{
  g_autofree char *clean = g_strstrip (g_strdup (text));

  return *clean != '\0' && g_ascii_string_to_signed (clean, 10, 1, max, value, NULL);
}

static gboolean
bad_spec (const char *spec, GError **error)
{
  g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID,
               _ ("“%s” is not a parcel: give its weight in grams, then what is in it, such as "
                  "450:SKU-1*2,SKU-2*1. Nothing was bought."),
               spec);
  return FALSE;
}

/* The order item that holds @sku and still has a unit not in a parcel. */
static const PbOrderItemData *
find_item (GPtrArray *items, GHashTable *placed, const char *sku)
{
  const PbOrderItemData *found = NULL;

  for (guint i = 0; i < items->len; i++)
    {
      const PbOrderItemData *item = g_ptr_array_index (items, i);
      gint left = item->quantity - item->quantity_shipped
                  - GPOINTER_TO_INT (g_hash_table_lookup (placed, item->item_id));

      if (g_strcmp0 (item->sku, sku) != 0 && g_strcmp0 (item->asin, sku) != 0)
        continue;
      if (left > 0)
        return item;
      found = item;
    }
  return found;
}

static gboolean
add_items (PbParcel *parcel, const char *spec, const char *list, GPtrArray *items,
           GHashTable *placed, GError **error)
{
  g_auto (GStrv) entries = g_strsplit (list, ",", -1);

  for (guint i = 0; entries[i] != NULL; i++)
    {
      g_auto (GStrv) parts = g_strsplit (entries[i], "*", 2);
      g_autofree char *sku = g_strstrip (g_strdup (parts[0] ? parts[0] : ""));
      const PbOrderItemData *item;
      gint64 quantity = 1;
      gint taken;

      if (*sku == '\0'
          || (parts[0] != NULL && parts[1] != NULL
              && !parse_count (parts[1], G_MAXINT / 2, &quantity)))
        return bad_spec (spec, error);
      item = find_item (items, placed, sku);
      if (item == NULL)
        {
          g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID,
                       _ ("Parcel %u: this order has no item %s. Nothing was bought."),
                       parcel->number, sku);
          return FALSE;
        }
      taken = GPOINTER_TO_INT (g_hash_table_lookup (placed, item->item_id));
      if (taken + quantity > item->quantity - item->quantity_shipped)
        {
          g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID,
                       _ ("Parcel %u: the parcels hold %d of %s, but the order has %d to send. "
                          "Nothing was bought."),
                       parcel->number, (gint)(taken + quantity), sku,
                       item->quantity - item->quantity_shipped);
          return FALSE;
        }
      g_hash_table_insert (placed, item->item_id, GINT_TO_POINTER (taken + (gint)quantity));
      pb_parcel_add_item (parcel, item->item_id, (gint)quantity);
    }
  return TRUE;
}

GPtrArray *
pb_parcels_from_specs (PbStore *store, const char *order_id, const char *const *specs,
                       GError **error)
{
  g_autoptr (GPtrArray) parcels = g_ptr_array_new_with_free_func ((GDestroyNotify)pb_parcel_free);
  g_autoptr (GPtrArray) items = pb_orders_list_items (store, order_id, error);
  g_autoptr (GHashTable) placed = g_hash_table_new (g_str_hash, g_str_equal);
  guint n = specs != NULL ? g_strv_length ((char **)specs) : 0;

  if (items == NULL)
    return NULL;
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *weight_text = g_strdup (specs[i]);
      char *colon = strchr (weight_text, ':');
      g_autoptr (PbParcel) parcel = NULL;
      gint64 weight;

      if (colon != NULL)
        *colon = '\0';
      if (!parse_count (weight_text, G_MAXINT, &weight))
        {
          bad_spec (specs[i], error);
          return NULL;
        }
      parcel = pb_parcel_new (i + 1, (gint)weight);
      parcel->weight_source = PB_WEIGHT_SOURCE_TYPED;
      if (colon != NULL && !add_items (parcel, specs[i], colon + 1, items, placed, error))
        return NULL;
      if (colon == NULL && n > 1)
        {
          g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID,
                       _ ("Parcel %u: with several parcels, say what goes in each, such as "
                          "--parcel %s:SKU-1*2. Nothing was bought."),
                       i + 1, weight_text);
          return NULL;
        }
      g_ptr_array_add (parcels, g_steal_pointer (&parcel));
    }

  /* One parcel given only its weight holds the whole order. */
  if (n == 1 && strchr (specs[0], ':') == NULL)
    for (guint i = 0; i < items->len; i++)
      {
        const PbOrderItemData *item = g_ptr_array_index (items, i);

        if (item->quantity > item->quantity_shipped)
          pb_parcel_add_item (g_ptr_array_index (parcels, 0), item->item_id,
                              item->quantity - item->quantity_shipped);
      }
  if (!pb_parcels_check (store, order_id, parcels, error))
    return NULL;
  return g_steal_pointer (&parcels);
}

gboolean
pb_parcels_check (PbStore *store, const char *order_id, GPtrArray *parcels, GError **error)
{
  g_autoptr (GPtrArray) items = pb_orders_list_items (store, order_id, error);
  g_autoptr (GHashTable) placed = g_hash_table_new (g_str_hash, g_str_equal);

  if (items == NULL)
    return FALSE;
  if (parcels->len == 0)
    {
      g_set_error_literal (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID,
                           _ ("No parcels were given. Nothing was bought."));
      return FALSE;
    }
  for (guint i = 0; i < parcels->len; i++)
    {
      const PbParcel *parcel = g_ptr_array_index (parcels, i);

      if (parcel->weight_g < 1 || parcel->weight_g > MAX_PARCEL_WEIGHT_G)
        {
          g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID,
                       _ ("Parcel %u weighs %d g; Royal Mail takes 1 to %d g. Weigh it again, or "
                          "move items to another parcel. Nothing was bought."),
                       parcel->number, parcel->weight_g, MAX_PARCEL_WEIGHT_G);
          return FALSE;
        }
      if (parcel->items->len == 0)
        {
          g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID,
                       _ ("Parcel %u has nothing in it. Nothing was bought."), parcel->number);
          return FALSE;
        }
      for (guint j = 0; j < parcel->items->len; j++)
        {
          const PbParcelItem *entry = &g_array_index (parcel->items, PbParcelItem, j);
          gint sum = GPOINTER_TO_INT (g_hash_table_lookup (placed, entry->order_item_id));

          g_hash_table_insert (placed, entry->order_item_id,
                               GINT_TO_POINTER (sum + entry->quantity));
        }
    }
  for (guint i = 0; i < items->len; i++)
    {
      const PbOrderItemData *item = g_ptr_array_index (items, i);
      gint left = item->quantity - item->quantity_shipped;
      gint sum = GPOINTER_TO_INT (g_hash_table_lookup (placed, item->item_id));
      const char *name = item->sku != NULL ? item->sku : item->item_id;

      g_hash_table_remove (placed, item->item_id);
      if (sum != left)
        {
          g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID,
                       _ ("The parcels hold %d of %s, but the order has %d to send: every unit "
                          "goes in exactly one parcel. Nothing was bought."),
                       sum, name, left);
          return FALSE;
        }
    }
  if (g_hash_table_size (placed) > 0)
    {
      g_set_error_literal (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID,
                           _ ("A parcel holds an item this order does not have. Nothing was "
                              "bought."));
      return FALSE;
    }
  return TRUE;
}

GPtrArray *
pb_parcels_split_by_catalogue (PbStore *store, const char *order_id, GError **error)
{
  g_autoptr (GPtrArray) parcels = g_ptr_array_new_with_free_func ((GDestroyNotify)pb_parcel_free);
  g_autoptr (GPtrArray) items = pb_orders_list_items (store, order_id, error);
  g_autoptr (PbParcel) rest = NULL;
  gboolean split = FALSE;

  if (items == NULL)
    return NULL;
  rest = pb_parcel_new (0, 0);
  for (guint i = 0; i < items->len; i++)
    {
      const PbOrderItemData *item = g_ptr_array_index (items, i);
      g_autoptr (PbProduct) product = pb_catalogue_find_item (store, item->sku, item->asin, NULL);
      gint left = item->quantity - item->quantity_shipped;

      if (left <= 0)
        continue;
      if (product == NULL || product->weight_g <= 0)
        return NULL;
      if (product->units_per_parcel <= 0 || left <= product->units_per_parcel)
        {
          pb_parcel_add_item (rest, item->item_id, left);
          rest->weight_g += product->weight_g * left;
          continue;
        }
      split = TRUE;
      while (left > 0)
        {
          gint units = MIN (left, product->units_per_parcel);
          PbParcel *parcel = pb_parcel_new (parcels->len + 1, product->weight_g * units);

          pb_parcel_add_item (parcel, item->item_id, units);
          g_ptr_array_add (parcels, parcel);
          left -= units;
        }
    }
  if (!split)
    return NULL;
  if (rest->items->len > 0)
    {
      rest->number = parcels->len + 1;
      g_ptr_array_add (parcels, g_steal_pointer (&rest));
    }
  return g_steal_pointer (&parcels);
}
