"""Stage 3a of plan reading: the body as units (paragraphs, list items, table rows) under their heading stack,
with the actor each heading names ("2. Các trường học: …")."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

from schedules.plans.actors import OFFICE_RE, UNITS_RE, short_units
from schedules.plans.dates import find_dates
from schedules.plans.text import fold


@dataclass
class Unit:
    text: str
    index: int
    section: str = ""  # folded top-level heading
    headings: list[str] = field(default_factory=list)  # raw heading stack (outer -> inner)
    heading_actor: str | None = None
    is_heading: bool = False
    preamble: bool = False


_ROMAN_HEAD = re.compile(r"^(?:[IVXLC]+|[A-ZĐ])\s*[.)/]\s*\S")
_NUM_HEAD = re.compile(r"^(\d+(?:\.\d+)*)[.)]?\s+\S")


def heading_level(line: str) -> int | None:
    s = line.strip()
    if len(s) > 130:
        return None
    if _ROMAN_HEAD.match(s) and not re.match(r"^[A-ZĐ]\s*[.)]\s*[a-zà-ỹđ]", s):
        return 0
    letters = [c for c in s if c.isalpha()]
    if len(letters) >= 6 and all(c.isupper() for c in letters) and len(s.split()) >= 2:
        return 0
    m = _NUM_HEAD.match(s)
    if m and re.search(r"\d", s[m.end(1) :]) and content_free(s[m.end(1) :]):
        return None  # "1. Trước ngày 30/9:" — a deadline heading its obligation, not a section
    if m and len(s) <= 110 and s[-1] not in ".;" and s.count(",") <= 4:
        return m.group(1).count(".") + 1
    if re.match(r"^[a-zđ]\)\s+\S", s) and len(s) <= 90 and s[-1] not in ".;":
        return 5
    return None


def heading_actor(heading: str, issuer_kind: str | None, office_name: str) -> str | None:
    h = re.sub(r"^(?:[IVXLC]+|\d+(?:\.\d+)*|[a-zđ])\s*[.)]?\s*", "", heading.strip())
    h = re.sub(r"^(?:Đối với|Trách nhiệm của|Nhiệm vụ của)\s+", "", h, flags=re.I)
    fh = fold(h)
    m = OFFICE_RE.match(fh)
    if m and not (issuer_kind == "so" and m.group(0).startswith(("phong", "pgd"))):
        return office_name
    if UNITS_RE.match(fh) or re.match(r"(?:cac\s+)?(?:truong|don vi|co so giao duc|nha truong|phong gd|phong giao duc)\b", fh):
        h = re.split(r"\s+(?:trên địa bàn|thuộc|trực thuộc|trong toàn)\b", h)[0]
        return short_units(h)
    return None


def document_units(body: Sequence[str], issuer_kind: str | None, office_name: str) -> list[Unit]:
    units: list[Unit] = []
    stack: list[tuple[int, str]] = []
    seen_heading = False
    for idx, ln in enumerate(body):
        lvl = heading_level(ln)
        u = Unit(ln, idx)
        if lvl is not None:
            u.is_heading = True
            seen_heading = True
            stack = [(l, h) for (l, h) in stack if l < lvl]
            stack.append((lvl, ln))
        u.headings = [h for _, h in stack]
        tops = [h for l, h in stack if l == 0]
        u.section = fold(tops[-1]) if tops else ""
        for _, h in reversed(stack):
            a = heading_actor(h, issuer_kind, office_name)
            if a:
                u.heading_actor = a
                break
        u.preamble = not seen_heading
        units.append(u)
    return units


_FILLER = re.compile(
    r"\b(?:ngay|truoc|cham nhat|muon nhat|han chot|han|thoi han|thoi gian|tu nay|tu|den|het|trong|vao|nay|khoang|"
    r"thang|nam|sau|cuoi|dau|giua|la|tien do|moc|chi tiet|cu the|du kien)\b"
)


def content_free(s: str) -> bool:
    f = fold(s)
    f = _FILLER.sub(" ", f)
    f = re.sub(r"[\W\d_]+", " ", f)
    return not f.strip()


def merge_deadline_lines(units: list[Unit], default_year: int | None, school_year: int | None) -> list[Unit]:
    """A line holding only a deadline ("Trước ngày 30/9:") is joined with the obligation on the next line."""
    merged: list[Unit] = []
    skip = False
    for k, u in enumerate(units):
        if skip:
            skip = False
            continue
        if (
            not u.is_heading
            and k + 1 < len(units)
            and not units[k + 1].is_heading
            and find_dates(u.text, default_year, school_year=school_year)
            and content_free(u.text)
        ):
            nu = Unit(u.text.rstrip() + (" " if u.text.rstrip().endswith(":") else ": ") + units[k + 1].text, u.index)
            nu.section, nu.headings, nu.heading_actor, nu.preamble = u.section, u.headings, u.heading_actor, u.preamble
            merged.append(nu)
            skip = True
            continue
        merged.append(u)
    return merged
