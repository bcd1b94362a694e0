"""Recurring hand-ins of a plan as recurring milestones: "Hằng tháng, các trường gửi báo cáo tiến độ về Phòng"
becomes a periodic-report milestone repeated each month of the plan's period (its first due date here; the
campaign's series gives the others, db.reminders.expand_recurring with schedules.recurrence).

Only the units' hand-ins are expanded (a report, something sent or submitted); guidance ("hằng năm, khi sơ
kết… cần gắn với…"), another body's duty (Công đoàn) and nominations (rounds, schedules.nomination_rules)
stay recurring obligations without dates. A due day stated in the clause ("trước ngày 25 hằng tháng", "ngày
20 của tháng cuối quý") is kept; otherwise each period is due on its last day.
"""
from __future__ import annotations

import re
from datetime import date

from schedules.plans.actors import find_actors, who_acts, who_category
from schedules.plans.kinds import classify_kinds
from schedules.plans.obligations import Addressees
from schedules.plans.text import fold
from schedules.recurrence import day_of_last_month, period_instances

_HANDING_IN = re.compile(r"\b(?:bao cao|gui|nop)\b")
_DUE_DAY = re.compile(r"\b(?:truoc|cham nhat(?: la)?|han(?: cuoi)?|vao)\s+(?:ngay\s+)?(\d{1,2})\b(?!\s*[/\-.]\s*\d)")


def recurring_kind(what: str) -> str | None:
    """The kind of a recurring obligation's milestones, or None when it is not a hand-in to expand."""
    f = fold(what)
    if not _HANDING_IN.search(f):
        return None
    kinds = [k for k in classify_kinds(what) if k != "event"]
    if "nomination" in kinds:
        return None
    return next((k for k in kinds if k != "other"), "periodic_report")


def due_day(what: str) -> int | None:
    """The day of the month a recurring hand-in is due, when the clause states one."""
    m = _DUE_DAY.search(fold(what))
    return int(m.group(1)) if m and 1 <= int(m.group(1)) <= 31 else None


def recurring_milestone(entry: dict, start: date | None, end: date | None, who: Addressees) -> dict | None:
    """One recurring obligation {every, what} as a recurring milestone of the draft: its kind, who acts, the
    due date of its first period within [start, end] (the campaign repeats it each period, keeping that
    distance to the period's end), and ``recurrence`` = every. None when it is not the units' hand-in or
    the plan has no period."""
    kind = recurring_kind(entry["what"])
    if kind is None or start is None or end is None or start > end:
        return None
    named = find_actors(entry["what"], issuer_kind=who.issuer_kind)
    if named and named[0].category != "units":      # the office's own duty or another body's (Công đoàn)
        return None
    actor = who_acts(entry["what"], default_units=who.default_units, office_name=who.office_name,
                     issuer_kind=who.issuer_kind, forward=True)
    if who_category(actor) != "units":   # "Phòng GD&ĐT các huyện" under a Sở: the units, said as the plan says them
        actor = who.default_units
    day = due_day(entry["what"])
    first = period_instances(entry["every"], start, end, due_rule=day_of_last_month(day) if day else None)[0]
    return {"date": first.due_date.isoformat(), "precision": "day", "kind": kind, "who": actor,
            "text": entry["what"], "recurrence": entry["every"]}
