# SPDX-License-Identifier: GPL-3.0-or-later
"""Test certificates made at test start with the openssl command line: a
private CA and a server certificate for localhost and 127.0.0.1 signed by
it. Nothing is shipped in the repository and nothing outlives the test."""

import os
import subprocess
import tempfile


def _openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def make_ca_and_server(folder=None, name="Packbench Test"):
    """Returns a dict with paths 'ca' (CA certificate, PEM), 'cert' and 'key'
    (the server's, PEM) in @folder (a new temp dir when None)."""
    folder = folder or tempfile.mkdtemp(prefix="pb-certs-")
    os.makedirs(folder, exist_ok=True)
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
             "-subj", "/CN=%s CA" % name, "-keyout", "ca.key", "-out", "ca.pem",
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=folder)
    _openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
             "-keyout", "server.key", "-out", "server.csr", cwd=folder)
    with open(os.path.join(folder, "server.ext"), "w") as ext:
        ext.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                  "basicConstraints=CA:FALSE\n"
                  "keyUsage=digitalSignature,keyEncipherment\n"
                  "extendedKeyUsage=serverAuth\n")
    _openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
             "-CAcreateserial", "-days", "2", "-extfile", "server.ext",
             "-out", "server.pem", cwd=folder)
    return {
        "dir": folder,
        "ca": os.path.join(folder, "ca.pem"),
        "cert": os.path.join(folder, "server.pem"),
        "key": os.path.join(folder, "server.key"),
    }


if __name__ == "__main__":
    import json
    import sys
    print(json.dumps(make_ca_and_server(sys.argv[1] if len(sys.argv) > 1 else None)))
