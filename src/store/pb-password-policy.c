/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "pb-password-policy.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <openssl/crypto.h>

/*
 * The texts below spell out the numbers of the rules so translators see
 * whole sentences; these assertions keep them honest when a number changes.
 */
G_STATIC_ASSERT (PB_PASSWORD_MIN_LENGTH == 12);
#define USERNAME_MAX_LENGTH 32

#define SECONDS_PER_DAY (24 * 60 * 60)

GQuark
pb_password_error_quark (void)
{
  return g_quark_from_static_string ("pb-password-error-quark");
}

/* What a refusal says: which rule failed and what to do about it. */
static const char *const refusals[] = {
  [PB_PASSWORD_ERROR_TOO_SHORT]
  = N_ ("The password must be at least 12 characters long. Add more characters."),
  [PB_PASSWORD_ERROR_CONTAINS_USERNAME]
  = N_ ("The password must not contain the username. Choose a password without it."),
  [PB_PASSWORD_ERROR_NO_UPPER]
  = N_ ("The password must contain an upper-case letter. Add at least one, such as A."),
  [PB_PASSWORD_ERROR_NO_LOWER]
  = N_ ("The password must contain a lower-case letter. Add at least one, such as a."),
  [PB_PASSWORD_ERROR_NO_DIGIT]
  = N_ ("The password must contain a digit. Add at least one, such as 7."),
  [PB_PASSWORD_ERROR_NO_SYMBOL] = N_ ("The password must contain a symbol (a character that is "
                                      "not a letter or digit). Add at least one, such as ! or #."),
};

/* The same rules as items of a checklist. */
static const char *const descriptions[] = {
  [PB_PASSWORD_ERROR_TOO_SHORT] = N_ ("At least 12 characters"),
  [PB_PASSWORD_ERROR_CONTAINS_USERNAME] = N_ ("Does not contain the username"),
  [PB_PASSWORD_ERROR_NO_UPPER] = N_ ("An upper-case letter"),
  [PB_PASSWORD_ERROR_NO_LOWER] = N_ ("A lower-case letter"),
  [PB_PASSWORD_ERROR_NO_DIGIT] = N_ ("A digit"),
  [PB_PASSWORD_ERROR_NO_SYMBOL] = N_ ("A symbol, such as ! or #"),
  [PB_PASSWORD_ERROR_INVALID_USERNAME]
  = N_ ("A username of 1 to 32 letters, digits, dots, underscores or hyphens, starting with "
        "a letter or digit"),
};

G_STATIC_ASSERT (G_N_ELEMENTS (refusals) == PB_PASSWORD_ERROR_NO_SYMBOL + 1);
G_STATIC_ASSERT (G_N_ELEMENTS (descriptions) == PB_PASSWORD_ERROR_INVALID_USERNAME + 1);

static void
wipe_string (char *text)
{
  if (text == NULL)
    return;
  OPENSSL_cleanse (text, strlen (text));
  g_free (text);
}

/* Case-insensitive, and blind to compatibility forms such as full-width
 * letters, so "ＡＬＩＣＥ" still counts as containing "alice". The
 * intermediate copy is wiped: it may be the password. */
static char *
fold (const char *text)
{
  char *normalized = g_utf8_normalize (text, -1, G_NORMALIZE_ALL);
  char *folded = g_utf8_casefold (normalized, -1);

  wipe_string (normalized);
  return folded;
}

static gboolean
contains_username (const char *username, const char *password)
{
  g_autofree char *folded_username = NULL;
  char *folded_password;
  gboolean found;

  if (username == NULL || *username == '\0' || !g_utf8_validate (username, -1, NULL))
    return FALSE;

  folded_username = fold (username);
  folded_password = fold (password);
  found = strstr (folded_password, folded_username) != NULL;

  /* The folded password is still the password. */
  wipe_string (folded_password);
  return found;
}

/**
 * pb_password_policy_evaluate:
 * @username: (nullable): the account's username
 * @password: the candidate password, UTF-8
 * @met: (out caller-allocates): one entry per rule, %TRUE when met
 *
 * For a live checklist: which rules @password meets.
 */
void
pb_password_policy_evaluate (const char *username, const char *password,
                             gboolean met[PB_PASSWORD_ERROR_NO_SYMBOL + 1])
{
  gboolean upper = FALSE;
  gboolean lower = FALSE;
  gboolean digit = FALSE;
  gboolean symbol = FALSE;

  g_return_if_fail (password != NULL);
  g_return_if_fail (g_utf8_validate (password, -1, NULL));
  g_return_if_fail (met != NULL);

  for (const char *p = password; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isupper (c))
        upper = TRUE;
      if (g_unichar_islower (c))
        lower = TRUE;
      if (g_unichar_isdigit (c))
        digit = TRUE;
      if (!g_unichar_isalpha (c) && !g_unichar_isdigit (c))
        symbol = TRUE;
    }

  met[PB_PASSWORD_ERROR_TOO_SHORT] = g_utf8_strlen (password, -1) >= PB_PASSWORD_MIN_LENGTH;
  met[PB_PASSWORD_ERROR_CONTAINS_USERNAME] = !contains_username (username, password);
  met[PB_PASSWORD_ERROR_NO_UPPER] = upper;
  met[PB_PASSWORD_ERROR_NO_LOWER] = lower;
  met[PB_PASSWORD_ERROR_NO_DIGIT] = digit;
  met[PB_PASSWORD_ERROR_NO_SYMBOL] = symbol;
}

/**
 * pb_password_policy_check:
 * @username: (nullable): the account's username
 * @password: the candidate password, UTF-8
 * @error: set to the first rule that fails, in #PB_PASSWORD_ERROR
 *
 * Returns: %TRUE when @password meets every rule.
 */
gboolean
pb_password_policy_check (const char *username, const char *password, GError **error)
{
  gboolean met[PB_PASSWORD_ERROR_NO_SYMBOL + 1];

  g_return_val_if_fail (password != NULL, FALSE);
  g_return_val_if_fail (g_utf8_validate (password, -1, NULL), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  pb_password_policy_evaluate (username, password, met);

  for (guint rule = 0; rule < G_N_ELEMENTS (met); rule++)
    {
      if (!met[rule])
        {
          g_set_error_literal (error, PB_PASSWORD_ERROR, (int)rule, _ (refusals[rule]));
          return FALSE;
        }
    }
  return TRUE;
}

/**
 * pb_password_rule_describe:
 * @rule: a rule
 *
 * Returns: (transfer none): the rule as a translated checklist item.
 */
const char *
pb_password_rule_describe (PbPasswordError rule)
{
  g_return_val_if_fail ((guint)rule < G_N_ELEMENTS (descriptions), NULL);

  return _ (descriptions[rule]);
}

/**
 * pb_password_is_expired:
 * @changed_at: when the password was set, seconds since the epoch
 * @now: the current time, seconds since the epoch
 *
 * A password is good for 365 days: from the moment 365 whole days have
 * passed since @changed_at, it is expired.
 *
 * Returns: %TRUE when the password must be changed.
 */
gboolean
pb_password_is_expired (gint64 changed_at, gint64 now)
{
  const gint64 max_age = (gint64)PB_PASSWORD_MAX_AGE_DAYS * SECONDS_PER_DAY;

  /* A password set in the future (a clock that went back) is not expired;
   * comparing this way round cannot overflow for any sane @now. */
  if (now <= changed_at)
    return FALSE;
  return now - changed_at >= max_age;
}

/**
 * pb_username_normalize:
 * @input: a username as typed
 * @error: set with %PB_PASSWORD_ERROR_INVALID_USERNAME when it is not valid
 *
 * Returns: (transfer full) (nullable): the lower-case username, or %NULL.
 */
char *
pb_username_normalize (const char *input, GError **error)
{
  g_autofree char *lower = NULL;
  gsize len;

  g_return_val_if_fail (input != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  len = strlen (input);
  if (len == 0)
    {
      g_set_error_literal (error, PB_PASSWORD_ERROR, PB_PASSWORD_ERROR_INVALID_USERNAME,
                           _ ("The username is empty. Enter a username."));
      return NULL;
    }

  for (gsize i = 0; i < len; i++)
    {
      char c = input[i];

      if (!g_ascii_isalnum (c) && c != '.' && c != '_' && c != '-')
        {
          g_set_error_literal (error, PB_PASSWORD_ERROR, PB_PASSWORD_ERROR_INVALID_USERNAME,
                               _ ("The username may contain only the letters a to z, digits, "
                                  "dots, underscores and hyphens. Remove any other characters, "
                                  "such as spaces."));
          return NULL;
        }
    }

  /* Only ASCII is left, so bytes are characters. */
  if (len > USERNAME_MAX_LENGTH)
    {
      g_set_error_literal (error, PB_PASSWORD_ERROR, PB_PASSWORD_ERROR_INVALID_USERNAME,
                           _ ("The username may be at most 32 characters long. Choose a shorter "
                              "username."));
      return NULL;
    }

  if (!g_ascii_isalnum (input[0]))
    {
      g_set_error_literal (error, PB_PASSWORD_ERROR, PB_PASSWORD_ERROR_INVALID_USERNAME,
                           _ ("The username must start with a letter or a digit."));
      return NULL;
    }

  lower = g_ascii_strdown (input, -1);
  return g_steal_pointer (&lower);
}
