#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Self-test of the printing test servers used as Python modules: a private
cupsd (cupsd.py) printing through raw and Zebra-driver queues into a TCP
sink (printer_sink.py), and a sink that is not listening as a printer that
is switched off. Needs root and the cups packages; only 127.0.0.1."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import cupsd  # noqa: E402
from printer_sink import PrinterSink  # noqa: E402

ZPL = b"^XA^FO50,50^GB100,100,100^FS^XZ"


def job_state(cups, job_id):
    """The IPP job-state of a job, from lpstat's completed and pending lists."""
    done = subprocess.run(["lpstat", "-W", "completed", "-o"], env=cups.env(),
                          capture_output=True, text=True).stdout
    if f"-{job_id} " in done:
        return "completed"
    pending = subprocess.run(["lpstat", "-o"], env=cups.env(), capture_output=True,
                             text=True).stdout
    return "pending" if f"-{job_id} " in pending else "gone"


def lpstat_printer(cups, name):
    """What lpstat -p says about printer @name."""
    return subprocess.run(["lpstat", "-p", name], env=cups.env(), capture_output=True,
                          text=True).stdout


def submit(cups, queue, data, *options):
    result = subprocess.run(["lp", "-d", queue, *options], input=data, env=cups.env(),
                            capture_output=True, check=True)
    # "request id is raw-3 (1 file(s))"
    return int(result.stdout.split()[3].decode().rsplit("-", 1)[1])


class PrintServers(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        reason = cupsd.available()
        if reason:
            raise unittest.SkipTest(reason)
        cls.sink = PrinterSink().start()
        cls.cups = cupsd.CupsServer().start()
        uri = f"socket://127.0.0.1:{cls.sink.port}"
        cls.cups.add_raw_queue("raw", uri, "Raw to the sink")
        cls.cups.add_zebra_queue("zebra", uri, "Zebra driver to the sink")
        cls.cups.set_default("raw")

    @classmethod
    def tearDownClass(cls):
        cls.cups.stop()
        cls.sink.stop()

    def test_ready_and_queues(self):
        out = subprocess.run(["lpstat", "-r", "-d", "-v"], env=self.cups.env(),
                             capture_output=True, text=True, check=True).stdout
        self.assertIn("scheduler is running", out)
        self.assertIn("system default destination: raw", out)
        self.assertIn(f"device for zebra: socket://127.0.0.1:{self.sink.port}", out)

    def test_raw_queue_passes_bytes_through(self):
        before = len(self.sink.jobs)
        job = submit(self.cups, "raw", ZPL, "-o", "raw")
        data = self.sink.wait_for_jobs(before + 1)[before]
        self.assertEqual(data, ZPL)
        deadline = time.monotonic() + 60
        while job_state(self.cups, job) != "completed" and time.monotonic() < deadline:
            time.sleep(0.1)
        self.assertEqual(job_state(self.cups, job), "completed")
        # CUPS keeps the spooled document after printing unless purged.
        self.assertIn(f"d{job:05d}-001", self.cups.spool_files())

    def test_zebra_driver_makes_zpl(self):
        before = len(self.sink.jobs)
        submit(self.cups, "zebra", b"Packbench\n", "-o", "media=w288h432")
        data = self.sink.wait_for_jobs(before + 1, timeout=60)[before]
        self.assertTrue(data.startswith(b"~DG"), data[:40])
        self.assertIn(b"^XA", data)
        self.assertIn(b"^XZ", data)

    def test_printer_switched_off(self):
        port = cupsd.free_port()
        self.cups.add_raw_queue("off", f"socket://127.0.0.1:{port}")
        job = submit(self.cups, "off", ZPL, "-o", "raw")
        # Once CUPS is printing it (the backend knocks on a closed port),
        # the job is still not done.
        deadline = time.monotonic() + 60
        while (f"now printing off-{job}" not in lpstat_printer(self.cups, "off")
               and time.monotonic() < deadline):
            time.sleep(0.05)
        self.assertIn(f"now printing off-{job}", lpstat_printer(self.cups, "off"))
        self.assertEqual(job_state(self.cups, job), "pending")
        # The printer comes back: the queued job prints.
        with PrinterSink(port=port) as late:
            self.assertEqual(late.wait_for_jobs(1, timeout=60)[0], ZPL)
        subprocess.run(["cancel", "-a", "off"], env=self.cups.env(), check=False)


class SinkFiles(unittest.TestCase):
    """A sink writing into a folder that already holds earlier jobs (the
    demo's labels folder) names files by its pattern and never overwrites."""

    def send(self, sink, data):
        with socket.create_connection(("127.0.0.1", sink.port)) as connection:
            connection.sendall(data)
            connection.shutdown(socket.SHUT_WR)
            connection.recv(1)

    def test_pattern_and_no_overwrite(self):
        folder = tempfile.mkdtemp(prefix="pb-sink-")
        self.addCleanup(shutil.rmtree, folder, True)
        with open(os.path.join(folder, "label-1.pdf"), "wb") as earlier:
            earlier.write(b"earlier")
        with PrinterSink(directory=folder, name="label-{n}.pdf") as sink:
            self.send(sink, b"%PDF-first")
            self.send(sink, b"%PDF-second")
            sink.wait_for_jobs(2)
        self.assertEqual(sorted(os.listdir(folder)), ["label-1-2.pdf", "label-1.pdf",
                                                      "label-2.pdf"])
        with open(os.path.join(folder, "label-1.pdf"), "rb") as kept:
            self.assertEqual(kept.read(), b"earlier")
        with open(os.path.join(folder, "label-1-2.pdf"), "rb") as first:
            self.assertEqual(first.read(), b"%PDF-first")


if __name__ == "__main__":
    unittest.main(verbosity=2)
