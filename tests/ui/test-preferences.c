/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "pb-preferences-window.h"
#include "pb-setting-row.h"
#include "pb-ui-test.h"
#include "station/pb-backup.h"
#include "store/pb-catalogue.h"
#include "store/pb-settings.h"
#include "util/pb-totp.h"

/* Preferences for an admin (changes land in the store, bad values are
 * refused with the registry's reason, secrets never show) and for a
 * supervisor (everything read-only). */

#define SUPERVISOR_TEMP "Temporary-Pass-1!"
#define SUPERVISOR_PASSWORD "Bright-Lantern-1-Sky!"
#define SECRET "client-secret-Zq81-never-shown"

typedef struct
{
  char *root;
  char *dir;
  PbSession *admin;
  PbPreferencesWindow *window;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  fixture->root = g_dir_make_tmp ("pb-prefs-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->dir = g_build_filename (fixture->root, "store", NULL);
  fixture->admin = pb_session_init_store (fixture->dir, "admin", "Ada Admin",
                                          PB_TEST_ADMIN_PASSWORD, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (pb_session_set_setting (fixture->admin, "amazon.client_secret", SECRET, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  if (fixture->window != NULL)
    gtk_window_destroy (GTK_WINDOW (fixture->window));
  pb_ui_test_drain ();
  g_clear_object (&fixture->admin);
  pb_remove_tree (fixture->root, NULL);
  g_free (fixture->root);
  g_free (fixture->dir);
}

static void
wait_idle (Fixture *fixture)
{
  pb_ui_test_wait_idle (fixture->window, (PbUiTestBusyFunc)pb_preferences_window_is_busy);
}

static void
open_window (Fixture *fixture, PbSession *session)
{
  if (fixture->window != NULL)
    return; /* one window for several checks: each store costs a KDF */
  fixture->window = pb_preferences_window_new (NULL, session, NULL);
  gtk_window_present (GTK_WINDOW (fixture->window));
  pb_ui_test_wait_until_mapped (GTK_WIDGET (fixture->window));
  wait_idle (fixture);
}

static GtkWidget *
row_for (Fixture *fixture, const char *key)
{
  GPtrArray *rows = pb_preferences_window_get_setting_rows (fixture->window);

  for (guint i = 0; i < rows->len; i++)
    if (g_strcmp0 (pb_setting_row_get_key (g_ptr_array_index (rows, i)), key) == 0)
      return g_ptr_array_index (rows, i);
  g_assert_not_reached ();
}

/* Every piece of text in the widget tree: labels, entries, accessible
 * names are what a person (or a screen reader) can get at. */
static void
collect_text (GtkWidget *widget, GString *out)
{
  if (GTK_IS_LABEL (widget))
    g_string_append_printf (out, "%s\n", gtk_label_get_text (GTK_LABEL (widget)));
  if (GTK_IS_EDITABLE (widget))
    g_string_append_printf (out, "%s\n", gtk_editable_get_text (GTK_EDITABLE (widget)));
  if (ADW_IS_PREFERENCES_ROW (widget))
    g_string_append_printf (out, "%s\n",
                            adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)));
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    collect_text (c, out);
}

static void
apply (Fixture *fixture, const char *key, const char *text)
{
  GtkWidget *row = row_for (fixture, key);

  gtk_editable_set_text (GTK_EDITABLE (row), text);
  g_signal_emit_by_name (row, "apply");
  wait_idle (fixture);
}

static void
test_admin (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (GdkTexture) texture = NULL;
  PbStore *store = pb_session_get_store (fixture->admin);
  GtkWidget *retention;
  GtkWidget *secret_row;
  const char *message;

  open_window (fixture, fixture->admin);
  retention = row_for (fixture, "retention.days");
  g_assert_true (gtk_widget_get_sensitive (retention));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (retention)), ==, "31");

  /* Retention: 20, then 31 are saved. */
  apply (fixture, "retention.days", "20");
  g_assert_null (pb_setting_row_get_message (retention));
  g_assert_cmpint (pb_settings_get_int (store, "retention.days"), ==, 20);
  apply (fixture, "retention.days", "31");
  g_assert_null (pb_setting_row_get_message (retention));
  g_assert_cmpint (pb_settings_get_int (store, "retention.days"), ==, 31);

  /* 40 is refused with the registry's reason; the store keeps 31. */
  apply (fixture, "retention.days", "40");
  message = pb_setting_row_get_message (retention);
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "from 1 to 31"));
  g_assert_cmpint (pb_settings_get_int (store, "retention.days"), ==, 31);

  /* A bad endpoint likewise. */
  apply (fixture, "amazon.endpoint", "http://example.com/");
  g_assert_nonnull (pb_setting_row_get_message (row_for (fixture, "amazon.endpoint")));
  {
    g_autofree char *endpoint = pb_settings_get (store, "amazon.endpoint");
    g_assert_cmpstr (endpoint, ==, "https://sellingpartnerapi-eu.amazon.com");
  }

  /* A switch saves at once. */
  gtk_switch_set_active (GTK_SWITCH (adw_action_row_get_activatable_widget (
                             ADW_ACTION_ROW (row_for (fixture, "print.on_final_scan")))),
                         FALSE);
  wait_idle (fixture);
  g_assert_false (pb_settings_get_bool (store, "print.on_final_scan"));

  /* The secret: "Set", never its value, anywhere in the window. */
  secret_row = row_for (fixture, "amazon.client_secret");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (secret_row)), ==, "");
  collect_text (GTK_WIDGET (fixture->window), text);
  g_assert_null (strstr (text->str, SECRET));
  g_string_truncate (text, 0);
  collect_text (secret_row, text);
  g_assert_nonnull (strstr (text->str, "\nSet\n"));

  /* A new secret replaces it and leaves the entry. */
  apply (fixture, "amazon.refresh_token", "Atzr|refresh-token-value");
  g_assert_true (pb_settings_is_set (store, "amazon.refresh_token"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row_for (fixture, "amazon.refresh_token"))),
                   ==, "");

  g_clear_object (&texture);
  texture = pb_ui_test_snapshot (GTK_WIDGET (fixture->window), "preferences-bench.png");
  gtk_editable_set_text (GTK_EDITABLE (retention), "40");
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (fixture->window), "data");
  pb_ui_test_settle (GTK_WIDGET (fixture->window));
  g_clear_object (&texture);
  texture = pb_ui_test_snapshot (GTK_WIDGET (fixture->window), "preferences.png");
  g_assert_cmpuint (pb_ui_test_count_colours (texture, 64), >=, 8);
}

static void
test_catalogue (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *bad = g_build_filename (fixture->root, "bad.csv", NULL);
  g_autofree char *good = g_build_filename (fixture->root, "good.csv", NULL);
  g_autoptr (GFile) bad_file = g_file_new_for_path (bad);
  g_autoptr (GFile) good_file = g_file_new_for_path (good);
  g_autoptr (PbProduct) product = NULL;
  GObject *row;
  const char *subtitle;

  g_assert_true (g_file_set_contents (bad, "sku,weight_g\nSKU-A,120\nSKU-B,heavy\n", -1, NULL));
  g_assert_true (g_file_set_contents (good, "sku,weight_g\nSKU-A,120\nSKU-B,300\n", -1, NULL));
  open_window (fixture, fixture->admin);
  row = gtk_widget_get_template_child (GTK_WIDGET (fixture->window), PB_TYPE_PREFERENCES_WINDOW,
                                       "catalogue_row");

  pb_preferences_window_import_catalogue (fixture->window, bad_file);
  wait_idle (fixture);
  subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
  g_assert_nonnull (strstr (subtitle, "Line 3"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (row), "error"));
  /* All or nothing: the good first row was not imported either. */
  product = pb_catalogue_find (pb_session_get_store (fixture->admin), "SKU-A", &error);
  g_assert_no_error (error);
  g_assert_null (product);

  pb_preferences_window_import_catalogue (fixture->window, good_file);
  wait_idle (fixture);
  subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
  g_assert_nonnull (strstr (subtitle, "2 new"));
  product = pb_catalogue_find (pb_session_get_store (fixture->admin), "SKU-B", &error);
  g_assert_no_error (error);
  g_assert_nonnull (product);
  g_assert_cmpint (product->weight_g, ==, 300);
}

static AdwMessageDialog *
shown_dialog (void)
{
  g_autoptr (GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      return l->data;
  return NULL;
}

/* Waits for the message dialog to be shown. */
static AdwMessageDialog *
find_dialog (void)
{
  PB_UI_TEST_WAIT_UNTIL (shown_dialog () != NULL);
  return shown_dialog ();
}

static guint
count_rules (Fixture *fixture)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) rules = pb_rules_list (pb_session_get_store (fixture->admin), &error);

  g_assert_no_error (error);
  return rules->len;
}

static GtkWidget *
find_button_labelled (GtkWidget *widget, const char *prefix)
{
  if (GTK_IS_BUTTON (widget) && gtk_widget_get_tooltip_text (widget) != NULL
      && g_str_has_prefix (gtk_widget_get_tooltip_text (widget), prefix))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_button_labelled (c, prefix);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_rules (Fixture *fixture, gconstpointer data)
{
  AdwMessageDialog *dialog;
  GObject *add_button;
  GtkWidget *remove;

  open_window (fixture, fixture->admin);
  add_button = gtk_widget_get_template_child (GTK_WIDGET (fixture->window),
                                              PB_TYPE_PREFERENCES_WINDOW, "add_rule_button");
  g_signal_emit_by_name (add_button, "clicked");
  dialog = find_dialog ();
  gtk_editable_set_text (GTK_EDITABLE (g_object_get_data (G_OBJECT (dialog), "max")), "750");
  gtk_editable_set_text (GTK_EDITABLE (g_object_get_data (G_OBJECT (dialog), "service")), "TPS48");
  adw_message_dialog_response (dialog, "add");
  wait_idle (fixture);
  g_assert_cmpuint (count_rules (fixture), ==, 1);

  /* The row shows the rule; its remove button removes it. */
  remove = find_button_labelled (GTK_WIDGET (fixture->window), "Remove");
  g_assert_nonnull (remove);
  g_assert_true (gtk_widget_get_sensitive (remove));
  g_signal_emit_by_name (remove, "clicked");
  wait_idle (fixture);
  g_assert_cmpuint (count_rules (fixture), ==, 0);
}

static void
test_supervisor (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *code = NULL;
  g_autoptr (GString) text = g_string_new (NULL);
  GPtrArray *rows;
  GObject *import_button;

  g_assert_true (pb_session_add_operator (fixture->admin, "sam", "Sam Supervisor",
                                          PB_ROLE_SUPERVISOR, SUPERVISOR_TEMP, &uri, &error));
  g_assert_no_error (error);
  /* The same bench, now Sam's: a new password, then the second factor. */
  pb_session_lock (fixture->admin);
  g_assert_true (pb_session_resume (fixture->admin, "sam", SUPERVISOR_TEMP, &error));
  g_assert_no_error (error);
  if (pb_session_get_stage (fixture->admin) == PB_SESSION_STAGE_NEEDS_NEW_PASSWORD)
    g_assert_true (pb_session_set_new_password (fixture->admin, SUPERVISOR_PASSWORD, &error));
  g_assert_no_error (error);
  code = pb_test_totp_code (uri, 0);
  g_assert_true (pb_session_verify_totp (fixture->admin, code, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pb_session_get_role (fixture->admin), ==, PB_ROLE_SUPERVISOR);

  open_window (fixture, fixture->admin);
  rows = pb_preferences_window_get_setting_rows (fixture->window);
  g_assert_cmpuint (rows->len, >, 20);
  for (guint i = 0; i < rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (rows, i);

      g_assert_false (gtk_widget_get_sensitive (row));
      g_assert_null (pb_setting_row_get_message (row));
    }
  import_button = gtk_widget_get_template_child (GTK_WIDGET (fixture->window),
                                                 PB_TYPE_PREFERENCES_WINDOW, "import_button");
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (import_button)));

  /* Values are shown, the secret only as set. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row_for (fixture, "retention.days"))), ==,
                   "31");
  collect_text (GTK_WIDGET (fixture->window), text);
  g_assert_null (strstr (text->str, SECRET));
  g_assert_nonnull (strstr (text->str, "\nSet\n"));

  pb_ui_test_snapshot (GTK_WIDGET (fixture->window), "preferences-supervisor.png");
}

/* Settings, then the catalogue, then the rules, on one store. */
static void
test_admin_all (Fixture *fixture, gconstpointer data)
{
  test_admin (fixture, data);
  test_catalogue (fixture, data);
  test_rules (fixture, data);
}

int
main (int argc, char **argv)
{
  if (!pb_ui_test_init (&argc, &argv))
    return 0; /* the TAP plan above says SKIP */

  g_test_add ("/preferences/admin", Fixture, NULL, fixture_set_up, test_admin_all,
              fixture_tear_down);
  g_test_add ("/preferences/supervisor", Fixture, NULL, fixture_set_up, test_supervisor,
              fixture_tear_down);

  return g_test_run ();
}
