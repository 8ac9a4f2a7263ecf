/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>

#include "pb-end-of-day-page.h"
#include "pb-row-item.h"
#include "station/pb-ship.h"
#include "station/pb-site-supervision.h"
#include "store/pb-audit.h"
#include "store/pb-labels.h"
#include "store/pb-orders.h"

struct _PbEndOfDayPage
{
  PbPage parent_instance;

  guint n_labels;
  guint n_manifests;
  GListStore *labels_store;    /* (element-type PbRowItem): key = order id */
  GListStore *manifests_store; /* (element-type PbRowItem): id = manifest document */
  GtkFileChooserNative *chooser;

  AdwToastOverlay *toast_overlay;
  GtkRevealer *error_revealer;
  GtkLabel *error_label;
  GtkStack *stack;
  GtkLabel *count_label;
  GtkSpinner *spinner;
  GtkWidget *create_button;
  GtkWidget *print_button;
  GtkStack *labels_stack;
  GtkListBox *labels_list;
  GtkWidget *manifests_box;
  GtkListBox *manifests_list;
};

G_DEFINE_FINAL_TYPE (PbEndOfDayPage, pb_end_of_day_page, PB_TYPE_PAGE)

static PbSession *
get_session (PbEndOfDayPage *self)
{
  return pb_page_get_session (PB_PAGE (self));
}

static void
show_error (PbEndOfDayPage *self, const char *text)
{
  gtk_label_set_text (self->error_label, text);
  gtk_revealer_set_reveal_child (self->error_revealer, TRUE);
}

static void
hide_error (PbEndOfDayPage *self)
{
  gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
}

static char *
format_time (gint64 when)
{
  g_autoptr (GDateTime) time = when > 0 ? g_date_time_new_from_unix_local (when) : NULL;
  char *text = time ? g_date_time_format (time, "%e %b %Y %H:%M") : g_strdup ("");

  return g_strstrip (text);
}

static void
update_actions (PbEndOfDayPage *self)
{
  gboolean allowed = pb_session_can (get_session (self), PB_ACTION_MANIFEST);
  gboolean busy = pb_page_get_busy (PB_PAGE (self));

  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "eod.create-manifest",
                                 allowed && !busy && self->n_labels > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "eod.print-manifest",
                                 allowed && !busy && self->n_manifests > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "eod.save-manifest",
                                 allowed && !busy && self->n_manifests > 0);
}

/* Busy: a manifest is being made, printed or saved. */
static void
set_busy (PbEndOfDayPage *self, gboolean busy)
{
  if (pb_page_get_busy (PB_PAGE (self)) == busy)
    return;
  pb_page_set_busy (PB_PAGE (self), busy);
  update_actions (self);
}

/* Rows */

static GtkWidget *
make_row (PbRowItem *item)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *title = g_markup_escape_text (pb_row_item_get_title (item), -1);
  g_autofree char *subtitle = g_markup_escape_text (pb_row_item_get_subtitle (item), -1);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  return row;
}

static GtkWidget *
create_label_row_cb (gpointer object, gpointer user_data)
{
  return make_row (object);
}

static GtkWidget *
make_button (const char *icon, const char *accessible_name, const char *action, gint64 id)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, accessible_name);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), g_variant_new_int64 (id));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible_name, -1);
  return button;
}

static GtkWidget *
create_manifest_row_cb (gpointer object, gpointer user_data)
{
  PbRowItem *item = object;
  GtkWidget *row = make_row (item);
  gint64 id = pb_row_item_get_id (item);
  g_autofree char *print_name = NULL;
  g_autofree char *save_name = NULL;

  /* A manifest made at another bench: its document is kept there. */
  if (id == 0)
    return row;
  print_name = g_strdup_printf (_ ("Print the manifest of %s"), pb_row_item_get_key (item));
  save_name = g_strdup_printf (_ ("Save the manifest of %s"), pb_row_item_get_key (item));
  adw_action_row_add_suffix (
      ADW_ACTION_ROW (row), make_button ("printer-symbolic", print_name, "eod.print-manifest", id));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), make_button ("document-save-symbolic", save_name,
                                                                "eod.save-manifest", id));
  return row;
}

/* Loading */

typedef struct
{
  GPtrArray *labels;    /* PbLabelRow */
  GPtrArray *manifests; /* PbManifestInfo */
  /* At a bench of a site: every bench's labels, and the site's manifests. */
  gboolean in_site;
  GPtrArray *site_labels;    /* PbSupervisionLabel */
  GPtrArray *site_manifests; /* PbSupervisionManifest */
} EndOfDay;

static void
end_of_day_free (EndOfDay *data)
{
  g_clear_pointer (&data->labels, g_ptr_array_unref);
  g_clear_pointer (&data->manifests, g_ptr_array_unref);
  g_clear_pointer (&data->site_labels, g_ptr_array_unref);
  g_clear_pointer (&data->site_manifests, g_ptr_array_unref);
  g_free (data);
}

static gboolean
load_work (PbStore *worker, gpointer user_data, GCancellable *cancellable, GError **error)
{
  EndOfDay *data = user_data;

  /* The site's manifests of the last week, wherever they were made. */
  if ((data->in_site = pb_site_supervision_in_site (worker)))
    return pb_site_supervision_end_of_day (worker, 7, &data->site_labels, &data->site_manifests,
                                           error)
           && (data->manifests = pb_labels_list_manifests (worker, error)) != NULL;
  return (data->labels = pb_labels_list_unmanifested (worker, error)) != NULL
         && (data->manifests = pb_labels_list_manifests (worker, error)) != NULL;
}

static PbRowItem *
label_to_row (PbLabelRow *label)
{
  g_autofree char *printed = label->printed_at ? format_time (label->printed_at) : NULL;
  g_autofree char *title = g_strdup_printf (_ ("Order %s"), label->order_id);
  g_autofree char *subtitle = NULL;
  g_autofree char *when = NULL;

  when = printed ? g_strdup_printf (_ ("printed %s"), printed) : g_strdup (_ ("not printed"));
  /* Translators: tracking number · service code · printed 5 Mar 2026 16:02 */
  subtitle = g_strdup_printf (_ ("Tracking %s · %s · %s"),
                              label->tracking_number ? label->tracking_number : "—",
                              label->service ? label->service : "—", when);
  if (g_strcmp0 (label->state, PB_ORDER_STATE_CANCELLED) == 0)
    {
      char *warned = g_strdup_printf (_ ("%s · cancelled: void it on the Problems page"), subtitle);

      g_free (subtitle);
      subtitle = warned;
    }
  return pb_row_item_new (title, subtitle, 0, label->order_id);
}

static PbRowItem *
site_label_to_row (PbSupervisionLabel *label)
{
  g_autofree char *when = format_time (label->labelled_at);
  g_autofree char *title = g_strdup_printf (_ ("Order %s"), label->order_id);
  /* Translators: tracking number · bench · operator · 5 Mar 2026 16:02 */
  g_autofree char *subtitle = g_strdup_printf (
      _ ("Tracking %s · bench %s · by %s · %s"),
      label->tracking_number ? label->tracking_number : "—", label->bench ? label->bench : "—",
      label->operator_name ? label->operator_name : "—", when);

  return pb_row_item_new (title, subtitle, 0, label->order_id);
}

static PbRowItem *
manifest_to_row (PbManifestInfo *info)
{
  g_autofree char *when = format_time (info->created_at);
  g_autofree char *title = NULL;
  g_autofree char *size = g_format_size (info->size);
  g_autofree char *subtitle = NULL;

  if (info->number == 0)
    {
      title = g_strdup_printf (_ ("Manifest of %s"), when);
      subtitle = g_strdup_printf (_ ("PDF, %s"), size);
      return pb_row_item_new (title, subtitle, info->id, when);
    }
  /* Royal Mail's number: what the driver's paperwork says. */
  title = g_strdup_printf (_ ("Manifest %" PRId64), info->number);
  /* Translators: 5 Mar 2026 16:02 · PDF, 12 kB */
  subtitle = g_strdup_printf (_ ("%s · PDF, %s"), when, size);
  return pb_row_item_new (title, subtitle, info->id, title);
}

/* A manifest of the site's whose document this bench does not keep. */
static PbRowItem *
site_manifest_to_row (PbSupervisionManifest *manifest)
{
  g_autofree char *title = g_strdup_printf (_ ("Manifest %" PRId64), manifest->number);
  g_autofree char *count = g_strdup_printf (
      g_dngettext (NULL, "%u label", "%u labels", manifest->n_labels), manifest->n_labels);
  /* Translators: "3 labels · 1 of this bench’s · made at another bench" */
  g_autofree char *subtitle = g_strdup_printf (
      _ ("%s · %u of this bench’s · made at another bench"), count, manifest->n_here);

  return pb_row_item_new (title, subtitle, 0, title);
}

static void
on_loaded_cb (GObject *source_object, GAsyncResult *result, gpointer user_data)
{
  PbEndOfDayPage *self = PB_END_OF_DAY_PAGE (source_object);
  g_autoptr (GError) error = NULL;
  EndOfDay *data = NULL;
  g_autoptr (GPtrArray) labels = NULL;
  g_autoptr (GPtrArray) manifests = NULL;
  g_autofree char *text = NULL;

  if (!pb_page_run_finish (PB_PAGE (self), result, (gpointer *)&data, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          text = g_strdup_printf (_ ("The labels could not be loaded: %s"), error->message);
          show_error (self, text);
        }
      return;
    }

  labels = g_ptr_array_new_with_free_func (g_object_unref);
  if (data->in_site)
    for (guint i = 0; i < data->site_labels->len; i++)
      g_ptr_array_add (labels, site_label_to_row (g_ptr_array_index (data->site_labels, i)));
  else
    for (guint i = 0; i < data->labels->len; i++)
      g_ptr_array_add (labels, label_to_row (g_ptr_array_index (data->labels, i)));
  manifests = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < data->manifests->len; i++)
    g_ptr_array_add (manifests, manifest_to_row (g_ptr_array_index (data->manifests, i)));
  self->n_manifests = manifests->len;
  /* Then the site's manifests made at other benches. */
  for (guint i = 0; data->in_site && i < data->site_manifests->len; i++)
    {
      PbSupervisionManifest *manifest = g_ptr_array_index (data->site_manifests, i);
      gboolean kept = FALSE;

      for (guint j = 0; j < data->manifests->len && !kept; j++)
        kept = ((PbManifestInfo *)g_ptr_array_index (data->manifests, j))->number
               == manifest->number;
      if (!kept)
        g_ptr_array_add (manifests, site_manifest_to_row (manifest));
    }

  g_list_store_splice (self->labels_store, 0,
                       g_list_model_get_n_items (G_LIST_MODEL (self->labels_store)), labels->pdata,
                       labels->len);
  g_list_store_splice (self->manifests_store, 0,
                       g_list_model_get_n_items (G_LIST_MODEL (self->manifests_store)),
                       manifests->pdata, manifests->len);
  self->n_labels = labels->len;

  text = g_strdup_printf (g_dngettext (NULL, "%u label not yet manifested",
                                       "%u labels not yet manifested", self->n_labels),
                          self->n_labels);
  gtk_label_set_text (self->count_label, text);
  gtk_stack_set_visible_child_name (self->labels_stack, self->n_labels ? "list" : "empty");
  gtk_widget_set_visible (self->manifests_box, manifests->len > 0);
  update_actions (self);
}

static void
pb_end_of_day_page_reload_page (PbPage *page)
{
  PbEndOfDayPage *self = PB_END_OF_DAY_PAGE (page);

  if (!pb_session_can (get_session (self), PB_ACTION_MANIFEST))
    {
      gtk_stack_set_visible_child_name (self->stack, "denied");
      update_actions (self);
      return;
    }
  gtk_stack_set_visible_child_name (self->stack, "main");
  pb_page_run_load (page, load_work, g_new0 (EndOfDay, 1), (GDestroyNotify)end_of_day_free,
                    on_loaded_cb);
}

void
pb_end_of_day_page_reload (PbEndOfDayPage *self)
{
  g_return_if_fail (PB_IS_END_OF_DAY_PAGE (self));

  pb_page_reload (PB_PAGE (self));
}

/* Create, print, save */

typedef enum
{
  JOB_CREATE,
  JOB_PRINT,
  JOB_SAVE,
} JobKind;

typedef struct
{
  JobKind kind;
  gint64 manifest_id; /* print, save: 0 for the newest */
  GFile *file;        /* save */
  char *operator_name;
  gint64 manifest_number; /* create: what Royal Mail answered */
  guint n_orders;
} Job;

static void
job_free (Job *job)
{
  g_clear_object (&job->file);
  g_free (job->operator_name);
  g_free (job);
}

/* Royal Mail, CUPS and files: never on the main thread. */
static gboolean
job_work (PbStore *worker, gpointer data, GCancellable *cancellable, GError **error)
{
  Job *job = data;

  switch (job->kind)
    {
      case JOB_CREATE:
        return pb_ship_manifest (worker, job->operator_name, &job->manifest_number, &job->n_orders,
                                 cancellable, error);
      case JOB_PRINT:
        return pb_ship_print_manifest (worker, job->manifest_id, NULL, job->operator_name,
                                       cancellable, error);
      case JOB_SAVE:
      default:
        {
          g_autoptr (GError) local_error = NULL;
          g_autoptr (GBytes) pdf
              = pb_labels_get_manifest_pdf (worker, job->manifest_id, &local_error);

          if (pdf == NULL)
            {
              if (local_error == NULL)
                g_set_error_literal (&local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                                     _ ("No manifest is kept: create one first."));
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          /* The manifest lists recipients: readable by the bench's user
           * only, also when it replaces a file others could read. */
          return g_file_replace_contents (job->file, g_bytes_get_data (pdf, NULL),
                                          g_bytes_get_size (pdf), NULL, FALSE,
                                          G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION,
                                          NULL, cancellable, error)
                 && pb_audit_append (worker, job->operator_name, "manifest.saved", NULL, "ok", NULL,
                                     error);
        }
    }
}

static void
on_job_done_cb (GObject *source_object, GAsyncResult *result, gpointer user_data)
{
  PbEndOfDayPage *self = PB_END_OF_DAY_PAGE (source_object);
  Job *job = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  AdwToast *toast;

  if (!pb_page_run_finish (PB_PAGE (self), result, (gpointer *)&job, &error)
      && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return; /* the page is going away */

  set_busy (self, FALSE);
  if (error != NULL)
    {
      if (job->kind == JOB_CREATE)
        text = g_strdup_printf (_ ("The manifest was not created: %s"), error->message);
      else if (job->kind == JOB_PRINT)
        text = g_strdup_printf (_ ("The manifest did not print: %s"), error->message);
      else
        text = g_strdup_printf (_ ("The manifest was not saved: %s"), error->message);
      show_error (self, text);
      pb_end_of_day_page_reload (self);
      return;
    }

  hide_error (self);
  switch (job->kind)
    {
      case JOB_CREATE:
        text = g_strdup_printf (g_dngettext (NULL, "Manifest %" PRId64 " created with %u label.",
                                             "Manifest %" PRId64 " created with %u labels.",
                                             job->n_orders),
                                job->manifest_number, job->n_orders);
        toast = adw_toast_new (text);
        adw_toast_set_button_label (toast, _ ("_Print"));
        adw_toast_set_action_name (toast, "eod.print-manifest");
        adw_toast_set_action_target_value (toast, g_variant_new_int64 (0));
        adw_toast_set_timeout (toast, 0);
        adw_toast_overlay_add_toast (self->toast_overlay, toast);
        gtk_widget_add_css_class (self->print_button, "suggested-action");
        break;
      case JOB_PRINT:
        adw_toast_overlay_add_toast (self->toast_overlay,
                                     adw_toast_new (_ ("The manifest has printed.")));
        gtk_widget_remove_css_class (self->print_button, "suggested-action");
        break;
      case JOB_SAVE:
      default:
        {
          g_autofree char *name = g_file_get_basename (job->file);

          text = g_strdup_printf (_ ("The manifest was saved as “%s”."), name);
          adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
        }
        break;
    }
  pb_end_of_day_page_reload (self);
}

static void
start_job (PbEndOfDayPage *self, JobKind kind, gint64 manifest_id, GFile *file)
{
  g_autoptr (GError) error = NULL;
  Job *job;

  if (pb_page_get_busy (PB_PAGE (self)))
    return;
  if (!pb_session_require (get_session (self), PB_ACTION_MANIFEST, NULL, &error))
    {
      show_error (self, error->message);
      return;
    }

  job = g_new0 (Job, 1);
  job->kind = kind;
  job->manifest_id = manifest_id;
  job->file = file ? g_object_ref (file) : NULL;
  job->operator_name = g_strdup (pb_session_get_username (get_session (self)));

  set_busy (self, TRUE);
  pb_page_run_action (PB_PAGE (self), job_work, job, (GDestroyNotify)job_free, on_job_done_cb);
}

static void
create_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  start_job (PB_END_OF_DAY_PAGE (widget), JOB_CREATE, 0, NULL);
}

static void
print_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  start_job (PB_END_OF_DAY_PAGE (widget), JOB_PRINT,
             parameter ? g_variant_get_int64 (parameter) : 0, NULL);
}

static void
on_chooser_response_cb (GtkNativeDialog *chooser, int response, PbEndOfDayPage *self)
{
  gint64 id = (gint64)GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (chooser), "pb-manifest-id"));

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        pb_end_of_day_page_save_manifest (self, id, file);
    }
  g_clear_object (&self->chooser);
}

static void
save_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  PbEndOfDayPage *self = PB_END_OF_DAY_PAGE (widget);
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *name = g_date_time_format (now, "manifest-%Y-%m-%d.pdf");
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();
  gint64 id = parameter ? g_variant_get_int64 (parameter) : 0;

  if (self->chooser != NULL)
    return;
  self->chooser
      = gtk_file_chooser_native_new (_ ("Save Manifest"), pb_page_get_window (PB_PAGE (self)),
                                     GTK_FILE_CHOOSER_ACTION_SAVE, _ ("_Save"), NULL);
  gtk_file_filter_set_name (filter, _ ("PDF documents"));
  gtk_file_filter_add_mime_type (filter, "application/pdf");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_object_set_data (G_OBJECT (self->chooser), "pb-manifest-id", GSIZE_TO_POINTER ((gsize)id));
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
reload_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  pb_end_of_day_page_reload (PB_END_OF_DAY_PAGE (widget));
}

/* The widget */

static void
pb_end_of_day_page_dispose (GObject *object)
{
  PbEndOfDayPage *self = PB_END_OF_DAY_PAGE (object);

  if (self->chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->chooser, self);
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }
  g_clear_object (&self->labels_store);
  g_clear_object (&self->manifests_store);

  G_OBJECT_CLASS (pb_end_of_day_page_parent_class)->dispose (object);
}

static void
pb_end_of_day_page_constructed (GObject *object)
{
  G_OBJECT_CLASS (pb_end_of_day_page_parent_class)->constructed (object);

  update_actions (PB_END_OF_DAY_PAGE (object));
}

static void
pb_end_of_day_page_class_init (PbEndOfDayPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  PbPageClass *page_class = PB_PAGE_CLASS (klass);

  object_class->constructed = pb_end_of_day_page_constructed;
  object_class->dispose = pb_end_of_day_page_dispose;
  page_class->reload = pb_end_of_day_page_reload_page;

  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/packbench/Packbench/pb-end-of-day-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PbEndOfDayPage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, PbEndOfDayPage, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, PbEndOfDayPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, PbEndOfDayPage, stack);
  gtk_widget_class_bind_template_child (widget_class, PbEndOfDayPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, PbEndOfDayPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, PbEndOfDayPage, create_button);
  gtk_widget_class_bind_template_child (widget_class, PbEndOfDayPage, print_button);
  gtk_widget_class_bind_template_child (widget_class, PbEndOfDayPage, labels_stack);
  gtk_widget_class_bind_template_child (widget_class, PbEndOfDayPage, labels_list);
  gtk_widget_class_bind_template_child (widget_class, PbEndOfDayPage, manifests_box);
  gtk_widget_class_bind_template_child (widget_class, PbEndOfDayPage, manifests_list);

  gtk_widget_class_install_action (widget_class, "eod.create-manifest", NULL, create_action);
  gtk_widget_class_install_action (widget_class, "eod.print-manifest", "x", print_action);
  gtk_widget_class_install_action (widget_class, "eod.save-manifest", "x", save_action);
  gtk_widget_class_install_action (widget_class, "eod.reload", NULL, reload_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_m, GDK_CONTROL_MASK,
                                       "eod.create-manifest", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK,
                                       "eod.print-manifest", "x", (gint64)0);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK,
                                       "eod.save-manifest", "x", (gint64)0);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "eod.reload", NULL);
}

static void
pb_end_of_day_page_init (PbEndOfDayPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->labels_store = g_list_store_new (PB_TYPE_ROW_ITEM);
  self->manifests_store = g_list_store_new (PB_TYPE_ROW_ITEM);
  gtk_list_box_bind_model (self->labels_list, G_LIST_MODEL (self->labels_store),
                           create_label_row_cb, self, NULL);
  gtk_list_box_bind_model (self->manifests_list, G_LIST_MODEL (self->manifests_store),
                           create_manifest_row_cb, self, NULL);
  gtk_widget_set_visible (self->manifests_box, FALSE);
}

GtkWidget *
pb_end_of_day_page_new (PbSession *session, PbStation *station)
{
  g_return_val_if_fail (PB_IS_SESSION (session), NULL);
  g_return_val_if_fail (station == NULL || PB_IS_STATION (station), NULL);

  return g_object_new (PB_TYPE_END_OF_DAY_PAGE, "session", session, "station", station, NULL);
}

gboolean
pb_end_of_day_page_get_busy (PbEndOfDayPage *self)
{
  g_return_val_if_fail (PB_IS_END_OF_DAY_PAGE (self), FALSE);
  return pb_page_get_busy (PB_PAGE (self));
}

void
pb_end_of_day_page_save_manifest (PbEndOfDayPage *self, gint64 manifest_id, GFile *file)
{
  g_return_if_fail (PB_IS_END_OF_DAY_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));
  start_job (self, JOB_SAVE, manifest_id, file);
}
