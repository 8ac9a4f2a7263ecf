/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "pb-print-job.h"

#include <cups/cups.h>

#include "pb-label.h"
#include "pb-print-private.h"

#define DEFAULT_TITLE "Packbench label"
#define DEFAULT_TIMEOUT_MS 30000
/* How often a watch asks CUPS; each look is two small local requests. */
#define POLL_INTERVAL_MS 200
/* How much of the document goes into one write to CUPS. */
#define WRITE_CHUNK 65536

struct _PbPrintJob
{
  GObject parent_instance;

  char *printer;
  int id;
  gint state; /* PbPrintJobState, atomic: written by the watching thread */
};

enum
{
  PROP_0,
  PROP_PRINTER,
  PROP_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_ENUM_TYPE (PbPrintMode, pb_print_mode, G_DEFINE_ENUM_VALUE (PB_PRINT_MODE_PDF, "pdf"),
                    G_DEFINE_ENUM_VALUE (PB_PRINT_MODE_ZPL, "zpl"),
                    G_DEFINE_ENUM_VALUE (PB_PRINT_MODE_DOCUMENT, "document"))

G_DEFINE_FINAL_TYPE (PbPrintJob, pb_print_job, G_TYPE_OBJECT)

static void
pb_print_job_finalize (GObject *object)
{
  PbPrintJob *self = PB_PRINT_JOB (object);

  g_clear_pointer (&self->printer, g_free);

  G_OBJECT_CLASS (pb_print_job_parent_class)->finalize (object);
}

static void
pb_print_job_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PbPrintJob *self = PB_PRINT_JOB (object);

  switch (prop_id)
    {
      case PROP_PRINTER:
        g_value_set_string (value, self->printer);
        break;
      case PROP_ID:
        g_value_set_int (value, self->id);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_print_job_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  PbPrintJob *self = PB_PRINT_JOB (object);

  switch (prop_id)
    {
      case PROP_PRINTER:
        self->printer = g_value_dup_string (value);
        break;
      case PROP_ID:
        self->id = g_value_get_int (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_print_job_class_init (PbPrintJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_EXPLICIT_NOTIFY
                      | G_PARAM_STATIC_STRINGS;

  object_class->finalize = pb_print_job_finalize;
  object_class->get_property = pb_print_job_get_property;
  object_class->set_property = pb_print_job_set_property;

  properties[PROP_PRINTER] = g_param_spec_string ("printer", NULL, NULL, NULL, flags);
  properties[PROP_ID] = g_param_spec_int ("id", NULL, NULL, 0, G_MAXINT, 0, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pb_print_job_init (PbPrintJob *self)
{
  self->state = PB_PRINT_JOB_STATE_PENDING;
}

const char *
pb_print_job_get_printer (PbPrintJob *self)
{
  g_return_val_if_fail (PB_IS_PRINT_JOB (self), NULL);
  return self->printer;
}

int
pb_print_job_get_id (PbPrintJob *self)
{
  g_return_val_if_fail (PB_IS_PRINT_JOB (self), 0);
  return self->id;
}

PbPrintJobState
pb_print_job_get_state (PbPrintJob *self)
{
  g_return_val_if_fail (PB_IS_PRINT_JOB (self), PB_PRINT_JOB_STATE_PENDING);
  return g_atomic_int_get (&self->state);
}

/* IPP requests */

static ipp_t *
new_job_request (ipp_op_t operation, int job_id)
{
  ipp_t *request = ippNewRequest (operation);
  char uri[HTTP_MAX_URI];

  httpAssembleURIf (HTTP_URI_CODING_ALL, uri, sizeof uri, "ipp", NULL, "localhost", ippPort (),
                    "/jobs/%d", job_id);
  ippAddString (request, IPP_TAG_OPERATION, IPP_TAG_URI, "job-uri", NULL, uri);
  ippAddString (request, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", NULL,
                cupsUser ());
  return request;
}

/* Cancel-Job with purge-job: ends the job if it still runs and deletes it
 * with its document and history. */
static gboolean
purge_job (const char *printer, int job_id, GError **error)
{
  ipp_t *request = new_job_request (IPP_OP_CANCEL_JOB, job_id);
  ipp_status_t status;

  ippAddBoolean (request, IPP_TAG_OPERATION, "purge-job", 1);
  ippDelete (cupsDoRequest (CUPS_HTTP_DEFAULT, request, "/jobs/"));
  status = cupsLastError ();
  if (status > IPP_STATUS_OK_EVENTS_COMPLETE && status != IPP_STATUS_ERROR_NOT_FOUND)
    {
      pb_print_set_error_from_cups (error, printer);
      return FALSE;
    }
  return TRUE;
}

/* A purge after the outcome is known; it failing changes nothing for the
 * packer, so it is only logged. */
static void
purge_job_quietly (PbPrintJob *self)
{
  g_autoptr (GError) error = NULL;

  if (!purge_job (self->printer, self->id, &error))
    g_debug ("Could not purge job %d on %s: %s", self->id, self->printer, error->message);
}

typedef struct
{
  ipp_jstate_t job_state;
  ipp_pstate_t printer_state;
  GStrv printer_reasons;
  char *printer_message;
} Status;

static void
clear_status (Status *status)
{
  g_clear_pointer (&status->printer_reasons, g_strfreev);
  g_clear_pointer (&status->printer_message, g_free);
}

static GStrv
get_keywords (ipp_t *response, const char *name)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  ipp_attribute_t *attribute = ippFindAttribute (response, name, IPP_TAG_KEYWORD);

  for (int i = 0; attribute != NULL && i < ippGetCount (attribute); i++)
    {
      const char *keyword = ippGetString (attribute, i, NULL);

      if (keyword != NULL && g_strcmp0 (keyword, "none") != 0)
        g_strv_builder_add (builder, keyword);
    }
  return g_strv_builder_end (builder);
}

/* Fills @status from Get-Job-Attributes and Get-Printer-Attributes.
 * Returns FALSE with the IPP status in cupsLastError() when a request
 * fails. */
static gboolean
query_status (PbPrintJob *self, Status *status)
{
  static const char *const job_wanted[] = { "job-state", "job-state-reasons" };
  static const char *const printer_wanted[]
      = { "printer-state", "printer-state-reasons", "printer-state-message" };
  char uri[HTTP_MAX_URI];
  ipp_t *request, *response;
  ipp_attribute_t *attribute;

  request = new_job_request (IPP_OP_GET_JOB_ATTRIBUTES, self->id);
  ippAddStrings (request, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
                 G_N_ELEMENTS (job_wanted), NULL, job_wanted);
  response = cupsDoRequest (CUPS_HTTP_DEFAULT, request, "/");
  if (response == NULL || cupsLastError () > IPP_STATUS_OK_EVENTS_COMPLETE)
    {
      ippDelete (response);
      return FALSE;
    }
  attribute = ippFindAttribute (response, "job-state", IPP_TAG_ENUM);
  status->job_state
      = attribute != NULL ? (ipp_jstate_t)ippGetInteger (attribute, 0) : IPP_JSTATE_PENDING;
  ippDelete (response);

  httpAssembleURIf (HTTP_URI_CODING_ALL, uri, sizeof uri, "ipp", NULL, "localhost", ippPort (),
                    "/printers/%s", self->printer);
  request = ippNewRequest (IPP_OP_GET_PRINTER_ATTRIBUTES);
  ippAddString (request, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", NULL, uri);
  ippAddString (request, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", NULL,
                cupsUser ());
  ippAddStrings (request, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
                 G_N_ELEMENTS (printer_wanted), NULL, printer_wanted);
  response = cupsDoRequest (CUPS_HTTP_DEFAULT, request, "/");
  if (response == NULL || cupsLastError () > IPP_STATUS_OK_EVENTS_COMPLETE)
    {
      ippDelete (response);
      return FALSE;
    }
  attribute = ippFindAttribute (response, "printer-state", IPP_TAG_ENUM);
  status->printer_state
      = attribute != NULL ? (ipp_pstate_t)ippGetInteger (attribute, 0) : IPP_PSTATE_IDLE;
  clear_status (status);
  status->printer_reasons = get_keywords (response, "printer-state-reasons");
  attribute = ippFindAttribute (response, "printer-state-message", IPP_TAG_TEXT);
  status->printer_message = g_strdup (attribute != NULL ? ippGetString (attribute, 0, NULL) : "");
  ippDelete (response);
  return TRUE;
}

/* Submitting */

/* Sends @document as one job to @printer with the destination API. Returns
 * the job-id, or 0 with @error set. */
static int
create_job (const char *printer, const char *title, const char *format, GBytes *document,
            int num_options, cups_option_t *options, GError **error)
{
  cups_dest_t *dest;
  cups_dinfo_t *info;
  const guint8 *data;
  gsize size;
  int job_id = 0;
  ipp_status_t status;

  /* CUPS keeps its server name and connection per thread, and worker
   * threads are pooled: read CUPS_SERVER or client.conf again, so a job goes
   * to the server named now, not the one a thread first met. */
  cupsSetServer (NULL);
  dest = cupsGetNamedDest (CUPS_HTTP_DEFAULT, printer, NULL);
  if (dest == NULL)
    {
      pb_print_set_error_from_cups (error, printer);
      return 0;
    }
  info = cupsCopyDestInfo (CUPS_HTTP_DEFAULT, dest);
  if (info == NULL)
    {
      pb_print_set_error_from_cups (error, printer);
      cupsFreeDests (1, dest);
      return 0;
    }

  status = cupsCreateDestJob (CUPS_HTTP_DEFAULT, dest, info, &job_id, title, num_options, options);
  if (status > IPP_STATUS_OK_EVENTS_COMPLETE || job_id <= 0)
    {
      pb_print_set_error_from_cups (error, printer);
      job_id = 0;
      goto out;
    }
  if (cupsStartDestDocument (CUPS_HTTP_DEFAULT, dest, info, job_id, title, format, 0, NULL, 1)
      != HTTP_STATUS_CONTINUE)
    goto failed;

  data = g_bytes_get_data (document, &size);
  for (gsize offset = 0; offset < size; offset += WRITE_CHUNK)
    {
      if (cupsWriteRequestData (CUPS_HTTP_DEFAULT, (const char *)data + offset,
                                MIN (WRITE_CHUNK, size - offset))
          != HTTP_STATUS_CONTINUE)
        break;
    }
  if (cupsFinishDestDocument (CUPS_HTTP_DEFAULT, dest, info) > IPP_STATUS_OK_EVENTS_COMPLETE)
    goto failed;
  goto out;

failed:
  pb_print_set_error_from_cups (error, printer);
  purge_job (printer, job_id, NULL);
  job_id = 0;

out:
  cupsFreeDestInfo (info);
  cupsFreeDests (1, dest);
  return job_id;
}

PbPrintJob *
pb_print_job_submit (const PbPrintRequest *request, GCancellable *cancellable, GError **error)
{
  g_autoptr (GBytes) document = NULL;
  cups_option_t *options = NULL;
  const char *title, *format;
  int num_options = 0;
  int job_id;

  g_return_val_if_fail (request != NULL, NULL);
  g_return_val_if_fail (request->printer != NULL && request->printer[0] != '\0', NULL);
  g_return_val_if_fail (request->pdf != NULL, NULL);
  g_return_val_if_fail (request->mode == PB_PRINT_MODE_PDF || request->mode == PB_PRINT_MODE_ZPL
                            || request->mode == PB_PRINT_MODE_DOCUMENT,
                        NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  title = request->title != NULL ? request->title : DEFAULT_TITLE;
  if (request->mode == PB_PRINT_MODE_ZPL)
    {
      document = pb_label_pdf_to_zpl (request->pdf, request->dpi, error);
      if (document == NULL)
        return NULL;
      format = CUPS_FORMAT_RAW;
    }
  else
    {
      if (!pb_label_check_pdf (request->pdf, error))
        return NULL;
      document = g_bytes_ref (request->pdf);
      format = CUPS_FORMAT_PDF;
      /* A document keeps the queue's own paper; a label is 4 x 6 in. */
      if (request->mode == PB_PRINT_MODE_PDF)
        num_options = cupsAddOption ("media", PB_LABEL_MEDIA, num_options, &options);
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      cupsFreeOptions (num_options, options);
      return NULL;
    }

  job_id = create_job (request->printer, title, format, document, num_options, options, error);
  cupsFreeOptions (num_options, options);
  if (job_id == 0)
    return NULL;

  g_debug ("Job %d on %s: %" G_GSIZE_FORMAT " bytes of %s", job_id, request->printer,
           g_bytes_get_size (document), format);
  return g_object_new (PB_TYPE_PRINT_JOB, "printer", request->printer, "id", job_id, NULL);
}

static void
free_request (gpointer data)
{
  PbPrintRequest *request = data;

  g_free ((char *)request->printer);
  g_free ((char *)request->title);
  g_bytes_unref (request->pdf);
  g_free (request);
}

static void
submit_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;
  PbPrintJob *job = pb_print_job_submit (task_data, cancellable, &error);

  if (job == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, job, g_object_unref);
}

void
pb_print_job_submit_async (const PbPrintRequest *request, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  PbPrintRequest *copy;

  g_return_if_fail (request != NULL);
  g_return_if_fail (request->printer != NULL && request->printer[0] != '\0');
  g_return_if_fail (request->pdf != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  copy = g_new0 (PbPrintRequest, 1);
  copy->printer = g_strdup (request->printer);
  copy->mode = request->mode;
  copy->dpi = request->dpi;
  copy->title = g_strdup (request->title);
  copy->pdf = g_bytes_ref (request->pdf);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, pb_print_job_submit_async);
  /* A job CUPS already has is returned even if @cancellable fired
   * meanwhile: the caller must know about a label that is printing. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, copy, free_request);
  g_task_run_in_thread (task, submit_thread);
}

PbPrintJob *
pb_print_job_submit_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pb_print_job_submit_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Watching */

/* Sleeps up to @ms, waking early when @cancellable is cancelled. */
static void
wait_cancellable (GCancellable *cancellable, guint ms)
{
  GPollFD pollfd;

  if (cancellable != NULL && g_cancellable_make_pollfd (cancellable, &pollfd))
    {
      g_poll (&pollfd, 1, (int)ms);
      g_cancellable_release_fd (cancellable);
    }
  else
    {
      g_usleep ((gulong)ms * 1000);
    }
}

/* Ends a watch that failed with @code: the job must not print later. */
static gboolean
fail_job (PbPrintJob *self, PbPrintError code, GError **error)
{
  purge_job_quietly (self);
  pb_print_set_error (error, code);
  return FALSE;
}

gboolean
pb_print_job_watch (PbPrintJob *self, guint timeout_ms, GCancellable *cancellable, GError **error)
{
  gint64 deadline;
  Status status = { 0 };
  gboolean result = FALSE;

  g_return_val_if_fail (PB_IS_PRINT_JOB (self), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (timeout_ms == 0)
    timeout_ms = DEFAULT_TIMEOUT_MS;
  deadline = g_get_monotonic_time () + (gint64)timeout_ms * 1000;

  for (;;)
    {
      GError *printer_error = NULL;
      gint64 now;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        break;

      if (!query_status (self, &status))
        {
          /* A job CUPS no longer knows was purged by someone else. */
          if (cupsLastError () == IPP_STATUS_ERROR_NOT_FOUND)
            {
              g_atomic_int_set (&self->state, PB_PRINT_JOB_STATE_CANCELLED);
              pb_print_set_error (error, PB_PRINT_ERROR_CANCELLED);
            }
          else
            {
              pb_print_set_error_from_cups (error, self->printer);
            }
          break;
        }
      g_atomic_int_set (&self->state, (gint)status.job_state);

      if (status.job_state == IPP_JSTATE_COMPLETED)
        {
          purge_job_quietly (self);
          result = TRUE;
          break;
        }
      if (status.job_state == IPP_JSTATE_CANCELED)
        {
          fail_job (self, PB_PRINT_ERROR_CANCELLED, error);
          break;
        }
      if (status.job_state == IPP_JSTATE_ABORTED)
        {
          fail_job (self, PB_PRINT_ERROR_ABORTED, error);
          break;
        }

      /* A job already queued still prints when the queue stops accepting
       * new ones, so only the printer's own state counts here. */
      if (!pb_print_check_printer_state (status.printer_state, TRUE,
                                         (const char *const *)status.printer_reasons,
                                         &printer_error))
        {
          purge_job_quietly (self);
          g_propagate_error (error, printer_error);
          break;
        }

      now = g_get_monotonic_time ();
      if (now >= deadline)
        {
          /* Whatever the backend says ("connecting-to-device",
           * "offline-report", "The printer may not exist or is unavailable
           * at this time.") or does not say, a label that has not come out
           * in time is a printer the packer has to look at. */
          g_debug (
              "Job %d on %s not done after %u ms: job state %d, printer state %d, "
              "message \"%s\", offline-report %d, connecting-to-device %d",
              self->id, self->printer, timeout_ms, status.job_state, status.printer_state,
              status.printer_message,
              pb_print_reasons_contain ((const char *const *)status.printer_reasons, "offline"),
              pb_print_reasons_contain ((const char *const *)status.printer_reasons,
                                        "connecting-to-device"));
          fail_job (self,
                    status.job_state == IPP_JSTATE_HELD ? PB_PRINT_ERROR_HELD
                                                        : PB_PRINT_ERROR_OFFLINE,
                    error);
          break;
        }
      wait_cancellable (cancellable, (guint)MIN (POLL_INTERVAL_MS, (deadline - now) / 1000 + 1));
    }

  clear_status (&status);
  return result;
}

static void
watch_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;

  if (pb_print_job_watch (source_object, GPOINTER_TO_UINT (task_data), cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
pb_print_job_watch_async (PbPrintJob *self, guint timeout_ms, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (PB_IS_PRINT_JOB (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pb_print_job_watch_async);
  g_task_set_task_data (task, GUINT_TO_POINTER (timeout_ms), NULL);
  g_task_run_in_thread (task, watch_thread);
}

gboolean
pb_print_job_watch_finish (PbPrintJob *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (PB_IS_PRINT_JOB (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pb_print_job_watch_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
pb_print_job_cancel (PbPrintJob *self, GError **error)
{
  g_return_val_if_fail (PB_IS_PRINT_JOB (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return purge_job (self->printer, self->id, error);
}
