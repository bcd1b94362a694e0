"""/phatdong: send a campaign's launch message (plan attached, "Đã nhận" button) to every contact of every
participating unit; "Đã nhận" (action ack) records who received it; /danhan shows who did and who did not.

The staff chat gets one progress message, edited in place by schedules.broadcasts.BroadcastMonitor, and a
final report listing who could not be reached.
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot import texts
from db import broadcasts as bc
from db import campaign_admin as admin
from db import campaigns as campaign_ops
from db import people
from db import scope
from db.models import Broadcast, Campaign, Contact, OutboxStatus, Staff, Unit
from db.outbox import Outgoing, enqueue
from handlers.engine import CONTACT, STAFF, Ctx, Flow, Step, action, action_choice, command, done, flow, goto
from handlers import milestone_lines
from handlers.io import Choice, Inbound, OutFile, OutMessage

CAPTION_BUDGET = 1000      # the launch text is the caption of the plan document (Telegram: 1024)
MESSAGE_BUDGET = 3800      # Telegram: 4096 per message; long lists are split
LAUNCHABLE = ("draft", "launched")


class L(StrEnum):
    pick = "pick"
    confirm = "confirm"


# ------------------------------------------------------------------------------------------ keys

def progress_key(broadcast_id: int) -> str:
    return f"bprogress:{broadcast_id}"


def report_key(broadcast_id: int, part: int) -> str:
    return f"breport:{broadcast_id}:{part}"


# ------------------------------------------------------------------------------------------ messages

def _doc_line(session: Session, campaign: Campaign) -> str:
    if not campaign.doc_number:
        return ""
    office = people.office(session, campaign.office_id)
    issuer = campaign.issuer or (office.name if office else None)
    return texts.LAUNCH_DOC.format(
        doc_number=campaign.doc_number,
        issued=texts.LAUNCH_DOC_ISSUED.format(issued=texts.fmt_date(campaign.issued_date)) if campaign.issued_date else "",
        issuer=texts.LAUNCH_DOC_ISSUER.format(issuer=issuer) if issuer else "")


def _period_line(campaign: Campaign) -> str:
    if not (campaign.period_start and campaign.period_end):
        return ""
    return texts.LAUNCH_PERIOD.format(start=texts.fmt_date(campaign.period_start), end=texts.fmt_date(campaign.period_end))


def launch_text(session: Session, campaign: Campaign, tz: ZoneInfo) -> str:
    """The launch text, kept within a document caption: milestones beyond the budget are summarised."""
    lines = [milestone_lines.for_units(m, tz) for m in campaign_ops.milestones(session, campaign.id)]
    for shown in range(len(lines), -1, -1):
        block = lines[:shown] + ([texts.LAUNCH_MORE_MILESTONES.format(n=len(lines) - shown)] if shown < len(lines) else [])
        milestones = "\n".join([texts.LAUNCH_MILESTONES_HEAD] + block) if lines else ""
        text = texts.LAUNCH_MESSAGE.format(title=campaign.title, doc=_doc_line(session, campaign),
                                           period=_period_line(campaign), milestones=milestones)
        if len(text) <= CAPTION_BUDGET or shown == 0:
            return text[:CAPTION_BUDGET]
    return text


def launch_message(session: Session, campaign: Campaign, tz: ZoneInfo, broadcast_id: int | None = None) -> OutMessage:
    files = [OutFile(stored_file_id=campaign.plan_file_id)] if campaign.plan_file_id else []
    choices = [[action_choice(texts.LAUNCH_ACK_BUTTON, "ack", broadcast_id)]] if broadcast_id else []
    return OutMessage(launch_text(session, campaign, tz), choices=choices, files=files)


def progress_text(title: str, counts: dict[str, int], total: int, final: bool = False) -> str:
    template = texts.LAUNCH_PROGRESS_DONE if final else texts.LAUNCH_PROGRESS
    return template.format(title=title, total=total, **launch_counts(counts))


def launch_counts(counts: dict[str, int]) -> dict[str, int]:
    """The three numbers staff see, in the progress line and in the report alike."""
    return dict(sent=counts.get(OutboxStatus.sent, 0), blocked=counts.get(OutboxStatus.blocked, 0),
                failed=counts.get(OutboxStatus.failed, 0))


def split_messages(head: str, lines: list[str], budget: int = MESSAGE_BUDGET) -> list[str]:
    """head + lines, cut into messages that each fit in one Telegram message."""
    parts, current = [], head
    for line in lines:
        if len(current) + 1 + len(line) > budget:
            parts.append(current)
            current = line
        else:
            current = f"{current}\n{line}"
    return parts + [current]


def _person_line(unit: Unit, contact: Contact) -> str:
    phone = texts.LAUNCH_REPORT_PHONE.format(phone=unit.liaison_phone) if unit.liaison_phone else ""
    return texts.LAUNCH_REPORT_LINE.format(unit=unit.name, name=contact.display_name or contact.chat_id, phone=phone)


def final_report(session: Session, broadcast: Broadcast, title: str, counts: dict[str, int]) -> list[OutMessage]:
    head = texts.LAUNCH_REPORT.format(title=title, total=broadcast.total, **launch_counts(counts))
    lines = []
    for status, heading in ((OutboxStatus.blocked, texts.LAUNCH_REPORT_BLOCKED_HEAD),
                            (OutboxStatus.failed, texts.LAUNCH_REPORT_FAILED_HEAD)):
        people_ = bc.recipients_with_status(session, broadcast.id, (status,))
        if people_:
            lines += [heading] + [_person_line(u, c) for u, c in people_]
    parts = split_messages(head, lines)
    button = [[action_choice(texts.LAUNCH_SEE_ACKS, "acks", broadcast.id)]]
    return [OutMessage(p, choices=button if i == len(parts) - 1 else []) for i, p in enumerate(parts)]


def ack_report(session: Session, broadcast: Broadcast, title: str, tz: ZoneInfo) -> list[OutMessage]:
    rows = bc.recipients_with_acks(session, broadcast.id)
    acked = [(u, c, at) for u, c, _status, at in rows if at is not None]
    pending = [(u, c, status) for u, c, status, at in rows if at is None]
    head = texts.LAUNCH_ACKS_HEAD.format(title=title, acked=len(acked), total=len(rows),
                                         units_acked=len({u.id for u, _, _ in acked}), units=len({r[0].id for r in rows}))
    lines = []
    if pending:
        lines.append(texts.LAUNCH_ACKS_PENDING_HEAD.format(n=len(pending)))
        lines += [texts.LAUNCH_ACKS_LINE.format(
            unit=u.name, name=c.display_name or c.chat_id,
            extra="" if status == OutboxStatus.sent else texts.LAUNCH_ACKS_NOT_DELIVERED) for u, c, status in pending]
    if acked:
        lines.append(texts.LAUNCH_ACKS_DONE_HEAD.format(n=len(acked)))
        lines += [texts.LAUNCH_ACKS_LINE.format(unit=u.name, name=c.display_name or c.chat_id,
                                                extra=texts.LAUNCH_ACKS_AT.format(at=texts.fmt_datetime(at, tz)))
                  for u, c, at in acked]
    return [OutMessage(p) for p in split_messages(head, lines)]


# ------------------------------------------------------------------------------------------ the operation

def launch_campaign(session: Session, campaign: Campaign, *, staff: Staff | None, channel: str, chat_id: str,
                    tz: ZoneInfo, now: datetime) -> Broadcast | None:
    """Create the broadcast and queue everything: the staff's progress message first (so it goes out
    before the bulk), then one launch row per contact. None when there is nobody to send to."""
    recipients = bc.launch_recipients(session, campaign.id)
    if not recipients:
        return None
    broadcast = bc.create(session, campaign_id=campaign.id, staff_id=staff.id if staff else None, channel=channel,
                          chat_id=chat_id, total=len(recipients))
    enqueue(session, Outgoing(progress_key(broadcast.id), channel, chat_id,
                              OutMessage(progress_text(campaign.title, {}, broadcast.total)), kind="progress"))
    bc.enqueue_launch(session, broadcast.id, recipients, launch_message(session, campaign, tz, broadcast.id))
    admin.mark_launched(session, campaign, now)
    return broadcast


# ------------------------------------------------------------------------------------------ the flow

def _pick_label(c: Campaign) -> str:
    title = c.title if len(c.title) <= 48 else c.title[:47] + "…"
    return texts.LAUNCH_PICK_LABEL.format(id=c.id, title=title,
                                          launched=texts.LAUNCH_PICK_LAUNCHED if c.status == "launched" else "")


@flow
class LaunchCampaign(Flow):
    name, title, audience = "launch_campaign", texts.LAUNCH_FLOW_TITLE, STAFF

    async def begin(self, ctx: Ctx, data: dict, **kw) -> Step:
        campaigns = scope.campaigns_for_staff(ctx.session, ctx.staff, LAUNCHABLE, limit=12)
        if not campaigns:
            return done(texts.LAUNCH_NONE)
        return goto(L.pick, OutMessage(texts.LAUNCH_PICK, choices=[[Choice(_pick_label(c), str(c.id))]
                                                                   for c in campaigns]))

    def _chosen(self, ctx: Ctx, value: str | None) -> Campaign | None:
        return scope.campaign_for_staff(ctx.session, ctx.staff, value, LAUNCHABLE)

    async def on_pick(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        campaign = self._chosen(ctx, inp.choice)
        if campaign is None:
            return done(texts.LAUNCH_UNKNOWN) if inp.choice else goto(L.pick, texts.CAMPAIGN_CHOOSE_BUTTON)
        recipients = bc.launch_recipients(ctx.session, campaign.id)
        if not recipients:
            reason = texts.LAUNCH_NOBODY_ALL_SENT if campaign.status == "launched" and \
                campaign_ops.contacts(ctx.session, campaign.id) else texts.LAUNCH_NOBODY_NO_CONTACTS
            return done(texts.LAUNCH_NOBODY.format(reason=reason))
        data["campaign_id"] = campaign.id
        return goto(L.confirm, texts.LAUNCH_PREVIEW_HEAD, launch_message(ctx.session, campaign, ctx.tz),
                    self._confirm_message(ctx, campaign, recipients))

    def _confirm_message(self, ctx: Ctx, campaign: Campaign, recipients: list[Contact]) -> OutMessage:
        missing = bc.units_without_contacts(ctx.session, campaign.id)
        names = ", ".join(u.name for u in missing[:10]) + ("…" if len(missing) > 10 else "")
        text = texts.LAUNCH_CONFIRM.format(
            contacts=len(recipients), units=len({c.unit_id for c in recipients}),
            missing=texts.LAUNCH_CONFIRM_MISSING.format(n=len(missing), names=names) if missing else "",
            again=texts.LAUNCH_CONFIRM_AGAIN if campaign.status == "launched" else "")
        return OutMessage(text, choices=[[Choice(texts.LAUNCH_SEND, "send"), Choice(texts.LAUNCH_CANCEL, "cancel")]])

    async def on_confirm(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        if inp.choice == "cancel":
            return done(texts.LAUNCH_CANCELLED)
        if inp.choice != "send":
            return goto(L.confirm, OutMessage(texts.CAMPAIGN_CHOOSE_BUTTON, choices=[
                [Choice(texts.LAUNCH_SEND, "send"), Choice(texts.LAUNCH_CANCEL, "cancel")]]))
        campaign = self._chosen(ctx, str(data["campaign_id"]))
        if campaign is None:
            return done(texts.LAUNCH_UNKNOWN)
        broadcast = launch_campaign(ctx.session, campaign, staff=ctx.staff, channel=ctx.inbound.channel,
                                    chat_id=ctx.inbound.chat_id, tz=ctx.tz, now=ctx.now)
        if broadcast is None:
            return done(texts.LAUNCH_NOBODY.format(reason=texts.LAUNCH_NOBODY_ALL_SENT))
        ctx.audit("campaign_launched", f"campaign:{campaign.id}", broadcast=broadcast.id, contacts=broadcast.total)
        return done()   # the progress message (queued by launch_campaign) is the answer


@command("phatdong", STAFF, starts_flow=True)
async def phatdong(ctx: Ctx):
    ctx.audit("flow_started", "launch_campaign")
    return await ctx.start_flow("launch_campaign")


# ------------------------------------------------------------------------------------------ acknowledgements

def _broadcast_arg(ctx: Ctx) -> Broadcast | None:
    arg = (ctx.inbound.args or "").strip()
    return bc.get(ctx.session, int(arg)) if arg.isdigit() else None


@action("ack", CONTACT)
async def acknowledge(ctx: Ctx):
    broadcast = _broadcast_arg(ctx)
    if broadcast is None or not bc.is_recipient(ctx.session, broadcast, ctx.contact):
        ctx.audit("ack_refused", f"broadcast:{ctx.inbound.args}")
        return texts.LAUNCH_ACK_NOT_YOURS
    if not bc.record_ack(ctx.session, broadcast.id, ctx.contact.id, ctx.now):
        return texts.LAUNCH_ACK_ALREADY
    ctx.audit("launch_acknowledged", f"broadcast:{broadcast.id}")
    campaign = campaign_ops.get(ctx.session, broadcast.campaign_id)
    return texts.LAUNCH_ACK_THANKS.format(unit=ctx.unit.name, title=campaign.title)


def _show_acks(ctx: Ctx, found: tuple[Broadcast, Campaign] | None) -> list[OutMessage] | str:
    if found is None:   # unknown, or another office's launch: the same answer, so ids reveal nothing
        ctx.audit("acks_refused", f"broadcast:{(ctx.inbound.args or '')[:40]}")
        return texts.LAUNCH_ACKS_UNKNOWN
    broadcast, campaign = found
    ctx.audit("acks_viewed", f"broadcast:{broadcast.id}")
    return ack_report(ctx.session, broadcast, campaign.title, ctx.tz)


@command("danhan", STAFF)
async def danhan(ctx: Ctx):
    if ctx.inbound.args.strip():
        return _show_acks(ctx, scope.broadcast_for_staff(ctx.session, ctx.staff, ctx.inbound.args))
    launches = scope.broadcasts_for_staff(ctx.session, ctx.staff)
    if not launches:
        return texts.LAUNCH_ACKS_NONE
    if len(launches) == 1:
        return _show_acks(ctx, tuple(launches[0]))
    return OutMessage(texts.LAUNCH_ACKS_PICK, choices=[
        [action_choice(texts.LAUNCH_ACKS_PICK_LABEL.format(id=c.id, title=c.title[:40],
                                                           date=texts.fmt_date(b.created_at, ctx.tz)), "acks", b.id)]
        for b, c in launches])


@action("acks", STAFF)
async def acks_button(ctx: Ctx):
    return _show_acks(ctx, scope.broadcast_for_staff(ctx.session, ctx.staff, ctx.inbound.args))
