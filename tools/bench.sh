#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds and runs the benchmarks in perf/. Results are written by hand into
# docs/PERFORMANCE.md with the date and the machine. The ingest and printing
# benchmarks start their own local servers (the printing one needs root for
# its private cupsd).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build-bench}
if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" "$root" -Dbuildtype=release -Dgui_tests=false -Dflatpak_check=false
fi
meson compile -C "$build"

echo "== unlocking a keyslot (KDF)"
"$build/perf/bench-kdf"
echo "== purge: 1,000,000 orders, 100,000 due"
"$build/perf/bench-purge" 1000000
echo "== ingest (10,000 orders from the local SP-API server)"
/usr/bin/python3 "$root/perf/bench-ingest.py" "$build" 10000 3
echo "== PDF to ZPL against CUPS's Zebra driver"
"$build/perf/bench-zpl"
echo "== scan to job accepted (private cupsd, label already stored)"
/usr/bin/python3 "$root/perf/bench-scan-to-print.py" "$build" 100
