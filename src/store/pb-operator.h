/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "pb-permissions.h"
#include "pb-store.h"

G_BEGIN_DECLS

/*
 * An operator as stored inside the encrypted database. Names, roles and
 * TOTP secrets live only there; the keyslot file knows just the username.
 */

#define PB_TYPE_OPERATOR (pb_operator_get_type ())
G_DECLARE_FINAL_TYPE (PbOperator, pb_operator, PB, OPERATOR, GObject)

const char *pb_operator_get_username (PbOperator *self);
const char *pb_operator_get_full_name (PbOperator *self);
PbRole pb_operator_get_role (PbOperator *self);
gboolean pb_operator_get_disabled (PbOperator *self);
gboolean pb_operator_has_totp (PbOperator *self);
gint64 pb_operator_get_password_changed_at (PbOperator *self);
gboolean pb_operator_get_must_change_password (PbOperator *self);
gint64 pb_operator_get_created_at (PbOperator *self);
gint64 pb_operator_get_last_login_at (PbOperator *self);

/* NULL without an error when there is no such operator. */
PbOperator *pb_operator_find (PbStore *store, const char *username, GError **error);
/* (element-type PbOperator) (transfer full): sorted by username. */
GPtrArray *pb_operator_list (PbStore *store, GError **error);

gboolean pb_operator_insert (PbStore *store, const char *username, const char *full_name,
                             PbRole role, const char *totp_secret, gboolean must_change_password,
                             GError **error);

/* The TOTP secret, for verifying a code; free with pb_secure_free_string. */
char *pb_operator_dup_totp_secret (PbStore *store, const char *username);
gint64 pb_operator_get_totp_last_step (PbStore *store, const char *username);

gboolean pb_operator_set_totp (PbStore *store, const char *username, const char *secret,
                               GError **error);
gboolean pb_operator_set_totp_last_step (PbStore *store, const char *username, gint64 step,
                                         GError **error);
gboolean pb_operator_set_disabled (PbStore *store, const char *username, gboolean disabled,
                                   GError **error);
gboolean pb_operator_set_role (PbStore *store, const char *username, PbRole role, GError **error);
gboolean pb_operator_set_password_changed (PbStore *store, const char *username, gint64 when,
                                           gboolean must_change, GError **error);
gboolean pb_operator_set_last_login (PbStore *store, const char *username, gint64 when,
                                     GError **error);

G_END_DECLS
