/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libpq-fe.h>

#include "pb-site.h"

G_BEGIN_DECLS

/* The schema, one forward-only step per version: pb_site_migrations[N]
 * takes the schema from version N to N + 1. */
extern const char *const pb_site_migrations[PB_SITE_SCHEMA_VERSION];

PGconn *pb_site_get_conn (PbSite *self);

/* A new connection to the site database under the site's TLS policy
 * (pb_site_check_uri, then TLS in use unless on a local socket), with the
 * session set up as every site connection has it. Blocks: a worker thread
 * or the CLI only. @password may be NULL. */
PGconn *pb_site_open_conn (const char *uri, const char *password, const char *application_name,
                           GError **error);

/* Runs one parameterised statement; NULL (and @error, saying @what) unless
 * it succeeded. A unique violation is PB_SITE_ERROR_EXISTS, a lost
 * connection PB_SITE_ERROR_UNREACHABLE. */
PGresult *pb_site_exec (PbSite *self, const char *what, const char *sql, int n_params,
                        const char *const *params, GError **error);
gboolean pb_site_run (PbSite *self, const char *what, const char *sql, int n_params,
                      const char *const *params, GError **error);
void pb_site_set_pq_error (PbSite *self, GError **error, PbSiteError code, const char *what);

/* A column of @result's @row: 0 or NULL when it is NULL. */
gint64 pb_site_int64_value (PGresult *result, int row, int column);
char *pb_site_text_value (PGresult *result, int row, int column);
/* (element-type PbSiteLabel) (transfer full): @result's rows of
 * order_id, tracking_number, bench, operator, labelled_at (Unix time) and
 * manifest (0: none). */
GPtrArray *pb_site_labels_from_result (PGresult *result);

gboolean pb_site_begin (PbSite *self, GError **error);
/* @sql alone in a transaction whose commit does not wait for the site's
 * disk (synchronous_commit off): a server crash may forget it, never
 * half-apply it. Only for what a durable step checks again (claims). */
PGresult *pb_site_exec_quick (PbSite *self, const char *what, const char *sql, int n_params,
                              const char *const *params, GError **error);
gboolean pb_site_commit (PbSite *self, GError **error);
void pb_site_rollback (PbSite *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)

G_END_DECLS
