/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "pb-parcel-panel.h"

struct _PbParcelPanel
{
  GtkWidget parent_instance;

  /* Widgets */
  GtkWidget *box;
  GtkLabel *open_label; /* what the parcel being packed holds */
  GtkListBox *list;     /* the closed parcels */

  /* Owned */
  PbParcelBuilder *builder; /* (nullable) none while no order is open */
};

G_DEFINE_FINAL_TYPE (PbParcelPanel, pb_parcel_panel, GTK_TYPE_WIDGET)

static GtkWidget *
create_button (const char *label, const char *accessible, const char *tooltip,
               const char *action_name)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action_name);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible, -1);
  return button;
}

/* The list and the line about the parcel being packed, from the builder. */
static void
update (PbParcelPanel *self)
{
  GtkWidget *child;
  guint n = self->builder != NULL ? pb_parcel_builder_get_n_parcels (self->builder) : 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *text = pb_parcel_builder_describe (self->builder, i);
      GtkWidget *label = gtk_label_new (text);

      gtk_label_set_xalign (GTK_LABEL (label), 0.0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_widget_set_margin_start (label, 12);
      gtk_widget_set_margin_end (label, 12);
      gtk_widget_set_margin_top (label, 6);
      gtk_widget_set_margin_bottom (label, 6);
      gtk_list_box_append (self->list, label);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->list), n > 0);

  /* Only once the order goes as several parcels. */
  if (n > 0)
    {
      guint units = pb_parcel_builder_get_open_units (self->builder);
      g_autofree char *text = g_strdup_printf (
          ngettext ("Parcel %u being packed: %u unit", "Parcel %u being packed: %u units", units),
          n + 1, units);

      gtk_label_set_text (self->open_label, text);
    }
  else
    gtk_label_set_text (self->open_label, "");
  gtk_widget_set_visible (GTK_WIDGET (self->open_label), n > 0);
}

static void
on_verified_units_changed_cb (PbParcelPanel *self, GParamSpec *pspec, PbPackSession *pack)
{
  update (self);
}

void
pb_parcel_panel_set_pack (PbParcelPanel *self, PbPackSession *pack)
{
  g_return_if_fail (PB_IS_PARCEL_PANEL (self));
  g_return_if_fail (pack == NULL || PB_IS_PACK_SESSION (pack));

  if (self->builder != NULL)
    g_signal_handlers_disconnect_by_data (pb_parcel_builder_get_pack (self->builder), self);
  g_clear_pointer (&self->builder, pb_parcel_builder_free);
  if (pack != NULL)
    {
      self->builder = pb_parcel_builder_new (pack);
      g_signal_connect_object (pack, "notify::verified-units",
                               G_CALLBACK (on_verified_units_changed_cb), self, G_CONNECT_SWAPPED);
    }
  update (self);
}

gboolean
pb_parcel_panel_close_parcel (PbParcelPanel *self, gint weight_g, PbWeightSource source,
                              GError **error)
{
  g_return_val_if_fail (PB_IS_PARCEL_PANEL (self), FALSE);
  g_return_val_if_fail (self->builder != NULL, FALSE);

  if (!pb_parcel_builder_close (self->builder, weight_g, source, error))
    return FALSE;
  update (self);
  return TRUE;
}

gboolean
pb_parcel_panel_undo (PbParcelPanel *self)
{
  g_return_val_if_fail (PB_IS_PARCEL_PANEL (self), FALSE);

  if (self->builder == NULL || !pb_parcel_builder_undo (self->builder))
    return FALSE;
  update (self);
  return TRUE;
}

guint
pb_parcel_panel_get_n_parcels (PbParcelPanel *self)
{
  g_return_val_if_fail (PB_IS_PARCEL_PANEL (self), 0);
  return self->builder != NULL ? pb_parcel_builder_get_n_parcels (self->builder) : 0;
}

guint
pb_parcel_panel_get_open_units (PbParcelPanel *self)
{
  g_return_val_if_fail (PB_IS_PARCEL_PANEL (self), 0);
  return self->builder != NULL ? pb_parcel_builder_get_open_units (self->builder) : 0;
}

GPtrArray *
pb_parcel_panel_finish (PbParcelPanel *self, gint weight_g, PbWeightSource source, GError **error)
{
  g_return_val_if_fail (PB_IS_PARCEL_PANEL (self), NULL);
  return self->builder != NULL ? pb_parcel_builder_finish (self->builder, weight_g, source, error)
                               : NULL;
}

static void
pb_parcel_panel_dispose (GObject *object)
{
  PbParcelPanel *self = PB_PARCEL_PANEL (object);

  if (self->builder != NULL)
    g_signal_handlers_disconnect_by_data (pb_parcel_builder_get_pack (self->builder), self);
  g_clear_pointer (&self->builder, pb_parcel_builder_free);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  G_OBJECT_CLASS (pb_parcel_panel_parent_class)->dispose (object);
}

static void
pb_parcel_panel_class_init (PbParcelPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pb_parcel_panel_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
pb_parcel_panel_init (PbParcelPanel *self)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Parcels of the order"), -1);

  self->open_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->open_label, 0.0);
  gtk_label_set_wrap (self->open_label, TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self->open_label), TRUE);
  gtk_widget_set_valign (GTK_WIDGET (self->open_label), GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (row), GTK_WIDGET (self->open_label));
  /* Pushes the buttons to the end while the line above is hidden. */
  gtk_widget_set_hexpand (row, TRUE);
  gtk_widget_set_halign (row, GTK_ALIGN_FILL);
  {
    GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);

    gtk_widget_set_hexpand (buttons, TRUE);
    gtk_widget_set_halign (buttons, GTK_ALIGN_END);
    gtk_box_append (GTK_BOX (buttons),
                    create_button (_ ("_Undo Parcel"), _ ("Undo last parcel"),
                                   _ ("Put the last parcel’s units back into the parcel being "
                                      "packed (Ctrl+U)"),
                                   "bench.undo-parcel"));
    gtk_box_append (GTK_BOX (buttons),
                    create_button (_ ("_New Parcel"), _ ("New parcel"),
                                   _ ("Close this parcel: the units scanned since the last one, at "
                                      "the weight shown (Ctrl+N)"),
                                   "bench.new-parcel"));
    gtk_box_append (GTK_BOX (row), buttons);
  }
  gtk_box_append (GTK_BOX (self->box), row);

  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Parcels closed"), -1);
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->list));
  update (self);
}

GtkWidget *
pb_parcel_panel_new (void)
{
  return g_object_new (PB_TYPE_PARCEL_PANEL, NULL);
}
