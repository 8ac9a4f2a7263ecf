/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "pb-test-store.h"

G_BEGIN_DECLS

/* Shared helpers for the GUI tests: display checks, waiting, screenshots. */

gboolean pb_ui_test_init (int *argc, char ***argv);
/* How long a wait may take before the test fails: a bound for a broken
 * build, never the expected path (a loaded machine can be slow). */
#define PB_UI_TEST_DEADLINE (60 * G_TIME_SPAN_SECOND)

/* Runs the main loop until @widget is mapped and has drawn (see
 * pb_ui_test_wait_frames). */
void pb_ui_test_wait_until_mapped (GtkWidget *widget);

/* Dispatches the events already pending on the main context (a bounded
 * number of dispatches); waits for nothing. */
void pb_ui_test_drain (void);

/* Runs the main loop until @widget's frame clock has run @frames more
 * frames: what was queued (layout, style, drawing) is on screen. */
void pb_ui_test_wait_frames (GtkWidget *widget, guint frames);

/* Runs the main loop until @stack has finished its page transition and
 * drawn the result. */
void pb_ui_test_wait_transition (GtkStack *stack);

/* Runs the main loop until no stack under @widget is in a transition and
 * @widget (if mapped) has drawn the result: what a screenshot should show. */
void pb_ui_test_settle (GtkWidget *widget);

/* One poll of the main loop while waiting for a condition: dispatches what
 * is pending, else yields the CPU for a moment. */
void pb_ui_test_poll (void);
GdkTexture *pb_ui_test_snapshot (GtkWidget *widget, const char *artifact_name);
guint pb_ui_test_count_colours (GdkTexture *texture, guint limit);

/* Runs the main loop until @done (PB_UI_TEST_DEADLINE at most), then
 * asserts it. */
#define PB_UI_TEST_WAIT_UNTIL(done)                                                                \
  G_STMT_START                                                                                     \
  {                                                                                                \
    gint64 end_ = g_get_monotonic_time () + PB_UI_TEST_DEADLINE;                                   \
    while (!(done) && g_get_monotonic_time () < end_)                                              \
      pb_ui_test_poll ();                                                                          \
    g_assert_true (done);                                                                          \
  }                                                                                                \
  G_STMT_END

/* The template child @name of @widget, an instance of @type; asserts it
 * exists. */
gpointer pb_ui_test_get_child (GtkWidget *widget, GType type, const char *name);

/* Runs the main loop until @label reads @expected, then asserts it. */
void pb_ui_test_wait_for_label (GtkWidget *label, const char *expected);

/* The text of @label if it is shown, else NULL. */
const char *pb_ui_test_shown_text (GtkWidget *label);

/* Whether the password rule row @index under @rules is shown as met. */
gboolean pb_ui_test_rule_met (GtkWidget *rules, guint index);

/* A page's "is it busy" getter, e.g. pb_audit_page_get_busy. */
typedef gboolean (*PbUiTestBusyFunc) (gpointer page);

/* Runs the main loop until @busy says @page is idle, then asserts it and
 * dispatches what the page queued. */
void pb_ui_test_wait_idle (gpointer page, PbUiTestBusyFunc busy);

/* A new window of @width × @height holding @page, presented and mapped. */
GtkWindow *pb_ui_test_present (GtkWidget *page, int width, int height);

/* Destroys *@window (if any) and waits until @page went with it. */
void pb_ui_test_close_window (GtkWindow **window, gpointer page);

/* The first label under @widget (depth first) that reads @text, or that
 * starts with @prefix; or NULL. */
GtkWidget *pb_ui_test_find_label (GtkWidget *widget, const char *text);
GtkWidget *pb_ui_test_find_label_with_prefix (GtkWidget *widget, const char *prefix);

/* The first widget under @widget (depth first) named @name, or NULL. */
GtkWidget *pb_ui_test_find_named (GtkWidget *widget, const char *name);

/* Adds the packer "pat" (Pat Packer) with the password @temporary and
 * logs @session in as them, password changed to @password. */
void pb_ui_test_become_packer (PbSession *session, const char *temporary, const char *password);

G_END_DECLS
