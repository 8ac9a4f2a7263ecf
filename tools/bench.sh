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

echo "== site mode: claims, ten benches taking the next order, live updates (private PostgreSQL)"
/usr/bin/python3 "$root/perf/bench-site.py" "$build" 2000 10 1000 500 100000

# The GUI benchmarks run under Xvfb (no window manager). Under Xvfb the
# default GL renderer is Mesa's software llvmpipe, so the queue is measured
# with it and with the cairo renderer.
xvfb() {
  GSETTINGS_SCHEMA_DIR="$build/data" GSETTINGS_BACKEND=memory \
    xvfb-run -a -s "-screen 0 1280x800x24" "$@"
}
echo "== the bench's queue: no orders (memory baseline), then 100,000 orders"
for renderer in gl cairo; do
  GSK_RENDERER=$renderer xvfb "$build/perf/bench-queue" 0 2>/dev/null
  GSK_RENDERER=$renderer xvfb "$build/perf/bench-queue" 100000 5 2
done
echo "== cold start to the login window, against a bare GTK window (10 runs each)"
xvfb dbus-run-session -- "$build/perf/bench-startup" "$build/src/app/packbench" 10 2>/dev/null
