"""What a unit has to submit, and recording a submission (files, version, reference) in one transaction."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlmodel import Session, select

from db import reminders
from db import files as file_ops
from db import campaigns as campaign_ops
from db import standing, submissions
from db.models import Campaign, CampaignUnit, Milestone, MilestoneKind, StoredFile, Submission, SubmissionFile

REFERENCE_PREFIX = "BC"


@dataclass
class UnitMilestone:
    """One milestone as seen by one unit: where it belongs and how far the unit got."""
    campaign: Campaign
    milestone: Milestone
    status: str                     # missing | submitted | returned | accepted (db.submissions.MISSING...)
    version: int | None = None      # latest submission version (None for nominations and missing ones)
    comment: str | None = None      # review comment of the latest version
    nominations: int = 0            # nomination milestones: live nominations of the unit
    late: bool = False              # the latest work came in after the deadline

    @property
    def is_event(self) -> bool:
        return self.milestone.kind == MilestoneKind.event

    @property
    def owed(self) -> bool:
        return not self.is_event and self.status in (submissions.MISSING, "returned")

    @property
    def submittable(self) -> bool:
        """Open to a (new) submission: accepted work is closed; events have nothing to send."""
        return not self.is_event and self.status != "accepted"


def _unit_rows(session: Session, unit_id: int, milestone_id: int | None = None) -> list[tuple[Campaign, Milestone]]:
    """Milestones where units act, of launched campaigns the unit takes part in, by due date."""
    q = (select(Campaign, Milestone)
         .join(CampaignUnit, (CampaignUnit.campaign_id == Campaign.id) & (CampaignUnit.unit_id == unit_id))
         .join(Milestone, Milestone.campaign_id == Campaign.id)
         .where(Campaign.status == "launched", Milestone.deleted_at.is_(None), campaign_ops.not_template(),
                Milestone.units_act == True))  # noqa: E712
    if milestone_id is not None:
        q = q.where(Milestone.id == milestone_id)
    return list(session.exec(q.order_by(Milestone.due_at, Milestone.id)).all())


def unit_milestones(session: Session, unit_id: int, milestone_id: int | None = None) -> list[UnitMilestone]:
    """Every milestone the unit acts on, with where it stands (db.standing), in two queries whatever the count."""
    rows = _unit_rows(session, unit_id, milestone_id)
    found = standing.standings(session, [m for _, m in rows], [unit_id])
    items = []
    for campaign, m in rows:
        st = standing.of(found, unit_id, m.id)
        items.append(UnitMilestone(campaign, m, st.status, st.version, st.comment, st.live, st.late))
    return items


def milestone_for_unit(session: Session, milestone_id: int, unit_id: int) -> UnitMilestone | None:
    """The milestone if this unit may act on it (launched campaign it takes part in, units act); else None."""
    found = unit_milestones(session, unit_id, milestone_id)
    return found[0] if found else None


def open_milestones(session: Session, unit_id: int, campaign_id: int | None = None) -> list[UnitMilestone]:
    return [i for i in unit_milestones(session, unit_id)
            if i.submittable and (campaign_id is None or i.campaign.id == campaign_id)]


def office_steps(session: Session, unit_id: int, after: datetime) -> list[tuple[Campaign, Milestone]]:
    """The office's own steps (nobody submits) still ahead, in launched campaigns the unit takes part in."""
    q = (select(Campaign, Milestone)
         .join(CampaignUnit, (CampaignUnit.campaign_id == Campaign.id) & (CampaignUnit.unit_id == unit_id))
         .join(Milestone, Milestone.campaign_id == Campaign.id)
         .where(Campaign.status == "launched", Milestone.deleted_at.is_(None), campaign_ops.not_template(),
                Milestone.units_act == False, Milestone.due_at >= after)  # noqa: E712
         .order_by(Milestone.due_at, Milestone.id))
    return list(session.exec(q).all())


def plan_contacts(session: Session, unit_id: int) -> list[dict]:
    """The contacts named by the plans of the launched campaigns the unit takes part in (newest first)."""
    rows = session.exec(select(Campaign).join(CampaignUnit, (CampaignUnit.campaign_id == Campaign.id)
                                              & (CampaignUnit.unit_id == unit_id))
                        .where(Campaign.status == "launched").order_by(Campaign.id.desc())).all()
    return [c.details["contact"] for c in rows if isinstance(c.details, dict) and isinstance(c.details.get("contact"), dict)]


def open_campaigns(session: Session, unit_id: int) -> list[Campaign]:
    """Launched campaigns of the unit that still have something to submit, oldest first."""
    seen: dict[int, Campaign] = {}
    for item in open_milestones(session, unit_id):
        seen.setdefault(item.campaign.id, item.campaign)
    return sorted(seen.values(), key=lambda c: c.id)


@dataclass
class UploadedFile:
    blob: file_ops.Blob      # already in the blob store (downloaded outside the transaction)
    name: str
    mime: str | None


def create_submission(session: Session, data_dir: Path, *, unit_id: int, milestone_id: int, contact_id: int | None,
                      uploads: list[UploadedFile], note: str | None, late: bool, now: datetime, year: int
                      ) -> tuple[Submission, list[StoredFile]]:
    """A new version for (unit, milestone); older versions stay. Runs in the caller's transaction."""
    stored = [file_ops.add_blob(session, u.blob, u.name, u.mime) for u in uploads]
    sub = Submission(
        reference=submissions.next_reference(session, REFERENCE_PREFIX, year),
        unit_id=unit_id, milestone_id=milestone_id,
        version=submissions.next_version(session, unit_id, milestone_id),
        note=unicodedata.normalize("NFC", note) if note else None,
        late=late, contact_id=contact_id, submitted_at=now,
    )
    session.add(sub)
    session.flush()
    session.add_all([SubmissionFile(submission_id=sub.id, stored_file_id=f.id, position=i)
                     for i, f in enumerate(stored)])
    reminders.cancel_for_unit(session, milestone_id, unit_id)  # queued nudges stop the moment a unit submits
    session.flush()
    return sub, stored
