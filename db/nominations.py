"""Exemplary nominations (gương điển hình), their quota per period, and award forms kept as editable data.

Quota rule: a nomination occupies the unit's quota while it is `submitted` or `accepted`. A `withdrawn` one never
does, and a `returned` one does not either: the office sent it back, so the unit may send another in its place.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, select

from db.models import (AwardForm, Campaign, CampaignUnit, Milestone, MilestoneKind, Nomination, NominationFile,
                       NominationStatus, StoredFile, Submission, SubmissionFile)
from db import campaigns
from db import submissions as submission_ops
from schedules.planning import days_between

ACTIVE = (NominationStatus.submitted, NominationStatus.accepted)

# Defaults under Luật Thi đua, khen thưởng 2022 (amended) and Nghị định 152/2025/NĐ-CP. The authority is a hint
# staff can edit: the law moves it (e.g. district-level powers after 1/7/2025), so it is data, not code.
DEFAULT_AWARD_FORMS: list[tuple[str, bool, bool, str]] = [
    # (name, for_collective, for_individual, authority)
    ("Lao động tiên tiến", False, True, "Thủ trưởng cơ quan, đơn vị"),
    ("Chiến sĩ thi đua cơ sở", False, True, "Thủ trưởng cơ quan, đơn vị; Chủ tịch UBND cấp xã"),
    ("Tập thể lao động tiên tiến", True, False, "Thủ trưởng cơ quan, đơn vị; Chủ tịch UBND cấp xã"),
    ("Tập thể lao động xuất sắc", True, False, "Chủ tịch UBND cấp tỉnh; Bộ trưởng"),
    ("Giấy khen", True, True, "Thủ trưởng cơ quan, đơn vị; Chủ tịch UBND cấp xã"),
    ("Bằng khen của Chủ tịch UBND tỉnh", True, True, "Chủ tịch UBND cấp tỉnh"),
    ("Bằng khen của Bộ trưởng Bộ Giáo dục và Đào tạo", True, True, "Bộ trưởng Bộ Giáo dục và Đào tạo"),
    ("Chiến sĩ thi đua cấp tỉnh", False, True, "Chủ tịch UBND cấp tỉnh"),
    ("Cờ thi đua của UBND tỉnh", True, False, "Chủ tịch UBND cấp tỉnh"),
    ("Cờ thi đua của Bộ Giáo dục và Đào tạo", True, False, "Bộ trưởng Bộ Giáo dục và Đào tạo"),
]


# ------------------------------------------------------------------------------------------------ award forms

def ensure_default_award_forms(session: Session) -> int:
    """Insert the default forms whose name is not there yet (disabled ones stay disabled). Returns how many."""
    existing = set(session.exec(select(AwardForm.name)).all())
    new = [AwardForm(name=n, for_collective=c, for_individual=i, authority=a)
           for n, c, i, a in DEFAULT_AWARD_FORMS if n not in existing]
    session.add_all(new)
    session.flush()
    return len(new)


def seed_if_empty(session: Session) -> None:
    """Seed once, on first use; afterwards the table is the staff's to edit."""
    if session.exec(select(func.count()).select_from(AwardForm)).one() == 0:
        ensure_default_award_forms(session)


def award_forms(session: Session, *, collective: bool | None = None, active_only: bool = True) -> Sequence[AwardForm]:
    seed_if_empty(session)
    q = select(AwardForm)
    if active_only:
        q = q.where(AwardForm.active == True)  # noqa: E712
    if collective is True:
        q = q.where(AwardForm.for_collective == True)  # noqa: E712
    elif collective is False:
        q = q.where(AwardForm.for_individual == True)  # noqa: E712
    return session.exec(q.order_by(AwardForm.id)).all()


def find_award_form(session: Session, key: str | int) -> AwardForm | None:
    """By id, or by exact name."""
    if isinstance(key, int) or str(key).isdigit():
        return session.get(AwardForm, int(key))
    return session.exec(select(AwardForm).where(AwardForm.name == str(key).strip())).first()


def add_award_form(session: Session, name: str, *, for_collective: bool, for_individual: bool,
                   authority: str | None = None) -> AwardForm | None:
    """None when the name already exists (names are unique)."""
    seed_if_empty(session)  # else adding first would keep the defaults out for good
    name = " ".join(name.split())
    if find_award_form(session, name) is not None:
        return None
    row = AwardForm(name=name, for_collective=for_collective, for_individual=for_individual,
                    authority=authority or None)
    session.add(row)
    session.flush()
    return row


def set_award_form_active(session: Session, key: str | int, active: bool) -> AwardForm | None:
    seed_if_empty(session)
    row = find_award_form(session, key)
    if row is not None:
        row.active = active
        session.add(row)
    return row


# ---------------------------------------------------------------------------------------- periods and quota

def nomination_milestones(session: Session, campaign_id: int) -> Sequence[Milestone]:
    return session.exec(select(Milestone).where(
        Milestone.campaign_id == campaign_id, Milestone.kind == MilestoneKind.nomination,
        Milestone.deleted_at.is_(None), campaigns.not_template()).order_by(Milestone.due_at, Milestone.id)).all()


def deadline_passed(milestone: Milestone, now: datetime, tz: ZoneInfo) -> bool:
    """Past once the local due day is over, as for reports (on the due day itself it is still open)."""
    return days_between(milestone.due_at, now, tz) < 0


OPEN, LATE, CLOSED = "open", "late", "closed"


def round_state(milestone: Milestone, campaign: Campaign, now: datetime, tz: ZoneInfo) -> str:
    """open (before the deadline), late (past it, and the campaign takes late entries until staff close the
    round: the default) or closed (staff closed it, the campaign is no longer running, or it refuses late)."""
    if milestone.closed_at is not None or campaign.status != "launched":
        return CLOSED
    if not deadline_passed(milestone, now, tz):
        return OPEN
    return LATE if campaign.late_nominations else CLOSED


def open_periods(session: Session, campaign_id: int, now: datetime, tz: ZoneInfo) -> list[Milestone]:
    """Rounds that still take entries (open or late): the only ones a unit may nominate for."""
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        return []
    return [m for m in nomination_milestones(session, campaign_id) if round_state(m, campaign, now, tz) != CLOSED]


def set_round_closed(session: Session, milestone: Milestone, closed: bool, now: datetime) -> None:
    """Close a round (no more entries, no more reminders) or open it again."""
    milestone.closed_at = now if closed else None
    milestone.updated_at = now
    session.add(milestone)
    session.flush()


def campaigns_open_for(session: Session, unit_id: int, now: datetime, tz: ZoneInfo) -> list[Campaign]:
    """Launched campaigns the unit takes part in that have an open nomination period."""
    rows = session.exec(select(Campaign).join(CampaignUnit, CampaignUnit.campaign_id == Campaign.id).where(
        CampaignUnit.unit_id == unit_id, Campaign.status == "launched").order_by(Campaign.id)).all()
    return [c for c in rows if open_periods(session, c.id, now, tz)]


_PERIOD_IN_TITLE = re.compile(r"\b(?:quý|học kỳ|học kì|tháng|năm học|năm|đợt|giai đoạn)\b.*$", re.IGNORECASE)
_ROUND_WORD = re.compile(r"^\s*đề\s+cử\s+", re.IGNORECASE)


def period_label(m: Milestone) -> str:
    """What names the round after the word "đề cử" in every text ("Đề cử {period}"), so that it is said once:
    the period label, else the period the title ends with ("… tiên tiến quý I/2024" → "quý I/2024"), else the
    title without a leading "Đề cử"."""
    if m.period_label:
        return m.period_label
    title = unicodedata.normalize("NFC", m.title).strip()
    found = _PERIOD_IN_TITLE.search(title)
    if found and found.start() > 0:
        return found.group(0)
    return _ROUND_WORD.sub("", title) or title


def active_for(session: Session, unit_id: int, milestone_id: int) -> Sequence[Nomination]:
    return session.exec(select(Nomination).where(
        Nomination.unit_id == unit_id, Nomination.milestone_id == milestone_id,
        Nomination.status.in_(ACTIVE)).order_by(Nomination.id)).all()


def active_of_unit(session: Session, unit_id: int) -> Sequence[Nomination]:
    return session.exec(select(Nomination).where(
        Nomination.unit_id == unit_id, Nomination.status.in_(ACTIVE)).order_by(Nomination.id)).all()


def quota_left(session: Session, campaign: Campaign, unit_id: int, milestone_id: int) -> int:
    return max(0, (campaign.nomination_quota or 1) - len(active_for(session, unit_id, milestone_id)))


# --------------------------------------------------------------------------------------------- nominations

def next_reference(session: Session, year: int) -> str:
    """DC-2024-000012: a running number per year."""
    like = f"DC-{year}-%"
    count = session.exec(select(func.count()).select_from(Nomination).where(Nomination.reference.like(like))).one()
    return f"DC-{year}-{count + 1:06d}"


def create(session: Session, nomination: Nomination, file_ids: list[int]) -> Nomination:
    session.add(nomination)
    session.flush()
    session.add_all([NominationFile(nomination_id=nomination.id, stored_file_id=fid, position=i)
                     for i, fid in enumerate(file_ids)])
    session.flush()
    return nomination


def get(session: Session, nomination_id: int) -> Nomination | None:
    return session.get(Nomination, nomination_id)


def files_of(session: Session, nomination_id: int) -> Sequence[StoredFile]:
    return session.exec(select(StoredFile).join(NominationFile, NominationFile.stored_file_id == StoredFile.id)
                        .where(NominationFile.nomination_id == nomination_id).order_by(NominationFile.position)).all()


def live_of_unit_in_campaign(session: Session, unit_id: int, campaign_id: int) -> Sequence[Nomination]:
    """The unit's nominations in this campaign that stand (submitted or accepted): what a dossier may support."""
    return session.exec(select(Nomination).where(
        Nomination.unit_id == unit_id, Nomination.campaign_id == campaign_id,
        Nomination.status.in_(ACTIVE)).order_by(Nomination.submitted_at, Nomination.id)).all()


def live_amendment(session: Session, nomination_id: int) -> Nomination | None:
    """The nomination that corrects this (returned) one and still stands, if any."""
    return session.exec(select(Nomination).where(
        Nomination.amends_id == nomination_id, Nomination.status.in_(ACTIVE)).order_by(Nomination.id.desc())).first()


def for_milestone(session: Session, milestone_id: int, *, include_withdrawn: bool = False,
                  statuses: tuple[str, ...] | None = None) -> Sequence[Nomination]:
    q = select(Nomination).where(Nomination.milestone_id == milestone_id)
    if statuses is not None:
        q = q.where(Nomination.status.in_(statuses))
    elif not include_withdrawn:
        q = q.where(Nomination.status != NominationStatus.withdrawn)
    return session.exec(q.order_by(Nomination.unit_id, Nomination.id)).all()


def set_status(session: Session, nomination: Nomination, status: str, *, now: datetime,
               staff_id: int | None = None, comment: str | None = None) -> None:
    nomination.status = status
    if staff_id is not None:
        nomination.reviewed_at, nomination.reviewed_by_staff_id = now, staff_id
        nomination.review_comment = comment
    session.add(nomination)


# --------------------------------------------------------------------------------------------- award dossiers

def required_documents(milestone: Milestone, default: list[str]) -> list[str]:
    """The checklist lines: strings, or dicts with a name/label/title (as a parsed plan may give them)."""
    lines = []
    for item in milestone.required_documents or []:
        if isinstance(item, dict):
            item = item.get("name") or item.get("label") or item.get("title")
        if item and str(item).strip() and str(item).strip() not in lines:
            lines.append(str(item).strip())
    return lines or list(default)


def create_dossier_submission(session: Session, *, unit_id: int, milestone: Milestone, contact_id: int | None,
                              now: datetime, late: bool, year: int,
                              labelled_file_ids: list[tuple[str, int]], nomination_id: int | None = None
                              ) -> Submission:
    """A new version of the unit's submission for this milestone, one SubmissionFile per file with its line."""
    sub = Submission(reference=submission_ops.next_reference(session, "HS", year), unit_id=unit_id,
                     milestone_id=milestone.id, version=submission_ops.next_version(session, unit_id, milestone.id),
                     late=late, contact_id=contact_id, submitted_at=now, nomination_id=nomination_id)
    session.add(sub)
    session.flush()
    session.add_all([SubmissionFile(submission_id=sub.id, stored_file_id=fid, position=i, document_label=label)
                     for i, (label, fid) in enumerate(labelled_file_ids)])
    session.flush()
    return sub
