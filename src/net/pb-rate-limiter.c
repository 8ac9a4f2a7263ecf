/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "pb-rate-limiter.h"

#include <math.h>

/* A waiter wakes at least this often, so a bucket changed by
 * pb_rate_limiter_set() or a clock that jumped cannot keep it asleep long. */
#define MAX_WAIT_US (G_USEC_PER_SEC)

typedef struct
{
  double rate;  /* tokens per second, > 0 */
  double burst; /* capacity, >= 1 */
  double tokens;
  gint64 last_us; /* when @tokens was last brought up to date; -1: not yet */
} Bucket;

struct _PbRateLimiter
{
  GMutex mutex;        /* guards everything below */
  GCond cond;          /* signalled when a bucket changes or a cancellable fires */
  GHashTable *buckets; /* operation name → (owned) Bucket */
};

/**
 * pb_rate_limiter_new:
 *
 * Returns: (transfer full): a limiter without buckets: every operation is
 * unlimited until pb_rate_limiter_set() gives it a rate.
 */
PbRateLimiter *
pb_rate_limiter_new (void)
{
  PbRateLimiter *self = g_new0 (PbRateLimiter, 1);

  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  self->buckets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  return self;
}

/**
 * pb_rate_limiter_free:
 * @self: (nullable): a limiter nobody waits on any more
 */
void
pb_rate_limiter_free (PbRateLimiter *self)
{
  if (self == NULL)
    return;

  g_hash_table_unref (self->buckets);
  g_cond_clear (&self->cond);
  g_mutex_clear (&self->mutex);
  g_free (self);
}

/**
 * pb_rate_limiter_set:
 * @self: a limiter
 * @operation: the operation name
 * @rate: tokens per second; <= 0 (or not a number) removes the limit
 * @burst: how many tokens the bucket holds at most; 0 counts as 1
 *
 * Gives @operation a token bucket. A new bucket starts full; changing an
 * existing one keeps its tokens, capped to the new @burst.
 */
void
pb_rate_limiter_set (PbRateLimiter *self, const char *operation, double rate, guint burst)
{
  Bucket *bucket;

  g_return_if_fail (self != NULL);
  g_return_if_fail (operation != NULL);

  g_mutex_lock (&self->mutex);

  if (!(rate > 0) || isinf (rate))
    {
      g_hash_table_remove (self->buckets, operation);
    }
  else
    {
      bucket = g_hash_table_lookup (self->buckets, operation);
      if (bucket == NULL)
        {
          bucket = g_new0 (Bucket, 1);
          bucket->tokens = MAX (burst, 1);
          bucket->last_us = -1;
          g_hash_table_insert (self->buckets, g_strdup (operation), bucket);
        }
      bucket->rate = rate;
      bucket->burst = MAX (burst, 1);
      bucket->tokens = MIN (bucket->tokens, bucket->burst);
    }

  /* Waiters recompute their wait with the new rate (or stop waiting). */
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);
}

static void
refill (Bucket *bucket, gint64 now_us)
{
  /* A clock that goes backwards refills nothing. */
  if (bucket->last_us < 0)
    {
      bucket->last_us = now_us;
    }
  else if (now_us > bucket->last_us)
    {
      double elapsed_s = (double)(now_us - bucket->last_us) / G_USEC_PER_SEC;

      bucket->tokens = MIN (bucket->burst, bucket->tokens + elapsed_s * bucket->rate);
      bucket->last_us = now_us;
    }
}

/* Called with the mutex held. */
static gint64
try_take_locked (PbRateLimiter *self, const char *operation, gint64 now_us)
{
  Bucket *bucket = g_hash_table_lookup (self->buckets, operation);
  double wait_us;

  if (bucket == NULL)
    return 0;
  refill (bucket, now_us);

  if (bucket->tokens >= 1.0)
    {
      bucket->tokens -= 1.0;
      return 0;
    }

  wait_us = ceil ((1.0 - bucket->tokens) * G_USEC_PER_SEC / bucket->rate);
  return (gint64)CLAMP (wait_us, 1.0, (double)G_MAXINT64 / 2);
}

/**
 * pb_rate_limiter_get_tokens:
 * @self: a limiter
 * @operation: the operation name
 * @tokens: (out): the tokens in its bucket now
 *
 * Returns: %FALSE when @operation has no bucket
 */
gboolean
pb_rate_limiter_get_tokens (PbRateLimiter *self, const char *operation, double *tokens)
{
  Bucket *bucket;

  g_return_val_if_fail (self != NULL && operation != NULL, FALSE);
  g_mutex_lock (&self->mutex);
  bucket = g_hash_table_lookup (self->buckets, operation);
  if (bucket != NULL)
    {
      refill (bucket, g_get_monotonic_time ());
      *tokens = bucket->tokens;
    }
  g_mutex_unlock (&self->mutex);
  return bucket != NULL;
}

/**
 * pb_rate_limiter_set_tokens:
 * @self: a limiter
 * @operation: the operation name
 * @tokens: how many tokens its bucket holds now (capped at its burst)
 *
 * Continues a bucket kept elsewhere (another process's, say), so a new
 * holder of a shared quota does not start with a full burst.
 */
void
pb_rate_limiter_set_tokens (PbRateLimiter *self, const char *operation, double tokens)
{
  Bucket *bucket;

  g_return_if_fail (self != NULL && operation != NULL);
  g_mutex_lock (&self->mutex);
  bucket = g_hash_table_lookup (self->buckets, operation);
  if (bucket != NULL)
    {
      bucket->tokens = CLAMP (tokens, 0.0, bucket->burst);
      bucket->last_us = g_get_monotonic_time ();
      g_cond_broadcast (&self->cond);
    }
  g_mutex_unlock (&self->mutex);
}

/**
 * pb_rate_limiter_try_take:
 * @self: a limiter
 * @operation: (nullable): the operation name; %NULL has no bucket
 * @now_us: the monotonic time in microseconds
 *
 * Takes one token from the bucket of @operation at @now_us.
 *
 * Returns: 0 when a token was taken (or @operation has no bucket), else how
 * many microseconds until one is available; nothing is taken then.
 */
gint64
pb_rate_limiter_try_take (PbRateLimiter *self, const char *operation, gint64 now_us)
{
  gint64 wait_us;

  g_return_val_if_fail (self != NULL, 0);

  if (operation == NULL)
    return 0;

  g_mutex_lock (&self->mutex);
  wait_us = try_take_locked (self, operation, now_us);
  g_mutex_unlock (&self->mutex);

  return wait_us;
}

static void
on_cancellable_cancelled_cb (GCancellable *cancellable, gpointer user_data)
{
  PbRateLimiter *self = user_data;

  /* Taking the mutex orders this after the waiter's check for cancellation,
   * so the broadcast cannot fall between that check and its wait. */
  g_mutex_lock (&self->mutex);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);
}

/**
 * pb_rate_limiter_take:
 * @self: a limiter
 * @operation: (nullable): the operation name; %NULL has no bucket
 * @cancellable: (nullable): stops the wait at once
 * @error: return location for a %G_IO_ERROR_CANCELLED
 *
 * Blocks the calling thread until a token of @operation is taken.
 *
 * Returns: %TRUE with a token taken, %FALSE when @cancellable fired first.
 */
gboolean
pb_rate_limiter_take (PbRateLimiter *self, const char *operation, GCancellable *cancellable,
                      GError **error)
{
  gulong handler = 0;
  gboolean taken = FALSE;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  if (operation == NULL)
    return TRUE;

  /* Connected without the mutex held: the handler runs at once, and takes
   * the mutex, when @cancellable is already cancelled. */
  if (cancellable != NULL)
    handler
        = g_cancellable_connect (cancellable, G_CALLBACK (on_cancellable_cancelled_cb), self, NULL);

  g_mutex_lock (&self->mutex);
  while (!g_cancellable_is_cancelled (cancellable))
    {
      gint64 now_us = g_get_monotonic_time ();
      gint64 wait_us = try_take_locked (self, operation, now_us);

      if (wait_us == 0)
        {
          taken = TRUE;
          break;
        }

      g_cond_wait_until (&self->cond, &self->mutex, now_us + MIN (wait_us, MAX_WAIT_US));
    }
  g_mutex_unlock (&self->mutex);

  /* Without the mutex: disconnecting waits for a handler that is running,
   * and that handler takes the mutex. */
  if (handler != 0)
    g_cancellable_disconnect (cancellable, handler);

  if (!taken)
    {
      g_cancellable_set_error_if_cancelled (cancellable, error);
      return FALSE;
    }

  return TRUE;
}
