/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <unistd.h>

#include "pb-cli-commands.h"
#include "pb-cli-common.h"
#include "station/pb-site-bench.h"
#include "station/pb-backup.h"
#include "store/pb-audit.h"
#include "store/pb-keyslots.h"
#include "store/pb-settings.h"
#include "util/pb-clock.h"
#include "util/pb-secure.h"

int
pb_cli_cmd_purge (PbCliContext *ctx, int argc, char **argv)
{
  static const char *synopsis = "purge [--dry-run] [--json] --user NAME";
  g_autofree char *user = NULL;
  g_autoptr (PbSession) session = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *root = NULL;
  gboolean dry_run = FALSE, json = FALSE;
  PbPurgeResult store_result = { 0 };
  PbBackupPurgeResult backup_result = { 0 };
  gboolean ok;
  int exit_code;
  GOptionEntry entries[] = {
    { "user", 0, 0, G_OPTION_ARG_STRING, &user, N_ ("Who you are"), N_ ("NAME") },
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &dry_run, N_ ("Only say what would be purged"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_ ("Print JSON"), NULL },
    { NULL },
  };

  if (!pb_cli_parse (entries, synopsis, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 1)
    return pb_cli_usage (synopsis, NULL);

  ctx->no_open_purge = TRUE;
  session = pb_cli_login (ctx, user, &exit_code);
  if (session == NULL)
    return exit_code;
  if (!pb_session_require (session, PB_ACTION_PURGE, NULL, &error))
    return pb_cli_fail (error);

  root = pb_settings_get (pb_session_get_store (session), "backup.folder");
  ok = pb_backup_purge_everything (pb_session_get_store (session), pb_clock_now_unix (), dry_run,
                                   pb_session_get_username (session), &store_result, &backup_result,
                                   &error);

  if (json)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "dry_run");
      json_builder_add_boolean_value (builder, dry_run);
      json_builder_set_member_name (builder, "orders");
      json_builder_add_int_value (builder, store_result.orders);
      json_builder_set_member_name (builder, "documents");
      json_builder_add_int_value (builder, store_result.documents);
      json_builder_set_member_name (builder, "backups_purged");
      json_builder_add_int_value (builder, backup_result.purged);
      json_builder_set_member_name (builder, "backups_deleted");
      json_builder_add_int_value (builder, backup_result.deleted);
      json_builder_set_member_name (builder, "backup_orders");
      json_builder_add_int_value (builder, backup_result.orders);
      json_builder_set_member_name (builder, "backups_failed");
      json_builder_add_int_value (builder, backup_result.failed);
      json_builder_end_object (builder);
      pb_cli_print_json (builder);
    }
  else if (dry_run)
    printf (_ ("Would purge the customer data of %u orders (%u stored documents).\n"),
            store_result.orders, store_result.documents);
  else
    {
      printf (_ ("Purged the customer data of %u orders (%u stored documents).\n"),
              store_result.orders, store_result.documents);
      if (root != NULL && *root != '\0')
        printf (_ ("Backups in %s: %u purged (%u orders), %u deleted as older than the retention "
                   "period.\n"),
                root, backup_result.purged, backup_result.orders, backup_result.deleted);
    }

  return ok ? PB_EXIT_OK : pb_cli_fail (error);
}

int
pb_cli_cmd_backup (PbCliContext *ctx, int argc, char **argv)
{
  static const char *synopsis = "backup [DEST] --user NAME";
  g_autofree char *user = NULL;
  g_autoptr (PbSession) session = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *dest = NULL;
  g_autofree char *path = NULL;
  int exit_code;
  GOptionEntry entries[] = {
    { "user", 0, 0, G_OPTION_ARG_STRING, &user, N_ ("Who you are"), N_ ("NAME") },
    { NULL },
  };

  if (!pb_cli_parse (entries, synopsis, &argc, &argv, &exit_code))
    return exit_code;
  if (argc > 2)
    return pb_cli_usage (synopsis, NULL);

  session = pb_cli_login (ctx, user, &exit_code);
  if (session == NULL)
    return exit_code;
  if (!pb_session_require (session, PB_ACTION_BACKUP, NULL, &error))
    return pb_cli_fail (error);

  dest = argc == 2 ? g_canonicalize_filename (argv[1], NULL)
                   : pb_settings_get (pb_session_get_store (session), "backup.folder");
  if (dest == NULL || *dest == '\0')
    return pb_cli_usage (synopsis, _ ("Say where the backup goes, or set backup.folder."));

  if (!pb_backup_create (pb_session_get_store (session), dest, pb_clock_now_unix (),
                         pb_session_get_username (session), &path, &error))
    return pb_cli_fail (error);

  printf ("Backup: %s\n", path);
  {
    g_autofree char *folder = pb_settings_get (pb_session_get_store (session), "backup.folder");
    g_autofree char *canonical = folder ? g_canonicalize_filename (folder, NULL) : NULL;

    if (g_strcmp0 (canonical, dest) != 0)
      fprintf (stderr, "%s\n",
               _ ("This backup is outside the backup folder, so the retention purge cannot reach "
                  "it: delete it yourself within the retention period."));
  }
  return PB_EXIT_OK;
}

/* Takes the store's own lock, so nothing opens it while it is replaced;
 * -1 with a message when another process has it. */
static int
lock_live_store (const char *store_dir)
{
  g_autofree char *lock = pb_store_path (store_dir, PB_STORE_LOCK_NAME);
  int fd = open (lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

  if (fd >= 0 && flock (fd, LOCK_EX | LOCK_NB) == 0)
    return fd;
  if (fd >= 0)
    close (fd);
  fprintf (stderr,
           _ ("The store in %s is in use by another Packbench process. Close it first; nothing "
              "was changed.\n"),
           store_dir);
  return -1;
}

/* Restore into a live store: an administrator of the live store (not of
 * the backup) logs in; the backup must open with the live key (backups are
 * re-keyed with the store); the live audit log is carried forward, and the
 * live keyslot file stays. */
static int
restore_over_live (PbCliContext *ctx, const char *user, const char *source, const char *store_dir)
{
  g_autofree char *staging = NULL;
  g_autofree char *live_slots = pb_store_path (store_dir, PB_STORE_KEYSLOTS_NAME);
  g_autofree char *staged_slots = NULL;
  g_autoptr (PbSession) session = NULL;
  g_autoptr (PbStore) staged = NULL;
  g_autoptr (PbKeyslotsLock) slots_lock = NULL;
  g_autoptr (PbKeyslots) slots = NULL;
  g_autoptr (GError) error = NULL;
  PbStore *live;
  PbPurgeResult purged;
  int staging_lock = -1;
  int store_lock;
  int exit_code;

  ctx->no_open_purge = TRUE;
  session = pb_cli_login (ctx, user, &exit_code);
  if (session == NULL)
    {
      fprintf (stderr,
               _ ("A restore needs an administrator of the store in %s, the one it replaces; an "
                  "account that exists only in the backup cannot restore it. Nothing was "
                  "changed.\n"),
               store_dir);
      return exit_code;
    }
  if (!pb_session_require (session, PB_ACTION_RESTORE, source, &error))
    return pb_cli_fail (error);
  live = pb_session_get_store (session);

  staging = pb_backup_stage_restore (source, store_dir, &staging_lock, &error);
  if (staging == NULL)
    return pb_cli_fail (error);
  staged = pb_store_open (staging, pb_store_get_master_key (live), pb_store_get_store_id (live),
                          &error);
  if (staged == NULL)
    {
      pb_backup_drop_staging (staging, &staging_lock);
      if (g_error_matches (error, PB_STORE_ERROR, PB_STORE_ERROR_MISMATCH))
        {
          fprintf (stderr,
                   _ ("The backup %s does not open with this store’s key: it belongs to another "
                      "store, or it was made before the store was re-keyed and copied back "
                      "since. Nothing was changed.\n"),
                   source);
          return PB_EXIT_FAILED;
        }
      return pb_cli_fail (error);
    }

  /* The data goes back to the backup; the record of what happened since
   * does not. The restored store is purged before anyone works with it. */
  if (!pb_audit_carry_forward (staged, live, &error)
      || !pb_audit_append (staged, pb_session_get_username (session), "store.restored", source,
                           "ok", "audit log carried forward from the live store", &error)
      || !pb_retention_purge (staged, pb_clock_now_unix (), FALSE,
                              pb_session_get_username (session), &purged, &error)
      || !pb_store_checkpoint (staged, &error))
    {
      pb_backup_drop_staging (staging, &staging_lock);
      return pb_cli_fail (error);
    }
  pb_store_close (staged);

  /* The live keyslot file stays: the operators and key of today. Held
   * locked from the copy to the install, so no change to it is lost. */
  slots_lock = pb_keyslots_lock (live_slots, &error);
  slots = slots_lock != NULL ? pb_keyslots_load (live_slots, &error) : NULL;
  staged_slots = g_build_filename (staging, PB_STORE_KEYSLOTS_NAME, NULL);
  if (slots == NULL || !pb_keyslots_save (slots, staged_slots, &error))
    {
      pb_backup_drop_staging (staging, &staging_lock);
      return pb_cli_fail (error);
    }
  pb_store_close (live);
  store_lock = lock_live_store (store_dir);
  if (store_lock < 0)
    {
      pb_backup_drop_staging (staging, &staging_lock);
      return PB_EXIT_FAILED;
    }
  if (!pb_backup_install_staging (staging, store_dir, &error))
    {
      close (store_lock);
      pb_backup_drop_staging (staging, &staging_lock);
      return pb_cli_fail (error);
    }
  close (store_lock);
  pb_backup_drop_staging (NULL, &staging_lock);

  printf (_ ("Restored %s into %s; the customer data of %u orders past the retention period was "
             "purged.\n"),
          source, store_dir, purged.orders);
  return PB_EXIT_OK;
}

int
pb_cli_cmd_restore (PbCliContext *ctx, int argc, char **argv)
{
  static const char *synopsis = "restore SRC --user ADMIN";
  g_autofree char *user = NULL;
  g_autofree char *store_dir = pb_cli_store_dir (ctx);
  g_autofree char *staging = NULL;
  g_autofree char *source = NULL;
  g_autoptr (PbSession) session = NULL;
  g_autoptr (GError) error = NULL;
  PbCliContext staged = *ctx;
  PbPurgeResult purged;
  int staging_lock = -1;
  int exit_code;
  GOptionEntry entries[] = {
    { "user", 0, 0, G_OPTION_ARG_STRING, &user,
      N_ ("An administrator of the store (of the backup when there is no store)"), N_ ("NAME") },
    { NULL },
  };

  if (!pb_cli_parse (entries, synopsis, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 2)
    return pb_cli_usage (synopsis, NULL);
  source = g_canonicalize_filename (argv[1], NULL);

  if (pb_store_exists (store_dir))
    return restore_over_live (ctx, user, source, store_dir);

  staging = pb_backup_stage_restore (source, store_dir, &staging_lock, &error);
  if (staging == NULL)
    return pb_cli_fail (error);

  /* No store here (a new machine): log in to the backup itself. */
  staged.store_dir = staging;
  staged.no_open_purge = TRUE;
  session = pb_cli_login (&staged, user, &exit_code);
  if (session == NULL || !pb_session_require (session, PB_ACTION_RESTORE, NULL, &error))
    {
      pb_backup_drop_staging (staging, &staging_lock);
      return session == NULL ? exit_code : pb_cli_fail (error);
    }

  /* The restored store is purged before anyone works with it. */
  if (!pb_retention_purge (pb_session_get_store (session), pb_clock_now_unix (), FALSE,
                           pb_session_get_username (session), &purged, &error)
      || !pb_session_audit (session, "store.restored", source, "ok", NULL, &error)
      || !pb_store_checkpoint (pb_session_get_store (session), &error))
    {
      pb_backup_drop_staging (staging, &staging_lock);
      return pb_cli_fail (error);
    }
  pb_store_close (pb_session_get_store (session));

  if (!pb_backup_install_staging (staging, store_dir, &error))
    {
      pb_backup_drop_staging (staging, &staging_lock);
      return pb_cli_fail (error);
    }
  pb_backup_drop_staging (NULL, &staging_lock);

  printf (_ ("Restored %s into %s; the customer data of %u orders past the retention period was "
             "purged.\n"),
          source, store_dir, purged.orders);
  return PB_EXIT_OK;
}

int
pb_cli_cmd_wipe (PbCliContext *ctx, int argc, char **argv)
{
  static const char *synopsis = "wipe [--yes] --user ADMIN";
  g_autofree char *user = NULL;
  g_autofree char *store_dir = pb_cli_store_dir (ctx);
  g_autofree char *backup_root = NULL;
  g_autoptr (PbSession) session = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) removed = g_ptr_array_new_with_free_func (g_free);
  gboolean yes = FALSE;
  int exit_code;
  GOptionEntry entries[] = {
    { "user", 0, 0, G_OPTION_ARG_STRING, &user, N_ ("Who you are"), N_ ("NAME") },
    { "yes", 0, 0, G_OPTION_ARG_NONE, &yes, N_ ("Do not ask for the typed confirmation (scripts)"),
      NULL },
    { NULL },
  };

  if (!pb_cli_parse (entries, synopsis, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 1)
    return pb_cli_usage (synopsis, NULL);
  if (!yes && !isatty (STDIN_FILENO))
    return pb_cli_usage (synopsis, _ ("wipe destroys everything: when not on a terminal, say "
                                      "--yes."));

  ctx->no_open_purge = TRUE;
  session = pb_cli_login (ctx, user, &exit_code);
  if (session == NULL)
    return exit_code;
  if (!pb_session_require (session, PB_ACTION_WIPE, NULL, &error))
    return pb_cli_fail (error);
  backup_root = pb_settings_get (pb_session_get_store (session), "backup.folder");

  if (!yes)
    {
      char *typed;

      fprintf (stderr,
               _ ("This destroys the store in %s and every backup in %s. Nothing can "
                  "bring it back.\n"),
               store_dir, backup_root ? backup_root : _ ("(no backup folder)"));
      typed = pb_cli_read_secret (_ ("Type WIPE to go on: "));
      if (g_strcmp0 (typed, "WIPE") != 0)
        {
          g_free (typed);
          fprintf (stderr, "%s\n", _ ("Not confirmed; nothing was changed."));
          return PB_EXIT_FAILED;
        }
      g_free (typed);
    }

  pb_session_audit (session, "store.wiped", NULL, "ok", NULL, NULL);
  pb_store_close (pb_session_get_store (session));
  if (!pb_store_wipe (store_dir, backup_root, removed, &error))
    return pb_cli_fail (error);

  for (guint i = 0; i < removed->len; i++)
    printf ("Removed: %s\n", (const char *)g_ptr_array_index (removed, i));
  fprintf (stderr, "%s\n", _ ("The store and its backups are gone."));
  return PB_EXIT_OK;
}

/* rekey --user ADMIN: a new master key (docs/DECISIONS.md, "Re-keying"). */
int
pb_cli_cmd_rekey (PbCliContext *ctx, int argc, char **argv)
{
  static const char *synopsis = "rekey --user ADMIN";
  g_autofree char *user = NULL;
  g_autoptr (PbSession) session = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) removed = NULL;
  g_autofree char *recovery = NULL;
  PbBackupRekeyResult backups = { 0 };
  char *password = NULL;
  gboolean ok;
  int exit_code;
  GOptionEntry entries[] = {
    { "user", 0, 0, G_OPTION_ARG_STRING, &user, N_ ("An administrator"), N_ ("NAME") },
    { NULL },
  };

  if (!pb_cli_parse (entries, synopsis, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 1)
    return pb_cli_usage (synopsis, NULL);

  ctx->no_open_purge = TRUE;
  session = pb_cli_login_keep_password (ctx, user, &password, &exit_code);
  if (session == NULL)
    return exit_code;
  ok = pb_site_bench_check_rekey (pb_session_get_store (session), &error)
       && pb_session_rekey (session, password, pb_backup_rekey_all, &backups, &recovery, &removed,
                            &error);
  pb_secure_free_string (password);
  if (!ok)
    return pb_cli_fail (error);

  fprintf (stderr,
           _ ("The store has a new key: old passwords, old keyslot files and the old recovery "
              "code no longer open it. Backups re-keyed: %u; stale backups deleted: %u.\n"),
           backups.rekeyed, backups.deleted);
  if (backups.failed > 0)
    fprintf (stderr,
             _ ("%u folders in the backup folder could not be re-keyed: no key of this store "
                "opens them and their keyslot files are unreadable. The audit log names them "
                "(backup.rekey_failed); delete them if they are this bench’s.\n"),
             backups.failed);
  for (guint i = 0; removed != NULL && removed[i] != NULL; i++)
    fprintf (stderr,
             _ ("%s had not logged in since Packbench could re-key without a password, so their "
                "keyslot was removed: an administrator gives them a new password with "
                "“packbenchctl user passwd %s”.\n"),
             removed[i], removed[i]);
  fprintf (stderr, "%s\n",
           _ ("Write the new recovery code down and keep it somewhere safe: it is shown only "
              "once. The old one no longer works."));
  printf ("Recovery code: %s\n", recovery);
  pb_secure_wipe (recovery, strlen (recovery));
  return PB_EXIT_OK;
}
