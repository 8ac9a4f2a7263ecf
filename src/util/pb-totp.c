/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "pb-totp.h"

#include <limits.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

/*
 * RFC 6238 TOTP over RFC 4226 HOTP, with RFC 4648 base32 for the secrets.
 * Every buffer that holds key material or a code is wiped before it goes.
 */

#define SECRET_BYTES 20 /* 160 bits, as RFC 4226 recommends for HMAC-SHA-1 */
#define MAX_DIGITS 8

static const char base32_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/* Decoded secrets live in a block that remembers its size, so the GBytes
 * free function can wipe it. */
typedef struct
{
  gsize capacity;
  guint8 data[];
} SecretBlock;

static void
free_secret_block (gpointer user_data)
{
  SecretBlock *block = user_data;

  OPENSSL_cleanse (block->data, block->capacity);
  g_free (block);
}

static int
decode_base32_char (char c)
{
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a';
  if (c >= '2' && c <= '7')
    return c - '2' + 26;
  return -1;
}

/**
 * pb_base32_decode:
 * @text: base32 text (RFC 4648 alphabet, either case)
 *
 * Padding (`=`) and white space are ignored. Input whose length cannot come
 * from whole bytes, or whose unused trailing bits are not zero, is refused.
 * The returned bytes are wiped when the last reference goes.
 *
 * Returns: (transfer full) (nullable): the decoded bytes, or %NULL.
 */
GBytes *
pb_base32_decode (const char *text)
{
  SecretBlock *block;
  guint32 acc = 0;
  guint bits = 0;
  gsize n = 0;

  g_return_val_if_fail (text != NULL, NULL);

  block = g_malloc0 (sizeof (SecretBlock) + strlen (text) * 5 / 8 + 1);
  block->capacity = strlen (text) * 5 / 8 + 1;

  for (const char *p = text; *p != '\0'; p++)
    {
      int value;

      if (*p == '=' || g_ascii_isspace (*p))
        continue;

      value = decode_base32_char (*p);
      if (value < 0)
        goto invalid;

      acc = (acc << 5) | (guint32)value;
      bits += 5;
      if (bits >= 8)
        {
          bits -= 8;
          block->data[n++] = (guint8)(acc >> bits);
          acc &= (1u << bits) - 1;
        }
    }

  /* Five or more bits left over means a character count (1, 3 or 6 modulo
   * 8) that no byte string encodes to; non-zero pad bits are not canonical. */
  if (bits >= 5 || acc != 0)
    goto invalid;

  g_assert (n < block->capacity);
  return g_bytes_new_with_free_func (block->data, n, free_secret_block, block);

invalid:
  OPENSSL_cleanse (&acc, sizeof acc);
  free_secret_block (block);
  return NULL;
}

/**
 * pb_base32_encode:
 * @data: (array length=len): bytes to encode
 * @len: how many
 *
 * Returns: (transfer full): upper-case base32 without padding.
 */
char *
pb_base32_encode (const guint8 *data, gsize len)
{
  GString *out;
  guint32 acc = 0;
  guint bits = 0;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  out = g_string_sized_new ((len * 8 + 4) / 5 + 1);
  for (gsize i = 0; i < len; i++)
    {
      acc = (acc << 8) | data[i];
      bits += 8;
      while (bits >= 5)
        {
          bits -= 5;
          g_string_append_c (out, base32_alphabet[(acc >> bits) & 0x1f]);
        }
      acc &= (1u << bits) - 1;
    }
  if (bits > 0)
    g_string_append_c (out, base32_alphabet[(acc << (5 - bits)) & 0x1f]);

  OPENSSL_cleanse (&acc, sizeof acc);
  return g_string_free (out, FALSE);
}

/**
 * pb_totp_generate_secret:
 *
 * Aborts if OpenSSL's random generator fails: a predictable second factor
 * would be worse than none.
 *
 * Returns: (transfer full): 160 random bits, base32 encoded; wipe it after use.
 */
char *
pb_totp_generate_secret (void)
{
  guint8 secret[SECRET_BYTES];
  char *text;

  if (RAND_bytes (secret, sizeof secret) != 1)
    g_error ("The random number generator failed; cannot create a TOTP secret");

  text = pb_base32_encode (secret, sizeof secret);
  OPENSSL_cleanse (secret, sizeof secret);
  return text;
}

/* RFC 4226 HOTP for @counter into @out (digits + 1 bytes). */
static gboolean
compute_code (const guint8 *key, gsize key_len, guint64 counter, guint digits, char *out)
{
  static const guint32 modulus[MAX_DIGITS + 1]
      = { 1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000 };
  guint8 message[8];
  guint8 mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  guint32 binary;
  guint offset;
  gboolean ok = FALSE;

  g_assert (digits == 6 || digits == 8);
  g_assert (key_len > 0 && key_len <= INT_MAX);

  for (int i = 7; i >= 0; i--)
    {
      message[i] = (guint8)(counter & 0xff);
      counter >>= 8;
    }

  if (HMAC (EVP_sha1 (), key, (int)key_len, message, sizeof message, mac, &mac_len) != NULL
      && mac_len == 20)
    {
      offset = mac[mac_len - 1] & 0x0f;
      binary = ((guint32)(mac[offset] & 0x7f) << 24) | ((guint32)mac[offset + 1] << 16)
               | ((guint32)mac[offset + 2] << 8) | (guint32)mac[offset + 3];
      g_snprintf (out, digits + 1, "%0*u", (int)digits, binary % modulus[digits]);
      OPENSSL_cleanse (&binary, sizeof binary);
      ok = TRUE;
    }

  OPENSSL_cleanse (mac, sizeof mac);
  OPENSSL_cleanse (message, sizeof message);
  return ok;
}

/**
 * pb_totp_code:
 * @key: (array length=key_len): the raw shared secret
 * @key_len: its length, at least 1
 * @unix_time: seconds since the epoch, not negative
 * @digits: 6 or 8
 *
 * Returns: (transfer full) (nullable): the zero-padded code, or %NULL if
 *   OpenSSL could not compute the HMAC.
 */
char *
pb_totp_code (const guint8 *key, gsize key_len, gint64 unix_time, guint digits)
{
  char code[MAX_DIGITS + 1];
  char *result;

  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (key_len > 0 && key_len <= INT_MAX, NULL);
  g_return_val_if_fail (unix_time >= 0, NULL);
  g_return_val_if_fail (digits == 6 || digits == 8, NULL);

  if (!compute_code (key, key_len, (guint64)unix_time / PB_TOTP_STEP_SECONDS, digits, code))
    return NULL;

  result = g_strdup (code);
  OPENSSL_cleanse (code, sizeof code);
  return result;
}

/* Copies the digits of @input to @out, skipping white space; FALSE unless
 * there are exactly PB_TOTP_DIGITS digits and nothing else. */
static gboolean
normalize_code (const char *input, char out[PB_TOTP_DIGITS + 1])
{
  gsize n = 0;

  for (const char *p = input; *p != '\0'; p++)
    {
      if (g_ascii_isspace (*p))
        continue;
      if (!g_ascii_isdigit (*p) || n == PB_TOTP_DIGITS)
        return FALSE;
      out[n++] = *p;
    }
  out[n] = '\0';
  return n == PB_TOTP_DIGITS;
}

/**
 * pb_totp_verify:
 * @secret_base32: the shared secret
 * @code: what the person typed
 * @unix_time: now, seconds since the epoch
 * @matched_step: (out) (optional): the time step whose code matched
 *
 * All three candidate steps are always computed and compared in constant
 * time, so timing does not tell which one matched.
 *
 * Returns: %TRUE when @code is valid at @unix_time, one step either side.
 */
gboolean
pb_totp_verify (const char *secret_base32, const char *code, gint64 unix_time, gint64 *matched_step)
{
  g_autoptr (GBytes) key = NULL;
  char typed[PB_TOTP_DIGITS + 1] = { 0 };
  char expected[PB_TOTP_DIGITS + 1];
  const guint8 *key_data;
  gsize key_len;
  gint64 step;
  gint64 found = -1;

  g_return_val_if_fail (secret_base32 != NULL, FALSE);
  g_return_val_if_fail (code != NULL, FALSE);
  g_return_val_if_fail (unix_time >= 0, FALSE);

  if (!normalize_code (code, typed))
    goto out;

  key = pb_base32_decode (secret_base32);
  if (key == NULL)
    goto out;
  key_data = g_bytes_get_data (key, &key_len);
  if (key_len == 0 || key_len > INT_MAX)
    goto out;

  step = unix_time / PB_TOTP_STEP_SECONDS;
  for (gint64 candidate = step - 1; candidate <= step + 1; candidate++)
    {
      if (candidate < 0)
        continue;
      if (!compute_code (key_data, key_len, (guint64)candidate, PB_TOTP_DIGITS, expected))
        continue;
      /* The latest matching step wins, so replay checks stay strict. */
      if (CRYPTO_memcmp (expected, typed, PB_TOTP_DIGITS) == 0)
        found = candidate;
    }
  OPENSSL_cleanse (expected, sizeof expected);

out:
  OPENSSL_cleanse (typed, sizeof typed);
  if (found < 0)
    return FALSE;
  if (matched_step != NULL)
    *matched_step = found;
  return TRUE;
}

/**
 * pb_totp_uri:
 * @secret_base32: the shared secret
 * @account: the operator's name as the authenticator app should show it
 * @issuer: who issued it, e.g. "Packbench"
 *
 * The result holds the secret: wipe it after use.
 *
 * Returns: (transfer full): an `otpauth://totp/` URI for a QR code.
 */
char *
pb_totp_uri (const char *secret_base32, const char *account, const char *issuer)
{
  g_autofree char *escaped_account = NULL;
  g_autofree char *escaped_issuer = NULL;
  char *escaped_secret;
  char *uri;

  g_return_val_if_fail (secret_base32 != NULL, NULL);
  g_return_val_if_fail (account != NULL, NULL);
  g_return_val_if_fail (issuer != NULL, NULL);

  escaped_account = g_uri_escape_string (account, NULL, FALSE);
  escaped_issuer = g_uri_escape_string (issuer, NULL, FALSE);
  escaped_secret = g_uri_escape_string (secret_base32, NULL, FALSE);

  uri = g_strdup_printf ("otpauth://totp/%s:%s?secret=%s&issuer=%s&algorithm=SHA1"
                         "&digits=%d&period=%d",
                         escaped_issuer, escaped_account, escaped_secret, escaped_issuer,
                         PB_TOTP_DIGITS, PB_TOTP_STEP_SECONDS);

  OPENSSL_cleanse (escaped_secret, strlen (escaped_secret));
  g_free (escaped_secret);
  return uri;
}
