"""/thongbao (staff): choose to hear of each submission, nomination and newly bound school, hourly, or not."""
from __future__ import annotations

from bot import texts
from db import staff_news
from handlers.engine import STAFF, Ctx, action, action_choice, command
from handlers.io import OutMessage


def settings_message(ctx: Ctx, *before: str) -> OutMessage:
    text = texts.NEWS_SETTINGS.format(mode=texts.NEWS_MODES[ctx.staff.notify])
    buttons = [[action_choice(texts.NEWS_BTN[m], "news", m) for m in ("each", "hourly", "off")]]
    return OutMessage("\n\n".join([*before, text]), choices=buttons)


@command("thongbao", STAFF)
async def thongbao(ctx: Ctx):
    return settings_message(ctx)


@action("news", STAFF)
async def set_news(ctx: Ctx):
    mode = (ctx.inbound.args or "").strip()
    if mode not in staff_news.MODES:
        return settings_message(ctx)
    staff_news.set_mode(ctx.session, ctx.staff, mode, ctx.now)
    ctx.audit("staff_news_set", f"staff:{ctx.staff.id}", mode=mode)
    return OutMessage(texts.NEWS_SET.format(mode=texts.NEWS_MODES[mode]))
