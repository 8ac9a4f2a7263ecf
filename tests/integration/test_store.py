# SPDX-License-Identifier: GPL-3.0-or-later
"""The encrypted store, operators, login and the audit log, driven through
the real packbenchctl against real SQLCipher files."""

import csv
import fcntl
import hashlib
import json
import os
import resource
import shutil
import signal
import stat
import subprocess
import time
import unittest

from pbtest import ADMIN_PASSWORD, Bench, totp

NAME_MARKER = "Zebedee-Quixotic-7731"
SECRET_MARKER = "rt-SECRET-Vexillology-5518"
# A password typed into the username field: a valid username, so it is not
# refused as malformed before it could be recorded.
PASSWORD_AS_NAME = "Sunflower.Harbour.77"
# How the audit log marks rows that come from the keyslot file.
OUTSIDE_MARKER = "source=keyslot-file"


def keyslots_path(bench):
    return os.path.join(bench.dir, "keyslots.json")


def read_keyslots(bench):
    with open(keyslots_path(bench)) as handle:
        return json.load(handle)


class KeyslotsLock:
    """Holds the keyslot file's lock as another Packbench process would,
    and sees which processes wait for it (/proc/locks lists a blocked
    request as "->")."""

    def __init__(self, bench):
        self.fd = os.open(keyslots_path(bench), os.O_RDWR | os.O_CLOEXEC)
        self.inode = os.fstat(self.fd).st_ino
        fcntl.flock(self.fd, fcntl.LOCK_EX)

    def waiting(self):
        pids = set()
        with open("/proc/locks") as locks:
            for line in locks:
                fields = line.split()
                if len(fields) > 6 and fields[1] == "->" and fields[2] == "FLOCK" \
                        and fields[6].split(":")[-1] == str(self.inode):
                    pids.add(int(fields[5]))
        return pids

    def wait_for(self, test, processes):
        """Returns once every process waits for the lock; fails when one
        ends without having waited for it."""
        want = {p.pid for p in processes}
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if want <= self.waiting():
                return
            for process in processes:
                test.assertIsNone(process.poll(),
                                  "process %d ended without waiting for the keyslot lock"
                                  % process.pid)
            time.sleep(0.02)
        test.fail("processes %s never waited for the keyslot lock" % sorted(want))

    def release(self):
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


class StoreTestCase(unittest.TestCase):
    def setUp(self):
        self.bench = Bench(self)
        self.bench.init()


class Init(StoreTestCase):
    def test_store_is_private(self):
        mode = stat.S_IMODE(os.stat(self.bench.dir).st_mode)
        self.assertEqual(mode, 0o700)
        for path in self.bench.store_files():
            if path.endswith(".lock"):
                continue
            self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600, path)

    def test_init_twice_is_refused_and_changes_nothing(self):
        before = {p: open(p, "rb").read() for p in self.bench.store_files()}
        result = self.bench.run("init", "--admin", "other", lines=[ADMIN_PASSWORD])
        self.assertEqual(result.returncode, 1)
        self.assertIn("already exists", result.stderr)
        after = {p: open(p, "rb").read() for p in self.bench.store_files()}
        self.assertEqual(before, after)

    def test_weak_password_names_the_rule(self):
        other = Bench(self)
        result = other.run("init", "--admin", "boss", lines=["short"])
        self.assertEqual(result.returncode, 1)
        self.assertIn("12", result.stderr)
        self.assertFalse(os.path.exists(other.dir))

    def test_cipher_version_is_sqlcipher(self):
        """The store is SQLCipher 4's format, read by a SQLCipher 4 shell
        with its defaults, and packbenchctl reports the same library."""
        result = self.bench.sql("PRAGMA cipher_version;\nPRAGMA cipher_page_size;\n"
                                "PRAGMA cipher_hmac_algorithm;\nSELECT count(*) FROM operators;")
        lines = [line for line in result.stdout.splitlines() if line != "ok"]
        self.assertRegex(lines[0], r"^4\.\d+\.\d+")
        self.assertEqual(lines[1:], ["4096", "HMAC_SHA512", "1"], result.stderr)
        version = self.bench.ok(self.bench.run("version", "--verbose")).stdout
        self.assertIn("SQLCipher  " + lines[0], version)
        for library in ("SQLite", "OpenSSL", "libcurl", "GTK", "libadwaita"):
            self.assertRegex(version, r"(?m)^%s +\S*\d+\.\d+" % library)

    def test_whoami(self):
        result = self.bench.ok(self.bench.as_user("admin", "whoami"))
        self.assertEqual(result.stdout.strip(), "admin admin")

    def test_username_is_case_insensitive(self):
        result = self.bench.ok(self.bench.as_user("admin", "whoami", env=None)
                               if False else self.bench.run(
                                   "whoami", "--user", "ADMIN",
                                   lines=self.bench.login_lines("admin")))
        self.assertEqual(result.stdout.strip(), "admin admin")


class Markers(StoreTestCase):
    def assert_absent(self, marker):
        for path in self.bench.store_files():
            with open(path, "rb") as handle:
                data = handle.read()
            self.assertNotIn(marker.encode(), data, path)
            self.assertNotIn(marker.encode("utf-16-le"), data, path)

    def test_markers_absent_from_every_file(self):
        self.bench.add_user("packer1", "packer", full_name=NAME_MARKER)
        self.bench.ok(self.bench.as_user("admin", "config", "set", "amazon.refresh_token", "-",
                                         extra_lines=[SECRET_MARKER]))
        self.assert_absent(NAME_MARKER)
        self.assert_absent(SECRET_MARKER)

    def test_markers_absent_from_wal_after_crash(self):
        # A crash right after the commit leaves the write-ahead log behind,
        # uncheckpointed: it must be encrypted too.
        result = self.bench.as_user("admin", "config", "set", "amazon.client_secret", "-",
                                    extra_lines=[SECRET_MARKER],
                                    env={"PACKBENCH_FAULT": "settings.after-commit"})
        self.assertEqual(result.returncode, 99, result.stderr)
        wal = os.path.join(self.bench.dir, "packbench.db-wal")
        self.assertTrue(os.path.exists(wal) and os.path.getsize(wal) > 0)
        self.assert_absent(SECRET_MARKER)
        # and the committed write survived the crash
        result = self.bench.ok(self.bench.as_user("admin", "config", "get",
                                                  "amazon.client_secret"))
        self.assertEqual(result.stdout.strip(), "set")

    def test_secret_is_never_printed(self):
        self.bench.ok(self.bench.as_user("admin", "config", "set", "royalmail.api_key", "-",
                                         extra_lines=[SECRET_MARKER]))
        for args in (["config", "get", "royalmail.api_key"], ["config", "list"],
                     ["config", "list", "--json"], ["audit", "list", "--json"]):
            result = self.bench.ok(self.bench.as_user("admin", *args))
            self.assertNotIn(SECRET_MARKER, result.stdout + result.stderr)
        listing = json.loads(self.bench.ok(self.bench.as_user(
            "admin", "config", "list", "--json")).stdout)
        entry = [e for e in listing if e["key"] == "royalmail.api_key"][0]
        self.assertEqual(entry["value"], "set")
        self.assertTrue(entry["secret"])


class Login(StoreTestCase):
    def test_wrong_password_exit_3(self):
        result = self.bench.run("whoami", "--user", "admin", lines=["Wrong-Password-1!"])
        self.assertEqual(result.returncode, 3)
        self.assertIn("Wrong username or password", result.stderr)

    def test_unknown_user_exit_3(self):
        result = self.bench.run("whoami", "--user", "nobody", lines=["Wrong-Password-1!"])
        self.assertEqual(result.returncode, 3)
        self.assertIn("Wrong username or password", result.stderr)

    def test_wrong_totp_exit_3(self):
        self.bench.advance(30)
        result = self.bench.run("whoami", "--user", "admin", lines=[ADMIN_PASSWORD, "000000"])
        self.assertEqual(result.returncode, 3)
        self.assertIn("code", result.stderr.lower())

    def test_totp_code_works_once(self):
        self.bench.advance(30)
        code = totp(self.bench.secrets["admin"], self.bench.now)
        self.bench.ok(self.bench.run("whoami", "--user", "admin", lines=[ADMIN_PASSWORD, code]))
        result = self.bench.run("whoami", "--user", "admin", lines=[ADMIN_PASSWORD, code])
        self.assertEqual(result.returncode, 3)
        self.assertIn("already been used", result.stderr)

    def test_sixth_attempt_is_locked_out_even_with_right_password(self):
        self.bench.add_user("pat", "packer")
        for attempt in range(5):
            result = self.bench.run("whoami", "--user", "pat", lines=["Wrong-Password-1!"])
            self.assertEqual(result.returncode, 3, attempt)
        self.assertIn("locked", result.stderr)
        result = self.bench.as_user("pat", "whoami")
        self.assertEqual(result.returncode, 5, result.stderr)
        self.assertIn("locked", result.stderr)
        self.assertIn("unlock", result.stderr)

        # The lock survives restarts and lasts 15 minutes.
        self.bench.advance(14 * 60)
        self.assertEqual(self.bench.as_user("pat", "whoami").returncode, 5)
        self.bench.advance(2 * 60)
        self.bench.ok(self.bench.as_user("pat", "whoami"))

        # Every failure, the lockout and the refusal reached the audit log.
        rows = json.loads(self.bench.ok(self.bench.as_user(
            "admin", "audit", "list", "--operator", "pat", "--json")).stdout)
        actions = [row["action"] for row in rows]
        self.assertEqual(actions.count("login.failed"), 5)
        self.assertIn("login.lockout", actions)
        self.assertIn("login.refused", actions)

    def test_supervisor_unlocks_packer(self):
        self.bench.add_user("pat", "packer")
        self.bench.add_user("sue", "supervisor")
        for _ in range(5):
            self.bench.run("whoami", "--user", "pat", lines=["Wrong-Password-1!"])
        self.assertEqual(self.bench.as_user("pat", "whoami").returncode, 5)
        self.bench.ok(self.bench.as_user("sue", "user", "unlock", "pat"))
        self.bench.ok(self.bench.as_user("pat", "whoami"))

    def test_temporary_password_must_be_changed(self):
        self.bench.ok(self.bench.as_user("admin", "user", "add", "tom", "--role", "packer",
                                         extra_lines=["Temporary-Pass-1!"]))
        # Without a new password the login stops and nothing opens.
        result = self.bench.run("whoami", "--user", "tom", lines=["Temporary-Pass-1!"])
        self.assertEqual(result.returncode, 3)
        self.assertIn("temporary", result.stderr)
        # The temporary password cannot be kept.
        result = self.bench.run("whoami", "--user", "tom",
                                lines=["Temporary-Pass-1!", "Temporary-Pass-1!"])
        self.assertEqual(result.returncode, 1)
        self.assertIn("different", result.stderr)
        result = self.bench.ok(self.bench.run("whoami", "--user", "tom",
                                              lines=["Temporary-Pass-1!", "Quiet-Meadow-22!"]))
        self.assertEqual(result.stdout.strip(), "tom packer")
        self.bench.ok(self.bench.run("whoami", "--user", "tom", lines=["Quiet-Meadow-22!"]))

    def test_password_expires_after_365_days(self):
        self.bench.add_user("pat", "packer")
        self.bench.advance(366 * 86400)
        result = self.bench.as_user("pat", "whoami")
        self.assertEqual(result.returncode, 3)
        self.assertIn("expired", result.stderr)
        result = self.bench.as_user("pat", "whoami", extra_lines=["Winter-Garden-33!"])
        self.bench.ok(result)

    def start(self, *args, lines=()):
        process = subprocess.Popen(
            [os.environ["PACKBENCHCTL"], "--store", self.bench.dir, *args],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env=self.bench.env())
        process.stdin.write("".join(line + "\n" for line in lines))
        process.stdin.close()
        self.addCleanup(process.wait, 120)
        return process

    def test_parallel_failed_logins_each_count(self):
        # Issue 15, item 5: processes that load the file at the same time
        # must not overwrite each other's count. The test holds the lock
        # until all of them have run scrypt with the same count in memory.
        self.bench.add_user("pat", "packer")
        lock = KeyslotsLock(self.bench)
        try:
            guesses = [self.start("whoami", "--user", "pat", lines=["Wrong-Password-%d!" % i])
                       for i in range(4)]
            lock.wait_for(self, guesses)
        finally:
            lock.release()
        for guess in guesses:
            guess.wait(120)
            self.assertEqual(guess.returncode, 3, guess.stderr.read())
        slot = [s for s in read_keyslots(self.bench)["slots"] if s["username"] == "pat"][0]
        self.assertEqual(slot["failures"], 4)
        rows = json.loads(self.bench.ok(self.bench.as_user(
            "admin", "audit", "list", "--operator", "pat", "--action", "login.failed",
            "--json")).stdout)
        self.assertEqual(len(rows), 4)

    def test_reset_is_not_undone_by_a_failed_login(self):
        # Issue 15, item 5: a failed login that loaded the file before an
        # administrator reset the password must not write the old slot back.
        self.bench.add_user("pat", "packer")
        old = self.bench.passwords["pat"]
        lock = KeyslotsLock(self.bench)
        try:
            guess = self.start("whoami", "--user", "pat", lines=["Wrong-Password-1!"])
            lock.wait_for(self, [guess])
            reset = self.start("user", "passwd", "pat", "--user", "admin",
                               lines=self.bench.login_lines("admin") + ["Reset-Password-9!"])
            lock.wait_for(self, [guess, reset])
        finally:
            lock.release()
        reset.wait(120)
        guess.wait(120)
        self.assertEqual(reset.returncode, 0, reset.stderr.read())
        self.assertEqual(guess.returncode, 3, guess.stderr.read())
        self.assertEqual(self.bench.run("whoami", "--user", "pat", lines=[old]).returncode, 3)
        result = self.bench.ok(self.bench.run("whoami", "--user", "pat",
                                              lines=["Reset-Password-9!", "Quiet-Meadow-22!"]))
        self.assertEqual(result.stdout.strip(), "pat packer")

    def test_password_typed_as_username_is_not_kept(self):
        # Issue 15, item 8: an unknown username is often a password typed
        # into the wrong field.
        forms = [PASSWORD_AS_NAME, PASSWORD_AS_NAME.lower()]
        result = self.bench.run("whoami", "--user", PASSWORD_AS_NAME, lines=["Wrong-Password-1!"])
        self.assertEqual(result.returncode, 3)
        with open(keyslots_path(self.bench)) as handle:
            keyslots = handle.read()
        rows = self.bench.ok(self.bench.as_user("admin", "audit", "list", "--json")).stdout
        export = os.path.join(self.bench.root, "audit.csv")
        self.bench.ok(self.bench.as_user("admin", "audit", "export", "--output", export))
        with open(export) as handle:
            exported = handle.read()
        found = [name for name, text in [("output", result.stdout + result.stderr),
                                         ("keyslot file", keyslots), ("audit list", rows),
                                         ("audit export", exported)]
                 if any(form in text for form in forms)]
        # Only the places are named: the failure message must not show it either.
        self.assertEqual(found, [])
        # The attempt itself is still recorded.
        failed = [row for row in json.loads(rows) if row["action"] == "login.failed"]
        self.assertEqual([row["operator"] for row in failed], ["(unknown username)"])

    def test_second_process_is_refused(self):
        # The first process logs in and then waits for the new operator's
        # password, holding the store open.
        lines = self.bench.login_lines("admin")
        first = subprocess.Popen(
            [os.environ["PACKBENCHCTL"], "--store", self.bench.dir, "user", "add", "late",
             "--role", "packer", "--user", "admin"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env=self.bench.env())
        first.stdin.write("\n".join(lines) + "\n")
        first.stdin.flush()
        lock = os.path.join(self.bench.dir, "packbench.lock")
        deadline = time.monotonic() + 60

        def holds_lock():
            return os.path.exists(lock) and open(lock).read().strip() == str(first.pid)

        while not holds_lock() and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertTrue(holds_lock(), "the first packbenchctl never took the lock")
        try:
            result = self.bench.as_user("admin", "whoami")
            self.assertEqual(result.returncode, 1)
            self.assertIn("in use by another Packbench process", result.stderr)
            self.assertIn(str(first.pid), result.stderr)
        finally:
            first.stdin.write("Purple-Rain-Coat-1!\n")
            first.stdin.close()
            first.wait(timeout=60)
        self.assertEqual(first.returncode, 0, first.stderr.read())


class Operators(StoreTestCase):
    def test_disabled_operator_old_password_exit_3(self):
        self.bench.add_user("pat", "packer")
        self.bench.ok(self.bench.as_user("admin", "user", "disable", "pat"))
        result = self.bench.as_user("pat", "whoami")
        self.assertEqual(result.returncode, 3)
        slots = json.load(open(os.path.join(self.bench.dir, "keyslots.json")))
        self.assertNotIn("pat", [slot["username"] for slot in slots["slots"]])
        # Enabling gives a temporary password; the old one still opens nothing.
        self.bench.ok(self.bench.as_user("admin", "user", "enable", "pat",
                                         extra_lines=["Orange-Teapot-19!"]))
        self.assertEqual(self.bench.as_user("pat", "whoami").returncode, 3)
        self.bench.ok(self.bench.run("whoami", "--user", "pat",
                                     lines=["Orange-Teapot-19!", "Silver-Spoon-29!"]))

    def test_packer_cannot_add_users_and_is_audited(self):
        self.bench.add_user("pat", "packer")
        result = self.bench.as_user("pat", "user", "add", "mallory", "--role", "admin",
                                    extra_lines=["Sneaky-Fox-Pass-99!"])
        self.assertEqual(result.returncode, 4, result.stderr)
        self.assertIn("Not permitted", result.stderr)
        rows = json.loads(self.bench.ok(self.bench.as_user(
            "admin", "audit", "list", "--action", "permission.denied", "--json")).stdout)
        self.assertTrue(any(row["operator"] == "pat" and row["subject"] == "mallory"
                            for row in rows), rows)
        users = json.loads(self.bench.ok(self.bench.as_user(
            "admin", "user", "list", "--json")).stdout)
        self.assertNotIn("mallory", [u["username"] for u in users])

    def test_supervisor_manages_packers_only(self):
        self.bench.add_user("sue", "supervisor")
        result = self.bench.as_user("sue", "user", "add", "boss2", "--role", "admin",
                                    extra_lines=["Boss-Two-Pass-1!"])
        self.assertEqual(result.returncode, 4)
        result = self.bench.as_user("sue", "user", "add", "pip", "--role", "packer",
                                    extra_lines=["Yellow-Bucket-11!"])
        self.bench.ok(result)
        self.assertEqual(self.bench.as_user("sue", "user", "disable", "admin").returncode, 4)
        self.assertEqual(self.bench.as_user("sue", "config", "set", "retention.days",
                                            "7").returncode, 4)

    def test_supervisor_needs_totp(self):
        result = self.bench.add_user("sue", "supervisor")
        self.assertIn("TOTP: otpauth://totp/", result.stdout)
        self.assertIn("sue", self.bench.secrets)
        # Without the code, no login.
        result = self.bench.run("whoami", "--user", "sue", lines=[self.bench.passwords["sue"]])
        self.assertEqual(result.returncode, 3)

    def test_list_shows_status(self):
        self.bench.add_user("pat", "packer", full_name="Pat Packer")
        users = json.loads(self.bench.ok(self.bench.as_user(
            "admin", "user", "list", "--json")).stdout)
        by_name = {u["username"]: u for u in users}
        self.assertEqual(by_name["pat"]["role"], "packer")
        self.assertEqual(by_name["pat"]["status"], "active")
        self.assertEqual(by_name["pat"]["full_name"], "Pat Packer")
        self.assertTrue(by_name["admin"]["totp"])
        self.assertFalse(by_name["pat"]["totp"])

    def test_changing_password_rewraps_only_that_slot(self):
        self.bench.add_user("pat", "packer")
        before = json.load(open(os.path.join(self.bench.dir, "keyslots.json")))
        self.bench.ok(self.bench.as_user("pat", "user", "passwd", "pat",
                                         extra_lines=["Copper-Kettle-55!"]))
        self.bench.passwords["pat"] = "Copper-Kettle-55!"
        after = json.load(open(os.path.join(self.bench.dir, "keyslots.json")))
        slots_before = {s["username"]: s for s in before["slots"]}
        slots_after = {s["username"]: s for s in after["slots"]}
        self.assertNotEqual(slots_before["pat"]["ciphertext"], slots_after["pat"]["ciphertext"])
        self.assertEqual(slots_before["admin"], slots_after["admin"])
        self.assertEqual(slots_before["@recovery"], slots_after["@recovery"])
        self.bench.ok(self.bench.as_user("pat", "whoami"))

    def test_settings_validation(self):
        result = self.bench.as_user("admin", "config", "set", "retention.days", "32")
        self.assertEqual(result.returncode, 1)
        self.assertIn("1 to 31", result.stderr)
        result = self.bench.as_user("admin", "config", "set", "no.such.key", "1")
        self.assertEqual(result.returncode, 1)
        self.bench.ok(self.bench.as_user("admin", "config", "set", "retention.days", "14"))
        result = self.bench.ok(self.bench.as_user("admin", "config", "get", "retention.days"))
        self.assertEqual(result.stdout.strip(), "14")
        rows = json.loads(self.bench.ok(self.bench.as_user(
            "admin", "audit", "list", "--action", "setting.changed", "--json")).stdout)
        self.assertEqual([row["subject"] for row in rows], ["retention.days"])


class Recovery(StoreTestCase):
    def test_recovery_code_sets_new_admin_password(self):
        result = self.bench.run("recover", "--admin", "admin",
                                lines=[self.bench.recovery.lower().replace("-", " "),
                                       "Brand-New-Secret-7!"])
        self.bench.ok(result)
        uri = [l for l in result.stdout.splitlines() if l.startswith("TOTP: ")][0]
        from pbtest import secret_from_uri
        self.bench.secrets["admin"] = secret_from_uri(uri[6:])
        self.assertEqual(self.bench.as_user("admin", "whoami",
                                            password=ADMIN_PASSWORD).returncode, 3)
        self.bench.passwords["admin"] = "Brand-New-Secret-7!"
        self.bench.ok(self.bench.as_user("admin", "whoami"))
        rows = json.loads(self.bench.ok(self.bench.as_user(
            "admin", "audit", "list", "--action", "recovery.used", "--json")).stdout)
        self.assertEqual(len(rows), 1)

    def test_wrong_recovery_code(self):
        result = self.bench.run("recover", "--admin", "admin",
                                lines=["AAAAA-BBBBB-CCCCC-DDDDD-EEEEE-FFFFF",
                                       "Brand-New-Secret-7!"])
        self.assertEqual(result.returncode, 3)
        self.assertIn("recovery code", result.stderr)
        self.bench.ok(self.bench.as_user("admin", "whoami"))


class Audit(StoreTestCase):
    def verify(self):
        return self.bench.as_user("admin", "audit", "verify")

    def tamper(self, sql):
        result = self.bench.sql("DROP TRIGGER IF EXISTS audit_no_update;"
                                "DROP TRIGGER IF EXISTS audit_no_delete;" + sql)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertNotIn("Error", result.stderr)

    def test_intact_log_verifies(self):
        self.bench.add_user("pat", "packer")
        result = self.bench.ok(self.verify())
        self.assertIn("intact", result.stdout)

    def test_edited_row_is_named(self):
        self.bench.add_user("pat", "packer")
        self.tamper("UPDATE audit SET operator = 'someone' WHERE seq = 3;")
        result = self.verify()
        self.assertEqual(result.returncode, 1)
        self.assertIn("row 3", result.stdout + result.stderr)

    def test_deleted_row_is_named(self):
        self.bench.add_user("pat", "packer")
        self.tamper("DELETE FROM audit WHERE seq = 4;")
        result = self.verify()
        self.assertEqual(result.returncode, 1)
        self.assertIn("row 4", result.stdout + result.stderr)

    def test_reordered_rows_are_found(self):
        self.bench.add_user("pat", "packer")
        self.tamper("UPDATE audit SET seq = -1 WHERE seq = 2;"
                    "UPDATE audit SET seq = 2 WHERE seq = 3;"
                    "UPDATE audit SET seq = 3 WHERE seq = -1;")
        result = self.verify()
        self.assertEqual(result.returncode, 1)
        self.assertIn("row 2", result.stdout + result.stderr)

    def test_cut_tail_is_found(self):
        self.bench.add_user("pat", "packer")
        count = int(self.bench.sql("SELECT max(seq) FROM audit;").stdout.strip().splitlines()[-1])
        self.tamper("DELETE FROM audit WHERE seq = %d;" % count)
        result = self.verify()
        self.assertEqual(result.returncode, 1)
        self.assertIn("missing", result.stderr)

    def test_plain_update_is_refused_by_the_store(self):
        result = self.bench.sql("UPDATE audit SET detail = 'x' WHERE seq = 1;")
        self.assertIn("append-only", result.stderr)

    def test_audit_filters(self):
        self.bench.add_user("pat", "packer")
        rows = json.loads(self.bench.ok(self.bench.as_user(
            "admin", "audit", "list", "--action", "login.", "--json")).stdout)
        self.assertTrue(rows)
        self.assertTrue(all(row["action"].startswith("login.") for row in rows))
        rows = json.loads(self.bench.ok(self.bench.as_user(
            "admin", "audit", "list", "--since", "2999-01-01", "--json")).stdout)
        self.assertEqual(rows, [])
        result = self.bench.as_user("admin", "audit", "list", "--since", "yesterday")
        self.assertEqual(result.returncode, 2)

    def test_forged_pending_events_are_refused(self):
        # Issue 15, item 1: anyone who can write the keyslot file (it is in
        # the clear) can add "pending events"; only denied logins at a
        # plausible time may reach the log, marked as from outside the store.
        created = self.bench.now
        self.bench.add_user("pat", "packer")
        self.bench.add_user("sue", "supervisor")
        self.bench.advance(60)
        attempt = self.bench.now
        self.assertEqual(self.bench.run("whoami", "--user", "pat",
                                        lines=["Wrong-Password-1!"]).returncode, 3)

        data = read_keyslots(self.bench)
        self.assertEqual(len(data["pending_events"]), 1)
        forged = [
            {"time": attempt, "action": "label.printed", "username": "pat",
             "outcome": "ok", "detail": "order=026-1111111-1111111"},
            {"time": created - 86400 * 30, "action": "access.reviewed", "username": "sue",
             "outcome": "ok", "detail": "operators=3"},
            {"time": attempt, "action": "order.recipient_viewed", "username": "sue",
             "outcome": "ok", "detail": "order=026-2222222-2222222"},
            {"time": attempt + 86400, "action": "login.failed", "username": "sue",
             "outcome": "denied", "detail": ""},
            {"time": created + 1, "action": "login.failed", "username": "sue",
             "outcome": "denied", "detail": ""},
        ]
        data["pending_events"].extend(forged)
        with open(keyslots_path(self.bench), "w") as handle:
            json.dump(data, handle)

        self.bench.advance(60)
        rows = json.loads(self.bench.ok(self.bench.as_user(
            "admin", "audit", "list", "--json")).stdout)
        actions = [row["action"] for row in rows]
        for action in ("label.printed", "access.reviewed", "order.recipient_viewed"):
            self.assertNotIn(action, actions)
        self.assertEqual([row for row in rows if row["operator"] == "sue"
                          and row["action"] == "login.failed"], [])

        outside = [row for row in rows if OUTSIDE_MARKER in row["detail"]]
        self.assertEqual([(row["operator"], row["action"], row["outcome"]) for row in outside],
                         [("pat", "login.failed", "denied")])
        refused = [row for row in rows if row["action"] == "keyslots.events_refused"]
        self.assertEqual(len(refused), 1)
        self.assertIn("events=5", refused[0]["detail"])
        self.assertEqual(read_keyslots(self.bench)["pending_events"], [])

        # The mark shows in the export and in verify, and the chain holds.
        export = os.path.join(self.bench.root, "audit.csv")
        self.bench.ok(self.bench.as_user("admin", "audit", "export", "--output", export))
        with open(export, newline="") as handle:
            exported = list(csv.DictReader(handle))
        self.assertEqual([(row["operator"], row["action"]) for row in exported
                          if OUTSIDE_MARKER in row["detail"]], [("pat", "login.failed")])
        result = self.bench.ok(self.verify())
        self.assertIn("intact", result.stdout)
        self.assertIn("1 of them", result.stdout)
        self.assertIn(OUTSIDE_MARKER, result.stdout)

    def test_packer_cannot_read_audit(self):
        self.bench.add_user("pat", "packer")
        self.assertEqual(self.bench.as_user("pat", "audit", "list").returncode, 4)


def audit_row_hash(prev_hash, seq, time_, fields):
    """The chain's hash as docs/SECURITY.md describes it, written again
    here: what an attacker with the key would compute."""
    canonical = "%s\n%d\n%d\n" % (prev_hash, seq, time_)
    for value in fields:
        data = (value or "").encode()
        canonical += "%d:%s\n" % (len(data), value or "")
    return hashlib.sha256(canonical.encode()).hexdigest()


class AuditAnchor(StoreTestCase):
    """audit anchor / audit verify --anchor (issue 15): a head kept outside
    the store catches a log rewritten by someone with the key."""

    HASH = "ab" * 32

    def anchor(self, user="admin"):
        result = self.bench.ok(self.bench.as_user(user, "audit", "anchor"))
        lines = result.stdout.splitlines()
        self.assertEqual(len(lines), 1, result.stdout)
        self.assertRegex(lines[0], r"^[0-9]+:[0-9a-f]{64}$")
        return lines[0]

    def verify(self, *args):
        return self.bench.as_user("admin", "audit", "verify", *args)

    def rows(self):
        result = self.bench.sql(".mode json\nSELECT seq, time, operator, action, subject,"
                                " outcome, detail FROM audit ORDER BY seq;")
        self.assertEqual(result.returncode, 0, result.stderr)
        # The shell answers "ok" to PRAGMA key before the rows.
        return json.loads(result.stdout[result.stdout.index("["):])

    def rewrite(self, sql):
        """Edits the log as someone holding the master key would, then
        rebuilds the whole chain and its head so plain verify passes."""
        result = self.bench.sql("DROP TRIGGER IF EXISTS audit_no_update;"
                                "DROP TRIGGER IF EXISTS audit_no_delete;" + sql)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertNotIn("Error", result.stderr)
        prev = "0" * 64
        updates = []
        for row in self.rows():
            digest = audit_row_hash(prev, row["seq"], row["time"],
                                    [row["operator"], row["action"], row["subject"],
                                     row["outcome"], row["detail"]])
            updates.append("UPDATE audit SET prev_hash = '%s', hash = '%s' WHERE seq = %d;"
                           % (prev, digest, row["seq"]))
            prev = digest
            head = row["seq"]
        updates.append("UPDATE meta SET value = '%d' WHERE key = 'audit_head_seq';" % head)
        updates.append("UPDATE meta SET value = '%s' WHERE key = 'audit_head_hash';" % prev)
        result = self.bench.sql("BEGIN;" + "\n".join(updates) + "COMMIT;")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertNotIn("Error", result.stderr)

    def test_anchor_verifies_at_once_and_after_more_work(self):
        self.bench.add_user("pat", "packer")
        anchor = self.anchor()
        seq = int(anchor.split(":")[0])
        # The printed head includes the row that records the anchor.
        rows = json.loads(self.bench.ok(self.bench.as_user(
            "admin", "audit", "list", "--action", "audit.anchored", "--json")).stdout)
        self.assertEqual([(row["seq"], row["operator"], row["detail"]) for row in rows],
                         [(seq, "admin", "seq=%d" % seq)])

        result = self.bench.ok(self.verify("--anchor", anchor))
        self.assertIn("intact", result.stdout)
        self.assertIn("anchor matches", result.stdout)

        self.bench.add_user("sue", "supervisor")
        self.bench.ok(self.bench.as_user("admin", "audit", "list"))
        result = self.bench.ok(self.verify("--anchor", anchor))
        self.assertIn("anchor matches", result.stdout)
        # An upper-case hash is the same anchor.
        self.bench.ok(self.verify("--anchor", anchor.upper()))

    def test_anchor_json(self):
        result = self.bench.ok(self.bench.as_user("admin", "audit", "anchor", "--json"))
        data = json.loads(result.stdout)
        self.assertEqual(data["anchor"], "%d:%s" % (data["seq"], data["hash"]))
        self.bench.ok(self.verify("--anchor", data["anchor"]))

    def test_rewritten_chain_passes_plain_verify_but_not_the_anchor(self):
        self.bench.add_user("pat", "packer")
        anchor = self.anchor()
        seq = int(anchor.split(":")[0])
        self.bench.add_user("sue", "supervisor")

        # Someone with a password and the disk rewrites row 3, before the
        # anchor, and recomputes every later hash.
        self.rewrite("UPDATE audit SET operator = 'someone' WHERE seq = 3;")
        result = self.bench.ok(self.verify())
        self.assertIn("intact", result.stdout)

        result = self.verify("--anchor", anchor)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn("REWRITTEN at or before row %d" % seq, result.stdout)
        self.assertIn("row %d" % seq, result.stderr)
        self.assertIn("rewritten", result.stderr)

    def test_edit_after_the_anchor_does_not_fail_it(self):
        anchor = self.anchor()
        seq = int(anchor.split(":")[0])
        self.bench.add_user("pat", "packer")
        self.rewrite("UPDATE audit SET operator = 'someone' WHERE seq = %d;" % (seq + 1))
        # The anchor vouches for rows up to SEQ only; later rows need a
        # later anchor.
        self.bench.ok(self.verify("--anchor", anchor))

    def test_log_rolled_back_before_the_anchor(self):
        for name in ("pat", "sam", "sid"):
            self.bench.add_user(name, "packer")
        anchor = self.anchor()
        seq = int(anchor.split(":")[0])
        self.assertGreater(seq, 8)

        # Cut back to the first two rows and make the head agree.
        self.rewrite("DELETE FROM audit WHERE seq > 2;")
        result = self.bench.ok(self.verify())
        self.assertIn("intact", result.stdout)

        result = self.verify("--anchor", anchor)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn("TRUNCATED before row %d" % seq, result.stdout)
        self.assertIn("beyond the log", result.stderr)

    def test_log_cut_from_the_anchored_row(self):
        self.bench.add_user("pat", "packer")
        anchor = self.anchor()
        seq = int(anchor.split(":")[0])
        self.bench.add_user("sue", "supervisor")
        # Rows from SEQ on are gone; the logins since may have filled the
        # numbers again, with other rows. Either way the anchor fails.
        self.rewrite("DELETE FROM audit WHERE seq >= %d;" % seq)
        self.bench.ok(self.verify())
        result = self.verify("--anchor", anchor)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertRegex(result.stdout,
                         r"(REWRITTEN at or before|TRUNCATED before) row %d" % seq)

    def test_broken_chain_is_reported_before_the_anchor(self):
        anchor = self.anchor()
        result = self.bench.sql("DROP TRIGGER IF EXISTS audit_no_update;"
                                "UPDATE audit SET operator = 'x' WHERE seq = 2;")
        self.assertEqual(result.returncode, 0, result.stderr)
        result = self.verify("--anchor", anchor)
        self.assertEqual(result.returncode, 1)
        self.assertIn("BROKEN at row 2", result.stdout)
        # No anchor is taken of a broken log.
        result = self.bench.as_user("admin", "audit", "anchor")
        self.assertEqual(result.returncode, 1)
        self.assertEqual(result.stdout, "")
        self.assertIn("No anchor", result.stderr)

    def test_bad_anchors(self):
        cases = {
            "": "SEQ:HASH",
            "12": "SEQ:HASH",
            "x:y": "sequence number",
            "5:zz": "64 hexadecimal",
            "5:" + "g" * 64: "64 hexadecimal",
            "5:" + "a" * 63: "64 hexadecimal",
            "-3:" + self.HASH: "sequence number",
            "0:" + self.HASH: "sequence number",
            " 5:" + self.HASH: "sequence number",
            "99999999999999999999:" + self.HASH: "sequence number",
        }
        for text, message in cases.items():
            with self.subTest(anchor=text):
                result = self.verify("--anchor=" + text)
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertIn(message, result.stderr)
                self.assertEqual(result.stdout, "")
        # A well-formed anchor that never existed fails as beyond the log.
        result = self.verify("--anchor", "999999:" + self.HASH)
        self.assertEqual(result.returncode, 1)
        self.assertIn("TRUNCATED before row 999999", result.stdout)
        # --anchor belongs to verify.
        result = self.bench.as_user("admin", "audit", "list", "--anchor", "1:" + self.HASH)
        self.assertEqual(result.returncode, 2)

    def test_help_says_what_to_do_with_the_anchor(self):
        result = self.bench.ok(self.bench.run("audit", "--help"))
        self.assertIn("audit anchor", result.stdout)
        self.assertIn("--anchor", result.stdout)
        self.assertIn("outside this computer", result.stdout)

    def test_packer_cannot_anchor_or_verify(self):
        self.bench.add_user("pat", "packer")
        result = self.bench.as_user("pat", "audit", "anchor")
        self.assertEqual(result.returncode, 4)
        self.assertEqual(result.stdout, "")
        anchor = self.anchor()
        self.assertEqual(self.bench.as_user("pat", "audit", "verify", "--anchor",
                                            anchor).returncode, 4)
        self.bench.add_user("sue", "supervisor")
        self.anchor("sue")


class BadInput(StoreTestCase):
    """Each: a specific message, a non-zero exit, nothing changed."""

    def snapshot(self):
        return {p: open(p, "rb").read() for p in self.bench.store_files()
                if not p.endswith(".lock")}

    def keyslots(self):
        return os.path.join(self.bench.dir, "keyslots.json")

    def database(self):
        return os.path.join(self.bench.dir, "packbench.db")

    def test_no_store(self):
        other = Bench(self)
        result = other.run("whoami", "--user", "admin", lines=[ADMIN_PASSWORD])
        self.assertEqual(result.returncode, 1)
        self.assertIn("There is no store", result.stderr)
        self.assertIn("init", result.stderr)

    def test_missing_keyslot_file(self):
        os.unlink(self.keyslots())
        before = self.snapshot()
        result = self.bench.as_user("admin", "whoami")
        self.assertEqual(result.returncode, 1)
        self.assertIn("keyslot file", result.stderr)
        self.assertIn("missing", result.stderr)
        self.assertEqual(before, self.snapshot())

    def test_truncated_keyslot_file(self):
        data = open(self.keyslots(), "rb").read()
        open(self.keyslots(), "wb").write(data[:len(data) // 2])
        before = self.snapshot()
        result = self.bench.as_user("admin", "whoami")
        self.assertEqual(result.returncode, 1)
        self.assertIn("damaged", result.stderr)
        self.assertEqual(before, self.snapshot())

    def test_garbled_keyslot_file(self):
        data = bytearray(open(self.keyslots(), "rb").read())
        for i in range(0, len(data), 7):
            data[i] = (data[i] * 31 + 17) % 256
        open(self.keyslots(), "wb").write(bytes(data))
        before = self.snapshot()
        result = self.bench.as_user("admin", "whoami")
        self.assertEqual(result.returncode, 1)
        self.assertIn("damaged", result.stderr)
        self.assertEqual(before, self.snapshot())

    def test_corrupted_database(self):
        data = bytearray(open(self.database(), "rb").read())
        for i in range(4096 + 100, 4096 + 400):
            data[i] ^= 0x5A
        open(self.database(), "wb").write(bytes(data))
        before = self.snapshot()
        result = self.bench.as_user("admin", "whoami")
        self.assertEqual(result.returncode, 1)
        self.assertIn("damaged", result.stderr)
        self.assertIn("backup", result.stderr)
        self.assertEqual(before, self.snapshot())

    def test_truncated_database(self):
        self.bench.add_user("pat", "packer", full_name="Pat " * 500)
        data = open(self.database(), "rb").read()
        self.assertGreater(len(data), 8192)
        open(self.database(), "wb").write(data[:len(data) // 2 + 100])
        before = self.snapshot()
        result = self.bench.as_user("admin", "whoami")
        self.assertEqual(result.returncode, 1)
        self.assertIn("damaged", result.stderr)
        self.assertEqual(before, self.snapshot())

    def test_database_from_another_store(self):
        other = Bench(self)
        other.init()
        shutil.copy(os.path.join(other.dir, "packbench.db"), self.database())
        before = self.snapshot()
        result = self.bench.as_user("admin", "whoami")
        self.assertEqual(result.returncode, 1)
        self.assertIn("another store", result.stderr)
        self.assertEqual(before, self.snapshot())

    def test_full_disk_while_writing_keyslots(self):
        self.bench.add_user("pat", "packer")
        before_slots = open(self.keyslots(), "rb").read()
        limit = len(before_slots) - 64

        def small_files():
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

        lines = self.bench.login_lines("admin") + ["Violet-Harbour-77!"]
        result = subprocess.run(
            [os.environ["PACKBENCHCTL"], "--store", self.bench.dir, "user", "passwd", "pat",
             "--user", "admin"],
            input="\n".join(lines) + "\n", capture_output=True, text=True, timeout=60,
            env=self.bench.env(), preexec_fn=small_files)
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertTrue("disk" in result.stderr.lower() or "write" in result.stderr.lower(),
                        result.stderr)
        self.assertEqual(before_slots, open(self.keyslots(), "rb").read())
        leftovers = [p for p in os.listdir(self.bench.dir) if p.startswith("keyslots.json.")]
        self.assertEqual(leftovers, [])
        # The old password still works; the new one does not.
        self.bench.ok(self.bench.as_user("pat", "whoami"))
        self.assertEqual(self.bench.as_user("pat", "whoami",
                                            password="Violet-Harbour-77!").returncode, 3)


FIXTURE3 = os.path.join(os.environ["PB_SOURCE_ROOT"], "tests", "fixtures", "sqlcipher3-store")
FORENSIC = os.path.join(os.environ["PB_SOURCE_ROOT"], "tests", "tools", "forensic-scan.py")


class SqlCipher3Migration(unittest.TestCase):
    """A store that Packbench wrote on SQLCipher 3.4.1 (Debian 12's; the
    fixture's README says how it was made) opens on SQLCipher 4: rewritten
    in 4's format on its first open, the old file shredded, nothing lost."""

    def setUp(self):
        with open(os.path.join(FIXTURE3, "fixture.json")) as handle:
            self.fixture = json.load(handle)
        self.markers = self.fixture["markers"]
        self.bench = Bench(self)
        shutil.copytree(FIXTURE3, self.bench.dir, ignore=shutil.ignore_patterns("*.json", "*.md"))
        shutil.copy(os.path.join(FIXTURE3, "keyslots.json"), self.bench.dir)
        os.chmod(self.bench.dir, 0o700)
        admin = self.fixture["admin"]
        self.bench.passwords["admin"] = admin["password"]
        self.bench.secrets["admin"] = admin["totp_secret"]
        # Its codes of the day it was made have been used: log in later.
        self.bench.now = max(self.bench.now, admin["last_login"] + 60)

    def shell(self, sql, compatibility=None):
        """The sqlcipher shell on the store, with SQLCipher 4's defaults or
        with another version's settings."""
        pragma = "PRAGMA cipher_compatibility = %d;\n" % compatibility if compatibility else ""
        return self.bench.sql(pragma + sql)

    def test_fixture_is_in_sqlcipher3_format(self):
        """The control: 4's defaults cannot read it, 3's can."""
        self.assertEqual(self.fixture["sqlcipher"], "3.4.1")
        as4 = self.shell("SELECT count(*) FROM operators;")
        self.assertIn("not a database", as4.stderr)
        as3 = self.shell("SELECT count(*) FROM operators;", compatibility=3)
        self.assertEqual(as3.stdout.strip().splitlines()[-1], "2", as3.stderr)

    def test_first_open_migrates_and_keeps_everything(self):
        result = self.bench.ok(self.bench.as_user("admin", "whoami"))
        self.assertEqual(result.stdout.strip(), "admin admin")

        # SQLCipher 4's format: 4's defaults read it, and they are its settings.
        check = self.shell("PRAGMA cipher_page_size;\nPRAGMA cipher_hmac_algorithm;\n"
                           "PRAGMA cipher_kdf_algorithm;\nSELECT count(*) FROM operators;")
        self.assertEqual(check.returncode, 0, check.stderr)
        self.assertNotIn("Error", check.stderr)
        lines = check.stdout.split()
        self.assertEqual(lines[-4:], ["4096", "HMAC_SHA512", "PBKDF2_HMAC_SHA512", "2"], check.stdout)
        self.assertIn("not a database",
                      self.shell("SELECT count(*) FROM operators;", compatibility=3).stderr)

        # Nothing lost, read through the app: the order's recipient, the
        # packer's name, the secret, the audit log and its chain.
        order = json.loads(self.bench.ok(self.bench.as_user(
            "admin", "orders", "show", self.fixture["order_id"], "--json")).stdout)
        text = json.dumps(order)
        for field in ("name", "line1", "city", "phone"):
            self.assertIn(self.markers[field], text, field)
        users = json.loads(self.bench.ok(self.bench.as_user("admin", "user", "list",
                                                            "--json")).stdout)
        self.assertIn(self.markers["packer"], [user.get("full_name") for user in users])
        secret = self.shell("SELECT value FROM settings WHERE key = 'amazon.refresh_token';")
        self.assertIn(self.markers["secret"], secret.stdout)
        verify = self.bench.ok(self.bench.as_user("admin", "audit", "verify"))
        self.assertIn("intact", verify.stdout)
        audit = json.loads(self.bench.ok(self.bench.as_user(
            "admin", "audit", "list", "--json", "--action", "store.migrated")).stdout)
        self.assertEqual(len(audit), 1, audit)
        self.assertEqual(audit[0]["operator"], "system")
        self.assertIn("SQLCipher 3", audit[0]["detail"])
        self.assertIn("SQLCipher 4", audit[0]["detail"])
        earlier = json.loads(self.bench.ok(self.bench.as_user(
            "admin", "audit", "list", "--json", "--action", "sync.completed")).stdout)
        self.assertEqual(len(earlier), 1, "the audit rows written on 3.4.1 are kept")

        # The old file is gone, and no marker is in any plain byte of the folder.
        self.assertEqual(sorted(os.listdir(self.bench.dir)),
                         ["keyslots.json", "packbench.db", "packbench.lock"])
        for name in os.listdir(self.bench.dir):
            with open(os.path.join(self.bench.dir, name), "rb") as handle:
                data = handle.read()
            for marker in self.markers.values():
                self.assertNotIn(marker.encode(), data, name)
                self.assertNotIn(marker.encode("utf-16-le"), data, name)

        # The forensic scanner decrypts the new file as SQLCipher 4's
        # defaults and finds the markers (the positive control) there.
        args = ["/usr/bin/python3", FORENSIC, "--key", self.bench.master_key(), "--json"]
        for marker in self.markers.values():
            args += ["--marker", marker]
        scan = subprocess.run(args + [os.path.join(self.bench.dir, "packbench.db")],
                              capture_output=True, text=True, timeout=120)
        report = json.loads(scan.stdout)
        self.assertEqual(report["errors"], [], scan.stderr)
        self.assertEqual({entry["profile"] for entry in report["files"]},
                         {"SQLCipher 4 defaults"})
        found = {hit["marker"] for hit in report["hits"]}
        self.assertIn(self.markers["packer"], found)

    def test_second_open_does_not_migrate_again(self):
        self.bench.ok(self.bench.as_user("admin", "whoami"))
        before = open(os.path.join(self.bench.dir, "packbench.db"), "rb").read(64)
        self.bench.ok(self.bench.as_user("admin", "whoami"))
        self.assertEqual(open(os.path.join(self.bench.dir, "packbench.db"), "rb").read(64), before)
        audit = json.loads(self.bench.ok(self.bench.as_user(
            "admin", "audit", "list", "--json", "--action", "store.migrated")).stdout)
        self.assertEqual(len(audit), 1)

    def test_interrupted_migration_starts_again(self):
        """A crash between putting the old file aside and the new one in its
        place: the old one goes back and the migration runs again."""
        db = os.path.join(self.bench.dir, "packbench.db")
        os.rename(db, db + ".sqlcipher3-old")
        with open(db + ".sqlcipher4-new", "wb") as handle:
            handle.write(b"half-written")
        self.bench.ok(self.bench.as_user("admin", "whoami"))
        self.assertEqual(sorted(os.listdir(self.bench.dir)),
                         ["keyslots.json", "packbench.db", "packbench.lock"])
        check = self.shell("SELECT count(*) FROM operators;")
        self.assertEqual(check.stdout.split()[-1], "2", check.stderr)

    def test_another_stores_sqlcipher3_file_is_still_refused(self):
        other = Bench(self)
        other.init()
        shutil.copy(os.path.join(FIXTURE3, "packbench.db"), os.path.join(other.dir, "packbench.db"))
        result = other.as_user("admin", "whoami")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("keyslot", result.stderr)
        with open(os.path.join(FIXTURE3, "packbench.db"), "rb") as original, \
                open(os.path.join(other.dir, "packbench.db"), "rb") as kept:
            self.assertEqual(original.read(), kept.read(), "a refused file is left untouched")


if __name__ == "__main__":
    unittest.main(verbosity=2)
