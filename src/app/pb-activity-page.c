/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "pb-activity-chart.h"
#include "pb-activity-page.h"
#include "station/pb-site-supervision.h"
#include "station/pb-sync.h"
#include "store/pb-activity.h"
#include "util/pb-clock.h"

struct _PbActivityPage
{
  PbPage parent_instance;

  PbActivityPeriod period;
  PbActivityReport *report;  /* what is shown; NULL before the first load */
  GPtrArray *operator_rows;  /* (element-type AdwActionRow) (unowned) */
  GPtrArray *bench_rows;     /* (element-type AdwActionRow) (unowned) */
  gboolean updating_benches; /* the bench list is being refilled: no reload */

  GtkStack *stack;
  GtkSpinner *spinner;
  AdwStatusPage *error_status;
  GtkToggleButton *today_button;
  GtkToggleButton *week_button;
  GtkLabel *period_label;
  GtkLabel *labels_value;
  GtkLabel *labels_detail;
  GtkLabel *scan_value;
  GtkLabel *scan_detail;
  GtkLabel *mis_scans_value;
  GtkLabel *mis_scans_detail;
  GtkLabel *late_value;
  GtkLabel *late_detail;
  PbActivityChart *chart;
  AdwPreferencesGroup *operators_group;
  AdwActionRow *no_operators_row;
  GtkLabel *last_sync_label;
  GtkLabel *sync_error_label;
  GtkLabel *syncs_label;
  GtkDropDown *bench_dropdown;
  GtkStringList *bench_list;
  AdwPreferencesGroup *benches_group;
  AdwActionRow *leader_row;
  GtkLabel *leader_label;
  GtkLabel *taken_over_label;
};

G_DEFINE_FINAL_TYPE (PbActivityPage, pb_activity_page, PB_TYPE_PAGE)

/* What a load brings back from the worker. */
typedef struct
{
  gint64 since;
  gint64 until;
  /* From the store when the page has no station to ask. */
  gint64 last_sync;
  char *last_error;
  PbActivityReport *report;
  /* At a bench of a site: the floor, only @bench's when not NULL. */
  char *bench;
  PbSupervisionActivity *site;
} Load;

static void
load_free (Load *load)
{
  g_free (load->last_error);
  g_clear_pointer (&load->report, pb_activity_report_unref);
  g_free (load->bench);
  g_clear_pointer (&load->site, pb_supervision_activity_free);
  g_free (load);
}

/* "48 s", "1 min 25 s", "2 h 5 min". */
static char *
format_duration (gdouble seconds)
{
  guint total = (guint)(seconds + 0.5);

  if (total < 60)
    return g_strdup_printf (_ ("%u s"), total);
  if (total < 3600)
    return g_strdup_printf (_ ("%u min %u s"), total / 60, total % 60);
  return g_strdup_printf (_ ("%u h %u min"), total / 3600, total % 3600 / 60);
}

/* A time on this bench's clock: "14:05" today, "Tue 3 Jun 14:05" before. */
static char *
format_time (gint64 when)
{
  g_autoptr (GDateTime) local = g_date_time_new_from_unix_local (when);
  g_autoptr (GDateTime) now_utc = pb_clock_now ();
  g_autoptr (GDateTime) now = g_date_time_to_local (now_utc);

  if (g_date_time_get_year (local) == g_date_time_get_year (now)
      && g_date_time_get_day_of_year (local) == g_date_time_get_day_of_year (now))
    return g_date_time_format (local, "%H:%M");
  /* TRANSLATORS: strftime format of a time on another day. */
  return g_date_time_format (local, _ ("%a %-d %b %H:%M"));
}

static char *
format_operator_summary (const PbActivityOperator *op)
{
  g_autoptr (GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (parts,
                   g_strdup_printf (ngettext ("%u label", "%u labels", op->labels), op->labels));
  if (op->active_hours > 0)
    g_ptr_array_add (
        parts, g_strdup_printf (_ ("%.1f per active hour"), pb_activity_operator_get_rate (op)));
  if (op->timed > 0)
    {
      g_autofree char *duration = format_duration (op->avg_scan_to_print);

      g_ptr_array_add (parts, g_strdup_printf (_ ("scan to print %s"), duration));
    }
  g_ptr_array_add (parts, g_strdup_printf (ngettext ("%u mis-scan", "%u mis-scans", op->mis_scans),
                                           op->mis_scans));
  if (op->reprints > 0)
    g_ptr_array_add (parts, g_strdup_printf (ngettext ("%u reprint", "%u reprints", op->reprints),
                                             op->reprints));
  g_ptr_array_add (parts, NULL);
  return g_strjoinv (" · ", (char **)parts->pdata);
}

static void
clear_operator_rows (PbActivityPage *self)
{
  for (guint i = 0; i < self->operator_rows->len; i++)
    adw_preferences_group_remove (self->operators_group,
                                  g_ptr_array_index (self->operator_rows, i));
  g_ptr_array_set_size (self->operator_rows, 0);
}

static void
add_swatch (AdwActionRow *row, guint index)
{
  GtkWidget *swatch = gtk_image_new_from_icon_name ("media-record-symbolic");
  g_autoptr (GtkCssProvider) provider = gtk_css_provider_new ();
  g_autofree char *colour_text = NULL;
  g_autofree char *css = NULL;
  GdkRGBA colour;

  pb_activity_chart_get_operator_colour (index, &colour);
  colour_text = gdk_rgba_to_string (&colour);
  css = g_strdup_printf ("image { color: %s; }", colour_text);
  gtk_css_provider_load_from_data (provider, css, -1);
  gtk_style_context_add_provider (gtk_widget_get_style_context (swatch),
                                  GTK_STYLE_PROVIDER (provider),
                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  gtk_accessible_update_property (GTK_ACCESSIBLE (swatch), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Colour in the chart"), -1);
  adw_action_row_add_prefix (row, swatch);
}

static void
show_operators (PbActivityPage *self, PbActivityReport *report)
{
  clear_operator_rows (self);
  for (guint i = 0; i < report->operators->len; i++)
    {
      const PbActivityOperator *op = g_ptr_array_index (report->operators, i);
      g_autofree char *summary = format_operator_summary (op);
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), op->operator_name);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), summary);
      /* The operator's colour in the chart, beside the words. */
      if (op->labels > 0)
        add_swatch (ADW_ACTION_ROW (row), i);
      adw_preferences_group_add (self->operators_group, row);
      g_ptr_array_add (self->operator_rows, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->no_operators_row), report->operators->len == 0);
}

static void
show_sync (PbActivityPage *self, PbActivityReport *report, gint64 last_sync, const char *last_error,
           gboolean in_site)
{
  g_autofree char *last = NULL;
  g_autofree char *syncs = NULL;

  PbStation *station = pb_page_get_station (PB_PAGE (self));

  /* At a site the leader syncs: when the site's sync last ran. */
  if (station != NULL && !in_site)
    {
      last_sync = pb_station_get_last_sync (station);
      last_error = pb_station_get_last_error (station);
    }
  last = last_sync > 0 ? format_time (last_sync) : g_strdup (_ ("Never"));
  gtk_label_set_text (self->last_sync_label, last);
  gtk_label_set_text (self->sync_error_label, last_error != NULL ? last_error : _ ("None"));
  if (last_error != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->sync_error_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->sync_error_label), "error");

  if (report->syncs_completed + report->syncs_failed == 0)
    syncs = g_strdup (_ ("None"));
  else
    /* TRANSLATORS: "12 completed, 1 failed" */
    syncs = g_strdup_printf (_ ("%u completed, %u failed"), report->syncs_completed,
                             report->syncs_failed);
  gtk_label_set_text (self->syncs_label, syncs);
}

static void
show_report (PbActivityPage *self, PbActivityReport *report, gint64 last_sync,
             const char *last_error, gboolean in_site)
{
  g_autofree char *labels = g_strdup_printf ("%u", report->labels);
  g_autofree char *reprints = NULL;
  g_autofree char *mis_scans = g_strdup_printf ("%u", report->mis_scans);
  g_autofree char *late = g_strdup_printf ("%u", report->late_unshipped);
  g_autofree char *late_detail = NULL;
  g_autofree char *scan = NULL;
  g_autofree char *scan_detail = NULL;

  g_clear_pointer (&self->report, pb_activity_report_unref);
  self->report = pb_activity_report_ref (report);

  gtk_label_set_text (self->labels_value, labels);
  reprints = g_strdup_printf (ngettext ("%u reprint", "%u reprints", report->reprints),
                              report->reprints);
  gtk_label_set_text (self->labels_detail, reprints);

  if (report->timed > 0)
    {
      scan = format_duration (report->avg_scan_to_print);
      scan_detail = g_strdup_printf (ngettext ("From %u label packed at the bench",
                                               "From %u labels packed at the bench", report->timed),
                                     report->timed);
    }
  else
    {
      scan = g_strdup (_ ("None"));
      scan_detail = g_strdup (_ ("No label packed at the bench yet"));
    }
  gtk_label_set_text (self->scan_value, scan);
  gtk_label_set_text (self->scan_detail, scan_detail);

  gtk_label_set_text (self->mis_scans_value, mis_scans);
  gtk_label_set_text (self->mis_scans_detail, _ ("Wrong or extra items scanned while packing"));

  gtk_label_set_text (self->late_value, late);
  if (in_site)
    late_detail = g_strdup_printf (
        ngettext ("Across the site, still without a label; %u of %u order shipped in this "
                  "period went late",
                  "Across the site, still without a label; %u of %u orders shipped in this "
                  "period went late",
                  report->shipped),
        report->shipped_late, report->shipped);
  else
    late_detail = g_strdup_printf (ngettext ("Still to ship now; %u of %u order shipped in this "
                                             "period went late",
                                             "Still to ship now; %u of %u orders shipped in this "
                                             "period went late",
                                             report->shipped),
                                   report->shipped_late, report->shipped);
  gtk_label_set_text (self->late_detail, late_detail);
  if (report->late_unshipped > 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->late_value), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->late_value), "error");

  pb_activity_chart_set_report (self->chart, report);
  show_operators (self, report);
  show_sync (self, report, last_sync, last_error, in_site);
  gtk_stack_set_visible_child_name (self->stack, "report");
}

static void
clear_bench_rows (PbActivityPage *self)
{
  for (guint i = 0; i < self->bench_rows->len; i++)
    adw_preferences_group_remove (self->benches_group, g_ptr_array_index (self->bench_rows, i));
  g_ptr_array_set_size (self->bench_rows, 0);
}

/* The benches' names after "All benches", keeping the one chosen. */
static void
refill_benches (PbActivityPage *self, GPtrArray *benches)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) names = NULL;
  g_autofree char *selected = NULL;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->bench_list));
  guint position = 0;
  gboolean same;

  for (guint i = 0; i < benches->len; i++)
    {
      const PbSupervisionBench *bench = g_ptr_array_index (benches, i);

      if (!bench->removed)
        g_strv_builder_add (builder, bench->name);
    }
  names = g_strv_builder_end (builder);
  same = n == g_strv_length (names) + 1;
  for (guint i = 1; same && i < n; i++)
    same = g_str_equal (gtk_string_list_get_string (self->bench_list, i), names[i - 1]);
  if (same)
    return;

  if (gtk_drop_down_get_selected (self->bench_dropdown) > 0)
    selected = g_strdup (gtk_string_list_get_string (
        self->bench_list, gtk_drop_down_get_selected (self->bench_dropdown)));
  self->updating_benches = TRUE;
  gtk_string_list_splice (self->bench_list, 1, n - 1, (const char *const *)names);
  for (guint i = 0; selected != NULL && names[i] != NULL; i++)
    if (g_str_equal (names[i], selected))
      position = i + 1;
  gtk_drop_down_set_selected (self->bench_dropdown, position);
  self->updating_benches = FALSE;
}

/* The bench chosen in the filter; NULL for all of them. */
static char *
selected_bench (PbActivityPage *self)
{
  guint selected = gtk_drop_down_get_selected (self->bench_dropdown);

  if (selected == 0 || selected == GTK_INVALID_LIST_POSITION)
    return NULL;
  return g_strdup (gtk_string_list_get_string (self->bench_list, selected));
}

static void
show_site (PbActivityPage *self, PbSupervisionActivity *site)
{
  gboolean in_site = site != NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->bench_dropdown), in_site);
  gtk_widget_set_visible (GTK_WIDGET (self->benches_group), in_site);
  gtk_widget_set_visible (GTK_WIDGET (self->leader_row), in_site);
  clear_bench_rows (self);
  if (!in_site)
    return;

  {
    g_autofree char *taken_over = g_strdup_printf ("%u", site->claims_taken_over);

    gtk_label_set_text (self->taken_over_label, taken_over);
  }

  gtk_label_set_text (self->leader_label, site->leader != NULL ? site->leader : _ ("None"));
  if (site->leader == NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->leader_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->leader_label), "error");

  refill_benches (self, site->benches);
  for (guint i = 0; i < site->benches->len; i++)
    {
      const PbSupervisionBench *bench = g_ptr_array_index (site->benches, i);
      g_autoptr (GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *subtitle = NULL;
      GtkWidget *row;

      if (bench->removed && bench->labels == 0)
        continue;
      g_ptr_array_add (parts, g_strdup_printf (ngettext ("%u label", "%u labels", bench->labels),
                                               bench->labels));
      if (bench->last_seen > 0)
        {
          g_autofree char *seen = format_time (bench->last_seen);

          /* TRANSLATORS: when the bench last told the site it is alive */
          g_ptr_array_add (parts, g_strdup_printf (_ ("last seen %s"), seen));
        }
      if (bench->leader)
        g_ptr_array_add (parts, g_strdup (_ ("leads the sync")));
      if (bench->this_one)
        g_ptr_array_add (parts, g_strdup (_ ("this bench")));
      if (bench->removed)
        g_ptr_array_add (parts, g_strdup (_ ("removed")));
      g_ptr_array_add (parts, NULL);
      subtitle = g_strjoinv (" · ", (char **)parts->pdata);

      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), bench->name);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_preferences_group_add (self->benches_group, row);
      g_ptr_array_add (self->bench_rows, row);
    }
}

/* No data at all: a refusal or a failure. */
static void
show_error (PbActivityPage *self, const char *message)
{
  g_clear_pointer (&self->report, pb_activity_report_unref);
  pb_activity_chart_set_report (self->chart, NULL);
  clear_operator_rows (self);
  adw_status_page_set_description (self->error_status, message);
  gtk_stack_set_visible_child_name (self->stack, "error");
}

static void
update_period_label (PbActivityPage *self, gint64 since, gint64 until)
{
  g_autoptr (GDateTime) start = g_date_time_new_from_unix_local (since);
  g_autoptr (GDateTime) last_day = g_date_time_new_from_unix_local (until - 1);
  g_autofree char *text = NULL;

  if (self->period == PB_ACTIVITY_TODAY)
    /* TRANSLATORS: strftime format of today's date on the Activity page. */
    text = g_date_time_format (start, _ ("%A %-d %B %Y"));
  else
    {
      /* TRANSLATORS: strftime formats of the week's first and last days. */
      g_autofree char *first = g_date_time_format (start, _ ("%A %-d %B"));
      g_autofree char *last = g_date_time_format (last_day, _ ("%A %-d %B %Y"));

      /* TRANSLATORS: a week: "Monday 10 June to Sunday 16 June 2030" */
      text = g_strdup_printf (_ ("%s to %s"), first, last);
    }
  gtk_label_set_text (self->period_label, text);
}

static gboolean
load_work (PbStore *worker, gpointer data, GCancellable *cancellable, GError **error)
{
  Load *load = data;

  if (pb_site_supervision_in_site (worker))
    {
      load->site
          = pb_site_supervision_activity (worker, load->since, load->until, load->bench, error);
      if (load->site == NULL)
        return FALSE;
      load->report = pb_activity_report_ref (load->site->report);
      pb_sync_get_status (worker, NULL, &load->last_error, NULL);
      load->last_sync = load->site->last_sync;
      return TRUE;
    }
  load->report = pb_activity_report (worker, load->since, load->until, error);
  if (load->report == NULL)
    return FALSE;
  pb_sync_get_status (worker, &load->last_sync, &load->last_error, NULL);
  return TRUE;
}

static void
on_loaded_cb (GObject *source_object, GAsyncResult *result, gpointer user_data)
{
  PbActivityPage *self = PB_ACTIVITY_PAGE (source_object);
  g_autoptr (GError) error = NULL;
  Load *load = NULL;

  if (!pb_page_run_finish (PB_PAGE (self), result, (gpointer *)&load, &error))
    {
      /* Cancelled: another load follows, or the page is gone. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          gtk_spinner_set_spinning (self->spinner, FALSE);
          g_autofree char *text
              = g_strdup_printf (_ ("The activity could not be read: %s"), error->message);
          show_error (self, text);
        }
      return;
    }
  gtk_spinner_set_spinning (self->spinner, FALSE);
  show_site (self, load->site);
  show_report (self, load->report, load->last_sync, load->last_error, load->site != NULL);
}

static void
pb_activity_page_reload_page (PbPage *page)
{
  PbActivityPage *self = PB_ACTIVITY_PAGE (page);
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) now_utc = NULL;
  g_autoptr (GDateTime) now = NULL;
  Load *load;

  pb_page_cancel_load (page);

  if (!pb_session_require (pb_page_get_session (page), PB_ACTION_VIEW_ACTIVITY, NULL, &error))
    {
      show_error (self, error->message);
      return;
    }

  load = g_new0 (Load, 1);
  load->bench = selected_bench (self);
  now_utc = pb_clock_now ();
  now = g_date_time_to_local (now_utc);
  pb_activity_period_bounds (self->period, now, &load->since, &load->until);
  update_period_label (self, load->since, load->until);

  if (self->report == NULL)
    {
      gtk_spinner_set_spinning (self->spinner, TRUE);
      gtk_stack_set_visible_child_name (self->stack, "loading");
    }

  pb_page_run_load (page, load_work, load, (GDestroyNotify)load_free, on_loaded_cb);
}

void
pb_activity_page_reload (PbActivityPage *self)
{
  g_return_if_fail (PB_IS_ACTIVITY_PAGE (self));

  pb_page_reload (PB_PAGE (self));
}

static void
on_period_button_toggled_cb (PbActivityPage *self, GtkToggleButton *button)
{
  PbActivityPeriod period;

  if (!gtk_toggle_button_get_active (button))
    return;
  period = button == self->week_button ? PB_ACTIVITY_THIS_WEEK : PB_ACTIVITY_TODAY;
  if (period == self->period)
    return;
  self->period = period;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    pb_activity_page_reload (self);
}

static void
on_bench_selected_cb (PbActivityPage *self)
{
  if (self->updating_benches)
    return;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    pb_activity_page_reload (self);
}

static void
on_refresh_activated_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  pb_activity_page_reload (PB_ACTIVITY_PAGE (widget));
}

static void
pb_activity_page_dispose (GObject *object)
{
  PbActivityPage *self = PB_ACTIVITY_PAGE (object);

  /* The bin's child first, or the template would unparent it under the bin. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), PB_TYPE_ACTIVITY_PAGE);
  g_clear_pointer (&self->report, pb_activity_report_unref);

  G_OBJECT_CLASS (pb_activity_page_parent_class)->dispose (object);
}

static void
pb_activity_page_finalize (GObject *object)
{
  PbActivityPage *self = PB_ACTIVITY_PAGE (object);

  g_ptr_array_unref (self->operator_rows);
  g_ptr_array_unref (self->bench_rows);

  G_OBJECT_CLASS (pb_activity_page_parent_class)->finalize (object);
}

static void
pb_activity_page_class_init (PbActivityPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  PbPageClass *page_class = PB_PAGE_CLASS (klass);

  object_class->dispose = pb_activity_page_dispose;
  object_class->finalize = pb_activity_page_finalize;
  page_class->reload = pb_activity_page_reload_page;

  g_type_ensure (PB_TYPE_ACTIVITY_CHART);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/pb-activity-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PbActivityPage, stack);
  gtk_widget_class_bind_template_child (widget_class, PbActivityPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, PbActivityPage, error_status);
  gtk_widget_class_bind_template_child (widget_class, PbActivityPage, today_button);
  gtk_widget_class_bind_template_child (widget_class, PbActivityPage, week_button);
  gtk_widget_class_bind_template_child (widget_class, PbActivityPage, period_label);
  gtk_widget_class_bind_template_child (widget_class, PbActivityPage, labels_value);
  gtk_widget_class_bind_template_child (widget_class, PbActivityPage, labels_detail);
  gtk_widget_class_bind_template_child (widget_class, PbActivityPage, scan_value);
  gtk_widget_class_bind_template_child (widget_class, PbActivityPage, scan_detail);
  gtk_widget_class_bind_template_child (widget_class, PbActivityPage, mis_scans_value);
  gtk_widget_class_bind_template_child (widget_class, PbActivityPage, mis_scans_detail);
  gtk_widget_class_bind_template_child (widget_class, PbActivityPage, late_value);
  gtk_widget_class_bind_template_child (widget_class, PbActivityPage, late_detail);
  gtk_widget_class_bind_template_child (widget_class, PbActivityPage, chart);
  gtk_widget_class_bind_template_child (widget_class, PbActivityPage, operators_group);
  gtk_widget_class_bind_template_child (widget_class, PbActivityPage, no_operators_row);
  gtk_widget_class_bind_template_child (widget_class, PbActivityPage, last_sync_label);
  gtk_widget_class_bind_template_child (widget_class, PbActivityPage, sync_error_label);
  gtk_widget_class_bind_template_child (widget_class, PbActivityPage, syncs_label);
  gtk_widget_class_bind_template_child (widget_class, PbActivityPage, bench_dropdown);
  gtk_widget_class_bind_template_child (widget_class, PbActivityPage, bench_list);
  gtk_widget_class_bind_template_child (widget_class, PbActivityPage, benches_group);
  gtk_widget_class_bind_template_child (widget_class, PbActivityPage, leader_row);
  gtk_widget_class_bind_template_child (widget_class, PbActivityPage, leader_label);
  gtk_widget_class_bind_template_child (widget_class, PbActivityPage, taken_over_label);
  gtk_widget_class_bind_template_callback (widget_class, on_period_button_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_bench_selected_cb);

  gtk_widget_class_install_action (widget_class, "activity.refresh", NULL, on_refresh_activated_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "activity.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK,
                                       "activity.refresh", NULL);
}

static void
pb_activity_page_init (PbActivityPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->operator_rows = g_ptr_array_new ();
  self->bench_rows = g_ptr_array_new ();
  self->period = PB_ACTIVITY_TODAY;
}

GtkWidget *
pb_activity_page_new (PbSession *session, PbStation *station)
{
  g_return_val_if_fail (PB_IS_SESSION (session), NULL);
  g_return_val_if_fail (station == NULL || PB_IS_STATION (station), NULL);

  return g_object_new (PB_TYPE_ACTIVITY_PAGE, "session", session, "station", station, NULL);
}

PbActivityChart *
pb_activity_page_get_chart (PbActivityPage *self)
{
  g_return_val_if_fail (PB_IS_ACTIVITY_PAGE (self), NULL);

  return self->chart;
}
