# SPDX-License-Identifier: GPL-3.0-or-later
"""A scripted HTTPS (or, with --plain, HTTP) server for the net/ tests.

Binds 127.0.0.1 on a free port and prints the port on its first stdout line.
It stops when its stdin closes, so it never outlives the test that started it.
Behaviour is chosen by the request path; every hit is counted per request
target (path and query), so a test picks a fresh query to get fresh counts:

  /echo                     200, JSON {"method", "path", "headers" (lower-case
                            names), "body"} of the request
  /headers                  200 with X-Mixed-Case: yes and X-Twice: first, then
                            X-Twice: second
  /status/N                 status N, always
  /status/N-then-M          status N on the first hit, M after
  /retry-after/S            429 with Retry-After: S on the first hit, then 200
  /retry-after-date/S       the same with an HTTP-date S seconds ahead
  /stall/S                  sleeps S seconds, then 200
  /reset                    reads the request (and counts it: the server
                            "acted"), then resets the connection (TCP RST)
                            without a byte of answer
  /reset-then-200           resets on the first hit, 200 after
  /redirect                 302 to /echo
  /count                    200, JSON {target: hits} of every target so far
"""

import argparse
import email.utils
import json
import os
import socket
import ssl
import struct
import sys
import threading
import time
import warnings
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HITS = {}
HITS_LOCK = threading.Lock()


def count_hit(target):
    with HITS_LOCK:
        HITS[target] = HITS.get(target, 0) + 1
        return HITS[target]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "PackbenchTestServer"
    sys_version = ""

    def setup(self):
        # Headers and body go out in separate writes: without this, Nagle's
        # algorithm holds the body back for the client's delayed ACK.
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        # The TLS handshake runs here, in the request's own thread, so a
        # client that fails it cannot hold up the accept loop.
        if isinstance(self.request, ssl.SSLSocket):
            self.request.do_handshake()
        super().setup()

    def log_message(self, format, *args):
        pass

    def version_string(self):
        return self.server_version

    def reply(self, status, body=b"", headers=()):
        if isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def reset(self):
        """Drops the connection with a TCP RST, answering nothing."""
        self.close_connection = True
        self.request.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.request.close()

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        target = self.path
        path = target.split("?", 1)[0]
        hit = count_hit(target)
        parts = [part for part in path.split("/") if part]

        if path == "/echo":
            self.reply(200, json.dumps({
                "method": self.command,
                "path": target,
                "headers": {name.lower(): value for name, value in self.headers.items()},
                "body": body.decode("utf-8", "replace"),
            }), [("Content-Type", "application/json")])
        elif path == "/headers":
            self.reply(200, "headers", [("X-Mixed-Case", "yes"), ("X-Twice", "first"),
                                        ("X-Twice", "second")])
        elif len(parts) == 2 and parts[0] == "status":
            codes = [int(code) for code in parts[1].split("-then-")]
            self.reply(codes[0] if hit == 1 else codes[-1], "status %d" % hit)
        elif len(parts) == 2 and parts[0] == "retry-after":
            if hit == 1:
                self.reply(429, "slow down", [("Retry-After", parts[1])])
            else:
                self.reply(200, "thanks for waiting")
        elif len(parts) == 2 and parts[0] == "retry-after-date":
            if hit == 1:
                when = email.utils.formatdate(time.time() + int(parts[1]), usegmt=True)
                self.reply(429, "slow down", [("Retry-After", when)])
            else:
                self.reply(200, "thanks for waiting")
        elif len(parts) == 2 and parts[0] == "stall":
            time.sleep(float(parts[1]))
            self.reply(200, "late")
        elif path == "/reset" or (path == "/reset-then-200" and hit == 1):
            self.reset()
        elif path == "/reset-then-200":
            self.reply(200, "second time lucky")
        elif path == "/redirect":
            self.reply(302, "moved", [("Location", "/echo")])
        elif path == "/count":
            with HITS_LOCK:
                counts = dict(HITS)
            self.reply(200, json.dumps(counts), [("Content-Type", "application/json")])
        else:
            self.reply(404, "no such script")

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = handle_any


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # Failed handshakes and clients that hung up are what the tests do
        # on purpose.
        error = sys.exc_info()[1]
        if isinstance(error, (ssl.SSLError, ConnectionError, socket.timeout, OSError)):
            return
        super().handle_error(request, client_address)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cert", help="server certificate chain, PEM")
    parser.add_argument("--key", help="server private key, PEM")
    parser.add_argument("--tls-max", choices=["1.1", "1.2", "1.3"],
                        help="offer only this TLS version (1.1: the downgrade test)")
    parser.add_argument("--plain", action="store_true", help="plain HTTP, no TLS")
    args = parser.parse_args()

    server = Server(("127.0.0.1", 0), Handler)
    if not args.plain:
        if not args.cert or not args.key:
            parser.error("--cert and --key are needed unless --plain")
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.cert, args.key)
        if args.tls_max == "1.1":
            # Python warns that TLS 1.1 is deprecated: that is the point.
            warnings.simplefilter("ignore", DeprecationWarning)
            context.set_ciphers("DEFAULT:@SECLEVEL=0")
            context.minimum_version = ssl.TLSVersion.TLSv1_1
            context.maximum_version = ssl.TLSVersion.TLSv1_1
        elif args.tls_max == "1.2":
            context.maximum_version = ssl.TLSVersion.TLSv1_2
        server.socket = context.wrap_socket(server.socket, server_side=True,
                                            do_handshake_on_connect=False)

    print(server.server_address[1], flush=True)

    def watch_stdin():
        sys.stdin.read()
        os._exit(0)

    threading.Thread(target=watch_stdin, daemon=True).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
