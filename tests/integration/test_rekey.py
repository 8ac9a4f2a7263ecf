# SPDX-License-Identifier: GPL-3.0-or-later
"""Re-keying (issue 15, item 3): a removed operator's old password, with an
old keyslot file or an old backup, must not open the store or any backup
after `packbenchctl rekey`; everyone still there, and the new recovery
code, must. A crash at every step leaves a store the remaining operators
open. A restore needs an administrator of the live store and keeps the
live audit log."""

import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import unittest

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from pbtest import ADMIN_PASSWORD, CTL, UNWRAP, Bench, secret_from_uri

FAULT_EXIT = 99


def unwrap(keyslots, user, password):
    """The master key from a keyslot file, by the independent implementation
    of the documented format; None when the slot does not open."""
    result = subprocess.run(["/usr/bin/python3", UNWRAP, keyslots, user],
                            input=password + "\n", capture_output=True, text=True, timeout=180)
    return result.stdout.strip() if result.returncode == 0 else None


def read(path, mode="rb"):
    with open(path, mode) as handle:
        return handle.read()


def keys_of(path):
    """What a re-key changes in a keyslot file: the public keys and seals
    (failure counts and pending login events aside)."""
    document = json.loads(read(path))
    return ({s["username"]: (s.get("public_key"), json.dumps(s.get("seal")))
             for s in document["slots"]}, "pending_recovery" in document)


def opens(db, key):
    """Whether a SQLCipher file opens with a raw key, by Debian's shell."""
    script = "PRAGMA key = \"x'%s'\";\nSELECT count(*) FROM sqlite_master;\n" % key
    result = subprocess.run(["sqlcipher", db], input=script, capture_output=True, text=True,
                            timeout=180)
    return result.returncode == 0 and "not a database" not in result.stderr + result.stdout


class RekeyTestCase(unittest.TestCase):
    def setUp(self):
        self.bench = Bench(self)
        self.bench.init()
        self.backups = os.path.join(self.bench.root, "backups")
        self.bench.ok(self.bench.as_user("admin", "config", "set", "backup.folder", self.backups))
        self.bench.add_user("eve", "admin")
        self.bench.add_user("pat", "packer")
        self.slots = os.path.join(self.bench.dir, "keyslots.json")
        self.db = os.path.join(self.bench.dir, "packbench.db")

    def backup(self):
        result = self.bench.ok(self.bench.as_user("admin", "backup"))
        return result.stdout.strip().split("Backup: ")[1]

    def rekey(self, user="admin", env=None):
        return self.bench.as_user(user, "rekey", env=env)

    def recovery_code(self, result):
        lines = [l for l in result.stdout.splitlines() if l.startswith("Recovery code: ")]
        self.assertEqual(len(lines), 1, result.stdout)
        return lines[0][len("Recovery code: "):]

    def assert_logs_in(self, user):
        self.bench.ok(self.bench.as_user(user, "whoami"))

    def recover(self, code, password="Brand-New-Secret-7!"):
        return self.bench.run("recover", "--admin", "admin", lines=[code, password])


class Rekey(RekeyTestCase):
    def test_former_admin_keeps_nothing(self):
        old_backup = self.backup()
        old_slots = os.path.join(self.bench.root, "eve-kept-keyslots.json")
        shutil.copy(self.slots, old_slots)
        old_key = unwrap(old_slots, "eve", self.bench.passwords["eve"])
        self.assertIsNotNone(old_key)
        old_recovery = self.bench.recovery

        result = self.bench.ok(self.bench.as_user("admin", "user", "disable", "eve"))
        self.assertIn("packbenchctl rekey", result.stderr)
        result = self.bench.ok(self.rekey())
        new_code = self.recovery_code(result)
        self.assertIn("Backups re-keyed: 1;", result.stderr)

        # Eve's old password and the keyslot file she kept: the key it
        # gives no longer opens today's database, nor today's backup.
        self.assertEqual(unwrap(old_slots, "eve", self.bench.passwords["eve"]), old_key)
        self.assertFalse(opens(self.db, old_key))
        self.assertFalse(opens(os.path.join(old_backup, "packbench.db"), old_key))
        # Put her old keyslot file beside today's database: no login.
        planted = os.path.join(self.bench.root, "planted")
        os.mkdir(planted, 0o700)
        shutil.copy(self.db, planted)
        shutil.copy(old_slots, os.path.join(planted, "keyslots.json"))
        result = subprocess.run([CTL, "--store", planted, "whoami", "--user", "eve"],
                                input=self.bench.passwords["eve"] + "\n", capture_output=True,
                                text=True, timeout=180, env=self.bench.env())
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("cannot be opened", result.stderr)
        # The backup made before the re-key has the new key and the new
        # keyslot file: Eve has no slot in it any more.
        self.assertIsNone(unwrap(os.path.join(old_backup, "keyslots.json"), "eve",
                                 self.bench.passwords["eve"]))
        new_key = unwrap(self.slots, "admin", ADMIN_PASSWORD)
        self.assertNotEqual(new_key, old_key)
        self.assertEqual(unwrap(os.path.join(old_backup, "keyslots.json"), "admin",
                                ADMIN_PASSWORD), new_key)
        self.assertTrue(opens(os.path.join(old_backup, "packbench.db"), new_key))
        # A backup made after the re-key: not Eve's either.
        new_backup = self.backup()
        self.assertIsNone(unwrap(os.path.join(new_backup, "keyslots.json"), "eve",
                                 self.bench.passwords["eve"]))
        self.assertFalse(opens(os.path.join(new_backup, "packbench.db"), old_key))

        # Everyone still here logs in; the backups still purge.
        self.assert_logs_in("admin")
        self.assert_logs_in("pat")
        purge = json.loads(self.bench.ok(self.bench.as_user("admin", "purge", "--json")).stdout)
        self.assertEqual(purge["backups_failed"], 0)

        # The old recovery code is dead; the new one works.
        result = self.recover(old_recovery)
        self.assertEqual(result.returncode, 3)
        self.assertIn("Wrong recovery code", result.stderr)
        result = self.bench.ok(self.recover(new_code))
        uri = [l for l in result.stdout.splitlines() if l.startswith("TOTP: ")][0]
        self.bench.secrets["admin"] = secret_from_uri(uri[6:])
        self.bench.passwords["admin"] = "Brand-New-Secret-7!"
        self.assert_logs_in("admin")

        rows = json.loads(self.bench.ok(self.bench.as_user(
            "admin", "audit", "list", "--action", "store.rekeyed", "--json")).stdout)
        self.assertEqual(len(rows), 1)
        self.bench.ok(self.bench.as_user("admin", "audit", "verify"))

    def test_stale_and_foreign_backups(self):
        """A backup copied back from before a re-key opens with no key of the
        store: the next re-key shreds it. Another bench's backup in a shared
        backup folder is left alone."""
        old_backup = self.backup()
        kept = os.path.join(self.bench.root, "offsite")
        shutil.copytree(old_backup, kept)
        self.bench.ok(self.rekey())
        shutil.rmtree(old_backup)
        shutil.copytree(kept, old_backup)

        other = Bench(self)
        other.init()
        other.ok(other.as_user("admin", "config", "set", "backup.folder", self.backups))
        other.advance(3 * 3600)  # never the same second as this bench's backups
        foreign = other.ok(other.as_user("admin", "backup")).stdout.strip().split("Backup: ")[1]
        foreign_bytes = read(os.path.join(foreign, "packbench.db"))

        result = self.bench.ok(self.rekey())
        self.assertIn("stale backups deleted: 1.", result.stderr)
        self.assertFalse(os.path.exists(old_backup))
        self.assertEqual(read(os.path.join(foreign, "packbench.db")), foreign_bytes)
        other.ok(other.as_user("admin", "whoami"))
        rows = json.loads(self.bench.ok(self.bench.as_user(
            "admin", "audit", "list", "--action", "backup.deleted", "--json")).stdout)
        self.assertEqual([row["subject"] for row in rows], [os.path.basename(old_backup)])

    def test_wrong_password_changes_nothing(self):
        before = keys_of(self.slots)
        key = unwrap(self.slots, "pat", self.bench.passwords["pat"])
        result = self.bench.as_user("admin", "rekey", password="Wrong-Password-1!")
        self.assertEqual(result.returncode, 3)
        self.assertIn("Wrong username or password", result.stderr)
        # The failed login is counted; nothing else changed.
        self.assertEqual(keys_of(self.slots), before)
        self.assertEqual(unwrap(self.slots, "pat", self.bench.passwords["pat"]), key)
        self.assert_logs_in("pat")

    def test_only_an_administrator_may_rekey(self):
        self.bench.add_user("sue", "supervisor")
        before = read(self.slots)
        result = self.rekey("sue")
        self.assertEqual(result.returncode, 4)
        self.assertEqual(read(self.slots), before)

    def test_slot_of_the_old_format(self):
        """A slot written before format 2 (found in a store from an older
        version) is upgraded at its owner's next login; one whose owner has
        not logged in since cannot be re-keyed and goes, in words."""
        key = bytes.fromhex(unwrap(self.slots, "admin", ADMIN_PASSWORD))
        document = json.loads(read(self.slots))
        store_id = document["store_id"]
        for slot in document["slots"]:
            if slot["username"] not in ("pat", "eve"):
                continue
            password = self.bench.passwords[slot["username"]]
            salt = base64.b64decode(slot["kdf"]["salt"])
            kdf = slot["kdf"]
            kek = hashlib.scrypt(password.encode(), salt=salt, n=kdf["n"], r=kdf["r"],
                                 p=kdf["p"], maxmem=2 ** 28, dklen=32)
            nonce = os.urandom(12)
            aad = ("packbench-keyslot-v1|%s|operator|%s" % (store_id, slot["username"])).encode()
            sealed = AESGCM(kek).encrypt(nonce, key, aad)
            for member in ("public_key", "mac", "seal"):
                del slot[member]
            slot["nonce"] = base64.b64encode(nonce).decode()
            slot["ciphertext"] = base64.b64encode(sealed[:32]).decode()
            slot["tag"] = base64.b64encode(sealed[32:]).decode()
        with open(self.slots, "w") as handle:
            json.dump(document, handle)

        # Pat logs in: the slot becomes format 2. Eve does not.
        self.assert_logs_in("pat")
        document = json.loads(read(self.slots))
        kinds = {s["username"]: "public_key" in s for s in document["slots"]}
        self.assertEqual(kinds, {"admin": True, "eve": False, "pat": True, "@recovery": True})

        result = self.bench.ok(self.rekey())
        self.assertIn("eve had not logged in", result.stderr)
        self.assertIn("packbenchctl user passwd eve", result.stderr)
        self.assert_logs_in("pat")
        self.assertEqual(self.bench.as_user("eve", "whoami").returncode, 3)
        # An administrator gives Eve her way back in.
        self.bench.ok(self.bench.as_user("admin", "user", "passwd", "eve",
                                         extra_lines=["Temporary-Pass-2!"]))
        self.bench.ok(self.bench.as_user("eve", "whoami", password="Temporary-Pass-2!",
                                         extra_lines=["Fresh-Lantern-77-Sky!"]))


POINTS = ["rekey.after-seals", "rekey.after-one-backup", "rekey.after-backups",
          "rekey.after-database", "rekey.after-finish"]


class Crash(RekeyTestCase):
    def test_crash_at_every_step(self):
        """Power lost at each step of a re-key: the remaining operators log
        in, the audit log verifies, and running the re-key again finishes
        with every backup under the new key."""
        self.backup()
        self.bench.advance(2)
        self.backup()
        self.bench.ok(self.bench.as_user("admin", "user", "disable", "eve"))
        pristine = os.path.join(self.bench.root, "pristine")
        shutil.copytree(self.bench.root, pristine, ignore=shutil.ignore_patterns("pristine"))
        for point in POINTS:
            with self.subTest(point=point):
                # Each point starts from the same store and backups.
                for name in ("store", "backups"):
                    shutil.rmtree(os.path.join(self.bench.root, name))
                    shutil.copytree(os.path.join(pristine, name),
                                    os.path.join(self.bench.root, name))
                result = self.rekey(env={"PACKBENCH_FAULT": point})
                self.assertEqual(result.returncode, FAULT_EXIT, result.stderr)
                self.assert_logs_in("pat")
                self.assert_logs_in("admin")
                self.assertEqual(self.bench.as_user("eve", "whoami").returncode, 3)
                self.bench.ok(self.bench.as_user("admin", "audit", "verify"))

                result = self.bench.ok(self.rekey())
                self.recovery_code(result)
                self.assert_logs_in("pat")
                key = unwrap(self.slots, "pat", self.bench.passwords["pat"])
                for backup in sorted(os.listdir(self.backups)):
                    folder = os.path.join(self.backups, backup)
                    self.assertTrue(opens(os.path.join(folder, "packbench.db"), key), backup)
                    self.assertEqual(unwrap(os.path.join(folder, "keyslots.json"), "pat",
                                            self.bench.passwords["pat"]), key)
                self.assertEqual(len(os.listdir(self.backups)), 2)
                document = json.loads(read(self.slots))
                self.assertNotIn("pending_recovery", document)
                self.assertFalse(any("next_seal" in s for s in document["slots"]))


class Restore(RekeyTestCase):
    def test_restore_needs_an_administrator_of_the_live_store(self):
        backup = self.backup()
        self.bench.add_user("sue", "supervisor")
        before = sorted(os.listdir(self.bench.dir))
        result = self.bench.as_user("sue", "restore", backup)
        self.assertEqual(result.returncode, 4)
        self.assertIn("Not permitted", result.stderr)

        # Eve is an administrator in the backup but no longer here.
        self.bench.ok(self.bench.as_user("admin", "user", "disable", "eve"))
        result = self.bench.as_user("eve", "restore", backup)
        self.assertEqual(result.returncode, 3)
        self.assertIn("an account that exists only in the backup cannot restore it",
                      result.stderr)
        self.assertEqual(sorted(os.listdir(self.bench.dir)), before)
        self.assertEqual(self.bench.as_user("eve", "whoami").returncode, 3)

    def test_restore_keeps_the_live_audit_log(self):
        backup = self.backup()
        self.bench.advance(60)
        self.bench.add_user("later", "packer")
        self.bench.ok(self.bench.as_user("admin", "user", "disable", "eve"))
        live = json.loads(self.bench.ok(self.bench.as_user(
            "admin", "audit", "list", "--json")).stdout)

        result = self.bench.ok(self.bench.as_user("admin", "restore", backup))
        self.assertIn("Restored", result.stdout)
        rows = json.loads(self.bench.ok(self.bench.as_user(
            "admin", "audit", "list", "--json")).stdout)
        seqs = [row["seq"] for row in rows]
        for row in live:
            self.assertIn(row["seq"], seqs)
        actions = [row["action"] for row in rows]
        self.assertIn("store.restored", actions)
        disabled = [row for row in rows if row["action"] == "operator.disabled"]
        self.assertEqual([row["subject"] for row in disabled], ["eve"])
        result = self.bench.ok(self.bench.as_user("admin", "audit", "verify"))
        self.assertIn("intact", result.stdout)
        # The live keyslot file stayed: Eve, disabled since the backup,
        # does not come back with it.
        self.assertEqual(self.bench.as_user("eve", "whoami").returncode, 3)
        self.assert_logs_in("pat")

    def test_backup_from_before_a_rekey_is_refused(self):
        backup = self.backup()
        kept = os.path.join(self.bench.root, "offsite")
        shutil.copytree(backup, kept)
        self.bench.ok(self.bench.as_user("admin", "user", "disable", "eve"))
        self.bench.ok(self.rekey())
        before = read(self.slots)
        result = self.bench.as_user("admin", "restore", kept)
        self.assertEqual(result.returncode, 1)
        self.assertIn("made before the store was re-keyed", result.stderr)
        self.assertEqual(read(self.slots), before)
        self.assert_logs_in("pat")


if __name__ == "__main__":
    unittest.main(verbosity=2)
