#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The README's run command: installs what is missing, builds, starts Packbench.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/tools/install-deps.sh"
"$root/tools/build.sh"
export GSETTINGS_SCHEMA_DIR="$root/build/data"
exec "$root/build/src/app/packbench" "$@"
