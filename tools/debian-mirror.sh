#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Prints the Debian mirror this machine already uses (the URI of its source
# for the Debian release's main suite), so that the project names no host:
# tools/install-deps.sh adds backports from it and
# tests/check-flatpak-modules.py fetches source packages from it.
set -eu

release=${1:-bookworm}

# deb822 files (/etc/apt/sources.list.d/*.sources): a paragraph whose
# Suites hold the release itself.
for file in /etc/apt/sources.list.d/*.sources; do
  [ -r "$file" ] || continue
  uri=$(awk -v release="$release" '
    BEGIN { RS = ""; FS = "\n" }
    {
      uris = ""; suites = ""; enabled = 1
      for (i = 1; i <= NF; i++) {
        if ($i ~ /^URIs:/) { uris = $i; sub(/^URIs:[ \t]*/, "", uris) }
        if ($i ~ /^Suites:/) { suites = " " $i " "; sub(/^ Suites:/, "", suites) }
        if ($i ~ /^Enabled:[ \t]*no/) enabled = 0
      }
      if (enabled && uris != "" && suites ~ ("[ \t]" release "[ \t]")) {
        split(uris, first, /[ \t]+/); print first[1]; exit
      }
    }' "$file")
  if [ -n "$uri" ]; then
    echo "$uri"
    exit 0
  fi
done

# One-line style (/etc/apt/sources.list, *.list): "deb [opts] URI release ...".
for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
  [ -r "$file" ] || continue
  uri=$(sed -e 's/\[[^]]*\]//' "$file" | awk -v release="$release" \
    '$1 == "deb" && $3 == release { print $2; exit }')
  if [ -n "$uri" ]; then
    echo "$uri"
    exit 0
  fi
done

echo "debian-mirror: no APT source for Debian '$release' on this machine" >&2
exit 1
