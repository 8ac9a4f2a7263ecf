/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "pb-site-private.h"
#include "store/pb-catalogue.h"
#include "store/pb-operator.h"
#include "store/pb-settings.h"
#include "util/pb-aead.h"
#include "util/pb-secure.h"

/*
 * One set of people and one set of business settings for the site. What
 * the site database holds of them is sealed under the site master key
 * (the key every bench's store is keyed with), so the database's
 * credentials alone read none of it: an operator's full name and TOTP
 * secret, every setting's value. Each bench keeps a copy in its store,
 * brought up to date at each login.
 */

/* Settings of the bench itself (its printers, its idle lock, paths on its
 * own disk, its network patience) stay local. */
gboolean
pb_site_setting_is_shared (const char *key)
{
  return !g_str_has_prefix (key, "print.") && !g_str_has_prefix (key, "net.")
         && !g_str_equal (key, "backup.folder") && !g_str_equal (key, "tls.ca_file")
         && !g_str_equal (key, "session.idle_lock_minutes");
}

static char *
operator_aad (const char *username)
{
  return g_strconcat ("packbench-site-operator:", username, NULL);
}

static char *
setting_aad (const char *key)
{
  return g_strconcat ("packbench-site-setting:", key, NULL);
}

static char *
seal_operator (PbStore *store, PbOperator *op)
{
  const char *username = pb_operator_get_username (op);
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *aad = operator_aad (username);
  char *secret = pb_operator_dup_totp_secret (store, username);
  char *text;
  char *sealed;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "full_name");
  json_builder_add_string_value (builder, pb_operator_get_full_name (op));
  json_builder_set_member_name (builder, "totp_secret");
  if (secret != NULL)
    json_builder_add_string_value (builder, secret);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "totp_last_step");
  json_builder_add_int_value (builder, pb_operator_get_totp_last_step (store, username));
  json_builder_set_member_name (builder, "password_changed_at");
  json_builder_add_int_value (builder, pb_operator_get_password_changed_at (op));
  json_builder_set_member_name (builder, "must_change_password");
  json_builder_add_boolean_value (builder, pb_operator_get_must_change_password (op));
  json_builder_set_member_name (builder, "created_at");
  json_builder_add_int_value (builder, pb_operator_get_created_at (op));
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  sealed = pb_aead_seal_text (pb_store_get_master_key (store), aad, text);
  pb_secure_free_string (text);
  if (secret != NULL)
    pb_secure_free_string (secret);
  /* The builder's copy of the secret is freed with it; json-glib does not
   * wipe, so the secret spends a moment in freed heap, as when the store
   * reads it. */
  return sealed;
}

gboolean
pb_site_push_operators (PbSite *self, PbStore *store, GError **error)
{
  g_autoptr (GPtrArray) operators = pb_operator_list (store, error);

  if (operators == NULL || !pb_site_begin (self, error))
    return FALSE;
  for (guint i = 0; i < operators->len; i++)
    {
      PbOperator *op = g_ptr_array_index (operators, i);
      g_autofree char *sealed = seal_operator (store, op);
      const char *params[] = {
        pb_operator_get_username (op),
        pb_role_to_string (pb_operator_get_role (op)),
        pb_operator_get_disabled (op) ? "true" : "false",
        sealed,
      };

      if (!pb_site_run (self, _ ("Saving the site’s operators"),
                        "INSERT INTO operators (username, role, disabled, sealed)"
                        " VALUES ($1, $2, $3::boolean, $4)"
                        " ON CONFLICT (username) DO UPDATE SET role = excluded.role,"
                        " disabled = excluded.disabled, sealed = excluded.sealed,"
                        " updated_at = now ()",
                        G_N_ELEMENTS (params), params, error))
        {
          pb_site_rollback (self);
          return FALSE;
        }
    }
  if (!pb_site_commit (self, error))
    {
      pb_site_rollback (self);
      return FALSE;
    }
  return TRUE;
}

static gboolean
apply_operator (PbStore *store, const char *username, PbRole role, gboolean disabled,
                JsonObject *object, GError **error)
{
  g_autoptr (PbOperator) op = pb_operator_find (store, username, error);
  const char *secret = json_object_get_string_member_with_default (object, "totp_secret", NULL);
  gint64 changed_at = json_object_get_int_member_with_default (object, "password_changed_at", 0);
  gboolean must_change
      = json_object_get_boolean_member_with_default (object, "must_change_password", FALSE);
  gint64 last_step = json_object_get_int_member_with_default (object, "totp_last_step", 0);
  g_autofree char *local_secret = NULL;

  if (op == NULL)
    {
      if (error != NULL && *error != NULL)
        return FALSE;
      if (!pb_operator_insert (store, username,
                               json_object_get_string_member_with_default (object, "full_name", ""),
                               role, secret, must_change, error))
        return FALSE;
      op = pb_operator_find (store, username, error);
      if (op == NULL)
        return FALSE;
    }
  if (pb_operator_get_role (op) != role && !pb_operator_set_role (store, username, role, error))
    return FALSE;
  if (pb_operator_get_disabled (op) != disabled
      && !pb_operator_set_disabled (store, username, disabled, error))
    return FALSE;
  if ((pb_operator_get_password_changed_at (op) != changed_at
       || pb_operator_get_must_change_password (op) != must_change)
      && !pb_operator_set_password_changed (store, username, changed_at, must_change, error))
    return FALSE;
  local_secret = pb_operator_dup_totp_secret (store, username);
  if (g_strcmp0 (local_secret, secret) != 0
      && !pb_operator_set_totp (store, username, secret, error))
    {
      if (local_secret != NULL)
        pb_secure_free_string (g_steal_pointer (&local_secret));
      return FALSE;
    }
  if (local_secret != NULL)
    pb_secure_free_string (g_steal_pointer (&local_secret));
  /* A code used at one bench is used at every bench. */
  if (last_step > pb_operator_get_totp_last_step (store, username)
      && !pb_operator_set_totp_last_step (store, username, last_step, error))
    return FALSE;
  return TRUE;
}

gboolean
pb_site_pull_operators (PbSite *self, PbStore *store, GError **error)
{
  g_autoptr (PGresult) result
      = pb_site_exec (self, _ ("Reading the site’s operators"),
                      "SELECT username, role, disabled, sealed FROM operators", 0, NULL, error);

  if (result == NULL || !pb_store_begin (store, error))
    return FALSE;
  for (int row = 0; row < PQntuples (result); row++)
    {
      const char *username = PQgetvalue (result, row, 0);
      g_autofree char *aad = operator_aad (username);
      g_autoptr (JsonParser) parser = json_parser_new ();
      char *text = pb_aead_open_text (pb_store_get_master_key (store), aad,
                                      PQgetvalue (result, row, 3), error);
      gboolean ok;
      PbRole role;

      if (text == NULL)
        goto fail;
      ok = json_parser_load_from_data (parser, text, -1, error);
      pb_secure_free_string (text);
      if (!ok || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser))
          || !pb_role_from_string (PQgetvalue (result, row, 1), &role))
        {
          g_clear_error (error);
          g_set_error (error, PB_SITE_ERROR, PB_SITE_ERROR_FAILED,
                       _ ("The site’s record of operator %s is damaged."), username);
          goto fail;
        }
      if (!apply_operator (store, username, role, g_str_equal (PQgetvalue (result, row, 2), "t"),
                           json_node_get_object (json_parser_get_root (parser)), error))
        goto fail;
    }
  return pb_store_commit (store, error);

fail:
  pb_store_rollback (store);
  return FALSE;
}

gboolean
pb_site_push_settings (PbSite *self, PbStore *store, GError **error)
{
  gsize n = 0;
  const PbSettingInfo *registry = pb_settings_registry (&n);

  if (!pb_site_begin (self, error))
    return FALSE;
  for (gsize i = 0; i < n; i++)
    {
      const char *key = registry[i].key;
      g_autofree char *aad = setting_aad (key);
      g_autofree char *sealed = NULL;
      char *value;

      if (!pb_site_setting_is_shared (key) || !pb_settings_is_set (store, key))
        continue;
      value = pb_settings_get (store, key);
      sealed = pb_aead_seal_text (pb_store_get_master_key (store), aad, value ? value : "");
      if (value != NULL)
        pb_secure_free_string (value);
      {
        const char *params[] = { key, sealed };

        if (!pb_site_run (self, _ ("Saving the site’s settings"),
                          "INSERT INTO settings (key, sealed) VALUES ($1, $2)"
                          " ON CONFLICT (key) DO UPDATE SET sealed = excluded.sealed,"
                          " updated_at = now ()",
                          2, params, error))
          {
            pb_site_rollback (self);
            return FALSE;
          }
      }
    }
  if (!pb_site_commit (self, error))
    {
      pb_site_rollback (self);
      return FALSE;
    }
  return TRUE;
}

gboolean
pb_site_pull_settings (PbSite *self, PbStore *store, const char *actor, GError **error)
{
  g_autoptr (PGresult) result = pb_site_exec (self, _ ("Reading the site’s settings"),
                                              "SELECT key, sealed FROM settings", 0, NULL, error);

  if (result == NULL)
    return FALSE;
  for (int row = 0; row < PQntuples (result); row++)
    {
      const char *key = PQgetvalue (result, row, 0);
      g_autofree char *aad = setting_aad (key);
      char *value;
      char *local;
      gboolean same;
      gboolean ok = TRUE;

      if (!pb_site_setting_is_shared (key) || pb_settings_lookup (key) == NULL)
        continue; /* a newer Packbench's setting */
      value = pb_aead_open_text (pb_store_get_master_key (store), aad, PQgetvalue (result, row, 1),
                                 error);
      if (value == NULL)
        return FALSE;
      local = pb_settings_get (store, key);
      same = g_strcmp0 (local, value) == 0;
      if (!same)
        ok = pb_settings_set (store, key, value, actor, error);
      pb_secure_free_string (value);
      if (local != NULL)
        pb_secure_free_string (local);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

/* ---- catalogue and rules ---------------------------------------------- */

#define META_CATALOGUE_SEQ "site.catalogue_seq"
#define META_RULES_VERSION "site.rules_version"
#define CATALOGUE_AAD "packbench-site-catalogue"
#define RULES_AAD "packbench-site-rules"

gboolean
pb_site_push_catalogue (PbSite *self, PbStore *store, GError **error)
{
  g_autofree char *csv = pb_catalogue_export_csv (store, error);
  g_autofree char *sealed = NULL;
  g_autoptr (PGresult) result = NULL;
  gint64 seq;

  if (csv == NULL)
    return FALSE;
  sealed = pb_aead_seal_text (pb_store_get_master_key (store), CATALOGUE_AAD, csv);
  {
    const char *params[] = { sealed, pb_site_get_bench (self) };

    result = pb_site_exec (self, _ ("Saving the site’s catalogue"),
                           "INSERT INTO catalogue_imports (sealed, bench) VALUES ($1, $2)"
                           " RETURNING seq",
                           2, params, error);
  }
  if (result == NULL)
    return FALSE;
  seq = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
  /* Nothing else came in between: this bench has everything up to it. */
  if (seq == pb_store_get_meta_int (store, META_CATALOGUE_SEQ) + 1)
    return pb_store_set_meta_int (store, META_CATALOGUE_SEQ, seq, error);
  return TRUE;
}

gboolean
pb_site_pull_catalogue (PbSite *self, PbStore *store, GError **error)
{
  g_autofree char *since
      = g_strdup_printf ("%" G_GINT64_FORMAT, pb_store_get_meta_int (store, META_CATALOGUE_SEQ));
  const char *params[] = { since };
  g_autoptr (PGresult) result
      = pb_site_exec (self, _ ("Reading the site’s catalogue"),
                      "SELECT seq, sealed FROM catalogue_imports WHERE seq > $1::bigint"
                      " ORDER BY seq",
                      1, params, error);

  if (result == NULL)
    return FALSE;
  for (int row = 0; row < PQntuples (result); row++)
    {
      gint64 seq = g_ascii_strtoll (PQgetvalue (result, row, 0), NULL, 10);
      g_autofree char *csv = pb_aead_open_text (pb_store_get_master_key (store), CATALOGUE_AAD,
                                                PQgetvalue (result, row, 1), error);
      PbCatalogueImport imported = { 0 };

      if (csv == NULL
          || !pb_catalogue_import_csv (store, csv, strlen (csv), "site", &imported, error)
          || !pb_store_set_meta_int (store, META_CATALOGUE_SEQ, seq, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
pb_site_push_rules (PbSite *self, PbStore *store, GError **error)
{
  g_autoptr (GPtrArray) rules = pb_rules_list (store, error);
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *text = NULL;
  g_autofree char *sealed = NULL;
  g_autoptr (PGresult) result = NULL;

  if (rules == NULL)
    return FALSE;
  json_builder_begin_array (builder);
  for (guint i = 0; i < rules->len; i++)
    {
      PbRule *rule = g_ptr_array_index (rules, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "sku");
      json_builder_add_string_value (builder, rule->sku);
      json_builder_set_member_name (builder, "min_weight_g");
      json_builder_add_int_value (builder, rule->min_weight_g);
      json_builder_set_member_name (builder, "max_weight_g");
      json_builder_add_int_value (builder, rule->max_weight_g);
      json_builder_set_member_name (builder, "service_level");
      json_builder_add_string_value (builder, rule->service_level);
      json_builder_set_member_name (builder, "destination");
      json_builder_add_string_value (builder, rule->destination);
      json_builder_set_member_name (builder, "package_format");
      json_builder_add_string_value (builder, rule->package_format);
      json_builder_set_member_name (builder, "service_code");
      json_builder_add_string_value (builder, rule->service_code);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  sealed = pb_aead_seal_text (pb_store_get_master_key (store), RULES_AAD, text);
  {
    const char *params[] = { sealed };

    result = pb_site_exec (self, _ ("Saving the site’s shipping rules"),
                           "INSERT INTO shared_documents (name, sealed, version)"
                           " VALUES ('rules', $1, 1)"
                           " ON CONFLICT (name) DO UPDATE SET sealed = excluded.sealed,"
                           " version = shared_documents.version + 1 RETURNING version",
                           1, params, error);
  }
  if (result == NULL)
    return FALSE;
  return pb_store_set_meta_int (store, META_RULES_VERSION,
                                g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10), error);
}

static char *
member_text (JsonObject *object, const char *name)
{
  const char *value = json_object_get_string_member_with_default (object, name, NULL);

  return value ? g_strdup (value) : NULL;
}

gboolean
pb_site_pull_rules (PbSite *self, PbStore *store, GError **error)
{
  g_autoptr (PGresult) result = pb_site_exec (
      self, _ ("Reading the site’s shipping rules"),
      "SELECT version, sealed FROM shared_documents WHERE name = 'rules'", 0, NULL, error);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GPtrArray) local = NULL;
  g_autofree char *text = NULL;
  JsonArray *array;
  gint64 version;

  if (result == NULL)
    return FALSE;
  if (PQntuples (result) == 0)
    return TRUE;
  version = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
  if (version <= pb_store_get_meta_int (store, META_RULES_VERSION))
    return TRUE;
  text = pb_aead_open_text (pb_store_get_master_key (store), RULES_AAD, PQgetvalue (result, 0, 1),
                            error);
  if (text == NULL || !json_parser_load_from_data (parser, text, -1, error))
    return FALSE;
  if (!JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)))
    {
      g_set_error (error, PB_SITE_ERROR, PB_SITE_ERROR_FAILED,
                   _ ("The site’s shipping rules are damaged."));
      return FALSE;
    }
  array = json_node_get_array (json_parser_get_root (parser));
  /* Each change is its own audited transaction; the version is recorded
   * last, so an interrupted pull is simply done again at the next login. */
  local = pb_rules_list (store, error);
  if (local == NULL)
    return FALSE;
  for (guint i = 0; i < local->len; i++)
    if (!pb_rules_remove (store, ((PbRule *)g_ptr_array_index (local, i))->id, "site", error))
      return FALSE;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = json_array_get_object_element (array, i);
      g_autoptr (PbRule) rule = g_new0 (PbRule, 1);

      if (object == NULL)
        continue;
      rule->sku = member_text (object, "sku");
      rule->min_weight_g
          = (gint)json_object_get_int_member_with_default (object, "min_weight_g", 0);
      rule->max_weight_g
          = (gint)json_object_get_int_member_with_default (object, "max_weight_g", 0);
      rule->service_level = member_text (object, "service_level");
      rule->destination = member_text (object, "destination");
      rule->package_format = member_text (object, "package_format");
      rule->service_code = member_text (object, "service_code");
      if (!pb_rules_add (store, rule, "site", NULL, error))
        return FALSE;
    }
  return pb_store_set_meta_int (store, META_RULES_VERSION, version, error);
}

/* After a change at this bench, only the row that changed: a bench whose
 * copy of the others is older than the site's does not put them back. */
gboolean
pb_site_push_operator (PbSite *self, PbStore *store, const char *username, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (PbOperator) op = pb_operator_find (store, username, &local_error);
  g_autofree char *sealed = NULL;

  if (op == NULL)
    {
      if (local_error == NULL)
        return TRUE; /* nobody of that name here: nothing to tell */
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  sealed = seal_operator (store, op);
  {
    const char *params[] = {
      pb_operator_get_username (op),
      pb_role_to_string (pb_operator_get_role (op)),
      pb_operator_get_disabled (op) ? "true" : "false",
      sealed,
    };

    return pb_site_run (self, _ ("Saving the site’s operators"),
                        "INSERT INTO operators (username, role, disabled, sealed)"
                        " VALUES ($1, $2, $3::boolean, $4)"
                        " ON CONFLICT (username) DO UPDATE SET role = excluded.role,"
                        " disabled = excluded.disabled, sealed = excluded.sealed,"
                        " updated_at = now ()",
                        G_N_ELEMENTS (params), params, error);
  }
}

gboolean
pb_site_push_setting (PbSite *self, PbStore *store, const char *key, GError **error)
{
  g_autofree char *aad = setting_aad (key);
  g_autofree char *sealed = NULL;
  char *value;

  if (!pb_site_setting_is_shared (key) || !pb_settings_is_set (store, key))
    return TRUE;
  value = pb_settings_get (store, key);
  sealed = pb_aead_seal_text (pb_store_get_master_key (store), aad, value ? value : "");
  if (value != NULL)
    pb_secure_free_string (value);
  {
    const char *params[] = { key, sealed };

    return pb_site_run (self, _ ("Saving the site’s settings"),
                        "INSERT INTO settings (key, sealed) VALUES ($1, $2)"
                        " ON CONFLICT (key) DO UPDATE SET sealed = excluded.sealed,"
                        " updated_at = now ()",
                        2, params, error);
  }
}
