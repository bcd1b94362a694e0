"""/nhachan (staff): view and edit a campaign's automatic reminder policy.

Offsets are typed the way people speak about them: "7,3,1,0,-1,-3" = 7, 3 and 1 days BEFORE the deadline,
on the day (0), 1 and 3 days AFTER it (stored with the opposite sign: Campaign.reminder_policy counts days
from the deadline, negative before). "tắt" turns automatic reminders off. Every change is saved at once and
audited; the next reminder tick follows it (its fingerprint of the policy changed).
"""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, time, timedelta, timezone

from bot import texts
from db import reminders as store
from db import scope
from handlers.choices import fold
from handlers.engine import STAFF, Ctx, Flow, command, done, flow, goto
from handlers.io import Choice, OutMessage
from schedules.planning import MAX_OFFSET_DAYS, ReminderPolicy
from schedules import workdays
from schedules.reminders import policy_of
from schedules.vndates import parse_user_date

HOLIDAYS_AHEAD_DAYS = 120   # the public holidays /nhachan lists: the next four months'

MAX_OFFSETS = 10
EDITABLE = ("draft", "launched")
OFF_WORDS = {"tat", "khong", "off"}
_NUMBER = re.compile(r"^[+-]?\d+$")
_HOUR = re.compile(r"^(\d{1,2})\s*(?:(?::|h|gio)\s*(\d{2})?)?\s*(?:phut)?$")


# ------------------------------------------------------------------------------------ typed formats

def parse_offsets(text: str) -> tuple[int, ...] | None:
    """"7,3,1,0,-1,-3" -> (-7, -3, -1, 0, 1, 3) in the stored sign; "tắt" -> (); None if unreadable."""
    folded = fold(text or "")
    if folded in OFF_WORDS:
        return ()
    parts = [p for p in re.split(r"[,;\s]+", folded) if p]
    if not parts or len(parts) > MAX_OFFSETS or not all(_NUMBER.match(p) for p in parts):
        return None
    days_before = [int(p) for p in parts]
    if any(abs(d) > MAX_OFFSET_DAYS for d in days_before):
        return None
    return tuple(sorted({-d for d in days_before}))


def format_offsets_typed(offsets: tuple[int, ...]) -> str:
    """The typed form of stored offsets, earliest first: (-7, 0, 3) -> "7,0,-3"."""
    return ",".join(str(-o) for o in sorted(offsets)) or texts.REMINDER_POLICY_OFF_WORD


def parse_hour(text: str) -> time | None:
    match = _HOUR.match(fold(text or ""))
    if not match:
        return None
    hour, minute = int(match[1]), int(match[2] or 0)
    return time(hour, minute) if hour <= 23 and minute <= 59 else None


def describe_offsets(offsets: tuple[int, ...]) -> str:
    if not offsets:
        return texts.REMINDER_POLICY_OFF
    before = [-o for o in offsets if o < 0]
    after = [o for o in offsets if o > 0]
    parts = []
    if before:
        parts.append(texts.REMINDER_POLICY_DAYS_BEFORE.format(days=", ".join(map(str, before))))
    if 0 in offsets:
        parts.append(texts.REMINDER_POLICY_ON_DAY)
    if after:
        parts.append(texts.REMINDER_POLICY_DAYS_AFTER.format(days=", ".join(map(str, after))))
    return "; ".join(parts)


def describe_holidays(policy: ReminderPolicy, today: date) -> str:
    if not policy.skip_holidays:
        return texts.REMINDER_POLICY_HOLIDAYS_SEND
    upcoming = workdays.public_holidays_between(today, today + timedelta(days=HOLIDAYS_AHEAD_DAYS))[:4]
    if not upcoming:
        return texts.REMINDER_POLICY_HOLIDAYS_SKIP_NONE
    return texts.REMINDER_POLICY_HOLIDAYS_SKIP.format(upcoming=", ".join(
        texts.REMINDER_POLICY_HOLIDAY_ITEM.format(day=f"{d:%d/%m}", name=name) for d, name in upcoming))


def describe_days_off(days: tuple[date, ...]) -> str:
    return ", ".join(f"{d:%d/%m/%Y}" for d in days) if days else texts.REMINDER_POLICY_NO_DAYS_OFF


def parse_days_off(text: str, today: date) -> tuple[date, ...] | None:
    """'26/3, 27/3/2027' -> dates; 'không' -> none; None when any part is not a date."""
    if fold(text) in ("khong", "xoa", "xoa het", "0"):
        return ()
    parts = [p for p in re.split(r"[,;\n]+", text) if p.strip()]
    try:
        return tuple(parse_user_date(p, today=today) for p in parts) if parts else None
    except ValueError:
        return None


def describe(campaign, policy: ReminderPolicy, today: date) -> str:
    text = texts.REMINDER_POLICY_SHOW.format(
        campaign=campaign.title, offsets=describe_offsets(policy.offsets_days), send_at=_hhmm(policy.send_at),
        quiet_start=_hhmm(policy.quiet_start), quiet_end=_hhmm(policy.quiet_end),
        weekends=texts.REMINDER_POLICY_WEEKENDS_SKIP if policy.skip_weekends else texts.REMINDER_POLICY_WEEKENDS_SEND,
        holidays=describe_holidays(policy, today), days_off=describe_days_off(policy.days_off),
    )
    if not _stored_is_valid(campaign):
        text += "\n" + texts.REMINDER_POLICY_BROKEN
    return text


def _stored_is_valid(campaign) -> bool:
    try:
        ReminderPolicy.from_json(campaign.reminder_policy)
        return True
    except (ValueError, TypeError):
        return False


def _hhmm(t: time) -> str:
    return f"{t.hour:02d}:{t.minute:02d}"


# ------------------------------------------------------------------------------------------- the flow

@command("nhachan", STAFF, starts_flow=True)
async def reminder_policy_command(ctx: Ctx):
    return await ctx.start_flow("reminder_policy")


@flow
class ReminderPolicyFlow(Flow):
    name = "reminder_policy"
    title = texts.REMINDER_POLICY_TITLE
    audience = STAFF

    async def begin(self, ctx: Ctx, data: dict, campaign_id: int | None = None, **_):
        if campaign_id is not None:
            return self._pick(ctx, data, str(campaign_id))
        campaigns = scope.campaigns_for_staff(ctx.session, ctx.staff, EDITABLE)
        if not campaigns:
            return done(texts.REMINDER_POLICY_NO_CAMPAIGNS)
        if len(campaigns) == 1:
            return self._pick(ctx, data, str(campaigns[0].id))
        return goto("pick", OutMessage(texts.REMINDER_POLICY_PICK,
                                       choices=[[Choice(c.title, str(c.id))] for c in campaigns]))

    async def on_pick(self, ctx: Ctx, data: dict, inp):
        if inp.choice is None:
            return goto("pick", texts.EXPECT_CHOICE)
        return self._pick(ctx, data, inp.choice)

    async def on_menu(self, ctx: Ctx, data: dict, inp):
        campaign = self._campaign(ctx, data)
        if campaign is None:
            return done(texts.REMINDER_POLICY_GONE)
        policy = policy_of(campaign)
        if inp.choice == "offsets":
            return goto("offsets", texts.REMINDER_POLICY_ASK_OFFSETS.format(
                max=MAX_OFFSETS, current=format_offsets_typed(policy.offsets_days)))
        if inp.choice == "hour":
            return goto("hour", texts.REMINDER_POLICY_ASK_HOUR.format(current=_hhmm(policy.send_at)))
        if inp.choice == "weekends":
            return self._save(ctx, data, campaign, replace(policy, skip_weekends=not policy.skip_weekends))
        if inp.choice == "holidays":
            return self._save(ctx, data, campaign, replace(policy, skip_holidays=not policy.skip_holidays))
        if inp.choice == "days_off":
            return goto("days_off", texts.REMINDER_POLICY_ASK_DAYS_OFF.format(
                current=describe_days_off(policy.days_off)))
        if inp.choice == "done":
            return done(texts.REMINDER_POLICY_CLOSED)
        return goto("menu", texts.EXPECT_CHOICE, self._menu(ctx, campaign, policy))

    async def on_offsets(self, ctx: Ctx, data: dict, inp):
        campaign = self._campaign(ctx, data)
        if campaign is None:
            return done(texts.REMINDER_POLICY_GONE)
        offsets = parse_offsets(inp.text or "")
        if offsets is None:
            return goto("offsets", texts.REMINDER_POLICY_BAD_OFFSETS.format(
                text=inp.text or "", max=MAX_OFFSETS, limit=MAX_OFFSET_DAYS))
        return self._save(ctx, data, campaign, replace(policy_of(campaign), offsets_days=offsets))

    async def on_hour(self, ctx: Ctx, data: dict, inp):
        campaign = self._campaign(ctx, data)
        if campaign is None:
            return done(texts.REMINDER_POLICY_GONE)
        policy, at = policy_of(campaign), parse_hour(inp.text or "")
        if at is None:
            return goto("hour", texts.REMINDER_POLICY_BAD_HOUR.format(text=inp.text or ""))
        if policy.is_quiet_time(at):
            return goto("hour", texts.REMINDER_POLICY_QUIET_HOUR.format(
                time=_hhmm(at), quiet_start=_hhmm(policy.quiet_start), quiet_end=_hhmm(policy.quiet_end)))
        return self._save(ctx, data, campaign, replace(policy, send_at=at))

    async def on_days_off(self, ctx: Ctx, data: dict, inp):
        campaign = self._campaign(ctx, data)
        if campaign is None:
            return done(texts.REMINDER_POLICY_GONE)
        days = parse_days_off(inp.text or "", _today(ctx))
        if days is None:
            return goto("days_off", texts.REMINDER_POLICY_BAD_DAYS_OFF.format(text=inp.text or ""))
        return self._save(ctx, data, campaign, replace(policy_of(campaign), days_off=days))

    # --- helpers

    def _pick(self, ctx: Ctx, data: dict, value: str):
        campaign = scope.campaign_for_staff(ctx.session, ctx.staff, value, EDITABLE)
        if campaign is None:
            return done(texts.REMINDER_POLICY_GONE)
        data["campaign_id"] = campaign.id
        return goto("menu", self._menu(ctx, campaign, policy_of(campaign)))

    def _campaign(self, ctx: Ctx, data: dict):
        """Re-checked at every step: the campaign may have closed, or the staff member lost the office."""
        return scope.campaign_for_staff(ctx.session, ctx.staff, data.get("campaign_id"), EDITABLE)

    def _save(self, ctx: Ctx, data: dict, campaign, policy: ReminderPolicy):
        before = campaign.reminder_policy
        store.save_policy(ctx.session, campaign, policy.to_json())
        ctx.audit("reminder_policy_changed", f"campaign:{campaign.id}", before=before, after=policy.to_json())
        return goto("menu", texts.REMINDER_POLICY_SAVED, self._menu(ctx, campaign, policy))

    def _menu(self, ctx: Ctx, campaign, policy: ReminderPolicy) -> OutMessage:
        return OutMessage(describe(campaign, policy, _today(ctx)), choices=[
            [Choice(texts.REMINDER_POLICY_EDIT_OFFSETS, "offsets")],
            [Choice(texts.REMINDER_POLICY_EDIT_HOUR, "hour")],
            [Choice(texts.REMINDER_POLICY_TOGGLE_WEEKENDS, "weekends")],
            [Choice(texts.REMINDER_POLICY_TOGGLE_HOLIDAYS, "holidays")],
            [Choice(texts.REMINDER_POLICY_EDIT_DAYS_OFF, "days_off")],
            [Choice(texts.REMINDER_POLICY_DONE, "done")],
        ])


def _today(ctx: Ctx) -> date:
    return ctx.now.replace(tzinfo=timezone.utc).astimezone(ctx.tz).date()
