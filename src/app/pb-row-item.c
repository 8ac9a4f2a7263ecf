/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "pb-row-item.h"

struct _PbRowItem
{
  GObject parent_instance;

  char *title;
  char *subtitle;
  gint64 id;
  char *key;
};

G_DEFINE_FINAL_TYPE (PbRowItem, pb_row_item, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_TITLE,
  PROP_SUBTITLE,
  PROP_ID,
  PROP_KEY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
pb_row_item_finalize (GObject *object)
{
  PbRowItem *self = PB_ROW_ITEM (object);

  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->subtitle, g_free);
  g_clear_pointer (&self->key, g_free);
  G_OBJECT_CLASS (pb_row_item_parent_class)->finalize (object);
}

static void
pb_row_item_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PbRowItem *self = PB_ROW_ITEM (object);

  switch (prop_id)
    {
      case PROP_TITLE:
        g_value_set_string (value, self->title);
        break;
      case PROP_SUBTITLE:
        g_value_set_string (value, self->subtitle);
        break;
      case PROP_ID:
        g_value_set_int64 (value, self->id);
        break;
      case PROP_KEY:
        g_value_set_string (value, self->key);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_row_item_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  PbRowItem *self = PB_ROW_ITEM (object);

  switch (prop_id)
    {
      case PROP_TITLE:
        self->title = g_value_dup_string (value);
        break;
      case PROP_SUBTITLE:
        self->subtitle = g_value_dup_string (value);
        break;
      case PROP_ID:
        self->id = g_value_get_int64 (value);
        break;
      case PROP_KEY:
        self->key = g_value_dup_string (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_row_item_class_init (PbRowItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = pb_row_item_finalize;
  object_class->get_property = pb_row_item_get_property;
  object_class->set_property = pb_row_item_set_property;

  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, flags);
  properties[PROP_SUBTITLE] = g_param_spec_string ("subtitle", NULL, NULL, NULL, flags);
  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_KEY] = g_param_spec_string ("key", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pb_row_item_init (PbRowItem *self)
{
}

PbRowItem *
pb_row_item_new (const char *title, const char *subtitle, gint64 id, const char *key)
{
  return g_object_new (PB_TYPE_ROW_ITEM, "title", title, "subtitle", subtitle, "id", id, "key", key,
                       NULL);
}

const char *
pb_row_item_get_title (PbRowItem *self)
{
  g_return_val_if_fail (PB_IS_ROW_ITEM (self), NULL);
  return self->title;
}

const char *
pb_row_item_get_subtitle (PbRowItem *self)
{
  g_return_val_if_fail (PB_IS_ROW_ITEM (self), NULL);
  return self->subtitle;
}

gint64
pb_row_item_get_id (PbRowItem *self)
{
  g_return_val_if_fail (PB_IS_ROW_ITEM (self), 0);
  return self->id;
}

const char *
pb_row_item_get_key (PbRowItem *self)
{
  g_return_val_if_fail (PB_IS_ROW_ITEM (self), NULL);
  return self->key;
}
