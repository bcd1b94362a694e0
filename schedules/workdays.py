"""Which local days reminders may fall on: Vietnam's public holidays, the office's own days off, weekends.

The public holidays come from the maintained `holidays` package (country "VN"): Tết Dương lịch, the Tết
Nguyên đán break (lunar, so it moves every year), Giỗ Tổ Hùng Vương (10/3 âm lịch), 30/4, 1/5, Quốc khánh
2/9 and the days the government adds around them. Names are Vietnamese (the package's "vi" translation),
for /nhachan. An office adds its own days (a local festival, a day the schools close) in the campaign's
reminder policy (`days_off`). Plain functions: no DB, no clock.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache

import holidays

_SATURDAY = 5


@lru_cache(maxsize=16)
def _public_holidays(year: int) -> dict[date, str]:
    return dict(holidays.country_holidays("VN", years=year, language="vi"))


def public_holiday(day: date) -> str | None:
    """The Vietnamese name of the public holiday on `day`, if it is one."""
    return _public_holidays(day.year).get(day)


def public_holidays_between(start: date, end: date) -> list[tuple[date, str]]:
    """Public holidays from `start` to `end` inclusive, in order (for showing the calendar to staff)."""
    found: list[tuple[date, str]] = []
    for year in range(start.year, end.year + 1):
        found += [(d, n) for d, n in _public_holidays(year).items() if start <= d <= end]
    return sorted(found)


def is_day_off(day: date, *, weekends: bool, holidays_off: bool, days_off: Iterable[date] = ()) -> bool:
    if weekends and day.weekday() >= _SATURDAY:
        return True
    if holidays_off and public_holiday(day) is not None:
        return True
    return day in set(days_off)


def previous_working_day(day: date, **rules) -> date:
    while is_day_off(day, **rules):
        day -= timedelta(days=1)
    return day


def next_working_day(day: date, **rules) -> date:
    while is_day_off(day, **rules):
        day += timedelta(days=1)
    return day
