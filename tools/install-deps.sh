#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs the Debian packages listed in tools/packages.txt that are missing
# or older than the list asks. Idempotent; uses apt-get as root, or through
# sudo.
#
# A line of packages.txt is "NAME", or "NAME >=VERSION @SUITE": at least that
# version, from that suite. Only bookworm-backports is used so, for SQLCipher
# 4.6.1 (Debian 12 itself has 3.4.1): this script then adds bookworm-backports
# from the machine's own Debian mirror (tools/debian-mirror.sh) and pins only
# those packages to it (/etc/apt/preferences.d/packbench-backports); nothing
# else comes from backports.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
list=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$here/packages.txt")

missing=""
backported=""
count=0
# Word splitting on purpose: one line is one package with its conditions.
# shellcheck disable=SC2086
while read -r package rest; do
  count=$((count + 1))
  minimum=""
  suite=""
  for word in $rest; do
    case "$word" in
    ">="*) minimum=${word#>=} ;;
    "@"*) suite=${word#@} ;;
    *)
      echo "install-deps: packages.txt: cannot read '$word' on the line of $package" >&2
      exit 2
      ;;
    esac
  done
  if [ -n "$suite" ]; then
    backported="$backported $package"
    # Its runtime library comes along; pin it too.
    if [ "$package" = "libsqlcipher-dev" ]; then
      backported="$backported libsqlcipher1"
    fi
  fi
  status=$(dpkg-query -W -f='${Status} ${Version}' "$package" 2>/dev/null || true)
  case "$status" in
  "install ok installed "*)
    version=${status#install ok installed }
    if [ -n "$minimum" ] && ! dpkg --compare-versions "$version" ge "$minimum"; then
      missing="$missing $package"
    fi
    ;;
  *) missing="$missing $package" ;;
  esac
done <<LIST
$list
LIST

if [ -z "$missing" ]; then
  echo "install-deps: all $count packages are installed"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  sudo=""
elif command -v sudo >/dev/null 2>&1; then
  sudo="sudo"
else
  echo "install-deps: these packages are missing or too old and I am not root and have no sudo:$missing" >&2
  exit 1
fi

if [ -n "$backported" ]; then
  if ! grep -rqs --include='*.list' --include='*.sources' --include=sources.list \
    'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    mirror=$("$here/debian-mirror.sh" bookworm)
    echo "install-deps: adding bookworm-backports from $mirror"
    printf '%s\n' \
      "# Added by Packbench's tools/install-deps.sh: SQLCipher 4 (see" \
      "# /etc/apt/preferences.d/packbench-backports; nothing else is taken from here)." \
      "Types: deb" \
      "URIs: $mirror" \
      "Suites: bookworm-backports" \
      "Components: main" \
      "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg" |
      $sudo tee /etc/apt/sources.list.d/packbench-backports.sources >/dev/null
  fi
  # Specific pins first: these packages from backports, every other
  # backported package no more than Debian's default for backports.
  printf '%s\n' \
    "Explanation: Packbench (tools/install-deps.sh): SQLCipher 4 from bookworm-backports" \
    "Package:$backported" \
    "Pin: release n=bookworm-backports" \
    "Pin-Priority: 990" \
    "" \
    "Explanation: nothing else from bookworm-backports unless asked for" \
    "Package: *" \
    "Pin: release n=bookworm-backports" \
    "Pin-Priority: 100" |
    $sudo tee /etc/apt/preferences.d/packbench-backports >/dev/null
fi

echo "install-deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
# shellcheck disable=SC2086
$sudo apt-get install -y -q --no-install-recommends $missing
