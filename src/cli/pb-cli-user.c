/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <stdio.h>

#include "pb-cli-commands.h"
#include "pb-cli-common.h"
#include "station/pb-site-bench.h"
#include "store/pb-audit.h"
#include "store/pb-operator.h"
#include "store/pb-password-policy.h"
#include "util/pb-clock.h"
#include "util/pb-secure.h"

static const char *synopsis = "user add NAME --role ROLE [--full-name TEXT] | list [--json] | "
                              "disable NAME | enable NAME | unlock NAME | passwd NAME | "
                              "totp NAME | role NAME ROLE | review  --user NAME";

static void
print_totp (const char *uri)
{
  if (uri == NULL)
    return;
  fprintf (stderr, "%s\n", _ ("Add this to the operator’s authenticator app:"));
  printf ("TOTP: %s\n", uri);
}

static int
list_operators (PbSession *session, gboolean json)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) operators = NULL;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  gint64 now = pb_clock_now_unix ();

  if (!pb_session_require (session, PB_ACTION_MANAGE_PACKERS, NULL, &error))
    return pb_cli_fail (error);
  operators = pb_operator_list (pb_session_get_store (session), &error);
  if (operators == NULL)
    return pb_cli_fail (error);

  json_builder_begin_array (builder);
  for (guint i = 0; i < operators->len; i++)
    {
      PbOperator *op = g_ptr_array_index (operators, i);
      const char *name = pb_operator_get_username (op);
      gint64 locked_until = pb_session_get_locked_until (session, name);
      gint64 age_days = (now - pb_operator_get_password_changed_at (op)) / 86400;
      g_autofree char *last_login = pb_cli_format_time (pb_operator_get_last_login_at (op));
      const char *status = pb_operator_get_disabled (op) ? "disabled"
                           : locked_until > 0            ? "locked"
                                                         : "active";

      if (json)
        {
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "username");
          json_builder_add_string_value (builder, name);
          json_builder_set_member_name (builder, "full_name");
          json_builder_add_string_value (builder, pb_operator_get_full_name (op));
          json_builder_set_member_name (builder, "role");
          json_builder_add_string_value (builder, pb_role_to_string (pb_operator_get_role (op)));
          json_builder_set_member_name (builder, "status");
          json_builder_add_string_value (builder, status);
          json_builder_set_member_name (builder, "totp");
          json_builder_add_boolean_value (builder, pb_operator_has_totp (op));
          json_builder_set_member_name (builder, "password_age_days");
          json_builder_add_int_value (builder, age_days);
          json_builder_set_member_name (builder, "must_change_password");
          json_builder_add_boolean_value (builder, pb_operator_get_must_change_password (op));
          json_builder_set_member_name (builder, "last_login");
          json_builder_add_string_value (builder, last_login);
          json_builder_end_object (builder);
        }
      else
        printf ("%-20s %-10s %-8s %-4s %4" G_GINT64_FORMAT "d  %-20s %s\n", name,
                pb_role_to_string (pb_operator_get_role (op)), status,
                pb_operator_has_totp (op) ? "2fa" : "-", age_days, last_login,
                pb_operator_get_full_name (op));
    }
  json_builder_end_array (builder);

  if (json)
    pb_cli_print_json (builder);
  else
    {
      g_autofree char *reviewer = NULL;
      g_autofree char *bench = NULL;
      g_autofree char *when_text = NULL;
      gint64 when = 0;

      /* At a site, the newest review at any bench: it covers them all. */
      if (!pb_site_bench_last_access_review (pb_session_get_store (session), &when, &reviewer,
                                             &bench, &error))
        return pb_cli_fail (error);
      when_text = pb_cli_format_time (when);
      printf ("\n");
      if (when <= 0)
        printf ("%s\n", _ ("Access has never been reviewed."));
      else if (bench != NULL)
        printf (_ ("Access last reviewed at %s by %s, at %s.\n"), when_text, reviewer, bench);
      else
        printf (_ ("Access last reviewed at %s by %s.\n"), when_text, reviewer);
    }
  return PB_EXIT_OK;
}

/* Asks for a password for someone else (or oneself) and hands it to @apply. */
static char *
read_password_for (const char *name)
{
  g_autofree char *prompt = g_strdup_printf (_ ("New password for %s: "), name);
  return pb_cli_read_new_password (prompt);
}

int
pb_cli_cmd_user (PbCliContext *ctx, int argc, char **argv)
{
  g_autofree char *user = NULL;
  g_autofree char *role_text = NULL;
  g_autofree char *full_name = NULL;
  g_autofree char *totp_uri = NULL;
  g_autoptr (PbSession) session = NULL;
  g_autoptr (GError) error = NULL;
  gboolean json = FALSE;
  gboolean ok = FALSE;
  const char *verb;
  const char *name;
  PbRole role = PB_ROLE_PACKER;
  int exit_code;
  GOptionEntry entries[] = {
    { "user", 0, 0, G_OPTION_ARG_STRING, &user, N_ ("Who you are"), N_ ("NAME") },
    { "role", 0, 0, G_OPTION_ARG_STRING, &role_text, N_ ("packer, supervisor or admin"),
      N_ ("ROLE") },
    { "full-name", 0, 0, G_OPTION_ARG_STRING, &full_name, N_ ("The operator’s full name"),
      N_ ("TEXT") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_ ("Print JSON"), NULL },
    { NULL },
  };

  if (!pb_cli_parse (entries, synopsis, &argc, &argv, &exit_code))
    return exit_code;
  if (argc < 2)
    return pb_cli_usage (synopsis, NULL);
  verb = argv[1];

  if (g_str_equal (verb, "list"))
    {
      if (argc != 2)
        return pb_cli_usage (synopsis, NULL);
      session = pb_cli_login (ctx, user, &exit_code);
      return session ? list_operators (session, json) : exit_code;
    }

  if (g_str_equal (verb, "review"))
    {
      gint64 when = 0;
      g_autofree char *reviewer = NULL;
      g_autofree char *when_text = NULL;
      guint n_operators = 0;

      if (argc != 2)
        return pb_cli_usage (synopsis, NULL);
      session = pb_cli_login (ctx, user, &exit_code);
      if (session == NULL)
        return exit_code;
      if (!pb_session_mark_access_reviewed (session, &n_operators, &error)
          || !pb_audit_get_last_access_review (pb_session_get_store (session), &when, &reviewer,
                                               &error))
        return pb_cli_fail (error);
      when_text = pb_cli_format_time (when);
      printf (_ ("Access reviewed: %u operators, by %s at %s.\n"), n_operators, reviewer,
              when_text);
      if (pb_site_config_exists (pb_store_get_dir (pb_session_get_store (session))))
        fprintf (stderr, "%s\n",
                 _ ("The site’s operators are one set: this review counts for every bench of "
                    "the site."));
      return PB_EXIT_OK;
    }

  if (argc < 3)
    return pb_cli_usage (synopsis, NULL);
  name = argv[2];

  if (g_str_equal (verb, "add"))
    {
      char *password;

      if (argc != 3 || role_text == NULL)
        return pb_cli_usage (synopsis, _ ("user add needs NAME and --role ROLE."));
      if (!pb_role_from_string (role_text, &role))
        return pb_cli_usage (synopsis, _ ("The role must be packer, supervisor or admin."));
      session = pb_cli_login (ctx, user, &exit_code);
      if (session == NULL)
        return exit_code;
      /* Ask before reading the new password, so a refusal loses no input. */
      if (!pb_session_require (session, PB_ACTION_MANAGE_PACKERS, name, &error))
        return pb_cli_fail (error);
      password = read_password_for (name);
      if (password == NULL)
        {
          fprintf (stderr, "%s\n", _ ("No password given; nobody was added."));
          return PB_EXIT_FAILED;
        }
      ok = pb_session_add_operator (session, name, full_name, role, password, &totp_uri, &error);
      pb_secure_free_string (password);
      if (!ok)
        return pb_cli_fail (error);
      fprintf (stderr,
               _ ("Added %s as %s. The password is temporary: it must be changed at the "
                  "first login.\n"),
               name, role_text);
      print_totp (totp_uri);
      return PB_EXIT_OK;
    }

  if (g_str_equal (verb, "role"))
    {
      if (argc != 4 || !pb_role_from_string (argv[3], &role))
        return pb_cli_usage (synopsis, _ ("user role needs NAME and packer, supervisor or admin."));
      session = pb_cli_login (ctx, user, &exit_code);
      if (session == NULL)
        return exit_code;
      if (!pb_session_set_role (session, name, role, &totp_uri, &error))
        return pb_cli_fail (error);
      fprintf (stderr, _ ("%s is now %s.\n"), name, argv[3]);
      print_totp (totp_uri);
      return PB_EXIT_OK;
    }

  if (argc != 3)
    return pb_cli_usage (synopsis, NULL);

  if (g_str_equal (verb, "disable") || g_str_equal (verb, "unlock") || g_str_equal (verb, "totp"))
    {
      session = pb_cli_login (ctx, user, &exit_code);
      if (session == NULL)
        return exit_code;
      if (g_str_equal (verb, "disable"))
        ok = pb_session_disable_operator (session, name, &error);
      else if (g_str_equal (verb, "unlock"))
        ok = pb_session_unlock_operator (session, name, &error);
      else
        ok = pb_session_reset_totp (session, name, &totp_uri, &error);
      if (!ok)
        return pb_cli_fail (error);
      fprintf (stderr, _ ("Done: %s %s.\n"), verb, name);
      print_totp (totp_uri);
      if (g_str_equal (verb, "disable"))
        fprintf (stderr,
                 _ ("%s’s password no longer opens this store, but with an old copy of a backup "
                    "or of the keyslot file it still would. Change the store’s key now: "
                    "packbenchctl rekey --user NAME\n"),
                 name);
      return PB_EXIT_OK;
    }

  if (g_str_equal (verb, "enable") || g_str_equal (verb, "passwd"))
    {
      char *password;

      session = pb_cli_login (ctx, user, &exit_code);
      if (session == NULL)
        return exit_code;
      if (!pb_session_require (session,
                               g_ascii_strcasecmp (name, pb_session_get_username (session)) == 0
                                   ? PB_ACTION_CHANGE_OWN_PASSWORD
                                   : PB_ACTION_MANAGE_PACKERS,
                               name, &error))
        return pb_cli_fail (error);
      password = read_password_for (name);
      if (password == NULL)
        {
          fprintf (stderr, "%s\n", _ ("No password given; nothing was changed."));
          return PB_EXIT_FAILED;
        }
      if (g_str_equal (verb, "enable"))
        ok = pb_session_enable_operator (session, name, password, &error);
      else
        ok = pb_session_set_password (session, name, password, &error);
      pb_secure_free_string (password);
      if (!ok)
        return pb_cli_fail (error);
      fprintf (stderr, _ ("Done: %s %s.\n"), verb, name);
      return PB_EXIT_OK;
    }

  return pb_cli_usage (synopsis, NULL);
}
