/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "pb-batch.h"
#include "pb-scan.h"
#include "store/pb-orders.h"

typedef struct
{
  char *order_id;
  PbBatchOrderState state;
  char *tracking_number;
  char *error;
  char *notice;
} BatchOrder;

struct _PbBatch
{
  GObject parent_instance;

  PbStore *store;
  char *operator_name;
  gint weight_g;
  PbWeightSource weight_source;
  GMutex lock;    /* guards the orders' states, tracking numbers and errors */
  GArray *orders; /* BatchOrder */
  gint stop_requested;
  gboolean stopped;
  gboolean running;
};

G_DEFINE_FINAL_TYPE (PbBatch, pb_batch, G_TYPE_OBJECT)

enum
{
  SIGNAL_ORDER_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
batch_order_clear (gpointer data)
{
  BatchOrder *order = data;

  g_free (order->order_id);
  g_free (order->tracking_number);
  g_free (order->error);
  g_free (order->notice);
}

static void
pb_batch_finalize (GObject *object)
{
  PbBatch *self = PB_BATCH (object);

  g_clear_object (&self->store);
  g_free (self->operator_name);
  g_array_unref (self->orders);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (pb_batch_parent_class)->finalize (object);
}

static void
pb_batch_class_init (PbBatchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pb_batch_finalize;

  /**
   * PbBatch::order-changed:
   * @position: the order's position in the batch
   *
   * The order's state changed (it began, shipped, was skipped or failed).
   */
  signals[SIGNAL_ORDER_CHANGED]
      = g_signal_new ("order-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
pb_batch_init (PbBatch *self)
{
  g_mutex_init (&self->lock);
  self->orders = g_array_new (FALSE, TRUE, sizeof (BatchOrder));
  g_array_set_clear_func (self->orders, batch_order_clear);
}

GPtrArray *
pb_batch_find_orders (PbStore *store, const char *code, GError **error)
{
  g_autofree char *trimmed = NULL;
  g_autofree char *value = NULL;
  g_auto (GStrv) candidates = NULL;
  PbScanKind kind;

  g_return_val_if_fail (PB_IS_STORE (store), NULL);
  g_return_val_if_fail (code != NULL, NULL);

  trimmed = g_strstrip (g_strdup (code));
  kind = pb_scan_classify (trimmed, &value);
  if (*trimmed == '\0' || kind == PB_SCAN_KIND_AMAZON_ORDER_ID || kind == PB_SCAN_KIND_BADGE)
    return g_ptr_array_new_with_free_func (g_free);
  candidates = pb_scan_candidates (trimmed);
  return pb_orders_list_single_item (store, (const char *const *)candidates, error);
}

PbBatch *
pb_batch_new (PbStore *store, const char *const *order_ids, guint n_orders,
              const char *operator_name, gint weight_g, PbWeightSource weight_source)
{
  PbBatch *self;

  g_return_val_if_fail (PB_IS_STORE (store), NULL);
  g_return_val_if_fail (order_ids != NULL || n_orders == 0, NULL);

  self = g_object_new (PB_TYPE_BATCH, NULL);
  self->store = g_object_ref (store);
  self->operator_name = g_strdup (operator_name);
  self->weight_g = weight_g;
  self->weight_source = weight_source;
  for (guint i = 0; i < n_orders; i++)
    {
      BatchOrder order = { .order_id = g_strdup (order_ids[i]) };

      g_array_append_val (self->orders, order);
    }
  return self;
}

guint
pb_batch_get_n_orders (PbBatch *self)
{
  g_return_val_if_fail (PB_IS_BATCH (self), 0);
  return self->orders->len;
}

const char *
pb_batch_get_order_id (PbBatch *self, guint position)
{
  g_return_val_if_fail (PB_IS_BATCH (self) && position < self->orders->len, NULL);
  return g_array_index (self->orders, BatchOrder, position).order_id;
}

PbBatchOrderState
pb_batch_get_order_state (PbBatch *self, guint position)
{
  g_autoptr (GMutexLocker) locker = NULL;

  g_return_val_if_fail (PB_IS_BATCH (self) && position < self->orders->len,
                        PB_BATCH_ORDER_NOT_STARTED);
  locker = g_mutex_locker_new (&self->lock);
  return g_array_index (self->orders, BatchOrder, position).state;
}

char *
pb_batch_dup_order_tracking (PbBatch *self, guint position)
{
  g_autoptr (GMutexLocker) locker = NULL;

  g_return_val_if_fail (PB_IS_BATCH (self) && position < self->orders->len, NULL);
  locker = g_mutex_locker_new (&self->lock);
  return g_strdup (g_array_index (self->orders, BatchOrder, position).tracking_number);
}

char *
pb_batch_dup_order_error (PbBatch *self, guint position)
{
  g_autoptr (GMutexLocker) locker = NULL;

  g_return_val_if_fail (PB_IS_BATCH (self) && position < self->orders->len, NULL);
  locker = g_mutex_locker_new (&self->lock);
  return g_strdup (g_array_index (self->orders, BatchOrder, position).error);
}

char *
pb_batch_dup_order_notice (PbBatch *self, guint position)
{
  g_autoptr (GMutexLocker) locker = NULL;

  g_return_val_if_fail (PB_IS_BATCH (self) && position < self->orders->len, NULL);
  locker = g_mutex_locker_new (&self->lock);
  return g_strdup (g_array_index (self->orders, BatchOrder, position).notice);
}

guint
pb_batch_count (PbBatch *self, PbBatchOrderState state)
{
  g_autoptr (GMutexLocker) locker = NULL;
  guint n = 0;

  g_return_val_if_fail (PB_IS_BATCH (self), 0);
  locker = g_mutex_locker_new (&self->lock);
  for (guint i = 0; i < self->orders->len; i++)
    if (g_array_index (self->orders, BatchOrder, i).state == state)
      n++;
  return n;
}

gboolean
pb_batch_get_stopped (PbBatch *self)
{
  g_return_val_if_fail (PB_IS_BATCH (self), FALSE);
  return g_atomic_int_get (&self->stopped);
}

void
pb_batch_stop (PbBatch *self)
{
  g_return_if_fail (PB_IS_BATCH (self));
  g_atomic_int_set (&self->stop_requested, 1);
}

/* Where "order-changed" is emitted: the calling thread (pb_batch_run), or
 * the main context that started pb_batch_run_async. */
typedef struct
{
  PbBatch *self;
  GMainContext *context; /* NULL: emit at once */
} Runner;

typedef struct
{
  PbBatch *self;
  guint position;
} Emission;

static gboolean
emit_cb (gpointer data)
{
  Emission *emission = data;

  g_signal_emit (emission->self, signals[SIGNAL_ORDER_CHANGED], 0, emission->position);
  return G_SOURCE_REMOVE;
}

static void
emission_free (gpointer data)
{
  Emission *emission = data;

  g_object_unref (emission->self);
  g_free (emission);
}

static void
set_state (Runner *runner, guint position, PbBatchOrderState state, const char *tracking_number,
           const char *error)
{
  PbBatch *self = runner->self;

  g_mutex_lock (&self->lock);
  {
    BatchOrder *order = &g_array_index (self->orders, BatchOrder, position);

    order->state = state;
    if (tracking_number != NULL)
      {
        g_free (order->tracking_number);
        order->tracking_number = g_strdup (tracking_number);
      }
    g_free (order->error);
    order->error = g_strdup (error);
  }
  g_mutex_unlock (&self->lock);

  if (runner->context == NULL)
    g_signal_emit (self, signals[SIGNAL_ORDER_CHANGED], 0, position);
  else
    {
      Emission *emission = g_new0 (Emission, 1);

      emission->self = g_object_ref (self);
      emission->position = position;
      g_main_context_invoke_full (runner->context, G_PRIORITY_DEFAULT, emit_cb, emission,
                                  emission_free);
    }
}

/* Refusals that concern one order only: the batch goes on without it. */
static gboolean
is_skippable (const GError *error)
{
  return error->domain == PB_SHIP_ERROR
         && (error->code == PB_SHIP_ERROR_HELD || error->code == PB_SHIP_ERROR_CANCELLED
             || error->code == PB_SHIP_ERROR_CANCEL_REQUESTED);
}

/* What pb_ship's result says beyond the label, in words; NULL: nothing. */
static char *
describe_result (const PbShipResult *result)
{
  g_autoptr (GString) text = g_string_new (NULL);

  if (result->recheck_skipped)
    g_string_append_printf (text,
                            _ ("Amazon could not be reached to re-check it (%s); it was shipped "
                               "on what the last sync said."),
                            result->recheck_error ? result->recheck_error : "");
  if (!result->confirmed)
    {
      if (text->len > 0)
        g_string_append_c (text, ' ');
      g_string_append_printf (text,
                              _ ("Amazon has not confirmed it yet (%s); the confirmation waits "
                                 "in the outbox."),
                              result->confirm_error ? result->confirm_error : "");
    }
  if (result->despatch_note_error != NULL)
    {
      if (text->len > 0)
        g_string_append_c (text, ' ');
      g_string_append_printf (text, _ ("Its despatch note was not printed: %s"),
                              result->despatch_note_error);
    }
  return text->len > 0 ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
}

static gboolean
run_batch (Runner *runner, PbStore *store, GCancellable *cancellable, GError **error)
{
  PbBatch *self = runner->self;

  for (guint i = 0; i < self->orders->len; i++)
    {
      const char *order_id = g_array_index (self->orders, BatchOrder, i).order_id;
      PbShipRequest request = {
        .order_id = order_id,
        .operator_name = self->operator_name,
        .weight_g = self->weight_g,
        .weight_source = self->weight_source,
      };
      PbShipResult result = { 0 };
      g_autoptr (GError) local_error = NULL;

      if (g_atomic_int_get (&self->stop_requested) || g_cancellable_is_cancelled (cancellable))
        {
          g_atomic_int_set (&self->stopped, TRUE);
          return TRUE;
        }
      set_state (runner, i, PB_BATCH_ORDER_SHIPPING, NULL, NULL);
      if (pb_ship (store, &request, &result, cancellable, &local_error))
        {
          g_autofree char *notice = describe_result (&result);

          g_mutex_lock (&self->lock);
          g_array_index (self->orders, BatchOrder, i).notice = g_steal_pointer (&notice);
          g_mutex_unlock (&self->lock);
          set_state (runner, i, PB_BATCH_ORDER_SHIPPED, result.tracking_number, NULL);
        }
      else if (is_skippable (local_error))
        set_state (runner, i, PB_BATCH_ORDER_SKIPPED, NULL, local_error->message);
      else
        {
          set_state (runner, i, PB_BATCH_ORDER_FAILED, result.tracking_number,
                     local_error->message);
          pb_ship_result_clear (&result);
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      pb_ship_result_clear (&result);
    }
  return TRUE;
}

gboolean
pb_batch_run (PbBatch *self, GCancellable *cancellable, GError **error)
{
  Runner runner = { .self = self };

  g_return_val_if_fail (PB_IS_BATCH (self), FALSE);
  g_return_val_if_fail (!self->running, FALSE);

  self->running = TRUE;
  return run_batch (&runner, self->store, cancellable, error);
}

static void
run_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  PbBatch *self = source_object;
  GMainContext *context = task_data;
  Runner runner = { .self = self, .context = context };
  g_autoptr (GError) error = NULL;
  g_autoptr (PbStore) worker = pb_store_open_worker (self->store, &error);

  if (worker == NULL || !run_batch (&runner, worker, cancellable, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
pb_batch_run_async (PbBatch *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                    gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (PB_IS_BATCH (self));
  g_return_if_fail (!self->running);

  self->running = TRUE;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pb_batch_run_async);
  g_task_set_task_data (task, g_main_context_ref_thread_default (),
                        (GDestroyNotify)g_main_context_unref);
  g_task_run_in_thread (task, run_thread);
}

gboolean
pb_batch_run_finish (PbBatch *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
