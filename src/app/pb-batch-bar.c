/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "pb-batch-bar.h"
#include "station/pb-site-bench.h"

struct _PbBatchBar
{
  GtkWidget parent_instance;

  GtkWidget *box;
  GtkLabel *label;
  GtkButton *ship_button;
  GtkButton *stop_button;

  PbStore *store;
  char *operator_name;
  char *code;
  guint offered;
  GPtrArray *offered_ids; /* (nullable) the offered orders */
  char *held_order_id;    /* (nullable) open at the bench when the batch began */
  PbBatch *batch;         /* (nullable) the running batch */
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (PbBatchBar, pb_batch_bar, GTK_TYPE_WIDGET)

enum
{
  SIGNAL_START,
  SIGNAL_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
on_ship_clicked_cb (GtkButton *button, gpointer user_data)
{
  PbBatchBar *self = user_data;

  if (self->batch == NULL && self->offered > 1)
    g_signal_emit (self, signals[SIGNAL_START], 0);
}

static void
on_stop_clicked_cb (GtkButton *button, gpointer user_data)
{
  pb_batch_bar_stop (PB_BATCH_BAR (user_data));
}

static void
pb_batch_bar_dispose (GObject *object)
{
  PbBatchBar *self = PB_BATCH_BAR (object);

  g_cancellable_cancel (self->cancellable);
  if (self->batch != NULL)
    pb_batch_stop (self->batch);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  G_OBJECT_CLASS (pb_batch_bar_parent_class)->dispose (object);
}

static void
pb_batch_bar_finalize (GObject *object)
{
  PbBatchBar *self = PB_BATCH_BAR (object);

  g_clear_object (&self->store);
  g_clear_object (&self->batch);
  g_clear_object (&self->cancellable);
  g_free (self->operator_name);
  g_free (self->code);
  g_clear_pointer (&self->offered_ids, g_ptr_array_unref);
  g_free (self->held_order_id);
  G_OBJECT_CLASS (pb_batch_bar_parent_class)->finalize (object);
}

static void
pb_batch_bar_class_init (PbBatchBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pb_batch_bar_dispose;
  object_class->finalize = pb_batch_bar_finalize;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);

  signals[SIGNAL_START] = g_signal_new ("start", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_FINISHED]
      = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                      G_TYPE_NONE, 2, G_TYPE_BOOLEAN, G_TYPE_STRING);
}

static void
pb_batch_bar_init (PbBatchBar *self)
{
  self->cancellable = g_cancellable_new ();
  self->box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_add_css_class (self->box, "pb-banner");
  gtk_widget_add_css_class (self->box, "pb-banner-info");
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  self->label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->label, TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self->label), TRUE);
  gtk_label_set_xalign (self->label, 0.0);
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->label));

  self->ship_button = GTK_BUTTON (gtk_button_new ());
  g_signal_connect (self->ship_button, "clicked", G_CALLBACK (on_ship_clicked_cb), self);
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->ship_button));

  self->stop_button = GTK_BUTTON (gtk_button_new_with_label (_ ("Stop after this label")));
  g_signal_connect (self->stop_button, "clicked", G_CALLBACK (on_stop_clicked_cb), self);
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->stop_button));

  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

GtkWidget *
pb_batch_bar_new (void)
{
  return g_object_new (PB_TYPE_BATCH_BAR, NULL);
}

void
pb_batch_bar_offer (PbBatchBar *self, PbStore *store, const char *operator_name, const char *code)
{
  g_autoptr (GPtrArray) ids = NULL;
  g_autofree char *text = NULL;
  g_autofree char *button = NULL;

  g_return_if_fail (PB_IS_BATCH_BAR (self));
  if (self->batch != NULL)
    return;
  ids = pb_batch_find_orders (store, code, NULL);
  if (ids == NULL || ids->len < 2)
    {
      pb_batch_bar_withdraw (self);
      return;
    }
  g_set_object (&self->store, store);
  g_free (self->operator_name);
  self->operator_name = g_strdup (operator_name);
  g_free (self->code);
  self->code = g_strdup (code);
  self->offered = ids->len;
  g_clear_pointer (&self->offered_ids, g_ptr_array_unref);
  self->offered_ids = g_ptr_array_ref (ids);
  text = g_strdup_printf (ngettext ("%u single-item order is waiting for this item.",
                                    "%u single-item orders are waiting for this item.", ids->len),
                          ids->len);
  button = g_strdup_printf (
      ngettext ("Ship %u order of this item", "Ship %u orders of this item", ids->len), ids->len);
  gtk_label_set_text (self->label, text);
  gtk_button_set_label (self->ship_button, button);
  gtk_widget_set_visible (GTK_WIDGET (self->ship_button), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->stop_button), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self), TRUE);
}

void
pb_batch_bar_withdraw (PbBatchBar *self)
{
  g_return_if_fail (PB_IS_BATCH_BAR (self));
  if (self->batch != NULL)
    return;
  self->offered = 0;
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

gboolean
pb_batch_bar_offers_order (PbBatchBar *self, const char *order_id)
{
  g_return_val_if_fail (PB_IS_BATCH_BAR (self), FALSE);
  for (guint i = 0; self->offered_ids != NULL && i < self->offered_ids->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->offered_ids, i), order_id) == 0)
      return TRUE;
  return FALSE;
}

gboolean
pb_batch_bar_get_running (PbBatchBar *self)
{
  g_return_val_if_fail (PB_IS_BATCH_BAR (self), FALSE);
  return self->batch != NULL;
}

guint
pb_batch_bar_get_offered (PbBatchBar *self)
{
  g_return_val_if_fail (PB_IS_BATCH_BAR (self), 0);
  return self->offered;
}

static void
show_progress (PbBatchBar *self, guint position)
{
  guint n = pb_batch_get_n_orders (self->batch);
  guint shipped = pb_batch_count (self->batch, PB_BATCH_ORDER_SHIPPED);
  g_autofree char *text
      = g_strdup_printf (_ ("Shipping order %u of %u (%s) — %u shipped so far"), position + 1, n,
                         pb_batch_get_order_id (self->batch, position), shipped);

  gtk_label_set_text (self->label, text);
}

static void
on_order_changed_cb (PbBatch *batch, guint position, gpointer user_data)
{
  PbBatchBar *self = user_data;

  if (self->batch == batch && pb_batch_get_order_state (batch, position) == PB_BATCH_ORDER_SHIPPING)
    show_progress (self, position);
}

static void
append_orders (GString *text, PbBatch *batch, PbBatchOrderState state, const char *heading)
{
  g_autoptr (GString) list = g_string_new (NULL);

  for (guint i = 0; i < pb_batch_get_n_orders (batch); i++)
    if (pb_batch_get_order_state (batch, i) == state)
      g_string_append_printf (list, "%s%s", list->len ? ", " : "",
                              pb_batch_get_order_id (batch, i));
  if (list->len > 0)
    g_string_append_printf (text, "\n%s %s", heading, list->str);
}

/* Each order's state, in words. */
static char *
describe (PbBatch *batch, const GError *error)
{
  g_autoptr (GString) text = g_string_new (NULL);
  guint n = pb_batch_get_n_orders (batch);
  guint shipped = pb_batch_count (batch, PB_BATCH_ORDER_SHIPPED);

  if (error != NULL)
    {
      for (guint i = 0; i < n; i++)
        if (pb_batch_get_order_state (batch, i) == PB_BATCH_ORDER_FAILED)
          g_string_append_printf (text, _ ("The batch stopped at order %s: %s"),
                                  pb_batch_get_order_id (batch, i), error->message);
      if (text->len == 0)
        g_string_append (text, error->message);
    }
  else if (pb_batch_get_stopped (batch))
    g_string_append_printf (text, _ ("Batch stopped: %u of %u orders shipped."), shipped, n);
  else
    g_string_append_printf (
        text, ngettext ("%u of %u order shipped.", "%u of %u orders shipped.", n), shipped, n);
  append_orders (text, batch, PB_BATCH_ORDER_SHIPPED, _ ("Shipped:"));
  append_orders (text, batch, PB_BATCH_ORDER_SKIPPED,
                 _ ("Skipped (another bench has them, or not to be sent):"));
  append_orders (text, batch, PB_BATCH_ORDER_NOT_STARTED, _ ("Not started:"));
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *notice = pb_batch_dup_order_notice (batch, i);

      if (notice != NULL)
        g_string_append_printf (text, "\n%s: %s", pb_batch_get_order_id (batch, i), notice);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
on_batch_done_cb (GObject *source_object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (PbBatchBar) self = user_data;
  g_autoptr (PbBatch) batch = PB_BATCH (source_object);
  g_autoptr (GError) error = NULL;
  gboolean ok = pb_batch_run_finish (batch, result, &error);
  g_autofree char *text = NULL;

  if (self->batch != batch)
    return;
  g_clear_object (&self->batch);
  /* At a site: the order that was open when the batch began stayed this
   * bench's for the batch to ship; if the batch never reached it, it is
   * given back. */
  for (guint i = 0; self->held_order_id != NULL && i < pb_batch_get_n_orders (batch); i++)
    if (g_str_equal (pb_batch_get_order_id (batch, i), self->held_order_id)
        && pb_batch_get_order_state (batch, i) == PB_BATCH_ORDER_NOT_STARTED)
      pb_site_bench_release_order (self->store, self->held_order_id);
  g_clear_pointer (&self->held_order_id, g_free);
  text = describe (batch, ok ? NULL : error);
  self->offered = 0;
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
  g_signal_emit (self, signals[SIGNAL_FINISHED], 0, ok, text);
}

void
pb_batch_bar_run (PbBatchBar *self, gint weight_g, PbWeightSource weight_source,
                  const char *held_order_id)
{
  g_autoptr (GPtrArray) ids = NULL;
  g_autoptr (GError) error = NULL;

  g_return_if_fail (PB_IS_BATCH_BAR (self));
  g_return_if_fail (self->batch == NULL && self->store != NULL);

  /* Again: the queue may have moved since the offer. */
  ids = pb_batch_find_orders (self->store, self->code, &error);
  if (ids == NULL || ids->len == 0)
    {
      self->offered = 0;
      gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
      g_signal_emit (self, signals[SIGNAL_FINISHED], 0, FALSE,
                     error ? error->message
                           : _ ("No single-item orders are waiting for this item any more."));
      return;
    }
  g_free (self->held_order_id);
  self->held_order_id = g_strdup (held_order_id);
  self->batch = pb_batch_new (self->store, (const char *const *)ids->pdata, ids->len,
                              self->operator_name, weight_g, weight_source);
  g_signal_connect_object (self->batch, "order-changed", G_CALLBACK (on_order_changed_cb), self, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->ship_button), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->stop_button), TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->stop_button), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self), TRUE);
  show_progress (self, 0);
  pb_batch_run_async (g_object_ref (self->batch), self->cancellable, on_batch_done_cb,
                      g_object_ref (self));
}

void
pb_batch_bar_stop (PbBatchBar *self)
{
  g_return_if_fail (PB_IS_BATCH_BAR (self));
  if (self->batch == NULL)
    return;
  pb_batch_stop (self->batch);
  gtk_widget_set_sensitive (GTK_WIDGET (self->stop_button), FALSE);
  gtk_label_set_text (self->label, _ ("Stopping after this label…"));
}
