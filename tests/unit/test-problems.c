/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What the supervisor's Problems and End of Day pages read and do in the
 * store: labels not yet manifested, orders cancelled after labelling,
 * manifests kept, and resolving outbox items (retry, discard, audited).
 */
#include "config.h"

#include <glib/gstdio.h>

#include "pb-test-store.h"
#include "store/pb-audit.h"
#include "store/pb-keyslots.h"
#include "store/pb-labels.h"
#include "store/pb-orders.h"
#include "store/pb-outbox.h"
#include "store/pb-settings.h"
#include "store/pb-store-private.h"
#include "util/pb-clock.h"
#include "util/pb-secure.h"

#define DAY (24 * 3600)
#define ORDER_A "202-0000001-0000001"
#define ORDER_B "202-0000002-0000002"
#define ORDER_C "202-0000003-0000003"

typedef struct
{
  char *dir;
  PbStore *store;
  gint64 now;
} Fixture;

static void
set_up (Fixture *fixture, gconstpointer data)
{
  fixture->store = pb_test_store_new ("pb-problems-XXXXXX", &fixture->dir);
  fixture->now = pb_clock_now_unix ();
}

static void
tear_down (Fixture *fixture, gconstpointer data)
{
  pb_test_store_free (&fixture->store, &fixture->dir);
}

static void
apply (Fixture *fixture, const char *id, const char *status, gint64 updated)
{
  pb_test_store_add_order (fixture->store, id, status, updated, fixture->now);
}

static void
label (Fixture *fixture, const char *id, gint64 rm_id, const char *tracking, gint64 when)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) pdf = g_bytes_new_static ("%PDF-1.4 label", 14);

  g_assert_true (pb_store_begin (fixture->store, &error));
  g_assert_true (pb_labels_store (fixture->store, id, rm_id, tracking, "TPN24", "smallParcel", 500,
                                  pdf, "packer1", when, &error));
  g_assert_no_error (error);
  g_assert_true (pb_store_commit (fixture->store, &error));
}

static void
test_unmanifested_and_manifests (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  g_autoptr (GPtrArray) manifests = NULL;
  g_autoptr (GBytes) pdf = NULL;
  g_autoptr (GBytes) first = g_bytes_new_static ("%PDF manifest 1", 15);
  g_autoptr (GBytes) second = g_bytes_new_static ("%PDF manifest two", 17);
  PbLabelRow *row;

  apply (fixture, ORDER_A, "UNSHIPPED", fixture->now - DAY + 60);
  apply (fixture, ORDER_B, "UNSHIPPED", fixture->now - DAY + 60);
  apply (fixture, ORDER_C, "UNSHIPPED", fixture->now - DAY + 60);

  /* Nothing bought, nothing kept. */
  rows = pb_labels_list_unmanifested (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 0);
  g_clear_pointer (&rows, g_ptr_array_unref);
  manifests = pb_labels_list_manifests (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (manifests->len, ==, 0);
  g_clear_pointer (&manifests, g_ptr_array_unref);
  pdf = pb_labels_get_manifest_pdf (fixture->store, 0, &error);
  g_assert_no_error (error);
  g_assert_null (pdf);

  /* Two labels, oldest first; the third order has none. */
  label (fixture, ORDER_B, 9002, "TT000000002GB", fixture->now - 120);
  label (fixture, ORDER_A, 9001, "TT000000001GB", fixture->now - 60);
  g_assert_true (pb_labels_set_printed (fixture->store, ORDER_A, fixture->now - 30, &error));
  rows = pb_labels_list_unmanifested (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 2);
  row = g_ptr_array_index (rows, 0);
  g_assert_cmpstr (row->order_id, ==, ORDER_B);
  g_assert_cmpstr (row->tracking_number, ==, "TT000000002GB");
  g_assert_cmpstr (row->service, ==, "TPN24");
  g_assert_cmpstr (row->state, ==, PB_ORDER_STATE_LABELLED);
  g_assert_cmpint (row->printed_at, ==, 0);
  row = g_ptr_array_index (rows, 1);
  g_assert_cmpstr (row->order_id, ==, ORDER_A);
  g_assert_cmpint (row->printed_at, ==, fixture->now - 30);
  g_assert_cmpint (row->labelled_at, ==, fixture->now - 60);
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* A manifest takes both; a later label waits for the next one. */
  g_assert_true (pb_labels_store_manifest (fixture->store, 1001, first, fixture->now - 10, &error));
  g_assert_no_error (error);
  label (fixture, ORDER_C, 9003, "TT000000003GB", fixture->now - 5);
  rows = pb_labels_list_unmanifested (fixture->store, &error);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpstr (((PbLabelRow *)g_ptr_array_index (rows, 0))->order_id, ==, ORDER_C);
  g_clear_pointer (&rows, g_ptr_array_unref);
  g_assert_true (pb_labels_store_manifest (fixture->store, 1002, second, fixture->now, &error));

  /* Both documents are kept, newest first, and each reads back. */
  manifests = pb_labels_list_manifests (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (manifests->len, ==, 2);
  g_assert_cmpint (((PbManifestInfo *)g_ptr_array_index (manifests, 0))->created_at, ==,
                   fixture->now);
  g_assert_cmpuint (((PbManifestInfo *)g_ptr_array_index (manifests, 0))->size, ==, 17);
  g_assert_cmpuint (((PbManifestInfo *)g_ptr_array_index (manifests, 1))->size, ==, 15);
  pdf = pb_labels_get_manifest_pdf (fixture->store, 0, &error);
  g_assert_true (g_bytes_equal (pdf, second));
  g_clear_pointer (&pdf, g_bytes_unref);
  pdf = pb_labels_get_manifest_pdf (
      fixture->store, ((PbManifestInfo *)g_ptr_array_index (manifests, 1))->id, &error);
  g_assert_true (g_bytes_equal (pdf, first));
  g_clear_pointer (&pdf, g_bytes_unref);
  /* An id that is no manifest (a label's document, or none) gives nothing. */
  pdf = pb_labels_get_manifest_pdf (fixture->store, 1, &error);
  g_assert_no_error (error);
  g_assert_null (pdf);
  rows = pb_labels_list_unmanifested (fixture->store, &error);
  g_assert_cmpuint (rows->len, ==, 0);
}

static void
test_cancelled_after_label (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  g_autofree char *attention = NULL;
  g_autofree char *state = NULL;
  PbLabelRow *row;

  apply (fixture, ORDER_A, "UNSHIPPED", fixture->now - DAY + 60);
  apply (fixture, ORDER_B, "UNSHIPPED", fixture->now - DAY + 60);
  apply (fixture, ORDER_C, "UNSHIPPED", fixture->now - DAY + 60);
  label (fixture, ORDER_A, 9001, "TT000000001GB", fixture->now - 60);
  label (fixture, ORDER_B, 9002, "TT000000002GB", fixture->now - 50);

  /* Labelled and still wanted: no problem. */
  rows = pb_labels_list_cancelled (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 0);
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* The buyer cancels A (labelled) and C (never labelled): only A is a
   * problem. */
  apply (fixture, ORDER_A, "CANCELLED", fixture->now - 10);
  apply (fixture, ORDER_C, "CANCELLED", fixture->now - 10);
  rows = pb_labels_list_cancelled (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 1);
  row = g_ptr_array_index (rows, 0);
  g_assert_cmpstr (row->order_id, ==, ORDER_A);
  g_assert_cmpstr (row->state, ==, PB_ORDER_STATE_CANCELLED);
  g_assert_cmpstr (row->tracking_number, ==, "TT000000001GB");
  g_clear_pointer (&rows, g_ptr_array_unref);
  g_assert_true (
      pb_orders_get_local (fixture->store, ORDER_A, &state, &attention, NULL, NULL, &error));
  g_assert_cmpstr (attention, ==, PB_ATTENTION_CANCELLED_AFTER_LABEL);

  /* Voided: the label is forgotten and the problem is gone. */
  g_assert_true (pb_labels_forget (fixture->store, ORDER_A, &error));
  rows = pb_labels_list_cancelled (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 0);
}

static guint
count_audit (Fixture *fixture, const char *action, const char *subject)
{
  PbAuditFilter filter = { .action = action };
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) rows = pb_audit_list (fixture->store, &filter, &error);
  guint n = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < rows->len; i++)
    {
      PbAuditEntry *entry = g_ptr_array_index (rows, i);

      if (g_strcmp0 (entry->subject, subject) == 0 && g_strcmp0 (entry->actor, "super1") == 0)
        n++;
    }
  return n;
}

static void
test_outbox_resolve (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PbOutboxItem) item = NULL;
  g_autoptr (PbOutboxItem) claimed = NULL;
  g_autofree char *subject = NULL;
  gint64 id = 0, done_id = 0;

  g_assert_true (pb_outbox_enqueue (fixture->store, "amazon.confirm_shipment", ORDER_A, "k1", "{}",
                                    "packer1", fixture->now, &id, &error));
  g_assert_true (pb_outbox_enqueue (fixture->store, "amazon.confirm_shipment", ORDER_B, "k2", "{}",
                                    "packer1", fixture->now, &done_id, &error));
  g_assert_no_error (error);
  subject = g_strdup_printf ("%" G_GINT64_FORMAT, id);

  /* It failed for good: it needs a person. */
  claimed = pb_outbox_claim (fixture->store, fixture->now, id, NULL, &error);
  g_assert_nonnull (claimed);
  g_assert_true (pb_outbox_fail (fixture->store, id, "Amazon refused the tracking number", TRUE,
                                 fixture->now + 60, fixture->now, &error));
  item = pb_outbox_get (fixture->store, id, &error);
  g_assert_cmpstr (item->state, ==, PB_OUTBOX_ATTENTION);
  g_assert_cmpint (item->attempts, ==, 1);
  g_clear_pointer (&item, pb_outbox_item_free);

  /* Retry: pending again, due now, attempts back to nought, audited. */
  g_assert_true (
      pb_outbox_resolve (fixture->store, id, TRUE, "super1", fixture->now + 100, &error));
  g_assert_no_error (error);
  item = pb_outbox_get (fixture->store, id, &error);
  g_assert_cmpstr (item->state, ==, PB_OUTBOX_PENDING);
  g_assert_cmpint (item->attempts, ==, 0);
  g_assert_cmpint (item->next_attempt_at, ==, fixture->now + 100);
  g_clear_pointer (&item, pb_outbox_item_free);
  g_assert_cmpuint (count_audit (fixture, "outbox.retried", subject), ==, 1);

  /* Discard: gone from the list, audited. */
  g_assert_true (
      pb_outbox_resolve (fixture->store, id, FALSE, "super1", fixture->now + 200, &error));
  g_assert_no_error (error);
  item = pb_outbox_get (fixture->store, id, &error);
  g_assert_cmpstr (item->state, ==, PB_OUTBOX_DISCARDED);
  g_clear_pointer (&item, pb_outbox_item_free);
  g_assert_cmpuint (count_audit (fixture, "outbox.discarded", subject), ==, 1);
  {
    g_autoptr (GPtrArray) list = pb_outbox_list (fixture->store, FALSE, &error);

    g_assert_cmpuint (list->len, ==, 1);
    g_assert_cmpint (((PbOutboxItem *)g_ptr_array_index (list, 0))->id, ==, done_id);
  }

  /* A discarded item cannot be retried, nor can one that is done or that
   * does not exist; a refusal changes nothing and is not audited as done. */
  g_assert_false (
      pb_outbox_resolve (fixture->store, id, TRUE, "super1", fixture->now + 300, &error));
  g_assert_error (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpuint (count_audit (fixture, "outbox.retried", subject), ==, 1);
  g_assert_true (pb_outbox_complete (fixture->store, done_id, fixture->now, &error));
  g_assert_false (
      pb_outbox_resolve (fixture->store, done_id, FALSE, "super1", fixture->now, &error));
  g_assert_error (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (pb_outbox_resolve (fixture->store, 999, TRUE, "super1", fixture->now, &error));
  g_assert_error (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID);
  g_clear_error (&error);
}

/* The station's outbox run sends Amazon confirmations only: a label
 * purchase left pending (retried from the Problems page) is finished by
 * shipping the order again, never by the background worker. */
static void
test_claim_by_kind (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PbOutboxItem) claimed = NULL;
  gint64 label_id = 0, confirm_id = 0;

  g_assert_true (pb_outbox_enqueue (fixture->store, "royalmail.create_label", ORDER_A, "l1", "{}",
                                    "packer1", fixture->now - 10, &label_id, &error));
  g_assert_true (pb_outbox_enqueue (fixture->store, "amazon.confirm_shipment", ORDER_B, "c1", "{}",
                                    "packer1", fixture->now, &confirm_id, &error));
  g_assert_no_error (error);

  claimed = pb_outbox_claim (fixture->store, fixture->now, 0, "amazon.confirm_shipment", &error);
  g_assert_no_error (error);
  g_assert_nonnull (claimed);
  g_assert_cmpint (claimed->id, ==, confirm_id);
  g_clear_pointer (&claimed, pb_outbox_item_free);

  /* Nothing else of that kind is due; the label purchase stays pending. */
  claimed = pb_outbox_claim (fixture->store, fixture->now, 0, "amazon.confirm_shipment", &error);
  g_assert_no_error (error);
  g_assert_null (claimed);
  claimed
      = pb_outbox_claim (fixture->store, fixture->now, label_id, "royalmail.create_label", &error);
  g_assert_nonnull (claimed);
  g_assert_cmpint (claimed->id, ==, label_id);
}

static void
test_document_printer_setting (Fixture *fixture, gconstpointer data)
{
  const PbSettingInfo *info = pb_settings_lookup ("print.document_printer");
  g_autoptr (GError) error = NULL;
  g_autofree char *value = NULL;

  g_assert_nonnull (info);
  g_assert_cmpint (info->permission, ==, PB_ACTION_CHANGE_SETTINGS);
  /* Unset by default: CUPS's default printer. */
  value = pb_settings_get (fixture->store, "print.document_printer");
  g_assert_null (value);
  g_assert_true (pb_settings_validate (info, "Office_A4", &error));
  g_assert_false (pb_settings_validate (info, "two\nlines", &error));
  g_assert_error (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add ("/problems/" path, Fixture, NULL, set_up, func, tear_down)
  ADD ("unmanifested-and-manifests", test_unmanifested_and_manifests);
  ADD ("cancelled-after-label", test_cancelled_after_label);
  ADD ("outbox-resolve", test_outbox_resolve);
  ADD ("claim-by-kind", test_claim_by_kind);
  ADD ("document-printer-setting", test_document_printer_setting);
#undef ADD

  return g_test_run ();
}
