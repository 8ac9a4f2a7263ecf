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

/* Overwrites @path with random bytes, syncs it and removes it, so that what
 * it held does not survive in the file system's blocks (on a file system
 * that writes in place). A missing file is not an error. The file is opened
 * with O_NOFOLLOW and checked through its descriptor (fstat): a symbolic
 * link is removed and never followed, and only a regular file with one name
 * that the user owns is overwritten; anything else (a FIFO, a device, a hard
 * link, another user's file) is only unlinked. */
gboolean pb_shred_file (const char *path, GError **error);

/* pb_shred_file() for @name relative to the directory @dir_fd (unlinkat). */
gboolean pb_shred_at (int dir_fd, const char *name, GError **error);

/* Removes @name relative to @dir_fd and, when it is a directory, everything
 * in it, walking with openat()/fdopendir() on descriptors opened
 * O_DIRECTORY | O_NOFOLLOW: a symbolic link anywhere is unlinked, never
 * followed. With @shred, every regular file is overwritten first
 * (pb_shred_at()). A missing @name is not an error. */
gboolean pb_remove_tree_at (int dir_fd, const char *name, gboolean shred, GError **error);

/* pb_remove_tree_at() for a path. */
gboolean pb_remove_path (const char *path, gboolean shred, GError **error);

G_END_DECLS
