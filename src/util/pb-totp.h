/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Time-based one-time passwords, RFC 6238: HMAC-SHA-1, 30 s steps, 6 digits,
 * one step of drift either side when verifying. Secrets travel as RFC 4648
 * base32 without padding, as authenticator apps expect.
 */

#define PB_TOTP_STEP_SECONDS 30
#define PB_TOTP_DIGITS 6

/* A new random secret (160 bits from OpenSSL), base32 encoded. */
char *pb_totp_generate_secret (void);

/* Base32 (RFC 4648, upper or lower case, padding and spaces ignored).
 * Returns NULL for invalid input. */
GBytes *pb_base32_decode (const char *text);
char *pb_base32_encode (const guint8 *data, gsize len);

/* The code for @unix_time with @digits digits (6 or 8), zero padded.
 * RFC 6238 test vectors use 8 digits with the ASCII key "1234567890…". */
char *pb_totp_code (const guint8 *key, gsize key_len, gint64 unix_time, guint digits);

/* TRUE when @code (6 digits; spaces ignored) matches @secret_base32 at
 * @unix_time or one step before or after. When @matched_step is not NULL it
 * receives the time step that matched (so callers can refuse a replay). */
gboolean pb_totp_verify (const char *secret_base32, const char *code, gint64 unix_time,
                         gint64 *matched_step);

/* otpauth://totp/ISSUER:ACCOUNT?secret=…&issuer=…&algorithm=SHA1&digits=6&period=30
 * with ISSUER and ACCOUNT percent-encoded. */
char *pb_totp_uri (const char *secret_base32, const char *account, const char *issuer);

G_END_DECLS
