/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pb-audit.h"
#include "pb-keyslots.h"
#include "pb-migrations.h"
#include "pb-store-private.h"
#include "util/pb-secure.h"

struct _PbStore
{
  GObject parent_instance;

  char *dir;
  char *store_id;
  guint8 *master_key; /* locked memory, PB_MASTER_KEY_LEN bytes */
  sqlite3 *db;
  int lock_fd;
  gboolean migrated_from_3; /* rewritten from SQLCipher 3's format by this open */
};

/* The file names of a migration from SQLCipher 3 (see migrate_from_sqlcipher3). */
#define MIGRATING_SUFFIX ".sqlcipher4-new"
#define OLD_SUFFIX ".sqlcipher3-old"

G_DEFINE_FINAL_TYPE (PbStore, pb_store, G_TYPE_OBJECT)

GQuark
pb_store_error_quark (void)
{
  return g_quark_from_static_string ("pb-store-error-quark");
}

static void
pb_store_finalize (GObject *object)
{
  PbStore *self = PB_STORE (object);

  pb_store_close (self);
  g_clear_pointer (&self->dir, g_free);
  g_clear_pointer (&self->store_id, g_free);

  G_OBJECT_CLASS (pb_store_parent_class)->finalize (object);
}

static void
pb_store_class_init (PbStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pb_store_finalize;
}

static void
pb_store_init (PbStore *self)
{
  self->lock_fd = -1;
}

/**
 * pb_store_default_dir:
 *
 * Returns: (transfer full): `$XDG_DATA_HOME/packbench`.
 */
char *
pb_store_default_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "packbench", NULL);
}

char *
pb_store_path (const char *dir, const char *name)
{
  return g_build_filename (dir, name, NULL);
}

/**
 * pb_store_exists:
 * @dir: a store folder
 *
 * Returns: %TRUE when @dir holds a keyslot file or a database.
 */
gboolean
pb_store_exists (const char *dir)
{
  g_autofree char *db = pb_store_path (dir, PB_STORE_DB_NAME);
  g_autofree char *slots = pb_store_path (dir, PB_STORE_KEYSLOTS_NAME);

  return g_file_test (db, G_FILE_TEST_EXISTS) || g_file_test (slots, G_FILE_TEST_EXISTS);
}

sqlite3 *
pb_store_get_db (PbStore *self)
{
  g_return_val_if_fail (PB_IS_STORE (self), NULL);
  return self->db;
}

void
pb_store_set_sql_error (PbStore *self, GError **error, const char *what)
{
  int code = self->db ? sqlite3_extended_errcode (self->db) : SQLITE_MISUSE;
  const char *message = self->db ? sqlite3_errmsg (self->db) : "closed";

  if ((code & 0xff) == SQLITE_FULL)
    g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_IO,
                 _ ("The disk is full: %s failed. Free some space and try again."), what);
  else if ((code & 0xff) == SQLITE_CORRUPT || (code & 0xff) == SQLITE_NOTADB)
    g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_CORRUPT,
                 _ ("The store’s database is damaged (%s). Restore it from a backup."), message);
  else
    g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_SQL, _ ("%s failed: %s"), what, message);
}

gboolean
pb_store_exec (PbStore *self, const char *sql, GError **error)
{
  g_return_val_if_fail (self->db != NULL, FALSE);

  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    {
      pb_store_set_sql_error (self, error, _ ("A database update"));
      return FALSE;
    }
  return TRUE;
}

sqlite3_stmt *
pb_store_prepare (PbStore *self, const char *sql, GError **error)
{
  sqlite3_stmt *stmt = NULL;

  g_return_val_if_fail (self->db != NULL, NULL);

  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      pb_store_set_sql_error (self, error, _ ("A database query"));
      return NULL;
    }
  return stmt;
}

gboolean
pb_store_begin (PbStore *self, GError **error)
{
  return pb_store_exec (self, "BEGIN IMMEDIATE", error);
}

gboolean
pb_store_commit (PbStore *self, GError **error)
{
  return pb_store_exec (self, "COMMIT", error);
}

void
pb_store_rollback (PbStore *self)
{
  if (self->db != NULL && !sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

char *
pb_store_get_meta (PbStore *self, const char *key)
{
  g_autoptr (sqlite3_stmt) stmt
      = pb_store_prepare (self, "SELECT value FROM meta WHERE key = ?1", NULL);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  return g_strdup (pb_sql_text (stmt, 0));
}

gboolean
pb_store_set_meta (PbStore *self, const char *key, const char *value, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  if (value == NULL)
    stmt = pb_store_prepare (self, "DELETE FROM meta WHERE key = ?1", error);
  else
    stmt = pb_store_prepare (self, "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
                             error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (value != NULL)
    sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      pb_store_set_sql_error (self, error, _ ("Saving the store’s state"));
      return FALSE;
    }
  return TRUE;
}

gint64
pb_store_get_meta_int (PbStore *self, const char *key)
{
  g_autofree char *value = pb_store_get_meta (self, key);

  return value ? g_ascii_strtoll (value, NULL, 10) : 0;
}

gboolean
pb_store_set_meta_int (PbStore *self, const char *key, gint64 value, GError **error)
{
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, value);

  return pb_store_set_meta (self, key, text, error);
}

gboolean
pb_store_export (PbStore *self, const char *db_path, GError **error)
{
  g_autofree char *hex = NULL;
  g_autofree char *attach = NULL;
  g_autofree char *version = NULL;
  char *quoted;
  gboolean ok;
  mode_t old_umask;

  g_return_val_if_fail (PB_IS_STORE (self) && self->master_key != NULL, FALSE);

  if (g_file_test (db_path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_EXISTS, _ ("%s already exists."), db_path);
      return FALSE;
    }

  hex = pb_hex_encode (self->master_key, PB_MASTER_KEY_LEN);
  quoted = sqlite3_mprintf ("ATTACH DATABASE %Q AS export KEY \"x'%s'\"", db_path, hex);
  attach = g_strdup (quoted);
  pb_secure_wipe (quoted, strlen (quoted));
  sqlite3_free (quoted);
  pb_secure_wipe (hex, strlen (hex));
  version = g_strdup_printf ("PRAGMA export.user_version = %d", pb_store_get_schema_version (self));

  old_umask = umask (077);
  ok = pb_store_exec (self, attach, error);
  pb_secure_wipe (attach, strlen (attach));
  umask (old_umask);
  if (!ok)
    return FALSE;

  /* One read transaction: the copy is one moment of the store. */
  ok = pb_store_begin (self, error)
       && pb_store_exec (self, "SELECT sqlcipher_export ('export')", error)
       && pb_store_exec (self, version, error) && pb_store_commit (self, error);
  if (!ok)
    pb_store_rollback (self);
  pb_store_exec (self, "DETACH DATABASE export", ok ? error : NULL);
  if (!ok)
    g_unlink (db_path);
  else
    g_chmod (db_path, 0600);
  return ok;
}

gboolean
pb_store_checkpoint (PbStore *self, GError **error)
{
  if (sqlite3_wal_checkpoint_v2 (self->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL)
      != SQLITE_OK)
    {
      pb_store_set_sql_error (self, error, _ ("Writing the log into the database"));
      return FALSE;
    }
  return TRUE;
}

/* Only one process works on a store at a time: a second bench or a CLI
 * command started while the app has it open is told so, not corrupted. */
static gboolean
take_lock (PbStore *self, GError **error)
{
  g_autofree char *path = pb_store_path (self->dir, PB_STORE_LOCK_NAME);
  g_autofree char *pid = NULL;
  int fd;

  fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_IO, _ ("Cannot open the lock file %s: %s"),
                   path, g_strerror (saved));
      return FALSE;
    }

  if (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      char holder[32] = { 0 };
      ssize_t n = pread (fd, holder, sizeof holder - 1, 0);

      if (n > 0)
        holder[n] = '\0';
      g_strstrip (holder);
      close (fd);
      g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_BUSY,
                   _ ("The store in %s is in use by another Packbench process (process %s). "
                      "Close it first, or wait until it has finished."),
                   self->dir, *holder ? holder : "?");
      return FALSE;
    }

  pid = g_strdup_printf ("%d\n", (int)getpid ());
  if (ftruncate (fd, 0) == 0)
    {
      ssize_t ignored = pwrite (fd, pid, strlen (pid), 0);
      (void)ignored;
    }
  self->lock_fd = fd;
  return TRUE;
}

/* The store's format is SQLCipher 4's (AES-256-CBC, HMAC-SHA512 per 4 KiB
 * page; the raw key skips the KDF), named rather than left to the
 * library's defaults, so that a later SQLCipher with other defaults still
 * writes and reads it. Only a migration asks for 3's. Every database
 * ATTACHed with a key (exports, backups) takes the process's defaults,
 * which are set to the same once. */
static gboolean
set_cipher_format (PbStore *self, int version, GError **error)
{
  static gsize defaults_set = 0;
  g_autofree char *sql = g_strdup_printf ("PRAGMA cipher_compatibility = %d", version);

  if (g_once_init_enter (&defaults_set))
    {
      sqlite3_exec (self->db, "PRAGMA cipher_default_compatibility = 4", NULL, NULL, NULL);
      /* The store reports what fails in its own words; SQLCipher's log
       * would also print every expected failure (a SQLCipher 3 file tried
       * with 4's settings first) on stderr. */
      sqlite3_exec (self->db, "PRAGMA cipher_log_level = NONE", NULL, NULL, NULL);
      g_once_init_leave (&defaults_set, 1);
    }
  return pb_store_exec (self, sql, error);
}

static gboolean key_database (PbStore *self, GError **error);
static gboolean check_integrity (PbStore *self, GError **error);

/* Counts the rows of every table of the main database and of @schema: the
 * export must have copied everything. */
static gboolean
same_rows (PbStore *self, const char *schema, GError **error)
{
  g_autoptr (sqlite3_stmt) tables = pb_store_prepare (
      self, "SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
      error);

  if (tables == NULL)
    return FALSE;
  while (sqlite3_step (tables) == SQLITE_ROW)
    {
      char *sql = sqlite3_mprintf ("SELECT (SELECT count(*) FROM main.%w) = "
                                   "(SELECT count(*) FROM %w.%w)",
                                   pb_sql_text (tables, 0), schema, pb_sql_text (tables, 0));
      g_autoptr (sqlite3_stmt) stmt = pb_store_prepare (self, sql, error);

      sqlite3_free (sql);
      if (stmt == NULL)
        return FALSE;
      if (sqlite3_step (stmt) != SQLITE_ROW || sqlite3_column_int (stmt, 0) != 1)
        {
          g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_CORRUPT,
                       _ ("Converting the store to SQLCipher 4 lost rows of %s; the store was "
                          "left as it was."),
                       pb_sql_text (tables, 0));
          return FALSE;
        }
    }
  return TRUE;
}

/* fsync of a file, or of a folder with O_DIRECTORY in @flags. */
static gboolean
sync_path (const char *path, int flags)
{
  int fd = g_open (path, O_RDONLY | O_CLOEXEC | flags, 0);
  gboolean ok;

  if (fd < 0)
    return FALSE;
  ok = fsync (fd) == 0;
  close (fd);
  return ok;
}

static gboolean
rename_or_fail (const char *from, const char *to, GError **error)
{
  if (g_rename (from, to) == 0)
    return TRUE;
  {
    int saved = errno;
    g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_IO, _ ("Cannot rename %s to %s: %s"), from,
                 to, g_strerror (saved));
  }
  return FALSE;
}

/* Tidies what an interrupted migration left: with the database missing,
 * the old file goes back in place (the migration then runs again); with
 * the database there, the leftovers are shredded. */
static gboolean
finish_interrupted_migration (const char *dir, GError **error)
{
  g_autofree char *db_path = pb_store_path (dir, PB_STORE_DB_NAME);
  g_autofree char *fresh = g_strconcat (db_path, MIGRATING_SUFFIX, NULL);
  g_autofree char *old = g_strconcat (db_path, OLD_SUFFIX, NULL);

  if (!g_file_test (db_path, G_FILE_TEST_EXISTS) && g_file_test (old, G_FILE_TEST_IS_REGULAR)
      && !rename_or_fail (old, db_path, error))
    return FALSE;
  return pb_shred_file (fresh, error) && pb_shred_file (old, error);
}

/* A store written by SQLCipher 3 (Debian 12's 3.4.1: HMAC-SHA1, 1 KiB
 * pages) is rewritten in SQLCipher 4's format: exported into a new file,
 * every table's rows counted on both sides, the new file synced and put in
 * the old one's place, and the old file shredded. Until the rename the old
 * file is untouched; a crash before it leaves the store as it was. On
 * return self->db is closed. */
static gboolean
migrate_from_sqlcipher3 (PbStore *self, GError **error)
{
  g_autofree char *db_path = pb_store_path (self->dir, PB_STORE_DB_NAME);
  g_autofree char *fresh = g_strconcat (db_path, MIGRATING_SUFFIX, NULL);
  g_autofree char *old = g_strconcat (db_path, OLD_SUFFIX, NULL);
  g_autofree char *hex = NULL;
  g_autofree char *attach = NULL;
  g_autofree char *version = NULL;
  const char *leftovers[] = { "-wal", "-shm", "-journal" };
  char *quoted;
  mode_t old_umask;
  gboolean ok;

  if (!pb_shred_file (fresh, error))
    return FALSE;

  hex = pb_hex_encode (self->master_key, PB_MASTER_KEY_LEN);
  quoted = sqlite3_mprintf ("ATTACH DATABASE %Q AS sqlcipher4 KEY \"x'%s'\"", fresh, hex);
  attach = g_strdup (quoted);
  pb_secure_wipe (quoted, strlen (quoted));
  sqlite3_free (quoted);
  pb_secure_wipe (hex, strlen (hex));
  version
      = g_strdup_printf ("PRAGMA sqlcipher4.user_version = %d", pb_store_get_schema_version (self));

  old_umask = umask (077);
  ok = check_integrity (self, error) && pb_store_exec (self, attach, error);
  pb_secure_wipe (attach, strlen (attach));
  umask (old_umask);
  ok = ok && pb_store_exec (self, "PRAGMA sqlcipher4.cipher_compatibility = 4", error)
       && pb_store_begin (self, error)
       && pb_store_exec (self, "SELECT sqlcipher_export ('sqlcipher4')", error)
       && pb_store_exec (self, version, error) && same_rows (self, "sqlcipher4", error)
       && pb_store_commit (self, error);
  if (!ok)
    pb_store_rollback (self);
  sqlite3_exec (self->db, "DETACH DATABASE sqlcipher4", NULL, NULL, NULL);
  /* Closing checkpoints the old file's log into it and removes the log. */
  sqlite3_close_v2 (self->db);
  self->db = NULL;
  if (!ok)
    {
      pb_shred_file (fresh, NULL);
      return FALSE;
    }

  g_chmod (fresh, 0600);
  if (!sync_path (fresh, 0))
    {
      g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_IO,
                   _ ("Cannot write %s to the disk; the store was left as it was."), fresh);
      pb_shred_file (fresh, NULL);
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (leftovers); i++)
    {
      g_autofree char *path = g_strconcat (db_path, leftovers[i], NULL);
      if (!pb_shred_file (path, error))
        return FALSE;
    }
  if (!rename_or_fail (db_path, old, error) || !rename_or_fail (fresh, db_path, error))
    return FALSE;
  sync_path (self->dir, O_DIRECTORY);
  if (!pb_shred_file (old, error))
    return FALSE;
  sync_path (self->dir, O_DIRECTORY);
  self->migrated_from_3 = TRUE;
  return TRUE;
}

/* With the key in SQLCipher 4's format refused: is it a store SQLCipher 3
 * wrote? Then it is migrated, and reopened in 4's format. */
static gboolean
open_sqlcipher3_store (PbStore *self, gboolean *migrated, GError **error)
{
  g_autofree char *db_path = pb_store_path (self->dir, PB_STORE_DB_NAME);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  *migrated = FALSE;
  sqlite3_close_v2 (self->db);
  self->db = NULL;
  /* CREATE: the new file is ATTACHed, which opens with these flags. */
  if (sqlite3_open_v2 (db_path, &self->db,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL)
      != SQLITE_OK)
    return TRUE; /* the caller reports the original error */
  sqlite3_extended_result_codes (self->db, 1);
  if (!key_database (self, NULL) || !set_cipher_format (self, 3, NULL))
    return TRUE;
  rc = sqlite3_prepare_v2 (self->db, "SELECT count(*) FROM sqlite_master", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (rc != SQLITE_ROW)
    return TRUE;

  g_info ("The store in %s is in SQLCipher 3's format; converting it to SQLCipher 4's", self->dir);
  if (!migrate_from_sqlcipher3 (self, error))
    return FALSE;
  if (sqlite3_open_v2 (db_path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, NULL)
      != SQLITE_OK)
    {
      pb_store_set_sql_error (self, error, _ ("Opening the database"));
      return FALSE;
    }
  sqlite3_extended_result_codes (self->db, 1);
  *migrated = TRUE;
  return key_database (self, error);
}

static gboolean
key_database (PbStore *self, GError **error)
{
  g_autofree char *hex = pb_hex_encode (self->master_key, PB_MASTER_KEY_LEN);
  g_autofree char *key = g_strdup_printf ("x'%s'", hex);
  int rc;

  rc = sqlite3_key (self->db, key, (int)strlen (key));
  pb_secure_wipe (hex, strlen (hex));
  pb_secure_wipe (key, strlen (key));
  if (rc != SQLITE_OK)
    {
      pb_store_set_sql_error (self, error, _ ("Unlocking the database"));
      return FALSE;
    }
  return set_cipher_format (self, 4, error);
}

static gboolean
check_readable (PbStore *self, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (self->db, "SELECT count(*) FROM sqlite_master", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return TRUE;

  if ((rc & 0xff) == SQLITE_NOTADB)
    g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_MISMATCH,
                 _ ("The database in %s cannot be opened with its keyslot file: it was copied "
                    "from another store, or it is damaged. Restore the database and its "
                    "keyslot file together from one backup."),
                 self->dir);
  else
    pb_store_set_sql_error (self, error, _ ("Reading the database"));
  return FALSE;
}

static gboolean
check_integrity (PbStore *self, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = pb_store_prepare (self, "PRAGMA quick_check", NULL);
  int rc;

  if (stmt == NULL)
    {
      pb_store_set_sql_error (self, error, _ ("Checking the database"));
      return FALSE;
    }

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && g_strcmp0 (pb_sql_text (stmt, 0), "ok") == 0)
    return TRUE;

  g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_CORRUPT,
               _ ("The database in %s is damaged (%s). Restore it from a backup."), self->dir,
               rc == SQLITE_ROW ? pb_sql_text (stmt, 0) : sqlite3_errmsg (self->db));
  return FALSE;
}

static gboolean
configure_connection (PbStore *self, GError **error)
{
  /* secure_delete: freed pages are overwritten with zeros, so purged PII
   * does not linger in free pages. WAL lets readers work during writes. */
  return pb_store_exec (self, "PRAGMA secure_delete = ON", error)
         && pb_store_exec (self, "PRAGMA foreign_keys = ON", error)
         && pb_store_exec (self, "PRAGMA journal_mode = WAL", error)
         && pb_store_exec (self, "PRAGMA synchronous = FULL", error)
         && pb_store_exec (self, "PRAGMA temp_store = MEMORY", error)
         && pb_store_exec (self, "PRAGMA busy_timeout = 5000", error);
}

static gboolean
check_store_id (PbStore *self, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt
      = pb_store_prepare (self, "SELECT value FROM meta WHERE key = 'store_id'", error);

  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) == SQLITE_ROW && g_strcmp0 (pb_sql_text (stmt, 0), self->store_id) == 0)
    return TRUE;

  g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_MISMATCH,
               _ ("The database in %s belongs to another store. Restore the database and its "
                  "keyslot file together from one backup."),
               self->dir);
  return FALSE;
}

static void
make_private (const char *dir)
{
  const char *suffixes[] = { "", "-wal", "-shm" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path
          = g_strconcat (dir, G_DIR_SEPARATOR_S, PB_STORE_DB_NAME, suffixes[i], NULL);
      if (g_file_test (path, G_FILE_TEST_EXISTS))
        g_chmod (path, 0600);
    }
}

static PbStore *
open_database (const char *dir, const guint8 *master_key, const char *store_id, gboolean create,
               GError **error)
{
  g_autoptr (PbStore) self = g_object_new (PB_TYPE_STORE, NULL);
  g_autofree char *db_path = pb_store_path (dir, PB_STORE_DB_NAME);
  /* CREATE even for an existing store (checked below): ATTACH, which
   * backups use, opens new files with the main connection's flags. */
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX;
  g_autoptr (GError) unreadable = NULL;
  mode_t old_umask;
  int rc;

  self->dir = g_strdup (dir);
  self->store_id = g_strdup (store_id);
  if (master_key != NULL)
    {
      self->master_key = pb_secure_alloc (PB_MASTER_KEY_LEN);
      memcpy (self->master_key, master_key, PB_MASTER_KEY_LEN);
    }

  if (!take_lock (self, error))
    return NULL;

  if (!create && !finish_interrupted_migration (dir, error))
    return NULL;

  if (!create && !g_file_test (db_path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_NOT_FOUND,
                   _ ("The database %s is missing. Restore it from a backup."), db_path);
      return NULL;
    }

  /* Files the store creates (database, WAL, shared memory) are the
   * owner's alone. */
  old_umask = umask (077);
  rc = sqlite3_open_v2 (db_path, &self->db, flags, NULL);
  umask (old_umask);
  if (rc != SQLITE_OK)
    {
      pb_store_set_sql_error (self, error, _ ("Opening the database"));
      return NULL;
    }
  sqlite3_extended_result_codes (self->db, 1);

  old_umask = umask (077);
  if (self->master_key != NULL && !key_database (self, error))
    {
      umask (old_umask);
      return NULL;
    }
  if (!check_readable (self, &unreadable))
    {
      gboolean migrated = FALSE;

      /* Not readable in SQLCipher 4's format: perhaps in 3's. */
      if (!create && self->master_key != NULL
          && g_error_matches (unreadable, PB_STORE_ERROR, PB_STORE_ERROR_MISMATCH)
          && !open_sqlcipher3_store (self, &migrated, error))
        {
          umask (old_umask);
          return NULL;
        }
      if (!migrated)
        {
          g_propagate_error (error, g_steal_pointer (&unreadable));
          umask (old_umask);
          return NULL;
        }
      if (!check_readable (self, error))
        {
          umask (old_umask);
          return NULL;
        }
    }
  if (!configure_connection (self, error) || (!create && !check_integrity (self, error))
      || !pb_migrations_run (self, error))
    {
      umask (old_umask);
      return NULL;
    }
  umask (old_umask);

  if (create)
    {
      g_autoptr (sqlite3_stmt) stmt
          = pb_store_prepare (self, "INSERT INTO meta (key, value) VALUES ('store_id', ?1)", error);

      if (stmt == NULL)
        return NULL;
      sqlite3_bind_text (stmt, 1, store_id, -1, SQLITE_TRANSIENT);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        {
          pb_store_set_sql_error (self, error, _ ("Creating the store"));
          return NULL;
        }
    }
  else if (!check_store_id (self, error))
    return NULL;

  if (self->migrated_from_3)
    {
      g_autofree char *cipher = pb_store_get_cipher_version (self);
      g_autofree char *detail
          = g_strdup_printf ("SQLCipher 3 format -> SQLCipher 4 format (%s); old file shredded",
                             cipher ? cipher : "?");

      if (!pb_audit_append (self, "system", "store.migrated", NULL, "ok", detail, error))
        return NULL;
    }

  make_private (dir);
  return g_steal_pointer (&self);
}

/**
 * pb_store_rekey:
 * @self: an open store
 * @new_key: PB_MASTER_KEY_LEN bytes
 * @error: return location for an error
 *
 * Re-encrypts every page under @new_key (SQLCipher's PRAGMA rekey, one
 * transaction: a crash leaves the database under one key or the other,
 * whole), checkpoints the WAL into the file, and keeps @new_key as the
 * store's master key. Worker connections opened before must be reopened.
 *
 * Returns: %TRUE when the database opens with @new_key only.
 */
gboolean
pb_store_rekey (PbStore *self, const guint8 *new_key, GError **error)
{
  g_autofree char *hex = NULL;
  g_autofree char *key = NULL;
  int rc;

  g_return_val_if_fail (PB_IS_STORE (self) && self->db != NULL, FALSE);
  g_return_val_if_fail (new_key != NULL && self->master_key != NULL, FALSE);

  hex = pb_hex_encode (new_key, PB_MASTER_KEY_LEN);
  key = g_strdup_printf ("x'%s'", hex);
  rc = sqlite3_rekey (self->db, key, (int)strlen (key));
  pb_secure_wipe (hex, strlen (hex));
  pb_secure_wipe (key, strlen (key));
  if (rc != SQLITE_OK)
    {
      pb_store_set_sql_error (self, error, _ ("Re-keying the database"));
      return FALSE;
    }
  memcpy (self->master_key, new_key, PB_MASTER_KEY_LEN);
  return check_readable (self, error) && pb_store_checkpoint (self, error);
}

/**
 * pb_store_create:
 * @dir: the store folder (created with mode 0700 when missing)
 * @master_key: PB_MASTER_KEY_LEN bytes
 * @store_id: the id written into the keyslot file too
 * @error: return location for an error
 *
 * Returns: (transfer full): a new, open store
 */
PbStore *
pb_store_create (const char *dir, const guint8 *master_key, const char *store_id, GError **error)
{
  g_autofree char *db_path = pb_store_path (dir, PB_STORE_DB_NAME);

  g_return_val_if_fail (dir != NULL && master_key != NULL && store_id != NULL, NULL);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_IO, _ ("Cannot create the folder %s: %s"),
                   dir, g_strerror (saved));
      return NULL;
    }
  g_chmod (dir, 0700);

  if (g_file_test (db_path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_EXISTS,
                   _ ("A store already exists in %s."), dir);
      return NULL;
    }

  return open_database (dir, master_key, store_id, TRUE, error);
}

/**
 * pb_store_open:
 * @dir: the store folder
 * @master_key: PB_MASTER_KEY_LEN bytes, unwrapped from a keyslot
 * @store_id: the keyslot file's store id
 * @error: return location for an error
 *
 * Returns: (transfer full): the open store, migrated to the current schema
 */
PbStore *
pb_store_open (const char *dir, const guint8 *master_key, const char *store_id, GError **error)
{
  g_return_val_if_fail (dir != NULL && master_key != NULL && store_id != NULL, NULL);

  return open_database (dir, master_key, store_id, FALSE, error);
}

PbStore *
pb_store_open_worker (PbStore *self, GError **error)
{
  g_autoptr (PbStore) worker = g_object_new (PB_TYPE_STORE, NULL);
  g_autofree char *db_path = pb_store_path (self->dir, PB_STORE_DB_NAME);

  g_return_val_if_fail (PB_IS_STORE (self) && self->db != NULL, NULL);

  worker->dir = g_strdup (self->dir);
  worker->store_id = g_strdup (self->store_id);
  if (self->master_key != NULL)
    {
      worker->master_key = pb_secure_alloc (PB_MASTER_KEY_LEN);
      memcpy (worker->master_key, self->master_key, PB_MASTER_KEY_LEN);
    }
  if (sqlite3_open_v2 (db_path, &worker->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, NULL)
      != SQLITE_OK)
    {
      pb_store_set_sql_error (worker, error, _ ("Opening the database"));
      return NULL;
    }
  sqlite3_extended_result_codes (worker->db, 1);
  if ((worker->master_key != NULL && !key_database (worker, error))
      || !check_readable (worker, error) || !configure_connection (worker, error))
    return NULL;
  return g_steal_pointer (&worker);
}

PbStore *
pb_store_create_unencrypted_for_benchmark (const char *dir, GError **error)
{
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_IO, _ ("Cannot create the folder %s: %s"),
                   dir, g_strerror (saved));
      return NULL;
    }
  return open_database (dir, NULL, "00000000000000000000000000000000", TRUE, error);
}

const char *
pb_store_get_dir (PbStore *self)
{
  g_return_val_if_fail (PB_IS_STORE (self), NULL);
  return self->dir;
}

const char *
pb_store_get_store_id (PbStore *self)
{
  g_return_val_if_fail (PB_IS_STORE (self), NULL);
  return self->store_id;
}

const guint8 *
pb_store_get_master_key (PbStore *self)
{
  g_return_val_if_fail (PB_IS_STORE (self), NULL);
  return self->master_key;
}

int
pb_store_get_schema_version (PbStore *self)
{
  g_autoptr (sqlite3_stmt) stmt = pb_store_prepare (self, "PRAGMA user_version", NULL);

  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    return -1;
  return sqlite3_column_int (stmt, 0);
}

char *
pb_store_get_cipher_version (PbStore *self)
{
  g_autoptr (sqlite3_stmt) stmt = pb_store_prepare (self, "PRAGMA cipher_version", NULL);

  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  return g_strdup (pb_sql_text (stmt, 0));
}

void
pb_store_get_library_versions (char **cipher_version, char **sqlite_version)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  if (sqlite_version != NULL)
    *sqlite_version = g_strdup (sqlite3_libversion ());
  if (cipher_version == NULL)
    return;
  *cipher_version = NULL;
  if (sqlite3_open (":memory:", &db) == SQLITE_OK && sqlite3_key (db, "version", 7) == SQLITE_OK
      && sqlite3_prepare_v2 (db, "PRAGMA cipher_version", -1, &stmt, NULL) == SQLITE_OK
      && sqlite3_step (stmt) == SQLITE_ROW)
    *cipher_version = g_strdup (pb_sql_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

void
pb_store_close (PbStore *self)
{
  g_return_if_fail (PB_IS_STORE (self));

  if (self->db != NULL)
    {
      sqlite3_close_v2 (self->db);
      self->db = NULL;
    }
  if (self->master_key != NULL)
    {
      pb_secure_free (self->master_key, PB_MASTER_KEY_LEN);
      self->master_key = NULL;
    }
  if (self->lock_fd >= 0)
    {
      close (self->lock_fd);
      self->lock_fd = -1;
    }
}
