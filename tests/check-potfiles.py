# SPDX-License-Identifier: GPL-3.0-or-later
"""Every file with translatable strings is listed in po/POTFILES.in, and
every listed file exists."""

import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1])
listed = set()
for line in (root / "po" / "POTFILES.in").read_text().splitlines():
    line = line.strip()
    if line and not line.startswith("#"):
        listed.add(line)

C_MARK = re.compile(r'(?<![A-Za-z0-9_])(_|N_|C_|ngettext|g_dngettext)\s*\(\s*"')
UI_MARK = re.compile(r'translatable="yes"')

found = set()
for path in list(root.glob("src/**/*.c")) + list(root.glob("ui/*.ui")):
    text = path.read_text(encoding="utf-8")
    mark = UI_MARK if path.suffix == ".ui" else C_MARK
    if mark.search(text):
        found.add(str(path.relative_to(root)))

problems = []
for name in sorted(found - listed):
    problems.append(f"{name} has translatable strings but is not in po/POTFILES.in")
for name in sorted(listed):
    if not (root / name).exists():
        problems.append(f"po/POTFILES.in lists {name}, which does not exist")

for problem in problems:
    print(problem)
print(f"{len(found)} files with translatable strings, {len(problems)} problems")
sys.exit(1 if problems else 0)
