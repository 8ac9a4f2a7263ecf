/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * What can go wrong between a label PDF and a printed label. Every code has
 * a message a packer can act on (British English, translated); none of them
 * carries anything printed on the label.
 */

#define PB_PRINT_ERROR (pb_print_error_quark ())

typedef enum
{
  PB_PRINT_ERROR_NO_SERVER,     /* the printing system (CUPS) cannot be reached */
  PB_PRINT_ERROR_NOT_FOUND,     /* no such printer */
  PB_PRINT_ERROR_PAUSED,        /* the queue is stopped or rejects jobs */
  PB_PRINT_ERROR_OFFLINE,       /* the printer does not answer (or never finished the job) */
  PB_PRINT_ERROR_MEDIA_EMPTY,   /* out of labels */
  PB_PRINT_ERROR_MEDIA_JAM,     /* labels jammed */
  PB_PRINT_ERROR_COVER_OPEN,    /* cover or door open */
  PB_PRINT_ERROR_HELD,          /* CUPS holds the job instead of printing it */
  PB_PRINT_ERROR_ABORTED,       /* CUPS gave the job up (a filter or backend failed) */
  PB_PRINT_ERROR_CANCELLED,     /* somebody cancelled the job in CUPS */
  PB_PRINT_ERROR_INVALID_LABEL, /* the label PDF cannot be read or rendered */
  PB_PRINT_ERROR_UNSUPPORTED,   /* a setting this code cannot print with, e.g. 100 dpi */
  PB_PRINT_ERROR_FAILED,        /* any other refusal by CUPS */
} PbPrintError;

GQuark pb_print_error_quark (void);

G_END_DECLS
