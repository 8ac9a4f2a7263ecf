/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "pb-store.h"

G_BEGIN_DECLS

/* The schema version this build writes. */
int pb_migrations_latest (void);

/* Brings the database to the latest schema: numbered, forward-only steps,
 * each inside its own transaction. A database newer than this build is
 * refused. SQL runs on SQLCipher 4 (4.6.1: SQLite 3.46); a store written by
 * SQLCipher 3 is converted to 4's format before these run. */
gboolean pb_migrations_run (PbStore *store, GError **error);

G_END_DECLS
