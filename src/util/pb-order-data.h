/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/*
 * An order as the bench keeps it: what amazon/ reads from the Orders API
 * and store/ persists. Only what fulfilment needs: the recipient (PII),
 * items, fulfilment status, promised windows and packages.
 */

typedef struct
{
  char *item_id;
  char *sku;
  char *asin;
  char *title;
  gint quantity;
  gint quantity_shipped;
  char *unit_price; /* decimal text as Amazon sends it, e.g. "12.99" */
  char *currency;
  char *gift_message; /* PII */
  char *gift_wrap_level;
  gboolean cancel_requested;
} PbOrderItemData;

typedef struct
{
  char *order_id;
  char *marketplace_id;
  char *status; /* fulfillmentStatus: UNSHIPPED, SHIPPED, CANCELLED, … */
  char *fulfilled_by;
  char *service_level; /* STANDARD, NEXT_DAY, … */
  gboolean prime;
  gint64 created;
  gint64 last_updated;
  gint64 ship_by_earliest, ship_by_latest;
  gint64 deliver_by_earliest, deliver_by_latest;

  /* The recipient: PII, kept only in the encrypted store. */
  char *name;
  char *company;
  char *address_line1;
  char *address_line2;
  char *address_line3;
  char *city;
  char *county;
  char *postcode;
  char *country_code;
  char *phone;
  char *address_type;
  char *delivery_instructions;

  GPtrArray *items; /* (element-type PbOrderItemData) */

  char *package_status;   /* the latest package's status, or NULL */
  gboolean delivered;     /* any package DELIVERED */
  GStrv package_tracking; /* tracking numbers of the packages Amazon knows */
  gboolean cancel_requested;
} PbOrderData;

GType pb_order_data_get_type (void);
#define PB_TYPE_ORDER_DATA (pb_order_data_get_type ())
PbOrderData *pb_order_data_copy (const PbOrderData *order);
void pb_order_data_free (PbOrderData *order);
PbOrderItemData *pb_order_item_data_copy (const PbOrderItemData *item);
void pb_order_item_data_free (PbOrderItemData *item);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PbOrderData, pb_order_data_free)

G_END_DECLS
