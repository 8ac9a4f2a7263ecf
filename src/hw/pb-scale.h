/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * USB shipping scales that speak the HID point-of-sale scale usage page
 * (0x8D): Dymo M10/M25, Mettler Toledo PS60 and the like. The kernel gives
 * each one a hidraw node (/dev/hidrawN); every read of it is one input
 * report. The scale data report these scales send is six bytes:
 *
 *   0  report id, 0x03
 *   1  status: 1 fault, 2 stable at zero, 3 in motion, 4 weight stable,
 *      5 under zero, 6 over the weight limit, 7 needs calibrating,
 *      8 needs re-zeroing
 *   2  unit: 1 mg, 2 g, 3 kg, 4 carat, 8 tonne, 10 troy ounce, 11 ounce,
 *      12 pound (the HID POS usage tables' weight units)
 *   3  the scaling exponent, signed: weight = data × 10^exponent units
 *   4  the weight's data, little-endian, unsigned (5 is its high byte)
 *
 * The reader takes any file descriptor: a hidraw node delivers one report
 * per read, and anything else (a file, a pipe, a FIFO) is read as a stream
 * of six-byte reports, so tests and IT can feed recorded reports through the
 * same code the device goes through.
 */

#define PB_SCALE_ERROR (pb_scale_error_quark ())

typedef enum
{
  PB_SCALE_ERROR_NOT_FOUND,  /* no such device or file */
  PB_SCALE_ERROR_NO_ACCESS,  /* it exists, but this user (or the sandbox) may not open it */
  PB_SCALE_ERROR_BAD_REPORT, /* a report that cannot be read as a weight */
  PB_SCALE_ERROR_NO_READING, /* no settled reading came in time */
  PB_SCALE_ERROR_FAILED,     /* any other failure to read */
} PbScaleError;

GQuark pb_scale_error_quark (void);

typedef enum
{
  PB_SCALE_STATE_STABLE,    /* a settled weight above zero */
  PB_SCALE_STATE_MOTION,    /* still moving; the weight is the live one */
  PB_SCALE_STATE_ZERO,      /* settled at zero: nothing on the scale */
  PB_SCALE_STATE_NEGATIVE,  /* under zero (the platter was lifted, or zeroed with a load) */
  PB_SCALE_STATE_OVERLOAD,  /* heavier than the scale can weigh: no weight */
  PB_SCALE_STATE_NOT_READY, /* a fault, or it needs calibrating or re-zeroing: no weight */
} PbScaleState;

/* The status byte's values (HID POS usage tables, scale status). */
typedef enum
{
  PB_SCALE_STATUS_FAULT = 1,
  PB_SCALE_STATUS_STABLE_ZERO = 2,
  PB_SCALE_STATUS_IN_MOTION = 3,
  PB_SCALE_STATUS_WEIGHT_STABLE = 4,
  PB_SCALE_STATUS_UNDER_ZERO = 5,
  PB_SCALE_STATUS_OVER_LIMIT = 6,
  PB_SCALE_STATUS_NEEDS_CALIBRATION = 7,
  PB_SCALE_STATUS_NEEDS_REZEROING = 8,
} PbScaleStatus;

#define PB_SCALE_REPORT_ID 0x03
#define PB_SCALE_REPORT_SIZE 6

typedef struct
{
  PbScaleState state;
  guint8 status; /* the report's own status byte, for the reason of a not-ready */
  /* Rounded to the nearest gram; negative under zero. 0 when the state
   * has no weight (overload, not ready). */
  gint grams;
} PbScaleReading;

/* "stable", "motion", "zero", "negative", "overload" or "not-ready". */
const char *pb_scale_state_to_string (PbScaleState state);

/* Whether @reading is an answer a caller can act on: a settled weight
 * (stable, zero, negative). Motion, overload and not-ready are not. */
gboolean pb_scale_reading_is_settled (const PbScaleReading *reading);

/* Why @reading gives no weight (motion, overload, not ready), in words a
 * packer can act on; NULL for a settled one. */
char *pb_scale_reading_describe_problem (const PbScaleReading *reading);

/* Parses one scale data report. FALSE (PB_SCALE_ERROR_BAD_REPORT) for a
 * report that is not a scale data report, too short, or in a unit this
 * code cannot convert to grams. */
gboolean pb_scale_parse_report (const guint8 *data, gsize length, PbScaleReading *reading,
                                GError **error);

/* Whether a HID report descriptor declares the scale usage page (0x8D). */
gboolean pb_scale_descriptor_is_scale (const guint8 *descriptor, gsize length);

typedef struct _PbScaleReader PbScaleReader;

typedef enum
{
  PB_SCALE_READ_REPORT, /* @reading holds a new reading */
  PB_SCALE_READ_AGAIN,  /* nothing complete to read yet */
  PB_SCALE_READ_EOF,    /* the file ended, the writer closed, or the device went away */
  PB_SCALE_READ_ERROR,  /* a bad report or a read error (@error) */
} PbScaleReadResult;

/* Opens @path (a hidraw node, or any file or FIFO of reports) for reading,
 * without blocking. NOT_FOUND or NO_ACCESS (in words that name the flatpak
 * override and the udev rule) when it cannot be opened. */
PbScaleReader *pb_scale_reader_open (const char *path, GError **error);
void pb_scale_reader_free (PbScaleReader *reader);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PbScaleReader, pb_scale_reader_free)

int pb_scale_reader_get_fd (PbScaleReader *reader);
const char *pb_scale_reader_get_path (PbScaleReader *reader);

/* Reads what is there without blocking: at most one reading per call (call
 * again while it returns PB_SCALE_READ_REPORT). Reports with another id
 * are passed over. */
PbScaleReadResult pb_scale_reader_read (PbScaleReader *reader, PbScaleReading *reading,
                                        GError **error);

/* Waits up to @timeout_ms for a settled reading (pb_scale_reading_is_settled)
 * and returns it in @reading. Otherwise FALSE with PB_SCALE_ERROR_NO_READING
 * (or why reading failed), the last reading seen (if any) in @reading and
 * *@have_reading set. */
gboolean pb_scale_reader_wait_settled (PbScaleReader *reader, guint timeout_ms,
                                       PbScaleReading *reading, gboolean *have_reading,
                                       GError **error);

typedef struct
{
  char *device; /* /dev/hidrawN */
  char *name;   /* the USB device's name, when the kernel has one */
  char *id;     /* vendor:product, hexadecimal */
} PbScaleInfo;

void pb_scale_info_free (PbScaleInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PbScaleInfo, pb_scale_info_free)

/* (element-type PbScaleInfo): the hidraw devices whose report descriptor
 * declares the scale usage page, in device order (udev). */
GPtrArray *pb_scale_list (void);

G_END_DECLS
