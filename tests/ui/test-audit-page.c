/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "pb-audit-item.h"
#include "pb-audit-page.h"
#include "pb-ui-test.h"
#include "store/pb-audit.h"
#include "store/pb-orders.h"
#include "store/pb-session.h"
#include "util/pb-clock.h"
#include "util/pb-csv.h"

#define BUYER_NAME "Winifred Quigglesby"
#define ORDER_ID "202-7654321-1234567"
#define DAY 86400

typedef struct
{
  char *root;
  PbSession *session;
  GtkWindow *window;
  PbAuditPage *page;
} Fixture;

static gpointer
get_child (Fixture *fixture, const char *name)
{
  return pb_ui_test_get_child (GTK_WIDGET (fixture->page), PB_TYPE_AUDIT_PAGE, name);
}

static void
wait_idle (Fixture *fixture)
{
  pb_ui_test_wait_idle (fixture->page, (PbUiTestBusyFunc)pb_audit_page_get_busy);
}

static const char *
label_text (Fixture *fixture, const char *name)
{
  return gtk_label_get_text (get_child (fixture, name));
}

static GListModel *
rows (Fixture *fixture)
{
  return G_LIST_MODEL (get_child (fixture, "audit_store"));
}

static void
set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  PbStore *store;

  fixture->session = pb_test_session_new ("pb-audit-page-XXXXXX", &fixture->root, NULL);
  store = pb_session_get_store (fixture->session);

  /* A packer, and their day written straight into the log (no logins: fast). */
  g_assert_true (pb_session_add_operator (fixture->session, "pat", "Pat Packer", PB_ROLE_PACKER,
                                          "Temporary-Pass-1!", NULL, &error));
  g_assert_no_error (error);
  pb_test_store_add_buyer_order (store, ORDER_ID, BUYER_NAME);
  g_assert_true (pb_audit_append (store, "pat", "login.ok", "pat", "ok", NULL, &error));
  g_assert_true (
      pb_audit_append (store, "pat", "order.recipient_viewed", ORDER_ID, "ok", NULL, &error));
  g_assert_true (
      pb_audit_append (store, "pat", "pack.mis_scan", ORDER_ID, "denied", "kind=barcode", &error));
  g_assert_true (
      pb_session_audit (fixture->session, "order.recipient_viewed", ORDER_ID, "ok", NULL, &error));
  g_assert_no_error (error);

  fixture->page = PB_AUDIT_PAGE (pb_audit_page_new (fixture->session, NULL));
  fixture->window = pb_ui_test_present (GTK_WIDGET (fixture->page), 1100, 640);
  wait_idle (fixture);
}

static void
tear_down (Fixture *fixture, gconstpointer data)
{
  pb_ui_test_close_window (&fixture->window, fixture->page);
  pb_test_session_free (&fixture->session, &fixture->root);
}

static guint
select_string (GtkDropDown *dropdown, const char *text)
{
  GListModel *model = gtk_drop_down_get_model (dropdown);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    if (g_str_equal (gtk_string_list_get_string (GTK_STRING_LIST (model), i), text))
      {
        gtk_drop_down_set_selected (dropdown, i);
        return i;
      }
  g_assert_not_reached ();
}

static void
test_lists_and_filters (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GdkTexture) texture = NULL;
  g_autoptr (PbAuditItem) newest = NULL;
  g_autoptr (GDateTime) long_ago = g_date_time_new_local (2001, 1, 1, 12, 0, 0);
  guint total = g_list_model_get_n_items (rows (fixture));
  g_autofree char *count = NULL;

  /* Every row, newest first, and the chain checked. */
  g_assert_cmpuint (total, >=, 5);
  count = g_strdup_printf ("%u rows", total);
  g_assert_cmpstr (label_text (fixture, "count_label"), ==, count);
  g_assert_true (g_str_has_prefix (label_text (fixture, "verify_label"), "Audit log intact, "));
  g_assert_false (gtk_widget_has_css_class (get_child (fixture, "verify_label"), "error"));
  newest = g_list_model_get_item (rows (fixture), 0);
  g_assert_cmpstr (pb_audit_item_get_entry (newest)->action, ==, "order.recipient_viewed");
  g_assert_cmpstr (pb_audit_item_get_entry (newest)->actor, ==, "admin");
  g_assert_true (gtk_widget_get_visible (get_child (fixture, "export_button")));

  texture = pb_ui_test_snapshot (GTK_WIDGET (fixture->window), "audit.png");
  g_assert_cmpuint (pb_ui_test_count_colours (texture, 64), >=, 8);

  /* The operator list comes from the log's operators; pat has three rows. */
  select_string (get_child (fixture, "operator_dropdown"), "admin");
  wait_idle (fixture);
  g_assert_cmpuint (g_list_model_get_n_items (rows (fixture)), <, total);
  g_assert_cmpuint (g_list_model_get_n_items (rows (fixture)), >=, 2);
  gtk_drop_down_set_selected (get_child (fixture, "operator_dropdown"), 0);
  wait_idle (fixture);
  g_assert_cmpuint (g_list_model_get_n_items (rows (fixture)), ==, total);

  /* By action group. */
  select_string (get_child (fixture, "action_dropdown"), "order.*");
  wait_idle (fixture);
  g_assert_cmpuint (g_list_model_get_n_items (rows (fixture)), ==, 2);
  g_assert_cmpstr (label_text (fixture, "count_label"), ==, "2 rows");
  select_string (get_child (fixture, "action_dropdown"), "pack.mis_scan");
  wait_idle (fixture);
  g_assert_cmpuint (g_list_model_get_n_items (rows (fixture)), ==, 1);
  gtk_drop_down_set_selected (get_child (fixture, "action_dropdown"), 0);

  /* By date: nothing happened in 2001. */
  pb_audit_page_set_dates (fixture->page, long_ago, long_ago);
  wait_idle (fixture);
  g_assert_cmpuint (g_list_model_get_n_items (rows (fixture)), ==, 0);
  g_assert_cmpstr (gtk_menu_button_get_label (get_child (fixture, "from_button")), ==,
                   "From: 1 Jan 2001");
  pb_audit_page_set_dates (fixture->page, NULL, NULL);
  wait_idle (fixture);
  g_assert_cmpuint (g_list_model_get_n_items (rows (fixture)), ==, total);
  g_assert_cmpstr (gtk_menu_button_get_label (get_child (fixture, "from_button")), ==,
                   "From: any date");
}

static void
test_operator_filter_and_export (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (fixture->root, "export.csv", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autofree char *csv = NULL;
  gsize length = 0;
  g_autoptr (GPtrArray) records = NULL;
  g_autoptr (GPtrArray) exported = NULL;
  PbAuditFilter filter = { .action = "audit.exported" };
  GStatBuf st;

  select_string (get_child (fixture, "operator_dropdown"), "pat");
  wait_idle (fixture);
  g_assert_cmpuint (g_list_model_get_n_items (rows (fixture)), ==, 3);
  g_assert_cmpstr (label_text (fixture, "count_label"), ==, "3 rows");
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr (PbAuditItem) item = g_list_model_get_item (rows (fixture), i);
      g_assert_cmpstr (pb_audit_item_get_entry (item)->actor, ==, "pat");
    }

  /* Export what is shown: pat's rows, fixed columns, no buyer. */
  pb_audit_page_export_to_file (fixture->page, file);
  wait_idle (fixture);
  g_assert_true (g_file_get_contents (path, &csv, &length, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0077, ==, 0);
  g_assert_true (g_str_has_prefix (csv, PB_AUDIT_CSV_HEADER "\r\n"));
  g_assert_null (strstr (csv, BUYER_NAME));
  g_assert_null (strstr (csv, "LS1 4AP"));
  records = pb_csv_parse (csv, length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 4);
  for (guint i = 1; i < records->len; i++)
    {
      GStrv fields = g_ptr_array_index (records, i);

      g_assert_cmpuint (g_strv_length (fields), ==, 8);
      g_assert_cmpstr (fields[2], ==, "pat");
    }
  g_assert_cmpstr (((GStrv)g_ptr_array_index (records, 3))[3], ==, "pack.mis_scan");

  /* The export is audited in the supervisor's name, and the page shows it. */
  exported = pb_audit_list (pb_session_get_store (fixture->session), &filter, &error);
  g_assert_cmpuint (exported->len, ==, 1);
  g_assert_cmpstr (((PbAuditEntry *)g_ptr_array_index (exported, 0))->actor, ==, "admin");
  g_assert_cmpstr (((PbAuditEntry *)g_ptr_array_index (exported, 0))->detail, ==, "rows=3");
  gtk_drop_down_set_selected (get_child (fixture, "operator_dropdown"), 0);
  wait_idle (fixture);
  {
    g_autoptr (PbAuditItem) newest = g_list_model_get_item (rows (fixture), 0);
    g_assert_cmpstr (pb_audit_item_get_entry (newest)->action, ==, "audit.exported");
  }

  /* A folder that does not exist: no file, the page says so, nothing crashes. */
  {
    g_autofree char *bad = g_build_filename (fixture->root, "missing", "x.csv", NULL);
    g_autoptr (GFile) bad_file = g_file_new_for_path (bad);

    pb_audit_page_export_to_file (fixture->page, bad_file);
    wait_idle (fixture);
    g_assert_false (g_file_test (bad, G_FILE_TEST_EXISTS));
  }
}

static void
test_broken_chain_shown (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  GtkWidget *label = get_child (fixture, "verify_label");
  g_autoptr (GdkTexture) texture = NULL;

  /* The head says there were more rows than there are: rows cut off. */
  g_assert_true (
      pb_store_set_meta (pb_session_get_store (fixture->session), "audit_head_seq", "999", &error));
  pb_audit_page_reload (fixture->page);
  wait_idle (fixture);
  g_assert_true (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (label)), "Audit log broken: "));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (label)), "999"));
  g_assert_true (gtk_widget_has_css_class (label, "error"));
  texture = pb_ui_test_snapshot (GTK_WIDGET (fixture->window), "audit-broken.png");
}

int
main (int argc, char **argv)
{
  if (!pb_ui_test_init (&argc, &argv))
    return 0;

  g_test_add ("/audit-page/lists-and-filters", Fixture, NULL, set_up, test_lists_and_filters,
              tear_down);
  g_test_add ("/audit-page/operator-filter-and-export", Fixture, NULL, set_up,
              test_operator_filter_and_export, tear_down);
  g_test_add ("/audit-page/broken-chain-shown", Fixture, NULL, set_up, test_broken_chain_shown,
              tear_down);

  return g_test_run ();
}
