/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "pb-cli.h"

int
main (int argc, char **argv)
{
  return pb_cli_run (argc, argv);
}
