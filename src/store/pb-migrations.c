/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "pb-migrations.h"
#include "pb-store-private.h"

/* Migration N brings the schema from version N-1 to N. Append only: never
 * edit a step that has shipped. */
static const char *const migrations[] = {
  /* 1: store identity, operators, settings and secrets, the audit log */
  "CREATE TABLE meta ("
  "  key TEXT PRIMARY KEY,"
  "  value TEXT NOT NULL);"

  "CREATE TABLE operators ("
  "  id INTEGER PRIMARY KEY,"
  "  username TEXT NOT NULL UNIQUE COLLATE NOCASE,"
  "  full_name TEXT NOT NULL DEFAULT '',"
  "  role TEXT NOT NULL CHECK (role IN ('packer', 'supervisor', 'admin')),"
  "  disabled INTEGER NOT NULL DEFAULT 0,"
  "  totp_secret TEXT,"
  "  totp_last_step INTEGER NOT NULL DEFAULT 0,"
  "  password_changed_at INTEGER NOT NULL,"
  "  must_change_password INTEGER NOT NULL DEFAULT 0,"
  "  created_at INTEGER NOT NULL,"
  "  last_login_at INTEGER);"

  "CREATE TABLE settings ("
  "  key TEXT PRIMARY KEY,"
  "  value TEXT NOT NULL,"
  "  updated_at INTEGER NOT NULL,"
  "  updated_by TEXT NOT NULL);"

  "CREATE TABLE audit ("
  "  seq INTEGER PRIMARY KEY,"
  "  time INTEGER NOT NULL,"
  "  operator TEXT NOT NULL,"
  "  action TEXT NOT NULL,"
  "  subject TEXT NOT NULL DEFAULT '',"
  "  outcome TEXT NOT NULL,"
  "  detail TEXT NOT NULL DEFAULT '',"
  "  prev_hash TEXT NOT NULL,"
  "  hash TEXT NOT NULL);"
  "CREATE INDEX audit_time ON audit (time);"
  "CREATE INDEX audit_action ON audit (action);"

  /* The program only ever appends; these stop a careless edit. A
   * deliberate one (dropping the triggers) is caught by the hash chain. */
  "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
  " BEGIN SELECT RAISE (ABORT, 'the audit log is append-only'); END;"
  "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
  " BEGIN SELECT RAISE (ABORT, 'the audit log is append-only'); END;",

  /* 2: Amazon orders and their items, the outbox of remote side effects */
  "CREATE TABLE orders ("
  "  id TEXT PRIMARY KEY,"
  "  marketplace_id TEXT NOT NULL DEFAULT '',"
  "  state TEXT NOT NULL,"
  "  amazon_status TEXT NOT NULL,"
  "  purchased_at INTEGER NOT NULL,"
  "  amazon_updated_at INTEGER NOT NULL,"
  "  ship_by_earliest INTEGER, ship_by_latest INTEGER,"
  "  deliver_by_earliest INTEGER, deliver_by_latest INTEGER,"
  "  service_level TEXT,"
  "  is_prime INTEGER NOT NULL DEFAULT 0,"
  "  package_status TEXT,"
  "  delivered_at INTEGER,"
  "  cancelled_at INTEGER,"
  "  cancel_requested INTEGER NOT NULL DEFAULT 0,"
  "  attention TEXT,"
  "  tracking_number TEXT,"
  "  shipped_at INTEGER,"
  "  shipped_by TEXT,"
  /* PII: only here, nulled by the retention purge. */
  "  recipient_name TEXT,"
  "  company_name TEXT,"
  "  address_line1 TEXT,"
  "  address_line2 TEXT,"
  "  address_line3 TEXT,"
  "  city TEXT,"
  "  county TEXT,"
  "  postcode TEXT,"
  "  country_code TEXT,"
  "  phone TEXT,"
  "  address_type TEXT,"
  "  delivery_instructions TEXT,"
  "  purged_at INTEGER,"
  "  first_seen_at INTEGER NOT NULL,"
  "  last_synced_at INTEGER NOT NULL);"
  "CREATE INDEX orders_state ON orders (state, ship_by_latest);"
  "CREATE INDEX orders_purchased ON orders (purchased_at);"

  "CREATE TABLE order_items ("
  "  order_id TEXT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,"
  "  item_id TEXT NOT NULL,"
  "  sku TEXT,"
  "  asin TEXT,"
  "  title TEXT,"
  "  quantity INTEGER NOT NULL,"
  "  quantity_shipped INTEGER NOT NULL DEFAULT 0,"
  "  unit_price TEXT,"
  "  currency TEXT,"
  "  gift_message TEXT," /* PII */
  "  gift_wrap_level TEXT,"
  "  cancel_requested INTEGER NOT NULL DEFAULT 0,"
  "  PRIMARY KEY (order_id, item_id));"
  "CREATE INDEX order_items_sku ON order_items (sku);"
  "CREATE INDEX order_items_asin ON order_items (asin);"

  "CREATE TABLE outbox ("
  "  id INTEGER PRIMARY KEY,"
  "  kind TEXT NOT NULL,"
  "  order_id TEXT,"
  "  dedupe_key TEXT NOT NULL UNIQUE,"
  "  payload TEXT NOT NULL,"
  "  state TEXT NOT NULL CHECK (state IN ('pending', 'in_progress', 'done', 'attention',"
  "                                       'discarded')),"
  "  attempts INTEGER NOT NULL DEFAULT 0,"
  "  next_attempt_at INTEGER NOT NULL,"
  "  last_error TEXT,"
  "  created_at INTEGER NOT NULL,"
  "  created_by TEXT NOT NULL,"
  "  updated_at INTEGER NOT NULL);"
  "CREATE INDEX outbox_due ON outbox (state, next_attempt_at);",

  /* 3: stored documents (labels, manifests: PII, deleted by the purge), and
   * an index that keeps the purge's search to orders not yet purged */
  "CREATE TABLE documents ("
  "  id INTEGER PRIMARY KEY,"
  "  order_id TEXT REFERENCES orders (id) ON DELETE CASCADE,"
  "  kind TEXT NOT NULL,"
  "  content_type TEXT NOT NULL,"
  "  data BLOB NOT NULL,"
  "  created_at INTEGER NOT NULL);"
  "CREATE INDEX documents_order ON documents (order_id);"
  "CREATE INDEX orders_unpurged ON orders (purged_at) WHERE purged_at IS NULL;",

  /* 4: the product catalogue and the rules that choose package and service */
  "CREATE TABLE products ("
  "  sku TEXT PRIMARY KEY,"
  "  asin TEXT,"
  "  title TEXT,"
  "  weight_g INTEGER,"
  "  package_format TEXT,"
  "  customs_description TEXT,"
  "  hs_code TEXT,"
  "  origin_country TEXT,"
  "  updated_at INTEGER NOT NULL);"
  "CREATE TABLE product_barcodes ("
  "  barcode TEXT PRIMARY KEY,"
  "  sku TEXT NOT NULL REFERENCES products (sku) ON DELETE CASCADE);"
  "CREATE INDEX product_barcodes_sku ON product_barcodes (sku);"
  "CREATE INDEX products_asin ON products (asin);"
  "CREATE TABLE rules ("
  "  id INTEGER PRIMARY KEY,"
  "  position INTEGER NOT NULL,"
  "  sku TEXT,"
  "  min_weight_g INTEGER,"
  "  max_weight_g INTEGER,"
  "  service_level TEXT,"
  "  destination TEXT,"
  "  package_format TEXT NOT NULL,"
  "  service_code TEXT NOT NULL,"
  "  created_by TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL);",

  /* 5: the Royal Mail label of an order */
  "ALTER TABLE orders ADD COLUMN rm_order_identifier INTEGER;"
  "ALTER TABLE orders ADD COLUMN label_service TEXT;"
  "ALTER TABLE orders ADD COLUMN label_format TEXT;"
  "ALTER TABLE orders ADD COLUMN label_weight_g INTEGER;"
  "ALTER TABLE orders ADD COLUMN labelled_at INTEGER;"
  "ALTER TABLE orders ADD COLUMN labelled_by TEXT;"
  "ALTER TABLE orders ADD COLUMN printed_at INTEGER;"
  "ALTER TABLE orders ADD COLUMN manifest_number INTEGER;",

  /* 6: when packing an order began (its first scan) and ended (its last
   * unit verified), and who packed it: the scan-to-print statistics */
  "ALTER TABLE orders ADD COLUMN pack_started_at INTEGER;"
  "ALTER TABLE orders ADD COLUMN pack_completed_at INTEGER;"
  "ALTER TABLE orders ADD COLUMN packed_by TEXT;",

  /* 7: where a product is kept on the shelves (the pick list) */
  "ALTER TABLE products ADD COLUMN bin TEXT;",

  /* 8: a kept manifest's Royal Mail number, to list manifests by it */
  "ALTER TABLE documents ADD COLUMN manifest_number INTEGER;",

  /* 9: an order sent as several parcels (no PII: weights, order item ids,
   * tracking numbers). Parcel 1's label is also the order's own. */
  "CREATE TABLE parcels ("
  "  order_id TEXT NOT NULL REFERENCES orders (id),"
  "  number INTEGER NOT NULL CHECK (number >= 1),"
  "  weight_g INTEGER NOT NULL,"
  "  items TEXT NOT NULL,"
  "  tracking_number TEXT,"
  "  PRIMARY KEY (order_id, number));",

  /* 10: how many units of a product fit one parcel (the split by
   * quantity) */
  "ALTER TABLE products ADD COLUMN units_per_parcel INTEGER;",
};

int
pb_migrations_latest (void)
{
  return G_N_ELEMENTS (migrations);
}

gboolean
pb_migrations_run (PbStore *store, GError **error)
{
  int current = pb_store_get_schema_version (store);

  if (current < 0)
    {
      pb_store_set_sql_error (store, error, _ ("Reading the schema version"));
      return FALSE;
    }
  if (current > pb_migrations_latest ())
    {
      g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID,
                   _ ("This store was written by a newer Packbench (schema %d; this version "
                      "knows %d). Update Packbench on this bench."),
                   current, pb_migrations_latest ());
      return FALSE;
    }

  for (int version = current + 1; version <= pb_migrations_latest (); version++)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d", version);

      if (!pb_store_begin (store, error))
        return FALSE;
      if (!pb_store_exec (store, migrations[version - 1], error)
          || !pb_store_exec (store, bump, error) || !pb_store_commit (store, error))
        {
          pb_store_rollback (store);
          g_prefix_error (error, _ ("Updating the store to schema %d: "), version);
          return FALSE;
        }
    }

  return TRUE;
}
