/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * Token buckets, one per operation name, as the Selling Partner API and
 * Click & Drop document their rates. Thread-safe.
 */

typedef struct _PbRateLimiter PbRateLimiter;

PbRateLimiter *pb_rate_limiter_new (void);
void pb_rate_limiter_free (PbRateLimiter *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PbRateLimiter, pb_rate_limiter_free)

/* rate <= 0 removes the bucket (no limit). A new bucket starts full. */
void pb_rate_limiter_set (PbRateLimiter *self, const char *operation, double rate, guint burst);

/* Takes one token at @now_us (monotonic microseconds). Returns 0 when a
 * token was taken, else how many microseconds until one is available (and
 * takes nothing). Operations without a bucket always return 0. */
/* The tokens in @operation's bucket now (FALSE: no bucket), and setting
 * them, to carry a shared quota from one process to another. */
gboolean pb_rate_limiter_get_tokens (PbRateLimiter *self, const char *operation, double *tokens);
void pb_rate_limiter_set_tokens (PbRateLimiter *self, const char *operation, double tokens);
gint64 pb_rate_limiter_try_take (PbRateLimiter *self, const char *operation, gint64 now_us);

/* Blocks until a token is taken, or @cancellable fires (FALSE, error set). */
gboolean pb_rate_limiter_take (PbRateLimiter *self, const char *operation,
                               GCancellable *cancellable, GError **error);

G_END_DECLS
