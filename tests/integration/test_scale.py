# SPDX-License-Identifier: GPL-3.0-or-later
"""packbenchctl scale read|list: recorded HID scale reports, in files and
FIFOs, through the same reader the hidraw device goes through.

The reports are written here from the HID point-of-sale usage tables (the
scale page, 0x8D): report id 3, status, unit, signed exponent, weight as a
little-endian 16-bit number. No sleeps: a FIFO's writer blocks until the
command has opened it, and the command waits on the FIFO itself."""

import json
import os
import shutil
import struct
import subprocess
import tempfile
import threading
import unittest

CTL = os.environ["PACKBENCHCTL"]

FAULT, ZERO, MOTION, STABLE, UNDER_ZERO, OVERLOAD, CALIBRATE, REZERO = range(1, 9)
GRAM, KILOGRAM, OUNCE, POUND = 2, 3, 11, 12


def report(status, unit=GRAM, exponent=0, weight=0):
    return struct.pack("<BBBbH", 3, status, unit, exponent, weight)


class ScaleRead(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="pb-scale-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.store = os.path.join(self.dir, "store")

    def ctl(self, *args, timeout=120):
        return subprocess.run([CTL, "--store", self.store, *args], capture_output=True,
                              text=True, timeout=timeout)

    def recorded(self, *reports, name="reports"):
        path = os.path.join(self.dir, name)
        with open(path, "wb") as out:
            out.write(b"".join(reports))
        return path

    def read(self, *reports, json_output=False):
        path = self.recorded(*reports)
        args = ["scale", "read", "--device", path] + (["--json"] if json_output else [])
        return self.ctl(*args)

    def assert_reading(self, reports, grams, state, text):
        result = self.read(*reports)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout, text + "\n")
        self.assertEqual(result.stderr, "")
        result = self.read(*reports, json_output=True)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(json.loads(result.stdout), {"grams": grams, "state": state})
        # One line, exactly as the issue writes it.
        self.assertEqual(result.stdout, '{"grams": %d, "state": "%s"}\n' % (grams, state))

    def assert_no_reading(self, reports, says, last=None):
        result = self.read(*reports, json_output=True)
        self.assertEqual(result.returncode, 1, result.stdout)
        self.assertIn(says, result.stderr)
        if last is None:
            self.assertEqual(result.stdout, "")
        else:
            self.assertEqual(json.loads(result.stdout), last)
        result = self.read(*reports)
        self.assertEqual(result.returncode, 1)
        self.assertEqual(result.stdout, "")
        self.assertIn(says, result.stderr)

    def test_states(self):
        self.assert_reading([report(STABLE, weight=450)], 450, "stable", "Weight: 450 g (stable)")
        self.assert_reading([report(ZERO)], 0, "zero", "Weight: 0 g (zero)")
        self.assert_reading([report(UNDER_ZERO, weight=20)], -20, "negative",
                            "Weight: -20 g (negative)")

    def test_motion_then_stable(self):
        self.assert_reading([report(MOTION, weight=120), report(MOTION, weight=470),
                             report(STABLE, weight=452)], 452, "stable",
                            "Weight: 452 g (stable)")

    def test_units(self):
        self.assert_reading([report(STABLE, KILOGRAM, -3, 1250)], 1250, "stable",
                            "Weight: 1250 g (stable)")
        # 15.9 oz = 450.76 g; 0.99 lb = 449.06 g
        self.assert_reading([report(STABLE, OUNCE, -1, 159)], 451, "stable",
                            "Weight: 451 g (stable)")
        self.assert_reading([report(STABLE, POUND, -2, 99)], 449, "stable",
                            "Weight: 449 g (stable)")

    def test_no_stable_reading(self):
        self.assert_no_reading([report(MOTION, weight=300)], "still moving (300 g)",
                               {"grams": 300, "state": "motion"})
        self.assert_no_reading([report(OVERLOAD)], "overloaded",
                               {"grams": None, "state": "overload"})
        self.assert_no_reading([report(FAULT)], "fault", {"grams": None, "state": "not-ready"})
        self.assert_no_reading([report(CALIBRATE)], "needs calibrating",
                               {"grams": None, "state": "not-ready"})
        self.assert_no_reading([report(REZERO)], "needs re-zeroing",
                               {"grams": None, "state": "not-ready"})
        self.assert_no_reading([], "gave no reading")
        # Not scale reports at all; a unit without grams.
        self.assert_no_reading([b"hello, scale\n"], "not a scale’s weight report")
        self.assert_no_reading([report(STABLE, 5, 0, 12)], "cannot convert to grams (5)")

    def test_bad_device(self):
        missing = os.path.join(self.dir, "hidraw42")
        result = self.ctl("scale", "read", "--device", missing)
        self.assertEqual(result.returncode, 1)
        self.assertEqual(result.stdout, "")
        self.assertIn("There is no scale at " + missing, result.stderr)
        result = self.ctl("scale", "read", "--device", self.dir)
        self.assertEqual(result.returncode, 1)
        self.assertIn("Cannot open the scale " + self.dir, result.stderr)

    def test_no_access(self):
        # A scale this user may not open: the bench's answer names the
        # flatpak override and the udev rule. (As root, checked as nobody.)
        path = self.recorded(report(STABLE, weight=450), name="hidraw-closed")
        os.chmod(path, 0o600)
        os.chmod(self.dir, 0o755)
        command = [CTL, "scale", "read", "--device", path]
        if os.geteuid() == 0:
            runuser = shutil.which("runuser")
            if runuser is None:
                self.skipTest("running as root without runuser")
            # The clone may sit in a folder only root may enter (mktemp -d):
            # nobody runs a copy from a folder of its own.
            bin_dir = tempfile.mkdtemp(prefix="pb-test-scale-bin-")
            self.addCleanup(shutil.rmtree, bin_dir)
            os.chmod(bin_dir, 0o755)
            ctl = os.path.join(bin_dir, "packbenchctl")
            shutil.copy2(CTL, ctl)
            command = [runuser, "-u", "nobody", "--", ctl, "scale", "read", "--device", path]
        else:
            os.chmod(path, 0)
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
        self.assertEqual(result.returncode, 1, result.stdout)
        self.assertEqual(result.stdout, "")
        self.assertIn("Packbench has no access to the scale " + path, result.stderr)
        self.assertIn("flatpak override --user --device=all io.github.packbench.Packbench",
                      result.stderr)
        self.assertIn("udev rule", result.stderr)

    def test_usage(self):
        for args in (["scale"], ["scale", "weigh"], ["scale", "read", "extra"],
                     ["scale", "read", "--device"], ["scale", "read", "--device", ""],
                     ["scale", "list", "extra"]):
            result = self.ctl(*args)
            self.assertEqual(result.returncode, 2, args)
            self.assertIn("Usage: packbenchctl", result.stderr)
        self.assertIn("scale list|read", self.ctl("--help").stdout)

    def fifo_feed(self, reports):
        """A FIFO whose writer sends @reports one write each, then closes."""
        path = os.path.join(self.dir, "scale.fifo")
        os.mkfifo(path)

        def write():
            # Blocks until packbenchctl opens the FIFO for reading.
            with open(path, "wb", buffering=0) as out:
                for one in reports:
                    out.write(one)

        writer = threading.Thread(target=write)
        writer.start()
        self.addCleanup(writer.join, 120)
        return path

    def test_fifo(self):
        path = self.fifo_feed([report(MOTION, KILOGRAM, -3, 800), report(MOTION, KILOGRAM, -3, 1015),
                               report(STABLE, KILOGRAM, -3, 1010)])
        result = self.ctl("scale", "read", "--device", path, "--json")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(json.loads(result.stdout), {"grams": 1010, "state": "stable"})

    def test_fifo_ends_moving(self):
        path = self.fifo_feed([report(MOTION, POUND, -2, 99), report(MOTION, POUND, -2, 101)])
        result = self.ctl("scale", "read", "--device", path)
        self.assertEqual(result.returncode, 1)
        self.assertIn("still moving (458 g)", result.stderr)

    def test_list(self):
        # This machine may have no scale; either way the command works and
        # its two forms agree.
        result = self.ctl("scale", "list", "--json")
        self.assertEqual(result.returncode, 0, result.stderr)
        scales = json.loads(result.stdout)
        text = self.ctl("scale", "list")
        self.assertEqual(text.returncode, 0)
        if scales:
            for scale in scales:
                self.assertTrue(scale["device"].startswith("/dev/hidraw"))
                self.assertIn(scale["device"], text.stdout)
        else:
            self.assertEqual(text.stdout, "No USB scale found.\n")


if __name__ == "__main__":
    unittest.main()
