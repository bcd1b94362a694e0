"""Offering the one-time upload page: for Zalo (no documents) and for Telegram files over 20 MB."""
from __future__ import annotations

from bot import texts
from bot.links import upload_url
from handlers.engine import Ctx
from handlers.io import IncomingFile, Link

UPLOAD_REF = "upload:"                      # IncomingFile.ref of a file that came through the upload page
CHAT_FILE_LIMIT = 20 * 1024 * 1024          # what a Telegram bot can download
UPLOAD_PAGE_LIMIT = 50 * 1024 * 1024        # what the upload page accepts


def upload_link(ctx: Ctx) -> Link:
    s = ctx.settings
    url = upload_url(s.thidua_public_url, s.signing_secret, ctx.inbound.channel, ctx.inbound.chat_id)
    return Link(texts.UPLOAD_LINK_LABEL, url)


def needs_upload_page(ctx: Ctx) -> bool:
    """Zalo cannot send documents at all; Telegram can, up to 20 MB."""
    return not ctx.inbound.has_buttons


def max_file_bytes(f: IncomingFile) -> int:
    return UPLOAD_PAGE_LIMIT if f.ref.startswith(UPLOAD_REF) else CHAT_FILE_LIMIT
