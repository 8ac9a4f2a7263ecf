/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/*
 * The bench's encrypted store: one SQLCipher database keyed directly with
 * the random master key (raw-key form, no passphrase KDF on top), opened
 * only after a keyslot has been unwrapped. Holds operators, settings and
 * secrets, and the audit log. One process at a time.
 */

#define PB_STORE_DB_NAME "packbench.db"
#define PB_STORE_KEYSLOTS_NAME "keyslots.json"
#define PB_STORE_LOCK_NAME "packbench.lock"

#define PB_STORE_ERROR (pb_store_error_quark ())

typedef enum
{
  PB_STORE_ERROR_NOT_FOUND, /* no store in that folder */
  PB_STORE_ERROR_EXISTS,    /* init over an existing store */
  PB_STORE_ERROR_BUSY,      /* another process has the store open */
  PB_STORE_ERROR_MISMATCH,  /* database does not belong to these keyslots */
  PB_STORE_ERROR_CORRUPT,   /* damaged or truncated database */
  PB_STORE_ERROR_IO,
  PB_STORE_ERROR_SQL,
  PB_STORE_ERROR_INVALID, /* a value the store refuses */
} PbStoreError;

GQuark pb_store_error_quark (void);

#define PB_TYPE_STORE (pb_store_get_type ())
G_DECLARE_FINAL_TYPE (PbStore, pb_store, PB, STORE, GObject)

/* $XDG_DATA_HOME/packbench (the app's own data folder inside flatpak). */
char *pb_store_default_dir (void);
char *pb_store_path (const char *dir, const char *name);
gboolean pb_store_exists (const char *dir);

/* Creates the folder (0700) and a new database keyed with @master_key. */
PbStore *pb_store_create (const char *dir, const guint8 *master_key, const char *store_id,
                          GError **error);
/* Opens an existing store; the database must belong to @store_id. */
PbStore *pb_store_open (const char *dir, const guint8 *master_key, const char *store_id,
                        GError **error);

const char *pb_store_get_dir (PbStore *self);
const char *pb_store_get_store_id (PbStore *self);
/* The master key, in locked memory, PB_MASTER_KEY_LEN bytes. */
const guint8 *pb_store_get_master_key (PbStore *self);
int pb_store_get_schema_version (PbStore *self);
/* SQLCipher's version, from PRAGMA cipher_version. */
char *pb_store_get_cipher_version (PbStore *self);
/* The linked library's SQLCipher version (PRAGMA cipher_version on a keyed
 * in-memory database) and SQLite version, without a store. */
void pb_store_get_library_versions (char **cipher_version, char **sqlite_version);

/* Transactions (BEGIN IMMEDIATE … COMMIT / ROLLBACK). */
gboolean pb_store_begin (PbStore *self, GError **error);
gboolean pb_store_commit (PbStore *self, GError **error);
void pb_store_rollback (PbStore *self);

/* Small named values of the store itself (watermarks, last sync): NULL
 * when unset. */
char *pb_store_get_meta (PbStore *self, const char *key);
gboolean pb_store_set_meta (PbStore *self, const char *key, const char *value, GError **error);
/* The same for whole numbers (Unix times, counters): 0 when unset. */
gint64 pb_store_get_meta_int (PbStore *self, const char *key);
gboolean pb_store_set_meta_int (PbStore *self, const char *key, gint64 value, GError **error);

/* Checkpoints and truncates the WAL. */
gboolean pb_store_checkpoint (PbStore *self, GError **error);

/* A second connection to the same open store, for a worker thread: the
 * same key, its own transactions (SQLite's WAL lets it write while the
 * first connection reads). It does not own the store's lock. */
PbStore *pb_store_open_worker (PbStore *self, GError **error);

/* Writes a consistent copy of the database to @db_path (which must not
 * exist), encrypted with the same master key, while the store stays open. */
gboolean pb_store_export (PbStore *self, const char *db_path, GError **error);

/* Re-encrypts the database under @new_key (PRAGMA rekey), which becomes
 * the store's master key. */
gboolean pb_store_rekey (PbStore *self, const guint8 *new_key, GError **error);

/* Forgets the key and closes the database; further calls fail. */
void pb_store_close (PbStore *self);

G_END_DECLS
