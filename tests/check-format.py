# SPDX-License-Identifier: GPL-3.0-or-later
"""Fails when any C file is not formatted as .clang-format says."""

import pathlib
import subprocess
import sys

clang_format, root = sys.argv[1], pathlib.Path(sys.argv[2])
files = sorted(str(p) for folder in ("src", "tests", "perf")
               for p in (root / folder).rglob("*.[ch]"))
result = subprocess.run([clang_format, "--dry-run", "--Werror", *files],
                        capture_output=True, text=True)
sys.stdout.write(result.stderr[:20000])
if result.returncode != 0:
    print("Unformatted C: run tools/format.sh")
print(f"{len(files)} C files checked")
sys.exit(result.returncode)
