/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "pb-order-data.h"

void
pb_order_item_data_free (PbOrderItemData *item)
{
  if (item == NULL)
    return;
  g_free (item->item_id);
  g_free (item->sku);
  g_free (item->asin);
  g_free (item->title);
  g_free (item->unit_price);
  g_free (item->currency);
  g_free (item->gift_message);
  g_free (item->gift_wrap_level);
  g_free (item);
}

PbOrderItemData *
pb_order_item_data_copy (const PbOrderItemData *item)
{
  PbOrderItemData *copy = g_memdup2 (item, sizeof *item);

  copy->item_id = g_strdup (item->item_id);
  copy->sku = g_strdup (item->sku);
  copy->asin = g_strdup (item->asin);
  copy->title = g_strdup (item->title);
  copy->unit_price = g_strdup (item->unit_price);
  copy->currency = g_strdup (item->currency);
  copy->gift_message = g_strdup (item->gift_message);
  copy->gift_wrap_level = g_strdup (item->gift_wrap_level);
  return copy;
}

void
pb_order_data_free (PbOrderData *order)
{
  if (order == NULL)
    return;
  g_free (order->order_id);
  g_free (order->marketplace_id);
  g_free (order->status);
  g_free (order->fulfilled_by);
  g_free (order->service_level);
  g_free (order->name);
  g_free (order->company);
  g_free (order->address_line1);
  g_free (order->address_line2);
  g_free (order->address_line3);
  g_free (order->city);
  g_free (order->county);
  g_free (order->postcode);
  g_free (order->country_code);
  g_free (order->phone);
  g_free (order->address_type);
  g_free (order->delivery_instructions);
  g_clear_pointer (&order->items, g_ptr_array_unref);
  g_free (order->package_status);
  g_strfreev (order->package_tracking);
  g_free (order);
}

PbOrderData *
pb_order_data_copy (const PbOrderData *order)
{
  PbOrderData *copy = g_memdup2 (order, sizeof *order);

  copy->order_id = g_strdup (order->order_id);
  copy->marketplace_id = g_strdup (order->marketplace_id);
  copy->status = g_strdup (order->status);
  copy->fulfilled_by = g_strdup (order->fulfilled_by);
  copy->service_level = g_strdup (order->service_level);
  copy->name = g_strdup (order->name);
  copy->company = g_strdup (order->company);
  copy->address_line1 = g_strdup (order->address_line1);
  copy->address_line2 = g_strdup (order->address_line2);
  copy->address_line3 = g_strdup (order->address_line3);
  copy->city = g_strdup (order->city);
  copy->county = g_strdup (order->county);
  copy->postcode = g_strdup (order->postcode);
  copy->country_code = g_strdup (order->country_code);
  copy->phone = g_strdup (order->phone);
  copy->address_type = g_strdup (order->address_type);
  copy->delivery_instructions = g_strdup (order->delivery_instructions);
  copy->package_status = g_strdup (order->package_status);
  copy->package_tracking = g_strdupv (order->package_tracking);
  copy->items = g_ptr_array_new_with_free_func ((GDestroyNotify)pb_order_item_data_free);
  for (guint i = 0; order->items != NULL && i < order->items->len; i++)
    g_ptr_array_add (copy->items, pb_order_item_data_copy (g_ptr_array_index (order->items, i)));
  return copy;
}

G_DEFINE_BOXED_TYPE (PbOrderData, pb_order_data, pb_order_data_copy, pb_order_data_free)
