"""What every console page shares: the templates, the security headers, small parsing helpers."""
from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.responses import HTMLResponse, RedirectResponse

from bot import texts

PREVIEWABLE = ("application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp")
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "SAMEORIGIN",
    "Referrer-Policy": "no-referrer",      # the sign-in link must not leak to another site
    "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self'; "
                               "object-src 'self'; frame-ancestors 'self'; form-action 'self'",
}

_templates = Environment(loader=FileSystemLoader(Path(__file__).parent.parent / "templates"),
                         autoescape=select_autoescape(default=True, default_for_string=True))
_templates.globals.update(t=texts, fmt_date=texts.fmt_date, fmt_datetime=texts.fmt_datetime, zip=zip)


def render(name: str, status: int = 200, **context) -> HTMLResponse:
    html = _templates.get_template(f"console/{name}.html").render(**context)
    return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)


def message(text: str, status: int, title: str = texts.CONSOLE_TITLE, **context) -> HTMLResponse:
    return render("message", status, title=title, text=text, **context)


def as_id(value) -> int:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else 0


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers=SECURITY_HEADERS)
