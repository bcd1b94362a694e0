"""Stage 2 of plan reading: date mentions.

Days ("ngày 31 tháng 5 năm 2024", "31/5/2024", "31-5-2024"), months, quarters, half-years and years after a cue
word, ranges ("từ A đến B"), the year of a yearless day inferred from the plan's school year or issue date, and
the written weekday that corrects a year typo. Pure functions over text.
"""
from __future__ import annotations

import calendar
import dataclasses
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

from schedules.plans.text import fold, nfc


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
_DASH_DAY_MONTH = re.compile(r"\bngay\s+(\d{1,2})-(\d{1,2})(?![\d\-/]|\.\d)")
_DASHDOT_RE = re.compile(r"(?<![\w/.\-])(\d{1,2})([.\-])(\d{1,2})\2(\d{4})(?![\w/]|[.\-]\d)")
_MONTH_RE = re.compile(r"\bthang\s+(\d{1,2})(?:\s*(?:/|-|nam)\s*(\d{4}))?(?![\d/])")
_YEAR_HEAD = re.compile(r"(?m)^[^\w\n]*(?:[ivx]+[.)]\s*|\d{1,2}[.)]\s*)?(nam\s+(\d{4}))\s*:")
_YEAR_RE = re.compile(r"\bnam\s+(\d{4})\b(?!\s*-\s*\d)")
_QUARTER_RE = re.compile(r"\bquy\s+(iv|iii|ii|i|[1-4])\b(?:\s*(?:/|-|nam)\s*(\d{4}))?")
_HALF_RE = re.compile(r"\b(0?6|sau)\s+thang\s+(dau|cuoi)\s+nam\b(?:\s+(\d{4}))?")

# the weekday written between "ngày" and the day ("trước 16 giờ ngày thứ Sáu, 20/11")
_WEEKDAY = r"(?:(?:thu\s+(?:hai|ba|tu|nam|sau|bay)|chu nhat)\s*,?\s*)?"
_CUE_BEFORE = re.compile(
    # "Thời hạn hoàn thành: ngày 05/12", "Hạn nộp hồ sơ: 17h00 ngày 20/11": a deadline label of a few words
    r"(?:\btruoc|\bcham nhat(?: la)?|\bmuon nhat(?: la)?|\bkhong qua"
    r"|\b(?:han chot|han cuoi|thoi han|han nop|han gui)(?:\s+[a-z]+){0,4}\s*:|\bhan chot|\bhan cuoi|\bthoi han|\bhan nop|\bhan gui|\bhan)"
    r"\s*:?\s*(?:\d{1,2}\s*(?:h|gio)\s*\d{0,2}\s*(?:phut|')?,?\s*)?(?:ngay|vao ngay|la ngay|:)?\s*(?:ngay\s*)?" + _WEEKDAY + "$"
)
# a clock time between the cue and the day ("đến 10h, ngày 16/11", "từ 7 giờ 30 phút ngày 20/10", "16h00'")
_CLOCK = r"(?:(?:luc\s+)?\d{1,2}\s*(?:h|gio|:)\s*(?:\d{1,2})?\s*(?:phut|')?\s*,?\s*)?"
_CUE_UNTIL = re.compile(r"\b(?:den|toi)\s+(?:het\s+)?" + _CLOCK + r"(?:ngay\s+)?" + _WEEKDAY + "$")
_CUE_FROM = re.compile(r"\b(?:tu|bat dau tu|bat dau|ke tu)\s+" + _CLOCK + r"(?:ngay\s+)?$")
_CUE_DURING = re.compile(r"\b(?:trong|vao|cuoi|dau|giua|het|suot|ngay trong|trong thoi gian)\s+(?:ngay\s+)?$")
_CUE_ON = re.compile(r"\bngay\s*[:]?\s*" + _WEEKDAY + "$")
_RANGE_JOIN = re.compile(r"^\s*(?:-|den|toi)\s*(?:het\s+)?" + _CLOCK + r"(?:ngay\s+)?$")
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
    f = fold(nfc(before))[-60:]
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


def last_day(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def make_date(y: int, m: int, d: int) -> date | None:
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
        add(m.start(), m.end(), make_date(y, month, day), "day", explicit)
    for m in _DASHDOT_RE.finditer(f):
        add(m.start(), m.end(), make_date(int(m.group(4)), int(m.group(3)), int(m.group(1))), "day", True)
    for m in _DASH_DAY_MONTH.finditer(f):
        # news and letters write "trước ngày 10-6": a day-month with a dash, read only after "ngày" so that
        # "2021-2025" or "10-15 học sinh" stay numbers
        day, month = int(m.group(1)), int(m.group(2))
        if 1 <= month <= 12:
            y, explicit = year_for(month, None)
            add(m.start(1), m.end(), make_date(y, month, day), "day", explicit)
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
        add(m.start(), m.end(), make_date(y, month, day), "day", explicit)
    for m in _QUARTER_RE.finditer(f):
        q = _ROMAN[m.group(1)]
        y, explicit = year_for(q * 3, m.group(2))
        add(m.start(), m.end(), last_day(y, q * 3), "month", explicit, period_ref=True)
    for m in _HALF_RE.finditer(f):
        month = 6 if m.group(2) == "dau" else 12
        y, explicit = year_for(month, m.group(3))
        add(m.start(), m.end(), last_day(y, month), "month", explicit, period_ref=True)
    for m in _MONTH_RE.finditer(f):
        month = int(m.group(1))
        if not 1 <= month <= 12:
            continue
        if re.search(r"\d\s*$", f[: m.start()]):  # "6 tháng 5" -> not a month name
            continue
        if not m.group(2) and deadline_cue(f[: m.start()]) is None:
            continue
        y, explicit = year_for(month, m.group(2))
        add(m.start(), m.end(), last_day(y, month), "month", explicit)
    for m in _YEAR_RE.finditer(f):
        cue = deadline_cue(f[: m.start()])
        if cue not in ("before", "until", "during", "from"):
            continue
        if re.search(r"\b(?:dau|giua|nua dau|nua cuoi)\s+$", f[max(0, m.start() - 12) : m.start()]):
            continue  # "đầu năm 2024", "nửa đầu năm 2024": not a deadline
        y = int(m.group(1))
        add(m.start(), m.end(), date(y, 12, 31), "year", True)
    for m in _YEAR_HEAD.finditer(f):
        # a schedule line headed by its year ("Năm 2022: hoàn thành …"): the year is when, for the line
        add(m.start(1), m.end(1), date(int(m.group(2)), 12, 31), "year", True)

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
            dm.range_start = make_date(dm.date.year, dm.date.month, int(dmo.group(1)))
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
            fixed = make_date(y, a.date.month, a.date.day) if a.precision == "day" else (last_day(y, a.date.month) if a.precision == "month" else a.date)
            if fixed:
                a.date = fixed
                a.year_explicit = True
        a.range_role = "start"
        b.range_role = "end"
        b.range_start = a.date if a.precision == "day" else a.date.replace(day=1) if a.precision == "month" else date(a.date.year, 1, 1)
    if ref_date:
        for dm in found:
            if not dm.year_explicit and dm.date < ref_date - timedelta(days=62):
                nd = make_date(dm.date.year + 1, dm.date.month, dm.date.day)
                if nd:
                    dm.date = nd
    return found


# --------------------------------------------------------------------------------------
# Cited dates, commemorative days, phases


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
