/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Locked memory for keys: not swapped out (mlock, best effort), not in core
 * dumps (MADV_DONTDUMP), and wiped with OPENSSL_cleanse before it is freed.
 */

gpointer pb_secure_alloc (gsize size);
void pb_secure_free (gpointer mem, gsize size);

/* Wipes @len bytes (OPENSSL_cleanse). */
void pb_secure_wipe (gpointer mem, gsize len);

/* Frees a NUL-terminated string after wiping it (passwords, secrets). */
void pb_secure_free_string (char *text);

/* Lower-case hex of @len bytes; the result should be wiped when it holds a key. */
char *pb_hex_encode (const guint8 *data, gsize len);
/* Decodes exactly @len bytes of hex into @out; FALSE on any other input. */
gboolean pb_hex_decode (const char *hex, guint8 *out, gsize len);

/* @len random bytes from OpenSSL's CSPRNG; aborts if the RNG fails. */
void pb_random_bytes (guint8 *out, gsize len);

G_END_DECLS
