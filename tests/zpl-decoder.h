/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A ZPL graphic-field decoder for tests, written from Zebra's description
 * of the format and not from src/print/: it checks the encoder, so it must
 * not share its mistakes. Header-only (static functions) so that unit,
 * integration and fuzz tests can each include it without a library.
 *
 * Compressed ASCII hex, as ^GFA and ~DG data use it: each hex digit is four
 * dots, rows are "bytes per row" bytes long; G..Y before a digit repeat it
 * 1..19 times, g..z 20..400 times, and counts add up; "," fills the rest of
 * the row with 0, "!" with F; ":" copies the row above. A row that is full
 * ends by itself. Line breaks between data characters mean nothing.
 */
#pragma once

#include <string.h>

#include <glib.h>

/* The repeat count a letter stands for, or 0 for any other character. */
G_GNUC_UNUSED static guint
zpl_test_repeat_value (char c)
{
  if (c >= 'G' && c <= 'Y')
    return (guint)(c - 'G') + 1;
  if (c >= 'g' && c <= 'z')
    return 20 * ((guint)(c - 'g') + 1);
  return 0;
}

G_GNUC_UNUSED static int
zpl_test_hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

/*
 * Decodes @length characters of compressed hex at @text (stopping early at
 * a "^" or "~") into exactly @rows rows of @bytes_per_row bytes. Returns
 * NULL when the data is malformed, too long or too short; with @end, where
 * decoding stopped.
 */
G_GNUC_UNUSED static guint8 *
zpl_test_decode_hex (const char *text, gsize length, gsize bytes_per_row, gsize rows,
                     const char **end)
{
  gsize digits_per_row = 2 * bytes_per_row;
  g_autofree guint8 *out = NULL;
  gsize row = 0, digit = 0, repeat = 0, i;

  if (bytes_per_row == 0 || rows == 0 || rows > G_MAXSIZE / bytes_per_row)
    return NULL;
  out = g_malloc0 (bytes_per_row * rows);

  for (i = 0; i < length && text[i] != '^' && text[i] != '~'; i++)
    {
      char c = text[i];
      guint letter = zpl_test_repeat_value (c);
      int value = zpl_test_hex_value (c);

      if (c == '\n' || c == '\r')
        continue;
      if (letter > 0)
        {
          repeat += letter;
          continue;
        }
      if (row >= rows)
        return NULL; /* data past the last row */
      if (value >= 0)
        {
          gsize times = repeat > 0 ? repeat : 1;

          repeat = 0;
          for (gsize t = 0; t < times; t++)
            {
              guint8 *byte;

              if (row >= rows)
                return NULL;
              byte = &out[row * bytes_per_row + digit / 2];
              *byte |= (guint8)(digit % 2 == 0 ? value << 4 : value);
              if (++digit == digits_per_row)
                {
                  digit = 0;
                  row++;
                }
            }
          continue;
        }
      if (repeat > 0)
        return NULL; /* a count must be followed by a digit */
      if (c == ',' || c == '!')
        {
          for (; digit < digits_per_row; digit++)
            if (c == '!')
              out[row * bytes_per_row + digit / 2] |= (guint8)(digit % 2 == 0 ? 0xf0 : 0x0f);
          digit = 0;
          row++;
        }
      else if (c == ':')
        {
          if (row == 0 || digit != 0)
            return NULL;
          memcpy (&out[row * bytes_per_row], &out[(row - 1) * bytes_per_row], bytes_per_row);
          row++;
        }
      else
        {
          return NULL;
        }
    }
  if (end != NULL)
    *end = text + i;
  if (repeat > 0 || digit != 0 || row != rows)
    return NULL;
  return g_steal_pointer (&out);
}

/* Reads an unsigned decimal followed by @separator at *@p, advancing past
 * both. */
G_GNUC_UNUSED static gboolean
zpl_test_read_number (const char **p, const char *limit, char separator, gsize *value)
{
  gsize n = 0;
  gboolean any = FALSE;

  while (*p < limit && **p >= '0' && **p <= '9')
    {
      if (n > G_MAXSIZE / 10 - 10)
        return FALSE;
      n = n * 10 + (gsize)(**p - '0');
      (*p)++;
      any = TRUE;
    }
  if (!any || *p >= limit || **p != separator)
    return FALSE;
  (*p)++;
  *value = n;
  return TRUE;
}

/*
 * Decodes the first "^GFA,<bytes>,<bytes>,<bytes per row>,<data>" in @zpl:
 * returns the bitmap rows (1 = black dot) and sets @bytes_per_row and
 * @rows, or NULL when there is none or it is malformed.
 */
G_GNUC_UNUSED static guint8 *
zpl_test_decode_gfa (const char *zpl, gsize length, gsize *bytes_per_row, gsize *rows)
{
  const char *limit = zpl + length;
  const char *p = g_strstr_len (zpl, (gssize)length, "^GFA,");
  gsize total, field_count, per_row;

  if (p == NULL)
    return NULL;
  p += strlen ("^GFA,");
  if (!zpl_test_read_number (&p, limit, ',', &total)
      || !zpl_test_read_number (&p, limit, ',', &field_count)
      || !zpl_test_read_number (&p, limit, ',', &per_row) || per_row == 0 || total % per_row != 0
      || field_count != total)
    return NULL;
  *bytes_per_row = per_row;
  *rows = total / per_row;
  return zpl_test_decode_hex (p, (gsize)(limit - p), per_row, total / per_row, NULL);
}

/*
 * Decodes the first "~DG<name>,<bytes>,<bytes per row>,<data>" in @zpl, the
 * graphic download CUPS's rastertolabel driver sends.
 */
G_GNUC_UNUSED static guint8 *
zpl_test_decode_dg (const char *zpl, gsize length, gsize *bytes_per_row, gsize *rows)
{
  const char *limit = zpl + length;
  const char *p = g_strstr_len (zpl, (gssize)length, "~DG");
  gsize total, per_row;

  if (p == NULL)
    return NULL;
  p = memchr (p, ',', (gsize)(limit - p));
  if (p == NULL)
    return NULL;
  p++;
  if (!zpl_test_read_number (&p, limit, ',', &total)
      || !zpl_test_read_number (&p, limit, ',', &per_row) || per_row == 0 || total % per_row != 0)
    return NULL;
  *bytes_per_row = per_row;
  *rows = total / per_row;
  return zpl_test_decode_hex (p, (gsize)(limit - p), per_row, total / per_row, NULL);
}
