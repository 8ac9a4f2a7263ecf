/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "pb-operators-page.h"
#include "pb-ui-test.h"
#include "store/pb-audit.h"
#include "store/pb-keyslots.h"
#include "store/pb-session.h"
#include "util/pb-clock.h"
#include "util/pb-totp.h"

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
  return pb_ui_test_get_child (GTK_WIDGET (fixture->page), PB_TYPE_OPERATORS_PAGE, name);
}

static void
wait_idle (Fixture *fixture)
{
  pb_ui_test_wait_idle (fixture->page, (PbUiTestBusyFunc)pb_operators_page_get_busy);
}

static GtkWidget *
operator_row (Fixture *fixture, const char *username)
{
  return pb_ui_test_find_named (get_child (fixture, "operators_box"), username);
}

static AdwMessageDialog *
open_dialog (Fixture *fixture, const char *action, const char *username)
{
  GtkWindow *dialog;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), action,
                                             username != NULL ? "s" : NULL, username));
  PB_UI_TEST_WAIT_UNTIL ((dialog = pb_operators_page_get_dialog (fixture->page)) != NULL);
  g_assert_true (ADW_IS_MESSAGE_DIALOG (dialog));
  return ADW_MESSAGE_DIALOG (dialog);
}

static void
set_field (AdwMessageDialog *dialog, const char *name, const char *text)
{
  GtkWidget *entry = pb_ui_test_find_named (GTK_WIDGET (dialog), name);

  g_assert_nonnull (entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), text);
}

static void
make_page (Fixture *fixture)
{
  fixture->page = PB_OPERATORS_PAGE (pb_operators_page_new (fixture->session, NULL));
  fixture->window = pb_ui_test_present (GTK_WIDGET (fixture->page), 1000, 640);
  wait_idle (fixture);
}

static void
close_page (Fixture *fixture)
{
  pb_ui_test_close_window (&fixture->window, fixture->page);
  fixture->page = NULL;
}

static void
set_up (Fixture *fixture, gconstpointer data)
{
  fixture->session = pb_test_session_new ("pb-operators-page-XXXXXX", &fixture->root, NULL);
  fixture->dir = g_build_filename (fixture->root, "store", NULL);
}

static void
tear_down (Fixture *fixture, gconstpointer data)
{
  close_page (fixture);
  pb_test_session_free (&fixture->session, &fixture->root);
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
  g_assert_true (gtk_widget_get_sensitive (pb_ui_test_find_named (row, "actions")));
  /* The admin's own row cannot be changed from here. */
  g_assert_false (gtk_widget_get_sensitive (
      pb_ui_test_find_named (operator_row (fixture, "admin"), "actions")));

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
  g_assert_null (pb_ui_test_find_label_with_prefix (operator_row (fixture, "dan"), "Disabled"));

  dialog = open_dialog (fixture, "operators.disable", "dan");
  adw_message_dialog_response (dialog, "disable");
  wait_idle (fixture);
  row = operator_row (fixture, "dan");
  g_assert_nonnull (pb_ui_test_find_label_with_prefix (row, "Disabled"));
  /* An administrator is offered a new key; not now. */
  PB_UI_TEST_WAIT_UNTIL (pb_operators_page_get_dialog (fixture->page) != NULL);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (pb_operators_page_get_dialog (fixture->page)),
                               "cancel");

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

/* Disabling someone offers a re-key: the administrator's password, then
 * the new recovery code once; the others keep their passwords, the
 * disabled operator's old keyslot file no longer opens the store. */
static void
test_disable_offers_rekey (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PbSession) packer = NULL;
  g_autoptr (PbKeyslots) old_slots = NULL;
  g_autofree char *slots_path = NULL;
  g_autofree char *code = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *label;
  guint8 before[PB_MASTER_KEY_LEN];
  guint8 old_key[PB_MASTER_KEY_LEN];

  g_assert_true (pb_session_add_operator (fixture->session, "dan", "Dan", PB_ROLE_ADMIN,
                                          TEMP_PASSWORD, NULL, &error));
  g_assert_true (pb_session_add_operator (fixture->session, "sue", "Sue", PB_ROLE_PACKER,
                                          TEMP_PASSWORD, NULL, &error));
  g_assert_no_error (error);
  slots_path = g_build_filename (fixture->dir, PB_STORE_KEYSLOTS_NAME, NULL);
  old_slots = pb_keyslots_load (slots_path, &error);
  g_assert_no_error (error);
  memcpy (before, pb_store_get_master_key (pb_session_get_store (fixture->session)), sizeof before);
  make_page (fixture);

  dialog = open_dialog (fixture, "operators.disable", "dan");
  adw_message_dialog_response (dialog, "disable");
  wait_idle (fixture);
  PB_UI_TEST_WAIT_UNTIL (
      (dialog = ADW_MESSAGE_DIALOG (pb_operators_page_get_dialog (fixture->page))) != NULL);
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "rekey"));
  set_field (dialog, "own-password", PB_TEST_ADMIN_PASSWORD);
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "rekey"));
  adw_message_dialog_response (dialog, "rekey");
  wait_idle (fixture);

  /* The new recovery code, once; closed only once written down. */
  PB_UI_TEST_WAIT_UNTIL (
      (label = pb_ui_test_find_named (GTK_WIDGET (pb_operators_page_get_dialog (fixture->page)),
                                      "recovery-code"))
      != NULL);
  dialog = ADW_MESSAGE_DIALOG (pb_operators_page_get_dialog (fixture->page));
  code = g_strdup (gtk_label_get_text (GTK_LABEL (label)));
  g_assert_cmpuint (strlen (code), ==, 35);
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "done"));
  gtk_check_button_set_active (
      GTK_CHECK_BUTTON (pb_ui_test_find_named (GTK_WIDGET (dialog), "recovery-written")), TRUE);
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "done"));
  adw_message_dialog_response (dialog, "done");

  /* The open store goes on with the new key. */
  g_assert_true (memcmp (before, pb_store_get_master_key (pb_session_get_store (fixture->session)),
                         sizeof before)
                 != 0);
  /* Dan's old slot gives the old key, which the store no longer has. */
  g_assert_true (pb_keyslots_unwrap (old_slots, "dan", TEMP_PASSWORD, old_key, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (old_key, sizeof old_key, before, sizeof before);

  close_page (fixture);
  g_clear_object (&fixture->session);
  {
    g_autoptr (PbStore) store
        = pb_store_open (fixture->dir, old_key, pb_keyslots_get_store_id (old_slots), &error);

    g_assert_null (store);
    g_assert_error (error, PB_STORE_ERROR, PB_STORE_ERROR_MISMATCH);
    g_clear_error (&error);
  }
  packer = pb_session_login (fixture->dir, "sue", TEMP_PASSWORD, &error);
  g_assert_no_error (error);
  g_assert_nonnull (packer);
  g_clear_object (&packer);
  packer = pb_session_recover (fixture->dir, code, "admin", "Brand-New-Secret-7!", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (packer);
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
  g_assert_nonnull (pb_ui_test_find_label_with_prefix (row, "Locked until "));
  g_assert_true (gtk_widget_get_sensitive (pb_ui_test_find_named (row, "unlock")));

  /* The admin's row: the supervisor's controls are off. */
  admin_actions = pb_ui_test_find_named (operator_row (fixture, "admin"), "actions");
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
  g_assert_null (pb_ui_test_find_label_with_prefix (row, "Locked until "));
  g_assert_null (pb_ui_test_find_named (row, "unlock"));
  g_assert_cmpint (pb_session_get_locked_until (fixture->session, "lou"), ==, 0);
}

int
main (int argc, char **argv)
{
  if (!pb_ui_test_init (&argc, &argv))
    return 0;

  g_test_add ("/operators-page/add-packer", Fixture, NULL, set_up, test_add_packer, tear_down);
  g_test_add ("/operators-page/disable-offers-rekey", Fixture, NULL, set_up,
              test_disable_offers_rekey, tear_down);
  g_test_add ("/operators-page/disable-and-review", Fixture, NULL, set_up, test_disable_and_review,
              tear_down);
  g_test_add ("/operators-page/supervisor-unlock-and-limits", Fixture, NULL, set_up,
              test_supervisor_unlock_and_limits, tear_down);

  return g_test_run ();
}
