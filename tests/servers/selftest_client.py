# SPDX-License-Identifier: GPL-3.0-or-later
"""What the vendor servers' self-tests (test_spapi_server.py,
test_clickdrop_server.py) share: throwaway certificates, one server process
started over HTTPS and stopped with SIGTERM, and a small HTTPS client."""

import http.client
import json
import os
import re
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import urllib.parse

import pbcerts

_certs = None


def certs():
    """A CA and a server certificate for localhost, made once per test run."""
    global _certs
    if _certs is None:
        _certs = pbcerts.make_ca_and_server()
    return _certs


def remove_certs():
    if _certs is not None:
        shutil.rmtree(_certs["dir"], True)


class Reply:
    def __init__(self, status, headers, raw):
        self.status, self.headers, self.raw = status, headers, raw

    @property
    def json(self):
        return json.loads(self.raw.decode("utf-8"))

    def error_text(self):
        return json.dumps(self.json, ensure_ascii=False)


class ServerProcess:
    """One server process (a script that prints "PORT n" and serves HTTPS
    until SIGTERM) and a small client for it."""

    def __init__(self, script, *extra, state_file=None):
        name = os.path.splitext(os.path.basename(script))[0]
        self.tmp = tempfile.mkdtemp(prefix="pb-%s-" % name)
        self.stderr = open(os.path.join(self.tmp, "stderr"), "w+")
        args = [sys.executable, script, "--cert", certs()["cert"], "--key", certs()["key"],
                *extra]
        if state_file:
            args += ["--state", state_file]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self.stderr, text=True)
        timer = threading.Timer(30, self.proc.kill)
        timer.start()
        line = self.proc.stdout.readline()
        timer.cancel()
        match = re.fullmatch(r"PORT (\d+)\n", line)
        if not match:
            self.stop()
            raise RuntimeError("server did not start: %r %s" % (line, self.log()))
        self.port = int(match.group(1))
        self.context = ssl.create_default_context(cafile=certs()["ca"])

    def log(self):
        self.stderr.seek(0)
        return self.stderr.read()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()
        self.stderr.close()
        shutil.rmtree(self.tmp, True)
        return self.proc.returncode

    def request(self, method, path, query=None, body=None, headers=None, raw_body=None,
                timeout=60):
        if query:
            path += "?" + urllib.parse.urlencode(query, doseq=True)
        headers = dict(headers or {})
        payload = raw_body
        if body is not None:
            payload = json.dumps(body).encode()
            headers.setdefault("Content-Type", "application/json")
        conn = http.client.HTTPSConnection("localhost", self.port, context=self.context,
                                           timeout=timeout)
        try:
            conn.request(method, path, body=payload, headers=headers)
            response = conn.getresponse()
            return Reply(response.status, response.headers, response.read())
        finally:
            conn.close()
