/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "pb-page.h"

typedef struct
{
  PbSession *session;
  PbStation *station;
  GCancellable *cancellable;      /* cancelled when the page goes */
  GCancellable *load_cancellable; /* the load in progress */
  gboolean busy;
} PbPagePrivate;

G_DEFINE_TYPE_WITH_PRIVATE (PbPage, pb_page, ADW_TYPE_BIN)

enum
{
  PROP_0,
  PROP_SESSION,
  PROP_STATION,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Running work in a worker thread */

typedef struct
{
  PbStore *store;
  PbPageWorkFunc func;
  gpointer data;
  GDestroyNotify data_free;
} Run;

static void
run_free (Run *run)
{
  g_clear_object (&run->store);
  if (run->data_free != NULL)
    g_clear_pointer (&run->data, run->data_free);
  g_free (run);
}

static void
run_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  Run *run = task_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (PbStore) worker = pb_store_open_worker (run->store, &error);

  if (worker == NULL || !run->func (worker, run->data, cancellable, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
run_in_thread (PbPage *self, GCancellable *cancellable, gpointer source_tag, PbPageWorkFunc func,
               gpointer data, GDestroyNotify data_free, GAsyncReadyCallback callback)
{
  PbPagePrivate *priv = pb_page_get_instance_private (self);
  g_autoptr (GTask) task = NULL;
  Run *run = g_new0 (Run, 1);

  run->store = g_object_ref (pb_session_get_store (priv->session));
  run->func = func;
  run->data = data;
  run->data_free = data_free;

  task = g_task_new (self, cancellable, callback, NULL);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, run, (GDestroyNotify)run_free);
  g_task_run_in_thread (task, run_thread);
}

void
pb_page_cancel_load (PbPage *self)
{
  PbPagePrivate *priv = pb_page_get_instance_private (self);

  g_return_if_fail (PB_IS_PAGE (self));

  g_cancellable_cancel (priv->load_cancellable);
  g_clear_object (&priv->load_cancellable);
}

void
pb_page_run_load (PbPage *self, PbPageWorkFunc func, gpointer data, GDestroyNotify data_free,
                  GAsyncReadyCallback callback)
{
  PbPagePrivate *priv = pb_page_get_instance_private (self);

  g_return_if_fail (PB_IS_PAGE (self));
  g_return_if_fail (func != NULL);

  pb_page_cancel_load (self);
  priv->load_cancellable = g_cancellable_new ();
  run_in_thread (self, priv->load_cancellable, pb_page_run_load, func, data, data_free, callback);
}

void
pb_page_run_action (PbPage *self, PbPageWorkFunc func, gpointer data, GDestroyNotify data_free,
                    GAsyncReadyCallback callback)
{
  PbPagePrivate *priv = pb_page_get_instance_private (self);

  g_return_if_fail (PB_IS_PAGE (self));
  g_return_if_fail (func != NULL);

  run_in_thread (self, priv->cancellable, pb_page_run_action, func, data, data_free, callback);
}

gboolean
pb_page_run_finish (PbPage *self, GAsyncResult *result, gpointer *data, GError **error)
{
  PbPagePrivate *priv = pb_page_get_instance_private (self);
  GTask *task = G_TASK (result);
  Run *run;

  g_return_val_if_fail (PB_IS_PAGE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  run = g_task_get_task_data (task);
  if (data != NULL)
    *data = run->data;
  if (g_task_get_source_tag (task) == pb_page_run_load
      && g_task_get_cancellable (task) != priv->load_cancellable)
    {
      /* A newer load is on its way. */
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Replaced by a newer load");
      return FALSE;
    }
  return g_task_propagate_boolean (task, error);
}

/* The page */

PbSession *
pb_page_get_session (PbPage *self)
{
  PbPagePrivate *priv = pb_page_get_instance_private (self);

  g_return_val_if_fail (PB_IS_PAGE (self), NULL);
  return priv->session;
}

PbStation *
pb_page_get_station (PbPage *self)
{
  PbPagePrivate *priv = pb_page_get_instance_private (self);

  g_return_val_if_fail (PB_IS_PAGE (self), NULL);
  return priv->station;
}

GCancellable *
pb_page_get_cancellable (PbPage *self)
{
  PbPagePrivate *priv = pb_page_get_instance_private (self);

  g_return_val_if_fail (PB_IS_PAGE (self), NULL);
  return priv->cancellable;
}

GtkWindow *
pb_page_get_window (PbPage *self)
{
  GtkRoot *root;

  g_return_val_if_fail (PB_IS_PAGE (self), NULL);

  root = gtk_widget_get_root (GTK_WIDGET (self));
  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

gboolean
pb_page_get_busy (PbPage *self)
{
  PbPagePrivate *priv = pb_page_get_instance_private (self);

  g_return_val_if_fail (PB_IS_PAGE (self), FALSE);
  return priv->busy;
}

void
pb_page_set_busy (PbPage *self, gboolean busy)
{
  PbPagePrivate *priv = pb_page_get_instance_private (self);

  g_return_if_fail (PB_IS_PAGE (self));

  busy = !!busy;
  if (priv->busy == busy)
    return;
  priv->busy = busy;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

void
pb_page_reload (PbPage *self)
{
  g_return_if_fail (PB_IS_PAGE (self));

  if (PB_PAGE_GET_CLASS (self)->reload != NULL)
    PB_PAGE_GET_CLASS (self)->reload (self);
}

static void
pb_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (pb_page_parent_class)->map (widget);
  pb_page_reload (PB_PAGE (widget));
}

static void
pb_page_constructed (GObject *object)
{
  PbPagePrivate *priv = pb_page_get_instance_private (PB_PAGE (object));

  G_OBJECT_CLASS (pb_page_parent_class)->constructed (object);

  g_assert (PB_IS_SESSION (priv->session));
}

static void
pb_page_dispose (GObject *object)
{
  PbPagePrivate *priv = pb_page_get_instance_private (PB_PAGE (object));

  g_cancellable_cancel (priv->cancellable);
  g_cancellable_cancel (priv->load_cancellable);
  adw_bin_set_child (ADW_BIN (object), NULL);

  G_OBJECT_CLASS (pb_page_parent_class)->dispose (object);
}

static void
pb_page_finalize (GObject *object)
{
  PbPagePrivate *priv = pb_page_get_instance_private (PB_PAGE (object));

  g_clear_object (&priv->session);
  g_clear_object (&priv->station);
  g_clear_object (&priv->cancellable);
  g_clear_object (&priv->load_cancellable);

  G_OBJECT_CLASS (pb_page_parent_class)->finalize (object);
}

static void
pb_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PbPage *self = PB_PAGE (object);
  PbPagePrivate *priv = pb_page_get_instance_private (self);

  switch (prop_id)
    {
      case PROP_SESSION:
        g_value_set_object (value, priv->session);
        break;
      case PROP_STATION:
        g_value_set_object (value, priv->station);
        break;
      case PROP_BUSY:
        g_value_set_boolean (value, priv->busy);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_page_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  PbPage *self = PB_PAGE (object);
  PbPagePrivate *priv = pb_page_get_instance_private (self);

  switch (prop_id)
    {
      case PROP_SESSION:
        priv->session = g_value_dup_object (value);
        break;
      case PROP_STATION:
        priv->station = g_value_dup_object (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_page_class_init (PbPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = pb_page_constructed;
  object_class->dispose = pb_page_dispose;
  object_class->finalize = pb_page_finalize;
  object_class->get_property = pb_page_get_property;
  object_class->set_property = pb_page_set_property;
  widget_class->map = pb_page_map;

  properties[PROP_SESSION]
      = g_param_spec_object ("session", NULL, NULL, PB_TYPE_SESSION,
                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_EXPLICIT_NOTIFY
                                 | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATION]
      = g_param_spec_object ("station", NULL, NULL, PB_TYPE_STATION,
                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_EXPLICIT_NOTIFY
                                 | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY]
      = g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                              G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pb_page_init (PbPage *self)
{
  PbPagePrivate *priv = pb_page_get_instance_private (self);

  priv->cancellable = g_cancellable_new ();
}
