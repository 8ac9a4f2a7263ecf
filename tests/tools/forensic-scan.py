#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Forensic scanner for SQLCipher databases: proves that marker strings are
gone from every byte SQLCipher ever left on disk, not merely from the live rows.

Usage:
  forensic-scan.py --key HEX [--marker TEXT ...] [--markers-file FILE]
                   [--json] [--strict] DB [DB ...]

It decrypts every page of each DB file itself -- free-list pages, pages past
the database size in the header and a partial last page included -- and every
frame of the DB's "-wal" file when there is one, whether SQLite would still
replay that frame or not (stale frames are exactly where deleted rows hide).
Each decrypted page is searched for each marker encoded as UTF-8, UTF-16LE
and UTF-16BE. It does not use SQLite or SQLCipher to read anything: those would
only show the live rows. The page format is described in docs/SECURITY.md,
"Proving deletion: the forensic scanner".

The key is the 256-bit raw master key as 64 hex digits (the database is keyed
with PRAGMA key = "x'<hex>'", so no PBKDF2 is applied to it); "x'<hex>'" is
accepted too.

Exit status: 0 when no marker was found anywhere, 1 when any marker was
found, 2 on an error (bad arguments, a file that cannot be read, or a page 1
that does not authenticate: wrong key or not a SQLCipher database). An error
wins over a finding, because a scan with an error proves nothing. With
--strict, pages that could not be authenticated (HMAC failure, partial page)
also count as an error, since a deletion proof must have read everything.

As a module: scan(paths, key_bytes, markers) -> report dict (see scan()).
"""

import argparse
import hashlib
import hmac
import json
import os
import struct
import sys

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

SQLITE_HEADER = b"SQLite format 3\x00"
SALT_SIZE = 16      # KDF salt stored in place of SQLITE_HEADER on page 1
IV_SIZE = 16
AES_BLOCK = 16
KEY_SIZE = 32
HMAC_SALT_MASK = 0x3A
FAST_KDF_ITER = 2
PAGE_SIZES = [512 << i for i in range(8)]   # 512 ... 65536

WAL_HEADER_SIZE = 32
WAL_FRAME_HEADER_SIZE = 24
WAL_MAGIC_LE = 0x377F0682
WAL_MAGIC_BE = 0x377F0683

ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be")

DIGEST_SIZES = {"sha1": 20, "sha256": 32, "sha512": 64}


class ScanError(Exception):
    """A problem that makes a scan meaningless (bad key, unreadable file)."""


class Profile:
    """One set of SQLCipher cipher parameters."""

    def __init__(self, name, hmac_algo, kdf_algo, default_page_size):
        self.name = name
        self.hmac_algo = hmac_algo
        self.kdf_algo = kdf_algo
        self.default_page_size = default_page_size
        self.hmac_size = DIGEST_SIZES[hmac_algo]
        raw = IV_SIZE + self.hmac_size
        self.reserve = (raw + AES_BLOCK - 1) // AES_BLOCK * AES_BLOCK

    def describe(self):
        return (f"{self.name} (HMAC-{self.hmac_algo.upper()}, "
                f"PBKDF2-HMAC-{self.kdf_algo.upper()} HMAC key, reserve {self.reserve})")


# Tried in this order against page 1's HMAC. The first is the store's
# format, SQLCipher 4's defaults (cipher_compatibility = 4); the second,
# SQLCipher 3's, is that of stores written before Packbench moved to 4 (they
# are migrated on first open) and of old backups; the rest are the other
# algorithm combinations SQLCipher 4 can be configured with
# (cipher_hmac_algorithm, cipher_kdf_algorithm) and cost nothing to try.
PROFILES = [Profile("SQLCipher 4 defaults", "sha512", "sha512", 4096),
            Profile("SQLCipher 3 defaults", "sha1", "sha1", 1024)]
for _h in ("sha1", "sha256", "sha512"):
    for _k in ("sha1", "sha256", "sha512"):
        if not any(p.hmac_algo == _h and p.kdf_algo == _k for p in PROFILES):
            PROFILES.append(Profile("SQLCipher non-default", _h, _k, 4096))


class Codec:
    """Decrypts and authenticates pages for one database."""

    def __init__(self, key, salt, profile, page_size):
        self.key = key
        self.salt = salt
        self.profile = profile
        self.page_size = page_size
        hmac_salt = bytes(b ^ HMAC_SALT_MASK for b in salt)
        self.hmac_key = hashlib.pbkdf2_hmac(profile.kdf_algo, key, hmac_salt,
                                            FAST_KDF_ITER, KEY_SIZE)
        self.usable = page_size - profile.reserve   # plaintext bytes per page

    def _layout(self, pgno):
        return SALT_SIZE if pgno == 1 else 0

    def authenticate(self, pgno, page):
        """True when the page's HMAC verifies. `page` must be a full page."""
        start = self._layout(pgno)
        iv_end = self.usable + IV_SIZE
        mac = hmac.new(self.hmac_key, page[start:iv_end], self.profile.hmac_algo)
        mac.update(struct.pack("<I", pgno & 0xFFFFFFFF))
        stored = page[iv_end:iv_end + self.profile.hmac_size]
        return hmac.compare_digest(mac.digest(), stored)

    def _cbc_decrypt(self, iv, data):
        dec = Cipher(algorithms.AES(self.key), modes.CBC(iv)).decryptor()
        return dec.update(data) + dec.finalize()

    def decrypt(self, pgno, page):
        """Plaintext of a full page (usable part: page_size - reserve bytes)."""
        start = self._layout(pgno)
        iv = page[self.usable:self.usable + IV_SIZE]
        plain = self._cbc_decrypt(iv, page[start:self.usable])
        return (SQLITE_HEADER + plain) if start else plain

    def decrypt_partial(self, pgno, page):
        """What can be decrypted of a page cut short, unauthenticated.

        Returns (offset, plaintext): plaintext covers page bytes from
        `offset` on. With the IV present (it sits at the end of the usable
        area) the whole usable area is decrypted. Without it the first AES
        block of the ciphertext is lost but every later block can still be
        decrypted, since CBC only needs the previous ciphertext block."""
        start = self._layout(pgno)
        if len(page) >= self.usable + IV_SIZE:
            return 0, self.decrypt(pgno, page)
        end = start + (min(len(page), self.usable) - start) // AES_BLOCK * AES_BLOCK
        if end - start < 2 * AES_BLOCK:
            return start, b""
        iv = page[start:start + AES_BLOCK]
        return start + AES_BLOCK, self._cbc_decrypt(iv, page[start + AES_BLOCK:end])


def parse_key(text):
    """64 hex digits (optionally written x'...') -> 32 bytes."""
    t = text.strip()
    if t[:2].lower() == "x'" and t.endswith("'"):
        t = t[2:-1]
    if len(t) != 2 * KEY_SIZE:
        raise ScanError(f"the key must be {2 * KEY_SIZE} hex digits (a raw 256-bit key), "
                        f"got {len(t)} characters")
    try:
        return bytes.fromhex(t)
    except ValueError:
        raise ScanError("the key is not hexadecimal") from None


def detect(key, head):
    """Finds the profile and page size under which page 1 authenticates.

    `head` is the first bytes of the file (at least 65536 if the file is
    that long). Returns (codec, header_notes) or raises ScanError."""
    if len(head) < SALT_SIZE + 2 * AES_BLOCK:
        raise ScanError(f"file is only {len(head)} bytes: no complete page 1")
    if head.startswith(SQLITE_HEADER):
        raise ScanError("this is a plain (unencrypted) SQLite database, not SQLCipher")
    salt = head[:SALT_SIZE]
    for profile in PROFILES:
        sizes = [profile.default_page_size] + [s for s in PAGE_SIZES
                                               if s != profile.default_page_size]
        for size in sizes:
            if size > len(head):
                continue
            codec = Codec(key, salt, profile, size)
            if codec.authenticate(1, head[:size]):
                return codec
    if len(head) < min(PAGE_SIZES):
        raise ScanError(f"file is only {len(head)} bytes, shorter than any page 1")
    cut = ""
    if len(head) < max(p.default_page_size for p in PROFILES[:2]):
        cut = f" (the file is only {len(head)} bytes: truncated?)"
    raise ScanError("page 1 does not authenticate under any supported SQLCipher parameters "
                    "(SQLCipher 4 or 3 defaults, any page size): wrong key, not a SQLCipher "
                    "database, or page 1 is damaged" + cut)


def check_header(codec, page1_plain):
    """Cross-checks the decrypted SQLite header with the detected parameters."""
    notes = []
    raw = struct.unpack(">H", page1_plain[16:18])[0]
    header_size = 65536 if raw == 1 else raw
    if header_size != codec.page_size:
        notes.append(f"decrypted header says page size {header_size}, "
                     f"but page 1 authenticated at {codec.page_size}")
    # SQLite's own reserve (header byte 20) is normally exactly the codec's.
    # It can be larger when the cipher settings were changed after keying
    # (SQLCipher 4 then keeps the reserve it set first); that is harmless,
    # since the whole area in front of the IV is decrypted and searched.
    if page1_plain[20] < codec.profile.reserve:
        notes.append(f"decrypted header says {page1_plain[20]} reserved bytes per page, "
                     f"fewer than the {codec.profile.reserve} the cipher needs")
    return notes


def header_fields(page1_plain):
    """(database size in pages or None, first freelist trunk, freelist count)."""
    change = struct.unpack(">I", page1_plain[24:28])[0]
    size = struct.unpack(">I", page1_plain[28:32])[0]
    valid_for = struct.unpack(">I", page1_plain[92:96])[0]
    trunk, count = struct.unpack(">II", page1_plain[32:40])
    return (size if size and change == valid_for else None), trunk, count


def is_zero(data):
    return not data.strip(b"\x00")


def wal_checksum(data, s0, s1, big_endian):
    words = struct.unpack((">" if big_endian else "<") + f"{len(data) // 4}I", data)
    for i in range(0, len(words), 2):
        s0 = (s0 + words[i] + s1) & 0xFFFFFFFF
        s1 = (s1 + words[i + 1] + s0) & 0xFFFFFFFF
    return s0, s1


class Hits:
    def __init__(self, markers):
        self.patterns = []
        for index, marker in enumerate(markers):
            for enc in ENCODINGS:
                self.patterns.append((index, marker, enc, marker.encode(enc)))
        self.found = []

    def search(self, plain, base, where):
        """Records every occurrence; `base` is the page offset of plain[0]."""
        for index, marker, enc, pattern in self.patterns:
            pos = plain.find(pattern)
            while pos >= 0:
                hit = dict(where)
                hit.update(marker=marker, marker_index=index, encoding=enc, offset=base + pos)
                self.found.append(hit)
                pos = plain.find(pattern, pos + 1)


def read_pages(path, page_size):
    """Yields (pgno, bytes) for every page of the file; the last may be short."""
    with open(path, "rb") as f:
        pgno = 0
        while True:
            page = f.read(page_size)
            if not page:
                return
            pgno += 1
            yield pgno, page


def wal_frames(path, page_size):
    """Parses a WAL file. Returns (info, frames): frames is a list of dicts with
    index (1-based), pgno, commit (db size after commit or 0), salts, the raw
    page bytes (possibly short) and `state`:
      valid        salt matches the header and the checksum chain holds, and a
                   later commit frame makes it part of the database
      uncommitted  salt and checksums fine but no commit frame follows
      stale        salt differs from the header or the checksum chain broke:
                   SQLite ignores it, but its bytes are still on disk
      partial      the file ends inside the frame"""
    with open(path, "rb") as f:
        data = f.read()
    info = {"size": len(data), "header": None, "notes": []}
    frames = []
    if not data:
        return info, frames
    if len(data) < WAL_HEADER_SIZE:
        info["notes"].append(f"WAL is {len(data)} bytes, shorter than its header")
        return info, frames
    magic, version, hdr_ps, ckpt_seq, salt1, salt2, ck1, ck2 = struct.unpack(
        ">8I", data[:WAL_HEADER_SIZE])
    big = magic == WAL_MAGIC_BE
    header_ok = magic in (WAL_MAGIC_LE, WAL_MAGIC_BE)
    if header_ok:
        header_ok = wal_checksum(data[:24], 0, 0, big) == (ck1, ck2)
    hdr_ps = 65536 if hdr_ps == 1 else hdr_ps
    info["header"] = {"magic": magic, "version": version, "page_size": hdr_ps,
                      "checkpoint_seq": ckpt_seq, "salt1": salt1, "salt2": salt2,
                      "valid": header_ok}
    if not header_ok:
        info["notes"].append("WAL header is not valid: every frame is treated as stale")
    if hdr_ps != page_size:
        if header_ok:
            info["notes"].append(f"WAL header page size {hdr_ps} differs from the "
                                 f"database's {page_size}; using {page_size}")
    frame_size = WAL_FRAME_HEADER_SIZE + page_size
    s0, s1 = ck1, ck2
    chain = header_ok
    pending = []
    offset = WAL_HEADER_SIZE
    index = 0
    while offset < len(data):
        index += 1
        raw = data[offset:offset + frame_size]
        frame = {"index": index, "offset": offset}
        offset += frame_size
        if len(raw) < WAL_FRAME_HEADER_SIZE:
            frame.update(pgno=None, commit=0, state="partial",
                         page=b"", header_bytes=len(raw))
            frames.append(frame)
            break
        pgno, commit, fsalt1, fsalt2, fck1, fck2 = struct.unpack(">6I", raw[:24])
        page = raw[24:]
        frame.update(pgno=pgno, commit=commit, page=page)
        if len(page) < page_size:
            frame["state"] = "partial"
            chain = False
        elif chain and (fsalt1, fsalt2) == (salt1, salt2):
            s0, s1 = wal_checksum(raw[:8], s0, s1, big)
            s0, s1 = wal_checksum(page, s0, s1, big)
            if (s0, s1) == (fck1, fck2):
                frame["state"] = "uncommitted"
                pending.append(frame)
                if commit:
                    for p in pending:
                        p["state"] = "valid"
                    pending = []
            else:
                chain = False
                frame["state"] = "stale"
        else:
            chain = False
            frame["state"] = "stale"
        frames.append(frame)
    return info, frames


class Scanner:
    def __init__(self, key, markers):
        self.key = key
        self.hits = Hits(markers)

    def scan_database(self, path):
        result = {"path": path, "kind": "database", "error": None, "notes": []}
        wal_path = path + "-wal"
        try:
            size = os.path.getsize(path)
            with open(path, "rb") as f:
                head = f.read(max(PAGE_SIZES))
        except OSError as e:
            result["error"] = f"cannot read {path}: {e.strerror}"
            return [result]
        try:
            codec = detect(self.key, head)
        except ScanError as e:
            result["error"] = f"{path}: {e}"
            return [result]
        ps = codec.page_size
        page1 = codec.decrypt(1, head[:ps])
        result["notes"] += check_header(codec, page1)
        result.update(format=codec.profile.describe(), profile=codec.profile.name,
                      hmac=codec.profile.hmac_algo, kdf=codec.profile.kdf_algo,
                      page_size=ps, reserve=codec.profile.reserve, file_size=size)
        if os.path.exists(path + "-journal"):
            result["notes"].append(f"{path}-journal exists and was NOT scanned "
                                   "(rollback journals are not supported)")

        # The WAL first, so that database pages can be classified against the
        # database image SQLite currently sees (main file + valid WAL frames).
        wal_result, frames = None, []
        if os.path.exists(wal_path):
            wal_result = {"path": wal_path, "kind": "wal", "error": None, "notes": []}
            try:
                info, frames = wal_frames(wal_path, ps)
                wal_result["notes"] += info["notes"]
                wal_result.update(file_size=info["size"], page_size=ps,
                                  wal_header=info["header"])
            except OSError as e:
                wal_result["error"] = f"cannot read {wal_path}: {e.strerror}"
                frames = []

        # Latest valid frame per page, and the database size it implies.
        latest = {}
        db_pages = None
        for fr in frames:
            if fr["state"] == "valid":
                latest[fr["pgno"]] = fr
                if fr["commit"]:
                    db_pages = fr["commit"]
        current_p1 = page1
        if 1 in latest and codec.authenticate(1, latest[1]["page"]):
            current_p1 = codec.decrypt(1, latest[1]["page"])
        hdr_pages, trunk, free_count = header_fields(current_p1)
        if db_pages is None:
            db_pages = hdr_pages if hdr_pages is not None else size // ps
        free = self._freelist(codec, path, latest, trunk, free_count, result["notes"])

        def status(pgno):
            if pgno > db_pages:
                return "beyond-end"
            return "free" if pgno in free else "in-use"

        self._scan_main(codec, path, result, latest, status)
        result["database_pages"] = db_pages
        result["freelist_pages"] = len(free)
        out = [result]
        if wal_result is not None:
            if wal_result["error"] is None:
                self._scan_wal(codec, wal_path, wal_result, frames, latest, status)
            out.append(wal_result)
        return out

    def _page_for(self, codec, path, latest, pgno):
        """Current plaintext of a page (valid WAL frame, else main file)."""
        fr = latest.get(pgno)
        if fr is not None:
            raw = fr["page"]
        else:
            with open(path, "rb") as f:
                f.seek((pgno - 1) * codec.page_size)
                raw = f.read(codec.page_size)
        if len(raw) < codec.page_size or not codec.authenticate(pgno, raw):
            return None
        return codec.decrypt(pgno, raw)

    def _freelist(self, codec, path, latest, trunk, count, notes):
        """The set of free pages (trunks and leaves) of the current database.
        Only used to label pages: every page is read whatever its label."""
        free = set()
        seen = set()
        while trunk and len(free) < count and trunk not in seen:
            seen.add(trunk)
            plain = self._page_for(codec, path, latest, trunk)
            if plain is None:
                notes.append(f"freelist trunk page {trunk} unreadable; "
                             "free/in-use labels are incomplete")
                return free
            free.add(trunk)
            nxt, n = struct.unpack(">II", plain[:8])
            n = min(n, (len(plain) - 8) // 4)
            free.update(struct.unpack(f">{n}I", plain[8:8 + 4 * n]))
            trunk = nxt
        if len(free) != count:
            notes.append(f"header counts {count} free pages, freelist walk found {len(free)}")
        return free

    def _scan_page(self, codec, pgno, page, where, problems):
        """Authenticates, decrypts and searches one page. Returns 'read',
        'empty' or 'unreadable'."""
        ps = codec.page_size
        if len(page) < ps:
            if is_zero(page):
                problems.append(dict(where, reason=f"partial page: {len(page)} of {ps} "
                                     "bytes, all zero"))
                return "unreadable"
            base, plain = codec.decrypt_partial(pgno, page)
            self.hits.search(plain, base, dict(where, authenticated=False))
            problems.append(dict(where, reason=f"partial page: {len(page)} of {ps} bytes; "
                                 f"HMAC cannot be checked; bytes {base}..{base + len(plain)} "
                                 "decrypted unauthenticated and searched"))
            return "unreadable"
        if is_zero(page):
            return "empty"
        if codec.authenticate(pgno, page):
            self.hits.search(codec.decrypt(pgno, page), 0, dict(where, authenticated=True))
            return "read"
        # Damaged, or written under another key: search what CBC gives anyway.
        self.hits.search(codec.decrypt(pgno, page), 0, dict(where, authenticated=False))
        problems.append(dict(where, reason="HMAC check failed; decrypted unauthenticated "
                             "and searched"))
        return "unreadable"

    def _scan_main(self, codec, path, result, latest, status):
        counts = {"read": 0, "empty": 0, "unreadable": 0}
        by_status = {}
        problems = []
        for pgno, page in read_pages(path, codec.page_size):
            st = "superseded" if pgno in latest else status(pgno)
            where = {"file": path, "kind": "page", "page": pgno, "frame": None, "status": st}
            outcome = self._scan_page(codec, pgno, page, where, problems)
            counts[outcome] += 1
            if outcome == "read":
                by_status[st] = by_status.get(st, 0) + 1
        result.update(pages_total=sum(counts.values()), pages_read=counts["read"],
                      pages_empty=counts["empty"], pages_unreadable=counts["unreadable"],
                      pages_read_by_status=by_status, unreadable=problems)

    def _scan_wal(self, codec, wal_path, result, frames, latest, status):
        counts = {"read": 0, "empty": 0, "unreadable": 0}
        by_state = {}
        problems = []
        listing = []
        for fr in frames:
            pgno = fr["pgno"]
            st = fr["state"]
            if st == "valid":
                st = status(pgno) if latest.get(pgno) is fr else "superseded"
            listing.append({"frame": fr["index"], "page": pgno, "status": st,
                            "commit": fr["commit"]})
            where = {"file": wal_path, "kind": "frame", "page": pgno,
                     "frame": fr["index"], "status": st}
            if pgno is None:
                problems.append(dict(where, reason=f"partial frame header "
                                     f"({fr['header_bytes']} bytes)"))
                counts["unreadable"] += 1
                continue
            if pgno == 0 and not is_zero(fr["page"]):
                problems.append(dict(where, reason="frame header has page number 0"))
                counts["unreadable"] += 1
                continue
            outcome = self._scan_page(codec, pgno, fr["page"], where, problems)
            counts[outcome] += 1
            if outcome == "read":
                by_state[st] = by_state.get(st, 0) + 1
        result.update(frames_total=len(frames), frames=listing, pages_read=counts["read"],
                      pages_empty=counts["empty"], pages_unreadable=counts["unreadable"],
                      pages_read_by_status=by_state, unreadable=problems)


def scan(paths, key_bytes, markers):
    """Scans each database in `paths` (and its -wal) for `markers` (str).

    Returns a dict:
      files:  one entry per database and per WAL: path, kind ("database" or
              "wal"), error (None or a message), notes, and when readable
              format, page_size, reserve, pages_total, pages_read,
              pages_empty (all-zero, no data), pages_unreadable,
              pages_read_by_status and unreadable (list of {page, frame,
              reason}); database entries also have database_pages and
              freelist_pages, WAL entries frames_total, wal_header and frames
              (one {frame, page, status, commit} per frame).
      hits:   one entry per occurrence: marker, marker_index, encoding, file,
              kind ("page" or "frame"), page, frame (WAL frame index, 1-based,
              or None), offset within the page, authenticated, and status:
              in-use | free | beyond-end (past the database size) |
              superseded (a newer version of the page is in the WAL) |
              uncommitted | stale (WAL frames SQLite ignores).
      found:  True when there is at least one hit.
      errors: the error messages of all files.
    """
    if len(key_bytes) != KEY_SIZE:
        raise ScanError(f"the key must be {KEY_SIZE} bytes")
    markers = list(markers)
    if any(not m for m in markers):
        raise ScanError("empty marker")
    scanner = Scanner(bytes(key_bytes), markers)
    files = []
    for path in paths:
        files += scanner.scan_database(os.fspath(path))
    return {"files": files, "hits": scanner.hits.found, "found": bool(scanner.hits.found),
            "markers": markers, "errors": [f["error"] for f in files if f["error"]]}


def exit_status(report, strict=False):
    if report["errors"]:
        return 2
    if report["found"]:
        return 1
    if strict and any(f.get("pages_unreadable") for f in report["files"]):
        return 2
    return 0


def print_text(report, out):
    for f in report["files"]:
        if f["error"]:
            print(f"ERROR {f['error']}", file=out)
            continue
        if f["kind"] == "database":
            print(f"{f['path']}: {f['format']}, page size {f['page_size']}", file=out)
            print(f"  {f['pages_total']} pages in file ({f['database_pages']} in the database, "
                  f"{f['freelist_pages']} on the freelist): {f['pages_read']} read, "
                  f"{f['pages_empty']} empty (all zero), {f['pages_unreadable']} unreadable",
                  file=out)
        else:
            print(f"{f['path']}: {f['frames_total']} frames: {f['pages_read']} read, "
                  f"{f['pages_empty']} empty (all zero), {f['pages_unreadable']} unreadable",
                  file=out)
        if f["pages_read_by_status"]:
            parts = ", ".join(f"{n} {s}" for s, n in sorted(f["pages_read_by_status"].items()))
            print(f"  read: {parts}", file=out)
        for p in f["unreadable"]:
            loc = f"frame {p['frame']} (page {p['page']})" if p["kind"] == "frame" \
                else f"page {p['page']}"
            print(f"  UNREADABLE {loc}: {p['reason']}", file=out)
        for note in f["notes"]:
            print(f"  note: {note}", file=out)
    for h in report["hits"]:
        loc = f"frame {h['frame']} (page {h['page']})" if h["kind"] == "frame" \
            else f"page {h['page']}"
        auth = "" if h["authenticated"] else ", unauthenticated"
        print(f"FOUND marker #{h['marker_index'] + 1} {h['marker']!r} ({h['encoding']}) in "
              f"{h['file']} {loc} at offset {h['offset']} [{h['status']}{auth}]", file=out)
    found = sorted({h["marker_index"] for h in report["hits"]})
    if report["errors"]:
        print("result: ERROR, the scan is incomplete", file=out)
    elif found:
        print(f"result: {len(found)} of {len(report['markers'])} markers found", file=out)
    else:
        print(f"result: none of the {len(report['markers'])} markers found", file=out)


def json_default(value):
    if isinstance(value, bytes):
        return value.hex()
    raise TypeError(type(value).__name__)


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Decrypt every page and WAL frame of SQLCipher databases and "
                    "search them for marker strings.")
    parser.add_argument("--key", required=True, help="raw 256-bit key, 64 hex digits")
    parser.add_argument("--marker", action="append", default=[], help="text to look for")
    parser.add_argument("--markers-file", action="append", default=[],
                        help="UTF-8 file with one marker per line (blank lines ignored)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--strict", action="store_true",
                        help="exit 2 when any page could not be authenticated")
    parser.add_argument("db", nargs="+", help="SQLCipher database file")
    args = parser.parse_args(argv)
    try:
        key = parse_key(args.key)
        markers = list(args.marker)
        for name in args.markers_file:
            try:
                with open(name, encoding="utf-8") as f:
                    markers += [line.rstrip("\r\n") for line in f if line.strip()]
            except (OSError, UnicodeDecodeError) as e:
                raise ScanError(f"cannot read markers file {name}: {e}") from None
        if not markers:
            raise ScanError("no markers given (--marker or --markers-file)")
        report = scan(args.db, key, markers)
    except ScanError as e:
        print(f"forensic-scan: {e}", file=sys.stderr)
        return 2
    if args.json:
        json.dump(report, sys.stdout, indent=2, default=json_default, ensure_ascii=False)
        print()
    else:
        print_text(report, sys.stdout)
    for err in report["errors"]:
        print(f"forensic-scan: {err}", file=sys.stderr)
    return exit_status(report, args.strict)


if __name__ == "__main__":
    sys.exit(main())
