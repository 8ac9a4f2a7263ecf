#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Unwraps one slot of a Packbench keyslot file, written from
docs/SECURITY.md ("Keyslot file format") alone, to check that the document
and the C code agree.

Usage: unwrap-keyslot.py KEYSLOT-FILE USERNAME < password

Reads the password (or, for the slot "@recovery", the recovery code) from
standard input, without one trailing newline, and prints the master key as
64 lower-case hex digits. Exits 1 with a message on standard error when the
file is unusable or the password is wrong.
"""

import base64
import binascii
import hashlib
import json
import sys

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

FORMAT = "packbench-keyslots"
VERSIONS = (1, 2)
RECOVERY_SLOT = "@recovery"


class Unusable(Exception):
    pass


def b64(slot, holder, name, length):
    text = holder.get(name)
    if not isinstance(text, str):
        raise Unusable(f"slot {slot['username']!r} has no {name}")
    try:
        data = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise Unusable(f"{name} of slot {slot['username']!r} is not base64")
    if len(data) != length:
        raise Unusable(f"{name} of slot {slot['username']!r} is {len(data)} bytes, not {length}")
    return data


def integer(holder, name):
    value = holder.get(name)
    if not isinstance(value, int) or isinstance(value, bool):
        raise Unusable(f"{name} is not an integer")
    return value


def normalise_recovery_code(typed):
    kept = (c for c in typed if c not in "- \t\n\v\f\r")
    return "".join(c.upper() if "a" <= c <= "z" else c for c in kept)


def unwrap(document, username, password):
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise Unusable("not a Packbench keyslot file")
    if document.get("version") not in VERSIONS:
        raise Unusable(f"unsupported version {document.get('version')!r}")
    store_id = document.get("store_id")
    if not isinstance(store_id, str) or len(store_id) != 32 \
            or any(c not in "0123456789abcdef" for c in store_id):
        raise Unusable("bad store_id")

    slots = [s for s in document.get("slots", []) if isinstance(s, dict)
             and s.get("username") == username]
    if len(slots) != 1:
        raise Unusable(f"no single slot for {username!r}")
    slot = slots[0]

    kind = slot.get("kind")
    if kind not in ("operator", "recovery") \
            or (kind == "recovery") != (username == RECOVERY_SLOT):
        raise Unusable(f"bad kind {kind!r}")

    kdf = slot.get("kdf")
    if not isinstance(kdf, dict) or kdf.get("name") != "scrypt":
        raise Unusable("kdf is not scrypt")
    n, r, p = integer(kdf, "n"), integer(kdf, "r"), integer(kdf, "p")
    if n < 2 or n > 2 ** 22 or n & (n - 1) or not 1 <= r <= 32 or not 1 <= p <= 16 \
            or 128 * r * n > 2 ** 30:
        raise Unusable("unusable scrypt parameters")
    salt = b64(slot, kdf, "salt", 16)

    if slot.get("cipher") != "aes-256-gcm":
        raise Unusable("cipher is not aes-256-gcm")
    nonce = b64(slot, slot, "nonce", 12)
    ciphertext = b64(slot, slot, "ciphertext", 32)
    tag = b64(slot, slot, "tag", 16)

    if kind == "recovery":
        password = normalise_recovery_code(password)

    key = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p,
                         maxmem=128 * r * (n + 2) + 128 * r * p + 2 ** 20, dklen=32)
    sealed = "public_key" in slot
    if sealed and document.get("version") < 2:
        raise Unusable("a sealed slot in a version 1 file")
    if not sealed:
        aad = f"packbench-keyslot-v1|{store_id}|{kind}|{username}".encode("utf-8")
    else:
        public = b64(slot, slot, "public_key", 32)
        aad = f"packbench-keyslot-v2|{store_id}|{kind}|{username}|{public.hex()}".encode("utf-8")
    try:
        plain = AESGCM(key).decrypt(nonce, ciphertext + tag, aad)
    except InvalidTag:
        raise Unusable("wrong password (the tag did not verify)")
    if not sealed:
        return plain

    # Format 2: the plaintext is the slot's X25519 private key, and the
    # master key is sealed to its public key.
    seal = slot.get("seal")
    if not isinstance(seal, dict):
        raise Unusable("sealed slot without a seal")
    ephemeral = b64(slot, seal, "ephemeral", 32)
    private = X25519PrivateKey.from_private_bytes(plain)
    if private.public_key().public_bytes(serialization.Encoding.Raw,
                                         serialization.PublicFormat.Raw) != public:
        raise Unusable("the private key does not match the public key")
    shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral))
    seal_key = HKDF(algorithm=hashes.SHA256(), length=32, salt=ephemeral + public,
                    info=b"packbench-seal-v2").derive(shared)
    seal_aad = f"packbench-seal-v2|{store_id}|{kind}|{username}".encode("utf-8")
    try:
        return AESGCM(seal_key).decrypt(b64(slot, seal, "nonce", 12),
                                        b64(slot, seal, "ciphertext", 32)
                                        + b64(slot, seal, "tag", 16), seal_aad)
    except InvalidTag:
        raise Unusable("the seal did not open (the file was altered)")


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 1
    path, username = sys.argv[1], sys.argv[2]

    password = sys.stdin.buffer.read().decode("utf-8")
    if password.endswith("\r\n"):
        password = password[:-2]
    elif password.endswith("\n"):
        password = password[:-1]

    try:
        with open(path, "rb") as f:
            document = json.loads(f.read().decode("utf-8"))
        master_key = unwrap(document, username, password)
    except (OSError, ValueError, Unusable) as e:
        print(f"unwrap-keyslot: {e}", file=sys.stderr)
        return 1

    print(master_key.hex())
    return 0


if __name__ == "__main__":
    sys.exit(main())
