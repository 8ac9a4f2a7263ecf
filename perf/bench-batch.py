#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A batch of single-item orders (issue 16) against the local servers: the
SP-API and Click & Drop servers over TLS, a private cupsd with a raw ZPL
queue printing into a TCP sink. Ships N orders with one
`packbenchctl ship --batch SKU` and compares its labels per minute with
the printer's own speed: the same N label jobs sent one after another
straight to the same CUPS queue (`lp`, each waited for in the sink, as the
batch waits for each job), which is all a batch could ever reach.

usage: bench-batch.py BUILD_DIR [N]    (a build with -Dtest_hooks=true)"""

import copy
import datetime
import os
import subprocess
import sys
import tempfile
import time
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
build = os.path.abspath(sys.argv[1])
count = int(sys.argv[2]) if len(sys.argv) > 2 else 50
os.environ.setdefault("PACKBENCHCTL", os.path.join(build, "src", "cli", "packbenchctl"))
os.environ.setdefault("PB_SOURCE_ROOT", ROOT)
os.environ.setdefault("PB_TEST_HOOKS", "1")
os.environ.setdefault("GSETTINGS_BACKEND", "memory")
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
sys.path.insert(0, os.path.join(ROOT, "tests", "servers"))
from pbtest import Bench  # noqa: E402
from shipping import Shipping  # noqa: E402
import pbtest  # noqa: E402

SKU = "PB-BENCH-BATCH"


class Harness(unittest.TestCase):
    """Bench and Shipping want a test case: for their cleanups."""

    def runTest(self):
        pass


def single_item(template, order_id, ship_by):
    order = copy.deepcopy(template)
    order["orderId"] = order_id
    order.pop("orderAliases", None)
    order.pop("packages", None)
    order["fulfillment"]["fulfillmentStatus"] = "UNSHIPPED"
    order["fulfillment"]["shipByWindow"]["latestDateTime"] = ship_by.strftime(
        "%Y-%m-%dT%H:%M:%SZ")
    item = copy.deepcopy(order["orderItems"][0])
    item["orderItemId"] = order_id.replace("-", "")[:12] + "01"
    item["quantityOrdered"] = 1
    item["product"]["sellerSku"] = SKU
    item["product"]["title"] = "Benchmark mug"
    item["fulfillment"] = {"quantityFulfilled": 0, "quantityUnfulfilled": 1}
    item.pop("cancellation", None)
    order["orderItems"] = [item]
    return order


def bench_ctl():
    return pbtest.CTL


def main():
    harness = Harness()
    try:
        bench = Bench(harness)
        bench.init()
        shipping = Shipping(harness, bench, orders=4)
        template = shipping.unshipped()[0]
        now = datetime.datetime.now(datetime.timezone.utc)
        orders = [single_item(template, "205-%07d-%07d" % (n, n),
                              now + datetime.timedelta(minutes=n)) for n in range(count)]
        shipping.api.control("POST", "/_test/orders", {"add": orders})
        bench.ok(shipping.run("sync"))

        # Read as it comes: the time of the first order's start leaves the
        # login (its key derivation) out of the steady rate.
        env = bench.env(shipping.env)
        lines = "".join(line + "\n" for line in bench.login_lines("admin"))
        start = time.monotonic()
        process = subprocess.Popen([bench_ctl(), "--store", bench.dir, "ship", "--batch", SKU,
                                    "--weight", "450", "--user", "admin"],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True, env=env)
        process.stdin.write(lines)
        process.stdin.close()
        first = None
        stderr = []
        for line in process.stderr:
            stderr.append(line)
            if first is None and line.startswith("Order 1 of "):
                first = time.monotonic()
        stdout = process.stdout.read()
        process.wait()
        end = time.monotonic()
        batch_seconds = end - start
        steady_seconds = end - first if first else batch_seconds
        if process.returncode != 0:
            raise SystemExit("exit %d: %s" % (process.returncode, "".join(stderr)))
        result = subprocess.CompletedProcess([], 0, stdout, "".join(stderr))
        labels = sum(1 for l in result.stdout.splitlines() if l.startswith("Tracking: "))
        jobs = shipping.sink.wait_for_jobs(count)
        if labels != count:
            raise SystemExit("%d of %d labels" % (labels, count))

        # The printer alone: the same jobs, one after another, each waited
        # for in the sink as the batch waits for CUPS's completion.
        with tempfile.TemporaryDirectory() as folder:
            paths = []
            for n, job in enumerate(jobs):
                path = os.path.join(folder, "job-%d.zpl" % n)
                with open(path, "wb") as out:
                    out.write(job)
                paths.append(path)
            start = time.monotonic()
            for n, path in enumerate(paths):
                subprocess.run(["lp", "-d", "labels-zpl", "-o", "raw", path], check=True,
                               capture_output=True, env=shipping.cups.env())
                shipping.sink.wait_for_jobs(count + n + 1, timeout=120)
            printer_seconds = time.monotonic() - start

        batch_rate = 60.0 * count / batch_seconds
        printer_rate = 60.0 * count / printer_seconds
        print("| what | labels | time | labels per minute | per label |")
        print("| --- | --- | --- | --- | --- |")
        steady_rate = 60.0 * count / steady_seconds
        print("| ship --batch, the whole process (login included) | %d | %.1f s | %.0f | %.0f ms |"
              % (count, batch_seconds, batch_rate, 1000 * batch_seconds / count))
        print("| ship --batch, first order to last label | %d | %.1f s | %.0f | %.0f ms |" % (
            count, steady_seconds, steady_rate, 1000 * steady_seconds / count))
        print("| the printer alone (lp, each job waited for) | %d | %.1f s | %.0f | %.0f ms |" % (
            count, printer_seconds, printer_rate, 1000 * printer_seconds / count))
        print("batch / printer: %.2f of the printer's own speed (%.2f with the login)" % (
            steady_rate / printer_rate, batch_rate / printer_rate))
    finally:
        harness.doCleanups()


if __name__ == "__main__":
    main()
