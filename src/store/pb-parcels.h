/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "pb-store.h"

G_BEGIN_DECLS

/*
 * An order that goes as several parcels. The split (each parcel's weight
 * and the order items in it) is on disk before the label is bought, so a
 * run after a crash buys the same parcels; each parcel then gets its
 * tracking number from the one Click & Drop order that carries them all.
 * Nothing here is personal data. An order sent as one parcel has no rows.
 */

/* Where a weight given to pb_ship came from; the audit row says. */
typedef enum
{
  PB_WEIGHT_SOURCE_UNSAID, /* not said (or the catalogue's) */
  PB_WEIGHT_SOURCE_TYPED,  /* typed by the packer */
  PB_WEIGHT_SOURCE_SCALE,  /* read from the bench's scale */
} PbWeightSource;

typedef struct
{
  char *order_item_id;
  gint quantity;
} PbParcelItem;

typedef struct
{
  guint number; /* 1, 2 … */
  gint weight_g;
  PbWeightSource weight_source; /* not stored: for the label's audit row */
  GArray *items;                /* PbParcelItem */
  char *tracking_number;        /* NULL until the label is bought */
} PbParcel;

PbParcel *pb_parcel_new (guint number, gint weight_g);
void pb_parcel_add_item (PbParcel *parcel, const char *order_item_id, gint quantity);
void pb_parcel_free (PbParcel *parcel);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PbParcel, pb_parcel_free)

/* Adds @items (PbParcelItem) to @builder as a JSON array of
 * {"order_item_id", "quantity"}: the store's record of a parcel, and the
 * items of its confirmation to Amazon. */
void pb_parcel_items_to_json (GArray *items, JsonBuilder *builder);

/* (element-type PbParcel): @order_id's parcels in number order; empty for
 * an order sent as one parcel. */
GPtrArray *pb_parcels_get (PbStore *store, const char *order_id, GError **error);

/* Puts @parcels (PbParcel, numbered 1 …) in place of the order's split.
 * Refused once any parcel has a tracking number. Call inside a
 * transaction with the label's outbox intent. */
gboolean pb_parcels_plan (PbStore *store, const char *order_id, GPtrArray *parcels, GError **error);

/* Gives each parcel its tracking number, @tracking in parcel order; their
 * count must be the parcels'. Call inside the label's transaction. */
gboolean pb_parcels_set_tracking (PbStore *store, const char *order_id, const char *const *tracking,
                                  GError **error);

/* Forgets the split (a voided label, or one Royal Mail refused). */
gboolean pb_parcels_forget (PbStore *store, const char *order_id, GError **error);

G_END_DECLS
