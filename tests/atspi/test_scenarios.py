#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Issue 6's acceptance scenarios: the real packbench, driven like a person
through AT-SPI, against the local SP-API and Click & Drop servers and a
private cupsd whose label queue prints into a TCP sink.

  FirstRun.test_setup_then_add_a_packer   first-run assistant → Operators → add a packer
  Packer.test_ships_an_order              log in → sync → scan → verify → label → Amazon
  Packer.test_no_supervisor_pages_and_a_wrong_item_does_not_print

Run under xvfb-run (tools/test.sh does), or standalone with PB_ATSPI_XVFB=1.
Without a display the tests skip, unless PB_REQUIRE_DISPLAY=1.
"""

import csv
import json
import os
import re
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import atspi_app  # noqa: E402  (sets the paths below)
from atspi_app import App  # noqa: E402
from pbtest import ADMIN_PASSWORD, Bench, totp  # noqa: E402
from shipping import Shipping  # noqa: E402
import cupsd  # noqa: E402

# ---------------------------------------------------------------------------
# The accessible names and roles the scenarios look for, in one place.
# GTK 4.8 appends a widget's visible text to its accessible label, so a name
# here matches the whole accessible name or its first words.

LOGIN = {
    "username": ("text", "Username"),
    "password": ("password text", "Password"),
    "log_in": ("push button", "Log in"),
    "code": ("text", "Code from your authenticator app"),
    "confirm_code": ("push button", "Confirm code"),
}

WINDOW = {
    "page_tab": "page tab",  # AdwViewSwitcher buttons
    "bench_tab": "Bench",
    # The pages only a supervisor or an administrator may open.
    "supervisor_tabs": ("Activity", "Problems", "End of Day", "Operators", "Audit Log"),
    "main_menu": ("push button", "Main menu"),
    "preferences_item": ("menu item", "Preferences"),
    "sync_item": ("menu item", "Sync Now"),
    "lock": ("push button", "Lock"),
    "synced": ("label", re.compile(r"^Synced \d\d:\d\d$")),
    "sync_failed": ("label", re.compile(r"^Sync failed")),
}

# GTK 4.8 names a GtkLabel by its text and drops the accessible label the
# .ui gives it ("Orders in the queue", "Units verified", "Message"), so the
# bench's labels are found by what they say, as a person reads them.
BENCH = {
    "scan": ("text", "Scan"),
    "queue": ("tree table", "Orders to pack"),
    "queue_count": ("label", re.compile(r"^\d+ (of \d+ )?orders?$")),
    "units": ("label", re.compile(r"^\d+ of \d+ units$")),
    "items": ("list", "Items in the order"),
    "print": ("push button", "Print label"),
    "close": ("push button", "Close order"),
}

# The banner's messages (pb-bench-page.c).
BANNER = {
    "opened": r"^Order %s opened: scan its items$",
    "verified": r"^All items verified",
    "printed": r"^Label printed — Tracking (RM\d{9}GB)$",
    "wrong_item": r"^Wrong item — it is not in this order$",
}

# The first-run assistant and the Operators page (being written by other
# helpers): the names these scenarios expect them to have.
SETUP = {
    "assistant": ("filler", "PbSetupAssistant"),
    "admin_username": ("text", "Administrator username"),
    "admin_full_name": ("text", "Full name"),
    "admin_password": ("password text", "Password"),
    "admin_repeat": ("password text", "Repeat password"),
    "totp_secret": ("label", "TOTP secret"),
    "totp_code": ("text", "Code from your authenticator app"),
    "recovery_code": ("label", "Recovery code"),
    "recovery_written": ("check box", "I have written down the recovery code"),
    "next": ("push button", "Next"),
    "skip": ("push button", "Finish later"),
    "finish": ("push button", "Finish"),
}

OPERATORS = {
    "tab": "Operators",
    "add": ("push button", "Add operator"),
    "username": ("text", "Username"),
    "full_name": ("text", "Full name"),
    "role": ("combo box", "Role"),
    "packer_role": ("list item", "Packer"),
    "create": ("push button", "Add"),
    "temporary_password": ("label", "Temporary password"),
    "done": ("push button", "Done"),
    "rows": ("list", "Operators"),
}

# ---------------------------------------------------------------------------

PRINTABLE = cupsd.available()


def setUpModule():
    try:
        atspi_app.desktop()
    except atspi_app.SkipDesktop as reason:
        raise unittest.SkipTest(str(reason))


def _has_widget_class(name):
    """Whether the branch's app has a real implementation of a page: its
    source no longer says it is a placeholder."""
    path = os.path.join(atspi_app.SOURCE_ROOT, "src", "app", name)
    try:
        with open(path) as handle:
            return "Placeholder" not in handle.read()
    except OSError:
        return False


class Person(unittest.TestCase):
    """A fresh packbench per test, and what a person does with it."""

    packer = "pat"

    def setUp(self):
        self.app = None

    def start_app(self, name):
        shipping = getattr(self, "shipping", None)
        env = dict(shipping.env if shipping else {}, PACKBENCH_NOW=self.bench.iso_now())
        self.app = App(self.bench.dir, env=env,
                       name="%s-%s" % (type(self).__name__, name))
        self.addCleanup(self.app.stop)
        # On failure: what the screen showed, kept as an artefact.
        self.addCleanup(self._shoot_on_failure, name)
        return self.app

    def _shoot_on_failure(self, name):
        outcome = getattr(self, "_outcome", None)
        if self.app is not None and outcome is not None and not outcome.success:
            path = self.app.screenshot("failed-" + name)
            sys.stderr.write("screenshot: %s\npackbench said:\n%s\n" % (path, self.app.output()))

    # Person-like steps

    def log_in(self, user, password, code_secret=None):
        app = self.app
        app.set_text(app.find(*LOGIN["username"]), user)
        app.set_text(app.find(*LOGIN["password"]), password)
        app.click(app.find(*LOGIN["log_in"]))
        if code_secret is not None:
            # The app's clock stands at PACKBENCH_NOW, the bench's now when
            # it started (see start_app).
            app.set_text(app.find(*LOGIN["code"]), totp(code_secret, self.bench.now))
            app.click(app.find(*LOGIN["confirm_code"]))
        scan = app.find(*BENCH["scan"], timeout=15)
        app.wait_for(lambda: self.title_label(re.compile(r"^%s \(" % re.escape(user))),
                     "the header to name %s" % user)
        return scan

    def title_label(self, pattern):
        return [n for n in self.app.find_all("label", pattern) if self.app.is_on_top(n)]

    def wait_for_sync(self):
        """The header says the sync worked, and the queue is filled."""
        app = self.app
        app.wait_for(lambda: self.title_label(WINDOW["synced"][1]) or
                     self.fail_on(self.title_label(WINDOW["sync_failed"][1])),
                     "the header to say Synced", timeout=30)
        count = app.find("label", re.compile(r"^[1-9]\d* orders?$"), timeout=15)
        return int(app.text(count).split()[0])

    def fail_on(self, labels):
        if labels:
            self.fail("the sync failed: %s" % self.app.text(labels[0]))
        return False

    def wait_for_banner(self, pattern, timeout=None):
        """The banner's text, once it says @pattern (a regular expression);
        returns the match."""
        regex = re.compile(pattern)
        node = self.app.find("label", regex, timeout=timeout)
        return regex.search(self.app.text(node) or atspi_app.name_of(node))

    def order_number(self, order_id):
        """The open order's number: the label saying it outside the queue."""
        queue = self.app.find(*BENCH["queue"])

        def outside_queue():
            for node in self.app.find_all("label", order_id):
                parent = node.get_parent()
                while parent is not None and parent != queue:
                    parent = parent.get_parent()
                if parent is None and self.app.is_on_top(node):
                    return node
            return None
        return self.app.wait_for(outside_queue, "order %s to open" % order_id)

    def scan(self, code):
        """Scans like a scanner: key events into the scan field, then Enter."""
        scan_field = self.app.find(*BENCH["scan"])
        if not self.app.has_state(scan_field, "focused"):
            # The issue wants the scan field to have the focus at all times
            # (see test_scan_field_has_the_focus); a person clicks into it.
            self.app.focus(scan_field)
        self.app.scan(code)


class Scenario(Person):
    """A store with an admin and a packer, the local SP-API and Click &
    Drop servers, cupsd and the label sink: made once per class (each
    packbenchctl login costs a second), with a fresh app per test."""

    orders = 8

    @classmethod
    def setUpClass(cls):
        if PRINTABLE is not None:
            raise unittest.SkipTest(PRINTABLE)
        # pbtest's helpers take a test for its cleanups and assertions: a
        # stand-in whose cleanups run when the class is done.
        holder = unittest.TestCase()
        holder.addCleanup = cls.addClassCleanup
        cls.bench = Bench(holder)
        cls.bench.init()
        cls.shipping = Shipping(holder, cls.bench, orders=cls.orders)
        cls.bench.add_user(cls.packer, "packer", full_name="Pat Packer")
        cls.password = cls.bench.passwords[cls.packer]
        cls.prepare(holder)

    @classmethod
    def prepare(cls, holder):
        """More of the store, made once by the class."""

    @classmethod
    def small_orders(cls, count, max_units=3):
        """UK orders that can be shipped: few units, no SKU twice, and no
        SKU shared between them; their weights go in the catalogue
        (imported by the admin with packbenchctl)."""
        picked, skus = [], set()
        for order in cls.shipping.unshipped("GB"):
            units = sum(item["quantityOrdered"] for item in order["orderItems"])
            mine = [item["product"]["sellerSku"] for item in order["orderItems"]]
            if units <= max_units and len(set(mine)) == len(mine) and not skus & set(mine):
                picked.append(order)
                skus |= set(mine)
            if len(picked) == count:
                break
        if len(picked) < count:
            raise AssertionError("the server generated too few small UK orders")
        path = os.path.join(cls.bench.root, "catalogue.csv")
        with open(path, "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["sku", "weight_g", "package_format"])
            for sku in sorted(skus):
                writer.writerow([sku, "300", "smallParcel"])
        cls.bench.ok(cls.bench.as_user("admin", "catalogue", "import", path))
        return picked


@unittest.skipUnless(PRINTABLE is None, PRINTABLE or "")
class Packer(Scenario):

    @classmethod
    def prepare(cls, holder):
        # One order to ship, one to scan a wrong item into; the wrong item
        # is the first item of the order shipped (so in neither's way).
        cls.to_ship, cls.to_refuse = cls.small_orders(2)
        cls.wrong_item = cls.to_ship["orderItems"][0]["product"]["sellerSku"]

    def test_ships_an_order(self):
        """Scenario A, second half: log in as the packer, sync, scan an
        order, verify its items, the label reaches the printer, Amazon
        hears the tracking number."""
        order = self.to_ship
        order_id = order["orderId"]
        jobs_before = len(self.shipping.sink.jobs)
        app = self.start_app("ship")

        self.log_in(self.packer, self.password)
        self.wait_for_sync()
        # Sync Now (F5) asks Amazon again.
        searches = len(self.shipping.api.requests("searchOrders"))
        app.key("F5")
        app.wait_for(lambda: len(self.shipping.api.requests("searchOrders")) > searches,
                     "F5 to run a sync", timeout=20)
        app.screenshot("queue")

        # The order number opens the order.
        self.scan(order_id)
        self.order_number(order_id)
        total = sum(item["quantityOrdered"] for item in order["orderItems"])
        units = app.find("label", "0 of %d units" % total)
        self.wait_for_banner(BANNER["opened"] % re.escape(order_id))

        # Each scan ticks one unit; with "print on final scan" (the
        # default) the last one buys and prints the label by itself.
        codes = [item["product"]["sellerSku"] for item in order["orderItems"]
                 for _ in range(item["quantityOrdered"])]
        for scanned, code in enumerate(codes[:-1], start=1):
            self.scan(code)
            app.wait_for_text(units, r"^%d of %d units$" % (scanned, total))
        if len(codes) > 1:
            app.screenshot("mid-verify")
        self.assertEqual(len(self.shipping.sink.jobs), jobs_before,
                         "nothing prints before every item is verified")
        self.scan(codes[-1])
        tracking = self.wait_for_banner(BANNER["printed"], timeout=40).group(1)
        app.screenshot("printed")

        # The label reached the printer: one ZPL job, one Click & Drop order.
        job = self.shipping.sink.wait_for_jobs(jobs_before + 1, timeout=30)[-1]
        self.assertTrue(job.startswith(b"^XA"), job[:40])
        self.assertEqual(self.shipping.clickdrop.creates(order_id), 1)

        # Amazon recorded the confirmation with Click & Drop's tracking number.
        def confirmed():
            found = [c for c in self.shipping.api.confirmations()
                     if order_id in json.dumps(c)]
            return found if found and tracking in json.dumps(found) else None
        confirmations = app.wait_for(confirmed, "Amazon to record the confirmation",
                                     timeout=30)
        self.assertEqual(len(confirmations), 1)
        # The order left the queue.
        queue = app.find(*BENCH["queue"])
        app.wait_for(lambda: not app.find_all("label", order_id, root=queue),
                     "the order to leave the queue")

    def test_no_supervisor_pages_and_a_wrong_item_does_not_print(self):
        """Scenario B: a packer sees none of the supervisor's pages, may
        not open Preferences, and a wrong item shows the error and prints
        nothing."""
        order = self.to_refuse
        jobs_before = len(self.shipping.sink.jobs)
        app = self.start_app("packer")

        self.log_in(self.packer, self.password)
        # Only the bench: no tab for a supervisor's page, even hidden.
        for title in WINDOW["supervisor_tabs"]:
            self.assertEqual(app.find_all(WINDOW["page_tab"], title, showing_only=False), [],
                             "a packer must not have the %s page" % title)
            self.assertEqual(app.find_all(None, title), [],
                             "nothing called %s is on a packer's screen" % title)
        # The main menu's Preferences is there but greyed out.
        app.click(app.find(*WINDOW["main_menu"]))
        preferences = app.wait_for(
            lambda: app.find_all(*WINDOW["preferences_item"], showing_only=False),
            "Preferences in the main menu")[0]
        self.assertFalse(app.has_state(preferences, "sensitive"),
                         "Preferences must be disabled for a packer")
        sync_item = app.find_all(*WINDOW["sync_item"], showing_only=False)
        self.assertTrue(sync_item and app.has_state(sync_item[0], "sensitive"),
                        "a packer may sync")
        app.screenshot("packer-menu")
        app.key("Escape")
        # Ctrl+, (Preferences) does nothing for a packer: no second window.
        app.key("ctrl+comma")
        time.sleep(0.5)
        self.assertEqual([c for c in self._toplevels() if c != "Packbench"], [],
                         "no Preferences window for a packer")

        self.wait_for_sync()
        self.scan(order["orderId"])
        self.order_number(order["orderId"])
        units = app.find(*BENCH["units"])
        before = app.text(units)

        self.scan(self.wrong_item)
        self.wait_for_banner(BANNER["wrong_item"])
        app.screenshot("wrong-item")
        self.assertEqual(app.text(units), before, "a wrong item ticks nothing")
        # Nothing was bought or printed, now or a moment later.
        time.sleep(1.0)
        self.assertEqual(len(self.shipping.sink.jobs), jobs_before)
        self.assertEqual(self.shipping.clickdrop.creates(order["orderId"]), 0)
        self.assertEqual([c for c in self.shipping.api.confirmations()
                          if order["orderId"] in json.dumps(c)], [])
        print_button = app.find_all(*BENCH["print"])
        self.assertTrue(print_button, "the order stays open with its Print Label button")
        self.assertFalse(app.has_state(print_button[0], "sensitive"),
                         "Print Label is disabled until every item is verified")

    def _toplevels(self):
        return [atspi_app.name_of(self.app.root.get_child_at_index(i))
                for i in range(self.app.root.get_child_count())]

    def test_scan_field_has_the_focus(self):
        """The issue: "A scan field that always has focus": after the log-in
        the scanner's keys land in the scan entry."""
        app = self.start_app("focus")
        # All by keyboard this time: type, Tab, type, Enter.
        app.focus(app.find(*LOGIN["username"]))
        app.type_keys(self.packer)
        app.key("Tab")
        app.type_keys(self.password)
        app.key("Return")
        scan = app.find(*BENCH["scan"], timeout=15)
        app.wait_for(lambda: app.has_state(scan, "focused"),
                     "the scan field to have the focus", timeout=3)


@unittest.skipUnless(_has_widget_class("pb-setup-assistant.c") and
                     _has_widget_class("pb-operators-page.c"),
                     "the first-run assistant and the Operators page are placeholders in "
                     "this branch; the lead finishes this scenario after merging them")
class FirstRun(Person):
    """Scenario A, first half: no store yet; the assistant makes the
    administrator, who adds a packer on the Operators page; the packer logs
    in and replaces the temporary password. (Servers and printing are the
    second half's, in Packer.test_ships_an_order.)"""

    def setUp(self):
        super().setUp()
        self.bench = Bench(self)  # a folder with no store in it

    def test_setup_then_add_a_packer(self):
        app = self.start_app("first-run")
        app.find(*SETUP["assistant"], timeout=15)
        app.screenshot("assistant")

        # The administrator.
        app.set_text(app.find(*SETUP["admin_username"]), "admin")
        app.set_text(app.find(*SETUP["admin_full_name"]), "Ada Admin")
        app.set_text(app.find(*SETUP["admin_password"]), ADMIN_PASSWORD)
        app.set_text(app.find(*SETUP["admin_repeat"]), ADMIN_PASSWORD)
        app.click(app.find(*SETUP["next"], sensitive=True))

        # TOTP: the secret is shown in text; an authenticator makes a code.
        secret = app.text(app.find(*SETUP["totp_secret"])).replace(" ", "")
        self.assertRegex(secret, r"^[A-Z2-7]{16,}$")
        app.set_text(app.find(*SETUP["totp_code"]), totp(secret, self.bench.now))
        app.click(app.find(*SETUP["next"], sensitive=True))

        # The recovery code, shown once, confirmed as written down.
        recovery = app.text(app.find(*SETUP["recovery_code"]))
        self.assertTrue(recovery.strip())
        next_button = app.find(*SETUP["next"])
        self.assertFalse(app.has_state(next_button, "sensitive"),
                         "Next waits for the written-down confirmation")
        app.click(app.find(*SETUP["recovery_written"]))
        app.click(app.find(*SETUP["next"], sensitive=True))

        # Amazon, Royal Mail, printer, retention: finished later.
        while app.find_all(*SETUP["skip"]):
            app.click(app.find(*SETUP["skip"]))
            time.sleep(0.3)
        if app.find_all(*SETUP["finish"]):
            app.click(app.find(*SETUP["finish"]))
        app.find(*BENCH["scan"], timeout=20)
        self.bench.passwords["admin"] = ADMIN_PASSWORD
        self.bench.secrets["admin"] = secret

        # Operators → Add operator: a packer.
        app.click(app.find(WINDOW["page_tab"], OPERATORS["tab"]))
        app.click(app.find(*OPERATORS["add"]))
        app.set_text(app.find(*OPERATORS["username"]), self.packer)
        app.set_text(app.find(*OPERATORS["full_name"]), "Pat Packer")
        app.click(app.find(*OPERATORS["role"]))
        app.click(app.find(*OPERATORS["packer_role"]))
        app.click(app.find(*OPERATORS["create"], sensitive=True))
        temporary = app.text(app.find(*OPERATORS["temporary_password"])).strip()
        self.assertTrue(temporary)
        app.click(app.find(*OPERATORS["done"]))
        app.find(OPERATORS["rows"][0], None, root=app.find(*OPERATORS["rows"]))
        app.screenshot("operators")

        # The packer's first log-in replaces the temporary password.
        app.key("ctrl+l")
        app.set_text(app.find(*LOGIN["username"]), self.packer)
        app.set_text(app.find(*LOGIN["password"]), temporary)
        app.click(app.find(*LOGIN["log_in"]))
        final = "Bright-Lantern-77-Sky!"
        app.set_text(app.find("password text", "New password"), final)
        app.set_text(app.find("password text", "Repeat new password"), final)
        app.click(app.find("push button", "Set new password", sensitive=True))
        app.find(*BENCH["scan"], timeout=15)
        app.wait_for(lambda: self.title_label(re.compile(r"^%s \(Packer\)" % self.packer)),
                     "the header to name the packer")


def main():
    """unittest's main, but a run where everything skipped exits with 77,
    meson's SKIP."""
    program = unittest.main(verbosity=2, exit=False)
    result = program.result
    if result.wasSuccessful() and result.skipped and \
            result.testsRun <= len(result.skipped):
        sys.exit(77)
    sys.exit(0 if result.wasSuccessful() else 1)


if __name__ == "__main__":
    main()
