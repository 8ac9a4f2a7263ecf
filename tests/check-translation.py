# SPDX-License-Identifier: GPL-3.0-or-later
"""Every translation in po/LINGUAS is complete, valid and shown by the program.

For each language:
  1. msgfmt --check --check-accelerators=_ accepts po/LANG.po (formats,
     plural forms, header, one mnemonic where the English has one);
  2. every message of a template extracted now from po/POTFILES.in (never a
     committed, possibly stale packbench.pot) is in po/LANG.po, translated,
     not fuzzy, with every plural form;
  3. "LANGUAGE=LANG packbench --help" shows the translated option
     descriptions, from the catalogue this build compiled.

tests/check-potfiles.py checks the other half: every file with translatable
strings is in po/POTFILES.in.

Usage: check-translation.py SOURCE_ROOT PO_BUILD_DIR PACKBENCH XGETTEXT MSGFMT
                            [XGETTEXT_ARGS...]
"""

import os
import pathlib
import re
import subprocess
import sys
import tempfile

ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


def unescape(text):
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(0)), text)


class Entry:
    def __init__(self):
        self.ctx = None
        self.msgid = None
        self.plural = None
        self.msgstr = {}
        self.flags = set()
        self.obsolete = False

    def key(self):
        return (self.ctx, self.msgid)

    def name(self):
        shown = self.msgid if len(self.msgid) <= 70 else self.msgid[:67] + "…"
        return f"[{self.ctx}] {shown!r}" if self.ctx is not None else repr(shown)


def parse_po(path):
    """The entries of a PO file, header included (msgid "")."""
    entries = []
    entry = Entry()
    field = None

    def finish():
        nonlocal entry, field
        if entry.msgid is not None:
            entries.append(entry)
        entry = Entry()
        field = None

    for number, line in enumerate(pathlib.Path(path).read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
        if not line:
            finish()
            continue
        if line.startswith("#"):
            if entry.msgid is not None:
                finish()
            if line.startswith("#,"):
                entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        match = re.match(r'(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+"(.*)"$', line)
        if match:
            keyword, index, value = match.group(1), match.group(2), unescape(match.group(3))
            if keyword in ("msgctxt", "msgid") and entry.msgstr:
                finish()
            entry.obsolete = entry.obsolete or obsolete
            if keyword == "msgctxt":
                entry.ctx, field = value, ("ctx", None)
            elif keyword == "msgid":
                entry.msgid, field = value, ("msgid", None)
            elif keyword == "msgid_plural":
                entry.plural, field = value, ("plural", None)
            else:
                slot = int(index) if index is not None else 0
                entry.msgstr[slot], field = value, ("msgstr", slot)
            continue
        match = re.match(r'"(.*)"$', line)
        if match and field is not None:
            value = unescape(match.group(1))
            if field[0] == "ctx":
                entry.ctx += value
            elif field[0] == "msgid":
                entry.msgid += value
            elif field[0] == "plural":
                entry.plural += value
            else:
                entry.msgstr[field[1]] += value
            continue
        raise SystemExit(f"{path}:{number}: cannot read this line: {line}")
    finish()
    return entries


def nplurals(header):
    match = re.search(r"nplurals\s*=\s*(\d+)", header.msgstr.get(0, ""))
    return int(match.group(1)) if match else None


def fresh_template(root, xgettext, args, folder):
    """Extract the template now, as meson's packbench-pot target does."""
    pot = pathlib.Path(folder) / "packbench.pot"
    subprocess.run(
        [xgettext, "--package-name=packbench", f"--directory={root}",
         f"--files-from={root / 'po' / 'POTFILES.in'}", f"--output={pot}", *args],
        check=True, stderr=subprocess.DEVNULL)
    return [entry for entry in parse_po(pot) if entry.msgid]


def check_complete(lang, template, po_path):
    problems = []
    entries = parse_po(po_path)
    header = next((e for e in entries if e.msgid == "" and e.ctx is None), None)
    forms = nplurals(header) if header else None
    if forms is None:
        return [f"{po_path.name}: the header has no Plural-Forms with nplurals"]
    translated = {e.key(): e for e in entries if not e.obsolete and e.msgid}
    for message in template:
        entry = translated.get(message.key())
        if entry is None:
            problems.append(f"{lang}: missing from {po_path.name}: {message.name()}")
        elif "fuzzy" in entry.flags:
            problems.append(f"{lang}: fuzzy: {message.name()}")
        elif message.plural is not None and entry.plural is None:
            problems.append(f"{lang}: translated without plural forms: {message.name()}")
        elif message.plural is not None and sorted(entry.msgstr) != list(range(forms)):
            problems.append(f"{lang}: needs msgstr[0] to msgstr[{forms - 1}]: {message.name()}")
        elif any(not text for text in entry.msgstr.values()):
            problems.append(f"{lang}: untranslated: {message.name()}")
    return problems


def check_shown(lang, po_path, po_build_dir, packbench):
    """The built program, in language LANG, shows the translated --help."""
    catalogue = po_build_dir / lang / "LC_MESSAGES" / "packbench.mo"
    if not catalogue.exists():
        return [f"{lang}: the build made no {catalogue}"]
    probe = "Print the version and exit"
    entry = next((e for e in parse_po(po_path) if e.msgid == probe and e.ctx is None), None)
    if entry is None or not entry.msgstr.get(0):
        return [f"{lang}: {po_path.name} does not translate {probe!r}"]
    env = dict(os.environ)
    for name in ("LC_MESSAGES", "LANG"):
        env.pop(name, None)
    # glibc follows LANGUAGE in any locale but C/POSIX; C.UTF-8 is always there.
    # Run from the build folder, packbench reads that build's catalogues.
    env.update(LANGUAGE=lang, LC_ALL="C.UTF-8")
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    result = subprocess.run([packbench, "--help"], env=env, capture_output=True, text=True,
                            timeout=30)
    shown = result.stdout + result.stderr
    if result.returncode != 0:
        return [f"{lang}: packbench --help exited with {result.returncode}: {shown.strip()}"]
    if entry.msgstr[0] not in shown or probe in shown:
        return [f"{lang}: packbench --help does not show {entry.msgstr[0]!r}:\n{shown}"]
    return []


def main():
    if len(sys.argv) < 6:
        raise SystemExit(__doc__)
    root = pathlib.Path(sys.argv[1])
    po_build_dir = pathlib.Path(sys.argv[2])
    packbench, xgettext, msgfmt = sys.argv[3:6]
    xgettext_args = sys.argv[6:]

    languages = []
    for line in (root / "po" / "LINGUAS").read_text().splitlines():
        languages += line.split("#", 1)[0].split()

    problems = []
    with tempfile.TemporaryDirectory() as folder:
        template = fresh_template(root, xgettext, xgettext_args, folder)
    n_plural = sum(1 for entry in template if entry.plural is not None)
    print(f"template: {len(template)} messages, {n_plural} with plural forms")
    for message in template:
        # "%" G_GINT64_FORMAT cuts the msgid short: the program looks up the
        # whole string, so no catalogue can ever translate it. Use PRId64.
        if re.search(r"(?<!%)(%%)*%$", message.msgid):
            problems.append(f"untranslatable, a format macro cuts it short (use PRId64/PRIu64): "
                            f"{message.name()}")

    for lang in languages:
        po_path = root / "po" / f"{lang}.po"
        if not po_path.exists():
            problems.append(f"po/LINGUAS lists {lang}, but po/{lang}.po does not exist")
            continue
        result = subprocess.run(
            [msgfmt, "--check", "--check-accelerators=_", "--statistics", "-o", os.devnull,
             str(po_path)], capture_output=True, text=True)
        if result.returncode != 0:
            problems.append(f"{lang}: msgfmt --check --check-accelerators=_ fails:\n"
                            + result.stderr.strip())
        else:
            print(f"{lang}: {result.stderr.strip()}")
        lang_problems = check_complete(lang, template, po_path)
        problems += lang_problems
        problems += check_shown(lang, po_path, po_build_dir, packbench)
        if not lang_problems:
            print(f"{lang}: complete")

    for problem in problems:
        print(problem)
    print(f"{len(languages)} languages, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
