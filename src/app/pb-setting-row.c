/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "pb-setting-row.h"
#include "print/pb-printer.h"
#include "station/pb-ship.h"
#include "store/pb-audit.h"
#include "store/pb-settings.h"
#include "util/pb-secure.h"

#define ROW_DATA_KEY "pb-setting-row"
#define PRINTER_KEY "print.printer"

typedef struct
{
  PbSession *session;
  const PbSettingInfo *info;
  GtkWidget *row;         /* the row owns this struct */
  GtkWidget *message_row; /* the group owns it */
  GtkLabel *message;
  GtkSwitch *toggle; /* booleans */
  GtkLabel *status;  /* secrets: "Set" / "Not set" */
  char *value;       /* what the row shows; never a secret */
  gboolean filling;  /* the widget is being set from the store: no save */
  guint busy;
  PbSettingSavedFunc saved;
  gpointer user_data;
  /* The printer row. */
  GtkStringList *printer_names;
  GPtrArray *printers;
  GtkWidget *mode_row;
  GtkWidget *dpi_row;
  GtkWidget *test_row;
  GtkWidget *test_button;
  GCancellable *cancellable;
} RowData;

static void
row_data_free (RowData *data)
{
  g_cancellable_cancel (data->cancellable);
  g_clear_object (&data->cancellable);
  g_clear_object (&data->session);
  g_clear_pointer (&data->value, g_free);
  g_clear_pointer (&data->printers, g_ptr_array_unref);
  g_free (data);
}

static RowData *
get_data (GtkWidget *row)
{
  return row != NULL ? g_object_get_data (G_OBJECT (row), ROW_DATA_KEY) : NULL;
}

static void
show_message (RowData *data, const char *message)
{
  gtk_label_set_text (data->message, message != NULL ? message : "");
  gtk_widget_set_visible (data->message_row, message != NULL);
  if (message != NULL)
    gtk_widget_add_css_class (data->row, "error");
  else
    gtk_widget_remove_css_class (data->row, "error");
}

static gboolean
is_entry_kind (const PbSettingInfo *info)
{
  return info->kind != PB_SETTING_BOOLEAN && info->kind != PB_SETTING_CHOICE
         && g_strcmp0 (info->key, PRINTER_KEY) != 0;
}

/* An entry row shows its apply button after any change of text; hide it
 * again once the text is the stored one. */
static void
reset_apply_button (GtkWidget *row)
{
  adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (row), FALSE);
  adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (row), TRUE);
}

static void
select_printer (RowData *data, const char *name)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (data->printer_names));

  /* Position 0 is "None". A queue that CUPS does not list (yet) is shown
   * all the same: it is what the store says. */
  if (name == NULL || *name == '\0')
    {
      adw_combo_row_set_selected (ADW_COMBO_ROW (data->row), 0);
      return;
    }
  for (guint i = 1; i < n; i++)
    if (g_strcmp0 (gtk_string_list_get_string (data->printer_names, i), name) == 0)
      {
        adw_combo_row_set_selected (ADW_COMBO_ROW (data->row), i);
        return;
      }
  gtk_string_list_append (data->printer_names, name);
  adw_combo_row_set_selected (ADW_COMBO_ROW (data->row), n);
}

/* Shows @value (for secrets: "set" or NULL) without saving it. */
static void
fill_row (RowData *data, const char *value)
{
  data->filling = TRUE;

  if (g_strcmp0 (data->info->key, PRINTER_KEY) == 0)
    {
      select_printer (data, value);
    }
  else if (data->info->kind == PB_SETTING_BOOLEAN)
    {
      gtk_switch_set_active (data->toggle, g_strcmp0 (value, "true") == 0);
    }
  else if (data->info->kind == PB_SETTING_CHOICE)
    {
      for (guint i = 0; data->info->choices[i] != NULL; i++)
        if (g_strcmp0 (data->info->choices[i], value) == 0)
          adw_combo_row_set_selected (ADW_COMBO_ROW (data->row), i);
    }
  else if (data->info->kind == PB_SETTING_SECRET)
    {
      gtk_editable_set_text (GTK_EDITABLE (data->row), "");
      gtk_label_set_text (data->status, value != NULL ? _ ("Set") : _ ("Not set"));
      reset_apply_button (data->row);
    }
  else
    {
      gtk_editable_set_text (GTK_EDITABLE (data->row), value != NULL ? value : "");
      reset_apply_button (data->row);
    }

  if (data->info->kind != PB_SETTING_SECRET)
    {
      g_free (data->value);
      data->value = g_strdup (value);
    }
  data->filling = FALSE;
}

/* Saving ------------------------------------------------------------------ */

typedef struct
{
  PbSession *session;
  char *key;
  char *value; /* may be a secret: wiped */
  char *actor;
} SaveJob;

static void
save_job_free (SaveJob *job)
{
  g_clear_object (&job->session);
  g_free (job->key);
  pb_secure_free_string (job->value);
  g_free (job->actor);
  g_free (job);
}

static void
save_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  SaveJob *job = task_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (PbStore) worker = pb_store_open_worker (pb_session_get_store (job->session), &error);

  if (worker == NULL || !pb_settings_set (worker, job->key, job->value, job->actor, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void prefill_from_printer (RowData *data, const char *name);

static void
on_save_finished_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GtkWidget *row = GTK_WIDGET (source);
  RowData *data = get_data (row);
  SaveJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;

  data->busy--;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      show_message (data, error->message);
      /* A switch or a drop-down goes back to what the store holds. */
      if (!is_entry_kind (data->info))
        {
          g_autofree char *value = g_strdup (data->value);
          fill_row (data, value);
        }
      return;
    }

  show_message (data, NULL);
  fill_row (data, data->info->kind == PB_SETTING_SECRET ? (*job->value != '\0' ? "set" : NULL)
                                                        : job->value);
  if (g_strcmp0 (data->info->key, PRINTER_KEY) == 0)
    prefill_from_printer (data, job->value);
  if (data->saved != NULL && gtk_widget_get_parent (row) != NULL)
    data->saved (data->info->key, data->info->kind == PB_SETTING_SECRET ? NULL : job->value,
                 data->user_data);
}

static void
save_value (RowData *data, const char *value)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GTask) task = NULL;
  SaveJob *job;

  /* A bad value is refused here, with the registry's reason; nothing is
   * saved. The store checks again. */
  if (!pb_settings_validate (data->info, value, &error)
      || !pb_session_require (data->session, data->info->permission, data->info->key, &error))
    {
      show_message (data, error->message);
      return;
    }

  job = g_new0 (SaveJob, 1);
  job->session = g_object_ref (data->session);
  job->key = g_strdup (data->info->key);
  job->value = g_strdup (value);
  job->actor = g_strdup (pb_session_get_username (data->session));

  data->busy++;
  task = g_task_new (data->row, NULL, on_save_finished_cb, NULL);
  g_task_set_source_tag (task, save_value);
  g_task_set_task_data (task, job, (GDestroyNotify)save_job_free);
  g_task_run_in_thread (task, save_thread);
}

static void
on_entry_apply_cb (AdwEntryRow *row, RowData *data)
{
  save_value (data, gtk_editable_get_text (GTK_EDITABLE (row)));
}

/* Enter saves too, as the tick does: the keyboard's way to apply, and the
 * only one while libadwaita 1.2 shows no tick (text set by an assistive
 * technology does not show it). An unchanged value is not saved again. */
static void
on_entry_activated_cb (AdwEntryRow *row, RowData *data)
{
  pb_setting_row_apply (GTK_WIDGET (row));
}

static void
on_switch_active_cb (GtkSwitch *toggle, GParamSpec *pspec, RowData *data)
{
  if (!data->filling)
    save_value (data, gtk_switch_get_active (toggle) ? "true" : "false");
}

static void
on_choice_selected_cb (AdwComboRow *row, GParamSpec *pspec, RowData *data)
{
  guint selected = adw_combo_row_get_selected (row);

  if (data->filling || selected == GTK_INVALID_LIST_POSITION)
    return;
  if (g_strcmp0 (data->info->key, PRINTER_KEY) == 0)
    save_value (data,
                selected == 0 ? "" : gtk_string_list_get_string (data->printer_names, selected));
  else
    save_value (data, data->info->choices[selected]);
}

/* Building ---------------------------------------------------------------- */

static GtkWidget *
create_row (RowData *data)
{
  const PbSettingInfo *info = data->info;
  const char *title = _ (info->description);
  GtkWidget *row;

  if (g_strcmp0 (info->key, PRINTER_KEY) == 0)
    {
      data->printer_names = gtk_string_list_new (NULL);
      gtk_string_list_append (data->printer_names, _ ("None"));
      row = adw_combo_row_new ();
      adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (data->printer_names));
      g_object_unref (data->printer_names); /* the row holds it */
      g_signal_connect (row, "notify::selected", G_CALLBACK (on_choice_selected_cb), data);
    }
  else if (info->kind == PB_SETTING_BOOLEAN)
    {
      row = adw_action_row_new ();
      data->toggle = GTK_SWITCH (gtk_switch_new ());
      gtk_widget_set_valign (GTK_WIDGET (data->toggle), GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (data->toggle), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      title, -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), GTK_WIDGET (data->toggle));
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), GTK_WIDGET (data->toggle));
      g_signal_connect (data->toggle, "notify::active", G_CALLBACK (on_switch_active_cb), data);
    }
  else if (info->kind == PB_SETTING_CHOICE)
    {
      row = adw_combo_row_new ();
      adw_combo_row_set_model (ADW_COMBO_ROW (row),
                               G_LIST_MODEL (gtk_string_list_new (info->choices)));
      g_object_unref (adw_combo_row_get_model (ADW_COMBO_ROW (row)));
      g_signal_connect (row, "notify::selected", G_CALLBACK (on_choice_selected_cb), data);
    }
  else if (info->kind == PB_SETTING_SECRET)
    {
      row = adw_password_entry_row_new ();
      data->status = GTK_LABEL (gtk_label_new (_ ("Not set")));
      gtk_widget_add_css_class (GTK_WIDGET (data->status), "dim-label");
      adw_entry_row_add_suffix (ADW_ENTRY_ROW (row), GTK_WIDGET (data->status));
      adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (row), TRUE);
      g_signal_connect (row, "apply", G_CALLBACK (on_entry_apply_cb), data);
      g_signal_connect (row, "entry-activated", G_CALLBACK (on_entry_activated_cb), data);
    }
  else
    {
      row = adw_entry_row_new ();
      if (info->kind == PB_SETTING_INTEGER)
        gtk_editable_set_alignment (GTK_EDITABLE (row), 0);
      adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (row), TRUE);
      g_signal_connect (row, "apply", G_CALLBACK (on_entry_apply_cb), data);
      g_signal_connect (row, "entry-activated", G_CALLBACK (on_entry_activated_cb), data);
    }

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);

  /* The title names the row (GTK 4.8 appends it to any accessible label). */
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_widget_set_tooltip_text (row, info->key);
  return row;
}

GtkWidget *
pb_setting_row_add (AdwPreferencesGroup *group, PbSession *session, const char *key,
                    PbSettingSavedFunc saved, gpointer user_data)
{
  const PbSettingInfo *info = pb_settings_lookup (key);
  RowData *data;
  GtkWidget *label;

  g_return_val_if_fail (ADW_IS_PREFERENCES_GROUP (group), NULL);
  g_return_val_if_fail (PB_IS_SESSION (session), NULL);
  g_return_val_if_fail (info != NULL, NULL);

  data = g_new0 (RowData, 1);
  data->session = g_object_ref (session);
  data->info = info;
  data->saved = saved;
  data->user_data = user_data;
  data->cancellable = g_cancellable_new ();
  data->row = create_row (data);
  g_object_set_data_full (G_OBJECT (data->row), ROW_DATA_KEY, data, (GDestroyNotify)row_data_free);

  /* Until the value is read, nothing can be changed. */
  gtk_widget_set_sensitive (data->row, FALSE);

  label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  gtk_widget_set_margin_top (label, 6);
  gtk_widget_set_margin_bottom (label, 6);
  gtk_widget_add_css_class (label, "error");
  gtk_accessible_update_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Problem with the value"), -1);
  data->message = GTK_LABEL (label);
  data->message_row = adw_preferences_row_new ();
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (data->message_row), FALSE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (data->message_row), label);
  gtk_widget_set_visible (data->message_row, FALSE);

  adw_preferences_group_add (group, data->row);
  adw_preferences_group_add (group, data->message_row);
  return data->row;
}

/* Loading ----------------------------------------------------------------- */

typedef struct
{
  PbSession *session;
  GStrv keys;
  GStrv values; /* same length; NULL entries are unset; secrets "set" */
} LoadJob;

static void
load_job_free (LoadJob *job)
{
  /* values has NULL holes: free it by the length of keys. */
  if (job->values != NULL)
    {
      for (guint i = 0; job->keys[i] != NULL; i++)
        g_free (job->values[i]);
      g_free (job->values);
    }
  g_strfreev (job->keys);
  g_clear_object (&job->session);
  g_free (job);
}

static void
load_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  LoadJob *job = task_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (PbStore) worker = pb_store_open_worker (pb_session_get_store (job->session), &error);
  guint n = g_strv_length (job->keys);

  if (worker == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  job->values = g_new0 (char *, n + 1);
  for (guint i = 0; i < n; i++)
    {
      const PbSettingInfo *info = pb_settings_lookup (job->keys[i]);

      /* Secrets never leave the store here: only whether they are set. */
      if (info->kind == PB_SETTING_SECRET)
        job->values[i] = pb_settings_is_set (worker, job->keys[i]) ? g_strdup ("set") : NULL;
      else
        job->values[i] = pb_settings_display (worker, job->keys[i]);
    }
  g_task_return_boolean (task, TRUE);
}

static void
on_load_finished_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GPtrArray *rows = user_data;
  LoadJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);

  for (guint i = 0; i < rows->len; i++)
    {
      RowData *data = get_data (g_ptr_array_index (rows, i));

      data->busy--;
      if (!ok)
        {
          show_message (data, error->message);
          continue;
        }
      fill_row (data, job->values[i]);
      gtk_widget_set_sensitive (data->row, pb_session_can (data->session, data->info->permission));
    }
  g_ptr_array_unref (rows);
}

void
pb_setting_rows_load (GPtrArray *rows, PbSession *session)
{
  g_autoptr (GTask) task = NULL;
  LoadJob *job;

  g_return_if_fail (rows != NULL);
  g_return_if_fail (PB_IS_SESSION (session));

  job = g_new0 (LoadJob, 1);
  job->session = g_object_ref (session);
  job->keys = g_new0 (char *, rows->len + 1);
  for (guint i = 0; i < rows->len; i++)
    {
      RowData *data = get_data (g_ptr_array_index (rows, i));

      g_return_if_fail (data != NULL);
      job->keys[i] = g_strdup (data->info->key);
      data->busy++;
    }

  task = g_task_new (NULL, NULL, on_load_finished_cb, g_ptr_array_ref (rows));
  g_task_set_source_tag (task, pb_setting_rows_load);
  g_task_set_task_data (task, job, (GDestroyNotify)load_job_free);
  g_task_run_in_thread (task, load_thread);
}

void
pb_setting_row_apply (GtkWidget *row)
{
  RowData *data = get_data (row);
  const char *text;

  g_return_if_fail (data != NULL);

  if (!is_entry_kind (data->info) || data->busy > 0 || !gtk_widget_get_sensitive (row))
    return;
  text = gtk_editable_get_text (GTK_EDITABLE (row));
  if (data->info->kind == PB_SETTING_SECRET ? *text == '\0' : g_strcmp0 (text, data->value) == 0)
    return;
  save_value (data, text);
}

const char *
pb_setting_row_get_key (GtkWidget *row)
{
  RowData *data = get_data (row);

  g_return_val_if_fail (data != NULL, NULL);
  return data->info->key;
}

const char *
pb_setting_row_get_message (GtkWidget *row)
{
  RowData *data = get_data (row);

  g_return_val_if_fail (data != NULL, NULL);
  return gtk_widget_get_visible (data->message_row) ? gtk_label_get_text (data->message) : NULL;
}

gboolean
pb_setting_row_is_busy (GtkWidget *row)
{
  RowData *data = get_data (row);

  g_return_val_if_fail (data != NULL, FALSE);
  return data->busy > 0;
}

/* The printer ------------------------------------------------------------- */

static PbPrinter *
find_printer (RowData *data, const char *name)
{
  for (guint i = 0; data->printers != NULL && i < data->printers->len; i++)
    if (g_strcmp0 (pb_printer_get_name (g_ptr_array_index (data->printers, i)), name) == 0)
      return g_ptr_array_index (data->printers, i);
  return NULL;
}

static void
select_choice (GtkWidget *row, const char *value)
{
  RowData *data = get_data (row);

  for (guint i = 0; data->info->choices[i] != NULL; i++)
    if (g_strcmp0 (data->info->choices[i], value) == 0)
      adw_combo_row_set_selected (ADW_COMBO_ROW (row), i);
}

static void
on_lookup_finished_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GtkWidget) row = user_data;
  RowData *data = get_data (row);
  g_autoptr (PbPrinter) printer = pb_printer_lookup_finish (result, NULL);
  guint dpi = printer != NULL ? pb_printer_get_resolution (printer) : 0;

  data->busy--;
  /* 0: the driver does not say (raw queues): keep what was there. */
  if (gtk_widget_get_parent (row) != NULL && (dpi == 203 || dpi == 300))
    {
      g_autofree char *text = g_strdup_printf ("%u", dpi);

      select_choice (get_data (data->row)->dpi_row, text);
    }
}

/* A printer was chosen: a raw queue takes ZPL, a driver queue PDF; the
 * resolution comes from the driver when it announces one. */
static void
prefill_from_printer (RowData *data, const char *name)
{
  PbPrinter *printer = find_printer (data, name);

  if (printer == NULL || data->mode_row == NULL)
    return;
  select_choice (data->mode_row,
                 pb_printer_get_kind (printer) == PB_PRINTER_KIND_RAW ? "zpl" : "pdf");
  data->busy++;
  pb_printer_lookup_async (name, data->cancellable, on_lookup_finished_cb,
                           g_object_ref (data->row));
}

static void
on_printer_list_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GtkWidget) row = user_data;
  RowData *data = get_data (row);
  g_autoptr (GError) error = NULL;
  GPtrArray *printers = pb_printer_list_finish (result, &error);
  g_autofree char *current = NULL;

  data->busy--;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (printers == NULL)
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), error->message);
      return;
    }

  g_clear_pointer (&data->printers, g_ptr_array_unref);
  data->printers = printers;
  if (printers->len == 0)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _ ("CUPS has no printers. Add the label "
                                                          "printer in the system settings."));

  data->filling = TRUE;
  current = g_strdup (data->value);
  gtk_string_list_splice (data->printer_names, 1,
                          g_list_model_get_n_items (G_LIST_MODEL (data->printer_names)) - 1, NULL);
  for (guint i = 0; i < printers->len; i++)
    gtk_string_list_append (data->printer_names,
                            pb_printer_get_name (g_ptr_array_index (printers, i)));
  data->filling = FALSE;
  fill_row (data, current);
}

typedef struct
{
  PbSession *session;
  char *printer; /* NULL: print.printer */
  char *actor;
} TestJob;

static void
test_job_free (TestJob *job)
{
  g_clear_object (&job->session);
  g_free (job->printer);
  g_free (job->actor);
  g_free (job);
}

static void
test_print_thread (GTask *task, gpointer source_object, gpointer task_data,
                   GCancellable *cancellable)
{
  TestJob *job = task_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (PbStore) worker = pb_store_open_worker (pb_session_get_store (job->session), &error);
  gboolean ok;

  if (worker == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  ok = pb_ship_print_test (worker, job->printer, cancellable, &error);
  pb_audit_append (worker, job->actor, "printer.test", job->printer ? job->printer : "",
                   ok ? "ok" : "failed", NULL, NULL);
  if (!ok)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_test_print_finished_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GtkWidget *printer_row = GTK_WIDGET (source);
  RowData *data = get_data (printer_row);
  g_autoptr (GError) error = NULL;

  data->busy--;
  if (g_task_propagate_boolean (G_TASK (result), &error))
    adw_action_row_set_subtitle (ADW_ACTION_ROW (data->test_row),
                                 _ ("The test label was printed. Check that it came out whole "
                                    "and sharp."));
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    adw_action_row_set_subtitle (ADW_ACTION_ROW (data->test_row), error->message);
  gtk_widget_set_sensitive (data->test_button, TRUE);
}

static void
on_test_button_clicked_cb (GtkButton *button, RowData *data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GTask) task = NULL;
  guint selected = adw_combo_row_get_selected (ADW_COMBO_ROW (data->row));
  TestJob *job;

  if (!pb_session_require (data->session, PB_ACTION_CHANGE_SETTINGS, "print.test", &error))
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (data->test_row), error->message);
      return;
    }
  if (selected == 0 || selected == GTK_INVALID_LIST_POSITION)
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (data->test_row),
                                   _ ("Choose the label printer first."));
      return;
    }

  job = g_new0 (TestJob, 1);
  job->session = g_object_ref (data->session);
  job->printer = g_strdup (gtk_string_list_get_string (data->printer_names, selected));
  job->actor = g_strdup (pb_session_get_username (data->session));

  adw_action_row_set_subtitle (ADW_ACTION_ROW (data->test_row), _ ("Printing…"));
  gtk_widget_set_sensitive (data->test_button, FALSE);
  data->busy++;
  task = g_task_new (data->row, data->cancellable, on_test_print_finished_cb, NULL);
  g_task_set_source_tag (task, on_test_button_clicked_cb);
  g_task_set_task_data (task, job, (GDestroyNotify)test_job_free);
  g_task_run_in_thread (task, test_print_thread);
}

GtkWidget *
pb_setting_row_add_printer (AdwPreferencesGroup *group, PbSession *session, GPtrArray *rows)
{
  GtkWidget *row = pb_setting_row_add (group, session, PRINTER_KEY, NULL, NULL);
  RowData *data = get_data (row);

  data->mode_row = pb_setting_row_add (group, session, "print.mode", NULL, NULL);
  data->dpi_row = pb_setting_row_add (group, session, "print.dpi", NULL, NULL);
  if (rows != NULL)
    {
      g_ptr_array_add (rows, row);
      g_ptr_array_add (rows, data->mode_row);
      g_ptr_array_add (rows, data->dpi_row);
    }

  data->test_row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (data->test_row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (data->test_row), _ ("Test Label"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (data->test_row),
                               _ ("Prints a sample label on the chosen printer."));
  data->test_button = gtk_button_new_with_mnemonic (_ ("_Print Test Label"));
  gtk_widget_set_valign (data->test_button, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (data->test_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Print test label"), -1);
  g_signal_connect (data->test_button, "clicked", G_CALLBACK (on_test_button_clicked_cb), data);
  adw_action_row_add_suffix (ADW_ACTION_ROW (data->test_row), data->test_button);
  gtk_widget_set_sensitive (data->test_row, pb_session_can (session, PB_ACTION_CHANGE_SETTINGS));
  adw_preferences_group_add (group, data->test_row);

  data->busy++;
  pb_printer_list_async (data->cancellable, on_printer_list_cb, g_object_ref (row));
  return row;
}
