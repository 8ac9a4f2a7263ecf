/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "site/pb-site.h"
#include "store/pb-store.h"

G_BEGIN_DECLS

/*
 * Supervising the site from a bench: its benches (the Benches page,
 * packbenchctl site benches), and the problems of every bench (the
 * Problems page). Each call opens the site with @store's site file and
 * blocks: a worker thread or the CLI only. On a solo bench the lists are
 * empty and *in_site is FALSE.
 */

/* Every bench the site has had (element-type PbSiteBenchInfo), and the
 * one running the site's sync now (NULL: none). Needs no login: the
 * store folder's site file only. */
gboolean pb_site_admin_list_benches (const char *store_dir, gboolean *in_site, GPtrArray **benches,
                                     char **leader, GError **error);

/* An administrator removes bench @name, gone for good: its claims are
 * released, its audit chain stays in the site. This bench itself, a bench
 * the site does not know and one removed already are refused in words.
 * Audited ("site.bench_removed") in @operator_name's name. The caller has
 * checked PB_ACTION_MANAGE_SITE. */
gboolean pb_site_admin_remove_bench (PbStore *store, const char *name, const char *operator_name,
                                     GError **error);

typedef struct
{
  gboolean in_site;
  char *bench;          /* this bench's name in the site */
  GHashTable *silent;   /* (element-type utf8 PbSiteClaim): claims of benches gone quiet */
  GPtrArray *cancelled; /* (element-type PbSiteLabel): other benches' labels to void */
  GPtrArray *outbox;    /* (element-type PbSiteOutboxItem): other benches' items */
} PbSiteProblems;

void pb_site_problems_clear (PbSiteProblems *problems);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PbSiteProblems, pb_site_problems_clear)

/* The problems of the other benches of the site: this bench's own come
 * from its store. Outbox items listed are those that failed or stopped. */
gboolean pb_site_admin_list_problems (PbStore *store, PbSiteProblems *problems, GError **error);

/* A supervisor frees @order_id, held by a bench that has gone quiet
 * (PB_SITE_STALE_SECONDS). Audited ("site.claim_released"). The caller has
 * checked PB_ACTION_RELEASE_CLAIM. */
gboolean pb_site_admin_release_claim (PbStore *store, const char *order_id,
                                      const char *operator_name, GError **error);

/* A supervisor takes over @order_id for this bench, in their name
 * (@operator_name), from a bench that has gone quiet
 * (PB_SITE_STALE_SECONDS): pb_site_take_over, refused in words when the
 * order is not held elsewhere, its bench is not quiet, or a label was begun
 * there. Audited ("site.claim_taken_over"). The order then waits at this
 * bench: whoever opens it here packs it. The caller has checked
 * PB_ACTION_RELEASE_CLAIM. */
gboolean pb_site_admin_take_over_claim (PbStore *store, const char *order_id,
                                        const char *operator_name, GError **error);

/* The state of the printer @name (NULL or "": none chosen) as one of the
 * PB_SITE_PRINTER_* keywords, for the heartbeat; asks CUPS. */
const char *pb_site_admin_printer_state (const char *name);

G_END_DECLS
