# SPDX-License-Identifier: GPL-3.0-or-later
"""ship(order): Royal Mail label, printing through a private cupsd into a
printer sink, and the Amazon confirmation — never two labels for one order,
whatever breaks on the way."""

import json
import os
import unittest

from pbtest import Bench
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
        self.bench.ok(self.bench.as_user("admin", "config", "set", "net.timeout_seconds", "2"))
        order = self.shipping.unshipped()[0]
        self.shipping.clickdrop.fault(operation="CreateOrdersAsync", kind="stall_after",
                                      seconds=6)
        result = self.bench.ok(self.ship(order["orderId"]))
        self.assertRegex(tracking(result), r"^RM\d{9}GB$")
        self.assertEqual(self.shipping.clickdrop.creates(order["orderId"]), 1)

    def test_cancelled_at_amazon_after_sync_is_refused_before_buying(self):
        order = self.shipping.unshipped()[0]
        self.shipping.api.control("POST", "/_test/orders/%s/cancel" % order["orderId"])
        self.bench.advance(300)  # the last sync is now older than a few minutes
        result = self.ship(order["orderId"])
        self.assertEqual(result.returncode, 1)
        self.assertIn("cancelled", result.stderr)
        self.assertEqual(self.shipping.clickdrop.creates(order["orderId"]), 0)
        self.assertEqual(self.shipping.sink.jobs, [])

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
                         [(first, "weight=1200 service=TPS48")])
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
        result = self.bench.ok(self.shipping.run("manifest"))
        self.assertRegex(result.stdout, r"Manifest: \d+")
        self.assertIn("1 labels", result.stderr)

    def test_packer_cannot_void(self):
        order = self.shipping.unshipped()[0]["orderId"]
        self.bench.add_user("pat", "packer")
        self.bench.ok(self.shipping.run("ship", order, "--weight", "300", user="pat"))
        result = self.shipping.run("label", "void", order, user="pat")
        self.assertEqual(result.returncode, 4)
        # A packer may reprint the label they printed last.
        self.bench.ok(self.shipping.run("label", "reprint", order, user="pat"))
        self.assertEqual(len(self.shipping.sink.wait_for_jobs(2)), 2)


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
