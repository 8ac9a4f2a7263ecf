/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "station/pb-scan.h"

#define MS 1000 /* microseconds */
#define SCANNER_STEP (4 * MS)
#define HUMAN_STEP (180 * MS)
#define T0 ((gint64)1000000 * MS)

/* Types @text into @buf one character every @step microseconds from @start,
 * then waits long enough for any gap to end; returns every scan. */
static GPtrArray *
type_text (PbScanBuffer *buf, const char *text, gint64 start, gint64 step)
{
  GPtrArray *scans = g_ptr_array_new_with_free_func (g_free);
  gint64 now = start;
  char *scan;

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      scan = pb_scan_buffer_feed (buf, g_utf8_get_char (p), now);
      if (scan != NULL)
        g_ptr_array_add (scans, scan);
      now += step;
    }
  scan = pb_scan_buffer_flush (buf, now + 10 * 1000 * MS);
  if (scan != NULL)
    g_ptr_array_add (scans, scan);
  return scans;
}

/* A scanner's burst through a default buffer: exactly one scan expected. */
static char *
scan_one (PbScanBuffer *buf, const char *text)
{
  g_autoptr (GPtrArray) scans = type_text (buf, text, T0, SCANNER_STEP);

  if (scans->len != 1)
    g_error ("“%s” gave %u scans, not 1", text, scans->len);
  return g_strdup (g_ptr_array_index (scans, 0));
}

static void
assert_scan (PbScanBuffer *buf, const char *typed, const char *expected)
{
  g_autofree char *scan = scan_one (buf, typed);

  g_assert_cmpstr (scan, ==, expected);
}

static void
test_layout_us_scanner_on_uk (void)
{
  /* What the UK desktop shows → what the barcode holds. */
  static const struct
  {
    const char *arrived, *meant;
  } cases[] = {
    { "@QUOTE@", "\"QUOTE\"" },
    { "user\"example.com", "user@example.com" },
    { "SKU£12", "SKU#12" },
    { "A#B", "A\\B" },
    { "A~B", "A|B" },
    { "A¬B", "A~B" },
    { "123-1234567-1234567", "123-1234567-1234567" },
    { "0105012345678900\x1d"
      "10AB-7'/%",
      "0105012345678900\x1d"
      "10AB-7'/%" },
    { "azAZ09 -_=+[]{};:',.<>/?!$%^&*()`", "azAZ09 -_=+[]{};:',.<>/?!$%^&*()`" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *meant = pb_scan_normalize (cases[i].arrived);

      g_assert_cmpstr (meant, ==, cases[i].meant);
    }
}

static void
test_layout_uk_scanner_on_us (void)
{
  /* Each function is also what the other undoes: a US scanner's text
   * arrives on a UK desktop as pb_scan_normalize_layout (…, UK_ON_US) gives
   * it, and a UK scanner's on a US desktop as US_ON_UK does. */
  const char *us_text = "MUG-2 \"blue\" @home #1 a\\b a|b ~x `'";
  const char *uk_text = "MUG-2 \"blue\" @home #1 £5 a~b ¬x `'";
  g_autofree char *us_arrives = pb_scan_normalize_layout (us_text, PB_SCAN_LAYOUT_UK_ON_US);
  g_autofree char *us_back = pb_scan_normalize_layout (us_arrives, PB_SCAN_LAYOUT_US_ON_UK);
  g_autofree char *uk_arrives = pb_scan_normalize_layout (uk_text, PB_SCAN_LAYOUT_US_ON_UK);
  g_autofree char *uk_back = pb_scan_normalize_layout (uk_arrives, PB_SCAN_LAYOUT_UK_ON_US);
  g_autofree char *undone = pb_scan_normalize_layout ("\"@#\\|~", PB_SCAN_LAYOUT_UK_ON_US);
  g_autofree char *same = pb_scan_normalize_layout (uk_text, PB_SCAN_LAYOUT_AS_TYPED);

  g_assert_cmpstr (us_arrives, ==, "MUG-2 @blue@ \"home £1 a#b a~b ¬x `'");
  g_assert_cmpstr (us_back, ==, us_text);
  g_assert_cmpstr (uk_arrives, ==, "MUG-2 @blue@ \"home \\1 #5 a|b ~x `'");
  g_assert_cmpstr (uk_back, ==, uk_text);
  /* What a US desktop shows from a UK scanner → what the barcode holds. */
  g_assert_cmpstr (undone, ==, "@\"£#~¬");
  g_assert_cmpstr (same, ==, uk_text);
}

static void
test_buffer_restores_quotes_and_at (void)
{
  g_autoptr (PbScanBuffer) buf = pb_scan_buffer_new ();

  /* A factory-set (US) scanner on a UK bench: the default. */
  g_assert_cmpint (pb_scan_buffer_get_layout (buf), ==, PB_SCAN_LAYOUT_US_ON_UK);
  assert_scan (buf, "SKU\"7@X£1\r", "SKU@7\"X#1");

  pb_scan_buffer_set_layout (buf, PB_SCAN_LAYOUT_AS_TYPED);
  assert_scan (buf, "SKU\"7@X#1\r", "SKU\"7@X#1");
}

static void
test_buffer_enter_ends_scan (void)
{
  g_autoptr (PbScanBuffer) buf = pb_scan_buffer_new ();
  gint64 now = T0;
  char *scan;

  for (const char *p = "5012345678900"; *p; p++, now += SCANNER_STEP)
    g_assert_null (pb_scan_buffer_feed (buf, (gunichar)*p, now));
  g_assert_cmpint (pb_scan_buffer_get_deadline (buf), ==, now - SCANNER_STEP + 50 * MS + 1);
  scan = pb_scan_buffer_feed (buf, '\r', now);
  g_assert_cmpstr (scan, ==, "5012345678900");
  g_free (scan);
  /* The LF of a CR LF pair ends nothing more. */
  g_assert_null (pb_scan_buffer_feed (buf, '\n', now + MS));
  g_assert_cmpint (pb_scan_buffer_get_deadline (buf), ==, 0);

  assert_scan (buf, "MUG-2\t", "MUG-2");
}

static void
test_buffer_control_characters_stripped (void)
{
  g_autoptr (PbScanBuffer) buf = pb_scan_buffer_new ();

  assert_scan (buf,
               "\x02"
               "5012345678900\x03",
               "5012345678900");
  assert_scan (buf,
               "\x1b"
               "MUG\x7f-2\x01\r",
               "MUG-2");
  assert_scan (buf, "\x02]E05012345678900\x03", "5012345678900");
  /* Zero (a key that types nothing, such as Shift) is ignored. */
  {
    gint64 now = T0;
    g_autofree char *scan = NULL;

    for (const char *p = "B0TEA00001"; *p; p++, now += SCANNER_STEP)
      {
        g_assert_null (pb_scan_buffer_feed (buf, 0, now));
        g_assert_null (pb_scan_buffer_feed (buf, (gunichar)*p, now + MS));
      }
    scan = pb_scan_buffer_feed (buf, '\r', now);
    g_assert_cmpstr (scan, ==, "B0TEA00001");
  }
}

static void
test_buffer_aim_identifiers_stripped (void)
{
  g_autoptr (PbScanBuffer) buf = pb_scan_buffer_new ();

  assert_scan (buf, "]E05012345678900\r", "5012345678900");
  assert_scan (buf, "]E496385074\r", "96385074");
  assert_scan (buf, "]C1MUG-2\r", "MUG-2");
  assert_scan (buf, "]Q3123-1234567-1234567\r", "123-1234567-1234567");
  assert_scan (buf,
               "]d20105012345678900\x1d"
               "10LOT7\r",
               "0105012345678900\x1d"
               "10LOT7");
  /* Only one identifier, only at the start. */
  assert_scan (buf, "]A0AB]C1\r", "AB]C1");

  pb_scan_buffer_set_strip_aim (buf, FALSE);
  assert_scan (buf, "]E05012345678900\r", "]E05012345678900");
}

static void
test_buffer_prefix_and_suffix_stripped (void)
{
  g_autoptr (PbScanBuffer) buf = pb_scan_buffer_new ();

  pb_scan_buffer_set_prefix (buf, "*");
  pb_scan_buffer_set_suffix (buf, "#END");
  /* The suffix as meant: a US scanner's # arrives as £ and is undone first. */
  assert_scan (buf, "*]E05012345678900£END\r", "5012345678900");
  assert_scan (buf, "MUG-2\r", "MUG-2");
  pb_scan_buffer_set_prefix (buf, NULL);
  pb_scan_buffer_set_suffix (buf, "");
  assert_scan (buf, "*MUG-2\r", "*MUG-2");
}

static void
test_buffer_spaces_trimmed (void)
{
  g_autoptr (PbScanBuffer) buf = pb_scan_buffer_new ();

  assert_scan (buf, "  MUG-2 \r", "MUG-2");
  assert_scan (buf, " ]C1 TEA 1  \r", "TEA 1");
  /* Only spaces: nothing to report. */
  {
    g_autoptr (GPtrArray) scans = type_text (buf, "      \r", T0, SCANNER_STEP);

    g_assert_cmpuint (scans->len, ==, 0);
  }
}

static void
test_buffer_two_scans_in_one_burst (void)
{
  g_autoptr (PbScanBuffer) buf = pb_scan_buffer_new ();
  g_autoptr (GPtrArray) scans = NULL;
  g_autoptr (GPtrArray) framed = NULL;
  g_autoptr (GPtrArray) crlf = NULL;

  scans = type_text (buf, "]E05012345678900\r]E05098765432100\r", T0, SCANNER_STEP);
  g_assert_cmpuint (scans->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (scans, 0), ==, "5012345678900");
  g_assert_cmpstr (g_ptr_array_index (scans, 1), ==, "5098765432100");

  crlf = type_text (buf, "MUG-2\r\nTEA-1\r\n", T0, SCANNER_STEP);
  g_assert_cmpuint (crlf->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (crlf, 1), ==, "TEA-1");

  /* STX … ETX frames with no Enter, and an STX with no ETX before it. */
  framed = type_text (buf,
                      "\x02MUG-2\x03\x02TEA-1\x02"
                      "B0TEA00001",
                      T0, SCANNER_STEP);
  g_assert_cmpuint (framed->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (framed, 0), ==, "MUG-2");
  g_assert_cmpstr (g_ptr_array_index (framed, 1), ==, "TEA-1");
  g_assert_cmpstr (g_ptr_array_index (framed, 2), ==, "B0TEA00001");
}

static void
test_buffer_gap_ends_scan (void)
{
  g_autoptr (PbScanBuffer) buf = pb_scan_buffer_new ();
  gint64 now = T0;
  gint64 deadline;
  char *scan;

  /* A scanner set to send no suffix: the pause after it ends the scan. */
  for (const char *p = "MUG-2"; *p; p++, now += SCANNER_STEP)
    g_assert_null (pb_scan_buffer_feed (buf, (gunichar)*p, now));
  deadline = pb_scan_buffer_get_deadline (buf);
  g_assert_null (pb_scan_buffer_flush (buf, deadline - 1));
  scan = pb_scan_buffer_flush (buf, deadline);
  g_assert_cmpstr (scan, ==, "MUG-2");
  g_free (scan);
  g_assert_null (pb_scan_buffer_flush (buf, deadline + 1000 * MS));

  /* Two such scans a moment apart: the second's first key ends the first. */
  now = T0;
  for (const char *p = "TEA-1"; *p; p++, now += SCANNER_STEP)
    g_assert_null (pb_scan_buffer_feed (buf, (gunichar)*p, now));
  now += 300 * MS;
  scan = pb_scan_buffer_feed (buf, 'M', now);
  g_assert_cmpstr (scan, ==, "TEA-1");
  g_free (scan);
  for (const char *p = "UG-2"; *p; p++)
    g_assert_null (pb_scan_buffer_feed (buf, (gunichar)*p, now += SCANNER_STEP));
  scan = pb_scan_buffer_feed (buf, '\r', now + SCANNER_STEP);
  g_assert_cmpstr (scan, ==, "MUG-2");
  g_free (scan);
}

static void
test_buffer_slow_typing_is_not_a_scan (void)
{
  g_autoptr (PbScanBuffer) buf = pb_scan_buffer_new ();
  g_autoptr (GPtrArray) typed = NULL;
  g_autoptr (GPtrArray) pairs = NULL;
  g_autoptr (GPtrArray) after = NULL;
  gint64 now = T0;

  typed = type_text (buf, "5012345678900\r", T0, HUMAN_STEP);
  g_assert_cmpuint (typed->len, ==, 0);

  /* Quick pairs of keys (rollover), each pair well apart. */
  pairs = g_ptr_array_new_with_free_func (g_free);
  for (const char *p = "MUG-2-TEA-1"; p[0] && p[1]; p += 2)
    {
      char *scan = pb_scan_buffer_feed (buf, (gunichar)p[0], now);

      if (scan)
        g_ptr_array_add (pairs, scan);
      scan = pb_scan_buffer_feed (buf, (gunichar)p[1], now + 20 * MS);
      if (scan)
        g_ptr_array_add (pairs, scan);
      now += 250 * MS;
    }
  g_assert_null (pb_scan_buffer_feed (buf, '\r', now));
  g_assert_cmpuint (pairs->len, ==, 0);

  /* Keys a person typed just before do not spoil the scan that follows. */
  after = g_ptr_array_new_with_free_func (g_free);
  now += 400 * MS;
  for (const char *p = "MU"; *p; p++, now += HUMAN_STEP)
    g_assert_null (pb_scan_buffer_feed (buf, (gunichar)*p, now));
  for (const char *p = "TEA-1\r"; *p; p++, now += SCANNER_STEP)
    {
      char *scan = pb_scan_buffer_feed (buf, (gunichar)*p, now);

      if (scan)
        g_ptr_array_add (after, scan);
    }
  g_assert_cmpuint (after->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (after, 0), ==, "TEA-1");
}

static void
test_buffer_held_key_is_not_a_scan (void)
{
  g_autoptr (PbScanBuffer) buf = pb_scan_buffer_new ();
  g_autoptr (GPtrArray) held = type_text (buf, "aaaaaaaaaaaaaaaaaaaa", T0, 33 * MS);
  g_autoptr (GPtrArray) overflow = NULL;
  g_autoptr (GString) long_text = g_string_new (NULL);

  g_assert_cmpuint (held->len, ==, 0);

  /* Nor is anything longer than any barcode. */
  for (guint i = 0; i < PB_SCAN_MAX_LENGTH + 10; i++)
    g_string_append_c (long_text, (char)('a' + i % 26));
  g_string_append_c (long_text, '\r');
  overflow = type_text (buf, long_text->str, T0, MS);
  g_assert_cmpuint (overflow->len, ==, 0);
  assert_scan (buf, "MUG-2\r", "MUG-2");
}

static void
test_buffer_gs1_separator_kept (void)
{
  g_autoptr (PbScanBuffer) buf = pb_scan_buffer_new ();

  /* GS between variable-length fields is data; at the ends it is not. */
  assert_scan (buf,
               "]C1\x1d"
               "0105012345678900\x1d"
               "10LOT\"7\x1d\r",
               "0105012345678900\x1d"
               "10LOT@7");
}

static void
test_buffer_without_timing (void)
{
  g_autoptr (PbScanBuffer) buf = pb_scan_buffer_new ();
  g_autoptr (GPtrArray) scans = NULL;

  /* An entry the packer types into: only Enter ends a code. */
  pb_scan_buffer_set_max_gap_ms (buf, 0);
  scans = type_text (buf, "MUG-2\rA\r", T0, HUMAN_STEP);
  g_assert_cmpuint (scans->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (scans, 0), ==, "MUG-2");
  g_assert_cmpstr (g_ptr_array_index (scans, 1), ==, "A");
  g_assert_cmpint (pb_scan_buffer_get_deadline (buf), ==, 0);

  /* A shorter minimum lets short SKUs through at scanner speed. */
  pb_scan_buffer_set_max_gap_ms (buf, 50);
  pb_scan_buffer_set_min_length (buf, 2);
  assert_scan (buf, "A1\r", "A1");
  pb_scan_buffer_feed (buf, 'X', T0);
  pb_scan_buffer_reset (buf);
  assert_scan (buf, "A2\r", "A2");
}

static void
test_gtin_check_digits (void)
{
  static const struct
  {
    const char *code;
    PbScanKind kind;
  } cases[] = {
    { "5012345678900", PB_SCAN_KIND_EAN13 }, { "4006381333931", PB_SCAN_KIND_EAN13 },
    { "5012345678901", PB_SCAN_KIND_OTHER }, { "4006381333930", PB_SCAN_KIND_OTHER },
    { "012345678905", PB_SCAN_KIND_UPC_A },  { "036000291452", PB_SCAN_KIND_UPC_A },
    { "012345678900", PB_SCAN_KIND_OTHER },  { "036000291453", PB_SCAN_KIND_OTHER },
    { "96385074", PB_SCAN_KIND_EAN8 },       { "73513537", PB_SCAN_KIND_EAN8 },
    { "96385075", PB_SCAN_KIND_OTHER },      { "9638507", PB_SCAN_KIND_OTHER },
    { "501234567890A", PB_SCAN_KIND_OTHER },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *value = NULL;
      PbScanKind kind = pb_scan_classify (cases[i].code, &value);

      if (kind != cases[i].kind)
        g_error ("%s: %s, expected %s", cases[i].code, pb_scan_kind_to_string (kind),
                 pb_scan_kind_to_string (cases[i].kind));
      g_assert_cmpstr (value, ==, cases[i].code);
    }
  g_assert_true (pb_scan_gtin_is_valid ("05012345678900"));
  g_assert_false (pb_scan_gtin_is_valid ("05012345678901"));
  g_assert_false (pb_scan_gtin_is_valid (""));
}

static void
test_classify_asin (void)
{
  static const struct
  {
    const char *code, *value;
    PbScanKind kind;
  } cases[] = {
    { "B0TEA00001", "B0TEA00001", PB_SCAN_KIND_ASIN },
    { "b0mug00002", "B0MUG00002", PB_SCAN_KIND_ASIN }, /* Caps Lock on */
    { "0306406152", "0306406152", PB_SCAN_KIND_ASIN }, /* ISBN-10 */
    { "080442957X", "080442957X", PB_SCAN_KIND_ASIN },
    { "080442957x", "080442957X", PB_SCAN_KIND_ASIN },
    { "0306406153", "0306406153", PB_SCAN_KIND_OTHER }, /* wrong check digit */
    { "B0TEA0000", "B0TEA0000", PB_SCAN_KIND_OTHER },   /* 9 characters */
    { "B0TEA-0001", "B0TEA-0001", PB_SCAN_KIND_OTHER },
    { "A0TEA00001", "A0TEA00001", PB_SCAN_KIND_OTHER },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *value = NULL;

      g_assert_cmpint (pb_scan_classify (cases[i].code, &value), ==, cases[i].kind);
      g_assert_cmpstr (value, ==, cases[i].value);
    }
}

static void
test_classify_order_id (void)
{
  g_autofree char *dashed = NULL;
  g_autofree char *digits = NULL;

  g_assert_cmpint (pb_scan_classify ("202-1234567-7654321", &dashed), ==,
                   PB_SCAN_KIND_AMAZON_ORDER_ID);
  g_assert_cmpstr (dashed, ==, "202-1234567-7654321");
  g_assert_cmpint (pb_scan_classify ("20212345677654321", &digits), ==,
                   PB_SCAN_KIND_AMAZON_ORDER_ID);
  g_assert_cmpstr (digits, ==, "202-1234567-7654321");
  g_assert_cmpint (pb_scan_classify ("202-1234567-765432", NULL), ==, PB_SCAN_KIND_OTHER);
  g_assert_cmpint (pb_scan_classify ("2021234567765432", NULL), ==, PB_SCAN_KIND_OTHER);
  g_assert_cmpint (pb_scan_classify ("202-12345677-654321", NULL), ==, PB_SCAN_KIND_OTHER);
  g_assert_cmpint (pb_scan_classify ("2O2-1234567-7654321", NULL), ==, PB_SCAN_KIND_OTHER);
}

static void
test_classify_badge (void)
{
  g_autofree char *name = NULL;
  g_autofree char *shouted = NULL;

  g_assert_cmpint (pb_scan_classify ("PBU:alice.smith", &name), ==, PB_SCAN_KIND_BADGE);
  g_assert_cmpstr (name, ==, "alice.smith");
  g_assert_cmpint (pb_scan_classify ("pbu:ALICE_2", &shouted), ==, PB_SCAN_KIND_BADGE);
  g_assert_cmpstr (shouted, ==, "alice_2");
  g_assert_cmpint (pb_scan_classify ("PBU:", NULL), ==, PB_SCAN_KIND_OTHER);
  g_assert_cmpint (pb_scan_classify ("PBU:al ice", NULL), ==, PB_SCAN_KIND_OTHER);
  g_assert_cmpint (pb_scan_classify ("PBU:-alice", NULL), ==, PB_SCAN_KIND_OTHER);
  g_assert_cmpint (pb_scan_classify ("PBU:abcdefghijklmnopqrstuvwxyz0123456", NULL), ==,
                   PB_SCAN_KIND_OTHER);
  g_assert_cmpint (pb_scan_classify ("PBUalice", NULL), ==, PB_SCAN_KIND_OTHER);
  g_assert_cmpstr (pb_scan_kind_to_string (PB_SCAN_KIND_BADGE), ==, "badge");
}

static void
test_classify_other (void)
{
  g_autofree char *value = NULL;

  g_assert_cmpint (pb_scan_classify ("MUG-2", &value), ==, PB_SCAN_KIND_OTHER);
  g_assert_cmpstr (value, ==, "MUG-2");
  g_assert_cmpint (pb_scan_classify ("", NULL), ==, PB_SCAN_KIND_OTHER);
  g_assert_cmpstr (pb_scan_kind_to_string (PB_SCAN_KIND_OTHER), ==, "other");
}

static void
test_candidates (void)
{
  const char *const upc_forms[] = { "012345678905", "0012345678905", "00012345678905", NULL };
  const char *const ean8_forms[]
      = { "96385074", "000096385074", "0000096385074", "00000096385074", NULL };
  const char *const order_forms[] = { "20212345677654321", "202-1234567-7654321", NULL };
  const char *const asin_forms[] = { "b0tea00001", "B0TEA00001", NULL };
  const char *const sku_forms[] = { "MUG-2", NULL };
  g_auto (GStrv) upc = pb_scan_candidates ("012345678905");
  g_auto (GStrv) ean8 = pb_scan_candidates ("96385074");
  g_auto (GStrv) order = pb_scan_candidates ("20212345677654321");
  g_auto (GStrv) asin = pb_scan_candidates ("b0tea00001");
  g_auto (GStrv) sku = pb_scan_candidates ("MUG-2");
  g_auto (GStrv) bad_gtin = pb_scan_candidates ("012345678900");

  g_assert_true (g_strv_equal ((const char *const *)upc, upc_forms));
  g_assert_true (g_strv_equal ((const char *const *)ean8, ean8_forms));
  g_assert_true (g_strv_equal ((const char *const *)order, order_forms));
  g_assert_true (g_strv_equal ((const char *const *)asin, asin_forms));
  g_assert_true (g_strv_equal ((const char *const *)sku, sku_forms));
  g_assert_cmpuint (g_strv_length (bad_gtin), ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/scan/layout/us-scanner-on-uk", test_layout_us_scanner_on_uk);
  g_test_add_func ("/scan/layout/uk-scanner-on-us", test_layout_uk_scanner_on_us);
  g_test_add_func ("/scan/buffer/restores-quotes-and-at", test_buffer_restores_quotes_and_at);
  g_test_add_func ("/scan/buffer/enter-ends-scan", test_buffer_enter_ends_scan);
  g_test_add_func ("/scan/buffer/control-characters-stripped",
                   test_buffer_control_characters_stripped);
  g_test_add_func ("/scan/buffer/aim-identifiers-stripped", test_buffer_aim_identifiers_stripped);
  g_test_add_func ("/scan/buffer/prefix-and-suffix-stripped",
                   test_buffer_prefix_and_suffix_stripped);
  g_test_add_func ("/scan/buffer/spaces-trimmed", test_buffer_spaces_trimmed);
  g_test_add_func ("/scan/buffer/two-scans-in-one-burst", test_buffer_two_scans_in_one_burst);
  g_test_add_func ("/scan/buffer/gap-ends-scan", test_buffer_gap_ends_scan);
  g_test_add_func ("/scan/buffer/slow-typing-is-not-a-scan", test_buffer_slow_typing_is_not_a_scan);
  g_test_add_func ("/scan/buffer/held-key-is-not-a-scan", test_buffer_held_key_is_not_a_scan);
  g_test_add_func ("/scan/buffer/gs1-separator-kept", test_buffer_gs1_separator_kept);
  g_test_add_func ("/scan/buffer/without-timing", test_buffer_without_timing);
  g_test_add_func ("/scan/classify/gtin-check-digits", test_gtin_check_digits);
  g_test_add_func ("/scan/classify/asin", test_classify_asin);
  g_test_add_func ("/scan/classify/order-id", test_classify_order_id);
  g_test_add_func ("/scan/classify/badge", test_classify_badge);
  g_test_add_func ("/scan/classify/other", test_classify_other);
  g_test_add_func ("/scan/candidates", test_candidates);

  return g_test_run ();
}
