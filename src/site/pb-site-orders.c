/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "pb-site-private.h"

/*
 * Order facts, claims and shipments in the site database. Every change to
 * an order takes a new change number and notifies packbench_queue with
 * the order id (never more), so the other benches read what changed.
 */

static char *
time_param (gint64 when)
{
  return when > 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, when) : g_strdup ("");
}

static const char *
bool_param (gboolean value)
{
  return value ? "true" : "false";
}

/* ---- destination classes ---------------------------------------------- */

/* Postcode districts Royal Mail and couriers count as the Highlands and
 * Islands (the areas and district ranges of the "Scottish Highlands and
 * Islands" surcharge zones). */
static gboolean
highlands_and_islands (const char *area, int district)
{
  static const struct
  {
    const char *area;
    int from, to;
  } zones[] = {
    { "HS", 1, 99 },  { "ZE", 1, 99 },  { "KW", 1, 99 },  { "IV", 1, 99 },
    { "PH", 17, 26 }, { "PH", 30, 44 }, { "PH", 49, 50 }, { "PA", 20, 49 },
    { "PA", 60, 78 }, { "KA", 27, 28 }, { "AB", 36, 38 }, { "AB", 55, 56 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (zones); i++)
    if (g_str_equal (area, zones[i].area) && district >= zones[i].from && district <= zones[i].to)
      return TRUE;
  return FALSE;
}

const char *
pb_site_destination_class (const char *country_code, const char *postcode)
{
  char area[3] = { 0 };
  int district = 0;
  gsize i = 0;
  g_autofree char *upper = NULL;

  if (country_code == NULL || *country_code == '\0')
    return NULL;
  if (g_ascii_strcasecmp (country_code, "JE") == 0 || g_ascii_strcasecmp (country_code, "GG") == 0)
    return "CI";
  if (g_ascii_strcasecmp (country_code, "IM") == 0)
    return "IM";
  if (g_ascii_strcasecmp (country_code, "GB") != 0 && g_ascii_strcasecmp (country_code, "UK") != 0)
    return g_intern_string (upper = g_ascii_strup (country_code, -1));

  if (postcode == NULL)
    return "GB";
  upper = g_ascii_strup (postcode, -1);
  while (upper[i] == ' ')
    i++;
  if (g_str_has_prefix (upper + i, "BFPO") || g_str_has_prefix (upper + i, "BF1"))
    return "BFPO";
  for (gsize n = 0; n < 2 && g_ascii_isalpha (upper[i]); n++)
    area[n] = upper[i++];
  while (g_ascii_isdigit (upper[i]))
    district = district * 10 + (upper[i++] - '0');
  if (g_str_equal (area, "BT"))
    return "NI";
  if (g_str_equal (area, "GY") || g_str_equal (area, "JE"))
    return "CI";
  if (g_str_equal (area, "IM"))
    return "IM";
  if (highlands_and_islands (area, district))
    return "HI";
  return "GB";
}

/* ---- order facts ------------------------------------------------------ */

static gboolean
publish_one (PbSite *self, const PbOrderData *order, GError **error)
{
  g_autofree char *last_updated = time_param (order->last_updated);
  g_autofree char *created = time_param (order->created);
  g_autofree char *ship_from = time_param (order->ship_by_earliest);
  g_autofree char *ship_to = time_param (order->ship_by_latest);
  g_autofree char *deliver_from = time_param (order->deliver_by_earliest);
  g_autofree char *deliver_to = time_param (order->deliver_by_latest);
  const char *params[] = {
    order->order_id,
    order->status ? order->status : "PENDING",
    last_updated,
    created,
    ship_from,
    ship_to,
    deliver_from,
    deliver_to,
    order->service_level,
    bool_param (order->prime),
    pb_site_destination_class (order->country_code, order->postcode),
    bool_param (order->cancel_requested),
  };
  g_autoptr (PGresult) result = NULL;

  result = pb_site_exec (
      self, _ ("Saving an order in the site"),
      "INSERT INTO orders (order_id, status, last_updated, purchased_at, ship_by_earliest,"
      " ship_by_latest, deliver_by_earliest, deliver_by_latest, service_level, prime,"
      " destination_class, cancel_requested, shipped)"
      " VALUES ($1, $2,"
      " to_timestamp (nullif ($3, '')::double precision),"
      " to_timestamp (nullif ($4, '')::double precision),"
      " to_timestamp (nullif ($5, '')::double precision),"
      " to_timestamp (nullif ($6, '')::double precision),"
      " to_timestamp (nullif ($7, '')::double precision),"
      " to_timestamp (nullif ($8, '')::double precision),"
      " $9, $10::boolean, $11, $12::boolean, $2 = 'SHIPPED')"
      " ON CONFLICT (order_id) DO UPDATE SET status = excluded.status,"
      " last_updated = excluded.last_updated, purchased_at = excluded.purchased_at,"
      " ship_by_earliest = excluded.ship_by_earliest, ship_by_latest = excluded.ship_by_latest,"
      " deliver_by_earliest = excluded.deliver_by_earliest,"
      " deliver_by_latest = excluded.deliver_by_latest, service_level = excluded.service_level,"
      " prime = excluded.prime,"
      " destination_class = coalesce (excluded.destination_class, orders.destination_class),"
      " cancel_requested = excluded.cancel_requested,"
      " shipped = orders.shipped OR excluded.shipped, change = nextval ('order_change')"
      " WHERE orders.last_updated IS NULL OR excluded.last_updated IS NULL"
      " OR excluded.last_updated >= orders.last_updated"
      " RETURNING order_id",
      G_N_ELEMENTS (params), params, error);
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) == 0)
    return TRUE; /* older than what the site has */

  for (guint i = 0; order->items != NULL && i < order->items->len; i++)
    {
      const PbOrderItemData *item = g_ptr_array_index (order->items, i);
      g_autofree char *quantity = g_strdup_printf ("%d", item->quantity);
      g_autofree char *shipped = g_strdup_printf ("%d", item->quantity_shipped);
      const char *item_params[] = {
        order->order_id, item->item_id ? item->item_id : item->sku, item->sku, item->asin, quantity,
        shipped,
      };

      if (!pb_site_run (self, _ ("Saving an order in the site"),
                        "INSERT INTO order_items (order_id, item_id, sku, asin, quantity,"
                        " quantity_shipped) VALUES ($1, $2, $3, $4, $5::integer, $6::integer)"
                        " ON CONFLICT (order_id, item_id) DO UPDATE SET sku = excluded.sku,"
                        " asin = excluded.asin, quantity = excluded.quantity,"
                        " quantity_shipped = excluded.quantity_shipped",
                        G_N_ELEMENTS (item_params), item_params, error))
        return FALSE;
    }
  {
    const char *notify[] = { order->order_id };

    return pb_site_run (self, _ ("Saving an order in the site"),
                        "SELECT pg_notify ('packbench_queue', $1)", 1, notify, error);
  }
}

gboolean
pb_site_publish_orders (PbSite *self, GPtrArray *orders, GError **error)
{
  g_return_val_if_fail (PB_IS_SITE (self), FALSE);

  if (!pb_site_begin (self, error))
    return FALSE;
  for (guint i = 0; i < orders->len; i++)
    if (!publish_one (self, g_ptr_array_index (orders, i), error))
      {
        pb_site_rollback (self);
        return FALSE;
      }
  if (!pb_site_commit (self, error))
    {
      pb_site_rollback (self);
      return FALSE;
    }
  return TRUE;
}

GPtrArray *
pb_site_list_orders (PbSite *self, gint64 since, gint64 *until_out, GError **error)
{
  g_autofree char *since_text = g_strdup_printf ("%" G_GINT64_FORMAT, since);
  const char *params[] = { since_text };
  g_autoptr (PGresult) result = NULL;
  g_autoptr (GPtrArray) orders
      = g_ptr_array_new_with_free_func ((GDestroyNotify)pb_order_data_free);
  PbOrderData *order = NULL;
  gint64 until = since;

  g_return_val_if_fail (PB_IS_SITE (self), NULL);

  result = pb_site_exec (
      self, _ ("Reading orders from the site"),
      "SELECT o.order_id, o.status, coalesce (extract (epoch FROM o.last_updated)::bigint, 0),"
      " coalesce (extract (epoch FROM o.purchased_at)::bigint, 0),"
      " coalesce (extract (epoch FROM o.ship_by_earliest)::bigint, 0),"
      " coalesce (extract (epoch FROM o.ship_by_latest)::bigint, 0),"
      " coalesce (extract (epoch FROM o.deliver_by_earliest)::bigint, 0),"
      " coalesce (extract (epoch FROM o.deliver_by_latest)::bigint, 0),"
      " o.service_level, o.prime, o.cancel_requested, o.change,"
      " i.item_id, i.sku, i.asin, i.quantity, i.quantity_shipped"
      " FROM orders o LEFT JOIN order_items i USING (order_id)"
      " WHERE o.change > $1::bigint ORDER BY o.change, i.item_id",
      1, params, error);
  if (result == NULL)
    return NULL;

  for (int row = 0; row < PQntuples (result); row++)
    {
      const char *id = PQgetvalue (result, row, 0);

      if (order == NULL || !g_str_equal (order->order_id, id))
        {
          order = g_new0 (PbOrderData, 1);
          order->order_id = g_strdup (id);
          order->status = pb_site_text_value (result, row, 1);
          order->last_updated = pb_site_int64_value (result, row, 2);
          order->created = pb_site_int64_value (result, row, 3);
          order->ship_by_earliest = pb_site_int64_value (result, row, 4);
          order->ship_by_latest = pb_site_int64_value (result, row, 5);
          order->deliver_by_earliest = pb_site_int64_value (result, row, 6);
          order->deliver_by_latest = pb_site_int64_value (result, row, 7);
          order->service_level = pb_site_text_value (result, row, 8);
          order->prime = g_str_equal (PQgetvalue (result, row, 9), "t");
          order->cancel_requested = g_str_equal (PQgetvalue (result, row, 10), "t");
          order->items = g_ptr_array_new_with_free_func ((GDestroyNotify)pb_order_item_data_free);
          until = MAX (until, pb_site_int64_value (result, row, 11));
          g_ptr_array_add (orders, order);
        }
      if (!PQgetisnull (result, row, 12))
        {
          PbOrderItemData *item = g_new0 (PbOrderItemData, 1);

          item->item_id = pb_site_text_value (result, row, 12);
          item->sku = pb_site_text_value (result, row, 13);
          item->asin = pb_site_text_value (result, row, 14);
          item->quantity = (gint)pb_site_int64_value (result, row, 15);
          item->quantity_shipped = (gint)pb_site_int64_value (result, row, 16);
          g_ptr_array_add (order->items, item);
        }
    }
  if (until_out)
    *until_out = until;
  return g_steal_pointer (&orders);
}

/* ---- claims ----------------------------------------------------------- */

void
pb_site_claim_clear (PbSiteClaim *claim)
{
  g_clear_pointer (&claim->bench, g_free);
  g_clear_pointer (&claim->operator_name, g_free);
  g_clear_pointer (&claim->tracking_number, g_free);
  claim->since = 0;
  claim->shipped = 0;
  claim->rm_order_identifier = 0;
}

gboolean
pb_site_get_claim (PbSite *self, const char *order_id, PbSiteClaim *claim, GError **error)
{
  const char *params[] = { order_id };
  g_autoptr (PGresult) result = NULL;

  g_return_val_if_fail (PB_IS_SITE (self), FALSE);

  result = pb_site_exec (
      self, _ ("Reading who has the order"),
      "SELECT o.claimed_by, o.claimed_operator, coalesce (extract (epoch FROM "
      "o.claimed_at)::bigint, 0),"
      " s.bench, s.operator, coalesce (extract (epoch FROM s.labelled_at)::bigint, 0),"
      " s.tracking_number, coalesce (extract (epoch FROM s.began_at)::bigint, 0),"
      " coalesce (s.rm_order_identifier, 0)"
      " FROM orders o LEFT JOIN shipments s ON s.order_id = o.order_id AND s.parcel = 1"
      " WHERE o.order_id = $1",
      1, params, error);
  if (result == NULL)
    return FALSE;
  memset (claim, 0, sizeof *claim);
  if (PQntuples (result) == 0)
    return TRUE;
  if (!PQgetisnull (result, 0, 3))
    {
      /* A shipment outranks a claim: that bench has the order for good. */
      claim->bench = pb_site_text_value (result, 0, 3);
      claim->operator_name = pb_site_text_value (result, 0, 4);
      claim->shipped = pb_site_int64_value (result, 0, 5);
      claim->tracking_number = pb_site_text_value (result, 0, 6);
      claim->since = pb_site_int64_value (result, 0, 7);
      claim->rm_order_identifier = pb_site_int64_value (result, 0, 8);
      return TRUE;
    }
  claim->bench = pb_site_text_value (result, 0, 0);
  claim->operator_name = pb_site_text_value (result, 0, 1);
  claim->since = pb_site_int64_value (result, 0, 2);
  return TRUE;
}

void
pb_site_claim_free (PbSiteClaim *claim)
{
  if (claim == NULL)
    return;
  pb_site_claim_clear (claim);
  g_free (claim);
}

/* The orders Amazon still has as to ship that another bench holds: its
 * claim, or its shipment (which outranks a claim), parcel 1. */
static const char list_claims_sql[]
    = "SELECT o.order_id, coalesce (s.bench, o.claimed_by),"
      " coalesce (s.operator, o.claimed_operator),"
      " coalesce (extract (epoch FROM coalesce (s.began_at, o.claimed_at))::bigint, 0),"
      " coalesce (extract (epoch FROM s.labelled_at)::bigint, 0)"
      " FROM orders o LEFT JOIN shipments s ON s.order_id = o.order_id AND s.parcel = 1"
      " WHERE o.status IN ('UNSHIPPED', 'PARTIALLY_SHIPPED')"
      " AND (o.claimed_by IS NOT NULL OR s.bench IS NOT NULL)"
      " AND coalesce (s.bench, o.claimed_by) <> $1";

GHashTable *
pb_site_list_claims (PbSite *self, GError **error)
{
  const char *params[] = { pb_site_get_bench (self) };
  g_autoptr (PGresult) result = NULL;
  g_autoptr (GHashTable) claims = NULL;

  g_return_val_if_fail (PB_IS_SITE (self) && pb_site_get_bench (self) != NULL, NULL);

  result = pb_site_exec (self, _ ("Reading which orders other benches hold"), list_claims_sql,
                         G_N_ELEMENTS (params), params, error);
  if (result == NULL)
    return NULL;
  claims
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)pb_site_claim_free);
  for (int row = 0; row < PQntuples (result); row++)
    {
      PbSiteClaim *claim = g_new0 (PbSiteClaim, 1);

      claim->bench = pb_site_text_value (result, row, 1);
      claim->operator_name = pb_site_text_value (result, row, 2);
      claim->since = pb_site_int64_value (result, row, 3);
      claim->shipped = pb_site_int64_value (result, row, 4);
      g_hash_table_replace (claims, pb_site_text_value (result, row, 0), claim);
    }
  return g_steal_pointer (&claims);
}

static char *
format_time (gint64 when)
{
  g_autoptr (GDateTime) time = g_date_time_new_from_unix_local (when);

  return time ? g_date_time_format (time, "%H:%M") : g_strdup ("?");
}

/* Why this bench cannot have @order_id, in words, from who holds it. */
static void
set_held_error (PbSite *self, const char *order_id, GError **error)
{
  g_auto (PbSiteClaim) holder = { 0 };
  g_autoptr (GError) local_error = NULL;
  g_autofree char *when = NULL;

  if (!pb_site_get_claim (self, order_id, &holder, &local_error))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return;
    }
  when = format_time (holder.shipped > 0 ? holder.shipped : holder.since);
  if (holder.bench != NULL && holder.shipped > 0)
    g_set_error (error, PB_SITE_ERROR, PB_SITE_ERROR_SHIPPED,
                 _ ("Order %s was shipped at %s by %s at %s."), order_id, holder.bench,
                 holder.operator_name, when);
  else if (holder.bench != NULL && g_strcmp0 (holder.bench, pb_site_get_bench (self)) != 0)
    g_set_error (error, PB_SITE_ERROR, PB_SITE_ERROR_CLAIMED,
                 _ ("Order %s is being packed at %s by %s since %s."), order_id, holder.bench,
                 holder.operator_name, when);
  else
    g_set_error (error, PB_SITE_ERROR, PB_SITE_ERROR_SHIPPED,
                 _ ("Order %s cannot be packed: it is shipped, cancelled or not yet released "
                    "by Amazon."),
                 order_id);
}

gboolean
pb_site_claim (PbSite *self, const char *order_id, const char *operator_name, PbSiteClaim *holder,
               GError **error)
{
  const char *params[] = { order_id, pb_site_get_bench (self), operator_name };
  g_autoptr (PGresult) result = NULL;
  g_autoptr (GError) local_error = NULL;

  g_return_val_if_fail (PB_IS_SITE (self) && pb_site_get_bench (self) != NULL, FALSE);

  if (holder != NULL)
    memset (holder, 0, sizeof *holder);
  /* One statement decides; PostgreSQL re-reads a row another bench has
   * just claimed before deciding, so two benches never both win. */
  result = pb_site_exec_quick (
      self, _ ("Claiming the order"),
      "UPDATE orders SET claimed_by = $2, claimed_operator = $3,"
      " claimed_at = CASE WHEN claimed_by = $2 THEN claimed_at ELSE now () END,"
      " heartbeat_at = now (), change = nextval ('order_change')"
      " WHERE order_id = $1 AND NOT shipped AND status IN ('UNSHIPPED', 'PARTIALLY_SHIPPED')"
      " AND (claimed_by IS NULL OR claimed_by = $2)"
      " AND NOT EXISTS (SELECT 1 FROM shipments s WHERE s.order_id = $1 AND s.bench <> $2)"
      " RETURNING pg_notify ('packbench_queue', order_id)",
      G_N_ELEMENTS (params), params, error);
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) == 1)
    return TRUE;

  {
    g_autoptr (PGresult) exists
        = pb_site_exec (self, _ ("Claiming the order"),
                        "SELECT status FROM orders WHERE order_id = $1", 1, params, error);

    if (exists == NULL)
      return FALSE;
    if (PQntuples (exists) == 0)
      {
        g_set_error (error, PB_SITE_ERROR, PB_SITE_ERROR_NO_ORDER,
                     _ ("The site does not know order %s (yet): the next sync brings it."),
                     order_id);
        return FALSE;
      }
    if (g_str_equal (PQgetvalue (exists, 0, 0), "CANCELLED"))
      {
        g_set_error (error, PB_SITE_ERROR, PB_SITE_ERROR_CANCELLED,
                     _ ("Amazon has cancelled order %s. Do not send it."), order_id);
        return FALSE;
      }
  }
  {
    /* Shipped from this bench already: it stays this bench's (ship again
     * to finish a print or a confirmation). */
    g_autoptr (PGresult) own = pb_site_exec (
        self, _ ("Claiming the order"),
        "SELECT 1 FROM shipments WHERE order_id = $1 AND bench = $2", 2, params, error);

    if (own == NULL)
      return FALSE;
    if (PQntuples (own) > 0)
      return TRUE;
  }
  set_held_error (self, order_id, &local_error);
  if (holder != NULL && local_error != NULL
      && (local_error->code == PB_SITE_ERROR_CLAIMED || local_error->code == PB_SITE_ERROR_SHIPPED))
    pb_site_get_claim (self, order_id, holder, NULL);
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/* The next order to pack, the most urgent first; its row locked unless
 * another bench has it locked (SKIP LOCKED), and re-checked once locked (a
 * row another bench changed after this statement began is read again).
 * Reads the orders_to_pack index; with a SKU, order_items_open_sku. */
#define NEXT_ORDER(sku_condition)                                                                  \
  "WITH next AS (SELECT o.order_id FROM orders o"                                                  \
  " WHERE o.claimed_by IS NULL AND NOT o.shipped AND NOT o.cancel_requested"                       \
  " AND o.status IN ('UNSHIPPED', 'PARTIALLY_SHIPPED')" sku_condition                              \
  " AND NOT EXISTS (SELECT 1 FROM shipments s WHERE s.order_id = o.order_id)"                      \
  " ORDER BY o.ship_by_latest, o.purchased_at, o.order_id"                                         \
  " LIMIT 1 FOR UPDATE OF o SKIP LOCKED)"                                                          \
  " UPDATE orders SET claimed_by = $1, claimed_operator = $2, claimed_at = now (),"                \
  " heartbeat_at = now (), change = nextval ('order_change')"                                      \
  " FROM next WHERE orders.order_id = next.order_id"                                               \
  " RETURNING orders.order_id, pg_notify ('packbench_queue', orders.order_id)"

gboolean
pb_site_claim_next (PbSite *self, const char *operator_name, const char *sku, char **order_id_out,
                    GError **error)
{
  const char *params[] = { pb_site_get_bench (self), operator_name, sku };
  g_autoptr (PGresult) result = NULL;

  g_return_val_if_fail (PB_IS_SITE (self) && pb_site_get_bench (self) != NULL, FALSE);
  g_return_val_if_fail (operator_name != NULL && order_id_out != NULL, FALSE);

  *order_id_out = NULL;
  /* Two statements rather than "$3 IS NULL OR …", which would keep the
   * planner from using the SKU's index. OFFSET 0 keeps the SKU test a
   * probe of (sku, order_id) per candidate order, in ship-by order: without
   * it, on tables not yet analysed, PostgreSQL joins on the SKU alone and
   * reads every open item of that SKU for each candidate. */
  if (sku == NULL)
    result = pb_site_exec_quick (self, _ ("Claiming the next order"), NEXT_ORDER (""), 2, params,
                                 error);
  else
    result = pb_site_exec_quick (self, _ ("Claiming the next order"),
                                 NEXT_ORDER (" AND EXISTS (SELECT 1 FROM order_items i"
                                             " WHERE i.sku = $3 AND i.order_id = o.order_id"
                                             " AND i.quantity > i.quantity_shipped OFFSET 0)"),
                                 3, params, error);
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) == 1)
    *order_id_out = g_strdup (PQgetvalue (result, 0, 0));
  return TRUE;
}

gboolean
pb_site_release (PbSite *self, const char *order_id, GError **error)
{
  const char *params[] = { order_id, pb_site_get_bench (self) };
  g_autoptr (PGresult) result
      = pb_site_exec_quick (self, _ ("Releasing the order"),
                            "UPDATE orders SET claimed_by = NULL, claimed_operator = NULL,"
                            " claimed_at = NULL, heartbeat_at = NULL,"
                            " change = nextval ('order_change')"
                            " WHERE order_id = $1 AND claimed_by = $2"
                            " RETURNING pg_notify ('packbench_queue', order_id)",
                            G_N_ELEMENTS (params), params, error);

  return result != NULL;
}

/* ---- shipments -------------------------------------------------------- */

gboolean
pb_site_begin_shipment (PbSite *self, const char *order_id, const char *operator_name,
                        GError **error)
{
  const char *bench = pb_site_get_bench (self);
  const char *params[] = { order_id, bench, operator_name };
  g_autoptr (PGresult) row = NULL;
  g_autoptr (PGresult) shipment = NULL;
  g_autoptr (GError) local_error = NULL;

  g_return_val_if_fail (PB_IS_SITE (self) && bench != NULL, FALSE);

  if (!pb_site_begin (self, error))
    return FALSE;
  /* The claim is checked with the order's row locked, so it cannot change
   * hands until the shipment is on record. */
  row = pb_site_exec (self, _ ("Checking the claim"),
                      "SELECT claimed_by FROM orders WHERE order_id = $1 FOR UPDATE", 1, params,
                      &local_error);
  if (row == NULL)
    goto fail;
  if (PQntuples (row) == 0 || PQgetisnull (row, 0, 0)
      || !g_str_equal (PQgetvalue (row, 0, 0), bench))
    {
      /* Not ours: perhaps this bench began it before a crash and the claim
       * was released since; the shipment row says. */
      shipment = pb_site_exec (self, _ ("Checking the claim"),
                               "SELECT 1 FROM shipments WHERE order_id = $1 AND bench = $2", 2,
                               params, &local_error);
      if (shipment == NULL)
        goto fail;
      if (PQntuples (shipment) == 0)
        {
          pb_site_rollback (self);
          set_held_error (self, order_id, error);
          if (error != NULL && *error == NULL)
            g_set_error (error, PB_SITE_ERROR, PB_SITE_ERROR_CLAIMED,
                         _ ("This bench no longer holds order %s: open it again."), order_id);
          return FALSE;
        }
      g_clear_pointer (&shipment, PQclear);
    }

  shipment = pb_site_exec (self, _ ("Recording the shipment"),
                           "INSERT INTO shipments (order_id, parcel, bench, operator, began_at)"
                           " VALUES ($1, 1, $2, $3, now ())"
                           " ON CONFLICT (order_id, parcel) DO NOTHING RETURNING bench",
                           G_N_ELEMENTS (params), params, &local_error);
  if (shipment == NULL)
    goto fail;
  if (PQntuples (shipment) == 0)
    {
      /* There is one already: this bench's own (ship again after a crash)
       * goes on; another bench's is final. */
      g_autoptr (PGresult) existing
          = pb_site_exec (self, _ ("Recording the shipment"),
                          "SELECT bench FROM shipments WHERE order_id = $1 AND parcel = 1", 1,
                          params, &local_error);

      if (existing == NULL)
        goto fail;
      if (PQntuples (existing) == 0 || !g_str_equal (PQgetvalue (existing, 0, 0), bench))
        {
          pb_site_rollback (self);
          set_held_error (self, order_id, error);
          return FALSE;
        }
    }
  if (!pb_site_commit (self, &local_error))
    goto fail;
  return TRUE;

fail:
  pb_site_rollback (self);
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

gboolean
pb_site_abandon_shipment (PbSite *self, const char *order_id, GError **error)
{
  const char *params[] = { order_id, pb_site_get_bench (self) };

  return pb_site_run (self, _ ("Recording the shipment"),
                      "DELETE FROM shipments WHERE order_id = $1 AND bench = $2"
                      " AND tracking_number IS NULL",
                      G_N_ELEMENTS (params), params, error);
}

gboolean
pb_site_finish_shipment (PbSite *self, const char *order_id, const char *tracking_number,
                         const char *const *parcel_tracking, gint64 rm_order_identifier,
                         GError **error)
{
  g_autofree char *rm_id = g_strdup_printf ("%" G_GINT64_FORMAT, rm_order_identifier);
  const char *params[] = { order_id, pb_site_get_bench (self), tracking_number, rm_id };
  g_autoptr (PGresult) result = NULL;

  if (!pb_site_begin (self, error))
    return FALSE;
  result = pb_site_exec (self, _ ("Recording the shipment"),
                         "UPDATE shipments SET tracking_number = $3,"
                         " rm_order_identifier = $4::bigint,"
                         " labelled_at = coalesce (labelled_at, now ())"
                         " WHERE order_id = $1 AND parcel = 1 AND bench = $2 RETURNING 1",
                         G_N_ELEMENTS (params), params, error);
  if (result == NULL)
    goto fail;
  if (PQntuples (result) == 0)
    {
      g_set_error (error, PB_SITE_ERROR, PB_SITE_ERROR_FAILED,
                   _ ("The site has no shipment of order %s from this bench."), order_id);
      goto fail;
    }
  /* Parcels 2 …: rows like parcel 1's, each with its tracking number. */
  for (guint i = 1; parcel_tracking != NULL && parcel_tracking[i] != NULL; i++)
    {
      g_autofree char *number = g_strdup_printf ("%u", i + 1);
      const char *parcel[]
          = { order_id, pb_site_get_bench (self), parcel_tracking[i], rm_id, number };

      if (!pb_site_run (self, _ ("Recording the shipment"),
                        "INSERT INTO shipments (order_id, parcel, bench, operator, began_at,"
                        " tracking_number, rm_order_identifier, labelled_at)"
                        " SELECT order_id, $5::integer, bench, operator, began_at, $3,"
                        " $4::bigint, labelled_at FROM shipments"
                        " WHERE order_id = $1 AND parcel = 1 AND bench = $2"
                        " ON CONFLICT (order_id, parcel) DO UPDATE SET"
                        " tracking_number = excluded.tracking_number,"
                        " rm_order_identifier = excluded.rm_order_identifier",
                        G_N_ELEMENTS (parcel), parcel, error))
        goto fail;
    }
  if (!pb_site_run (self, _ ("Recording the shipment"),
                    "UPDATE orders SET shipped = true, claimed_by = NULL, claimed_operator = NULL,"
                    " claimed_at = NULL, heartbeat_at = NULL, change = nextval ('order_change')"
                    " WHERE order_id = $1 RETURNING pg_notify ('packbench_queue', order_id)",
                    1, params, error)
      || !pb_site_commit (self, error))
    goto fail;
  return TRUE;

fail:
  pb_site_rollback (self);
  return FALSE;
}

gboolean
pb_site_release_held (PbSite *self, const char *order_id, gint64 stale_seconds, PbSiteClaim *was,
                      GError **error)
{
  g_autofree char *stale = g_strdup_printf ("%" G_GINT64_FORMAT, stale_seconds);
  const char *params[] = { order_id, stale };
  g_autoptr (PGresult) result = NULL;

  g_return_val_if_fail (PB_IS_SITE (self) && was != NULL, FALSE);

  memset (was, 0, sizeof *was);
  if (!pb_site_get_claim (self, order_id, was, error))
    return FALSE;
  if (was->bench == NULL || was->shipped > 0)
    {
      g_set_error (error, PB_SITE_ERROR, PB_SITE_ERROR_NO_ORDER,
                   _ ("Order %s is not held by any bench."), order_id);
      return FALSE;
    }
  /* Only a claim whose bench has gone quiet, unless a supervisor insists
   * (stale_seconds 0): the claim's own row decides, in one statement. */
  result = pb_site_exec (
      self, _ ("Releasing the order"),
      "UPDATE orders SET claimed_by = NULL, claimed_operator = NULL, claimed_at = NULL,"
      " heartbeat_at = NULL, change = nextval ('order_change')"
      " WHERE order_id = $1 AND claimed_by IS NOT NULL"
      " AND ($2::bigint = 0 OR heartbeat_at < now () - make_interval (secs => $2::bigint))"
      " RETURNING pg_notify ('packbench_queue', order_id)",
      2, params, error);
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) == 0)
    {
      g_set_error (error, PB_SITE_ERROR, PB_SITE_ERROR_CLAIMED,
                   _ ("%s at %s is still working on order %s (it was heard from in the last "
                      "%d minutes). Ask there, or release it anyway with --force."),
                   was->operator_name, was->bench, order_id, (int)(stale_seconds / 60));
      return FALSE;
    }
  return TRUE;
}

gboolean
pb_site_take_over (PbSite *self, const char *order_id, const char *operator_name,
                   gint64 stale_seconds, PbSiteClaim *was, GError **error)
{
  const char *bench = pb_site_get_bench (self);
  g_autofree char *stale = g_strdup_printf ("%" G_GINT64_FORMAT, stale_seconds);
  const char *check_params[] = { order_id, stale };
  const char *params[] = { order_id, bench, operator_name };
  g_autoptr (PGresult) row = NULL;
  g_autoptr (PGresult) taken = NULL;
  g_autoptr (GError) local_error = NULL;

  g_return_val_if_fail (PB_IS_SITE (self) && bench != NULL, FALSE);
  g_return_val_if_fail (order_id != NULL && operator_name != NULL && was != NULL, FALSE);

  memset (was, 0, sizeof *was);
  if (!pb_site_begin (self, error))
    return FALSE;
  /* The order's row locked: its claim cannot change hands, nor a shipment
   * begin under it (pb_site_begin_shipment locks it too), until this
   * transaction ends. Quiet by the same test as the Problems page's
   * (pb_site_list_silent_claims). */
  row = pb_site_exec (
      self, _ ("Taking over the order"),
      "SELECT o.claimed_by, o.claimed_operator,"
      " coalesce (extract (epoch FROM o.claimed_at)::bigint, 0), o.status, o.shipped,"
      " ($2::bigint = 0 OR o.heartbeat_at IS NULL"
      "  OR o.heartbeat_at < now () - make_interval (secs => $2::bigint)),"
      " (SELECT s.bench FROM shipments s WHERE s.order_id = o.order_id ORDER BY s.parcel LIMIT 1)"
      " FROM orders o WHERE o.order_id = $1 FOR UPDATE OF o",
      G_N_ELEMENTS (check_params), check_params, &local_error);
  if (row == NULL)
    goto fail;
  if (PQntuples (row) == 0)
    {
      g_set_error (&local_error, PB_SITE_ERROR, PB_SITE_ERROR_NO_ORDER,
                   _ ("The site does not know order %s."), order_id);
      goto fail;
    }
  was->bench = pb_site_text_value (row, 0, 0);
  was->operator_name = pb_site_text_value (row, 0, 1);
  was->since = pb_site_int64_value (row, 0, 2);
  if (g_str_equal (PQgetvalue (row, 0, 3), "CANCELLED"))
    g_set_error (&local_error, PB_SITE_ERROR, PB_SITE_ERROR_CANCELLED,
                 _ ("Amazon has cancelled order %s. Do not send it."), order_id);
  else if (!PQgetisnull (row, 0, 6))
    {
      g_autofree char *shipment_bench = pb_site_text_value (row, 0, 6);

      g_set_error (&local_error, PB_SITE_ERROR, PB_SITE_ERROR_SHIPPED,
                   _ ("A label of order %s was bought or begun at %s: it is finished there, "
                      "not taken over."),
                   order_id, shipment_bench);
    }
  else if (g_str_equal (PQgetvalue (row, 0, 4), "t"))
    g_set_error (&local_error, PB_SITE_ERROR, PB_SITE_ERROR_SHIPPED,
                 _ ("Order %s has been shipped."), order_id);
  else if (!g_str_equal (PQgetvalue (row, 0, 3), "UNSHIPPED")
           && !g_str_equal (PQgetvalue (row, 0, 3), "PARTIALLY_SHIPPED"))
    g_set_error (&local_error, PB_SITE_ERROR, PB_SITE_ERROR_SHIPPED,
                 _ ("Order %s cannot be packed: it is shipped, cancelled or not yet released "
                    "by Amazon."),
                 order_id);
  else if (was->bench == NULL)
    g_set_error (&local_error, PB_SITE_ERROR, PB_SITE_ERROR_NO_ORDER,
                 _ ("Order %s is not held by any bench: open it at this bench to pack it."),
                 order_id);
  else if (g_str_equal (was->bench, bench))
    g_set_error (&local_error, PB_SITE_ERROR, PB_SITE_ERROR_EXISTS,
                 _ ("This bench holds order %s already."), order_id);
  else if (!g_str_equal (PQgetvalue (row, 0, 5), "t"))
    {
      g_autofree char *when = format_time (was->since);

      g_set_error (&local_error, PB_SITE_ERROR, PB_SITE_ERROR_CLAIMED,
                   _ ("%s at %s is still working on order %s (since %s; the bench was heard from "
                      "in the last %d minutes). Ask there first."),
                   was->operator_name ? was->operator_name : "—", was->bench, order_id, when,
                   (int)(stale_seconds / 60));
    }
  if (local_error != NULL)
    goto fail;

  taken = pb_site_exec (self, _ ("Taking over the order"),
                        "UPDATE orders SET claimed_by = $2, claimed_operator = $3,"
                        " claimed_at = now (), heartbeat_at = now (),"
                        " change = nextval ('order_change')"
                        " WHERE order_id = $1 RETURNING pg_notify ('packbench_queue', order_id)",
                        G_N_ELEMENTS (params), params, &local_error);
  if (taken == NULL || !pb_site_commit (self, &local_error))
    goto fail;
  return TRUE;

fail:
  pb_site_rollback (self);
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/* ---- End of Day ------------------------------------------------------- */

void
pb_site_label_free (PbSiteLabel *label)
{
  if (label == NULL)
    return;
  g_free (label->order_id);
  g_free (label->tracking_number);
  g_free (label->bench);
  g_free (label->operator_name);
  g_free (label);
}

GPtrArray *
pb_site_labels_from_result (PGresult *result)
{
  GPtrArray *labels = g_ptr_array_new_with_free_func ((GDestroyNotify)pb_site_label_free);

  for (int row = 0; row < PQntuples (result); row++)
    {
      PbSiteLabel *label = g_new0 (PbSiteLabel, 1);

      label->order_id = pb_site_text_value (result, row, 0);
      label->tracking_number = pb_site_text_value (result, row, 1);
      label->bench = pb_site_text_value (result, row, 2);
      label->operator_name = pb_site_text_value (result, row, 3);
      label->labelled_at = pb_site_int64_value (result, row, 4);
      label->manifest = pb_site_int64_value (result, row, 5);
      g_ptr_array_add (labels, label);
    }
  return labels;
}

GPtrArray *
pb_site_list_labels (PbSite *self, gboolean unmanifested, GError **error)
{
  const char *params[] = { unmanifested ? "true" : "false" };
  g_autoptr (PGresult) result = NULL;

  g_return_val_if_fail (PB_IS_SITE (self), NULL);

  result
      = pb_site_exec (self, _ ("Reading the site’s labels"),
                      "SELECT order_id, tracking_number, bench, operator,"
                      " coalesce (extract (epoch FROM labelled_at)::bigint, 0),"
                      " coalesce (manifest, 0) FROM shipments"
                      " WHERE tracking_number IS NOT NULL AND (NOT $1::boolean OR manifest IS NULL)"
                      " ORDER BY labelled_at, order_id, parcel",
                      1, params, error);
  return result != NULL ? pb_site_labels_from_result (result) : NULL;
}

gboolean
pb_site_record_manifest (PbSite *self, gint64 number, const char *operator_name, gint64 asked_at,
                         guint *n_labels, GError **error)
{
  g_autofree char *number_text = g_strdup_printf ("%" G_GINT64_FORMAT, number);
  g_autofree char *asked_text = g_strdup_printf ("%" G_GINT64_FORMAT, asked_at);
  const char *params[] = { number_text, asked_text, pb_site_get_bench (self), operator_name };
  g_autoptr (PGresult) marked = NULL;
  g_autofree char *count = NULL;

  g_return_val_if_fail (PB_IS_SITE (self) && pb_site_get_bench (self) != NULL, FALSE);

  if (!pb_site_begin (self, error))
    return FALSE;
  /* The labels Click & Drop had by then, whichever bench bought them. */
  marked = pb_site_exec (self, _ ("Recording the manifest"),
                         "UPDATE shipments SET manifest = $1::bigint"
                         " WHERE manifest IS NULL AND tracking_number IS NOT NULL"
                         " AND labelled_at <= to_timestamp ($2::bigint) RETURNING order_id",
                         2, params, error);
  if (marked == NULL)
    goto fail;
  count = g_strdup_printf ("%d", PQntuples (marked));
  {
    const char *row[] = { number_text, pb_site_get_bench (self), operator_name, count };

    if (!pb_site_run (self, _ ("Recording the manifest"),
                      "INSERT INTO manifests (number, bench, operator, labels)"
                      " VALUES ($1::bigint, $2, $3, $4::integer)"
                      " ON CONFLICT (number) DO UPDATE SET labels = manifests.labels + $4::integer",
                      4, row, error)
        || !pb_site_commit (self, error))
      goto fail;
  }
  if (n_labels != NULL)
    *n_labels = (guint)PQntuples (marked);
  return TRUE;

fail:
  pb_site_rollback (self);
  return FALSE;
}

GHashTable *
pb_site_manifests_of (PbSite *self, GPtrArray *order_ids, GError **error)
{
  g_autoptr (GHashTable) manifests
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr (GString) array = g_string_new ("{");
  g_autoptr (PGresult) result = NULL;

  g_return_val_if_fail (PB_IS_SITE (self), NULL);

  if (order_ids->len == 0)
    return g_steal_pointer (&manifests);
  /* An array literal: each id quoted, its quotes and backslashes escaped. */
  for (guint i = 0; i < order_ids->len; i++)
    {
      g_string_append (array, i ? ",\"" : "\"");
      for (const char *c = g_ptr_array_index (order_ids, i); *c != '\0'; c++)
        {
          if (*c == '"' || *c == '\\')
            g_string_append_c (array, '\\');
          g_string_append_c (array, *c);
        }
      g_string_append_c (array, '"');
    }
  g_string_append_c (array, '}');
  {
    const char *params[] = { array->str, pb_site_get_bench (self) };

    result = pb_site_exec (self, _ ("Reading the site’s manifests"),
                           "SELECT order_id, manifest FROM shipments"
                           " WHERE order_id = ANY ($1::text[]) AND bench = $2"
                           " AND manifest IS NOT NULL",
                           2, params, error);
  }
  if (result == NULL)
    return NULL;
  for (int row = 0; row < PQntuples (result); row++)
    {
      gint64 *number = g_new (gint64, 1);

      *number = pb_site_int64_value (result, row, 1);
      g_hash_table_insert (manifests, pb_site_text_value (result, row, 0), number);
    }
  return g_steal_pointer (&manifests);
}
