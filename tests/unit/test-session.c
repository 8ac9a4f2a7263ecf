/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "station/pb-backup.h"
#include "store/pb-audit.h"
#include "store/pb-migrations.h"
#include "store/pb-password-policy.h"
#include "store/pb-session.h"
#include "store/pb-settings.h"
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
#undef ADD

  return g_test_run ();
}
