/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "pb-cli.h"
#include "util/pb-process.h"

int
main (int argc, char **argv)
{
  pb_process_forbid_dumps ();
  return pb_cli_run (argc, argv);
}
