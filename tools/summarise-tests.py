# SPDX-License-Identifier: GPL-3.0-or-later
"""Prints one closing line for all meson test logs: 'N passed, N failed'."""

import json
import sys

passed = failed = skipped = 0
paths = sys.argv[1:]
if paths[:1] == ["--extra"]:
    passed += int(paths[1])
    failed += int(paths[2])
    paths = paths[3:]
for path in paths:
    try:
        with open(path, encoding="utf-8") as log:
            for line in log:
                result = json.loads(line).get("result")
                if result in ("OK", "EXPECTEDFAIL"):
                    passed += 1
                elif result == "SKIP":
                    skipped += 1
                else:
                    failed += 1
    except FileNotFoundError:
        print(f"missing test log {path}")
        failed += 1

print(f"tests: {passed} passed, {failed} failed, {skipped} skipped")
