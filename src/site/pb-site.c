/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <libpq-fe.h>
#include <errno.h>
#include <string.h>

#include "pb-site-private.h"
#include "pb-site.h"
#include "util/pb-secure.h"

G_DEFINE_QUARK (pb - site - error - quark, pb_site_error)

/* Advisory lock keys: "PBSY" (the site's one poller) and "PBMG" (schema
 * migrations), as 32-bit ASCII. */
#define LOCK_SYNC 0x50425359
#define LOCK_MIGRATE 0x50424d47

#define CONF_GROUP "site"

struct _PbSite
{
  GObject parent_instance;

  PGconn *conn;
  char *bench;
  int schema_version;
  gboolean leader;
};

G_DEFINE_FINAL_TYPE (PbSite, pb_site, G_TYPE_OBJECT)

/* ---- the site file ---------------------------------------------------- */

void
pb_site_config_free (PbSiteConfig *config)
{
  if (config == NULL)
    return;
  g_free (config->uri);
  if (config->password != NULL)
    pb_secure_free_string (config->password);
  g_free (config->bench);
  g_free (config->site_id);
  g_free (config);
}

static char *
config_path (const char *store_dir)
{
  return g_build_filename (store_dir, PB_SITE_CONF_NAME, NULL);
}

gboolean
pb_site_config_exists (const char *store_dir)
{
  g_autofree char *path = config_path (store_dir);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

PbSiteConfig *
pb_site_config_load (const char *store_dir, GError **error)
{
  g_autofree char *path = config_path (store_dir);
  g_autoptr (GKeyFile) file = g_key_file_new ();
  g_autoptr (GError) local_error = NULL;
  g_autoptr (PbSiteConfig) config = g_new0 (PbSiteConfig, 1);

  if (!g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return NULL;
      g_set_error (error, PB_SITE_ERROR, PB_SITE_ERROR_CONFIG,
                   _ ("The site file %s cannot be read: %s"), path, local_error->message);
      return NULL;
    }
  config->uri = g_key_file_get_string (file, CONF_GROUP, "uri", NULL);
  config->password = g_key_file_get_string (file, CONF_GROUP, "password", NULL);
  config->bench = g_key_file_get_string (file, CONF_GROUP, "bench", NULL);
  config->site_id = g_key_file_get_string (file, CONF_GROUP, "site_id", NULL);
  if (config->uri == NULL || config->bench == NULL || config->site_id == NULL)
    {
      g_set_error (error, PB_SITE_ERROR, PB_SITE_ERROR_CONFIG,
                   _ ("The site file %s is incomplete. Join the site again."), path);
      return NULL;
    }
  if (config->password == NULL)
    config->password = g_strdup ("");
  return g_steal_pointer (&config);
}

gboolean
pb_site_config_save (const char *store_dir, const PbSiteConfig *config, GError **error)
{
  g_autofree char *path = config_path (store_dir);
  g_autoptr (GKeyFile) file = g_key_file_new ();
  g_autofree char *text = NULL;
  gsize length = 0;
  gboolean ok;

  g_key_file_set_string (file, CONF_GROUP, "uri", config->uri);
  g_key_file_set_string (file, CONF_GROUP, "password", config->password ? config->password : "");
  g_key_file_set_string (file, CONF_GROUP, "bench", config->bench);
  g_key_file_set_string (file, CONF_GROUP, "site_id", config->site_id);
  text = g_key_file_to_data (file, &length, NULL);
  ok = g_file_set_contents_full (path, text, (gssize)length,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE, 0600,
                                 error);
  pb_secure_wipe (text, length);
  return ok;
}

gboolean
pb_site_config_remove (const char *store_dir, GError **error)
{
  g_autofree char *path = config_path (store_dir);

  if (g_unlink (path) != 0 && errno != ENOENT)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), _ ("Cannot remove %s: %s"),
                   path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/* ---- connecting ------------------------------------------------------- */

static gboolean
is_local_host (const char *host)
{
  /* No host (the default socket folder), or a socket folder. */
  return host == NULL || *host == '\0' || host[0] == '/' || host[0] == '@';
}

gboolean
pb_site_check_uri (const char *uri, GError **error)
{
  char *parse_error = NULL;
  PQconninfoOption *options = PQconninfoParse (uri, &parse_error);
  const char *host = NULL;
  const char *hostaddr = NULL;
  const char *sslmode = NULL;
  gboolean local = TRUE;

  if (options == NULL)
    {
      g_set_error (error, PB_SITE_ERROR, PB_SITE_ERROR_CONFIG,
                   _ ("That is not a PostgreSQL connection URI (%s)."),
                   parse_error ? g_strstrip (parse_error) : "");
      PQfreemem (parse_error);
      return FALSE;
    }
  for (PQconninfoOption *option = options; option->keyword != NULL; option++)
    {
      if (g_str_equal (option->keyword, "host"))
        host = option->val;
      else if (g_str_equal (option->keyword, "hostaddr"))
        hostaddr = option->val;
      else if (g_str_equal (option->keyword, "sslmode"))
        sslmode = option->val;
    }
  if (hostaddr != NULL && *hostaddr != '\0')
    local = FALSE;
  else if (host != NULL)
    {
      g_auto (GStrv) hosts = g_strsplit (host, ",", -1);

      for (guint i = 0; hosts[i] != NULL; i++)
        local = local && is_local_host (hosts[i]);
    }
  if (!local && g_strcmp0 (sslmode, "verify-full") != 0)
    {
      g_set_error (error, PB_SITE_ERROR, PB_SITE_ERROR_INSECURE,
                   _ ("The site database is reached over the network, so the connection must "
                      "check the server’s certificate: add sslmode=verify-full and "
                      "sslrootcert=CA-FILE to the URI (it has sslmode=%s)."),
                   sslmode ? sslmode : "prefer");
      PQconninfoFree (options);
      return FALSE;
    }
  PQconninfoFree (options);
  return TRUE;
}

static void
set_conn_error (PGconn *conn, GError **error, PbSiteError code, const char *what)
{
  const char *message = conn ? PQerrorMessage (conn) : "";
  g_autofree char *text = g_strstrip (g_strdup (message ? message : ""));

  if (conn != NULL && PQstatus (conn) != CONNECTION_OK)
    code = PB_SITE_ERROR_UNREACHABLE;
  g_set_error (error, PB_SITE_ERROR, code, "%s: %s", what, text);
}

void
pb_site_set_pq_error (PbSite *self, GError **error, PbSiteError code, const char *what)
{
  set_conn_error (self->conn, error, code, what);
}

PGresult *
pb_site_exec (PbSite *self, const char *what, const char *sql, int n_params,
              const char *const *params, GError **error)
{
  PGresult *result;
  ExecStatusType status;

  if (self->conn == NULL)
    {
      g_set_error (error, PB_SITE_ERROR, PB_SITE_ERROR_UNREACHABLE,
                   _ ("The site database is not connected."));
      return NULL;
    }
  result = PQexecParams (self->conn, sql, n_params, NULL, params, NULL, NULL, 0);
  status = PQresultStatus (result);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    {
      const char *state = PQresultErrorField (result, PG_DIAG_SQLSTATE);

      /* 23505: unique_violation. */
      pb_site_set_pq_error (
          self, error,
          g_strcmp0 (state, "23505") == 0 ? PB_SITE_ERROR_EXISTS : PB_SITE_ERROR_FAILED, what);
      PQclear (result);
      return NULL;
    }
  return result;
}

gboolean
pb_site_run (PbSite *self, const char *what, const char *sql, int n_params,
             const char *const *params, GError **error)
{
  PGresult *result = pb_site_exec (self, what, sql, n_params, params, error);

  if (result == NULL)
    return FALSE;
  PQclear (result);
  return TRUE;
}

gboolean
pb_site_begin (PbSite *self, GError **error)
{
  return pb_site_run (self, _ ("Starting a transaction"), "BEGIN", 0, NULL, error);
}

PGresult *
pb_site_exec_quick (PbSite *self, const char *what, const char *sql, int n_params,
                    const char *const *params, GError **error)
{
  g_autoptr (PGresult) begun = NULL;
  PGresult *result;

  if (self->conn == NULL)
    return pb_site_exec (self, what, sql, n_params, params, error);
  /* One round trip for both: the simple protocol takes several commands. */
  begun = PQexec (self->conn, "BEGIN; SET LOCAL synchronous_commit = off");
  if (PQresultStatus (begun) != PGRES_COMMAND_OK)
    {
      pb_site_set_pq_error (self, error, PB_SITE_ERROR_FAILED, what);
      pb_site_rollback (self);
      return NULL;
    }
  result = pb_site_exec (self, what, sql, n_params, params, error);
  if (result == NULL || !pb_site_commit (self, error))
    {
      g_clear_pointer (&result, PQclear);
      pb_site_rollback (self);
      return NULL;
    }
  return result;
}

gboolean
pb_site_commit (PbSite *self, GError **error)
{
  return pb_site_run (self, _ ("Committing a transaction"), "COMMIT", 0, NULL, error);
}

void
pb_site_rollback (PbSite *self)
{
  if (self->conn != NULL && PQtransactionStatus (self->conn) != PQTRANS_IDLE)
    {
      PGresult *result = PQexec (self->conn, "ROLLBACK");

      PQclear (result);
    }
}

PGconn *
pb_site_get_conn (PbSite *self)
{
  return self->conn;
}

/* Several statements at once (the simple protocol; no parameters). */
static gboolean
run_script (PbSite *self, const char *sql, GError **error)
{
  PGresult *result = PQexec (self->conn, sql);
  gboolean ok = PQresultStatus (result) == PGRES_COMMAND_OK;

  if (!ok)
    pb_site_set_pq_error (self, error, PB_SITE_ERROR_FAILED, _ ("Updating the site database"));
  PQclear (result);
  return ok;
}

static gboolean
migrate (PbSite *self, GError **error)
{
  g_autofree char *lock = g_strdup_printf ("%d", LOCK_MIGRATE);
  const char *lock_params[] = { lock };
  PGresult *result;
  int version;

  if (!pb_site_begin (self, error))
    return FALSE;
  /* One bench at a time brings the schema up; the others wait here, then
   * find it done. */
  if (!pb_site_run (self, _ ("Waiting for another bench’s schema update"),
                    "SELECT pg_advisory_xact_lock ($1::integer)", 1, lock_params, error)
      || !pb_site_run (self, _ ("Reading the site’s schema version"),
                       "CREATE TABLE IF NOT EXISTS packbench_schema ("
                       " version integer PRIMARY KEY,"
                       " applied_at timestamptz NOT NULL DEFAULT now ())",
                       0, NULL, error))
    goto fail;
  result
      = pb_site_exec (self, _ ("Reading the site’s schema version"),
                      "SELECT coalesce (max (version), 0) FROM packbench_schema", 0, NULL, error);
  if (result == NULL)
    goto fail;
  version = atoi (PQgetvalue (result, 0, 0));
  PQclear (result);

  if (version > PB_SITE_SCHEMA_VERSION)
    {
      g_set_error (error, PB_SITE_ERROR, PB_SITE_ERROR_SCHEMA_NEWER,
                   _ ("The site database was set up by a newer Packbench (schema %d; this bench "
                      "knows up to %d). Update Packbench on this bench."),
                   version, PB_SITE_SCHEMA_VERSION);
      goto fail;
    }
  for (; version < PB_SITE_SCHEMA_VERSION; version++)
    {
      g_autofree char *next = g_strdup_printf ("%d", version + 1);
      const char *params[] = { next };

      if (!run_script (self, pb_site_migrations[version], error)
          || !pb_site_run (self, _ ("Updating the site database"),
                           "INSERT INTO packbench_schema (version) VALUES ($1::integer)", 1, params,
                           error))
        goto fail;
    }
  if (!pb_site_commit (self, error))
    goto fail;
  self->schema_version = version;
  return TRUE;

fail:
  pb_site_rollback (self);
  return FALSE;
}

static void
ignore_notice (void *data, const char *message)
{
}

PGconn *
pb_site_open_conn (const char *uri, const char *password, const char *application_name,
                   GError **error)
{
  /* Keywords after dbname (the URI) override what the URI says. The
   * keepalives let a connection that sits idle (the leader's, a watch's
   * LISTEN) notice a dead peer in about a minute instead of hours. */
  const char *keywords[] = { "dbname",
                             "connect_timeout",
                             "application_name",
                             "ssl_min_protocol_version",
                             "keepalives",
                             "keepalives_idle",
                             "keepalives_interval",
                             "keepalives_count",
                             "password",
                             NULL };
  const char *values[]
      = { uri, "10", application_name, "TLSv1.2", "1", "30", "10", "3", password, NULL };
  PGconn *conn;
  PGresult *result;

  g_return_val_if_fail (uri != NULL && application_name != NULL, NULL);

  if (!pb_site_check_uri (uri, error))
    return NULL;
  /* With no password the list ends before the password keyword. */
  if (password == NULL || *password == '\0')
    keywords[8] = values[8] = NULL;
  conn = PQconnectdbParams (keywords, values, 1);
  if (conn == NULL || PQstatus (conn) != CONNECTION_OK)
    {
      set_conn_error (conn, error, PB_SITE_ERROR_UNREACHABLE,
                      _ ("Cannot connect to the site database"));
      if (conn != NULL)
        PQfinish (conn);
      return NULL;
    }
  if (!is_local_host (PQhost (conn)) && !PQsslInUse (conn))
    {
      g_set_error (error, PB_SITE_ERROR, PB_SITE_ERROR_INSECURE,
                   _ ("The connection to the site database is not encrypted."));
      PQfinish (conn);
      return NULL;
    }
  /* The server's notices ("already exists, skipping") are not for users. */
  PQsetNoticeProcessor (conn, ignore_notice, NULL);
  /* Times are read as Unix seconds; keep the session's zone fixed. */
  result = PQexec (conn, "SET TIME ZONE 'UTC'");
  PQclear (result);
  return conn;
}

PbSite *
pb_site_connect (const char *uri, const char *password, GError **error)
{
  g_autoptr (PbSite) self = NULL;
  PGconn *conn;

  g_return_val_if_fail (uri != NULL, NULL);

  conn = pb_site_open_conn (uri, password, "packbench", error);
  if (conn == NULL)
    return NULL;
  self = g_object_new (PB_TYPE_SITE, NULL);
  self->conn = conn;
  if (!migrate (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

PbSite *
pb_site_open (const char *store_dir, GError **error)
{
  g_autoptr (PbSiteConfig) config = NULL;
  g_autoptr (GError) local_error = NULL;
  PbSite *site;

  config = pb_site_config_load (store_dir, &local_error);
  if (config == NULL)
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  site = pb_site_connect (config->uri, config->password, error);
  if (site == NULL)
    return NULL;
  pb_site_set_bench (site, config->bench);
  return site;
}

const char *
pb_site_get_bench (PbSite *self)
{
  g_return_val_if_fail (PB_IS_SITE (self), NULL);
  return self->bench;
}

void
pb_site_set_bench (PbSite *self, const char *bench)
{
  g_return_if_fail (PB_IS_SITE (self));
  g_free (self->bench);
  self->bench = g_strdup (bench);
}

int
pb_site_get_schema_version (PbSite *self)
{
  g_return_val_if_fail (PB_IS_SITE (self), 0);
  return self->schema_version;
}

gboolean
pb_site_is_connected (PbSite *self)
{
  g_return_val_if_fail (PB_IS_SITE (self), FALSE);
  return self->conn != NULL && PQstatus (self->conn) == CONNECTION_OK;
}

char *
pb_site_describe_connection (PbSite *self)
{
  const char *host;

  g_return_val_if_fail (PB_IS_SITE (self), NULL);
  if (self->conn == NULL)
    return g_strdup ("");
  host = PQhost (self->conn);
  if (is_local_host (host))
    return g_strdup_printf ("%s (socket)", host && *host ? host : "default");
  return g_strdup_printf ("%s:%s%s", host, PQport (self->conn),
                          PQsslInUse (self->conn) ? " TLS" : "");
}

/* ---- the site and its benches ----------------------------------------- */

gboolean
pb_site_create (PbSite *self, const char *site_id, const char *store_id, const char *keyslots,
                GError **error)
{
  const char *params[] = { site_id, store_id, keyslots };
  g_autoptr (GError) local_error = NULL;

  g_return_val_if_fail (PB_IS_SITE (self), FALSE);

  if (!pb_site_run (self, _ ("Creating the site"),
                    "INSERT INTO site (id, site_id, store_id, keyslots) VALUES (1, $1, $2, $3)", 3,
                    params, &local_error))
    {
      if (g_error_matches (local_error, PB_SITE_ERROR, PB_SITE_ERROR_EXISTS))
        g_set_error (error, PB_SITE_ERROR, PB_SITE_ERROR_EXISTS,
                     _ ("That database holds a site already. Join it instead "
                        "(packbenchctl site join)."));
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

gboolean
pb_site_get_identity (PbSite *self, char **site_id, char **store_id, GError **error)
{
  PGresult *result
      = pb_site_exec (self, _ ("Reading the site"),
                      "SELECT site_id, store_id FROM site WHERE id = 1", 0, NULL, error);

  if (result == NULL)
    return FALSE;
  if (PQntuples (result) == 0)
    {
      PQclear (result);
      g_set_error (error, PB_SITE_ERROR, PB_SITE_ERROR_NOT_A_SITE,
                   _ ("That database holds no site yet. Create one from the first bench "
                      "(packbenchctl site create)."));
      return FALSE;
    }
  if (site_id)
    *site_id = g_strdup (PQgetvalue (result, 0, 0));
  if (store_id)
    *store_id = g_strdup (PQgetvalue (result, 0, 1));
  PQclear (result);
  return TRUE;
}

char *
pb_site_get_keyslots (PbSite *self, GError **error)
{
  PGresult *result = pb_site_exec (self, _ ("Reading the site’s keyslots"),
                                   "SELECT keyslots FROM site WHERE id = 1", 0, NULL, error);
  char *text;

  if (result == NULL)
    return NULL;
  if (PQntuples (result) == 0)
    {
      PQclear (result);
      g_set_error (error, PB_SITE_ERROR, PB_SITE_ERROR_NOT_A_SITE,
                   _ ("That database holds no site yet. Create one from the first bench "
                      "(packbenchctl site create)."));
      return NULL;
    }
  text = g_strdup (PQgetvalue (result, 0, 0));
  PQclear (result);
  return text;
}

gboolean
pb_site_put_keyslots (PbSite *self, const char *keyslots, GError **error)
{
  const char *params[] = { keyslots };

  return pb_site_run (self, _ ("Saving the site’s keyslots"),
                      "UPDATE site SET keyslots = $1 WHERE id = 1", 1, params, error);
}

gboolean
pb_site_add_bench (PbSite *self, const char *name, const char *version, GError **error)
{
  const char *params[] = { name, version };
  g_autoptr (PGresult) result = NULL;

  /* A name is taken while its bench is in the site; a bench that left may
   * come back under its name. */
  result = pb_site_exec (self, _ ("Adding the bench"),
                         "INSERT INTO benches (name, version, joined_at, last_seen)"
                         " VALUES ($1, $2, now (), now ())"
                         " ON CONFLICT (name) DO UPDATE SET version = excluded.version,"
                         " joined_at = now (), last_seen = now (), removed_at = NULL"
                         " WHERE benches.removed_at IS NOT NULL RETURNING name",
                         2, params, error);
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) == 0)
    {
      g_set_error (error, PB_SITE_ERROR, PB_SITE_ERROR_EXISTS,
                   _ ("The site has a bench called “%s” already. Choose another name."), name);
      return FALSE;
    }
  return TRUE;
}

gboolean
pb_site_remove_bench (PbSite *self, const char *name, GError **error)
{
  const char *params[] = { name };

  if (!pb_site_begin (self, error))
    return FALSE;
  if (!pb_site_run (self, _ ("Releasing the bench’s claims"),
                    "UPDATE orders SET claimed_by = NULL, claimed_operator = NULL,"
                    " claimed_at = NULL, change = nextval ('order_change')"
                    " WHERE claimed_by = $1",
                    1, params, error)
      || !pb_site_run (self, _ ("Removing the bench"),
                       "UPDATE benches SET removed_at = now () WHERE name = $1", 1, params, error)
      || !pb_site_run (self, _ ("Removing the bench"), "NOTIFY packbench_queue", 0, NULL, error)
      || !pb_site_commit (self, error))
    {
      pb_site_rollback (self);
      return FALSE;
    }
  return TRUE;
}

gboolean
pb_site_heartbeat (PbSite *self, GError **error)
{
  const char *params[] = { self->bench };

  return pb_site_run (self, _ ("Telling the site this bench is alive"),
                      "WITH b AS (UPDATE benches SET last_seen = now () WHERE name = $1)"
                      " UPDATE orders SET heartbeat_at = now () WHERE claimed_by = $1",
                      1, params, error);
}

void
pb_site_bench_info_free (PbSiteBenchInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->name);
  g_free (info->version);
  g_free (info->printer_state);
  g_free (info);
}

gint64
pb_site_int64_value (PGresult *result, int row, int column)
{
  if (PQgetisnull (result, row, column))
    return 0;
  return g_ascii_strtoll (PQgetvalue (result, row, column), NULL, 10);
}

char *
pb_site_text_value (PGresult *result, int row, int column)
{
  if (PQgetisnull (result, row, column))
    return NULL;
  return g_strdup (PQgetvalue (result, row, column));
}

GPtrArray *
pb_site_list_benches (PbSite *self, GError **error)
{
  g_autoptr (GPtrArray) benches
      = g_ptr_array_new_with_free_func ((GDestroyNotify)pb_site_bench_info_free);
  g_autoptr (PGresult) result = NULL;

  g_return_val_if_fail (PB_IS_SITE (self), NULL);

  result = pb_site_exec (self, _ ("Reading the site’s benches"),
                         "SELECT name, coalesce (version, ''),"
                         " extract (epoch FROM joined_at)::bigint,"
                         " extract (epoch FROM last_seen)::bigint,"
                         " extract (epoch FROM removed_at)::bigint,"
                         " printer_state,"
                         " extract (epoch FROM printer_checked_at)::bigint"
                         " FROM benches ORDER BY name",
                         0, NULL, error);
  if (result == NULL)
    return NULL;
  for (int row = 0; row < PQntuples (result); row++)
    {
      PbSiteBenchInfo *info = g_new0 (PbSiteBenchInfo, 1);

      info->name = g_strdup (PQgetvalue (result, row, 0));
      info->version = g_strdup (PQgetvalue (result, row, 1));
      info->joined_at = pb_site_int64_value (result, row, 2);
      info->last_seen = pb_site_int64_value (result, row, 3);
      info->removed_at = pb_site_int64_value (result, row, 4);
      info->printer_state
          = PQgetisnull (result, row, 5) ? NULL : g_strdup (PQgetvalue (result, row, 5));
      info->printer_checked_at = pb_site_int64_value (result, row, 6);
      g_ptr_array_add (benches, info);
    }
  return g_steal_pointer (&benches);
}

/* ---- the one poller --------------------------------------------------- */

gboolean
pb_site_try_lead (PbSite *self, gboolean *leader, GError **error)
{
  g_autofree char *key = g_strdup_printf ("%d", LOCK_SYNC);
  const char *params[] = { key };
  PGresult *result;

  g_return_val_if_fail (PB_IS_SITE (self), FALSE);

  if (self->leader)
    {
      *leader = TRUE;
      return TRUE;
    }
  result = pb_site_exec (self, _ ("Asking to run the site’s sync"),
                         "SELECT pg_try_advisory_lock ($1::integer)", 1, params, error);
  if (result == NULL)
    return FALSE;
  self->leader = g_str_equal (PQgetvalue (result, 0, 0), "t");
  PQclear (result);
  if (self->leader && self->bench != NULL)
    pb_site_set_state (self, "sync.leader", self->bench, NULL);
  *leader = self->leader;
  return TRUE;
}

gboolean
pb_site_get_leader (PbSite *self, char **bench, GError **error)
{
  g_autofree char *key = g_strdup_printf ("%d", LOCK_SYNC);
  const char *params[] = { key };
  PGresult *result;
  gboolean held;

  *bench = NULL;
  /* A bigint advisory key shows in pg_locks as classid (high half), objid
   * (low half) and objsubid 1. */
  result = pb_site_exec (self, _ ("Asking which bench runs the site’s sync"),
                         "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory'"
                         " AND classid = 0 AND objid = $1::integer AND objsubid = 1 AND granted"
                         " AND database = (SELECT oid FROM pg_database"
                         "  WHERE datname = current_database ()))",
                         1, params, error);
  if (result == NULL)
    return FALSE;
  held = g_str_equal (PQgetvalue (result, 0, 0), "t");
  PQclear (result);
  if (held)
    {
      g_autoptr (GError) local_error = NULL;

      *bench = pb_site_get_state (self, "sync.leader", &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
pb_site_is_leader (PbSite *self)
{
  g_return_val_if_fail (PB_IS_SITE (self), FALSE);
  return self->leader;
}

char *
pb_site_get_state (PbSite *self, const char *key, GError **error)
{
  const char *params[] = { key };
  PGresult *result = pb_site_exec (self, _ ("Reading the site’s sync state"),
                                   "SELECT value FROM sync_state WHERE key = $1", 1, params, error);
  char *value = NULL;

  if (result == NULL)
    return NULL;
  if (PQntuples (result) > 0 && !PQgetisnull (result, 0, 0))
    value = g_strdup (PQgetvalue (result, 0, 0));
  PQclear (result);
  return value;
}

gboolean
pb_site_set_state (PbSite *self, const char *key, const char *value, GError **error)
{
  const char *params[] = { key, value };

  return pb_site_run (self, _ ("Saving the site’s sync state"),
                      "INSERT INTO sync_state (key, value) VALUES ($1, $2)"
                      " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                      2, params, error);
}

/* ---- finalize --------------------------------------------------------- */

static void
pb_site_finalize (GObject *object)
{
  PbSite *self = PB_SITE (object);

  if (self->conn != NULL)
    PQfinish (self->conn);
  g_free (self->bench);
  G_OBJECT_CLASS (pb_site_parent_class)->finalize (object);
}

static void
pb_site_class_init (PbSiteClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pb_site_finalize;
}

static void
pb_site_init (PbSite *self)
{
}
