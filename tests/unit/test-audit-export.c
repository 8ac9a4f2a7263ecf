/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "pb-test-store.h"
#include "store/pb-audit.h"
#include "store/pb-orders.h"
#include "store/pb-session.h"
#include "util/pb-clock.h"
#include "util/pb-csv.h"

#define ADMIN_PASSWORD PB_TEST_ADMIN_PASSWORD
#define PACKER_TEMP "Temporary-Pass-1!"
#define PACKER_PASSWORD "Bright-Lantern-1-Sky!"
#define BUYER_NAME "Winifred Quigglesby"
#define ORDER_ID "202-1234567-7654321"
#define DAY 86400
#define HASH_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HASH_LOWER "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define HASH_UPPER "0123456789ABCDEF0123456789abcdef0123456789ABCDEF0123456789abcdef"

typedef struct
{
  char *root;
  char *dir;
  PbSession *session;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  fixture->session = pb_test_session_new ("pb-audit-export-XXXXXX", &fixture->root, NULL);
  fixture->dir = g_build_filename (fixture->root, "store", NULL);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  pb_test_session_free (&fixture->session, &fixture->root);
  g_free (fixture->dir);
}

static char *export(PbStore *store, const PbAuditFilter *filter, guint *n_rows)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GOutputStream) out = g_memory_output_stream_new_resizable ();

  g_assert_true (pb_audit_export_csv (store, "admin", filter, out, n_rows, NULL, &error));
  g_assert_no_error (error);
  return g_strndup (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (out)),
                    g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (out)));
}

static void
test_field_quoting (void)
{
  const struct
  {
    const char *in;
    const char *out;
  } cases[] = {
    { NULL, "" },
    { "", "" },
    { "plain", "plain" },
    { "a,b", "\"a,b\"" },
    { "say \"hi\"", "\"say \"\"hi\"\"\"" },
    { "two\nlines", "\"two\nlines\"" },
    { " padded ", "\" padded \"" },
    { "=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\"" },
    { "+44", "'+44" },
    { "-2+3", "'-2+3" },
    { "@SUM(A1)", "'@SUM(A1)" },
    { "\tcmd", "'\tcmd" },
    { "role=packer", "role=packer" },
    { "packer->admin", "packer->admin" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *field = pb_audit_csv_field (cases[i].in);
      g_assert_cmpstr (field, ==, cases[i].out);
    }
}

static void
test_export_columns_and_guard (Fixture *fixture, gconstpointer data)
{
  PbStore *store = pb_session_get_store (fixture->session);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) records = NULL;
  g_autoptr (GPtrArray) audit = NULL;
  g_autofree char *csv = NULL;
  PbAuditFilter exported = { .action = "audit.exported" };
  guint n_rows = 0;
  gboolean saw_formula = FALSE;

  pb_test_store_add_buyer_order (store, ORDER_ID, BUYER_NAME);
  g_assert_true (
      pb_session_audit (fixture->session, "order.recipient_viewed", ORDER_ID, "ok", NULL, &error));
  g_assert_true (pb_audit_append (store, "admin", "test.tricky", "=cmd|' /C calc'!A0", "ok",
                                  "a,b \"c\"\nd", &error));
  g_assert_no_error (error);

  csv = export(store, NULL, &n_rows);
  g_assert_cmpuint (n_rows, >=, 3);
  g_assert_true (g_str_has_prefix (csv, PB_AUDIT_CSV_HEADER "\r\n"));
  g_assert_null (strstr (csv, BUYER_NAME));
  g_assert_null (strstr (csv, "Quiggle"));
  g_assert_null (strstr (csv, "LS1 4AP"));
  g_assert_nonnull (strstr (csv, ORDER_ID));

  records = pb_csv_parse (csv, strlen (csv), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, n_rows + 1);
  for (guint i = 0; i < records->len; i++)
    {
      GStrv fields = g_ptr_array_index (records, i);

      /* Exactly the fixed columns, on every line; a solo bench's rows have
       * no bench. */
      g_assert_cmpuint (g_strv_length (fields), ==, 8);
      if (i == 0)
        continue;
      g_assert_cmpstr (fields[7], ==, "");
      /* ISO 8601 in UTC. */
      g_assert_true (
          g_regex_match_simple ("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$", fields[1], 0, 0));
      if (g_str_equal (fields[3], "test.tricky"))
        {
          saw_formula = TRUE;
          g_assert_cmpstr (fields[4], ==, "'=cmd|' /C calc'!A0");
          g_assert_cmpstr (fields[6], ==, "a,b \"c\"\nd");
        }
    }
  g_assert_true (saw_formula);

  /* The export is itself audited, with its count. */
  audit = pb_audit_list (store, &exported, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (audit->len, ==, 1);
  {
    PbAuditEntry *entry = g_ptr_array_index (audit, 0);
    g_autofree char *detail = g_strdup_printf ("rows=%u", n_rows);

    g_assert_cmpstr (entry->actor, ==, "admin");
    g_assert_cmpstr (entry->outcome, ==, "ok");
    g_assert_cmpstr (entry->detail, ==, detail);
  }
  g_assert_true (pb_audit_verify (store, NULL, NULL, &error));
}

static void
test_export_filter (Fixture *fixture, gconstpointer data)
{
  PbStore *store = pb_session_get_store (fixture->session);
  g_autoptr (GError) error = NULL;
  PbAuditFilter filter = { .action = "test." };
  g_autofree char *csv = NULL;
  g_autofree char *empty = NULL;
  guint n_rows = 99;

  g_assert_true (pb_audit_append (store, "admin", "test.one", "x", "ok", NULL, &error));
  g_assert_true (pb_audit_append (store, "admin", "test.two", "y", "ok", NULL, &error));
  csv = export(store, &filter, &n_rows);
  g_assert_cmpuint (n_rows, ==, 2);
  g_assert_nonnull (strstr (csv, "test.one"));
  g_assert_nonnull (strstr (csv, "test.two"));
  g_assert_null (strstr (csv, "store.created"));

  /* Nothing selected: just the header. */
  filter.action = "nothing.";
  empty = export(store, &filter, &n_rows);
  g_assert_cmpuint (n_rows, ==, 0);
  g_assert_cmpstr (empty, ==, PB_AUDIT_CSV_HEADER "\r\n");
}

static void
test_actions_listed (Fixture *fixture, gconstpointer data)
{
  PbStore *store = pb_session_get_store (fixture->session);
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) actions = NULL;

  g_assert_true (pb_audit_append (store, "admin", "zz.last", NULL, "ok", NULL, &error));
  g_assert_true (pb_audit_append (store, "admin", "zz.last", NULL, "ok", NULL, &error));
  actions = pb_audit_list_actions (store, &error);
  g_assert_no_error (error);
  g_assert_true (g_strv_contains ((const char *const *)actions, "zz.last"));
  g_assert_cmpstr (actions[g_strv_length (actions) - 1], ==, "zz.last");
  for (guint i = 1; actions[i] != NULL; i++)
    g_assert_cmpint (strcmp (actions[i - 1], actions[i]), <, 0);
}

static void
test_access_review (Fixture *fixture, gconstpointer data)
{
  PbStore *store = pb_session_get_store (fixture->session);
  g_autoptr (GError) error = NULL;
  g_autofree char *reviewer = NULL;
  g_autofree char *uri = NULL;
  gint64 when = -1;
  guint n = 0;

  g_assert_true (pb_audit_get_last_access_review (store, &when, &reviewer, &error));
  g_assert_cmpint (when, ==, 0);
  g_assert_null (reviewer);

  g_assert_true (pb_session_add_operator (fixture->session, "pat", "Pat Packer", PB_ROLE_PACKER,
                                          PACKER_TEMP, &uri, &error));
  g_assert_no_error (error);
  g_assert_true (pb_session_mark_access_reviewed (fixture->session, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 2);
  g_assert_true (pb_audit_get_last_access_review (store, &when, &reviewer, &error));
  g_assert_cmpint (when, >, 0);
  g_assert_cmpint (ABS (when - pb_clock_now_unix ()), <, 5);
  g_assert_cmpstr (reviewer, ==, "admin");
  {
    PbAuditFilter filter = { .action = "access.reviewed" };
    g_autoptr (GPtrArray) rows = pb_audit_list (store, &filter, &error);

    g_assert_cmpuint (rows->len, ==, 1);
    g_assert_cmpstr (((PbAuditEntry *)g_ptr_array_index (rows, 0))->detail, ==, "operators=2");
  }

  /* A packer may not review access; the refusal is audited and no review
   * is recorded. */
  g_assert_true (pb_session_resume (fixture->session, "pat", PACKER_TEMP, &error));
  g_assert_true (pb_session_set_new_password (fixture->session, PACKER_PASSWORD, &error));
  g_assert_no_error (error);
  g_assert_false (pb_session_mark_access_reviewed (fixture->session, &n, &error));
  g_assert_error (error, PB_SESSION_ERROR, PB_SESSION_ERROR_NOT_PERMITTED);
  g_clear_pointer (&reviewer, g_free);
  g_assert_true (pb_audit_get_last_access_review (store, &when, &reviewer, NULL));
  g_assert_cmpstr (reviewer, ==, "admin");
  {
    PbAuditFilter filter = { .action = "permission.denied", .actor = "pat" };
    g_autoptr (GPtrArray) rows = pb_audit_list (store, &filter, NULL);

    g_assert_cmpuint (rows->len, ==, 1);
    g_assert_cmpstr (((PbAuditEntry *)g_ptr_array_index (rows, 0))->detail, ==, "access.review");
  }
}

static void
test_overdue_and_unused (void)
{
  gint64 now = 1800000000;

  g_assert_true (pb_access_review_is_overdue (0, now));
  g_assert_false (pb_access_review_is_overdue (now - 90 * DAY, now));
  g_assert_true (pb_access_review_is_overdue (now - 90 * DAY - 1, now));
  g_assert_false (pb_access_review_is_overdue (now - DAY, now));

  g_assert_false (pb_account_is_unused (now - 30 * DAY, 0, now));
  g_assert_true (pb_account_is_unused (now - 30 * DAY - 1, 0, now));
  /* Never logged in: counted from its creation. */
  g_assert_false (pb_account_is_unused (0, now - DAY, now));
  g_assert_true (pb_account_is_unused (0, now - 31 * DAY, now));
}

static void
test_anchor_parse (void)
{
  static const char *bad[] = {
    "",
    "12",
    "x:y",
    "5:zz",
    "-3:" HASH_A,
    "0:" HASH_A,
    "+5:" HASH_A,
    " 5:" HASH_A,
    "5:" HASH_A "0",
    "5: " HASH_A,
    "99999999999999999999:" HASH_A,
    ":" HASH_A,
  };
  g_autoptr (GError) error = NULL;
  g_autofree char *hash = NULL;
  gint64 seq = 0;

  g_assert_true (pb_audit_parse_anchor ("17:" HASH_UPPER, &seq, &hash, &error));
  g_assert_no_error (error);
  g_assert_cmpint (seq, ==, 17);
  g_assert_cmpstr (hash, ==, HASH_LOWER);

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *bad_hash = NULL;

      g_clear_error (&error);
      g_assert_false (pb_audit_parse_anchor (bad[i], &seq, &bad_hash, &error));
      g_assert_nonnull (error);
      g_assert_null (bad_hash);
    }
  g_clear_error (&error);
  g_assert_false (pb_audit_parse_anchor (NULL, &seq, &hash, &error));
}

static void
test_anchor_take_and_check (Fixture *fixture, gconstpointer data)
{
  PbStore *store = pb_session_get_store (fixture->session);
  g_autoptr (GError) error = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *head_hash = NULL;
  g_autofree char *detail = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  PbAuditFilter filter = { .action = "audit.anchored" };
  PbAuditAnchorResult result;
  gint64 seq = 0;
  gint64 head = 0;
  PbAuditEntry *entry;

  g_assert_true (pb_audit_take_anchor (store, "admin", &seq, &hash, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (hash), ==, PB_AUDIT_HASH_LENGTH);

  /* The anchor is the head, including its own row. */
  head_hash = pb_store_get_meta (store, "audit_head_hash");
  g_assert_cmpstr (head_hash, ==, hash);
  rows = pb_audit_list (store, &filter, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 1);
  entry = g_ptr_array_index (rows, 0);
  g_assert_cmpint (entry->seq, ==, seq);
  g_assert_cmpstr (entry->actor, ==, "admin");
  detail = g_strdup_printf ("seq=%" G_GINT64_FORMAT, seq);
  g_assert_cmpstr (entry->detail, ==, detail);

  g_assert_true (pb_audit_check_anchor (store, seq, hash, &result, &head, &error));
  g_assert_cmpint (result, ==, PB_AUDIT_ANCHOR_MATCHED);
  g_assert_cmpint (head, ==, seq);

  g_assert_true (pb_audit_append (store, "admin", "test.more", NULL, "ok", NULL, &error));
  g_assert_true (pb_audit_verify (store, NULL, NULL, &error));
  g_assert_true (pb_audit_check_anchor (store, seq, hash, &result, &head, &error));
  g_assert_cmpint (result, ==, PB_AUDIT_ANCHOR_MATCHED);
  g_assert_cmpint (head, ==, seq + 1);

  g_assert_true (pb_audit_check_anchor (store, seq, HASH_LOWER, &result, NULL, &error));
  g_assert_cmpint (result, ==, PB_AUDIT_ANCHOR_REWRITTEN);
  g_assert_true (pb_audit_check_anchor (store, seq + 2, hash, &result, &head, &error));
  g_assert_cmpint (result, ==, PB_AUDIT_ANCHOR_BEYOND);
  g_assert_no_error (error);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/audit-export/field-quoting", test_field_quoting);
  g_test_add_func ("/audit-export/overdue-and-unused", test_overdue_and_unused);
  g_test_add_func ("/audit-export/anchor-parse", test_anchor_parse);
  g_test_add ("/audit-export/anchor-take-and-check", Fixture, NULL, fixture_set_up,
              test_anchor_take_and_check, fixture_tear_down);
  g_test_add ("/audit-export/columns-and-guard", Fixture, NULL, fixture_set_up,
              test_export_columns_and_guard, fixture_tear_down);
  g_test_add ("/audit-export/filter", Fixture, NULL, fixture_set_up, test_export_filter,
              fixture_tear_down);
  g_test_add ("/audit-export/actions-listed", Fixture, NULL, fixture_set_up, test_actions_listed,
              fixture_tear_down);
  g_test_add ("/audit-export/access-review", Fixture, NULL, fixture_set_up, test_access_review,
              fixture_tear_down);

  return g_test_run ();
}
