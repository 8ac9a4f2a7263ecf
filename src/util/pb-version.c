/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "pb-version.h"

/**
 * pb_version_string:
 *
 * Returns: the project version, as meson.build declares it.
 */
const char *
pb_version_string (void)
{
  return PACKAGE_VERSION;
}

/**
 * pb_application_id:
 *
 * Returns: the application id, with `.Devel` in development builds.
 */
const char *
pb_application_id (void)
{
  return APPLICATION_ID;
}

/**
 * pb_user_agent:
 *
 * Returns: (transfer full): the User-Agent every remote call sends, in the
 * form Amazon's Selling Partner API asks for.
 */
char *
pb_user_agent (void)
{
  return g_strdup_printf ("Packbench/%s (Language=C; Platform=Linux)", PACKAGE_VERSION);
}
