/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Password rules from Amazon's Data Protection Policy: at least 12
 * characters, not containing the username, with upper case, lower case,
 * digit and symbol; expires after 365 days. Every refusal says which rule
 * failed, in words a person can act on (translatable, British English).
 */

#define PB_PASSWORD_MIN_LENGTH 12
#define PB_PASSWORD_MAX_AGE_DAYS 365

#define PB_PASSWORD_ERROR (pb_password_error_quark ())

typedef enum
{
  PB_PASSWORD_ERROR_TOO_SHORT,
  PB_PASSWORD_ERROR_CONTAINS_USERNAME,
  PB_PASSWORD_ERROR_NO_UPPER,
  PB_PASSWORD_ERROR_NO_LOWER,
  PB_PASSWORD_ERROR_NO_DIGIT,
  PB_PASSWORD_ERROR_NO_SYMBOL,
  PB_PASSWORD_ERROR_INVALID_USERNAME,
} PbPasswordError;

GQuark pb_password_error_quark (void);

/* Checks every rule; the first failing rule sets @error. Length counts
 * Unicode characters; the username check ignores case. */
gboolean pb_password_policy_check (const char *username, const char *password, GError **error);

/* One entry per rule, for a live checklist in the UI: which rules
 * @password meets. @met receives one gboolean per PbPasswordError value up
 * to PB_PASSWORD_ERROR_NO_SYMBOL. */
void pb_password_policy_evaluate (const char *username, const char *password,
                                  gboolean met[PB_PASSWORD_ERROR_NO_SYMBOL + 1]);

/* A person-readable description of the rule (for the checklist). */
const char *pb_password_rule_describe (PbPasswordError rule);

/* TRUE when a password changed at @changed_at is past its 365 days at @now. */
gboolean pb_password_is_expired (gint64 changed_at, gint64 now);

/* Usernames are case-insensitive: 1–32 characters of a–z, 0–9, '.', '_',
 * '-', starting with a letter or digit. Returns the lower-case form, or NULL
 * with PB_PASSWORD_ERROR_INVALID_USERNAME. */
char *pb_username_normalize (const char *input, GError **error);

G_END_DECLS
