/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <openssl/crypto.h>
#include <qrencode.h>
#include <string.h>

#include "pb-qr-code.h"

#define QUIET_ZONE 4
#define MIN_MODULE_PX 4

struct _PbQrCode
{
  GtkWidget parent_instance;

  char *text;
  QRcode *code;
};

G_DEFINE_FINAL_TYPE (PbQrCode, pb_qr_code, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The text is a secret (the URI carries the TOTP key): wipe it. */
static void
clear_code (PbQrCode *self)
{
  if (self->text != NULL)
    {
      OPENSSL_cleanse (self->text, strlen (self->text));
      g_clear_pointer (&self->text, g_free);
    }
  if (self->code != NULL)
    {
      OPENSSL_cleanse (self->code->data, (gsize)self->code->width * self->code->width);
      g_clear_pointer (&self->code, QRcode_free);
    }
}

static void
pb_qr_code_measure (GtkWidget *widget, GtkOrientation orientation, int for_size, int *minimum,
                    int *natural, int *minimum_baseline, int *natural_baseline)
{
  PbQrCode *self = PB_QR_CODE (widget);
  int side = self->code != NULL ? self->code->width + 2 * QUIET_ZONE : 0;

  *minimum = side * MIN_MODULE_PX;
  *natural = side * MIN_MODULE_PX;
}

static void
pb_qr_code_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  PbQrCode *self = PB_QR_CODE (widget);
  const GdkRGBA white = { 1, 1, 1, 1 };
  const GdkRGBA black = { 0, 0, 0, 1 };
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  int side, module, x0, y0;

  if (self->code == NULL)
    return;

  side = self->code->width + 2 * QUIET_ZONE;
  module = MAX (1, MIN (width, height) / side);
  x0 = (width - side * module) / 2;
  y0 = (height - side * module) / 2;

  gtk_snapshot_append_color (snapshot, &white,
                             &GRAPHENE_RECT_INIT (x0, y0, side * module, side * module));
  for (int y = 0; y < self->code->width; y++)
    for (int x = 0; x < self->code->width; x++)
      if (self->code->data[y * self->code->width + x] & 1)
        gtk_snapshot_append_color (snapshot, &black,
                                   &GRAPHENE_RECT_INIT (x0 + (x + QUIET_ZONE) * module,
                                                        y0 + (y + QUIET_ZONE) * module, module,
                                                        module));
}

static void
pb_qr_code_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PbQrCode *self = PB_QR_CODE (object);

  switch (prop_id)
    {
      case PROP_TEXT:
        g_value_set_string (value, self->text);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_qr_code_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  PbQrCode *self = PB_QR_CODE (object);

  switch (prop_id)
    {
      case PROP_TEXT:
        pb_qr_code_set_text (self, g_value_get_string (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_qr_code_finalize (GObject *object)
{
  clear_code (PB_QR_CODE (object));

  G_OBJECT_CLASS (pb_qr_code_parent_class)->finalize (object);
}

static void
pb_qr_code_class_init (PbQrCodeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = pb_qr_code_finalize;
  object_class->get_property = pb_qr_code_get_property;
  object_class->set_property = pb_qr_code_set_property;
  widget_class->measure = pb_qr_code_measure;
  widget_class->snapshot = pb_qr_code_snapshot;

  /**
   * PbQrCode:text:
   *
   * What the code encodes.
   */
  properties[PROP_TEXT]
      = g_param_spec_string ("text", NULL, NULL, NULL,
                             G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
  gtk_widget_class_set_css_name (widget_class, "pb-qr-code");
}

static void
pb_qr_code_init (PbQrCode *self)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("QR code for the authenticator app"), -1);
}

GtkWidget *
pb_qr_code_new (void)
{
  return g_object_new (PB_TYPE_QR_CODE, NULL);
}

void
pb_qr_code_set_text (PbQrCode *self, const char *text)
{
  g_return_if_fail (PB_IS_QR_CODE (self));

  if (g_strcmp0 (self->text, text) == 0)
    return;

  clear_code (self);
  if (text != NULL && *text != '\0')
    {
      self->text = g_strdup (text);
      /* Medium error correction: room for a smudged screen. */
      self->code = QRcode_encodeString8bit (text, 0, QR_ECLEVEL_M);
    }
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
}

const char *
pb_qr_code_get_text (PbQrCode *self)
{
  g_return_val_if_fail (PB_IS_QR_CODE (self), NULL);

  return self->text;
}

guint
pb_qr_code_get_modules (PbQrCode *self)
{
  g_return_val_if_fail (PB_IS_QR_CODE (self), 0);

  return self->code != NULL ? (guint)self->code->width : 0;
}
