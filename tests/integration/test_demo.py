# SPDX-License-Identifier: GPL-3.0-or-later
"""`packbench --demo` and its launcher (data/demo/packbench-demo.py): the
whole flow against the local servers with a label arriving as a PDF file,
the window run on the demo store, a clean teardown (no process and no demo
folder left behind), and the refusals."""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

SOURCE_ROOT = os.environ["PB_SOURCE_ROOT"]
BUILD_ROOT = os.environ["PB_BUILD_ROOT"]
# The demo runs on what users run: a test build's release variant of
# packbenchctl (test hooks compiled out) when it has one.
CTL = os.environ.get("PACKBENCHCTL_RELEASE") or os.environ["PACKBENCHCTL"]
TEST_HOOKS = os.environ.get("PB_TEST_HOOKS") == "1"
PACKBENCH = os.path.join(BUILD_ROOT, "src", "app", "packbench")
LAUNCHER = os.path.join(SOURCE_ROOT, "data", "demo", "packbench-demo.py")
sys.path.insert(0, os.path.join(SOURCE_ROOT, "tests", "servers"))
import cupsd  # noqa: E402


def processes_mentioning(text):
    """Pids of live processes whose command line contains @text."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as handle:
                if text.encode() in handle.read():
                    found.append(int(pid))
        except OSError:
            pass
    return found


def env_without_display():
    env = dict(os.environ)
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "PACKBENCH_DEMO_LAUNCHER",
                 "PACKBENCH_DEMO_RUNNING", "PACKBENCH_NOW", "PACKBENCH_FAULT"):
        env.pop(name, None)
    return env


class DemoTestCase(unittest.TestCase):
    def setUp(self):
        if cupsd.CUPSD is None or cupsd.LPADMIN is None:
            self.skipTest("cupsd is not installed (packages cups, cups-client)")
        self.root = tempfile.mkdtemp(prefix="pb-test-demo-")
        self.addCleanup(shutil.rmtree, self.root, True)
        self.labels = os.path.join(self.root, "Packbench Demo labels")

    def folders(self, output):
        """The demo folder and the print server folder the launcher announced."""
        demo = re.search(r"^Demo folder: (.+)$", output, re.M)
        cups = re.search(r"^Print server folder: (.+)$", output, re.M)
        self.assertIsNotNone(demo, output)
        self.assertIsNotNone(cups, output)
        return demo.group(1), cups.group(1)

    def assertTornDown(self, output):
        for folder in self.folders(output):
            self.assertFalse(os.path.exists(folder), folder + " was left behind")
            # Wait for a server that got SIGTERM to be reaped.
            deadline = time.monotonic() + 60
            while processes_mentioning(folder) and time.monotonic() < deadline:
                time.sleep(0.1)
            self.assertEqual(processes_mentioning(folder), [], "processes left for " + folder)
        self.assertIn("Demo ended: servers stopped, demo store deleted.", output)
        # Nothing of the demo's secrets is printed but the demo's own.
        self.assertNotIn("PRIVATE KEY", output)


class Check(DemoTestCase):
    def test_one_order_ships_into_a_pdf_file(self):
        result = subprocess.run(
            ["/usr/bin/python3", LAUNCHER, "--packbenchctl", CTL, "--labels-dir", self.labels,
             "--check"], capture_output=True, text=True, timeout=300, env=env_without_display())
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("Demo check passed.", result.stdout)
        order = re.search(r"^Shipped: (\d{3}-\d{7}-\d{7})$", result.stdout, re.M).group(1)

        files = os.listdir(self.labels)
        self.assertEqual(len(files), 1, files)
        self.assertRegex(files[0], r"^label-\d{8}-\d{6}-1\.pdf$")
        path = os.path.join(self.labels, files[0])
        with open(path, "rb") as handle:
            data = handle.read()
        self.assertTrue(data.startswith(b"%PDF-"), data[:20])
        self.assertIn(b"%%EOF", data[-1024:])
        # A newcomer's viewer opens it: poppler reads a Royal Mail label for that order.
        if shutil.which("pdftotext"):
            text = subprocess.run(["pdftotext", path, "-"], capture_output=True, text=True,
                                  check=True).stdout
            self.assertIn("Royal Mail", text)
            self.assertIn(order, text)
        self.assertTornDown(result.stdout)


FAKE_WINDOW = """#!/bin/sh
# Stands in for the Packbench window: records how it was started.
{ echo "ARGS $*"; echo "CUPS_SERVER=$CUPS_SERVER"; echo "RUNNING=$PACKBENCH_DEMO_RUNNING";
  test -f "$2/keyslots.json" && echo "STORE=yes"; } > "%s"
exec sleep "$FAKE_WINDOW_SECONDS"
"""


class Window(DemoTestCase):
    """The launcher runs the window on the demo store and tears down when
    the window closes, or when the launcher itself is stopped."""

    def start(self, seconds):
        record = os.path.join(self.root, "window.txt")
        window = os.path.join(self.root, "packbench")
        with open(window, "w") as handle:
            handle.write(FAKE_WINDOW % record)
        os.chmod(window, 0o755)
        env = env_without_display()
        env["FAKE_WINDOW_SECONDS"] = str(seconds)
        process = subprocess.Popen(
            ["/usr/bin/python3", LAUNCHER, "--packbenchctl", CTL, "--packbench", window,
             "--labels-dir", self.labels, "--orders", "4"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        return process, record

    def read_record(self, record):
        with open(record) as handle:
            return dict(line.strip().split(" ", 1) if line.startswith("ARGS") else
                        line.strip().split("=", 1) for line in handle)

    def test_window_closes(self):
        process, record = self.start(1)
        out, err = process.communicate(timeout=300)
        self.assertEqual(process.returncode, 0, out + err)
        shown = self.read_record(record)
        store = os.path.join(self.folders(out)[0], "store")
        self.assertEqual(shown["ARGS"], "--store " + store)
        self.assertEqual(shown["STORE"], "yes")
        self.assertRegex(shown["CUPS_SERVER"], r"^127\.0\.0\.1:\d+$")
        self.assertEqual(shown["RUNNING"], "1")
        # What a newcomer needs: both sign-ins, a code, orders to scan.
        self.assertIn("packer    password Blue-Parcel-42!", out)
        self.assertIn("admin     password Green-Parcel-42!", out)
        self.assertRegex(out, r"Administrator code now: \d{6}")
        self.assertRegex(out, r"\n  \d{3}-\d{7}-\d{7}  [A-Z0-9-]+ x\d \(barcode 50\d{11}\)")
        self.assertIn("Labels arrive as PDF files in: " + self.labels, out)
        self.assertTornDown(out)

    def test_stopped_while_the_window_is_open(self):
        process, record = self.start(120)
        deadline = time.monotonic() + 120
        while not os.path.exists(record) and time.monotonic() < deadline:
            self.assertIsNone(process.poll(), "the launcher ended early")
            time.sleep(0.2)
        self.assertTrue(os.path.exists(record), "the window was never started")
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
        self.assertNotEqual(process.returncode, 0)
        self.assertEqual(processes_mentioning(record), [], "the window was left running")
        self.assertTornDown(out)


class Refusals(unittest.TestCase):
    def run_packbench(self, *args, env=None):
        merged = env_without_display()
        merged.update(env or {})
        return subprocess.run([PACKBENCH, *args], capture_output=True, text=True, timeout=60,
                              env=merged)

    @unittest.skipUnless(TEST_HOOKS, "PACKBENCH_DEMO_LAUNCHER is a test hook (-Dtest_hooks=true)")
    def test_launcher_missing(self):
        missing = os.path.join(tempfile.gettempdir(), "pb-no-such-dir", "packbench-demo.py")
        result = self.run_packbench("--demo", env={"PACKBENCH_DEMO_LAUNCHER": missing})
        self.assertEqual(result.returncode, 1)
        self.assertIn("The demo is not installed here: %s is missing." % missing, result.stderr)
        self.assertEqual(result.stdout, "")

    @unittest.skipUnless(TEST_HOOKS, "PACKBENCH_DEMO_LAUNCHER is a test hook (-Dtest_hooks=true)")
    def test_packbench_hands_over_to_the_launcher(self):
        folder = tempfile.mkdtemp(prefix="pb-test-demo-")
        self.addCleanup(shutil.rmtree, folder, True)
        fake = os.path.join(folder, "launcher.py")
        with open(fake, "w") as handle:
            handle.write("import sys\nprint(repr(sys.argv[1:]))\nsys.exit(7)\n")
        result = self.run_packbench("--demo", env={"PACKBENCH_DEMO_LAUNCHER": fake})
        self.assertEqual(result.returncode, 7, result.stderr)
        self.assertEqual(eval(result.stdout), [
            "--packbench", os.path.realpath(PACKBENCH),
            "--packbenchctl", os.path.join(os.path.realpath(BUILD_ROOT), "src", "cli",
                                           "packbenchctl")])

    def test_not_with_a_store(self):
        result = self.run_packbench("--demo", "--store", "/tmp/elsewhere")
        self.assertEqual(result.returncode, 2)
        self.assertIn("leave out --store", result.stderr)

    def test_no_demo_inside_the_demo(self):
        result = self.run_packbench("--demo", env={"PACKBENCH_DEMO_RUNNING": "1"})
        self.assertEqual(result.returncode, 1)
        self.assertIn("already running", result.stderr)

    def test_launcher_without_packbenchctl(self):
        result = subprocess.run(
            ["/usr/bin/python3", LAUNCHER, "--packbenchctl", "/nonexistent/packbenchctl",
             "--check"], capture_output=True, text=True, timeout=60, env=env_without_display())
        self.assertEqual(result.returncode, 2)
        self.assertIn("packbenchctl was not found", result.stderr)
        self.assertNotIn("Demo folder:", result.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
