"""Stage 1 (PDF): a page's text with the text that e-office systems stamp on it as annotations.

An e-office letter is signed and numbered after it is typed: the number ("Số: 460/PGD&ĐT") and the day of
the issue date ("ngày 12 tháng 10") are stamped as annotations (signature widgets, free-text or stamp
annotations) whose appearance holds the text, over blanks the typist left in the line ("Số:      /PGD&ĐT",
"ngày      tháng 10"). Text extraction reads only the page's content, so the stamps are lost. Here each
stamp's text is read from its appearance stream and written into the blank of the line it covers.

Measured on three e-office PDFs: pypdf, pdfium (pypdfium2, even after flattening forms) and pdfminer
(pdfplumber) all read the body's words the same as poppler's pdftotext, and none reads the stamps; so pypdf
stays the one PDF library and this module adds the stamps.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_HIDDEN = 2          # annotation flag bit 2: not shown, not printed
_GAP = re.compile(r" {2,}")


@dataclass(frozen=True)
class Piece:
    """A run of text where the page draws it (x, y of its start, in points); a line break has x = y = None."""
    x: float | None
    y: float | None
    text: str


@dataclass(frozen=True)
class Stamp:
    """The text of an annotation and the rectangle it covers (x0, y0, x1, y1, in points)."""
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


def page_pieces(page) -> list[Piece]:
    """The page's text runs in pypdf's reading order, with where each starts."""
    pieces: list[Piece] = []

    def visit(text, cm, tm, _font, _size):
        if not text:
            return
        if text == "\n":
            pieces.append(Piece(None, None, text))
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        pieces.append(Piece(x, y, text))

    page.extract_text(visitor_text=visit)
    return pieces


def _appearance_text(appearance) -> str:
    """Text drawn by an annotation's normal appearance (a form XObject), read by pypdf on a blank page."""
    from pypdf import PageObject
    from pypdf.generic import DictionaryObject, NameObject, StreamObject

    blank = PageObject.create_blank_page(width=1000, height=1000)
    blank[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/XObject"): DictionaryObject({NameObject("/Stamp0"): appearance})})
    contents = StreamObject()
    contents.set_data(b"q 1 0 0 1 0 0 cm /Stamp0 Do Q")
    blank[NameObject("/Contents")] = contents
    return blank.extract_text() or ""


def page_stamps(page) -> list[Stamp]:
    """Annotations of the page that show text: their appearance's text, else a free-text note's /Contents."""
    stamps = []
    for ref in page.get("/Annots") or []:
        annot = ref.get_object()
        if int(annot.get("/F", 0)) & _HIDDEN or annot.get("/Subtype") in ("/Link", "/Popup"):
            continue
        text = ""
        appearance = (annot.get("/AP") or {}).get("/N")
        if appearance is not None and hasattr(appearance.get_object(), "get_data"):
            text = _appearance_text(appearance)
        if not text.strip() and annot.get("/Subtype") == "/FreeText":
            text = str(annot.get("/Contents") or "")
        text = " ".join(text.split())
        rect = [float(v) for v in annot.get("/Rect") or ()]
        if text and len(rect) == 4:
            x0, y0, x1, y1 = min(rect[0], rect[2]), min(rect[1], rect[3]), max(rect[0], rect[2]), max(rect[1], rect[3])
            stamps.append(Stamp(x0, y0, x1, y1, text))
    return stamps


def _same_line(piece: Piece, stamp: Stamp) -> bool:
    return piece.y is not None and stamp.y0 - 3 <= piece.y <= stamp.y1 + 1


def _fill(text: str, at: float) -> tuple[int, int]:
    """(start, end) of the blank in ``text`` to write a stamp into: the run of spaces nearest the relative
    position ``at`` (0…1) of the stamp, else the end of the text."""
    gaps = list(_GAP.finditer(text))
    if not gaps:
        return len(text), len(text)
    best = min(gaps, key=lambda g: abs((g.start() + g.end()) / 2 / max(len(text), 1) - at))
    return best.start(), best.end()


def with_stamps(pieces: list[Piece], stamps: list[Stamp]) -> str:
    """The page's text with each stamp written into the piece of its line that starts before it.

    The piece's width is taken up to the next piece of the same line, so the stamp goes into the blank at
    its own position ("Số:      /PGD&ĐT" + 460 → "Số: 460 /PGD&ĐT"); a stamp with no piece on its line
    (a signature box) is left out rather than put at a guessed place."""
    texts = [p.text for p in pieces]
    for stamp in stamps:
        line = [(i, p) for i, p in enumerate(pieces) if _same_line(p, stamp) and p.text.strip()]
        before = [(i, p) for i, p in line if p.x <= stamp.x0 + 1]
        if not before:
            continue
        i, piece = max(before, key=lambda ip: ip[1].x)
        after = [p.x for _, p in line if p.x > piece.x]
        width = (min(after) - piece.x) if after else max(len(piece.text) * 6.0, 1.0)
        at = min(max((stamp.x0 + stamp.x1) / 2 - piece.x, 0.0) / width, 1.0)
        a, b = _fill(texts[i], at)
        texts[i] = texts[i][:a].rstrip() + " " + stamp.text + " " + texts[i][b:].lstrip()
    return "".join(texts)


def page_text(page) -> str:
    """Text of one pypdf page, stamps included (see module docstring)."""
    stamps = page_stamps(page)
    if not stamps:
        return page.extract_text() or ""
    return with_stamps(page_pieces(page), stamps)
