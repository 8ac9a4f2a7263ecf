/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/*
 * A QR code of some text (the otpauth:// URI of a second-factor
 * enrolment), drawn as black modules on white with the four-module quiet
 * zone scanners need, as large as whole pixels allow.
 */

#define PB_TYPE_QR_CODE (pb_qr_code_get_type ())
G_DECLARE_FINAL_TYPE (PbQrCode, pb_qr_code, PB, QR_CODE, GtkWidget)

GtkWidget *pb_qr_code_new (void);

/* NULL or "" shows nothing. Text too long for a QR code shows nothing. */
void pb_qr_code_set_text (PbQrCode *self, const char *text);
const char *pb_qr_code_get_text (PbQrCode *self);

/* Modules per side without the quiet zone; 0 when there is no code. */
guint pb_qr_code_get_modules (PbQrCode *self);

G_END_DECLS
