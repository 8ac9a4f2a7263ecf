/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "pb-activity-chart.h"

#define HOUR 3600
#define PAD 8
#define SWATCH 12
#define LEGEND_GAP 18
/* Up to this many hours the axis names hours; beyond it, days. */
#define MAX_HOURLY_AXIS 48

struct _PbActivityChart
{
  GtkWidget parent_instance;

  PbActivityReport *report;
  char *summary;
};

G_DEFINE_FINAL_TYPE (PbActivityChart, pb_activity_chart, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_REPORT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* GNOME's palette, in an order that keeps neighbours apart. */
static const char *const palette[] = {
  "#3584e4", "#ff7800", "#2ec27e", "#9141ac", "#e01b24", "#f5c211", "#986a44", "#77767b",
};

void
pb_activity_chart_get_operator_colour (guint index, GdkRGBA *colour)
{
  g_return_if_fail (colour != NULL);

  gdk_rgba_parse (colour, palette[index % G_N_ELEMENTS (palette)]);
}

static GDateTime *
hour_start (PbActivityReport *report, guint hour)
{
  return g_date_time_new_from_unix_local (report->since + (gint64)hour * HOUR);
}

/* "09:00", or "Tue 09:00" in a report longer than a day. */
static char *
format_hour (PbActivityReport *report, guint hour)
{
  g_autoptr (GDateTime) start = hour_start (report, hour);

  /* TRANSLATORS: strftime formats for an hour on the activity chart; the
   * second has the weekday. */
  return g_date_time_format (start, report->n_hours > 25 ? _ ("%a %H:%M") : _ ("%H:%M"));
}

static guint
n_drawn_operators (PbActivityReport *report)
{
  guint n = 0;

  for (guint i = 0; report != NULL && i < report->operators->len; i++)
    n += ((PbActivityOperator *)g_ptr_array_index (report->operators, i))->labels > 0;
  return n;
}

static char *
build_summary (PbActivityReport *report)
{
  GString *text;
  guint n_operators = n_drawn_operators (report);

  if (report == NULL)
    return g_strdup (_ ("No activity loaded."));
  if (report->labels == 0)
    return g_strdup (_ ("No labels printed in this period."));

  text = g_string_new (NULL);
  g_string_append_printf (text, ngettext ("%u label", "%u labels", report->labels), report->labels);
  g_string_append_c (text, ' ');
  g_string_append_printf (text, ngettext ("by %u operator.", "by %u operators.", n_operators),
                          n_operators);
  for (guint i = 0; i < report->operators->len; i++)
    {
      const PbActivityOperator *op = g_ptr_array_index (report->operators, i);
      g_autofree char *when = NULL;
      guint busiest = 0;

      if (op->labels == 0)
        continue;
      for (guint hour = 1; hour < report->n_hours; hour++)
        if (op->per_hour[hour] > op->per_hour[busiest])
          busiest = hour;
      when = format_hour (report, busiest);
      g_string_append_c (text, ' ');
      /* TRANSLATORS: "alice: 12 labels, most at 10:00 (5)." */
      g_string_append_printf (text,
                              ngettext ("%s: %u label, most at %s (%u).",
                                        "%s: %u labels, most at %s (%u).", op->labels),
                              op->operator_name, op->labels, when, op->per_hour[busiest]);
    }
  return g_string_free (text, FALSE);
}

static void
update_accessible (PbActivityChart *self)
{
  g_free (self->summary);
  self->summary = build_summary (self->report);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Labels per operator per hour"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, self->summary, -1);
}

/* Drawing */

static void
get_foreground (GtkWidget *widget, GdkRGBA *colour)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), colour);
  G_GNUC_END_IGNORE_DEPRECATIONS
}

static void
draw_text (GtkSnapshot *snapshot, PangoLayout *layout, float x, float y, const GdkRGBA *colour)
{
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
  gtk_snapshot_append_layout (snapshot, layout, colour);
  gtk_snapshot_restore (snapshot);
}

static void
fill (GtkSnapshot *snapshot, const GdkRGBA *colour, float x, float y, float width, float height)
{
  gtk_snapshot_append_color (snapshot, colour, &GRAPHENE_RECT_INIT (x, y, width, height));
}

/* The axis' top: a round number at or above @max, and its step, so that
 * there are at most four lines. */
static guint
axis_step (guint max, guint *top)
{
  static const guint steps[] = { 1, 2, 5 };
  guint step = 1;

  for (guint scale = 1;; scale *= 10)
    {
      gboolean found = FALSE;

      for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
        {
          step = steps[i] * scale;
          if ((max + step - 1) / step <= 4)
            {
              found = TRUE;
              break;
            }
        }
      if (found)
        break;
    }
  *top = MAX (1, (max + step - 1) / step) * step;
  return step;
}

/* Draws the legend from (@x, @y) within @width; returns its height. */
static float
draw_legend (PbActivityChart *self, GtkSnapshot *snapshot, float x, float y, float width,
             const GdkRGBA *fg)
{
  GtkWidget *widget = GTK_WIDGET (self);
  float line_x = x;
  float line_height = 0;
  float top = y;

  for (guint i = 0; i < self->report->operators->len; i++)
    {
      const PbActivityOperator *op = g_ptr_array_index (self->report->operators, i);
      g_autoptr (PangoLayout) layout = NULL;
      GdkRGBA colour;
      int text_w, text_h;

      if (op->labels == 0)
        continue;
      layout = gtk_widget_create_pango_layout (widget, op->operator_name);
      pango_layout_get_pixel_size (layout, &text_w, &text_h);
      if (line_x > x && line_x + SWATCH + 6 + text_w > x + width)
        {
          line_x = x;
          y += line_height + 4;
        }
      pb_activity_chart_get_operator_colour (i, &colour);
      fill (snapshot, &colour, line_x, y + (text_h - SWATCH) / 2.0f, SWATCH, SWATCH);
      draw_text (snapshot, layout, line_x + SWATCH + 6, y, fg);
      line_x += SWATCH + 6 + text_w + LEGEND_GAP;
      line_height = MAX (line_height, text_h);
    }
  return y + line_height - top;
}

static void
pb_activity_chart_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  PbActivityChart *self = PB_ACTIVITY_CHART (widget);
  PbActivityReport *report = self->report;
  float width = gtk_widget_get_width (widget);
  float height = gtk_widget_get_height (widget);
  g_autoptr (PangoLayout) probe = NULL;
  g_autofree char *top_text = NULL;
  GdkRGBA fg, dim, grid;
  float legend_h = 0, left, right, top, bottom, slot;
  int label_w, label_h;
  guint axis_top, step;

  get_foreground (widget, &fg);
  dim = fg;
  dim.alpha *= 0.7f;
  grid = fg;
  grid.alpha *= 0.15f;

  if (report == NULL || report->labels == 0)
    {
      g_autoptr (PangoLayout) layout
          = gtk_widget_create_pango_layout (widget, _ ("No labels printed in this period."));
      int w, h;

      pango_layout_get_pixel_size (layout, &w, &h);
      fill (snapshot, &grid, PAD, height - PAD - 1, width - 2 * PAD, 1);
      draw_text (snapshot, layout, (width - w) / 2, (height - h) / 2, &dim);
      return;
    }

  step = axis_step (report->busiest_hour_total, &axis_top);
  top_text = g_strdup_printf ("%u", axis_top);
  probe = gtk_widget_create_pango_layout (widget, top_text);
  pango_layout_get_pixel_size (probe, &label_w, &label_h);

  legend_h = draw_legend (self, snapshot, PAD, PAD, width - 2 * PAD, &fg);
  left = PAD + label_w + 6;
  right = width - PAD;
  top = PAD + legend_h + 12 + label_h / 2.0f;
  bottom = height - PAD - label_h - 4;
  if (right - left < 10 || bottom - top < 10)
    return;
  slot = (right - left) / report->n_hours;

  /* Horizontal lines and their counts. */
  for (guint value = 0; value <= axis_top; value += step)
    {
      g_autofree char *text = g_strdup_printf ("%u", value);
      g_autoptr (PangoLayout) layout = gtk_widget_create_pango_layout (widget, text);
      float y = bottom - (bottom - top) * value / axis_top;
      int w, h;

      pango_layout_get_pixel_size (layout, &w, &h);
      fill (snapshot, value == 0 ? &dim : &grid, left, y, right - left, 1);
      draw_text (snapshot, layout, left - 6 - w, y - h / 2.0f, &dim);
    }

  /* The time axis: every third hour, or each day's name at its midnight. */
  for (guint hour = 0; hour < report->n_hours; hour++)
    {
      g_autoptr (GDateTime) start = hour_start (report, hour);
      g_autofree char *text = NULL;
      float x = left + hour * slot;

      if (report->n_hours <= MAX_HOURLY_AXIS)
        {
          if (g_date_time_get_hour (start) % 3 == 0 && g_date_time_get_minute (start) == 0)
            text = g_date_time_format (start, "%H:%M");
        }
      else if (g_date_time_get_hour (start) == 0 || hour == 0)
        {
          /* TRANSLATORS: strftime format for a day on the activity chart. */
          text = g_date_time_format (start, _ ("%a %e"));
          fill (snapshot, &grid, x, top, 1, bottom - top);
        }
      if (text != NULL)
        {
          g_autoptr (PangoLayout) layout = gtk_widget_create_pango_layout (widget, text);
          int w, h;

          pango_layout_get_pixel_size (layout, &w, &h);
          fill (snapshot, &dim, x, bottom, 1, 4);
          if (x + w <= width)
            draw_text (snapshot, layout, x + 2, bottom + 4, &dim);
        }
    }

  /* The bars, stacked in the operators' order. */
  for (guint hour = 0; hour < report->n_hours; hour++)
    {
      float bar_w = MAX (1.0f, slot * 0.7f);
      float x = left + hour * slot + (slot - bar_w) / 2;
      float y = bottom;

      for (guint i = 0; i < report->operators->len; i++)
        {
          const PbActivityOperator *op = g_ptr_array_index (report->operators, i);
          float h = (bottom - top) * op->per_hour[hour] / axis_top;
          GdkRGBA colour;

          if (op->per_hour[hour] == 0)
            continue;
          pb_activity_chart_get_operator_colour (i, &colour);
          y -= h;
          fill (snapshot, &colour, x, y, bar_w, h);
        }
    }
}

static void
pb_activity_chart_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                           int *minimum, int *natural, int *minimum_baseline, int *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 240;
      *natural = 720;
    }
  else
    {
      *minimum = 220;
      *natural = 260;
    }
}

/* GObject */

PbActivityReport *
pb_activity_chart_get_report (PbActivityChart *self)
{
  g_return_val_if_fail (PB_IS_ACTIVITY_CHART (self), NULL);

  return self->report;
}

void
pb_activity_chart_set_report (PbActivityChart *self, PbActivityReport *report)
{
  g_return_if_fail (PB_IS_ACTIVITY_CHART (self));

  if (self->report == report)
    return;
  g_clear_pointer (&self->report, pb_activity_report_unref);
  self->report = report != NULL ? pb_activity_report_ref (report) : NULL;
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REPORT]);
}

const char *
pb_activity_chart_get_summary (PbActivityChart *self)
{
  g_return_val_if_fail (PB_IS_ACTIVITY_CHART (self), NULL);

  return self->summary;
}

static void
pb_activity_chart_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PbActivityChart *self = PB_ACTIVITY_CHART (object);

  switch (prop_id)
    {
      case PROP_REPORT:
        g_value_set_boxed (value, self->report);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_activity_chart_set_property (GObject *object, guint prop_id, const GValue *value,
                                GParamSpec *pspec)
{
  PbActivityChart *self = PB_ACTIVITY_CHART (object);

  switch (prop_id)
    {
      case PROP_REPORT:
        pb_activity_chart_set_report (self, g_value_get_boxed (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_activity_chart_finalize (GObject *object)
{
  PbActivityChart *self = PB_ACTIVITY_CHART (object);

  g_clear_pointer (&self->report, pb_activity_report_unref);
  g_free (self->summary);

  G_OBJECT_CLASS (pb_activity_chart_parent_class)->finalize (object);
}

static void
pb_activity_chart_class_init (PbActivityChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = pb_activity_chart_finalize;
  object_class->get_property = pb_activity_chart_get_property;
  object_class->set_property = pb_activity_chart_set_property;
  widget_class->snapshot = pb_activity_chart_snapshot;
  widget_class->measure = pb_activity_chart_measure;

  properties[PROP_REPORT]
      = g_param_spec_boxed ("report", NULL, NULL, PB_TYPE_ACTIVITY_REPORT,
                            G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "pbactivitychart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
pb_activity_chart_init (PbActivityChart *self)
{
  update_accessible (self);
}

GtkWidget *
pb_activity_chart_new (void)
{
  return g_object_new (PB_TYPE_ACTIVITY_CHART, NULL);
}
