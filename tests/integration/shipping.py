# SPDX-License-Identifier: GPL-3.0-or-later
"""The parts a shipping test needs around the real packbenchctl: the local
SP-API and Click & Drop servers over TLS (one test CA), a private cupsd
with a raw ZPL queue and a Zebra-driver queue, and TCP printer sinks."""

import json
import ssl
import os
import subprocess
import sys
import urllib.request

from spapi import SpApi, SERVERS

sys.path.insert(0, SERVERS)
import cupsd  # noqa: E402
import printer_sink  # noqa: E402

API_KEY = "pb-test-clickdrop-key"


class ClickDrop:
    def __init__(self, test, certs):
        self.process = subprocess.Popen(
            ["/usr/bin/python3", os.path.join(SERVERS, "clickdrop_server.py"),
             "--cert", certs["cert"], "--key", certs["key"], "--api-key", API_KEY],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.port = int(self.process.stdout.readline().split()[1])
        self.url = "https://127.0.0.1:%d" % self.port
        self.context = ssl.create_default_context(cafile=certs["ca"])
        test.addCleanup(self.stop)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=60)
        self.process.stdout.close()

    def control(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, context=self.context, timeout=60) as response:
            text = response.read()
            return json.loads(text) if text else None

    def creates(self, reference):
        return self.control("GET", "/_test/creates")["creates"].get(reference, 0)

    def fault(self, **fault):
        self.control("POST", "/_test/faults", fault)


class Shipping:
    """Starts everything and configures the bench's store for it."""

    def __init__(self, test, bench, orders=30, mode="zpl"):
        self.test = test
        self.bench = bench
        self.api = SpApi(test, orders=orders)
        self.clickdrop = ClickDrop(test, self.api.certs)
        self.cups = cupsd.CupsServer()
        self.cups.start()
        test.addCleanup(self.cups.stop)
        self.sink = printer_sink.PrinterSink().start()
        test.addCleanup(self.sink.stop)
        self.driver_sink = printer_sink.PrinterSink().start()
        test.addCleanup(self.driver_sink.stop)
        self.cups.add_raw_queue("labels-zpl", "socket://127.0.0.1:%d" % self.sink.port)
        self.cups.add_zebra_queue("labels-pdf", "socket://127.0.0.1:%d" % self.driver_sink.port)
        self.env = {"CUPS_SERVER": self.cups.server}

        pairs, secrets = self.api.settings()
        pairs = pairs + [
            ("royalmail.endpoint", self.clickdrop.url + "/api/v1"),
            ("royalmail.api_key", "-"),
            ("royalmail.default_service", "TPN24"),
            ("print.printer", "labels-zpl" if mode == "zpl" else "labels-pdf"),
            ("print.mode", mode),
            ("print.dpi", "203"),
            ("print.timeout_seconds", "20"),
        ]
        args = []
        for key, value in pairs:
            args += [key, value]
        bench.ok(bench.as_user("admin", "config", "set", *args,
                               extra_lines=secrets + [API_KEY]))

    def run(self, *args, user="admin", env=None, **kwargs):
        merged = dict(self.env)
        merged.update(env or {})
        return self.bench.as_user(user, *args, env=merged, **kwargs)

    def unshipped(self, country="GB", skip=()):
        """Unshipped orders to the given country, by the server's full data."""
        found = []
        for summary in self.api.orders():
            if summary["fulfillmentStatus"] != "UNSHIPPED" or summary["orderId"] in skip:
                continue
            order = self.api.control("GET", "/_test/orders/" + summary["orderId"])["order"]
            address = order["recipient"]["deliveryAddress"]
            if address.get("countryCode") == country and not order.get("packages"):
                found.append(order)
        return found
