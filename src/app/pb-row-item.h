/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/*
 * One row of a supervisor's list, ready to show: a title, a subtitle, and
 * what the row's buttons act on (a number such as an outbox item or a
 * manifest document, or a key such as an order id). Never PII.
 */

#define PB_TYPE_ROW_ITEM (pb_row_item_get_type ())
G_DECLARE_FINAL_TYPE (PbRowItem, pb_row_item, PB, ROW_ITEM, GObject)

PbRowItem *pb_row_item_new (const char *title, const char *subtitle, gint64 id, const char *key);

const char *pb_row_item_get_title (PbRowItem *self);
const char *pb_row_item_get_subtitle (PbRowItem *self);
gint64 pb_row_item_get_id (PbRowItem *self);
const char *pb_row_item_get_key (PbRowItem *self);

G_END_DECLS
