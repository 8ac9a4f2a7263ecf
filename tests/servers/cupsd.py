# SPDX-License-Identifier: GPL-3.0-or-later
"""A private CUPS scheduler for one test run.

As a module:

    with CupsServer() as cups:
        cups.add_zebra_queue("zebra", "socket://127.0.0.1:9100", "Bench 1 Zebra")
        cups.add_raw_queue("zpl", "socket://127.0.0.1:9101")
        subprocess.run(["lp", ...], env=cups.env())

As a script, for C tests: creates the queues named on the command line,
prints "CUPS_SERVER=127.0.0.1:PORT" on its first stdout line and
"CUPS_ROOT=DIR" on the second, then serves until its stdin closes, so it
never outlives the test that started it:

    cupsd.py [--port PORT] --zebra NAME URI --raw NAME URI --description NAME TEXT
             --default NAME

A caller that must set CUPS_SERVER before it starts any thread (setenv is
not thread-safe) picks the port itself and passes --port.

Everything lives in a fresh directory under /tmp (mode 0755: filters run as
user lp and must reach it): etc/, spool/ (root:lp 0710, spool/tmp 1770),
cache/ (root:lp 0770), state/ (root:lp 0755, state/certs 0511) and log/.
cupsd listens on a free loopback port and on DIR/cups.sock. Queues are made
with lpadmin; cupsctl is never run (it restarts the scheduler).

Raw queues ("lpadmin -m raw") still work on CUPS 2.4.2; lpadmin warns that
they are deprecated. The Zebra queue uses CUPS's own sample driver
(drv:///sample.drv/zebra.ppd: pdftopdf, a raster filter, rastertolabel).

Needs root (cupsd switches to user lp for filters) and the cups,
cups-client and cups-filters packages. CupsServer(unprivileged=True) runs
cupsd as the calling user instead (User, Group and SystemGroup are that
user's), for the demo on a machine where the user is not root; filters then
run as that user too.
"""

import argparse
import grp
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

CUPSD = shutil.which("cupsd", path="/usr/sbin:/usr/bin:" + os.environ.get("PATH", ""))
LPADMIN = shutil.which("lpadmin", path="/usr/sbin:/usr/bin:" + os.environ.get("PATH", ""))
LPSTAT = shutil.which("lpstat", path="/usr/bin:/usr/sbin:" + os.environ.get("PATH", ""))

ZEBRA_MODEL = "drv:///sample.drv/zebra.ppd"

CUPS_FILES_CONF = """\
ServerRoot {root}/etc
RequestRoot {root}/spool
TempDir {root}/spool/tmp
CacheDir {root}/cache
StateDir {root}/state
AccessLog {root}/log/access_log
ErrorLog {root}/log/error_log
PageLog {root}/log/page_log
FileDevice Yes
User {user}
Group {group}
SystemGroup {system_group}
"""

CUPSD_CONF = """\
LogLevel info
Listen 127.0.0.1:{port}
Listen {root}/cups.sock
Browsing No
WebInterface No
IdleExitTimeout 0
JobRetryLimit 0
ErrorPolicy abort-job
DefaultAuthType None
<Location />
  Order allow,deny
  Allow from 127.0.0.1
  Allow from @LOCAL
</Location>
<Policy default>
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
"""


def available(unprivileged=False):
    """Whether a private cupsd can run here; a reason string when not."""
    if os.geteuid() != 0 and not unprivileged:
        return "the private cupsd needs root (its filters run as user lp)"
    for name, path in (("cupsd", CUPSD), ("lpadmin", LPADMIN), ("lpstat", LPSTAT)):
        if path is None:
            return f"{name} is not installed (packages cups, cups-client)"
    return None


def free_port():
    """A loopback TCP port that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class CupsServer:
    def __init__(self, unprivileged=False):
        self.unprivileged = unprivileged and os.geteuid() != 0
        self.root = None
        self.port = None
        self.process = None

    # Life cycle

    def start(self, port=None, timeout=60.0):
        """Starts cupsd on @port, or on a free port when None."""
        reason = available(self.unprivileged)
        if reason:
            raise RuntimeError(reason)
        self.root = tempfile.mkdtemp(prefix="packbench-cups-", dir="/tmp")
        os.chmod(self.root, 0o755)
        if self.unprivileged:
            user = pwd.getpwuid(os.getuid()).pw_name
            group = grp.getgrgid(os.getgid()).gr_name
            accounts = {"user": user, "group": group, "system_group": group}
        else:
            accounts = {"user": "lp", "group": "lp", "system_group": "root"}
            lp = grp.getgrnam("lp").gr_gid
        layout = [
            ("etc", 0o755, False),
            ("spool", 0o710, True),
            ("spool/tmp", 0o1770, True),
            ("cache", 0o770, True),
            ("state", 0o755, True),
            ("state/certs", 0o511, True),
            ("log", 0o755, False),
        ]
        for name, mode, lp_group in layout:
            path = os.path.join(self.root, name)
            os.mkdir(path)
            if lp_group and not self.unprivileged:
                os.chown(path, 0, lp)
            # Run as the user, cupsd owns its folders and must write them.
            os.chmod(path, mode | (0o700 if self.unprivileged else 0))

        # The port is free when chosen; if something takes it before cupsd
        # binds it, cupsd exits and another is tried.
        for _ in range(1 if port else 5):
            self.port = port or free_port()
            with open(os.path.join(self.root, "etc", "cups-files.conf"), "w") as f:
                f.write(CUPS_FILES_CONF.format(root=self.root, **accounts))
            with open(os.path.join(self.root, "etc", "cupsd.conf"), "w") as f:
                f.write(CUPSD_CONF.format(root=self.root, port=self.port))
            self.process = subprocess.Popen(
                [CUPSD, "-f", "-c", os.path.join(self.root, "etc", "cupsd.conf"),
                 "-s", os.path.join(self.root, "etc", "cups-files.conf")],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
            if self._wait_ready(timeout):
                return self
            self._end_process()
        raise RuntimeError("cupsd did not start; see " + self.log_path())

    def _wait_ready(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            result = subprocess.run([LPSTAT, "-r"], env=self.env(), capture_output=True, text=True)
            if result.returncode == 0 and "is running" in result.stdout:
                return True
            time.sleep(0.05)
        return False

    def _end_process(self):
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def stop(self):
        self._end_process()
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # Use

    @property
    def server(self):
        """The CUPS_SERVER value that reaches this scheduler."""
        return f"127.0.0.1:{self.port}"

    def env(self, base=None):
        env = dict(os.environ if base is None else base)
        env["CUPS_SERVER"] = self.server
        return env

    def log_path(self):
        return os.path.join(self.root, "log", "error_log")

    def spool_files(self):
        """The job files cupsd keeps: c* control files and d* documents."""
        spool = os.path.join(self.root, "spool")
        return sorted(name for name in os.listdir(spool) if name[:1] in ("c", "d"))

    def lpadmin(self, *args):
        result = subprocess.run([LPADMIN, *args], env=self.env(), capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"lpadmin {' '.join(args)} failed: {result.stderr.strip()}")

    def add_raw_queue(self, name, uri, description=None):
        """A queue that passes jobs through untouched (lpadmin -m raw)."""
        args = ["-p", name, "-E", "-v", uri, "-m", "raw"]
        if description:
            args += ["-D", description]
        self.lpadmin(*args)

    def add_zebra_queue(self, name, uri, description=None):
        """A queue with CUPS's Zebra ZPL driver: PDF in, ZPL out."""
        args = ["-p", name, "-E", "-v", uri, "-m", ZEBRA_MODEL]
        if description:
            args += ["-D", description]
        self.lpadmin(*args)

    def set_default(self, name):
        self.lpadmin("-d", name)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw", nargs=2, action="append", default=[], metavar=("NAME", "URI"))
    parser.add_argument("--zebra", nargs=2, action="append", default=[], metavar=("NAME", "URI"))
    parser.add_argument("--description", nargs=2, action="append", default=[],
                        metavar=("NAME", "TEXT"))
    parser.add_argument("--default", metavar="NAME")
    parser.add_argument("--port", type=int, help="listen on this loopback port")
    args = parser.parse_args()

    descriptions = dict(args.description)
    cups = CupsServer()
    try:
        cups.start(args.port)
        for name, uri in args.zebra:
            cups.add_zebra_queue(name, uri, descriptions.get(name))
        for name, uri in args.raw:
            cups.add_raw_queue(name, uri, descriptions.get(name))
        if args.default:
            cups.set_default(args.default)
        print(f"CUPS_SERVER={cups.server}", flush=True)
        print(f"CUPS_ROOT={cups.root}", flush=True)
        # Serve until whoever started us goes away.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        while sys.stdin.buffer.read(4096):
            pass
    finally:
        cups.stop()


if __name__ == "__main__":
    main()
