#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The manifest module check (tests/check-flatpak-modules.py) fails on the
mistakes issue 14 found in the manifest: a module that needs a library the
GNOME 49 SDK lacks (GSound: libcanberra), a configure option the module does
not know (SQLCipher 4.6.1 and 4.7's --with-tempstore), and a URL whose
archive is not the one the checksum belongs to (qrencode's .tar.gz); and on
libpq built with meson from PostgreSQL 15, which has no meson build (that
came with 16)."""

import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
CHECK = os.path.join(HERE, "check-flatpak-modules.py")
MANIFEST = os.path.join(os.path.dirname(HERE), "flatpak", "io.github.packbench.Packbench.json")


class Refusals(unittest.TestCase):
    def check(self, modules):
        with open(MANIFEST) as handle:
            manifest = json.load(handle)
        manifest["modules"] = modules
        with tempfile.TemporaryDirectory(prefix="pb-flatpak-check-") as folder:
            path = os.path.join(folder, "manifest.json")
            with open(path, "w") as handle:
                json.dump(manifest, handle)
            result = subprocess.run([sys.executable, CHECK, "--manifest", path,
                                     "--work", os.path.join(folder, "work")],
                                    capture_output=True, text=True, timeout=1700)
        return result.returncode, result.stdout + result.stderr

    def module(self, name):
        with open(MANIFEST) as handle:
            return next(m for m in json.load(handle)["modules"] if m["name"] == name)

    def test_module_needing_what_the_sdk_lacks_and_wrong_archive(self):
        gsound = {"name": "gsound", "buildsystem": "meson",
                  "config-opts": ["-Dintrospection=false", "-Denable_vala=false",
                                  "-Dgtk_doc=false"],
                  "sources": [{"type": "archive",
                               "url": "https://download.gnome.org/sources/gsound/1.0/"
                                      "gsound-1.0.3.tar.xz",
                               "sha256": "ca2d039e1ebd148647017a7f548862350bc9af01986d39f1"
                                         "0cfdc8e95f07881a"}]}
        qrencode = self.module("qrencode")
        qrencode["sources"][0]["url"] = qrencode["sources"][0]["url"].replace(".tar.bz2",
                                                                              ".tar.gz")
        status, output = self.check([qrencode, gsound])
        self.assertEqual(status, 1, output)
        refused = output.split("pkg-config lookups refused", 1)[1]
        self.assertIn("libcanberra", refused)
        self.assertIn("gsound: configure failed", output)
        self.assertIn("qrencode: the URL names a .tar.gz", output)

    def test_option_the_module_does_not_know(self):
        sqlcipher = self.module("sqlcipher")
        sqlcipher["config-opts"] = ["--with-tempstore=yes"] + sqlcipher["config-opts"][1:]
        # The wrong option is found at configure, before any build.
        status, output = self.check([sqlcipher])
        self.assertEqual(status, 1, output)
        self.assertIn("sqlcipher: options the module does not know", output)
        self.assertIn("--with-tempstore", output)

    def test_libpq_with_meson_from_postgresql_15(self):
        libpq = self.module("libpq")
        self.assertTrue(libpq["sources"][0]["url"].endswith("postgresql-15.18.tar.bz2"))
        for key in ("make-args", "make-install-args", "post-install"):
            del libpq[key]
        libpq.update({"buildsystem": "meson", "builddir": True,
                      "config-opts": ["-Dssl=openssl"]})
        status, output = self.check([libpq])
        self.assertEqual(status, 1, output)
        self.assertIn("libpq: buildsystem meson, but the source has no meson.build", output)


if __name__ == "__main__":
    unittest.main(verbosity=2)
