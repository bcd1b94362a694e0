"""Việc cần làm (/viec, menu button "todo"): what the unit still owes, by campaign and due date.

Read-only, so it is allowed in the middle of a flow; there it is shown without "Nộp" buttons, because those
would replace the flow's offered choices (Zalo users type numbers) and would only meet the busy reply anyway.
"""
from __future__ import annotations

from itertools import groupby

from bot import texts
from db import reports
from db.models import MilestoneKind
from handlers import engine, milestone_lines
from handlers.engine import CONTACT, Ctx, action, action_choice, command
from handlers.io import OutMessage
from schedules.planning import days_between

MAX_LINES_PER_CAMPAIGN = 8
MAX_CAMPAIGNS = 6
MAX_BUTTONS = 8
MAX_OFFICE_STEPS = 4
BUTTON_TITLE_CHARS = 28


def _status(ctx: Ctx, item: reports.UnitMilestone) -> str:
    days = texts.days_phrase(days_between(item.milestone.due_at, ctx.now, ctx.tz))
    if item.milestone.kind == MilestoneKind.nomination:
        if item.status == "accepted":
            return texts.TODO_STATUS_NOMINATION_ACCEPTED
        if item.status == "returned":
            return texts.TODO_STATUS_NOMINATION_RETURNED.format(days=days)
        if item.nominations:
            return texts.TODO_STATUS_NOMINATED.format(count=item.nominations)
        return texts.TODO_STATUS_MISSING.format(days=days)
    if item.status == "returned":
        return texts.TODO_STATUS_RETURNED.format(version=item.version, days=days)
    if item.status == "submitted":
        return texts.TODO_STATUS_SUBMITTED.format(version=item.version)
    if item.status == "accepted":
        return texts.TODO_STATUS_ACCEPTED.format(version=item.version)
    return texts.TODO_STATUS_MISSING.format(days=days)


def _line(ctx: Ctx, item: reports.UnitMilestone) -> str:
    due = texts.fmt_date(item.milestone.due_at, ctx.tz)
    if item.is_event:
        days = texts.days_phrase(days_between(item.milestone.due_at, ctx.now, ctx.tz))
        return texts.TODO_EVENT_LINE.format(title=item.milestone.title, due=due, days=days)
    line = texts.TODO_LINE.format(title=item.milestone.title, due=due, status=_status(ctx, item))
    docs = milestone_lines.documents(item.milestone)
    if docs and item.owed:
        line += texts.TODO_DOCUMENTS.format(docs="; ".join(docs))
    if item.status == "returned" and item.comment:
        line += texts.TODO_RETURN_COMMENT.format(comment=item.comment)
    return line


def _relevant(ctx: Ctx, item: reports.UnitMilestone) -> bool:
    """Past events are over: nothing to do about them."""
    return not (item.is_event and days_between(item.milestone.due_at, ctx.now, ctx.tz) < 0)


def _campaign_block(ctx: Ctx, items: list[reports.UnitMilestone]) -> list[str]:
    """One campaign's lines; long lists fold the accepted ones into a count and cut the rest."""
    lines = [texts.TODO_CAMPAIGN.format(title=items[0].campaign.title)]
    accepted = [i for i in items if i.status == "accepted"]
    shown = items
    if len(items) > MAX_LINES_PER_CAMPAIGN and accepted:
        shown = [i for i in items if i.status != "accepted"]
    lines += [_line(ctx, i) for i in shown[:MAX_LINES_PER_CAMPAIGN]]
    if len(shown) > MAX_LINES_PER_CAMPAIGN:
        lines.append(texts.TODO_MORE.format(count=len(shown) - MAX_LINES_PER_CAMPAIGN))
    if shown is not items:
        lines.append(texts.TODO_ACCEPTED_FOLDED.format(count=len(accepted)))
    return lines


def _buttons(ctx: Ctx, owed: list[reports.UnitMilestone]):
    rows = []
    for item in owed[:MAX_BUTTONS]:
        title = item.milestone.title
        title = title if len(title) <= BUTTON_TITLE_CHARS else title[: BUTTON_TITLE_CHARS - 1].rstrip() + "…"
        label = texts.TODO_BTN_SUBMIT.format(title=title, due=texts.fmt_date(item.milestone.due_at, ctx.tz)[:5])
        rows.append([action_choice(label, "submit", item.milestone.id)])
    return rows


def _urgency(group: list[reports.UnitMilestone]):
    """Campaigns with something owed first, by their earliest owed due date."""
    owed = [i.milestone.due_at for i in group if i.owed]
    return (0, min(owed)) if owed else (1, min(i.milestone.due_at for i in group))


def todo_message(ctx: Ctx) -> OutMessage:
    unit = ctx.unit
    items = [i for i in reports.unit_milestones(ctx.session, unit.id) if _relevant(ctx, i)]
    if not items:
        return OutMessage(texts.TODO_NOTHING.format(unit=unit.name))
    lines = [texts.TODO_HEADER.format(unit=unit.name, at=texts.fmt_datetime(ctx.now, ctx.tz))]
    by_campaign = [list(g) for _, g in groupby(sorted(items, key=lambda i: i.campaign.id), key=lambda i: i.campaign.id)]
    by_campaign.sort(key=_urgency)
    for group in by_campaign[:MAX_CAMPAIGNS]:
        lines += _campaign_block(ctx, group)
    if len(by_campaign) > MAX_CAMPAIGNS:
        lines.append(texts.TODO_MORE_CAMPAIGNS.format(count=len(by_campaign) - MAX_CAMPAIGNS))
    steps = reports.office_steps(ctx.session, unit.id, ctx.now)[:MAX_OFFICE_STEPS]
    if steps:
        lines += [texts.TODO_INFO_HEAD] + [milestone_lines.for_units(m, ctx.tz) for _, m in steps]
    owed = sorted((i for i in items if i.owed), key=lambda i: (i.milestone.due_at, i.milestone.id))
    lines.append(texts.TODO_OWED_COUNT.format(count=len(owed)) if owed else texts.TODO_ALL_DONE)
    if ctx.conv.flow:
        flow = engine.FLOWS.get(ctx.conv.flow)
        lines.append(texts.TODO_IN_FLOW.format(flow=flow.title if flow else ctx.conv.flow))
        return OutMessage("\n".join(lines))
    return OutMessage("\n".join(lines), choices=_buttons(ctx, owed))


@command("viec", CONTACT)
async def viec_command(ctx: Ctx):
    return todo_message(ctx)


@action("todo", CONTACT)
async def todo_action(ctx: Ctx):
    return todo_message(ctx)
