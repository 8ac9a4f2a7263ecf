# SPDX-License-Identifier: GPL-3.0-or-later
"""What the local vendor API servers (spapi_server.py, clickdrop_server.py) share.

HTTPS on 127.0.0.1 with the TLS handshake in each connection's own thread,
request bodies read (chunked or by length) up to a limit, a JSON response
type, and the life cycle: print "PORT n", serve until SIGTERM or SIGINT,
keep the state saved. Each server subclasses Handler with its own routing
(dispatch), name and body limit.
"""

import http.server
import json
import signal
import socket
import ssl
import struct
import sys
import threading


class Response:
    def __init__(self, status, body=None, headers=None, content_type="application/json"):
        self.status = status
        self.body = body  # bytes, JSON-able, or None
        self.headers = dict(headers or {})
        self.content_type = content_type

    def payload(self):
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        return json.dumps(self.body, ensure_ascii=False).encode("utf-8")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 60
    server_version = "vendor-test/1"
    log_name = "vendor"  # the prefix of this server's lines on stderr
    max_body = 1 << 20

    def body_too_large(self):
        """The exception a too large body raises (the server's own 413)."""
        raise NotImplementedError

    def dispatch(self):
        raise NotImplementedError

    def version_string(self):
        return self.server_version

    # The TLS handshake runs here, in the connection's own thread.
    def setup(self):
        self.request.settimeout(15)
        self.request.do_handshake()
        super().setup()

    @property
    def state(self):
        return self.server.state

    def log_message(self, fmt, *args):
        if self.state.args.verbose:
            sys.stderr.write("%s: %s - %s\n" % (self.log_name, self.address_string(), fmt % args))

    def do_GET(self):
        self.dispatch()

    def do_POST(self):
        self.dispatch()

    def do_DELETE(self):
        self.dispatch()

    def do_PUT(self):
        self.dispatch()

    def do_PATCH(self):
        self.dispatch()

    def reset_connection(self):
        """Drops the connection with a TCP RST and no answer: what a server
        (or a middlebox) does when it fails after acting on a request."""
        self.close_connection = True
        try:
            self.request.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            # The RST goes when the last file object of the socket closes.
            self.request.close()
        except OSError:
            pass

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks, total = [], 0
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                total += size
                if total > self.max_body:
                    raise self.body_too_large()
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        if length > self.max_body:
            self.close_connection = True
            raise self.body_too_large()
        return self.rfile.read(length) if length > 0 else b""


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    # Stopping never waits for a request in progress: a stall fault holds
    # its answer for minutes, and a client may keep a connection open.
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address, handler, state, context):
        self.state = state
        self.context = context
        super().__init__(address, handler)

    def get_request(self):
        sock, address = self.socket.accept()
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return self.context.wrap_socket(sock, server_side=True,
                                        do_handshake_on_connect=False), address

    def handle_error(self, request, client_address):
        error = sys.exc_info()[1]
        if isinstance(error, (ssl.SSLError, ConnectionError, socket.timeout, TimeoutError)):
            if self.state.args.verbose:
                sys.stderr.write("%s: %s: %s\n" % (self.RequestHandlerClass.log_name,
                                                   client_address[0], error))
            return
        super().handle_error(request, client_address)


def serve(handler, state):
    """Serves @state's API over TLS 1.2+ on 127.0.0.1 (state.args: cert, key,
    port) until SIGTERM or SIGINT; the port goes to stdout first."""
    args = state.args
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(args.cert, args.key)
    context.set_alpn_protocols(["http/1.1"])
    server = Server(("127.0.0.1", args.port), handler, state, context)
    state.save()

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                              daemon=True)
    thread.start()
    sys.stdout.write("PORT %d\n" % server.server_address[1])
    sys.stdout.flush()
    while not stop.wait(0.5):
        pass
    server.shutdown()
    server.server_close()
    state.save()
    return 0
