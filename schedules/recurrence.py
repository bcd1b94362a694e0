"""Periodic reporting: the month/quarter/half-year/year instances of a recurring milestone.

Rules:
- Instances cover [start, end]. The periods are calendar ones (quarters start in Jan/Apr/Jul/Oct, halves in
  Jan/Jul); a period cut by `start` or `end` is kept, clipped to the range, with `partial=True`.
- Labels follow Vietnamese administrative usage: "Tháng 1/2024", "Quý I/2024", "6 tháng đầu năm 2024",
  "6 tháng cuối năm 2024", "Năm 2024" (the label of the full calendar period, even when clipped).
- Due date: by default the last day of the (clipped) period; `due_offset_days=N` moves it N days after
  that; `due_rule` (e.g. `day_of_last_month(25)`, `days_after_end(10)`) replaces the default. A clipped
  period's due date is computed on the clipped dates, so a campaign ending on 31/5 is due by 31/5.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable, Literal

Every = Literal["month", "quarter", "half_year", "year"]
DueRule = Callable[[date, date], date]   # (period_start, period_end) -> due date

_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
_MONTHS_PER_PERIOD = {"month": 1, "quarter": 3, "half_year": 6, "year": 12}


@dataclass(frozen=True)
class PeriodInstance:
    label: str
    period_start: date
    period_end: date
    due_date: date
    partial: bool = False   # clipped by the start or end of the range


def quarter_of(d: date) -> int:
    return (d.month - 1) // 3 + 1


def quarter_label(year: int, q: int) -> str:
    if q not in _ROMAN:
        raise ValueError(f"quarter must be 1..4, got {q}")
    return f"Quý {_ROMAN[q]}/{year}"


def half_year_label(year: int, half: int) -> str:
    if half not in (1, 2):
        raise ValueError(f"half must be 1 or 2, got {half}")
    return f"6 tháng {'đầu' if half == 1 else 'cuối'} năm {year}"


def days_after_end(days: int) -> DueRule:
    """Due N days after the period's last day (N=0: on the last day)."""
    return lambda _start, end: end + timedelta(days=days)


def day_of_last_month(day: int) -> DueRule:
    """Due on a fixed day of the period's last month, clamped to the month's length (30 -> 28/29 in Feb)."""
    if not 1 <= day <= 31:
        raise ValueError(f"day must be 1..31, got {day}")
    return lambda _start, end: end.replace(day=min(day, _month_length(end.year, end.month)))


def period_instances(every: Every, start: date, end: date, *, due_offset_days: int = 0,
                     due_rule: DueRule | None = None) -> list[PeriodInstance]:
    """The instances covering [start, end]; see the module docstring for labels and due dates."""
    if every not in _MONTHS_PER_PERIOD:
        raise ValueError(f"unknown recurrence: {every!r}")
    if start > end:
        raise ValueError("start is after end")
    if due_rule is not None and due_offset_days:
        raise ValueError("give due_offset_days or due_rule, not both")
    rule = due_rule or days_after_end(due_offset_days)
    instances = []
    period_start = _period_start_containing(every, start)
    while period_start <= end:
        period_end = _add_months(period_start, _MONTHS_PER_PERIOD[every]) - timedelta(days=1)
        clipped_start, clipped_end = max(period_start, start), min(period_end, end)
        instances.append(PeriodInstance(
            label=_label(every, period_start),
            period_start=clipped_start,
            period_end=clipped_end,
            due_date=rule(clipped_start, clipped_end),
            partial=(clipped_start, clipped_end) != (period_start, period_end),
        ))
        period_start = period_end + timedelta(days=1)
    return instances


def _label(every: str, period_start: date) -> str:
    year, month = period_start.year, period_start.month
    if every == "month":
        return f"Tháng {month}/{year}"
    if every == "quarter":
        return quarter_label(year, quarter_of(period_start))
    if every == "half_year":
        return half_year_label(year, 1 if month <= 6 else 2)
    return f"Năm {year}"


def _period_start_containing(every: str, d: date) -> date:
    size = _MONTHS_PER_PERIOD[every]
    first_month = (d.month - 1) // size * size + 1
    return date(d.year, first_month, 1)


def _add_months(d: date, months: int) -> date:
    """Only used on the 1st of a month, so no day clamping is needed."""
    index = d.month - 1 + months
    return date(d.year + index // 12, index % 12 + 1, 1)


def _month_length(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]
