/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "pb-cli-common.h"
#include "station/pb-site-bench.h"
#include "store/pb-keyslots.h"
#include "store/pb-password-policy.h"
#include "station/pb-backup.h"
#include "store/pb-store.h"
#include "util/pb-clock.h"
#include "util/pb-secure.h"

static char *
read_line (FILE *in)
{
  char *line = NULL;
  size_t size = 0;
  ssize_t len = getline (&line, &size, in);
  char *copy;

  if (len < 0)
    {
      if (line)
        pb_secure_wipe (line, size);
      free (line);
      return NULL;
    }
  while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
    line[--len] = '\0';
  copy = g_strdup (line);
  pb_secure_wipe (line, size);
  free (line);
  return copy;
}

char *
pb_cli_read_secret (const char *prompt)
{
  struct termios old, quiet;
  FILE *tty;
  char *secret;

  if (!isatty (STDIN_FILENO))
    return read_line (stdin);

  tty = fopen ("/dev/tty", "r+");
  if (tty == NULL)
    return read_line (stdin);

  fprintf (tty, "%s", prompt);
  fflush (tty);
  tcgetattr (fileno (tty), &old);
  quiet = old;
  quiet.c_lflag &= ~(tcflag_t)ECHO;
  tcsetattr (fileno (tty), TCSAFLUSH, &quiet);
  secret = read_line (tty);
  tcsetattr (fileno (tty), TCSAFLUSH, &old);
  fprintf (tty, "\n");
  fclose (tty);
  return secret;
}

char *
pb_cli_read_new_password (const char *prompt)
{
  char *first = pb_cli_read_secret (prompt);
  char *second;

  if (first == NULL || !isatty (STDIN_FILENO))
    return first;

  second = pb_cli_read_secret (_ ("Type it again: "));
  if (second == NULL || g_strcmp0 (first, second) != 0)
    {
      fprintf (stderr, "%s\n", _ ("The two passwords differ."));
      pb_secure_free_string (first);
      if (second)
        pb_secure_free_string (second);
      return NULL;
    }
  pb_secure_free_string (second);
  return first;
}

char *
pb_cli_store_dir (PbCliContext *ctx)
{
  if (ctx->store_dir != NULL)
    return g_strdup (ctx->store_dir);
  return pb_store_default_dir ();
}

int
pb_cli_fail (const GError *error)
{
  fprintf (stderr, "%s\n", error->message);

  if (error->domain == PB_SESSION_ERROR)
    switch (error->code)
      {
        case PB_SESSION_ERROR_AUTH:
          return PB_EXIT_AUTH;
        case PB_SESSION_ERROR_LOCKED_OUT:
          return PB_EXIT_LOCKED_OUT;
        case PB_SESSION_ERROR_NOT_PERMITTED:
          return PB_EXIT_NOT_PERMITTED;
        default:
          return PB_EXIT_FAILED;
      }
  return PB_EXIT_FAILED;
}

int
pb_cli_usage (const char *usage, const char *message)
{
  if (message != NULL)
    fprintf (stderr, "%s\n", message);
  fprintf (stderr, _ ("Usage: packbenchctl [--store DIR] %s\n"), usage);
  return PB_EXIT_USAGE;
}

gboolean
pb_cli_parse (GOptionEntry *entries, const char *synopsis, int *argc, char ***argv, int *exit_code)
{
  return pb_cli_parse_described (entries, synopsis, NULL, argc, argv, exit_code);
}

gboolean
pb_cli_parse_described (GOptionEntry *entries, const char *synopsis, const char *description,
                        int *argc, char ***argv, int *exit_code)
{
  g_autoptr (GOptionContext) context = g_option_context_new (synopsis);
  g_autoptr (GError) error = NULL;

  g_option_context_set_help_enabled (context, TRUE);
  if (description != NULL)
    g_option_context_set_description (context, description);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      *exit_code = pb_cli_usage (synopsis, error->message);
      return FALSE;
    }
  return TRUE;
}

typedef char PbSecretString;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PbSecretString, pb_secure_free_string)

PbSession *
pb_cli_login (PbCliContext *ctx, const char *username, int *exit_code)
{
  return pb_cli_login_keep_password (ctx, username, NULL, exit_code);
}

/* pb_cli_login() that hands the password over in @password_out (free it
 * with pb_secure_free_string()), for a command that needs it again. */
PbSession *
pb_cli_login_keep_password (PbCliContext *ctx, const char *username, char **password_out,
                            int *exit_code)
{
  g_autofree char *prompt = NULL;
  PbSession *session;
  char *password;

  if (username == NULL)
    {
      *exit_code
          = pb_cli_usage ("COMMAND … --user NAME",
                          _ ("This command opens the store: say who you are with --user NAME."));
      return NULL;
    }

  prompt = g_strdup_printf (_ ("Password for %s: "), username);
  password = pb_cli_read_secret (prompt);
  if (password == NULL)
    {
      fprintf (stderr, "%s\n", _ ("No password given."));
      *exit_code = PB_EXIT_AUTH;
      return NULL;
    }

  session = pb_cli_login_with_password (ctx, username, password, exit_code);
  if (password_out != NULL && session != NULL)
    *password_out = password;
  else
    pb_secure_free_string (password);
  return session;
}

/* Site mode: a step that could not reach the site is a warning; the bench
 * goes on with its own copy (packing itself needs the site, and says so). */
static void
warn_site (const GError *error)
{
  fprintf (stderr, _ ("Warning: the site database was not updated: %s\n"), error->message);
}

PbSite *
pb_cli_site (PbCliContext *ctx)
{
  g_autofree char *dir = NULL;
  g_autoptr (GError) error = NULL;

  if (ctx->site_tried)
    return ctx->site;
  ctx->site_tried = TRUE;
  dir = pb_cli_store_dir (ctx);
  if (!pb_site_config_exists (dir))
    return NULL;
  ctx->site = pb_site_open (dir, &error);
  if (ctx->site == NULL)
    fprintf (stderr, _ ("Warning: the site database cannot be reached: %s\n"), error->message);
  return ctx->site;
}

/* The store is open, the operator's record not yet read: the site's
 * operators and settings come in first. */
static void
pull_people (PbStore *store, const char *username, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (!pb_site_bench_pull_people (user_data, store, "site", &error))
    warn_site (error);
}

PbSession *
pb_cli_login_with_password (PbCliContext *ctx, const char *username, const char *password,
                            int *exit_code)
{
  g_autofree char *dir = pb_cli_store_dir (ctx);
  g_autoptr (PbSession) session = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) site_error = NULL;
  PbSite *site = pb_cli_site (ctx);

  /* The site's keyslots first: operators added, disabled or reset at
   * another bench, and failed logins counted there. */
  if (site != NULL && !pb_site_bench_fetch_keyslots (site, dir, &site_error))
    warn_site (site_error);
  g_clear_error (&site_error);
  session
      = pb_session_login_full (dir, username, password, site ? pull_people : NULL, site, &error);
  if (site != NULL && !pb_site_bench_publish_keyslots (site, dir, &site_error))
    warn_site (site_error);
  g_clear_error (&site_error);
  if (session == NULL)
    {
      *exit_code = pb_cli_fail (error);
      return NULL;
    }

  if (pb_session_get_stage (session) == PB_SESSION_STAGE_NEEDS_TOTP)
    {
      char *code = pb_cli_read_secret (_ ("Code from your authenticator app: "));

      if (!pb_session_verify_totp (session, code, &error))
        {
          if (code)
            pb_secure_free_string (code);
          *exit_code = pb_cli_fail (error);
          return NULL;
        }
      pb_secure_free_string (code);
    }

  if (pb_session_get_stage (session) == PB_SESSION_STAGE_NEEDS_NEW_PASSWORD)
    {
      char *new_password;

      fprintf (stderr, "%s\n", _ ("Your password is temporary or has expired: choose a new one."));
      new_password = pb_cli_read_new_password (_ ("New password: "));
      if (new_password == NULL)
        {
          fprintf (stderr, "%s\n", _ ("No new password given; nothing was changed."));
          *exit_code = PB_EXIT_AUTH;
          return NULL;
        }
      if (!pb_session_set_new_password (session, new_password, &error))
        {
          pb_secure_free_string (new_password);
          *exit_code = pb_cli_fail (error);
          return NULL;
        }
      pb_secure_free_string (new_password);
    }

  if (site != NULL)
    {
      if (!pb_site_bench_publish_keyslots (site, dir, &site_error)
          || !pb_site_push_operators (site, pb_session_get_store (session), &site_error))
        warn_site (site_error);
      g_clear_error (&site_error);
      ctx->session = g_object_ref (session);
    }

  /* Every time the store opens, customer data past its retention period
   * goes first. A failure is reported and audited, and work goes on. */
  if (!ctx->no_open_purge && !pb_backup_purge_on_open (pb_session_get_store (session), &error))
    {
      fprintf (stderr, _ ("Warning: the retention purge did not finish: %s\n"), error->message);
      pb_session_audit (session, "retention.purge_failed", NULL, "failed", NULL, NULL);
      g_clear_error (&error);
    }

  return g_steal_pointer (&session);
}

char *
pb_cli_printable (const char *text)
{
  g_autofree char *valid = NULL;
  GString *out;

  if (text == NULL)
    return NULL;
  valid = g_utf8_make_valid (text, -1);
  out = g_string_sized_new (strlen (valid));
  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c))
        g_string_append_c (out, ' ');
      else
        g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

char *
pb_cli_format_time (gint64 unix_time)
{
  if (unix_time <= 0)
    return g_strdup ("-");
  return pb_clock_format_iso8601 (unix_time);
}

void
pb_cli_print_json (JsonBuilder *builder)
{
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = json_builder_get_root (builder);
  g_autofree char *generated = NULL;
  g_autofree char *text = NULL;
  GString *out;

  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  generated = json_generator_to_data (generator, NULL);
  text = g_utf8_make_valid (generated, -1);

  /* json-glib escapes C0 controls but writes DEL and the C1 controls
   * (U+0080–U+009F; U+009B is a terminal's CSI) as they are. They can only
   * stand inside strings, where \u escapes keep them off the terminal. */
  out = g_string_sized_new (strlen (text) + 1);
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c >= 0x7f && c <= 0x9f)
        g_string_append_printf (out, "\\u%04x", (guint)c);
      else
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
    }
  printf ("%s\n", out->str);
  g_string_free (out, TRUE);
}

PbSite *
pb_cli_site_with_audit (PbCliContext *ctx, PbSession *session)
{
  PbSite *site = pb_cli_site (ctx);
  g_autoptr (GError) error = NULL;

  if (site != NULL && !pb_site_push_audit (site, pb_session_get_store (session), NULL, &error))
    fprintf (stderr, _ ("Warning: this bench’s newest audit rows are not in the site yet: %s\n"),
             error->message);
  else if (site != NULL && !pb_site_push_outbox (site, pb_session_get_store (session), &error))
    fprintf (stderr, _ ("Warning: the site does not have this bench’s outbox yet: %s\n"),
             error->message);
  return site;
}

gboolean
pb_cli_parse_since (const char *text, gint64 *out)
{
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr (GDateTime) when = NULL;
  g_autofree char *with_time = NULL;

  when = g_date_time_new_from_iso8601 (text, utc);
  if (when == NULL)
    {
      /* A bare date means its midnight, UTC. */
      with_time = g_strconcat (text, "T00:00:00Z", NULL);
      when = g_date_time_new_from_iso8601 (with_time, utc);
    }
  if (when == NULL)
    return FALSE;
  *out = g_date_time_to_unix (when);
  return TRUE;
}

gboolean
pb_cli_parse_until (const char *text, gint64 *out)
{
  if (!pb_cli_parse_since (text, out))
    return FALSE;
  if (strchr (text, 'T') == NULL && strchr (text, 't') == NULL)
    *out += 24 * 3600 - 1;
  return TRUE;
}
