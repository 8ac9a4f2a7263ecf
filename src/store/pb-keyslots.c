/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>

#include "pb-keyslots.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "pb-keyslots-private.h"
#include "util/pb-secure.h"

/* docs/SECURITY.md, "Keyslot file format", describes all of this; keep the
 * two in step (tests/tools/unwrap-keyslot.py is checked against this code). */

#define FORMAT_NAME "packbench-keyslots"
#define FORMAT_VERSION 2
#define OLDEST_FORMAT_VERSION 1
#define AAD_PREFIX "packbench-keyslot-v1"
#define AAD_PREFIX_SEALED "packbench-keyslot-v2"
#define SEAL_AAD_PREFIX "packbench-seal-v2"
#define MAC_PREFIX "packbench-slot-mac-v2"
#define KIND_OPERATOR "operator"
#define KIND_RECOVERY "recovery"
#define KDF_NAME "scrypt"
#define CIPHER_NAME "aes-256-gcm"

#define STORE_ID_LEN 32
#define SALT_LEN 16
#define NONCE_LEN 12
#define TAG_LEN 16

#define KDF_N G_GUINT64_CONSTANT (131072)
#define KDF_R 8
#define KDF_P 1

/* Limits on parameters read from a file; beyond them the file is corrupt.
 * The memory cap keeps every valid file within what other scrypt
 * implementations accept (Python's hashlib refuses more than 2 GiB). */
#define MAX_KDF_N (G_GUINT64_CONSTANT (1) << 22)
#define MAX_KDF_R 32
#define MAX_KDF_P 16
#define MAX_KDF_MEMORY (G_GUINT64_CONSTANT (1) << 30)

#define RECOVERY_CODE_GROUPS 6
#define RECOVERY_CODE_GROUP_LEN 5

typedef struct
{
  char *username;
  gboolean recovery;
  guint failures;
  gint64 locked_until;
  guint64 n;
  guint32 r;
  guint32 p;
  guint8 salt[SALT_LEN];
  guint8 nonce[NONCE_LEN];
  guint8 ciphertext[PB_MASTER_KEY_LEN]; /* the master key, or when sealed the private key */
  guint8 tag[TAG_LEN];
  /* Format 2 ("sealed") slots: an X25519 key pair whose private key is the
   * ciphertext above; the master key sealed to the public key; a MAC under
   * the master key over the public key. During a re-key, @next seals the
   * new master key too. Format 1 slots wrap the master key directly. */
  gboolean sealed;
  guint8 public_key[PB_X25519_LEN];
  guint8 mac[PB_SLOT_MAC_LEN];
  PbSeal seal;
  gboolean has_next;
  PbSeal next;
} Slot;

struct _PbKeyslots
{
  GObject parent_instance;

  char *store_id;
  GPtrArray *slots;       /* (element-type Slot) in file order */
  GPtrArray *pending;     /* (element-type PbPendingEvent) oldest first */
  Slot *pending_recovery; /* during a re-key: the new recovery slot */
};

G_DEFINE_FINAL_TYPE (PbKeyslots, pb_keyslots, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_STORE_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GQuark
pb_keyslot_error_quark (void)
{
  return g_quark_from_static_string ("pb-keyslot-error-quark");
}

static void
slot_free (gpointer data)
{
  Slot *slot = data;

  if (slot == NULL)
    return;
  g_free (slot->username);
  g_free (slot);
}

/**
 * pb_pending_event_free:
 * @event: (nullable): an event
 *
 * Frees @event and its strings.
 */
void
pb_pending_event_free (PbPendingEvent *event)
{
  if (event == NULL)
    return;

  g_free (event->action);
  g_free (event->username);
  g_free (event->outcome);
  g_free (event->detail);
  g_free (event);
}

static gboolean
is_valid_store_id (const char *store_id)
{
  if (store_id == NULL || strlen (store_id) != STORE_ID_LEN)
    return FALSE;

  for (const char *c = store_id; *c != '\0'; c++)
    if (!g_ascii_isdigit (*c) && !(*c >= 'a' && *c <= 'f'))
      return FALSE;

  return TRUE;
}

static const char *
get_kind (const Slot *slot)
{
  return slot->recovery ? KIND_RECOVERY : KIND_OPERATOR;
}

static Slot *
find_slot (PbKeyslots *self, const char *username, guint *index_out)
{
  for (guint i = 0; i < self->slots->len; i++)
    {
      Slot *slot = g_ptr_array_index (self->slots, i);

      if (g_strcmp0 (slot->username, username) == 0)
        {
          if (index_out != NULL)
            *index_out = i;
          return slot;
        }
    }

  return NULL;
}

/* Takes @slot as @username's: in place of the old one (its place in the
 * file kept, so a diff shows only it changed), or added at the end. */
static void
put_slot (PbKeyslots *self, const char *username, Slot *slot)
{
  guint position;

  if (find_slot (self, username, &position) != NULL)
    {
      slot_free (g_ptr_array_index (self->slots, position));
      self->slots->pdata[position] = slot;
    }
  else
    g_ptr_array_add (self->slots, slot);
}

/* The memory OpenSSL's scrypt allocates for these parameters, in bytes. */
static guint64
get_kdf_memory (guint64 n, guint32 r, guint32 p)
{
  return 128 * (guint64)r * (n + 2) + 128 * (guint64)r * p;
}

static gboolean
kdf_params_are_sane (gint64 n, gint64 r, gint64 p)
{
  if (n < 2 || (guint64)n > MAX_KDF_N || (n & (n - 1)) != 0)
    return FALSE;
  if (r < 1 || r > MAX_KDF_R || p < 1 || p > MAX_KDF_P)
    return FALSE;

  return 128 * (guint64)r * (guint64)n <= MAX_KDF_MEMORY;
}

/* What the password's key authenticates besides the wrapped key: a sealed
 * slot binds its public key too, so a changed public key fails the login. */
static char *
build_aad (PbKeyslots *self, const Slot *slot)
{
  g_autofree char *public_hex = NULL;

  if (!slot->sealed)
    return g_strdup_printf ("%s|%s|%s|%s", AAD_PREFIX, self->store_id, get_kind (slot),
                            slot->username);
  public_hex = pb_hex_encode (slot->public_key, PB_X25519_LEN);
  return g_strdup_printf ("%s|%s|%s|%s|%s", AAD_PREFIX_SEALED, self->store_id, get_kind (slot),
                          slot->username, public_hex);
}

static char *
build_seal_aad (PbKeyslots *self, const Slot *slot)
{
  return g_strdup_printf ("%s|%s|%s|%s", SEAL_AAD_PREFIX, self->store_id, get_kind (slot),
                          slot->username);
}

/* The slot's MAC under @master_key (see Slot). */
static gboolean
compute_mac (PbKeyslots *self, const Slot *slot, const guint8 *master_key, guint8 *mac_out)
{
  g_autofree char *public_hex = pb_hex_encode (slot->public_key, PB_X25519_LEN);
  g_autofree char *message = g_strdup_printf ("%s|%s|%s|%s|%s", MAC_PREFIX, self->store_id,
                                              get_kind (slot), slot->username, public_hex);

  return pb_keyslots_mac (master_key, message, mac_out);
}

/* The secret that goes into the KDF: the password as typed, or for the
 * recovery slot the normalised code. Free with pb_secure_free_string(). */
static char *
dup_kdf_secret (const Slot *slot, const char *password)
{
  if (slot->recovery)
    return pb_keyslots_normalize_recovery_code (password);

  return g_strdup (password);
}

/* scrypt(@secret, salt, N, r, p) into @key (PB_MASTER_KEY_LEN bytes). */
static gboolean
derive_key (const Slot *slot, const char *secret, guint8 *key, GError **error)
{
  EVP_KDF *kdf = NULL;
  EVP_KDF_CTX *ctx = NULL;
  uint64_t n = slot->n;
  uint32_t r = slot->r;
  uint32_t p = slot->p;
  /* Room for scrypt's own buffers plus a little slack. */
  uint64_t maxmem = get_kdf_memory (slot->n, slot->r, slot->p) + 1024 * 1024;
  OSSL_PARAM params[7];
  gboolean ok = FALSE;

  g_assert (kdf_params_are_sane ((gint64)slot->n, slot->r, slot->p));

  params[0] = OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_PASSWORD, (char *)secret,
                                                 strlen (secret));
  params[1]
      = OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_SALT, (guint8 *)slot->salt, SALT_LEN);
  params[2] = OSSL_PARAM_construct_uint64 (OSSL_KDF_PARAM_SCRYPT_N, &n);
  params[3] = OSSL_PARAM_construct_uint32 (OSSL_KDF_PARAM_SCRYPT_R, &r);
  params[4] = OSSL_PARAM_construct_uint32 (OSSL_KDF_PARAM_SCRYPT_P, &p);
  params[5] = OSSL_PARAM_construct_uint64 (OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem);
  params[6] = OSSL_PARAM_construct_end ();

  kdf = EVP_KDF_fetch (NULL, "SCRYPT", NULL);
  if (kdf != NULL)
    ctx = EVP_KDF_CTX_new (kdf);
  if (ctx != NULL && EVP_KDF_derive (ctx, key, PB_MASTER_KEY_LEN, params) == 1)
    ok = TRUE;

  EVP_KDF_CTX_free (ctx);
  EVP_KDF_free (kdf);

  if (!ok)
    {
      g_autofree char *size = g_format_size (get_kdf_memory (slot->n, slot->r, slot->p));

      pb_secure_wipe (key, PB_MASTER_KEY_LEN);
      /* With sane parameters this only fails when the memory cannot be had. */
      g_set_error (error, PB_KEYSLOT_ERROR, PB_KEYSLOT_ERROR_IO,
                   _ ("Could not derive the key from the password: scrypt needs %s of memory, "
                      "which the system could not provide. Close other programs and try again."),
                   size);
    }

  return ok;
}

static gboolean
set_crypto_error (GError **error)
{
  g_set_error_literal (error, PB_KEYSLOT_ERROR, PB_KEYSLOT_ERROR_IO,
                       _ ("The encryption library failed. Try again; if it keeps failing, "
                          "reinstall Packbench."));
  return FALSE;
}

/* AES-256-GCM: @master_key → slot->ciphertext and slot->tag. */
static gboolean
encrypt_master_key (PbKeyslots *self, Slot *slot, const guint8 *key, const guint8 *master_key,
                    GError **error)
{
  g_autofree char *aad = build_aad (self, slot);
  EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new ();
  int len = 0;
  int final_len = 0;
  gboolean ok;

  ok = ctx != NULL && EVP_EncryptInit_ex (ctx, EVP_aes_256_gcm (), NULL, NULL, NULL) == 1
       && EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_SET_IVLEN, NONCE_LEN, NULL) == 1
       && EVP_EncryptInit_ex (ctx, NULL, NULL, key, slot->nonce) == 1
       && EVP_EncryptUpdate (ctx, NULL, &len, (const guint8 *)aad, (int)strlen (aad)) == 1
       && EVP_EncryptUpdate (ctx, slot->ciphertext, &len, master_key, PB_MASTER_KEY_LEN) == 1
       && len == PB_MASTER_KEY_LEN
       && EVP_EncryptFinal_ex (ctx, slot->ciphertext + len, &final_len) == 1 && final_len == 0
       && EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_GET_TAG, TAG_LEN, slot->tag) == 1;

  EVP_CIPHER_CTX_free (ctx);

  if (!ok)
    return set_crypto_error (error);

  return TRUE;
}

/* AES-256-GCM: slot->ciphertext → @plain, WRONG_PASSWORD when the tag does
 * not verify (wrong key, or a slot moved to another user or store). */
static gboolean
decrypt_master_key (PbKeyslots *self, const Slot *slot, const guint8 *key, guint8 *plain,
                    GError **error)
{
  g_autofree char *aad = build_aad (self, slot);
  EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new ();
  guint8 tag[TAG_LEN];
  int len = 0;
  int final_len = 0;
  gboolean ready;
  gboolean verified = FALSE;

  memcpy (tag, slot->tag, TAG_LEN);

  ready = ctx != NULL && EVP_DecryptInit_ex (ctx, EVP_aes_256_gcm (), NULL, NULL, NULL) == 1
          && EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_SET_IVLEN, NONCE_LEN, NULL) == 1
          && EVP_DecryptInit_ex (ctx, NULL, NULL, key, slot->nonce) == 1
          && EVP_DecryptUpdate (ctx, NULL, &len, (const guint8 *)aad, (int)strlen (aad)) == 1
          && EVP_DecryptUpdate (ctx, plain, &len, slot->ciphertext, PB_MASTER_KEY_LEN) == 1
          && len == PB_MASTER_KEY_LEN
          && EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_SET_TAG, TAG_LEN, tag) == 1;
  if (ready)
    verified = EVP_DecryptFinal_ex (ctx, plain + len, &final_len) == 1 && final_len == 0;

  EVP_CIPHER_CTX_free (ctx);

  if (!ready)
    {
      pb_secure_wipe (plain, PB_MASTER_KEY_LEN);
      return set_crypto_error (error);
    }

  if (!verified)
    {
      pb_secure_wipe (plain, PB_MASTER_KEY_LEN);
      g_set_error_literal (error, PB_KEYSLOT_ERROR, PB_KEYSLOT_ERROR_WRONG_PASSWORD,
                           slot->recovery ? _ ("Wrong recovery code.") : _ ("Wrong password."));
      return FALSE;
    }

  return TRUE;
}

static void
pb_keyslots_finalize (GObject *object)
{
  PbKeyslots *self = (PbKeyslots *)object;

  g_clear_pointer (&self->store_id, g_free);
  g_clear_pointer (&self->slots, g_ptr_array_unref);
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  g_clear_pointer (&self->pending_recovery, slot_free);

  G_OBJECT_CLASS (pb_keyslots_parent_class)->finalize (object);
}

static void
pb_keyslots_constructed (GObject *object)
{
  PbKeyslots *self = (PbKeyslots *)object;

  G_OBJECT_CLASS (pb_keyslots_parent_class)->constructed (object);

  if (!is_valid_store_id (self->store_id))
    g_critical ("PbKeyslots:store-id must be 32 lower-case hex digits");
}

static void
pb_keyslots_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PbKeyslots *self = PB_KEYSLOTS (object);

  switch (prop_id)
    {
      case PROP_STORE_ID:
        g_value_set_string (value, self->store_id);
        break;

      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_keyslots_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  PbKeyslots *self = PB_KEYSLOTS (object);

  switch (prop_id)
    {
      case PROP_STORE_ID:
        g_free (self->store_id);
        self->store_id = g_value_dup_string (value);
        break;

      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pb_keyslots_class_init (PbKeyslotsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pb_keyslots_finalize;
  object_class->constructed = pb_keyslots_constructed;
  object_class->get_property = pb_keyslots_get_property;
  object_class->set_property = pb_keyslots_set_property;

  /**
   * PbKeyslots:store-id:
   *
   * The store these slots open: 32 lower-case hex digits, bound into every
   * slot so a slot cannot be moved to another store.
   */
  properties[PROP_STORE_ID]
      = g_param_spec_string ("store-id", NULL, NULL, NULL,
                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_EXPLICIT_NOTIFY
                                 | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pb_keyslots_init (PbKeyslots *self)
{
  self->slots = g_ptr_array_new_with_free_func (slot_free);
  self->pending = g_ptr_array_new_with_free_func ((GDestroyNotify)pb_pending_event_free);
}

/**
 * pb_keyslots_new:
 * @store_id: the store's id, 32 lower-case hex digits
 *
 * Returns: (transfer full): an empty set of slots.
 */
PbKeyslots *
pb_keyslots_new (const char *store_id)
{
  g_return_val_if_fail (is_valid_store_id (store_id), NULL);

  return g_object_new (PB_TYPE_KEYSLOTS, "store-id", store_id, NULL);
}

/* Loading. Every check names what is wrong so a support request can say. */

static gboolean
set_damaged (GError **error, const char *path, const char *problem)
{
  g_set_error (error, PB_KEYSLOT_ERROR, PB_KEYSLOT_ERROR_CORRUPT,
               _ ("The keyslot file %s is damaged (%s). Restore it from a backup."), path, problem);
  return FALSE;
}

static JsonNode *
get_member (JsonObject *object, const char *member)
{
  return json_object_has_member (object, member) ? json_object_get_member (object, member) : NULL;
}

static const char *
get_string_member (JsonObject *object, const char *member)
{
  JsonNode *node = get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static gboolean
get_int_member (JsonObject *object, const char *member, gint64 *out)
{
  JsonNode *node = get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;

  *out = json_node_get_int (node);
  return TRUE;
}

static JsonObject *
get_object_member (JsonObject *object, const char *member)
{
  JsonNode *node = get_member (object, member);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
get_array_member (JsonObject *object, const char *member)
{
  JsonNode *node = get_member (object, member);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/* Canonical padded base64 of exactly @len bytes, nothing else. */
static gboolean
decode_base64_exact (const char *text, guint8 *out, gsize len)
{
  g_autofree guint8 *data = NULL;
  g_autofree char *again = NULL;
  gsize data_len = 0;

  if (text == NULL || strlen (text) != (len + 2) / 3 * 4)
    return FALSE;

  for (const char *c = text; *c != '\0'; c++)
    if (!g_ascii_isalnum (*c) && *c != '+' && *c != '/' && *c != '=')
      return FALSE;

  data = g_base64_decode (text, &data_len);
  if (data_len != len)
    return FALSE;

  again = g_base64_encode (data, data_len);
  if (strcmp (again, text) != 0)
    return FALSE;

  memcpy (out, data, len);
  return TRUE;
}

static gboolean
parse_seal (JsonObject *object, PbSeal *seal)
{
  return object != NULL
         && decode_base64_exact (get_string_member (object, "ephemeral"), seal->ephemeral,
                                 PB_X25519_LEN)
         && decode_base64_exact (get_string_member (object, "nonce"), seal->nonce,
                                 PB_SEAL_NONCE_LEN)
         && decode_base64_exact (get_string_member (object, "ciphertext"), seal->ciphertext,
                                 PB_MASTER_KEY_LEN)
         && decode_base64_exact (get_string_member (object, "tag"), seal->tag, PB_SEAL_TAG_LEN);
}

/* The public-key members of a format 2 slot, when it has them. */
static gboolean
parse_sealed_members (Slot *slot, JsonObject *object, gint64 version, const char *path,
                      GError **error)
{
  JsonObject *next;

  if (get_member (object, "public_key") == NULL)
    return TRUE;

  if (version < 2
      || !decode_base64_exact (get_string_member (object, "public_key"), slot->public_key,
                               PB_X25519_LEN)
      || !decode_base64_exact (get_string_member (object, "mac"), slot->mac, PB_SLOT_MAC_LEN)
      || !parse_seal (get_object_member (object, "seal"), &slot->seal))
    {
      g_autofree char *text = g_strdup_printf (
          _ ("the public key, MAC or seal of the slot for “%s” is unusable"), slot->username);
      return set_damaged (error, path, text);
    }
  slot->sealed = TRUE;

  next = get_object_member (object, "next_seal");
  if (get_member (object, "next_seal") != NULL && !parse_seal (next, &slot->next))
    {
      g_autofree char *text
          = g_strdup_printf (_ ("the next seal of the slot for “%s” is unusable"), slot->username);
      return set_damaged (error, path, text);
    }
  slot->has_next = next != NULL;
  return TRUE;
}

static Slot *parse_slot_object (PbKeyslots *self, JsonNode *node, guint number, gint64 version,
                                const char *path, GError **error);

static gboolean
parse_slot (PbKeyslots *self, JsonNode *node, guint number, gint64 version, const char *path,
            GError **error)
{
  Slot *slot = parse_slot_object (self, node, number, version, path, error);

  if (slot == NULL)
    return FALSE;
  if (find_slot (self, slot->username, NULL) != NULL)
    {
      g_autofree char *text = g_strdup_printf (_ ("there are two slots for “%s”"), slot->username);
      slot_free (slot);
      return set_damaged (error, path, text);
    }
  g_ptr_array_add (self->slots, slot);
  return TRUE;
}

static Slot *
parse_slot_object (PbKeyslots *self, JsonNode *node, guint number, gint64 version, const char *path,
                   GError **error)
{
  JsonObject *object;
  JsonObject *kdf;
  const char *username;
  const char *kind;
  const char *name;
  gint64 failures, locked_until, n, r, p;
  Slot *slot;
  struct
  {
    const char *member;
    guint8 *out;
    gsize len;
  } fields[4];

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autofree char *text = g_strdup_printf (_ ("slot %u is not an object"), number);
      set_damaged (error, path, text);
      return NULL;
    }
  object = json_node_get_object (node);

  username = get_string_member (object, "username");
  if (username == NULL || *username == '\0')
    {
      g_autofree char *text = g_strdup_printf (_ ("slot %u has no username"), number);
      set_damaged (error, path, text);
      return NULL;
    }

  kind = get_string_member (object, "kind");
  if (g_strcmp0 (kind, KIND_OPERATOR) != 0 && g_strcmp0 (kind, KIND_RECOVERY) != 0)
    {
      g_autofree char *text
          = g_strdup_printf (_ ("the slot for “%s” has an unknown kind"), username);
      set_damaged (error, path, text);
      return NULL;
    }
  if ((strcmp (kind, KIND_RECOVERY) == 0) != (strcmp (username, PB_RECOVERY_SLOT) == 0))
    {
      g_autofree char *text
          = g_strdup_printf (_ ("only the slot “%s” may be, and must be, of kind “%s”"),
                             PB_RECOVERY_SLOT, KIND_RECOVERY);
      set_damaged (error, path, text);
      return NULL;
    }

  if (!get_int_member (object, "failures", &failures) || failures < 0 || failures > G_MAXUINT)
    {
      g_autofree char *text
          = g_strdup_printf (_ ("the slot for “%s” has no valid failure count"), username);
      set_damaged (error, path, text);
      return NULL;
    }

  if (!get_int_member (object, "locked_until", &locked_until) || locked_until < 0)
    {
      g_autofree char *text
          = g_strdup_printf (_ ("the slot for “%s” has no valid lock time"), username);
      set_damaged (error, path, text);
      return NULL;
    }

  kdf = get_object_member (object, "kdf");
  name = kdf != NULL ? get_string_member (kdf, "name") : NULL;
  if (g_strcmp0 (name, KDF_NAME) != 0)
    {
      g_autofree char *text = g_strdup_printf (
          _ ("the slot for “%s” does not use the key derivation “%s”"), username, KDF_NAME);
      set_damaged (error, path, text);
      return NULL;
    }

  if (!get_int_member (kdf, "n", &n) || !get_int_member (kdf, "r", &r)
      || !get_int_member (kdf, "p", &p) || !kdf_params_are_sane (n, r, p))
    {
      g_autofree char *text
          = g_strdup_printf (_ ("the slot for “%s” has unusable scrypt parameters"), username);
      set_damaged (error, path, text);
      return NULL;
    }

  if (g_strcmp0 (get_string_member (object, "cipher"), CIPHER_NAME) != 0)
    {
      g_autofree char *text = g_strdup_printf (_ ("the slot for “%s” does not use the cipher “%s”"),
                                               username, CIPHER_NAME);
      set_damaged (error, path, text);
      return NULL;
    }

  slot = g_new0 (Slot, 1);
  fields[0].member = "salt";
  fields[0].out = slot->salt;
  fields[0].len = SALT_LEN;
  fields[1].member = "nonce";
  fields[1].out = slot->nonce;
  fields[1].len = NONCE_LEN;
  fields[2].member = "ciphertext";
  fields[2].out = slot->ciphertext;
  fields[2].len = PB_MASTER_KEY_LEN;
  fields[3].member = "tag";
  fields[3].out = slot->tag;
  fields[3].len = TAG_LEN;

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      JsonObject *holder = i == 0 ? kdf : object;

      if (!decode_base64_exact (get_string_member (holder, fields[i].member), fields[i].out,
                                fields[i].len))
        {
          g_autofree char *text
              = g_strdup_printf (_ ("the %s of the slot for “%s” is not %u bytes in base64"),
                                 fields[i].member, username, (guint)fields[i].len);
          slot_free (slot);
          set_damaged (error, path, text);
          return NULL;
        }
    }

  slot->username = g_strdup (username);
  slot->recovery = strcmp (kind, KIND_RECOVERY) == 0;
  slot->failures = (guint)failures;
  slot->locked_until = locked_until;
  slot->n = (guint64)n;
  slot->r = (guint32)r;
  slot->p = (guint32)p;
  if (!parse_sealed_members (slot, object, version, path, error))
    {
      slot_free (slot);
      return NULL;
    }

  return slot;
}

static gboolean
parse_pending_event (PbKeyslots *self, JsonNode *node, guint number, const char *path,
                     GError **error)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  const char *action = NULL;
  const char *username = NULL;
  const char *outcome = NULL;
  const char *detail = NULL;
  gint64 time = 0;
  PbPendingEvent *event;

  if (object != NULL)
    {
      action = get_string_member (object, "action");
      username = get_string_member (object, "username");
      outcome = get_string_member (object, "outcome");
      detail = get_string_member (object, "detail");
    }

  if (object == NULL || !get_int_member (object, "time", &time) || action == NULL || *action == '\0'
      || username == NULL || outcome == NULL || detail == NULL)
    {
      g_autofree char *text = g_strdup_printf (_ ("pending login event %u is incomplete"), number);
      return set_damaged (error, path, text);
    }

  event = g_new0 (PbPendingEvent, 1);
  event->time = time;
  event->action = g_strdup (action);
  event->username = g_strdup (username);
  event->outcome = g_strdup (outcome);
  event->detail = g_strdup (detail);
  g_ptr_array_add (self->pending, event);

  return TRUE;
}

/**
 * pb_keyslots_load:
 * @path: the keyslot file
 * @error: return location for a #GError
 *
 * Reads and checks the whole file. Slots are not unwrapped.
 *
 * Returns: (transfer full): the slots, or %NULL with %PB_KEYSLOT_ERROR_MISSING,
 *   %PB_KEYSLOT_ERROR_CORRUPT or (unreadable file) %PB_KEYSLOT_ERROR_IO.
 */
PbKeyslots *
pb_keyslots_load (const char *path, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (JsonParser) parser = NULL;
  g_autoptr (PbKeyslots) self = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  JsonNode *root;
  JsonObject *object;
  JsonArray *slots;
  JsonArray *pending;
  const char *format;
  const char *store_id;
  gint64 version;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_set_error (error, PB_KEYSLOT_ERROR, PB_KEYSLOT_ERROR_MISSING,
                     _ ("The keyslot file %s is missing. Without it nobody can log in to this "
                        "bench: restore it from a backup."),
                     path);
      else
        g_set_error (error, PB_KEYSLOT_ERROR, PB_KEYSLOT_ERROR_IO,
                     _ ("Could not read the keyslot file: %s. Check the file’s permissions."),
                     local_error->message);
      return NULL;
    }

  parser = json_parser_new ();
  if (length > G_MAXSSIZE
      || !json_parser_load_from_data (parser, contents, (gssize)length, &local_error))
    {
      g_autofree char *text = g_strdup_printf (_ ("it is not valid JSON: %s"),
                                               local_error != NULL ? local_error->message : "");
      set_damaged (error, path, text);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      set_damaged (error, path, _ ("it is not a JSON object"));
      return NULL;
    }
  object = json_node_get_object (root);

  format = get_string_member (object, "format");
  if (g_strcmp0 (format, FORMAT_NAME) != 0)
    {
      set_damaged (error, path, _ ("it is not a Packbench keyslot file"));
      return NULL;
    }

  if (!get_int_member (object, "version", &version))
    {
      set_damaged (error, path, _ ("it has no format version"));
      return NULL;
    }
  if (version < OLDEST_FORMAT_VERSION || version > FORMAT_VERSION)
    {
      g_set_error (error, PB_KEYSLOT_ERROR, PB_KEYSLOT_ERROR_CORRUPT,
                   _ ("The keyslot file %s has format version %" PRId64
                      ", but this version of Packbench reads only versions %d to %d. Use the "
                      "version of Packbench that wrote it, or restore the file from a backup."),
                   path, version, OLDEST_FORMAT_VERSION, FORMAT_VERSION);
      return NULL;
    }

  store_id = get_string_member (object, "store_id");
  if (!is_valid_store_id (store_id))
    {
      set_damaged (error, path, _ ("its store id is not 32 lower-case hex digits"));
      return NULL;
    }

  slots = get_array_member (object, "slots");
  if (slots == NULL)
    {
      set_damaged (error, path, _ ("it has no list of slots"));
      return NULL;
    }

  pending = get_array_member (object, "pending_events");
  if (pending == NULL)
    {
      set_damaged (error, path, _ ("it has no list of pending login events"));
      return NULL;
    }

  self = pb_keyslots_new (store_id);

  for (guint i = 0; i < json_array_get_length (slots); i++)
    if (!parse_slot (self, json_array_get_element (slots, i), i + 1, version, path, error))
      return NULL;

  if (get_member (object, "pending_recovery") != NULL)
    {
      self->pending_recovery = parse_slot_object (self, get_member (object, "pending_recovery"), 0,
                                                  version, path, error);
      if (self->pending_recovery == NULL)
        return NULL;
      if (!self->pending_recovery->recovery || !self->pending_recovery->sealed)
        {
          set_damaged (error, path, _ ("its pending recovery slot is not a sealed recovery slot"));
          return NULL;
        }
    }

  for (guint i = 0; i < json_array_get_length (pending); i++)
    if (!parse_pending_event (self, json_array_get_element (pending, i), i + 1, path, error))
      return NULL;

  return g_steal_pointer (&self);
}

/* Saving. */

static void
add_base64_member (JsonBuilder *builder, const char *member, const guint8 *data, gsize len)
{
  g_autofree char *text = g_base64_encode (data, len);

  json_builder_set_member_name (builder, member);
  json_builder_add_string_value (builder, text);
}

static void
add_seal (JsonBuilder *builder, const char *member, const PbSeal *seal)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_object (builder);
  add_base64_member (builder, "ephemeral", seal->ephemeral, PB_X25519_LEN);
  add_base64_member (builder, "nonce", seal->nonce, PB_SEAL_NONCE_LEN);
  add_base64_member (builder, "ciphertext", seal->ciphertext, PB_MASTER_KEY_LEN);
  add_base64_member (builder, "tag", seal->tag, PB_SEAL_TAG_LEN);
  json_builder_end_object (builder);
}

static void
add_slot (JsonBuilder *builder, const Slot *slot)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, slot->username);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, get_kind (slot));
  json_builder_set_member_name (builder, "failures");
  json_builder_add_int_value (builder, slot->failures);
  json_builder_set_member_name (builder, "locked_until");
  json_builder_add_int_value (builder, slot->locked_until);

  json_builder_set_member_name (builder, "kdf");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, KDF_NAME);
  json_builder_set_member_name (builder, "n");
  json_builder_add_int_value (builder, (gint64)slot->n);
  json_builder_set_member_name (builder, "r");
  json_builder_add_int_value (builder, slot->r);
  json_builder_set_member_name (builder, "p");
  json_builder_add_int_value (builder, slot->p);
  add_base64_member (builder, "salt", slot->salt, SALT_LEN);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "cipher");
  json_builder_add_string_value (builder, CIPHER_NAME);
  add_base64_member (builder, "nonce", slot->nonce, NONCE_LEN);
  add_base64_member (builder, "ciphertext", slot->ciphertext, PB_MASTER_KEY_LEN);
  add_base64_member (builder, "tag", slot->tag, TAG_LEN);
  if (slot->sealed)
    {
      add_base64_member (builder, "public_key", slot->public_key, PB_X25519_LEN);
      add_base64_member (builder, "mac", slot->mac, PB_SLOT_MAC_LEN);
      add_seal (builder, "seal", &slot->seal);
      if (slot->has_next)
        add_seal (builder, "next_seal", &slot->next);
    }
  json_builder_end_object (builder);
}

static char *
serialize (PbKeyslots *self, gsize *length)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, FORMAT_NAME);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, FORMAT_VERSION);
  json_builder_set_member_name (builder, "store_id");
  json_builder_add_string_value (builder, self->store_id);

  json_builder_set_member_name (builder, "slots");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->slots->len; i++)
    {
      const Slot *slot = g_ptr_array_index (self->slots, i);

      add_slot (builder, slot);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "pending_events");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->pending->len; i++)
    {
      const PbPendingEvent *event = g_ptr_array_index (self->pending, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "time");
      json_builder_add_int_value (builder, event->time);
      json_builder_set_member_name (builder, "action");
      json_builder_add_string_value (builder, event->action);
      json_builder_set_member_name (builder, "username");
      json_builder_add_string_value (builder, event->username);
      json_builder_set_member_name (builder, "outcome");
      json_builder_add_string_value (builder, event->outcome);
      json_builder_set_member_name (builder, "detail");
      json_builder_add_string_value (builder, event->detail);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  if (self->pending_recovery != NULL)
    {
      json_builder_set_member_name (builder, "pending_recovery");
      add_slot (builder, self->pending_recovery);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  text = json_generator_to_data (generator, NULL);

  *length = strlen (text) + 1;
  return g_strconcat (text, "\n", NULL);
}

static gboolean
write_all (int fd, const char *data, gsize length)
{
  while (length > 0)
    {
      gssize written = write (fd, data, MIN (length, (gsize)G_MAXSSIZE));

      if (written < 0)
        {
          if (errno == EINTR)
            continue;
          return FALSE;
        }
      if (written == 0)
        {
          errno = EIO;
          return FALSE;
        }

      data += written;
      length -= (gsize)written;
    }

  return TRUE;
}

static gboolean
set_save_error (GError **error, const char *path, int errsv)
{
  g_set_error (error, PB_KEYSLOT_ERROR, PB_KEYSLOT_ERROR_IO,
               _ ("Could not save the keyslot file %s: %s. The previous file was kept. Free some "
                  "disk space or check the folder’s permissions, then try again."),
               path, g_strerror (errsv));
  return FALSE;
}

/* Makes the rename itself durable. Some file systems cannot sync a folder
 * and say so with EINVAL; there is nothing more to do on those. */
static gboolean
sync_folder (const char *path, GError **error)
{
  g_autofree char *folder = g_path_get_dirname (path);
  int fd = open (folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int errsv = 0;

  if (fd < 0)
    errsv = errno;
  else
    {
      if (fsync (fd) != 0 && errno != EINVAL && errno != ENOTSUP)
        errsv = errno;
      close (fd);
    }

  if (errsv != 0)
    {
      g_set_error (error, PB_KEYSLOT_ERROR, PB_KEYSLOT_ERROR_IO,
                   _ ("The keyslot file %s was saved, but its folder could not be flushed to "
                      "disk (%s): a power cut now could lose the change. Check the disk."),
                   path, g_strerror (errsv));
      return FALSE;
    }

  return TRUE;
}

/**
 * pb_keyslots_save:
 * @self: a #PbKeyslots
 * @path: the keyslot file
 * @error: return location for a #GError
 *
 * Writes the file atomically (see the header). Failures are
 * %PB_KEYSLOT_ERROR_IO with the cause in the message.
 *
 * Returns: %TRUE when the new file is in place and on disk.
 */
gboolean
pb_keyslots_save (PbKeyslots *self, const char *path, GError **error)
{
  g_autofree char *data = NULL;
  g_autofree char *tmp_path = NULL;
  gsize length = 0;
  int fd;
  int errsv;

  g_return_val_if_fail (PB_IS_KEYSLOTS (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  data = serialize (self, &length);

  tmp_path = g_strdup_printf ("%s.XXXXXX", path);
  fd = g_mkstemp_full (tmp_path, O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0)
    return set_save_error (error, path, errno);

  if (!write_all (fd, data, length) || fsync (fd) != 0)
    {
      errsv = errno;
      close (fd);
      g_unlink (tmp_path);
      return set_save_error (error, path, errsv);
    }

  if (close (fd) != 0 || g_rename (tmp_path, path) != 0)
    {
      errsv = errno;
      g_unlink (tmp_path);
      return set_save_error (error, path, errsv);
    }

  return sync_folder (path, error);
}

struct _PbKeyslotsLock
{
  int fd;
};

static gboolean
set_lock_error (GError **error, const char *path, int errsv)
{
  if (errsv == ENOENT)
    g_set_error (error, PB_KEYSLOT_ERROR, PB_KEYSLOT_ERROR_MISSING,
                 _ ("The keyslot file %s is missing. Without it nobody can log in to this "
                    "bench: restore it from a backup."),
                 path);
  else
    g_set_error (error, PB_KEYSLOT_ERROR, PB_KEYSLOT_ERROR_IO,
                 _ ("Could not lock the keyslot file %s: %s. Check the file’s permissions."), path,
                 g_strerror (errsv));
  return FALSE;
}

/**
 * pb_keyslots_lock:
 * @path: the keyslot file
 * @error: return location for a #GError
 *
 * Waits for the exclusive lock on the keyslot file (see the header). The
 * file is opened for writing because flock() over NFS needs that.
 *
 * Returns: (transfer full): the lock; release it with pb_keyslots_unlock().
 */
PbKeyslotsLock *
pb_keyslots_lock (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  for (;;)
    {
      struct stat held, current;
      PbKeyslotsLock *lock;
      int fd = open (path, O_RDWR | O_CLOEXEC);
      int errsv;

      if (fd < 0)
        {
          set_lock_error (error, path, errno);
          return NULL;
        }
      while (flock (fd, LOCK_EX) != 0)
        if (errno != EINTR)
          {
            errsv = errno;
            close (fd);
            set_lock_error (error, path, errsv);
            return NULL;
          }

      /* A save renames a new file over the one this lock is on: then the
       * lock guards nothing, and the new file must be locked instead. */
      if (fstat (fd, &held) != 0 || stat (path, &current) != 0)
        {
          errsv = errno;
          close (fd);
          set_lock_error (error, path, errsv);
          return NULL;
        }
      if (held.st_dev != current.st_dev || held.st_ino != current.st_ino)
        {
          close (fd);
          continue;
        }

      lock = g_new0 (PbKeyslotsLock, 1);
      lock->fd = fd;
      return lock;
    }
}

/**
 * pb_keyslots_unlock:
 * @lock: (nullable): a lock from pb_keyslots_lock()
 *
 * Releases the lock.
 */
void
pb_keyslots_unlock (PbKeyslotsLock *lock)
{
  if (lock == NULL)
    return;
  close (lock->fd);
  g_free (lock);
}

/**
 * pb_keyslots_get_store_id:
 * @self: a #PbKeyslots
 *
 * Returns: the store id, 32 lower-case hex digits.
 */
const char *
pb_keyslots_get_store_id (PbKeyslots *self)
{
  g_return_val_if_fail (PB_IS_KEYSLOTS (self), NULL);

  return self->store_id;
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *)a, *(char *const *)b);
}

/**
 * pb_keyslots_list_usernames:
 * @self: a #PbKeyslots
 *
 * Returns: (transfer full): the usernames of operator slots, sorted
 *   bytewise; the recovery slot is not among them.
 */
GStrv
pb_keyslots_list_usernames (PbKeyslots *self)
{
  GPtrArray *names;

  g_return_val_if_fail (PB_IS_KEYSLOTS (self), NULL);

  names = g_ptr_array_new ();
  for (guint i = 0; i < self->slots->len; i++)
    {
      const Slot *slot = g_ptr_array_index (self->slots, i);

      if (!slot->recovery)
        g_ptr_array_add (names, g_strdup (slot->username));
    }
  g_ptr_array_sort (names, compare_strings);
  g_ptr_array_add (names, NULL);

  return (GStrv)g_ptr_array_free (names, FALSE);
}

/**
 * pb_keyslots_has_slot:
 * @self: a #PbKeyslots
 * @username: a username, or %PB_RECOVERY_SLOT
 *
 * Returns: whether @username has a slot.
 */
gboolean
pb_keyslots_has_slot (PbKeyslots *self, const char *username)
{
  g_return_val_if_fail (PB_IS_KEYSLOTS (self), FALSE);
  g_return_val_if_fail (username != NULL, FALSE);

  return find_slot (self, username, NULL) != NULL;
}

static gboolean
seal_to_slot (PbKeyslots *self, const Slot *slot, const guint8 *master_key, PbSeal *seal,
              GError **error)
{
  g_autofree char *aad = build_seal_aad (self, slot);

  if (!pb_keyslots_seal (slot->public_key, aad, master_key, seal))
    return set_crypto_error (error);
  return TRUE;
}

/* A format 2 slot for @username: a new key pair, its private key wrapped
 * under @password, @master_key sealed to it. One scrypt run. */
static Slot *
new_sealed_slot (PbKeyslots *self, const char *username, const char *password,
                 const guint8 *master_key, GError **error)
{
  Slot *fresh;
  char *secret;
  guint8 *key;
  gboolean ok;

  fresh = g_new0 (Slot, 1);
  fresh->username = g_strdup (username);
  fresh->recovery = strcmp (username, PB_RECOVERY_SLOT) == 0;
  fresh->sealed = TRUE;
  fresh->n = KDF_N;
  fresh->r = KDF_R;
  fresh->p = KDF_P;
  pb_random_bytes (fresh->salt, SALT_LEN);
  pb_random_bytes (fresh->nonce, NONCE_LEN);

  secret = dup_kdf_secret (fresh, password);
  /* The password's key, then the private key, in one locked page. */
  key = pb_secure_alloc (2 * PB_MASTER_KEY_LEN);
  ok = pb_keyslots_x25519_generate (key + PB_MASTER_KEY_LEN, fresh->public_key);
  if (!ok)
    set_crypto_error (error);
  ok = ok && derive_key (fresh, secret, key, error)
       && encrypt_master_key (self, fresh, key, key + PB_MASTER_KEY_LEN, error)
       && seal_to_slot (self, fresh, master_key, &fresh->seal, error);
  if (ok && !compute_mac (self, fresh, master_key, fresh->mac))
    ok = set_crypto_error (error);
  pb_secure_free (key, 2 * PB_MASTER_KEY_LEN);
  pb_secure_free_string (secret);

  if (!ok)
    {
      slot_free (fresh);
      return NULL;
    }
  return fresh;
}

/**
 * pb_keyslots_set_slot:
 * @self: a #PbKeyslots
 * @username: a username as it should be stored, or %PB_RECOVERY_SLOT
 * @password: the password (UTF-8, used as typed), or for %PB_RECOVERY_SLOT
 *   the recovery code in any form pb_keyslots_normalize_recovery_code() accepts
 * @master_key: (array fixed-size=32): the store's master key
 * @error: return location for a #GError
 *
 * Wraps @master_key for @username with a fresh salt and nonce, replacing
 * any slot @username had; other slots are not touched. Takes as long as
 * one scrypt run.
 *
 * Returns: %TRUE on success; the slots are changed in memory only.
 */
gboolean
pb_keyslots_set_slot (PbKeyslots *self, const char *username, const char *password,
                      const guint8 *master_key, GError **error)
{
  Slot *fresh;

  g_return_val_if_fail (PB_IS_KEYSLOTS (self), FALSE);
  g_return_val_if_fail (username != NULL && *username != '\0', FALSE);
  g_return_val_if_fail (g_utf8_validate (username, -1, NULL), FALSE);
  g_return_val_if_fail (password != NULL, FALSE);
  g_return_val_if_fail (master_key != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  fresh = new_sealed_slot (self, username, password, master_key, error);
  if (fresh == NULL)
    return FALSE;

  put_slot (self, username, fresh);

  return TRUE;
}

/**
 * pb_keyslots_remove_slot:
 * @self: a #PbKeyslots
 * @username: a username, or %PB_RECOVERY_SLOT
 *
 * Returns: %TRUE when there was a slot to remove.
 */
gboolean
pb_keyslots_remove_slot (PbKeyslots *self, const char *username)
{
  guint position;

  g_return_val_if_fail (PB_IS_KEYSLOTS (self), FALSE);
  g_return_val_if_fail (username != NULL, FALSE);

  if (find_slot (self, username, &position) == NULL)
    return FALSE;

  g_ptr_array_remove_index (self->slots, position);
  return TRUE;
}

/**
 * pb_keyslots_copy_slot:
 * @self: a #PbKeyslots
 * @source: another #PbKeyslots of the same store
 * @username: a username, or %PB_RECOVERY_SLOT
 *
 * Replaces (or adds) @username's slot in @self by a copy of the one in
 * @source, failure count and lock included.
 *
 * Returns: %TRUE when @source had the slot.
 */
gboolean
pb_keyslots_copy_slot (PbKeyslots *self, PbKeyslots *source, const char *username)
{
  const Slot *from;
  Slot *copy;

  g_return_val_if_fail (PB_IS_KEYSLOTS (self), FALSE);
  g_return_val_if_fail (PB_IS_KEYSLOTS (source), FALSE);
  g_return_val_if_fail (username != NULL, FALSE);
  g_return_val_if_fail (g_strcmp0 (self->store_id, source->store_id) == 0, FALSE);

  from = find_slot (source, username, NULL);
  if (from == NULL)
    return FALSE;

  copy = g_memdup2 (from, sizeof *from);
  copy->username = g_strdup (from->username);
  put_slot (self, username, copy);

  return TRUE;
}

/**
 * pb_keyslots_unwrap:
 * @self: a #PbKeyslots
 * @username: a username, or %PB_RECOVERY_SLOT
 * @password: the password, or the recovery code typed any way
 * @master_key_out: (out caller-allocates) (array fixed-size=32): receives
 *   the master key; left zeroed on failure
 * @error: return location for a #GError
 *
 * Takes as long as one scrypt run with the slot's parameters; call it from
 * a worker thread.
 *
 * Returns: %TRUE when the slot opened.
 */
static gboolean
set_no_slot_error (const char *username, GError **error)
{
  if (strcmp (username, PB_RECOVERY_SLOT) == 0)
    g_set_error_literal (error, PB_KEYSLOT_ERROR, PB_KEYSLOT_ERROR_NO_SUCH_SLOT,
                         _ ("This bench has no recovery code."));
  else
    g_set_error (error, PB_KEYSLOT_ERROR, PB_KEYSLOT_ERROR_NO_SUCH_SLOT,
                 _ ("There is no user “%s” on this bench."), username);
  return FALSE;
}

static gboolean
open_slot_seal (PbKeyslots *self, const Slot *slot, const guint8 *private_key, const PbSeal *seal,
                guint8 *master_key_out, GError **error)
{
  g_autofree char *aad = build_seal_aad (self, slot);
  int opened = pb_keyslots_open_seal (private_key, slot->public_key, aad, seal, master_key_out);

  if (opened < 0)
    return set_crypto_error (error);
  if (opened == 0)
    {
      g_set_error (error, PB_KEYSLOT_ERROR, PB_KEYSLOT_ERROR_CORRUPT,
                   _ ("The keyslot of “%s” opened, but the master key sealed in it does not: the "
                      "keyslot file was altered. Restore it from a backup."),
                   slot->username);
      return FALSE;
    }
  return TRUE;
}

/* One scrypt run: the current master key into @current_out and, during a
 * re-key, the next one into @next_out (when not NULL). */
static gboolean
unwrap_slot (PbKeyslots *self, const Slot *slot, const char *password, guint8 *current_out,
             guint8 *next_out, gboolean *has_next_out, GError **error)
{
  char *secret;
  guint8 *key;
  gboolean ok;

  if (has_next_out != NULL)
    *has_next_out = FALSE;
  secret = dup_kdf_secret (slot, password);
  /* One locked page for the derived key and the plaintext. */
  key = pb_secure_alloc (2 * PB_MASTER_KEY_LEN);
  ok = derive_key (slot, secret, key, error)
       && decrypt_master_key (self, slot, key, key + PB_MASTER_KEY_LEN, error);
  if (ok && !slot->sealed)
    memcpy (current_out, key + PB_MASTER_KEY_LEN, PB_MASTER_KEY_LEN);
  else if (ok)
    {
      ok = open_slot_seal (self, slot, key + PB_MASTER_KEY_LEN, &slot->seal, current_out, error);
      if (ok && slot->has_next && next_out != NULL)
        {
          ok = open_slot_seal (self, slot, key + PB_MASTER_KEY_LEN, &slot->next, next_out, error);
          if (ok && has_next_out != NULL)
            *has_next_out = TRUE;
        }
      if (!ok)
        pb_secure_wipe (current_out, PB_MASTER_KEY_LEN);
    }
  pb_secure_free (key, 2 * PB_MASTER_KEY_LEN);
  pb_secure_free_string (secret);

  return ok;
}

gboolean
pb_keyslots_unwrap (PbKeyslots *self, const char *username, const char *password,
                    guint8 *master_key_out, GError **error)
{
  const Slot *slot;

  g_return_val_if_fail (PB_IS_KEYSLOTS (self), FALSE);
  g_return_val_if_fail (username != NULL, FALSE);
  g_return_val_if_fail (password != NULL, FALSE);
  g_return_val_if_fail (master_key_out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  pb_secure_wipe (master_key_out, PB_MASTER_KEY_LEN);

  slot = find_slot (self, username, NULL);
  if (slot == NULL)
    return set_no_slot_error (username, error);

  return unwrap_slot (self, slot, password, master_key_out, NULL, NULL, error);
}

/**
 * pb_keyslots_unwrap_pending:
 * @self: a #PbKeyslots
 * @username: a username, or %PB_RECOVERY_SLOT
 * @password: the password, or the recovery code typed any way
 * @master_key_out: (out caller-allocates): the current master key
 * @next_key_out: (out caller-allocates): during an unfinished re-key, the
 *   new master key
 * @has_next_out: (out): whether @next_key_out was filled
 * @error: return location for a #GError
 *
 * pb_keyslots_unwrap() that also opens the slot's seal of an unfinished
 * re-key, with the same single scrypt run.
 *
 * Returns: %TRUE when the slot opened.
 */
gboolean
pb_keyslots_unwrap_pending (PbKeyslots *self, const char *username, const char *password,
                            guint8 *master_key_out, guint8 *next_key_out, gboolean *has_next_out,
                            GError **error)
{
  const Slot *slot;

  g_return_val_if_fail (PB_IS_KEYSLOTS (self), FALSE);
  g_return_val_if_fail (username != NULL && password != NULL, FALSE);
  g_return_val_if_fail (master_key_out != NULL && next_key_out != NULL, FALSE);
  g_return_val_if_fail (has_next_out != NULL, FALSE);

  pb_secure_wipe (master_key_out, PB_MASTER_KEY_LEN);
  pb_secure_wipe (next_key_out, PB_MASTER_KEY_LEN);
  *has_next_out = FALSE;

  slot = find_slot (self, username, NULL);
  if (slot == NULL)
    return set_no_slot_error (username, error);

  return unwrap_slot (self, slot, password, master_key_out, next_key_out, has_next_out, error);
}

/**
 * pb_keyslots_is_sealed:
 * @self: a #PbKeyslots
 * @username: a username, or %PB_RECOVERY_SLOT
 *
 * Returns: whether @username's slot is of format 2 (a re-key can reach it
 * without the password). FALSE when there is no such slot.
 */
gboolean
pb_keyslots_is_sealed (PbKeyslots *self, const char *username)
{
  const Slot *slot;

  g_return_val_if_fail (PB_IS_KEYSLOTS (self), FALSE);

  slot = find_slot (self, username, NULL);
  return slot != NULL && slot->sealed;
}

/**
 * pb_keyslots_has_pending_rekey:
 * @self: a #PbKeyslots
 *
 * Returns: whether a re-key was begun and neither finished nor abandoned.
 */
gboolean
pb_keyslots_has_pending_rekey (PbKeyslots *self)
{
  g_return_val_if_fail (PB_IS_KEYSLOTS (self), FALSE);

  if (self->pending_recovery != NULL)
    return TRUE;
  for (guint i = 0; i < self->slots->len; i++)
    if (((const Slot *)g_ptr_array_index (self->slots, i))->has_next)
      return TRUE;
  return FALSE;
}

/**
 * pb_keyslots_seal_next:
 * @self: a #PbKeyslots
 * @master_key: (array fixed-size=32): the current master key
 * @next_key: (array fixed-size=32): the new master key
 * @unsealed_out: (out) (transfer full): operators whose slots are still of
 *   format 1, which no re-key can reach (sorted)
 * @error: return location for a #GError
 *
 * Begins a re-key in memory: seals @next_key to every format 2 operator
 * slot beside its current seal. Each public key must carry a MAC under
 * @master_key: a public key put into the file by someone without the key
 * makes this fail (%PB_KEYSLOT_ERROR_CORRUPT) before anything is sealed.
 * The recovery slot is left alone: pb_keyslots_set_pending_recovery()
 * makes its successor.
 *
 * Returns: %TRUE on success.
 */
gboolean
pb_keyslots_seal_next (PbKeyslots *self, const guint8 *master_key, const guint8 *next_key,
                       GStrv *unsealed_out, GError **error)
{
  g_autoptr (GStrvBuilder) unsealed = g_strv_builder_new ();

  g_return_val_if_fail (PB_IS_KEYSLOTS (self), FALSE);
  g_return_val_if_fail (master_key != NULL && next_key != NULL, FALSE);

  for (guint i = 0; i < self->slots->len; i++)
    {
      const Slot *slot = g_ptr_array_index (self->slots, i);
      guint8 mac[PB_SLOT_MAC_LEN];

      if (slot->recovery || !slot->sealed)
        continue;
      if (!compute_mac (self, slot, master_key, mac))
        return set_crypto_error (error);
      if (CRYPTO_memcmp (mac, slot->mac, sizeof mac) != 0)
        {
          g_set_error (error, PB_KEYSLOT_ERROR, PB_KEYSLOT_ERROR_CORRUPT,
                       _ ("The public key in the keyslot of “%s” was not written by Packbench "
                          "(its MAC does not verify): the keyslot file was altered. Nothing was "
                          "re-keyed. Disable that operator, or restore the keyslot file."),
                       slot->username);
          return FALSE;
        }
    }

  for (guint i = 0; i < self->slots->len; i++)
    {
      Slot *slot = g_ptr_array_index (self->slots, i);

      if (slot->recovery)
        continue;
      if (!slot->sealed)
        {
          g_strv_builder_add (unsealed, slot->username);
          continue;
        }
      if (!seal_to_slot (self, slot, next_key, &slot->next, error))
        return FALSE;
      slot->has_next = TRUE;
    }

  if (unsealed_out != NULL)
    {
      *unsealed_out = g_strv_builder_end (unsealed);
      qsort (*unsealed_out, g_strv_length (*unsealed_out), sizeof (char *), compare_strings);
    }
  return TRUE;
}

/**
 * pb_keyslots_set_pending_recovery:
 * @self: a #PbKeyslots
 * @recovery_code: the new recovery code, typed any way
 * @next_key: (array fixed-size=32): the new master key
 * @error: return location for a #GError
 *
 * The recovery slot a re-key puts in place of the current one when it
 * finishes. One scrypt run.
 *
 * Returns: %TRUE on success.
 */
gboolean
pb_keyslots_set_pending_recovery (PbKeyslots *self, const char *recovery_code,
                                  const guint8 *next_key, GError **error)
{
  Slot *fresh;

  g_return_val_if_fail (PB_IS_KEYSLOTS (self), FALSE);
  g_return_val_if_fail (recovery_code != NULL && next_key != NULL, FALSE);

  fresh = new_sealed_slot (self, PB_RECOVERY_SLOT, recovery_code, next_key, error);
  if (fresh == NULL)
    return FALSE;
  slot_free (self->pending_recovery);
  self->pending_recovery = fresh;
  return TRUE;
}

/**
 * pb_keyslots_finish_rekey:
 * @self: a #PbKeyslots
 * @next_key: (array fixed-size=32): the new master key, which the database
 *   now opens with
 *
 * Every slot's next seal becomes its seal (and its MAC is made under
 * @next_key); slots without one open only the old key and are removed,
 * the old recovery slot among them; the pending recovery slot takes its
 * place.
 *
 * Returns: (transfer full): the operators whose slots were removed, sorted.
 */
GStrv
pb_keyslots_finish_rekey (PbKeyslots *self, const guint8 *next_key)
{
  g_autoptr (GStrvBuilder) removed = g_strv_builder_new ();
  GStrv list;

  g_return_val_if_fail (PB_IS_KEYSLOTS (self), NULL);
  g_return_val_if_fail (next_key != NULL, NULL);

  for (guint i = self->slots->len; i > 0; i--)
    {
      Slot *slot = g_ptr_array_index (self->slots, i - 1);

      if (slot->has_next)
        {
          slot->seal = slot->next;
          slot->has_next = FALSE;
          memset (&slot->next, 0, sizeof slot->next);
          compute_mac (self, slot, next_key, slot->mac);
          continue;
        }
      if (!slot->recovery)
        g_strv_builder_add (removed, slot->username);
      g_ptr_array_remove_index (self->slots, i - 1);
    }
  if (self->pending_recovery != NULL)
    g_ptr_array_add (self->slots, g_steal_pointer (&self->pending_recovery));

  list = g_strv_builder_end (removed);
  qsort (list, g_strv_length (list), sizeof (char *), compare_strings);
  return list;
}

/**
 * pb_keyslots_seal_next_for:
 * @self: a #PbKeyslots with an unfinished re-key
 * @username: a username whose slot is of format 2
 * @next_key: (array fixed-size=32): that re-key's new master key
 * @error: return location for a #GError
 *
 * Seals @next_key to @username's slot too (a slot written during an
 * unfinished re-key). Does nothing for a slot of format 1.
 *
 * Returns: %TRUE on success.
 */
gboolean
pb_keyslots_seal_next_for (PbKeyslots *self, const char *username, const guint8 *next_key,
                           GError **error)
{
  Slot *slot;

  g_return_val_if_fail (PB_IS_KEYSLOTS (self), FALSE);
  g_return_val_if_fail (username != NULL && next_key != NULL, FALSE);

  slot = find_slot (self, username, NULL);
  if (slot == NULL || !slot->sealed || slot->recovery)
    return TRUE;
  if (!seal_to_slot (self, slot, next_key, &slot->next, error))
    return FALSE;
  slot->has_next = TRUE;
  return TRUE;
}

/**
 * pb_keyslots_get_failures:
 * @self: a #PbKeyslots
 * @username: a username
 *
 * Returns: consecutive failed logins for @username; 0 when there is no slot.
 */
guint
pb_keyslots_get_failures (PbKeyslots *self, const char *username)
{
  const Slot *slot;

  g_return_val_if_fail (PB_IS_KEYSLOTS (self), 0);
  g_return_val_if_fail (username != NULL, 0);

  slot = find_slot (self, username, NULL);
  return slot != NULL ? slot->failures : 0;
}

/**
 * pb_keyslots_set_failures:
 * @self: a #PbKeyslots
 * @username: a username
 * @failures: consecutive failed logins
 *
 * Records the count in the slot; does nothing when @username has no slot
 * (there is nowhere to keep it, and nothing to lock).
 */
void
pb_keyslots_set_failures (PbKeyslots *self, const char *username, guint failures)
{
  Slot *slot;

  g_return_if_fail (PB_IS_KEYSLOTS (self));
  g_return_if_fail (username != NULL);

  slot = find_slot (self, username, NULL);
  if (slot != NULL)
    slot->failures = failures;
}

/**
 * pb_keyslots_get_locked_until:
 * @self: a #PbKeyslots
 * @username: a username
 *
 * Returns: the Unix time until which @username is locked out, 0 for none.
 */
gint64
pb_keyslots_get_locked_until (PbKeyslots *self, const char *username)
{
  const Slot *slot;

  g_return_val_if_fail (PB_IS_KEYSLOTS (self), 0);
  g_return_val_if_fail (username != NULL, 0);

  slot = find_slot (self, username, NULL);
  return slot != NULL ? slot->locked_until : 0;
}

/**
 * pb_keyslots_set_locked_until:
 * @self: a #PbKeyslots
 * @username: a username
 * @until: a Unix time, or 0 to unlock
 *
 * Does nothing when @username has no slot.
 */
void
pb_keyslots_set_locked_until (PbKeyslots *self, const char *username, gint64 until)
{
  Slot *slot;

  g_return_if_fail (PB_IS_KEYSLOTS (self));
  g_return_if_fail (username != NULL);
  g_return_if_fail (until >= 0);

  slot = find_slot (self, username, NULL);
  if (slot != NULL)
    slot->locked_until = until;
}

/**
 * pb_keyslots_add_pending_event:
 * @self: a #PbKeyslots
 * @time: Unix time of the event
 * @action: what happened, e.g. "login.failed"
 * @username: (nullable): who it was about
 * @outcome: (nullable): e.g. "denied"
 * @detail: (nullable): more, without personal data or secrets
 *
 * Queues an event for the audit log; save to keep it.
 */
void
pb_keyslots_add_pending_event (PbKeyslots *self, gint64 time, const char *action,
                               const char *username, const char *outcome, const char *detail)
{
  PbPendingEvent *event;

  g_return_if_fail (PB_IS_KEYSLOTS (self));
  g_return_if_fail (action != NULL && *action != '\0');

  event = g_new0 (PbPendingEvent, 1);
  event->time = time;
  event->action = g_strdup (action);
  event->username = g_strdup (username != NULL ? username : "");
  event->outcome = g_strdup (outcome != NULL ? outcome : "");
  event->detail = g_strdup (detail != NULL ? detail : "");
  g_ptr_array_add (self->pending, event);
}

/**
 * pb_keyslots_take_pending_events:
 * @self: a #PbKeyslots
 *
 * Returns: (transfer container) (element-type PbPendingEvent): the queued
 *   events, oldest first. The array frees the events when it goes.
 */
GPtrArray *
pb_keyslots_take_pending_events (PbKeyslots *self)
{
  GPtrArray *events;

  g_return_val_if_fail (PB_IS_KEYSLOTS (self), NULL);

  events = g_steal_pointer (&self->pending);
  self->pending = g_ptr_array_new_with_free_func ((GDestroyNotify)pb_pending_event_free);

  return events;
}

/**
 * pb_keyslots_get_kdf_params:
 * @n: (out) (optional): scrypt N
 * @r: (out) (optional): scrypt r
 * @p: (out) (optional): scrypt p
 *
 * The scrypt parameters new slots get.
 */
void
pb_keyslots_get_kdf_params (guint64 *n, guint32 *r, guint32 *p)
{
  if (n != NULL)
    *n = KDF_N;
  if (r != NULL)
    *r = KDF_R;
  if (p != NULL)
    *p = KDF_P;
}

/**
 * pb_keyslots_generate_recovery_code:
 *
 * Returns: (transfer full): a new code such as `ABCDE-FGHIJ-KLMNO-PQRST-UVWXY-Z2345`
 *   (150 random bits). Free it with pb_secure_free_string().
 */
char *
pb_keyslots_generate_recovery_code (void)
{
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  guint8 random[RECOVERY_CODE_GROUPS * RECOVERY_CODE_GROUP_LEN];
  char *code;
  char *c;

  G_STATIC_ASSERT (sizeof alphabet - 1 == 32);

  pb_random_bytes (random, sizeof random);

  code = g_malloc (RECOVERY_CODE_GROUPS * (RECOVERY_CODE_GROUP_LEN + 1));
  c = code;
  for (guint i = 0; i < sizeof random; i++)
    {
      if (i > 0 && i % RECOVERY_CODE_GROUP_LEN == 0)
        *c++ = '-';
      /* 256 is a multiple of 32, so the low five bits are uniform. */
      *c++ = alphabet[random[i] & 31];
    }
  *c = '\0';

  pb_secure_wipe (random, sizeof random);
  return code;
}

/**
 * pb_keyslots_normalize_recovery_code:
 * @typed: a recovery code as someone typed it
 *
 * Drops dashes and white space and upper-cases the rest, so
 * `abcde fghij-…` and `ABCDE-FGHIJ-…` are the same code.
 *
 * Returns: (transfer full): the code; free it with pb_secure_free_string().
 */
char *
pb_keyslots_normalize_recovery_code (const char *typed)
{
  char *code;
  char *c;

  g_return_val_if_fail (typed != NULL, NULL);

  code = g_malloc (strlen (typed) + 1);
  c = code;
  for (const char *t = typed; *t != '\0'; t++)
    {
      if (*t == '-' || g_ascii_isspace (*t))
        continue;
      *c++ = g_ascii_toupper (*t);
    }
  *c = '\0';

  return code;
}
