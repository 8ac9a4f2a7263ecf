# SPDX-License-Identifier: GPL-3.0-or-later
"""The local Selling Partner API server (tests/servers/spapi_server.py) as a
test fixture: started over real TLS with a certificate made for the test,
and driven through its /_test/ control endpoints."""

import json
import os
import ssl
import subprocess
import sys
import tempfile
import urllib.request

SOURCE_ROOT = os.environ["PB_SOURCE_ROOT"]
SERVERS = os.path.join(SOURCE_ROOT, "tests", "servers")
sys.path.insert(0, SERVERS)
import pbcerts  # noqa: E402

CLIENT_ID = "amzn1.application-oa2-client.packbench-test"
CLIENT_SECRET = "amzn1.oa2-cs.v1.test-client-secret"
REFRESH_TOKEN = "Atzr|IwEBtest-refresh-token"


class SpApi:
    def __init__(self, test, orders=0, seed=1, extra=()):
        self.test = test
        self.dir = tempfile.mkdtemp(prefix="pb-spapi-")
        self.certs = pbcerts.make_ca_and_server(os.path.join(self.dir, "certs"))
        self.process = subprocess.Popen(
            ["/usr/bin/python3", os.path.join(SERVERS, "spapi_server.py"),
             "--cert", self.certs["cert"], "--key", self.certs["key"],
             "--orders", str(orders), "--seed", str(seed),
             "--client-id", CLIENT_ID, "--client-secret", CLIENT_SECRET,
             "--refresh-token", REFRESH_TOKEN, *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        if not line.startswith("PORT "):
            self.process.kill()
            raise RuntimeError("spapi server did not start: " + self.process.stderr.read())
        self.port = int(line.split()[1])
        self.url = "https://127.0.0.1:%d" % self.port
        self.context = ssl.create_default_context(cafile=self.certs["ca"])
        test.addCleanup(self.stop)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
        for stream in (self.process.stdout, self.process.stderr):
            stream.close()

    def control(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, context=self.context, timeout=60) as response:
            text = response.read()
            return json.loads(text) if text else None

    def requests(self, operation=None):
        path = "/_test/requests" + ("?operation=" + operation if operation else "")
        return self.control("GET", path)["requests"]

    def fault(self, **fault):
        self.control("POST", "/_test/faults", fault)

    def orders(self):
        return self.control("GET", "/_test/orders")["orders"]

    def confirmations(self):
        return self.control("GET", "/_test/confirmations")["confirmations"]

    def advance(self, seconds):
        self.control("POST", "/_test/clock", {"advance_seconds": seconds})

    def settings(self):
        """What `config set` needs to point a store at this server."""
        return [
            ("amazon.endpoint", self.url),
            ("amazon.lwa_endpoint", self.url + "/auth/o2/token"),
            ("amazon.client_id", CLIENT_ID),
            ("amazon.client_secret", "-"),
            ("amazon.refresh_token", "-"),
            ("tls.ca_file", self.certs["ca"]),
            ("net.retry_base_ms", "100"),
            ("net.retry_max_ms", "2000"),
            ("net.max_retries", "4"),
            ("net.timeout_seconds", "20"),
        ], [CLIENT_SECRET, REFRESH_TOKEN]
