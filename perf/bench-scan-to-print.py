#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Scan to job accepted: a private cupsd with a raw ZPL queue and a Zebra
driver queue printing into TCP sinks, and bench-scan-to-print against each.

usage: bench-scan-to-print.py BUILD_DIR [RUNS]"""

import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "servers"))
import cupsd  # noqa: E402
import printer_sink  # noqa: E402

build = sys.argv[1]
runs = sys.argv[2] if len(sys.argv) > 2 else "100"
bench = os.path.join(build, "perf", "bench-scan-to-print")

with cupsd.CupsServer() as cups, printer_sink.PrinterSink() as raw, \
        printer_sink.PrinterSink() as driver:
    cups.add_raw_queue("labels-zpl", "socket://127.0.0.1:%d" % raw.port)
    cups.add_zebra_queue("labels-pdf", "socket://127.0.0.1:%d" % driver.port)
    print("| mode | runs | p50 | p95 | max |")
    print("| --- | --- | --- | --- | --- |")
    for queue, mode in (("labels-zpl", "zpl"), ("labels-pdf", "pdf")):
        out = subprocess.run([bench, queue, mode, runs], capture_output=True, text=True,
                             env=cups.env(), check=True).stdout
        row = json.loads(out.strip().splitlines()[-1])
        print("| %s | %d | %.1f ms | %.1f ms | %.1f ms |" % (
            row["mode"], row["runs"], row["p50_ms"], row["p95_ms"], row["max_ms"]))
