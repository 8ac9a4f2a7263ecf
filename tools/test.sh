#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The README's test command: installs what is missing, builds with warnings as
# errors, runs every test (the GUI ones under Xvfb), then runs the non-GUI
# tests again in an AddressSanitizer + UndefinedBehaviorSanitizer build.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

"$root/tools/install-deps.sh"

build=${BUILD_DIR:-$root/build-test}
asan=${ASAN_BUILD_DIR:-$root/build-asan}

if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" --werror -Dbuildtype=debugoptimized
fi
meson compile -C "$build"

export PB_REQUIRE_DISPLAY=1
status=0
xvfb-run -a -s "-screen 0 1280x1024x24" \
  meson test -C "$build" --print-errorlogs --num-processes 2 || status=1

if [ ! -f "$asan/build.ninja" ]; then
  CC=${ASAN_CC:-gcc} meson setup "$asan" --werror -Dbuildtype=debug \
    -Db_sanitize=address,undefined -Db_lundef=false \
    -Dgui_tests=false -Dflatpak_check=false
fi
meson compile -C "$asan"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  meson test -C "$asan" --print-errorlogs --num-processes 2 \
  --suite unit --suite integration || status=1

/usr/bin/python3 "$root/tools/summarise-tests.py" \
  "$build/meson-logs/testlog.json" "$asan/meson-logs/testlog.json"
exit $status
