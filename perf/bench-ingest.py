#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Ingest benchmark. Starts the local SP-API server with N orders, records
the pages a sync asks for, and serves them again from memory over TLS (the
generator in spapi_server.py is far slower than the client it feeds). Then
runs bench-ingest, a real sync with rate limits off, into SQLCipher and
into a plain database, alternating, and prints a Markdown table and the
ratios.

usage: bench-ingest.py BUILD_DIR [ORDERS] [ROUNDS]"""

import http.server
import json
import os
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "servers"))
import pbcerts  # noqa: E402

build = sys.argv[1]
orders = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
bench = os.path.join(build, "perf", "bench-ingest")
certs = pbcerts.make_ca_and_server(tempfile.mkdtemp(prefix="pb-bench-certs-"))
context = ssl.create_default_context(cafile=certs["ca"])


def record_pages():
    server = subprocess.Popen(
        ["/usr/bin/python3", os.path.join(ROOT, "tests", "servers", "spapi_server.py"),
         "--cert", certs["cert"], "--key", certs["key"], "--orders", str(orders),
         "--client-id", "bench", "--client-secret", "bench-secret",
         "--refresh-token", "Atzr|bench"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        base = "https://127.0.0.1:%s" % server.stdout.readline().split()[1]
        form = urllib.parse.urlencode({"grant_type": "refresh_token", "client_id": "bench",
                                       "client_secret": "bench-secret",
                                       "refresh_token": "Atzr|bench"}).encode()
        with urllib.request.urlopen(base + "/auth/o2/token", data=form, context=context) as r:
            token = json.load(r)["access_token"]
        query = {"lastUpdatedAfter": "2000-01-01T00:00:00Z", "marketplaceIds": "A1F83G8C2ARO7P",
                 "fulfilledBy": "MERCHANT",
                 "includedData": "RECIPIENT,FULFILLMENT,PACKAGES,CANCELLATION",
                 "maxResultsPerPage": "100"}
        pages, next_token = [], None
        while True:
            params = dict(query, **({"paginationToken": next_token} if next_token else {}))
            request = urllib.request.Request(
                base + "/orders/2026-01-01/orders?" + urllib.parse.urlencode(params),
                headers={"x-amz-access-token": token})
            with urllib.request.urlopen(request, context=context) as r:
                body = r.read()
            page = json.loads(body)
            next_token = page.get("pagination", {}).get("nextToken")
            # Chain the pages by their index, whatever the tokens were.
            if next_token:
                page["pagination"]["nextToken"] = str(len(pages) + 1)
            pages.append(json.dumps(page).encode())
            if not next_token:
                return pages
    finally:
        server.terminate()
        server.wait()


class Replay(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    pages = []

    def log_message(self, *args):
        pass

    def send(self, body, status=200):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.send(b'{"access_token":"Atza|bench","token_type":"bearer","expires_in":3600}')

    def do_GET(self):
        query = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
        index = int(query.get("paginationToken", ["0"])[0])
        self.send(self.pages[index])


Replay.pages = record_pages()
replay = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Replay)
tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
tls.load_cert_chain(certs["cert"], certs["key"])
replay.socket = tls.wrap_socket(replay.socket, server_side=True)
threading.Thread(target=replay.serve_forever, daemon=True).start()
endpoint = "https://127.0.0.1:%d" % replay.server_address[1]

results = {"sqlcipher": [], "plain": []}
for _ in range(rounds):
    for kind in ("sqlcipher", "plain"):
        args = [bench, endpoint, certs["ca"], "bench", "bench-secret", "Atzr|bench"]
        if kind == "plain":
            args.append("--plain")
        out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
        row = json.loads(out.strip().splitlines()[-1])
        assert row["stored"] == orders, row
        results[kind].append(row)
replay.shutdown()

print("| store | orders | pages | wall (median of %d) | orders/s | CPU s per 1,000 orders |"
      % rounds)
print("| --- | --- | --- | --- | --- | --- |")
medians = {}
for kind, rows in results.items():
    wall = statistics.median(r["wall_s"] for r in rows)
    cpu = statistics.median(r["cpu_s_per_1000"] for r in rows)
    medians[kind] = (wall, cpu)
    print("| %s | %d | %d | %.2f s | %.0f | %.3f |" % (kind, orders, rows[0]["pages"], wall,
                                                        orders / wall, cpu))
print()
print("SQLCipher / plain: wall %.2fx, CPU %.2fx" % (
    medians["sqlcipher"][0] / medians["plain"][0], medians["sqlcipher"][1] / medians["plain"][1]))
