/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "pb-test-store.h"
#include "station/pb-batch.h"
#include "station/pb-pack.h"
#include "station/pb-scan.h"
#include "store/pb-audit.h"
#include "store/pb-catalogue.h"
#include "store/pb-keyslots.h"
#include "store/pb-orders.h"
#include "store/pb-store-private.h"
#include "util/pb-clock.h"
#include "util/pb-secure.h"

#define DAY (24 * 3600)
#define PACKER "packer1"

typedef struct
{
  char *dir;
  PbStore *store;
  gint64 now;
} Fixture;

typedef struct
{
  const char *sku;
  const char *asin;
  gint quantity;
  gint shipped;
} Item;

static const char catalogue_csv[] = "sku,barcodes,asin,title\n"
                                    "TEA-1,5012345678900;012345678905,B0TEA00001,Tea towel\n"
                                    "MUG-2,5098765432100,B0MUG00002,Mug\n"
                                    "PEN-3,96385074,B0PEN00003,Pen\n"
                                    "KIT-9,,B0KIT00009,Kit\n"
                                    "TAG#7,,,Gift tag\n";

static void
set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  fixture->store = pb_test_store_new ("pb-pack-XXXXXX", &fixture->dir);
  g_assert_true (pb_catalogue_import_csv (fixture->store, catalogue_csv, strlen (catalogue_csv),
                                          "test", NULL, &error));
  g_assert_no_error (error);
  fixture->now = pb_clock_now_unix ();
}

static void
tear_down (Fixture *fixture, gconstpointer data)
{
  pb_test_store_free (&fixture->store, &fixture->dir);
}

/* An order as a sync would store it; @items ends with an empty Item. */
static void
add_order_full (Fixture *fixture, const char *id, const char *status, gint64 purchased,
                gint64 ship_by, gboolean cancel_requested, const Item *items)
{
  g_autoptr (PbOrderData) order
      = pb_test_order_new (id, status, purchased, purchased + 60, ship_by);

  order->cancel_requested = cancel_requested;
  pb_test_order_set_buyer (order, "Ada Lovelace", "1 Example Street", NULL, "SW1A 1AA");
  for (guint i = 0; items[i].sku != NULL || items[i].asin != NULL; i++)
    {
      g_autofree char *item_id = g_strdup_printf ("%s-item-%u", id, i);
      PbOrderItemData *item
          = pb_test_order_add_item (order, item_id, items[i].sku, items[i].quantity);

      item->asin = g_strdup (items[i].asin);
      item->title = g_strdup (items[i].sku);
      item->quantity_shipped = items[i].shipped;
      item->unit_price = g_strdup ("9.99");
      item->currency = g_strdup ("GBP");
    }
  pb_test_store_apply (fixture->store, order, fixture->now);
}

static void
add_order (Fixture *fixture, const char *id, const Item *items)
{
  add_order_full (fixture, id, "UNSHIPPED", fixture->now - DAY, fixture->now + DAY, FALSE, items);
}

static PbPackSession *
open_session (Fixture *fixture, const char *id)
{
  g_autoptr (GError) error = NULL;
  PbPackSession *session = pb_pack_session_new (fixture->store, id, &error);

  g_assert_no_error (error);
  g_assert_nonnull (session);
  pb_pack_session_set_operator (session, PACKER);
  return session;
}

static PbPackScanResult
scan (PbPackSession *session, const char *code)
{
  g_autoptr (GError) error = NULL;
  PbPackScanResult result = pb_pack_session_scan (session, code, &error);

  g_assert_no_error (error);
  return result;
}

static GPtrArray *
mis_scans_in_audit (Fixture *fixture)
{
  g_autoptr (GError) error = NULL;
  PbAuditFilter filter = { .action = "pack.mis_scan" };
  GPtrArray *rows = pb_audit_list (fixture->store, &filter, &error);

  g_assert_no_error (error);
  return rows;
}

/* pack_started_at, pack_completed_at (0 for NULL) and packed_by of @id. */
static void
read_pack_times (Fixture *fixture, const char *id, gint64 *started, gint64 *completed,
                 char **packed_by)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (sqlite3_stmt) stmt
      = pb_store_prepare (fixture->store,
                          "SELECT coalesce (pack_started_at, 0), coalesce (pack_completed_at, 0),"
                          " packed_by FROM orders WHERE id = ?1",
                          &error);

  g_assert_no_error (error);
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  *started = sqlite3_column_int64 (stmt, 0);
  *completed = sqlite3_column_int64 (stmt, 1);
  *packed_by = g_strdup (pb_sql_text (stmt, 2));
}

static void
test_scan_by_sku_barcode_asin (Fixture *fixture, gconstpointer data)
{
  const Item items[] = { { "TEA-1", "B0TEA00001", 1 },
                         { "MUG-2", "B0MUG00002", 1 },
                         { "PEN-3", "B0PEN00003", 1 },
                         { "KIT-9", "B0KIT00009", 1 },
                         { NULL } };
  g_autoptr (PbPackSession) session = NULL;

  add_order (fixture, "202-0000001-0000001", items);
  session = open_session (fixture, "202-0000001-0000001");
  g_assert_cmpuint (pb_pack_session_get_n_lines (session), ==, 4);
  g_assert_cmpuint (pb_pack_session_get_total_units (session), ==, 4);
  g_assert_cmpuint (pb_pack_session_get_verified_units (session), ==, 0);
  g_assert_false (pb_pack_session_get_complete (session));
  g_assert_cmpuint (g_strv_length (pb_pack_session_get_line (session, 0)->barcodes), ==, 2);

  g_assert_cmpint (scan (session, "TEA-1"), ==, PB_PACK_SCAN_VERIFIED);
  g_assert_cmpint (scan (session, "5098765432100"), ==, PB_PACK_SCAN_VERIFIED);
  g_assert_cmpint (scan (session, "B0KIT00009"), ==, PB_PACK_SCAN_VERIFIED);
  g_assert_cmpuint (pb_pack_session_get_line (session, 0)->verified, ==, 1);
  g_assert_cmpuint (pb_pack_session_get_line (session, 1)->verified, ==, 1);
  g_assert_cmpuint (pb_pack_session_get_line (session, 2)->verified, ==, 0);
  g_assert_cmpuint (pb_pack_session_get_line (session, 3)->verified, ==, 1);
  g_assert_false (pb_pack_session_get_complete (session));
  g_assert_cmpint (scan (session, "96385074"), ==, PB_PACK_SCAN_COMPLETE);
  g_assert_cmpuint (pb_pack_session_get_verified_units (session), ==, 4);
  g_assert_true (pb_pack_session_get_complete (session));
  g_assert_cmpuint (pb_pack_session_get_mis_scans (session), ==, 0);
}

static void
test_barcode_spellings_and_layouts (Fixture *fixture, gconstpointer data)
{
  const Item items[] = { { "TEA-1", NULL, 3 }, { "TAG#7", NULL, 2 }, { NULL } };
  g_autoptr (PbPackSession) session = NULL;

  add_order (fixture, "202-0000001-0000001", items);
  session = open_session (fixture, "202-0000001-0000001");

  /* The catalogue has UPC-A 012345678905; scanners may send it as EAN-13. */
  g_assert_cmpint (scan (session, "0012345678905"), ==, PB_PACK_SCAN_VERIFIED);
  g_assert_cmpint (scan (session, "012345678905"), ==, PB_PACK_SCAN_VERIFIED);
  /* An ASIN read with Caps Lock on. */
  g_assert_cmpint (scan (session, "b0tea00001"), ==, PB_PACK_SCAN_VERIFIED);
  /* TAG#7 from a US scanner on a UK desktop, not yet undone … */
  g_assert_cmpint (scan (session, "TAG£7"), ==, PB_PACK_SCAN_VERIFIED);
  /* … and from a UK scanner undone as if it were a US one. */
  g_assert_cmpint (scan (session, "TAG\\7"), ==, PB_PACK_SCAN_COMPLETE);
}

static void
test_multi_quantity_needs_every_unit (Fixture *fixture, gconstpointer data)
{
  const Item items[] = { { "TEA-1", "B0TEA00001", 3 }, { NULL } };
  g_autoptr (PbPackSession) session = NULL;
  guint changed = 0;

  add_order (fixture, "202-0000001-0000001", items);
  session = open_session (fixture, "202-0000001-0000001");

  g_assert_cmpuint (pb_pack_session_get_total_units (session), ==, 3);
  for (guint i = 0; i < 2; i++)
    {
      g_assert_cmpint (scan (session, "5012345678900"), ==, PB_PACK_SCAN_VERIFIED);
      changed++;
      g_assert_cmpuint (pb_pack_session_get_line (session, 0)->verified, ==, changed);
      g_assert_false (pb_pack_session_get_complete (session));
    }
  g_assert_cmpint (scan (session, "5012345678900"), ==, PB_PACK_SCAN_COMPLETE);
  g_assert_cmpuint (pb_pack_session_get_line (session, 0)->verified, ==, 3);
}

static void
test_partly_shipped_line (Fixture *fixture, gconstpointer data)
{
  const Item items[] = { { "TEA-1", NULL, 3, 2 }, { "MUG-2", NULL, 1, 1 }, { NULL } };
  g_autoptr (PbPackSession) session = NULL;

  add_order (fixture, "202-0000001-0000001", items);
  session = open_session (fixture, "202-0000001-0000001");
  /* Only what is still to send. */
  g_assert_cmpuint (pb_pack_session_get_n_lines (session), ==, 1);
  g_assert_cmpuint (pb_pack_session_get_total_units (session), ==, 1);
  g_assert_cmpint (scan (session, "MUG-2"), ==, PB_PACK_SCAN_WRONG_ITEM);
  g_assert_cmpint (scan (session, "TEA-1"), ==, PB_PACK_SCAN_COMPLETE);
}

static void
test_single_item_complete_in_one_scan (Fixture *fixture, gconstpointer data)
{
  const Item items[] = { { "PEN-3", "B0PEN00003", 1 }, { NULL } };
  g_autoptr (PbPackSession) session = NULL;
  g_autofree char *packed_by = NULL;
  gint64 started, completed;

  add_order (fixture, "202-0000002-0000002", items);
  session = open_session (fixture, "202-0000002-0000002");
  read_pack_times (fixture, "202-0000002-0000002", &started, &completed, &packed_by);
  g_assert_cmpint (started, ==, 0);

  g_assert_cmpint (scan (session, "96385074"), ==, PB_PACK_SCAN_COMPLETE);
  g_assert_true (pb_pack_session_get_complete (session));
  g_clear_pointer (&packed_by, g_free);
  read_pack_times (fixture, "202-0000002-0000002", &started, &completed, &packed_by);
  g_assert_cmpint (started, >=, fixture->now);
  g_assert_cmpint (completed, ==, started);
  g_assert_cmpint (pb_pack_session_get_started_at (session), ==, started);
  g_assert_cmpint (pb_pack_session_get_completed_at (session), ==, completed);
  g_assert_cmpstr (packed_by, ==, PACKER);
}

static void
test_first_scan_and_completion_stored (Fixture *fixture, gconstpointer data)
{
  const Item items[] = { { "TEA-1", NULL, 1 }, { "MUG-2", NULL, 1 }, { NULL } };
  g_autoptr (PbPackSession) session = NULL;
  g_autoptr (PbPackSession) again = NULL;
  g_autofree char *packed_by = NULL;
  gint64 started, completed;

  add_order (fixture, "202-0000001-0000001", items);
  session = open_session (fixture, "202-0000001-0000001");

  /* A first scan that is wrong still starts the clock. */
  g_assert_cmpint (scan (session, "PEN-3"), ==, PB_PACK_SCAN_WRONG_ITEM);
  read_pack_times (fixture, "202-0000001-0000001", &started, &completed, &packed_by);
  g_assert_cmpint (started, >=, fixture->now);
  g_assert_cmpint (completed, ==, 0);
  g_assert_cmpstr (packed_by, ==, PACKER);

  g_assert_cmpint (scan (session, "TEA-1"), ==, PB_PACK_SCAN_VERIFIED);
  g_clear_pointer (&packed_by, g_free);
  read_pack_times (fixture, "202-0000001-0000001", &started, &completed, &packed_by);
  g_assert_cmpint (started, ==, pb_pack_session_get_started_at (session));
  g_assert_cmpint (completed, ==, 0);

  g_assert_cmpint (scan (session, "MUG-2"), ==, PB_PACK_SCAN_COMPLETE);
  g_clear_pointer (&packed_by, g_free);
  read_pack_times (fixture, "202-0000001-0000001", &started, &completed, &packed_by);
  g_assert_cmpint (completed, >=, started);
  g_assert_cmpint (completed, ==, pb_pack_session_get_completed_at (session));

  /* A new session starts over, in memory and in the statistics. */
  again = open_session (fixture, "202-0000001-0000001");
  g_assert_cmpuint (pb_pack_session_get_verified_units (again), ==, 0);
  g_assert_cmpint (scan (again, "TEA-1"), ==, PB_PACK_SCAN_VERIFIED);
  g_clear_pointer (&packed_by, g_free);
  read_pack_times (fixture, "202-0000001-0000001", &started, &completed, &packed_by);
  g_assert_cmpint (completed, ==, 0);
}

static void
test_wrong_item_is_a_mis_scan (Fixture *fixture, gconstpointer data)
{
  const Item items[] = { { "TEA-1", "B0TEA00001", 1 }, { NULL } };
  g_autoptr (PbPackSession) session = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  PbAuditEntry *entry;

  add_order (fixture, "202-0000001-0000001", items);
  session = open_session (fixture, "202-0000001-0000001");

  g_assert_cmpint (scan (session, "MUG-2"), ==, PB_PACK_SCAN_WRONG_ITEM);
  g_assert_cmpint (scan (session, "5098765432100"), ==, PB_PACK_SCAN_WRONG_ITEM);
  g_assert_cmpint (scan (session, "Ada Lovelace, 1 Example Street"), ==, PB_PACK_SCAN_WRONG_ITEM);
  g_assert_cmpuint (pb_pack_session_get_mis_scans (session), ==, 3);
  g_assert_cmpuint (pb_pack_session_get_verified_units (session), ==, 0);
  g_assert_false (pb_pack_session_get_complete (session));

  rows = mis_scans_in_audit (fixture);
  g_assert_cmpuint (rows->len, ==, 3);
  entry = g_ptr_array_index (rows, 0);
  g_assert_cmpstr (entry->actor, ==, PACKER);
  g_assert_cmpstr (entry->subject, ==, "202-0000001-0000001");
  g_assert_cmpstr (entry->detail, ==, "wrong_item other");
  entry = g_ptr_array_index (rows, 1);
  g_assert_cmpstr (entry->detail, ==, "wrong_item ean13");
  /* Whatever was scanned, it is not written down. */
  entry = g_ptr_array_index (rows, 2);
  g_assert_cmpstr (entry->detail, ==, "wrong_item other");
  g_assert_null (strstr (entry->subject, "Lovelace"));

  g_assert_cmpint (scan (session, "TEA-1"), ==, PB_PACK_SCAN_COMPLETE);
}

static void
test_too_many (Fixture *fixture, gconstpointer data)
{
  const Item items[] = { { "TEA-1", NULL, 1 }, { "MUG-2", NULL, 1 }, { NULL } };
  g_autoptr (PbPackSession) session = NULL;
  g_autoptr (GPtrArray) rows = NULL;

  add_order (fixture, "202-0000001-0000001", items);
  session = open_session (fixture, "202-0000001-0000001");

  g_assert_cmpint (scan (session, "TEA-1"), ==, PB_PACK_SCAN_VERIFIED);
  g_assert_cmpint (scan (session, "B0TEA00001"), ==, PB_PACK_SCAN_TOO_MANY);
  g_assert_cmpuint (pb_pack_session_get_verified_units (session), ==, 1);
  g_assert_cmpuint (pb_pack_session_get_mis_scans (session), ==, 1);
  g_assert_false (pb_pack_session_get_complete (session));
  g_assert_cmpint (scan (session, "MUG-2"), ==, PB_PACK_SCAN_COMPLETE);
  /* After completion, any further unit is one too many. */
  g_assert_cmpint (scan (session, "MUG-2"), ==, PB_PACK_SCAN_TOO_MANY);
  g_assert_cmpuint (pb_pack_session_get_mis_scans (session), ==, 2);

  rows = mis_scans_in_audit (fixture);
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpstr (((PbAuditEntry *)g_ptr_array_index (rows, 0))->detail, ==, "too_many asin");
  g_assert_cmpstr (((PbAuditEntry *)g_ptr_array_index (rows, 1))->detail, ==, "too_many other");
}

static void
test_order_id_and_badge_are_not_items (Fixture *fixture, gconstpointer data)
{
  const Item items[] = { { "TEA-1", NULL, 1 }, { NULL } };
  g_autoptr (PbPackSession) session = NULL;
  g_autoptr (GPtrArray) rows = NULL;

  add_order (fixture, "202-0000001-0000001", items);
  session = open_session (fixture, "202-0000001-0000001");

  g_assert_cmpint (scan (session, "20200000010000001"), ==, PB_PACK_SCAN_NOT_AN_ITEM);
  g_assert_cmpint (scan (session, "203-0000001-0000001"), ==, PB_PACK_SCAN_NOT_AN_ITEM);
  g_assert_cmpint (scan (session, "PBU:supervisor"), ==, PB_PACK_SCAN_NOT_AN_ITEM);
  g_assert_cmpuint (pb_pack_session_get_mis_scans (session), ==, 0);
  rows = mis_scans_in_audit (fixture);
  g_assert_cmpuint (rows->len, ==, 0);
}

typedef struct
{
  guint verified, mis_scans, complete, operator_name, total;
} Notifies;

static void
on_notify_cb (GObject *object, GParamSpec *pspec, gpointer data)
{
  Notifies *counts = data;

  if (g_str_equal (pspec->name, "verified-units"))
    counts->verified++;
  else if (g_str_equal (pspec->name, "mis-scans"))
    counts->mis_scans++;
  else if (g_str_equal (pspec->name, "complete"))
    counts->complete++;
  else if (g_str_equal (pspec->name, "operator"))
    counts->operator_name++;
  else if (g_str_equal (pspec->name, "total-units"))
    counts->total++;
}

static void
on_line_changed_cb (PbPackSession *session, guint position, gpointer data)
{
  GArray *positions = data;

  g_array_append_val (positions, position);
}

static void
test_properties_notify_on_change (Fixture *fixture, gconstpointer data)
{
  const Item items[] = { { "TEA-1", NULL, 1 }, { "MUG-2", NULL, 2 }, { NULL } };
  g_autoptr (PbPackSession) session = NULL;
  g_autoptr (GArray) positions = g_array_new (FALSE, FALSE, sizeof (guint));
  Notifies counts = { 0 };
  guint verified = 0;
  gboolean complete = TRUE;

  add_order (fixture, "202-0000001-0000001", items);
  session = open_session (fixture, "202-0000001-0000001");
  g_signal_connect (session, "notify", G_CALLBACK (on_notify_cb), &counts);
  g_signal_connect (session, "line-changed", G_CALLBACK (on_line_changed_cb), positions);

  pb_pack_session_set_operator (session, PACKER);
  g_assert_cmpuint (counts.operator_name, ==, 0);
  g_object_set (session, "operator", "packer2", NULL);
  g_assert_cmpuint (counts.operator_name, ==, 1);
  g_assert_cmpstr (pb_pack_session_get_operator (session), ==, "packer2");

  scan (session, "MUG-2");
  scan (session, "NOT-IN-ORDER");
  scan (session, "MUG-2");
  g_assert_cmpuint (counts.verified, ==, 2);
  g_assert_cmpuint (counts.mis_scans, ==, 1);
  g_assert_cmpuint (counts.complete, ==, 0);
  scan (session, "MUG-2"); /* too many: no tick */
  g_assert_cmpuint (counts.verified, ==, 2);
  g_assert_cmpuint (counts.mis_scans, ==, 2);
  scan (session, "TEA-1");
  g_assert_cmpuint (counts.verified, ==, 3);
  g_assert_cmpuint (counts.complete, ==, 1);
  g_assert_cmpuint (counts.total, ==, 0);

  g_assert_cmpuint (positions->len, ==, 3);
  g_assert_cmpuint (g_array_index (positions, guint, 0), ==, 1);
  g_assert_cmpuint (g_array_index (positions, guint, 2), ==, 0);

  g_object_get (session, "verified-units", &verified, "complete", &complete, NULL);
  g_assert_cmpuint (verified, ==, 3);
  g_assert_true (complete);
}

static void
test_session_refuses_what_cannot_be_packed (Fixture *fixture, gconstpointer data)
{
  const Item items[] = { { "TEA-1", NULL, 1 }, { NULL } };
  const Item sent[] = { { "TEA-1", NULL, 2, 2 }, { NULL } };
  static const struct
  {
    const char *id;
    PbPackError code;
  } cases[] = {
    { "203-0000000-0000001", PB_PACK_ERROR_NOT_PACKABLE }, /* cancelled */
    { "203-0000000-0000002", PB_PACK_ERROR_NOT_PACKABLE }, /* shipped */
    { "203-0000000-0000003", PB_PACK_ERROR_NOT_PACKABLE }, /* pending */
    { "203-0000000-0000004", PB_PACK_ERROR_NOT_PACKABLE }, /* all units sent */
    { "203-0000000-0000009", PB_PACK_ERROR_NO_ORDER },
  };
  g_autoptr (PbPackSession) digits = NULL;

  add_order_full (fixture, "203-0000000-0000001", "CANCELLED", fixture->now - DAY, 0, FALSE, items);
  add_order_full (fixture, "203-0000000-0000002", "SHIPPED", fixture->now - DAY, 0, FALSE, items);
  add_order_full (fixture, "203-0000000-0000003", "PENDING", fixture->now - DAY, 0, FALSE, items);
  add_order_full (fixture, "203-0000000-0000004", "PARTIALLY_SHIPPED", fixture->now - DAY, 0, FALSE,
                  sent);
  add_order (fixture, "203-0000000-0000005", items);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (PbPackSession) session = pb_pack_session_new (fixture->store, cases[i].id, &error);

      g_assert_null (session);
      g_assert_error (error, PB_PACK_ERROR, (gint)cases[i].code);
      g_assert_cmpstr (error->message, !=, "");
    }

  /* The order id as its 17 digits. */
  digits = open_session (fixture, "20300000000000005");
  g_assert_cmpstr (pb_pack_session_get_order_id (digits), ==, "203-0000000-0000005");
}

static char *
find (Fixture *fixture, const char *code)
{
  g_autoptr (GError) error = NULL;
  char *order_id = NULL;

  g_assert_true (pb_pack_find_order_for_code (fixture->store, code, &order_id, &error));
  g_assert_no_error (error);
  return order_id;
}

static void
assert_found (Fixture *fixture, const char *code, const char *expected)
{
  g_autofree char *order_id = find (fixture, code);

  g_assert_cmpstr (order_id, ==, expected);
}

static void
test_find_oldest_unshipped_holding_item (Fixture *fixture, gconstpointer data)
{
  const Item mug[] = { { "TEA-1", NULL, 1 }, { "MUG-2", "B0MUG00002", 1 }, { NULL } };
  const Item tea[] = { { "TEA-1", NULL, 1 }, { NULL } };
  const Item mug_sent[] = { { "MUG-2", NULL, 1, 1 }, { "TEA-1", NULL, 1 }, { NULL } };
  gint64 now = fixture->now;
  g_autoptr (GError) error = NULL;

  /* Older but gone, cancelled, or with a cancellation request. */
  add_order_full (fixture, "204-0000000-0000001", "SHIPPED", now - 9 * DAY, now - 8 * DAY, FALSE,
                  mug);
  add_order_full (fixture, "204-0000000-0000002", "CANCELLED", now - 9 * DAY, now - 7 * DAY, FALSE,
                  mug);
  add_order_full (fixture, "204-0000000-0000003", "UNSHIPPED", now - 9 * DAY, now - 6 * DAY, TRUE,
                  mug);
  add_order_full (fixture, "204-0000000-0000004", "PARTIALLY_SHIPPED", now - 9 * DAY, now - 5 * DAY,
                  FALSE, mug_sent);
  /* The candidates: ship-by first, then purchase time. */
  add_order_full (fixture, "204-0000000-0000005", "UNSHIPPED", now - 3 * DAY, now + 5 * DAY, FALSE,
                  mug);
  add_order_full (fixture, "204-0000000-0000006", "UNSHIPPED", now - 2 * DAY, now + 2 * DAY, FALSE,
                  mug);
  add_order_full (fixture, "204-0000000-0000007", "UNSHIPPED", now - 4 * DAY, now + 2 * DAY, FALSE,
                  mug);
  add_order_full (fixture, "204-0000000-0000008", "UNSHIPPED", now - 9 * DAY, now - 9 * DAY, FALSE,
                  tea);

  assert_found (fixture, "5098765432100", "204-0000000-0000007");
  assert_found (fixture, "MUG-2", "204-0000000-0000007");
  assert_found (fixture, "B0MUG00002", "204-0000000-0000007");
  assert_found (fixture, "TEA-1", "204-0000000-0000008");
  assert_found (fixture, "0012345678905", "204-0000000-0000008");

  /* Once it has gone, the next one. */
  g_assert_true (pb_orders_set_shipped (fixture->store, "204-0000000-0000007", "TT000000001GB",
                                        PACKER, now, &error));
  g_assert_no_error (error);
  assert_found (fixture, "5098765432100", "204-0000000-0000006");
}

static void
test_find_order_id_opens_that_order (Fixture *fixture, gconstpointer data)
{
  const Item items[] = { { "TEA-1", NULL, 1 }, { NULL } };
  g_autoptr (GError) error = NULL;
  char *order_id = NULL;

  add_order_full (fixture, "205-0000000-0000001", "UNSHIPPED", fixture->now - 9 * DAY,
                  fixture->now - DAY, FALSE, items);
  add_order_full (fixture, "205-0000000-0000002", "UNSHIPPED", fixture->now - DAY,
                  fixture->now + DAY, FALSE, items);
  add_order_full (fixture, "205-0000000-0000003", "SHIPPED", fixture->now - DAY, 0, FALSE, items);

  /* Not the oldest: the one scanned, with or without dashes. */
  assert_found (fixture, "205-0000000-0000002", "205-0000000-0000002");
  assert_found (fixture, "20500000000000002", "205-0000000-0000002");
  /* A sent order still opens, for the session to say why it cannot be packed. */
  assert_found (fixture, "205-0000000-0000003", "205-0000000-0000003");

  g_assert_false (
      pb_pack_find_order_for_code (fixture->store, "205-0000000-0000009", &order_id, &error));
  g_assert_error (error, PB_PACK_ERROR, PB_PACK_ERROR_NO_ORDER);
  g_assert_null (order_id);
}

static void
test_find_nothing_or_a_badge (Fixture *fixture, gconstpointer data)
{
  const Item items[] = { { "TEA-1", NULL, 1 }, { NULL } };
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) badge_error = NULL;
  char *order_id = NULL;

  add_order_full (fixture, "206-0000000-0000001", "SHIPPED", fixture->now - DAY, 0, FALSE, items);

  g_assert_false (pb_pack_find_order_for_code (fixture->store, "TEA-1", &order_id, &error));
  g_assert_error (error, PB_PACK_ERROR, PB_PACK_ERROR_NO_ORDER);
  g_assert_nonnull (strstr (error->message, "packing slip"));
  g_assert_null (order_id);

  g_assert_false (
      pb_pack_find_order_for_code (fixture->store, "PBU:packer1", &order_id, &badge_error));
  g_assert_error (badge_error, PB_PACK_ERROR, PB_PACK_ERROR_NOT_AN_ITEM);
}

/* Issue 16: the single-item orders a batch ships — one unit left to send,
 * of an item the scan names however it is spelt, oldest ship-by first. */
static void
test_batch_finds_single_item_orders (Fixture *fixture, gconstpointer data)
{
  const Item one_mug[] = { { "MUG-2", NULL, 1, 0 }, { NULL } };
  const Item two_mugs[] = { { "MUG-2", NULL, 2, 0 }, { NULL } };
  const Item last_mug[] = { { "MUG-2", NULL, 3, 2 }, { NULL } };
  const Item mug_and_pen[] = { { "MUG-2", NULL, 1, 0 }, { "PEN-3", NULL, 1, 0 }, { NULL } };
  const char *codes[] = { "MUG-2", "5098765432100", "B0MUG00002" };
  gint64 now = fixture->now;

  add_order_full (fixture, "202-0000001-0000001", "UNSHIPPED", now - DAY, now + 3 * DAY, FALSE,
                  one_mug);
  add_order_full (fixture, "202-0000002-0000002", "UNSHIPPED", now - DAY, now + DAY, FALSE,
                  last_mug);
  add_order_full (fixture, "202-0000003-0000003", "UNSHIPPED", now - DAY, now + 2 * DAY, FALSE,
                  one_mug);
  /* Not single-item, asked to be cancelled, cancelled, or not released. */
  add_order_full (fixture, "202-0000004-0000004", "UNSHIPPED", now - DAY, now, FALSE, two_mugs);
  add_order_full (fixture, "202-0000005-0000005", "UNSHIPPED", now - DAY, now, FALSE, mug_and_pen);
  add_order_full (fixture, "202-0000006-0000006", "UNSHIPPED", now - DAY, now, TRUE, one_mug);
  add_order_full (fixture, "202-0000007-0000007", "CANCELLED", now - DAY, now, FALSE, one_mug);
  add_order_full (fixture, "202-0000008-0000008", "PENDING", now - DAY, now, FALSE, one_mug);

  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) ids = pb_batch_find_orders (fixture->store, codes[i], &error);

      g_assert_no_error (error);
      g_assert_nonnull (ids);
      g_assert_cmpuint (ids->len, ==, 3);
      g_assert_cmpstr (g_ptr_array_index (ids, 0), ==, "202-0000002-0000002");
      g_assert_cmpstr (g_ptr_array_index (ids, 1), ==, "202-0000003-0000003");
      g_assert_cmpstr (g_ptr_array_index (ids, 2), ==, "202-0000001-0000001");
    }
  /* An order id, a badge, an unknown item: no batch. */
  {
    const char *none[]
        = { "202-0000001-0000001", PB_SCAN_BADGE_PREFIX "packer1", "NO-SUCH-SKU", "  " };

    for (guint i = 0; i < G_N_ELEMENTS (none); i++)
      {
        g_autoptr (GError) error = NULL;
        g_autoptr (GPtrArray) ids = pb_batch_find_orders (fixture->store, none[i], &error);

        g_assert_no_error (error);
        g_assert_cmpuint (ids->len, ==, 0);
      }
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add ("/pack/" path, Fixture, NULL, set_up, func, tear_down)
  ADD ("scan-by-sku-barcode-asin", test_scan_by_sku_barcode_asin);
  ADD ("barcode-spellings-and-layouts", test_barcode_spellings_and_layouts);
  ADD ("multi-quantity-needs-every-unit", test_multi_quantity_needs_every_unit);
  ADD ("partly-shipped-line", test_partly_shipped_line);
  ADD ("single-item-complete-in-one-scan", test_single_item_complete_in_one_scan);
  ADD ("first-scan-and-completion-stored", test_first_scan_and_completion_stored);
  ADD ("wrong-item-is-a-mis-scan", test_wrong_item_is_a_mis_scan);
  ADD ("too-many", test_too_many);
  ADD ("order-id-and-badge-are-not-items", test_order_id_and_badge_are_not_items);
  ADD ("properties-notify-on-change", test_properties_notify_on_change);
  ADD ("session-refuses-what-cannot-be-packed", test_session_refuses_what_cannot_be_packed);
  ADD ("find/oldest-unshipped-holding-item", test_find_oldest_unshipped_holding_item);
  ADD ("find/order-id-opens-that-order", test_find_order_id_opens_that_order);
  ADD ("find/nothing-or-a-badge", test_find_nothing_or_a_badge);
  ADD ("batch/finds-single-item-orders", test_batch_finds_single_item_orders);
#undef ADD

  return g_test_run ();
}
