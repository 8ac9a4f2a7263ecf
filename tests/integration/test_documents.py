# SPDX-License-Identifier: GPL-3.0-or-later
"""packbenchctl despatch-note and pick-list (issue 16): printed on the
document printer (a private cupsd queue into a TCP sink) or written to a
file; the barcodes on the pages are decoded with zbarimg and their text read
with pdftotext, as a person at the bench would read and scan them."""

import json
import os
import shutil
import stat
import subprocess
import tempfile
import unittest

from pbtest import Bench
from shipping import Shipping
import cupsd
import printer_sink

PRINTABLE = cupsd.available() is None
TOOLS = all(shutil.which(t) for t in ("pdftotext", "pdftoppm", "zbarimg"))
SELLER = "Teacup Traders Ltd"


def read_pdf(data):
    """(text, barcodes) of a PDF given as bytes."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "doc.pdf")
        with open(path, "wb") as handle:
            handle.write(data)
        text = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", path, "-"],
                              capture_output=True, text=True, check=True).stdout
        subprocess.run(["pdftoppm", "-r", "200", "-png", path, os.path.join(folder, "p")],
                       check=True)
        codes = []
        for name in sorted(os.listdir(folder)):
            if name.endswith(".png"):
                result = subprocess.run(["zbarimg", "-q", "--raw", os.path.join(folder, name)],
                                        capture_output=True, text=True)
                codes += [line for line in result.stdout.splitlines() if line]
        return text, codes


@unittest.skipUnless(PRINTABLE and TOOLS, "needs cupsd, root, poppler-utils and zbar-tools")
class DocumentsTestCase(unittest.TestCase):
    def setUp(self):
        self.bench = Bench(self)
        self.bench.init()
        self.shipping = Shipping(self, self.bench)
        self.documents = printer_sink.PrinterSink().start()
        self.addCleanup(self.documents.stop)
        self.shipping.cups.add_raw_queue("documents",
                                         "socket://127.0.0.1:%d" % self.documents.port)
        self.bench.ok(self.bench.as_user("admin", "config", "set",
                                         "print.document_printer", "documents",
                                         "despatch.seller_name", SELLER))
        self.bench.ok(self.shipping.run("sync"))
        self.bench.add_user("pat", "packer")
        self.bench.add_user("sue", "supervisor")

    def audit(self, action):
        rows = json.loads(self.bench.ok(self.bench.as_user(
            "admin", "audit", "list", "--json", "--action", action)).stdout)
        return rows

    def pick_order(self):
        order = self.shipping.unshipped()[0]
        address = order["recipient"]["deliveryAddress"]
        return order, address


class DespatchNote(DocumentsTestCase):
    def check_note(self, data, order, address):
        text, codes = read_pdf(data)
        order_id = order["orderId"]
        self.assertIn("Despatch note", text)
        self.assertIn(SELLER, text)
        self.assertIn(order_id, text)
        self.assertIn(address["name"], text)
        self.assertIn(address["addressLine1"], text)
        self.assertIn(address["postalCode"], text)
        for item in order["orderItems"]:
            self.assertRegex(text, r"%d\s+%s" % (item["quantityOrdered"],
                                                 item["product"]["sellerSku"]))
        # The barcode is the order number as the bench's scan reads it.
        self.assertEqual(codes, [order_id.replace("-", "")])

    def test_printed_on_the_document_printer(self):
        order, address = self.pick_order()
        result = self.bench.ok(self.shipping.run("despatch-note", order["orderId"], user="pat"))
        self.assertIn("has printed", result.stderr)
        job = self.documents.wait_for_jobs(1)[0]
        self.assertTrue(job.startswith(b"%PDF-"), job[:20])
        self.check_note(job, order, address)
        # Nothing went to the label printer, nothing was kept.
        self.assertEqual(self.shipping.sink.jobs, [])
        self.assertEqual([f for f in os.listdir(self.bench.dir) if f.endswith(".pdf")], [])
        viewed = [r for r in self.audit("order.recipient_viewed")
                  if r["subject"] == order["orderId"]]
        self.assertEqual([(r["operator"], r["detail"]) for r in viewed],
                         [("pat", "despatch note (print)")])
        actions = [r["action"] for r in self.audit("despatch_note.")]
        self.assertEqual(actions.count("despatch_note.print_requested"), 1)
        self.assertEqual(actions.count("despatch_note.printed"), 1)

    def test_output_is_the_operators_file(self):
        order, address = self.pick_order()
        path = os.path.join(self.bench.root, "note.pdf")
        # A packer may print one but not write the address to a file.
        result = self.shipping.run("despatch-note", order["orderId"], "--output", path,
                                   user="pat")
        self.assertEqual(result.returncode, 4, result.stderr)
        self.assertIn("Not permitted", result.stderr)
        self.assertFalse(os.path.exists(path))
        result = self.bench.ok(self.shipping.run("despatch-note", order["orderId"], "--output",
                                                 path, user="sue"))
        self.assertIn("your responsibility", result.stderr)
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        with open(path, "rb") as handle:
            self.check_note(handle.read(), order, address)
        self.assertEqual(self.documents.jobs, [])
        saved = self.audit("despatch_note.saved")
        self.assertEqual(len(saved), 1)
        self.assertEqual(saved[0]["operator"], "sue")
        self.assertIn("responsibility", saved[0]["detail"])


class WithLabel(DocumentsTestCase):
    def test_note_follows_the_label_when_asked(self):
        first, second = self.shipping.unshipped()[:2]
        # Off by default: a label alone.
        self.bench.ok(self.shipping.run("ship", first["orderId"], "--weight", "300", user="pat"))
        self.shipping.sink.wait_for_jobs(1)
        self.assertEqual(self.documents.jobs, [])
        self.bench.ok(self.bench.as_user("admin", "config", "set",
                                         "print.despatch_note_with_label", "true",
                                         "print.despatch_note_paper", "4x6"))
        self.bench.ok(self.shipping.run("ship", second["orderId"], "--weight", "300", user="pat"))
        self.assertTrue(self.shipping.sink.wait_for_jobs(2)[1].startswith(b"^XA"))
        job = self.documents.wait_for_jobs(1)[0]
        text, codes = read_pdf(job)
        self.assertEqual(codes, [second["orderId"].replace("-", "")])
        self.assertIn(second["recipient"]["deliveryAddress"]["name"], text)
        printed = [r["subject"] for r in self.audit("despatch_note.printed")]
        self.assertEqual(printed, [second["orderId"]])
        # The document printer gone: the parcel still ships, and says why
        # no note came.
        self.bench.ok(self.bench.as_user("admin", "config", "set",
                                         "print.document_printer", "no-such-queue"))
        third = self.shipping.unshipped(skip=(first["orderId"], second["orderId"]))[0]
        result = self.bench.ok(self.shipping.run("ship", third["orderId"], "--weight", "300",
                                                 user="pat"))
        self.assertIn("Tracking: ", result.stdout)
        self.assertIn("The despatch note was not printed", result.stderr)


class PickList(DocumentsTestCase):
    def test_printed_and_saved_without_personal_data(self):
        self.bench.ok(self.shipping.run("pick-list", user="pat"))
        job = self.documents.wait_for_jobs(1)[0]
        path = os.path.join(self.bench.root, "pick.pdf")
        self.bench.ok(self.shipping.run("pick-list", "--due", "all", "--output", path,
                                        user="pat"))
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        with open(path, "rb") as handle:
            saved = handle.read()
        for data in (job, saved):
            text, codes = read_pdf(data)
            self.assertIn("Pick list", text)
            orders = [o for o in self.shipping.api.orders()
                      if o["fulfillmentStatus"] == "UNSHIPPED"]
            listed = json.loads(self.bench.ok(self.bench.as_user(
                "admin", "orders", "list", "--state", "unshipped", "--json")).stdout)
            ids = {o["id"] for o in listed if not o.get("cancel_requested")}
            self.assertEqual(set(codes), {i.replace("-", "") for i in ids})
            self.assertIn("Total: ", text)
            # No name, street or postcode of any buyer.
            for summary in orders:
                full = self.shipping.api.control("GET", "/_test/orders/" + summary["orderId"])
                address = full["order"]["recipient"]["deliveryAddress"]
                for key in ("name", "addressLine1", "postalCode"):
                    if address.get(key):
                        self.assertNotIn(address[key], text)
        self.assertEqual(self.audit("order.recipient_viewed"), [])
        # Due today: some of those orders, each still one barcode.
        today = os.path.join(self.bench.root, "today.pdf")
        result = self.bench.ok(self.shipping.run("pick-list", "--due", "today", "--output",
                                                 today, user="pat"))
        with open(today, "rb") as handle:
            text, today_codes = read_pdf(handle.read())
        self.assertLessEqual(set(today_codes), set(codes))
        self.assertIn("Orders due today", text)
        self.assertIn("%d order" % len(today_codes), result.stderr)


class BadInput(DocumentsTestCase):
    def test_refusals_write_nothing(self):
        path = os.path.join(self.bench.root, "x.pdf")
        result = self.shipping.run("despatch-note", "999-0000000-0000000", "--output", path)
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn("no order 999-0000000-0000000", result.stderr)
        self.assertFalse(os.path.exists(path))

        result = self.shipping.run("pick-list", "--due", "bogus", "--output", path)
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("--due takes today or all", result.stderr)
        self.assertFalse(os.path.exists(path))

        order = self.shipping.unshipped()[0]["orderId"]
        unwritable = os.path.join(self.bench.root, "no-such-folder", "x.pdf")
        for args in (["despatch-note", order, "--output", unwritable],
                     ["pick-list", "--output", unwritable]):
            result = self.shipping.run(*args)
            self.assertEqual(result.returncode, 1, result.stderr)
            self.assertIn("no-such-folder", result.stderr)
            self.assertFalse(os.path.exists(os.path.dirname(unwritable)))
        self.assertEqual(self.audit("despatch_note.saved"), [])
        self.assertEqual(self.documents.jobs, [])


if __name__ == "__main__":
    unittest.main()
