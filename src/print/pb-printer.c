/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "pb-printer.h"

#include <stdlib.h>
#include <string.h>

#include <cups/cups.h>

#include "pb-print-private.h"

/* What cupsd calls a queue made with "lpadmin -m raw". */
#define RAW_MAKE_AND_MODEL "Local Raw Printer"

struct _PbPrinter
{
  GObject parent_instance;

  char *name;
  char *description;
  char *make_and_model;
  char *device_uri;
  PbPrinterKind kind;
  PbPrinterState state;
  gboolean is_default;
  gboolean accepting_jobs;
  GStrv state_reasons;
  char *state_message;
  guint resolution;
};

enum
{
  PROP_0,
  PROP_NAME,
  PROP_DESCRIPTION,
  PROP_MAKE_AND_MODEL,
  PROP_DEVICE_URI,
  PROP_KIND,
  PROP_STATE,
  PROP_IS_DEFAULT,
  PROP_ACCEPTING_JOBS,
  PROP_STATE_REASONS,
  PROP_STATE_MESSAGE,
  PROP_RESOLUTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_ENUM_TYPE (PbPrinterKind, pb_printer_kind,
                    G_DEFINE_ENUM_VALUE (PB_PRINTER_KIND_DRIVER, "driver"),
                    G_DEFINE_ENUM_VALUE (PB_PRINTER_KIND_RAW, "raw"))

G_DEFINE_ENUM_TYPE (PbPrinterState, pb_printer_state,
                    G_DEFINE_ENUM_VALUE (PB_PRINTER_STATE_IDLE, "idle"),
                    G_DEFINE_ENUM_VALUE (PB_PRINTER_STATE_PROCESSING, "processing"),
                    G_DEFINE_ENUM_VALUE (PB_PRINTER_STATE_STOPPED, "stopped"))

G_DEFINE_FINAL_TYPE (PbPrinter, pb_printer, G_TYPE_OBJECT)

static void
pb_printer_finalize (GObject *object)
{
  PbPrinter *self = PB_PRINTER (object);

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->description, g_free);
  g_clear_pointer (&self->make_and_model, g_free);
  g_clear_pointer (&self->device_uri, g_free);
  g_clear_pointer (&self->state_reasons, g_strfreev);
  g_clear_pointer (&self->state_message, g_free);

  G_OBJECT_CLASS (pb_printer_parent_class)->finalize (object);
}

static void
pb_printer_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PbPrinter *self = PB_PRINTER (object);

  switch (prop_id)
    {
      case PROP_NAME:
        g_value_set_string (value, self->name);
        break;
      case PROP_DESCRIPTION:
        g_value_set_string (value, self->description);
        break;
      case PROP_MAKE_AND_MODEL:
        g_value_set_string (value, self->make_and_model);
        break;
      case PROP_DEVICE_URI:
        g_value_set_string (value, self->device_uri);
        break;
      case PROP_KIND:
        g_value_set_enum (value, self->kind);
        break;
      case PROP_STATE:
        g_value_set_enum (value, self->state);
        break;
      case PROP_IS_DEFAULT:
        g_value_set_boolean (value, self->is_default);
        break;
      case PROP_ACCEPTING_JOBS:
        g_value_set_boolean (value, self->accepting_jobs);
        break;
      case PROP_STATE_REASONS:
        g_value_set_boxed (value, self->state_reasons);
        break;
      case PROP_STATE_MESSAGE:
        g_value_set_string (value, self->state_message);
        break;
      case PROP_RESOLUTION:
        g_value_set_uint (value, self->resolution);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_printer_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  PbPrinter *self = PB_PRINTER (object);

  /* All construct-only: a printer is a snapshot. */
  switch (prop_id)
    {
      case PROP_NAME:
        self->name = g_value_dup_string (value);
        break;
      case PROP_DESCRIPTION:
        self->description = g_value_dup_string (value);
        break;
      case PROP_MAKE_AND_MODEL:
        self->make_and_model = g_value_dup_string (value);
        break;
      case PROP_DEVICE_URI:
        self->device_uri = g_value_dup_string (value);
        break;
      case PROP_KIND:
        self->kind = g_value_get_enum (value);
        break;
      case PROP_STATE:
        self->state = g_value_get_enum (value);
        break;
      case PROP_IS_DEFAULT:
        self->is_default = g_value_get_boolean (value);
        break;
      case PROP_ACCEPTING_JOBS:
        self->accepting_jobs = g_value_get_boolean (value);
        break;
      case PROP_STATE_REASONS:
        self->state_reasons = g_value_dup_boxed (value);
        break;
      case PROP_STATE_MESSAGE:
        self->state_message = g_value_dup_string (value);
        break;
      case PROP_RESOLUTION:
        self->resolution = g_value_get_uint (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_printer_constructed (GObject *object)
{
  PbPrinter *self = PB_PRINTER (object);

  G_OBJECT_CLASS (pb_printer_parent_class)->constructed (object);

  /* The getters promise strings and a list, never NULL. */
  if (self->name == NULL)
    self->name = g_strdup ("");
  if (self->description == NULL || self->description[0] == '\0')
    {
      g_free (self->description);
      self->description = g_strdup (self->name);
    }
  if (self->make_and_model == NULL)
    self->make_and_model = g_strdup ("");
  if (self->device_uri == NULL)
    self->device_uri = g_strdup ("");
  if (self->state_message == NULL)
    self->state_message = g_strdup ("");
  if (self->state_reasons == NULL)
    self->state_reasons = g_new0 (char *, 1);
}

static void
pb_printer_class_init (PbPrinterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_EXPLICIT_NOTIFY
                      | G_PARAM_STATIC_STRINGS;

  object_class->finalize = pb_printer_finalize;
  object_class->get_property = pb_printer_get_property;
  object_class->set_property = pb_printer_set_property;
  object_class->constructed = pb_printer_constructed;

  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_DESCRIPTION] = g_param_spec_string ("description", NULL, NULL, NULL, flags);
  properties[PROP_MAKE_AND_MODEL] = g_param_spec_string ("make-and-model", NULL, NULL, NULL, flags);
  properties[PROP_DEVICE_URI] = g_param_spec_string ("device-uri", NULL, NULL, NULL, flags);
  properties[PROP_KIND]
      = g_param_spec_enum ("kind", NULL, NULL, PB_TYPE_PRINTER_KIND, PB_PRINTER_KIND_DRIVER, flags);
  properties[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, PB_TYPE_PRINTER_STATE,
                                              PB_PRINTER_STATE_IDLE, flags);
  properties[PROP_IS_DEFAULT] = g_param_spec_boolean ("is-default", NULL, NULL, FALSE, flags);
  properties[PROP_ACCEPTING_JOBS]
      = g_param_spec_boolean ("accepting-jobs", NULL, NULL, TRUE, flags);
  properties[PROP_STATE_REASONS]
      = g_param_spec_boxed ("state-reasons", NULL, NULL, G_TYPE_STRV, flags);
  properties[PROP_STATE_MESSAGE] = g_param_spec_string ("state-message", NULL, NULL, NULL, flags);
  properties[PROP_RESOLUTION]
      = g_param_spec_uint ("resolution", NULL, NULL, 0, G_MAXUINT, 0, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pb_printer_init (PbPrinter *self)
{
  self->state = PB_PRINTER_STATE_IDLE;
  self->accepting_jobs = TRUE;
}

/* Getters */

const char *
pb_printer_get_name (PbPrinter *self)
{
  g_return_val_if_fail (PB_IS_PRINTER (self), NULL);
  return self->name;
}

const char *
pb_printer_get_description (PbPrinter *self)
{
  g_return_val_if_fail (PB_IS_PRINTER (self), NULL);
  return self->description;
}

const char *
pb_printer_get_make_and_model (PbPrinter *self)
{
  g_return_val_if_fail (PB_IS_PRINTER (self), NULL);
  return self->make_and_model;
}

const char *
pb_printer_get_device_uri (PbPrinter *self)
{
  g_return_val_if_fail (PB_IS_PRINTER (self), NULL);
  return self->device_uri;
}

PbPrinterKind
pb_printer_get_kind (PbPrinter *self)
{
  g_return_val_if_fail (PB_IS_PRINTER (self), PB_PRINTER_KIND_DRIVER);
  return self->kind;
}

PbPrinterState
pb_printer_get_state (PbPrinter *self)
{
  g_return_val_if_fail (PB_IS_PRINTER (self), PB_PRINTER_STATE_IDLE);
  return self->state;
}

gboolean
pb_printer_get_is_default (PbPrinter *self)
{
  g_return_val_if_fail (PB_IS_PRINTER (self), FALSE);
  return self->is_default;
}

gboolean
pb_printer_get_accepting_jobs (PbPrinter *self)
{
  g_return_val_if_fail (PB_IS_PRINTER (self), FALSE);
  return self->accepting_jobs;
}

const char *const *
pb_printer_get_state_reasons (PbPrinter *self)
{
  g_return_val_if_fail (PB_IS_PRINTER (self), NULL);
  return (const char *const *)self->state_reasons;
}

const char *
pb_printer_get_state_message (PbPrinter *self)
{
  g_return_val_if_fail (PB_IS_PRINTER (self), NULL);
  return self->state_message;
}

guint
pb_printer_get_resolution (PbPrinter *self)
{
  g_return_val_if_fail (PB_IS_PRINTER (self), 0);
  return self->resolution;
}

gboolean
pb_printer_check_ready (PbPrinter *self, GError **error)
{
  g_return_val_if_fail (PB_IS_PRINTER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return pb_print_check_printer_state ((ipp_pstate_t)self->state, self->accepting_jobs,
                                       (const char *const *)self->state_reasons, error);
}

/* From CUPS */

static PbPrinterKind
kind_for (const char *make_and_model, gboolean has_commands)
{
  if (make_and_model != NULL && strcmp (make_and_model, RAW_MAKE_AND_MODEL) == 0)
    return PB_PRINTER_KIND_RAW;
  /* A queue whose make and model CUPS does not know and that has no PPD
   * (printer-commands comes from one) passes jobs through. */
  if ((make_and_model == NULL || make_and_model[0] == '\0') && !has_commands)
    return PB_PRINTER_KIND_RAW;
  return PB_PRINTER_KIND_DRIVER;
}

static PbPrinterState
state_for (int value)
{
  switch (value)
    {
      case IPP_PSTATE_PROCESSING:
        return PB_PRINTER_STATE_PROCESSING;
      case IPP_PSTATE_STOPPED:
        return PB_PRINTER_STATE_STOPPED;
      case IPP_PSTATE_IDLE:
      default:
        return PB_PRINTER_STATE_IDLE;
    }
}

/* "a,b" → {"a", "b"}; "none" and "" → {}. */
static GStrv
split_reasons (const char *reasons)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  if (reasons != NULL)
    {
      g_auto (GStrv) parts = g_strsplit (reasons, ",", -1);

      for (gsize i = 0; parts[i] != NULL; i++)
        {
          char *reason = g_strstrip (parts[i]);

          if (reason[0] != '\0' && strcmp (reason, "none") != 0)
            g_strv_builder_add (builder, reason);
        }
    }
  return g_strv_builder_end (builder);
}

static PbPrinter *
printer_new_from_dest (cups_dest_t *dest, const char *state_message, guint resolution)
{
  const char *make_and_model
      = cupsGetOption ("printer-make-and-model", dest->num_options, dest->options);
  const char *state = cupsGetOption ("printer-state", dest->num_options, dest->options);
  const char *accepting
      = cupsGetOption ("printer-is-accepting-jobs", dest->num_options, dest->options);
  gboolean has_commands
      = cupsGetOption ("printer-commands", dest->num_options, dest->options) != NULL;
  g_autofree char *device_uri
      = pb_print_redact_device_uri (cupsGetOption ("device-uri", dest->num_options, dest->options));
  g_auto (GStrv) reasons
      = split_reasons (cupsGetOption ("printer-state-reasons", dest->num_options, dest->options));

  return g_object_new (PB_TYPE_PRINTER, "name", dest->name, "description",
                       cupsGetOption ("printer-info", dest->num_options, dest->options),
                       "make-and-model", make_and_model, "device-uri", device_uri, "kind",
                       kind_for (make_and_model, has_commands), "state",
                       state_for (state != NULL ? atoi (state) : IPP_PSTATE_IDLE), "is-default",
                       dest->is_default != 0, "accepting-jobs",
                       accepting == NULL || strcmp (accepting, "false") != 0, "state-reasons",
                       reasons, "state-message", state_message, "resolution", resolution, NULL);
}

static int
compare_printers (gconstpointer a, gconstpointer b)
{
  PbPrinter *x = *(PbPrinter *const *)a;
  PbPrinter *y = *(PbPrinter *const *)b;

  return g_ascii_strcasecmp (x->name, y->name);
}

GPtrArray *
pb_printer_list (GCancellable *cancellable, GError **error)
{
  g_autoptr (GPtrArray) printers = g_ptr_array_new_with_free_func (g_object_unref);
  cups_dest_t *dests = NULL;
  int count;

  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  cupsSetServer (NULL); /* as in pb-print-job.c: not a pooled thread's old server */
  count = cupsGetDests2 (CUPS_HTTP_DEFAULT, &dests);
  if (count == 0)
    {
      ipp_status_t status = cupsLastError ();

      /* No destinations is an answer (CUPS-Get-Printers says not-found);
       * no answer is an error. */
      if (status > IPP_STATUS_OK_EVENTS_COMPLETE && status != IPP_STATUS_ERROR_NOT_FOUND)
        {
          pb_print_set_error_from_cups (error, NULL);
          return NULL;
        }
    }
  for (int i = 0; i < count; i++)
    g_ptr_array_add (printers, printer_new_from_dest (&dests[i], NULL, 0));
  cupsFreeDests (count, dests);

  g_ptr_array_sort (printers, compare_printers);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  return g_steal_pointer (&printers);
}

/* printer-state-message and printer-resolution-default of @name, which
 * cupsGetDests2 leaves out. Returns FALSE with cupsLastError() set when the
 * request fails. */
static gboolean
get_printer_details (const char *name, char **state_message, guint *resolution)
{
  static const char *const wanted[] = { "printer-state-message", "printer-resolution-default" };
  char uri[HTTP_MAX_URI];
  ipp_t *request, *response;
  ipp_attribute_t *attribute;

  httpAssembleURIf (HTTP_URI_CODING_ALL, uri, sizeof uri, "ipp", NULL, "localhost", ippPort (),
                    "/printers/%s", name);
  request = ippNewRequest (IPP_OP_GET_PRINTER_ATTRIBUTES);
  ippAddString (request, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", NULL, uri);
  ippAddString (request, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", NULL,
                cupsUser ());
  ippAddStrings (request, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
                 G_N_ELEMENTS (wanted), NULL, wanted);
  response = cupsDoRequest (CUPS_HTTP_DEFAULT, request, "/");
  if (response == NULL || cupsLastError () > IPP_STATUS_OK_EVENTS_COMPLETE)
    {
      ippDelete (response);
      return FALSE;
    }

  attribute = ippFindAttribute (response, "printer-state-message", IPP_TAG_TEXT);
  *state_message = g_strdup (attribute != NULL ? ippGetString (attribute, 0, NULL) : "");

  *resolution = 0;
  attribute = ippFindAttribute (response, "printer-resolution-default", IPP_TAG_RESOLUTION);
  if (attribute != NULL)
    {
      ipp_res_t units;
      int y_resolution;
      int x_resolution = ippGetResolution (attribute, 0, &y_resolution, &units);

      if (x_resolution > 0)
        *resolution
            = units == IPP_RES_PER_CM ? (guint)(x_resolution * 2.54 + 0.5) : (guint)x_resolution;
    }
  ippDelete (response);
  return TRUE;
}

PbPrinter *
pb_printer_lookup (const char *name, GCancellable *cancellable, GError **error)
{
  g_autofree char *state_message = NULL;
  cups_dest_t *dest;
  PbPrinter *printer;
  guint resolution = 0;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  dest = cupsGetNamedDest (CUPS_HTTP_DEFAULT, name, NULL);
  if (dest == NULL)
    {
      pb_print_set_error_from_cups (error, name);
      return NULL;
    }
  if (!get_printer_details (name, &state_message, &resolution))
    {
      cupsFreeDests (1, dest);
      pb_print_set_error_from_cups (error, name);
      return NULL;
    }
  /* cupsGetNamedDest() marks the default only when asked for it. */
  if (!dest->is_default)
    {
      cups_dest_t *default_dest = cupsGetNamedDest (CUPS_HTTP_DEFAULT, NULL, NULL);

      dest->is_default = default_dest != NULL && strcmp (default_dest->name, name) == 0;
      cupsFreeDests (default_dest != NULL ? 1 : 0, default_dest);
    }
  printer = printer_new_from_dest (dest, state_message, resolution);
  cupsFreeDests (1, dest);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      g_object_unref (printer);
      return NULL;
    }
  return printer;
}

/* Async */

static void
list_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *printers = pb_printer_list (cancellable, &error);

  if (printers == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, printers, (GDestroyNotify)g_ptr_array_unref);
}

void
pb_printer_list_async (GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, pb_printer_list_async);
  g_task_run_in_thread (task, list_thread);
}

GPtrArray *
pb_printer_list_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pb_printer_list_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
lookup_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;
  PbPrinter *printer = pb_printer_lookup (task_data, cancellable, &error);

  if (printer == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, printer, g_object_unref);
}

void
pb_printer_lookup_async (const char *name, GCancellable *cancellable, GAsyncReadyCallback callback,
                         gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (name != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, pb_printer_lookup_async);
  g_task_set_task_data (task, g_strdup (name), g_free);
  g_task_run_in_thread (task, lookup_thread);
}

PbPrinter *
pb_printer_lookup_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pb_printer_lookup_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
