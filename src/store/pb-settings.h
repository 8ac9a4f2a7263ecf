/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "pb-permissions.h"
#include "pb-store.h"

G_BEGIN_DECLS

/*
 * Business settings and secrets, kept in the encrypted store (never in
 * GSettings). Every key the program knows is in one registry with its kind,
 * default, limits and the permission needed to change it. Secrets are never
 * printed back: only whether they are set.
 */

typedef enum
{
  PB_SETTING_TEXT,
  PB_SETTING_INTEGER,
  PB_SETTING_BOOLEAN,
  PB_SETTING_CHOICE,
  PB_SETTING_URL, /* https:// only (http:// only for localhost) */
  PB_SETTING_PATH,
  PB_SETTING_SECRET,
  PB_SETTING_RATE, /* "RATE/BURST" requests per second, or "off" */
} PbSettingKind;

typedef struct
{
  const char *key;
  PbSettingKind kind;
  const char *default_value; /* NULL: not set */
  gint64 min, max;           /* integers */
  const char *const *choices;
  PbAction permission;     /* needed to change it */
  const char *description; /* N_() */
} PbSettingInfo;

const PbSettingInfo *pb_settings_registry (gsize *n_settings);
const PbSettingInfo *pb_settings_lookup (const char *key);

/* Checks a value against the key's kind and limits; the error says why. */
gboolean pb_settings_validate (const PbSettingInfo *info, const char *value, GError **error);

/* The stored value, else the default, else NULL. For secrets too: only for
 * the code that uses them, never for display. */
char *pb_settings_get (PbStore *store, const char *key);
gint64 pb_settings_get_int (PbStore *store, const char *key);
gboolean pb_settings_get_bool (PbStore *store, const char *key);
gboolean pb_settings_is_set (PbStore *store, const char *key);
/* A PB_SETTING_RATE value: FALSE when "off" (no limit). */
gboolean pb_settings_get_rate (PbStore *store, const char *key, double *rate, guint *burst);

/* Validates and stores; writes an audit row naming the key only. Does not
 * check permissions: PbSession does. */
gboolean pb_settings_set (PbStore *store, const char *key, const char *value, const char *actor,
                          GError **error);

/* What a person may be shown: the value, "set"/"not set" for secrets. */
char *pb_settings_display (PbStore *store, const char *key);

G_END_DECLS
