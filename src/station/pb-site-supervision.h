/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "store/pb-activity.h"
#include "store/pb-audit.h"
#include "store/pb-store.h"

G_BEGIN_DECLS

/*
 * What a supervisor sees of the whole site, for the app's pages (which
 * never speak to the site themselves): the floor's activity, every bench's
 * audit chain, every bench's labels for End of Day. Each call opens its own
 * connection to the site (the site file beside @store) and blocks: call it
 * from a worker thread, as a page's load (pb_page_run_load, a GTask) does,
 * with the worker's store. On a solo bench there is no site: the pages ask
 * pb_site_supervision_in_site() first and read the store as before.
 */

/* Whether @store's bench is one of a site's (it has a site file). */
gboolean pb_site_supervision_in_site (PbStore *store);

typedef struct
{
  char *name;
  guint labels;      /* in the period */
  gint64 last_seen;  /* its last heartbeat; 0: never */
  gboolean leader;   /* it runs the site's sync now */
  gboolean removed;  /* no longer one of the site's */
  gboolean this_one; /* the bench asking */
} PbSupervisionBench;

typedef struct
{
  PbActivityReport *report; /* the site's audit rows (only @bench's when filtered);
                             * late_unshipped: the site's late orders */
  GPtrArray *benches;       /* (element-type PbSupervisionBench): every bench, by name */
  char *leader;             /* the bench that runs the sync; NULL when none does */
  gint64 last_sync;         /* when the site's sync last ran; 0: never */
  guint claims_taken_over;  /* in the period: claims released or taken over from a bench
                             * gone quiet (at @bench only, when filtered) */
} PbSupervisionActivity;

void pb_supervision_activity_free (PbSupervisionActivity *activity);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PbSupervisionActivity, pb_supervision_activity_free)

/* The floor's activity in [@since, @until): counted from the site's audit
 * rows of every bench (only @bench's when not NULL); the orders late now
 * are the site's (pb_site_count_late_orders, whichever bench filter);
 * shipped orders come from @store's orders (the site's, synced). This
 * bench's rows are pushed to the site first, so what it just did is
 * counted. */
PbSupervisionActivity *pb_site_supervision_activity (PbStore *store, gint64 since, gint64 until,
                                                     const char *bench, GError **error);

typedef struct
{
  char *bench;
  guint64 n_rows; /* rows that verified */
  gint64 bad_seq; /* the first row that does not: 0 when intact */
  char *problem;  /* in words, naming the bench and the row; NULL when intact */
} PbSupervisionChain;

typedef struct
{
  GPtrArray *entries; /* (element-type PbAuditEntry): oldest first, each with its bench */
  GStrv benches;      /* every bench's name */
  GPtrArray *chains;  /* (element-type PbSupervisionChain): each bench's chain, verified */
} PbSupervisionAudit;

void pb_supervision_audit_free (PbSupervisionAudit *audit);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PbSupervisionAudit, pb_supervision_audit_free)

/* Every bench's audit rows that @filter selects (only @bench's when not
 * NULL), with every chain verified. This bench's rows are pushed first. */
PbSupervisionAudit *pb_site_supervision_audit (PbStore *store, const PbAuditFilter *filter,
                                               const char *bench, GError **error);

typedef struct
{
  char *order_id;
  char *tracking_number;
  char *bench;
  char *operator_name;
  gint64 labelled_at;
} PbSupervisionLabel;

void pb_supervision_label_free (PbSupervisionLabel *label);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PbSupervisionLabel, pb_supervision_label_free)

typedef struct
{
  gint64 number;  /* Royal Mail's manifest number */
  guint n_labels; /* every bench's labels in it */
  guint n_here;   /* of those, this bench's */
  gint64 newest;  /* the newest of its labels (unix time) */
} PbSupervisionManifest;

/* End of Day: first marks this bench's labels that a manifest made at
 * another bench covers (pb_ship_finish_in_site), then gives every bench's
 * labels in no manifest yet (@labels, element-type PbSupervisionLabel,
 * oldest first) and the site's manifests of labels bought in the last
 * @days days (@manifests, element-type PbSupervisionManifest, newest
 * first), wherever they were made. */
gboolean pb_site_supervision_end_of_day (PbStore *store, guint days, GPtrArray **labels,
                                         GPtrArray **manifests, GError **error);

G_END_DECLS
