/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "store/pb-parcels.h"
#include "store/pb-store.h"

G_BEGIN_DECLS

/*
 * How the packer says an order goes as several parcels: one text per
 * parcel, "GRAMS" or "GRAMS:SKU*QTY,SKU*QTY…" (packbenchctl ship
 * --parcel), or parcels made at the bench. Every unit still to send goes
 * in exactly one parcel.
 */

/* (element-type PbParcel): the parcels @specs describe for @order_id,
 * numbered 1 …, each item by its order item id. One parcel without items
 * holds the whole order. NULL with @error naming the bad text, SKU or
 * count. */
GPtrArray *pb_parcels_from_specs (PbStore *store, const char *order_id, const char *const *specs,
                                  GError **error);

/* Whether @parcels (PbParcel) put every unit of @order_id still to send in
 * exactly one parcel, each parcel holding something and weighing what
 * Royal Mail takes; @error says what is wrong. */
gboolean pb_parcels_check (PbStore *store, const char *order_id, GPtrArray *parcels,
                           GError **error);

/* The split by quantity: when the catalogue says how many units of a
 * product fit one parcel (units_per_parcel) and the order has more, its
 * units go in parcels of at most that many, and the order's other items in
 * one parcel more; each parcel weighs its units' catalogue weights. NULL
 * without an error when the order fits one parcel, or when a weight the
 * split needs is not in the catalogue. */
GPtrArray *pb_parcels_split_by_catalogue (PbStore *store, const char *order_id, GError **error);

G_END_DECLS
