#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A local Royal Mail Click & Drop API for Packbench's tests and demo.

Python 3 standard library only. HTTPS only (TLS 1.2 minimum), HTTP/1.1 with
keep-alive, one thread per connection. Everything is under the spec's
basePath /api/v1 (so the client's base URL is https://127.0.0.1:PORT/api/v1):

  GET    /version                          GetVersionAsync (no auth)
  GET    /orders                           GetOrdersAsync (pageSize, startDateTime,
                                           endDateTime, continuationToken)
  POST   /orders                           CreateOrdersAsync
  GET    /orders/{orderIdentifiers}        GetSpecificOrdersAsync
  DELETE /orders/{orderIdentifiers}        DeleteOrdersAsync
  PUT    /orders/status                    UpdateOrdersStatusAsync
  GET    /orders/{orderIdentifiers}/label  GetOrdersLabelAsync (OBA only)
  GET    /orders/full, /orders/{ids}/full  403: ChannelShipper customers only
  GET    /carriers                         GetCarriersAsync
  POST   /manifests                        ManifestEligibleAsync (OBA only)
  GET    /manifests/{manifestIdentifier}   GetManifestAsync (OBA only)
  POST   /manifests/retry/{manifestIdentifier}  RetryManifestAsync (OBA only)
  /_test/...                               test control (no auth, JSON)

The shapes, field names and limits come from the official specification
(click-and-drop-api-v1.yaml, "ChannelShipper & Royal Mail Public API" 1.0.0).
The parts this server uses are copied into
fixtures/clickdrop/click-and-drop-api-v1.subset.json (see the README there);
requests are validated against those definitions at run time. Operation
names below are the spec's operationIds.

Command line
------------
  clickdrop_server.py --cert PEM --key PEM [--port 0] [--api-key KEY]
                      [--services TPN24,TPS48,CRL24,CRL48] [--non-oba]
                      [--manifest-polls 2] [--rate-limit 0] [--seed 0]
                      [--state FILE] [--verbose]

Binds 127.0.0.1, prints exactly "PORT <n>" as the first line on stdout once
listening, and serves until SIGTERM or SIGINT (exit status 0). --state keeps
orders, deleted orders, manifests, counters, create counts and the account
settings in a JSON file: loaded at start when it exists, rewritten after
every change. --seed moves the first tracking serial number.

Authentication
--------------
securityDefinitions.Bearer: an apiKey in the Authorization header, "Bearer"
[space] key. Every operation but /version needs it. The scheme word is
case-insensitive; the key must equal --api-key (default
"pb-test-clickdrop-key"). A bare key without "Bearer " is refused. Missing or
wrong: 401 with an EMPTY body (the spec gives 401 no schema) and
WWW-Authenticate: Bearer (plus error="invalid_token" for a wrong key).

Error bodies
------------
  ErrorResponse {"code", "message", "details"?}   most errors: 400 of POST and GET /orders,
                                                  403, 404 of unknown paths, 405, 413, 415,
                                                  429, 5xx (401 has no body at all)
  [OrderErrorResponse {"accountOrderNumber"?, "channelOrderReference"?, "code", "message"}]
                                                  400 and 404 of GET /orders/{ids} and
                                                  of /orders/{ids}/label
  [OrderErrorInfo {"orderIdentifier"?, "orderReference"?, "code", "message"}]
                                                  400 and 404 of DELETE /orders/{ids}
  [OrderUpdateError {...}]                        400 of PUT /orders/status
  ManifestErrorsResponse {"errors": [{"code", "description"}]}
                                                  every error of /manifests...
The spec gives 404 no schema: this server uses the operation's 400 shape.

Account
-------
OBA (Online Business Account) by default; --non-oba (or POST /_test/account
{"oba": false}) makes GetOrdersLabelAsync and the manifest operations answer
403 {"code": "Forbidden", "message": "Feature available for OBA accounts
only."} (ManifestErrorsResponse for manifests), and a create asking for
label.includeLabelInResponse gets the order created with labelErrors
[{"code": "FeatureNotAvailable", ...}] and no label. Enabled service codes:
--services (default TPN24, TPS48, CRL24, CRL48); known codes:
  TPN24 Royal Mail Tracked 24        TPS48 Royal Mail Tracked 48
  CRL24 Royal Mail 24 (1st Class)    CRL48 Royal Mail 48 (2nd Class)
  SD1   Special Delivery by 1pm      OTA   International Tracked (not UK)
  OLA   International Standard (not UK)
The first five deliver to GB, JE, GG and IM (also GBR, JEY, GGY, IMN); the
international ones only elsewhere. The carrier is "Royal Mail OBA".

CreateOrdersAsync (POST /orders)
--------------------------------
Body CreateOrdersRequest {"items": [CreateOrderRequest, ...]} (1..100 items;
the spec sets no maximum, 100 is this server's). A body that is not JSON, not
an object, or has no non-empty items array: 400 ErrorResponse. A Content-Type
other than JSON: 415. Otherwise 200 CreateOrdersResponse {"successCount",
"errorsCount", "createdOrders": [...], "failedOrders": [...]}, each item on
its own: partial success is normal. A failed item is {"order": <the item as
sent>, "errors": [CreateOrderErrorResponse {"errorCode": int, "errorMessage",
"fields": [{"fieldName", "value"}]}]}, one error per problem, fieldName the
JSON path inside the item (e.g. "recipient.address.postcode",
"packages[0].weightInGrams"), value the value sent as text ("" if missing).
errorCode:
  1001 required field missing       1002 wrong JSON type
  1003 longer than maxLength        1004 outside minimum/maximum, or more than
                                         two decimals (multipleOf 0.01)
  1005 not a date-time (ISO 8601)   1006 not one of the allowed values
  1007 invalid postcode             1008 service code not found or not enabled:
                                         "Service code could not be found or
                                         it's not supported"
  1009 address book reference not found (no address book here)
  1010 product SKU not found (a contents item with only SKU and quantity)
  1011 dimensions need heightInMms, widthInMms and depthInMms above 0
Checked from the spec: required (recipient, orderDate, subtotal,
shippingCostCharged, total; address addressLine1, city, countryCode; package
weightInGrams, packageFormatIdentifier; contents quantity;
label.includeLabelInResponse), every type, every maxLength, minimum, maximum
and multipleOf, the enums (also the ones only in descriptions:
packageFormatIdentifier undefined/letter/largeLetter/smallParcel/
mediumParcel/largeParcel/parcel/documents, deliveryTerm DDP/IOSS_DDP/
DDU_DAP/IOSS_DDU/DTP/IOSS_DTP) and date-times. Also: recipient needs an
address (addressBookReference alone -> 1009); countryCode 2 or 3 letters; a
UK-format postcode (required) for GB/JE/GG/IM; the service code enabled and
right for the destination; postageDetails.carrierName, when given, the
account's carrier (else 1006); contents follow the SKU rules of
ProductItemRequest. JSON null counts as absent. Property names are matched
exactly (the spec's spelling: SKU, AIRNumber, IOSSNumber, ReferenceId ...);
unknown properties are ignored, and listed in the recorded request as
"unknownFields".

A created order is {"orderIdentifier" (integer from 1000001 up),
"orderReference", "createdOn", "orderDate", "packages": [{"packageNumber",
"trackingNumber"}], "trackingNumber"?, "printedOn"?, "label"?,
"labelErrors"?, "generatedDocuments"?}. Order references need not be unique
(the real API has no idempotency): sending the same reference twice makes two
orders. With label.includeLabelInResponse true (and an OBA account, a service
code and at least one package) the label is made at once: tracking numbers
(S10, "RM" + 8 digits + check digit + "GB"), printedOn, "label": base64 of a
PDF with one 4 x 6 in page per package, plus a returns label page when
label.includeReturnsLabel, plus a CN22 (value up to 270) or CN23 page when
label.includeCN and the destination needs customs (not GB/IM);
"generatedDocuments" lists them ("postageLabel", "returnsLabel", "CN22",
"CN23"). Without a label no tracking number is given yet; when the label
cannot be made the order is still created, with "labelErrors" [{"code",
"message"}]. Times are UTC "YYYY-MM-DDTHH:MM:SSZ".

GetSpecificOrdersAsync, DeleteOrdersAsync, GetOrdersLabelAsync
--------------------------------------------------------------
{orderIdentifiers}: up to 100, separated by ";" in the raw path; an integer is
an orderIdentifier, anything in double quotes (raw or %22, the content
percent-encoded, so %3B for ";") an orderReference. A trailing "/" is fine.
Anything else, an empty part or more than 100: 400. A reference matches every
order with that reference (oldest first).
  GET: 200 [GetOrderInfoResource {orderIdentifier, orderReference, createdOn,
    orderDate, printedOn?, manifestedOn?, shippedOn?, trackingNumber?,
    packages}] for the ones found; 404 [OrderErrorResponse {code "NotFound"}]
    when none is.
  DELETE: 200 DeleteOrdersResource {"deletedOrders": [{orderIdentifier,
    orderReference, orderInfo}], "errors": [OrderErrorInfo]}; unknown ones
    ("NotFound") and manifested ones ("OrderManifested") are errors; 404
    [OrderErrorInfo] when none is known. A deleted order's labels are void.
  label: documentType (required: postageLabel, despatchNote, CN22, CN23),
    includeReturnsLabel (required with postageLabel), includeCN (booleans
    "true"/"false"). 200 application/pdf, one PDF for every order asked for;
    an order without a label gets one now (tracking numbers, printedOn). 404
    [OrderErrorResponse] when any is unknown; 400 [OrderErrorResponse] for
    bad parameters, an order whose label cannot be made ("LabelNotAvailable")
    or a CN22/CN23 asked of an order that needs none ("DocumentNotAvailable").

UpdateOrdersStatusAsync (PUT /orders/status)
--------------------------------------------
{"items": [{orderIdentifier | orderReference, status, ...}]} (1..100):
"despatched" sets shippedOn (despatchDate or now); "new" voids the label
(tracking numbers go) unless manifested; "despatchedByOtherCourier" is for
ChannelShipper only. 200 {"updatedOrders": [{orderIdentifier,
orderReference, status}], "errors": [OrderUpdateError]}.

Manifests (OBA only)
--------------------
POST /manifests, body optional ManifestEligibleOrdersRequest {"carrierName"}
(must be "Royal Mail OBA" when given): manifests every order with a label
("Label Generated" or "Despatched") not manifested yet; they get manifestedOn
and are never manifested again. With --manifest-polls N (default 2) above 0 it
answers 202 ManifestOrdersResponse {"manifestNumber"} (numbers from 1001 up)
and GET /manifests/{n} answers 200 ManifestDetailsResponse {"manifestNumber",
"status": "In Progress"} N times, then {"manifestNumber", "status":
"Completed", "documentPdf": base64 A4 PDF listing the orders}. With N = 0:
201 with documentPdf at once. Nothing eligible: 400 {"errors": [{"code":
"NoEligibleOrders", ...}]}. Unknown manifest: 404; not an integer: 400. A
manifest failed through /_test answers {"status": "Failed"};
POST /manifests/retry/{n} starts it again (202/201), 400 when not failed.

Rate limit
----------
--rate-limit R (calls per second, default 0 = off; the spec's tags say 5):
more API calls than R within one second answer 429 ErrorResponse with
Retry-After: 1.

Test control (no auth; JSON in and out; errors are {"error": "..."})
----------------------------------------------------------------------
  GET    /_test/requests[?operation=X]  {"requests": [...]} every API request, oldest
                                        first: method, path, query (name -> value, or a
                                        list when repeated), headers (lower-case names;
                                        authorization cut to "Bearer " + the first 4
                                        characters of the key, or to 4 characters when not
                                        Bearer), body (parsed JSON, or null; a body that is
                                        not JSON also as bodyText), unknownFields (properties
                                        the operation's model does not have), operation,
                                        status (0 for a disconnect or reset), time, epoch, fault
  DELETE /_test/requests                forget them (204)
  POST   /_test/faults                  a fault, a list of faults, or {"faults": [...]}
  GET    /_test/faults                  {"faults": [...]} still pending
  DELETE /_test/faults                  drop pending faults (204)
  GET    /_test/orders                  {"orders": [...], "deleted": [...]}: every order as
                                        stored (request, status, serviceCode, tracking,
                                        manifestNumber, ...)
  GET    /_test/orders/{orderIdentifier}  {"order": ...} (also deleted ones, "deleted": true)
  GET    /_test/creates                 {"creates": {reference: orders created},
                                         "attempts": {reference: items sent}}
  GET    /_test/manifests               {"manifests": [{manifestNumber, status, createdOn,
                                        orders: [orderIdentifier], pollsLeft, carrierName}]}
  POST   /_test/manifests/{n}/fail      that manifest's status becomes "Failed"
  GET    /_test/account                 {"oba", "services", "knownServices",
                                        "manifestPolls", "carrierName", "tradingName",
                                        "rateLimit"}
  POST   /_test/account                 change any of oba, services, manifestPolls,
                                        rateLimit, tradingName
  POST   /_test/reset                   forget orders, manifests, counts, requests and
                                        faults (identifiers keep counting up)

Faults
------
Each fault: {"operation": <an operationId above>|"*", "kind": ..., "count": N
(default 1), "after": K (default 0)}. A fault counts the requests of its
operation; the first K go through, then it fires on the next N. One fault
fires per request (the earliest added). Faults come before the API key check.
Kinds:
  status       {"status": 429, "retry_after": 1?, "body": {...}?} answer that status at
               once, nothing done: the operation's error shape (ErrorResponse with code
               TooManyRequests, InternalServerError, BadGateway, ServiceUnavailable,
               GatewayTimeout ...; ManifestErrorsResponse for manifests; 401 empty);
               Retry-After when given; "body" replaces the body.
  stall        {"seconds": S} sleep, then do the request and answer (the work happens
               even if the client gave up meanwhile).
  stall_after  {"seconds": S} do the request (a create is committed and counted), then
               sleep, then answer: the client times out on a request that succeeded.
  disconnect   do the request, then close the connection without answering.
  reset        do the request (a create is committed and counted), then reset the
               connection (TCP RST) without a byte of answer: the answer is lost.
  malformed    do the request, answer 200 with a body that is not JSON.
  truncated    do the request, send the first half of the real body, with a
               Content-Length matching it.
  non_oba      answer the 403 "Feature available for OBA accounts only." of the
               operation, nothing done.
"""

import argparse
import base64
import copy
import datetime
import hmac
import json
import os
import re
import socket
import ssl
import sys
import threading
import time
import traceback
import urllib.parse
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clickdrop_pdf as pdf  # noqa: E402
import vendor_http  # noqa: E402
from vendor_http import Response  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC_FILE = os.path.join(HERE, "fixtures", "clickdrop", "click-and-drop-api-v1.subset.json")
BASE = "/api/v1"
MAX_BODY = 4 << 20
MAX_IDENTIFIERS = 100
MAX_CREATE_ITEMS = 100

OPERATIONS = ("GetVersionAsync", "GetOrdersAsync", "CreateOrdersAsync",
              "GetSpecificOrdersAsync", "DeleteOrdersAsync", "UpdateOrdersStatusAsync",
              "GetOrdersLabelAsync", "GetOrdersWithDetailsAsync",
              "GetSpecificOrdersWithDetailsAsync", "GetCarriersAsync", "ManifestEligibleAsync",
              "GetManifestAsync", "RetryManifestAsync")
MANIFEST_OPERATIONS = ("ManifestEligibleAsync", "GetManifestAsync", "RetryManifestAsync")
OBA_ONLY = ("GetOrdersLabelAsync",) + MANIFEST_OPERATIONS
FAULT_KINDS = ("status", "stall", "stall_after", "disconnect", "reset", "malformed", "truncated",
               "non_oba")

# code: (name, label indicator, region)
KNOWN_SERVICES = {
    "TPN24": ("Royal Mail Tracked 24", "T24", "uk"),
    "TPS48": ("Royal Mail Tracked 48", "T48", "uk"),
    "CRL24": ("Royal Mail 24 (1st Class)", "24", "uk"),
    "CRL48": ("Royal Mail 48 (2nd Class)", "48", "uk"),
    "SD1": ("Royal Mail Special Delivery Guaranteed by 1pm", "SD1", "uk"),
    "OTA": ("Royal Mail International Tracked", "IT", "international"),
    "OLA": ("Royal Mail International Standard", "IS", "international"),
}
DEFAULT_SERVICES = ("TPN24", "TPS48", "CRL24", "CRL48")
CARRIER_NAME = "Royal Mail OBA"
CARRIER_GUID = "3c1e6b2a-8f4d-4e7a-9b1c-5d2f0a6e4b11"
TRACKING_PREFIX = "RM"
RETURNS_PREFIX = "RR"
UK_COUNTRIES = {"GB", "GBR", "JE", "JEY", "GG", "GGY", "IM", "IMN"}
NO_CUSTOMS = {"GB", "GBR", "IM", "IMN"}
PACKAGE_FORMATS = ("undefined", "letter", "largeLetter", "smallParcel", "mediumParcel",
                   "largeParcel", "parcel", "documents")
DELIVERY_TERMS = ("DDP", "IOSS_DDP", "DDU_DAP", "IOSS_DDU", "DTP", "IOSS_DTP")
DOCUMENT_TYPES = ("postageLabel", "despatchNote", "CN22", "CN23")
CN22_LIMIT = 270.0

POSTCODE_RE = re.compile(
    r"(GIR ?0AA|[A-PR-UWYZ](?:[0-9]{1,2}|[A-HK-Y][0-9](?:[0-9ABEHMNPRV-Y])?|[0-9][A-HJKPS-UW])"
    r" ?[0-9][ABD-HJLNP-UW-Z]{2})", re.IGNORECASE | re.ASCII)
DATE_TIME_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?"
                          r"([Zz]|[+-]\d{2}:?\d{2})?", re.ASCII)

E_REQUIRED, E_TYPE, E_LENGTH, E_RANGE, E_FORMAT, E_ENUM = 1001, 1002, 1003, 1004, 1005, 1006
E_POSTCODE, E_SERVICE, E_ADDRESS_BOOK, E_SKU, E_DIMENSIONS = 1007, 1008, 1009, 1010, 1011

STATUS_TEXT = {400: ("BadRequest", "The request is invalid."),
               401: ("Unauthorized", "Unauthorized"),
               403: ("Forbidden", "Feature available for OBA accounts only."),
               404: ("NotFound", "Not Found"),
               405: ("MethodNotAllowed", "Method not allowed."),
               409: ("Conflict", "Conflict"),
               413: ("PayloadTooLarge", "The request body is too large."),
               415: ("UnsupportedMediaType", "The request body must be application/json."),
               429: ("TooManyRequests",
                     "Rate limit exceeded: at most 5 calls per second are allowed."),
               500: ("InternalServerError", "An unexpected error occurred."),
               502: ("BadGateway", "Bad gateway."),
               503: ("ServiceUnavailable", "The service is temporarily unavailable."),
               504: ("GatewayTimeout", "The gateway timed out.")}
OBA_MESSAGE = "Feature available for OBA accounts only."


def now_epoch():
    return time.time()


def iso(epoch):
    return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


def parse_date_time(text):
    """ISO 8601 date-time -> epoch (no zone: UTC). ValueError when it is not one."""
    match = DATE_TIME_RE.fullmatch(text) if isinstance(text, str) else None
    if not match:
        raise ValueError(text)
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    moment = datetime.datetime(int(year), int(month), int(day), int(hour), int(minute),
                               int(second or 0), tzinfo=datetime.timezone.utc)
    value = moment.timestamp() + (float("0." + fraction) if fraction else 0.0)
    if zone and zone not in "Zz":
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        value -= sign * (int(digits[:2]) * 3600 + int(digits[2:]) * 60)
    return value


def is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def as_text(value):
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


# ------------------------------------------------------------------ errors


class ApiError(Exception):
    """An API error answer: status and a body already in the operation's shape."""

    def __init__(self, status, body, headers=None):
        super().__init__(str(body))
        self.status, self.body, self.headers = status, body, dict(headers or {})


class ControlError(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


def error_response(status, message=None, code=None, details=None):
    default_code, default_message = STATUS_TEXT.get(status, ("Error", "Error"))
    body = {"code": code or default_code, "message": message or default_message}
    if details is not None:
        body["details"] = details
    return body


def manifest_error(code, description):
    return {"errors": [{"code": code, "description": description}]}


def error_body(operation, status, message=None, code=None):
    """The body of a plain error @status for @operation, in its shape."""
    default_code, default_message = STATUS_TEXT.get(status, ("Error", "Error"))
    if operation in MANIFEST_OPERATIONS:
        return manifest_error(code or default_code, message or default_message)
    return error_response(status, message, code)


# ------------------------------------------------------------------ validation


class Spec:
    """The spec's definitions (fixtures/clickdrop/...subset.json) and a
    validator for request bodies."""

    def __init__(self, path=SPEC_FILE):
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        self.definitions = data["definitions"]
        self.parameters = data["parameters"]
        # The spec types dangerousGoodsDescription as a number with a maxLength;
        # take a string (what the description means) or a number.
        order = self.definitions["CreateOrderRequest"]["properties"]
        order["dangerousGoodsDescription"]["type"] = ["string", "number"]

    def resolve(self, schema):
        while "$ref" in schema:
            schema = self.definitions[schema["$ref"].rsplit("/", 1)[1]]
        return schema

    def validate(self, schema, value, path, problems, unknown):
        """Appends (errorCode, message, fieldName, value) problems."""
        schema = self.resolve(schema)
        kind = schema.get("type")
        if kind is None and "properties" in schema:
            kind = "object"
        name = path or "order"
        if kind == "object":
            if not isinstance(value, dict):
                problems.append((E_TYPE, "'%s' must be an object." % name, name, as_text(value)))
                return
            for key in schema.get("required", ()):
                if value.get(key) is None:
                    field = join(path, key)
                    problems.append((E_REQUIRED, "'%s' is required." % field, field, ""))
            properties = schema.get("properties", {})
            for key, item in value.items():
                if key not in properties:
                    unknown.append(join(path, key))
                elif item is not None:
                    self.validate(properties[key], item, join(path, key), problems, unknown)
            return
        if kind == "array":
            if not isinstance(value, list):
                problems.append((E_TYPE, "'%s' must be an array." % name, name, as_text(value)))
                return
            # The spec writes minLength where it means minItems.
            minimum = schema.get("minItems", schema.get("minLength", 0))
            if len(value) < minimum:
                problems.append((E_RANGE, "'%s' must have at least %d item(s)." % (name, minimum),
                                 name, as_text(value)))
            for index, item in enumerate(value):
                if item is not None:
                    self.validate(schema.get("items", {}), item, "%s[%d]" % (path, index),
                                  problems, unknown)
            return
        kinds = kind if isinstance(kind, list) else [kind]
        checks = {"string": lambda v: isinstance(v, str), "integer": is_int,
                  "number": is_number, "boolean": lambda v: isinstance(v, bool)}
        if not any(checks.get(k, lambda v: True)(value) for k in kinds):
            article = "an" if kinds[0][0] in "aeiou" else "a"
            problems.append((E_TYPE, "'%s' must be %s %s." % (name, article, " or ".join(kinds)),
                             name, as_text(value)))
            return
        if isinstance(value, str):
            limit = schema.get("maxLength")
            if limit is not None and len(value) > limit:
                problems.append((E_LENGTH, "'%s' must be %d characters or fewer; it has %d."
                                 % (name, limit, len(value)), name, value))
            if "enum" in schema and value not in schema["enum"]:
                problems.append((E_ENUM, "'%s' must be one of %s; it is '%s'."
                                 % (name, ", ".join(schema["enum"]), value), name, value))
            if schema.get("format") == "date-time":
                try:
                    parse_date_time(value)
                except (ValueError, OverflowError):
                    problems.append((E_FORMAT, "'%s' must be an ISO 8601 date-time, such as "
                                     "2026-01-05T10:00:00Z; it is '%s'." % (name, value),
                                     name, value))
        elif is_number(value):
            low, high = schema.get("minimum"), schema.get("maximum")
            if (low is not None and value < low) or (high is not None and value > high):
                problems.append((E_RANGE, "'%s' must be between %s and %s; it is %s."
                                 % (name, low, high, value), name, as_text(value)))
            step = schema.get("multipleOf")
            if step and abs(value / step - round(value / step)) > 1e-6:
                problems.append((E_RANGE, "'%s' must be a multiple of %s (at most two decimal "
                                 "places); it is %s." % (name, step, value), name,
                                 as_text(value)))


def join(path, key):
    return "%s.%s" % (path, key) if path else key


def problem(code, message, field, value=""):
    return (code, message, field, as_text(value))


def check_order_rules(item, account):
    """The rules beyond the schema. Returns problems (see Spec.validate)."""
    problems = []
    recipient = item.get("recipient") if isinstance(item.get("recipient"), dict) else {}
    address = recipient.get("address")
    if address is None:
        if recipient.get("addressBookReference"):
            problems.append(problem(E_ADDRESS_BOOK, "Address book reference '%s' could not be "
                                    "found." % recipient["addressBookReference"],
                                    "recipient.addressBookReference",
                                    recipient["addressBookReference"]))
        elif "recipient" in item:
            problems.append(problem(E_REQUIRED, "'recipient.address' is required (or an existing "
                                    "recipient.addressBookReference).", "recipient.address"))
        address = {}
    if not isinstance(address, dict):
        address = {}
    country = address.get("countryCode")
    if isinstance(country, str):
        country = country.strip().upper()
        if not re.fullmatch(r"[A-Z]{2,3}", country):
            problems.append(problem(E_FORMAT, "'recipient.address.countryCode' must be an ISO "
                                    "country code (2 or 3 letters); it is '%s'."
                                    % address["countryCode"], "recipient.address.countryCode",
                                    address["countryCode"]))
        elif country in UK_COUNTRIES:
            postcode = address.get("postcode")
            if postcode is None or (isinstance(postcode, str) and not postcode.strip()):
                problems.append(problem(E_REQUIRED, "'recipient.address.postcode' is required "
                                        "for UK addresses.", "recipient.address.postcode"))
            elif isinstance(postcode, str) and len(postcode) <= 20 and \
                    not POSTCODE_RE.fullmatch(postcode.strip()):
                problems.append(problem(E_POSTCODE, "'recipient.address.postcode' '%s' is not a "
                                        "valid UK postcode." % postcode,
                                        "recipient.address.postcode", postcode))
    else:
        country = None

    term = item.get("deliveryTerm")
    if isinstance(term, str) and len(term) <= 20 and term not in DELIVERY_TERMS:
        problems.append(problem(E_ENUM, "'deliveryTerm' must be one of %s; it is '%s'."
                                % (", ".join(DELIVERY_TERMS), term), "deliveryTerm", term))

    packages = item.get("packages")
    for index, package in enumerate(packages if isinstance(packages, list) else []):
        if not isinstance(package, dict):
            continue
        path = "packages[%d]" % index
        fmt = package.get("packageFormatIdentifier")
        if isinstance(fmt, str) and fmt not in PACKAGE_FORMATS:
            problems.append(problem(E_ENUM, "'%s.packageFormatIdentifier' must be one of %s; it "
                                    "is '%s'." % (path, ", ".join(PACKAGE_FORMATS), fmt),
                                    path + ".packageFormatIdentifier", fmt))
        dims = package.get("dimensions")
        if isinstance(dims, dict):
            for key in ("heightInMms", "widthInMms", "depthInMms"):
                if is_int(dims.get(key)) and dims[key] <= 0:
                    problems.append(problem(E_DIMENSIONS, "'%s.dimensions.%s' must be above 0."
                                            % (path, key), "%s.dimensions.%s" % (path, key),
                                            dims[key]))
        contents = package.get("contents")
        for number, line in enumerate(contents if isinstance(contents, list) else []):
            if not isinstance(line, dict):
                continue
            line_path = "%s.contents[%d]" % (path, number)
            has_sku = bool(line.get("SKU"))
            has_values = line.get("unitValue") is not None and \
                line.get("unitWeightInGrams") is not None
            others = [k for k, v in line.items() if v is not None and k not in ("SKU", "quantity")]
            if has_values:
                continue
            if has_sku and not others:
                problems.append(problem(E_SKU, "Product with SKU '%s' could not be found."
                                        % line["SKU"], line_path + ".SKU", line["SKU"]))
            else:
                missing = [k for k in ("unitValue", "unitWeightInGrams") if line.get(k) is None]
                for key in missing:
                    problems.append(problem(E_REQUIRED, "'%s.%s' is required (with quantity%s)."
                                            % (line_path, key, " and SKU" if has_sku else ""),
                                            "%s.%s" % (line_path, key)))

    postage = item.get("postageDetails")
    code = postage.get("serviceCode") if isinstance(postage, dict) else None
    if isinstance(code, str) and len(code) <= 10:
        known = KNOWN_SERVICES.get(code)
        if known is None or code not in account["services"]:
            problems.append(problem(E_SERVICE, "Service code could not be found or it's not "
                                    "supported", "postageDetails.serviceCode", code))
        elif country and re.fullmatch(r"[A-Z]{2,3}", country):
            domestic = country in UK_COUNTRIES
            if (known[2] == "uk") != domestic:
                problems.append(problem(E_SERVICE, "Service code '%s' is not available for "
                                        "country '%s'." % (code, country),
                                        "postageDetails.serviceCode", code))
    carrier = postage.get("carrierName") if isinstance(postage, dict) else None
    if isinstance(carrier, str) and len(carrier) <= 50 and carrier != account["carrierName"]:
        problems.append(problem(E_ENUM, "Carrier '%s' could not be found; the account's carrier "
                                "is '%s'." % (carrier, account["carrierName"]),
                                "postageDetails.carrierName", carrier))
    return problems


# ------------------------------------------------------------------ identifiers


def parse_identifiers(raw):
    """The raw {orderIdentifiers} path segment -> [("id", int) | ("ref", str)].
    Raises ValueError with a message."""
    parts = raw.split(";")
    if len(parts) > MAX_IDENTIFIERS:
        raise ValueError("At most %d order identifiers are allowed; %d were given."
                         % (MAX_IDENTIFIERS, len(parts)))
    out = []
    for part in parts:
        text = urllib.parse.unquote(part, errors="strict") if part else ""
        if re.fullmatch(r"[0-9]{1,18}", text):
            out.append(("id", int(text)))
        elif len(text) >= 3 and text[0] == '"' and text[-1] == '"':
            out.append(("ref", text[1:-1]))
        elif text == '""':
            raise ValueError("An order reference must not be empty.")
        elif not text:
            raise ValueError("An order identifier is empty (two ';' in a row, or a ';' at an "
                             "end).")
        else:
            raise ValueError("'%s' is neither an order identifier (an integer) nor an order "
                             "reference in double quotes." % text)
    return out


# ------------------------------------------------------------------ state


class State:
    """Orders, manifests, counters, faults and recorded requests, under one lock."""

    def __init__(self, args, spec):
        self.args = args
        self.spec = spec
        self.lock = threading.RLock()
        self.requests = []
        self.faults = []
        self.window = []  # times of recent API calls, for --rate-limit
        self.account = {"oba": not args.non_oba, "services": list(args.services),
                        "manifestPolls": args.manifest_polls, "carrierName": CARRIER_NAME,
                        "tradingName": "Packbench Test Seller", "rateLimit": args.rate_limit,
                        "returnAddress": {"fullName": "Packbench Test Seller",
                                          "addressLine1": "Unit 4, Riverside Trading Estate",
                                          "city": "Cardiff", "postcode": "CF10 5AA",
                                          "countryCode": "GB"}}
        self.reset_data()
        self.next_order = 1000001
        self.next_serial = 10000000 + (args.seed * 7919) % 80000000
        self.next_manifest = 1001
        if args.state and os.path.exists(args.state):
            self._load(args.state)

    def reset_data(self):
        self.orders = {}        # orderIdentifier -> order
        self.deleted = {}       # orderIdentifier -> order (with deletedOn)
        self.manifests = {}     # manifestNumber -> manifest
        self.creates = {}       # orderReference -> orders created
        self.attempts = {}      # orderReference -> items sent

    def _load(self, path):
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        self.orders = {o["orderIdentifier"]: o for o in data.get("orders", [])}
        self.deleted = {o["orderIdentifier"]: o for o in data.get("deleted", [])}
        self.manifests = {m["manifestNumber"]: m for m in data.get("manifests", [])}
        self.creates = data.get("creates", {})
        self.attempts = data.get("attempts", {})
        counters = data.get("counters", {})
        self.next_order = counters.get("order", self.next_order)
        self.next_serial = counters.get("serial", self.next_serial)
        self.next_manifest = counters.get("manifest", self.next_manifest)
        self.account.update(data.get("account", {}))

    def save(self):
        path = self.args.state
        if not path:
            return
        with self.lock:
            data = {"version": 1, "orders": list(self.orders.values()),
                    "deleted": list(self.deleted.values()),
                    "manifests": list(self.manifests.values()), "creates": self.creates,
                    "attempts": self.attempts, "account": self.account,
                    "counters": {"order": self.next_order, "serial": self.next_serial,
                                 "manifest": self.next_manifest}}
            tmp = path + ".tmp"
            with open(tmp, "w", encoding="utf-8") as fh:
                json.dump(data, fh, ensure_ascii=False)
            os.replace(tmp, path)

    def tracking(self, prefix=TRACKING_PREFIX):
        with self.lock:
            serial = self.next_serial
            self.next_serial = 10000000 + (self.next_serial - 10000000 + 1) % 90000000
        return pdf.s10_number(prefix, serial)

    def find(self, kind, value):
        """Orders matching one identifier, oldest first."""
        if kind == "id":
            order = self.orders.get(value)
            return [order] if order else []
        return sorted((o for o in self.orders.values() if o["orderReference"] == value),
                      key=lambda o: o["orderIdentifier"])

    # ---- faults

    def take_fault(self, operation):
        with self.lock:
            chosen = None
            for fault in self.faults:
                if fault["operation"] not in ("*", operation):
                    continue
                if fault["after"] > 0:
                    fault["after"] -= 1
                    continue
                if chosen is None:
                    chosen = fault
            if chosen is not None:
                chosen["count"] -= 1
                if chosen["count"] <= 0:
                    self.faults.remove(chosen)
                return dict(chosen)
            return None

    def rate_limited(self):
        limit = self.account.get("rateLimit") or 0
        if limit <= 0:
            return False
        with self.lock:
            moment = time.monotonic()
            self.window = [t for t in self.window if moment - t < 1.0]
            if len(self.window) >= limit:
                return True
            self.window.append(moment)
            return False


def check_fault(raw):
    if not isinstance(raw, dict):
        raise ControlError(400, "a fault must be an object")
    fault = dict(raw)
    fault.setdefault("operation", "*")
    fault.setdefault("count", 1)
    fault.setdefault("after", 0)
    if fault["operation"] not in OPERATIONS + ("*",):
        raise ControlError(400, "operation must be one of %s or *" % ", ".join(OPERATIONS))
    if fault.get("kind") not in FAULT_KINDS:
        raise ControlError(400, "kind must be one of %s" % ", ".join(FAULT_KINDS))
    for key in ("count", "after"):
        if not is_int(fault[key]) or fault[key] < 0:
            raise ControlError(400, "%s must be a non-negative integer" % key)
    if fault["count"] < 1:
        raise ControlError(400, "count must be at least 1")
    if fault["kind"] == "status":
        status = fault.get("status")
        if not is_int(status) or not 400 <= status <= 599:
            raise ControlError(400, "status must be an HTTP error status (400-599)")
        retry = fault.get("retry_after")
        if retry is not None and (not is_number(retry) or retry < 0):
            raise ControlError(400, "retry_after must be a non-negative number")
    if fault["kind"] in ("stall", "stall_after"):
        seconds = fault.get("seconds")
        if not is_number(seconds) or seconds < 0:
            raise ControlError(400, "%s needs seconds (a non-negative number)" % fault["kind"])
    return fault


# ------------------------------------------------------------------ orders and documents


def order_info(order):
    """GetOrderInfoResource (and the base of CreateOrderResponse)."""
    info = {"orderIdentifier": order["orderIdentifier"]}
    if order.get("orderReference") is not None:
        info["orderReference"] = order["orderReference"]
    info["createdOn"] = order["createdOn"]
    info["orderDate"] = order["orderDate"]
    for key in ("printedOn", "manifestedOn", "shippedOn", "trackingNumber"):
        if order.get(key):
            info[key] = order[key]
    info["packages"] = [dict(p) for p in order["packages"] if p.get("trackingNumber")] \
        if order.get("trackingNumber") else []
    return info


def needs_customs(order):
    country = (order["request"]["recipient"]["address"].get("countryCode") or "").upper()
    return country not in NO_CUSTOMS


def customs_kind(order):
    total = 0.0
    for package in order["request"].get("packages") or []:
        for line in package.get("contents") or []:
            total += (line.get("unitValue") or 0) * (line.get("quantity") or 0)
    if not total:
        total = order["request"].get("subtotal") or 0
    return "CN22" if total <= CN22_LIMIT else "CN23"


def label_problem(order, account):
    """Why no postage label can be made for @order, or None."""
    if not account["oba"]:
        return ("FeatureNotAvailable", "Label generation is available for OBA accounts only.")
    if not order.get("serviceCode"):
        return ("ServiceCodeRequired", "A postageDetails.serviceCode is needed to generate a "
                "label.")
    if order["serviceCode"] not in account["services"]:
        return ("ServiceNotAvailable", "Service code could not be found or it's not supported")
    if not order["request"].get("packages"):
        return ("PackagesRequired", "At least one package (weightInGrams, "
                "packageFormatIdentifier) is needed to generate a label.")
    return None


def generate_label(state, order, returns=False):
    """Gives @order its tracking numbers (first time only) and printedOn."""
    if not order.get("trackingNumber"):
        order["packages"] = [{"packageNumber": n + 1, "trackingNumber": state.tracking()}
                             for n in range(len(order["request"]["packages"]))]
        order["trackingNumber"] = order["packages"][0]["trackingNumber"]
        order["printedOn"] = iso(now_epoch())
        if order["status"] == "new":
            order["status"] = "labelGenerated"
    if returns and not order.get("returnsTrackingNumber"):
        order["returnsTrackingNumber"] = state.tracking(RETURNS_PREFIX)


def _label_fields(order, account, index):
    request = order["request"]
    package = request["packages"][index]
    service = KNOWN_SERVICES.get(order["serviceCode"], (order["serviceCode"], "", "uk"))
    planned = request.get("plannedDespatchDate")
    despatch = iso(parse_date_time(planned))[:10] if planned else order["printedOn"][:10]
    sender = (request.get("sender") or {}).get("tradingName") or account["tradingName"]
    return {"service_code": order["serviceCode"], "service_name": service[0],
            "indicator": service[1], "tracking": order["packages"][index]["trackingNumber"],
            "address": request["recipient"]["address"],
            "reference": order.get("orderReference") or "", "order_id": order["orderIdentifier"],
            "weight": package["weightInGrams"], "format": package["packageFormatIdentifier"],
            "despatch": despatch, "sender": sender, "package": index + 1,
            "packages": len(request["packages"])}


def _customs_form(order, account):
    request = order["request"]
    contents = []
    category = "other"
    for package in request.get("packages") or []:
        for line in package.get("contents") or []:
            quantity = line.get("quantity") or 0
            contents.append({"name": line.get("customsDescription") or line.get("name") or
                             line.get("SKU") or "",
                             "quantity": quantity,
                             "weight": (line.get("unitWeightInGrams") or 0) * quantity,
                             "value": (line.get("unitValue") or 0) * quantity,
                             "hs": line.get("customsCode"),
                             "origin": line.get("originCountryCode")})
            category = line.get("customsDeclarationCategory") or category
    return {"tracking": order.get("trackingNumber"), "category": category, "contents": contents,
            "currency": request.get("currencyCode") or "GBP",
            "sender": (request.get("sender") or {}).get("tradingName") or account["tradingName"],
            "reference": order.get("orderReference")}


def render_documents(orders, account, document, include_returns=False, include_cn=False):
    """One PDF with @document ("postageLabel", "despatchNote", "CN22", "CN23")
    for each order; postage labels may add returns labels and customs forms.
    Returns (bytes, [document names])."""
    first = orders[0]
    doc = pdf.Document("%s %s" % (document, " ".join(str(o["orderIdentifier"]) for o in orders)),
                       "".join(c for c in (first.get("printedOn") or first["createdOn"])
                               if c.isdigit())[:14])
    names = []
    for order in orders:
        if document == "postageLabel":
            for index in range(len(order["request"]["packages"])):
                pdf.draw_label(doc.page(), _label_fields(order, account, index))
            names.append("postageLabel")
            if include_returns and order.get("returnsTrackingNumber"):
                fields = _label_fields(order, account, 0)
                fields.update(tracking=order["returnsTrackingNumber"], returns=True,
                              address=account["returnAddress"], packages=1,
                              sender=" ".join(v for _, v in pdf.address_lines(
                                  order["request"]["recipient"]["address"])[:1]))
                pdf.draw_label(doc.page(), fields)
                names.append("returnsLabel")
            if include_cn and needs_customs(order):
                kind = customs_kind(order)
                pdf.draw_customs(doc.page(), _customs_form(order, account), kind)
                names.append(kind)
        elif document in ("CN22", "CN23"):
            pdf.draw_customs(doc.page(), _customs_form(order, account), document)
            names.append(document)
        else:
            contents = []
            for package in order["request"].get("packages") or []:
                for line in package.get("contents") or []:
                    contents.append({"name": line.get("name"), "sku": line.get("SKU"),
                                     "quantity": line.get("quantity")})
            pdf.draw_despatch_note(doc.page(), {
                "order_id": order["orderIdentifier"], "reference": order.get("orderReference"),
                "address": order["request"]["recipient"]["address"], "contents": contents,
                "date": order["createdOn"][:10]})
            names.append("despatchNote")
    return doc.render(), sorted(set(names), key=names.index)


def manifest_document(state, manifest):
    rows = []
    for order_id in manifest["orders"]:
        order = state.orders.get(order_id) or state.deleted.get(order_id)
        if order is None:
            continue
        rows.append({"order_id": order_id, "reference": order.get("orderReference") or "",
                     "service": order.get("serviceCode") or "-",
                     "tracking": order.get("trackingNumber") or "",
                     "weight": sum(p.get("weightInGrams") or 0
                                   for p in order["request"].get("packages") or []),
                     "packages": max(1, len(order["request"].get("packages") or []))})
    return pdf.manifest_pdf({"number": manifest["manifestNumber"],
                             "carrier": manifest["carrierName"],
                             "created": manifest["createdOn"], "rows": rows})


# ------------------------------------------------------------------ HTTP


class Handler(vendor_http.Handler):
    server_version = "clickdrop-test/1"
    log_name = "clickdrop"
    max_body = MAX_BODY

    def body_too_large(self):
        return ApiError(413, error_response(413))

    def send(self, response, mangle=None):
        status = response.status
        body = response.payload()
        if mangle == "malformed":
            status = 200
            body = b'{"successCount": 1, "createdOrders": [{"orderIdentifier": ,,]'
        elif mangle == "truncated" and body:
            body = body[:len(body) // 2]
        if status == 204:
            body = b""
        # Recorded before the answer goes out: a client that reads the log
        # as soon as it has the answer (on another connection) sees it.
        if self.record is not None:
            with self.state.lock:
                self.record["status"] = status
        self.send_response(status)
        headers = dict(response.headers)
        if status != 204:
            if body or response.body is not None:
                headers.setdefault("Content-Type", response.content_type)
            headers["Content-Length"] = str(len(body))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if body:
            self.wfile.write(body)
        self.wfile.flush()

    def dispatch(self):
        self.record = None
        url = urllib.parse.urlsplit(self.path)
        path = url.path
        query = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        operation, params, allowed = self.route(self.command, path)
        if operation != "control":
            self.record = self.new_record(path, query, operation)
            with self.state.lock:
                self.state.requests.append(self.record)
        try:
            raw = self.read_body()
        except (ApiError, ValueError) as error:
            self.close_connection = True
            if not isinstance(error, ApiError):
                error = ApiError(400, error_body(operation, 400, "Bad request body framing."))
            self.send(Response(error.status, error.body, error.headers))
            return
        if self.record is not None and raw.strip():
            try:
                parsed = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                parsed = None
                with self.state.lock:
                    self.record["bodyText"] = raw[:4096].decode("utf-8", "replace")
            with self.state.lock:
                self.record["body"] = parsed
        try:
            if operation == "control":
                self.control(self.command, path, query, raw)
            else:
                self.api(operation, params, allowed, query, raw)
        except (ConnectionError, ssl.SSLError, TimeoutError, socket.timeout):
            self.close_connection = True  # the client went away (e.g. timed out in a stall)
        except Exception:  # a bug here: answer 500 and say why on stderr
            traceback.print_exc()
            self.close_connection = True
            try:
                self.send(Response(500, error_body(operation, 500)))
            except OSError:
                pass

    def new_record(self, path, query, operation):
        headers = {}
        for name, value in self.headers.items():
            if name.lower() == "authorization":
                scheme, _, key = value.partition(" ")
                value = scheme + " " + key.strip()[:4] if scheme.lower() == "bearer" \
                    else value[:4]
            headers[name.lower()] = value
        now = now_epoch()
        return {"method": self.command, "path": path,
                "query": {k: v[0] if len(v) == 1 else v for k, v in query.items()},
                "headers": headers, "body": None, "unknownFields": [], "operation": operation,
                "status": None, "time": iso(now), "epoch": now, "fault": None}

    @staticmethod
    def route(method, path):
        """(operation, path parameters, allowed methods)."""
        if path == "/_test" or path.startswith("/_test/"):
            return "control", None, None
        if not path.startswith(BASE + "/"):
            return "unknown", None, None
        rest = path[len(BASE):]
        if len(rest) > 1 and rest.endswith("/"):
            rest = rest[:-1]
        parts = rest[1:].split("/")
        table = None
        params = None
        if parts == ["version"]:
            table = {"GET": "GetVersionAsync"}
        elif parts == ["carriers"]:
            table = {"GET": "GetCarriersAsync"}
        elif parts == ["orders"]:
            table = {"GET": "GetOrdersAsync", "POST": "CreateOrdersAsync"}
        elif parts == ["orders", "full"]:
            table = {"GET": "GetOrdersWithDetailsAsync"}
        elif parts == ["orders", "status"] and method == "PUT":
            table = {"PUT": "UpdateOrdersStatusAsync"}
        elif len(parts) == 2 and parts[0] == "orders" and parts[1]:
            table = {"GET": "GetSpecificOrdersAsync", "DELETE": "DeleteOrdersAsync"}
            params = parts[1]
        elif len(parts) == 3 and parts[0] == "orders" and parts[2] == "label":
            table = {"GET": "GetOrdersLabelAsync"}
            params = parts[1]
        elif len(parts) == 3 and parts[0] == "orders" and parts[2] == "full":
            table = {"GET": "GetSpecificOrdersWithDetailsAsync"}
            params = parts[1]
        elif parts == ["manifests"]:
            table = {"POST": "ManifestEligibleAsync"}
        elif len(parts) == 3 and parts[:2] == ["manifests", "retry"]:
            table = {"POST": "RetryManifestAsync"}
            params = parts[2]
        elif len(parts) == 2 and parts[0] == "manifests":
            table = {"GET": "GetManifestAsync"}
            params = parts[1]
        if table is None:
            return "unknown", None, None
        if method not in table:
            return "unsupported", None, sorted(table)
        return table[method], params, None

    # ---- the API

    def api(self, operation, params, allowed, query, raw):
        state = self.state
        headers = {"x-request-id": str(uuid.uuid4())}
        if operation == "unknown":
            self.send(Response(404, error_response(404, "No resource at %s." % self.path),
                               headers))
            return
        if operation == "unsupported":
            headers["Allow"] = ", ".join(allowed)
            self.send(Response(405, error_response(405, "Method %s is not allowed here."
                                                   % self.command), headers))
            return
        if state.rate_limited():
            with state.lock:
                self.record["fault"] = "rate_limit"
            headers["Retry-After"] = "1"
            self.send(Response(429, error_body(operation, 429), headers))
            return

        fault = state.take_fault(operation)
        kind = fault["kind"] if fault else None
        if fault is not None:
            with state.lock:
                self.record["fault"] = kind
            if kind == "status":
                self.send(self.fault_response(operation, fault, headers))
                return
            if kind == "non_oba":
                self.send(Response(403, error_body(operation, 403, OBA_MESSAGE), headers))
                return
            if kind == "stall":
                time.sleep(fault["seconds"])

        try:
            response = self.operation(operation, params, query, raw, headers)
        except ApiError as error:
            response = Response(error.status, error.body, {**headers, **error.headers})

        if kind == "stall_after":
            time.sleep(fault["seconds"])
        if kind == "disconnect":
            self.close_connection = True
            with state.lock:
                self.record["status"] = 0
            try:
                self.request.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        if kind == "reset":
            with state.lock:
                self.record["status"] = 0
            self.reset_connection()
            return
        self.send(response, kind if kind in ("malformed", "truncated") else None)

    def fault_response(self, operation, fault, headers):
        status = fault["status"]
        headers = dict(headers)
        if fault.get("retry_after") is not None:
            retry = fault["retry_after"]
            headers["Retry-After"] = str(int(retry) if float(retry).is_integer() else retry)
        if "body" in fault:
            return Response(status, fault["body"], headers)
        if status == 401:
            headers["WWW-Authenticate"] = "Bearer"
            return Response(401, None, headers)
        message = None
        if status == 403:
            message = OBA_MESSAGE
        return Response(status, error_body(operation, status, message), headers)

    def check_auth(self):
        value = self.headers.get("Authorization")
        if not value:
            raise ApiError(401, None, {"WWW-Authenticate": "Bearer"})
        scheme, _, key = value.strip().partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
                key.strip().encode("utf-8"), self.state.args.api_key.encode("utf-8")):
            raise ApiError(401, None, {"WWW-Authenticate": 'Bearer error="invalid_token"'})

    def json_body(self, operation, raw, required=True):
        if not raw.strip():
            if not required:
                return None
            raise ApiError(400, error_body(operation, 400, "The request body is required."))
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype not in ("application/json", "text/json") and not ctype.endswith("+json"):
            raise ApiError(415, error_body(operation, 415))
        try:
            body = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            raise ApiError(400, error_body(operation, 400, "The request body is not valid JSON: "
                                           "%s" % error)) from None
        return body

    def operation(self, operation, params, query, raw, headers):
        state = self.state
        if operation != "GetVersionAsync":
            self.check_auth()
        if operation in OBA_ONLY and not state.account["oba"]:
            raise ApiError(403, error_body(operation, 403, OBA_MESSAGE))
        if operation in ("GetOrdersWithDetailsAsync", "GetSpecificOrdersWithDetailsAsync"):
            raise ApiError(403, error_response(403, "Reserved for ChannelShipper customers "
                                               "only."))
        if operation == "GetVersionAsync":
            return Response(200, {"commit": "0000000", "build": "clickdrop_server",
                                  "release": "1.0.0", "releaseDate": "2026-01-01T00:00:00Z"},
                            headers)
        if operation == "GetCarriersAsync":
            return Response(200, [{"carrierGuid": CARRIER_GUID,
                                   "carrierName": state.account["carrierName"],
                                   "carrierStatus": "Active", "carrierType": "RoyalMail"}],
                            headers)
        handler = {"CreateOrdersAsync": self.create_orders,
                   "GetOrdersAsync": self.list_orders,
                   "GetSpecificOrdersAsync": self.get_orders,
                   "DeleteOrdersAsync": self.delete_orders,
                   "UpdateOrdersStatusAsync": self.update_status,
                   "GetOrdersLabelAsync": self.get_label,
                   "ManifestEligibleAsync": self.create_manifest,
                   "GetManifestAsync": self.get_manifest,
                   "RetryManifestAsync": self.retry_manifest}[operation]
        return handler(operation, params, query, raw, headers)

    # ---- orders

    def create_orders(self, operation, params, query, raw, headers):
        state = self.state
        body = self.json_body(operation, raw)
        if not isinstance(body, dict):
            raise ApiError(400, error_response(400, "The request body must be a "
                                               "CreateOrdersRequest object."))
        items = body.get("items")
        if not isinstance(items, list) or not items:
            raise ApiError(400, error_response(400, "'items' is required: an array of 1 to %d "
                                               "orders." % MAX_CREATE_ITEMS))
        if len(items) > MAX_CREATE_ITEMS:
            raise ApiError(400, error_response(400, "At most %d orders can be created at once; "
                                               "%d were sent." % (MAX_CREATE_ITEMS, len(items))))
        unknown = ["items." + key for key in body if key != "items"]
        created, failed = [], []
        item_schema = state.spec.definitions["CreateOrderRequest"]
        with state.lock:
            account = copy.deepcopy(state.account)
        for index, item in enumerate(items):
            problems, extra = [], []
            state.spec.validate(item_schema, item, "", problems, extra)
            unknown += ["items[%d].%s" % (index, f) for f in extra]
            if isinstance(item, dict):
                problems += check_order_rules(item, account)
                reference = item.get("orderReference")
                if isinstance(reference, str):
                    with state.lock:
                        state.attempts[reference] = state.attempts.get(reference, 0) + 1
            if problems:
                failed.append({"order": item, "errors": [
                    {"errorCode": code, "errorMessage": message,
                     "fields": [{"fieldName": field, "value": value}]}
                    for code, message, field, value in problems]})
                continue
            created.append(self.create_one(item, account))
        with state.lock:
            self.record["unknownFields"] = unknown
            state.save()
        return Response(200, {"successCount": len(created), "errorsCount": len(failed),
                              "createdOrders": created, "failedOrders": failed}, headers)

    def create_one(self, item, account):
        state = self.state
        postage = item.get("postageDetails") or {}
        label = item.get("label") or {}
        now = iso(now_epoch())
        with state.lock:
            order_id = state.next_order
            state.next_order += 1
            order = {"orderIdentifier": order_id, "orderReference": item.get("orderReference"),
                     "createdOn": now, "orderDate": iso(parse_date_time(item["orderDate"])),
                     "status": "new", "serviceCode": postage.get("serviceCode"),
                     "trackingNumber": None, "packages": [], "printedOn": None,
                     "manifestedOn": None, "shippedOn": None, "manifestNumber": None,
                     "request": copy.deepcopy(item)}
            state.orders[order_id] = order
            if order["orderReference"] is not None:
                reference = order["orderReference"]
                state.creates[reference] = state.creates.get(reference, 0) + 1
            result = order_info(order)
            if label.get("includeLabelInResponse"):
                why = label_problem(order, account)
                if why:
                    result["labelErrors"] = [{"code": why[0], "message": why[1]}]
                else:
                    generate_label(state, order, bool(label.get("includeReturnsLabel")))
                    data, names = render_documents([order], account, "postageLabel",
                                                   bool(label.get("includeReturnsLabel")),
                                                   bool(label.get("includeCN")))
                    result = order_info(order)
                    result["label"] = base64.b64encode(data).decode("ascii")
                    result["generatedDocuments"] = names
            return result

    def list_orders(self, operation, params, query, raw, headers):
        state = self.state
        size = query.get("pageSize", ["25"])[-1]
        if not re.fullmatch(r"[0-9]{1,3}", size) or not 1 <= int(size) <= 100:
            raise ApiError(400, error_response(400, "pageSize must be an integer from 1 to "
                                               "100."))
        bounds = []
        for name in ("startDateTime", "endDateTime"):
            text = query.get(name, [None])[-1]
            try:
                bounds.append(parse_date_time(text) if text else None)
            except ValueError:
                raise ApiError(400, error_response(400, "%s must be an ISO 8601 date-time."
                                                   % name)) from None
        token = query.get("continuationToken", [None])[-1]
        after = 0
        if token:
            try:
                after = int(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode())
            except ValueError:
                raise ApiError(400, error_response(400, "Invalid continuationToken.")) from None
        with state.lock:
            rows = [o for o in sorted(state.orders.values(), key=lambda o: o["orderIdentifier"])
                    if o["orderIdentifier"] > after
                    and (bounds[0] is None or parse_date_time(o["createdOn"]) >= bounds[0])
                    and (bounds[1] is None or parse_date_time(o["createdOn"]) <= bounds[1])]
            page = rows[:int(size)]
            result = {"orders": [order_info(o) for o in page]}
            if len(rows) > len(page):
                result["continuationToken"] = base64.urlsafe_b64encode(
                    str(page[-1]["orderIdentifier"]).encode()).decode().rstrip("=")
        return Response(200, result, headers)

    def identifiers(self, params):
        try:
            return parse_identifiers(params)
        except ValueError as error:
            raise ApiError(400, [{"code": "InvalidOrderIdentifiers", "message": str(error)}]) \
                from None

    @staticmethod
    def not_found(kind, value, shape):
        if shape == "info":
            entry = {"orderIdentifier": value} if kind == "id" else {"orderReference": value}
        else:
            entry = {"accountOrderNumber": value} if kind == "id" else \
                {"channelOrderReference": value}
        entry.update(code="NotFound", message="Order not found.")
        return entry

    def get_orders(self, operation, params, query, raw, headers):
        state = self.state
        wanted = self.identifiers(params)
        found, missing, seen = [], [], set()
        with state.lock:
            for kind, value in wanted:
                matches = state.find(kind, value)
                if not matches:
                    missing.append(self.not_found(kind, value, "response"))
                for order in matches:
                    if order["orderIdentifier"] not in seen:
                        seen.add(order["orderIdentifier"])
                        found.append(order_info(order))
        if not found:
            raise ApiError(404, missing)
        return Response(200, found, headers)

    def delete_orders(self, operation, params, query, raw, headers):
        state = self.state
        wanted = self.identifiers(params)
        deleted, errors, known = [], [], 0
        with state.lock:
            for kind, value in wanted:
                matches = state.find(kind, value)
                if not matches:
                    errors.append(self.not_found(kind, value, "info"))
                    continue
                known += 1
                for order in matches:
                    entry = {"orderIdentifier": order["orderIdentifier"]}
                    if order.get("orderReference") is not None:
                        entry["orderReference"] = order["orderReference"]
                    if order.get("manifestedOn"):
                        entry.update(code="OrderManifested",
                                     message="The order has been manifested and cannot be "
                                     "deleted.")
                        errors.append(entry)
                        continue
                    del state.orders[order["orderIdentifier"]]
                    order["deletedOn"] = iso(now_epoch())
                    order["deleted"] = True
                    state.deleted[order["orderIdentifier"]] = order
                    info = "Order deleted."
                    if order.get("trackingNumber"):
                        info = "Order deleted; label %s is no longer valid." % ", ".join(
                            p["trackingNumber"] for p in order["packages"])
                    entry["orderInfo"] = info
                    deleted.append(entry)
            if not known:
                raise ApiError(404, errors)
            state.save()
        return Response(200, {"deletedOrders": deleted, "errors": errors}, headers)

    def update_status(self, operation, params, query, raw, headers):
        state = self.state
        body = self.json_body(operation, raw)
        items = body.get("items") if isinstance(body, dict) else None
        if not isinstance(items, list) or not 1 <= len(items) <= 100:
            raise ApiError(400, [{"code": "BadRequest", "message": "'items' must be an array of "
                                  "1 to 100 status updates."}])
        problems, unknown = [], []
        state.spec.validate(state.spec.definitions["UpdateOrdersStatusRequest"], body, "",
                            problems, unknown)
        with state.lock:
            self.record["unknownFields"] = unknown
        updated, errors = [], []
        with state.lock:
            for index, item in enumerate(items):
                entry = {}
                if isinstance(item, dict):
                    for key in ("orderIdentifier", "orderReference"):
                        if item.get(key) is not None:
                            entry[key] = item[key]
                mine = [p for p in problems if p[2] == "items[%d]" % index
                        or p[2].startswith("items[%d]." % index)]
                if mine:
                    errors.append(dict(entry, code="InvalidRequest", message=mine[0][1]))
                    continue
                if len(entry) != 1:
                    errors.append(dict(entry, code="InvalidRequest", message="Give exactly one "
                                       "of orderIdentifier and orderReference."))
                    continue
                status = item.get("status")
                if status not in ("new", "despatched", "despatchedByOtherCourier"):
                    errors.append(dict(entry, code="InvalidRequest", message="status must be "
                                       "new, despatched or despatchedByOtherCourier."))
                    continue
                kind, value = (("id", entry["orderIdentifier"]) if "orderIdentifier" in entry
                               else ("ref", entry["orderReference"]))
                matches = state.find(kind, value)
                if len(matches) != 1:
                    errors.append(dict(entry, code="NotFound" if not matches else "Ambiguous",
                                       message="Order not found." if not matches else
                                       "More than one order has this reference."))
                    continue
                order = matches[0]
                current = {"new": "new", "labelGenerated": "label generated",
                           "despatched": "despatched"}[order["status"]]
                if status == "despatchedByOtherCourier":
                    errors.append(dict(entry, status=current, code="FeatureNotAvailable",
                                       message="Reserved for ChannelShipper customers only."))
                    continue
                if status == "new":
                    if order.get("manifestedOn"):
                        errors.append(dict(entry, status=current, code="OrderManifested",
                                           message="A manifested order cannot be reset."))
                        continue
                    if order.get("trackingNumber"):
                        order.setdefault("voidedTrackingNumbers", []).extend(
                            p["trackingNumber"] for p in order["packages"])
                    order.update(status="new", trackingNumber=None, packages=[], printedOn=None,
                                 shippedOn=None, returnsTrackingNumber=None)
                else:
                    despatch = item.get("despatchDate")
                    order["status"] = "despatched"
                    order["shippedOn"] = iso(parse_date_time(despatch)) if despatch \
                        else iso(now_epoch())
                updated.append({"orderIdentifier": order["orderIdentifier"],
                                "orderReference": order.get("orderReference"),
                                "status": status})
            state.save()
        return Response(200, {"updatedOrders": updated, "errors": errors}, headers)

    def get_label(self, operation, params, query, raw, headers):
        state = self.state
        wanted = self.identifiers(params)

        def bad(message):
            return ApiError(400, [{"code": "InvalidParameter", "message": message}])

        document = query.get("documentType", [None])[-1]
        if document is None:
            raise bad("documentType is required (postageLabel, despatchNote, CN22 or CN23).")
        if document not in DOCUMENT_TYPES:
            raise bad("documentType must be one of postageLabel, despatchNote, CN22, CN23; "
                      "it is '%s'." % document)
        flags = {}
        for name in ("includeReturnsLabel", "includeCN"):
            text = query.get(name, [None])[-1]
            if text is None:
                flags[name] = None
            elif text.lower() in ("true", "false"):
                flags[name] = text.lower() == "true"
            else:
                raise bad("%s must be true or false; it is '%s'." % (name, text))
        if document == "postageLabel" and flags["includeReturnsLabel"] is None:
            raise bad("includeReturnsLabel is required when documentType is postageLabel.")
        with state.lock:
            orders, missing, seen = [], [], set()
            for kind, value in wanted:
                matches = state.find(kind, value)
                if not matches:
                    missing.append(self.not_found(kind, value, "response"))
                for order in matches:
                    if order["orderIdentifier"] not in seen:
                        seen.add(order["orderIdentifier"])
                        orders.append(order)
            if missing:
                raise ApiError(404, missing)
            account = copy.deepcopy(state.account)
            problems = []
            for order in orders:
                entry = {"accountOrderNumber": order["orderIdentifier"]}
                if order.get("orderReference") is not None:
                    entry["channelOrderReference"] = order["orderReference"]
                if document == "postageLabel":
                    why = label_problem(order, account) if not order.get("trackingNumber") \
                        else None
                    if why:
                        problems.append(dict(entry, code="LabelNotAvailable", message=why[1]))
                elif document in ("CN22", "CN23") and not needs_customs(order):
                    problems.append(dict(entry, code="DocumentNotAvailable",
                                         message="The order needs no customs declaration."))
            if problems:
                raise ApiError(400, problems)
            if document == "postageLabel":
                for order in orders:
                    generate_label(state, order, bool(flags["includeReturnsLabel"]))
                state.save()
            data, _ = render_documents(orders, account, document,
                                       bool(flags["includeReturnsLabel"]),
                                       bool(flags["includeCN"]))
        return Response(200, data, headers, "application/pdf")

    # ---- manifests

    def manifest_number(self, params):
        if not re.fullmatch(r"[0-9]{1,9}", params or ""):
            raise ApiError(400, manifest_error("InvalidManifestIdentifier",
                                               "The manifest identifier must be an integer."))
        number = int(params)
        manifest = self.state.manifests.get(number)
        if manifest is None:
            raise ApiError(404, manifest_error("NotFound", "Manifest %d was not found." % number))
        return manifest

    def manifest_answer(self, manifest, created_status, headers):
        """201 with the PDF when no polls are wanted, else 202."""
        if manifest["pollsLeft"] <= 0:
            manifest["status"] = "Completed"
            return Response(201, {"manifestNumber": manifest["manifestNumber"],
                                  "documentPdf": base64.b64encode(
                                      manifest_document(self.state, manifest)).decode("ascii")},
                            headers)
        return Response(created_status, {"manifestNumber": manifest["manifestNumber"]}, headers)

    def create_manifest(self, operation, params, query, raw, headers):
        state = self.state
        body = self.json_body(operation, raw, required=False)
        carrier = None
        if body is not None:
            if not isinstance(body, dict):
                raise ApiError(400, manifest_error("BadRequest", "The body must be a "
                                                   "ManifestEligibleOrdersRequest object."))
            carrier = body.get("carrierName")
            with state.lock:
                self.record["unknownFields"] = [k for k in body if k != "carrierName"]
            if carrier is not None and carrier != state.account["carrierName"]:
                raise ApiError(400, manifest_error("CarrierNotFound", "Carrier '%s' was not "
                                                   "found." % carrier))
        with state.lock:
            eligible = sorted(o["orderIdentifier"] for o in state.orders.values()
                              if o["status"] in ("labelGenerated", "despatched")
                              and not o.get("manifestNumber"))
            if not eligible:
                raise ApiError(400, manifest_error("NoEligibleOrders", "There are no orders "
                                                   "eligible for manifesting."))
            number = state.next_manifest
            state.next_manifest += 1
            created = iso(now_epoch())
            for order_id in eligible:
                state.orders[order_id]["manifestNumber"] = number
                state.orders[order_id]["manifestedOn"] = created
            manifest = {"manifestNumber": number, "status": "In Progress", "createdOn": created,
                        "carrierName": state.account["carrierName"], "orders": eligible,
                        "pollsLeft": int(state.account["manifestPolls"])}
            state.manifests[number] = manifest
            response = self.manifest_answer(manifest, 202, headers)
            state.save()
        return response

    def get_manifest(self, operation, params, query, raw, headers):
        state = self.state
        with state.lock:
            manifest = self.manifest_number(params)
            body = {"manifestNumber": manifest["manifestNumber"]}
            if manifest["status"] == "Failed":
                body["status"] = "Failed"
            elif manifest["pollsLeft"] > 0:
                manifest["pollsLeft"] -= 1
                body["status"] = "In Progress"
            else:
                manifest["status"] = "Completed"
                body["status"] = "Completed"
                body["documentPdf"] = base64.b64encode(
                    manifest_document(state, manifest)).decode("ascii")
            state.save()
        return Response(200, body, headers)

    def retry_manifest(self, operation, params, query, raw, headers):
        state = self.state
        with state.lock:
            manifest = self.manifest_number(params)
            if manifest["status"] != "Failed":
                raise ApiError(400, manifest_error("ManifestNotFailed", "Manifest %d is %s; only "
                                                   "a failed manifest can be retried."
                                                   % (manifest["manifestNumber"],
                                                      manifest["status"])))
            manifest["status"] = "In Progress"
            manifest["pollsLeft"] = int(state.account["manifestPolls"])
            response = self.manifest_answer(manifest, 202, headers)
            state.save()
        return response

    # ---- test control

    def control(self, method, path, query, raw):
        try:
            body = json.loads(raw.decode("utf-8")) if raw.strip() else None
        except (UnicodeDecodeError, ValueError):
            self.send(Response(400, {"error": "the body is not JSON"}))
            return
        try:
            status, payload = self.control_route(method, path, query, body)
        except ControlError as error:
            status, payload = error.status, {"error": str(error)}
        self.send(Response(status, payload))

    def control_route(self, method, path, query, body):
        state = self.state
        parts = path.strip("/").split("/")[1:]
        if parts == ["requests"]:
            if method == "GET":
                wanted = query.get("operation", [None])[0]
                with state.lock:
                    return 200, {"requests": [copy.deepcopy(r) for r in state.requests
                                              if wanted is None or r["operation"] == wanted]}
            if method == "DELETE":
                with state.lock:
                    state.requests.clear()
                return 204, None
        elif parts == ["faults"]:
            if method == "GET":
                with state.lock:
                    return 200, {"faults": [dict(f) for f in state.faults]}
            if method == "DELETE":
                with state.lock:
                    state.faults.clear()
                return 204, None
            if method == "POST":
                if isinstance(body, dict) and "faults" in body:
                    body = body["faults"]
                faults = [check_fault(f) for f in (body if isinstance(body, list) else [body])]
                with state.lock:
                    state.faults.extend(faults)
                    return 200, {"faults": [dict(f) for f in state.faults]}
        elif parts == ["orders"] and method == "GET":
            with state.lock:
                return 200, {"orders": [copy.deepcopy(o) for _, o in sorted(state.orders.items())],
                             "deleted": [copy.deepcopy(o) for _, o in
                                         sorted(state.deleted.items())]}
        elif len(parts) == 2 and parts[0] == "orders" and method == "GET":
            with state.lock:
                key = int(parts[1]) if parts[1].isdigit() else None
                order = state.orders.get(key) or state.deleted.get(key)
                if order is None:
                    raise ControlError(404, "no order %s" % parts[1])
                return 200, {"order": copy.deepcopy(order)}
        elif parts == ["creates"] and method == "GET":
            with state.lock:
                return 200, {"creates": dict(state.creates), "attempts": dict(state.attempts)}
        elif parts == ["manifests"] and method == "GET":
            with state.lock:
                return 200, {"manifests": [copy.deepcopy(m) for _, m in
                                           sorted(state.manifests.items())]}
        elif len(parts) == 3 and parts[0] == "manifests" and parts[2] == "fail" \
                and method == "POST":
            with state.lock:
                manifest = state.manifests.get(int(parts[1])) if parts[1].isdigit() else None
                if manifest is None:
                    raise ControlError(404, "no manifest %s" % parts[1])
                manifest["status"] = "Failed"
                state.save()
                return 200, {"manifest": copy.deepcopy(manifest)}
        elif parts == ["account"]:
            if method == "POST":
                self.control_account(body)
            if method in ("GET", "POST"):
                with state.lock:
                    account = copy.deepcopy(state.account)
                account["knownServices"] = {code: {"name": v[0], "region": v[2]}
                                            for code, v in KNOWN_SERVICES.items()}
                return 200, account
        elif parts == ["reset"] and method == "POST":
            with state.lock:
                state.reset_data()
                state.requests.clear()
                state.faults.clear()
                state.save()
            return 204, None
        raise ControlError(404, "no control endpoint %s %s" % (method, path))

    def control_account(self, body):
        state = self.state
        if not isinstance(body, dict):
            raise ControlError(400, "send an object with oba, services, manifestPolls, "
                               "rateLimit or tradingName")
        changes = {}
        for key, value in body.items():
            if key == "oba" and isinstance(value, bool):
                changes[key] = value
            elif key == "services" and isinstance(value, list) and \
                    all(isinstance(v, str) for v in value):
                changes[key] = list(value)
            elif key in ("manifestPolls", "rateLimit") and is_int(value) and value >= 0:
                changes[key] = value
            elif key == "tradingName" and isinstance(value, str) and value:
                changes[key] = value
            else:
                raise ControlError(400, "bad account setting %s=%r" % (key, value))
        with state.lock:
            state.account.update(changes)
            state.save()


def parse_args(argv):
    parser = argparse.ArgumentParser(description="Local Royal Mail Click & Drop API for tests.")
    parser.add_argument("--cert", required=True, help="server certificate (PEM)")
    parser.add_argument("--key", required=True, help="server private key (PEM)")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any)")
    parser.add_argument("--api-key", default="pb-test-clickdrop-key",
                        help="the API key expected after 'Authorization: Bearer'")
    parser.add_argument("--services", default=",".join(DEFAULT_SERVICES),
                        help="service codes enabled on the account, comma-separated")
    parser.add_argument("--non-oba", action="store_true",
                        help="an account that is not an Online Business Account")
    parser.add_argument("--manifest-polls", type=int, default=2,
                        help="GET /manifests/{n} answers 'In Progress' this many times "
                        "(0: POST /manifests answers 201 with the PDF)")
    parser.add_argument("--rate-limit", type=int, default=0,
                        help="API calls per second before 429 (0: no limit)")
    parser.add_argument("--seed", type=int, default=0, help="moves the first tracking serial")
    parser.add_argument("--state", help="JSON file keeping the server's data")
    parser.add_argument("--verbose", action="store_true", help="log requests to stderr")
    args = parser.parse_args(argv)
    args.services = [s for s in (x.strip() for x in args.services.split(",")) if s]
    if args.manifest_polls < 0 or args.rate_limit < 0:
        parser.error("--manifest-polls and --rate-limit must not be negative")
    return args


def main(argv=None):
    args = parse_args(argv)
    state = State(args, Spec())
    return vendor_http.serve(Handler, state)


if __name__ == "__main__":
    sys.exit(main())
