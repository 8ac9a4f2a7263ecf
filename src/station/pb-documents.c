/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "pb-documents.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "pb-ship.h"
#include "print/pb-documents.h"
#include "store/pb-audit.h"
#include "store/pb-catalogue.h"
#include "store/pb-orders.h"
#include "store/pb-settings.h"
#include "util/pb-clock.h"
#include "util/pb-secure.h"

gboolean
pb_pick_due_from_string (const char *text, PbPickDue *due)
{
  if (g_strcmp0 (text, "all") == 0)
    *due = PB_PICK_DUE_ALL;
  else if (g_strcmp0 (text, "today") == 0)
    *due = PB_PICK_DUE_TODAY;
  else
    return FALSE;
  return TRUE;
}

static gboolean
refuse (GError **error, const char *message)
{
  g_set_error_literal (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID, message);
  return FALSE;
}

/* Despatch notes -------------------------------------------------------------- */

GBytes *
pb_documents_despatch_note (PbStore *store, const char *order_id, const char *operator_name,
                            const char *purpose, GError **error)
{
  g_autoptr (PbOrderData) order = NULL;
  g_autoptr (GPtrArray) address = g_ptr_array_new ();
  g_autoptr (GArray) lines = g_array_new (FALSE, TRUE, sizeof (PbDespatchLine));
  g_autofree char *state = NULL;
  g_autofree char *attention = NULL;
  g_autofree char *tracking = NULL;
  g_autofree char *seller = NULL;
  g_autofree char *paper_name = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *town = NULL;
  PbDocumentPaper paper = PB_DOCUMENT_PAPER_A4;
  PbDespatchNote note = { 0 };
  gboolean has_recipient = FALSE;
  gint64 purged_at = 0;

  g_return_val_if_fail (PB_IS_STORE (store), NULL);
  g_return_val_if_fail (order_id != NULL && operator_name != NULL, NULL);

  if (!pb_orders_get_local (store, order_id, &state, &attention, &tracking, &purged_at, error))
    return NULL;
  if (purged_at != 0)
    {
      refuse (error, _ ("The buyer's details of this order have been deleted (retention): no "
                        "despatch note can be made."));
      return NULL;
    }
  if (!pb_orders_has_recipient (store, order_id, &has_recipient, error))
    return NULL;
  if (!has_recipient)
    {
      refuse (error, _ ("This bench does not hold the buyer's address for this order: open the "
                        "order at the bench first."));
      return NULL;
    }

  /* The address is read for the note: on record first. */
  detail = g_strdup_printf ("despatch note (%s)", purpose);
  if (!pb_audit_append (store, operator_name, "order.recipient_viewed", order_id, "ok", detail,
                        error))
    return NULL;
  order = pb_orders_get (store, order_id, error);
  if (order == NULL)
    {
      if (error != NULL && *error == NULL)
        refuse (error, _ ("The order went missing while its despatch note was made."));
      return NULL;
    }

  paper_name = pb_settings_get (store, "print.despatch_note_paper");
  if (paper_name != NULL)
    pb_document_paper_from_string (paper_name, &paper);
  seller = pb_settings_get (store, "despatch.seller_name");

  g_ptr_array_add (address, order->name);
  g_ptr_array_add (address, order->company);
  g_ptr_array_add (address, order->address_line1);
  g_ptr_array_add (address, order->address_line2);
  g_ptr_array_add (address, order->address_line3);
  if (order->county != NULL && *order->county != '\0')
    town = g_strdup_printf ("%s, %s", order->city ? order->city : "", order->county);
  g_ptr_array_add (address, town != NULL ? town : order->city);
  g_ptr_array_add (address, order->postcode);
  if (g_strcmp0 (order->country_code, "GB") != 0)
    g_ptr_array_add (address, order->country_code);
  /* Empty fields are left out; NULLs would end the list early. */
  for (guint i = 0; i < address->len; i++)
    if (g_ptr_array_index (address, i) == NULL)
      address->pdata[i] = (gpointer) "";
  g_ptr_array_add (address, NULL);

  for (guint i = 0; i < order->items->len; i++)
    {
      PbOrderItemData *item = g_ptr_array_index (order->items, i);
      PbDespatchLine line
          = { item->sku ? item->sku : "", item->title, (guint)MAX (item->quantity, 0) };

      if (line.quantity > 0)
        g_array_append_val (lines, line);
    }

  note.seller_name = seller;
  note.order_id = order->order_id;
  note.address = (const char *const *)address->pdata;
  note.lines = (const PbDespatchLine *)(gpointer)lines->data;
  note.n_lines = lines->len;
  {
    GBytes *pdf = pb_despatch_note_render (&note, paper, error);

    if (town != NULL)
      pb_secure_wipe (town, strlen (town));
    return pdf;
  }
}

gboolean
pb_documents_print_despatch_note (PbStore *store, const char *order_id, const char *operator_name,
                                  GCancellable *cancellable, GError **error)
{
  g_autoptr (GBytes) pdf
      = pb_documents_despatch_note (store, order_id, operator_name, "print", error);

  if (pdf == NULL)
    return FALSE;
  return pb_ship_print_document (store, pdf, "despatch_note", order_id, operator_name, cancellable,
                                 error);
}

gboolean
pb_documents_save_despatch_note (PbStore *store, const char *order_id, const char *operator_name,
                                 const char *path, GError **error)
{
  g_autoptr (GBytes) pdf = NULL;
  gsize length;
  const char *data;

  g_return_val_if_fail (path != NULL, FALSE);

  pdf = pb_documents_despatch_note (store, order_id, operator_name, "file", error);
  if (pdf == NULL)
    return FALSE;
  data = g_bytes_get_data (pdf, &length);
  /* Written whole or not at all (a temporary name beside @path, then
   * renamed), readable by its owner only. */
  if (!g_file_set_contents_full (path, data, (gssize)length, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
                                 error))
    {
      pb_audit_append (store, operator_name, "despatch_note.save_failed", order_id, "failed", NULL,
                       NULL);
      return FALSE;
    }
  return pb_audit_append (store, operator_name, "despatch_note.saved", order_id, "ok",
                          "to a file: the operator's responsibility", error);
}

/* Pick lists ------------------------------------------------------------------ */

typedef struct
{
  char *sku;
  char *title;
  char *bin;
  guint quantity;
  guint n_orders;
  const char *last_order; /* borrowed: counts each order once */
} PickGroup;

static void
pick_group_free (PickGroup *group)
{
  g_free (group->sku);
  g_free (group->title);
  g_free (group->bin);
  g_free (group);
}

/* By bin (products without one last), then SKU: the walk round the shelves. */
static int
compare_groups (gconstpointer a, gconstpointer b)
{
  const PickGroup *x = *(PickGroup *const *)a;
  const PickGroup *y = *(PickGroup *const *)b;
  gboolean x_bin = x->bin != NULL && *x->bin != '\0';
  gboolean y_bin = y->bin != NULL && *y->bin != '\0';
  int c;

  if (x_bin != y_bin)
    return x_bin ? -1 : 1;
  if (x_bin && (c = g_utf8_collate (x->bin, y->bin)) != 0)
    return c;
  return strcmp (x->sku, y->sku);
}

static gint64
start_of_tomorrow (void)
{
  g_autoptr (GDateTime) now = g_date_time_new_from_unix_local (pb_clock_now_unix ());
  g_autoptr (GDateTime) midnight
      = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                               g_date_time_get_day_of_month (now), 0, 0, 0);
  g_autoptr (GDateTime) tomorrow = g_date_time_add_days (midnight, 1);

  return g_date_time_to_unix (tomorrow);
}

GBytes *
pb_documents_pick_list (PbStore *store, PbPickDue due, const char *const *order_ids,
                        guint *n_orders, GError **error)
{
  g_autoptr (GPtrArray) summaries = NULL;
  g_autoptr (GHashTable) by_sku = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) groups = g_ptr_array_new_with_free_func ((GDestroyNotify)pick_group_free);
  g_autoptr (GArray) lines = g_array_new (FALSE, TRUE, sizeof (PbPickLine));
  g_autoptr (GArray) orders = g_array_new (FALSE, TRUE, sizeof (PbPickOrder));
  g_autoptr (GPtrArray) kept = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GDateTime) made_at = g_date_time_new_from_unix_utc (pb_clock_now_unix ());
  gint64 tomorrow = start_of_tomorrow ();
  PbPickList list = { 0 };

  g_return_val_if_fail (PB_IS_STORE (store), NULL);

  summaries = pb_orders_list (store, PB_ORDER_STATE_UNSHIPPED, error);
  if (summaries == NULL)
    return NULL;
  for (guint i = 0; i < summaries->len; i++)
    {
      PbOrderSummary *summary = g_ptr_array_index (summaries, i);
      g_autoptr (GPtrArray) items = NULL;
      g_autoptr (GString) text = g_string_new (NULL);

      if (summary->cancel_requested)
        continue;
      if (order_ids != NULL ? !g_strv_contains (order_ids, summary->id)
                            : due == PB_PICK_DUE_TODAY && summary->ship_by >= tomorrow)
        continue;
      items = pb_orders_list_items (store, summary->id, error);
      if (items == NULL)
        return NULL;
      for (guint j = 0; j < items->len; j++)
        {
          PbOrderItemData *item = g_ptr_array_index (items, j);
          gint left = item->quantity - item->quantity_shipped;
          const char *sku = item->sku ? item->sku : (item->asin ? item->asin : "?");
          PickGroup *group;

          if (left <= 0)
            continue;
          group = g_hash_table_lookup (by_sku, sku);
          if (group == NULL)
            {
              g_autoptr (PbProduct) product = pb_catalogue_find (store, sku, NULL);

              group = g_new0 (PickGroup, 1);
              group->sku = g_strdup (sku);
              group->title = g_strdup (product && product->title ? product->title : item->title);
              group->bin = product ? g_strdup (product->bin) : NULL;
              g_ptr_array_add (groups, group);
              g_hash_table_insert (by_sku, group->sku, group);
            }
          group->quantity += (guint)left;
          if (group->last_order != summary->id)
            {
              group->n_orders++;
              group->last_order = summary->id;
            }
          g_string_append_printf (text, "%s%d × %s", text->len ? ", " : "", left, sku);
        }
      if (text->len == 0)
        continue;
      {
        char *summary_text = g_string_free (g_steal_pointer (&text), FALSE);
        PbPickOrder order = { summary->id, summary_text };

        g_ptr_array_add (kept, summary_text);
        g_array_append_val (orders, order);
      }
    }

  g_ptr_array_sort (groups, compare_groups);
  for (guint i = 0; i < groups->len; i++)
    {
      PickGroup *group = g_ptr_array_index (groups, i);
      PbPickLine line = { group->bin, group->sku, group->title, group->quantity, group->n_orders };

      g_array_append_val (lines, line);
    }

  list.heading = order_ids != NULL          ? _ ("Orders in the bench's queue")
                 : due == PB_PICK_DUE_TODAY ? _ ("Orders due today")
                                            : _ ("All orders still to pack");
  list.made_at = made_at;
  list.lines = (const PbPickLine *)(gpointer)lines->data;
  list.n_lines = lines->len;
  list.orders = (const PbPickOrder *)(gpointer)orders->data;
  list.n_orders = orders->len;
  if (n_orders != NULL)
    *n_orders = orders->len;
  return pb_pick_list_render (&list, error);
}
