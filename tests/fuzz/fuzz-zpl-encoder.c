/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The ZPL encoder on arbitrary bitmaps: whatever it gets, its output must
 * decode (with the independent decoder in tests/zpl-decoder.h) to exactly
 * the dots it was given, and never be longer than the buffer the encoder
 * reserves (a longer one would mean a reallocation that leaves label
 * pixels behind in freed memory).
 *
 * Input: bytes 0-1 the width (1 to 2400 dots, so that runs pass the 419
 * one count can say), byte 2 the height (1 to 48 rows), byte 3 flags (bit
 * 0: repeat the pixel bytes to fill the bitmap), then the pixel rows.
 */
#include "config.h"

#include <string.h>

#include "../zpl-decoder.h"
#include "print/pb-label.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autoptr (PbBitmap) bitmap = NULL;
  g_autoptr (GBytes) zpl = NULL;
  g_autofree char *prefix = NULL;
  g_autofree guint8 *decoded = NULL;
  const guint8 *pixels = data + 4;
  gsize pixel_count, total, length, bytes_per_row = 0, rows = 0;
  const char *text;
  guint width, height;
  gboolean tile;

  if (size < 4)
    return 0;
  width = 1 + ((guint)data[0] << 8 | data[1]) % 2400;
  height = 1 + data[2] % 48;
  tile = (data[3] & 1) != 0;
  pixel_count = size - 4;

  bitmap = pb_bitmap_new (width, height);
  total = (gsize)bitmap->stride * bitmap->height;
  for (gsize i = 0; i < total; i++)
    {
      if (i < pixel_count)
        bitmap->data[i] = pixels[i];
      else if (tile && pixel_count > 0)
        bitmap->data[i] = pixels[i % pixel_count];
    }
  /* A PbBitmap's bits past the width are always white. */
  if (width % 8 != 0)
    for (guint y = 0; y < height; y++)
      bitmap->data[(gsize)y * bitmap->stride + bitmap->stride - 1]
          &= (guint8)(0xff << (8 - width % 8));

  zpl = pb_label_encode_zpl (bitmap);
  text = g_bytes_get_data (zpl, &length);
  g_assert (length <= 2 * total + 128);

  prefix = g_strdup_printf ("^XA^PW%u^LL%u^LH0,0^FO0,0^GFA,%zu,%zu,%u,", width, height, total,
                            total, bitmap->stride);
  g_assert (length > strlen (prefix) + 6);
  g_assert (memcmp (text, prefix, strlen (prefix)) == 0);
  g_assert (memcmp (text + length - 6, "^FS^XZ", 6) == 0);

  decoded = zpl_test_decode_gfa (text, length, &bytes_per_row, &rows);
  g_assert (decoded != NULL);
  g_assert (bytes_per_row == bitmap->stride);
  g_assert (rows == height);
  g_assert (memcmp (decoded, bitmap->data, total) == 0);
  return 0;
}
