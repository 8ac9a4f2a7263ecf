/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "pb-scale-watch.h"

#include <glib-unix.h>

#include "pb-scale-private.h"

struct _PbScaleWatch
{
  GObject parent_instance;

  char *wanted; /* (nullable) the path asked for; NULL: the first scale found */
  GUdevClient *udev;
  PbScaleReader *reader; /* (nullable) */
  guint source;
  char *problem;
};

G_DEFINE_FINAL_TYPE (PbScaleWatch, pb_scale_watch, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_DEVICE,
  PROP_PROBLEM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_READING,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
set_problem (PbScaleWatch *self, const char *problem)
{
  if (g_strcmp0 (self->problem, problem) == 0)
    return;
  g_free (self->problem);
  self->problem = g_strdup (problem);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROBLEM]);
}

static void
stop_reading (PbScaleWatch *self)
{
  if (self->reader == NULL)
    return;
  g_clear_handle_id (&self->source, g_source_remove);
  g_clear_pointer (&self->reader, pb_scale_reader_free);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEVICE]);
}

static void find_scale (PbScaleWatch *self);

static gboolean
on_readable_cb (int fd, GIOCondition condition, gpointer user_data)
{
  PbScaleWatch *self = PB_SCALE_WATCH (user_data);

  /* Everything queued, one signal per report. */
  for (guint n = 0; n < 64; n++)
    {
      g_autoptr (GError) error = NULL;
      PbScaleReading reading;

      switch (pb_scale_reader_read (self->reader, &reading, &error))
        {
          case PB_SCALE_READ_REPORT:
            g_signal_emit (self, signals[SIGNAL_READING], 0, &reading);
            if (self->reader == NULL)
              return G_SOURCE_REMOVE; /* a handler stopped it */
            continue;
          case PB_SCALE_READ_AGAIN:
            return G_SOURCE_CONTINUE;
          case PB_SCALE_READ_ERROR:
            if (g_error_matches (error, PB_SCALE_ERROR, PB_SCALE_ERROR_BAD_REPORT))
              {
                g_debug ("Scale report passed over: %s", error->message);
                continue;
              }
            set_problem (self, error->message);
            break;
          case PB_SCALE_READ_EOF:
          default:
            break;
        }
      /* The end of the file, or the scale was unplugged: udev says when
       * one comes (back). */
      self->source = 0;
      stop_reading (self);
      if (self->wanted == NULL)
        find_scale (self);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
start_reading (PbScaleWatch *self, const char *path)
{
  g_autoptr (GError) error = NULL;

  stop_reading (self);
  self->reader = pb_scale_reader_open (path, &error);
  if (self->reader == NULL)
    {
      /* A scale named but not plugged in is said; with none named, only
       * a scale that cannot be opened is. */
      if (self->wanted != NULL
          || !g_error_matches (error, PB_SCALE_ERROR, PB_SCALE_ERROR_NOT_FOUND))
        set_problem (self, error->message);
      return FALSE;
    }
  set_problem (self, NULL);
  self->source = g_unix_fd_add (pb_scale_reader_get_fd (self->reader),
                                G_IO_IN | G_IO_HUP | G_IO_ERR, on_readable_cb, self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEVICE]);
  return TRUE;
}

/* With no device named: the first scale udev knows that opens. */
static void
find_scale (PbScaleWatch *self)
{
  GList *devices = g_udev_client_query_by_subsystem (self->udev, "hidraw");
  gboolean found = FALSE;

  for (GList *l = devices; l != NULL && !found; l = l->next)
    {
      GUdevDevice *device = l->data;
      const char *node = g_udev_device_get_device_file (device);

      if (node != NULL && pb_scale_udev_device_is_scale (device))
        found = start_reading (self, node);
    }
  g_list_free_full (devices, g_object_unref);
}

static void
on_uevent_cb (GUdevClient *client, const char *action, GUdevDevice *device, gpointer user_data)
{
  PbScaleWatch *self = PB_SCALE_WATCH (user_data);
  const char *node = g_udev_device_get_device_file (device);

  if (node == NULL)
    return;
  if (g_str_equal (action, "remove"))
    {
      if (self->reader != NULL && g_str_equal (pb_scale_reader_get_path (self->reader), node))
        {
          stop_reading (self);
          if (self->wanted == NULL)
            find_scale (self);
        }
      return;
    }
  if (!g_str_equal (action, "add") && !g_str_equal (action, "change"))
    return;
  if (self->reader != NULL)
    return;
  if (self->wanted != NULL)
    {
      if (g_str_equal (self->wanted, node))
        start_reading (self, node);
    }
  else if (pb_scale_udev_device_is_scale (device))
    start_reading (self, node);
}

static void
pb_scale_watch_dispose (GObject *object)
{
  PbScaleWatch *self = PB_SCALE_WATCH (object);

  g_clear_handle_id (&self->source, g_source_remove);
  g_clear_pointer (&self->reader, pb_scale_reader_free);
  if (self->udev != NULL)
    g_signal_handlers_disconnect_by_data (self->udev, self);
  g_clear_object (&self->udev);
  G_OBJECT_CLASS (pb_scale_watch_parent_class)->dispose (object);
}

static void
pb_scale_watch_finalize (GObject *object)
{
  PbScaleWatch *self = PB_SCALE_WATCH (object);

  g_free (self->wanted);
  g_free (self->problem);
  G_OBJECT_CLASS (pb_scale_watch_parent_class)->finalize (object);
}

static void
pb_scale_watch_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PbScaleWatch *self = PB_SCALE_WATCH (object);

  switch (prop_id)
    {
      case PROP_DEVICE:
        g_value_set_string (value, pb_scale_watch_get_device (self));
        break;
      case PROP_PROBLEM:
        g_value_set_string (value, self->problem);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_scale_watch_class_init (PbScaleWatchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pb_scale_watch_dispose;
  object_class->finalize = pb_scale_watch_finalize;
  object_class->get_property = pb_scale_watch_get_property;

  properties[PROP_DEVICE]
      = g_param_spec_string ("device", NULL, NULL, NULL,
                             G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROBLEM]
      = g_param_spec_string ("problem", NULL, NULL, NULL,
                             G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * PbScaleWatch::reading:
   * @reading: (type gpointer): the #PbScaleReading, valid during the emission
   *
   * The scale sent a reading (scales send them all the time, several a
   * second, changed or not).
   */
  signals[SIGNAL_READING] = g_signal_new ("reading", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void
pb_scale_watch_init (PbScaleWatch *self)
{
}

/**
 * pb_scale_watch_new:
 * @device: (nullable): a path, or NULL (or "") for the first scale found
 *
 * Returns: (transfer full): a watch, reading already if it can
 */
PbScaleWatch *
pb_scale_watch_new (const char *device)
{
  const char *const subsystems[] = { "hidraw", NULL };
  PbScaleWatch *self = g_object_new (PB_TYPE_SCALE_WATCH, NULL);

  self->wanted = device != NULL && *device != '\0' ? g_strdup (device) : NULL;
  self->udev = g_udev_client_new (subsystems);
  g_signal_connect (self->udev, "uevent", G_CALLBACK (on_uevent_cb), self);
  if (self->wanted != NULL)
    start_reading (self, self->wanted);
  else
    find_scale (self);
  return self;
}

void
pb_scale_watch_rescan (PbScaleWatch *self)
{
  g_return_if_fail (PB_IS_SCALE_WATCH (self));

  if (self->reader != NULL)
    return;
  if (self->wanted != NULL)
    start_reading (self, self->wanted);
  else
    find_scale (self);
}

const char *
pb_scale_watch_get_device (PbScaleWatch *self)
{
  g_return_val_if_fail (PB_IS_SCALE_WATCH (self), NULL);
  return self->reader != NULL ? pb_scale_reader_get_path (self->reader) : NULL;
}

const char *
pb_scale_watch_get_problem (PbScaleWatch *self)
{
  g_return_val_if_fail (PB_IS_SCALE_WATCH (self), NULL);
  return self->problem;
}
