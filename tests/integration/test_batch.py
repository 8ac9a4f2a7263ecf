# SPDX-License-Identifier: GPL-3.0-or-later
"""packbenchctl ship --batch SKU: the single-item orders waiting for one
item, shipped one after another, oldest ship-by first — each its own
exactly-once ship, whatever breaks on the way (issue 16)."""

import copy
import datetime
import json
import unittest

from pbtest import Bench
from shipping import Shipping
import cupsd
import test_site

PRINTABLE = cupsd.available() is None
SKU = "PB-BATCH-MUG"


def trackings(result):
    return [l[len("Tracking: "):] for l in result.stdout.splitlines()
            if l.startswith("Tracking: ")]


def started(result):
    """The orders in the order the batch began them ("Order i of n: ID…")."""
    found = []
    for line in result.stderr.splitlines():
        if line.startswith("Order ") and " of " in line and line.endswith("…"):
            found.append(line.split(": ", 1)[1][:-1])
    return found


@unittest.skipUnless(PRINTABLE, "needs cupsd and root")
class BatchTestCase(unittest.TestCase):
    def setUp(self):
        self.bench = Bench(self)
        self.bench.init()
        self.shipping = Shipping(self, self.bench, orders=4)
        template = self.shipping.unshipped()[0]
        now = datetime.datetime.now(datetime.timezone.utc)
        # Added newest ship-by first, so the batch's order is not the
        # servers' order of creation.
        self.batch_ids = []
        orders = []
        for n in range(5):
            order_id = "204-%07d-%07d" % (5000 + n, 9000 + n)
            ship_by = now + datetime.timedelta(hours=10 - 2 * n)
            orders.append(self.single_item(template, order_id, ship_by, SKU))
            self.batch_ids.insert(0, order_id)
        # Two units of the SKU, or another item with it: not single-item.
        two = self.single_item(template, "204-0006000-0009100", now, SKU)
        two["orderItems"][0]["quantityOrdered"] = 2
        two["orderItems"][0]["fulfillment"]["quantityUnfulfilled"] = 2
        orders.append(two)
        orders.append(self.single_item(template, "204-0006001-0009101", now, "PB-OTHER-SKU"))
        self.shipping.api.control("POST", "/_test/orders", {"add": orders})
        self.bench.ok(self.shipping.run("sync"))

    @staticmethod
    def single_item(template, order_id, ship_by, sku):
        order = copy.deepcopy(template)
        order["orderId"] = order_id
        order.pop("orderAliases", None)
        order.pop("packages", None)
        order["fulfillment"]["fulfillmentStatus"] = "UNSHIPPED"
        latest = ship_by.strftime("%Y-%m-%dT%H:%M:%SZ")
        order["fulfillment"]["shipByWindow"]["latestDateTime"] = latest
        item = copy.deepcopy(order["orderItems"][0])
        item["orderItemId"] = order_id.replace("-", "")[:12] + "01"
        item["quantityOrdered"] = 1
        item["product"]["sellerSku"] = sku
        item["product"]["asin"] = "B0BATCH%03d" % (len(sku) % 1000)
        item["product"]["title"] = "Batch test mug"
        item["fulfillment"] = {"quantityFulfilled": 0, "quantityUnfulfilled": 1}
        item.pop("cancellation", None)
        order["orderItems"] = [item]
        return order

    def batch(self, *extra, env=None):
        return self.shipping.run("ship", "--batch", SKU, "--weight", "450", *extra, env=env)

    def creates(self, order_id):
        return self.shipping.clickdrop.creates(order_id)

    def printed(self):
        rows = json.loads(self.bench.ok(self.bench.as_user(
            "admin", "audit", "list", "--json")).stdout)
        return [r["subject"] for r in rows if r["action"] == "label.printed"]


class Batch(BatchTestCase):
    def test_every_order_ships_oldest_ship_by_first_one_print_each(self):
        result = self.bench.ok(self.batch())
        numbers = trackings(result)
        self.assertEqual(len(numbers), 5, result.stderr)
        self.assertEqual(len(set(numbers)), 5)
        for number in numbers:
            self.assertRegex(number, r"^RM\d{9}GB$")
        self.assertEqual(started(result), self.batch_ids)
        self.assertIn("5 of 5 orders shipped", result.stderr)
        jobs = self.shipping.sink.wait_for_jobs(5)
        self.assertEqual(len(jobs), 5)
        self.assertEqual(sorted(self.printed()), sorted(self.batch_ids))
        for order_id in self.batch_ids:
            self.assertEqual(self.creates(order_id), 1)
        # Not single-item: never in the batch.
        self.assertEqual(self.creates("204-0006000-0009100"), 0)
        self.assertEqual(self.creates("204-0006001-0009101"), 0)
        # Nothing left: said so, nothing bought.
        again = self.batch()
        self.assertEqual(again.returncode, 1)
        self.assertIn("No single-item orders are waiting for %s" % SKU, again.stderr)
        self.assertEqual(trackings(again), [])
        for order_id in self.batch_ids:
            self.assertEqual(self.creates(order_id), 1)

    def test_limit_ships_the_oldest_only(self):
        result = self.bench.ok(self.batch("--limit", "2"))
        self.assertEqual(len(trackings(result)), 2)
        self.assertEqual(started(result), self.batch_ids[:2])
        self.assertEqual([self.creates(o) for o in self.batch_ids], [1, 1, 0, 0, 0])
        result = self.bench.ok(self.batch("--limit", "10"))
        self.assertEqual(started(result), self.batch_ids[2:])
        self.assertEqual([self.creates(o) for o in self.batch_ids], [1, 1, 1, 1, 1])


class Failures(BatchTestCase):
    def test_click_and_drop_refusal_stops_the_batch_and_a_rerun_finishes(self):
        # The second create is refused; the first went through.
        self.shipping.clickdrop.fault(operation="CreateOrdersAsync", kind="status", status=400,
                                      after=1, count=1)
        result = self.batch()
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertEqual(len(trackings(result)), 1)
        first, second, *rest = self.batch_ids
        self.assertIn("The batch stopped at order %s" % second, result.stderr)
        self.assertIn("Shipped: %s\n" % first, result.stderr)
        self.assertIn("Not shipped: %s\n" % ", ".join(rest), result.stderr)
        self.assertEqual([self.creates(o) for o in self.batch_ids], [1, 0, 0, 0, 0])
        self.assertEqual(len(self.shipping.sink.wait_for_jobs(1)), 1)
        # The re-run takes the rest; nothing is bought twice.
        result = self.bench.ok(self.batch())
        self.assertEqual(started(result), self.batch_ids[1:])
        self.assertEqual(len(trackings(result)), 4)
        self.assertEqual([self.creates(o) for o in self.batch_ids], [1, 1, 1, 1, 1])
        self.assertEqual(len(self.shipping.sink.wait_for_jobs(5)), 5)
        self.assertEqual(sorted(self.printed()), sorted(self.batch_ids))

    def test_printer_offline_stops_the_batch_and_a_rerun_prints_the_kept_label(self):
        self.bench.ok(self.batch("--limit", "1"))
        self.assertEqual(len(self.shipping.sink.wait_for_jobs(1)), 1)
        port = self.shipping.sink.port
        self.shipping.sink.stop()
        self.bench.ok(self.bench.as_user("admin", "config", "set", "print.timeout_seconds", "4"))
        result = self.batch()
        self.assertEqual(result.returncode, 1, result.stderr)
        second = self.batch_ids[1]
        self.assertIn("The batch stopped at order %s" % second, result.stderr)
        self.assertIn("was bought and is kept", result.stderr)
        self.assertIn("label reprint %s" % second, result.stderr)
        self.assertIn("Shipped: none\n", result.stderr)
        self.assertIn("Not shipped: %s\n" % ", ".join(self.batch_ids[2:]), result.stderr)
        self.assertEqual([self.creates(o) for o in self.batch_ids], [1, 1, 0, 0, 0])

        # The printer back: the re-run prints the kept label, buys the rest.
        import printer_sink
        sink = printer_sink.PrinterSink(port=port).start()
        self.addCleanup(sink.stop)
        result = self.bench.ok(self.batch())
        self.assertEqual(started(result), self.batch_ids[1:])
        self.assertEqual(len(trackings(result)), 4)
        self.assertEqual([self.creates(o) for o in self.batch_ids], [1, 1, 1, 1, 1])
        self.assertEqual(len(sink.wait_for_jobs(4)), 4)
        self.assertEqual(sorted(self.printed()), sorted(self.batch_ids))

    def test_crash_mid_batch_then_rerun_ends_with_one_label_per_order(self):
        self.bench.ok(self.batch("--limit", "1"))
        # The second order's label bought and lost in a crash, then found
        # again by its reference and stored, and a crash before the print.
        for point in ("ship.after-label-created", "ship.after-label-stored"):
            with self.subTest(point=point):
                crashed = self.batch(env={"PACKBENCH_FAULT": point})
                self.assertEqual(crashed.returncode, 99, crashed.stderr)
                self.assertEqual(started(crashed), self.batch_ids[1:2])
        self.assertEqual([self.creates(o) for o in self.batch_ids], [1, 1, 0, 0, 0])
        result = self.bench.ok(self.batch())
        self.assertEqual(started(result), self.batch_ids[1:])
        self.assertEqual(len(trackings(result)), 4)
        self.assertEqual([self.creates(o) for o in self.batch_ids], [1, 1, 1, 1, 1])
        self.assertEqual(sorted(self.printed()), sorted(self.batch_ids))
        self.assertEqual(len(self.shipping.sink.wait_for_jobs(5)), 5)


class BadInput(BatchTestCase):
    def test_bad_input_is_refused_in_words_and_buys_nothing(self):
        for limit in ("0", "-3"):
            result = self.batch("--limit", limit)
            self.assertEqual(result.returncode, 2, result.stderr)
            self.assertIn("--limit takes a number of orders, 1 or more", result.stderr)
        result = self.batch("--limit", "many")
        self.assertEqual(result.returncode, 2, result.stderr)
        result = self.shipping.run("ship", "--batch", "NO-SUCH-SKU", "--weight", "450")
        self.assertEqual(result.returncode, 1)
        self.assertIn("No single-item orders are waiting for NO-SUCH-SKU", result.stderr)
        # An order id is not an item.
        result = self.shipping.run("ship", "--batch", self.batch_ids[0])
        self.assertEqual(result.returncode, 1)
        # An order and --batch together, or --limit without --batch: usage.
        self.assertEqual(self.shipping.run("ship", self.batch_ids[0], "--batch", SKU).returncode,
                         2)
        self.assertEqual(self.shipping.run("ship", self.batch_ids[0], "--limit", "2").returncode,
                         2)
        for order_id in self.batch_ids:
            self.assertEqual(self.creates(order_id), 0)
        self.assertEqual(self.shipping.sink.jobs, [])


class Site(test_site.Shipping2):
    """Two benches of a site: an order the other bench holds is skipped,
    the rest ship, each claimed first."""

    orders = 4

    def setUp(self):
        super().setUp()
        template = self.shipping.unshipped()[0]
        now = datetime.datetime.now(datetime.timezone.utc)
        self.batch_ids = ["204-%07d-%07d" % (7000 + n, 9700 + n) for n in range(3)]
        self.shipping.api.control("POST", "/_test/orders", {"add": [
            BatchTestCase.single_item(template, order_id, now + datetime.timedelta(hours=n), SKU)
            for n, order_id in enumerate(self.batch_ids)]})
        self.a.ok(self.run_at(self.a, "sync"))
        self.b.ok(self.run_at(self.b, "sync"))

    def test_an_order_another_bench_holds_is_skipped_and_the_rest_ship(self):
        first, held, last = self.batch_ids
        # Bench B claims the second order and dies there: it holds it.
        crashed = self.b.as_user("sam", "ship", held, "--weight", "450",
                                 env=dict(self.shipping.env, PACKBENCH_FAULT="ship.after-claim"))
        self.assertEqual(crashed.returncode, 99, crashed.stderr)
        result = self.a.ok(self.a.as_user("pat", "ship", "--batch", SKU, "--weight", "450",
                                          env=self.shipping.env))
        self.assertEqual(started(result), self.batch_ids)
        self.assertEqual(len(trackings(result)), 2)
        self.assertIn("Order %s skipped: " % held, result.stderr)
        self.assertIn("is being packed at Bench B by sam", result.stderr)
        self.assertIn("2 of 3 orders shipped; 1 skipped.", result.stderr)
        self.assertEqual([self.shipping.clickdrop.creates(o) for o in self.batch_ids], [1, 0, 1])
        self.assertEqual(len(self.shipping.sink.wait_for_jobs(2)), 2)
        # The shipped ones are Bench A's in the site.
        labels = json.loads(self.a.ok(self.run_at(self.a, "labels", "list", "--json")).stdout)
        benches = {l["order_id"]: l["bench"] for l in labels}
        self.assertEqual(benches.get(first), "Bench A")
        self.assertEqual(benches.get(last), "Bench A")
        self.assertNotIn(held, benches)


if __name__ == "__main__":
    unittest.main()
