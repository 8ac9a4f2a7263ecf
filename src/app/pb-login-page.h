/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "store/pb-session.h"

G_BEGIN_DECLS

/*
 * The log-in page: username (or a scanned PBU: badge) and password, then,
 * when the session asks for them, the code from an authenticator app and a
 * new password with the rules shown live. Unlocking runs in a worker
 * thread. Emits ::logged-in when the session is READY.
 */

#define PB_TYPE_LOGIN_PAGE (pb_login_page_get_type ())
G_DECLARE_FINAL_TYPE (PbLoginPage, pb_login_page, PB, LOGIN_PAGE, GtkWidget)

/* Prefix of the text a badge scanner types for an operator's badge. */
#define PB_BADGE_PREFIX "PBU:"

GtkWidget *pb_login_page_new (const char *store_dir);

const char *pb_login_page_get_store_dir (PbLoginPage *self);

/* The open (locked) session the next login resumes, or NULL: the next
 * login opens the store. */
PbSession *pb_login_page_get_session (PbLoginPage *self);
void pb_login_page_set_session (PbLoginPage *self, PbSession *session);

/* Back to the first stage with empty fields (after a lock). */
void pb_login_page_reset (PbLoginPage *self);

gboolean pb_login_page_get_busy (PbLoginPage *self);

/* "credentials", "totp", "new-password" or "no-store". */
const char *pb_login_page_get_stage_name (PbLoginPage *self);

G_END_DECLS
