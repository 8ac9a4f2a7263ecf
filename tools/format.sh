#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Formats every C file in place with the project's .clang-format.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
find src tests perf -name '*.[ch]' -print0 | xargs -0 clang-format -i
