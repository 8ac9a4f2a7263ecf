/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <openssl/crypto.h>
#include <string.h>

#include "pb-operators-page.h"
#include "pb-password-rules.h"
#include "pb-qr-code.h"
#include "station/pb-backup.h"
#include "station/pb-site-bench.h"
#include "store/pb-audit.h"
#include "store/pb-operator.h"
#include "store/pb-password-policy.h"
#include "util/pb-clock.h"
#include "util/pb-secure.h"

#define DAY (24 * 3600)

struct _PbOperatorsPage
{
  PbPage parent_instance;

  gboolean loading;
  gboolean working; /* an operator change is running */
  GListStore *operators;
  AdwMessageDialog *dialog; /* (weak) the dialog open, if any */

  AdwToastOverlay *toast_overlay;
  GtkLabel *review_label;
  GtkSpinner *spinner;
  GtkButton *review_button;
  GtkButton *add_button;
  GtkListBox *operators_box;
};

G_DEFINE_FINAL_TYPE (PbOperatorsPage, pb_operators_page, PB_TYPE_PAGE)

static PbSession *
get_session (PbOperatorsPage *self)
{
  return pb_page_get_session (PB_PAGE (self));
}

static void
show_toast (PbOperatorsPage *self, const char *text)
{
  AdwToast *toast = adw_toast_new (text);

  adw_toast_set_timeout (toast, 6);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
update_busy (PbOperatorsPage *self)
{
  gboolean busy = self->loading || self->working;

  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->operators_box), !self->working);
  gtk_widget_action_set_enabled (
      GTK_WIDGET (self), "operators.add",
      !self->working && pb_session_can (get_session (self), PB_ACTION_MANAGE_PACKERS));
  gtk_widget_action_set_enabled (
      GTK_WIDGET (self), "operators.mark-reviewed",
      !self->working && pb_session_can (get_session (self), PB_ACTION_REVIEW_ACCESS));
  pb_page_set_busy (PB_PAGE (self), busy);
}

/* Rows */

static char *
format_days_ago (gint64 when, gint64 now)
{
  gint64 days = (now - when) / DAY;

  if (days <= 0)
    return g_strdup (_ ("today"));
  return g_strdup_printf (ngettext ("%d day ago", "%d days ago", (gulong)days), (int)days);
}

static gboolean
can_manage (PbOperatorsPage *self, PbOperator *op)
{
  return pb_session_can (get_session (self), PB_ACTION_MANAGE_PACKERS)
         && pb_permission_can_manage (pb_session_get_role (get_session (self)),
                                      pb_operator_get_role (op))
         && g_ascii_strcasecmp (pb_operator_get_username (op),
                                pb_session_get_username (get_session (self)))
                != 0;
}

static GtkWidget *
add_badge (GtkWidget *row, const char *text, const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (label, "caption-heading");
  gtk_widget_add_css_class (label, css_class);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  return label;
}

static GMenuModel *
build_menu (PbOperatorsPage *self, PbOperator *op, gboolean locked)
{
  GMenu *menu = g_menu_new ();
  GVariant *target = g_variant_new_string (pb_operator_get_username (op));
  GMenuItem *item;

  g_variant_ref_sink (target);
#define ADD_ITEM(label, action)                                                                    \
  item = g_menu_item_new (label, NULL);                                                            \
  g_menu_item_set_action_and_target_value (item, action, target);                                  \
  g_menu_append_item (menu, item);                                                                 \
  g_object_unref (item)

  if (pb_operator_get_disabled (op))
    {
      ADD_ITEM (_ ("_Enable…"), "operators.enable");
    }
  else
    {
      if (locked)
        {
          ADD_ITEM (_ ("_Unlock"), "operators.unlock");
        }
      ADD_ITEM (_ ("Reset _Password…"), "operators.reset-password");
      ADD_ITEM (_ ("Reset _Two-Step Verification…"), "operators.reset-totp");
      if (pb_session_can (get_session (self), PB_ACTION_MANAGE_ALL_USERS))
        {
          ADD_ITEM (_ ("Change _Role…"), "operators.change-role");
        }
      ADD_ITEM (_ ("_Disable…"), "operators.disable");
    }
#undef ADD_ITEM
  g_variant_unref (target);
  return G_MENU_MODEL (menu);
}

static GtkWidget *
create_row (gpointer item, gpointer user_data)
{
  PbOperatorsPage *self = user_data;
  PbOperator *op = item;
  const char *name = pb_operator_get_username (op);
  const char *full_name = pb_operator_get_full_name (op);
  gint64 now = pb_clock_now_unix ();
  gint64 locked_until = pb_session_get_locked_until (get_session (self), name);
  gint64 last_login = pb_operator_get_last_login_at (op);
  gint64 age_days = (now - pb_operator_get_password_changed_at (op)) / DAY;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *menu_button = gtk_menu_button_new ();
  g_autoptr (GMenuModel) menu = NULL;
  g_autofree char *title = NULL;
  g_autofree char *login_text = NULL;
  g_autofree char *password_text = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *menu_name = NULL;
  g_autofree char *escaped = NULL;
  gboolean manageable = can_manage (self, op);

  escaped = g_markup_escape_text (full_name != NULL && *full_name != '\0' ? full_name : name, -1);
  title = g_strdup_printf ("%s (%s) — %s", escaped, name,
                           pb_role_display_name (pb_operator_get_role (op)));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_widget_set_name (row, name);

  if (last_login > 0)
    {
      g_autofree char *ago = format_days_ago (last_login, now);
      login_text = g_strdup_printf (_ ("Last login %s"), ago);
    }
  else
    login_text = g_strdup (_ ("Never logged in"));
  if (pb_operator_get_must_change_password (op))
    password_text = g_strdup (_ ("temporary password"));
  else
    password_text = g_strdup_printf (
        ngettext ("password %d day old", "password %d days old", (gulong)age_days), (int)age_days);
  subtitle = g_strdup_printf ("%s · %s · %s", login_text, password_text,
                              pb_operator_has_totp (op) ? _ ("two-step verification on")
                                                        : _ ("no two-step verification"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

  if (pb_operator_get_disabled (op))
    add_badge (row, _ ("Disabled"), "dim-label");
  else
    {
      if (locked_until > 0)
        {
          g_autoptr (GDateTime) until = g_date_time_new_from_unix_local (locked_until);
          g_autofree char *hhmm = g_date_time_format (until, "%H:%M");
          g_autofree char *text = g_strdup_printf (_ ("Locked until %s"), hhmm);
          g_autofree char *unlock_name = g_strdup_printf (_ ("Unlock %s"), name);
          GtkWidget *unlock = gtk_button_new_with_mnemonic (_ ("_Unlock"));

          add_badge (row, text, "error");
          gtk_widget_set_valign (unlock, GTK_ALIGN_CENTER);
          gtk_actionable_set_action_name (GTK_ACTIONABLE (unlock), "operators.unlock");
          gtk_actionable_set_action_target (GTK_ACTIONABLE (unlock), "s", name);
          gtk_widget_set_sensitive (unlock, manageable);
          gtk_widget_set_name (unlock, "unlock");
          gtk_accessible_update_property (GTK_ACCESSIBLE (unlock), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                          unlock_name, -1);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), unlock);
        }
      if (pb_account_is_unused (last_login, pb_operator_get_created_at (op), now))
        add_badge (row, _ ("Unused for 30 days"), "warning");
    }

  menu = build_menu (self, op, locked_until > 0);
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (menu_button), menu);
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (menu_button), "view-more-symbolic");
  gtk_widget_set_valign (menu_button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (menu_button, "flat");
  gtk_widget_set_name (menu_button, "actions");
  menu_name = g_strdup_printf (_ ("Actions for %s"), name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (menu_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  menu_name, -1);
  gtk_widget_set_sensitive (menu_button, manageable);
  if (!manageable)
    gtk_widget_set_tooltip_text (
        menu_button, g_ascii_strcasecmp (name, pb_session_get_username (get_session (self))) == 0
                         ? _ ("This is your own account")
                         : _ ("Only an administrator can change this account"));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), menu_button);
  return row;
}

/* Loading */

typedef struct
{
  GPtrArray *operators;
  gint64 reviewed_at;
  char *reviewer;
} LoadJob;

static void
load_job_free (LoadJob *job)
{
  g_clear_pointer (&job->operators, g_ptr_array_unref);
  g_free (job->reviewer);
  g_free (job);
}

static gboolean
load_work (PbStore *worker, gpointer data, GCancellable *cancellable, GError **error)
{
  LoadJob *job = data;

  g_autofree char *bench = NULL;

  /* At a site, a review at any bench covers the site's operators. */
  return (job->operators = pb_operator_list (worker, error)) != NULL
         && pb_site_bench_last_access_review (worker, &job->reviewed_at, &job->reviewer, &bench,
                                              error);
}

static void
update_review_label (PbOperatorsPage *self, gint64 reviewed_at, const char *reviewer)
{
  GtkWidget *label = GTK_WIDGET (self->review_label);
  g_autofree char *text = NULL;

  if (reviewed_at <= 0)
    text = g_strdup (_ ("Access has never been reviewed. The policy promises a review at least "
                        "every 90 days."));
  else
    {
      g_autoptr (GDateTime) when = g_date_time_new_from_unix_local (reviewed_at);
      g_autofree char *date = g_date_time_format (when, "%-d %b %Y");

      if (pb_access_review_is_overdue (reviewed_at, pb_clock_now_unix ()))
        text = g_strdup_printf (_ ("Last reviewed %s by %s — overdue: the policy promises a "
                                   "review at least every 90 days."),
                                date, reviewer);
      else
        text = g_strdup_printf (_ ("Last reviewed %s by %s"), date, reviewer);
    }
  gtk_label_set_text (GTK_LABEL (label), text);
  if (pb_access_review_is_overdue (reviewed_at, pb_clock_now_unix ()))
    gtk_widget_add_css_class (label, "warning");
  else
    gtk_widget_remove_css_class (label, "warning");
}

static void
on_loaded_cb (GObject *source_object, GAsyncResult *result, gpointer user_data)
{
  PbOperatorsPage *self = PB_OPERATORS_PAGE (source_object);
  LoadJob *job = NULL;
  g_autoptr (GError) error = NULL;

  if (!pb_page_run_finish (PB_PAGE (self), result, (gpointer *)&job, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      self->loading = FALSE;
      update_busy (self);
      {
        g_autofree char *text
            = g_strdup_printf (_ ("The operators could not be loaded: %s"), error->message);
        show_toast (self, text);
      }
      return;
    }

  self->loading = FALSE;
  g_list_store_splice (self->operators, 0,
                       g_list_model_get_n_items (G_LIST_MODEL (self->operators)),
                       job->operators->pdata, job->operators->len);
  update_review_label (self, job->reviewed_at, job->reviewer);
  update_busy (self);
}

static void
pb_operators_page_reload_page (PbPage *page)
{
  PbOperatorsPage *self = PB_OPERATORS_PAGE (page);

  if (!pb_session_can (get_session (self), PB_ACTION_MANAGE_PACKERS))
    return;

  self->loading = TRUE;
  update_busy (self);
  pb_page_run_load (page, load_work, g_new0 (LoadJob, 1), (GDestroyNotify)load_job_free,
                    on_loaded_cb);
}

void
pb_operators_page_reload (PbOperatorsPage *self)
{
  g_return_if_fail (PB_IS_OPERATORS_PAGE (self));

  pb_page_reload (PB_PAGE (self));
}

/* Operator changes: each runs the session's own (permission-checked,
 * audited) function in a worker, since setting a password runs the KDF. */

typedef enum
{
  OP_ADD,
  OP_DISABLE,
  OP_ENABLE,
  OP_UNLOCK,
  OP_RESET_PASSWORD,
  OP_RESET_TOTP,
  OP_CHANGE_ROLE,
  OP_MARK_REVIEWED,
  OP_REKEY,
} OpKind;

typedef struct
{
  OpKind kind;
  PbSession *session;
  char *username;
  char *full_name;
  char *password; /* wiped when freed */
  PbRole role;
  char *totp_uri; /* wiped when freed */
  guint count;
  char *recovery; /* OP_REKEY: the new recovery code, wiped when freed */
  GStrv removed;  /* OP_REKEY: slots of format 1 that were removed */
  PbBackupRekeyResult backups;
} OpJob;

static void
op_job_free (OpJob *job)
{
  g_clear_object (&job->session);
  g_free (job->username);
  g_free (job->full_name);
  g_clear_pointer (&job->password, pb_secure_free_string);
  g_clear_pointer (&job->totp_uri, pb_secure_free_string);
  g_clear_pointer (&job->recovery, pb_secure_free_string);
  g_clear_pointer (&job->removed, g_strfreev);
  g_free (job);
}

static void
op_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  OpJob *job = task_data;
  g_autoptr (GError) error = NULL;
  gboolean ok = FALSE;

  switch (job->kind)
    {
      case OP_ADD:
        ok = pb_session_add_operator (job->session, job->username, job->full_name, job->role,
                                      job->password, &job->totp_uri, &error);
        break;
      case OP_DISABLE:
        ok = pb_session_disable_operator (job->session, job->username, &error);
        break;
      case OP_ENABLE:
        ok = pb_session_enable_operator (job->session, job->username, job->password, &error);
        break;
      case OP_UNLOCK:
        ok = pb_session_unlock_operator (job->session, job->username, &error);
        break;
      case OP_RESET_PASSWORD:
        ok = pb_session_set_password (job->session, job->username, job->password, &error);
        break;
      case OP_RESET_TOTP:
        ok = pb_session_reset_totp (job->session, job->username, &job->totp_uri, &error);
        break;
      case OP_CHANGE_ROLE:
        ok = pb_session_set_role (job->session, job->username, job->role, &job->totp_uri, &error);
        break;
      case OP_MARK_REVIEWED:
        ok = pb_session_mark_access_reviewed (job->session, &job->count, &error);
        break;
      case OP_REKEY:
        ok = pb_site_bench_check_rekey (pb_session_get_store (job->session), &error)
             && pb_session_rekey (job->session, job->password, pb_backup_rekey_all, &job->backups,
                                  &job->recovery, &job->removed, &error);
        break;
      default:
        g_assert_not_reached ();
    }
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

static char *
secret_from_uri (const char *uri)
{
  const char *start = strstr (uri, "secret=");
  const char *end;

  if (start == NULL)
    return NULL;
  start += strlen ("secret=");
  end = strchr (start, '&');
  return g_strndup (start, end != NULL ? (gsize)(end - start) : strlen (start));
}

static void
on_dialog_destroy_cb (PbOperatorsPage *self, GtkWidget *dialog)
{
  if (self->dialog == ADW_MESSAGE_DIALOG (dialog))
    self->dialog = NULL;
}

static AdwMessageDialog *
new_dialog (PbOperatorsPage *self, const char *heading, const char *body)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (
      adw_message_dialog_new (pb_page_get_window (PB_PAGE (self)), heading, body));

  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  gtk_window_set_hide_on_close (GTK_WINDOW (dialog), FALSE);
  if (self->dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->dialog));
  self->dialog = dialog;
  g_signal_connect_object (dialog, "destroy", G_CALLBACK (on_dialog_destroy_cb), self,
                           G_CONNECT_SWAPPED);
  return dialog;
}

/* Shows a new second factor once: the otpauth URI and its secret as text. */
static void
show_totp (PbOperatorsPage *self, const char *username, const char *uri)
{
  g_autofree char *heading = g_strdup_printf (_ ("Second Factor for %s"), username);
  AdwMessageDialog *dialog
      = new_dialog (self, heading,
                    _ ("Add this to the operator’s authenticator app now. It is shown only once."));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  g_autofree char *secret = secret_from_uri (uri);
  GtkWidget *secret_label = gtk_label_new (secret);
  GtkWidget *uri_label = gtk_label_new (uri);

  GtkWidget *qr_code = pb_qr_code_new ();

  /* The authenticator app scans this; the key below is for typing in. */
  pb_qr_code_set_text (PB_QR_CODE (qr_code), uri);
  gtk_widget_set_size_request (qr_code, 200, 200);
  gtk_widget_set_halign (qr_code, GTK_ALIGN_CENTER);
  gtk_widget_set_name (qr_code, "totp-qr-code");
  gtk_box_append (GTK_BOX (box), qr_code);

  gtk_label_set_selectable (GTK_LABEL (secret_label), TRUE);
  gtk_widget_add_css_class (secret_label, "monospace");
  gtk_widget_add_css_class (secret_label, "title-4");
  gtk_widget_set_name (secret_label, "totp-secret");
  gtk_accessible_update_property (GTK_ACCESSIBLE (secret_label), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Secret key"), -1);
  gtk_label_set_selectable (GTK_LABEL (uri_label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (uri_label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (uri_label), PANGO_WRAP_CHAR);
  gtk_widget_add_css_class (uri_label, "monospace");
  gtk_widget_add_css_class (uri_label, "caption");
  gtk_widget_set_name (uri_label, "totp-uri");
  gtk_accessible_update_property (GTK_ACCESSIBLE (uri_label), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Authenticator link"), -1);
  gtk_box_append (GTK_BOX (box), secret_label);
  gtk_box_append (GTK_BOX (box), uri_label);
  adw_message_dialog_set_extra_child (dialog, box);
  adw_message_dialog_add_response (dialog, "done", _ ("_Done"));
  if (secret != NULL)
    OPENSSL_cleanse (secret, strlen (secret));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void offer_rekey (PbOperatorsPage *self, const char *disabled);

static void
on_recovery_written_toggled_cb (GtkCheckButton *check, AdwMessageDialog *dialog)
{
  adw_message_dialog_set_response_enabled (dialog, "done", gtk_check_button_get_active (check));
}

static void
on_recovery_dialog_response_cb (AdwMessageDialog *dialog, const char *response, GtkLabel *label)
{
  gtk_label_set_text (label, "");
}

/* After a re-key: the new recovery code, once, as the first-run assistant
 * shows it (closed only once it is written down). */
static void
show_recovery_code (PbOperatorsPage *self, const char *code, const char *const *removed)
{
  g_autoptr (GString) body = g_string_new (
      _ ("Write the new recovery code down and keep it somewhere safe: it is shown only once. "
         "The old recovery code no longer works."));
  AdwMessageDialog *dialog;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *label = gtk_label_new (code);
  GtkWidget *check = gtk_check_button_new_with_mnemonic (_ ("I have _written the code down"));

  if (removed != NULL && removed[0] != NULL)
    {
      g_autofree char *names = g_strjoinv (", ", (char **)removed);

      g_string_append (body, "\n\n");
      g_string_append_printf (
          body,
          _ ("These operators had not logged in since Packbench could re-key without their "
             "password, so they cannot log in now: %s. Reset their passwords."),
          names);
    }
  dialog = new_dialog (self, _ ("New Recovery Code"), body->str);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "monospace");
  gtk_widget_add_css_class (label, "title-4");
  gtk_widget_set_name (label, "recovery-code");
  gtk_accessible_update_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Recovery code"), -1);
  gtk_widget_set_name (check, "recovery-written");
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), check);
  adw_message_dialog_set_extra_child (dialog, box);
  adw_message_dialog_add_response (dialog, "done", _ ("_Done"));
  adw_message_dialog_set_response_enabled (dialog, "done", FALSE);
  g_signal_connect (check, "toggled", G_CALLBACK (on_recovery_written_toggled_cb), dialog);
  g_signal_connect (dialog, "response", G_CALLBACK (on_recovery_dialog_response_cb), label);
  gtk_window_present (GTK_WINDOW (dialog));
}

static char *
done_message (OpJob *job)
{
  const char *name = job->username;

  switch (job->kind)
    {
      case OP_ADD:
        return g_strdup_printf (
            _ ("Added %s. The password is temporary: it must be changed at the first login."),
            name);
      case OP_DISABLE:
        return g_strdup_printf (_ ("%s is disabled and can no longer log in."), name);
      case OP_ENABLE:
        return g_strdup_printf (_ ("%s is enabled again, with a temporary password."), name);
      case OP_UNLOCK:
        return g_strdup_printf (_ ("%s is unlocked."), name);
      case OP_RESET_PASSWORD:
        return g_strdup_printf (_ ("%s has a new temporary password."), name);
      case OP_RESET_TOTP:
        return g_strdup_printf (_ ("%s has a new second factor."), name);
      case OP_CHANGE_ROLE:
        return g_strdup_printf (_ ("%s has a new role."), name);
      case OP_REKEY:
        return g_strdup_printf (ngettext ("The store has a new key; %u backup was re-keyed.",
                                          "The store has a new key; %u backups were re-keyed.",
                                          job->backups.rekeyed),
                                job->backups.rekeyed);
      case OP_MARK_REVIEWED:
      default:
        return g_strdup_printf (
            ngettext ("Access reviewed: %u operator", "Access reviewed: %u operators", job->count),
            job->count);
    }
}

static void
on_people_pushed_cb (GObject *source_object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (PbOperatorsPage) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!pb_site_bench_push_finish (PB_STORE (source_object), result, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_toast (self, error->message);
}

static void
on_op_done_cb (GObject *source_object, GAsyncResult *result, gpointer user_data)
{
  PbOperatorsPage *self = PB_OPERATORS_PAGE (source_object);
  OpJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error)
      && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->working = FALSE;
  update_busy (self);
  if (error != NULL)
    text = g_strdup (error->message);
  else
    text = done_message (job);
  show_toast (self, text);
  /* In a site, the other benches have the change from their next login. */
  if (error == NULL && job->kind != OP_MARK_REVIEWED && job->kind != OP_REKEY
      && job->username != NULL)
    pb_site_bench_push_operator_async (pb_session_get_store (job->session), job->username,
                                       pb_page_get_cancellable (PB_PAGE (self)),
                                       on_people_pushed_cb, g_object_ref (self));
  if (error == NULL && job->totp_uri != NULL)
    show_totp (self, job->username, job->totp_uri);
  if (error == NULL && job->kind == OP_DISABLE
      && pb_session_can (job->session, PB_ACTION_MANAGE_ALL_USERS))
    offer_rekey (self, job->username);
  if (error == NULL && job->kind == OP_REKEY)
    show_recovery_code (self, job->recovery, (const char *const *)job->removed);
  pb_operators_page_reload (self);
}

static void
run_op (PbOperatorsPage *self, OpJob *job)
{
  g_autoptr (GTask) task = NULL;

  if (self->working)
    {
      op_job_free (job);
      return;
    }
  job->session = g_object_ref (get_session (self));
  self->working = TRUE;
  update_busy (self);

  task = g_task_new (self, pb_page_get_cancellable (PB_PAGE (self)), on_op_done_cb, NULL);
  g_task_set_source_tag (task, run_op);
  g_task_set_task_data (task, job, (GDestroyNotify)op_job_free);
  g_task_run_in_thread (task, op_thread);
}

/* Dialogs */

typedef struct
{
  PbOperatorsPage *self;
  OpKind kind;
  char *username; /* the operator changed (NULL when adding) */
  GtkEditable *username_entry;
  GtkEditable *full_name_entry;
  GtkDropDown *role_dropdown;
  PbRole roles[PB_N_ROLES];
  GtkEditable *password_entry;
  GtkEditable *repeat_entry;
  GtkEditable *own_password_entry; /* OP_REKEY: the administrator's own */
  PbPasswordRules *rules;
  const char *response; /* the response that applies */
} DialogData;

static void
dialog_data_free (DialogData *data)
{
  g_free (data->username);
  g_free (data);
}

static GtkWidget *
labelled_entry (GtkWidget *box, GtkWidget *entry, const char *label_text, const char *name)
{
  GtkWidget *label = gtk_label_new_with_mnemonic (label_text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), entry);
  gtk_widget_set_name (entry, name);
  /* The mnemonic label names the entry (labelled-by); an accessible label
   * as well would double the name ("Username Username") in GTK 4.8. */
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), entry);
  return entry;
}

static void
update_dialog (DialogData *data)
{
  const char *username = data->username;
  gboolean ready = TRUE;

  if (data->username_entry != NULL)
    {
      username = gtk_editable_get_text (data->username_entry);
      ready = *username != '\0';
    }

  if (data->own_password_entry != NULL)
    ready = *gtk_editable_get_text (data->own_password_entry) != '\0';

  if (data->password_entry != NULL)
    ready = pb_password_rules_update (data->rules, username,
                                      gtk_editable_get_text (data->password_entry),
                                      gtk_editable_get_text (data->repeat_entry))
            && ready;

  if (data->self->dialog != NULL)
    adw_message_dialog_set_response_enabled (data->self->dialog, data->response, ready);
}

static void
on_dialog_entry_changed_cb (GtkEditable *editable, DialogData *data)
{
  update_dialog (data);
}

static void
add_password_fields (DialogData *data, GtkWidget *box)
{
  data->password_entry = GTK_EDITABLE (
      labelled_entry (box, g_object_new (GTK_TYPE_PASSWORD_ENTRY, "show-peek-icon", TRUE, NULL),
                      _ ("_Temporary password"), "password"));
  data->repeat_entry = GTK_EDITABLE (
      labelled_entry (box, gtk_password_entry_new (), _ ("_Repeat the password"), "repeat"));
  data->rules = PB_PASSWORD_RULES (pb_password_rules_new ());
  gtk_widget_set_margin_top (GTK_WIDGET (data->rules), 6);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (data->rules));
  g_signal_connect (data->password_entry, "changed", G_CALLBACK (on_dialog_entry_changed_cb), data);
  g_signal_connect (data->repeat_entry, "changed", G_CALLBACK (on_dialog_entry_changed_cb), data);
}

/* Roles this operator may give: a supervisor only packers. */
static void
add_role_field (DialogData *data, GtkWidget *box, PbRole current)
{
  g_autoptr (GtkStringList) names = gtk_string_list_new (NULL);
  PbRole mine = pb_session_get_role (get_session (data->self));
  guint n = 0;
  guint selected = 0;

  for (PbRole role = PB_ROLE_PACKER; role < PB_N_ROLES; role++)
    if (pb_permission_can_manage (mine, role))
      {
        if (role == current)
          selected = n;
        data->roles[n++] = role;
        gtk_string_list_append (names, pb_role_display_name (role));
      }
  data->role_dropdown = GTK_DROP_DOWN (labelled_entry (
      box, gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&names)), NULL), _ ("R_ole"), "role"));
  gtk_drop_down_set_selected (data->role_dropdown, selected);
}

static void
on_dialog_response_cb (AdwMessageDialog *dialog, const char *response, DialogData *data)
{
  PbOperatorsPage *self = data->self;
  OpJob *job;

  if (!g_str_equal (response, data->response))
    return;

  job = g_new0 (OpJob, 1);
  job->kind = data->kind;
  job->username = g_strdup (
      data->username_entry != NULL ? gtk_editable_get_text (data->username_entry) : data->username);
  if (data->full_name_entry != NULL)
    job->full_name = g_strdup (gtk_editable_get_text (data->full_name_entry));
  if (data->password_entry != NULL)
    {
      job->password = g_strdup (gtk_editable_get_text (data->password_entry));
      gtk_editable_set_text (data->password_entry, "");
      gtk_editable_set_text (data->repeat_entry, "");
    }
  if (data->own_password_entry != NULL)
    {
      job->password = g_strdup (gtk_editable_get_text (data->own_password_entry));
      gtk_editable_set_text (data->own_password_entry, "");
    }
  if (data->role_dropdown != NULL)
    job->role = data->roles[gtk_drop_down_get_selected (data->role_dropdown)];
  run_op (self, job);
}

static AdwMessageDialog *
open_dialog (PbOperatorsPage *self, OpKind kind, const char *username, const char *heading,
             const char *body, const char *response, const char *response_label,
             gboolean destructive)
{
  AdwMessageDialog *dialog = new_dialog (self, heading, body);
  DialogData *data = g_new0 (DialogData, 1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);

  data->self = self;
  data->kind = kind;
  data->username = g_strdup (username);
  data->response = response;
  g_object_set_data_full (G_OBJECT (dialog), "pb-dialog-data", data,
                          (GDestroyNotify)dialog_data_free);

  adw_message_dialog_add_responses (dialog, "cancel", _ ("_Cancel"), response, response_label,
                                    NULL);
  adw_message_dialog_set_response_appearance (
      dialog, response, destructive ? ADW_RESPONSE_DESTRUCTIVE : ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, response);
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (on_dialog_response_cb), data);

  if (kind == OP_ADD)
    {
      data->username_entry
          = GTK_EDITABLE (labelled_entry (box, gtk_entry_new (), _ ("_Username"), "username"));
      data->full_name_entry
          = GTK_EDITABLE (labelled_entry (box, gtk_entry_new (), _ ("_Full name"), "full-name"));
      g_signal_connect (data->username_entry, "changed", G_CALLBACK (on_dialog_entry_changed_cb),
                        data);
      add_role_field (data, box, PB_ROLE_PACKER);
      add_password_fields (data, box);
    }
  else if (kind == OP_ENABLE || kind == OP_RESET_PASSWORD)
    add_password_fields (data, box);
  else if (kind == OP_REKEY)
    {
      /* A plain entry: GTK 4.8's GtkPasswordEntry, focused in a dialog that
       * is destroyed while shown, leaves a handler on a freed entry (a
       * crash when the recovery code dialog replaces this one). */
      GtkWidget *entry = g_object_new (GTK_TYPE_ENTRY, "visibility", FALSE, "input-purpose",
                                       GTK_INPUT_PURPOSE_PASSWORD, NULL);

      data->own_password_entry
          = GTK_EDITABLE (labelled_entry (box, entry, _ ("Your _password"), "own-password"));
      g_signal_connect (data->own_password_entry, "changed",
                        G_CALLBACK (on_dialog_entry_changed_cb), data);
    }
  else if (kind == OP_CHANGE_ROLE)
    {
      g_autoptr (PbOperator) op
          = pb_operator_find (pb_session_get_store (get_session (self)), username, NULL);

      add_role_field (data, box, op != NULL ? pb_operator_get_role (op) : PB_ROLE_PACKER);
    }

  if (gtk_widget_get_first_child (box) != NULL)
    adw_message_dialog_set_extra_child (dialog, box);
  else
    g_object_ref_sink (box), g_object_unref (box);
  update_dialog (data);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

static void
add_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  PbOperatorsPage *self = PB_OPERATORS_PAGE (widget);

  open_dialog (self, OP_ADD, NULL, _ ("Add Operator"),
               _ ("The password you choose is temporary: the operator must change it at the first "
                  "login. Supervisors and administrators also enrol a second factor."),
               "add", _ ("_Add"), FALSE);
}

static void
disable_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  const char *name = g_variant_get_string (parameter, NULL);
  g_autofree char *heading = g_strdup_printf (_ ("Disable %s?"), name);

  open_dialog (PB_OPERATORS_PAGE (widget), OP_DISABLE, name, heading,
               _ ("Their password stops working at once. The account can be enabled again with "
                  "a new temporary password."),
               "disable", _ ("_Disable"), TRUE);
}

/* Offered whenever an administrator disables someone: a copy of an old
 * keyslot file or backup would still open the store with the disabled
 * password until the key changes (docs/DECISIONS.md, "Re-keying"). */
static void
offer_rekey (PbOperatorsPage *self, const char *disabled)
{
  g_autofree char *body = g_strdup_printf (
      _ ("%s’s password no longer opens this store, but with an old copy of a backup or of the "
         "keyslot file it still would. A new key closes that: every other operator keeps their "
         "password, the backups are re-keyed, and a new recovery code is shown once."),
      disabled);

  open_dialog (self, OP_REKEY, NULL, _ ("Change the Store’s Key?"), body, "rekey",
               _ ("Change _Key"), FALSE);
}

static void
enable_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  const char *name = g_variant_get_string (parameter, NULL);
  g_autofree char *heading = g_strdup_printf (_ ("Enable %s"), name);

  open_dialog (PB_OPERATORS_PAGE (widget), OP_ENABLE, name, heading,
               _ ("Choose a temporary password; it must be changed at the next login."), "enable",
               _ ("_Enable"), FALSE);
}

static void
reset_password_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  const char *name = g_variant_get_string (parameter, NULL);
  g_autofree char *heading = g_strdup_printf (_ ("Reset Password for %s"), name);

  open_dialog (PB_OPERATORS_PAGE (widget), OP_RESET_PASSWORD, name, heading,
               _ ("Choose a temporary password; it must be changed at the next login. This also "
                  "unlocks the account."),
               "reset", _ ("_Reset Password"), FALSE);
}

static void
reset_totp_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  const char *name = g_variant_get_string (parameter, NULL);
  g_autofree char *heading = g_strdup_printf (_ ("Reset Two-Step Verification for %s?"), name);

  open_dialog (PB_OPERATORS_PAGE (widget), OP_RESET_TOTP, name, heading,
               _ ("Their authenticator app stops working for Packbench. A new key is shown once, "
                  "to add to the app."),
               "reset", _ ("_Reset"), TRUE);
}

static void
change_role_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  const char *name = g_variant_get_string (parameter, NULL);
  g_autofree char *heading = g_strdup_printf (_ ("Change Role of %s"), name);

  open_dialog (PB_OPERATORS_PAGE (widget), OP_CHANGE_ROLE, name, heading,
               _ ("Supervisors and administrators must use a second factor; one is enrolled when "
                  "needed."),
               "change", _ ("_Change Role"), FALSE);
}

static void
unlock_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  OpJob *job = g_new0 (OpJob, 1);

  job->kind = OP_UNLOCK;
  job->username = g_strdup (g_variant_get_string (parameter, NULL));
  run_op (PB_OPERATORS_PAGE (widget), job);
}

static void
mark_reviewed_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  OpJob *job = g_new0 (OpJob, 1);

  job->kind = OP_MARK_REVIEWED;
  run_op (PB_OPERATORS_PAGE (widget), job);
}

/* GObject */

static void
pb_operators_page_constructed (GObject *object)
{
  PbOperatorsPage *self = PB_OPERATORS_PAGE (object);

  G_OBJECT_CLASS (pb_operators_page_parent_class)->constructed (object);

  gtk_widget_set_visible (GTK_WIDGET (self->review_button),
                          pb_session_can (get_session (self), PB_ACTION_REVIEW_ACCESS));
  gtk_widget_set_visible (GTK_WIDGET (self->add_button),
                          pb_session_can (get_session (self), PB_ACTION_MANAGE_PACKERS));
  gtk_list_box_bind_model (self->operators_box, G_LIST_MODEL (self->operators), create_row, self,
                           NULL);
  update_busy (self);
}

static void
pb_operators_page_dispose (GObject *object)
{
  PbOperatorsPage *self = PB_OPERATORS_PAGE (object);

  if (self->dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->dialog));
  self->dialog = NULL;
  if (self->operators_box != NULL)
    gtk_list_box_bind_model (self->operators_box, NULL, NULL, NULL, NULL);
  self->operators_box = NULL;
  G_OBJECT_CLASS (pb_operators_page_parent_class)->dispose (object);
}

static void
pb_operators_page_finalize (GObject *object)
{
  PbOperatorsPage *self = PB_OPERATORS_PAGE (object);

  g_clear_object (&self->operators);
  G_OBJECT_CLASS (pb_operators_page_parent_class)->finalize (object);
}

static void
pb_operators_page_class_init (PbOperatorsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  PbPageClass *page_class = PB_PAGE_CLASS (klass);

  object_class->constructed = pb_operators_page_constructed;
  object_class->dispose = pb_operators_page_dispose;
  object_class->finalize = pb_operators_page_finalize;
  page_class->reload = pb_operators_page_reload_page;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/pb-operators-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PbOperatorsPage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, PbOperatorsPage, review_label);
  gtk_widget_class_bind_template_child (widget_class, PbOperatorsPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, PbOperatorsPage, review_button);
  gtk_widget_class_bind_template_child (widget_class, PbOperatorsPage, add_button);
  gtk_widget_class_bind_template_child (widget_class, PbOperatorsPage, operators_box);

  gtk_widget_class_install_action (widget_class, "operators.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "operators.mark-reviewed", NULL,
                                   mark_reviewed_action);
  gtk_widget_class_install_action (widget_class, "operators.disable", "s", disable_action);
  gtk_widget_class_install_action (widget_class, "operators.enable", "s", enable_action);
  gtk_widget_class_install_action (widget_class, "operators.unlock", "s", unlock_action);
  gtk_widget_class_install_action (widget_class, "operators.reset-password", "s",
                                   reset_password_action);
  gtk_widget_class_install_action (widget_class, "operators.reset-totp", "s", reset_totp_action);
  gtk_widget_class_install_action (widget_class, "operators.change-role", "s", change_role_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "operators.add",
                                       NULL);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
pb_operators_page_init (PbOperatorsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->operators = g_list_store_new (PB_TYPE_OPERATOR);
}

/**
 * pb_operators_page_new:
 * @session: a READY session allowed to manage packers
 * @station: (nullable): the window's background work
 *
 * Returns: (transfer full): a new operators page
 */
GtkWidget *
pb_operators_page_new (PbSession *session, PbStation *station)
{
  g_return_val_if_fail (PB_IS_SESSION (session), NULL);

  return g_object_new (PB_TYPE_OPERATORS_PAGE, "session", session, "station", station, NULL);
}

gboolean
pb_operators_page_get_busy (PbOperatorsPage *self)
{
  g_return_val_if_fail (PB_IS_OPERATORS_PAGE (self), FALSE);
  return pb_page_get_busy (PB_PAGE (self));
}

GtkWindow *
pb_operators_page_get_dialog (PbOperatorsPage *self)
{
  g_return_val_if_fail (PB_IS_OPERATORS_PAGE (self), NULL);
  return self->dialog != NULL ? GTK_WINDOW (self->dialog) : NULL;
}
