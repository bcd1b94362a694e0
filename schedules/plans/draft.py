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

from schedules.plans.actors import who_acts, who_category
from schedules.plans.dates import DateMention, find_dates, from_a_time_on_a_day, weekday_corrected
from schedules.plans.details import (find_awards, find_contact, find_dossier, find_nomination_quota, find_recurring,
                                     most_addressed_units)
from schedules.plans.filters import DOCREF_UNIT, SKIP_SECTIONS, is_cited_date, is_commemorative, is_phase, unkept
from schedules.plans.header import parse_doc_number, parse_issued_date, parse_issuer, parse_title
from schedules.plans.kinds import (EVENT_SPECIFIC, STRONG_KINDS, TIME_LABEL, classify_kinds, sent_topic_is_not_the_event,
                                   submission_without_actor)
from schedules.plans.obligations import from_first_part, part_texts, phrase_for, strip_actor_prefix, strip_dates
from schedules.plans.period import plan_period, year_context
from schedules.plans.structure import Unit, content_free, document_units
from schedules.plans.text import fold, logical_lines, normalize_text, sentence_start, shorten


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

    issuer, issuer_kind = parse_issuer(header + body[:12], body, place, text)
    office_name = "Sở Giáo dục và Đào tạo" if issuer_kind == "so" else "Phòng Giáo dục và Đào tạo"
    units = document_units(body, issuer_kind, office_name)
    school_year, default_year = year_context(title, issued, body_text, today)
    default_units = most_addressed_units(units, issuer_kind)

    # merge a line holding only a deadline with the obligation on the next line
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
    units = merged

    # dates of cited documents: the plan comes after all of them
    cited_dates: list[date] = []
    unit_mentions: list[list[DateMention]] = []
    for u in units:
        ms = [weekday_corrected(u.text, m, issued)
              for m in find_dates(u.text, default_year, school_year=school_year, ref_date=issued)]
        unit_mentions.append(ms)
        for m in ms:
            cited = is_cited_date(u.text[: m.start]) or DOCREF_UNIT.match(fold(u.text))
            # a commemorative day named in a cited letter's subject ("chào mừng ngày Nhà giáo Việt Nam
            # 20/11/2020") is not that letter's date: it must not push the floor past real deadlines
            if m.precision == "day" and m.year_explicit and cited and not is_commemorative(u.text, m):
                cited_dates.append(m.date)
    floor = issued or (max(cited_dates) if cited_dates else None)

    milestones: list[dict] = []
    skipped: list[dict] = []   # every date found but not kept, with why: none is dropped silently

    def skip(m: DateMention, reason: str, text: str) -> None:
        skipped.append({"date": m.date.isoformat(), "precision": m.precision, "reason": reason,
                        "text": shorten(" ".join(text.split()), 160)})
    period_starts: list[date | None] = []
    period_ends: list[tuple[date | None, date | None]] = []  # (start, end)
    for u, ms in zip(units, unit_mentions):
        fu = fold(u.text)
        in_time_section = any(re.search(r"\bthoi gian\b", fold(h)) for h in u.headings)
        if u.is_heading and not ms:
            continue
        docref = DOCREF_UNIT.match(fu) is not None
        for i, m in enumerate(ms):
            m = from_a_time_on_a_day(u.text, m)
            before = u.text[: m.start]
            clause_start = sentence_start(fu, m.start)
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
            head_line = content_free(u.text[clause_start : m.start])
            if m.period_ref and m.cue not in ("before", "during", "until") and not head_line:
                skip(m, "period", u.text)
                continue
            if m.precision in ("month", "year") and m.cue not in ("before", "during", "until", "on") and not head_line:
                skip(m, "coarse", u.text)
                continue
            if floor and m.date < floor:
                skip(m, "past", u.text)
                continue
            if u.section and SKIP_SECTIONS.search(u.section) and m.cue not in ("before",):
                skip(m, "section", u.text)
                continue
            if re.match(r"\W*tren day la\b", fu[clause_start:]) and m.cue != "before":
                skip(m, "summary", u.text)
                continue  # closing summary sentence
            phrase, p_start, p_end, heads = phrase_for(u.text, ms, i)
            cls_phrase = strip_dates(phrase, ms, p_start)
            cls_phrase = re.sub(
                r"(?i)(?:kể )?từ (?:ngày|khi) (?:ban hành|ký|có hiệu lực)[^.;:]{0,40}?(?=\s*(?:đến|tới)\b)", " ", cls_phrase
            )
            kinds = classify_kinds(cls_phrase) or (["event"] if TIME_LABEL.search(fold(cls_phrase)) else [])
            if not kinds:
                skip(m, "no_obligation", u.text)
                continue
            kinds = sent_topic_is_not_the_event(cls_phrase, kinds)
            specific = any(k in STRONG_KINDS or k == "periodic_report" for k in kinds) or bool(EVENT_SPECIFIC.search(fold(cls_phrase)) or TIME_LABEL.search(fold(cls_phrase)))
            if not specific and m.cue not in ("before", "until") and not heads:
                skip(m, "no_obligation", u.text)
                continue
            if not specific and m.precision == "year":
                skip(m, "coarse", u.text)
                continue
            # who acts
            ctx = u.text[clause_start:p_start] if p_start > clause_start else ""
            if not ctx and p_start > 0 and not heads:
                ctx = u.text[sentence_start(fu, p_start) : p_start]
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
            texts = part_texts(phrase, kinds, "" if heads else date_phrase) if len(kinds) > 1 else {}
            if not heads and len(kinds) == 1:
                phrase = from_first_part(phrase, cls_phrase)
            for k in kinds:
                t = texts.get(k) or phrase
                t = shorten(strip_actor_prefix(t, issuer_kind))
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
