/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <cups/cups.h>

#include "pb-print-error.h"

G_BEGIN_DECLS

/* Shared inside print/ only. */

/* The packer's words for @code (translated): what happened, what to do. */
const char *pb_print_error_message (PbPrintError code);

/* Sets @error to @code with its standard message. */
void pb_print_set_error (GError **error, PbPrintError code);

/* Sets @error from cupsLastError() after a failed request about @printer. */
void pb_print_set_error_from_cups (GError **error, const char *printer);

/* The condition in a printer's state that needs a person at the printer or
 * at CUPS, if any: out of labels, jammed, cover open, stopped or not
 * accepting jobs. Returns FALSE and sets @error when there is one. Reasons
 * are IPP keywords, with or without their -error/-warning/-report suffix. */
gboolean pb_print_check_printer_state (ipp_pstate_t state, gboolean accepting,
                                       const char *const *reasons, GError **error);

/* Whether @reasons hold @keyword, with or without a severity suffix. */
gboolean pb_print_reasons_contain (const char *const *reasons, const char *keyword);

/* Whether @pdf opens as a PDF with at least one page; else
 * PB_PRINT_ERROR_INVALID_LABEL. */
gboolean pb_label_check_pdf (GBytes *pdf, GError **error);

/* @uri without the "user:password@" a device URI may carry; "" for NULL,
 * and only the scheme when CUPS cannot parse it. */
char *pb_print_redact_device_uri (const char *uri);

/* Bytes that hold a label: takes @data (from g_malloc()) and wipes it
 * when the last reference goes. */
GBytes *pb_print_bytes_new_wiped (gpointer data, gsize size);

G_END_DECLS
