/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "pb-scale-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gudev/gudev.h>
#include <math.h>
#include <poll.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

G_DEFINE_QUARK (pb - scale - error - quark, pb_scale_error)

/* A hidraw read returns one whole report; scale reports are short. */
#define MAX_REPORT 64
/* Above this a weight is nonsense (a broken exponent), not a parcel. */
#define MAX_GRAMS 10000000.0

struct _PbScaleReader
{
  int fd;
  char *path;
  gboolean packets; /* a character device (hidraw): one report per read */
  guint8 buffer[MAX_REPORT];
  gsize buffered; /* stream mode: bytes of the next report read so far */
};

const char *
pb_scale_state_to_string (PbScaleState state)
{
  switch (state)
    {
      case PB_SCALE_STATE_STABLE:
        return "stable";
      case PB_SCALE_STATE_MOTION:
        return "motion";
      case PB_SCALE_STATE_ZERO:
        return "zero";
      case PB_SCALE_STATE_NEGATIVE:
        return "negative";
      case PB_SCALE_STATE_OVERLOAD:
        return "overload";
      case PB_SCALE_STATE_NOT_READY:
      default:
        return "not-ready";
    }
}

gboolean
pb_scale_reading_is_settled (const PbScaleReading *reading)
{
  g_return_val_if_fail (reading != NULL, FALSE);

  return reading->state == PB_SCALE_STATE_STABLE || reading->state == PB_SCALE_STATE_ZERO
         || reading->state == PB_SCALE_STATE_NEGATIVE;
}

/**
 * pb_scale_reading_describe_problem:
 * @reading: a reading
 *
 * Returns: (transfer full) (nullable): why @reading is no weight to print
 *   with (in motion, under zero, overloaded, not ready), or %NULL for a
 *   stable or zero reading
 */
char *
pb_scale_reading_describe_problem (const PbScaleReading *reading)
{
  g_return_val_if_fail (reading != NULL, NULL);

  switch (reading->state)
    {
      case PB_SCALE_STATE_MOTION:
        return g_strdup_printf (_ ("The weight has not settled: the scale is still moving (%d g). "
                                   "Keep the parcel still on the scale."),
                                reading->grams);
      case PB_SCALE_STATE_NEGATIVE:
        return g_strdup_printf (_ ("The scale reads under zero (%d g). Empty it and press its "
                                   "zero button."),
                                reading->grams);
      case PB_SCALE_STATE_OVERLOAD:
        return g_strdup (_ ("The scale is overloaded: the parcel is heavier than it can weigh. "
                            "Weigh it on a larger scale, or split it into smaller parcels."));
      case PB_SCALE_STATE_NOT_READY:
        if (reading->status == PB_SCALE_STATUS_NEEDS_CALIBRATION)
          return g_strdup (_ ("The scale is not ready: it needs calibrating (see its manual)."));
        if (reading->status == PB_SCALE_STATUS_NEEDS_REZEROING)
          return g_strdup (_ ("The scale is not ready: it needs re-zeroing. Empty it and press "
                              "its zero button."));
        return g_strdup (_ ("The scale is not ready: it reports a fault. Unplug it and plug it "
                            "in again."));
      case PB_SCALE_STATE_STABLE:
      case PB_SCALE_STATE_ZERO:
      default:
        return NULL;
    }
}

/* Grams in one unit of the HID POS weight unit @unit; 0 for a unit that
 * has no fixed size in grams (taels) or is not one. */
static double
grams_per_unit (guint8 unit)
{
  switch (unit)
    {
      case 1: /* milligram */
        return 0.001;
      case 2: /* gram */
        return 1.0;
      case 3: /* kilogram */
        return 1000.0;
      case 4: /* carat */
        return 0.2;
      case 6: /* grain */
        return 0.06479891;
      case 7: /* pennyweight */
        return 1.55517384;
      case 8: /* metric ton */
        return 1000000.0;
      case 9: /* avoirdupois ton (2000 lb) */
        return 907184.74;
      case 10: /* troy ounce */
        return 31.1034768;
      case 11: /* ounce */
        return 28.349523125;
      case 12: /* pound */
        return 453.59237;
      default:
        return 0.0;
    }
}

/**
 * pb_scale_parse_report:
 * @data: (array length=length): one report, its id first
 * @length: its length in bytes
 * @reading: (out): what it says
 * @error: where a bad report is described
 *
 * Returns: whether @data is a scale data report this code can read
 */
gboolean
pb_scale_parse_report (const guint8 *data, gsize length, PbScaleReading *reading, GError **error)
{
  guint8 status, unit;
  gint8 exponent;
  guint raw;
  double factor, grams;

  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (reading != NULL, FALSE);

  if (length < PB_SCALE_REPORT_SIZE || data[0] != PB_SCALE_REPORT_ID)
    {
      g_set_error_literal (error, PB_SCALE_ERROR, PB_SCALE_ERROR_BAD_REPORT,
                           _ ("The device sent something that is not a scale’s weight report."));
      return FALSE;
    }
  status = data[1];
  unit = data[2];
  exponent = (gint8)data[3];
  raw = (guint)data[4] | ((guint)data[5] << 8);

  *reading = (PbScaleReading){ .status = status };
  switch (status)
    {
      case PB_SCALE_STATUS_FAULT:
      case PB_SCALE_STATUS_NEEDS_CALIBRATION:
      case PB_SCALE_STATUS_NEEDS_REZEROING:
        reading->state = PB_SCALE_STATE_NOT_READY;
        return TRUE;
      case PB_SCALE_STATUS_OVER_LIMIT:
        reading->state = PB_SCALE_STATE_OVERLOAD;
        return TRUE;
      case PB_SCALE_STATUS_STABLE_ZERO:
        reading->state = PB_SCALE_STATE_ZERO;
        return TRUE;
      case PB_SCALE_STATUS_IN_MOTION:
      case PB_SCALE_STATUS_WEIGHT_STABLE:
      case PB_SCALE_STATUS_UNDER_ZERO:
        break;
      default:
        g_set_error (error, PB_SCALE_ERROR, PB_SCALE_ERROR_BAD_REPORT,
                     _ ("The scale sent a status Packbench does not know (%u)."), status);
        return FALSE;
    }

  factor = grams_per_unit (unit);
  if (factor <= 0.0)
    {
      g_set_error (error, PB_SCALE_ERROR, PB_SCALE_ERROR_BAD_REPORT,
                   _ ("The scale weighs in a unit Packbench cannot convert to grams (%u). Set it "
                      "to grams, kilograms, ounces or pounds."),
                   unit);
      return FALSE;
    }
  grams = (double)raw * pow (10.0, exponent) * factor;
  if (!(grams < MAX_GRAMS))
    {
      g_set_error (error, PB_SCALE_ERROR, PB_SCALE_ERROR_BAD_REPORT,
                   _ ("The scale sent a weight out of any range (%u × 10^%d)."), raw, exponent);
      return FALSE;
    }
  reading->grams = (gint)lround (grams);

  if (status == PB_SCALE_STATUS_IN_MOTION)
    reading->state = PB_SCALE_STATE_MOTION;
  else if (status == PB_SCALE_STATUS_UNDER_ZERO)
    {
      reading->state = PB_SCALE_STATE_NEGATIVE;
      reading->grams = -reading->grams;
    }
  else
    reading->state = reading->grams == 0 ? PB_SCALE_STATE_ZERO : PB_SCALE_STATE_STABLE;
  return TRUE;
}

/**
 * pb_scale_descriptor_is_scale:
 * @descriptor: (array length=length): a HID report descriptor
 * @length: its length
 *
 * Walks the descriptor's items for a Usage Page item (or an extended
 * usage) on the scale page 0x8D.
 *
 * Returns: whether the device declares itself a scale
 */
gboolean
pb_scale_descriptor_is_scale (const guint8 *descriptor, gsize length)
{
  gsize i = 0;

  g_return_val_if_fail (descriptor != NULL || length == 0, FALSE);

  while (i < length)
    {
      guint8 prefix = descriptor[i];
      gsize size = prefix & 0x03;
      guint type = (prefix >> 2) & 0x03;
      guint tag = prefix >> 4;
      guint32 value = 0;

      if (prefix == 0xFE)
        {
          /* A long item: its size follows. None is defined; pass over it. */
          if (i + 1 >= length)
            break;
          i += 3 + descriptor[i + 1];
          continue;
        }
      if (size == 3)
        size = 4;
      if (i + 1 + size > length)
        break;
      for (gsize k = 0; k < size; k++)
        value |= (guint32)descriptor[i + 1 + k] << (8 * k);
      if (type == 1 && tag == 0 && value == 0x8D) /* global: Usage Page */
        return TRUE;
      if (type == 2 && tag == 0 && size == 4 && (value >> 16) == 0x8D) /* local: extended Usage */
        return TRUE;
      i += 1 + size;
    }
  return FALSE;
}

/* Reader ------------------------------------------------------------------- */

static gboolean
in_flatpak (void)
{
  return g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS);
}

static void
set_open_error (GError **error, const char *path, int saved_errno)
{
  /* In the flatpak, a sandbox without device access has no /dev/hidraw*
   * nodes at all, though udev (in /sys) lists them. */
  if (saved_errno == EACCES || saved_errno == EPERM
      || (saved_errno == ENOENT && in_flatpak () && g_str_has_prefix (path, "/dev/")))
    g_set_error (error, PB_SCALE_ERROR, PB_SCALE_ERROR_NO_ACCESS,
                 _ ("Packbench has no access to the scale %s. In the flatpak, IT allows USB "
                    "devices once with “flatpak override --user --device=all %s” and restarts "
                    "Packbench; outside the flatpak, a udev rule must give this user the device "
                    "(README, “USB scale”)."),
                 path, APPLICATION_ID);
  else if (saved_errno == ENOENT || saved_errno == ENODEV || saved_errno == ENXIO)
    g_set_error (error, PB_SCALE_ERROR, PB_SCALE_ERROR_NOT_FOUND,
                 _ ("There is no scale at %s. Check that it is plugged in and switched on "
                    "(“packbenchctl scale list” shows the scales found)."),
                 path);
  else
    g_set_error (error, PB_SCALE_ERROR, PB_SCALE_ERROR_FAILED, _ ("Cannot open the scale %s: %s"),
                 path, g_strerror (saved_errno));
}

/**
 * pb_scale_reader_open:
 * @path: a hidraw node, or a file or FIFO of six-byte reports
 * @error: why it cannot be opened
 *
 * Returns: (transfer full) (nullable): a reader that never blocks
 */
PbScaleReader *
pb_scale_reader_open (const char *path, GError **error)
{
  PbScaleReader *reader;
  struct stat st;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);

  /* Non-blocking: a FIFO without a writer opens at once (and polls as
   * unreadable until one writes). */
  fd = g_open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY, 0);
  if (fd < 0)
    {
      set_open_error (error, path, errno);
      return NULL;
    }
  if (fstat (fd, &st) != 0 || S_ISDIR (st.st_mode))
    {
      int saved_errno = S_ISDIR (st.st_mode) ? EISDIR : errno;

      close (fd);
      set_open_error (error, path, saved_errno);
      return NULL;
    }
  reader = g_new0 (PbScaleReader, 1);
  reader->fd = fd;
  reader->path = g_strdup (path);
  reader->packets = S_ISCHR (st.st_mode);
  return reader;
}

void
pb_scale_reader_free (PbScaleReader *reader)
{
  if (reader == NULL)
    return;
  if (reader->fd >= 0)
    close (reader->fd);
  g_free (reader->path);
  g_free (reader);
}

int
pb_scale_reader_get_fd (PbScaleReader *reader)
{
  g_return_val_if_fail (reader != NULL, -1);
  return reader->fd;
}

const char *
pb_scale_reader_get_path (PbScaleReader *reader)
{
  g_return_val_if_fail (reader != NULL, NULL);
  return reader->path;
}

static PbScaleReadResult
read_failed (PbScaleReader *reader, int saved_errno, GError **error)
{
  /* A device unplugged while open answers ENODEV. */
  if (saved_errno == ENODEV || saved_errno == EIO)
    return PB_SCALE_READ_EOF;
  g_set_error (error, PB_SCALE_ERROR, PB_SCALE_ERROR_FAILED, _ ("Cannot read the scale %s: %s"),
               reader->path, g_strerror (saved_errno));
  return PB_SCALE_READ_ERROR;
}

PbScaleReadResult
pb_scale_reader_read (PbScaleReader *reader, PbScaleReading *reading, GError **error)
{
  g_return_val_if_fail (reader != NULL, PB_SCALE_READ_ERROR);
  g_return_val_if_fail (reading != NULL, PB_SCALE_READ_ERROR);

  for (;;)
    {
      gssize n;

      if (reader->packets)
        {
          n = read (reader->fd, reader->buffer, sizeof reader->buffer);
          if (n < 0 && errno == EINTR)
            continue;
          if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return PB_SCALE_READ_AGAIN;
          if (n < 0)
            return read_failed (reader, errno, error);
          if (n == 0)
            return PB_SCALE_READ_EOF;
          /* Other reports of the same device (a scale's control or
           * attribute reports) are not weights. */
          if (reader->buffer[0] != PB_SCALE_REPORT_ID)
            continue;
          return pb_scale_parse_report (reader->buffer, n, reading, error) ? PB_SCALE_READ_REPORT
                                                                           : PB_SCALE_READ_ERROR;
        }

      /* A stream: six-byte reports one after another. */
      n = read (reader->fd, reader->buffer + reader->buffered,
                PB_SCALE_REPORT_SIZE - reader->buffered);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return PB_SCALE_READ_AGAIN;
      if (n < 0)
        return read_failed (reader, errno, error);
      if (n == 0)
        return PB_SCALE_READ_EOF;
      reader->buffered += n;
      if (reader->buffered < PB_SCALE_REPORT_SIZE)
        continue;
      reader->buffered = 0;
      return pb_scale_parse_report (reader->buffer, PB_SCALE_REPORT_SIZE, reading, error)
                 ? PB_SCALE_READ_REPORT
                 : PB_SCALE_READ_ERROR;
    }
}

gboolean
pb_scale_reader_wait_settled (PbScaleReader *reader, guint timeout_ms, PbScaleReading *reading,
                              gboolean *have_reading, GError **error)
{
  g_autoptr (GError) bad_report = NULL;
  PbScaleReading last = { 0 };
  gboolean have_last = FALSE;
  gboolean ended = FALSE;
  gint64 deadline = g_get_monotonic_time () + (gint64)timeout_ms * 1000;

  g_return_val_if_fail (reader != NULL, FALSE);
  g_return_val_if_fail (reading != NULL, FALSE);

  if (have_reading != NULL)
    *have_reading = FALSE;
  while (!ended)
    {
      g_autoptr (GError) local_error = NULL;
      PbScaleReading next;
      gint64 left;
      struct pollfd pfd = { .fd = reader->fd, .events = POLLIN };

      switch (pb_scale_reader_read (reader, &next, &local_error))
        {
          case PB_SCALE_READ_REPORT:
            last = next;
            have_last = TRUE;
            if (pb_scale_reading_is_settled (&last))
              {
                *reading = last;
                if (have_reading != NULL)
                  *have_reading = TRUE;
                return TRUE;
              }
            continue;
          case PB_SCALE_READ_ERROR:
            if (!g_error_matches (local_error, PB_SCALE_ERROR, PB_SCALE_ERROR_BAD_REPORT))
              {
                g_propagate_error (error, g_steal_pointer (&local_error));
                return FALSE;
              }
            /* One bad report does not end the wait; it is the answer only
             * when nothing better comes. */
            if (bad_report == NULL)
              bad_report = g_steal_pointer (&local_error);
            continue;
          case PB_SCALE_READ_EOF:
            ended = TRUE;
            continue;
          case PB_SCALE_READ_AGAIN:
          default:
            break;
        }

      left = (deadline - g_get_monotonic_time ()) / 1000;
      if (left <= 0)
        break;
      if (poll (&pfd, 1, (int)MIN (left, G_MAXINT)) < 0 && errno != EINTR)
        {
          int saved_errno = errno;

          g_set_error (error, PB_SCALE_ERROR, PB_SCALE_ERROR_FAILED,
                       _ ("Cannot read the scale %s: %s"), reader->path, g_strerror (saved_errno));
          return FALSE;
        }
      /* (poll's timeout ends the wait on the next pass.) */
    }

  if (have_last)
    {
      g_autofree char *problem = pb_scale_reading_describe_problem (&last);

      *reading = last;
      if (have_reading != NULL)
        *have_reading = TRUE;
      g_set_error (error, PB_SCALE_ERROR, PB_SCALE_ERROR_NO_READING,
                   _ ("No stable reading from the scale %s. %s"), reader->path, problem);
    }
  else if (bad_report != NULL)
    g_propagate_error (error, g_steal_pointer (&bad_report));
  else if (ended)
    g_set_error (error, PB_SCALE_ERROR, PB_SCALE_ERROR_NO_READING,
                 _ ("The scale %s gave no reading."), reader->path);
  else
    g_set_error (error, PB_SCALE_ERROR, PB_SCALE_ERROR_NO_READING,
                 _ ("No reading came from the scale %s within %u seconds. Check that it is "
                    "switched on."),
                 reader->path, (timeout_ms + 999) / 1000);
  return FALSE;
}

/* Finding scales ----------------------------------------------------------- */

void
pb_scale_info_free (PbScaleInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->device);
  g_free (info->name);
  g_free (info->id);
  g_free (info);
}

/* "0003:00000922:00008004" (bus:vendor:product) → "0922:8004". */
static char *
format_hid_id (const char *hid_id)
{
  g_auto (GStrv) parts = hid_id != NULL ? g_strsplit (hid_id, ":", -1) : NULL;
  guint64 vendor, product;

  if (parts == NULL || g_strv_length (parts) != 3
      || !g_ascii_string_to_unsigned (parts[1], 16, 0, 0xFFFF, &vendor, NULL)
      || !g_ascii_string_to_unsigned (parts[2], 16, 0, 0xFFFF, &product, NULL))
    return NULL;
  return g_strdup_printf ("%04x:%04x", (guint)vendor, (guint)product);
}

static gint
compare_info (gconstpointer a, gconstpointer b)
{
  const PbScaleInfo *first = *(PbScaleInfo *const *)a;
  const PbScaleInfo *second = *(PbScaleInfo *const *)b;

  /* hidraw2 before hidraw10 */
  if (strlen (first->device) != strlen (second->device))
    return strlen (first->device) < strlen (second->device) ? -1 : 1;
  return strcmp (first->device, second->device);
}

gboolean
pb_scale_udev_device_is_scale (GUdevDevice *device)
{
  const char *sysfs = g_udev_device_get_sysfs_path (device);
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (sysfs == NULL)
    return FALSE;
  path = g_build_filename (sysfs, "device", "report_descriptor", NULL);
  if (!g_file_get_contents (path, &contents, &length, NULL))
    return FALSE;
  return pb_scale_descriptor_is_scale ((const guint8 *)contents, length);
}

PbScaleInfo *
pb_scale_info_new_from_udev (GUdevDevice *device)
{
  g_autoptr (GUdevDevice) hid = g_udev_device_get_parent_with_subsystem (device, "hid", NULL);
  PbScaleInfo *info;

  if (g_udev_device_get_device_file (device) == NULL)
    return NULL;
  info = g_new0 (PbScaleInfo, 1);
  info->device = g_strdup (g_udev_device_get_device_file (device));
  if (hid != NULL)
    {
      info->name = g_strdup (g_udev_device_get_property (hid, "HID_NAME"));
      info->id = format_hid_id (g_udev_device_get_property (hid, "HID_ID"));
    }
  return info;
}

GPtrArray *
pb_scale_list (void)
{
  const char *const subsystems[] = { "hidraw", NULL };
  g_autoptr (GUdevClient) client = g_udev_client_new (subsystems);
  GList *devices = g_udev_client_query_by_subsystem (client, "hidraw");
  GPtrArray *scales = g_ptr_array_new_with_free_func ((GDestroyNotify)pb_scale_info_free);

  for (GList *l = devices; l != NULL; l = l->next)
    {
      GUdevDevice *device = l->data;
      PbScaleInfo *info;

      if (pb_scale_udev_device_is_scale (device)
          && (info = pb_scale_info_new_from_udev (device)) != NULL)
        g_ptr_array_add (scales, info);
    }
  g_list_free_full (devices, g_object_unref);
  g_ptr_array_sort (scales, compare_info);
  return scales;
}
