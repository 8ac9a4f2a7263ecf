/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * print/: what the packer is told for each printer condition, and the
 * device URIs shown to people. The same mapping runs against a real cupsd
 * in tests/integration/test-print.c; here every case is spelled out.
 */
#include "config.h"

#include <string.h>

#include "print/pb-print-error.h"
#include "print/pb-print-private.h"

static void
test_messages (void)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (int code = PB_PRINT_ERROR_NO_SERVER; code <= PB_PRINT_ERROR_FAILED; code++)
    {
      const char *message = pb_print_error_message (code);

      /* A sentence of its own for every condition. */
      g_assert_nonnull (message);
      g_assert_cmpuint (strlen (message), >, 20);
      g_assert_true (g_str_has_suffix (message, "."));
      g_assert_false (g_hash_table_contains (seen, message));
      g_hash_table_add (seen, (gpointer)message);
    }
  g_assert_cmpstr (pb_print_error_message (PB_PRINT_ERROR_OFFLINE), ==,
                   "The label printer is not answering. Check it is switched on and connected; "
                   "the label is kept and can be reprinted.");
  g_assert_cmpstr (pb_print_error_message (PB_PRINT_ERROR_MEDIA_EMPTY), ==,
                   "The label printer is out of labels.");
}

static void
test_reasons (void)
{
  const char *const reasons[] = { "media-empty-error", "offline-report", "cover-open", NULL };
  const char *const lookalikes[] = { "media-emptyish", "media-empty-warningx", "media", NULL };

  g_assert_true (pb_print_reasons_contain (reasons, "media-empty"));
  g_assert_true (pb_print_reasons_contain (reasons, "offline"));
  g_assert_true (pb_print_reasons_contain (reasons, "cover-open"));
  g_assert_false (pb_print_reasons_contain (reasons, "media"));
  g_assert_false (pb_print_reasons_contain (reasons, "media-jam"));
  g_assert_false (pb_print_reasons_contain (lookalikes, "media-empty"));
  g_assert_false (pb_print_reasons_contain (NULL, "media-empty"));
}

static void
test_printer_state (void)
{
  static const struct
  {
    ipp_pstate_t state;
    gboolean accepting;
    const char *reasons[3];
    int expected; /* -1: ready */
  } cases[] = {
    { IPP_PSTATE_IDLE, TRUE, { NULL }, -1 },
    { IPP_PSTATE_PROCESSING, TRUE, { "connecting-to-device", NULL }, -1 },
    { IPP_PSTATE_PROCESSING, TRUE, { "offline-report", NULL }, -1 },
    { IPP_PSTATE_IDLE, TRUE, { "media-empty-error", NULL }, PB_PRINT_ERROR_MEDIA_EMPTY },
    { IPP_PSTATE_IDLE, TRUE, { "media-needed-warning", NULL }, PB_PRINT_ERROR_MEDIA_EMPTY },
    { IPP_PSTATE_IDLE, TRUE, { "toner-low", "media-needed", NULL }, PB_PRINT_ERROR_MEDIA_EMPTY },
    { IPP_PSTATE_IDLE, TRUE, { "media-jam-error", NULL }, PB_PRINT_ERROR_MEDIA_JAM },
    { IPP_PSTATE_IDLE, TRUE, { "cover-open-report", NULL }, PB_PRINT_ERROR_COVER_OPEN },
    { IPP_PSTATE_IDLE, TRUE, { "door-open", NULL }, PB_PRINT_ERROR_COVER_OPEN },
    { IPP_PSTATE_STOPPED, TRUE, { "paused", NULL }, PB_PRINT_ERROR_PAUSED },
    { IPP_PSTATE_IDLE, FALSE, { NULL }, PB_PRINT_ERROR_PAUSED },
    /* What the packer can fix at the printer comes before the queue. */
    { IPP_PSTATE_STOPPED, TRUE, { "media-empty-error", NULL }, PB_PRINT_ERROR_MEDIA_EMPTY },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      gboolean ready = pb_print_check_printer_state (cases[i].state, cases[i].accepting,
                                                     cases[i].reasons, &error);

      g_test_message ("case %zu", i);
      if (cases[i].expected < 0)
        {
          g_assert_no_error (error);
          g_assert_true (ready);
        }
      else
        {
          g_assert_false (ready);
          g_assert_error (error, PB_PRINT_ERROR, cases[i].expected);
          g_assert_cmpstr (error->message, ==, pb_print_error_message (cases[i].expected));
        }
    }
}

static void
test_redact_device_uri (void)
{
  static const char *const kept[] = {
    "socket://192.0.2.7:9100",
    "usb://Zebra%20Technologies/ZTC%20ZD421-203dpi?serial=D4J201234567",
    "ipp://printer.local:631/ipp/print",
  };
  g_autofree char *ipp
      = pb_print_redact_device_uri ("ipp://bench:hunter2@printer.local:631/ipp/print");
  g_autofree char *smb = pb_print_redact_device_uri ("smb://WORKGROUP;bench:hunter2@server/zebra");
  g_autofree char *none = pb_print_redact_device_uri (NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (kept); i++)
    {
      g_autofree char *same = pb_print_redact_device_uri (kept[i]);
      g_assert_cmpstr (same, ==, kept[i]);
    }
  g_assert_null (strstr (ipp, "hunter2"));
  g_assert_null (strstr (ipp, "bench"));
  g_assert_true (g_str_has_prefix (ipp, "ipp://printer.local"));
  g_assert_true (g_str_has_suffix (ipp, "/ipp/print"));
  g_assert_null (strstr (smb, "hunter2"));
  g_assert_true (g_str_has_prefix (smb, "smb://server"));
  g_assert_cmpstr (none, ==, "");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/print-error/messages", test_messages);
  g_test_add_func ("/print-error/reasons", test_reasons);
  g_test_add_func ("/print-error/printer-state", test_printer_state);
  g_test_add_func ("/print-error/redact-device-uri", test_redact_device_uri);

  return g_test_run ();
}
