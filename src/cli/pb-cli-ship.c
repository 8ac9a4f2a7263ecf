/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "pb-cli-commands.h"
#include "pb-cli-common.h"
#include "print/pb-printer.h"
#include "station/pb-batch.h"
#include "station/pb-parcel-spec.h"
#include "station/pb-ship.h"
#include "store/pb-labels.h"

static void
print_recheck_skipped (const PbShipResult *result)
{
  g_autofree char *when = NULL;

  if (result->last_sync > 0)
    {
      g_autoptr (GDateTime) time = g_date_time_new_from_unix_local (result->last_sync);

      when = g_date_time_format (time, "%Y-%m-%d %H:%M");
    }
  if (when != NULL)
    fprintf (stderr,
             _ ("Amazon could not be reached to re-check this order (%s); it was shipped on what "
                "the last sync said (%s).\n"),
             result->recheck_error ? result->recheck_error : "", when);
  else
    fprintf (stderr,
             _ ("Amazon could not be reached to re-check this order (%s), and no sync has "
                "worked yet; it was shipped on what the store holds.\n"),
             result->recheck_error ? result->recheck_error : "");
}

/* Labels go to the bench's printer (print.printer); sending one anywhere
 * else — any CUPS queue, print-to-file included — is a supervisor's
 * choice. */
static gboolean
require_printer_choice (PbSession *session, const char *printer, GError **error)
{
  return printer == NULL || pb_session_require (session, PB_ACTION_CHOOSE_PRINTER, printer, error);
}

static void
on_batch_order_changed (PbBatch *batch, guint position, gpointer user_data)
{
  g_autofree char *tracking = NULL;
  g_autofree char *reason = NULL;

  switch (pb_batch_get_order_state (batch, position))
    {
      case PB_BATCH_ORDER_SHIPPING:
        fprintf (stderr, _ ("Order %u of %u: %s…\n"), position + 1, pb_batch_get_n_orders (batch),
                 pb_batch_get_order_id (batch, position));
        break;
      case PB_BATCH_ORDER_SHIPPED:
        tracking = pb_batch_dup_order_tracking (batch, position);
        reason = pb_batch_dup_order_notice (batch, position);
        printf ("Tracking: %s\n", tracking ? tracking : "");
        fflush (stdout);
        if (reason != NULL)
          fprintf (stderr, _ ("Order %s: %s\n"), pb_batch_get_order_id (batch, position), reason);
        break;
      case PB_BATCH_ORDER_SKIPPED:
        reason = pb_batch_dup_order_error (batch, position);
        fprintf (stderr, _ ("Order %s skipped: %s\n"), pb_batch_get_order_id (batch, position),
                 reason ? reason : "");
        break;
      case PB_BATCH_ORDER_NOT_STARTED:
      case PB_BATCH_ORDER_FAILED:
      default:
        break;
    }
}

static char *
join_orders (PbBatch *batch, PbBatchOrderState state)
{
  g_autoptr (GString) text = g_string_new (NULL);

  for (guint i = 0; i < pb_batch_get_n_orders (batch); i++)
    if (pb_batch_get_order_state (batch, i) == state)
      g_string_append_printf (text, "%s%s", text->len ? ", " : "",
                              pb_batch_get_order_id (batch, i));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* ship --batch SKU: the single-item orders waiting for SKU, oldest
 * ship-by first, each its own pb_ship. */
static int
ship_batch (PbSession *session, const char *sku, int limit, int weight)
{
  PbStore *store = pb_session_get_store (session);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) ids = pb_batch_find_orders (store, sku, &error);
  g_autoptr (PbBatch) batch = NULL;
  g_autofree char *shipped = NULL;
  g_autofree char *not_started = NULL;
  guint n;

  if (ids == NULL)
    return pb_cli_fail (error);
  if (ids->len == 0)
    {
      fprintf (stderr, _ ("No single-item orders are waiting for %s: nothing was shipped.\n"), sku);
      return PB_EXIT_FAILED;
    }
  n = limit > 0 ? MIN ((guint)limit, ids->len) : ids->len;
  for (guint i = 0; i < n; i++)
    if (!pb_session_require (session, PB_ACTION_PACK, g_ptr_array_index (ids, i), &error))
      return pb_cli_fail (error);

  batch = pb_batch_new (store, (const char *const *)ids->pdata, n,
                        pb_session_get_username (session), weight, PB_WEIGHT_SOURCE_TYPED);
  g_signal_connect (batch, "order-changed", G_CALLBACK (on_batch_order_changed), NULL);
  if (pb_batch_run (batch, NULL, &error))
    {
      if (pb_batch_count (batch, PB_BATCH_ORDER_SKIPPED) > 0)
        fprintf (stderr, _ ("%u of %u orders shipped; %u skipped.\n"),
                 pb_batch_count (batch, PB_BATCH_ORDER_SHIPPED), n,
                 pb_batch_count (batch, PB_BATCH_ORDER_SKIPPED));
      else
        fprintf (stderr, _ ("%u of %u orders shipped.\n"),
                 pb_batch_count (batch, PB_BATCH_ORDER_SHIPPED), n);
      return PB_EXIT_OK;
    }

  for (guint i = 0; i < n; i++)
    if (pb_batch_get_order_state (batch, i) == PB_BATCH_ORDER_FAILED)
      {
        g_autofree char *tracking = pb_batch_dup_order_tracking (batch, i);

        fprintf (stderr, _ ("The batch stopped at order %s: %s\n"),
                 pb_batch_get_order_id (batch, i), error->message);
        if (tracking != NULL)
          fprintf (stderr,
                   _ ("Its label (tracking %s) was bought and is kept: reprint it with "
                      "“packbenchctl label reprint %s”.\n"),
                   tracking, pb_batch_get_order_id (batch, i));
      }
  shipped = join_orders (batch, PB_BATCH_ORDER_SHIPPED);
  not_started = join_orders (batch, PB_BATCH_ORDER_NOT_STARTED);
  fprintf (stderr, _ ("Shipped: %s\n"), *shipped ? shipped : _ ("none"));
  fprintf (stderr, _ ("Not shipped: %s\n"), *not_started ? not_started : _ ("none"));
  return PB_EXIT_FAILED;
}

int
pb_cli_cmd_ship (PbCliContext *ctx, int argc, char **argv)
{
  static const char *synopsis
      = "ship ORDER [--weight G] [--service CODE] [--printer P] --user NAME\n"
        "  | ship ORDER --parcel GRAMS[:SKU*QTY,…] [--parcel …] [--service CODE] [--printer P] "
        "--user NAME\n"
        "  | ship --batch SKU [--limit N] [--weight G] --user NAME";
  g_autofree char *user = NULL;
  g_autofree char *service = NULL;
  g_autofree char *printer = NULL;
  g_autofree char *batch = NULL;
  g_auto (GStrv) parcel_specs = NULL;
  g_autoptr (GPtrArray) parcels = NULL;
  g_autoptr (PbSession) session = NULL;
  g_autoptr (GError) error = NULL;
  PbShipResult result = { 0 };
  int weight = 0;
  int limit = G_MININT;
  int exit_code;
  GOptionEntry entries[] = {
    { "user", 0, 0, G_OPTION_ARG_STRING, &user, N_ ("Who you are"), N_ ("NAME") },
    { "weight", 0, 0, G_OPTION_ARG_INT, &weight, N_ ("The parcel’s weight in grams"), N_ ("G") },
    { "service", 0, 0, G_OPTION_ARG_STRING, &service, N_ ("A Royal Mail service code"),
      N_ ("CODE") },
    { "printer", 0, 0, G_OPTION_ARG_STRING, &printer, N_ ("A CUPS printer"), N_ ("P") },
    { "batch", 0, 0, G_OPTION_ARG_STRING, &batch,
      N_ ("Ship the single-item orders waiting for this SKU, oldest ship-by first"), N_ ("SKU") },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, N_ ("With --batch: at most N orders"), N_ ("N") },
    { "parcel", 0, 0, G_OPTION_ARG_STRING_ARRAY, &parcel_specs,
      N_ ("One parcel: its weight in grams and what is in it (repeat for each parcel)"),
      N_ ("GRAMS[:SKU*QTY,…]") },
    { NULL },
  };

  if (!pb_cli_parse (entries, synopsis, &argc, &argv, &exit_code))
    return exit_code;
  if (batch != NULL)
    {
      if (argc != 1 || service != NULL || printer != NULL || weight < 0 || weight > 30000
          || parcel_specs != NULL || *g_strstrip (batch) == '\0')
        return pb_cli_usage (synopsis, NULL);
      if (limit != G_MININT && limit < 1)
        return pb_cli_usage (synopsis, _ ("--limit takes a number of orders, 1 or more."));
      session = pb_cli_login (ctx, user, &exit_code);
      if (session == NULL)
        return exit_code;
      return ship_batch (session, batch, limit == G_MININT ? 0 : limit, weight);
    }
  if (argc != 2 || weight < 0 || weight > 30000 || limit != G_MININT)
    return pb_cli_usage (synopsis, NULL);
  if (parcel_specs != NULL && weight != 0)
    return pb_cli_usage (synopsis, _ ("Give the weight with each --parcel, not with --weight."));

  session = pb_cli_login (ctx, user, &exit_code);
  if (session == NULL)
    return exit_code;
  if (!pb_session_require (session, PB_ACTION_PACK, argv[1], &error)
      || !require_printer_choice (session, printer, &error))
    return pb_cli_fail (error);
  if (parcel_specs != NULL)
    {
      parcels = pb_parcels_from_specs (pb_session_get_store (session), argv[1],
                                       (const char *const *)parcel_specs, &error);
      if (parcels == NULL)
        return pb_cli_fail (error);
      /* One parcel is the order as one: its weight is all there is. */
      if (parcels->len == 1)
        {
          weight = ((PbParcel *)g_ptr_array_index (parcels, 0))->weight_g;
          g_clear_pointer (&parcels, g_ptr_array_unref);
        }
    }

  {
    PbShipRequest request = {
      .order_id = argv[1],
      .operator_name = pb_session_get_username (session),
      .weight_g = weight,
      .weight_source = PB_WEIGHT_SOURCE_TYPED,
      .service = service,
      .printer = printer,
      .parcels = parcels,
    };
    gboolean ok = pb_ship (pb_session_get_store (session), &request, &result, NULL, &error);

    /* One line per parcel. */
    if (result.parcel_tracking != NULL)
      for (guint i = 0; result.parcel_tracking[i] != NULL; i++)
        printf ("Tracking: %s\n", result.parcel_tracking[i]);
    else if (result.tracking_number != NULL)
      printf ("Tracking: %s\n", result.tracking_number);
    if (result.recheck_skipped)
      print_recheck_skipped (&result);
    if (result.despatch_note_error != NULL)
      fprintf (stderr, _ ("The despatch note was not printed: %s\n"), result.despatch_note_error);
    if (!ok)
      {
        pb_ship_result_clear (&result);
        /* A cancelled order, or one whose buyer asked to cancel it: no
         * label was bought, and a script can tell it from a failure. */
        if (error->domain == PB_SHIP_ERROR
            && (error->code == PB_SHIP_ERROR_CANCELLED
                || error->code == PB_SHIP_ERROR_CANCEL_REQUESTED))
          {
            fprintf (stderr, "%s\n", error->message);
            return PB_EXIT_DO_NOT_SEND;
          }
        return pb_cli_fail (error);
      }
  }
  if (!result.confirmed)
    fprintf (stderr,
             _ ("Amazon has not confirmed yet (%s); the confirmation waits in the outbox.\n"),
             result.confirm_error ? result.confirm_error : "");
  pb_ship_result_clear (&result);
  return PB_EXIT_OK;
}

int
pb_cli_cmd_printers (PbCliContext *ctx, int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) printers = pb_printer_list (NULL, &error);

  if (argc != 1)
    return pb_cli_usage ("printers", NULL);
  if (printers == NULL)
    return pb_cli_fail (error);
  for (guint i = 0; i < printers->len; i++)
    {
      PbPrinter *printer = g_ptr_array_index (printers, i);

      printf ("%-24s %-6s %s%s\n", pb_printer_get_name (printer),
              pb_printer_get_kind (printer) == PB_PRINTER_KIND_RAW ? "raw" : "driver",
              pb_printer_get_description (printer) ? pb_printer_get_description (printer) : "",
              pb_printer_get_is_default (printer) ? _ (" (default)") : "");
    }
  if (printers->len == 0)
    fprintf (stderr, "%s\n", _ ("CUPS has no printers. Add the label printer first."));
  return PB_EXIT_OK;
}

int
pb_cli_cmd_print_test (PbCliContext *ctx, int argc, char **argv)
{
  static const char *synopsis = "print-test [--printer P] --user NAME";
  g_autofree char *user = NULL;
  g_autofree char *printer = NULL;
  g_autoptr (PbSession) session = NULL;
  g_autoptr (GError) error = NULL;
  int exit_code;
  GOptionEntry entries[] = {
    { "user", 0, 0, G_OPTION_ARG_STRING, &user, N_ ("Who you are"), N_ ("NAME") },
    { "printer", 0, 0, G_OPTION_ARG_STRING, &printer, N_ ("A CUPS printer"), N_ ("P") },
    { NULL },
  };

  if (!pb_cli_parse (entries, synopsis, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 1)
    return pb_cli_usage (synopsis, NULL);
  session = pb_cli_login (ctx, user, &exit_code);
  if (session == NULL)
    return exit_code;
  /* As in Preferences: the printer's set-up is an administrator's. */
  if (!pb_session_require (session, PB_ACTION_CHANGE_SETTINGS, "print.test", &error)
      || !pb_ship_print_test (pb_session_get_store (session), printer, NULL, &error))
    return pb_cli_fail (error);
  fprintf (stderr, "%s\n", _ ("The test label printed."));
  return PB_EXIT_OK;
}

int
pb_cli_cmd_label (PbCliContext *ctx, int argc, char **argv)
{
  static const char *synopsis = "label reprint ORDER [--printer P] | void ORDER  --user NAME";
  g_autofree char *user = NULL;
  g_autofree char *printer = NULL;
  g_autoptr (PbSession) session = NULL;
  g_autoptr (GError) error = NULL;
  int exit_code;
  GOptionEntry entries[] = {
    { "user", 0, 0, G_OPTION_ARG_STRING, &user, N_ ("Who you are"), N_ ("NAME") },
    { "printer", 0, 0, G_OPTION_ARG_STRING, &printer, N_ ("A CUPS printer"), N_ ("P") },
    { NULL },
  };

  if (!pb_cli_parse (entries, synopsis, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 3)
    return pb_cli_usage (synopsis, NULL);
  session = pb_cli_login (ctx, user, &exit_code);
  if (session == NULL)
    return exit_code;

  if (g_str_equal (argv[1], "reprint"))
    {
      PbStore *store = pb_session_get_store (session);
      g_autofree char *own = pb_labels_last_by (store, pb_session_get_username (session), NULL);

      /* A packer may reprint the label they printed last; others need a
       * supervisor. */
      if (!pb_session_require (session,
                               g_strcmp0 (own, argv[2]) == 0 ? PB_ACTION_REPRINT_OWN_LABEL
                                                             : PB_ACTION_REPRINT_ANY_LABEL,
                               argv[2], &error)
          || !require_printer_choice (session, printer, &error)
          || !pb_ship_reprint (store, argv[2], printer, pb_session_get_username (session), NULL,
                               &error))
        return pb_cli_fail (error);
      fprintf (stderr, "%s\n", _ ("The label printed again."));
      return PB_EXIT_OK;
    }
  if (g_str_equal (argv[1], "void"))
    {
      if (!pb_session_require (session, PB_ACTION_VOID_LABEL, argv[2], &error)
          || !pb_ship_void (pb_session_get_store (session), argv[2],
                            pb_session_get_username (session), NULL, &error))
        return pb_cli_fail (error);
      fprintf (stderr, "%s\n",
               _ ("The label is void. A voided label that is used all the same is still "
                  "charged: destroy it."));
      return PB_EXIT_OK;
    }
  return pb_cli_usage (synopsis, NULL);
}

int
pb_cli_cmd_manifest (PbCliContext *ctx, int argc, char **argv)
{
  static const char *synopsis = "manifest --user NAME";
  g_autofree char *user = NULL;
  g_autoptr (PbSession) session = NULL;
  g_autoptr (GError) error = NULL;
  gint64 number = 0;
  guint orders = 0;
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
  if (!pb_session_require (session, PB_ACTION_MANIFEST, NULL, &error)
      || !pb_ship_manifest (pb_session_get_store (session), pb_session_get_username (session),
                            &number, &orders, NULL, &error))
    return pb_cli_fail (error);
  printf ("Manifest: %" G_GINT64_FORMAT "\n", number);
  if (pb_site_config_exists (pb_store_get_dir (pb_session_get_store (session))))
    fprintf (stderr,
             _ ("%u labels of the site’s benches are in the manifest; its document is kept in "
                "this bench’s store.\n"),
             orders);
  else
    fprintf (stderr, _ ("%u labels are in the manifest; it is kept in the store.\n"), orders);
  return PB_EXIT_OK;
}

static void
add_label_json (JsonBuilder *builder, const char *order_id, const char *tracking_number,
                const char *bench, const char *operator_name, gint64 created, gint64 manifest)
{
  g_autoptr (GDateTime) when = created > 0 ? g_date_time_new_from_unix_utc (created) : NULL;
  g_autofree char *created_text = when ? g_date_time_format (when, "%Y-%m-%dT%H:%M:%SZ") : NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "order_id");
  json_builder_add_string_value (builder, order_id);
  json_builder_set_member_name (builder, "tracking_number");
  json_builder_add_string_value (builder, tracking_number);
  json_builder_set_member_name (builder, "bench");
  json_builder_add_string_value (builder, bench);
  json_builder_set_member_name (builder, "operator");
  json_builder_add_string_value (builder, operator_name);
  json_builder_set_member_name (builder, "created");
  json_builder_add_string_value (builder, created_text);
  json_builder_set_member_name (builder, "manifest");
  if (manifest > 0)
    json_builder_add_int_value (builder, manifest);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
}

static void
print_label_line (const char *order_id, const char *tracking_number, const char *bench,
                  const char *operator_name, gint64 created, gint64 manifest)
{
  g_autofree char *when = pb_cli_format_time (created);
  g_autofree char *in
      = manifest > 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, manifest) : g_strdup (_ ("not yet"));

  printf ("%-20s %-15s %-12s %-12s %s  %s\n", order_id, tracking_number ? tracking_number : "",
          bench ? bench : "", operator_name ? operator_name : "", when, in);
}

/* labels list [--unmanifested] [--json]: every label bought and not voided
 * — at a bench in a site, every bench's. */
int
pb_cli_cmd_labels (PbCliContext *ctx, int argc, char **argv)
{
  static const char *synopsis = "labels list [--unmanifested] [--json] --user NAME";
  g_autofree char *user = NULL;
  g_autoptr (PbSession) session = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (GPtrArray) rows = NULL;
  gboolean unmanifested = FALSE;
  gboolean json = FALSE;
  PbStore *store;
  PbSite *site;
  int exit_code;
  GOptionEntry entries[] = {
    { "user", 0, 0, G_OPTION_ARG_STRING, &user, N_ ("Who you are"), N_ ("NAME") },
    { "unmanifested", 0, 0, G_OPTION_ARG_NONE, &unmanifested,
      N_ ("Only labels in no manifest yet (End of Day’s)"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_ ("Print JSON"), NULL },
    { NULL },
  };

  if (!pb_cli_parse (entries, synopsis, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 2 || !g_str_equal (argv[1], "list"))
    return pb_cli_usage (synopsis, NULL);
  session = pb_cli_login (ctx, user, &exit_code);
  if (session == NULL)
    return exit_code;
  if (!pb_session_require (session, PB_ACTION_MANIFEST, NULL, &error))
    return pb_cli_fail (error);
  store = pb_session_get_store (session);

  json_builder_begin_array (builder);
  if (pb_site_config_exists (pb_store_get_dir (store)))
    {
      site = pb_cli_site (ctx);
      if (site == NULL)
        {
          fprintf (stderr, "%s\n",
                   _ ("The site database cannot be reached: the site’s labels cannot be listed "
                      "now."));
          return PB_EXIT_FAILED;
        }
      /* This bench's labels in a manifest made elsewhere are marked here. */
      pb_ship_finish_in_site (store, site, NULL);
      rows = pb_site_list_labels (site, unmanifested, &error);
      if (rows == NULL)
        return pb_cli_fail (error);
      for (guint i = 0; i < rows->len; i++)
        {
          PbSiteLabel *label = g_ptr_array_index (rows, i);

          if (json)
            add_label_json (builder, label->order_id, label->tracking_number, label->bench,
                            label->operator_name, label->labelled_at, label->manifest);
          else
            print_label_line (label->order_id, label->tracking_number, label->bench,
                              label->operator_name, label->labelled_at, label->manifest);
        }
    }
  else
    {
      rows = unmanifested ? pb_labels_list_unmanifested (store, &error)
                          : pb_labels_list_bought (store, &error);
      if (rows == NULL)
        return pb_cli_fail (error);
      for (guint i = 0; i < rows->len; i++)
        {
          PbLabelRow *row = g_ptr_array_index (rows, i);

          if (json)
            add_label_json (builder, row->order_id, row->tracking_number, g_get_host_name (),
                            row->operator_name, row->labelled_at, row->manifest_number);
          else
            print_label_line (row->order_id, row->tracking_number, g_get_host_name (),
                              row->operator_name, row->labelled_at, row->manifest_number);
        }
    }
  json_builder_end_array (builder);
  if (json)
    pb_cli_print_json (builder);
  return PB_EXIT_OK;
}
