/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "pb-scan.h"
#include "store/pb-password-policy.h"

#define STX 0x02
#define ETX 0x03
#define GS 0x1d /* GS1's FNC1 field separator as scanners transmit it */

/* What a US-programmed scanner's character arrives as on a UK desktop (see
 * the table in pb-scan.h). Read left to right it undoes UK_ON_US; right to
 * left, US_ON_UK. */
static const struct
{
  gunichar meant;
  gunichar arrives;
} us_on_uk[] = {
  { '"', '@' },  { '@', '"' }, { '#', 0x00a3 /* £ */ },
  { '\\', '#' }, { '|', '~' }, { '~', 0x00ac /* ¬ */ },
};

static gunichar
swap_char (gunichar c, PbScanLayout layout)
{
  for (guint i = 0; i < G_N_ELEMENTS (us_on_uk); i++)
    {
      if (layout == PB_SCAN_LAYOUT_US_ON_UK && c == us_on_uk[i].arrives)
        return us_on_uk[i].meant;
      if (layout == PB_SCAN_LAYOUT_UK_ON_US && c == us_on_uk[i].meant)
        return us_on_uk[i].arrives;
    }
  return c;
}

/**
 * pb_scan_normalize_layout:
 * @raw: UTF-8 text as the desktop received it
 * @layout: how the scanner and the desktop disagree
 *
 * Returns: (transfer full): the characters the scanner meant.
 */
char *
pb_scan_normalize_layout (const char *raw, PbScanLayout layout)
{
  g_autofree char *valid = NULL;
  GString *out;

  g_return_val_if_fail (raw != NULL, NULL);

  valid = g_utf8_make_valid (raw, -1);
  if (layout == PB_SCAN_LAYOUT_AS_TYPED)
    return g_steal_pointer (&valid);

  out = g_string_sized_new (strlen (valid));
  for (const char *p = valid; *p; p = g_utf8_next_char (p))
    g_string_append_unichar (out, swap_char (g_utf8_get_char (p), layout));
  return g_string_free (out, FALSE);
}

/**
 * pb_scan_normalize:
 * @raw: UTF-8 text as a UK desktop received it from a US-programmed scanner
 *
 * Returns: (transfer full): the characters the scanner meant.
 */
char *
pb_scan_normalize (const char *raw)
{
  return pb_scan_normalize_layout (raw, PB_SCAN_LAYOUT_US_ON_UK);
}

static gboolean
all_digits (const char *text, gsize len)
{
  return strlen (text) == len && strspn (text, "0123456789") == len;
}

/**
 * pb_scan_gtin_is_valid:
 * @digits: a GTIN-8, GTIN-12 (UPC-A), GTIN-13 (EAN-13) or GTIN-14
 *
 * Returns: whether it has that many digits and its check digit is right.
 */
gboolean
pb_scan_gtin_is_valid (const char *digits)
{
  gsize len;
  guint sum = 0;

  g_return_val_if_fail (digits != NULL, FALSE);

  len = strlen (digits);
  if ((len != 8 && len != 12 && len != 13 && len != 14) || !all_digits (digits, len))
    return FALSE;
  /* Weights 3, 1, 3, … from the digit left of the check digit leftwards. */
  for (gsize i = 0; i + 1 < len; i++)
    sum += (guint)(digits[len - 2 - i] - '0') * (i % 2 == 0 ? 3 : 1);
  return (10 - sum % 10) % 10 == (guint)(digits[len - 1] - '0');
}

static gboolean
isbn10_is_valid (const char *code)
{
  guint sum = 0;

  if (strlen (code) != 10)
    return FALSE;
  for (int i = 0; i < 10; i++)
    {
      guint digit;

      if (g_ascii_isdigit (code[i]))
        digit = (guint)(code[i] - '0');
      else if (i == 9 && (code[i] == 'X' || code[i] == 'x'))
        digit = 10;
      else
        return FALSE;
      sum += digit * (guint)(10 - i);
    }
  return sum % 11 == 0;
}

static gboolean
is_dashed_order_id (const char *code)
{
  static const char pattern[] = "ddd-ddddddd-ddddddd";

  if (strlen (code) != sizeof pattern - 1)
    return FALSE;
  for (gsize i = 0; pattern[i]; i++)
    if (pattern[i] == 'd' ? !g_ascii_isdigit (code[i]) : code[i] != '-')
      return FALSE;
  return TRUE;
}

static gboolean
is_b0_asin (const char *upper)
{
  if (strlen (upper) != 10 || !g_str_has_prefix (upper, "B0"))
    return FALSE;
  for (int i = 2; i < 10; i++)
    if (!g_ascii_isalnum (upper[i]))
      return FALSE;
  return TRUE;
}

/**
 * pb_scan_classify:
 * @code: a cleaned scan
 * @value: (out) (optional) (transfer full): the canonical form of @code
 *
 * Returns: what @code is.
 */
PbScanKind
pb_scan_classify (const char *code, char **value)
{
  g_autofree char *upper = NULL;
  gsize len;

  g_return_val_if_fail (code != NULL, PB_SCAN_KIND_OTHER);

  len = strlen (code);
  if (is_dashed_order_id (code))
    {
      if (value)
        *value = g_strdup (code);
      return PB_SCAN_KIND_AMAZON_ORDER_ID;
    }
  if (all_digits (code, 17))
    {
      if (value)
        *value = g_strdup_printf ("%.3s-%.7s-%.7s", code, code + 3, code + 10);
      return PB_SCAN_KIND_AMAZON_ORDER_ID;
    }
  if ((len == 8 || len == 12 || len == 13) && pb_scan_gtin_is_valid (code))
    {
      if (value)
        *value = g_strdup (code);
      return len == 8 ? PB_SCAN_KIND_EAN8 : len == 12 ? PB_SCAN_KIND_UPC_A : PB_SCAN_KIND_EAN13;
    }
  if (g_ascii_strncasecmp (code, PB_SCAN_BADGE_PREFIX, strlen (PB_SCAN_BADGE_PREFIX)) == 0)
    {
      g_autofree char *username
          = pb_username_normalize (code + strlen (PB_SCAN_BADGE_PREFIX), NULL);

      if (username != NULL)
        {
          if (value)
            *value = g_steal_pointer (&username);
          return PB_SCAN_KIND_BADGE;
        }
    }

  upper = g_ascii_strup (code, -1);
  if (is_b0_asin (upper) || isbn10_is_valid (upper))
    {
      if (value)
        *value = g_steal_pointer (&upper);
      return PB_SCAN_KIND_ASIN;
    }

  if (value)
    *value = g_strdup (code);
  return PB_SCAN_KIND_OTHER;
}

const char *
pb_scan_kind_to_string (PbScanKind kind)
{
  switch (kind)
    {
      case PB_SCAN_KIND_AMAZON_ORDER_ID:
        return "amazon_order_id";
      case PB_SCAN_KIND_EAN13:
        return "ean13";
      case PB_SCAN_KIND_UPC_A:
        return "upc_a";
      case PB_SCAN_KIND_EAN8:
        return "ean8";
      case PB_SCAN_KIND_ASIN:
        return "asin";
      case PB_SCAN_KIND_BADGE:
        return "badge";
      case PB_SCAN_KIND_OTHER:
      default:
        return "other";
    }
}

static void
add_unique (GPtrArray *list, const char *text)
{
  for (guint i = 0; i < list->len; i++)
    if (g_str_equal (g_ptr_array_index (list, i), text))
      return;
  g_ptr_array_add (list, g_strdup (text));
}

/**
 * pb_scan_candidates:
 * @code: a cleaned scan
 *
 * Returns: (transfer full): the forms under which @code may be stored.
 */
GStrv
pb_scan_candidates (const char *code)
{
  g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *value = NULL;

  g_return_val_if_fail (code != NULL, NULL);

  add_unique (list, code);
  pb_scan_classify (code, &value);
  add_unique (list, value);

  if (pb_scan_gtin_is_valid (code))
    {
      static const gsize lengths[] = { 8, 12, 13, 14 };
      char gtin14[15];
      gsize len = strlen (code);

      memset (gtin14, '0', 14 - len);
      memcpy (gtin14 + 14 - len, code, len + 1);
      for (guint i = 0; i < G_N_ELEMENTS (lengths); i++)
        {
          gsize drop = 14 - lengths[i];

          if (strspn (gtin14, "0") >= drop)
            add_unique (list, gtin14 + drop);
        }
    }

  g_ptr_array_add (list, NULL);
  return (GStrv)g_ptr_array_steal (list, NULL);
}

struct _PbScanBuffer
{
  PbScanLayout layout;
  guint max_gap_ms;
  guint min_length;
  char *prefix;
  char *suffix;
  gboolean strip_aim;

  /* The burst in progress. */
  GString *raw;
  guint n_chars; /* printable characters in it */
  gboolean overflow;
  gboolean active; /* a key has started it */
  gint64 last_time;
};

/**
 * pb_scan_buffer_new:
 *
 * Returns: (transfer full): an empty buffer with the defaults.
 */
PbScanBuffer *
pb_scan_buffer_new (void)
{
  PbScanBuffer *buf = g_new0 (PbScanBuffer, 1);

  buf->layout = PB_SCAN_LAYOUT_US_ON_UK;
  buf->max_gap_ms = PB_SCAN_DEFAULT_MAX_GAP_MS;
  buf->min_length = PB_SCAN_DEFAULT_MIN_LENGTH;
  buf->strip_aim = TRUE;
  buf->raw = g_string_new (NULL);
  return buf;
}

void
pb_scan_buffer_free (PbScanBuffer *buf)
{
  if (buf == NULL)
    return;
  g_string_free (buf->raw, TRUE);
  g_free (buf->prefix);
  g_free (buf->suffix);
  g_free (buf);
}

void
pb_scan_buffer_set_layout (PbScanBuffer *buf, PbScanLayout layout)
{
  g_return_if_fail (buf != NULL);
  g_return_if_fail (layout <= PB_SCAN_LAYOUT_UK_ON_US);
  buf->layout = layout;
}

PbScanLayout
pb_scan_buffer_get_layout (PbScanBuffer *buf)
{
  g_return_val_if_fail (buf != NULL, PB_SCAN_LAYOUT_AS_TYPED);
  return buf->layout;
}

void
pb_scan_buffer_set_max_gap_ms (PbScanBuffer *buf, guint max_gap_ms)
{
  g_return_if_fail (buf != NULL);
  buf->max_gap_ms = max_gap_ms;
}

void
pb_scan_buffer_set_min_length (PbScanBuffer *buf, guint min_length)
{
  g_return_if_fail (buf != NULL);
  buf->min_length = min_length;
}

static void
replace_text (char **field, const char *text)
{
  g_free (*field);
  *field = (text != NULL && *text != '\0') ? g_strdup (text) : NULL;
}

void
pb_scan_buffer_set_prefix (PbScanBuffer *buf, const char *prefix)
{
  g_return_if_fail (buf != NULL);
  replace_text (&buf->prefix, prefix);
}

void
pb_scan_buffer_set_suffix (PbScanBuffer *buf, const char *suffix)
{
  g_return_if_fail (buf != NULL);
  replace_text (&buf->suffix, suffix);
}

void
pb_scan_buffer_set_strip_aim (PbScanBuffer *buf, gboolean strip_aim)
{
  g_return_if_fail (buf != NULL);
  buf->strip_aim = strip_aim;
}

void
pb_scan_buffer_reset (PbScanBuffer *buf)
{
  g_return_if_fail (buf != NULL);
  g_string_truncate (buf->raw, 0);
  buf->n_chars = 0;
  buf->overflow = FALSE;
  buf->active = FALSE;
  buf->last_time = 0;
}

static gboolean
is_trimmed (gunichar c)
{
  return g_unichar_isspace (c) || c == GS;
}

/* Cuts spaces (and separators, which only mean something between fields)
 * from both ends, in place. */
static void
trim (GString *text)
{
  const char *start = text->str;
  const char *end = text->str + text->len;

  while (start < end && is_trimmed (g_utf8_get_char (start)))
    start = g_utf8_next_char (start);
  while (end > start)
    {
      const char *prev = g_utf8_prev_char (end);

      if (!is_trimmed (g_utf8_get_char (prev)))
        break;
      end = prev;
    }
  g_string_truncate (text, end - text->str);
  g_string_erase (text, 0, start - text->str);
}

static gboolean
strip_prefix (GString *text, const char *prefix)
{
  gsize len = prefix ? strlen (prefix) : 0;

  if (len == 0 || !g_str_has_prefix (text->str, prefix))
    return FALSE;
  g_string_erase (text, 0, len);
  trim (text);
  return TRUE;
}

static gboolean
strip_suffix (GString *text, const char *suffix)
{
  gsize len = suffix ? strlen (suffix) : 0;

  if (len == 0 || !g_str_has_suffix (text->str, suffix))
    return FALSE;
  g_string_truncate (text, text->len - len);
  trim (text);
  return TRUE;
}

/* ']' + symbology letter + modifier (ISO/IEC 15424). */
static gboolean
strip_aim_identifier (GString *text)
{
  if (text->len < 3 || text->str[0] != ']' || !g_ascii_isalpha (text->str[1])
      || !g_ascii_isalnum (text->str[2]))
    return FALSE;
  g_string_erase (text, 0, 3);
  trim (text);
  return TRUE;
}

static char *
clean_scan (PbScanBuffer *buf, const char *raw)
{
  g_autoptr (GString) kept = g_string_sized_new (strlen (raw));
  g_autofree char *meant = NULL;
  g_autoptr (GString) text = NULL;

  for (const char *p = raw; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!g_unichar_iscntrl (c) || c == GS)
        g_string_append_unichar (kept, c);
    }

  meant = pb_scan_normalize_layout (kept->str, buf->layout);
  text = g_string_new (meant);
  trim (text);
  strip_prefix (text, buf->prefix);
  if (buf->strip_aim)
    strip_aim_identifier (text);
  strip_suffix (text, buf->suffix);

  if (text->len == 0)
    return NULL;
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static gboolean
one_repeated_char (const char *text)
{
  gunichar first = g_utf8_get_char (text);

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    if (g_utf8_get_char (p) != first)
      return FALSE;
  return TRUE;
}

/* Ends the burst; @terminated: by a terminator rather than by the gap. */
static char *
end_burst (PbScanBuffer *buf, gboolean terminated)
{
  g_autofree char *raw = g_strndup (buf->raw->str, buf->raw->len);
  guint n_chars = buf->n_chars;
  gboolean overflow = buf->overflow;
  gboolean timed = buf->max_gap_ms > 0;

  pb_scan_buffer_reset (buf);

  if (overflow || n_chars == 0)
    return NULL;
  /* Too few keys at scanner speed: a person typing. */
  if (timed && n_chars < buf->min_length)
    return NULL;
  /* A held key repeats at 25–40 per second, fast enough to look like a
   * scanner, but never ends with Enter. */
  if (timed && !terminated && n_chars > 1 && one_repeated_char (raw))
    return NULL;
  return clean_scan (buf, raw);
}

static gboolean
gap_passed (PbScanBuffer *buf, gint64 time_us)
{
  return buf->active && buf->max_gap_ms > 0
         && time_us - buf->last_time > (gint64)buf->max_gap_ms * 1000;
}

/**
 * pb_scan_buffer_feed:
 * @buf: a buffer
 * @c: the character a key typed (0 for keys that type none: ignored)
 * @time_us: when, in monotonic microseconds
 *
 * Returns: (transfer full) (nullable): a finished scan, or NULL.
 */
char *
pb_scan_buffer_feed (PbScanBuffer *buf, gunichar c, gint64 time_us)
{
  char *scan = NULL;

  g_return_val_if_fail (buf != NULL, NULL);

  if (c == 0)
    return NULL;
  if (gap_passed (buf, time_us))
    scan = end_burst (buf, FALSE);

  if (c == '\r' || c == '\n' || c == '\t' || c == ETX)
    {
      /* After a gap the terminator belongs to no burst: a person pressed
       * Enter. */
      if (scan == NULL && buf->active)
        scan = end_burst (buf, TRUE);
      return scan;
    }

  if (c == STX && scan == NULL && buf->active)
    scan = end_burst (buf, TRUE);

  buf->active = TRUE;
  buf->last_time = time_us;
  if (c == STX)
    return scan;
  if (buf->raw->len >= PB_SCAN_MAX_LENGTH)
    buf->overflow = TRUE;
  else
    g_string_append_unichar (buf->raw, c);
  if (!g_unichar_iscntrl (c))
    buf->n_chars++;
  return scan;
}

/**
 * pb_scan_buffer_flush:
 * @buf: a buffer
 * @time_us: now, in monotonic microseconds
 *
 * Returns: (transfer full) (nullable): the scan a gap has ended, or NULL.
 */
char *
pb_scan_buffer_flush (PbScanBuffer *buf, gint64 time_us)
{
  g_return_val_if_fail (buf != NULL, NULL);

  if (!gap_passed (buf, time_us))
    return NULL;
  return end_burst (buf, FALSE);
}

gint64
pb_scan_buffer_get_deadline (PbScanBuffer *buf)
{
  g_return_val_if_fail (buf != NULL, 0);

  if (!buf->active || buf->max_gap_ms == 0)
    return 0;
  return buf->last_time + (gint64)buf->max_gap_ms * 1000 + 1;
}
