/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "hw/pb-scale.h"
#include "pb-preferences-window.h"
#include "pb-setting-row.h"
#include "station/pb-site-bench.h"
#include "store/pb-catalogue.h"
#include "store/pb-settings.h"

#define APP_ID "io.github.packbench.Packbench"

struct _PbPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  PbSession *session;
  PbStation *station;
  GSettings *settings;
  GCancellable *cancellable;
  GPtrArray *setting_rows;
  GPtrArray *rule_rows;
  GPtrArray *scale_values; /* (element-type utf8) the scale row's choices, as GSettings values */
  guint busy;

  AdwPreferencesGroup *read_only_group;
  AdwPreferencesGroup *printer_group;
  AdwPreferencesGroup *bench_group;
  AdwPreferencesGroup *amazon_group;
  AdwPreferencesGroup *royalmail_group;
  AdwPreferencesGroup *data_group;
  AdwPreferencesGroup *catalogue_group;
  AdwActionRow *catalogue_row;
  GtkButton *import_button;
  AdwPreferencesGroup *rules_group;
  GtkButton *add_rule_button;
  AdwPreferencesGroup *endpoints_group;
  AdwPreferencesGroup *limits_group;
};

G_DEFINE_FINAL_TYPE (PbPreferencesWindow, pb_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* Where each registry key goes; keys not named here go to "limits", so
 * every setting the store knows can be seen. The printer's own keys are
 * built by pb_setting_row_add_printer. */
static const struct
{
  const char *prefix;
  const char *group;
} placement[] = {
  { "print.printer", NULL },
  { "print.mode", NULL },
  { "print.dpi", NULL },
  { "print.", "bench" },
  { "despatch.", "bench" },
  { "sync.", "bench" },
  { "session.", "bench" },
  { "amazon.rate.", "limits" },
  { "amazon.endpoint", "endpoints" },
  { "amazon.lwa_endpoint", "endpoints" },
  { "amazon.", "amazon" },
  { "royalmail.endpoint", "endpoints" },
  { "royalmail.", "royalmail" },
  { "retention.", "data" },
  { "backup.", "data" },
  { "tls.", "endpoints" },
};

static AdwPreferencesGroup *
group_for_key (PbPreferencesWindow *self, const char *key, gboolean *skip)
{
  const char *name = "limits";

  *skip = FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (placement); i++)
    if (g_str_has_prefix (key, placement[i].prefix))
      {
        name = placement[i].group;
        break;
      }
  if (name == NULL)
    {
      *skip = TRUE;
      return NULL;
    }
  if (g_str_equal (name, "bench"))
    return self->bench_group;
  if (g_str_equal (name, "amazon"))
    return self->amazon_group;
  if (g_str_equal (name, "royalmail"))
    return self->royalmail_group;
  if (g_str_equal (name, "data"))
    return self->data_group;
  if (g_str_equal (name, "endpoints"))
    return self->endpoints_group;
  return self->limits_group;
}

static void
show_toast (PbPreferencesWindow *self, const char *message)
{
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (message));
}

static void
on_people_pushed_cb (GObject *source_object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (PbPreferencesWindow) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!pb_site_bench_push_finish (PB_STORE (source_object), result, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_toast (self, error->message);
}

static void
on_setting_saved_cb (const char *key, const char *value, gpointer user_data)
{
  PbPreferencesWindow *self = user_data;

  /* In a site, the shared settings reach the other benches at their next
   * login. */
  pb_site_bench_push_setting_async (pb_session_get_store (self->session), key, self->cancellable,
                                    on_people_pushed_cb, g_object_ref (self));
  if (self->station == NULL)
    return;
  if (g_str_equal (key, "sync.interval_minutes") && value != NULL)
    pb_station_set_sync_interval (self->station, (guint)g_ascii_strtoull (value, NULL, 10) * 60);
  /* New Amazon credentials or endpoints: see at once whether they work. */
  else if (g_str_has_prefix (key, "amazon.") || g_str_equal (key, "tls.ca_file"))
    pb_station_sync_now (self->station);
}

/* Rules ------------------------------------------------------------------- */

static char *
describe_rule (const PbRule *rule)
{
  GString *text = g_string_new (NULL);

  if (rule->sku != NULL)
    g_string_append_printf (text, _ ("SKU %s"), rule->sku);
  if (rule->min_weight_g > 0 || rule->max_weight_g > 0)
    {
      if (text->len > 0)
        g_string_append (text, ", ");
      if (rule->max_weight_g > 0)
        g_string_append_printf (text, _ ("%d–%d g"), rule->min_weight_g, rule->max_weight_g);
      else
        g_string_append_printf (text, _ ("from %d g"), rule->min_weight_g);
    }
  if (rule->service_level != NULL)
    {
      if (text->len > 0)
        g_string_append (text, ", ");
      g_string_append (text, rule->service_level);
    }
  if (rule->destination != NULL)
    {
      if (text->len > 0)
        g_string_append (text, ", ");
      g_string_append (text, rule->destination);
    }
  if (text->len == 0)
    g_string_append (text, _ ("Any order"));
  return g_string_free (text, FALSE);
}

typedef struct
{
  PbSession *session;
  char *actor;
  PbRule *rule; /* to add */
  gint64 remove_id;
  GPtrArray *rules; /* result */
  char *csv;
  gsize csv_length;
  PbCatalogueImport import;
} Job;

static void
job_free (Job *job)
{
  g_clear_object (&job->session);
  g_free (job->actor);
  g_clear_pointer (&job->rule, pb_rule_free);
  g_clear_pointer (&job->rules, g_ptr_array_unref);
  g_free (job->csv);
  g_free (job);
}

static Job *
job_new (PbPreferencesWindow *self)
{
  Job *job = g_new0 (Job, 1);

  job->session = g_object_ref (self->session);
  job->actor = g_strdup (pb_session_get_username (self->session));
  return job;
}

/* Adds or removes a rule when asked, then lists them all. */
static void
rules_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (PbStore) worker = pb_store_open_worker (pb_session_get_store (job->session), &error);

  if (worker == NULL
      || (job->rule != NULL && !pb_rules_add (worker, job->rule, job->actor, NULL, &error))
      || (job->remove_id > 0 && !pb_rules_remove (worker, job->remove_id, job->actor, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  job->rules = pb_rules_list (worker, &error);
  if (job->rules == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void run_rules_job (PbPreferencesWindow *self, Job *job);

static void
on_remove_rule_clicked_cb (GtkButton *button, PbPreferencesWindow *self)
{
  g_autoptr (GError) error = NULL;
  Job *job;

  if (!pb_session_require (self->session, PB_ACTION_CHANGE_SETTINGS, "rules", &error))
    {
      show_toast (self, error->message);
      return;
    }
  job = job_new (self);
  job->remove_id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (button), "rule-id"));
  run_rules_job (self, job);
}

static void
show_rules (PbPreferencesWindow *self, GPtrArray *rules)
{
  gboolean can_change = pb_session_can (self->session, PB_ACTION_CHANGE_SETTINGS);

  for (guint i = 0; i < self->rule_rows->len; i++)
    adw_preferences_group_remove (self->rules_group, g_ptr_array_index (self->rule_rows, i));
  g_ptr_array_set_size (self->rule_rows, 0);

  for (guint i = 0; i < rules->len; i++)
    {
      PbRule *rule = g_ptr_array_index (rules, i);
      g_autofree char *title = describe_rule (rule);
      g_autofree char *subtitle
          = g_strdup_printf ("%s · %s", rule->package_format ? rule->package_format : "",
                             rule->service_code ? rule->service_code : "");
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
      g_autofree char *remove_label = g_strdup_printf (_ ("Remove rule: %s"), title);

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (remove, "flat");
      gtk_widget_set_sensitive (remove, can_change);
      gtk_widget_set_tooltip_text (remove, _ ("Remove"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      remove_label, -1);
      g_object_set_data (G_OBJECT (remove), "rule-id", GSIZE_TO_POINTER ((gsize)rule->id));
      g_signal_connect (remove, "clicked", G_CALLBACK (on_remove_rule_clicked_cb), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
      adw_preferences_group_add (self->rules_group, row);
      g_ptr_array_add (self->rule_rows, row);
    }
  if (rules->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _ ("No rules yet"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                   _ ("Every order gets the default service and format."));
      adw_preferences_group_add (self->rules_group, row);
      g_ptr_array_add (self->rule_rows, row);
    }
}

static void
on_rules_finished_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PbPreferencesWindow *self = PB_PREFERENCES_WINDOW (source);
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;

  self->busy--;
  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      show_toast (self, error->message);
      if (job->rules == NULL && (job->rule != NULL || job->remove_id > 0))
        {
          /* Show the list as it is. */
          run_rules_job (self, job_new (self));
        }
      return;
    }
  show_rules (self, job->rules);
}

static void
run_rules_job (PbPreferencesWindow *self, Job *job)
{
  g_autoptr (GTask) task = g_task_new (self, self->cancellable, on_rules_finished_cb, NULL);

  g_task_set_source_tag (task, run_rules_job);
  g_task_set_task_data (task, job, (GDestroyNotify)job_free);
  self->busy++;
  g_task_run_in_thread (task, rules_thread);
}

static GtkWidget *
add_entry (GtkWidget *box, const char *title, GtkInputPurpose purpose)
{
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);

  /* The title names the row (GTK 4.8 would append it to a label). */
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  g_object_set (row, "input-purpose", purpose, NULL);
  gtk_list_box_append (GTK_LIST_BOX (box), row);
  return row;
}

static GtkWidget *
add_choice (GtkWidget *box, const char *title, const char *const *choices)
{
  GtkWidget *row = adw_combo_row_new ();
  GtkStringList *list = gtk_string_list_new (choices);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);

  /* The title names the row (GTK 4.8 would append it to a label). */
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (list));
  g_object_unref (list);
  gtk_list_box_append (GTK_LIST_BOX (box), row);
  return row;
}

static char *
entry_text (GObject *dialog, const char *name)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (g_object_get_data (dialog, name)));

  return *text != '\0' ? g_strstrip (g_strdup (text)) : NULL;
}

static char *
choice_text (GObject *dialog, const char *name)
{
  AdwComboRow *row = g_object_get_data (dialog, name);
  guint selected = adw_combo_row_get_selected (row);
  GtkStringList *list = GTK_STRING_LIST (adw_combo_row_get_model (row));

  /* The first entry of the optional choices is "Any". */
  if (selected == 0 && g_object_get_data (G_OBJECT (row), "has-any") != NULL)
    return NULL;
  return g_strdup (gtk_string_list_get_string (list, selected));
}

static void
on_rule_dialog_response_cb (AdwMessageDialog *dialog, const char *response,
                            PbPreferencesWindow *self)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *min_text = NULL;
  g_autofree char *max_text = NULL;
  Job *job;

  if (g_strcmp0 (response, "add") != 0)
    return;
  if (!pb_session_require (self->session, PB_ACTION_CHANGE_SETTINGS, "rules", &error))
    {
      show_toast (self, error->message);
      return;
    }

  job = job_new (self);
  job->rule = g_new0 (PbRule, 1);
  job->rule->sku = entry_text (G_OBJECT (dialog), "sku");
  min_text = entry_text (G_OBJECT (dialog), "min");
  max_text = entry_text (G_OBJECT (dialog), "max");
  job->rule->min_weight_g = min_text ? (gint)g_ascii_strtoll (min_text, NULL, 10) : 0;
  job->rule->max_weight_g = max_text ? (gint)g_ascii_strtoll (max_text, NULL, 10) : 0;
  job->rule->service_level = choice_text (G_OBJECT (dialog), "level");
  job->rule->destination = choice_text (G_OBJECT (dialog), "destination");
  job->rule->package_format = choice_text (G_OBJECT (dialog), "format");
  job->rule->service_code = entry_text (G_OBJECT (dialog), "service");
  run_rules_job (self, job);
}

static void
on_add_rule_button_clicked_cb (PbPreferencesWindow *self)
{
  static const char *const levels[]
      = { N_ ("Any"), PB_LEVEL_NEXT_DAY, PB_LEVEL_PRIME, PB_LEVEL_STANDARD, NULL };
  g_autoptr (GPtrArray) destinations = g_ptr_array_new ();
  GtkWidget *dialog;
  GtkWidget *box;
  GtkWidget *row;
  const char *levels_shown[G_N_ELEMENTS (levels)];

  for (guint i = 0; i < G_N_ELEMENTS (levels); i++)
    levels_shown[i] = i == 0 ? _ (levels[0]) : levels[i];
  g_ptr_array_add (destinations, (gpointer)_ ("Any"));
  for (PbDestination d = PB_DESTINATION_GB; d <= PB_DESTINATION_INTERNATIONAL; d++)
    g_ptr_array_add (destinations, (gpointer)pb_destination_to_string (d));
  g_ptr_array_add (destinations, NULL);

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _ ("Add Rule"),
                                   _ ("Leave a field empty to match any order."));
  box = gtk_list_box_new ();
  gtk_widget_add_css_class (box, "boxed-list");
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (box), GTK_SELECTION_NONE);
  g_object_set_data (G_OBJECT (dialog), "sku",
                     add_entry (box, _ ("SKU"), GTK_INPUT_PURPOSE_FREE_FORM));
  g_object_set_data (G_OBJECT (dialog), "min",
                     add_entry (box, _ ("Minimum weight (g)"), GTK_INPUT_PURPOSE_DIGITS));
  g_object_set_data (G_OBJECT (dialog), "max",
                     add_entry (box, _ ("Maximum weight (g)"), GTK_INPUT_PURPOSE_DIGITS));
  row = add_choice (box, _ ("Service level"), levels_shown);
  g_object_set_data (G_OBJECT (row), "has-any", GINT_TO_POINTER (1));
  g_object_set_data (G_OBJECT (dialog), "level", row);
  row = add_choice (box, _ ("Destination"), (const char *const *)destinations->pdata);
  g_object_set_data (G_OBJECT (row), "has-any", GINT_TO_POINTER (1));
  g_object_set_data (G_OBJECT (dialog), "destination", row);
  g_object_set_data (G_OBJECT (dialog), "format",
                     add_choice (box, _ ("Package format"), pb_package_formats));
  g_object_set_data (G_OBJECT (dialog), "service",
                     add_entry (box, _ ("Royal Mail service code"), GTK_INPUT_PURPOSE_FREE_FORM));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Cancel"), "add",
                                    _ ("_Add"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "add",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "add");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_rule_dialog_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Catalogue --------------------------------------------------------------- */

static void
import_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (PbStore) worker = pb_store_open_worker (pb_session_get_store (job->session), &error);

  if (worker == NULL
      || !pb_catalogue_import_csv (worker, job->csv, job->csv_length, job->actor, &job->import,
                                   &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_import_finished_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PbPreferencesWindow *self = PB_PREFERENCES_WINDOW (source);
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  self->busy--;
  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (self->import_button), TRUE);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      text = g_strdup (error->message); /* names the line; says nothing changed */
      gtk_widget_add_css_class (GTK_WIDGET (self->catalogue_row), "error");
    }
  else
    {
      text = g_strdup_printf (_ ("Imported: %u new products, %u updated."), job->import.added,
                              job->import.updated);
      gtk_widget_remove_css_class (GTK_WIDGET (self->catalogue_row), "error");
    }
  adw_action_row_set_subtitle (self->catalogue_row, text);
}

static void
on_file_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PbPreferencesWindow *self = PB_PREFERENCES_WINDOW (user_data);
  g_autoptr (GError) error = NULL;
  g_autoptr (GTask) task = NULL;
  char *contents = NULL;
  gsize length = 0;
  Job *job;

  self->busy--;
  if (!g_file_load_contents_finish (G_FILE (source), result, &contents, &length, NULL, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          adw_action_row_set_subtitle (self->catalogue_row, error->message);
          gtk_widget_set_sensitive (GTK_WIDGET (self->import_button), TRUE);
        }
      g_object_unref (self);
      return;
    }

  job = job_new (self);
  job->csv = contents;
  job->csv_length = length;
  task = g_task_new (self, self->cancellable, on_import_finished_cb, NULL);
  g_task_set_source_tag (task, on_file_loaded_cb);
  g_task_set_task_data (task, job, (GDestroyNotify)job_free);
  self->busy++;
  g_task_run_in_thread (task, import_thread);
  g_object_unref (self);
}

void
pb_preferences_window_import_catalogue (PbPreferencesWindow *self, GFile *file)
{
  g_autoptr (GError) error = NULL;

  g_return_if_fail (PB_IS_PREFERENCES_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  if (!pb_session_require (self->session, PB_ACTION_CHANGE_SETTINGS, "catalogue", &error))
    {
      adw_action_row_set_subtitle (self->catalogue_row, error->message);
      return;
    }
  adw_action_row_set_subtitle (self->catalogue_row, _ ("Importing…"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->import_button), FALSE);
  self->busy++;
  g_file_load_contents_async (file, self->cancellable, on_file_loaded_cb, g_object_ref (self));
}

static void
on_file_chosen_cb (GtkNativeDialog *chooser, int response, PbPreferencesWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        pb_preferences_window_import_catalogue (self, file);
    }
  g_object_unref (chooser);
}

static void
on_import_button_clicked_cb (PbPreferencesWindow *self)
{
  GtkFileChooserNative *chooser
      = gtk_file_chooser_native_new (_ ("Import Catalogue"), GTK_WINDOW (self),
                                     GTK_FILE_CHOOSER_ACTION_OPEN, _ ("_Import"), _ ("_Cancel"));
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _ ("CSV files"));
  gtk_file_filter_add_mime_type (filter, "text/csv");
  gtk_file_filter_add_pattern (filter, "*.csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_signal_connect (chooser, "response", G_CALLBACK (on_file_chosen_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* The scale: this bench's, so GSettings ("scale-device"): the first scale
 * found, none, or a device path (no personal data). */

static void
on_scale_selected_cb (AdwComboRow *row, GParamSpec *pspec, PbPreferencesWindow *self)
{
  guint selected = adw_combo_row_get_selected (row);

  if (selected < self->scale_values->len)
    g_settings_set_string (self->settings, "scale-device",
                           g_ptr_array_index (self->scale_values, selected));
}

static GtkWidget *
create_scale_row (PbPreferencesWindow *self)
{
  g_autoptr (GPtrArray) scales = pb_scale_list ();
  g_autoptr (GtkStringList) names = gtk_string_list_new (NULL);
  g_autofree char *current = g_settings_get_string (self->settings, "scale-device");
  GtkWidget *row = adw_combo_row_new ();
  guint selected = G_MAXUINT;

  gtk_string_list_append (names, _ ("Automatic: the first scale found"));
  g_ptr_array_add (self->scale_values, g_strdup (""));
  gtk_string_list_append (names, _ ("No scale"));
  g_ptr_array_add (self->scale_values, g_strdup ("none"));
  for (guint i = 0; i < scales->len; i++)
    {
      PbScaleInfo *info = g_ptr_array_index (scales, i);
      g_autofree char *name = g_strdup_printf (
          "%s (%s)", info->name != NULL ? info->name : _ ("USB scale"), info->device);

      gtk_string_list_append (names, name);
      g_ptr_array_add (self->scale_values, g_strdup (info->device));
    }
  for (guint i = 0; i < self->scale_values->len; i++)
    if (g_str_equal (g_ptr_array_index (self->scale_values, i), current))
      selected = i;
  if (selected == G_MAXUINT)
    {
      /* A device named before, not plugged in now (or a file). */
      selected = self->scale_values->len;
      gtk_string_list_append (names, current);
      g_ptr_array_add (self->scale_values, g_strdup (current));
    }

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _ ("Scale"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                               _ ("Fills in the parcel’s weight when its reading settles"));
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (names));
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), selected);
  g_signal_connect_object (row, "notify::selected", G_CALLBACK (on_scale_selected_cb), self, 0);
  return row;
}

/* Building ---------------------------------------------------------------- */

static void
build (PbPreferencesWindow *self)
{
  gsize n_settings;
  const PbSettingInfo *registry = pb_settings_registry (&n_settings);
  gboolean admin = pb_session_can (self->session, PB_ACTION_CHANGE_SETTINGS);
  GtkWidget *sounds_row;
  GtkWidget *sounds_switch;
  GtkWidget *scale_row;

  pb_setting_row_add_printer (self->printer_group, self->session, self->setting_rows);
  for (gsize i = 0; i < n_settings; i++)
    {
      gboolean skip;
      AdwPreferencesGroup *group = group_for_key (self, registry[i].key, &skip);

      if (!skip)
        g_ptr_array_add (
            self->setting_rows,
            pb_setting_row_add (group, self->session, registry[i].key, on_setting_saved_cb, self));
    }
  pb_setting_rows_load (self->setting_rows, self->session);

  /* Sounds belong to this bench, not to the store: GSettings. */
  sounds_row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (sounds_row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (sounds_row), _ ("Sounds"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (sounds_row),
                               _ ("A distinct sound for each scan result and label"));
  sounds_switch = gtk_switch_new ();
  gtk_widget_set_valign (sounds_switch, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (sounds_switch), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Sounds"), -1);
  g_settings_bind (self->settings, "sounds-enabled", sounds_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  adw_action_row_add_suffix (ADW_ACTION_ROW (sounds_row), sounds_switch);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (sounds_row), sounds_switch);
  gtk_widget_set_sensitive (sounds_row, admin);
  adw_preferences_group_add (self->bench_group, sounds_row);

  scale_row = create_scale_row (self);
  gtk_widget_set_sensitive (scale_row, admin);
  adw_preferences_group_add (self->bench_group, scale_row);

  gtk_widget_set_visible (GTK_WIDGET (self->read_only_group), !admin);
  gtk_widget_set_sensitive (GTK_WIDGET (self->import_button), admin);
  gtk_widget_set_sensitive (GTK_WIDGET (self->add_rule_button), admin);

  run_rules_job (self, job_new (self));
}

static void
pb_preferences_window_dispose (GObject *object)
{
  PbPreferencesWindow *self = PB_PREFERENCES_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->session);
  g_clear_object (&self->station);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->setting_rows, g_ptr_array_unref);
  g_clear_pointer (&self->rule_rows, g_ptr_array_unref);
  g_clear_pointer (&self->scale_values, g_ptr_array_unref);

  G_OBJECT_CLASS (pb_preferences_window_parent_class)->dispose (object);
}

static void
pb_preferences_window_finalize (GObject *object)
{
  PbPreferencesWindow *self = PB_PREFERENCES_WINDOW (object);

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (pb_preferences_window_parent_class)->finalize (object);
}

static void
pb_preferences_window_class_init (PbPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pb_preferences_window_dispose;
  object_class->finalize = pb_preferences_window_finalize;

  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/packbench/Packbench/pb-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PbPreferencesWindow, read_only_group);
  gtk_widget_class_bind_template_child (widget_class, PbPreferencesWindow, printer_group);
  gtk_widget_class_bind_template_child (widget_class, PbPreferencesWindow, bench_group);
  gtk_widget_class_bind_template_child (widget_class, PbPreferencesWindow, amazon_group);
  gtk_widget_class_bind_template_child (widget_class, PbPreferencesWindow, royalmail_group);
  gtk_widget_class_bind_template_child (widget_class, PbPreferencesWindow, data_group);
  gtk_widget_class_bind_template_child (widget_class, PbPreferencesWindow, catalogue_group);
  gtk_widget_class_bind_template_child (widget_class, PbPreferencesWindow, catalogue_row);
  gtk_widget_class_bind_template_child (widget_class, PbPreferencesWindow, import_button);
  gtk_widget_class_bind_template_child (widget_class, PbPreferencesWindow, rules_group);
  gtk_widget_class_bind_template_child (widget_class, PbPreferencesWindow, add_rule_button);
  gtk_widget_class_bind_template_child (widget_class, PbPreferencesWindow, endpoints_group);
  gtk_widget_class_bind_template_child (widget_class, PbPreferencesWindow, limits_group);
  gtk_widget_class_bind_template_callback (widget_class, on_import_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_add_rule_button_clicked_cb);
}

static void
pb_preferences_window_init (PbPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->settings = g_settings_new (APP_ID);
  self->setting_rows = g_ptr_array_new ();
  self->rule_rows = g_ptr_array_new ();
  self->scale_values = g_ptr_array_new_with_free_func (g_free);
}

PbPreferencesWindow *
pb_preferences_window_new (GtkWindow *parent, PbSession *session, PbStation *station)
{
  PbPreferencesWindow *self;

  g_return_val_if_fail (PB_IS_SESSION (session), NULL);

  self = g_object_new (PB_TYPE_PREFERENCES_WINDOW, "transient-for", parent, "modal", TRUE, NULL);
  self->session = g_object_ref (session);
  self->station = station != NULL ? g_object_ref (station) : NULL;
  build (self);
  return self;
}

gboolean
pb_preferences_window_is_busy (PbPreferencesWindow *self)
{
  g_return_val_if_fail (PB_IS_PREFERENCES_WINDOW (self), FALSE);

  if (self->busy > 0)
    return TRUE;
  for (guint i = 0; self->setting_rows != NULL && i < self->setting_rows->len; i++)
    if (pb_setting_row_is_busy (g_ptr_array_index (self->setting_rows, i)))
      return TRUE;
  return FALSE;
}

GPtrArray *
pb_preferences_window_get_setting_rows (PbPreferencesWindow *self)
{
  g_return_val_if_fail (PB_IS_PREFERENCES_WINDOW (self), NULL);

  return self->setting_rows;
}
