/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include "pb-parcels.h"
#include "pb-store-private.h"

static void
parcel_item_clear (PbParcelItem *item)
{
  g_free (item->order_item_id);
}

PbParcel *
pb_parcel_new (guint number, gint weight_g)
{
  PbParcel *parcel = g_new0 (PbParcel, 1);

  parcel->number = number;
  parcel->weight_g = weight_g;
  parcel->items = g_array_new (FALSE, TRUE, sizeof (PbParcelItem));
  g_array_set_clear_func (parcel->items, (GDestroyNotify)parcel_item_clear);
  return parcel;
}

void
pb_parcel_add_item (PbParcel *parcel, const char *order_item_id, gint quantity)
{
  PbParcelItem item = { g_strdup (order_item_id), quantity };

  /* One entry per order item: a second mention adds to the first. */
  for (guint i = 0; i < parcel->items->len; i++)
    {
      PbParcelItem *have = &g_array_index (parcel->items, PbParcelItem, i);

      if (g_str_equal (have->order_item_id, order_item_id))
        {
          have->quantity += quantity;
          g_free (item.order_item_id);
          return;
        }
    }
  g_array_append_val (parcel->items, item);
}

void
pb_parcel_free (PbParcel *parcel)
{
  if (parcel == NULL)
    return;
  g_clear_pointer (&parcel->items, g_array_unref);
  g_free (parcel->tracking_number);
  g_free (parcel);
}

void
pb_parcel_items_to_json (GArray *items, JsonBuilder *builder)
{
  json_builder_begin_array (builder);
  for (guint i = 0; i < items->len; i++)
    {
      const PbParcelItem *item = &g_array_index (items, PbParcelItem, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "order_item_id");
      json_builder_add_string_value (builder, item->order_item_id);
      json_builder_set_member_name (builder, "quantity");
      json_builder_add_int_value (builder, item->quantity);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static char *
items_to_json (const PbParcel *parcel)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;

  pb_parcel_items_to_json (parcel->items, builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static gboolean
items_from_json (PbParcel *parcel, const char *text, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonArray *items;

  if (text == NULL || !json_parser_load_from_data (parser, text, -1, NULL)
      || !JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)))
    goto bad;
  items = json_node_get_array (json_parser_get_root (parser));
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item;
      const char *id;
      gint64 quantity;

      if (!JSON_NODE_HOLDS_OBJECT (json_array_get_element (items, i)))
        goto bad;
      item = json_array_get_object_element (items, i);
      id = json_object_get_string_member_with_default (item, "order_item_id", NULL);
      quantity = json_object_get_int_member_with_default (item, "quantity", 0);
      if (id == NULL || quantity < 1 || quantity > G_MAXINT)
        goto bad;
      pb_parcel_add_item (parcel, id, (gint)quantity);
    }
  return TRUE;

bad:
  g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_CORRUPT,
               _ ("The store’s record of parcel %u is damaged."), parcel->number);
  return FALSE;
}

GPtrArray *
pb_parcels_get (PbStore *store, const char *order_id, GError **error)
{
  g_autoptr (GPtrArray) parcels = g_ptr_array_new_with_free_func ((GDestroyNotify)pb_parcel_free);
  g_autoptr (sqlite3_stmt) stmt
      = pb_store_prepare (store,
                          "SELECT number, weight_g, items, tracking_number FROM parcels"
                          " WHERE order_id = ?1 ORDER BY number",
                          error);
  int status;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, order_id, -1, SQLITE_STATIC);
  while ((status = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr (PbParcel) parcel
          = pb_parcel_new ((guint)sqlite3_column_int (stmt, 0), sqlite3_column_int (stmt, 1));

      if (!items_from_json (parcel, pb_sql_text (stmt, 2), error))
        return NULL;
      parcel->tracking_number = g_strdup (pb_sql_text (stmt, 3));
      g_ptr_array_add (parcels, g_steal_pointer (&parcel));
    }
  if (status != SQLITE_DONE)
    {
      pb_store_set_sql_error (store, error, _ ("Reading the parcels"));
      return NULL;
    }
  return g_steal_pointer (&parcels);
}

static gboolean
step_done (PbStore *store, sqlite3_stmt *stmt, const char *what, GError **error)
{
  if (sqlite3_step (stmt) == SQLITE_DONE)
    return TRUE;
  pb_store_set_sql_error (store, error, what);
  return FALSE;
}

gboolean
pb_parcels_plan (PbStore *store, const char *order_id, GPtrArray *parcels, GError **error)
{
  g_autoptr (sqlite3_stmt) labelled = pb_store_prepare (
      store, "SELECT count(*) FROM parcels WHERE order_id = ?1 AND tracking_number IS NOT NULL",
      error);
  g_autoptr (sqlite3_stmt) forget = NULL;
  g_autoptr (sqlite3_stmt) insert = NULL;

  if (labelled == NULL)
    return FALSE;
  sqlite3_bind_text (labelled, 1, order_id, -1, SQLITE_STATIC);
  if (sqlite3_step (labelled) != SQLITE_ROW)
    {
      pb_store_set_sql_error (store, error, _ ("Saving the parcels"));
      return FALSE;
    }
  if (sqlite3_column_int (labelled, 0) > 0)
    {
      g_set_error_literal (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID,
                           _ ("This order’s parcels already have labels: void them before "
                              "splitting the order again."));
      return FALSE;
    }
  forget = pb_store_prepare (store, "DELETE FROM parcels WHERE order_id = ?1", error);
  insert = pb_store_prepare (store,
                             "INSERT INTO parcels (order_id, number, weight_g, items)"
                             " VALUES (?1, ?2, ?3, ?4)",
                             error);
  if (forget == NULL || insert == NULL)
    return FALSE;
  sqlite3_bind_text (forget, 1, order_id, -1, SQLITE_STATIC);
  if (!step_done (store, forget, _ ("Saving the parcels"), error))
    return FALSE;
  for (guint i = 0; i < parcels->len; i++)
    {
      const PbParcel *parcel = g_ptr_array_index (parcels, i);
      g_autofree char *items = items_to_json (parcel);

      sqlite3_reset (insert);
      sqlite3_bind_text (insert, 1, order_id, -1, SQLITE_STATIC);
      sqlite3_bind_int (insert, 2, (int)parcel->number);
      sqlite3_bind_int (insert, 3, parcel->weight_g);
      sqlite3_bind_text (insert, 4, items, -1, SQLITE_TRANSIENT);
      if (!step_done (store, insert, _ ("Saving the parcels"), error))
        return FALSE;
    }
  return TRUE;
}

gboolean
pb_parcels_set_tracking (PbStore *store, const char *order_id, const char *const *tracking,
                         GError **error)
{
  g_autoptr (sqlite3_stmt) count
      = pb_store_prepare (store, "SELECT count(*) FROM parcels WHERE order_id = ?1", error);
  g_autoptr (sqlite3_stmt) update = NULL;
  guint n = tracking != NULL ? g_strv_length ((char **)tracking) : 0;

  if (count == NULL)
    return FALSE;
  sqlite3_bind_text (count, 1, order_id, -1, SQLITE_STATIC);
  if (sqlite3_step (count) != SQLITE_ROW)
    {
      pb_store_set_sql_error (store, error, _ ("Saving the parcels"));
      return FALSE;
    }
  if ((guint)sqlite3_column_int (count, 0) != n)
    {
      g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID,
                   _ ("Royal Mail’s label has %u tracking numbers for an order of %d parcels. "
                      "Check the order in Click & Drop before printing."),
                   n, sqlite3_column_int (count, 0));
      return FALSE;
    }
  update = pb_store_prepare (
      store, "UPDATE parcels SET tracking_number = ?3 WHERE order_id = ?1 AND number = ?2", error);
  if (update == NULL)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      sqlite3_reset (update);
      sqlite3_bind_text (update, 1, order_id, -1, SQLITE_STATIC);
      sqlite3_bind_int (update, 2, (int)i + 1);
      sqlite3_bind_text (update, 3, tracking[i], -1, SQLITE_STATIC);
      if (!step_done (store, update, _ ("Saving the parcels"), error))
        return FALSE;
    }
  return TRUE;
}

gboolean
pb_parcels_forget (PbStore *store, const char *order_id, GError **error)
{
  g_autoptr (sqlite3_stmt) forget
      = pb_store_prepare (store, "DELETE FROM parcels WHERE order_id = ?1", error);

  if (forget == NULL)
    return FALSE;
  sqlite3_bind_text (forget, 1, order_id, -1, SQLITE_STATIC);
  return step_done (store, forget, _ ("Saving the parcels"), error);
}
