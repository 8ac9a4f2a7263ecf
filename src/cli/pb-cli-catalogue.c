/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <stdio.h>

#include "pb-cli-commands.h"
#include "pb-cli-common.h"
#include "store/pb-catalogue.h"

int
pb_cli_cmd_catalogue (PbCliContext *ctx, int argc, char **argv)
{
  static const char *synopsis = "catalogue import FILE --user NAME";
  g_autofree char *user = NULL;
  g_autofree char *data = NULL;
  g_autoptr (PbSession) session = NULL;
  g_autoptr (GError) error = NULL;
  PbCatalogueImport result;
  gsize length;
  int exit_code;
  GOptionEntry entries[] = {
    { "user", 0, 0, G_OPTION_ARG_STRING, &user, N_ ("Who you are"), N_ ("NAME") },
    { NULL },
  };

  if (!pb_cli_parse (entries, synopsis, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 3 || !g_str_equal (argv[1], "import"))
    return pb_cli_usage (synopsis, NULL);

  /* Read the file before logging in, so a typo costs no login. */
  if (!g_file_get_contents (argv[2], &data, &length, &error))
    return pb_cli_fail (error);

  session = pb_cli_login (ctx, user, &exit_code);
  if (session == NULL)
    return exit_code;
  if (!pb_session_require (session, PB_ACTION_CHANGE_SETTINGS, "catalogue", &error))
    return pb_cli_fail (error);
  if (!pb_catalogue_import_csv (pb_session_get_store (session), data, length,
                                pb_session_get_username (session), &result, &error))
    return pb_cli_fail (error);

  printf (_ ("Catalogue: %u products added, %u updated.\n"), result.added, result.updated);
  return PB_EXIT_OK;
}

int
pb_cli_cmd_rules (PbCliContext *ctx, int argc, char **argv)
{
  static const char *synopsis
      = "rules list [--json] | add --format F --service CODE [--sku S] [--min-weight G] "
        "[--max-weight G] [--level next_day|prime|standard] [--destination D] | remove ID  "
        "--user NAME";
  g_autofree char *user = NULL;
  g_autofree char *format = NULL;
  g_autofree char *service = NULL;
  g_autofree char *sku = NULL;
  g_autofree char *level = NULL;
  g_autofree char *destination = NULL;
  g_autoptr (PbSession) session = NULL;
  g_autoptr (GError) error = NULL;
  gboolean json = FALSE;
  int min_weight = 0, max_weight = 0;
  int exit_code;
  GOptionEntry entries[] = {
    { "user", 0, 0, G_OPTION_ARG_STRING, &user, N_ ("Who you are"), N_ ("NAME") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format, N_ ("Package format"), N_ ("F") },
    { "service", 0, 0, G_OPTION_ARG_STRING, &service, N_ ("Royal Mail service code"), N_ ("CODE") },
    { "sku", 0, 0, G_OPTION_ARG_STRING, &sku, N_ ("Only orders holding this SKU"), N_ ("S") },
    { "min-weight", 0, 0, G_OPTION_ARG_INT, &min_weight, N_ ("Lightest total weight in grams"),
      N_ ("G") },
    { "max-weight", 0, 0, G_OPTION_ARG_INT, &max_weight, N_ ("Heaviest total weight in grams"),
      N_ ("G") },
    { "level", 0, 0, G_OPTION_ARG_STRING, &level, N_ ("Only this Amazon service level"), N_ ("L") },
    { "destination", 0, 0, G_OPTION_ARG_STRING, &destination,
      N_ ("Only this destination: gb, ni, ci, im, bfpo, international"), N_ ("D") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_ ("Print JSON"), NULL },
    { NULL },
  };

  if (!pb_cli_parse (entries, synopsis, &argc, &argv, &exit_code))
    return exit_code;
  if (argc < 2)
    return pb_cli_usage (synopsis, NULL);

  session = pb_cli_login (ctx, user, &exit_code);
  if (session == NULL)
    return exit_code;

  if (g_str_equal (argv[1], "list") && argc == 2)
    {
      g_autoptr (GPtrArray) rules = NULL;
      g_autoptr (JsonBuilder) builder = json_builder_new ();

      if (!pb_session_require (session, PB_ACTION_VIEW_SETTINGS, NULL, &error))
        return pb_cli_fail (error);
      rules = pb_rules_list (pb_session_get_store (session), &error);
      if (rules == NULL)
        return pb_cli_fail (error);
      json_builder_begin_array (builder);
      for (guint i = 0; i < rules->len; i++)
        {
          PbRule *rule = g_ptr_array_index (rules, i);

          if (!json)
            {
              printf ("%3" PRId64 "  sku=%s weight=%d-%d level=%s destination=%s -> %s %s\n",
                      rule->id, rule->sku ? rule->sku : "*", rule->min_weight_g, rule->max_weight_g,
                      rule->service_level ? rule->service_level : "*",
                      rule->destination ? rule->destination : "*", rule->package_format,
                      rule->service_code);
              continue;
            }
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "id");
          json_builder_add_int_value (builder, rule->id);
          json_builder_set_member_name (builder, "sku");
          json_builder_add_string_value (builder, rule->sku);
          json_builder_set_member_name (builder, "min_weight_g");
          json_builder_add_int_value (builder, rule->min_weight_g);
          json_builder_set_member_name (builder, "max_weight_g");
          json_builder_add_int_value (builder, rule->max_weight_g);
          json_builder_set_member_name (builder, "level");
          json_builder_add_string_value (builder, rule->service_level);
          json_builder_set_member_name (builder, "destination");
          json_builder_add_string_value (builder, rule->destination);
          json_builder_set_member_name (builder, "package_format");
          json_builder_add_string_value (builder, rule->package_format);
          json_builder_set_member_name (builder, "service_code");
          json_builder_add_string_value (builder, rule->service_code);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      if (json)
        pb_cli_print_json (builder);
      return PB_EXIT_OK;
    }

  if (!pb_session_require (session, PB_ACTION_CHANGE_SETTINGS, "rules", &error))
    return pb_cli_fail (error);

  if (g_str_equal (argv[1], "add") && argc == 2)
    {
      PbRule rule = {
        .sku = sku,
        .min_weight_g = min_weight,
        .max_weight_g = max_weight,
        .service_level = level,
        .destination = destination,
        .package_format = format,
        .service_code = service,
      };
      gint64 id;

      if (!pb_rules_add (pb_session_get_store (session), &rule, pb_session_get_username (session),
                         &id, &error))
        return pb_cli_fail (error);
      printf (_ ("Rule %" PRId64 " added.\n"), id);
      return PB_EXIT_OK;
    }
  if (g_str_equal (argv[1], "remove") && argc == 3)
    {
      guint64 id;

      if (!g_ascii_string_to_unsigned (argv[2], 10, 1, G_MAXINT64, &id, NULL))
        return pb_cli_usage (synopsis, _ ("ID must be a rule number."));
      if (!pb_rules_remove (pb_session_get_store (session), (gint64)id,
                            pb_session_get_username (session), &error))
        return pb_cli_fail (error);
      return PB_EXIT_OK;
    }
  return pb_cli_usage (synopsis, NULL);
}
