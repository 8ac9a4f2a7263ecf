/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "pb-http.h"

#include <string.h>

#include <curl/curl.h>
#include <glib/gi18n-lib.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include "pb-rate-limiter.h"
#include "util/pb-secure.h"
#include "util/pb-version.h"

#define DEFAULT_CONNECT_MS 10000
#define DEFAULT_TOTAL_MS 60000
#define DEFAULT_MAX_RETRIES 5
#define DEFAULT_BASE_BACKOFF_MS 1000
#define DEFAULT_MAX_BACKOFF_MS 60000

/* Labels and order pages are far smaller; a bigger answer is a fault. */
#define MAX_BODY_SIZE (64 * 1024 * 1024)

/* How long the transfer loop sleeps at most between looks at curl. */
#define POLL_INTERVAL_MS 1000

struct _PbHttpResponse
{
  gatomicrefcount ref_count;
  guint status;
  guint attempts;
  GHashTable *headers; /* lower-case name → value, of the final response */
  GBytes *body;
};

struct _PbHttpClient
{
  GObject parent_instance;

  GMutex mutex; /* guards the settings below */
  char *ca_file;
  guint connect_ms;
  guint total_ms;
  guint max_retries;
  guint base_backoff_ms;
  guint max_backoff_ms;

  PbRateLimiter *limiter; /* thread-safe on its own */
  char *user_agent;       /* immutable */

  /* Connections, TLS sessions and DNS answers shared by every call of this
   * client, so a sync of a hundred pages makes one TLS handshake, not a
   * hundred (each of which loads the CA store again). */
  CURLSH *share;
  GMutex share_locks[CURL_LOCK_DATA_LAST];
};

G_DEFINE_FINAL_TYPE (PbHttpClient, pb_http_client, G_TYPE_OBJECT)

G_DEFINE_BOXED_TYPE (PbHttpResponse, pb_http_response, pb_http_response_ref, pb_http_response_unref)

/* The settings one send works with, copied under the mutex. */
typedef struct
{
  char *ca_file;
  CURLSH *share; /* borrowed from the client */
  guint connect_ms;
  guint total_ms;
  guint max_retries;
  guint base_backoff_ms;
  guint max_backoff_ms;
} Settings;

/* Where a request goes, as curl's own parser read its URL. */
typedef struct
{
  CURLU *url;
  char *host; /* for messages; "[::1]" for an IPv6 address */
  gboolean https;
  gboolean loopback;
} Target;

/* The state of one attempt, shared with curl's callbacks. */
typedef struct
{
  GCancellable *cancellable;
  const char *ca_file;
  GByteArray *body;
  GHashTable *headers;
  char *last_header; /* name of the header a folded line continues */
  gboolean too_large;
} Transfer;

GQuark
pb_net_error_quark (void)
{
  return g_quark_from_static_string ("pb-net-error-quark");
}

static gpointer
init_curl_cb (gpointer data)
{
  return GINT_TO_POINTER (curl_global_init (CURL_GLOBAL_DEFAULT) == CURLE_OK);
}

static gboolean
ensure_curl (GError **error)
{
  static GOnce once = G_ONCE_INIT;

  if (GPOINTER_TO_INT (g_once (&once, init_curl_cb, NULL)))
    return TRUE;

  g_set_error_literal (error, PB_NET_ERROR, PB_NET_ERROR_FAILED,
                       _ ("The network library could not be started."));
  return FALSE;
}

/* Response */

static PbHttpResponse *
response_new (guint status, GHashTable *headers, GBytes *body)
{
  PbHttpResponse *response = g_new0 (PbHttpResponse, 1);

  g_atomic_ref_count_init (&response->ref_count);
  response->status = status;
  response->attempts = 1;
  response->headers = headers;
  response->body = body;

  return response;
}

/**
 * pb_http_response_ref:
 * @response: a response
 *
 * Returns: (transfer full): @response
 */
PbHttpResponse *
pb_http_response_ref (PbHttpResponse *response)
{
  g_return_val_if_fail (response != NULL, NULL);

  g_atomic_ref_count_inc (&response->ref_count);
  return response;
}

/**
 * pb_http_response_unref:
 * @response: (transfer full): a response
 */
void
pb_http_response_unref (PbHttpResponse *response)
{
  g_return_if_fail (response != NULL);

  if (!g_atomic_ref_count_dec (&response->ref_count))
    return;

  g_hash_table_unref (response->headers);
  g_bytes_unref (response->body);
  g_free (response);
}

/**
 * pb_http_response_get_status:
 * @response: a response
 *
 * Returns: the HTTP status code of the final response, e.g. 200
 */
guint
pb_http_response_get_status (PbHttpResponse *response)
{
  g_return_val_if_fail (response != NULL, 0);

  return response->status;
}

/**
 * pb_http_response_get_header:
 * @response: a response
 * @name: a header name, in any case
 *
 * Returns: (nullable): the value of the last @name header of the final
 * response, or %NULL when it had none
 */
const char *
pb_http_response_get_header (PbHttpResponse *response, const char *name)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (response != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  key = g_ascii_strdown (name, -1);
  return g_hash_table_lookup (response->headers, key);
}

/**
 * pb_http_response_get_body:
 * @response: a response
 *
 * Returns: (transfer none): the body, empty when there was none
 */
GBytes *
pb_http_response_get_body (PbHttpResponse *response)
{
  g_return_val_if_fail (response != NULL, NULL);

  return response->body;
}

/**
 * pb_http_response_get_attempts:
 * @response: a response
 *
 * Returns: how many attempts the send made; 1 when nothing was retried
 */
guint
pb_http_response_get_attempts (PbHttpResponse *response)
{
  g_return_val_if_fail (response != NULL, 0);

  return response->attempts;
}

/* Client */

static void
pb_http_client_finalize (GObject *object)
{
  PbHttpClient *self = PB_HTTP_CLIENT (object);

  g_clear_pointer (&self->ca_file, g_free);
  g_clear_pointer (&self->user_agent, g_free);
  g_clear_pointer (&self->limiter, pb_rate_limiter_free);
  g_clear_pointer (&self->share, curl_share_cleanup);
  for (guint i = 0; i < G_N_ELEMENTS (self->share_locks); i++)
    g_mutex_clear (&self->share_locks[i]);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (pb_http_client_parent_class)->finalize (object);
}

static void
pb_http_client_class_init (PbHttpClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pb_http_client_finalize;
}

static void
on_share_lock_cb (CURL *easy, curl_lock_data data, curl_lock_access access, void *user_data)
{
  PbHttpClient *self = user_data;

  g_mutex_lock (&self->share_locks[data]);
}

static void
on_share_unlock_cb (CURL *easy, curl_lock_data data, void *user_data)
{
  PbHttpClient *self = user_data;

  g_mutex_unlock (&self->share_locks[data]);
}

static void
pb_http_client_init (PbHttpClient *self)
{
  g_mutex_init (&self->mutex);
  for (guint i = 0; i < G_N_ELEMENTS (self->share_locks); i++)
    g_mutex_init (&self->share_locks[i]);
  if (ensure_curl (NULL) && (self->share = curl_share_init ()) != NULL)
    {
      curl_share_setopt (self->share, CURLSHOPT_LOCKFUNC, on_share_lock_cb);
      curl_share_setopt (self->share, CURLSHOPT_UNLOCKFUNC, on_share_unlock_cb);
      curl_share_setopt (self->share, CURLSHOPT_USERDATA, self);
      curl_share_setopt (self->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
      curl_share_setopt (self->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
      curl_share_setopt (self->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    }
  self->connect_ms = DEFAULT_CONNECT_MS;
  self->total_ms = DEFAULT_TOTAL_MS;
  self->max_retries = DEFAULT_MAX_RETRIES;
  self->base_backoff_ms = DEFAULT_BASE_BACKOFF_MS;
  self->max_backoff_ms = DEFAULT_MAX_BACKOFF_MS;
  self->limiter = pb_rate_limiter_new ();
  self->user_agent = pb_user_agent ();
}

/**
 * pb_http_client_new:
 *
 * Returns: (transfer full): a client with the default timeouts and retries,
 * the system's CA store and no rate limits
 */
PbHttpClient *
pb_http_client_new (void)
{
  return g_object_new (PB_TYPE_HTTP_CLIENT, NULL);
}

/**
 * pb_http_client_set_ca_file:
 * @self: a client
 * @ca_file: (nullable) (type filename): a PEM file of CA certificates
 *
 * Trusts the certificates of @ca_file as well as the system's store. A file
 * that cannot be read fails every HTTPS request with
 * %PB_NET_ERROR_CERTIFICATE rather than falling back to the system store.
 */
void
pb_http_client_set_ca_file (PbHttpClient *self, const char *ca_file)
{
  g_return_if_fail (PB_IS_HTTP_CLIENT (self));

  g_mutex_lock (&self->mutex);
  g_free (self->ca_file);
  self->ca_file = (ca_file != NULL && *ca_file != '\0') ? g_strdup (ca_file) : NULL;
  g_mutex_unlock (&self->mutex);
}

/**
 * pb_http_client_set_timeouts:
 * @self: a client
 * @connect_ms: the longest wait for a connection, in milliseconds
 * @total_ms: the longest one attempt may take, in milliseconds
 *
 * 0 leaves that timeout out, which only tests should want.
 */
void
pb_http_client_set_timeouts (PbHttpClient *self, guint connect_ms, guint total_ms)
{
  g_return_if_fail (PB_IS_HTTP_CLIENT (self));

  g_mutex_lock (&self->mutex);
  self->connect_ms = connect_ms;
  self->total_ms = total_ms;
  g_mutex_unlock (&self->mutex);
}

/**
 * pb_http_client_set_retry:
 * @self: a client
 * @max_retries: attempts after the first
 * @base_backoff_ms: the first backoff's upper bound
 * @max_backoff_ms: the highest backoff, and the cap on a Retry-After
 *
 * Sets how failed attempts are retried.
 */
void
pb_http_client_set_retry (PbHttpClient *self, guint max_retries, guint base_backoff_ms,
                          guint max_backoff_ms)
{
  g_return_if_fail (PB_IS_HTTP_CLIENT (self));

  g_mutex_lock (&self->mutex);
  self->max_retries = max_retries;
  self->base_backoff_ms = base_backoff_ms;
  self->max_backoff_ms = MAX (max_backoff_ms, base_backoff_ms);
  g_mutex_unlock (&self->mutex);
}

/**
 * pb_http_client_set_rate_limit:
 * @self: a client
 * @operation: the operation name requests give in #PbHttpRequest.operation
 * @rate: tokens per second; <= 0 removes the limit
 * @burst: the bucket's size; 0 counts as 1
 *
 * Gives @operation a token bucket; every attempt, retries included, takes a
 * token first.
 */
void
pb_http_client_set_rate_limit (PbHttpClient *self, const char *operation, double rate, guint burst)
{
  g_return_if_fail (PB_IS_HTTP_CLIENT (self));
  g_return_if_fail (operation != NULL);

  pb_rate_limiter_set (self->limiter, operation, rate, burst);
}

gboolean
pb_http_client_get_rate_tokens (PbHttpClient *self, const char *operation, double *tokens)
{
  g_return_val_if_fail (PB_IS_HTTP_CLIENT (self), FALSE);
  return pb_rate_limiter_get_tokens (self->limiter, operation, tokens);
}

void
pb_http_client_set_rate_tokens (PbHttpClient *self, const char *operation, double tokens)
{
  g_return_if_fail (PB_IS_HTTP_CLIENT (self));
  pb_rate_limiter_set_tokens (self->limiter, operation, tokens);
}

static void
copy_settings (PbHttpClient *self, Settings *settings)
{
  g_mutex_lock (&self->mutex);
  settings->ca_file = g_strdup (self->ca_file);
  settings->share = self->share;
  settings->connect_ms = self->connect_ms;
  settings->total_ms = self->total_ms;
  settings->max_retries = self->max_retries;
  settings->base_backoff_ms = self->base_backoff_ms;
  settings->max_backoff_ms = self->max_backoff_ms;
  g_mutex_unlock (&self->mutex);
}

/* Secrets: tokens travel in headers and bodies, so those are wiped before
 * they are freed. */

typedef struct
{
  guint8 *data;
  gsize len;
} WipedBuffer;

static void
free_wiped_buffer (gpointer user_data)
{
  WipedBuffer *buffer = user_data;

  pb_secure_wipe (buffer->data, buffer->len);
  g_free (buffer->data);
  g_free (buffer);
}

static GBytes *
steal_wiped_bytes (GByteArray *array)
{
  WipedBuffer *buffer = g_new0 (WipedBuffer, 1);

  buffer->data = g_byte_array_steal (array, &buffer->len);
  g_byte_array_unref (array);
  return g_bytes_new_with_free_func (buffer->data, buffer->len, free_wiped_buffer, buffer);
}

static void
free_wiped_header_list (struct curl_slist *list)
{
  for (struct curl_slist *item = list; item != NULL; item = item->next)
    pb_secure_wipe (item->data, strlen (item->data));
  curl_slist_free_all (list);
}

/* Requests */

static gboolean
is_loopback_host (const char *host)
{
  return g_ascii_strcasecmp (host, "localhost") == 0 || strcmp (host, "127.0.0.1") == 0
         || strcmp (host, "[::1]") == 0;
}

static gboolean
is_valid_method (const char *method)
{
  if (*method == '\0')
    return FALSE;

  for (const char *c = method; *c != '\0'; c++)
    if (!g_ascii_isupper (*c))
      return FALSE;

  return TRUE;
}

/* POST and PATCH may act twice when sent twice. GET, HEAD, PUT and DELETE
 * may not (RFC 9110 9.2.2): a DELETE sent again finds the thing gone (a
 * 404 the caller reads as done), a PUT sets the same state again. */
static gboolean
is_idempotent (const char *method)
{
  return strcmp (method, "POST") != 0 && strcmp (method, "PATCH") != 0;
}

static gboolean
has_header (const char *const *headers, const char *name)
{
  gsize len = strlen (name);

  for (gsize i = 0; headers != NULL && headers[i] != NULL; i++)
    if (g_ascii_strncasecmp (headers[i], name, len) == 0 && headers[i][len] == ':')
      return TRUE;

  return FALSE;
}

/*
 * Parses @request->url with curl's own parser, so the host checked here is
 * the host curl connects to, and checks everything curl would otherwise be
 * trusted with.
 */
static gboolean
check_request (const PbHttpRequest *request, Target *target, GError **error)
{
  CURLU *url = curl_url ();
  char *scheme = NULL;
  char *host = NULL;
  gboolean loopback;
  gboolean ok;

  if (url == NULL)
    {
      g_set_error_literal (error, PB_NET_ERROR, PB_NET_ERROR_FAILED,
                           _ ("There is not enough memory to send the request."));
      return FALSE;
    }

  if (curl_url_set (url, CURLUPART_URL, request->url, 0) != CURLUE_OK
      || curl_url_get (url, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK
      || curl_url_get (url, CURLUPART_HOST, &host, 0) != CURLUE_OK || *host == '\0')
    {
      g_set_error_literal (error, PB_NET_ERROR, PB_NET_ERROR_INVALID,
                           _ ("The address of the service is not a valid web address."));
      curl_free (scheme);
      curl_free (host);
      curl_url_cleanup (url);
      return FALSE;
    }

  loopback = is_loopback_host (host);
  ok = FALSE;

  if (strcmp (scheme, "https") != 0 && (strcmp (scheme, "http") != 0 || !loopback))
    {
      if (strcmp (scheme, "http") == 0)
        g_set_error (error, PB_NET_ERROR, PB_NET_ERROR_INVALID,
                     _ ("Packbench sends data to %s only over HTTPS, but the address of the "
                        "service starts with “http:”."),
                     host);
      else
        g_set_error (error, PB_NET_ERROR, PB_NET_ERROR_INVALID,
                     _ ("The address of the service must start with “https:”, not “%s:”."), scheme);
    }
  else if (!is_valid_method (request->method))
    {
      g_set_error (error, PB_NET_ERROR, PB_NET_ERROR_INVALID,
                   _ ("The request method “%s” is not valid."), request->method);
    }
  else
    {
      ok = TRUE;

      for (gsize i = 0; ok && request->headers != NULL && request->headers[i] != NULL; i++)
        ok = strchr (request->headers[i], ':') != NULL
             && strpbrk (request->headers[i], "\r\n") == NULL;
      if (ok && request->content_type != NULL)
        ok = strpbrk (request->content_type, "\r\n") == NULL;
      if (!ok)
        g_set_error_literal (error, PB_NET_ERROR, PB_NET_ERROR_INVALID,
                             _ ("A header of the request is not valid."));
    }

  if (ok)
    {
      target->url = g_steal_pointer (&url);
      target->host = g_strdup (host);
      target->https = strcmp (scheme, "https") == 0;
      target->loopback = loopback;
    }

  curl_free (scheme);
  curl_free (host);
  g_clear_pointer (&url, curl_url_cleanup);
  return ok;
}

static void
clear_target (Target *target)
{
  g_clear_pointer (&target->url, curl_url_cleanup);
  g_clear_pointer (&target->host, g_free);
}

static struct curl_slist *
build_header_list (const PbHttpRequest *request)
{
  struct curl_slist *list = NULL;
  g_autofree char *content_type = NULL;

  for (gsize i = 0; request->headers != NULL && request->headers[i] != NULL; i++)
    {
      /* The User-Agent is always Packbench's own. */
      if (g_ascii_strncasecmp (request->headers[i], "User-Agent:", strlen ("User-Agent:")) == 0)
        continue;
      list = curl_slist_append (list, request->headers[i]);
    }

  if (request->content_type != NULL)
    {
      content_type = g_strdup_printf ("Content-Type: %s", request->content_type);
      list = curl_slist_append (list, content_type);
    }
  else if (!has_header (request->headers, "Content-Type"))
    {
      /* No invented application/x-www-form-urlencoded. */
      list = curl_slist_append (list, "Content-Type:");
    }

  /* No 100-continue round trip before a body. */
  list = curl_slist_append (list, "Expect:");

  return list;
}

/* curl callbacks */

static size_t
on_write_cb (char *data, size_t size, size_t nmemb, void *user_data)
{
  Transfer *transfer = user_data;
  size_t len = size * nmemb;

  if (transfer->body->len + len > MAX_BODY_SIZE)
    {
      transfer->too_large = TRUE;
      return 0;
    }

  g_byte_array_append (transfer->body, (const guint8 *)data, len);
  return len;
}

static size_t
on_header_cb (char *data, size_t size, size_t nitems, void *user_data)
{
  Transfer *transfer = user_data;
  size_t len = size * nitems;
  g_autofree char *line = g_strndup (data, len);
  const char *colon;

  /* A status line starts a new response (after a 100 Continue or a proxy's
   * CONNECT): only the final response's headers count. */
  if (g_str_has_prefix (line, "HTTP/"))
    {
      g_hash_table_remove_all (transfer->headers);
      g_clear_pointer (&transfer->last_header, g_free);
      return len;
    }

  if ((line[0] == ' ' || line[0] == '\t') && transfer->last_header != NULL)
    {
      const char *previous = g_hash_table_lookup (transfer->headers, transfer->last_header);

      g_strstrip (line);
      if (previous != NULL && *line != '\0')
        g_hash_table_insert (transfer->headers, g_strdup (transfer->last_header),
                             g_strconcat (previous, " ", line, NULL));
      return len;
    }

  colon = strchr (line, ':');
  if (colon != NULL && colon != line)
    {
      char *name = g_ascii_strdown (line, colon - line);
      char *value = g_strstrip (g_strdup (colon + 1));

      g_strstrip (name);
      g_free (transfer->last_header);
      transfer->last_header = g_strdup (name);
      g_hash_table_insert (transfer->headers, name, value);
    }

  return len;
}

static int
on_xferinfo_cb (void *user_data, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                curl_off_t ulnow)
{
  Transfer *transfer = user_data;

  return g_cancellable_is_cancelled (transfer->cancellable) ? 1 : 0;
}

/* Runs after curl set up the system's CA store, so this adds to it. */
static CURLcode
on_ssl_ctx_cb (CURL *easy, void *ssl_ctx, void *user_data)
{
  Transfer *transfer = user_data;
  X509_STORE *store = SSL_CTX_get_cert_store (ssl_ctx);

  if (store == NULL || X509_STORE_load_file (store, transfer->ca_file) != 1)
    {
      ERR_clear_error ();
      return CURLE_SSL_CACERT_BADFILE;
    }

  return CURLE_OK;
}

/* Errors */

static gboolean
mentions_tls_version (const char *message)
{
  g_autofree char *lower = g_ascii_strdown (message, -1);

  return strstr (lower, "version") != NULL || strstr (lower, "protocol") != NULL;
}

static char *
describe_certificate_problem (CURL *easy, CURLcode code)
{
  long verify_result = X509_V_OK;

  if (code == CURLE_SSL_CACERT_BADFILE)
    return g_strdup (_ ("the configured CA file could not be read"));
  if (code == CURLE_SSL_INVALIDCERTSTATUS)
    return g_strdup (_ ("its revocation status could not be checked"));

  curl_easy_getinfo (easy, CURLINFO_SSL_VERIFYRESULT, &verify_result);
  switch (verify_result)
    {
      case X509_V_OK:
      case X509_V_ERR_HOSTNAME_MISMATCH:
      case X509_V_ERR_IP_ADDRESS_MISMATCH:
        /* curl checks the name itself, after OpenSSL accepted the chain. */
        return g_strdup (_ ("it was issued for a different name"));
      case X509_V_ERR_CERT_HAS_EXPIRED:
        return g_strdup (_ ("it has expired"));
      case X509_V_ERR_CERT_NOT_YET_VALID:
        return g_strdup (_ ("it is not valid yet"));
      case X509_V_ERR_CERT_REVOKED:
        return g_strdup (_ ("it has been revoked"));
      case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
      case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
      case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
      case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
      case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
        return g_strdup (_ ("it is not signed by an authority Packbench trusts"));
      default:
        return g_strdup (X509_verify_cert_error_string (verify_result));
    }
}

/*
 * Turns a failed transfer into a PB_NET_ERROR. *retryable says whether
 * another attempt may help and cannot make the server act twice.
 */
static void
set_transfer_error (CURL *easy, CURLcode code, const char *errbuf, const Target *target,
                    const Transfer *transfer, gboolean idempotent, gboolean *retryable,
                    GError **error)
{
  const char *host = target->host;
  long request_size = 0;
  curl_off_t connect_time = 0;
  gboolean network = FALSE;

  /* CURLINFO_REQUEST_SIZE counts the bytes of the request written to the
   * socket by this handle (each attempt has its own, and libcurl re-sends
   * nothing by itself on the fresh connection a POST or PATCH gets): 0
   * means the server cannot have seen any of it, so any method may be
   * tried again. A reset after the body went out is not retried. */
  curl_easy_getinfo (easy, CURLINFO_REQUEST_SIZE, &request_size);

  switch (code)
    {
      case CURLE_SSL_CONNECT_ERROR:
        if (mentions_tls_version (errbuf))
          g_set_error (error, PB_NET_ERROR, PB_NET_ERROR_TLS_VERSION,
                       _ ("The server at %s does not offer TLS 1.2 or newer, so Packbench "
                          "refuses to send data to it."),
                       host);
        else
          g_set_error (error, PB_NET_ERROR, PB_NET_ERROR_FAILED,
                       _ ("A secure connection to %s could not be set up (%s)."), host,
                       curl_easy_strerror (code));
        break;

      case CURLE_PEER_FAILED_VERIFICATION:
      case CURLE_SSL_CACERT_BADFILE:
      case CURLE_SSL_INVALIDCERTSTATUS:
        {
          g_autofree char *problem = describe_certificate_problem (easy, code);

          g_set_error (error, PB_NET_ERROR, PB_NET_ERROR_CERTIFICATE,
                       _ ("The certificate of %s could not be verified (%s). Check the date, "
                          "the network, or the configured CA file."),
                       host, problem);
        }
        break;

      case CURLE_COULDNT_RESOLVE_HOST:
        network = TRUE;
        g_set_error (error, PB_NET_ERROR, PB_NET_ERROR_CONNECT,
                     _ ("Packbench could not find %s. Check the network connection and the "
                        "address of the service."),
                     host);
        break;

      case CURLE_COULDNT_RESOLVE_PROXY:
        network = TRUE;
        g_set_error_literal (error, PB_NET_ERROR, PB_NET_ERROR_CONNECT,
                             _ ("Packbench could not find the proxy server. Check the network "
                                "settings."));
        break;

      case CURLE_COULDNT_CONNECT:
        network = TRUE;
        g_set_error (error, PB_NET_ERROR, PB_NET_ERROR_CONNECT,
                     _ ("Packbench could not connect to %s. Check the network connection, or "
                        "try again later."),
                     host);
        break;

      case CURLE_OPERATION_TIMEDOUT:
        network = TRUE;
        /* Connected means with TLS set up, where there is TLS. */
        curl_easy_getinfo (easy,
                           target->https ? CURLINFO_APPCONNECT_TIME_T : CURLINFO_CONNECT_TIME_T,
                           &connect_time);
        if (connect_time == 0)
          g_set_error (error, PB_NET_ERROR, PB_NET_ERROR_TIMEOUT,
                       _ ("Packbench could not connect to %s in time. Check the network "
                          "connection, or try again later."),
                       host);
        else
          g_set_error (error, PB_NET_ERROR, PB_NET_ERROR_TIMEOUT,
                       _ ("%s did not answer in time. Try again later."), host);
        break;

      case CURLE_SEND_ERROR:
      case CURLE_RECV_ERROR:
      case CURLE_GOT_NOTHING:
      case CURLE_PARTIAL_FILE:
      case CURLE_HTTP2:
      case CURLE_HTTP2_STREAM:
        network = TRUE;
        g_set_error (error, PB_NET_ERROR, PB_NET_ERROR_FAILED,
                     _ ("The connection to %s broke off (%s). Try again later."), host,
                     curl_easy_strerror (code));
        break;

      case CURLE_WRITE_ERROR:
        if (transfer->too_large)
          {
            g_set_error (error, PB_NET_ERROR, PB_NET_ERROR_FAILED,
                         _ ("The answer from %s is too large."), host);
            break;
          }
        G_GNUC_FALLTHROUGH;

      default:
        g_set_error (error, PB_NET_ERROR, PB_NET_ERROR_FAILED, _ ("The request to %s failed (%s)."),
                     host, curl_easy_strerror (code));
        break;
    }

  *retryable = network && (idempotent || request_size == 0);
}

/* Transfers */

/*
 * curl's multi interface, so a stalled transfer notices @cancellable at
 * once through its fd rather than at curl's next progress call.
 */
static CURLcode
run_transfer (CURL *easy, GCancellable *cancellable, gboolean *cancelled)
{
  CURLM *multi = curl_multi_init ();
  CURLMcode mcode;
  CURLcode code = CURLE_OK;
  int cancel_fd;
  int running = 1;

  *cancelled = FALSE;
  if (multi == NULL)
    return CURLE_OUT_OF_MEMORY;

  mcode = curl_multi_add_handle (multi, easy);
  if (mcode != CURLM_OK)
    {
      curl_multi_cleanup (multi);
      return CURLE_OUT_OF_MEMORY;
    }

  cancel_fd = cancellable != NULL ? g_cancellable_get_fd (cancellable) : -1;

  while (mcode == CURLM_OK)
    {
      struct curl_waitfd extra = { .fd = cancel_fd, .events = CURL_WAIT_POLLIN };

      mcode = curl_multi_perform (multi, &running);
      if (mcode != CURLM_OK || running == 0)
        break;
      if (g_cancellable_is_cancelled (cancellable))
        {
          *cancelled = TRUE;
          break;
        }
      mcode = curl_multi_poll (multi, cancel_fd >= 0 ? &extra : NULL, cancel_fd >= 0 ? 1 : 0,
                               POLL_INTERVAL_MS, NULL);
    }

  if (mcode != CURLM_OK)
    {
      code = CURLE_FAILED_INIT;
    }
  else if (!*cancelled)
    {
      CURLMsg *message;
      int left;

      code = CURLE_GOT_NOTHING;
      while ((message = curl_multi_info_read (multi, &left)) != NULL)
        if (message->msg == CURLMSG_DONE && message->easy_handle == easy)
          code = message->data.result;
    }

  if (cancel_fd >= 0)
    g_cancellable_release_fd (cancellable);
  curl_multi_remove_handle (multi, easy);
  curl_multi_cleanup (multi);

  if (code == CURLE_ABORTED_BY_CALLBACK && g_cancellable_is_cancelled (cancellable))
    *cancelled = TRUE;

  return code;
}

static gboolean
set_options (CURL *easy, const Settings *settings, const PbHttpRequest *request,
             const Target *target, const char *user_agent, struct curl_slist *header_list,
             Transfer *transfer, char *errbuf)
{
  gboolean ok = TRUE;
  gboolean with_body;

#define SET(option, value) ok = ok && curl_easy_setopt (easy, option, value) == CURLE_OK

  SET (CURLOPT_CURLU, target->url);
  SET (CURLOPT_ERRORBUFFER, errbuf);
  SET (CURLOPT_NOSIGNAL, 1L);
  if (settings->share != NULL)
    SET (CURLOPT_SHARE, settings->share);
  /* A request that may act twice goes on a connection of its own. When a
   * reused keep-alive connection dies before the first byte of the answer,
   * libcurl sends the request again by itself, body and all ("Connection
   * died, retrying a fresh connect"). Right for a look-up; but the server
   * may have acted on a POST before the connection died, and a second one
   * buys a second label. On a fresh connection libcurl never does that, so
   * the retry rules below are the only ones. */
  if (!is_idempotent (request->method))
    SET (CURLOPT_FRESH_CONNECT, 1L);

#if LIBCURL_VERSION_NUM >= 0x075500
  SET (CURLOPT_PROTOCOLS_STR, "http,https");
  SET (CURLOPT_REDIR_PROTOCOLS_STR, "https");
#else
  SET (CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
  SET (CURLOPT_REDIR_PROTOCOLS, (long)CURLPROTO_HTTPS);
#endif
  SET (CURLOPT_FOLLOWLOCATION, 0L);

  SET (CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
  SET (CURLOPT_SSL_VERIFYPEER, 1L);
  SET (CURLOPT_SSL_VERIFYHOST, 2L);
  SET (CURLOPT_PROXY_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
  SET (CURLOPT_PROXY_SSL_VERIFYPEER, 1L);
  SET (CURLOPT_PROXY_SSL_VERIFYHOST, 2L);

  if (settings->ca_file != NULL)
    {
      /* Added to the system's store where curl lets us reach OpenSSL's
       * context; otherwise the file replaces the store. */
      if (curl_easy_setopt (easy, CURLOPT_SSL_CTX_FUNCTION, on_ssl_ctx_cb) == CURLE_OK)
        {
          SET (CURLOPT_SSL_CTX_DATA, transfer);
#if LIBCURL_VERSION_NUM >= 0x075700
          /* A cached store would not hold the extra certificates. */
          SET (CURLOPT_CA_CACHE_TIMEOUT, 0L);
#endif
        }
      else
        {
          SET (CURLOPT_CAINFO, settings->ca_file);
        }
    }

  /* Loopback traffic never goes through a proxy. */
  if (target->loopback)
    SET (CURLOPT_PROXY, "");

  SET (CURLOPT_CONNECTTIMEOUT_MS, (long)settings->connect_ms);
  SET (CURLOPT_TIMEOUT_MS, (long)settings->total_ms);

  SET (CURLOPT_USERAGENT, user_agent);
  SET (CURLOPT_HTTPHEADER, header_list);

  with_body = request->body != NULL || strcmp (request->method, "POST") == 0
              || strcmp (request->method, "PUT") == 0 || strcmp (request->method, "PATCH") == 0;
  if (with_body)
    {
      gsize size = 0;
      const char *data = request->body != NULL ? g_bytes_get_data (request->body, &size) : NULL;

      SET (CURLOPT_POST, 1L);
      SET (CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)size);
      SET (CURLOPT_POSTFIELDS, data != NULL ? data : "");
      if (strcmp (request->method, "POST") != 0)
        SET (CURLOPT_CUSTOMREQUEST, request->method);
    }
  else if (strcmp (request->method, "GET") == 0)
    {
      SET (CURLOPT_HTTPGET, 1L);
    }
  else if (strcmp (request->method, "HEAD") == 0)
    {
      SET (CURLOPT_NOBODY, 1L);
    }
  else
    {
      SET (CURLOPT_CUSTOMREQUEST, request->method);
    }

  SET (CURLOPT_WRITEFUNCTION, on_write_cb);
  SET (CURLOPT_WRITEDATA, transfer);
  SET (CURLOPT_HEADERFUNCTION, on_header_cb);
  SET (CURLOPT_HEADERDATA, transfer);
  SET (CURLOPT_XFERINFOFUNCTION, on_xferinfo_cb);
  SET (CURLOPT_XFERINFODATA, transfer);
  SET (CURLOPT_NOPROGRESS, 0L);

#undef SET

  return ok;
}

/* One attempt: a response whatever its status, or NULL and @error. */
static PbHttpResponse *
send_once (const Settings *settings, const PbHttpRequest *request, const Target *target,
           const char *user_agent, GCancellable *cancellable, gboolean *retryable,
           CURLcode *code_out, GError **error)
{
  CURL *easy;
  struct curl_slist *header_list;
  char errbuf[CURL_ERROR_SIZE] = "";
  Transfer transfer = { 0 };
  PbHttpResponse *response = NULL;
  gboolean cancelled = FALSE;
  CURLcode code;

  *retryable = FALSE;
  *code_out = CURLE_OK;

  easy = curl_easy_init ();
  if (easy == NULL)
    {
      g_set_error_literal (error, PB_NET_ERROR, PB_NET_ERROR_FAILED,
                           _ ("There is not enough memory to send the request."));
      return NULL;
    }

  transfer.cancellable = cancellable;
  transfer.ca_file = settings->ca_file;
  transfer.body = g_byte_array_new ();
  transfer.headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  header_list = build_header_list (request);

  if (!set_options (easy, settings, request, target, user_agent, header_list, &transfer, errbuf))
    {
      g_set_error (error, PB_NET_ERROR, PB_NET_ERROR_FAILED,
                   _ ("A secure connection to %s could not be set up (%s)."), target->host,
                   _ ("the network library lacks a required feature"));
      goto out;
    }

  code = run_transfer (easy, cancellable, &cancelled);
  *code_out = code;

  if (cancelled)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                           _ ("The request was cancelled."));
    }
  else if (code != CURLE_OK)
    {
      set_transfer_error (easy, code, errbuf, target, &transfer, is_idempotent (request->method),
                          retryable, error);
    }
  else
    {
      long status = 0;

      curl_easy_getinfo (easy, CURLINFO_RESPONSE_CODE, &status);
      response = response_new ((guint)status, g_steal_pointer (&transfer.headers),
                               steal_wiped_bytes (g_steal_pointer (&transfer.body)));
    }

out:
  curl_easy_cleanup (easy);
  free_wiped_header_list (header_list);
  if (transfer.body != NULL)
    {
      pb_secure_wipe (transfer.body->data, transfer.body->len);
      g_byte_array_unref (transfer.body);
    }
  g_clear_pointer (&transfer.headers, g_hash_table_unref);
  g_free (transfer.last_header);

  return response;
}

/* Retries */

static gboolean
is_retryable_status (guint status)
{
  return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

/* Full jitter: anywhere between 0 and the doubled base, capped. */
static gint64
compute_backoff_ms (const Settings *settings, guint attempt)
{
  guint64 cap = settings->base_backoff_ms;

  for (guint i = 1; i < attempt && cap < settings->max_backoff_ms; i++)
    cap *= 2;
  cap = MIN (cap, settings->max_backoff_ms);

  if (cap == 0)
    return 0;

  return (gint64)g_random_double_range (0, (double)cap + 1);
}

/* Retry-After as delta-seconds or an HTTP-date; FALSE when absent or bad. */
static gboolean
parse_retry_after (const char *value, gint64 *delay_ms)
{
  guint64 seconds;

  if (value == NULL || *value == '\0')
    return FALSE;

  if (g_ascii_isdigit (*value))
    {
      if (!g_ascii_string_to_unsigned (value, 10, 0, G_MAXINT32, &seconds, NULL))
        return FALSE;
      *delay_ms = (gint64)seconds * 1000;
      return TRUE;
    }
  else
    {
      time_t when = curl_getdate (value, NULL);
      gint64 now_ms = g_get_real_time () / 1000;

      if (when == -1)
        return FALSE;
      *delay_ms = MAX ((gint64)when * 1000 - now_ms, 0);
      return TRUE;
    }
}

static gboolean
sleep_cancellable (gint64 delay_ms, GCancellable *cancellable, GError **error)
{
  GPollFD poll_fd;
  gint64 deadline;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (delay_ms <= 0)
    return TRUE;

  if (!g_cancellable_make_pollfd (cancellable, &poll_fd))
    {
      g_usleep ((gulong)delay_ms * 1000);
      return TRUE;
    }

  deadline = g_get_monotonic_time () + delay_ms * 1000;
  while (!g_cancellable_is_cancelled (cancellable))
    {
      gint64 remaining_us = deadline - g_get_monotonic_time ();

      if (remaining_us <= 0)
        break;
      g_poll (&poll_fd, 1, (gint)MIN ((remaining_us + 999) / 1000, G_MAXINT));
    }
  g_cancellable_release_fd (cancellable);

  return !g_cancellable_set_error_if_cancelled (cancellable, error);
}

/**
 * pb_http_client_send:
 * @self: a client
 * @request: what to send
 * @cancellable: (nullable): stops the send at any stage
 * @error: return location for a #PbNetError or %G_IO_ERROR_CANCELLED
 *
 * Sends @request, blocking the calling thread: never call it on the main
 * thread. Each attempt first takes a token of @request->operation. Network
 * errors, 429, 500, 502, 503 and 504 are retried after a backoff or the
 * Retry-After the server asked for; a POST or PATCH only after a 429 or when
 * not a byte of it was sent, so the server never acts on it twice: it goes
 * on a fresh connection, which libcurl never re-sends on by itself. TLS and
 * certificate failures are never retried.
 *
 * Returns: (transfer full) (nullable): the final response, whatever its
 * status, or %NULL with @error set when none came
 */
PbHttpResponse *
pb_http_client_send (PbHttpClient *self, const PbHttpRequest *request, GCancellable *cancellable,
                     GError **error)
{
  Settings settings = { 0 };
  Target target = { 0 };
  g_autofree char *path = NULL;
  gboolean idempotent;
  PbHttpResponse *response = NULL;
  gint64 start_us;

  g_return_val_if_fail (PB_IS_HTTP_CLIENT (self), NULL);
  g_return_val_if_fail (request != NULL, NULL);
  g_return_val_if_fail (request->method != NULL, NULL);
  g_return_val_if_fail (request->url != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!ensure_curl (error))
    return NULL;

  if (!check_request (request, &target, error))
    return NULL;

  copy_settings (self, &settings);
  path = pb_http_redact_url (request->url);
  idempotent = is_idempotent (request->method);
  start_us = g_get_monotonic_time ();

  for (guint attempt = 1;; attempt++)
    {
      g_autoptr (GError) local_error = NULL;
      gboolean retryable = FALSE;
      CURLcode code = CURLE_OK;
      gint64 delay_ms;
      gint64 elapsed_ms;

      if (!pb_rate_limiter_take (self->limiter, request->operation, cancellable, &local_error))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          break;
        }

      response = send_once (&settings, request, &target, self->user_agent, cancellable, &retryable,
                            &code, &local_error);
      elapsed_ms = (g_get_monotonic_time () - start_us) / 1000;

      if (response != NULL)
        {
          response->attempts = attempt;
          if (attempt > settings.max_retries || !is_retryable_status (response->status)
              || !(idempotent || response->status == 429))
            {
              g_debug ("%s %s: %u after %u attempt(s) in %" G_GINT64_FORMAT " ms", request->method,
                       path, response->status, attempt, elapsed_ms);
              break;
            }

          if (parse_retry_after (pb_http_response_get_header (response, "Retry-After"), &delay_ms))
            delay_ms = MIN (delay_ms, (gint64)settings.max_backoff_ms);
          else
            delay_ms = compute_backoff_ms (&settings, attempt);

          g_debug ("%s %s: %u on attempt %u after %" G_GINT64_FORMAT
                   " ms, retrying in %" G_GINT64_FORMAT " ms",
                   request->method, path, response->status, attempt, elapsed_ms, delay_ms);
          g_clear_pointer (&response, pb_http_response_unref);
        }
      else
        {
          if (attempt > settings.max_retries || !retryable)
            {
              g_debug ("%s %s: no response (curl error %d) after %u attempt(s) in %" G_GINT64_FORMAT
                       " ms",
                       request->method, path, (int)code, attempt, elapsed_ms);
              g_propagate_error (error, g_steal_pointer (&local_error));
              break;
            }

          delay_ms = compute_backoff_ms (&settings, attempt);
          g_debug ("%s %s: no response (curl error %d) on attempt %u after %" G_GINT64_FORMAT
                   " ms, retrying in %" G_GINT64_FORMAT " ms",
                   request->method, path, (int)code, attempt, elapsed_ms, delay_ms);
        }

      if (!sleep_cancellable (delay_ms, cancellable, error))
        break;
    }

  clear_target (&target);
  g_free (settings.ca_file);

  return response;
}

/* Async */

typedef struct
{
  PbHttpRequest request;
  char *method;
  char *url;
  char **headers;
  GBytes *body;
  char *content_type;
  char *operation;
} RequestCopy;

static RequestCopy *
request_copy_new (const PbHttpRequest *request)
{
  RequestCopy *copy = g_new0 (RequestCopy, 1);

  copy->method = g_strdup (request->method);
  copy->url = g_strdup (request->url);
  copy->headers = g_strdupv ((char **)request->headers);
  copy->body = request->body != NULL ? g_bytes_ref (request->body) : NULL;
  copy->content_type = g_strdup (request->content_type);
  copy->operation = g_strdup (request->operation);

  copy->request.method = copy->method;
  copy->request.url = copy->url;
  copy->request.headers = (const char *const *)copy->headers;
  copy->request.body = copy->body;
  copy->request.content_type = copy->content_type;
  copy->request.operation = copy->operation;

  return copy;
}

static void
request_copy_free (gpointer data)
{
  RequestCopy *copy = data;

  g_free (copy->method);
  g_free (copy->url);
  for (gsize i = 0; copy->headers != NULL && copy->headers[i] != NULL; i++)
    pb_secure_wipe (copy->headers[i], strlen (copy->headers[i]));
  g_strfreev (copy->headers);
  g_clear_pointer (&copy->body, g_bytes_unref);
  g_free (copy->content_type);
  g_free (copy->operation);
  g_free (copy);
}

static void
send_thread_cb (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  RequestCopy *copy = task_data;
  GError *error = NULL;
  PbHttpResponse *response;

  response
      = pb_http_client_send (PB_HTTP_CLIENT (source_object), &copy->request, cancellable, &error);
  if (response != NULL)
    g_task_return_pointer (task, response, (GDestroyNotify)pb_http_response_unref);
  else
    g_task_return_error (task, error);
}

/**
 * pb_http_client_send_async:
 * @self: a client
 * @request: what to send; copied, so it may go once this returns
 * @cancellable: (nullable): stops the send at any stage
 * @callback: called on the thread-default main context when done
 * @user_data: for @callback
 *
 * Runs pb_http_client_send() in a worker thread.
 */
void
pb_http_client_send_async (PbHttpClient *self, const PbHttpRequest *request,
                           GCancellable *cancellable, GAsyncReadyCallback callback,
                           gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (PB_IS_HTTP_CLIENT (self));
  g_return_if_fail (request != NULL);
  g_return_if_fail (request->method != NULL);
  g_return_if_fail (request->url != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pb_http_client_send_async);
  g_task_set_task_data (task, request_copy_new (request), request_copy_free);
  g_task_run_in_thread (task, send_thread_cb);
}

/**
 * pb_http_client_send_finish:
 * @self: a client
 * @result: the result given to the callback
 * @error: return location for a #PbNetError or %G_IO_ERROR_CANCELLED
 *
 * Returns: (transfer full) (nullable): as pb_http_client_send()
 */
PbHttpResponse *
pb_http_client_send_finish (PbHttpClient *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (PB_IS_HTTP_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pb_http_client_send_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Logging */

/**
 * pb_http_redact_url:
 * @url: an absolute URL, or a path
 *
 * Keeps the path of @url and the names of its query parameters; every
 * query value becomes "…", and a parameter without "=" (which may be a
 * bare value) becomes "…" whole. Scheme, user, host, port and fragment go.
 *
 * Returns: (transfer full): the path and redacted query, e.g.
 *   "/orders?createdAfter=…"
 */
char *
pb_http_redact_url (const char *url)
{
  GString *out;
  const char *rest = url;
  const char *scheme_end;
  const char *query;
  const char *end;

  g_return_val_if_fail (url != NULL, NULL);

  /* Skip scheme and authority: everything up to the path. */
  scheme_end = strstr (url, "://");
  if (scheme_end != NULL && strcspn (url, "/?#") > (gsize)(scheme_end - url))
    rest = scheme_end + 3 + strcspn (scheme_end + 3, "/?#");

  end = rest + strcspn (rest, "#");
  query = memchr (rest, '?', end - rest);

  out = g_string_new (NULL);
  if (*rest != '/')
    g_string_append_c (out, '/');
  g_string_append_len (out, rest, (query != NULL ? query : end) - rest);

  if (query != NULL)
    {
      const char *param = query + 1;

      g_string_append_c (out, '?');
      while (param < end)
        {
          const char *param_end = param + strcspn (param, "&");
          const char *equals;

          if (param_end > end)
            param_end = end;
          equals = memchr (param, '=', param_end - param);

          if (equals != NULL)
            {
              g_string_append_len (out, param, equals - param);
              g_string_append (out, "=…");
            }
          else if (param_end > param)
            {
              g_string_append (out, "…");
            }

          if (param_end < end)
            g_string_append_c (out, '&');
          param = param_end + 1;
        }
    }

  return g_string_free (out, FALSE);
}
