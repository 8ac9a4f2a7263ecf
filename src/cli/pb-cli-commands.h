/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "pb-cli.h"

G_BEGIN_DECLS

int pb_cli_cmd_init (PbCliContext *ctx, int argc, char **argv);
int pb_cli_cmd_whoami (PbCliContext *ctx, int argc, char **argv);
int pb_cli_cmd_recover (PbCliContext *ctx, int argc, char **argv);
int pb_cli_cmd_user (PbCliContext *ctx, int argc, char **argv);
int pb_cli_cmd_config (PbCliContext *ctx, int argc, char **argv);
int pb_cli_cmd_activity (PbCliContext *ctx, int argc, char **argv);
int pb_cli_cmd_audit (PbCliContext *ctx, int argc, char **argv);
int pb_cli_cmd_labels (PbCliContext *ctx, int argc, char **argv);
int pb_cli_cmd_sync (PbCliContext *ctx, int argc, char **argv);
int pb_cli_cmd_orders (PbCliContext *ctx, int argc, char **argv);
int pb_cli_cmd_outbox (PbCliContext *ctx, int argc, char **argv);
int pb_cli_cmd_purge (PbCliContext *ctx, int argc, char **argv);
int pb_cli_cmd_catalogue (PbCliContext *ctx, int argc, char **argv);
int pb_cli_cmd_ship (PbCliContext *ctx, int argc, char **argv);
int pb_cli_cmd_printers (PbCliContext *ctx, int argc, char **argv);
int pb_cli_cmd_print_test (PbCliContext *ctx, int argc, char **argv);
int pb_cli_cmd_label (PbCliContext *ctx, int argc, char **argv);
int pb_cli_cmd_manifest (PbCliContext *ctx, int argc, char **argv);
int pb_cli_cmd_despatch_note (PbCliContext *ctx, int argc, char **argv);
int pb_cli_cmd_pick_list (PbCliContext *ctx, int argc, char **argv);
int pb_cli_cmd_rules (PbCliContext *ctx, int argc, char **argv);
int pb_cli_cmd_backup (PbCliContext *ctx, int argc, char **argv);
int pb_cli_cmd_restore (PbCliContext *ctx, int argc, char **argv);
int pb_cli_cmd_rekey (PbCliContext *ctx, int argc, char **argv);
int pb_cli_cmd_wipe (PbCliContext *ctx, int argc, char **argv);
int pb_cli_cmd_site (PbCliContext *ctx, int argc, char **argv);
int pb_cli_cmd_scale (PbCliContext *ctx, int argc, char **argv);
int pb_cli_cmd_version (PbCliContext *ctx, int argc, char **argv);

G_END_DECLS
