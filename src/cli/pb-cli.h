/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit codes: a contract that scripts and tests rely on. */
typedef enum
{
  PB_EXIT_OK = 0,
  PB_EXIT_FAILED = 1,
  PB_EXIT_USAGE = 2,
  PB_EXIT_AUTH = 3,
  PB_EXIT_NOT_PERMITTED = 4,
  PB_EXIT_LOCKED_OUT = 5,
  PB_EXIT_DO_NOT_SEND = 6, /* ship: the order is cancelled or its buyer asked to cancel */
} PbExit;

typedef struct
{
  const char *store_dir;  /* NULL: the default store folder */
  gboolean no_open_purge; /* the command purges by itself (purge, restore) */
  /* Site mode: the site database's connection (a PbSite), opened at the
   * first need, and the login's session, so people and settings changed by
   * the command reach the site when it ends. */
  gpointer site;
  gboolean site_tried;
  gpointer session;
} PbCliContext;

typedef int (*PbCliHandler) (PbCliContext *ctx, int argc, char **argv);

typedef struct
{
  const char *name;
  const char *usage;   /* untranslated synopsis, e.g. "init --admin NAME" */
  const char *summary; /* translatable, marked with N_() */
  PbCliHandler handler;
} PbCliCommand;

const PbCliCommand *pb_cli_commands (gsize *n_commands);
const PbCliCommand *pb_cli_find_command (const char *name);
int pb_cli_run (int argc, char **argv);

G_END_DECLS
