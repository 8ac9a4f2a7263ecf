/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <json-glib/json-glib.h>
#include <stdio.h>

#include "pb-cli-commands.h"
#include "pb-cli-common.h"
#include "station/pb-site-admin.h"
#include "station/pb-site-bench.h"
#include "store/pb-activity.h"
#include "util/pb-secure.h"

/* The database password comes first, before the operator's lines, like
 * every other secret: prompted on a terminal, a line of standard input in
 * a script. */
static char *
read_db_password (void)
{
  return pb_cli_read_secret (_ ("Password of the site database (empty for none): "));
}

static int
site_create (PbCliContext *ctx, int argc, char **argv)
{
  static const char *synopsis = "site create URI [--bench NAME] --user ADMIN";
  g_autofree char *user = NULL;
  g_autofree char *bench = NULL;
  g_autoptr (PbSession) session = NULL;
  g_autoptr (GError) error = NULL;
  char *db_password;
  gboolean ok;
  int exit_code;
  GOptionEntry entries[] = {
    { "user", 0, 0, G_OPTION_ARG_STRING, &user, N_ ("Who you are"), N_ ("NAME") },
    { "bench", 0, 0, G_OPTION_ARG_STRING, &bench, N_ ("This bench’s name in the site"),
      N_ ("NAME") },
    { NULL },
  };

  if (!pb_cli_parse (entries, synopsis, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 2)
    return pb_cli_usage (synopsis, _ ("site create needs the database’s URI."));
  if (!pb_site_check_uri (argv[1], &error))
    return pb_cli_fail (error);
  if (bench == NULL)
    bench = g_strdup (g_get_host_name ());

  db_password = read_db_password ();
  if (db_password == NULL)
    {
      fprintf (stderr, "%s\n", _ ("No database password line given (an empty line for none)."));
      return PB_EXIT_AUTH;
    }
  session = pb_cli_login (ctx, user, &exit_code);
  if (session == NULL)
    {
      pb_secure_free_string (db_password);
      return exit_code;
    }
  ok = pb_session_require (session, PB_ACTION_MANAGE_SITE, bench, &error)
       && pb_site_bench_create (pb_session_get_store (session), argv[1], db_password, bench,
                                pb_session_get_username (session), &error);
  pb_secure_free_string (db_password);
  if (!ok)
    return pb_cli_fail (error);
  printf (_ ("This bench is now “%s”, the first bench of the site.\n"), bench);
  return PB_EXIT_OK;
}

static int
site_join (PbCliContext *ctx, int argc, char **argv)
{
  static const char *synopsis = "site join URI --bench NAME --user ADMIN";
  g_autofree char *user = NULL;
  g_autofree char *bench = NULL;
  g_autofree char *dir = pb_cli_store_dir (ctx);
  g_autofree char *prompt = NULL;
  g_autoptr (PbSite) site = NULL;
  g_autoptr (PbSession) session = NULL;
  g_autoptr (GError) error = NULL;
  char *db_password = NULL;
  char *password = NULL;
  int exit_code;
  GOptionEntry entries[] = {
    { "user", 0, 0, G_OPTION_ARG_STRING, &user, N_ ("An administrator of the site"), N_ ("NAME") },
    { "bench", 0, 0, G_OPTION_ARG_STRING, &bench, N_ ("This bench’s name in the site"),
      N_ ("NAME") },
    { NULL },
  };

  if (!pb_cli_parse (entries, synopsis, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 2 || bench == NULL || user == NULL)
    return pb_cli_usage (synopsis,
                         _ ("site join needs the database’s URI, --bench NAME and --user ADMIN."));
  if (!pb_site_check_uri (argv[1], &error))
    return pb_cli_fail (error);

  db_password = read_db_password ();
  if (db_password == NULL)
    {
      fprintf (stderr, "%s\n", _ ("No database password line given (an empty line for none)."));
      return PB_EXIT_AUTH;
    }
  site = pb_site_connect (argv[1], db_password, &error);
  if (site == NULL)
    goto fail;
  prompt = g_strdup_printf (_ ("Password for %s: "), user);
  password = pb_cli_read_secret (prompt);
  if (password == NULL)
    {
      fprintf (stderr, "%s\n", _ ("No password given."));
      pb_secure_free_string (db_password);
      return PB_EXIT_AUTH;
    }
  if (!pb_site_bench_join_prepare (dir, site, user, password, &error))
    {
      pb_secure_free_string (password);
      pb_secure_free_string (db_password);
      return error->domain == PB_SITE_ERROR && error->code == PB_SITE_ERROR_FAILED
                 ? (fprintf (stderr, "%s\n", error->message), PB_EXIT_AUTH)
                 : pb_cli_fail (error);
    }
  /* A whole login here, second factor included, by an administrator. */
  session = pb_cli_login_with_password (ctx, user, password, &exit_code);
  pb_secure_free_string (g_steal_pointer (&password));
  if (session == NULL)
    {
      pb_site_bench_join_abort (dir);
      pb_secure_free_string (db_password);
      return exit_code;
    }
  if (!pb_session_require (session, PB_ACTION_MANAGE_SITE, bench, &error)
      || !pb_site_bench_join_finish (pb_session_get_store (session), site, argv[1], db_password,
                                     bench, pb_session_get_username (session), &error))
    {
      g_clear_object (&session);
      pb_site_bench_join_abort (dir);
      goto fail;
    }
  pb_secure_free_string (db_password);
  printf (_ ("This bench has joined the site as “%s”.\n"), bench);
  return PB_EXIT_OK;

fail:
  pb_secure_free_string (db_password);
  return pb_cli_fail (error);
}

static int
site_status (PbCliContext *ctx, int argc, char **argv)
{
  static const char *synopsis = "site status [--json]";
  g_autofree char *dir = pb_cli_store_dir (ctx);
  g_auto (PbSiteStatus) status = { 0 };
  g_autoptr (GError) error = NULL;
  gboolean json = FALSE;
  int exit_code;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_ ("Print JSON"), NULL },
    { NULL },
  };

  if (!pb_cli_parse (entries, synopsis, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 1)
    return pb_cli_usage (synopsis, NULL);
  if (!pb_site_bench_status (dir, &status, &error))
    return pb_cli_fail (error);

  if (json)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "site");
      if (status.in_site)
        json_builder_add_string_value (builder, status.site_id);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "bench");
      if (status.in_site)
        json_builder_add_string_value (builder, status.bench);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "connected");
      json_builder_add_boolean_value (builder, status.connection != NULL);
      json_builder_set_member_name (builder, "connection");
      if (status.connection != NULL)
        json_builder_add_string_value (builder, status.connection);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "error");
      if (status.connection_error != NULL)
        json_builder_add_string_value (builder, status.connection_error);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "leader");
      json_builder_add_boolean_value (builder, status.leader != NULL
                                                   && g_strcmp0 (status.leader, status.bench) == 0);
      json_builder_set_member_name (builder, "leader_bench");
      if (status.leader != NULL)
        json_builder_add_string_value (builder, status.leader);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "schema_version");
      json_builder_add_int_value (builder, status.schema_version);
      json_builder_set_member_name (builder, "known_schema_version");
      json_builder_add_int_value (builder, status.known_schema_version);
      json_builder_end_object (builder);
      pb_cli_print_json (builder);
    }
  else if (!status.in_site)
    printf ("%s\n", _ ("This bench is not in a site (solo)."));
  else
    {
      g_autofree char *bench = pb_cli_printable (status.bench);
      g_autofree char *leader = pb_cli_printable (status.leader);

      printf (_ ("Site:       %s\n"), status.site_id);
      printf (_ ("Bench:      %s\n"), bench);
      if (status.connection != NULL)
        {
          printf (_ ("Connection: %s\n"), status.connection);
          printf (_ ("Schema:     %d (this Packbench knows up to %d)\n"), status.schema_version,
                  status.known_schema_version);
          if (leader == NULL)
            printf ("%s\n", _ ("Leader:     none (no bench is running the site’s sync)"));
          else if (g_strcmp0 (status.leader, status.bench) == 0)
            printf ("%s\n", _ ("Leader:     this bench"));
          else
            printf (_ ("Leader:     %s\n"), leader);
        }
      else
        printf (_ ("Connection: cannot reach the site database (%s)\n"), status.connection_error);
    }
  return status.in_site && status.connection == NULL ? PB_EXIT_FAILED : PB_EXIT_OK;
}

static int
site_leave (PbCliContext *ctx, int argc, char **argv)
{
  static const char *synopsis = "site leave --user ADMIN";
  g_autofree char *user = NULL;
  g_autofree char *warning = NULL;
  g_autoptr (PbSession) session = NULL;
  g_autoptr (GError) error = NULL;
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
  if (!pb_session_require (session, PB_ACTION_MANAGE_SITE, NULL, &error)
      || !pb_site_bench_leave (pb_session_get_store (session), pb_session_get_username (session),
                               &warning, &error))
    return pb_cli_fail (error);
  if (warning != NULL)
    fprintf (stderr, "%s\n", warning);
  printf ("%s\n", _ ("This bench has left the site and works alone again."));
  return PB_EXIT_OK;
}

static int
site_release (PbCliContext *ctx, int argc, char **argv)
{
  static const char *synopsis = "site release ORDER [--take] [--force] --user SUPERVISOR";
  g_autofree char *user = NULL;
  g_autoptr (PbSession) session = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (PbSiteClaim) was = { 0 };
  g_autofree char *detail = NULL;
  gboolean force = FALSE;
  gboolean take = FALSE;
  PbSite *site;
  int exit_code;
  GOptionEntry entries[] = {
    { "user", 0, 0, G_OPTION_ARG_STRING, &user, N_ ("Who you are"), N_ ("NAME") },
    { "take", 0, 0, G_OPTION_ARG_NONE, &take,
      N_ ("Take the order over for this bench instead of putting it back in the queue"), NULL },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force,
      N_ ("Release it even though its bench is still heard from"), NULL },
    { NULL },
  };

  if (!pb_cli_parse (entries, synopsis, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 2)
    return pb_cli_usage (synopsis, _ ("site release needs the order’s id."));
  session = pb_cli_login (ctx, user, &exit_code);
  if (session == NULL)
    return exit_code;
  if (!pb_session_require (session, PB_ACTION_RELEASE_CLAIM, argv[1], &error))
    return pb_cli_fail (error);
  site = pb_cli_site (ctx);
  if (site == NULL)
    {
      fprintf (stderr, "%s\n", _ ("This bench is not in a site, or the site cannot be reached."));
      return PB_EXIT_FAILED;
    }
  if (take)
    {
      if (!pb_site_take_over (site, argv[1], pb_session_get_username (session),
                              force ? 0 : PB_SITE_STALE_SECONDS, &was, &error))
        {
          exit_code = pb_cli_fail (error);
          if (!force && g_error_matches (error, PB_SITE_ERROR, PB_SITE_ERROR_CLAIMED))
            fprintf (stderr, "%s\n", _ ("Or take it over anyway with --force."));
          return exit_code;
        }
    }
  else if (!pb_site_release_held (site, argv[1], force ? 0 : PB_SITE_STALE_SECONDS, &was, &error))
    return pb_cli_fail (error);
  detail = g_strdup_printf (PB_ACTIVITY_HELD_AT, was.bench,
                            was.operator_name != NULL ? was.operator_name : "—");
  pb_session_audit (session, take ? PB_ACTIVITY_CLAIM_TAKEN_OVER : PB_ACTIVITY_CLAIM_RELEASED,
                    argv[1], "ok", detail, NULL);
  {
    g_autofree char *bench = pb_cli_printable (was.bench);
    g_autofree char *holder = pb_cli_printable (was.operator_name);

    if (take)
      printf (_ ("Order %s is this bench’s now, in your name (it was held at %s by %s): ship it "
                 "here.\n"),
              argv[1], bench, holder);
    else
      printf (_ ("Order %s is free again (it was held at %s by %s).\n"), argv[1], bench, holder);
  }
  return PB_EXIT_OK;
}

static char *
format_utc (gint64 when)
{
  g_autoptr (GDateTime) time = when > 0 ? g_date_time_new_from_unix_utc (when) : NULL;

  return time ? g_date_time_format_iso8601 (time) : NULL;
}

static void
add_time_member (JsonBuilder *builder, const char *name, gint64 when)
{
  g_autofree char *text = format_utc (when);

  json_builder_set_member_name (builder, name);
  if (text != NULL)
    json_builder_add_string_value (builder, text);
  else
    json_builder_add_null_value (builder);
}

static int
site_benches (PbCliContext *ctx, int argc, char **argv)
{
  static const char *synopsis = "site benches [--json]";
  g_autofree char *dir = pb_cli_store_dir (ctx);
  g_autoptr (GPtrArray) benches = NULL;
  g_autofree char *leader = NULL;
  g_autoptr (GError) error = NULL;
  gboolean in_site = FALSE;
  gboolean json = FALSE;
  int exit_code;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_ ("Print JSON"), NULL },
    { NULL },
  };

  if (!pb_cli_parse (entries, synopsis, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 1)
    return pb_cli_usage (synopsis, NULL);
  if (!pb_site_admin_list_benches (dir, &in_site, &benches, &leader, &error))
    return pb_cli_fail (error);
  if (!in_site)
    {
      fprintf (stderr, "%s\n", _ ("This bench is not in a site (solo): it has no other benches."));
      return PB_EXIT_FAILED;
    }

  if (json)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new ();

      json_builder_begin_array (builder);
      for (guint i = 0; i < benches->len; i++)
        {
          PbSiteBenchInfo *info = g_ptr_array_index (benches, i);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, info->name);
          json_builder_set_member_name (builder, "version");
          json_builder_add_string_value (builder, info->version);
          add_time_member (builder, "joined_at", info->joined_at);
          add_time_member (builder, "last_seen", info->last_seen);
          add_time_member (builder, "removed_at", info->removed_at);
          json_builder_set_member_name (builder, "leader");
          json_builder_add_boolean_value (builder, g_strcmp0 (leader, info->name) == 0);
          json_builder_set_member_name (builder, "printer");
          if (info->printer_state != NULL)
            json_builder_add_string_value (builder, info->printer_state);
          else
            json_builder_add_null_value (builder);
          add_time_member (builder, "printer_checked_at", info->printer_checked_at);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      pb_cli_print_json (builder);
      return PB_EXIT_OK;
    }
  for (guint i = 0; i < benches->len; i++)
    {
      PbSiteBenchInfo *info = g_ptr_array_index (benches, i);
      g_autofree char *name = pb_cli_printable (info->name);
      g_autofree char *version = pb_cli_printable (info->version);
      g_autofree char *seen = format_utc (info->last_seen);

      printf (_ ("%s: Packbench %s, last seen %s, printer %s%s%s\n"), name, version,
              seen ? seen : "—", info->printer_state ? info->printer_state : "—",
              g_strcmp0 (leader, info->name) == 0 ? _ (", runs the site’s sync") : "",
              info->removed_at != 0 ? _ (", removed") : "");
    }
  return PB_EXIT_OK;
}

static int
site_remove_bench (PbCliContext *ctx, int argc, char **argv)
{
  static const char *synopsis = "site remove-bench NAME --user ADMIN";
  g_autofree char *user = NULL;
  g_autoptr (PbSession) session = NULL;
  g_autoptr (GError) error = NULL;
  int exit_code;
  GOptionEntry entries[] = {
    { "user", 0, 0, G_OPTION_ARG_STRING, &user, N_ ("Who you are"), N_ ("NAME") },
    { NULL },
  };

  if (!pb_cli_parse (entries, synopsis, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 2)
    return pb_cli_usage (synopsis, _ ("site remove-bench needs the bench’s name."));
  session = pb_cli_login (ctx, user, &exit_code);
  if (session == NULL)
    return exit_code;
  if (!pb_session_require (session, PB_ACTION_MANAGE_SITE, argv[1], &error)
      || !pb_site_admin_remove_bench (pb_session_get_store (session), argv[1],
                                      pb_session_get_username (session), &error))
    return pb_cli_fail (error);
  {
    g_autofree char *name = pb_cli_printable (argv[1]);

    printf (_ ("Bench %s is removed from the site: its orders are free again, its audit chain "
               "is kept.\n"),
            name);
  }
  return PB_EXIT_OK;
}

static int
site_problems (PbCliContext *ctx, int argc, char **argv)
{
  static const char *synopsis = "site problems [--json] --user SUPERVISOR";
  g_autofree char *user = NULL;
  g_autoptr (PbSession) session = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (PbSiteProblems) problems = { 0 };
  g_autoptr (GList) orders = NULL;
  gboolean json = FALSE;
  int exit_code;
  GOptionEntry entries[] = {
    { "user", 0, 0, G_OPTION_ARG_STRING, &user, N_ ("Who you are"), N_ ("NAME") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_ ("Print JSON"), NULL },
    { NULL },
  };

  if (!pb_cli_parse (entries, synopsis, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 1)
    return pb_cli_usage (synopsis, NULL);
  session = pb_cli_login (ctx, user, &exit_code);
  if (session == NULL)
    return exit_code;
  if (!pb_session_require (session, PB_ACTION_RESOLVE_OUTBOX, NULL, &error)
      || !pb_site_admin_list_problems (pb_session_get_store (session), &problems, &error))
    return pb_cli_fail (error);
  if (!problems.in_site)
    {
      fprintf (stderr, "%s\n",
               _ ("This bench is not in a site (solo): its problems are in "
                  "“outbox list” and “labels list”."));
      return PB_EXIT_FAILED;
    }
  orders = g_list_sort (g_hash_table_get_keys (problems.silent), (GCompareFunc)g_strcmp0);

  if (json)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "silent_claims");
      json_builder_begin_array (builder);
      for (GList *l = orders; l != NULL; l = l->next)
        {
          PbSiteClaim *claim = g_hash_table_lookup (problems.silent, l->data);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "order_id");
          json_builder_add_string_value (builder, l->data);
          json_builder_set_member_name (builder, "bench");
          json_builder_add_string_value (builder, claim->bench);
          json_builder_set_member_name (builder, "operator");
          json_builder_add_string_value (builder, claim->operator_name);
          add_time_member (builder, "since", claim->since);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "cancelled_labels");
      json_builder_begin_array (builder);
      for (guint i = 0; i < problems.cancelled->len; i++)
        {
          PbSiteLabel *label = g_ptr_array_index (problems.cancelled, i);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "order_id");
          json_builder_add_string_value (builder, label->order_id);
          json_builder_set_member_name (builder, "tracking_number");
          json_builder_add_string_value (builder, label->tracking_number);
          json_builder_set_member_name (builder, "bench");
          json_builder_add_string_value (builder, label->bench);
          add_time_member (builder, "labelled_at", label->labelled_at);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "outbox");
      json_builder_begin_array (builder);
      for (guint i = 0; i < problems.outbox->len; i++)
        {
          PbSiteOutboxItem *item = g_ptr_array_index (problems.outbox, i);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "bench");
          json_builder_add_string_value (builder, item->bench);
          json_builder_set_member_name (builder, "id");
          json_builder_add_int_value (builder, item->item);
          json_builder_set_member_name (builder, "kind");
          json_builder_add_string_value (builder, item->kind);
          json_builder_set_member_name (builder, "order_id");
          if (item->order_id != NULL)
            json_builder_add_string_value (builder, item->order_id);
          else
            json_builder_add_null_value (builder);
          json_builder_set_member_name (builder, "state");
          json_builder_add_string_value (builder, item->state);
          json_builder_set_member_name (builder, "attempts");
          json_builder_add_int_value (builder, item->attempts);
          add_time_member (builder, "next_attempt_at", item->next_attempt_at);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      pb_cli_print_json (builder);
      return PB_EXIT_OK;
    }
  for (GList *l = orders; l != NULL; l = l->next)
    {
      PbSiteClaim *claim = g_hash_table_lookup (problems.silent, l->data);
      g_autofree char *bench = pb_cli_printable (claim->bench);
      g_autofree char *holder = pb_cli_printable (claim->operator_name);

      printf (_ ("Order %s is held at %s by %s, and %s has gone quiet: “site release %s” frees "
                 "it, “site release %s --take” takes it over for this bench.\n"),
              (char *)l->data, bench, holder, bench, (char *)l->data, (char *)l->data);
    }
  for (guint i = 0; i < problems.cancelled->len; i++)
    {
      PbSiteLabel *label = g_ptr_array_index (problems.cancelled, i);
      g_autofree char *bench = pb_cli_printable (label->bench);

      printf (_ ("Order %s was cancelled after its label (%s) was bought at %s: void it at "
                 "%s.\n"),
              label->order_id, label->tracking_number, bench, bench);
    }
  for (guint i = 0; i < problems.outbox->len; i++)
    {
      PbSiteOutboxItem *item = g_ptr_array_index (problems.outbox, i);
      g_autofree char *bench = pb_cli_printable (item->bench);

      printf (_ ("%s, outbox item %" PRId64 " (%s, order %s): %s after %d attempts; "
                 "retry or discard it at %s.\n"),
              bench, item->item, item->kind, item->order_id ? item->order_id : "—", item->state,
              item->attempts, bench);
    }
  if (orders == NULL && problems.cancelled->len == 0 && problems.outbox->len == 0)
    printf ("%s\n", _ ("The other benches of the site have no problems."));
  return PB_EXIT_OK;
}

int
pb_cli_cmd_site (PbCliContext *ctx, int argc, char **argv)
{
  static const char *synopsis
      = "site create|join|status|leave|release|benches|remove-bench|problems …";

  if (argc < 2)
    return pb_cli_usage (
        synopsis,
        _ ("Say what to do: create, join, status, leave, release, benches, remove-bench or "
           "problems."));
  if (g_str_equal (argv[1], "create"))
    return site_create (ctx, argc - 1, argv + 1);
  if (g_str_equal (argv[1], "join"))
    return site_join (ctx, argc - 1, argv + 1);
  if (g_str_equal (argv[1], "status"))
    return site_status (ctx, argc - 1, argv + 1);
  if (g_str_equal (argv[1], "leave"))
    return site_leave (ctx, argc - 1, argv + 1);
  if (g_str_equal (argv[1], "release"))
    return site_release (ctx, argc - 1, argv + 1);
  if (g_str_equal (argv[1], "benches"))
    return site_benches (ctx, argc - 1, argv + 1);
  if (g_str_equal (argv[1], "remove-bench"))
    return site_remove_bench (ctx, argc - 1, argv + 1);
  if (g_str_equal (argv[1], "problems"))
    return site_problems (ctx, argc - 1, argv + 1);
  return pb_cli_usage (
      synopsis, _ ("Say what to do: create, join, status, leave, release, benches, remove-bench or "
                   "problems."));
}
