/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "station/pb-backup.h"
#include "store/pb-audit.h"
#include "store/pb-keyslots.h"
#include "store/pb-migrations.h"
#include "store/pb-password-policy.h"
#include "store/pb-session.h"
#include "store/pb-settings.h"
#include "util/pb-secure.h"
#include "util/pb-totp.h"

#define ADMIN_PASSWORD "Correct-Horse-42!"
#define PACKER_TEMP "Temporary-Pass-1!"
#define PACKER_PASSWORD "Bright-Lantern-1-Sky!"

typedef struct
{
  char *dir;
  char *totp_secret;
  PbSession *session;
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
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *root = g_dir_make_tmp ("pb-session-XXXXXX", &error);
  g_autofree char *recovery = NULL;
  g_autofree char *uri = NULL;

  g_assert_no_error (error);
  fixture->dir = g_build_filename (root, "store", NULL);
  fixture->session = pb_session_init_store (fixture->dir, "Admin", "Ada Admin", ADMIN_PASSWORD,
                                            &recovery, &uri, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fixture->session);
  fixture->totp_secret = secret_from_uri (uri);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_autofree char *root = g_path_get_dirname (fixture->dir);

  g_clear_object (&fixture->session);
  pb_remove_tree (root, NULL);
  g_free (fixture->dir);
  g_free (fixture->totp_secret);
}

static void
test_store_basics (Fixture *fixture, gconstpointer data)
{
  PbStore *store = pb_session_get_store (fixture->session);
  g_autofree char *cipher = pb_store_get_cipher_version (store);

  g_assert_nonnull (cipher);
  g_assert_true (g_str_has_prefix (cipher, "4.")); /* the store's format is SQLCipher 4's */
  g_assert_cmpint (pb_store_get_schema_version (store), ==, pb_migrations_latest ());
  g_assert_cmpstr (pb_session_get_username (fixture->session), ==, "admin");
  g_assert_cmpint (pb_session_get_role (fixture->session), ==, PB_ROLE_ADMIN);
  g_assert_true (pb_session_can (fixture->session, PB_ACTION_WIPE));
}

static void
test_lock_keeps_store_open (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  PbStore *store = pb_session_get_store (fixture->session);
  g_autoptr (GPtrArray) rows = NULL;

  pb_session_lock (fixture->session);
  g_assert_cmpint (pb_session_get_stage (fixture->session), ==, PB_SESSION_STAGE_LOCKED);

  /* Locked: nobody may act, but background work still reads the store. */
  g_assert_false (pb_session_can (fixture->session, PB_ACTION_PACK));
  g_assert_false (pb_session_require (fixture->session, PB_ACTION_PACK, NULL, &error));
  g_assert_error (error, PB_SESSION_ERROR, PB_SESSION_ERROR_STAGE);
  g_clear_error (&error);
  g_assert_nonnull (pb_store_get_master_key (store));
  rows = pb_audit_list (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (((PbAuditEntry *)g_ptr_array_index (rows, rows->len - 1))->action, ==,
                   "session.locked");
}

static void
test_resume_switches_operator (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *code = NULL;
  g_autofree char *uri = NULL;
  g_autoptr (GBytes) key = NULL;

  g_assert_true (pb_session_add_operator (fixture->session, "pat", "Pat Packer", PB_ROLE_PACKER,
                                          PACKER_TEMP, &uri, &error));
  g_assert_no_error (error);
  g_assert_null (uri); /* packers need no second factor */

  pb_session_lock (fixture->session);

  /* A wrong password leaves the bench locked. */
  g_assert_false (pb_session_resume (fixture->session, "pat", "Wrong-Password-1!", &error));
  g_assert_error (error, PB_SESSION_ERROR, PB_SESSION_ERROR_AUTH);
  g_clear_error (&error);
  g_assert_cmpint (pb_session_get_stage (fixture->session), ==, PB_SESSION_STAGE_LOCKED);

  /* The packer's temporary password asks for a new one. */
  g_assert_true (pb_session_resume (fixture->session, "PAT", PACKER_TEMP, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pb_session_get_stage (fixture->session), ==,
                   PB_SESSION_STAGE_NEEDS_NEW_PASSWORD);
  g_assert_false (pb_session_can (fixture->session, PB_ACTION_PACK));
  g_assert_false (pb_session_set_new_password (fixture->session, "short", &error));
  g_assert_error (error, PB_PASSWORD_ERROR, PB_PASSWORD_ERROR_TOO_SHORT);
  g_clear_error (&error);
  g_assert_true (pb_session_set_new_password (fixture->session, PACKER_PASSWORD, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pb_session_get_stage (fixture->session), ==, PB_SESSION_STAGE_READY);
  g_assert_cmpstr (pb_session_get_username (fixture->session), ==, "pat");
  g_assert_true (pb_session_can (fixture->session, PB_ACTION_PACK));
  g_assert_false (pb_session_can (fixture->session, PB_ACTION_VIEW_AUDIT));

  /* Back to the admin: password, then the second factor. */
  pb_session_lock (fixture->session);
  g_assert_true (pb_session_resume (fixture->session, "admin", ADMIN_PASSWORD, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pb_session_get_stage (fixture->session), ==, PB_SESSION_STAGE_NEEDS_TOTP);
  key = pb_base32_decode (fixture->totp_secret);
  code = pb_totp_code (g_bytes_get_data (key, NULL), g_bytes_get_size (key),
                       g_get_real_time () / G_USEC_PER_SEC, 6);
  g_assert_true (pb_session_verify_totp (fixture->session, code, &error));
  g_assert_no_error (error);
  g_assert_true (pb_session_can (fixture->session, PB_ACTION_VIEW_AUDIT));
}

static void
test_lockout_while_locked_keeps_store (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  PbStore *store = pb_session_get_store (fixture->session);

  pb_session_lock (fixture->session);
  g_assert_true (pb_session_resume (fixture->session, "admin", ADMIN_PASSWORD, &error));
  g_assert_no_error (error);
  for (int i = 0; i < 5; i++)
    {
      g_assert_false (pb_session_verify_totp (fixture->session, "000000", &error));
      g_assert_error (error, PB_SESSION_ERROR, PB_SESSION_ERROR_AUTH);
      g_clear_error (&error);
    }
  /* The admin is locked out, but the bench's store stays open for the
   * background work and the next operator. */
  g_assert_cmpint (pb_session_get_stage (fixture->session), ==, PB_SESSION_STAGE_LOCKED);
  g_assert_nonnull (pb_store_get_master_key (store));
  rows = pb_audit_list (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (((PbAuditEntry *)g_ptr_array_index (rows, rows->len - 1))->action, ==,
                   "login.lockout");
}

static void
test_logout_closes_store (Fixture *fixture, gconstpointer data)
{
  PbStore *store = pb_session_get_store (fixture->session);

  pb_session_logout (fixture->session);
  g_assert_null (pb_store_get_master_key (store));
  g_assert_false (pb_session_can (fixture->session, PB_ACTION_PACK));
}

static void
test_settings (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  PbStore *store = pb_session_get_store (fixture->session);
  g_autofree char *shown = NULL;
  g_autofree char *value = NULL;

  g_assert_cmpint (pb_settings_get_int (store, "retention.days"), ==, 31);
  g_assert_false (pb_session_set_setting (fixture->session, "retention.days", "32", &error));
  g_assert_error (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (pb_session_set_setting (fixture->session, "retention.days", "0", &error));
  g_clear_error (&error);
  g_assert_false (
      pb_session_set_setting (fixture->session, "amazon.endpoint", "http://example.com", &error));
  g_clear_error (&error);
  g_assert_true (pb_session_set_setting (fixture->session, "amazon.endpoint",
                                         "https://127.0.0.1:8443", &error));
  g_assert_no_error (error);
  g_assert_true (
      pb_session_set_setting (fixture->session, "royalmail.api_key", "s3cret-key", &error));
  g_assert_no_error (error);
  shown = pb_settings_display (store, "royalmail.api_key");
  g_assert_cmpstr (shown, ==, "set");
  value = pb_settings_get (store, "royalmail.api_key");
  g_assert_cmpstr (value, ==, "s3cret-key");
}

static void
test_audit_verify (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  PbStore *store = pb_session_get_store (fixture->session);
  gint64 bad = -1;
  guint64 rows = 0;

  for (int i = 0; i < 20; i++)
    g_assert_true (
        pb_session_audit (fixture->session, "test.event", "subject", "ok", NULL, &error));
  g_assert_true (pb_audit_verify (store, &bad, &rows, &error));
  g_assert_no_error (error);
  g_assert_cmpint (bad, ==, 0);
  g_assert_cmpuint (rows, >=, 22);
}

static char *
code_at (Fixture *fixture, gint64 when)
{
  g_autoptr (GBytes) key = pb_base32_decode (fixture->totp_secret);

  return pb_totp_code (g_bytes_get_data (key, NULL), g_bytes_get_size (key), when, 6);
}

/* Issue 15, item 9: reused codes that lock the account end the login; a
 * correct code afterwards opens nothing. */
static void
test_reused_codes_lock_the_code_step (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *used = code_at (fixture, now);
  g_autofree char *fresh = code_at (fixture, now + 30);
  g_autofree char *path = g_build_filename (fixture->dir, "keyslots.json", NULL);
  g_autoptr (PbKeyslots) slots = NULL;

  pb_session_lock (fixture->session);
  g_assert_true (pb_session_resume (fixture->session, "admin", ADMIN_PASSWORD, &error));
  g_assert_no_error (error);
  g_assert_true (pb_session_verify_totp (fixture->session, used, &error));
  g_assert_no_error (error);

  pb_session_lock (fixture->session);
  g_assert_true (pb_session_resume (fixture->session, "admin", ADMIN_PASSWORD, &error));
  g_assert_no_error (error);
  for (int i = 0; i < PB_LOCKOUT_FAILURES; i++)
    {
      g_assert_false (pb_session_verify_totp (fixture->session, used, &error));
      g_assert_error (error, PB_SESSION_ERROR, PB_SESSION_ERROR_AUTH);
      g_clear_error (&error);
    }
  slots = pb_keyslots_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (pb_keyslots_get_locked_until (slots, "admin"), >, now);

  g_assert_false (pb_session_verify_totp (fixture->session, fresh, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_cmpint (pb_session_get_stage (fixture->session), ==, PB_SESSION_STAGE_LOCKED);
  g_assert_false (pb_session_can (fixture->session, PB_ACTION_VIEW_AUDIT));
}

/* A lock that another login set while this one waits at the code step
 * (five wrong passwords from another process) stops it too. */
static void
test_lock_from_elsewhere_stops_the_code_step (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *code = code_at (fixture, g_get_real_time () / G_USEC_PER_SEC);

  pb_session_lock (fixture->session);
  g_assert_true (pb_session_resume (fixture->session, "admin", ADMIN_PASSWORD, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pb_session_get_stage (fixture->session), ==, PB_SESSION_STAGE_NEEDS_TOTP);

  for (int i = 0; i < PB_LOCKOUT_FAILURES; i++)
    {
      g_autoptr (PbSession) other
          = pb_session_login (fixture->dir, "admin", "Wrong-Password-1!", &error);

      g_assert_null (other);
      g_assert_error (error, PB_SESSION_ERROR, PB_SESSION_ERROR_AUTH);
      g_clear_error (&error);
    }

  g_assert_false (pb_session_verify_totp (fixture->session, code, &error));
  g_assert_error (error, PB_SESSION_ERROR, PB_SESSION_ERROR_LOCKED_OUT);
  g_assert_cmpint (pb_session_get_stage (fixture->session), ==, PB_SESSION_STAGE_LOCKED);
  g_assert_false (pb_session_can (fixture->session, PB_ACTION_VIEW_AUDIT));
}

/* Issue 15, item 5: what another process wrote into the keyslot file
 * (a failed login's count and its pending event) survives a save by a
 * session that loaded the file earlier. */
static void
test_save_keeps_what_others_wrote (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PbSession) failed = NULL;
  g_autoptr (PbKeyslots) slots = NULL;
  g_autoptr (GPtrArray) events = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, "keyslots.json", NULL);
  gboolean found = FALSE;

  g_assert_true (pb_session_add_operator (fixture->session, "pat", "Pat Packer", PB_ROLE_PACKER,
                                          PACKER_TEMP, NULL, &error));
  g_assert_no_error (error);

  /* Another program (the CLI) fails to log in as pat. */
  failed = pb_session_login (fixture->dir, "pat", "Wrong-Password-1!", &error);
  g_assert_null (failed);
  g_assert_error (error, PB_SESSION_ERROR, PB_SESSION_ERROR_AUTH);
  g_clear_error (&error);

  /* The admin's open session then saves the file for another change. */
  g_assert_true (pb_session_add_operator (fixture->session, "sam", "Sam Packer", PB_ROLE_PACKER,
                                          PACKER_TEMP, NULL, &error));
  g_assert_no_error (error);

  slots = pb_keyslots_load (path, &error);
  g_assert_no_error (error);
  g_assert_true (pb_keyslots_has_slot (slots, "sam"));
  g_assert_cmpuint (pb_keyslots_get_failures (slots, "pat"), ==, 1);
  events = pb_keyslots_take_pending_events (slots);
  for (guint i = 0; i < events->len; i++)
    {
      PbPendingEvent *event = g_ptr_array_index (events, i);
      found = found
              || (g_str_equal (event->action, "login.failed")
                  && g_str_equal (event->username, "pat"));
    }
  g_assert_true (found);
}

/* Issue 15, item 8: a name that is not on the bench (often a password typed
 * into the wrong field) is not kept, also when the store is open. */
static void
test_unknown_username_is_not_kept (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  PbStore *store = pb_session_get_store (fixture->session);
  gboolean recorded = FALSE;

  pb_session_lock (fixture->session);
  g_assert_false (
      pb_session_resume (fixture->session, "Sunflower.Harbour.77", "Wrong-Password-1!", &error));
  g_assert_error (error, PB_SESSION_ERROR, PB_SESSION_ERROR_AUTH);
  g_clear_error (&error);

  rows = pb_audit_list (store, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < rows->len; i++)
    {
      PbAuditEntry *row = g_ptr_array_index (rows, i);
      g_autofree char *text = g_strjoin ("|", row->actor, row->subject, row->detail, NULL);
      g_autofree char *lower = g_ascii_strdown (text, -1);

      g_assert_null (strstr (lower, "harbour"));
      recorded = recorded
                 || (g_str_equal (row->action, "login.failed")
                     && g_str_equal (row->actor, "(unknown username)"));
    }
  g_assert_true (recorded);
}

/* A re-key from an open session (what the Operators page runs): a wrong
 * password changes nothing; then the open store goes on with the new key,
 * and an operator who was not there resumes with their own password. */
static void
test_rekey_in_session (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *slots_path = g_build_filename (fixture->dir, PB_STORE_KEYSLOTS_NAME, NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *code = NULL;
  g_auto (GStrv) removed = NULL;
  PbStore *store = pb_session_get_store (fixture->session);
  guint8 old_key[PB_MASTER_KEY_LEN];
  gint64 bad_seq = 0;

  g_assert_true (pb_session_add_operator (fixture->session, "pat", "Pat Packer", PB_ROLE_PACKER,
                                          PACKER_TEMP, NULL, &error));
  g_assert_no_error (error);
  memcpy (old_key, pb_store_get_master_key (store), sizeof old_key);
  g_assert_true (g_file_get_contents (slots_path, &before, NULL, NULL));

  g_assert_false (pb_session_rekey (fixture->session, "Wrong-Password-1!", NULL, NULL, &code,
                                    &removed, &error));
  g_assert_error (error, PB_SESSION_ERROR, PB_SESSION_ERROR_AUTH);
  g_assert_nonnull (strstr (error->message, "Nothing was re-keyed"));
  g_clear_error (&error);
  g_assert_null (code);
  g_assert_true (g_file_get_contents (slots_path, &after, NULL, NULL));
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpmem (pb_store_get_master_key (store), PB_MASTER_KEY_LEN, old_key, sizeof old_key);

  g_assert_true (
      pb_session_rekey (fixture->session, ADMIN_PASSWORD, NULL, NULL, &code, &removed, &error));
  g_assert_no_error (error);
  g_assert_nonnull (code);
  g_assert_cmpstrv (removed, ((const char *const[]){ NULL }));
  g_assert_true (memcmp (pb_store_get_master_key (store), old_key, sizeof old_key) != 0);
  g_assert_true (pb_session_audit (fixture->session, "test.after_rekey", NULL, "ok", NULL, &error));
  g_assert_true (pb_audit_verify (store, &bad_seq, NULL, &error));
  g_assert_no_error (error);

  pb_session_lock (fixture->session);
  g_assert_true (pb_session_resume (fixture->session, "pat", PACKER_TEMP, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pb_session_get_stage (fixture->session), ==,
                   PB_SESSION_STAGE_NEEDS_NEW_PASSWORD);
  pb_secure_free_string (g_steal_pointer (&code));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/session/store-basics", test_store_basics);
  ADD ("/session/lock-keeps-store-open", test_lock_keeps_store_open);
  ADD ("/session/resume-switches-operator", test_resume_switches_operator);
  ADD ("/session/lockout-while-locked-keeps-store", test_lockout_while_locked_keeps_store);
  ADD ("/session/logout-closes-store", test_logout_closes_store);
  ADD ("/session/settings", test_settings);
  ADD ("/session/audit-verify", test_audit_verify);
  ADD ("/session/reused-codes-lock-the-code-step", test_reused_codes_lock_the_code_step);
  ADD ("/session/lock-from-elsewhere-stops-the-code-step",
       test_lock_from_elsewhere_stops_the_code_step);
  ADD ("/session/save-keeps-what-others-wrote", test_save_keeps_what_others_wrote);
  ADD ("/session/unknown-username-is-not-kept", test_unknown_username_is_not_kept);
  ADD ("/session/rekey", test_rekey_in_session);
#undef ADD

  return g_test_run ();
}
