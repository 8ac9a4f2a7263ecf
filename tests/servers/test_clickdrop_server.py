#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Self-test of the local Click & Drop server (clickdrop_server.py): starts it
as a subprocess over HTTPS with fresh certificates and talks to it as a
client would. Labels and manifests are checked with poppler's pdftotext and
pdfinfo. Run with /usr/bin/python3; no network beyond 127.0.0.1."""

import base64
import http.client
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import clickdrop_pdf  # noqa: E402
from selftest_client import ServerProcess, remove_certs  # noqa: E402

SERVER = os.path.join(HERE, "clickdrop_server.py")
SPEC = os.path.join(HERE, "fixtures", "clickdrop", "click-and-drop-api-v1.subset.json")
API_KEY = "pb-test-clickdrop-key"
BASE = "/api/v1"

def quoted(reference):
    """An order reference as {orderIdentifiers} wants it: in double quotes,
    percent-encoded."""
    return urllib.parse.quote('"%s"' % reference, safe="")


class ClickDrop(ServerProcess):
    """One server process and a small client for it."""

    def __init__(self, *extra, state_file=None):
        super().__init__(SERVER, *extra, state_file=state_file)

    def api(self, method, path, body=None, key=API_KEY, timeout=60, headers=None):
        headers = dict(headers or {})
        if key is not None:
            headers["Authorization"] = "Bearer " + key
        return self.request(method, BASE + path, body=body, headers=headers, timeout=timeout)

    def create(self, *orders, timeout=60):
        return self.api("POST", "/orders", {"items": list(orders)}, timeout=timeout)

    def label(self, identifiers, **query):
        query.setdefault("documentType", "postageLabel")
        if query["documentType"] == "postageLabel":
            query.setdefault("includeReturnsLabel", "false")
        return self.api("GET", "/orders/%s/label?%s" % (identifiers,
                                                         urllib.parse.urlencode(query)))

    def control(self, method, path, body=None):
        reply = self.request(method, "/_test" + path, body=body)
        return reply.status, (reply.json if reply.raw else None)


_counter = [0]


def order(reference=None, label=True, **changes):
    """A valid CreateOrderRequest (Tracked 24, one small parcel)."""
    _counter[0] += 1
    item = {
        "orderReference": reference or "026-%07d-%07d" % (_counter[0], 4242),
        "recipient": {
            "address": {"fullName": "Siân Llŷr-O'Brien", "companyName": "Tŷ Gwyn Crafts",
                        "addressLine1": "Flat 2, 14 Heol y Bont", "addressLine2": "Penparcau",
                        "city": "Aberystwyth", "county": "Ceredigion", "postcode": "SY23 1AB",
                        "countryCode": "GB"},
            "phoneNumber": "07700 900123", "emailAddress": "buyer@marketplace.example"},
        "orderDate": "2026-01-05T09:15:00Z",
        "plannedDespatchDate": "2026-01-06T09:00:00Z",
        "subtotal": 24.98, "shippingCostCharged": 3.99, "total": 28.97, "currencyCode": "GBP",
        "packages": [{"weightInGrams": 640, "packageFormatIdentifier": "smallParcel",
                      "contents": [{"name": "Welsh Dragon Mug", "SKU": "MUG-DRAGON",
                                    "quantity": 2, "unitValue": 12.49,
                                    "unitWeightInGrams": 300}]}],
        "postageDetails": {"serviceCode": "TPN24", "sendNotificationsTo": "recipient"},
    }
    if label:
        item["label"] = {"includeLabelInResponse": True, "includeCN": False,
                         "includeReturnsLabel": False}
    for path, value in changes.items():
        set_path(item, path, value)
    return item


def set_path(item, path, value):
    """set_path(order, "recipient.address.city", "Leeds"); value DELETE removes."""
    keys = [int(k) if k.isdigit() else k for k in re.split(r"\.|\[|\]\.?", path) if k != ""]
    target = item
    for key in keys[:-1]:
        target = target[key]
    if value is DELETE:
        del target[keys[-1]]
    else:
        target[keys[-1]] = value


DELETE = object()


def pdf_text(data):
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True)
    return result.stdout.decode("utf-8")


def pdf_info(data):
    result = subprocess.run(["pdfinfo", "-"], input=data, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, check=True)
    info = {}
    for line in result.stdout.decode("utf-8", "replace").splitlines():
        key, _, value = line.partition(":")
        info[key.strip()] = value.strip()
    return info


class Base(unittest.TestCase):
    args = ()

    @classmethod
    def setUpClass(cls):
        cls.s = ClickDrop(*cls.args)

    @classmethod
    def tearDownClass(cls):
        log = cls.s.log()
        cls.s.stop()
        if "Traceback" in log:
            raise AssertionError("the server failed:\n" + log)

    def created(self, *orders):
        reply = self.s.create(*orders)
        self.assertEqual(reply.status, 200, reply.raw)
        data = reply.json
        self.assertEqual(data["errorsCount"], 0, json.dumps(data["failedOrders"]))
        return data["createdOrders"]

    def failed_fields(self, item):
        """fieldName -> errorCode of the one failed order @item makes."""
        reply = self.s.create(item)
        self.assertEqual(reply.status, 200, reply.raw)
        data = reply.json
        self.assertEqual((data["successCount"], data["errorsCount"]), (0, 1), reply.raw[:600])
        self.assertEqual(data["failedOrders"][0]["order"], item)
        return {f["fieldName"]: e["errorCode"] for e in data["failedOrders"][0]["errors"]
                for f in e["fields"]}

    def add_faults(self, *faults):
        status, data = self.s.control("POST", "/faults", list(faults))
        self.assertEqual(status, 200, data)


class Auth(Base):
    def test_missing_wrong_and_bare_keys_get_401(self):
        for headers, challenge in (({}, "Bearer"),
                                   ({"Authorization": "Bearer wrong-key"},
                                    'Bearer error="invalid_token"'),
                                   ({"Authorization": API_KEY}, 'Bearer error="invalid_token"'),
                                   ({"Authorization": "Basic " + API_KEY},
                                    'Bearer error="invalid_token"')):
            with self.subTest(headers=headers):
                reply = self.s.request("GET", BASE + "/orders/1", headers=headers)
                self.assertEqual(reply.status, 401)
                self.assertEqual(reply.raw, b"")
                self.assertEqual(reply.headers["WWW-Authenticate"], challenge)
        reply = self.s.request("POST", BASE + "/orders", body={"items": [order()]})
        self.assertEqual(reply.status, 401)
        self.assertEqual(self.s.control("GET", "/orders")[1]["orders"], [])

    def test_bearer_scheme_is_case_insensitive_and_version_is_open(self):
        reply = self.s.request("GET", BASE + "/carriers",
                               headers={"Authorization": "bearer " + API_KEY})
        self.assertEqual(reply.status, 200)
        self.assertEqual(reply.json[0]["carrierName"], "Royal Mail OBA")
        reply = self.s.request("GET", BASE + "/version")
        self.assertEqual(reply.status, 200)
        self.assertIn("releaseDate", reply.json)

    def test_recorded_authorization_is_cut(self):
        self.s.api("GET", "/orders/%s" % quoted("recorded"))
        _, data = self.s.control("GET", "/requests?operation=GetSpecificOrdersAsync")
        record = data["requests"][-1]
        self.assertEqual(record["headers"]["authorization"], "Bearer pb-t")
        self.assertEqual(record["path"], BASE + "/orders/%22recorded%22")
        self.assertEqual(record["status"], 404)


class Create(Base):
    def test_create_with_label(self):
        item = order("026-1111111-2222222")
        created = self.created(item)[0]
        self.assertIsInstance(created["orderIdentifier"], int)
        self.assertEqual(created["orderReference"], "026-1111111-2222222")
        self.assertEqual(created["orderDate"], "2026-01-05T09:15:00Z")
        self.assertRegex(created["createdOn"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        tracking = created["trackingNumber"]
        self.assertRegex(tracking, r"^RM\d{9}GB$")
        self.assertTrue(clickdrop_pdf.s10_valid(tracking), tracking)
        self.assertEqual(created["packages"], [{"packageNumber": 1, "trackingNumber": tracking}])
        self.assertEqual(created["generatedDocuments"], ["postageLabel"])
        self.assertIn("printedOn", created)
        data = base64.b64decode(created["label"], validate=True)
        self.assertTrue(data.startswith(b"%PDF-1.4"))
        self.assertLess(len(data), 8000)
        text = pdf_text(data)
        for wanted in ("Siân Llŷr-O'Brien", "Tŷ Gwyn Crafts", "Flat 2, 14 Heol y Bont",
                       "Aberystwyth", "SY23 1AB", tracking, "Royal Mail Tracked 24",
                       "026-1111111-2222222", "0.640 kg"):
            self.assertIn(wanted, text)
        info = pdf_info(data)
        self.assertEqual(info["Pages"], "1")
        self.assertTrue(info["Page size"].startswith("288 x 432 pts"), info["Page size"])
        # The same label again from GetOrdersLabelAsync, byte for byte.
        reply = self.s.label(created["orderIdentifier"])
        self.assertEqual(reply.status, 200)
        self.assertEqual(reply.headers["Content-Type"], "application/pdf")
        self.assertEqual(reply.raw, data)
        _, counts = self.s.control("GET", "/creates")
        self.assertEqual(counts["creates"]["026-1111111-2222222"], 1)

    def test_several_packages_each_get_a_tracking_number_and_a_page(self):
        item = order()
        item["packages"].append({"weightInGrams": 1200, "packageFormatIdentifier": "mediumParcel"})
        created = self.created(item)[0]
        numbers = [p["trackingNumber"] for p in created["packages"]]
        self.assertEqual([p["packageNumber"] for p in created["packages"]], [1, 2])
        self.assertEqual(len(set(numbers)), 2)
        self.assertEqual(created["trackingNumber"], numbers[0])
        data = base64.b64decode(created["label"])
        self.assertEqual(pdf_info(data)["Pages"], "2")
        text = pdf_text(data)
        self.assertIn("Package 2 of 2", text)
        self.assertIn(numbers[1], text)

    def test_partial_failures(self):
        good = order()
        bad_postcode = order(**{"recipient.address.postcode": "SY23 1A"})
        disabled = order(**{"postageDetails.serviceCode": "SD1"})
        unknown = order(**{"postageDetails.serviceCode": "XYZ99"})
        reply = self.s.create(bad_postcode, good, disabled, unknown)
        self.assertEqual(reply.status, 200)
        data = reply.json
        self.assertEqual((data["successCount"], data["errorsCount"]), (1, 3))
        self.assertEqual(data["createdOrders"][0]["orderReference"], good["orderReference"])
        failed = data["failedOrders"]
        self.assertEqual([f["order"]["orderReference"] for f in failed],
                         [bad_postcode["orderReference"], disabled["orderReference"],
                          unknown["orderReference"]])
        error = failed[0]["errors"][0]
        self.assertEqual(error["errorCode"], 1007)
        self.assertEqual(error["fields"], [{"fieldName": "recipient.address.postcode",
                                            "value": "SY23 1A"}])
        for entry in failed[1:]:
            error = entry["errors"][0]
            self.assertEqual(error["errorCode"], 1008)
            self.assertEqual(error["errorMessage"],
                             "Service code could not be found or it's not supported")
            self.assertEqual(error["fields"][0]["fieldName"], "postageDetails.serviceCode")
        _, counts = self.s.control("GET", "/creates")
        self.assertEqual(counts["creates"].get(bad_postcode["orderReference"]), None)
        self.assertEqual(counts["attempts"][bad_postcode["orderReference"]], 1)
        # Enabling a service on the account makes it work.
        status, account = self.s.control("POST", "/account",
                                         {"services": ["TPN24", "TPS48", "CRL24", "CRL48", "SD1"]})
        try:
            self.assertEqual(status, 200)
            self.assertEqual(self.s.create(disabled).json["successCount"], 1)
        finally:
            self.s.control("POST", "/account", {"services": ["TPN24", "TPS48", "CRL24", "CRL48"]})

    def test_length_limits_name_the_field(self):
        limits = [("orderReference", 40), ("recipient.address.fullName", 210),
                  ("recipient.address.companyName", 100), ("recipient.address.addressLine1", 100),
                  ("recipient.address.addressLine2", 100), ("recipient.address.addressLine3", 100),
                  ("recipient.address.city", 100), ("recipient.address.county", 100),
                  ("recipient.phoneNumber", 25), ("recipient.emailAddress", 254),
                  ("specialInstructions", 500), ("postageDetails.safePlace", 90),
                  ("postageDetails.department", 150), ("sender.tradingName", 250),
                  ("packages[0].contents[0].name", 800), ("packages[0].contents[0].SKU", 100),
                  ("packages[0].contents[0].customsDescription", 50), ("currencyCode", 3)]
        for path, limit in limits:
            with self.subTest(field=path):
                value = "x" * limit if path != "currencyCode" else "GBP"
                item = order()
                item.setdefault("sender", {"tradingName": "Shop"})
                set_path(item, path, value)
                self.assertEqual(self.s.create(item).json["successCount"], 1)
                item = order()
                item.setdefault("sender", {"tradingName": "Shop"})
                set_path(item, path, value + "y")
                fields = self.failed_fields(item)
                self.assertEqual(fields, {path: 1003})
        # Postcode: 20 characters at most, and a UK postcode for GB.
        fields = self.failed_fields(order(**{"recipient.address.postcode": "SY23 1AB" + " " * 13}))
        self.assertEqual(fields["recipient.address.postcode"], 1003)
        # The limit is in characters, not bytes.
        self.assertEqual(self.s.create(order(**{"recipient.address.city": "ŷ" * 100}))
                         .json["successCount"], 1)

    def test_the_limits_are_the_specs(self):
        with open(SPEC, encoding="utf-8") as fh:
            definitions = json.load(fh)["definitions"]
        address = definitions["AddressRequest"]
        self.assertEqual(address["required"], ["addressLine1", "city", "countryCode"])
        self.assertEqual({k: v["maxLength"] for k, v in address["properties"].items()},
                         {"fullName": 210, "companyName": 100, "addressLine1": 100,
                          "addressLine2": 100, "addressLine3": 100, "city": 100, "county": 100,
                          "postcode": 20, "countryCode": 3})

    def test_schema_checks(self):
        cases = [
            ({"recipient": DELETE}, {"recipient": 1001}),
            ({"orderDate": DELETE, "total": DELETE},
             {"orderDate": 1001, "total": 1001}),
            ({"recipient.address.addressLine1": DELETE, "recipient.address.city": None},
             {"recipient.address.addressLine1": 1001, "recipient.address.city": 1001}),
            ({"recipient.address.countryCode": DELETE},
             {"recipient.address.countryCode": 1001}),
            ({"recipient.address.postcode": DELETE}, {"recipient.address.postcode": 1001}),
            ({"recipient.address.countryCode": "G1"}, {"recipient.address.countryCode": 1005}),
            ({"orderDate": "05/01/2026"}, {"orderDate": 1005}),
            ({"plannedDespatchDate": "2026-02-30T00:00:00Z"}, {"plannedDespatchDate": 1005}),
            ({"subtotal": "24.98"}, {"subtotal": 1002}),
            ({"subtotal": 24.985}, {"subtotal": 1004}),
            ({"total": -1}, {"total": 1004}),
            ({"orderReference": 12345}, {"orderReference": 1002}),
            ({"packages[0].weightInGrams": 0}, {"packages[0].weightInGrams": 1004}),
            ({"packages[0].weightInGrams": 30001}, {"packages[0].weightInGrams": 1004}),
            ({"packages[0].weightInGrams": 640.5}, {"packages[0].weightInGrams": 1002}),
            ({"packages[0].weightInGrams": DELETE}, {"packages[0].weightInGrams": 1001}),
            ({"packages[0].packageFormatIdentifier": "box"},
             {"packages[0].packageFormatIdentifier": 1006}),
            ({"packages[0].dimensions": {"heightInMms": 10, "widthInMms": 0, "depthInMms": 5}},
             {"packages[0].dimensions.widthInMms": 1011}),
            ({"packages[0].dimensions": {"heightInMms": 10}},
             {"packages[0].dimensions.widthInMms": 1001,
              "packages[0].dimensions.depthInMms": 1001}),
            ({"packages[0].contents[0].quantity": 0}, {"packages[0].contents[0].quantity": 1004}),
            ({"packages[0].contents[0]": {"SKU": "MUG-DRAGON", "quantity": 1}},
             {"packages[0].contents[0].SKU": 1010}),
            ({"packages[0].contents[0]": {"name": "Mug", "quantity": 1, "unitValue": 2}},
             {"packages[0].contents[0].unitWeightInGrams": 1001}),
            ({"packages[0].contents[0].customsDeclarationCategory": "saleOfGoods"},
             {"packages[0].contents[0].customsDeclarationCategory": 1006}),
            ({"postageDetails.sendNotificationsTo": "buyer"},
             {"postageDetails.sendNotificationsTo": 1006}),
            ({"postageDetails.consequentialLoss": 20000},
             {"postageDetails.consequentialLoss": 1004}),
            ({"postageDetails.serviceCode": "TPN24TPN24X"},
             {"postageDetails.serviceCode": 1003}),
            ({"postageDetails.carrierName": "Parcelforce"}, {"postageDetails.carrierName": 1006}),
            ({"deliveryTerm": "FOB"}, {"deliveryTerm": 1006}),
            ({"label": {"includeCN": True}}, {"label.includeLabelInResponse": 1001}),
            ({"label.includeLabelInResponse": "yes"}, {"label.includeLabelInResponse": 1002}),
            ({"recipient.address": DELETE, "recipient.addressBookReference": "BOOK-1"},
             {"recipient.addressBookReference": 1009}),
            ({"recipient.address.countryCode": "FR", "recipient.address.postcode": "75001"},
             {"postageDetails.serviceCode": 1008}),
        ]
        for changes, wanted in cases:
            with self.subTest(changes=changes):
                item = order()
                for path, value in changes.items():
                    set_path(item, path, value)
                self.assertEqual(self.failed_fields(item), wanted)

    def test_valid_variants(self):
        variants = [
            {"recipient.address.postcode": "sy231ab"},
            {"recipient.address.postcode": "GIR 0AA"},
            {"recipient.address.countryCode": "GBR", "recipient.address.postcode": "EC1A 1BB"},
            {"recipient.address.countryCode": "JE", "recipient.address.postcode": "JE2 3AB"},
            {"recipient.address.postcode": "BF1 4FB", "recipient.address.city": "BFPO 57"},
            {"orderDate": "2026-01-05T09:15:00.1234567+01:00"},
            {"postageDetails.serviceCode": "CRL48", "packages[0].packageFormatIdentifier":
             "largeLetter"},
            {"dangerousGoodsDescription": "Lithium ion batteries packed with equipment"},
            {"packages[0].contents[0]": {"name": "Mug", "quantity": 1, "unitValue": 3,
                                         "unitWeightInGrams": 200}},
            {"recipient.address.fullName": None},
            {"unknownField": 1, "recipient.address.postCode": "SY23 1AB"},
        ]
        for changes in variants:
            with self.subTest(changes=changes):
                item = order()
                for path, value in changes.items():
                    set_path(item, path, value)
                self.assertEqual(self.created(item)[0]["orderReference"], item["orderReference"])
        _, data = self.s.control("GET", "/requests?operation=CreateOrdersAsync")
        self.assertCountEqual(data["requests"][-1]["unknownFields"],
                              ["items[0].unknownField", "items[0].recipient.address.postCode"])

    def test_bad_bodies(self):
        for raw, ctype, status in ((b"{not json", "application/json", 400),
                                   (b"[]", "application/json", 400),
                                   (b'{"items": []}', "application/json", 400),
                                   (b'{"orders": [{}]}', "application/json", 400),
                                   (json.dumps({"items": [order()]}).encode(), "text/plain", 415),
                                   (b"", "application/json", 400)):
            with self.subTest(raw=raw[:20], ctype=ctype):
                reply = self.s.request("POST", BASE + "/orders", raw_body=raw,
                                       headers={"Authorization": "Bearer " + API_KEY,
                                                "Content-Type": ctype})
                self.assertEqual(reply.status, status)
                self.assertEqual(set(reply.json), {"code", "message"})
        reply = self.s.api("POST", "/orders", {"items": [order() for _ in range(101)]})
        self.assertEqual(reply.status, 400)
        self.assertIn("100", reply.json["message"])
        reply = self.s.create("not an order")
        self.assertEqual(reply.json["failedOrders"][0]["errors"][0]["errorCode"], 1002)

    def test_without_label_no_tracking_until_the_label_is_fetched(self):
        created = self.created(order(label=False))[0]
        self.assertNotIn("trackingNumber", created)
        self.assertNotIn("label", created)
        self.assertEqual(created["packages"], [])
        reply = self.s.label(created["orderIdentifier"])
        self.assertEqual(reply.status, 200)
        looked = self.s.api("GET", "/orders/%d" % created["orderIdentifier"]).json[0]
        self.assertTrue(clickdrop_pdf.s10_valid(looked["trackingNumber"]))
        self.assertIn(looked["trackingNumber"], pdf_text(reply.raw))
        self.assertIn("printedOn", looked)

    def test_label_errors_when_the_label_cannot_be_made(self):
        no_service = order()
        del no_service["postageDetails"]["serviceCode"]
        no_packages = order()
        del no_packages["packages"]
        created = self.created(no_service, no_packages)
        for entry, code in zip(created, ("ServiceCodeRequired", "PackagesRequired")):
            self.assertEqual(entry["labelErrors"][0]["code"], code)
            self.assertNotIn("label", entry)
            self.assertNotIn("trackingNumber", entry)
        reply = self.s.label(created[0]["orderIdentifier"])
        self.assertEqual(reply.status, 400)
        self.assertEqual(reply.json[0]["code"], "LabelNotAvailable")
        self.assertEqual(reply.json[0]["accountOrderNumber"], created[0]["orderIdentifier"])

    def test_customs_and_returns_documents(self):
        item = order(**{"recipient.address.countryCode": "JE",
                        "recipient.address.postcode": "JE2 4WE",
                        "recipient.address.city": "St Helier", "recipient.address.county": None,
                        "label.includeCN": True, "label.includeReturnsLabel": True})
        item["packages"][0]["contents"][0].update(
            customsDescription="Ceramic mug", customsCode="691200", originCountryCode="GB",
            customsDeclarationCategory="commercialSaleOfGoods")
        created = self.created(item)[0]
        self.assertEqual(created["generatedDocuments"], ["postageLabel", "returnsLabel", "CN22"])
        data = base64.b64decode(created["label"])
        self.assertEqual(pdf_info(data)["Pages"], "3")
        text = pdf_text(data)
        self.assertIn("CN22 CUSTOMS DECLARATION", text)
        self.assertIn("Ceramic mug", text)
        self.assertIn("24.98 GBP", text)
        self.assertIn("Unit 4, Riverside Trading Estate", text)  # the returns label
        returns = re.search(r"RR\d{9}GB", text).group(0)
        self.assertTrue(clickdrop_pdf.s10_valid(returns))
        # Domestic orders have no customs form.
        domestic = self.created(order(**{"label.includeCN": True}))[0]
        self.assertEqual(domestic["generatedDocuments"], ["postageLabel"])
        reply = self.s.label(domestic["orderIdentifier"], documentType="CN22")
        self.assertEqual(reply.status, 400)
        self.assertEqual(reply.json[0]["code"], "DocumentNotAvailable")
        reply = self.s.label(created["orderIdentifier"], documentType="CN23")
        self.assertEqual(reply.status, 200)
        self.assertIn("CN23 CUSTOMS DECLARATION", pdf_text(reply.raw))

    def test_international_service(self):
        item = order(**{"recipient.address.countryCode": "IE",
                        "recipient.address.postcode": "D02 X285",
                        "recipient.address.city": "Dublin",
                        "postageDetails.serviceCode": "OTA"})
        self.assertEqual(self.failed_fields(item), {"postageDetails.serviceCode": 1008})
        self.s.control("POST", "/account", {"services": ["TPN24", "OTA"]})
        try:
            created = self.created(item)[0]
            self.assertIn("Royal Mail International Tracked",
                          pdf_text(base64.b64decode(created["label"])))
            domestic = order(**{"postageDetails.serviceCode": "OTA"})
            self.assertEqual(self.failed_fields(domestic), {"postageDetails.serviceCode": 1008})
        finally:
            self.s.control("POST", "/account", {"services": ["TPN24", "TPS48", "CRL24", "CRL48"]})

    def test_same_reference_twice_makes_two_orders(self):
        first = self.created(order("DUP-1"))[0]
        second = self.created(order("DUP-1"))[0]
        self.assertNotEqual(first["orderIdentifier"], second["orderIdentifier"])
        self.assertNotEqual(first["trackingNumber"], second["trackingNumber"])
        _, counts = self.s.control("GET", "/creates")
        self.assertEqual(counts["creates"]["DUP-1"], 2)
        found = self.s.api("GET", "/orders/" + quoted("DUP-1")).json
        self.assertEqual([o["orderIdentifier"] for o in found],
                         [first["orderIdentifier"], second["orderIdentifier"]])


class Lookup(Base):
    def test_lookup_by_quoted_reference(self):
        created = self.created(order("026-1234567-1234567"))[0]
        for path in ("/orders/%22026-1234567-1234567%22", '/orders/"026-1234567-1234567"',
                     "/orders/%22026-1234567-1234567%22/",
                     "/orders/%d" % created["orderIdentifier"]):
            with self.subTest(path=path):
                reply = self.s.api("GET", path)
                self.assertEqual(reply.status, 200, reply.raw)
                self.assertEqual(len(reply.json), 1)
                found = reply.json[0]
                self.assertEqual(found["orderIdentifier"], created["orderIdentifier"])
                self.assertEqual(found["orderReference"], "026-1234567-1234567")
                self.assertEqual(found["trackingNumber"], created["trackingNumber"])
                self.assertEqual(found["packages"], created["packages"])
                self.assertNotIn("label", found)

    def test_special_references_and_several_identifiers(self):
        refs = ["Reference;With;Special;Symbols!", 'A "quoted" / slashed ref', "Ŵyn-ŷ £5 & co"]
        created = self.created(*(order(ref) for ref in refs), order())
        path = "/orders/" + ";".join([quoted(r) for r in refs] +
                                     [str(created[3]["orderIdentifier"])])
        reply = self.s.api("GET", path)
        self.assertEqual(reply.status, 200)
        self.assertEqual([o["orderReference"] for o in reply.json],
                         refs + [created[3]["orderReference"]])
        # Some unknown: only the known ones come back.
        reply = self.s.api("GET", "/orders/%s;%s;999999" % (quoted("nope"), quoted(refs[0])))
        self.assertEqual([o["orderReference"] for o in reply.json], [refs[0]])

    def test_not_found_and_bad_identifiers(self):
        reply = self.s.api("GET", "/orders/%s;424242" % quoted("026-0000000-0000000"))
        self.assertEqual(reply.status, 404)
        self.assertEqual(reply.json, [
            {"channelOrderReference": "026-0000000-0000000", "code": "NotFound",
             "message": "Order not found."},
            {"accountOrderNumber": 424242, "code": "NotFound", "message": "Order not found."}])
        for bad in ("026-1234567-1234567", "%22%22", "1;;2", "abc", "%22open",
                    ";".join(["1"] * 101)):
            with self.subTest(bad=bad):
                reply = self.s.api("GET", "/orders/" + bad)
                self.assertEqual(reply.status, 400)
                self.assertEqual(reply.json[0]["code"], "InvalidOrderIdentifiers")

    def test_list_orders_pages(self):
        self.created(*(order() for _ in range(3)))
        reply = self.s.api("GET", "/orders?pageSize=2")
        self.assertEqual(reply.status, 200)
        first = reply.json
        self.assertEqual(len(first["orders"]), 2)
        token = first["continuationToken"]
        rest = self.s.api("GET", "/orders?pageSize=100&continuationToken=" + token).json
        self.assertNotIn("continuationToken", rest)
        ids = [o["orderIdentifier"] for o in first["orders"] + rest["orders"]]
        self.assertEqual(ids, sorted(set(ids)))
        self.assertEqual(self.s.api("GET", "/orders?pageSize=0").status, 400)
        self.assertEqual(self.s.api("GET", "/orders/full").status, 403)


class Labels(Base):
    def test_label_parameters(self):
        created = self.created(order(label=False), order(label=False))
        ids = "%d;%d" % (created[0]["orderIdentifier"], created[1]["orderIdentifier"])
        reply = self.s.label(ids)
        self.assertEqual(reply.status, 200)
        self.assertEqual(pdf_info(reply.raw)["Pages"], "2")
        reply = self.s.api("GET", "/orders/%s/label" % ids)
        self.assertEqual(reply.status, 400)
        self.assertIn("documentType", reply.json[0]["message"])
        reply = self.s.api("GET", "/orders/%s/label?documentType=postageLabel" % ids)
        self.assertEqual(reply.status, 400)
        self.assertIn("includeReturnsLabel", reply.json[0]["message"])
        reply = self.s.api("GET", "/orders/%s/label?documentType=label" % ids)
        self.assertEqual(reply.status, 400)
        reply = self.s.label(ids, includeCN="maybe")
        self.assertEqual(reply.status, 400)
        reply = self.s.label(ids + ";987654")
        self.assertEqual(reply.status, 404)
        self.assertEqual(reply.json, [{"accountOrderNumber": 987654, "code": "NotFound",
                                       "message": "Order not found."}])
        reply = self.s.label(quoted(created[0]["orderReference"]), documentType="despatchNote")
        self.assertEqual(reply.status, 200)
        text = pdf_text(reply.raw)
        self.assertIn("DESPATCH NOTE", text)
        self.assertIn("Welsh Dragon Mug (MUG-DRAGON)", text)


class Delete(Base):
    def test_delete(self):
        created = self.created(order("DEL-1"), order("DEL-2"))
        reply = self.s.api("DELETE", "/orders/%s;%d;555555" % (quoted("DEL-1"),
                                                              created[1]["orderIdentifier"]))
        self.assertEqual(reply.status, 200)
        data = reply.json
        self.assertEqual([(d["orderIdentifier"], d["orderReference"])
                          for d in data["deletedOrders"]],
                         [(created[0]["orderIdentifier"], "DEL-1"),
                          (created[1]["orderIdentifier"], "DEL-2")])
        self.assertIn(created[0]["trackingNumber"], data["deletedOrders"][0]["orderInfo"])
        self.assertEqual(data["errors"], [{"orderIdentifier": 555555, "code": "NotFound",
                                           "message": "Order not found."}])
        self.assertEqual(self.s.api("GET", "/orders/" + quoted("DEL-1")).status, 404)
        reply = self.s.api("DELETE", "/orders/" + quoted("DEL-1"))
        self.assertEqual(reply.status, 404)
        self.assertEqual(reply.json, [{"orderReference": "DEL-1", "code": "NotFound",
                                       "message": "Order not found."}])
        status, data = self.s.control("GET", "/orders/%d" % created[0]["orderIdentifier"])
        self.assertTrue(data["order"]["deleted"])
        self.assertEqual(self.s.label(created[0]["orderIdentifier"]).status, 404)

    def test_status_updates(self):
        created = self.created(order("ST-1"), order("ST-2"))
        reply = self.s.api("PUT", "/orders/status", {"items": [
            {"orderReference": "ST-1", "status": "despatched",
             "despatchDate": "2026-01-06T16:00:00Z"},
            {"orderIdentifier": created[1]["orderIdentifier"], "status": "new"},
            {"orderReference": "ST-1", "orderIdentifier": 1, "status": "new"},
            {"orderReference": "nope", "status": "despatched"},
            {"orderReference": "ST-1", "status": "despatchedByOtherCourier"},
            {"orderReference": "ST-1", "status": "lost"}]})
        self.assertEqual(reply.status, 200)
        data = reply.json
        self.assertEqual([u["status"] for u in data["updatedOrders"]], ["despatched", "new"])
        self.assertEqual([e["code"] for e in data["errors"]],
                         ["InvalidRequest", "NotFound", "FeatureNotAvailable", "InvalidRequest"])
        got = self.s.api("GET", "/orders/" + quoted("ST-1")).json[0]
        self.assertEqual(got["shippedOn"], "2026-01-06T16:00:00Z")
        got = self.s.api("GET", "/orders/" + quoted("ST-2")).json[0]
        self.assertNotIn("trackingNumber", got)


class Manifests(Base):
    def test_manifest_polls_then_complete(self):
        created = self.created(order("MAN-1"), order("MAN-2"))
        self.created(order("NO-LABEL", label=False))
        reply = self.s.api("POST", "/manifests", {"carrierName": "Royal Mail OBA"})
        self.assertEqual(reply.status, 202, reply.raw)
        number = reply.json["manifestNumber"]
        self.assertEqual(reply.json, {"manifestNumber": number})
        for _ in range(2):
            reply = self.s.api("GET", "/manifests/%d" % number)
            self.assertEqual((reply.status, reply.json),
                             (200, {"manifestNumber": number, "status": "In Progress"}))
        reply = self.s.api("GET", "/manifests/%d" % number)
        self.assertEqual(reply.json["status"], "Completed")
        data = base64.b64decode(reply.json["documentPdf"])
        self.assertTrue(pdf_info(data)["Page size"].startswith("595 x 842"))
        text = pdf_text(data)
        self.assertIn("Manifest number: %d" % number, text)
        for entry in created:
            self.assertIn(entry["trackingNumber"], text)
            self.assertIn(str(entry["orderIdentifier"]), text)
        self.assertNotIn("NO-LABEL", text)
        looked = self.s.api("GET", "/orders/" + quoted("MAN-1")).json[0]
        self.assertIn("manifestedOn", looked)
        # Nothing left to manifest; a manifested order cannot be deleted.
        reply = self.s.api("POST", "/manifests")
        self.assertEqual(reply.status, 400)
        self.assertEqual(reply.json["errors"][0]["code"], "NoEligibleOrders")
        reply = self.s.api("DELETE", "/orders/" + quoted("MAN-1"))
        self.assertEqual(reply.json["errors"][0]["code"], "OrderManifested")
        # A new label goes into the next manifest, alone.
        later = self.created(order("MAN-3"))[0]
        number2 = self.s.api("POST", "/manifests").json["manifestNumber"]
        self.assertEqual(number2, number + 1)
        _, data = self.s.control("GET", "/manifests")
        manifests = {m["manifestNumber"]: m for m in data["manifests"]}
        self.assertEqual(manifests[number2]["orders"], [later["orderIdentifier"]])
        self.assertEqual(manifests[number]["orders"],
                         [entry["orderIdentifier"] for entry in created])

    def test_immediate_manifest_failure_and_retry(self):
        self.s.control("POST", "/account", {"manifestPolls": 0})
        try:
            self.created(order())
            reply = self.s.api("POST", "/manifests")
            self.assertEqual(reply.status, 201)
            number = reply.json["manifestNumber"]
            self.assertIn("Royal Mail Manifest",
                          pdf_text(base64.b64decode(reply.json["documentPdf"])))
            reply = self.s.api("POST", "/manifests/retry/%d" % number)
            self.assertEqual(reply.status, 400)
            self.assertEqual(reply.json["errors"][0]["code"], "ManifestNotFailed")
            self.assertEqual(self.s.control("POST", "/manifests/%d/fail" % number)[0], 200)
            self.assertEqual(self.s.api("GET", "/manifests/%d" % number).json["status"],
                             "Failed")
            reply = self.s.api("POST", "/manifests/retry/%d" % number)
            self.assertEqual(reply.status, 201)
            self.assertEqual(self.s.api("GET", "/manifests/%d" % number).json["status"],
                             "Completed")
        finally:
            self.s.control("POST", "/account", {"manifestPolls": 2})
        reply = self.s.api("GET", "/manifests/999")
        self.assertEqual(reply.status, 404)
        self.assertEqual(reply.json["errors"][0]["code"], "NotFound")
        reply = self.s.api("GET", "/manifests/abc")
        self.assertEqual(reply.status, 400)
        self.assertIn("description", reply.json["errors"][0])
        reply = self.s.api("POST", "/manifests", {"carrierName": "Parcelforce"})
        self.assertEqual(reply.json["errors"][0]["code"], "CarrierNotFound")


class Faults(Base):
    def test_status_faults(self):
        self.add_faults({"operation": "CreateOrdersAsync", "kind": "status", "status": 429,
                         "retry_after": 2, "after": 1},
                        {"operation": "GetSpecificOrdersAsync", "kind": "status", "status": 503},
                        {"operation": "GetManifestAsync", "kind": "status", "status": 500},
                        {"operation": "GetOrdersLabelAsync", "kind": "status", "status": 401})
        self.assertEqual(self.s.create(order()).status, 200)
        reply = self.s.create(order("NOT-CREATED-1"))
        self.assertEqual((reply.status, reply.headers["Retry-After"]), (429, "2"))
        self.assertEqual(reply.json["code"], "TooManyRequests")
        self.add_faults({"operation": "CreateOrdersAsync", "kind": "status", "status": 429})
        reply = self.s.create(order("NOT-CREATED-2"))
        self.assertEqual(reply.status, 429)
        self.assertIsNone(reply.headers["Retry-After"])
        _, counts = self.s.control("GET", "/creates")
        self.assertNotIn("NOT-CREATED-1", counts["attempts"])
        _, data = self.s.control("GET", "/requests?operation=CreateOrdersAsync")
        self.assertEqual([(r["status"], r["fault"], r["body"]["items"][0]["orderReference"])
                          for r in data["requests"][-2:]],
                         [(429, "status", "NOT-CREATED-1"), (429, "status", "NOT-CREATED-2")])
        reply = self.s.api("GET", "/orders/1")
        self.assertEqual((reply.status, reply.json["code"]), (503, "ServiceUnavailable"))
        reply = self.s.api("GET", "/manifests/1")
        self.assertEqual(reply.status, 500)
        self.assertEqual(reply.json["errors"][0]["code"], "InternalServerError")
        reply = self.s.label(1)
        self.assertEqual((reply.status, reply.raw), (401, b""))
        self.assertEqual(self.s.control("GET", "/faults")[1]["faults"], [])

    def test_stall_after_create_then_lookup_finds_it(self):
        self.add_faults({"operation": "CreateOrdersAsync", "kind": "stall_after", "seconds": 120})
        start = time.monotonic()
        with self.assertRaises((socket.timeout, TimeoutError)):
            self.s.create(order("STALLED-1"), timeout=10)
        # The client's own timeout, not the server's two minutes.
        self.assertLess(time.monotonic() - start, 60)
        # The create was committed before the stall: the reference is there.
        reply = self.s.api("GET", "/orders/" + quoted("STALLED-1"))
        self.assertEqual(reply.status, 200)
        self.assertEqual(len(reply.json), 1)
        self.assertTrue(clickdrop_pdf.s10_valid(reply.json[0]["trackingNumber"]))
        _, counts = self.s.control("GET", "/creates")
        self.assertEqual(counts["creates"]["STALLED-1"], 1)
        _, data = self.s.control("GET", "/requests?operation=CreateOrdersAsync")
        self.assertEqual(data["requests"][-1]["fault"], "stall_after")
        self.assertEqual(data["requests"][-1]["body"]["items"][0]["orderReference"], "STALLED-1")

    def test_stall_before(self):
        self.add_faults({"operation": "GetSpecificOrdersAsync", "kind": "stall", "seconds": 1})
        start = time.monotonic()
        reply = self.s.api("GET", "/orders/" + quoted("nothing"))
        self.assertGreaterEqual(time.monotonic() - start, 1.0)
        self.assertEqual(reply.status, 404)

    def test_disconnect_after_create(self):
        self.add_faults({"operation": "CreateOrdersAsync", "kind": "disconnect"})
        with self.assertRaises((http.client.RemoteDisconnected, ConnectionError, ssl.SSLError)):
            self.s.create(order("DROPPED-1"))
        self.assertEqual(self.s.control("GET", "/creates")[1]["creates"]["DROPPED-1"], 1)

    def test_reset_after_create(self):
        self.add_faults({"operation": "CreateOrdersAsync", "kind": "reset"})
        with self.assertRaises((http.client.RemoteDisconnected, ConnectionError, ssl.SSLError)):
            self.s.create(order("RESET-1"))
        self.assertEqual(self.s.control("GET", "/creates")[1]["creates"]["RESET-1"], 1)
        _, data = self.s.control("GET", "/requests?operation=CreateOrdersAsync")
        self.assertEqual((data["requests"][-1]["fault"], data["requests"][-1]["status"]),
                         ("reset", 0))

    def test_malformed_and_truncated(self):
        self.add_faults({"operation": "CreateOrdersAsync", "kind": "malformed"},
                        {"operation": "CreateOrdersAsync", "kind": "truncated"})
        for reference in ("MANGLED-1", "MANGLED-2"):
            reply = self.s.create(order(reference))
            self.assertEqual(reply.status, 200)
            self.assertEqual(int(reply.headers["Content-Length"]), len(reply.raw))
            with self.assertRaises(ValueError):
                json.loads(reply.raw)
        counts = self.s.control("GET", "/creates")[1]["creates"]
        self.assertEqual((counts["MANGLED-1"], counts["MANGLED-2"]), (1, 1))

    def test_non_oba_fault(self):
        self.add_faults({"operation": "*", "kind": "non_oba", "count": 2})
        reply = self.s.label(1)
        self.assertEqual(reply.status, 403)
        self.assertEqual(reply.json, {"code": "Forbidden",
                                      "message": "Feature available for OBA accounts only."})
        reply = self.s.api("POST", "/manifests")
        self.assertEqual(reply.json, {"errors": [{"code": "Forbidden", "description":
                                                  "Feature available for OBA accounts only."}]})

    def test_fault_validation(self):
        for fault in ({"kind": "explode"}, {"kind": "status", "status": 200},
                      {"kind": "stall"}, {"operation": "searchOrders", "kind": "malformed"},
                      {"kind": "stall_after", "seconds": -1}, {"kind": "status", "status": 500,
                                                               "count": 0}):
            self.assertEqual(self.s.control("POST", "/faults", fault)[0], 400, fault)

    def test_rate_limit(self):
        self.s.control("POST", "/account", {"rateLimit": 2})
        try:
            statuses = [self.s.api("GET", "/carriers") for _ in range(4)]
        finally:
            self.s.control("POST", "/account", {"rateLimit": 0})
        self.assertEqual([r.status for r in statuses[:2]], [200, 200])
        limited = [r for r in statuses if r.status == 429]
        self.assertTrue(limited)
        self.assertEqual(limited[0].headers["Retry-After"], "1")


class NonOba(Base):
    args = ("--non-oba",)

    def test_oba_only_features(self):
        created = self.created(order("OLP-1"))[0]
        self.assertEqual(created["labelErrors"], [{
            "code": "FeatureNotAvailable",
            "message": "Label generation is available for OBA accounts only."}])
        self.assertNotIn("label", created)
        self.assertNotIn("trackingNumber", created)
        self.assertEqual(self.s.api("GET", "/orders/" + quoted("OLP-1")).status, 200)
        reply = self.s.label(created["orderIdentifier"])
        self.assertEqual(reply.status, 403)
        self.assertEqual(reply.json["message"], "Feature available for OBA accounts only.")
        for method, path in (("POST", "/manifests"), ("GET", "/manifests/1001"),
                             ("POST", "/manifests/retry/1001")):
            reply = self.s.api(method, path)
            self.assertEqual(reply.status, 403)
            self.assertEqual(reply.json["errors"][0]["code"], "Forbidden")
        self.assertEqual(self.s.api("DELETE", "/orders/" + quoted("OLP-1")).status, 200)


class Control(Base):
    def test_requests_are_recorded(self):
        self.assertEqual(self.s.control("DELETE", "/requests")[0], 204)
        item = order("REC-1")
        self.s.create(item)
        self.s.api("GET", "/orders/%s?x=1&x=2" % quoted("REC-1"))
        _, data = self.s.control("GET", "/requests")
        create, lookup = data["requests"]
        self.assertEqual((create["method"], create["path"], create["operation"],
                          create["status"]), ("POST", BASE + "/orders", "CreateOrdersAsync", 200))
        self.assertEqual(create["body"], {"items": [item]})
        self.assertEqual(create["headers"]["authorization"], "Bearer pb-t")
        self.assertEqual(create["headers"]["content-type"], "application/json")
        self.assertEqual(lookup["query"], {"x": ["1", "2"]})
        self.assertIsNone(lookup["body"])

    def test_reset_and_unknown_paths(self):
        self.created(order("RESET-1"))
        self.assertEqual(self.s.control("POST", "/reset")[0], 204)
        self.assertEqual(self.s.control("GET", "/orders")[1]["orders"], [])
        self.assertEqual(self.s.control("GET", "/creates")[1]["creates"], {})
        self.assertEqual(self.s.api("GET", "/nothing").status, 404)
        self.assertEqual(self.s.request("GET", "/orders").status, 404)  # no basePath
        reply = self.s.api("PUT", "/orders")
        self.assertEqual((reply.status, reply.headers["Allow"]), (405, "GET, POST"))
        self.assertEqual(self.s.control("GET", "/nothing")[0], 404)

    def test_state_survives_a_restart(self):
        state_file = os.path.join(self.s.tmp, "state.json")
        first = ClickDrop(state_file=state_file)
        try:
            reply = first.create(order("KEEP-1"))
            created = reply.json["createdOrders"][0]
        finally:
            self.assertEqual(first.stop(), 0)
        second = ClickDrop(state_file=state_file)
        try:
            found = second.api("GET", "/orders/" + quoted("KEEP-1")).json[0]
            self.assertEqual(found["trackingNumber"], created["trackingNumber"])
            self.assertEqual(second.control("GET", "/creates")[1]["creates"], {"KEEP-1": 1})
            again = second.create(order("KEEP-2")).json["createdOrders"][0]
            self.assertGreater(again["orderIdentifier"], created["orderIdentifier"])
            self.assertNotEqual(again["trackingNumber"], created["trackingNumber"])
            reply = second.label(created["orderIdentifier"])
            self.assertEqual(reply.raw, base64.b64decode(created["label"]))
        finally:
            second.stop()

    def test_keep_alive(self):
        conn = http.client.HTTPSConnection("localhost", self.s.port, context=self.s.context,
                                           timeout=60)
        try:
            for _ in range(3):
                conn.request("GET", BASE + "/carriers",
                              headers={"Authorization": "Bearer " + API_KEY})
                response = conn.getresponse()
                self.assertEqual(response.status, 200)
                response.read()
            self.assertIsNotNone(conn.sock)
        finally:
            conn.close()


class Barcode(unittest.TestCase):
    def test_s10_check_digits(self):
        self.assertEqual(clickdrop_pdf.s10_check_digit("47312482"), 9)  # UPU S10 example
        self.assertEqual(clickdrop_pdf.s10_number("RM", 12345678), "RM123456785GB")
        # 11 - (sum mod 11): 10 -> 0 and 11 -> 5.
        for serial in range(10000000, 10000400):
            text = "%08d" % serial
            remainder = sum(int(d) * w for d, w in zip(text, (8, 6, 4, 2, 3, 5, 9, 7))) % 11
            self.assertEqual(clickdrop_pdf.s10_check_digit(text),
                             {0: 5, 1: 0}.get(remainder, 11 - remainder))
        self.assertFalse(clickdrop_pdf.s10_valid("RM123456784GB"))

    def test_code128_tables_and_round_trip(self):
        patterns = clickdrop_pdf.CODE128_PATTERNS
        self.assertEqual(len(set(patterns)), 107)
        for pattern in patterns[:106]:
            self.assertEqual(sum(map(int, pattern)), 11)
            self.assertEqual(sum(int(c) for c in pattern[0::2]) % 2, 0)  # even bar modules
        self.assertEqual(patterns[104], "211214")  # Start B
        self.assertEqual(patterns[106], "2331112")  # Stop
        # "RM" in B, one digit in B, eight in C, back to B for "GB".
        values = clickdrop_pdf.code128_values("RM123456785GB")
        self.assertEqual(values, [104, 50, 45, 17, 99, 23, 45, 67, 85, 100, 39, 34, 78, 106])
        for text in ("RM123456785GB", "1234", "12345", "X1234", "A12345678B", "HELLO world"):
            self.assertEqual(clickdrop_pdf.code128_decode_values(
                clickdrop_pdf.code128_values(text)), text)

    @unittest.skipUnless(shutil.which("zbarimg") and shutil.which("pdftoppm"),
                         "zbarimg (zbar-tools) not installed")
    def test_a_scanner_reads_the_label(self):
        doc = clickdrop_pdf.Document()
        tracking = clickdrop_pdf.s10_number("RM", 31415926)
        clickdrop_pdf.draw_label(doc.page(), {
            "service_code": "TPS48", "service_name": "Royal Mail Tracked 48", "indicator": "T48",
            "tracking": tracking, "address": {"fullName": "A", "addressLine1": "B", "city": "C",
                                              "postcode": "LS1 1AA", "countryCode": "GB"},
            "reference": "R", "order_id": 1, "weight": 100, "format": "letter",
            "despatch": "2026-01-05", "sender": "S", "package": 1, "packages": 1})
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "label.pdf")
            with open(path, "wb") as fh:
                fh.write(doc.render())
            subprocess.run(["pdftoppm", "-r", "203", "-png", path, os.path.join(folder, "p")],
                           check=True)
            result = subprocess.run(["zbarimg", "-q", "--raw", os.path.join(folder, "p-1.png")],
                                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.assertEqual(result.stdout.decode().strip(), tracking)


def tearDownModule():
    remove_certs()


if __name__ == "__main__":
    unittest.main()
