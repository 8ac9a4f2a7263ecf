/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "pb-page.h"

#include "station/pb-station.h"
#include "store/pb-session.h"

G_BEGIN_DECLS

/*
 * Operators for supervisors and admins: add, disable, enable, reset password, unlock, change role,
 * reset the second factor; last login, password age, second-factor status, unused accounts; mark
 * access reviewed.
 *
 * Needs a READY PbSession ("session", construct-only); "station" (nullable)
 * is the window's background work. The page loads its data in a worker
 * thread when it is mapped and on pb_operators_page_reload().
 */

#define PB_TYPE_OPERATORS_PAGE (pb_operators_page_get_type ())
G_DECLARE_FINAL_TYPE (PbOperatorsPage, pb_operators_page, PB, OPERATORS_PAGE, PbPage)

GtkWidget *pb_operators_page_new (PbSession *session, PbStation *station);

/* Loads the page's data again (after a sync, or an operator change). */
void pb_operators_page_reload (PbOperatorsPage *self);

/* TRUE while the list loads or an operator change runs. */
gboolean pb_operators_page_get_busy (PbOperatorsPage *self);

/* (nullable) (transfer none): the page's dialog on screen (add, reset
 * password, confirm, new second factor), for tests and accessibility tools. */
GtkWindow *pb_operators_page_get_dialog (PbOperatorsPage *self);

G_END_DECLS
