"""Báo cáo tiến độ: a campaign's progress as the office reports it upward, in the Nghị định 30/2020 layout —
counts and the share handed in per milestone and per cụm, then the units that missed each deadline.

Built from db.export_facts.ExportData (what /xuat's workbook says, so both agree) and the office's letterhead.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot import texts
from bot.documents import compose, nd30
from bot.documents.letterhead import Letterhead
from db.export_facts import ExportData, ExportMilestone, ExportRow

MISSING = "missing"
MILESTONE_MIN_CM = (1.2, 4.0, 2.6, 1.4, 1.4, 1.5, 1.4, 1.4, 1.5)
CLUSTER_MIN_CM = (1.2, 4.0, 1.8, 1.8, 1.6, 1.6, 1.6)
MISSING_MIN_CM = (1.2, 2.0, 6.0, 3.0)


@dataclass
class Tally:
    rows: int = 0
    submitted: int = 0
    accepted: int = 0
    returned: int = 0
    missing: int = 0
    late: int = 0

    @property
    def handed_in(self) -> int:
        return self.submitted + self.accepted

    @property
    def share(self) -> float:
        return self.handed_in / self.rows if self.rows else 0.0

    def add(self, other: "Tally") -> "Tally":
        return Tally(*(getattr(self, f) + getattr(other, f) for f in
                       ("rows", "submitted", "accepted", "returned", "missing", "late")))


def tally(rows: list[ExportRow]) -> Tally:
    t = Tally(rows=len(rows), late=sum(1 for r in rows if r.late))
    for r in rows:
        if r.status in ("submitted", "accepted", "returned", MISSING):
            setattr(t, r.status, getattr(t, r.status) + 1)
    return t


def by_cluster(data: ExportData) -> list[tuple[str, int, Tally]]:
    """(cụm, its units, what they handed in over every milestone), cụm by name, units without one last."""
    units: dict[str, set[str]] = {}
    tallies: dict[str, Tally] = {}
    for m in data.milestones:
        for r in m.rows:
            key = r.cluster or ""
            units.setdefault(key, set()).add(r.code)
            tallies[key] = tallies.get(key, Tally()).add(tally([r]))
    order = sorted(units, key=lambda k: (k == "", k.casefold()))
    return [(k or texts.REPORT_DOC_NO_CLUSTER, len(units[k]), tallies[k]) for k in order]


def percent(share: float) -> str:
    return f"{round(share * 100)}%"


def label(m: ExportMilestone) -> str:
    if m.period_label and m.period_label not in m.title:
        return f"{m.title} {m.period_label}"
    return m.title


def build_progress_docx(lh: Letterhead, data: ExportData, tz: ZoneInfo, now_utc: datetime,
                        template: bytes | None = None) -> bytes:
    def body(doc, width_cm: float) -> None:
        number = texts.REPORT_DOC_INTRO_NUMBER.format(number=data.doc_number) if data.doc_number else ""
        nd30.body(doc, texts.REPORT_DOC_INTRO.format(campaign=data.title, number=number, units=data.unit_count,
                                                     at=texts.fmt_datetime(now_utc, tz), office=lh.office_label))
        _milestones(doc, data, tz, width_cm)
        _clusters(doc, data, width_cm)
        _missing(doc, data, tz, now_utc, width_cm)

    recipients = [texts.REPORT_DOC_RECIPIENT.format(parent=lh.parent_body)] if lh.parent_body else []
    parts = compose.Parts(nd30.Heading("BC", texts.local(now_utc, tz).date()), texts.REPORT_DOC_TITLE,
                          texts.REPORT_DOC_SUBJECT.format(campaign=data.title), body, recipients=recipients)
    return compose.render(lh, parts, template)


def _section(doc, heading: str) -> None:
    nd30.para(doc, heading, bold=True, align="justify", indent_cm=1.27, space_before=6, space_after=6)


def _milestones(doc, data: ExportData, tz: ZoneInfo, width: float) -> None:
    _section(doc, texts.REPORT_DOC_SECTION_MILESTONES)
    rows, total = [], Tally()
    for i, m in enumerate(data.milestones, start=1):
        t = tally(m.rows)
        total = total.add(t)
        rows.append([i, label(m), texts.fmt_date(m.due_at, tz), t.rows, t.submitted, t.accepted, t.returned,
                     t.missing, percent(t.share)])
    foot = ["", texts.REPORT_DOC_TOTAL, "", total.rows, total.submitted, total.accepted, total.returned,
            total.missing, percent(total.share)]
    _table(doc, texts.REPORT_DOC_MILESTONE_HEADERS, rows, MILESTONE_MIN_CM, 1, width, foot)


def _clusters(doc, data: ExportData, width: float) -> None:
    _section(doc, texts.REPORT_DOC_SECTION_CLUSTERS)
    rows, total, units = [], Tally(), 0
    for i, (name, count, t) in enumerate(by_cluster(data), start=1):
        total, units = total.add(t), units + count
        rows.append([i, name, count, t.rows, t.handed_in, t.missing, percent(t.share)])
    foot = ["", texts.REPORT_DOC_TOTAL, units, total.rows, total.handed_in, total.missing, percent(total.share)]
    _table(doc, texts.REPORT_DOC_CLUSTER_HEADERS, rows, CLUSTER_MIN_CM, 1, width, foot)


def _missing(doc, data: ExportData, tz: ZoneInfo, now_utc: datetime, width: float) -> None:
    _section(doc, texts.REPORT_DOC_SECTION_MISSING)
    for m in data.milestones:
        missing = [r for r in m.rows if r.status == MISSING]
        due = texts.fmt_date(m.due_at, tz)
        if m.due_at > now_utc:
            nd30.body(doc, texts.REPORT_DOC_NOT_DUE.format(label=label(m), due=due, count=len(missing)))
            continue
        if not missing:
            nd30.body(doc, texts.REPORT_DOC_MISSING_NONE.format(label=label(m), due=due))
            continue
        nd30.para(doc, texts.REPORT_DOC_MISSING_HEAD.format(label=label(m), due=due, count=len(missing)),
                  italic=True, align="justify", indent_cm=1.27, space_after=3)
        rows = [[i, r.code, r.name, r.cluster or ""] for i, r in enumerate(missing, start=1)]
        _table(doc, texts.REPORT_DOC_MISSING_HEADERS, rows, MISSING_MIN_CM, 2, width, left=(2, 3), cap_chars=20)
        nd30.para(doc, space_after=3)


def _table(doc, headers, rows, minimum, flex, width, foot=None, left=(1,), cap_chars=5) -> None:
    """Numbers centred, names (the `left` columns and the flex one) from the left. A low `cap_chars` lets
    the headers of the count columns wrap rather than take the names' room."""
    columns = [[h] + [str(r[c]) for r in rows] for c, h in enumerate(headers)]
    widths = nd30.content_widths(columns, width, minimum, flex, cap_chars=cap_chars)
    centred = [c for c in range(len(headers)) if c != flex and c not in left]
    nd30.data_table(doc, headers, rows, widths, centred=centred, total=foot)
