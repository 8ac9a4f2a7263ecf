/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <openssl/crypto.h>

#include "pb-audit.h"
#include "pb-keyslots.h"
#include "pb-password-policy.h"
#include "pb-session.h"
#include "pb-settings.h"
#include "pb-store-private.h"
#include "util/pb-clock.h"
#include "util/pb-fault.h"
#include "util/pb-secure.h"
#include "util/pb-totp.h"

/* Cap on login events kept in the keyslot file while the store is closed,
 * so a brute-force run cannot grow it without bound. */
#define MAX_PENDING_EVENTS 1000

/* How a failed login names a username that has no keyslot: often it is a
 * password typed into the wrong field, so it is kept nowhere. */
#define UNKNOWN_USERNAME "(unknown username)"
#define INVALID_USERNAME "(invalid username)"

/* In the store's meta table: when pending events were last moved into the
 * audit log. An event older than that cannot be genuine. */
#define META_KEYSLOTS_FLUSHED_AT "keyslots_flushed_at"

struct _PbSession
{
  GObject parent_instance;

  char *dir;
  char *keyslots_path;
  PbKeyslots *keyslots;
  PbStore *store;

  PbSessionStage stage;
  gboolean resumed; /* the store was open before this login: keep it open */
  char *username;   /* the operator logged in (or logging in) */
  PbRole role;
  gint64 unlock_time;
  gboolean opened_with_next; /* the database had the key of an unfinished re-key */
  guint8 *next_key;          /* that re-key's new key, when this login's slot had it */
};

G_DEFINE_FINAL_TYPE (PbSession, pb_session, G_TYPE_OBJECT)

static gboolean seal_pending (PbSession *self, const char *username, GError **error);

GQuark
pb_session_error_quark (void)
{
  return g_quark_from_static_string ("pb-session-error-quark");
}

static void
pb_session_finalize (GObject *object)
{
  PbSession *self = PB_SESSION (object);

  if (self->store != NULL)
    pb_store_close (self->store);
  g_clear_object (&self->store);
  g_clear_object (&self->keyslots);
  g_clear_pointer (&self->dir, g_free);
  g_clear_pointer (&self->keyslots_path, g_free);
  g_clear_pointer (&self->username, g_free);
  if (self->next_key != NULL)
    pb_secure_free (g_steal_pointer (&self->next_key), PB_MASTER_KEY_LEN);

  G_OBJECT_CLASS (pb_session_parent_class)->finalize (object);
}

static void
pb_session_class_init (PbSessionClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pb_session_finalize;
}

static void
pb_session_init (PbSession *self)
{
  self->stage = PB_SESSION_STAGE_LOCKED;
}

static PbSession *
session_new (const char *dir)
{
  PbSession *self = g_object_new (PB_TYPE_SESSION, NULL);

  self->dir = g_strdup (dir);
  self->keyslots_path = pb_store_path (dir, PB_STORE_KEYSLOTS_NAME);
  return self;
}

static void
wipe_key (guint8 *key)
{
  pb_secure_free (key, PB_MASTER_KEY_LEN);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (guint8, wipe_key)

static guint8 *
key_new (void)
{
  return pb_secure_alloc (PB_MASTER_KEY_LEN);
}

static gboolean
auth_error (GError **error)
{
  g_set_error_literal (error, PB_SESSION_ERROR, PB_SESSION_ERROR_AUTH,
                       _ ("Wrong username or password."));
  return FALSE;
}

/* (Re)reads the keyslot file; on failure the copy in memory is kept. */
static gboolean
load_keyslots (PbSession *self, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  PbKeyslots *fresh = pb_keyslots_load (self->keyslots_path, &local_error);

  if (fresh != NULL)
    {
      g_clear_object (&self->keyslots);
      self->keyslots = fresh;
      return TRUE;
    }

  if (g_error_matches (local_error, PB_KEYSLOT_ERROR, PB_KEYSLOT_ERROR_MISSING))
    {
      g_autofree char *db = pb_store_path (self->dir, PB_STORE_DB_NAME);

      if (g_file_test (db, G_FILE_TEST_EXISTS))
        g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_CORRUPT,
                     _ ("The keyslot file %s is missing, so the store cannot be opened. Restore "
                        "it from a backup (together with its database)."),
                     self->keyslots_path);
      else
        g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_NOT_FOUND,
                     _ ("There is no store in %s. An administrator creates one with "
                        "“packbenchctl init --admin NAME”."),
                     self->dir);
      return FALSE;
    }

  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

static void
add_pending_event (PbSession *self, const char *action, const char *username, const char *detail)
{
  g_autoptr (GPtrArray) events = pb_keyslots_take_pending_events (self->keyslots);

  /* Put them back, dropping the oldest beyond the cap. */
  for (guint i = events->len > MAX_PENDING_EVENTS - 1 ? events->len - (MAX_PENDING_EVENTS - 1) : 0;
       i < events->len; i++)
    {
      PbPendingEvent *event = g_ptr_array_index (events, i);
      pb_keyslots_add_pending_event (self->keyslots, event->time, event->action, event->username,
                                     event->outcome, event->detail);
    }
  pb_keyslots_add_pending_event (self->keyslots, pb_clock_now_unix (), action, username, "denied",
                                 detail);
}

static gboolean
save_keyslots (PbSession *self, GError **error)
{
  return pb_keyslots_save (self->keyslots, self->keyslots_path, error);
}

/* Every change to the keyslot file is: this lock, then the changes on the
 * freshly loaded file, then save_keyslots(), then the lock goes. Otherwise
 * two processes that loaded the same file each write back their own copy
 * and one change is lost: a failure count, a pending event, or a new slot
 * (an administrator's password reset undone by a failed login). */
static PbKeyslotsLock *
lock_keyslots (PbSession *self, GError **error)
{
  g_autoptr (PbKeyslotsLock) lock = pb_keyslots_lock (self->keyslots_path, error);

  if (lock == NULL || !load_keyslots (self, error))
    return NULL;
  return g_steal_pointer (&lock);
}

/* The name a failed login is recorded under: the username when there is
 * such an operator, else UNKNOWN_USERNAME (see the define). */
static const char *
get_recorded_username (PbSession *self, const char *username)
{
  g_autoptr (PbOperator) op = NULL;

  if (pb_keyslots_has_slot (self->keyslots, username))
    return username;
  if (self->store != NULL && pb_store_get_master_key (self->store) != NULL)
    op = pb_operator_find (self->store, username, NULL);
  return op != NULL ? username : UNKNOWN_USERNAME;
}

/* The end of a login that cannot go on (the account is now locked). A
 * locked bench keeps its store for the background work; a fresh login
 * closes it. */
static void
stop_login (PbSession *self)
{
  self->stage = PB_SESSION_STAGE_LOCKED;
  if (!self->resumed && self->store != NULL)
    pb_store_close (self->store);
}

/* A failed password or code: count it, lock after PB_LOCKOUT_FAILURES. When
 * the store is open the events go straight to the audit log, else into the
 * keyslot file until the next login. Returns TRUE when this locked the
 * account. */
static gboolean
record_failure (PbSession *self, const char *username, const char *detail)
{
  /* Without the lock (the file cannot be opened) the count is not raised,
   * as with a full disk below; the event is still audited when it can be. */
  g_autoptr (PbKeyslotsLock) lock = lock_keyslots (self, NULL);
  gboolean has_slot = pb_keyslots_has_slot (self->keyslots, username);
  gboolean locked = FALSE;
  gint64 now = pb_clock_now_unix ();

  username = get_recorded_username (self, username);

  if (has_slot)
    {
      guint failures = pb_keyslots_get_failures (self->keyslots, username) + 1;

      pb_keyslots_set_failures (self->keyslots, username, failures);
      if (failures >= PB_LOCKOUT_FAILURES)
        {
          pb_keyslots_set_locked_until (self->keyslots, username, now + PB_LOCKOUT_SECONDS);
          locked = TRUE;
        }
    }

  if (self->store != NULL)
    {
      pb_audit_append (self->store, username, "login.failed", username, "denied", detail, NULL);
      if (locked)
        pb_audit_append (self->store, username, "login.lockout", username, "denied", NULL, NULL);
    }
  else
    {
      add_pending_event (self, "login.failed", username, detail);
      if (locked)
        add_pending_event (self, "login.lockout", username, NULL);
    }

  /* Best effort: a full disk must not turn a wrong password into a crash.
   * The failure count then is not raised, which the lockout tolerates. */
  if (lock != NULL)
    save_keyslots (self, NULL);
  return locked;
}

static gboolean
locked_out_error (PbSession *self, const char *username, GError **error)
{
  gint64 until = pb_keyslots_get_locked_until (self->keyslots, username);
  g_autoptr (GDateTime) when = g_date_time_new_from_unix_local (until);
  g_autofree char *time_text = g_date_time_format (when, "%H:%M");

  g_set_error (error, PB_SESSION_ERROR, PB_SESSION_ERROR_LOCKED_OUT,
               _ ("The account %s is locked after %d failed attempts, until %s. Wait, or ask a "
                  "supervisor or administrator to unlock it."),
               username, PB_LOCKOUT_FAILURES, time_text);
  return FALSE;
}

static gboolean authenticate_slot_pending (PbSession *self, const char *username,
                                           const char *password, guint8 *key_out, guint8 *next_out,
                                           gboolean *has_next_out, GError **error);

static gboolean
authenticate_slot (PbSession *self, const char *username, const char *password, guint8 *key_out,
                   GError **error)
{
  return authenticate_slot_pending (self, username, password, key_out, NULL, NULL, error);
}

/* Checks the lock and unwraps @username's slot into @key_out; during an
 * unfinished re-key, and when @next_out is given, the new key too. */
static gboolean
authenticate_slot_pending (PbSession *self, const char *username, const char *password,
                           guint8 *key_out, guint8 *next_out, gboolean *has_next_out,
                           GError **error)
{
  g_autoptr (GError) local_error = NULL;

  if (pb_keyslots_get_locked_until (self->keyslots, username) > pb_clock_now_unix ())
    {
      if (self->store != NULL)
        pb_audit_append (self->store, username, "login.refused", username, "denied", "locked out",
                         NULL);
      else
        {
          g_autoptr (PbKeyslotsLock) lock = lock_keyslots (self, NULL);

          if (lock != NULL)
            {
              add_pending_event (self, "login.refused", username, "locked out");
              save_keyslots (self, NULL);
            }
        }
      return locked_out_error (self, username, error);
    }

  if (!pb_keyslots_has_slot (self->keyslots, username))
    {
      guint8 scratch[PB_MASTER_KEY_LEN];

      /* Spend the same time as a real attempt, so a wrong username cannot be
       * told from a wrong password by the clock. */
      pb_keyslots_unwrap (self->keyslots, PB_RECOVERY_SLOT, "", scratch, NULL);
      pb_secure_wipe (scratch, sizeof scratch);
      record_failure (self, username, NULL);
      return auth_error (error);
    }

  if (next_out != NULL
          ? !pb_keyslots_unwrap_pending (self->keyslots, username, password, key_out, next_out,
                                         has_next_out, &local_error)
          : !pb_keyslots_unwrap (self->keyslots, username, password, key_out, &local_error))
    {
      if (!g_error_matches (local_error, PB_KEYSLOT_ERROR, PB_KEYSLOT_ERROR_WRONG_PASSWORD))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (record_failure (self, username, NULL))
        {
          g_set_error (error, PB_SESSION_ERROR, PB_SESSION_ERROR_AUTH,
                       _ ("Wrong username or password. After %d failed attempts the account is "
                          "now locked for %d minutes."),
                       PB_LOCKOUT_FAILURES, PB_LOCKOUT_SECONDS / 60);
          return FALSE;
        }
      return auth_error (error);
    }

  return TRUE;
}

/* The detail a pending event may carry: only the login events that can
 * happen while the store is closed (record_failure() and authenticate_slot()
 * with no store), each denied. NULL for anything else. */
static const char *
get_closed_store_detail (const PbPendingEvent *event)
{
  static const struct
  {
    const char *action;
    const char *detail;
  } allowed[] = {
    { "login.failed", "" },
    { "login.lockout", "" },
    { "login.refused", "locked out" },
  };

  if (g_strcmp0 (event->outcome, "denied") != 0)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (allowed); i++)
    if (g_strcmp0 (event->action, allowed[i].action) == 0
        && g_strcmp0 (event->detail, allowed[i].detail) == 0)
      return allowed[i].detail;
  return NULL;
}

/* A username from the file as the log may show it: an operator's or a
 * slot's name, the recovery slot, or one of the placeholders; anything
 * else (an old file's unknown name, or text an attacker chose) becomes
 * UNKNOWN_USERNAME. */
static const char *
get_flushed_username (PbSession *self, const char *username)
{
  if (g_strcmp0 (username, PB_RECOVERY_SLOT) == 0 || g_strcmp0 (username, INVALID_USERNAME) == 0)
    return username;
  return get_recorded_username (self, username);
}

/* When pending events were last flushed; for a store from before that was
 * recorded, when the store was created. */
static gint64
get_last_flush (PbSession *self)
{
  g_autofree char *text = pb_store_get_meta (self->store, META_KEYSLOTS_FLUSHED_AT);
  g_autoptr (sqlite3_stmt) first = NULL;

  if (text != NULL)
    return g_ascii_strtoll (text, NULL, 10);
  first = pb_store_prepare (self->store, "SELECT min (time) FROM audit", NULL);
  if (first != NULL && sqlite3_step (first) == SQLITE_ROW)
    return sqlite3_column_int64 (first, 0);
  return 0;
}

/* Moves login events recorded while the store was closed into the audit
 * log. The keyslot file is in the clear, so anyone in the desktop session
 * can write events into it: only denied logins (get_closed_store_detail())
 * timed between the last flush and now are taken, each marked
 * PB_AUDIT_FROM_KEYSLOTS, and the others are counted in one
 * "keyslots.events_refused" row. */
static gboolean
flush_pending_events (PbSession *self, GError **error)
{
  g_autoptr (PbKeyslotsLock) lock = lock_keyslots (self, error);
  g_autoptr (GPtrArray) events = NULL;
  g_autofree char *now_text = NULL;
  gint64 now = pb_clock_now_unix ();
  gint64 since;
  guint refused = 0;
  guint taken = 0;

  if (lock == NULL)
    return FALSE;
  events = pb_keyslots_take_pending_events (self->keyslots);
  since = get_last_flush (self);

  if (!pb_store_begin (self->store, error))
    return FALSE;
  for (guint i = 0; i < events->len; i++)
    {
      PbPendingEvent *event = g_ptr_array_index (events, i);
      const char *detail = get_closed_store_detail (event);
      const char *name;
      g_autofree char *marked = NULL;

      if (detail == NULL || event->time > now || event->time < since || taken >= MAX_PENDING_EVENTS)
        {
          refused++;
          continue;
        }
      name = get_flushed_username (self, event->username);
      marked = *detail != '\0' ? g_strdup_printf ("%s; %s", detail, PB_AUDIT_FROM_KEYSLOTS)
                               : g_strdup (PB_AUDIT_FROM_KEYSLOTS);
      if (!pb_audit_append_at (self->store, event->time, name, event->action, name, "denied",
                               marked, error))
        goto fail;
      taken++;
    }
  if (refused > 0)
    {
      g_autofree char *detail = g_strdup_printf ("events=%u", refused);

      if (!pb_audit_append (self->store, "system", "keyslots.events_refused",
                            PB_STORE_KEYSLOTS_NAME, "denied", detail, error))
        goto fail;
    }
  now_text = g_strdup_printf ("%" G_GINT64_FORMAT, now);
  if (!pb_store_set_meta (self->store, META_KEYSLOTS_FLUSHED_AT, now_text, error))
    goto fail;
  if (!pb_store_commit (self->store, error))
    return FALSE;

  /* If this save fails the events are written again next time: a
   * duplicate is better than a loss. */
  if (events->len > 0)
    save_keyslots (self, NULL);
  return TRUE;

fail:
  pb_store_rollback (self->store);
  return FALSE;
}

/* Clears @username's failure count and lock in the keyslot file. */
static gboolean
reset_failures (PbSession *self, const char *username, GError **error)
{
  g_autoptr (PbKeyslotsLock) lock = lock_keyslots (self, error);

  if (lock == NULL)
    return FALSE;
  pb_keyslots_set_failures (self->keyslots, username, 0);
  pb_keyslots_set_locked_until (self->keyslots, username, 0);
  return save_keyslots (self, error);
}

/* Every step of a login after the password checks the lock again: reused
 * codes, or guesses from another process, may have locked the account
 * since the last step. */
static gboolean
check_not_locked_out (PbSession *self, GError **error)
{
  if (!load_keyslots (self, error))
    return FALSE;
  if (pb_keyslots_get_locked_until (self->keyslots, self->username) <= pb_clock_now_unix ())
    return TRUE;

  pb_audit_append (self->store, self->username, "login.refused", self->username, "denied",
                   "locked out", NULL);
  stop_login (self);
  return locked_out_error (self, self->username, error);
}

static gboolean
finish_login (PbSession *self, GError **error)
{
  g_autoptr (PbOperator) actor = pb_operator_find (self->store, self->username, error);
  gint64 now = pb_clock_now_unix ();

  if (actor == NULL || !reset_failures (self, self->username, error))
    return FALSE;

  if (pb_operator_get_must_change_password (actor)
      || pb_password_is_expired (pb_operator_get_password_changed_at (actor), now))
    {
      self->stage = PB_SESSION_STAGE_NEEDS_NEW_PASSWORD;
      return TRUE;
    }

  self->stage = PB_SESSION_STAGE_READY;
  self->unlock_time = now;
  pb_operator_set_last_login (self->store, self->username, now, NULL);
  return pb_audit_append (self->store, self->username, "login.success", self->username, "ok", NULL,
                          error);
}

/* After the password: the operator must exist and be enabled; then the
 * second factor or the password change, or done. */
static gboolean
begin_operator (PbSession *self, const char *username, GError **error)
{
  g_autoptr (PbOperator) actor = NULL;
  g_autoptr (GError) local_error = NULL;

  actor = pb_operator_find (self->store, username, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (actor == NULL || pb_operator_get_disabled (actor))
    {
      pb_audit_append (self->store, username, "login.failed", username, "denied",
                       "disabled or unknown operator", NULL);
      return auth_error (error);
    }

  g_free (self->username);
  self->username = g_strdup (username);
  self->role = pb_operator_get_role (actor);

  if (pb_operator_has_totp (actor) || pb_role_requires_totp (self->role))
    {
      self->stage = PB_SESSION_STAGE_NEEDS_TOTP;
      return TRUE;
    }

  return finish_login (self, error);
}

/* Opens the store with @key; during an unfinished re-key whose database
 * step was done (the database no longer opens with @key), with @next. */
static gboolean
open_store (PbSession *self, const guint8 *key, const guint8 *next, gboolean has_next,
            GError **error)
{
  g_autoptr (GError) local_error = NULL;
  const char *store_id = pb_keyslots_get_store_id (self->keyslots);

  self->store = pb_store_open (self->dir, key, store_id, &local_error);
  if (self->store != NULL)
    return TRUE;
  if (!has_next || !g_error_matches (local_error, PB_STORE_ERROR, PB_STORE_ERROR_MISMATCH))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  g_clear_object (&self->store);
  self->store = pb_store_open (self->dir, next, store_id, error);
  self->opened_with_next = self->store != NULL;
  return self->opened_with_next;
}

/* A re-key that was interrupted (docs/DECISIONS.md, "Re-keying"): the
 * store is open, so no re-key runs now. When the database already has
 * the new key the keyslot file is finished (an administrator runs the
 * re-key again, for a recovery code somebody has seen). Before that step
 * the pending seals stay: backups may have the new key already, and the
 * next re-key carries on with it. */
static gboolean
settle_rekey (PbSession *self, GError **error)
{
  g_autoptr (PbKeyslotsLock) lock = NULL;
  g_auto (GStrv) removed = NULL;
  g_autofree char *names = NULL;
  g_autofree char *detail = NULL;

  if (!self->opened_with_next || !pb_keyslots_has_pending_rekey (self->keyslots))
    return TRUE;
  lock = lock_keyslots (self, error);
  if (lock == NULL)
    return FALSE;
  if (!pb_keyslots_has_pending_rekey (self->keyslots))
    return TRUE;

  removed = pb_keyslots_finish_rekey (self->keyslots, pb_store_get_master_key (self->store));
  names = g_strjoinv (",", removed);
  detail = g_strdup_printf ("interrupted re-key finished at login; removed=%s",
                            *names != '\0' ? names : "none");
  if (!save_keyslots (self, error))
    return FALSE;
  return pb_audit_append (self->store, "system", "store.rekey_finished", NULL, "ok", detail, error);
}

/* A slot of format 1 becomes format 2, now that the password is known, so
 * a later re-key reaches it. Best effort: the login does not depend on it. */
static void
upgrade_slot (PbSession *self, const char *username, const char *password)
{
  g_autoptr (PbKeyslots) wrapped = NULL;
  g_autoptr (PbKeyslotsLock) lock = NULL;
  guint failures;
  gint64 locked_until;

  if (self->store == NULL || pb_keyslots_is_sealed (self->keyslots, username))
    return;
  wrapped = pb_keyslots_new (pb_keyslots_get_store_id (self->keyslots));
  if (!pb_keyslots_set_slot (wrapped, username, password, pb_store_get_master_key (self->store),
                             NULL))
    return;
  lock = lock_keyslots (self, NULL);
  if (lock == NULL || pb_keyslots_is_sealed (self->keyslots, username)
      || !pb_keyslots_has_slot (self->keyslots, username))
    return;
  failures = pb_keyslots_get_failures (self->keyslots, username);
  locked_until = pb_keyslots_get_locked_until (self->keyslots, username);
  pb_keyslots_copy_slot (self->keyslots, wrapped, username);
  pb_keyslots_set_failures (self->keyslots, username, failures);
  pb_keyslots_set_locked_until (self->keyslots, username, locked_until);
  if (seal_pending (self, username, NULL) && save_keyslots (self, NULL))
    pb_audit_append (self->store, username, "keyslot.upgraded", username, "ok", "format 2", NULL);
}

/**
 * pb_session_login:
 * @dir: the store folder
 * @username: as typed (case does not matter)
 * @password: the operator's password
 * @error: return location for an error
 *
 * Returns: (transfer full): a session in the NEEDS_TOTP,
 *   NEEDS_NEW_PASSWORD or READY stage
 */
PbSession *
pb_session_login (const char *dir, const char *username, const char *password, GError **error)
{
  return pb_session_login_full (dir, username, password, NULL, NULL, error);
}

PbSession *
pb_session_login_full (const char *dir, const char *username, const char *password,
                       PbSessionOpenedFunc opened, gpointer user_data, GError **error)
{
  g_autoptr (PbSession) self = session_new (dir);
  g_autoptr (guint8) key = key_new ();
  g_autoptr (guint8) next = key_new ();
  gboolean has_next = FALSE;
  g_autofree char *name = pb_username_normalize (username, NULL);

  if (!load_keyslots (self, error))
    return NULL;

  if (name == NULL)
    {
      g_autoptr (PbKeyslotsLock) lock = lock_keyslots (self, NULL);

      if (lock != NULL)
        {
          add_pending_event (self, "login.failed", INVALID_USERNAME, NULL);
          save_keyslots (self, NULL);
        }
      auth_error (error);
      return NULL;
    }

  if (!authenticate_slot_pending (self, name, password, key, next, &has_next, error))
    return NULL;

  if (!open_store (self, key, next, has_next, error))
    return NULL;
  if (has_next && !self->opened_with_next)
    self->next_key = g_steal_pointer (&next);
  if (opened != NULL)
    opened (self->store, name, user_data);

  if (!flush_pending_events (self, error) || !settle_rekey (self, error)
      || !begin_operator (self, name, error))
    return NULL;
  upgrade_slot (self, name, password);

  return g_steal_pointer (&self);
}

gboolean
pb_session_verify_totp (PbSession *self, const char *code, GError **error)
{
  g_autofree char *secret = NULL;
  gint64 step = 0;
  gint64 last_step;
  gboolean ok;

  g_return_val_if_fail (PB_IS_SESSION (self), FALSE);

  if (self->stage != PB_SESSION_STAGE_NEEDS_TOTP)
    {
      g_set_error_literal (error, PB_SESSION_ERROR, PB_SESSION_ERROR_STAGE,
                           _ ("No second factor is being asked for."));
      return FALSE;
    }
  if (!check_not_locked_out (self, error))
    return FALSE;

  secret = pb_operator_dup_totp_secret (self->store, self->username);
  last_step = pb_operator_get_totp_last_step (self->store, self->username);
  ok = secret != NULL && code != NULL && pb_totp_verify (secret, code, pb_clock_now_unix (), &step);
  if (secret != NULL)
    pb_secure_wipe (secret, strlen (secret));

  /* A code that was already used is refused (RFC 6238 §5.2). */
  if (ok && step <= last_step)
    {
      if (record_failure (self, self->username, "second factor reused"))
        {
          stop_login (self);
          g_set_error (error, PB_SESSION_ERROR, PB_SESSION_ERROR_AUTH,
                       _ ("That code has already been used. After %d failed attempts the account "
                          "is now locked for %d minutes."),
                       PB_LOCKOUT_FAILURES, PB_LOCKOUT_SECONDS / 60);
          return FALSE;
        }
      g_set_error_literal (error, PB_SESSION_ERROR, PB_SESSION_ERROR_AUTH,
                           _ ("That code has already been used. Wait for the next code from "
                              "your authenticator app."));
      return FALSE;
    }

  if (!ok)
    {
      if (record_failure (self, self->username, "second factor"))
        {
          stop_login (self);
          g_set_error (error, PB_SESSION_ERROR, PB_SESSION_ERROR_AUTH,
                       _ ("Wrong code. After %d failed attempts the account is now locked for %d "
                          "minutes."),
                       PB_LOCKOUT_FAILURES, PB_LOCKOUT_SECONDS / 60);
          return FALSE;
        }
      g_set_error_literal (error, PB_SESSION_ERROR, PB_SESSION_ERROR_AUTH,
                           _ ("Wrong code. Type the six digits your authenticator app shows now."));
      return FALSE;
    }

  if (!pb_operator_set_totp_last_step (self->store, self->username, step, error))
    return FALSE;

  return finish_login (self, error);
}

/* The reuse rule: the new password must not open the current slot. */
static gboolean
check_not_current (PbSession *self, const char *username, const char *password, GError **error)
{
  g_autoptr (guint8) scratch = key_new ();

  if (pb_keyslots_unwrap (self->keyslots, username, password, scratch, NULL))
    {
      g_set_error_literal (error, PB_SESSION_ERROR, PB_SESSION_ERROR_INVALID,
                           _ ("The new password must be different from the current one."));
      return FALSE;
    }
  return TRUE;
}

/* During an unfinished re-key, a slot written now must hold the new key
 * too, or finishing the re-key would drop it. Only a session whose own
 * slot had the new key knows it; otherwise the slot is dropped then, and
 * the re-key says so. */
static gboolean
seal_pending (PbSession *self, const char *username, GError **error)
{
  if (self->next_key == NULL || !pb_keyslots_has_pending_rekey (self->keyslots))
    return TRUE;
  return pb_keyslots_seal_next_for (self->keyslots, username, self->next_key, error);
}

/* Wraps the master key under @password for @username and saves the file.
 * scrypt runs before the lock is taken, so logins elsewhere need not wait
 * for it; the new slot then goes into the file as it is now. */
static gboolean
write_slot (PbSession *self, const char *username, const char *password, GError **error)
{
  g_autoptr (PbKeyslots) wrapped = pb_keyslots_new (pb_keyslots_get_store_id (self->keyslots));
  g_autoptr (PbKeyslotsLock) lock = NULL;

  if (!pb_keyslots_set_slot (wrapped, username, password, pb_store_get_master_key (self->store),
                             error))
    return FALSE;
  lock = lock_keyslots (self, error);
  if (lock == NULL)
    return FALSE;
  pb_keyslots_copy_slot (self->keyslots, wrapped, username);
  if (!seal_pending (self, username, error))
    return FALSE;
  return save_keyslots (self, error);
}

static gboolean
change_own_password (PbSession *self, const char *new_password, GError **error)
{
  if (!pb_password_policy_check (self->username, new_password, error)
      || !check_not_current (self, self->username, new_password, error))
    return FALSE;

  if (!pb_store_begin (self->store, error))
    return FALSE;
  if (!pb_operator_set_password_changed (self->store, self->username, pb_clock_now_unix (), FALSE,
                                         error)
      || !pb_audit_append (self->store, self->username, "password.changed", self->username, "ok",
                           NULL, error)
      || !write_slot (self, self->username, new_password, error))
    {
      pb_store_rollback (self->store);
      return FALSE;
    }
  return pb_store_commit (self->store, error);
}

gboolean
pb_session_set_new_password (PbSession *self, const char *new_password, GError **error)
{
  g_return_val_if_fail (PB_IS_SESSION (self), FALSE);

  if (self->stage != PB_SESSION_STAGE_NEEDS_NEW_PASSWORD)
    {
      g_set_error_literal (error, PB_SESSION_ERROR, PB_SESSION_ERROR_STAGE,
                           _ ("No new password is being asked for."));
      return FALSE;
    }
  if (!check_not_locked_out (self, error))
    return FALSE;

  if (!change_own_password (self, new_password, error))
    return FALSE;

  return finish_login (self, error);
}

static char *
new_totp_secret (PbSession *self, const char *username, char **totp_uri_out)
{
  char *secret = pb_totp_generate_secret ();

  if (totp_uri_out != NULL)
    *totp_uri_out = pb_totp_uri (secret, username, PB_TOTP_ISSUER);
  return secret;
}

PbSession *
pb_session_init_store (const char *dir, const char *admin_username, const char *full_name,
                       const char *password, char **recovery_code_out, char **totp_uri_out,
                       GError **error)
{
  g_autoptr (PbSession) self = session_new (dir);
  g_autoptr (guint8) key = key_new ();
  g_autofree char *name = NULL;
  g_autofree char *recovery = NULL;
  g_autofree char *recovery_normal = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *store_id = NULL;
  guint8 id_bytes[16];

  g_return_val_if_fail (dir != NULL && admin_username != NULL && password != NULL, NULL);

  name = pb_username_normalize (admin_username, error);
  if (name == NULL || !pb_password_policy_check (name, password, error))
    return NULL;

  if (pb_store_exists (dir))
    {
      g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_EXISTS,
                   _ ("A store already exists in %s. Nothing was changed."), dir);
      return NULL;
    }

  pb_random_bytes (key, PB_MASTER_KEY_LEN);
  pb_random_bytes (id_bytes, sizeof id_bytes);
  store_id = pb_hex_encode (id_bytes, sizeof id_bytes);

  self->keyslots = pb_keyslots_new (store_id);
  recovery = pb_keyslots_generate_recovery_code ();
  recovery_normal = pb_keyslots_normalize_recovery_code (recovery);
  if (!pb_keyslots_set_slot (self->keyslots, name, password, key, error)
      || !pb_keyslots_set_slot (self->keyslots, PB_RECOVERY_SLOT, recovery_normal, key, error))
    return NULL;

  self->store = pb_store_create (dir, key, store_id, error);
  if (self->store == NULL)
    return NULL;

  secret = new_totp_secret (self, name, totp_uri_out);
  if (!pb_store_begin (self->store, error)
      || !pb_operator_insert (self->store, name, full_name, PB_ROLE_ADMIN, secret, FALSE, error)
      || !pb_audit_append (self->store, name, "store.created", pb_store_get_store_id (self->store),
                           "ok", NULL, error)
      || !pb_audit_append (self->store, name, "operator.created", name, "ok", "role=admin", error)
      || !save_keyslots (self, error) || !pb_store_commit (self->store, error))
    {
      g_autofree char *db = pb_store_path (dir, PB_STORE_DB_NAME);

      pb_store_close (self->store);
      g_unlink (db);
      g_unlink (self->keyslots_path);
      if (totp_uri_out)
        g_clear_pointer (totp_uri_out, g_free);
      return NULL;
    }

  pb_secure_wipe (secret, strlen (secret));
  self->username = g_strdup (name);
  self->role = PB_ROLE_ADMIN;
  self->stage = PB_SESSION_STAGE_READY;
  self->unlock_time = pb_clock_now_unix ();
  if (recovery_code_out != NULL)
    *recovery_code_out = g_steal_pointer (&recovery);
  else
    pb_secure_wipe (recovery, strlen (recovery));
  pb_secure_wipe (recovery_normal, strlen (recovery_normal));

  return g_steal_pointer (&self);
}

PbSession *
pb_session_recover (const char *dir, const char *recovery_code, const char *admin_username,
                    const char *new_password, char **totp_uri_out, GError **error)
{
  g_autoptr (PbSession) self = session_new (dir);
  g_autoptr (guint8) key = key_new ();
  g_autoptr (PbOperator) admin = NULL;
  g_autofree char *code = NULL;
  g_autofree char *name = NULL;
  g_autofree char *secret = NULL;
  gint64 now = pb_clock_now_unix ();

  if (!load_keyslots (self, error))
    return NULL;

  name = pb_username_normalize (admin_username, error);
  if (name == NULL)
    return NULL;

  code = pb_keyslots_normalize_recovery_code (recovery_code ? recovery_code : "");
  if (!authenticate_slot (self, PB_RECOVERY_SLOT, code, key, error))
    {
      pb_secure_wipe (code, strlen (code));
      if (g_error_matches (*error, PB_SESSION_ERROR, PB_SESSION_ERROR_AUTH))
        {
          g_clear_error (error);
          g_set_error_literal (error, PB_SESSION_ERROR, PB_SESSION_ERROR_AUTH,
                               _ ("Wrong recovery code."));
        }
      return NULL;
    }
  pb_secure_wipe (code, strlen (code));

  self->store = pb_store_open (dir, key, pb_keyslots_get_store_id (self->keyslots), error);
  if (self->store == NULL || !flush_pending_events (self, error))
    return NULL;

  admin = pb_operator_find (self->store, name, NULL);
  if (admin == NULL || pb_operator_get_role (admin) != PB_ROLE_ADMIN)
    {
      g_set_error (error, PB_SESSION_ERROR, PB_SESSION_ERROR_INVALID,
                   _ ("“%s” is not an administrator of this store. The recovery code sets a new "
                      "password for an administrator."),
                   name);
      return NULL;
    }
  if (!pb_password_policy_check (name, new_password, error))
    return NULL;

  secret = new_totp_secret (self, name, totp_uri_out);
  if (!pb_store_begin (self->store, error))
    return NULL;
  if (!pb_operator_set_disabled (self->store, name, FALSE, error)
      || !pb_operator_set_password_changed (self->store, name, now, FALSE, error)
      || !pb_operator_set_totp (self->store, name, secret, error)
      || !pb_audit_append (self->store, name, "recovery.used", name, "ok",
                           "new password and second factor", error))
    {
      pb_store_rollback (self->store);
      return NULL;
    }
  if (!write_slot (self, name, new_password, error)
      || !reset_failures (self, PB_RECOVERY_SLOT, error) || !pb_store_commit (self->store, error))
    {
      pb_store_rollback (self->store);
      return NULL;
    }
  pb_secure_wipe (secret, strlen (secret));

  self->username = g_strdup (name);
  self->role = PB_ROLE_ADMIN;
  self->stage = PB_SESSION_STAGE_READY;
  self->unlock_time = now;
  pb_operator_set_last_login (self->store, name, now, NULL);
  return g_steal_pointer (&self);
}

void
pb_session_lock (PbSession *self)
{
  g_return_if_fail (PB_IS_SESSION (self));

  if (self->store != NULL && self->stage == PB_SESSION_STAGE_READY)
    pb_audit_append (self->store, self->username, "session.locked", self->username, "ok", NULL,
                     NULL);
  self->stage = PB_SESSION_STAGE_LOCKED;
}

gboolean
pb_session_resume (PbSession *self, const char *username, const char *password, GError **error)
{
  return pb_session_resume_full (self, username, password, NULL, NULL, error);
}

gboolean
pb_session_resume_full (PbSession *self, const char *username, const char *password,
                        PbSessionOpenedFunc opened, gpointer user_data, GError **error)
{
  g_autoptr (guint8) key = key_new ();
  g_autofree char *name = pb_username_normalize (username, NULL);

  g_return_val_if_fail (PB_IS_SESSION (self), FALSE);
  g_return_val_if_fail (self->store != NULL, FALSE);

  self->stage = PB_SESSION_STAGE_LOCKED;
  self->resumed = TRUE;
  if (!load_keyslots (self, error))
    return FALSE;
  if (name == NULL)
    {
      pb_audit_append (self->store, INVALID_USERNAME, "login.failed", NULL, "denied", NULL, NULL);
      return auth_error (error);
    }
  if (!authenticate_slot (self, name, password, key, error))
    return FALSE;

  if (CRYPTO_memcmp (key, pb_store_get_master_key (self->store), PB_MASTER_KEY_LEN) != 0)
    {
      g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_MISMATCH,
                   _ ("The keyslot file no longer matches the open store. Restart Packbench."));
      return FALSE;
    }
  if (opened != NULL)
    opened (self->store, name, user_data);

  if (!begin_operator (self, name, error))
    return FALSE;
  upgrade_slot (self, name, password);
  return TRUE;
}

void
pb_session_logout (PbSession *self)
{
  g_return_if_fail (PB_IS_SESSION (self));

  if (self->store != NULL && self->username != NULL)
    pb_audit_append (self->store, self->username, "logout", self->username, "ok", NULL, NULL);
  self->stage = PB_SESSION_STAGE_LOCKED;
  if (self->store != NULL)
    pb_store_close (self->store);
}

PbSessionStage
pb_session_get_stage (PbSession *self)
{
  g_return_val_if_fail (PB_IS_SESSION (self), PB_SESSION_STAGE_LOCKED);
  return self->stage;
}

PbStore *
pb_session_get_store (PbSession *self)
{
  g_return_val_if_fail (PB_IS_SESSION (self), NULL);
  return self->store;
}

const char *
pb_session_get_username (PbSession *self)
{
  g_return_val_if_fail (PB_IS_SESSION (self), NULL);
  return self->username;
}

PbRole
pb_session_get_role (PbSession *self)
{
  g_return_val_if_fail (PB_IS_SESSION (self), PB_ROLE_PACKER);
  return self->role;
}

gint64
pb_session_get_unlock_time (PbSession *self)
{
  g_return_val_if_fail (PB_IS_SESSION (self), 0);
  return self->unlock_time;
}

gint64
pb_session_get_locked_until (PbSession *self, const char *username)
{
  gint64 until;

  g_return_val_if_fail (PB_IS_SESSION (self), 0);
  until = pb_keyslots_get_locked_until (self->keyslots, username);
  return until > pb_clock_now_unix () ? until : 0;
}

gboolean
pb_session_can (PbSession *self, PbAction action)
{
  g_return_val_if_fail (PB_IS_SESSION (self), FALSE);

  return self->stage == PB_SESSION_STAGE_READY && pb_permission_allows (self->role, action);
}

static gboolean
not_permitted (PbSession *self, PbAction action, const char *subject, GError **error)
{
  pb_audit_append (self->store, self->username, "permission.denied", subject, "denied",
                   pb_action_to_string (action), NULL);
  g_set_error (error, PB_SESSION_ERROR, PB_SESSION_ERROR_NOT_PERMITTED,
               _ ("Not permitted: a %s may not do that (%s). Ask a supervisor or administrator."),
               pb_role_to_string (self->role), pb_action_to_string (action));
  return FALSE;
}

gboolean
pb_session_require (PbSession *self, PbAction action, const char *subject, GError **error)
{
  g_return_val_if_fail (PB_IS_SESSION (self), FALSE);

  if (self->stage != PB_SESSION_STAGE_READY)
    {
      g_set_error_literal (error, PB_SESSION_ERROR, PB_SESSION_ERROR_STAGE, _ ("Log in first."));
      return FALSE;
    }
  if (!pb_permission_allows (self->role, action))
    return not_permitted (self, action, subject, error);
  return TRUE;
}

gboolean
pb_session_audit (PbSession *self, const char *action, const char *subject, const char *outcome,
                  const char *detail, GError **error)
{
  g_return_val_if_fail (PB_IS_SESSION (self), FALSE);
  return pb_audit_append (self->store, self->username, action, subject, outcome, detail, error);
}

/* Finds @username and checks that this operator may manage them. */
static PbOperator *
require_manageable (PbSession *self, const char *username, GError **error)
{
  g_autoptr (PbOperator) target = NULL;
  g_autoptr (GError) local_error = NULL;

  if (!pb_session_require (self, PB_ACTION_MANAGE_PACKERS, username, error))
    return NULL;

  target = pb_operator_find (self->store, username, &local_error);
  if (target == NULL)
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, PB_SESSION_ERROR, PB_SESSION_ERROR_INVALID,
                     _ ("There is no operator called “%s”."), username);
      return NULL;
    }

  if (!pb_permission_can_manage (self->role, pb_operator_get_role (target)))
    {
      not_permitted (self, PB_ACTION_MANAGE_ALL_USERS, username, error);
      return NULL;
    }
  return g_steal_pointer (&target);
}

static gboolean
is_self (PbSession *self, const char *username)
{
  return g_ascii_strcasecmp (self->username, username) == 0;
}

static guint
count_enabled_admins (PbSession *self)
{
  g_autoptr (GPtrArray) operators = pb_operator_list (self->store, NULL);
  guint count = 0;

  for (guint i = 0; operators != NULL && i < operators->len; i++)
    {
      PbOperator *op = g_ptr_array_index (operators, i);
      if (pb_operator_get_role (op) == PB_ROLE_ADMIN && !pb_operator_get_disabled (op))
        count++;
    }
  return count;
}

gboolean
pb_session_add_operator (PbSession *self, const char *username, const char *full_name, PbRole role,
                         const char *password, char **totp_uri_out, GError **error)
{
  g_autofree char *name = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *detail = NULL;
  g_autoptr (PbOperator) existing = NULL;

  g_return_val_if_fail (PB_IS_SESSION (self), FALSE);

  if (!pb_session_require (self, PB_ACTION_MANAGE_PACKERS, username, error))
    return FALSE;
  if (!pb_permission_can_manage (self->role, role))
    return not_permitted (self, PB_ACTION_MANAGE_ALL_USERS, username, error);

  name = pb_username_normalize (username, error);
  if (name == NULL)
    return FALSE;
  existing = pb_operator_find (self->store, name, NULL);
  if (existing != NULL || pb_keyslots_has_slot (self->keyslots, name))
    {
      g_set_error (error, PB_SESSION_ERROR, PB_SESSION_ERROR_INVALID,
                   _ ("An operator called “%s” already exists."), name);
      return FALSE;
    }
  if (!pb_password_policy_check (name, password, error))
    return FALSE;

  if (pb_role_requires_totp (role))
    secret = new_totp_secret (self, name, totp_uri_out);

  detail = g_strdup_printf ("role=%s", pb_role_to_string (role));
  if (!pb_store_begin (self->store, error))
    return FALSE;
  if (!pb_operator_insert (self->store, name, full_name, role, secret, TRUE, error)
      || !pb_session_audit (self, "operator.created", name, "ok", detail, error)
      || !write_slot (self, name, password, error))
    {
      pb_store_rollback (self->store);
      pb_keyslots_remove_slot (self->keyslots, name);
      return FALSE;
    }
  if (secret != NULL)
    pb_secure_wipe (secret, strlen (secret));
  if (!pb_store_commit (self->store, error))
    return FALSE;
  pb_fault_point ("operator.after-commit");
  return TRUE;
}

gboolean
pb_session_disable_operator (PbSession *self, const char *username, GError **error)
{
  g_autoptr (PbOperator) target = require_manageable (self, username, error);

  if (target == NULL)
    return FALSE;
  if (is_self (self, username))
    {
      g_set_error_literal (error, PB_SESSION_ERROR, PB_SESSION_ERROR_INVALID,
                           _ ("You cannot disable your own account."));
      return FALSE;
    }
  if (pb_operator_get_role (target) == PB_ROLE_ADMIN && !pb_operator_get_disabled (target)
      && count_enabled_admins (self) <= 1)
    {
      g_set_error_literal (error, PB_SESSION_ERROR, PB_SESSION_ERROR_INVALID,
                           _ ("This is the last administrator; add another one first."));
      return FALSE;
    }

  /* Removing the slot is what makes the old password open nothing. */
  {
    g_autoptr (PbKeyslotsLock) lock = lock_keyslots (self, error);

    if (lock == NULL)
      return FALSE;
    pb_keyslots_remove_slot (self->keyslots, pb_operator_get_username (target));
    if (!save_keyslots (self, error))
      return FALSE;
  }
  return pb_operator_set_disabled (self->store, pb_operator_get_username (target), TRUE, error)
         && pb_session_audit (self, "operator.disabled", pb_operator_get_username (target), "ok",
                              NULL, error);
}

gboolean
pb_session_enable_operator (PbSession *self, const char *username, const char *temporary_password,
                            GError **error)
{
  g_autoptr (PbOperator) target = require_manageable (self, username, error);
  const char *name;

  if (target == NULL)
    return FALSE;
  name = pb_operator_get_username (target);
  if (!pb_password_policy_check (name, temporary_password, error))
    return FALSE;

  if (!pb_store_begin (self->store, error))
    return FALSE;
  if (!pb_operator_set_disabled (self->store, name, FALSE, error)
      || !pb_operator_set_password_changed (self->store, name, pb_clock_now_unix (), TRUE, error)
      || !pb_session_audit (self, "operator.enabled", name, "ok", NULL, error)
      || !write_slot (self, name, temporary_password, error))
    {
      pb_store_rollback (self->store);
      return FALSE;
    }
  return pb_store_commit (self->store, error);
}

gboolean
pb_session_unlock_operator (PbSession *self, const char *username, GError **error)
{
  g_autoptr (PbOperator) target = require_manageable (self, username, error);
  const char *name;

  if (target == NULL)
    return FALSE;
  name = pb_operator_get_username (target);
  return reset_failures (self, name, error)
         && pb_session_audit (self, "operator.unlocked", name, "ok", NULL, error);
}

gboolean
pb_session_set_password (PbSession *self, const char *username, const char *new_password,
                         GError **error)
{
  g_autoptr (PbOperator) target = NULL;
  const char *name;

  g_return_val_if_fail (PB_IS_SESSION (self), FALSE);

  if (is_self (self, username))
    return pb_session_require (self, PB_ACTION_CHANGE_OWN_PASSWORD, username, error)
           && change_own_password (self, new_password, error);

  target = require_manageable (self, username, error);
  if (target == NULL)
    return FALSE;
  name = pb_operator_get_username (target);
  if (pb_operator_get_disabled (target))
    {
      g_set_error (error, PB_SESSION_ERROR, PB_SESSION_ERROR_INVALID,
                   _ ("%s is disabled; enable the account to give it a password."), name);
      return FALSE;
    }
  if (!pb_password_policy_check (name, new_password, error))
    return FALSE;

  if (!pb_store_begin (self->store, error))
    return FALSE;
  if (!pb_operator_set_password_changed (self->store, name, pb_clock_now_unix (), TRUE, error)
      || !pb_session_audit (self, "password.reset", name, "ok", NULL, error)
      || !write_slot (self, name, new_password, error))
    {
      pb_store_rollback (self->store);
      return FALSE;
    }
  /* The new slot starts with no failures and no lock. */
  return pb_store_commit (self->store, error);
}

gboolean
pb_session_reset_totp (PbSession *self, const char *username, char **totp_uri_out, GError **error)
{
  g_autoptr (PbOperator) target = NULL;
  g_autofree char *secret = NULL;
  const char *name;

  g_return_val_if_fail (PB_IS_SESSION (self), FALSE);

  if (is_self (self, username))
    {
      if (!pb_session_require (self, PB_ACTION_CHANGE_OWN_PASSWORD, username, error))
        return FALSE;
      target = pb_operator_find (self->store, self->username, error);
    }
  else
    target = require_manageable (self, username, error);
  if (target == NULL)
    return FALSE;

  name = pb_operator_get_username (target);
  secret = new_totp_secret (self, name, totp_uri_out);
  if (!pb_operator_set_totp (self->store, name, secret, error))
    return FALSE;
  pb_secure_wipe (secret, strlen (secret));
  return pb_session_audit (self, "totp.reset", name, "ok", NULL, error);
}

gboolean
pb_session_set_role (PbSession *self, const char *username, PbRole role, char **totp_uri_out,
                     GError **error)
{
  g_autoptr (PbOperator) target = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *secret = NULL;
  const char *name;

  if (!pb_session_require (self, PB_ACTION_MANAGE_ALL_USERS, username, error))
    return FALSE;
  target = require_manageable (self, username, error);
  if (target == NULL)
    return FALSE;
  name = pb_operator_get_username (target);

  if (pb_operator_get_role (target) == PB_ROLE_ADMIN && role != PB_ROLE_ADMIN
      && count_enabled_admins (self) <= 1)
    {
      g_set_error_literal (error, PB_SESSION_ERROR, PB_SESSION_ERROR_INVALID,
                           _ ("This is the last administrator; add another one first."));
      return FALSE;
    }

  detail = g_strdup_printf ("%s->%s", pb_role_to_string (pb_operator_get_role (target)),
                            pb_role_to_string (role));
  if (!pb_store_begin (self->store, error))
    return FALSE;
  if (pb_role_requires_totp (role) && !pb_operator_has_totp (target))
    {
      secret = new_totp_secret (self, name, totp_uri_out);
      if (!pb_operator_set_totp (self->store, name, secret, error))
        goto fail;
      pb_secure_wipe (secret, strlen (secret));
    }
  if (!pb_operator_set_role (self->store, name, role, error)
      || !pb_session_audit (self, "operator.role_changed", name, "ok", detail, error))
    goto fail;
  return pb_store_commit (self->store, error);

fail:
  pb_store_rollback (self->store);
  return FALSE;
}

gboolean
pb_session_set_setting (PbSession *self, const char *key, const char *value, GError **error)
{
  const PbSettingInfo *info = pb_settings_lookup (key);

  g_return_val_if_fail (PB_IS_SESSION (self), FALSE);

  if (info == NULL)
    {
      g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID,
                   _ ("There is no setting called “%s”. “packbenchctl config list” shows them."),
                   key);
      return FALSE;
    }
  if (!pb_session_require (self, info->permission, key, error))
    return FALSE;
  return pb_settings_set (self->store, key, value, self->username, error);
}

gboolean
pb_session_mark_access_reviewed (PbSession *self, guint *n_operators, GError **error)
{
  g_autoptr (GPtrArray) operators = NULL;
  g_autofree char *detail = NULL;

  g_return_val_if_fail (PB_IS_SESSION (self), FALSE);

  if (!pb_session_require (self, PB_ACTION_REVIEW_ACCESS, NULL, error))
    return FALSE;
  operators = pb_operator_list (self->store, error);
  if (operators == NULL)
    return FALSE;
  detail = g_strdup_printf ("operators=%u", operators->len);
  if (!pb_session_audit (self, "access.reviewed", NULL, "ok", detail, error))
    return FALSE;
  if (n_operators != NULL)
    *n_operators = operators->len;
  return TRUE;
}

gboolean
pb_access_review_is_overdue (gint64 reviewed_at, gint64 now)
{
  return reviewed_at <= 0 || now - reviewed_at > (gint64)PB_ACCESS_REVIEW_MAX_AGE_DAYS * 86400;
}

gboolean
pb_account_is_unused (gint64 last_login_at, gint64 created_at, gint64 now)
{
  gint64 used = last_login_at > 0 ? last_login_at : created_at;

  return now - used > (gint64)PB_ACCOUNT_UNUSED_DAYS * 86400;
}

/**
 * pb_session_rekey:
 * @self: a READY session of an administrator
 * @password: that administrator's password, asked again
 * @backups: (nullable) (scope call): re-keys the backups, after the new
 *   seals are saved and before the database is re-keyed
 * @user_data: for @backups
 * @recovery_code_out: (out): the new recovery code, to be shown once
 * @removed_out: (out) (optional): operators whose slots of format 1 could
 *   not be re-keyed and were removed (an administrator sets their
 *   passwords again)
 * @error: return location for an error
 *
 * A new master key for the store (docs/DECISIONS.md, "Re-keying"), in
 * steps that each leave a store the remaining operators open: the new key
 * sealed beside the old in the keyslot file; the backups; the database
 * (PRAGMA rekey); the keyslot file finished. An interrupted re-key is
 * carried on with the same new key.
 *
 * Returns: %TRUE when the store and every backup have the new key.
 */
gboolean
pb_session_rekey (PbSession *self, const char *password, PbSessionRekeyBackups backups,
                  gpointer user_data, char **recovery_code_out, GStrv *removed_out, GError **error)
{
  g_autoptr (PbKeyslotsLock) lock = NULL;
  g_autoptr (PbKeyslots) finished = NULL;
  g_autoptr (guint8) current = key_new ();
  g_autoptr (guint8) next = key_new ();
  g_autoptr (GError) local_error = NULL;
  g_auto (GStrv) removed = NULL;
  g_auto (GStrv) removed_finished = NULL;
  g_autofree char *code = NULL;
  g_autofree char *removed_text = NULL;
  g_autofree char *detail = NULL;
  gboolean has_next = FALSE;

  g_return_val_if_fail (PB_IS_SESSION (self), FALSE);
  g_return_val_if_fail (password != NULL && recovery_code_out != NULL, FALSE);

  if (!pb_session_require (self, PB_ACTION_MANAGE_ALL_USERS, "rekey", error))
    return FALSE;

  lock = lock_keyslots (self, error);
  if (lock == NULL)
    return FALSE;
  if (!pb_keyslots_unwrap_pending (self->keyslots, self->username, password, current, next,
                                   &has_next, &local_error))
    {
      pb_audit_append (self->store, self->username, "store.rekey", NULL, "denied", "wrong password",
                       NULL);
      if (g_error_matches (local_error, PB_KEYSLOT_ERROR, PB_KEYSLOT_ERROR_WRONG_PASSWORD))
        g_set_error_literal (error, PB_SESSION_ERROR, PB_SESSION_ERROR_AUTH,
                             _ ("Wrong password. Nothing was re-keyed."));
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (CRYPTO_memcmp (current, pb_store_get_master_key (self->store), PB_MASTER_KEY_LEN) != 0)
    {
      g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_MISMATCH,
                   _ ("The keyslot file no longer matches the open store. Restart Packbench."));
      return FALSE;
    }
  /* This administrator's own slot must be reachable by the new key: of
   * the old format (an upgrade at login failed), it is rewritten now. */
  if (!pb_keyslots_is_sealed (self->keyslots, self->username)
      && !pb_keyslots_set_slot (self->keyslots, self->username, password, current, error))
    return FALSE;
  /* A re-key that was interrupted is carried on with its new key: some
   * backups may have it already. */
  if (!has_next)
    pb_random_bytes (next, PB_MASTER_KEY_LEN);

  code = pb_keyslots_generate_recovery_code ();
  if (!pb_keyslots_seal_next (self->keyslots, current, next, NULL, error)
      || !pb_keyslots_set_pending_recovery (self->keyslots, code, next, error)
      || !save_keyslots (self, error))
    {
      pb_secure_free_string (g_steal_pointer (&code));
      return FALSE;
    }
  pb_fault_point ("rekey.after-seals");

  /* The file as it will be when finished: what each backup gets. */
  finished = pb_keyslots_load (self->keyslots_path, error);
  if (finished == NULL)
    {
      pb_secure_free_string (g_steal_pointer (&code));
      return FALSE;
    }
  removed_finished = pb_keyslots_finish_rekey (finished, next);
  if (backups != NULL && !backups (self->store, current, next, finished, user_data, error))
    {
      pb_secure_free_string (g_steal_pointer (&code));
      return FALSE;
    }
  pb_fault_point ("rekey.after-backups");

  if (!pb_store_rekey (self->store, next, error))
    {
      pb_secure_free_string (g_steal_pointer (&code));
      return FALSE;
    }
  pb_fault_point ("rekey.after-database");

  removed = pb_keyslots_finish_rekey (self->keyslots, next);
  if (!save_keyslots (self, error))
    {
      /* The database has the new key and the file holds it as the next
       * seal: every login still works, and finishes the file. */
      pb_secure_free_string (g_steal_pointer (&code));
      return FALSE;
    }
  pb_fault_point ("rekey.after-finish");

  removed_text = g_strjoinv (",", removed);
  detail = g_strdup_printf ("new master key and recovery code; removed=%s",
                            *removed_text != '\0' ? removed_text : "none");
  pb_audit_append (self->store, self->username, "store.rekeyed", NULL, "ok", detail, NULL);

  *recovery_code_out = g_steal_pointer (&code);
  if (removed_out != NULL)
    *removed_out = g_steal_pointer (&removed);
  return TRUE;
}
