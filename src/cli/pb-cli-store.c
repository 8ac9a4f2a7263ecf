/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <stdio.h>

#include "pb-cli-commands.h"
#include "pb-cli-common.h"
#include "site/pb-site.h"
#include "store/pb-audit.h"
#include "store/pb-settings.h"
#include "store/pb-store.h"
#include "util/pb-secure.h"

int
pb_cli_cmd_init (PbCliContext *ctx, int argc, char **argv)
{
  static const char *synopsis = "init --admin NAME [--full-name TEXT]";
  g_autofree char *admin = NULL;
  g_autofree char *full_name = NULL;
  g_autofree char *dir = pb_cli_store_dir (ctx);
  g_autofree char *recovery = NULL;
  g_autofree char *totp_uri = NULL;
  g_autoptr (PbSession) session = NULL;
  g_autoptr (GError) error = NULL;
  char *password;
  int exit_code;
  GOptionEntry entries[] = {
    { "admin", 0, 0, G_OPTION_ARG_STRING, &admin, N_ ("Username of the first administrator"),
      N_ ("NAME") },
    { "full-name", 0, 0, G_OPTION_ARG_STRING, &full_name, N_ ("The administrator’s full name"),
      N_ ("TEXT") },
    { NULL },
  };

  if (!pb_cli_parse (entries, synopsis, &argc, &argv, &exit_code))
    return exit_code;
  if (admin == NULL || argc != 1)
    return pb_cli_usage (synopsis, _ ("init needs --admin NAME and nothing else."));

  if (pb_store_exists (dir))
    {
      fprintf (stderr, _ ("A store already exists in %s. Nothing was changed.\n"), dir);
      return PB_EXIT_FAILED;
    }

  password = pb_cli_read_new_password (_ ("Password for the new administrator: "));
  if (password == NULL)
    {
      fprintf (stderr, "%s\n", _ ("No password given; nothing was created."));
      return PB_EXIT_FAILED;
    }

  session = pb_session_init_store (dir, admin, full_name, password, &recovery, &totp_uri, &error);
  pb_secure_free_string (password);
  if (session == NULL)
    return pb_cli_fail (error);

  fprintf (stderr, _ ("Created the store in %s.\n"), dir);
  fprintf (stderr, "%s\n",
           _ ("Write the recovery code down and keep it somewhere safe: it is shown only once, "
              "and it is the only way back in if every administrator password is lost."));
  printf ("Recovery code: %s\n", recovery);
  fprintf (stderr, "%s\n",
           _ ("Add this to your authenticator app (a QR code of this link works too):"));
  printf ("TOTP: %s\n", totp_uri);
  pb_secure_wipe (recovery, strlen (recovery));
  pb_secure_wipe (totp_uri, strlen (totp_uri));
  return PB_EXIT_OK;
}

int
pb_cli_cmd_whoami (PbCliContext *ctx, int argc, char **argv)
{
  static const char *synopsis = "whoami --user NAME";
  g_autofree char *user = NULL;
  g_autoptr (PbSession) session = NULL;
  int exit_code;
  GOptionEntry entries[] = {
    { "user", 0, 0, G_OPTION_ARG_STRING, &user, N_ ("Who you are"), N_ ("NAME") },
    { NULL },
  };

  if (!pb_cli_parse (entries, synopsis, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 1)
    return pb_cli_usage (synopsis, NULL);

  session = pb_cli_login (ctx, user, &exit_code);
  if (session == NULL)
    return exit_code;

  printf ("%s %s\n", pb_session_get_username (session),
          pb_role_to_string (pb_session_get_role (session)));
  return PB_EXIT_OK;
}

int
pb_cli_cmd_recover (PbCliContext *ctx, int argc, char **argv)
{
  static const char *synopsis = "recover --admin NAME";
  g_autofree char *admin = NULL;
  g_autofree char *dir = pb_cli_store_dir (ctx);
  g_autofree char *totp_uri = NULL;
  g_autoptr (PbSession) session = NULL;
  g_autoptr (GError) error = NULL;
  char *code;
  char *password;
  int exit_code;
  GOptionEntry entries[] = {
    { "admin", 0, 0, G_OPTION_ARG_STRING, &admin, N_ ("The administrator who gets a new password"),
      N_ ("NAME") },
    { NULL },
  };

  if (!pb_cli_parse (entries, synopsis, &argc, &argv, &exit_code))
    return exit_code;
  if (admin == NULL || argc != 1)
    return pb_cli_usage (synopsis, _ ("recover needs --admin NAME."));

  code = pb_cli_read_secret (_ ("Recovery code: "));
  if (code == NULL)
    {
      fprintf (stderr, "%s\n", _ ("No recovery code given."));
      return PB_EXIT_AUTH;
    }
  password = pb_cli_read_new_password (_ ("New password: "));
  if (password == NULL)
    {
      pb_secure_free_string (code);
      fprintf (stderr, "%s\n", _ ("No new password given; nothing was changed."));
      return PB_EXIT_FAILED;
    }

  session = pb_session_recover (dir, code, admin, password, &totp_uri, &error);
  pb_secure_free_string (code);
  pb_secure_free_string (password);
  if (session == NULL)
    return pb_cli_fail (error);

  fprintf (stderr, _ ("%s has a new password and a new second factor.\n"),
           pb_session_get_username (session));
  printf ("TOTP: %s\n", totp_uri);
  return PB_EXIT_OK;
}

/* config set KEY VALUE|- / get KEY / list */
int
pb_cli_cmd_config (PbCliContext *ctx, int argc, char **argv)
{
  static const char *synopsis
      = "config set KEY VALUE|- [KEY VALUE|- …] | get KEY | list [--json]  --user NAME";
  g_autofree char *user = NULL;
  g_autoptr (PbSession) session = NULL;
  g_autoptr (GError) error = NULL;
  gboolean json = FALSE;
  const char *verb;
  int exit_code;
  GOptionEntry entries[] = {
    { "user", 0, 0, G_OPTION_ARG_STRING, &user, N_ ("Who you are"), N_ ("NAME") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_ ("Print JSON"), NULL },
    { NULL },
  };

  if (!pb_cli_parse (entries, synopsis, &argc, &argv, &exit_code))
    return exit_code;
  if (argc < 2)
    return pb_cli_usage (synopsis, NULL);
  verb = argv[1];

  /* config set KEY VALUE [KEY VALUE …]: "-" reads that value from standard
   * input, so secrets stay out of the shell history and the process list. */
  if (g_str_equal (verb, "set") && argc >= 4 && argc % 2 == 0)
    {
      for (int i = 2; i < argc; i += 2)
        if (pb_settings_lookup (argv[i]) == NULL)
          {
            fprintf (
                stderr,
                _ ("There is no setting called “%s”. “packbenchctl config list” shows them.\n"),
                argv[i]);
            return PB_EXIT_FAILED;
          }
      session = pb_cli_login (ctx, user, &exit_code);
      if (session == NULL)
        return exit_code;
      for (int i = 2; i < argc; i += 2)
        {
          const char *key = argv[i];
          char *value;
          gboolean ok;

          value = g_str_equal (argv[i + 1], "-") ? pb_cli_read_secret (_ ("Value: "))
                                                 : g_strdup (argv[i + 1]);
          if (value == NULL)
            {
              fprintf (stderr, _ ("No value given for %s; it was not changed.\n"), key);
              return PB_EXIT_FAILED;
            }
          ok = pb_session_set_setting (session, key, value, &error);
          pb_secure_free_string (value);
          if (!ok)
            return pb_cli_fail (error);
          fprintf (stderr, _ ("%s saved.\n"), key);
        }
      return PB_EXIT_OK;
    }

  if (g_str_equal (verb, "get") && argc == 3)
    {
      g_autofree char *value = NULL;

      session = pb_cli_login (ctx, user, &exit_code);
      if (session == NULL)
        return exit_code;
      if (!pb_session_require (session, PB_ACTION_VIEW_SETTINGS, argv[2], &error))
        return pb_cli_fail (error);
      if (pb_settings_lookup (argv[2]) == NULL)
        {
          fprintf (stderr, _ ("There is no setting called “%s”.\n"), argv[2]);
          return PB_EXIT_FAILED;
        }
      value = pb_settings_display (pb_session_get_store (session), argv[2]);
      printf ("%s\n", value ? value : _ ("not set"));
      return PB_EXIT_OK;
    }

  if (g_str_equal (verb, "list") && argc == 2)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new ();
      const PbSettingInfo *registry;
      gsize n_settings;

      session = pb_cli_login (ctx, user, &exit_code);
      if (session == NULL)
        return exit_code;
      if (!pb_session_require (session, PB_ACTION_VIEW_SETTINGS, NULL, &error))
        return pb_cli_fail (error);

      registry = pb_settings_registry (&n_settings);
      json_builder_begin_array (builder);
      for (gsize i = 0; i < n_settings; i++)
        {
          g_autofree char *value
              = pb_settings_display (pb_session_get_store (session), registry[i].key);
          if (json)
            {
              json_builder_begin_object (builder);
              json_builder_set_member_name (builder, "key");
              json_builder_add_string_value (builder, registry[i].key);
              json_builder_set_member_name (builder, "value");
              if (value)
                json_builder_add_string_value (builder, value);
              else
                json_builder_add_null_value (builder);
              json_builder_set_member_name (builder, "secret");
              json_builder_add_boolean_value (builder, registry[i].kind == PB_SETTING_SECRET);
              json_builder_set_member_name (builder, "description");
              json_builder_add_string_value (builder, _ (registry[i].description));
              json_builder_end_object (builder);
            }
          else
            printf ("%-26s %s\n", registry[i].key, value ? value : _ ("not set"));
        }
      json_builder_end_array (builder);
      if (json)
        pb_cli_print_json (builder);
      return PB_EXIT_OK;
    }

  return pb_cli_usage (synopsis, NULL);
}

/* The site's copy of every bench's chain, after this bench's own. */
static int
audit_verify_site (PbCliContext *ctx, PbSession *session)
{
  g_autofree char *dir = pb_cli_store_dir (ctx);
  g_autoptr (GPtrArray) checks = NULL;
  g_autoptr (GError) error = NULL;
  PbSite *site;
  int status = PB_EXIT_OK;

  if (!pb_site_config_exists (dir))
    return PB_EXIT_OK;
  site = pb_cli_site_with_audit (ctx, session);
  if (site == NULL)
    {
      fprintf (stderr, "%s\n",
               _ ("The other benches’ audit logs were not checked: the site database cannot be "
                  "reached."));
      return PB_EXIT_FAILED;
    }
  checks = pb_site_verify_audit (site, &error);
  if (checks == NULL)
    return pb_cli_fail (error);
  for (guint i = 0; i < checks->len; i++)
    {
      PbSiteChainCheck *check = g_ptr_array_index (checks, i);

      if (check->problem != NULL)
        {
          fprintf (stderr, "%s\n", check->problem);
          printf ("BROKEN at %s row %" PRId64 "\n", check->bench, check->bad_seq);
          status = PB_EXIT_FAILED;
        }
      else
        printf (_ ("%s: the site’s copy of its audit log is intact: %" PRIu64 " rows verified.\n"),
                check->bench, check->n_rows);
    }
  return status;
}

/* audit verify [--anchor SEQ:HASH]: the chain, then the anchor if given. */
static int
audit_verify (PbSession *session, const char *anchor_text)
{
  PbStore *store = pb_session_get_store (session);
  g_autoptr (GError) error = NULL;
  g_autofree char *anchor_hash = NULL;
  PbAuditAnchorResult result = PB_AUDIT_ANCHOR_MATCHED;
  gint64 anchor_seq = 0;
  gint64 head_seq = 0;
  gint64 bad_seq = 0;
  guint64 n_rows = 0;
  guint64 n_outside = 0;

  if (!pb_audit_verify (store, &bad_seq, &n_rows, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      printf ("BROKEN at row %" PRId64 "\n", bad_seq);
      return PB_EXIT_FAILED;
    }
  printf (_ ("The audit log is intact: %" PRIu64 " rows verified.\n"), n_rows);
  if (!pb_audit_count_from_keyslots (store, &n_outside, &error))
    return pb_cli_fail (error);
  if (n_outside > 0)
    printf (_ ("%" PRIu64 " of them came from outside the store: failed logins kept in the "
               "keyslot file while the store was closed, marked “%s”. The chain protects "
               "them only from when they entered the log.\n"),
            n_outside, PB_AUDIT_FROM_KEYSLOTS);
  if (anchor_text == NULL)
    return PB_EXIT_OK;

  /* Parsed (and refused) before the login; cannot fail here. */
  if (!pb_audit_parse_anchor (anchor_text, &anchor_seq, &anchor_hash, &error)
      || !pb_audit_check_anchor (store, anchor_seq, anchor_hash, &result, &head_seq, &error))
    return pb_cli_fail (error);

  switch (result)
    {
      case PB_AUDIT_ANCHOR_MATCHED:
        printf (_ ("The anchor matches: the log up to row %" PRId64 " is the log that was "
                   "anchored.\n"),
                anchor_seq);
        return PB_EXIT_OK;
      case PB_AUDIT_ANCHOR_REWRITTEN:
        fprintf (stderr,
                 _ ("The anchor does not match: row %" PRId64 " has another hash now. The log "
                    "was rewritten at or before row %" PRId64 " by someone with the key, and "
                    "its chain rebuilt.\n"),
                 anchor_seq, anchor_seq);
        printf ("REWRITTEN at or before row %" PRId64 "\n", anchor_seq);
        return PB_EXIT_FAILED;
      case PB_AUDIT_ANCHOR_BEYOND:
      default:
        fprintf (stderr,
                 _ ("The anchor is beyond the log: it names row %" PRId64 " but the log ends at "
                    "row %" PRId64 ". The log was cut short or rolled back to an older copy.\n"),
                 anchor_seq, head_seq);
        printf ("TRUNCATED before row %" PRId64 "\n", anchor_seq);
        return PB_EXIT_FAILED;
    }
}

/* audit anchor [--json]: the head, including the row that records it. */
static int
audit_anchor (PbSession *session, gboolean json)
{
  PbStore *store = pb_session_get_store (session);
  g_autoptr (GError) error = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *anchor = NULL;
  gint64 seq = 0;
  gint64 bad_seq = 0;

  /* An anchor of a broken chain would vouch for nothing. */
  if (!pb_audit_verify (store, &bad_seq, NULL, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      fprintf (stderr, "%s\n", _ ("No anchor was taken: the audit log is already broken."));
      return PB_EXIT_FAILED;
    }
  if (!pb_audit_take_anchor (store, pb_session_get_username (session), &seq, &hash, &error))
    return pb_cli_fail (error);

  anchor = g_strdup_printf ("%" PRId64 ":%s", seq, hash);
  if (json)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "anchor");
      json_builder_add_string_value (builder, anchor);
      json_builder_set_member_name (builder, "seq");
      json_builder_add_int_value (builder, seq);
      json_builder_set_member_name (builder, "hash");
      json_builder_add_string_value (builder, hash);
      json_builder_end_object (builder);
      pb_cli_print_json (builder);
    }
  else
    printf ("%s\n", anchor);
  fprintf (stderr,
           _ ("Keep this anchor outside this computer (IT's records, a ticket, paper). "
              "Later, “audit verify --anchor %s” proves the log up to row %" PRId64
              " was not rewritten.\n"),
           anchor, seq);
  return PB_EXIT_OK;
}

/* audit list [filters] [--json] / export --output FILE [filters] / verify [--anchor]
 * / anchor [--json] */
int
pb_cli_cmd_audit (PbCliContext *ctx, int argc, char **argv)
{
  static const char *synopsis
      = "audit list [--since ISO] [--until ISO] [--action A] [--operator U] [--bench NAME] "
        "[--json] | "
        "export --output FILE [--since ISO] [--until ISO] [--action A] [--operator U] "
        "[--bench NAME] | "
        "verify [--anchor SEQ:HASH] --user NAME | anchor [--json] --user NAME";
  g_autofree char *user = NULL;
  g_autofree char *since = NULL;
  g_autofree char *until = NULL;
  g_autofree char *output = NULL;
  g_autofree char *action = NULL;
  g_autofree char *actor = NULL;
  g_autofree char *anchor = NULL;
  g_autofree char *bench = NULL;
  g_autofree char *dir = NULL;
  g_autoptr (PbSession) session = NULL;
  g_autoptr (GError) error = NULL;
  gboolean json = FALSE;
  int exit_code;
  GOptionEntry entries[] = {
    { "user", 0, 0, G_OPTION_ARG_STRING, &user, N_ ("Who you are"), N_ ("NAME") },
    { "since", 0, 0, G_OPTION_ARG_STRING, &since, N_ ("Only rows from this time (ISO 8601)"),
      N_ ("ISO") },
    { "until", 0, 0, G_OPTION_ARG_STRING, &until,
      N_ ("Only rows up to this time (ISO 8601; a bare date includes that whole day)"),
      N_ ("ISO") },
    { "output", 0, 0, G_OPTION_ARG_FILENAME, &output, N_ ("Write the CSV export here"),
      N_ ("FILE") },
    { "action", 0, 0, G_OPTION_ARG_STRING, &action,
      N_ ("Only this action (“login.” matches every login action)"), N_ ("A") },
    { "operator", 0, 0, G_OPTION_ARG_STRING, &actor, N_ ("Only this operator"), N_ ("NAME") },
    { "bench", 0, 0, G_OPTION_ARG_STRING, &bench,
      N_ ("In a site: only the rows of this bench (every bench’s without it)"), N_ ("NAME") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_ ("Print JSON"), NULL },
    { "anchor", 0, 0, G_OPTION_ARG_STRING, &anchor,
      N_ ("verify: also check that the log still holds this anchor (from “audit anchor”)"),
      N_ ("SEQ:HASH") },
    { NULL },
  };

  if (!pb_cli_parse_described (
          entries, synopsis,
          _ ("“audit anchor” prints the head of the audit log as SEQ:HASH (sequence and hash), "
             "including the audit.anchored row it adds. Keep it outside this computer, with IT. "
             "“audit verify --anchor SEQ:HASH” then proves that nobody — even with a password "
             "and the disk — rewrote the log up to that row."),
          &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 2
      || !(g_str_equal (argv[1], "list") || g_str_equal (argv[1], "verify")
           || g_str_equal (argv[1], "export") || g_str_equal (argv[1], "anchor")))
    return pb_cli_usage (synopsis, NULL);
  if (anchor != NULL && !g_str_equal (argv[1], "verify"))
    return pb_cli_usage (synopsis, _ ("--anchor goes with audit verify."));
  dir = pb_cli_store_dir (ctx);
  if (bench != NULL
      && (!(g_str_equal (argv[1], "list") || g_str_equal (argv[1], "export"))
          || !pb_site_config_exists (dir)))
    return pb_cli_usage (synopsis,
                         _ ("--bench goes with audit list and export, at a bench in a site."));
  if (anchor != NULL)
    {
      g_autofree char *anchor_hash = NULL;
      gint64 anchor_seq = 0;

      if (!pb_audit_parse_anchor (anchor, &anchor_seq, &anchor_hash, &error))
        return pb_cli_usage (synopsis, error->message);
    }

  if (g_str_equal (argv[1], "anchor"))
    {
      session = pb_cli_login (ctx, user, &exit_code);
      if (session == NULL)
        return exit_code;
      if (!pb_session_require (session, PB_ACTION_EXPORT_AUDIT, NULL, &error))
        return pb_cli_fail (error);
      return audit_anchor (session, json);
    }

  if (g_str_equal (argv[1], "export"))
    {
      PbAuditFilter filter = { .action = action, .actor = actor };
      g_autoptr (GFile) file = NULL;
      g_autoptr (GFileOutputStream) out = NULL;
      g_autoptr (GPtrArray) rows = NULL;
      PbSite *site;
      guint n_rows = 0;

      if (output == NULL)
        return pb_cli_usage (synopsis, _ ("audit export needs --output FILE."));
      if ((since != NULL && !pb_cli_parse_since (since, &filter.since))
          || (until != NULL && !pb_cli_parse_until (until, &filter.until)))
        return pb_cli_usage (synopsis, _ ("--since and --until need a date or time in ISO 8601, "
                                          "such as 2026-11-29 or 2026-11-29T08:00:00Z."));

      session = pb_cli_login (ctx, user, &exit_code);
      if (session == NULL)
        return exit_code;
      if (!pb_session_require (session, PB_ACTION_EXPORT_AUDIT, NULL, &error))
        return pb_cli_fail (error);

      site = pb_cli_site_with_audit (ctx, session);
      if (site != NULL)
        {
          rows = pb_site_list_audit (site, &filter, bench, &error);
          if (rows == NULL)
            return pb_cli_fail (error);
        }
      else if (bench != NULL)
        {
          fprintf (stderr, "%s\n",
                   _ ("The site database cannot be reached: only this bench’s audit log can be "
                      "exported now."));
          return PB_EXIT_FAILED;
        }

      file = g_file_new_for_commandline_arg (output);
      out = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_PRIVATE, NULL, &error);
      if (out == NULL
          || !(rows != NULL ? pb_audit_export_entries_csv (
                   pb_session_get_store (session), pb_session_get_username (session), rows,
                   G_OUTPUT_STREAM (out), &n_rows, NULL, &error)
                            : pb_audit_export_csv (pb_session_get_store (session),
                                                   pb_session_get_username (session), &filter,
                                                   G_OUTPUT_STREAM (out), &n_rows, NULL, &error)))
        return pb_cli_fail (error);
      fprintf (stderr, _ ("Exported %u audit rows to %s.\n"), n_rows, output);
      return PB_EXIT_OK;
    }

  if (g_str_equal (argv[1], "list"))
    {
      PbAuditFilter filter = { 0 };
      g_autoptr (GPtrArray) entries_list = NULL;
      g_autoptr (JsonBuilder) builder = json_builder_new ();
      PbSite *site;

      if ((since != NULL && !pb_cli_parse_since (since, &filter.since))
          || (until != NULL && !pb_cli_parse_until (until, &filter.until)))
        return pb_cli_usage (synopsis, _ ("--since and --until need a date or time in ISO 8601, "
                                          "such as 2026-11-29 or 2026-11-29T08:00:00Z."));

      session = pb_cli_login (ctx, user, &exit_code);
      if (session == NULL)
        return exit_code;
      if (!pb_session_require (session, PB_ACTION_VIEW_AUDIT, NULL, &error))
        return pb_cli_fail (error);

      filter.action = action;
      filter.actor = actor;
      site = pb_cli_site_with_audit (ctx, session);
      if (site != NULL)
        entries_list = pb_site_list_audit (site, &filter, bench, &error);
      else if (bench != NULL)
        {
          fprintf (stderr, "%s\n",
                   _ ("The site database cannot be reached: only this bench’s audit log can be "
                      "read now."));
          return PB_EXIT_FAILED;
        }
      else
        entries_list = pb_audit_list (pb_session_get_store (session), &filter, &error);
      if (entries_list == NULL)
        return pb_cli_fail (error);

      json_builder_begin_array (builder);
      for (guint i = 0; i < entries_list->len; i++)
        {
          PbAuditEntry *entry = g_ptr_array_index (entries_list, i);
          g_autofree char *time = pb_cli_format_time (entry->time);

          if (json)
            {
              json_builder_begin_object (builder);
              json_builder_set_member_name (builder, "seq");
              json_builder_add_int_value (builder, entry->seq);
              json_builder_set_member_name (builder, "time");
              json_builder_add_string_value (builder, time);
              json_builder_set_member_name (builder, "operator");
              json_builder_add_string_value (builder, entry->actor);
              json_builder_set_member_name (builder, "action");
              json_builder_add_string_value (builder, entry->action);
              json_builder_set_member_name (builder, "subject");
              json_builder_add_string_value (builder, entry->subject);
              json_builder_set_member_name (builder, "outcome");
              json_builder_add_string_value (builder, entry->outcome);
              json_builder_set_member_name (builder, "detail");
              json_builder_add_string_value (builder, entry->detail);
              if (entry->bench != NULL)
                {
                  json_builder_set_member_name (builder, "bench");
                  json_builder_add_string_value (builder, entry->bench);
                }
              json_builder_end_object (builder);
            }
          else if (entry->bench != NULL)
            printf ("%-12s %6" PRId64 "  %s  %-12s %-22s %-20s %-7s %s\n", entry->bench, entry->seq,
                    time, entry->actor, entry->action, entry->subject, entry->outcome,
                    entry->detail);
          else
            printf ("%6" PRId64 "  %s  %-12s %-22s %-20s %-7s %s\n", entry->seq, time, entry->actor,
                    entry->action, entry->subject, entry->outcome, entry->detail);
        }
      json_builder_end_array (builder);
      if (json)
        pb_cli_print_json (builder);
      return PB_EXIT_OK;
    }
  else
    {
      session = pb_cli_login (ctx, user, &exit_code);
      if (session == NULL)
        return exit_code;
      if (!pb_session_require (session, PB_ACTION_VIEW_AUDIT, NULL, &error))
        return pb_cli_fail (error);
      exit_code = audit_verify (session, anchor);
      if (exit_code != PB_EXIT_OK)
        return exit_code;
      return audit_verify_site (ctx, session);
    }
}
