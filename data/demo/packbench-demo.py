#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Packbench demo: the whole bench on one machine, in a minute.

`packbench --demo` runs this. It starts, all on 127.0.0.1 and all in a
throwaway folder:

  - the local Amazon Selling Partner API (spapi_server.py) with a dozen
    made-up Amazon.co.uk orders, over TLS with a demo certificate authority
    made for this run;
  - the local Royal Mail Click & Drop API (clickdrop_server.py), which
    answers each order with a real 4x6 in label PDF;
  - a private CUPS server with one label queue whose "printer" is a sink
    writing each job into a folder as a PDF that any viewer opens
    (default: "Packbench Demo labels" in the Documents folder);
  - a new store with a demo administrator and a demo packer, pointed at all
    of the above, with a catalogue whose products carry barcodes.

Then it prints the sign-in details and what to try, runs Packbench on that
store, and when Packbench closes stops everything and deletes the folder
(the store, its keys and the certificates). Only the label files stay.

The administrator needs a second factor. The demo prints the secret for an
authenticator app, and prints a six-digit code that works now whenever a
new one starts, computed here from that secret: nothing in Packbench is
switched off for the demo, and it runs on the real clock with no test hook.
See docs/DECISIONS.md ("Demo mode").

    packbench-demo.py [--packbench PATH] [--packbenchctl PATH]
                      [--labels-dir DIR] [--orders N] [--check]

--check sets everything up, ships one order with packbenchctl as the demo
packer, checks that its label arrived in the labels folder as a PDF and
that the local Amazon API received the tracking number, tears down and
exits 0 (1 on any failure). No window is opened. Used by the tests.
"""

import argparse
import base64
import csv
import ctypes
import hashlib
import hmac
import json
import os
import shutil
import signal
import ssl
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
# Installed, the servers sit beside this file; in the source tree they are
# the test servers.
if os.path.exists(os.path.join(HERE, "spapi_server.py")):
    SERVERS = HERE
else:
    SERVERS = os.path.normpath(os.path.join(HERE, "..", "..", "tests", "servers"))
sys.path.insert(0, SERVERS)
import cupsd  # noqa: E402
import pbcerts  # noqa: E402
import printer_sink  # noqa: E402
import uk_orders  # noqa: E402

PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable

SETUP_USER = "demo-setup"
ADMIN_USER = "admin"
PACKER_USER = "packer"
# Known on purpose: this store is thrown away when the demo ends.
SETUP_PASSWORD = "Script-Only-Pass-7!"
ADMIN_PASSWORD = "Green-Parcel-42!"
PACKER_PASSWORD = "Blue-Parcel-42!"
TEMPORARY_PASSWORD = "Temporary-Pass-1!"

CLIENT_ID = "amzn1.application-oa2-client.packbench-demo"
CLIENT_SECRET = "amzn1.oa2-cs.v1.packbench-demo-secret"
REFRESH_TOKEN = "Atzr|IwEBpackbench-demo-refresh-token"
CLICKDROP_KEY = "packbench-demo-clickdrop-key"

QUEUE = "Packbench-Demo-Labels"
TOTP_STEP = 30

# Weight in grams and Click & Drop package format of each product the local
# Amazon sells (uk_orders.CATALOGUE); anything missing gets 400 g.
PRODUCTS = {
    "PB-MUG-DRAIG-350": (420, "smallParcel"),
    "TT-THISTLE-5070": (90, "largeLetter"),
    "USBC-BRD-2M-BLK-2PK": (120, "largeLetter"),
    "CASE-IP15-CLR": (60, "largeLetter"),
    "LED-E27-8W5-6PK": (380, "smallParcel"),
    "NB-A5-DOT-SAGE": (330, "largeLetter"),
    "YARN-MERINO-DK-NAVY": (60, "largeLetter"),
    "CANDLE-SOY-LAV-200": (310, "smallParcel"),
    "BIKE-LIGHT-400LM": (260, "smallParcel"),
    "DOG-LEAD-REF-150": (180, "smallParcel"),
    "GLOVES-THORN-M": (150, "largeLetter"),
    "DESCALER-4PK": (110, "largeLetter"),
    "HDMI21-3M": (210, "smallParcel"),
    "GAME-CYMRU-400": (450, "smallParcel"),
    "WHISKY-STONES-9": (780, "smallParcel"),
    "JIGSAW-1000-STORR": (690, "smallParcel"),
    "MSD-128GB-A2": (20, "letter"),
    "COFFEE-YIRGA-1KG": (1050, "smallParcel"),
    "HP-ANC-OVEREAR-BLK": (620, "smallParcel"),
    "PLUG-SMART-13A-4PK": (540, "smallParcel"),
    "MIXER-5L-1200W-SS": (6800, "parcel"),
    "SCARF-TARTAN-MACLEOD": (160, "largeLetter"),
    "BUTTONS-WOOD-100": (80, "largeLetter"),
    "SOCKS-WOOL-7-11-3PK": (240, "largeLetter"),
    "PEN-FOUNTAIN-F-BUR": (70, "largeLetter"),
    "RAMEKIN-150-4PK": (900, "smallParcel"),
    "BATT-AA-ALK-24": (560, "smallParcel"),
    "TARP-3X4-GRN": (1400, "mediumParcel"),
}


class DemoError(Exception):
    pass


def say(text=""):
    print(text, flush=True)


def ean13(index):
    """A made-up EAN-13 (prefix 50, the UK's GS1 range) with a valid check digit."""
    digits = "50%010d" % (9100000000 + index)
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits))
    return digits + str((10 - total % 10) % 10)


def totp(secret, at):
    """RFC 6238 code for a base32 secret at a Unix time (SHA-1, 30 s, 6 digits)."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(at) // TOTP_STEP), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return "%06d" % (value % 1000000)


def secret_from_uri(uri):
    return urllib.parse.parse_qs(urllib.parse.urlparse(uri).query)["secret"][0]


class Codes:
    """Second-factor codes on the real clock, as Packbench checks them: a
    code is accepted in its own 30-second step and one step either side,
    and once only (each login needs a later step than the last). A login
    takes the first free step that stays valid for at least one whole step
    more, the current one or, with @ahead 1, the next; when those are used
    it waits for the clock."""

    def __init__(self):
        self.last = {}

    def _step(self, user):
        return max(self.last.get(user, -1) + 1, int(time.time()) // TOTP_STEP)

    def free_at(self, user, ahead):
        """When @user's next code can be used (a Unix time, maybe past)."""
        return (self._step(user) - ahead) * TOTP_STEP

    def take(self, user, secret, ahead):
        while True:
            step = self._step(user)
            if step <= int(time.time()) // TOTP_STEP + ahead:
                break
            time.sleep(min(1.0, max(0.05, self.free_at(user, ahead) - time.time())))
        self.last[user] = step
        return totp(secret, step * TOTP_STEP)

    def shown_step(self, user):
        """The step whose code a person can use now."""
        return self._step(user)


def die_with_parent():
    """Runs in a server's child process: it gets SIGTERM if the demo dies."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def default_labels_dir():
    documents = None
    try:
        result = subprocess.run(["xdg-user-dir", "DOCUMENTS"], capture_output=True, text=True,
                                timeout=5)
        documents = result.stdout.strip() if result.returncode == 0 else None
    except (OSError, subprocess.SubprocessError):
        pass
    if not documents or not os.path.isdir(documents):
        documents = os.path.expanduser("~")
    return os.path.join(documents, "Packbench Demo labels")


class Server:
    """One of the local HTTPS APIs, in its own process."""

    def __init__(self, script, args, certs):
        self.process = subprocess.Popen(
            [PYTHON, os.path.join(SERVERS, script), "--cert", certs["cert"], "--key",
             certs["key"], *args],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            text=True, preexec_fn=die_with_parent)
        line = self.process.stdout.readline()
        if not line.startswith("PORT "):
            self.stop()
            raise DemoError("%s did not start" % script)
        self.url = "https://127.0.0.1:%d" % int(line.split()[1])
        self.context = ssl.create_default_context(cafile=certs["ca"])

    def control(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, context=self.context, timeout=30) as response:
            text = response.read()
            return json.loads(text) if text else None

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()


class Demo:
    def __init__(self, args):
        self.args = args
        self.folder = None
        self.store = None
        self.servers = []
        self.cups = None
        self.sink = None
        self.env = None
        self.secrets = {}
        self.codes = Codes()
        self.labels = []
        self.labels_lock = threading.Lock()

    # ------------------------------------------------------------ set up

    def start(self):
        self.folder = tempfile.mkdtemp(prefix="packbench-demo-")
        self.store = os.path.join(self.folder, "store")
        say("Demo folder: %s" % self.folder)
        certs = pbcerts.make_ca_and_server(os.path.join(self.folder, "certs"),
                                           name="Packbench Demo")
        self.certs = certs
        self.amazon = Server("spapi_server.py",
                             ["--orders", str(self.args.orders), "--seed", "6",
                              "--client-id", CLIENT_ID, "--client-secret", CLIENT_SECRET,
                              "--refresh-token", REFRESH_TOKEN], certs)
        self.servers.append(self.amazon)
        self.royalmail = Server("clickdrop_server.py", ["--api-key", CLICKDROP_KEY], certs)
        self.servers.append(self.royalmail)

        os.makedirs(self.args.labels_dir, exist_ok=True)
        self.sink = printer_sink.PrinterSink(directory=self.args.labels_dir,
                                             name="label-{stamp}-{n}.pdf",
                                             on_job=self.on_label).start()
        reason = cupsd.available(unprivileged=True)
        if reason:
            raise DemoError("The demo's print server cannot start: " + reason)
        self.cups = cupsd.CupsServer(unprivileged=True)
        self.cups.start()
        say("Print server folder: %s" % self.cups.root)
        self.cups.add_raw_queue(QUEUE, "socket://127.0.0.1:%d" % self.sink.port,
                                "Packbench demo labels (files)")
        self.env = dict(os.environ)
        self.env["CUPS_SERVER"] = self.cups.server
        self.env["PACKBENCH_DEMO_RUNNING"] = "1"
        # Test hooks, read only by a test build: the demo runs on the real clock.
        for name in ("PACKBENCH_NOW", "PACKBENCH_FAULT", "PACKBENCH_DEMO_LAUNCHER"):
            self.env.pop(name, None)
        self.make_store()

    def on_label(self, number, data, path):
        with self.labels_lock:
            self.labels.append(path)
        if not self.args.check:
            say("Label printed: %s" % path)

    def ctl(self, *args, lines=()):
        result = subprocess.run([self.args.packbenchctl, "--store", self.store, *args],
                                input="".join(line + "\n" for line in lines),
                                capture_output=True, text=True, timeout=120, env=self.env)
        if result.returncode != 0:
            raise DemoError("packbenchctl %s failed (exit %d): %s" % (
                args[0], result.returncode, result.stderr.strip()))
        return result.stdout

    def as_admin(self, user, *args, lines=()):
        """One administrator command, as the set-up account (which may use
        the next code) or as the demo administrator (only the current one:
        the code the demo shows later must still be free)."""
        password = SETUP_PASSWORD if user == SETUP_USER else ADMIN_PASSWORD
        code = self.codes.take(user, self.secrets[user], ahead=1 if user == SETUP_USER else 0)
        return self.ctl(*args, "--user", user, lines=[password, code, *lines])

    def as_any_admin(self, *args, lines=()):
        """The same, as whichever of the two has a code free first."""
        user = min((SETUP_USER, ADMIN_USER), key=lambda name: self.codes.free_at(
            name, ahead=1 if name == SETUP_USER else 0))
        return self.as_admin(user, *args, lines=lines)

    def added(self, name, out):
        for line in out.splitlines():
            if line.startswith("TOTP: "):
                self.secrets[name] = secret_from_uri(line[len("TOTP: "):])

    def make_store(self):
        """The store as a shop would set it up. Every administrator login
        needs a second-factor code that was never used, on the real clock
        (docs/DECISIONS.md, "Demo mode"): the set-up account adds the demo
        administrator, whose own first sign-in (replacing the temporary
        password) adds the packer, and the settings go in as whichever of
        the two has a code free first, so setting up waits for at most one
        new 30-second step."""
        out = self.ctl("init", "--admin", SETUP_USER, "--full-name", "Demo set-up script",
                       lines=[SETUP_PASSWORD])
        self.added(SETUP_USER, out)
        if SETUP_USER not in self.secrets:
            raise DemoError("packbenchctl init printed no second factor")

        out = self.as_admin(SETUP_USER, "user", "add", ADMIN_USER, "--role", "admin",
                            "--full-name", "Demo Administrator", lines=[TEMPORARY_PASSWORD])
        self.added(ADMIN_USER, out)
        if ADMIN_USER not in self.secrets:
            raise DemoError("packbenchctl user add printed no second factor")
        code = self.codes.take(ADMIN_USER, self.secrets[ADMIN_USER], ahead=0)
        self.ctl("user", "add", PACKER_USER, "--role", "packer", "--full-name", "Demo Packer",
                 "--user", ADMIN_USER,
                 lines=[TEMPORARY_PASSWORD, code, ADMIN_PASSWORD, TEMPORARY_PASSWORD])
        self.ctl("whoami", "--user", PACKER_USER, lines=[TEMPORARY_PASSWORD, PACKER_PASSWORD])

        pairs = [
            ("amazon.endpoint", self.amazon.url),
            ("amazon.lwa_endpoint", self.amazon.url + "/auth/o2/token"),
            ("amazon.client_id", CLIENT_ID),
            ("amazon.client_secret", "-"),
            ("amazon.refresh_token", "-"),
            ("royalmail.endpoint", self.royalmail.url + "/api/v1"),
            ("royalmail.api_key", "-"),
            ("royalmail.default_service", "TPS48"),
            ("tls.ca_file", self.certs["ca"]),
            ("print.printer", QUEUE),
            ("print.mode", "pdf"),
            ("print.timeout_seconds", "20"),
            ("sync.interval_minutes", "1"),
            ("net.retry_base_ms", "200"),
            ("net.retry_max_ms", "2000"),
            ("net.max_retries", "3"),
        ]
        args = [item for pair in pairs for item in pair]
        self.as_any_admin("config", "set", *args,
                          lines=[CLIENT_SECRET, REFRESH_TOKEN, CLICKDROP_KEY])

        catalogue = os.path.join(self.folder, "catalogue.csv")
        with open(catalogue, "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["sku", "barcodes", "asin", "title", "weight_g", "package_format",
                             "customs_description", "hs_code", "origin_country"])
            for index, (sku, title, _price) in enumerate(uk_orders.CATALOGUE):
                weight, package = PRODUCTS.get(sku, (400, "smallParcel"))
                short = title.split(",")[0].split(" – ")[0][:50]
                writer.writerow([sku, ean13(index), uk_orders.asin_for(sku), title, weight,
                                 package, short, "9503000000", "GB"])
        self.as_any_admin("catalogue", "import", catalogue)
        self.as_any_admin("rules", "add", "--level", "next_day", "--format", "smallParcel",
                          "--service", "TPN24")

    # ------------------------------------------------------------ what to try

    def unshipped(self):
        """Unshipped orders to Great Britain, with their SKUs: no names or addresses."""
        found = []
        for summary in self.amazon.control("GET", "/_test/orders")["orders"]:
            if summary["fulfillmentStatus"] != "UNSHIPPED":
                continue
            order = self.amazon.control("GET", "/_test/orders/" + summary["orderId"])["order"]
            country = order["recipient"]["deliveryAddress"].get("countryCode")
            if country != "GB" or order.get("packages"):
                continue
            items = [(item["product"]["sellerSku"], item["quantityOrdered"])
                     for item in order["orderItems"]]
            found.append((summary["orderId"], items))
        # Single-item orders first: with "print on final scan" one scan ships them.
        found.sort(key=lambda order: (sum(quantity for _sku, quantity in order[1]), order[0]))
        return found

    def barcode(self, sku):
        for index, (known, _title, _price) in enumerate(uk_orders.CATALOGUE):
            if known == sku:
                return ean13(index)
        return ""

    def print_welcome(self, orders):
        say()
        say("Packbench demo is ready. Everything runs on this machine; nothing is sent "
            "to Amazon or Royal Mail.")
        say()
        say("Sign in as the packer:         %-8s  password %s" % (PACKER_USER, PACKER_PASSWORD))
        say("Sign in as the administrator:  %-8s  password %s" % (ADMIN_USER, ADMIN_PASSWORD))
        say("  The administrator also needs a six-digit code: it is printed below every 30 s.")
        say("  Or add this secret to an authenticator app: %s" % self.secrets[ADMIN_USER])
        say()
        say("Orders waiting (type an order number, a SKU or a barcode into the scan field):")
        for order_id, items in orders[:6]:
            described = ", ".join("%s x%d (barcode %s)" % (sku, quantity, self.barcode(sku))
                                  for sku, quantity in items)
            say("  %s  %s" % (order_id, described))
        say()
        say("Labels arrive as PDF files in: %s" % self.args.labels_dir)
        say("Close the Packbench window to end the demo; the demo store is then deleted.")
        say()

    # ------------------------------------------------------------ run

    def run_gui(self):
        gui = subprocess.Popen([self.args.packbench, "--store", self.store], env=self.env)
        last_step = None
        try:
            while gui.poll() is None:
                # The current step's code, or the next one's while the
                # current one was used in setting up (both are accepted).
                step = self.codes.shown_step(ADMIN_USER)
                if step != last_step:
                    last_step = step
                    left = (step + 1) * TOTP_STEP - int(time.time())
                    say("Administrator code now: %s (for %d s)" % (
                        totp(self.secrets[ADMIN_USER], step * TOTP_STEP), left))
                time.sleep(0.5)
        finally:
            if gui.poll() is None:
                gui.terminate()
                try:
                    gui.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    gui.kill()
                    gui.wait()
        return gui.returncode

    def check(self, orders):
        """Ships one order as the packer, the way a test would."""
        if not orders:
            raise DemoError("the local Amazon has no unshipped order to Great Britain")
        order_id = orders[0][0]
        self.ctl("sync", "--user", PACKER_USER, lines=[PACKER_PASSWORD])
        self.ctl("ship", order_id, "--user", PACKER_USER, lines=[PACKER_PASSWORD])
        try:
            self.sink.wait_for_jobs(1, timeout=60)
        except TimeoutError:
            raise DemoError("the label did not reach the demo printer within 60 s")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with self.labels_lock:
                if self.labels:
                    break
            time.sleep(0.1)
        with self.labels_lock:
            label = self.labels[0] if self.labels else None
        if label is None:
            raise DemoError("no label file arrived in %s" % self.args.labels_dir)
        with open(label, "rb") as handle:
            data = handle.read()
        if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-1024:]:
            raise DemoError("the label file %s is not a PDF" % label)
        confirmations = self.amazon.control("GET", "/_test/confirmations")["confirmations"]
        if not any(c.get("orderId") == order_id for c in confirmations):
            raise DemoError("the local Amazon has no shipment confirmation for %s" % order_id)
        say("Shipped: %s" % order_id)
        say("Label file: %s" % label)
        say("Demo check passed.")

    def stop(self):
        if self.sink is not None:
            self.sink.stop()
            self.sink = None
        if self.cups is not None:
            self.cups.stop()
            self.cups = None
        for server in self.servers:
            server.stop()
        self.servers = []
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packbench", default=shutil.which("packbench"),
                        help="the Packbench program to run")
    parser.add_argument("--packbenchctl", default=shutil.which("packbenchctl"),
                        help="the packbenchctl program that sets up the store")
    parser.add_argument("--labels-dir", default=None,
                        help="where labels are written (default: Documents/Packbench Demo labels)")
    parser.add_argument("--orders", type=int, default=12, help="how many orders Amazon has")
    parser.add_argument("--check", action="store_true",
                        help="set up, ship one order, check its label, tear down; no window")
    args = parser.parse_args()
    if args.labels_dir is None:
        args.labels_dir = default_labels_dir()
    if not args.packbenchctl or not os.access(args.packbenchctl, os.X_OK):
        print("packbench-demo: packbenchctl was not found; pass --packbenchctl PATH",
              file=sys.stderr)
        return 2
    if not args.check and (not args.packbench or not os.access(args.packbench, os.X_OK)):
        print("packbench-demo: packbench was not found; pass --packbench PATH", file=sys.stderr)
        return 2
    if args.orders < 1:
        parser.error("--orders must be at least 1")

    # Tear down on SIGTERM and SIGHUP (a closed terminal) as on Ctrl+C.
    def stop_on_signal(number, frame):
        raise SystemExit(128 + number)

    signal.signal(signal.SIGTERM, stop_on_signal)
    signal.signal(signal.SIGHUP, stop_on_signal)

    demo = Demo(args)
    try:
        say("Starting the Packbench demo…")
        demo.start()
        orders = demo.unshipped()
        if args.check:
            demo.check(orders)
            return 0
        demo.print_welcome(orders)
        demo.run_gui()
        return 0
    except (DemoError, RuntimeError, OSError, subprocess.SubprocessError) as error:
        # RuntimeError: cupsd.py could not start the print server; OSError
        # includes a local server that stopped answering.
        print("packbench-demo: %s" % error, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    finally:
        demo.stop()
        say("Demo ended: servers stopped, demo store deleted.")


if __name__ == "__main__":
    sys.exit(main())
