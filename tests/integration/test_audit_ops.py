# SPDX-License-Identifier: GPL-3.0-or-later
"""packbenchctl audit export and user review: CSV content, filters,
permissions, and that both are audited."""

import csv
import json
import os
import stat
import unittest

from pbtest import Bench

HEADER = ["seq", "time", "operator", "action", "subject", "outcome", "detail", "bench"]
FULL_NAME = "Winifred Quigglesby"


class OpsTestCase(unittest.TestCase):
    def setUp(self):
        self.bench = Bench(self)
        self.bench.init()
        self.bench.add_user("pat", "packer", full_name=FULL_NAME)

    def audit(self, *args):
        result = self.bench.ok(self.bench.as_user("admin", "audit", "list", "--json", *args))
        return json.loads(result.stdout)


class AuditExport(OpsTestCase):
    def export(self, *args, user="admin"):
        path = os.path.join(self.bench.root, "audit.csv")
        result = self.bench.as_user(user, "audit", "export", "--output", path, *args)
        return result, path

    def read(self, path):
        with open(path, newline="", encoding="utf-8") as f:
            return list(csv.reader(f))

    def test_export_writes_fixed_columns_and_is_audited(self):
        result, path = self.export()
        self.bench.ok(result)
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode) & 0o077, 0)
        rows = self.read(path)
        self.assertEqual(rows[0], HEADER)
        self.assertGreater(len(rows), 3)
        for row in rows:
            self.assertEqual(len(row), len(HEADER))
        self.assertRegex(rows[1][1], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        actions = [row[3] for row in rows[1:]]
        self.assertIn("operator.created", actions)
        with open(path, encoding="utf-8") as f:
            self.assertNotIn("Quigglesby", f.read())
        self.assertIn("Exported %d audit rows" % (len(rows) - 1), result.stderr)

        exported = self.audit("--action", "audit.exported")
        self.assertEqual(len(exported), 1)
        self.assertEqual(exported[0]["operator"], "admin")
        self.assertEqual(exported[0]["detail"], "rows=%d" % (len(rows) - 1))

    def test_filters_narrow_the_export(self):
        result, path = self.export("--operator", "pat")
        self.bench.ok(result)
        rows = self.read(path)
        self.assertGreater(len(rows), 1)
        self.assertEqual({row[2] for row in rows[1:]}, {"pat"})

        result, path = self.export("--action", "login.")
        self.bench.ok(result)
        self.assertTrue(all(row[3].startswith("login.") for row in self.read(path)[1:]))

        result, path = self.export("--until", "2000-01-01")
        self.bench.ok(result)
        self.assertEqual(self.read(path), [HEADER])

    def test_bad_input(self):
        result = self.bench.run("audit", "export", "--user", "admin")
        self.assertEqual(result.returncode, 2)
        self.assertIn("--output", result.stderr)
        result, _ = self.export("--since", "yesterday-ish")
        self.assertEqual(result.returncode, 2)

    def test_packer_may_not_export(self):
        result, path = self.export(user="pat")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("Not permitted", result.stderr)
        self.assertFalse(os.path.exists(path))
        denied = self.audit("--action", "permission.denied", "--operator", "pat")
        self.assertEqual(denied[-1]["detail"], "audit.export")


class UserReview(OpsTestCase):
    def test_review_is_recorded(self):
        result = self.bench.ok(self.bench.as_user("admin", "user", "review"))
        self.assertIn("2 operators, by admin", result.stdout)
        reviewed = self.audit("--action", "access.reviewed")
        self.assertEqual(len(reviewed), 1)
        self.assertEqual(reviewed[0]["detail"], "operators=2")

    def test_packer_may_not_review(self):
        result = self.bench.as_user("pat", "user", "review")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("Not permitted", result.stderr)
        self.assertEqual(self.audit("--action", "access.reviewed"), [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
