/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "pb-keyslots-private.h"
#include "util/pb-secure.h"

#define SEAL_INFO "packbench-seal-v2"
#define SEAL_KEY_LEN 32

gboolean
pb_keyslots_x25519_generate (guint8 *private_key, guint8 *public_key)
{
  EVP_PKEY *pkey = EVP_PKEY_Q_keygen (NULL, NULL, "X25519");
  size_t private_len = PB_X25519_LEN;
  size_t public_len = PB_X25519_LEN;
  gboolean ok;

  ok = pkey != NULL && EVP_PKEY_get_raw_private_key (pkey, private_key, &private_len) == 1
       && private_len == PB_X25519_LEN
       && EVP_PKEY_get_raw_public_key (pkey, public_key, &public_len) == 1
       && public_len == PB_X25519_LEN;
  EVP_PKEY_free (pkey);
  if (!ok)
    pb_secure_wipe (private_key, PB_X25519_LEN);
  return ok;
}

/* X25519(@own_private, @peer_public), then HKDF-SHA256 into @key. */
static gboolean
derive_seal_key (const guint8 *own_private, const guint8 *peer_public, const guint8 *ephemeral,
                 const guint8 *recipient, guint8 *key)
{
  EVP_PKEY *own = EVP_PKEY_new_raw_private_key (EVP_PKEY_X25519, NULL, own_private, PB_X25519_LEN);
  EVP_PKEY *peer = EVP_PKEY_new_raw_public_key (EVP_PKEY_X25519, NULL, peer_public, PB_X25519_LEN);
  EVP_PKEY_CTX *ctx = own != NULL ? EVP_PKEY_CTX_new (own, NULL) : NULL;
  EVP_KDF *kdf = EVP_KDF_fetch (NULL, "HKDF", NULL);
  EVP_KDF_CTX *kctx = kdf != NULL ? EVP_KDF_CTX_new (kdf) : NULL;
  guint8 shared[PB_X25519_LEN];
  guint8 salt[2 * PB_X25519_LEN];
  size_t shared_len = sizeof shared;
  OSSL_PARAM params[5];
  gboolean ok;

  memcpy (salt, ephemeral, PB_X25519_LEN);
  memcpy (salt + PB_X25519_LEN, recipient, PB_X25519_LEN);
  params[0] = OSSL_PARAM_construct_utf8_string (OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0);
  params[1] = OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_KEY, shared, sizeof shared);
  params[2] = OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_SALT, salt, sizeof salt);
  params[3] = OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_INFO, (char *)SEAL_INFO,
                                                 strlen (SEAL_INFO));
  params[4] = OSSL_PARAM_construct_end ();

  ok = peer != NULL && ctx != NULL && kctx != NULL && EVP_PKEY_derive_init (ctx) == 1
       && EVP_PKEY_derive_set_peer (ctx, peer) == 1
       && EVP_PKEY_derive (ctx, shared, &shared_len) == 1 && shared_len == sizeof shared
       && EVP_KDF_derive (kctx, key, SEAL_KEY_LEN, params) == 1;

  OPENSSL_cleanse (shared, sizeof shared);
  EVP_KDF_CTX_free (kctx);
  EVP_KDF_free (kdf);
  EVP_PKEY_CTX_free (ctx);
  EVP_PKEY_free (peer);
  EVP_PKEY_free (own);
  if (!ok)
    OPENSSL_cleanse (key, SEAL_KEY_LEN);
  return ok;
}

gboolean
pb_keyslots_seal (const guint8 *public_key, const char *aad, const guint8 *master_key, PbSeal *seal)
{
  guint8 ephemeral_private[PB_X25519_LEN];
  guint8 key[SEAL_KEY_LEN];
  EVP_CIPHER_CTX *ctx = NULL;
  int len = 0;
  int final_len = 0;
  gboolean ok;

  ok = pb_keyslots_x25519_generate (ephemeral_private, seal->ephemeral)
       && derive_seal_key (ephemeral_private, public_key, seal->ephemeral, public_key, key);
  OPENSSL_cleanse (ephemeral_private, sizeof ephemeral_private);
  if (!ok)
    return FALSE;

  pb_random_bytes (seal->nonce, PB_SEAL_NONCE_LEN);
  ctx = EVP_CIPHER_CTX_new ();
  ok = ctx != NULL && EVP_EncryptInit_ex (ctx, EVP_aes_256_gcm (), NULL, NULL, NULL) == 1
       && EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_SET_IVLEN, PB_SEAL_NONCE_LEN, NULL) == 1
       && EVP_EncryptInit_ex (ctx, NULL, NULL, key, seal->nonce) == 1
       && EVP_EncryptUpdate (ctx, NULL, &len, (const guint8 *)aad, (int)strlen (aad)) == 1
       && EVP_EncryptUpdate (ctx, seal->ciphertext, &len, master_key, 32) == 1 && len == 32
       && EVP_EncryptFinal_ex (ctx, seal->ciphertext + len, &final_len) == 1 && final_len == 0
       && EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_GET_TAG, PB_SEAL_TAG_LEN, seal->tag) == 1;
  EVP_CIPHER_CTX_free (ctx);
  OPENSSL_cleanse (key, sizeof key);
  return ok;
}

int
pb_keyslots_open_seal (const guint8 *private_key, const guint8 *public_key, const char *aad,
                       const PbSeal *seal, guint8 *master_key_out)
{
  guint8 key[SEAL_KEY_LEN];
  guint8 tag[PB_SEAL_TAG_LEN];
  EVP_CIPHER_CTX *ctx = NULL;
  int len = 0;
  int final_len = 0;
  gboolean ready;
  gboolean verified = FALSE;

  if (!derive_seal_key (private_key, seal->ephemeral, seal->ephemeral, public_key, key))
    return -1;

  memcpy (tag, seal->tag, sizeof tag);
  ctx = EVP_CIPHER_CTX_new ();
  ready = ctx != NULL && EVP_DecryptInit_ex (ctx, EVP_aes_256_gcm (), NULL, NULL, NULL) == 1
          && EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_SET_IVLEN, PB_SEAL_NONCE_LEN, NULL) == 1
          && EVP_DecryptInit_ex (ctx, NULL, NULL, key, seal->nonce) == 1
          && EVP_DecryptUpdate (ctx, NULL, &len, (const guint8 *)aad, (int)strlen (aad)) == 1
          && EVP_DecryptUpdate (ctx, master_key_out, &len, seal->ciphertext, 32) == 1 && len == 32
          && EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_SET_TAG, PB_SEAL_TAG_LEN, tag) == 1;
  if (ready)
    verified = EVP_DecryptFinal_ex (ctx, master_key_out + len, &final_len) == 1 && final_len == 0;
  EVP_CIPHER_CTX_free (ctx);
  OPENSSL_cleanse (key, sizeof key);

  if (!ready || !verified)
    OPENSSL_cleanse (master_key_out, 32);
  if (!ready)
    return -1;
  return verified ? 1 : 0;
}

gboolean
pb_keyslots_mac (const guint8 *master_key, const char *message, guint8 *mac_out)
{
  size_t out_len = 0;

  return EVP_Q_mac (NULL, "HMAC", NULL, "SHA256", NULL, master_key, 32, (const guint8 *)message,
                    strlen (message), mac_out, PB_SLOT_MAC_LEN, &out_len)
             != NULL
         && out_len == PB_SLOT_MAC_LEN;
}
