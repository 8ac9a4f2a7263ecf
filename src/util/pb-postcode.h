/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * UK postcodes and where a parcel goes, for choosing a Royal Mail service
 * and knowing when customs data is needed.
 */

typedef enum
{
  PB_DESTINATION_GB,               /* Great Britain: England, Scotland, Wales */
  PB_DESTINATION_NORTHERN_IRELAND, /* BT */
  PB_DESTINATION_CHANNEL_ISLANDS,  /* JE, GY: customs declarations needed */
  PB_DESTINATION_ISLE_OF_MAN,      /* IM: inside the UK customs territory */
  PB_DESTINATION_BFPO,             /* British Forces Post Office: customs needed */
  PB_DESTINATION_INTERNATIONAL,
} PbDestination;

/* Upper case, one space before the inward code: " sw1a1aa " → "SW1A 1AA".
 * NULL when @text is not a valid UK postcode (BFPO numbers included:
 * "BFPO 123"). */
char *pb_postcode_normalize (const char *text);

/* From the country code and postcode as Amazon gives them. */
PbDestination pb_destination_classify (const char *country_code, const char *postcode);

/* Stable names for rules and settings: "gb", "ni", "ci", "im", "bfpo",
 * "international". */
const char *pb_destination_to_string (PbDestination destination);
gboolean pb_destination_from_string (const char *text, PbDestination *destination);
/* Channel Islands, BFPO and abroad need customs data. */
gboolean pb_destination_needs_customs (PbDestination destination);

G_END_DECLS
