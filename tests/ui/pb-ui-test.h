/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* Shared helpers for the GUI tests: display checks, waiting, screenshots. */

gboolean pb_ui_test_init (int *argc, char ***argv);
void pb_ui_test_wait_until_mapped (GtkWidget *widget);
void pb_ui_test_iterate (guint milliseconds);
GdkTexture *pb_ui_test_snapshot (GtkWidget *widget, const char *artifact_name);
guint pb_ui_test_count_colours (GdkTexture *texture, guint limit);

G_END_DECLS
