/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * AES-256-GCM for small texts kept outside the encrypted store (the site
 * database): a fresh random 96-bit nonce each time; the result is base64
 * of nonce ‖ ciphertext ‖ 128-bit tag. @aad binds the text to where it
 * belongs (e.g. the row it is in), so it cannot be moved to another.
 */
#define PB_AEAD_KEY_LEN 32

/* Free the result of open with pb_secure_free_string. */
char *pb_aead_seal_text (const guint8 *key, const char *aad, const char *plaintext);
/* NULL with G_IO_ERROR_INVALID_DATA when it does not verify. */
char *pb_aead_open_text (const guint8 *key, const char *aad, const char *sealed, GError **error);

G_END_DECLS
