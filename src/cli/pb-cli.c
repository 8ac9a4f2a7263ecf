/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>

#include "pb-cli-commands.h"
#include "pb-cli-common.h"
#include "pb-cli.h"
#include "station/pb-site-bench.h"
#include "store/pb-session.h"
#include "util/pb-version.h"

static const PbCliCommand commands[] = {
  { "init", "init --admin NAME", N_ ("Create the store and its first administrator"),
    pb_cli_cmd_init },
  { "whoami", "whoami --user NAME", N_ ("Log in and print your username and role"),
    pb_cli_cmd_whoami },
  { "user", "user add|list|disable|enable|unlock|passwd|totp|role|review …",
    N_ ("Manage operators"), pb_cli_cmd_user },
  { "config", "config set|get|list …", N_ ("Business settings and credentials"),
    pb_cli_cmd_config },
  { "audit", "audit list|export|verify|anchor …",
    N_ ("Read, export, verify or anchor the audit log"), pb_cli_cmd_audit },
  { "sync", "sync --user NAME", N_ ("Fetch new and changed orders from Amazon"), pb_cli_cmd_sync },
  { "orders", "orders list|show|confirm …", N_ ("Orders in the store"), pb_cli_cmd_orders },
  { "outbox", "outbox list|retry|discard …", N_ ("Remote operations waiting or failed"),
    pb_cli_cmd_outbox },
  { "ship", "ship ORDER [--weight G] [--service CODE] [--printer P] | --batch SKU [--limit N]",
    N_ ("Buy the label, print it and tell Amazon"), pb_cli_cmd_ship },
  { "printers", "printers", N_ ("List the printers CUPS knows"), pb_cli_cmd_printers },
  { "print-test", "print-test [--printer P]", N_ ("Print a test label"), pb_cli_cmd_print_test },
  { "label", "label reprint|void ORDER", N_ ("Print a label again, or void it"), pb_cli_cmd_label },
  { "manifest", "manifest", N_ ("Create the end-of-day Royal Mail manifest"), pb_cli_cmd_manifest },
  { "labels", "labels list [--unmanifested] [--json]",
    N_ ("The labels bought (at a site, every bench’s), and their manifests"), pb_cli_cmd_labels },
  { "despatch-note", "despatch-note ORDER [--output FILE.pdf]",
    N_ ("Print an order's despatch note, or write it to a file"), pb_cli_cmd_despatch_note },
  { "pick-list", "pick-list [--due today|all] [--output FILE.pdf]",
    N_ ("Print the pick list of the orders still to pack, or write it to a file"),
    pb_cli_cmd_pick_list },
  { "catalogue", "catalogue import FILE --user NAME",
    N_ ("Import products (weights, packages, customs data) from CSV"), pb_cli_cmd_catalogue },
  { "rules", "rules list|add|remove …", N_ ("Rules that choose package and service"),
    pb_cli_cmd_rules },
  { "purge", "purge [--dry-run] [--json] --user NAME",
    N_ ("Delete customer data past the retention period, backups included"), pb_cli_cmd_purge },
  { "backup", "backup [DEST] --user NAME", N_ ("Write an encrypted backup of the store"),
    pb_cli_cmd_backup },
  { "restore", "restore SRC --user ADMIN", N_ ("Replace the store by a backup, then purge it"),
    pb_cli_cmd_restore },
  { "rekey", "rekey --user ADMIN",
    N_ ("Give the store a new key, so removed operators’ old copies no longer open it"),
    pb_cli_cmd_rekey },
  { "wipe", "wipe [--yes] --user ADMIN", N_ ("Destroy the store and every backup"),
    pb_cli_cmd_wipe },
  { "recover", "recover --admin NAME",
    N_ ("Use the recovery code to give an administrator a new password"), pb_cli_cmd_recover },
  { "activity", "activity [--from DATE] [--to DATE] [--bench NAME] [--json] --user NAME",
    N_ ("Labels, mis-scans and scan-to-print per operator and per bench"), pb_cli_cmd_activity },
  { "site", "site create|join|status|leave|release|benches|remove-bench|problems …",
    N_ ("Share the queue with the other benches of a site"), pb_cli_cmd_site },
  { "scale", "scale list|read [--device PATH] [--json]",
    N_ ("List the USB scales, or read the weight on one"), pb_cli_cmd_scale },
  { NULL, NULL, NULL, NULL },
};

const PbCliCommand *
pb_cli_commands (gsize *n_commands)
{
  *n_commands = G_N_ELEMENTS (commands) - 1;
  return commands;
}

const PbCliCommand *
pb_cli_find_command (const char *name)
{
  for (gsize i = 0; commands[i].name != NULL; i++)
    if (g_str_equal (commands[i].name, name))
      return &commands[i];
  return NULL;
}

static void
print_help (FILE *out)
{
  gsize n_commands;
  const PbCliCommand *list = pb_cli_commands (&n_commands);

  fprintf (out, "%s\n", _ ("Usage: packbenchctl [--store DIR] COMMAND [ARGUMENTS…]"));
  fprintf (out, "\n%s\n\n", _ ("Packbench shipping station: command line for IT and scripting."));
  fprintf (out, "%s\n", _ ("Options:"));
  fprintf (out, "  --store DIR   %s\n", _ ("Use the store in DIR instead of the default folder"));
  fprintf (out, "  --version     %s\n", _ ("Print the version and exit"));
  fprintf (out, "  --help        %s\n", _ ("Show this help and exit"));
  fprintf (out, "\n%s\n", _ ("Commands:"));
  fprintf (out, "  %-28s %s\n", "help", _ ("Show this help"));
  fprintf (out, "  %-28s %s\n", "version [--verbose]",
           _ ("Print the version, and with --verbose the libraries in use"));
  for (gsize i = 0; i < n_commands; i++)
    fprintf (out, "  %-28s %s\n", list[i].usage, _ (list[i].summary));
  fprintf (out, "\n%s\n",
           _ ("Exit codes: 0 done, 1 failed, 2 usage, 3 authentication failed, "
              "4 not permitted, 5 locked out, 6 do not send (ship: the order is cancelled or "
              "its buyer asked to cancel it)."));
}

int
pb_cli_run (int argc, char **argv)
{
  PbCliContext ctx = { NULL };
  const PbCliCommand *command;
  int status;
  int i = 1;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* Global options come before the command. */
  for (; i < argc && argv[i][0] == '-'; i++)
    {
      const char *arg = argv[i];

      if (g_str_equal (arg, "--version"))
        {
          printf ("packbenchctl %s\n", pb_version_string ());
          return PB_EXIT_OK;
        }
      else if (g_str_equal (arg, "--help") || g_str_equal (arg, "-h"))
        {
          print_help (stdout);
          return PB_EXIT_OK;
        }
      else if (g_str_equal (arg, "--store"))
        {
          if (i + 1 >= argc)
            {
              fprintf (stderr, "%s\n", _ ("--store needs a folder."));
              return PB_EXIT_USAGE;
            }
          ctx.store_dir = argv[++i];
        }
      else if (g_str_has_prefix (arg, "--store="))
        ctx.store_dir = arg + strlen ("--store=");
      else
        {
          fprintf (stderr, _ ("Unknown option “%s”. Try “packbenchctl --help”.\n"), arg);
          return PB_EXIT_USAGE;
        }
    }

  if (i >= argc)
    {
      print_help (stderr);
      return PB_EXIT_USAGE;
    }

  if (g_str_equal (argv[i], "help"))
    {
      print_help (stdout);
      return PB_EXIT_OK;
    }
  if (g_str_equal (argv[i], "version"))
    return pb_cli_cmd_version (&ctx, argc - i, argv + i);

  command = pb_cli_find_command (argv[i]);
  if (command == NULL)
    {
      fprintf (stderr, _ ("Unknown command “%s”. Try “packbenchctl --help”.\n"), argv[i]);
      return PB_EXIT_USAGE;
    }

  status = command->handler (&ctx, argc - i, argv + i);
  /* Operators, settings, the catalogue and the rules are the site's: what
   * this command changed goes there too. */
  if (status == PB_EXIT_OK && ctx.site != NULL && ctx.session != NULL
      && (g_str_equal (command->name, "user") || g_str_equal (command->name, "config")
          || g_str_equal (command->name, "recover") || g_str_equal (command->name, "catalogue")
          || (g_str_equal (command->name, "rules")
              && (g_strv_contains ((const char *const *)argv + i, "add")
                  || g_strv_contains ((const char *const *)argv + i, "remove")))))
    {
      g_autoptr (GError) error = NULL;

      PbStore *store = pb_session_get_store (ctx.session);
      gboolean ok;

      if (g_str_equal (command->name, "catalogue"))
        ok = pb_site_push_catalogue (ctx.site, store, &error);
      else if (g_str_equal (command->name, "rules"))
        ok = pb_site_push_rules (ctx.site, store, &error);
      else
        ok = pb_site_bench_push_people (ctx.site, store, &error);
      if (!ok)
        fprintf (stderr, _ ("Warning: the change is on this bench but not yet in the site: %s\n"),
                 error->message);
    }
  /* What this command wrote to the audit log goes to the site's copy of
   * this bench's chain (whatever the outcome: a refusal is audited too). */
  if (ctx.session != NULL && pb_session_get_store (ctx.session) != NULL
      && pb_site_config_exists (pb_store_get_dir (pb_session_get_store (ctx.session))))
    pb_cli_site_with_audit (&ctx, ctx.session);
  g_clear_object (&ctx.session);
  g_clear_object (&ctx.site);
  return status;
}
