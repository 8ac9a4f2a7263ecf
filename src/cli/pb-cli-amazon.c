/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <stdio.h>

#include "pb-cli-commands.h"
#include "pb-cli-common.h"
#include "station/pb-outbox-worker.h"
#include "station/pb-services.h"
#include "station/pb-sync.h"
#include "store/pb-orders.h"
#include "store/pb-outbox.h"
#include "store/pb-retention.h"
#include "util/pb-clock.h"

static void
add_string (JsonBuilder *builder, const char *name, const char *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_time (JsonBuilder *builder, const char *name, gint64 when)
{
  g_autofree char *text = when > 0 ? pb_clock_format_iso8601 (when) : NULL;

  add_string (builder, name, text);
}

/* Drains the outbox and says what happened; returns FALSE only when the
 * store failed. */
static gboolean
run_outbox (PbSession *session, PbAmazonClient *amazon, gint64 only_id)
{
  g_autoptr (GError) error = NULL;
  PbStore *store = pb_session_get_store (session);
  PbOutboxRun run;

  if (!pb_outbox_recover (store, pb_clock_now_unix (), &error)
      || !pb_outbox_run (store, amazon, only_id, &run, NULL, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return FALSE;
    }
  if (run.done + run.failed + run.attention > 0)
    fprintf (stderr, _ ("Outbox: %u sent, %u to try again later, %u need attention.\n"), run.done,
             run.failed, run.attention);
  return TRUE;
}

int
pb_cli_cmd_sync (PbCliContext *ctx, int argc, char **argv)
{
  static const char *synopsis = "sync --user NAME";
  g_autofree char *user = NULL;
  g_autoptr (PbSession) session = NULL;
  g_autoptr (PbHttpClient) http = NULL;
  g_autoptr (PbAmazonClient) amazon = NULL;
  g_autoptr (GError) error = NULL;
  PbSyncResult result;
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
  if (!pb_session_require (session, PB_ACTION_SYNC, NULL, &error))
    return pb_cli_fail (error);

  http = pb_services_new_http_client (pb_session_get_store (session));
  amazon = pb_services_new_amazon_client (pb_session_get_store (session), http);
  if (!pb_sync_run (pb_session_get_store (session), amazon, pb_session_get_username (session), NULL,
                    NULL, &result, NULL, &error))
    {
      fprintf (stderr, _ ("The sync stopped; what it had saved is kept and the next sync goes on "
                          "from there.\n"));
      return pb_cli_fail (error);
    }

  if (result.from_site && result.leader_bench[0] != '\0')
    {
      g_autofree char *leader = pb_cli_printable (result.leader_bench);

      printf (_ ("Read from the site (%s runs the site’s sync): "), leader);
    }
  else if (result.from_site)
    printf ("%s", _ ("Read from the site (the site was searched lately): "));
  else if (result.leader)
    printf ("%s", _ ("This bench ran the site’s sync: "));
  printf (_ ("New: %u, updated: %u, cancelled: %u (%u pages)\n"), result.new_orders, result.updated,
          result.cancelled, result.pages);
  return run_outbox (session, amazon, 0) ? PB_EXIT_OK : PB_EXIT_FAILED;
}

static int
list_orders (PbSession *session, const char *state, gboolean json)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) orders = NULL;
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  if (!pb_session_require (session, PB_ACTION_VIEW_ORDERS, NULL, &error))
    return pb_cli_fail (error);
  orders = pb_orders_list (pb_session_get_store (session), state, &error);
  if (orders == NULL)
    return pb_cli_fail (error);

  json_builder_begin_array (builder);
  for (guint i = 0; i < orders->len; i++)
    {
      PbOrderSummary *order = g_ptr_array_index (orders, i);

      if (json)
        {
          json_builder_begin_object (builder);
          add_string (builder, "id", order->id);
          add_string (builder, "state", order->state);
          add_string (builder, "amazon_status", order->amazon_status);
          add_time (builder, "purchased", order->purchased_at);
          add_time (builder, "ship_by", order->ship_by);
          add_string (builder, "service", order->service_level);
          json_builder_set_member_name (builder, "prime");
          json_builder_add_boolean_value (builder, order->prime);
          json_builder_set_member_name (builder, "items");
          json_builder_add_int_value (builder, order->n_units);
          add_string (builder, "items_summary", order->items_summary);
          add_string (builder, "tracking", order->tracking_number);
          add_string (builder, "attention", order->attention);
          json_builder_set_member_name (builder, "cancel_requested");
          json_builder_add_boolean_value (builder, order->cancel_requested);
          json_builder_end_object (builder);
        }
      else
        {
          g_autofree char *ship_by = pb_cli_format_time (order->ship_by);
          g_autofree char *service = pb_cli_printable (order->service_level);
          g_autofree char *summary = pb_cli_printable (order->items_summary);

          printf ("%-19s  %-10s  %-20s  %-9s  %s%s%s\n", order->id, order->state, ship_by,
                  service ? service : "-", summary ? summary : "", order->attention ? "  [!]" : "",
                  order->cancel_requested ? _ ("  [cancellation requested: do not send]") : "");
        }
    }
  json_builder_end_array (builder);
  if (json)
    pb_cli_print_json (builder);
  else
    fprintf (stderr, _ ("%u orders.\n"), orders->len);
  return PB_EXIT_OK;
}

static int
show_order (PbSession *session, const char *order_id, gboolean json)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PbOrderData) order = NULL;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autofree char *state = NULL;
  g_autofree char *attention = NULL;
  g_autofree char *tracking = NULL;
  PbStore *store = pb_session_get_store (session);
  gint64 purged_at = 0;
  gboolean with_recipient;

  if (!pb_session_require (session, PB_ACTION_VIEW_ORDERS, order_id, &error))
    return pb_cli_fail (error);
  if (!pb_orders_get_local (store, order_id, &state, &attention, &tracking, &purged_at, &error))
    return pb_cli_fail (error);
  order = pb_orders_get (store, order_id, &error);
  if (order == NULL)
    return pb_cli_fail (error);

  /* The recipient is PII: only for roles that may see it, and every view
   * is an audit row. */
  with_recipient = pb_session_can (session, PB_ACTION_VIEW_RECIPIENT) && purged_at == 0;
  if (with_recipient
      && !pb_session_audit (session, "order.recipient_viewed", order_id, "ok", "cli", &error))
    return pb_cli_fail (error);

  json_builder_begin_object (builder);
  add_string (builder, "id", order->order_id);
  add_string (builder, "state", state);
  add_string (builder, "amazon_status", order->status);
  add_time (builder, "purchased", order->created);
  add_time (builder, "ship_by", order->ship_by_latest);
  add_time (builder, "deliver_by", order->deliver_by_latest);
  add_string (builder, "service", order->service_level);
  json_builder_set_member_name (builder, "prime");
  json_builder_add_boolean_value (builder, order->prime);
  add_string (builder, "tracking", tracking);
  add_string (builder, "attention", attention);
  json_builder_set_member_name (builder, "cancel_requested");
  json_builder_add_boolean_value (builder, order->cancel_requested);
  add_time (builder, "purged", purged_at);
  add_time (builder, "purge_due", pb_retention_due_at (store, order_id, NULL));
  if (with_recipient)
    {
      json_builder_set_member_name (builder, "recipient");
      json_builder_begin_object (builder);
      add_string (builder, "name", order->name);
      add_string (builder, "company", order->company);
      add_string (builder, "address_line1", order->address_line1);
      add_string (builder, "address_line2", order->address_line2);
      add_string (builder, "address_line3", order->address_line3);
      add_string (builder, "city", order->city);
      add_string (builder, "county", order->county);
      add_string (builder, "postcode", order->postcode);
      add_string (builder, "country_code", order->country_code);
      add_string (builder, "phone", order->phone);
      add_string (builder, "instructions", order->delivery_instructions);
      json_builder_end_object (builder);
    }
  json_builder_set_member_name (builder, "items");
  json_builder_begin_array (builder);
  for (guint i = 0; i < order->items->len; i++)
    {
      PbOrderItemData *item = g_ptr_array_index (order->items, i);

      json_builder_begin_object (builder);
      add_string (builder, "item_id", item->item_id);
      add_string (builder, "sku", item->sku);
      add_string (builder, "asin", item->asin);
      add_string (builder, "title", item->title);
      json_builder_set_member_name (builder, "quantity");
      json_builder_add_int_value (builder, item->quantity);
      add_string (builder, "unit_price", item->unit_price);
      add_string (builder, "currency", item->currency);
      if (with_recipient)
        add_string (builder, "gift_message", item->gift_message);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  if (json)
    pb_cli_print_json (builder);
  else
    {
      /* Everything here but the times came from Amazon, and the address
       * lines from the buyer: none of it reaches the terminal raw. */
      g_autofree char *ship_by = pb_cli_format_time (order->ship_by_latest);
      g_autofree char *id = pb_cli_printable (order->order_id);
      g_autofree char *status = pb_cli_printable (order->status);
      g_autofree char *service = pb_cli_printable (order->service_level);

      printf ("%s  %s  (Amazon: %s)  ship by %s  %s%s\n", id, state, status ? status : "", ship_by,
              service ? service : "", order->prime ? " Prime" : "");
      if (order->cancel_requested)
        printf ("%s\n", _ ("The buyer has asked Amazon to cancel this order. Do not send it: "
                           "put the items back, check the request in Seller Central and "
                           "cancel the order there."));
      if (with_recipient)
        {
          const char *lines[]
              = { order->name,          order->company, order->address_line1, order->address_line2,
                  order->address_line3, order->city,    order->county,        order->postcode,
                  order->country_code,  order->phone };

          for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
            if (lines[i] != NULL && *lines[i])
              {
                g_autofree char *line = pb_cli_printable (lines[i]);

                printf ("    %s\n", line);
              }
        }
      for (guint i = 0; i < order->items->len; i++)
        {
          PbOrderItemData *item = g_ptr_array_index (order->items, i);
          g_autofree char *sku = pb_cli_printable (item->sku);
          g_autofree char *title = pb_cli_printable (item->title);

          printf ("  %d × %s  %s\n", item->quantity, sku ? sku : "-", title ? title : "");
        }
      if (tracking)
        {
          g_autofree char *number = pb_cli_printable (tracking);

          printf (_ ("Tracking: %s\n"), number);
        }
    }
  return PB_EXIT_OK;
}

static int
confirm_order (PbSession *session, const char *order_id, const char *tracking, const char *method)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PbHttpClient) http = NULL;
  g_autoptr (PbAmazonClient) amazon = NULL;
  g_autoptr (PbOutboxItem) item = NULL;
  PbStore *store = pb_session_get_store (session);
  gint64 id = 0;

  if (!pb_session_require (session, PB_ACTION_PACK, order_id, &error))
    return pb_cli_fail (error);
  if (!pb_orders_get_local (store, order_id, NULL, NULL, NULL, NULL, &error))
    return pb_cli_fail (error);

  /* Ask Amazon first: the buyer may have cancelled since the last sync. */
  http = pb_services_new_http_client (store);
  amazon = pb_services_new_amazon_client (store, http);
  if (!pb_sync_recheck_order (store, amazon, order_id, NULL, &error))
    {
      if (error->domain == PB_SYNC_ERROR
          || g_error_matches (error, PB_AMAZON_ERROR, PB_AMAZON_ERROR_REJECTED))
        {
          pb_session_audit (session, "order.refused", order_id, "denied",
                            g_error_matches (error, PB_SYNC_ERROR, PB_SYNC_ERROR_CANCEL_REQUESTED)
                                ? "cancellation requested"
                                : "cancelled",
                            NULL);
          return pb_cli_fail (error);
        }
      fprintf (stderr,
               _ ("Could not check the order with Amazon (%s); going on with what the "
                  "bench knows.\n"),
               error->message);
      g_clear_error (&error);
    }

  if (!pb_outbox_queue_confirmation (store, order_id, tracking, method,
                                     pb_session_get_username (session), &id, &error))
    return pb_cli_fail (error);

  /* Try once now; a failure stays in the outbox for later. */
  if (!run_outbox (session, amazon, id))
    return PB_EXIT_FAILED;

  item = pb_outbox_get (store, id, &error);
  if (item == NULL)
    return pb_cli_fail (error);
  printf ("Tracking: %s\n", tracking);
  if (g_str_equal (item->state, PB_OUTBOX_DONE))
    fprintf (stderr, _ ("Amazon has the tracking number.\n"));
  else
    fprintf (stderr,
             _ ("Amazon has not confirmed yet (%s); outbox item %" PRId64 " will try again.\n"),
             item->last_error ? item->last_error : item->state, id);
  return PB_EXIT_OK;
}

int
pb_cli_cmd_orders (PbCliContext *ctx, int argc, char **argv)
{
  static const char *synopsis = "orders list [--state S] [--json] | show ID [--json] | "
                                "confirm ID --tracking NUMBER [--method TEXT]  --user NAME";
  g_autofree char *user = NULL;
  g_autofree char *state = NULL;
  g_autofree char *tracking = NULL;
  g_autofree char *method = NULL;
  g_autoptr (PbSession) session = NULL;
  gboolean json = FALSE;
  int exit_code;
  GOptionEntry entries[] = {
    { "user", 0, 0, G_OPTION_ARG_STRING, &user, N_ ("Who you are"), N_ ("NAME") },
    { "state", 0, 0, G_OPTION_ARG_STRING, &state,
      N_ ("Only orders in this state (unshipped, labelled, shipped, cancelled, pending)"),
      N_ ("S") },
    { "tracking", 0, 0, G_OPTION_ARG_STRING, &tracking, N_ ("The tracking number"), N_ ("NUMBER") },
    { "method", 0, 0, G_OPTION_ARG_STRING, &method, N_ ("The shipping service"), N_ ("TEXT") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_ ("Print JSON"), NULL },
    { NULL },
  };

  if (!pb_cli_parse (entries, synopsis, &argc, &argv, &exit_code))
    return exit_code;
  if (argc < 2)
    return pb_cli_usage (synopsis, NULL);

  if (g_str_equal (argv[1], "list") && argc == 2)
    {
      session = pb_cli_login (ctx, user, &exit_code);
      return session ? list_orders (session, state, json) : exit_code;
    }
  if (g_str_equal (argv[1], "show") && argc == 3)
    {
      session = pb_cli_login (ctx, user, &exit_code);
      return session ? show_order (session, argv[2], json) : exit_code;
    }
  if (g_str_equal (argv[1], "confirm") && argc == 3)
    {
      if (tracking == NULL)
        return pb_cli_usage (synopsis, _ ("orders confirm needs --tracking NUMBER."));
      session = pb_cli_login (ctx, user, &exit_code);
      return session ? confirm_order (session, argv[2], tracking, method) : exit_code;
    }
  return pb_cli_usage (synopsis, NULL);
}

int
pb_cli_cmd_outbox (PbCliContext *ctx, int argc, char **argv)
{
  static const char *synopsis = "outbox list [--all] [--json] | retry ID | discard ID  --user NAME";
  g_autofree char *user = NULL;
  g_autoptr (PbSession) session = NULL;
  g_autoptr (GError) error = NULL;
  gboolean json = FALSE, everything = FALSE;
  int exit_code;
  GOptionEntry entries[] = {
    { "user", 0, 0, G_OPTION_ARG_STRING, &user, N_ ("Who you are"), N_ ("NAME") },
    { "all", 0, 0, G_OPTION_ARG_NONE, &everything, N_ ("Include finished items"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_ ("Print JSON"), NULL },
    { NULL },
  };

  if (!pb_cli_parse (entries, synopsis, &argc, &argv, &exit_code))
    return exit_code;
  if (argc < 2)
    return pb_cli_usage (synopsis, NULL);

  if (g_str_equal (argv[1], "list") && argc == 2)
    {
      g_autoptr (GPtrArray) items = NULL;
      g_autoptr (JsonBuilder) builder = json_builder_new ();

      session = pb_cli_login (ctx, user, &exit_code);
      if (session == NULL)
        return exit_code;
      if (!pb_session_require (session, PB_ACTION_RESOLVE_OUTBOX, NULL, &error))
        return pb_cli_fail (error);
      items = pb_outbox_list (pb_session_get_store (session), everything, &error);
      if (items == NULL)
        return pb_cli_fail (error);

      json_builder_begin_array (builder);
      for (guint i = 0; i < items->len; i++)
        {
          PbOutboxItem *item = g_ptr_array_index (items, i);

          if (json)
            {
              json_builder_begin_object (builder);
              json_builder_set_member_name (builder, "id");
              json_builder_add_int_value (builder, item->id);
              add_string (builder, "kind", item->kind);
              add_string (builder, "order_id", item->order_id);
              add_string (builder, "state", item->state);
              json_builder_set_member_name (builder, "attempts");
              json_builder_add_int_value (builder, item->attempts);
              add_time (builder, "next_attempt", item->next_attempt_at);
              add_string (builder, "last_error", item->last_error);
              add_time (builder, "created", item->created_at);
              add_string (builder, "created_by", item->created_by);
              json_builder_end_object (builder);
            }
          else
            {
              /* Amazon's and Royal Mail's error texts may quote an address. */
              g_autofree char *why = pb_cli_printable (item->last_error);

              printf ("%5" PRId64 "  %-24s %-19s %-11s %2d  %s\n", item->id, item->kind,
                      item->order_id ? item->order_id : "-", item->state, item->attempts,
                      why ? why : "");
            }
        }
      json_builder_end_array (builder);
      if (json)
        pb_cli_print_json (builder);
      return PB_EXIT_OK;
    }

  if ((g_str_equal (argv[1], "retry") || g_str_equal (argv[1], "discard")) && argc == 3)
    {
      PbStore *store;
      guint64 id;
      gboolean retry = g_str_equal (argv[1], "retry");

      if (!g_ascii_string_to_unsigned (argv[2], 10, 1, G_MAXINT64, &id, NULL))
        return pb_cli_usage (synopsis, _ ("ID must be an outbox item number."));
      session = pb_cli_login (ctx, user, &exit_code);
      if (session == NULL)
        return exit_code;
      if (!pb_session_require (session, PB_ACTION_RESOLVE_OUTBOX, argv[2], &error))
        return pb_cli_fail (error);
      store = pb_session_get_store (session);

      if (!pb_outbox_resolve (store, (gint64)id, retry, pb_session_get_username (session),
                              pb_clock_now_unix (), &error))
        return pb_cli_fail (error);

      if (retry)
        {
          g_autoptr (PbHttpClient) http = pb_services_new_http_client (store);
          g_autoptr (PbAmazonClient) amazon = pb_services_new_amazon_client (store, http);
          g_autoptr (PbOutboxItem) item = NULL;

          if (!run_outbox (session, amazon, (gint64)id))
            return PB_EXIT_FAILED;
          item = pb_outbox_get (store, (gint64)id, &error);
          if (item == NULL)
            return pb_cli_fail (error);
          printf ("%s\n", item->state);
          return g_str_equal (item->state, PB_OUTBOX_DONE) ? PB_EXIT_OK : PB_EXIT_FAILED;
        }
      fprintf (stderr, _ ("Outbox item %s discarded.\n"), argv[2]);
      return PB_EXIT_OK;
    }

  return pb_cli_usage (synopsis, NULL);
}
