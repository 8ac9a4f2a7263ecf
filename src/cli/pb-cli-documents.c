/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "pb-cli-commands.h"
#include "pb-cli-common.h"
#include "station/pb-documents.h"
#include "station/pb-ship.h"

int
pb_cli_cmd_despatch_note (PbCliContext *ctx, int argc, char **argv)
{
  static const char *synopsis = "despatch-note ORDER [--output FILE.pdf] --user NAME";
  g_autofree char *user = NULL;
  g_autofree char *output = NULL;
  g_autoptr (PbSession) session = NULL;
  g_autoptr (GError) error = NULL;
  PbStore *store;
  const char *order_id;
  int exit_code;
  GOptionEntry entries[] = {
    { "user", 0, 0, G_OPTION_ARG_STRING, &user, N_ ("Who you are"), N_ ("NAME") },
    { "output", 0, 0, G_OPTION_ARG_FILENAME, &output,
      N_ ("Write the PDF to this file instead of printing it (it holds the buyer's address: "
          "yours to keep safe)"),
      N_ ("FILE.pdf") },
    { NULL },
  };

  if (!pb_cli_parse (entries, synopsis, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 2 || *argv[1] == '\0')
    return pb_cli_usage (synopsis, NULL);
  if (output != NULL && *output == '\0')
    return pb_cli_usage (synopsis, _ ("--output needs a file name."));
  order_id = argv[1];

  session = pb_cli_login (ctx, user, &exit_code);
  if (session == NULL)
    return exit_code;
  store = pb_session_get_store (session);
  if (!pb_session_require (session, PB_ACTION_VIEW_RECIPIENT, order_id, &error)
      || !pb_session_require (session,
                              output != NULL ? PB_ACTION_SAVE_DESPATCH_NOTE : PB_ACTION_PACK,
                              order_id, &error))
    return pb_cli_fail (error);

  if (output != NULL)
    {
      if (!pb_documents_save_despatch_note (store, order_id, pb_session_get_username (session),
                                            output, &error))
        return pb_cli_fail (error);
      fprintf (stderr,
               _ ("The despatch note of %s is in %s. It holds the buyer's address: keeping it "
                  "safe and deleting it is your responsibility.\n"),
               order_id, output);
      return PB_EXIT_OK;
    }
  if (!pb_documents_print_despatch_note (store, order_id, pb_session_get_username (session), NULL,
                                         &error))
    return pb_cli_fail (error);
  fprintf (stderr, _ ("The despatch note of %s has printed.\n"), order_id);
  return PB_EXIT_OK;
}

int
pb_cli_cmd_pick_list (PbCliContext *ctx, int argc, char **argv)
{
  static const char *synopsis = "pick-list [--due today|all] [--output FILE.pdf] --user NAME";
  g_autofree char *user = NULL;
  g_autofree char *output = NULL;
  g_autofree char *due_text = NULL;
  g_autoptr (PbSession) session = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) pdf = NULL;
  PbPickDue due = PB_PICK_DUE_ALL;
  guint n_orders = 0;
  int exit_code;
  GOptionEntry entries[] = {
    { "user", 0, 0, G_OPTION_ARG_STRING, &user, N_ ("Who you are"), N_ ("NAME") },
    { "due", 0, 0, G_OPTION_ARG_STRING, &due_text,
      N_ ("Which orders: today (ship-by before tomorrow) or all (the default)"), N_ ("today|all") },
    { "output", 0, 0, G_OPTION_ARG_FILENAME, &output,
      N_ ("Write the PDF to this file instead of printing it"), N_ ("FILE.pdf") },
    { NULL },
  };

  if (!pb_cli_parse (entries, synopsis, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 1)
    return pb_cli_usage (synopsis, NULL);
  if (due_text != NULL && !pb_pick_due_from_string (due_text, &due))
    return pb_cli_usage (synopsis, _ ("--due takes today or all."));
  if (output != NULL && *output == '\0')
    return pb_cli_usage (synopsis, _ ("--output needs a file name."));

  session = pb_cli_login (ctx, user, &exit_code);
  if (session == NULL)
    return exit_code;
  if (!pb_session_require (session, PB_ACTION_VIEW_ORDERS, "pick_list", &error))
    return pb_cli_fail (error);
  pdf = pb_documents_pick_list (pb_session_get_store (session), due, NULL, &n_orders, &error);
  if (pdf == NULL)
    return pb_cli_fail (error);

  if (output != NULL)
    {
      gsize length;
      const char *data = g_bytes_get_data (pdf, &length);

      if (!g_file_set_contents_full (output, data, (gssize)length, G_FILE_SET_CONTENTS_CONSISTENT,
                                     0600, &error))
        return pb_cli_fail (error);
      fprintf (stderr,
               g_dngettext (GETTEXT_PACKAGE, "The pick list of %u order is in %s.\n",
                            "The pick list of %u orders is in %s.\n", n_orders),
               n_orders, output);
      return PB_EXIT_OK;
    }
  if (!pb_ship_print_document (pb_session_get_store (session), pdf, "pick_list", NULL,
                               pb_session_get_username (session), NULL, &error))
    return pb_cli_fail (error);
  fprintf (stderr,
           g_dngettext (GETTEXT_PACKAGE, "The pick list of %u order has printed.\n",
                        "The pick list of %u orders has printed.\n", n_orders),
           n_orders);
  return PB_EXIT_OK;
}
