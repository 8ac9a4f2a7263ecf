/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The public-key half of a keyslot (docs/SECURITY.md, "Keyslot file
 * format"): each slot holds an X25519 key pair, its private key wrapped
 * under the operator's password, and the master key sealed to its public
 * key, so a re-key can hand the new master key to operators who are not
 * there to type their passwords. Only pb-keyslots.c uses these.
 */

#define PB_X25519_LEN 32
#define PB_SEAL_NONCE_LEN 12
#define PB_SEAL_TAG_LEN 16
#define PB_SLOT_MAC_LEN 32

typedef struct
{
  guint8 ephemeral[PB_X25519_LEN]; /* the sender's one-time public key */
  guint8 nonce[PB_SEAL_NONCE_LEN];
  guint8 ciphertext[32]; /* the master key */
  guint8 tag[PB_SEAL_TAG_LEN];
} PbSeal;

/* A new key pair; FALSE when the library fails. */
gboolean pb_keyslots_x25519_generate (guint8 *private_key, guint8 *public_key);

/* Ephemeral X25519 with @public_key, HKDF-SHA256 (salt = ephemeral public
 * key ‖ @public_key, info "packbench-seal-v2"), AES-256-GCM of the 32-byte
 * @master_key with @aad. */
gboolean pb_keyslots_seal (const guint8 *public_key, const char *aad, const guint8 *master_key,
                           PbSeal *seal);

/* 1: opened into @master_key_out; 0: the tag did not verify; -1: the
 * library failed. */
int pb_keyslots_open_seal (const guint8 *private_key, const guint8 *public_key, const char *aad,
                           const PbSeal *seal, guint8 *master_key_out);

/* HMAC-SHA256 under the master key of @message: vouches that a slot's
 * public key was put there by someone who held the master key. */
gboolean pb_keyslots_mac (const guint8 *master_key, const char *message, guint8 *mac_out);

G_END_DECLS
