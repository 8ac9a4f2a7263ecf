/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "pb-queue-item.h"

struct _PbQueueItem
{
  GObject parent_instance;

  char *id;
  const char *state; /* interned: a handful of values over 100,000 rows */
  gint64 ship_by;
  char *items_summary;
  const char *service; /* interned */
  char *search_text;   /* id and summary in lower case, for the filter */
  gboolean cancel_requested;
  char *held_by; /* site mode: another bench has it, in words */
};

G_DEFINE_FINAL_TYPE (PbQueueItem, pb_queue_item, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_STATE,
  PROP_SHIP_BY,
  PROP_ITEMS_SUMMARY,
  PROP_SERVICE,
  PROP_CANCEL_REQUESTED,
  PROP_HELD_BY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
pb_queue_item_finalize (GObject *object)
{
  PbQueueItem *self = PB_QUEUE_ITEM (object);

  g_free (self->id);
  g_free (self->items_summary);
  g_free (self->search_text);
  g_free (self->held_by);
  G_OBJECT_CLASS (pb_queue_item_parent_class)->finalize (object);
}

static void
pb_queue_item_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PbQueueItem *self = PB_QUEUE_ITEM (object);

  switch (prop_id)
    {
      case PROP_ID:
        g_value_set_string (value, self->id);
        break;
      case PROP_STATE:
        g_value_set_string (value, self->state);
        break;
      case PROP_SHIP_BY:
        g_value_set_int64 (value, self->ship_by);
        break;
      case PROP_ITEMS_SUMMARY:
        g_value_set_string (value, self->items_summary);
        break;
      case PROP_SERVICE:
        g_value_set_string (value, self->service);
        break;
      case PROP_CANCEL_REQUESTED:
        g_value_set_boolean (value, self->cancel_requested);
        break;
      case PROP_HELD_BY:
        g_value_set_string (value, self->held_by);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_queue_item_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  PbQueueItem *self = PB_QUEUE_ITEM (object);

  switch (prop_id)
    {
      case PROP_ID:
        g_assert (self->id == NULL);
        self->id = g_value_dup_string (value);
        break;
      case PROP_STATE:
        g_assert (self->state == NULL);
        self->state = g_intern_string (g_value_get_string (value));
        break;
      case PROP_SHIP_BY:
        self->ship_by = g_value_get_int64 (value);
        break;
      case PROP_ITEMS_SUMMARY:
        g_assert (self->items_summary == NULL);
        self->items_summary = g_value_dup_string (value);
        break;
      case PROP_SERVICE:
        g_assert (self->service == NULL);
        self->service = g_intern_string (g_value_get_string (value));
        break;
      case PROP_CANCEL_REQUESTED:
        self->cancel_requested = g_value_get_boolean (value);
        break;
      case PROP_HELD_BY:
        g_assert (self->held_by == NULL);
        self->held_by = g_value_dup_string (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_queue_item_constructed (GObject *object)
{
  PbQueueItem *self = PB_QUEUE_ITEM (object);
  g_autofree char *joined = g_strjoin (" ", self->id ? self->id : "",
                                       self->items_summary ? self->items_summary : "", NULL);

  G_OBJECT_CLASS (pb_queue_item_parent_class)->constructed (object);
  self->search_text = g_utf8_strdown (joined, -1);
}

static void
pb_queue_item_class_init (PbQueueItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_EXPLICIT_NOTIFY
                      | G_PARAM_STATIC_STRINGS;

  object_class->finalize = pb_queue_item_finalize;
  object_class->get_property = pb_queue_item_get_property;
  object_class->set_property = pb_queue_item_set_property;
  object_class->constructed = pb_queue_item_constructed;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  properties[PROP_STATE] = g_param_spec_string ("state", NULL, NULL, NULL, flags);
  properties[PROP_SHIP_BY] = g_param_spec_int64 ("ship-by", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_ITEMS_SUMMARY] = g_param_spec_string ("items-summary", NULL, NULL, NULL, flags);
  properties[PROP_SERVICE] = g_param_spec_string ("service", NULL, NULL, NULL, flags);
  properties[PROP_CANCEL_REQUESTED]
      = g_param_spec_boolean ("cancel-requested", NULL, NULL, FALSE, flags);
  properties[PROP_HELD_BY] = g_param_spec_string ("held-by", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pb_queue_item_init (PbQueueItem *self)
{
}

PbQueueItem *
pb_queue_item_new_from_summary (const PbOrderSummary *summary)
{
  return pb_queue_item_new_held (summary, NULL);
}

PbQueueItem *
pb_queue_item_new_held (const PbOrderSummary *summary, const char *held_by)
{
  g_return_val_if_fail (summary != NULL, NULL);

  return g_object_new (PB_TYPE_QUEUE_ITEM, "id", summary->id, "state", summary->state, "ship-by",
                       MAX (summary->ship_by, (gint64)0), "items-summary", summary->items_summary,
                       "service", summary->service_level, "cancel-requested",
                       summary->cancel_requested, "held-by", held_by, NULL);
}

const char *
pb_queue_item_get_id (PbQueueItem *self)
{
  g_return_val_if_fail (PB_IS_QUEUE_ITEM (self), NULL);
  return self->id;
}

const char *
pb_queue_item_get_state (PbQueueItem *self)
{
  g_return_val_if_fail (PB_IS_QUEUE_ITEM (self), NULL);
  return self->state;
}

gint64
pb_queue_item_get_ship_by (PbQueueItem *self)
{
  g_return_val_if_fail (PB_IS_QUEUE_ITEM (self), 0);
  return self->ship_by;
}

const char *
pb_queue_item_get_items_summary (PbQueueItem *self)
{
  g_return_val_if_fail (PB_IS_QUEUE_ITEM (self), NULL);
  return self->items_summary;
}

const char *
pb_queue_item_get_service (PbQueueItem *self)
{
  g_return_val_if_fail (PB_IS_QUEUE_ITEM (self), NULL);
  return self->service;
}

gboolean
pb_queue_item_matches (PbQueueItem *self, const char *needle)
{
  g_return_val_if_fail (PB_IS_QUEUE_ITEM (self), FALSE);

  return needle == NULL || *needle == '\0' || strstr (self->search_text, needle) != NULL;
}

gboolean
pb_queue_item_get_cancel_requested (PbQueueItem *self)
{
  g_return_val_if_fail (PB_IS_QUEUE_ITEM (self), FALSE);
  return self->cancel_requested;
}

const char *
pb_queue_item_get_held_by (PbQueueItem *self)
{
  g_return_val_if_fail (PB_IS_QUEUE_ITEM (self), NULL);
  return self->held_by;
}

gboolean
pb_queue_item_equal (PbQueueItem *a, PbQueueItem *b)
{
  g_return_val_if_fail (PB_IS_QUEUE_ITEM (a), FALSE);
  g_return_val_if_fail (PB_IS_QUEUE_ITEM (b), FALSE);

  /* state and service are interned: comparing pointers is enough. */
  return a->ship_by == b->ship_by && a->state == b->state && a->service == b->service
         && a->cancel_requested == b->cancel_requested && g_strcmp0 (a->id, b->id) == 0
         && g_strcmp0 (a->items_summary, b->items_summary) == 0
         && g_strcmp0 (a->held_by, b->held_by) == 0;
}
