/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "util/pb-totp.h"

/* RFC 6238 Appendix B uses this ASCII key for HMAC-SHA-1. */
#define RFC_KEY "12345678901234567890"
/* The same key in base32, as an authenticator app would receive it. */
#define RFC_KEY_BASE32 "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

static void
test_totp_rfc6238_vectors (void)
{
  static const struct
  {
    gint64 time;
    const char *code;
  } vectors[] = {
    { 59, "94287082" },         { 1111111109, "07081804" }, { 1111111111, "14050471" },
    { 1234567890, "89005924" }, { 2000000000, "69279037" }, { 20000000000, "65353130" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (vectors); i++)
    {
      g_autofree char *code
          = pb_totp_code ((const guint8 *)RFC_KEY, strlen (RFC_KEY), vectors[i].time, 8);

      g_assert_cmpstr (code, ==, vectors[i].code);
    }
}

static void
test_totp_six_digits (void)
{
  /* Six digits are the last six of the eight (the modulus differs only). */
  g_autofree char *code = pb_totp_code ((const guint8 *)RFC_KEY, strlen (RFC_KEY), 59, 6);
  g_autofree char *padded = pb_totp_code ((const guint8 *)RFC_KEY, strlen (RFC_KEY), 1111111109, 6);

  g_assert_cmpstr (code, ==, "287082");
  /* Zero padding is kept. */
  g_assert_cmpstr (padded, ==, "081804");
}

static void
test_totp_verify_rfc_steps (void)
{
  gint64 step = -1;

  /* 1111111109 and 1111111111 fall in consecutive steps 37037036, 37037037. */
  g_assert_true (pb_totp_verify (RFC_KEY_BASE32, "050471", 1111111111, &step));
  g_assert_cmpint (step, ==, 37037037);

  /* The previous step's code is still accepted, and reported as such. */
  step = -1;
  g_assert_true (pb_totp_verify (RFC_KEY_BASE32, "081804", 1111111111, &step));
  g_assert_cmpint (step, ==, 37037036);

  /* The same code one step later is two steps old: refused. */
  g_assert_false (pb_totp_verify (RFC_KEY_BASE32, "081804", 1111111111 + 30, NULL));
  /* And it was not valid two steps earlier either. */
  g_assert_false (pb_totp_verify (RFC_KEY_BASE32, "050471", 1111111111 - 60, NULL));
}

static void
test_totp_verify_drift (void)
{
  const gint64 now = 1700000000 + 15; /* mid-step */
  const gint64 now_step = now / PB_TOTP_STEP_SECONDS;
  char *codes[5];

  /* Codes of steps -2, -1, 0, +1, +2 around now. */
  for (int i = 0; i < 5; i++)
    codes[i] = pb_totp_code ((const guint8 *)RFC_KEY, strlen (RFC_KEY),
                             now + (i - 2) * PB_TOTP_STEP_SECONDS, PB_TOTP_DIGITS);

  /* With this fixed key no two of them collide, so each outcome below is
   * down to the drift window alone. */
  for (int i = 0; i < 5; i++)
    for (int j = i + 1; j < 5; j++)
      g_assert_cmpstr (codes[i], !=, codes[j]);

  for (int i = 0; i < 5; i++)
    {
      gint64 step = -1;
      gboolean ok = pb_totp_verify (RFC_KEY_BASE32, codes[i], now, &step);

      if (i >= 1 && i <= 3)
        {
          g_assert_true (ok);
          g_assert_cmpint (step, ==, now_step + (i - 2));
        }
      else
        {
          g_assert_false (ok);
          g_assert_cmpint (step, ==, -1);
        }
    }

  /* At the start of time there is no step -1; "287082" is step 1's code
   * (time 59), so it is one step ahead at time 0 and current at 59. */
  g_assert_true (pb_totp_verify (RFC_KEY_BASE32, "287082", 0, NULL));
  g_assert_true (pb_totp_verify (RFC_KEY_BASE32, "287082", 59, NULL));
  g_assert_false (pb_totp_verify (RFC_KEY_BASE32, "287082", 90, NULL));

  for (int i = 0; i < 5; i++)
    g_free (codes[i]);
}

static void
test_totp_verify_generated (void)
{
  g_autofree char *secret = pb_totp_generate_secret ();
  g_autoptr (GBytes) key = pb_base32_decode (secret);
  g_autofree char *code = NULL;
  gsize len;
  const guint8 *data;
  gint64 step = -1;

  g_assert_nonnull (key);
  data = g_bytes_get_data (key, &len);
  code = pb_totp_code (data, len, 1700000000, PB_TOTP_DIGITS);
  g_assert_cmpuint (strlen (code), ==, PB_TOTP_DIGITS);
  g_assert_true (pb_totp_verify (secret, code, 1700000000, &step));
  g_assert_cmpint (step, ==, 1700000000 / PB_TOTP_STEP_SECONDS);
}

static void
test_totp_verify_input (void)
{
  /* Spaces are ignored, as people type "050 471". */
  g_assert_true (pb_totp_verify (RFC_KEY_BASE32, "050 471", 1111111111, NULL));
  g_assert_true (pb_totp_verify (RFC_KEY_BASE32, " 050471 ", 1111111111, NULL));
  /* A lower-case secret with spaces decodes to the same key. */
  g_assert_true (
      pb_totp_verify ("gezd gnbv gy3t qojq gezd gnbv gy3t qojq", "050471", 1111111111, NULL));

  /* Wrong codes, wrong lengths and stray characters are refused. */
  g_assert_false (pb_totp_verify (RFC_KEY_BASE32, "050472", 1111111111, NULL));
  g_assert_false (pb_totp_verify (RFC_KEY_BASE32, "05047", 1111111111, NULL));
  g_assert_false (pb_totp_verify (RFC_KEY_BASE32, "0504710", 1111111111, NULL));
  g_assert_false (pb_totp_verify (RFC_KEY_BASE32, "14050471", 1111111111, NULL));
  g_assert_false (pb_totp_verify (RFC_KEY_BASE32, "050-471", 1111111111, NULL));
  g_assert_false (pb_totp_verify (RFC_KEY_BASE32, "", 1111111111, NULL));

  /* A secret that is not base32, or empty, never verifies. */
  g_assert_false (pb_totp_verify ("GEZDGNBV!", "050471", 1111111111, NULL));
  g_assert_false (pb_totp_verify ("", "050471", 1111111111, NULL));
}

static void
test_totp_generate_secret (void)
{
  g_autofree char *first = pb_totp_generate_secret ();
  g_autofree char *second = pb_totp_generate_secret ();
  g_autoptr (GBytes) key = pb_base32_decode (first);

  /* 160 bits are 32 base32 characters without padding. */
  g_assert_cmpuint (strlen (first), ==, 32);
  g_assert_null (strchr (first, '='));
  g_assert_nonnull (key);
  g_assert_cmpuint (g_bytes_get_size (key), ==, 20);
  g_assert_cmpstr (first, !=, second);
}

static void
test_base32_rfc4648_vectors (void)
{
  /* RFC 4648 section 10, without the padding. */
  static const struct
  {
    const char *plain;
    const char *encoded;
  } vectors[] = {
    { "", "" },
    { "f", "MY" },
    { "fo", "MZXQ" },
    { "foo", "MZXW6" },
    { "foob", "MZXW6YQ" },
    { "fooba", "MZXW6YTB" },
    { "foobar", "MZXW6YTBOI" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (vectors); i++)
    {
      const char *plain = vectors[i].plain;
      g_autofree char *encoded = pb_base32_encode ((const guint8 *)plain, strlen (plain));
      g_autoptr (GBytes) decoded = pb_base32_decode (vectors[i].encoded);

      g_assert_cmpstr (encoded, ==, vectors[i].encoded);
      g_assert_nonnull (decoded);
      g_assert_cmpmem (g_bytes_get_data (decoded, NULL), g_bytes_get_size (decoded), plain,
                       strlen (plain));
    }
}

static void
test_base32_padding_and_case (void)
{
  g_autoptr (GBytes) padded = pb_base32_decode ("MZXW6YTBOI======");
  g_autoptr (GBytes) lower = pb_base32_decode ("mzxw 6ytb oi");

  g_assert_nonnull (padded);
  g_assert_cmpmem (g_bytes_get_data (padded, NULL), g_bytes_get_size (padded), "foobar", 6);
  g_assert_nonnull (lower);
  g_assert_cmpmem (g_bytes_get_data (lower, NULL), g_bytes_get_size (lower), "foobar", 6);
}

static void
test_base32_round_trip (void)
{
  guint8 data[64];

  for (gsize len = 0; len <= sizeof data; len++)
    {
      g_autofree char *encoded = NULL;
      g_autoptr (GBytes) decoded = NULL;

      for (gsize i = 0; i < len; i++)
        data[i] = (guint8)g_test_rand_int_range (0, 256);

      encoded = pb_base32_encode (data, len);
      g_assert_cmpuint (strlen (encoded), ==, (len * 8 + 4) / 5);
      decoded = pb_base32_decode (encoded);
      g_assert_nonnull (decoded);
      g_assert_cmpmem (g_bytes_get_data (decoded, NULL), g_bytes_get_size (decoded), data, len);
    }
}

static void
test_base32_invalid (void)
{
  static const char *const invalid[] = {
    "MZXW6YTBO1",                 /* '1' is not in the alphabet */
    "MZXW6YTBO8",                 /* nor '8' */
    "MZXW-6YTB",                  /* nor '-' */
    "MZXW6YTBÖI",                 /* nor anything beyond ASCII */
    "M",                          /* 1, 3 or 6 characters (mod 8) encode no whole bytes */
    "MZX",        "MZXW6Y", "MZ", /* valid length, but the unused bits are not zero ("MY" is "f") */
    "MZXR"                        /* same for two bytes ("MZXQ" is "fo") */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr (GBytes) decoded = pb_base32_decode (invalid[i]);

      if (decoded != NULL)
        g_error ("\"%s\" was accepted as base32", invalid[i]);
    }
}

static void
test_totp_uri (void)
{
  g_autofree char *uri = pb_totp_uri ("JBSWY3DPEHPK3PXP", "alice", "Packbench");
  g_autoptr (GUri) parsed = NULL;
  g_autoptr (GHashTable) params = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_cmpstr (uri, ==,
                   "otpauth://totp/Packbench:alice?secret=JBSWY3DPEHPK3PXP&issuer=Packbench"
                   "&algorithm=SHA1&digits=6&period=30");

  parsed = g_uri_parse (uri, G_URI_FLAGS_ENCODED_QUERY, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_uri_get_scheme (parsed), ==, "otpauth");
  g_assert_cmpstr (g_uri_get_host (parsed), ==, "totp");
  params = g_uri_parse_params (g_uri_get_query (parsed), -1, "&", G_URI_PARAMS_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (params, "secret"), ==, "JBSWY3DPEHPK3PXP");
  g_assert_cmpstr (g_hash_table_lookup (params, "issuer"), ==, "Packbench");
  g_assert_cmpstr (g_hash_table_lookup (params, "algorithm"), ==, "SHA1");
  g_assert_cmpstr (g_hash_table_lookup (params, "digits"), ==, "6");
  g_assert_cmpstr (g_hash_table_lookup (params, "period"), ==, "30");
}

static void
test_totp_uri_escaping (void)
{
  g_autofree char *uri = pb_totp_uri ("JBSWY3DPEHPK3PXP", "Zoë Smith@bench:1", "Acme & Sons/UK?");
  g_autoptr (GUri) parsed = NULL;
  g_autoptr (GHashTable) params = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *label = NULL;

  g_assert_true (g_str_has_prefix (uri, "otpauth://totp/Acme%20%26%20Sons%2FUK%3F:"
                                        "Zo%C3%AB%20Smith%40bench%3A1?"));

  /* Exactly one ':' separates issuer and account, one '?' starts the
   * query, and the query has exactly five parameters. */
  parsed = g_uri_parse (uri, G_URI_FLAGS_ENCODED_QUERY | G_URI_FLAGS_ENCODED_PATH, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_uri_get_path (parsed), ==,
                   "/Acme%20%26%20Sons%2FUK%3F:Zo%C3%AB%20Smith%40bench%3A1");
  label = g_uri_unescape_string (g_uri_get_path (parsed) + 1, NULL);
  g_assert_cmpstr (label, ==, "Acme & Sons/UK?:Zoë Smith@bench:1");

  params = g_uri_parse_params (g_uri_get_query (parsed), -1, "&", G_URI_PARAMS_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (params), ==, 5);
  g_assert_cmpstr (g_hash_table_lookup (params, "issuer"), ==, "Acme & Sons/UK?");
  g_assert_cmpstr (g_hash_table_lookup (params, "secret"), ==, "JBSWY3DPEHPK3PXP");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/totp/rfc6238-vectors", test_totp_rfc6238_vectors);
  g_test_add_func ("/totp/six-digits", test_totp_six_digits);
  g_test_add_func ("/totp/verify-rfc-steps", test_totp_verify_rfc_steps);
  g_test_add_func ("/totp/verify-drift", test_totp_verify_drift);
  g_test_add_func ("/totp/verify-generated", test_totp_verify_generated);
  g_test_add_func ("/totp/verify-input", test_totp_verify_input);
  g_test_add_func ("/totp/generate-secret", test_totp_generate_secret);
  g_test_add_func ("/totp/uri", test_totp_uri);
  g_test_add_func ("/totp/uri-escaping", test_totp_uri_escaping);
  g_test_add_func ("/base32/rfc4648-vectors", test_base32_rfc4648_vectors);
  g_test_add_func ("/base32/padding-and-case", test_base32_padding_and_case);
  g_test_add_func ("/base32/round-trip", test_base32_round_trip);
  g_test_add_func ("/base32/invalid", test_base32_invalid);

  return g_test_run ();
}
