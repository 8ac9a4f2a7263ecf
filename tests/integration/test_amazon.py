# SPDX-License-Identifier: GPL-3.0-or-later
"""Amazon: the order queue and shipment confirmations, over real TLS to the
local Selling Partner API server, through the real packbenchctl."""

import json
import os
import subprocess
import unittest

from pbtest import Bench
from spapi import SpApi

SERVERS = os.path.join(os.environ["PB_SOURCE_ROOT"], "tests", "servers")


class AmazonTestCase(unittest.TestCase):
    orders = 0

    def setUp(self):
        self.api = SpApi(self, orders=self.orders)
        self.bench = Bench(self)
        self.bench.init()
        self.configure(self.api)

    def configure(self, api, **overrides):
        pairs, secrets = api.settings()
        args = []
        for key, value in pairs:
            args += [key, overrides.get(key, value)]
        self.bench.ok(self.bench.as_user("admin", "config", "set", *args, extra_lines=secrets))

    def sync(self, user="admin"):
        return self.bench.as_user(user, "sync")

    def local_orders(self, state=None):
        args = ["orders", "list", "--json"] + (["--state", state] if state else [])
        return json.loads(self.bench.ok(self.bench.as_user("admin", *args)).stdout)

    def counts(self, result):
        line = [l for l in result.stdout.splitlines() if l.startswith("New:")][0]
        parts = line.replace(",", "").replace("(", "").split()
        return {"new": int(parts[1]), "updated": int(parts[3]), "cancelled": int(parts[5]),
                "pages": int(parts[6])}


class Sync(AmazonTestCase):
    orders = 1000

    def test_thousand_orders_ten_pages_with_429s_and_a_503(self):
        self.api.fault(operation="searchOrders", kind="status", status=429, retry_after=1,
                       after=2, count=1)
        self.api.fault(operation="searchOrders", kind="status", status=429, after=4, count=1)
        self.api.fault(operation="searchOrders", kind="status", status=503, after=6, count=1)
        result = self.bench.ok(self.sync())
        counts = self.counts(result)
        # Orders first seen already cancelled count as cancelled, not new.
        cancelled = sum(1 for o in self.api.orders() if o["fulfillmentStatus"] == "CANCELLED")
        self.assertEqual(counts, {"new": 1000 - cancelled, "updated": 0, "cancelled": cancelled,
                                  "pages": 10})

        local = self.local_orders()
        ids = [order["id"] for order in local]
        self.assertEqual(len(ids), 1000)
        self.assertEqual(len(set(ids)), 1000)
        self.assertEqual(set(ids), {order["orderId"] for order in self.api.orders()})
        for order in local[:5]:
            self.assertIn(order["state"], ("unshipped", "pending", "shipped", "cancelled"))
            self.assertTrue(order["purchased"])
            self.assertGreater(order["items"], 0)

        searches = self.api.requests("searchOrders")
        statuses = [r["status"] for r in searches]
        self.assertEqual(statuses.count(429), 2)
        self.assertEqual(statuses.count(503), 1)
        self.assertEqual(statuses.count(200), 10)
        # Only the datasets the bench needs: never the buyer, tax or payment.
        for request in searches:
            included = request["query"]["includedData"]
            included = set(included.split(",") if isinstance(included, str) else included)
            self.assertEqual(included, {"RECIPIENT", "FULFILLMENT", "PACKAGES", "CANCELLATION"})
            self.assertEqual(request["query"]["fulfilledBy"], "MERCHANT")
            self.assertEqual(request["query"]["marketplaceIds"], "A1F83G8C2ARO7P")
            self.assertTrue(request["headers"]["user-agent"].startswith("Packbench/"))
            self.assertIn("Language=C; Platform=Linux", request["headers"]["user-agent"])

        # The watermark is the end of the window Amazon searched: the next sync
        # starts there, less the overlap, and finds nothing new.
        self.api.control("DELETE", "/_test/requests")
        result = self.bench.ok(self.sync())
        self.assertEqual(self.counts(result)["new"], 0)
        again = self.api.requests("searchOrders")
        self.assertEqual(len([r for r in again if r["status"] == 200]), 1)
        self.assertEqual(len(self.local_orders()), 1000)

    def test_watermark_moves_only_after_the_last_page(self):
        import datetime
        import time

        def days_back(request):
            after = datetime.datetime.strptime(request["query"]["lastUpdatedAfter"],
                                               "%Y-%m-%dT%H:%M:%SZ")
            after = after.replace(tzinfo=datetime.timezone.utc).timestamp()
            return (time.time() - after) / 86400

        # Page 3 arrives truncated: pages 1 and 2 are kept, the watermark is
        # not moved, and the next sync searches the same window again and
        # fetches the rest without duplicates.
        self.api.fault(operation="searchOrders", kind="truncated", after=2, count=1)
        result = self.sync()
        self.assertEqual(result.returncode, 1)
        self.assertIn("JSON", result.stderr)
        self.assertEqual(len(self.local_orders()), 200)
        self.api.control("DELETE", "/_test/requests")

        result = self.bench.ok(self.sync())
        counts = self.counts(result)
        self.assertEqual(counts["new"] + counts["cancelled"], 800)
        self.assertEqual(len(self.local_orders()), 1000)
        self.assertGreater(days_back(self.api.requests("searchOrders")[0]), 29.9)

        # Now the watermark has moved: the next search starts minutes ago.
        self.api.control("DELETE", "/_test/requests")
        self.bench.ok(self.sync())
        self.assertLess(days_back(self.api.requests("searchOrders")[0]), 20 / 1440)


class Faults(AmazonTestCase):
    orders = 150

    def test_malformed_first_page_changes_nothing(self):
        self.api.fault(operation="searchOrders", kind="malformed")
        result = self.sync()
        self.assertEqual(result.returncode, 1)
        self.assertIn("not valid JSON", result.stderr)
        self.assertEqual(self.local_orders(), [])
        rows = json.loads(self.bench.ok(self.bench.as_user(
            "admin", "audit", "list", "--action", "sync.failed", "--json")).stdout)
        self.assertEqual(len(rows), 1)
        self.bench.ok(self.sync())
        self.assertEqual(len(self.local_orders()), 150)

    def test_expired_access_token_mid_sync(self):
        self.api.fault(operation="searchOrders", kind="expire_token", after=1)
        result = self.bench.ok(self.sync())
        counts = self.counts(result)
        self.assertEqual(counts["new"] + counts["cancelled"], 150)
        self.assertEqual(len(self.api.requests("token")), 2)

    def test_expired_pagination_token(self):
        self.api.fault(operation="searchOrders", kind="expire_pagination")
        result = self.bench.ok(self.sync())
        counts = self.counts(result)
        self.assertEqual(counts["new"] + counts["cancelled"], 150)
        self.assertEqual(len(self.local_orders()), 150)

    def test_stall_past_timeout_is_retried(self):
        # Every request has this timeout: generous, for a loaded machine;
        # the stall is far past it.
        self.bench.ok(self.bench.as_user("admin", "config", "set", "net.timeout_seconds", "10"))
        self.api.fault(operation="searchOrders", kind="stall", seconds=120)
        result = self.bench.ok(self.sync())
        searches = self.api.requests("searchOrders")
        self.assertGreaterEqual(len(searches), 3)  # the stalled one, its retry, page 2
        counts = self.counts(result)
        self.assertEqual(counts["new"] + counts["cancelled"], 150)

    def test_reset_token_answer_is_asked_again_next_time(self):
        # LWA issued a token, then the connection reset. The token POST is
        # not re-sent on its own; the next sync asks for a new one, which is
        # safe: asking again only issues another short-lived access token.
        self.api.fault(operation="token", kind="reset")
        result = self.sync()
        self.assertNotEqual(result.returncode, 0)
        self.assertEqual([r["status"] for r in self.api.requests("token")], [0])
        self.assertEqual(self.local_orders(), [])
        self.bench.ok(self.sync())
        self.assertEqual([r["status"] for r in self.api.requests("token")], [0, 200])
        self.assertEqual(len(self.local_orders()), 150)

    def test_invalid_grant(self):
        self.bench.ok(self.bench.as_user("admin", "config", "set", "amazon.refresh_token", "-",
                                         extra_lines=["Atzr|revoked"]))
        result = self.sync()
        self.assertEqual(result.returncode, 1)
        self.assertIn("refresh token", result.stderr)
        self.assertIn("amazon.refresh_token", result.stderr)

    def test_invalid_client(self):
        self.bench.ok(self.bench.as_user("admin", "config", "set", "amazon.client_secret", "-",
                                         extra_lines=["wrong-secret"]))
        result = self.sync()
        self.assertEqual(result.returncode, 1)
        self.assertIn("amazon.client_secret", result.stderr)

    def test_unknown_ca_is_refused(self):
        other = SpApi(self, orders=1)
        self.configure(self.api, **{"tls.ca_file": other.certs["ca"]})
        result = self.sync()
        self.assertEqual(result.returncode, 1)
        self.assertIn("certificate", result.stderr)
        self.assertEqual(self.api.requests("token"), [])

    def test_tls_1_1_server_is_refused(self):
        old = subprocess.Popen(
            ["/usr/bin/python3", os.path.join(SERVERS, "http_test_server.py"),
             "--cert", self.api.certs["cert"], "--key", self.api.certs["key"],
             "--tls-max", "1.1"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        # It serves until its standard input closes.
        self.addCleanup(old.wait)
        self.addCleanup(old.stdin.close)
        port = int(old.stdout.readline().split()[-1])
        old.stdout.close()
        self.bench.ok(self.bench.as_user(
            "admin", "config", "set", "amazon.lwa_endpoint",
            "https://127.0.0.1:%d/auth/o2/token" % port))
        result = self.sync()
        self.assertEqual(result.returncode, 1)
        self.assertIn("TLS 1.2", result.stderr)


class Cancellation(AmazonTestCase):
    orders = 20

    def unshipped(self):
        return [o for o in self.local_orders() if o["state"] == "unshipped"]

    def test_cancellation_reaches_the_bench_at_next_sync(self):
        self.bench.ok(self.sync())
        order = self.unshipped()[0]["id"]
        self.api.control("POST", "/_test/orders/%s/cancel" % order)
        self.api.advance(180)
        result = self.bench.ok(self.sync())
        self.assertEqual(self.counts(result)["cancelled"], 1)
        shown = json.loads(self.bench.ok(self.bench.as_user(
            "admin", "orders", "show", order, "--json")).stdout)
        self.assertEqual(shown["state"], "cancelled")

    def test_cancelled_order_is_refused_before_shipping(self):
        self.bench.ok(self.sync())
        order = self.unshipped()[0]["id"]
        # Cancelled at Amazon after the sync; the bench has not synced since.
        self.api.control("POST", "/_test/orders/%s/cancel" % order)
        result = self.bench.as_user("admin", "orders", "confirm", order, "--tracking",
                                    "RM123456785GB")
        self.assertEqual(result.returncode, 1)
        self.assertIn("cancelled", result.stderr)
        self.assertEqual(self.api.confirmations(), [])
        self.assertEqual(len(self.api.requests("getOrder")), 1)
        shown = json.loads(self.bench.ok(self.bench.as_user(
            "admin", "orders", "show", order, "--json")).stdout)
        self.assertEqual(shown["state"], "cancelled")


    def test_cancellation_request_reaches_the_bench_at_next_sync(self):
        self.bench.ok(self.sync())
        order, other = [o["id"] for o in self.unshipped()[:2]]
        self.api.control("POST", "/_test/orders/%s/cancel-request" % order)
        # The other is cancelled: its items carry the buyer's request and
        # its execution, a request no longer waiting.
        self.api.control("POST", "/_test/orders/%s/cancel" % other)
        self.api.advance(180)
        self.bench.ok(self.sync())
        listed = json.loads(self.bench.ok(self.bench.as_user(
            "admin", "orders", "list", "--json")).stdout)
        self.assertEqual([o["id"] for o in listed if o["cancel_requested"]], [order])
        by_id = {o["id"]: o for o in listed}
        self.assertEqual(by_id[order]["state"], "unshipped")
        self.assertEqual(by_id[other]["state"], "cancelled")
        # Confirming it is refused as well.
        result = self.bench.as_user("admin", "orders", "confirm", order, "--tracking",
                                    "RM123456785GB")
        self.assertEqual(result.returncode, 1)
        self.assertIn("asked to cancel", result.stderr)
        self.assertEqual(self.api.confirmations(), [])


class Confirm(AmazonTestCase):
    orders = 20

    def setUp(self):
        super().setUp()
        self.bench.ok(self.sync())
        self.order = [o for o in self.local_orders() if o["state"] == "unshipped"][0]["id"]

    def confirm(self, env=None, tracking="RM123456785GB"):
        return self.bench.as_user("admin", "orders", "confirm", self.order, "--tracking",
                                  tracking, "--method", "Royal Mail Tracked 24", env=env)

    def outbox(self):
        return json.loads(self.bench.ok(self.bench.as_user(
            "admin", "outbox", "list", "--all", "--json")).stdout)

    def test_request_has_exactly_the_model_fields(self):
        result = self.bench.ok(self.confirm())
        self.assertIn("Tracking: RM123456785GB", result.stdout)
        requests = self.api.requests("confirmShipment")
        self.assertEqual(len(requests), 1)
        body = requests[0]["body"]
        self.assertEqual(set(body), {"marketplaceId", "packageDetail"})
        self.assertEqual(body["marketplaceId"], "A1F83G8C2ARO7P")
        detail = body["packageDetail"]
        self.assertEqual(set(detail), {"packageReferenceId", "carrierCode", "trackingNumber",
                                       "shipDate", "shippingMethod", "orderItems"})
        self.assertIsInstance(detail["packageReferenceId"], str)
        self.assertTrue(detail["packageReferenceId"].isdigit())
        self.assertEqual(detail["carrierCode"], "Royal Mail")
        self.assertEqual(detail["trackingNumber"], "RM123456785GB")
        self.assertRegex(detail["shipDate"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        order = self.api.control("GET", "/_test/orders/" + self.order)["order"]
        expected = {item["orderItemId"]: item["quantityOrdered"] for item in order["orderItems"]}
        sent = {item["orderItemId"]: item["quantity"] for item in detail["orderItems"]}
        self.assertEqual(sent, expected)
        for item in detail["orderItems"]:
            self.assertEqual(set(item), {"orderItemId", "quantity"})
            self.assertIsInstance(item["quantity"], int)
        self.assertEqual(len(self.api.confirmations()), 1)
        self.assertEqual(self.outbox()[0]["state"], "done")

    def test_400_becomes_a_readable_error(self):
        self.api.fault(operation="confirmShipment", kind="status", status=400, count=1,
                       body={"errors": [{"code": "InvalidInput",
                                         "message": "Invalid trackingNumber for carrier.",
                                         "details": "trackingNumber"}]})
        result = self.bench.ok(self.confirm())
        self.assertIn("outbox item", result.stderr)
        item = self.outbox()[0]
        self.assertEqual(item["state"], "attention")
        self.assertIn("Amazon refused", item["last_error"])
        self.assertIn("Invalid trackingNumber", item["last_error"])
        # A supervisor retries it once the cause is fixed.
        result = self.bench.as_user("admin", "outbox", "retry", str(item["id"]))
        self.bench.ok(result)
        self.assertEqual(self.outbox()[0]["state"], "done")
        self.assertEqual(len(self.api.confirmations()), 1)

    def test_503_is_retried_then_succeeds(self):
        # A POST that got a 503 may or may not have been done: the outbox, not
        # the HTTP client, sends it again when it is due.
        self.api.fault(operation="confirmShipment", kind="status", status=503, count=1)
        result = self.bench.ok(self.confirm())
        self.assertIn("try again", result.stderr)
        self.assertEqual(self.outbox()[0]["state"], "pending")
        self.bench.advance(120)
        self.bench.ok(self.sync())
        statuses = [r["status"] for r in self.api.requests("confirmShipment")]
        self.assertEqual(statuses, [503, 204])
        self.assertEqual(self.outbox()[0]["state"], "done")
        self.assertEqual(len(self.api.confirmations()), 1)

    def test_crash_before_sending_delivers_once(self):
        result = self.confirm(env={"PACKBENCH_FAULT": "outbox.after-enqueue"})
        self.assertEqual(result.returncode, 99)
        self.assertEqual(self.api.confirmations(), [])
        self.bench.ok(self.sync())
        self.assertEqual(len(self.api.confirmations()), 1)
        self.bench.ok(self.sync())
        self.assertEqual(len(self.api.confirmations()), 1)
        self.assertEqual(self.outbox()[0]["state"], "done")

    def test_crash_after_sending_delivers_once(self):
        result = self.confirm(env={"PACKBENCH_FAULT": "outbox.after-send"})
        self.assertEqual(result.returncode, 99)
        self.assertEqual(len(self.api.confirmations()), 1)
        self.bench.ok(self.sync())
        self.assertEqual(len(self.api.confirmations()), 1)
        self.assertEqual(len(self.api.requests("confirmShipment")), 1)
        self.assertEqual(self.outbox()[0]["state"], "done")

    def test_reset_after_confirming_asks_amazon_before_sending_again(self):
        # Amazon records the confirmation, then the connection resets before
        # the answer (issue 18). The POST is not sent again on its own; the
        # outbox asks Amazon first and finds it done.
        self.api.fault(operation="confirmShipment", kind="reset")
        self.bench.ok(self.confirm())
        self.assertEqual([r["status"] for r in self.api.requests("confirmShipment")], [0])
        self.assertEqual(self.outbox()[0]["state"], "pending")
        self.bench.advance(120)
        self.bench.ok(self.sync())
        self.assertEqual([r["status"] for r in self.api.requests("confirmShipment")], [0])
        self.assertEqual(len(self.api.confirmations()), 1)
        self.assertEqual(self.outbox()[0]["state"], "done")
        rows = json.loads(self.bench.ok(self.bench.as_user(
            "admin", "audit", "list", "--action", "amazon.confirmed", "--json")).stdout)
        self.assertEqual([r["subject"] for r in rows], [self.order])

    def test_lookup_down_after_a_reset_sends_nothing_blind(self):
        self.api.fault(operation="confirmShipment", kind="reset")
        self.bench.ok(self.confirm())
        # The look-up fails too: the row waits, nothing is sent.
        self.bench.ok(self.bench.as_user("admin", "config", "set", "net.max_retries", "1"))
        self.api.fault(operation="getOrder", kind="status", status=503, count=2)
        self.bench.advance(120)
        self.sync()
        self.assertEqual(len(self.api.requests("confirmShipment")), 1)
        self.assertEqual(self.outbox()[0]["state"], "pending")
        self.bench.advance(600)
        self.bench.ok(self.sync())
        self.assertEqual(len(self.api.requests("confirmShipment")), 1)
        self.assertEqual(len(self.api.confirmations()), 1)
        self.assertEqual(self.outbox()[0]["state"], "done")

    def test_offline_confirmation_waits_in_the_outbox(self):
        import datetime

        def stamp(text):
            return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").timestamp()

        self.api.fault(operation="confirmShipment", kind="status", status=503, count=3)
        result = self.bench.ok(self.confirm())
        self.assertIn("try again", result.stderr)
        waits = []
        for _ in range(3):
            item = self.outbox()[0]
            self.assertEqual(item["state"], "pending")
            self.assertIn("not answering", item["last_error"])
            waits.append(stamp(item["next_attempt"]))
            # Move to just after the next attempt is due, and sync.
            self.bench.now = max(self.bench.now, int(waits[-1]) + 1)
            self.bench.ok(self.sync())
        # Each wait was longer than the one before (exponential backoff).
        self.assertEqual(len(self.api.requests("confirmShipment")), 4)
        self.assertEqual(self.outbox()[0]["state"], "done")
        self.assertEqual(len(self.api.confirmations()), 1)
        self.assertEqual(len(waits), 3)


class Privacy(AmazonTestCase):
    orders = 30

    def test_recipient_only_in_show_and_audited(self):
        self.bench.add_user("pat", "packer")
        self.bench.ok(self.sync("pat"))
        server_order = self.api.control("GET", "/_test/orders/" + self.api.orders()[0]["orderId"])
        name = server_order["order"]["recipient"]["deliveryAddress"]["name"]
        listing = self.bench.ok(self.bench.as_user("pat", "orders", "list", "--json"))
        self.assertNotIn(name, listing.stdout)
        order_id = server_order["order"]["orderId"]
        shown = json.loads(self.bench.ok(self.bench.as_user(
            "pat", "orders", "show", order_id, "--json")).stdout)
        self.assertEqual(shown["recipient"]["name"], name)
        rows = json.loads(self.bench.ok(self.bench.as_user(
            "admin", "audit", "list", "--action", "order.recipient_viewed", "--json")).stdout)
        self.assertEqual([(r["operator"], r["subject"]) for r in rows], [("pat", order_id)])
        # Nothing of the buyer was asked for, so nothing of it is kept.
        buyer = server_order["order"].get("buyer", {}).get("buyerEmail")
        self.assertTrue(buyer)
        self.assertNotIn(buyer, json.dumps(shown))

    def test_control_characters_in_an_address_never_reach_the_terminal(self):
        # A buyer's address is whatever they typed: terminal escapes included.
        order = self.api.control("GET", "/_test/orders/" + self.api.orders()[0]["orderId"])["order"]
        address = order["recipient"]["deliveryAddress"]
        address["name"] = "Eve \x1b]0;pwned\x07Example"
        address["addressLine1"] = "1 High Street\x1b[2J\x9b31m"
        self.api.control("POST", "/_test/orders", {"add": [order]})
        self.bench.ok(self.sync())
        shown = self.bench.ok(self.bench.as_user("admin", "orders", "show", order["orderId"]))
        for bad in ("\x1b", "\x07", "\x9b"):
            self.assertNotIn(bad, shown.stdout)
        self.assertIn("Eve", shown.stdout)
        self.assertIn("pwned", shown.stdout)
        self.assertIn("1 High Street", shown.stdout)
        # JSON carries the text as it is, escaped: nothing raw reaches a terminal.
        shown = self.bench.ok(self.bench.as_user("admin", "orders", "show", order["orderId"],
                                                 "--json"))
        for bad in ("\x1b", "\x07", "\x9b"):
            self.assertNotIn(bad, shown.stdout)
        self.assertEqual(json.loads(shown.stdout)["recipient"]["name"],
                         "Eve \x1b]0;pwned\x07Example")

if __name__ == "__main__":
    unittest.main(verbosity=2)
