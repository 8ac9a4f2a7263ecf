#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the bench's feedback sounds as small WAV files.

Each sound is made of notes, so that a packer can tell them apart without
looking: rising for good news, low and buzzing for a wrong item, falling
for a failure. Generated at build time; nothing binary is kept in git.

Usage: make-sounds.py OUTPUT_DIR NAME...
"""
import math
import os
import struct
import sys
import wave

RATE = 22050

# name: [(frequency Hz, seconds, waveform)], a None frequency is a rest.
SOUNDS = {
    "opened": [(880, 0.06, "sine")],
    "verified": [(1320, 0.08, "sine")],
    "complete": [(1320, 0.08, "sine"), (None, 0.03, ""), (1760, 0.12, "sine")],
    "printed": [(1047, 0.09, "sine"), (1319, 0.09, "sine"), (1568, 0.18, "sine")],
    "wrong-item": [(180, 0.45, "square")],
    "refused": [(260, 0.12, "square"), (None, 0.05, ""), (260, 0.12, "square")],
    "error": [(660, 0.15, "triangle"), (440, 0.15, "triangle"), (294, 0.3, "triangle")],
    "cancelled": [(150, 0.2, "square"), (None, 0.08, ""), (150, 0.2, "square"),
                  (None, 0.08, ""), (150, 0.35, "square")],
}


def sample(waveform, phase):
    if waveform == "square":
        return 0.5 if math.sin(phase) >= 0 else -0.5
    if waveform == "triangle":
        return 2 / math.pi * math.asin(math.sin(phase))
    return math.sin(phase)


def render(notes):
    frames = bytearray()
    for frequency, seconds, waveform in notes:
        n = int(RATE * seconds)
        fade = max(1, int(RATE * 0.005))  # no clicks at the edges
        for i in range(n):
            value = 0.0
            if frequency is not None:
                envelope = min(1.0, i / fade, (n - i) / fade)
                value = 0.6 * envelope * sample(waveform, 2 * math.pi * frequency * i / RATE)
            frames += struct.pack("<h", int(value * 32767))
    return bytes(frames)


def main():
    out_dir, names = sys.argv[1], sys.argv[2:]
    os.makedirs(out_dir, exist_ok=True)
    for name in names:
        with wave.open(os.path.join(out_dir, f"{name}.wav"), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(RATE)
            w.writeframes(render(SOUNDS[name]))


if __name__ == "__main__":
    main()
