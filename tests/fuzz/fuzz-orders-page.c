/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The searchOrders and getOrder parsers meet whatever the network brings. */
#include "config.h"

#include "amazon/pb-amazon-order.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autoptr (GPtrArray) orders = NULL;
  g_autofree char *token = NULL;
  g_autofree char *errors = NULL;
  g_autoptr (PbOrderData) order = NULL;
  gint64 before = 0;

  if (pb_amazon_parse_orders_page ((const char *)data, size, &orders, &token, &before, NULL))
    {
      for (guint i = 0; i < orders->len; i++)
        {
          PbOrderData *copy = pb_order_data_copy (g_ptr_array_index (orders, i));
          g_assert (copy->order_id != NULL);
          g_assert (copy->items != NULL);
          pb_order_data_free (copy);
        }
    }
  order = pb_amazon_parse_order_response ((const char *)data, size, NULL);
  errors = pb_amazon_parse_errors ((const char *)data, size);
  return 0;
}
