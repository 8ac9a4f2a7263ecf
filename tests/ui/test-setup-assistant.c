/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "pb-password-rules.h"
#include "pb-qr-code.h"
#include "pb-setting-row.h"
#include "pb-setup-assistant.h"
#include "pb-ui-test.h"
#include "station/pb-backup.h"
#include "store/pb-settings.h"
#include "util/pb-totp.h"

/* Drives the first-run assistant through its widgets the way the IT
 * person would: type, tick, press Next, wait for the worker. */

typedef struct
{
  char *root;
  char *dir;
  GtkWindow *window;
  PbSetupAssistant *assistant;
  PbSession *finished; /* from the "finished" signal */
} Fixture;

static void
on_finished_cb (PbSetupAssistant *assistant, PbSession *session, Fixture *fixture)
{
  g_set_object (&fixture->finished, session);
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  fixture->root = g_dir_make_tmp ("pb-setup-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->dir = g_build_filename (fixture->root, "store", NULL);
  fixture->assistant = PB_SETUP_ASSISTANT (pb_setup_assistant_new (fixture->dir));
  g_signal_connect (fixture->assistant, "finished", G_CALLBACK (on_finished_cb), fixture);
  fixture->window = pb_ui_test_present (GTK_WIDGET (fixture->assistant), 800, 760);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  gtk_window_destroy (fixture->window);
  g_clear_object (&fixture->finished);
  pb_ui_test_drain ();
  pb_remove_tree (fixture->root, NULL);
  g_free (fixture->root);
  g_free (fixture->dir);
}

static GtkWidget *
child (Fixture *fixture, const char *name)
{
  return pb_ui_test_get_child (GTK_WIDGET (fixture->assistant), PB_TYPE_SETUP_ASSISTANT, name);
}

static void
type_into (Fixture *fixture, const char *name, const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (child (fixture, name)), text);
}

static const char *
step (Fixture *fixture)
{
  return gtk_stack_get_visible_child_name (GTK_STACK (child (fixture, "stack")));
}

static gboolean
next_sensitive (Fixture *fixture)
{
  return gtk_widget_get_sensitive (child (fixture, "next_button"));
}

static const char *
error_text (Fixture *fixture)
{
  return pb_ui_test_shown_text (child (fixture, "error_label"));
}

/* Presses a button and waits until the worker is done (the spinner goes). */
static void
press (Fixture *fixture, const char *button)
{
  GtkWidget *widget = child (fixture, button);
  GtkWidget *spinner = child (fixture, "spinner");

  g_assert_true (gtk_widget_is_sensitive (widget));
  g_signal_emit_by_name (widget, "clicked");
  PB_UI_TEST_WAIT_UNTIL (!gtk_widget_get_visible (spinner));
  /* The slide, so screenshots show one step (the window is gone once the
   * assistant has finished). */
  if (gtk_widget_get_mapped (GTK_WIDGET (fixture->assistant)))
    pb_ui_test_settle (GTK_WIDGET (fixture->assistant));
}

static void
snapshot (Fixture *fixture, const char *name)
{
  g_autoptr (GdkTexture) texture = NULL;

  pb_ui_test_settle (GTK_WIDGET (fixture->window));
  texture = pb_ui_test_snapshot (GTK_WIDGET (fixture->window), name);
  g_assert_cmpuint (pb_ui_test_count_colours (texture, 64), >=, 8);
}

static GtkWidget *
find_setting_row (GtkWidget *widget, const char *key)
{
  if (g_object_get_data (G_OBJECT (widget), "pb-setting-row") != NULL
      && g_strcmp0 (pb_setting_row_get_key (widget), key) == 0)
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_setting_row (c, key);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
setting_row (Fixture *fixture, const char *key)
{
  GtkWidget *row = find_setting_row (GTK_WIDGET (fixture->assistant), key);

  g_assert_nonnull (row);
  return row;
}

static void
wait_row (GtkWidget *row)
{
  PB_UI_TEST_WAIT_UNTIL (!pb_setting_row_is_busy (row));
}

static void
fill_admin (Fixture *fixture, const char *password)
{
  type_into (fixture, "username_row", "admin");
  type_into (fixture, "full_name_row", "Ada Admin");
  type_into (fixture, "password_row", password);
  type_into (fixture, "repeat_row", password);
}

static gboolean
rule_met (Fixture *fixture, guint index)
{
  return pb_ui_test_rule_met (child (fixture, "rules"), index);
}

static void
test_weak_password (Fixture *fixture, gconstpointer data)
{
  g_assert_cmpstr (step (fixture), ==, "admin");
  g_assert_false (next_sensitive (fixture));

  /* Long enough, but no digit and no symbol: both rules show unmet. */
  fill_admin (fixture, "Correcthorsebattery");
  g_assert_false (next_sensitive (fixture));
  g_assert_true (rule_met (fixture, 0));  /* length */
  g_assert_false (rule_met (fixture, 4)); /* digit */
  g_assert_false (rule_met (fixture, 5)); /* symbol */
  snapshot (fixture, "setup-admin.png");

  /* The username inside the password is refused too. */
  fill_admin (fixture, "My-admin-Pass-42!");
  g_assert_false (rule_met (fixture, 1));
  g_assert_false (next_sensitive (fixture));

  /* Entries that differ. */
  fill_admin (fixture, PB_TEST_ADMIN_PASSWORD);
  type_into (fixture, "repeat_row", "Correct-Horse-43!");
  g_assert_false (next_sensitive (fixture));

  fill_admin (fixture, PB_TEST_ADMIN_PASSWORD);
  for (guint i = 0; i < 7; i++)
    g_assert_true (rule_met (fixture, i));
  g_assert_true (next_sensitive (fixture));
  /* Nothing was created by typing. */
  g_assert_false (pb_store_exists (fixture->dir));
}

static char *
decode_png (const char *path)
{
  g_autoptr (GError) error = NULL;
  const char *argv[] = { "zbarimg", "--quiet", "--raw", path, NULL };
  g_autofree char *out = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return g_strdup (g_strchomp (out));
}

static void
test_full_run (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GdkTexture) qr = NULL;
  g_autoptr (PbSession) login = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *png = NULL;
  g_autofree char *decoded = NULL;
  g_autofree char *wrong = NULL;
  g_autofree char *code = NULL;
  g_autofree char *recovery = NULL;
  g_autofree char *client_id = NULL;
  g_autofree char *marketplace = NULL;
  PbStore *store;
  const char *secret_text;
  gpointer weak_finished;

  /* 1. The admin: creating the store runs in a worker. */
  fill_admin (fixture, PB_TEST_ADMIN_PASSWORD);
  press (fixture, "next_button");
  g_assert_null (error_text (fixture));
  g_assert_cmpstr (step (fixture), ==, "totp");
  g_assert_true (pb_store_exists (fixture->dir));
  /* The password is gone from the entries. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (fixture, "password_row"))), ==, "");

  /* 2. The QR code decodes to the otpauth URI shown in text, which holds
   * the secret shown in groups of four. */
  uri = g_strdup (gtk_label_get_text (GTK_LABEL (child (fixture, "uri_label"))));
  g_assert_true (g_str_has_prefix (uri, "otpauth://totp/"));
  g_assert_cmpstr (pb_qr_code_get_text (PB_QR_CODE (child (fixture, "qr_code"))), ==, uri);
  secret_text = gtk_label_get_text (GTK_LABEL (child (fixture, "secret_label")));
  {
    g_autofree char *compact = g_strdup (secret_text);
    g_autofree char *in_uri = NULL;
    const char *start = strstr (uri, "secret=") + strlen ("secret=");

    g_strdelimit (compact, " ", '\0');
    in_uri = g_strndup (start, strcspn (start, "&"));
    g_assert_cmpuint (strlen (secret_text), >, strlen (in_uri)); /* grouped */
    g_assert_true (g_str_has_prefix (in_uri, compact));
  }
  g_assert_false (next_sensitive (fixture)); /* no code yet */
  snapshot (fixture, "setup-totp.png");
  qr = pb_ui_test_snapshot (child (fixture, "qr_code"), "setup-totp-qr.png");
  png = g_build_filename (g_getenv ("PB_TEST_ARTIFACTS") ? g_getenv ("PB_TEST_ARTIFACTS")
                                                         : fixture->root,
                          "setup-totp-qr.png", NULL);
  if (!g_file_test (png, G_FILE_TEST_EXISTS))
    g_assert_true (gdk_texture_save_to_png (qr, png));
  decoded = decode_png (png);
  g_assert_cmpstr (decoded, ==, uri);

  /* 3. A wrong code is refused; the step stays. (From the far past: never
   * valid now.) */
  wrong = pb_test_totp_code (uri, -3600);
  type_into (fixture, "code_entry", wrong);
  press (fixture, "next_button");
  g_assert_cmpstr (step (fixture), ==, "totp");
  g_assert_nonnull (error_text (fixture));
  g_assert_nonnull (strstr (error_text (fixture), "Wrong code"));

  /* The right one passes. */
  code = pb_test_totp_code (uri, 0);
  type_into (fixture, "code_entry", code);
  press (fixture, "next_button");
  g_assert_null (error_text (fixture));
  g_assert_cmpstr (step (fixture), ==, "recovery");
  /* The key is not on screen any more. */
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (child (fixture, "uri_label"))), ==, "");

  /* 4. The recovery code: Next only once it is written down. */
  recovery = g_strdup (gtk_label_get_text (GTK_LABEL (child (fixture, "recovery_label"))));
  g_assert_cmpuint (strlen (recovery), >=, 20);
  g_assert_false (next_sensitive (fixture));
  snapshot (fixture, "setup-recovery.png");
  gtk_check_button_set_active (GTK_CHECK_BUTTON (child (fixture, "recovery_check")), TRUE);
  g_assert_true (next_sensitive (fixture));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (child (fixture, "recovery_check")), FALSE);
  g_assert_false (next_sensitive (fixture));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (child (fixture, "recovery_check")), TRUE);
  press (fixture, "next_button");
  g_assert_cmpstr (step (fixture), ==, "amazon");
  /* Shown once: gone now. */
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (child (fixture, "recovery_label"))), ==, "");

  /* 5. Amazon: typed values are saved by Next; a secret shows only as set. */
  wait_row (setting_row (fixture, "amazon.client_id"));
  g_assert_true (gtk_widget_get_sensitive (setting_row (fixture, "amazon.client_id")));
  gtk_editable_set_text (GTK_EDITABLE (setting_row (fixture, "amazon.client_id")),
                         "amzn1.application-oa2-client.test");
  gtk_editable_set_text (GTK_EDITABLE (setting_row (fixture, "amazon.client_secret")),
                         "very-secret-value");
  gtk_editable_set_text (GTK_EDITABLE (setting_row (fixture, "amazon.marketplace_id")),
                         "A1F83G8C2ARO7P");
  snapshot (fixture, "setup-amazon.png");
  press (fixture, "next_button");
  wait_row (setting_row (fixture, "amazon.client_id"));
  wait_row (setting_row (fixture, "amazon.client_secret"));
  g_assert_null (pb_setting_row_get_message (setting_row (fixture, "amazon.client_id")));
  g_assert_cmpstr (step (fixture), ==, "royalmail");
  /* The secret left the entry once saved. */
  g_assert_cmpstr (
      gtk_editable_get_text (GTK_EDITABLE (setting_row (fixture, "amazon.client_secret"))), ==, "");

  /* 6. Royal Mail: skipped with Next; then the printer step. */
  press (fixture, "next_button");
  g_assert_cmpstr (step (fixture), ==, "printer");
  wait_row (setting_row (fixture, "print.printer"));
  g_assert_true (gtk_widget_get_visible (child (fixture, "later_button")));
  snapshot (fixture, "setup-printer.png");

  /* 7. Finish later: the rest stays for Preferences. */
  press (fixture, "later_button");
  g_assert_nonnull (fixture->finished);
  g_assert_cmpint (pb_session_get_stage (fixture->finished), ==, PB_SESSION_STAGE_READY);
  g_assert_cmpint (pb_session_get_role (fixture->finished), ==, PB_ROLE_ADMIN);
  g_assert_cmpstr (pb_session_get_username (fixture->finished), ==, "admin");

  /* Close everything, then log in the way the next start will. */
  weak_finished = fixture->finished;
  g_object_add_weak_pointer (G_OBJECT (weak_finished), &weak_finished);
  gtk_window_destroy (fixture->window);
  fixture->window = GTK_WINDOW (gtk_window_new ());
  g_clear_object (&fixture->finished);
  PB_UI_TEST_WAIT_UNTIL (weak_finished == NULL); /* its store is closed */

  login = pb_session_login (fixture->dir, "admin", PB_TEST_ADMIN_PASSWORD, &error);
  g_assert_no_error (error);
  g_assert_cmpint (pb_session_get_stage (login), ==, PB_SESSION_STAGE_NEEDS_TOTP);
  store = pb_session_get_store (login);
  client_id = pb_settings_get (store, "amazon.client_id");
  g_assert_cmpstr (client_id, ==, "amzn1.application-oa2-client.test");
  g_assert_true (pb_settings_is_set (store, "amazon.client_secret"));
  marketplace = pb_settings_get (store, "amazon.marketplace_id");
  g_assert_cmpstr (marketplace, ==, "A1F83G8C2ARO7P");
  /* Skipped: not set, or the default. */
  g_assert_false (pb_settings_is_set (store, "royalmail.api_key"));
  g_assert_cmpint (pb_settings_get_int (store, "retention.days"), ==, 31);
}

/* "Join a site", beside "New bench": a URI that does not check the
 * server's certificate is refused in words before any connection, and a
 * site that cannot be reached is said so; neither leaves anything in the
 * store folder. (The join itself, on a real PostgreSQL, is the AT-SPI
 * scenario JoinSite.) */
static void
test_join_refused (Fixture *fixture, gconstpointer data)
{
  g_autofree char *missing = g_build_filename (fixture->root, "no-socket-here", NULL);
  g_autofree char *local_uri = g_strdup_printf ("postgresql:///packbench_site?host=%s", missing);

  g_assert_cmpstr (step (fixture), ==, "admin");
  g_assert_true (gtk_widget_get_visible (child (fixture, "mode_box")));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (child (fixture, "join_button")), TRUE);
  g_assert_cmpstr (step (fixture), ==, "join");
  g_assert_false (next_sensitive (fixture));

  type_into (fixture, "join_uri_row",
             "postgresql://packbench@db.example.com/packbench_site?sslmode=require");
  type_into (fixture, "join_db_password_row", "db-secret");
  type_into (fixture, "join_bench_row", "Bench B");
  type_into (fixture, "join_username_row", "admin");
  g_assert_false (next_sensitive (fixture));
  type_into (fixture, "join_password_row", "Correct-Horse-42!");
  g_assert_true (next_sensitive (fixture));
  snapshot (fixture, "setup-join");

  press (fixture, "next_button");
  g_assert_nonnull (strstr (error_text (fixture), "sslmode=verify-full"));
  g_assert_nonnull (strstr (error_text (fixture), "sslmode=require"));
  g_assert_cmpstr (step (fixture), ==, "join");
  g_assert_false (g_file_test (fixture->dir, G_FILE_TEST_EXISTS));
  /* The password is gone from the form; the rest stays to correct. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (fixture, "join_password_row"))), ==,
                   "");
  g_assert_false (next_sensitive (fixture));

  type_into (fixture, "join_uri_row", local_uri);
  type_into (fixture, "join_password_row", "Correct-Horse-42!");
  press (fixture, "next_button");
  g_assert_nonnull (strstr (error_text (fixture), "Cannot connect to the site database"));
  g_assert_cmpstr (step (fixture), ==, "join");
  g_assert_false (g_file_test (fixture->dir, G_FILE_TEST_EXISTS));
  g_assert_null (fixture->finished);

  /* Back to a new bench: the admin's page again. */
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (child (fixture, "new_bench_button")), TRUE);
  g_assert_cmpstr (step (fixture), ==, "admin");
}

int
main (int argc, char **argv)
{
  if (!pb_ui_test_init (&argc, &argv))
    return 0; /* the TAP plan above says SKIP */

  g_test_add ("/setup/weak-password", Fixture, NULL, fixture_set_up, test_weak_password,
              fixture_tear_down);
  g_test_add ("/setup/full-run", Fixture, NULL, fixture_set_up, test_full_run, fixture_tear_down);
  g_test_add ("/setup/join-refused", Fixture, NULL, fixture_set_up, test_join_refused,
              fixture_tear_down);

  return g_test_run ();
}
