/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * One HTTPS client for every remote service, over libcurl: TLS 1.2 at
 * least, peer and host always verified (an extra CA file only when
 * configured), connect and total timeouts, retries with exponential backoff
 * and jitter on network errors, 429, 500, 502, 503 and 504 (honouring
 * Retry-After), and a token bucket per operation. Blocking calls are for
 * worker threads; the _async pair runs them in a GTask thread. Nothing of a
 * request or response body, and no query value, is ever logged.
 *
 * A POST or PATCH is retried only when the server cannot have acted on it:
 * after a 429, or when not a byte of the request went out (no connection).
 * It always goes on a fresh connection, for libcurl re-sends a request by
 * itself, body and all, when a reused keep-alive connection dies before the
 * answer. After a timeout, a reset or broken connection or a 5xx the caller
 * decides, e.g. by looking the order up, so nothing is ever created twice.
 * GET, HEAD, PUT and DELETE are retried on network errors too: sending them
 * again changes nothing more (a second DELETE finds the thing gone: 404).
 *
 * The User-Agent is always pb_user_agent(); a "User-Agent:" line in
 * @headers is dropped.
 */

#define PB_NET_ERROR (pb_net_error_quark ())

typedef enum
{
  PB_NET_ERROR_TLS_VERSION, /* the server offers no TLS 1.2 or newer */
  PB_NET_ERROR_CERTIFICATE, /* the certificate did not verify */
  PB_NET_ERROR_CONNECT,     /* could not resolve or connect */
  PB_NET_ERROR_TIMEOUT,     /* connect or total timeout */
  PB_NET_ERROR_FAILED,      /* any other transfer failure */
  PB_NET_ERROR_INVALID,     /* a request the client refuses (e.g. plain http to a remote host) */
} PbNetError;

GQuark pb_net_error_quark (void);

typedef struct
{
  const char *method;         /* "GET", "POST", "DELETE", "PUT", "PATCH" */
  const char *url;            /* absolute https:// URL (http:// only to localhost) */
  const char *const *headers; /* NULL-terminated "Name: value" lines, or NULL */
  GBytes *body;               /* request body, or NULL */
  const char *content_type;   /* for the body, or NULL */
  const char *operation;      /* rate-limit bucket and log name, e.g. "searchOrders"; NULL: none */
} PbHttpRequest;

typedef struct _PbHttpResponse PbHttpResponse;

GType pb_http_response_get_type (void);
#define PB_TYPE_HTTP_RESPONSE (pb_http_response_get_type ())
PbHttpResponse *pb_http_response_ref (PbHttpResponse *response);
void pb_http_response_unref (PbHttpResponse *response);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PbHttpResponse, pb_http_response_unref)

guint pb_http_response_get_status (PbHttpResponse *response);
/* Header names are case-insensitive; the last value wins. */
const char *pb_http_response_get_header (PbHttpResponse *response, const char *name);
/* (transfer none); empty when the response had no body. */
GBytes *pb_http_response_get_body (PbHttpResponse *response);
/* How many attempts this response took (1 = no retry). */
guint pb_http_response_get_attempts (PbHttpResponse *response);

#define PB_TYPE_HTTP_CLIENT (pb_http_client_get_type ())
G_DECLARE_FINAL_TYPE (PbHttpClient, pb_http_client, PB, HTTP_CLIENT, GObject)

PbHttpClient *pb_http_client_new (void);

/* An extra CA bundle (PEM) to trust in addition to the system's; NULL for
 * the system store only. The file is read at each connection; when it cannot
 * be read, HTTPS requests fail with PB_NET_ERROR_CERTIFICATE rather than
 * quietly trusting the system store alone. (Only with a libcurl whose TLS
 * backend exposes no OpenSSL context does the file replace the system
 * store.) */
void pb_http_client_set_ca_file (PbHttpClient *self, const char *ca_file);
/* Defaults: connect 10 s, total 60 s. */
void pb_http_client_set_timeouts (PbHttpClient *self, guint connect_ms, guint total_ms);
/* Defaults: 5 retries after the first attempt, first backoff 1 s doubling
 * up to 60 s, full jitter. A Retry-After longer than @max_backoff_ms is
 * capped to it. Tests shrink these. */
void pb_http_client_set_retry (PbHttpClient *self, guint max_retries, guint base_backoff_ms,
                               guint max_backoff_ms);
/* A token bucket for @operation: @rate tokens per second, @burst at most.
 * rate <= 0 removes the limit. Thread-safe. */
void pb_http_client_set_rate_limit (PbHttpClient *self, const char *operation, double rate,
                                    guint burst);
/* The tokens left in @operation's bucket (FALSE: no limit), and setting
 * them: site mode carries the seller's searchOrders quota from one leader
 * to the next. */
gboolean pb_http_client_get_rate_tokens (PbHttpClient *self, const char *operation, double *tokens);
void pb_http_client_set_rate_tokens (PbHttpClient *self, const char *operation, double tokens);

/* Blocking. Returns the final response — which may be a 4xx or 5xx after
 * the retries ran out: the caller reads the status — or NULL with a
 * PB_NET_ERROR (or G_IO_ERROR_CANCELLED) when no response came. Waiting for
 * a token, a backoff or the transfer all stop promptly on @cancellable. */
PbHttpResponse *pb_http_client_send (PbHttpClient *self, const PbHttpRequest *request,
                                     GCancellable *cancellable, GError **error);

/* The same in a worker thread. The request is copied. */
void pb_http_client_send_async (PbHttpClient *self, const PbHttpRequest *request,
                                GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data);
PbHttpResponse *pb_http_client_send_finish (PbHttpClient *self, GAsyncResult *result,
                                            GError **error);

/* The path of @url without query values, for logs: "/orders?createdAfter=…". */
char *pb_http_redact_url (const char *url);

G_END_DECLS
