/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/*
 * The keyslot file beside the database. Each slot wraps the store's random
 * 256-bit master key with AES-256-GCM under a key derived from one
 * operator's password (or the recovery code) with scrypt. The file also
 * keeps what must be known before the store opens: the username of each
 * slot, its consecutive failure count and lock time, and login events that
 * happened while the store could not be opened (written to the audit log at
 * the next successful login). docs/SECURITY.md documents the format exactly.
 */

#define PB_MASTER_KEY_LEN 32
#define PB_RECOVERY_SLOT "@recovery"

#define PB_KEYSLOT_ERROR (pb_keyslot_error_quark ())

typedef enum
{
  PB_KEYSLOT_ERROR_MISSING,        /* no keyslot file */
  PB_KEYSLOT_ERROR_CORRUPT,        /* truncated, garbled, wrong format or version */
  PB_KEYSLOT_ERROR_NO_SUCH_SLOT,   /* no slot for that username */
  PB_KEYSLOT_ERROR_WRONG_PASSWORD, /* authentication tag did not verify */
  PB_KEYSLOT_ERROR_IO,             /* could not write (disk full, permissions) */
} PbKeyslotError;

GQuark pb_keyslot_error_quark (void);

typedef struct
{
  gint64 time;
  char *action;   /* e.g. "login.failed", "login.lockout" */
  char *username; /* never a password */
  char *outcome;  /* e.g. "denied" */
  char *detail;   /* no PII, no secrets */
} PbPendingEvent;

void pb_pending_event_free (PbPendingEvent *event);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PbPendingEvent, pb_pending_event_free)

#define PB_TYPE_KEYSLOTS (pb_keyslots_get_type ())
G_DECLARE_FINAL_TYPE (PbKeyslots, pb_keyslots, PB, KEYSLOTS, GObject)

/* An empty set of slots for a new store with the given id (32 hex chars). */
PbKeyslots *pb_keyslots_new (const char *store_id);

PbKeyslots *pb_keyslots_load (const char *path, GError **error);

/* Atomic: a temp file in the same folder (mode 0600), write, fsync, rename
 * over @path, fsync the folder. On any failure the old file is untouched and
 * the temp file removed. */
gboolean pb_keyslots_save (PbKeyslots *self, const char *path, GError **error);

/* An exclusive lock (flock) on the keyslot file itself, for one
 * load-modify-save: take it, load, change, save, release. Saves replace the
 * file by rename, so the lock follows the current file: after the lock is
 * had, a file renamed in meanwhile is locked again. Blocks until it is had;
 * hold it only for file work and scrypt, never while waiting for a person.
 * Errors as pb_keyslots_load() (MISSING, IO). */
typedef struct _PbKeyslotsLock PbKeyslotsLock;
PbKeyslotsLock *pb_keyslots_lock (const char *path, GError **error);
void pb_keyslots_unlock (PbKeyslotsLock *lock);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PbKeyslotsLock, pb_keyslots_unlock)

const char *pb_keyslots_get_store_id (PbKeyslots *self);

/* Usernames of operator slots (not the recovery slot), sorted. */
GStrv pb_keyslots_list_usernames (PbKeyslots *self);
gboolean pb_keyslots_has_slot (PbKeyslots *self, const char *username);

/* Wraps @master_key under @password for @username, replacing that slot if
 * it exists (a password change re-wraps only that slot); a new salt and
 * nonce every time. Resets its failure count and lock. */
gboolean pb_keyslots_set_slot (PbKeyslots *self, const char *username, const char *password,
                               const guint8 *master_key, GError **error);
gboolean pb_keyslots_remove_slot (PbKeyslots *self, const char *username);
/* Copies @username's slot from @source (same store), replacing this set's
 * slot of that name; so a slot wrapped before taking the lock can be put
 * into the freshly loaded file. FALSE when @source has no such slot. */
gboolean pb_keyslots_copy_slot (PbKeyslots *self, PbKeyslots *source, const char *username);

/* Derives the key and unwraps; @master_key_out receives PB_MASTER_KEY_LEN
 * bytes. WRONG_PASSWORD when the tag does not verify. Does not touch the
 * failure count: the caller decides and saves. */
gboolean pb_keyslots_unwrap (PbKeyslots *self, const char *username, const char *password,
                             guint8 *master_key_out, GError **error);

/* Re-keying (docs/DECISIONS.md, "Re-keying"). Slots of format 2 hold an
 * X25519 key pair: the private key wrapped under the password, the master
 * key sealed to the public key, so a new master key can be sealed to every
 * operator without their passwords. A re-key: seal_next + set_pending_recovery,
 * save; PRAGMA rekey; finish_rekey, save. A file with a pending re-key opens
 * with either key; pb_keyslots_unwrap_pending() gives both. A re-key run
 * again carries on with the pending new key. */
gboolean pb_keyslots_unwrap_pending (PbKeyslots *self, const char *username, const char *password,
                                     guint8 *master_key_out, guint8 *next_key_out,
                                     gboolean *has_next_out, GError **error);
gboolean pb_keyslots_is_sealed (PbKeyslots *self, const char *username);
gboolean pb_keyslots_has_pending_rekey (PbKeyslots *self);
gboolean pb_keyslots_seal_next (PbKeyslots *self, const guint8 *master_key, const guint8 *next_key,
                                GStrv *unsealed_out, GError **error);
gboolean pb_keyslots_set_pending_recovery (PbKeyslots *self, const char *recovery_code,
                                           const guint8 *next_key, GError **error);
GStrv pb_keyslots_finish_rekey (PbKeyslots *self, const guint8 *next_key);
gboolean pb_keyslots_seal_next_for (PbKeyslots *self, const char *username, const guint8 *next_key,
                                    GError **error);

guint pb_keyslots_get_failures (PbKeyslots *self, const char *username);
void pb_keyslots_set_failures (PbKeyslots *self, const char *username, guint failures);
gint64 pb_keyslots_get_locked_until (PbKeyslots *self, const char *username);
void pb_keyslots_set_locked_until (PbKeyslots *self, const char *username, gint64 until);

/* Events recorded while the store was closed. */
void pb_keyslots_add_pending_event (PbKeyslots *self, gint64 time, const char *action,
                                    const char *username, const char *outcome, const char *detail);
/* (element-type PbPendingEvent) (transfer container): the events, oldest
 * first; the set is then empty (save to make that stick). */
GPtrArray *pb_keyslots_take_pending_events (PbKeyslots *self);

/* The scrypt cost of new slots: N = 2^17, r = 8, p = 1 (128 MiB). */
void pb_keyslots_get_kdf_params (guint64 *n, guint32 *r, guint32 *p);

/* A recovery code: 30 random base32 characters in six groups of five. */
char *pb_keyslots_generate_recovery_code (void);
/* Removes dashes and spaces and upper-cases, so a code typed any way works. */
char *pb_keyslots_normalize_recovery_code (const char *typed);

G_END_DECLS
