/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "store/pb-store.h"

G_BEGIN_DECLS

/*
 * Despatch notes and pick lists from the store (the pages themselves:
 * print/pb-documents.h). A despatch note shows the buyer's delivery name and
 * address: it is made in memory for each print and never kept, and every
 * one made is an "order.recipient_viewed" audit row before the address is
 * read. A pick list holds no personal data. The caller checks the
 * permissions (PB_ACTION_PACK and PB_ACTION_VIEW_RECIPIENT for a despatch
 * note, PB_ACTION_VIEW_ORDERS for a pick list).
 */

/* Which orders a pick list is for. */
typedef enum
{
  PB_PICK_DUE_ALL,   /* every order still to pack */
  PB_PICK_DUE_TODAY, /* those whose ship-by time is before tomorrow (overdue included) */
} PbPickDue;

/* "all" or "today". */
gboolean pb_pick_due_from_string (const char *text, PbPickDue *due);

/* The despatch note of @order_id as a PDF (wiped when freed), on the paper
 * of print.despatch_note_paper. @purpose goes into the audit row's detail
 * ("print", "file"). Fails when there is no such order or its recipient is
 * not held (purged, or another bench's in site mode). */
GBytes *pb_documents_despatch_note (PbStore *store, const char *order_id, const char *operator_name,
                                    const char *purpose, GError **error);

/* Makes the despatch note and prints it on the document printer. */
gboolean pb_documents_print_despatch_note (PbStore *store, const char *order_id,
                                           const char *operator_name, GCancellable *cancellable,
                                           GError **error);

/* Makes the despatch note and writes it to @path (mode 0600), which then
 * is the operator's responsibility: the audit row ("despatch_note.saved")
 * says so. Nothing is written when the note cannot be made. */
gboolean pb_documents_save_despatch_note (PbStore *store, const char *order_id,
                                          const char *operator_name, const char *path,
                                          GError **error);

/* The pick list: the unshipped orders (not those whose buyer asked to
 * cancel) that @due selects, or exactly @order_ids when it is not NULL
 * (the bench's filtered queue). @n_orders receives how many it holds. */
GBytes *pb_documents_pick_list (PbStore *store, PbPickDue due, const char *const *order_ids,
                                guint *n_orders, GError **error);

G_END_DECLS
