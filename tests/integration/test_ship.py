# SPDX-License-Identifier: GPL-3.0-or-later
"""ship(order): Royal Mail label, printing through a private cupsd into a
printer sink, and the Amazon confirmation — never two labels for one order,
whatever breaks on the way."""

import json
import re
import os
import signal
import subprocess
import unittest

from pbtest import Bench, CTL
from shipping import Shipping
import cupsd

PRINTABLE = cupsd.available() is None


def tracking(result):
    lines = [l for l in result.stdout.splitlines() if l.startswith("Tracking: ")]
    return lines[0][len("Tracking: "):] if lines else None


@unittest.skipUnless(PRINTABLE, "needs cupsd and root")
class ShipTestCase(unittest.TestCase):
    mode = "zpl"

    def setUp(self):
        self.bench = Bench(self)
        self.bench.init()
        self.shipping = Shipping(self, self.bench, mode=self.mode)
        self.bench.ok(self.shipping.run("sync"))

    def ship(self, order_id, *extra, env=None):
        return self.shipping.run("ship", order_id, "--weight", "450", *extra, env=env)

    def confirmations(self, order_id):
        return [c for c in self.shipping.api.confirmations() if c.get("orderId") == order_id
                or c.get("order_id") == order_id or order_id in json.dumps(c)]


class Ship(ShipTestCase):
    def test_zpl_label_reaches_the_printer_and_amazon_hears(self):
        order = self.shipping.unshipped()[0]
        result = self.bench.ok(self.ship(order["orderId"]))
        number = tracking(result)
        self.assertRegex(number, r"^RM\d{9}GB$")
        job = self.shipping.sink.wait_for_jobs(1)[0]
        self.assertTrue(job.startswith(b"^XA"), job[:40])
        self.assertIn(b"^GFA,", job)
        self.assertEqual(self.shipping.clickdrop.creates(order["orderId"]), 1)
        confirmations = self.confirmations(order["orderId"])
        self.assertEqual(len(confirmations), 1)
        self.assertIn(number, json.dumps(confirmations[0]))
        rows = json.loads(self.bench.ok(self.bench.as_user(
            "admin", "audit", "list", "--json")).stdout)
        actions = [(r["action"], r["subject"]) for r in rows]
        for action in ("label.created", "label.printed", "amazon.confirmed"):
            self.assertIn((action, order["orderId"]), actions)
        # Shipping it again changes nothing: no second label.
        result = self.bench.ok(self.ship(order["orderId"]))
        self.assertEqual(tracking(result), number)
        self.assertEqual(self.shipping.clickdrop.creates(order["orderId"]), 1)

    def test_stall_after_create_finds_the_existing_order(self):
        # 10 s is room for every other request on a loaded machine; the
        # create's answer is held for two minutes, so only it times out.
        self.bench.ok(self.bench.as_user("admin", "config", "set", "net.timeout_seconds", "10"))
        order = self.shipping.unshipped()[0]
        self.shipping.clickdrop.fault(operation="CreateOrdersAsync", kind="stall_after",
                                      seconds=120)
        result = self.bench.ok(self.ship(order["orderId"]))
        self.assertRegex(tracking(result), r"^RM\d{9}GB$")
        self.assertEqual(self.shipping.clickdrop.creates(order["orderId"]), 1)

    def refusals(self, order_id):
        rows = json.loads(self.bench.ok(self.bench.as_user(
            "admin", "audit", "list", "--json")).stdout)
        return [r.get("detail") for r in rows
                if r["action"] == "order.refused" and r["subject"] == order_id]

    def test_cancelled_at_amazon_right_after_a_sync_is_refused_before_buying(self):
        # The sync in setUp is seconds old: Amazon is asked all the same.
        order = self.shipping.unshipped()[0]
        self.shipping.api.control("POST", "/_test/orders/%s/cancel" % order["orderId"])
        result = self.ship(order["orderId"])
        self.assertEqual(result.returncode, 6, result.stderr)
        self.assertIn("cancelled", result.stderr)
        self.assertIn("Do not send it", result.stderr)
        self.assertIsNone(tracking(result))
        self.assertEqual(self.shipping.clickdrop.creates(order["orderId"]), 0)
        self.assertEqual(self.shipping.sink.jobs, [])
        self.assertEqual(self.confirmations(order["orderId"]), [])
        self.assertEqual(self.refusals(order["orderId"]), ["cancelled"])
        # Long after, too: there is no "recent sync" shortcut either way.
        self.bench.advance(300)
        self.assertEqual(self.ship(order["orderId"]).returncode, 6)
        self.assertEqual(self.shipping.clickdrop.creates(order["orderId"]), 0)

    def test_cancellation_request_right_after_a_sync_is_refused_before_buying(self):
        order = self.shipping.unshipped()[0]
        order_id = order["orderId"]
        self.shipping.api.control("POST", "/_test/orders/%s/cancel-request" % order_id,
                                  {"reason": "Changed mind"})
        result = self.ship(order_id)
        self.assertEqual(result.returncode, 6, result.stderr)
        self.assertIn("asked Amazon to cancel", result.stderr)
        self.assertIn("Seller Central", result.stderr)
        self.assertEqual(self.shipping.clickdrop.creates(order_id), 0)
        self.assertEqual(self.shipping.sink.jobs, [])
        self.assertEqual(self.confirmations(order_id), [])
        self.assertEqual(self.refusals(order_id), ["cancellation requested"])

        # The store holds it now, and a sync keeps it: the order list and
        # the order say so before anyone scans it.
        self.bench.ok(self.shipping.run("sync"))
        listed = json.loads(self.bench.ok(self.shipping.run(
            "orders", "list", "--json")).stdout)
        mine = [o for o in listed if o["id"] == order_id][0]
        self.assertTrue(mine["cancel_requested"])
        self.assertFalse(any(o["cancel_requested"] for o in listed if o["id"] != order_id))
        text = self.bench.ok(self.shipping.run("orders", "list")).stdout
        line = [l for l in text.splitlines() if l.startswith(order_id)][0]
        self.assertIn("cancellation requested", line)
        shown = self.bench.ok(self.shipping.run("orders", "show", order_id)).stdout
        self.assertIn("asked Amazon to cancel", shown)

        # Amazon out of reach now: the last sync's word stops it still.
        self.shipping.api.fault(operation="getOrder", kind="status", status=503, count=50)
        self.assertEqual(self.ship(order_id).returncode, 6)
        self.assertEqual(self.shipping.clickdrop.creates(order_id), 0)

    def test_amazon_unreachable_ships_on_the_last_sync_and_says_so(self):
        first, second = self.shipping.unshipped()[:2]
        # getOrder answers 503 to every attempt (the retries included).
        self.shipping.api.fault(operation="getOrder", kind="status", status=503, count=50)
        result = self.bench.ok(self.ship(first["orderId"]))
        self.assertRegex(tracking(result), r"^RM\d{9}GB$")
        self.assertIn("could not be reached to re-check", result.stderr)
        self.assertIn("what the last sync said", result.stderr)
        self.assertEqual(self.shipping.clickdrop.creates(first["orderId"]), 1)
        self.assertTrue(self.shipping.sink.wait_for_jobs(1)[0].startswith(b"^XA"))
        self.assertTrue(any(r["operation"] == "getOrder"
                            and first["orderId"] in json.dumps(r)
                            for r in self.shipping.api.requests("getOrder")))
        rows = json.loads(self.bench.ok(self.bench.as_user(
            "admin", "audit", "list", "--json")).stdout)
        self.assertIn(("order.recheck_skipped", first["orderId"]),
                      [(r["action"], r["subject"]) for r in rows])

        # The server gone altogether: the same.
        self.shipping.api.control("DELETE", "/_test/faults")
        self.shipping.api.stop()
        result = self.bench.ok(self.ship(second["orderId"]))
        self.assertRegex(tracking(result), r"^RM\d{9}GB$")
        self.assertIn("could not be reached to re-check", result.stderr)
        self.assertEqual(self.shipping.clickdrop.creates(second["orderId"]), 1)

    def test_channel_islands_without_customs_data_is_stopped(self):
        jersey = self.shipping.unshipped("JE") + self.shipping.unshipped("GG")
        self.assertTrue(jersey, "the generator makes Channel Islands orders")
        order = jersey[0]
        sku = order["orderItems"][0]["product"]["sellerSku"]
        result = self.ship(order["orderId"])
        self.assertEqual(result.returncode, 1)
        self.assertIn(sku, result.stderr)
        self.assertIn("customs", result.stderr)
        self.assertEqual(self.shipping.clickdrop.creates(order["orderId"]), 0)

    def test_printer_offline_then_reprint(self):
        order = self.shipping.unshipped()[0]
        port = self.shipping.sink.port
        self.shipping.sink.stop()
        self.bench.ok(self.bench.as_user("admin", "config", "set", "print.timeout_seconds", "4"))
        result = self.ship(order["orderId"])
        self.assertEqual(result.returncode, 1)
        self.assertRegex(result.stderr.lower(), "printer|answer|offline")
        self.assertIn("reprint", result.stderr)
        self.assertEqual(self.shipping.clickdrop.creates(order["orderId"]), 1)

        import printer_sink
        sink = printer_sink.PrinterSink(port=port).start()
        self.addCleanup(sink.stop)
        self.bench.ok(self.shipping.run("label", "reprint", order["orderId"]))
        self.assertTrue(sink.wait_for_jobs(1, timeout=60)[0].startswith(b"^XA"))
        self.assertEqual(self.shipping.clickdrop.creates(order["orderId"]), 1)


class Operations(ShipTestCase):
    def test_override_void_manifest_and_catalogue(self):
        orders = self.shipping.unshipped()
        first, second = orders[0]["orderId"], orders[1]["orderId"]

        # The packer's weight and service override is an audit row.
        result = self.bench.ok(self.shipping.run("ship", first, "--weight", "1200",
                                                 "--service", "TPS48"))
        rows = json.loads(self.bench.ok(self.bench.as_user(
            "admin", "audit", "list", "--action", "label.override", "--json")).stdout)
        self.assertEqual([(r["subject"], r["detail"]) for r in rows],
                         [(first, "weight=1200 service=TPS48 weighed=typed")])
        sent = [r for r in self.shipping.clickdrop.control("GET", "/_test/requests")["requests"]
                if r["method"] == "POST" and r["path"].endswith("/orders")][-1]["body"]
        item = sent["items"][0]
        self.assertEqual(item["postageDetails"]["serviceCode"], "TPS48")
        self.assertEqual(item["packages"][0]["weightInGrams"], 1200)
        self.assertNotIn("emailAddress", json.dumps(sent))

        # The weight can come from the catalogue instead.
        skus = [i["product"]["sellerSku"] for i in orders[1]["orderItems"]]
        csv = os.path.join(self.bench.root, "catalogue.csv")
        with open(csv, "w") as handle:
            handle.write("sku,weight_g,package_format\n")
            for sku in skus:
                handle.write("%s,250,largeLetter\n" % sku)
        result = self.bench.ok(self.bench.as_user("admin", "catalogue", "import", csv))
        self.assertIn("added", result.stdout)
        self.bench.ok(self.shipping.run("ship", second))

        # Void the first label: Click & Drop deletes the order.
        result = self.bench.ok(self.shipping.run("label", "void", first))
        self.assertIn("charged", result.stderr)
        deletes = [r for r in self.shipping.clickdrop.control("GET", "/_test/requests")["requests"]
                   if r["method"] == "DELETE"]
        self.assertEqual(len(deletes), 1)
        self.assertEqual(deletes[0]["status"], 200)
        shown = json.loads(self.bench.ok(self.bench.as_user(
            "admin", "orders", "show", first, "--json")).stdout)
        self.assertIsNone(shown["tracking"])

        # End of day: the manifest holds the labels not yet manifested.
        waiting = json.loads(self.bench.ok(self.shipping.run(
            "labels", "list", "--unmanifested", "--json")).stdout)
        self.assertEqual([(r["order_id"], r["operator"], r["manifest"]) for r in waiting],
                         [(second, "admin", None)])
        result = self.bench.ok(self.shipping.run("manifest"))
        number = int(re.search(r"Manifest: (\d+)", result.stdout).group(1))
        self.assertIn("1 labels", result.stderr)
        self.assertEqual(json.loads(self.bench.ok(self.shipping.run(
            "labels", "list", "--unmanifested", "--json")).stdout), [])
        labels = json.loads(self.bench.ok(self.shipping.run("labels", "list", "--json")).stdout)
        self.assertEqual([(r["order_id"], r["manifest"]) for r in labels], [(second, number)])
        self.assertEqual(len(labels[0]["bench"]) > 0, True)
        usage = self.shipping.run("labels", "show")
        self.assertEqual(usage.returncode, 2)

    def test_packer_cannot_void(self):
        order = self.shipping.unshipped()[0]["orderId"]
        self.bench.add_user("pat", "packer")
        self.bench.ok(self.shipping.run("ship", order, "--weight", "300", user="pat"))
        result = self.shipping.run("label", "void", order, user="pat")
        self.assertEqual(result.returncode, 4)
        # A packer may reprint the label they printed last.
        self.bench.ok(self.shipping.run("label", "reprint", order, user="pat"))
        self.assertEqual(len(self.shipping.sink.wait_for_jobs(2)), 2)


class Printing(ShipTestCase):
    """Who may print where, and that every print of an address is on record
    before the job reaches CUPS (issue 15, items 7 and 10)."""

    def audit(self, action=None):
        args = ["audit", "list", "--json"] + (["--action", action] if action else [])
        return json.loads(self.bench.ok(self.bench.as_user("admin", *args)).stdout)

    def test_interrupted_reprint_is_on_record(self):
        order = self.shipping.unshipped()[0]["orderId"]
        self.bench.add_user("pat", "packer")
        self.bench.ok(self.shipping.run("ship", order, "--weight", "300", user="pat"))
        self.shipping.sink.wait_for_jobs(1)
        # The label printer now takes a job and never finishes it.
        import printer_sink
        hold = printer_sink.PrinterSink(hold=True).start()
        self.addCleanup(hold.stop)
        self.shipping.cups.add_raw_queue("labels-hold", "socket://127.0.0.1:%d" % hold.port)
        self.bench.ok(self.bench.as_user("admin", "config", "set", "print.printer", "labels-hold",
                                         "print.timeout_seconds", "600"))
        env = self.bench.env(self.shipping.env)
        process = subprocess.Popen(
            [CTL, "--store", self.bench.dir, "label", "reprint", order, "--user", "pat"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env=env)
        self.addCleanup(lambda: process.poll() is None and process.kill())
        process.stdin.write(self.bench.passwords["pat"] + "\n")
        process.stdin.close()
        # The printer has the label: CUPS holds the job, the CLI waits on it.
        self.assertTrue(hold.wait_for_jobs(1, timeout=60)[0].startswith(b"^XA"))
        self.assertIsNone(process.poll())
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
        process.stdout.close()
        process.stderr.close()
        self.assertNotEqual(process.returncode, 0)
        # The address went to the printer: the log says who sent it.
        rows = [r for r in self.audit() if r["subject"] == order]
        requested = [r for r in rows if r["action"] == "label.print_requested"]
        self.assertEqual(len(requested), 2, rows)  # the first print and the reprint
        self.assertEqual(requested[-1]["operator"], "pat")
        self.assertIn("labels-hold", requested[-1]["detail"])
        self.assertNotIn("label.reprinted", [r["action"] for r in rows])
        # And the first print: requested, then printed, in that order.
        actions = [r["action"] for r in rows]
        self.assertLess(actions.index("label.print_requested"), actions.index("label.printed"))

    def test_packer_may_not_print_test_labels(self):
        self.bench.add_user("pat", "packer")
        result = self.shipping.run("print-test", user="pat")
        self.assertEqual(result.returncode, 4, result.stderr)
        self.assertIn("Not permitted", result.stderr)
        denied = self.audit("permission.denied")
        self.assertIn(("pat", "print.test", "settings.change"),
                      [(r["operator"], r["subject"], r["detail"]) for r in denied])
        self.assertEqual(self.shipping.sink.jobs, [])
        # An administrator may.
        self.bench.ok(self.shipping.run("print-test"))
        self.assertTrue(self.shipping.sink.wait_for_jobs(1)[0].startswith(b"^XA"))

    def test_only_supervisors_choose_the_printer(self):
        first, second = [o["orderId"] for o in self.shipping.unshipped()[:2]]
        self.bench.add_user("pat", "packer")
        self.bench.add_user("sue", "supervisor")

        # A packer's --printer is refused before anything is bought or printed.
        result = self.shipping.run("ship", first, "--weight", "300", "--printer", "labels-pdf",
                                   user="pat")
        self.assertEqual(result.returncode, 4, result.stderr)
        self.assertIn("Not permitted", result.stderr)
        self.assertEqual(self.shipping.clickdrop.creates(first), 0)
        self.bench.ok(self.shipping.run("ship", first, "--weight", "300", user="pat"))
        self.shipping.sink.wait_for_jobs(1)
        result = self.shipping.run("label", "reprint", first, "--printer", "labels-pdf",
                                   user="pat")
        self.assertEqual(result.returncode, 4, result.stderr)
        self.assertIn("Not permitted", result.stderr)
        denied = [(r["operator"], r["subject"], r["detail"])
                  for r in self.audit("permission.denied")]
        self.assertEqual(denied.count(("pat", "labels-pdf", "print.choose_printer")), 2)
        self.assertEqual(self.shipping.driver_sink.jobs, [])
        self.assertEqual(len(self.shipping.sink.jobs), 1)

        # A supervisor may send a label elsewhere.
        self.bench.ok(self.shipping.run("label", "reprint", first, "--printer", "labels-pdf",
                                        user="sue"))
        self.assertIn(b"^XA", self.shipping.driver_sink.wait_for_jobs(1, timeout=60)[0])
        self.bench.ok(self.shipping.run("ship", second, "--weight", "300", "--printer",
                                        "labels-pdf", user="sue"))
        self.assertEqual(len(self.shipping.driver_sink.wait_for_jobs(2, timeout=60)), 2)


class Crash(ShipTestCase):
    """Killing the process between any two steps, then shipping again,
    finishes with exactly one label bought and one confirmation sent."""

    POINTS = ("ship.after-queue-label", "ship.after-label-created", "ship.after-label-stored",
              "ship.after-print", "ship.after-queue-confirm", "outbox.after-send")

    def test_crash_at_every_step(self):
        orders = self.shipping.unshipped()
        self.assertGreaterEqual(len(orders), len(self.POINTS))
        for point, order in zip(self.POINTS, orders):
            with self.subTest(point=point):
                result = self.ship(order["orderId"], env={"PACKBENCH_FAULT": point})
                self.assertEqual(result.returncode, 99, point + ": " + result.stderr)
                result = self.bench.ok(self.ship(order["orderId"]))
                self.assertRegex(tracking(result), r"^RM\d{9}GB$")
                self.assertEqual(self.shipping.clickdrop.creates(order["orderId"]), 1, point)
                self.assertEqual(len(self.confirmations(order["orderId"])), 1, point)


class LostAnswer(ShipTestCase):
    """The network's crash test: Click & Drop acts on a request, then resets
    the connection before answering. Nothing may be done twice: exactly one
    order, one deletion, one manifest (issue 18)."""

    def requests(self, operation):
        return self.shipping.clickdrop.control(
            "GET", "/_test/requests?operation=" + operation)["requests"]

    def for_reference(self, reference):
        """(method, status) of the API requests about @reference, in order."""
        found = []
        for r in self.shipping.clickdrop.control("GET", "/_test/requests")["requests"]:
            if r["operation"] == "GetSpecificOrdersAsync" and reference in r["path"]:
                found.append((r["method"], r["status"]))
            elif r["operation"] == "CreateOrdersAsync" and reference in json.dumps(r["body"]):
                found.append((r["method"], r["status"]))
        return found

    def test_create_reset_after_lookup_adopts_the_order(self):
        # The log: look-up 404 on a keep-alive connection, then the
        # create is done and its answer lost. Never a second create.
        order = self.shipping.unshipped()[0]["orderId"]
        self.shipping.clickdrop.fault(operation="CreateOrdersAsync", kind="reset")
        result = self.bench.ok(self.ship(order))
        number = tracking(result)
        self.assertRegex(number, r"^RM\d{9}GB$")
        self.assertEqual(self.shipping.clickdrop.creates(order), 1)
        self.assertEqual(self.for_reference(order),
                         [("GET", 404), ("POST", 0), ("GET", 200)])
        stored = self.shipping.clickdrop.control("GET", "/_test/orders")["orders"]
        mine = [o for o in stored if o.get("orderReference") == order
                or o.get("request", {}).get("orderReference") == order]
        self.assertEqual(len(mine), 1)
        self.assertIn(number, json.dumps(mine[0]))
        # The adopted label is printed once and Amazon hears once.
        self.assertEqual(len(self.shipping.sink.wait_for_jobs(1)), 1)
        self.assertEqual(len(self.confirmations(order)), 1)
        self.assertIn(number, json.dumps(self.confirmations(order)[0]))

    def test_create_reset_and_lookup_down_waits_then_adopts(self):
        order = self.shipping.unshipped()[0]["orderId"]
        self.bench.ok(self.bench.as_user("admin", "config", "set", "net.max_retries", "1"))
        self.shipping.clickdrop.fault(operation="CreateOrdersAsync", kind="reset")
        # The look-up before the create works; the one after it does not.
        self.shipping.clickdrop.fault(operation="GetSpecificOrdersAsync", kind="status",
                                      status=503, after=1, count=2)
        result = self.ship(order)
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn("looks it up", result.stderr)
        self.assertEqual(self.shipping.clickdrop.creates(order), 1)
        self.assertEqual(self.shipping.sink.jobs, [])
        outbox = json.loads(self.bench.ok(self.bench.as_user(
            "admin", "outbox", "list", "--all", "--json")).stdout)
        labels = [item for item in outbox if item["order_id"] == order]
        self.assertEqual([item["state"] for item in labels], ["pending"])
        # Shipping again looks it up first, and adopts what Royal Mail has.
        result = self.bench.ok(self.ship(order))
        self.assertRegex(tracking(result), r"^RM\d{9}GB$")
        self.assertEqual(self.shipping.clickdrop.creates(order), 1)
        self.assertEqual([m for m, _ in self.for_reference(order)].count("POST"), 1)
        self.assertEqual(len(self.shipping.sink.wait_for_jobs(1)), 1)

    def test_void_reset_deletes_once(self):
        order = self.shipping.unshipped()[0]["orderId"]
        self.bench.ok(self.ship(order))
        self.shipping.clickdrop.fault(operation="DeleteOrdersAsync", kind="reset")
        # The deletion is sent again (DELETE is idempotent): the order is
        # gone already, which counts as voided.
        self.bench.ok(self.shipping.run("label", "void", order))
        statuses = [r["status"] for r in self.requests("DeleteOrdersAsync")]
        self.assertEqual(statuses, [0, 404])
        deleted = self.shipping.clickdrop.control("GET", "/_test/orders")["deleted"]
        self.assertEqual(len([o for o in deleted if order in json.dumps(o)]), 1)
        shown = json.loads(self.bench.ok(self.bench.as_user(
            "admin", "orders", "show", order, "--json")).stdout)
        self.assertIsNone(shown["tracking"])

    def test_manifest_reset_makes_one_manifest(self):
        order = self.shipping.unshipped()[0]["orderId"]
        self.bench.ok(self.ship(order))
        self.shipping.clickdrop.fault(operation="ManifestEligibleAsync", kind="reset")
        result = self.shipping.run("manifest")
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn("may have been made all the same", result.stderr)
        self.assertEqual(len(self.requests("ManifestEligibleAsync")), 1)
        manifests = self.shipping.clickdrop.control("GET", "/_test/manifests")["manifests"]
        self.assertEqual(len(manifests), 1)
        # Asking again makes no second manifest: its orders are on the first.
        result = self.shipping.run("manifest")
        self.assertEqual(result.returncode, 1, result.stderr)
        manifests = self.shipping.clickdrop.control("GET", "/_test/manifests")["manifests"]
        self.assertEqual(len(manifests), 1)
class ExplicitService(ShipTestCase):
    """Issue 17: `ship --service` is enough on its own, on a store with no
    rule and no royalmail.default_service; the package format then comes
    from the catalogue or the stated default, or the refusal says which is
    missing. Bad codes are refused before anything is bought."""

    def setUp(self):
        super().setUp()
        self.bench.ok(self.bench.as_user("admin", "config", "set",
                                         "royalmail.default_service", ""))
        self.orders = self.shipping.unshipped()

    def sent(self, order_id):
        """What the last create of @order_id asked Click & Drop for."""
        creates = [r["body"] for r in
                   self.shipping.clickdrop.control("GET", "/_test/requests")["requests"]
                   if r["method"] == "POST" and r["path"].endswith("/orders")
                   and order_id in json.dumps(r["body"])]
        return creates[-1]["items"][0]

    def import_formats(self, order, formats):
        path = os.path.join(self.bench.root, "catalogue.csv")
        skus = [i["product"]["sellerSku"] for i in order["orderItems"]]
        with open(path, "w") as handle:
            handle.write("sku,weight_g,package_format\n")
            for sku, package in zip(skus, formats):
                handle.write("%s,200,%s\n" % (sku, package))
        self.bench.ok(self.bench.as_user("admin", "catalogue", "import", path))
        return skus

    def assertNothingBought(self, order_id):
        self.assertEqual(self.shipping.clickdrop.creates(order_id), 0)
        self.assertEqual(self.shipping.sink.jobs, [])
        self.assertEqual(self.confirmations(order_id), [])

    def test_without_it_nothing_chooses_a_service(self):
        order = self.orders[0]["orderId"]
        result = self.ship(order)
        self.assertEqual(result.returncode, 1)
        self.assertIn("no default Royal Mail service is set", result.stderr)
        self.assertNothingBought(order)

    def test_the_catalogue_gives_the_package(self):
        order = next(o for o in self.orders if len(o["orderItems"]) > 1)
        count = len(order["orderItems"])
        # The bigger box holds the order.
        self.import_formats(order, ["largeLetter"] * (count - 1) + ["mediumParcel"])
        result = self.bench.ok(self.ship(order["orderId"], "--service", "TPN24"))
        self.assertRegex(tracking(result), r"^RM\d{9}GB$")
        item = self.sent(order["orderId"])
        self.assertEqual(item["postageDetails"]["serviceCode"], "TPN24")
        self.assertEqual(item["packages"][0]["packageFormatIdentifier"], "mediumParcel")
        self.assertEqual(self.shipping.clickdrop.creates(order["orderId"]), 1)
        self.shipping.sink.wait_for_jobs(1)

    def test_neither_catalogue_nor_default_says_which_is_missing(self):
        order = self.orders[0]
        skus = [i["product"]["sellerSku"] for i in order["orderItems"]]
        result = self.ship(order["orderId"], "--service", "TPN24")
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn("no package format for SKU", result.stderr)
        self.assertIn(skus[0], result.stderr)
        self.assertIn("royalmail.default_package_format is not set", result.stderr)
        self.assertNotIn("no default Royal Mail service", result.stderr)
        self.assertNothingBought(order["orderId"])

        # The stated default is enough.
        self.bench.ok(self.bench.as_user("admin", "config", "set",
                                         "royalmail.default_package_format", "largeLetter"))
        self.bench.ok(self.ship(order["orderId"], "--service", "TPN24"))
        item = self.sent(order["orderId"])
        self.assertEqual(item["postageDetails"]["serviceCode"], "TPN24")
        self.assertEqual(item["packages"][0]["packageFormatIdentifier"], "largeLetter")

    def test_a_bad_service_code_buys_nothing(self):
        order = self.orders[0]
        self.import_formats(order, ["smallParcel"] * len(order["orderItems"]))
        result = self.ship(order["orderId"], "--service", "tpn 24")
        self.assertEqual(result.returncode, 1)
        self.assertIn("“tpn 24” is not a Royal Mail service code", result.stderr)
        self.assertNothingBought(order["orderId"])
        # Well formed but not a service Click & Drop knows: refused there.
        result = self.ship(order["orderId"], "--service", "ZZZ99")
        self.assertEqual(result.returncode, 1)
        self.assertIn("made no label", result.stderr)
        self.assertIn("postageDetails.serviceCode: Service code could not be found",
                      result.stderr)
        self.assertNothingBought(order["orderId"])


class PdfMode(ShipTestCase):
    mode = "pdf"

    def test_pdf_through_the_zebra_driver(self):
        order = self.shipping.unshipped()[0]
        self.bench.ok(self.ship(order["orderId"]))
        job = self.shipping.driver_sink.wait_for_jobs(1, timeout=60)[0]
        self.assertIn(b"^XA", job)


if __name__ == "__main__":
    unittest.main(verbosity=2)
