/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "store/pb-audit.h"
#include "store/pb-store.h"
#include "util/pb-order-data.h"

G_BEGIN_DECLS

/*
 * The site database: the benches of one business share one PostgreSQL
 * database (site mode). It holds what benches share — order facts without
 * any personal data, claims, shipments, the keyslot document, benches and
 * the sync state — and never a name, an address, a postcode, a phone
 * number, a gift message or a label, not even encrypted. This is the only
 * layer that speaks to it (libpq, parameters only, never SQL built from
 * values). Calls block: use them from the CLI or a worker thread.
 *
 * A bench is in site mode when its store folder has a site file
 * (PB_SITE_CONF_NAME, 0600): the connection URI, the database password,
 * the bench's name and the site's id. It is read before anyone logs in.
 */

#define PB_SITE_CONF_NAME "site.conf"

/* The newest schema this Packbench knows. */
#define PB_SITE_SCHEMA_VERSION 6

#define PB_SITE_ERROR (pb_site_error_quark ())

typedef enum
{
  PB_SITE_ERROR_INSECURE,     /* a network connection without verify-full TLS */
  PB_SITE_ERROR_UNREACHABLE,  /* no connection, or it broke */
  PB_SITE_ERROR_SCHEMA_NEWER, /* the database was set up by a newer Packbench */
  PB_SITE_ERROR_NOT_A_SITE,   /* the database holds no site (create one first) */
  PB_SITE_ERROR_EXISTS,       /* a site, or a bench of that name, is there already */
  PB_SITE_ERROR_CLAIMED,      /* another bench has the order */
  PB_SITE_ERROR_SHIPPED,      /* the order was shipped (at another bench) */
  PB_SITE_ERROR_CANCELLED,    /* Amazon cancelled the order */
  PB_SITE_ERROR_NO_ORDER,     /* the site does not know the order */
  PB_SITE_ERROR_CONFIG,       /* the site file is damaged */
  PB_SITE_ERROR_FAILED,       /* a statement failed */
} PbSiteError;

GQuark pb_site_error_quark (void);

/* The site file beside the store. */
typedef struct
{
  char *uri;      /* a libpq connection URI */
  char *password; /* the database password ("" for none); secret */
  char *bench;    /* this bench's name in the site */
  char *site_id;  /* 32 hex characters */
} PbSiteConfig;

void pb_site_config_free (PbSiteConfig *config);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PbSiteConfig, pb_site_config_free)

/* NULL without an error when @store_dir has no site file (a solo bench). */
PbSiteConfig *pb_site_config_load (const char *store_dir, GError **error);
/* Atomic, mode 0600. */
gboolean pb_site_config_save (const char *store_dir, const PbSiteConfig *config, GError **error);
gboolean pb_site_config_exists (const char *store_dir);
gboolean pb_site_config_remove (const char *store_dir, GError **error);

/* A connection to any host but a local socket must use TLS with
 * sslmode=verify-full; anything else is refused in words. */
gboolean pb_site_check_uri (const char *uri, GError **error);

#define PB_TYPE_SITE (pb_site_get_type ())
G_DECLARE_FINAL_TYPE (PbSite, pb_site, PB, SITE, GObject)

/* Connects, checks the TLS policy and brings the schema up to date (an
 * older Packbench refuses a newer schema). */
PbSite *pb_site_connect (const char *uri, const char *password, GError **error);
/* Connects with the site file of @store_dir, as bench config->bench. NULL
 * without an error on a solo bench. */
PbSite *pb_site_open (const char *store_dir, GError **error);

const char *pb_site_get_bench (PbSite *self);
void pb_site_set_bench (PbSite *self, const char *bench);
int pb_site_get_schema_version (PbSite *self);
gboolean pb_site_is_connected (PbSite *self);
/* The server's address as the connection sees it ("host:port" or the
 * socket folder), for status output. */
char *pb_site_describe_connection (PbSite *self);

/* The site itself: its id, the store id its keyslots belong to, and the
 * keyslot document (the keyslot file's text: wrapped keys, no secret in
 * clear). */
gboolean pb_site_create (PbSite *self, const char *site_id, const char *store_id,
                         const char *keyslots, GError **error);
gboolean pb_site_get_identity (PbSite *self, char **site_id, char **store_id, GError **error);
char *pb_site_get_keyslots (PbSite *self, GError **error);
gboolean pb_site_put_keyslots (PbSite *self, const char *keyslots, GError **error);

/* Benches. Adding a name that is taken is EXISTS. */
gboolean pb_site_add_bench (PbSite *self, const char *name, const char *version, GError **error);
gboolean pb_site_remove_bench (PbSite *self, const char *name, GError **error);
/* Records that this bench is alive, and refreshes its claims' heartbeats. */
gboolean pb_site_heartbeat (PbSite *self, GError **error);

typedef struct
{
  char *name;
  char *version;
  gint64 joined_at;
  gint64 last_seen;
  gint64 removed_at;   /* 0 while it is one of the site's */
  char *printer_state; /* as its heartbeat last found it (PB_SITE_PRINTER_*); NULL: never said */
  gint64 printer_checked_at;
} PbSiteBenchInfo;

void pb_site_bench_info_free (PbSiteBenchInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PbSiteBenchInfo, pb_site_bench_info_free)
/* (element-type PbSiteBenchInfo) (transfer full): every bench the site has
 * had, by name, removed ones too. */
GPtrArray *pb_site_list_benches (PbSite *self, GError **error);

/* One poller per site: TRUE in @leader when this connection holds the
 * site's sync lock (a session advisory lock, released when the connection
 * ends, a crash included). */
gboolean pb_site_try_lead (PbSite *self, gboolean *leader, GError **error);
gboolean pb_site_is_leader (PbSite *self);
/* The bench that runs the site's sync now (@bench NULL when none does). */
gboolean pb_site_get_leader (PbSite *self, char **bench, GError **error);

/* Small named values shared by the site (the sync watermark, when the last
 * sync ran). NULL when unset. */
char *pb_site_get_state (PbSite *self, const char *key, GError **error);
gboolean pb_site_set_state (PbSite *self, const char *key, const char *value, GError **error);

/* Order facts: the id, status, times, items (SKU, quantity), service
 * level and destination class. Nothing of the recipient is read from
 * @order but the country and postcode area, to classify the destination. */
gboolean pb_site_publish_orders (PbSite *self, GPtrArray *orders, GError **error);
/* (element-type PbOrderData): orders changed since @since (a site change
 * number; 0 for all), without any recipient field; @until_out receives the
 * newest change number read. */
GPtrArray *pb_site_list_orders (PbSite *self, gint64 since, gint64 *until_out, GError **error);

/* The destination class of a recipient's country and postcode (no other
 * field is used): "GB", "NI", "CI", "IM", "BFPO", "HI" or the country
 * code of an international order. */
const char *pb_site_destination_class (const char *country_code, const char *postcode);

typedef struct
{
  char *bench;
  char *operator_name;
  gint64 since;   /* Unix seconds */
  gint64 shipped; /* when the shipment was recorded, 0: not shipped */
  char *tracking_number;
  gint64 rm_order_identifier; /* Click & Drop's order of the shipment, 0: none */
} PbSiteClaim;

void pb_site_claim_clear (PbSiteClaim *claim);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PbSiteClaim, pb_site_claim_clear)

/* Claims @order_id for this bench and @operator_name in one statement.
 * CLAIMED (another bench has it), SHIPPED (it has been shipped) or
 * NOT_A_SITE (no such order in the site): the message says who, where and
 * since when; @holder receives the same when not NULL. Claiming an order
 * this bench holds already just refreshes it. */
gboolean pb_site_claim (PbSite *self, const char *order_id, const char *operator_name,
                        PbSiteClaim *holder, GError **error);
/* Claims for this bench and @operator_name the next order nobody holds
 * that can be packed (unshipped, no shipment, no cancellation asked for),
 * the most urgent first (ship-by, then purchase time); with @sku (nullable)
 * only an order with that SKU still to ship. One statement, FOR UPDATE SKIP
 * LOCKED: it never waits on a row another bench is claiming, and two
 * benches never get the same order. TRUE with *@order_id_out NULL when
 * there is none. */
gboolean pb_site_claim_next (PbSite *self, const char *operator_name, const char *sku,
                             char **order_id_out, GError **error);
/* Releases this bench's claim (no-op when it holds none). */
gboolean pb_site_release (PbSite *self, const char *order_id, GError **error);
/* A supervisor frees an order another bench holds: only when that bench
 * has sent no heartbeat for @stale_seconds (0: whatever it last said).
 * @was receives who held it. A shipment is never undone. */
#define PB_SITE_STALE_SECONDS (3 * 60)
gboolean pb_site_release_held (PbSite *self, const char *order_id, gint64 stale_seconds,
                               PbSiteClaim *was, GError **error);
/* A supervisor takes over for this bench and @operator_name an order held
 * by another bench that has sent no heartbeat for @stale_seconds (0:
 * whatever it last said): its claim is released and claimed here in one
 * transaction, the order's row locked. @was receives who held it. Refused
 * in words, changing nothing: NO_ORDER when no bench holds it (or the site
 * does not know it), EXISTS when this bench holds it already, CLAIMED when
 * its bench was heard from lately, SHIPPED when a shipment was begun there
 * (a label may exist: that bench finishes it), CANCELLED when Amazon
 * cancelled it. */
gboolean pb_site_take_over (PbSite *self, const char *order_id, const char *operator_name,
                            gint64 stale_seconds, PbSiteClaim *was, GError **error);
/* Who holds @order_id (bench NULL when nobody). */
gboolean pb_site_get_claim (PbSite *self, const char *order_id, PbSiteClaim *claim, GError **error);

/* The orders still to ship (by Amazon's status) that other benches hold:
 * claimed there, or shipped there (shipped > 0) before Amazon's status
 * says so. (element-type utf8 PbSiteClaim): order id → who has it
 * (tracking_number unset). */
GHashTable *pb_site_list_claims (PbSite *self, GError **error);
void pb_site_claim_free (PbSiteClaim *claim);

/* The label purchase, across benches. Before a label is bought, in one
 * transaction: re-checks this bench's claim and records the shipment as
 * this bench's. A shipment of another bench is SHIPPED; no claim is
 * CLAIMED. A shipment this bench began already (a crash, a retry) is taken
 * up again. The unique shipment row per order is the last line of
 * defence. */
gboolean pb_site_begin_shipment (PbSite *self, const char *order_id, const char *operator_name,
                                 GError **error);
/* Royal Mail refused the label (no label exists): forgets this bench's
 * shipment, so the order can be shipped again, here or elsewhere. Never
 * after an answer was lost. */
gboolean pb_site_abandon_shipment (PbSite *self, const char *order_id, GError **error);
/* The label is bought: records the tracking number and Click & Drop's
 * order, marks the order shipped and releases the claim. An order sent as
 * several parcels gives every parcel's tracking number in @parcel_tracking
 * (parcel 1's is @tracking_number; NULL: one parcel): each parcel is a
 * shipment row of its own, so End of Day counts every label. */
gboolean pb_site_finish_shipment (PbSite *self, const char *order_id, const char *tracking_number,
                                  const char *const *parcel_tracking, gint64 rm_order_identifier,
                                  GError **error);

/* End of Day across the site. */
typedef struct
{
  char *order_id;
  char *tracking_number;
  char *bench;
  char *operator_name;
  gint64 labelled_at;
  gint64 manifest; /* Royal Mail's manifest number; 0: not yet in one */
} PbSiteLabel;

void pb_site_label_free (PbSiteLabel *label);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PbSiteLabel, pb_site_label_free)
/* (element-type PbSiteLabel) (transfer full): every bench's labels (only
 * those in no manifest yet with @unmanifested), oldest first. */
GPtrArray *pb_site_list_labels (PbSite *self, gboolean unmanifested, GError **error);
/* Manifest @number, made at this bench by @operator_name after Click & Drop
 * was asked at @asked_at (unix time): every bench's labels bought by then
 * and in no manifest are in it. @n_labels: how many. */
gboolean pb_site_record_manifest (PbSite *self, gint64 number, const char *operator_name,
                                  gint64 asked_at, guint *n_labels, GError **error);
/* (element-type utf8 gint64*): this bench's orders whose labels are in a
 * manifest, order id → manifest number, for @order_ids only. */
GHashTable *pb_site_manifests_of (PbSite *self, GPtrArray *order_ids, GError **error);

/* The audit log (pb-site-audit.c): every bench's chain, copied there row
 * for row. Push copies this bench's rows the site does not have yet
 * (@n_pushed: how many). */
gboolean pb_site_push_audit (PbSite *self, PbStore *store, guint *n_pushed, GError **error);

typedef struct
{
  char *bench;
  char *chain;    /* the hash of the chain's first row */
  guint64 n_rows; /* rows that verified */
  gint64 bad_seq; /* the first row that does not: 0 when intact */
  char *problem;  /* in words, naming the bench and the row; NULL when intact */
} PbSiteChainCheck;

void pb_site_chain_check_free (PbSiteChainCheck *check);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PbSiteChainCheck, pb_site_chain_check_free)

/* (element-type PbSiteChainCheck) (transfer full): each chain in the site,
 * by bench, walked from its first row; a broken chain does not stop the
 * others being checked. NULL only when the site could not be read. */
GPtrArray *pb_site_verify_audit (PbSite *self, GError **error);
/* (element-type PbAuditEntry) (transfer full): every bench's rows that
 * @filter selects, only @bench's when not NULL, oldest first; each entry's
 * bench is set. */
GPtrArray *pb_site_list_audit (PbSite *self, const PbAuditFilter *filter, const char *bench,
                               GError **error);

/* Supervision across the site (pb-site-problems.c). */

/* The printer states a bench reports with its heartbeat: fixed keywords,
 * never a printer's message (it is the printer's own words). */
#define PB_SITE_PRINTER_READY "ready"
#define PB_SITE_PRINTER_NONE "none"           /* no printer chosen */
#define PB_SITE_PRINTER_NO_SERVER "no-server" /* CUPS cannot be reached */
#define PB_SITE_PRINTER_NOT_FOUND "not-found" /* no such queue */
#define PB_SITE_PRINTER_PAUSED "paused"       /* stopped or rejecting jobs */
#define PB_SITE_PRINTER_MEDIA_EMPTY "media-empty"
#define PB_SITE_PRINTER_MEDIA_JAM "media-jam"
#define PB_SITE_PRINTER_COVER_OPEN "cover-open"
#define PB_SITE_PRINTER_FAILED "failed"
/* Records this bench's printer state (one of the keywords above). */
gboolean pb_site_report_printer (PbSite *self, const char *state, GError **error);

/* Orders held by a bench that has sent no heartbeat for @stale_seconds
 * (this bench's own excepted): (element-type utf8 PbSiteClaim) order id →
 * who holds it. */
GHashTable *pb_site_list_silent_claims (PbSite *self, gint64 stale_seconds, GError **error);

/* Late orders across the site: orders Amazon has as still to ship (not
 * cancelled) whose latest ship-by time is before @now (unix time) and of
 * which no bench has begun a shipment, claimed or not. */
gboolean pb_site_count_late_orders (PbSite *self, gint64 now, guint *n_late, GError **error);

/* (element-type PbSiteLabel) (transfer full): every bench's labels, not
 * voided, of orders Amazon has cancelled (or whose buyer asked to). */
GPtrArray *pb_site_list_cancelled_labels (PbSite *self, GError **error);
/* This bench voided the label of @order_id. */
gboolean pb_site_mark_voided (PbSite *self, const char *order_id, GError **error);

/* A summary of one outbox item of a bench: no error text, no payload. */
typedef struct
{
  char *bench;
  gint64 item; /* the id at its bench */
  char *kind;
  char *order_id; /* NULL: none */
  char *state;
  int attempts;
  gint64 next_attempt_at;
  gboolean failed; /* its last attempt failed */
} PbSiteOutboxItem;

void pb_site_outbox_item_free (PbSiteOutboxItem *item);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PbSiteOutboxItem, pb_site_outbox_item_free)
/* Replaces the site's summary of this bench's outbox by the items of
 * @store's outbox that are not done or discarded. */
gboolean pb_site_push_outbox (PbSite *self, PbStore *store, GError **error);
/* (element-type PbSiteOutboxItem) (transfer full): every bench's, by bench
 * then item. */
GPtrArray *pb_site_list_outbox (PbSite *self, GError **error);

/* People and settings (pb-site-people.c): sealed under @store's master
 * key, which is the site's. Push writes this bench's copy to the site;
 * pull brings the site's into the store (changed settings are audited as
 * @actor's). */
gboolean pb_site_setting_is_shared (const char *key);
gboolean pb_site_push_operators (PbSite *self, PbStore *store, GError **error);
gboolean pb_site_pull_operators (PbSite *self, PbStore *store, GError **error);
gboolean pb_site_push_settings (PbSite *self, PbStore *store, GError **error);
gboolean pb_site_pull_settings (PbSite *self, PbStore *store, const char *actor, GError **error);
/* The catalogue: push publishes the bench's whole catalogue as the site's
 * newest import; pull applies the imports this bench has not applied yet,
 * oldest first. */
gboolean pb_site_push_catalogue (PbSite *self, PbStore *store, GError **error);
gboolean pb_site_pull_catalogue (PbSite *self, PbStore *store, GError **error);
/* The shipping rules: push makes this bench's the site's; pull replaces the
 * bench's by the site's when the site has a newer version. */
gboolean pb_site_push_rules (PbSite *self, PbStore *store, GError **error);
gboolean pb_site_pull_rules (PbSite *self, PbStore *store, GError **error);
/* Only @username's record, or only @key (when it is shared and set): after
 * a change at a bench whose copy of the rest may be older than the site's. */
gboolean pb_site_push_operator (PbSite *self, PbStore *store, const char *username, GError **error);
gboolean pb_site_push_setting (PbSite *self, PbStore *store, const char *key, GError **error);

G_END_DECLS
