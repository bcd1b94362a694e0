"""/start (with or without an invite token), /help and the main menu."""
from __future__ import annotations

from dataclasses import asdict

from bot import texts
from db import invites, people, reports
from handlers.engine import ANYONE, Ctx, action, action_choice, command
from handlers.io import OutMessage


def main_menu(text: str) -> OutMessage:
    return OutMessage(text, choices=[
        [action_choice(texts.MENU_SUBMIT, "submit"), action_choice(texts.MENU_NOMINATE, "nominate")],
        [action_choice(texts.MENU_TODO, "todo"), action_choice(texts.MENU_HELP, "help")],
    ])


def greeting(ctx: Ctx) -> OutMessage:
    if ctx.staff:
        office = people.office(ctx.session, ctx.staff.office_id)
        return OutMessage(texts.WELCOME_BACK_STAFF.format(name=ctx.staff.name, office=office.name if office else texts.OFFICE_FALLBACK)
                          + "\n\n" + texts.HELP_STAFF)
    if ctx.contact:
        return main_menu(texts.WELCOME_BACK_CONTACT.format(unit=ctx.unit.name))
    return OutMessage(texts.WELCOME_UNBOUND)


@command("start", ANYONE)
async def start(ctx: Ctx):
    token = ctx.inbound.args.strip()
    if not token:
        return greeting(ctx)
    if ctx.conv.flow:
        return OutMessage(texts.BUSY_IN_FLOW.format(flow=ctx.conv.flow))
    inp = ctx.inbound
    gate = invites.attempt_gate(ctx.session, inp.channel, inp.chat_id, ctx.now)
    if not gate.open:   # too many wrong codes: one message saying until when, then silence (no audit, no reply)
        if not gate.tell:
            return []
        invites.record_cooling_off(ctx.session, ctx.actor, inp.channel, inp.chat_id, gate.retry_at, ctx.now)
        return OutMessage(texts.INVITE_COOLING_OFF.format(
            at=texts.fmt_datetime(gate.retry_at, ctx.tz), minutes=int(invites.ATTEMPT_WINDOW.total_seconds() // 60)))
    result = invites.redeem(ctx.session, token, channel=inp.channel, user_id=inp.user_id, chat_id=inp.chat_id,
                            display_name=inp.display_name, now=ctx.now)
    if not result.ok:
        unit_name = result.unit.name if result.unit else ""
        invites.record_refusal(ctx.session, ctx.actor, inp.channel, inp.chat_id, result.reason, ctx.now)
        return OutMessage(texts.INVITE_PROBLEMS[result.reason].format(unit=unit_name))
    if result.staff:
        ctx.staff = result.staff
        ctx.audit("staff_bound", f"staff:{result.staff.id}")
        return OutMessage(texts.STAFF_BOUND.format(name=result.staff.name))
    if result.reason == "already":
        return main_menu(texts.ALREADY_BOUND.format(unit=result.unit.name))
    ctx.contact = result.contact
    ctx.audit("contact_bound", f"unit:{result.unit.id}", contact=result.contact.id)
    return main_menu(texts.BOUND.format(unit=result.unit.name, code=result.unit.code))


def help_text(ctx: Ctx) -> OutMessage:
    if ctx.staff:
        return OutMessage(texts.HELP_STAFF)
    if ctx.contact:
        return main_menu(texts.HELP_CONTACT.format(unit=ctx.unit.name))
    return OutMessage(texts.HELP_UNBOUND)


@command("help", ANYONE)
async def help_command(ctx: Ctx):
    return help_text(ctx)


@action("help", ANYONE)
async def help_button(ctx: Ctx):
    return help_text(ctx)


@command("_default", ANYONE)
async def fallback(ctx: Ctx):
    """Text outside any flow: unbound chats get told how to bind; Zalo users may type an invite code."""
    text = ctx.inbound.text or ""
    if ctx.contact is None and ctx.staff is None:
        if invites.looks_like_code(text):  # Zalo has no deep links: people type the code (only that counts)
            ctx.inbound.args = text
            return await start(ctx)
        return OutMessage(texts.NOT_BOUND)
    if ctx.staff:
        return OutMessage(texts.HELP_STAFF)
    if ctx.inbound.files:   # a file sent straight to the bot: it is a submission; ask where it goes
        return await ctx.start_flow("submit_report", pending_files=[asdict(f) for f in ctx.inbound.files])
    forwarding = getattr(ctx.settings, "thidua_forward_questions", False) if ctx.settings else False
    if forwarding and text.strip():
        from handlers.questions import forward_question
        told = forward_question(ctx, text)
        if told:
            return main_menu(texts.QUESTION_SENT.format(count=told, contact=office_contact(ctx)))
    return main_menu(texts.FREE_TEXT_REPLY.format(contact=office_contact(ctx)))


def office_contact(ctx: Ctx) -> str:
    """Who the school should ask: the contact its plans name, else the configured one, else its office."""
    named = [_contact_line(c) for c in reports.plan_contacts(ctx.session, ctx.contact.unit_id)]
    named = [line for line in dict.fromkeys(named) if line]
    if named:
        return "; ".join(named)
    configured = getattr(ctx.settings, "thidua_office_contact", None) if ctx.settings else None
    return configured or texts.FREE_TEXT_OFFICE_FALLBACK


def _contact_line(contact: dict) -> str:
    return " — ".join(str(contact[k]).strip() for k in ("name", "phone", "email") if contact.get(k))
