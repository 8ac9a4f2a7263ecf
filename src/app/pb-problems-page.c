/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>

#include "pb-problems-page.h"
#include "pb-row-item.h"
#include "station/pb-outbox-worker.h"
#include "station/pb-ship.h"
#include "station/pb-site-admin.h"
#include "store/pb-labels.h"
#include "store/pb-outbox.h"
#include "util/pb-clock.h"

struct _PbProblemsPage
{
  PbPage parent_instance;

  GListStore *outbox_store;    /* (element-type PbRowItem): id = outbox item */
  GListStore *cancelled_store; /* (element-type PbRowItem): key = order id; id -1: elsewhere */
  GListStore *claims_store;    /* (element-type PbRowItem): key = order id */

  AdwToastOverlay *toast_overlay;
  GtkRevealer *error_revealer;
  GtkLabel *error_label;
  GtkStack *stack;
  GtkLabel *count_label;
  GtkSpinner *spinner;
  GtkWidget *outbox_box;
  GtkWidget *cancelled_box;
  GtkWidget *claims_box;
  GtkListBox *outbox_list;
  GtkListBox *cancelled_list;
  GtkListBox *claims_list;
  gboolean site_error_shown; /* the banner says the site could not be read */
};

G_DEFINE_FINAL_TYPE (PbProblemsPage, pb_problems_page, PB_TYPE_PAGE)

static PbSession *
get_session (PbProblemsPage *self)
{
  return pb_page_get_session (PB_PAGE (self));
}

static void
show_error (PbProblemsPage *self, const char *text)
{
  self->site_error_shown = FALSE;
  gtk_label_set_text (self->error_label, text);
  gtk_revealer_set_reveal_child (self->error_revealer, TRUE);
}

static void
hide_error (PbProblemsPage *self)
{
  gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
}

static void
show_toast (PbProblemsPage *self, const char *text)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

static char *
format_time (gint64 when)
{
  g_autoptr (GDateTime) time = g_date_time_new_from_unix_local (when);

  return time ? g_date_time_format (time, "%e %b %H:%M") : g_strdup ("");
}

/* Busy: an action is running. */
static void
set_busy (PbProblemsPage *self, gboolean busy)
{
  pb_page_set_busy (PB_PAGE (self), busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "problems.retry", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "problems.discard", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "problems.void",
                                 !busy
                                     && pb_session_can (get_session (self), PB_ACTION_VOID_LABEL));
  gtk_widget_action_set_enabled (
      GTK_WIDGET (self), "problems.release",
      !busy && pb_session_can (get_session (self), PB_ACTION_RELEASE_CLAIM));
  gtk_widget_action_set_enabled (
      GTK_WIDGET (self), "problems.take-over",
      !busy && pb_session_can (get_session (self), PB_ACTION_RELEASE_CLAIM));
}

/* Rows */

static GtkWidget *
make_button (const char *label, const char *accessible_name, const char *action, GVariant *target,
             gboolean destructive)
{
  GtkWidget *button = gtk_button_new_with_label (label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), target);
  if (destructive)
    gtk_widget_add_css_class (button, "destructive-action");
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible_name, -1);
  return button;
}

static GtkWidget *
make_row (PbRowItem *item)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *title = g_markup_escape_text (pb_row_item_get_title (item), -1);
  g_autofree char *subtitle = g_markup_escape_text (pb_row_item_get_subtitle (item), -1);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
  return row;
}

static GtkWidget *
create_outbox_row_cb (gpointer object, gpointer user_data)
{
  PbRowItem *item = object;
  GtkWidget *row = make_row (item);
  gint64 id = pb_row_item_get_id (item);
  g_autofree char *retry_name = g_strdup_printf (_ ("Retry outbox item %" PRId64), id);
  g_autofree char *discard_name = g_strdup_printf (_ ("Discard outbox item %" PRId64), id);

  /* Another bench's item: only that bench has it (and its error). */
  if (id <= 0)
    return row;
  adw_action_row_add_suffix (
      ADW_ACTION_ROW (row),
      make_button (_ ("Retry"), retry_name, "problems.retry", g_variant_new_int64 (id), FALSE));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             make_button (_ ("Discard"), discard_name, "problems.discard",
                                          g_variant_new_int64 (id), TRUE));
  return row;
}

static GtkWidget *
create_cancelled_row_cb (gpointer object, gpointer user_data)
{
  PbProblemsPage *self = user_data;
  PbRowItem *item = object;
  GtkWidget *row = make_row (item);
  const char *order_id = pb_row_item_get_key (item);
  g_autofree char *name = g_strdup_printf (_ ("Void the label of order %s"), order_id);

  /* Another bench's label (id -1): its record is there, voided there. */
  if (pb_row_item_get_id (item) >= 0 && pb_session_can (get_session (self), PB_ACTION_VOID_LABEL))
    adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                               make_button (_ ("Void Label"), name, "problems.void",
                                            g_variant_new_string (order_id), TRUE));
  return row;
}

static GtkWidget *
create_claim_row_cb (gpointer object, gpointer user_data)
{
  PbProblemsPage *self = user_data;
  PbRowItem *item = object;
  GtkWidget *row = make_row (item);
  const char *order_id = pb_row_item_get_key (item);
  g_autofree char *name = g_strdup_printf (_ ("Release order %s"), order_id);
  g_autofree char *take_name = g_strdup_printf (_ ("Take over order %s"), order_id);

  if (pb_session_can (get_session (self), PB_ACTION_RELEASE_CLAIM))
    {
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 make_button (_ ("Release"), name, "problems.release",
                                              g_variant_new_string (order_id), FALSE));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 make_button (_ ("Take Over"), take_name, "problems.take-over",
                                              g_variant_new_string (order_id), FALSE));
    }
  return row;
}

static const char *
outbox_kind_title (const char *kind, const char *order_id, char **title)
{
  if (g_strcmp0 (kind, PB_OUTBOX_KIND_CONFIRM_SHIPMENT) == 0)
    *title = g_strdup_printf (_ ("Tell Amazon order %s has shipped"), order_id);
  else if (g_strcmp0 (kind, PB_OUTBOX_KIND_CREATE_LABEL) == 0)
    *title = g_strdup_printf (_ ("Buy the Royal Mail label for order %s"), order_id);
  else
    *title = g_strdup_printf (_ ("%s for order %s"), kind, order_id);
  return *title;
}

/* Another bench's item: what it is and where, never its error's text. */
static PbRowItem *
site_outbox_item_to_row (PbSiteOutboxItem *item)
{
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *state = NULL;

  outbox_kind_title (item->kind, item->order_id ? item->order_id : "—", &title);
  if (g_str_equal (item->state, PB_OUTBOX_ATTENTION))
    state = g_strdup_printf (
        g_dngettext (NULL, "stopped after %d attempt", "stopped after %d attempts", item->attempts),
        item->attempts);
  else
    {
      g_autofree char *next = format_time (item->next_attempt_at);

      state = g_strdup_printf (g_dngettext (NULL, "failed %d time, tries again at %s",
                                            "failed %d times, tries again at %s", item->attempts),
                               item->attempts, g_strstrip (next));
    }
  /* Translators: e.g. "Bench B, item 12: stopped after 8 attempts. Only Bench B can retry or
   * discard it: its outbox and the error are there." */
  subtitle = g_strdup_printf (_ ("%s, item %" PRId64 ": %s. Only %s can retry or discard it: its "
                                 "outbox and the error are there."),
                              item->bench, item->item, state, item->bench);
  return pb_row_item_new (title, subtitle, 0, item->order_id);
}

static PbRowItem *
site_cancelled_to_row (PbSiteLabel *label)
{
  g_autofree char *when = format_time (label->labelled_at);
  g_autofree char *title = g_strdup_printf (_ ("Order %s"), label->order_id);
  g_autofree char *subtitle = NULL;

  subtitle = g_strdup_printf (_ ("Cancelled by the buyer · Tracking %s · labelled %s at %s. Void "
                                 "it at %s: the label’s record is there."),
                              label->tracking_number ? label->tracking_number : "—",
                              g_strstrip (when), label->bench, label->bench);
  return pb_row_item_new (title, subtitle, -1, label->order_id);
}

static PbRowItem *
claim_to_row (const char *order_id, PbSiteClaim *claim)
{
  g_autofree char *when = format_time (claim->since);
  g_autofree char *title = g_strdup_printf (_ ("Order %s"), order_id);
  g_autofree char *subtitle = g_strdup_printf (
      _ ("Held at %s by %s since %s; %s has not been heard from since."), claim->bench,
      claim->operator_name ? claim->operator_name : "—", g_strstrip (when), claim->bench);

  return pb_row_item_new (title, subtitle, 0, order_id);
}

static PbRowItem *
outbox_item_to_row (PbOutboxItem *item)
{
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  const char *order_id = item->order_id ? item->order_id : "—";
  const char *why = item->last_error ? item->last_error : _ ("no error recorded");

  outbox_kind_title (item->kind, order_id, &title);

  if (g_str_equal (item->state, PB_OUTBOX_ATTENTION))
    subtitle = g_strdup_printf (g_dngettext (NULL, "Item %" PRId64 ": stopped after %d attempt: %s",
                                             "Item %" PRId64 ": stopped after %d attempts: %s",
                                             item->attempts),
                                item->id, item->attempts, why);
  else
    {
      g_autofree char *next = format_time (item->next_attempt_at);

      subtitle = g_strdup_printf (
          g_dngettext (NULL, "Item %" PRId64 ": failed %d time, tries again at %s: %s",
                       "Item %" PRId64 ": failed %d times, tries again at %s: %s", item->attempts),
          item->id, item->attempts, g_strstrip (next), why);
    }
  return pb_row_item_new (title, subtitle, item->id, item->order_id);
}

static PbRowItem *
cancelled_to_row (PbLabelRow *label)
{
  g_autofree char *when = format_time (label->labelled_at);
  g_autofree char *title = g_strdup_printf (_ ("Order %s"), label->order_id);
  g_autofree char *subtitle = NULL;

  subtitle = g_strdup_printf (_ ("Cancelled by the buyer · Tracking %s · %s · labelled %s"),
                              label->tracking_number ? label->tracking_number : "—",
                              label->service ? label->service : "—", g_strstrip (when));
  return pb_row_item_new (title, subtitle, 0, label->order_id);
}

/* Loading */

typedef struct
{
  GPtrArray *outbox;    /* PbOutboxItem, only those a person should see */
  GPtrArray *cancelled; /* PbLabelRow */
  PbSiteProblems site;  /* the other benches' */
  char *site_error;     /* the site could not be read: in words */
} Problems;

static void
problems_free (Problems *problems)
{
  g_clear_pointer (&problems->outbox, g_ptr_array_unref);
  g_clear_pointer (&problems->cancelled, g_ptr_array_unref);
  pb_site_problems_clear (&problems->site);
  g_free (problems->site_error);
  g_free (problems);
}

static gboolean
load_work (PbStore *worker, gpointer data, GCancellable *cancellable, GError **error)
{
  Problems *problems = data;
  g_autoptr (GPtrArray) all = pb_outbox_list (worker, FALSE, error);

  if (all == NULL)
    return FALSE;
  problems->cancelled = pb_labels_list_cancelled (worker, error);
  if (problems->cancelled == NULL)
    return FALSE;
  /* Items that stopped, and items that failed and wait for their next try;
   * not those simply queued or being sent now. */
  problems->outbox = g_ptr_array_new_with_free_func ((GDestroyNotify)pb_outbox_item_free);
  for (guint i = 0; i < all->len; i++)
    {
      PbOutboxItem *item = g_ptr_array_index (all, i);

      if (g_str_equal (item->state, PB_OUTBOX_ATTENTION)
          || (g_str_equal (item->state, PB_OUTBOX_PENDING) && item->last_error != NULL
              && item->attempts > 0))
        g_ptr_array_add (problems->outbox, g_ptr_array_steal_index (all, i--));
    }
  /* The rest of the site: its absence is not this bench's problem list's. */
  {
    g_autoptr (GError) site_error = NULL;

    if (!pb_site_admin_list_problems (worker, &problems->site, &site_error))
      {
        problems->site_error = g_strdup (site_error->message);
        pb_site_problems_clear (&problems->site);
      }
  }
  return TRUE;
}

static void
fill_store (GListStore *store, GPtrArray *items)
{
  g_list_store_splice (store, 0, g_list_model_get_n_items (G_LIST_MODEL (store)), items->pdata,
                       items->len);
}

static void
update_count (PbProblemsPage *self)
{
  guint n_outbox = g_list_model_get_n_items (G_LIST_MODEL (self->outbox_store));
  guint n_cancelled = g_list_model_get_n_items (G_LIST_MODEL (self->cancelled_store));
  guint n_claims = g_list_model_get_n_items (G_LIST_MODEL (self->claims_store));
  g_autofree char *outbox = NULL;
  g_autofree char *cancelled = NULL;
  g_autofree char *claims = NULL;
  g_autofree char *text = NULL;

  gtk_widget_set_visible (self->outbox_box, n_outbox > 0);
  gtk_widget_set_visible (self->cancelled_box, n_cancelled > 0);
  gtk_widget_set_visible (self->claims_box, n_claims > 0);
  if (n_outbox + n_cancelled + n_claims == 0)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  if (n_outbox > 0)
    outbox = g_strdup_printf (g_dngettext (NULL, "%u remote operation needs attention",
                                           "%u remote operations need attention", n_outbox),
                              n_outbox);
  if (n_cancelled > 0)
    cancelled = g_strdup_printf (
        g_dngettext (NULL, "%u label to void", "%u labels to void", n_cancelled), n_cancelled);
  if (n_claims > 0)
    claims = g_strdup_printf (g_dngettext (NULL, "%u order held by a bench gone quiet",
                                           "%u orders held by benches gone quiet", n_claims),
                              n_claims);
  {
    const char *parts[] = { outbox, cancelled, claims };

    for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
      {
        char *joined;

        if (parts[i] == NULL)
          continue;
        if (text == NULL)
          {
            text = g_strdup (parts[i]);
            continue;
          }
        /* Translators: the counts of the Problems page, e.g. "1 remote
         * operation needs attention · 2 labels to void" */
        joined = g_strdup_printf (_ ("%s · %s"), text, parts[i]);
        g_free (text);
        text = joined;
      }
  }
  gtk_label_set_text (self->count_label, text);
  gtk_stack_set_visible_child_name (self->stack, "list");
}

static void
on_loaded_cb (GObject *source_object, GAsyncResult *result, gpointer user_data)
{
  PbProblemsPage *self = PB_PROBLEMS_PAGE (source_object);
  g_autoptr (GError) error = NULL;
  Problems *problems = NULL;
  g_autoptr (GPtrArray) outbox = NULL;
  g_autoptr (GPtrArray) cancelled = NULL;
  g_autoptr (GPtrArray) claims = NULL;

  if (!pb_page_run_finish (PB_PAGE (self), result, (gpointer *)&problems, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *text
              = g_strdup_printf (_ ("The problems could not be loaded: %s"), error->message);
          show_error (self, text);
          gtk_stack_set_visible_child_name (self->stack, "list");
        }
      return;
    }

  outbox = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < problems->outbox->len; i++)
    g_ptr_array_add (outbox, outbox_item_to_row (g_ptr_array_index (problems->outbox, i)));
  cancelled = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < problems->cancelled->len; i++)
    g_ptr_array_add (cancelled, cancelled_to_row (g_ptr_array_index (problems->cancelled, i)));
  claims = g_ptr_array_new_with_free_func (g_object_unref);
  if (problems->site.in_site && problems->site.silent != NULL)
    {
      g_autoptr (GList) orders
          = g_list_sort (g_hash_table_get_keys (problems->site.silent), (GCompareFunc)g_strcmp0);

      for (guint i = 0; i < problems->site.outbox->len; i++)
        g_ptr_array_add (outbox,
                         site_outbox_item_to_row (g_ptr_array_index (problems->site.outbox, i)));
      for (guint i = 0; i < problems->site.cancelled->len; i++)
        g_ptr_array_add (cancelled,
                         site_cancelled_to_row (g_ptr_array_index (problems->site.cancelled, i)));
      for (GList *l = orders; l != NULL; l = l->next)
        g_ptr_array_add (
            claims, claim_to_row (l->data, g_hash_table_lookup (problems->site.silent, l->data)));
    }

  fill_store (self->outbox_store, outbox);
  fill_store (self->cancelled_store, cancelled);
  fill_store (self->claims_store, claims);
  if (problems->site_error != NULL)
    {
      g_autofree char *text
          = g_strdup_printf (_ ("The other benches’ problems could not be read from the site: %s"),
                             problems->site_error);
      show_error (self, text);
      self->site_error_shown = TRUE;
    }
  else if (self->site_error_shown)
    {
      /* The site answers again; an action's error is left alone. */
      hide_error (self);
      self->site_error_shown = FALSE;
    }
  update_count (self);
}

static void
pb_problems_page_reload_page (PbPage *page)
{
  PbProblemsPage *self = PB_PROBLEMS_PAGE (page);

  if (!pb_session_can (get_session (self), PB_ACTION_RESOLVE_OUTBOX))
    {
      gtk_stack_set_visible_child_name (self->stack, "denied");
      return;
    }

  pb_page_run_load (page, load_work, g_new0 (Problems, 1), (GDestroyNotify)problems_free,
                    on_loaded_cb);
}

void
pb_problems_page_reload (PbProblemsPage *self)
{
  g_return_if_fail (PB_IS_PROBLEMS_PAGE (self));

  pb_page_reload (PB_PAGE (self));
}

/* Actions */

typedef enum
{
  JOB_RETRY,
  JOB_DISCARD,
  JOB_VOID,
  JOB_RELEASE,
  JOB_TAKE_OVER,
} JobKind;

typedef struct
{
  JobKind kind;
  gint64 id;
  char *order_id;
  char *operator_name;
} Job;

static void
job_free (Job *job)
{
  g_free (job->order_id);
  g_free (job->operator_name);
  g_free (job);
}

/* The store and Royal Mail: never on the main thread. */
static gboolean
job_work (PbStore *worker, gpointer data, GCancellable *cancellable, GError **error)
{
  Job *job = data;

  if (job->kind == JOB_VOID)
    return pb_ship_void (worker, job->order_id, job->operator_name, cancellable, error);
  if (job->kind == JOB_RELEASE)
    return pb_site_admin_release_claim (worker, job->order_id, job->operator_name, error);
  if (job->kind == JOB_TAKE_OVER)
    return pb_site_admin_take_over_claim (worker, job->order_id, job->operator_name, error);
  return pb_outbox_resolve (worker, job->id, job->kind == JOB_RETRY, job->operator_name,
                            pb_clock_now_unix (), error);
}

static void
on_job_done_cb (GObject *source_object, GAsyncResult *result, gpointer user_data)
{
  PbProblemsPage *self = PB_PROBLEMS_PAGE (source_object);
  PbStation *station = pb_page_get_station (PB_PAGE (self));
  Job *job = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  if (!pb_page_run_finish (PB_PAGE (self), result, (gpointer *)&job, &error)
      && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return; /* the page is going away */

  set_busy (self, FALSE);
  if (error != NULL)
    {
      switch (job->kind)
        {
          case JOB_RETRY:
            text = g_strdup_printf (_ ("Outbox item %" PRId64 " was not retried: %s"), job->id,
                                    error->message);
            break;
          case JOB_DISCARD:
            text = g_strdup_printf (_ ("Outbox item %" PRId64 " was not discarded: %s"), job->id,
                                    error->message);
            break;
          case JOB_RELEASE:
            text = g_strdup_printf (_ ("Order %s was not released: %s"), job->order_id,
                                    error->message);
            break;
          case JOB_TAKE_OVER:
            text = g_strdup_printf (_ ("Order %s was not taken over: %s"), job->order_id,
                                    error->message);
            break;
          case JOB_VOID:
          default:
            text = g_strdup_printf (_ ("The label of order %s was not voided: %s"), job->order_id,
                                    error->message);
            break;
        }
      show_error (self, text);
      pb_problems_page_reload (self);
      return;
    }

  hide_error (self);
  switch (job->kind)
    {
      case JOB_RETRY:
        /* The outbox runs soon rather than at its next minute. */
        if (station != NULL)
          pb_station_run_outbox_now (station);
        text = g_strdup_printf (_ ("Outbox item %" PRId64 " will be sent again now."), job->id);
        break;
      case JOB_DISCARD:
        text = g_strdup_printf (_ ("Outbox item %" PRId64 " discarded."), job->id);
        break;
      case JOB_RELEASE:
        text = g_strdup_printf (_ ("Order %s is back in the queue."), job->order_id);
        break;
      case JOB_TAKE_OVER:
        text = g_strdup_printf (_ ("Order %s is this bench’s now: open it at the bench to pack "
                                   "it."),
                                job->order_id);
        break;
      case JOB_VOID:
      default:
        text = g_strdup_printf (_ ("The label of order %s is void."), job->order_id);
        break;
    }
  show_toast (self, text);
  pb_problems_page_reload (self);
}

static void
start_job (PbProblemsPage *self, JobKind kind, gint64 id, const char *order_id)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *subject = order_id ? g_strdup (order_id) : g_strdup_printf ("%" PRId64, id);
  Job *job;

  if (pb_page_get_busy (PB_PAGE (self)))
    return;
  if (!pb_session_require (get_session (self),
                           kind == JOB_VOID ? PB_ACTION_VOID_LABEL
                           : kind == JOB_RELEASE || kind == JOB_TAKE_OVER
                               ? PB_ACTION_RELEASE_CLAIM
                               : PB_ACTION_RESOLVE_OUTBOX,
                           subject, &error))
    {
      show_error (self, error->message);
      return;
    }

  job = g_new0 (Job, 1);
  job->kind = kind;
  job->id = id;
  job->order_id = g_strdup (order_id);
  job->operator_name = g_strdup (pb_session_get_username (get_session (self)));

  set_busy (self, TRUE);
  pb_page_run_action (PB_PAGE (self), job_work, job, (GDestroyNotify)job_free, on_job_done_cb);
}

static void
retry_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  start_job (PB_PROBLEMS_PAGE (widget), JOB_RETRY, g_variant_get_int64 (parameter), NULL);
}

static void
on_discard_response_cb (AdwMessageDialog *dialog, const char *response, PbProblemsPage *self)
{
  if (g_str_equal (response, "discard"))
    start_job (self, JOB_DISCARD,
               GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "pb-outbox-id")), NULL);
}

static void
on_void_response_cb (AdwMessageDialog *dialog, const char *response, PbProblemsPage *self)
{
  if (g_str_equal (response, "void"))
    start_job (self, JOB_VOID, 0, g_object_get_data (G_OBJECT (dialog), "pb-order-id"));
}

static AdwMessageDialog *
make_dialog (PbProblemsPage *self, const char *heading, const char *body, const char *response,
             const char *response_label)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (
      adw_message_dialog_new (pb_page_get_window (PB_PAGE (self)), heading, body));

  adw_message_dialog_add_responses (dialog, "cancel", _ ("_Cancel"), response, response_label,
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, response, ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  return dialog;
}

static void
discard_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  PbProblemsPage *self = PB_PROBLEMS_PAGE (widget);
  gint64 id = g_variant_get_int64 (parameter);
  g_autofree char *heading = g_strdup_printf (_ ("Discard Outbox Item %" PRId64 "?"), id);
  AdwMessageDialog *dialog
      = make_dialog (self, heading,
                     _ ("Packbench stops trying. If this told Amazon an order has shipped, "
                        "confirm the shipment in Seller Central instead."),
                     "discard", _ ("_Discard"));

  g_object_set_data (G_OBJECT (dialog), "pb-outbox-id", GSIZE_TO_POINTER ((gsize)id));
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_discard_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
void_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  PbProblemsPage *self = PB_PROBLEMS_PAGE (widget);
  const char *order_id = g_variant_get_string (parameter, NULL);
  g_autofree char *heading = g_strdup_printf (_ ("Void the Label of Order %s?"), order_id);
  AdwMessageDialog *dialog = make_dialog (
      self, heading,
      _ ("Royal Mail deletes the label and the postage is not charged. Make sure the parcel is "
         "not sent: its label will no longer be valid."),
      "void", _ ("_Void Label"));

  g_object_set_data_full (G_OBJECT (dialog), "pb-order-id", g_strdup (order_id), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_void_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_release_response_cb (AdwMessageDialog *dialog, const char *response, PbProblemsPage *self)
{
  if (g_str_equal (response, "release"))
    start_job (self, JOB_RELEASE, 0, g_object_get_data (G_OBJECT (dialog), "pb-order-id"));
}

static void
release_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  PbProblemsPage *self = PB_PROBLEMS_PAGE (widget);
  const char *order_id = g_variant_get_string (parameter, NULL);
  g_autofree char *heading = g_strdup_printf (_ ("Release Order %s?"), order_id);
  AdwMessageDialog *dialog = make_dialog (
      self, heading,
      _ ("The order goes back in the queue for any bench. If its parcel is packed at the quiet "
         "bench, take it off that bench first."),
      "release", _ ("_Release"));

  g_object_set_data_full (G_OBJECT (dialog), "pb-order-id", g_strdup (order_id), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_release_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_take_over_response_cb (AdwMessageDialog *dialog, const char *response, PbProblemsPage *self)
{
  if (g_str_equal (response, "take-over"))
    start_job (self, JOB_TAKE_OVER, 0, g_object_get_data (G_OBJECT (dialog), "pb-order-id"));
}

static void
take_over_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  PbProblemsPage *self = PB_PROBLEMS_PAGE (widget);
  const char *order_id = g_variant_get_string (parameter, NULL);
  g_autofree char *heading = g_strdup_printf (_ ("Take Over Order %s?"), order_id);
  AdwMessageDialog *dialog = make_dialog (
      self, heading,
      _ ("The order becomes this bench’s, in your name, and waits here to be packed. If its "
         "parcel is packed at the quiet bench, bring it here first."),
      "take-over", _ ("_Take Over"));

  g_object_set_data_full (G_OBJECT (dialog), "pb-order-id", g_strdup (order_id), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_take_over_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
reload_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  pb_problems_page_reload (PB_PROBLEMS_PAGE (widget));
}

/* The widget */

static void
pb_problems_page_dispose (GObject *object)
{
  PbProblemsPage *self = PB_PROBLEMS_PAGE (object);

  g_clear_object (&self->outbox_store);
  g_clear_object (&self->cancelled_store);
  g_clear_object (&self->claims_store);

  G_OBJECT_CLASS (pb_problems_page_parent_class)->dispose (object);
}

/* What the outbox did shows at once. */
static void
on_outbox_finished_cb (PbProblemsPage *self, guint done, guint failed, guint attention)
{
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    pb_problems_page_reload (self);
}

static void
pb_problems_page_constructed (GObject *object)
{
  PbProblemsPage *self = PB_PROBLEMS_PAGE (object);
  PbStation *station = pb_page_get_station (PB_PAGE (self));

  G_OBJECT_CLASS (pb_problems_page_parent_class)->constructed (object);

  if (station != NULL)
    g_signal_connect_object (station, "outbox-finished", G_CALLBACK (on_outbox_finished_cb), self,
                             G_CONNECT_SWAPPED);
  set_busy (self, FALSE);
}

static void
pb_problems_page_class_init (PbProblemsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  PbPageClass *page_class = PB_PAGE_CLASS (klass);

  object_class->constructed = pb_problems_page_constructed;
  object_class->dispose = pb_problems_page_dispose;
  page_class->reload = pb_problems_page_reload_page;

  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/packbench/Packbench/pb-problems-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PbProblemsPage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, PbProblemsPage, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, PbProblemsPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, PbProblemsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, PbProblemsPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, PbProblemsPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, PbProblemsPage, outbox_box);
  gtk_widget_class_bind_template_child (widget_class, PbProblemsPage, cancelled_box);
  gtk_widget_class_bind_template_child (widget_class, PbProblemsPage, outbox_list);
  gtk_widget_class_bind_template_child (widget_class, PbProblemsPage, cancelled_list);
  gtk_widget_class_bind_template_child (widget_class, PbProblemsPage, claims_box);
  gtk_widget_class_bind_template_child (widget_class, PbProblemsPage, claims_list);

  gtk_widget_class_install_action (widget_class, "problems.retry", "x", retry_action);
  gtk_widget_class_install_action (widget_class, "problems.discard", "x", discard_action);
  gtk_widget_class_install_action (widget_class, "problems.void", "s", void_action);
  gtk_widget_class_install_action (widget_class, "problems.release", "s", release_action);
  gtk_widget_class_install_action (widget_class, "problems.take-over", "s", take_over_action);
  gtk_widget_class_install_action (widget_class, "problems.reload", NULL, reload_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "problems.reload", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "problems.reload",
                                       NULL);
}

static void
pb_problems_page_init (PbProblemsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->outbox_store = g_list_store_new (PB_TYPE_ROW_ITEM);
  self->cancelled_store = g_list_store_new (PB_TYPE_ROW_ITEM);
  self->claims_store = g_list_store_new (PB_TYPE_ROW_ITEM);
  gtk_list_box_bind_model (self->outbox_list, G_LIST_MODEL (self->outbox_store),
                           create_outbox_row_cb, self, NULL);
  gtk_list_box_bind_model (self->cancelled_list, G_LIST_MODEL (self->cancelled_store),
                           create_cancelled_row_cb, self, NULL);
  gtk_list_box_bind_model (self->claims_list, G_LIST_MODEL (self->claims_store),
                           create_claim_row_cb, self, NULL);
}

GtkWidget *
pb_problems_page_new (PbSession *session, PbStation *station)
{
  g_return_val_if_fail (PB_IS_SESSION (session), NULL);
  g_return_val_if_fail (station == NULL || PB_IS_STATION (station), NULL);

  return g_object_new (PB_TYPE_PROBLEMS_PAGE, "session", session, "station", station, NULL);
}

gboolean
pb_problems_page_get_busy (PbProblemsPage *self)
{
  g_return_val_if_fail (PB_IS_PROBLEMS_PAGE (self), FALSE);
  return pb_page_get_busy (PB_PAGE (self));
}
