"""Dates and times TYPED BY USERS in chat ("25/1", "ngày 25 tháng 1 năm 2024", "8h30"); not plan documents.

Input is normalised first: Unicode NFC/NFD both work, diacritics and case are dropped ("Ngày" = "ngay"),
runs of spaces collapse. Then plain regex rules, one per accepted shape:

- numeric:  D/M, D/M/Y with "/", "-" or "." as separator ("25/1", "25-1-2024", "25.1.24")
- words:    [ngày|mùng|mồng] D tháng M [năm Y] ("ngày 25 tháng 1", "25 tháng 1 năm 2024")
  a leading "ngày" is also allowed before the numeric shape ("ngày 25/1").
- year:     4 digits, or 2 digits meaning 20YY; it must lie within YEAR_WINDOW years of `today`.

Without a year (rule YEARLESS): the date is the EARLIEST occurrence of that day/month on or after
`today - RECENT_PAST_DAYS` (60 days). So a date up to 60 days in the past stays in the past (a unit saying
when it sent something), and any other date is the upcoming one, at most ~10 months ahead:
"20/11" on 2026-11-22 -> 2026-11-20; "15/1" on 2026-11-22 -> 2027-01-15.
"29/2" without a year is refused as "impossible" when that occurrence's year is not a leap year.

Times (parse_user_time): "8:00", "8h", "08h30", "8g30", "8 giờ 30 [phút]"; a trailing "chiều"/"tối" adds 12
hours to an hour below 12 ("3 giờ chiều" = 15:00), "sáng" changes nothing.

Periods (parse_user_period): "từ A đến B", "từ ngày A đến hết ngày B", "A – B", "A - B", "A tới B", and an
end alone ("đến hết tháng 5/2027", "đến 31/5/2027": no start). Each side is any date shape above; an end
may also be a month ("tháng 5/2027", "hết tháng 5 năm 2027": its last day). A yearless end falls on or
after the start. The first impossible side decides the error ("impossible"), so one text explains it.

Errors are DateInputError(reason) with reason in REASONS; the caller picks the sentence from bot/texts.
dateparser is deliberately not used: it guesses, and it must never accept 31/02.
"""
from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date, time, timedelta

RECENT_PAST_DAYS = 60
YEAR_WINDOW = 10
REASONS = ("empty", "unreadable", "impossible", "year_out_of_range")

_SEP = r"\s*[/.\-]\s*"
_YEAR = r"(\d{4}|\d{2})"
_NUMERIC_DATE = re.compile(rf"^(?:ngay\s*)?(\d{{1,2}}){_SEP}(\d{{1,2}})(?:{_SEP}{_YEAR})?$")
_WORDS_DATE = re.compile(rf"^(?:(?:ngay|mung|mong)\s*)?(\d{{1,2}})\s*thang\s*(\d{{1,2}})(?:\s*nam\s*{_YEAR})?$")

_CLOCK_TIME = re.compile(r"^(\d{1,2})\s*:\s*(\d{2})$")                         # 8:00, 20:15
_WORDS_TIME = re.compile(r"^(\d{1,2})\s*(?:h|g|gio)\s*(?:(\d{1,2})\s*(?:p|phut)?)?$")  # 8h, 08h30, 8 giờ 30 phút
_DAY_PART = re.compile(r"\s*(sang|chieu|toi)$")   # "3 giờ chiều" = 15:00


_PERIOD_OPENING = re.compile(r"^(?:thoi gian\s*(?:thuc hien)?\s*:?\s*)?(?:tu\s+)?")
_PERIOD_SEPARATOR = re.compile(r"\s*(?:–|—|-|\bden\b|\btoi\b)\s*")
_END_ONLY = re.compile(r"^(?:den|toi)\s+(.+)$")
_END_WORDS = re.compile(r"^(?:het\s+)?(?:ngay\s+)?(?=\d)|^het\s+(?=thang)")
_MONTH_ONLY = re.compile(rf"^thang\s*(\d{{1,2}})(?:\s*(?:/|-|\.|nam)\s*{_YEAR})?$")


class DateInputError(ValueError):
    def __init__(self, reason: str):
        if reason not in REASONS:
            raise ValueError(f"unknown reason code: {reason!r}")
        super().__init__(reason)
        self.reason = reason


def parse_user_date(text: str, *, today: date) -> date:
    """A date typed in chat; see the module docstring for the accepted shapes and the year rule."""
    cleaned = normalize(text)
    if not cleaned:
        raise DateInputError("empty")
    match = _NUMERIC_DATE.match(cleaned) or _WORDS_DATE.match(cleaned)
    if not match:
        raise DateInputError("unreadable")
    day, month = int(match[1]), int(match[2])
    if not (1 <= month <= 12 and 1 <= day <= _longest_month_day(month)):
        raise DateInputError("impossible")   # 32/1, 30/2, month 13, day 0
    if match[3] is None:
        return _yearless(day, month, today)
    year = _full_year(match[3])
    if abs(year - today.year) > YEAR_WINDOW:
        raise DateInputError("year_out_of_range")
    return _make_date(year, month, day)


def parse_user_period(text: str, *, today: date) -> tuple[date | None, date]:
    """A period typed in chat: (start or None, end); see the module docstring."""
    cleaned = _PERIOD_OPENING.sub("", normalize(text).replace("–", "-").replace("—", "-"), count=1)
    if not cleaned:
        raise DateInputError("empty")
    end_only = _END_ONLY.match(cleaned)
    if end_only:
        return None, _period_end(end_only[1], None, today)
    problem = "unreadable"
    for sep in _PERIOD_SEPARATOR.finditer(cleaned):   # every separator: "05-09-2026-31-05-2027" works too
        try:
            start = parse_user_date(cleaned[:sep.start()], today=today)
            return start, _period_end(cleaned[sep.end():], start, today)
        except DateInputError as exc:
            problem = "impossible" if "impossible" in (exc.reason, problem) else problem
    raise DateInputError(problem)


def _period_end(text: str, start: date | None, today: date) -> date:
    text = _END_WORDS.sub("", text.strip(), count=1)
    month = _MONTH_ONLY.match(text)
    if month:
        number = int(month[1])
        if not 1 <= number <= 12:
            raise DateInputError("impossible")
        year = _full_year(month[2]) if month[2] else _month_year(number, start or today)
        return date(year, number, calendar.monthrange(year, number)[1])
    end = parse_user_date(text, today=start or today)
    if start and end < start and not re.search(r"\d{4}|/\d{2}$", text):
        end = _make_date(end.year + 1, end.month, end.day)   # a yearless end after the start
    return end


def _month_year(month: int, after: date) -> int:
    return after.year if month >= after.month else after.year + 1


def parse_user_time(text: str) -> time:
    """A time of day typed in chat: "8:00", "8h", "08h30", "8 giờ 30", "8g30", "3 giờ chiều"."""
    cleaned = normalize(text)
    if not cleaned:
        raise DateInputError("empty")
    day_part = _DAY_PART.search(cleaned)
    if day_part:
        cleaned = cleaned[:day_part.start()]
    match = _CLOCK_TIME.match(cleaned) or _WORDS_TIME.match(cleaned)
    if not match:
        raise DateInputError("unreadable")
    hour, minute = int(match[1]), int(match[2] or 0)
    if day_part and day_part[1] in ("chieu", "toi") and hour < 12:
        hour += 12
    if hour > 23 or minute > 59:
        raise DateInputError("impossible")
    return time(hour, minute)


def normalize(text: str | None) -> str:
    """Lower case, no diacritics (đ -> d), single spaces: "  Ngày 25  tháng 1 " -> "ngay 25 thang 1"."""
    decomposed = unicodedata.normalize("NFD", text or "")
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    bare = bare.replace("đ", "d").replace("Đ", "D")
    return " ".join(bare.lower().split())


def _yearless(day: int, month: int, today: date) -> date:
    """Rule YEARLESS: the earliest occurrence on or after today - RECENT_PAST_DAYS."""
    earliest = today - timedelta(days=RECENT_PAST_DAYS)
    year = earliest.year if (month, day) >= (earliest.month, earliest.day) else earliest.year + 1
    return _make_date(year, month, day)   # 29/2 falling in a common year is impossible


def _full_year(digits: str) -> int:
    return 2000 + int(digits) if len(digits) == 2 else int(digits)


def _make_date(year: int, month: int, day: int) -> date:
    if not _exists(year, month, day):
        raise DateInputError("impossible")   # 31/4, 29/02/2023
    return date(year, month, day)


def _exists(year: int, month: int, day: int) -> bool:
    return day <= calendar.monthrange(year, month)[1]


def _longest_month_day(month: int) -> int:
    return 29 if month == 2 else calendar.monthrange(2001, month)[1]
