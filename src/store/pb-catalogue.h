/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "pb-store.h"
#include "util/pb-postcode.h"

G_BEGIN_DECLS

/*
 * The product catalogue (what a SKU weighs, how it is packed, what customs
 * must be told) and the rules that pick the Royal Mail package format and
 * service for an order. The first rule that matches wins; the settings
 * royalmail.default_service and royalmail.default_package_format apply
 * when none does.
 */

/* Click & Drop's package formats. */
extern const char *const pb_package_formats[];
gboolean pb_package_format_is_valid (const char *format);
/* The bigger of two package formats (a parcel needs the bigger box); NULL
 * when neither is one. */
const char *pb_package_format_larger (const char *a, const char *b);

typedef struct
{
  char *sku;
  char *asin;
  char *title;
  gint weight_g; /* 0: unknown */
  char *package_format;
  char *customs_description;
  char *hs_code;
  char *origin_country;
  char *bin;             /* where it is kept, e.g. "A-03-2"; NULL: not said */
  gint units_per_parcel; /* at most this many in one parcel; 0: not said */
  GStrv barcodes;
} PbProduct;

void pb_product_free (PbProduct *product);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PbProduct, pb_product_free)

/* By SKU, barcode (EAN/UPC) or ASIN; NULL without an error when unknown. */
PbProduct *pb_catalogue_find (PbStore *store, const char *code, GError **error);

/* An order item's product: by its SKU, else by its ASIN (either may be
 * NULL); NULL without an error when the catalogue has neither. */
PbProduct *pb_catalogue_find_item (PbStore *store, const char *sku, const char *asin,
                                   GError **error);

typedef struct
{
  guint added;
  guint updated;
} PbCatalogueImport;

/* Imports a CSV file with a header row. Columns (any order, case does not
 * matter): sku (required), barcodes (separated by ';' or spaces), asin,
 * title, weight_g, package_format, customs_description, hs_code,
 * origin_country, bin (the shelf location on the pick list), units_per_parcel
 * (an order with more ships as several parcels, pb_ship). All or nothing: the first bad row
 * names its line and column, and nothing is changed. */
gboolean pb_catalogue_import_csv (PbStore *store, const char *data, gsize length, const char *actor,
                                  PbCatalogueImport *result, GError **error);
/* The whole catalogue as a CSV file that pb_catalogue_import_csv() reads
 * back (site mode: the first bench gives the site its catalogue). */
char *pb_catalogue_export_csv (PbStore *store, GError **error);

/* The bench's service classes for rules. */
#define PB_LEVEL_NEXT_DAY "next_day"
#define PB_LEVEL_PRIME "prime"
#define PB_LEVEL_STANDARD "standard"

/* From Amazon's fulfilmentServiceLevel and Prime flag. */
const char *pb_service_level_classify (const char *amazon_level, gboolean prime);

typedef struct
{
  gint64 id;
  gint position;
  char *sku;           /* NULL: any */
  gint min_weight_g;   /* 0: no lower bound */
  gint max_weight_g;   /* 0: no upper bound */
  char *service_level; /* NULL: any */
  char *destination;   /* NULL: any; pb_destination_to_string names */
  char *package_format;
  char *service_code;
} PbRule;

void pb_rule_free (PbRule *rule);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PbRule, pb_rule_free)

/* (element-type PbRule): in the order they are tried. */
GPtrArray *pb_rules_list (PbStore *store, GError **error);
/* Appends a rule (after the others); validated, audited. */
gboolean pb_rules_add (PbStore *store, const PbRule *rule, const char *actor, gint64 *id,
                       GError **error);
gboolean pb_rules_remove (PbStore *store, gint64 id, const char *actor, GError **error);

typedef struct
{
  const char *const *skus; /* the order's SKUs */
  gint weight_g;           /* total */
  const char *service_level;
  PbDestination destination;
} PbRuleQuery;

/* The first matching rule's package format and service (and its id); all
 * NULL (and 0) when no rule matches. FALSE only when the rules cannot be read. */
gboolean pb_rules_match (PbStore *store, const PbRuleQuery *query, char **package_format,
                         char **service_code, gint64 *rule_id, GError **error);

/* The first matching rule's package format and service (and its id, 0 for
 * the defaults); an error when nothing matches and no default is set. */
gboolean pb_rules_choose (PbStore *store, const PbRuleQuery *query, char **package_format,
                          char **service_code, gint64 *rule_id, GError **error);

G_END_DECLS
