# SPDX-License-Identifier: GPL-3.0-or-later
"""Retention you can prove: purge, backups, restore and wipe, with
distinctive markers in every PII field and a forensic scan of every page of
the store and its backups."""

import copy
import sys
import datetime
import json
import os
import shutil
import subprocess
import tempfile
import unittest

from pbtest import Bench
from spapi import SpApi

FORENSIC = os.path.join(os.environ["PB_SOURCE_ROOT"], "tests", "tools", "forensic-scan.py")
DAY = 86400


def stamp(text):
    return int(datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=datetime.timezone.utc).timestamp())


def markers(tag):
    """One distinctive marker per PII field of an order."""
    return {field: "PBMARK%s%s" % (tag, field.upper()) for field in
            ("name", "company", "line1", "line2", "city", "county", "postcode", "phone",
             "instructions", "gift")}


CANARY = "PBCANARYSTAGINGLEFTOVER"
VICTIM = b"victim: must stay byte for byte\n"


class Leftovers:
    """An interrupted backup and failed restores (copies of the store with a
    plaintext canary), and symbolic links to a victim outside the folder."""

    def __init__(self, case):
        self.case = case
        bench = case.bench
        case.add_order("026-0000008-0000008", "L", deliver_days=5)
        case.sync()
        result = bench.ok(bench.as_user("admin", "backup"))
        backup = result.stdout.strip().split("Backup: ")[1]
        self.partial = os.path.join(case.backups, ".packbench-backup-20200101T000000Z.partial")
        os.rename(backup, self.partial)
        self.restore = os.path.join(case.backups, ".packbench-restore-abc123")
        shutil.copytree(self.partial, self.restore)
        self.beside = os.path.join(bench.root, ".packbench-restore-def456")
        shutil.copytree(self.partial, self.beside)
        self.folders = [self.partial, self.restore, self.beside]

        # A descriptor on each file shows afterwards what its blocks hold.
        self.held = []
        for folder in self.folders:
            with open(os.path.join(folder, "canary"), "w") as handle:
                handle.write(CANARY * 8)
            for name in ("canary", "packbench.db", "keyslots.json"):
                path = os.path.join(folder, name)
                with open(path, "rb") as handle:
                    original = handle.read()
                fd = os.open(path, os.O_RDONLY)
                case.addCleanup(os.close, fd)
                self.held.append((path, fd, original))

        outside = os.path.join(bench.root, "outside")
        os.mkdir(outside)
        self.victims = []
        for name in ("victim", "keyslots.json", "packbench.db"):
            path = os.path.join(outside, name)
            with open(path, "wb") as handle:
                handle.write(VICTIM)
            self.victims.append(path)
        victim = self.victims[0]
        self.links = [
            (os.path.join(case.backups, "link-to-victim"), victim),
            (os.path.join(case.backups, ".packbench-backup-20200102T000000Z.partial"), victim),
            (os.path.join(case.backups, ".packbench-restore-link"), outside),
            (os.path.join(case.backups, "packbench-backup-20200103T000000Z"), outside),
            (os.path.join(self.partial, "link-inside"), victim),
        ]
        for link, target in self.links:
            os.symlink(target, link)

    def assert_gone(self):
        case = self.case
        for folder in self.folders:
            case.assertFalse(os.path.lexists(folder), folder)
        for link, _ in self.links:
            case.assertFalse(os.path.lexists(link), link)
        for victim in self.victims:
            with open(victim, "rb") as handle:
                case.assertEqual(handle.read(), VICTIM, victim)
        for path, fd, original in self.held:
            now = os.pread(fd, len(original) + 1, 0)
            case.assertEqual(len(now), len(original), path)
            case.assertNotEqual(now[:64], original[:64], "%s was not overwritten" % path)
            case.assertNotIn(CANARY.encode(), now)
        # No canary in anything left in the backup folder or beside the store.
        for top in (case.backups, case.bench.root):
            for folder, _, files in os.walk(top):
                for name in files:
                    path = os.path.join(folder, name)
                    if os.path.islink(path):
                        continue
                    with open(path, "rb") as handle:
                        case.assertNotIn(CANARY.encode(), handle.read(), path)


class RetentionTestCase(unittest.TestCase):
    def setUp(self):
        self.api = SpApi(self, orders=3)
        self.bench = Bench(self)
        self.bench.init()
        self.backups = os.path.join(self.bench.root, "backups")
        pairs, secrets = self.api.settings()
        args = []
        for key, value in pairs + [("backup.folder", self.backups)]:
            args += [key, value]
        self.bench.ok(self.bench.as_user("admin", "config", "set", *args, extra_lines=secrets))
        self.template = self.api.control(
            "GET", "/_test/orders/" + self.api.orders()[0]["orderId"])["order"]

    def add_order(self, order_id, tag, deliver_days=3, postcode=None):
        """An order whose every PII field carries a marker (the postcode a
        real but unusual one when the order must be shippable)."""
        order = copy.deepcopy(self.template)
        mark = markers(tag)
        if postcode is not None:
            mark["postcode"] = postcode
        order["orderId"] = order_id
        order.pop("orderAliases", None)
        address = order["recipient"]["deliveryAddress"]
        address.update({"name": mark["name"], "companyName": mark["company"],
                        "addressLine1": mark["line1"], "addressLine2": mark["line2"],
                        "city": mark["city"], "districtOrCounty": mark["county"],
                        "postalCode": mark["postcode"], "phone": mark["phone"]})
        order["recipient"]["deliveryPreference"] = {"addressInstruction": mark["instructions"]}
        order["fulfillment"]["fulfillmentStatus"] = "UNSHIPPED"
        now = datetime.datetime.now(datetime.timezone.utc)
        latest = (now + datetime.timedelta(days=deliver_days)).strftime("%Y-%m-%dT%H:%M:%SZ")
        order["fulfillment"]["deliverByWindow"] = {"earliestDateTime": latest,
                                                   "latestDateTime": latest}
        order.pop("packages", None)
        for index, item in enumerate(order["orderItems"]):
            item["orderItemId"] = order_id.replace("-", "")[:12] + "%02d" % index
            item.setdefault("fulfillment", {})["packing"] = {
                "giftOption": {"giftMessage": mark["gift"]}}
            item["fulfillment"]["quantityFulfilled"] = 0
            item.pop("cancellation", None)
        self.api.control("POST", "/_test/orders", {"add": [order]})
        return mark

    def sync(self):
        return self.bench.ok(self.bench.as_user("admin", "sync"))

    def show(self, order_id):
        return json.loads(self.bench.ok(self.bench.as_user(
            "admin", "orders", "show", order_id, "--json")).stdout)

    def at(self, when):
        """The next command runs at policy time @when (a login moves 30 s)."""
        self.bench.now = max(self.bench.now, when - 30)

    def scan(self, db, found_markers, absent_markers):
        args = ["/usr/bin/python3", FORENSIC, "--key", self.bench.master_key(), "--json"]
        for marker in list(found_markers) + list(absent_markers):
            args += ["--marker", marker]
        result = subprocess.run(args + [db], capture_output=True, text=True, timeout=120)
        self.assertIn(result.returncode, (0, 1), result.stderr)
        report = json.loads(result.stdout)
        self.assertEqual(report["errors"], [])
        self.assertGreater(sum(f["pages_read"] for f in report["files"]), 0)
        found = {hit["marker"] for hit in report["hits"]}
        for marker in found_markers:
            self.assertIn(marker, found, "positive control: %s must be found in %s" % (marker, db))
        for marker in absent_markers:
            self.assertNotIn(marker, found, "%s survived in %s" % (marker, db))
        return report


class Boundary(RetentionTestCase):
    def delivered(self, order_id):
        self.add_order(order_id, "B")
        self.sync()
        self.bench.ok(self.bench.as_user("admin", "orders", "confirm", order_id, "--tracking",
                                         "RM000000001GB"))
        self.api.control("POST", "/_test/orders/%s/deliver" % order_id)
        delivered_at = stamp(self.api.control("GET", "/_test/orders/" + order_id)
                             ["order"]["lastUpdatedTime"])
        self.api.advance(180)
        self.sync()
        return delivered_at

    def test_31_days_minus_a_minute_kept_plus_a_minute_purged(self):
        order_id = "026-0000001-0000001"
        delivered_at = self.delivered(order_id)
        due = stamp(self.show(order_id)["purge_due"])
        self.assertEqual(due, delivered_at + 31 * DAY)

        # 31 days minus a minute: kept (each login moves the clock 30 s on).
        self.at(due - 60)
        result = json.loads(self.bench.ok(self.bench.as_user("admin", "purge", "--json")).stdout)
        self.assertEqual(result["orders"], 0)
        self.assertEqual(self.show(order_id)["recipient"]["name"], "PBMARKBNAME")

        self.at(due + 60)
        result = json.loads(self.bench.ok(self.bench.as_user(
            "admin", "purge", "--dry-run", "--json")).stdout)
        self.assertEqual(result["orders"], 1)
        self.at(due + 60)
        result = json.loads(self.bench.ok(self.bench.as_user("admin", "purge", "--json")).stdout)
        self.assertEqual(result["orders"], 1)
        shown = self.show(order_id)
        self.assertNotIn("recipient", shown)
        self.assertTrue(shown["purged"])
        # What stays: the order, its items and tracking, for the statistics.
        self.assertEqual(shown["tracking"], "RM000000001GB")
        self.assertTrue(shown["items"])
        self.assertTrue(all("gift_message" not in item for item in shown["items"]))
        rows = json.loads(self.bench.ok(self.bench.as_user(
            "admin", "audit", "list", "--action", "retention.purged", "--json")).stdout)
        self.assertTrue(any("orders=1" in row["detail"] for row in rows))

    def test_shorter_retention_and_limit(self):
        result = self.bench.as_user("admin", "config", "set", "retention.days", "32")
        self.assertEqual(result.returncode, 1)
        self.assertIn("1 to 31", result.stderr)
        order_id = "026-0000002-0000002"
        delivered_at = self.delivered(order_id)
        self.bench.ok(self.bench.as_user("admin", "config", "set", "retention.days", "1"))
        self.assertEqual(stamp(self.show(order_id)["purge_due"]), delivered_at + DAY)
        # Opening the store purges by itself: any command will do.
        self.at(delivered_at + DAY + 60)
        self.assertNotIn("recipient", self.show(order_id))

    def test_cancelled_order_counts_from_cancellation(self):
        order_id = "026-0000003-0000003"
        self.add_order(order_id, "C")
        self.sync()
        self.api.control("POST", "/_test/orders/%s/cancel" % order_id)
        cancelled_at = stamp(self.api.control("GET", "/_test/orders/" + order_id)
                             ["order"]["lastUpdatedTime"])
        self.api.advance(180)
        self.sync()
        self.assertEqual(stamp(self.show(order_id)["purge_due"]), cancelled_at + 31 * DAY)


class Forensic(RetentionTestCase):
    def test_purged_markers_are_nowhere_not_due_markers_are_found(self):
        due_id, kept_id = "026-0000004-0000004", "026-0000005-0000005"
        # Promised for yesterday: due in 30 days, while the backup is younger
        # than the retention period (an older backup is deleted whole).
        due_marks = self.add_order(due_id, "D", deliver_days=-1)
        kept_marks = self.add_order(kept_id, "K", deliver_days=20)
        self.sync()
        self.bench.ok(self.bench.as_user("admin", "backup"))
        db = os.path.join(self.bench.dir, "packbench.db")
        backup = [os.path.join(self.backups, name) for name in os.listdir(self.backups)][0]

        # Before the purge, the scanner finds both (the positive control).
        self.scan(db, list(due_marks.values()) + list(kept_marks.values()), [])
        self.scan(os.path.join(backup, "packbench.db"), list(due_marks.values()), [])

        due = stamp(self.show(due_id)["purge_due"])
        self.assertLess(due, stamp(self.show(kept_id)["purge_due"]))
        self.at(due + 60)
        result = json.loads(self.bench.ok(self.bench.as_user("admin", "purge", "--json")).stdout)
        self.assertEqual(result["orders"], 1)
        self.assertEqual(result["backups_purged"], 1)
        self.assertEqual(result["backup_orders"], 1)

        for path in (db, os.path.join(backup, "packbench.db")):
            self.scan(path, kept_marks.values(), due_marks.values())
            self.assertFalse(os.path.exists(path + "-wal") and os.path.getsize(path + "-wal"))


    def test_purge_clears_remote_error_texts(self):
        # Amazon (or Royal Mail) may quote the address back in an error; the
        # text waits in the outbox until the order's PII is purged with it.
        order_id = "026-0000009-0000009"
        marks = self.add_order(order_id, "E", deliver_days=-1)
        quoted = "PBMARKEQUOTED"
        self.sync()
        self.api.fault(operation="confirmShipment", kind="status", status=400, count=1,
                       body={"errors": [{"code": "InvalidInput",
                                         "message": "Address %s %s is not valid."
                                         % (quoted, marks["line1"])}]})
        self.bench.ok(self.bench.as_user("admin", "orders", "confirm", order_id, "--tracking",
                                         "RM000000001GB"))
        outbox = json.loads(self.bench.ok(self.bench.as_user(
            "admin", "outbox", "list", "--all", "--json")).stdout)
        mine = [item for item in outbox if item["order_id"] == order_id]
        self.assertEqual([item["state"] for item in mine], ["attention"])
        self.assertIn(quoted, mine[0]["last_error"])
        db = os.path.join(self.bench.dir, "packbench.db")
        self.scan(db, [quoted], [])

        self.at(stamp(self.show(order_id)["purge_due"]) + 60)
        result = json.loads(self.bench.ok(self.bench.as_user("admin", "purge", "--json")).stdout)
        self.assertEqual(result["orders"], 1)
        outbox = json.loads(self.bench.ok(self.bench.as_user(
            "admin", "outbox", "list", "--all", "--json")).stdout)
        mine = [item for item in outbox if item["order_id"] == order_id]
        self.assertEqual(len(mine), 1)
        self.assertNotIn(quoted, json.dumps(mine))
        self.scan(db, [], [quoted] + list(marks.values()))

class Backups(RetentionTestCase):
    def test_backup_restore_purges_before_work(self):
        order_id = "026-0000006-0000006"
        self.add_order(order_id, "R", deliver_days=1)
        self.sync()
        result = self.bench.ok(self.bench.as_user("admin", "backup"))
        backup = result.stdout.strip().split("Backup: ")[1]
        self.assertTrue(os.path.isfile(os.path.join(backup, "keyslots.json")))
        self.assertEqual(os.stat(backup).st_mode & 0o777, 0o700)

        # A new machine: restore into an empty folder, long after.
        due = stamp(self.show(order_id)["purge_due"])
        target = os.path.join(self.bench.root, "restored")
        self.at(due + 60)
        lines = self.bench.login_lines("admin")
        result = subprocess.run(
            [os.environ["PACKBENCHCTL"], "--store", target, "restore", backup, "--user", "admin"],
            input="\n".join(lines) + "\n", capture_output=True, text=True, timeout=120,
            env=self.bench.env())
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("1 orders", result.stdout)
        restored = Bench(self)
        restored.dir = target
        restored.now = self.bench.now
        restored.passwords = self.bench.passwords
        restored.secrets = self.bench.secrets
        shown = json.loads(restored.ok(restored.as_user(
            "admin", "orders", "show", order_id, "--json")).stdout)
        self.assertNotIn("recipient", shown)
        rows = json.loads(restored.ok(restored.as_user(
            "admin", "audit", "list", "--json")).stdout)
        self.assertIn("store.restored", [row["action"] for row in rows])
        # The backup itself is a row of the store it was taken from.
        self.at(due + 120)
        rows = json.loads(self.bench.ok(self.bench.as_user(
            "admin", "audit", "list", "--action", "backup.created", "--json")).stdout)
        self.assertEqual(len(rows), 1)

    def test_restore_with_wrong_password_changes_nothing(self):
        result = self.bench.ok(self.bench.as_user("admin", "backup"))
        backup = result.stdout.strip().split("Backup: ")[1]
        before = sorted(os.listdir(self.bench.dir))
        result = self.bench.run("restore", backup, "--user", "admin",
                                lines=["Wrong-Password-1!"])
        self.assertEqual(result.returncode, 3)
        self.assertEqual(before, sorted(os.listdir(self.bench.dir)))
        leftovers = [n for n in os.listdir(self.bench.root) if n.startswith(".packbench-restore")]
        self.assertEqual(leftovers, [])

    def test_backups_older_than_retention_are_deleted(self):
        self.bench.ok(self.bench.as_user("admin", "backup"))
        self.assertEqual(len(os.listdir(self.backups)), 1)
        self.bench.advance(32 * DAY)
        result = json.loads(self.bench.ok(self.bench.as_user("admin", "purge", "--json")).stdout)
        self.assertEqual(result["backups_deleted"], 1)
        self.assertEqual(os.listdir(self.backups), [])

    def test_purge_shreds_staging_leftovers_and_never_follows_links(self):
        leftovers = Leftovers(self)
        result = json.loads(self.bench.ok(self.bench.as_user("admin", "purge", "--json")).stdout)
        self.assertEqual(result["backups_deleted"], 0)
        leftovers.assert_gone()
        self.assertEqual(os.listdir(self.backups), [])

    def test_backup_shreds_staging_leftovers(self):
        leftovers = Leftovers(self)
        result = self.bench.ok(self.bench.as_user("admin", "backup"))
        backup = result.stdout.strip().split("Backup: ")[1]
        leftovers.assert_gone()
        self.assertEqual(os.listdir(self.backups), [os.path.basename(backup)])
        self.assertEqual(sorted(os.listdir(backup)), ["backup.json", "keyslots.json",
                                                      "packbench.db"])

    def test_staging_in_progress_is_left_alone(self):
        """A staging folder whose lock is held (a backup or restore running
        in another process) survives a purge; once released, it goes."""
        import fcntl
        os.makedirs(self.backups, exist_ok=True)
        running = os.path.join(self.backups, ".packbench-backup-20200104T000000Z.partial")
        os.mkdir(running, 0o700)
        with open(os.path.join(running, "packbench.db"), "w") as handle:
            handle.write(CANARY)
        lock = open(os.path.join(running, ".packbench-staging.lock"), "w")
        self.addCleanup(lock.close)
        fcntl.flock(lock, fcntl.LOCK_EX)
        self.bench.ok(self.bench.as_user("admin", "purge"))
        self.assertTrue(os.path.isfile(os.path.join(running, "packbench.db")))
        lock.close()
        self.bench.ok(self.bench.as_user("admin", "purge"))
        self.assertFalse(os.path.lexists(running))


class Wipe(RetentionTestCase):
    def test_wipe_destroys_store_and_backups(self):
        self.bench.ok(self.bench.as_user("admin", "backup"))
        result = self.bench.as_user("admin", "wipe")
        self.assertEqual(result.returncode, 2)
        self.assertIn("--yes", result.stderr)
        self.bench.add_user("sue", "supervisor")
        self.assertEqual(self.bench.as_user("sue", "wipe", "--yes").returncode, 4)

        result = self.bench.ok(self.bench.as_user("admin", "wipe", "--yes"))
        self.assertIn("keyslots.json", result.stdout)
        self.assertFalse(os.path.exists(os.path.join(self.bench.dir, "keyslots.json")))
        self.assertFalse(os.path.exists(os.path.join(self.bench.dir, "packbench.db")))
        self.assertEqual(os.listdir(self.backups), [])
        result = self.bench.as_user("admin", "whoami")
        self.assertEqual(result.returncode, 1)
        self.assertIn("There is no store", result.stderr)

    def test_wipe_shreds_staging_leftovers_and_never_follows_links(self):
        self.bench.ok(self.bench.as_user("admin", "backup"))
        leftovers = Leftovers(self)
        result = self.bench.ok(self.bench.as_user("admin", "wipe", "--yes"))
        self.assertIn(".packbench-restore-abc123", result.stdout)
        leftovers.assert_gone()
        self.assertEqual(os.listdir(self.backups), [])
        self.assertFalse(os.path.exists(os.path.join(self.bench.dir, "keyslots.json")))


class NothingOutside(RetentionTestCase):
    """A full run with markers in every PII field; everything written outside
    the store — stdout, stderr (with every debug message on), temp files —
    holds no marker."""

    def test_no_marker_outside_the_store(self):
        tmp = tempfile.mkdtemp(prefix="pb-tmp-")
        self.addCleanup(shutil.rmtree, tmp, True)
        env = {"TMPDIR": tmp, "G_MESSAGES_DEBUG": "all"}
        outputs = []
        order_id = "026-0000007-0000007"
        marks = self.add_order(order_id, "X", deliver_days=1)

        def run(*args, **kwargs):
            result = self.bench.as_user("admin", *args, env=env, **kwargs)
            outputs.append(result.stdout + result.stderr)
            return self.bench.ok(result)

        run("sync")
        run("orders", "list")
        run("orders", "list", "--json")
        run("orders", "confirm", order_id, "--tracking", "RM000000002GB")
        run("outbox", "list", "--all", "--json")
        run("audit", "list", "--json")
        run("backup")
        due = stamp(self.show(order_id)["purge_due"])
        self.at(due + 60)
        run("purge")
        run("orders", "show", order_id)

        written = []
        for folder, _, files in os.walk(tmp):
            for name in files:
                with open(os.path.join(folder, name), "rb") as handle:
                    written.append(handle.read().decode("utf-8", "replace"))
        everything = "\n".join(outputs + written)
        self.assertIn("Purged", everything)
        for marker in marks.values():
            self.assertNotIn(marker, everything)


class FullFlow(unittest.TestCase):
    """Sync, ship (label bought, printed through a private cupsd), confirm
    and purge, with markers in every PII field; then everything the run
    wrote outside the store — stdout and stderr with every debug message
    on, temp files, the cupsd's spool and logs, the test artefacts —
    holds no marker."""

    def test_full_flow_leaves_no_marker_outside_the_store(self):
        import cupsd
        from shipping import Shipping

        if cupsd.available() is not None:
            self.skipTest(cupsd.available())
        tmp = tempfile.mkdtemp(prefix="pb-tmp-")
        self.addCleanup(shutil.rmtree, tmp, True)
        env = {"TMPDIR": tmp, "G_MESSAGES_DEBUG": "all"}
        self.bench = Bench(self)
        self.bench.init()
        shipping = Shipping(self, self.bench, orders=3)
        outputs = []

        template = shipping.api.control(
            "GET", "/_test/orders/" + shipping.api.orders()[0]["orderId"])["order"]
        helper = RetentionTestCase.__new__(RetentionTestCase)
        helper.api, helper.template = shipping.api, template
        order_id = "026-0000008-0000008"
        marks = RetentionTestCase.add_order(helper, order_id, "F", deliver_days=1,
                                            postcode="ZE3 9XQ")

        def run(*args):
            result = shipping.run(*args, env=env)
            outputs.append(result.stdout + result.stderr)
            return self.bench.ok(result)

        # Nothing here asks to be shown the recipient: every output is what a
        # log would keep.
        run("sync")
        run("orders", "list")
        run("ship", order_id, "--weight", "300")
        shipping.sink.wait_for_jobs(1)
        run("label", "reprint", order_id)
        run("outbox", "list", "--all")
        run("audit", "list")
        promised = shipping.api.control("GET", "/_test/orders/" + order_id)["order"][
            "fulfillment"]["deliverByWindow"]["latestDateTime"]
        self.bench.now = max(self.bench.now, stamp(promised) + 31 * DAY + 30)
        run("purge")
        self.assertNotIn("recipient", json.loads(run("orders", "show", order_id,
                                                     "--json").stdout))

        written = []
        folders = [tmp, shipping.cups.root, os.environ.get("PB_TEST_ARTIFACTS", tmp)]
        for top in folders:
            for folder, _, files in os.walk(top):
                for name in files:
                    path = os.path.join(folder, name)
                    if os.path.islink(path) or not os.path.isfile(path):
                        continue
                    with open(path, "rb") as handle:
                        written.append(handle.read().decode("utf-8", "replace"))
        everything = "\n".join(outputs + written)
        self.assertIn("Tracking:", everything)
        for marker in marks.values():
            self.assertNotIn(marker, everything)


if __name__ == "__main__":
    unittest.main(verbosity=2)
