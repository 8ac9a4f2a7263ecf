# SPDX-License-Identifier: GPL-3.0-or-later
"""packbenchctl ship ORDER --parcel GRAMS[:SKU*QTY,…]: an order that does
not fit one parcel goes as several. One Click & Drop order carries every
parcel (a label page and a tracking number each), Amazon gets one
confirmation per parcel with its own packageReferenceId and items, and a
crash at any step still ends with one label per parcel and one
confirmation per parcel (issue 16)."""

import copy
import json
import os
import unittest

from pbtest import Bench
from shipping import Shipping
import cupsd
import test_site

PRINTABLE = cupsd.available() is None
ORDER = "205-0007000-0009200"
MUG, LID = "PB-PARCEL-MUG", "PB-PARCEL-LID"
MUG_ITEM, LID_ITEM = "20500070001", "20500070002"


def trackings(result):
    return [l[len("Tracking: "):] for l in result.stdout.splitlines()
            if l.startswith("Tracking: ")]


@unittest.skipUnless(PRINTABLE, "needs cupsd and root")
class ParcelsTestCase(unittest.TestCase):
    mode = "zpl"

    def setUp(self):
        self.bench = Bench(self)
        self.bench.init()
        self.shipping = Shipping(self, self.bench, orders=4, mode=self.mode)
        template = self.shipping.unshipped()[0]
        self.shipping.api.control("POST", "/_test/orders", {"add": [self.two_items(template)]})
        self.bench.ok(self.shipping.run("sync"))

    @staticmethod
    def two_items(template):
        """Three mugs and a lid: too much for one parcel."""
        order = copy.deepcopy(template)
        order["orderId"] = ORDER
        order.pop("orderAliases", None)
        order.pop("packages", None)
        order["fulfillment"]["fulfillmentStatus"] = "UNSHIPPED"
        items = []
        for item_id, sku, quantity in ((MUG_ITEM, MUG, 3), (LID_ITEM, LID, 1)):
            item = copy.deepcopy(order["orderItems"][0])
            item["orderItemId"] = item_id
            item["quantityOrdered"] = quantity
            item["product"]["sellerSku"] = sku
            item["product"]["asin"] = "B0PARCEL%02d" % len(items)
            item["product"]["title"] = "Parcel test " + sku
            item["fulfillment"] = {"quantityFulfilled": 0, "quantityUnfulfilled": quantity}
            item.pop("cancellation", None)
            items.append(item)
        order["orderItems"] = items
        return order

    def ship(self, *parcels, env=None):
        args = []
        for parcel in parcels:
            args += ["--parcel", parcel]
        return self.shipping.run("ship", ORDER, *args, env=env)

    def ship_two(self, env=None):
        return self.ship("1800:%s*2" % MUG, "1100:%s*1,%s*1" % (MUG, LID), env=env)

    def clickdrop_orders(self):
        return [o for o in self.shipping.clickdrop.control("GET", "/_test/orders")["orders"]
                if o.get("orderReference") == ORDER]

    def confirmations(self):
        return [c for c in self.shipping.api.confirmations() if c.get("orderId") == ORDER]

    def amazon_packages(self):
        order = self.shipping.api.control("GET", "/_test/orders/" + ORDER)["order"]
        return order.get("packages") or []

    def assert_shipped_as_two(self, numbers):
        self.assertEqual(len(numbers), 2, numbers)
        self.assertNotEqual(numbers[0], numbers[1])
        for number in numbers:
            self.assertRegex(number, r"^RM\d{9}GB$")
        # One Click & Drop order, one package (and tracking number) per parcel.
        self.assertEqual(self.shipping.clickdrop.creates(ORDER), 1)
        stored = self.clickdrop_orders()
        self.assertEqual(len(stored), 1)
        packages = stored[0]["request"]["packages"]
        self.assertEqual([p["weightInGrams"] for p in packages], [1800, 1100])
        self.assertEqual([[(c["SKU"], c["quantity"]) for c in p["contents"]] for p in packages],
                         [[(MUG, 2)], [(MUG, 1), (LID, 1)]])
        self.assertEqual([p["trackingNumber"] for p in stored[0]["packages"]], numbers)
        # Amazon: one confirmation per parcel, each with its own items.
        sent = [c for c in self.confirmations() if not c["duplicate"]]
        self.assertEqual(len(sent), 2)
        by_reference = {c["packageReferenceId"]: c["body"]["packageDetail"] for c in sent}
        self.assertEqual(sorted(by_reference), ["1", "2"])
        self.assertEqual(by_reference["1"]["trackingNumber"], numbers[0])
        self.assertEqual(by_reference["2"]["trackingNumber"], numbers[1])
        self.assertEqual([(i["orderItemId"], i["quantity"])
                          for i in by_reference["1"]["orderItems"]], [(MUG_ITEM, 2)])
        self.assertEqual(sorted((i["orderItemId"], i["quantity"])
                                for i in by_reference["2"]["orderItems"]),
                         [(MUG_ITEM, 1), (LID_ITEM, 1)])
        self.assertEqual(sorted(p["trackingNumber"] for p in self.amazon_packages()),
                         sorted(numbers))


class Parcels(ParcelsTestCase):
    def test_two_parcels_two_labels_two_confirmations(self):
        result = self.bench.ok(self.ship_two())
        numbers = trackings(result)
        self.assert_shipped_as_two(numbers)
        # Both labels printed, one ZPL format per parcel.
        job = self.shipping.sink.wait_for_jobs(1)[0]
        self.assertEqual(job.count(b"^XA"), 2)
        self.assertEqual(job.count(b"^XZ"), 2)
        rows = json.loads(self.bench.ok(self.bench.as_user(
            "admin", "audit", "list", "--json")).stdout)
        shipped = [r for r in rows if r["action"] == "order.shipped" and r["subject"] == ORDER]
        self.assertEqual([r["detail"] for r in shipped], ["parcels=2"])
        # Each parcel's weight, and that the packer typed it, is on record.
        weights = [r["detail"] for r in rows if r["action"] == "label.override"
                   and r["subject"] == ORDER]
        self.assertEqual(len(weights), 2, weights)
        self.assertRegex(weights[0], r"^parcel=1 weight=1800 service=\w+ weighed=typed$")
        self.assertRegex(weights[1], r"^parcel=2 weight=1100 service=\w+ weighed=typed$")
        self.assertEqual(len([r for r in rows if r["action"] == "amazon.confirmed"
                              and r["subject"] == ORDER]), 2)
        # Shipping it again changes nothing: the same two numbers.
        again = self.bench.ok(self.shipping.run("ship", ORDER))
        self.assertEqual(trackings(again), numbers)
        self.assert_shipped_as_two(numbers)

    def test_one_parcel_with_every_item_is_the_order_as_one(self):
        result = self.bench.ok(self.ship("2600:%s*3,%s*1" % (MUG, LID)))
        numbers = trackings(result)
        self.assertEqual(len(numbers), 1)
        stored = self.clickdrop_orders()
        self.assertEqual([p["weightInGrams"] for p in stored[0]["request"]["packages"]], [2600])
        self.assertEqual(len([c for c in self.confirmations() if not c["duplicate"]]), 1)


class SplitByQuantity(ParcelsTestCase):
    def catalogue(self, rows):
        path = os.path.join(self.bench.root, "catalogue.csv")
        with open(path, "w") as f:
            f.write("sku,weight_g,package_format,units_per_parcel\n" + rows)
        return self.bench.as_user("admin", "catalogue", "import", path)

    def test_the_catalogue_splits_an_order_by_quantity(self):
        self.bench.ok(self.catalogue("%s,700,parcel,2\n%s,150,parcel,\n" % (MUG, LID)))
        numbers = trackings(self.bench.ok(self.shipping.run("ship", ORDER)))
        self.assertEqual(len(numbers), 3)
        stored = self.clickdrop_orders()
        packages = stored[0]["request"]["packages"]
        self.assertEqual([p["weightInGrams"] for p in packages], [1400, 700, 150])
        self.assertEqual([[(c["SKU"], c["quantity"]) for c in p["contents"]] for p in packages],
                         [[(MUG, 2)], [(MUG, 1)], [(LID, 1)]])
        sent = [c for c in self.confirmations() if not c["duplicate"]]
        self.assertEqual(sorted(c["packageReferenceId"] for c in sent), ["1", "2", "3"])

    def test_a_weighed_parcel_is_not_split_and_bad_counts_are_refused(self):
        self.bench.ok(self.catalogue("%s,700,parcel,2\n%s,150,parcel,\n" % (MUG, LID)))
        # The packer weighed the whole order as one parcel: it goes as one.
        self.assertEqual(len(trackings(self.bench.ok(self.shipping.run(
            "ship", ORDER, "--weight", "2400")))), 1)
        for bad in ("0", "1000", "two"):
            with self.subTest(units=bad):
                result = self.catalogue("%s,700,parcel,%s\n" % (MUG, bad))
                self.assertEqual(result.returncode, 1, result.stderr)
                self.assertIn("column units_per_parcel", result.stderr)
                self.assertIn("Nothing was imported", result.stderr)


class PdfParcels(ParcelsTestCase):
    mode = "pdf"

    def test_pdf_mode_prints_a_page_per_parcel(self):
        numbers = trackings(self.bench.ok(self.ship_two()))
        self.assert_shipped_as_two(numbers)
        # CUPS's Zebra driver sends each PDF page as a stored graphic
        # (~DG), then a format that prints it (^XG): one of each per parcel.
        job = self.shipping.driver_sink.wait_for_jobs(1, timeout=60)[0]
        self.assertEqual(job.count(b"~DG"), 2)
        self.assertEqual(job.count(b"^XG"), 2)


class Crash(ParcelsTestCase):
    """Killing the process between any two steps, then shipping again
    (without saying the parcels again), ends with one label per parcel and
    one confirmation per parcel."""

    POINTS = ("ship.after-queue-label", "ship.after-label-created", "ship.after-label-stored",
              "ship.after-print", "ship.after-queue-confirm", "outbox.after-send")

    def test_crash_at_every_step(self):
        for point in self.POINTS:
            with self.subTest(point=point):
                self.setUp_again()
                crashed = self.ship_two(env={"PACKBENCH_FAULT": point})
                self.assertEqual(crashed.returncode, 99, point + ": " + crashed.stderr)
                result = self.bench.ok(self.shipping.run("ship", ORDER))
                self.assert_shipped_as_two(trackings(result))

    def setUp_again(self):
        """A fresh bench and servers for each crash point."""
        if getattr(self, "_fresh", False):
            self.doCleanups()
            self.setUp()
        self._fresh = True

    def test_other_parcels_after_a_lost_purchase_are_refused(self):
        crashed = self.ship_two(env={"PACKBENCH_FAULT": "ship.after-label-created"})
        self.assertEqual(crashed.returncode, 99, crashed.stderr)
        other = self.ship("1500:%s*3" % MUG, "500:%s*1" % LID)
        self.assertEqual(other.returncode, 1, other.stderr)
        self.assertIn("did not finish", other.stderr)
        self.assertIn("without changing the parcels", other.stderr)
        self.assertEqual(self.shipping.clickdrop.creates(ORDER), 1)
        self.assertEqual(trackings(other), [])
        # The same parcels finish it.
        self.assert_shipped_as_two(trackings(self.bench.ok(self.ship_two())))


class BadInput(ParcelsTestCase):
    def test_bad_parcels_are_refused_in_words_and_buy_nothing(self):
        cases = [
            (("heavy",), "is not a parcel"),
            (("900:",), "Parcel 1 has nothing in it"),
            (("900:%s*x" % MUG,), "is not a parcel"),
            (("0:%s*3,%s*1" % (MUG, LID),), "is not a parcel"),
            (("900:NO-SUCH-SKU*1", "900:%s*3,%s*1" % (MUG, LID)), "has no item NO-SUCH-SKU"),
            (("900:%s*4" % MUG, "300:%s*1" % LID), "the order has 3 to send"),
            (("900:%s*2" % MUG, "300:%s*1" % LID), "every unit goes in exactly one parcel"),
            (("900", "300:%s*1" % LID), "say what goes in each"),
            (("40000:%s*3" % MUG, "300:%s*1" % LID), "Royal Mail takes 1 to 30000 g"),
        ]
        for parcels, message in cases:
            with self.subTest(parcels=parcels):
                result = self.ship(*parcels)
                self.assertNotEqual(result.returncode, 0, result.stdout)
                self.assertIn(message, result.stderr)
                self.assertEqual(trackings(result), [])
        both = self.shipping.run("ship", ORDER, "--weight", "900", "--parcel", "900")
        self.assertEqual(both.returncode, 2, both.stderr)
        self.assertIn("Give the weight with each --parcel", both.stderr)
        self.assertEqual(self.shipping.clickdrop.creates(ORDER), 0)
        self.assertEqual(self.confirmations(), [])
        self.assertEqual(self.shipping.sink.jobs, [])
        # Nothing was lost: the order still ships, split as it should be.
        self.assert_shipped_as_two(trackings(self.bench.ok(self.ship_two())))


class Site(test_site.Shipping2):
    """At a site every parcel is a label of its own: End of Day lists and
    manifests them all."""

    orders = 4

    def setUp(self):
        super().setUp()
        template = self.shipping.unshipped()[0]
        self.shipping.api.control("POST", "/_test/orders",
                                  {"add": [ParcelsTestCase.two_items(template)]})
        self.a.ok(self.run_at(self.a, "sync"))
        self.b.ok(self.run_at(self.b, "sync"))

    def test_each_parcel_is_a_label_of_the_site(self):
        result = self.b.ok(self.b.as_user(
            "sam", "ship", ORDER, "--parcel", "1800:%s*2" % MUG,
            "--parcel", "1100:%s*1,%s*1" % (MUG, LID), env=self.shipping.env))
        numbers = trackings(result)
        self.assertEqual(len(numbers), 2)
        # Bench A sees both labels, Bench B's, waiting for End of Day.
        labels = json.loads(self.a.ok(self.run_at(
            self.a, "labels", "list", "--unmanifested", "--json")).stdout)
        mine = [l for l in labels if l["order_id"] == ORDER]
        self.assertEqual(sorted(l["tracking_number"] for l in mine), sorted(numbers))
        self.assertEqual({l["bench"] for l in mine}, {"Bench B"})
        # Bench A cannot ship it again.
        again = self.run_at(self.a, "ship", ORDER, "--weight", "900", user="pat")
        self.assertNotEqual(again.returncode, 0)
        self.assertEqual(self.shipping.clickdrop.creates(ORDER), 1)
        # End of Day at Bench A: one manifest takes both parcels' labels.
        self.a.add_user("sue", "supervisor")
        made = self.a.ok(self.run_at(self.a, "manifest", user="sue"))
        self.assertIn("2 labels of the site’s benches are in the manifest", made.stderr)
        waiting = json.loads(self.a.ok(self.run_at(
            self.a, "labels", "list", "--unmanifested", "--json")).stdout)
        self.assertEqual([l for l in waiting if l["order_id"] == ORDER], [])


if __name__ == "__main__":
    unittest.main()
