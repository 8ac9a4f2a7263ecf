/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "pb-parcel-builder.h"

struct _PbParcelBuilder
{
  PbPackSession *pack;
  GPtrArray *parcels; /* (element-type PbParcel) the closed ones */
  GArray *placed;     /* (element-type guint) per line: units in closed parcels */
};

PbParcelBuilder *
pb_parcel_builder_new (PbPackSession *pack)
{
  PbParcelBuilder *self;

  g_return_val_if_fail (PB_IS_PACK_SESSION (pack), NULL);

  self = g_new0 (PbParcelBuilder, 1);
  self->pack = g_object_ref (pack);
  self->parcels = g_ptr_array_new_with_free_func ((GDestroyNotify)pb_parcel_free);
  self->placed = g_array_new (FALSE, TRUE, sizeof (guint));
  g_array_set_size (self->placed, pb_pack_session_get_n_lines (pack));
  return self;
}

void
pb_parcel_builder_free (PbParcelBuilder *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->pack);
  g_clear_pointer (&self->parcels, g_ptr_array_unref);
  g_clear_pointer (&self->placed, g_array_unref);
  g_free (self);
}

PbPackSession *
pb_parcel_builder_get_pack (PbParcelBuilder *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->pack;
}

guint
pb_parcel_builder_get_n_parcels (PbParcelBuilder *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->parcels->len;
}

const PbParcel *
pb_parcel_builder_get_parcel (PbParcelBuilder *self, guint index)
{
  g_return_val_if_fail (self != NULL && index < self->parcels->len, NULL);
  return g_ptr_array_index (self->parcels, index);
}

/* Units of line @i scanned since the last parcel was closed. */
static guint
open_units_of (PbParcelBuilder *self, guint i)
{
  const PbPackLine *line = pb_pack_session_get_line (self->pack, i);
  guint placed = g_array_index (self->placed, guint, i);

  /* A session only ever ticks more units. */
  g_assert (line->verified >= placed);
  return line->verified - placed;
}

guint
pb_parcel_builder_get_open_units (PbParcelBuilder *self)
{
  guint units = 0;

  g_return_val_if_fail (self != NULL, 0);
  for (guint i = 0; i < self->placed->len; i++)
    units += open_units_of (self, i);
  return units;
}

/* A new parcel numbered @number holding the open units, at @weight_g. */
static PbParcel *
make_open_parcel (PbParcelBuilder *self, guint number, gint weight_g, PbWeightSource source)
{
  PbParcel *parcel = pb_parcel_new (number, weight_g);

  parcel->weight_source = source;
  for (guint i = 0; i < self->placed->len; i++)
    {
      guint units = open_units_of (self, i);

      if (units > 0)
        pb_parcel_add_item (parcel, pb_pack_session_get_line (self->pack, i)->item_id, (gint)units);
    }
  return parcel;
}

static gboolean
refuse_weight (guint number, gint weight_g, GError **error)
{
  if (weight_g > 0)
    return TRUE;
  g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID,
               _ ("Parcel %u has no weight: put it on the scale, or type its weight."), number);
  return FALSE;
}

gboolean
pb_parcel_builder_close (PbParcelBuilder *self, gint weight_g, PbWeightSource source,
                         GError **error)
{
  guint number;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  number = self->parcels->len + 1;
  if (pb_parcel_builder_get_open_units (self) == 0)
    {
      g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID,
                   self->parcels->len == 0
                       ? _ ("Parcel %u is empty: scan the units that go in it first.")
                       : _ ("Parcel %u is empty: nothing was scanned since the last parcel."),
                   number);
      return FALSE;
    }
  if (!refuse_weight (number, weight_g, error))
    return FALSE;
  g_ptr_array_add (self->parcels, make_open_parcel (self, number, weight_g, source));
  for (guint i = 0; i < self->placed->len; i++)
    g_array_index (self->placed, guint, i) = pb_pack_session_get_line (self->pack, i)->verified;
  return TRUE;
}

/* The line holding order item @item_id. */
static guint
find_line (PbParcelBuilder *self, const char *item_id)
{
  for (guint i = 0; i < self->placed->len; i++)
    if (g_strcmp0 (pb_pack_session_get_line (self->pack, i)->item_id, item_id) == 0)
      return i;
  g_assert_not_reached ();
}

gboolean
pb_parcel_builder_undo (PbParcelBuilder *self)
{
  const PbParcel *last;

  g_return_val_if_fail (self != NULL, FALSE);
  if (self->parcels->len == 0)
    return FALSE;
  last = g_ptr_array_index (self->parcels, self->parcels->len - 1);
  for (guint j = 0; j < last->items->len; j++)
    {
      const PbParcelItem *item = &g_array_index (last->items, PbParcelItem, j);

      g_array_index (self->placed, guint, find_line (self, item->order_item_id))
          -= (guint)item->quantity;
    }
  g_ptr_array_remove_index (self->parcels, self->parcels->len - 1);
  return TRUE;
}

static PbParcel *
copy_parcel (const PbParcel *parcel)
{
  PbParcel *copy = pb_parcel_new (parcel->number, parcel->weight_g);

  copy->weight_source = parcel->weight_source;
  for (guint j = 0; j < parcel->items->len; j++)
    {
      const PbParcelItem *item = &g_array_index (parcel->items, PbParcelItem, j);

      pb_parcel_add_item (copy, item->order_item_id, item->quantity);
    }
  return copy;
}

GPtrArray *
pb_parcel_builder_finish (PbParcelBuilder *self, gint weight_g, PbWeightSource source,
                          GError **error)
{
  g_autoptr (GPtrArray) parcels = NULL;
  guint number;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (self->parcels->len == 0)
    return NULL;
  parcels = g_ptr_array_new_with_free_func ((GDestroyNotify)pb_parcel_free);
  for (guint i = 0; i < self->parcels->len; i++)
    g_ptr_array_add (parcels, copy_parcel (g_ptr_array_index (self->parcels, i)));
  number = self->parcels->len + 1;
  if (pb_parcel_builder_get_open_units (self) > 0)
    {
      if (!refuse_weight (number, weight_g, error))
        return NULL;
      g_ptr_array_add (parcels, make_open_parcel (self, number, weight_g, source));
    }
  return g_steal_pointer (&parcels);
}

char *
pb_parcel_builder_describe (PbParcelBuilder *self, guint index)
{
  const PbParcel *parcel;
  g_autoptr (GString) items = g_string_new (NULL);
  g_autofree char *weight = NULL;

  g_return_val_if_fail (self != NULL && index < self->parcels->len, NULL);

  parcel = g_ptr_array_index (self->parcels, index);
  for (guint j = 0; j < parcel->items->len; j++)
    {
      const PbParcelItem *item = &g_array_index (parcel->items, PbParcelItem, j);
      const PbPackLine *line
          = pb_pack_session_get_line (self->pack, find_line (self, item->order_item_id));

      if (items->len > 0)
        g_string_append (items, ", ");
      /* Translators: units of one item in a parcel, as in "2 × MUG-1" */
      g_string_append_printf (items, _ ("%d × %s"), item->quantity,
                              line->sku != NULL     ? line->sku
                              : line->title != NULL ? line->title
                                                    : line->item_id);
    }
  /* In the packer's locale: 1,800 in Britain. */
  weight = g_strdup_printf ("%'d", parcel->weight_g);
  /* Translators: a closed parcel at the bench: its number, what is in it
   * and its weight in grams, as in "Parcel 1: 2 × MUG-1, 1,800 g" */
  return g_strdup_printf (_ ("Parcel %u: %s, %s g"), parcel->number, items->str, weight);
}
