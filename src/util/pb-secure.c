/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "pb-secure.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

/*
 * Every secure allocation is its own anonymous mapping, rounded up to whole
 * pages, so that mlock() and madvise() cover exactly the secret and nothing
 * else, and munmap() returns it to the kernel instead of to a malloc arena
 * where a later allocation could read it.
 */

static gsize
get_page_size (void)
{
  static gsize page_size = 0;

  if (g_once_init_enter (&page_size))
    {
      long size = sysconf (_SC_PAGESIZE);

      g_once_init_leave (&page_size, size > 0 ? (gsize)size : 4096);
    }

  return page_size;
}

static gsize
get_mapping_size (gsize size)
{
  gsize page = get_page_size ();

  if (size > G_MAXSIZE - page)
    g_error ("%s: cannot allocate %" G_GSIZE_FORMAT " bytes", G_STRLOC, size);

  return (size + page - 1) / page * page;
}

/**
 * pb_secure_alloc:
 * @size: bytes wanted
 *
 * Allocates zeroed memory for keys: locked into RAM where the memory limit
 * allows it (mlock, best effort) and left out of core dumps. Aborts when no
 * memory is left, as g_malloc() does.
 *
 * Returns: (transfer full) (nullable): the memory, or %NULL when @size is 0.
 *   Free it with pb_secure_free() and the same @size.
 */
gpointer
pb_secure_alloc (gsize size)
{
  gsize length;
  gpointer mem;

  if (size == 0)
    return NULL;

  length = get_mapping_size (size);
  mem = mmap (NULL, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED)
    g_error ("%s: failed to map %" G_GSIZE_FORMAT " bytes: %s", G_STRLOC, length,
             g_strerror (errno));

  if (mlock (mem, length) != 0)
    {
      static gboolean warned = FALSE;

      /* RLIMIT_MEMLOCK may be tiny (or 0 in some sandboxes): the key still
       * works, it may just be swapped out. */
      if (!warned)
        {
          warned = TRUE;
          g_debug ("Could not lock key memory (%s); it may be swapped out", g_strerror (errno));
        }
    }

#ifdef MADV_DONTDUMP
  if (madvise (mem, length, MADV_DONTDUMP) != 0)
    g_debug ("Could not exclude key memory from core dumps: %s", g_strerror (errno));
#endif

  /* Fresh anonymous mappings are zero already. */
  return mem;
}

/**
 * pb_secure_free:
 * @mem: (nullable): memory from pb_secure_alloc()
 * @size: the size it was allocated with
 *
 * Wipes the memory, unlocks it and gives it back.
 */
void
pb_secure_free (gpointer mem, gsize size)
{
  gsize length;

  if (mem == NULL)
    return;

  g_return_if_fail (size > 0);

  length = get_mapping_size (size);
  OPENSSL_cleanse (mem, length);
  munlock (mem, length);
  if (munmap (mem, length) != 0)
    g_critical ("%s: munmap failed: %s", G_STRLOC, g_strerror (errno));
}

/**
 * pb_secure_wipe:
 * @mem: (nullable): memory to wipe
 * @len: how many bytes
 *
 * Overwrites @len bytes with zeros in a way the compiler cannot optimise
 * away.
 */
void
pb_secure_wipe (gpointer mem, gsize len)
{
  if (mem == NULL || len == 0)
    return;

  OPENSSL_cleanse (mem, len);
}

/**
 * pb_secure_free_string:
 * @text: (nullable) (transfer full): a string from g_malloc()
 *
 * Wipes @text and frees it.
 */
void
pb_secure_free_string (char *text)
{
  if (text == NULL)
    return;

  OPENSSL_cleanse (text, strlen (text));
  g_free (text);
}

/**
 * pb_hex_encode:
 * @data: (array length=len): bytes
 * @len: how many
 *
 * Returns: (transfer full): @len bytes as 2 × @len lower-case hex digits.
 */
char *
pb_hex_encode (const guint8 *data, gsize len)
{
  static const char digits[] = "0123456789abcdef";
  char *hex;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (len < G_MAXSIZE / 2, NULL);

  hex = g_malloc (len * 2 + 1);
  for (gsize i = 0; i < len; i++)
    {
      hex[i * 2] = digits[data[i] >> 4];
      hex[i * 2 + 1] = digits[data[i] & 0x0f];
    }
  hex[len * 2] = '\0';

  return hex;
}

/**
 * pb_hex_decode:
 * @hex: hex digits, upper or lower case
 * @out: (out caller-allocates) (array length=len): receives the bytes
 * @len: how many bytes @hex must hold
 *
 * Returns: %TRUE when @hex is exactly 2 × @len hex digits. On %FALSE, @out
 *   is zeroed.
 */
gboolean
pb_hex_decode (const char *hex, guint8 *out, gsize len)
{
  g_return_val_if_fail (out != NULL || len == 0, FALSE);

  if (hex == NULL || len >= G_MAXSIZE / 2 || strlen (hex) != len * 2)
    goto fail;

  for (gsize i = 0; i < len; i++)
    {
      int high = g_ascii_xdigit_value (hex[i * 2]);
      int low = g_ascii_xdigit_value (hex[i * 2 + 1]);

      if (high < 0 || low < 0)
        goto fail;

      out[i] = (guint8)((high << 4) | low);
    }

  return TRUE;

fail:
  pb_secure_wipe (out, len);
  return FALSE;
}

/**
 * pb_random_bytes:
 * @out: (out caller-allocates) (array length=len): receives the bytes
 * @len: how many
 *
 * Fills @out from OpenSSL's CSPRNG. A failing RNG is not something to go
 * on from with a weaker key, so this aborts.
 */
void
pb_random_bytes (guint8 *out, gsize len)
{
  g_return_if_fail (out != NULL || len == 0);

  while (len > 0)
    {
      int chunk = (int)MIN (len, (gsize)G_MAXINT);

      if (RAND_bytes (out, chunk) != 1)
        g_error ("The random number generator failed; refusing to go on without one");

      out += chunk;
      len -= (gsize)chunk;
    }
}

static gboolean
set_errno_error (GError **error, int saved, const char *name)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _ ("Cannot remove %s: %s"), name,
               g_strerror (saved));
  return FALSE;
}

/* Overwrites the file open on @fd, @size bytes, with random bytes. */
static gboolean
overwrite_fd (int fd, gsize size)
{
  guint8 noise[4096];
  gsize left = size;
  off_t offset = 0;

  while (left > 0)
    {
      gsize chunk = MIN (left, sizeof noise);
      ssize_t done;

      pb_random_bytes (noise, chunk);
      done = pwrite (fd, noise, chunk, offset);
      if (done <= 0)
        {
          if (done < 0 && errno == EINTR)
            continue;
          return FALSE;
        }
      left -= (gsize)done;
      offset += done;
    }
  return fsync (fd) == 0;
}

/**
 * pb_shred_at:
 * @dir_fd: a directory descriptor (or AT_FDCWD)
 * @name: the file's name relative to @dir_fd
 * @error: return location for a #GError
 *
 * Overwrites and removes @name. The checks and the overwrite act on one
 * descriptor, opened O_NOFOLLOW | O_NONBLOCK (a FIFO does not block it): a
 * symbolic link is never followed, whatever replaces the name between a
 * check and the open is what gets checked. Only a regular file with a
 * single link owned by this user is overwritten; anything else is only
 * unlinked, so that a name planted in a shared folder cannot make this
 * overwrite another file.
 *
 * Returns: %TRUE when @name is gone.
 */
gboolean
pb_shred_at (int dir_fd, const char *name, GError **error)
{
  int fd = openat (dir_fd, name, O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

  if (fd >= 0)
    {
      struct stat st;

      if (fstat (fd, &st) == 0 && S_ISREG (st.st_mode) && st.st_nlink == 1
          && st.st_uid == geteuid ())
        overwrite_fd (fd, (gsize)st.st_size);
      close (fd);
    }
  else if (errno == ENOENT)
    return TRUE;

  /* ELOOP (a symbolic link), EISDIR, EACCES, ENXIO: the name is removed
   * without anything being written. */
  if (unlinkat (dir_fd, name, 0) != 0 && errno != ENOENT)
    return set_errno_error (error, errno, name);
  return TRUE;
}

gboolean
pb_shred_file (const char *path, GError **error)
{
  g_autofree char *parent = g_path_get_dirname (path);
  g_autofree char *name = g_path_get_basename (path);
  int dir_fd = open (parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  gboolean ok;

  if (dir_fd < 0)
    {
      if (errno == ENOENT)
        return TRUE;
      return set_errno_error (error, errno, path);
    }
  ok = pb_shred_at (dir_fd, name, error);
  close (dir_fd);
  if (!ok && error != NULL && *error != NULL)
    g_prefix_error (error, "%s: ", parent);
  return ok;
}

gboolean
pb_remove_tree_at (int dir_fd, const char *name, gboolean shred, GError **error)
{
  struct stat st;
  int fd;
  DIR *dir;
  struct dirent *entry;
  gboolean ok = TRUE;

  if (fstatat (dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
    return errno == ENOENT ? TRUE : set_errno_error (error, errno, name);
  if (!S_ISDIR (st.st_mode))
    {
      if (shred)
        return pb_shred_at (dir_fd, name, error);
      if (unlinkat (dir_fd, name, 0) != 0 && errno != ENOENT)
        return set_errno_error (error, errno, name);
      return TRUE;
    }

  fd = openat (dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    {
      /* Replaced by a symbolic link or a file since the fstatat: that
       * name is only unlinked, nothing is followed or written. */
      if ((errno == ELOOP || errno == ENOTDIR) && unlinkat (dir_fd, name, 0) == 0)
        return TRUE;
      return errno == ENOENT ? TRUE : set_errno_error (error, errno, name);
    }
  dir = fdopendir (fd);
  if (dir == NULL)
    {
      int saved = errno;
      close (fd);
      return set_errno_error (error, saved, name);
    }
  while (ok && (entry = readdir (dir)) != NULL)
    {
      if (strcmp (entry->d_name, ".") == 0 || strcmp (entry->d_name, "..") == 0)
        continue;
      ok = pb_remove_tree_at (dirfd (dir), entry->d_name, shred, error);
    }
  closedir (dir);
  if (!ok)
    return FALSE;
  if (unlinkat (dir_fd, name, AT_REMOVEDIR) != 0 && errno != ENOENT)
    return set_errno_error (error, errno, name);
  return TRUE;
}

gboolean
pb_remove_path (const char *path, gboolean shred, GError **error)
{
  g_autofree char *parent = g_path_get_dirname (path);
  g_autofree char *name = g_path_get_basename (path);
  int dir_fd = open (parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  gboolean ok;

  if (dir_fd < 0)
    return errno == ENOENT ? TRUE : set_errno_error (error, errno, path);
  ok = pb_remove_tree_at (dir_fd, name, shred, error);
  close (dir_fd);
  return ok;
}
