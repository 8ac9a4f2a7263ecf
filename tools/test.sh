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

# Every build here is a test build: -Dtest_hooks=true lets the tests move the
# clock (PACKBENCH_NOW) and crash on purpose (PACKBENCH_FAULT); a release
# build compiles them out. A folder made before the option existed, or by
# hand without it, gets it too.
test_hooks() {
  meson configure "$1" -Dtest_hooks=true
}

if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" --werror -Dbuildtype=debugoptimized -Dtest_hooks=true
else
  test_hooks "$build"
fi
meson compile -C "$build"

export PB_REQUIRE_DISPLAY=1
status=0
xvfb-run -a -s "-screen 0 1280x1024x24" \
  meson test -C "$build" --print-errorlogs --num-processes 2 || status=1

if [ ! -f "$asan/build.ninja" ]; then
  CC=${ASAN_CC:-gcc} meson setup "$asan" --werror -Dbuildtype=debug \
    -Db_sanitize=address,undefined -Db_lundef=false \
    -Dgui_tests=false -Dflatpak_check=false -Dtest_hooks=true
else
  test_hooks "$asan"
fi
meson compile -C "$asan"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
LSAN_OPTIONS=suppressions="$root/tests/lsan.supp":print_suppressions=0 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
PB_SITE_RACE_ROUNDS=${PB_SITE_RACE_ROUNDS_ASAN:-20} \
  meson test -C "$asan" --print-errorlogs --num-processes 2 \
  --suite unit --suite integration || status=1

# Fuzzers: clang, ASan + UBSan, a short run of each on its seed corpus.
fuzz=${FUZZ_BUILD_DIR:-$root/build-fuzz}
fuzz_seconds=${FUZZ_SECONDS:-20}
if [ ! -f "$fuzz/build.ninja" ]; then
  CC=clang meson setup "$fuzz" -Dbuildtype=debugoptimized -Dfuzzing=true \
    -Db_sanitize=address,undefined -Db_lundef=false \
    -Dgui_tests=false -Dflatpak_check=false -Dtest_hooks=true
else
  test_hooks "$fuzz"
fi
fuzz_passed=0
fuzz_failed=0
for corpus in "$root"/tests/fuzz/corpus/*/; do
  name=$(basename "$corpus")
  meson compile -C "$fuzz" "fuzz-$name"
  work=$(mktemp -d)
  cp "$corpus"/* "$work"/
  if ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
     "$fuzz/tests/fuzz/fuzz-$name" -max_total_time="$fuzz_seconds" -rss_limit_mb=2048 \
     -artifact_prefix="$fuzz/fuzz-$name-" "$work" > "$fuzz/fuzz-$name.log" 2>&1; then
    echo "fuzz-$name: no findings in ${fuzz_seconds} s ($(grep -c '^#' "$fuzz/fuzz-$name.log") status lines)"
    fuzz_passed=$((fuzz_passed + 1))
  else
    tail -40 "$fuzz/fuzz-$name.log"
    echo "fuzz-$name: FAILED"
    fuzz_failed=$((fuzz_failed + 1))
    status=1
  fi
  rm -rf "$work"
done

/usr/bin/python3 "$root/tools/summarise-tests.py" --extra "$fuzz_passed" "$fuzz_failed" \
  "$build/meson-logs/testlog.json" "$asan/meson-logs/testlog.json"
exit $status
