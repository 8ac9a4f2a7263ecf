/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Despatch notes and pick lists: made from a real store, rasterised with
 * poppler, their barcodes decoded with zbarimg (zbar-tools) and their text
 * read back with poppler's text API. */
#include "config.h"

#include <cairo.h>
#include <glib/gstdio.h>
#include <poppler.h>

#include "pb-test-store.h"
#include "print/pb-documents.h"
#include "station/pb-documents.h"
#include "station/pb-pack.h"
#include "station/pb-scan.h"
#include "store/pb-catalogue.h"
#include "store/pb-orders.h"
#include "store/pb-settings.h"
#include "util/pb-clock.h"

#define DAY (24 * 3600)
#define OPERATOR "packer1"

/* Made-up people whose names are easy to look for: none may appear on a
 * pick list. */
#define NAME_A "Zephyrine Quibbleworth"
#define STREET_A "17 Marmalade Row"
#define TOWN_A "Little Snoring"
#define POSTCODE_A "NR21 0AA"
#define NAME_B "Octavius Pumblechook"
#define STREET_B "3 Turnip Yard"
#define POSTCODE_B "LS1 4AP"

typedef struct
{
  char *dir;
  PbStore *store;
  gint64 now;
} Fixture;

typedef struct
{
  const char *sku;
  gint quantity;
} Item;

static const char catalogue_csv[] = "sku,title,bin\n"
                                    "TEA-1,Tea towel,B-02-1\n"
                                    "MUG-2,Mug,A-01-3\n"
                                    "PEN-3,Pen,\n";

static void
add_order (Fixture *fixture, const char *id, gint64 ship_by, const char *name, const char *street,
           const char *town, const char *postcode, const Item *items)
{
  g_autoptr (PbOrderData) order
      = pb_test_order_new (id, "UNSHIPPED", fixture->now - DAY, fixture->now - DAY + 60, ship_by);

  pb_test_order_set_buyer (order, name, street, town, postcode);
  for (guint i = 0; items[i].sku != NULL; i++)
    {
      g_autofree char *item_id = g_strdup_printf ("%s-item-%u", id, i);
      PbOrderItemData *item
          = pb_test_order_add_item (order, item_id, items[i].sku, items[i].quantity);

      item->title = g_strdup (items[i].sku);
    }
  pb_test_store_apply (fixture->store, order, fixture->now);
}

static gint64
end_of_today (gint64 now)
{
  g_autoptr (GDateTime) local = g_date_time_new_from_unix_local (now);
  g_autoptr (GDateTime) midnight
      = g_date_time_new_local (g_date_time_get_year (local), g_date_time_get_month (local),
                               g_date_time_get_day_of_month (local), 23, 59, 0);

  return g_date_time_to_unix (midnight);
}

static void
set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  static const Item first[] = { { "TEA-1", 2 }, { "MUG-2", 1 }, { NULL, 0 } };
  static const Item second[] = { { "TEA-1", 1 }, { "PEN-3", 4 }, { NULL, 0 } };
  static const Item later[] = { { "MUG-2", 5 }, { NULL, 0 } };

  fixture->store = pb_test_store_new ("pb-documents-XXXXXX", &fixture->dir);
  g_assert_true (pb_catalogue_import_csv (fixture->store, catalogue_csv, strlen (catalogue_csv),
                                          "test", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (pb_settings_set (fixture->store, "despatch.seller_name", "Teacup Traders Ltd",
                                  "test", &error));
  g_assert_no_error (error);
  fixture->now = pb_clock_now_unix ();
  add_order (fixture, "202-1111111-2222222", end_of_today (fixture->now), NAME_A, STREET_A, TOWN_A,
             POSTCODE_A, first);
  add_order (fixture, "203-3333333-4444444", fixture->now - 3600, NAME_B, STREET_B, "Leeds",
             POSTCODE_B, second);
  add_order (fixture, "204-5555555-6666666", fixture->now + 3 * DAY, NAME_B, STREET_B, "Leeds",
             POSTCODE_B, later);
}

static void
tear_down (Fixture *fixture, gconstpointer data)
{
  pb_test_store_free (&fixture->store, &fixture->dir);
}

static PopplerDocument *
open_pdf (GBytes *pdf)
{
  g_autoptr (GError) error = NULL;
  PopplerDocument *document = poppler_document_new_from_bytes (pdf, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (document);
  return document;
}

/* The text of every page as pdftotext -layout (poppler-utils) reads it:
 * a table's row stays on one line. */
static char *
pdf_text (Fixture *fixture, GBytes *pdf)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, "text.pdf", NULL);
  g_autofree char *out = NULL;
  const char *argv[] = { "pdftotext", "-layout", "-enc", "UTF-8", path, "-", NULL };
  int status = 0;

  g_assert_true (g_file_set_contents (path, g_bytes_get_data (pdf, NULL),
                                      (gssize)g_bytes_get_size (pdf), &error));
  g_assert_true (g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
                               NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, &error));
  g_assert_no_error (error);
  g_unlink (path);
  return g_steal_pointer (&out);
}

/* The barcodes zbarimg finds on every page rendered at 200 dpi, in the order
 * it reports them. */
static GStrv
pdf_barcodes (Fixture *fixture, GBytes *pdf)
{
  PopplerDocument *document = open_pdf (pdf);
  g_autoptr (GStrvBuilder) found = g_strv_builder_new ();

  for (int i = 0; i < poppler_document_get_n_pages (document); i++)
    {
      PopplerPage *page = poppler_document_get_page (document, i);
      g_autofree char *png = g_strdup_printf ("%s/page-%d.png", fixture->dir, i);
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      g_autoptr (GError) error = NULL;
      const double dpi = 200;
      double width, height;
      cairo_surface_t *surface;
      cairo_t *cr;
      int status = 0;

      poppler_page_get_size (page, &width, &height);
      surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int)(width * dpi / 72),
                                            (int)(height * dpi / 72));
      cr = cairo_create (surface);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_paint (cr);
      cairo_scale (cr, dpi / 72, dpi / 72);
      poppler_page_render_for_printing (page, cr);
      g_object_unref (page);
      cairo_destroy (cr);
      g_assert_cmpint (cairo_surface_write_to_png (surface, png), ==, CAIRO_STATUS_SUCCESS);
      cairo_surface_destroy (surface);

      {
        const char *argv[] = { "zbarimg", "-q", "--raw", png, NULL };

        g_assert_true (g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                                     &out, &err, &status, &error));
      }
      g_assert_no_error (error);
      g_unlink (png);
      if (out != NULL)
        {
          g_auto (GStrv) lines = g_strsplit (out, "\n", -1);

          for (guint j = 0; lines[j]; j++)
            if (*lines[j] != '\0')
              g_strv_builder_add (found, lines[j]);
        }
    }
  g_object_unref (document);
  return g_strv_builder_end (found);
}

static gboolean
have_zbarimg (void)
{
  g_autofree char *zbarimg = g_find_program_in_path ("zbarimg");
  g_autofree char *pdftotext = g_find_program_in_path ("pdftotext");

  if (zbarimg == NULL || pdftotext == NULL)
    g_test_skip ("zbarimg (zbar-tools) or pdftotext (poppler-utils) is not installed");
  return zbarimg != NULL && pdftotext != NULL;
}

static void
test_despatch_note (Fixture *fixture, gconstpointer data)
{
  const char *paper = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) pdf = NULL;
  PopplerDocument *document = NULL;
  PopplerPage *page = NULL;
  g_autofree char *text = NULL;
  g_autofree char *order_id = NULL;
  g_auto (GStrv) codes = NULL;
  double width, height;

  if (!have_zbarimg ())
    return;
  g_assert_true (
      pb_settings_set (fixture->store, "print.despatch_note_paper", paper, "test", &error));
  g_assert_no_error (error);

  g_assert_cmpuint (pb_test_count_audit (fixture->store, "order.recipient_viewed"), ==, 0);
  pdf = pb_documents_despatch_note (fixture->store, "202-1111111-2222222", OPERATOR, "print",
                                    &error);
  g_assert_no_error (error);
  g_assert_nonnull (pdf);
  /* Reading the address for the note is on record. */
  g_assert_cmpuint (pb_test_count_audit (fixture->store, "order.recipient_viewed"), ==, 1);

  document = open_pdf (pdf);
  page = poppler_document_get_page (document, 0);
  poppler_page_get_size (page, &width, &height);
  g_object_unref (page);
  g_object_unref (document);
  if (g_str_equal (paper, "a4"))
    {
      g_assert_cmpfloat_with_epsilon (width, 595.3, 1);
      g_assert_cmpfloat_with_epsilon (height, 841.9, 1);
    }
  else
    {
      g_assert_cmpfloat_with_epsilon (width, 288, 0.5);
      g_assert_cmpfloat_with_epsilon (height, 432, 0.5);
    }

  text = pdf_text (fixture, pdf);
  g_assert_nonnull (strstr (text, "Teacup Traders Ltd"));
  g_assert_nonnull (strstr (text, "202-1111111-2222222"));
  g_assert_nonnull (strstr (text, NAME_A));
  g_assert_nonnull (strstr (text, STREET_A));
  g_assert_nonnull (strstr (text, TOWN_A));
  g_assert_nonnull (strstr (text, POSTCODE_A));
  g_assert_true (g_regex_match_simple ("2\\s+TEA-1", text, 0, 0));
  g_assert_true (g_regex_match_simple ("1\\s+MUG-2", text, 0, 0));
  g_assert_nonnull (strstr (text, "3 items in this parcel"));
  /* Another order's items and buyer are not on it. */
  g_assert_null (strstr (text, "PEN-3"));
  g_assert_null (strstr (text, NAME_B));

  /* Its one barcode is the order number, and scanning it at the bench
   * opens that order. */
  codes = pdf_barcodes (fixture, pdf);
  g_assert_cmpuint (g_strv_length (codes), ==, 1);
  g_assert_cmpstr (codes[0], ==, "20211111112222222");
  g_assert_cmpint (pb_scan_classify (codes[0], NULL), ==, PB_SCAN_KIND_AMAZON_ORDER_ID);
  g_assert_true (pb_pack_find_order_for_code (fixture->store, codes[0], &order_id, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (order_id, ==, "202-1111111-2222222");
}

static void
test_despatch_note_refusals (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) pdf = NULL;

  pdf = pb_documents_despatch_note (fixture->store, "999-0000000-0000000", OPERATOR, "print",
                                    &error);
  g_assert_null (pdf);
  g_assert_error (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "999-0000000-0000000"));
  g_assert_cmpuint (pb_test_count_audit (fixture->store, "order.recipient_viewed"), ==, 0);
  g_clear_error (&error);

  /* Site mode: an order known here without its recipient (another bench
   * packs it) has no despatch note here, and no address was read. */
  {
    g_autoptr (PbOrderData) facts
        = pb_test_order_new ("205-7777777-8888888", "UNSHIPPED", fixture->now - DAY,
                             fixture->now - DAY, fixture->now + DAY);
    PbOrderChange change;

    pb_test_order_add_item (facts, "205-item", "TEA-1", 1);
    g_assert_true (pb_store_begin (fixture->store, &error));
    g_assert_true (pb_orders_apply_facts (fixture->store, facts, fixture->now, &change, &error));
    g_assert_true (pb_store_commit (fixture->store, &error));
    g_assert_no_error (error);
  }
  pdf = pb_documents_despatch_note (fixture->store, "205-7777777-8888888", OPERATOR, "print",
                                    &error);
  g_assert_null (pdf);
  g_assert_error (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "does not hold the buyer's address"));
  g_assert_cmpuint (pb_test_count_audit (fixture->store, "order.recipient_viewed"), ==, 0);
}

static void
test_save_despatch_note (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, "note.pdf", NULL);
  g_autofree char *missing = g_build_filename (fixture->dir, "no-such-folder", "note.pdf", NULL);
  GStatBuf st;

  g_assert_true (pb_documents_save_despatch_note (fixture->store, "203-3333333-4444444", OPERATOR,
                                                  path, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpuint (pb_test_count_audit (fixture->store, "despatch_note.saved"), ==, 1);
  g_unlink (path);

  g_assert_false (pb_documents_save_despatch_note (fixture->store, "203-3333333-4444444", OPERATOR,
                                                   missing, &error));
  g_assert_nonnull (error);
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (pb_test_count_audit (fixture->store, "despatch_note.saved"), ==, 1);
}

static void
test_pick_list (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) all = NULL;
  g_autoptr (GBytes) today = NULL;
  g_autoptr (GBytes) queue = NULL;
  g_autofree char *text = NULL;
  g_autofree char *today_text = NULL;
  g_autofree char *queue_text = NULL;
  g_auto (GStrv) codes = NULL;
  g_auto (GStrv) today_codes = NULL;
  const char *tea, *mug, *pen;
  const char *const one[] = { "204-5555555-6666666", NULL };
  guint n = 0;
  const char *const pii[] = { NAME_A,   STREET_A,   TOWN_A,         POSTCODE_A,    NAME_B,
                              STREET_B, POSTCODE_B, "Quibbleworth", "Pumblechook", NULL };

  if (!have_zbarimg ())
    return;
  all = pb_documents_pick_list (fixture->store, PB_PICK_DUE_ALL, NULL, &n, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 3);
  text = pdf_text (fixture, all);

  /* One line per SKU with its bin and the units of every order: in bin
   * order, a product without a bin last. */
  mug = strstr (text, "A-01-3");
  tea = strstr (text, "B-02-1");
  pen = strstr (text, "PEN-3");
  g_assert_nonnull (mug);
  g_assert_nonnull (tea);
  g_assert_nonnull (pen);
  g_assert_true (mug < tea && tea < pen);
  g_assert_true (g_regex_match_simple ("A-01-3\\s+MUG-2\\s+Mug\\s+6\\s+2", text, 0, 0));
  g_assert_true (g_regex_match_simple ("B-02-1\\s+TEA-1\\s+Tea towel\\s+3\\s+2", text, 0, 0));
  g_assert_true (g_regex_match_simple ("PEN-3\\s+Pen\\s+4\\s+1", text, 0, 0));
  g_assert_nonnull (strstr (text, "Total: 13 units of 3 products for 3 orders"));
  for (guint i = 0; pii[i]; i++)
    if (strstr (text, pii[i]) != NULL)
      g_error ("the pick list shows personal data: %s", pii[i]);

  /* Every order's barcode, each opening its order at the bench. */
  codes = pdf_barcodes (fixture, all);
  g_assert_cmpuint (g_strv_length (codes), ==, 3);
  g_assert_true (g_strv_contains ((const char *const *)codes, "20211111112222222"));
  g_assert_true (g_strv_contains ((const char *const *)codes, "20333333334444444"));
  g_assert_true (g_strv_contains ((const char *const *)codes, "20455555556666666"));

  /* Due today: the overdue order and the one due tonight, not the later one. */
  today = pb_documents_pick_list (fixture->store, PB_PICK_DUE_TODAY, NULL, &n, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 2);
  today_text = pdf_text (fixture, today);
  g_assert_nonnull (strstr (today_text, "Total: 8 units of 3 products for 2 orders"));
  g_assert_null (strstr (today_text, "204-5555555-6666666"));
  today_codes = pdf_barcodes (fixture, today);
  g_assert_cmpuint (g_strv_length (today_codes), ==, 2);
  g_assert_false (g_strv_contains ((const char *const *)today_codes, "20455555556666666"));

  /* The bench's filtered queue. */
  queue = pb_documents_pick_list (fixture->store, PB_PICK_DUE_ALL, one, &n, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 1);
  queue_text = pdf_text (fixture, queue);
  g_assert_nonnull (strstr (queue_text, "Total: 5 units of 1 products for 1 orders"));
  g_assert_null (strstr (queue_text, "TEA-1"));
  /* No address was read for any of it. */
  g_assert_cmpuint (pb_test_count_audit (fixture->store, "order.recipient_viewed"), ==, 0);
}

static void
test_catalogue_bin_round_trip (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PbProduct) mug = pb_catalogue_find (fixture->store, "MUG-2", &error);
  g_autoptr (PbProduct) pen = pb_catalogue_find (fixture->store, "PEN-3", &error);
  g_autofree char *csv = pb_catalogue_export_csv (fixture->store, &error);
  static const char too_long[] = "sku,bin\nMUG-2,123456789012345678901234567890123\n";

  g_assert_no_error (error);
  g_assert_cmpstr (mug->bin, ==, "A-01-3");
  g_assert_null (pen->bin);
  g_assert_true (g_str_has_prefix (csv, "sku,barcodes,asin,title,weight_g,package_format,"
                                        "customs_description,hs_code,origin_country,bin,"
                                        "units_per_parcel\r\n"));
  g_assert_nonnull (strstr (csv, ",\"A-01-3\",\"\"\r\n"));
  g_assert_false (
      pb_catalogue_import_csv (fixture->store, too_long, strlen (too_long), "test", NULL, &error));
  g_assert_error (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "column bin"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/documents/despatch-note/a4", Fixture, "a4", set_up, test_despatch_note, tear_down);
  g_test_add ("/documents/despatch-note/4x6", Fixture, "4x6", set_up, test_despatch_note,
              tear_down);
  g_test_add ("/documents/despatch-note/refusals", Fixture, NULL, set_up,
              test_despatch_note_refusals, tear_down);
  g_test_add ("/documents/despatch-note/save", Fixture, NULL, set_up, test_save_despatch_note,
              tear_down);
  g_test_add ("/documents/pick-list", Fixture, NULL, set_up, test_pick_list, tear_down);
  g_test_add ("/documents/catalogue-bin", Fixture, NULL, set_up, test_catalogue_bin_round_trip,
              tear_down);
  return g_test_run ();
}
