#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Self-test of the private PostgreSQL server for site-mode tests
(pg_server.py), with Debian's psql as the client: TLS with the host name
checked gets in; no TLS, a certificate from another CA, a certificate for
another host name and a wrong password are refused; the script mode prints
its JSON line and cleans up when its stdin closes or on SIGTERM. Skips
(exit 77) only when PostgreSQL's programs are not installed."""

import json
import os
import signal
import subprocess
import sys
import shutil
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import pbcerts  # noqa: E402
import pg_server  # noqa: E402


class PgServerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.pg = pg_server.PgServer().start()
        cls.other_ca = pbcerts.make_ca_and_server(name="Another Test")

    @classmethod
    def tearDownClass(cls):
        folder = cls.pg.dir
        cls.pg.stop()
        shutil.rmtree(cls.other_ca["dir"], ignore_errors=True)
        assert folder is not None and not os.path.exists(folder), "the folder outlived stop()"

    def psql(self, uri, sql="SELECT 1;"):
        return self.pg.psql(uri, sql)

    def assertRefused(self, result, *words):
        self.assertNotEqual(result.returncode, 0, result.stdout)
        self.assertEqual(result.stdout.strip(), "")
        for word in words:
            self.assertIn(word, result.stderr)

    def test_verify_full_over_tls(self):
        uri = self.pg.uri()
        self.assertIn("sslmode=verify-full", uri)
        self.assertIn("sslrootcert=" + self.pg.ca, uri)
        result = self.psql(uri, "SELECT 1;\nSHOW ssl;\n"
                                "SELECT current_user, current_database();\n"
                                "SELECT ssl, version FROM pg_stat_ssl "
                                "WHERE pid = pg_backend_pid();\n")
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = result.stdout.split()
        self.assertEqual(lines[0], "1")
        self.assertEqual(lines[1], "on")
        self.assertEqual(lines[2], "packbench|packbench_site")
        ssl, version = lines[3].split("|")
        self.assertEqual(ssl, "t")
        self.assertIn(version, ("TLSv1.2", "TLSv1.3"))

    def test_role_owns_the_database_and_nothing_more(self):
        result = self.psql(self.pg.uri(),
                           "SELECT rolsuper, rolcreatedb, rolcreaterole FROM pg_roles "
                           "WHERE rolname = current_user;\n"
                           "SELECT pg_get_userbyid(datdba) FROM pg_database "
                           "WHERE datname = current_database();\n"
                           "CREATE TABLE t (x int); INSERT INTO t VALUES (7); SELECT x FROM t;"
                           "DROP TABLE t;\n")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.split(), ["f|f|f", "packbench", "7"])

    def test_server_settings(self):
        self.assertEqual(self.pg.sql("SHOW ssl_min_protocol_version;"), "TLSv1.2")
        self.assertEqual(self.pg.sql("SHOW listen_addresses;"), "127.0.0.1")
        self.assertEqual(self.pg.sql("SHOW port;"), str(self.pg.port))
        self.assertEqual(self.pg.sql("SHOW password_encryption;"), "scram-sha-256")

    def test_no_tls_over_tcp_is_rejected(self):
        self.assertRefused(self.psql(self.pg.uri(sslmode="disable")),
                           "pg_hba.conf rejects connection", "no encryption")

    def test_certificate_from_another_ca_is_refused(self):
        self.assertRefused(self.psql(self.pg.uri(sslrootcert=self.other_ca["ca"])),
                           "certificate verify failed")

    def test_certificate_for_another_host_is_refused(self):
        # The same address, but the name the client expects is not the
        # certificate's (localhost, 127.0.0.1).
        uri = self.pg.uri(host="bench.invalid", hostaddr="127.0.0.1")
        self.assertRefused(self.psql(uri), "does not match host name", "bench.invalid")
        # verify-ca does not check the name: the same connection gets in.
        result = self.psql(self.pg.uri(host="bench.invalid", hostaddr="127.0.0.1",
                                       sslmode="verify-ca"))
        self.assertEqual(result.stdout.strip(), "1", result.stderr)

    def test_wrong_password_is_refused(self):
        self.assertRefused(self.psql(self.pg.uri(password="not-the-password")),
                           "password authentication failed", "packbench")
        self.assertRefused(self.psql(self.pg.socket_uri(password="not-the-password")),
                           "password authentication failed")

    def test_local_socket_with_password(self):
        result = self.psql(self.pg.socket_uri(), "SELECT current_user;")
        self.assertEqual(result.stdout.strip(), "packbench", result.stderr)

    def test_terminate_backends(self):
        # A session that waits for input holds a backend until it is ended.
        session = subprocess.Popen(
            [os.path.join(self.pg.bindir, "psql"), "-X", "-q", "-A", "-t", "-d", self.pg.uri()],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            session.stdin.write("SELECT 'locked' FROM pg_advisory_lock(42);\n")
            session.stdin.flush()
            self.assertEqual(session.stdout.readline().strip(), "locked")
            self.assertEqual(self.psql(self.pg.uri(), "SELECT pg_try_advisory_lock(42);")
                             .stdout.strip(), "f")
            self.assertGreaterEqual(self.pg.terminate_backends("packbench"), 1)
            # Its lock went with it.
            self.assertEqual(self.psql(self.pg.uri(), "SELECT pg_try_advisory_lock(42);")
                             .stdout.strip(), "t")
        finally:
            session.stdin.close()
            session.wait(60)
            session.stdout.close()
            session.stderr.close()


class PgServerScript(unittest.TestCase):
    def spawn(self):
        process = subprocess.Popen([sys.executable, os.path.join(HERE, "pg_server.py"),
                                    "--print-uri"],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        info = json.loads(process.stdout.readline())
        return process, info

    def check_serving(self, info):
        self.assertEqual(info["user"], "packbench")
        self.assertEqual(info["dbname"], "packbench_site")
        self.assertTrue(os.path.exists(info["ca"]))
        self.assertTrue(os.path.isdir(info["datadir"]))
        result = subprocess.run([os.path.join(pg_server.bindir(), "psql"), "-X", "-A", "-t",
                                 "-d", info["uri"], "-c", "SHOW ssl"],
                                capture_output=True, text=True, timeout=120)
        self.assertEqual(result.stdout.strip(), "on", result.stderr)

    def test_stops_when_stdin_closes(self):
        process, info = self.spawn()
        try:
            self.check_serving(info)
        finally:
            process.stdin.close()
            self.assertEqual(process.wait(120), 0)
            process.stdout.close()
        self.assertFalse(os.path.exists(info["dir"]))

    def test_stops_on_sigterm(self):
        process, info = self.spawn()
        try:
            self.check_serving(info)
            process.send_signal(signal.SIGTERM)
            self.assertEqual(process.wait(120), 0)
        finally:
            process.stdin.close()
            process.stdout.close()
        self.assertFalse(os.path.exists(info["dir"]))
        result = subprocess.run([os.path.join(pg_server.bindir(), "psql"), "-X", "-d",
                                 info["uri"], "-c", "SELECT 1"],
                                capture_output=True, text=True, timeout=120)
        self.assertNotEqual(result.returncode, 0)


if __name__ == "__main__":
    reason = pg_server.available()
    if reason:
        print("SKIP: " + reason)
        sys.exit(77)
    unittest.main(verbosity=2)
