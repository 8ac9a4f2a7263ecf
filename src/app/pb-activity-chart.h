/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "store/pb-activity.h"

G_BEGIN_DECLS

/*
 * Labels per operator per hour, drawn: one bar per hour of the report,
 * stacked in a colour per operator, with a legend, the count on the left
 * and the time along the bottom (hours for a day, days for a week). A chart
 * says nothing to a screen reader, so the widget's accessible description
 * carries the same facts in words (pb_activity_chart_get_summary); the page
 * shows them as a list beside it too.
 */

#define PB_TYPE_ACTIVITY_CHART (pb_activity_chart_get_type ())
G_DECLARE_FINAL_TYPE (PbActivityChart, pb_activity_chart, PB, ACTIVITY_CHART, GtkWidget)

GtkWidget *pb_activity_chart_new (void);

/* "report" (PbActivityReport, nullable): what to draw. */
PbActivityReport *pb_activity_chart_get_report (PbActivityChart *self);
void pb_activity_chart_set_report (PbActivityChart *self, PbActivityReport *report);

/* The chart in words, as given to assistive technologies. */
const char *pb_activity_chart_get_summary (PbActivityChart *self);

/* The colour the chart draws operator @index (in the report's order) in. */
void pb_activity_chart_get_operator_colour (guint index, GdkRGBA *colour);

G_END_DECLS
