/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <unistd.h>

#include "pb-backup.h"
#include "store/pb-audit.h"
#include "store/pb-keyslots.h"
#include "store/pb-settings.h"
#include "util/pb-clock.h"
#include "util/pb-secure.h"

#define BACKUP_MANIFEST "backup.json"

gboolean
pb_remove_tree (const char *path, GError **error)
{
  g_autoptr (GDir) dir = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR) || g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      if (g_unlink (path) != 0 && errno != ENOENT)
        {
          int saved = errno;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _ ("Cannot remove %s: %s"),
                       path, g_strerror (saved));
          return FALSE;
        }
      return TRUE;
    }

  dir = g_dir_open (path, 0, error);
  if (dir == NULL)
    return FALSE;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (!pb_remove_tree (child, error))
        return FALSE;
    }
  if (g_rmdir (path) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _ ("Cannot remove %s: %s"),
                   path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
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

  if (g_mkdir_with_parents (dest_root, 0700) != 0 || g_mkdir (staging, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _ ("Cannot write a backup into %s: %s"), dest_root, g_strerror (saved));
      return FALSE;
    }
  if (g_file_test (final, G_FILE_TEST_EXISTS))
    {
      pb_remove_tree (staging, NULL);
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
      pb_remove_tree (staging, NULL);
      return FALSE;
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

      if (g_str_has_prefix (name, PB_BACKUP_PREFIX) && g_file_test (path, G_FILE_TEST_IS_DIR))
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

  if (result == NULL)
    result = &local;
  memset (result, 0, sizeof *result);

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
  if (dry_run || root == NULL || *root == '\0')
    return TRUE;
  return pb_backup_purge_all (store, root, now, actor, backup_result, error);
}

gboolean
pb_backup_purge_on_open (PbStore *store, GError **error)
{
  g_autofree char *root = pb_settings_get (store, "backup.folder");
  gint64 now = pb_clock_now_unix ();
  gint64 period
      = CLAMP (pb_settings_get_int (store, "retention.days"), 1, PB_RETENTION_MAX_DAYS) * 24 * 3600;
  PbPurgeResult result;
  gboolean aged = FALSE;

  if (!pb_retention_purge (store, now, FALSE, "system", &result, error))
    return FALSE;
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
    return TRUE;
  return pb_backup_purge_all (store, root, now, "system", NULL, error);
}

char *
pb_backup_stage_restore (const char *backup_path, const char *store_dir, GError **error)
{
  g_autofree char *parent = g_path_get_dirname (store_dir);
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

  g_mkdir_with_parents (parent, 0700);
  template = g_build_filename (parent, ".packbench-restore-XXXXXX", NULL);
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
  if (!copy_file (db_from, db_to, error) || !copy_file (slots_from, slots_to, error))
    {
      pb_remove_tree (staging, NULL);
      g_free (staging);
      return NULL;
    }
  return staging;
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
  return pb_remove_tree (staging, error);
}

gboolean
pb_store_wipe (const char *store_dir, const char *backup_root, GPtrArray *removed, GError **error)
{
  const char *files[]
      = { PB_STORE_DB_NAME, PB_STORE_DB_NAME "-wal", PB_STORE_DB_NAME "-shm", PB_STORE_LOCK_NAME };
  g_autofree char *slots = pb_store_path (store_dir, PB_STORE_KEYSLOTS_NAME);
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
  for (guint i = 0; i < backups->len; i++)
    {
      const char *path = g_ptr_array_index (backups, i);
      g_autofree char *backup_slots = g_build_filename (path, PB_STORE_KEYSLOTS_NAME, NULL);

      if (!pb_shred_file (backup_slots, error) || !pb_remove_tree (path, error))
        return FALSE;
      if (removed)
        g_ptr_array_add (removed, g_strdup (path));
    }
  g_rmdir (store_dir);
  return TRUE;
}
