/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "pb-pack.h"
#include "pb-scan.h"
#include "pb-ship.h"
#include "pb-site-bench.h"
#include "store/pb-audit.h"
#include "store/pb-keyslots.h"
#include "store/pb-orders.h"
#include "store/pb-password-policy.h"
#include "util/pb-secure.h"
#include "util/pb-version.h"

/* The facts of every order the bench has, a page at a time. */
static gboolean
publish_orders (PbStore *store, PbSite *site, GError **error)
{
  g_autoptr (GPtrArray) summaries = pb_orders_list (store, NULL, error);
  g_autoptr (GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify)pb_order_data_free);

  if (summaries == NULL)
    return FALSE;
  for (guint i = 0; i < summaries->len; i++)
    {
      PbOrderSummary *summary = g_ptr_array_index (summaries, i);
      PbOrderData *order = pb_orders_get (store, summary->id, error);

      if (order == NULL)
        return FALSE;
      g_ptr_array_add (page, order);
      if (page->len == 100 || i + 1 == summaries->len)
        {
          if (!pb_site_publish_orders (site, page, error))
            return FALSE;
          g_ptr_array_set_size (page, 0);
        }
    }
  return TRUE;
}

gboolean
pb_site_bench_create (PbStore *store, const char *uri, const char *db_password, const char *bench,
                      const char *operator_name, GError **error)
{
  const char *dir = pb_store_get_dir (store);
  g_autofree char *keyslots_path = pb_store_path (dir, PB_STORE_KEYSLOTS_NAME);
  g_autofree char *keyslots = NULL;
  g_autoptr (PbKeyslotsLock) lock = NULL;
  g_autoptr (PbSite) site = NULL;
  g_autofree char *site_id = NULL;
  guint8 id_bytes[16];
  PbSiteConfig config = { 0 };

  if (pb_site_config_exists (dir))
    {
      g_set_error (error, PB_SITE_ERROR, PB_SITE_ERROR_EXISTS,
                   _ ("This bench is in a site already. Leave it first (packbenchctl site "
                      "leave)."));
      return FALSE;
    }
  site = pb_site_connect (uri, db_password, error);
  if (site == NULL)
    return FALSE;

  pb_random_bytes (id_bytes, sizeof id_bytes);
  site_id = pb_hex_encode (id_bytes, sizeof id_bytes);
  pb_site_set_bench (site, bench);

  /* The keyslots as they are now: nobody changes them meanwhile. */
  lock = pb_keyslots_lock (keyslots_path, error);
  if (lock == NULL || !g_file_get_contents (keyslots_path, &keyslots, NULL, error))
    return FALSE;
  if (!pb_site_create (site, site_id, pb_store_get_store_id (store), keyslots, error))
    return FALSE;
  g_clear_pointer (&lock, pb_keyslots_unlock);

  if (!pb_site_add_bench (site, bench, PACKAGE_VERSION, error)
      || !pb_site_push_operators (site, store, error) || !pb_site_push_settings (site, store, error)
      || !pb_site_push_catalogue (site, store, error) || !pb_site_push_rules (site, store, error)
      || !publish_orders (store, site, error))
    return FALSE;

  config.uri = (char *)uri;
  config.password = (char *)db_password;
  config.bench = (char *)bench;
  config.site_id = site_id;
  if (!pb_site_config_save (dir, &config, error))
    return FALSE;
  return pb_audit_append (store, operator_name, "site.created", bench, "ok", NULL, error);
}

gboolean
pb_site_bench_leave (PbStore *store, const char *operator_name, char **warning, GError **error)
{
  const char *dir = pb_store_get_dir (store);
  g_autoptr (PbSiteConfig) config = pb_site_config_load (dir, error);
  g_autoptr (PbSite) site = NULL;
  g_autoptr (GError) site_error = NULL;

  if (config == NULL)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, PB_SITE_ERROR, PB_SITE_ERROR_NOT_A_SITE,
                     _ ("This bench is not in a site."));
      return FALSE;
    }
  site = pb_site_connect (config->uri, config->password, &site_error);
  if (site != NULL)
    {
      pb_site_set_bench (site, config->bench);
      pb_site_remove_bench (site, config->bench, &site_error);
    }
  if (site_error != NULL && warning != NULL)
    *warning = g_strdup_printf (_ ("The site database could not be told (%s): an administrator "
                                   "can remove bench “%s” there."),
                                site_error->message, config->bench);
  if (!pb_site_config_remove (dir, error))
    return FALSE;
  return pb_audit_append (store, operator_name, "site.left", config->bench,
                          site_error ? "partial" : "ok", NULL, error);
}

void
pb_site_status_clear (PbSiteStatus *status)
{
  g_clear_pointer (&status->site_id, g_free);
  g_clear_pointer (&status->bench, g_free);
  g_clear_pointer (&status->connection, g_free);
  g_clear_pointer (&status->connection_error, g_free);
  g_clear_pointer (&status->leader, g_free);
}

gboolean
pb_site_bench_status (const char *store_dir, PbSiteStatus *status, GError **error)
{
  g_autoptr (PbSiteConfig) config = NULL;
  g_autoptr (PbSite) site = NULL;
  g_autoptr (GError) site_error = NULL;
  g_autoptr (GError) local_error = NULL;

  memset (status, 0, sizeof *status);
  status->known_schema_version = PB_SITE_SCHEMA_VERSION;
  config = pb_site_config_load (store_dir, &local_error);
  if (config == NULL)
    {
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      return TRUE;
    }
  status->in_site = TRUE;
  status->site_id = g_strdup (config->site_id);
  status->bench = g_strdup (config->bench);
  site = pb_site_connect (config->uri, config->password, &site_error);
  if (site != NULL)
    {
      status->connection = pb_site_describe_connection (site);
      status->schema_version = pb_site_get_schema_version (site);
      pb_site_get_leader (site, &status->leader, &site_error);
    }
  if (site_error != NULL)
    status->connection_error = g_strdup (site_error->message);
  return TRUE;
}

/* ---- joining ---------------------------------------------------------- */

gboolean
pb_site_bench_join_prepare (const char *dir, PbSite *site, const char *username,
                            const char *password, GError **error)
{
  g_autofree char *keyslots_path = pb_store_path (dir, PB_STORE_KEYSLOTS_NAME);
  g_autofree char *keyslots = NULL;
  g_autofree char *store_id = NULL;
  g_autoptr (PbKeyslots) slots = NULL;
  g_autoptr (PbStore) store = NULL;
  g_autoptr (GError) local_error = NULL;
  guint8 *key = NULL;
  gboolean ok = FALSE;

  if (pb_store_exists (dir))
    {
      g_set_error (error, PB_SITE_ERROR, PB_SITE_ERROR_EXISTS,
                   _ ("This machine has a store already (%s). A bench that has worked alone "
                      "turns into a site with “site create”; to join, start from a new machine "
                      "or wipe this store first."),
                   dir);
      return FALSE;
    }
  if (!pb_site_get_identity (site, NULL, &store_id, error))
    return FALSE;
  keyslots = pb_site_get_keyslots (site, error);
  if (keyslots == NULL)
    return FALSE;
  if (g_mkdir_with_parents (dir, 0700) != 0
      || !g_file_set_contents_full (keyslots_path, keyslots, -1,
                                    G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                    0600, error))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
                     _ ("Cannot create the folder %s: %s"), dir, g_strerror (errno));
      return FALSE;
    }

  /* The site's keys open here with an administrator's password: that, and
   * the database's credentials, are all a new bench needs. */
  slots = pb_keyslots_load (keyslots_path, error);
  if (slots == NULL)
    goto out;
  key = pb_secure_alloc (PB_MASTER_KEY_LEN);
  if (!pb_keyslots_has_slot (slots, username)
      || !pb_keyslots_unwrap (slots, username, password, key, &local_error))
    {
      g_set_error (error, PB_SITE_ERROR, PB_SITE_ERROR_FAILED,
                   _ ("Wrong username or password for this site."));
      goto out;
    }
  store = pb_store_create (dir, key, store_id, error);
  if (store == NULL || !pb_site_pull_operators (site, store, error)
      || !pb_site_pull_settings (site, store, username, error))
    goto out;
  ok = TRUE;

out:
  if (key != NULL)
    pb_secure_free (key, PB_MASTER_KEY_LEN);
  if (store != NULL)
    pb_store_close (store);
  if (!ok)
    pb_site_bench_join_abort (dir);
  return ok;
}

void
pb_site_bench_join_abort (const char *dir)
{
  pb_remove_path (dir, TRUE, NULL);
}

gboolean
pb_site_bench_join_finish (PbStore *store, PbSite *site, const char *uri, const char *db_password,
                           const char *bench, const char *operator_name, GError **error)
{
  g_autofree char *site_id = NULL;
  PbSiteConfig config = { 0 };

  if (!pb_site_get_identity (site, &site_id, NULL, error)
      || !pb_site_add_bench (site, bench, PACKAGE_VERSION, error))
    return FALSE;
  pb_site_set_bench (site, bench);
  config.uri = (char *)uri;
  config.password = (char *)db_password;
  config.bench = (char *)bench;
  config.site_id = site_id;
  if (!pb_site_config_save (pb_store_get_dir (store), &config, error))
    {
      pb_site_remove_bench (site, bench, NULL);
      return FALSE;
    }
  return pb_audit_append (store, operator_name, "site.joined", bench, "ok", NULL, error);
}

/* ---- keeping people in step ------------------------------------------- */

gboolean
pb_site_bench_fetch_keyslots (PbSite *site, const char *dir, GError **error)
{
  g_autofree char *path = pb_store_path (dir, PB_STORE_KEYSLOTS_NAME);
  g_autofree char *incoming_path = pb_store_path (dir, "keyslots.site.json");
  g_autofree char *text = NULL;
  g_autofree char *local = NULL;
  g_autoptr (PbKeyslotsLock) lock = NULL;
  g_autoptr (PbKeyslots) incoming = NULL;
  g_autoptr (PbKeyslots) current = NULL;

  text = pb_site_get_keyslots (site, error);
  if (text == NULL)
    return FALSE;
  lock = pb_keyslots_lock (path, error);
  if (lock == NULL)
    return FALSE;
  if (g_file_get_contents (path, &local, NULL, NULL) && g_str_equal (local, text))
    return TRUE;
  /* Only a well-formed file of this very store replaces the bench's. */
  if (!g_file_set_contents_full (incoming_path, text, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE, 0600,
                                 error))
    return FALSE;
  incoming = pb_keyslots_load (incoming_path, error);
  current = pb_keyslots_load (path, NULL);
  if (incoming == NULL
      || (current != NULL
          && g_strcmp0 (pb_keyslots_get_store_id (incoming), pb_keyslots_get_store_id (current))
                 != 0))
    {
      g_unlink (incoming_path);
      if (error != NULL && *error == NULL)
        g_set_error (error, PB_SITE_ERROR, PB_SITE_ERROR_FAILED,
                     _ ("The site’s keyslots do not belong to this bench’s store."));
      return FALSE;
    }
  if (g_rename (incoming_path, path) != 0)
    {
      int saved = errno;

      g_unlink (incoming_path);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "%s", g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

gboolean
pb_site_bench_publish_keyslots (PbSite *site, const char *dir, GError **error)
{
  g_autofree char *path = pb_store_path (dir, PB_STORE_KEYSLOTS_NAME);
  g_autofree char *text = NULL;
  g_autoptr (PbKeyslotsLock) lock = pb_keyslots_lock (path, error);

  if (lock == NULL || !g_file_get_contents (path, &text, NULL, error))
    return FALSE;
  return pb_site_put_keyslots (site, text, error);
}

gboolean
pb_site_bench_pull_people (PbSite *site, PbStore *store, const char *actor, GError **error)
{
  return pb_site_pull_operators (site, store, error)
         && pb_site_pull_settings (site, store, actor, error)
         && pb_site_pull_catalogue (site, store, error) && pb_site_pull_rules (site, store, error);
}

gboolean
pb_site_bench_push_people (PbSite *site, PbStore *store, GError **error)
{
  return pb_site_bench_publish_keyslots (site, pb_store_get_dir (store), error)
         && pb_site_push_operators (site, store, error)
         && pb_site_push_settings (site, store, error);
}

/* ---- taking an order to pack ------------------------------------------ */

gboolean
pb_site_bench_in_site (PbStore *store)
{
  g_return_val_if_fail (PB_IS_STORE (store), FALSE);
  return pb_site_config_exists (pb_store_get_dir (store));
}

typedef struct
{
  PbStore *store; /* the main connection: only its folder and key are used */
  char *operator_name;
  char *code;
} TakeData;

static void
take_data_free (TakeData *data)
{
  g_object_unref (data->store);
  g_free (data->operator_name);
  g_free (data->code);
  g_free (data);
}

/* How many orders held by other benches an item's scan passes over before
 * it gives up. */
#define MAX_PASSED_OVER 50

static char *
take_order (PbStore *main_store, const char *operator_name, const char *code,
            GCancellable *cancellable, GError **error)
{
  g_autoptr (PbStore) store = pb_store_open_worker (main_store, error);
  g_autoptr (PbSite) site = NULL;
  g_autoptr (GPtrArray) passed = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) site_error = NULL;
  g_autofree char *order_id = NULL;
  gboolean has_recipient = FALSE;

  if (store == NULL)
    return NULL;
  if (!pb_site_config_exists (pb_store_get_dir (store)))
    return pb_pack_find_order_for_code (store, code, &order_id, error) ? g_steal_pointer (&order_id)
                                                                       : NULL;
  site = pb_site_open (pb_store_get_dir (store), &site_error);
  if (site == NULL)
    {
      g_set_error (error, PB_SITE_ERROR, PB_SITE_ERROR_UNREACHABLE,
                   _ ("Packing is paused: the site database cannot be reached, and without it "
                      "two benches could pack one order (%s)."),
                   site_error->message);
      return NULL;
    }

  for (;;)
    {
      g_autoptr (GError) claim_error = NULL;

      g_ptr_array_add (passed, NULL);
      if (!pb_pack_find_order_for_code_except (store, code, (const char *const *)passed->pdata,
                                               &order_id, error))
        {
          /* Every order waiting for the item is another bench's. */
          if (passed->len > 1 && error != NULL
              && g_error_matches (*error, PB_PACK_ERROR, PB_PACK_ERROR_NO_ORDER))
            {
              g_clear_error (error);
              g_set_error_literal (error, PB_PACK_ERROR, PB_PACK_ERROR_NO_ORDER,
                                   _ ("Every order waiting for this item is being packed at "
                                      "another bench."));
            }
          return NULL;
        }
      g_ptr_array_remove_index (passed, passed->len - 1);
      if (pb_site_claim (site, order_id, operator_name, NULL, &claim_error))
        break;
      /* An item's scan goes on to the next order holding it; an order's
       * own id names that order, and who has it is the answer. */
      if (passed->len >= MAX_PASSED_OVER
          || pb_scan_classify (code, NULL) == PB_SCAN_KIND_AMAZON_ORDER_ID
          || !(g_error_matches (claim_error, PB_SITE_ERROR, PB_SITE_ERROR_CLAIMED)
               || g_error_matches (claim_error, PB_SITE_ERROR, PB_SITE_ERROR_SHIPPED)
               || g_error_matches (claim_error, PB_SITE_ERROR, PB_SITE_ERROR_CANCELLED)))
        {
          g_propagate_error (error, g_steal_pointer (&claim_error));
          return NULL;
        }
      g_ptr_array_add (passed, g_steal_pointer (&order_id));
    }

  /* The recipient comes to the bench that packs the order, just in time. */
  if (!pb_orders_has_recipient (store, order_id, &has_recipient, error))
    return NULL;
  if (!has_recipient && !pb_ship_fetch_recipient (store, order_id, cancellable, error))
    {
      pb_site_release (site, order_id, NULL);
      return NULL;
    }
  return g_steal_pointer (&order_id);
}

static void
take_order_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  TakeData *data = task_data;
  GError *error = NULL;
  char *order_id = take_order (data->store, data->operator_name, data->code, cancellable, &error);

  if (order_id == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, order_id, g_free);
}

void
pb_site_bench_take_order_async (PbStore *store, const char *operator_name, const char *code,
                                GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (store, cancellable, callback, user_data);
  TakeData *data = g_new0 (TakeData, 1);

  data->store = g_object_ref (store);
  data->operator_name = g_strdup (operator_name);
  data->code = g_strdup (code);
  g_task_set_source_tag (task, pb_site_bench_take_order_async);
  g_task_set_task_data (task, data, (GDestroyNotify)take_data_free);
  g_task_run_in_thread (task, take_order_thread);
}

char *
pb_site_bench_take_order_finish (PbStore *store, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
release_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  TakeData *data = task_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (PbSite) site = pb_site_open (pb_store_get_dir (data->store), &error);

  if (site == NULL || !pb_site_release (site, data->code, &error))
    {
      /* Not lost: the heartbeat stops with the bench, and a supervisor
       * may take a silent claim over. */
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

void
pb_site_bench_release_order (PbStore *store, const char *order_id)
{
  g_autoptr (GTask) task = NULL;
  TakeData *data;

  if (!pb_site_config_exists (pb_store_get_dir (store)))
    return;
  task = g_task_new (store, NULL, NULL, NULL);
  data = g_new0 (TakeData, 1);
  data->store = g_object_ref (store);
  data->code = g_strdup (order_id);
  g_task_set_task_data (task, data, (GDestroyNotify)take_data_free);
  g_task_run_in_thread (task, release_thread);
}

void
pb_site_bench_release_order_now (PbStore *store, const char *order_id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PbSite) site = NULL;

  if (!pb_site_config_exists (pb_store_get_dir (store)))
    return;
  site = pb_site_open (pb_store_get_dir (store), &error);
  /* Not lost either way: the claim goes stale with the heartbeat. */
  if (site == NULL || !pb_site_release (site, order_id, &error))
    g_debug ("Claim of order %s not given back: %s", order_id, error->message);
}

gboolean
pb_site_bench_last_access_review (PbStore *store, gint64 *when, char **reviewer, char **bench,
                                  GError **error)
{
  g_autoptr (PbSite) site = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  PbAuditFilter filter = { .action = "access.reviewed", .limit = 1 };

  *bench = NULL;
  if (pb_site_config_exists (pb_store_get_dir (store))
      && (site = pb_site_open (pb_store_get_dir (store), NULL)) != NULL
      && pb_site_push_audit (site, store, NULL, NULL)
      && (rows = pb_site_list_audit (site, &filter, NULL, NULL)) != NULL)
    {
      PbAuditEntry *last = rows->len > 0 ? g_ptr_array_index (rows, 0) : NULL;

      *when = last != NULL ? last->time : 0;
      *reviewer = last != NULL ? g_strdup (last->actor) : NULL;
      *bench = last != NULL ? g_strdup (last->bench) : NULL;
      return TRUE;
    }
  return pb_audit_get_last_access_review (store, when, reviewer, error);
}

gboolean
pb_site_bench_check_rekey (PbStore *store, GError **error)
{
  if (!pb_site_config_exists (pb_store_get_dir (store)))
    return TRUE;
  /* Every bench's store is keyed with the site's key, and the site's
   * operators and settings are sealed under it: a new key must reach every
   * bench (SITE.md: the old key kept wrapped under the new one until each
   * bench has re-keyed). Until that exists, nothing is changed. */
  g_set_error_literal (error, PB_SITE_ERROR, PB_SITE_ERROR_FAILED,
                       _ ("This bench is in a site, and re-keying a site is not possible yet: "
                          "nothing was changed. Disabling the operator has removed their "
                          "password from every bench of the site at its next login."));
  return FALSE;
}

/* ---- the app's login and changes, in site mode ----------------------- */

struct _PbSiteBenchLogin
{
  char *dir;
  PbSite *site; /* NULL on a solo bench, or when the site is out of reach */
  char *warning;
  gboolean warned; /* once per login is enough */
};

/* The first thing that went wrong with the site; the login goes on with
 * the bench's own copy. */
static void
login_warn (PbSiteBenchLogin *login, char *warning)
{
  if (!login->warned)
    login->warning = warning;
  else
    g_free (warning);
  login->warned = TRUE;
}

PbSiteBenchLogin *
pb_site_bench_login_new (const char *dir)
{
  PbSiteBenchLogin *login = g_new0 (PbSiteBenchLogin, 1);
  g_autoptr (GError) error = NULL;

  login->dir = g_strdup (dir);
  if (!pb_site_config_exists (dir))
    return login;
  login->site = pb_site_open (dir, &error);
  if (login->site == NULL && error != NULL)
    login_warn (login,
                g_strdup_printf (
                    _ ("The site database cannot be reached, so this bench used its own copy of "
                       "the operators: %s"),
                    error->message));
  return login;
}

void
pb_site_bench_login_free (PbSiteBenchLogin *login)
{
  if (login == NULL)
    return;
  g_free (login->dir);
  g_clear_object (&login->site);
  g_free (login->warning);
  g_free (login);
}

static void
login_not_updated (PbSiteBenchLogin *login, const GError *error)
{
  login_warn (login, g_strdup_printf (_ ("The site database was not updated: %s"), error->message));
}

void
pb_site_bench_login_fetch (PbSiteBenchLogin *login)
{
  g_autoptr (GError) error = NULL;

  g_return_if_fail (login != NULL);
  if (login->site != NULL && !pb_site_bench_fetch_keyslots (login->site, login->dir, &error))
    login_warn (login,
                g_strdup_printf (
                    _ ("The site’s operators could not be brought in, so this bench used its own "
                       "copy: %s"),
                    error->message));
}

void
pb_site_bench_login_opened (PbStore *store, const char *username, gpointer user_data)
{
  PbSiteBenchLogin *login = user_data;
  g_autoptr (GError) error = NULL;

  if (login->site != NULL && !pb_site_bench_pull_people (login->site, store, "site", &error))
    login_warn (login,
                g_strdup_printf (
                    _ ("The site’s operators could not be brought in, so this bench used its own "
                       "copy: %s"),
                    error->message));
}

void
pb_site_bench_login_publish (PbSiteBenchLogin *login)
{
  g_autoptr (GError) error = NULL;

  g_return_if_fail (login != NULL);
  if (login->site != NULL && !pb_site_bench_publish_keyslots (login->site, login->dir, &error))
    login_not_updated (login, error);
}

void
pb_site_bench_login_push (PbSiteBenchLogin *login, PbStore *store)
{
  g_autoptr (GError) error = NULL;

  g_return_if_fail (login != NULL);
  if (login->site != NULL
      && (!pb_site_bench_publish_keyslots (login->site, login->dir, &error)
          || !pb_site_push_operators (login->site, store, &error)))
    login_not_updated (login, error);
}

char *
pb_site_bench_login_take_warning (PbSiteBenchLogin *login)
{
  g_return_val_if_fail (login != NULL, NULL);
  return g_steal_pointer (&login->warning);
}

/* @username's keyslot into the site's keyslot document as it is now (the
 * slots changed at other benches stay as they are there), kept here too,
 * then given back to the site. */
static gboolean
publish_one_slot (PbSite *site, const char *dir, const char *username, GError **error)
{
  g_autofree char *path = pb_store_path (dir, PB_STORE_KEYSLOTS_NAME);
  g_autofree char *incoming_path = pb_store_path (dir, "keyslots.site.json");
  g_autofree char *text = pb_site_get_keyslots (site, error);
  g_autofree char *merged_text = NULL;
  g_autoptr (PbKeyslotsLock) lock = NULL;
  g_autoptr (PbKeyslots) local = NULL;
  g_autoptr (PbKeyslots) merged = NULL;

  if (text == NULL || (lock = pb_keyslots_lock (path, error)) == NULL
      || (local = pb_keyslots_load (path, error)) == NULL
      || !g_file_set_contents_full (incoming_path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
                                    error))
    return FALSE;
  merged = pb_keyslots_load (incoming_path, error);
  g_unlink (incoming_path);
  if (merged == NULL)
    return FALSE;
  if (g_strcmp0 (pb_keyslots_get_store_id (merged), pb_keyslots_get_store_id (local)) != 0)
    {
      g_set_error (error, PB_SITE_ERROR, PB_SITE_ERROR_FAILED,
                   _ ("The site’s keyslots do not belong to this bench’s store."));
      return FALSE;
    }
  if (pb_keyslots_has_slot (local, username))
    pb_keyslots_copy_slot (merged, local, username);
  else
    pb_keyslots_remove_slot (merged, username);
  if (!pb_keyslots_save (merged, path, error)
      || !g_file_get_contents (path, &merged_text, NULL, error))
    return FALSE;
  return pb_site_put_keyslots (site, merged_text, error);
}

typedef struct
{
  char *username; /* an operator's change, or */
  char *key;      /* a setting's */
} PushData;

static void
push_data_free (PushData *data)
{
  g_free (data->username);
  g_free (data->key);
  g_free (data);
}

static void
push_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  PbStore *main_store = source;
  PushData *data = task_data;
  const char *dir = pb_store_get_dir (main_store);
  g_autoptr (GError) error = NULL;
  g_autoptr (PbStore) store = NULL;
  g_autoptr (PbSite) site = NULL;
  gboolean ok;

  if (!pb_site_config_exists (dir))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  store = pb_store_open_worker (main_store, &error);
  if (store != NULL)
    site = pb_site_open (dir, &error);
  if (site == NULL)
    ok = FALSE;
  else if (data->username != NULL)
    ok = publish_one_slot (site, dir, data->username, &error)
         && pb_site_push_operator (site, store, data->username, &error);
  else
    ok = pb_site_push_setting (site, store, data->key, &error);
  if (!ok)
    {
      g_task_return_new_error (task, PB_SITE_ERROR, PB_SITE_ERROR_UNREACHABLE,
                               _ ("The change is saved at this bench, but the site database could "
                                  "not be told (%s), so the other benches do not have it, and a "
                                  "login here may bring back the site’s copy. Make the change "
                                  "again once the site can be reached."),
                               error != NULL ? error->message : "");
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
push_async (PbStore *store, PushData *data, GCancellable *cancellable, GAsyncReadyCallback callback,
            gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (store, cancellable, callback, user_data);

  g_task_set_source_tag (task, push_async);
  g_task_set_task_data (task, data, (GDestroyNotify)push_data_free);
  g_task_run_in_thread (task, push_thread);
}

void
pb_site_bench_push_operator_async (PbStore *store, const char *username, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data)
{
  PushData *data;

  g_return_if_fail (PB_IS_STORE (store));
  g_return_if_fail (username != NULL);
  data = g_new0 (PushData, 1);
  /* As the store keeps it, whatever was typed. */
  data->username = pb_username_normalize (username, NULL);
  if (data->username == NULL)
    data->username = g_strdup (username);
  push_async (store, data, cancellable, callback, user_data);
}

void
pb_site_bench_push_setting_async (PbStore *store, const char *key, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data)
{
  PushData *data;

  g_return_if_fail (PB_IS_STORE (store));
  g_return_if_fail (key != NULL);
  data = g_new0 (PushData, 1);
  data->key = g_strdup (key);
  push_async (store, data, cancellable, callback, user_data);
}

gboolean
pb_site_bench_push_finish (PbStore *store, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The app's join: a whole login by an administrator of the site, as the
 * CLI's site join does it. */
PbSession *
pb_site_bench_join_login (const char *dir, const char *uri, const char *db_password,
                          const char *username, const char *password, PbSite **site_out,
                          GError **error)
{
  g_autoptr (PbSite) site = NULL;
  g_autoptr (PbSession) session = NULL;

  g_return_val_if_fail (site_out != NULL, NULL);
  if (!pb_site_check_uri (uri, error))
    return NULL;
  site = pb_site_connect (uri, db_password, error);
  if (site == NULL || !pb_site_bench_join_prepare (dir, site, username, password, error))
    return NULL;
  session = pb_session_login (dir, username, password, error);
  if (session == NULL)
    {
      pb_site_bench_join_abort (dir);
      return NULL;
    }
  *site_out = g_steal_pointer (&site);
  return g_steal_pointer (&session);
}

gboolean
pb_site_bench_join_complete (PbSession *session, PbSite *site, const char *uri,
                             const char *db_password, const char *bench, GError **error)
{
  g_return_val_if_fail (PB_IS_SESSION (session), FALSE);
  g_return_val_if_fail (PB_IS_SITE (site), FALSE);

  if (pb_session_get_stage (session) == PB_SESSION_STAGE_NEEDS_NEW_PASSWORD)
    {
      g_set_error_literal (error, PB_SESSION_ERROR, PB_SESSION_ERROR_STAGE,
                           _ ("This administrator’s password is temporary or has expired. Log "
                              "in once at a bench of the site to choose a new one, then join "
                              "again."));
      return FALSE;
    }
  return pb_session_require (session, PB_ACTION_MANAGE_SITE, bench, error)
         && pb_site_bench_join_finish (pb_session_get_store (session), site, uri, db_password,
                                       bench, pb_session_get_username (session), error);
}
