/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "pb-page.h"

#include "station/pb-station.h"
#include "store/pb-session.h"

G_BEGIN_DECLS

/*
 * The benches of the site, for administrators: each bench's name,
 * Packbench version, when it was last heard from, whether it runs the
 * site's sync, and its printer as its last heartbeat found it; "Remove
 * Bench" (with a confirmation) for a bench gone for good. Shown only at a
 * bench in a site.
 */

#define PB_TYPE_BENCHES_PAGE (pb_benches_page_get_type ())
G_DECLARE_FINAL_TYPE (PbBenchesPage, pb_benches_page, PB, BENCHES_PAGE, PbPage)

GtkWidget *pb_benches_page_new (PbSession *session, PbStation *station);

G_END_DECLS
