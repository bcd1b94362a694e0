"""The plan reader's pipeline: text → header → units → date mentions → filters → obligations → kinds → draft.

Output schema (see ``/work/shared/seeds/README.md``)::

    {issuer, doc_number, issued_date, title, period_start, period_end,
     milestones: [{date, precision, kind, who, text}],
     recurring: [{every, what}], skipped: [{date, precision, reason, text}],
     awards: [...],
     # only when the plan states them:
     contact: {name?, phone?, email?}, nomination_quota: str, dossier: [...]}
"""
from __future__ import annotations

import re
from datetime import date

from schedules.plans.dates import find_dates, from_a_time_on_a_day, weekday_corrected
from schedules.plans.details import (find_awards, find_contact, find_dossier, find_nomination_quota, find_recurring,
                                     most_addressed_units)
from schedules.plans.filters import DOCREF_UNIT, Seen, date_floor, is_phase, unkept, why_not_a_deadline
from schedules.plans.header import (letterhead_issuer, parse_doc_number, parse_issued_date, parse_issuer,
                                    parse_title)
from schedules.plans.obligations import Addressees, milestones_for
from schedules.plans.period import period_marks, plan_period, year_context
from schedules.plans.recurring import recurring_milestone
from schedules.plans.structure import document_units, merge_deadline_lines
from schedules.plans.text import fold, logical_lines, normalize_text, sentence_start, shorten

_PERIOD_LABEL = re.compile(r"\bthoi gian (?:thi dua|thuc hien|phat dong|trien khai)\b")


def parse_plan(text: str, *, today: date | None = None) -> dict:
    """Parse the text of a plan, công văn or thông báo into a campaign draft (see module docstring)."""
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

    issuer, issuer_kind = parse_issuer(header + body[:12], body, place, text)
    issuer = issuer or letterhead_issuer(lines)
    office_name = "Sở Giáo dục và Đào tạo" if issuer_kind == "so" else "Phòng Giáo dục và Đào tạo"
    units = document_units(body, issuer_kind, office_name)
    school_year, default_year = year_context(title, issued, body_text, today)
    addressees = Addressees(issuer_kind, office_name, most_addressed_units(units, issuer_kind))
    units = merge_deadline_lines(units, default_year, school_year)
    unit_mentions = [[weekday_corrected(u.text, m, issued)
                      for m in find_dates(u.text, default_year, school_year=school_year, ref_date=issued)]
                     for u in units]
    floor = date_floor(units, unit_mentions, issued)

    milestones: list[dict] = []
    skipped: list[dict] = []   # every date found but not kept, with why: none is dropped silently
    period_starts: list[date | None] = []
    period_ends: list[tuple[date | None, date | None]] = []  # (start, end)
    for u, ms in zip(units, unit_mentions):
        if u.is_heading and not ms:
            continue
        fu = fold(u.text)
        in_time_section = any(re.search(r"\bthoi gian\b", fold(h)) for h in u.headings)
        docref = DOCREF_UNIT.match(fu) is not None
        for i, m in enumerate(ms):
            m = from_a_time_on_a_day(u.text, m)
            clause_start = sentence_start(fu, m.start)
            phase = is_phase(u.text[clause_start:]) or is_phase(u.text)
            seen = Seen(u.text, fu, m, clause_start, u.section, docref, phase, floor)
            reason = why_not_a_deadline(seen)
            if reason not in ("cited", "commemorative") and (phase or in_time_section or _PERIOD_LABEL.search(fu)):
                starts, ends = period_marks(m, issued)
                period_starts += starts
                period_ends += ends
            if reason is None:
                reason, found = milestones_for(u, ms, i, m, clause_start, addressees)
                milestones += found
            if reason is not None:
                skipped.append({"date": m.date.isoformat(), "precision": m.precision, "reason": reason,
                                "text": shorten(" ".join(u.text.split()), 160)})
    uniq = _one_per_date_and_kind(milestones)
    period_start, period_end = plan_period(period_starts, period_ends, units, title, issued, school_year, body_text)
    recurring = find_recurring(units)

    result: dict = {
        "issuer": issuer,
        "doc_number": doc_number,
        "issued_date": issued.isoformat() if issued else None,
        "title": title,
        "period_start": period_start.isoformat() if period_start else None,
        "period_end": period_end.isoformat() if period_end else None,
        "milestones": uniq,
        "recurring": recurring,
        "recurring_milestones": _recurring_milestones(recurring, period_start, period_end, addressees),
        "skipped": [x for x in unkept(skipped, uniq) if not (issued and x["date"] == issued.isoformat())],
    }
    contact = find_contact(units)
    if contact:
        result["contact"] = contact
    result["awards"] = find_awards(units)
    quota = find_nomination_quota(units)
    if quota:
        result["nomination_quota"] = quota
    dossier = find_dossier(units)
    if dossier:
        result["dossier"] = dossier
    return result


def _one_per_date_and_kind(milestones: list[dict]) -> list[dict]:
    """Milestones in date order, one per (date, kind). A coarse mention ("trong quý IV/2025") next to a precise
    one of the same kind in the same paragraph ("… trước ngày 15/11/2025") is the same obligation."""
    precise = {(d["kind"], d["_pos"][0]): d["date"] for d in milestones if d["precision"] == "day"}
    milestones = [
        d for d in milestones
        if d["precision"] == "day" or not ((d["kind"], d["_pos"][0]) in precise and precise[(d["kind"], d["_pos"][0])] <= d["date"])
    ]
    seen = set()
    uniq = []
    for ms_ in sorted(milestones, key=lambda d: (d["date"], d["_pos"])):
        key = (ms_["date"], ms_["kind"])
        if key in seen:
            continue
        seen.add(key)
        ms_.pop("_pos")
        uniq.append(ms_)
    return uniq


def _recurring_milestones(recurring: list[dict], start: date | None, end: date | None,
                          addressees: Addressees) -> list[dict]:
    """The recurring hand-ins as recurring milestones, one per (kind, recurrence)."""
    out, seen = [], set()
    for entry in recurring:
        m = recurring_milestone(entry, start, end, addressees)
        if m is not None and (m["kind"], m["recurrence"]) not in seen:
            seen.add((m["kind"], m["recurrence"]))
            out.append(m)
    return out
