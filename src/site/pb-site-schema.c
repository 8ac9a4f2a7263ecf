/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "pb-site-private.h"

/*
 * The site database's schema. Forward-only: a step is never edited once
 * released, a change is a new step. No column may hold personal data (a
 * name, an address, a postcode, a phone number, a gift message, a label)
 * or a secret in clear: docs/SECURITY.md lists what each table holds.
 */
const char *const pb_site_migrations[PB_SITE_SCHEMA_VERSION] = {
  /* 0 → 1: the site, its benches, order facts, claims and shipments. */
  "CREATE TABLE site ("
  " id integer PRIMARY KEY CHECK (id = 1),"
  " site_id text NOT NULL,"
  " store_id text NOT NULL,"
  " keyslots text NOT NULL," /* the keyslot file: wrapped keys only */
  " created_at timestamptz NOT NULL DEFAULT now ());"

  "CREATE TABLE benches ("
  " name text PRIMARY KEY CHECK (length (name) BETWEEN 1 AND 64),"
  " version text,"
  " joined_at timestamptz NOT NULL,"
  " last_seen timestamptz NOT NULL,"
  " removed_at timestamptz);"

  "CREATE SEQUENCE order_change;"

  "CREATE TABLE orders ("
  " order_id text PRIMARY KEY,"
  " status text NOT NULL," /* Amazon's fulfilment status */
  " shipped boolean NOT NULL DEFAULT false,"
  " last_updated timestamptz,"
  " purchased_at timestamptz,"
  " ship_by_earliest timestamptz, ship_by_latest timestamptz,"
  " deliver_by_earliest timestamptz, deliver_by_latest timestamptz,"
  " service_level text,"
  " prime boolean NOT NULL DEFAULT false,"
  " destination_class text,"
  " cancel_requested boolean NOT NULL DEFAULT false,"
  " claimed_by text REFERENCES benches (name),"
  " claimed_operator text,"
  " claimed_at timestamptz,"
  " heartbeat_at timestamptz,"
  " change bigint NOT NULL DEFAULT nextval ('order_change'));"
  "CREATE INDEX orders_change ON orders (change);"

  "CREATE TABLE order_items ("
  " order_id text NOT NULL REFERENCES orders (order_id) ON DELETE CASCADE,"
  " item_id text NOT NULL,"
  " sku text,"
  " asin text,"
  " quantity integer NOT NULL,"
  " quantity_shipped integer NOT NULL DEFAULT 0,"
  " PRIMARY KEY (order_id, item_id));"

  "CREATE TABLE shipments ("
  " order_id text NOT NULL REFERENCES orders (order_id),"
  " parcel integer NOT NULL DEFAULT 1,"
  " bench text NOT NULL REFERENCES benches (name),"
  " operator text NOT NULL,"
  " began_at timestamptz NOT NULL,"
  " tracking_number text,"
  " rm_order_identifier bigint,"
  " labelled_at timestamptz,"
  " PRIMARY KEY (order_id, parcel));"

  /* Operators: role and state in clear (no one's name), the rest sealed
   * under the site master key (AES-256-GCM, bound to the username). */
  "CREATE TABLE operators ("
  " username text PRIMARY KEY,"
  " role text NOT NULL,"
  " disabled boolean NOT NULL,"
  " sealed text NOT NULL,"
  " updated_at timestamptz NOT NULL DEFAULT now ());"

  /* Business settings and credentials shared by every bench, each value
   * sealed under the site master key and bound to its key. */
  "CREATE TABLE settings ("
  " key text PRIMARY KEY,"
  " sealed text NOT NULL,"
  " updated_at timestamptz NOT NULL DEFAULT now ());"

  "CREATE TABLE sync_state ("
  " key text PRIMARY KEY,"
  " value text);",

  /* 1 → 2: "the next order to pack" (pb_site_claim_next) reads the orders
   * nobody holds in ship-by order, and the open items of one SKU, without
   * reading every shipped order the site ever had. */
  "CREATE INDEX orders_to_pack ON orders (ship_by_latest, purchased_at, order_id)"
  " WHERE claimed_by IS NULL AND NOT shipped AND NOT cancel_requested;"
  "CREATE INDEX order_items_open_sku ON order_items (sku, order_id)"
  " WHERE quantity > quantity_shipped;",

  /* 2 → 3: one catalogue and one set of shipping rules for the site. The
   * catalogue as a log of imports (each a whole CSV, sealed), applied in
   * order by every bench; the rules as one sealed document with a version. */
  "CREATE TABLE catalogue_imports ("
  " seq bigserial PRIMARY KEY,"
  " sealed text NOT NULL,"
  " bench text,"
  " imported_at timestamptz NOT NULL DEFAULT now ());"
  "CREATE TABLE shared_documents ("
  " name text PRIMARY KEY,"
  " sealed text NOT NULL,"
  " version bigint NOT NULL);",

  /* 3 → 4: every bench's audit chain, copied row for row (hashes and all)
   * from its store; a chain is named by the hash of its first row, so a
   * bench that leaves and joins again with a new store starts a new one.
   * Never PII: the audit log holds none by design. */
  "CREATE TABLE audit_events ("
  " chain text NOT NULL,"
  " seq bigint NOT NULL CHECK (seq > 0),"
  " bench text NOT NULL,"
  " time bigint NOT NULL,"
  " actor text NOT NULL,"
  " action text NOT NULL,"
  " subject text NOT NULL,"
  " outcome text NOT NULL,"
  " detail text NOT NULL,"
  " prev_hash text NOT NULL,"
  " hash text NOT NULL,"
  " PRIMARY KEY (chain, seq));"
  "CREATE INDEX audit_events_time ON audit_events (time);",

  /* 4 → 5: End of Day for the site. Click & Drop's manifest covers every
   * label of the account, whichever bench bought it: the manifest's number
   * on each shipment it covers, and the manifests by number (their
   * documents stay on the bench that made them: they may name buyers). */
  "ALTER TABLE shipments ADD COLUMN manifest bigint;"
  "CREATE TABLE manifests ("
  " number bigint PRIMARY KEY,"
  " bench text NOT NULL,"
  " operator text NOT NULL,"
  " created_at timestamptz NOT NULL DEFAULT now (),"
  " labels integer NOT NULL);"
  "CREATE INDEX shipments_unmanifested ON shipments (labelled_at)"
  " WHERE manifest IS NULL AND tracking_number IS NOT NULL;",

  /* 5 → 6: supervision across the site. Each bench's printer as its last
   * heartbeat found it (a fixed keyword, e.g. "ready", "media-empty");
   * when a bench voided a shipment's label; and a summary of each bench's
   * outbox: kind, order id, state, attempts and next try, whether it has
   * failed, never the error's text (it may quote an address). */
  "ALTER TABLE benches ADD COLUMN printer_state text,"
  " ADD COLUMN printer_checked_at timestamptz;"
  "ALTER TABLE shipments ADD COLUMN voided_at timestamptz;"
  "CREATE TABLE bench_outbox ("
  " bench text NOT NULL REFERENCES benches (name),"
  " item bigint NOT NULL,"
  " kind text NOT NULL,"
  " order_id text,"
  " state text NOT NULL,"
  " attempts integer NOT NULL,"
  " next_attempt_at timestamptz,"
  " failed boolean NOT NULL,"
  " updated_at timestamptz NOT NULL DEFAULT now (),"
  " PRIMARY KEY (bench, item));",
};
