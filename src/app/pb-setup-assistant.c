/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <openssl/crypto.h>
#include <string.h>

#include "pb-password-rules.h"
#include "pb-qr-code.h"
#include "pb-setting-row.h"
#include "pb-setup-assistant.h"
#include "station/pb-site-bench.h"
#include "store/pb-password-policy.h"
#include "util/pb-secure.h"

/* The steps, in order. The store exists from "totp" on, so "Back" never
 * goes before "amazon"; every step from "amazon" on can be left for
 * Preferences. */
static const char *const steps[]
    = { "admin", "totp", "recovery", "amazon", "royalmail", "printer", "retention", NULL };
#define FIRST_SETTINGS_STEP 3

struct _PbSetupAssistant
{
  AdwBin parent_instance;

  char *store_dir;
  PbSession *session;
  GCancellable *cancellable;
  guint step;
  gboolean busy;
  GPtrArray *rows; /* setting rows, all pages */

  /* Joining a site instead: the page shown ("join", "join-totp"), and
   * between the two, the administrator's session on the store made from
   * the site, and the site. */
  gboolean joining;
  const char *join_stage;
  PbSession *join_session;
  PbSite *join_site;

  GtkStack *stack;
  GtkBox *mode_box;
  GtkToggleButton *new_bench_button;
  GtkToggleButton *join_button;
  AdwEntryRow *join_uri_row;
  AdwEntryRow *join_db_password_row;
  AdwEntryRow *join_bench_row;
  AdwEntryRow *join_username_row;
  AdwEntryRow *join_password_row;
  GtkEntry *join_code_entry;
  AdwEntryRow *username_row;
  AdwEntryRow *full_name_row;
  AdwEntryRow *password_row;
  AdwEntryRow *repeat_row;
  PbPasswordRules *rules;
  PbQrCode *qr_code;
  GtkLabel *secret_label;
  GtkLabel *uri_label;
  GtkEntry *code_entry;
  GtkLabel *recovery_label;
  GtkCheckButton *recovery_check;
  AdwPreferencesGroup *amazon_group;
  AdwPreferencesGroup *royalmail_group;
  AdwPreferencesGroup *printer_group;
  AdwPreferencesGroup *retention_group;
  GtkLabel *error_label;
  GtkSpinner *spinner;
  GtkButton *back_button;
  GtkButton *later_button;
  GtkButton *next_button;
};

G_DEFINE_FINAL_TYPE (PbSetupAssistant, pb_setup_assistant, ADW_TYPE_BIN)

enum
{
  SIGNAL_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
show_error (PbSetupAssistant *self, const char *message)
{
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static const char *
get_text (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static gboolean
admin_is_complete (PbSetupAssistant *self)
{
  g_autofree char *name = pb_username_normalize (get_text (self->username_row), NULL);

  return pb_password_rules_update (self->rules, name != NULL ? name : get_text (self->username_row),
                                   get_text (self->password_row), get_text (self->repeat_row))
         && name != NULL && *get_text (self->full_name_row) != '\0';
}

static gboolean
join_is_complete (PbSetupAssistant *self)
{
  g_autofree char *uri = g_strstrip (g_strdup (get_text (self->join_uri_row)));
  g_autofree char *bench = g_strstrip (g_strdup (get_text (self->join_bench_row)));
  g_autofree char *name = g_strstrip (g_strdup (get_text (self->join_username_row)));

  return *uri != '\0' && *bench != '\0' && *name != '\0'
         && *get_text (self->join_password_row) != '\0';
}

static void
set_next_label (PbSetupAssistant *self, const char *label, const char *accessible)
{
  gtk_button_set_label (self->next_button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->next_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible, -1);
}

static void
update_join_buttons (PbSetupAssistant *self)
{
  gboolean code_page = g_strcmp0 (self->join_stage, "join-totp") == 0;
  gboolean can_next = !self->busy;

  if (code_page)
    can_next
        = can_next && strlen (gtk_editable_get_text (GTK_EDITABLE (self->join_code_entry))) >= 6;
  else
    can_next = can_next && join_is_complete (self);
  gtk_widget_set_sensitive (GTK_WIDGET (self->next_button), can_next);
  /* Back from the code gives the join up: nothing of it stays. */
  gtk_widget_set_visible (GTK_WIDGET (self->back_button), code_page);
  gtk_widget_set_sensitive (GTK_WIDGET (self->back_button), !self->busy);
  gtk_widget_set_visible (GTK_WIDGET (self->later_button), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->mode_box), !code_page);
  gtk_widget_set_sensitive (GTK_WIDGET (self->mode_box), !self->busy);
  if (code_page)
    set_next_label (self, _ ("C_onfirm"), _ ("Confirm code"));
  else
    set_next_label (self, _ ("_Join Site"), _ ("Join site"));
}

static void
update_buttons (PbSetupAssistant *self)
{
  const char *step = steps[self->step];
  gboolean can_next = !self->busy;
  gboolean last = steps[self->step + 1] == NULL;

  if (self->joining)
    {
      update_join_buttons (self);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->mode_box), self->step == 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->mode_box), !self->busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->back_button), TRUE);

  if (g_str_equal (step, "admin"))
    can_next = can_next && admin_is_complete (self);
  else if (g_str_equal (step, "totp"))
    can_next = can_next && strlen (gtk_editable_get_text (GTK_EDITABLE (self->code_entry))) >= 6;
  else if (g_str_equal (step, "recovery"))
    can_next = can_next && gtk_check_button_get_active (self->recovery_check);

  gtk_widget_set_sensitive (GTK_WIDGET (self->next_button), can_next);
  gtk_widget_set_visible (GTK_WIDGET (self->back_button), self->step > FIRST_SETTINGS_STEP);
  gtk_widget_set_visible (GTK_WIDGET (self->later_button),
                          self->step >= FIRST_SETTINGS_STEP && !last);
  gtk_widget_set_sensitive (GTK_WIDGET (self->later_button), !self->busy);
  set_next_label (self, last ? _ ("_Finish") : _ ("_Next"), last ? _ ("Finish") : _ ("Next"));
}

static void
set_busy (PbSetupAssistant *self, gboolean busy)
{
  self->busy = busy;
  if (busy && gtk_widget_get_root (GTK_WIDGET (self)) != NULL)
    gtk_root_set_focus (gtk_widget_get_root (GTK_WIDGET (self)), NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->stack), !busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  update_buttons (self);
}

static void
go_to_step (PbSetupAssistant *self, guint step)
{
  self->joining = FALSE;
  self->join_stage = NULL;
  self->step = step;
  show_error (self, NULL);
  gtk_stack_set_visible_child_name (self->stack, steps[step]);
  update_buttons (self);
  if (g_str_equal (steps[step], "totp"))
    gtk_widget_grab_focus (GTK_WIDGET (self->code_entry));
}

static void
go_to_join (PbSetupAssistant *self, const char *stage)
{
  self->joining = TRUE;
  self->join_stage = stage;
  show_error (self, NULL);
  gtk_stack_set_visible_child_name (self->stack, stage);
  update_buttons (self);
  if (g_str_equal (stage, "join-totp"))
    gtk_widget_grab_focus (GTK_WIDGET (self->join_code_entry));
  else if (*get_text (self->join_uri_row) == '\0')
    gtk_widget_grab_focus (GTK_WIDGET (self->join_uri_row));
}

/* The settings steps, built once the admin's session is ready. */
static void
build_settings (PbSetupAssistant *self)
{
  static const char *const amazon_keys[]
      = { "amazon.client_id", "amazon.client_secret", "amazon.refresh_token",
          "amazon.marketplace_id", NULL };
  static const char *const royalmail_keys[]
      = { "royalmail.api_key", "royalmail.default_service", NULL };

  for (guint i = 0; amazon_keys[i] != NULL; i++)
    g_ptr_array_add (self->rows, pb_setting_row_add (self->amazon_group, self->session,
                                                     amazon_keys[i], NULL, NULL));
  for (guint i = 0; royalmail_keys[i] != NULL; i++)
    g_ptr_array_add (self->rows, pb_setting_row_add (self->royalmail_group, self->session,
                                                     royalmail_keys[i], NULL, NULL));
  g_ptr_array_add (self->rows, pb_setting_row_add (self->retention_group, self->session,
                                                   "retention.days", NULL, NULL));
  pb_setting_row_add_printer (self->printer_group, self->session, self->rows);
  pb_setting_rows_load (self->rows, self->session);
}

/* Saves what was typed on the page but not applied. FALSE when a value
 * was refused (its message shows under the row). */
static gboolean
apply_page (PbSetupAssistant *self)
{
  GtkWidget *page = gtk_stack_get_visible_child (self->stack);
  gboolean ok = TRUE;

  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, i);

      if (!gtk_widget_is_ancestor (row, page))
        continue;
      pb_setting_row_apply (row);
      ok = ok && pb_setting_row_get_message (row) == NULL;
    }
  return ok;
}

static void
finish (PbSetupAssistant *self)
{
  g_autoptr (PbSession) session = g_object_ref (self->session);

  g_signal_emit (self, signals[SIGNAL_FINISHED], 0, session);
}

/* Workers ----------------------------------------------------------------- */

typedef struct
{
  char *dir;
  char *username;
  char *full_name;
  char *password; /* wiped */
  char *code;     /* wiped */
  PbSession *session;
  char *recovery; /* wiped */
  char *uri;      /* wiped */
} Job;

static void
job_free (Job *job)
{
  g_free (job->dir);
  g_free (job->username);
  g_free (job->full_name);
  g_clear_pointer (&job->password, pb_secure_free_string);
  g_clear_pointer (&job->code, pb_secure_free_string);
  g_clear_object (&job->session);
  g_clear_pointer (&job->recovery, pb_secure_free_string);
  g_clear_pointer (&job->uri, pb_secure_free_string);
  g_free (job);
}

/* Creates the store (scrypt), then logs the admin in again so that the
 * second factor is asked for like at every later login: the bench is not
 * the admin's until the authenticator app has proved it works. */
static void
create_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  Job *job = task_data;
  GError *error = NULL;

  job->session = pb_session_init_store (job->dir, job->username, job->full_name, job->password,
                                        &job->recovery, &job->uri, &error);
  if (job->session == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  pb_session_lock (job->session);
  if (!pb_session_resume (job->session, job->username, job->password, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
verify_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  Job *job = task_data;
  GError *error = NULL;

  if (!pb_session_verify_totp (job->session, job->code, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static char *
secret_from_uri (const char *uri)
{
  const char *start = strstr (uri, "secret=");
  const char *end;
  GString *grouped;

  if (start == NULL)
    return g_strdup ("");
  start += strlen ("secret=");
  end = strchr (start, '&');
  if (end == NULL)
    end = start + strlen (start);

  /* In groups of four, as authenticator apps accept it. */
  grouped = g_string_new (NULL);
  for (const char *p = start; p < end; p++)
    {
      if (p != start && (p - start) % 4 == 0)
        g_string_append_c (grouped, ' ');
      g_string_append_c (grouped, *p);
    }
  return g_string_free (grouped, FALSE);
}

static void
on_create_finished_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PbSetupAssistant *self = PB_SETUP_ASSISTANT (source);
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;
  g_autofree char *secret = NULL;

  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  set_busy (self, FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      show_error (self, error->message);
      return;
    }

  self->session = g_steal_pointer (&job->session);
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->repeat_row), "");

  pb_qr_code_set_text (self->qr_code, job->uri);
  secret = secret_from_uri (job->uri);
  gtk_label_set_text (self->secret_label, secret);
  gtk_label_set_text (self->uri_label, job->uri);
  gtk_label_set_text (self->recovery_label, job->recovery);
  OPENSSL_cleanse (secret, strlen (secret));
  go_to_step (self, 1);
}

static void
on_verify_finished_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PbSetupAssistant *self = PB_SETUP_ASSISTANT (source);
  g_autoptr (GError) error = NULL;

  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  set_busy (self, FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      show_error (self, error->message);
      gtk_editable_set_text (GTK_EDITABLE (self->code_entry), "");
      gtk_widget_grab_focus (GTK_WIDGET (self->code_entry));
      /* Too many wrong codes lock the account: nothing more to do here. */
      if (pb_session_get_stage (self->session) == PB_SESSION_STAGE_LOCKED)
        gtk_widget_set_sensitive (GTK_WIDGET (self->code_entry), FALSE);
      return;
    }

  /* The enrolment is proven: the key is not needed on screen any more. */
  pb_qr_code_set_text (self->qr_code, NULL);
  gtk_label_set_text (self->secret_label, "");
  gtk_label_set_text (self->uri_label, "");
  gtk_editable_set_text (GTK_EDITABLE (self->code_entry), "");
  build_settings (self);
  go_to_step (self, 2);
}

static void
run_job (PbSetupAssistant *self, Job *job, GTaskThreadFunc func, GAsyncReadyCallback done)
{
  g_autoptr (GTask) task = g_task_new (self, self->cancellable, done, NULL);

  g_task_set_source_tag (task, run_job);
  g_task_set_task_data (task, job, (GDestroyNotify)job_free);
  show_error (self, NULL);
  set_busy (self, TRUE);
  g_task_run_in_thread (task, func);
}

/* Joining a site ---------------------------------------------------------- */

typedef struct
{
  char *dir;
  char *uri;
  char *db_password; /* wiped */
  char *bench;
  char *username;
  char *password; /* wiped */
  char *code;     /* wiped */
  PbSession *session;
  PbSite *site;
  gboolean completed; /* the bench is in the site */
  gboolean aborted;   /* the store made for the join is gone */
} JoinJob;

static void
join_job_free (JoinJob *job)
{
  /* The assistant went away in the middle of a join: nothing stays. */
  if (job->session != NULL && !job->completed && !job->aborted)
    {
      g_clear_object (&job->session);
      pb_site_bench_join_abort (job->dir);
    }
  g_free (job->dir);
  g_free (job->uri);
  g_clear_pointer (&job->db_password, pb_secure_free_string);
  g_free (job->bench);
  g_free (job->username);
  g_clear_pointer (&job->password, pb_secure_free_string);
  g_clear_pointer (&job->code, pb_secure_free_string);
  g_clear_object (&job->session);
  g_clear_object (&job->site);
  g_free (job);
}

/* The session is READY (or asks for a new password, which a join does not
 * take): the bench joins, or everything made for it goes. */
static gboolean
complete_join (JoinJob *job, GError **error)
{
  if (pb_site_bench_join_complete (job->session, job->site, job->uri, job->db_password, job->bench,
                                   error))
    {
      job->completed = TRUE;
      return TRUE;
    }
  g_clear_object (&job->session);
  pb_site_bench_join_abort (job->dir);
  job->aborted = TRUE;
  return FALSE;
}

static void
join_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  JoinJob *job = task_data;
  GError *error = NULL;

  job->session = pb_site_bench_join_login (job->dir, job->uri, job->db_password, job->username,
                                           job->password, &job->site, &error);
  if (job->session == NULL)
    {
      job->aborted = TRUE;
      g_task_return_error (task, error);
      return;
    }
  if (pb_session_get_stage (job->session) != PB_SESSION_STAGE_NEEDS_TOTP
      && !complete_join (job, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
join_totp_thread (GTask *task, gpointer source_object, gpointer task_data,
                  GCancellable *cancellable)
{
  JoinJob *job = task_data;
  GError *error = NULL;

  if (!pb_session_verify_totp (job->session, job->code, &error))
    {
      /* Too many wrong codes lock the account: the join ends. */
      if (pb_session_get_stage (job->session) == PB_SESSION_STAGE_LOCKED)
        {
          g_clear_object (&job->session);
          pb_site_bench_join_abort (job->dir);
          job->aborted = TRUE;
        }
      g_task_return_error (task, error);
      return;
    }
  if (!complete_join (job, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
clear_join_secrets (PbSetupAssistant *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->join_password_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->join_code_entry), "");
}

static void
on_join_finished_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PbSetupAssistant *self = PB_SETUP_ASSISTANT (source);
  JoinJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;

  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  set_busy (self, FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      show_error (self, error->message);
      gtk_editable_set_text (GTK_EDITABLE (self->join_code_entry), "");
      if (job->aborted)
        {
          g_clear_object (&self->join_site);
          gtk_editable_set_text (GTK_EDITABLE (self->join_password_row), "");
          if (g_strcmp0 (self->join_stage, "join") != 0)
            go_to_join (self, "join");
          show_error (self, error->message);
          gtk_widget_grab_focus (GTK_WIDGET (self->join_password_row));
        }
      else
        {
          /* A wrong code: the login is still there, try the next one. */
          self->join_session = g_steal_pointer (&job->session);
          gtk_widget_grab_focus (GTK_WIDGET (self->join_code_entry));
        }
      return;
    }

  if (job->completed)
    {
      g_autoptr (PbSession) session = g_steal_pointer (&job->session);

      g_clear_object (&self->join_site);
      clear_join_secrets (self);
      gtk_editable_set_text (GTK_EDITABLE (self->join_db_password_row), "");
      g_signal_emit (self, signals[SIGNAL_FINISHED], 0, session);
      return;
    }

  self->join_session = g_steal_pointer (&job->session);
  self->join_site = g_steal_pointer (&job->site);
  gtk_editable_set_text (GTK_EDITABLE (self->join_password_row), "");
  go_to_join (self, "join-totp");
}

static JoinJob *
join_job_new (PbSetupAssistant *self)
{
  JoinJob *job = g_new0 (JoinJob, 1);

  job->dir = g_strdup (self->store_dir);
  job->uri = g_strstrip (g_strdup (get_text (self->join_uri_row)));
  job->db_password = g_strdup (get_text (self->join_db_password_row));
  job->bench = g_strstrip (g_strdup (get_text (self->join_bench_row)));
  job->username = g_strstrip (g_strdup (get_text (self->join_username_row)));
  return job;
}

static void
run_join_job (PbSetupAssistant *self, JoinJob *job, GTaskThreadFunc func)
{
  g_autoptr (GTask) task = g_task_new (self, self->cancellable, on_join_finished_cb, NULL);

  g_task_set_source_tag (task, run_join_job);
  g_task_set_task_data (task, job, (GDestroyNotify)join_job_free);
  show_error (self, NULL);
  set_busy (self, TRUE);
  g_task_run_in_thread (task, func);
}

/* The worker checks the URI's TLS policy before it connects. */
static void
start_join (PbSetupAssistant *self)
{
  JoinJob *job = join_job_new (self);

  job->password = g_strdup (get_text (self->join_password_row));
  run_join_job (self, job, join_thread);
}

static void
confirm_join_code (PbSetupAssistant *self)
{
  JoinJob *job;

  if (self->join_session == NULL)
    return;
  job = join_job_new (self);
  job->code = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->join_code_entry)));
  job->session = g_steal_pointer (&self->join_session);
  job->site = g_object_ref (self->join_site);
  run_join_job (self, job, join_totp_thread);
}

/* Gives a join up after the administrator's password: the store made for
 * it goes. */
static void
cancel_join (PbSetupAssistant *self)
{
  if (self->join_session != NULL)
    {
      g_clear_object (&self->join_session);
      pb_site_bench_join_abort (self->store_dir);
    }
  g_clear_object (&self->join_site);
  clear_join_secrets (self);
}

/* Handlers ---------------------------------------------------------------- */

static void
on_mode_toggled_cb (PbSetupAssistant *self)
{
  gboolean join = gtk_toggle_button_get_active (self->join_button);

  if (self->busy || join == self->joining)
    return;
  if (join)
    go_to_join (self, "join");
  else
    go_to_step (self, 0);
}

static void
on_join_changed_cb (PbSetupAssistant *self)
{
  update_buttons (self);
}

static void
on_admin_changed_cb (PbSetupAssistant *self)
{
  update_buttons (self);
}

static void
on_code_changed_cb (PbSetupAssistant *self)
{
  update_buttons (self);
}

static void
on_recovery_check_toggled_cb (PbSetupAssistant *self)
{
  update_buttons (self);
}

static void
on_next_button_clicked_cb (PbSetupAssistant *self)
{
  const char *step = steps[self->step];
  Job *job;

  if (!gtk_widget_get_sensitive (GTK_WIDGET (self->next_button)))
    return;

  if (self->joining)
    {
      if (g_strcmp0 (self->join_stage, "join-totp") == 0)
        confirm_join_code (self);
      else
        start_join (self);
      return;
    }
  if (g_str_equal (step, "admin"))
    {
      job = g_new0 (Job, 1);
      job->dir = g_strdup (self->store_dir);
      job->username = g_strdup (get_text (self->username_row));
      job->full_name = g_strdup (get_text (self->full_name_row));
      job->password = g_strdup (get_text (self->password_row));
      run_job (self, job, create_thread, on_create_finished_cb);
    }
  else if (g_str_equal (step, "totp"))
    {
      job = g_new0 (Job, 1);
      job->session = g_object_ref (self->session);
      job->code = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->code_entry)));
      run_job (self, job, verify_thread, on_verify_finished_cb);
    }
  else if (g_str_equal (step, "recovery"))
    {
      /* Shown once: gone from the screen (and the widget) now. */
      gtk_label_set_text (self->recovery_label, "");
      go_to_step (self, self->step + 1);
    }
  else if (apply_page (self))
    {
      if (steps[self->step + 1] == NULL)
        finish (self);
      else
        go_to_step (self, self->step + 1);
    }
}

static void
on_back_button_clicked_cb (PbSetupAssistant *self)
{
  if (self->joining)
    {
      if (!self->busy && g_strcmp0 (self->join_stage, "join-totp") == 0)
        {
          cancel_join (self);
          go_to_join (self, "join");
        }
      return;
    }
  if (self->step > FIRST_SETTINGS_STEP)
    go_to_step (self, self->step - 1);
}

static void
on_later_button_clicked_cb (PbSetupAssistant *self)
{
  if (self->session != NULL && self->step >= FIRST_SETTINGS_STEP)
    finish (self);
}

/* GObject ----------------------------------------------------------------- */

static void
pb_setup_assistant_dispose (GObject *object)
{
  PbSetupAssistant *self = PB_SETUP_ASSISTANT (object);

  g_cancellable_cancel (self->cancellable);
  if (self->join_session != NULL)
    cancel_join (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), PB_TYPE_SETUP_ASSISTANT);

  G_OBJECT_CLASS (pb_setup_assistant_parent_class)->dispose (object);
}

static void
pb_setup_assistant_finalize (GObject *object)
{
  PbSetupAssistant *self = PB_SETUP_ASSISTANT (object);

  g_clear_pointer (&self->store_dir, g_free);
  g_clear_object (&self->session);
  g_clear_object (&self->join_site);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (pb_setup_assistant_parent_class)->finalize (object);
}

static void
pb_setup_assistant_class_init (PbSetupAssistantClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pb_setup_assistant_dispose;
  object_class->finalize = pb_setup_assistant_finalize;

  /**
   * PbSetupAssistant::finished:
   * @session: the admin's READY session on the new store
   */
  signals[SIGNAL_FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 1, PB_TYPE_SESSION);

  g_type_ensure (PB_TYPE_PASSWORD_RULES);
  g_type_ensure (PB_TYPE_QR_CODE);
  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/packbench/Packbench/pb-setup-assistant.ui");
  gtk_widget_class_bind_template_child (widget_class, PbSetupAssistant, stack);
  gtk_widget_class_bind_template_child (widget_class, PbSetupAssistant, mode_box);
  gtk_widget_class_bind_template_child (widget_class, PbSetupAssistant, new_bench_button);
  gtk_widget_class_bind_template_child (widget_class, PbSetupAssistant, join_button);
  gtk_widget_class_bind_template_child (widget_class, PbSetupAssistant, join_uri_row);
  gtk_widget_class_bind_template_child (widget_class, PbSetupAssistant, join_db_password_row);
  gtk_widget_class_bind_template_child (widget_class, PbSetupAssistant, join_bench_row);
  gtk_widget_class_bind_template_child (widget_class, PbSetupAssistant, join_username_row);
  gtk_widget_class_bind_template_child (widget_class, PbSetupAssistant, join_password_row);
  gtk_widget_class_bind_template_child (widget_class, PbSetupAssistant, join_code_entry);
  gtk_widget_class_bind_template_child (widget_class, PbSetupAssistant, username_row);
  gtk_widget_class_bind_template_child (widget_class, PbSetupAssistant, full_name_row);
  gtk_widget_class_bind_template_child (widget_class, PbSetupAssistant, password_row);
  gtk_widget_class_bind_template_child (widget_class, PbSetupAssistant, repeat_row);
  gtk_widget_class_bind_template_child (widget_class, PbSetupAssistant, rules);
  gtk_widget_class_bind_template_child (widget_class, PbSetupAssistant, qr_code);
  gtk_widget_class_bind_template_child (widget_class, PbSetupAssistant, secret_label);
  gtk_widget_class_bind_template_child (widget_class, PbSetupAssistant, uri_label);
  gtk_widget_class_bind_template_child (widget_class, PbSetupAssistant, code_entry);
  gtk_widget_class_bind_template_child (widget_class, PbSetupAssistant, recovery_label);
  gtk_widget_class_bind_template_child (widget_class, PbSetupAssistant, recovery_check);
  gtk_widget_class_bind_template_child (widget_class, PbSetupAssistant, amazon_group);
  gtk_widget_class_bind_template_child (widget_class, PbSetupAssistant, royalmail_group);
  gtk_widget_class_bind_template_child (widget_class, PbSetupAssistant, printer_group);
  gtk_widget_class_bind_template_child (widget_class, PbSetupAssistant, retention_group);
  gtk_widget_class_bind_template_child (widget_class, PbSetupAssistant, error_label);
  gtk_widget_class_bind_template_child (widget_class, PbSetupAssistant, spinner);
  gtk_widget_class_bind_template_child (widget_class, PbSetupAssistant, back_button);
  gtk_widget_class_bind_template_child (widget_class, PbSetupAssistant, later_button);
  gtk_widget_class_bind_template_child (widget_class, PbSetupAssistant, next_button);
  gtk_widget_class_bind_template_callback (widget_class, on_admin_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_mode_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_join_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_code_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_recovery_check_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_next_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_back_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_later_button_clicked_cb);
}

static void
pb_setup_assistant_init (PbSetupAssistant *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->rows = g_ptr_array_new ();
  /* A new machine is usually named after itself. */
  gtk_editable_set_text (GTK_EDITABLE (self->join_bench_row), g_get_host_name ());
  go_to_step (self, 0);
}

GtkWidget *
pb_setup_assistant_new (const char *store_dir)
{
  PbSetupAssistant *self = g_object_new (PB_TYPE_SETUP_ASSISTANT, NULL);

  self->store_dir = g_strdup (store_dir);
  return GTK_WIDGET (self);
}
