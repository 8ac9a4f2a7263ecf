/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n-lib.h>
#include <libpq-fe.h>

#include "pb-site-private.h"
#include "pb-site-watch.h"
#include "util/pb-secure.h"

/*
 * How it runs. Connecting (DNS, TCP, TLS, SCRAM, then LISTEN) happens in a
 * GTask worker thread with the same blocking code as pb_site_connect
 * (pb_site_open_conn), so the TLS policy and the session set-up are one
 * piece of code, and nothing of it can stall the main loop: PQconnectStart
 * and PQconnectPoll would be the other way, but libpq resolves host names
 * with a blocking getaddrinfo() inside PQconnectStart, and the same policy
 * checks would have to be written twice. The finished PGconn is handed to
 * the main context, which from then on only reads: the socket is watched
 * with a GSource, and each wake-up is PQconsumeInput + PQnotifies, neither
 * of which blocks. The watch never sends a statement from the main loop.
 *
 * A broken connection (PQconsumeInput fails: the server went, the backend
 * was terminated, keepalives found the peer dead) is closed at once and a
 * new one attempted right away, then after 1, 2, 4 … 60 s with jitter so
 * that the benches of a site do not all knock at the same moment.
 */

#define CHANNEL "packbench_queue"
#define MAX_BACKOFF_SECONDS 60

struct _PbSiteWatch
{
  GObject parent_instance;

  /* What to connect to; the URI may hold the password too. */
  char *uri;
  char *password;

  /* The main context this watch lives in (set by start). */
  GMainContext *context;
  gboolean started;

  PGconn *conn;
  GSource *socket_source;
  GSource *retry_source;
  GCancellable *connecting; /* while a connect task runs */
  guint failures;           /* attempts failed in a row */

  gboolean connected;
  GError *error;
};

G_DEFINE_FINAL_TYPE (PbSiteWatch, pb_site_watch, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_CONNECTED,
  PROP_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_ORDER_CHANGED,
  SIGNAL_RESYNC,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void begin_connect (PbSiteWatch *self);

static void
set_connected (PbSiteWatch *self, gboolean connected)
{
  if (self->connected == connected)
    return;
  self->connected = connected;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTED]);
}

/* Takes @error (NULL clears it). */
static void
take_error (PbSiteWatch *self, GError *error)
{
  if (self->error == NULL && error == NULL)
    return;
  if (self->error != NULL && error != NULL && self->error->domain == error->domain
      && self->error->code == error->code && g_str_equal (self->error->message, error->message))
    {
      g_error_free (error);
      return;
    }
  g_clear_error (&self->error);
  self->error = error;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

static void
close_connection (PbSiteWatch *self)
{
  if (self->socket_source != NULL)
    {
      g_source_destroy (self->socket_source);
      g_clear_pointer (&self->socket_source, g_source_unref);
    }
  /* Non-blocking mode (set when connecting): the goodbye message never
   * waits on a dead peer. */
  g_clear_pointer (&self->conn, PQfinish);
}

static void
cancel_retry (PbSiteWatch *self)
{
  if (self->retry_source != NULL)
    {
      g_source_destroy (self->retry_source);
      g_clear_pointer (&self->retry_source, g_source_unref);
    }
}

static gboolean
on_retry_timeout_cb (gpointer user_data)
{
  PbSiteWatch *self = PB_SITE_WATCH (user_data);

  g_clear_pointer (&self->retry_source, g_source_unref);
  begin_connect (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_retry (PbSiteWatch *self)
{
  guint delay_ms = 0;

  g_assert (self->retry_source == NULL);

  /* The first attempt after a working connection broke goes at once. */
  if (self->failures > 0)
    {
      guint seconds = 1u << MIN (self->failures - 1, 6u);

      delay_ms = MIN (seconds, MAX_BACKOFF_SECONDS) * 1000;
      delay_ms = delay_ms / 2 + (guint)g_random_int_range (0, (gint32)(delay_ms / 2) + 1);
    }
  self->retry_source = g_timeout_source_new (delay_ms);
  g_source_set_static_name (self->retry_source, "PbSiteWatch retry");
  g_source_set_callback (self->retry_source, on_retry_timeout_cb, self, NULL);
  g_source_attach (self->retry_source, self->context);
}

static void
lose_connection (PbSiteWatch *self)
{
  g_autofree char *reason = g_strstrip (g_strdup (PQerrorMessage (self->conn)));

  close_connection (self);
  self->failures = 0;
  take_error (self, g_error_new (PB_SITE_ERROR, PB_SITE_ERROR_UNREACHABLE,
                                 _ ("The connection to the site database was lost: %s"), reason));
  set_connected (self, FALSE);
  if (self->started)
    schedule_retry (self);
}

static gboolean
on_socket_ready_cb (int fd, GIOCondition condition, gpointer user_data)
{
  PbSiteWatch *self = PB_SITE_WATCH (user_data);
  g_autoptr (PbSiteWatch) hold = g_object_ref (self);
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  gboolean everything = FALSE;
  PGnotify *notify;

  if (!PQconsumeInput (self->conn) || PQstatus (self->conn) != CONNECTION_OK)
    {
      lose_connection (self);
      return G_SOURCE_REMOVE;
    }
  while ((notify = PQnotifies (self->conn)) != NULL)
    {
      if (g_str_equal (notify->relname, CHANNEL))
        {
          /* A notification without an order id (a bench left and its
           * claims went) means many orders changed. */
          if (notify->extra == NULL || *notify->extra == '\0')
            everything = TRUE;
          else if (!g_hash_table_contains (seen, notify->extra))
            {
              char *id = g_strdup (notify->extra);

              g_ptr_array_add (ids, id);
              g_hash_table_add (seen, id);
            }
        }
      PQfreemem (notify);
    }

  /* A handler may stop the watch; only the copies are used from here. */
  if (everything)
    g_signal_emit (self, signals[SIGNAL_RESYNC], 0);
  else
    for (guint i = 0; i < ids->len; i++)
      g_signal_emit (self, signals[SIGNAL_ORDER_CHANGED], 0, g_ptr_array_index (ids, i));
  return G_SOURCE_CONTINUE;
}

/* ---- connecting (worker thread) --------------------------------------- */

typedef struct
{
  char *uri;
  char *password;
} ConnectData;

static void
connect_data_free (ConnectData *data)
{
  pb_secure_free_string (data->uri);
  if (data->password != NULL)
    pb_secure_free_string (data->password);
  g_free (data);
}

static void
connect_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  ConnectData *data = task_data;
  GError *error = NULL;
  PGconn *conn;
  PGresult *result;

  conn = pb_site_open_conn (data->uri, data->password, "packbench-watch", &error);
  if (conn == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  result = PQexec (conn, "LISTEN " CHANNEL);
  if (PQresultStatus (result) != PGRES_COMMAND_OK)
    {
      g_autofree char *reason = g_strstrip (g_strdup (PQerrorMessage (conn)));

      g_task_return_new_error (task, PB_SITE_ERROR, PB_SITE_ERROR_UNREACHABLE,
                               _ ("Cannot listen for the site’s changes: %s"), reason);
      PQclear (result);
      PQfinish (conn);
      return;
    }
  PQclear (result);
  PQsetnonblocking (conn, 1);
  g_task_return_pointer (task, conn, (GDestroyNotify)PQfinish);
}

static gboolean
is_permanent (const GError *error)
{
  return g_error_matches (error, PB_SITE_ERROR, PB_SITE_ERROR_INSECURE)
         || g_error_matches (error, PB_SITE_ERROR, PB_SITE_ERROR_CONFIG);
}

static void
on_connect_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PbSiteWatch *self = PB_SITE_WATCH (source);
  GError *error = NULL;
  PGconn *conn;
  PGnotify *notify;

  /* Stopped meanwhile: the task's own cancellable says so, and the
   * connection (if any) is closed with the task. */
  if (g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    return;
  g_clear_object (&self->connecting);

  conn = g_task_propagate_pointer (G_TASK (result), &error);
  if (conn == NULL)
    {
      gboolean permanent = is_permanent (error);

      self->failures++;
      take_error (self, error);
      if (!permanent)
        schedule_retry (self);
      return;
    }

  self->conn = conn;
  self->failures = 0;
  /* Whatever arrived with the LISTEN's answer is covered by the resync. */
  while ((notify = PQnotifies (conn)) != NULL)
    PQfreemem (notify);
  self->socket_source = g_unix_fd_source_new (PQsocket (conn), G_IO_IN | G_IO_HUP | G_IO_ERR);
  g_source_set_static_name (self->socket_source, "PbSiteWatch socket");
  g_source_set_callback (self->socket_source, G_SOURCE_FUNC (on_socket_ready_cb), self, NULL);
  g_source_attach (self->socket_source, self->context);

  g_object_ref (self);
  take_error (self, NULL);
  set_connected (self, TRUE);
  if (self->conn == conn)
    g_signal_emit (self, signals[SIGNAL_RESYNC], 0);
  g_object_unref (self);
}

static void
begin_connect (PbSiteWatch *self)
{
  g_autoptr (GTask) task = NULL;
  ConnectData *data = g_new0 (ConnectData, 1);

  g_assert (self->connecting == NULL && self->conn == NULL);

  data->uri = g_strdup (self->uri);
  data->password = g_strdup (self->password);
  self->connecting = g_cancellable_new ();
  /* The answer comes back in the watch's context, whichever context
   * dispatched this. */
  g_main_context_push_thread_default (self->context);
  task = g_task_new (self, self->connecting, on_connect_done_cb, NULL);
  g_main_context_pop_thread_default (self->context);
  g_task_set_source_tag (task, begin_connect);
  g_task_set_name (task, "PbSiteWatch connect");
  g_task_set_task_data (task, data, (GDestroyNotify)connect_data_free);
  g_task_run_in_thread (task, connect_thread);
}

/* ---- public ----------------------------------------------------------- */

PbSiteWatch *
pb_site_watch_new (const char *uri, const char *password)
{
  PbSiteWatch *self;

  g_return_val_if_fail (uri != NULL, NULL);

  self = g_object_new (PB_TYPE_SITE_WATCH, NULL);
  self->uri = g_strdup (uri);
  self->password = password != NULL && *password != '\0' ? g_strdup (password) : NULL;
  return self;
}

void
pb_site_watch_start (PbSiteWatch *self)
{
  g_return_if_fail (PB_IS_SITE_WATCH (self));

  if (self->started)
    return;
  self->started = TRUE;
  self->failures = 0;
  g_clear_pointer (&self->context, g_main_context_unref);
  self->context = g_main_context_ref_thread_default ();
  begin_connect (self);
}

static void
stop_all (PbSiteWatch *self)
{
  self->started = FALSE;
  if (self->connecting != NULL)
    {
      g_cancellable_cancel (self->connecting);
      g_clear_object (&self->connecting);
    }
  cancel_retry (self);
  close_connection (self);
}

void
pb_site_watch_stop (PbSiteWatch *self)
{
  g_return_if_fail (PB_IS_SITE_WATCH (self));

  stop_all (self);
  set_connected (self, FALSE);
}

gboolean
pb_site_watch_get_connected (PbSiteWatch *self)
{
  g_return_val_if_fail (PB_IS_SITE_WATCH (self), FALSE);
  return self->connected;
}

const GError *
pb_site_watch_get_error (PbSiteWatch *self)
{
  g_return_val_if_fail (PB_IS_SITE_WATCH (self), NULL);
  return self->error;
}

/* ---- GObject ---------------------------------------------------------- */

static void
pb_site_watch_dispose (GObject *object)
{
  PbSiteWatch *self = PB_SITE_WATCH (object);

  stop_all (self);
  G_OBJECT_CLASS (pb_site_watch_parent_class)->dispose (object);
}

static void
pb_site_watch_finalize (GObject *object)
{
  PbSiteWatch *self = PB_SITE_WATCH (object);

  pb_secure_free_string (self->uri);
  if (self->password != NULL)
    pb_secure_free_string (self->password);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_error (&self->error);
  G_OBJECT_CLASS (pb_site_watch_parent_class)->finalize (object);
}

static void
pb_site_watch_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PbSiteWatch *self = PB_SITE_WATCH (object);

  switch (prop_id)
    {
      case PROP_CONNECTED:
        g_value_set_boolean (value, self->connected);
        break;
      case PROP_ERROR:
        g_value_set_boxed (value, self->error);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_site_watch_class_init (PbSiteWatchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pb_site_watch_dispose;
  object_class->finalize = pb_site_watch_finalize;
  object_class->get_property = pb_site_watch_get_property;

  properties[PROP_CONNECTED]
      = g_param_spec_boolean ("connected", NULL, NULL, FALSE,
                              G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ERROR]
      = g_param_spec_boxed ("error", NULL, NULL, G_TYPE_ERROR,
                            G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_ORDER_CHANGED]
      = g_signal_new ("order-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 1, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[SIGNAL_RESYNC] = g_signal_new ("resync", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                         NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
pb_site_watch_init (PbSiteWatch *self)
{
}
