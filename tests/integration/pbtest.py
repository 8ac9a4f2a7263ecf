# SPDX-License-Identifier: GPL-3.0-or-later
"""Shared helpers for the integration tests: a throwaway store driven
through the real packbenchctl, a TOTP authenticator, and a moving clock."""

import base64
import datetime
import hashlib
import hmac
import os
import shutil
import struct
import subprocess
import tempfile
import time
import urllib.parse

CTL = os.environ["PACKBENCHCTL"]
SOURCE_ROOT = os.environ["PB_SOURCE_ROOT"]
UNWRAP = os.path.join(SOURCE_ROOT, "tests", "tools", "unwrap-keyslot.py")

ADMIN_PASSWORD = "Correct-Horse-42!"


def totp(secret, at):
    """RFC 6238 code for a base32 secret at a Unix time (SHA-1, 30 s, 6 digits)."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(at) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return "%06d" % (value % 1000000)


def secret_from_uri(uri):
    query = urllib.parse.urlparse(uri).query
    return urllib.parse.parse_qs(query)["secret"][0]


class Bench:
    """A store in a temp folder. The clock starts a minute ahead of the real
    one (PACKBENCH_NOW only moves time forward) and every login with a
    second factor moves it on by one TOTP step, since a code works once."""

    counter = 0

    def __init__(self, test):
        if os.environ.get("PB_TEST_HOOKS") != "1":
            test.fail("this test moves the clock with PACKBENCH_NOW, a test hook: it needs a "
                      "build configured with -Dtest_hooks=true (./tools/test.sh makes one)")
        self.test = test
        self.root = tempfile.mkdtemp(prefix="pb-test-")
        self.dir = os.path.join(self.root, "store")
        self.now = int(time.time()) + 60
        self.secrets = {}
        self.passwords = {}
        test.addCleanup(shutil.rmtree, self.root, True)

    def iso_now(self):
        return datetime.datetime.fromtimestamp(
            self.now, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    def advance(self, seconds):
        self.now += seconds

    def env(self, extra=None):
        env = dict(os.environ)
        env["PACKBENCH_NOW"] = self.iso_now()
        env.pop("PACKBENCH_FAULT", None)
        if extra:
            env.update(extra)
        return env

    def run(self, *args, lines=(), env=None, timeout=180, **kwargs):
        stdin = "".join(line + "\n" for line in lines)
        return subprocess.run([CTL, "--store", self.dir, *args], input=stdin,
                              capture_output=True, text=True, timeout=timeout,
                              env=self.env(env), **kwargs)

    def login_lines(self, user, password=None):
        """What a login reads from stdin: password, then a code if enrolled."""
        lines = [password if password is not None else self.passwords[user]]
        if user in self.secrets:
            self.advance(30)
            lines.append(totp(self.secrets[user], self.now))
        return lines

    def as_user(self, user, *args, extra_lines=(), password=None, env=None):
        lines = self.login_lines(user, password) + list(extra_lines)
        return self.run(*args, "--user", user, lines=lines, env=env)

    def ok(self, result):
        self.test.assertEqual(result.returncode, 0,
                              "exit %d\nstdout: %s\nstderr: %s" % (
                                  result.returncode, result.stdout, result.stderr))
        return result

    def init(self, admin="admin", full_name="Ada Admin"):
        result = self.ok(self.run("init", "--admin", admin, "--full-name", full_name,
                                  lines=[ADMIN_PASSWORD]))
        found = {}
        for line in result.stdout.splitlines():
            if line.startswith("Recovery code: "):
                found["recovery"] = line[len("Recovery code: "):]
            elif line.startswith("TOTP: "):
                found["totp"] = line[len("TOTP: "):]
        self.test.assertIn("recovery", found)
        self.test.assertIn("totp", found)
        self.passwords[admin] = ADMIN_PASSWORD
        self.secrets[admin] = secret_from_uri(found["totp"])
        self.recovery = found["recovery"]
        return result

    def add_user(self, name, role, by="admin", full_name="", password=None,
                 first_password=None):
        """Adds an operator and logs them in once to replace the temporary
        password, as a person would at their first login."""
        temporary = "Temporary-Pass-1!"
        args = ["user", "add", name, "--role", role]
        if full_name:
            args += ["--full-name", full_name]
        result = self.ok(self.as_user(by, *args, extra_lines=[temporary]))
        for line in result.stdout.splitlines():
            if line.startswith("TOTP: "):
                self.secrets[name] = secret_from_uri(line[len("TOTP: "):])
        Bench.counter += 1
        final = password or "Bright-Lantern-%d-Sky!" % Bench.counter
        self.ok(self.as_user(name, "whoami", password=temporary, extra_lines=[final]))
        self.passwords[name] = final
        return result

    def master_key(self, user="admin"):
        """The master key, unwrapped by an independent implementation of the
        documented keyslot format."""
        result = subprocess.run(
            ["/usr/bin/python3", UNWRAP, os.path.join(self.dir, "keyslots.json"), user],
            input=self.passwords[user] + "\n", capture_output=True, text=True, timeout=180)
        self.test.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout.strip()

    def sql(self, statements, user="admin"):
        """Runs SQL on the store with Debian's sqlcipher shell."""
        key = self.master_key(user)
        script = "PRAGMA key = \"x'%s'\";\n%s\n" % (key, statements)
        return subprocess.run(["sqlcipher", os.path.join(self.dir, "packbench.db")],
                              input=script, capture_output=True, text=True, timeout=180)

    def store_files(self):
        return sorted(os.path.join(self.dir, name) for name in os.listdir(self.dir))
