# SPDX-License-Identifier: GPL-3.0-or-later
"""A private PostgreSQL server for one test run (site mode).

As a module:

    with pg_server.PgServer() as pg:
        subprocess.run(["psql", pg.uri(), "-c", "SELECT 1"])   # as role packbench
        pg.sql("SELECT count(*) FROM pg_stat_activity")        # as the superuser
        pg.terminate_backends("packbench")                    # a lost connection

As a script, for C tests (spawn it with a stdout pipe and a stdin pipe):

    pg_server.py [--print-uri] [--port PORT]

prints one JSON line on stdout once the server accepts connections:

    {"uri": "postgresql://packbench:PW@127.0.0.1:PORT/packbench_site
             ?sslmode=verify-full&sslrootcert=CA" (one line),
     "host": "127.0.0.1", "port": PORT, "user": "packbench", "password": PW,
     "dbname": "packbench_site", "ca": CA, "socket_dir": DIR, "socket_uri": ...,
     "superuser": "postgres", "superuser_password": PW2, "superuser_uri": ...,
     "datadir": DIR, "dir": DIR, "log": FILE}

then serves until its stdin closes (so it never outlives its test) or it gets
SIGTERM/SIGINT, and stops the server (pg_ctl -m immediate) and removes every
file. The passwords are random per run and the line goes only to the pipe of
the process that started it. --print-uri is the default and accepted for
clarity. When the server cannot run here (no PostgreSQL installed) the line
is {"skip": REASON} and the exit status 77.

The server: Debian's PostgreSQL (package postgresql; 15 on Debian 12) in a
fresh folder under /tmp (mode 0755) holding data/ (initdb: UTF8, locale C,
scram-sha-256 everywhere, a random superuser password), tls/ (a test CA and a
certificate for localhost and 127.0.0.1 from pbcerts.py; the key 0600),
sock/ (unix_socket_directories) and postgres.log. It listens on 127.0.0.1 on
a free port, ssl = on, ssl_min_protocol_version = TLSv1.2, and pg_hba.conf is

    local   all all                scram-sha-256
    hostssl all all 127.0.0.1/32   scram-sha-256
    host    all all 127.0.0.1/32   reject

so over TCP only TLS with a password gets in, and nothing is trusted, not
even the local socket. A role `packbench` (LOGIN, a random password, no other
rights) owns the database `packbench_site`. pg_ctl -w waits for the server to
accept connections: no fixed delays.

initdb and the server refuse to run as root: as root everything of the
server runs as user postgres (runuser -u postgres --) in a folder that user
owns; as another user it runs as that user. PB_PG_BINDIR names the folder of
initdb/pg_ctl/psql when it is not Debian's /usr/lib/postgresql/N/bin or PATH.
"""

import argparse
import glob
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import pbcerts  # noqa: E402

ROLE = "packbench"
DATABASE = "packbench_site"
SUPERUSER = "postgres"
HOST = "127.0.0.1"

PG_HBA = """\
# Packbench test server (tests/servers/pg_server.py)
# TYPE  DATABASE USER ADDRESS        METHOD
local   all      all                 scram-sha-256
hostssl all      all  127.0.0.1/32   scram-sha-256
host    all      all  127.0.0.1/32   reject
host    all      all  ::1/128        reject
"""

POSTGRESQL_CONF = """\
# Packbench test server (tests/servers/pg_server.py)
listen_addresses = '127.0.0.1'
port = {port}
unix_socket_directories = '{socket_dir}'
unix_socket_permissions = 0777
ssl = on
ssl_cert_file = '{cert}'
ssl_key_file = '{key}'
ssl_min_protocol_version = 'TLSv1.2'
password_encryption = 'scram-sha-256'
max_connections = 100
# A test database: surviving the machine's crash does not matter, speed
# does (no fsync). Commits still reach the kernel before they are answered
# (synchronous_commit on), so a crash of the server (stop_server's
# "immediate") keeps every commit a client was told of, as a real server
# does; without that, a test's crash could forget the last commits at
# random (Outage did, on a busy machine).
fsync = off
synchronous_commit = on
full_page_writes = off
logging_collector = off
log_connections = on
log_disconnections = on
"""


def bindir():
    """The folder of initdb, pg_ctl, postgres and psql, or None."""
    wanted = os.environ.get("PB_PG_BINDIR")
    if wanted:
        return wanted if os.access(os.path.join(wanted, "initdb"), os.X_OK) else None
    # Debian's: /usr/lib/postgresql/N/bin, the highest N (not on PATH).
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    if found:
        return os.path.dirname(found[-1])
    initdb = shutil.which("initdb")
    return os.path.dirname(os.path.realpath(initdb)) if initdb else None


def available():
    """None when a private server can run here, else why not (a skip reason)."""
    folder = bindir()
    if folder is None:
        return ("PostgreSQL's server programs (initdb, pg_ctl) are not installed "
                "(Debian package postgresql)")
    for name in ("initdb", "pg_ctl", "postgres", "psql"):
        if not os.access(os.path.join(folder, name), os.X_OK):
            return "%s is missing from %s (Debian packages postgresql, postgresql-client)" % (
                name, folder)
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root, and there is no user postgres to run the server as"
        if shutil.which("runuser") is None:
            return "running as root, and runuser (util-linux) is missing"
    return None


def free_port():
    """A loopback TCP port that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def make_uri(user, password, host, port, dbname, **params):
    """A libpq connection URI; @params become its query (None values left out)."""
    netloc = "%s:%s@%s:%d" % (urllib.parse.quote(user, safe=""),
                              urllib.parse.quote(password, safe=""), host, port)
    query = urllib.parse.urlencode({k: v for k, v in params.items() if v is not None},
                                   safe="/")
    return "postgresql://%s/%s%s" % (netloc, urllib.parse.quote(dbname, safe=""),
                                     "?" + query if query else "")


class PgServer:
    def __init__(self):
        self.bindir = None
        self.dir = None
        self.port = None
        self.password = secrets.token_hex(16)
        self.superuser_password = secrets.token_hex(16)
        self.certs = None
        self.running = False

    # Paths

    @property
    def datadir(self):
        return os.path.join(self.dir, "data")

    @property
    def socket_dir(self):
        return os.path.join(self.dir, "sock")

    @property
    def log(self):
        return os.path.join(self.dir, "postgres.log")

    @property
    def ca(self):
        return self.certs["ca"]

    # Life cycle

    def _as_server_user(self, args):
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--"] + args
        return args

    def _run(self, args, **kwargs):
        """Runs a server program as the server's user, in the server's folder."""
        return subprocess.run(self._as_server_user(args), cwd=self.dir, capture_output=True,
                              text=True, **kwargs)

    def start(self, port=None, timeout=120):
        """initdb, the certificates, the configuration; starts the server on @port (a
        free one when None), makes the role and the database. Returns self."""
        reason = available()
        if reason:
            raise RuntimeError(reason)
        self.bindir = bindir()
        self.dir = tempfile.mkdtemp(prefix="packbench-pg-", dir="/tmp")
        os.chmod(self.dir, 0o755)
        os.mkdir(self.socket_dir, 0o755)
        self.certs = pbcerts.make_ca_and_server(os.path.join(self.dir, "tls"),
                                                name="Packbench PostgreSQL Test")
        os.chmod(self.certs["dir"], 0o755)
        for name in ("ca", "cert"):
            os.chmod(self.certs[name], 0o644)
        # The CA's key is not the server's business.
        os.remove(os.path.join(self.certs["dir"], "ca.key"))
        os.chmod(self.certs["key"], 0o600)
        pwfile = os.path.join(self.dir, "superuser-password")
        with open(os.open(pwfile, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as f:
            f.write(self.superuser_password + "\n")
        if os.geteuid() == 0:
            account = pwd.getpwnam("postgres")
            for folder, _, files in os.walk(self.dir):
                os.chown(folder, account.pw_uid, account.pw_gid)
                for name in files:
                    os.chown(os.path.join(folder, name), account.pw_uid, account.pw_gid)

        result = self._run([os.path.join(self.bindir, "initdb"), "-D", self.datadir,
                            "-U", SUPERUSER, "--pwfile", pwfile, "--auth", "scram-sha-256",
                            "-E", "UTF8", "--locale", "C", "--no-sync"], timeout=timeout)
        os.remove(pwfile)
        if result.returncode != 0:
            raise RuntimeError("initdb failed:\n" + result.stdout + result.stderr)
        with open(os.path.join(self.datadir, "pg_hba.conf"), "w") as f:
            f.write(PG_HBA)
        with open(os.path.join(self.datadir, "postgresql.conf"), "a") as f:
            f.write("\ninclude = 'packbench.conf'\n")

        # The port is free when chosen; if something takes it before the
        # server binds it, pg_ctl fails and another is tried.
        for _ in range(1 if port else 5):
            self.port = port or free_port()
            self._write_conf()
            if self.start_server(timeout, raise_error=port is not None):
                break
        else:
            raise RuntimeError("the PostgreSQL server did not start; see " + self.log)

        self.sql("CREATE ROLE %s LOGIN PASSWORD '%s';\n"
                 "CREATE DATABASE %s OWNER %s;\n"
                 "REVOKE ALL ON DATABASE %s FROM PUBLIC;\n"
                 % (ROLE, self.password, DATABASE, ROLE, DATABASE))
        return self

    def _write_conf(self):
        path = os.path.join(self.datadir, "packbench.conf")
        with open(path, "w") as f:
            f.write(POSTGRESQL_CONF.format(port=self.port, socket_dir=self.socket_dir,
                                           cert=self.certs["cert"], key=self.certs["key"]))
        if os.geteuid() == 0:
            account = pwd.getpwnam("postgres")
            os.chown(path, account.pw_uid, account.pw_gid)

    def start_server(self, timeout=120, raise_error=True):
        """Starts the server on its data (again, after stop_server()); pg_ctl -w
        returns once it accepts connections. False (or an error) if it did not."""
        result = self._run([os.path.join(self.bindir, "pg_ctl"), "-D", self.datadir,
                            "-l", self.log, "-w", "-t", str(int(timeout)), "start"],
                           timeout=timeout + 30)
        if result.returncode != 0:
            if raise_error:
                raise RuntimeError("pg_ctl start failed:\n%s%s\n%s" % (
                    result.stdout, result.stderr, self.log_tail()))
            return False
        self.running = True
        return True

    def stop_server(self, mode="immediate"):
        """Stops the server, keeping its data (a crash with "immediate")."""
        # postmaster.pid too: a signal may have come between pg_ctl starting
        # the server and this object knowing it.
        if self.running or os.path.exists(os.path.join(self.datadir, "postmaster.pid")):
            self._run([os.path.join(self.bindir, "pg_ctl"), "-D", self.datadir, "-m", mode,
                       "-w", "stop"], timeout=120)
            self.running = False

    def stop(self):
        """Stops the server and removes its folder."""
        if self.dir is None:
            return
        try:
            self.stop_server()
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # Use

    def uri(self, sslmode="verify-full", sslrootcert=None, user=ROLE, password=None,
            dbname=DATABASE, host=HOST, **params):
        """A URI for TCP to this server: by default as role packbench, TLS with the
        test CA and the host name checked (sslmode=verify-full)."""
        if password is None:
            password = self.superuser_password if user == SUPERUSER else self.password
        if sslrootcert is None and sslmode in ("verify-ca", "verify-full"):
            sslrootcert = self.ca
        return make_uri(user, password, host, self.port, dbname, sslmode=sslmode,
                        sslrootcert=sslrootcert, **params)

    def socket_uri(self, user=ROLE, password=None, dbname=DATABASE):
        """A URI for the local socket (no TLS there; a password still)."""
        if password is None:
            password = self.superuser_password if user == SUPERUSER else self.password
        return "postgresql://%s:%s@/%s?host=%s&port=%d" % (
            urllib.parse.quote(user, safe=""), urllib.parse.quote(password, safe=""),
            urllib.parse.quote(dbname, safe=""), urllib.parse.quote(self.socket_dir, safe="/"),
            self.port)

    def psql(self, uri, sql, check=False):
        """Runs @sql with psql on @uri (tuples only, unaligned, stop on error);
        the CompletedProcess (text)."""
        env = dict(os.environ)
        for name in ("PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE", "PGSSLMODE",
                     "PGSSLROOTCERT", "PGSERVICE", "PGPASSFILE"):
            env.pop(name, None)
        env["PGCONNECT_TIMEOUT"] = "60"
        # psql -f - reads @sql from stdin: nothing of it on the command line.
        return subprocess.run([os.path.join(self.bindir, "psql"), "-X", "-q", "-A", "-t",
                               "-v", "ON_ERROR_STOP=1", "-d", uri, "-f", "-"],
                              input=sql, capture_output=True, text=True, env=env, timeout=120,
                              check=check)

    def sql(self, sql, dbname="postgres"):
        """Runs @sql as the superuser over the local socket; its output, stripped.
        Raises RuntimeError when psql fails."""
        result = self.psql(self.socket_uri(SUPERUSER, dbname=dbname), sql)
        if result.returncode != 0:
            raise RuntimeError("psql failed: " + result.stderr.strip())
        return result.stdout.strip()

    def terminate_backends(self, user=ROLE):
        """Ends every session of @user, as a lost network or a crashed bench would
        (advisory locks held by those sessions go with them). Returns once they
        have ended (pg_terminate_backend waits, up to a minute): how many."""
        return int(self.sql("SELECT count(pg_terminate_backend(pid, 60000)) "
                            "FROM pg_stat_activity WHERE usename = '%s';"
                            % user.replace("'", "''")) or 0)

    def log_tail(self, lines=30):
        try:
            with open(self.log, errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return ""

    def info(self):
        """What a C test needs, as a dict (the script's JSON line)."""
        return {
            "uri": self.uri(),
            "host": HOST,
            "port": self.port,
            "user": ROLE,
            "password": self.password,
            "dbname": DATABASE,
            "ca": self.ca,
            "socket_dir": self.socket_dir,
            "socket_uri": self.socket_uri(),
            "superuser": SUPERUSER,
            "superuser_password": self.superuser_password,
            "superuser_uri": self.socket_uri(SUPERUSER, dbname="postgres"),
            "datadir": self.datadir,
            "dir": self.dir,
            "log": self.log,
        }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--print-uri", action="store_true",
                        help="print the JSON line (the default)")
    parser.add_argument("--port", type=int, help="listen on this loopback port")
    args = parser.parse_args()

    reason = available()
    if reason:
        print(json.dumps({"skip": reason}), flush=True)
        return 77
    server = PgServer()

    def finish(*_):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, finish)
    signal.signal(signal.SIGINT, finish)
    try:
        server.start(args.port)
        print(json.dumps(server.info()), flush=True)
        # Serve until whoever started us goes away.
        while sys.stdin.buffer.read(4096):
            pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
