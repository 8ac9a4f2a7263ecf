/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>

#include "pb-audit.h"
#include "pb-settings.h"
#include "pb-store-private.h"
#include "util/pb-clock.h"
#include "util/pb-fault.h"
#include "util/pb-secure.h"

static const char *const print_modes[] = { "pdf", "zpl", NULL };
static const char *const package_formats[]
    = { "letter",      "largeLetter", "smallParcel", "mediumParcel",
        "largeParcel", "parcel",      "documents",   NULL };
static const char *const print_dpis[] = { "203", "300", NULL };
static const char *const despatch_papers[] = { "a4", "4x6", NULL };

static const PbSettingInfo registry[] = {
  { "amazon.endpoint", PB_SETTING_URL, "https://sellingpartnerapi-eu.amazon.com", 0, 0, NULL,
    PB_ACTION_CHANGE_SETTINGS, N_ ("Selling Partner API endpoint") },
  { "amazon.lwa_endpoint", PB_SETTING_URL, "https://api.amazon.com/auth/o2/token", 0, 0, NULL,
    PB_ACTION_CHANGE_SETTINGS, N_ ("Login with Amazon token endpoint") },
  { "amazon.client_id", PB_SETTING_TEXT, NULL, 0, 0, NULL, PB_ACTION_CHANGE_CREDENTIALS,
    N_ ("Login with Amazon client identifier") },
  { "amazon.client_secret", PB_SETTING_SECRET, NULL, 0, 0, NULL, PB_ACTION_CHANGE_CREDENTIALS,
    N_ ("Login with Amazon client secret") },
  { "amazon.refresh_token", PB_SETTING_SECRET, NULL, 0, 0, NULL, PB_ACTION_CHANGE_CREDENTIALS,
    N_ ("Selling Partner API refresh token") },
  { "amazon.marketplace_id", PB_SETTING_TEXT, "A1F83G8C2ARO7P", 0, 0, NULL,
    PB_ACTION_CHANGE_SETTINGS, N_ ("Amazon marketplace (A1F83G8C2ARO7P is the UK)") },
  { "sync.interval_minutes", PB_SETTING_INTEGER, "5", 1, 1440, NULL, PB_ACTION_CHANGE_SETTINGS,
    N_ ("Minutes between order syncs") },
  { "royalmail.endpoint", PB_SETTING_URL, "https://api.parcel.royalmail.com/api/v1", 0, 0, NULL,
    PB_ACTION_CHANGE_SETTINGS, N_ ("Royal Mail Click & Drop endpoint") },
  { "royalmail.api_key", PB_SETTING_SECRET, NULL, 0, 0, NULL, PB_ACTION_CHANGE_CREDENTIALS,
    N_ ("Royal Mail Click & Drop API key") },
  { "royalmail.default_service", PB_SETTING_TEXT, NULL, 0, 0, NULL, PB_ACTION_CHANGE_SETTINGS,
    N_ ("Royal Mail service code when no rule matches, e.g. TPN24") },
  { "royalmail.default_package_format", PB_SETTING_CHOICE, "smallParcel", 0, 0, package_formats,
    PB_ACTION_CHANGE_SETTINGS, N_ ("Package format when no rule matches") },
  { "print.printer", PB_SETTING_TEXT, NULL, 0, 0, NULL, PB_ACTION_CHANGE_SETTINGS,
    N_ ("CUPS destination of the label printer") },
  { "print.mode", PB_SETTING_CHOICE, "pdf", 0, 0, print_modes, PB_ACTION_CHANGE_SETTINGS,
    N_ ("How labels reach the printer: pdf or zpl") },
  { "print.dpi", PB_SETTING_CHOICE, "203", 0, 0, print_dpis, PB_ACTION_CHANGE_SETTINGS,
    N_ ("Label printer resolution: 203 or 300") },
  { "print.timeout_seconds", PB_SETTING_INTEGER, "30", 1, 600, NULL, PB_ACTION_CHANGE_SETTINGS,
    N_ ("Seconds to wait for the printer to finish a label") },
  { "print.document_printer", PB_SETTING_TEXT, NULL, 0, 0, NULL, PB_ACTION_CHANGE_SETTINGS,
    N_ ("CUPS destination for documents such as the manifest (empty: the CUPS default)") },
  { "print.on_final_scan", PB_SETTING_BOOLEAN, "true", 0, 0, NULL, PB_ACTION_CHANGE_SETTINGS,
    N_ ("Print the label by itself when the last item is scanned") },
  { "print.despatch_note_paper", PB_SETTING_CHOICE, "a4", 0, 0, despatch_papers,
    PB_ACTION_CHANGE_SETTINGS, N_ ("Despatch note paper: a4 or 4x6") },
  { "print.despatch_note_with_label", PB_SETTING_BOOLEAN, "false", 0, 0, NULL,
    PB_ACTION_CHANGE_SETTINGS, N_ ("Print a despatch note with each label") },
  { "despatch.seller_name", PB_SETTING_TEXT, NULL, 0, 0, NULL, PB_ACTION_CHANGE_SETTINGS,
    N_ ("Seller's name on despatch notes") },
  { "retention.days", PB_SETTING_INTEGER, "31", 1, 31, NULL, PB_ACTION_CHANGE_RETENTION,
    N_ ("Days after delivery before customer data is deleted (1–31)") },
  { "backup.folder", PB_SETTING_PATH, NULL, 0, 0, NULL, PB_ACTION_CHANGE_RETENTION,
    N_ ("Folder for the automatic daily backup") },
  { "tls.ca_file", PB_SETTING_PATH, NULL, 0, 0, NULL, PB_ACTION_CHANGE_SETTINGS,
    N_ ("Extra certificate authority file for HTTPS (for testing)") },
  { "amazon.rate.search_orders", PB_SETTING_RATE, "0.0056/20", 0, 0, NULL,
    PB_ACTION_CHANGE_SETTINGS, N_ ("searchOrders requests per second and burst, or off") },
  { "amazon.rate.get_order", PB_SETTING_RATE, "0.5/30", 0, 0, NULL, PB_ACTION_CHANGE_SETTINGS,
    N_ ("getOrder requests per second and burst, or off") },
  { "amazon.rate.confirm_shipment", PB_SETTING_RATE, "2/10", 0, 0, NULL, PB_ACTION_CHANGE_SETTINGS,
    N_ ("confirmShipment requests per second and burst, or off") },
  { "net.connect_timeout_seconds", PB_SETTING_INTEGER, "10", 1, 300, NULL,
    PB_ACTION_CHANGE_SETTINGS, N_ ("Seconds to wait for a connection") },
  { "net.timeout_seconds", PB_SETTING_INTEGER, "60", 1, 600, NULL, PB_ACTION_CHANGE_SETTINGS,
    N_ ("Seconds a whole request may take") },
  { "net.max_retries", PB_SETTING_INTEGER, "5", 0, 20, NULL, PB_ACTION_CHANGE_SETTINGS,
    N_ ("Retries after a network error, 429 or 5xx") },
  { "net.retry_base_ms", PB_SETTING_INTEGER, "1000", 1, 60000, NULL, PB_ACTION_CHANGE_SETTINGS,
    N_ ("First wait before a retry, in milliseconds (doubles each time)") },
  { "net.retry_max_ms", PB_SETTING_INTEGER, "60000", 1, 600000, NULL, PB_ACTION_CHANGE_SETTINGS,
    N_ ("Longest wait before a retry, in milliseconds") },
  { "session.idle_lock_minutes", PB_SETTING_INTEGER, "10", 1, 240, NULL, PB_ACTION_CHANGE_SETTINGS,
    N_ ("Minutes without input before the bench locks") },
};

const PbSettingInfo *
pb_settings_registry (gsize *n_settings)
{
  *n_settings = G_N_ELEMENTS (registry);
  return registry;
}

const PbSettingInfo *
pb_settings_lookup (const char *key)
{
  for (gsize i = 0; i < G_N_ELEMENTS (registry); i++)
    if (g_strcmp0 (registry[i].key, key) == 0)
      return &registry[i];
  return NULL;
}

static gboolean
is_local_host (const char *host)
{
  return g_strcmp0 (host, "localhost") == 0 || g_str_has_prefix (host, "127.")
         || g_strcmp0 (host, "::1") == 0 || g_strcmp0 (host, "[::1]") == 0;
}

/* "RATE/BURST" with RATE > 0 and 1 <= BURST <= 1000, or "off". */
static gboolean
parse_rate (const char *value, double *rate, guint *burst)
{
  g_auto (GStrv) parts = NULL;
  char *end = NULL;
  double r;
  guint64 b;

  if (g_strcmp0 (value, "off") == 0)
    {
      if (rate)
        *rate = 0;
      if (burst)
        *burst = 0;
      return TRUE;
    }
  parts = g_strsplit (value, "/", -1);
  if (g_strv_length (parts) != 2)
    return FALSE;
  r = g_ascii_strtod (parts[0], &end);
  if (end == parts[0] || *end != '\0' || !(r > 0) || r > 1000)
    return FALSE;
  if (!g_ascii_string_to_unsigned (parts[1], 10, 1, 1000, &b, NULL))
    return FALSE;
  if (rate)
    *rate = r;
  if (burst)
    *burst = (guint)b;
  return TRUE;
}

gboolean
pb_settings_get_rate (PbStore *store, const char *key, double *rate, guint *burst)
{
  g_autofree char *value = pb_settings_get (store, key);

  if (value == NULL || !parse_rate (value, rate, burst))
    {
      *rate = 0;
      *burst = 0;
      return FALSE;
    }
  return *rate > 0;
}

gboolean
pb_settings_validate (const PbSettingInfo *info, const char *value, GError **error)
{
  g_return_val_if_fail (info != NULL, FALSE);

  if (value == NULL || !g_utf8_validate (value, -1, NULL))
    {
      g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID,
                   _ ("The value for %s is not valid text."), info->key);
      return FALSE;
    }

  switch (info->kind)
    {
      case PB_SETTING_INTEGER:
        {
          gint64 number;

          if (!g_ascii_string_to_signed (value, 10, info->min, info->max, &number, NULL))
            {
              g_set_error (
                  error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID,
                  _ ("%s must be a whole number from %" PRId64 " to %" PRId64 "; “%s” is not."),
                  info->key, info->min, info->max, value);
              return FALSE;
            }
          return TRUE;
        }

      case PB_SETTING_BOOLEAN:
        if (g_strcmp0 (value, "true") != 0 && g_strcmp0 (value, "false") != 0)
          {
            g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID,
                         _ ("%s must be “true” or “false”."), info->key);
            return FALSE;
          }
        return TRUE;

      case PB_SETTING_CHOICE:
        if (!g_strv_contains ((const char *const *)info->choices, value))
          {
            g_autofree char *choices = g_strjoinv (", ", (char **)info->choices);
            g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID,
                         _ ("%s must be one of: %s."), info->key, choices);
            return FALSE;
          }
        return TRUE;

      case PB_SETTING_URL:
        {
          g_autoptr (GUri) uri = g_uri_parse (value, G_URI_FLAGS_NONE, NULL);
          const char *scheme = uri ? g_uri_get_scheme (uri) : NULL;

          /* Plain HTTP only for local test servers: customer data always
           * travels over TLS. */
          if (uri == NULL || g_uri_get_host (uri) == NULL
              || !(g_strcmp0 (scheme, "https") == 0
                   || (g_strcmp0 (scheme, "http") == 0 && is_local_host (g_uri_get_host (uri)))))
            {
              g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID,
                           _ ("%s must be an https:// address."), info->key);
              return FALSE;
            }
          return TRUE;
        }

      case PB_SETTING_PATH:
        if (*value != '\0' && !g_path_is_absolute (value))
          {
            g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID,
                         _ ("%s must be an absolute path."), info->key);
            return FALSE;
          }
        return TRUE;

      case PB_SETTING_SECRET:
      case PB_SETTING_TEXT:
      default:
        if (strlen (value) > 4096 || strpbrk (value, "\r\n") != NULL)
          {
            g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID,
                         _ ("The value for %s must be one line of at most 4096 bytes."), info->key);
            return FALSE;
          }
        return TRUE;
    }
}

static char *
read_value (PbStore *store, const char *key)
{
  g_autoptr (sqlite3_stmt) stmt
      = pb_store_prepare (store, "SELECT value FROM settings WHERE key = ?1", NULL);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  return g_strdup (pb_sql_text (stmt, 0));
}

char *
pb_settings_get (PbStore *store, const char *key)
{
  const PbSettingInfo *info = pb_settings_lookup (key);
  char *value = read_value (store, key);

  if (value != NULL)
    return value;
  return info ? g_strdup (info->default_value) : NULL;
}

gint64
pb_settings_get_int (PbStore *store, const char *key)
{
  g_autofree char *value = pb_settings_get (store, key);

  return value ? g_ascii_strtoll (value, NULL, 10) : 0;
}

gboolean
pb_settings_get_bool (PbStore *store, const char *key)
{
  g_autofree char *value = pb_settings_get (store, key);

  return g_strcmp0 (value, "true") == 0;
}

gboolean
pb_settings_is_set (PbStore *store, const char *key)
{
  char *value = read_value (store, key);
  gboolean set = value != NULL && *value != '\0';

  if (value)
    pb_secure_free_string (value);
  return set;
}

gboolean
pb_settings_set (PbStore *store, const char *key, const char *value, const char *actor,
                 GError **error)
{
  const PbSettingInfo *info = pb_settings_lookup (key);
  g_autoptr (sqlite3_stmt) stmt = NULL;

  if (info == NULL)
    {
      g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID,
                   _ ("There is no setting called “%s”. “packbenchctl config list” shows them."),
                   key);
      return FALSE;
    }
  if (!pb_settings_validate (info, value, error))
    return FALSE;

  if (!pb_store_begin (store, error))
    return FALSE;

  stmt = pb_store_prepare (store,
                           "INSERT OR REPLACE INTO settings (key, value, updated_at, updated_by)"
                           " VALUES (?1, ?2, ?3, ?4)",
                           error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, pb_clock_now_unix ());
  sqlite3_bind_text (stmt, 4, actor, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      pb_store_set_sql_error (store, error, _ ("Saving the setting"));
      goto fail;
    }

  /* The key name only: never the value (it may be a secret). */
  if (!pb_audit_append (store, actor,
                        info->kind == PB_SETTING_SECRET ? "credential.changed" : "setting.changed",
                        key, "ok", NULL, error))
    goto fail;

  if (!pb_store_commit (store, error))
    return FALSE;
  pb_fault_point ("settings.after-commit");
  return TRUE;

fail:
  pb_store_rollback (store);
  return FALSE;
}

char *
pb_settings_display (PbStore *store, const char *key)
{
  const PbSettingInfo *info = pb_settings_lookup (key);

  if (info != NULL && info->kind == PB_SETTING_SECRET)
    return g_strdup (pb_settings_is_set (store, key) ? _ ("set") : _ ("not set"));
  return pb_settings_get (store, key);
}
