/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "pb-test-store.h"
#include "store/pb-catalogue.h"
#include "store/pb-keyslots.h"
#include "store/pb-settings.h"
#include "util/pb-secure.h"

typedef struct
{
  char *dir;
  PbStore *store;
} Fixture;

static void
set_up (Fixture *fixture, gconstpointer data)
{
  fixture->store = pb_test_store_new ("pb-catalogue-XXXXXX", &fixture->dir);
}

static void
tear_down (Fixture *fixture, gconstpointer data)
{
  pb_test_store_free (&fixture->store, &fixture->dir);
}

static const char good_csv[]
    = "SKU,Barcodes,ASIN,Title,weight_g,package_format,customs_description,hs_code,origin_country\n"
      "TEA-1,5012345678900;012345678905,B0TEA00001,\"Tea towel, linen\",120,largeLetter,"
      "Linen tea towel,630260,gb\n"
      "MUG-2,5098765432109,B0MUG00002,Mug,350,smallParcel,,,\n";

static void
test_import_and_find (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PbProduct) by_sku = NULL;
  g_autoptr (PbProduct) by_barcode = NULL;
  g_autoptr (PbProduct) by_asin = NULL;
  g_autoptr (PbProduct) unknown = NULL;
  PbCatalogueImport result;

  g_assert_true (pb_catalogue_import_csv (fixture->store, good_csv, strlen (good_csv), "test",
                                          &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.added, ==, 2);
  g_assert_cmpuint (result.updated, ==, 0);

  by_sku = pb_catalogue_find (fixture->store, "TEA-1", &error);
  g_assert_nonnull (by_sku);
  g_assert_cmpstr (by_sku->title, ==, "Tea towel, linen");
  g_assert_cmpint (by_sku->weight_g, ==, 120);
  g_assert_cmpstr (by_sku->origin_country, ==, "GB");
  g_assert_cmpuint (g_strv_length (by_sku->barcodes), ==, 2);
  by_barcode = pb_catalogue_find (fixture->store, "012345678905", &error);
  g_assert_cmpstr (by_barcode->sku, ==, "TEA-1");
  by_asin = pb_catalogue_find (fixture->store, "B0MUG00002", &error);
  g_assert_cmpstr (by_asin->sku, ==, "MUG-2");
  g_assert_null (by_asin->hs_code);
  unknown = pb_catalogue_find (fixture->store, "NOPE", &error);
  g_assert_null (unknown);
  g_assert_no_error (error);

  g_assert_true (pb_catalogue_import_csv (fixture->store, good_csv, strlen (good_csv), "test",
                                          &result, &error));
  g_assert_cmpuint (result.added, ==, 0);
  g_assert_cmpuint (result.updated, ==, 2);
}

static void
test_bad_row_changes_nothing (Fixture *fixture, gconstpointer data)
{
  static const struct
  {
    const char *csv, *needle;
  } cases[] = {
    { "sku,weight_g\nA-1,100\nB-2,heavy\n", "Line 3, column weight_g" },
    { "sku,package_format\nA-1,box\n", "column package_format" },
    { "sku,hs_code\nA-1,12ab56\n", "column hs_code" },
    { "sku,origin_country\nA-1,GBR\n", "column origin_country" },
    { "sku,weight_g\nA-1\n", "Row 2 has 1 columns" },
    { "title\nThing\n", "no “sku” column" },
    { "", "empty" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (PbProduct) product = NULL;

      g_assert_false (pb_catalogue_import_csv (fixture->store, cases[i].csv, strlen (cases[i].csv),
                                               "test", NULL, &error));
      g_assert_nonnull (error);
      if (strstr (error->message, cases[i].needle) == NULL)
        g_error ("case %u: “%s” does not say “%s”", i, error->message, cases[i].needle);
      product = pb_catalogue_find (fixture->store, "A-1", NULL);
      g_assert_null (product);
    }
}

static void
test_rules_first_match_wins (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  const char *skus[] = { "TEA-1", "MUG-2", NULL };
  PbRule by_sku = { .sku = (char *)"MUG-2",
                    .package_format = (char *)"parcel",
                    .service_code = (char *)"TPS48" };
  PbRule heavy = { .min_weight_g = 1000,
                   .package_format = (char *)"parcel",
                   .service_code = (char *)"TPS48" };
  PbRule next_day = { .service_level = (char *)PB_LEVEL_NEXT_DAY,
                      .package_format = (char *)"smallParcel",
                      .service_code = (char *)"TPN24" };
  PbRule islands = { .destination = (char *)"ci",
                     .package_format = (char *)"smallParcel",
                     .service_code = (char *)"OLA" };
  PbRule bad = { .package_format = (char *)"crate", .service_code = (char *)"X" };
  PbRuleQuery query = { skus, 470, PB_LEVEL_STANDARD, PB_DESTINATION_GB };
  g_autofree char *format = NULL;
  g_autofree char *service = NULL;
  gint64 id = -1, islands_id, next_day_id;

  /* No rule and no default: a clear refusal. */
  g_assert_false (pb_rules_choose (fixture->store, &query, &format, &service, &id, &error));
  g_assert_nonnull (strstr (error->message, "royalmail.default_service"));
  g_clear_error (&error);
  /* Matching alone is no refusal: nothing matched (an explicit service
   * then needs no default). */
  g_assert_true (pb_rules_match (fixture->store, &query, &format, &service, &id, &error));
  g_assert_no_error (error);
  g_assert_null (format);
  g_assert_null (service);
  g_assert_cmpint (id, ==, 0);

  g_assert_false (pb_rules_add (fixture->store, &bad, "test", NULL, &error));
  g_clear_error (&error);
  g_assert_true (pb_rules_add (fixture->store, &islands, "test", &islands_id, &error));
  g_assert_true (pb_rules_add (fixture->store, &next_day, "test", &next_day_id, &error));
  g_assert_true (pb_rules_add (fixture->store, &heavy, "test", NULL, &error));
  g_assert_no_error (error);

  g_assert_true (
      pb_settings_set (fixture->store, "royalmail.default_service", "CRL48", "test", &error));
  g_assert_true (pb_rules_choose (fixture->store, &query, &format, &service, &id, &error));
  g_assert_cmpstr (service, ==, "CRL48");
  g_assert_cmpstr (format, ==, "smallParcel");
  g_assert_cmpint (id, ==, 0);
  g_clear_pointer (&format, g_free);
  g_clear_pointer (&service, g_free);

  query.service_level = PB_LEVEL_NEXT_DAY;
  query.destination = PB_DESTINATION_CHANNEL_ISLANDS;
  g_assert_true (pb_rules_choose (fixture->store, &query, &format, &service, &id, &error));
  g_assert_cmpstr (service, ==, "OLA");
  g_assert_cmpint (id, ==, islands_id);
  g_clear_pointer (&format, g_free);
  g_clear_pointer (&service, g_free);

  query.destination = PB_DESTINATION_GB;
  g_assert_true (pb_rules_choose (fixture->store, &query, &format, &service, &id, &error));
  g_assert_cmpstr (service, ==, "TPN24");
  g_clear_pointer (&format, g_free);
  g_clear_pointer (&service, g_free);

  query.service_level = PB_LEVEL_STANDARD;
  query.weight_g = 1500;
  g_assert_true (pb_rules_choose (fixture->store, &query, &format, &service, &id, &error));
  g_assert_cmpstr (format, ==, "parcel");
  g_clear_pointer (&format, g_free);
  g_clear_pointer (&service, g_free);

  g_assert_true (pb_rules_remove (fixture->store, islands_id, "test", &error));
  g_assert_false (pb_rules_remove (fixture->store, islands_id, "test", &error));
  g_clear_error (&error);
  g_assert_true (pb_rules_add (fixture->store, &by_sku, "test", NULL, &error));
  query.weight_g = 100;
  g_assert_true (pb_rules_choose (fixture->store, &query, &format, &service, &id, &error));
  g_assert_cmpstr (service, ==, "TPS48");
}

static void
test_package_format_larger (void)
{
  g_assert_cmpstr (pb_package_format_larger ("largeLetter", "mediumParcel"), ==, "mediumParcel");
  g_assert_cmpstr (pb_package_format_larger ("parcel", "letter"), ==, "parcel");
  g_assert_cmpstr (pb_package_format_larger (NULL, "letter"), ==, "letter");
  g_assert_cmpstr (pb_package_format_larger ("documents", "letter"), ==, "letter");
  g_assert_cmpstr (pb_package_format_larger ("documents", NULL), ==, "documents");
  g_assert_null (pb_package_format_larger ("crate", NULL));
}

static void
test_service_level (void)
{
  g_assert_cmpstr (pb_service_level_classify ("NEXT_DAY", FALSE), ==, PB_LEVEL_NEXT_DAY);
  g_assert_cmpstr (pb_service_level_classify ("SAME_DAY", TRUE), ==, PB_LEVEL_NEXT_DAY);
  g_assert_cmpstr (pb_service_level_classify ("STANDARD", TRUE), ==, PB_LEVEL_PRIME);
  g_assert_cmpstr (pb_service_level_classify ("STANDARD", FALSE), ==, PB_LEVEL_STANDARD);
  g_assert_cmpstr (pb_service_level_classify (NULL, FALSE), ==, PB_LEVEL_STANDARD);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/catalogue/import-and-find", Fixture, NULL, set_up, test_import_and_find, tear_down);
  g_test_add ("/catalogue/bad-row-changes-nothing", Fixture, NULL, set_up,
              test_bad_row_changes_nothing, tear_down);
  g_test_add ("/catalogue/rules-first-match-wins", Fixture, NULL, set_up,
              test_rules_first_match_wins, tear_down);
  g_test_add_func ("/catalogue/service-level", test_service_level);
  g_test_add_func ("/catalogue/package-format-larger", test_package_format_larger);

  return g_test_run ();
}
