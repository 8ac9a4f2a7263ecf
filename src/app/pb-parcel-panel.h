/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "station/pb-parcel-builder.h"

G_BEGIN_DECLS

/*
 * The bench page's parcels of the open order (issue 16): the New Parcel
 * and Undo buttons, the parcels closed so far ("Parcel 1: 2 × SKU,
 * 1,800 g") and what the parcel being packed holds. The parcels
 * themselves are a PbParcelBuilder over the order's PbPackSession. The
 * buttons activate bench.new-parcel and bench.undo-parcel, which the page
 * installs with their shortcuts: the page knows the weight.
 */

#define PB_TYPE_PARCEL_PANEL (pb_parcel_panel_get_type ())
G_DECLARE_FINAL_TYPE (PbParcelPanel, pb_parcel_panel, PB, PARCEL_PANEL, GtkWidget)

GtkWidget *pb_parcel_panel_new (void);

/* Starts on the order @pack packs, with no parcel closed; NULL (the order
 * closed): forgets the parcels. */
void pb_parcel_panel_set_pack (PbParcelPanel *self, PbPackSession *pack);

/* pb_parcel_builder_close() and _undo() on the open order, and shows the
 * result. */
gboolean pb_parcel_panel_close_parcel (PbParcelPanel *self, gint weight_g, PbWeightSource source,
                                       GError **error);
gboolean pb_parcel_panel_undo (PbParcelPanel *self);

guint pb_parcel_panel_get_n_parcels (PbParcelPanel *self);
guint pb_parcel_panel_get_open_units (PbParcelPanel *self);

/* pb_parcel_builder_finish() on the open order: NULL without @error when
 * no parcel was closed (or no order is open). */
GPtrArray *pb_parcel_panel_finish (PbParcelPanel *self, gint weight_g, PbWeightSource source,
                                   GError **error);

G_END_DECLS
