/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>

#include "util/pb-version.h"

static void
test_user_agent (void)
{
  g_autofree char *agent = pb_user_agent ();
  g_autofree char *expected
      = g_strdup_printf ("Packbench/%s (Language=C; Platform=Linux)", PACKAGE_VERSION);

  g_assert_cmpstr (agent, ==, expected);
}

static void
test_application_id (void)
{
  g_assert_true (g_str_has_prefix (pb_application_id (), "io.github.packbench.Packbench"));
  g_assert_true (g_application_id_is_valid (pb_application_id ()));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/version/user-agent", test_user_agent);
  g_test_add_func ("/version/application-id", test_application_id);

  return g_test_run ();
}
