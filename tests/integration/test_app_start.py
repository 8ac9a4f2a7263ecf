# SPDX-License-Identifier: GPL-3.0-or-later
"""Starting packbench where its settings schema is not installed (issue 17):
straight from the build folder, without tools/run.sh or meson devenv. It
must say in words what is missing and how to start it, and exit with a
status; GSettings would otherwise abort the process with SIGTRAP."""

import os
import shutil
import subprocess
import tempfile
import unittest

BUILD_ROOT = os.environ["PB_BUILD_ROOT"]
PACKBENCH = os.path.join(BUILD_ROOT, "src", "app", "packbench")


class NoSchema(unittest.TestCase):
    def setUp(self):
        # Empty folders stand in for every place a schema could be found.
        self.empty = tempfile.mkdtemp(prefix="pb-test-no-schema-")
        self.addCleanup(shutil.rmtree, self.empty, True)

    def run_packbench(self, *args):
        env = dict(os.environ)
        for name in ("DISPLAY", "WAYLAND_DISPLAY", "PACKBENCH_DEMO_RUNNING"):
            env.pop(name, None)
        env.update({"GSETTINGS_SCHEMA_DIR": self.empty, "XDG_DATA_DIRS": self.empty,
                    "XDG_DATA_HOME": self.empty, "LC_ALL": "C.UTF-8"})
        env.pop("GSETTINGS_BACKEND", None)
        return subprocess.run([PACKBENCH, *args], capture_output=True, text=True, timeout=60,
                              env=env)

    def assertExplained(self, result):
        self.assertEqual(result.returncode, 1, result.stderr)  # not -SIGTRAP
        self.assertIn("Packbench cannot start: its settings schema "
                      "“io.github.packbench.Packbench” is not installed.", result.stderr)
        self.assertIn("tools/run.sh", result.stderr)
        self.assertIn("meson devenv -C build", result.stderr)
        self.assertNotIn("GLib-GIO-ERROR", result.stderr)
        self.assertEqual(result.stdout, "")

    def test_from_the_build_folder(self):
        self.assertExplained(self.run_packbench("--store", os.path.join(self.empty, "store")))

    def test_demo_says_so_before_it_starts_anything(self):
        result = self.run_packbench("--demo")
        self.assertExplained(result)
        self.assertNotIn("Starting the Packbench demo", result.stdout)

    def test_version_needs_no_schema(self):
        result = self.run_packbench("--version")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout, "packbench %s\n" % os.environ["PB_VERSION"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
