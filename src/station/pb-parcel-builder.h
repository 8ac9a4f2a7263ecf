/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "pb-pack.h"
#include "store/pb-parcels.h"

G_BEGIN_DECLS

/*
 * The parcels a packer makes at the bench while packing one order (issue
 * 16): "New Parcel" closes the units scanned since the last parcel was
 * closed, at the weight the packer gives it; "Undo" puts the last closed
 * parcel's units back into the parcel being packed. When the last unit is
 * scanned, pb_parcel_builder_finish() makes the split pb_ship() takes
 * (PbShipRequest.parcels). It reads the verified counts of a
 * PbPackSession and keeps nothing in the store: the parcels are forgotten
 * with the builder, when the order closes.
 */

typedef struct _PbParcelBuilder PbParcelBuilder;

PbParcelBuilder *pb_parcel_builder_new (PbPackSession *pack);
void pb_parcel_builder_free (PbParcelBuilder *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PbParcelBuilder, pb_parcel_builder_free)

PbPackSession *pb_parcel_builder_get_pack (PbParcelBuilder *self);
/* How many parcels are closed. */
guint pb_parcel_builder_get_n_parcels (PbParcelBuilder *self);
/* (transfer none): closed parcel @index (0 …), numbered @index + 1. */
const PbParcel *pb_parcel_builder_get_parcel (PbParcelBuilder *self, guint index);
/* The units scanned since the last parcel was closed. */
guint pb_parcel_builder_get_open_units (PbParcelBuilder *self);

/* Closes the parcel being packed: the units scanned since the last one, at
 * @weight_g. Refused in words (PB_STORE_ERROR_INVALID) when @weight_g is
 * not above 0 or nothing was scanned since the last parcel. */
gboolean pb_parcel_builder_close (PbParcelBuilder *self, gint weight_g, PbWeightSource source,
                                  GError **error);
/* Opens the last closed parcel again: its units are in the parcel being
 * packed once more. FALSE when no parcel is closed. */
gboolean pb_parcel_builder_undo (PbParcelBuilder *self);

/* (element-type PbParcel) (transfer full) (nullable): the parcels to ship.
 * NULL without @error when no parcel was closed (the order goes as one, at
 * the bench's weight). Otherwise every closed parcel and, when units were
 * scanned since the last, one more holding them at @weight_g (refused in
 * words when @weight_g is not above 0), numbered 1 …. A copy: the builder
 * is unchanged. */
GPtrArray *pb_parcel_builder_finish (PbParcelBuilder *self, gint weight_g, PbWeightSource source,
                                     GError **error);

/* "Parcel 1: 2 × SKU-1, 1 × SKU-2, 1,800 g": closed parcel @index in
 * words. */
char *pb_parcel_builder_describe (PbParcelBuilder *self, guint index);

G_END_DECLS
