/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "pb-orders.h"
#include "pb-store-private.h"

void
pb_order_summary_free (PbOrderSummary *summary)
{
  if (summary == NULL)
    return;
  g_free (summary->id);
  g_free (summary->state);
  g_free (summary->amazon_status);
  g_free (summary->service_level);
  g_free (summary->attention);
  g_free (summary->tracking_number);
  g_free (summary->items_summary);
  g_free (summary);
}

static const char *
state_for_amazon (const char *status)
{
  if (g_strcmp0 (status, "UNSHIPPED") == 0 || g_strcmp0 (status, "PARTIALLY_SHIPPED") == 0)
    return PB_ORDER_STATE_UNSHIPPED;
  if (g_strcmp0 (status, "SHIPPED") == 0)
    return PB_ORDER_STATE_SHIPPED;
  if (g_strcmp0 (status, "CANCELLED") == 0)
    return PB_ORDER_STATE_CANCELLED;
  if (g_strcmp0 (status, "UNFULFILLABLE") == 0)
    return PB_ORDER_STATE_UNFULFILLABLE;
  return PB_ORDER_STATE_PENDING;
}

static void
bind_text (sqlite3_stmt *stmt, int index, const char *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, index);
}

static void
bind_time (sqlite3_stmt *stmt, int index, gint64 when)
{
  if (when > 0)
    sqlite3_bind_int64 (stmt, index, when);
  else
    sqlite3_bind_null (stmt, index);
}

static gboolean
step_done (PbStore *store, sqlite3_stmt *stmt, GError **error)
{
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      pb_store_set_sql_error (store, error, _ ("Saving an order"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_items (PbStore *store, const PbOrderData *order, gboolean keep_recipient, GError **error)
{
  g_autoptr (sqlite3_stmt) update = NULL;
  g_autoptr (sqlite3_stmt) insert = NULL;

  update = pb_store_prepare (store,
                             "UPDATE order_items SET sku = ?3, asin = ?4, title = ?5,"
                             " quantity = ?6, quantity_shipped = ?7, unit_price = ?8,"
                             " currency = ?9,"
                             " gift_message = CASE WHEN ?13 THEN gift_message"
                             "   WHEN (SELECT purged_at FROM orders WHERE id = ?1)"
                             "   IS NULL THEN ?10 ELSE NULL END,"
                             " gift_wrap_level = ?11, cancel_requested = ?12"
                             " WHERE order_id = ?1 AND item_id = ?2",
                             error);
  insert = pb_store_prepare (store,
                             "INSERT INTO order_items (order_id, item_id, sku, asin, title,"
                             " quantity, quantity_shipped, unit_price, currency, gift_message,"
                             " gift_wrap_level, cancel_requested)"
                             " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
                             "  CASE WHEN ?13 THEN NULL ELSE ?10 END, ?11, ?12)",
                             error);
  if (update == NULL || insert == NULL)
    return FALSE;

  for (guint i = 0; i < order->items->len; i++)
    {
      const PbOrderItemData *item = g_ptr_array_index (order->items, i);
      sqlite3_stmt *stmts[] = { update, insert };

      for (int s = 0; s < 2; s++)
        {
          sqlite3_stmt *stmt = stmts[s];

          sqlite3_reset (stmt);
          sqlite3_bind_text (stmt, 1, order->order_id, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, 2, item->item_id, -1, SQLITE_STATIC);
          bind_text (stmt, 3, item->sku);
          bind_text (stmt, 4, item->asin);
          bind_text (stmt, 5, item->title);
          sqlite3_bind_int (stmt, 6, item->quantity);
          sqlite3_bind_int (stmt, 7, item->quantity_shipped);
          bind_text (stmt, 8, item->unit_price);
          bind_text (stmt, 9, item->currency);
          bind_text (stmt, 10, item->gift_message);
          bind_text (stmt, 11, item->gift_wrap_level);
          sqlite3_bind_int (stmt, 12, item->cancel_requested ? 1 : 0);
          sqlite3_bind_int (stmt, 13, keep_recipient ? 1 : 0);
          if (!step_done (store, stmt, error))
            return FALSE;
          /* The update found the row: no insert needed. */
          if (s == 0 && sqlite3_changes (pb_store_get_db (store)) > 0)
            break;
        }
    }
  return TRUE;
}

/* Columns that Amazon owns, in the order the statements bind them from ?2. */
#define AMAZON_COLUMNS                                                                             \
  "marketplace_id, amazon_status, purchased_at, amazon_updated_at, ship_by_earliest,"              \
  " ship_by_latest, deliver_by_earliest, deliver_by_latest, service_level, is_prime,"              \
  " package_status, cancel_requested"

static void
bind_amazon_columns (sqlite3_stmt *stmt, const PbOrderData *order)
{
  sqlite3_bind_text (stmt, 1, order->order_id, -1, SQLITE_STATIC);
  bind_text (stmt, 2, order->marketplace_id ? order->marketplace_id : "");
  bind_text (stmt, 3, order->status);
  sqlite3_bind_int64 (stmt, 4, order->created);
  sqlite3_bind_int64 (stmt, 5, order->last_updated);
  bind_time (stmt, 6, order->ship_by_earliest);
  bind_time (stmt, 7, order->ship_by_latest);
  bind_time (stmt, 8, order->deliver_by_earliest);
  bind_time (stmt, 9, order->deliver_by_latest);
  bind_text (stmt, 10, order->service_level);
  sqlite3_bind_int (stmt, 11, order->prime ? 1 : 0);
  bind_text (stmt, 12, order->package_status);
  sqlite3_bind_int (stmt, 13, order->cancel_requested ? 1 : 0);
}

static void
bind_recipient (sqlite3_stmt *stmt, int first, const PbOrderData *order)
{
  const char *fields[] = {
    order->name,          order->company, order->address_line1, order->address_line2,
    order->address_line3, order->city,    order->county,        order->postcode,
    order->country_code,  order->phone,   order->address_type,  order->delivery_instructions
  };

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    bind_text (stmt, first + (int)i, fields[i]);
}

static gboolean
insert_order (PbStore *store, const PbOrderData *order, gint64 now, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gboolean cancelled = g_strcmp0 (order->status, "CANCELLED") == 0;

  stmt = pb_store_prepare (store,
                           "INSERT INTO orders (id, " AMAZON_COLUMNS ", recipient_name,"
                           " company_name, address_line1, address_line2, address_line3, city,"
                           " county, postcode, country_code, phone, address_type,"
                           " delivery_instructions, state, delivered_at, cancelled_at,"
                           " first_seen_at, last_synced_at)"
                           " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
                           " ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25,"
                           " ?26, ?27, ?28, ?29, ?29)",
                           error);
  if (stmt == NULL)
    return FALSE;
  bind_amazon_columns (stmt, order);
  bind_recipient (stmt, 14, order);
  sqlite3_bind_text (stmt, 26, state_for_amazon (order->status), -1, SQLITE_STATIC);
  bind_time (stmt, 27, order->delivered ? order->last_updated : 0);
  bind_time (stmt, 28, cancelled ? order->last_updated : 0);
  sqlite3_bind_int64 (stmt, 29, now);
  return step_done (store, stmt, error);
}

/* The bench's state after an update from Amazon: local progress is kept. */
static const char *
next_state (const char *local, const char *amazon_status, const char **attention)
{
  const char *from_amazon = state_for_amazon (amazon_status);
  gboolean labelled = g_strcmp0 (local, PB_ORDER_STATE_LABELLED) == 0;

  *attention = NULL;
  if (g_str_equal (from_amazon, PB_ORDER_STATE_CANCELLED))
    {
      /* A label was bought for an order the buyer cancelled: someone must
       * void it before the parcel leaves. */
      if (labelled)
        *attention = PB_ATTENTION_CANCELLED_AFTER_LABEL;
      return PB_ORDER_STATE_CANCELLED;
    }
  if (g_str_equal (from_amazon, PB_ORDER_STATE_SHIPPED))
    return PB_ORDER_STATE_SHIPPED;
  if (labelled || g_strcmp0 (local, PB_ORDER_STATE_SHIPPED) == 0)
    return local;
  return from_amazon;
}

static gboolean
update_order (PbStore *store, const PbOrderData *order, const char *local_state,
              const char *new_state, const char *attention, gboolean keep_recipient, gint64 now,
              GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gboolean cancelled = g_str_equal (new_state, PB_ORDER_STATE_CANCELLED);

  stmt = pb_store_prepare (
      store,
      "UPDATE orders SET marketplace_id = ?2, amazon_status = ?3, purchased_at = ?4,"
      " amazon_updated_at = ?5, ship_by_earliest = ?6, ship_by_latest = ?7,"
      " deliver_by_earliest = ?8, deliver_by_latest = ?9, service_level = ?10, is_prime = ?11,"
      " package_status = ?12, cancel_requested = ?13,"
      /* A purged order's PII stays purged whatever Amazon sends again. */
      " recipient_name = CASE WHEN ?31 THEN recipient_name WHEN purged_at IS NULL THEN ?14 END,"
      " company_name = CASE WHEN ?31 THEN company_name WHEN purged_at IS NULL THEN ?15 END,"
      " address_line1 = CASE WHEN ?31 THEN address_line1 WHEN purged_at IS NULL THEN ?16 END,"
      " address_line2 = CASE WHEN ?31 THEN address_line2 WHEN purged_at IS NULL THEN ?17 END,"
      " address_line3 = CASE WHEN ?31 THEN address_line3 WHEN purged_at IS NULL THEN ?18 END,"
      " city = CASE WHEN ?31 THEN city WHEN purged_at IS NULL THEN ?19 END,"
      " county = CASE WHEN ?31 THEN county WHEN purged_at IS NULL THEN ?20 END,"
      " postcode = CASE WHEN ?31 THEN postcode WHEN purged_at IS NULL THEN ?21 END,"
      " country_code = CASE WHEN ?31 THEN country_code ELSE ?22 END,"
      " phone = CASE WHEN ?31 THEN phone WHEN purged_at IS NULL THEN ?23 END,"
      " address_type = CASE WHEN ?31 THEN address_type ELSE ?24 END,"
      " delivery_instructions = CASE WHEN ?31 THEN delivery_instructions WHEN purged_at IS NULL "
      "THEN ?25 END,"
      " state = ?26,"
      " attention = coalesce (?27, attention),"
      " delivered_at = coalesce (delivered_at, ?28),"
      " cancelled_at = CASE WHEN ?29 THEN coalesce (cancelled_at, ?5) ELSE cancelled_at END,"
      " last_synced_at = ?30"
      " WHERE id = ?1",
      error);
  if (stmt == NULL)
    return FALSE;
  bind_amazon_columns (stmt, order);
  bind_recipient (stmt, 14, order);
  sqlite3_bind_text (stmt, 26, new_state, -1, SQLITE_STATIC);
  bind_text (stmt, 27, attention);
  bind_time (stmt, 28, order->delivered ? order->last_updated : 0);
  sqlite3_bind_int (stmt, 29, cancelled ? 1 : 0);
  sqlite3_bind_int64 (stmt, 30, now);
  sqlite3_bind_int (stmt, 31, keep_recipient ? 1 : 0);
  return step_done (store, stmt, error);
}

static gboolean
apply_order (PbStore *store, const PbOrderData *order, gboolean keep_recipient, gint64 now,
             PbOrderChange *change, GError **error)
{
  g_autoptr (sqlite3_stmt) find = NULL;
  g_autofree char *local_state = NULL;
  g_autofree char *amazon_status = NULL;
  const char *attention = NULL;
  const char *new_state;
  gint64 stored_updated;
  gboolean wants_recipient;
  int rc;

  g_return_val_if_fail (order != NULL && order->order_id != NULL, FALSE);
  *change = PB_ORDER_CHANGE_NONE;

  find = pb_store_prepare (store,
                           "SELECT state, amazon_status, amazon_updated_at,"
                           " recipient_name IS NULL AND address_line1 IS NULL"
                           "  AND purged_at IS NULL"
                           " FROM orders WHERE id = ?1",
                           error);
  if (find == NULL)
    return FALSE;
  sqlite3_bind_text (find, 1, order->order_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (find);
  if (rc == SQLITE_DONE)
    {
      if (!insert_order (store, order, now, error)
          || !write_items (store, order, keep_recipient, error))
        return FALSE;
      *change = g_strcmp0 (order->status, "CANCELLED") == 0 ? PB_ORDER_CHANGE_CANCELLED
                                                            : PB_ORDER_CHANGE_NEW;
      return TRUE;
    }
  if (rc != SQLITE_ROW)
    {
      pb_store_set_sql_error (store, error, _ ("Reading an order"));
      return FALSE;
    }

  local_state = g_strdup (pb_sql_text (find, 0));
  amazon_status = g_strdup (pb_sql_text (find, 1));
  stored_updated = sqlite3_column_int64 (find, 2);
  /* Site mode: a bench that has only the facts fetches the recipient of
   * an order it is about to pack; the same data with the recipient is an
   * update then. */
  wants_recipient = !keep_recipient && sqlite3_column_int (find, 3) != 0
                    && (order->name != NULL || order->address_line1 != NULL);
  g_clear_pointer (&find, sqlite3_finalize);

  /* The overlap window brings orders again; older or identical data is
   * not an update. */
  if (order->last_updated < stored_updated
      || (order->last_updated == stored_updated && g_strcmp0 (amazon_status, order->status) == 0
          && !wants_recipient))
    return TRUE;

  new_state = next_state (local_state, order->status, &attention);
  if (!update_order (store, order, local_state, new_state, attention, keep_recipient, now, error)
      || !write_items (store, order, keep_recipient, error))
    return FALSE;

  if (g_str_equal (new_state, PB_ORDER_STATE_CANCELLED)
      && g_strcmp0 (local_state, PB_ORDER_STATE_CANCELLED) != 0)
    *change = PB_ORDER_CHANGE_CANCELLED;
  else
    *change = PB_ORDER_CHANGE_UPDATED;
  return TRUE;
}

gboolean
pb_orders_apply (PbStore *store, const PbOrderData *order, gint64 now, PbOrderChange *change,
                 GError **error)
{
  return apply_order (store, order, FALSE, now, change, error);
}

gboolean
pb_orders_apply_facts (PbStore *store, const PbOrderData *order, gint64 now, PbOrderChange *change,
                       GError **error)
{
  PbOrderData facts = *order;

  /* Whatever the copy holds, none of its recipient is kept. */
  facts.name = facts.company = NULL;
  facts.address_line1 = facts.address_line2 = facts.address_line3 = NULL;
  facts.city = facts.county = facts.postcode = facts.country_code = NULL;
  facts.phone = facts.address_type = facts.delivery_instructions = NULL;
  return apply_order (store, &facts, TRUE, now, change, error);
}

gboolean
pb_orders_has_recipient (PbStore *store, const char *order_id, gboolean *has, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = pb_store_prepare (
      store,
      "SELECT recipient_name IS NOT NULL OR address_line1 IS NOT NULL FROM orders WHERE id = ?1",
      error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, order_id, -1, SQLITE_STATIC);
  *has = sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_int (stmt, 0) != 0;
  return TRUE;
}

GPtrArray *
pb_orders_list (PbStore *store, const char *state, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GPtrArray) list
      = g_ptr_array_new_with_free_func ((GDestroyNotify)pb_order_summary_free);
  int rc;

  stmt = pb_store_prepare (
      store,
      "SELECT o.id, o.state, o.amazon_status, o.purchased_at, coalesce (o.ship_by_latest, 0),"
      " o.service_level, o.is_prime, o.attention, o.tracking_number,"
      " (SELECT coalesce (sum (quantity), 0) FROM order_items i WHERE i.order_id = o.id),"
      " (SELECT group_concat (quantity || ' × ' || coalesce (sku, asin, item_id), ', ')"
      "    FROM order_items i WHERE i.order_id = o.id),"
      " o.cancel_requested"
      " FROM orders o WHERE (?1 IS NULL OR o.state = ?1)"
      " ORDER BY coalesce (o.ship_by_latest, o.purchased_at), o.id",
      error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, state);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      PbOrderSummary *summary = g_new0 (PbOrderSummary, 1);

      summary->id = g_strdup (pb_sql_text (stmt, 0));
      summary->state = g_strdup (pb_sql_text (stmt, 1));
      summary->amazon_status = g_strdup (pb_sql_text (stmt, 2));
      summary->purchased_at = sqlite3_column_int64 (stmt, 3);
      summary->ship_by = sqlite3_column_int64 (stmt, 4);
      summary->service_level = g_strdup (pb_sql_text (stmt, 5));
      summary->prime = sqlite3_column_int (stmt, 6) != 0;
      summary->attention = g_strdup (pb_sql_text (stmt, 7));
      summary->tracking_number = g_strdup (pb_sql_text (stmt, 8));
      summary->n_units = sqlite3_column_int (stmt, 9);
      summary->items_summary = g_strdup (pb_sql_text (stmt, 10));
      summary->cancel_requested = sqlite3_column_int (stmt, 11) != 0;
      g_ptr_array_add (list, summary);
    }
  if (rc != SQLITE_DONE)
    {
      pb_store_set_sql_error (store, error, _ ("Reading orders"));
      return NULL;
    }
  return g_steal_pointer (&list);
}

static char *
dup_column (sqlite3_stmt *stmt, int column)
{
  return g_strdup (pb_sql_text (stmt, column));
}

/* An order's items in the order Amazon sent them; the gift message (PII)
 * only when @with_gift_message. */
static GPtrArray *
read_items (PbStore *store, const char *order_id, gboolean with_gift_message, GError **error)
{
  g_autoptr (GPtrArray) list
      = g_ptr_array_new_with_free_func ((GDestroyNotify)pb_order_item_data_free);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = pb_store_prepare (store,
                           "SELECT item_id, sku, asin, title, quantity, quantity_shipped,"
                           " unit_price, currency, gift_wrap_level, cancel_requested,"
                           " CASE WHEN ?2 THEN gift_message END"
                           " FROM order_items WHERE order_id = ?1 ORDER BY rowid",
                           error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, order_id, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 2, with_gift_message ? 1 : 0);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      PbOrderItemData *item = g_new0 (PbOrderItemData, 1);

      item->item_id = dup_column (stmt, 0);
      item->sku = dup_column (stmt, 1);
      item->asin = dup_column (stmt, 2);
      item->title = dup_column (stmt, 3);
      item->quantity = sqlite3_column_int (stmt, 4);
      item->quantity_shipped = sqlite3_column_int (stmt, 5);
      item->unit_price = dup_column (stmt, 6);
      item->currency = dup_column (stmt, 7);
      item->gift_wrap_level = dup_column (stmt, 8);
      item->cancel_requested = sqlite3_column_int (stmt, 9) != 0;
      item->gift_message = dup_column (stmt, 10);
      g_ptr_array_add (list, item);
    }
  if (rc != SQLITE_DONE)
    {
      pb_store_set_sql_error (store, error, _ ("Reading an order"));
      return NULL;
    }
  return g_steal_pointer (&list);
}

PbOrderData *
pb_orders_get (PbStore *store, const char *order_id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (PbOrderData) order = NULL;
  int rc;

  stmt = pb_store_prepare (store,
                           "SELECT id, marketplace_id, amazon_status, service_level, is_prime,"
                           " purchased_at, amazon_updated_at, coalesce (ship_by_earliest, 0),"
                           " coalesce (ship_by_latest, 0), coalesce (deliver_by_earliest, 0),"
                           " coalesce (deliver_by_latest, 0), recipient_name, company_name,"
                           " address_line1, address_line2, address_line3, city, county,"
                           " postcode, country_code, phone, address_type, delivery_instructions,"
                           " package_status, delivered_at IS NOT NULL, cancel_requested"
                           " FROM orders WHERE id = ?1",
                           error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, order_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return NULL;
  if (rc != SQLITE_ROW)
    {
      pb_store_set_sql_error (store, error, _ ("Reading an order"));
      return NULL;
    }

  order = g_new0 (PbOrderData, 1);
  order->order_id = dup_column (stmt, 0);
  order->marketplace_id = dup_column (stmt, 1);
  order->status = dup_column (stmt, 2);
  order->service_level = dup_column (stmt, 3);
  order->prime = sqlite3_column_int (stmt, 4) != 0;
  order->created = sqlite3_column_int64 (stmt, 5);
  order->last_updated = sqlite3_column_int64 (stmt, 6);
  order->ship_by_earliest = sqlite3_column_int64 (stmt, 7);
  order->ship_by_latest = sqlite3_column_int64 (stmt, 8);
  order->deliver_by_earliest = sqlite3_column_int64 (stmt, 9);
  order->deliver_by_latest = sqlite3_column_int64 (stmt, 10);
  order->name = dup_column (stmt, 11);
  order->company = dup_column (stmt, 12);
  order->address_line1 = dup_column (stmt, 13);
  order->address_line2 = dup_column (stmt, 14);
  order->address_line3 = dup_column (stmt, 15);
  order->city = dup_column (stmt, 16);
  order->county = dup_column (stmt, 17);
  order->postcode = dup_column (stmt, 18);
  order->country_code = dup_column (stmt, 19);
  order->phone = dup_column (stmt, 20);
  order->address_type = dup_column (stmt, 21);
  order->delivery_instructions = dup_column (stmt, 22);
  order->package_status = dup_column (stmt, 23);
  order->delivered = sqlite3_column_int (stmt, 24) != 0;
  order->cancel_requested = sqlite3_column_int (stmt, 25) != 0;
  order->items = read_items (store, order_id, TRUE, error);
  if (order->items == NULL)
    return NULL;
  return g_steal_pointer (&order);
}

gboolean
pb_store_step_order_row (PbStore *store, sqlite3_stmt *stmt, const char *order_id, GError **error)
{
  int rc;

  sqlite3_bind_text (stmt, 1, order_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc == SQLITE_DONE)
    g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID,
                 _ ("There is no order %s in this store. Run a sync first."), order_id);
  else
    pb_store_set_sql_error (store, error, _ ("Reading an order"));
  return FALSE;
}

gboolean
pb_orders_get_local (PbStore *store, const char *order_id, char **state, char **attention,
                     char **tracking_number, gint64 *purged_at, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = pb_store_prepare (
      store,
      "SELECT state, attention, tracking_number, coalesce (purged_at, 0) FROM orders"
      " WHERE id = ?1",
      error);

  if (stmt == NULL)
    return FALSE;
  if (!pb_store_step_order_row (store, stmt, order_id, error))
    return FALSE;
  if (state)
    *state = dup_column (stmt, 0);
  if (attention)
    *attention = dup_column (stmt, 1);
  if (tracking_number)
    *tracking_number = dup_column (stmt, 2);
  if (purged_at)
    *purged_at = sqlite3_column_int64 (stmt, 3);
  return TRUE;
}

gboolean
pb_orders_get_cancel_requested (PbStore *store, const char *order_id, gboolean *requested,
                                GError **error)
{
  g_autoptr (sqlite3_stmt) stmt
      = pb_store_prepare (store, "SELECT cancel_requested FROM orders WHERE id = ?1", error);

  g_return_val_if_fail (order_id != NULL && requested != NULL, FALSE);

  if (stmt == NULL)
    return FALSE;
  if (!pb_store_step_order_row (store, stmt, order_id, error))
    return FALSE;
  *requested = sqlite3_column_int (stmt, 0) != 0;
  return TRUE;
}

gboolean
pb_orders_set_shipped (PbStore *store, const char *order_id, const char *tracking,
                       const char *operator_name, gint64 when, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = pb_store_prepare (
      store,
      "UPDATE orders SET state = CASE WHEN state = 'cancelled' THEN state ELSE 'shipped' END,"
      " tracking_number = ?2, shipped_at = ?3, shipped_by = ?4 WHERE id = ?1",
      error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, order_id, -1, SQLITE_STATIC);
  bind_text (stmt, 2, tracking);
  sqlite3_bind_int64 (stmt, 3, when);
  bind_text (stmt, 4, operator_name);
  return step_done (store, stmt, error);
}

gint64
pb_orders_count (PbStore *store, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = pb_store_prepare (store, "SELECT count (*) FROM orders", error);

  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    return -1;
  return sqlite3_column_int64 (stmt, 0);
}

GPtrArray *
pb_orders_list_items (PbStore *store, const char *order_id, GError **error)
{
  g_return_val_if_fail (order_id != NULL, NULL);

  return read_items (store, order_id, FALSE, error);
}

gboolean
pb_orders_find_unshipped_holding (PbStore *store, const char *const *codes, char **order_id,
                                  GError **error)
{
  return pb_orders_find_unshipped_holding_except (store, codes, NULL, order_id, error);
}

gboolean
pb_orders_find_unshipped_holding_except (PbStore *store, const char *const *codes,
                                         const char *const *exclude, char **order_id,
                                         GError **error)
{
  g_autoptr (GString) list = g_string_new (NULL);
  g_autoptr (GString) excluded = g_string_new (NULL);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autofree char *sql = NULL;
  guint n_codes;
  guint n_exclude;
  int rc;

  g_return_val_if_fail (codes != NULL && codes[0] != NULL, FALSE);
  g_return_val_if_fail (order_id != NULL, FALSE);

  *order_id = NULL;
  n_codes = g_strv_length ((char **)codes);
  n_exclude = exclude ? g_strv_length ((char **)exclude) : 0;
  for (guint i = 1; i <= n_codes; i++)
    g_string_append_printf (list, "%s?%u", i > 1 ? ", " : "", i);
  /* Orders another bench of the site holds. */
  for (guint i = 1; i <= n_exclude; i++)
    g_string_append_printf (excluded, "%s?%u", i > 1 ? ", " : " AND o.id NOT IN (", n_codes + i);
  if (n_exclude > 0)
    g_string_append (excluded, ")");

  /* Driven by the few unshipped orders (orders_state), then each order's
   * items by primary key. */
  sql = g_strdup_printf (
      "SELECT o.id FROM orders o"
      " WHERE o.state = 'unshipped' AND o.cancel_requested = 0%2$s"
      "   AND EXISTS (SELECT 1 FROM order_items i"
      "     WHERE i.order_id = o.id AND i.quantity > i.quantity_shipped"
      "       AND (i.sku IN (%1$s) OR i.asin IN (%1$s)"
      "         OR EXISTS (SELECT 1 FROM products p"
      "           WHERE (p.sku = i.sku"
      "                  OR (p.asin = i.asin"
      "                      AND NOT EXISTS (SELECT 1 FROM products q WHERE q.sku = i.sku)))"
      "             AND (p.sku IN (%1$s) OR p.asin IN (%1$s)"
      "               OR EXISTS (SELECT 1 FROM product_barcodes b"
      "                 WHERE b.sku = p.sku AND b.barcode IN (%1$s))))))"
      " ORDER BY coalesce (o.ship_by_latest, o.purchased_at), o.purchased_at, o.id"
      " LIMIT 1",
      list->str, excluded->str);
  stmt = pb_store_prepare (store, sql, error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < n_codes; i++)
    sqlite3_bind_text (stmt, (int)i + 1, codes[i], -1, SQLITE_STATIC);
  for (guint i = 0; i < n_exclude; i++)
    sqlite3_bind_text (stmt, (int)(n_codes + i) + 1, exclude[i], -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *order_id = dup_column (stmt, 0);
  else if (rc != SQLITE_DONE)
    {
      pb_store_set_sql_error (store, error, _ ("Looking for an order to pack"));
      return FALSE;
    }
  return TRUE;
}

GPtrArray *
pb_orders_list_single_item (PbStore *store, const char *const *codes, GError **error)
{
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GString) list = g_string_new (NULL);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autofree char *sql = NULL;
  guint n_codes;
  int rc;

  g_return_val_if_fail (codes != NULL && codes[0] != NULL, NULL);

  n_codes = g_strv_length ((char **)codes);
  for (guint i = 1; i <= n_codes; i++)
    g_string_append_printf (list, "%s?%u", i > 1 ? ", " : "", i);
  sql = g_strdup_printf (
      "SELECT o.id FROM orders o"
      " WHERE (o.state = 'unshipped' OR (o.state = 'labelled' AND o.printed_at IS NULL))"
      "   AND o.cancel_requested = 0"
      "   AND (SELECT sum (i.quantity - i.quantity_shipped) FROM order_items i"
      "     WHERE i.order_id = o.id AND i.quantity > i.quantity_shipped) = 1"
      "   AND EXISTS (SELECT 1 FROM order_items i"
      "     WHERE i.order_id = o.id AND i.quantity > i.quantity_shipped"
      "       AND (i.sku IN (%1$s) OR i.asin IN (%1$s)"
      "         OR EXISTS (SELECT 1 FROM products p"
      "           WHERE (p.sku = i.sku"
      "                  OR (p.asin = i.asin"
      "                      AND NOT EXISTS (SELECT 1 FROM products q WHERE q.sku = i.sku)))"
      "             AND (p.sku IN (%1$s) OR p.asin IN (%1$s)"
      "               OR EXISTS (SELECT 1 FROM product_barcodes b"
      "                 WHERE b.sku = p.sku AND b.barcode IN (%1$s))))))"
      " ORDER BY coalesce (o.ship_by_latest, o.purchased_at), o.purchased_at, o.id",
      list->str);
  stmt = pb_store_prepare (store, sql, error);
  if (stmt == NULL)
    return NULL;
  for (guint i = 0; i < n_codes; i++)
    sqlite3_bind_text (stmt, (int)i + 1, codes[i], -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (ids, dup_column (stmt, 0));
  if (rc != SQLITE_DONE)
    {
      pb_store_set_sql_error (store, error, _ ("Looking for single-item orders"));
      return NULL;
    }
  return g_steal_pointer (&ids);
}

gint64
pb_orders_get_pack_started (PbStore *store, const char *order_id)
{
  g_autoptr (sqlite3_stmt) stmt
      = pb_store_prepare (store, "SELECT pack_started_at FROM orders WHERE id = ?1", NULL);

  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, order_id, -1, SQLITE_STATIC);
  return sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
}

gboolean
pb_orders_set_pack_times (PbStore *store, const char *order_id, gint64 started_at,
                          gint64 completed_at, const char *operator_name, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (order_id != NULL, FALSE);

  stmt = pb_store_prepare (store,
                           "UPDATE orders SET pack_started_at = ?2, pack_completed_at = ?3,"
                           " packed_by = ?4 WHERE id = ?1",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, order_id, -1, SQLITE_STATIC);
  bind_time (stmt, 2, started_at);
  bind_time (stmt, 3, completed_at);
  bind_text (stmt, 4, operator_name);
  if (!step_done (store, stmt, error))
    return FALSE;
  if (sqlite3_changes (pb_store_get_db (store)) == 0)
    {
      g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID,
                   _ ("There is no order %s in this store. Run a sync first."), order_id);
      return FALSE;
    }
  return TRUE;
}
