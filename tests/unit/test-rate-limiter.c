/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>

#include "net/pb-rate-limiter.h"

#define SECOND G_GINT64_CONSTANT (1000000)

static void
test_starts_full (void)
{
  g_autoptr (PbRateLimiter) limiter = pb_rate_limiter_new ();

  /* Three at once from a new bucket of burst 3, whatever the clock says. */
  pb_rate_limiter_set (limiter, "getOrder", 1, 3);
  g_assert_cmpint (pb_rate_limiter_try_take (limiter, "getOrder", 1000 * SECOND), ==, 0);
  g_assert_cmpint (pb_rate_limiter_try_take (limiter, "getOrder", 1000 * SECOND), ==, 0);
  g_assert_cmpint (pb_rate_limiter_try_take (limiter, "getOrder", 1000 * SECOND), ==, 0);

  /* The fourth waits a full token's time at 1 per second. */
  g_assert_cmpint (pb_rate_limiter_try_take (limiter, "getOrder", 1000 * SECOND), ==, SECOND);
}

static void
test_refill (void)
{
  g_autoptr (PbRateLimiter) limiter = pb_rate_limiter_new ();

  pb_rate_limiter_set (limiter, "searchOrders", 2, 1);
  g_assert_cmpint (pb_rate_limiter_try_take (limiter, "searchOrders", 0), ==, 0);

  /* Half a second per token; a refused take takes nothing. */
  g_assert_cmpint (pb_rate_limiter_try_take (limiter, "searchOrders", 0), ==, SECOND / 2);
  g_assert_cmpint (pb_rate_limiter_try_take (limiter, "searchOrders", SECOND / 4), ==, SECOND / 4);
  g_assert_cmpint (pb_rate_limiter_try_take (limiter, "searchOrders", SECOND / 2), ==, 0);
  g_assert_cmpint (pb_rate_limiter_try_take (limiter, "searchOrders", SECOND / 2), ==, SECOND / 2);

  /* A fractional rate: one token every 2 s. */
  pb_rate_limiter_set (limiter, "confirmShipment", 0.5, 1);
  g_assert_cmpint (pb_rate_limiter_try_take (limiter, "confirmShipment", 0), ==, 0);
  g_assert_cmpint (pb_rate_limiter_try_take (limiter, "confirmShipment", SECOND), ==, SECOND);
  g_assert_cmpint (pb_rate_limiter_try_take (limiter, "confirmShipment", 2 * SECOND), ==, 0);
}

static void
test_burst_cap (void)
{
  g_autoptr (PbRateLimiter) limiter = pb_rate_limiter_new ();

  pb_rate_limiter_set (limiter, "getOrder", 10, 2);
  g_assert_cmpint (pb_rate_limiter_try_take (limiter, "getOrder", 0), ==, 0);
  g_assert_cmpint (pb_rate_limiter_try_take (limiter, "getOrder", 0), ==, 0);
  g_assert_cmpint (pb_rate_limiter_try_take (limiter, "getOrder", 0), >, 0);

  /* An idle hour refills the bucket to its burst, no further. */
  g_assert_cmpint (pb_rate_limiter_try_take (limiter, "getOrder", 3600 * SECOND), ==, 0);
  g_assert_cmpint (pb_rate_limiter_try_take (limiter, "getOrder", 3600 * SECOND), ==, 0);
  g_assert_cmpint (pb_rate_limiter_try_take (limiter, "getOrder", 3600 * SECOND), ==, SECOND / 10);

  /* Burst 0 counts as 1, or the bucket would never give a token. */
  pb_rate_limiter_set (limiter, "zero", 1, 0);
  g_assert_cmpint (pb_rate_limiter_try_take (limiter, "zero", 0), ==, 0);
  g_assert_cmpint (pb_rate_limiter_try_take (limiter, "zero", 0), ==, SECOND);
}

static void
test_buckets_are_separate (void)
{
  g_autoptr (PbRateLimiter) limiter = pb_rate_limiter_new ();

  pb_rate_limiter_set (limiter, "a", 1, 1);
  pb_rate_limiter_set (limiter, "b", 1, 1);
  g_assert_cmpint (pb_rate_limiter_try_take (limiter, "a", 0), ==, 0);
  g_assert_cmpint (pb_rate_limiter_try_take (limiter, "a", 0), >, 0);
  g_assert_cmpint (pb_rate_limiter_try_take (limiter, "b", 0), ==, 0);
}

static void
test_unlimited (void)
{
  g_autoptr (PbRateLimiter) limiter = pb_rate_limiter_new ();

  /* No bucket, a NULL operation, rate 0 and a negative rate: no limit. */
  for (guint i = 0; i < 100; i++)
    {
      g_assert_cmpint (pb_rate_limiter_try_take (limiter, "unknown", 0), ==, 0);
      g_assert_cmpint (pb_rate_limiter_try_take (limiter, NULL, 0), ==, 0);
    }

  pb_rate_limiter_set (limiter, "zero", 0, 5);
  pb_rate_limiter_set (limiter, "negative", -1, 5);
  for (guint i = 0; i < 100; i++)
    {
      g_assert_cmpint (pb_rate_limiter_try_take (limiter, "zero", 0), ==, 0);
      g_assert_cmpint (pb_rate_limiter_try_take (limiter, "negative", 0), ==, 0);
    }

  /* Setting rate 0 removes an existing limit. */
  pb_rate_limiter_set (limiter, "removed", 1, 1);
  g_assert_cmpint (pb_rate_limiter_try_take (limiter, "removed", 0), ==, 0);
  g_assert_cmpint (pb_rate_limiter_try_take (limiter, "removed", 0), >, 0);
  pb_rate_limiter_set (limiter, "removed", 0, 1);
  g_assert_cmpint (pb_rate_limiter_try_take (limiter, "removed", 0), ==, 0);
}

static void
test_clock_backwards (void)
{
  g_autoptr (PbRateLimiter) limiter = pb_rate_limiter_new ();

  pb_rate_limiter_set (limiter, "op", 1, 1);
  g_assert_cmpint (pb_rate_limiter_try_take (limiter, "op", 10 * SECOND), ==, 0);

  /* An earlier time refills nothing and does not reset the bucket. */
  g_assert_cmpint (pb_rate_limiter_try_take (limiter, "op", 5 * SECOND), ==, SECOND);
  g_assert_cmpint (pb_rate_limiter_try_take (limiter, "op", 10 * SECOND + SECOND / 2), ==,
                   SECOND / 2);
  g_assert_cmpint (pb_rate_limiter_try_take (limiter, "op", 11 * SECOND), ==, 0);
}

static void
test_reconfigure (void)
{
  g_autoptr (PbRateLimiter) limiter = pb_rate_limiter_new ();

  pb_rate_limiter_set (limiter, "op", 1, 5);
  g_assert_cmpint (pb_rate_limiter_try_take (limiter, "op", 0), ==, 0);

  /* A smaller burst caps the tokens left; the bucket is not refilled. */
  pb_rate_limiter_set (limiter, "op", 1, 2);
  g_assert_cmpint (pb_rate_limiter_try_take (limiter, "op", 0), ==, 0);
  g_assert_cmpint (pb_rate_limiter_try_take (limiter, "op", 0), ==, 0);
  g_assert_cmpint (pb_rate_limiter_try_take (limiter, "op", 0), ==, SECOND);
}

static void
test_take_waits (void)
{
  g_autoptr (PbRateLimiter) limiter = pb_rate_limiter_new ();
  g_autoptr (GError) error = NULL;
  gint64 start;
  gint64 elapsed;

  pb_rate_limiter_set (limiter, "op", 10, 1);
  start = g_get_monotonic_time ();
  g_assert_true (pb_rate_limiter_take (limiter, "op", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (pb_rate_limiter_take (limiter, "op", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (pb_rate_limiter_take (limiter, "op", NULL, &error));
  g_assert_no_error (error);
  elapsed = g_get_monotonic_time () - start;

  /* The first at once, then 100 ms each (the exact waits are checked
   * against a fake clock above; the upper bound only catches a hang). */
  g_assert_cmpint (elapsed, >=, 190 * 1000);
  g_assert_cmpint (elapsed, <, 30 * G_USEC_PER_SEC);

  /* Without a bucket nothing waits. */
  for (guint i = 0; i < 100; i++)
    {
      g_assert_cmpint (pb_rate_limiter_try_take (limiter, "free", start), ==, 0);
      g_assert_true (pb_rate_limiter_take (limiter, "free", NULL, NULL));
    }
}

typedef struct
{
  PbRateLimiter *limiter;
  GCancellable *cancellable;
  guint delay_ms;
} Later;

static gpointer
cancel_later_cb (gpointer data)
{
  Later *later = data;

  /* Before or during the take, it must end cancelled (the delay makes
   * "during" likely and is the lower bound below). */
  g_usleep (later->delay_ms * 1000); /* timing-ok */
  g_cancellable_cancel (later->cancellable);
  return NULL;
}

static void
test_take_cancellable (void)
{
  g_autoptr (PbRateLimiter) limiter = pb_rate_limiter_new ();
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  Later later = { limiter, cancellable, 200 };
  GThread *thread;
  gint64 start;
  gint64 elapsed;

  /* One token, then the next in 1000 s. */
  pb_rate_limiter_set (limiter, "slow", 0.001, 1);
  g_assert_true (pb_rate_limiter_take (limiter, "slow", cancellable, &error));
  g_assert_no_error (error);

  start = g_get_monotonic_time ();
  thread = g_thread_new ("cancel-later", cancel_later_cb, &later);
  g_assert_false (pb_rate_limiter_take (limiter, "slow", cancellable, &error));
  elapsed = g_get_monotonic_time () - start;
  g_thread_join (thread);

  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (elapsed, >=, 190 * 1000);
  g_assert_cmpint (elapsed, <, 60 * G_USEC_PER_SEC);
  g_clear_error (&error);

  /* Already cancelled: no wait and no token, even where one is free. */
  pb_rate_limiter_set (limiter, "free", 1, 1);
  g_assert_false (pb_rate_limiter_take (limiter, "free", cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (pb_rate_limiter_try_take (limiter, "free", g_get_monotonic_time ()), ==, 0);
}

static gpointer
remove_limit_later_cb (gpointer data)
{
  Later *later = data;

  /* Before or during the take, the take must end at once. */
  g_usleep (later->delay_ms * 1000); /* timing-ok */
  pb_rate_limiter_set (later->limiter, "slow", 0, 0);
  return NULL;
}

static void
test_take_wakes_on_change (void)
{
  g_autoptr (PbRateLimiter) limiter = pb_rate_limiter_new ();
  Later later = { limiter, NULL, 100 };
  GThread *thread;
  gint64 start;

  /* A waiter sees the limit go at once, not after its 1000 s. */
  pb_rate_limiter_set (limiter, "slow", 0.001, 1);
  g_assert_true (pb_rate_limiter_take (limiter, "slow", NULL, NULL));

  start = g_get_monotonic_time ();
  thread = g_thread_new ("remove-later", remove_limit_later_cb, &later);
  g_assert_true (pb_rate_limiter_take (limiter, "slow", NULL, NULL));
  g_thread_join (thread);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 60 * G_USEC_PER_SEC);
}

typedef struct
{
  PbRateLimiter *limiter;
  guint taken;
} Worker;

static gpointer
take_many_cb (gpointer data)
{
  Worker *worker = data;

  for (guint i = 0; i < 5; i++)
    if (pb_rate_limiter_take (worker->limiter, "shared", NULL, NULL))
      g_atomic_int_inc (&worker->taken);
  return NULL;
}

static void
test_threads_share_bucket (void)
{
  g_autoptr (PbRateLimiter) limiter = pb_rate_limiter_new ();
  Worker worker = { limiter, 0 };
  GThread *threads[4];
  gint64 start;
  gint64 elapsed;

  /* 20 tokens at 100 per second with 10 at start: about 100 ms. */
  pb_rate_limiter_set (limiter, "shared", 100, 10);
  start = g_get_monotonic_time ();
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("taker", take_many_cb, &worker);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
  elapsed = g_get_monotonic_time () - start;

  g_assert_cmpuint (worker.taken, ==, 20);
  g_assert_cmpint (elapsed, >=, 90 * 1000);
  g_assert_cmpint (elapsed, <, 30 * G_USEC_PER_SEC);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/rate-limiter/starts-full", test_starts_full);
  g_test_add_func ("/rate-limiter/refill", test_refill);
  g_test_add_func ("/rate-limiter/burst-cap", test_burst_cap);
  g_test_add_func ("/rate-limiter/buckets-are-separate", test_buckets_are_separate);
  g_test_add_func ("/rate-limiter/unlimited", test_unlimited);
  g_test_add_func ("/rate-limiter/clock-backwards", test_clock_backwards);
  g_test_add_func ("/rate-limiter/reconfigure", test_reconfigure);
  g_test_add_func ("/rate-limiter/take-waits", test_take_waits);
  g_test_add_func ("/rate-limiter/take-cancellable", test_take_cancellable);
  g_test_add_func ("/rate-limiter/take-wakes-on-change", test_take_wakes_on_change);
  g_test_add_func ("/rate-limiter/threads-share-bucket", test_threads_share_bucket);

  return g_test_run ();
}
