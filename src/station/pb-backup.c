/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <dirent.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pb-backup.h"
#include "store/pb-audit.h"
#include "store/pb-keyslots.h"
#include "store/pb-settings.h"
#include "util/pb-clock.h"
#include "util/pb-fault.h"
#include "util/pb-secure.h"

#define BACKUP_MANIFEST "backup.json"

gboolean
pb_remove_tree (const char *path, GError **error)
{
  return pb_remove_path (path, FALSE, error);
}

/*
 * Staging folders. A backup is written into `.packbench-backup-*.partial`
 * and a restore is staged in `.packbench-restore-*`; both hold a copy of the
 * database and the keyslot file, which open with the live keys. An
 * interrupted run leaves one behind, so every purge, backup and wipe
 * shreds the leftovers it finds.
 *
 * "A leftover, not a run in progress" is decided by a lock, not by age:
 * the process that stages holds flock() on STAGING_LOCK inside the staging
 * folder for as long as it works there (a backup until its folder has its
 * final name, a restore until the staged store is installed or dropped).
 * A staging folder whose lock another descriptor holds is skipped, whether
 * the holder is another process (a second bench sharing the backup folder,
 * a restore beside the store) or this one (flock conflicts between
 * descriptors, not processes). A process that dies drops its lock, so its
 * folder is a leftover at once. Ages were no good: clocks on a network
 * share differ, and a big backup can run for longer than any grace period.
 * The only window is between mkdir() and taking the lock (microseconds); a
 * backup that loses it fails with an error and nothing else is lost.
 */
#define STAGING_LOCK ".packbench-staging.lock"
#define BACKUP_STAGING_PREFIX "." PB_BACKUP_PREFIX
#define BACKUP_STAGING_SUFFIX ".partial"
#define RESTORE_STAGING_PREFIX ".packbench-restore-"

typedef enum
{
  SWEEP_BACKUP_STAGING = 1 << 0,
  SWEEP_RESTORE_STAGING = 1 << 1,
  SWEEP_SYMLINKS = 1 << 2, /* every symbolic link (only in the backup folder) */
} SweepFlags;

/* Creates STAGING_LOCK in @staging and holds it; -1 with @error set. */
static int
lock_staging (const char *staging, GError **error)
{
  g_autofree char *path = g_build_filename (staging, STAGING_LOCK, NULL);
  int fd = open (path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

  if (fd >= 0 && flock (fd, LOCK_EX | LOCK_NB) == 0)
    return fd;
  {
    int saved = errno;
    if (fd >= 0)
      close (fd);
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                 _ ("Cannot write a backup into %s: %s"), staging, g_strerror (saved));
  }
  return -1;
}

/* Whether a live process holds the lock of the staging folder @name. */
static gboolean
staging_in_use (int root_fd, const char *name)
{
  int dir_fd = openat (root_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  int fd;
  struct stat st;
  gboolean busy = FALSE;

  if (dir_fd < 0)
    return FALSE;
  fd = openat (dir_fd, STAGING_LOCK, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  close (dir_fd);
  if (fd < 0)
    return FALSE;
  if (fstat (fd, &st) == 0 && S_ISREG (st.st_mode) && flock (fd, LOCK_SH | LOCK_NB) != 0)
    busy = errno == EWOULDBLOCK;
  close (fd);
  return busy;
}

static gboolean
is_staging_name (const char *name, SweepFlags flags)
{
  if ((flags & SWEEP_BACKUP_STAGING) && g_str_has_prefix (name, BACKUP_STAGING_PREFIX)
      && g_str_has_suffix (name, BACKUP_STAGING_SUFFIX))
    return TRUE;
  return (flags & SWEEP_RESTORE_STAGING) && g_str_has_prefix (name, RESTORE_STAGING_PREFIX);
}

/* Shreds and removes the staging leftovers in @root (and, with
 * SWEEP_SYMLINKS, unlinks every symbolic link there without following
 * it). A missing @root is not an error. @removed receives the paths. */
static gboolean
sweep_staging (const char *root, SweepFlags flags, GPtrArray *removed, GError **error)
{
  int root_fd;
  DIR *dir;
  struct dirent *entry;
  gboolean ok = TRUE;

  if (root == NULL || *root == '\0')
    return TRUE;
  root_fd = open (root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (root_fd < 0)
    return TRUE;
  dir = fdopendir (root_fd);
  if (dir == NULL)
    {
      close (root_fd);
      return TRUE;
    }
  while (ok && (entry = readdir (dir)) != NULL)
    {
      const char *name = entry->d_name;
      gboolean staging = is_staging_name (name, flags);
      struct stat st;

      if (strcmp (name, ".") == 0 || strcmp (name, "..") == 0
          || fstatat (dirfd (dir), name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        continue;
      if (S_ISLNK (st.st_mode) && (staging || (flags & SWEEP_SYMLINKS)))
        {
          /* Never followed: the link goes, its target stays. */
          if (unlinkat (dirfd (dir), name, 0) != 0 && errno != ENOENT)
            {
              int saved = errno;
              g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                           _ ("Cannot remove %s: %s"), name, g_strerror (saved));
              ok = FALSE;
            }
        }
      else if (!staging || staging_in_use (dirfd (dir), name))
        continue;
      else
        ok = pb_remove_tree_at (dirfd (dir), name, TRUE, error);
      if (ok && removed != NULL)
        g_ptr_array_add (removed, g_build_filename (root, name, NULL));
    }
  closedir (dir);
  if (!ok && error != NULL && *error != NULL)
    g_prefix_error (error, "%s: ", root);
  return ok;
}

/* The folder restores are staged in: beside the store folder. */
static char *
restore_parent (const char *store_dir)
{
  return g_path_get_dirname (store_dir);
}

static gboolean
copy_file (const char *from, const char *to, GError **error)
{
  g_autofree char *data = NULL;
  gsize length;

  if (!g_file_get_contents (from, &data, &length, error))
    return FALSE;
  return g_file_set_contents_full (to, data, (gssize)length, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
                                   error);
}

static char *
backup_name (gint64 now)
{
  g_autoptr (GDateTime) when = g_date_time_new_from_unix_utc (now);
  g_autofree char *stamp = g_date_time_format (when, "%Y%m%dT%H%M%SZ");

  return g_strconcat (PB_BACKUP_PREFIX, stamp, NULL);
}

/* The time a backup was made, from its folder name. */
static gint64
backup_time (const char *path)
{
  g_autofree char *name = g_path_get_basename (path);
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr (GDateTime) when = NULL;
  g_autofree char *iso = NULL;
  const char *stamp;

  if (!g_str_has_prefix (name, PB_BACKUP_PREFIX))
    return 0;
  stamp = name + strlen (PB_BACKUP_PREFIX);
  if (strlen (stamp) != 16)
    return 0;
  iso = g_strdup_printf ("%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", stamp, stamp + 4, stamp + 6, stamp + 9,
                         stamp + 11, stamp + 13);
  when = g_date_time_new_from_iso8601 (iso, utc);
  return when ? g_date_time_to_unix (when) : 0;
}

static gboolean
write_manifest (const char *folder, PbStore *store, gint64 now, GError **error)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *created = pb_clock_format_iso8601 (now);
  g_autofree char *path = g_build_filename (folder, BACKUP_MANIFEST, NULL);
  g_autofree char *text = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, "packbench-backup");
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, 1);
  json_builder_set_member_name (builder, "created");
  json_builder_add_string_value (builder, created);
  json_builder_set_member_name (builder, "store_id");
  json_builder_add_string_value (builder, pb_store_get_store_id (store));
  json_builder_set_member_name (builder, "schema");
  json_builder_add_int_value (builder, pb_store_get_schema_version (store));
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);
  return g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

gboolean
pb_backup_create (PbStore *store, const char *dest_root, gint64 now, const char *actor,
                  char **backup_path, GError **error)
{
  g_autofree char *name = backup_name (now);
  g_autofree char *final = g_build_filename (dest_root, name, NULL);
  g_autofree char *staging
      = g_strconcat (dest_root, G_DIR_SEPARATOR_S, ".", name, ".partial", NULL);
  g_autofree char *db = g_build_filename (staging, PB_STORE_DB_NAME, NULL);
  g_autofree char *slots_from = pb_store_path (pb_store_get_dir (store), PB_STORE_KEYSLOTS_NAME);
  g_autofree char *slots_to = g_build_filename (staging, PB_STORE_KEYSLOTS_NAME, NULL);

  int lock_fd;

  if (g_mkdir_with_parents (dest_root, 0700) == 0)
    sweep_staging (dest_root, SWEEP_BACKUP_STAGING | SWEEP_RESTORE_STAGING, NULL, NULL);
  if (g_mkdir_with_parents (dest_root, 0700) != 0 || g_mkdir (staging, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _ ("Cannot write a backup into %s: %s"), dest_root, g_strerror (saved));
      return FALSE;
    }
  lock_fd = lock_staging (staging, error);
  if (lock_fd < 0)
    {
      pb_remove_path (staging, TRUE, NULL);
      return FALSE;
    }
  if (g_file_test (final, G_FILE_TEST_EXISTS))
    {
      pb_remove_path (staging, TRUE, NULL);
      close (lock_fd);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   _ ("A backup from this very second already exists: %s"), final);
      return FALSE;
    }

  if (!pb_store_export (store, db, error) || !copy_file (slots_from, slots_to, error)
      || !write_manifest (staging, store, now, error) || g_rename (staging, final) != 0)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                     _ ("Cannot finish the backup %s: %s"), final, g_strerror (errno));
      pb_remove_path (staging, TRUE, NULL);
      close (lock_fd);
      return FALSE;
    }
  /* The lock is held until the folder has its final name. */
  {
    g_autofree char *lock = g_build_filename (final, STAGING_LOCK, NULL);
    g_unlink (lock);
    close (lock_fd);
  }

  {
    g_autofree char *last = g_strdup_printf ("%" G_GINT64_FORMAT, now);
    pb_store_set_meta (store, "backup.last", last, NULL);
  }
  pb_audit_append (store, actor, "backup.created", name, "ok", NULL, NULL);
  if (backup_path)
    *backup_path = g_steal_pointer (&final);
  return TRUE;
}

static int
compare_paths (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *)a, *(const char *const *)b);
}

GPtrArray *
pb_backup_list (const char *root)
{
  GPtrArray *list = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GDir) dir = root ? g_dir_open (root, 0, NULL) : NULL;
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (root, name, NULL);

      GStatBuf st;

      /* lstat: a symbolic link is not a backup, whatever it points at. */
      if (g_str_has_prefix (name, PB_BACKUP_PREFIX) && g_lstat (path, &st) == 0
          && S_ISDIR (st.st_mode))
        g_ptr_array_add (list, g_steal_pointer (&path));
    }
  g_ptr_array_sort (list, compare_paths);
  return list;
}

static gboolean
purge_one_backup (PbStore *store, const char *path, gint64 now, guint *orders, GError **error)
{
  g_autoptr (PbStore) copy = NULL;
  g_autofree char *lock = g_build_filename (path, PB_STORE_LOCK_NAME, NULL);
  PbPurgeResult result;
  gboolean ok;

  copy
      = pb_store_open (path, pb_store_get_master_key (store), pb_store_get_store_id (store), error);
  if (copy == NULL)
    return FALSE;
  ok = pb_retention_purge (copy, now, FALSE, "system", &result, error);
  pb_store_close (copy);
  g_unlink (lock);
  *orders += result.orders;
  return ok;
}

gboolean
pb_backup_purge_all (PbStore *store, const char *root, gint64 now, const char *actor,
                     PbBackupPurgeResult *result, GError **error)
{
  g_autoptr (GPtrArray) backups = pb_backup_list (root);
  gint64 period
      = CLAMP (pb_settings_get_int (store, "retention.days"), 1, PB_RETENTION_MAX_DAYS) * 24 * 3600;
  PbBackupPurgeResult local = { 0 };

  g_autofree char *beside = restore_parent (pb_store_get_dir (store));
  g_autoptr (GError) sweep_error = NULL;

  if (result == NULL)
    result = &local;
  memset (result, 0, sizeof *result);

  /* Leftovers of interrupted backups and restores hold the live keys. */
  if (!sweep_staging (root, SWEEP_BACKUP_STAGING | SWEEP_RESTORE_STAGING | SWEEP_SYMLINKS, NULL,
                      &sweep_error)
      || !sweep_staging (beside, SWEEP_RESTORE_STAGING, NULL, &sweep_error))
    {
      result->failed++;
      pb_audit_append (store, actor, "backup.delete_failed", NULL, "failed", sweep_error->message,
                       NULL);
    }

  for (guint i = 0; i < backups->len; i++)
    {
      const char *path = g_ptr_array_index (backups, i);
      g_autofree char *name = g_path_get_basename (path);
      g_autoptr (GError) local_error = NULL;
      gint64 made = backup_time (path);

      /* A backup older than the retention period can hold nothing that
       * may still be kept: it goes as a whole. */
      if (made > 0 && made + period <= now)
        {
          if (!pb_remove_tree (path, &local_error))
            {
              result->failed++;
              pb_audit_append (store, actor, "backup.delete_failed", name, "failed",
                               local_error->message, NULL);
              continue;
            }
          result->deleted++;
          pb_audit_append (store, actor, "backup.deleted", name, "ok", "older than retention",
                           NULL);
          continue;
        }

      if (!purge_one_backup (store, path, now, &result->orders, &local_error))
        {
          result->failed++;
          pb_audit_append (store, actor, "backup.purge_failed", name, "failed",
                           local_error->message, NULL);
          continue;
        }
      result->purged++;
    }

  if (result->failed > 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   ngettext ("%u backup in %s could not be purged; the audit log names it.",
                             "%u backups in %s could not be purged; the audit log names them.",
                             result->failed),
                   result->failed, root);
      return FALSE;
    }
  return TRUE;
}

gboolean
pb_backup_purge_everything (PbStore *store, gint64 now, gboolean dry_run, const char *actor,
                            PbPurgeResult *store_result, PbBackupPurgeResult *backup_result,
                            GError **error)
{
  g_autofree char *root = pb_settings_get (store, "backup.folder");

  if (backup_result != NULL)
    memset (backup_result, 0, sizeof *backup_result);
  if (!pb_retention_purge (store, now, dry_run, actor, store_result, error))
    return FALSE;
  if (dry_run)
    return TRUE;
  if (root == NULL || *root == '\0')
    {
      g_autofree char *beside = restore_parent (pb_store_get_dir (store));

      /* No backup folder, but a failed restore may have left its staging. */
      return sweep_staging (beside, SWEEP_RESTORE_STAGING, NULL, error);
    }
  return pb_backup_purge_all (store, root, now, actor, backup_result, error);
}

gboolean
pb_backup_purge_on_open (PbStore *store, GError **error)
{
  g_autofree char *root = pb_settings_get (store, "backup.folder");
  gint64 now = pb_clock_now_unix ();
  gint64 period
      = CLAMP (pb_settings_get_int (store, "retention.days"), 1, PB_RETENTION_MAX_DAYS) * 24 * 3600;
  g_autofree char *beside = restore_parent (pb_store_get_dir (store));
  PbPurgeResult result;
  gboolean aged = FALSE;

  if (!pb_retention_purge (store, now, FALSE, "system", &result, error))
    return FALSE;
  /* Staging leftovers go at every open, even with nothing to purge. */
  sweep_staging (beside, SWEEP_RESTORE_STAGING, NULL, NULL);
  if (root == NULL || *root == '\0')
    return TRUE;

  {
    g_autoptr (GPtrArray) backups = pb_backup_list (root);
    for (guint i = 0; i < backups->len && !aged; i++)
      {
        gint64 made = backup_time (g_ptr_array_index (backups, i));
        aged = made > 0 && made + period <= now;
      }
  }
  if (result.orders == 0 && !aged)
    {
      /* A leftover that cannot go now is tried again at the next purge. */
      sweep_staging (root, SWEEP_BACKUP_STAGING | SWEEP_RESTORE_STAGING | SWEEP_SYMLINKS, NULL,
                     NULL);
      return TRUE;
    }
  return pb_backup_purge_all (store, root, now, "system", NULL, error);
}

char *
pb_backup_stage_restore (const char *backup_path, const char *store_dir, int *lock_fd,
                         GError **error)
{
  g_autofree char *parent = restore_parent (store_dir);
  g_autofree char *template = NULL;
  g_autofree char *db_from = g_build_filename (backup_path, PB_STORE_DB_NAME, NULL);
  g_autofree char *slots_from = g_build_filename (backup_path, PB_STORE_KEYSLOTS_NAME, NULL);
  g_autofree char *db_to = NULL;
  g_autofree char *slots_to = NULL;
  char *staging;

  if (!g_file_test (db_from, G_FILE_TEST_IS_REGULAR)
      || !g_file_test (slots_from, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _ ("%s is not a Packbench backup: it needs %s and %s."), backup_path,
                   PB_STORE_DB_NAME, PB_STORE_KEYSLOTS_NAME);
      return NULL;
    }

  g_return_val_if_fail (lock_fd != NULL, NULL);
  *lock_fd = -1;
  g_mkdir_with_parents (parent, 0700);
  template = g_build_filename (parent, RESTORE_STAGING_PREFIX "XXXXXX", NULL);
  staging = g_mkdtemp_full (template, 0700);
  if (staging == NULL)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _ ("Cannot prepare the restore beside %s: %s"), store_dir, g_strerror (saved));
      return NULL;
    }
  staging = g_strdup (staging);
  db_to = g_build_filename (staging, PB_STORE_DB_NAME, NULL);
  slots_to = g_build_filename (staging, PB_STORE_KEYSLOTS_NAME, NULL);
  *lock_fd = lock_staging (staging, error);
  if (*lock_fd < 0 || !copy_file (db_from, db_to, error)
      || !copy_file (slots_from, slots_to, error))
    {
      pb_backup_drop_staging (staging, lock_fd);
      g_free (staging);
      return NULL;
    }
  return staging;
}

void
pb_backup_drop_staging (const char *staging, int *lock_fd)
{
  if (staging != NULL)
    pb_remove_path (staging, TRUE, NULL);
  if (lock_fd != NULL && *lock_fd >= 0)
    {
      close (*lock_fd);
      *lock_fd = -1;
    }
}

gboolean
pb_backup_install_staging (const char *staging, const char *store_dir, GError **error)
{
  const char *gone[] = { PB_STORE_DB_NAME "-wal", PB_STORE_DB_NAME "-shm" };
  const char *moved[] = { PB_STORE_DB_NAME, PB_STORE_KEYSLOTS_NAME };

  if (g_mkdir_with_parents (store_dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _ ("Cannot create the folder %s: %s"), store_dir, g_strerror (saved));
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (gone); i++)
    {
      g_autofree char *path = g_build_filename (store_dir, gone[i], NULL);
      g_unlink (path);
    }
  for (guint i = 0; i < G_N_ELEMENTS (moved); i++)
    {
      g_autofree char *from = g_build_filename (staging, moved[i], NULL);
      g_autofree char *to = g_build_filename (store_dir, moved[i], NULL);

      if (g_rename (from, to) != 0)
        {
          int saved = errno;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _ ("Cannot put the restored %s in place: %s"), moved[i], g_strerror (saved));
          return FALSE;
        }
    }
  return pb_remove_path (staging, TRUE, error);
}

/* Shreds the backup @name in @root_fd: its keyslot file first (without it
 * nothing left can be decrypted), then everything else. */
static gboolean
shred_backup_at (int root_fd, const char *name, GError **error)
{
  int fd = openat (root_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

  if (fd >= 0)
    {
      gboolean ok = pb_shred_at (fd, PB_STORE_KEYSLOTS_NAME, error);

      close (fd);
      if (!ok)
        return FALSE;
    }
  return pb_remove_tree_at (root_fd, name, TRUE, error);
}

gboolean
pb_store_wipe (const char *store_dir, const char *backup_root, GPtrArray *removed, GError **error)
{
  const char *files[]
      = { PB_STORE_DB_NAME, PB_STORE_DB_NAME "-wal", PB_STORE_DB_NAME "-shm", PB_STORE_LOCK_NAME };
  g_autofree char *slots = pb_store_path (store_dir, PB_STORE_KEYSLOTS_NAME);
  g_autofree char *beside = restore_parent (store_dir);
  g_autoptr (GPtrArray) backups = pb_backup_list (backup_root);

  /* The keyslots first: without them nothing left can be decrypted. */
  if (g_file_test (slots, G_FILE_TEST_EXISTS))
    {
      if (!pb_shred_file (slots, error))
        return FALSE;
      if (removed)
        g_ptr_array_add (removed, g_strdup (slots));
    }
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = pb_store_path (store_dir, files[i]);

      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        continue;
      if (!pb_shred_file (path, error))
        return FALSE;
      if (removed)
        g_ptr_array_add (removed, g_steal_pointer (&path));
    }
  if (backups->len > 0)
    {
      int root_fd = open (backup_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

      for (guint i = 0; root_fd >= 0 && i < backups->len; i++)
        {
          const char *path = g_ptr_array_index (backups, i);
          g_autofree char *name = g_path_get_basename (path);

          if (!shred_backup_at (root_fd, name, error))
            {
              close (root_fd);
              return FALSE;
            }
          if (removed)
            g_ptr_array_add (removed, g_strdup (path));
        }
      if (root_fd >= 0)
        close (root_fd);
    }
  /* Interrupted backups and restores, and links planted in the backup
   * folder (removed, never followed). */
  if (!sweep_staging (backup_root, SWEEP_BACKUP_STAGING | SWEEP_RESTORE_STAGING | SWEEP_SYMLINKS,
                      removed, error)
      || !sweep_staging (beside, SWEEP_RESTORE_STAGING, removed, error))
    return FALSE;
  g_rmdir (store_dir);
  return TRUE;
}

/* Re-keys one backup: its database from @old_key to @new_key (or it has
 * the new key already, from an interrupted re-key), then its keyslot file
 * becomes @finished. FALSE with *@stale when neither key opens it. */
static gboolean
rekey_one_backup (const char *path, const char *store_id, const guint8 *old_key,
                  const guint8 *new_key, PbKeyslots *finished, gboolean *stale, GError **error)
{
  g_autofree char *lock = g_build_filename (path, PB_STORE_LOCK_NAME, NULL);
  g_autofree char *slots = g_build_filename (path, PB_STORE_KEYSLOTS_NAME, NULL);
  g_autoptr (PbStore) copy = NULL;
  g_autoptr (GError) old_error = NULL;
  gboolean ok = TRUE;

  *stale = FALSE;
  copy = pb_store_open (path, old_key, store_id, &old_error);
  if (copy != NULL)
    ok = pb_store_rekey (copy, new_key, error);
  else if (g_error_matches (old_error, PB_STORE_ERROR, PB_STORE_ERROR_MISMATCH))
    {
      g_autoptr (GError) new_error = NULL;

      copy = pb_store_open (path, new_key, store_id, &new_error);
      if (copy == NULL)
        {
          *stale = g_error_matches (new_error, PB_STORE_ERROR, PB_STORE_ERROR_MISMATCH);
          g_propagate_error (error, g_steal_pointer (&new_error));
          return FALSE;
        }
    }
  else
    {
      g_propagate_error (error, g_steal_pointer (&old_error));
      return FALSE;
    }
  pb_store_close (copy);
  g_unlink (lock);
  return ok && pb_keyslots_save (finished, slots, error);
}

gboolean
pb_backup_rekey_all (PbStore *store, const guint8 *old_key, const guint8 *new_key,
                     gpointer finished_keyslots, gpointer user_data, GError **error)
{
  PbKeyslots *finished = PB_KEYSLOTS (finished_keyslots);
  PbBackupRekeyResult *result = user_data;
  g_autofree char *root = pb_settings_get (store, "backup.folder");
  g_autoptr (GPtrArray) backups = NULL;
  const char *store_id = pb_store_get_store_id (store);

  if (result != NULL)
    memset (result, 0, sizeof *result);
  if (root == NULL || *root == '\0')
    return TRUE;

  /* Leftovers of interrupted backups and restores hold the old key. */
  if (!sweep_staging (root, SWEEP_BACKUP_STAGING | SWEEP_RESTORE_STAGING | SWEEP_SYMLINKS, NULL,
                      error))
    return FALSE;

  backups = pb_backup_list (root);
  for (guint i = 0; i < backups->len; i++)
    {
      const char *path = g_ptr_array_index (backups, i);
      g_autofree char *name = g_path_get_basename (path);
      g_autofree char *slots = g_build_filename (path, PB_STORE_KEYSLOTS_NAME, NULL);
      g_autoptr (PbKeyslots) own = pb_keyslots_load (slots, NULL);
      g_autoptr (GError) local_error = NULL;
      gboolean stale = FALSE;

      /* Another bench's backup, in a folder they share, is not ours to touch. */
      if (own != NULL && g_strcmp0 (pb_keyslots_get_store_id (own), store_id) != 0)
        continue;
      if (rekey_one_backup (path, store_id, old_key, new_key, finished, &stale, &local_error))
        {
          if (result != NULL)
            result->rekeyed++;
          pb_fault_point ("rekey.after-one-backup");
          continue;
        }
      if (stale && own == NULL)
        {
          /* Neither key opens it and its keyslot file does not say whose
           * it is (perhaps another bench's, damaged): not ours to shred. */
          pb_audit_append (store, "system", "backup.rekey_failed", name, "failed",
                           "neither key opens it and its keyslot file is unreadable", NULL);
          if (result != NULL)
            result->failed++;
          continue;
        }
      if (!stale)
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                      _ ("Could not re-key the backup %s: "), path);
          return FALSE;
        }
      /* Neither key opens it: a backup from before an earlier re-key. It
       * can never be restored into this store, and only an old password
       * opens it; it goes. */
      {
        int root_fd = open (root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        gboolean gone = root_fd >= 0 && shred_backup_at (root_fd, name, error);

        if (root_fd >= 0)
          close (root_fd);
        if (!gone)
          return FALSE;
        pb_audit_append (store, "system", "backup.deleted", name, "ok",
                         "stale: made under a key that no longer opens the store", NULL);
        if (result != NULL)
          result->deleted++;
      }
    }
  return TRUE;
}
