/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "hw/pb-scale-watch.h"
#include "pb-batch-bar.h"
#include "pb-bench-page.h"
#include "pb-parcel-panel.h"
#include "pb-queue-item.h"
#include "pb-queue-model.h"
#include "station/pb-documents.h"
#include "station/pb-pack.h"
#include "station/pb-scan.h"
#include "station/pb-ship.h"
#include "station/pb-site-bench.h"
#include "station/pb-station.h"
#include "store/pb-labels.h"
#include "store/pb-orders.h"
#include "store/pb-settings.h"
#include "util/pb-clock.h"

/* How often the ship-by countdowns on screen are redrawn. */
#define COUNTDOWN_SECONDS 30
/* Ship-by closer than this shows amber in the queue. */
#define NEAR_SECONDS (4 * 3600)
/* Ticks drawn per line; a larger quantity shows only its count. */
#define MAX_TICKS 12

typedef enum
{
  BANNER_INFO,
  BANNER_SUCCESS,
  BANNER_ERROR,
} BannerKind;

struct _PbBenchPage
{
  GtkWidget parent_instance;

  PbSession *session;
  PbScanBuffer *scan_buffer;
  gint64 time_offset; /* monotonic time less the last key event's time */
  guint flush_source;
  GCancellable *cancellable; /* cancelled when the page goes */
  GCancellable *load_cancellable;
  char *search; /* the filter text, lower case */

  PbPackSession *pack;
  GPtrArray *line_ticks;  /* (element-type GtkBox) (unowned) */
  GPtrArray *line_counts; /* (element-type GtkLabel) (unowned) */
  gboolean busy;          /* a label is being bought or printed */
  gboolean documenting;   /* a despatch note or pick list is being printed */
  gboolean label_stored;  /* the open order has a label to reprint */
  guint last_line;        /* the line the last scan ticked */

  GtkRevealer *banner_revealer;
  GtkBox *banner_box;
  GtkLabel *banner_label;
  GtkEntry *scan_entry;
  GtkSpinner *spinner;
  GtkSearchEntry *filter_entry;
  GtkLabel *count_label;
  GtkColumnView *queue_view;
  PbQueueModel *queue_store;
  GPtrArray *queue_items; /* every order in the queue, in queue order */
  GPtrArray *shown_items; /* those that match the filter: what queue_store holds */
  GtkStack *order_stack;
  GtkLabel *order_label;
  GtkLabel *units_label;
  GtkLabel *recipient_label;
  GtkListBox *lines_box;
  GtkButton *print_button;
  GtkButton *reprint_button;
  GtkSpinButton *weight_spin;
  GtkLabel *format_label;
  GtkLabel *service_label;
  GtkLabel *plan_problem_label;
  GHashTable *countdown_cells; /* (element-type GtkListItem) the ship-by cells on screen */
  guint countdown_source;
  gint weight_g;           /* weighed by the packer; 0: the catalogue's */
  gboolean setting_weight; /* the spin button is being filled in, not typed into */

  /* The scale (Preferences › Bench, GSettings "scale-device") */
  GSettings *settings;
  PbScaleWatch *scale;          /* (nullable) none when the bench has no scale */
  GtkLabel *scale_label;        /* where the weight came from, or what the scale says */
  PbWeightSource weight_source; /* where weight_g came from */
  gboolean scale_armed;         /* the scale moved since the last order closed */
  char *scale_block;            /* (nullable) why the scale's reading stops the print */
  PbScaleReading scale_shown;   /* the reading last shown, to pass over repeats */
  gboolean scale_shown_valid;

  /* Site mode */
  gboolean in_site;
  PbStation *station;    /* (nullable) the window's: the site's state and claims */
  GHashTable *claims;    /* (nullable) the station's claims the queue shows */
  gboolean taking;       /* an order is being claimed and fetched in a worker */
  guint take_generation; /* bumped when the bench resets: a late take goes back */
  GQueue *pending_scans; /* scans that came while taking, to handle in order */
  GtkRevealer *site_revealer;
  GtkLabel *site_label;

  PbBatchBar *batch_bar;       /* the offer of a batch of single-item orders (issue 16) */
  PbParcelPanel *parcel_panel; /* the open order's parcels, when it goes as several */
};

G_DEFINE_FINAL_TYPE (PbBenchPage, pb_bench_page, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_SESSION,
  PROP_ORDER_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_FEEDBACK,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void handle_scan (PbBenchPage *self, const char *code);
static void forget_weight (PbBenchPage *self, gboolean had_order);
static void start_ship (PbBenchPage *self, gboolean reprint);

static PbStore *
get_store (PbBenchPage *self)
{
  return pb_session_get_store (self->session);
}

static void
emit_feedback (PbBenchPage *self, const char *kind)
{
  g_signal_emit (self, signals[SIGNAL_FEEDBACK], 0, kind);
}

static void
show_banner (PbBenchPage *self, BannerKind kind, const char *text)
{
  GtkWidget *box = GTK_WIDGET (self->banner_box);

  gtk_widget_remove_css_class (box, "pb-banner-info");
  gtk_widget_remove_css_class (box, "pb-banner-success");
  gtk_widget_remove_css_class (box, "pb-banner-error");
  gtk_widget_add_css_class (box, kind == BANNER_SUCCESS ? "pb-banner-success"
                                 : kind == BANNER_ERROR ? "pb-banner-error"
                                                        : "pb-banner-info");
  gtk_label_set_text (self->banner_label, text);
  gtk_revealer_set_reveal_child (self->banner_revealer, TRUE);
}

static void
hide_banner (PbBenchPage *self)
{
  gtk_revealer_set_reveal_child (self->banner_revealer, FALSE);
}

static void
refocus_scan_entry (PbBenchPage *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->scan_entry));
}

static void
update_actions (PbBenchPage *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean complete = self->pack != NULL && pb_pack_session_get_complete (self->pack);

  gtk_widget_action_set_enabled (widget, "bench.print",
                                 complete && !self->busy && !self->label_stored);
  gtk_widget_action_set_enabled (widget, "bench.reprint", self->label_stored && !self->busy);
  gtk_widget_action_set_enabled (widget, "bench.close-order", self->pack != NULL && !self->busy);
  /* Not once a label is bought: a reprint keeps the parcels it has. */
  gtk_widget_action_set_enabled (widget, "bench.new-parcel",
                                 self->pack != NULL && !self->busy && !self->label_stored);
  gtk_widget_action_set_enabled (widget, "bench.undo-parcel",
                                 self->pack != NULL && !self->busy && !self->label_stored
                                     && self->parcel_panel != NULL
                                     && pb_parcel_panel_get_n_parcels (self->parcel_panel) > 0);
  gtk_widget_action_set_enabled (widget, "bench.despatch-note",
                                 self->pack != NULL && !self->documenting);
  gtk_widget_action_set_enabled (widget, "bench.pick-list", !self->documenting);
  gtk_widget_set_visible (GTK_WIDGET (self->reprint_button), self->label_stored);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), self->busy || self->taking);
  gtk_spinner_set_spinning (self->spinner, self->busy || self->taking);
}

/* The queue */

static void
update_count (PbBenchPage *self)
{
  guint shown = self->shown_items->len;
  guint total = self->queue_items->len;
  g_autofree char *text = NULL;

  if (shown == total)
    text = g_strdup_printf (ngettext ("%u order", "%u orders", total), total);
  else
    text = g_strdup_printf (ngettext ("%u of %u order", "%u of %u orders", total), shown, total);
  gtk_label_set_text (self->count_label, text);
}

/* One splice of queue_store, in the positions the splices before it left. */
typedef struct
{
  guint position;
  guint removed;
  GPtrArray *added;
} QueueSplice;

/* More splices than this: one that replaces everything is cheaper. */
#define MAX_SPLICES 64

static void
clear_queue_splice (QueueSplice *splice)
{
  g_clear_pointer (&splice->added, g_ptr_array_unref);
}

static GArray *
queue_splices_new (void)
{
  GArray *splices = g_array_new (FALSE, TRUE, sizeof (QueueSplice));

  g_array_set_clear_func (splices, (GDestroyNotify)clear_queue_splice);
  return splices;
}

/* Ends the run of differences that began at @run (if any) in @splices. */
static void
close_run (GArray *splices, QueueSplice *run)
{
  if (run->added != NULL)
    {
      if (run->removed > 0 || run->added->len > 0)
        g_array_append_val (splices, *run);
      else
        g_ptr_array_unref (run->added);
      run->added = NULL;
    }
}

static void
replace_all (GArray *splices, guint old_len, GPtrArray *fresh)
{
  QueueSplice all = { 0, old_len, g_ptr_array_ref (fresh) };

  g_array_set_size (splices, 0);
  g_array_append_val (splices, all);
}

/* The splices from @old to @fresh, two subsequences (by identity) of
 * @items: one walk over @items. */
static GArray *
diff_subsequences (GPtrArray *items, GPtrArray *old, GPtrArray *fresh)
{
  GArray *splices = queue_splices_new ();
  QueueSplice run = { 0, 0, NULL };
  guint o = 0, f = 0, position = 0;

  for (guint i = 0; i < items->len && splices->len <= MAX_SPLICES; i++)
    {
      gpointer item = g_ptr_array_index (items, i);
      gboolean in_old = o < old->len && g_ptr_array_index (old, o) == item;
      gboolean in_fresh = f < fresh->len && g_ptr_array_index (fresh, f) == item;

      o += in_old;
      f += in_fresh;
      if (in_old && in_fresh)
        {
          close_run (splices, &run);
          position++;
          continue;
        }
      if (!in_old && !in_fresh)
        continue;
      if (run.added == NULL)
        run = (QueueSplice){ position, 0, g_ptr_array_new_with_free_func (g_object_unref) };
      if (in_old)
        run.removed++;
      else
        {
          g_ptr_array_add (run.added, g_object_ref (item));
          position++;
        }
    }
  close_run (splices, &run);
  if (splices->len > MAX_SPLICES)
    replace_all (splices, old->len, fresh);
  return splices;
}

/* The rows of @candidates (in order) that match @search. */
static GPtrArray *
filter_items (GPtrArray *candidates, const char *search)
{
  GPtrArray *matches;

  if (search == NULL || *search == '\0')
    return g_ptr_array_ref (candidates);
  matches = g_ptr_array_new_full (candidates->len, g_object_unref);
  for (guint i = 0; i < candidates->len; i++)
    if (pb_queue_item_matches (g_ptr_array_index (candidates, i), search))
      g_ptr_array_add (matches, g_object_ref (g_ptr_array_index (candidates, i)));
  return matches;
}

/* Makes queue_store show @shown through @splices (from shown_items). */
static void
apply_splices (PbBenchPage *self, GArray *splices, GPtrArray *shown)
{
  for (guint i = 0; i < splices->len; i++)
    {
      QueueSplice *splice = &g_array_index (splices, QueueSplice, i);

      pb_queue_model_splice (self->queue_store, splice->position, splice->removed,
                             (PbQueueItem *const *)splice->added->pdata, splice->added->len);
    }
  g_ptr_array_unref (self->shown_items);
  self->shown_items = g_ptr_array_ref (shown);
  g_assert (self->shown_items->len == g_list_model_get_n_items (G_LIST_MODEL (self->queue_store)));
  update_count (self);
}

/* Filters the queue for self->search. The filter is ours, not a
 * GtkFilterListModel: with 100,000 rows, that model's position lookups in
 * its bitset made a key that widened the list cost 100 ms and more; here a
 * key costs one pass over the rows (or over those shown, when the text
 * only got longer) and the splices of what changed. */
static void
refilter (PbBenchPage *self, gboolean narrower)
{
  g_autoptr (GPtrArray) shown
      = filter_items (narrower ? self->shown_items : self->queue_items, self->search);
  g_autoptr (GArray) splices = diff_subsequences (self->queue_items, self->shown_items, shown);

  apply_splices (self, splices, shown);
}

static void
on_filter_entry_search_changed_cb (PbBenchPage *self, GtkSearchEntry *entry)
{
  g_autofree char *old = g_steal_pointer (&self->search);

  self->search = g_utf8_strdown (gtk_editable_get_text (GTK_EDITABLE (entry)), -1);
  if (g_strcmp0 (old, self->search) == 0)
    return;
  /* A longer text only narrows the list. */
  refilter (self, old != NULL && strstr (self->search, old) != NULL);
}

static void
on_filter_entry_stop_search_cb (PbBenchPage *self, GtkSearchEntry *entry)
{
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  refocus_scan_entry (self);
}

static void
on_queue_label_setup_cb (GtkSignalListItemFactory *factory, GtkListItem *list_item,
                         gpointer user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (list_item, label);
}

/* The order's number, and below it (site mode) who has it at another
 * bench. */
static void
on_queue_order_setup_cb (GtkSignalListItemFactory *factory, GtkListItem *list_item,
                         gpointer user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *id = gtk_label_new (NULL);
  GtkWidget *held = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (id), 0);
  gtk_label_set_ellipsize (GTK_LABEL (id), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (held), 0);
  gtk_label_set_wrap (GTK_LABEL (held), TRUE);
  gtk_widget_add_css_class (held, "pb-queue-held");
  gtk_widget_set_visible (held, FALSE);
  gtk_box_append (GTK_BOX (box), id);
  gtk_box_append (GTK_BOX (box), held);
  gtk_list_item_set_child (list_item, box);
}

/* The row of the column view a cell's widget is in: GTK 4.8 has no API
 * for a row, but the row is a widget with the row role. */
static GtkWidget *
find_row (GtkWidget *widget)
{
  for (GtkWidget *parent = gtk_widget_get_parent (widget); parent != NULL;
       parent = gtk_widget_get_parent (parent))
    {
      if (GTK_IS_COLUMN_VIEW (parent))
        break;
      if (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (parent)) == GTK_ACCESSIBLE_ROLE_ROW)
        return parent;
    }
  return NULL;
}

static void
set_description (GtkWidget *widget, const char *description)
{
  if (widget == NULL)
    return;
  if (description != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                    description, -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}

static void
on_queue_id_bind_cb (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  PbQueueItem *item = gtk_list_item_get_item (list_item);
  GtkWidget *box = gtk_list_item_get_child (list_item);
  GtkWidget *id = gtk_widget_get_first_child (box);
  GtkWidget *held = gtk_widget_get_next_sibling (id);
  const char *held_by = pb_queue_item_get_held_by (item);

  gtk_label_set_text (GTK_LABEL (id), pb_queue_item_get_id (item));
  gtk_label_set_text (GTK_LABEL (held), held_by ? held_by : "");
  gtk_widget_set_visible (held, held_by != NULL);
  /* A screen reader hears it with the row, and with the order's number. */
  set_description (id, held_by);
  set_description (find_row (box), held_by);
}

static void
on_queue_items_bind_cb (GtkSignalListItemFactory *factory, GtkListItem *list_item,
                        gpointer user_data)
{
  PbQueueItem *item = gtk_list_item_get_item (list_item);
  const char *summary = pb_queue_item_get_items_summary (item);

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (list_item)), summary ? summary : "");
}

static void
on_queue_service_bind_cb (GtkSignalListItemFactory *factory, GtkListItem *list_item,
                          gpointer user_data)
{
  PbQueueItem *item = gtk_list_item_get_item (list_item);
  const char *service = pb_queue_item_get_service (item);

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (list_item)), service ? service : "");
}

/* "in 3 h", "late 2 h": the countdown to @ship_by; @css_class receives
 * the class that colours it, or NULL. */
static char *
format_countdown (gint64 ship_by, gint64 now, const char **css_class)
{
  gint64 left = ship_by - now;
  gint64 span = left < 0 ? -left : left;

  *css_class = NULL;
  if (ship_by <= 0)
    return g_strdup (_ ("no date"));

  if (left < 0)
    {
      *css_class = "pb-ship-by-late";
      if (span < 3600)
        return g_strdup_printf (_ ("late %d min"), (int)(span / 60));
      if (span < 48 * 3600)
        return g_strdup_printf (_ ("late %d h"), (int)(span / 3600));
      return g_strdup_printf (_ ("late %d d"), (int)(span / (24 * 3600)));
    }

  if (left < NEAR_SECONDS)
    *css_class = "pb-ship-by-near";
  if (span < 3600)
    return g_strdup_printf (_ ("in %d min"), (int)(span / 60));
  if (span < 48 * 3600)
    return g_strdup_printf (_ ("in %d h"), (int)(span / 3600));
  return g_strdup_printf (_ ("in %d d"), (int)(span / (24 * 3600)));
}

static void
update_countdown (GtkListItem *list_item, gint64 now)
{
  PbQueueItem *item = gtk_list_item_get_item (list_item);
  GtkWidget *label = gtk_list_item_get_child (list_item);
  const char *css_class = NULL;
  g_autofree char *text = NULL;

  if (item == NULL || label == NULL)
    return;
  if (pb_queue_item_get_cancel_requested (item))
    {
      /* Shown before anyone scans it: the buyer asked to cancel. */
      text = g_strdup (_ ("do not send"));
      css_class = "pb-ship-by-late";
      gtk_widget_set_tooltip_text (label, _ ("The buyer asked to cancel this order"));
    }
  else
    {
      text = format_countdown (pb_queue_item_get_ship_by (item), now, &css_class);
      gtk_widget_set_tooltip_text (label, NULL);
    }
  gtk_widget_remove_css_class (label, "pb-ship-by-near");
  gtk_widget_remove_css_class (label, "pb-ship-by-late");
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  gtk_label_set_text (GTK_LABEL (label), text);
}

static void
on_queue_ship_by_bind_cb (GtkSignalListItemFactory *factory, GtkListItem *list_item,
                          PbBenchPage *self)
{
  /* Only the rows on screen are bound: those are the ones the timer
   * counts down. */
  g_hash_table_add (self->countdown_cells, list_item);
  update_countdown (list_item, pb_clock_now_unix ());
}

static void
on_queue_ship_by_unbind_cb (GtkSignalListItemFactory *factory, GtkListItem *list_item,
                            PbBenchPage *self)
{
  g_hash_table_remove (self->countdown_cells, list_item);
}

/* The countdowns move on by themselves: "in 1 h" turns amber, then red. */
static void
update_countdowns (PbBenchPage *self, gint64 now)
{
  GHashTableIter iter;
  gpointer list_item;

  g_hash_table_iter_init (&iter, self->countdown_cells);
  while (g_hash_table_iter_next (&iter, &list_item, NULL))
    update_countdown (list_item, now);
}

static gboolean
on_countdown_tick_cb (gpointer user_data)
{
  update_countdowns (PB_BENCH_PAGE (user_data), pb_clock_now_unix ());
  return G_SOURCE_CONTINUE;
}

void
pb_bench_page_update_countdowns (PbBenchPage *self, gint64 now)
{
  g_return_if_fail (PB_IS_BENCH_PAGE (self));

  update_countdowns (self, now > 0 ? now : pb_clock_now_unix ());
}

typedef struct
{
  PbStore *store;
  GPtrArray *old_items; /* (element-type PbQueueItem): the queue … */
  GPtrArray *old_shown; /* … and what it shows */
  char *search;
  GHashTable *claims; /* (nullable) site mode: who holds which order */
} LoadJob;

typedef struct
{
  GPtrArray *items;
  GPtrArray *shown;
  GArray *splices; /* (element-type QueueSplice): from old_shown to shown */
} LoadResult;

static void
load_job_free (LoadJob *job)
{
  g_clear_object (&job->store);
  g_clear_pointer (&job->old_items, g_ptr_array_unref);
  g_clear_pointer (&job->old_shown, g_ptr_array_unref);
  g_free (job->search);
  g_clear_pointer (&job->claims, g_hash_table_unref);
  g_free (job);
}

static void
load_result_free (LoadResult *result)
{
  g_clear_pointer (&result->items, g_ptr_array_unref);
  g_clear_pointer (&result->shown, g_ptr_array_unref);
  g_clear_pointer (&result->splices, g_array_unref);
  g_free (result);
}

/* Where @item is in @index at or after @from; or -1. */
static gint64
find_from (GHashTable *index, gpointer item, guint from)
{
  guint found = GPOINTER_TO_UINT (g_hash_table_lookup (index, item));

  return found > from ? (gint64)found - 1 : -1;
}

static GHashTable *
index_items (GPtrArray *items)
{
  GHashTable *index = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < items->len; i++)
    g_hash_table_insert (index, g_ptr_array_index (items, i), GUINT_TO_POINTER (i + 1));
  return index;
}

/* The splices from @old to @fresh, two lists in queue order whose rows are
 * compared by identity, when neither is a subsequence of the other (after
 * a reload). */
static GArray *
diff_lists (GPtrArray *old, GPtrArray *fresh)
{
  GArray *splices = queue_splices_new ();
  g_autoptr (GHashTable) old_index = index_items (old);
  g_autoptr (GHashTable) fresh_index = index_items (fresh);
  QueueSplice run = { 0, 0, NULL };
  guint i = 0, j = 0;

  while ((i < old->len || j < fresh->len) && splices->len <= MAX_SPLICES)
    {
      if (i < old->len && j < fresh->len
          && g_ptr_array_index (old, i) == g_ptr_array_index (fresh, j))
        {
          close_run (splices, &run);
          i++, j++;
          continue;
        }
      if (run.added == NULL)
        run = (QueueSplice){ j, 0, g_ptr_array_new_with_free_func (g_object_unref) };
      /* An old row that is not further on in the new list goes; a new row
       * that is not further on in the old list comes; otherwise the old
       * row moved: it goes now and comes back where the new list has it. */
      if (i < old->len
          && (j >= fresh->len || find_from (fresh_index, g_ptr_array_index (old, i), j) < 0
              || find_from (old_index, g_ptr_array_index (fresh, j), i) >= 0))
        {
          run.removed++;
          i++;
        }
      else
        {
          g_ptr_array_add (run.added, g_object_ref (g_ptr_array_index (fresh, j)));
          j++;
        }
    }
  close_run (splices, &run);
  if (splices->len > MAX_SPLICES)
    replace_all (splices, old->len, fresh);
  return splices;
}

/* The rows are made here, off the main thread, and the rows that did not
 * change stay the objects the queue already shows, so that only what
 * changed is spliced in. With 100,000 orders, making the rows on the main
 * thread, or replacing them all at each reload, froze the window for a
 * fifth of a second or more. */
static void
load_queue_thread (GTask *task, gpointer source_object, gpointer task_data,
                   GCancellable *cancellable)
{
  LoadJob *job = task_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (PbStore) worker = pb_store_open_worker (job->store, &error);
  g_autoptr (GPtrArray) orders = NULL;
  g_autoptr (GHashTable) old_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  LoadResult *result;

  if (worker == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  orders = pb_orders_list (worker, PB_ORDER_STATE_UNSHIPPED, &error);
  if (orders == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_clear_object (&worker);
  if (g_task_return_error_if_cancelled (task))
    return;

  for (guint i = 0; i < job->old_items->len; i++)
    {
      PbQueueItem *item = g_ptr_array_index (job->old_items, i);

      g_hash_table_insert (old_by_id, (gpointer)pb_queue_item_get_id (item), item);
    }
  result = g_new0 (LoadResult, 1);
  result->items = g_ptr_array_new_full (orders->len, g_object_unref);
  for (guint i = 0; i < orders->len; i++)
    {
      const PbOrderSummary *summary = g_ptr_array_index (orders, i);
      g_autoptr (PbQueueItem) fresh = pb_queue_item_new_held (
          summary, job->claims ? g_hash_table_lookup (job->claims, summary->id) : NULL);
      PbQueueItem *old = g_hash_table_lookup (old_by_id, pb_queue_item_get_id (fresh));

      if (old != NULL && pb_queue_item_equal (old, fresh))
        g_ptr_array_add (result->items, g_object_ref (old));
      else
        g_ptr_array_add (result->items, g_steal_pointer (&fresh));
      /* Free each summary once its row exists: a lower peak. */
      g_clear_pointer (&g_ptr_array_index (orders, i), pb_order_summary_free);
    }
  result->shown = filter_items (result->items, job->search);
  result->splices = diff_lists (job->old_shown, result->shown);
  g_task_return_pointer (task, result, (GDestroyNotify)load_result_free);
}

static void
on_queue_loaded_cb (GObject *source_object, GAsyncResult *result, gpointer user_data)
{
  PbBenchPage *self = PB_BENCH_PAGE (source_object);
  LoadJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;
  LoadResult *loaded = g_task_propagate_pointer (G_TASK (result), &error);

  if (loaded == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *text
              = g_strdup_printf (_ ("The queue could not be loaded: %s"), error->message);
          show_banner (self, BANNER_ERROR, text);
        }
      return;
    }

  g_ptr_array_unref (self->queue_items);
  self->queue_items = g_ptr_array_ref (loaded->items);
  if (job->old_shown == self->shown_items && g_strcmp0 (job->search, self->search) == 0)
    apply_splices (self, loaded->splices, loaded->shown);
  else
    {
      /* The filter changed while loading: show its rows afresh. */
      g_autoptr (GPtrArray) shown = filter_items (self->queue_items, self->search);
      g_autoptr (GArray) splices = queue_splices_new ();

      replace_all (splices, self->shown_items->len, shown);
      apply_splices (self, splices, shown);
    }
  load_result_free (loaded);
}

void
pb_bench_page_reload (PbBenchPage *self)
{
  g_autoptr (GTask) task = NULL;
  LoadJob *job;

  g_return_if_fail (PB_IS_BENCH_PAGE (self));

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();

  job = g_new0 (LoadJob, 1);
  job->store = g_object_ref (get_store (self));
  /* Read by the worker: these arrays and their items are never changed. */
  job->old_items = g_ptr_array_ref (self->queue_items);
  job->old_shown = g_ptr_array_ref (self->shown_items);
  job->search = g_strdup (self->search);
  job->claims = self->claims ? g_hash_table_ref (self->claims) : NULL;
  task = g_task_new (self, self->load_cancellable, on_queue_loaded_cb, NULL);
  g_task_set_source_tag (task, pb_bench_page_reload);
  g_task_set_task_data (task, job, (GDestroyNotify)load_job_free);
  g_task_run_in_thread (task, load_queue_thread);
}

/* The order being packed */

static void
update_units (PbBenchPage *self)
{
  g_autofree char *text = NULL;

  if (self->pack == NULL)
    return;
  text = g_strdup_printf (_ ("%u of %u units"), pb_pack_session_get_verified_units (self->pack),
                          pb_pack_session_get_total_units (self->pack));
  gtk_label_set_text (self->units_label, text);
}

static void
update_line (PbBenchPage *self, guint position)
{
  const PbPackLine *line = pb_pack_session_get_line (self->pack, position);
  GtkWidget *ticks = g_ptr_array_index (self->line_ticks, position);
  GtkLabel *count = g_ptr_array_index (self->line_counts, position);
  g_autofree char *text = g_strdup_printf (_ ("%u of %u"), line->verified, line->quantity);
  guint i = 0;

  gtk_label_set_text (count, text);
  if (line->verified >= line->quantity)
    gtk_widget_add_css_class (GTK_WIDGET (count), "pb-line-done");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (count), "pb-line-done");

  for (GtkWidget *tick = gtk_widget_get_first_child (ticks); tick != NULL;
       tick = gtk_widget_get_next_sibling (tick), i++)
    {
      gboolean done = i < line->verified;

      gtk_image_set_from_icon_name (GTK_IMAGE (tick),
                                    done ? "radio-checked-symbolic" : "radio-symbolic");
      if (done)
        gtk_widget_add_css_class (tick, "pb-tick-done");
      else
        gtk_widget_remove_css_class (tick, "pb-tick-done");
    }
}

static void
on_pack_line_changed_cb (PbBenchPage *self, guint position, PbPackSession *pack)
{
  self->last_line = position;
  update_line (self, position);
}

static void
on_pack_verified_units_changed_cb (PbBenchPage *self, GParamSpec *pspec, PbPackSession *pack)
{
  update_units (self);
  update_actions (self);
}

static GtkWidget *
create_line_row (PbBenchPage *self, const PbPackLine *line)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *ticks = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  GtkWidget *count = gtk_label_new (NULL);
  g_autofree char *title = g_markup_escape_text (line->title ? line->title : line->sku, -1);
  g_autofree char *subtitle = NULL;

  if (line->sku != NULL)
    {
      g_autofree char *sku = g_markup_escape_text (line->sku, -1);
      subtitle = g_strdup_printf (_ ("SKU %s"), sku);
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

  gtk_widget_set_valign (ticks, GTK_ALIGN_CENTER);
  for (guint i = 0; i < MIN (line->quantity, (guint)MAX_TICKS); i++)
    {
      GtkWidget *tick = gtk_image_new ();

      gtk_widget_add_css_class (tick, "pb-tick");
      gtk_accessible_update_property (GTK_ACCESSIBLE (tick), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _ ("Unit"), -1);
      gtk_box_append (GTK_BOX (ticks), tick);
    }
  gtk_widget_add_css_class (count, "pb-line-count");
  gtk_accessible_update_property (GTK_ACCESSIBLE (count), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Units verified"), -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), ticks);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), count);

  g_ptr_array_add (self->line_ticks, ticks);
  g_ptr_array_add (self->line_counts, count);
  return row;
}

static char *
format_recipient (const PbOrderData *order)
{
  const char *parts[] = { order->name,          order->company,       order->address_line1,
                          order->address_line2, order->address_line3, order->city,
                          order->county,        order->postcode,      order->country_code };
  g_autoptr (GString) text = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      if (parts[i] == NULL || *parts[i] == '\0')
        continue;
      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, parts[i]);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Shows who the parcel goes to: the only PII a packer sees, and every
 * view is audited first. */
static void
show_recipient (PbBenchPage *self, const char *order_id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PbOrderData) order = NULL;
  g_autofree char *text = NULL;

  gtk_label_set_text (self->recipient_label, "");
  if (!pb_session_can (self->session, PB_ACTION_VIEW_RECIPIENT))
    {
      gtk_label_set_text (self->recipient_label, _ ("Your role may not see the recipient."));
      return;
    }
  order = pb_orders_get (get_store (self), order_id, &error);
  if (order == NULL
      || !pb_session_audit (self->session, "order.recipient_viewed", order_id, "ok", NULL, &error))
    {
      g_autofree char *message
          = g_strdup_printf (_ ("The recipient cannot be shown: %s"),
                             error != NULL ? error->message : _ ("the order is missing"));
      gtk_label_set_text (self->recipient_label, message);
      return;
    }
  text = format_recipient (order);
  gtk_label_set_text (self->recipient_label, text);
}

static void
close_order (PbBenchPage *self)
{
  GtkWidget *child;
  gboolean had_order = self->pack != NULL;

  if (self->pack != NULL)
    g_signal_handlers_disconnect_by_data (self->pack, self);
  g_clear_object (&self->pack);
  self->label_stored = FALSE;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->lines_box))) != NULL)
    gtk_list_box_remove (self->lines_box, child);
  g_ptr_array_set_size (self->line_ticks, 0);
  g_ptr_array_set_size (self->line_counts, 0);
  gtk_label_set_text (self->recipient_label, "");
  gtk_label_set_text (self->order_label, "");
  gtk_label_set_text (self->format_label, "");
  gtk_label_set_text (self->service_label, "");
  gtk_label_set_text (self->plan_problem_label, "");
  forget_weight (self, had_order);
  if (self->parcel_panel != NULL)
    pb_parcel_panel_set_pack (self->parcel_panel, NULL);
  if (self->batch_bar != NULL)
    pb_batch_bar_withdraw (self->batch_bar);
  gtk_stack_set_visible_child_name (self->order_stack, "idle");
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ORDER_ID]);
}

/* Closes the open order without shipping it: at a site, another bench may
 * have it now. */
static void
close_order_unshipped (PbBenchPage *self)
{
  if (self->in_site && self->pack != NULL)
    pb_site_bench_release_order (get_store (self), pb_pack_session_get_order_id (self->pack));
  close_order (self);
}

/* Click & Drop's package formats in words. */
static const char *
package_format_display (const char *format)
{
  static const struct
  {
    const char *format;
    const char *name;
  } names[] = {
    { "letter", N_ ("Letter") },
    { "largeLetter", N_ ("Large letter") },
    { "smallParcel", N_ ("Small parcel") },
    { "mediumParcel", N_ ("Medium parcel") },
    { "largeParcel", N_ ("Large parcel") },
    { "parcel", N_ ("Parcel") },
    { "documents", N_ ("Documents") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_strcmp0 (names[i].format, format) == 0)
      return _ (names[i].name);
  return format;
}

/* The label the open order would get: weight, format and service, or why
 * it would be refused (no weight in the catalogue, no rule, customs…). */
static void
update_plan (PbBenchPage *self)
{
  g_autoptr (GError) error = NULL;
  g_auto (PbShipPreview) preview = { 0 };

  if (self->pack == NULL)
    return;

  if (pb_ship_preview (get_store (self), pb_pack_session_get_order_id (self->pack), self->weight_g,
                       &preview, &error))
    {
      g_autofree char *format_text
          = g_strdup_printf (_ ("Package: %s"), package_format_display (preview.package_format));
      g_autofree char *service_text = g_strdup_printf (_ ("Service: %s"), preview.service);

      /* Once the order goes as several parcels, the catalogue's weight of
       * it all is no parcel's weight. */
      if (self->weight_g > 0 || pb_parcel_panel_get_n_parcels (self->parcel_panel) == 0)
        {
          self->setting_weight = TRUE;
          gtk_spin_button_set_value (self->weight_spin, preview.weight_g);
          self->setting_weight = FALSE;
        }
      gtk_label_set_text (self->format_label, format_text);
      gtk_label_set_text (self->service_label, service_text);
      gtk_widget_set_visible (GTK_WIDGET (self->plan_problem_label), FALSE);
    }
  else
    {
      gtk_label_set_text (self->format_label, "");
      gtk_label_set_text (self->service_label, "");
      gtk_label_set_text (self->plan_problem_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->plan_problem_label), TRUE);
    }
}

/* The scale ---------------------------------------------------------------
 *
 * A settled weight above zero fills the weight field; a moving one shows
 * there live (without counting as the weight); overloaded, under zero or
 * not ready stops the print with the reason. A weight typed stands for the
 * order. Closing the order forgets it all, and a scale that has not moved
 * since (the last parcel still on it) fills nothing until it does. */

static void
show_scale_text (PbBenchPage *self, const char *text)
{
  gtk_label_set_text (self->scale_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->scale_label), text != NULL);
}

static void
show_spin_value (PbBenchPage *self, gint grams)
{
  self->setting_weight = TRUE;
  gtk_spin_button_set_value (self->weight_spin, grams);
  self->setting_weight = FALSE;
}

static const char *
scale_problem (PbScaleWatch *scale)
{
  return scale != NULL ? pb_scale_watch_get_problem (scale) : NULL;
}

/* Called by close_order: nothing of this parcel reaches the next. After an
 * order (@had_order), a settled weight fills the field again only once the
 * scale has moved. */
static void
forget_weight (PbBenchPage *self, gboolean had_order)
{
  self->weight_g = 0;
  self->weight_source = PB_WEIGHT_SOURCE_UNSAID;
  if (had_order)
    self->scale_armed = FALSE;
  self->scale_shown_valid = FALSE;
  g_clear_pointer (&self->scale_block, g_free);
  show_spin_value (self, 0);
  show_scale_text (self, scale_problem (self->scale));
}

static void
on_scale_reading_cb (PbBenchPage *self, const PbScaleReading *reading, PbScaleWatch *scale)
{
  if (reading->state != PB_SCALE_STATE_STABLE)
    self->scale_armed = TRUE;
  if (self->pack == NULL || self->busy || self->weight_source == PB_WEIGHT_SOURCE_TYPED)
    return;
  /* A scale repeats itself several times a second. */
  if (self->scale_shown_valid && self->scale_shown.state == reading->state
      && self->scale_shown.grams == reading->grams)
    return;
  if (reading->state == PB_SCALE_STATE_STABLE && !self->scale_armed)
    return; /* the last order's parcel, still on the scale */
  self->scale_shown = *reading;
  self->scale_shown_valid = TRUE;

  g_clear_pointer (&self->scale_block, g_free);
  switch (reading->state)
    {
      case PB_SCALE_STATE_STABLE:
        self->weight_g = reading->grams;
        self->weight_source = PB_WEIGHT_SOURCE_SCALE;
        show_spin_value (self, reading->grams);
        show_scale_text (self, _ ("From the scale"));
        update_plan (self);
        return;
      case PB_SCALE_STATE_MOTION:
        show_spin_value (self, reading->grams);
        show_scale_text (self, _ ("Settling…"));
        self->scale_block = pb_scale_reading_describe_problem (reading);
        return;
      case PB_SCALE_STATE_ZERO:
        /* Taken off the scale: the weight it settled at stays. */
        update_plan (self);
        show_scale_text (self, self->weight_source == PB_WEIGHT_SOURCE_SCALE ? _ ("From the scale")
                                                                             : NULL);
        return;
      case PB_SCALE_STATE_NEGATIVE:
      case PB_SCALE_STATE_OVERLOAD:
      case PB_SCALE_STATE_NOT_READY:
      default:
        self->scale_block = pb_scale_reading_describe_problem (reading);
        update_plan (self);
        show_scale_text (self, self->scale_block);
        return;
    }
}

static void
on_scale_problem_cb (PbBenchPage *self, GParamSpec *pspec, PbScaleWatch *scale)
{
  const char *problem = pb_scale_watch_get_problem (scale);

  /* No access to the scale (the flatpak's device permission, a udev
   * rule), or the scale named in Preferences is not there. */
  if (problem != NULL)
    show_banner (self, BANNER_ERROR, problem);
  if (self->weight_source == PB_WEIGHT_SOURCE_UNSAID)
    show_scale_text (self, problem);
}

/* (Re)starts the scale the preferences name. */
static void
start_scale (PbBenchPage *self)
{
  g_autofree char *device = g_settings_get_string (self->settings, "scale-device");

  if (self->scale != NULL)
    g_signal_handlers_disconnect_by_data (self->scale, self);
  g_clear_object (&self->scale);
  if (g_str_equal (device, "none"))
    return;
  self->scale = pb_scale_watch_new (device);
  g_signal_connect_object (self->scale, "reading", G_CALLBACK (on_scale_reading_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->scale, "notify::problem", G_CALLBACK (on_scale_problem_cb), self,
                           G_CONNECT_SWAPPED);
  on_scale_problem_cb (self, NULL, self->scale);
}

static void
on_scale_device_changed_cb (PbBenchPage *self, const char *key, GSettings *settings)
{
  start_scale (self);
}

static void
on_weight_changed_cb (PbBenchPage *self, GtkSpinButton *spin)
{
  if (self->setting_weight)
    return;
  self->weight_g = gtk_spin_button_get_value_as_int (spin);
  /* Typed: it stands for this order, whatever the scale says next. */
  self->weight_source = self->weight_g > 0 ? PB_WEIGHT_SOURCE_TYPED : PB_WEIGHT_SOURCE_UNSAID;
  g_clear_pointer (&self->scale_block, g_free);
  show_scale_text (self, self->weight_g > 0 ? _ ("Typed") : NULL);
  update_plan (self);
}

static gboolean
on_weight_key_pressed_cb (GtkEventControllerKey *controller, guint keyval, guint keycode,
                          GdkModifierType state, PbBenchPage *self)
{
  if (keyval != GDK_KEY_Return && keyval != GDK_KEY_KP_Enter && keyval != GDK_KEY_ISO_Enter)
    return GDK_EVENT_PROPAGATE;
  gtk_spin_button_update (self->weight_spin);
  refocus_scan_entry (self);
  return GDK_EVENT_STOP;
}

/* As clear as a cancellation: red, the cancellation sound, and what to do. */
static void
show_cancel_requested (PbBenchPage *self, const char *order_id)
{
  g_autofree char *text
      = g_strdup_printf (_ ("Order %s: the buyer asked to cancel it — do not send it. Put the "
                            "items back, check the request in Seller Central and cancel the "
                            "order there."),
                         order_id);

  show_banner (self, BANNER_ERROR, text);
  emit_feedback (self, "cancelled");
}

static gboolean
order_is_cancelled (PbBenchPage *self, const char *order_id)
{
  g_autofree char *state = NULL;

  return pb_orders_get_local (get_store (self), order_id, &state, NULL, NULL, NULL, NULL)
         && g_strcmp0 (state, PB_ORDER_STATE_CANCELLED) == 0;
}

static gboolean
open_order (PbBenchPage *self, const char *order_id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PbPackSession) pack = NULL;
  guint n_lines;

  if (!pb_session_require (self->session, PB_ACTION_PACK, order_id, &error)
      || (pack = pb_pack_session_new (get_store (self), order_id, &error)) == NULL)
    {
      g_autofree char *text = NULL;

      if (order_is_cancelled (self, order_id))
        {
          text = g_strdup_printf (_ ("Order %s is cancelled — do not send it"), order_id);
          show_banner (self, BANNER_ERROR, text);
          emit_feedback (self, "cancelled");
          return FALSE;
        }
      if (g_error_matches (error, PB_PACK_ERROR, PB_PACK_ERROR_CANCEL_REQUESTED))
        {
          show_cancel_requested (self, order_id);
          return FALSE;
        }
      text = g_strdup_printf (_ ("Order %s refused: %s"), order_id, error->message);
      show_banner (self, BANNER_ERROR, text);
      emit_feedback (self, "refused");
      return FALSE;
    }

  close_order (self);
  pb_pack_session_set_operator (pack, pb_session_get_username (self->session));
  self->pack = g_steal_pointer (&pack);
  g_signal_connect_object (self->pack, "line-changed", G_CALLBACK (on_pack_line_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->pack, "notify::verified-units",
                           G_CALLBACK (on_pack_verified_units_changed_cb), self, G_CONNECT_SWAPPED);

  pb_parcel_panel_set_pack (self->parcel_panel, self->pack);
  gtk_label_set_text (self->order_label, pb_pack_session_get_order_id (self->pack));
  n_lines = pb_pack_session_get_n_lines (self->pack);
  for (guint i = 0; i < n_lines; i++)
    {
      gtk_list_box_append (self->lines_box,
                           create_line_row (self, pb_pack_session_get_line (self->pack, i)));
      update_line (self, i);
    }
  update_units (self);
  self->weight_g = 0;
  self->weight_source = PB_WEIGHT_SOURCE_UNSAID;
  self->scale_shown_valid = FALSE; /* the scale's next reading shows */
  if (self->scale != NULL)
    pb_scale_watch_rescan (self->scale); /* one plugged in unseen */
  update_plan (self);
  show_recipient (self, pb_pack_session_get_order_id (self->pack));
  gtk_stack_set_visible_child_name (self->order_stack, "order");
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ORDER_ID]);
  return TRUE;
}

/* Whether parcels were closed and the units since the last still wait for
 * their weight. */
static gboolean
needs_last_weight (PbBenchPage *self)
{
  return pb_parcel_panel_get_n_parcels (self->parcel_panel) > 0
         && pb_parcel_panel_get_open_units (self->parcel_panel) > 0 && self->weight_g <= 0;
}

static void
handle_scan_in_order (PbBenchPage *self, const char *code)
{
  g_autoptr (GError) error = NULL;
  PbPackScanResult result;

  self->last_line = G_MAXUINT;
  result = pb_pack_session_scan (self->pack, code, &error);

  switch (result)
    {
      case PB_PACK_SCAN_FAILED:
        {
          g_autofree char *text
              = g_strdup_printf (_ ("The scan was not recorded: %s"), error->message);
          show_banner (self, BANNER_ERROR, text);
          emit_feedback (self, "error");
        }
        break;

      case PB_PACK_SCAN_VERIFIED:
        /* line-changed told us which line the scan ticked. */
        if (self->last_line < pb_pack_session_get_n_lines (self->pack))
          {
            const PbPackLine *line = pb_pack_session_get_line (self->pack, self->last_line);
            g_autofree char *text
                = g_strdup_printf (_ ("✓ %s — %u of %u"), line->title ? line->title : line->sku,
                                   line->verified, line->quantity);
            show_banner (self, BANNER_SUCCESS, text);
          }
        else
          show_banner (self, BANNER_SUCCESS, _ ("✓ Item verified"));
        emit_feedback (self, "verified");
        break;

      case PB_PACK_SCAN_COMPLETE:
        emit_feedback (self, "complete");
        if (needs_last_weight (self))
          {
            /* Several parcels: the last one is weighed on its own. */
            guint number = pb_parcel_panel_get_n_parcels (self->parcel_panel) + 1;
            g_autofree char *text = g_strdup_printf (
                _ ("All items verified — weigh parcel %u, then press Print Label (F12 or Enter)"),
                number);

            show_banner (self, BANNER_SUCCESS, text);
          }
        else if (pb_settings_get_bool (get_store (self), "print.on_final_scan")
                 && (self->batch_bar == NULL || pb_batch_bar_get_offered (self->batch_bar) == 0))
          {
            show_banner (self, BANNER_SUCCESS, _ ("All items verified — printing the label"));
            start_ship (self, FALSE);
          }
        else
          show_banner (self, BANNER_SUCCESS,
                       _ ("All items verified — press Print Label (F12 or Enter)"));
        break;

      case PB_PACK_SCAN_WRONG_ITEM:
        show_banner (self, BANNER_ERROR, _ ("Wrong item — it is not in this order"));
        emit_feedback (self, "wrong-item");
        break;

      case PB_PACK_SCAN_TOO_MANY:
        show_banner (self, BANNER_ERROR, _ ("Wrong item — every unit of it is already in the box"));
        emit_feedback (self, "wrong-item");
        break;

      case PB_PACK_SCAN_NOT_AN_ITEM:
        show_banner (self, BANNER_ERROR,
                     _ ("That is not an item. Finish or close this order before opening another."));
        emit_feedback (self, "refused");
        break;

      default:
        g_assert_not_reached ();
    }
  update_actions (self);
}

/* Opens the order a scan of @code found. An item's scan is also the first
 * unit in the box. FALSE when the order was refused. */
static gboolean
open_order_for_scan (PbBenchPage *self, const char *code, const char *order_id)
{
  if (!open_order (self, order_id))
    return FALSE;

  if (pb_scan_classify (code, NULL) != PB_SCAN_KIND_AMAZON_ORDER_ID)
    {
      /* Offered first: while the offer stands, the last scan does not
       * print by itself — the packer chooses this label or the batch. */
      if (self->batch_bar != NULL)
        pb_batch_bar_offer (self->batch_bar, get_store (self),
                            pb_session_get_username (self->session), code);
      handle_scan_in_order (self, code);
    }
  else
    {
      g_autofree char *text = g_strdup_printf (_ ("Order %s opened: scan its items"), order_id);
      show_banner (self, BANNER_INFO, text);
      emit_feedback (self, "opened");
    }
  return TRUE;
}

/* Site mode: why packing is paused, in words; NULL when it is not. */
static char *
describe_pause (PbBenchPage *self)
{
  const char *site_error = self->station ? pb_station_get_site_error (self->station) : NULL;

  if (site_error == NULL)
    return NULL;
  return g_strdup_printf (_ ("Packing is paused: the site database cannot be reached, and without "
                             "it two benches could pack one order (%s)."),
                          site_error);
}

/* Site mode: taking an order (claiming it at the site, fetching its
 * recipient) runs in a worker; the scans that come meanwhile wait in
 * pending_scans and are handled after it, in order. */

typedef struct
{
  PbBenchPage *self;
  char *code;
  guint generation;
} TakeJob;

static void
take_job_free (TakeJob *job)
{
  g_object_unref (job->self);
  g_free (job->code);
  g_free (job);
}

static void
drain_pending_scans (PbBenchPage *self)
{
  while (!self->taking && !g_queue_is_empty (self->pending_scans))
    {
      g_autofree char *code = g_queue_pop_head (self->pending_scans);

      handle_scan (self, code);
    }
}

static void
on_order_taken_cb (GObject *source_object, GAsyncResult *result, gpointer user_data)
{
  TakeJob *job = user_data;
  PbBenchPage *self = job->self;
  PbStore *store = PB_STORE (source_object);
  g_autoptr (GError) error = NULL;
  g_autofree char *order_id = pb_site_bench_take_order_finish (store, result, &error);

  /* The bench was locked (or the page went) meanwhile: the order is not
   * for the next operator; give it back. */
  if (g_cancellable_is_cancelled (self->cancellable) || job->generation != self->take_generation)
    {
      if (order_id != NULL)
        pb_site_bench_release_order (store, order_id);
      take_job_free (job);
      return;
    }

  self->taking = FALSE;
  if (order_id == NULL)
    {
      /* The site went away: the station asks at once, and the pause
       * banner shows. */
      if (g_error_matches (error, PB_SITE_ERROR, PB_SITE_ERROR_UNREACHABLE)
          && self->station != NULL)
        pb_station_check_site_now (self->station);
      show_banner (self, BANNER_ERROR, error->message);
      emit_feedback (self, "refused");
    }
  else if (!open_order_for_scan (self, job->code, order_id))
    pb_site_bench_release_order (store, order_id);
  update_actions (self);
  take_job_free (job);
  drain_pending_scans (self);
}

static void
take_order (PbBenchPage *self, const char *code)
{
  g_autofree char *pause = describe_pause (self);
  TakeJob *job;

  /* The pause banner says why; this one, that the scan did nothing. */
  if (pause != NULL)
    {
      show_banner (self, BANNER_ERROR,
                   _ ("Not opened: packing is paused until the site database answers again."));
      emit_feedback (self, "refused");
      return;
    }
  job = g_new0 (TakeJob, 1);
  job->self = g_object_ref (self);
  job->code = g_strdup (code);
  job->generation = self->take_generation;
  self->taking = TRUE;
  show_banner (self, BANNER_INFO, _ ("Taking the order at the site…"));
  update_actions (self);
  pb_site_bench_take_order_async (get_store (self), pb_session_get_username (self->session), code,
                                  NULL, on_order_taken_cb, job);
}

static void
handle_scan (PbBenchPage *self, const char *code)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *order_id = NULL;

  if (code == NULL || *code == '\0')
    return;
  if (self->taking)
    {
      g_queue_push_tail (self->pending_scans, g_strdup (code));
      return;
    }
  if (self->busy)
    {
      show_banner (self, BANNER_INFO, _ ("Wait for the label to print before scanning again."));
      emit_feedback (self, "refused");
      return;
    }
  if (self->pack != NULL && self->label_stored)
    {
      show_banner (self, BANNER_ERROR,
                   _ ("This order has a label that did not print. Reprint it or close the order "
                      "first."));
      emit_feedback (self, "refused");
      return;
    }
  if (self->pack != NULL)
    {
      handle_scan_in_order (self, code);
      return;
    }

  /* At a site the order is claimed first, in a worker. */
  if (self->in_site)
    {
      take_order (self, code);
      return;
    }
  if (!pb_pack_find_order_for_code (get_store (self), code, &order_id, &error))
    {
      show_banner (self, BANNER_ERROR, error->message);
      emit_feedback (self, "refused");
      return;
    }
  open_order_for_scan (self, code, order_id);
}

/* Scanner input */

static gboolean
on_flush_timeout_cb (gpointer user_data)
{
  PbBenchPage *self = user_data;
  g_autofree char *code = NULL;

  self->flush_source = 0;
  code = pb_scan_buffer_flush (self->scan_buffer, g_get_monotonic_time () - self->time_offset);
  if (code != NULL)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->scan_entry), "");
      handle_scan (self, code);
    }
  return G_SOURCE_REMOVE;
}

static void
schedule_flush (PbBenchPage *self, gint64 time_us)
{
  gint64 deadline = pb_scan_buffer_get_deadline (self->scan_buffer);

  g_clear_handle_id (&self->flush_source, g_source_remove);
  if (deadline == 0)
    return;
  /* Below the events' priority: when the page was busy (a heavy frame, a
   * loaded machine) past the deadline, the keys that queued up meanwhile
   * are read first. Their own times say whether the burst went on; the
   * clock alone would cut one scan in two — a first key dropped and the
   * rest a "wrong item". */
  self->flush_source = g_timeout_add_full (G_PRIORITY_LOW, MAX ((deadline - time_us) / 1000 + 1, 1),
                                           on_flush_timeout_cb, self, NULL);
}

/* Returns TRUE when the key finished a scan and must not reach the entry. */
static gboolean
feed_scan_buffer (PbBenchPage *self, gunichar c, gint64 time_us)
{
  g_autofree char *code = NULL;

  self->time_offset = g_get_monotonic_time () - time_us;
  code = pb_scan_buffer_feed (self->scan_buffer, c, time_us);
  schedule_flush (self, time_us);
  if (code == NULL)
    return FALSE;

  gtk_editable_set_text (GTK_EDITABLE (self->scan_entry), "");
  handle_scan (self, code);
  return c == '\n' || c == '\r' || c == '\t' || c == 0x03;
}

static gboolean
on_scan_key_pressed_cb (GtkEventControllerKey *controller, guint keyval, guint keycode,
                        GdkModifierType state, PbBenchPage *self)
{
  gint64 time_us
      = (gint64)gtk_event_controller_get_current_event_time (GTK_EVENT_CONTROLLER (controller))
        * 1000;
  gunichar c;

  if (state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SUPER_MASK))
    return FALSE;
  if (keyval == GDK_KEY_Return || keyval == GDK_KEY_KP_Enter || keyval == GDK_KEY_ISO_Enter)
    c = '\n';
  else if (keyval == GDK_KEY_Tab)
    c = '\t';
  else if ((c = gdk_keyval_to_unicode (keyval)) == 0)
    return FALSE;
  return feed_scan_buffer (self, c, time_us);
}

/* A key typed while the focus is on a button or the queue (someone clicked
 * there) still belongs to the scanner: back to the scan entry with it. */
static gboolean
on_page_key_pressed_cb (GtkEventControllerKey *controller, guint keyval, guint keycode,
                        GdkModifierType state, PbBenchPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  gunichar c = gdk_keyval_to_unicode (keyval);

  if (state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SUPER_MASK))
    return GDK_EVENT_PROPAGATE;
  if (focus != NULL && GTK_IS_EDITABLE (focus))
    return GDK_EVENT_PROPAGATE; /* the scan or the filter entry */
  if (c == 0 || !g_unichar_isgraph (c))
    return GDK_EVENT_PROPAGATE; /* Space and Enter still press buttons */

  refocus_scan_entry (self);
  pb_bench_page_feed_key (
      self, c,
      (gint64)gtk_event_controller_get_current_event_time (GTK_EVENT_CONTROLLER (controller))
          * 1000);
  return GDK_EVENT_STOP;
}

/* Enter that the scan buffer did not take: a code typed by hand, or
 * Enter on an empty entry to print a verified order. */
static void
on_scan_entry_activate_cb (PbBenchPage *self, GtkEntry *entry)
{
  g_autofree char *code = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));

  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  pb_scan_buffer_reset (self->scan_buffer);
  if (*code != '\0')
    handle_scan (self, code);
  else if (self->pack != NULL && pb_pack_session_get_complete (self->pack))
    gtk_widget_activate_action (GTK_WIDGET (self), "bench.print", NULL);
}

void
pb_bench_page_feed_key (PbBenchPage *self, gunichar c, gint64 time_us)
{
  g_return_if_fail (PB_IS_BENCH_PAGE (self));

  if (feed_scan_buffer (self, c, time_us))
    return;
  /* What the entry does with a key the buffer let through. */
  if (c == '\n' || c == '\r')
    g_signal_emit_by_name (self->scan_entry, "activate");
  else if (g_unichar_isprint (c))
    {
      char utf8[7] = { 0 };
      int position = -1;

      g_unichar_to_utf8 (c, utf8);
      gtk_editable_insert_text (GTK_EDITABLE (self->scan_entry), utf8, -1, &position);
    }
}

void
pb_bench_page_focus_scan (PbBenchPage *self)
{
  g_return_if_fail (PB_IS_BENCH_PAGE (self));

  refocus_scan_entry (self);
}

/* Printing */

typedef struct
{
  PbStore *store;
  char *order_id;
  char *operator_name;
  gint weight_g;
  PbWeightSource weight_source;
  GPtrArray *parcels; /* (nullable) (element-type PbParcel): several parcels */
  gboolean reprint;
  PbShipResult result;
} ShipJob;

static void
ship_job_free (ShipJob *job)
{
  g_clear_object (&job->store);
  g_free (job->order_id);
  g_free (job->operator_name);
  g_clear_pointer (&job->parcels, g_ptr_array_unref);
  pb_ship_result_clear (&job->result);
  g_free (job);
}

/* Network and CUPS: never on the main thread. */
static void
ship_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  ShipJob *job = task_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (PbStore) worker = pb_store_open_worker (job->store, &error);
  gboolean ok;

  if (worker == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (job->reprint)
    ok = pb_ship_reprint (worker, job->order_id, NULL, job->operator_name, cancellable, &error);
  else
    {
      /* The order stays open after a refusal: at a site, so does its
       * claim, until the packer closes it. */
      PbShipRequest request = { .order_id = job->order_id,
                                .operator_name = job->operator_name,
                                .weight_g = job->weight_g,
                                .weight_source = job->weight_source,
                                .parcels = job->parcels,
                                .keep_claim = TRUE };

      ok = pb_ship (worker, &request, &job->result, cancellable, &error);
    }
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

static char *
format_recheck_skipped (const PbShipResult *result)
{
  g_autoptr (GDateTime) when = NULL;
  g_autofree char *time = NULL;

  if (result->last_sync <= 0)
    return g_strdup (_ ("Amazon could not be reached to re-check this order, and no sync has "
                        "worked yet: it was shipped on what the store holds"));
  when = g_date_time_new_from_unix_local (result->last_sync);
  time = g_date_time_format (when, "%H:%M");
  return g_strdup_printf (_ ("Amazon could not be reached to re-check this order; it was shipped "
                             "on what the last sync said (%s)"),
                          time);
}

static void
on_ship_done_cb (GObject *source_object, GAsyncResult *result, gpointer user_data)
{
  PbBenchPage *self = PB_BENCH_PAGE (source_object);
  ShipJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;
  g_autofree char *state = NULL;
  g_autofree char *tracking = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error)
      && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return; /* the page is going away */

  self->busy = FALSE;
  pb_orders_get_local (get_store (self), job->order_id, &state, NULL, &tracking, NULL, NULL);

  if (error != NULL)
    {
      g_autofree char *text = NULL;

      /* (No order is open when the bench was locked meanwhile.) */
      self->label_stored = self->pack != NULL && g_strcmp0 (state, PB_ORDER_STATE_LABELLED) == 0;
      if (g_strcmp0 (state, PB_ORDER_STATE_CANCELLED) == 0)
        {
          /* Amazon cancelled it while it was being packed. */
          text = g_strdup_printf (_ ("Order %s was cancelled — do not send it. %s"), job->order_id,
                                  error->message);
          show_banner (self, BANNER_ERROR, text);
          emit_feedback (self, "cancelled");
          update_actions (self);
          refocus_scan_entry (self);
          return;
        }
      if (g_error_matches (error, PB_SHIP_ERROR, PB_SHIP_ERROR_CANCEL_REQUESTED))
        {
          /* The buyer asked to cancel while it was being packed. */
          show_cancel_requested (self, job->order_id);
          update_actions (self);
          pb_bench_page_reload (self);
          refocus_scan_entry (self);
          return;
        }
      if (self->label_stored)
        text = g_strdup_printf (_ ("The label was not printed: %s The label is kept: press "
                                   "Reprint when the printer is ready."),
                                error->message);
      else
        text = g_strdup_printf (_ ("No label: %s"), error->message);
      if (self->label_stored && job->result.recheck_skipped)
        {
          g_autofree char *notice = format_recheck_skipped (&job->result);
          char *both = g_strdup_printf ("%s %s.", text, notice);

          g_free (text);
          text = both;
        }
      show_banner (self, BANNER_ERROR, text);
      emit_feedback (self, "error");
      update_actions (self);
      refocus_scan_entry (self);
      return;
    }

  {
    const char *number = job->result.tracking_number ? job->result.tracking_number : tracking;
    g_autofree char *text = NULL;

    if (job->result.parcel_tracking != NULL)
      {
        /* Several parcels: every tracking number, in parcel order. */
        guint n = g_strv_length (job->result.parcel_tracking);
        g_autofree char *numbers = g_strjoinv (", ", job->result.parcel_tracking);

        text = g_strdup_printf (ngettext ("Labels printed for %u parcel — Tracking %s",
                                          "Labels printed for %u parcels — Tracking %s", n),
                                n, numbers);
      }
    else
      text = g_strdup_printf (_ ("Label printed — Tracking %s"), number ? number : _ ("unknown"));

    if (job->result.despatch_note_error != NULL)
      {
        /* The parcel still goes: the note can be printed again. */
        g_autofree char *both = g_strdup_printf (_ ("%s. The despatch note was not printed: %s"),
                                                 text, job->result.despatch_note_error);

        show_banner (self, BANNER_ERROR, both);
      }
    else if (job->result.recheck_skipped)
      {
        /* Shipped on the last sync's word: the packer hears of it. */
        g_autofree char *notice = format_recheck_skipped (&job->result);
        g_autofree char *both = g_strdup_printf ("%s. %s", text, notice);

        show_banner (self, BANNER_INFO, both);
      }
    else
      show_banner (self, BANNER_SUCCESS, text);
  }
  emit_feedback (self, "printed");
  close_order (self);
  pb_bench_page_reload (self);
  refocus_scan_entry (self);
}

static void
start_ship (PbBenchPage *self, gboolean reprint)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GTask) task = NULL;
  g_autoptr (GPtrArray) parcels = NULL;
  ShipJob *job;
  const char *order_id;
  PbAction action = PB_ACTION_PACK;
  gint weight_g = self->weight_g;
  PbWeightSource weight_source = self->weight_source;

  if (self->pack == NULL || self->busy)
    return;
  order_id = pb_pack_session_get_order_id (self->pack);

  if (reprint)
    {
      g_autofree char *own
          = pb_labels_last_by (get_store (self), pb_session_get_username (self->session), NULL);

      /* A packer may reprint the label they printed last; others need a
       * supervisor. */
      action = g_strcmp0 (own, order_id) == 0 ? PB_ACTION_REPRINT_OWN_LABEL
                                              : PB_ACTION_REPRINT_ANY_LABEL;
    }
  if (!pb_session_require (self->session, action, order_id, &error))
    {
      show_banner (self, BANNER_ERROR, error->message);
      emit_feedback (self, "refused");
      return;
    }
  /* The scale's reading stops the print: still moving, overloaded, under
   * zero, not ready; or its weight is outside what the service takes. */
  if (!reprint)
    {
      g_autofree char *stop = g_strdup (self->scale_block);

      if (stop == NULL && self->weight_source == PB_WEIGHT_SOURCE_SCALE)
        {
          g_auto (PbShipPreview) preview = { 0 };

          if (!pb_ship_preview (get_store (self), order_id, self->weight_g, &preview, &error))
            stop = g_strdup (error->message);
        }
      if (stop == NULL)
        {
          /* Several parcels: the ones closed, and the units since the last
           * at the weight now in the field. */
          parcels = pb_parcel_panel_finish (self->parcel_panel, self->weight_g, self->weight_source,
                                            &error);
          if (parcels == NULL && error != NULL)
            stop = g_strdup (error->message);
        }
      if (stop != NULL)
        {
          g_autofree char *text = g_strdup_printf (_ ("No label: %s"), stop);

          show_banner (self, BANNER_ERROR, text);
          emit_feedback (self, "refused");
          return;
        }
      if (parcels != NULL && parcels->len == 1)
        {
          /* One parcel holding everything: the order as one. */
          const PbParcel *whole = g_ptr_array_index (parcels, 0);

          weight_g = whole->weight_g;
          weight_source = whole->weight_source;
          g_clear_pointer (&parcels, g_ptr_array_unref);
        }
      else if (parcels != NULL)
        weight_g = 0; /* each parcel has its own */
    }

  job = g_new0 (ShipJob, 1);
  job->store = g_object_ref (get_store (self));
  job->order_id = g_strdup (order_id);
  job->operator_name = g_strdup (pb_session_get_username (self->session));
  job->reprint = reprint;
  job->weight_g = weight_g;
  job->weight_source = weight_source;
  job->parcels = g_steal_pointer (&parcels);

  self->busy = TRUE;
  show_banner (self, BANNER_INFO,
               reprint ? _ ("Printing the label again…") : _ ("Buying and printing the label…"));
  update_actions (self);

  task = g_task_new (self, self->cancellable, on_ship_done_cb, NULL);
  g_task_set_source_tag (task, start_ship);
  g_task_set_task_data (task, job, (GDestroyNotify)ship_job_free);
  g_task_run_in_thread (task, ship_thread);
}

static void
print_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  start_ship (PB_BENCH_PAGE (widget), FALSE);
}

static void
reprint_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  start_ship (PB_BENCH_PAGE (widget), TRUE);
}

/* Several parcels (issue 16) */

/* Ctrl+N: closes the parcel being packed, at the weight in the field;
 * the next parcel starts with no weight. */
static void
new_parcel_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  PbBenchPage *self = PB_BENCH_PAGE (widget);
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  guint n;

  if (self->pack == NULL || self->busy || self->label_stored)
    return;
  /* Still moving, overloaded…: not a weight to close a parcel with. */
  if (self->scale_block != NULL)
    text = g_strdup_printf (_ ("No parcel closed: %s"), self->scale_block);
  else if (!pb_parcel_panel_close_parcel (self->parcel_panel, self->weight_g, self->weight_source,
                                          &error))
    text = g_strdup_printf (_ ("No parcel closed: %s"), error->message);
  if (text != NULL)
    {
      show_banner (self, BANNER_ERROR, text);
      emit_feedback (self, "refused");
      refocus_scan_entry (self);
      return;
    }
  n = pb_parcel_panel_get_n_parcels (self->parcel_panel);
  if (pb_pack_session_get_complete (self->pack))
    text = g_strdup_printf (_ ("Parcel %u closed. Every unit is in a parcel: press Print Label "
                               "(F12 or Enter)."),
                            n);
  else
    text = g_strdup_printf (_ ("Parcel %u closed. Scan the units of parcel %u, then weigh it."), n,
                            n + 1);
  /* The parcel just closed may still be on the scale. */
  forget_weight (self, TRUE);
  show_banner (self, BANNER_SUCCESS, text);
  emit_feedback (self, "verified");
  update_actions (self);
  refocus_scan_entry (self);
}

/* Ctrl+U: the last closed parcel's units go back into the one being
 * packed. */
static void
undo_parcel_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  PbBenchPage *self = PB_BENCH_PAGE (widget);
  guint n = pb_parcel_panel_get_n_parcels (self->parcel_panel);
  g_autofree char *text = NULL;

  if (self->pack == NULL || self->busy || self->label_stored
      || !pb_parcel_panel_undo (self->parcel_panel))
    return;
  text = g_strdup_printf (
      _ ("Parcel %u opened again: its units are back in the parcel being packed."), n);
  show_banner (self, BANNER_INFO, text);
  update_actions (self);
  refocus_scan_entry (self);
}

/* Despatch notes and pick lists: printed on the document printer in a
 * worker thread, never kept. */

typedef struct
{
  PbStore *store;
  char *operator_name;
  char *order_id;  /* a despatch note; NULL: a pick list */
  GStrv order_ids; /* the pick list's orders: the filtered queue; NULL: all */
  guint n_orders;
} DocumentJob;

static void
document_job_free (DocumentJob *job)
{
  g_clear_object (&job->store);
  g_free (job->operator_name);
  g_free (job->order_id);
  g_strfreev (job->order_ids);
  g_free (job);
}

static void
document_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  DocumentJob *job = task_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (PbStore) worker = pb_store_open_worker (job->store, &error);
  g_autoptr (GBytes) pdf = NULL;
  gboolean ok = FALSE;

  if (worker != NULL && job->order_id != NULL)
    ok = pb_documents_print_despatch_note (worker, job->order_id, job->operator_name, cancellable,
                                           &error);
  else if (worker != NULL)
    {
      pdf = pb_documents_pick_list (worker, PB_PICK_DUE_ALL, (const char *const *)job->order_ids,
                                    &job->n_orders, &error);
      ok = pdf != NULL
           && pb_ship_print_document (worker, pdf, "pick_list", NULL, job->operator_name,
                                      cancellable, &error);
    }
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

static void
on_document_done_cb (GObject *source_object, GAsyncResult *result, gpointer user_data)
{
  PbBenchPage *self = PB_BENCH_PAGE (source_object);
  DocumentJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error)
      && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return; /* the page is going away */
  self->documenting = FALSE;
  update_actions (self);
  if (error != NULL)
    {
      text = job->order_id != NULL
                 ? g_strdup_printf (_ ("The despatch note was not printed: %s"), error->message)
                 : g_strdup_printf (_ ("The pick list was not printed: %s"), error->message);
      show_banner (self, BANNER_ERROR, text);
      emit_feedback (self, "error");
    }
  else
    {
      text = job->order_id != NULL
                 ? g_strdup_printf (_ ("Despatch note of %s printed"), job->order_id)
                 : g_strdup_printf (ngettext ("Pick list of %u order printed",
                                              "Pick list of %u orders printed", job->n_orders),
                                    job->n_orders);
      show_banner (self, BANNER_SUCCESS, text);
    }
  refocus_scan_entry (self);
}

static void
start_document (PbBenchPage *self, DocumentJob *job)
{
  g_autoptr (GTask) task = NULL;

  job->store = g_object_ref (get_store (self));
  job->operator_name = g_strdup (pb_session_get_username (self->session));
  self->documenting = TRUE;
  update_actions (self);
  task = g_task_new (self, self->cancellable, on_document_done_cb, NULL);
  g_task_set_source_tag (task, start_document);
  g_task_set_task_data (task, job, (GDestroyNotify)document_job_free);
  g_task_run_in_thread (task, document_thread);
}

/* Ctrl+D: the open order's despatch note, which shows the address. */
static void
despatch_note_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  PbBenchPage *self = PB_BENCH_PAGE (widget);
  g_autoptr (GError) error = NULL;
  const char *order_id;
  DocumentJob *job;

  if (self->pack == NULL || self->documenting)
    return;
  order_id = pb_pack_session_get_order_id (self->pack);
  if (!pb_session_require (self->session, PB_ACTION_VIEW_RECIPIENT, order_id, &error)
      || !pb_session_require (self->session, PB_ACTION_PACK, order_id, &error))
    {
      show_banner (self, BANNER_ERROR, error->message);
      emit_feedback (self, "refused");
      return;
    }
  job = g_new0 (DocumentJob, 1);
  job->order_id = g_strdup (order_id);
  show_banner (self, BANNER_INFO, _ ("Printing the despatch note…"));
  start_document (self, job);
}

/* The pick list of the queue as shown: every order, or those the filter
 * leaves. */
static void
pick_list_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  PbBenchPage *self = PB_BENCH_PAGE (widget);
  g_autoptr (GError) error = NULL;
  DocumentJob *job;

  if (self->documenting)
    return;
  if (!pb_session_require (self->session, PB_ACTION_VIEW_ORDERS, "pick_list", &error))
    {
      show_banner (self, BANNER_ERROR, error->message);
      emit_feedback (self, "refused");
      return;
    }
  job = g_new0 (DocumentJob, 1);
  if (self->search != NULL && *self->search != '\0')
    {
      g_autoptr (GStrvBuilder) ids = g_strv_builder_new ();

      for (guint i = 0; i < self->shown_items->len; i++)
        g_strv_builder_add (ids, pb_queue_item_get_id (g_ptr_array_index (self->shown_items, i)));
      job->order_ids = g_strv_builder_end (ids);
    }
  show_banner (self, BANNER_INFO, _ ("Printing the pick list…"));
  start_document (self, job);
}

/* Ctrl+F: filter the queue; Escape in the filter goes back to scanning. */
static void
find_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  PbBenchPage *self = PB_BENCH_PAGE (widget);

  gtk_widget_grab_focus (GTK_WIDGET (self->filter_entry));
}

static void
on_filter_stop_search_cb (PbBenchPage *self, GtkSearchEntry *entry)
{
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  refocus_scan_entry (self);
}

static void
close_order_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  PbBenchPage *self = PB_BENCH_PAGE (widget);

  if (self->busy)
    return;
  close_order_unshipped (self);
  hide_banner (self);
  refocus_scan_entry (self);
}

/* GObject */

static void
pb_bench_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (pb_bench_page_parent_class)->map (widget);
  refocus_scan_entry (PB_BENCH_PAGE (widget));
}

static void
pb_bench_page_unmap (GtkWidget *widget)
{
  pb_scan_buffer_reset (PB_BENCH_PAGE (widget)->scan_buffer);
  GTK_WIDGET_CLASS (pb_bench_page_parent_class)->unmap (widget);
}

static void
pb_bench_page_constructed (GObject *object)
{
  PbBenchPage *self = PB_BENCH_PAGE (object);

  G_OBJECT_CLASS (pb_bench_page_parent_class)->constructed (object);

  g_assert (PB_IS_SESSION (self->session));
  self->in_site = pb_site_bench_in_site (get_store (self));
  pb_bench_page_reload (self);
}

/* A batch: the open order closes (when it is one of the batch's, its
 * claim kept: the batch ships it); the bench is busy until the batch
 * ends. */
static void
on_batch_start_cb (PbBatchBar *bar, gpointer user_data)
{
  PbBenchPage *self = user_data;
  gint weight_g = self->weight_g;
  PbWeightSource weight_source = self->weight_source;
  g_autofree char *held = NULL;

  if (self->busy || self->taking)
    return;
  /* An order holding more than the item is not the batch's: at a site it
   * is given back. */
  if (self->pack != NULL
      && !pb_batch_bar_offers_order (bar, pb_pack_session_get_order_id (self->pack)))
    close_order_unshipped (self);
  else
    {
      held = self->pack ? g_strdup (pb_pack_session_get_order_id (self->pack)) : NULL;
      close_order (self);
    }
  self->busy = TRUE;
  update_actions (self);
  hide_banner (self);
  pb_batch_bar_run (bar, weight_g, weight_source, held);
}

static void
on_batch_finished_cb (PbBatchBar *bar, gboolean ok, const char *text, gpointer user_data)
{
  PbBenchPage *self = user_data;

  self->busy = FALSE;
  show_banner (self, ok ? BANNER_SUCCESS : BANNER_ERROR, text);
  emit_feedback (self, ok ? "printed" : "refused");
  update_actions (self);
  pb_bench_page_reload (self);
  refocus_scan_entry (self);
}

static void
pb_bench_page_dispose (GObject *object)
{
  PbBenchPage *self = PB_BENCH_PAGE (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->load_cancellable);
  g_clear_handle_id (&self->flush_source, g_source_remove);
  g_clear_handle_id (&self->countdown_source, g_source_remove);
  /* The app closing with an order open: the other benches may have it at
   * once rather than when the claim goes stale. */
  if (self->in_site && self->pack != NULL && self->session != NULL)
    pb_site_bench_release_order_now (get_store (self), pb_pack_session_get_order_id (self->pack));
  if (self->station != NULL)
    g_signal_handlers_disconnect_by_data (self->station, self);
  g_clear_object (&self->station);
  if (self->scale != NULL)
    g_signal_handlers_disconnect_by_data (self->scale, self);
  g_clear_object (&self->scale);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->settings);
  if (self->pack != NULL)
    g_signal_handlers_disconnect_by_data (self->pack, self);
  g_clear_object (&self->pack);
  /* A running batch stops before its next label and ends after the page. */
  if (self->batch_bar != NULL)
    g_signal_handlers_disconnect_by_data (self->batch_bar, self);
  self->batch_bar = NULL;
  gtk_widget_dispose_template (GTK_WIDGET (self), PB_TYPE_BENCH_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (pb_bench_page_parent_class)->dispose (object);
}

static void
pb_bench_page_finalize (GObject *object)
{
  PbBenchPage *self = PB_BENCH_PAGE (object);

  g_clear_object (&self->session);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->load_cancellable);
  g_clear_pointer (&self->scan_buffer, pb_scan_buffer_free);
  g_clear_pointer (&self->line_ticks, g_ptr_array_unref);
  g_clear_pointer (&self->line_counts, g_ptr_array_unref);
  g_free (self->search);
  g_clear_pointer (&self->queue_items, g_ptr_array_unref);
  g_clear_pointer (&self->shown_items, g_ptr_array_unref);
  g_clear_pointer (&self->countdown_cells, g_hash_table_unref);
  g_clear_pointer (&self->claims, g_hash_table_unref);
  g_free (self->scale_block);
  if (self->pending_scans != NULL)
    g_queue_free_full (self->pending_scans, g_free);
  G_OBJECT_CLASS (pb_bench_page_parent_class)->finalize (object);
}

static void
pb_bench_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PbBenchPage *self = PB_BENCH_PAGE (object);

  switch (prop_id)
    {
      case PROP_SESSION:
        g_value_set_object (value, self->session);
        break;
      case PROP_ORDER_ID:
        g_value_set_string (value, pb_bench_page_get_order_id (self));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_bench_page_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  PbBenchPage *self = PB_BENCH_PAGE (object);

  switch (prop_id)
    {
      case PROP_SESSION:
        g_assert (self->session == NULL);
        self->session = g_value_dup_object (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_bench_page_class_init (PbBenchPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = pb_bench_page_constructed;
  object_class->dispose = pb_bench_page_dispose;
  object_class->finalize = pb_bench_page_finalize;
  object_class->get_property = pb_bench_page_get_property;
  object_class->set_property = pb_bench_page_set_property;
  widget_class->map = pb_bench_page_map;
  widget_class->unmap = pb_bench_page_unmap;

  properties[PROP_SESSION]
      = g_param_spec_object ("session", NULL, NULL, PB_TYPE_SESSION,
                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_EXPLICIT_NOTIFY
                                 | G_PARAM_STATIC_STRINGS);
  properties[PROP_ORDER_ID]
      = g_param_spec_string ("order-id", NULL, NULL, NULL,
                             G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * PbBenchPage::feedback:
   * @kind: "opened", "verified", "complete", "wrong-item", "refused",
   *   "printed" or "error"
   *
   * Something happened that a packer should hear.
   */
  signals[SIGNAL_FEEDBACK]
      = g_signal_new ("feedback", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                      G_TYPE_NONE, 1, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);

  g_type_ensure (PB_TYPE_QUEUE_ITEM);
  g_type_ensure (PB_TYPE_QUEUE_MODEL);
  g_type_ensure (PB_TYPE_PARCEL_PANEL);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/pb-bench-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PbBenchPage, banner_revealer);
  gtk_widget_class_bind_template_child (widget_class, PbBenchPage, banner_box);
  gtk_widget_class_bind_template_child (widget_class, PbBenchPage, banner_label);
  gtk_widget_class_bind_template_child (widget_class, PbBenchPage, site_revealer);
  gtk_widget_class_bind_template_child (widget_class, PbBenchPage, site_label);
  gtk_widget_class_bind_template_child (widget_class, PbBenchPage, scan_entry);
  gtk_widget_class_bind_template_child (widget_class, PbBenchPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, PbBenchPage, filter_entry);
  gtk_widget_class_bind_template_child (widget_class, PbBenchPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, PbBenchPage, queue_view);
  gtk_widget_class_bind_template_child (widget_class, PbBenchPage, queue_store);
  gtk_widget_class_bind_template_child (widget_class, PbBenchPage, order_stack);
  gtk_widget_class_bind_template_child (widget_class, PbBenchPage, order_label);
  gtk_widget_class_bind_template_child (widget_class, PbBenchPage, units_label);
  gtk_widget_class_bind_template_child (widget_class, PbBenchPage, recipient_label);
  gtk_widget_class_bind_template_child (widget_class, PbBenchPage, lines_box);
  gtk_widget_class_bind_template_child (widget_class, PbBenchPage, print_button);
  gtk_widget_class_bind_template_child (widget_class, PbBenchPage, reprint_button);
  gtk_widget_class_bind_template_callback (widget_class, on_scan_entry_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_entry_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_entry_stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_queue_label_setup_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_queue_order_setup_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_queue_id_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_queue_ship_by_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_queue_items_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_queue_service_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_queue_ship_by_unbind_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_weight_changed_cb);
  gtk_widget_class_bind_template_child (widget_class, PbBenchPage, weight_spin);
  gtk_widget_class_bind_template_child (widget_class, PbBenchPage, format_label);
  gtk_widget_class_bind_template_child (widget_class, PbBenchPage, service_label);
  gtk_widget_class_bind_template_child (widget_class, PbBenchPage, plan_problem_label);
  gtk_widget_class_bind_template_child (widget_class, PbBenchPage, scale_label);
  gtk_widget_class_bind_template_child (widget_class, PbBenchPage, parcel_panel);

  gtk_widget_class_install_action (widget_class, "bench.print", NULL, print_action);
  gtk_widget_class_install_action (widget_class, "bench.reprint", NULL, reprint_action);
  gtk_widget_class_install_action (widget_class, "bench.close-order", NULL, close_order_action);
  gtk_widget_class_install_action (widget_class, "bench.find", NULL, find_action);
  gtk_widget_class_install_action (widget_class, "bench.despatch-note", NULL, despatch_note_action);
  gtk_widget_class_install_action (widget_class, "bench.pick-list", NULL, pick_list_action);
  gtk_widget_class_install_action (widget_class, "bench.new-parcel", NULL, new_parcel_action);
  gtk_widget_class_install_action (widget_class, "bench.undo-parcel", NULL, undo_parcel_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK,
                                       "bench.new-parcel", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_u, GDK_CONTROL_MASK,
                                       "bench.undo-parcel", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_d, GDK_CONTROL_MASK,
                                       "bench.despatch-note", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F12, 0, "bench.print", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "bench.reprint",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "bench.find",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "bench.close-order", NULL);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
pb_bench_page_init (PbBenchPage *self)
{
  GtkEventController *keys;

  self->countdown_cells = g_hash_table_new (NULL, NULL);
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->scan_buffer = pb_scan_buffer_new ();
  self->line_ticks = g_ptr_array_new ();
  self->line_counts = g_ptr_array_new ();
  self->pending_scans = g_queue_new ();

  self->batch_bar = PB_BATCH_BAR (pb_batch_bar_new ());
  gtk_widget_insert_after (GTK_WIDGET (self->batch_bar), GTK_WIDGET (self),
                           GTK_WIDGET (self->banner_revealer));
  g_signal_connect (self->batch_bar, "start", G_CALLBACK (on_batch_start_cb), self);
  g_signal_connect (self->batch_bar, "finished", G_CALLBACK (on_batch_finished_cb), self);

  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_scan_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->scan_entry), keys);

  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_page_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);

  /* Weighed and Enter: back to scanning. */
  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_weight_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->weight_spin), keys);
  g_signal_connect_object (self->filter_entry, "stop-search", G_CALLBACK (on_filter_stop_search_cb),
                           self, G_CONNECT_SWAPPED);

  self->queue_items = g_ptr_array_new_with_free_func (g_object_unref);
  self->shown_items = g_ptr_array_ref (self->queue_items);
  self->countdown_source = g_timeout_add_seconds (COUNTDOWN_SECONDS, on_countdown_tick_cb, self);
  update_count (self);
  update_actions (self);

  /* The scale this bench weighs on: Preferences › Bench. */
  self->scale_armed = TRUE;
  self->settings = g_settings_new (APPLICATION_ID);
  g_signal_connect_object (self->settings, "changed::scale-device",
                           G_CALLBACK (on_scale_device_changed_cb), self, G_CONNECT_SWAPPED);
  start_scale (self);
}

/**
 * pb_bench_page_new:
 * @session: a READY session
 *
 * Returns: (transfer full): a new bench page
 */
GtkWidget *
pb_bench_page_new (PbSession *session)
{
  g_return_val_if_fail (PB_IS_SESSION (session), NULL);

  return g_object_new (PB_TYPE_BENCH_PAGE, "session", session, NULL);
}

PbSession *
pb_bench_page_get_session (PbBenchPage *self)
{
  g_return_val_if_fail (PB_IS_BENCH_PAGE (self), NULL);
  return self->session;
}

/**
 * pb_bench_page_reset:
 * @self: the bench
 *
 * Forgets what the last operator had on the bench: closes the open order
 * (its recipient leaves the screen and the widget tree), clears the banner,
 * the queue filter and the scan buffer. A label being bought or printed
 * goes on; its outcome shows as a banner. The window calls this when the
 * bench locks, so the next operator starts from an empty bench.
 */
void
pb_bench_page_reset (PbBenchPage *self)
{
  g_return_if_fail (PB_IS_BENCH_PAGE (self));

  /* An order being taken is given back when it comes. */
  self->take_generation++;
  self->taking = FALSE;
  g_queue_clear_full (self->pending_scans, g_free);
  close_order_unshipped (self);
  hide_banner (self);
  gtk_label_set_text (self->banner_label, "");
  gtk_editable_set_text (GTK_EDITABLE (self->filter_entry), "");
  pb_scan_buffer_reset (self->scan_buffer);
  g_clear_handle_id (&self->flush_source, g_source_remove);
}

const char *
pb_bench_page_get_order_id (PbBenchPage *self)
{
  g_return_val_if_fail (PB_IS_BENCH_PAGE (self), NULL);
  return self->pack != NULL ? pb_pack_session_get_order_id (self->pack) : NULL;
}

/* Site mode: the pause banner comes and goes with the station's
 * site-error. */
static void
update_site_banner (PbBenchPage *self)
{
  g_autofree char *pause = describe_pause (self);

  if (pause != NULL)
    gtk_label_set_text (self->site_label, pause);
  gtk_revealer_set_reveal_child (self->site_revealer, pause != NULL);
}

static void
on_station_site_error_cb (PbBenchPage *self, GParamSpec *pspec, PbStation *station)
{
  update_site_banner (self);
}

static void
on_station_claims_changed_cb (PbBenchPage *self, PbStation *station)
{
  GHashTable *claims = pb_station_get_claims (station);

  g_clear_pointer (&self->claims, g_hash_table_unref);
  self->claims = claims ? g_hash_table_ref (claims) : NULL;
  pb_bench_page_reload (self);
}

/**
 * pb_bench_page_set_station:
 * @self: the bench
 * @station: (nullable): the window's station
 *
 * Site mode: the station says whether the site can be reached (the pause
 * banner) and which orders other benches hold (shown in the queue).
 */
void
pb_bench_page_set_station (PbBenchPage *self, PbStation *station)
{
  g_return_if_fail (PB_IS_BENCH_PAGE (self));
  g_return_if_fail (station == NULL || PB_IS_STATION (station));

  if (self->station == station)
    return;
  if (self->station != NULL)
    g_signal_handlers_disconnect_by_data (self->station, self);
  g_set_object (&self->station, station);
  if (station != NULL)
    {
      g_signal_connect_object (station, "notify::site-error", G_CALLBACK (on_station_site_error_cb),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (station, "claims-changed", G_CALLBACK (on_station_claims_changed_cb),
                               self, G_CONNECT_SWAPPED);
    }
  update_site_banner (self);
  if (station != NULL && pb_station_get_claims (station) != NULL)
    on_station_claims_changed_cb (self, station);
}
