#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Site mode at the bench (issue 12), driven like a person through AT-SPI:
two real packbench apps, bench A and bench B, on one private PostgreSQL
(tests/servers/pg_server.py, TLS) and the local SP-API server.

  Site.test_claims_show_and_an_item_scan_passes_over_them
      bench B opens an order; bench A's queue row says who has it (a label
      and the row's accessible description), an item scan at A opens the
      next order holding the item, the held order's number is refused in
      the site's words, and closing it at B frees it at A.
  Site.test_an_outage_pauses_packing_and_it_resumes_by_itself
      PostgreSQL stops: the bench shows why packing is paused and refuses
      to open an order; it starts again: the banner goes by itself, and an
      order number and an item scanned straight after it open the order
      and tick the item, in that order.
  Site.test_a_supervisor_sees_the_floor_and_manifests_every_bench
      issue 13: someone at bench A opens an order and bench B's queue says
      so; A prints; the supervisor at B sees A's label on Activity (the
      floor, by bench and by operator, the leader) and on End of Day
      (bench and operator), creates the manifest, sees both benches' rows
      and chains on the Audit Log, and A's End of Day shows its label in
      that manifest.

Every step waits for what a person would see, with generous deadlines.
"""

import copy
import os
import re
import shutil
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import atspi_app  # noqa: E402  (sets the paths below)
from atspi_app import App  # noqa: E402
from pbtest import Bench, totp  # noqa: E402
from shipping import Shipping  # noqa: E402
from test_scenarios import BANNER, BENCH, LOGIN, Person, setUpModule  # noqa: E402,F401
import cupsd  # noqa: E402
import pg_server  # noqa: E402

PRINTABLE = cupsd.available()
PG_MISSING = pg_server.available()

HELD = r"^Being packed at Bench B by sam since \d\d:\d\d$"
PAUSED = r"^Packing is paused: the site database cannot be reached"
NOT_OPENED = r"^Not opened: packing is paused until the site database answers again\.$"


class SiteBench(Bench):
    """Bench B: the same people as bench A, so the same policy clock (a
    TOTP code used at one is used at both)."""

    def __init__(self, test, clock_of):
        self.clock_of = clock_of
        super().__init__(test)
        self.secrets = clock_of.secrets
        self.passwords = clock_of.passwords

    @property
    def now(self):
        return self.clock_of.now

    @now.setter
    def now(self, value):
        self.clock_of.now = max(self.clock_of.now, value)


def twin_orders(shipping):
    """Two more unshipped UK orders holding the same single item, copies of
    one the server made: an item scan finds any of the three. Returns (the
    three ids, the item's SKU)."""
    for order in shipping.unshipped("GB"):
        items = order["orderItems"]
        if len(items) == 1 and items[0]["quantityOrdered"] <= 2:
            break
    else:
        raise AssertionError("the server made no small UK order to copy")
    twins = []
    units = order["orderItems"][0]["quantityOrdered"]
    for n in (1, 2):
        twin = copy.deepcopy(order)
        twin["orderId"] = "206-%07d-%07d" % (4242000 + n, 1234500 + n)
        twin.pop("packages", None)
        twin["orderItems"][0]["orderItemId"] = "%014d" % (77700 + n)
        twins.append(twin)
    ids = shipping.api.control("POST", "/_test/orders", {"add": twins})["orderIds"]
    return [order["orderId"]] + ids, order["orderItems"][0]["product"]["sellerSku"], units


@unittest.skipIf(PG_MISSING, PG_MISSING or "")
@unittest.skipUnless(PRINTABLE is None, PRINTABLE or "")
class Site(Person):
    def setUp(self):
        super().setUp()
        self.pg = pg_server.PgServer().start()
        self.addCleanup(self.pg.stop)
        uri = "postgresql://packbench@127.0.0.1:%d/packbench_site?sslmode=verify-full" \
              "&sslrootcert=%s" % (self.pg.port, self.pg.ca)

        self.bench = Bench(self)
        self.bench.init()
        self.shipping = Shipping(self, self.bench, orders=6)
        self.twins, self.sku, self.units = twin_orders(self.shipping)
        a = self.bench
        a.ok(a.run("site", "create", uri, "--bench", "Bench A", "--user", "admin",
                   lines=[self.pg.password] + a.login_lines("admin")))
        a.add_user("pat", "packer")
        a.add_user("sam", "packer")
        # Issue 13: a supervisor at each bench (one packs at A).
        a.add_user("lee", "supervisor")
        a.add_user("sue", "supervisor")
        # The packer presses Print: a complete order stays open.
        a.ok(a.as_user("admin", "config", "set", "print.on_final_scan", "false"))
        a.ok(a.as_user("admin", "sync", env=self.shipping.env))

        self.bench_b = b = SiteBench(self, a)
        b.ok(b.run("site", "join", uri, "--bench", "Bench B", "--user", "admin",
                   lines=[self.pg.password] + b.login_lines("admin")))
        # What stays per bench: the CA file on its own disk.
        b.ok(b.as_user("admin", "config", "set", "tls.ca_file", self.shipping.api.certs["ca"],
                       "net.retry_base_ms", "100", "print.on_final_scan", "false",
                       env=self.shipping.env))
        b.ok(b.as_user("admin", "sync", env=self.shipping.env))

    def start_at(self, bench, name, user):
        """Starts packbench at @bench and logs @user in; self.app is it."""
        env = dict(self.shipping.env, PACKBENCH_NOW=bench.iso_now())
        app = App(bench.dir, env=env, name="Site-%s" % name)
        self.addCleanup(app.stop)
        self.addCleanup(self._shoot, app, name)
        self.app = app
        self.log_in(user, bench.passwords[user], bench.secrets.get(user))
        return app

    def start_supervisor_at(self, bench, name, user):
        """The same for a supervisor, whose header shows the page tabs
        rather than their name and the sync: logged in once the tabs and
        the filled queue show."""
        env = dict(self.shipping.env, PACKBENCH_NOW=bench.iso_now())
        app = App(bench.dir, env=env, name="Site-%s" % name)
        self.addCleanup(app.stop)
        self.addCleanup(self._shoot, app, name)
        self.app = app
        app.set_text(app.find(*LOGIN["username"]), user)
        app.set_text(app.find(*LOGIN["password"]), bench.passwords[user])
        app.click(app.find(*LOGIN["log_in"]))
        app.set_text(app.find(*LOGIN["code"]), totp(bench.secrets[user], self.bench.now))
        app.click(app.find(*LOGIN["confirm_code"]))
        app.find(*BENCH["scan"], timeout=60)
        app.find("page tab", "Activity", timeout=60)
        app.find("label", re.compile(r"^[1-9]\d* orders?$"), timeout=60)
        return app

    def _shoot(self, app, name):
        outcome = getattr(self, "_outcome", None)
        if outcome is not None and not outcome.success and app.process.poll() is None:
            path = app.screenshot("failed-" + name)
            sys.stderr.write("screenshot: %s\npackbench (%s) said:\n%s\n" % (
                path, name, app.output()))

    def at(self, app):
        """Turns to @app's bench: its window gets the keyboard. (Both
        windows open at the same place and there is no window manager
        under Xvfb: a click could land on the other one, so the keyboard
        is given to the window itself.)"""
        self.app = app
        subprocess.run(["xdotool", "windowfocus", "--sync", app._window()], check=True,
                       capture_output=True, timeout=30)
        scan = app.find(*BENCH["scan"])
        app.wait_for(lambda: app.has_state(scan, "focused"), "the scan field to have the focus")
        return app

    def queue_row(self, order_id):
        """The row of @order_id in the queue: the accessible with the row
        role above the label saying its number."""
        app = self.app
        queue = app.find(*BENCH["queue"])
        labels = app.find_all("label", order_id, root=queue)
        if not labels:
            return None
        node = labels[0].get_parent()
        while node is not None and not atspi_app.same(node, queue):
            if atspi_app.role_name(node) in ("table row", "row"):
                return node
            node = node.get_parent()
        return None

    def row_description(self, order_id):
        row = self.queue_row(order_id)
        return row.get_description() if row is not None else ""

    def test_claims_show_and_an_item_scan_passes_over_them(self):
        app_b = self.start_at(self.bench_b, "bench-b", "sam")
        self.wait_for_sync()
        app_a = self.start_at(self.bench, "bench-a", "pat")
        self.wait_for_sync()
        for order_id in self.twins:
            self.app.find("label", order_id, root=self.app.find(*BENCH["queue"]))

        # Bench B: the item opens one of the two orders holding it.
        self.at(app_b)
        self.scan(self.sku)
        queue_b = app_b.find(*BENCH["queue"])

        def opened_at_b():
            for order_id in self.twins:
                shown = [n for n in app_b.find_all("label", order_id)
                         if app_b.is_on_top(n) and not self._inside(n, queue_b)]
                if shown:
                    return order_id
            return None
        held = app_b.wait_for(opened_at_b, "bench B to open an order holding %s" % self.sku)
        others = [o for o in self.twins if o != held]

        # Bench A: the row says who has it, on screen and to a screen reader.
        self.at(app_a)
        started = time.monotonic()
        regex = re.compile(HELD)
        app_a.wait_for(lambda: regex.search(self.row_description(held)),
                       "the queue row of %s to say bench B has it (now %r)"
                       % (held, self.row_description(held)))
        seen_after = time.monotonic() - started
        queue_a = app_a.find(*BENCH["queue"])
        label = app_a.find("label", re.compile(HELD), root=queue_a)
        self.assertTrue(app_a.is_on_top(label), "the claim shows in the row")
        for other in others:
            self.assertEqual(regex.search(self.row_description(other)), None,
                             "a free order's row says nothing of a bench")
        shot = app_a.screenshot("claimed-row")
        shutil.copy(shot, os.path.join(atspi_app.ARTIFACTS, "site-claimed-row.png"))
        sys.stderr.write("bench A showed bench B's claim %.2f s after it was seen open\n"
                         % seen_after)

        # An item scan at A passes over B's order and opens another one.
        self.at(app_a)
        self.scan(self.sku)

        def opened_at_a():
            for order_id in others:
                if [n for n in app_a.find_all("label", order_id)
                        if app_a.is_on_top(n) and not self._inside(n, queue_a)]:
                    return order_id
            return None
        app_a.wait_for(opened_at_a, "bench A to open another order holding %s" % self.sku)
        self.wait_for_banner(r"^All items verified")
        self.assertEqual([n for n in app_a.find_all("label", held)
                          if not self._inside(n, queue_a)], [],
                         "bench B's order is not open at bench A")

        # The held order's own number is refused in the site's words.
        app_a.click(app_a.find(*BENCH["close"]))
        app_a.wait_for(lambda: not app_a.find_all(*BENCH["close"]), "the order to close")
        self.at(app_a)
        self.scan(held)
        self.wait_for_banner(r"^Order %s is being packed at Bench B by sam since \d\d:\d\d\.$"
                             % re.escape(held))

        # Closed unshipped at B: the claim goes, and A's row says so.
        self.at(app_b)
        app_b.click(app_b.find(*BENCH["close"]))
        self.at(app_a)
        app_a.wait_for(lambda: self.queue_row(held) is not None
                       and not self.row_description(held),
                       "the row of %s to lose the claim (now %r)"
                       % (held, self.row_description(held)))
        self.assertEqual(app_a.find_all("label", re.compile(HELD), root=queue_a), [])

        # B takes it again, and the packer quits the app with it open: the
        # claim goes with the app, not minutes later when it goes stale.
        self.at(app_b)
        self.scan(held)
        app_b.wait_for(lambda: [n for n in app_b.find_all("label", held)
                                if app_b.is_on_top(n) and not self._inside(n, queue_b)],
                       "bench B to open %s again" % held)
        self.at(app_a)
        app_a.wait_for(lambda: regex.search(self.row_description(held)),
                       "the row of %s to say bench B has it again" % held)
        app_b.key("ctrl+q")
        app_b.wait_for(lambda: app_b.process.poll() is not None, "bench B's app to quit")
        app_a.wait_for(lambda: self.queue_row(held) is not None
                       and not self.row_description(held),
                       "the row of %s to lose the claim when bench B quit (now %r)"
                       % (held, self.row_description(held)))

    def test_an_outage_pauses_packing_and_it_resumes_by_itself(self):
        app = self.start_at(self.bench, "outage", "pat")
        self.wait_for_sync()

        self.pg.stop_server()
        app.find(BENCH["banner"], re.compile(PAUSED), timeout=90)
        app.screenshot("paused")
        # No claim, no packing: an order does not open.
        self.scan(self.twins[0])
        self.wait_for_banner(NOT_OPENED)
        self.assertEqual(app.find_all(*BENCH["close"]), [], "no order opened")

        self.pg.start_server()
        app.wait_for(lambda: not app.find_all(BENCH["banner"], re.compile(PAUSED)),
                     "the pause banner to go by itself", timeout=90)
        # Packing goes on: the same scan opens the order now. The item
        # scanned straight after it (while the order may still be being
        # taken at the site) is kept and ticks the opened order.
        self.scan(self.twins[0])
        self.scan(self.sku)
        self.order_number(self.twins[0])
        app.find("label", re.compile(r"^1 of \d+ units$"))

    def open_tab(self, app, title):
        app.click(app.find("page tab", title))

    def refreshed_until(self, app, pattern, what):
        """Refreshes the page shown (its Refresh button) until a label on
        it says @pattern: another bench's rows reach the site when that
        bench syncs, not at a known moment."""
        regex = re.compile(pattern)

        def shown():
            found = [n for n in app.find_all("label", regex) if app.is_on_top(n)]
            if found:
                return found[0]
            buttons = [n for n in app.find_all("push button", "Refresh") if app.is_on_top(n)]
            if buttons and app.has_state(buttons[0], "sensitive"):
                app.click(buttons[0])
            return None
        return app.wait_for(shown, what, timeout=120)

    def test_a_supervisor_sees_the_floor_and_manifests_every_bench(self):
        # The item's weight, so that a label can be bought.
        path = os.path.join(self.bench.root, "catalogue.csv")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write("sku,weight_g,package_format\n%s,300,smallParcel\n" % self.sku)
        self.bench.ok(self.bench.as_user("admin", "catalogue", "import", path))

        app_b = self.start_supervisor_at(self.bench_b, "supervisor-b", "sue")
        app_a = self.start_supervisor_at(self.bench, "packing-a", "lee")
        order_id = self.twins[0]

        # A opens the order; B's queue says who has it.
        self.at(app_a)
        self.scan(order_id)
        self.order_number(order_id)
        self.at(app_b)
        app_b.wait_for(lambda: re.search(r"^Being packed at Bench A by lee since",
                                         self.row_description(order_id)),
                       "bench B's row of %s to say bench A has it" % order_id)

        # A verifies the items and prints.
        self.at(app_a)
        for scanned in range(1, self.units + 1):
            self.scan(self.sku)
            app_a.find("label", "%d of %d units" % (scanned, self.units))
        # Printed on the last scan, or by Print Label (print.on_final_scan).
        said = self.wait_for_banner(r"%s|%s" % (BANNER["verified"], BANNER["printed"]),
                                    timeout=90)
        if "press Print Label" in said.string:
            app_a.click(app_a.find(*BENCH["print"], sensitive=True))
        tracking = self.wait_for_banner(BANNER["printed"], timeout=90).group(1)
        # A's sync copies its audit rows to the site (Sync Now, F5).
        app_a.key("F5")

        # B's Activity: the floor, A's label on A's row and lee's.
        self.at(app_b)
        self.open_tab(app_b, "Activity")
        self.refreshed_until(app_b, r"^1 label · last seen ",
                             "bench B's Activity to count bench A's label")
        app_b.find("label", re.compile(r"^1 label · "))
        app_b.find("label", "Bench A")
        app_b.find("label", re.compile(r"^Bench [AB]$|^None$"))  # the leader
        # Both windows open at the same place: B's on top for the picture.
        subprocess.run(["xdotool", "windowraise", app_b._window()], check=True,
                       capture_output=True, timeout=30)
        shot = app_b.screenshot("site-activity")
        shutil.copy(shot, os.path.join(atspi_app.ARTIFACTS, "site-activity.png"))

        # B's End of Day: A's label, with its bench and operator.
        self.open_tab(app_b, "End of Day")
        app_b.find("label", re.compile(r"^Tracking %s · bench Bench A · by lee · "
                                       % re.escape(tracking)), timeout=60)
        app_b.find("label", "1 label not yet manifested")
        app_b.click(app_b.find("push button", "Create Manifest", sensitive=True))
        made = app_b.find("label", re.compile(r"^Manifest (\d+) created with 1 label\.$"),
                          timeout=90)
        number = re.search(r"(\d+)", app_b.text(made) or atspi_app.name_of(made)).group(1)
        app_b.find("label", "0 labels not yet manifested")
        app_b.find("label", "Manifest %s" % number)

        # B's Audit Log: every bench's rows, with the bench; each chain verified.
        self.open_tab(app_b, "Audit Log")
        app_b.find("label", re.compile(r"(^|\n)Bench A: audit log intact, \d+ rows(\n|$)"),
                   timeout=60)
        app_b.find("label", re.compile(r"(^|\n)Bench B: audit log intact, \d+ rows(\n|$)"))
        view = app_b.find("tree table", "Audit log")
        app_b.find("label", "Bench A", root=view)
        app_b.find("label", "Bench B", root=view)

        # A: its label is in B's manifest.
        self.at(app_a)
        self.open_tab(app_a, "End of Day")
        app_a.find("label", "0 labels not yet manifested", timeout=60)
        app_a.find("label", "Manifest %s" % number)
        app_a.find("label", re.compile(r"^1 label · 1 of this bench’s · made at another bench$"))

    @staticmethod
    def _inside(node, container):
        parent = node.get_parent()
        while parent is not None:
            if atspi_app.same(parent, container):
                return True
            parent = parent.get_parent()
        return False


if __name__ == "__main__":
    unittest.main(verbosity=2)
