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
#include "station/pb-backup.h"
#include "store/pb-settings.h"
#include "util/pb-clock.h"

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
    { "user", 0, 0, G_OPTION_ARG_STRING, &user, N_ ("An administrator of the backup"),
      N_ ("NAME") },
    { NULL },
  };

  if (!pb_cli_parse (entries, synopsis, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 2)
    return pb_cli_usage (synopsis, NULL);
  source = g_canonicalize_filename (argv[1], NULL);

  staging = pb_backup_stage_restore (source, store_dir, &staging_lock, &error);
  if (staging == NULL)
    return pb_cli_fail (error);

  /* Log in to the backup itself: on a new machine there is no other store. */
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

  if (pb_store_exists (store_dir))
    {
      /* The store must not be open elsewhere while it is replaced. */
      g_autofree char *lock = pb_store_path (store_dir, PB_STORE_LOCK_NAME);
      int fd = open (lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

      if (fd < 0 || flock (fd, LOCK_EX | LOCK_NB) != 0)
        {
          if (fd >= 0)
            close (fd);
          pb_backup_drop_staging (staging, &staging_lock);
          fprintf (stderr,
                   _ ("The store in %s is in use by another Packbench process. Close it "
                      "first; nothing was changed.\n"),
                   store_dir);
          return PB_EXIT_FAILED;
        }
      if (!pb_backup_install_staging (staging, store_dir, &error))
        {
          close (fd);
          pb_backup_drop_staging (staging, &staging_lock);
          return pb_cli_fail (error);
        }
      close (fd);
    }
  else if (!pb_backup_install_staging (staging, store_dir, &error))
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
