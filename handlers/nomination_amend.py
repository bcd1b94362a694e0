"""A returned nomination amended in place: the school presses «Sửa đề cử» on the office's notice, finds every
field and the evidence filled in from the returned one, changes only what the office asked for, and sends it
again. The returned nomination stays as it was (history); the new one says which it amends, so staff see the
versions. The states are the nomination flow's own (the summary, «Sửa», the confirmation).
"""
from __future__ import annotations

from bot import texts
from db import nominations
from db.models import Nomination, NominationStatus
from handlers.engine import CONTACT, Ctx, Step, action, done, flow
from handlers.io import OutMessage
from handlers.nominate import NominateFlow, _round_for_unit


def prefill(ctx: Ctx, n: Nomination) -> dict:
    """The flow data of a new nomination that repeats `n`: its fields and its evidence files (not copied)."""
    evidence = [{"stored_file_id": f.id, "sha256": f.sha256, "size": f.size, "name": f.original_name,
                 "mime": f.mime} for f in nominations.files_of(ctx.session, n.id)]
    return {"unit_id": ctx.contact.unit_id, "campaign_id": n.campaign_id, "milestone_id": n.milestone_id,
            "type": n.nominee_type, "name": n.nominee_name, "position": n.position, "unit": n.nominee_unit or "",
            "achievements": n.achievements, "innovation": n.innovation, "award": n.award_form,
            "files": evidence, "amends_id": n.id}


@flow
class AmendNomination(NominateFlow):
    name, title, audience = "nominate_amend", texts.NOMINATION_AMEND_TITLE, CONTACT

    async def begin(self, ctx: Ctx, data: dict, nomination_id: int | None = None, **_) -> Step:
        n = nominations.get(ctx.session, nomination_id) if nomination_id else None
        if n is None or n.unit_id != ctx.contact.unit_id:
            return done(texts.NOMINATION_AMEND_UNKNOWN)
        if n.status != NominationStatus.returned:
            return done(texts.NOMINATION_AMEND_NOT_RETURNED.format(reference=n.reference))
        newer = nominations.live_amendment(ctx.session, n.id)
        if newer is not None:
            return done(texts.NOMINATION_AMEND_ALREADY.format(reference=n.reference, new=newer.reference))
        _, refusal = _round_for_unit(ctx, n.milestone_id)
        if refusal:
            return done(refusal)
        data.update(prefill(ctx, n))
        step = self._ask_confirm(ctx, data)
        step.replies.insert(0, OutMessage(texts.NOMINATION_AMEND_START.format(
            reference=n.reference, name=n.nominee_name, comment=n.review_comment or texts.NOMINATION_NONE)))
        return step


@action("amend", CONTACT, starts_flow=True)
async def amend_button(ctx: Ctx):
    """"g|amend|<nomination id>" on the office's "trả lại" notice; begin() re-checks everything."""
    arg = (ctx.inbound.args or "").strip()
    return await ctx.start_flow(AmendNomination.name, nomination_id=int(arg) if arg.isdigit() else None)
