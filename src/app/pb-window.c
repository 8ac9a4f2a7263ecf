/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "pb-activity-page.h"
#include "pb-audit-page.h"
#include "pb-bench-page.h"
#include "pb-benches-page.h"
#include "pb-end-of-day-page.h"
#include "pb-login-page.h"
#include "pb-operators-page.h"
#include "pb-page.h"
#include "pb-preferences-window.h"
#include "pb-problems-page.h"
#include "pb-setup-assistant.h"
#include "pb-sounds.h"
#include "pb-window.h"
#include "station/pb-site-bench.h"
#include "store/pb-operator.h"
#include "store/pb-settings.h"

/* The supervisor's pages, each shown only to a role the permission table
 * allows; made at the first login that may see them. */
typedef struct
{
  const char *name;
  const char *title;
  const char *icon_name;
  PbAction action;
  GtkWidget *(*create) (PbSession *session, PbStation *station);
  gboolean site_only; /* only at a bench in a site */
} PageInfo;

static const PageInfo pages[] = {
  { "activity", N_ ("Activity"), "org.gnome.Settings-activity-symbolic", PB_ACTION_VIEW_ACTIVITY,
    pb_activity_page_new },
  { "problems", N_ ("Problems"), "dialog-warning-symbolic", PB_ACTION_RESOLVE_OUTBOX,
    pb_problems_page_new },
  { "end-of-day", N_ ("End of Day"), "mail-send-symbolic", PB_ACTION_MANIFEST,
    pb_end_of_day_page_new },
  { "operators", N_ ("Operators"), "system-users-symbolic", PB_ACTION_MANAGE_PACKERS,
    pb_operators_page_new },
  { "audit", N_ ("Audit Log"), "document-open-recent-symbolic", PB_ACTION_VIEW_AUDIT,
    pb_audit_page_new },
  { "benches", N_ ("Benches"), "computer-symbolic", PB_ACTION_MANAGE_SITE, pb_benches_page_new,
    TRUE },
};

#define N_PAGES G_N_ELEMENTS (pages)

struct _PbWindow
{
  AdwApplicationWindow parent_instance;

  char *store_dir;
  PbSession *session;
  PbStation *station;
  GtkWidget *login_page;
  GtkWidget *setup_assistant;
  PbSounds *sounds;
  guint sync_orders; /* orders read so far by the sync running now */
  GtkWidget *page_widgets[N_PAGES];

  /* Idle auto-lock */
  guint idle_source;
  gint64 last_activity; /* monotonic, µs */
  guint idle_seconds;   /* for this login */
  guint idle_seconds_override;

  AdwToastOverlay *toast_overlay;
  AdwHeaderBar *header_bar;
  AdwViewSwitcherTitle *switcher_title;
  AdwViewStack *view_stack;
  GtkButton *lock_button;
  GtkStack *main_stack;
  AdwStatusPage *bench_status;
  GtkBox *bench_box;
  GtkWidget *bench_page;  /* PbBenchPage, made at the first login */
  GtkWidget *preferences; /* (weak) the open PbPreferencesWindow, or NULL */
};

G_DEFINE_FINAL_TYPE (PbWindow, pb_window, ADW_TYPE_APPLICATION_WINDOW)

enum
{
  PROP_0,
  PROP_STORE_DIR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
is_logged_in (PbWindow *self)
{
  return self->session != NULL && pb_session_get_stage (self->session) == PB_SESSION_STAGE_READY;
}

static void
update_header (PbWindow *self)
{
  g_autofree char *subtitle = NULL;

  if (is_logged_in (self))
    {
      g_autofree char *title
          = g_strdup_printf (_ ("%s (%s)"), pb_session_get_username (self->session),
                             pb_role_display_name (pb_session_get_role (self->session)));

      adw_view_switcher_title_set_title (self->switcher_title, title);
    }
  else
    {
      adw_view_switcher_title_set_title (self->switcher_title, _ ("Packbench"));
    }

  if (self->station == NULL)
    subtitle = g_strdup (_ ("Shipping station"));
  else if (pb_station_get_busy (self->station) && self->sync_orders > 0)
    /* A long first sync shows it is getting on. */
    subtitle = g_strdup_printf (
        ngettext ("Syncing… %u order", "Syncing… %u orders", self->sync_orders), self->sync_orders);
  else if (pb_station_get_last_error (self->station) != NULL)
    subtitle = g_strdup_printf (_ ("Sync failed: %s"), pb_station_get_last_error (self->station));
  else if (pb_station_get_last_sync (self->station) > 0)
    {
      g_autoptr (GDateTime) when
          = g_date_time_new_from_unix_local (pb_station_get_last_sync (self->station));
      g_autofree char *time_text = g_date_time_format (when, "%H:%M");

      subtitle = g_strdup_printf (_ ("Synced %s"), time_text);
    }
  else if (pb_station_get_busy (self->station))
    subtitle = g_strdup (_ ("Syncing…"));
  else
    subtitle = g_strdup (_ ("Not synced yet"));

  adw_view_switcher_title_set_subtitle (self->switcher_title, subtitle);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->switcher_title), subtitle);
}

static void
show_toast (PbWindow *self, const char *message)
{
  AdwToast *toast = adw_toast_new (message);

  adw_toast_set_timeout (toast, 0); /* stays until dismissed: it needs acting on */
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
stop_idle_timer (PbWindow *self)
{
  g_clear_handle_id (&self->idle_source, g_source_remove);
}

static void lock_bench (PbWindow *self);

/* Shows the pages, and enables the actions, the operator's role allows. */
static void
update_actions (PbWindow *self)
{
  gboolean ready = is_logged_in (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.lock", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.sync",
                                 ready && pb_session_can (self->session, PB_ACTION_SYNC));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.preferences",
                                 ready && pb_session_can (self->session, PB_ACTION_VIEW_SETTINGS));
  gtk_widget_set_visible (GTK_WIDGET (self->lock_button), ready);

  for (guint i = 0; i < N_PAGES; i++)
    {
      gboolean allowed = ready && pb_session_can (self->session, pages[i].action)
                         && (!pages[i].site_only
                             || pb_site_bench_in_site (pb_session_get_store (self->session)));

      if (allowed && self->page_widgets[i] == NULL)
        {
          AdwViewStackPage *page;

          self->page_widgets[i] = pages[i].create (self->session, self->station);
          page = adw_view_stack_add_titled (self->view_stack, self->page_widgets[i], pages[i].name,
                                            _ (pages[i].title));
          adw_view_stack_page_set_icon_name (page, pages[i].icon_name);
        }
      if (self->page_widgets[i] != NULL)
        {
          AdwViewStackPage *page
              = adw_view_stack_get_page (self->view_stack, self->page_widgets[i]);

          /* A packer never has these pages in the window, even hidden. */
          adw_view_stack_page_set_visible (page, allowed);
          gtk_widget_set_sensitive (self->page_widgets[i], allowed);
        }
    }

  /* libadwaita 1.2's switcher title counts the visible pages only when
   * pages are added or removed, not when one is hidden: a packer after an
   * admin would see a lone "Bench" tab instead of the title. Set the stack
   * again so that it counts. */
  adw_view_switcher_title_set_stack (self->switcher_title, NULL);
  adw_view_switcher_title_set_stack (self->switcher_title, self->view_stack);

  if (!ready)
    adw_view_stack_set_visible_child_name (self->view_stack, "bench");
}

static void
on_visible_page_changed_cb (PbWindow *self, GParamSpec *pspec, AdwViewStack *stack)
{
  GtkWidget *child = adw_view_stack_get_visible_child (stack);

  for (guint i = 0; i < N_PAGES; i++)
    if (child != NULL && child == self->page_widgets[i] && is_logged_in (self))
      pb_page_reload (PB_PAGE (child));
}

static void
on_sync_activated_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  PbWindow *self = PB_WINDOW (widget);

  if (self->station != NULL && is_logged_in (self))
    pb_station_sync_now (self->station);
}

static void
on_show_page_activated_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  pb_window_show_page (PB_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static void watch_activity (PbWindow *self, GtkWidget *widget);

static void
on_preferences_activated_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  PbWindow *self = PB_WINDOW (widget);
  PbPreferencesWindow *preferences;

  if (!is_logged_in (self) || !pb_session_can (self->session, PB_ACTION_VIEW_SETTINGS))
    return;

  preferences = pb_preferences_window_new (GTK_WINDOW (self), self->session, self->station);
  /* Working in Preferences is not idling; and a lock closes it. */
  watch_activity (self, GTK_WIDGET (preferences));
  g_set_weak_pointer (&self->preferences, GTK_WIDGET (preferences));
  gtk_window_present (GTK_WINDOW (preferences));
}

static gboolean
on_idle_timeout_cb (gpointer user_data)
{
  PbWindow *self = PB_WINDOW (user_data);
  gint64 idle_us = (gint64)self->idle_seconds * G_USEC_PER_SEC;
  gint64 elapsed = g_get_monotonic_time () - self->last_activity;

  self->idle_source = 0;
  if (elapsed >= idle_us)
    {
      lock_bench (self);
      return G_SOURCE_REMOVE;
    }

  /* There was input meanwhile: wait for the rest of the period. */
  self->idle_source
      = g_timeout_add ((guint)((idle_us - elapsed) / 1000) + 1, on_idle_timeout_cb, self);
  return G_SOURCE_REMOVE;
}

static void
start_idle_timer (PbWindow *self)
{
  stop_idle_timer (self);

  if (self->idle_seconds_override > 0)
    self->idle_seconds = self->idle_seconds_override;
  else
    self->idle_seconds = (guint)pb_settings_get_int (pb_session_get_store (self->session),
                                                     "session.idle_lock_minutes")
                         * 60;
  if (self->idle_seconds == 0)
    return;

  self->last_activity = g_get_monotonic_time ();
  self->idle_source = g_timeout_add_seconds (self->idle_seconds, on_idle_timeout_cb, self);
}

static void
note_activity (PbWindow *self)
{
  self->last_activity = g_get_monotonic_time ();
}

static gboolean
on_key_pressed_cb (PbWindow *self, guint keyval, guint keycode, GdkModifierType state)
{
  note_activity (self);
  return GDK_EVENT_PROPAGATE;
}

static void
on_motion_cb (PbWindow *self, double x, double y)
{
  note_activity (self);
}

static void
on_click_pressed_cb (PbWindow *self, int n_press, double x, double y)
{
  note_activity (self);
}

/* Any input in @widget (this window, or Preferences) postpones the idle
 * lock. */
static void
watch_activity (PbWindow *self, GtkWidget *widget)
{
  GtkEventController *controller;

  controller = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect_object (controller, "key-pressed", G_CALLBACK (on_key_pressed_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (widget, controller);

  controller = gtk_event_controller_motion_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect_object (controller, "motion", G_CALLBACK (on_motion_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (widget, controller);

  controller = GTK_EVENT_CONTROLLER (gtk_gesture_click_new ());
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (controller), 0);
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect_object (controller, "pressed", G_CALLBACK (on_click_pressed_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (widget, controller);
}

static void
lock_bench (PbWindow *self)
{
  if (!is_logged_in (self))
    return;

  stop_idle_timer (self);
  pb_session_lock (self->session);

  /* The next operator must not find the last one's work: no open order
   * (and its recipient) on the bench, no Preferences window. */
  if (self->preferences != NULL)
    gtk_window_destroy (GTK_WINDOW (self->preferences));
  g_clear_weak_pointer (&self->preferences);
  if (self->bench_page != NULL)
    pb_bench_page_reset (PB_BENCH_PAGE (self->bench_page));

  /* The store stays open: the next login resumes this session. */
  pb_login_page_set_session (PB_LOGIN_PAGE (self->login_page), self->session);
  pb_login_page_reset (PB_LOGIN_PAGE (self->login_page));
  gtk_stack_set_visible_child (self->main_stack, self->login_page);

  update_actions (self);
  update_header (self);
}

static void
on_lock_activated_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  lock_bench (PB_WINDOW (widget));
}

static void
on_station_sync_finished_cb (PbWindow *self, gboolean ok, const char *message, guint n_new,
                             guint n_updated, guint n_cancelled, PbStation *station)
{
  update_header (self);
  /* New and cancelled orders show in the queue at once. */
  if (ok && self->bench_page != NULL && n_new + n_updated + n_cancelled > 0)
    pb_bench_page_reload (PB_BENCH_PAGE (self->bench_page));
  if (ok)
    on_visible_page_changed_cb (self, NULL, self->view_stack);
}

static void
on_station_sync_progress_cb (PbWindow *self, guint n_pages, guint orders, PbStation *station)
{
  self->sync_orders = orders;
  update_header (self);
}

static void
on_station_notify_cb (PbWindow *self, GParamSpec *pspec, PbStation *station)
{
  if (!pb_station_get_busy (station))
    self->sync_orders = 0;
  update_header (self);
}

static void
start_station (PbWindow *self)
{
  g_autoptr (GError) error = NULL;

  self->station = pb_station_new (pb_session_get_store (self->session), &error);
  if (self->station == NULL)
    {
      g_autofree char *message
          = g_strdup_printf (_ ("Background sync could not start: %s"), error->message);

      show_toast (self, message);
      return;
    }

  g_signal_connect_object (self->station, "sync-finished", G_CALLBACK (on_station_sync_finished_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->station, "notify::busy", G_CALLBACK (on_station_notify_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->station, "sync-progress", G_CALLBACK (on_station_sync_progress_cb),
                           self, G_CONNECT_SWAPPED);
  pb_station_start (self->station);
}

static void
update_bench_page (PbWindow *self)
{
  g_autoptr (PbOperator) operator= NULL;
  g_autofree char *title = NULL;
  const char *name = pb_session_get_username (self->session);

  operator= pb_operator_find (pb_session_get_store (self->session), name, NULL);
  if (operator!= NULL && pb_operator_get_full_name (operator) != NULL
      && *pb_operator_get_full_name (operator) != '\0')
    name = pb_operator_get_full_name (operator);

  title = g_strdup_printf (_ ("Logged in as %s (%s)"), name,
                           pb_role_display_name (pb_session_get_role (self->session)));
  adw_status_page_set_title (self->bench_status, title);
}

static void
on_bench_feedback_cb (PbWindow *self, const char *kind, PbBenchPage *page)
{
  pb_sounds_play (self->sounds, kind);
}

static void
on_logged_in_cb (PbWindow *self, PbSession *session, PbLoginPage *page)
{
  if (self->session != session)
    {
      g_clear_object (&self->session);
      self->session = g_object_ref (session);
    }

  update_bench_page (self);
  if (self->bench_page == NULL)
    {
      /* The session stays the same across locks and operators: one page. */
      self->bench_page = pb_bench_page_new (self->session);
      g_signal_connect_object (self->bench_page, "feedback", G_CALLBACK (on_bench_feedback_cb),
                               self, G_CONNECT_SWAPPED);
      gtk_widget_set_vexpand (self->bench_page, TRUE);
      gtk_box_append (self->bench_box, self->bench_page);
      gtk_widget_set_visible (GTK_WIDGET (self->bench_status), FALSE);
    }
  gtk_stack_set_visible_child_name (self->main_stack, "workspace");

  if (self->station == NULL)
    start_station (self);
  pb_bench_page_set_station (PB_BENCH_PAGE (self->bench_page), self->station);
  update_actions (self);

  start_idle_timer (self);
  update_header (self);
}

static void
on_login_warning_cb (PbWindow *self, const char *message, PbLoginPage *page)
{
  show_toast (self, message);
}

/* The login page gives up the focus as it goes; once it has gone, the
 * scanner must type into the scan entry, not wherever GTK put the focus. */
static void
on_transition_running_cb (PbWindow *self, GParamSpec *pspec, GtkStack *stack)
{
  if (gtk_stack_get_transition_running (stack) || !is_logged_in (self) || self->bench_page == NULL
      || adw_view_stack_get_visible_child (self->view_stack)
             != gtk_widget_get_parent (self->bench_page))
    return;
  pb_bench_page_focus_scan (PB_BENCH_PAGE (self->bench_page));
}

static void
on_setup_finished_cb (PbWindow *self, PbSession *session, PbSetupAssistant *assistant)
{
  pb_login_page_set_session (PB_LOGIN_PAGE (self->login_page), session);
  on_logged_in_cb (self, session, PB_LOGIN_PAGE (self->login_page));
}

static void
pb_window_constructed (GObject *object)
{
  PbWindow *self = PB_WINDOW (object);

  G_OBJECT_CLASS (pb_window_parent_class)->constructed (object);

  self->login_page = pb_login_page_new (self->store_dir);
  g_signal_connect_object (self->login_page, "logged-in", G_CALLBACK (on_logged_in_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->login_page, "warning", G_CALLBACK (on_login_warning_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_stack_add_named (self->main_stack, self->login_page, "login");
  gtk_stack_set_visible_child (self->main_stack, self->login_page);

  /* No store yet: the first run sets one up. */
  if (!pb_store_exists (self->store_dir))
    {
      self->setup_assistant = pb_setup_assistant_new (self->store_dir);
      g_signal_connect_object (self->setup_assistant, "finished", G_CALLBACK (on_setup_finished_cb),
                               self, G_CONNECT_SWAPPED);
      gtk_stack_add_named (self->main_stack, self->setup_assistant, "setup");
      gtk_stack_set_visible_child (self->main_stack, self->setup_assistant);
    }

  g_signal_connect_object (self->main_stack, "notify::transition-running",
                           G_CALLBACK (on_transition_running_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->view_stack, "notify::visible-child",
                           G_CALLBACK (on_visible_page_changed_cb), self, G_CONNECT_SWAPPED);
}

static void
pb_window_dispose (GObject *object)
{
  PbWindow *self = PB_WINDOW (object);

  stop_idle_timer (self);
  if (self->preferences != NULL)
    gtk_window_destroy (GTK_WINDOW (self->preferences));
  g_clear_weak_pointer (&self->preferences);
  if (self->station != NULL)
    pb_station_stop (self->station);
  g_clear_object (&self->station);
  g_clear_object (&self->sounds);

  gtk_widget_dispose_template (GTK_WIDGET (self), PB_TYPE_WINDOW);
  self->login_page = NULL;

  /* The last reference: the store closes and its key is wiped. */
  g_clear_object (&self->session);

  G_OBJECT_CLASS (pb_window_parent_class)->dispose (object);
}

static void
pb_window_finalize (GObject *object)
{
  PbWindow *self = PB_WINDOW (object);

  g_clear_pointer (&self->store_dir, g_free);

  G_OBJECT_CLASS (pb_window_parent_class)->finalize (object);
}

static void
pb_window_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PbWindow *self = PB_WINDOW (object);

  switch (prop_id)
    {
      case PROP_STORE_DIR:
        g_value_set_string (value, self->store_dir);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_window_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  PbWindow *self = PB_WINDOW (object);

  switch (prop_id)
    {
      case PROP_STORE_DIR:
        self->store_dir = g_value_dup_string (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_window_class_init (PbWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = pb_window_constructed;
  object_class->dispose = pb_window_dispose;
  object_class->finalize = pb_window_finalize;
  object_class->get_property = pb_window_get_property;
  object_class->set_property = pb_window_set_property;

  /**
   * PbWindow:store-dir:
   *
   * The store's folder; %NULL for the default folder.
   */
  properties[PROP_STORE_DIR]
      = g_param_spec_string ("store-dir", NULL, NULL, NULL,
                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (PB_TYPE_LOGIN_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/pb-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PbWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, PbWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, PbWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, PbWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, PbWindow, lock_button);
  gtk_widget_class_bind_template_child (widget_class, PbWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, PbWindow, bench_status);
  gtk_widget_class_bind_template_child (widget_class, PbWindow, bench_box);

  gtk_widget_class_install_action (widget_class, "win.lock", NULL, on_lock_activated_cb);
  gtk_widget_class_install_action (widget_class, "win.sync", NULL, on_sync_activated_cb);
  gtk_widget_class_install_action (widget_class, "win.preferences", NULL,
                                   on_preferences_activated_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_comma, GDK_CONTROL_MASK,
                                       "win.preferences", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "win.sync", NULL);

  /* Alt+1 the bench, Alt+2… the supervisor's pages in the order shown. */
  gtk_widget_class_install_action (widget_class, "win.show-page", "s", on_show_page_activated_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, GDK_ALT_MASK, "win.show-page", "s",
                                       "bench");
  for (guint i = 0; i < N_PAGES; i++)
    gtk_widget_class_add_binding_action (widget_class, GDK_KEY_2 + i, GDK_ALT_MASK, "win.show-page",
                                         "s", pages[i].name);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK, "win.lock", NULL);
}

static void
pb_window_init (PbWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->sounds = pb_sounds_new ();

  if (DEVELOPMENT_BUILD)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.lock", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.sync", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.preferences", FALSE);

  watch_activity (self, GTK_WIDGET (self));
}

/**
 * pb_window_new:
 * @application: the application
 *
 * Returns: (transfer full): a new main window on the application's store.
 */
PbWindow *
pb_window_new (PbApplication *application)
{
  return g_object_new (PB_TYPE_WINDOW, "application", application, "store-dir",
                       pb_application_get_store_dir (application), NULL);
}

/**
 * pb_window_get_session:
 * @self: the window
 *
 * Returns: (transfer none) (nullable): the open session.
 */
PbSession *
pb_window_get_session (PbWindow *self)
{
  g_return_val_if_fail (PB_IS_WINDOW (self), NULL);

  return self->session;
}

/**
 * pb_window_get_station:
 * @self: the window
 *
 * Returns: (transfer none) (nullable): the background work.
 */
PbStation *
pb_window_get_station (PbWindow *self)
{
  g_return_val_if_fail (PB_IS_WINDOW (self), NULL);

  return self->station;
}

/**
 * pb_window_get_login_page:
 * @self: the window
 *
 * Returns: (transfer none): the log-in page.
 */
GtkWidget *
pb_window_get_login_page (PbWindow *self)
{
  g_return_val_if_fail (PB_IS_WINDOW (self), NULL);

  return self->login_page;
}

void
pb_window_set_idle_lock_seconds (PbWindow *self, guint seconds)
{
  g_return_if_fail (PB_IS_WINDOW (self));

  self->idle_seconds_override = seconds;
  if (is_logged_in (self))
    start_idle_timer (self);
}

GtkWidget *
pb_window_get_setup_assistant (PbWindow *self)
{
  g_return_val_if_fail (PB_IS_WINDOW (self), NULL);

  return self->setup_assistant;
}

GtkWidget *
pb_window_get_page (PbWindow *self, const char *name)
{
  g_return_val_if_fail (PB_IS_WINDOW (self), NULL);

  if (g_strcmp0 (name, "bench") == 0)
    return self->bench_page;
  for (guint i = 0; i < N_PAGES; i++)
    if (g_strcmp0 (name, pages[i].name) == 0)
      return self->page_widgets[i];
  return NULL;
}

gboolean
pb_window_page_is_visible (PbWindow *self, const char *name)
{
  GtkWidget *child;

  g_return_val_if_fail (PB_IS_WINDOW (self), FALSE);

  child = adw_view_stack_get_child_by_name (self->view_stack, name);
  return child != NULL
         && adw_view_stack_page_get_visible (adw_view_stack_get_page (self->view_stack, child));
}

gboolean
pb_window_show_page (PbWindow *self, const char *name)
{
  g_return_val_if_fail (PB_IS_WINDOW (self), FALSE);

  if (!is_logged_in (self) || !pb_window_page_is_visible (self, name))
    return FALSE;
  adw_view_stack_set_visible_child_name (self->view_stack, name);
  return TRUE;
}

PbSounds *
pb_window_get_sounds (PbWindow *self)
{
  g_return_val_if_fail (PB_IS_WINDOW (self), NULL);

  return self->sounds;
}
