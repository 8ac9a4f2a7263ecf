#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Site-mode benchmark. Starts a private PostgreSQL (tests/servers/pg_server.py)
and runs bench-site against it: claim round trips, benches contending for
the next order, and the time a claim takes to reach another bench's
PbSiteWatch. The test harness runs the server without fsync for speed; here
it is made durable again (fsync, synchronous_commit, full_page_writes on),
as a site's server would be, unless --fast.

usage: bench-site.py BUILD_DIR [--fast] [CLAIMS [BENCHES [ORDERS [SAMPLES [HISTORY]]]]]"""

import os
import platform
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "servers"))
import pg_server  # noqa: E402

args = sys.argv[1:]
build = args.pop(0)
fast = "--fast" in args
args = [a for a in args if a != "--fast"]
bench = os.path.join(build, "perf", "bench-site")

why_not = pg_server.available()
if why_not is not None:
    sys.exit(why_not)

with pg_server.PgServer() as pg:
    if not fast:
        for setting in ("fsync", "synchronous_commit", "full_page_writes"):
            pg.sql("ALTER SYSTEM SET %s = on;" % setting)
        pg.sql("SELECT pg_reload_conf();")
    settings = pg.sql("SELECT string_agg(name || '=' || setting, ', ' ORDER BY name)"
                      " FROM pg_settings WHERE name IN"
                      " ('fsync', 'synchronous_commit', 'full_page_writes');")
    version = pg.sql("SHOW server_version;")
    print("PostgreSQL %s (%s) on %s, %d CPUs, load average before: %s"
          % (version, settings, platform.machine(), os.cpu_count(),
             " ".join("%.2f" % x for x in os.getloadavg())))
    sys.stdout.flush()
    env = dict(os.environ, PB_SITE_URI=pg.uri(), PB_SITE_SOCKET_URI=pg.socket_uri())
    status = subprocess.run([bench] + args, env=env).returncode
    print("load average after: %s" % " ".join("%.2f" % x for x in os.getloadavg()))
sys.exit(status)
