/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "pb-store.h"

G_BEGIN_DECLS

/*
 * The audit log: append-only, hash-chained. Each row carries
 * SHA-256(previous row's hash ‖ its own canonical content), so any edited,
 * deleted or reordered row breaks the chain from there on. Never PII, never
 * a password or a secret: usernames, order ids, setting names, counts.
 */

/* In the detail of rows that came from outside the store: failed logins
 * kept in the cleartext keyslot file while the store was closed, and
 * written into the log at the next login. Their content is only as
 * trustworthy as that file (see docs/SECURITY.md, "The audit log"). */
#define PB_AUDIT_FROM_KEYSLOTS "source=keyslot-file"

typedef struct
{
  gint64 seq;
  gint64 time;
  char *actor;
  char *action;
  char *subject;
  char *outcome;
  char *detail;
  /* Only where the caller asked for them (pb_audit_list_after, the site's
   * copy): the chain's hashes, and the bench the row was written at. */
  char *prev_hash;
  char *hash;
  char *bench;
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

/* (element-type PbAuditEntry) (transfer full): at most @limit rows after
 * @after_seq, oldest first, with prev_hash and hash: for the site's copy
 * of this bench's chain. */
GPtrArray *pb_audit_list_after (PbStore *store, gint64 after_seq, guint limit, GError **error);

/* The hash @entry must carry, given @prev_hash (the hash of the row before
 * it, or PB_AUDIT_GENESIS_HASH for the first): for checking a copy of a
 * chain kept elsewhere. */
#define PB_AUDIT_GENESIS_HASH "0000000000000000000000000000000000000000000000000000000000000000"
char *pb_audit_entry_hash (const char *prev_hash, const PbAuditEntry *entry);

/* The chain's name: the hash of its first row, which no other store's log
 * has (it covers that row's time); NULL with no error for an empty log. */
char *pb_audit_chain_id (PbStore *store, GError **error);

/* Walks the whole chain. On a break returns FALSE, sets @bad_seq to the
 * first row that does not verify (or to the missing sequence number) and
 * @error to a message that names it. @n_rows receives the rows checked. */
gboolean pb_audit_verify (PbStore *store, gint64 *bad_seq, guint64 *n_rows, GError **error);

/* An anchor: the head of the chain (sequence and hash), written down
 * outside the store as "SEQ:HASH". Someone who holds the master key can
 * rebuild the whole chain consistently; they cannot make row SEQ hash to
 * what was written down elsewhere unless the log up to SEQ is unchanged. */
#define PB_AUDIT_HASH_LENGTH 64

/* Appends an "audit.anchored" row in @actor's name (detail "seq=N", its
 * own sequence) and returns the head that includes that row, so the
 * anchor covers the fact that it was taken. The caller checks
 * PB_ACTION_EXPORT_AUDIT first and verifies the chain before. */
gboolean pb_audit_take_anchor (PbStore *store, const char *actor, gint64 *seq, char **hash,
                               GError **error);

/* Parses "SEQ:HASH": a positive decimal sequence, a colon, 64 hex digits
 * (returned lower-case). FALSE with @error naming what is wrong. */
gboolean pb_audit_parse_anchor (const char *text, gint64 *seq, char **hash, GError **error);

typedef enum
{
  PB_AUDIT_ANCHOR_MATCHED,   /* row SEQ has exactly the anchored hash */
  PB_AUDIT_ANCHOR_REWRITTEN, /* row SEQ exists with another hash */
  PB_AUDIT_ANCHOR_BEYOND,    /* the log ends before SEQ: truncated or rolled back */
} PbAuditAnchorResult;

/* Compares row @seq with @hash. Call after pb_audit_verify() succeeded:
 * only an intact chain makes a matching row prove the rows before it.
 * @head_seq receives the last sequence in the log. */
gboolean pb_audit_check_anchor (PbStore *store, gint64 seq, const char *hash,
                                PbAuditAnchorResult *result, gint64 *head_seq, GError **error);

/* How many rows carry PB_AUDIT_FROM_KEYSLOTS in their detail. */
gboolean pb_audit_count_from_keyslots (PbStore *store, guint64 *n_rows, GError **error);

/* After a restore: @dest's log becomes @source's (the live store's), so
 * the rows since the backup stay and the chain still verifies. */
gboolean pb_audit_carry_forward (PbStore *dest, PbStore *source, GError **error);

/* (transfer full): every distinct action name in the log, sorted. */
GStrv pb_audit_list_actions (PbStore *store, GError **error);

/* The columns of an export, in order. Nothing else is ever written. */
#define PB_AUDIT_CSV_HEADER "seq,time,operator,action,subject,outcome,detail,bench"

/* One CSV field: quoted when it holds a comma, quote, CR, LF or edge
 * spaces, and prefixed with ' when it starts with = + - @ TAB or CR, so a
 * spreadsheet never takes it for a formula. */
char *pb_audit_csv_field (const char *value);

/* Writes the rows @filter selects (oldest first) to @out as CSV: the
 * header PB_AUDIT_CSV_HEADER, then one CRLF-ended line per row with the
 * time in ISO 8601 UTC. Only those fixed columns are written; the log
 * holds no PII by design, and an export never adds any. The export itself
 * is then an audit row ("audit.exported", in @actor's name, with the row
 * count). The caller checks PB_ACTION_EXPORT_AUDIT first. @n_rows
 * receives the rows written. */
gboolean pb_audit_export_csv (PbStore *store, const char *actor, const PbAuditFilter *filter,
                              GOutputStream *out, guint *n_rows, GCancellable *cancellable,
                              GError **error);
/* The same for rows read elsewhere (the site's, every bench's): @entries
 * as they are, the bench column from each entry; audited in @store. */
gboolean pb_audit_export_entries_csv (PbStore *store, const char *actor, GPtrArray *entries,
                                      GOutputStream *out, guint *n_rows, GCancellable *cancellable,
                                      GError **error);

/* The newest "access.reviewed" row: who marked access reviewed and when.
 * Returns TRUE with *@when = 0 and *@reviewer = NULL when it never was. */
gboolean pb_audit_get_last_access_review (PbStore *store, gint64 *when, char **reviewer,
                                          GError **error);

G_END_DECLS
