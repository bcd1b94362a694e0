"""/web: a staff member asks for a one-time link that signs them in to the staff console in a browser."""
from __future__ import annotations

from bot import texts
from bot.console import LINK_TTL, sign_in_url
from db import console as console_db
from handlers.engine import STAFF, Ctx, command
from handlers.io import OutMessage


@command("web", audience=STAFF)
async def web(ctx: Ctx):
    token = console_db.create_link(ctx.session, ctx.staff.id, ctx.now, LINK_TTL)
    ctx.audit("console_link_sent", f"staff:{ctx.staff.id}", channel=ctx.inbound.channel)
    public_url = getattr(ctx.settings, "thidua_public_url", None) or "http://127.0.0.1:8080"
    url = sign_in_url(public_url, token)
    minutes = int(LINK_TTL.total_seconds() // 60)
    # The address is in the text (chat apps make it clickable); a button would only repeat it.
    return OutMessage(texts.WEB_LINK_SENT.format(minutes=minutes, url=url))
