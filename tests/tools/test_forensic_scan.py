#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Tests for tests/tools/forensic-scan.py, the forensic scanner that proves
deleted customer data is really gone from a SQLCipher store.

Databases are built with the `sqlcipher` shell in temporary folders: SQLCipher
4.6.1 (on Debian 12 from bookworm-backports, tools/install-deps.sh), the
version the store runs and the flatpak ships, so the scanner is proved on
SQLCipher 4's format, the store's. Each negative result ("marker not found")
is paired with a positive control that differs only in the one setting under
test, so that a scanner that reads nothing cannot pass.

SQLCipher 3's format (stores made before Packbench moved to 4, which are
migrated on first open) is checked with the same shell writing it
(`cipher_compatibility = 3`); V4_FIXTURE below, written by another build
(SQLCipher 4.5.5), checks that the scanner follows the format and not one
library's output.
"""

import base64
import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SCANNER = os.path.join(HERE, "forensic-scan.py")

_spec = importlib.util.spec_from_file_location("forensic_scan", SCANNER)
fs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fs)

KEY = bytes(range(32))
KEY_HEX = KEY.hex()
OTHER_KEY_HEX = bytes(range(1, 33)).hex()
SQLCIPHER = shutil.which("sqlcipher")


def setUpModule():
    if SQLCIPHER is None:
        raise RuntimeError("the sqlcipher shell is needed (Debian package 'sqlcipher', "
                           "listed in tools/packages.txt)")
    with tempfile.TemporaryDirectory(prefix="forensic-scan-") as folder:
        version = sqlcipher(os.path.join(folder, "v.db"), "PRAGMA cipher_version;\n").split()
    if not version or not version[-2 if version[-1] == "community" else -1].startswith("4."):
        raise RuntimeError("the sqlcipher shell is %r, not SQLCipher 4: the store's format is "
                           "SQLCipher 4's; run tools/install-deps.sh (SQLCipher 4.6.1 from "
                           "bookworm-backports)" % " ".join(version))


def key_sql(key_hex=KEY_HEX):
    return f"PRAGMA key = \"x'{key_hex}'\";\n"


def sqlcipher(db, sql, key_hex=KEY_HEX):
    """Runs `sql` in the sqlcipher shell on `db`, keyed; returns stdout."""
    pre = key_sql(key_hex) if key_hex else ""
    run = subprocess.run([SQLCIPHER, "-bail", "-batch", db], input=pre + sql,
                         capture_output=True, text=True, timeout=60)
    if run.returncode != 0 or run.stderr.strip():
        raise AssertionError(f"sqlcipher failed ({run.returncode}): {run.stderr}\n{sql}")
    return run.stdout


class Session:
    """A sqlcipher shell kept open, so that it can be killed before it gets to
    checkpoint the WAL (a clean close of the last connection checkpoints and
    deletes it)."""

    def __init__(self, db, folder):
        self.folder = folder
        self.n = 0
        self.proc = subprocess.Popen([SQLCIPHER, "-batch", db], stdin=subprocess.PIPE,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     text=True)
        self.send(key_sql())

    def send(self, sql):
        """Sends `sql` and waits until the shell has executed all of it."""
        self.n += 1
        flag = os.path.join(self.folder, f"flag{self.n}")
        self.proc.stdin.write(f"{sql}\n.once {flag}\nSELECT 'done';\n")
        self.proc.stdin.flush()
        deadline = time.monotonic() + 60
        while not (os.path.exists(flag) and os.path.getsize(flag) > 0):
            if self.proc.poll() is not None:
                raise AssertionError(f"sqlcipher exited: {self.proc.stderr.read()}")
            if time.monotonic() > deadline:
                raise AssertionError("sqlcipher did not finish in time")
            time.sleep(0.005)

    def kill(self):
        self.proc.kill()
        self.proc.wait()
        self.proc.stdin.close()
        self.proc.stderr.close()


def run_cli(*args):
    run = subprocess.run([sys.executable, SCANNER, *args], capture_output=True, text=True,
                         timeout=60)
    return run.returncode, run.stdout, run.stderr


# SQLCipher 4's default page size, the store's.
PAGE = 4096


def overflow_value(marker, size=12000):
    """A text value whose tail (with the marker) lives on an overflow page
    (4 KiB pages: 3981 payload bytes at most stay on the leaf)."""
    return "x" * size + marker


class ScanTestCase(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="forensic-scan-")
        self.addCleanup(self.tmp.cleanup)
        self.dir = self.tmp.name
        self.db = os.path.join(self.dir, "store.db")

    def scan(self, markers, paths=None):
        report = fs.scan(paths or [self.db], KEY, markers)
        self.assertEqual(report["errors"], [])
        return report

    def hits(self, report, marker):
        return [h for h in report["hits"] if h["marker"] == marker]

    def file_entry(self, report, kind="database"):
        return next(f for f in report["files"] if f["kind"] == kind)


class Format(ScanTestCase):
    def test_installed_sqlcipher_is_detected_with_its_defaults(self):
        out = sqlcipher(self.db, "PRAGMA cipher_version;\nPRAGMA cipher_page_size;\n"
                                 "CREATE TABLE t(a);\nINSERT INTO t VALUES ('V4-SHELL-MARKER');\n")
        lines = [line for line in out.split() if line not in ("ok", "community")]
        version, page_size = lines[0], int(lines[1])
        self.assertTrue(version.startswith("4."), version)
        report = self.scan(["V4-SHELL-MARKER"])
        entry = self.file_entry(report)
        self.assertEqual(entry["profile"], "SQLCipher 4 defaults")
        self.assertEqual((entry["hmac"], entry["reserve"]), ("sha512", 80))
        self.assertEqual(entry["page_size"], page_size)
        self.assertEqual(page_size, 4096)
        self.assertEqual(entry["notes"], [])   # decrypted header agrees
        self.assertEqual(entry["pages_unreadable"], 0)
        self.assertEqual(len(self.hits(report, "V4-SHELL-MARKER")), 1)

    def test_sqlcipher3_format_is_detected(self):
        """Stores written before the move to SQLCipher 4 (1 KiB pages,
        HMAC-SHA1), here written by the same shell in 3's format."""
        sqlcipher(self.db, "PRAGMA cipher_compatibility = 3;\nCREATE TABLE t(a);\n"
                           "INSERT INTO t VALUES ('V3-FORMAT-MARKER');\n")
        report = self.scan(["V3-FORMAT-MARKER"])
        entry = self.file_entry(report)
        self.assertEqual(entry["profile"], "SQLCipher 3 defaults")
        self.assertEqual((entry["hmac"], entry["reserve"], entry["page_size"]), ("sha1", 48, 1024))
        self.assertEqual(entry["notes"], [])
        self.assertEqual(len(self.hits(report, "V3-FORMAT-MARKER")), 1)

    def test_non_default_page_size_is_found(self):
        sqlcipher(self.db, "PRAGMA cipher_page_size = 8192;\nCREATE TABLE t(a);\n"
                           "INSERT INTO t VALUES ('BIG-PAGE-MARKER');\n")
        report = self.scan(["BIG-PAGE-MARKER"])
        self.assertEqual(self.file_entry(report)["page_size"], 8192)
        self.assertEqual(len(self.hits(report, "BIG-PAGE-MARKER")), 1)

    def test_sqlcipher4_fixture(self):
        data = base64.b64decode(V4_FIXTURE)
        self.assertEqual(hashlib.sha256(data).hexdigest(), V4_FIXTURE_SHA256)
        with open(self.db, "wb") as f:
            f.write(data)
        report = self.scan(["V4-LIVE-MARKER", "V4-FREED-MARKER", "ABSENT"])
        entry = self.file_entry(report)
        self.assertEqual(entry["profile"], "SQLCipher 4 defaults")
        self.assertEqual((entry["page_size"], entry["reserve"]), (4096, 80))
        self.assertEqual(entry["notes"], [])
        self.assertEqual((entry["pages_read"], entry["pages_unreadable"]), (3, 0))
        live = self.hits(report, "V4-LIVE-MARKER")
        freed = self.hits(report, "V4-FREED-MARKER")
        self.assertEqual([(h["page"], h["status"], h["authenticated"]) for h in live],
                         [(2, "in-use", True)])
        self.assertEqual([(h["page"], h["status"], h["authenticated"]) for h in freed],
                         [(3, "free", True)])
        self.assertEqual(self.hits(report, "ABSENT"), [])
        rc, _, err = run_cli("--key", OTHER_KEY_HEX, "--marker", "V4", self.db)
        self.assertEqual(rc, 2, err)


class Live(ScanTestCase):
    def test_marker_in_live_row_is_found(self):
        sqlcipher(self.db, "CREATE TABLE c(name);\n"
                           "INSERT INTO c VALUES ('Jane LIVE-MARKER Doe');\n")
        report = self.scan(["LIVE-MARKER", "NOT-THERE"])
        hits = self.hits(report, "LIVE-MARKER")
        self.assertEqual(len(hits), 1)
        self.assertEqual((hits[0]["kind"], hits[0]["page"], hits[0]["status"],
                          hits[0]["encoding"], hits[0]["authenticated"]),
                         ("page", 2, "in-use", "utf-8", True))
        self.assertEqual(self.hits(report, "NOT-THERE"), [])
        rc, out, err = run_cli("--key", KEY_HEX, "--marker", "LIVE-MARKER", self.db)
        self.assertEqual(rc, 1, err)
        self.assertIn("FOUND", out)
        rc, out, err = run_cli("--key", KEY_HEX, "--marker", "NOT-THERE", self.db)
        self.assertEqual(rc, 0, err)
        self.assertIn("none of the 1 markers found", out)

    def test_utf16_databases(self):
        for encoding, expected in (("UTF-16le", "utf-16-le"), ("UTF-16be", "utf-16-be")):
            with self.subTest(encoding=encoding):
                db = os.path.join(self.dir, f"{encoding}.db")
                sqlcipher(db, f"PRAGMA encoding = '{encoding}';\nCREATE TABLE c(name);\n"
                              "INSERT INTO c VALUES ('Zoë WIDE-MARKER');\n")
                hits = self.hits(self.scan(["Zoë WIDE-MARKER"], [db]), "Zoë WIDE-MARKER")
                self.assertEqual([h["encoding"] for h in hits], [expected])

    def test_markers_file_and_json(self):
        sqlcipher(self.db, "CREATE TABLE c(name);\nINSERT INTO c VALUES ('FILE-MARKER');\n")
        markers = os.path.join(self.dir, "markers.txt")
        with open(markers, "w", encoding="utf-8") as f:
            f.write("FILE-MARKER\n\nOTHER-MARKER\n")
        rc, out, err = run_cli("--key", KEY_HEX, "--markers-file", markers, "--json", self.db)
        self.assertEqual(rc, 1, err)
        report = json.loads(out)
        self.assertEqual(report["markers"], ["FILE-MARKER", "OTHER-MARKER"])
        self.assertEqual({h["marker"] for h in report["hits"]}, {"FILE-MARKER"})


class Deletion(ScanTestCase):
    """Deleted rows: found in free pages without secure_delete (the control
    that proves free pages are read), gone with it."""

    def test_freed_page_is_read_with_secure_delete_off(self):
        sqlcipher(self.db, "PRAGMA secure_delete = OFF;\nCREATE TABLE c(id, v);\n"
                           f"INSERT INTO c VALUES (1, '{overflow_value('FREED-MARKER')}');\n"
                           "DELETE FROM c;\n")
        self.assertEqual(sqlcipher(self.db, "SELECT count(*) FROM c;\n").split()[-1], "0")
        report = self.scan(["FREED-MARKER"])
        statuses = {h["status"] for h in self.hits(report, "FREED-MARKER")}
        self.assertIn("free", statuses)
        self.assertTrue(self.file_entry(report)["freelist_pages"] >= 1)

    def _delete_in_wal_mode(self, secure_delete):
        short, long = "SHORT-PII-MARKER", "LONG-PII-MARKER"
        sqlcipher(self.db, "PRAGMA journal_mode = WAL;\nCREATE TABLE c(id, v);\n"
                           f"INSERT INTO c VALUES (1, '{short}');\n"
                           f"INSERT INTO c VALUES (2, '{overflow_value(long)}');\n"
                           "PRAGMA wal_checkpoint(TRUNCATE);\n")
        before = self.scan([short, long])
        self.assertEqual({h["marker"] for h in before["hits"]}, {short, long})
        sqlcipher(self.db, f"PRAGMA secure_delete = {secure_delete};\n"
                           "DELETE FROM c;\nPRAGMA wal_checkpoint(TRUNCATE);\n")
        self.assertFalse(os.path.exists(self.db + "-wal")
                         and os.path.getsize(self.db + "-wal") > 0)
        report = self.scan([short, long])
        entry = self.file_entry(report)
        self.assertEqual(entry["pages_unreadable"], 0)
        # The overflow pages went to the freelist and were read.
        self.assertTrue(entry["pages_read_by_status"].get("free", 0) >= 1, entry)
        return report

    def test_secure_delete_off_control(self):
        report = self._delete_in_wal_mode("OFF")
        self.assertTrue(self.hits(report, "SHORT-PII-MARKER"))
        self.assertIn("free", {h["status"] for h in self.hits(report, "LONG-PII-MARKER")})

    def test_secure_delete_on_leaves_nothing(self):
        report = self._delete_in_wal_mode("ON")
        self.assertEqual(report["hits"], [])
        rc, out, err = run_cli("--key", KEY_HEX, "--marker", "SHORT-PII-MARKER",
                               "--marker", "LONG-PII-MARKER", "--strict", self.db)
        self.assertEqual(rc, 0, out + err)


class Wal(ScanTestCase):
    def test_uncheckpointed_and_superseded_frames(self):
        s = Session(self.db, self.dir)
        try:
            s.send("PRAGMA journal_mode = WAL;\nPRAGMA wal_autocheckpoint = 0;\n"
                   "PRAGMA secure_delete = ON;\nCREATE TABLE c(id, v);\n"
                   "PRAGMA wal_checkpoint(TRUNCATE);\n"
                   "INSERT INTO c VALUES (1, 'WAL-MARKER');\n")
            report = self.scan(["WAL-MARKER"])
            hits = self.hits(report, "WAL-MARKER")
            self.assertTrue(hits)
            self.assertTrue(all(h["kind"] == "frame" for h in hits), hits)
            self.assertIn("in-use", {h["status"] for h in hits})

            # Deleted with secure_delete: the newest frame of the page is
            # clean, the older frame still holds the row.
            s.send("DELETE FROM c;\n")
            report = self.scan(["WAL-MARKER"])
            hits = self.hits(report, "WAL-MARKER")
            self.assertTrue(hits)
            self.assertEqual({h["status"] for h in hits}, {"superseded"})
            wal = self.file_entry(report, "wal")
            self.assertEqual(wal["pages_unreadable"], 0)
            self.assertTrue(wal["pages_read"] >= 2)   # the insert and the delete
        finally:
            s.kill()

    def test_stale_frames_after_restart_are_read(self):
        s = Session(self.db, self.dir)
        try:
            s.send("PRAGMA journal_mode = WAL;\nPRAGMA wal_autocheckpoint = 0;\n"
                   "PRAGMA secure_delete = ON;\nCREATE TABLE c(id, v);\n"
                   + "".join(f"INSERT INTO c VALUES ({i}, 'filler');\n" for i in range(12))
                   + "INSERT INTO c VALUES (99, 'STALE-MARKER');\n"
                   "PRAGMA wal_checkpoint(RESTART);\n"
                   "DELETE FROM c WHERE id = 99;\n")
            report = self.scan(["STALE-MARKER"])
        finally:
            s.kill()
        hits = self.hits(report, "STALE-MARKER")
        wal_states = {h["status"] for h in hits if h["kind"] == "frame"}
        self.assertIn("stale", wal_states, hits)
        main_states = {h["status"] for h in hits if h["kind"] == "page"}
        self.assertEqual(main_states, {"superseded"}, hits)

    def test_pages_past_database_end_are_read(self):
        # VACUUM in WAL mode shrinks the database in the WAL; until a
        # checkpoint truncates the main file, its tail is past the end.
        s = Session(self.db, self.dir)
        try:
            s.send("PRAGMA journal_mode = WAL;\nPRAGMA wal_autocheckpoint = 0;\n"
                   "PRAGMA secure_delete = OFF;\nCREATE TABLE c(id, v);\n"
                   f"INSERT INTO c VALUES (1, '{overflow_value('END-MARKER')}');\n"
                   "PRAGMA wal_checkpoint(TRUNCATE);\nDELETE FROM c;\nVACUUM;\n")
            report = self.scan(["END-MARKER"])
        finally:
            s.kill()
        entry = self.file_entry(report)
        self.assertTrue(entry["pages_total"] > entry["database_pages"], entry)
        # VACUUM rewrote page 1 into the WAL: frames of page 1 carry the salt
        # in front like page 1 of the main file, and authenticate.
        wal = self.file_entry(report, "wal")
        self.assertIn(1, [f["page"] for f in wal["frames"]])
        self.assertEqual(wal["pages_unreadable"], 0)
        self.assertIn("beyond-end", {h["status"] for h in self.hits(report, "END-MARKER")
                                     if h["kind"] == "page"})

    def test_truncated_wal(self):
        s = Session(self.db, self.dir)
        try:
            s.send("PRAGMA journal_mode = WAL;\nPRAGMA wal_autocheckpoint = 0;\n"
                   "CREATE TABLE c(v);\nINSERT INTO c VALUES ('CUT-WAL-MARKER');\n")
        finally:
            s.kill()
        wal = self.db + "-wal"
        os.truncate(wal, os.path.getsize(wal) - 500)
        report = self.scan(["CUT-WAL-MARKER"])
        entry = self.file_entry(report, "wal")
        self.assertEqual(entry["pages_unreadable"], 1)
        self.assertIn("partial page", entry["unreadable"][0]["reason"])


class Damage(ScanTestCase):
    def test_wrong_key_exits_2(self):
        sqlcipher(self.db, "CREATE TABLE c(v);\nINSERT INTO c VALUES ('KEY-MARKER');\n")
        rc, out, err = run_cli("--key", OTHER_KEY_HEX, "--marker", "KEY-MARKER", self.db)
        self.assertEqual(rc, 2)
        self.assertIn("page 1 does not authenticate", err)
        self.assertIn("wrong key", err)
        report = fs.scan([self.db], bytes.fromhex(OTHER_KEY_HEX), ["KEY-MARKER"])
        self.assertEqual(len(report["errors"]), 1)

    def test_bad_arguments_exit_2(self):
        sqlcipher(self.db, "CREATE TABLE c(v);\n")
        for args in (["--key", "abcd", "--marker", "M", self.db],
                     ["--key", KEY_HEX, self.db],
                     ["--key", KEY_HEX, "--marker", "M", self.db + ".missing"]):
            with self.subTest(args=args):
                rc, _, err = run_cli(*args)
                self.assertEqual(rc, 2)
                self.assertTrue(err.strip())

    def test_plain_sqlite_is_refused(self):
        sqlcipher(self.db, "CREATE TABLE c(v);\n", key_hex=None)
        rc, _, err = run_cli("--key", KEY_HEX, "--marker", "M", self.db)
        self.assertEqual(rc, 2)
        self.assertIn("plain (unencrypted) SQLite", err)

    def _three_page_db(self):
        # One row of 6000 characters on 4 KiB pages (4016 usable): a payload
        # of 6003 bytes keeps 1991 on the leaf (page 2) and fills overflow
        # page 3 from its byte 4 to the end of its 4012 usable bytes, which
        # puts MID-MARKER near byte 804 and TAIL-MARKER at the very end.
        value = "x" * 2788 + "MID-MARKER" + "y" * 3191 + "TAIL-MARKER"
        self.assertEqual(len(value), 6000)
        sqlcipher(self.db, f"CREATE TABLE c(v);\nINSERT INTO c VALUES ('{value}');\n")
        size = os.path.getsize(self.db)
        self.assertEqual(size % PAGE, 0)
        self.assertEqual(size, 3 * PAGE)
        return size

    def test_truncated_file(self):
        size = self._three_page_db()
        report = self.scan(["MID-MARKER", "TAIL-MARKER"])
        self.assertEqual({(h["marker"], h["page"], h["authenticated"]) for h in report["hits"]},
                         {("MID-MARKER", 3, True), ("TAIL-MARKER", 3, True)})
        os.truncate(self.db, size - 300)
        report = self.scan(["MID-MARKER", "TAIL-MARKER"])
        # The IV is gone with the end of the page, but CBC still gives every
        # block after the first: MID-MARKER is found, unauthenticated.
        self.assertEqual([(h["marker"], h["page"], h["authenticated"]) for h in report["hits"]],
                         [("MID-MARKER", 3, False)])
        entry = self.file_entry(report)
        self.assertEqual(entry["pages_total"], size // PAGE)
        self.assertEqual(entry["pages_unreadable"], 1)
        problem = entry["unreadable"][0]
        self.assertEqual(problem["page"], size // PAGE)
        self.assertIn("partial page", problem["reason"])
        rc, out, err = run_cli("--key", KEY_HEX, "--marker", "NOT-THERE", "--strict", self.db)
        self.assertEqual(rc, 2, out + err)
        self.assertIn("UNREADABLE", out)
        rc, out, err = run_cli("--key", KEY_HEX, "--marker", "NOT-THERE", self.db)
        self.assertEqual(rc, 0, out + err)

        # Cut inside page 1: nothing can be authenticated.
        os.truncate(self.db, 700)
        rc, _, err = run_cli("--key", KEY_HEX, "--marker", "M", self.db)
        self.assertEqual(rc, 2)
        self.assertIn("only 700 bytes", err)

    def test_damaged_page_is_reported(self):
        self._three_page_db()
        with open(self.db, "r+b") as f:
            f.seek(PAGE + 5)      # first AES block of page 2
            byte = f.read(1)
            f.seek(PAGE + 5)
            f.write(bytes([byte[0] ^ 0xFF]))
        report = self.scan(["TAIL-MARKER"])
        entry = self.file_entry(report)
        self.assertEqual(entry["pages_unreadable"], 1)
        self.assertEqual(entry["unreadable"][0]["page"], 2)
        self.assertIn("HMAC", entry["unreadable"][0]["reason"])


# A SQLCipher 4 database written by SQLCipher 4.5.5 community (the
# amalgamation of the npm package @commapp/sqlcipher-amalgamation 4.5.5,
# built with -DSQLITE_HAS_CODEC -DSQLCIPHER_CRYPTO_OPENSSL) with default
# settings (page size 4096, HMAC-SHA512, PBKDF2-HMAC-SHA512) and the key
# bytes(range(32)), by:
#   PRAGMA key = "x'000102...1f'"; PRAGMA secure_delete = OFF;
#   CREATE TABLE kept(a); CREATE TABLE dropped(a);
#   INSERT INTO kept VALUES ('V4-LIVE-MARKER');
#   INSERT INTO dropped VALUES ('V4-FREED-MARKER'); DROP TABLE dropped;
# so page 2 holds the live row and page 3 is a free page holding the other.
V4_FIXTURE_SHA256 = "85eeaa1210c6e6887b31192707b75ad95a22f66a4cc1c23c70d0a708ad7b3bf2"
V4_FIXTURE = """
ym7wyYr1LRcBaz6rwvfuJ5qZhtkt+8vwzWAn0gsTsK7Zxuf84Doa18YF9Dt2k710/4pjnlHmkZ9f
Q6e2m6sKbgQjG1WV9HpQRyoxE4kswtflc3w1iDvJqXZnnwKtdfoblC5QXmYfF0IHZ4pDAbB89E+3
DAIPocwHFAV6Caymi2CcUexO5Xf2ws6uMQXorVsv1HPWAxXwzyB8j44CVWM1ha3hgC0A5Qpd7vmR
6GqIN2kF02aUg2F60pqqFBhCw9xjbLkUSSuj/1n2BL0fPfsaHUArK3blc3f0a4oySMI/+okAbx8x
NcVusnBHEsxk0qbL68/DFSTxdzqRd6s96G9m9yVBR/4UDsH7WNhHlsMis5/tdSn7fo6+2IuMdnPJ
gnUkQPSB8l+ktim7gwNQsfNT7yrFYgGYKPEUCw3WTTwIhcioo5sfyXl4gF4kxHbPRi4USRG5exzD
Qyb7FO8sTwIM8fz6hcD0ypdrPuoOHsSdnxn9M9detz/XKFGgv448gR1clIJVOSNjk5Tk5slBKyrY
rxD29zBNaokSUNHAoAj3QMde7h6ze/3f9TJJpe4nRlKivaEoe0USyh3W4mhjp1laAg7SWcxxthog
65BdCOW1twq7VjY+slwzJXMpA125j0Y/nURJS5sI4sT7BoO77SFRE1s15zSBi4If6ZtceJyZoNHO
mRqeynd3ISKfjwaB0hQ2nCJP90X8KbvcLy+vA7O5K6cRZMhjlkZTgCwFAANDlqfwW9La7G/EvLSZ
0FYVF/rYg29pX2NM0GGlbLd0I8W3xa98ua8cn+bBz9LsW5ok7e43aLxWMeVxfy/FdXFd/CizrH1B
OfSyMyOciCg7mIzTVY83uBRI8lHQsyc8lU62rW00Sc3tR8LMETgn/a0w33tq7QkVhZO/SJ7A5LcA
U16X64AnQ+3nQupIqJLd6zflHo+QYOt4wfVFa58HtdWCk9y5iiMJ1By6izf54Hd9dFAEGY3DVU+o
AoDcqSAf2+ybgXLWpIj7C4BR2QsSuxD1uZ9NbaTa0xigt3Uvbm8j0eAPYVv3NVtc1BJIG6suL6ul
8qa5ibSlKEcovM4EVgwQQIo5V52Q59ijH8aBcp+Hhd+oVBe6oKxdmD85uXBKSWmdOuUgrNskqezJ
p8Q41qvEOskVFfFNEqf75EgpQYApHa3+ANZ7aG5ObClgoKysUrYwMubo5Be3bvG9akWBag+XG81E
oTrwa/kexUdPfLcfcz35pYcvYffcOTH2RyIljaw6uG3NQNShgLssAJglJHsywPxuzkMyecny4HZo
M+L2BJmDMF4zfSxvgoahaksaNLMj8Q9mZhKq0sAiUWHzLBMbb3LFJ0Xb5PcMxw4RBHxwAQrlnv3+
2BXOoGwNF4fP4wVvvHConyhvIyFO0ffJ127wvx5ihI9S38S0KpAbEHAdbbjWa9ee2530LT+gEabE
/aySEDjErzeYC4mfPnvRDZNvdCopYm+OerajHUKrVE5M6xxSgIZ4f90Ep1v+xHLZY0UREbpK2UQq
Mph7C5XCrKnbBpPKn3789V7rk0LkHUrYKa07s4jjFBoT78ek9Y05gIUtEyj6pA0HSg6FntZ2d5M2
JcUqBHZOIEljxGgTMG4/jxRFqsvEVNqYnP2qcPf6+oR2mKvWYOYLpEJGFSjenOsoEOgFPWN/34G2
9aBR/gC7M9wIMIfMD5iSigbCNYKSlEOb7oacrLtzFrNQqwlLMWLU0qJzlylAnhe368sTFzm2M31n
Rv1KJUuRtleSGGYiIh5cKWw+FbceEbGf12tu+4QTVzIseGFRTd2otJCbboo9Eau5MVR2LqhE1yzp
E8jC1W+nqafSNf6sgJEC7Ta1PZzpO/OZw8Trr+HXuiOouAjXy4YMxyEnmOggfwZTdlqgg50El5h7
R0PPr3WIqeQTU1u5TaQctReIHVOfT6K+aUSW56prCpgqrXHv3QyhFGZpgKF1K+SfFl1t7lDj1WcG
65IzdhIYX6xNzviEB8I0WwhhFrCUs3H/Ibbecqz4Jvj65Lo8hwzZnkvFE7biQeaf3kDPeHNYfEWa
h1NYHJwsnS9e/g1YV0SpAEPAC7DkO92ntTRq9aoVTWd0mS1TRCrMGz7aa1830oL44kOjJu6dmq2e
tZrRUg8mEudvnHCaeRv++SA332XHcEyE8djX2SjfgtPVL3a/XVfmwRCO+k8RTPWaSDv1HARe6acT
pAQNEpPOGzfMvhZAwpQVziCX2eZEP7XALCNLQMMPJC08V6Jd6+rk/4oK9nTZLJ2DvFLuUBszn+PQ
jgWDBGjExktfPIbX7d2JymaAxbVSekK6cKDkA0tfOQi7FJepu6Ak1FCc08x4w4g607PwnhGvCEFI
zyoSDg09WP4OG6GoOFvcm5TIWx3+RpX1gGp0AZqdGXTdo4MLlkBV2h7+QiDdzj2KKjsfC4syW2cU
SXDRqlPbKtTMkODnR/RWyzuHLbouRy5ABIpKh3p9mgX2BScgNU37TJzorosqfJhJhqUVzoLOwKw7
BvG3iu3h5sbSJuO8Ud3Gwbsz+lGdqNrDNLEV4VP2ynoAlUGNWqD5rPPQHTkOJ9dProhBaVlAKzop
TVoRikbmWTKFkIYTE0UVO+x3OA+udbcTWzPtEjKtEARLGCcIh+rhwcfxXqDBDr3uQfcyaH4qKP7Z
XNM6f64qGXUu5IWeWNByhAi/IIW9fLRd9IniPTMTN3SThi+rAmkpadmwHajZvyOs3e60zIFhGoby
QTbCQ+hmlQBRjWoUNZso8oS7r1OpWT2MEt4mxrZRJFAAhwVJ6R30A5VEoE4HZGbTFUNxqkC3Kx+A
2IcZr4t3lFBKtSfO7consFt8Ka6fZ23N8NXvnZchqV+wLnqdlzywEEQqn3sC2CqEiFxRkiO3yTZ1
wtT+0DxdQ27cmh/LxVEKST5MLxkpcinnqFtGkP8hrYtwFHaUEH7zGHb7+ED5HDzUcddNr6KwfstQ
tFpfaFhTHbHF878ZlYx4MuHGX7eOlpX8BYofa/4vAxdpXJ3RZAuA1sTMUq6vRHPbQ5sztila/KYW
ikdbETyPXGCNpX+x9jMBkuWFZR7j5ThMNIm5jsNR6a3c73qlN2H1aNNZ6xjzr5QxzxGFGqYYeo8M
hDnI0vtgGKzdK6+xpE0HMDSBoOrDBzQ7vbiFyqE48JictLzWIpBbVNQetrc1ui+QVOYSnw1vZj+1
YKO2KQgcvbU/PnLTQqUidN0fI5UECw2PtZU+x5cAmKdJBN7bOswCA/3Ep8r8rinlZOSmz9QvDW+F
44mybwed7vRYF+Q9u2iCgiPG1iLryYm1gJGXrbk6scWjC5WltrFrns4Vsj61aBuC8Ac8WbnIITHC
sDXK+Peaa/HIbQbPerAgBbB4lUfAjYFB0IuiRD+Ipse7qWmCccRNTn91A7ixWsJun7xjuT4K3ATR
65RUAIvTC/g7h3i3hpG4dVr2XIeiXug2N0htMfV0UjIHC1zT+W5jke9jyTeQSwXc3WltK6MpqXUp
YJKMiv1hI/C7zpS19YSWq5ofS+YORejXhL93dCSdfsc+PORCZvDZ4Dt11GjmWmZ7mY9xVcVOOrn3
pxp9MlmGRBVHegFXchDYCcBZEOv7q9GOLotAlztGd0cFgRghq/NIgxQCiOCK99VWo1OkQGqxryBD
tgb5Zz+ERi3ueEcPAnA0wZPSSCgNK1lD9Za6FXDCgvZJFPBB9fwb306I3EzdiHU3HtqcQnN5Oq+t
hHNPDKIY9RyZxBcXeoQ1YpvX62CeC9D74YoxtRgub869DgNr0UXL69WFoTtiZM4ifrxCcgOS0mz0
CAjvTGOnYYAolCkIPebh1B40AqxlH1Wahx/+c6V8nwNUT3i3QhUUNh2w/cebjy1RV5KjWspOZOP2
9OhgUu84QF1ItRnZ4gsSNxktcwMteq4gdS9/PVQC90OkJOC7d3JkLsh4+S2oJMX/vKJMeF9jVCrO
W+NtxMMH7w8PVkuNKJ6gedN03W8sxJoVI35BRYShSHuk+uTyglee4aXQl9qazKUG1027UPsoK7hJ
kJzqVJSTDLcPOSeXdvIKli3s+5VYjIeXRE+qwe/5q34ujRm82nU7Zrj5OWmDIYIDdETI8S0b5z09
NwtGna6Kehp1BZPzLnu3/gzi2lysppmDwmFLWorwC9ruemjxpLPdKX3SqFA+F7MHIm8KSG8kZegw
zphkPK15K8HL7lOK1cuUTbpp/sBrrCzF7GqcRErlF4vb6JR4/Unl0XP8nf88xzrl1/0UeR2meCDH
a4elmYNsUXoMDfHQXCOwCy7kMjJLQF6V3AS/LcvNek88ElVEXzqooRJKHqL/nIXPudSxyIJKn0CW
eYs5jcFbBO6eve52ZgpLcJJ3uFvjNUS5tYBcxbmlPjyXm0TjvRq/hKKuP3nE2F/sA9c2AooW1/7v
zAXUsDR2MWFpM8btlCSqOx8CceBaq91F2bq/bVnxW2K38jEjyzPvh6Md5y5aqBwO5tl1HpW357KB
KeOjVRfESXtOlFgHJzJhawrsdts6wBJ30jB42D2yzY+OwI7wmALwWiP+KCT9GCXzir9++Qvq1KVw
NG1ruCRKQc2lmCh8WvO1alU/Pywm873Az6D6V1ZVrwQ+MvwBSx3IwM2lbMCZ8OUm6H4NWI5lMR71
xY/f5Cb+X73EBDWIzx6ZPqGuvsleyLHrKrmVAQGhiQlOJAxyBo53y0XzJzoRKkztsmo0x8i+aiuH
ShRnMgBsO1DemtEkrf9WrWCWWRW6mdAB+3KiFVC5r7djXLI3g7YvYL5jb2timgAaNL2EAMNyGQw7
MS+gglNkEEDwLPq3y7IhaICdNLp6MpOmge09MCvTg/q8mlE7yXZH+2ucchPJ1QOA42xaJIvOvWVD
egnIub+hyWe6W3p+1DTt7QmXbSYWkXiIjcrYO+YW3jspKnCTJ+Mglqzvg5b1brL64PF5m8OMRDhj
B46GkUUDsJFpK/IvbkLYwGPahOahrhEH2qXK2iEFFRfi0hjKHoldJKVBGEc/OvJsLJhFGt2OXgBt
KEB/OaSNq91cwJnO9Ocf2vICl1eL+dJknSrxqJxPJNfLBexUQpnAjxifpbOGY/krhFbXR9f3T1m0
8jU/7o/JGU4TwtMackZnbpthlbFz6CHRRnvlB+EVZ8ZI4GRb9L2i54C/96SwqGDlPyckoy/CHLvE
70n08kz8yXeZgGY28Dh/lB1o77UHAhbua4FgxoddToql7K/o8df1MNEsnnfXXsdzuei6z91173nQ
stvRfC3AqnfCEDeXeb43N9PEsEPlc2yPWceZ90y4l3XeEyAkdfxA8FWobt8B3rWv7I34fRpNzwU/
lRzUk/XrG9+yMpnRR6MSfJVC2ldtptiLKB7LWXbsiSGFQ6V8GdUvoo87wwYDUnWi4/F0/gJ26r4b
Do7xDKYfTjV+oAQsGOVlOtUL6EJF2N2mBiTx6bfK/pZczVSRN4pax9sf2zdWTp9vLsfN2fgZjl1a
FUIu6BIIFSDsoMAm/ptAEbp17XQZJHbo1pP7+tFNA09a7Km06jK7tSQaNMUkiuXsaley9ZsJLEn0
DRdFoVMMYTdcsQo+h191huZcflXC07DH0dHCKCsGJ81d0UHMJgviVTQtCNCsnByzhFw5XjbeIY1E
bo4VOGiFB7rzPNytMcli2irc2zyCdrI9c7d6jgzEMV98FPDHyFB+oVzClNsA6QOKp8dG8mx9uFZG
hSK+eZcZ6iRQDRUm0FU5bVH7Al5jfeNiw9/g0p2bk1rHkvZbtqy6MNaKGvmYQm6mWgqElnXx+EIs
YzPxv86Cs8sIIgOJLS2t/BArwL4Jd6PFjTu2sL5kR0GLsgYpQHkCIABsiQgzViKR8XYIMgHEyIX0
wHdB8vq73t+b1k+Pqbz+EXjPobqpjXzorpmlT/ZbslKGZPbkZCUORy8WWggn3DweYiMoKijJXa/n
hroupW1Cv7EzcDtZ117Sum2WPd731Fb3kYKCmUplXuvvIsQg7HaBaXMsSgpX6Zah4c87lydf0I9n
nTIB4Gy1QkteHZjM62BCx9A3jx10K518SSeptueJH6GNFTH/UhmeXsxjFiiLQVRlUZYlzDwy2Scm
afXd3NSVbKJyROSsy07LyCgXK0fJ/gTwldI98Eh/XJ7w/Mp054tcBydRDxUjxa9CrROOT7c1DnG2
9hD7TZYOSQ5ZvaLf5O3zRR59j3+Hdyo0Y+f1TIejNi+8iFjpqyGNvdXWNkbKnkxGqOz+xCIT4byb
2Lk069rYCjdj+bmdeoFA7ZWvykh0PoWiyeNTWkZYJ7vPlZm0PbiSisTSsr1k09LnwllJiOrhJQIe
nXsOHhSBihuKO12r9dcCLwgwUqrJc3dhrEhFQnJRFqxHlBrJRJ6S5IYH9eah+1VfyZPZ3+Ey495p
XJSzbaVSDi9bLpbYOt9P8XTTHjUR5V4GoF/uY1hJ2q7qN+fwrFgXpqB2kt/6Cb+GeBA6BvBzog4X
NBdNhQTsYV3fGbbPEbTRARAIGdbzVNqdnCR8xCaVU9M+YN3rpglyS70/zxy/RqSSVx/iX3qEFvQ9
eLhCanLE4d6nj7/X6VgCFJY6ElN4CBJeNcPZAraE2hYbc0LOqlkdrXdPCIW5g9/L9d0PFN2DwSSo
+RfLne2JI9957sd57I/X08Z2AgwFmCscgJ8Qejvk+t+PMMyeM5S2HiyLPaC41A88wRDNRrmVFq74
hSxChXcFfHvIojSqnYjuFFuvZtSmtfOOrqb2klbBcWGWCI74srPRUKFNkbct91nCxsGgyAtEg9vJ
BCEZiqUMYGW5fTG6zYw6mLcslUPlTZqxRuOppOWgGW1p79U0evnmazItTJf2mHCDt5iPn+ZtfP34
fk4YTL0o5z9bilQen7iafOYQlduJh0J7kHs4kZUFKLKZ9TQk8YTzB/MLtZ1+4N3jDKYLAI54fyu7
a9dUW60WZXPpdZ/afEe6S1C9o4kpWQpo0mjaM5WUz4F9BYND+qpJkt5KLQ3Ra9oj4OAkfKIaWp9h
LUROq8MSuJPB+egIvu5saTXgN0vwBfCWPfxjRJmYbkI7P1Poe88a4bz0R3SPobs/P/mHQWYlc32U
izFHagfNmDsjwHfKID+Lxi336mDWhwEk2G0cJu2EFgzsEKeVM0ZERQgsB2CY7Us67e/0MlAaw5RA
+jOPwwu25l0P7fvNymjv3C6g8c2hdmgR+wR9WqmRXh5Y/knKsDf6k2IGtw5vk581fx0w9NU9mN9k
v6LBgMZSB3xjFEetlzHcPSy7HjgNdck9ty24HuLTu3NKtzWB8bhIM6Efg5BnRePLhDbb28HqpjCx
FNY3i8XS0rkNNs5SnMWKe6FkPEt+fuaUBeI8+WkTLxh/kvYDNFyjWmQHw5Jz24FS6W+ool92U6bO
DPb+xJt29OEvfUNjRXrNbgRk7Vm7Nnd+oSroWyLJqNBw2HAhThycmk5YEKzKYGiYlrJ08OWVizyR
XzXgnIuTfpNCim5YGcbpR4RRvY6kmbXrsvgxVNVQ2xn1YuYm5TCPPkdEUMZXw1VG8x7qaX14c60c
5wf0mUZnrqxMYC9KkRxdDzCSse8aa3XbnSv+imK30Y4K6prM105jeXAI7TnuJSBLFEvh8u0pj4kN
sEWi2LRkOSKo5MLGiy7fH+4rafkhbZYOavNKpCn76XBa2mnFO0DjHRTzEDQzyjf4PwiSd8qKtBIo
CAstLAbYjGM9SVwsLoLGig3lmIREE1TokgSl/tKiLTmRW0srIINUtsvPDLPnKlQ0bqJvPvm7Jxoz
6pWAWvbICsynkcJFdcpJqUal1MZWgMZaVhIgXHTDkitJIyYR260GVgLzZFpcs2ZXqvUkbqt91taL
5P8cmCyfDnwq4h7mNiUQqLA86YtDPHl8M/RLZdkmbnV8JXpG0PpcDBpSu4UVjQT5PVFDvAhlDBl3
S/uGE38+lkSnu1O/JoQ/BuTDvi5P+SX2xCYZUe7XryLLfIFmEplnaq9flrBAKCnWltwlNzNZC26l
bu66xMxocEQ9RRCKEOgkoIL8xMtcizEbNcHMjcKuyo8CIWQ/8le/yHl6czy76R0xNAysdeLcOPxI
VqveY4+S5RgNXRnxb+bB4gFRKRxVJITvawFn8nh77ArrC9ZHtaeHDbAySrtIi4vUiOTaa67kF27L
Lw4qt94SDtlrNYXVljPIGcy8YqrWM/JvacDThYu/KdEFLY9oKJXHYBjRZXDYBMpJe2RdyAmVCvJZ
55PB1ryN3A5ksBiNUOjBj+RvnxANYcZsQ4PL73GUGEedO617pR6u+Y8nRUPlSxWdOyKifxBC7+Mu
vj+bqO+CUu9TVokFiIs+rkp2hiw5t4u0UQnKlvGNrNShD8mOe3oXvRGzgh3tGCrCjZpA09y7GG53
L+rbw81M+M3SVXjV98rfqzkFvD+n1pyRSwcvaFH9pPDeUaWJVqxInqNTcMasSijbafzWetDklv2s
znIciphaeynJ6xrAai6WBC9ph/ME31S1tBpJKSbqZKwfrpxse/hVDs1E2I3aE8dNVoZBTnwC/KMc
Rz3cGWEXX0KR8dOFmnaYCPK4aYvKPhBBgRuU7sTUMQUCyRkx4PtG3nNYO09d1MkgpA/rVpmVW5Sc
dTuWyLa+YllPcEw0XYAuNiIdu0Bf9HL4qu/ga2Yr2veGTvnh4MjLl3jG90/a9TTk12T7DB+EuBp2
0wIK67RgJ3egrjfKTjwOrctpT4kcoaJjgTmzD/qmWFRV96a/ivzCCyoRa4FPujki1JYW7EtIBsSe
KZCRE+cfJRTOIfJTKtnTZLC4aqhg5T/nB030Y07Cpc/7hQrzC7pGmaYcF4kIUWYXon8L/FJAm65u
SlTGT5HbE5qTIPJrTlvexdz5oTkxGIIqM56Wuw4872+iJPpw0euePyWu4sTQ+LFa3ytVH0LgtP6S
9pbRfQEotyYqEBDfh7ZsukbiQcxepZETOIOGbRKotmSTT66R8Ol4mFQC8GKfoeJwoBaYMISai+KK
rRkEEBC2q4Vl+eUcldyTVKvmWcV5oV071oSMUp6SnazwuvVu+Qhm8EmVZ+bG2PJX/NDsrwuDLof4
vvQCoWDbOgtxBeZBx60aUxJDk+y5qaB8SKaj1ICeTR58c/Yt1diuYrUydyt89YW9BBaooxVwN8ua
faZIA0Dj8gSkvXgVX0bW0FWyoE4hosm1uPGJxEL7YmkFdFZtyYpa4yem6O5r3Kh3+oL2S4EvTNwL
i6P6RKcMR/+Wc6nbyOxTos0aEHNy9Lu7BEp+zgvotG20xQ16lRvu8xKl1aoEoxOwud0WKkn601rf
PLGQsTV03qjoIgP4ymdo8JN+5XR73fKaEmv5WF8B/fHu9uuKvpKZZunJU85L1l0wKOI4jU8+32YX
/gxBrsud+Mc4BMQrAOChYnifalUzsf0fil3Q6qvCfZjCkjPzW3ra3CnXYLt0f4qGX2omhR+TfdKM
+pq54DPWdn7B3jJ+hkzEgJGocDcDGPE4FiDQ7Db6OW0lSdjhnTG76TTL6eQgGIB85Wc2y+tGlyfF
fwHvk8H04bMqHAhSsbS7gjbDF1HpFJ+1zyPd9KywbQOu9u8SEZmEYsdREcV4Dly9pnDAhfhA/GsM
unbEecN9An02Ih1M/9j1i0R5N5Okalu8acfp8Sz6+IbAT+gz46fZMYFp67jv1EsXZcmd2BheHBrC
mhpct5KDSrTvGTXH6UF7YYLGvsGTeB198vEaGryEEt25WC3MLQ/SCOwpkMVuqaHFHlfR0ka/U5VE
7tEsKJ60TFAJVIM7FxACULA/dn3mV8eR1NmMu95VfCD8NQERK5KO0w5f7J7+gIwOgQrJHY4elxhF
x78jT42rXiBdwkfTqhn+K8vMl1Lyz68VovQ8uiOr4hhEQlSMmaEXCxSIOm4UP2JNWGcXaT1/ewIZ
Db9oBgmS6csmH0GqCZ3FJsRtH06k48uTGi9/CGIMascxBztmxNFwE+T4cmz93UemXgg2ifCRmWZG
Q/PXGLXLW5vTflaU+UcZywyz/+ijhSh5EBVJBpvicOgY06B/mxkumcQesuvR4b07kvt9yTPUrKHJ
MviRac3VYlJ7f2Hq3V1Bw3F1hBSGtAUl0G2omK6yobKlKAAXI7hiQgun0bLg8oq5nwlGk32eesyD
CLDye4qp9/Ox0zUha8cSPyUTpg5jka9MH6vxtr46LZYMsxkVuVZj5hullSlsEQjfRgRQ03GM5jX9
B1+IhSfm0Bs4ZIt1Up6VX7wsglr5IhzO6NNA04gZ8Aba6svkaibLYF/l1Lw7GLGB8wjFZt3lgeUN
DUmqZ9wwPP7JifnHnyMINWIfqEfaQ0BQ3JoK3r6HCZPmIA5rp9u9Ms+0kMm6DOyEpLgjxO7ed146
ADVykquqIoAFVDDYJuLw7/hqHd+8N6UoG5ePkPXKGKR8+/4Poo8C5pjryacrPsPVqYKgbJvALmbI
41fClkFFvYWMPoXDKD2LjpNbgmtxdTOHyqBM4HhM+LA87GTmOd+LcugEaEt8N7dE3dfDQniSjImY
OjgFEku0rHgAQLLOU3qKtEQDQxp1PyAub9ARLrJJmzGhUow/7Tw2+NnPmx+Yxa4/SU/MeXW8FhfI
/dK+Z0g6cBJRFdAx3rtKQ0cMOfP+93k9LR8F1mH5RAHz05eSdjuQgQ0Vjt4Zw1jpq7IHd9d0jeSz
qTicURjLvviMNTW34ZfscGo6v2p7ERPX1i8/+/rQFNWWawX5zQpPaWAgJE+gJY/KK6wZW5V/Gt1I
b0jMqe8aAFKYMy0j5rSSozYBYWmEMGU29Mlj2EcDFEiTWVzy6DStIWuJ/518p1NOLuFliQ+1wgsM
pdQ58Dy2MlfR14FMhZewqAHmlKEgzBsyc9IIr4nMc2uG+mwfXQr644gVJtRjCc4M+jbTQtg7P/+c
E29x7X6P9gUR0j6pRHX2AsNbVC89NO/jLBRnOjTYwebWeC57EzPgSpnt7gxWWj0v44+nWVH9EjFQ
SUM/kNjPNIGT1fdGsscKu36FccQqH33GE4Wwn2jeUO8L2UXlBKbi3NciFpoZKrgazBtmVkDUwhOm
A6Tdzyetd43TiDlAgyS8GlXtBM2zWhAUTAvkdg8E1wrwvfK3ztJuqpiAALoQeLssx5ylMUwj8jMm
ETEjTo+0gT4RmM9YvwbqikYCueIyOobZpnq8Lp0CLK9J/a9vjF836LjYcHB5JRUZJrAzA3Ae5px8
k8XQy/l49T1zrhQuOlMEEKdlVL+amu1u2KMGtB5xkmWCUvvNgaYreqswDwUMgyUmC8g3qigRzs+l
C+F0PfSrH26s8Yzglrr7ggAo0eCsxnlNL6Ult14CIm34Ak2kbQ4IwB1FAdXzSXc8HMRjXN+A5gpE
vi/vsbdhSt9wM3bv6l/zri3I1U/XQX3f9JCFl5NpHbvnJlp4hXeAknvh0TUzWrbYi119CAS3w6/O
X/wjqitGhS1wCFKg/zTLG8XhMnOgmUeMlRICOw8MI1vyHbCqT5nazPreVyxOmc8bRkgK272h8nEd
+KnU30A4jZJQHCrXnCOlvbC2OM35MbF/9ncourYyLW3BluwWExfyefTUkbqhiEhTGIkSeEtOsoO1
97AUkAkG5COAswmpEJJA1yj+akCSNlXJjX0DzKpBN1Hy6LuXOFYelG3+kbt3zFu6aJ6VyzKog20O
zfhIO8gqJb6bya3xoINtL0aoowDpc/HoYheoPsvXx84x8XtUyEcmqoXQwompiP0qu39lTaJi61sR
xhiXpt/wl5Q+7PefQ54TFybcqqQj42PLQlxZzrNK2axaC7R0l4sdnuZWZJZX5uiyzPn1AyMFeDyQ
aQsF2eQB1aa0OuEAjiqTONIPh9/JYmcEmC8C4oWMVjIVf6YfoZb8DB3km/InNAbbbYbB1k4hP0W1
uYP0spazvwzUs1xIy0k+/Tq3u97Xd1tmmJ9dia4+TvmqYB4imIDkusiKwr6B3axh2hfTbQRUJQe1
pS/9k0tcjx1Fl3cH8REuVGY2IuOXu1a3zr521FcClB6iJ/H2hxxUoNAY6Hwr8PLdJfvYA4xh6Jj2
+Ar48I0cN8yXeNhVrMUnw6iXjP0ys6Av2/dI40ecCPt/ioLhcFrTwimgzL5r6xwpyLKoNdaEaBOV
FVvQudaNB7UlaOYCorblKYTELx+Hnfi/042MH0XQhH2Tsl7lMvH6CFf0qKanRSxNOcpu3CZoGMkl
XLdAGwIg9KA4re0E/A2T+oJcaU7FoVFi8HdOqpJirI8Ox8qbO+DxYp30MW4DuXEd40i0+qK7X/nh
lHqO0IjWyAV8h2ugUkYzMvgaMw5/7Nad2gCwTvMARn797LSQn20EOuf0MPC1ccQVltxZhsPBt4fC
yDvl4CcJ9wjRckOy/FN+75J45k/u8AWtRsNGMqtjbe25pboS9Q4dQJT2nkpBKA2PtxM8gNtEWeiH
TeoeE0f3bUxm4TqC3ALYCBSySR1FLZYDsKruAy3+arKIxmpviV+f114Vn7+lCSh6UmOeKxSO0u/0
zyCMd7yY+aCfwwT7z//UdqFz111lNfqlITjFnc7pOF1Cv/EbljhbvaUSXxFy14tHZBVTS8GyR0oE
yTfNHxlsDT4bhS2am4bUlLYnH065FZjBzIkAbxQGMeDU3iWpH3dtS/AUdADBtEyRq5VLZ6JWJm2x
w5MAZ3JSyVr9JpnJADomqgXRkRyIlTx/K5+U3twCPjySkRECSai4xpOWPhlS7pbvCm3ziF+h9FsD
ZiMCodq5WpksNd6zih9VBX57/43We+HmfyzuZ7twWlAdxC7thgthXfyk6ymZ5Zrvc0Sav5wJLc/T
y14zooI0z6nHpK3CFgkYod9o0K9joA5GTZ4LWLizw9blQ1xxfqZsqdAdFLI5C+Sr3fdzsSNppcVF
GUkavOwLzkPFOhZZNr706ouSv1bsY/TLGwh6gVF85D7UU4+a/zYGW960zCgeuHoBhakMkkRIS2NF
ma9LoGGtDL2fCP20wBm25WOJbCrQtAckhnAto52WUyVALSmaLiftmJaL80UlkXFadtuW1W5XviEx
rf0PZ7Fira+jyu6B6sux90t0X1iH5FE4435tSQxP14bn5JeVe0oGh2vqLq2MAh43CQmAoAn7S33Z
VTEtU5+Ro3Ch++o7VuevcMaHw+XTB80AuurvZ7nXLtm19aGVgv3gZxf/LqRddefJlsdQo2TXgjpd
rFvT8gp5xGBZhJWaoStSAtonAqSJIxv1K94AxZx6aaVxRt+V5F5/idttsSqYBm39w8jC60rJj1bM
IcCpQvk/279qGQgPSMm3BrwufnHbZ4xAvyUSU+GryKZtmlbP+x0F6bUGa+g6oizC6bcFMX5xcKMx
Q2JVOYjsoGEaW1ANUi2bkaKh9NLSqIHrDpMInj22u7CT2yeV5hMRpsQFqkw/QLkXaS4xplOHyYZJ
pzysk2tOi0+HykLJdM7mY9yJSl6qxZQW+B0T+hFd0dwMAc7yF6qorQBsJ3wFkE2R0xtBFgPNBzCD
Ug+SHKdQcH5EhwKCM0hBI2N0sdGAjqg4Jq3KAdPi1lZSQyyEKOtoqjI5fymcZpD08p3GiCgppzIt
9aVvLwgD8H3/SA+pVM2yksVHXyaSWeysgVGm+cUPb3eIjRx/a4oh5N6JzdsQjF6FyST9T1BHeVVi
vVi+38d9OczVgsItq91rFubdlSvlyuk3VmojKAEV1u4WofwHXWYsIc/QmlxRV3gEYxTD3uL2a6lj
GT/PnpU0LtqXCjjrrRvt8C/Oi0h4HeWpEI3e22Uf91LDc6e+SroFvDWRD2jaNmTcKCIzZwzUNGZi
gnzxA0xK8dstT+atT65Xx68hIr49ZJ+NJnSV9TDz3vni2MMRTCpC5yoyqJIqKMrsk0MfqCp0+mLw
yLXn1RrUVH+EM0oefSiBzyZASjhUvItlvbai9Q2bwnrYcfogPQSf2LMSma8VYaWj6sYXz3ldg+Qz
K5uq6CPTVVmQ1GEiWHHqJfQl9ylvqBANYx7SowgdFsROEYlbZJKBCC7KeXDPJy/d5gMqvxCBLyet
h35hxTeNdvEIH3CW8vk77BioXLPMVl00Ziloh+Ae8oo2UPnGvBp3ZCStJwQT9xFX0HfTM192O2AF
MIsnfquieajtMNnbcWfNnWQn+Wf/VLDZsBE1OpnLg2rN8ndDeHZCmqOfzxKim/UuAUBwILBvWmuv
igTNVXFmlrLdQQKXRSWYZJ7J5qQmgH/XtbRQv+d5JpT/5oqT23ETGqWIo+6arkECYDAbGU6CXyeI
V+B5M7HwBvl/6N0PhKxjomG0F+u6YdwOvMlYjaJg+wySHZGwp/IFrnZ3cEzRMoA+iBqX3KZxsNPB
pB3YAfo9O/mvJ8JG06rH9n1EefoHF5qkjvq3V9g4GH8ONHWnombOyHa/0/pTkvslRulXfQ5yQhtQ
WktwAiyl4gBOZ4Kyt+JxOGIjaVyEWuARsbuLQv6IYHowjmMuV+SMIcz11ZN971yMVGcQjMcgVzOD
+aLgNAz3dxNWtskFppfwbISlo8NPVTqO3jRNOU7cAi9o/a1ssKYjXEW3kP5XELdllc7PS3oj0Afx
JBbk6E/fTi2+/Gthr789yjhRS7VQdJ3GtEjdTk7RR6nS1X8CfbZVTYo4uPpXtRHU0kOsg09Y7Qx5
AcYndXIilqqZJ8VCubG0AoJZhsgxdMjSwkhhPXqZY5cr+jZsawolPIauIDE900B0UsFZlayZz3om
pf/Gql6LjnSIyYj9gnRUUcCWMVi0e1VlwbwQuZGbHqWN7qrOen4vfyJnq0lo3DyT3T8NGU8p5tQM
2pSHW404m+C9KnPujLgmf7Y3/zEQxJHSLNJqzct2ko1HARdxJVNwDHjIYwGFmZpT9zCwTlz98Gw0
XlsmnIAhxto71zX1nS7Ch5nFTFi4atA6abaCb8RbbpuCAdFRuuwXG4/lW5GZYbxb73GvCJZna5HT
CZD0/o6Qt8qmn9DPG/p9bii6NRl8xx3N2WX2avYcxirGk+VHDxK91Y7lmqVGGwCiKHvE5p7mtPsy
uZRZdk0Tk5bJfrWlpvNYcj+s4lwhtwEyOziX2PqxKBHis53rt+89iuLD33Y1xQtgNOAxcy3QmwOM
xHTM1ezpt1jRJe72XKgV0H+lR3zh6k5FcdaBty+k89SSLywtQ1IB2lEzvt5MsXq32AN49Qc+xbuq
OJxsdSFGvTYJqeban6Cowlx97c465b/AXfLODW+mZ7+jyRfCJHbk1sGIqsNp8T4Ai80AJBXNWmc7
R/SS7bZYvSsgkkOwAUuBTyhtwFNKm9zWlM3irfnFthJg2JLPqoIYHamQLhnV3Nc1WJjNM4exQsHl
/B0GBeSbMQkP1dUXg0efLIC5Uu8HAaV1H/5MsZQo77alnuuo6H/JboeSXS0A/VCAec5y8WxeHa1T
VYu2A1KtTEvrYfIaSyjMU5UYNNYeq5vn93wvDlsC6hf70tbS5fJz4cnW9kHBbXIXnoVTsmLqlxgB
PUD8rE2v0BRU5hNXy4jnpigueRjaUAuinAXEO3MuXjCC220vMDTGoCZwzX9AmoJp0K+NWiQPkKar
qnOoR8efsiKUZH9ecvb3ZZnLMLbZFojbHn7iBuMfc19XKc2pAWpresjvR9bzYzGIBk/Faqy4w+Cg
KVk0fwC1hWNogdtQgEj8N2V9Z8ehno+wz1+MnRdPd27Kjlw0QXJ8P/bIjzbZsuSagdrRIi6rt9HD
nz9/CoiA86xh4jX7gD/jP2dW8h4Ht/xQ+krtSARIWZ2dwTOpepl3IkVL5RQfrhvzxb7qc2swYQ2K
o4zBWuV5yVyk4QdR1oN3puk6Ff2LMfcmJFgxW/XdzzHx7JA4kdLoKpGo7Bj4yeU5ClOJeXcX3Zeg
MSPYEiuOEMc4CVwDZrgRomFqrqV9i7Whc157jFsjRRStph1ufoZntwFDkGMKmaDuJhROXNa2QgDQ
lqctSvaoKsbHxBBg9JO2dBQkp5oSpDm0dkdCytRtuCZf7+xfSENXJYoEBhIFAjFPkOtJqHa3lbjj
+e1p+ovccjsszNsZjdcjgRbplxw0R3ZI6tR8YCJqhAUHV6FGOz8L/EYz52HnTGc5ZZPDi8vGzb0D
FgBF7vNhD5tzIkf7Th9+g6Wm1buY7nFEdPsDWIzPlyn0hGJyDdiOdTdJ5Ub6eEkT4S8DM8b3Qnwl
IcWl9L8M7z2nzpizDeMg01z6wF5ZYUS/X5MBLGS2N7ZsgVEyFTZH06dmKsCdLaarKAHeEtzJ87c2
Yffy+HKurGcmZKIksUx4fwUdGB8OWVM24L8enMedc4CngiMnrgAhqTJ1dqIlOByVgBSH5KAjjvPt
icdOZZIKyeMRn3hL7CV8uLJjJ6+fruEkcSclurdT16oqIfCJgxtQoIbX1kXE7e6E3kzdLnaliZK9
/K00IJ5WyuATZU0fOSAHGaUBT4fHc4kbA2KOWbn2ovar
"""

if __name__ == "__main__":
    unittest.main(verbosity=2)
