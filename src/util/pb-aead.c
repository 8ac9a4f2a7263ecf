/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <openssl/evp.h>
#include <string.h>

#include "pb-aead.h"
#include "pb-secure.h"

#define NONCE_LEN 12
#define TAG_LEN 16

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_CIPHER_CTX, EVP_CIPHER_CTX_free)

char *
pb_aead_seal_text (const guint8 *key, const char *aad, const char *plaintext)
{
  g_autoptr (EVP_CIPHER_CTX) ctx = EVP_CIPHER_CTX_new ();
  gsize length = strlen (plaintext);
  g_autofree guint8 *out = g_malloc (NONCE_LEN + length + TAG_LEN);
  int n = 0, final = 0;

  pb_random_bytes (out, NONCE_LEN);
  if (ctx == NULL || EVP_EncryptInit_ex (ctx, EVP_aes_256_gcm (), NULL, key, out) != 1
      || EVP_EncryptUpdate (ctx, NULL, &n, (const guint8 *)aad, (int)strlen (aad)) != 1
      || EVP_EncryptUpdate (ctx, out + NONCE_LEN, &n, (const guint8 *)plaintext, (int)length) != 1
      || EVP_EncryptFinal_ex (ctx, out + NONCE_LEN + n, &final) != 1
      || EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_GET_TAG, TAG_LEN, out + NONCE_LEN + length) != 1)
    g_error ("AES-256-GCM failed in OpenSSL");
  return g_base64_encode (out, NONCE_LEN + length + TAG_LEN);
}

char *
pb_aead_open_text (const guint8 *key, const char *aad, const char *sealed, GError **error)
{
  g_autoptr (EVP_CIPHER_CTX) ctx = EVP_CIPHER_CTX_new ();
  gsize size = 0;
  g_autofree guint8 *in = g_base64_decode (sealed, &size);
  char *plain;
  int n = 0, final = 0;
  gsize length;

  if (in == NULL || size < NONCE_LEN + TAG_LEN)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _ ("An encrypted value is damaged."));
      return NULL;
    }
  length = size - NONCE_LEN - TAG_LEN;
  plain = g_malloc0 (length + 1);
  if (ctx == NULL || EVP_DecryptInit_ex (ctx, EVP_aes_256_gcm (), NULL, key, in) != 1
      || EVP_DecryptUpdate (ctx, NULL, &n, (const guint8 *)aad, (int)strlen (aad)) != 1
      || EVP_DecryptUpdate (ctx, (guint8 *)plain, &n, in + NONCE_LEN, (int)length) != 1
      || EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_SET_TAG, TAG_LEN, in + NONCE_LEN + length) != 1
      || EVP_DecryptFinal_ex (ctx, (guint8 *)plain + n, &final) != 1)
    {
      pb_secure_wipe (plain, length);
      g_free (plain);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _ ("An encrypted value does not open with this key."));
      return NULL;
    }
  plain[length] = '\0';
  return plain;
}
