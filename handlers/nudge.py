"""/nhacnho: a manual nudge to the units that still owe a milestone (missing, or returned), after a preview.

On "Gửi" one Broadcast(kind="nudge") is created and every reachable contact of an owing unit gets one message
keyed nudge:<broadcast>:<contact>, so re-running the enqueue for the same broadcast adds nothing.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot import texts
from db import campaigns as campaign_ops
from db import progress as progress_db
from db.models import Broadcast, Campaign, Contact, Milestone, MilestoneKind, Unit
from db.outbox import Outgoing, enqueue_many
from handlers.engine import STAFF, Ctx, Step, action_choice, command, done, flow, goto
from handlers.io import Choice, Inbound, OutMessage
from handlers.progress import (CampaignStaffFlow, chosen_milestone, current_campaign, current_milestone,
                               days_left, due_text, milestone_menu, short)

LAUNCHED = ("launched",)


class S(StrEnum):
    campaign = "campaign"
    milestone = "milestone"
    confirm = "confirm"


@dataclass
class Audience:
    """Who a nudge for one milestone would reach, right now."""
    owing: dict[int, tuple[Unit, str]]   # unit_id -> (unit, "missing" | "returned")
    contacts: Sequence[Contact]          # reachable contacts of owing units

    @property
    def unreachable_units(self) -> int:
        return len(set(self.owing) - {c.unit_id for c in self.contacts})


def audience(session: Session, milestone: Milestone) -> Audience:
    owing = progress_db.owing_units(session, milestone)
    contacts = campaign_ops.contacts(session, milestone.campaign_id, unit_ids=list(owing), reachable_only=True) \
        if owing else []
    return Audience(owing, contacts)


def nudge_text(campaign: Campaign, milestone: Milestone, unit: Unit | None, status: str, now: datetime,
               tz: ZoneInfo) -> str:
    unit_name = unit.name if unit else texts.NUDGE_SAMPLE_UNIT
    if milestone.kind == MilestoneKind.nomination:
        reason = texts.NUDGE_REASON_NOMINEE_RETURNED if status == "returned" else texts.NUDGE_REASON_NO_NOMINEE
    else:
        reason = texts.NUDGE_REASON_RETURNED if status == "returned" else texts.NUDGE_REASON_MISSING
    return texts.NUDGE_MESSAGE.format(unit=unit_name, milestone=milestone.title, campaign=campaign.title,
                                      due=due_text(milestone, tz), days=texts.days_phrase(days_left(milestone, now, tz)),
                                      reason=reason)


def enqueue_nudge(session: Session, broadcast: Broadcast, campaign: Campaign, milestone: Milestone, aud: Audience,
                  now: datetime, tz: ZoneInfo) -> int:
    """Queue one message per contact; returns how many were new (0 when this broadcast was already queued)."""
    label = texts.NUDGE_BTN_NOMINATE if milestone.kind == MilestoneKind.nomination else texts.NUDGE_BTN_SUBMIT
    button = [[action_choice(label, "submit", milestone.id)]]
    items = [Outgoing(f"nudge:{broadcast.id}:{c.id}", c.channel, c.chat_id,
                      OutMessage(nudge_text(campaign, milestone, *aud.owing[c.unit_id], now, tz), choices=button),
                      kind="nudge", contact_id=c.id, broadcast_id=broadcast.id)
             for c in aud.contacts]
    return enqueue_many(session, items)


@command("nhacnho", audience=STAFF, starts_flow=True)
async def nhacnho(ctx: Ctx):
    return await ctx.start_flow(NudgeFlow.name)


@flow
class NudgeFlow(CampaignStaffFlow):
    name, title = "staff_nudge", texts.NUDGE_FLOW_TITLE
    campaign_statuses, no_campaign_text = LAUNCHED, texts.NUDGE_NO_LAUNCHED

    def campaign_chosen(self, ctx: Ctx, data: dict, campaign: Campaign) -> Step:
        data["campaign_id"] = campaign.id
        return self.milestones(ctx, data)

    async def on_milestone(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        if inp.choice == "cancel":
            return done(texts.NUDGE_CANCELLED)
        milestone = chosen_milestone(ctx, data, inp)
        if milestone is None:
            return self.milestones(ctx, data, texts.EXPECT_CHOICE)
        data["milestone_id"] = milestone.id
        return self.preview(ctx, data, milestone)

    async def on_confirm(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        if inp.choice == "cancel":
            ctx.audit("nudge_cancelled", f"milestone:{data.get('milestone_id')}")
            return done(texts.NUDGE_CANCELLED)
        if inp.choice != "send":
            return goto(S.confirm, OutMessage(texts.EXPECT_CHOICE, choices=self.confirm_buttons()))
        campaign = current_campaign(ctx, data)
        milestone = current_milestone(ctx, data)
        if campaign is None or milestone is None or campaign.status not in LAUNCHED:
            return done(texts.PROGRESS_GONE)
        return self.send(ctx, campaign, milestone)

    # ---- steps

    def milestones(self, ctx: Ctx, data: dict, note: str | None = None) -> Step:
        loaded = self.campaign_milestones(ctx, data)
        if isinstance(loaded, Step):
            return loaded
        campaign, milestones = loaded
        labels = [f"{short(m.title, 40)} — {due_text(m, ctx.tz)}" for m in milestones]
        return goto(S.milestone, milestone_menu(milestones, labels, note or texts.PROGRESS_PICK_MILESTONE,
                                                extra=[Choice(texts.NUDGE_BTN_CANCEL, "cancel")]))

    def preview(self, ctx: Ctx, data: dict, milestone: Milestone) -> Step:
        campaign = current_campaign(ctx, data)
        aud = audience(ctx.session, milestone)
        ctx.audit("nudge_previewed", f"milestone:{milestone.id}", units=len(aud.owing), contacts=len(aud.contacts))
        if not aud.owing:
            return done(texts.NUDGE_NOBODY.format(milestone=milestone.title))
        if not aud.contacts:
            return done(texts.NUDGE_NO_RECIPIENT.format(milestone=milestone.title, units=len(aud.owing)))
        sample = nudge_text(campaign, milestone, None, "missing", ctx.now, ctx.tz)
        unreachable = texts.NUDGE_UNREACHABLE.format(n=aud.unreachable_units) if aud.unreachable_units else ""
        text = texts.NUDGE_PREVIEW.format(milestone=milestone.title, units=len(aud.owing), contacts=len(aud.contacts),
                                          unreachable=unreachable, sample=sample)
        return goto(S.confirm, OutMessage(text, choices=self.confirm_buttons()))

    @staticmethod
    def confirm_buttons() -> list[list[Choice]]:
        return [[Choice(texts.NUDGE_BTN_SEND, "send"), Choice(texts.NUDGE_BTN_CANCEL, "cancel")]]

    def send(self, ctx: Ctx, campaign: Campaign, milestone: Milestone) -> Step:
        aud = audience(ctx.session, milestone)  # again: units may have submitted since the preview
        if not aud.contacts:
            return done(texts.NUDGE_NOBODY.format(milestone=milestone.title))
        broadcast = progress_db.create_nudge_broadcast(ctx.session, milestone, ctx.staff.id, ctx.inbound.channel,
                                                       ctx.inbound.chat_id, len(aud.contacts), ctx.now)
        queued = enqueue_nudge(ctx.session, broadcast, campaign, milestone, aud, ctx.now, ctx.tz)
        ctx.audit("nudge_sent", f"milestone:{milestone.id}", broadcast=broadcast.id, units=len(aud.owing),
                  contacts=queued)
        return done(texts.NUDGE_QUEUED.format(queued=queued, units=len({c.unit_id for c in aud.contacts})))
