/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "pb-operator.h"
#include "pb-permissions.h"
#include "pb-store.h"

G_BEGIN_DECLS

/*
 * A login. Unlocking a keyslot opens the store; the session then asks for
 * a second factor when the operator's role or enrolment requires one, and
 * for a new password when the current one is temporary or expired. Only a
 * session in the READY stage may act, and every action asks the one
 * permission table. Locking keeps the store (and its key, in locked memory)
 * open for background work; freeing the session closes it and wipes the key.
 */

#define PB_SESSION_ERROR (pb_session_error_quark ())

typedef enum
{
  PB_SESSION_ERROR_AUTH,          /* wrong username, password or code */
  PB_SESSION_ERROR_LOCKED_OUT,    /* too many failures: wait or ask for an unlock */
  PB_SESSION_ERROR_NOT_PERMITTED, /* the role may not do that */
  PB_SESSION_ERROR_STAGE,         /* the login is not finished (or the bench is locked) */
  PB_SESSION_ERROR_INVALID,       /* a request that makes no sense (e.g. disable yourself) */
} PbSessionError;

GQuark pb_session_error_quark (void);

typedef enum
{
  PB_SESSION_STAGE_NEEDS_TOTP,
  PB_SESSION_STAGE_NEEDS_NEW_PASSWORD,
  PB_SESSION_STAGE_READY,
  PB_SESSION_STAGE_LOCKED,
} PbSessionStage;

#define PB_LOCKOUT_FAILURES 5
#define PB_LOCKOUT_SECONDS (15 * 60)
#define PB_TOTP_ISSUER "Packbench"

#define PB_TYPE_SESSION (pb_session_get_type ())
G_DECLARE_FINAL_TYPE (PbSession, pb_session, PB, SESSION, GObject)

/* Creates a store in @dir with its first admin. @recovery_code_out and
 * @totp_uri_out receive what must be shown once. */
PbSession *pb_session_init_store (const char *dir, const char *admin_username,
                                  const char *full_name, const char *password,
                                  char **recovery_code_out, char **totp_uri_out, GError **error);

/* First step of a login: unwraps the operator's keyslot and opens the store. */
PbSession *pb_session_login (const char *dir, const char *username, const char *password,
                             GError **error);
/* The same, calling @opened once the store is open and before the
 * operator's record is read (site mode brings the site's operators in
 * there). */
typedef void (*PbSessionOpenedFunc) (PbStore *store, const char *username, gpointer user_data);
PbSession *pb_session_login_full (const char *dir, const char *username, const char *password,
                                  PbSessionOpenedFunc opened, gpointer user_data, GError **error);
gboolean pb_session_verify_totp (PbSession *self, const char *code, GError **error);
gboolean pb_session_set_new_password (PbSession *self, const char *new_password, GError **error);

/* Opens the store with the recovery code and gives @admin_username a new
 * password and a new second factor (printed as @totp_uri_out). */
PbSession *pb_session_recover (const char *dir, const char *recovery_code,
                               const char *admin_username, const char *new_password,
                               char **totp_uri_out, GError **error);

/* Lock the bench: the store stays open, nobody may act until a login. */
void pb_session_lock (PbSession *self);
/* A login on a locked (or open) session, by any operator with a slot. */
gboolean pb_session_resume (PbSession *self, const char *username, const char *password,
                            GError **error);
/* The same, calling @opened once the slot is unwrapped and before the
 * operator's record is read, as pb_session_login_full() does: an operator
 * added at another bench of the site while this one was locked is brought
 * in there. */
gboolean pb_session_resume_full (PbSession *self, const char *username, const char *password,
                                 PbSessionOpenedFunc opened, gpointer user_data, GError **error);
void pb_session_logout (PbSession *self);

PbSessionStage pb_session_get_stage (PbSession *self);
PbStore *pb_session_get_store (PbSession *self);
const char *pb_session_get_username (PbSession *self);
PbRole pb_session_get_role (PbSession *self);
gint64 pb_session_get_unlock_time (PbSession *self);
/* From the keyslot file: when @username's lock ends (0: not locked). */
gint64 pb_session_get_locked_until (PbSession *self, const char *username);

/* Does the logged-in operator's role allow @action? FALSE unless READY. */
gboolean pb_session_can (PbSession *self, PbAction action);
/* Like pb_session_can, but a refusal is an audit row and an error. */
gboolean pb_session_require (PbSession *self, PbAction action, const char *subject, GError **error);
/* Audit in this operator's name. */
gboolean pb_session_audit (PbSession *self, const char *action, const char *subject,
                           const char *outcome, const char *detail, GError **error);

/* Operator management, each permission-checked and audited. Passwords
 * set for someone else are temporary: they must be changed at next login. */
gboolean pb_session_add_operator (PbSession *self, const char *username, const char *full_name,
                                  PbRole role, const char *password, char **totp_uri_out,
                                  GError **error);
gboolean pb_session_disable_operator (PbSession *self, const char *username, GError **error);
gboolean pb_session_enable_operator (PbSession *self, const char *username,
                                     const char *temporary_password, GError **error);
gboolean pb_session_unlock_operator (PbSession *self, const char *username, GError **error);
gboolean pb_session_set_password (PbSession *self, const char *username, const char *new_password,
                                  GError **error);
gboolean pb_session_reset_totp (PbSession *self, const char *username, char **totp_uri_out,
                                GError **error);
gboolean pb_session_set_role (PbSession *self, const char *username, PbRole role,
                              char **totp_uri_out, GError **error);

/* Access reviews (the policy promises them regularly): marks that this
 * operator has reviewed who has access, as an "access.reviewed" audit row
 * naming the number of operators. Needs PB_ACTION_REVIEW_ACCESS.
 * pb_audit_get_last_access_review() reads it back. */
gboolean pb_session_mark_access_reviewed (PbSession *self, guint *n_operators, GError **error);

/* A review older than this many days is overdue. */
#define PB_ACCESS_REVIEW_MAX_AGE_DAYS 90
/* An enabled account nobody has logged in to for this many days is flagged. */
#define PB_ACCOUNT_UNUSED_DAYS 30

/* TRUE when the last review (0: never) is more than
 * PB_ACCESS_REVIEW_MAX_AGE_DAYS before @now. */
gboolean pb_access_review_is_overdue (gint64 reviewed_at, gint64 now);
/* TRUE when an account last used at @last_login_at (0: never, then its
 * creation counts) has been unused for more than PB_ACCOUNT_UNUSED_DAYS. */
gboolean pb_account_is_unused (gint64 last_login_at, gint64 created_at, gint64 now);

/* Re-keying: a new master key, sealed to every operator's keyslot
 * (docs/DECISIONS.md, "Re-keying"). @backups re-keys the backups with the
 * old and new key and the finished keyslot file (PbKeyslots). */
typedef gboolean (*PbSessionRekeyBackups) (PbStore *store, const guint8 *old_key,
                                           const guint8 *new_key, gpointer finished_keyslots,
                                           gpointer user_data, GError **error);
gboolean pb_session_rekey (PbSession *self, const char *password, PbSessionRekeyBackups backups,
                           gpointer user_data, char **recovery_code_out, GStrv *removed_out,
                           GError **error);

gboolean pb_session_set_setting (PbSession *self, const char *key, const char *value,
                                 GError **error);

G_END_DECLS
