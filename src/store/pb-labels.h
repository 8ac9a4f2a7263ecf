/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "pb-store.h"

G_BEGIN_DECLS

/*
 * An order's Royal Mail label as the store keeps it: the PDF (PII: it
 * shows the address; deleted by the purge), the Click & Drop order, the
 * tracking number, and when it was bought and printed. Manifests are kept
 * too, without an order.
 */

typedef struct
{
  gint64 rm_order_identifier; /* 0: no label */
  char *tracking_number;
  char *service;
  char *package_format;
  gint weight_g;
  gint64 labelled_at;
  char *labelled_by;
  gint64 printed_at;
} PbLabelInfo;

void pb_label_info_clear (PbLabelInfo *info);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PbLabelInfo, pb_label_info_clear)

gboolean pb_labels_get_info (PbStore *store, const char *order_id, PbLabelInfo *info,
                             GError **error);

/* Stores the label and marks the order labelled (call inside a
 * transaction). */
gboolean pb_labels_store (PbStore *store, const char *order_id, gint64 rm_order_identifier,
                          const char *tracking_number, const char *service,
                          const char *package_format, gint weight_g, GBytes *pdf, const char *actor,
                          gint64 now, GError **error);

/* The label PDF, or NULL without an error when none is kept. */
GBytes *pb_labels_get_pdf (PbStore *store, const char *order_id, GError **error);

gboolean pb_labels_set_printed (PbStore *store, const char *order_id, gint64 when, GError **error);

/* Forgets a voided label: the order goes back to unshipped (a cancelled
 * order stays cancelled, its attention flag cleared). */
gboolean pb_labels_forget (PbStore *store, const char *order_id, GError **error);

/* The order the operator labelled last, or NULL. */
char *pb_labels_last_by (PbStore *store, const char *actor, GError **error);

/* Labels bought and not yet in a manifest. */
GPtrArray *pb_labels_unmanifested (PbStore *store, GError **error);

gboolean pb_labels_store_manifest (PbStore *store, gint64 manifest_number, GBytes *pdf, gint64 now,
                                   GError **error);

/* A bought label as the supervisor's pages list it: no PII. */
typedef struct
{
  char *order_id;
  char *state; /* the order's PB_ORDER_STATE_* */
  char *tracking_number;
  char *service;
  gint64 labelled_at;
  gint64 printed_at;      /* 0: never printed */
  char *operator_name;    /* who bought it */
  gint64 manifest_number; /* 0: not yet in a manifest */
} PbLabelRow;

void pb_label_row_free (PbLabelRow *row);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PbLabelRow, pb_label_row_free)

/* (element-type PbLabelRow): labels not yet in a manifest, oldest first. */
GPtrArray *pb_labels_list_unmanifested (PbStore *store, GError **error);

/* (element-type PbLabelRow): every label bought and not voided (in a
 * manifest or not), oldest first. */
GPtrArray *pb_labels_list_bought (PbStore *store, GError **error);

/* Site mode: @order_id's label went into manifest @manifest_number made at
 * another bench (its document is kept there). */
gboolean pb_labels_set_manifest (PbStore *store, const char *order_id, gint64 manifest_number,
                                 GError **error);

/* (element-type PbLabelRow): orders cancelled although they still have a
 * label (bought and not voided), oldest label first. Each needs its label
 * voided before the parcel leaves. */
GPtrArray *pb_labels_list_cancelled (PbStore *store, GError **error);

/* A stored manifest document. */
typedef struct
{
  gint64 id; /* the document's id, for pb_labels_get_manifest_pdf() */
  gint64 created_at;
  gsize size;
  gint64 number; /* Royal Mail's manifest number; 0 for one kept before it was recorded */
} PbManifestInfo;

/* (element-type PbManifestInfo): the manifests kept (newest first); the
 * purge deletes them after the retention period. */
GPtrArray *pb_labels_list_manifests (PbStore *store, GError **error);

/* The manifest PDF with document id @id (0: the newest), or NULL without
 * an error when there is none. */
GBytes *pb_labels_get_manifest_pdf (PbStore *store, gint64 id, GError **error);

G_END_DECLS
