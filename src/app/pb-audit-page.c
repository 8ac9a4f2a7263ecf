/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>

#include "pb-audit-item.h"
#include "pb-audit-page.h"
#include "station/pb-site-supervision.h"
#include "store/pb-audit.h"
#include "store/pb-operator.h"

/* The newest rows shown; an export writes every row the filters select. */
#define MAX_ROWS 5000

struct _PbAuditPage
{
  PbPage parent_instance;

  gint64 since;              /* 0: any */
  gint64 until;              /* 0: any */
  gboolean updating_filters; /* the lists are being refilled: no reload */
  gboolean loading;
  gboolean exporting;
  gboolean in_site; /* the last load was the site's: every bench's chain */
  GtkFileChooserNative *chooser;

  AdwToastOverlay *toast_overlay;
  GtkDropDown *bench_dropdown;
  GtkStringList *bench_list;
  GtkColumnViewColumn *bench_column;
  GtkDropDown *operator_dropdown;
  GtkStringList *operator_list;
  GtkDropDown *action_dropdown;
  GtkStringList *action_list;
  GtkMenuButton *from_button;
  GtkCalendar *from_calendar;
  GtkMenuButton *until_button;
  GtkCalendar *until_calendar;
  GtkSpinner *spinner;
  GtkButton *export_button;
  GtkLabel *verify_label;
  GtkLabel *count_label;
  GtkColumnView *audit_view;
  GListStore *audit_store;
};

G_DEFINE_FINAL_TYPE (PbAuditPage, pb_audit_page, PB_TYPE_PAGE)

/* A filter with its own copies of the strings, for a worker thread. */
typedef struct
{
  gint64 since;
  gint64 until;
  char *action;
  char *actor;
  char *bench; /* at a site: only this bench's rows; NULL: every bench's */
} FilterCopy;

static void
filter_copy_clear (FilterCopy *copy)
{
  g_clear_pointer (&copy->action, g_free);
  g_clear_pointer (&copy->actor, g_free);
  g_clear_pointer (&copy->bench, g_free);
}

static PbAuditFilter
filter_copy_get (const FilterCopy *copy, guint limit)
{
  PbAuditFilter filter = { copy->since, copy->until, copy->action, copy->actor, limit };
  return filter;
}

static const char *
selected_string (GtkDropDown *dropdown)
{
  GtkStringObject *item = gtk_drop_down_get_selected_item (dropdown);

  return item != NULL ? gtk_string_object_get_string (item) : NULL;
}

/* The filters as the controls show them. The first entry of each list is
 * "any"; an action group "login.*" selects by prefix ("login."). */
static void
read_filter (PbAuditPage *self, FilterCopy *copy)
{
  const char *action = NULL;

  copy->since = self->since;
  copy->until = self->until;
  copy->actor = NULL;
  copy->action = NULL;
  copy->bench = NULL;
  if (gtk_drop_down_get_selected (self->bench_dropdown) > 0)
    copy->bench = g_strdup (selected_string (self->bench_dropdown));
  if (gtk_drop_down_get_selected (self->operator_dropdown) > 0)
    copy->actor = g_strdup (selected_string (self->operator_dropdown));
  if (gtk_drop_down_get_selected (self->action_dropdown) > 0)
    action = selected_string (self->action_dropdown);
  if (action != NULL && g_str_has_suffix (action, ".*"))
    copy->action = g_strndup (action, strlen (action) - 1);
  else
    copy->action = g_strdup (action);
}

static void
update_busy (PbAuditPage *self)
{
  gboolean busy = self->loading || self->exporting;

  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_action_set_enabled (
      GTK_WIDGET (self), "audit.export",
      !self->exporting
          && pb_session_can (pb_page_get_session (PB_PAGE (self)), PB_ACTION_EXPORT_AUDIT));
  pb_page_set_busy (PB_PAGE (self), busy);
}

static void
show_toast (PbAuditPage *self, const char *text)
{
  AdwToast *toast = adw_toast_new (text);

  adw_toast_set_timeout (toast, 5);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* The column view */

static void
on_label_setup_cb (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (list_item, label);
}

static const PbAuditEntry *
item_entry (GtkListItem *list_item)
{
  return pb_audit_item_get_entry (gtk_list_item_get_item (list_item));
}

static void
set_cell (GtkListItem *list_item, const char *text)
{
  GtkWidget *label = gtk_list_item_get_child (list_item);

  gtk_label_set_text (GTK_LABEL (label), text != NULL ? text : "");
  gtk_widget_set_tooltip_text (label, text != NULL && *text != '\0' ? text : NULL);
}

static void
on_time_bind_cb (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  g_autoptr (GDateTime) when = g_date_time_new_from_unix_local (item_entry (list_item)->time);
  g_autofree char *text = when != NULL ? g_date_time_format (when, "%Y-%m-%d %H:%M:%S") : NULL;

  set_cell (list_item, text);
}

static void
on_bench_bind_cb (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  set_cell (list_item, item_entry (list_item)->bench);
}

static void
on_operator_bind_cb (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  set_cell (list_item, item_entry (list_item)->actor);
}

static void
on_action_bind_cb (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  set_cell (list_item, item_entry (list_item)->action);
}

static void
on_subject_bind_cb (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  set_cell (list_item, item_entry (list_item)->subject);
}

static void
on_outcome_bind_cb (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  const char *outcome = item_entry (list_item)->outcome;
  GtkWidget *label = gtk_list_item_get_child (list_item);

  set_cell (list_item, outcome);
  if (g_strcmp0 (outcome, "ok") == 0)
    gtk_widget_remove_css_class (label, "error");
  else
    gtk_widget_add_css_class (label, "error");
}

static void
on_detail_bind_cb (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  set_cell (list_item, item_entry (list_item)->detail);
}

/* Loading */

typedef struct
{
  FilterCopy filter;
  /* results */
  GPtrArray *entries;
  GStrv operators;
  GStrv actions;
  gboolean intact;
  guint64 n_rows;
  char *broken;
  /* At a site: every bench's name, and each bench's chain verified. */
  gboolean in_site;
  GStrv benches;
  GPtrArray *chains; /* PbSupervisionChain */
} LoadJob;

static void
load_job_free (LoadJob *job)
{
  filter_copy_clear (&job->filter);
  g_clear_pointer (&job->entries, g_ptr_array_unref);
  g_strfreev (job->operators);
  g_strfreev (job->actions);
  g_free (job->broken);
  g_strfreev (job->benches);
  g_clear_pointer (&job->chains, g_ptr_array_unref);
  g_free (job);
}

static gboolean
load_work (PbStore *worker, gpointer data, GCancellable *cancellable, GError **error)
{
  LoadJob *job = data;
  g_autoptr (GError) verify_error = NULL;
  g_autoptr (GPtrArray) operators = NULL;
  g_autoptr (GStrvBuilder) names = g_strv_builder_new ();
  PbAuditFilter filter = filter_copy_get (&job->filter, MAX_ROWS);

  if ((job->in_site = pb_site_supervision_in_site (worker)))
    {
      g_autoptr (PbSupervisionAudit) audit
          = pb_site_supervision_audit (worker, &filter, job->filter.bench, error);

      if (audit == NULL)
        return FALSE;
      job->entries = g_steal_pointer (&audit->entries);
      job->benches = g_steal_pointer (&audit->benches);
      job->chains = g_steal_pointer (&audit->chains);
    }
  else if ((job->entries = pb_audit_list (worker, &filter, error)) == NULL)
    return FALSE;
  if ((job->actions = pb_audit_list_actions (worker, error)) == NULL
      || (operators = pb_operator_list (worker, error)) == NULL)
    return FALSE;
  for (guint i = 0; i < operators->len; i++)
    g_strv_builder_add (names, pb_operator_get_username (g_ptr_array_index (operators, i)));
  job->operators = g_strv_builder_end (names);

  if (job->in_site)
    return TRUE;
  job->intact = pb_audit_verify (worker, NULL, &job->n_rows, &verify_error);
  if (!job->intact)
    job->broken = g_strdup (verify_error->message);
  return TRUE;
}

/* Replaces the strings of @list after the first ("any") by @items, keeping
 * the selection on the same text where it still exists. */
static void
refill_list (GtkDropDown *dropdown, GtkStringList *list, const char *const *items)
{
  g_autofree char *selected = NULL;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (list));
  guint position = 0;
  gboolean same = n == g_strv_length ((GStrv)items) + 1;

  for (guint i = 1; same && i < n; i++)
    same = g_str_equal (gtk_string_list_get_string (list, i), items[i - 1]);
  if (same)
    return;

  if (gtk_drop_down_get_selected (dropdown) > 0)
    selected = g_strdup (selected_string (dropdown));
  gtk_string_list_splice (list, 1, n - 1, items);
  for (guint i = 0; selected != NULL && items[i] != NULL; i++)
    if (g_str_equal (items[i], selected))
      position = i + 1;
  gtk_drop_down_set_selected (dropdown, position);
}

/* "login.*" for each group of actions, followed by its actions. */
static GStrv
group_actions (const char *const *actions)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *group = NULL;

  for (guint i = 0; actions[i] != NULL; i++)
    {
      const char *dot = strchr (actions[i], '.');
      g_autofree char *prefix = dot != NULL ? g_strndup (actions[i], dot - actions[i] + 1) : NULL;

      if (prefix != NULL && g_strcmp0 (prefix, group) != 0)
        {
          g_autofree char *wildcard = g_strconcat (prefix, "*", NULL);

          g_strv_builder_add (builder, wildcard);
          g_free (group);
          group = g_steal_pointer (&prefix);
        }
      g_strv_builder_add (builder, actions[i]);
    }
  return g_strv_builder_end (builder);
}

/* Each bench's chain: "Bench A: audit log intact, 120 rows" per line, and
 * a break in the site's words (which bench, which row). */
static void
show_chains (PbAuditPage *self, GPtrArray *chains)
{
  g_autoptr (GString) text = g_string_new (NULL);
  gboolean broken = FALSE;

  for (guint i = 0; i < chains->len; i++)
    {
      const PbSupervisionChain *chain = g_ptr_array_index (chains, i);

      if (text->len > 0)
        g_string_append_c (text, '\n');
      if (chain->problem == NULL)
        /* TRANSLATORS: "Bench A: audit log intact, 120 rows" */
        g_string_append_printf (text,
                                ngettext ("%s: audit log intact, %" PRIu64 " row",
                                          "%s: audit log intact, %" PRIu64 " rows", chain->n_rows),
                                chain->bench, chain->n_rows);
      else
        {
          /* The site's words name the bench and the row. */
          broken = TRUE;
          g_string_append (text, chain->problem);
        }
    }
  if (chains->len == 0)
    g_string_append (text, _ ("No bench has copied its audit log to the site yet."));
  gtk_label_set_text (self->verify_label, text->str);
  gtk_widget_remove_css_class (GTK_WIDGET (self->verify_label), broken ? "success" : "error");
  gtk_widget_add_css_class (GTK_WIDGET (self->verify_label), broken ? "error" : "success");
}

static void
on_loaded_cb (GObject *source_object, GAsyncResult *result, gpointer user_data)
{
  PbAuditPage *self = PB_AUDIT_PAGE (source_object);
  LoadJob *job = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) items = NULL;
  g_auto (GStrv) grouped = NULL;
  g_autofree char *count = NULL;

  if (!pb_page_run_finish (PB_PAGE (self), result, (gpointer *)&job, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      self->loading = FALSE;
      update_busy (self);
      {
        g_autofree char *text
            = g_strdup_printf (_ ("The audit log could not be read: %s"), error->message);

        gtk_label_set_text (self->verify_label, text);
        gtk_widget_add_css_class (GTK_WIDGET (self->verify_label), "error");
      }
      return;
    }
  self->loading = FALSE;

  /* Newest first. */
  items = g_ptr_array_new_full (job->entries->len, g_object_unref);
  for (guint i = job->entries->len; i > 0; i--)
    g_ptr_array_add (items, pb_audit_item_new (g_ptr_array_steal_index (job->entries, i - 1)));
  g_list_store_splice (self->audit_store, 0,
                       g_list_model_get_n_items (G_LIST_MODEL (self->audit_store)), items->pdata,
                       items->len);

  if (items->len >= MAX_ROWS)
    count = g_strdup_printf (_ ("Newest %u rows shown"), items->len);
  else
    count = g_strdup_printf (ngettext ("%u row", "%u rows", items->len), items->len);
  gtk_label_set_text (self->count_label, count);

  if (job->in_site)
    show_chains (self, job->chains);
  else if (job->intact)
    {
      g_autofree char *text
          = g_strdup_printf (ngettext ("Audit log intact, %" PRIu64 " row",
                                       "Audit log intact, %" PRIu64 " rows", job->n_rows),
                             job->n_rows);

      gtk_label_set_text (self->verify_label, text);
      gtk_widget_remove_css_class (GTK_WIDGET (self->verify_label), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->verify_label), "success");
    }
  else
    {
      g_autofree char *text = g_strdup_printf (_ ("Audit log broken: %s"), job->broken);

      gtk_label_set_text (self->verify_label, text);
      gtk_widget_remove_css_class (GTK_WIDGET (self->verify_label), "success");
      gtk_widget_add_css_class (GTK_WIDGET (self->verify_label), "error");
    }

  self->in_site = job->in_site;
  gtk_widget_set_visible (GTK_WIDGET (self->bench_dropdown), job->in_site);
  gtk_column_view_column_set_visible (self->bench_column, job->in_site);
  self->updating_filters = TRUE;
  if (job->in_site)
    refill_list (self->bench_dropdown, self->bench_list, (const char *const *)job->benches);
  refill_list (self->operator_dropdown, self->operator_list, (const char *const *)job->operators);
  grouped = group_actions ((const char *const *)job->actions);
  refill_list (self->action_dropdown, self->action_list, (const char *const *)grouped);
  self->updating_filters = FALSE;

  update_busy (self);
}

static void
pb_audit_page_reload_page (PbPage *page)
{
  PbAuditPage *self = PB_AUDIT_PAGE (page);
  LoadJob *job;

  if (!pb_session_can (pb_page_get_session (page), PB_ACTION_VIEW_AUDIT))
    return;

  job = g_new0 (LoadJob, 1);
  read_filter (self, &job->filter);
  self->loading = TRUE;
  update_busy (self);
  pb_page_run_load (page, load_work, job, (GDestroyNotify)load_job_free, on_loaded_cb);
}

void
pb_audit_page_reload (PbAuditPage *self)
{
  g_return_if_fail (PB_IS_AUDIT_PAGE (self));

  pb_page_reload (PB_PAGE (self));
}

/* Filters */

static void
on_filter_changed_cb (PbAuditPage *self, GParamSpec *pspec, GtkDropDown *dropdown)
{
  if (!self->updating_filters)
    pb_audit_page_reload (self);
}

static void
update_date_button (GtkMenuButton *button, gint64 time, const char *prefix_text)
{
  g_autofree char *text = NULL;

  if (time == 0)
    text = g_strdup_printf ("%s: %s", prefix_text, _ ("any date"));
  else
    {
      g_autoptr (GDateTime) when = g_date_time_new_from_unix_local (time);
      g_autofree char *date = g_date_time_format (when, "%-d %b %Y");

      text = g_strdup_printf ("%s: %s", prefix_text, date);
    }
  gtk_menu_button_set_label (button, text);
}

static void
update_date_buttons (PbAuditPage *self)
{
  /* Translators: a date filter, "From: 12 Nov 2026" or "From: any date". */
  update_date_button (self->from_button, self->since, C_ ("date filter", "From"));
  /* Translators: a date filter, "To: 12 Nov 2026" or "To: any date". */
  update_date_button (self->until_button, self->until, C_ ("date filter", "To"));
}

/* Local midnight at the start of @date's day. */
static gint64
start_of_day (GDateTime *date)
{
  g_autoptr (GDateTime) midnight
      = g_date_time_new_local (g_date_time_get_year (date), g_date_time_get_month (date),
                               g_date_time_get_day_of_month (date), 0, 0, 0);
  return g_date_time_to_unix (midnight);
}

void
pb_audit_page_set_dates (PbAuditPage *self, GDateTime *from, GDateTime *to)
{
  g_return_if_fail (PB_IS_AUDIT_PAGE (self));

  self->since = from != NULL ? start_of_day (from) : 0;
  if (to != NULL)
    {
      g_autoptr (GDateTime) next = g_date_time_add_days (to, 1);

      self->until = start_of_day (next) - 1;
    }
  else
    self->until = 0;
  update_date_buttons (self);
  pb_audit_page_reload (self);
}

static void
on_from_calendar_day_selected_cb (PbAuditPage *self, GtkCalendar *calendar)
{
  g_autoptr (GDateTime) date = gtk_calendar_get_date (calendar);

  self->since = start_of_day (date);
  update_date_buttons (self);
  gtk_menu_button_popdown (self->from_button);
  pb_audit_page_reload (self);
}

static void
on_until_calendar_day_selected_cb (PbAuditPage *self, GtkCalendar *calendar)
{
  g_autoptr (GDateTime) date = gtk_calendar_get_date (calendar);
  g_autoptr (GDateTime) next = g_date_time_add_days (date, 1);

  self->until = start_of_day (next) - 1;
  update_date_buttons (self);
  gtk_menu_button_popdown (self->until_button);
  pb_audit_page_reload (self);
}

static void
on_from_clear_button_clicked_cb (PbAuditPage *self, GtkButton *button)
{
  self->since = 0;
  update_date_buttons (self);
  gtk_menu_button_popdown (self->from_button);
  pb_audit_page_reload (self);
}

static void
on_until_clear_button_clicked_cb (PbAuditPage *self, GtkButton *button)
{
  self->until = 0;
  update_date_buttons (self);
  gtk_menu_button_popdown (self->until_button);
  pb_audit_page_reload (self);
}

/* Export */

typedef struct
{
  char *actor;
  FilterCopy filter;
  GFile *file;
  guint n_rows;
} ExportJob;

static void
export_job_free (ExportJob *job)
{
  g_free (job->actor);
  filter_copy_clear (&job->filter);
  g_clear_object (&job->file);
  g_free (job);
}

static gboolean
export_work (PbStore *worker, gpointer data, GCancellable *cancellable, GError **error)
{
  ExportJob *job = data;
  g_autoptr (GFileOutputStream) out = NULL;
  PbAuditFilter filter = filter_copy_get (&job->filter, 0);

  /* At a site: every bench's rows (or the chosen bench's), with the bench. */
  if (pb_site_supervision_in_site (worker))
    {
      g_autoptr (PbSupervisionAudit) audit
          = pb_site_supervision_audit (worker, &filter, job->filter.bench, error);

      if (audit == NULL)
        return FALSE;
      out = g_file_replace (job->file, NULL, FALSE, G_FILE_CREATE_PRIVATE, cancellable, error);
      return out != NULL
             && pb_audit_export_entries_csv (worker, job->actor, audit->entries,
                                             G_OUTPUT_STREAM (out), &job->n_rows, cancellable,
                                             error);
    }
  /* Private: the log names operators and orders. */
  out = g_file_replace (job->file, NULL, FALSE, G_FILE_CREATE_PRIVATE, cancellable, error);
  return out != NULL
         && pb_audit_export_csv (worker, job->actor, &filter, G_OUTPUT_STREAM (out), &job->n_rows,
                                 cancellable, error);
}

static void
on_exported_cb (GObject *source_object, GAsyncResult *result, gpointer user_data)
{
  PbAuditPage *self = PB_AUDIT_PAGE (source_object);
  ExportJob *job = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *text = NULL;

  if (!pb_page_run_finish (PB_PAGE (self), result, (gpointer *)&job, &error)
      && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->exporting = FALSE;
  name = g_file_get_basename (job->file);
  if (error != NULL)
    text = g_strdup_printf (_ ("The export failed: %s"), error->message);
  else
    text = g_strdup_printf (
        ngettext ("Exported %u row to %s", "Exported %u rows to %s", job->n_rows), job->n_rows,
        name);
  show_toast (self, text);
  update_busy (self);
  /* The export is an audit row of its own. */
  pb_audit_page_reload (self);
}

void
pb_audit_page_export_to_file (PbAuditPage *self, GFile *file)
{
  g_autoptr (GError) error = NULL;
  PbSession *session;
  ExportJob *job;

  g_return_if_fail (PB_IS_AUDIT_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  session = pb_page_get_session (PB_PAGE (self));
  if (self->exporting)
    return;
  if (!pb_session_require (session, PB_ACTION_EXPORT_AUDIT, NULL, &error))
    {
      show_toast (self, error->message);
      return;
    }

  job = g_new0 (ExportJob, 1);
  job->actor = g_strdup (pb_session_get_username (session));
  job->file = g_object_ref (file);
  read_filter (self, &job->filter);
  self->exporting = TRUE;
  update_busy (self);
  pb_page_run_action (PB_PAGE (self), export_work, job, (GDestroyNotify)export_job_free,
                      on_exported_cb);
}

static void
on_chooser_response_cb (PbAuditPage *self, int response, GtkNativeDialog *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        pb_audit_page_export_to_file (self, file);
    }
  g_clear_object (&self->chooser);
}

static void
export_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  PbAuditPage *self = PB_AUDIT_PAGE (widget);
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *name = NULL;

  /* Asked before the dialog, so a refusal loses nobody's time. */
  if (!pb_session_require (pb_page_get_session (PB_PAGE (self)), PB_ACTION_EXPORT_AUDIT, NULL,
                           &error))
    {
      show_toast (self, error->message);
      return;
    }
  if (self->chooser != NULL)
    return;

  self->chooser
      = gtk_file_chooser_native_new (_ ("Export Audit Log"), pb_page_get_window (PB_PAGE (self)),
                                     GTK_FILE_CHOOSER_ACTION_SAVE, _ ("_Export"), _ ("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  /* Translators: the suggested file name of an audit export; keep it a file name. */
  name = g_strdup_printf (_ ("packbench-audit-%s.csv"), date);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (on_chooser_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* GObject */

static void
pb_audit_page_constructed (GObject *object)
{
  PbAuditPage *self = PB_AUDIT_PAGE (object);

  G_OBJECT_CLASS (pb_audit_page_parent_class)->constructed (object);

  gtk_widget_set_visible (
      GTK_WIDGET (self->export_button),
      pb_session_can (pb_page_get_session (PB_PAGE (self)), PB_ACTION_EXPORT_AUDIT));
  update_busy (self);
}

static void
pb_audit_page_dispose (GObject *object)
{
  PbAuditPage *self = PB_AUDIT_PAGE (object);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  G_OBJECT_CLASS (pb_audit_page_parent_class)->dispose (object);
}

static void
pb_audit_page_class_init (PbAuditPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  PbPageClass *page_class = PB_PAGE_CLASS (klass);

  object_class->constructed = pb_audit_page_constructed;
  object_class->dispose = pb_audit_page_dispose;
  page_class->reload = pb_audit_page_reload_page;

  g_type_ensure (PB_TYPE_AUDIT_ITEM);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/pb-audit-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PbAuditPage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, PbAuditPage, operator_dropdown);
  gtk_widget_class_bind_template_child (widget_class, PbAuditPage, operator_list);
  gtk_widget_class_bind_template_child (widget_class, PbAuditPage, action_dropdown);
  gtk_widget_class_bind_template_child (widget_class, PbAuditPage, action_list);
  gtk_widget_class_bind_template_child (widget_class, PbAuditPage, from_button);
  gtk_widget_class_bind_template_child (widget_class, PbAuditPage, from_calendar);
  gtk_widget_class_bind_template_child (widget_class, PbAuditPage, until_button);
  gtk_widget_class_bind_template_child (widget_class, PbAuditPage, until_calendar);
  gtk_widget_class_bind_template_child (widget_class, PbAuditPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, PbAuditPage, export_button);
  gtk_widget_class_bind_template_child (widget_class, PbAuditPage, verify_label);
  gtk_widget_class_bind_template_child (widget_class, PbAuditPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, PbAuditPage, audit_view);
  gtk_widget_class_bind_template_child (widget_class, PbAuditPage, audit_store);
  gtk_widget_class_bind_template_child (widget_class, PbAuditPage, bench_dropdown);
  gtk_widget_class_bind_template_child (widget_class, PbAuditPage, bench_list);
  gtk_widget_class_bind_template_child (widget_class, PbAuditPage, bench_column);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_from_calendar_day_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_until_calendar_day_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_from_clear_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_until_clear_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_label_setup_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_time_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_operator_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_action_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_subject_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_outcome_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_detail_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_bench_bind_cb);

  gtk_widget_class_install_action (widget_class, "audit.export", NULL, export_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "audit.export",
                                       NULL);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
pb_audit_page_init (PbAuditPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->updating_filters = TRUE;
  gtk_string_list_append (self->operator_list, _ ("All operators"));
  gtk_string_list_append (self->action_list, _ ("All actions"));
  gtk_string_list_append (self->bench_list, _ ("All benches"));
  gtk_drop_down_set_selected (self->bench_dropdown, 0);
  gtk_drop_down_set_selected (self->operator_dropdown, 0);
  gtk_drop_down_set_selected (self->action_dropdown, 0);
  self->updating_filters = FALSE;
  update_date_buttons (self);
}

/**
 * pb_audit_page_new:
 * @session: a READY session allowed to view the audit log
 * @station: (nullable): the window's background work
 *
 * Returns: (transfer full): a new audit page
 */
GtkWidget *
pb_audit_page_new (PbSession *session, PbStation *station)
{
  g_return_val_if_fail (PB_IS_SESSION (session), NULL);

  return g_object_new (PB_TYPE_AUDIT_PAGE, "session", session, "station", station, NULL);
}

gboolean
pb_audit_page_get_busy (PbAuditPage *self)
{
  g_return_val_if_fail (PB_IS_AUDIT_PAGE (self), FALSE);
  return pb_page_get_busy (PB_PAGE (self));
}
