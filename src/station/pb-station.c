/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <openssl/crypto.h>

#include "pb-backup.h"
#include "pb-outbox-worker.h"
#include "pb-services.h"
#include "pb-site-admin.h"
#include "pb-station.h"
#include "pb-sync.h"
#include "site/pb-site-watch.h"
#include "site/pb-site.h"
#include "store/pb-keyslots.h"
#include "store/pb-outbox.h"
#include "store/pb-settings.h"
#include "util/pb-clock.h"

#define OUTBOX_SECONDS 60
#define PURGE_SECONDS 3600
#define BACKUP_SECONDS (24 * 3600)
/* Site mode: how often the bench tells the site it is alive (its claims
 * with it). */
#define HEARTBEAT_SECONDS 30
/* Site mode: while the site cannot be reached, how often to ask again. */
#define RETRY_SECONDS 5

typedef enum
{
  JOB_SYNC = 1 << 0,
  JOB_OUTBOX = 1 << 1,
  JOB_PURGE = 1 << 2,
  JOB_BACKUP = 1 << 3,
} Job;

struct _PbStation
{
  GObject parent_instance;

  PbStore *store;  /* the app's connection: read-only use here */
  PbStore *worker; /* the worker thread's own connection */
  GCancellable *cancellable;
  GMainContext *context;

  guint queued; /* Job flags waiting */
  gboolean busy;
  guint sync_interval; /* 0: from the settings */
  guint sync_source, outbox_source, purge_source;

  gint64 last_sync;
  char *last_error;
  /* Site mode: the worker thread's connection to the site database (used
   * by one job at a time); kept, so a leader stays the leader. */
  PbSite *site;
  guint heartbeat_source;
  gboolean heartbeat_running;
  PbStore *heartbeat_store; /* the heartbeat thread's own connection (one beat at a time) */
  char *site_error;         /* why the site cannot be reached; NULL when it can or solo */
  guint retry_source;       /* asks again sooner while site_error is set */

  /* Site mode: live updates, and which orders other benches hold. */
  PbSiteWatch *watch;
  guint site_changed_source; /* coalesces the watch's signals */
  gboolean follows_site;     /* the last sync read the site (not Amazon) */
  PbSite *claims_site;       /* the claims thread's connection (one at a time) */
  gboolean claims_running, claims_again;
  GHashTable *claims; /* order id → who holds it, in words; never changed */
};

G_DEFINE_FINAL_TYPE (PbStation, pb_station, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_BUSY,
  PROP_LAST_SYNC,
  PROP_LAST_ERROR,
  PROP_SITE_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_SYNC_PROGRESS,
  SIGNAL_SYNC_FINISHED,
  SIGNAL_OUTBOX_FINISHED,
  SIGNAL_PURGED,
  SIGNAL_CLAIMS_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void run_next (PbStation *self);
static gboolean on_retry_timer_cb (gpointer data);
static void site_changed (PbStation *self);

/* What a job found, carried back to the main context. */
typedef struct
{
  PbStation *self;
  Job job;
  gboolean ok;
  char *error;
  PbSyncResult sync;
  PbOutboxRun outbox;
  PbPurgeResult purge;
} JobResult;

static void
job_result_free (JobResult *result)
{
  g_clear_object (&result->self);
  g_free (result->error);
  g_free (result);
}

typedef struct
{
  PbStation *self;
  guint pages, orders;
} Progress;

static gboolean
emit_progress_cb (gpointer data)
{
  Progress *progress = data;

  g_signal_emit (progress->self, signals[SIGNAL_SYNC_PROGRESS], 0, progress->pages,
                 progress->orders);
  g_object_unref (progress->self);
  g_free (progress);
  return G_SOURCE_REMOVE;
}

static void
on_sync_progress_cb (guint pages, guint orders, gpointer data)
{
  PbStation *self = data;
  Progress *progress = g_new0 (Progress, 1);

  progress->self = g_object_ref (self);
  progress->pages = pages;
  progress->orders = orders;
  g_main_context_invoke (self->context, emit_progress_cb, progress);
}

static void
job_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  PbStation *self = source;
  JobResult *result = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (PbHttpClient) http = NULL;
  g_autoptr (PbAmazonClient) amazon = NULL;

  switch (result->job)
    {
      case JOB_SYNC:
        http = pb_services_new_http_client (self->worker);
        amazon = pb_services_new_amazon_client (self->worker, http);
        if (pb_site_config_exists (pb_store_get_dir (self->worker))
            && (self->site == NULL || !pb_site_is_connected (self->site)))
          {
            g_clear_object (&self->site);
            self->site = pb_site_open (pb_store_get_dir (self->worker), NULL);
          }
        result->ok
            = pb_sync_run_in_site (self->worker, self->site, amazon, NULL, on_sync_progress_cb,
                                   self, &result->sync, cancellable, &error);
        /* What the sync brought in may have to go out again. */
        if (result->ok)
          pb_outbox_run (self->worker, amazon, 0, &result->outbox, cancellable, NULL);
        /* The bench's audit rows since the last sync, for the supervisors
         * of the site; the next sync tries again. */
        if (self->site != NULL && pb_site_is_connected (self->site))
          {
            pb_site_push_audit (self->site, self->worker, NULL, NULL);
            pb_site_push_outbox (self->site, self->worker, NULL);
          }
        break;

      case JOB_OUTBOX:
        http = pb_services_new_http_client (self->worker);
        amazon = pb_services_new_amazon_client (self->worker, http);
        result->ok = pb_outbox_run (self->worker, amazon, 0, &result->outbox, cancellable, &error);
        if (self->site != NULL && pb_site_is_connected (self->site))
          pb_site_push_outbox (self->site, self->worker, NULL);
        break;

      case JOB_PURGE:
        result->ok = pb_backup_purge_everything (self->worker, pb_clock_now_unix (), FALSE,
                                                 "system", &result->purge, NULL, &error);
        break;

      case JOB_BACKUP:
        {
          g_autofree char *root = pb_settings_get (self->worker, "backup.folder");
          g_autofree char *last = pb_store_get_meta (self->worker, "backup.last");
          gint64 now = pb_clock_now_unix ();

          result->ok = TRUE;
          if (root != NULL && *root != '\0'
              && (last == NULL || g_ascii_strtoll (last, NULL, 10) + BACKUP_SECONDS <= now))
            result->ok = pb_backup_create (self->worker, root, now, "system", NULL, &error);
        }
        break;

      default:
        g_assert_not_reached ();
    }

  if (!result->ok && error != NULL)
    result->error = g_strdup (error->message);
  g_task_return_boolean (task, TRUE);
}

static void
set_last_error (PbStation *self, const char *message)
{
  if (g_strcmp0 (self->last_error, message) == 0)
    return;
  g_free (self->last_error);
  self->last_error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

static void
on_job_done_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  PbStation *self = PB_STATION (source);
  JobResult *result = g_task_get_task_data (G_TASK (res));

  self->busy = FALSE;
  switch (result->job)
    {
      case JOB_SYNC:
        if (result->ok)
          {
            self->last_sync = pb_clock_now_unix ();
            g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SYNC]);
          }
        set_last_error (self, result->ok ? NULL : result->error);
        if (result->ok)
          self->follows_site = result->sync.from_site;
        g_signal_emit (self, signals[SIGNAL_SYNC_FINISHED], 0, result->ok, result->error,
                       result->sync.new_orders, result->sync.updated, result->sync.cancelled);
        break;
      case JOB_OUTBOX:
        g_signal_emit (self, signals[SIGNAL_OUTBOX_FINISHED], 0, result->outbox.done,
                       result->outbox.failed, result->outbox.attention);
        break;
      case JOB_PURGE:
        g_signal_emit (self, signals[SIGNAL_PURGED], 0, result->ok, result->purge.orders);
        break;
      case JOB_BACKUP:
      default:
        break;
    }

  if (!self->busy)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
  run_next (self);
}

/* After a re-key (pb_session_rekey) the app's connection has the new key
 * and the worker's connection, opened with the old one, reads nothing:
 * between jobs, when the thread is idle, it is opened again. */
static void
refresh_worker (PbStation *self)
{
  const guint8 *key = pb_store_get_master_key (self->store);
  const guint8 *had = self->worker != NULL ? pb_store_get_master_key (self->worker) : NULL;
  g_autoptr (PbStore) fresh = NULL;

  if (key == NULL || had == NULL || CRYPTO_memcmp (key, had, PB_MASTER_KEY_LEN) == 0)
    return;
  fresh = pb_store_open_worker (self->store, NULL);
  if (fresh == NULL)
    return; /* the job reports the old connection's error */
  pb_store_close (self->worker);
  g_object_unref (self->worker);
  self->worker = g_steal_pointer (&fresh);
}

static void
run_next (PbStation *self)
{
  static const Job order[] = { JOB_SYNC, JOB_OUTBOX, JOB_PURGE, JOB_BACKUP };
  g_autoptr (GTask) task = NULL;
  JobResult *result;
  Job job = 0;

  if (self->busy || self->queued == 0 || g_cancellable_is_cancelled (self->cancellable))
    return;
  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    if (self->queued & order[i])
      {
        job = order[i];
        break;
      }
  self->queued &= ~job;
  refresh_worker (self);
  self->busy = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);

  result = g_new0 (JobResult, 1);
  result->self = g_object_ref (self);
  result->job = job;
  task = g_task_new (self, self->cancellable, on_job_done_cb, NULL);
  g_task_set_source_tag (task, run_next);
  g_task_set_task_data (task, result, (GDestroyNotify)job_result_free);
  g_task_run_in_thread (task, job_thread);
}

static void
queue (PbStation *self, Job job)
{
  self->queued |= job;
  run_next (self);
}

static gboolean
on_sync_timer_cb (gpointer data)
{
  queue (data, JOB_SYNC);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_outbox_timer_cb (gpointer data)
{
  queue (data, JOB_OUTBOX);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_purge_timer_cb (gpointer data)
{
  queue (data, JOB_PURGE | JOB_BACKUP);
  return G_SOURCE_CONTINUE;
}

static void
pb_station_dispose (GObject *object)
{
  PbStation *self = PB_STATION (object);

  pb_station_stop (self);
  G_OBJECT_CLASS (pb_station_parent_class)->dispose (object);
}

static void
pb_station_finalize (GObject *object)
{
  PbStation *self = PB_STATION (object);

  if (self->worker != NULL)
    pb_store_close (self->worker);
  g_clear_object (&self->worker);
  if (self->heartbeat_store != NULL)
    pb_store_close (self->heartbeat_store);
  g_clear_object (&self->heartbeat_store);
  g_clear_object (&self->store);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->last_error, g_free);
  g_clear_pointer (&self->site_error, g_free);
  g_clear_object (&self->site);
  g_clear_object (&self->claims_site);
  g_clear_pointer (&self->claims, g_hash_table_unref);

  G_OBJECT_CLASS (pb_station_parent_class)->finalize (object);
}

static void
pb_station_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PbStation *self = PB_STATION (object);

  switch (prop_id)
    {
      case PROP_BUSY:
        g_value_set_boolean (value, self->busy);
        break;
      case PROP_LAST_SYNC:
        g_value_set_int64 (value, self->last_sync);
        break;
      case PROP_LAST_ERROR:
        g_value_set_string (value, self->last_error);
        break;
      case PROP_SITE_ERROR:
        g_value_set_string (value, self->site_error);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_station_class_init (PbStationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pb_station_dispose;
  object_class->finalize = pb_station_finalize;
  object_class->get_property = pb_station_get_property;

  properties[PROP_BUSY]
      = g_param_spec_boolean ("busy", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_SYNC] = g_param_spec_int64 ("last-sync", NULL, NULL, 0, G_MAXINT64, 0,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_ERROR] = g_param_spec_string ("last-error", NULL, NULL, NULL,
                                                     G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /* Site mode: why the site database cannot be reached (packing pauses),
   * NULL when it can, or on a solo bench. */
  properties[PROP_SITE_ERROR] = g_param_spec_string ("site-error", NULL, NULL, NULL,
                                                     G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* (pages, orders) */
  signals[SIGNAL_SYNC_PROGRESS]
      = g_signal_new ("sync-progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);
  /* (ok, error message, new, updated, cancelled) */
  signals[SIGNAL_SYNC_FINISHED] = g_signal_new (
      "sync-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 5, G_TYPE_BOOLEAN, G_TYPE_STRING, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_UINT);
  /* (sent, to retry, need attention) */
  signals[SIGNAL_OUTBOX_FINISHED]
      = g_signal_new ("outbox-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                      NULL, NULL, G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_UINT);
  /* (ok, orders purged) */
  signals[SIGNAL_PURGED]
      = g_signal_new ("purged", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                      G_TYPE_NONE, 2, G_TYPE_BOOLEAN, G_TYPE_UINT);
  /* Site mode: which orders other benches hold changed
   * (pb_station_get_claims). */
  signals[SIGNAL_CLAIMS_CHANGED]
      = g_signal_new ("claims-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 0);
}

static void
pb_station_init (PbStation *self)
{
  self->cancellable = g_cancellable_new ();
  self->context = g_main_context_ref_thread_default ();
  self->follows_site = TRUE;
}

/**
 * pb_station_new:
 * @store: the open store
 * @error: return location for an error
 *
 * Returns: (transfer full): the station, not yet started
 */
PbStation *
pb_station_new (PbStore *store, GError **error)
{
  g_autoptr (PbStation) self = g_object_new (PB_TYPE_STATION, NULL);

  g_return_val_if_fail (PB_IS_STORE (store), NULL);

  self->store = g_object_ref (store);
  self->worker = pb_store_open_worker (store, error);
  if (self->worker == NULL)
    return NULL;
  {
    gint64 last_success = 0;
    g_autofree char *last_error = NULL;

    pb_sync_get_status (store, &last_success, &last_error, NULL);
    self->last_sync = last_success;
    self->last_error = g_steal_pointer (&last_error);
  }
  return g_steal_pointer (&self);
}

/* ---- site mode: which orders other benches hold ------------------------ */

static char *
describe_claim (const PbSiteClaim *claim)
{
  g_autoptr (GDateTime) when
      = g_date_time_new_from_unix_local (claim->shipped > 0 ? claim->shipped : claim->since);
  g_autofree char *time = when ? g_date_time_format (when, "%H:%M") : g_strdup ("?");

  if (claim->shipped > 0)
    return g_strdup_printf (_ ("Shipped at %s by %s at %s"), claim->bench, claim->operator_name,
                            time);
  return g_strdup_printf (_ ("Being packed at %s by %s since %s"), claim->bench,
                          claim->operator_name, time);
}

/* Its own connection, kept between runs (one run at a time): the claims
 * are read at every change another bench makes, and a sync may hold the
 * job thread's connection for long. */
static void
claims_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  PbStation *self = source;
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) claims = NULL;
  GHashTable *texts;
  GHashTableIter iter;
  gpointer order_id, claim;

  if (self->claims_site == NULL || !pb_site_is_connected (self->claims_site))
    {
      g_clear_object (&self->claims_site);
      self->claims_site = pb_site_open (pb_store_get_dir (self->store), &error);
    }
  if (self->claims_site != NULL)
    claims = pb_site_list_claims (self->claims_site, &error);
  if (claims == NULL)
    {
      if (error == NULL)
        g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "not in a site");
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  texts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_iter_init (&iter, claims);
  while (g_hash_table_iter_next (&iter, &order_id, &claim))
    g_hash_table_insert (texts, g_strdup (order_id), describe_claim (claim));
  g_task_return_pointer (task, texts, (GDestroyNotify)g_hash_table_unref);
}

static gboolean
claims_equal (GHashTable *a, GHashTable *b)
{
  GHashTableIter iter;
  gpointer key, value;

  if (a == NULL || b == NULL)
    return a == b;
  if (g_hash_table_size (a) != g_hash_table_size (b))
    return FALSE;
  g_hash_table_iter_init (&iter, a);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (g_strcmp0 (value, g_hash_table_lookup (b, key)) != 0)
      return FALSE;
  return TRUE;
}

static void refresh_claims (PbStation *self);

static void
on_claims_done_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  PbStation *self = PB_STATION (source);
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) claims = g_task_propagate_pointer (G_TASK (res), &error);

  self->claims_running = FALSE;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  /* On an error the last claims stay: the outage banner says the rest,
   * and the watch's resync after it reads them again. */
  if (claims != NULL && !claims_equal (self->claims, claims))
    {
      g_clear_pointer (&self->claims, g_hash_table_unref);
      self->claims = g_steal_pointer (&claims);
      g_signal_emit (self, signals[SIGNAL_CLAIMS_CHANGED], 0);
    }
  if (self->claims_again)
    {
      self->claims_again = FALSE;
      refresh_claims (self);
    }
}

static void
refresh_claims (PbStation *self)
{
  g_autoptr (GTask) task = NULL;

  if (self->claims_running)
    {
      self->claims_again = TRUE;
      return;
    }
  self->claims_running = TRUE;
  task = g_task_new (self, self->cancellable, on_claims_done_cb, NULL);
  g_task_set_source_tag (task, refresh_claims);
  g_task_run_in_thread (task, claims_thread);
}

/* Something changed at the site (or may have, after a reconnection): the
 * claims are read again, and a bench that follows the site's sync reads
 * the new facts; a bench whose last sync asked Amazon is the one that
 * wrote them. Many signals in one turn of the loop make one of each. */
static gboolean
on_site_changed_idle_cb (gpointer data)
{
  PbStation *self = data;

  self->site_changed_source = 0;
  refresh_claims (self);
  if (self->follows_site)
    queue (self, JOB_SYNC);
  return G_SOURCE_REMOVE;
}

static void
site_changed (PbStation *self)
{
  if (self->watch != NULL && self->site_changed_source == 0)
    self->site_changed_source = g_idle_add (on_site_changed_idle_cb, self);
}

static void
on_watch_order_changed_cb (PbSiteWatch *watch, const char *order_id, PbStation *self)
{
  site_changed (self);
}

static void
on_watch_resync_cb (PbSiteWatch *watch, PbStation *self)
{
  site_changed (self);
}

/* The watch lost its connection, or has it again: whether packing pauses
 * or resumes is known at once, not at the next heartbeat. */
static void
on_watch_connected_cb (PbSiteWatch *watch, GParamSpec *pspec, PbStation *self)
{
  pb_station_check_site_now (self);
}

static void
start_watch (PbStation *self)
{
  g_autoptr (PbSiteConfig) config = pb_site_config_load (pb_store_get_dir (self->store), NULL);

  /* A damaged site file: the heartbeat says so in site-error. */
  if (config == NULL)
    return;
  self->watch = pb_site_watch_new (config->uri, config->password);
  g_signal_connect_object (self->watch, "order-changed", G_CALLBACK (on_watch_order_changed_cb),
                           self, 0);
  g_signal_connect_object (self->watch, "resync", G_CALLBACK (on_watch_resync_cb), self, 0);
  g_signal_connect_object (self->watch, "notify::connected", G_CALLBACK (on_watch_connected_cb),
                           self, 0);
  pb_site_watch_start (self->watch);
}

GHashTable *
pb_station_get_claims (PbStation *self)
{
  g_return_val_if_fail (PB_IS_STATION (self), NULL);
  return self->claims;
}

/* ---- site mode: the heartbeat ------------------------------------------ */

typedef struct
{
  char *printer;  /* print.printer */
  PbStore *store; /* the heartbeat's connection; NULL: none (the store is closed) */
} Beat;

static void
beat_free (Beat *beat)
{
  g_free (beat->printer);
  g_clear_object (&beat->store);
  g_free (beat);
}

/* The heartbeat thread's connection to the store, opened again after a
 * re-key (like the worker's); NULL when the store is closed. Main thread,
 * between beats. */
static PbStore *
get_heartbeat_store (PbStation *self)
{
  const guint8 *key = pb_store_get_master_key (self->store);

  if (self->heartbeat_store != NULL)
    {
      const guint8 *had = pb_store_get_master_key (self->heartbeat_store);

      if (key != NULL && had != NULL && CRYPTO_memcmp (key, had, PB_MASTER_KEY_LEN) == 0)
        return self->heartbeat_store;
      pb_store_close (self->heartbeat_store);
      g_clear_object (&self->heartbeat_store);
    }
  if (key == NULL)
    return NULL;
  self->heartbeat_store = pb_store_open_worker (self->store, NULL);
  return self->heartbeat_store;
}

static void
heartbeat_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  PbStation *self = source;
  Beat *beat = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (PbSite) site = pb_site_open (pb_store_get_dir (self->store), &error);

  if (site == NULL || !pb_site_heartbeat (site, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* The printer as CUPS sees it, for the Benches page: a keyword only. */
  pb_site_report_printer (site, pb_site_admin_printer_state (beat->printer), NULL);
  /* The bench's new audit rows (only those the site lacks), so the
   * supervisors' Activity and Audit Log are near-live rather than a sync
   * behind; a failure waits for the next beat or sync. */
  if (beat->store != NULL)
    pb_site_push_audit (site, beat->store, NULL, NULL);
  g_task_return_boolean (task, TRUE);
}

static void
on_heartbeat_done_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  PbStation *self = PB_STATION (source);
  g_autoptr (GError) error = NULL;
  const char *message;

  self->heartbeat_running = FALSE;
  g_task_propagate_boolean (G_TASK (res), &error);
  message = error ? error->message : NULL;
  if (g_strcmp0 (self->site_error, message) == 0)
    return;
  g_free (self->site_error);
  self->site_error = g_strdup (message);
  /* While packing is paused, ask again sooner than the heartbeat; once
   * the site answers, what changed meanwhile is read again. */
  if (self->site_error != NULL && self->retry_source == 0 && self->heartbeat_source != 0)
    self->retry_source = g_timeout_add_seconds (RETRY_SECONDS, on_retry_timer_cb, self);
  else if (self->site_error == NULL)
    {
      g_clear_handle_id (&self->retry_source, g_source_remove);
      site_changed (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SITE_ERROR]);
}

static gboolean
on_heartbeat_timer_cb (gpointer data)
{
  PbStation *self = data;
  g_autoptr (GTask) task = NULL;
  Beat *beat;

  if (self->heartbeat_running)
    return G_SOURCE_CONTINUE;
  self->heartbeat_running = TRUE;
  beat = g_new0 (Beat, 1);
  beat->printer = pb_settings_get (self->store, "print.printer");
  if (get_heartbeat_store (self) != NULL)
    beat->store = g_object_ref (self->heartbeat_store);
  task = g_task_new (self, NULL, on_heartbeat_done_cb, NULL);
  g_task_set_source_tag (task, on_heartbeat_timer_cb);
  g_task_set_task_data (task, beat, (GDestroyNotify)beat_free);
  g_task_run_in_thread (task, heartbeat_thread);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_retry_timer_cb (gpointer data)
{
  on_heartbeat_timer_cb (data);
  return G_SOURCE_CONTINUE;
}

void
pb_station_check_site_now (PbStation *self)
{
  g_return_if_fail (PB_IS_STATION (self));

  if (pb_site_config_exists (pb_store_get_dir (self->store)))
    on_heartbeat_timer_cb (self);
}

void
pb_station_start (PbStation *self)
{
  guint interval;

  g_return_if_fail (PB_IS_STATION (self));

  pb_station_stop (self);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  /* A crash may have left a row in progress: it goes back to pending. */
  pb_outbox_recover (self->store, pb_clock_now_unix (), NULL);

  interval = self->sync_interval
                 ? self->sync_interval
                 : (guint)pb_settings_get_int (self->store, "sync.interval_minutes") * 60;
  self->sync_source = g_timeout_add_seconds (MAX (interval, 1), on_sync_timer_cb, self);
  self->outbox_source = g_timeout_add_seconds (OUTBOX_SECONDS, on_outbox_timer_cb, self);
  self->purge_source = g_timeout_add_seconds (PURGE_SECONDS, on_purge_timer_cb, self);
  if (pb_site_config_exists (pb_store_get_dir (self->store)))
    {
      self->heartbeat_source
          = g_timeout_add_seconds (HEARTBEAT_SECONDS, on_heartbeat_timer_cb, self);
      on_heartbeat_timer_cb (self);
      start_watch (self);
    }
  queue (self, JOB_SYNC | JOB_PURGE | JOB_BACKUP);
}

void
pb_station_stop (PbStation *self)
{
  g_return_if_fail (PB_IS_STATION (self));

  g_clear_handle_id (&self->sync_source, g_source_remove);
  g_clear_handle_id (&self->outbox_source, g_source_remove);
  g_clear_handle_id (&self->purge_source, g_source_remove);
  g_clear_handle_id (&self->heartbeat_source, g_source_remove);
  g_clear_handle_id (&self->retry_source, g_source_remove);
  g_clear_handle_id (&self->site_changed_source, g_source_remove);
  if (self->watch != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->watch, self);
      pb_site_watch_stop (self->watch);
      g_clear_object (&self->watch);
    }
  self->queued = 0;
  g_cancellable_cancel (self->cancellable);
}

void
pb_station_sync_now (PbStation *self)
{
  g_return_if_fail (PB_IS_STATION (self));
  queue (self, JOB_SYNC);
}

void
pb_station_run_outbox_now (PbStation *self)
{
  g_return_if_fail (PB_IS_STATION (self));
  queue (self, JOB_OUTBOX);
}

gboolean
pb_station_get_busy (PbStation *self)
{
  g_return_val_if_fail (PB_IS_STATION (self), FALSE);
  return self->busy;
}

gint64
pb_station_get_last_sync (PbStation *self)
{
  g_return_val_if_fail (PB_IS_STATION (self), 0);
  return self->last_sync;
}

const char *
pb_station_get_last_error (PbStation *self)
{
  g_return_val_if_fail (PB_IS_STATION (self), NULL);
  return self->last_error;
}

const char *
pb_station_get_site_error (PbStation *self)
{
  g_return_val_if_fail (PB_IS_STATION (self), NULL);
  return self->site_error;
}

void
pb_station_set_sync_interval (PbStation *self, guint seconds)
{
  g_return_if_fail (PB_IS_STATION (self));
  self->sync_interval = seconds;
}
