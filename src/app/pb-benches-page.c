/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "pb-benches-page.h"
#include "station/pb-site-admin.h"

struct _PbBenchesPage
{
  PbPage parent_instance;

  AdwToastOverlay *toast_overlay;
  GtkRevealer *error_revealer;
  GtkLabel *error_label;
  GtkLabel *count_label;
  GtkListBox *list;
  char *this_bench;
};

G_DEFINE_FINAL_TYPE (PbBenchesPage, pb_benches_page, PB_TYPE_PAGE)

static void
show_error (PbBenchesPage *self, const char *text)
{
  gtk_label_set_text (self->error_label, text);
  gtk_revealer_set_reveal_child (self->error_revealer, TRUE);
}

static char *
format_time (gint64 when)
{
  g_autoptr (GDateTime) time = when > 0 ? g_date_time_new_from_unix_local (when) : NULL;
  g_autofree char *text = time ? g_date_time_format (time, "%-d %b %H:%M") : NULL;

  return text ? g_strdup (g_strstrip (text)) : g_strdup (_ ("never"));
}

/* The printer keywords a bench reports (PB_SITE_PRINTER_*), in words. */
static const char *
printer_words (const char *state)
{
  static const struct
  {
    const char *keyword;
    const char *words;
  } states[] = {
    { PB_SITE_PRINTER_READY, N_ ("printer ready") },
    { PB_SITE_PRINTER_NONE, N_ ("no printer chosen") },
    { PB_SITE_PRINTER_NO_SERVER, N_ ("printing system not running") },
    { PB_SITE_PRINTER_NOT_FOUND, N_ ("printer not found") },
    { PB_SITE_PRINTER_PAUSED, N_ ("printer paused") },
    { PB_SITE_PRINTER_MEDIA_EMPTY, N_ ("printer out of labels") },
    { PB_SITE_PRINTER_MEDIA_JAM, N_ ("printer jammed") },
    { PB_SITE_PRINTER_COVER_OPEN, N_ ("printer cover open") },
    { PB_SITE_PRINTER_FAILED, N_ ("printer in trouble") },
  };

  if (state == NULL)
    return _ ("printer not reported yet");
  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    if (g_str_equal (state, states[i].keyword))
      return _ (states[i].words);
  return _ ("printer in trouble");
}

static GtkWidget *
make_row (PbBenchesPage *self, PbSiteBenchInfo *info, const char *leader)
{
  GtkWidget *row = adw_action_row_new ();
  gboolean is_this = g_strcmp0 (info->name, self->this_bench) == 0;
  g_autofree char *title = NULL;
  g_autofree char *seen = format_time (info->last_seen);
  GString *subtitle = g_string_new (NULL);

  title = is_this ? g_strdup_printf (_ ("%s (this bench)"), info->name) : g_strdup (info->name);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (info->removed_at != 0)
    {
      g_autofree char *removed = format_time (info->removed_at);

      g_string_printf (subtitle, _ ("Removed %s · last seen %s"), removed, seen);
    }
  else
    {
      g_string_printf (subtitle, _ ("Packbench %s · last seen %s · %s"),
                       info->version && *info->version ? info->version : "—", seen,
                       printer_words (info->printer_state));
      if (g_strcmp0 (leader, info->name) == 0)
        g_string_append_printf (subtitle, _ (" · runs the site’s sync"));
    }
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  subtitle->str, -1);
  g_string_free (subtitle, TRUE);

  if (!is_this && info->removed_at == 0)
    {
      GtkWidget *button = gtk_button_new_with_label (_ ("Remove Bench"));
      g_autofree char *name = g_strdup_printf (_ ("Remove bench %s"), info->name);

      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "destructive-action");
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "benches.remove");
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button),
                                              g_variant_new_string (info->name));
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name,
                                      -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }
  return row;
}

/* Loading */

typedef struct
{
  char *dir;
  gboolean in_site;
  GPtrArray *benches;
  char *leader;
  char *this_bench;
} Load;

static void
load_free (Load *load)
{
  g_free (load->dir);
  g_clear_pointer (&load->benches, g_ptr_array_unref);
  g_free (load->leader);
  g_free (load->this_bench);
  g_free (load);
}

static gboolean
load_work (PbStore *worker, gpointer data, GCancellable *cancellable, GError **error)
{
  Load *load = data;
  g_autoptr (PbSiteConfig) config = pb_site_config_load (pb_store_get_dir (worker), NULL);

  if (config != NULL)
    load->this_bench = g_strdup (config->bench);
  return pb_site_admin_list_benches (pb_store_get_dir (worker), &load->in_site, &load->benches,
                                     &load->leader, error);
}

static void
on_loaded_cb (GObject *source_object, GAsyncResult *result, gpointer user_data)
{
  PbBenchesPage *self = PB_BENCHES_PAGE (source_object);
  g_autoptr (GError) error = NULL;
  Load *load = NULL;
  GtkWidget *child;
  guint n_active = 0;
  g_autofree char *count = NULL;

  if (!pb_page_run_finish (PB_PAGE (self), result, (gpointer *)&load, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *text
              = g_strdup_printf (_ ("The site’s benches could not be read: %s"), error->message);
          show_error (self, text);
        }
      return;
    }
  g_free (self->this_bench);
  self->this_bench = g_strdup (load->this_bench);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
  for (guint i = 0; i < load->benches->len; i++)
    {
      PbSiteBenchInfo *info = g_ptr_array_index (load->benches, i);

      if (info->removed_at == 0)
        n_active++;
      gtk_list_box_append (self->list, make_row (self, info, load->leader));
    }
  if (!load->in_site)
    count = g_strdup (_ ("This bench is not in a site."));
  else
    count = g_strdup_printf (
        g_dngettext (NULL, "%u bench in the site", "%u benches in the site", n_active), n_active);
  gtk_label_set_text (self->count_label, count);
}

static void
pb_benches_page_reload_page (PbPage *page)
{
  pb_page_run_load (page, load_work, g_new0 (Load, 1), (GDestroyNotify)load_free, on_loaded_cb);
}

/* Removing a bench */

typedef struct
{
  char *name;
  char *operator_name;
} Removal;

static void
removal_free (Removal *removal)
{
  g_free (removal->name);
  g_free (removal->operator_name);
  g_free (removal);
}

static gboolean
remove_work (PbStore *worker, gpointer data, GCancellable *cancellable, GError **error)
{
  Removal *removal = data;

  return pb_site_admin_remove_bench (worker, removal->name, removal->operator_name, error);
}

static void
on_removed_cb (GObject *source_object, GAsyncResult *result, gpointer user_data)
{
  PbBenchesPage *self = PB_BENCHES_PAGE (source_object);
  g_autoptr (GError) error = NULL;
  Removal *removal = NULL;
  g_autofree char *text = NULL;

  if (!pb_page_run_finish (PB_PAGE (self), result, (gpointer *)&removal, &error)
      && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  pb_page_set_busy (PB_PAGE (self), FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "benches.remove", TRUE);
  if (error != NULL)
    {
      text = g_strdup_printf (_ ("Bench %s was not removed: %s"), removal->name, error->message);
      show_error (self, text);
    }
  else
    {
      gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
      text = g_strdup_printf (_ ("Bench %s is removed: its orders are free again."), removal->name);
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
    }
  pb_page_reload (PB_PAGE (self));
}

static void
on_remove_response_cb (AdwMessageDialog *dialog, const char *response, PbBenchesPage *self)
{
  PbSession *session = pb_page_get_session (PB_PAGE (self));
  const char *name = g_object_get_data (G_OBJECT (dialog), "pb-bench");
  g_autoptr (GError) error = NULL;
  Removal *removal;

  if (!g_str_equal (response, "remove") || pb_page_get_busy (PB_PAGE (self)))
    return;
  if (!pb_session_require (session, PB_ACTION_MANAGE_SITE, name, &error))
    {
      show_error (self, error->message);
      return;
    }
  removal = g_new0 (Removal, 1);
  removal->name = g_strdup (name);
  removal->operator_name = g_strdup (pb_session_get_username (session));
  pb_page_set_busy (PB_PAGE (self), TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "benches.remove", FALSE);
  pb_page_run_action (PB_PAGE (self), remove_work, removal, (GDestroyNotify)removal_free,
                      on_removed_cb);
}

static void
remove_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  PbBenchesPage *self = PB_BENCHES_PAGE (widget);
  const char *name = g_variant_get_string (parameter, NULL);
  g_autofree char *heading = g_strdup_printf (_ ("Remove Bench %s?"), name);
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (
      pb_page_get_window (PB_PAGE (self)), heading,
      _ ("Only for a bench gone for good. The orders it holds go back in the queue for the other "
         "benches; its audit log stays in the site. To use it again, it joins the site anew.")));

  adw_message_dialog_add_responses (dialog, "cancel", _ ("_Cancel"), "remove", _ ("_Remove"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "remove", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "pb-bench", g_strdup (name), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_remove_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
reload_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  pb_page_reload (PB_PAGE (widget));
}

/* The widget */

static void
pb_benches_page_finalize (GObject *object)
{
  PbBenchesPage *self = PB_BENCHES_PAGE (object);

  g_free (self->this_bench);
  G_OBJECT_CLASS (pb_benches_page_parent_class)->finalize (object);
}

static void
pb_benches_page_class_init (PbBenchesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  PbPageClass *page_class = PB_PAGE_CLASS (klass);

  object_class->finalize = pb_benches_page_finalize;
  page_class->reload = pb_benches_page_reload_page;

  gtk_widget_class_install_action (widget_class, "benches.remove", "s", remove_action);
  gtk_widget_class_install_action (widget_class, "benches.reload", NULL, reload_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "benches.reload", NULL);
}

static void
pb_benches_page_init (PbBenchesPage *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *description;

  self->toast_overlay = ADW_TOAST_OVERLAY (adw_toast_overlay_new ());
  self->error_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->error_label, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->error_label), "pb-banner");
  gtk_widget_add_css_class (GTK_WIDGET (self->error_label), "pb-banner-error");
  self->error_revealer = GTK_REVEALER (gtk_revealer_new ());
  gtk_revealer_set_child (self->error_revealer, GTK_WIDGET (self->error_label));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->error_revealer));

  self->count_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->count_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->count_label), "title-4");
  gtk_box_append (GTK_BOX (content), GTK_WIDGET (self->count_label));
  description = gtk_label_new (_ ("Each bench says it is alive, and how its printer is, every "
                                  "half minute. Remove a bench only when it is gone for good."));
  gtk_label_set_wrap (GTK_LABEL (description), TRUE);
  gtk_label_set_xalign (GTK_LABEL (description), 0);
  gtk_widget_add_css_class (description, "dim-label");
  gtk_box_append (GTK_BOX (content), description);

  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Benches of the site"), -1);
  gtk_box_append (GTK_BOX (content), GTK_WIDGET (self->list));

  gtk_widget_set_margin_top (content, 24);
  gtk_widget_set_margin_bottom (content, 24);
  gtk_widget_set_margin_start (content, 12);
  gtk_widget_set_margin_end (content, 12);
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 900);
  adw_clamp_set_child (ADW_CLAMP (clamp), content);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_box_append (GTK_BOX (box), scrolled);
  adw_toast_overlay_set_child (self->toast_overlay, box);
  adw_bin_set_child (ADW_BIN (self), GTK_WIDGET (self->toast_overlay));
}

GtkWidget *
pb_benches_page_new (PbSession *session, PbStation *station)
{
  g_return_val_if_fail (PB_IS_SESSION (session), NULL);
  g_return_val_if_fail (station == NULL || PB_IS_STATION (station), NULL);

  return g_object_new (PB_TYPE_BENCHES_PAGE, "session", session, "station", station, NULL);
}
