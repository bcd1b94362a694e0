"""Queries of the staff console (bot/console): sign-in links, the campaign list and the progress matrix.

Every status comes from db.standing (the one notion of where a unit stands), and every campaign, unit and
submission is reached through db.scope, so a staff member sees only their own office. The matrix is one page
of units at a time: a handful of set-based queries whatever the number of units in the campaign.
"""
from __future__ import annotations

import hashlib
import secrets
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import case, func, or_, update
from sqlmodel import Session, select

from db import campaigns as campaign_ops
from db import progress as progress_db
from db import scope, standing
from db import nominations as nomination_ops
from db import outbox as outbox_ops
from db import submissions as sub_ops
from db.models import (Acknowledgement, Broadcast, CampaignUnit, ConsoleLink, Contact, Campaign, Invite, Milestone,
                       MilestoneKind, Nomination, NominationFile, NominationStatus, OutboxMessage, OutboxStatus, Staff,
                       StoredFile, Submission, Unit)

LATE = "late"          # a cell's shown status: handed in (not reviewed) after the deadline
CELL_STATUSES = (standing.MISSING, standing.SUBMITTED, LATE, standing.RETURNED, standing.ACCEPTED)


# ------------------------------------------------------------------------------------------- sign-in links

def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_link(session: Session, staff_id: int, now: datetime, ttl: timedelta) -> str:
    """A new one-time sign-in token for this staff member; only its hash is stored."""
    token = secrets.token_urlsafe(24)
    session.add(ConsoleLink(token_hash=_hash(token), staff_id=staff_id, expires_at=now + ttl, created_at=now))
    session.flush()
    return token


def link_valid(session: Session, token: str, now: datetime) -> bool:
    row = session.exec(select(ConsoleLink).where(ConsoleLink.token_hash == _hash(token))).first()
    return row is not None and row.used_at is None and row.expires_at > now


def use_link(session: Session, token: str, now: datetime) -> tuple[Staff, int] | None:
    """(the link's active staff member, the link's id), marking the link used; None if unknown, used, expired
    or the staff member was deactivated. A conditional UPDATE: two tabs racing on one link sign in once."""
    result = session.execute(
        update(ConsoleLink).where(ConsoleLink.token_hash == _hash(token), ConsoleLink.used_at.is_(None),
                                  ConsoleLink.expires_at > now)
        .values(used_at=now).execution_options(synchronize_session=False))
    if (result.rowcount or 0) != 1:
        return None
    link = session.exec(select(ConsoleLink).where(ConsoleLink.token_hash == _hash(token))).one()
    staff = active_staff(session, link.staff_id)
    return (staff, link.id) if staff is not None else None


def session_alive(session: Session, link_id: int, staff_id: int) -> bool:
    """The session the link opened is still on: not signed out, and its staff member still active."""
    link = session.get(ConsoleLink, link_id) if link_id else None
    return (link is not None and link.staff_id == staff_id and link.used_at is not None
            and link.signed_out_at is None and active_staff(session, staff_id) is not None)


def sign_out(session: Session, link_id: int, now: datetime) -> None:
    session.execute(update(ConsoleLink).where(ConsoleLink.id == link_id, ConsoleLink.signed_out_at.is_(None))
                    .values(signed_out_at=now).execution_options(synchronize_session=False))


def active_staff(session: Session, staff_id: int | None) -> Staff | None:
    staff = session.get(Staff, staff_id) if staff_id else None
    return staff if staff is not None and staff.active else None


def staff_by_user(session: Session, channel: str, user_id: str) -> Staff | None:
    return session.exec(select(Staff).where(Staff.channel == channel, Staff.platform_user_id == user_id,
                                            Staff.active == True)).first()  # noqa: E712


# ------------------------------------------------------------------------------------------- campaigns

@dataclass
class CampaignRow:
    campaign: Campaign
    units: int
    milestones: list[tuple[Milestone, standing.Counts | None]]   # Counts for units-act milestones


def campaigns(session: Session, staff: Staff) -> list[CampaignRow]:
    rows = []
    for c in scope.campaigns_for_staff(session, staff, statuses=("draft", "launched", "closed")):
        ms = list(campaign_ops.milestones(session, c.id))
        acting = [m for m in ms if m.units_act]
        counts = standing.counts(session, c.id, acting)
        rows.append(CampaignRow(c, standing.unit_count(session, c.id), [(m, counts.get(m.id)) for m in ms]))
    return rows


def matrix_milestones(session: Session, campaign_id: int) -> list[Milestone]:
    return list(campaign_ops.milestones(session, campaign_id, units_act_only=True))


# ------------------------------------------------------------------------------------------- the matrix

@dataclass
class Filters:
    cluster: str | None = None
    level: str | None = None
    status: str | None = None          # one of CELL_STATUSES
    milestone_id: int | None = None    # the status filter looks at this milestone only (else at any)
    search: str | None = None


@dataclass
class Row:
    unit: Unit
    cells: list[tuple[str, standing.Standing]]   # (shown status, standing) per milestone, in order
    reach: progress_db.Reach


@dataclass
class Matrix:
    milestones: list[Milestone]
    rows: list[Row]
    total: int                    # units matching the filters (all pages)
    page: int
    per_page: int
    column_totals: dict[int, dict[str, int]]                 # milestone id -> shown status -> units
    cluster_totals: list[tuple[str, int, dict[int, int]]]    # (cụm, units, milestone id -> handed in)
    clusters: list[str] = field(default_factory=list)
    levels: list[str] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def shown_status(st: standing.Standing) -> str:
    """One colour per cell: a handed-in, not yet reviewed entry that came late shows as late."""
    return LATE if st.status == standing.SUBMITTED and st.late else st.status


def _shown_case(w):
    return case(((w.c.status == standing.SUBMITTED) & (w.c.late == True), LATE),  # noqa: E712
                else_=w.c.status)


def _unit_filter(campaign_id: int, milestones: Sequence[Milestone], f: Filters):
    """The WHERE clauses choosing the campaign's units the filters keep."""
    where = [CampaignUnit.campaign_id == campaign_id]
    if f.cluster:
        where.append(Unit.cluster == f.cluster)
    if f.level:
        where.append(Unit.level == f.level)
    if f.search:
        like = f"%{f.search.strip().lower()}%"
        where.append(or_(func.lower(Unit.name).like(like), func.lower(Unit.code).like(like)))
    looked_at = [m for m in milestones if f.milestone_id in (None, m.id)]
    if f.status in CELL_STATUSES and looked_at:
        w = standing.work(looked_at)
        if f.status == standing.MISSING:   # some looked-at milestone has no work of the unit
            handed = (select(w.c.unit_id).group_by(w.c.unit_id)
                      .having(func.count() == len(looked_at)))
            where.append(Unit.id.not_in(handed))
        else:
            where.append(Unit.id.in_(select(w.c.unit_id).where(_shown_case(w) == f.status)))
    return where


def matrix(session: Session, campaign: Campaign, f: Filters, page: int, per_page: int) -> Matrix:
    milestones = matrix_milestones(session, campaign.id)
    where = _unit_filter(campaign.id, milestones, f)
    units_q = select(Unit).join(CampaignUnit, CampaignUnit.unit_id == Unit.id).where(*where)
    total = session.exec(select(func.count()).select_from(units_q.subquery())).one()
    page = progress_db.clamp_page(page, total, per_page)
    units = list(session.exec(units_q.order_by(Unit.code).offset(page * per_page).limit(per_page)).all())
    found = standing.standings(session, milestones, [u.id for u in units]) if units else {}
    reach = progress_db.reach_of(session, campaign.id, units)
    rows = []
    for u in units:
        cells = [standing.of(found, u.id, m.id) for m in milestones]
        rows.append(Row(u, [(shown_status(st), st) for st in cells], reach[u.id]))
    columns, clusters = _totals(session, milestones, where)
    return Matrix(milestones, rows, total, page, per_page, columns, clusters,
                  clusters=_distinct(session, campaign.id, Unit.cluster),
                  levels=_distinct(session, campaign.id, Unit.level))


def _totals(session: Session, milestones: Sequence[Milestone], where) -> tuple[dict, list]:
    """Per milestone: units in each shown status; per cụm: units and how many handed each milestone in. Over
    every unit the filters keep (not only the page shown), in two grouped queries."""
    columns = {m.id: {s: 0 for s in CELL_STATUSES} for m in milestones}
    # grouped by the labels: PostgreSQL binds each spelling of coalesce(cluster, '') as its own parameter
    # and would not see the GROUP BY expression as the selected one
    cluster = func.coalesce(Unit.cluster, "").label("cluster_name")
    per_cluster_units = dict(session.exec(
        select(cluster, func.count()).join(CampaignUnit, CampaignUnit.unit_id == Unit.id)
        .where(*where).group_by(cluster)).all())
    handed: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    if milestones:
        w = standing.work(milestones)
        shown = _shown_case(w).label("shown_status")
        rows = session.exec(
            select(cluster, w.c.milestone_id, shown, func.count())
            .join(CampaignUnit, CampaignUnit.unit_id == Unit.id).join(w, w.c.unit_id == Unit.id)
            .where(*where).group_by(cluster, w.c.milestone_id, shown)).all()
        for cluster, mid, status, n in rows:
            columns[mid][status] += n
            if status != standing.RETURNED:   # a returned entry is owed again
                handed[cluster][mid] += n
    all_units = sum(per_cluster_units.values())
    for m in milestones:
        columns[m.id][standing.MISSING] = all_units - sum(v for k, v in columns[m.id].items() if k != standing.MISSING)
    clusters = [(name, n, dict(handed[name])) for name, n in sorted(per_cluster_units.items())]
    return columns, clusters


def _distinct(session: Session, campaign_id: int, column) -> list[str]:
    rows = session.exec(select(column).join(CampaignUnit, CampaignUnit.unit_id == Unit.id)
                        .where(CampaignUnit.campaign_id == campaign_id, column.is_not(None)).distinct()).all()
    return sorted(r for r in rows if r)


# ------------------------------------------------------------------------------------------- a submission

@dataclass
class SubmissionView:
    submission: Submission
    campaign: Campaign
    milestone: Milestone
    unit: Unit
    files: list[tuple[str | None, StoredFile]]     # (dossier checklist line, file)
    versions: list[Submission]
    reviewers: dict[int, str]
    contacts: list[Contact]
    latest: bool


def submission_for_staff(session: Session, staff: Staff, submission_id: int) -> SubmissionView | None:
    """Any version of a submission of a campaign this staff member may see; None otherwise (404)."""
    sub = session.get(Submission, submission_id) if 0 < submission_id < 10 ** 12 else None
    milestone = campaign_ops.milestone(session, sub.milestone_id) if sub else None
    campaign = scope.campaign_for_staff(session, staff, milestone.campaign_id) if milestone else None
    if campaign is None or milestone.kind == MilestoneKind.nomination \
            or not campaign_ops.takes_part(session, campaign.id, sub.unit_id):
        return None
    versions = list(sub_ops.history(session, sub.unit_id, sub.milestone_id))
    files = [(link.document_label, f) for link, f in sub_ops.files_of(session, sub.id)]
    reviewers = progress_db.staff_names(session, {v.reviewed_by_staff_id for v in versions})
    return SubmissionView(sub, campaign, milestone, session.get(Unit, sub.unit_id), files, versions, reviewers,
                          list(campaign_ops.contacts_of_unit(session, sub.unit_id)),
                          latest=versions[-1].id == sub.id)


def file_of_submission(session: Session, staff: Staff, submission_id: int, file_id: int) -> StoredFile | None:
    view = submission_for_staff(session, staff, submission_id)
    if view is None:
        return None
    return next((f for _, f in view.files if f.id == file_id), None)


# ------------------------------------------------------------------------------------------- a nomination round

@dataclass
class RoundEntry:
    nomination: Nomination
    unit: Unit
    files: list[StoredFile]


@dataclass
class RoundGroup:
    name: str | None       # the cụm; None: units with none on the roster
    units: int
    entries: list[RoundEntry]


@dataclass
class RoundView:
    campaign: Campaign
    milestone: Milestone
    groups: list[RoundGroup]
    counts: dict[str, int]      # status -> entries (withdrawn ones are not shown)
    forwarded: int


def round_for_staff(session: Session, staff: Staff, campaign_id: int, milestone_id: int) -> RoundView | None:
    """A nomination round of a visible campaign: its live and returned entries grouped by cụm (units by code)."""
    m = scope.nomination_period_for_staff(session, staff, campaign_id, milestone_id)
    if m is None:
        return None
    units = list(campaign_ops.units(session, campaign_id))
    entries = list(nomination_ops.for_milestone(session, m.id))
    ids = [n.id for n in entries]
    files: dict[int, list[StoredFile]] = defaultdict(list)
    if ids:
        for link, f in session.exec(select(NominationFile, StoredFile)
                                    .join(StoredFile, StoredFile.id == NominationFile.stored_file_id)
                                    .where(NominationFile.nomination_id.in_(ids))
                                    .order_by(NominationFile.nomination_id, NominationFile.position)).all():
            files[link.nomination_id].append(f)
    by_unit: dict[int, list[Nomination]] = defaultdict(list)
    for n in entries:
        by_unit[n.unit_id].append(n)
    groups: dict[str | None, RoundGroup] = {}
    for u in units:
        key = (u.cluster or "").strip() or None
        g = groups.setdefault(key, RoundGroup(key, 0, []))
        g.units += 1
        g.entries += [RoundEntry(n, u, files[n.id]) for n in by_unit.get(u.id, [])]
    counts: dict[str, int] = defaultdict(int)
    for n in entries:
        counts[n.status] += 1
    ordered = sorted(groups.values(), key=lambda g: (g.name is None, (g.name or "").casefold()))
    return RoundView(scope.campaign_for_staff(session, staff, campaign_id), m, ordered, dict(counts),
                     sum(1 for n in entries if n.forwarded_at is not None and n.status == NominationStatus.accepted))


def nomination_for_staff(session: Session, staff: Staff, nomination_id: int) -> Nomination | None:
    """A nomination of a campaign this staff member may see (db.scope decides), or None (404)."""
    n = session.get(Nomination, nomination_id) if 0 < nomination_id < 10 ** 12 else None
    if n is None:
        return None
    return scope.nomination_for_staff(session, staff, n.id, n.campaign_id, n.milestone_id)


def nomination_file(session: Session, staff: Staff, nomination_id: int, file_id: int) -> StoredFile | None:
    n = nomination_for_staff(session, staff, nomination_id)
    if n is None:
        return None
    return next((f for f in nomination_ops.files_of(session, n.id) if f.id == file_id), None)


# ------------------------------------------------------------------------------------------- launches

@dataclass
class LaunchView:
    broadcast: Broadcast
    counts: dict[str, int]                       # outbox status -> messages
    acknowledged: int
    problems: list[tuple[Unit, Contact, str]]    # blocked or failed: who to phone instead

    @property
    def waiting(self) -> int:
        return self.counts.get(OutboxStatus.pending, 0) + self.counts.get(OutboxStatus.sending, 0)


def launches_for_staff(session: Session, staff: Staff, campaign_id: int) -> tuple[Campaign, list[LaunchView]] | None:
    """A visible campaign's launches (newest first) with where each message stands, read from the outbox."""
    campaign = scope.campaign_for_staff(session, staff, campaign_id)
    if campaign is None:
        return None
    rows = session.exec(select(Broadcast).where(Broadcast.campaign_id == campaign.id, Broadcast.kind == "launch")
                        .order_by(Broadcast.id.desc())).all()
    acks = dict(session.exec(select(Acknowledgement.broadcast_id, func.count())
                             .where(Acknowledgement.broadcast_id.in_([b.id for b in rows]))
                             .group_by(Acknowledgement.broadcast_id)).all()) if rows else {}
    views = []
    for b in rows:
        views.append(LaunchView(b, outbox_ops.broadcast_counts(session, b.id), acks.get(b.id, 0),
                                _problems(session, b.id)))
    return campaign, views


def _problems(session: Session, broadcast_id: int):
    rows = session.exec(select(Unit, Contact, OutboxMessage.status)
                        .join(Contact, Contact.unit_id == Unit.id)
                        .join(OutboxMessage, OutboxMessage.contact_id == Contact.id)
                        .where(OutboxMessage.broadcast_id == broadcast_id,
                               OutboxMessage.status.in_((OutboxStatus.blocked, OutboxStatus.failed)))
                        .order_by(Unit.code, Contact.id)).all()
    return [(u, c, status) for u, c, status in rows]


# ------------------------------------------------------------------------------------------- roster

@dataclass
class RosterRow:
    unit: Unit
    contacts: int          # chats bound to the unit
    reachable: int         # of which the bot can still write to
    open_invites: int      # invite links still usable


def roster(session: Session, staff: Staff, search: str | None, page: int, per_page: int, now: datetime
           ) -> tuple[list[RosterRow], int, int]:
    """The office's units (by code) with their contacts and open invites: (rows of the page, total, page)."""
    where = [scope.office_clause(staff.office_id, Unit.office_id)]
    if search:
        like = f"%{search.strip().lower()}%"
        where.append(or_(func.lower(Unit.name).like(like), func.lower(Unit.code).like(like)))
    total = session.exec(select(func.count()).select_from(Unit).where(*where)).one()
    page = progress_db.clamp_page(page, total, per_page)
    units = list(session.exec(select(Unit).where(*where).order_by(Unit.code)
                              .offset(page * per_page).limit(per_page)).all())
    ids = [u.id for u in units]
    bound = {uid: (n, r or 0) for uid, n, r in session.exec(
        select(Contact.unit_id, func.count(), func.sum(case((Contact.reachable == True, 1), else_=0)))  # noqa: E712
        .where(Contact.unit_id.in_(ids)).group_by(Contact.unit_id)).all()} if ids else {}
    invites = dict(session.exec(select(Invite.unit_id, func.count()).where(
        Invite.unit_id.in_(ids), Invite.kind == "unit", Invite.revoked_at.is_(None), Invite.expires_at > now,
        Invite.uses < Invite.max_uses).group_by(Invite.unit_id)).all()) if ids else {}
    rows = [RosterRow(u, *bound.get(u.id, (0, 0)), invites.get(u.id, 0)) for u in units]
    return rows, total, page


def foreign_codes(session: Session, staff: Staff, codes: list[str]) -> set[str]:
    """Codes already used by units this staff member may not change (another office's schools)."""
    found = set()
    for start in range(0, len(codes), 500):   # SQLite's bound-parameter limit
        chunk = codes[start:start + 500]
        found |= set(session.exec(select(Unit.code).where(
            Unit.code.in_(chunk), ~scope.office_clause(staff.office_id, Unit.office_id))).all())
    return found


def roster_units(session: Session, staff: Staff, codes: list[str] | None) -> list[Unit]:
    """The office's units with these codes (all of them when None), by code."""
    if codes is None:
        return list(session.exec(select(Unit).where(scope.office_clause(staff.office_id, Unit.office_id))
                                 .order_by(Unit.code)).all())
    return scope.units_by_codes_for_staff(session, staff, codes)[0]


def invites_since(session: Session, unit_ids: list[int], since: datetime) -> list[int]:
    return list(session.exec(select(Invite.id).where(Invite.unit_id.in_(unit_ids), Invite.created_at >= since,
                                                     Invite.revoked_at.is_(None))).all())


def revoke_invites(session: Session, invite_ids: list[int], now: datetime) -> None:
    session.execute(update(Invite).where(Invite.id.in_(invite_ids), Invite.revoked_at.is_(None))
                    .values(revoked_at=now).execution_options(synchronize_session=False))
