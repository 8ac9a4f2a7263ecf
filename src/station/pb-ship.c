/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "pb-documents.h"
#include "pb-outbox-worker.h"
#include "pb-parcel-spec.h"
#include "pb-services.h"
#include "pb-ship.h"
#include "pb-sync.h"
#include "print/pb-label.h"
#include "print/pb-print-error.h"
#include "print/pb-print-job.h"
#include "print/pb-printer.h"
#include "site/pb-site.h"
#include "store/pb-activity.h"
#include "store/pb-audit.h"
#include "store/pb-catalogue.h"
#include "store/pb-labels.h"
#include "store/pb-orders.h"
#include "store/pb-outbox.h"
#include "store/pb-parcels.h"
#include "store/pb-settings.h"
#include "util/pb-clock.h"
#include "util/pb-fault.h"
#include "util/pb-postcode.h"

#define DEFAULT_PRINT_TIMEOUT_MS 30000
/* Retries of the re-check with Amazon just before a label is bought. */
#define RECHECK_MAX_RETRIES 1

G_DEFINE_QUARK (pb - ship - error - quark, pb_ship_error)

void
pb_ship_result_clear (PbShipResult *result)
{
  g_clear_pointer (&result->parcel_tracking, g_strfreev);
  g_clear_pointer (&result->tracking_number, g_free);
  g_clear_pointer (&result->service, g_free);
  g_clear_pointer (&result->confirm_error, g_free);
  g_clear_pointer (&result->recheck_error, g_free);
  g_clear_pointer (&result->despatch_note_error, g_free);
  memset (result, 0, sizeof *result);
}

static gboolean
refuse (GError **error, const char *message)
{
  g_set_error_literal (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID, message);
  return FALSE;
}

/* "12.99" → 1299; FALSE for anything else. */
static gboolean
parse_pence (const char *text, gint64 *pence)
{
  g_auto (GStrv) parts = NULL;
  guint64 whole = 0, fraction = 0;

  if (text == NULL || *text == '\0')
    {
      *pence = 0;
      return TRUE;
    }
  parts = g_strsplit (text, ".", 2);
  if (!g_ascii_string_to_unsigned (parts[0], 10, 0, 10000000, &whole, NULL))
    return FALSE;
  if (parts[1] != NULL)
    {
      char digits[3] = { '0', '0', '\0' };
      gsize len = strlen (parts[1]);

      if (len == 0 || len > 2 || strspn (parts[1], "0123456789") != len)
        return FALSE;
      memcpy (digits, parts[1], len);
      fraction = g_ascii_strtoull (digits, NULL, 10);
    }
  *pence = (gint64)(whole * 100 + fraction);
  return TRUE;
}

static char *
format_pence (gint64 pence)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT ".%02d", pence / 100, (int)(pence % 100));
}

/* Everything the label needs, checked: the order's items in the catalogue,
 * the weight, the rules' choice, customs data when the destination needs
 * it. The shipment's strings point into @order and @products. */
typedef struct
{
  PbOrderData *order;
  GPtrArray *products; /* PbProduct or NULL per item */
  GArray *items;       /* PbRoyalMailItem */
  char *postcode;
  char *subtotal;
  char *service;
  char *package_format;
  gint weight_g;
  /* Several parcels: PbParcel (not owned), and for each its
   * PbRoyalMailPackage with its own PbRoyalMailItem lines. NULL: one. */
  GPtrArray *parcels;
  GArray *packages;
  GPtrArray *package_items;
  PbRoyalMailShipment shipment;
} Plan;

static void
plan_clear (Plan *plan)
{
  g_clear_pointer (&plan->order, pb_order_data_free);
  g_clear_pointer (&plan->products, g_ptr_array_unref);
  g_clear_pointer (&plan->items, g_array_unref);
  g_clear_pointer (&plan->postcode, g_free);
  g_clear_pointer (&plan->subtotal, g_free);
  g_clear_pointer (&plan->service, g_free);
  g_clear_pointer (&plan->package_format, g_free);
  g_clear_pointer (&plan->packages, g_array_unref);
  g_clear_pointer (&plan->package_items, g_ptr_array_unref);
}

/* Each parcel's package: the order's lines, with the parcel's counts. */
static void
plan_packages (Plan *plan)
{
  plan->packages = g_array_new (FALSE, TRUE, sizeof (PbRoyalMailPackage));
  plan->package_items = g_ptr_array_new_with_free_func ((GDestroyNotify)g_array_unref);
  for (guint i = 0; i < plan->parcels->len; i++)
    {
      const PbParcel *parcel = g_ptr_array_index (plan->parcels, i);
      GArray *lines = g_array_new (FALSE, TRUE, sizeof (PbRoyalMailItem));
      PbRoyalMailPackage package = { parcel->weight_g, NULL, 0 };

      for (guint j = 0; j < parcel->items->len; j++)
        {
          const PbParcelItem *entry = &g_array_index (parcel->items, PbParcelItem, j);

          for (guint k = 0; k < plan->order->items->len; k++)
            {
              const PbOrderItemData *item = g_ptr_array_index (plan->order->items, k);
              PbRoyalMailItem line = g_array_index (plan->items, PbRoyalMailItem, k);

              if (!g_str_equal (item->item_id, entry->order_item_id))
                continue;
              line.quantity = entry->quantity;
              g_array_append_val (lines, line);
            }
        }
      g_ptr_array_add (plan->package_items, lines);
      package.items = (const PbRoyalMailItem *)lines->data;
      package.n_items = lines->len;
      g_array_append_val (plan->packages, package);
    }
}

/* A Royal Mail service code as Click & Drop spells them: TPN24, CRL48… */
static gboolean
check_service_code (const char *code, GError **error)
{
  gsize len = strlen (code);

  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isupper (code[i]) && !g_ascii_isdigit (code[i]))
      len = 0;
  if (len >= 2 && len <= 10)
    return TRUE;
  g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID,
               _ ("“%s” is not a Royal Mail service code: give 2 to 10 capital letters and "
                  "digits, such as TPN24. Nothing was bought."),
               code);
  return FALSE;
}

/* With no rule to say: the largest package format the catalogue gives the
 * order's items; else royalmail.default_package_format when an
 * administrator set it, or set a default service (the no-rule fallback,
 * which has always come with the default format); else an error naming
 * what is missing. */
static gboolean
choose_package_format (PbStore *store, const Plan *plan, char **format, GError **error)
{
  g_autoptr (GString) missing = g_string_new (NULL);
  const char *largest = NULL;

  for (guint i = 0; i < plan->products->len; i++)
    {
      const PbProduct *product = g_ptr_array_index (plan->products, i);
      const PbOrderItemData *item = g_ptr_array_index (plan->order->items, i);

      if (product != NULL && pb_package_format_is_valid (product->package_format))
        largest = pb_package_format_larger (largest, product->package_format);
      else
        g_string_append_printf (missing, "%s%s", missing->len ? ", " : "",
                                item->sku ? item->sku : item->item_id);
    }
  if (missing->len == 0 && largest != NULL)
    {
      *format = g_strdup (largest);
      return TRUE;
    }
  if (pb_settings_is_set (store, "royalmail.default_package_format")
      || pb_settings_is_set (store, "royalmail.default_service"))
    {
      *format = pb_settings_get (store, "royalmail.default_package_format");
      return TRUE;
    }
  g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID,
               _ ("No rule matches this order, the catalogue has no package format for SKU %s, "
                  "and royalmail.default_package_format is not set: the service alone does not "
                  "say the package. Import the SKU’s package_format or set the default."),
               missing->str);
  return FALSE;
}

static gboolean
make_plan (PbStore *store, const PbShipRequest *request, Plan *plan, GError **error)
{
  g_autoptr (GStrvBuilder) skus = g_strv_builder_new ();
  g_auto (GStrv) sku_list = NULL;
  PbDestination destination;
  gint64 subtotal = 0;
  gint weight = 0;
  gint rule_weight = 0;
  gint64 rule_id = 0;
  gboolean weight_known = TRUE;

  plan->order = pb_orders_get (store, request->order_id, error);
  if (plan->order == NULL)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID,
                     _ ("There is no order %s in this store. Run a sync first."),
                     request->order_id);
      return FALSE;
    }
  if (plan->order->address_line1 == NULL)
    return refuse (error, _ ("This order’s address was deleted with the retention purge: it "
                             "cannot get a new label."));

  destination = pb_destination_classify (plan->order->country_code, plan->order->postcode);
  plan->postcode = pb_postcode_normalize (plan->order->postcode);
  if (plan->postcode == NULL && destination != PB_DESTINATION_INTERNATIONAL)
    return refuse (error, _ ("The delivery postcode is not a valid UK postcode. Ask the buyer "
                             "(through Seller Central) for the right one before printing."));

  plan->products = g_ptr_array_new_with_free_func ((GDestroyNotify)pb_product_free);
  plan->items = g_array_new (FALSE, TRUE, sizeof (PbRoyalMailItem));
  for (guint i = 0; i < plan->order->items->len; i++)
    {
      PbOrderItemData *item = g_ptr_array_index (plan->order->items, i);
      PbProduct *product = NULL;
      PbRoyalMailItem line = { 0 };
      gint64 price;

      product = pb_catalogue_find_item (store, item->sku, item->asin, NULL);
      g_ptr_array_add (plan->products, product);

      if (product == NULL || product->weight_g <= 0)
        weight_known = FALSE;
      else
        weight += product->weight_g * item->quantity;
      if (!parse_pence (item->unit_price, &price))
        price = 0;
      subtotal += price * item->quantity;
      if (item->sku)
        g_strv_builder_add (skus, item->sku);

      if (pb_destination_needs_customs (destination)
          && (product == NULL || product->customs_description == NULL || product->hs_code == NULL
              || product->origin_country == NULL || product->weight_g <= 0))
        {
          g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID,
                       _ ("This parcel goes to %s and needs customs data, but the catalogue has "
                          "no customs description, HS code, country of origin and weight for SKU "
                          "%s. Add them (catalogue import) before printing."),
                       pb_destination_to_string (destination),
                       item->sku ? item->sku : item->item_id);
          return FALSE;
        }

      line.name = item->title ? item->title : item->sku;
      line.sku = item->sku;
      line.quantity = item->quantity;
      line.unit_value = item->unit_price;
      line.unit_weight_g = product ? product->weight_g : 0;
      if (product != NULL && pb_destination_needs_customs (destination))
        {
          line.customs_description = product->customs_description;
          line.hs_code = product->hs_code;
          line.origin_country = product->origin_country;
        }
      g_array_append_val (plan->items, line);
    }

  /* Several parcels: each weighed on its own; the rules see the heaviest,
   * which every parcel's service must carry. */
  if (plan->parcels != NULL)
    {
      gint heaviest = 0;

      weight = 0;
      for (guint i = 0; i < plan->parcels->len; i++)
        {
          const PbParcel *parcel = g_ptr_array_index (plan->parcels, i);

          weight += parcel->weight_g;
          heaviest = MAX (heaviest, parcel->weight_g);
        }
      rule_weight = heaviest;
    }
  else if (request->weight_g > 0)
    weight = request->weight_g;
  else if (!weight_known)
    return refuse (error, _ ("The catalogue has no weight for an item of this order. Weigh the "
                             "parcel and give the weight, or add the SKU to the catalogue."));
  plan->weight_g = weight;
  if (rule_weight == 0)
    rule_weight = weight;

  sku_list = g_strv_builder_end (skus);
  {
    PbRuleQuery query
        = { (const char *const *)sku_list, rule_weight,
            pb_service_level_classify (plan->order->service_level, plan->order->prime),
            destination };

    if (request->service == NULL)
      {
        if (!pb_rules_choose (store, &query, &plan->package_format, &plan->service, &rule_id,
                              error))
          return FALSE;
      }
    /* A service given by the packer is enough on its own: a matching rule
     * still gives the package format; else the catalogue, else the store's
     * stated default. */
    else if (!check_service_code (request->service, error)
             || !pb_rules_match (store, &query, &plan->package_format, &plan->service, &rule_id,
                                 error)
             || (plan->package_format == NULL
                 && !choose_package_format (store, plan, &plan->package_format, error)))
      return FALSE;
  }
  if (request->service != NULL)
    {
      g_free (plan->service);
      plan->service = g_strdup (request->service);
    }

  plan->subtotal = format_pence (subtotal);
  plan->shipment = (PbRoyalMailShipment){
    .reference = plan->order->order_id,
    .full_name = plan->order->name,
    .company = plan->order->company,
    .address_line1 = plan->order->address_line1,
    .address_line2 = plan->order->address_line2,
    .address_line3 = plan->order->address_line3,
    .city = plan->order->city,
    .county = plan->order->county,
    .postcode = plan->postcode ? plan->postcode : plan->order->postcode,
    .country_code = plan->order->country_code ? plan->order->country_code : "GB",
    .phone = plan->order->phone,
    .order_date = plan->order->created,
    .subtotal = plan->subtotal,
    .shipping = "0.00",
    .total = plan->subtotal,
    .currency = "GBP",
    .service_code = plan->service,
    .package_format = plan->package_format,
    .weight_g = plan->weight_g,
    .items = (const PbRoyalMailItem *)plan->items->data,
    .n_items = plan->items->len,
  };
  if (plan->parcels != NULL)
    {
      plan_packages (plan);
      plan->shipment.packages = (const PbRoyalMailPackage *)plan->packages->data;
      plan->shipment.n_packages = plan->packages->len;
    }
  return pb_royalmail_shipment_validate (&plan->shipment, error);
}

/* Finds the Click & Drop order for @reference that has a label. */
static PbRoyalMailOrder *
find_labelled (PbRoyalMailClient *client, const char *reference, GCancellable *cancellable,
               GError **error)
{
  g_autoptr (GPtrArray) found = pb_royalmail_client_find (client, reference, cancellable, error);

  if (found == NULL)
    return NULL;
  for (guint i = 0; i < found->len; i++)
    {
      PbRoyalMailOrder *order = g_ptr_array_index (found, i);
      if (order->tracking_number != NULL)
        return g_ptr_array_steal_index (found, i);
    }
  for (guint i = 0; i < found->len; i++)
    return g_ptr_array_steal_index (found, i);
  return NULL;
}

/* The label, bought once: look the reference up first, create only when
 * Click & Drop has nothing, and after a timeout look again. */
static PbRoyalMailOrder *
obtain_label (PbRoyalMailClient *client, const Plan *plan, GCancellable *cancellable,
              GError **error)
{
  g_autoptr (GError) create_error = NULL;
  g_autoptr (GError) find_error = NULL;
  PbRoyalMailOrder *order;

  order = find_labelled (client, plan->shipment.reference, cancellable, &find_error);
  if (order == NULL && find_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&find_error));
      return NULL;
    }
  if (order == NULL)
    {
      order = pb_royalmail_client_create (client, &plan->shipment, cancellable, &create_error);
      if (order == NULL)
        {
          /* A timeout or a 5xx may have created it all the same. */
          if (g_error_matches (create_error, PB_ROYALMAIL_ERROR, PB_ROYALMAIL_ERROR_UNAVAILABLE))
            order = find_labelled (client, plan->shipment.reference, cancellable, NULL);
          if (order == NULL)
            {
              g_propagate_error (error, g_steal_pointer (&create_error));
              return NULL;
            }
        }
    }
  if (order->label == NULL && order->tracking_number != NULL)
    {
      order->label
          = pb_royalmail_client_get_label (client, order->order_identifier, cancellable, error);
      if (order->label == NULL)
        {
          pb_royalmail_order_free (order);
          return NULL;
        }
    }
  if (order->tracking_number == NULL || order->label == NULL)
    {
      pb_royalmail_order_free (order);
      g_set_error_literal (error, PB_ROYALMAIL_ERROR, PB_ROYALMAIL_ERROR_REJECTED,
                           _ ("Royal Mail created the order but no label. Check the service and "
                              "the account in Click & Drop."));
      return NULL;
    }
  return order;
}

static gboolean
buy_label (PbStore *store, const PbShipRequest *request, Plan *plan, GCancellable *cancellable,
           GError **error)
{
  g_autoptr (PbHttpClient) http = pb_services_new_http_client (store);
  g_autoptr (PbRoyalMailClient) client = pb_services_new_royalmail_client (store, http);
  g_autoptr (PbRoyalMailOrder) label = NULL;
  g_autoptr (PbOutboxItem) item = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *payload = NULL;
  g_autofree char *dedupe = g_strconcat (PB_OUTBOX_KIND_CREATE_LABEL, ":", request->order_id, NULL);
  gint64 id = 0;
  gint64 now = pb_clock_now_unix ();

  /* The intent is on disk before anything is sent. No PII in the row: the
   * address is read from the order when the label is bought. */
  payload = g_strdup_printf ("{\"order_id\":\"%s\",\"service\":\"%s\",\"package_format\":\"%s\","
                             "\"weight_g\":%d,\"parcels\":%u}",
                             request->order_id, plan->service, plan->package_format, plan->weight_g,
                             plan->parcels != NULL ? plan->parcels->len : 1);
  /* Several parcels: the split is kept with the intent, so that a run
   * after a crash buys (or finds) the same parcels. */
  if (!pb_store_begin (store, error))
    return FALSE;
  if ((plan->parcels != NULL && !pb_parcels_plan (store, request->order_id, plan->parcels, error))
      || !pb_outbox_enqueue (store, PB_OUTBOX_KIND_CREATE_LABEL, request->order_id, dedupe, payload,
                             request->operator_name, now, &id, error)
      || !pb_store_commit (store, error))
    {
      pb_store_rollback (store);
      return FALSE;
    }
  pb_fault_point ("ship.after-queue-label");

  pb_outbox_recover_one (store, id, now, NULL);
  item = pb_outbox_claim (store, now, id, PB_OUTBOX_KIND_CREATE_LABEL, error);
  if (item == NULL && error != NULL && *error != NULL)
    return FALSE;

  label = obtain_label (client, plan, cancellable, &local_error);
  now = pb_clock_now_unix ();
  if (label == NULL)
    {
      gboolean permanent
          = !g_error_matches (local_error, PB_ROYALMAIL_ERROR, PB_ROYALMAIL_ERROR_UNAVAILABLE);
      pb_outbox_fail (store, id, local_error->message, permanent, now + 60, now, NULL);
      /* Refused: no label exists, so the packer may split it anew. */
      if (permanent)
        pb_parcels_forget (store, request->order_id, NULL);
      pb_audit_append (store, request->operator_name, "label.failed", request->order_id, "failed",
                       NULL, NULL);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  pb_fault_point ("ship.after-label-created");

  if (!pb_store_begin (store, error))
    return FALSE;
  if (!pb_labels_store (store, request->order_id, label->order_identifier,
                        plan->parcels != NULL && label->package_tracking != NULL
                            ? label->package_tracking[0]
                            : label->tracking_number,
                        plan->service, plan->package_format, plan->weight_g, label->label,
                        request->operator_name, now, error)
      || (plan->parcels != NULL
          && !pb_parcels_set_tracking (store, request->order_id,
                                       (const char *const *)label->package_tracking, error))
      || !pb_outbox_complete (store, id, now, error)
      || !pb_audit_append (store, request->operator_name, "label.created", request->order_id, "ok",
                           plan->service, error)
      || !pb_store_commit (store, error))
    {
      pb_store_rollback (store);
      return FALSE;
    }
  pb_fault_point ("ship.after-label-stored");
  return TRUE;
}

/*
 * Every document that shows an address (a label, a manifest) is on record
 * before it reaches CUPS: a "<kind>.print_requested" row is committed
 * first, so a print that is interrupted (Ctrl-C, a crash, a closed window)
 * is in the log all the same, and nothing is sent when that row cannot be
 * written. Then the outcome: the caller's own row when the job has
 * printed, "<kind>.print_failed" when it did not, or
 * "<kind>.print_unconfirmed" (outcome "unknown") when the watch was
 * cancelled while CUPS still had the job, which may yet print.
 */
typedef struct
{
  const char *kind;          /* "label" or "manifest": the prefix of the audit actions */
  const char *operator_name; /* NULL: nothing is logged (the test label) */
  const char *subject;       /* the order id, or the manifest number */
  const char *detail;        /* NULL, or what kind of print ("reprint") */
} PrintRecord;

static void
record_outcome (PbStore *store, const PrintRecord *record, const char *outcome_action,
                const char *outcome, const char *detail)
{
  g_autofree char *action = g_strdup_printf ("%s.%s", record->kind, outcome_action);

  pb_audit_append (store, record->operator_name, action, record->subject, outcome, detail, NULL);
}

static gboolean
submit_and_watch (PbStore *store, const PbPrintRequest *print, guint timeout_ms,
                  const PrintRecord *record, GCancellable *cancellable, GError **error)
{
  g_autoptr (PbPrintJob) job = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *detail = NULL;

  if (record->operator_name != NULL)
    {
      g_autofree char *action = g_strdup_printf ("%s.print_requested", record->kind);

      detail = record->detail != NULL
                   ? g_strdup_printf ("printer=%s %s", print->printer, record->detail)
                   : g_strdup_printf ("printer=%s", print->printer);
      if (!pb_audit_append (store, record->operator_name, action, record->subject, "ok", detail,
                            error))
        return FALSE;
    }

  job = pb_print_job_submit (print, cancellable, &local_error);
  if (job != NULL)
    {
      if (timeout_ms == 0)
        timeout_ms = (guint)pb_settings_get_int (store, "print.timeout_seconds") * 1000;
      if (pb_print_job_watch (job, timeout_ms ? timeout_ms : DEFAULT_PRINT_TIMEOUT_MS, cancellable,
                              &local_error))
        return TRUE;
    }

  if (record->operator_name != NULL)
    {
      if (job != NULL && g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        record_outcome (store, record, "print_unconfirmed", "unknown", detail);
      else
        record_outcome (store, record, "print_failed", "failed", detail);
    }
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

static gboolean
print_pdf (PbStore *store, GBytes *pdf, const char *printer_override, guint timeout_ms,
           const PrintRecord *record, GCancellable *cancellable, GError **error)
{
  g_autofree char *printer
      = printer_override ? g_strdup (printer_override) : pb_settings_get (store, "print.printer");
  g_autofree char *mode = pb_settings_get (store, "print.mode");
  PbPrintRequest print = { 0 };

  if (printer == NULL || *printer == '\0')
    {
      g_set_error_literal (error, PB_PRINT_ERROR, PB_PRINT_ERROR_NOT_FOUND,
                           _ ("No label printer is set. An administrator chooses one "
                              "(print.printer); the label is kept and can be reprinted."));
      if (record->operator_name != NULL)
        record_outcome (store, record, "print_failed", "failed", "no printer");
      return FALSE;
    }
  print.printer = printer;
  print.mode = g_strcmp0 (mode, "zpl") == 0 ? PB_PRINT_MODE_ZPL : PB_PRINT_MODE_PDF;
  print.dpi = (guint)pb_settings_get_int (store, "print.dpi");
  print.title = "Packbench label";
  print.pdf = pdf;
  return submit_and_watch (store, &print, timeout_ms, record, cancellable, error);
}

static gboolean
print_label (PbStore *store, const PbShipRequest *request, GCancellable *cancellable,
             GError **error)
{
  g_autoptr (GBytes) pdf = pb_labels_get_pdf (store, request->order_id, error);
  const PrintRecord record = { "label", request->operator_name, request->order_id, NULL };
  g_autofree char *detail = NULL;
  gint64 started;
  gint64 now;

  if (pdf == NULL)
    {
      if (error != NULL && *error == NULL)
        refuse (error, _ ("No label is stored for this order."));
      return FALSE;
    }
  if (!print_pdf (store, pdf, request->printer, request->print_timeout_ms, &record, cancellable,
                  error))
    return FALSE;
  now = pb_clock_now_unix ();
  started = pb_orders_get_pack_started (store, request->order_id);
  /* For the site's Activity, which reads the audit log only. */
  if (started > 0 && started <= now)
    detail = g_strdup_printf (PB_ACTIVITY_SCAN_TO_PRINT "%" G_GINT64_FORMAT, now - started);
  pb_labels_set_printed (store, request->order_id, now, NULL);
  pb_audit_append (store, request->operator_name, "label.printed", request->order_id, "ok", detail,
                   NULL);
  pb_fault_point ("ship.after-print");
  return TRUE;
}

static void
confirm (PbStore *store, const PbShipRequest *request, const PbLabelInfo *info,
         PbShipResult *result, GCancellable *cancellable)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PbHttpClient) http = pb_services_new_http_client (store);
  g_autoptr (PbAmazonClient) amazon = pb_services_new_amazon_client (store, http);
  g_autoptr (GPtrArray) parcels = pb_parcels_get (store, request->order_id, &error);
  g_autoptr (GArray) ids = g_array_new (FALSE, TRUE, sizeof (gint64));

  /* One confirmation per parcel, all queued at once. */
  if (parcels == NULL
      || !pb_outbox_queue_confirmations (store, request->order_id, parcels, info->tracking_number,
                                         info->service, request->operator_name, ids, &error))
    {
      result->confirm_error = g_strdup (error->message);
      return;
    }
  pb_fault_point ("ship.after-queue-confirm");
  result->confirmed = TRUE;
  for (guint i = 0; i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);
      g_autoptr (PbOutboxItem) item = NULL;

      /* A crash may have left it in progress (perhaps sent): recovering
       * makes the worker ask Amazon before sending again. */
      pb_outbox_recover_one (store, id, pb_clock_now_unix (), NULL);
      pb_outbox_run (store, amazon, id, NULL, cancellable, NULL);
      item = pb_outbox_get (store, id, NULL);
      if (item != NULL && g_str_equal (item->state, PB_OUTBOX_DONE))
        continue;
      result->confirmed = FALSE;
      if (result->confirm_error == NULL)
        result->confirm_error
            = g_strdup (item && item->last_error ? item->last_error : _ ("not sent yet"));
    }
}

static gboolean
refuse_cancelled (PbStore *store, const PbShipRequest *request, GError **error)
{
  pb_audit_append (store, request->operator_name, "order.refused", request->order_id, "denied",
                   "cancelled", NULL);
  g_set_error_literal (error, PB_SHIP_ERROR, PB_SHIP_ERROR_CANCELLED,
                       _ ("This order was cancelled. Do not send it: put the items back."));
  return FALSE;
}

/*
 * Asks Amazon for the order just before its label is bought, every time: a
 * buyer may cancel (or ask to) a moment after a sync, and getOrder's quota
 * (0.5 requests a second, burst 30) is far above a bench's pace. Amazon's
 * answer is stored, and the caller then refuses on what the store says.
 * When Amazon cannot be reached the bench is not stopped: it goes on with
 * what the last sync said, and @result says so. A 4xx refusal stops it.
 */
static gboolean
recheck (PbStore *store, const PbShipRequest *request, PbShipResult *result,
         GCancellable *cancellable, GError **error)
{
  g_autoptr (PbHttpClient) http = pb_services_new_http_client (store);
  g_autoptr (PbAmazonClient) amazon = NULL;
  g_autoptr (GError) local_error = NULL;

  /* The packer is waiting at the bench: one retry, not the outbox's
   * patience. Amazon out of reach is not a reason to stop. */
  pb_http_client_set_retry (
      http, MIN ((guint)pb_settings_get_int (store, "net.max_retries"), RECHECK_MAX_RETRIES),
      (guint)pb_settings_get_int (store, "net.retry_base_ms"),
      (guint)pb_settings_get_int (store, "net.retry_max_ms"));
  amazon = pb_services_new_amazon_client (store, http);
  if (pb_sync_recheck_order (store, amazon, request->order_id, cancellable, &local_error))
    return TRUE;
  /* Cancelled, or a cancellation request: stored; the caller refuses. */
  if (local_error->domain == PB_SYNC_ERROR)
    return TRUE;
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (g_error_matches (local_error, PB_AMAZON_ERROR, PB_AMAZON_ERROR_REJECTED))
    {
      pb_audit_append (store, request->operator_name, "order.refused", request->order_id, "denied",
                       "re-check refused", NULL);
      g_set_error (error, PB_SHIP_ERROR, PB_SHIP_ERROR_RECHECK_REFUSED,
                   _ ("Amazon refused to re-check this order, so no label was bought: %s"),
                   local_error->message);
      return FALSE;
    }

  result->recheck_skipped = TRUE;
  result->recheck_error = g_strdup (local_error->message);
  pb_sync_get_status (store, &result->last_sync, NULL, NULL);
  pb_audit_append (store, request->operator_name, "order.recheck_skipped", request->order_id,
                   "failed", NULL, NULL);
  return TRUE;
}

/* What the store now says (Amazon's fresh answer, or the last sync's). */
static gboolean
check_still_wanted (PbStore *store, const PbShipRequest *request, GError **error)
{
  g_autofree char *state = NULL;
  gboolean cancel_requested = FALSE;

  if (!pb_orders_get_local (store, request->order_id, &state, NULL, NULL, NULL, error)
      || !pb_orders_get_cancel_requested (store, request->order_id, &cancel_requested, error))
    return FALSE;
  if (g_str_equal (state, PB_ORDER_STATE_CANCELLED))
    return refuse_cancelled (store, request, error);
  if (g_str_equal (state, PB_ORDER_STATE_SHIPPED))
    return refuse (error, _ ("This order has already been sent."));
  if (g_str_equal (state, PB_ORDER_STATE_UNFULFILLABLE))
    return refuse (error, _ ("Amazon says this order cannot be fulfilled: do not pack it."));
  if (cancel_requested)
    {
      pb_audit_append (store, request->operator_name, "order.refused", request->order_id, "denied",
                       "cancellation requested", NULL);
      g_set_error_literal (error, PB_SHIP_ERROR, PB_SHIP_ERROR_CANCEL_REQUESTED,
                           _ ("The buyer has asked Amazon to cancel this order. Do not send it: "
                              "put the items back, check the request in Seller Central and "
                              "cancel the order there."));
      return FALSE;
    }
  return TRUE;
}

/*
 * Site mode: the order is this bench's before anything else happens. The
 * claim is one statement in the site database, so of two benches that
 * ship one order at the same moment exactly one goes on; the other is
 * refused in words (who has it, where, since when) and does nothing else.
 * A bench that has not packed the order before fetches it (its recipient
 * included) from Amazon into its own store.
 */
static gboolean
claim_in_site (PbStore *store, PbSite *site, const PbShipRequest *request, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autofree char *state = NULL;

  if (!pb_site_claim (site, request->order_id, request->operator_name, NULL, &local_error))
    {
      if (g_error_matches (local_error, PB_SITE_ERROR, PB_SITE_ERROR_CANCELLED))
        return refuse_cancelled (store, request, error);
      if (g_error_matches (local_error, PB_SITE_ERROR, PB_SITE_ERROR_CLAIMED)
          || g_error_matches (local_error, PB_SITE_ERROR, PB_SITE_ERROR_SHIPPED))
        {
          pb_audit_append (store, request->operator_name, "order.refused", request->order_id,
                           "denied", "held by another bench", NULL);
          g_set_error_literal (error, PB_SHIP_ERROR, PB_SHIP_ERROR_HELD, local_error->message);
          return FALSE;
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  {
    gboolean has_recipient = FALSE;
    gint64 purged_at = 0;

    /* Ours already (a label bought, or its address fetched before), or an
     * order whose address the purge took: nothing to fetch. */
    if (pb_orders_get_local (store, request->order_id, &state, NULL, NULL, &purged_at, NULL)
        && (purged_at > 0 || g_strcmp0 (state, PB_ORDER_STATE_UNSHIPPED) != 0
            || (pb_orders_has_recipient (store, request->order_id, &has_recipient, NULL)
                && has_recipient)))
      return TRUE;
  }

  if (!pb_ship_fetch_recipient (store, request->order_id, NULL, error))
    {
      pb_site_release (site, request->order_id, NULL);
      return FALSE;
    }
  return TRUE;
}

gboolean
pb_ship_fetch_recipient (PbStore *store, const char *order_id, GCancellable *cancellable,
                         GError **error)
{
  g_autoptr (PbHttpClient) http = pb_services_new_http_client (store);
  g_autoptr (PbAmazonClient) amazon = pb_services_new_amazon_client (store, http);
  g_autoptr (GError) local_error = NULL;

  /* Cancelled or a cancellation request: stored, and refused later in
   * words by whoever ships it. */
  if (pb_sync_recheck_order (store, amazon, order_id, cancellable, &local_error)
      || local_error->domain == PB_SYNC_ERROR)
    return TRUE;
  g_set_error (error, PB_SHIP_ERROR, PB_SHIP_ERROR_RECHECK_REFUSED,
               _ ("This bench needs the order’s address from Amazon, and could not get it: %s"),
               local_error->message);
  return FALSE;
}

/* The label is this bench's, in the site: recorded before it is bought,
 * finished once it is. */
/* Site mode: the label is bought, so the order is this bench's for good.
 * When the site cannot be told now, the bench remembers, and the next sync
 * tells it (pb_ship_finish_in_site); the print and the confirmation go on. */
#define META_SITE_UNFINISHED "site.unfinished_shipments"

static void
remember_unfinished (PbStore *store, const char *order_id)
{
  g_autofree char *list = pb_store_get_meta (store, META_SITE_UNFINISHED);
  g_auto (GStrv) ids = list ? g_strsplit (list, " ", -1) : g_new0 (char *, 1);
  g_autofree char *joined = NULL;

  if (g_strv_contains ((const char *const *)ids, order_id))
    return;
  joined = list && *list ? g_strconcat (list, " ", order_id, NULL) : g_strdup (order_id);
  pb_store_set_meta (store, META_SITE_UNFINISHED, joined, NULL);
}

/* Each parcel's tracking number when @order_id goes as several; else
 * NULL. */
static GStrv
get_parcel_tracking (PbStore *store, const char *order_id)
{
  g_autoptr (GPtrArray) parcels = pb_parcels_get (store, order_id, NULL);
  g_autoptr (GStrvBuilder) tracking = g_strv_builder_new ();

  if (parcels == NULL || parcels->len == 0)
    return NULL;
  for (guint i = 0; i < parcels->len; i++)
    g_strv_builder_add (tracking, ((PbParcel *)g_ptr_array_index (parcels, i))->tracking_number);
  return g_strv_builder_end (tracking);
}

static gboolean
finish_shipment (PbStore *store, PbSite *site, const char *order_id, const PbLabelInfo *info,
                 GError **error)
{
  g_auto (GStrv) tracking = get_parcel_tracking (store, order_id);

  return pb_site_finish_shipment (site, order_id, info->tracking_number,
                                  (const char *const *)tracking, info->rm_order_identifier, error);
}

static void
finish_in_site (PbStore *store, PbSite *site, const PbShipRequest *request, const PbLabelInfo *info,
                const char *const *parcel_tracking)
{
  if (pb_site_config_exists (pb_store_get_dir (store))
      && (site == NULL
          || !pb_site_finish_shipment (site, request->order_id, info->tracking_number,
                                       parcel_tracking, info->rm_order_identifier, NULL)))
    remember_unfinished (store, request->order_id);
}

/* A manifest made here that the site has not heard of yet: "NUMBER:ASKED_AT:OPERATOR"
 * entries, space-separated. */
#define META_SITE_UNRECORDED_MANIFESTS "site.unrecorded_manifests"

static void
remember_unrecorded_manifest (PbStore *store, gint64 number, gint64 asked_at,
                              const char *operator_name)
{
  g_autofree char *list = pb_store_get_meta (store, META_SITE_UNRECORDED_MANIFESTS);
  g_autofree char *joined
      = g_strdup_printf ("%s%s%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT ":%s", list ? list : "",
                         list && *list ? " " : "", number, asked_at, operator_name);

  pb_store_set_meta (store, META_SITE_UNRECORDED_MANIFESTS, joined, NULL);
}

/* Tells the site of the manifests made here while it was away, then marks
 * this bench's labels that went into a manifest made elsewhere. */
static gboolean
sync_manifests (PbStore *store, PbSite *site, GError **error)
{
  g_autofree char *list = pb_store_get_meta (store, META_SITE_UNRECORDED_MANIFESTS);
  g_autoptr (GString) left = g_string_new (NULL);
  g_autoptr (GPtrArray) pending = NULL;
  g_autoptr (GHashTable) manifests = NULL;
  GHashTableIter iter;
  gpointer key, value;

  if (list != NULL && *list != '\0')
    {
      g_auto (GStrv) entries = g_strsplit (list, " ", -1);

      for (guint i = 0; entries[i] != NULL; i++)
        {
          g_auto (GStrv) parts = g_strsplit (entries[i], ":", 3);

          if (g_strv_length (parts) != 3)
            continue;
          if (!pb_site_record_manifest (site, g_ascii_strtoll (parts[0], NULL, 10), parts[2],
                                        g_ascii_strtoll (parts[1], NULL, 10), NULL, NULL))
            g_string_append_printf (left, "%s%s", left->len ? " " : "", entries[i]);
        }
      if (!pb_store_set_meta (store, META_SITE_UNRECORDED_MANIFESTS, left->len ? left->str : NULL,
                              error))
        return FALSE;
    }

  pending = pb_labels_unmanifested (store, error);
  if (pending == NULL)
    return FALSE;
  manifests = pb_site_manifests_of (site, pending, error);
  if (manifests == NULL)
    return FALSE;
  g_hash_table_iter_init (&iter, manifests);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!pb_labels_set_manifest (store, key, *(gint64 *)value, error))
      return FALSE;
  return TRUE;
}

gboolean
pb_ship_finish_in_site (PbStore *store, PbSite *site, GError **error)
{
  g_autofree char *list = pb_store_get_meta (store, META_SITE_UNFINISHED);
  g_auto (GStrv) ids = NULL;
  g_autoptr (GString) left = g_string_new (NULL);

  if (list != NULL && *list != '\0')
    {
      ids = g_strsplit (list, " ", -1);
      for (guint i = 0; ids[i] != NULL; i++)
        {
          g_auto (PbLabelInfo) info = { 0 };

          if (*ids[i] == '\0' || !pb_labels_get_info (store, ids[i], &info, NULL)
              || info.rm_order_identifier == 0)
            continue;
          if (!finish_shipment (store, site, ids[i], &info, left->len == 0 ? error : NULL))
            g_string_append_printf (left, "%s%s", left->len ? " " : "", ids[i]);
        }
      if (!pb_store_set_meta (store, META_SITE_UNFINISHED, left->len ? left->str : NULL, error)
          || left->len != 0)
        return FALSE;
    }
  return sync_manifests (store, site, error);
}

/* The despatch note that goes with the label, when the bench asks for one
 * (print.despatch_note_with_label); a failure is the result's, not the
 * shipment's. */
static void
print_despatch_note (PbStore *store, const PbShipRequest *request, PbShipResult *result,
                     GCancellable *cancellable)
{
  g_autoptr (GError) error = NULL;

  if (!pb_settings_get_bool (store, "print.despatch_note_with_label"))
    return;
  if (pb_documents_print_despatch_note (store, request->order_id, request->operator_name,
                                        cancellable, &error))
    result->despatch_note_printed = TRUE;
  else
    result->despatch_note_error = g_strdup (error->message);
}

/* Whether a weight was typed or came from the scale. */
static const char *
weighed (PbWeightSource source)
{
  switch (source)
    {
      case PB_WEIGHT_SOURCE_SCALE:
        return " weighed=scale";
      case PB_WEIGHT_SOURCE_TYPED:
        return " weighed=typed";
      case PB_WEIGHT_SOURCE_UNSAID:
      default:
        return "";
    }
}

/* A "label.override" row for a weight or service the packer gave, one
 * per parcel when there are several (the catalogue's split says
 * "weight=… service=…" without a source). */
static void
audit_weights (PbStore *store, const PbShipRequest *request, const Plan *plan)
{
  if (plan->parcels != NULL)
    {
      for (guint i = 0; i < plan->parcels->len; i++)
        {
          const PbParcel *parcel = g_ptr_array_index (plan->parcels, i);
          g_autofree char *detail
              = g_strdup_printf ("parcel=%u weight=%d service=%s%s", parcel->number,
                                 parcel->weight_g, plan->service, weighed (parcel->weight_source));

          pb_audit_append (store, request->operator_name, "label.override", request->order_id, "ok",
                           detail, NULL);
        }
      return;
    }
  if (request->weight_g > 0 || request->service != NULL)
    {
      g_autofree char *detail
          = g_strdup_printf ("weight=%d service=%s%s", plan->weight_g, plan->service,
                             request->weight_g > 0 ? weighed (request->weight_source) : "");

      pb_audit_append (store, request->operator_name, "label.override", request->order_id, "ok",
                       detail, NULL);
    }
}

static gboolean
same_parcels (GPtrArray *a, GPtrArray *b)
{
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    {
      const PbParcel *x = g_ptr_array_index (a, i);
      const PbParcel *y = g_ptr_array_index (b, i);

      if (x->weight_g != y->weight_g || x->items->len != y->items->len)
        return FALSE;
      for (guint j = 0; j < x->items->len; j++)
        {
          const PbParcelItem *p = &g_array_index (x->items, PbParcelItem, j);
          const PbParcelItem *q = &g_array_index (y->items, PbParcelItem, j);

          if (p->quantity != q->quantity || !g_str_equal (p->order_item_id, q->order_item_id))
            return FALSE;
        }
    }
  return TRUE;
}

/* The parcels this run buys: the ones an interrupted run chose (Royal Mail
 * may have their label already), else the request's; NULL for one. */
static gboolean
choose_parcels (PbStore *store, const PbShipRequest *request, GPtrArray **parcels, GError **error)
{
  g_autoptr (GPtrArray) stored = pb_parcels_get (store, request->order_id, error);
  gboolean asked = request->parcels != NULL && request->parcels->len > 1;

  *parcels = NULL;
  if (stored == NULL)
    return FALSE;
  if (stored->len > 0 && asked && !same_parcels (stored, request->parcels))
    {
      g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID,
                   _ ("An earlier attempt to buy the labels of this order’s %u parcels did not "
                      "finish, and Royal Mail may have them. Ship it again without changing the "
                      "parcels to finish it."),
                   stored->len);
      return FALSE;
    }
  if (stored->len > 0)
    *parcels = g_steal_pointer (&stored);
  else if (asked)
    *parcels = g_ptr_array_ref (request->parcels);
  /* Weighed by the catalogue: its units_per_parcel may split the order. */
  else if (request->weight_g <= 0 && request->parcels == NULL)
    {
      g_autoptr (GError) local_error = NULL;

      *parcels = pb_parcels_split_by_catalogue (store, request->order_id, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }
  if (*parcels != NULL && !pb_parcels_check (store, request->order_id, *parcels, error))
    {
      g_clear_pointer (parcels, g_ptr_array_unref);
      return FALSE;
    }
  return TRUE;
}

gboolean
pb_ship (PbStore *store, const PbShipRequest *request, PbShipResult *result,
         GCancellable *cancellable, GError **error)
{
  g_autoptr (PbSite) site = NULL;
  g_auto (PbLabelInfo) info = { 0 };
  g_autofree char *state = NULL;
  g_autofree char *attention = NULL;
  PbShipResult local = { 0 };

  g_return_val_if_fail (PB_IS_STORE (store) && request != NULL, FALSE);

  if (result == NULL)
    result = &local;
  if (pb_site_config_exists (pb_store_get_dir (store)))
    {
      g_autoptr (GError) site_error = NULL;

      g_auto (PbLabelInfo) bought = { 0 };

      site = pb_site_open (pb_store_get_dir (store), &site_error);
      /* A label this bench bought before the site went away is finished
       * all the same: the site recorded the shipment as ours first. */
      if (site == NULL && pb_labels_get_info (store, request->order_id, &bought, NULL)
          && bought.rm_order_identifier != 0)
        ;
      else if (site == NULL)
        {
          g_set_error (error, PB_SHIP_ERROR, PB_SHIP_ERROR_SITE_UNREACHABLE,
                       _ ("Packing is paused: the site database cannot be reached, and without "
                          "it two benches could pack one order (%s)."),
                       site_error ? site_error->message : "");
          return FALSE;
        }
      else if (!claim_in_site (store, site, request, error))
        return FALSE;
      pb_fault_point ("ship.after-claim");
    }
  if (!pb_orders_get_local (store, request->order_id, &state, &attention, NULL, NULL, error))
    return FALSE;
  if (g_str_equal (state, PB_ORDER_STATE_CANCELLED))
    return refuse_cancelled (store, request, error);
  if (g_str_equal (state, PB_ORDER_STATE_PENDING))
    return refuse (error, _ ("Amazon has not released this order for shipping yet."));

  if (!pb_labels_get_info (store, request->order_id, &info, error))
    return FALSE;

  /* Step 1: no label yet — check with Amazon, then buy it. Once the label
   * exists (a crash, a print to finish) Amazon is not asked again. */
  if (info.rm_order_identifier == 0)
    {
      Plan plan = { 0 };
      g_autoptr (GPtrArray) parcels = NULL;
      gboolean ok;

      if (!recheck (store, request, result, cancellable, error)
          || !check_still_wanted (store, request, error))
        {
          pb_ship_result_clear (result);
          return FALSE;
        }

      ok = choose_parcels (store, request, &parcels, error);
      plan.parcels = parcels;
      ok = ok && make_plan (store, request, &plan, error);
      if (ok)
        audit_weights (store, request, &plan);
      ok = ok
           && (site == NULL
               || pb_site_begin_shipment (site, request->order_id, request->operator_name, error));
      if (ok && !buy_label (store, request, &plan, cancellable, error))
        {
          /* Royal Mail said no: there is no label, so the order is free
           * again. A lost answer keeps the shipment this bench's. */
          if (site != NULL && error != NULL && *error != NULL
              && !g_error_matches (*error, PB_ROYALMAIL_ERROR, PB_ROYALMAIL_ERROR_UNAVAILABLE))
            pb_site_abandon_shipment (site, request->order_id, NULL);
          ok = FALSE;
        }
      plan_clear (&plan);
      if (!ok)
        {
          if (site != NULL && !request->keep_claim
              && (error == NULL || *error == NULL || (*error)->domain == PB_SHIP_ERROR
                  || (*error)->domain == PB_STORE_ERROR))
            pb_site_release (site, request->order_id, NULL);
          return FALSE;
        }
      pb_label_info_clear (&info);
      if (!pb_labels_get_info (store, request->order_id, &info, error))
        return FALSE;
    }

  result->tracking_number = g_strdup (info.tracking_number);
  result->parcel_tracking = get_parcel_tracking (store, request->order_id);
  finish_in_site (store, site, request, &info, (const char *const *)result->parcel_tracking);
  result->service = g_strdup (info.service);

  /* Step 2: print, unless that already happened before a crash. */
  if (info.printed_at == 0)
    {
      if (!print_label (store, request, cancellable, error))
        return FALSE;
      print_despatch_note (store, request, result, cancellable);
    }
  result->printed = TRUE;

  /* Step 3: tell Amazon, through the outbox. */
  confirm (store, request, &info, result, cancellable);
  return TRUE;
}

gboolean
pb_ship_reprint (PbStore *store, const char *order_id, const char *printer,
                 const char *operator_name, GCancellable *cancellable, GError **error)
{
  g_autoptr (GBytes) pdf = pb_labels_get_pdf (store, order_id, error);
  const PrintRecord record = { "label", operator_name, order_id, "reprint" };
  gboolean kept = pdf != NULL;

  /* Site mode: a label bought at another bench is fetched from Click & Drop
   * again, printed from memory, and not kept here. */
  if (pdf == NULL && (error == NULL || *error == NULL)
      && pb_site_config_exists (pb_store_get_dir (store)))
    {
      g_autoptr (PbSite) site = pb_site_open (pb_store_get_dir (store), error);
      g_auto (PbSiteClaim) shipment = { 0 };

      if (site == NULL || !pb_site_get_claim (site, order_id, &shipment, error))
        return FALSE;
      if (shipment.rm_order_identifier != 0)
        {
          g_autoptr (PbHttpClient) http = pb_services_new_http_client (store);
          g_autoptr (PbRoyalMailClient) client = pb_services_new_royalmail_client (store, http);

          pdf = pb_royalmail_client_get_label (client, shipment.rm_order_identifier, cancellable,
                                               error);
          if (pdf == NULL)
            return FALSE;
        }
    }
  if (pdf == NULL)
    {
      if (error != NULL && *error == NULL)
        refuse (error, _ ("No label is kept for this order (none was bought, or it was deleted "
                          "with the retention purge)."));
      return FALSE;
    }
  if (!print_pdf (store, pdf, printer, 0, &record, cancellable, error))
    return FALSE;
  if (kept)
    pb_labels_set_printed (store, order_id, pb_clock_now_unix (), NULL);
  return pb_audit_append (store, operator_name, "label.reprinted", order_id, "ok",
                          kept ? NULL : "from Click & Drop", error);
}

gboolean
pb_ship_void (PbStore *store, const char *order_id, const char *operator_name,
              GCancellable *cancellable, GError **error)
{
  g_auto (PbLabelInfo) info = { 0 };
  g_autoptr (PbHttpClient) http = NULL;
  g_autoptr (PbRoyalMailClient) client = NULL;
  g_autoptr (GError) local_error = NULL;

  if (!pb_labels_get_info (store, order_id, &info, error))
    return FALSE;
  if (info.rm_order_identifier == 0)
    return refuse (error, _ ("This order has no label to void."));

  http = pb_services_new_http_client (store);
  client = pb_services_new_royalmail_client (store, http);
  if (!pb_royalmail_client_delete (client, info.rm_order_identifier, cancellable, &local_error)
      && !g_error_matches (local_error, PB_ROYALMAIL_ERROR, PB_ROYALMAIL_ERROR_NOT_FOUND))
    {
      pb_audit_append (store, operator_name, "label.void_failed", order_id, "failed", NULL, NULL);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (!pb_store_begin (store, error))
    return FALSE;
  if (!pb_labels_forget (store, order_id, error) || !pb_parcels_forget (store, order_id, error)
      || !pb_audit_append (store, operator_name, "label.voided", order_id, "ok", NULL, error)
      || !pb_store_commit (store, error))
    {
      pb_store_rollback (store);
      return FALSE;
    }
  /* The site's Problems page stops listing it; if the site cannot be told
   * now, the label stays listed there (the void itself is done). */
  if (pb_site_config_exists (pb_store_get_dir (store)))
    {
      g_autoptr (PbSite) site = pb_site_open (pb_store_get_dir (store), NULL);

      if (site != NULL)
        pb_site_mark_voided (site, order_id, NULL);
    }
  return TRUE;
}

gboolean
pb_ship_manifest (PbStore *store, const char *operator_name, gint64 *manifest_number,
                  guint *n_orders, GCancellable *cancellable, GError **error)
{
  g_autoptr (GPtrArray) pending = pb_labels_unmanifested (store, error);
  g_autoptr (PbHttpClient) http = NULL;
  g_autoptr (PbRoyalMailClient) client = NULL;
  g_autoptr (GBytes) pdf = NULL;
  g_autoptr (PbSite) site = NULL;
  g_autoptr (GError) site_error = NULL;
  g_autofree char *detail = NULL;
  gint64 number = 0;
  gint64 asked_at;
  guint covered;

  if (pending == NULL)
    return FALSE;
  covered = pending->len;
  /* Click & Drop's manifest covers every label of the account, whichever
   * bench bought it: at a site, every bench must learn of it, so End of Day
   * waits for the site rather than leave the others believing their labels
   * are still to go. */
  if (pb_site_config_exists (pb_store_get_dir (store)))
    {
      g_autoptr (GPtrArray) labels = NULL;

      site = pb_site_open (pb_store_get_dir (store), &site_error);
      if (site == NULL || (labels = pb_site_list_labels (site, TRUE, &site_error)) == NULL)
        {
          g_set_error (error, PB_SHIP_ERROR, PB_SHIP_ERROR_SITE_UNREACHABLE,
                       _ ("End of Day covers every bench’s labels, so it needs the site database, "
                          "and it cannot be reached: %s"),
                       site_error->message);
          return FALSE;
        }
      covered = labels->len;
    }
  asked_at = pb_clock_now_unix ();
  http = pb_services_new_http_client (store);
  client = pb_services_new_royalmail_client (store, http);
  pdf = pb_royalmail_client_manifest (client, 1000, 60, &number, cancellable, error);
  if (pdf == NULL)
    {
      pb_audit_append (store, operator_name, "manifest.failed", NULL, "failed", NULL, NULL);
      return FALSE;
    }

  detail = g_strdup_printf ("orders=%u number=%" G_GINT64_FORMAT, covered, number);
  if (!pb_store_begin (store, error))
    return FALSE;
  if (!pb_labels_store_manifest (store, number, pdf, pb_clock_now_unix (), error)
      || !pb_audit_append (store, operator_name, "manifest.created", NULL, "ok", detail, error)
      || !pb_store_commit (store, error))
    {
      pb_store_rollback (store);
      return FALSE;
    }
  /* The site is told now, or at the next sync. */
  if (site != NULL
      && !pb_site_record_manifest (site, number, operator_name, asked_at, &covered, NULL))
    remember_unrecorded_manifest (store, number, asked_at, operator_name);
  if (manifest_number)
    *manifest_number = number;
  if (n_orders)
    *n_orders = covered;
  return TRUE;
}

/* The document printer: the setting, else CUPS's default destination;
 * @none_message when there is neither (NULL: the manifest's). */
static char *
choose_document_printer (PbStore *store, const char *none_message, GCancellable *cancellable,
                         GError **error)
{
  g_autofree char *name = pb_settings_get (store, "print.document_printer");
  g_autoptr (GPtrArray) printers = NULL;

  if (name != NULL && *name != '\0')
    return g_steal_pointer (&name);
  printers = pb_printer_list (cancellable, error);
  if (printers == NULL)
    return NULL;
  for (guint i = 0; i < printers->len; i++)
    if (pb_printer_get_is_default (g_ptr_array_index (printers, i)))
      return g_strdup (pb_printer_get_name (g_ptr_array_index (printers, i)));
  g_set_error_literal (error, PB_PRINT_ERROR, PB_PRINT_ERROR_NOT_FOUND,
                       none_message != NULL
                           ? none_message
                           : _ ("No document printer is set and CUPS has no default printer. An "
                                "administrator chooses one (print.document_printer), or save the "
                                "manifest and print it from another program."));
  return NULL;
}

gboolean
pb_ship_print_manifest (PbStore *store, gint64 manifest_id, const char *printer,
                        const char *operator_name, GCancellable *cancellable, GError **error)
{
  g_autoptr (GBytes) pdf = NULL;
  g_autofree char *destination = NULL;
  g_autofree char *subject = NULL;
  PbPrintRequest print = { 0 };
  PrintRecord record = { "manifest", operator_name, NULL, NULL };

  g_return_val_if_fail (PB_IS_STORE (store), FALSE);
  g_return_val_if_fail (operator_name != NULL, FALSE);

  pdf = pb_labels_get_manifest_pdf (store, manifest_id, error);
  if (pdf == NULL)
    {
      if (error != NULL && *error == NULL)
        refuse (error, _ ("No manifest is kept: create one first (manifests are deleted with the "
                          "retention purge)."));
      return FALSE;
    }
  destination = printer != NULL ? g_strdup (printer)
                                : choose_document_printer (store, NULL, cancellable, error);
  if (destination == NULL)
    return FALSE;

  subject = manifest_id ? g_strdup_printf ("%" G_GINT64_FORMAT, manifest_id) : NULL;
  record.subject = subject;
  print.printer = destination;
  print.mode = PB_PRINT_MODE_DOCUMENT;
  print.title = "Packbench manifest";
  print.pdf = pdf;
  if (!submit_and_watch (store, &print, 0, &record, cancellable, error))
    return FALSE;
  return pb_audit_append (store, operator_name, "manifest.printed", subject, "ok", destination,
                          error);
}

/**
 * pb_ship_print_document:
 * @store: the store
 * @pdf: the document
 * @kind: what it is ("despatch_note", "pick_list"): the audit actions' prefix
 * @subject: (nullable): the order it is about, for the audit
 * @operator_name: who prints it
 * @cancellable: (nullable): stops the wait
 * @error: why it did not print
 *
 * Prints @pdf as a document on the document printer (print.document_printer,
 * else CUPS's default destination) and waits until CUPS has printed it, with
 * the audit rows of every print ("<kind>.print_requested" first).
 */
gboolean
pb_ship_print_document (PbStore *store, GBytes *pdf, const char *kind, const char *subject,
                        const char *operator_name, GCancellable *cancellable, GError **error)
{
  g_autofree char *destination = NULL;
  g_autofree char *title = NULL;
  PbPrintRequest print = { 0 };
  const PrintRecord record = { kind, operator_name, subject, NULL };

  g_return_val_if_fail (PB_IS_STORE (store), FALSE);
  g_return_val_if_fail (pdf != NULL && kind != NULL && operator_name != NULL, FALSE);

  destination = choose_document_printer (
      store,
      _ ("No document printer is set and CUPS has no default printer. An administrator "
         "chooses one in Preferences › Bench (print.document_printer)."),
      cancellable, error);
  if (destination == NULL)
    return FALSE;
  /* The job's name CUPS keeps: never an address. */
  title = g_strdup_printf ("Packbench %s", kind);
  print.printer = destination;
  print.mode = PB_PRINT_MODE_DOCUMENT;
  print.title = title;
  print.pdf = pdf;
  if (!submit_and_watch (store, &print, 0, &record, cancellable, error))
    return FALSE;
  {
    g_autofree char *action = g_strdup_printf ("%s.printed", kind);

    return pb_audit_append (store, operator_name, action, subject, "ok", destination, error);
  }
}

gboolean
pb_ship_print_test (PbStore *store, const char *printer, GCancellable *cancellable, GError **error)
{
  g_autofree char *name = printer ? g_strdup (printer) : pb_settings_get (store, "print.printer");
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autoptr (GBytes) pdf = pb_label_make_test_pdf (name ? name : "", now, error);

  if (pdf == NULL)
    return FALSE;
  {
    /* A test label shows no address: not logged. */
    const PrintRecord record = { "label", NULL, NULL, NULL };

    return print_pdf (store, pdf, printer, 0, &record, cancellable, error);
  }
}

void
pb_ship_preview_clear (PbShipPreview *preview)
{
  g_clear_pointer (&preview->package_format, g_free);
  g_clear_pointer (&preview->service, g_free);
}

/**
 * pb_ship_preview:
 * @store: the store
 * @order_id: the order
 * @weight_g: the parcel's weight as weighed, or 0 for the catalogue's
 * @preview: (out caller-allocates): what the label would be
 * @error: why no label can be bought as things stand
 *
 * The same checks as pb_ship makes before it buys a label (catalogue,
 * weight, rules, customs data, postcode), without buying anything: what the
 * bench shows while the parcel is packed.
 */
gboolean
pb_ship_preview (PbStore *store, const char *order_id, gint weight_g, PbShipPreview *preview,
                 GError **error)
{
  PbShipRequest request = { .order_id = order_id, .weight_g = weight_g };
  Plan plan = { 0 };
  gboolean ok;

  g_return_val_if_fail (PB_IS_STORE (store), FALSE);
  g_return_val_if_fail (preview != NULL, FALSE);

  *preview = (PbShipPreview){ 0 };
  ok = make_plan (store, &request, &plan, error);
  if (ok)
    {
      preview->weight_g = plan.weight_g;
      preview->weight_from_catalogue = weight_g <= 0;
      preview->package_format = g_steal_pointer (&plan.package_format);
      preview->service = g_steal_pointer (&plan.service);
    }
  plan_clear (&plan);
  return ok;
}
