# SPDX-License-Identifier: GPL-3.0-or-later
"""The command line's own contract: version, help, usage errors."""

import os
import shutil
import subprocess
import tempfile
import time
import unittest

CTL = os.environ["PACKBENCHCTL"]


def run(*args, **kwargs):
    return subprocess.run([CTL, *args], capture_output=True, text=True,
                          timeout=60, **kwargs)


class VersionAndHelp(unittest.TestCase):
    def test_version_prints_project_version(self):
        result = run("--version")
        self.assertEqual(result.returncode, 0)
        self.assertEqual(result.stdout.strip(),
                         "packbenchctl " + os.environ["PB_VERSION"])

    def test_help_lists_commands(self):
        result = run("--help")
        self.assertEqual(result.returncode, 0)
        self.assertIn("Usage: packbenchctl", result.stdout)
        self.assertIn("Commands:", result.stdout)
        self.assertIn("--store DIR", result.stdout)

    def test_unknown_command_is_usage_error(self):
        result = run("frobnicate")
        self.assertEqual(result.returncode, 2)
        self.assertIn("frobnicate", result.stderr)
        self.assertIn("--help", result.stderr)

    def test_no_command_is_usage_error(self):
        result = run()
        self.assertEqual(result.returncode, 2)
        self.assertIn("Usage:", result.stderr)

    def test_store_without_folder_is_usage_error(self):
        result = run("--store")
        self.assertEqual(result.returncode, 2)


class NoCoreDumps(unittest.TestCase):
    """A crash of a process holding the master key and decrypted pages must
    not write them to a core file or a crash collector, and another process
    of the same user must not read its memory."""

    # An ordinary account for the process under test: as root the test
    # could read any process's memory whatever the process does.
    NOBODY = 65534

    def start(self):
        store = tempfile.mkdtemp(prefix="pb-test-dumps-")
        self.addCleanup(os.rmdir, store)
        kwargs = {}
        ctl = CTL
        if os.getuid() == 0:
            kwargs = {"user": self.NOBODY, "group": self.NOBODY, "extra_groups": []}
            # The clone may sit in a folder only root may enter (mktemp -d):
            # nobody runs a copy from a folder of its own.
            bin_dir = tempfile.mkdtemp(prefix="pb-test-dumps-bin-")
            os.chmod(bin_dir, 0o755)
            ctl = os.path.join(bin_dir, "packbenchctl")
            shutil.copy2(CTL, ctl)
            self.addCleanup(shutil.rmtree, bin_dir)
        # whoami waits on stdin for the password, so the process stays alive
        # until the test closes it.
        child = subprocess.Popen([ctl, "--store", os.path.join(store, "none"), "whoami",
                                  "--user", "pat"],
                                 stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL, **kwargs)
        self.addCleanup(child.wait, 60)
        self.addCleanup(child.stdin.close)
        return child

    @staticmethod
    def core_limit(pid):
        with open("/proc/%d/limits" % pid) as limits:
            for line in limits:
                if line.startswith("Max core file size"):
                    return line.split()[4:6]
        return None

    def test_no_core_file_and_no_same_user_reading(self):
        child = self.start()
        uid = self.NOBODY if os.getuid() == 0 else os.getuid()
        proc = "/proc/%d/status" % child.pid
        # A process that is not dumpable has its /proc files owned by root,
        # which is also what keeps ptrace and /proc/PID/mem from its own user.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and child.poll() is None:
            if os.stat(proc).st_uid == 0 and self.core_limit(child.pid) == ["0", "0"]:
                break
            time.sleep(0.02)
        self.assertIsNone(child.poll(), "packbenchctl ended before the check")
        self.assertEqual(self.core_limit(child.pid), ["0", "0"])
        self.assertEqual(os.stat(proc).st_uid, 0, "packbenchctl is dumpable")
        self.assertNotEqual(uid, 0)

        # The same user cannot open its memory.
        kwargs = {"user": uid, "group": uid, "extra_groups": []} if os.getuid() == 0 else {}
        probe = subprocess.run(
            ["/usr/bin/python3", "-c",
             "import sys\n"
             "try:\n"
             "    open('/proc/%d/mem', 'rb').close()\n"
             "except PermissionError:\n"
             "    sys.exit(0)\n"
             "sys.exit(1)\n" % child.pid],
            capture_output=True, text=True, timeout=60, **kwargs)
        self.assertEqual(probe.returncode, 0, "the same user could open its memory")


if __name__ == "__main__":
    unittest.main(verbosity=2)
