"""The plan's year context (school year, default year) and its period (start, end)."""
from __future__ import annotations

import re
from collections import Counter
from datetime import date
from typing import Sequence

from schedules.plans.dates import DateMention, school_year_of
from schedules.plans.filters import is_phase
from schedules.plans.structure import Unit
from schedules.plans.text import fold


def year_context(title: str | None, issued: date | None, body_text: str, today: date | None) -> tuple[int | None, int]:
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


def plan_period(
    starts: list[date | None],
    ends: list[tuple[date | None, date | None]],
    units: Sequence[Unit],
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


def period_marks(m: DateMention, issued: date | None) -> tuple[list[date | None], list[tuple[date | None, date | None]]]:
    """(starts, (start, end) ends) a date of a phase or of the plan's time section says about its period."""
    if m.range_role == "start" or m.cue == "from":
        return [m.date if m.precision == "day" else m.date.replace(day=1) if m.precision == "month"
                else date(m.date.year, 1, 1)], []
    if m.range_role == "end":
        rs = m.range_start
        ends = [(issued if rs == "issue" else rs if isinstance(rs, date) else None, m.date)]
        return ([issued] if rs == "issue" else []), ends
    return [], [(None, m.date)]
