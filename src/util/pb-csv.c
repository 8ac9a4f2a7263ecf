/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "pb-csv.h"

#define CSV_MAX_BYTES (64 * 1024 * 1024)

GQuark
pb_csv_error_quark (void)
{
  return g_quark_from_static_string ("pb-csv-error-quark");
}

static void
end_record (GPtrArray *records, GPtrArray *fields)
{
  /* A line with a single empty field is an empty line. */
  if (fields->len == 1 && *(const char *)g_ptr_array_index (fields, 0) == '\0')
    {
      g_ptr_array_set_size (fields, 0);
      return;
    }
  g_ptr_array_add (fields, NULL);
  g_ptr_array_add (records, g_ptr_array_steal (fields, NULL));
}

GPtrArray *
pb_csv_parse (const char *text, gsize length, GError **error)
{
  g_autoptr (GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify)g_strfreev);
  g_autoptr (GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GString) field = g_string_new (NULL);
  const char *p = text, *end = text + length;
  guint line = 1;

  if (length > CSV_MAX_BYTES)
    {
      g_set_error (error, PB_CSV_ERROR, PB_CSV_ERROR_TOO_BIG, _ ("The file is larger than %d MiB."),
                   CSV_MAX_BYTES / (1024 * 1024));
      return NULL;
    }
  if (!g_utf8_validate_len (text, length, NULL))
    {
      g_set_error_literal (error, PB_CSV_ERROR, PB_CSV_ERROR_ENCODING,
                           _ ("The file is not UTF-8 text. Save it as “CSV UTF-8” and try again."));
      return NULL;
    }
  if (length >= 3 && memcmp (text, "\xEF\xBB\xBF", 3) == 0)
    p += 3;

  while (p < end)
    {
      if (*p == '"' && field->len == 0)
        {
          guint start_line = line;

          p++;
          for (;;)
            {
              if (p >= end)
                {
                  g_set_error (error, PB_CSV_ERROR, PB_CSV_ERROR_QUOTE,
                               _ ("Line %u: a quoted field is never closed."), start_line);
                  return NULL;
                }
              if (*p == '"')
                {
                  if (p + 1 < end && p[1] == '"')
                    {
                      g_string_append_c (field, '"');
                      p += 2;
                      continue;
                    }
                  p++;
                  break;
                }
              if (*p == '\n')
                line++;
              g_string_append_c (field, *p++);
            }
          if (p < end && *p != ',' && *p != '\n' && *p != '\r')
            {
              g_set_error (error, PB_CSV_ERROR, PB_CSV_ERROR_QUOTE,
                           _ ("Line %u: text after a closing quote."), line);
              return NULL;
            }
          continue;
        }

      if (*p == ',')
        {
          g_ptr_array_add (fields, g_strdup (field->str));
          g_string_truncate (field, 0);
          p++;
        }
      else if (*p == '\r' || *p == '\n')
        {
          g_ptr_array_add (fields, g_strdup (field->str));
          g_string_truncate (field, 0);
          end_record (records, fields);
          if (*p == '\r' && p + 1 < end && p[1] == '\n')
            p++;
          p++;
          line++;
        }
      else
        g_string_append_c (field, *p++);
    }

  if (field->len > 0 || fields->len > 0)
    {
      g_ptr_array_add (fields, g_strdup (field->str));
      end_record (records, fields);
    }
  return g_steal_pointer (&records);
}
