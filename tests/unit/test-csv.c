/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "util/pb-csv.h"

static GPtrArray *
parse (const char *text, GError **error)
{
  return pb_csv_parse (text, strlen (text), error);
}

static void
assert_row (GPtrArray *rows, guint index, const char *const *expected)
{
  char **row = g_ptr_array_index (rows, index);

  g_assert_cmpuint (g_strv_length (row), ==, g_strv_length ((char **)expected));
  for (guint i = 0; expected[i]; i++)
    g_assert_cmpstr (row[i], ==, expected[i]);
}

static void
test_plain_and_quoted (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) rows = parse ("\xEF\xBB\xBFsku,title,weight\r\n"
                                      "TEA-1,\"Tea towel, linen\",120\r\n"
                                      "MUG-2,\"The \"\"Best\"\" mug\",350\n"
                                      "\n"
                                      "NOTE-3,\"two\nlines\",\n"
                                      "LAST,,5",
                                      &error);

  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 5);
  assert_row (rows, 0, (const char *const[]){ "sku", "title", "weight", NULL });
  assert_row (rows, 1, (const char *const[]){ "TEA-1", "Tea towel, linen", "120", NULL });
  assert_row (rows, 2, (const char *const[]){ "MUG-2", "The \"Best\" mug", "350", NULL });
  assert_row (rows, 3, (const char *const[]){ "NOTE-3", "two\nlines", "", NULL });
  assert_row (rows, 4, (const char *const[]){ "LAST", "", "5", NULL });
}

static void
test_errors_name_the_line (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) rows = parse ("a,b\nc,\"never closed\n", &error);

  g_assert_null (rows);
  g_assert_error (error, PB_CSV_ERROR, PB_CSV_ERROR_QUOTE);
  g_assert_nonnull (strstr (error->message, "Line 2"));
  g_clear_error (&error);

  rows = parse ("a,\"b\"c\n", &error);
  g_assert_null (rows);
  g_assert_error (error, PB_CSV_ERROR, PB_CSV_ERROR_QUOTE);
  g_clear_error (&error);

  rows = pb_csv_parse ("a,\xff\n", 4, &error);
  g_assert_null (rows);
  g_assert_error (error, PB_CSV_ERROR, PB_CSV_ERROR_ENCODING);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/csv/plain-and-quoted", test_plain_and_quoted);
  g_test_add_func ("/csv/errors-name-the-line", test_errors_name_the_line);

  return g_test_run ();
}
