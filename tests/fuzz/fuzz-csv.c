/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The CSV reader meets whatever a spreadsheet (or a person) writes. */
#include "config.h"

#include "util/pb-csv.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autoptr (GPtrArray) rows = pb_csv_parse ((const char *)data, size, NULL);

  for (guint i = 0; rows != NULL && i < rows->len; i++)
    {
      char **row = g_ptr_array_index (rows, i);
      g_assert (row != NULL && row[0] != NULL);
      for (guint j = 0; row[j]; j++)
        g_assert (g_utf8_validate (row[j], -1, NULL));
    }
  return 0;
}
