"""Offering the one-time upload page: for Zalo (no documents) and for Telegram files over 20 MB."""
from __future__ import annotations

from bot import texts
from bot.links import upload_url
from handlers.engine import Ctx
from handlers.io import Link


def upload_link(ctx: Ctx) -> Link:
    s = ctx.settings
    url = upload_url(s.thidua_public_url, s.signing_secret, ctx.inbound.channel, ctx.inbound.chat_id)
    return Link(texts.UPLOAD_LINK_LABEL, url)


def needs_upload_page(ctx: Ctx) -> bool:
    """Zalo cannot send documents at all; Telegram can, up to 20 MB."""
    return not ctx.inbound.has_buttons
