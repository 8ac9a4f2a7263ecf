#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# flatpak-builder only warns on unknown keys, so any stderr output fails.
set -u
builder=$1
manifest=$2
err=$(mktemp)
trap 'rm -f "$err"' EXIT
"$builder" --show-manifest "$manifest" >/dev/null 2>"$err"
status=$?
cat "$err"
if [ "$status" -ne 0 ] || [ -s "$err" ]; then
  echo "flatpak manifest check failed"
  exit 1
fi
echo "flatpak manifest parses cleanly"
