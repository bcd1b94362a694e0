"""A school's free-text question, forwarded to staff when the office turned it on (THIDUA_FORWARD_QUESTIONS),
and answered from chat: «Trả lời» on the forwarded message, type the answer, the school gets it.

Staff see and answer only questions from their office's schools (db.scope's rule).
"""
from __future__ import annotations

from enum import StrEnum

from bot import texts
from db import people, scope
from db import reminders as reminder_store
from db.models import Contact
from db.outbox import Outgoing
from handlers.engine import STAFF, Ctx, Flow, Step, action, action_choice, done, flow, goto
from handlers.io import OutMessage

MAX_QUESTION = 1000


def forward_question(ctx: Ctx, text: str) -> int:
    """Queue the question to every started staff member who may see the unit; returns how many."""
    unit = ctx.unit
    question = " ".join(text.split())[:MAX_QUESTION]
    staff = [s for s in reminder_store.digest_recipients(ctx.session)
             if scope.office_allows(s.office_id, unit.office_id)]
    key = f"question:{ctx.inbound.channel}:{ctx.inbound.update_key}"
    for st in staff:
        ctx.notify(Outgoing(f"{key}:{st.id}", st.channel, st.chat_id, OutMessage(
            texts.QUESTION_FORWARDED.format(unit=unit.name, who=ctx.contact.display_name or "", text=question),
            choices=[[action_choice(texts.QUESTION_BTN_ANSWER, "answer", ctx.contact.id)]]), kind="notice"))
    ctx.audit("question_forwarded", f"contact:{ctx.contact.id}", staff=len(staff))
    return len(staff)


def _contact_for(ctx: Ctx, value) -> Contact | None:
    contact = ctx.session.get(Contact, int(value)) if str(value or "").isdigit() else None
    unit = people.unit(ctx.session, contact.unit_id) if contact else None
    if contact is None or unit is None or not scope.office_allows(ctx.staff.office_id, unit.office_id):
        return None
    return contact


class S(StrEnum):
    answer = "answer"


@action("answer", STAFF, starts_flow=True)
async def answer_button(ctx: Ctx):
    return await ctx.start_flow(AnswerQuestion.name, contact_id=(ctx.inbound.args or "").strip())


@flow
class AnswerQuestion(Flow):
    name, title, audience = "answer_question", texts.QUESTION_FLOW_TITLE, STAFF

    async def begin(self, ctx: Ctx, data: dict, contact_id: str = "", **_) -> Step:
        contact = _contact_for(ctx, contact_id)
        if contact is None:
            return done(texts.QUESTION_GONE)
        data["contact_id"] = contact.id
        return goto(S.answer, texts.QUESTION_ASK_ANSWER.format(unit=people.unit(ctx.session, contact.unit_id).name))

    async def on_answer(self, ctx: Ctx, data: dict, inp) -> Step:
        contact = _contact_for(ctx, data.get("contact_id"))
        if contact is None:
            return done(texts.QUESTION_GONE)
        answer = (inp.text or "").strip()
        if not answer or len(answer) > MAX_QUESTION:
            return goto(S.answer, texts.QUESTION_ANSWER_BAD.format(max=MAX_QUESTION))
        ctx.notify(Outgoing(f"answer:{ctx.inbound.channel}:{ctx.inbound.update_key}", contact.channel,
                            contact.chat_id, OutMessage(texts.QUESTION_ANSWER_TO_SCHOOL.format(text=answer)),
                            kind="notice", contact_id=contact.id, priority=0))
        ctx.audit("question_answered", f"contact:{contact.id}")
        return done(texts.QUESTION_ANSWER_SENT.format(unit=people.unit(ctx.session, contact.unit_id).name))
