/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Scanner input. A USB or Bluetooth barcode scanner is a keyboard: it types
 * the code, usually followed by Enter, a few milliseconds per character.
 * PbScanBuffer turns those keys back into whole scans; pb_scan_normalize
 * undoes a scanner and a desktop that disagree about the keyboard layout;
 * pb_scan_classify says what a scan is.
 *
 * Keyboard layouts. A scanner sends key positions (HID usages) for the
 * layout it is programmed with, and the desktop reads them with its own.
 * Scanners leave the factory as US keyboards; a UK bench types with the UK
 * layout. The two layouts differ in exactly these keys (everything else,
 * letters, digits, - _ = + [ ] { } ; : ' , . / < > ? ! $ % ^ & * ( ) ` and
 * space, is the same):
 *
 *   key (HID usage)        US        UK
 *   2                      2 @       2 "
 *   3                      3 #       3 £
 *   ' (0x34)               ' "       ' @
 *   ` (0x35)               ` ~       ` ¬
 *   beside Enter (0x31/32) \ |       # ~
 *   left of Z (0x64, ISO)  —         \ |
 *
 * So a US-programmed scanner on a UK desktop turns " into @, @ into ",
 * # into £, \ into #, | into ~ and ~ into ¬. PB_SCAN_LAYOUT_US_ON_UK undoes
 * that; PB_SCAN_LAYOUT_UK_ON_US is its inverse (a UK-programmed scanner on
 * a US desktop). The UK-only key left of Z is never sent by a US scanner;
 * a UK scanner's \ and | sent with it arrive unchanged on a Windows US
 * layout but as < and > on the X11/Wayland "us" layout, which cannot be
 * undone because < and > are characters of their own. Order ids, EAN/UPC
 * and ASINs use none of these characters; SKUs, GS1 serial numbers and
 * badges may.
 *
 * Badges. An operator badge is a Code 128 barcode of "PBU:" followed by
 * the username (letters, digits, '.', '_', '-'; at most 32 characters, as
 * usernames are). Every character of that format is the same on US and UK
 * layouts, and the prefix is read case-insensitively so Caps Lock does not
 * matter. A badge only names an operator; it never replaces the password.
 */

#define PB_SCAN_BADGE_PREFIX "PBU:"

/* Defaults of a new PbScanBuffer. Scanners send a character every 1–20 ms;
 * even a fast typist leaves 60 ms or more between most keys. */
#define PB_SCAN_DEFAULT_MAX_GAP_MS 50
#define PB_SCAN_DEFAULT_MIN_LENGTH 4
/* A burst longer than this is not a barcode (a stuck key, a paste). */
#define PB_SCAN_MAX_LENGTH 1024

typedef enum
{
  PB_SCAN_LAYOUT_AS_TYPED, /* scanner and desktop use the same layout */
  PB_SCAN_LAYOUT_US_ON_UK, /* a US-programmed scanner on a UK desktop */
  PB_SCAN_LAYOUT_UK_ON_US, /* a UK-programmed scanner on a US desktop */
} PbScanLayout;

/* Undoes a US-programmed scanner on a UK desktop (PB_SCAN_LAYOUT_US_ON_UK).
 * @raw must be UTF-8; the result is newly allocated. */
char *pb_scan_normalize (const char *raw);
char *pb_scan_normalize_layout (const char *raw, PbScanLayout layout);

typedef enum
{
  PB_SCAN_KIND_OTHER,           /* anything else: treated as a SKU */
  PB_SCAN_KIND_AMAZON_ORDER_ID, /* 123-1234567-1234567, or the 17 digits */
  PB_SCAN_KIND_EAN13,           /* 13 digits, check digit verified */
  PB_SCAN_KIND_UPC_A,           /* 12 digits, check digit verified */
  PB_SCAN_KIND_EAN8,            /* 8 digits, check digit verified */
  PB_SCAN_KIND_ASIN,            /* B0 + 8 letters or digits, or an ISBN-10 */
  PB_SCAN_KIND_BADGE,           /* PB_SCAN_BADGE_PREFIX + username */
} PbScanKind;

/* Says what @code is. @value (optional) receives its canonical form: the
 * order id with dashes, the ASIN in capitals, the badge's username in
 * lower case, anything else unchanged. A GTIN with a wrong check digit, a
 * malformed ASIN or badge is PB_SCAN_KIND_OTHER. */
PbScanKind pb_scan_classify (const char *code, char **value);
/* "amazon_order_id", "ean13", "upc_a", "ean8", "asin", "badge", "other". */
const char *pb_scan_kind_to_string (PbScanKind kind);

/* TRUE when @digits is 8, 12, 13 or 14 digits with a correct GS1 check
 * digit. */
gboolean pb_scan_gtin_is_valid (const char *digits);

/* The forms under which @code may be stored: @code itself, its canonical
 * form (pb_scan_classify), and for a valid GTIN every 8-, 12-, 13- and
 * 14-digit spelling of the same GTIN (GS1 compares GTINs right-aligned in
 * 14 digits, so UPC-A 012345678905 is EAN-13 0012345678905). No duplicates,
 * @code first. */
GStrv pb_scan_candidates (const char *code);

/*
 * PbScanBuffer: feed it every character a key event produces, with the
 * event's time. A scan ends at Enter, Tab or ETX, at an STX that starts
 * the next one, or when no key follows for longer than max-gap (call
 * pb_scan_buffer_flush from a timeout at pb_scan_buffer_get_deadline).
 *
 * A burst counts as a scan only if every key in it followed the previous
 * one within max-gap and it holds at least min-length characters: keys
 * typed by a person are dropped, never mistaken for a scan. A burst that
 * ends by the gap alone and repeats one character is a held key
 * (auto-repeat), not a scan.
 *
 * A finished scan is cleaned: control characters removed (except the GS1
 * group separator U+001D between two fields), the layout undone, spaces
 * trimmed, the configured prefix, an AIM symbology identifier ("]C1",
 * "]E0", "]Q3", "]d2": ']' + letter + letter or digit) and the configured
 * suffix stripped. A buffer with max-gap 0 ignores timing and ends scans at
 * terminators only.
 */
typedef struct _PbScanBuffer PbScanBuffer;

PbScanBuffer *pb_scan_buffer_new (void);
void pb_scan_buffer_free (PbScanBuffer *buf);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PbScanBuffer, pb_scan_buffer_free)

/* Default PB_SCAN_LAYOUT_US_ON_UK: what a scanner out of the box on a UK
 * bench needs. */
void pb_scan_buffer_set_layout (PbScanBuffer *buf, PbScanLayout layout);
PbScanLayout pb_scan_buffer_get_layout (PbScanBuffer *buf);
void pb_scan_buffer_set_max_gap_ms (PbScanBuffer *buf, guint max_gap_ms);
void pb_scan_buffer_set_min_length (PbScanBuffer *buf, guint min_length);
/* What the scanner is programmed to send before and after each code (in
 * the characters meant, after the layout is undone); NULL or "" for none. */
void pb_scan_buffer_set_prefix (PbScanBuffer *buf, const char *prefix);
void pb_scan_buffer_set_suffix (PbScanBuffer *buf, const char *suffix);
/* Whether AIM symbology identifiers are stripped (default TRUE). */
void pb_scan_buffer_set_strip_aim (PbScanBuffer *buf, gboolean strip_aim);

/* Feeds one character typed at @time_us (monotonic microseconds, e.g. a
 * key event's time × 1000). Returns (transfer full) (nullable): a finished
 * scan, or NULL. At most one scan ends per character. */
char *pb_scan_buffer_feed (PbScanBuffer *buf, gunichar c, gint64 time_us);
/* Ends the burst in progress if its last key is more than max-gap before
 * @time_us. Returns (transfer full) (nullable): the scan it held. */
char *pb_scan_buffer_flush (PbScanBuffer *buf, gint64 time_us);
/* When pb_scan_buffer_flush should next be called; 0 when nothing waits. */
gint64 pb_scan_buffer_get_deadline (PbScanBuffer *buf);
/* Forgets any partial burst (focus lost, page changed). */
void pb_scan_buffer_reset (PbScanBuffer *buf);

G_END_DECLS
