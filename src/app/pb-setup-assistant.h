/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "store/pb-session.h"

G_BEGIN_DECLS

/*
 * The first-run assistant, shown when no store exists: the admin (password
 * rules live as they are typed), second-factor enrolment (QR code and the
 * secret in text), the recovery code shown once and confirmed written
 * down, Amazon credentials and marketplace, the Royal Mail API key, the
 * label printer (from CUPS, with a test print) and retention days. Every
 * step after the admin can be skipped and finished later in Preferences.
 *
 * Beside "New bench", "Join a site" makes this bench one more bench of a
 * site (site mode): the database URI and password, the bench's name, and
 * an administrator of the site who logs in here, second factor and all
 * (pb_site_bench_join_login / _complete, in worker threads). A refused
 * URI, a wrong password or a failed step is shown in words and leaves no
 * store behind.
 *
 * "finished" (PbSession *session) fires with the admin's READY session
 * (the new store's, or the joined bench's).
 */

#define PB_TYPE_SETUP_ASSISTANT (pb_setup_assistant_get_type ())
G_DECLARE_FINAL_TYPE (PbSetupAssistant, pb_setup_assistant, PB, SETUP_ASSISTANT, AdwBin)

GtkWidget *pb_setup_assistant_new (const char *store_dir);

G_END_DECLS
