/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>

#include "pb-audit.h"
#include "pb-catalogue.h"
#include "pb-settings.h"
#include "pb-store-private.h"
#include "util/pb-clock.h"
#include "util/pb-csv.h"

const char *const pb_package_formats[] = {
  "letter",      "largeLetter", "smallParcel", "mediumParcel",
  "largeParcel", "parcel",      "documents",   NULL,
};

gboolean
pb_package_format_is_valid (const char *format)
{
  return format != NULL && g_strv_contains (pb_package_formats, format);
}

const char *
pb_package_format_larger (const char *a, const char *b)
{
  /* pb_package_formats lists the sizes from the smallest; "documents" is
   * not a size and gives way to any of them. */
  gint rank_a = -1, rank_b = -1;

  for (gint i = 0; pb_package_formats[i] != NULL; i++)
    {
      gint rank = g_str_equal (pb_package_formats[i], "documents") ? 0 : i + 1;

      if (g_strcmp0 (a, pb_package_formats[i]) == 0)
        rank_a = rank;
      if (g_strcmp0 (b, pb_package_formats[i]) == 0)
        rank_b = rank;
    }
  if (rank_a < 0 && rank_b < 0)
    return NULL;
  return rank_a >= rank_b ? a : b;
}

void
pb_product_free (PbProduct *product)
{
  if (product == NULL)
    return;
  g_free (product->sku);
  g_free (product->asin);
  g_free (product->title);
  g_free (product->package_format);
  g_free (product->customs_description);
  g_free (product->hs_code);
  g_free (product->origin_country);
  g_free (product->bin);
  g_strfreev (product->barcodes);
  g_free (product);
}

void
pb_rule_free (PbRule *rule)
{
  if (rule == NULL)
    return;
  g_free (rule->sku);
  g_free (rule->service_level);
  g_free (rule->destination);
  g_free (rule->package_format);
  g_free (rule->service_code);
  g_free (rule);
}

static char *
column_text (sqlite3_stmt *stmt, int column)
{
  return g_strdup (pb_sql_text (stmt, column));
}

PbProduct *
pb_catalogue_find (PbStore *store, const char *code, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (sqlite3_stmt) codes = NULL;
  g_autoptr (GStrvBuilder) barcodes = g_strv_builder_new ();
  PbProduct *product;
  int rc;

  stmt = pb_store_prepare (store,
                           "SELECT sku, asin, title, coalesce (weight_g, 0), package_format,"
                           " customs_description, hs_code, origin_country, bin,"
                           " coalesce (units_per_parcel, 0) FROM products"
                           " WHERE sku = ?1"
                           "    OR sku = (SELECT sku FROM product_barcodes WHERE barcode = ?1)"
                           "    OR asin = ?1 LIMIT 1",
                           error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, code, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      if (rc != SQLITE_DONE)
        pb_store_set_sql_error (store, error, _ ("Reading the catalogue"));
      return NULL;
    }

  product = g_new0 (PbProduct, 1);
  product->sku = column_text (stmt, 0);
  product->asin = column_text (stmt, 1);
  product->title = column_text (stmt, 2);
  product->weight_g = sqlite3_column_int (stmt, 3);
  product->package_format = column_text (stmt, 4);
  product->customs_description = column_text (stmt, 5);
  product->hs_code = column_text (stmt, 6);
  product->origin_country = column_text (stmt, 7);
  product->bin = column_text (stmt, 8);
  product->units_per_parcel = sqlite3_column_int (stmt, 9);

  codes = pb_store_prepare (store, "SELECT barcode FROM product_barcodes WHERE sku = ?1", NULL);
  if (codes != NULL)
    {
      sqlite3_bind_text (codes, 1, product->sku, -1, SQLITE_STATIC);
      while (sqlite3_step (codes) == SQLITE_ROW)
        g_strv_builder_add (barcodes, pb_sql_text (codes, 0));
    }
  product->barcodes = g_strv_builder_end (barcodes);
  return product;
}

PbProduct *
pb_catalogue_find_item (PbStore *store, const char *sku, const char *asin, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  PbProduct *product = NULL;

  if (sku != NULL)
    product = pb_catalogue_find (store, sku, &local_error);
  if (product == NULL && local_error == NULL && asin != NULL)
    product = pb_catalogue_find (store, asin, &local_error);
  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return product;
}

enum
{
  COL_SKU,
  COL_BARCODES,
  COL_ASIN,
  COL_TITLE,
  COL_WEIGHT,
  COL_FORMAT,
  COL_CUSTOMS,
  COL_HS,
  COL_ORIGIN,
  COL_BIN,
  COL_UNITS,
  N_COLUMNS
};

static const char *const column_names[N_COLUMNS] = {
  "sku",
  "barcodes",
  "asin",
  "title",
  "weight_g",
  "package_format",
  "customs_description",
  "hs_code",
  "origin_country",
  "bin",
  "units_per_parcel",
};

static gboolean
row_error (GError **error, guint line, const char *column, const char *problem)
{
  g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID,
               _ ("Line %u, column %s: %s. Nothing was imported."), line, column, problem);
  return FALSE;
}

static gboolean
check_row (char **cells, const int *index, guint line, GError **error)
{
  const char *weight = index[COL_WEIGHT] >= 0 ? cells[index[COL_WEIGHT]] : "";
  const char *format = index[COL_FORMAT] >= 0 ? cells[index[COL_FORMAT]] : "";
  const char *hs = index[COL_HS] >= 0 ? cells[index[COL_HS]] : "";
  const char *origin = index[COL_ORIGIN] >= 0 ? cells[index[COL_ORIGIN]] : "";
  const char *bin = index[COL_BIN] >= 0 ? cells[index[COL_BIN]] : "";
  const char *units = index[COL_UNITS] >= 0 ? cells[index[COL_UNITS]] : "";
  const char *sku = cells[index[COL_SKU]];

  if (*sku == '\0' || strlen (sku) > 64)
    return row_error (error, line, "sku", _ ("a SKU of 1 to 64 characters is needed"));
  if (*weight && !g_ascii_string_to_unsigned (weight, 10, 1, 30000, NULL, NULL))
    return row_error (error, line, "weight_g", _ ("the weight must be whole grams, 1 to 30000"));
  if (*format && !pb_package_format_is_valid (format))
    return row_error (error, line, "package_format",
                      _ ("use letter, largeLetter, smallParcel, mediumParcel, largeParcel, "
                         "parcel or documents"));
  if (*hs)
    {
      gsize digits = strspn (hs, "0123456789");
      if (digits != strlen (hs) || digits < 6 || digits > 10)
        return row_error (error, line, "hs_code", _ ("an HS code is 6 to 10 digits"));
    }
  if (*origin
      && !(strlen (origin) == 2 && g_ascii_isalpha (origin[0]) && g_ascii_isalpha (origin[1])))
    return row_error (error, line, "origin_country",
                      _ ("the country of origin is a two-letter code such as GB"));
  if (strlen (bin) > 32 || !g_utf8_validate (bin, -1, NULL))
    return row_error (error, line, "bin", _ ("a bin location is at most 32 characters"));
  if (*units && !g_ascii_string_to_unsigned (units, 10, 1, 999, NULL, NULL))
    return row_error (error, line, "units_per_parcel",
                      _ ("the units that fit one parcel are a whole number, 1 to 999"));
  return TRUE;
}

static void
bind_cell (sqlite3_stmt *stmt, int parameter, char **cells, int index)
{
  if (index >= 0 && *cells[index] != '\0')
    sqlite3_bind_text (stmt, parameter, g_strstrip (cells[index]), -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, parameter);
}

gboolean
pb_catalogue_import_csv (PbStore *store, const char *data, gsize length, const char *actor,
                         PbCatalogueImport *result, GError **error)
{
  g_autoptr (GPtrArray) rows = pb_csv_parse (data, length, error);
  g_autoptr (sqlite3_stmt) exists = NULL;
  g_autoptr (sqlite3_stmt) upsert = NULL;
  g_autoptr (sqlite3_stmt) forget = NULL;
  g_autoptr (sqlite3_stmt) barcode = NULL;
  g_autofree char *detail = NULL;
  int index[N_COLUMNS];
  char **header;
  gint64 now = pb_clock_now_unix ();
  PbCatalogueImport local = { 0 };

  if (result == NULL)
    result = &local;
  memset (result, 0, sizeof *result);
  if (rows == NULL)
    return FALSE;
  if (rows->len == 0)
    {
      g_set_error_literal (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID,
                           _ ("The file is empty: it needs a header row and a row per product."));
      return FALSE;
    }

  header = g_ptr_array_index (rows, 0);
  for (int c = 0; c < N_COLUMNS; c++)
    {
      index[c] = -1;
      for (guint i = 0; header[i]; i++)
        if (g_ascii_strcasecmp (g_strstrip (header[i]), column_names[c]) == 0)
          index[c] = (int)i;
    }
  if (index[COL_SKU] < 0)
    {
      g_set_error_literal (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID,
                           _ ("The header row has no “sku” column. Columns: sku, barcodes, asin, "
                              "title, weight_g, package_format, customs_description, hs_code, "
                              "origin_country, bin, units_per_parcel."));
      return FALSE;
    }

  /* Check every row before changing anything. */
  for (guint r = 1; r < rows->len; r++)
    {
      char **cells = g_ptr_array_index (rows, r);

      if (g_strv_length (cells) != g_strv_length (header))
        {
          g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID,
                       _ ("Row %u has %u columns; the header has %u. Nothing was imported."), r + 1,
                       g_strv_length (cells), g_strv_length (header));
          return FALSE;
        }
      if (!check_row (cells, index, r + 1, error))
        return FALSE;
    }

  exists = pb_store_prepare (store, "SELECT 1 FROM products WHERE sku = ?1", error);
  upsert = pb_store_prepare (store,
                             "INSERT OR REPLACE INTO products (sku, asin, title, weight_g,"
                             " package_format, customs_description, hs_code, origin_country,"
                             " updated_at, bin, units_per_parcel)"
                             " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, upper (?8), ?9, ?10, ?11)",
                             error);
  forget = pb_store_prepare (store, "DELETE FROM product_barcodes WHERE sku = ?1", error);
  barcode = pb_store_prepare (store,
                              "INSERT OR REPLACE INTO product_barcodes (barcode, sku)"
                              " VALUES (?1, ?2)",
                              error);
  if (exists == NULL || upsert == NULL || forget == NULL || barcode == NULL
      || !pb_store_begin (store, error))
    return FALSE;

  for (guint r = 1; r < rows->len; r++)
    {
      char **cells = g_ptr_array_index (rows, r);
      const char *sku = g_strstrip (cells[index[COL_SKU]]);
      gboolean known;

      sqlite3_reset (exists);
      sqlite3_bind_text (exists, 1, sku, -1, SQLITE_STATIC);
      known = sqlite3_step (exists) == SQLITE_ROW;

      sqlite3_reset (upsert);
      sqlite3_bind_text (upsert, 1, sku, -1, SQLITE_STATIC);
      bind_cell (upsert, 2, cells, index[COL_ASIN]);
      bind_cell (upsert, 3, cells, index[COL_TITLE]);
      bind_cell (upsert, 4, cells, index[COL_WEIGHT]);
      bind_cell (upsert, 5, cells, index[COL_FORMAT]);
      bind_cell (upsert, 6, cells, index[COL_CUSTOMS]);
      bind_cell (upsert, 7, cells, index[COL_HS]);
      bind_cell (upsert, 8, cells, index[COL_ORIGIN]);
      sqlite3_bind_int64 (upsert, 9, now);
      bind_cell (upsert, 10, cells, index[COL_BIN]);
      bind_cell (upsert, 11, cells, index[COL_UNITS]);
      sqlite3_reset (forget);
      sqlite3_bind_text (forget, 1, sku, -1, SQLITE_STATIC);
      if (sqlite3_step (upsert) != SQLITE_DONE || sqlite3_step (forget) != SQLITE_DONE)
        goto sql_fail;

      if (index[COL_BARCODES] >= 0)
        {
          g_auto (GStrv) codes = g_strsplit_set (cells[index[COL_BARCODES]], "; ", -1);

          for (guint i = 0; codes[i]; i++)
            {
              if (*codes[i] == '\0')
                continue;
              sqlite3_reset (barcode);
              sqlite3_bind_text (barcode, 1, codes[i], -1, SQLITE_STATIC);
              sqlite3_bind_text (barcode, 2, sku, -1, SQLITE_STATIC);
              if (sqlite3_step (barcode) != SQLITE_DONE)
                goto sql_fail;
            }
        }
      if (known)
        result->updated++;
      else
        result->added++;
    }

  detail = g_strdup_printf ("added=%u updated=%u", result->added, result->updated);
  if (!pb_audit_append (store, actor, "catalogue.imported", NULL, "ok", detail, error)
      || !pb_store_commit (store, error))
    {
      pb_store_rollback (store);
      return FALSE;
    }
  return TRUE;

sql_fail:
  pb_store_set_sql_error (store, error, _ ("Importing the catalogue"));
  pb_store_rollback (store);
  return FALSE;
}

const char *
pb_service_level_classify (const char *amazon_level, gboolean prime)
{
  if (g_strcmp0 (amazon_level, "NEXT_DAY") == 0 || g_strcmp0 (amazon_level, "SAME_DAY") == 0
      || g_strcmp0 (amazon_level, "PRIORITY") == 0)
    return PB_LEVEL_NEXT_DAY;
  if (prime)
    return PB_LEVEL_PRIME;
  return PB_LEVEL_STANDARD;
}

GPtrArray *
pb_rules_list (PbStore *store, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GPtrArray) rules = g_ptr_array_new_with_free_func ((GDestroyNotify)pb_rule_free);
  int rc;

  stmt = pb_store_prepare (store,
                           "SELECT id, position, sku, coalesce (min_weight_g, 0),"
                           " coalesce (max_weight_g, 0), service_level, destination,"
                           " package_format, service_code FROM rules ORDER BY position, id",
                           error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      PbRule *rule = g_new0 (PbRule, 1);

      rule->id = sqlite3_column_int64 (stmt, 0);
      rule->position = sqlite3_column_int (stmt, 1);
      rule->sku = column_text (stmt, 2);
      rule->min_weight_g = sqlite3_column_int (stmt, 3);
      rule->max_weight_g = sqlite3_column_int (stmt, 4);
      rule->service_level = column_text (stmt, 5);
      rule->destination = column_text (stmt, 6);
      rule->package_format = column_text (stmt, 7);
      rule->service_code = column_text (stmt, 8);
      g_ptr_array_add (rules, rule);
    }
  if (rc != SQLITE_DONE)
    {
      pb_store_set_sql_error (store, error, _ ("Reading the rules"));
      return NULL;
    }
  return g_steal_pointer (&rules);
}

static gboolean
invalid (GError **error, const char *message)
{
  g_set_error_literal (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID, message);
  return FALSE;
}

gboolean
pb_rules_add (PbStore *store, const PbRule *rule, const char *actor, gint64 *id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autofree char *detail = NULL;
  PbDestination destination;

  if (!pb_package_format_is_valid (rule->package_format))
    return invalid (error, _ ("The package format must be letter, largeLetter, smallParcel, "
                              "mediumParcel, largeParcel, parcel or documents."));
  if (rule->service_code == NULL || *rule->service_code == '\0' || strlen (rule->service_code) > 10)
    return invalid (error, _ ("A Royal Mail service code of at most 10 characters is needed."));
  if (rule->service_level != NULL && g_strcmp0 (rule->service_level, PB_LEVEL_NEXT_DAY) != 0
      && g_strcmp0 (rule->service_level, PB_LEVEL_PRIME) != 0
      && g_strcmp0 (rule->service_level, PB_LEVEL_STANDARD) != 0)
    return invalid (error, _ ("The service level must be next_day, prime or standard."));
  if (rule->destination != NULL && !pb_destination_from_string (rule->destination, &destination))
    return invalid (error, _ ("The destination must be gb, ni, ci, im, bfpo or international."));
  if (rule->min_weight_g < 0 || rule->max_weight_g < 0
      || (rule->max_weight_g > 0 && rule->max_weight_g < rule->min_weight_g))
    return invalid (error, _ ("The weight band must run from a lower to a higher weight."));

  stmt = pb_store_prepare (store,
                           "INSERT INTO rules (position, sku, min_weight_g, max_weight_g,"
                           " service_level, destination, package_format, service_code,"
                           " created_by, created_at)"
                           " VALUES ((SELECT coalesce (max (position), 0) + 1 FROM rules),"
                           " ?1, nullif (?2, 0), nullif (?3, 0), ?4, ?5, ?6, ?7, ?8, ?9)",
                           error);
  if (stmt == NULL)
    return FALSE;
  if (rule->sku)
    sqlite3_bind_text (stmt, 1, rule->sku, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 2, rule->min_weight_g);
  sqlite3_bind_int (stmt, 3, rule->max_weight_g);
  if (rule->service_level)
    sqlite3_bind_text (stmt, 4, rule->service_level, -1, SQLITE_STATIC);
  if (rule->destination)
    sqlite3_bind_text (stmt, 5, rule->destination, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, rule->package_format, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, rule->service_code, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, actor, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 9, pb_clock_now_unix ());
  if (!pb_store_begin (store, error))
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      pb_store_set_sql_error (store, error, _ ("Saving the rule"));
      pb_store_rollback (store);
      return FALSE;
    }
  if (id)
    *id = sqlite3_last_insert_rowid (pb_store_get_db (store));
  detail = g_strdup_printf ("%s/%s", rule->package_format, rule->service_code);
  if (!pb_audit_append (store, actor, "rule.added", NULL, "ok", detail, error)
      || !pb_store_commit (store, error))
    {
      pb_store_rollback (store);
      return FALSE;
    }
  return TRUE;
}

gboolean
pb_rules_remove (PbStore *store, gint64 id, const char *actor, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt
      = pb_store_prepare (store, "DELETE FROM rules WHERE id = ?1", error);
  g_autofree char *subject = g_strdup_printf ("%" PRId64, id);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      pb_store_set_sql_error (store, error, _ ("Removing the rule"));
      return FALSE;
    }
  if (sqlite3_changes (pb_store_get_db (store)) == 0)
    {
      g_set_error (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID,
                   _ ("There is no rule %" PRId64 "."), id);
      return FALSE;
    }
  return pb_audit_append (store, actor, "rule.removed", subject, "ok", NULL, error);
}

static gboolean
rule_matches (const PbRule *rule, const PbRuleQuery *query)
{
  if (rule->sku != NULL && (query->skus == NULL || !g_strv_contains (query->skus, rule->sku)))
    return FALSE;
  if (rule->min_weight_g > 0 && query->weight_g < rule->min_weight_g)
    return FALSE;
  if (rule->max_weight_g > 0 && query->weight_g > rule->max_weight_g)
    return FALSE;
  if (rule->service_level != NULL && g_strcmp0 (rule->service_level, query->service_level) != 0)
    return FALSE;
  if (rule->destination != NULL
      && g_strcmp0 (rule->destination, pb_destination_to_string (query->destination)) != 0)
    return FALSE;
  return TRUE;
}

gboolean
pb_rules_match (PbStore *store, const PbRuleQuery *query, char **package_format,
                char **service_code, gint64 *rule_id, GError **error)
{
  g_autoptr (GPtrArray) rules = pb_rules_list (store, error);

  *package_format = NULL;
  *service_code = NULL;
  if (rule_id)
    *rule_id = 0;
  if (rules == NULL)
    return FALSE;
  for (guint i = 0; i < rules->len; i++)
    {
      PbRule *rule = g_ptr_array_index (rules, i);

      if (rule_matches (rule, query))
        {
          *package_format = g_strdup (rule->package_format);
          *service_code = g_strdup (rule->service_code);
          if (rule_id)
            *rule_id = rule->id;
          return TRUE;
        }
    }
  return TRUE;
}

gboolean
pb_rules_choose (PbStore *store, const PbRuleQuery *query, char **package_format,
                 char **service_code, gint64 *rule_id, GError **error)
{
  g_autofree char *default_service = NULL;
  g_autofree char *default_format = NULL;

  if (!pb_rules_match (store, query, package_format, service_code, rule_id, error))
    return FALSE;
  if (*service_code != NULL)
    return TRUE;

  default_service = pb_settings_get (store, "royalmail.default_service");
  default_format = pb_settings_get (store, "royalmail.default_package_format");
  if (default_service == NULL || *default_service == '\0')
    {
      g_set_error_literal (error, PB_STORE_ERROR, PB_STORE_ERROR_INVALID,
                           _ ("No rule matches this order and no default Royal Mail service is "
                              "set. An administrator sets royalmail.default_service or adds a "
                              "rule."));
      return FALSE;
    }
  *package_format = g_steal_pointer (&default_format);
  *service_code = g_steal_pointer (&default_service);
  if (rule_id)
    *rule_id = 0;
  return TRUE;
}

static void
append_csv_field (GString *out, const char *text, gboolean last)
{
  g_string_append_c (out, '"');
  for (const char *p = text ? text : ""; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append (out, last ? "\"\r\n" : "\",");
}

char *
pb_catalogue_export_csv (PbStore *store, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GString) out
      = g_string_new ("sku,barcodes,asin,title,weight_g,package_format,"
                      "customs_description,hs_code,origin_country,bin,units_per_parcel\r\n");
  int rc;

  stmt = pb_store_prepare (store,
                           "SELECT p.sku, (SELECT group_concat (b.barcode, ';')"
                           "  FROM product_barcodes b WHERE b.sku = p.sku),"
                           " p.asin, p.title, p.weight_g, p.package_format,"
                           " p.customs_description, p.hs_code, p.origin_country, p.bin,"
                           " p.units_per_parcel FROM products p ORDER BY p.sku",
                           error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    for (int i = 0; i < 11; i++)
      append_csv_field (out, (const char *)sqlite3_column_text (stmt, i), i == 10);
  if (rc != SQLITE_DONE)
    {
      pb_store_set_sql_error (store, error, _ ("Reading the catalogue"));
      return NULL;
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}
