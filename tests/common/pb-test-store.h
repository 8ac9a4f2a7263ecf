/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "store/pb-orders.h"
#include "store/pb-session.h"
#include "store/pb-store.h"

G_BEGIN_DECLS

/*
 * Stores for the C tests (unit, integration and GUI): a store in a fresh
 * temp folder, and orders as a sync would store them. Every step asserts.
 */

#define PB_TEST_ADMIN_PASSWORD "Correct-Horse-42!"

/* A new store with a random key in a new temp folder made from @tmpl
 * (g_dir_make_tmp); @dir receives the folder. */
PbStore *pb_test_store_new (const char *tmpl, char **dir);

/* Closes *@store and removes *@dir and all in it. */
void pb_test_store_free (PbStore **store, char **dir);

/* A new store in @root/store (@root a new temp folder made from @tmpl),
 * set up by the admin "admin" (Ada Admin, PB_TEST_ADMIN_PASSWORD) who is
 * logged in. @totp_uri (may be NULL) receives the admin's TOTP URI. */
PbSession *pb_test_session_new (const char *tmpl, char **root, char **totp_uri);

/* Closes *@session and removes *@root and all in it. */
void pb_test_session_free (PbSession **session, char **root);

/* An order on the UK marketplace, shipped to GB, with no items yet. */
PbOrderData *pb_test_order_new (const char *order_id, const char *status, gint64 created,
                                gint64 last_updated, gint64 ship_by);

/* Sets the buyer's name and address (any may be NULL). */
void pb_test_order_set_buyer (PbOrderData *order, const char *name, const char *address_line1,
                              const char *city, const char *postcode);

/* Adds an item; returns it (owned by @order) for more fields. */
PbOrderItemData *pb_test_order_add_item (PbOrderData *order, const char *item_id, const char *sku,
                                         gint quantity);

/* Stores @order as a sync at @now would, in one transaction. */
void pb_test_store_apply (PbStore *store, PbOrderData *order, gint64 now);

/* Stores the order @order_id with @status, last updated at @last_updated:
 * one Tea towel (TEA-1) at 9.99 GBP for Ada Lovelace in London, bought a
 * day before @now and to ship within a day after it. */
void pb_test_store_add_order (PbStore *store, const char *order_id, const char *status,
                              gint64 last_updated, gint64 now);

/* Stores an unshipped order @order_id (one Tea towel, bought a day ago,
 * to ship within a day) for @buyer_name at 7 Quiggle Lane, Leeds LS1 4AP:
 * for the tests that personal data stays out of sight. */
void pb_test_store_add_buyer_order (PbStore *store, const char *order_id, const char *buyer_name);

/* The TOTP code, @offset seconds from now, for the secret in the
 * otpauth:// @uri. */
char *pb_test_totp_code (const char *uri, gint64 offset);

/* How many audit rows record @action. */
guint pb_test_count_audit (PbStore *store, const char *action);

G_END_DECLS
