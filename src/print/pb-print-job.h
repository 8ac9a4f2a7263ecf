/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "pb-print-error.h"

G_BEGIN_DECLS

/*
 * Sending a label to CUPS and watching it print. The label goes from memory
 * straight into the IPP request; nothing is written to a file on this side.
 * Blocking calls are for worker threads; the _async pairs run them in a
 * GTask thread. The caller passes the printer's settings in: this layer
 * never reads the store.
 *
 * A job that prints, fails or is given up on is then purged from CUPS
 * (Cancel-Job with purge-job), so the spooled label — which shows an
 * address — does not stay in CUPS's spool directory for its job history.
 */

typedef enum
{
  /* The label PDF goes to CUPS at PB_LABEL_MEDIA; the queue's driver
   * converts it. Works with any driver queue. */
  PB_PRINT_MODE_PDF,
  /* The label is rendered here at the printer's resolution and sent as ZPL
   * to a raw queue: faster and sharper on Zebra-style printers. */
  PB_PRINT_MODE_ZPL,
  /* A document (an end-of-day manifest) for an office printer: the PDF goes
   * to CUPS as it is, on the queue's default paper. */
  PB_PRINT_MODE_DOCUMENT,
} PbPrintMode;

GType pb_print_mode_get_type (void);
#define PB_TYPE_PRINT_MODE (pb_print_mode_get_type ())

/* The IPP job-state values. */
typedef enum
{
  PB_PRINT_JOB_STATE_PENDING = 3,
  PB_PRINT_JOB_STATE_HELD = 4,
  PB_PRINT_JOB_STATE_PROCESSING = 5,
  PB_PRINT_JOB_STATE_STOPPED = 6,
  PB_PRINT_JOB_STATE_CANCELLED = 7,
  PB_PRINT_JOB_STATE_ABORTED = 8,
  PB_PRINT_JOB_STATE_COMPLETED = 9,
} PbPrintJobState;

typedef struct
{
  const char *printer; /* the CUPS queue, e.g. from the bench's settings */
  PbPrintMode mode;
  guint dpi; /* ZPL mode: the print head's resolution (203 or 300); unused for PDF */
  const char
      *title;  /* the job name CUPS shows and logs: never an address; NULL: "Packbench label" */
  GBytes *pdf; /* the label: a PDF whose first page is the 4 x 6 in label */
} PbPrintRequest;

#define PB_TYPE_PRINT_JOB (pb_print_job_get_type ())
G_DECLARE_FINAL_TYPE (PbPrintJob, pb_print_job, PB, PRINT_JOB, GObject)

/* The queue the job went to. */
const char *pb_print_job_get_printer (PbPrintJob *self);
/* CUPS's job-id. */
int pb_print_job_get_id (PbPrintJob *self);

/*
 * Blocking. Checks the label (it must open as a PDF), converts it to ZPL
 * in ZPL mode, and creates the CUPS job: the PDF as CUPS_FORMAT_PDF with
 * media=w288h432, or the ZPL as CUPS_FORMAT_RAW. @cancellable is looked at
 * before the job is created; once CUPS has the job it is returned. Errors:
 * PB_PRINT_ERROR_INVALID_LABEL, _UNSUPPORTED (a resolution that is not
 * supported), _NOT_FOUND, _PAUSED (rejecting jobs), _NO_SERVER, _FAILED.
 */
PbPrintJob *pb_print_job_submit (const PbPrintRequest *request, GCancellable *cancellable,
                                 GError **error);
/* The same in a worker thread. The request is copied (the PDF is
 * referenced). As with the blocking call, a job CUPS has taken is returned
 * even when @cancellable was cancelled meanwhile. */
void pb_print_job_submit_async (const PbPrintRequest *request, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
PbPrintJob *pb_print_job_submit_finish (GAsyncResult *result, GError **error);

/*
 * Blocking. Polls the job and its printer until the job is completed
 * (TRUE: CUPS handed every byte to the printer) or something stops it,
 * for at most @timeout_ms (0: 30 s). Fails at once when the printer needs
 * a person (PB_PRINT_ERROR_MEDIA_EMPTY, _MEDIA_JAM, _COVER_OPEN, _PAUSED)
 * or the job ends otherwise (_ABORTED, _CANCELLED); fails with
 * PB_PRINT_ERROR_OFFLINE when the timeout passes first (the printer is off,
 * unplugged or unreachable: "connecting-to-device", "offline-report" or
 * the socket backend's retries), or _HELD when CUPS holds the job.
 *
 * A job that fails is cancelled, so it cannot come out later onto the
 * wrong parcel when the printer returns: the label is printed again by a
 * reprint. Cancelling @cancellable stops the watch only (it fails with
 * G_IO_ERROR_CANCELLED) and leaves the job alone.
 */
gboolean pb_print_job_watch (PbPrintJob *self, guint timeout_ms, GCancellable *cancellable,
                             GError **error);
void pb_print_job_watch_async (PbPrintJob *self, guint timeout_ms, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data);
gboolean pb_print_job_watch_finish (PbPrintJob *self, GAsyncResult *result, GError **error);

/* The job's state when the last watch ended (PENDING before any watch). */
PbPrintJobState pb_print_job_get_state (PbPrintJob *self);

/*
 * Blocking. Cancels the job in CUPS if it has not finished, and purges it
 * (and its spooled document) either way. A job CUPS no longer knows is not
 * an error.
 */
gboolean pb_print_job_cancel (PbPrintJob *self, GError **error);

G_END_DECLS
