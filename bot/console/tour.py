"""The demo's visit to the console: sign in with the link /web sent, as a browser would, and read the pages."""
from __future__ import annotations

import html
import re

import httpx

from bot import texts


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


async def visit(login_url: str) -> list[str]:
    """Transcript lines: the console's address, who is signed in, each campaign's matrix in one line."""
    base = login_url.split("/console/", 1)[0]
    lines = [texts.CONSOLE_DEMO_ADDRESS.format(url=f"{base}/console")]
    async with httpx.AsyncClient(base_url=base, follow_redirects=False, timeout=10) as web:
        signed_in = await web.post(login_url.removeprefix(base))
        if signed_in.status_code != 303:
            return lines + [texts.CONSOLE_LINK_INVALID]
        home = (await web.get("/console")).text
        who = _text(re.search(r"<span>(.*?)</span>", home).group(1))
        lines.append(texts.CONSOLE_DEMO_SIGNED_IN.format(who=who))
        for campaign_id in dict.fromkeys(re.findall(r'href="/console/campaigns/(\d+)"', home)):
            page = (await web.get(f"/console/campaigns/{campaign_id}")).text
            title = _text(re.search(r"<h1>(.*?)</h1>", page).group(1))
            showing = re.search(r'id="showing">(.*?)<', page)
            lines.append(texts.CONSOLE_DEMO_MATRIX.format(title=title, showing=_text(showing.group(1)) if showing
                                                          else texts.CONSOLE_MATRIX_EMPTY))
    return lines
