/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "pb-test-store.h"
#include "station/pb-backup.h"
#include "store/pb-audit.h"
#include "store/pb-keyslots.h"
#include "util/pb-clock.h"
#include "util/pb-totp.h"
#include "util/pb-secure.h"

PbStore *
pb_test_store_new (const char *tmpl, char **dir)
{
  g_autoptr (GError) error = NULL;
  guint8 key[PB_MASTER_KEY_LEN];
  PbStore *store;

  *dir = g_dir_make_tmp (tmpl, &error);
  g_assert_no_error (error);
  pb_random_bytes (key, sizeof key);
  store = pb_store_create (*dir, key, "00112233445566778899aabbccddeeff", &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

void
pb_test_store_free (PbStore **store, char **dir)
{
  g_clear_object (store);
  pb_remove_tree (*dir, NULL);
  g_clear_pointer (dir, g_free);
}

PbSession *
pb_test_session_new (const char *tmpl, char **root, char **totp_uri)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *recovery = NULL;
  PbSession *session;

  *root = g_dir_make_tmp (tmpl, &error);
  g_assert_no_error (error);
  dir = g_build_filename (*root, "store", NULL);
  session = pb_session_init_store (dir, "admin", "Ada Admin", PB_TEST_ADMIN_PASSWORD, &recovery,
                                   totp_uri, &error);
  g_assert_no_error (error);
  g_assert_nonnull (session);
  return session;
}

void
pb_test_session_free (PbSession **session, char **root)
{
  g_clear_object (session);
  pb_remove_tree (*root, NULL);
  g_clear_pointer (root, g_free);
}

PbOrderData *
pb_test_order_new (const char *order_id, const char *status, gint64 created, gint64 last_updated,
                   gint64 ship_by)
{
  PbOrderData *order = g_new0 (PbOrderData, 1);

  order->order_id = g_strdup (order_id);
  order->marketplace_id = g_strdup ("A1F83G8C2ARO7P");
  order->status = g_strdup (status);
  order->created = created;
  order->last_updated = last_updated;
  order->ship_by_latest = ship_by;
  order->country_code = g_strdup ("GB");
  order->items = g_ptr_array_new_with_free_func ((GDestroyNotify)pb_order_item_data_free);
  return order;
}

void
pb_test_order_set_buyer (PbOrderData *order, const char *name, const char *address_line1,
                         const char *city, const char *postcode)
{
  order->name = g_strdup (name);
  order->address_line1 = g_strdup (address_line1);
  order->city = g_strdup (city);
  order->postcode = g_strdup (postcode);
}

PbOrderItemData *
pb_test_order_add_item (PbOrderData *order, const char *item_id, const char *sku, gint quantity)
{
  PbOrderItemData *item = g_new0 (PbOrderItemData, 1);

  item->item_id = g_strdup (item_id);
  item->sku = g_strdup (sku);
  item->quantity = quantity;
  g_ptr_array_add (order->items, item);
  return item;
}

void
pb_test_store_apply (PbStore *store, PbOrderData *order, gint64 now)
{
  g_autoptr (GError) error = NULL;
  PbOrderChange change;

  g_assert_true (pb_store_begin (store, &error));
  g_assert_true (pb_orders_apply (store, order, now, &change, &error));
  g_assert_no_error (error);
  g_assert_true (pb_store_commit (store, &error));
  g_assert_no_error (error);
}

void
pb_test_store_add_order (PbStore *store, const char *order_id, const char *status,
                         gint64 last_updated, gint64 now)
{
  g_autoptr (PbOrderData) order
      = pb_test_order_new (order_id, status, now - 86400, last_updated, now + 86400);
  g_autofree char *item_id = g_strdup_printf ("%s-item", order_id);
  PbOrderItemData *item;

  pb_test_order_set_buyer (order, "Ada Lovelace", "1 Example Street", "London", "SW1A 1AA");
  item = pb_test_order_add_item (order, item_id, "TEA-1", 1);
  item->unit_price = g_strdup ("9.99");
  item->currency = g_strdup ("GBP");
  pb_test_store_apply (store, order, now);
}

void
pb_test_store_add_buyer_order (PbStore *store, const char *order_id, const char *buyer_name)
{
  gint64 now = pb_clock_now_unix ();
  g_autoptr (PbOrderData) order
      = pb_test_order_new (order_id, "UNSHIPPED", now - 86400, now - 86400 + 60, now + 86400);

  pb_test_order_set_buyer (order, buyer_name, "7 Quiggle Lane", "Leeds", "LS1 4AP");
  pb_test_order_add_item (order, "item-1", "TEA-1", 1)->title = g_strdup ("Tea towel");
  pb_test_store_apply (store, order, now);
}

char *
pb_test_totp_code (const char *uri, gint64 offset)
{
  const char *start = strstr (uri, "secret=") + strlen ("secret=");
  g_autofree char *secret = g_strndup (start, strcspn (start, "&"));
  g_autoptr (GBytes) key = pb_base32_decode (secret);

  g_assert_nonnull (key);
  return pb_totp_code (g_bytes_get_data (key, NULL), g_bytes_get_size (key),
                       g_get_real_time () / G_USEC_PER_SEC + offset, 6);
}

guint
pb_test_count_audit (PbStore *store, const char *action)
{
  PbAuditFilter filter = { .action = action };
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) rows = pb_audit_list (store, &filter, &error);

  g_assert_no_error (error);
  return rows->len;
}
