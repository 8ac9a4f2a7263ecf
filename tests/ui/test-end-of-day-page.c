/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The End of Day page against the local Click & Drop server and a private
 * cupsd whose default queue prints into a TCP sink: the labels not yet
 * manifested are listed; Create Manifest asks Royal Mail for the manifest
 * (the server records it) and the list empties; Print Manifest sends the
 * PDF to the document printer (CUPS's default here) and it reaches the
 * sink; Save Manifest writes the same PDF to a file. A packer is refused.
 */
#include "config.h"

#include <glib/gstdio.h>

#include "pb-end-of-day-page.h"
#include "pb-ui-servers.h"
#include "pb-ui-test.h"
#include "store/pb-audit.h"
#include "store/pb-labels.h"
#include "store/pb-orders.h"
#include "util/pb-clock.h"

#define PACKER_TEMP "Temporary-Pass-77!"
#define PACKER_PASSWORD "Packer-Password-88!"
#define ORDER_A "202-0000001-0000001"
#define ORDER_B "202-0000002-0000002"

typedef struct
{
  char *root;
  PbUiServers servers;
  PbSession *session;
  PbStation *station;
  GtkWindow *window;
  PbEndOfDayPage *page;
} Fixture;

static void
apply (Fixture *fixture, const char *id, const char *status, gint64 updated)
{
  pb_test_store_add_order (pb_session_get_store (fixture->session), id, status, updated,
                           pb_clock_now_unix ());
}

static guint
count_audit (Fixture *fixture, const char *action)
{
  return pb_test_count_audit (pb_session_get_store (fixture->session), action);
}

static gpointer
get_child (Fixture *fixture, const char *name)
{
  return pb_ui_test_get_child (GTK_WIDGET (fixture->page), PB_TYPE_END_OF_DAY_PAGE, name);
}

static const char *
count_text (Fixture *fixture)
{
  return gtk_label_get_text (get_child (fixture, "count_label"));
}

static void
show_page (Fixture *fixture)
{
  fixture->page = PB_END_OF_DAY_PAGE (pb_end_of_day_page_new (fixture->session, fixture->station));
  fixture->window = pb_ui_test_present (GTK_WIDGET (fixture->page), 1000, 700);
}

static void
set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gint64 now = pb_clock_now_unix ();

  fixture->session = pb_test_session_new ("pb-end-of-day-page-XXXXXX", &fixture->root, NULL);
  pb_ui_servers_start (&fixture->servers, GPOINTER_TO_INT (data));
  pb_ui_servers_configure (&fixture->servers, fixture->session);

  apply (fixture, ORDER_A, "UNSHIPPED", now - 7200);
  apply (fixture, ORDER_B, "UNSHIPPED", now - 7200);
  pb_ui_servers_buy_label (&fixture->servers, fixture->session, ORDER_A);
  pb_ui_servers_buy_label (&fixture->servers, fixture->session, ORDER_B);

  fixture->station = pb_station_new (pb_session_get_store (fixture->session), &error);
  g_assert_no_error (error);
}

static void
tear_down (Fixture *fixture, gconstpointer data)
{
  pb_ui_test_close_window (&fixture->window, fixture->page);
  pb_station_stop (fixture->station);
  g_clear_object (&fixture->station);
  pb_ui_servers_stop (&fixture->servers);
  pb_test_session_free (&fixture->session, &fixture->root);
}

static gboolean
page_idle (Fixture *fixture)
{
  return !pb_end_of_day_page_get_busy (fixture->page);
}

static void
test_manifest_print_save (Fixture *fixture, gconstpointer data)
{
  PbStore *store = pb_session_get_store (fixture->session);
  g_autoptr (GdkTexture) texture = NULL;
  g_autoptr (JsonNode) manifests = NULL;
  g_autoptr (GBytes) pdf = NULL;
  g_autoptr (GBytes) printed = NULL;
  g_autoptr (GPtrArray) pending = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr (GFile) file = NULL;
  char *saved = NULL;
  gsize saved_length = 0;
  GStatBuf info;
  JsonArray *list;

  show_page (fixture);
  PB_UI_TEST_WAIT_UNTIL (g_strcmp0 (count_text (fixture), "2 labels not yet manifested") == 0);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (get_child (fixture, "labels_stack")), ==,
                   "list");
  /* Nothing to print before a manifest exists. */
  g_assert_false (gtk_widget_is_sensitive (get_child (fixture, "print_button")));
  g_assert_true (gtk_widget_is_sensitive (get_child (fixture, "create_button")));
  pb_ui_test_settle (GTK_WIDGET (fixture->window));
  texture = pb_ui_test_snapshot (GTK_WIDGET (fixture->window), "end-of-day.png");
  g_assert_cmpuint (pb_ui_test_count_colours (texture, 64), >=, 8);

  /* Create: Royal Mail records one manifest, the list empties. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->page), "eod.create-manifest", NULL);
  g_assert_true (pb_end_of_day_page_get_busy (fixture->page));
  g_assert_true (gtk_widget_get_visible (get_child (fixture, "spinner")));
  PB_UI_TEST_WAIT_UNTIL (page_idle (fixture)
                         && g_strcmp0 (count_text (fixture), "0 labels not yet manifested") == 0);
  g_assert_false (gtk_revealer_get_reveal_child (get_child (fixture, "error_revealer")));
  manifests = pb_ui_servers_control (&fixture->servers, "GET", "manifests");
  list = json_object_get_array_member (json_node_get_object (manifests), "manifests");
  g_assert_cmpuint (json_array_get_length (list), ==, 1);
  pending = pb_labels_list_unmanifested (store, &error);
  g_assert_cmpuint (pending->len, ==, 0);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (get_child (fixture, "labels_stack")), ==,
                   "empty");
  PB_UI_TEST_WAIT_UNTIL (gtk_widget_get_visible (get_child (fixture, "manifests_box")));
  g_assert_true (gtk_widget_is_sensitive (get_child (fixture, "print_button")));
  g_assert_false (gtk_widget_is_sensitive (get_child (fixture, "create_button")));
  pdf = pb_labels_get_manifest_pdf (store, 0, &error);
  g_assert_nonnull (pdf);

  /* Print: the PDF reaches the printer as it is. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->page), "eod.print-manifest", "x", (gint64)0);
  printed = pb_ui_servers_next_job (&fixture->servers);
  g_assert_true (g_bytes_equal (printed, pdf));
  PB_UI_TEST_WAIT_UNTIL (page_idle (fixture));
  g_assert_false (gtk_revealer_get_reveal_child (get_child (fixture, "error_revealer")));
  PB_UI_TEST_WAIT_UNTIL (count_audit (fixture, "manifest.printed") == 1);
  /* The manifest lists recipients: asked for before it went to CUPS. */
  g_assert_cmpuint (count_audit (fixture, "manifest.print_requested"), ==, 1);

  /* Save: the same PDF in the chosen file. */
  path = g_build_filename (fixture->root, "manifest.pdf", NULL);
  file = g_file_new_for_path (path);
  pb_end_of_day_page_save_manifest (fixture->page, 0, file);
  PB_UI_TEST_WAIT_UNTIL (page_idle (fixture));
  g_assert_true (g_file_get_contents (path, &saved, &saved_length, &error));
  g_assert_cmpmem (saved, saved_length, g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf));
  g_free (saved);
  g_assert_cmpuint (count_audit (fixture, "manifest.saved"), ==, 1);
  /* It lists recipients: only the bench's user may read the file. */
  g_assert_cmpint (g_stat (path, &info), ==, 0);
  g_assert_cmpint (info.st_mode & 0777, ==, 0600);
  /* Also over a file that others could read before. */
  g_assert_true (
      g_file_set_contents_full (path, "old", -1, G_FILE_SET_CONTENTS_NONE, 0644, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, 0644), ==, 0);
  pb_end_of_day_page_save_manifest (fixture->page, 0, file);
  PB_UI_TEST_WAIT_UNTIL (page_idle (fixture));
  g_assert_cmpuint (count_audit (fixture, "manifest.saved"), ==, 2);
  g_assert_true (g_file_get_contents (path, &saved, &saved_length, &error));
  g_assert_cmpmem (saved, saved_length, g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf));
  g_free (saved);
  g_assert_cmpint (g_stat (path, &info), ==, 0);
  g_assert_cmpint (info.st_mode & 0777, ==, 0600);
  g_assert_cmpuint (count_audit (fixture, "manifest.created"), ==, 1);

  g_clear_object (&texture);
  pb_ui_test_settle (GTK_WIDGET (fixture->window));
  texture = pb_ui_test_snapshot (GTK_WIDGET (fixture->window), "end-of-day-manifested.png");

  /* A second manifest with nothing to manifest is not offered. */
  g_assert_false (gtk_widget_is_sensitive (get_child (fixture, "create_button")));
  gtk_widget_activate_action (GTK_WIDGET (fixture->page), "eod.create-manifest", NULL);
  /* A job would have made the page busy at once (as above); it is not. */
  pb_ui_test_drain ();
  g_assert_false (pb_end_of_day_page_get_busy (fixture->page));
  g_assert_cmpuint (count_audit (fixture, "manifest.created"), ==, 1);
}

static void
test_packer_refused (Fixture *fixture, gconstpointer data)
{
  g_autoptr (JsonNode) manifests = NULL;
  g_autoptr (GFile) file = NULL;
  g_autofree char *path = NULL;
  guint denied;

  pb_ui_test_become_packer (fixture->session, PACKER_TEMP, PACKER_PASSWORD);

  show_page (fixture);
  PB_UI_TEST_WAIT_UNTIL (
      g_strcmp0 (gtk_stack_get_visible_child_name (get_child (fixture, "stack")), "denied") == 0);
  g_assert_false (gtk_widget_is_sensitive (get_child (fixture, "create_button")));

  /* Reached another way, saving is refused and audited; nothing is written. */
  denied = count_audit (fixture, "permission.denied");
  path = g_build_filename (fixture->root, "manifest.pdf", NULL);
  file = g_file_new_for_path (path);
  pb_end_of_day_page_save_manifest (fixture->page, 0, file);
  PB_UI_TEST_WAIT_UNTIL (count_audit (fixture, "permission.denied") == denied + 1);
  g_assert_true (gtk_revealer_get_reveal_child (get_child (fixture, "error_revealer")));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  manifests = pb_ui_servers_control (&fixture->servers, "GET", "manifests");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                        json_node_get_object (manifests), "manifests")),
                    ==, 0);
}

int
main (int argc, char **argv)
{
  if (!pb_ui_test_init (&argc, &argv))
    return 0;

  {
    g_autoptr (GtkCssProvider) css = gtk_css_provider_new ();

    gtk_css_provider_load_from_resource (css, RESOURCE_PREFIX "/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                GTK_STYLE_PROVIDER (css),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }

  g_test_add ("/end-of-day-page/manifest-print-save", Fixture, GINT_TO_POINTER (TRUE), set_up,
              test_manifest_print_save, tear_down);
  g_test_add ("/end-of-day-page/packer-refused", Fixture, GINT_TO_POINTER (FALSE), set_up,
              test_packer_refused, tear_down);

  return g_test_run ();
}
