"""What the consolidated workbook and the archive hold, read from db.standing in a handful of queries.

Every milestone a unit acts on has one row per participating unit (missing ones included) with the status
db.standing gives it, so the export says what /tiendo says. A nomination round also lists its nominations
one by one (the sheet the office attaches to its tờ trình) and puts their evidence in the archive.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, select

from db import campaigns as campaign_ops
from db import progress
from db import standing
from db.models import (Campaign, Milestone, MilestoneKind, Nomination, NominationFile, NominationStatus, Office,
                       StoredFile, SubmissionFile, Unit)

_CHUNK = 500   # ids per IN list: modest for large offices


@dataclass
class ExportRow:
    """One participating unit for one milestone (missing units included), as plain values."""
    code: str
    name: str
    cluster: str | None
    status: str                       # missing | submitted | accepted | returned
    submitted_at: datetime | None     # naive UTC
    late: bool = False
    files: int = 0
    version: int | None = None
    note: str | None = None
    review_comment: str | None = None
    reviewer: str | None = None


@dataclass
class ExportFile:
    unit_code: str
    unit_name: str
    stored_file_id: int
    sha256: str
    original_name: str
    folder: str | None = None         # a sub-folder under the milestone: a dossier item, a nominee's evidence


@dataclass
class NominationLine:
    """One nomination of a round, as the office lists it."""
    unit_code: str
    unit_name: str
    cluster: str | None
    reference: str
    nominee_type: str                 # individual | collective
    nominee_name: str
    position: str | None              # chức vụ (individual) or đặc điểm (collective)
    achievements: str
    award_form: str | None
    status: str
    late: bool
    submitted_at: datetime
    forwarded: bool = False           # the office proposes it upward (đề nghị cấp trên)


@dataclass
class ExportMilestone:
    id: int
    title: str
    period_label: str | None
    due_at: datetime
    kind: str = MilestoneKind.other
    rows: list[ExportRow] = field(default_factory=list)
    files: list[ExportFile] = field(default_factory=list)
    nominations: list[NominationLine] = field(default_factory=list)

    @property
    def is_round(self) -> bool:
        return self.kind == MilestoneKind.nomination


@dataclass
class UnreachedUnit:
    """A unit no message reaches: whom to phone instead."""
    code: str
    name: str
    cluster: str | None
    liaison: str | None
    phone: str | None


@dataclass
class ExportData:
    campaign_id: int
    title: str
    doc_number: str | None
    unit_count: int
    milestones: list[ExportMilestone]
    unreached: list[UnreachedUnit] = field(default_factory=list)


def export_data(session: Session, campaign_id: int) -> ExportData | None:
    """Everything the workbook and the zip need."""
    campaign = campaign_ops.get(session, campaign_id)
    if campaign is None:
        return None
    milestones = campaign_ops.milestones(session, campaign_id, units_act_only=True)
    units = campaign_ops.units(session, campaign_id)
    found = standing.standings(session, milestones)
    report_work = [st.work_id for (_, mid), st in found.items() if not _is_round(milestones, mid)]
    files = _submission_files(session, report_work)
    rounds = _round_nominations(session, [m.id for m in milestones if m.kind == MilestoneKind.nomination])
    reviewers = progress.staff_names(session, {st.reviewer_id for st in found.values()})
    by_id = {u.id: u for u in units}
    out = []
    for m in milestones:
        em = ExportMilestone(m.id, m.title, m.period_label, m.due_at, m.kind)
        for u in units:
            st = standing.of(found, u.id, m.id)
            if m.kind == MilestoneKind.nomination:
                entries = rounds.get((u.id, m.id), [])
                em.rows.append(_row(u, st, sum(len(fs) for _, fs in entries), reviewers))
                for n, fs in entries:
                    em.nominations.append(_line(by_id[n.unit_id], n))
                    em.files += [ExportFile(u.code, u.name, f.id, f.sha256, f.original_name, n.nominee_name)
                                 for f in fs]
                continue
            unit_files = files.get(st.work_id, []) if st.work_id else []
            em.rows.append(_row(u, st, len(unit_files), reviewers))
            em.files += [ExportFile(u.code, u.name, f.id, f.sha256, f.original_name, item) for f, item in unit_files]
        out.append(em)
    unreached = [UnreachedUnit(u.code, u.name, u.cluster, u.liaison_name, u.liaison_phone)
                 for u in progress.unreached_units(session, campaign_id).items]
    return ExportData(campaign.id, campaign.title, campaign.doc_number, len(units), out, unreached)


def _is_round(milestones: list[Milestone], milestone_id: int) -> bool:
    return any(m.id == milestone_id and m.kind == MilestoneKind.nomination for m in milestones)


def _row(u: Unit, st: standing.Standing, files: int, reviewers: dict[int, str]) -> ExportRow:
    if st.status == standing.MISSING:
        return ExportRow(u.code, u.name, u.cluster, standing.MISSING, None)
    return ExportRow(u.code, u.name, u.cluster, st.status, st.submitted_at, st.late, files, st.version, st.note,
                     st.comment, reviewers.get(st.reviewer_id))


def _line(u: Unit, n: Nomination) -> NominationLine:
    return NominationLine(u.code, u.name, u.cluster, n.reference, n.nominee_type, n.nominee_name, n.position,
                          n.achievements, n.award_form, n.status, n.late, n.submitted_at,
                          n.forwarded_at is not None and n.status == NominationStatus.accepted)


def _chunks(ids: list[int]):
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]


def _submission_files(session: Session, submission_ids: list[int]) -> dict[int, list[tuple[StoredFile, str | None]]]:
    """submission id -> its files in order, each with the dossier item it answers (None for reports)."""
    out: dict[int, list[tuple[StoredFile, str | None]]] = defaultdict(list)
    for chunk in _chunks(submission_ids):
        rows = session.exec(select(SubmissionFile.submission_id, StoredFile, SubmissionFile.document_label)
                            .join(StoredFile, StoredFile.id == SubmissionFile.stored_file_id)
                            .where(SubmissionFile.submission_id.in_(chunk))
                            .order_by(SubmissionFile.submission_id, SubmissionFile.position)).all()
        for sid, f, item in rows:
            out[sid].append((f, item))
    return out


def _round_nominations(session: Session, milestone_ids: list[int]
                       ) -> dict[tuple[int, int], list[tuple[Nomination, list[StoredFile]]]]:
    """(unit, round) -> its nominations that still stand (submitted, accepted or returned), with evidence."""
    if not milestone_ids:
        return {}
    noms = session.exec(select(Nomination).where(
        Nomination.milestone_id.in_(milestone_ids), Nomination.status != NominationStatus.withdrawn)
        .order_by(Nomination.submitted_at, Nomination.id)).all()
    evidence: dict[int, list[StoredFile]] = defaultdict(list)
    for chunk in _chunks([n.id for n in noms]):
        for nid, f in session.exec(select(NominationFile.nomination_id, StoredFile)
                                   .join(StoredFile, StoredFile.id == NominationFile.stored_file_id)
                                   .where(NominationFile.nomination_id.in_(chunk))
                                   .order_by(NominationFile.nomination_id, NominationFile.position)).all():
            evidence[nid].append(f)
    out: dict[tuple[int, int], list[tuple[Nomination, list[StoredFile]]]] = defaultdict(list)
    for n in noms:
        out[(n.unit_id, n.milestone_id)].append((n, evidence.get(n.id, [])))
    return out


# ------------------------------------------------------------------------------- documents the office files

@dataclass
class RoundNominee:
    """One nomination of a round, as the list and the tờ trình print it."""
    nominee_type: str
    name: str
    position: str
    unit: str
    achievements: str
    award_form: str


@dataclass
class RoundFacts:
    milestone_id: int
    campaign_id: int
    campaign_title: str
    campaign_doc: str | None
    office: Office | None
    nominees: list[RoundNominee]


def office_for(session: Session, campaign: Campaign, fallback_office_id: int | None = None) -> Office | None:
    """The office whose letterhead a campaign's documents carry: the campaign's own, else the staff member's."""
    office_id = campaign.office_id or fallback_office_id
    return session.get(Office, office_id) if office_id else None


def round_facts(session: Session, milestone_id: int, statuses: tuple[str, ...],
                fallback_office_id: int | None = None) -> RoundFacts | None:
    """A nomination round's nominations in the given statuses, in the order they came in, with their units."""
    m = session.get(Milestone, milestone_id)
    if m is None or m.kind != MilestoneKind.nomination:
        return None
    campaign = session.get(Campaign, m.campaign_id)
    rows = session.exec(select(Nomination, Unit.name).join(Unit, Unit.id == Nomination.unit_id)
                        .where(Nomination.milestone_id == milestone_id, Nomination.status.in_(statuses))
                        .order_by(Nomination.submitted_at, Nomination.id)).all()
    nominees = [RoundNominee(n.nominee_type, n.nominee_name, n.position or "", n.nominee_unit or unit_name,
                             n.achievements, n.award_form or "") for n, unit_name in rows]
    return RoundFacts(m.id, campaign.id, campaign.title, campaign.doc_number,
                      office_for(session, campaign, fallback_office_id), nominees)


def rounds(session: Session) -> list[tuple[Milestone, str]]:
    """Every nomination round with its campaign's title (what `thidua document` offers when given a wrong id)."""
    return list(session.exec(select(Milestone, Campaign.title).join(Campaign, Campaign.id == Milestone.campaign_id)
                             .where(Milestone.kind == MilestoneKind.nomination)
                             .order_by(Milestone.campaign_id, Milestone.due_at)).all())
