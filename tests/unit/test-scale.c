/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hw/pb-scale-watch.h"
#include "hw/pb-scale.h"

/* Scale data reports as the HID POS usage tables lay them out: report id
 * 3, status, unit, signed exponent, weight little-endian. */
#define REPORT(status, unit, exponent, weight)                                                     \
  {                                                                                                \
    0x03, (status), (unit), (guint8)(exponent), (weight)&0xFF, ((weight) >> 8) & 0xFF              \
  }

enum
{
  UNIT_MG = 1,
  UNIT_G = 2,
  UNIT_KG = 3,
  UNIT_TAEL = 5,
  UNIT_OZ = 11,
  UNIT_LB = 12,
};

static void
test_parse_states (void)
{
  static const struct
  {
    guint8 report[PB_SCALE_REPORT_SIZE];
    PbScaleState state;
    gint grams;
    const char *name;
  } cases[] = {
    { REPORT (4, UNIT_G, 0, 450), PB_SCALE_STATE_STABLE, 450, "stable" },
    { REPORT (3, UNIT_G, 0, 312), PB_SCALE_STATE_MOTION, 312, "motion" },
    { REPORT (2, UNIT_G, 0, 0), PB_SCALE_STATE_ZERO, 0, "zero" },
    /* "weight stable" at 0 g is zero too */
    { REPORT (4, UNIT_G, 0, 0), PB_SCALE_STATE_ZERO, 0, "zero" },
    { REPORT (5, UNIT_G, 0, 20), PB_SCALE_STATE_NEGATIVE, -20, "negative" },
    { REPORT (6, UNIT_G, 0, 0), PB_SCALE_STATE_OVERLOAD, 0, "overload" },
    { REPORT (1, UNIT_G, 0, 0), PB_SCALE_STATE_NOT_READY, 0, "not-ready" },
    { REPORT (7, UNIT_G, 0, 0), PB_SCALE_STATE_NOT_READY, 0, "not-ready" },
    { REPORT (8, UNIT_G, 0, 0), PB_SCALE_STATE_NOT_READY, 0, "not-ready" },
    /* A unit Packbench cannot convert does not matter without a weight. */
    { REPORT (6, UNIT_TAEL, 0, 0), PB_SCALE_STATE_OVERLOAD, 0, "overload" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      PbScaleReading reading;

      g_assert_true (
          pb_scale_parse_report (cases[i].report, sizeof cases[i].report, &reading, &error));
      g_assert_no_error (error);
      g_assert_cmpint (reading.state, ==, cases[i].state);
      g_assert_cmpint (reading.grams, ==, cases[i].grams);
      g_assert_cmpstr (pb_scale_state_to_string (reading.state), ==, cases[i].name);
    }
}

static void
test_parse_units (void)
{
  static const struct
  {
    guint8 report[PB_SCALE_REPORT_SIZE];
    gint grams;
  } cases[] = {
    { REPORT (4, UNIT_G, 0, 30000), 30000 },  { REPORT (4, UNIT_G, 1, 123), 1230 }, /* 123 × 10 g */
    { REPORT (4, UNIT_KG, -3, 1250), 1250 },                                        /* 1.250 kg */
    { REPORT (4, UNIT_KG, -2, 31), 310 },                                           /* 0.31 kg */
    { REPORT (4, UNIT_KG, -1, 320), 32000 },  /* 32.0 kg: over Royal Mail's limit, still read */
    { REPORT (4, UNIT_MG, 0, 45000), 45 },    /* 45 000 mg */
    { REPORT (4, UNIT_OZ, -1, 159), 451 },    /* 15.9 oz = 450.76 g */
    { REPORT (4, UNIT_OZ, 0, 1), 28 },        /* 1 oz = 28.35 g */
    { REPORT (4, UNIT_LB, -2, 99), 449 },     /* 0.99 lb = 449.06 g */
    { REPORT (4, UNIT_LB, -1, 661), 29982 },  /* 66.1 lb = 29 982.46 g */
    { REPORT (3, UNIT_OZ, -1, 10), 28 },      /* moving: 1.0 oz */
    { REPORT (5, UNIT_LB, -2, 10), -45 },     /* under zero: −0.10 lb */
    { REPORT (4, UNIT_G, 0, 0xFFFF), 65535 }, /* the largest raw weight */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      PbScaleReading reading;

      g_assert_true (
          pb_scale_parse_report (cases[i].report, sizeof cases[i].report, &reading, &error));
      g_assert_no_error (error);
      g_assert_cmpint (reading.grams, ==, cases[i].grams);
    }
}

static void
test_parse_bad (void)
{
  static const guint8 other_report[] = { 0x04, 0x04, 0x02, 0x00, 0xC2, 0x01 };
  static const guint8 short_report[] = { 0x03, 0x04, 0x02, 0x00, 0xC2 };
  static const guint8 unknown_status[] = REPORT (9, UNIT_G, 0, 450);
  static const guint8 zero_status[] = REPORT (0, UNIT_G, 0, 450);
  static const guint8 taels[] = REPORT (4, UNIT_TAEL, 0, 450);
  static const guint8 unknown_unit[] = REPORT (4, 99, 0, 450);
  static const guint8 huge[] = REPORT (4, UNIT_KG, 100, 450);
  static const struct
  {
    const guint8 *data;
    gsize length;
    const char *says;
  } cases[] = {
    { other_report, sizeof other_report, "not a scale’s weight report" },
    { short_report, sizeof short_report, "not a scale’s weight report" },
    { unknown_status, sizeof unknown_status, "status Packbench does not know (9)" },
    { zero_status, sizeof zero_status, "status Packbench does not know (0)" },
    { taels, sizeof taels, "cannot convert to grams (5)" },
    { unknown_unit, sizeof unknown_unit, "cannot convert to grams (99)" },
    { huge, sizeof huge, "out of any range" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      PbScaleReading reading;

      g_assert_false (pb_scale_parse_report (cases[i].data, cases[i].length, &reading, &error));
      g_assert_error (error, PB_SCALE_ERROR, PB_SCALE_ERROR_BAD_REPORT);
      g_assert_nonnull (strstr (error->message, cases[i].says));
    }
}

static void
test_problems (void)
{
  static const struct
  {
    guint8 report[PB_SCALE_REPORT_SIZE];
    const char *says; /* NULL: no problem */
  } cases[] = {
    { REPORT (4, UNIT_G, 0, 450), NULL },
    { REPORT (2, UNIT_G, 0, 0), NULL },
    { REPORT (3, UNIT_G, 0, 312), "still moving (312 g)" },
    { REPORT (5, UNIT_G, 0, 20), "under zero (-20 g)" },
    { REPORT (6, UNIT_G, 0, 0), "overloaded" },
    { REPORT (1, UNIT_G, 0, 0), "fault" },
    { REPORT (7, UNIT_G, 0, 0), "calibrating" },
    { REPORT (8, UNIT_G, 0, 0), "re-zeroing" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      PbScaleReading reading;
      g_autofree char *problem = NULL;

      g_assert_true (pb_scale_parse_report (cases[i].report, PB_SCALE_REPORT_SIZE, &reading, NULL));
      problem = pb_scale_reading_describe_problem (&reading);
      if (cases[i].says == NULL)
        g_assert_null (problem);
      else
        g_assert_nonnull (strstr (problem, cases[i].says));
    }
}

static void
test_descriptor (void)
{
  /* A scale's descriptor (the Weighing Device collection of page 0x8D,
   * then the scale data report 3), items as the HID spec lays them out. */
  static const guint8 scale[] = {
    0x05, 0x8D,       /* Usage Page (Scale) */
    0x09, 0x20,       /* Usage (Weighing Device) */
    0xA1, 0x01,       /* Collection (Application) */
    0x85, 0x03,       /*   Report ID (3) */
    0x09, 0x30,       /*   Usage (Data Weight) */
    0x15, 0x00,       /*   Logical Minimum (0) */
    0x26, 0xFF, 0xFF, /*   Logical Maximum (65535), two bytes */
    0x75, 0x10,       /*   Report Size (16) */
    0x95, 0x01,       /*   Report Count (1) */
    0x81, 0x02,       /*   Input (Data, Variable, Absolute) */
    0xC0,             /* End Collection */
  };
  /* The same page in a two-byte Usage Page item after a long item. */
  static const guint8 long_item[] = { 0xFE, 0x02, 0x10, 0xAA, 0xBB, 0x06, 0x8D, 0x00, 0x09, 0x20 };
  /* An extended (four-byte) usage naming the page itself. */
  static const guint8 extended[] = { 0x0B, 0x20, 0x00, 0x8D, 0x00, 0xA1, 0x01, 0xC0 };
  /* A keyboard: Generic Desktop page; 0x8D appears only as data. */
  static const guint8 keyboard[] = { 0x05, 0x01, 0x09, 0x06, 0xA1, 0x01, 0x15, 0x8D, 0xC0 };
  /* Cut off in the middle of the page item. */
  static const guint8 truncated[] = { 0x06, 0x8D };

  g_assert_true (pb_scale_descriptor_is_scale (scale, sizeof scale));
  g_assert_true (pb_scale_descriptor_is_scale (long_item, sizeof long_item));
  g_assert_true (pb_scale_descriptor_is_scale (extended, sizeof extended));
  g_assert_false (pb_scale_descriptor_is_scale (keyboard, sizeof keyboard));
  g_assert_false (pb_scale_descriptor_is_scale (truncated, sizeof truncated));
  g_assert_false (pb_scale_descriptor_is_scale (NULL, 0));
}

static char *
write_reports (const guint8 *data, gsize length)
{
  g_autoptr (GError) error = NULL;
  char *path = NULL;
  int fd = g_file_open_tmp ("pb-scale-XXXXXX", &path, &error);

  g_assert_no_error (error);
  close (fd);
  g_file_set_contents (path, (const char *)data, length, &error);
  g_assert_no_error (error);
  return path;
}

static void
test_reader_file (void)
{
  /* Motion, a report of another device's kind in the middle (a bad
   * report, passed over), then a settled one. */
  static const guint8 reports[] = {
    0x03, 0x03, UNIT_G,  0x00, 0x10, 0x01, /* motion 272 g */
    0x07, 0x00, 0x00,    0x00, 0x00, 0x00, /* not a scale report */
    0x03, 0x04, UNIT_KG, 0xFD, 0xE2, 0x04  /* 1.250 kg stable */
  };
  static const guint8 motion_only[] = REPORT (3, UNIT_G, 0, 272);
  static const guint8 part[] = { 0x03, 0x04, UNIT_G };
  g_autofree char *path = write_reports (reports, sizeof reports);
  g_autofree char *motion_path = write_reports (motion_only, sizeof motion_only);
  g_autofree char *part_path = write_reports (part, sizeof part);
  g_autoptr (GError) error = NULL;
  g_autoptr (PbScaleReader) reader = NULL;
  PbScaleReading reading;
  gboolean have = FALSE;

  reader = pb_scale_reader_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (pb_scale_reader_wait_settled (reader, 60000, &reading, &have, &error));
  g_assert_no_error (error);
  g_assert_true (have);
  g_assert_cmpint (reading.state, ==, PB_SCALE_STATE_STABLE);
  g_assert_cmpint (reading.grams, ==, 1250);
  g_clear_pointer (&reader, pb_scale_reader_free);

  /* The file ends without a settled reading: the last one and why. */
  reader = pb_scale_reader_open (motion_path, &error);
  g_assert_no_error (error);
  g_assert_false (pb_scale_reader_wait_settled (reader, 60000, &reading, &have, &error));
  g_assert_error (error, PB_SCALE_ERROR, PB_SCALE_ERROR_NO_READING);
  g_assert_nonnull (strstr (error->message, "still moving (272 g)"));
  g_assert_true (have);
  g_assert_cmpint (reading.state, ==, PB_SCALE_STATE_MOTION);
  g_clear_error (&error);
  g_clear_pointer (&reader, pb_scale_reader_free);

  /* Half a report is no reading. */
  reader = pb_scale_reader_open (part_path, &error);
  g_assert_no_error (error);
  g_assert_false (pb_scale_reader_wait_settled (reader, 60000, &reading, &have, &error));
  g_assert_error (error, PB_SCALE_ERROR, PB_SCALE_ERROR_NO_READING);
  g_assert_false (have);
  g_clear_error (&error);

  g_unlink (path);
  g_unlink (motion_path);
  g_unlink (part_path);
}

static void
test_reader_bad_paths (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("pb-scale-XXXXXX", NULL);
  g_autofree char *missing = g_build_filename (dir, "hidraw9", NULL);

  g_assert_null (pb_scale_reader_open (missing, &error));
  g_assert_error (error, PB_SCALE_ERROR, PB_SCALE_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, missing));
  g_clear_error (&error);

  g_assert_null (pb_scale_reader_open (dir, &error));
  g_assert_error (error, PB_SCALE_ERROR, PB_SCALE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, dir));
  g_rmdir (dir);
}

/* A pipe delivers reports as they are written; partial writes join up. */
static void
test_reader_pipe (void)
{
  static const guint8 motion[] = REPORT (3, UNIT_OZ, -1, 120);
  static const guint8 stable[] = REPORT (4, UNIT_OZ, -1, 159);
  g_autoptr (GError) error = NULL;
  g_autoptr (PbScaleReader) reader = NULL;
  g_autofree char *dir = g_dir_make_tmp ("pb-scale-XXXXXX", NULL);
  g_autofree char *fifo = g_build_filename (dir, "scale", NULL);
  PbScaleReading reading;
  int writer;

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  /* Opening does not wait for a writer. */
  reader = pb_scale_reader_open (fifo, &error);
  g_assert_no_error (error);
  writer = g_open (fifo, O_WRONLY | O_CLOEXEC, 0);
  g_assert_cmpint (writer, >=, 0);

  g_assert_cmpint (pb_scale_reader_read (reader, &reading, &error), ==, PB_SCALE_READ_AGAIN);
  g_assert_cmpint (write (writer, motion, 4), ==, 4);
  g_assert_cmpint (pb_scale_reader_read (reader, &reading, &error), ==, PB_SCALE_READ_AGAIN);
  g_assert_cmpint (write (writer, motion + 4, 2), ==, 2);
  g_assert_cmpint (pb_scale_reader_read (reader, &reading, &error), ==, PB_SCALE_READ_REPORT);
  g_assert_cmpint (reading.state, ==, PB_SCALE_STATE_MOTION);
  g_assert_cmpint (reading.grams, ==, 340); /* 12.0 oz */

  /* The wait blocks on the pipe until the settled reading is written. */
  g_assert_cmpint (write (writer, motion, sizeof motion), ==, sizeof motion);
  g_assert_cmpint (write (writer, stable, sizeof stable), ==, sizeof stable);
  g_assert_true (pb_scale_reader_wait_settled (reader, 60000, &reading, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (reading.grams, ==, 451);

  close (writer);
  g_assert_cmpint (pb_scale_reader_read (reader, &reading, &error), ==, PB_SCALE_READ_EOF);
  g_unlink (fifo);
  g_rmdir (dir);
}

typedef struct
{
  GArray *readings;
} WatchData;

static void
on_reading_cb (PbScaleWatch *watch, const PbScaleReading *reading, WatchData *data)
{
  g_array_append_val (data->readings, *reading);
}

/* The watch reads in the main loop: every report is one signal, and the
 * end of the file stops the reading. */
static void
test_watch (void)
{
  static const guint8 reports[] = REPORT (3, UNIT_G, 0, 100);
  static const guint8 stable[] = REPORT (4, UNIT_LB, -2, 99);
  g_autofree char *dir = g_dir_make_tmp ("pb-scale-XXXXXX", NULL);
  g_autofree char *fifo = g_build_filename (dir, "scale", NULL);
  g_autofree char *missing = g_build_filename (dir, "hidraw7", NULL);
  g_autoptr (PbScaleWatch) watch = NULL;
  g_autoptr (PbScaleWatch) absent = NULL;
  WatchData data = { g_array_new (FALSE, FALSE, sizeof (PbScaleReading)) };
  gint64 end = g_get_monotonic_time () + 60 * G_TIME_SPAN_SECOND;
  int writer;

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  watch = pb_scale_watch_new (fifo);
  g_assert_cmpstr (pb_scale_watch_get_device (watch), ==, fifo);
  g_assert_null (pb_scale_watch_get_problem (watch));
  g_signal_connect (watch, "reading", G_CALLBACK (on_reading_cb), &data);

  writer = g_open (fifo, O_WRONLY | O_CLOEXEC, 0);
  g_assert_cmpint (writer, >=, 0);
  g_assert_cmpint (write (writer, reports, sizeof reports), ==, sizeof reports);
  g_assert_cmpint (write (writer, stable, sizeof stable), ==, sizeof stable);
  while (data.readings->len < 2 && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (data.readings->len, ==, 2);
  g_assert_cmpint (g_array_index (data.readings, PbScaleReading, 0).state, ==,
                   PB_SCALE_STATE_MOTION);
  g_assert_cmpint (g_array_index (data.readings, PbScaleReading, 1).state, ==,
                   PB_SCALE_STATE_STABLE);
  g_assert_cmpint (g_array_index (data.readings, PbScaleReading, 1).grams, ==, 449);

  /* The writer goes: so does the device. */
  close (writer);
  while (pb_scale_watch_get_device (watch) != NULL && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (pb_scale_watch_get_device (watch));

  /* A scale named but not there says so. */
  absent = pb_scale_watch_new (missing);
  g_assert_null (pb_scale_watch_get_device (absent));
  g_assert_nonnull (strstr (pb_scale_watch_get_problem (absent), missing));

  g_array_unref (data.readings);
  g_unlink (fifo);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/scale/parse/states", test_parse_states);
  g_test_add_func ("/scale/parse/units", test_parse_units);
  g_test_add_func ("/scale/parse/bad", test_parse_bad);
  g_test_add_func ("/scale/problems", test_problems);
  g_test_add_func ("/scale/descriptor", test_descriptor);
  g_test_add_func ("/scale/reader/file", test_reader_file);
  g_test_add_func ("/scale/reader/bad-paths", test_reader_bad_paths);
  g_test_add_func ("/scale/reader/pipe", test_reader_pipe);
  g_test_add_func ("/scale/watch", test_watch);
  return g_test_run ();
}
