/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "pb-cli.h"
#include "site/pb-site.h"
#include "store/pb-session.h"

G_BEGIN_DECLS

/* Reads one secret: prompted without echo on a terminal, else one line of
 * standard input. NULL at end of input. Free with pb_secure_free_string. */
char *pb_cli_read_secret (const char *prompt);

/* A new password: on a terminal asked twice; from a pipe read once. */
char *pb_cli_read_new_password (const char *prompt);

/* The store folder: --store, else the default. */
char *pb_cli_store_dir (PbCliContext *ctx);

/* Logs @username in: password, then a TOTP code when required, then a new
 * password when the current one is temporary or expired. Prints the error
 * and sets @exit_code on failure. */
PbSession *pb_cli_login (PbCliContext *ctx, const char *username, int *exit_code);
PbSession *pb_cli_login_keep_password (PbCliContext *ctx, const char *username, char **password_out,
                                       int *exit_code);

/* The same with a password already read (site join reads it first). In
 * site mode the site's keyslots, operators and settings are brought in
 * around the login, and what the login changed goes back. */
PbSession *pb_cli_login_with_password (PbCliContext *ctx, const char *username,
                                       const char *password, int *exit_code);
/* Site mode: the site's connection, opened at the first call; NULL on a
 * solo bench, or (with a warning printed) when the site is out of reach. */
PbSite *pb_cli_site (PbCliContext *ctx);
/* pb_cli_site (), with this bench's newest audit rows copied to the site
 * first (a warning when they could not be). */
PbSite *pb_cli_site_with_audit (PbCliContext *ctx, PbSession *session);
/* ISO 8601 for --since/--from (a bare date: its midnight, UTC) and
 * --until/--to (a bare date: the end of that day). */
gboolean pb_cli_parse_since (const char *text, gint64 *out);
gboolean pb_cli_parse_until (const char *text, gint64 *out);
/* Prints @error to stderr and returns the matching exit code. */
int pb_cli_fail (const GError *error);
int pb_cli_usage (const char *usage, const char *message);

/* Parses options for a command; on failure prints a usage message. */
gboolean pb_cli_parse (GOptionEntry *entries, const char *synopsis, int *argc, char ***argv,
                       int *exit_code);
/* The same, with @description (translated) shown after the options in --help. */
gboolean pb_cli_parse_described (GOptionEntry *entries, const char *synopsis,
                                 const char *description, int *argc, char ***argv, int *exit_code);

/* Prints what @builder built as indented JSON on standard output. */
void pb_cli_print_json (JsonBuilder *builder);

/* @text made safe for a terminal: every control character (C0, DEL, C1)
 * becomes a space and bytes that are not UTF-8 become U+FFFD, so text that
 * came from outside (a buyer's address, a vendor's error) cannot move the
 * cursor, clear the screen or retitle the window. NULL gives NULL. The
 * human output uses it; JSON output is escaped by json-glib instead. */
char *pb_cli_printable (const char *text);

/* Formats a Unix time as ISO 8601 UTC, "-" for 0. */
char *pb_cli_format_time (gint64 unix_time);

G_END_DECLS
