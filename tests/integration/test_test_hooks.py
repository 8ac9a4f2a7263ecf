# SPDX-License-Identifier: GPL-3.0-or-later
"""A release build ignores the test hooks (docs/SECURITY.md, "Test hooks in
the shipped program"): a packer who runs packbenchctl with PACKBENCH_NOW
far in the future erases no address, and PACKBENCH_FAULT crashes nothing.

Release: in a test build (-Dtest_hooks=true), packbenchctl-release is the
same program linked with the hooks compiled out, as a release build makes
it; the test build's own packbenchctl is the positive control that shows
the same steps do purge and crash with the hooks in.
Shipped: in a build without test hooks, the programs themselves.
Sources: the hook variables are named in one file only."""

import base64
import hashlib
import hmac
import json
import os
import re
import shutil
import struct
import subprocess
import tempfile
import time
import unittest
import urllib.parse

from spapi import SpApi

SOURCE_ROOT = os.environ["PB_SOURCE_ROOT"]
BUILD_ROOT = os.environ["PB_BUILD_ROOT"]
CTL = os.environ["PACKBENCHCTL"]
CTL_RELEASE = os.environ.get("PACKBENCHCTL_RELEASE")
PACKBENCH = os.path.join(BUILD_ROOT, "src", "app", "packbench")

HOOKS = ("PACKBENCH_NOW", "PACKBENCH_FAULT", "PACKBENCH_DEMO_LAUNCHER")
FAR_FUTURE = "2099-01-01T00:00:00Z"
ADMIN_PASSWORD = "Correct-Horse-42!"
TEMPORARY = "Temporary-Pass-1!"
PACKER_PASSWORD = "Bright-Lantern-7-Sky!"


def totp(secret, step):
    """RFC 6238 code for a base32 secret at a time step (SHA-1, 30 s, 6 digits)."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return "%06d" % (value % 1000000)


class Flow:
    """A store driven by one packbenchctl on the real clock: an administrator
    (two logins, one code each: the current step, then the next one, both
    accepted at once) points it at the local Amazon and adds a packer, who
    fetches the orders; every command runs with the hooks set."""

    def __init__(self, case, ctl):
        self.case = case
        self.ctl = ctl
        self.root = tempfile.mkdtemp(prefix="pb-test-hooks-")
        case.addCleanup(shutil.rmtree, self.root, True)
        self.dir = os.path.join(self.root, "store")
        self.secret = None
        self.last_step = 0

    def run(self, *args, lines=(), hooks=None):
        env = dict(os.environ)
        for name in HOOKS:
            env.pop(name, None)
        env.update(hooks or {})
        return subprocess.run([self.ctl, "--store", self.dir, *args],
                              input="".join(line + "\n" for line in lines),
                              capture_output=True, text=True, timeout=180, env=env)

    def as_admin(self, *args, lines=(), hooks=None):
        step = max(self.last_step + 1, int(time.time()) // 30)
        self.last_step = step
        return self.run(*args, "--user", "admin",
                        lines=[ADMIN_PASSWORD, totp(self.secret, step), *lines], hooks=hooks)

    def ok(self, result, expected=0):
        self.case.assertEqual(result.returncode, expected, "stdout: %s\nstderr: %s" % (
            result.stdout, result.stderr))
        return result

    def set_up(self, api, crash_status, settings_fault=True):
        """Init, config set and user add, run with PACKBENCH_FAULT naming the
        crash point right after their commit: @crash_status is what user add
        ends with (0 ignored, 99 crashed), the operator committed either way.
        Config set crashes after the settings but before the credentials, so
        it has the fault only where it must be ignored (test_store's
        Markers shows the crash in a test build)."""
        out = self.ok(self.run("init", "--admin", "admin", "--full-name", "Ada Admin",
                               lines=[ADMIN_PASSWORD])).stdout
        uri = re.search(r"^TOTP: (\S+)$", out, re.M).group(1)
        self.secret = urllib.parse.parse_qs(urllib.parse.urlparse(uri).query)["secret"][0]
        pairs, secrets = api.settings()
        args = [item for pair in pairs for item in pair]
        fault = {"PACKBENCH_FAULT": "settings.after-commit"} if settings_fault else {}
        self.ok(self.as_admin("config", "set", *args, lines=secrets, hooks=fault))
        self.ok(self.as_admin("user", "add", "pat", "--role", "packer", lines=[TEMPORARY],
                              hooks={"PACKBENCH_FAULT": "operator.after-commit"}), crash_status)
        self.ok(self.run("whoami", "--user", "pat", lines=[TEMPORARY, PACKER_PASSWORD]))
        self.ok(self.as_packer("sync"))

    def as_packer(self, *args, hooks=None):
        return self.run(*args, "--user", "pat", lines=[PACKER_PASSWORD], hooks=hooks)

    def shown(self, order_id, hooks=None):
        return json.loads(self.ok(self.as_packer("orders", "show", order_id, "--json",
                                                 hooks=hooks)).stdout)


class HooksTestCase(unittest.TestCase):
    def setUp(self):
        self.api = SpApi(self, orders=3)
        self.order_ids = [order["orderId"] for order in self.api.orders()]
        self.assertEqual(len(self.order_ids), 3)

    def assertIgnoresHooks(self, ctl):
        flow = Flow(self, ctl)
        flow.set_up(self.api, crash_status=0)
        for order_id in self.order_ids:
            self.assertIn("recipient", flow.shown(order_id), order_id)

        # What the finding showed: a packer's command with the clock in 2099.
        future = {"PACKBENCH_NOW": FAR_FUTURE}
        result = flow.ok(flow.as_packer("whoami", hooks=future))
        self.assertIn("pat", result.stdout)
        for order_id in self.order_ids:
            shown = flow.shown(order_id, hooks=future)
            self.assertIn("recipient", shown, "%s lost its address" % order_id)
            self.assertFalse(shown.get("purged"), order_id)
            self.assertNotIn("2099", json.dumps(shown))
        # The packer still signs in on the real clock: no lock, no time moved.
        flow.ok(flow.as_packer("whoami"))

    def assertNoHookNames(self, path):
        with open(path, "rb") as handle:
            data = handle.read()
        for name in HOOKS:
            self.assertFalse(name.encode() in data, "%s names %s" % (path, name))


@unittest.skipUnless(CTL_RELEASE, "needs a build configured with -Dtest_hooks=true")
class Release(HooksTestCase):
    def test_release_build_ignores_far_future_clock_and_faults(self):
        self.assertIgnoresHooks(CTL_RELEASE)

    def test_positive_control_the_test_build_purges_and_crashes(self):
        """The same steps with the test build's packbenchctl: the hooks act,
        so the release test above would see them if they were compiled in."""
        flow = Flow(self, CTL)
        flow.set_up(self.api, crash_status=99, settings_fault=False)
        future = {"PACKBENCH_NOW": FAR_FUTURE}
        # In 2099 the packer's password has expired, so the first command
        # asks for a new one; the purge on open follows the sign-in.
        renewed = "Another-Lantern-8-Sky!"
        lines = [PACKER_PASSWORD, renewed]
        for order_id in self.order_ids:
            shown = json.loads(flow.ok(flow.run("orders", "show", order_id, "--json",
                                                "--user", "pat", lines=lines,
                                                hooks=future)).stdout)
            self.assertNotIn("recipient", shown, order_id)
            self.assertTrue(shown.get("purged"), order_id)
            lines = [renewed]

    def test_release_program_does_not_name_the_hooks(self):
        self.assertNoHookNames(CTL_RELEASE)
        # Positive control: the test build's program does.
        with open(CTL, "rb") as handle:
            data = handle.read()
        for name in ("PACKBENCH_NOW", "PACKBENCH_FAULT"):
            self.assertTrue(name.encode() in data, "%s does not name %s" % (CTL, name))


@unittest.skipIf(CTL_RELEASE, "this build has test hooks: see Release")
class Shipped(HooksTestCase):
    def test_programs_ignore_far_future_clock_and_faults(self):
        self.assertIgnoresHooks(CTL)

    def test_programs_do_not_name_the_hooks(self):
        self.assertNoHookNames(CTL)
        self.assertNoHookNames(PACKBENCH)


class Sources(unittest.TestCase):
    def test_hooks_are_read_in_one_place(self):
        """Every PACKBENCH_ variable the programs read is a hook of
        src/util/pb-test-hooks.c, or PACKBENCH_DEMO_RUNNING, which only
        makes `packbench --demo` refuse (docs/DECISIONS.md, "Test hooks")."""
        allowed = {"PACKBENCH_DEMO_RUNNING"}
        hooks_file = os.path.join("util", "pb-test-hooks.c")
        src = os.path.join(SOURCE_ROOT, "src")
        found = []
        for folder, _, files in os.walk(src):
            for name in files:
                if not name.endswith((".c", ".h")):
                    continue
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8") as handle:
                    text = handle.read()
                for match in re.finditer(r'"(PACKBENCH_[A-Z_]+)"', text):
                    if os.path.relpath(path, src) != hooks_file and match.group(1) not in allowed:
                        found.append("%s: %s" % (os.path.relpath(path, src), match.group(1)))
                if re.search(r"\bgetenv\s*\(\s*[a-z_]", text) and "pb-test-hooks" not in name:
                    found.append("%s: getenv of a computed name" % os.path.relpath(path, src))
        self.assertEqual(found, [])
        with open(os.path.join(src, hooks_file), encoding="utf-8") as handle:
            text = handle.read()
        self.assertIn("#if PB_TEST_HOOKS", text)
        for name in HOOKS:
            self.assertIn('"%s"' % name, text)


if __name__ == "__main__":
    unittest.main(verbosity=2)
