/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/pb-secure.h"

/* AddressSanitizer turns mlock() into a no-op. */
#if defined(__SANITIZE_ADDRESS__)
#define MLOCK_WORKS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MLOCK_WORKS 0
#endif
#endif
#ifndef MLOCK_WORKS
#define MLOCK_WORKS 1
#endif

typedef struct
{
  guint8 *mem;
  gsize size;
} SecureFixture;

static void
secure_fixture_set_up (SecureFixture *fixture, gconstpointer user_data)
{
  fixture->size = GPOINTER_TO_SIZE (user_data);
  fixture->mem = pb_secure_alloc (fixture->size);
}

static void
secure_fixture_tear_down (SecureFixture *fixture, gconstpointer user_data)
{
  pb_secure_free (fixture->mem, fixture->size);
}

/* The VmFlags line of the mapping in /proc/self/smaps that holds @address,
 * or NULL when there is no such mapping. */
static char *
get_vm_flags (gconstpointer address)
{
  g_autofree char *smaps = NULL;
  g_auto (GStrv) lines = NULL;
  guintptr wanted = (guintptr)address;
  gboolean inside = FALSE;

  g_assert_true (g_file_get_contents ("/proc/self/smaps", &smaps, NULL, NULL));
  lines = g_strsplit (smaps, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      guint64 start, end;
      char *dash;

      dash = strchr (lines[i], '-');
      if (dash != NULL && g_ascii_isxdigit (lines[i][0]) && strchr (lines[i], ' ') > dash)
        {
          start = g_ascii_strtoull (lines[i], NULL, 16);
          end = g_ascii_strtoull (dash + 1, NULL, 16);
          inside = wanted >= start && wanted < end;
        }
      else if (inside && g_str_has_prefix (lines[i], "VmFlags:"))
        return g_strconcat (lines[i], " ", NULL);
    }

  return NULL;
}

static void
test_alloc_usable (SecureFixture *fixture, gconstpointer user_data)
{
  g_assert_nonnull (fixture->mem);

  /* Zeroed, writable, and suitably aligned for any key structure. */
  for (gsize i = 0; i < fixture->size; i++)
    g_assert_cmpuint (fixture->mem[i], ==, 0);
  memset (fixture->mem, 0xa5, fixture->size);
  g_assert_cmpuint (fixture->mem[fixture->size - 1], ==, 0xa5);
  g_assert_cmpuint ((guintptr)fixture->mem % 16, ==, 0);
}

static void
test_alloc_protected (SecureFixture *fixture, gconstpointer user_data)
{
  g_autofree char *flags = get_vm_flags (fixture->mem);
  struct rlimit limit;

  if (flags == NULL)
    {
      g_test_skip ("/proc/self/smaps is not available");
      return;
    }

  /* Never in a core dump. */
  g_assert_nonnull (strstr (flags, " dd "));

  /* Locked when the memory limit allows it. */
  g_assert_cmpint (getrlimit (RLIMIT_MEMLOCK, &limit), ==, 0);
  if (MLOCK_WORKS && (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur >= 1024 * 1024))
    g_assert_nonnull (strstr (flags, " lo "));
}

static void
test_alloc_zero (void)
{
  g_assert_null (pb_secure_alloc (0));
  pb_secure_free (NULL, 0);
  pb_secure_free (NULL, 32);
}

static void
test_free_unmaps (void)
{
  guint8 *mem = pb_secure_alloc (64);
  g_autofree char *flags = NULL;

  memset (mem, 0x42, 64);
  pb_secure_free (mem, 64);

  /* The page went back to the kernel, not into a malloc arena. */
  flags = get_vm_flags (mem);
  if (flags != NULL)
    g_assert_null (strstr (flags, " dd "));
}

static void
test_wipe (void)
{
  guint8 buffer[48];

  memset (buffer, 0x5a, sizeof buffer);
  pb_secure_wipe (buffer + 8, 32);

  for (gsize i = 0; i < sizeof buffer; i++)
    g_assert_cmpuint (buffer[i], ==, i >= 8 && i < 40 ? 0 : 0x5a);

  pb_secure_wipe (NULL, 0);
}

static void
test_free_string (void)
{
  pb_secure_free_string (g_strdup ("correct horse battery staple"));
  pb_secure_free_string (g_strdup (""));
  pb_secure_free_string (NULL);
}

static void
test_hex_encode (void)
{
  static const guint8 data[] = { 0x00, 0x01, 0x7f, 0x80, 0xab, 0xff };
  g_autofree char *hex = pb_hex_encode (data, sizeof data);
  g_autofree char *empty = pb_hex_encode (data, 0);

  g_assert_cmpstr (hex, ==, "00017f80abff");
  g_assert_cmpstr (empty, ==, "");
}

static void
test_hex_decode (void)
{
  guint8 out[4];

  g_assert_true (pb_hex_decode ("00ff7fab", out, 4));
  g_assert_cmpmem (out, 4, "\x00\xff\x7f\xab", 4);

  g_assert_true (pb_hex_decode ("DEADbeef", out, 4));
  g_assert_cmpmem (out, 4, "\xde\xad\xbe\xef", 4);

  /* Anything but exactly 2 × len hex digits fails and leaves no partial key. */
  g_assert_false (pb_hex_decode ("deadbee", out, 4));
  g_assert_cmpmem (out, 4, "\0\0\0\0", 4);
  g_assert_false (pb_hex_decode ("deadbeef00", out, 4));
  g_assert_false (pb_hex_decode ("deadbeeg", out, 4));
  g_assert_false (pb_hex_decode ("dead beef", out, 4));
  g_assert_false (pb_hex_decode ("0xdeadbe", out, 4));
  g_assert_false (pb_hex_decode ("", out, 4));
  g_assert_false (pb_hex_decode (NULL, out, 4));
  g_assert_true (pb_hex_decode ("", out, 0));
}

static void
test_hex_round_trip (void)
{
  guint8 data[256];
  guint8 back[256];
  g_autofree char *hex = NULL;

  for (guint i = 0; i < sizeof data; i++)
    data[i] = (guint8)i;

  hex = pb_hex_encode (data, sizeof data);
  g_assert_cmpuint (strlen (hex), ==, 512);
  g_assert_true (pb_hex_decode (hex, back, sizeof back));
  g_assert_cmpmem (back, sizeof back, data, sizeof data);
}

static void
test_random_bytes (void)
{
  guint8 first[32] = { 0 };
  guint8 second[32] = { 0 };
  guint8 big[4096] = { 0 };
  guint counts[256] = { 0 };
  guint zeros = 0;

  pb_random_bytes (first, sizeof first);
  pb_random_bytes (second, sizeof second);
  g_assert_false (memcmp (first, second, sizeof first) == 0);

  /* 4096 bytes: every byte value shows up rarely enough, and the buffer is
   * filled to the end. The bounds fail by chance far less than 1e-9. */
  pb_random_bytes (big, sizeof big);
  for (gsize i = 0; i < sizeof big; i++)
    counts[big[i]]++;
  for (guint i = 0; i < 256; i++)
    g_assert_cmpuint (counts[i], <, 60);
  for (gsize i = sizeof big - 64; i < sizeof big; i++)
    zeros += big[i] == 0;
  g_assert_cmpuint (zeros, <, 8);

  pb_random_bytes (NULL, 0);
}

static char *
make_dir (void)
{
  GError *error = NULL;
  char *dir = g_dir_make_tmp ("pb-shred-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
write_file (const char *path, const char *text)
{
  GError *error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
}

static void
assert_content (const char *path, const char *expected)
{
  g_autofree char *text = NULL;
  GError *error = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, expected);
}

/* The shred overwrites the file it removes: a descriptor kept open on it
 * reads noise afterwards, not the secret. */
static void
test_shred_overwrites (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "secret", NULL);
  char buffer[64] = { 0 };
  GError *error = NULL;
  int fd;

  write_file (path, "PBSHREDSECRETPBSHREDSECRET");
  fd = open (path, O_RDONLY | O_CLOEXEC);
  g_assert_cmpint (fd, >=, 0);
  g_assert_true (pb_shred_file (path, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpint (pread (fd, buffer, sizeof buffer - 1, 0), ==, 26);
  g_assert_null (strstr (buffer, "PBSHRED"));
  close (fd);
  /* A missing file is not an error. */
  g_assert_true (pb_shred_file (path, &error));
  g_assert_no_error (error);
  g_rmdir (dir);
}

/* A symbolic link is removed; its target is not written. */
static void
test_shred_symlink (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *victim = g_build_filename (dir, "victim", NULL);
  g_autofree char *alias = g_build_filename (dir, "alias", NULL);
  GError *error = NULL;

  write_file (victim, "victim stays");
  g_assert_cmpint (symlink (victim, alias), ==, 0);
  g_assert_true (pb_shred_file (alias, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (alias, G_FILE_TEST_IS_SYMLINK));
  assert_content (victim, "victim stays");

  /* A hard link shares the victim's blocks: only the name goes. */
  g_assert_cmpint (link (victim, alias), ==, 0);
  g_assert_true (pb_shred_file (alias, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (alias, G_FILE_TEST_EXISTS));
  assert_content (victim, "victim stays");
  g_unlink (victim);
  g_rmdir (dir);
}

/* A FIFO neither blocks the shred nor is written; it is removed. */
static void
test_shred_fifo (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *fifo = g_build_filename (dir, "fifo", NULL);
  GError *error = NULL;

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_assert_true (pb_shred_file (fifo, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (fifo, G_FILE_TEST_EXISTS));
  g_rmdir (dir);
}

/* A tree with links to a file and a folder outside: the links go, the
 * outside stays byte for byte. */
static void
test_remove_tree_symlinks (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *outside = make_dir ();
  g_autofree char *victim = g_build_filename (outside, "victim", NULL);
  g_autofree char *tree = g_build_filename (dir, "tree", NULL);
  g_autofree char *sub = g_build_filename (tree, "sub", NULL);
  g_autofree char *file = g_build_filename (sub, "file", NULL);
  g_autofree char *to_file = g_build_filename (tree, "to-file", NULL);
  g_autofree char *to_dir = g_build_filename (sub, "to-dir", NULL);
  GError *error = NULL;

  write_file (victim, "victim stays");
  g_assert_cmpint (g_mkdir_with_parents (sub, 0700), ==, 0);
  write_file (file, "inside");
  g_assert_cmpint (symlink (victim, to_file), ==, 0);
  g_assert_cmpint (symlink (outside, to_dir), ==, 0);
  g_assert_true (pb_remove_path (tree, TRUE, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (tree, G_FILE_TEST_EXISTS));
  assert_content (victim, "victim stays");

  /* The tree's top itself a link to a folder: the link goes. */
  g_assert_cmpint (symlink (outside, tree), ==, 0);
  g_assert_true (pb_remove_path (tree, TRUE, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (tree, G_FILE_TEST_IS_SYMLINK));
  assert_content (victim, "victim stays");
  g_unlink (victim);
  g_rmdir (outside);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/secure/alloc/small", SecureFixture, GSIZE_TO_POINTER (32), secure_fixture_set_up,
              test_alloc_usable, secure_fixture_tear_down);
  g_test_add ("/secure/alloc/multi-page", SecureFixture, GSIZE_TO_POINTER (3 * 4096 + 17),
              secure_fixture_set_up, test_alloc_usable, secure_fixture_tear_down);
  g_test_add ("/secure/alloc/protected", SecureFixture, GSIZE_TO_POINTER (32),
              secure_fixture_set_up, test_alloc_protected, secure_fixture_tear_down);
  g_test_add_func ("/secure/alloc/zero", test_alloc_zero);
  g_test_add_func ("/secure/free/unmaps", test_free_unmaps);
  g_test_add_func ("/secure/wipe", test_wipe);
  g_test_add_func ("/secure/free-string", test_free_string);
  g_test_add_func ("/secure/hex/encode", test_hex_encode);
  g_test_add_func ("/secure/hex/decode", test_hex_decode);
  g_test_add_func ("/secure/hex/round-trip", test_hex_round_trip);
  g_test_add_func ("/secure/random", test_random_bytes);
  g_test_add_func ("/secure/shred/overwrites", test_shred_overwrites);
  g_test_add_func ("/secure/shred/symlink", test_shred_symlink);
  g_test_add_func ("/secure/shred/fifo", test_shred_fifo);
  g_test_add_func ("/secure/shred/tree-symlinks", test_remove_tree_symlinks);

  return g_test_run ();
}
