/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "pb-queue-model.h"

struct _PbQueueModel
{
  GObject parent_instance;

  GPtrArray *items; /* (element-type PbQueueItem) */
};

static void pb_queue_model_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PbQueueModel, pb_queue_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      pb_queue_model_list_model_init))

static GType
pb_queue_model_get_item_type (GListModel *model)
{
  return PB_TYPE_QUEUE_ITEM;
}

static guint
pb_queue_model_get_n_items (GListModel *model)
{
  return PB_QUEUE_MODEL (model)->items->len;
}

static gpointer
pb_queue_model_get_item (GListModel *model, guint position)
{
  PbQueueModel *self = PB_QUEUE_MODEL (model);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
pb_queue_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = pb_queue_model_get_item_type;
  iface->get_n_items = pb_queue_model_get_n_items;
  iface->get_item = pb_queue_model_get_item;
}

static void
pb_queue_model_finalize (GObject *object)
{
  PbQueueModel *self = PB_QUEUE_MODEL (object);

  g_clear_pointer (&self->items, g_ptr_array_unref);
  G_OBJECT_CLASS (pb_queue_model_parent_class)->finalize (object);
}

static void
pb_queue_model_class_init (PbQueueModelClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pb_queue_model_finalize;
}

static void
pb_queue_model_init (PbQueueModel *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
}

PbQueueModel *
pb_queue_model_new (void)
{
  return g_object_new (PB_TYPE_QUEUE_MODEL, NULL);
}

void
pb_queue_model_splice (PbQueueModel *self, guint position, guint n_removals,
                       PbQueueItem *const *additions, guint n_additions)
{
  guint tail;

  g_return_if_fail (PB_IS_QUEUE_MODEL (self));
  g_return_if_fail (position <= self->items->len);
  g_return_if_fail (n_removals <= self->items->len - position);
  g_return_if_fail (additions != NULL || n_additions == 0);

  /* Two signals, not one: when one items-changed both removes a row the
   * list view tracks (its anchor, the focus) and adds rows, GTK's list
   * item manager fetches every added row to look for the tracked one by
   * identity, tens of milliseconds for a filter that hides 90,000 rows.
   * Both are emitted before returning, so no frame shows the gap. */
  if (n_removals > 0)
    {
      g_ptr_array_remove_range (self->items, position, n_removals);
      g_list_model_items_changed (G_LIST_MODEL (self), position, n_removals, 0);
    }
  if (n_additions > 0)
    {
      tail = self->items->len - position;
      g_ptr_array_set_size (self->items, self->items->len + n_additions);
      memmove (self->items->pdata + position + n_additions, self->items->pdata + position,
               tail * sizeof (gpointer));
      for (guint i = 0; i < n_additions; i++)
        self->items->pdata[position + i] = g_object_ref (additions[i]);
      g_list_model_items_changed (G_LIST_MODEL (self), position, 0, n_additions);
    }
}
