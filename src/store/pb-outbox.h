/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "pb-store.h"

G_BEGIN_DECLS

/*
 * The outbox: every remote side effect (confirm a shipment to Amazon, buy
 * or void a Royal Mail label, a manifest) is first a row here, committed
 * before anything is sent. A worker drains due rows; a crash, a restart or
 * an outage only delays them. After repeated failure a row needs
 * attention, and a supervisor retries or discards it.
 */

#define PB_OUTBOX_PENDING "pending"
#define PB_OUTBOX_IN_PROGRESS "in_progress"
#define PB_OUTBOX_DONE "done"
#define PB_OUTBOX_ATTENTION "attention"
#define PB_OUTBOX_DISCARDED "discarded"

/* After this many failed attempts a row needs a person. */
#define PB_OUTBOX_MAX_ATTEMPTS 8

typedef struct
{
  gint64 id;
  char *kind;
  char *order_id;
  char *payload; /* JSON; never PII */
  char *state;
  gint attempts;
  gint64 next_attempt_at;
  char *last_error;
  gint64 created_at;
  char *created_by;
  gint64 updated_at;
} PbOutboxItem;

void pb_outbox_item_free (PbOutboxItem *item);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PbOutboxItem, pb_outbox_item_free)

/* Adds a row unless one with @dedupe_key exists (then its id is returned
 * and nothing changes): one side effect is queued once. */
gboolean pb_outbox_enqueue (PbStore *store, const char *kind, const char *order_id,
                            const char *dedupe_key, const char *payload, const char *created_by,
                            gint64 now, gint64 *id_out, GError **error);

/* Rows a crash left in progress go back to pending (with a note, so the
 * worker can check whether the remote side already has them). */
gboolean pb_outbox_recover (PbStore *store, gint64 now, GError **error);
/* The same for row @id alone (when one process may have others in flight). */
gboolean pb_outbox_recover_one (PbStore *store, gint64 id, gint64 now, GError **error);

/* The oldest due pending row of @kind (NULL: any kind), or row @only_id,
 * due or not, when it is not 0; marked in progress with one more attempt.
 * NULL without an error when nothing is due. */
PbOutboxItem *pb_outbox_claim (PbStore *store, gint64 now, gint64 only_id, const char *kind,
                               GError **error);

gboolean pb_outbox_complete (PbStore *store, gint64 id, gint64 now, GError **error);
/* A failed attempt: retried at @retry_at, or — @permanent, or out of
 * attempts — marked for attention. */
gboolean pb_outbox_fail (PbStore *store, gint64 id, const char *message, gboolean permanent,
                         gint64 retry_at, gint64 now, GError **error);
/* A supervisor's decisions on a row that needs attention (or is pending). */
gboolean pb_outbox_retry (PbStore *store, gint64 id, gint64 now, GError **error);
gboolean pb_outbox_discard (PbStore *store, gint64 id, gint64 now, GError **error);

/* A supervisor's decision as one step: retries (@retry) or discards row
 * @id and writes the audit row ("outbox.retried" or "outbox.discarded") in
 * @operator_name's name, in one transaction. The caller has checked
 * PB_ACTION_RESOLVE_OUTBOX (pb_session_require). */
gboolean pb_outbox_resolve (PbStore *store, gint64 id, gboolean retry, const char *operator_name,
                            gint64 now, GError **error);

PbOutboxItem *pb_outbox_get (PbStore *store, gint64 id, GError **error);
/* (element-type PbOutboxItem): newest first; done and discarded rows only
 * when @everything. */
GPtrArray *pb_outbox_list (PbStore *store, gboolean everything, GError **error);

G_END_DECLS
