/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "pb-postcode.h"

/* The UK postcode format (outward code, space, inward code) as the
 * Government's data standard gives it, plus BFPO numbers. */
static GRegex *
postcode_regex (void)
{
  static GRegex *regex;

  if (g_once_init_enter (&regex))
    {
      GRegex *made = g_regex_new ("^(?:([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})"
                                  "|(BFPO) ?([0-9]{1,4})|(GIR) ?(0AA))$",
                                  G_REGEX_OPTIMIZE, 0, NULL);
      g_once_init_leave (&regex, made);
    }
  return regex;
}

char *
pb_postcode_normalize (const char *text)
{
  g_autofree char *upper = NULL;
  g_autoptr (GString) compact = NULL;
  g_autoptr (GMatchInfo) match = NULL;

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return NULL;

  upper = g_ascii_strup (text, -1);
  compact = g_string_new (NULL);
  for (const char *p = upper; *p; p++)
    if (!g_ascii_isspace (*p))
      g_string_append_c (compact, *p);
  if (compact->len < 5 || compact->len > 8)
    return NULL;

  if (!g_regex_match (postcode_regex (), compact->str, 0, &match))
    return NULL;
  for (int group = 1; group <= 5; group += 2)
    {
      g_autofree char *outward = g_match_info_fetch (match, group);
      g_autofree char *inward = g_match_info_fetch (match, group + 1);

      if (outward != NULL && *outward != '\0')
        return g_strdup_printf ("%s %s", outward, inward);
    }
  return NULL;
}

PbDestination
pb_destination_classify (const char *country_code, const char *postcode)
{
  g_autofree char *normal = pb_postcode_normalize (postcode);

  if (country_code != NULL && *country_code != '\0')
    {
      if (g_ascii_strcasecmp (country_code, "JE") == 0
          || g_ascii_strcasecmp (country_code, "GG") == 0)
        return PB_DESTINATION_CHANNEL_ISLANDS;
      if (g_ascii_strcasecmp (country_code, "IM") == 0)
        return PB_DESTINATION_ISLE_OF_MAN;
      if (g_ascii_strcasecmp (country_code, "GB") != 0
          && g_ascii_strcasecmp (country_code, "UK") != 0)
        return PB_DESTINATION_INTERNATIONAL;
    }

  if (normal == NULL)
    return PB_DESTINATION_GB;
  if (g_str_has_prefix (normal, "BFPO"))
    return PB_DESTINATION_BFPO;
  if (g_str_has_prefix (normal, "BT"))
    return PB_DESTINATION_NORTHERN_IRELAND;
  if (g_str_has_prefix (normal, "JE") || g_str_has_prefix (normal, "GY"))
    return PB_DESTINATION_CHANNEL_ISLANDS;
  if (g_str_has_prefix (normal, "IM"))
    return PB_DESTINATION_ISLE_OF_MAN;
  return PB_DESTINATION_GB;
}

static const char *const names[] = { "gb", "ni", "ci", "im", "bfpo", "international" };

const char *
pb_destination_to_string (PbDestination destination)
{
  g_return_val_if_fail ((guint)destination < G_N_ELEMENTS (names), "gb");
  return names[destination];
}

gboolean
pb_destination_from_string (const char *text, PbDestination *destination)
{
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_strcmp0 (text, names[i]) == 0)
      {
        *destination = (PbDestination)i;
        return TRUE;
      }
  return FALSE;
}

gboolean
pb_destination_needs_customs (PbDestination destination)
{
  return destination == PB_DESTINATION_CHANNEL_ISLANDS || destination == PB_DESTINATION_BFPO
         || destination == PB_DESTINATION_INTERNATIONAL;
}
