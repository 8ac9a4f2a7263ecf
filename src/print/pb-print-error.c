/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "pb-print-error.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "pb-print-private.h"
#include "util/pb-secure.h"

G_DEFINE_QUARK (pb - print - error - quark, pb_print_error)

const char *
pb_print_error_message (PbPrintError code)
{
  switch (code)
    {
      case PB_PRINT_ERROR_NO_SERVER:
        return _ ("The printing system (CUPS) is not running on this computer. Ask IT to start "
                  "it; the label is kept and can be reprinted.");
      case PB_PRINT_ERROR_NOT_FOUND:
        return _ ("The label printer is not set up in the printing system (CUPS). Ask a "
                  "supervisor to choose the label printer again; the label is kept and can be "
                  "reprinted.");
      case PB_PRINT_ERROR_PAUSED:
        return _ ("The label printer is paused in the printing system (CUPS). Ask a supervisor "
                  "to resume it; the label is kept and can be reprinted.");
      case PB_PRINT_ERROR_OFFLINE:
        return _ ("The label printer is not answering. Check it is switched on and connected; "
                  "the label is kept and can be reprinted.");
      case PB_PRINT_ERROR_MEDIA_EMPTY:
        return _ ("The label printer is out of labels.");
      case PB_PRINT_ERROR_MEDIA_JAM:
        return _ ("The labels are jammed in the printer. Clear the jam; the label is kept and can "
                  "be reprinted.");
      case PB_PRINT_ERROR_COVER_OPEN:
        return _ ("The label printer’s cover is open. Close it; the label is kept and can be "
                  "reprinted.");
      case PB_PRINT_ERROR_HELD:
        return _ ("The printing system (CUPS) held the label instead of printing it. Ask a "
                  "supervisor to check the printer; the label is kept and can be reprinted.");
      case PB_PRINT_ERROR_ABORTED:
        return _ ("The printing system (CUPS) gave up on the label. Reprint it; if that fails "
                  "too, ask a supervisor to check the printer.");
      case PB_PRINT_ERROR_CANCELLED:
        return _ ("The label was cancelled in the printing system (CUPS) before it printed. It "
                  "is kept and can be reprinted.");
      case PB_PRINT_ERROR_INVALID_LABEL:
        return _ ("The label document cannot be read, so it was not printed.");
      case PB_PRINT_ERROR_UNSUPPORTED:
        return _ ("The label printer’s settings cannot be printed with. Ask a supervisor to "
                  "check its mode and resolution.");
      case PB_PRINT_ERROR_FAILED:
      default:
        return _ ("The printing system (CUPS) refused the label. Ask a supervisor to check the "
                  "printer; the label is kept and can be reprinted.");
    }
}

void
pb_print_set_error (GError **error, PbPrintError code)
{
  g_set_error_literal (error, PB_PRINT_ERROR, code, pb_print_error_message (code));
}

/* Whether the CUPS server answers at all. libcups reports a scheduler that
 * is not running in several ways (not-found from cupsGetNamedDest,
 * internal-error with errno's text from cupsCreateJob), so a failed
 * request is followed by this plain connection attempt. */
static gboolean
server_reachable (void)
{
  http_t *http
      = httpConnect2 (cupsServer (), ippPort (), NULL, AF_UNSPEC, cupsEncryption (), 1, 5000, NULL);

  if (http == NULL)
    return FALSE;
  httpClose (http);
  return TRUE;
}

void
pb_print_set_error_from_cups (GError **error, const char *printer)
{
  ipp_status_t status = cupsLastError ();
  g_autofree char *details = g_strdup (cupsLastErrorString ());

  if (!server_reachable ())
    {
      pb_print_set_error (error, PB_PRINT_ERROR_NO_SERVER);
      return;
    }

  switch (status)
    {
      case IPP_STATUS_ERROR_NOT_FOUND:
        pb_print_set_error (error, PB_PRINT_ERROR_NOT_FOUND);
        break;
      case IPP_STATUS_ERROR_NOT_ACCEPTING_JOBS:
      case IPP_STATUS_ERROR_PRINTER_IS_DEACTIVATED:
        pb_print_set_error (error, PB_PRINT_ERROR_PAUSED);
        break;
      case IPP_STATUS_ERROR_SERVICE_UNAVAILABLE:
      case IPP_STATUS_ERROR_TIMEOUT:
        pb_print_set_error (error, PB_PRINT_ERROR_NO_SERVER);
        break;
      default:
        /* CUPS's own words (no label content is in them) help whoever fixes
         * it. */
        g_set_error (error, PB_PRINT_ERROR, PB_PRINT_ERROR_FAILED, "%s (%s: %s)",
                     pb_print_error_message (PB_PRINT_ERROR_FAILED), printer ? printer : "CUPS",
                     details != NULL ? details : "");
        break;
    }
}

gboolean
pb_print_reasons_contain (const char *const *reasons, const char *keyword)
{
  gsize length = strlen (keyword);

  for (gsize i = 0; reasons != NULL && reasons[i] != NULL; i++)
    {
      const char *reason = reasons[i];

      if (strncmp (reason, keyword, length) != 0)
        continue;
      if (reason[length] == '\0' || strcmp (reason + length, "-error") == 0
          || strcmp (reason + length, "-warning") == 0 || strcmp (reason + length, "-report") == 0)
        return TRUE;
    }
  return FALSE;
}

gboolean
pb_print_check_printer_state (ipp_pstate_t state, gboolean accepting, const char *const *reasons,
                              GError **error)
{
  /* Conditions a person has to put right at the printer come first: they
   * are what stops a printer that CUPS has also stopped. */
  if (pb_print_reasons_contain (reasons, "media-empty")
      || pb_print_reasons_contain (reasons, "media-needed"))
    {
      pb_print_set_error (error, PB_PRINT_ERROR_MEDIA_EMPTY);
      return FALSE;
    }
  if (pb_print_reasons_contain (reasons, "media-jam"))
    {
      pb_print_set_error (error, PB_PRINT_ERROR_MEDIA_JAM);
      return FALSE;
    }
  if (pb_print_reasons_contain (reasons, "cover-open")
      || pb_print_reasons_contain (reasons, "door-open"))
    {
      pb_print_set_error (error, PB_PRINT_ERROR_COVER_OPEN);
      return FALSE;
    }
  if (state == IPP_PSTATE_STOPPED || !accepting)
    {
      pb_print_set_error (error, PB_PRINT_ERROR_PAUSED);
      return FALSE;
    }
  return TRUE;
}

char *
pb_print_redact_device_uri (const char *uri)
{
  char scheme[HTTP_MAX_URI], userpass[HTTP_MAX_URI], host[HTTP_MAX_URI], resource[HTTP_MAX_URI];
  char clean[HTTP_MAX_URI];
  int port = 0;

  if (uri == NULL)
    return g_strdup ("");
  if (httpSeparateURI (HTTP_URI_CODING_NONE, uri, scheme, sizeof scheme, userpass, sizeof userpass,
                       host, sizeof host, &port, resource, sizeof resource)
      < HTTP_URI_STATUS_OK)
    {
      /* Not a URI CUPS can parse: keep only the scheme, which may not hide
       * anything. */
      const char *colon = strchr (uri, ':');
      return colon != NULL ? g_strndup (uri, (gsize)(colon - uri + 1)) : g_strdup ("");
    }
  if (userpass[0] == '\0')
    return g_strdup (uri);
  if (httpAssembleURI (HTTP_URI_CODING_NONE, clean, sizeof clean, scheme, NULL, host, port,
                       resource)
      < HTTP_URI_STATUS_OK)
    return g_strdup ("");
  return g_strdup (clean);
}

typedef struct
{
  gpointer data;
  gsize size;
} Secret;

static void
free_secret (gpointer user_data)
{
  Secret *secret = user_data;

  pb_secure_wipe (secret->data, secret->size);
  g_free (secret->data);
  g_free (secret);
}

GBytes *
pb_print_bytes_new_wiped (gpointer data, gsize size)
{
  Secret *secret = g_new (Secret, 1);

  secret->data = data;
  secret->size = size;
  return g_bytes_new_with_free_func (data, size, free_secret, secret);
}
