/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "store/pb-password-policy.h"

#define DAY (24 * 60 * 60)

/* Meets every rule for the user "alice". */
#define GOOD_PASSWORD "Correct-Horse7battery"

static void
assert_refused (const char *username, const char *password, PbPasswordError code,
                const char *rule_word)
{
  g_autoptr (GError) error = NULL;

  g_assert_false (pb_password_policy_check (username, password, &error));
  g_assert_error (error, PB_PASSWORD_ERROR, (int)code);
  /* The message names the rule that failed, in words. */
  if (strstr (error->message, rule_word) == NULL)
    g_error ("\"%s\" does not mention \"%s\"", error->message, rule_word);
  g_assert_true (g_str_has_suffix (error->message, "."));
}

static void
test_policy_good (void)
{
  g_autoptr (GError) error = NULL;
  gboolean met[PB_PASSWORD_ERROR_NO_SYMBOL + 1];

  g_assert_true (pb_password_policy_check ("alice", GOOD_PASSWORD, &error));
  g_assert_no_error (error);
  /* No username to contain is fine too. */
  g_assert_true (pb_password_policy_check (NULL, GOOD_PASSWORD, NULL));

  pb_password_policy_evaluate ("alice", GOOD_PASSWORD, met);
  for (guint i = 0; i < G_N_ELEMENTS (met); i++)
    g_assert_true (met[i]);
}

static void
test_policy_each_rule (void)
{
  assert_refused ("alice", "Short-7a", PB_PASSWORD_ERROR_TOO_SHORT, "12 characters");
  assert_refused ("alice", "My-alice-Password7", PB_PASSWORD_ERROR_CONTAINS_USERNAME, "username");
  assert_refused ("alice", "correct-horse7battery", PB_PASSWORD_ERROR_NO_UPPER, "upper-case");
  assert_refused ("alice", "CORRECT-HORSE7BATTERY", PB_PASSWORD_ERROR_NO_LOWER, "lower-case");
  assert_refused ("alice", "Correct-Horse-battery", PB_PASSWORD_ERROR_NO_DIGIT, "digit");
  assert_refused ("alice", "CorrectHorse7battery", PB_PASSWORD_ERROR_NO_SYMBOL, "symbol");
}

static void
test_policy_first_failure_wins (void)
{
  g_autoptr (GError) error = NULL;
  gboolean met[PB_PASSWORD_ERROR_NO_SYMBOL + 1];

  /* Short and missing everything but lower case: length is reported. */
  g_assert_false (pb_password_policy_check ("bob", "abc", &error));
  g_assert_error (error, PB_PASSWORD_ERROR, PB_PASSWORD_ERROR_TOO_SHORT);

  /* The checklist shows every rule at once. */
  pb_password_policy_evaluate ("bob", "abc", met);
  g_assert_false (met[PB_PASSWORD_ERROR_TOO_SHORT]);
  g_assert_true (met[PB_PASSWORD_ERROR_CONTAINS_USERNAME]);
  g_assert_false (met[PB_PASSWORD_ERROR_NO_UPPER]);
  g_assert_true (met[PB_PASSWORD_ERROR_NO_LOWER]);
  g_assert_false (met[PB_PASSWORD_ERROR_NO_DIGIT]);
  g_assert_false (met[PB_PASSWORD_ERROR_NO_SYMBOL]);
}

static void
test_policy_length_boundary (void)
{
  g_assert_cmpuint (strlen ("Abcdefgh1-x"), ==, 11);
  assert_refused (NULL, "Abcdefgh1-x", PB_PASSWORD_ERROR_TOO_SHORT, "12");
  g_assert_true (pb_password_policy_check (NULL, "Abcdefgh1-xy", NULL));

  /* Length counts characters, not bytes: 11 characters in 13 bytes are
   * still too short, 12 characters are enough. */
  g_assert_cmpuint (strlen ("Äbcdefgh1-ü"), ==, 13);
  assert_refused (NULL, "Äbcdefgh1-ü", PB_PASSWORD_ERROR_TOO_SHORT, "12");
  g_assert_true (pb_password_policy_check (NULL, "Äbcdefgh1-üx", NULL));
}

static void
test_policy_username_case (void)
{
  assert_refused ("alice", "My-ALICE-Password7", PB_PASSWORD_ERROR_CONTAINS_USERNAME, "username");
  assert_refused ("Alice", "my-aLiCe-password7X", PB_PASSWORD_ERROR_CONTAINS_USERNAME, "username");
  /* Part of the username is not the username. */
  g_assert_true (pb_password_policy_check ("alice", "My-alic-Password7", NULL));
}

static void
test_policy_unicode_letters (void)
{
  gboolean met[PB_PASSWORD_ERROR_NO_SYMBOL + 1];

  /* Upper case only outside ASCII. */
  g_assert_true (pb_password_policy_check (NULL, "Ärger-im-büro-7", NULL));
  g_assert_true (pb_password_policy_check (NULL, "ärger-im-büro-7Ö", NULL));
  assert_refused (NULL, "ärger-im-büro-7", PB_PASSWORD_ERROR_NO_UPPER, "upper-case");

  /* Lower case only outside ASCII. */
  g_assert_true (pb_password_policy_check (NULL, "ÄRGER-IM-BÜRO-7ß", NULL));

  /* Letters from other scripts are letters, not symbols. */
  pb_password_policy_evaluate (NULL, "ΚαλημέραΚόσμε7", met);
  g_assert_true (met[PB_PASSWORD_ERROR_NO_UPPER]);
  g_assert_true (met[PB_PASSWORD_ERROR_NO_LOWER]);
  g_assert_true (met[PB_PASSWORD_ERROR_NO_DIGIT]);
  g_assert_false (met[PB_PASSWORD_ERROR_NO_SYMBOL]);

  /* Any character that is neither letter nor digit is a symbol. */
  pb_password_policy_evaluate (NULL, "Kalimera Kosme7", met);
  g_assert_true (met[PB_PASSWORD_ERROR_NO_SYMBOL]);
  pb_password_policy_evaluate (NULL, "Kalimera€Kosme7", met);
  g_assert_true (met[PB_PASSWORD_ERROR_NO_SYMBOL]);
}

static void
test_policy_describe (void)
{
  const char *const words[] = {
    [PB_PASSWORD_ERROR_TOO_SHORT] = "12",
    [PB_PASSWORD_ERROR_CONTAINS_USERNAME] = "username",
    [PB_PASSWORD_ERROR_NO_UPPER] = "upper-case",
    [PB_PASSWORD_ERROR_NO_LOWER] = "lower-case",
    [PB_PASSWORD_ERROR_NO_DIGIT] = "digit",
    [PB_PASSWORD_ERROR_NO_SYMBOL] = "symbol",
    [PB_PASSWORD_ERROR_INVALID_USERNAME] = "username",
  };

  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    {
      const char *text = pb_password_rule_describe ((PbPasswordError)i);

      g_assert_nonnull (text);
      if (strstr (text, words[i]) == NULL)
        g_error ("rule %u is described as \"%s\"", i, text);
    }
}

static void
test_policy_expiry (void)
{
  const gint64 changed = 1700000000;

  g_assert_false (pb_password_is_expired (changed, changed));
  g_assert_false (pb_password_is_expired (changed, changed + 364 * (gint64)DAY));
  g_assert_false (pb_password_is_expired (changed, changed + 365 * (gint64)DAY - 1));
  g_assert_true (pb_password_is_expired (changed, changed + 365 * (gint64)DAY));
  g_assert_true (pb_password_is_expired (changed, changed + 400 * (gint64)DAY));
  /* A clock that went back does not expire anything. */
  g_assert_false (pb_password_is_expired (changed, changed - DAY));
}

static void
test_username_normalize (void)
{
  static const char *const valid[][2] = {
    { "Alice", "alice" },
    { "alice", "alice" },
    { "BOB.SMITH", "bob.smith" },
    { "j_doe-2", "j_doe-2" },
    { "7up", "7up" },
    { "a", "a" },
    { "abcdefghijklmnopqrstuvwxyz012345", "abcdefghijklmnopqrstuvwxyz012345" },
  };
  static const char *const invalid[] = {
    "",          "a b",    "abcdefghijklmnopqrstuvwxyz0123456", /* 33 characters */
    "@recovery", ".alice", "-alice",
    "_alice",    "zoë",    "alice\n",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (valid); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *name = pb_username_normalize (valid[i][0], &error);

      g_assert_no_error (error);
      g_assert_cmpstr (name, ==, valid[i][1]);
    }

  for (gsize i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *name = pb_username_normalize (invalid[i], &error);

      g_assert_null (name);
      g_assert_error (error, PB_PASSWORD_ERROR, PB_PASSWORD_ERROR_INVALID_USERNAME);
      g_assert_true (strstr (error->message, "username") != NULL);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/password-policy/good", test_policy_good);
  g_test_add_func ("/password-policy/each-rule", test_policy_each_rule);
  g_test_add_func ("/password-policy/first-failure-wins", test_policy_first_failure_wins);
  g_test_add_func ("/password-policy/length-boundary", test_policy_length_boundary);
  g_test_add_func ("/password-policy/username-case", test_policy_username_case);
  g_test_add_func ("/password-policy/unicode-letters", test_policy_unicode_letters);
  g_test_add_func ("/password-policy/describe", test_policy_describe);
  g_test_add_func ("/password-policy/expiry", test_policy_expiry);
  g_test_add_func ("/username/normalize", test_username_normalize);

  return g_test_run ();
}
