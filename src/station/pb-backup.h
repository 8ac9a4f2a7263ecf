/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "store/pb-retention.h"
#include "store/pb-store.h"

G_BEGIN_DECLS

/*
 * Backups, restore and wipe. A backup is a folder
 * `packbench-backup-YYYYMMDDTHHMMSSZ` holding an encrypted copy of the
 * database (the same master key, exported while the bench works), its own
 * copy of the keyslot file, and backup.json. Every purge purges inside each
 * backup in the backup folder too, and deletes backups older than the
 * retention period.
 */

#define PB_BACKUP_PREFIX "packbench-backup-"

typedef struct
{
  guint purged;  /* backups purged inside */
  guint deleted; /* backups deleted for their age */
  guint orders;  /* orders purged inside backups */
  guint failed;  /* backups that could not be opened (named in the audit log) */
} PbBackupPurgeResult;

/* Writes a new backup folder into @dest_root (created 0700 when missing).
 * @backup_path receives its path. */
gboolean pb_backup_create (PbStore *store, const char *dest_root, gint64 now, const char *actor,
                           char **backup_path, GError **error);

/* Backup folders in @root, oldest first (full paths). */
GPtrArray *pb_backup_list (const char *root);

/* The store's purge rule applied inside every backup in @root; backups
 * older than the retention period are deleted. */
gboolean pb_backup_purge_all (PbStore *store, const char *root, gint64 now, const char *actor,
                              PbBackupPurgeResult *result, GError **error);

/* Purges the store and every backup in its backup folder (if one is set). */
gboolean pb_backup_purge_everything (PbStore *store, gint64 now, gboolean dry_run,
                                     const char *actor, PbPurgeResult *store_result,
                                     PbBackupPurgeResult *backup_result, GError **error);

/* What runs whenever the store opens: the store's purge; the backups' too
 * when the store purged anything (they hold nothing the store did not);
 * and backups past the retention period are deleted. Failures are audit
 * rows and the returned error. */
gboolean pb_backup_purge_on_open (PbStore *store, GError **error);

/* Copies a backup's database and keyslot file into a new staging folder
 * beside @store_dir and returns its path: log in there, purge, then
 * pb_backup_install_staging, or pb_backup_drop_staging. @lock_fd receives
 * the lock that marks the folder as in use (purges and wipes leave it
 * alone while it is held): close it with pb_backup_drop_staging(). */
char *pb_backup_stage_restore (const char *backup_path, const char *store_dir, int *lock_fd,
                               GError **error);
/* Shreds a staging folder (@staging may be NULL) and releases its lock. */
void pb_backup_drop_staging (const char *staging, int *lock_fd);
/* Replaces the store in @store_dir by the staged one (the store must not be
 * open anywhere). */
gboolean pb_backup_install_staging (const char *staging, const char *store_dir, GError **error);

/* Destroys the keyslot file (overwritten, then removed), the database, its
 * log and lock, every backup in @backup_root (may be NULL), the leftovers of
 * interrupted backups and restores (not those in progress), and every
 * symbolic link in @backup_root (unlinked, never followed). Everything is
 * shredded. @removed receives the paths removed. */
gboolean pb_store_wipe (const char *store_dir, const char *backup_root, GPtrArray *removed,
                        GError **error);

typedef struct
{
  guint rekeyed; /* backups that now have the new key */
  guint deleted; /* stale backups (no key of this store opens them) shredded */
  guint failed;  /* left as they were: whose they are is unknown (audited) */
} PbBackupRekeyResult;

/* A PbSessionRekeyBackups for pb_session_rekey(): every backup of this
 * store in the backup folder gets @new_key and the finished keyslot file
 * (@finished_keyslots, a PbKeyslots); a backup neither key opens is
 * shredded. @user_data: a PbBackupRekeyResult, or NULL. */
gboolean pb_backup_rekey_all (PbStore *store, const guint8 *old_key, const guint8 *new_key,
                              gpointer finished_keyslots, gpointer user_data, GError **error);

/* Removes a folder and everything in it. */
gboolean pb_remove_tree (const char *path, GError **error);

G_END_DECLS
