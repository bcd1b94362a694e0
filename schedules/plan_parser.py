"""Parse a Vietnamese plan document (kế hoạch) into a campaign draft.

Pure functions only: no database, no network, no file I/O except in ``main`` (the CLI
``thidua plan parse FILE [--json]``), which reads the file through
``schedules.plan_text.read_plan_text``.

Output schema (see ``/work/shared/seeds/README.md``)::

    {issuer, doc_number, issued_date, title, period_start, period_end,
     milestones: [{date, precision, kind, who, text}],
     recurring: [{every, what}],
     awards: [...],
     # only when the plan states them:
     contact: {name?, phone?, email?}, nomination_quota: str, dossier: [...]}

The rules are linguistic, not tuned to particular documents:

* dates are found by readable regular expressions (``find_dates``) that work on a
  *folded* copy of the text (lower case, no diacritics, same length as the original),
  so NFD input, missing diacritics and odd spacing do not matter;
* a date becomes a milestone only when it is tied to an obligation (``classify_kinds``)
  and is neither a cited document's date (``is_cited_date``), a commemorative day
  (``is_commemorative``), a phase of the campaign (``is_phase``), the start of a
  range, nor a date in the past of the plan;
* who acts (``who_acts``) is the nearest actor of the clause that is not a recipient
  ("gửi về Phòng GD&ĐT" — the office receives), then the actor named by the section
  heading ("2. Các cơ sở giáo dục ..."), then the units most often addressed.
"""

from __future__ import annotations

import argparse
import calendar
import dataclasses
import json
import re
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Iterable, Sequence

__all__ = [
    "DateMention",
    "Actor",
    "KINDS",
    "parse_plan",
    "normalize_text",
    "fold",
    "strip_diacritics",
    "logical_lines",
    "find_dates",
    "deadline_cue",
    "classify_kinds",
    "classify_kind",
    "find_actors",
    "who_acts",
    "who_category",
    "is_cited_date",
    "is_commemorative",
    "is_phase",
    "recurring_every",
    "parse_doc_number",
    "parse_issued_date",
    "parse_title",
    "school_year_of",
    "infer_year",
    "main",
]

KINDS = (
    "plan_submission",
    "registration",
    "preliminary_report",
    "final_report",
    "periodic_report",
    "award_dossier",
    "nomination",
    "event",
    "other",
)

# --------------------------------------------------------------------------------------
# Text helpers
# --------------------------------------------------------------------------------------

_SPACE_LIKE = dict.fromkeys(map(ord, "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t\f\v"), " ")
_DROP = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-")


def strip_diacritics(text: str) -> str:
    """Remove Vietnamese diacritics, keep case: 'Đăng ký' -> 'Dang ky'."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ch == "đ":
            out.append("d")
        elif ch == "Đ":
            out.append("D")
        else:
            out.append(unicodedata.normalize("NFD", ch)[0])
    return "".join(out)


def fold(text: str) -> str:
    """Lower-case, diacritic-free copy of an NFC string, **same length** as the input.

    Positions found in the folded copy are valid in the original, so every rule
    matches on ``fold(text)`` and reports spans of ``text``.
    """
    out = []
    for ch in text:
        if ch in "đĐ":
            out.append("d")
            continue
        base = unicodedata.normalize("NFD", ch)[0] if ord(ch) > 127 else ch
        low = base.lower()
        out.append(low[0] if low else base)
    return "".join(out)


def normalize_text(text: str) -> str:
    """NFC, unify spaces/dashes/line ends, drop markdown emphasis and zero-width chars."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    text = text.translate(_SPACE_LIKE).translate(_DROP).translate(_DASHES)
    # markdown: "* item" bullets become "- item"; other asterisks (emphasis) are dropped
    text = re.sub(r"(?m)^(\s*)\*\s+", r"\1- ", text)
    text = text.replace("*", "")
    text = re.sub(r"_{2,}", " ", text)
    text = re.sub(r"[ ]{2,}", " ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    return text


_BULLET_RE = re.compile(r"^(?:[-+•●▪◦○►➢✓]|\d+(?:\.\d+)*[.)]|[a-zđ][.)]|[IVXLC]+[.)])\s*")
_PAGE_NO_RE = re.compile(r"^(?:-\s*)?\d{1,3}(?:\s*-)?$|^(?:trang|page)\s+\d{1,3}(?:\s*/\s*\d{1,3})?$", re.I)
_TERMINAL = ".;:!?"


def _starts_lower(line: str) -> bool:
    for ch in line:
        if ch.isalpha():
            return ch.islower()
        if ch.isdigit():
            return False
        if ch in "-+•*(\"“'":
            return False
    return False


def logical_lines(text: str) -> list[str]:
    """Split normalized text into logical lines (paragraphs / list items).

    Hard-wrapped lines (PDF extraction, e-mail) are joined back: a line is glued to the
    previous one when it starts in lower case, or when the previous line is "full"
    (close to the typical wrap width) and does not end a sentence. A paragraph broken
    by a blank line in the middle of a sentence (next part starts in lower case) is
    also joined. Lone page numbers are dropped.
    """
    raw = [ln.strip() for ln in normalize_text(text).split("\n")]
    raw = [("" if _PAGE_NO_RE.match(ln) else ln) for ln in raw]
    lengths = sorted(len(ln) for ln in raw if len(ln) > 15)
    wrapped = False
    width = 0
    if len(lengths) >= 8:
        p50 = lengths[len(lengths) // 2]
        p90 = lengths[int(len(lengths) * 0.9) - 1]
        wrapped = 35 <= p50 <= 130 and p90 <= 140
        width = p90
    out: list[str] = []
    blank_before = True
    last_len = 0
    for ln in raw:
        if not ln:
            blank_before = True
            continue
        if out:
            prev = out[-1]
            is_item = bool(_BULLET_RE.match(ln)) and not _starts_lower(ln)
            dash_lower = ln.startswith("- ") and _starts_lower(ln[2:])  # "- xã hội" wrapped inside "kinh tế - xã hội"
            opener = re.match(r"^(?:can cu|thuc hien|kinh gui|tren day|noi nhan)\b", fold(ln)) is not None
            opener = opener or " | " in ln or " | " in prev  # table rows stay apart
            cont = False
            if (prev[-1] not in _TERMINAL or prev.endswith("...")) and not opener:
                if (_starts_lower(ln) and not is_item) or (dash_lower and not blank_before):
                    cont = True
                elif (
                    wrapped
                    and not blank_before
                    and not is_item
                    and last_len >= 0.72 * width
                    and prev[-1] not in _TERMINAL
                ):
                    cont = True
            if cont:
                out[-1] = prev + " " + ln
                blank_before = False
                last_len = len(ln)
                continue
        out.append(ln)
        blank_before = False
        last_len = len(ln)
    return out


def _clean(s: str) -> str:
    s = re.sub(r"\s+", " ", s).strip()
    s = re.sub(r"^[\s,;:.\-+•|]+", "", s)
    s = re.sub(r"[\s,;:|\-]+$", "", s)
    return s.strip()


# --------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------


@dataclass
class DateMention:
    """A date found in text.

    ``date`` is the deadline the mention stands for (last day for month/year/quarter
    precision). ``cue`` is the word in front of it: before (trước, chậm nhất, hạn),
    until (đến, đến hết), from (từ, bắt đầu từ), during (trong, vào, cuối), on (ngày)
    or None. A "từ A đến B" range gives A ``range_role='start'`` and B
    ``range_role='end'`` with ``range_start`` = A's date; "Từ nay / từ ngày ban hành
    đến B" gives B ``range_start='issue'``. ``period_ref`` marks phrases such as
    "6 tháng đầu năm" or "Quý I" that name a period rather than a deadline.
    """

    start: int
    end: int
    date: date
    precision: str  # day | month | year
    text: str
    year_explicit: bool = True
    cue: str | None = None
    cue_start: int | None = None
    range_role: str | None = None
    range_start: date | str | None = None
    period_ref: bool = False


_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_NOT_DATE_PREV_WORDS = {"so", "lop", "phong", "khoan", "dieu", "muc", "tiet", "cau", "bai", "ty", "le", "chi", "tieu"}

_LONG_RE = re.compile(r"(?:\bngay\s+)?(?<![\d/])(\d{1,2})\s+thang\s+(\d{1,2})(?:\s*(?:,\s*)?(?:nam|/)\s*(\d{4}))?\b")
_SLASH_RE = re.compile(r"(?<![\w/.\-])(\d{1,2})\s?/\s?(\d{1,2})(?:\s?/\s?(\d{4}|\d{2}))?(?![\w/]|\.\d|-\d)")
_DASHDOT_RE = re.compile(r"(?<![\w/.\-])(\d{1,2})([.\-])(\d{1,2})\2(\d{4})(?![\w/]|[.\-]\d)")
_MONTH_RE = re.compile(r"\bthang\s+(\d{1,2})(?:\s*(?:/|-|nam)\s*(\d{4}))?(?![\d/])")
_YEAR_RE = re.compile(r"\bnam\s+(\d{4})\b(?!\s*-\s*\d)")
_QUARTER_RE = re.compile(r"\bquy\s+(iv|iii|ii|i|[1-4])\b(?:\s*(?:/|-|nam)\s*(\d{4}))?")
_HALF_RE = re.compile(r"\b(0?6|sau)\s+thang\s+(dau|cuoi)\s+nam\b(?:\s+(\d{4}))?")

_CUE_BEFORE = re.compile(
    r"(?:\btruoc|\bcham nhat(?: la)?|\bmuon nhat(?: la)?|\bhan chot|\bhan cuoi|\bthoi han|\bhan nop|\bhan gui|\bkhong qua|\bhan)"
    r"\s*:?\s*(?:\d{1,2}\s*(?:h|gio)\s*\d{0,2}\s*(?:phut)?,?\s*)?(?:ngay|vao ngay|la ngay|:)?\s*(?:ngay\s*)?$"
)
_CUE_UNTIL = re.compile(r"\b(?:den|toi)\s+(?:het\s+)?(?:ngay\s+)?$")
_CUE_FROM = re.compile(r"\b(?:tu|bat dau tu|bat dau|ke tu)\s+(?:ngay\s+)?$")
_CUE_DURING = re.compile(r"\b(?:trong|vao|cuoi|dau|giua|het|suot|ngay trong|trong thoi gian)\s+(?:ngay\s+)?$")
_CUE_ON = re.compile(r"\bngay\s*[:]?\s*$")
_RANGE_JOIN = re.compile(r"^\s*(?:-|den|toi)\s*(?:het\s+)?(?:ngay\s+)?$")
_RANGE_ISSUE = re.compile(
    r"\b(?:tu nay|ke tu nay|(?:ke )?tu (?:ngay|khi) (?:ban hanh|ky|co hieu luc)[^.;:\n]{0,40}?)\s*(?:den|toi)\s+(?:het\s+)?(?:ngay\s+)?$"
)
_RANGE_DAYONLY = re.compile(r"\btu\s+(?:ngay\s+)?(\d{1,2})\s*(?:-|den|toi)\s*(?:het\s+)?(?:ngay\s+)?$")


def school_year_of(text: str) -> int | None:
    """First year of the first "năm học YYYY-YYYY" (or "YYYY - YYYY") in text."""
    m = re.search(r"\bnam hoc\s+(\d{4})\s*(?:-|/)\s*(\d{2,4})", fold(text))
    if not m:
        return None
    return int(m.group(1))


def infer_year(month: int, default_year: int | None, school_year: int | None = None) -> int:
    """Year of a day/month given without a year.

    In a school year "năm học 2023-2024", months 8-12 fall in 2023 and 1-7 in 2024;
    otherwise the plan's own year (``default_year``) is used.
    """
    if school_year:
        return school_year if month >= 8 else school_year + 1
    if default_year:
        return default_year
    return date.today().year


def deadline_cue(before: str) -> str | None:
    """Classify the words right before a date (``before`` is folded or raw text)."""
    f = fold(_nfc(before))[-60:]
    if _CUE_BEFORE.search(f):
        return "before"
    if _CUE_UNTIL.search(f):
        return "until"
    if _CUE_FROM.search(f):
        return "from"
    if _CUE_DURING.search(f):
        return "during"
    if _CUE_ON.search(f):
        return "on"
    return None


def _last_day(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _mk(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _prev_word(f: str, pos: int) -> str:
    m = re.search(r"([a-z]+)\s*$", f[:pos])
    return m.group(1) if m else ""


def find_dates(
    text: str,
    default_year: int | None = None,
    *,
    school_year: int | None = None,
    ref_date: date | None = None,
) -> list[DateMention]:
    """Find date mentions in ``text`` (see :class:`DateMention`).

    Recognised: "ngày 31 tháng 5 năm 2024", "31/5/2024", "31-5-2024", "31.5.2024",
    "25/1" (year inferred), "trong tháng 02/2024" (month), "trong năm 2023" (year, only
    after a cue word), "Quý I/2024", "6 tháng đầu năm". Impossible dates (31/02) are
    skipped. A day/month without year takes the year from ``school_year`` ("năm học
    2023-2024": Aug-Dec -> 2023, Jan-Jul -> 2024) or ``default_year``; if that falls
    more than two months before ``ref_date`` (the plan's issue date) the next year is
    used.
    """
    text = unicodedata.normalize("NFC", text)
    f = fold(text)
    taken = [False] * len(f)
    found: list[DateMention] = []

    def free(a: int, b: int) -> bool:
        return not any(taken[a:b])

    def take(a: int, b: int) -> None:
        for i in range(a, b):
            taken[i] = True

    def year_for(month: int, y: str | None) -> tuple[int, bool]:
        if y:
            yy = int(y)
            if yy < 100:
                yy += 2000
            return yy, True
        return infer_year(month, default_year, school_year), False

    def add(a: int, b: int, d: date | None, precision: str, explicit: bool, period_ref: bool = False) -> None:
        if d is None or not free(a, b):
            return
        take(a, b)
        found.append(DateMention(a, b, d, precision, text[a:b], explicit, period_ref=period_ref))

    for m in _LONG_RE.finditer(f):
        has_ngay = f[m.start() : m.start() + 4] == "ngay"
        if not has_ngay and not m.group(3):
            continue
        day, month = int(m.group(1)), int(m.group(2))
        if not 1 <= month <= 12:
            continue
        y, explicit = year_for(month, m.group(3))
        add(m.start(), m.end(), _mk(y, month, day), "day", explicit)
    for m in _DASHDOT_RE.finditer(f):
        add(m.start(), m.end(), _mk(int(m.group(4)), int(m.group(3)), int(m.group(1))), "day", True)
    for m in _SLASH_RE.finditer(f):
        if _prev_word(f, m.start()) in _NOT_DATE_PREV_WORDS:
            continue
        day, month = int(m.group(1)), int(m.group(2))
        if not 1 <= month <= 12 or not 1 <= day <= 31:
            continue
        tail = f[m.end() : m.end() + 12]
        if not m.group(3) and re.match(r"\s*(?:so\b|tong\b|%|tro len|truong\b|lop\b)", tail):
            continue  # a fraction ("2/3 số đơn vị")
        y, explicit = year_for(month, m.group(3))
        add(m.start(), m.end(), _mk(y, month, day), "day", explicit)
    for m in _QUARTER_RE.finditer(f):
        q = _ROMAN[m.group(1)]
        y, explicit = year_for(q * 3, m.group(2))
        add(m.start(), m.end(), _last_day(y, q * 3), "month", explicit, period_ref=True)
    for m in _HALF_RE.finditer(f):
        month = 6 if m.group(2) == "dau" else 12
        y, explicit = year_for(month, m.group(3))
        add(m.start(), m.end(), _last_day(y, month), "month", explicit, period_ref=True)
    for m in _MONTH_RE.finditer(f):
        month = int(m.group(1))
        if not 1 <= month <= 12:
            continue
        if re.search(r"\d\s*$", f[: m.start()]):  # "6 tháng 5" -> not a month name
            continue
        if not m.group(2) and deadline_cue(f[: m.start()]) is None:
            continue
        y, explicit = year_for(month, m.group(2))
        add(m.start(), m.end(), _last_day(y, month), "month", explicit)
    for m in _YEAR_RE.finditer(f):
        cue = deadline_cue(f[: m.start()])
        if cue not in ("before", "until", "during", "from"):
            continue
        if re.search(r"\b(?:dau|giua|nua dau|nua cuoi)\s+$", f[max(0, m.start() - 12) : m.start()]):
            continue  # "đầu năm 2024", "nửa đầu năm 2024": not a deadline
        y = int(m.group(1))
        add(m.start(), m.end(), date(y, 12, 31), "year", True)

    found.sort(key=lambda d: d.start)
    for dm in found:
        before = f[: dm.start]
        dm.cue = deadline_cue(before)
        if dm.text and fold(dm.text).startswith("ngay") and dm.cue is None:
            dm.cue = "on"
        cm = None
        for rx in (_CUE_BEFORE, _CUE_UNTIL, _CUE_FROM, _CUE_DURING, _CUE_ON):
            cm = rx.search(before[-60:])
            if cm:
                dm.cue_start = dm.start - (len(before[-60:]) - cm.start())
                break
        if dm.cue_start is None:
            dm.cue_start = dm.start
        if _RANGE_ISSUE.search(before[-80:]):
            dm.range_role = "end"
            dm.range_start = "issue"
        dmo = _RANGE_DAYONLY.search(before[-40:])
        if dmo and dm.precision == "day":
            dm.range_role = "end"
            dm.range_start = _mk(dm.date.year, dm.date.month, int(dmo.group(1)))
    # pair "từ A đến B" / "(A - B)"
    for a, b in zip(found, found[1:]):
        between = f[a.end : b.start]
        if not _RANGE_JOIN.match(between):
            continue
        opened = a.cue == "from" or f[: a.start].rstrip().endswith("(")
        if not opened and not re.match(r"^\s*(?:den|toi)\b", between):
            continue
        if not a.year_explicit and b.year_explicit:
            y = b.date.year if (a.date.month, a.date.day) <= (b.date.month, b.date.day) else b.date.year - 1
            fixed = _mk(y, a.date.month, a.date.day) if a.precision == "day" else (_last_day(y, a.date.month) if a.precision == "month" else a.date)
            if fixed:
                a.date = fixed
                a.year_explicit = True
        a.range_role = "start"
        b.range_role = "end"
        b.range_start = a.date if a.precision == "day" else a.date.replace(day=1) if a.precision == "month" else date(a.date.year, 1, 1)
    if ref_date:
        for dm in found:
            if not dm.year_explicit and dm.date < ref_date - timedelta(days=62):
                nd = _mk(dm.date.year + 1, dm.date.month, dm.date.day)
                if nd:
                    dm.date = nd
    return found


# --------------------------------------------------------------------------------------
# Cited dates, commemorative days, phases
# --------------------------------------------------------------------------------------

_DOC_STRONG = (
    r"chi thi|quyet dinh|cong van|nghi quyet|nghi dinh|thong tu|luat|phap lenh|hien phap|ket luan|"
    r"huong dan so|dieu le|quy che so|thong tri|chuong trinh hanh dong|de an so|van ban so|cong dien"
)
_DOC_WEAK = r"ke hoach|bao cao|thong bao|to trinh|chuong trinh|de an|van ban|huong dan|quy dinh|quy che"
_DOC_CODE = r"(?:so\s*)?\d+[\w.\-]*/[\w.&/\-]+|\bso\s+\d+"
_NO_CUE_BETWEEN = re.compile(r"(?<![\w/\-])(?:truoc|cham nhat|han|den ngay|tu ngay|trong|vao ngay|gui|nop)\b")


def is_cited_date(before: str) -> bool:
    """True when the date right after ``before`` is the date of a cited document.

    "Căn cứ Kế hoạch số 383/KH-UBND ngày", "Chỉ thị số 05/CT-UBND ngày",
    "Luật Thi đua, khen thưởng ngày", "thông qua tại kỳ họp thứ 8 ngày",
    "ban hành ngày" — but not "gửi báo cáo sơ kết trước ngày".
    """
    f = fold(_nfc(before))[-170:]
    if re.search(r"\b(?:ky hop(?: thu \w+)?|ban hanh|ky|thong qua)\s+(?:vao\s+)?ngay\s*$", f):
        return True
    if not re.search(r"ngay\s*$|\b(?:ngay)\s*$", f) and not re.search(r"(?:" + _DOC_CODE + r")\s*,?\s*$", f):
        # document dates are written "... số X ngày D" (or "X/KH-... D")
        if not re.search(r"\bngay\s*$", f):
            return False
    best = None
    for m in re.finditer(r"\b(?:" + _DOC_STRONG + r")\b", f):
        best = ("strong", m)
    for m in re.finditer(r"\b(?:" + _DOC_WEAK + r")\b", f):
        if best is None or m.start() > best[1].start():
            best = ("weak", m)
    if best is None:
        return False
    strength, m = best
    between = f[m.end() :]
    if _NO_CUE_BETWEEN.search(between):
        return False
    has_code = re.search(_DOC_CODE, between) is not None
    if strength == "strong":
        return has_code or len(between) <= 90
    return has_code and len(between) <= 120


_COMMEMORATE = re.compile(
    r"\b(?:ky niem|chao mung|ngay le|le ky niem|tet nguyen dan|ngay truyen thong|huong toi ngay|nhan ngay)\b"
)
_NAMED_DAY = re.compile(
    r"\bngay\s+(?!ban hanh|ky\b|nay\b|hieu luc)(?:thanh lap|sinh|giai phong|quoc te|quoc khanh|nha giao|phu nu|thuong binh|"
    r"toan quoc|hoi|chien thang|truyen thong|[A-Z])[^\d;:()]{0,70}$"
)


def is_commemorative(text: str, mention: DateMention) -> bool:
    """True for a commemorative day named as a theme: "chào mừng ngày Nhà giáo Việt Nam
    20/11", "kỷ niệm 70 năm Ngày chiến thắng Điện Biên Phủ (07/5/1954 - 07/5/2024)",
    "ngày Quốc tế Lao động 1/5"."""
    f = fold(text)
    before = f[max(0, mention.start - 200) : mention.start]
    clause = re.split(r"[;.:]\s|\n", before)[-1]
    if mention.cue in ("before",):
        return False
    # "ngày <Name> 20/11": a named day right before the date (the name keeps its capitals)
    raw_before = text[max(0, mention.start - 90) : mention.start]
    m = re.search(r"\b[nN]gày\s+(?!ban hành|ký\b|nay\b|hiệu lực)(\S[^\d;:()]{2,70})$", raw_before)
    if m:
        name = m.group(1).strip()
        words = name.split()
        fname = fold(name)
        if not re.search(r"\b(?:den|toi|truoc|tu|han|het|trong)\b", fname) and (
            any(w[:1].isupper() for w in words) or re.match(r"(thanh lap|sinh|giai phong|quoc te|truyen thong)", fname)
        ):
            return True
    cm = None
    for cm in _COMMEMORATE.finditer(clause):
        pass
    if cm is not None:
        after_cm = clause[cm.end() :]
        if not re.search(r"\b(?:truoc|cham nhat|han|den|tu)\s+ngay\b|\b(?:gui|nop|bao cao)\b", after_cm):
            return True
    # anniversary ranges "(1954 - 2024)": start and end years far apart
    if mention.range_role == "end" and isinstance(mention.range_start, date):
        if mention.date.year - mention.range_start.year >= 3:
            return True
    if mention.range_role == "start":
        after = f[mention.end : mention.end + 20]
        m2 = re.match(r"\s*-\s*(?:ngay\s+)?\d{1,2}/\d{1,2}/(\d{4})", after)
        if m2 and int(m2.group(1)) - mention.date.year >= 3:
            return True
    return False


_PHASE_RE = re.compile(r"^(?:[-+•]\s*)?(?:\d+(?:\.\d+)*[.)]?\s*)?(?:dot|giai doan|buoc)\b|\bdot\s+(?:thi dua\s+)?(?:thu|\d|[ivx]+\b|mot|hai|ba|cuoi|cao diem)")


def is_phase(clause: str) -> bool:
    """A phase (đợt / giai đoạn) of the campaign: "Đợt thi đua thứ nhất: Từ nay đến hết
    tháng 01/2021" — its dates frame the campaign, they are not deadlines."""
    return bool(_PHASE_RE.search(fold(_nfc(clause)).strip()))


# --------------------------------------------------------------------------------------
# Kinds
# --------------------------------------------------------------------------------------

_KIND_PATTERNS: list[tuple[str, str]] = [
    ("award_dossier", r"\bho so\b(?!\s+(?:hoc sinh|tuyen|du thi|minh chung))|\bto trinh\b|\bdanh sach (?:de nghi|de xuat|khen)|\b(?:de nghi|de xuat|xet) khen thuong\b|\bhoi dong thi dua.{0,30}\bxet\b"),
    ("nomination", r"\bde cu\b|\bgioi thieu\b.{0,40}\b(?:guong|dien hinh|tap the|ca nhan)|\b(?:guong|mo hinh) dien hinh|\bdien hinh tien tien\b|\bbinh chon\b|\bguong nguoi tot"),
    ("registration", r"\bdang ky\b|\bgiao uoc\b|\bky ket\b|\bcam ket thi dua\b"),
    ("preliminary_report", r"\bso ket\b"),
    ("final_report", r"\btong ket\b"),
    ("plan_submission", r"\b(?:gui|nop|xay dung|ban hanh|hoan thanh|lap|bao cao)\b[^.;]{0,25}?\bke hoach\b|\bke hoach (?:cua|thi dua|phat dong|to chuc)\b[^.;]{0,40}\b(?:gui|nop)\b"),
]
_STRONG = {k for k, _ in _KIND_PATTERNS}
_PERIODIC = re.compile(r"\bbao cao\s+(?:dinh ky|hang thang|hang quy|thang|quy|6 thang|06 thang|nam|nua nam)\b|\bdinh ky\b")
_EVENT = re.compile(
    r"\bhoi nghi\b|\bhoi thi\b|\bcuoc thi\b|\bhoi giang\b|\ble (?:tuyen duong|ky niem|trao|phat dong|khai mac|be mac|ton vinh)\b|"
    r"\bphat dong\b|\btuyen duong\b|\btrao (?:thuong|tang)\b|\bkiem tra\b|\bgap mat\b|\bgiao luu\b|\bmit tinh\b|\bto chuc\b|\btrien khai\b"
)
_EVENT_SPECIFIC = re.compile(
    r"\b(?:hoi nghi|hoi thi|cuoc thi|hoi giang|le \w+|phat dong|tuyen duong|trao (?:thuong|tang)|gap mat|mit tinh|so ket|tong ket)\b"
    # a label that says when something takes place: "Thời gian tổ chức: 7 giờ 30 phút, ngày 14/10/2020"
    r"|\bthoi gian (?:to chuc|dien ra|khai mac|hop|tap huan|boi duong)\b"
)
# "Thời gian kết nối thử nghiệm: từ 16h00, ngày 13/10": the label names an activity and when it happens.
# Not a period ("thời gian thực hiện / thi đua / phát động / triển khai") and not a hand-in ("thời gian nộp").
_TIME_LABEL = re.compile(r"\bthoi gian (?!(?:thuc hien|thi dua|phat dong|trien khai|nop|gui|bao cao|dang ky|ap dung|"
                         r"con lai|qua|toi|den|tu|la)\b)[a-z]{2,}")
_WEAK = re.compile(r"\b(?:gui|nop|bao cao|hoan thanh|cap nhat|tong hop|thuc hien|chuan bi|xay dung)\b")
_OCCASION = re.compile(r"(?:nhan dip|khi|sau khi|gan voi|sau|vao dip|dip)\s+(?:cac\s+)?$")


def _nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def _kind_hits(phrase: str) -> list[tuple[int, int, str]]:
    f = fold(_nfc(phrase))
    hits: list[tuple[int, int, str]] = []
    for kind, rx in _KIND_PATTERNS:
        for m in re.finditer(rx, f):
            if kind in ("preliminary_report", "final_report"):
                # "nhân dịp sơ kết, tổng kết": an occasion, not an obligation
                pre = f[max(0, m.start() - 50) : m.start()]
                while True:
                    shorter = re.sub(r"(?:so ket|tong ket)\s*(?:,|va|hoac|/)?\s*$", "", pre)
                    if shorter == pre:
                        break
                    pre = shorter
                if _OCCASION.search(pre):
                    continue
            if kind == "award_dossier" and re.search(r"\bdang ky\b", f[max(0, m.start() - 60) : m.start()]) and "ho so" not in f[m.start() : m.end()]:
                continue
            hits.append((m.start(), m.end(), kind))
    hits.sort()
    return hits


def classify_kinds(phrase: str) -> list[str]:
    """All distinct obligation kinds of a phrase, in order of appearance.

    "gửi báo cáo tổng kết và hồ sơ khen thưởng" -> [final_report, award_dossier];
    "báo cáo định kỳ sơ kết 6 tháng đầu năm" -> [preliminary_report];
    "báo cáo định kỳ hằng quý" -> [periodic_report]; "tổ chức hội nghị" -> [event];
    "gửi báo cáo kết quả" -> [other]; nothing recognisable -> [].
    """
    phrase = _nfc(phrase)
    kinds: list[str] = []
    for _, _, k in _kind_hits(phrase):
        if k not in kinds:
            kinds.append(k)
    if "registration" in kinds and "award_dossier" in kinds:
        f = fold(phrase)
        if "ho so" not in f and "to trinh" not in f and "danh sach" not in f:
            kinds.remove("award_dossier")
    if kinds:
        return kinds
    f = fold(phrase)
    if _PERIODIC.search(f):
        return ["periodic_report"]
    if _EVENT.search(f):
        return ["event"]
    if _WEAK.search(f):
        return ["other"]
    return []


def classify_kind(phrase: str) -> str:
    """The main kind of a phrase (first of :func:`classify_kinds`, else ``other``)."""
    kinds = classify_kinds(phrase)
    return kinds[0] if kinds else "other"


# --------------------------------------------------------------------------------------
# Actors
# --------------------------------------------------------------------------------------


@dataclass
class Actor:
    start: int
    end: int
    category: str  # units | office | other
    text: str


_UNIT_NOUNS = (
    r"don vi(?: truc thuoc| truong hoc| co so| thanh vien)?|co so giao duc(?: mam non| pho thong)?|nha truong|truong hoc|"
    r"truong(?: mam non| tieu hoc| thcs| thpt| trung hoc(?: co so| pho thong)?| mn| th\b| pt)?|"
    r"phong gd ?(?:&|va)? ?dt|phong giao duc(?: va| &)? dao tao|phong gddt|to chuyen mon|cum truong|cum thi dua|khoi thi dua|"
    r"trung tam|phong chuyen mon|phong, ban"
)
_UNITS_RE = re.compile(
    r"\b(?:(?:thu truong|hieu truong|nguoi dung dau|lanh dao|ban giam hieu)\s+)?(?:cac|moi|tung|toan the cac)\s+(?:" + _UNIT_NOUNS + r")\b"
    r"|\b(?:thu truong|hieu truong) (?:don vi|nha truong|cac truong)\b|\bdon vi\b|\bnha truong\b"
)
_OFFICE_RE = re.compile(
    r"\b(?:phong giao duc(?: va| &| and)? dao tao|phong gd ?(?:&|va)? ?dt|phong gddt|pgd ?&? ?dt|pgddt|"
    r"so giao duc(?: va| &)? dao tao|so gd ?(?:&|va)? ?dt|so gddt|sgd ?&? ?dt|"
    r"hoi dong thi dua\s*-?\s*khen thuong(?: nganh)?|ban thi dua\s*-?\s*khen thuong(?: nganh)?|van phong so|lanh dao phong|lanh dao so)\b"
)
_OTHER_ACTOR_RE = re.compile(r"\b(?:cong doan(?: co quan| nganh)?|doan thanh nien|lien doi)\b")
_RECIPIENT_PREV = re.compile(
    r"(?:\bve|\bqua|\bcho|\btoi|\blen|\bcua|\bvoi|\btai|\bthuoc|\btruc thuoc|\btrong|\bgui|\bnop|\bden|\btu|\bo|\bgiua|\bphoi hop|\bdoi voi|\bvao)\s*(?:\(\s*)?$"
)
_OFFICE_RECIPIENT_PREV = re.compile(r"(?:\bde nghi|\btrinh|\bbao cao|\bxin y kien|\bde xuat)\s*$")


def find_actors(text: str, *, issuer_kind: str | None = None) -> list[Actor]:
    """Actors named in ``text`` that *act* (recipients "gửi về Phòng GD&ĐT", "báo cáo
    UBND", possessors "của đơn vị" are left out). ``issuer_kind`` is 'phong' or 'so':
    when the plan is issued by a Sở, "Phòng GD&ĐT" designates the units below it.
    Spans refer to the NFC form of ``text``."""
    text = _nfc(text)
    f = fold(text)
    spans: list[Actor] = []
    used = [False] * len(f)

    def ok(a: int, b: int) -> bool:
        return not any(used[a:b])

    for m in _UNITS_RE.finditer(f):
        spans.append(Actor(m.start(), m.end(), "units", text[m.start() : m.end()]))
        for i in range(m.start(), m.end()):
            used[i] = True
    for m in _OFFICE_RE.finditer(f):
        if not ok(m.start(), m.end()):
            continue
        cat = "office"
        if issuer_kind == "so" and m.group(0).startswith(("phong", "pgd")):
            cat = "units"
        spans.append(Actor(m.start(), m.end(), cat, text[m.start() : m.end()]))
    for m in _OTHER_ACTOR_RE.finditer(f):
        if ok(m.start(), m.end()):
            spans.append(Actor(m.start(), m.end(), "other", text[m.start() : m.end()]))
    out = []
    for a in sorted(spans, key=lambda s: s.start):
        pre = f[max(0, a.start - 25) : a.start]
        if _RECIPIENT_PREV.search(pre):
            continue
        if a.category == "office" and _OFFICE_RECIPIENT_PREV.search(pre):
            continue
        # "đơn vị" alone right after a noun is a modifier ("của cơ quan, đơn vị", "hoạt động đơn vị")
        if fold(a.text) in ("don vi", "nha truong") and re.search(r"[a-z],?\s*$", pre) and not re.search(
            r"(?:^|[.;:\-+]\s*|\b(?:va|hoac)\s+)$", pre
        ):
            continue
        out.append(a)
    return out


def who_category(who: str | None) -> str:
    """'units', 'office' or 'other' for a ``who`` string."""
    if not who:
        return "other"
    f = fold(_nfc(who))
    if re.match(r"\s*(?:cac|moi|tung|toan the)\b", f) or re.search(r"\b(?:don vi|truong|co so giao duc|nha truong)\b", f) and not _OFFICE_RE.match(f):
        return "units"
    if _OFFICE_RE.search(f) or re.match(r"\s*(?:phong|so)\b", f):
        return "office"
    return "other"


def _short_units(phrase: str) -> str:
    p = _clean(phrase)
    p = re.sub(r"^(?:Thủ trưởng|Hiệu trưởng|Người đứng đầu|Lãnh đạo|Ban giám hiệu)\s+", "", p, flags=re.I)
    return p[:1].lower() + p[1:] if p[:1].isupper() and not p[1:2].isupper() else p


def who_acts(
    phrase: str,
    *,
    context_before: str = "",
    heading_actor: str | None = None,
    default_units: str = "các đơn vị",
    office_name: str = "Phòng Giáo dục và Đào tạo",
    issuer_kind: str | None = None,
    forward: bool = False,
) -> str:
    """Who must act for an obligation phrase.

    1. an acting actor in the phrase (the first one when the date heads the line —
       ``forward`` —, else the nearest one before the date);
    2. the nearest acting actor earlier in the sentence (``context_before``);
    3. "Thời gian sơ kết ..." (a statement of when the office holds something) -> office;
    4. the actor named by the section heading; 5. the units the plan addresses.
    """

    def render(a: Actor) -> str:
        if a.category == "office":
            return office_name
        if a.category == "units":
            return _short_units(a.text)
        return _clean(a.text)

    actors = find_actors(phrase, issuer_kind=issuer_kind)
    if actors:
        return render(actors[0] if forward else actors[-1])
    if context_before:
        actors = find_actors(context_before, issuer_kind=issuer_kind)
        if actors:
            return render(actors[-1])
    fp = fold(phrase)
    fp = re.sub(r"^[\W\d]*(?:(?:ngay|thang|quy|nam|truoc|tu|den|het|trong)\b[\W\d]*|[ivx]+\b[\W\d]*)*", "", fp)
    if re.match(r"^\W*(?:thoi gian|(?:to chuc\s+)?hoi nghi|(?:to chuc\s+)?le (?:so ket|tong ket|tuyen duong|trao|phat dong|khai mac|be mac))\b", fp):
        return office_name
    if heading_actor:
        return heading_actor
    return default_units


# --------------------------------------------------------------------------------------
# Header: number, date, title, issuer
# --------------------------------------------------------------------------------------

_DOCNUM_RE = re.compile(r"^\s*S[ốoố]\s*(?:hiệu|hieu)?\s*[:.]?\s*(\d{1,6})\s*/\s*([A-Za-zĐđ][\wĐđ&.\-/]*[\wĐđ])", re.I)
_PLACE_DATE_RE = re.compile(r"^\s*([^,|\d][^,|]{1,59}?)\s*,\s*ngay\s*(\d{1,2})?\s*thang\s+(\d{1,2})?\s*nam\s+(\d{4})?")


def _cells(lines: Iterable[str]) -> list[str]:
    out = []
    for ln in lines:
        out.extend(c.strip() for c in ln.split(" | ") if c.strip())
    return out


def parse_doc_number(lines: Sequence[str]) -> str | None:
    """'Số: 87 /KH-GDDT' -> '87/KH-GDDT'; a blank number ('Số: /KH-SGDĐT') -> None."""
    for cell in _cells(lines):
        m = _DOCNUM_RE.match(cell)
        if m:
            return f"{m.group(1)}/{m.group(2)}"
    return None


def parse_issued_date(lines: Sequence[str]) -> tuple[date | None, str | None]:
    """(issue date, place) from the header line "Quận 1, ngày 09 tháng 01 năm 2023".

    A line with blanks ("ngày   tháng   năm 2023") gives the place but no date; then a
    labelled date ("Ngày ban hành", "Ngày ký", "Ngày hiệu lực" of a publishing page)
    is used when present."""
    place = None
    cells = _cells(lines)
    for cell in cells:
        m = _PLACE_DATE_RE.match(fold(cell))
        if not m:
            continue
        if place is None:
            place = _clean(cell[m.start(1) : m.end(1)])
        if m.group(2) and m.group(3) and m.group(4):
            d = _mk(int(m.group(4)), int(m.group(3)), int(m.group(2)))
            if d:
                return d, _clean(cell[m.start(1) : m.end(1)])
    for label in ("ngay ban hanh", "ngay ky", "ngay hieu luc"):
        for i, cell in enumerate(cells):
            if fold(cell).startswith(label):
                window = " ".join(cells[i : i + 3])
                for dm in find_dates(window, 2000):
                    if dm.year_explicit and dm.precision == "day":
                        return dm.date, place
    return None, place


def parse_title(lines: Sequence[str]) -> tuple[str | None, int]:
    """Title = the lines after the "KẾ HOẠCH" heading, up to a blank line or the first
    "Căn cứ / Thực hiện / Kính gửi" paragraph. Returns (title, index of first body line)."""
    for i, ln in enumerate(lines):
        fl = fold(ln).strip(" .:")
        m = re.match(r"^ke hoach\b\s*[:.\-]?\s*(.*)$", fl)
        if not m:
            continue
        raw_head = ln.strip()
        if not raw_head[:8].isupper() and not m.group(1) == "":
            continue  # a sentence that starts with "Kế hoạch ...", not the heading
        if not raw_head.split()[0].isupper():
            continue
        parts: list[str] = []
        rest = _clean(ln[m.start(1) :]) if m.group(1) else ""
        if rest:
            parts.append(rest)
        j = i + 1
        while j < len(lines) and len(parts) < 4:
            nxt = lines[j].strip()
            fn = fold(nxt)
            if not nxt:
                if parts:
                    break
                j += 1
                continue
            if re.match(r"^(?:can cu|thuc hien|kinh gui|the hien|trien khai|nham|-{3,}|\*{3,}|_{3,})", fn) or re.match(
                r"^(?:i|1)[.)]\s", fn
            ):
                break
            if re.fullmatch(r"[-_=*.\s]+", nxt):
                j += 1
                break
            if parts and (
                re.match(r"^[-+•]\s", nxt) or _heading_level(nxt) is not None and not nxt.isupper() or nxt[-1] in ".:;" or len(nxt) > 250
            ):
                break
            parts.append(nxt)
            j += 1
            if len(" ".join(parts)) > 300:
                break
        title = _clean(" ".join(parts))
        title = re.sub(r"^(?:V/v|Về việc)\s*[:.]?\s*", lambda mm: mm.group(0) if fold(mm.group(0)).startswith("ve viec") else "", title)
        return (title or None), j
    return None, 0


def _titlecase_vn(s: str) -> str:
    if s.isupper():
        return " ".join(w[:1] + w[1:].lower() for w in s.split())
    return s


_ADMIN_WORDS = r"(?i:quận|huyện|thị xã|thành phố|tỉnh|TP\.?|thị trấn)"


def _locality_after(tail: str) -> tuple[str | None, str | None]:
    """(admin word, locality) at the start of ``tail``: " Quận 11 triển khai" ->
    ("Quận", "Quận 11"); " huyện Hóc Môn xây dựng" -> ("huyện", "huyện Hóc Môn");
    " quận xây dựng" -> ("quận", None)."""
    m = re.match(r"\s+(" + _ADMIN_WORDS + r")(?=\s)", tail)
    admin = m.group(1) if m else None
    rest = tail[m.end() :] if m else tail
    words = []
    for w in rest.split():
        w2 = w.strip(",;:.()")
        if w2 and (w2.isdigit() or w2[:1].isupper()) and len(words) < 4:
            words.append(w2)
            if w2 != w:
                break
        else:
            break
    if words and fold(words[0]) in ("thuc", "xay", "trien"):
        words = []
    if not words:
        return admin, None
    return admin, ((admin + " ") if admin else "") + " ".join(words)


def _issuer(lines: Sequence[str], body: Sequence[str], place: str | None, full_text: str) -> tuple[str | None, str | None]:
    """(issuer name, 'phong'|'so'|None)."""
    candidates: list[tuple[str, str]] = []
    for ln in list(lines):
        fl = fold(ln)
        for m in _OFFICE_RE.finditer(fl):
            g = m.group(0)
            if not (g.startswith(("phong", "pgd", "so", "sgd"))):
                continue
            pre = fl[max(0, m.start() - 12) : m.start()]
            if re.search(r"\b(?:cua|theo|ve|qua|gui|den|cho|voi)\s*(?:\(\s*)?$", pre):
                continue
            kind = "so" if g.startswith(("so", "sgd")) else "phong"
            tail = ln[m.end() : m.end() + 60]
            candidates.append((kind, tail))
    if not candidates:
        return None, None
    # prefer the office that *issues* the plan: "Phòng GD&ĐT Quận 11 triển khai / xây dựng ..."
    _, loc0 = _locality_after(candidates[0][1])
    kind, tail = candidates[0]
    for k, t in candidates:
        _, lc = _locality_after(t)
        rest = fold(t[len(lc) + 1 :] if lc and t.lstrip().startswith(lc) else t)
        if lc and re.match(r"\W*(?:xay dung|ban hanh|trien khai|phat dong|to chuc|huong dan|thong bao|de ra|lap)\b", rest):
            kind, tail = k, t
            break
    base = "Sở Giáo dục và Đào tạo" if kind == "so" else "Phòng Giáo dục và Đào tạo"
    tail = re.sub(r"^\s*\([^)]{1,15}\)", "", tail)  # "(GDĐT)"
    admin, loc = _locality_after(tail)
    if not loc:
        # header "UBND HUYỆN HIỆP HOÀ"
        for ln in lines[:15]:
            mm = re.match(r"^\s*(?:UBND|ỦY BAN NHÂN DÂN|UỶ BAN NHÂN DÂN)\s+(" + _ADMIN_WORDS + r")\s+(.+?)\s*$", ln, re.I)
            if mm:
                loc = mm.group(1).lower() + " " + _titlecase_vn(mm.group(2))
                break
    if not loc and place:
        if re.match(_ADMIN_WORDS + r"\s", place, re.I):
            loc = place
        elif kind == "so":
            loc = place
        else:
            admin_word = admin
            if not admin_word:
                mm = re.search(r"\b(" + _ADMIN_WORDS + r")\s+" + re.escape(place), full_text, re.I)
                admin_word = mm.group(1) if mm else None
            loc = (admin_word.lower() + " " if admin_word else "") + place
    if loc and not re.match(_ADMIN_WORDS + r"\s", loc, re.I) and kind == "phong":
        mm = re.search(r"\b(" + _ADMIN_WORDS + r")\s+" + re.escape(loc), full_text, re.I)
        if mm:
            loc = mm.group(1).lower() + " " + loc
    return (base + (" " + loc if loc else "")), kind


# --------------------------------------------------------------------------------------
# Document structure
# --------------------------------------------------------------------------------------


@dataclass
class _Unit:
    text: str
    index: int
    section: str = ""  # folded top-level heading
    headings: list[str] = field(default_factory=list)  # raw heading stack (outer -> inner)
    heading_actor: str | None = None
    is_heading: bool = False
    preamble: bool = False


_ROMAN_HEAD = re.compile(r"^(?:[IVXLC]+|[A-ZĐ])\s*[.)/]\s*\S")
_NUM_HEAD = re.compile(r"^(\d+(?:\.\d+)*)[.)]?\s+\S")


def _heading_level(line: str) -> int | None:
    s = line.strip()
    if len(s) > 130:
        return None
    if _ROMAN_HEAD.match(s) and not re.match(r"^[A-ZĐ]\s*[.)]\s*[a-zà-ỹđ]", s):
        return 0
    letters = [c for c in s if c.isalpha()]
    if len(letters) >= 6 and all(c.isupper() for c in letters) and len(s.split()) >= 2:
        return 0
    m = _NUM_HEAD.match(s)
    if m and re.search(r"\d", s[m.end(1) :]) and _content_free(s[m.end(1) :]):
        return None  # "1. Trước ngày 30/9:" — a deadline heading its obligation, not a section
    if m and len(s) <= 110 and s[-1] not in ".;" and s.count(",") <= 4:
        return m.group(1).count(".") + 1
    if re.match(r"^[a-zđ]\)\s+\S", s) and len(s) <= 90 and s[-1] not in ".;":
        return 5
    return None


def _heading_actor(heading: str, issuer_kind: str | None, office_name: str) -> str | None:
    h = re.sub(r"^(?:[IVXLC]+|\d+(?:\.\d+)*|[a-zđ])\s*[.)]?\s*", "", heading.strip())
    h = re.sub(r"^(?:Đối với|Trách nhiệm của|Nhiệm vụ của)\s+", "", h, flags=re.I)
    fh = fold(h)
    m = _OFFICE_RE.match(fh)
    if m and not (issuer_kind == "so" and m.group(0).startswith(("phong", "pgd"))):
        return office_name
    if _UNITS_RE.match(fh) or re.match(r"(?:cac\s+)?(?:truong|don vi|co so giao duc|nha truong|phong gd|phong giao duc)\b", fh):
        h = re.split(r"\s+(?:trên địa bàn|thuộc|trực thuộc|trong toàn)\b", h)[0]
        return _short_units(h)
    return None


def _structure(body: Sequence[str], issuer_kind: str | None, office_name: str) -> list[_Unit]:
    units: list[_Unit] = []
    stack: list[tuple[int, str]] = []
    seen_heading = False
    for idx, ln in enumerate(body):
        lvl = _heading_level(ln)
        u = _Unit(ln, idx)
        if lvl is not None:
            u.is_heading = True
            seen_heading = True
            stack = [(l, h) for (l, h) in stack if l < lvl]
            stack.append((lvl, ln))
        u.headings = [h for _, h in stack]
        tops = [h for l, h in stack if l == 0]
        u.section = fold(tops[-1]) if tops else ""
        for _, h in reversed(stack):
            a = _heading_actor(h, issuer_kind, office_name)
            if a:
                u.heading_actor = a
                break
        u.preamble = not seen_heading
        units.append(u)
    return units


_DOCREF_UNIT = re.compile(
    r"^\W*(?:can cu|thuc hien|the hien|trien khai thuc hien|theo)\s+(?:\S+\s+){0,3}?(?:ke hoach|chi thi|cong van|quyet dinh|nghi quyet|nghi dinh|"
    r"huong dan|thong tu|van ban|chuong trinh|luat|thong bao|de an)\b"
)


# --------------------------------------------------------------------------------------
# Milestones
# --------------------------------------------------------------------------------------

_FILLER = re.compile(
    r"\b(?:ngay|truoc|cham nhat|muon nhat|han chot|han|thoi han|thoi gian|tu nay|tu|den|het|trong|vao|nay|khoang|"
    r"thang|nam|sau|cuoi|dau|giua|la|tien do|moc|chi tiet|cu the|du kien)\b"
)


def _content_free(s: str) -> bool:
    f = fold(s)
    f = _FILLER.sub(" ", f)
    f = re.sub(r"[\W\d_]+", " ", f)
    return not f.strip()


def _sentence_start(f: str, pos: int) -> int:
    best = 0
    for m in re.finditer(r"[.;!?](?=\s)|\n", f[:pos]):
        best = m.end()
    return best


def _sentence_end(f: str, pos: int) -> int:
    m = re.search(r"[.;!?](?=\s|$)|\n", f[pos:])
    return pos + m.end() if m else len(f)


def _phrase_for(u_text: str, mentions: list[DateMention], i: int) -> tuple[str, int, int, bool]:
    """(phrase, start, end, date_heads_line) of the obligation tied to mention ``i``."""
    f = fold(u_text)
    m = mentions[i]
    s0 = _sentence_start(f, m.cue_start or m.start)
    prev_end = 0
    for p in mentions[:i]:
        if p.range_role == "start" and mentions[i].range_role == "end" and p is mentions[i - 1]:
            continue
        prev_end = max(prev_end, p.end)
    seg_start = max(s0, prev_end) if prev_end <= (m.cue_start or m.start) else s0
    before = u_text[seg_start : (m.cue_start or m.start)]
    # range start of this mention belongs to the date phrase
    if m.range_role == "end" and i > 0 and mentions[i - 1].range_role == "start":
        before = u_text[seg_start : mentions[i - 1].cue_start or mentions[i - 1].start]
    heads = _content_free(before)
    nxt = next((p.start for p in mentions[i + 1 :] if p.start > m.end and not p.period_ref), len(u_text))
    if heads:
        # "Ngày 31/5/2024: Các đơn vị gửi ..." — the obligation follows the date
        end = nxt if nxt < len(u_text) else len(u_text)
        if end < len(u_text):
            # stop at the clause boundary before the next date
            cut = max(u_text.rfind(";", m.end, end), u_text.rfind(".", m.end, end))
            if cut > m.end:
                end = cut
        return u_text[seg_start:end], seg_start, end, True
    end = m.end
    tail = u_text[m.end :]
    pm = re.match(r"\s*\([^)]{1,80}\)", tail)
    if pm:
        end = m.end + pm.end()
    phrase = u_text[seg_start:end]
    if not classify_kinds(before):
        # "Các đơn vị, chậm nhất ngày 15/5, gửi báo cáo ..." — obligation after the date
        send = min(_sentence_end(f, m.end), nxt)
        after = u_text[m.end : send]
        if classify_kinds(after):
            phrase = u_text[seg_start:send]
            end = send
    return phrase, seg_start, end, False


def _part_texts(phrase: str, kinds: list[str], date_phrase: str) -> dict[str, str]:
    """Split "báo cáo tổng kết và hồ sơ khen thưởng trước ngày X" into one text per kind."""
    f = fold(phrase)
    cut = f.find(fold(date_phrase)) if date_phrase else -1
    body = phrase[:cut] if cut > 0 else phrase
    bounds = [(0, 0)] + [(m.start(), m.end()) for m in re.finditer(r",\s*|;\s*|\s+va\s+|\s+dong thoi,?\s+", fold(body))] + [(len(body), len(body))]
    parts = [(bounds[k][1], bounds[k + 1][0]) for k in range(len(bounds) - 1)]
    out: dict[str, str] = {}
    for a, b, k in _kind_hits(body):
        if k in out or k not in kinds:
            continue
        for pa, pb in parts:
            if pa <= a <= pb:
                out[k] = _clean(body[pa:pb]) + (" " + date_phrase if date_phrase else "")
                break
    return out


def _from_first_part(phrase: str, cls_phrase: str) -> str:
    """Start the phrase at the coordinated part that holds its first obligation keyword:
    "Phòng đề nghị các đơn vị triển khai, ... và gửi Kế hoạch ... trước ngày X" ->
    "gửi Kế hoạch ... trước ngày X"."""
    hits = _kind_hits(cls_phrase)
    if not hits:
        return phrase
    a = hits[0][0]
    f = fold(phrase)
    start = 0
    for m in re.finditer(r",\s*|;\s*|:\s*|\s+va\s+|\s+dong thoi,?\s+", f[:a]):
        start = m.end()
    return phrase[start:] if start else phrase


def _strip_actor_prefix(text: str, issuer_kind: str | None) -> str:
    t = text
    m = re.match(r"^(.*?:\s*)?(.*)$", t, re.S)
    head, rest = (m.group(1) or ""), m.group(2)
    if head and not _content_free(head):
        head, rest = "", t
    acts = find_actors(rest, issuer_kind=issuer_kind)
    if acts and acts[0].start <= 2:
        rest = rest[acts[0].end :].lstrip(" ,")
    return _clean(head + rest)


def _shorten(s: str, n: int = 220) -> str:
    s = _clean(s)
    if len(s) <= n:
        return s
    cut = s.rfind(" ", 0, n)
    return s[: cut if cut > 0 else n].rstrip(" ,;") + "…"


# --------------------------------------------------------------------------------------
# Recurring
# --------------------------------------------------------------------------------------

_FREQ = [
    ("month", re.compile(r"\b(?:hang|moi|tung|dinh ky) thang\b(?!\s*\d)|\btheo thang\b|\bbao cao thang\b(?!\s*\d)")),
    (
        "quarter",
        re.compile(
            r"\b(?:hang|moi|tung|dinh ky) quy\b(?!\s*(?:dinh|che|trinh|i|\d))|\btheo quy\b(?=\s*(?:[,;.)]|va\b|hoac\b|nam\b|$))|\bbao cao quy\b(?!\s*(?:i|\d))"
        ),
    ),
    ("half_year", re.compile(r"\b(?:hang|moi|dinh ky|theo) (?:0?6|sau) thang\b|\b(?:0?6|sau) thang (?:mot lan|/\s*lan)\b|\b(?:hang|moi|theo) nua nam\b")),
    ("year", re.compile(r"\b(?:hang|moi|tung|theo|dinh ky) nam\b(?!\s*(?:hoc|\d))")),
]
_RECUR_OBLIGATION = re.compile(
    r"\b(?:bao cao|binh xet|binh chon|ra soat|de nghi|so ket|tong ket|gui|nop|dang ky|danh gia|cap nhat|tong hop|xet chon|suy ton)\b"
)


def recurring_every(clause: str) -> str | None:
    """Frequency of a repeating obligation: 'month' | 'quarter' | 'half_year' | 'year'.

    "hàng quý"/"hằng quý"/"theo quý" -> quarter, "hàng tháng" -> month, "định kỳ 6 tháng"
    -> half_year, "hằng năm" -> year; an enumeration ("theo tháng, quý, năm") gives its
    finest step. "6 tháng đầu năm" is a period, not a frequency. Returns None when the
    clause names no frequency."""
    f = fold(_nfc(clause))
    for every, rx in _FREQ:
        for m in rx.finditer(f):
            pre = f[: m.start()]
            if pre.count("“") > pre.count("”") or pre.count('"') % 2 == 1:
                continue  # inside the quoted title of another document
            return every
    return None


# --------------------------------------------------------------------------------------
# Main entry point
# --------------------------------------------------------------------------------------

_SKIP_SECTIONS = re.compile(r"\b(?:muc dich|yeu cau|can cu|co so phap ly)\b")
_AWARD_NAMES = re.compile(
    r"(?:Cờ thi đua|Bằng khen|Giấy khen|Huân chương [^,.;:()]{2,40}?hạng (?:Nhất|Nhì|Ba)|Chiến sĩ thi đua(?: cơ sở| cấp (?:tỉnh|thành phố|Bộ|ngành)| toàn quốc)?|"
    r"Lao động tiên tiến|Tập thể lao động (?:xuất sắc|tiên tiến)|Danh hiệu (?:“|\")[^”\"]{3,60}(?:”|\"))",
    re.I,
)


def _awards(units: Sequence[_Unit]) -> list[str]:
    out: list[str] = []
    for u in units:
        if u.preamble or _DOCREF_UNIT.match(fold(u.text)):
            continue
        for m in _AWARD_NAMES.finditer(u.text):
            name = m.group(0)
            tail = u.text[m.end() : m.end() + 90]
            mm = re.match(r"\s+(của\s+[^:;,.()\n]{2,70}?)(?=\s*[:;,.()]|\s+(?:cho|đối với|cấp|theo|về|và|nhân dịp|tặng)\b|$)", tail)
            if mm:
                name = name + " " + mm.group(1).strip()
            name = name[:1].upper() + name[1:]
            key = fold(name)
            if any(fold(o) == key or fold(o).startswith(key + " ") for o in out):
                continue  # already named (possibly with "của ...")
            out.append(_clean(name))
    return out


_EMAIL_RE = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
_PHONE_RE = re.compile(r"(?:điện thoại|đt|sđt|sdt|dđ|di động|hotline|tel|phone)\s*[:.]?\s*((?:\+?84|0)\d[\d .]{7,12}\d)", re.I)
_PHONE_BARE = re.compile(r"(?<!\d)(0\d{2,3}[ .]?\d{3}[ .]?\d{3,4})(?!\d)")


def _contact(units: Sequence[_Unit]) -> dict:
    email = phone = name = None
    for u in units:
        if u.preamble and _DOCREF_UNIT.match(fold(u.text)):
            continue
        t = u.text
        if email is None:
            m = _EMAIL_RE.search(t)
            if m:
                email = m.group(0).rstrip(".")
        if phone is None:
            m = _PHONE_RE.search(t)
            if not m and re.search(r"liên hệ", t, re.I):
                m = _PHONE_BARE.search(t)
            if m:
                phone = re.sub(r"[ .]", "", m.group(1))
        if name is None and re.search(r"liên hệ|điện thoại|email|e-mail", t, re.I):
            for m in re.finditer(r"(?<!\w)(?i:đồng chí|đ/c|ông|bà|cô|thầy)\s+(\S+(?:\s+\S+){0,4})", t):
                keep = []
                for w in m.group(1).split():
                    w2 = w.strip(",;:.()")
                    if w2[:1].isupper() and w2.isalpha():
                        keep.append(w2)
                        if w2 != w:
                            break
                    else:
                        break
                if len(keep) >= 2:
                    name = " ".join(keep)
                    break
    out = {}
    if name:
        out["name"] = name
    if phone:
        out["phone"] = phone
    if email:
        out["email"] = email
    return out


def _nomination_quota(units: Sequence[_Unit]) -> str | None:
    for u in units:
        if u.preamble:
            continue
        f = fold(u.text)
        m = re.search(
            r"\bmoi\s+(?:don vi|truong|co so|to|phong|nha truong|cum)[^.;]{0,120}?\b(?:de nghi|de xuat|gioi thieu|lua chon|chon|binh chon|dang ky|duoc)\b[^.;]{0,40}?\b(?:\d+|mot|hai|ba|bon|nam|01|02|03)\b",
            f,
        )
        if not m:
            continue
        start = m.start()
        end = _sentence_end(f, m.end())
        s = u.text[start:end]
        fs = fold(s)
        for stop in (" de nghi hoi dong", " theo quy dinh", " de xet", " ve phong", " ve so", " gui ve"):
            k = fs.find(stop, m.end() - start)
            if k > 0:
                s, fs = s[:k], fs[:k]
        s = _clean(s).rstrip(".")
        s = re.sub(r"\b(?:xét\s+)?lựa chọn\s+(?=đề nghị)", "", s)
        award = None
        for h in reversed(u.headings):
            am = _AWARD_NAMES.search(h)
            if am:
                award = am.group(0)
                break
        if award and fold(award) not in fold(s):
            s += f" ({award})"
        return s
    return None


def _dossier(units: Sequence[_Unit]) -> list[str]:
    out: list[str] = []
    for i, u in enumerate(units):
        if not u.is_heading:
            continue
        h = re.sub(r"^(?:[IVXLC]+|\d+(?:\.\d+)*|[a-zđ])\s*[.)]?\s*", "", u.text.strip())
        fh = fold(h)
        if not re.match(r"^(?:thanh phan\s+)?ho so\b", fh):
            continue
        rest = h.split(":", 1)[1] if ":" in h else ""
        items: list[str] = []
        if rest.strip():
            items.extend(re.split(r";\s*", rest))
        lvl = _heading_level(u.text) or 0
        for v in units[i + 1 :]:
            if v.is_heading:
                vl = _heading_level(v.text)
                if vl is not None and vl <= max(lvl, 1) or not re.match(r"^\s*[-+•]", v.text):
                    break
            items.append(v.text)
            if len(items) > 15:
                break
        for it in items:
            it = _clean(re.sub(r"^\s*(?:[-+•]|\d+[.)]|[a-zđ][.)])\s*", "", it))
            it = re.sub(r"\s*(?:theo (?:quy định|mẫu)(?: hiện hành)?)\s*$", "", it, flags=re.I)
            it = _clean(it.rstrip(".;"))
            if it and len(it) <= 200:
                out.append(it)
        if out:
            return out
    return out


def _most_units(units: Sequence[_Unit], issuer_kind: str | None) -> str:
    c: Counter[str] = Counter()
    first: dict[str, int] = {}
    for u in units:
        if u.preamble:
            continue
        for a in find_actors(u.text, issuer_kind=issuer_kind):
            if a.category != "units":
                continue
            fa = fold(a.text)
            if not re.match(r"(?:cac|moi|tung)\s", fa):
                continue
            key = re.sub(r"^(?:moi|tung)\s", "cac ", fa)
            c[key] += 1
            first.setdefault(key, len(first))
    if not c:
        return "các đơn vị"
    key = max(c, key=lambda k: (c[k], -first[k]))
    # render the key with diacritics from its first occurrence
    for u in units:
        f = fold(u.text)
        k = f.find(key)
        if k >= 0:
            return _short_units(u.text[k : k + len(key)])
        k2 = f.find(key.replace("cac ", "moi ", 1))
        if k2 >= 0:
            return "các " + u.text[k2 + 4 : k2 + len(key)]
    return key


def _year_context(title: str | None, issued: date | None, body_text: str, today: date | None) -> tuple[int | None, int]:
    ft = fold(title or "")
    sy = school_year_of(title or "")
    ty = re.search(r"\bnam\s+(\d{4})\b(?!\s*-)", ft)
    if sy is None and not ty:
        sy = school_year_of(body_text)
        if sy is not None and issued and not (sy <= issued.year <= sy + 1):
            sy = None
    if ty:
        dy = int(ty.group(1))
        sy = sy if (sy and school_year_of(title or "")) else None
    elif issued:
        dy = issued.year
    else:
        years = Counter(int(y) for y in re.findall(r"(?<![\d/])(?:19|20)\d{2}(?!\d)", body_text))
        dy = years.most_common(1)[0][0] if years else (today or date.today()).year
    return sy, dy


def parse_plan(text: str, *, today: date | None = None) -> dict:
    """Parse the text of a plan (kế hoạch) into a campaign draft (see module docstring)."""
    text = normalize_text(text)
    lines = logical_lines(text)
    title, body_start = parse_title(lines)
    for i in range(max(body_start, 3), len(lines)):
        if re.match(r"^\W*noi nhan\b", fold(lines[i])):
            lines = lines[:i]
            break
    header = lines[:body_start] if body_start else lines[:12]
    doc_number = parse_doc_number(header) or parse_doc_number(lines[:40])
    issued, place = parse_issued_date(header)
    if issued is None and place is None:
        issued, place = parse_issued_date(lines[:40])
    body = lines[body_start:] if body_start else lines
    body_text = "\n".join(body)

    issuer, issuer_kind = _issuer(header + body[:12], body, place, text)
    office_name = "Sở Giáo dục và Đào tạo" if issuer_kind == "so" else "Phòng Giáo dục và Đào tạo"
    units = _structure(body, issuer_kind, office_name)
    school_year, default_year = _year_context(title, issued, body_text, today)
    default_units = _most_units(units, issuer_kind)

    # merge a line holding only a deadline with the obligation on the next line
    merged: list[_Unit] = []
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
            and _content_free(u.text)
        ):
            nu = _Unit(u.text.rstrip() + (" " if u.text.rstrip().endswith(":") else ": ") + units[k + 1].text, u.index)
            nu.section, nu.headings, nu.heading_actor, nu.preamble = u.section, u.headings, u.heading_actor, u.preamble
            merged.append(nu)
            skip = True
            continue
        merged.append(u)
    units = merged

    # dates of cited documents: the plan comes after all of them
    cited_dates: list[date] = []
    unit_mentions: list[list[DateMention]] = []
    for u in units:
        ms = [weekday_corrected(u.text, m, issued)
              for m in find_dates(u.text, default_year, school_year=school_year, ref_date=issued)]
        unit_mentions.append(ms)
        for m in ms:
            cited = is_cited_date(u.text[: m.start]) or _DOCREF_UNIT.match(fold(u.text))
            # a commemorative day named in a cited letter's subject ("chào mừng ngày Nhà giáo Việt Nam
            # 20/11/2020") is not that letter's date: it must not push the floor past real deadlines
            if m.precision == "day" and m.year_explicit and cited and not is_commemorative(u.text, m):
                cited_dates.append(m.date)
    floor = issued or (max(cited_dates) if cited_dates else None)

    milestones: list[dict] = []
    skipped: list[dict] = []   # every date found but not kept, with why: none is dropped silently

    def skip(m: DateMention, reason: str, text: str) -> None:
        skipped.append({"date": m.date.isoformat(), "precision": m.precision, "reason": reason,
                        "text": _shorten(" ".join(text.split()), 160)})
    period_starts: list[date | None] = []
    period_ends: list[tuple[date | None, date | None]] = []  # (start, end)
    for u, ms in zip(units, unit_mentions):
        fu = fold(u.text)
        in_time_section = any(re.search(r"\bthoi gian\b", fold(h)) for h in u.headings)
        if u.is_heading and not ms:
            continue
        docref = _DOCREF_UNIT.match(fu) is not None
        for i, m in enumerate(ms):
            m = from_a_time_on_a_day(u.text, m)
            before = u.text[: m.start]
            clause_start = _sentence_start(fu, m.start)
            if is_cited_date(before) or docref:
                skip(m, "cited", u.text)
                continue
            if is_commemorative(u.text, m):
                skip(m, "commemorative", u.text)
                continue
            phase = is_phase(u.text[clause_start:]) or is_phase(u.text)
            # ---- period information
            if phase or in_time_section or re.search(r"\bthoi gian (?:thi dua|thuc hien|phat dong|trien khai)\b", fu):
                if m.range_role == "start" or m.cue == "from":
                    period_starts.append(m.date if m.precision == "day" else m.date.replace(day=1) if m.precision == "month" else date(m.date.year, 1, 1))
                elif m.range_role == "end":
                    rs = m.range_start
                    period_ends.append((issued if rs == "issue" else rs if isinstance(rs, date) else None, m.date))
                    if rs == "issue":
                        period_starts.append(issued)
                else:
                    period_ends.append((None, m.date))
            if phase or m.range_role == "start" or m.cue == "from":
                skip(m, "phase" if phase else "start", u.text)
                continue
            head_line = _content_free(u.text[clause_start : m.start])
            if m.period_ref and m.cue not in ("before", "during", "until") and not head_line:
                skip(m, "period", u.text)
                continue
            if m.precision in ("month", "year") and m.cue not in ("before", "during", "until", "on") and not head_line:
                skip(m, "coarse", u.text)
                continue
            if floor and m.date < floor:
                skip(m, "past", u.text)
                continue
            if u.section and _SKIP_SECTIONS.search(u.section) and m.cue not in ("before",):
                skip(m, "section", u.text)
                continue
            if re.match(r"\W*tren day la\b", fu[clause_start:]) and m.cue != "before":
                skip(m, "summary", u.text)
                continue  # closing summary sentence
            phrase, p_start, p_end, heads = _phrase_for(u.text, ms, i)
            cls_phrase = _strip_dates(phrase, ms, p_start)
            cls_phrase = re.sub(
                r"(?i)(?:kể )?từ (?:ngày|khi) (?:ban hành|ký|có hiệu lực)[^.;:]{0,40}?(?=\s*(?:đến|tới)\b)", " ", cls_phrase
            )
            kinds = classify_kinds(cls_phrase) or (["event"] if _TIME_LABEL.search(fold(cls_phrase)) else [])
            if not kinds:
                skip(m, "no_obligation", u.text)
                continue
            kinds = sent_topic_is_not_the_event(cls_phrase, kinds)
            specific = any(k in _STRONG or k == "periodic_report" for k in kinds) or bool(_EVENT_SPECIFIC.search(fold(cls_phrase)) or _TIME_LABEL.search(fold(cls_phrase)))
            if not specific and m.cue not in ("before", "until") and not heads:
                skip(m, "no_obligation", u.text)
                continue
            if not specific and m.precision == "year":
                skip(m, "coarse", u.text)
                continue
            # who acts
            ctx = u.text[clause_start:p_start] if p_start > clause_start else ""
            if not ctx and p_start > 0 and not heads:
                ctx = u.text[_sentence_start(fu, p_start) : p_start]
            who = who_acts(
                phrase if not heads else phrase[len(u.text[p_start : m.end]) :] or phrase,
                context_before=ctx,
                heading_actor=u.heading_actor,
                default_units=default_units,
                office_name=office_name,
                issuer_kind=issuer_kind,
                forward=heads,
            )
            if who_category(who) == "office" and submission_without_actor(phrase):
                who = default_units if who_category(default_units) != "office" else "các đơn vị"
            if who_category(who) == "office":
                kinds = ["event"]
            date_phrase = u.text[m.cue_start if m.cue_start is not None else m.start : m.end]
            if m.range_role == "end" and i > 0 and ms[i - 1].range_role == "start":
                date_phrase = u.text[ms[i - 1].cue_start or ms[i - 1].start : m.end]
            texts = _part_texts(phrase, kinds, "" if heads else date_phrase) if len(kinds) > 1 else {}
            if not heads and len(kinds) == 1:
                phrase = _from_first_part(phrase, cls_phrase)
            for k in kinds:
                t = texts.get(k) or phrase
                t = _shorten(_strip_actor_prefix(t, issuer_kind))
                milestones.append(
                    {
                        "date": m.date.isoformat(),
                        "precision": m.precision,
                        "kind": k,
                        "who": who,
                        "text": t,
                        "_pos": (u.index, m.start),
                    }
                )
    # a coarse mention ("trong quý IV/2025") next to a precise one of the same kind
    # in the same paragraph ("... trước ngày 15/11/2025") is the same obligation
    precise = {(d["kind"], d["_pos"][0]): d["date"] for d in milestones if d["precision"] == "day"}
    milestones = [
        d
        for d in milestones
        if d["precision"] == "day" or not ((d["kind"], d["_pos"][0]) in precise and precise[(d["kind"], d["_pos"][0])] <= d["date"])
    ]
    # dedupe (same date & kind)
    seen = set()
    uniq = []
    for ms_ in sorted(milestones, key=lambda d: (d["date"], d["_pos"])):
        key = (ms_["date"], ms_["kind"])
        if key in seen:
            continue
        seen.add(key)
        ms_.pop("_pos")
        uniq.append(ms_)

    period_start, period_end = _period(period_starts, period_ends, units, title, issued, school_year, body_text)

    recurring = _recurring(units)
    result: dict = {
        "issuer": issuer,
        "doc_number": doc_number,
        "issued_date": issued.isoformat() if issued else None,
        "title": title,
        "period_start": period_start.isoformat() if period_start else None,
        "period_end": period_end.isoformat() if period_end else None,
        "milestones": uniq,
        "recurring": recurring,
        "skipped": [x for x in _unkept(skipped, uniq) if not (issued and x["date"] == issued.isoformat())],
    }
    contact = _contact(units)
    if contact:
        result["contact"] = contact
    result["awards"] = _awards(units)
    quota = _nomination_quota(units)
    if quota:
        result["nomination_quota"] = quota
    dossier = _dossier(units)
    if dossier:
        result["dossier"] = dossier
    return result


_WEEKDAY_AFTER = re.compile(r"^\s*[(,–-]?\s*(thu\s+(hai|ba|tu|nam|sau|bay)|chu\s+nhat)\b")
_WEEKDAYS = {"hai": 0, "ba": 1, "tu": 2, "nam": 3, "sau": 4, "bay": 5}


def weekday_after(text: str, end: int) -> int | None:
    """The weekday written right after a date ("… năm 2019 (thứ Hai)"), Monday = 0, or None."""
    found = _WEEKDAY_AFTER.match(fold(text[end:end + 20]))
    if not found:
        return None
    return 6 if found.group(1).startswith("chu") else _WEEKDAYS[found.group(2)]


def weekday_corrected(text: str, m: DateMention, issued: date | None) -> DateMention:
    """A day date whose written weekday contradicts its year, while the same day a year later (or earlier)
    has that weekday and is not before the plan's issue date: the year is a typo, the weekday tells the
    intended date ("ngày 26 tháng 10 năm 2019 (thứ Hai)" in a letter of 12/10/2020 → 26/10/2020)."""
    weekday = weekday_after(text, m.end) if m.precision == "day" else None
    if weekday is None or m.date.weekday() == weekday:
        return m
    for shift in (1, -1):
        try:
            candidate = m.date.replace(year=m.date.year + shift)
        except ValueError:   # 29/02
            continue
        if candidate.weekday() == weekday and (issued is None or candidate >= issued):
            return dataclasses.replace(m, date=candidate)
    return m


_SUBMITTING = re.compile(r"\b(?:nop|gui)\b")
_OFFICE_NAMED = re.compile(r"\b(?:phong|so)\s+(?:giao duc|gd)|\bpgd|\bsgd|\bubnd\b")


def submission_without_actor(phrase: str) -> bool:
    """"Thời gian nộp bài viết: chậm nhất trước …": something is handed in and nobody is named before the
    verb. The office does not hand things in to itself, so it is the addressees' obligation."""
    f = fold(phrase)
    verb = _SUBMITTING.search(f)
    return bool(verb) and not _OFFICE_NAMED.search(f[:verb.start()])


_CLOCK_ONLY = re.compile(r"^\s*(?:tu|bat dau tu|bat dau luc|luc)?\s*\d{1,2}\s*(?:h|gio)\s*(?:\d{1,2})?\s*(?:phut|')?\s*[,;]?\s*(?:ngay)?\s*$")


def from_a_time_on_a_day(text: str, m: DateMention) -> DateMention:
    """"kết nối thử nghiệm từ 16h00, ngày 13/10/2020": "từ" opens a clock time on one day, not a range
    of days, when nothing follows as its end; the date is the day it happens."""
    if m.cue != "from" or m.range_role is not None or m.cue_start is None:
        return m
    between = fold(text[m.cue_start:m.start])
    if not _CLOCK_ONLY.match(between):
        return m
    return dataclasses.replace(m, cue="on")


def sent_topic_is_not_the_event(phrase: str, kinds: list[str]) -> list[str]:
    """"gửi câu hỏi … về nội dung hội nghị trước 9h00": the meeting is the topic of what is sent; the
    obligation is the sending (other), not the meeting, when a submission verb comes before the event word."""
    if kinds != ["event"]:
        return kinds
    f = fold(phrase)
    verb, event = _SUBMITTING.search(f), _EVENT_SPECIFIC.search(f) or _EVENT.search(f)
    return ["other"] if verb and event and verb.start() < event.start() else kinds


SKIP_REASONS = ("cited", "commemorative", "phase", "start", "period", "coarse", "past", "section", "summary",
                "no_obligation")


def _unkept(skipped: list[dict], kept: list[dict]) -> list[dict]:
    """Skipped dates that no milestone uses, once per (date, reason), in date order."""
    used = {m["date"] for m in kept}
    seen, out = set(), []
    for s in sorted(skipped, key=lambda s: s["date"]):
        key = (s["date"], s["reason"])
        if s["date"] in used or key in seen:
            continue
        seen.add(key)
        out.append(s)
    return out


def _strip_dates(phrase: str, ms: list[DateMention], offset: int) -> str:
    out = list(phrase)
    for m in ms:
        a, b = m.start - offset, m.end - offset
        if b <= 0 or a >= len(out):
            continue
        for k in range(max(a, 0), min(b, len(out))):
            out[k] = " "
    return "".join(out)


def _period(
    starts: list[date | None],
    ends: list[tuple[date | None, date | None]],
    units: Sequence[_Unit],
    title: str | None,
    issued: date | None,
    school_year: int | None,
    body_text: str,
) -> tuple[date | None, date | None]:
    start = None
    end = None
    known_starts = [s for s in starts if s]
    if known_starts:
        start = min(known_starts)
    # open end: a phase "đến hết năm học ..." with no calendar date
    open_end = False
    for u in units:
        fu = fold(u.text)
        if is_phase(u.text) and re.search(r"\bden het nam hoc\b|\bden khi ket thuc\b", fu):
            open_end = True
    dated_ends = [e for _, e in ends if e]
    if dated_ends and not open_end:
        end = max(dated_ends)
    if start is None and ends:
        rs = [s for s, _ in ends if s]
        if rs:
            start = min(rs)
    if start is None and any(s is None for s in starts) and issued:
        start = issued
    if start is None and end is None:
        ft = fold(title or "")
        ty = re.search(r"\bnam\s+(\d{4})\b(?!\s*-)", ft)
        sy = school_year_of(title or "")
        if ty and not sy:
            y = int(ty.group(1))
            return date(y, 1, 1), date(y, 12, 31)
        if sy:
            return date(sy, 9, 1), date(sy + 1, 5, 31)
        gd = re.search(r"\bgiai doan\s+(\d{4})\s*-\s*(\d{4})\b", ft)
        if gd:
            s0 = date(int(gd.group(1)), 1, 1)
            return (max(s0, issued) if issued else s0), date(int(gd.group(2)), 12, 31)
    return start, end


def _recurring(units: Sequence[_Unit]) -> list[dict]:
    out: list[dict] = []
    seen: set[str] = set()
    for u in units:
        if u.preamble or u.is_heading:
            continue
        if u.section and _SKIP_SECTIONS.search(u.section):
            continue
        if any(re.search(r"\b(?:danh hieu|hinh thuc khen thuong|tieu chuan)\b", fold(h)) for h in u.headings[1:]):
            continue
        if _DOCREF_UNIT.match(fold(u.text)):
            continue
        for clause in re.split(r"(?<=[.;])\s+", u.text):
            every = recurring_every(clause)
            if not every:
                continue
            fc = fold(clause)
            if not _RECUR_OBLIGATION.search(fc):
                continue
            if re.search(r"\b(?:tang thuong|xet tang|nhan dip)\b", fc):
                continue
            what = _shorten(_clean(re.sub(r"^\s*(?:[-+•]|\d+[.)])\s*", "", clause)).rstrip("."), 200)
            if fold(what) in seen:
                continue
            seen.add(fold(what))
            out.append({"every": every, "what": what})
    return out


# --------------------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------------------

_KIND_VI = {
    "plan_submission": "nộp kế hoạch",
    "registration": "đăng ký thi đua",
    "preliminary_report": "báo cáo sơ kết",
    "final_report": "báo cáo tổng kết",
    "periodic_report": "báo cáo định kỳ",
    "award_dossier": "hồ sơ khen thưởng",
    "nomination": "đề cử điển hình",
    "event": "sự kiện",
    "other": "khác",
}
_EVERY_VI = {"month": "hằng tháng", "quarter": "hằng quý", "half_year": "6 tháng/lần", "year": "hằng năm"}


def _vn_date(iso: str | None, precision: str = "day") -> str:
    if not iso:
        return "—"
    d = date.fromisoformat(iso)
    if precision == "month":
        return f"tháng {d.month:02d}/{d.year}"
    if precision == "year":
        return f"năm {d.year}"
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def format_summary(result: dict) -> str:
    """Readable Vietnamese summary of a parse result."""
    out = [
        f"Cơ quan ban hành: {result.get('issuer') or '—'}",
        f"Số/ký hiệu: {result.get('doc_number') or '—'}",
        f"Ngày ban hành: {_vn_date(result.get('issued_date'))}",
        f"Tiêu đề: {result.get('title') or '—'}",
        f"Thời gian: {_vn_date(result.get('period_start'))} → {_vn_date(result.get('period_end'))}",
        "",
        f"Mốc thời hạn ({len(result.get('milestones', []))}):",
    ]
    for m in result.get("milestones", []):
        d = date.fromisoformat(m["date"])
        prefix = {"day": "", "month": "(trong tháng) ", "year": "(trong năm) "}.get(m["precision"], "")
        out.append(f"  - {d.day:02d}/{d.month:02d}/{d.year} {prefix}· {_KIND_VI.get(m['kind'], m['kind'])} · {m['who']} · {m['text']}")
    if not result.get("milestones"):
        out.append("  (không tìm thấy mốc thời hạn)")
    if result.get("recurring"):
        out.append("")
        out.append("Nhiệm vụ định kỳ:")
        for r in result["recurring"]:
            out.append(f"  - {_EVERY_VI.get(r['every'], r['every'])}: {r['what']}")
    if result.get("awards"):
        out.append("")
        out.append("Hình thức khen thưởng: " + "; ".join(result["awards"]))
    if result.get("nomination_quota"):
        out.append(f"Chỉ tiêu đề nghị: {result['nomination_quota']}")
    if result.get("dossier"):
        out.append("Hồ sơ gồm: " + "; ".join(result["dossier"]))
    c = result.get("contact")
    if c:
        out.append("Liên hệ: " + ", ".join(v for v in (c.get("name"), c.get("phone"), c.get("email")) if v))
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    """CLI: ``thidua plan parse FILE [--json]`` (argv = ``[FILE, --json]``)."""
    ap = argparse.ArgumentParser(prog="thidua plan parse", description="Đọc kế hoạch thi đua (.txt/.docx/.pdf) và trích mốc thời hạn")
    ap.add_argument("file", help="tệp kế hoạch: .txt, .docx hoặc .pdf")
    ap.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    ap.add_argument("--today", help="ngày tham chiếu YYYY-MM-DD (mặc định: hôm nay)")
    args = ap.parse_args(list(argv) if argv is not None else None)
    from schedules.plan_text import read_plan_text

    path = Path(args.file)
    try:
        text = read_plan_text(path)
    except (OSError, ValueError) as exc:
        print(f"Không đọc được tệp {path}: {exc}", file=sys.stderr)
        return 2
    today = date.fromisoformat(args.today) if args.today else None
    result = parse_plan(text, today=today)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print(format_summary(result))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
