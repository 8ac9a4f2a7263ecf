#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A local Amazon Selling Partner API for Packbench's tests and demo.

Python 3 standard library only. HTTPS only (TLS 1.2 minimum), HTTP/1.1 with
keep-alive, one thread per connection. It speaks:

  POST /auth/o2/token                                    Login with Amazon (refresh-token grant)
  GET  /orders/2026-01-01/orders                         searchOrders
  GET  /orders/2026-01-01/orders/{orderId}               getOrder
  POST /orders/v0/orders/{orderId}/shipmentConfirmation  confirmShipment (Orders v0)
  /_test/...                                             test control (no auth, JSON)

The operations follow the official models (amzn/selling-partner-api-models,
models/orders-api-model/orders_2026-01-01.json and ordersV0.json): the query
parameters, their validation rules, the response shapes, and the ErrorList
shape {"errors": [{"code", "message", "details"?}]} for every error.

Command line
------------
  spapi_server.py --cert PEM --key PEM [--port 0] [--orders 0] [--seed 0]
                  [--page-size 100] [--state FILE] [--settle-seconds 120]
                  [--token-lifetime 3600] [--client-id ID] [--client-secret S]
                  [--refresh-token T] [--verbose]

Binds 127.0.0.1, prints exactly "PORT <n>" as the first line on stdout once
listening, and serves until SIGTERM or SIGINT (exit status 0). --page-size is
the default of maxResultsPerPage. --state keeps orders, confirmations and the
clock offset in a JSON file: loaded at start when it exists (then --orders is
not generated again), rewritten after every change.

Time
----
The server's now is the real UTC time plus an offset that only moves forward
(POST /_test/clock). Access tokens and pagination tokens expire against it.
Like the real API, a search only sees orders updated (or created) at least
--settle-seconds (default 120, "at least two minutes before the time of the
request") before now: when lastUpdatedBefore/createdBefore is absent it is
now - settle, and it is echoed in the response as lastUpdatedBefore or
createdBefore. Use that value as the next sync's lastUpdatedAfter. So a
change made now (confirmShipment, /cancel, /deliver) shows up in searches
after the clock moves on by settle seconds; getOrder shows it at once.
Generated orders are last updated at least 3 minutes before now.

Orders are sorted by lastUpdatedTime for lastUpdatedAfter searches and by
createdTime for createdAfter searches, ties by orderId. Pagination tokens are
opaque, signed, stateless (they survive a restart with --state), carry the
position and the search's upper bound, expire after 24 hours, and need the
same filter parameters on every page (maxResultsPerPage and includedData may
change), as the model says.

includedData datasets (anything not listed is always returned)
--------------------------------------------------------------
  BUYER               order.buyer
  RECIPIENT           order.recipient
  PROCEEDS            order.proceeds, item.proceeds
  EXPENSE             item.expense
  PROMOTION           item.promotion
  CANCELLATION        item.cancellation
  FULFILLMENT         order.fulfillment, item.fulfillment
  PACKAGES            order.packages
  TAX                 order.tax, item.tax
  PAYMENT             order.payment
  FULFILLMENT_ORDERS  order.fulfillmentOrders
Always: orderId, orderAliases, createdTime, lastUpdatedTime, programs,
associatedOrders, salesChannel, and per item orderItemId, quantityOrdered,
measurement, associatedOrderItems, programs, product.

searchOrders and getOrder validation (400 InvalidInput, message naming the parameter)
---------------------------------------------------------------------------------
Exactly one of createdAfter and lastUpdatedAfter; createdAfter excludes
lastUpdated*, lastUpdatedAfter excludes created*; dates ISO 8601 date-times
(an unencoded '+' arrives as a space and is refused); a *Before not before
its *After and at least settle seconds before now, an *After at least settle
seconds before now; enum values of fulfillmentStatuses, fulfilledBy,
includedData; marketplaceIds at most 50; maxResultsPerPage an integer 1..100;
a parameter the operation does not have. Arrays may be comma-separated (the
model's default) or repeated. getOrder: orderId in 3-7-7 form (else 400),
known (else 404 NotFound).

confirmShipment (ConfirmShipmentRequest of ordersV0.json)
---------------------------------------------------------
204 with no body, or 400 with one Error per problem, each {"code":
"InvalidInput", "message": <names the field, e.g. "packageDetail.orderItems[0].
quantity must be an integer.">, "details": <the field path>}. Checked: body is
a JSON object; required marketplaceId, packageDetail, packageReferenceId,
carrierCode, trackingNumber, shipDate, orderItems, orderItemId, quantity;
strings are strings; packageReferenceId is a string of digits > 0; shipDate is
ISO 8601; carrierName when carrierCode is "Other"; quantity an integer >= 1;
transparencyCodes strings; no property the model does not have; marketplaceId
is the order's; every orderItemId is in the order; quantities (summed per
item, plus what earlier packages shipped) fit quantityOrdered; the order is not
CANCELLED, PENDING or PENDING_AVAILABILITY. Unknown order: 404 NotFound; bad
orderId: 400. Sending the same packageReferenceId again with the same tracking
number and items is a retry: 204, nothing new (the confirmation is listed
with "duplicate": true); with other contents it is a 400. An accepted
confirmation adds to order.packages {packageReferenceId, createdTime,
packageStatus {status: SHIPPED}, carrier (carrierName, else carrierCode),
shipTime (shipDate), shippingService (shippingMethod), trackingNumber,
packageItems}, moves item quantityFulfilled/quantityUnfulfilled, sets
fulfillmentStatus SHIPPED or PARTIALLY_SHIPPED and bumps lastUpdatedTime.

Sandbox replay
--------------
fixtures/sandbox_examples.json holds the `x-amzn-api-sandbox.static`
examples of searchOrders, getOrder and confirmShipment, copied verbatim from
the models. After the access token is checked, a request whose parameters are
exactly those of an example (searchOrders: the same set of query parameters
with the same values, arrays compared as sets whether sent comma-separated or
repeated; getOrder: the orderId and the includedData set, and no other
parameter; confirmShipment: the orderId and a JSON body equal to the
example's) gets the example's status and response body verbatim (204 with
no body for the confirmShipment success). Such requests are recorded with
"sandbox": true. The example order ids are never generated.

Test control (no auth; JSON in and out; errors are {"error": "..."})
----------------------------------------------------------------------
  GET    /_test/requests[?operation=X]  {"requests": [...]} every request, oldest first:
                                        method, path, query (name -> value, or a list when
                                        repeated), headers (lower-case names; the
                                        x-amz-access-token and authorization values cut to
                                        their first 4 characters), operation, status, time,
                                        epoch, fault, sandbox; "body" (parsed JSON) for
                                        confirmShipment; "form" for the token request
                                        (refresh_token, client_secret cut to 4 characters)
  DELETE /_test/requests                forget them (204)
  POST   /_test/faults                  a fault, a list of faults, or {"faults": [...]}
  GET    /_test/faults                  {"faults": [...]} still pending
  DELETE /_test/faults                  drop pending faults (204)
  GET    /_test/orders                  {"orders": [{orderId, fulfillmentStatus,
                                        lastUpdatedTime}]} by lastUpdatedTime
  POST   /_test/orders                  {"generate": N, "scenario": name?} or
                                        {"add": [order, ...]} -> 201 {"orderIds": [...]}.
                                        Scenarios: uk_orders.SCENARIOS (welsh, aberdeen,
                                        highland, bfpo, jersey, gift, ...). Added orders are
                                        in the API's Order shape with every dataset; an
                                        existing orderId is replaced; missing times default
                                        to now - settle - 60 s, missing fulfillment to
                                        UNSHIPPED/MERCHANT.
  GET    /_test/orders/{id}             {"order": <every dataset>, "confirmations": [...]}
  POST   /_test/orders/{id}/cancel      buyer cancelled: status CANCELLED, every item gets
                                        cancellationRequest {requester BUYER} and
                                        cancellationExecution {cancelledBy BUYER};
                                        body optional {"reason"}; 409 once shipped
  POST   /_test/orders/{id}/cancel-request  buyer asks to cancel: items get
                                        cancellationRequest only, status unchanged; body
                                        optional {"reason", "orderItemIds": [...]}
  POST   /_test/orders/{id}/deliver     packages -> DELIVERED (body optional
                                        {"packageReferenceId"}); 409 without packages
  GET    /_test/confirmations           {"confirmations": [...]} accepted confirmShipments
  GET    /_test/tokens                  {"valid": n, "expired": n}
  GET    /_test/clients                 who calls the API (below): {"clients": [...],
                                        "client_ids": {...}, "unknown": {...}}
  DELETE /_test/clients                 set every count to 0 (204); tokens stay valid
  GET    /_test/clock                   {"now", "offset_seconds"}
  POST   /_test/clock                   {"offset_seconds": S} or {"advance_seconds": S};
                                        the offset may not go down
The order changes above bump lastUpdatedTime to now. 404 for an unknown order.

Clients
-------
A client is the holder of one access token: every token request that
succeeds makes a new client, "token-1", "token-2", ... in the order issued,
with the LWA client_id it was issued to. A bench process that logs in with
Login with Amazon has its own, so in site mode, where every bench uses the
same Amazon app and refresh token, the clients tell the benches apart as
long as each bench gets its own access token. Every searchOrders, getOrder
and confirmShipment request is counted against the client whose token it
carries (valid or expired, whatever the answer, faults included), and its
record in /_test/requests has "client". GET /_test/clients answers
  {"clients": [{"client": "token-1", "client_id": ..., "issued": ISO,
                "searchOrders": n, "getOrder": n, "confirmShipment": n,
                "first": ISO or null, "last": ISO or null}, ...],   (issue order)
   "client_ids": {client_id: {"searchOrders": n, "getOrder": n,
                              "confirmShipment": n}},
   "unknown": {"searchOrders": n, "getOrder": n, "confirmShipment": n}}
where "unknown" counts requests with no token or one this server never
issued, and first/last are the server times of the client's first and last
counted request. ?operation=searchOrders keeps only the clients that made at
least one such request.

Faults
------
Each fault: {"operation": "searchOrders"|"getOrder"|"confirmShipment"|"token"|"*",
"kind": ..., "count": N (default 1), "after": K (default 0)}. A fault counts
the requests of its operation; the first K go through, then it fires on the
next N. One fault fires per request (the earliest added). Kinds:
  status             {"status": 429, "retry_after": 1?, "body": {...}?} answer that
                     status at once (SP-API ErrorList body with QuotaExceeded,
                     InternalFailure, ServiceUnavailable..., or an LWA {"error"} body
                     for "token"; "body" replaces it); Retry-After header when given.
                     Nothing is done.
  stall              {"seconds": S} sleep, then answer normally.
  malformed          do the request, answer 200 with a body that is not JSON.
  truncated          do the request, send the first half of the real body, with a
                     Content-Length matching it (an empty 204 stays as it is).
  reset              do the request (a confirmation is recorded, a token issued), then
                     reset the connection (TCP RST) without a byte of answer; the
                     request is recorded with status 0.
  expire_token       every access token issued so far expires now; this request then
                     gets the 403 (for "token": the new token is fine).
  expire_pagination  only counts requests carrying paginationToken: answers 400
                     {"errors": [{"code": "InvalidInput", "message": "Invalid
                     paginationToken: pagination token expired."}]}, the same answer
                     as for a token older than 24 hours.

Authentication
--------------
POST /auth/o2/token, application/x-www-form-urlencoded, grant_type=
refresh_token, refresh_token, client_id, client_secret -> 200 {"access_token":
"Atza|...", "token_type": "bearer", "expires_in": 3600, "refresh_token": ...}.
Wrong client id or secret: 401 {"error": "invalid_client"}; wrong refresh
token: 400 {"error": "invalid_grant"}; other grant types: 400
unsupported_grant_type; missing fields or another content type: 400
invalid_request. The API wants x-amz-access-token: a token this server issued
and that has not expired, else 403 {"errors": [{"code": "Unauthorized",
"message": "Access to requested resource is denied.", "details": ...}]} with
details "The access token you provided has expired." (expired),
"The access token you provided is revoked, malformed or invalid." (unknown) or
"Access token is missing in the request header." (absent).
"""

import argparse
import base64
import copy
import datetime
import hashlib
import hmac
import json
import os
import re
import secrets
import ssl
import sys
import threading
import time
import traceback
import urllib.parse
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import uk_orders  # noqa: E402
import vendor_http  # noqa: E402
from vendor_http import Response  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures", "sandbox_examples.json")

SEARCH_PATH = "/orders/2026-01-01/orders"
GET_ORDER_RE = re.compile(r"^/orders/2026-01-01/orders/([^/]+)$")
CONFIRM_RE = re.compile(r"^/orders/v0/orders/([^/]+)/shipmentConfirmation$")
ORDER_ID_RE = re.compile(r"\d{3}-\d{7}-\d{7}", re.ASCII)
MARKETPLACE_ID_RE = re.compile(r"[A-Z0-9]{8,20}")

OPERATIONS = ("searchOrders", "getOrder", "confirmShipment", "token")
RATE_LIMITS = {"searchOrders": "0.0056", "getOrder": "0.5", "confirmShipment": "2.0"}
# The operations counted per client (GET /_test/clients).
COUNTED = ("searchOrders", "getOrder", "confirmShipment")

FULFILLMENT_STATUSES = ("PENDING_AVAILABILITY", "PENDING", "UNSHIPPED", "PARTIALLY_SHIPPED",
                        "SHIPPED", "CANCELLED", "UNFULFILLABLE")
FULFILLED_BY = ("MERCHANT", "AMAZON")
DATASETS = ("BUYER", "RECIPIENT", "PROCEEDS", "EXPENSE", "PROMOTION", "CANCELLATION",
            "FULFILLMENT", "PACKAGES", "TAX", "PAYMENT", "FULFILLMENT_ORDERS")
ORDER_DATASET_FIELDS = {"buyer": "BUYER", "recipient": "RECIPIENT", "proceeds": "PROCEEDS",
                        "payment": "PAYMENT", "tax": "TAX", "fulfillment": "FULFILLMENT",
                        "packages": "PACKAGES", "fulfillmentOrders": "FULFILLMENT_ORDERS"}
ITEM_DATASET_FIELDS = {"proceeds": "PROCEEDS", "expense": "EXPENSE", "promotion": "PROMOTION",
                       "cancellation": "CANCELLATION", "fulfillment": "FULFILLMENT",
                       "tax": "TAX"}
SEARCH_ARRAY_PARAMS = ("fulfillmentStatuses", "marketplaceIds", "fulfilledBy", "includedData")
SEARCH_SCALAR_PARAMS = ("createdAfter", "createdBefore", "lastUpdatedAfter",
                        "lastUpdatedBefore", "maxResultsPerPage", "paginationToken")

PAGINATION_TOKEN_LIFETIME = 24 * 3600
MAX_BODY = 1 << 20

STATUS_CODES = {400: ("InvalidInput", "Invalid Input"),
                403: ("Unauthorized", "Access to requested resource is denied."),
                404: ("NotFound", "The requested resource was not found."),
                413: ("RequestTooLarge", "The request size exceeded the maximum accepted size."),
                415: ("UnsupportedMediaType", "The request payload is in an unsupported format."),
                429: ("QuotaExceeded", "You exceeded your quota for the requested resource."),
                500: ("InternalFailure", "We encountered an internal error. Please try again."),
                503: ("ServiceUnavailable", "Service temporarily unavailable. Please try again.")}

EXPIRED_TOKEN = "The access token you provided has expired."
INVALID_TOKEN = "The access token you provided is revoked, malformed or invalid."
MISSING_TOKEN = "Access token is missing in the request header."
PAGINATION_EXPIRED = "Invalid paginationToken: pagination token expired."


# ------------------------------------------------------------------ errors


class ApiError(Exception):
    """An SP-API error answer: HTTP status and an ErrorList."""

    def __init__(self, status, message=None, code=None, details=None, errors=None, headers=None):
        super().__init__(message)
        default_code, default_message = STATUS_CODES.get(status, ("InternalFailure", "Error"))
        if errors is None:
            error = {"code": code or default_code, "message": message or default_message}
            if details is not None:
                error["details"] = details
            errors = [error]
        self.status = status
        self.errors = errors
        self.headers = headers or {}


def invalid(message, details=None):
    return ApiError(400, message, "InvalidInput", details)


class LwaError(Exception):
    def __init__(self, status, error, description):
        super().__init__(description)
        self.status, self.error, self.description = status, error, description


class ControlError(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


# ------------------------------------------------------------------ time

ISO_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?"
                    r"(Z|[+-]\d{2}:?\d{2})?", re.ASCII)


def parse_iso8601(text):
    """ISO 8601 date-time (time zone optional, then UTC) -> seconds since the epoch."""
    match = ISO_RE.fullmatch(text) if isinstance(text, str) else None
    if not match:
        raise ValueError(text)
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    moment = datetime.datetime(int(year), int(month), int(day), int(hour), int(minute),
                               int(second or 0), tzinfo=datetime.timezone.utc)
    value = moment.timestamp() + (float("0." + fraction) if fraction else 0.0)
    if zone and zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        value -= sign * (int(digits[:2]) * 3600 + int(digits[2:]) * 60)
    return value


def iso(epoch):
    return uk_orders.iso(epoch)


def iso_ms(epoch):
    moment = datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (moment.microsecond // 1000)


def order_time(order, field):
    return parse_iso8601(order[field])


# ------------------------------------------------------------------ orders


def project(order, datasets):
    """The order as the API returns it for these includedData datasets."""
    out = {}
    for key, value in order.items():
        dataset = ORDER_DATASET_FIELDS.get(key)
        if dataset and dataset not in datasets:
            continue
        if key == "orderItems":
            value = [{k: v for k, v in item.items()
                      if ITEM_DATASET_FIELDS.get(k, None) in (None, *datasets)}
                     for item in value]
        out[key] = copy.deepcopy(value)
    return out


def refresh_status(order):
    """fulfillmentStatus from the items' shipped quantities (not for cancelled orders)."""
    fulfillment = order["fulfillment"]
    if fulfillment.get("fulfillmentStatus") == "CANCELLED":
        return
    shipped = [item["fulfillment"].get("quantityFulfilled", 0) for item in order["orderItems"]]
    wanted = [item["quantityOrdered"] for item in order["orderItems"]]
    if all(s >= w for s, w in zip(shipped, wanted)):
        fulfillment["fulfillmentStatus"] = "SHIPPED"
    elif any(shipped):
        fulfillment["fulfillmentStatus"] = "PARTIALLY_SHIPPED"


def complete_added_order(order, now, settle):
    """Checks an order given to POST /_test/orders and fills what it leaves out."""
    if not isinstance(order, dict):
        raise ControlError(400, "each order must be an object")
    oid = order.get("orderId")
    if not isinstance(oid, str) or not ORDER_ID_RE.fullmatch(oid):
        raise ControlError(400, "orderId must be in 3-7-7 digit form")
    items = order.get("orderItems")
    if not isinstance(items, list) or not items:
        raise ControlError(400, "%s: orderItems must be a non-empty list" % oid)
    order = copy.deepcopy(order)
    past = iso(now - settle - 60)
    order.setdefault("createdTime", past)
    order.setdefault("lastUpdatedTime", order["createdTime"])
    for field in ("createdTime", "lastUpdatedTime"):
        try:
            parse_iso8601(order[field])
        except ValueError:
            raise ControlError(400, "%s: %s is not ISO 8601" % (oid, field)) from None
    order.setdefault("salesChannel", {"channelName": "AMAZON",
                                      "marketplaceId": uk_orders.MARKETPLACE_ID,
                                      "marketplaceName": uk_orders.MARKETPLACE_NAME})
    fulfillment = order.setdefault("fulfillment", {})
    fulfillment.setdefault("fulfillmentStatus", "UNSHIPPED")
    fulfillment.setdefault("fulfilledBy", "MERCHANT")
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("orderItemId"), str) \
                or not isinstance(item.get("quantityOrdered"), int):
            raise ControlError(400, "%s: each item needs orderItemId (string) and "
                               "quantityOrdered (integer)" % oid)
        item.setdefault("product", {})
        item_fulfillment = item.setdefault("fulfillment", {})
        item_fulfillment.setdefault("quantityFulfilled", 0)
        item_fulfillment.setdefault("quantityUnfulfilled", item["quantityOrdered"]
                                    - item_fulfillment["quantityFulfilled"])
    # Keep the model's key order for the fields filled in.
    ordered = {}
    for key in ("orderId", "orderAliases", "createdTime", "lastUpdatedTime", "programs",
                "associatedOrders", "salesChannel", "buyer", "recipient", "proceeds",
                "payment", "tax", "fulfillment", "orderItems", "packages", "fulfillmentOrders"):
        if key in order:
            ordered[key] = order.pop(key)
    ordered.update(order)
    return ordered


# ------------------------------------------------------------------ state


class State:
    """Orders, confirmations, tokens, faults, recorded requests and the clock.
    Everything is guarded by one lock."""

    def __init__(self, args):
        self.args = args
        self.lock = threading.RLock()
        self.orders = {}           # orderId -> full order (every dataset)
        self.confirmations = []    # accepted confirmShipment calls
        self.tokens = {}           # access token -> expiry (server time)
        self.token_clients = {}    # access token -> its client (below)
        self.clients = []          # who called the API, by access token, issue order
        self.unknown_client = dict.fromkeys(COUNTED, 0)
        self.faults = []
        self.requests = []
        self.clock_offset = 0.0
        self.secret = secrets.token_bytes(32)
        self.factory = uk_orders.OrderFactory(args.seed)
        self.sandbox = self._load_sandbox()
        if args.state and os.path.exists(args.state):
            self._load(args.state)
        else:
            self.generate(args.orders)

    # ---- clock

    def now(self):
        return time.time() + self.clock_offset

    # ---- persistence

    def _load(self, path):
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        self.orders = {o["orderId"]: o for o in data.get("orders", [])}
        self.confirmations = data.get("confirmations", [])
        self.clock_offset = float(data.get("clock_offset", 0.0))
        secret = data.get("pagination_secret")
        if secret:
            self.secret = bytes.fromhex(secret)
        self.factory.restore(data.get("factory"), self.orders.values())

    def save(self):
        path = self.args.state
        if not path:
            return
        with self.lock:
            data = {"version": 1, "orders": list(self.orders.values()),
                    "confirmations": self.confirmations, "clock_offset": self.clock_offset,
                    "pagination_secret": self.secret.hex(), "factory": self.factory.snapshot()}
            tmp = path + ".tmp"
            with open(tmp, "w", encoding="utf-8") as fh:
                json.dump(data, fh, ensure_ascii=False)
            os.replace(tmp, path)

    # ---- orders

    def generate(self, count, scenario=None):
        with self.lock:
            ids = []
            for _ in range(count):
                order = self.factory.make(self.now(), scenario)
                self.orders[order["orderId"]] = order
                ids.append(order["orderId"])
            return ids

    def touch(self, order):
        order["lastUpdatedTime"] = iso(max(self.now(), order_time(order, "lastUpdatedTime")))

    # ---- sandbox

    @staticmethod
    def _load_sandbox():
        with open(FIXTURES, encoding="utf-8") as fh:
            return json.load(fh)["examples"]

    # ---- tokens

    def issue_token(self, client_id):
        token = "Atza|" + secrets.token_urlsafe(240)
        with self.lock:
            self.tokens[token] = self.now() + self.args.token_lifetime
            client = {"client": "token-%d" % (len(self.clients) + 1), "client_id": client_id,
                      "issued": iso_ms(self.now()), "first": None, "last": None}
            client.update(dict.fromkeys(COUNTED, 0))
            self.clients.append(client)
            self.token_clients[token] = client
        return token

    def count_call(self, operation, token):
        """Counts an API call against the client holding @token; its name or None."""
        with self.lock:
            client = self.token_clients.get(token or "")
            if client is None:
                self.unknown_client[operation] += 1
                return None
            client[operation] += 1
            client["last"] = iso_ms(self.now())
            client["first"] = client["first"] or client["last"]
            return client["client"]

    def client_counts(self, operation=None):
        with self.lock:
            clients = [dict(c) for c in self.clients if operation is None or c[operation]]
            by_id = {}
            for client in self.clients:
                counts = by_id.setdefault(client["client_id"], dict.fromkeys(COUNTED, 0))
                for name in COUNTED:
                    counts[name] += client[name]
            return {"clients": clients, "client_ids": by_id,
                    "unknown": dict(self.unknown_client)}

    def reset_client_counts(self):
        with self.lock:
            for client in self.clients:
                client.update(dict.fromkeys(COUNTED, 0), first=None, last=None)
            self.unknown_client = dict.fromkeys(COUNTED, 0)

    def check_token(self, token):
        """None when fine, else the 403 details text."""
        if not token:
            return MISSING_TOKEN
        with self.lock:
            expiry = self.tokens.get(token)
            if expiry is None:
                return INVALID_TOKEN
            if expiry <= self.now():
                return EXPIRED_TOKEN
        return None

    def expire_tokens(self):
        with self.lock:
            cutoff = self.now() - 0.001
            for token in self.tokens:
                self.tokens[token] = min(self.tokens[token], cutoff)

    # ---- faults

    def take_fault(self, operation, has_pagination_token):
        with self.lock:
            chosen = None
            for fault in self.faults:
                if fault["operation"] not in ("*", operation):
                    continue
                if fault["kind"] == "expire_pagination" and not has_pagination_token:
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


def check_fault(raw):
    if not isinstance(raw, dict):
        raise ControlError(400, "a fault must be an object")
    fault = dict(raw)
    fault.setdefault("operation", "*")
    fault.setdefault("count", 1)
    fault.setdefault("after", 0)
    kinds = ("status", "stall", "malformed", "truncated", "reset", "expire_token",
             "expire_pagination")
    if fault["operation"] not in OPERATIONS + ("*",):
        raise ControlError(400, "operation must be one of %s or *" % ", ".join(OPERATIONS))
    if fault.get("kind") not in kinds:
        raise ControlError(400, "kind must be one of %s" % ", ".join(kinds))
    for key in ("count", "after"):
        if not isinstance(fault[key], int) or isinstance(fault[key], bool) or fault[key] < 0:
            raise ControlError(400, "%s must be a non-negative integer" % key)
    if fault["count"] < 1:
        raise ControlError(400, "count must be at least 1")
    if fault["kind"] == "status":
        status = fault.get("status")
        if not isinstance(status, int) or not 400 <= status <= 599:
            raise ControlError(400, "status must be an HTTP error status (400-599)")
        retry = fault.get("retry_after")
        if retry is not None and (not isinstance(retry, (int, float)) or retry < 0):
            raise ControlError(400, "retry_after must be a non-negative number")
    if fault["kind"] == "stall":
        seconds = fault.get("seconds")
        if not isinstance(seconds, (int, float)) or isinstance(seconds, bool) or seconds < 0:
            raise ControlError(400, "stall needs seconds (a non-negative number)")
    return fault


# ------------------------------------------------------------------ query parsing


def parse_query(query_string):
    return urllib.parse.parse_qs(query_string, keep_blank_values=True)


def record_query(query):
    return {k: v[0] if len(v) == 1 else v for k, v in query.items()}


def array_param(query, name, allowed=None):
    if name not in query:
        return None
    values = []
    for raw in query[name]:
        values.extend(raw.split(","))
    if allowed is not None:
        for value in values:
            if value not in allowed:
                raise invalid("Invalid %s value '%s'. Valid values: %s."
                              % (name, value, ", ".join(allowed)))
    return values


def scalar_param(query, name):
    values = query.get(name)
    if values is None:
        return None
    if len(values) > 1:
        raise invalid("Parameter %s was given %d times; give it once." % (name, len(values)))
    return values[0]


def date_param(query, name):
    text = scalar_param(query, name)
    if text is None:
        return None
    try:
        return parse_iso8601(text)
    except ValueError:
        hint = " (was a '+' sent without percent-encoding?)" if " " in text else ""
        raise invalid("Invalid %s '%s': it must be an ISO 8601 date-time%s."
                      % (name, text, hint)) from None


def included_data(query):
    values = array_param(query, "includedData", DATASETS)
    return frozenset(values or ())


def reject_unknown(query, known):
    for name in query:
        if name not in known:
            raise invalid("Unknown query parameter '%s'." % name)


# ------------------------------------------------------------------ searchOrders


class Search:
    def __init__(self, state, query):
        self.state = state
        now = state.now()
        settle = state.args.settle_seconds
        reject_unknown(query, SEARCH_SCALAR_PARAMS + SEARCH_ARRAY_PARAMS)
        created_after = date_param(query, "createdAfter")
        created_before = date_param(query, "createdBefore")
        updated_after = date_param(query, "lastUpdatedAfter")
        updated_before = date_param(query, "lastUpdatedBefore")
        if (created_after is None) == (updated_after is None):
            raise invalid("Exactly one of createdAfter and lastUpdatedAfter must be provided.")
        if created_after is not None and (updated_before is not None):
            raise invalid("lastUpdatedBefore cannot be provided with createdAfter.")
        if updated_after is not None and (created_before is not None):
            raise invalid("createdBefore cannot be provided with lastUpdatedAfter.")
        if created_after is not None:
            self.mode, self.field = "created", "createdTime"
            after, before, names = created_after, created_before, ("createdAfter", "createdBefore")
        else:
            self.mode, self.field = "updated", "lastUpdatedTime"
            after, before, names = updated_after, updated_before, (
                "lastUpdatedAfter", "lastUpdatedBefore")
        self.before_name = names[1]
        latest = now - settle
        self.statuses = array_param(query, "fulfillmentStatuses", FULFILLMENT_STATUSES)
        self.marketplaces = array_param(query, "marketplaceIds")
        if self.marketplaces is not None:
            if len(self.marketplaces) > 50:
                raise invalid("marketplaceIds can hold at most 50 values.")
            for value in self.marketplaces:
                if not MARKETPLACE_ID_RE.fullmatch(value):
                    raise invalid("Invalid marketplaceIds value '%s'." % value)
        self.fulfilled_by = array_param(query, "fulfilledBy", FULFILLED_BY)
        self.datasets = included_data(query)
        size = scalar_param(query, "maxResultsPerPage")
        if size is None:
            self.page_size = state.args.page_size
        else:
            if not re.fullmatch(r"[0-9]+", size) or not 1 <= int(size) <= 100:
                raise invalid("Invalid maxResultsPerPage '%s': it must be an integer between "
                              "1 and 100." % size)
            self.page_size = int(size)
        self.after = after
        self.fingerprint = self._fingerprint()
        token = scalar_param(query, "paginationToken")
        self.cursor = None
        if token is not None:
            payload = self._open_token(token, now)
            if payload["f"] != self.fingerprint:
                raise invalid("Invalid paginationToken: the other parameters must have the same "
                              "values as in the request that returned it.")
            if before is not None and int(before) != payload["ub"]:
                raise invalid("Invalid paginationToken: %s differs from the first page's."
                              % names[1])
            self.upper = payload["ub"]
            self.cursor = (payload["c"][0], payload["c"][1])
        else:
            if before is not None:
                if before > latest:
                    raise invalid("%s must be at least %d seconds before the time of the "
                                  "request." % (names[1], settle))
                if before < after:
                    raise invalid("%s must be equal to or after %s." % (names[1], names[0]))
                self.upper = int(before)
            else:
                if after > latest:
                    raise invalid("%s must be at least %d seconds before the time of the "
                                  "request." % (names[0], settle))
                self.upper = int(latest)

    def _fingerprint(self):
        def canon_list(values):
            return None if values is None else sorted(set(values))

        canon = json.dumps([self.mode, self.after, canon_list(self.statuses),
                            canon_list(self.marketplaces), canon_list(self.fulfilled_by)])
        return hashlib.sha256(canon.encode()).hexdigest()[:16]

    def _seal(self, payload):
        body = json.dumps(payload, separators=(",", ":")).encode()
        mac = hmac.new(self.state.secret, body, hashlib.sha256).digest()[:12]
        return base64.urlsafe_b64encode(mac + body).decode().rstrip("=")

    def _open_token(self, token, now):
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            mac, body = raw[:12], raw[12:]
            if not hmac.compare_digest(mac, hmac.new(self.state.secret, body,
                                                     hashlib.sha256).digest()[:12]):
                raise ValueError("signature")
            payload = json.loads(body)
        except (ValueError, TypeError):
            raise invalid("Invalid paginationToken.") from None
        if now - payload["t"] > PAGINATION_TOKEN_LIFETIME:
            raise invalid(PAGINATION_EXPIRED)
        return payload

    def matches(self, order):
        moment = order_time(order, self.field)
        if moment < self.after or moment > self.upper:
            return False
        if self.statuses is not None and \
                order["fulfillment"].get("fulfillmentStatus") not in self.statuses:
            return False
        if self.marketplaces is not None and \
                order["salesChannel"].get("marketplaceId") not in self.marketplaces:
            return False
        if self.fulfilled_by is not None and \
                order["fulfillment"].get("fulfilledBy") not in self.fulfilled_by:
            return False
        return True

    def run(self):
        with self.state.lock:
            keyed = sorted((((order_time(o, self.field), o["orderId"]), o)
                            for o in self.state.orders.values() if self.matches(o)),
                           key=lambda pair: pair[0])
            if self.cursor is not None:
                keyed = [pair for pair in keyed if pair[0] > self.cursor]
            page = keyed[:self.page_size]
            result = {"orders": [project(o, self.datasets) for _, o in page]}
            if len(keyed) > self.page_size:
                last = page[-1][0]
                result["pagination"] = {"nextToken": self._seal({
                    "v": 1, "c": [last[0], last[1]], "ub": self.upper,
                    "f": self.fingerprint, "t": int(self.state.now()),
                    "n": secrets.token_hex(4)})}
            result[self.before_name] = iso(self.upper)
            return result


# ------------------------------------------------------------------ confirmShipment

CONFIRM_FIELDS = ("marketplaceId", "packageDetail", "codCollectionMethod")
PACKAGE_FIELDS = ("packageReferenceId", "carrierCode", "carrierName", "shippingMethod",
                  "trackingNumber", "shipDate", "shipFromSupplySourceId", "orderItems")
ITEM_FIELDS = ("orderItemId", "quantity", "transparencyCodes")


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def validate_confirmation(body):
    """Checks a ConfirmShipmentRequest against the v0 model. Returns a list of
    (field, message) problems."""
    problems = []

    def need_string(obj, key, path, required=True, non_empty=True):
        if key not in obj:
            if required:
                problems.append((path + key, "%s is required." % (path + key)))
            return None
        value = obj[key]
        if not isinstance(value, str):
            problems.append((path + key, "%s must be a string." % (path + key)))
            return None
        if non_empty and not value.strip():
            problems.append((path + key, "%s must not be empty." % (path + key)))
            return None
        return value

    if not isinstance(body, dict):
        return [("body", "The request body must be a JSON object (ConfirmShipmentRequest).")]
    for key in body:
        if key not in CONFIRM_FIELDS:
            problems.append((key, "Unknown property '%s' in ConfirmShipmentRequest." % key))
    need_string(body, "marketplaceId", "")
    if "codCollectionMethod" in body and body["codCollectionMethod"] != "DirectPayment":
        problems.append(("codCollectionMethod", "codCollectionMethod must be 'DirectPayment'."))
    detail = body.get("packageDetail")
    if "packageDetail" not in body:
        problems.append(("packageDetail", "packageDetail is required."))
    elif not isinstance(detail, dict):
        problems.append(("packageDetail", "packageDetail must be an object."))
    else:
        prefix = "packageDetail."
        for key in detail:
            if key not in PACKAGE_FIELDS:
                problems.append((prefix + key, "Unknown property '%s%s'." % (prefix, key)))
        ref = need_string(detail, "packageReferenceId", prefix)
        if ref is not None and (not re.fullmatch(r"[0-9]+", ref) or int(ref) == 0):
            problems.append((prefix + "packageReferenceId",
                             "packageDetail.packageReferenceId must be a string holding a "
                             "positive number (digits only), not '%s'." % ref))
        carrier = need_string(detail, "carrierCode", prefix)
        name = need_string(detail, "carrierName", prefix, required=False)
        if carrier == "Other" and name is None and "carrierName" not in detail:
            problems.append((prefix + "carrierName",
                             "packageDetail.carrierName is required when carrierCode is 'Other'."))
        need_string(detail, "shippingMethod", prefix, required=False)
        need_string(detail, "trackingNumber", prefix)
        ship_date = need_string(detail, "shipDate", prefix)
        if ship_date is not None:
            try:
                parse_iso8601(ship_date)
            except ValueError:
                problems.append((prefix + "shipDate",
                                 "packageDetail.shipDate '%s' is not an ISO 8601 date-time."
                                 % ship_date))
        need_string(detail, "shipFromSupplySourceId", prefix, required=False)
        items = detail.get("orderItems")
        if "orderItems" not in detail:
            problems.append((prefix + "orderItems", "packageDetail.orderItems is required."))
        elif not isinstance(items, list):
            problems.append((prefix + "orderItems", "packageDetail.orderItems must be an array."))
        elif not items:
            problems.append((prefix + "orderItems",
                             "packageDetail.orderItems must list at least one item."))
        else:
            for index, item in enumerate(items):
                path = "%sorderItems[%d]." % (prefix, index)
                if not isinstance(item, dict):
                    problems.append((path[:-1], "%s must be an object." % path[:-1]))
                    continue
                for key in item:
                    if key not in ITEM_FIELDS:
                        problems.append((path + key, "Unknown property '%s%s'." % (path, key)))
                need_string(item, "orderItemId", path)
                if "quantity" not in item:
                    problems.append((path + "quantity", "%squantity is required." % path))
                elif not _is_int(item["quantity"]):
                    problems.append((path + "quantity", "%squantity must be an integer." % path))
                elif item["quantity"] < 1:
                    problems.append((path + "quantity", "%squantity must be at least 1." % path))
                codes = item.get("transparencyCodes")
                if codes is not None and (not isinstance(codes, list) or
                                          not all(isinstance(c, str) for c in codes)):
                    problems.append((path + "transparencyCodes",
                                     "%stransparencyCodes must be an array of strings." % path))
    return problems


def check_against_order(body, order):
    """Problems of a well-formed confirmation with this order."""
    problems = []
    market = order["salesChannel"].get("marketplaceId")
    if body["marketplaceId"] != market:
        problems.append(("marketplaceId", "marketplaceId '%s' does not match the order's "
                         "marketplace '%s'." % (body["marketplaceId"], market)))
    status = order["fulfillment"].get("fulfillmentStatus")
    if status == "CANCELLED":
        problems.append(("orderId", "Order %s is cancelled and cannot be shipped."
                         % order["orderId"]))
    elif status in ("PENDING", "PENDING_AVAILABILITY"):
        problems.append(("orderId", "Order %s is %s: it is not ready for shipment."
                         % (order["orderId"], status)))
    items = {item["orderItemId"]: item for item in order["orderItems"]}
    asked = {}
    for index, entry in enumerate(body["packageDetail"]["orderItems"]):
        path = "packageDetail.orderItems[%d]" % index
        item = items.get(entry["orderItemId"])
        if item is None:
            problems.append((path + ".orderItemId", "%s.orderItemId '%s' is not an item of order "
                             "%s." % (path, entry["orderItemId"], order["orderId"])))
            continue
        asked[entry["orderItemId"]] = asked.get(entry["orderItemId"], 0) + entry["quantity"]
        left = item["quantityOrdered"] - item.get("fulfillment", {}).get("quantityFulfilled", 0)
        if asked[entry["orderItemId"]] > left:
            problems.append((path + ".quantity", "%s.quantity %d is more than the %d unit(s) of "
                             "order item %s left to ship." % (path, entry["quantity"], max(left, 0),
                                                             entry["orderItemId"])))
    return problems


def same_package(package, detail):
    items = sorted((i["orderItemId"], i["quantity"]) for i in package.get("packageItems", []))
    asked = sorted((i["orderItemId"], i["quantity"]) for i in detail["orderItems"])
    return (package.get("trackingNumber") == detail["trackingNumber"] and items == asked)


# ------------------------------------------------------------------ HTTP


class Handler(vendor_http.Handler):
    server_version = "spapi-test/1"
    log_name = "spapi"
    max_body = MAX_BODY

    def body_too_large(self):
        return ApiError(413)

    def send(self, response, fault=None):
        if fault == "reset":
            if self.record is not None:
                with self.state.lock:
                    self.record["status"] = 0
            self.reset_connection()
            return
        status = response.status
        body = response.payload()
        if fault == "malformed":
            status = 200
            body = b'{"orders": [{"orderId": "026-0000000-0000000",, ]'
        elif fault == "truncated" and body:
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
        query = parse_query(url.query)
        operation, order_id = self.route(self.command, path)
        if operation != "control":
            self.record = self.new_record(path, query, operation)
            with self.state.lock:
                self.state.requests.append(self.record)
        try:
            raw = self.read_body()
        except (ApiError, ValueError) as error:
            self.close_connection = True
            error = error if isinstance(error, ApiError) else invalid("Bad request body framing.")
            self.send(self.api_error_response(error, operation))
            return
        try:
            if operation == "control":
                self.control(self.command, path, query, raw)
            else:
                self.api(operation, order_id, query, raw)
        except (ConnectionError, ssl.SSLError, TimeoutError):
            self.close_connection = True  # the client went away (e.g. timed out in a stall)
        except Exception:  # a bug here: answer 500 and say why on stderr
            traceback.print_exc()
            self.close_connection = True
            try:
                self.send(self.api_error_response(ApiError(500), operation))
            except OSError:
                pass

    def new_record(self, path, query, operation):
        now = self.state.now()
        headers = {}
        for name, value in self.headers.items():
            if name.lower() in ("x-amz-access-token", "authorization"):
                value = value[:4]
            headers[name.lower()] = value
        return {"method": self.command, "path": path, "query": record_query(query),
                "headers": headers, "operation": operation, "status": None,
                "time": iso_ms(now), "epoch": now, "fault": None, "sandbox": False}

    @staticmethod
    def route(method, path):
        if path.startswith("/_test/") or path == "/_test":
            return "control", None
        if path == "/auth/o2/token":
            return ("token" if method == "POST" else "unsupported"), None
        if path == SEARCH_PATH:
            return ("searchOrders" if method == "GET" else "unsupported"), None
        match = GET_ORDER_RE.match(path)
        if match:
            return ("getOrder" if method == "GET" else "unsupported"), \
                urllib.parse.unquote(match.group(1))
        match = CONFIRM_RE.match(path)
        if match:
            return ("confirmShipment" if method == "POST" else "unsupported"), \
                urllib.parse.unquote(match.group(1))
        return "unknown", None

    def api_error_response(self, error, operation):
        headers = {"x-amzn-RequestId": str(uuid.uuid4())}
        headers.update(error.headers)
        if operation == "token":
            return Response(error.status, {"error": "server_error",
                                           "error_description": error.errors[0]["message"]},
                            headers, "application/json;charset=UTF-8")
        return Response(error.status, {"errors": error.errors}, headers)

    # ---- the API

    def api(self, operation, order_id, query, raw):
        state = self.state
        if operation == "unknown":
            self.send(self.api_error_response(ApiError(404, "No resource at %s." % self.path),
                                              operation))
            return
        if operation == "unsupported":
            self.send(self.api_error_response(ApiError(
                405, "Method %s is not allowed here." % self.command, "MethodNotAllowed"),
                operation))
            return

        if operation in COUNTED:
            client = state.count_call(operation, self.headers.get("x-amz-access-token"))
            with state.lock:
                self.record["client"] = client
        fault = state.take_fault(operation, "paginationToken" in query)
        mangle = None
        if fault is not None:
            with state.lock:
                self.record["fault"] = fault["kind"]
            kind = fault["kind"]
            if kind == "status":
                self.send(self.fault_response(operation, fault))
                return
            if kind == "stall":
                time.sleep(fault["seconds"])
            elif kind == "expire_token":
                state.expire_tokens()
            elif kind == "expire_pagination":
                self.send(self.api_error_response(invalid(PAGINATION_EXPIRED), operation))
                return
            elif kind in ("malformed", "truncated", "reset"):
                mangle = kind

        if operation == "token":
            response = self.token(raw)
            self.send(response, mangle)
            return

        headers = {"x-amzn-RequestId": str(uuid.uuid4()),
                   "x-amzn-RateLimit-Limit": RATE_LIMITS[operation]}
        body = None
        try:
            problem = state.check_token(self.headers.get("x-amz-access-token"))
            if problem:
                raise ApiError(403, details=problem)
            if operation == "confirmShipment":
                body = self.parse_json_body(raw)
                with state.lock:
                    self.record["body"] = body
            replay = self.sandbox_replay(operation, order_id, query, body)
            if replay is not None:
                with state.lock:
                    self.record["sandbox"] = True
                status, payload = replay
                response = Response(status, None if status == 204 else payload, headers)
            elif operation == "searchOrders":
                response = Response(200, Search(state, query).run(), headers)
            elif operation == "getOrder":
                response = Response(200, self.get_order(order_id, query), headers)
            else:
                self.confirm_shipment(order_id, query, body)
                response = Response(204, None, headers)
        except ApiError as error:
            error.headers = {**headers, **error.headers}
            response = self.api_error_response(error, operation)
        self.send(response, mangle)

    def fault_response(self, operation, fault):
        status = fault["status"]
        headers = {"x-amzn-RequestId": str(uuid.uuid4())}
        if fault.get("retry_after") is not None:
            retry = fault["retry_after"]
            headers["Retry-After"] = str(int(retry) if float(retry).is_integer() else retry)
        if "body" in fault:
            return Response(status, fault["body"], headers)
        if operation == "token":
            error = {429: "slow_down", 503: "temporarily_unavailable"}.get(
                status, "server_error" if status >= 500 else "invalid_request")
            return Response(status, {"error": error,
                                     "error_description": "Injected fault (HTTP %d)." % status},
                            headers, "application/json;charset=UTF-8")
        code, message = STATUS_CODES.get(status, ("InternalFailure", "Error"))
        return Response(status, {"errors": [{"code": code, "message": message}]}, headers)

    @staticmethod
    def parse_json_body(raw):
        if not raw:
            raise invalid("The request body is missing; confirmShipment needs a "
                          "ConfirmShipmentRequest.")
        try:
            return json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            raise invalid("The request body is not valid JSON.", details=str(error)) from None

    def sandbox_replay(self, operation, order_id, query, body):
        for example in self.state.sandbox:
            if example["operationId"] != operation:
                continue
            params = example["request"]["parameters"]
            if operation == "confirmShipment":
                if params["orderId"]["value"] == order_id and params["body"]["value"] == body:
                    return example["status"], example["response"]
                continue
            given = dict(query)
            wanted = {k: v["value"] for k, v in params.items() if k != "orderId"}
            if operation == "getOrder" and params["orderId"]["value"] != order_id:
                continue
            if set(given) != set(wanted):
                continue
            if all(self._same_param(given[k], wanted[k]) for k in wanted):
                return example["status"], example["response"]
        return None

    @staticmethod
    def _same_param(given, wanted):
        if isinstance(wanted, list):
            values = []
            for raw in given:
                values.extend(raw.split(","))
            return sorted(set(values)) == sorted(set(wanted)) and len(values) == len(wanted)
        return given == [wanted]

    def get_order(self, order_id, query):
        reject_unknown(query, ("includedData",))
        datasets = included_data(query)
        if not ORDER_ID_RE.fullmatch(order_id):
            raise invalid("Invalid orderId '%s': it must be in 3-7-7 format." % order_id)
        with self.state.lock:
            order = self.state.orders.get(order_id)
            if order is None:
                raise ApiError(404, "Order %s was not found." % order_id)
            return {"order": project(order, datasets)}

    def confirm_shipment(self, order_id, query, body):
        state = self.state
        reject_unknown(query, ())
        if not ORDER_ID_RE.fullmatch(order_id):
            raise invalid("Invalid orderId '%s': it must be in 3-7-7 format." % order_id)
        with state.lock:
            order = state.orders.get(order_id)
            if order is None:
                raise ApiError(404, "Order %s was not found." % order_id)
            problems = validate_confirmation(body)
            if problems:
                raise ApiError(400, errors=[{"code": "InvalidInput", "message": message,
                                             "details": field} for field, message in problems])
            detail = body["packageDetail"]
            for package in order.get("packages", []):
                if package.get("packageReferenceId") == detail["packageReferenceId"]:
                    if same_package(package, detail):
                        # The same confirmation again (a retry): nothing new to record.
                        state.confirmations.append({
                            "orderId": order_id, "time": iso_ms(state.now()),
                            "packageReferenceId": detail["packageReferenceId"],
                            "duplicate": True, "body": body})
                        state.save()
                        return
                    raise ApiError(400, "packageDetail.packageReferenceId '%s' is already used "
                                   "by another package of order %s."
                                   % (detail["packageReferenceId"], order_id),
                                   "InvalidInput", "packageDetail.packageReferenceId")
            problems = check_against_order(body, order)
            if problems:
                raise ApiError(400, errors=[{"code": "InvalidInput", "message": message,
                                             "details": field} for field, message in problems])
            now = state.now()
            package = {"packageReferenceId": detail["packageReferenceId"],
                       "createdTime": iso(now),
                       "packageStatus": {"status": "SHIPPED"},
                       "carrier": detail.get("carrierName") or detail["carrierCode"],
                       "shipTime": iso(parse_iso8601(detail["shipDate"]))}
            if detail.get("shippingMethod"):
                package["shippingService"] = detail["shippingMethod"]
            package["trackingNumber"] = detail["trackingNumber"]
            package["packageItems"] = []
            items = {item["orderItemId"]: item for item in order["orderItems"]}
            for entry in detail["orderItems"]:
                package_item = {"orderItemId": entry["orderItemId"], "quantity": entry["quantity"]}
                if entry.get("transparencyCodes"):
                    package_item["transparencyCodes"] = list(entry["transparencyCodes"])
                package["packageItems"].append(package_item)
                fulfillment = items[entry["orderItemId"]].setdefault("fulfillment", {})
                done = fulfillment.get("quantityFulfilled", 0) + entry["quantity"]
                fulfillment["quantityFulfilled"] = done
                fulfillment["quantityUnfulfilled"] = max(
                    items[entry["orderItemId"]]["quantityOrdered"] - done, 0)
            order.setdefault("packages", []).append(package)
            refresh_status(order)
            state.touch(order)
            state.confirmations.append({"orderId": order_id, "time": iso_ms(now),
                                        "packageReferenceId": detail["packageReferenceId"],
                                        "duplicate": False, "body": body})
            state.save()

    # ---- Login with Amazon

    def token(self, raw):
        headers = {"x-amzn-RequestId": str(uuid.uuid4()), "Cache-Control": "no-store",
                   "Pragma": "no-cache"}
        try:
            ctype = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
            if ctype != "application/x-www-form-urlencoded":
                raise LwaError(400, "invalid_request",
                               "Content-Type must be application/x-www-form-urlencoded")
            try:
                form = urllib.parse.parse_qs(raw.decode("utf-8"), keep_blank_values=True,
                                             strict_parsing=bool(raw))
            except (UnicodeDecodeError, ValueError):
                raise LwaError(400, "invalid_request", "The request body is malformed") from None
            form = {k: v[0] for k, v in form.items()}
            redacted = {k: (v[:4] if k in ("refresh_token", "client_secret") else v)
                        for k, v in form.items()}
            with self.state.lock:
                self.record["form"] = redacted
            args = self.state.args
            for name in ("grant_type", "client_id", "client_secret"):
                if not form.get(name):
                    raise LwaError(400, "invalid_request",
                                   "The request is missing a required parameter : %s" % name)
            if form["grant_type"] != "refresh_token":
                raise LwaError(400, "unsupported_grant_type",
                               "The authorization grant type is not supported by the "
                               "authorization server")
            if not (hmac.compare_digest(form["client_id"], args.client_id)
                    and hmac.compare_digest(form["client_secret"], args.client_secret)):
                raise LwaError(401, "invalid_client", "Client authentication failed")
            if not form.get("refresh_token"):
                raise LwaError(400, "invalid_request",
                               "The request is missing a required parameter : refresh_token")
            if not hmac.compare_digest(form["refresh_token"], args.refresh_token):
                raise LwaError(400, "invalid_grant",
                               "The request has an invalid grant parameter : refresh_token")
        except LwaError as error:
            return Response(error.status, {"error_description": error.description,
                                           "error": error.error},
                            headers, "application/json;charset=UTF-8")
        token = self.state.issue_token(form["client_id"])
        return Response(200, {"access_token": token, "refresh_token": form["refresh_token"],
                              "token_type": "bearer",
                              "expires_in": int(self.state.args.token_lifetime)},
                        headers, "application/json;charset=UTF-8")

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
        parts = path.strip("/").split("/")[1:]  # after "_test"
        if parts == ["requests"]:
            if method == "GET":
                wanted = query.get("operation", [None])[0]
                with state.lock:
                    recorded = [dict(r) for r in state.requests
                                if wanted is None or r["operation"] == wanted]
                return 200, {"requests": recorded}
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
        elif parts == ["orders"]:
            if method == "GET":
                with state.lock:
                    rows = sorted(({"orderId": o["orderId"],
                                    "fulfillmentStatus": o["fulfillment"].get("fulfillmentStatus"),
                                    "lastUpdatedTime": o["lastUpdatedTime"]}
                                   for o in state.orders.values()),
                                  key=lambda r: (parse_iso8601(r["lastUpdatedTime"]), r["orderId"]))
                return 200, {"orders": rows}
            if method == "POST":
                return self.control_add_orders(body)
        elif parts == ["confirmations"] and method == "GET":
            with state.lock:
                return 200, {"confirmations": copy.deepcopy(state.confirmations)}
        elif parts == ["clients"]:
            if method == "GET":
                wanted = query.get("operation", [None])[0]
                if wanted is not None and wanted not in COUNTED:
                    raise ControlError(400, "operation must be one of " + ", ".join(COUNTED))
                return 200, state.client_counts(wanted)
            if method == "DELETE":
                state.reset_client_counts()
                return 204, None
        elif parts == ["tokens"] and method == "GET":
            with state.lock:
                now = state.now()
                valid = sum(1 for e in state.tokens.values() if e > now)
                return 200, {"valid": valid, "expired": len(state.tokens) - valid}
        elif parts == ["clock"]:
            if method == "POST":
                if not isinstance(body, dict):
                    raise ControlError(400, "send {\"offset_seconds\": S} or "
                                       "{\"advance_seconds\": S}")
                with state.lock:
                    if "advance_seconds" in body:
                        offset = state.clock_offset + self._number(body, "advance_seconds")
                    else:
                        offset = self._number(body, "offset_seconds")
                    if offset < state.clock_offset:
                        raise ControlError(400, "the clock only moves forward (offset now %s)"
                                           % state.clock_offset)
                    state.clock_offset = float(offset)
                    state.save()
            if method in ("GET", "POST"):
                with state.lock:
                    return 200, {"now": iso_ms(state.now()), "offset_seconds": state.clock_offset}
        elif len(parts) >= 2 and parts[0] == "orders":
            order_id = urllib.parse.unquote(parts[1])
            with state.lock:
                order = state.orders.get(order_id)
                if order is None:
                    raise ControlError(404, "no order %s" % order_id)
                if len(parts) == 2 and method == "GET":
                    return 200, {"order": copy.deepcopy(order),
                                 "confirmations": [copy.deepcopy(c) for c in state.confirmations
                                                   if c["orderId"] == order_id]}
                if len(parts) == 3 and method == "POST":
                    action = {"cancel": self.control_cancel,
                              "cancel-request": self.control_cancel_request,
                              "deliver": self.control_deliver}.get(parts[2])
                    if action is not None:
                        action(order, body if isinstance(body, dict) else {})
                        state.touch(order)
                        state.save()
                        return 200, {"order": copy.deepcopy(order)}
        raise ControlError(404, "no control endpoint %s %s" % (method, path))

    @staticmethod
    def _number(body, key):
        value = body.get(key)
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise ControlError(400, "%s must be a number" % key)
        return value

    def control_add_orders(self, body):
        state = self.state
        if not isinstance(body, dict):
            raise ControlError(400, "send {\"generate\": N} or {\"add\": [orders]}")
        with state.lock:
            if "generate" in body:
                count = body["generate"]
                if not _is_int(count) or not 0 <= count <= 100000:
                    raise ControlError(400, "generate must be an integer 0..100000")
                scenario = body.get("scenario")
                if scenario is not None and scenario not in uk_orders.SCENARIOS:
                    raise ControlError(400, "unknown scenario %r; known: %s"
                                       % (scenario, ", ".join(sorted(uk_orders.SCENARIOS))))
                ids = state.generate(count, scenario)
            elif "add" in body:
                if not isinstance(body["add"], list):
                    raise ControlError(400, "add must be a list of orders")
                now = state.now()
                orders = [complete_added_order(o, now, state.args.settle_seconds)
                          for o in body["add"]]
                ids = [o["orderId"] for o in orders]
                if len(set(ids)) != len(ids):
                    raise ControlError(400, "the same orderId twice")
                for order in orders:
                    state.orders[order["orderId"]] = order
                    state.factory.reserve(order)
            else:
                raise ControlError(400, "send {\"generate\": N} or {\"add\": [orders]}")
            state.save()
            return 201, {"orderIds": ids}

    @staticmethod
    def control_cancel(order, body):
        status = order["fulfillment"].get("fulfillmentStatus")
        if status in ("SHIPPED", "PARTIALLY_SHIPPED", "CANCELLED"):
            raise ControlError(409, "order %s is %s" % (order["orderId"], status))
        reason = body.get("reason", "Order Created by Mistake")
        order["fulfillment"]["fulfillmentStatus"] = "CANCELLED"
        for item in order["orderItems"]:
            item["cancellation"] = {
                "cancellationRequest": {"requester": "BUYER", "cancelReason": reason},
                "cancellationExecution": {"cancelledBy": "BUYER", "cancelReason": reason}}
            item.setdefault("fulfillment", {})["quantityUnfulfilled"] = 0

    @staticmethod
    def control_cancel_request(order, body):
        status = order["fulfillment"].get("fulfillmentStatus")
        if status in ("SHIPPED", "CANCELLED"):
            raise ControlError(409, "order %s is %s" % (order["orderId"], status))
        reason = body.get("reason", "Order Created by Mistake")
        wanted = body.get("orderItemIds")
        known = {item["orderItemId"] for item in order["orderItems"]}
        if wanted is not None and (not isinstance(wanted, list) or not set(wanted) <= known):
            raise ControlError(400, "orderItemIds must list items of the order")
        for item in order["orderItems"]:
            if wanted is None or item["orderItemId"] in wanted:
                item.setdefault("cancellation", {})["cancellationRequest"] = {
                    "requester": "BUYER", "cancelReason": reason}

    @staticmethod
    def control_deliver(order, body):
        packages = order.get("packages") or []
        wanted = body.get("packageReferenceId")
        chosen = [p for p in packages if wanted is None or p["packageReferenceId"] == wanted]
        if not chosen:
            raise ControlError(409, "order %s has no %s to deliver" % (
                order["orderId"], "package %s" % wanted if wanted else "package"))
        for package in chosen:
            package["packageStatus"] = {"status": "DELIVERED", "detailedStatus": "DELIVERED"}


def parse_args(argv):
    parser = argparse.ArgumentParser(description="Local Amazon SP-API server for tests.")
    parser.add_argument("--cert", required=True, help="server certificate (PEM)")
    parser.add_argument("--key", required=True, help="server private key (PEM)")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any)")
    parser.add_argument("--orders", type=int, default=0, help="orders to generate at start")
    parser.add_argument("--seed", default="0", help="seed of the generated orders")
    parser.add_argument("--page-size", type=int, default=100,
                        help="default maxResultsPerPage (1-100)")
    parser.add_argument("--state", help="JSON file keeping orders and confirmations")
    parser.add_argument("--settle-seconds", type=int, default=120,
                        help="how long before now a search's upper bound must be")
    parser.add_argument("--token-lifetime", type=int, default=3600,
                        help="access token lifetime in seconds")
    parser.add_argument("--client-id", default="amzn1.application-oa2-client.test")
    parser.add_argument("--client-secret", default="test-secret")
    parser.add_argument("--refresh-token", default="Atzr|test-refresh-token")
    parser.add_argument("--verbose", action="store_true", help="log requests to stderr")
    args = parser.parse_args(argv)
    if not 1 <= args.page_size <= 100:
        parser.error("--page-size must be 1..100")
    return args


def main(argv=None):
    args = parse_args(argv)
    state = State(args)
    return vendor_http.serve(Handler, state)


if __name__ == "__main__":
    sys.exit(main())
