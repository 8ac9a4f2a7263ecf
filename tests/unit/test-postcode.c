/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "util/pb-postcode.h"

static void
test_normalize (void)
{
  static const struct
  {
    const char *in, *out;
  } cases[] = {
    { "sw1a1aa", "SW1A 1AA" },  { " SW1A 1AA ", "SW1A 1AA" }, { "m1 1ae", "M1 1AE" },
    { "B33 8TH", "B33 8TH" },   { "cr2 6xh", "CR2 6XH" },     { "DN55 1PT", "DN55 1PT" },
    { "ll61 5uj", "LL61 5UJ" }, { "BT1 5GS", "BT1 5GS" },     { "je2 3qa", "JE2 3QA" },
    { "GY1 1AA", "GY1 1AA" },   { "IV2 3EE", "IV2 3EE" },     { "bfpo 123", "BFPO 123" },
    { "BFPO1", "BFPO 1" },      { "W1A  0AX", "W1A 0AX" },    { "EC1A 1BB", "EC1A 1BB" },
  };
  static const char *bad[] = { "",         "12345",   "SW1A", "SW1A 1A",    "QQ1 1QQQ", "ABCDEFGHI",
                               "SW1A-1AA", "1AA SW1", "BFPO", "BFPO 12345", "é1 1AA" };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *normal = pb_postcode_normalize (cases[i].in);
      g_assert_cmpstr (normal, ==, cases[i].out);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *normal = pb_postcode_normalize (bad[i]);
      if (normal != NULL)
        g_error ("“%s” should be refused, got “%s”", bad[i], normal);
    }
  g_assert_null (pb_postcode_normalize (NULL));
}

static void
test_classify (void)
{
  g_assert_cmpint (pb_destination_classify ("GB", "SW1A 1AA"), ==, PB_DESTINATION_GB);
  g_assert_cmpint (pb_destination_classify ("GB", "IV2 3EE"), ==, PB_DESTINATION_GB);
  g_assert_cmpint (pb_destination_classify ("GB", "bt1 5gs"), ==, PB_DESTINATION_NORTHERN_IRELAND);
  g_assert_cmpint (pb_destination_classify ("JE", "JE2 3QA"), ==, PB_DESTINATION_CHANNEL_ISLANDS);
  g_assert_cmpint (pb_destination_classify ("GG", "GY1 1AA"), ==, PB_DESTINATION_CHANNEL_ISLANDS);
  g_assert_cmpint (pb_destination_classify ("GB", "GY1 1AA"), ==, PB_DESTINATION_CHANNEL_ISLANDS);
  g_assert_cmpint (pb_destination_classify ("IM", "IM1 1AA"), ==, PB_DESTINATION_ISLE_OF_MAN);
  g_assert_cmpint (pb_destination_classify ("GB", "BFPO 123"), ==, PB_DESTINATION_BFPO);
  g_assert_cmpint (pb_destination_classify ("FR", "75001"), ==, PB_DESTINATION_INTERNATIONAL);
  g_assert_true (pb_destination_needs_customs (PB_DESTINATION_CHANNEL_ISLANDS));
  g_assert_true (pb_destination_needs_customs (PB_DESTINATION_BFPO));
  g_assert_true (pb_destination_needs_customs (PB_DESTINATION_INTERNATIONAL));
  g_assert_false (pb_destination_needs_customs (PB_DESTINATION_GB));
  g_assert_false (pb_destination_needs_customs (PB_DESTINATION_NORTHERN_IRELAND));
  g_assert_false (pb_destination_needs_customs (PB_DESTINATION_ISLE_OF_MAN));
}

static void
test_names (void)
{
  for (int d = PB_DESTINATION_GB; d <= PB_DESTINATION_INTERNATIONAL; d++)
    {
      PbDestination back;
      g_assert_true (pb_destination_from_string (pb_destination_to_string (d), &back));
      g_assert_cmpint (back, ==, d);
    }
  {
    PbDestination unused;
    g_assert_false (pb_destination_from_string ("mars", &unused));
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/postcode/normalize", test_normalize);
  g_test_add_func ("/postcode/classify", test_classify);
  g_test_add_func ("/postcode/names", test_names);

  return g_test_run ();
}
