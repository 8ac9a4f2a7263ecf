#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Self-test of the local SP-API server (spapi_server.py): starts it as a
subprocess over HTTPS with fresh certificates and talks to it as a client
would. Run with /usr/bin/python3; no network beyond 127.0.0.1."""

import http.client
import json
import os
import re
import sys
import time
import unittest
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from selftest_client import ServerProcess, remove_certs  # noqa: E402

SERVER = os.path.join(HERE, "spapi_server.py")
FIXTURES = os.path.join(HERE, "fixtures", "sandbox_examples.json")
CLIENT_ID = "amzn1.application-oa2-client.test"
CLIENT_SECRET = "test-secret"
REFRESH_TOKEN = "Atzr|test-refresh-token"
UK = "A1F83G8C2ARO7P"
SEARCH = "/orders/2026-01-01/orders"
EPOCH_START = "2000-01-01T00:00:00Z"
BENCH_DATA = "RECIPIENT,FULFILLMENT,PACKAGES,CANCELLATION"


class Spapi(ServerProcess):
    """One server process and a small client for it."""

    def __init__(self, *extra, state_file=None):
        super().__init__(SERVER, *extra, state_file=state_file)
        self.token = None

    # ---- HTTP

    def login(self, refresh_token=REFRESH_TOKEN, client_secret=CLIENT_SECRET):
        form = urllib.parse.urlencode({"grant_type": "refresh_token",
                                       "refresh_token": refresh_token,
                                       "client_id": CLIENT_ID, "client_secret": client_secret})
        return self.request("POST", "/auth/o2/token", raw_body=form.encode(),
                            headers={"Content-Type": "application/x-www-form-urlencoded"})

    def api(self, method, path, query=None, body=None, token=None):
        if self.token is None:
            reply = self.login()
            assert reply.status == 200, reply.raw
            self.token = reply.json["access_token"]
        return self.request(method, path, query, body,
                            headers={"x-amz-access-token": token or self.token,
                                     "User-Agent": "spapi-selftest/1 (Language=Python)"})

    def search(self, **query):
        return self.api("GET", SEARCH, query)

    def get_order(self, order_id, included=None):
        return self.api("GET", SEARCH + "/" + order_id,
                        {"includedData": included} if included else None)

    def confirm(self, order_id, body):
        return self.api("POST", "/orders/v0/orders/%s/shipmentConfirmation" % order_id, body=body)

    def control(self, method, path, body=None):
        reply = self.request(method, "/_test" + path, body=body)
        return reply.status, (reply.json if reply.raw else None)

    def full_order(self, order_id):
        status, data = self.control("GET", "/orders/" + order_id)
        assert status == 200, data
        return data["order"]

    def all_orders(self, included):
        """Every order through searchOrders, page by page."""
        orders, pages, token = [], [], None
        while True:
            query = {"lastUpdatedAfter": EPOCH_START, "maxResultsPerPage": 100}
            if included:
                query["includedData"] = included
            if token:
                query["paginationToken"] = token
            reply = self.search(**query)
            assert reply.status == 200, reply.raw
            data = reply.json
            pages.append(data)
            orders.extend(data["orders"])
            token = data.get("pagination", {}).get("nextToken")
            if not token:
                return orders, pages


def confirmation(order, items=None, ref="1", tracking="QE123456785GB"):
    items = items or [(i["orderItemId"], i["quantityOrdered"]) for i in order["orderItems"]]
    return {"marketplaceId": UK,
            "packageDetail": {"packageReferenceId": ref, "carrierCode": "Royal Mail",
                              "shippingMethod": "Royal Mail Tracked 48",
                              "trackingNumber": tracking,
                              "shipDate": "2026-01-05T10:00:00Z",
                              "orderItems": [{"orderItemId": i, "quantity": q}
                                             for i, q in items]}}


class ReadOnly(unittest.TestCase):
    """One server with 1,000 generated orders that no test changes."""

    @classmethod
    def setUpClass(cls):
        cls.s = Spapi("--orders", "1000", "--seed", "7")
        cls.orders, cls.pages = cls.s.all_orders("BUYER,RECIPIENT,FULFILLMENT")

    @classmethod
    def tearDownClass(cls):
        cls.s.stop()

    # ---- Login with Amazon

    def test_token_flow(self):
        reply = self.s.login()
        self.assertEqual(reply.status, 200)
        data = reply.json
        self.assertTrue(data["access_token"].startswith("Atza|"))
        self.assertEqual(data["token_type"], "bearer")
        self.assertEqual(data["expires_in"], 3600)
        self.assertEqual(data["refresh_token"], REFRESH_TOKEN)
        self.assertNotEqual(data["access_token"], self.s.login().json["access_token"])
        self.assertEqual(self.s.search(lastUpdatedAfter=EPOCH_START,
                                       maxResultsPerPage=1).status, 200)

    def test_token_errors(self):
        reply = self.s.login(refresh_token="Atzr|wrong")
        self.assertEqual(reply.status, 400)
        self.assertEqual(reply.json["error"], "invalid_grant")
        self.assertIn("error_description", reply.json)
        reply = self.s.login(client_secret="wrong")
        self.assertEqual(reply.status, 401)
        self.assertEqual(reply.json["error"], "invalid_client")
        reply = self.s.request("POST", "/auth/o2/token", body={"grant_type": "refresh_token"})
        self.assertEqual(reply.status, 400)
        self.assertEqual(reply.json["error"], "invalid_request")

    def test_api_needs_a_valid_token(self):
        query = {"lastUpdatedAfter": EPOCH_START}
        reply = self.s.request("GET", SEARCH, query)
        self.assertEqual(reply.status, 403)
        self.assertEqual(reply.json["errors"][0]["code"], "Unauthorized")
        self.assertEqual(reply.json["errors"][0]["message"],
                         "Access to requested resource is denied.")
        reply = self.s.request("GET", SEARCH, query, headers={"x-amz-access-token": "Atza|forged"})
        self.assertEqual(reply.status, 403)
        self.assertIn("invalid", reply.json["errors"][0]["details"])

    # ---- searchOrders

    def test_pagination_every_order_once_in_order(self):
        self.assertEqual(len(self.pages), 10)
        self.assertTrue(all(len(p["orders"]) == 100 for p in self.pages))
        self.assertNotIn("pagination", self.pages[-1])
        ids = [o["orderId"] for o in self.orders]
        self.assertEqual(len(set(ids)), 1000)
        _, listed = self.s.control("GET", "/orders")
        self.assertEqual(set(ids), {o["orderId"] for o in listed["orders"]})
        keys = [(o["lastUpdatedTime"], o["orderId"]) for o in self.orders]
        self.assertEqual(keys, sorted(keys))
        bounds = {p["lastUpdatedBefore"] for p in self.pages}
        self.assertEqual(len(bounds), 1)
        bound = bounds.pop()
        self.assertTrue(all(o["lastUpdatedTime"] <= bound for o in self.orders))

    def test_pagination_token_needs_the_same_filters(self):
        first = self.s.search(lastUpdatedAfter=EPOCH_START, maxResultsPerPage=5).json
        token = first["pagination"]["nextToken"]
        reply = self.s.search(lastUpdatedAfter="2001-01-01T00:00:00Z", paginationToken=token)
        self.assertEqual(reply.status, 400)
        reply = self.s.search(lastUpdatedAfter=EPOCH_START, paginationToken=token[:-3] + "abc")
        self.assertEqual(reply.status, 400)
        # maxResultsPerPage and includedData may change between pages.
        reply = self.s.search(lastUpdatedAfter=EPOCH_START, paginationToken=token,
                              maxResultsPerPage=7, includedData="RECIPIENT")
        self.assertEqual(reply.status, 200, reply.raw)
        self.assertEqual(len(reply.json["orders"]), 7)
        self.assertIn("recipient", reply.json["orders"][0])
        self.assertGreater((reply.json["orders"][0]["lastUpdatedTime"],
                            reply.json["orders"][0]["orderId"]),
                           (first["orders"][-1]["lastUpdatedTime"], first["orders"][-1]["orderId"]))

    def test_default_page_size_is_100(self):
        reply = self.s.search(lastUpdatedAfter=EPOCH_START)
        self.assertEqual(len(reply.json["orders"]), 100)

    def test_included_data_gating(self):
        bare = self.s.search(lastUpdatedAfter=EPOCH_START, maxResultsPerPage=100).json["orders"]
        gated = {"buyer", "recipient", "proceeds", "payment", "tax", "fulfillment", "packages",
                 "fulfillmentOrders"}
        for order in bare:
            self.assertFalse(gated & set(order), order["orderId"])
            for item in order["orderItems"]:
                self.assertFalse({"proceeds", "expense", "promotion", "cancellation",
                                  "fulfillment", "tax"} & set(item))
                self.assertIn("product", item)
        self.assertTrue(all("buyer" not in o for o in self.s.search(
            lastUpdatedAfter=EPOCH_START, includedData=BENCH_DATA).json["orders"]))
        self.assertTrue(all("@marketplace.amazon.co.uk" in o["buyer"]["buyerEmail"]
                            for o in self.orders))

    def test_included_data_per_dataset(self):
        by_dataset = {
            "BUYER": ({"buyer"}, set()), "RECIPIENT": ({"recipient"}, set()),
            "PROCEEDS": ({"proceeds"}, {"proceeds"}), "EXPENSE": (set(), {"expense"}),
            "PROMOTION": (set(), {"promotion"}), "CANCELLATION": (set(), {"cancellation"}),
            "FULFILLMENT": ({"fulfillment"}, {"fulfillment"}), "PACKAGES": ({"packages"}, set()),
            "TAX": ({"tax"}, {"tax"}), "PAYMENT": ({"payment"}, set()),
            "FULFILLMENT_ORDERS": ({"fulfillmentOrders"}, set()),
        }
        all_order = set().union(*(o for o, _ in by_dataset.values()))
        all_item = set().union(*(i for _, i in by_dataset.values()))
        _, listed = self.s.control("GET", "/orders")
        shipped = next(o["orderId"] for o in listed["orders"]
                       if o["fulfillmentStatus"] == "SHIPPED")
        cancelled = next(o["orderId"] for o in listed["orders"]
                         if o["fulfillmentStatus"] == "CANCELLED")
        business = next(o["orderId"] for o in self.orders if "buyerCompanyName" in o["buyer"])
        for order_id in (shipped, cancelled, business):
            full = self.s.full_order(order_id)
            for dataset, (order_fields, item_fields) in by_dataset.items():
                got = self.s.get_order(order_id, dataset).json["order"]
                self.assertEqual(set(got) & all_order, order_fields & set(full), dataset)
                for got_item, full_item in zip(got["orderItems"], full["orderItems"]):
                    self.assertEqual(set(got_item) & all_item, item_fields & set(full_item),
                                     dataset)
            got = self.s.get_order(order_id, ",".join(by_dataset)).json["order"]
            self.assertEqual(got, full)

    def test_last_updated_filters(self):
        times = sorted(o["lastUpdatedTime"] for o in self.orders)
        middle = times[500]
        reply = self.s.search(lastUpdatedAfter=middle)
        got = reply.json["orders"]
        expected = [t for t in times if t >= middle]
        count = len(got)
        token = reply.json.get("pagination", {}).get("nextToken")
        while token:
            page = self.s.search(lastUpdatedAfter=middle, paginationToken=token).json
            got += page["orders"]
            count = len(got)
            token = page.get("pagination", {}).get("nextToken")
        self.assertEqual(count, len(expected))
        self.assertTrue(all(o["lastUpdatedTime"] >= middle for o in got))
        before = times[50]
        got = self.s.search(lastUpdatedAfter=EPOCH_START, lastUpdatedBefore=before,
                            maxResultsPerPage=100).json
        self.assertEqual(got["lastUpdatedBefore"], before)
        self.assertEqual(len(got["orders"]), len([t for t in times if t <= before]))

    def test_created_after_and_status_filters(self):
        created = sorted(o["createdTime"] for o in self.orders)[-50]
        reply = self.s.search(createdAfter=created, includedData="FULFILLMENT",
                              fulfillmentStatuses="UNSHIPPED,PENDING")
        self.assertEqual(reply.status, 200)
        data = reply.json
        self.assertIn("createdBefore", data)
        self.assertNotIn("lastUpdatedBefore", data)
        self.assertTrue(all(o["createdTime"] >= created for o in data["orders"]))
        self.assertTrue(all(o["fulfillment"]["fulfillmentStatus"] in ("UNSHIPPED", "PENDING")
                            for o in data["orders"]))
        keys = [(o["createdTime"], o["orderId"]) for o in data["orders"]]
        self.assertEqual(keys, sorted(keys))
        self.assertEqual(self.s.search(lastUpdatedAfter=EPOCH_START, marketplaceIds="ATVPDKIKX0DER")
                         .json["orders"], [])
        self.assertEqual(self.s.search(lastUpdatedAfter=EPOCH_START, fulfilledBy="AMAZON")
                         .json["orders"], [])
        self.assertEqual(len(self.s.search(lastUpdatedAfter=EPOCH_START, marketplaceIds=UK,
                                           fulfilledBy="MERCHANT").json["orders"]), 100)

    def test_search_validation(self):
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        cases = [
            ({"lastUpdatedAfter": "yesterday"}, "lastUpdatedAfter"),
            ({"createdAfter": "2025-13-01T00:00:00Z"}, "createdAfter"),
            ({}, "createdAfter"),
            ({"createdAfter": EPOCH_START, "lastUpdatedAfter": EPOCH_START}, "lastUpdatedAfter"),
            ({"createdAfter": EPOCH_START, "lastUpdatedBefore": EPOCH_START}, "lastUpdatedBefore"),
            ({"lastUpdatedAfter": EPOCH_START, "createdBefore": EPOCH_START}, "createdBefore"),
            ({"lastUpdatedAfter": EPOCH_START, "lastUpdatedBefore": now}, "lastUpdatedBefore"),
            ({"lastUpdatedAfter": now}, "lastUpdatedAfter"),
            ({"lastUpdatedAfter": "2020-01-02T00:00:00Z",
              "lastUpdatedBefore": "2020-01-01T00:00:00Z"}, "lastUpdatedBefore"),
            ({"lastUpdatedAfter": EPOCH_START, "fulfillmentStatuses": "UNSHIPPED,SHIPPEDX"},
             "SHIPPEDX"),
            ({"lastUpdatedAfter": EPOCH_START, "fulfilledBy": "SELLER"}, "fulfilledBy"),
            ({"lastUpdatedAfter": EPOCH_START, "includedData": "RECIPIENT,ADDRESS"}, "ADDRESS"),
            ({"lastUpdatedAfter": EPOCH_START, "maxResultsPerPage": "0"}, "maxResultsPerPage"),
            ({"lastUpdatedAfter": EPOCH_START, "maxResultsPerPage": "101"}, "maxResultsPerPage"),
            ({"lastUpdatedAfter": EPOCH_START, "maxResultsPerPage": "ten"}, "maxResultsPerPage"),
            ({"lastUpdatedAfter": EPOCH_START, "MarketplaceIds": UK}, "MarketplaceIds"),
        ]
        for query, word in cases:
            with self.subTest(query=query):
                reply = self.s.search(**query)
                self.assertEqual(reply.status, 400, reply.raw[:300])
                error = reply.json["errors"][0]
                self.assertEqual(error["code"], "InvalidInput")
                self.assertIn(word, error["message"])

    def test_unencoded_plus_in_a_date_is_refused(self):
        self.s.api("GET", "/_test/clock")  # logs in
        reply = self.s.request("GET", SEARCH + "?lastUpdatedAfter=2025-01-01T00:00:00+00:00",
                               headers={"x-amz-access-token": self.s.token})
        self.assertEqual(reply.status, 400)
        self.assertIn("lastUpdatedAfter", reply.json["errors"][0]["message"])
        reply = self.s.search(lastUpdatedAfter="2025-01-01T00:00:00+00:00", maxResultsPerPage=1)
        self.assertEqual(reply.status, 200)

    # ---- getOrder

    def test_get_order(self):
        order_id = self.orders[10]["orderId"]
        reply = self.s.get_order(order_id, BENCH_DATA)
        self.assertEqual(reply.status, 200)
        order = reply.json["order"]
        self.assertEqual(order["orderId"], order_id)
        self.assertIn("recipient", order)
        self.assertNotIn("buyer", order)
        self.assertEqual(reply.headers["x-amzn-RateLimit-Limit"], "0.5")
        self.assertTrue(reply.headers["x-amzn-RequestId"])
        self.assertEqual(self.s.get_order("202-0000000-0000001").status, 404)
        self.assertEqual(self.s.get_order("not-an-id").status, 400)
        self.assertEqual(self.s.get_order(order_id, "SECRETS").status, 400)

    # ---- sandbox replay

    def test_sandbox_replay(self):
        with open(FIXTURES, encoding="utf-8") as fh:
            examples = json.load(fh)["examples"]
        get = next(e for e in examples if e["operationId"] == "getOrder" and e["status"] == 200)
        params = get["request"]["parameters"]
        reply = self.s.get_order(params["orderId"]["value"],
                                 ",".join(params["includedData"]["value"]))
        self.assertEqual(reply.status, 200)
        self.assertEqual(reply.json, get["response"])
        uk = next(e for e in examples if e["operationId"] == "searchOrders"
                  and "paginationToken" in e["request"]["parameters"])
        query = {k: ",".join(v["value"]) if isinstance(v["value"], list) else v["value"]
                 for k, v in uk["request"]["parameters"].items()}
        reply = self.s.search(**query)
        self.assertEqual(reply.status, 200)
        self.assertEqual(reply.json, uk["response"])
        bad = next(e for e in examples if e["operationId"] == "searchOrders" and e["status"] == 400)
        reply = self.s.search(createdAfter="TEST_CASE_400")
        self.assertEqual((reply.status, reply.json), (400, bad["response"]))
        confirm = next(e for e in examples if e["operationId"] == "confirmShipment"
                       and e["status"] == 204)
        params = confirm["request"]["parameters"]
        reply = self.s.confirm(params["orderId"]["value"], params["body"]["value"])
        self.assertEqual((reply.status, reply.raw), (204, b""))
        _, recorded = self.s.control("GET", "/requests?operation=confirmShipment")
        self.assertTrue(recorded["requests"][-1]["sandbox"])

    # ---- recorded requests

    def test_requests_are_recorded_and_redacted(self):
        self.s.search(lastUpdatedAfter=EPOCH_START, maxResultsPerPage=3,
                      includedData=BENCH_DATA)
        _, data = self.s.control("GET", "/requests?operation=searchOrders")
        last = data["requests"][-1]
        self.assertEqual(last["method"], "GET")
        self.assertEqual(last["path"], SEARCH)
        self.assertEqual(last["query"], {"lastUpdatedAfter": EPOCH_START,
                                         "maxResultsPerPage": "3", "includedData": BENCH_DATA})
        self.assertEqual(last["headers"]["x-amz-access-token"], "Atza")
        self.assertEqual(last["status"], 200)
        _, data = self.s.control("GET", "/requests?operation=token")
        self.assertEqual(data["requests"][-1]["form"]["client_secret"], CLIENT_SECRET[:4])

    # ---- generated data

    def test_generated_orders_are_varied_and_realistic(self):
        orders = self.orders
        addresses = [o["recipient"]["deliveryAddress"] for o in orders]
        postcodes = [a["postalCode"].upper() for a in addresses]
        lines = [a.get(k, "") for a in addresses for k in ("addressLine1", "addressLine2")]

        def some(predicate, what, at_least=1):
            hits = sum(1 for x in orders if predicate(x))
            self.assertGreaterEqual(hits, at_least, what)

        some(lambda o: o["recipient"]["deliveryAddress"]["addressLine1"].startswith(
            ("Ffordd", "Heol")) or "Ffordd" in o["recipient"]["deliveryAddress"].get(
                "addressLine2", "") or "Llanfairpwllgwyngyll" in
            o["recipient"]["deliveryAddress"]["city"], "Welsh street or village")
        self.assertTrue(any(p.startswith("AB10") for p in postcodes), "Aberdeen AB10")
        self.assertTrue(any(re.match(r"IV\d", p) for p in postcodes), "Highland IV")
        self.assertTrue(any(p.startswith("BT") for p in postcodes), "Northern Ireland BT")
        self.assertTrue(any(p.startswith("JE") for p in postcodes), "Jersey")
        self.assertTrue(any(p.startswith("GY") for p in postcodes), "Guernsey")
        self.assertTrue(any(a["city"].startswith("BFPO") for a in addresses), "BFPO")
        names = [a["name"] for a in addresses] + [o["buyer"]["buyerName"] for o in orders]
        self.assertTrue(any(re.search(r"['’]", n) for n in names), "apostrophes")
        self.assertTrue(any(not n.isascii() for n in names), "accents")
        self.assertTrue({"Siân O'Brien", "Zoë Ní Bhriain"} <= set(names))
        self.assertTrue(any(n.startswith("Ðorđe") for n in names))
        self.assertTrue(any(len(line) > 35 for line in lines), "long address lines")
        self.assertTrue(any("phone" not in a for a in addresses), "missing phone")
        self.assertTrue(sum("phone" in a for a in addresses) > 800, "mostly with phone")
        some(lambda o: any(i["quantityOrdered"] > 1 for i in o["orderItems"]), "multi-quantity")
        some(lambda o: len(o["orderItems"]) > 1, "multi-item")
        some(lambda o: "PRIME" in o.get("programs", []), "Prime")
        some(lambda o: o["fulfillment"]["fulfillmentServiceLevel"] == "NEXT_DAY", "next day")
        some(lambda o: any(i.get("fulfillment", {}).get("packing", {}).get("giftOption", {})
                           .get("giftMessage") for i in o["orderItems"]), "gift message")
        some(lambda o: "shipByWindow" in o["fulfillment"] and "deliverByWindow" in o["fulfillment"],
             "windows", 1000)
        unshipped = sum(o["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED" for o in orders)
        self.assertGreater(unshipped, 700)
        for order in orders:
            self.assertRegex(order["orderId"], r"^\d{3}-\d{7}-\d{7}$")
            self.assertEqual(order["salesChannel"]["marketplaceId"], UK)
            self.assertEqual(order["fulfillment"]["fulfilledBy"], "MERCHANT")
            self.assertIn(order["fulfillment"]["fulfillmentServiceLevel"],
                          ("EXPEDITED", "FREE_ECONOMY", "NEXT_DAY", "PRIORITY", "SAME_DAY",
                           "SECOND_DAY", "SCHEDULED", "STANDARD"))
            for item in order["orderItems"]:
                self.assertRegex(item["product"]["asin"], r"^B0[A-Z0-9]{8}$")
                self.assertRegex(item["product"]["price"]["unitPrice"]["amount"], r"^\d+\.\d\d$")
                self.assertEqual(item["product"]["price"]["unitPrice"]["currencyCode"], "GBP")

    def test_generation_is_deterministic(self):
        other = Spapi("--orders", "30", "--seed", "7")
        different = Spapi("--orders", "30", "--seed", "8")
        try:
            ids = {o["orderId"] for o in other.all_orders("RECIPIENT")[0]}
            self.assertEqual(len(ids), 30)
            self.assertTrue(ids <= {o["orderId"] for o in self.orders})
            self.assertFalse(ids & {o["orderId"] for o in different.all_orders("")[0]})
        finally:
            self.assertEqual(other.stop(), 0)
            different.stop()


class Clients(unittest.TestCase):
    """Who calls the API: counted per access token (GET /_test/clients), so a
    site test can show that only the leading bench polls."""

    def setUp(self):
        self.s = Spapi("--orders", "5", "--seed", "11")
        self.addCleanup(self.s.stop)
        _, data = self.s.control("GET", "/orders")
        self.ids = [o["orderId"] for o in data["orders"]]

    def bench_token(self):
        reply = self.s.login()
        self.assertEqual(reply.status, 200, reply.raw)
        # Spapi.api logs in only when it has no token of its own yet.
        self.s.token = self.s.token or reply.json["access_token"]
        return reply.json["access_token"]

    def search(self, token):
        return self.s.api("GET", SEARCH, {"lastUpdatedAfter": EPOCH_START}, token=token)

    def get_order(self, token):
        return self.s.api("GET", SEARCH + "/" + self.ids[0], token=token)

    def test_counts_per_token(self):
        leader, follower, idle = self.bench_token(), self.bench_token(), self.bench_token()
        for _ in range(3):
            self.assertEqual(self.search(leader).status, 200)
        self.assertEqual(self.get_order(leader).status, 200)
        for _ in range(2):
            self.assertEqual(self.get_order(follower).status, 200)
        # Refused calls count too: a 429 (a fault), an unknown token.
        self.s.control("POST", "/faults", {"operation": "searchOrders", "kind": "status",
                                           "status": 429})
        self.assertEqual(self.search(leader).status, 429)
        self.assertEqual(self.search("Atza|not-issued-here").status, 403)

        status, data = self.s.control("GET", "/clients")
        self.assertEqual(status, 200)
        counts = [(c["client"], c["client_id"], c["searchOrders"], c["getOrder"],
                   c["confirmShipment"]) for c in data["clients"]]
        self.assertEqual(counts, [("token-1", CLIENT_ID, 4, 1, 0),
                                  ("token-2", CLIENT_ID, 0, 2, 0),
                                  ("token-3", CLIENT_ID, 0, 0, 0)])
        self.assertIsNone(data["clients"][2]["first"])
        self.assertLessEqual(data["clients"][0]["first"], data["clients"][0]["last"])
        self.assertEqual(data["client_ids"],
                         {CLIENT_ID: {"searchOrders": 4, "getOrder": 3, "confirmShipment": 0}})
        self.assertEqual(data["unknown"],
                         {"searchOrders": 1, "getOrder": 0, "confirmShipment": 0})
        # Only one client polled.
        _, pollers = self.s.control("GET", "/clients?operation=searchOrders")
        self.assertEqual([c["client"] for c in pollers["clients"]], ["token-1"])
        # Each recorded request names its client.
        _, recorded = self.s.control("GET", "/requests?operation=getOrder")
        self.assertEqual([r["client"] for r in recorded["requests"]],
                         ["token-1", "token-2", "token-2"])
        self.assertNotIn(idle, json.dumps(data) + json.dumps(recorded))

    def test_reset_keeps_tokens(self):
        leader = self.bench_token()
        self.assertEqual(self.search(leader).status, 200)
        self.assertEqual(self.s.control("DELETE", "/clients"), (204, None))
        _, data = self.s.control("GET", "/clients")
        self.assertEqual((data["clients"][0]["searchOrders"], data["clients"][0]["last"]),
                         (0, None))
        self.assertEqual(self.search(leader).status, 200)
        _, data = self.s.control("GET", "/clients")
        self.assertEqual(data["clients"][0]["searchOrders"], 1)

    def test_bad_operation(self):
        status, data = self.s.control("GET", "/clients?operation=token")
        self.assertEqual(status, 400)
        self.assertIn("searchOrders", data["error"])


class Changes(unittest.TestCase):
    """A fresh small server for every test."""

    def setUp(self):
        self.s = Spapi("--orders", "40", "--seed", "3")
        self.addCleanup(self.s.stop)
        orders = self.s.all_orders("FULFILLMENT")[0]
        self.ids = [o["orderId"] for o in orders]
        self.unshipped = [o["orderId"] for o in orders
                          if o["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED"]

    def order_with(self, predicate):
        for order_id in self.unshipped:
            order = self.s.full_order(order_id)
            if predicate(order):
                return order
        self.fail("no such order")

    # ---- confirmShipment

    def test_confirm_shipment(self):
        order = self.order_with(lambda o: len(o["orderItems"]) == 1)
        before = order["lastUpdatedTime"]
        self.s.control("POST", "/clock", {"advance_seconds": 2})  # a later second
        reply = self.s.confirm(order["orderId"], confirmation(order))
        self.assertEqual((reply.status, reply.raw), (204, b""), reply.raw)
        got = self.s.get_order(order["orderId"], "FULFILLMENT,PACKAGES").json["order"]
        self.assertEqual(got["fulfillment"]["fulfillmentStatus"], "SHIPPED")
        package = got["packages"][-1]
        self.assertEqual(package["trackingNumber"], "QE123456785GB")
        self.assertEqual(package["carrier"], "Royal Mail")
        self.assertEqual(package["packageStatus"]["status"], "SHIPPED")
        self.assertEqual(package["packageReferenceId"], "1")
        self.assertGreater(got["lastUpdatedTime"], before)
        _, data = self.s.control("GET", "/confirmations")
        self.assertEqual(data["confirmations"][-1]["orderId"], order["orderId"])
        self.assertEqual(data["confirmations"][-1]["body"], confirmation(order))
        _, data = self.s.control("GET", "/requests?operation=confirmShipment")
        self.assertEqual(data["requests"][-1]["body"], confirmation(order))
        # The same confirmation again is a harmless retry; another package id is too many.
        self.assertEqual(self.s.confirm(order["orderId"], confirmation(order)).status, 204)
        self.assertEqual(len(self.s.full_order(order["orderId"])["packages"]), 1)
        reply = self.s.confirm(order["orderId"], confirmation(order, ref="2"))
        self.assertEqual(reply.status, 400)
        self.assertIn("quantity", reply.error_text())

    def test_partial_shipment(self):
        order = self.order_with(lambda o: len(o["orderItems"]) > 1)
        first = order["orderItems"][0]
        reply = self.s.confirm(order["orderId"], confirmation(
            order, [(first["orderItemId"], first["quantityOrdered"])]))
        self.assertEqual(reply.status, 204, reply.raw)
        got = self.s.get_order(order["orderId"], "FULFILLMENT").json["order"]
        self.assertEqual(got["fulfillment"]["fulfillmentStatus"], "PARTIALLY_SHIPPED")
        self.assertEqual(got["orderItems"][0]["fulfillment"]["quantityUnfulfilled"], 0)

    def test_confirm_shipment_validation(self):
        order = self.order_with(lambda o: True)
        item = order["orderItems"][0]

        def variant(change):
            body = confirmation(order)
            change(body, body["packageDetail"])
            return body

        cases = [
            (lambda b, d: d.update(packageReferenceId=1), "packageReferenceId"),
            (lambda b, d: d.update(packageReferenceId="PKG-1"), "packageReferenceId"),
            (lambda b, d: d.update(packageReferenceId="0"), "packageReferenceId"),
            (lambda b, d: d.pop("trackingNumber"), "trackingNumber"),
            (lambda b, d: d.pop("carrierCode"), "carrierCode"),
            (lambda b, d: d.update(carrierCode="Other"), "carrierName"),
            (lambda b, d: d.update(shipDate="02/21/2022"), "shipDate"),
            (lambda b, d: d.update(orderItems=[]), "orderItems"),
            (lambda b, d: d["orderItems"][0].update(quantity="1"), "quantity"),
            (lambda b, d: d["orderItems"][0].update(quantity=item["quantityOrdered"] + 1),
             "quantity"),
            (lambda b, d: d["orderItems"][0].update(orderItemId="99999999999999"), "orderItemId"),
            (lambda b, d: d["orderItems"][0].pop("orderItemId"), "orderItemId"),
            (lambda b, d: b.update(marketplaceId="ATVPDKIKX0DER"), "marketplaceId"),
            (lambda b, d: b.pop("marketplaceId"), "marketplaceId"),
            (lambda b, d: b.pop("packageDetail"), "packageDetail"),
            (lambda b, d: d.update(trackingNumbr="x"), "trackingNumbr"),
        ]
        for change, field in cases:
            with self.subTest(field=field):
                reply = self.s.confirm(order["orderId"], variant(change))
                self.assertEqual(reply.status, 400, reply.raw)
                self.assertIn("errors", reply.json)
                self.assertIn(field, reply.error_text())
                self.assertEqual(reply.json["errors"][0]["code"], "InvalidInput")
        reply = self.s.api("POST", "/orders/v0/orders/%s/shipmentConfirmation" % order["orderId"])
        self.assertEqual(reply.status, 400)
        self.assertEqual(self.s.confirm("202-0000000-0000001", confirmation(order)).status, 404)
        _, data = self.s.control("GET", "/confirmations")
        self.assertEqual(data["confirmations"], [])
        self.assertEqual(self.s.full_order(order["orderId"])["fulfillment"]["fulfillmentStatus"],
                         "UNSHIPPED")

    # ---- faults

    def add_faults(self, *faults):
        status, data = self.s.control("POST", "/faults", list(faults))
        self.assertEqual(status, 200, data)

    def test_fault_status_with_retry_after_and_after(self):
        self.add_faults({"operation": "searchOrders", "kind": "status", "status": 429,
                         "retry_after": 1, "count": 2, "after": 1})
        query = {"lastUpdatedAfter": EPOCH_START, "maxResultsPerPage": "1"}
        self.assertEqual(self.s.search(**query).status, 200)
        for _ in range(2):
            reply = self.s.search(**query)
            self.assertEqual(reply.status, 429)
            self.assertEqual(reply.headers["Retry-After"], "1")
            self.assertEqual(reply.json["errors"][0]["code"], "QuotaExceeded")
        self.assertEqual(self.s.search(**query).status, 200)
        self.add_faults({"operation": "token", "kind": "status", "status": 503})
        reply = self.s.login()
        self.assertEqual(reply.status, 503)
        self.assertIn("error", reply.json)
        self.assertEqual(self.s.login().status, 200)

    def test_fault_stall(self):
        self.add_faults({"operation": "getOrder", "kind": "stall", "seconds": 1})
        start = time.monotonic()
        reply = self.s.get_order(self.ids[0])
        self.assertGreaterEqual(time.monotonic() - start, 1.0)
        self.assertEqual(reply.status, 200)

    def test_fault_malformed_and_truncated(self):
        self.add_faults({"operation": "*", "kind": "malformed"})
        self.s.login()  # this takes the "*" fault
        self.s.token = None
        self.add_faults({"operation": "getOrder", "kind": "malformed"},
                        {"operation": "getOrder", "kind": "truncated"})
        for _ in range(2):
            reply = self.s.get_order(self.ids[0], "RECIPIENT")
            self.assertEqual(reply.status, 200)
            self.assertEqual(int(reply.headers["Content-Length"]), len(reply.raw))
            with self.assertRaises(ValueError):
                json.loads(reply.raw)
        full = self.s.get_order(self.ids[0], "RECIPIENT")
        self.assertEqual(full.json["order"]["orderId"], self.ids[0])
        _, data = self.s.control("GET", "/requests?operation=getOrder")
        self.assertEqual([r["fault"] for r in data["requests"][-3:]],
                         ["malformed", "truncated", None])

    def test_fault_reset_after_token(self):
        _, before = self.s.control("GET", "/tokens")
        self.add_faults({"operation": "token", "kind": "reset"})
        with self.assertRaises((http.client.RemoteDisconnected, ConnectionError, OSError)):
            self.s.login()
        _, after = self.s.control("GET", "/tokens")
        self.assertEqual(after["valid"], before["valid"] + 1)  # issued, answer lost
        _, data = self.s.control("GET", "/requests?operation=token")
        self.assertEqual((data["requests"][-1]["fault"], data["requests"][-1]["status"]),
                         ("reset", 0))

    def test_fault_expire_token(self):
        self.assertEqual(self.s.get_order(self.ids[0]).status, 200)
        old = self.s.token
        self.add_faults({"operation": "getOrder", "kind": "expire_token"})
        reply = self.s.get_order(self.ids[0])
        self.assertEqual(reply.status, 403)
        self.assertEqual(reply.json["errors"][0],
                         {"code": "Unauthorized",
                          "message": "Access to requested resource is denied.",
                          "details": "The access token you provided has expired."})
        self.assertEqual(self.s.get_order(self.ids[0], None).status, 403)
        self.s.token = None
        self.assertEqual(self.s.get_order(self.ids[0]).status, 200)
        self.assertNotEqual(self.s.token, old)

    def test_token_expires_with_the_clock(self):
        self.assertEqual(self.s.get_order(self.ids[0]).status, 200)
        status, clock = self.s.control("POST", "/clock", {"advance_seconds": 3601})
        self.assertEqual((status, clock["offset_seconds"]), (200, 3601))
        reply = self.s.get_order(self.ids[0])
        self.assertEqual(reply.status, 403)
        self.assertIn("expired", reply.json["errors"][0]["details"])
        self.assertEqual(self.s.control("POST", "/clock", {"offset_seconds": 0})[0], 400)

    def test_fault_expire_pagination(self):
        query = {"lastUpdatedAfter": EPOCH_START, "maxResultsPerPage": "10"}
        first = self.s.search(**query).json
        self.add_faults({"operation": "searchOrders", "kind": "expire_pagination"})
        self.assertEqual(self.s.search(**query).status, 200)  # no token: not counted
        reply = self.s.search(paginationToken=first["pagination"]["nextToken"], **query)
        self.assertEqual(reply.status, 400)
        self.assertEqual(reply.json["errors"][0]["code"], "InvalidInput")
        self.assertIn("expired", reply.json["errors"][0]["message"])
        reply = self.s.search(paginationToken=first["pagination"]["nextToken"], **query)
        self.assertEqual(reply.status, 200)
        # And a real one: tokens live 24 hours.
        self.s.control("POST", "/clock", {"advance_seconds": 86401})
        self.s.token = None
        reply = self.s.search(paginationToken=first["pagination"]["nextToken"], **query)
        self.assertEqual(reply.status, 400)
        self.assertIn("expired", reply.json["errors"][0]["message"])

    def test_fault_validation(self):
        for fault in ({"kind": "explode"}, {"kind": "status", "status": 200},
                      {"kind": "stall"}, {"operation": "listOrders", "kind": "malformed"}):
            self.assertEqual(self.s.control("POST", "/faults", fault)[0], 400, fault)

    # ---- controls

    def test_cancel_after_sync_shows_up_after_settling(self):
        first = self.s.search(lastUpdatedAfter=EPOCH_START, includedData="FULFILLMENT").json
        watermark = first["lastUpdatedBefore"]
        order_id = self.unshipped[0]
        status, data = self.s.control("POST", "/orders/%s/cancel" % order_id)
        self.assertEqual(status, 200, data)
        got = self.s.get_order(order_id, "FULFILLMENT,CANCELLATION").json["order"]
        self.assertEqual(got["fulfillment"]["fulfillmentStatus"], "CANCELLED")
        self.assertEqual(got["orderItems"][0]["cancellation"]["cancellationRequest"]["requester"],
                         "BUYER")
        self.assertGreater(got["lastUpdatedTime"], watermark)
        query = {"lastUpdatedAfter": watermark, "includedData": "FULFILLMENT"}
        self.assertEqual(self.s.search(**query).json["orders"], [])  # not settled yet
        self.s.control("POST", "/clock", {"advance_seconds": 121})
        self.s.token = None
        found = [o["orderId"] for o in self.s.search(**query).json["orders"]]
        self.assertEqual(found, [order_id])
        self.assertEqual(self.s.control("POST", "/orders/%s/cancel" % order_id)[0], 409)

    def test_cancel_request_and_deliver(self):
        order_id = self.unshipped[1]
        status, data = self.s.control("POST", "/orders/%s/cancel-request" % order_id,
                                      {"reason": "Need to Change Shipping Address"})
        self.assertEqual(status, 200)
        got = self.s.get_order(order_id, "FULFILLMENT,CANCELLATION").json["order"]
        self.assertEqual(got["fulfillment"]["fulfillmentStatus"], "UNSHIPPED")
        cancellation = got["orderItems"][0]["cancellation"]
        self.assertEqual(cancellation["cancellationRequest"],
                         {"requester": "BUYER", "cancelReason": "Need to Change Shipping Address"})
        self.assertNotIn("cancellationExecution", cancellation)
        self.assertEqual(self.s.control("POST", "/orders/%s/deliver" % order_id)[0], 409)
        order = self.s.full_order(order_id)
        self.assertEqual(self.s.confirm(order_id, confirmation(order)).status, 204)
        before = self.s.full_order(order_id)["lastUpdatedTime"]
        self.s.control("POST", "/clock", {"advance_seconds": 2})  # a later second
        status, data = self.s.control("POST", "/orders/%s/deliver" % order_id)
        self.assertEqual(status, 200)
        got = self.s.get_order(order_id, "PACKAGES").json["order"]
        self.assertEqual(got["packages"][0]["packageStatus"]["status"], "DELIVERED")
        self.assertGreater(got["lastUpdatedTime"], before)
        self.assertEqual(self.s.control("POST", "/orders/202-0000000-0000001/deliver")[0], 404)

    def test_add_and_generate_orders(self):
        status, data = self.s.control("POST", "/orders", {"generate": 2, "scenario": "bfpo"})
        self.assertEqual(status, 201)
        for order_id in data["orderIds"]:
            self.assertTrue(self.s.full_order(order_id)["recipient"]["deliveryAddress"]["city"]
                            .startswith("BFPO"))
        order = {"orderId": "026-1111111-2222222",
                 "recipient": {"deliveryAddress": {"name": "Test Person", "addressLine1": "1 Road",
                                                   "city": "Leeds", "postalCode": "LS1 1AA",
                                                   "countryCode": "GB"}},
                 "orderItems": [{"orderItemId": "11111111111111", "quantityOrdered": 2,
                                 "product": {"sellerSku": "SKU-1", "title": "Thing"}}]}
        status, data = self.s.control("POST", "/orders", {"add": [order]})
        self.assertEqual((status, data["orderIds"]), (201, ["026-1111111-2222222"]))
        got = self.s.get_order("026-1111111-2222222", "FULFILLMENT").json["order"]
        self.assertEqual(got["fulfillment"]["fulfillmentStatus"], "UNSHIPPED")
        self.assertEqual(self.s.confirm("026-1111111-2222222", confirmation(got)).status, 204)

    def test_state_survives_a_restart(self):
        state_file = os.path.join(self.s.tmp, "state.json")
        first = Spapi("--orders", "5", state_file=state_file)
        try:
            _, listed = first.control("GET", "/orders")
            order_id = listed["orders"][0]["orderId"]
            order = first.full_order(order_id)
            if order["fulfillment"]["fulfillmentStatus"] != "UNSHIPPED":
                self.skipTest("first order not unshipped")
            self.assertEqual(first.confirm(order_id, confirmation(order)).status, 204)
        finally:
            self.assertEqual(first.stop(), 0)
        second = Spapi("--orders", "5", state_file=state_file)
        try:
            _, listed = second.control("GET", "/orders")
            self.assertEqual(len(listed["orders"]), 5)
            self.assertIn(second.full_order(order_id)["fulfillment"]["fulfillmentStatus"],
                          ("SHIPPED", "PARTIALLY_SHIPPED"))
            _, data = second.control("GET", "/confirmations")
            self.assertEqual(len(data["confirmations"]), 1)
        finally:
            second.stop()

    def test_keep_alive(self):
        conn = http.client.HTTPSConnection("localhost", self.s.port, context=self.s.context,
                                           timeout=60)
        try:
            for _ in range(3):
                conn.request("GET", "/_test/clock")
                response = conn.getresponse()
                self.assertEqual(response.status, 200)
                response.read()
            self.assertIsNotNone(conn.sock)
        finally:
            conn.close()


def tearDownModule():
    remove_certs()


if __name__ == "__main__":
    unittest.main()
