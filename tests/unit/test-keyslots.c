/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "store/pb-keyslots.h"
#include "util/pb-secure.h"

/*
 * Every set_slot and unwrap runs scrypt with the real cost (about 0.4 s), so
 * the tests share slots where they can; the format checks build files
 * without any key derivation.
 */

typedef struct
{
  char *dir;
  char *path;
  char store_id[33];
  guint8 master_key[PB_MASTER_KEY_LEN];
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  guint8 id[16];
  g_autofree char *hex = NULL;

  fixture->dir = g_dir_make_tmp ("test-keyslots-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "keyslots.json", NULL);

  pb_random_bytes (id, sizeof id);
  hex = pb_hex_encode (id, sizeof id);
  g_strlcpy (fixture->store_id, hex, sizeof fixture->store_id);
  pb_random_bytes (fixture->master_key, sizeof fixture->master_key);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GDir) dir = g_dir_open (fixture->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (fixture->dir);

  g_free (fixture->path);
  g_free (fixture->dir);
}

static void
set_slot_ok (PbKeyslots *slots, const char *username, const char *password,
             const guint8 *master_key)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (pb_keyslots_set_slot (slots, username, password, master_key, &error));
  g_assert_no_error (error);
}

static void
assert_unwraps_to (PbKeyslots *slots, const char *username, const char *password,
                   const guint8 *expected)
{
  g_autoptr (GError) error = NULL;
  guint8 key[PB_MASTER_KEY_LEN];

  g_assert_true (pb_keyslots_unwrap (slots, username, password, key, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (key, sizeof key, expected, PB_MASTER_KEY_LEN);
}

static void
assert_wrong_password (PbKeyslots *slots, const char *username, const char *password)
{
  static const guint8 zeros[PB_MASTER_KEY_LEN] = { 0 };
  g_autoptr (GError) error = NULL;
  guint8 key[PB_MASTER_KEY_LEN];

  memset (key, 0xee, sizeof key);
  g_assert_false (pb_keyslots_unwrap (slots, username, password, key, &error));
  g_assert_error (error, PB_KEYSLOT_ERROR, PB_KEYSLOT_ERROR_WRONG_PASSWORD);
  /* Nothing of a half-decrypted key is left behind. */
  g_assert_cmpmem (key, sizeof key, zeros, sizeof zeros);
}

static void
save_ok (PbKeyslots *slots, const char *path)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (pb_keyslots_save (slots, path, &error));
  g_assert_no_error (error);
}

static PbKeyslots *
load_ok (const char *path)
{
  g_autoptr (GError) error = NULL;
  PbKeyslots *slots = pb_keyslots_load (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (slots);
  return slots;
}

static JsonNode *
read_json (const char *path)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static void
write_json (const char *path, JsonNode *root)
{
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (GError) error = NULL;

  json_generator_set_root (generator, root);
  json_generator_to_file (generator, path, &error);
  g_assert_no_error (error);
}

static JsonObject *
find_slot_object (JsonNode *root, const char *username)
{
  JsonArray *slots = json_object_get_array_member (json_node_get_object (root), "slots");

  for (guint i = 0; i < json_array_get_length (slots); i++)
    {
      JsonObject *slot = json_array_get_object_element (slots, i);

      if (g_strcmp0 (json_object_get_string_member (slot, "username"), username) == 0)
        return slot;
    }

  g_assert_not_reached ();
  return NULL;
}

static char *
slot_to_string (JsonObject *slot)
{
  g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), slot);

  return json_to_string (node, FALSE);
}

static guint
count_files (const char *folder)
{
  g_autoptr (GDir) dir = g_dir_open (folder, 0, NULL);
  guint count = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    count++;

  return count;
}

/* Round trips and slot handling. */

static void
test_round_trip (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (PbKeyslots) slots = pb_keyslots_new (fixture->store_id);
  g_autoptr (GError) error = NULL;
  guint8 key[PB_MASTER_KEY_LEN];
  gint64 start;

  g_assert_cmpstr (pb_keyslots_get_store_id (slots), ==, fixture->store_id);
  g_assert_false (pb_keyslots_has_slot (slots, "alice"));

  set_slot_ok (slots, "alice", "correct horse battery staple", fixture->master_key);
  g_assert_true (pb_keyslots_has_slot (slots, "alice"));

  start = g_get_monotonic_time ();
  g_assert_true (pb_keyslots_unwrap (slots, "alice", "correct horse battery staple", key, &error));
  g_test_message ("One unwrap took %.2f s",
                  (g_get_monotonic_time () - start) / (double)G_USEC_PER_SEC);
  g_assert_no_error (error);
  g_assert_cmpmem (key, sizeof key, fixture->master_key, sizeof fixture->master_key);

  assert_wrong_password (slots, "alice", "correct horse battery stapler");
}

static void
test_two_slots_rewrap_one (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (PbKeyslots) slots = pb_keyslots_new (fixture->store_id);
  g_autoptr (JsonNode) before = NULL;
  g_autoptr (JsonNode) after = NULL;
  g_autofree char *bob_before = NULL;
  g_autofree char *bob_after = NULL;
  JsonObject *alice_before, *alice_after;

  set_slot_ok (slots, "alice", "alice's password", fixture->master_key);
  set_slot_ok (slots, "bob", "bob's password", fixture->master_key);

  /* Two slots, one key. */
  assert_unwraps_to (slots, "alice", "alice's password", fixture->master_key);
  assert_unwraps_to (slots, "bob", "bob's password", fixture->master_key);

  pb_keyslots_set_failures (slots, "alice", 4);
  pb_keyslots_set_locked_until (slots, "alice", 1700000300);
  save_ok (slots, fixture->path);
  before = read_json (fixture->path);
  bob_before = slot_to_string (find_slot_object (before, "bob"));

  /* Alice changes her password: only her slot changes, and her lock goes. */
  set_slot_ok (slots, "alice", "alice's new password", fixture->master_key);
  g_assert_cmpuint (pb_keyslots_get_failures (slots, "alice"), ==, 0);
  g_assert_cmpint (pb_keyslots_get_locked_until (slots, "alice"), ==, 0);
  save_ok (slots, fixture->path);
  after = read_json (fixture->path);

  bob_after = slot_to_string (find_slot_object (after, "bob"));
  g_assert_cmpstr (bob_after, ==, bob_before);

  alice_before = find_slot_object (before, "alice");
  alice_after = find_slot_object (after, "alice");
  g_assert_cmpstr (
      json_object_get_string_member (json_object_get_object_member (alice_after, "kdf"), "salt"),
      !=,
      json_object_get_string_member (json_object_get_object_member (alice_before, "kdf"), "salt"));
  g_assert_cmpstr (json_object_get_string_member (alice_after, "nonce"), !=,
                   json_object_get_string_member (alice_before, "nonce"));

  assert_unwraps_to (slots, "alice", "alice's new password", fixture->master_key);
  assert_wrong_password (slots, "alice", "alice's password");
}

static void
test_remove_slot (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (PbKeyslots) slots = pb_keyslots_new (fixture->store_id);
  g_autoptr (PbKeyslots) loaded = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) names = NULL;
  guint8 key[PB_MASTER_KEY_LEN];

  set_slot_ok (slots, "bob", "bob's password", fixture->master_key);
  set_slot_ok (slots, "alice", "alice's password", fixture->master_key);

  names = pb_keyslots_list_usernames (slots);
  g_assert_cmpstrv (names, ((const char *const[]){ "alice", "bob", NULL }));
  g_clear_pointer (&names, g_strfreev);

  g_assert_true (pb_keyslots_remove_slot (slots, "bob"));
  g_assert_false (pb_keyslots_remove_slot (slots, "bob"));
  g_assert_false (pb_keyslots_has_slot (slots, "bob"));

  g_assert_false (pb_keyslots_unwrap (slots, "bob", "bob's password", key, &error));
  g_assert_error (error, PB_KEYSLOT_ERROR, PB_KEYSLOT_ERROR_NO_SUCH_SLOT);
  g_assert_nonnull (strstr (error->message, "bob"));
  g_clear_error (&error);

  g_assert_false (pb_keyslots_unwrap (slots, PB_RECOVERY_SLOT, "ABCDE", key, &error));
  g_assert_error (error, PB_KEYSLOT_ERROR, PB_KEYSLOT_ERROR_NO_SUCH_SLOT);
  g_clear_error (&error);

  /* Nothing to count or lock for someone without a slot. */
  pb_keyslots_set_failures (slots, "bob", 3);
  g_assert_cmpuint (pb_keyslots_get_failures (slots, "bob"), ==, 0);

  save_ok (slots, fixture->path);
  loaded = load_ok (fixture->path);
  names = pb_keyslots_list_usernames (loaded);
  g_assert_cmpstrv (names, ((const char *const[]){ "alice", NULL }));
  g_assert_false (pb_keyslots_has_slot (loaded, "bob"));
}

/* Moving a slot to another user or another store must not open it. */
static void
test_swapped_slot (Fixture *fixture, gconstpointer user_data)
{
  static const char *const material[] = { "kdf", "cipher", "nonce", "ciphertext", "tag" };
  g_autoptr (PbKeyslots) slots = pb_keyslots_new (fixture->store_id);
  g_autoptr (PbKeyslots) swapped = NULL;
  g_autoptr (PbKeyslots) moved = NULL;
  g_autoptr (JsonNode) root = NULL;
  JsonObject *alice, *bob;

  set_slot_ok (slots, "alice", "alice's password", fixture->master_key);
  set_slot_ok (slots, "bob", "bob's password", fixture->master_key);
  save_ok (slots, fixture->path);

  /* Bob's slot material under Alice's name. */
  root = read_json (fixture->path);
  alice = find_slot_object (root, "alice");
  bob = find_slot_object (root, "bob");
  for (guint i = 0; i < G_N_ELEMENTS (material); i++)
    json_object_set_member (alice, material[i],
                            json_node_copy (json_object_get_member (bob, material[i])));
  write_json (fixture->path, root);

  swapped = load_ok (fixture->path);
  assert_wrong_password (swapped, "alice", "bob's password");
  /* The material itself is fine where it belongs. */
  assert_unwraps_to (swapped, "bob", "bob's password", fixture->master_key);

  /* The same slots in a file claiming another store. */
  json_object_set_string_member (json_node_get_object (root), "store_id",
                                 "0123456789abcdef0123456789abcdef");
  write_json (fixture->path, root);
  moved = load_ok (fixture->path);
  assert_wrong_password (moved, "bob", "bob's password");
}

/* Saving and loading. */

static void
test_save_load (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (PbKeyslots) slots = pb_keyslots_new (fixture->store_id);
  g_autoptr (PbKeyslots) loaded = NULL;
  g_autoptr (PbKeyslots) reloaded = NULL;
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (GPtrArray) none = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_auto (GStrv) names = NULL;
  JsonObject *alice, *kdf;
  PbPendingEvent *event;
  GStatBuf info;
  guint64 n;
  guint32 r, p;

  set_slot_ok (slots, "alice", "alice's password", fixture->master_key);
  pb_keyslots_set_failures (slots, "alice", 3);
  pb_keyslots_set_locked_until (slots, "alice", 1700000900);
  pb_keyslots_add_pending_event (slots, 1700000000, "login.failed", "bob", "denied", "");
  pb_keyslots_add_pending_event (slots, 1700000060, "login.lockout", "alice", "denied",
                                 "5 failures");
  save_ok (slots, fixture->path);

  /* Owner only: the file tells who works here. */
  g_assert_cmpint (g_stat (fixture->path, &info), ==, 0);
  g_assert_cmpint (info.st_mode & 0777, ==, 0600);
  /* No temp file left beside it. */
  g_assert_cmpuint (count_files (fixture->dir), ==, 1);

  /* The cost new slots get, as stored. */
  pb_keyslots_get_kdf_params (&n, &r, &p);
  g_assert_cmpuint (n, ==, 131072);
  g_assert_cmpuint (r, ==, 8);
  g_assert_cmpuint (p, ==, 1);
  root = read_json (fixture->path);
  alice = find_slot_object (root, "alice");
  kdf = json_object_get_object_member (alice, "kdf");
  g_assert_cmpstr (json_object_get_string_member (kdf, "name"), ==, "scrypt");
  g_assert_cmpint (json_object_get_int_member (kdf, "n"), ==, 131072);
  g_assert_cmpint (json_object_get_int_member (kdf, "r"), ==, 8);
  g_assert_cmpint (json_object_get_int_member (kdf, "p"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (alice, "kind"), ==, "operator");
  g_assert_cmpstr (json_object_get_string_member (alice, "cipher"), ==, "aes-256-gcm");

  loaded = load_ok (fixture->path);
  g_assert_cmpstr (pb_keyslots_get_store_id (loaded), ==, fixture->store_id);
  names = pb_keyslots_list_usernames (loaded);
  g_assert_cmpstrv (names, ((const char *const[]){ "alice", NULL }));
  g_assert_cmpuint (pb_keyslots_get_failures (loaded, "alice"), ==, 3);
  g_assert_cmpint (pb_keyslots_get_locked_until (loaded, "alice"), ==, 1700000900);

  events = pb_keyslots_take_pending_events (loaded);
  g_assert_cmpuint (events->len, ==, 2);
  event = g_ptr_array_index (events, 0);
  g_assert_cmpint (event->time, ==, 1700000000);
  g_assert_cmpstr (event->action, ==, "login.failed");
  g_assert_cmpstr (event->username, ==, "bob");
  g_assert_cmpstr (event->outcome, ==, "denied");
  g_assert_cmpstr (event->detail, ==, "");
  event = g_ptr_array_index (events, 1);
  g_assert_cmpint (event->time, ==, 1700000060);
  g_assert_cmpstr (event->action, ==, "login.lockout");
  g_assert_cmpstr (event->username, ==, "alice");
  g_assert_cmpstr (event->detail, ==, "5 failures");

  none = pb_keyslots_take_pending_events (loaded);
  g_assert_cmpuint (none->len, ==, 0);

  /* The loaded slot opens, and taking the events sticks once saved. */
  assert_unwraps_to (loaded, "alice", "alice's password", fixture->master_key);
  save_ok (loaded, fixture->path);
  g_assert_cmpuint (count_files (fixture->dir), ==, 1);
  reloaded = load_ok (fixture->path);
  g_clear_pointer (&events, g_ptr_array_unref);
  events = pb_keyslots_take_pending_events (reloaded);
  g_assert_cmpuint (events->len, ==, 0);
  g_assert_cmpuint (pb_keyslots_get_failures (reloaded, "alice"), ==, 3);
}

static void
test_missing (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;

  g_assert_null (pb_keyslots_load (fixture->path, &error));
  g_assert_error (error, PB_KEYSLOT_ERROR, PB_KEYSLOT_ERROR_MISSING);
  g_assert_nonnull (strstr (error->message, fixture->path));
}

static void
test_save_to_missing_folder (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (PbKeyslots) slots = pb_keyslots_new (fixture->store_id);
  g_autofree char *path = g_build_filename (fixture->dir, "gone", "keyslots.json", NULL);
  g_autoptr (GError) error = NULL;

  g_assert_false (pb_keyslots_save (slots, path, &error));
  g_assert_error (error, PB_KEYSLOT_ERROR, PB_KEYSLOT_ERROR_IO);
  g_assert_nonnull (strstr (error->message, g_strerror (ENOENT)));
}

/* A save that runs out of room half way must leave the old file alone. */
static void
test_failed_save_keeps_old_file (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (PbKeyslots) slots = pb_keyslots_new (fixture->store_id);
  g_autoptr (PbKeyslots) survivor = NULL;
  g_autofree char *old_contents = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *detail = g_strnfill (200, 'x');
  gsize old_length, length;
  int status = 0;
  pid_t pid;

  set_slot_ok (slots, "alice", "alice's password", fixture->master_key);
  save_ok (slots, fixture->path);
  g_assert_true (g_file_get_contents (fixture->path, &old_contents, &old_length, NULL));
  g_assert_cmpuint (old_length, <, 2048);

  /* The new file would be far larger than the limit below. */
  for (guint i = 0; i < 100; i++)
    pb_keyslots_add_pending_event (slots, 1700000000 + i, "login.failed", "bob", "denied", detail);

  fflush (stdout);
  fflush (stderr);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      struct rlimit limit = { 2048, 2048 };
      GError *error = NULL;
      gboolean saved;

      signal (SIGXFSZ, SIG_IGN);
      if (setrlimit (RLIMIT_FSIZE, &limit) != 0)
        _exit (3);

      saved = pb_keyslots_save (slots, fixture->path, &error);
      if (saved)
        _exit (4);
      if (!g_error_matches (error, PB_KEYSLOT_ERROR, PB_KEYSLOT_ERROR_IO))
        _exit (5);
      /* The message names the cause. */
      if (strstr (error->message, g_strerror (EFBIG)) == NULL)
        _exit (6);
      _exit (0);
    }

  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);

  g_assert_true (g_file_get_contents (fixture->path, &contents, &length, NULL));
  g_assert_cmpmem (contents, length, old_contents, old_length);
  g_assert_cmpuint (count_files (fixture->dir), ==, 1);

  survivor = load_ok (fixture->path);
  g_assert_true (pb_keyslots_has_slot (survivor, "alice"));
}

/* Damaged files, built without key derivation. */

static void
add_fake_slot (JsonArray *slots, const char *username, const char *kind)
{
  JsonObject *slot = json_object_new ();
  JsonObject *kdf = json_object_new ();
  struct
  {
    JsonObject *holder;
    const char *member;
    gsize len;
  } fields[] = {
    { kdf, "salt", 16 }, { slot, "nonce", 12 }, { slot, "ciphertext", 32 }, { slot, "tag", 16 }
  };

  json_object_set_string_member (slot, "username", username);
  json_object_set_string_member (slot, "kind", kind);
  json_object_set_int_member (slot, "failures", 0);
  json_object_set_int_member (slot, "locked_until", 0);
  json_object_set_string_member (kdf, "name", "scrypt");
  json_object_set_int_member (kdf, "n", 131072);
  json_object_set_int_member (kdf, "r", 8);
  json_object_set_int_member (kdf, "p", 1);
  json_object_set_object_member (slot, "kdf", kdf);
  json_object_set_string_member (slot, "cipher", "aes-256-gcm");

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      guint8 data[32];
      g_autofree char *text = NULL;

      pb_random_bytes (data, fields[i].len);
      text = g_base64_encode (data, fields[i].len);
      json_object_set_string_member (fields[i].holder, fields[i].member, text);
    }

  json_array_add_object_element (slots, slot);
}

static JsonNode *
build_sample (const char *store_id)
{
  JsonObject *root = json_object_new ();
  JsonArray *slots = json_array_new ();
  JsonArray *pending = json_array_new ();
  JsonObject *event = json_object_new ();

  json_object_set_string_member (root, "format", "packbench-keyslots");
  json_object_set_int_member (root, "version", 1);
  json_object_set_string_member (root, "store_id", store_id);
  add_fake_slot (slots, "alice", "operator");
  add_fake_slot (slots, "bob", "operator");
  add_fake_slot (slots, "@recovery", "recovery");
  json_object_set_array_member (root, "slots", slots);

  json_object_set_int_member (event, "time", 1700000000);
  json_object_set_string_member (event, "action", "login.failed");
  json_object_set_string_member (event, "username", "bob");
  json_object_set_string_member (event, "outcome", "denied");
  json_object_set_string_member (event, "detail", "");
  json_array_add_object_element (pending, event);
  json_object_set_array_member (root, "pending_events", pending);

  return json_node_init_object (json_node_alloc (), root);
}

static JsonObject *
get_slot (JsonObject *root, guint position)
{
  return json_array_get_object_element (json_object_get_array_member (root, "slots"), position);
}

static void
set_base64_of_length (JsonObject *holder, const char *member, gsize len)
{
  guint8 data[64] = { 0 };
  g_autofree char *text = g_base64_encode (data, len);

  json_object_set_string_member (holder, member, text);
}

typedef struct
{
  const char *name;
  /* Either edits the document… */
  void (*edit_json) (JsonObject *root);
  /* …or the file's bytes. */
  void (*edit_text) (GString *text);
} Damage;

static void
cut_in_half (GString *text)
{
  g_string_truncate (text, text->len / 2);
}

static void
garble (GString *text)
{
  pb_random_bytes ((guint8 *)text->str, text->len);
}

static void
empty (GString *text)
{
  g_string_truncate (text, 0);
}

static void
make_array (GString *text)
{
  g_string_assign (text, "[]");
}

static void
wrong_format (JsonObject *root)
{
  json_object_set_string_member (root, "format", "luks2");
}

static void
wrong_version (JsonObject *root)
{
  json_object_set_int_member (root, "version", 3);
}

static void
version_as_string (JsonObject *root)
{
  json_object_set_string_member (root, "version", "1");
}

static void
bad_store_id (JsonObject *root)
{
  json_object_set_string_member (root, "store_id", "0123456789abcdef");
}

static void
no_slots (JsonObject *root)
{
  json_object_remove_member (root, "slots");
}

static void
no_pending_events (JsonObject *root)
{
  json_object_remove_member (root, "pending_events");
}

static void
no_username (JsonObject *root)
{
  json_object_remove_member (get_slot (root, 0), "username");
}

static void
unknown_kind (JsonObject *root)
{
  json_object_set_string_member (get_slot (root, 0), "kind", "admin");
}

static void
operator_as_recovery (JsonObject *root)
{
  json_object_set_string_member (get_slot (root, 0), "kind", "recovery");
}

static void
duplicate_username (JsonObject *root)
{
  json_object_set_string_member (get_slot (root, 1), "username", "alice");
}

static void
negative_failures (JsonObject *root)
{
  json_object_set_int_member (get_slot (root, 0), "failures", -1);
}

static void
no_locked_until (JsonObject *root)
{
  json_object_remove_member (get_slot (root, 1), "locked_until");
}

static void
other_kdf (JsonObject *root)
{
  json_object_set_string_member (json_object_get_object_member (get_slot (root, 0), "kdf"), "name",
                                 "argon2id");
}

static void
n_not_power_of_two (JsonObject *root)
{
  json_object_set_int_member (json_object_get_object_member (get_slot (root, 0), "kdf"), "n",
                              100000);
}

static void
n_too_large (JsonObject *root)
{
  json_object_set_int_member (json_object_get_object_member (get_slot (root, 0), "kdf"), "n",
                              1 << 23);
}

static void
r_too_large (JsonObject *root)
{
  json_object_set_int_member (json_object_get_object_member (get_slot (root, 0), "kdf"), "r", 33);
}

static void
p_too_large (JsonObject *root)
{
  json_object_set_int_member (json_object_get_object_member (get_slot (root, 0), "kdf"), "p", 17);
}

static void
other_cipher (JsonObject *root)
{
  json_object_set_string_member (get_slot (root, 0), "cipher", "aes-128-gcm");
}

static void
short_salt (JsonObject *root)
{
  set_base64_of_length (json_object_get_object_member (get_slot (root, 0), "kdf"), "salt", 15);
}

static void
long_nonce (JsonObject *root)
{
  set_base64_of_length (get_slot (root, 1), "nonce", 16);
}

static void
short_ciphertext (JsonObject *root)
{
  set_base64_of_length (get_slot (root, 2), "ciphertext", 31);
}

static void
short_tag (JsonObject *root)
{
  set_base64_of_length (get_slot (root, 0), "tag", 12);
}

static void
tag_not_base64 (JsonObject *root)
{
  json_object_set_string_member (get_slot (root, 0), "tag", "!!!!!!!!!!!!!!!!!!!!!!!!");
}

static void
incomplete_event (JsonObject *root)
{
  JsonArray *events = json_object_get_array_member (root, "pending_events");

  json_object_remove_member (json_array_get_object_element (events, 0), "action");
}

/* Format 2 members in a format 1 file. */
static void
sealed_in_version_1 (JsonObject *root)
{
  set_base64_of_length (get_slot (root, 0), "public_key", 32);
}

static const Damage damages[] = {
  { "sealed-in-version-1", sealed_in_version_1, NULL },
  { "truncated", NULL, cut_in_half },
  { "garbled", NULL, garble },
  { "empty", NULL, empty },
  { "not-an-object", NULL, make_array },
  { "wrong-format", wrong_format, NULL },
  { "wrong-version", wrong_version, NULL },
  { "version-as-string", version_as_string, NULL },
  { "bad-store-id", bad_store_id, NULL },
  { "no-slots", no_slots, NULL },
  { "no-pending-events", no_pending_events, NULL },
  { "no-username", no_username, NULL },
  { "unknown-kind", unknown_kind, NULL },
  { "operator-as-recovery", operator_as_recovery, NULL },
  { "duplicate-username", duplicate_username, NULL },
  { "negative-failures", negative_failures, NULL },
  { "no-locked-until", no_locked_until, NULL },
  { "other-kdf", other_kdf, NULL },
  { "n-not-power-of-two", n_not_power_of_two, NULL },
  { "n-too-large", n_too_large, NULL },
  { "r-too-large", r_too_large, NULL },
  { "p-too-large", p_too_large, NULL },
  { "other-cipher", other_cipher, NULL },
  { "short-salt", short_salt, NULL },
  { "long-nonce", long_nonce, NULL },
  { "short-ciphertext", short_ciphertext, NULL },
  { "short-tag", short_tag, NULL },
  { "tag-not-base64", tag_not_base64, NULL },
  { "incomplete-event", incomplete_event, NULL },
};

/* The undamaged sample loads, so each damage below is what makes it fail. */
static void
test_sample_loads (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (JsonNode) root = build_sample (fixture->store_id);
  g_autoptr (PbKeyslots) slots = NULL;
  g_autoptr (GPtrArray) events = NULL;
  g_auto (GStrv) names = NULL;

  write_json (fixture->path, root);
  slots = load_ok (fixture->path);

  names = pb_keyslots_list_usernames (slots);
  g_assert_cmpstrv (names, ((const char *const[]){ "alice", "bob", NULL }));
  g_assert_true (pb_keyslots_has_slot (slots, PB_RECOVERY_SLOT));
  events = pb_keyslots_take_pending_events (slots);
  g_assert_cmpuint (events->len, ==, 1);
}

static void
test_damaged (Fixture *fixture, gconstpointer user_data)
{
  const Damage *damage = user_data;
  g_autoptr (JsonNode) root = build_sample (fixture->store_id);
  g_autoptr (PbKeyslots) slots = NULL;
  g_autoptr (GError) error = NULL;

  if (damage->edit_json != NULL)
    damage->edit_json (json_node_get_object (root));
  write_json (fixture->path, root);

  if (damage->edit_text != NULL)
    {
      g_autofree char *contents = NULL;
      g_autoptr (GString) text = NULL;
      GError *write_error = NULL;

      g_assert_true (g_file_get_contents (fixture->path, &contents, NULL, NULL));
      text = g_string_new (contents);
      damage->edit_text (text);
      g_file_set_contents (fixture->path, text->str, (gssize)text->len, &write_error);
      g_assert_no_error (write_error);
    }

  slots = pb_keyslots_load (fixture->path, &error);
  g_assert_null (slots);
  g_assert_error (error, PB_KEYSLOT_ERROR, PB_KEYSLOT_ERROR_CORRUPT);
  /* The person reading it learns which file. */
  g_assert_nonnull (strstr (error->message, fixture->path));
  g_test_message ("%s", error->message);
}

/* The recovery code. */

static void
test_recovery_code (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GRegex) shape = g_regex_new ("^[A-Z2-7]{5}(-[A-Z2-7]{5}){5}$", G_REGEX_DEFAULT,
                                          G_REGEX_MATCH_DEFAULT, NULL);
  g_autoptr (PbKeyslots) slots = pb_keyslots_new (fixture->store_id);
  g_autoptr (JsonNode) root = NULL;
  g_auto (GStrv) names = NULL;
  char *code = pb_keyslots_generate_recovery_code ();
  char *other = pb_keyslots_generate_recovery_code ();
  char *normal;
  char *typed;

  g_assert_true (g_regex_match (shape, code, 0, NULL));
  g_assert_true (g_regex_match (shape, other, 0, NULL));
  g_assert_cmpstr (code, !=, other);

  normal = pb_keyslots_normalize_recovery_code ("abcde fghij-klmno\tpqrst - uvwxy-Z2345\n");
  g_assert_cmpstr (normal, ==, "ABCDEFGHIJKLMNOPQRSTUVWXYZ2345");
  pb_secure_free_string (normal);

  set_slot_ok (slots, "alice", "alice's password", fixture->master_key);
  set_slot_ok (slots, PB_RECOVERY_SLOT, code, fixture->master_key);

  /* Typed from the printout in lower case, with spaces for dashes. */
  typed = g_ascii_strdown (code, -1);
  g_strdelimit (typed, "-", ' ');
  assert_unwraps_to (slots, PB_RECOVERY_SLOT, typed, fixture->master_key);

  g_assert_true (pb_keyslots_has_slot (slots, PB_RECOVERY_SLOT));
  names = pb_keyslots_list_usernames (slots);
  g_assert_cmpstrv (names, ((const char *const[]){ "alice", NULL }));

  save_ok (slots, fixture->path);
  root = read_json (fixture->path);
  g_assert_cmpstr (
      json_object_get_string_member (find_slot_object (root, PB_RECOVERY_SLOT), "kind"), ==,
      "recovery");

  pb_secure_free_string (typed);
  pb_secure_free_string (other);
  pb_secure_free_string (code);
}

/* tests/tools/unwrap-keyslot.py follows docs/SECURITY.md, not this code. */

static char *
run_unwrap_script (const char *path, const char *username, const char *password,
                   gboolean *succeeded)
{
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "tools", "unwrap-keyslot.py", NULL);
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *input = g_strconcat (password, "\n", NULL);
  char *output = NULL;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                              &error, "/usr/bin/python3", script, path, username, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input, NULL, &output, NULL, &error);
  g_assert_no_error (error);

  *succeeded = g_subprocess_get_if_exited (process) && g_subprocess_get_exit_status (process) == 0;
  return output;
}

static void
test_independent_unwrap (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (PbKeyslots) slots = pb_keyslots_new (fixture->store_id);
  g_autofree char *expected = pb_hex_encode (fixture->master_key, PB_MASTER_KEY_LEN);
  g_autofree char *output = NULL;
  g_autofree char *wrong = NULL;
  g_autofree char *recovered = NULL;
  g_autofree char *typed = NULL;
  char *code = pb_keyslots_generate_recovery_code ();
  gboolean succeeded = FALSE;

  if (!g_file_test ("/usr/bin/python3", G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("/usr/bin/python3 is not installed");
      pb_secure_free_string (code);
      return;
    }

  /* Not ASCII, so the UTF-8 encoding of passwords is checked too. */
  set_slot_ok (slots, "zoë", "Pässwörd — ünïcödé ✓", fixture->master_key);
  set_slot_ok (slots, PB_RECOVERY_SLOT, code, fixture->master_key);
  save_ok (slots, fixture->path);

  output = run_unwrap_script (fixture->path, "zoë", "Pässwörd — ünïcödé ✓", &succeeded);
  g_assert_true (succeeded);
  g_assert_cmpstr (g_strchomp (output), ==, expected);

  wrong = run_unwrap_script (fixture->path, "zoë", "Passwort", &succeeded);
  g_assert_false (succeeded);
  g_assert_cmpstr (wrong, ==, "");

  typed = g_ascii_strdown (code, -1);
  recovered = run_unwrap_script (fixture->path, PB_RECOVERY_SLOT, typed, &succeeded);
  g_assert_true (succeeded);
  g_assert_cmpstr (g_strchomp (recovered), ==, expected);

  pb_secure_free_string (code);
}

static gpointer
take_lock_thread (gpointer path)
{
  g_autoptr (GError) error = NULL;
  PbKeyslotsLock *lock = pb_keyslots_lock (path, &error);

  g_assert_no_error (error);
  return lock;
}

/* Saves replace the file, so a process that waited for the lock on the old
 * file must end up holding the lock on the new one. */
static void
test_lock_follows_save (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PbKeyslots) slots = pb_keyslots_new (fixture->store_id);
  g_autoptr (PbKeyslotsLock) mine = NULL;
  g_autoptr (PbKeyslotsLock) theirs = NULL;
  GThread *thread;
  int fd;

  g_assert_true (pb_keyslots_save (slots, fixture->path, &error));
  g_assert_no_error (error);
  mine = pb_keyslots_lock (fixture->path, &error);
  g_assert_no_error (error);

  /* The other taker waits on this file (or, if it starts late, opens the
   * next one); this side then saves a new file and lets go. */
  thread = g_thread_new ("lock", take_lock_thread, fixture->path);
  pb_keyslots_add_pending_event (slots, 1700000000, "login.failed", "bob", "denied", "");
  g_assert_true (pb_keyslots_save (slots, fixture->path, &error));
  g_assert_no_error (error);
  g_clear_pointer (&mine, pb_keyslots_unlock);
  theirs = g_thread_join (thread);
  g_assert_nonnull (theirs);

  /* The file now in place is the one locked. */
  fd = open (fixture->path, O_RDWR | O_CLOEXEC);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (flock (fd, LOCK_EX | LOCK_NB), ==, -1);
  g_assert_cmpint (errno, ==, EWOULDBLOCK);
  g_clear_pointer (&theirs, pb_keyslots_unlock);
  g_assert_cmpint (flock (fd, LOCK_EX | LOCK_NB), ==, 0);
  close (fd);
}

static void
test_lock_missing_file (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PbKeyslotsLock) lock = pb_keyslots_lock (fixture->path, &error);

  g_assert_null (lock);
  g_assert_error (error, PB_KEYSLOT_ERROR, PB_KEYSLOT_ERROR_MISSING);
}

/* Re-keying. */

static void
test_rekey (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (PbKeyslots) slots = pb_keyslots_new (fixture->store_id);
  g_autoptr (PbKeyslots) loaded = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) unsealed = NULL;
  g_auto (GStrv) removed = NULL;
  g_autofree char *code = pb_keyslots_generate_recovery_code ();
  guint8 next[PB_MASTER_KEY_LEN];
  guint8 current_out[PB_MASTER_KEY_LEN];
  guint8 next_out[PB_MASTER_KEY_LEN];
  gboolean has_next = TRUE;

  pb_random_bytes (next, sizeof next);
  set_slot_ok (slots, "alice", "alice's password", fixture->master_key);
  set_slot_ok (slots, "bob", "bob's password", fixture->master_key);
  set_slot_ok (slots, PB_RECOVERY_SLOT, "OLDCODE", fixture->master_key);
  g_assert_true (pb_keyslots_is_sealed (slots, "alice"));
  g_assert_false (pb_keyslots_has_pending_rekey (slots));

  /* Begun: both keys open from Bob's slot, whose password nobody typed. */
  g_assert_true (pb_keyslots_seal_next (slots, fixture->master_key, next, &unsealed, &error));
  g_assert_no_error (error);
  g_assert_cmpstrv (unsealed, ((const char *const[]){ NULL }));
  g_assert_true (pb_keyslots_set_pending_recovery (slots, code, next, &error));
  g_assert_no_error (error);
  save_ok (slots, fixture->path);
  loaded = load_ok (fixture->path);
  g_assert_true (pb_keyslots_has_pending_rekey (loaded));
  g_assert_true (pb_keyslots_unwrap_pending (loaded, "bob", "bob's password", current_out, next_out,
                                             &has_next, &error));
  g_assert_no_error (error);
  g_assert_true (has_next);
  g_assert_cmpmem (current_out, sizeof current_out, fixture->master_key, PB_MASTER_KEY_LEN);
  g_assert_cmpmem (next_out, sizeof next_out, next, sizeof next);
  /* The old recovery code still opens the old key until it is finished. */
  assert_unwraps_to (loaded, PB_RECOVERY_SLOT, "OLDCODE", fixture->master_key);

  /* Finished: only the new key, the new recovery code; nobody removed. */
  removed = pb_keyslots_finish_rekey (loaded, next);
  g_assert_cmpstrv (removed, ((const char *const[]){ NULL }));
  g_assert_false (pb_keyslots_has_pending_rekey (loaded));
  save_ok (loaded, fixture->path);
  g_clear_object (&loaded);
  loaded = load_ok (fixture->path);
  assert_unwraps_to (loaded, "alice", "alice's password", next);
  assert_unwraps_to (loaded, "bob", "bob's password", next);
  assert_unwraps_to (loaded, PB_RECOVERY_SLOT, code, next);
  assert_wrong_password (loaded, PB_RECOVERY_SLOT, "OLDCODE");
  pb_secure_free_string (g_steal_pointer (&code));
}

/* A public key put into the file by someone without the master key: the
 * owner's login fails, and a re-key refuses to seal anything to it. */
static void
test_planted_public_key (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (PbKeyslots) slots = pb_keyslots_new (fixture->store_id);
  g_autoptr (PbKeyslots) loaded = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GError) error = NULL;
  guint8 next[PB_MASTER_KEY_LEN];

  pb_random_bytes (next, sizeof next);
  set_slot_ok (slots, "alice", "alice's password", fixture->master_key);
  set_slot_ok (slots, "bob", "bob's password", fixture->master_key);
  save_ok (slots, fixture->path);
  root = read_json (fixture->path);
  set_base64_of_length (find_slot_object (root, "bob"), "public_key", 32);
  write_json (fixture->path, root);

  loaded = load_ok (fixture->path);
  assert_wrong_password (loaded, "bob", "bob's password");
  g_assert_false (pb_keyslots_seal_next (loaded, fixture->master_key, next, NULL, &error));
  g_assert_error (error, PB_KEYSLOT_ERROR, PB_KEYSLOT_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "bob"));
  g_assert_false (pb_keyslots_has_pending_rekey (loaded));
}

/* Slots of format 1 (no key pair) cannot be reached by a re-key: named,
 * then removed when it finishes. */
static void
test_rekey_format_1 (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (JsonNode) root = build_sample (fixture->store_id);
  g_autoptr (PbKeyslots) slots = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) unsealed = NULL;
  g_auto (GStrv) removed = NULL;
  g_auto (GStrv) names = NULL;
  guint8 next[PB_MASTER_KEY_LEN];

  pb_random_bytes (next, sizeof next);
  write_json (fixture->path, root);
  slots = load_ok (fixture->path);
  g_assert_false (pb_keyslots_is_sealed (slots, "alice"));
  g_assert_true (pb_keyslots_seal_next (slots, fixture->master_key, next, &unsealed, &error));
  g_assert_no_error (error);
  g_assert_cmpstrv (unsealed, ((const char *const[]){ "alice", "bob", NULL }));
  removed = pb_keyslots_finish_rekey (slots, next);
  g_assert_cmpstrv (removed, ((const char *const[]){ "alice", "bob", NULL }));
  names = pb_keyslots_list_usernames (slots);
  g_assert_cmpstrv (names, ((const char *const[]){ NULL }));
  g_assert_false (pb_keyslots_has_slot (slots, PB_RECOVERY_SLOT));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func)                                                                            \
  g_test_add ("/keyslots/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("round-trip", test_round_trip);
  ADD ("two-slots-rewrap-one", test_two_slots_rewrap_one);
  ADD ("remove-slot", test_remove_slot);
  ADD ("swapped-slot", test_swapped_slot);
  ADD ("save-load", test_save_load);
  ADD ("missing", test_missing);
  ADD ("lock-follows-save", test_lock_follows_save);
  ADD ("lock-missing-file", test_lock_missing_file);
  ADD ("save-to-missing-folder", test_save_to_missing_folder);
  ADD ("failed-save-keeps-old-file", test_failed_save_keeps_old_file);
  ADD ("damaged/sample-loads", test_sample_loads);
  ADD ("recovery-code", test_recovery_code);
  ADD ("independent-unwrap", test_independent_unwrap);
  ADD ("rekey", test_rekey);
  ADD ("rekey/planted-public-key", test_planted_public_key);
  ADD ("rekey/format-1", test_rekey_format_1);

#undef ADD

  for (guint i = 0; i < G_N_ELEMENTS (damages); i++)
    {
      g_autofree char *path = g_strdup_printf ("/keyslots/damaged/%s", damages[i].name);

      g_test_add (path, Fixture, &damages[i], fixture_set_up, test_damaged, fixture_tear_down);
    }

  return g_test_run ();
}
