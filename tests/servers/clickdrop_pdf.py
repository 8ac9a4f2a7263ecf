# SPDX-License-Identifier: GPL-3.0-or-later
"""Small PDFs for the local Click & Drop server (clickdrop_server.py), written
by hand with the Python standard library: postage labels (4 x 6 in, 288 x 432
pt), returns labels, despatch notes, CN22/CN23 forms and manifests (A4).

The PDFs use the standard Type 1 fonts Helvetica and Helvetica-Bold (not
embedded) with WinAnsiEncoding. Characters outside Windows-1252 (Welsh w/y
circumflex, Polish, ...) get free one-byte codes through /Differences (Adobe
glyph names such as ycircumflex, else uniXXXX), /Widths and a /ToUnicode
CMap, so viewers draw them and pdftotext gives the real text back. Page
contents are Flate-compressed; a one-page label is about 5 KB (the font
widths take 2 KB). The same input gives the same bytes.

Also here: Code 128 (subsets B and C with switching, as ISO/IEC 15417) and
S10 tracking numbers (UPU S10 check digit)."""

import hashlib
import unicodedata
import zlib

PT_PER_INCH = 72.0
LABEL_SIZE = (288, 432)  # 4 x 6 in, portrait
A4_SIZE = (595, 842)
DOT = PT_PER_INCH / 203.0  # one dot of a 203 dpi thermal printer

# ------------------------------------------------------------------ S10


S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)


def s10_check_digit(serial):
    """The UPU S10 check digit of an 8-digit serial number (a string)."""
    if len(serial) != 8 or not serial.isdigit():
        raise ValueError("an S10 serial number has 8 digits")
    check = 11 - sum(int(d) * w for d, w in zip(serial, S10_WEIGHTS)) % 11
    return {10: 0, 11: 5}.get(check, check)


def s10_number(prefix, serial, country="GB"):
    """prefix (2 letters) + 8 digits + check digit + country, e.g. RM123456785GB."""
    serial = "%08d" % serial if isinstance(serial, int) else serial
    return "%s%s%d%s" % (prefix, serial, s10_check_digit(serial), country)


def s10_valid(number):
    if len(number) != 13 or not number[:2].isalpha() or not number[11:].isalpha():
        return False
    body = number[2:11]
    return body.isdigit() and s10_check_digit(body[:8]) == int(body[8])


# ------------------------------------------------------------------ Code 128

# Bar/space widths of the 107 symbols, bar first; 106 is the stop pattern.
CODE128_PATTERNS = (
    "212222", "222122", "222221", "121223", "121322", "131222", "122213", "122312",
    "132212", "221213", "221312", "231212", "112232", "122132", "122231", "113222",
    "123122", "123221", "223211", "221132", "221231", "213212", "223112", "312131",
    "311222", "321122", "321221", "312212", "322112", "322211", "212123", "212321",
    "232121", "111323", "131123", "131321", "112313", "132113", "132311", "211313",
    "231113", "231311", "112133", "112331", "132131", "113123", "113321", "133121",
    "313121", "211331", "231131", "213113", "213311", "213131", "311123", "311321",
    "331121", "312113", "312311", "332111", "314111", "221411", "431111", "111224",
    "111422", "121124", "121421", "141122", "141221", "112214", "112412", "122114",
    "122411", "142112", "142211", "241211", "221114", "413111", "241112", "134111",
    "111242", "121142", "121241", "114212", "124112", "124211", "411212", "421112",
    "421211", "212141", "214121", "412121", "111143", "111341", "131141", "114113",
    "114311", "411113", "411311", "113141", "114131", "311141", "411131", "211412",
    "211214", "211232", "2331112",
)
START_B, START_C, CODE_B, CODE_C, STOP = 104, 105, 100, 99, 106


def _digit_run(text, start):
    end = start
    while end < len(text) and text[end].isdigit():
        end += 1
    return end - start


def code128_values(text):
    """Symbol values for @text (printable ASCII): start, data, check, stop.
    Subset B, switching to C for digit runs where that is shorter (4+ digits at
    the start or the end, 6+ in the middle; an odd run leaves its first digit
    in B)."""
    if not text or any(not 32 <= ord(c) <= 126 for c in text):
        raise ValueError("Code 128 B/C needs printable ASCII")
    # A leading run of 4+ digits starts in C (an odd run leaves its last digit
    # to B after the pairs).
    mode = "C" if _digit_run(text, 0) >= 4 else "B"
    values = [START_C if mode == "C" else START_B]
    i = 0
    while i < len(text):
        run = _digit_run(text, i)
        if mode == "C":
            if run >= 2:
                values.append(int(text[i:i + 2]))
                i += 2
                continue
            values.append(CODE_B)
            mode = "B"
            continue
        at_end = i + run == len(text)
        if run >= 4 and (at_end or run >= 6):
            if run % 2:
                values.append(ord(text[i]) - 32)
                i += 1
            values.append(CODE_C)
            mode = "C"
            continue
        values.append(ord(text[i]) - 32)
        i += 1
    check = values[0] + sum(pos * value for pos, value in enumerate(values[1:], 1))
    values.append(check % 103)
    values.append(STOP)
    return values


def code128_decode_values(values):
    """The text of a symbol value list (for tests); checks the check symbol."""
    if values[-1] != STOP:
        raise ValueError("no stop")
    check = values[0] + sum(pos * value for pos, value in enumerate(values[1:-2], 1))
    if check % 103 != values[-2]:
        raise ValueError("bad check symbol")
    mode = {START_B: "B", START_C: "C"}[values[0]]
    out = []
    for value in values[1:-2]:
        if mode == "B":
            if value == CODE_C:
                mode = "C"
            else:
                out.append(chr(value + 32))
        else:
            if value == CODE_B:
                mode = "B"
            else:
                out.append("%02d" % value)
    return "".join(out)


def code128_widths(text):
    """Alternating bar/space widths in modules, starting with a bar."""
    return [int(w) for value in code128_values(text) for w in CODE128_PATTERNS[value]]


# ------------------------------------------------------------------ text

# Advance widths (1/1000 em) of Helvetica and Helvetica-Bold for the
# WinAnsiEncoding codes 32..255 (0 where the code has no glyph), as in the
# fonts' AFM metrics.
_HELVETICA = (
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, 0,
    556, 0, 222, 556, 333, 1000, 556, 556, 333, 1000, 667, 333, 1000, 0, 611, 0,
    0, 222, 222, 333, 333, 350, 556, 1000, 333, 1000, 500, 333, 944, 0, 500, 667,
    278, 333, 556, 556, 556, 556, 260, 556, 333, 737, 370, 556, 584, 333, 737, 333,
    400, 584, 333, 333, 333, 556, 537, 278, 333, 333, 365, 556, 834, 834, 834, 611,
    667, 667, 667, 667, 667, 667, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278,
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611,
    556, 556, 556, 556, 556, 556, 889, 500, 556, 556, 556, 556, 278, 278, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 584, 611, 556, 556, 556, 556, 500, 556, 500,
)
_HELVETICA_BOLD = (
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611,
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556,
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584, 0,
    556, 0, 278, 556, 500, 1000, 556, 556, 333, 1000, 667, 333, 1000, 0, 611, 0,
    0, 278, 278, 500, 500, 350, 556, 1000, 333, 1000, 556, 333, 944, 0, 500, 667,
    278, 333, 556, 556, 556, 556, 280, 556, 333, 737, 370, 556, 584, 333, 737, 333,
    400, 584, 333, 333, 333, 611, 556, 278, 333, 333, 365, 556, 834, 834, 834, 611,
    722, 722, 722, 722, 722, 722, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278,
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611,
    556, 556, 556, 556, 556, 556, 889, 556, 556, 556, 556, 556, 278, 278, 278, 278,
    611, 611, 611, 611, 611, 611, 611, 584, 611, 611, 611, 611, 611, 556, 611, 556,
)


def char_width(char, bold=False):
    """Advance width (1/1000 em) of one character; a letter outside cp1252
    counts as its base letter."""
    table = _HELVETICA_BOLD if bold else _HELVETICA
    for candidate in (char, unicodedata.normalize("NFKD", char)[:1]):
        try:
            code = candidate.encode("cp1252")[0]
        except (UnicodeEncodeError, IndexError):
            continue
        if code >= 32 and table[code - 32]:
            return table[code - 32]
    return 600


def text_width(text, size, bold=False):
    """Width of @text in points."""
    return sum(char_width(c, bold) for c in text) * size / 1000.0


_AGL_MARKS = {"ACUTE": "acute", "GRAVE": "grave", "CIRCUMFLEX": "circumflex",
              "DIAERESIS": "dieresis", "TILDE": "tilde", "CARON": "caron",
              "CEDILLA": "cedilla", "OGONEK": "ogonek", "MACRON": "macron", "BREVE": "breve",
              "RING ABOVE": "ring", "DOT ABOVE": "dotaccent", "DOUBLE ACUTE": "hungarumlaut",
              "STROKE": "slash", "COMMA BELOW": "commaaccent"}

# Codes WinAnsiEncoding leaves free, handed out to characters outside cp1252.
_FREE_CODES = tuple(range(1, 32)) + (0x81, 0x8D, 0x8F, 0x90, 0x9D, 0x7F)


class Encoder:
    """Maps text to font bytes for one document: Windows-1252 where possible,
    else a free code with a /Differences glyph name and a ToUnicode entry."""

    def __init__(self):
        self.extra = {}  # char -> code

    def encode(self, text):
        out = bytearray()
        for char in unicodedata.normalize("NFC", text):
            if char in "\r\n\t":
                char = " "
            try:
                byte = char.encode("cp1252")
                if byte[0] >= 32:
                    out += byte
                    continue
            except UnicodeEncodeError:
                pass
            code = self.extra.get(char)
            if code is None and len(self.extra) < len(_FREE_CODES):
                code = _FREE_CODES[len(self.extra)]
                self.extra[char] = code
            if code is not None:
                out.append(code)
                continue
            # Out of free codes: the base letter, else '?'.
            base = unicodedata.normalize("NFKD", char).encode("cp1252", "ignore")
            out += base[:1] or b"?"
        return bytes(out)

    @staticmethod
    def glyph_name(char):
        """The Adobe Glyph List name of a Latin letter with a mark (what the
        substitute Type 1 fonts call their glyphs: ycircumflex, sacute,
        Lslash, ...), else uniXXXX."""
        code = ord(char)
        name = unicodedata.name(char, "")
        parts = name.split(" WITH ")
        if len(parts) == 2 and parts[0].startswith("LATIN ") and \
                parts[0].split()[-1].isalpha() and len(parts[0].split()[-1]) == 1:
            letter = parts[0].split()[-1]
            letter = letter if "CAPITAL" in parts[0] else letter.lower()
            mark = _AGL_MARKS.get(parts[1])
            if mark == "cedilla" and letter.lower() in "gklnrt":
                mark = "commaaccent"
            if mark == "slash" and letter.lower() == "d":
                mark = "croat"
            if mark == "slash" and letter.lower() in "ht":
                mark = "bar"
            if mark:
                return "/" + letter + mark
        return "/uni%04X" % code if code <= 0xFFFF else "/u%X" % code

    def differences(self):
        items = sorted((code, char) for char, code in self.extra.items())
        return " ".join("%d %s" % (code, self.glyph_name(char)) for code, char in items)

    def widths(self, bold):
        """/Widths for codes 1..255: the font's own for cp1252, the base
        letter's for the extra characters (so that viewers keep the spacing
        even where their substitute font lacks the glyph)."""
        table = _HELVETICA_BOLD if bold else _HELVETICA
        out = [table[code - 32] if code >= 32 else 0 for code in range(1, 256)]
        for char, code in self.extra.items():
            out[code - 1] = char_width(char, bold)
        return out

    def to_unicode(self):
        """A ToUnicode CMap for every code used: cp1252 plus the extra ones."""
        pairs = []
        for code in range(32, 256):
            try:
                char = bytes([code]).decode("cp1252")
            except UnicodeDecodeError:
                continue
            pairs.append((code, char))
        pairs += [(code, char) for char, code in self.extra.items()]
        pairs.sort()
        lines = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
                 "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
                 "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
                 "1 begincodespacerange", "<00> <FF>", "endcodespacerange"]
        for start in range(0, len(pairs), 100):
            chunk = pairs[start:start + 100]
            lines.append("%d beginbfchar" % len(chunk))
            for code, char in chunk:
                utf16 = char.encode("utf-16-be").hex().upper()
                lines.append("<%02X> <%s>" % (code, utf16))
            lines.append("endbfchar")
        lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
        return "\n".join(lines).encode("ascii")


def _pdf_string(data):
    out = bytearray(b"(")
    for byte in data:
        if byte in b"()\\":
            out += b"\\" + bytes([byte])
        elif byte < 32 or byte >= 127:
            out += b"\\%03o" % byte
        else:
            out.append(byte)
    out += b")"
    return bytes(out)


def _num(value):
    text = ("%.3f" % value).rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


class Page:
    """One page's content stream."""

    def __init__(self, document, width, height):
        self.document = document
        self.width, self.height = width, height
        self.ops = []

    def text(self, x, y, text, size=10, bold=False, align="left"):
        if not text:
            return
        if align != "left":
            width = text_width(text, size, bold)
            x -= width if align == "right" else width / 2.0
        data = self.document.encoder.encode(text)
        self.ops.append(b"BT /%s %s Tf %s %s Td %s Tj ET" % (
            b"F2" if bold else b"F1", _num(size).encode(), _num(x).encode(),
            _num(y).encode(), _pdf_string(data)))

    def fitted(self, x, y, text, size, width, bold=False, min_size=6.0):
        """Text shrunk to fit @width, at least @min_size, then wrapped. Returns
        the y below the last line written."""
        lines, size = fit_lines(text, size, width, bold, min_size)
        for line in lines:
            self.text(x, y, line, size, bold)
            y -= size * 1.18
        return y

    def rect(self, x, y, width, height):
        self.ops.append(("%s %s %s %s re f" % (_num(x), _num(y), _num(width), _num(height)))
                        .encode())

    def frame(self, x, y, width, height, line=0.8):
        self.ops.append(("%s w %s %s %s %s re S" % (_num(line), _num(x), _num(y), _num(width),
                                                    _num(height))).encode())

    def hline(self, x1, x2, y, line=0.8):
        self.ops.append(("%s w %s %s m %s %s l S" % (_num(line), _num(x1), _num(y), _num(x2),
                                                     _num(y))).encode())

    def gray(self, level):
        self.ops.append(("%s g" % _num(level)).encode())

    def barcode(self, x, y, text, height, module):
        """Code 128 of @text at (x, y), bars @height high; returns its width."""
        position = x
        for index, width in enumerate(code128_widths(text)):
            if index % 2 == 0:
                self.rect(position, y, width * module, height)
            position += width * module
        return position - x

    def matrix(self, x, y, seed, modules=18, size=48.0):
        """A 2D-code-looking square (DataMatrix-style finder and clock
        tracks, data cells from a hash). It encodes nothing."""
        cell = size / modules
        bits = b""
        counter = 0
        while len(bits) * 8 < modules * modules:
            bits += hashlib.sha256(("%s/%d" % (seed, counter)).encode()).digest()
            counter += 1
        for row in range(modules):
            runs = []
            start = None
            for col in range(modules + 1):
                dark = False
                if col < modules:
                    if col == 0 or row == 0:
                        dark = True  # the solid L
                    elif row == modules - 1:
                        dark = col % 2 == 0  # clock track on top
                    elif col == modules - 1:
                        dark = row % 2 == 1  # clock track on the right
                    else:
                        index = row * modules + col
                        dark = bool(bits[index // 8] >> (index % 8) & 1)
                if dark and start is None:
                    start = col
                elif not dark and start is not None:
                    runs.append((start, col))
                    start = None
            for begin, end in runs:
                self.rect(x + begin * cell, y + row * cell, (end - begin) * cell, cell)

    def content(self):
        return b"\n".join(self.ops) + b"\n"


def fit_lines(text, size, width, bold=False, min_size=6.0):
    """(lines, size): one line at the largest size >= min_size that fits, else
    words wrapped at min_size (a word too long alone is cut by characters)."""
    text = " ".join(text.split())
    current = size
    while current >= min_size:
        if text_width(text, current, bold) <= width:
            return [text], current
        current -= 0.5
    lines, line = [], ""
    for word in text.split(" "):
        candidate = (line + " " + word).strip()
        if text_width(candidate, min_size, bold) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        while text_width(word, min_size, bold) > width:
            cut = len(word)
            while cut > 1 and text_width(word[:cut], min_size, bold) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    if line:
        lines.append(line)
    return lines, min_size


class Document:
    def __init__(self, title="", date=None):
        self.pages = []
        self.encoder = Encoder()
        self.title = title
        self.date = date  # "YYYYMMDDHHMMSS" or None

    def page(self, size=LABEL_SIZE):
        page = Page(self, *size)
        self.pages.append(page)
        return page

    def render(self):
        objects = []  # bodies; object number = index + 1

        def add(body):
            objects.append(body)
            return len(objects)

        catalog = add(None)
        pages = add(None)
        encoding = add(("<< /Type /Encoding /BaseEncoding /WinAnsiEncoding /Differences [%s] >>"
                        % self.encoder.differences()).encode())
        # The content streams first, so that the encoder has seen every character.
        contents = []
        for page in self.pages:
            raw = page.content()
            data = zlib.compress(raw, 9)
            contents.append(add(b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream"
                                % (len(data), data)))
        cmap = zlib.compress(self.encoder.to_unicode(), 9)
        to_unicode = add(b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream"
                         % (len(cmap), cmap))
        objects[encoding - 1] = ("<< /Type /Encoding /BaseEncoding /WinAnsiEncoding "
                                 "/Differences [%s] >>" % self.encoder.differences()).encode()
        fonts = []
        for name, bold in (("Helvetica", False), ("Helvetica-Bold", True)):
            widths = " ".join(str(w) for w in self.encoder.widths(bold))
            fonts.append(add(("<< /Type /Font /Subtype /Type1 /BaseFont /%s /Encoding %d 0 R "
                              "/ToUnicode %d 0 R /FirstChar 1 /LastChar 255 /Widths [%s] >>"
                              % (name, encoding, to_unicode, widths)).encode()))
        kids = []
        for page, content in zip(self.pages, contents):
            kids.append(add(("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %s %s] "
                             "/Resources << /Font << /F1 %d 0 R /F2 %d 0 R >> >> "
                             "/Contents %d 0 R >>" % (pages, _num(page.width), _num(page.height),
                                                      fonts[0], fonts[1], content)).encode()))
        objects[catalog - 1] = ("<< /Type /Catalog /Pages %d 0 R >>" % pages).encode()
        objects[pages - 1] = ("<< /Type /Pages /Kids [%s] /Count %d >>" % (
            " ".join("%d 0 R" % k for k in kids), len(kids))).encode()
        info = b"<< /Producer (Packbench test Click & Drop server)"
        if self.title:
            info += b" /Title " + _pdf_string(self.title.encode("cp1252", "replace"))
        if self.date:
            info += b" /CreationDate (D:" + self.date.encode("ascii") + b"Z)"
        info_ref = add(info + b" >>")

        out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for number, body in enumerate(objects, 1):
            offsets.append(len(out))
            out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        for offset in offsets:
            out += b"%010d 00000 n \n" % offset
        out += b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
            len(objects) + 1, catalog, info_ref, xref)
        return bytes(out)


# ------------------------------------------------------------------ layouts

FORMAT_NAMES = {"undefined": "Undefined", "letter": "Letter", "largeLetter": "Large letter",
                "smallParcel": "Small parcel", "mediumParcel": "Medium parcel",
                "largeParcel": "Large parcel", "parcel": "Parcel", "documents": "Documents"}


def _pdf_date(iso_text):
    """'2026-01-05T10:00:00Z' -> '20260105100000'."""
    digits = "".join(c for c in (iso_text or "")[:19] if c.isdigit())
    return digits if len(digits) == 14 else None


def address_lines(address):
    lines = []
    for key in ("fullName", "companyName", "addressLine1", "addressLine2", "addressLine3",
                "city", "county"):
        value = (address.get(key) or "").strip()
        if value:
            lines.append((key, value))
    return lines


def draw_label(page, label):
    """One postage label page. @label: dict with service_code, service_name,
    indicator, tracking, address (AddressRequest), reference, order_id, weight
    (grams), format, despatch (date text), sender (trading name), package and
    packages (numbers), returns (bool)."""
    width, height = page.width, page.height
    page.frame(6, 6, width - 12, height - 12, 1.2)
    top = height - 6
    # Band: Royal Mail, the service, the 2D box and the service indicator.
    page.text(14, top - 22, "Royal Mail", 16, True)
    page.text(14, top - 37, label["service_name"], 10, True)
    page.text(14, top - 49, "Postage Paid GB  " + label["service_code"], 7)
    if label.get("returns"):
        page.text(14, top - 60, "RETURNS - Tracked Returns", 7, True)
    page.frame(172, top - 58, 48, 48, 1.5)
    page.text(196, top - 42, label["indicator"], 20 if len(label["indicator"]) < 3 else 15,
              True, "center")
    page.matrix(width - 14 - 48, top - 58, label["tracking"] + label["reference"])
    page.hline(6, width - 6, top - 66, 1.2)

    # Address block.
    y = top - 80
    page.text(14, y, "RETURN TO:" if label.get("returns") else "DELIVER TO:", 7, True)
    y -= 15
    usable = width - 28
    entries = address_lines(label["address"])
    postcode = (label["address"].get("postcode") or "").strip().upper()
    country = (label["address"].get("countryCode") or "").strip().upper()
    floor = 190.0  # keep clear of the barcode
    scale = 1.0
    for _ in range(8):
        needed = 0.0
        for key, value in entries:
            size = (12 if key == "fullName" else 10) * scale
            lines, used = fit_lines(value, size, usable, key == "fullName", min(6.0, size))
            needed += len(lines) * used * 1.18
        needed += (20 * scale if postcode else 0) + (12 * scale if country not in ("GB", "GBR")
                                                      else 0)
        if y - needed >= floor or scale <= 0.55:
            break
        scale -= 0.07
    for key, value in entries:
        size = (12 if key == "fullName" else 10) * scale
        y = page.fitted(14, y, value, size, usable, key == "fullName", min(6.0, size))
    if postcode:
        y -= 14 * scale  # the postcode's capitals stand this high above its baseline
        page.text(14, y, postcode, 16 * scale, True)
        y -= 14 * scale
    if country and country not in ("GB", "GBR"):
        page.text(14, y, country, 10 * scale, True)

    # The tracking barcode.
    page.hline(6, width - 6, 178, 0.8)
    widths = code128_widths(label["tracking"])
    modules = sum(widths)
    module = 4 * DOT
    for dots in (4, 3, 2):
        if (modules + 20) * dots * DOT <= width - 16:
            module = dots * DOT
            break
    bar_width = modules * module
    page.barcode((width - bar_width) / 2.0, 112, label["tracking"], 56, module)
    page.text(width / 2.0, 97, label["tracking"], 12, True, "center")
    page.hline(6, width - 6, 88, 0.8)

    # Footer.
    y = 76
    if label.get("reference"):
        y = page.fitted(14, y, "Ref: " + label["reference"], 8, width - 28)
    page.text(14, y, "Order: %s" % label["order_id"], 8)
    y -= 10
    page.text(14, y, "Weight: %.3f kg   %s" % (label["weight"] / 1000.0,
                                               FORMAT_NAMES.get(label["format"], label["format"])),
              8)
    y -= 10
    page.text(14, y, "Despatch: %s" % label["despatch"], 8)
    page.text(width - 14, y, "Package %d of %d" % (label["package"], label["packages"]), 8,
              False, "right")
    y -= 10
    if label.get("sender"):
        lines, size = fit_lines(("Deliver to: " if label.get("returns") else "From: ")
                                + label["sender"], 7, width - 28, False, 5)
        for line in lines[:2]:
            page.text(14, y, line, size)
            y -= size * 1.18


def draw_customs(page, form, kind):
    """A CN22 or CN23 page (4 x 6 in) for @form: reference, tracking,
    category, contents [{name, quantity, weight, value, hs, origin}],
    currency, sender, address."""
    width, height = page.width, page.height
    page.frame(6, 6, width - 12, height - 12, 1.2)
    page.text(14, height - 28, "%s CUSTOMS DECLARATION" % kind, 13, True)
    page.text(14, height - 42, "May be opened officially", 8)
    page.text(14, height - 56, "Tracking: %s" % (form.get("tracking") or "-"), 9, True)
    page.text(14, height - 68, "Category: %s" % form.get("category", "other"), 9)
    page.hline(6, width - 6, height - 76)
    y = height - 90
    page.text(14, y, "Contents", 8, True)
    page.text(170, y, "Qty", 8, True)
    page.text(195, y, "kg", 8, True)
    page.text(width - 14, y, "Value", 8, True, "right")
    y -= 12
    total_value = 0.0
    total_weight = 0
    for item in form["contents"][:14]:
        page.fitted(14, y, item["name"] or "-", 8, 150)
        page.text(170, y, str(item["quantity"]), 8)
        page.text(195, y, "%.3f" % (item["weight"] / 1000.0), 8)
        page.text(width - 14, y, "%.2f %s" % (item["value"], form["currency"]), 8, False,
                  "right")
        if item.get("hs") or item.get("origin"):
            y -= 9
            page.text(22, y, "HS %s  Origin %s" % (item.get("hs") or "-",
                                                   item.get("origin") or "-"), 7)
        total_value += item["value"]
        total_weight += item["weight"]
        y -= 12
    page.hline(6, width - 6, y + 4)
    page.text(14, y - 8, "Total", 9, True)
    page.text(195, y - 8, "%.3f" % (total_weight / 1000.0), 9)
    page.text(width - 14, y - 8, "%.2f %s" % (total_value, form["currency"]), 9, True, "right")
    page.fitted(14, 60, "Sender: %s" % (form.get("sender") or "-"), 8, width - 28)
    page.fitted(14, 44, "Ref: %s" % (form.get("reference") or "-"), 8, width - 28)
    page.text(14, 24, "I certify that the particulars given in this declaration are correct.", 6)


def draw_despatch_note(page, note):
    """A despatch note (4 x 6 in): reference, order id, address, contents
    [{name, sku, quantity}], date."""
    width, height = page.width, page.height
    page.text(14, height - 28, "DESPATCH NOTE", 14, True)
    page.text(14, height - 42, "Order %s   %s" % (note["order_id"], note["date"]), 8)
    y = height - 54
    if note.get("reference"):
        y = page.fitted(14, y, "Ref: " + note["reference"], 8, width - 28)
    page.hline(6, width - 6, y - 2)
    y -= 16
    for _, value in address_lines(note["address"]):
        y = page.fitted(14, y, value, 9, width - 28)
    if note["address"].get("postcode"):
        page.text(14, y, note["address"]["postcode"].upper(), 9, True)
        y -= 11
    page.hline(6, width - 6, y)
    y -= 14
    page.text(14, y, "Item", 8, True)
    page.text(width - 14, y, "Qty", 8, True, "right")
    y -= 12
    for item in note["contents"][:20]:
        label = item["name"] or item.get("sku") or "-"
        if item.get("sku") and item.get("name"):
            label += " (%s)" % item["sku"]
        lines, size = fit_lines(label, 8, width - 60, False, 6)
        for line in lines[:2]:
            page.text(14, y, line, size)
            y -= size * 1.2
        page.text(width - 14, y + size * 1.2, str(item["quantity"]), 8, False, "right")
        y -= 3
        if y < 24:
            break


def manifest_pdf(manifest):
    """A4 manifest: number, carrier, date, rows [{order_id, reference,
    service, tracking, weight, packages}]."""
    doc = Document("Manifest %s" % manifest["number"], _pdf_date(manifest["created"]))
    rows = manifest["rows"]
    per_page = 40
    chunks = [rows[i:i + per_page] for i in range(0, len(rows), per_page)] or [[]]
    by_service = {}
    for row in rows:
        by_service[row["service"]] = by_service.get(row["service"], 0) + row["packages"]
    for number, chunk in enumerate(chunks, 1):
        page = doc.page(A4_SIZE)
        page.text(40, 800, "Royal Mail Manifest", 18, True)
        page.text(40, 780, "Manifest number: %s" % manifest["number"], 11, True)
        page.text(40, 765, "Carrier: %s" % manifest["carrier"], 10)
        page.text(40, 751, "Created: %s" % manifest["created"], 10)
        page.text(40, 737, "Orders: %d   Items: %d" % (len(rows),
                                                      sum(r["packages"] for r in rows)), 10)
        page.text(555, 800, "Page %d of %d" % (number, len(chunks)), 9, False, "right")
        y = 712
        for label, x in (("Order", 40), ("Reference", 110), ("Service", 280),
                         ("Tracking number", 340), ("Weight (g)", 555)):
            page.text(x, y, label, 9, True, "right" if x == 555 else "left")
        page.hline(40, 555, y - 4, 0.6)
        y -= 16
        for row in chunk:
            page.text(40, y, str(row["order_id"]), 9)
            lines, size = fit_lines(row["reference"] or "-", 9, 165, False, 6)
            page.text(110, y, lines[0], size)
            page.text(280, y, row["service"], 9)
            page.text(340, y, row["tracking"] or "-", 9)
            page.text(555, y, str(row["weight"]), 9, False, "right")
            y -= 15
        if number == len(chunks):
            y -= 10
            page.hline(40, 555, y + 8, 0.6)
            page.text(40, y - 6, "Items by service", 10, True)
            y -= 22
            for service in sorted(by_service):
                page.text(40, y, "%s: %d" % (service, by_service[service]), 9)
                y -= 13
            page.text(40, 60, "Signature of collecting driver: ______________________", 9)
    return doc.render()
