/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "pb-password-rules.h"
#include "store/pb-password-policy.h"

/* One row per rule, then "the two entries match". */
#define N_RULES (PB_PASSWORD_ERROR_NO_SYMBOL + 1)

struct _PbPasswordRules
{
  GtkWidget parent_instance;

  GtkWidget *rows[N_RULES + 1];
  gboolean all_met;
};

G_DEFINE_FINAL_TYPE (PbPasswordRules, pb_password_rules, GTK_TYPE_WIDGET)

static void
pb_password_rules_dispose (GObject *object)
{
  PbPasswordRules *self = PB_PASSWORD_RULES (object);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (pb_password_rules_parent_class)->dispose (object);
}

static void
pb_password_rules_class_init (PbPasswordRulesClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = pb_password_rules_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_LIST);
  gtk_widget_class_set_css_name (widget_class, "pb-password-rules");
}

static void
pb_password_rules_init (PbPasswordRules *self)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));

  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 4);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Password rules"), -1);

  for (guint i = 0; i <= N_RULES; i++)
    {
      GtkWidget *row
          = g_object_new (GTK_TYPE_BOX, "orientation", GTK_ORIENTATION_HORIZONTAL, "spacing", 8,
                          "accessible-role", GTK_ACCESSIBLE_ROLE_LIST_ITEM, NULL);
      GtkWidget *icon = gtk_image_new ();
      GtkWidget *label = gtk_label_new (i < N_RULES ? pb_password_rule_describe ((PbPasswordError)i)
                                                    : _ ("Both entries are the same"));

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_box_append (GTK_BOX (row), icon);
      gtk_box_append (GTK_BOX (row), label);
      gtk_widget_set_parent (row, GTK_WIDGET (self));
      self->rows[i] = row;
    }
  pb_password_rules_update (self, NULL, "", "");
}

GtkWidget *
pb_password_rules_new (void)
{
  return g_object_new (PB_TYPE_PASSWORD_RULES, NULL);
}

gboolean
pb_password_rules_update (PbPasswordRules *self, const char *username, const char *password,
                          const char *repeat)
{
  gboolean met[N_RULES + 1];
  gboolean all = TRUE;

  g_return_val_if_fail (PB_IS_PASSWORD_RULES (self), FALSE);

  if (password == NULL)
    password = "";
  pb_password_policy_evaluate (username != NULL ? username : "", password, met);
  met[N_RULES] = *password != '\0' && g_strcmp0 (password, repeat) == 0;

  for (guint i = 0; i <= N_RULES; i++)
    {
      GtkWidget *row = self->rows[i];
      GtkWidget *icon = gtk_widget_get_first_child (row);

      gtk_image_set_from_icon_name (GTK_IMAGE (icon),
                                    met[i] ? "object-select-symbolic" : "window-close-symbolic");
      gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      met[i] ? _ ("Met") : _ ("Not met yet"), -1);
      if (met[i])
        {
          gtk_widget_add_css_class (row, "success");
          gtk_widget_remove_css_class (row, "dim-label");
        }
      else
        {
          gtk_widget_add_css_class (row, "dim-label");
          gtk_widget_remove_css_class (row, "success");
        }
      all = all && met[i];
    }

  self->all_met = all;
  return all;
}

gboolean
pb_password_rules_get_all_met (PbPasswordRules *self)
{
  g_return_val_if_fail (PB_IS_PASSWORD_RULES (self), FALSE);

  return self->all_met;
}
