# SPDX-License-Identifier: GPL-3.0-or-later
"""Keeps the layers of ARCHITECTURE.md: imports only point down, and only
app/ includes GTK."""

import pathlib
import re
import sys

# Which project folders each layer may include (besides itself).
ALLOWED = {
    "util": set(),
    "net": {"util"},
    "store": {"util"},
    "site": {"util", "store"},
    "amazon": {"util", "net"},
    "royalmail": {"util", "net"},
    "print": {"util"},
    "hw": {"util"},
    "station": {"util", "net", "store", "site", "amazon", "royalmail", "print", "hw"},
    "cli": {"util", "net", "store", "site", "amazon", "royalmail", "print", "hw", "station"},
    "app": {"util", "net", "store", "amazon", "royalmail", "print", "hw", "station"},
}
GTK = re.compile(r'#\s*include\s*[<"](gtk/|gdk/|adwaita\.h|gsk/)')
LOCAL = re.compile(r'#\s*include\s*"([a-z]+)/')

src = pathlib.Path(sys.argv[1])
problems = []
for path in sorted(src.rglob("*.[ch]")):
    layer = path.relative_to(src).parts[0]
    text = path.read_text(encoding="utf-8")
    for number, line in enumerate(text.splitlines(), 1):
        if layer != "app" and GTK.search(line):
            problems.append(f"{path}:{number}: only src/app/ may include GTK: {line.strip()}")
        match = LOCAL.search(line)
        if match:
            target = match.group(1)
            if target != layer and target not in ALLOWED.get(layer, set()):
                problems.append(f"{path}:{number}: {layer}/ may not include {target}/: {line.strip()}")

for problem in problems:
    print(problem)
print(f"{len(problems)} layer violations")
sys.exit(1 if problems else 0)
