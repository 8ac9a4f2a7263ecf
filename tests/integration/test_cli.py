# SPDX-License-Identifier: GPL-3.0-or-later
"""The command line's own contract: version, help, usage errors."""

import os
import subprocess
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


if __name__ == "__main__":
    unittest.main(verbosity=2)
