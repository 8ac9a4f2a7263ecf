/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "pb-bench-page.h"
#include "pb-login-page.h"
#include "pb-preferences-window.h"
#include "pb-ui-test.h"
#include "pb-window.h"
#include "station/pb-backup.h"
#include "store/pb-password-policy.h"
#include "util/pb-totp.h"

/* Drives the log-in page and the window through their widgets, the way a
 * packer would: type, press the button, wait for the worker. */

#define PACKER_TEMP "Temporary-Pass-1!"
#define PACKER_PASSWORD "Bright-Lantern-1-Sky!"

typedef struct
{
  char *root;
  char *dir;
  char *totp_secret;
  PbWindow *window;
  PbLoginPage *page;
} Fixture;

static char *
secret_from_uri (const char *uri)
{
  const char *start = strstr (uri, "secret=");
  const char *end;

  g_assert_nonnull (start);
  start += strlen ("secret=");
  end = strchr (start, '&');
  return g_strndup (start, end ? (gsize)(end - start) : strlen (start));
}

static void
open_window (Fixture *fixture)
{
  fixture->window = g_object_new (PB_TYPE_WINDOW, "store-dir", fixture->dir, NULL);
  fixture->page = PB_LOGIN_PAGE (pb_window_get_login_page (fixture->window));
  gtk_window_present (GTK_WINDOW (fixture->window));
  pb_ui_test_wait_until_mapped (GTK_WIDGET (fixture->window));
}

static void
fixture_set_up_empty (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  fixture->root = g_dir_make_tmp ("pb-login-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->dir = g_build_filename (fixture->root, "store", NULL);
  open_window (fixture);
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PbSession) admin = NULL;
  g_autofree char *recovery = NULL;
  g_autofree char *uri = NULL;

  fixture->root = g_dir_make_tmp ("pb-login-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->dir = g_build_filename (fixture->root, "store", NULL);

  admin = pb_session_init_store (fixture->dir, "admin", "Ada Admin", PB_TEST_ADMIN_PASSWORD,
                                 &recovery, &uri, &error);
  g_assert_no_error (error);
  fixture->totp_secret = secret_from_uri (uri);
  g_assert_true (pb_session_add_operator (admin, "pat", "Pat Packer", PB_ROLE_PACKER, PACKER_TEMP,
                                          NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&admin); /* closes the store, as after `packbenchctl init` */

  open_window (fixture);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  if (fixture->window != NULL)
    gtk_window_destroy (GTK_WINDOW (fixture->window));
  pb_ui_test_drain ();
  pb_remove_tree (fixture->root, NULL);
  g_free (fixture->root);
  g_free (fixture->dir);
  g_free (fixture->totp_secret);
}

static GtkWidget *
page_child (Fixture *fixture, const char *name)
{
  return pb_ui_test_get_child (GTK_WIDGET (fixture->page), PB_TYPE_LOGIN_PAGE, name);
}

static GtkWidget *
window_child (Fixture *fixture, const char *name)
{
  return pb_ui_test_get_child (GTK_WIDGET (fixture->window), PB_TYPE_WINDOW, name);
}

/* The packer's scanner types into whatever has the focus: after a login
 * that is the scan entry, once the page transition has finished. */
static void
assert_scan_entry_has_focus (Fixture *fixture)
{
  GtkWidget *bench = pb_window_get_page (fixture->window, "bench");
  GtkWidget *scan;
  GtkWidget *focus = NULL;

  g_assert_nonnull (bench);
  scan = GTK_WIDGET (gtk_widget_get_template_child (bench, PB_TYPE_BENCH_PAGE, "scan_entry"));
  pb_ui_test_wait_transition (GTK_STACK (window_child (fixture, "main_stack")));
  PB_UI_TEST_WAIT_UNTIL (
      (focus = gtk_root_get_focus (GTK_ROOT (fixture->window))) != NULL
      && (focus == scan || gtk_widget_is_ancestor (focus, scan))
      && !gtk_stack_get_transition_running (GTK_STACK (window_child (fixture, "main_stack"))));
  g_assert_nonnull (focus);
  g_assert_true (focus == scan || gtk_widget_is_ancestor (focus, scan));
}

static void
type_into (Fixture *fixture, const char *entry, const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (page_child (fixture, entry)), text);
}

/* Waits until the window's crossfades have finished and drawn. */
static void
settle (Fixture *fixture)
{
  pb_ui_test_settle (GTK_WIDGET (fixture->window));
}

/* Presses a button and waits for the worker to finish. */
static void
press (Fixture *fixture, const char *button)
{
  GtkWidget *widget = page_child (fixture, button);

  g_assert_true (gtk_widget_is_sensitive (widget));
  g_signal_emit_by_name (widget, "clicked");
  PB_UI_TEST_WAIT_UNTIL (!pb_login_page_get_busy (fixture->page));
  settle (fixture); /* the crossfade, so screenshots show one stage */
}

static void
log_in (Fixture *fixture, const char *username, const char *password)
{
  type_into (fixture, "username_entry", username);
  type_into (fixture, "password_entry", password);
  press (fixture, "log_in_button");
}

static const char *
visible_page (Fixture *fixture)
{
  return gtk_stack_get_visible_child_name (GTK_STACK (window_child (fixture, "main_stack")));
}

static const char *
error_text (Fixture *fixture)
{
  return pb_ui_test_shown_text (page_child (fixture, "error_label"));
}

static void
snapshot (Fixture *fixture, const char *name)
{
  g_autoptr (GdkTexture) texture = NULL;

  /* Let typing settle into a laid-out frame first. */
  settle (fixture);
  texture = pb_ui_test_snapshot (GTK_WIDGET (fixture->window), name);

  g_assert_cmpuint (pb_ui_test_count_colours (texture, 64), >=, 8);
}

static char *
current_code (Fixture *fixture)
{
  g_autoptr (GBytes) key = pb_base32_decode (fixture->totp_secret);

  return pb_totp_code (g_bytes_get_data (key, NULL), g_bytes_get_size (key),
                       g_get_real_time () / G_USEC_PER_SEC, 6);
}

static void
on_feedback_cb (PbBenchPage *bench, const char *kind, char **heard)
{
  if (*heard == NULL)
    *heard = g_strdup (kind);
}

static gboolean
rule_met (Fixture *fixture, guint index)
{
  return pb_ui_test_rule_met (page_child (fixture, "rules_box"), index);
}

static void
test_no_store (Fixture *fixture, gconstpointer data)
{
  const char *description;

  g_assert_cmpstr (pb_login_page_get_stage_name (fixture->page), ==, "no-store");
  description
      = adw_status_page_get_description (ADW_STATUS_PAGE (page_child (fixture, "no_store_status")));
  g_assert_nonnull (strstr (description, "packbenchctl init --admin NAME"));
  g_assert_nonnull (strstr (description, fixture->dir));
  snapshot (fixture, "login-no-store.png");

  /* Nothing to log in to: no session, no background work. */
  g_assert_null (pb_window_get_session (fixture->window));
  g_assert_false (gtk_widget_get_visible (window_child (fixture, "lock_button")));
}

static void
test_wrong_password_stays (Fixture *fixture, gconstpointer data)
{
  g_assert_cmpstr (visible_page (fixture), ==, "login");
  g_assert_cmpstr (pb_login_page_get_stage_name (fixture->page), ==, "credentials");
  snapshot (fixture, "login.png");

  log_in (fixture, "pat", "Not-The-Password-9!");
  g_assert_cmpstr (error_text (fixture), ==, "Wrong username or password.");
  g_assert_true (gtk_widget_has_css_class (page_child (fixture, "error_label"), "error"));
  g_assert_cmpstr (pb_login_page_get_stage_name (fixture->page), ==, "credentials");
  g_assert_cmpstr (visible_page (fixture), ==, "login");
  /* The password is cleared for the next try; the username stays. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (page_child (fixture, "password_entry"))),
                   ==, "");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (page_child (fixture, "username_entry"))),
                   ==, "pat");
  g_assert_null (pb_window_get_session (fixture->window));
  snapshot (fixture, "login-wrong-password.png");
}

static void
test_lockout_says_until (Fixture *fixture, gconstpointer data)
{
  for (guint i = 0; i < PB_LOCKOUT_FAILURES; i++)
    log_in (fixture, "pat", "Not-The-Password-9!");
  g_assert_nonnull (strstr (error_text (fixture), "locked"));

  /* Now even the right password is refused, and the page says until when. */
  log_in (fixture, "pat", PACKER_TEMP);
  g_assert_nonnull (error_text (fixture));
  g_assert_nonnull (strstr (error_text (fixture), "locked"));
  g_assert_nonnull (strstr (error_text (fixture), "until"));
  g_assert_cmpstr (pb_login_page_get_stage_name (fixture->page), ==, "credentials");
}

static void
test_packer_new_password_then_lock (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  PbSession *session;
  PbStore *store;

  /* A badge scan types the prefix and the name. */
  type_into (fixture, "username_entry", PB_BADGE_PREFIX "pat");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (page_child (fixture, "username_entry"))),
                   ==, "pat");
  type_into (fixture, "password_entry", PACKER_TEMP);
  press (fixture, "log_in_button");
  g_assert_null (error_text (fixture));
  g_assert_cmpstr (pb_login_page_get_stage_name (fixture->page), ==, "new-password");

  /* The checklist follows what is typed. */
  g_assert_false (gtk_widget_is_sensitive (page_child (fixture, "set_password_button")));
  type_into (fixture, "new_password_entry", "short");
  g_assert_false (rule_met (fixture, PB_PASSWORD_ERROR_TOO_SHORT));
  g_assert_true (rule_met (fixture, PB_PASSWORD_ERROR_NO_LOWER));
  g_assert_false (rule_met (fixture, PB_PASSWORD_ERROR_NO_UPPER));
  type_into (fixture, "new_password_entry", "my-pat-Password-1");
  g_assert_false (rule_met (fixture, PB_PASSWORD_ERROR_CONTAINS_USERNAME));
  type_into (fixture, "new_password_entry", PACKER_PASSWORD);
  for (guint i = 0; i <= PB_PASSWORD_ERROR_NO_SYMBOL; i++)
    g_assert_true (rule_met (fixture, i));
  g_assert_false (rule_met (fixture, PB_PASSWORD_ERROR_NO_SYMBOL + 1)); /* not repeated yet */
  g_assert_false (gtk_widget_is_sensitive (page_child (fixture, "set_password_button")));
  type_into (fixture, "repeat_password_entry", PACKER_PASSWORD);
  g_assert_true (rule_met (fixture, PB_PASSWORD_ERROR_NO_SYMBOL + 1));
  snapshot (fixture, "login-new-password.png");

  press (fixture, "set_password_button");
  g_assert_null (error_text (fixture));
  g_assert_cmpstr (visible_page (fixture), ==, "workspace");
  session = pb_window_get_session (fixture->window);
  g_assert_nonnull (session);
  assert_scan_entry_has_focus (fixture);
  /* A code no order holds is refused out loud. */
  {
    PbBenchPage *bench = PB_BENCH_PAGE (pb_window_get_page (fixture->window, "bench"));
    PbSounds *sounds = pb_window_get_sounds (fixture->window);
    gint64 now = g_get_monotonic_time ();
    guint before = pb_sounds_get_n_played (sounds);
    g_autofree char *heard = NULL;
    gulong id = g_signal_connect (bench, "feedback", G_CALLBACK (on_feedback_cb), &heard);

    for (const char *c = "NOSUCHCODE\n"; *c != '\0'; c++)
      pb_bench_page_feed_key (bench, (gunichar)*c, now += 5000);
    /* The window's sound handler runs before this later one. */
    PB_UI_TEST_WAIT_UNTIL (heard != NULL);
    g_signal_handler_disconnect (bench, id);
    g_assert_cmpstr (heard, ==, "refused");
    if (pb_sounds_get_n_played (sounds) > before) /* unless this desktop has sounds off */
      g_assert_cmpstr (pb_sounds_get_last_played (sounds), ==, "refused");
  }
  g_assert_cmpint (pb_session_get_stage (session), ==, PB_SESSION_STAGE_READY);
  g_assert_cmpstr (pb_session_get_username (session), ==, "pat");
  g_assert_nonnull (pb_window_get_station (fixture->window));
  g_assert_cmpstr (
      adw_status_page_get_title (ADW_STATUS_PAGE (window_child (fixture, "bench_status"))), ==,
      "Logged in as Pat Packer (Packer)");
  g_assert_cmpstr (adw_view_switcher_title_get_title (
                       ADW_VIEW_SWITCHER_TITLE (window_child (fixture, "switcher_title"))),
                   ==, "pat (Packer)");
  g_assert_true (gtk_widget_get_visible (window_child (fixture, "lock_button")));
  /* The station started; its first sync (no Amazon set up here) fails,
   * and the header says so in words. */
  {
    GtkWidget *title = window_child (fixture, "switcher_title");

    PB_UI_TEST_WAIT_UNTIL (g_str_has_prefix (
        adw_view_switcher_title_get_subtitle (ADW_VIEW_SWITCHER_TITLE (title)), "Sync failed: "));
    g_assert_true (g_str_has_prefix (
        adw_view_switcher_title_get_subtitle (ADW_VIEW_SWITCHER_TITLE (title)), "Sync failed: "));
  }
  /* Secrets do not stay in the entries. */
  g_assert_cmpstr (
      gtk_editable_get_text (GTK_EDITABLE (page_child (fixture, "new_password_entry"))), ==, "");
  snapshot (fixture, "logged-in.png");

  /* Lock: back to the log-in page, the store stays open. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.lock", NULL));
  PB_UI_TEST_WAIT_UNTIL (g_strcmp0 (visible_page (fixture), "login") == 0);
  settle (fixture);
  g_assert_cmpstr (visible_page (fixture), ==, "login");
  g_assert_cmpstr (pb_login_page_get_stage_name (fixture->page), ==, "credentials");
  g_assert_cmpint (pb_session_get_stage (session), ==, PB_SESSION_STAGE_LOCKED);
  g_assert_false (gtk_widget_get_visible (window_child (fixture, "lock_button")));
  store = pb_session_get_store (session);
  g_assert_true (pb_store_set_meta (store, "test.still-open", "yes", &error));
  g_assert_no_error (error);
  g_assert_true (pb_window_get_session (fixture->window) == session);
  g_assert_true (pb_login_page_get_session (fixture->page) == session);
  snapshot (fixture, "locked.png");

  /* The next login resumes the same session with the new password. */
  log_in (fixture, "pat", PACKER_PASSWORD);
  g_assert_null (error_text (fixture));
  g_assert_cmpstr (visible_page (fixture), ==, "workspace");
  g_assert_true (pb_window_get_session (fixture->window) == session);
  g_assert_cmpint (pb_session_get_stage (session), ==, PB_SESSION_STAGE_READY);

  /* Idle: the bench locks itself. */
  pb_window_set_idle_lock_seconds (fixture->window, 1);
  PB_UI_TEST_WAIT_UNTIL (g_strcmp0 (visible_page (fixture), "login") == 0);
  g_assert_cmpstr (visible_page (fixture), ==, "login");
  g_assert_cmpint (pb_session_get_stage (session), ==, PB_SESSION_STAGE_LOCKED);
}

static void
test_admin_code_stage (Fixture *fixture, gconstpointer data)
{
  g_autofree char *code = NULL;

  log_in (fixture, "admin", PB_TEST_ADMIN_PASSWORD);
  g_assert_null (error_text (fixture));
  g_assert_cmpstr (pb_login_page_get_stage_name (fixture->page), ==, "totp");
  g_assert_cmpstr (visible_page (fixture), ==, "login");
  snapshot (fixture, "login-code.png");

  type_into (fixture, "code_entry", "000000");
  press (fixture, "code_button");
  /* (000000 could be the real code once in a million.) */
  if (error_text (fixture) != NULL)
    {
      g_assert_nonnull (strstr (error_text (fixture), "Wrong code"));
      g_assert_cmpstr (pb_login_page_get_stage_name (fixture->page), ==, "totp");
      snapshot (fixture, "login-code-wrong.png");

      code = current_code (fixture);
      type_into (fixture, "code_entry", code);
      press (fixture, "code_button");
    }
  g_assert_null (error_text (fixture));
  g_assert_cmpstr (visible_page (fixture), ==, "workspace");
  g_assert_cmpstr (pb_session_get_username (pb_window_get_session (fixture->window)), ==, "admin");
  g_assert_cmpint (pb_session_get_role (pb_window_get_session (fixture->window)), ==,
                   PB_ROLE_ADMIN);
}

static void
test_cancel_code_stage (Fixture *fixture, gconstpointer data)
{
  log_in (fixture, "admin", PB_TEST_ADMIN_PASSWORD);
  g_assert_cmpstr (pb_login_page_get_stage_name (fixture->page), ==, "totp");
  g_assert_nonnull (pb_login_page_get_session (fixture->page));

  /* Cancelling drops the half-finished login and its open store. */
  g_signal_emit_by_name (page_child (fixture, "code_cancel_button"), "clicked");
  g_assert_cmpstr (pb_login_page_get_stage_name (fixture->page), ==, "credentials");
  g_assert_null (pb_login_page_get_session (fixture->page));
  g_assert_null (pb_window_get_session (fixture->window));

  /* So the store opens again. */
  log_in (fixture, "pat", PACKER_TEMP);
  g_assert_null (error_text (fixture));
  g_assert_cmpstr (pb_login_page_get_stage_name (fixture->page), ==, "new-password");
}

/* Whether any label, or any text field, under @widget holds @text. */
static gboolean
tree_shows (GtkWidget *widget, const char *text)
{
  const char *shown = NULL;

  if (GTK_IS_LABEL (widget))
    shown = gtk_label_get_text (GTK_LABEL (widget));
  else if (GTK_IS_EDITABLE (widget))
    shown = gtk_editable_get_text (GTK_EDITABLE (widget));
  if (shown != NULL && strstr (shown, text) != NULL)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (tree_shows (child, text))
      return TRUE;
  return FALSE;
}

static GtkWidget *
find_preferences (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GObject) window = g_list_model_get_item (toplevels, i);

      if (PB_IS_PREFERENCES_WINDOW (window))
        return GTK_WIDGET (window);
    }
  return NULL;
}

static void
test_lock_hides_the_last_operators_work (Fixture *fixture, gconstpointer data)
{
  static const char order_id[] = "202-7000001-0000001";
  static const char *const pii[] = { "Zebedee Quartermain", "Quiggle", "LS1 4AP" };
  g_autofree char *code = NULL;
  PbBenchPage *bench;
  GtkWidget *preferences;
  gint64 now = g_get_monotonic_time ();

  log_in (fixture, "admin", PB_TEST_ADMIN_PASSWORD);
  code = current_code (fixture);
  type_into (fixture, "code_entry", code);
  press (fixture, "code_button");
  g_assert_cmpstr (visible_page (fixture), ==, "workspace");
  pb_test_store_add_buyer_order (pb_session_get_store (pb_window_get_session (fixture->window)),
                                 order_id, pii[0]);

  /* The admin opens an order: its recipient is on screen. */
  bench = PB_BENCH_PAGE (pb_window_get_page (fixture->window, "bench"));
  for (const char *c = order_id; *c != '\0'; c++)
    pb_bench_page_feed_key (bench, (gunichar)*c, now += 5000);
  pb_bench_page_feed_key (bench, '\n', now += 5000);
  PB_UI_TEST_WAIT_UNTIL (g_strcmp0 (pb_bench_page_get_order_id (bench), order_id) == 0);
  for (guint i = 0; i < G_N_ELEMENTS (pii); i++)
    g_assert_true (tree_shows (GTK_WIDGET (fixture->window), pii[i]));

  /* …and Preferences, then the bench locks (the idle lock would too). */
  g_assert_true (
      gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.preferences", NULL));
  preferences = find_preferences ();
  g_assert_nonnull (preferences);
  g_object_add_weak_pointer (G_OBJECT (preferences), (gpointer *)&preferences);
  pb_ui_test_wait_until_mapped (preferences);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.lock", NULL));
  PB_UI_TEST_WAIT_UNTIL (preferences == NULL);
  g_assert_null (find_preferences ());
  g_assert_cmpstr (visible_page (fixture), ==, "login");
  /* The next operator finds no order and no trace of its recipient, on
   * screen or hidden behind the log-in page. */
  g_assert_null (pb_bench_page_get_order_id (bench));
  for (guint i = 0; i < G_N_ELEMENTS (pii); i++)
    g_assert_false (tree_shows (GTK_WIDGET (fixture->window), pii[i]));

  /* Logging in again starts from an empty bench. */
  log_in (fixture, "pat", PACKER_TEMP);
  g_assert_cmpstr (pb_login_page_get_stage_name (fixture->page), ==, "new-password");
  g_assert_null (pb_bench_page_get_order_id (bench));
}

static void
test_quit_frees_session (Fixture *fixture, gconstpointer data)
{
  g_autofree char *code = NULL;
  gpointer weak_session;

  log_in (fixture, "admin", PB_TEST_ADMIN_PASSWORD);
  code = current_code (fixture);
  type_into (fixture, "code_entry", code);
  press (fixture, "code_button");
  g_assert_cmpstr (visible_page (fixture), ==, "workspace");

  weak_session = pb_window_get_session (fixture->window);
  g_object_add_weak_pointer (G_OBJECT (weak_session), &weak_session);
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  fixture->window = NULL;
  PB_UI_TEST_WAIT_UNTIL (weak_session == NULL);
}

int
main (int argc, char **argv)
{
  if (!pb_ui_test_init (&argc, &argv))
    return 0; /* the TAP plan above says SKIP */

  g_test_add ("/login/no-store", Fixture, NULL, fixture_set_up_empty, test_no_store,
              fixture_tear_down);
  g_test_add ("/login/wrong-password-stays", Fixture, NULL, fixture_set_up,
              test_wrong_password_stays, fixture_tear_down);
  g_test_add ("/login/lockout-says-until", Fixture, NULL, fixture_set_up, test_lockout_says_until,
              fixture_tear_down);
  g_test_add ("/login/packer-new-password-then-lock", Fixture, NULL, fixture_set_up,
              test_packer_new_password_then_lock, fixture_tear_down);
  g_test_add ("/login/admin-code-stage", Fixture, NULL, fixture_set_up, test_admin_code_stage,
              fixture_tear_down);
  g_test_add ("/login/cancel-code-stage", Fixture, NULL, fixture_set_up, test_cancel_code_stage,
              fixture_tear_down);
  g_test_add ("/login/lock-hides-the-last-operators-work", Fixture, NULL, fixture_set_up,
              test_lock_hides_the_last_operators_work, fixture_tear_down);
  g_test_add ("/login/quit-frees-session", Fixture, NULL, fixture_set_up, test_quit_frees_session,
              fixture_tear_down);

  return g_test_run ();
}
