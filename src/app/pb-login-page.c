/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "pb-login-page.h"
#include "pb-password-rules.h"
#include "station/pb-backup.h"
#include "station/pb-site-bench.h"
#include "util/pb-secure.h"

struct _PbLoginPage
{
  GtkWidget parent_instance;

  char *store_dir;
  /* A locked session to resume, or the session of a login in progress. */
  PbSession *session;
  /* TRUE when this page opened @session (cancelling a login drops it). */
  gboolean session_is_new;
  GCancellable *cancellable;
  gboolean busy;
  /* Puts the focus in the stage's field once the page is on screen. */
  guint focus_source;
  /* Site mode: the site, from a login's first step to its last. */
  PbSiteBenchLogin *site_login;

  GtkStack *page_stack;
  AdwStatusPage *login_status;
  GtkStack *stage_stack;
  GtkEntry *username_entry;
  GtkPasswordEntry *password_entry;
  GtkButton *log_in_button;
  GtkEntry *code_entry;
  GtkButton *code_button;
  GtkButton *code_cancel_button;
  GtkPasswordEntry *new_password_entry;
  GtkPasswordEntry *repeat_password_entry;
  PbPasswordRules *rules_box;
  GtkButton *set_password_button;
  GtkButton *password_cancel_button;
  GtkLabel *error_label;
  GtkSpinner *spinner;
  AdwStatusPage *no_store_status;
  GtkButton *check_again_button;
};

G_DEFINE_FINAL_TYPE (PbLoginPage, pb_login_page, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_STORE_DIR,
  PROP_SESSION,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_LOGGED_IN,
  SIGNAL_WARNING,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef enum
{
  STEP_LOGIN,
  STEP_TOTP,
  STEP_NEW_PASSWORD,
} Step;

typedef struct
{
  Step step;
  char *dir;
  char *username;
  char *secret; /* password, code or new password: wiped when freed */
  PbSession *session;
  PbSiteBenchLogin *site; /* the page's, while the step runs */
  gboolean opened;        /* this login opened the store */
  char *warning;          /* the site out of reach, a purge failure */
} LoginData;

static void
login_data_free (LoginData *data)
{
  g_free (data->dir);
  g_free (data->username);
  g_clear_pointer (&data->secret, pb_secure_free_string);
  g_clear_object (&data->session);
  g_clear_pointer (&data->site, pb_site_bench_login_free);
  g_free (data->warning);
  g_free (data);
}

static void
set_busy (PbLoginPage *self, gboolean busy)
{
  if (self->busy == busy)
    return;

  self->busy = busy;
  /* Move the focus off the entries first, so that they get their focus-out
   * (and stop blinking) before they become insensitive. */
  if (busy && gtk_widget_get_root (GTK_WIDGET (self)) != NULL)
    gtk_root_set_focus (gtk_widget_get_root (GTK_WIDGET (self)), NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->stage_stack), !busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
show_error (PbLoginPage *self, const char *message)
{
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
clear_secrets (PbLoginPage *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->password_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->code_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->new_password_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->repeat_password_entry), "");
}

static void
show_stage (PbLoginPage *self, const char *stage)
{
  if (g_strcmp0 (stage, "no-store") == 0)
    {
      gtk_stack_set_visible_child_name (self->page_stack, "no-store");
      return;
    }

  gtk_stack_set_visible_child_name (self->page_stack, "login");
  gtk_stack_set_visible_child_name (self->stage_stack, stage);

  if (g_strcmp0 (stage, "credentials") == 0)
    {
      adw_status_page_set_title (self->login_status, _ ("Log In"));
      adw_status_page_set_description (self->login_status,
                                       _ ("Type your username and password, or scan your badge."));
    }
  else if (g_strcmp0 (stage, "totp") == 0)
    {
      adw_status_page_set_title (self->login_status, _ ("Second Step"));
      adw_status_page_set_description (
          self->login_status, _ ("Type the six-digit code your authenticator app shows now."));
      gtk_widget_grab_focus (GTK_WIDGET (self->code_entry));
    }
  else if (g_strcmp0 (stage, "new-password") == 0)
    {
      adw_status_page_set_title (self->login_status, _ ("Choose a New Password"));
      adw_status_page_set_description (
          self->login_status,
          _ ("Your password is temporary or has expired. Choose one only you know."));
      gtk_widget_grab_focus (GTK_WIDGET (self->new_password_entry));
    }
}

/* The field the stage types into: the username (a badge scan types it and
 * Enter), the code, or the new password; NULL on the no-store page. */
static GtkWidget *
get_stage_entry (PbLoginPage *self)
{
  const char *stage = gtk_stack_get_visible_child_name (self->stage_stack);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->page_stack), "login") != 0)
    return NULL;
  if (g_strcmp0 (stage, "totp") == 0)
    return GTK_WIDGET (self->code_entry);
  if (g_strcmp0 (stage, "new-password") == 0)
    return GTK_WIDGET (self->new_password_entry);
  return GTK_WIDGET (self->username_entry);
}

static gboolean
on_focus_idle_cb (gpointer user_data)
{
  PbLoginPage *self = PB_LOGIN_PAGE (user_data);
  GtkWidget *entry = get_stage_entry (self);

  self->focus_source = 0;
  if (entry != NULL && !self->busy)
    gtk_widget_grab_focus (entry);
  return G_SOURCE_REMOVE;
}

/* The page is shown (at start, after a lock): GtkWindow gives its first
 * focusable widget (the header's menu button) the focus when it is shown,
 * and a GtkStack moves the focus into the page it switches to. Once they
 * are done, the stage's field takes it, so a badge scan fills it. */
static void
pb_login_page_map (GtkWidget *widget)
{
  PbLoginPage *self = PB_LOGIN_PAGE (widget);

  GTK_WIDGET_CLASS (pb_login_page_parent_class)->map (widget);

  g_clear_handle_id (&self->focus_source, g_source_remove);
  self->focus_source = g_idle_add (on_focus_idle_cb, self);
}

static void
pb_login_page_unmap (GtkWidget *widget)
{
  g_clear_handle_id (&PB_LOGIN_PAGE (widget)->focus_source, g_source_remove);

  GTK_WIDGET_CLASS (pb_login_page_parent_class)->unmap (widget);
}

static void
update_no_store_description (PbLoginPage *self)
{
  g_autofree char *dir = g_markup_escape_text (self->store_dir, -1);
  g_autofree char *text = g_strdup_printf (
      _ ("There is no Packbench store in <tt>%s</tt>. Your IT administrator creates it with "
         "<tt>packbenchctl init --admin NAME</tt>, then you can log in here."),
      dir);

  adw_status_page_set_description (self->no_store_status, text);
}

/* Shows the first stage, or the no-store page when there is nothing to
 * log in to. */
static void
check_store (PbLoginPage *self)
{
  if (self->session == NULL && !pb_store_exists (self->store_dir))
    {
      update_no_store_description (self);
      show_stage (self, "no-store");
    }
  else
    {
      show_stage (self, "credentials");
    }
}

static void
update_rules (PbLoginPage *self)
{
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->new_password_entry));
  const char *repeat = gtk_editable_get_text (GTK_EDITABLE (self->repeat_password_entry));
  const char *username = self->session ? pb_session_get_username (self->session) : NULL;

  gtk_widget_set_sensitive (GTK_WIDGET (self->set_password_button),
                            pb_password_rules_update (self->rules_box, username, password, repeat));
}

static void
add_warning (LoginData *data, const char *warning)
{
  char *joined;

  if (warning == NULL)
    return;
  joined = data->warning ? g_strconcat (data->warning, "\n", warning, NULL) : g_strdup (warning);
  g_free (data->warning);
  data->warning = joined;
}

/* In site mode every step speaks to the site too (pb-site-bench.h): the
 * site's keyslots before the password is checked, its operators once the
 * store is open, the keyslots (failed attempts) back after each attempt,
 * and the operators after a login that finished. */
static void
login_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  LoginData *data = task_data;
  PbSiteBenchLogin *site;
  g_autofree char *warning = NULL;
  GError *error = NULL;
  gboolean ok = FALSE;

  if (data->site == NULL)
    data->site = pb_site_bench_login_new (data->dir);
  site = data->site;
  switch (data->step)
    {
      case STEP_LOGIN:
        pb_site_bench_login_fetch (site);
        if (data->session != NULL)
          {
            ok = pb_session_resume_full (data->session, data->username, data->secret,
                                         pb_site_bench_login_opened, site, &error);
          }
        else
          {
            data->session = pb_session_login_full (data->dir, data->username, data->secret,
                                                   pb_site_bench_login_opened, site, &error);
            data->opened = ok = data->session != NULL;
          }
        break;
      case STEP_TOTP:
        ok = pb_session_verify_totp (data->session, data->secret, &error);
        break;
      case STEP_NEW_PASSWORD:
        ok = pb_session_set_new_password (data->session, data->secret, &error);
        break;
      default:
        g_assert_not_reached ();
    }

  if (ok && pb_session_get_stage (data->session) == PB_SESSION_STAGE_READY)
    pb_site_bench_login_push (site, pb_session_get_store (data->session));
  else
    pb_site_bench_login_publish (site);
  warning = pb_site_bench_login_take_warning (site);
  add_warning (data, warning);

  if (!ok)
    {
      g_task_return_error (task, error);
      return;
    }

  /* The store's first opening in this program: purge what is due. */
  if (pb_session_get_stage (data->session) == PB_SESSION_STAGE_READY && data->opened)
    {
      g_autoptr (GError) purge_error = NULL;

      if (!pb_backup_purge_on_open (pb_session_get_store (data->session), &purge_error))
        add_warning (data, purge_error->message);
    }

  g_task_return_boolean (task, TRUE);
}

static void
finish_stage (PbLoginPage *self)
{
  switch (pb_session_get_stage (self->session))
    {
      case PB_SESSION_STAGE_NEEDS_TOTP:
        show_stage (self, "totp");
        break;
      case PB_SESSION_STAGE_NEEDS_NEW_PASSWORD:
        update_rules (self);
        show_stage (self, "new-password");
        break;
      case PB_SESSION_STAGE_READY:
        {
          g_autoptr (PbSession) session = g_object_ref (self->session);

          clear_secrets (self);
          g_signal_emit (self, signals[SIGNAL_LOGGED_IN], 0, session);
        }
        break;
      case PB_SESSION_STAGE_LOCKED:
      default:
        show_stage (self, "credentials");
        break;
    }
}

static void
on_login_finished_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PbLoginPage *self = PB_LOGIN_PAGE (source);
  LoginData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;

  /* The page went away while the worker ran: drop the result. */
  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  set_busy (self, FALSE);
  /* The next step of this login speaks to the same site connection. */
  if (data->session != NULL
      && (pb_session_get_stage (data->session) == PB_SESSION_STAGE_NEEDS_TOTP
          || pb_session_get_stage (data->session) == PB_SESSION_STAGE_NEEDS_NEW_PASSWORD))
    self->site_login = g_steal_pointer (&data->site);

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *message = data->warning != NULL
                                     ? g_strconcat (error->message, "\n", data->warning, NULL)
                                     : g_strdup (error->message);

      show_error (self, message);
      switch (data->step)
        {
          case STEP_LOGIN:
            gtk_editable_set_text (GTK_EDITABLE (self->password_entry), "");
            gtk_widget_grab_focus (GTK_WIDGET (self->password_entry));
            break;
          case STEP_TOTP:
            gtk_editable_set_text (GTK_EDITABLE (self->code_entry), "");
            /* Too many wrong codes lock the account and end the login. */
            if (pb_session_get_stage (self->session) == PB_SESSION_STAGE_LOCKED)
              {
                if (self->session_is_new)
                  {
                    g_clear_object (&self->session);
                    self->session_is_new = FALSE;
                    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
                  }
                clear_secrets (self);
                show_stage (self, "credentials");
              }
            else
              {
                gtk_widget_grab_focus (GTK_WIDGET (self->code_entry));
              }
            break;
          case STEP_NEW_PASSWORD:
            gtk_widget_grab_focus (GTK_WIDGET (self->new_password_entry));
            break;
          default:
            g_assert_not_reached ();
        }
      return;
    }

  show_error (self, NULL);
  gtk_widget_grab_focus (GTK_WIDGET (self->username_entry));
  if (data->opened)
    {
      g_clear_object (&self->session);
      self->session = g_object_ref (data->session);
      self->session_is_new = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
    }
  if (data->warning != NULL)
    g_signal_emit (self, signals[SIGNAL_WARNING], 0, data->warning);

  finish_stage (self);
}

static void
run_step (PbLoginPage *self, Step step, const char *username, const char *secret)
{
  g_autoptr (GTask) task = NULL;
  LoginData *data = g_new0 (LoginData, 1);

  data->step = step;
  data->dir = g_strdup (self->store_dir);
  data->username = g_strdup (username);
  data->secret = g_strdup (secret);
  data->session = self->session ? g_object_ref (self->session) : NULL;
  /* A new login starts with the site as it is now. */
  if (step == STEP_LOGIN)
    g_clear_pointer (&self->site_login, pb_site_bench_login_free);
  data->site = g_steal_pointer (&self->site_login);

  show_error (self, NULL);
  set_busy (self, TRUE);

  task = g_task_new (self, self->cancellable, on_login_finished_cb, NULL);
  g_task_set_source_tag (task, run_step);
  g_task_set_task_data (task, data, (GDestroyNotify)login_data_free);
  g_task_run_in_thread (task, login_thread);
}

static void
on_username_entry_changed_cb (PbLoginPage *self, GtkEditable *editable)
{
  const char *text = gtk_editable_get_text (editable);

  /* A badge scanner types "PBU:name": keep only the name. */
  if (g_ascii_strncasecmp (text, PB_BADGE_PREFIX, strlen (PB_BADGE_PREFIX)) == 0)
    {
      g_autofree char *name = g_strdup (text + strlen (PB_BADGE_PREFIX));

      gtk_editable_set_text (editable, name);
      gtk_editable_set_position (editable, -1);
    }
}

static void
on_username_entry_activate_cb (PbLoginPage *self, GtkEntry *entry)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->password_entry));
}

static void
on_log_in_button_clicked_cb (PbLoginPage *self)
{
  g_autofree char *username
      = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->username_entry))));
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_entry));

  if (self->busy)
    return;

  if (*username == '\0')
    {
      show_error (self, _ ("Type your username or scan your badge."));
      gtk_widget_grab_focus (GTK_WIDGET (self->username_entry));
      return;
    }
  if (*password == '\0')
    {
      show_error (self, _ ("Type your password."));
      gtk_widget_grab_focus (GTK_WIDGET (self->password_entry));
      return;
    }

  if (self->session == NULL && !pb_store_exists (self->store_dir))
    {
      check_store (self);
      return;
    }

  run_step (self, STEP_LOGIN, username, password);
}

static void
on_code_button_clicked_cb (PbLoginPage *self)
{
  const char *code = gtk_editable_get_text (GTK_EDITABLE (self->code_entry));

  if (self->busy || self->session == NULL)
    return;

  if (*code == '\0')
    {
      show_error (self, _ ("Type the six digits your authenticator app shows now."));
      return;
    }

  run_step (self, STEP_TOTP, NULL, code);
}

static void
on_new_password_changed_cb (PbLoginPage *self)
{
  update_rules (self);
}

static void
on_new_password_activate_cb (PbLoginPage *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->repeat_password_entry));
}

static void
on_set_password_button_clicked_cb (PbLoginPage *self)
{
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->new_password_entry));

  if (self->busy || self->session == NULL)
    return;

  if (!gtk_widget_get_sensitive (GTK_WIDGET (self->set_password_button)))
    {
      show_error (self, _ ("The new password does not meet every rule in the list yet."));
      return;
    }

  run_step (self, STEP_NEW_PASSWORD, NULL, password);
}

static void
on_cancel_button_clicked_cb (PbLoginPage *self)
{
  if (self->busy)
    return;

  pb_login_page_reset (self);
}

static void
on_check_again_button_clicked_cb (PbLoginPage *self)
{
  check_store (self);
}

static void
pb_login_page_constructed (GObject *object)
{
  PbLoginPage *self = PB_LOGIN_PAGE (object);

  G_OBJECT_CLASS (pb_login_page_parent_class)->constructed (object);

  if (self->store_dir == NULL)
    self->store_dir = pb_store_default_dir ();
  check_store (self);
}

static void
pb_login_page_dispose (GObject *object)
{
  PbLoginPage *self = PB_LOGIN_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->focus_source, g_source_remove);
  g_clear_pointer (&self->site_login, pb_site_bench_login_free);
  if (self->username_entry != NULL)
    clear_secrets (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), PB_TYPE_LOGIN_PAGE);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (pb_login_page_parent_class)->dispose (object);
}

static void
pb_login_page_finalize (GObject *object)
{
  PbLoginPage *self = PB_LOGIN_PAGE (object);

  g_clear_pointer (&self->store_dir, g_free);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (pb_login_page_parent_class)->finalize (object);
}

static void
pb_login_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PbLoginPage *self = PB_LOGIN_PAGE (object);

  switch (prop_id)
    {
      case PROP_STORE_DIR:
        g_value_set_string (value, self->store_dir);
        break;
      case PROP_SESSION:
        g_value_set_object (value, self->session);
        break;
      case PROP_BUSY:
        g_value_set_boolean (value, self->busy);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_login_page_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  PbLoginPage *self = PB_LOGIN_PAGE (object);

  switch (prop_id)
    {
      case PROP_STORE_DIR:
        self->store_dir = g_value_dup_string (value);
        break;
      case PROP_SESSION:
        pb_login_page_set_session (self, g_value_get_object (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_login_page_class_init (PbLoginPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = pb_login_page_constructed;
  object_class->dispose = pb_login_page_dispose;
  object_class->finalize = pb_login_page_finalize;
  object_class->get_property = pb_login_page_get_property;
  object_class->set_property = pb_login_page_set_property;
  widget_class->map = pb_login_page_map;
  widget_class->unmap = pb_login_page_unmap;

  /**
   * PbLoginPage:store-dir:
   *
   * The folder of the store to log in to; %NULL for the default folder.
   */
  properties[PROP_STORE_DIR]
      = g_param_spec_string ("store-dir", NULL, NULL, NULL,
                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * PbLoginPage:session:
   *
   * The open session the next login resumes (after a lock), or %NULL.
   */
  properties[PROP_SESSION]
      = g_param_spec_object ("session", NULL, NULL, PB_TYPE_SESSION,
                             G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY]
      = g_param_spec_boolean ("busy", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * PbLoginPage::logged-in:
   * @session: the session, in the READY stage
   */
  signals[SIGNAL_LOGGED_IN]
      = g_signal_new ("logged-in", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 1, PB_TYPE_SESSION);
  /**
   * PbLoginPage::warning:
   * @message: what went wrong after a successful login (the site out of
   *   reach, the purge on open)
   */
  signals[SIGNAL_WARNING] = g_signal_new ("warning", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (PB_TYPE_PASSWORD_RULES);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/pb-login-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PbLoginPage, page_stack);
  gtk_widget_class_bind_template_child (widget_class, PbLoginPage, login_status);
  gtk_widget_class_bind_template_child (widget_class, PbLoginPage, stage_stack);
  gtk_widget_class_bind_template_child (widget_class, PbLoginPage, username_entry);
  gtk_widget_class_bind_template_child (widget_class, PbLoginPage, password_entry);
  gtk_widget_class_bind_template_child (widget_class, PbLoginPage, log_in_button);
  gtk_widget_class_bind_template_child (widget_class, PbLoginPage, code_entry);
  gtk_widget_class_bind_template_child (widget_class, PbLoginPage, code_button);
  gtk_widget_class_bind_template_child (widget_class, PbLoginPage, code_cancel_button);
  gtk_widget_class_bind_template_child (widget_class, PbLoginPage, new_password_entry);
  gtk_widget_class_bind_template_child (widget_class, PbLoginPage, repeat_password_entry);
  gtk_widget_class_bind_template_child (widget_class, PbLoginPage, rules_box);
  gtk_widget_class_bind_template_child (widget_class, PbLoginPage, set_password_button);
  gtk_widget_class_bind_template_child (widget_class, PbLoginPage, password_cancel_button);
  gtk_widget_class_bind_template_child (widget_class, PbLoginPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, PbLoginPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, PbLoginPage, no_store_status);
  gtk_widget_class_bind_template_child (widget_class, PbLoginPage, check_again_button);
  gtk_widget_class_bind_template_callback (widget_class, on_username_entry_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_username_entry_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_log_in_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_code_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_new_password_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_new_password_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_set_password_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_check_again_button_clicked_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "pb-login-page");
}

static void
pb_login_page_init (PbLoginPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  update_rules (self);
}

/**
 * pb_login_page_new:
 * @store_dir: (nullable): the store's folder, %NULL for the default
 *
 * Returns: (transfer full): a new log-in page.
 */
GtkWidget *
pb_login_page_new (const char *store_dir)
{
  return g_object_new (PB_TYPE_LOGIN_PAGE, "store-dir", store_dir, NULL);
}

const char *
pb_login_page_get_store_dir (PbLoginPage *self)
{
  g_return_val_if_fail (PB_IS_LOGIN_PAGE (self), NULL);

  return self->store_dir;
}

/**
 * pb_login_page_get_session:
 * @self: the page
 *
 * Returns: (transfer none) (nullable): the session the page works on.
 */
PbSession *
pb_login_page_get_session (PbLoginPage *self)
{
  g_return_val_if_fail (PB_IS_LOGIN_PAGE (self), NULL);

  return self->session;
}

/**
 * pb_login_page_set_session:
 * @self: the page
 * @session: (nullable): an open session, usually locked
 *
 * The next login resumes @session instead of opening the store again, so
 * the store (and the work on it) stays open between operators.
 */
void
pb_login_page_set_session (PbLoginPage *self, PbSession *session)
{
  g_return_if_fail (PB_IS_LOGIN_PAGE (self));
  g_return_if_fail (session == NULL || PB_IS_SESSION (session));
  g_return_if_fail (!self->busy);

  self->session_is_new = FALSE;
  if (g_set_object (&self->session, session))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

/**
 * pb_login_page_reset:
 * @self: the page
 *
 * Empties every field and shows the first stage. A login this page began
 * and did not finish is dropped; a resumed session is locked again.
 */
void
pb_login_page_reset (PbLoginPage *self)
{
  g_return_if_fail (PB_IS_LOGIN_PAGE (self));
  g_return_if_fail (!self->busy);

  g_clear_pointer (&self->site_login, pb_site_bench_login_free);
  if (self->session != NULL && pb_session_get_stage (self->session) != PB_SESSION_STAGE_READY
      && pb_session_get_stage (self->session) != PB_SESSION_STAGE_LOCKED)
    {
      if (self->session_is_new)
        {
          g_clear_object (&self->session);
          self->session_is_new = FALSE;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
        }
      else
        {
          pb_session_lock (self->session);
        }
    }

  clear_secrets (self);
  gtk_editable_set_text (GTK_EDITABLE (self->username_entry), "");
  show_error (self, NULL);
  check_store (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->username_entry));
}

gboolean
pb_login_page_get_busy (PbLoginPage *self)
{
  g_return_val_if_fail (PB_IS_LOGIN_PAGE (self), FALSE);

  return self->busy;
}

const char *
pb_login_page_get_stage_name (PbLoginPage *self)
{
  g_return_val_if_fail (PB_IS_LOGIN_PAGE (self), NULL);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->page_stack), "no-store") == 0)
    return "no-store";
  return gtk_stack_get_visible_child_name (self->stage_stack);
}
