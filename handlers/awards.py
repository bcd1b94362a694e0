"""/hinhthuc (staff): award forms as data — list, add, stop using, use again. The law changes; the code need not.

    /hinhthuc
    /hinhthuc them Giấy khen của Chủ tịch UBND xã | cả hai | Chủ tịch UBND cấp xã
    /hinhthuc tat 5      /hinhthuc bat 5
"""
from __future__ import annotations

from bot import texts
from db import nominations
from db.models import AwardForm
from handlers.choices import fold
from handlers.engine import STAFF, Ctx, command

WHO = {"tap the": (True, False), "ca nhan": (False, True), "ca hai": (True, True)}


def award_line(f: AwardForm) -> str:
    authority = f" ({f.authority})" if f.authority else ""
    return texts.AWARD_LINE.format(mark="✅" if f.active else "⛔", id=f.id, name=f.name,
                                   who=texts.AWARD_WHO[(f.for_collective, f.for_individual)], authority=authority)


def listing(ctx: Ctx) -> str:
    forms = nominations.award_forms(ctx.session, active_only=False)
    return "\n".join([texts.AWARD_LIST_HEADER.format(count=len(forms))] + [award_line(f) for f in forms]) \
        + texts.AWARD_LIST_HELP


def add(ctx: Ctx, rest: str) -> str:
    parts = [p.strip() for p in rest.split("|")]
    if len(parts) < 2 or not parts[0]:
        return texts.AWARD_ADD_USAGE
    who = WHO.get(fold(parts[1]))
    if who is None:
        return texts.AWARD_BAD_WHO
    row = nominations.add_award_form(ctx.session, parts[0], for_collective=who[0], for_individual=who[1],
                                     authority=parts[2] if len(parts) > 2 else None)
    if row is None:
        return texts.AWARD_EXISTS.format(name=parts[0])
    ctx.audit("award_form_added", f"award_form:{row.id}", name=row.name)
    return texts.AWARD_ADDED.format(id=row.id, name=row.name, who=texts.AWARD_WHO[who])


def switch(ctx: Ctx, key: str, active: bool) -> str:
    row = nominations.set_award_form_active(ctx.session, key.strip(), active)
    if row is None:
        return texts.AWARD_NOT_FOUND.format(key=key.strip())
    ctx.audit("award_form_enabled" if active else "award_form_disabled", f"award_form:{row.id}", name=row.name)
    return (texts.AWARD_ENABLED if active else texts.AWARD_DISABLED).format(name=row.name)


@command("hinhthuc", STAFF)
async def hinhthuc(ctx: Ctx):
    verb, _, rest = (ctx.inbound.args or "").strip().partition(" ")
    verb = fold(verb)
    if verb == "them":
        return add(ctx, rest)
    if verb in ("tat", "bat"):
        return switch(ctx, rest, active=verb == "bat")
    return listing(ctx)
