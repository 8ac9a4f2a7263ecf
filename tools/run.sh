#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The README's run command: installs what is missing, builds, and starts the
# Packbench demo (local Amazon and Royal Mail servers, a throwaway store,
# labels saved as PDF files; see data/demo/packbench-demo.py). With
# arguments, starts Packbench itself with them instead (e.g. --store DIR).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/tools/install-deps.sh"
"$root/tools/build.sh"
export GSETTINGS_SCHEMA_DIR="$root/build/data"
if [ "$#" -eq 0 ]; then
  exec "$root/build/src/app/packbench" --demo
fi
exec "$root/build/src/app/packbench" "$@"
