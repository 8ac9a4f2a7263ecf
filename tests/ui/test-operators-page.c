/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "pb-operators-page.h"
#include "pb-ui-test.h"
#include "store/pb-audit.h"
#include "store/pb-keyslots.h"
#include "store/pb-session.h"
#include "util/pb-clock.h"
#include "util/pb-totp.h"

#define ADMIN_PASSWORD "Correct-Horse-42!"
#define TEMP_PASSWORD "Temporary-Pass-1!"
#define NEW_PASSWORD "Bright-Lantern-1-Sky!"

typedef struct
{
  char *root;
  char *dir;
  PbSession *session;
  GtkWindow *window;
  PbOperatorsPage *page;
} Fixture;

static gpointer
get_child (Fixture *fixture, const char *name)
{
  GObject *child
      = gtk_widget_get_template_child (GTK_WIDGET (fixture->page), PB_TYPE_OPERATORS_PAGE, name);

  g_assert_nonnull (child);
  return child;
}

static void
wait_idle (Fixture *fixture)
{
  gint64 end = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;

  pb_ui_test_iterate (20);
  while (pb_operators_page_get_busy (fixture->page) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  g_assert_false (pb_operators_page_get_busy (fixture->page));
  pb_ui_test_iterate (50);
}

/* The widget named @name under @widget (depth first), or NULL. */
static GtkWidget *
find_named (GtkWidget *widget, const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (widget), name) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_named (child, name);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_label (GtkWidget *widget, const char *prefix)
{
  if (GTK_IS_LABEL (widget) && g_str_has_prefix (gtk_label_get_text (GTK_LABEL (widget)), prefix))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label (child, prefix);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
operator_row (Fixture *fixture, const char *username)
{
  return find_named (get_child (fixture, "operators_box"), username);
}

static AdwMessageDialog *
open_dialog (Fixture *fixture, const char *action, const char *username)
{
  GtkWindow *dialog;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), action,
                                             username != NULL ? "s" : NULL, username));
  pb_ui_test_iterate (50);
  dialog = pb_operators_page_get_dialog (fixture->page);
  g_assert_true (ADW_IS_MESSAGE_DIALOG (dialog));
  return ADW_MESSAGE_DIALOG (dialog);
}

static void
set_field (AdwMessageDialog *dialog, const char *name, const char *text)
{
  GtkWidget *entry = find_named (GTK_WIDGET (dialog), name);

  g_assert_nonnull (entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), text);
}

static void
make_page (Fixture *fixture)
{
  fixture->page = PB_OPERATORS_PAGE (pb_operators_page_new (fixture->session, NULL));
  fixture->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (fixture->window, 1000, 640);
  gtk_window_set_child (fixture->window, GTK_WIDGET (fixture->page));
  gtk_window_present (fixture->window);
  pb_ui_test_wait_until_mapped (GTK_WIDGET (fixture->page));
  wait_idle (fixture);
}

static void
close_page (Fixture *fixture)
{
  gpointer weak_page = fixture->page;

  if (fixture->window == NULL)
    return;
  g_object_add_weak_pointer (G_OBJECT (fixture->page), &weak_page);
  gtk_window_destroy (fixture->window);
  pb_ui_test_iterate (100);
  g_assert_null (weak_page);
  fixture->window = NULL;
  fixture->page = NULL;
}

static void
set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *recovery = NULL;
  g_autofree char *uri = NULL;

  fixture->root = g_dir_make_tmp ("pb-operators-page-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->dir = g_build_filename (fixture->root, "store", NULL);
  fixture->session = pb_session_init_store (fixture->dir, "admin", "Ada Admin", ADMIN_PASSWORD,
                                            &recovery, &uri, &error);
  g_assert_no_error (error);
}

static void
remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
tear_down (Fixture *fixture, gconstpointer data)
{
  close_page (fixture);
  g_clear_object (&fixture->session);
  remove_tree (fixture->root);
  g_free (fixture->root);
  g_free (fixture->dir);
}

static void
test_add_packer (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PbSession) packer = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *row;

  make_page (fixture);
  g_assert_nonnull (operator_row (fixture, "admin"));
  /* Nobody has reviewed access yet: said, and flagged. */
  g_assert_true (g_str_has_prefix (gtk_label_get_text (get_child (fixture, "review_label")),
                                   "Access has never been reviewed"));
  g_assert_true (gtk_widget_has_css_class (get_child (fixture, "review_label"), "warning"));

  dialog = open_dialog (fixture, "operators.add", NULL);
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "add"));
  set_field (dialog, "username", "pat");
  set_field (dialog, "full-name", "Pat Packer");
  /* A weak password or a mismatch keeps Add off. */
  set_field (dialog, "password", "short");
  set_field (dialog, "repeat", "short");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "add"));
  set_field (dialog, "password", TEMP_PASSWORD);
  set_field (dialog, "repeat", "Temporary-Pass-2!");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "add"));
  set_field (dialog, "repeat", TEMP_PASSWORD);
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "add"));
  pb_ui_test_wait_until_mapped (GTK_WIDGET (dialog));
  texture = pb_ui_test_snapshot (GTK_WIDGET (dialog), "operators-add-dialog.png");
  g_clear_object (&texture);
  adw_message_dialog_response (dialog, "add");
  wait_idle (fixture);

  /* The row appears: never logged in, temporary password, no second factor. */
  row = operator_row (fixture, "pat");
  g_assert_nonnull (row);
  g_assert_nonnull (
      strstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), "Pat Packer"));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "Never logged in"));
  g_assert_nonnull (
      strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "temporary password"));
  g_assert_true (gtk_widget_get_sensitive (find_named (row, "actions")));
  /* The admin's own row cannot be changed from here. */
  g_assert_false (
      gtk_widget_get_sensitive (find_named (operator_row (fixture, "admin"), "actions")));

  texture = pb_ui_test_snapshot (GTK_WIDGET (fixture->window), "operators.png");
  g_assert_cmpuint (pb_ui_test_count_colours (texture, 64), >=, 8);

  /* The packer logs in with the temporary password and must choose a new one. */
  close_page (fixture);
  g_clear_object (&fixture->session);
  packer = pb_session_login (fixture->dir, "pat", TEMP_PASSWORD, &error);
  g_assert_no_error (error);
  g_assert_cmpint (pb_session_get_stage (packer), ==, PB_SESSION_STAGE_NEEDS_NEW_PASSWORD);
}

static void
test_disable_and_review (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PbSession) packer = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *row;
  g_autofree char *expected = NULL;
  g_autoptr (GDateTime) today = NULL;
  g_autofree char *date = NULL;

  g_assert_true (pb_session_add_operator (fixture->session, "dan", "Dan", PB_ROLE_PACKER,
                                          TEMP_PASSWORD, NULL, &error));
  g_assert_no_error (error);
  make_page (fixture);

  dialog = open_dialog (fixture, "operators.disable", "dan");
  adw_message_dialog_response (dialog, "cancel");
  wait_idle (fixture);
  g_assert_null (find_label (operator_row (fixture, "dan"), "Disabled"));

  dialog = open_dialog (fixture, "operators.disable", "dan");
  adw_message_dialog_response (dialog, "disable");
  wait_idle (fixture);
  row = operator_row (fixture, "dan");
  g_assert_nonnull (find_label (row, "Disabled"));

  /* Mark access reviewed: who and when, no longer flagged. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->page), "operators.mark-reviewed", NULL);
  wait_idle (fixture);
  today = pb_clock_now ();
  today = g_date_time_to_local (today);
  date = g_date_time_format (today, "%-d %b %Y");
  expected = g_strdup_printf ("Last reviewed %s by admin", date);
  g_assert_cmpstr (gtk_label_get_text (get_child (fixture, "review_label")), ==, expected);
  g_assert_false (gtk_widget_has_css_class (get_child (fixture, "review_label"), "warning"));

  /* A disabled packer cannot log in. */
  close_page (fixture);
  g_clear_object (&fixture->session);
  packer = pb_session_login (fixture->dir, "dan", TEMP_PASSWORD, &error);
  g_assert_null (packer);
  g_assert_error (error, PB_SESSION_ERROR, PB_SESSION_ERROR_AUTH);
}

/* A supervisor: manages packers (unlock one), cannot change an admin. */
static void
test_supervisor_unlock_and_limits (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *code = NULL;
  g_autofree char *slots_path = pb_store_path (fixture->dir, PB_STORE_KEYSLOTS_NAME);
  g_autoptr (PbKeyslots) slots = NULL;
  g_autoptr (GBytes) key = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  GtkWidget *row;
  GtkWidget *admin_actions;

  g_assert_true (pb_session_add_operator (fixture->session, "sue", "Sue", PB_ROLE_SUPERVISOR,
                                          TEMP_PASSWORD, &uri, &error));
  g_assert_true (pb_session_add_operator (fixture->session, "lou", "Lou", PB_ROLE_PACKER,
                                          TEMP_PASSWORD, NULL, &error));
  g_assert_no_error (error);

  /* Lou is locked out (as five wrong passwords would do). */
  slots = pb_keyslots_load (slots_path, &error);
  g_assert_no_error (error);
  pb_keyslots_set_locked_until (slots, "lou", pb_clock_now_unix () + PB_LOCKOUT_SECONDS);
  g_assert_true (pb_keyslots_save (slots, slots_path, &error));

  /* Sue logs in at this bench: password, code, new password. */
  pb_session_lock (fixture->session);
  g_assert_true (pb_session_resume (fixture->session, "sue", TEMP_PASSWORD, &error));
  g_assert_no_error (error);
  secret = g_strdup (strstr (uri, "secret=") + strlen ("secret="));
  if (strchr (secret, '&') != NULL)
    *strchr (secret, '&') = '\0';
  key = pb_base32_decode (secret);
  code = pb_totp_code (g_bytes_get_data (key, NULL), g_bytes_get_size (key), pb_clock_now_unix (),
                       6);
  g_assert_true (pb_session_verify_totp (fixture->session, code, &error));
  g_assert_no_error (error);
  g_assert_true (pb_session_set_new_password (fixture->session, NEW_PASSWORD, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pb_session_get_role (fixture->session), ==, PB_ROLE_SUPERVISOR);

  make_page (fixture);
  row = operator_row (fixture, "lou");
  g_assert_nonnull (find_label (row, "Locked until "));
  g_assert_true (gtk_widget_get_sensitive (find_named (row, "unlock")));

  /* The admin's row: the supervisor's controls are off. */
  admin_actions = find_named (operator_row (fixture, "admin"), "actions");
  g_assert_false (gtk_widget_get_sensitive (admin_actions));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (admin_actions), ==,
                   "Only an administrator can change this account");
  texture = pb_ui_test_snapshot (GTK_WIDGET (fixture->window), "operators-supervisor.png");

  /* Reached another way, the engine refuses and the page says so. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->page), "operators.unlock", "s", "admin");
  wait_idle (fixture);
  g_assert_false (pb_session_disable_operator (fixture->session, "admin", &error));
  g_assert_error (error, PB_SESSION_ERROR, PB_SESSION_ERROR_NOT_PERMITTED);
  g_clear_error (&error);
  {
    PbAuditFilter filter = { .action = "permission.denied", .actor = "sue" };
    g_autoptr (GPtrArray) denied
        = pb_audit_list (pb_session_get_store (fixture->session), &filter, &error);

    g_assert_cmpuint (denied->len, ==, 2);
  }

  /* Unlock Lou. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->page), "operators.unlock", "s", "lou");
  wait_idle (fixture);
  row = operator_row (fixture, "lou");
  g_assert_null (find_label (row, "Locked until "));
  g_assert_null (find_named (row, "unlock"));
  g_assert_cmpint (pb_session_get_locked_until (fixture->session, "lou"), ==, 0);
}

int
main (int argc, char **argv)
{
  if (!pb_ui_test_init (&argc, &argv))
    return 0;

  g_test_add ("/operators-page/add-packer", Fixture, NULL, set_up, test_add_packer, tear_down);
  g_test_add ("/operators-page/disable-and-review", Fixture, NULL, set_up, test_disable_and_review,
              tear_down);
  g_test_add ("/operators-page/supervisor-unlock-and-limits", Fixture, NULL, set_up,
              test_supervisor_unlock_and_limits, tear_down);

  return g_test_run ();
}
