# SPDX-License-Identifier: GPL-3.0-or-later
"""A network label printer that only listens: a TCP sink.

Each connection is one print job. Its bytes are read until the sender shuts
its side, kept, written to their own file when a directory is given, and
only then is the connection closed: CUPS's socket backend waits for that
close before it calls the job completed, so a completed job's bytes are
always there to read. A sink that is not listening is a printer that is
switched off. A sink made with hold=True keeps every connection open after
its bytes arrived, until it stops: a printer that takes the job and never
finishes it, so CUPS (and whoever watches the job) waits on it.

Files are named by a pattern: "{n}" is the job's number in this run and
"{stamp}" the local time it arrived (YYYYMMDD-HHMMSS), so a folder that
outlives the sink (the demo's labels folder) is never overwritten: when the
name is taken, "-2", "-3"... goes before the extension.

As a module:

    with PrinterSink() as sink:          # or PrinterSink(port=9100, directory=..., name=...)
        uri = f"socket://127.0.0.1:{sink.port}"
        ...
        data = sink.wait_for_jobs(1)[0]

As a script, for C tests: prints the port on its first stdout line, then one
line "JOB <n> <bytes> <path>" per finished connection, and stops when its
stdin closes:

    printer_sink.py --dir DIR [--port PORT] [--name label-{stamp}-{n}.pdf]
"""

import argparse
import os
import socket
import sys
import threading
import time


class PrinterSink:
    def __init__(self, port=0, directory=None, on_job=None, name="job-{n}.bin", hold=False):
        self.requested_port = port
        self.hold = hold
        self._released = threading.Event()
        self.directory = directory
        self.name = name
        self.on_job = on_job
        self.port = None
        self.jobs = []
        self._lock = threading.Condition()
        self._socket = None
        self._thread = None
        self._stopping = False

    def start(self):
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", self.requested_port))
        self._socket.listen(16)
        self.port = self._socket.getsockname()[1]
        self._thread = threading.Thread(target=self._accept_loop, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self._stopping = True
        self._released.set()
        if self._socket is not None:
            try:
                self._socket.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self._socket.close()
        if self._thread is not None:
            self._thread.join(5)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def wait_for_jobs(self, count, timeout=60.0):
        """The first @count jobs' bytes, once that many have arrived."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self.jobs) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"{len(self.jobs)} of {count} jobs arrived")
                self._lock.wait(remaining)
            return list(self.jobs[:count])

    def _accept_loop(self):
        while not self._stopping:
            try:
                connection, _ = self._socket.accept()
            except OSError:
                return
            threading.Thread(target=self._receive, args=(connection,), daemon=True).start()

    def _free_path(self, number):
        name = self.name.format(n=number, stamp=time.strftime("%Y%m%d-%H%M%S"))
        stem, extension = os.path.splitext(name)
        path = os.path.join(self.directory, name)
        suffix = 1
        while os.path.exists(path):
            suffix += 1
            path = os.path.join(self.directory, f"{stem}-{suffix}{extension}")
        return path

    def _write(self, number, data):
        path = self._free_path(number)
        with open(path + ".part", "wb") as f:
            f.write(data)
        os.rename(path + ".part", path)
        return path

    def _receive(self, connection):
        chunks = []
        with connection:
            while True:
                try:
                    chunk = connection.recv(65536)
                except OSError:
                    break
                if not chunk:
                    break
                chunks.append(chunk)
            data = b"".join(chunks)
            with self._lock:
                self.jobs.append(data)
                number = len(self.jobs)
                path = None
                if self.directory is not None:
                    path = self._write(number, data)
                if self.on_job is not None:
                    self.on_job(number, data, path)
                self._lock.notify_all()
            if self.hold:
                self._released.wait()
        # The connection closes here, after the bytes are stored.


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", required=True, help="write each job to a file in DIR")
    parser.add_argument("--port", type=int, default=0, help="listen on this port (0: any free one)")
    parser.add_argument("--name", default="job-{n}.bin",
                        help="file name pattern: {n} job number, {stamp} local time")
    args = parser.parse_args()

    def report(number, data, path):
        print(f"JOB {number} {len(data)} {path}", flush=True)

    with PrinterSink(args.port, args.dir, on_job=report, name=args.name) as sink:
        print(sink.port, flush=True)
        while sys.stdin.buffer.read(4096):
            pass


if __name__ == "__main__":
    main()
