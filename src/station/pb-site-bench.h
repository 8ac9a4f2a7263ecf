/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "site/pb-site.h"
#include "store/pb-session.h"
#include "store/pb-store.h"

G_BEGIN_DECLS

/*
 * This bench and its site: turning a solo bench into the first bench of a
 * site, leaving it, and what the site file and the site database say.
 */

/* Makes the bench whose store is open the first bench of a new site in the
 * database at @uri: the site takes the store's id and keyslots (its master
 * key stays), the bench is added as @bench, the orders' facts are
 * published, and the site file is written last (0600). Audited. */
gboolean pb_site_bench_create (PbStore *store, const char *uri, const char *db_password,
                               const char *bench, const char *operator_name, GError **error);

/* Leaves the site: this bench's claims are released, it is marked removed
 * in the site, and the site file is deleted; the store stays, solo. When
 * the site cannot be reached the bench leaves all the same and says so in
 * @warning. Audited. */
gboolean pb_site_bench_leave (PbStore *store, const char *operator_name, char **warning,
                              GError **error);

typedef struct
{
  gboolean in_site;
  char *site_id;
  char *bench;
  char *connection; /* where, as libpq connected; NULL when not connected */
  char *connection_error;
  char *leader; /* the bench that runs the site's sync, NULL when none */
  int schema_version;
  int known_schema_version;
} PbSiteStatus;

void pb_site_status_clear (PbSiteStatus *status);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PbSiteStatus, pb_site_status_clear)

/* Needs no login: the site file and the site database only. FALSE only
 * when the site file is damaged; an unreachable site is in @status. */
gboolean pb_site_bench_status (const char *store_dir, PbSiteStatus *status, GError **error);

/* Joining, on a new machine: with an administrator's password, makes the
 * store in @dir from the site (its keys, people and settings) — but not
 * the site file yet. The caller then logs in as usual (second factor and
 * all) and calls _finish, or _abort, which removes @dir. */
gboolean pb_site_bench_join_prepare (const char *dir, PbSite *site, const char *username,
                                     const char *password, GError **error);
void pb_site_bench_join_abort (const char *dir);
gboolean pb_site_bench_join_finish (PbStore *store, PbSite *site, const char *uri,
                                    const char *db_password, const char *bench,
                                    const char *operator_name, GError **error);

/* One set of people for the site. Before a login the bench takes the
 * site's keyslots (added, removed and reset operators, lockout counts);
 * after any attempt it gives them back; once the store is open it brings
 * operators and shared settings up to date; after a change it publishes
 * them. */
gboolean pb_site_bench_fetch_keyslots (PbSite *site, const char *dir, GError **error);
gboolean pb_site_bench_publish_keyslots (PbSite *site, const char *dir, GError **error);
gboolean pb_site_bench_pull_people (PbSite *site, PbStore *store, const char *actor,
                                    GError **error);
gboolean pb_site_bench_push_people (PbSite *site, PbStore *store, GError **error);

/* Whether this bench is in a site (its store folder has a site file). */
gboolean pb_site_bench_in_site (PbStore *store);

/* Opening an order at the bench, for the app: from a scan (@code: an
 * order id or an item's barcode, SKU or ASIN), in a worker thread. On a
 * solo bench it is the order pb_pack_find_order_for_code() finds. At a
 * site the order is claimed for this bench and @operator_name first; an
 * item's scan passes over orders other benches hold and claims the next
 * order holding the item; an order's id held elsewhere is refused with who
 * has it (PB_SITE_ERROR_CLAIMED / _SHIPPED). Then this bench fetches the
 * order's recipient from Amazon when it has none. The site out of reach is
 * PB_SITE_ERROR_UNREACHABLE: packing pauses. Finish gives the order id. */
void pb_site_bench_take_order_async (PbStore *store, const char *operator_name, const char *code,
                                     GCancellable *cancellable, GAsyncReadyCallback callback,
                                     gpointer user_data);
char *pb_site_bench_take_order_finish (PbStore *store, GAsyncResult *result, GError **error);
/* Gives the claim back (the order was closed unshipped), in a worker
 * thread; nothing on a solo bench. */
void pb_site_bench_release_order (PbStore *store, const char *order_id);
/* The same, waiting for the site (at most its connect timeout): for the
 * app closing with an order open, when no worker would outlive it. */
void pb_site_bench_release_order_now (PbStore *store, const char *order_id);

/* The last access review. At a site the operators are one set, reviewed
 * once for every bench: the newest review made at any bench (this bench's
 * newest audit rows copied to the site first), @bench saying where. On a
 * solo bench, or when the site is out of reach, this store's own (@bench
 * NULL). @when 0: never reviewed. Blocks: call it in a worker thread. */
gboolean pb_site_bench_last_access_review (PbStore *store, gint64 *when, char **reviewer,
                                           char **bench, GError **error);

/* Re-keying (packbenchctl rekey, the Operators page) on a bench in a site
 * is refused in words, before anything changes: the site's key is every
 * bench's. TRUE on a solo bench. */
gboolean pb_site_bench_check_rekey (PbStore *store, GError **error);

/* Site mode for a login in the app, one step at a time in the login's
 * worker thread, as the CLI does it: the site's keyslots before the
 * attempt (_fetch), people and settings once the store is open
 * (pb_site_bench_login_opened, a PbSessionOpenedFunc for
 * pb_session_login_full() and pb_session_resume_full() with the login as
 * user data), the keyslots back after any attempt (_publish), keyslots and
 * operators after a login that finished (_push). The site out of reach is
 * not a refusal: the bench goes on with its own copy, and the first
 * problem is kept as a warning for the person. One login, kept from step
 * to step (used by one thread at a time), connects once. On a solo bench
 * every call does nothing. */
typedef struct _PbSiteBenchLogin PbSiteBenchLogin;

PbSiteBenchLogin *pb_site_bench_login_new (const char *dir);
void pb_site_bench_login_free (PbSiteBenchLogin *login);
void pb_site_bench_login_fetch (PbSiteBenchLogin *login);
void pb_site_bench_login_opened (PbStore *store, const char *username, gpointer user_data);
void pb_site_bench_login_publish (PbSiteBenchLogin *login);
void pb_site_bench_login_push (PbSiteBenchLogin *login, PbStore *store);
/* The first problem, once; NULL when all went well (or it was taken). */
char *pb_site_bench_login_take_warning (PbSiteBenchLogin *login);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PbSiteBenchLogin, pb_site_bench_login_free)

/* After a change at this bench (in the app), in a worker thread: only
 * @username's keyslot (merged into the site's keyslot document as it is
 * now) and record, or only the setting @key (when it is shared), so that
 * what other benches changed meanwhile stays. Nothing on a solo bench. An
 * error says the site was not told. */
void pb_site_bench_push_operator_async (PbStore *store, const char *username,
                                        GCancellable *cancellable, GAsyncReadyCallback callback,
                                        gpointer user_data);
void pb_site_bench_push_setting_async (PbStore *store, const char *key, GCancellable *cancellable,
                                       GAsyncReadyCallback callback, gpointer user_data);
gboolean pb_site_bench_push_finish (PbStore *store, GAsyncResult *result, GError **error);

/* Joining from the app, in a worker thread. _login checks the URI's TLS
 * policy, connects, makes the store in @dir from the site with an
 * administrator's password (pb_site_bench_join_prepare) and logs in: the
 * session may ask for the second factor next. Nothing is left in @dir on
 * failure. Once the session is READY, _complete checks the permission and
 * calls pb_site_bench_join_finish; after a failure of _complete (or when
 * the person gives up) drop the session, then pb_site_bench_join_abort. */
PbSession *pb_site_bench_join_login (const char *dir, const char *uri, const char *db_password,
                                     const char *username, const char *password, PbSite **site_out,
                                     GError **error);
gboolean pb_site_bench_join_complete (PbSession *session, PbSite *site, const char *uri,
                                      const char *db_password, const char *bench, GError **error);

G_END_DECLS
