/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "pb-test-store.h"
#include "station/pb-pack.h"
#include "station/pb-parcel-builder.h"
#include "station/pb-parcel-spec.h"
#include "store/pb-orders.h"
#include "util/pb-clock.h"

/* The parcels a packer closes at the bench (issue 16): the units scanned
 * since the last parcel, at the weight given; the split they make is one
 * pb_ship takes (pb_parcels_check). */

#define ORDER "205-0000000-0000016"
#define MUG_ITEM "mug-item"
#define LID_ITEM "lid-item"

typedef struct
{
  char *dir;
  PbStore *store;
  PbPackSession *pack;
  PbParcelBuilder *builder;
} Fixture;

static void
set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gint64 now = pb_clock_now_unix ();
  g_autoptr (PbOrderData) order
      = pb_test_order_new (ORDER, "UNSHIPPED", now - 3600, now - 3540, now + 86400);

  fixture->store = pb_test_store_new ("pb-parcel-builder-XXXXXX", &fixture->dir);
  pb_test_order_set_buyer (order, "Ada Lovelace", "1 Example Street", NULL, "SW1A 1AA");
  /* Three mugs and a lid: too much for one parcel. */
  pb_test_order_add_item (order, MUG_ITEM, "MUG-2", 3);
  pb_test_order_add_item (order, LID_ITEM, "LID-5", 1);
  pb_test_store_apply (fixture->store, order, now);
  fixture->pack = pb_pack_session_new (fixture->store, ORDER, &error);
  g_assert_no_error (error);
  pb_pack_session_set_operator (fixture->pack, "packer1");
  fixture->builder = pb_parcel_builder_new (fixture->pack);
}

static void
tear_down (Fixture *fixture, gconstpointer data)
{
  g_clear_pointer (&fixture->builder, pb_parcel_builder_free);
  g_clear_object (&fixture->pack);
  pb_test_store_free (&fixture->store, &fixture->dir);
}

static void
scan (Fixture *fixture, const char *sku, guint times)
{
  for (guint i = 0; i < times; i++)
    {
      g_autoptr (GError) error = NULL;
      PbPackScanResult result = pb_pack_session_scan (fixture->pack, sku, &error);

      g_assert_no_error (error);
      g_assert_true (result == PB_PACK_SCAN_VERIFIED || result == PB_PACK_SCAN_COMPLETE);
    }
}

/* Parcel @parcel holds @quantity of @item_id (0: none). */
static void
assert_holds (const PbParcel *parcel, const char *item_id, gint quantity)
{
  gint found = 0;

  for (guint i = 0; i < parcel->items->len; i++)
    {
      const PbParcelItem *item = &g_array_index (parcel->items, PbParcelItem, i);

      if (g_str_equal (item->order_item_id, item_id))
        found += item->quantity;
    }
  g_assert_cmpint (found, ==, quantity);
}

static void
test_two_parcels (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) parcels = NULL;
  g_autofree char *first = NULL;

  scan (fixture, "MUG-2", 2);
  g_assert_cmpuint (pb_parcel_builder_get_open_units (fixture->builder), ==, 2);

  /* No weight: refused in words, nothing closed. */
  g_assert_false (pb_parcel_builder_close (fixture->builder, 0, PB_WEIGHT_SOURCE_TYPED, &error));
  g_assert_error (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "Parcel 1 has no weight"));
  g_clear_error (&error);
  g_assert_cmpuint (pb_parcel_builder_get_n_parcels (fixture->builder), ==, 0);

  g_assert_true (pb_parcel_builder_close (fixture->builder, 1800, PB_WEIGHT_SOURCE_SCALE, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (pb_parcel_builder_get_n_parcels (fixture->builder), ==, 1);
  g_assert_cmpuint (pb_parcel_builder_get_open_units (fixture->builder), ==, 0);
  first = pb_parcel_builder_describe (fixture->builder, 0);
  g_assert_cmpstr (first, ==, "Parcel 1: 2 × MUG-2, 1800 g");

  /* Nothing scanned since: refused. */
  g_assert_false (pb_parcel_builder_close (fixture->builder, 500, PB_WEIGHT_SOURCE_TYPED, &error));
  g_assert_nonnull (strstr (error->message, "nothing was scanned since the last parcel"));
  g_clear_error (&error);

  scan (fixture, "MUG-2", 1);
  scan (fixture, "LID-5", 1);
  g_assert_true (pb_pack_session_get_complete (fixture->pack));

  /* The last parcel needs a weight of its own: the first's is not carried. */
  g_assert_null (pb_parcel_builder_finish (fixture->builder, 0, PB_WEIGHT_SOURCE_TYPED, &error));
  g_assert_nonnull (strstr (error->message, "Parcel 2 has no weight"));
  g_clear_error (&error);

  parcels = pb_parcel_builder_finish (fixture->builder, 1100, PB_WEIGHT_SOURCE_TYPED, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (parcels->len, ==, 2);
  g_assert_cmpuint (((PbParcel *)parcels->pdata[0])->number, ==, 1);
  g_assert_cmpint (((PbParcel *)parcels->pdata[0])->weight_g, ==, 1800);
  assert_holds (parcels->pdata[0], MUG_ITEM, 2);
  assert_holds (parcels->pdata[0], LID_ITEM, 0);
  g_assert_cmpuint (((PbParcel *)parcels->pdata[1])->number, ==, 2);
  g_assert_cmpint (((PbParcel *)parcels->pdata[1])->weight_g, ==, 1100);
  /* Each parcel says how it was weighed, for its audit row. */
  g_assert_cmpint (((PbParcel *)parcels->pdata[0])->weight_source, ==, PB_WEIGHT_SOURCE_SCALE);
  g_assert_cmpint (((PbParcel *)parcels->pdata[1])->weight_source, ==, PB_WEIGHT_SOURCE_TYPED);
  assert_holds (parcels->pdata[1], MUG_ITEM, 1);
  assert_holds (parcels->pdata[1], LID_ITEM, 1);
  /* What pb_ship checks before it buys anything. */
  g_assert_true (pb_parcels_check (fixture->store, ORDER, parcels, &error));
  g_assert_no_error (error);
  /* A copy: the bench's parcels are as they were. */
  g_assert_cmpuint (pb_parcel_builder_get_n_parcels (fixture->builder), ==, 1);
  g_assert_cmpuint (pb_parcel_builder_get_open_units (fixture->builder), ==, 2);
}

static void
test_undo (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) parcels = NULL;

  g_assert_false (pb_parcel_builder_undo (fixture->builder));
  g_assert_false (pb_parcel_builder_close (fixture->builder, 900, PB_WEIGHT_SOURCE_TYPED, &error));
  g_assert_nonnull (strstr (error->message, "scan the units that go in it first"));
  g_clear_error (&error);

  scan (fixture, "MUG-2", 1);
  g_assert_true (pb_parcel_builder_close (fixture->builder, 700, PB_WEIGHT_SOURCE_TYPED, &error));
  scan (fixture, "LID-5", 1);
  g_assert_true (pb_parcel_builder_close (fixture->builder, 200, PB_WEIGHT_SOURCE_TYPED, &error));
  g_assert_cmpuint (pb_parcel_builder_get_n_parcels (fixture->builder), ==, 2);

  /* The lid goes back into the parcel being packed. */
  g_assert_true (pb_parcel_builder_undo (fixture->builder));
  g_assert_cmpuint (pb_parcel_builder_get_n_parcels (fixture->builder), ==, 1);
  g_assert_cmpuint (pb_parcel_builder_get_open_units (fixture->builder), ==, 1);
  scan (fixture, "MUG-2", 2);
  g_assert_true (pb_parcel_builder_close (fixture->builder, 1500, PB_WEIGHT_SOURCE_TYPED, &error));
  g_assert_no_error (error);
  g_autofree char *second = pb_parcel_builder_describe (fixture->builder, 1);
  g_assert_cmpstr (second, ==, "Parcel 2: 2 × MUG-2, 1 × LID-5, 1500 g");

  /* Every unit is in a closed parcel: no last parcel, and no weight asked. */
  parcels = pb_parcel_builder_finish (fixture->builder, 0, PB_WEIGHT_SOURCE_TYPED, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (parcels->len, ==, 2);
  g_assert_true (pb_parcels_check (fixture->store, ORDER, parcels, &error));
  g_assert_no_error (error);

  /* Undoing all: the order goes as one parcel again. */
  g_assert_true (pb_parcel_builder_undo (fixture->builder));
  g_assert_true (pb_parcel_builder_undo (fixture->builder));
  g_assert_cmpuint (pb_parcel_builder_get_open_units (fixture->builder), ==, 4);
  g_clear_pointer (&parcels, g_ptr_array_unref);
  g_assert_null (pb_parcel_builder_finish (fixture->builder, 0, PB_WEIGHT_SOURCE_TYPED, &error));
  g_assert_no_error (error);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/parcel-builder/two-parcels", Fixture, NULL, set_up, test_two_parcels, tear_down);
  g_test_add ("/parcel-builder/undo", Fixture, NULL, set_up, test_undo, tear_down);
  return g_test_run ();
}
