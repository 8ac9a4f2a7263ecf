/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * A reader for CSV as RFC 4180 defines it (and spreadsheets write it):
 * comma-separated fields, optional double quotes with "" inside, CRLF or LF
 * line ends, a UTF-8 byte order mark ignored. Debian's libcsv has not been
 * released since 2013; this is small enough to keep here and is fuzzed.
 */

#define PB_CSV_ERROR (pb_csv_error_quark ())

typedef enum
{
  PB_CSV_ERROR_QUOTE,    /* a quoted field that never ends, or text after a closing quote */
  PB_CSV_ERROR_ENCODING, /* not UTF-8 */
  PB_CSV_ERROR_TOO_BIG,
} PbCsvError;

GQuark pb_csv_error_quark (void);

/* (element-type GStrv): one array of fields per record; empty lines are
 * skipped. Errors name the line. */
GPtrArray *pb_csv_parse (const char *text, gsize length, GError **error);

G_END_DECLS
