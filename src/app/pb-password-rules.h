/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/*
 * The live password checklist: one line per rule of the password policy,
 * then "Both entries are the same", each ticked as soon as it is met.
 * Used wherever someone chooses a password (log-in page, first run).
 */

#define PB_TYPE_PASSWORD_RULES (pb_password_rules_get_type ())
G_DECLARE_FINAL_TYPE (PbPasswordRules, pb_password_rules, PB, PASSWORD_RULES, GtkWidget)

GtkWidget *pb_password_rules_new (void);

/* Re-evaluates the checklist; returns TRUE when every rule is met and
 * @repeat equals @password. @username may be NULL (not known yet). */
gboolean pb_password_rules_update (PbPasswordRules *self, const char *username,
                                   const char *password, const char *repeat);

/* The result of the last update. */
gboolean pb_password_rules_get_all_met (PbPasswordRules *self);

G_END_DECLS
