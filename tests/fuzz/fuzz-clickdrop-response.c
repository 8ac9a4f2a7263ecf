/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Click & Drop response readers meet whatever the network brings. */
#include "config.h"

#include <string.h>

#include "royalmail/pb-royalmail-parse.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
check_pdf (GBytes *pdf)
{
  gsize length = 0;
  const char *bytes = g_bytes_get_data (pdf, &length);

  g_assert (length >= 5 && memcmp (bytes, "%PDF-", 5) == 0);
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  const char *text = (const char *)data;
  g_autoptr (PbRoyalMailOrder) created = NULL;
  g_autoptr (GPtrArray) orders = NULL;
  g_autoptr (GBytes) manifest = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *errors = NULL;
  g_autofree char *copy = NULL;
  PbRoyalMailManifestStatus status;
  gint64 number = 0;

  created = pb_royalmail_parse_create_response (text, size, &error);
  g_assert ((created == NULL) == (error != NULL));
  if (created != NULL)
    {
      g_assert (created->order_identifier > 0);
      if (created->label != NULL)
        check_pdf (created->label);
    }
  else
    g_assert (error->domain == PB_ROYALMAIL_ERROR && error->message != NULL);
  g_clear_error (&error);

  orders = pb_royalmail_parse_orders (text, size, &error);
  g_assert ((orders == NULL) == (error != NULL));
  for (guint i = 0; orders != NULL && i < orders->len; i++)
    {
      PbRoyalMailOrder *order = g_ptr_array_index (orders, i);

      g_assert (order->order_identifier > 0);
      g_assert (order->tracking_number == NULL || *order->tracking_number != '\0');
    }
  g_clear_error (&error);

  if (pb_royalmail_parse_manifest (text, size, &number, &status, &manifest, &error))
    {
      g_assert (error == NULL);
      g_assert ((status == PB_ROYALMAIL_MANIFEST_COMPLETED) == (manifest != NULL));
      if (manifest != NULL)
        check_pdf (manifest);
    }
  else
    g_assert (error != NULL);
  g_clear_error (&error);

  if (!pb_royalmail_parse_delete_response (text, size, 1000001, &error))
    g_assert (error != NULL);
  g_clear_error (&error);

  errors = pb_royalmail_parse_errors (text, size);
  g_assert (errors == NULL || *errors != '\0');

  /* The label text itself, as base64. */
  copy = g_strndup (text, size);
  {
    g_autoptr (GBytes) pdf = pb_royalmail_decode_pdf (copy);

    if (pdf != NULL)
      check_pdf (pdf);
  }
  return 0;
}
