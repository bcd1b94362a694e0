"""/coquan (staff): what the office's documents print — its name, parent body, place, signer, number prefix.
Every staff member sees it; an admin changes it, one field at a time:

    /coquan                          /coquan chuquan UBND TỈNH BÌNH PHƯỚC
    /coquan chucvu KT. GIÁM ĐỐC | PHÓ GIÁM ĐỐC        ("|" starts a new line of the signer's title)
    /coquan nguoiky xoa              (clears a field)
"""
from __future__ import annotations

from bot import texts
from db import letterhead as store
from db.models import StaffRole
from handlers.choices import fold
from handlers.engine import STAFF, Ctx, command

CLEAR = "xoa"


def show(office) -> str:
    lines = [texts.LETTERHEAD_LINE.format(label=label,
                                          value=(getattr(office, column) or texts.LETTERHEAD_EMPTY_VALUE)
                                          .replace("\n", " | "))
             for label, column in texts.LETTERHEAD_FIELDS.values()]
    lines.append(texts.LETTERHEAD_LINE.format(label=texts.LETTERHEAD_TEMPLATE_LABEL, value=(
        texts.LETTERHEAD_TEMPLATE_DEFAULT if office.template_file_id is None else f"#{office.template_file_id}")))
    return texts.LETTERHEAD_SHOW.format(office=office.name, lines="\n".join(lines), usage=texts.LETTERHEAD_USAGE)


def change(ctx: Ctx, office, field: str, value: str) -> str:
    if ctx.staff.role != StaffRole.admin:
        return texts.LETTERHEAD_ADMIN_ONLY
    entry = texts.LETTERHEAD_FIELDS.get(fold(field))
    if entry is None:
        return texts.LETTERHEAD_UNKNOWN_FIELD.format(field=field)
    label, column = entry
    clear = fold(value) == CLEAR or not value.strip()
    if clear and column == "name":
        return texts.LETTERHEAD_NAME_REQUIRED
    if len(value) > store.MAX_LEN:
        return texts.LETTERHEAD_TOO_LONG.format(limit=store.MAX_LEN)
    # the signer's title is printed a line per part: "KT. GIÁM ĐỐC | PHÓ GIÁM ĐỐC"
    cleaned = None if clear else "\n".join(p.strip() for p in value.split("|") if p.strip())
    if store.set_fields(ctx.session, office, {column: cleaned}):
        ctx.audit("letterhead_changed", f"office:{office.id}", field=column, value=cleaned)
    if clear:
        return texts.LETTERHEAD_CLEARED.format(label=label)
    return texts.LETTERHEAD_SAVED.format(label=label, value=cleaned.replace("\n", " | "))


@command("coquan", STAFF)
async def coquan(ctx: Ctx):
    office = store.office(ctx.session, ctx.staff.office_id if ctx.staff else None)
    if office is None:
        return texts.LETTERHEAD_NO_OFFICE
    field, _, value = (ctx.inbound.args or "").strip().partition(" ")
    if not field:
        return show(office)
    return change(ctx, office, field, value.strip())
