/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The bench's queue at scale: a SQLCipher store with N unshipped orders
 * (default 100,000, written through pb_orders_apply in one transaction), a
 * window showing PbBenchPage on a READY session, and then, timed against
 * the window's frame clock ("after-paint"):
 *   - load: page created to the first frame painted after the queue got
 *     its rows, and the longest stall of the main loop (a 1 ms timeout)
 *     meanwhile; then RELOADS reloads (default 5), each after 20 orders
 *     were shipped and 20 new ones came in, as after a sync;
 *   - filter: ROUNDS times (default 3) a person typing five filter
 *     strings into the filter entry one key at a time and deleting them,
 *     120 ms between keys: key to the first frame painted after the list
 *     was filtered (this includes GtkSearchEntry's 150 ms search delay),
 *     search-changed to that frame, and the main thread's CPU per key;
 *   - memory: VmRSS before the page, after the load and after typing, and
 *     the peak since the store was filled (VmHWM, reset through
 *     /proc/self/clear_refs so that the KDF's 128 MiB at login is not
 *     counted).
 * It also checks that the queue shows exactly the matching unshipped
 * orders in the store's order (after every key up to 5,000 orders).
 * Usage: bench-queue [N [RELOADS [ROUNDS]]], under Xvfb; prints one JSON
 * line. Run it with 0 orders for the memory baseline (tools/bench.sh does).
 * BENCH_QUEUE_PAUSE=1 waits 5 s before the reloads and before typing, with
 * the pid on stderr, to attach a profiler (perf record -t PID). */
#include "config.h"

#include <glib/gstdio.h>
#include <malloc.h>
#include <sys/resource.h>
#include <unistd.h>

#include "pb-bench-page.h"
#include "pb-queue-item.h"
#include "store/pb-orders.h"
#include "store/pb-session.h"

#define PASSWORD "Correct-Horse-42!"
#define KEY_GAP_MS 120

typedef struct
{
  GtkWindow *window;
  PbBenchPage *page;
  GListModel *queue_store;
  GtkEditable *filter_entry;

  /* Waiting for the queue to change, then for a frame. */
  gboolean loading;
  gboolean loaded;
  gint64 loaded_at;

  /* Waiting for the filter to run, then for a frame. */
  gboolean filtering;
  gboolean filtered;
  gint64 search_started_at;
  gint64 search_done_at;

  gboolean want_paint;
  gint64 painted_at;

  gint64 last_tick;
  gint64 worst_gap;
} Bench;

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return (x > y) - (x < y);
}

/* Nearest-rank percentile of @values (sorted in place). */
static double
percentile (GArray *values, double p)
{
  guint rank;

  if (values->len == 0)
    return 0;
  g_array_sort (values, compare_doubles);
  rank = (guint)MAX (1.0, p / 100.0 * values->len + 0.999999);
  return g_array_index (values, double, MIN (rank, values->len) - 1);
}

static long
status_kib (const char *field)
{
  g_autofree char *text = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &text, NULL, NULL))
    return -1;
  line = strstr (text, field);
  if (line == NULL)
    return -1;
  return strtol (line + strlen (field) + 1, NULL, 10);
}

static long
max_rss_kib (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

static const char *const products[]
    = { "TEATOWEL", "MUG",     "CANDLE", "COASTER", "APRON",   "TOTE", "NOTEBOOK", "PRINT",
        "CUSHION",  "BLANKET", "SCARF",  "SOAP",    "POSTER",  "CARD", "PLANTER",  "LAMP",
        "THROW",    "GLOVES",  "BEANIE", "WALLET",  "KEYRING", "TRAY", "VASE",     "JUG" };
static const char *const colours[] = { "BLU", "RED", "GRN", "YEL", "BLK", "WHT", "PNK", "GRY" };
static const char *const sizes[] = { "S", "M", "L", "XL" };
static const char *const services[]
    = { "STANDARD", "STANDARD", "STANDARD", "EXPEDITED", "NEXT_DAY" };

/* N unshipped orders through the store's own write path (pb_orders_apply),
 * in one transaction: 1–3 lines each, from a catalogue of 768 SKUs; ship-by
 * times spread from two days late to five days ahead. */
static void
fill (PbStore *store, guint first, guint n, gint64 now)
{
  g_autoptr (GError) error = NULL;
  GRand *rand = g_rand_new_with_seed (42 + first);

  if (!pb_store_begin (store, &error))
    g_error ("%s", error->message);
  for (guint i = first; i < first + n; i++)
    {
      g_autoptr (PbOrderData) order = g_new0 (PbOrderData, 1);
      guint lines
          = 1 + (g_rand_int_range (rand, 0, 10) == 0 ? 2 : g_rand_int_range (rand, 0, 4) == 0);
      PbOrderChange change;

      order->order_id = g_strdup_printf ("%03u-%07u-%07u", 202 + i % 5,
                                         g_rand_int_range (rand, 0, 10000000), i);
      order->marketplace_id = g_strdup ("A1F83G8C2ARO7P");
      order->status = g_strdup ("UNSHIPPED");
      order->service_level = g_strdup (services[i % G_N_ELEMENTS (services)]);
      order->created = now - g_rand_int_range (rand, 3600, 4 * 86400);
      order->last_updated = order->created + 60;
      order->ship_by_latest = now + g_rand_int_range (rand, -2 * 86400, 5 * 86400);
      order->name = g_strdup_printf ("Buyer %u", i);
      order->address_line1 = g_strdup_printf ("%u Example Street", 1 + i % 300);
      order->city = g_strdup ("Aberystwyth");
      order->postcode = g_strdup ("SY23 1AA");
      order->country_code = g_strdup ("GB");
      order->items = g_ptr_array_new_with_free_func ((GDestroyNotify)pb_order_item_data_free);
      for (guint l = 0; l < lines; l++)
        {
          PbOrderItemData *item = g_new0 (PbOrderItemData, 1);

          item->item_id = g_strdup_printf ("%014u", i * 4 + l);
          item->sku = g_strdup_printf (
              "%s-%s-%s", products[g_rand_int_range (rand, 0, G_N_ELEMENTS (products))],
              colours[g_rand_int_range (rand, 0, G_N_ELEMENTS (colours))],
              sizes[g_rand_int_range (rand, 0, G_N_ELEMENTS (sizes))]);
          item->asin = g_strdup_printf ("B0%08u", i % 768);
          item->title = g_strdup (item->sku);
          item->quantity = g_rand_int_range (rand, 0, 5) == 0 ? 2 : 1;
          item->unit_price = g_strdup ("9.99");
          item->currency = g_strdup ("GBP");
          g_ptr_array_add (order->items, item);
        }
      if (!pb_orders_apply (store, order, now, &change, &error))
        g_error ("%s", error->message);
    }
  if (!pb_store_commit (store, &error))
    g_error ("%s", error->message);
  g_rand_free (rand);
}

static gboolean
on_tick_cb (gpointer data)
{
  Bench *bench = data;
  gint64 now = g_get_monotonic_time ();

  if (bench->last_tick != 0)
    bench->worst_gap = MAX (bench->worst_gap, now - bench->last_tick);
  bench->last_tick = now;
  return G_SOURCE_CONTINUE;
}

static void
on_after_paint_cb (GdkFrameClock *clock, Bench *bench)
{
  if (bench->want_paint
      && ((bench->loading && bench->loaded) || (bench->filtering && bench->filtered)))
    {
      bench->painted_at = g_get_monotonic_time ();
      bench->want_paint = FALSE;
    }
}

static void
on_queue_store_items_changed_cb (GListModel *model, guint position, guint removed, guint added,
                                 Bench *bench)
{
  /* A reload splices in only what changed, in one main-loop callback:
   * the frame after its first splice shows them all. */
  if (bench->loading && !bench->loaded)
    {
      bench->loaded = TRUE;
      bench->loaded_at = g_get_monotonic_time ();
    }
}

static gboolean
on_search_changed_hook (GSignalInvocationHint *hint, guint n_values, const GValue *values,
                        gpointer data)
{
  Bench *bench = data;

  if (bench->filtering && bench->search_started_at == 0)
    bench->search_started_at = g_get_monotonic_time ();
  return TRUE;
}

static void
on_search_changed_after_cb (GtkSearchEntry *entry, Bench *bench)
{
  if (bench->filtering && !bench->filtered)
    {
      bench->filtered = TRUE;
      bench->search_done_at = g_get_monotonic_time ();
      /* A key that changes nothing on screen has no frame of its own:
       * ask for one, so every key is timed to a painted frame. */
      gtk_widget_queue_draw (GTK_WIDGET (bench->page));
    }
}

static void
wait_for_paint (Bench *bench)
{
  gint64 end = g_get_monotonic_time () + 60 * G_TIME_SPAN_SECOND;

  while (bench->want_paint && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  if (bench->want_paint)
    g_error ("no frame after 60 s");
}

static void
iterate_for (guint milliseconds)
{
  gint64 end = g_get_monotonic_time () + milliseconds * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

static void
begin_load (Bench *bench)
{
  bench->loading = TRUE;
  bench->loaded = FALSE;
  bench->want_paint = TRUE;
  bench->worst_gap = 0;
  bench->last_tick = g_get_monotonic_time ();
}

/* One key: @text inserted at the cursor, or a Backspace when NULL. Returns
 * the key-to-frame time in ms; @work_ms receives search-changed to frame. */
static double
thread_cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double
press_key (Bench *bench, const char *text, double *work_ms, double *handler_ms, double *cpu_ms)
{
  double cpu_start = thread_cpu_ms ();
  GtkEditable *editable = bench->filter_entry;
  int position = gtk_editable_get_position (editable);
  gint64 key_at;

  bench->filtering = TRUE;
  bench->filtered = FALSE;
  bench->search_started_at = 0;
  bench->want_paint = TRUE;
  key_at = g_get_monotonic_time ();
  if (text != NULL)
    gtk_editable_insert_text (editable, text, -1, &position);
  else
    gtk_editable_delete_text (editable, position - 1, position);
  gtk_editable_set_position (editable, position);
  wait_for_paint (bench);
  bench->filtering = FALSE;
  *work_ms = (bench->painted_at - bench->search_started_at) / 1e3;
  *handler_ms = (bench->search_done_at - bench->search_started_at) / 1e3;
  /* The main thread's CPU from key to frame, less the search delay's
   * idle wait: what the key cost, whatever else the machine was doing. */
  *cpu_ms = thread_cpu_ms () - cpu_start;
  return (bench->painted_at - key_at) / 1e3;
}

/* The benchmark checks what it times: the queue shows exactly the
 * unshipped orders, in the store's order, that contain the filter text. */
static void
check_queue (Bench *bench, PbStore *store)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) orders = pb_orders_list (store, PB_ORDER_STATE_UNSHIPPED, &error);
  g_autofree char *search = g_utf8_strdown (gtk_editable_get_text (bench->filter_entry), -1);
  guint shown = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < orders->len; i++)
    {
      PbOrderSummary *summary = g_ptr_array_index (orders, i);
      g_autofree char *text = g_strdup_printf ("%s %s", summary->id, summary->items_summary);
      g_autofree char *lower = g_utf8_strdown (text, -1);
      g_autoptr (PbQueueItem) item = NULL;

      if (strstr (lower, search) == NULL)
        continue;
      item = g_list_model_get_item (bench->queue_store, shown++);
      if (item == NULL || g_strcmp0 (pb_queue_item_get_id (item), summary->id) != 0)
        g_error ("the queue shows %s at %u, not %s (filter \"%s\")",
                 item ? pb_queue_item_get_id (item) : "nothing", shown - 1, summary->id, search);
    }
  if (shown != g_list_model_get_n_items (bench->queue_store))
    g_error ("the queue shows %u orders, not %u (filter \"%s\")",
             g_list_model_get_n_items (bench->queue_store), shown, search);
}

static void
remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

int
main (int argc, char **argv)
{
  /* What a packer looks for: part of an order number, a SKU. */
  static const char *const searches[]
      = { "0004217", "mug", "teatowel-blu", "202-4", "candle-red-xl" };
  g_autoptr (GError) error = NULL;
  g_autoptr (PbSession) session = NULL;
  g_autoptr (GArray) reload_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) reload_gap_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) key_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) work_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) handler_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) cpu_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *root = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *recovery = NULL;
  g_autofree char *uri = NULL;
  guint n = argc > 1 ? (guint)g_ascii_strtoull (argv[1], NULL, 10) : 100000;
  guint reloads = argc > 2 ? (guint)g_ascii_strtoull (argv[2], NULL, 10) : 5;
  guint rounds = argc > 3 ? (guint)g_ascii_strtoull (argv[3], NULL, 10) : 3;
  Bench bench = { 0 };
  GdkFrameClock *clock;
  gint64 start, fill_us, first_load_us = 0, first_gap_us = 0;
  long rss_before, rss_loaded, rss_filtered, rss_trimmed;
  guint tick;

  if (!gtk_init_check ())
    {
      g_printerr ("bench-queue: no display; run it under xvfb-run\n");
      return 77;
    }
  adw_init ();

  root = g_dir_make_tmp ("pb-bench-queue-XXXXXX", &error);
  g_assert_no_error (error);
  dir = g_build_filename (root, "store", NULL);
  session = pb_session_init_store (dir, "admin", "Ada Admin", PASSWORD, &recovery, &uri, &error);
  g_assert_no_error (error);
  start = g_get_monotonic_time ();
  fill (pb_session_get_store (session), 0, n, g_get_real_time () / G_USEC_PER_SEC);
  fill_us = g_get_monotonic_time () - start;
  g_printerr ("filled %u orders in %.1f s\n", n, fill_us / 1e6);
  /* Forget the peak so far (the KDF's 128 MiB at login, the fill): the
   * peak reported is the GUI's. */
  {
    FILE *clear = fopen ("/proc/self/clear_refs", "w");

    if (clear != NULL)
      {
        fputs ("5", clear);
        fclose (clear);
      }
  }

  /* The window first, drawn, so that the page's own cost is measured. */
  bench.window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (bench.window, 1100, 720);
  gtk_window_set_child (bench.window, gtk_label_new ("…"));
  gtk_window_present (bench.window);
  while (!gtk_widget_get_mapped (GTK_WIDGET (bench.window)))
    g_main_context_iteration (NULL, TRUE);
  iterate_for (300);
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (bench.window));
  g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint_cb), &bench);
  tick = g_timeout_add (1, on_tick_cb, &bench);
  rss_before = status_kib ("VmRSS:");

  begin_load (&bench);
  start = g_get_monotonic_time ();
  bench.page = PB_BENCH_PAGE (pb_bench_page_new (session));
  bench.queue_store = G_LIST_MODEL (
      gtk_widget_get_template_child (GTK_WIDGET (bench.page), PB_TYPE_BENCH_PAGE, "queue_store"));
  bench.filter_entry = GTK_EDITABLE (
      gtk_widget_get_template_child (GTK_WIDGET (bench.page), PB_TYPE_BENCH_PAGE, "filter_entry"));
  g_signal_connect (bench.queue_store, "items-changed",
                    G_CALLBACK (on_queue_store_items_changed_cb), &bench);
  gtk_window_set_child (bench.window, GTK_WIDGET (bench.page));
  if (n > 0)
    {
      wait_for_paint (&bench);
      first_load_us = bench.painted_at - start;
      first_gap_us = bench.worst_gap;
    }
  else
    iterate_for (1000);
  bench.loading = FALSE;
  iterate_for (500);
  rss_loaded = status_kib ("VmRSS:");

  if (g_getenv ("BENCH_QUEUE_PAUSE") != NULL)
    {
      g_printerr ("reloading in 5 s (pid %d)\n", (int)getpid ());
      iterate_for (5000);
    }
  for (guint i = 0; n > 0 && i < reloads; i++)
    {
      double ms, gap;

      /* As a sync would: 20 orders shipped (spread through the queue),
       * 20 new ones. */
      for (guint k = 0; k < 20; k++)
        {
          g_autoptr (PbQueueItem) item = g_list_model_get_item (G_LIST_MODEL (bench.queue_store),
                                                                (k * 997 + i) % (n - 20 * i));

          if (!pb_orders_set_shipped (pb_session_get_store (session), pb_queue_item_get_id (item),
                                      "TT123456785GB", "admin", g_get_real_time () / G_USEC_PER_SEC,
                                      &error))
            g_error ("%s", error->message);
        }
      fill (pb_session_get_store (session), n + 20 * i, 20, g_get_real_time () / G_USEC_PER_SEC);
      begin_load (&bench);
      start = g_get_monotonic_time ();
      pb_bench_page_reload (bench.page);
      wait_for_paint (&bench);
      ms = (bench.painted_at - start) / 1e3;
      gap = bench.worst_gap / 1e3;
      g_array_append_val (reload_ms, ms);
      g_array_append_val (reload_gap_ms, gap);
      bench.loading = FALSE;
      iterate_for (300);
      check_queue (&bench, pb_session_get_store (session));
    }

  if (g_getenv ("BENCH_QUEUE_PAUSE") != NULL)
    {
      /* Time to attach a profiler to the typing alone. */
      g_printerr ("typing in 5 s (pid %d)\n", (int)getpid ());
      iterate_for (5000);
    }
  g_signal_add_emission_hook (g_signal_lookup ("search-changed", GTK_TYPE_SEARCH_ENTRY), 0,
                              on_search_changed_hook, &bench, NULL);
  g_signal_connect_after (bench.filter_entry, "search-changed",
                          G_CALLBACK (on_search_changed_after_cb), &bench);
  for (guint r = 0; n > 0 && r < rounds; r++)
    for (guint s = 0; s < G_N_ELEMENTS (searches); s++)
      {
        const char *p;
        guint typed = 0;

        for (p = searches[s]; *p != '\0'; p = g_utf8_next_char (p), typed++)
          {
            char key[8] = { 0 };
            double work, handler, cpu, ms;

            g_unichar_to_utf8 (g_utf8_get_char (p), key);
            ms = press_key (&bench, key, &work, &handler, &cpu);
            g_array_append_val (key_ms, ms);
            g_array_append_val (work_ms, work);
            g_array_append_val (handler_ms, handler);
            g_array_append_val (cpu_ms, cpu);
            iterate_for (KEY_GAP_MS);
            if (n <= 5000)
              check_queue (&bench, pb_session_get_store (session));
          }
        check_queue (&bench, pb_session_get_store (session));
        while (typed-- > 0)
          {
            double work, handler, cpu, ms = press_key (&bench, NULL, &work, &handler, &cpu);

            g_array_append_val (key_ms, ms);
            g_array_append_val (work_ms, work);
            g_array_append_val (handler_ms, handler);
            g_array_append_val (cpu_ms, cpu);
            iterate_for (KEY_GAP_MS);
            if (n <= 5000)
              check_queue (&bench, pb_session_get_store (session));
          }
      }
  rss_filtered = status_kib ("VmRSS:");
  /* How much of that the allocator holds free (fragmentation), not the
   * queue: RSS again once malloc has returned its free pages. */
  malloc_trim (0);
  rss_trimmed = status_kib ("VmRSS:");

  /* Not timed: a reload while the list is filtered shows the right rows. */
  if (n > 0)
    {
      gtk_editable_set_text (bench.filter_entry, "mug");
      iterate_for (400);
      for (guint k = 0; k < 5 && k < g_list_model_get_n_items (bench.queue_store); k++)
        {
          g_autoptr (PbQueueItem) item = g_list_model_get_item (bench.queue_store, k * 3);

          if (item != NULL
              && !pb_orders_set_shipped (pb_session_get_store (session),
                                         pb_queue_item_get_id (item), "TT123456785GB", "admin",
                                         g_get_real_time () / G_USEC_PER_SEC, &error))
            g_error ("%s", error->message);
        }
      fill (pb_session_get_store (session), 2 * n + 1000, 50, g_get_real_time () / G_USEC_PER_SEC);
      begin_load (&bench);
      pb_bench_page_reload (bench.page);
      wait_for_paint (&bench);
      bench.loading = FALSE;
      check_queue (&bench, pb_session_get_store (session));
      gtk_editable_set_text (bench.filter_entry, "");
      iterate_for (400);
      check_queue (&bench, pb_session_get_store (session));
    }
  g_source_remove (tick);

  {
    GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (bench.window));
    guint n_keys = key_ms->len;
    double reload_p50 = percentile (reload_ms, 50), reload_max = percentile (reload_ms, 100);
    double gap_max = percentile (reload_gap_ms, 100);

    g_print ("{\"orders\": %u, \"renderer\": \"%s\", \"fill_s\": %.1f,"
             " \"first_load_ms\": %.1f, \"first_load_longest_stall_ms\": %.1f,"
             " \"reloads\": %u, \"reload_p50_ms\": %.1f, \"reload_max_ms\": %.1f,"
             " \"reload_longest_stall_ms\": %.1f,"
             " \"keys\": %u, \"key_to_frame_p50_ms\": %.1f, \"key_to_frame_p95_ms\": %.1f,"
             " \"key_to_frame_max_ms\": %.1f, \"filter_to_frame_p50_ms\": %.1f,"
             " \"filter_to_frame_p95_ms\": %.1f, \"filter_to_frame_max_ms\": %.1f,"
             " \"filter_handler_p50_ms\": %.1f, \"filter_handler_p95_ms\": %.1f,"
             " \"key_cpu_p50_ms\": %.1f, \"key_cpu_p95_ms\": %.1f, \"key_cpu_max_ms\": %.1f,"
             " \"rss_before_page_mib\": %.1f, \"rss_loaded_mib\": %.1f,"
             " \"rss_after_filtering_mib\": %.1f, \"rss_after_trim_mib\": %.1f, \"peak_rss_mib\": "
             "%.1f, \"ru_maxrss_mib\": %.1f}\n",
             n, G_OBJECT_TYPE_NAME (renderer), fill_us / 1e6, first_load_us / 1e3,
             first_gap_us / 1e3, reload_ms->len, reload_p50, reload_max, gap_max, n_keys,
             percentile (key_ms, 50), percentile (key_ms, 95), percentile (key_ms, 100),
             percentile (work_ms, 50), percentile (work_ms, 95), percentile (work_ms, 100),
             percentile (handler_ms, 50), percentile (handler_ms, 95), percentile (cpu_ms, 50),
             percentile (cpu_ms, 95), percentile (cpu_ms, 100), rss_before / 1024.0,
             rss_loaded / 1024.0, rss_filtered / 1024.0, rss_trimmed / 1024.0,
             status_kib ("VmHWM:") / 1024.0, max_rss_kib () / 1024.0);
  }

  gtk_window_destroy (bench.window);
  iterate_for (100);
  g_clear_object (&session);
  remove_tree (root);
  return 0;
}
