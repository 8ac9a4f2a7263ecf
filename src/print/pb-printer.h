/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "pb-print-error.h"

G_BEGIN_DECLS

/*
 * CUPS destinations. The CUPS server is CUPS's own choice: the
 * CUPS_SERVER environment variable when set (tests point it at a private
 * cupsd), else the client.conf setting, else the local scheduler. Blocking
 * calls are for worker threads; the _async pairs run them in a GTask
 * thread.
 *
 * A PbPrinter is a snapshot: its properties never change after it is made,
 * so it can be handed between threads and put in a list model. Ask again
 * for fresh state.
 */

typedef enum
{
  PB_PRINTER_KIND_DRIVER, /* CUPS converts documents for the printer (PPD or driverless) */
  PB_PRINTER_KIND_RAW,    /* CUPS passes bytes through untouched: the ZPL mode's queue */
} PbPrinterKind;

/* The IPP printer-state values. */
typedef enum
{
  PB_PRINTER_STATE_IDLE = 3,
  PB_PRINTER_STATE_PROCESSING = 4,
  PB_PRINTER_STATE_STOPPED = 5,
} PbPrinterState;

GType pb_printer_kind_get_type (void);
#define PB_TYPE_PRINTER_KIND (pb_printer_kind_get_type ())
GType pb_printer_state_get_type (void);
#define PB_TYPE_PRINTER_STATE (pb_printer_state_get_type ())

#define PB_TYPE_PRINTER (pb_printer_get_type ())
G_DECLARE_FINAL_TYPE (PbPrinter, pb_printer, PB, PRINTER, GObject)

/* The queue name, which print jobs are addressed to. */
const char *pb_printer_get_name (PbPrinter *self);
/* The human description (printer-info); the name when CUPS has none. */
const char *pb_printer_get_description (PbPrinter *self);
/* printer-make-and-model, e.g. "Zebra ZPL Label Printer" or
 * "Local Raw Printer"; "" when unknown. */
const char *pb_printer_get_make_and_model (PbPrinter *self);
/* Where CUPS sends the bytes, e.g. "socket://192.0.2.7:9100" or
 * "usb://Zebra/ZD421?serial=…", without any user name or password that
 * was in it; "" when CUPS did not say (it tells only administrators of a
 * remote server). */
const char *pb_printer_get_device_uri (PbPrinter *self);
PbPrinterKind pb_printer_get_kind (PbPrinter *self);
PbPrinterState pb_printer_get_state (PbPrinter *self);
/* Whether this is the user's or the server's default destination. */
gboolean pb_printer_get_is_default (PbPrinter *self);
gboolean pb_printer_get_accepting_jobs (PbPrinter *self);
/* printer-state-reasons as IPP keywords, e.g. "media-empty-error"; empty
 * (never NULL) when there are none. */
const char *const *pb_printer_get_state_reasons (PbPrinter *self);
/* printer-state-message, e.g. "The printer is not responding."; "" when
 * there is none or the printer came from pb_printer_list(). */
const char *pb_printer_get_state_message (PbPrinter *self);
/* The default resolution in dots per inch that the queue's driver
 * announces (printer-resolution-default); 0 when unknown, as for raw
 * queues. Only pb_printer_lookup() fills it. */
guint pb_printer_get_resolution (PbPrinter *self);

/*
 * Every destination of the CUPS server (cupsGetDests2 on the default
 * connection), sorted by name. Returns (element-type PbPrinter) an empty
 * array when there are none, or NULL with PB_PRINT_ERROR_NO_SERVER when
 * CUPS cannot be reached.
 */
GPtrArray *pb_printer_list (GCancellable *cancellable, GError **error);
void pb_printer_list_async (GCancellable *cancellable, GAsyncReadyCallback callback,
                            gpointer user_data);
GPtrArray *pb_printer_list_finish (GAsyncResult *result, GError **error);

/*
 * The destination @name with its current state, state message and
 * resolution. Fails with PB_PRINT_ERROR_NOT_FOUND when there is no such
 * queue, PB_PRINT_ERROR_NO_SERVER when CUPS cannot be reached.
 */
PbPrinter *pb_printer_lookup (const char *name, GCancellable *cancellable, GError **error);
void pb_printer_lookup_async (const char *name, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data);
PbPrinter *pb_printer_lookup_finish (GAsyncResult *result, GError **error);

/*
 * Whether the printer can take a label now, as far as CUPS knows. FALSE
 * with the packer's message when it is out of labels
 * (PB_PRINT_ERROR_MEDIA_EMPTY), jammed, has its cover open, or is stopped
 * or rejecting jobs in CUPS (PB_PRINT_ERROR_PAUSED). A printer that is
 * switched off often looks ready until a job tries to reach it: only
 * watching a job tells (see pb-print-job.h).
 */
gboolean pb_printer_check_ready (PbPrinter *self, GError **error);

G_END_DECLS
