/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "pb-store.h"

G_BEGIN_DECLS

/*
 * The audit log: append-only, hash-chained. Each row carries
 * SHA-256(previous row's hash ‖ its own canonical content), so any edited,
 * deleted or reordered row breaks the chain from there on. Never PII, never
 * a password or a secret: usernames, order ids, setting names, counts.
 */

typedef struct
{
  gint64 seq;
  gint64 time;
  char *actor;
  char *action;
  char *subject;
  char *outcome;
  char *detail;
} PbAuditEntry;

void pb_audit_entry_free (PbAuditEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PbAuditEntry, pb_audit_entry_free)

/* Appends at the clock's current time. Works inside or outside a
 * transaction. @subject and @detail may be NULL. */
gboolean pb_audit_append (PbStore *store, const char *actor, const char *action,
                          const char *subject, const char *outcome, const char *detail,
                          GError **error);
gboolean pb_audit_append_at (PbStore *store, gint64 time, const char *actor, const char *action,
                             const char *subject, const char *outcome, const char *detail,
                             GError **error);

typedef struct
{
  gint64 since;       /* 0: from the start */
  gint64 until;       /* 0: to the end */
  const char *action; /* NULL: any; a trailing '.' matches a prefix ("user.") */
  const char *actor;  /* NULL: any */
  guint limit;        /* 0: no limit (newest rows when limited) */
} PbAuditFilter;

/* (element-type PbAuditEntry) (transfer full): oldest first. */
GPtrArray *pb_audit_list (PbStore *store, const PbAuditFilter *filter, GError **error);

/* Walks the whole chain. On a break returns FALSE, sets @bad_seq to the
 * first row that does not verify (or to the missing sequence number) and
 * @error to a message that names it. @n_rows receives the rows checked. */
gboolean pb_audit_verify (PbStore *store, gint64 *bad_seq, guint64 *n_rows, GError **error);

G_END_DECLS
