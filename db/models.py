"""SQLModel tables. Operations live beside them in db/*.py; nothing here runs a query.

Times are naive UTC datetimes (portable between SQLite and PostgreSQL); db.clock.utcnow() makes them and
bot.texts formats them in THIDUA_TIMEZONE.
"""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from db.clock import utcnow


class MilestoneKind(StrEnum):
    plan_submission = "plan_submission"
    registration = "registration"
    preliminary_report = "preliminary_report"
    final_report = "final_report"
    periodic_report = "periodic_report"
    award_dossier = "award_dossier"
    nomination = "nomination"
    event = "event"
    other = "other"


class Recurrence(StrEnum):
    none = "none"
    month = "month"
    quarter = "quarter"
    half_year = "half_year"
    year = "year"


class SubmissionStatus(StrEnum):
    submitted = "submitted"
    accepted = "accepted"
    returned = "returned"


class NominationStatus(StrEnum):
    submitted = "submitted"
    accepted = "accepted"
    returned = "returned"
    withdrawn = "withdrawn"


class OutboxStatus(StrEnum):
    pending = "pending"
    sending = "sending"
    sent = "sent"
    failed = "failed"     # gave up after retries
    blocked = "blocked"   # the user blocked the bot (403)
    cancelled = "cancelled"  # no longer worth sending (the unit submitted, the milestone closed)


class StaffRole(StrEnum):
    admin = "admin"
    specialist = "specialist"


def _ts(**kwargs: Any):
    """A naive-UTC timestamp column (SQLModel would otherwise demand aware datetimes)."""
    return Field(sa_type=sa.DateTime(timezone=False), **kwargs)


def _json(default: Any = None):
    return Field(default_factory=lambda: default() if callable(default) else default, sa_type=sa.JSON)


class Office(SQLModel, table=True):
    """The issuing body at any level: a Sở, a Phòng, a commune UBND... The level is free text."""
    id: int | None = Field(default=None, primary_key=True)
    name: str
    level: str | None = None
    parent_id: int | None = Field(default=None, foreign_key="office.id")
    # Letterhead (Nghị định 30/2020/NĐ-CP), printed on every document the office files (issue #16)
    parent_body: str | None = None        # cơ quan chủ quản: "UBND TỈNH BÌNH PHƯỚC"
    place_name: str | None = None         # địa danh of the place-date line: "Bình Phước"
    signer_title: str | None = None       # "GIÁM ĐỐC", or "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC"
    signer_name: str | None = None
    number_prefix: str | None = None      # ký hiệu after the document type: "SGDĐT" -> "Số: …/TTr-SGDĐT"
    template_file_id: int | None = Field(default=None, foreign_key="storedfile.id")  # its own .docx layout
    created_at: datetime = _ts(default_factory=utcnow)


class Unit(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    office_id: int | None = Field(default=None, foreign_key="office.id", index=True)
    code: str = Field(unique=True, index=True)
    name: str
    level: str | None = None            # mầm non, tiểu học, THCS, THPT...
    cluster: str | None = Field(default=None, index=True)  # cụm/khối thi đua
    liaison_name: str | None = None     # người đầu mối (from the roster)
    liaison_phone: str | None = None
    created_at: datetime = _ts(default_factory=utcnow)


class Contact(SQLModel, table=True):
    """A chat identity on one channel, bound to one unit. A chat is bound to at most one unit."""
    __table_args__ = (sa.UniqueConstraint("channel", "chat_id", name="uq_contact_channel_chat"),)
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    channel: str                          # telegram | zalo
    platform_user_id: str
    chat_id: str
    display_name: str | None = None
    reachable: bool = True
    invite_id: int | None = Field(default=None, foreign_key="invite.id")
    bound_at: datetime = _ts(default_factory=utcnow)


class Invite(SQLModel, table=True):
    """An invite link. Only the sha256 of the token is stored."""
    id: int | None = Field(default=None, primary_key=True)
    kind: str = "unit"                    # unit | staff
    token_hash: str = Field(unique=True, index=True)
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    office_id: int | None = Field(default=None, foreign_key="office.id")
    staff_name: str | None = None
    staff_role: str | None = None
    max_uses: int = 3
    uses: int = 0
    expires_at: datetime = _ts()
    revoked_at: datetime | None = _ts(default=None)
    created_at: datetime = _ts(default_factory=utcnow)


class Staff(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("channel", "platform_user_id", name="uq_staff_channel_user"),)
    id: int | None = Field(default=None, primary_key=True)
    office_id: int | None = Field(default=None, foreign_key="office.id", index=True)
    name: str
    role: str = StaffRole.specialist
    channel: str = "telegram"
    platform_user_id: str
    chat_id: str | None = None            # known once the staff member has written to the bot
    active: bool = True
    started_at: datetime | None = _ts(default=None)    # first message to the bot: only then may it write to them
    notify: str = "off"                   # off | each | hourly: news of submissions, nominations, bindings
    notified_until: datetime | None = _ts(default=None)  # news up to here has been told
    created_at: datetime = _ts(default_factory=utcnow)


class ConsoleLink(SQLModel, table=True):
    """A one-time, short-lived sign-in link to the staff console (/web). Only the sha256 of the token is kept."""
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, index=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    expires_at: datetime = _ts()
    used_at: datetime | None = _ts(default=None)          # signed in: the session this link opened began
    signed_out_at: datetime | None = _ts(default=None)    # that session was ended (its cookie no longer works)
    created_at: datetime = _ts(default_factory=utcnow)


class StoredFile(SQLModel, table=True):
    """File bytes live under THIDUA_DATA_DIR by sha256; the original name is kept here."""
    id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(index=True)
    size: int
    mime: str | None = None
    original_name: str
    telegram_file_id: str | None = None   # Telegram keeps what it received: later sends go by this id
    created_at: datetime = _ts(default_factory=utcnow)


class Campaign(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    office_id: int | None = Field(default=None, foreign_key="office.id", index=True)
    title: str
    doc_number: str | None = None
    issued_date: date | None = None
    issuer: str | None = None
    period_start: date | None = None
    period_end: date | None = None
    plan_file_id: int | None = Field(default=None, foreign_key="storedfile.id")
    status: str = "draft"                 # draft | launched | closed
    launched_at: datetime | None = _ts(default=None)
    # {"offsets_days": [-7,-3,-1,0,1,3], "send_at": "08:00", "skip_weekends": false}
    reminder_policy: dict | None = _json(None)
    nomination_quota: int = 1
    late_nominations: bool = True         # a round keeps taking (late-marked) entries past its deadline until closed
    details: dict | None = _json(None)    # parsed extras: contact, awards, dossier...
    created_by_staff_id: int | None = Field(default=None, foreign_key="staff.id")
    created_at: datetime = _ts(default_factory=utcnow)


class CampaignUnit(SQLModel, table=True):
    campaign_id: int = Field(foreign_key="campaign.id", primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", primary_key=True, index=True)


class Milestone(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    kind: str = MilestoneKind.other
    title: str
    due_at: datetime = _ts()              # UTC
    precision: str = "day"                # day | month | year
    who: str | None = None                # who acts: "các đơn vị" or the office itself
    units_act: bool = True                # False for the office's own steps: nobody is nudged
    required_documents: list | None = _json(list)
    recurrence: str = Recurrence.none
    series_id: int | None = Field(default=None, foreign_key="milestone.id", index=True)
    period_label: str | None = None       # Quý I/2024, 6 tháng đầu năm 2024...
    source_text: str | None = None
    closed_at: datetime | None = _ts(default=None)     # staff closed it: no more entries, no more reminders
    deleted_at: datetime | None = _ts(default=None)
    created_at: datetime = _ts(default_factory=utcnow)
    updated_at: datetime = _ts(default_factory=utcnow)


class Submission(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("unit_id", "milestone_id", "version", name="uq_submission_version"),)
    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(unique=True, index=True)   # BC-2024-000123
    unit_id: int = Field(foreign_key="unit.id", index=True)
    milestone_id: int = Field(foreign_key="milestone.id", index=True)
    version: int = 1
    status: str = SubmissionStatus.submitted
    note: str | None = None
    late: bool = False
    contact_id: int | None = Field(default=None, foreign_key="contact.id")
    nomination_id: int | None = Field(default=None, foreign_key="nomination.id")  # the nominee a dossier supports
    submitted_at: datetime = _ts(default_factory=utcnow)
    reviewed_at: datetime | None = _ts(default=None)
    reviewed_by_staff_id: int | None = Field(default=None, foreign_key="staff.id")
    review_comment: str | None = None


class SubmissionFile(SQLModel, table=True):
    submission_id: int = Field(foreign_key="submission.id", primary_key=True)
    stored_file_id: int = Field(foreign_key="storedfile.id", primary_key=True)
    position: int = 0
    document_label: str | None = None     # the dossier checklist line this file answers


class AwardForm(SQLModel, table=True):
    """Award titles and forms change with the law: staff edit them as data."""
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    for_collective: bool = True
    for_individual: bool = True
    authority: str | None = None
    active: bool = True


class Nomination(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(unique=True, index=True)   # DC-2024-000012
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    milestone_id: int = Field(foreign_key="milestone.id", index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    period_label: str | None = None
    nominee_type: str = "individual"      # individual | collective
    nominee_name: str
    position: str | None = None
    nominee_unit: str | None = None
    achievements: str
    innovation: str | None = None
    award_form: str | None = None
    status: str = NominationStatus.submitted
    late: bool = False                    # came in after the round's deadline (accepted late, like reports)
    forwarded_at: datetime | None = _ts(default=None)   # the office proposes it upward (đề nghị cấp trên)
    amends_id: int | None = Field(default=None, foreign_key="nomination.id")   # the returned one it corrects
    contact_id: int | None = Field(default=None, foreign_key="contact.id")
    submitted_at: datetime = _ts(default_factory=utcnow)
    reviewed_at: datetime | None = _ts(default=None)
    reviewed_by_staff_id: int | None = Field(default=None, foreign_key="staff.id")
    review_comment: str | None = None


class NominationFile(SQLModel, table=True):
    nomination_id: int = Field(foreign_key="nomination.id", primary_key=True)
    stored_file_id: int = Field(foreign_key="storedfile.id", primary_key=True)
    position: int = 0


class ConversationState(SQLModel, table=True):
    """The one live conversation of a chat. Its timeout is a stored deadline, not a timer in memory."""
    __table_args__ = (sa.UniqueConstraint("channel", "chat_id", name="uq_conversation_chat"),)
    id: int | None = Field(default=None, primary_key=True)
    channel: str
    chat_id: str
    user_id: str | None = None
    flow: str | None = None               # None: no flow running
    state: str | None = None
    data: dict | None = _json(dict)
    turn: int = 0                         # bumps on every step; buttons carry it, old ones go stale
    offered: list | None = _json(list)    # [[value, label], ...] choices last shown (Zalo types numbers)
    expires_at: datetime | None = _ts(default=None, index=True)
    updated_at: datetime = _ts(default_factory=utcnow)


class Broadcast(SQLModel, table=True):
    """One launch or nudge sent to many contacts; the staff chat's progress message follows it."""
    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int | None = Field(default=None, foreign_key="campaign.id", index=True)
    milestone_id: int | None = Field(default=None, foreign_key="milestone.id")
    kind: str = "launch"                  # launch | nudge
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    staff_channel: str | None = None
    staff_chat_id: str | None = None
    progress_message_id: str | None = None
    total: int = 0
    created_at: datetime = _ts(default_factory=utcnow)
    finished_at: datetime | None = _ts(default=None)


class Acknowledgement(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("broadcast_id", "contact_id", name="uq_ack"),)
    id: int | None = Field(default=None, primary_key=True)
    broadcast_id: int = Field(foreign_key="broadcast.id", index=True)
    contact_id: int = Field(foreign_key="contact.id")
    at: datetime = _ts(default_factory=utcnow)


class OutboxMessage(SQLModel, table=True):
    """Every outgoing message. The idempotency key makes enqueueing the same message twice a no-op."""
    __table_args__ = (sa.Index("ix_outbox_due", "channel", "status", "priority", "not_before"),)
    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str = Field(unique=True, index=True)
    channel: str
    chat_id: str
    contact_id: int | None = Field(default=None, foreign_key="contact.id", index=True)
    broadcast_id: int | None = Field(default=None, foreign_key="broadcast.id", index=True)
    kind: str = "reply"                   # reply | launch | reminder | nudge | receipt | review | digest | edit
    priority: int = 1                     # 0: a reply to someone in a conversation; 1: bulk (launch, reminders)
    payload: dict = _json(dict)           # bot.messages.OutMessage as JSON
    status: str = Field(default=OutboxStatus.pending, index=True)
    attempts: int = 0
    not_before: datetime = _ts(default_factory=utcnow, index=True)
    lease_until: datetime | None = _ts(default=None)
    claimed_by: str | None = Field(default=None, index=True)   # the dispatcher run that holds it
    platform_message_id: str | None = None
    last_error: str | None = None
    created_at: datetime = _ts(default_factory=utcnow)
    sent_at: datetime | None = _ts(default=None)


class InboundUpdate(SQLModel, table=True):
    """Updates already handled, so a re-delivered webhook call or poll is processed once."""
    __table_args__ = (sa.UniqueConstraint("channel", "update_key", name="uq_inbound_update"),)
    id: int | None = Field(default=None, primary_key=True)
    channel: str
    update_key: str
    received_at: datetime = _ts(default_factory=utcnow, index=True)


class AuditEvent(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _ts(default_factory=utcnow, index=True)
    actor: str                            # staff:12 | contact:7 | system | cli
    action: str
    subject: str | None = None
    details: dict | None = _json(None)


class ReminderRun(SQLModel, table=True):
    """Bookkeeping of the scheduler: the last time each milestone's reminders were planned/caught up."""
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    last_run_at: datetime | None = _ts(default=None)


class ZaloOAToken(SQLModel, table=True):
    """A Zalo Official Account's OAuth tokens, shared by every process and kept across restarts. Each refresh
    hands out a new refresh token and retires the old one, so one process refreshes at a time
    (`refreshing_until` is its short lease); the others read the result here."""
    app_id: str = Field(primary_key=True)
    access_token: str
    refresh_token: str
    access_expires_at: datetime = _ts()
    refreshing_until: datetime | None = _ts(default=None)
    seed_sha256: str | None = None        # the configured refresh token the chain started from
    updated_at: datetime = _ts(default_factory=utcnow)
