"""The console's roster: the office's units with their contacts and reachability; for an admin, a roster
upload (.xlsx / .csv, read and reported row by row exactly as `thidua units import`), printable invitations
(`thidua units invite`'s files, zipped) and revoking a school's open invites.

Another office's school is never changed: a roster row whose code belongs to one is refused in the report.
Files are read and written outside any transaction (in a worker thread); the database work is short.
"""
from __future__ import annotations

import asyncio
import io
import shutil
import tempfile
import zipfile
from pathlib import Path

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route

from bot import texts
from bot.console.pages import SECURITY_HEADERS, as_id, message, render, see_other
from bot.roster import RosterError, RowProblem
from db import console as console_db
from db import invites, people
from db import units as unit_ops
from db.clock import utcnow
from db.engine import session_scope
from db.models import StaffRole

PER_PAGE = 100
INVITE_DAYS, INVITE_USES = 30, 3     # as `thidua units invite`


class Roster:
    def __init__(self, console):
        self.console = console
        self.cfg = console.cfg

    def _staff(self, s, info):
        return console_db.active_staff(s, info.staff_id)

    async def page(self, request: Request, report: list[str] | None = None, error: str | None = None,
                   status: int = 200):
        checked = await self.console._signed_in(request)
        if isinstance(checked, Response):
            return checked
        info, _ = checked
        q = request.query_params
        search = (q.get("q") or "").strip()[:100] or None
        with session_scope() as s:
            staff = self._staff(s, info)
            if staff is None:
                return message(texts.CONSOLE_SIGNED_OUT, 401)
            rows, total, page = console_db.roster(s, staff, search, as_id(q.get("trang")) - 1, PER_PAGE, utcnow())
            return render("roster", status, title=texts.CONSOLE_ROSTER_TITLE, rows=rows, total=total, page=page,
                          pages=max(1, -(-total // PER_PAGE)), search=search, report=report, error=error,
                          admin=staff.role == StaffRole.admin, **self.console._context(staff, info))

    async def _admin(self, request: Request, *, form: bool):
        """(staff id, session info, form) of a signed-in admin with a valid CSRF token, or a refusal."""
        checked = await self.console._signed_in(request, form=form)
        if isinstance(checked, Response):
            return checked
        info, data = checked
        with session_scope() as s:
            staff = self._staff(s, info)
            if staff is None:
                return message(texts.CONSOLE_SIGNED_OUT, 403)
            if staff.role != StaffRole.admin:
                return message(texts.CONSOLE_ROSTER_ADMIN_ONLY, 403)
            return staff.id, info, data

    # ---------------------------------------------------------------------------------- import

    async def upload(self, request: Request):
        from bot.console import auth
        from bot.web import _Refused, receive_upload
        info = auth.current(request, self.cfg)
        # A file form: its CSRF token rides in the query string (the body is streamed to disk as it comes).
        if info is not None and not auth.csrf_ok(self.cfg.secret, info, request.query_params.get("csrf")):
            return message(texts.CONSOLE_BAD_FORM, 403)
        checked = await self._admin(request, form=False)   # no session, signed out, not an admin: refused
        if isinstance(checked, Response):
            return checked
        staff_id = checked[0]
        folder = Path(tempfile.mkdtemp(prefix="thidua-roster-"))
        try:
            try:
                part = await receive_upload(request, folder, limit=10 * 1024 * 1024)
            except _Refused as refused:
                return await self.page(request, error=refused.text, status=refused.status)
            except ClientDisconnect:
                return Response(status_code=400)
            # openpyxl goes by the file's extension: the upload gets its own name's back
            named = part.path.rename(folder / f"roster{Path(part.name).suffix.lower()[:8]}")
            try:
                from schedules.documents import UnreadableDocument, read_roster_document
                roster = await asyncio.to_thread(read_roster_document, named, part.name, part.mime)
            except (RosterError, UnreadableDocument) as problem:
                return await self.page(request, error=str(problem), status=400)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        report = self._import(staff_id, part.name, roster)
        return await self.page(request, report=report)

    @staticmethod
    def _import(staff_id: int, name: str, roster) -> list[str]:
        from bot.cli_units import import_lines
        with session_scope() as s:
            staff = console_db.active_staff(s, staff_id)
            foreign = console_db.foreign_codes(s, staff, [r.code for r in roster.rows])
            if foreign:   # another office's schools: refused row by row, the others go in
                kept = [r for r in roster.rows if r.code not in foreign]
                roster.rejected = sorted(roster.rejected + [
                    RowProblem(r.row, [texts.CONSOLE_ROSTER_FOREIGN_CODE.format(code=r.code)])
                    for r in roster.rows if r.code in foreign], key=lambda p: p.row)
                roster.rows = kept
            office = people.office(s, staff.office_id)
            report = unit_ops.upsert_units(s, roster.rows, staff.office_id)
            people.audit(s, f"staff:{staff.id}", "units_imported", name, added=len(report.added),
                         updated=len(report.updated), unchanged=len(report.unchanged),
                         rejected=len(roster.rejected), via="console")
            return import_lines(name, roster, report, office, False)

    # ---------------------------------------------------------------------------------- invitations

    async def invite(self, request: Request):
        checked = await self._admin(request, form=True)
        if isinstance(checked, Response):
            return checked
        staff_id, _, form = checked
        codes = [c for c in str(form.get("codes", "")).replace(",", " ").split() if c] or None
        from bot.cli_units import _new_invite
        from bot.invite_sheet import bot_username
        username = bot_username(getattr(self.cfg.settings, "telegram_bot_username", None))
        with session_scope() as s:
            staff = console_db.active_staff(s, staff_id)
            chosen = console_db.roster_units(s, staff, codes)
            if not chosen:
                return await self.page(request, error=texts.CONSOLE_ROSTER_NO_UNITS, status=400)
            if form.get("replace"):
                for u in chosen:
                    invites.revoke_for_unit(s, u.id)
            started = utcnow()
            lines = [_new_invite(s, u, username, INVITE_DAYS, INVITE_USES) for u in chosen]
            invite_ids = console_db.invites_since(s, [u.id for u in chosen], started)
            people.audit(s, f"staff:{staff.id}", "invites_created", " ".join(codes) if codes else "*",
                         count=len(lines), days=INVITE_DAYS, max_uses=INVITE_USES, via="console")
        try:   # the QR codes, the list and the letters: after the commit, in a worker thread
            data = await asyncio.to_thread(_invite_zip, lines, self.cfg.tz)
        except Exception:
            with session_scope() as s:   # no files: the links nobody received are taken back
                console_db.revoke_invites(s, invite_ids, utcnow())
            raise
        stamp = f"{texts.local(utcnow(), self.cfg.tz):%Y%m%d-%H%M}"
        headers = {**SECURITY_HEADERS, "Content-Disposition": f'attachment; filename="loi-moi-{stamp}.zip"'}
        return Response(data, media_type="application/zip", headers=headers)

    async def revoke(self, request: Request):
        checked = await self._admin(request, form=True)
        if isinstance(checked, Response):
            return checked
        staff_id, _, form = checked
        code = str(form.get("code", "")).strip()
        with session_scope() as s:
            staff = console_db.active_staff(s, staff_id)
            found = console_db.roster_units(s, staff, [code]) if code else []
            if not found:
                return message(texts.CONSOLE_NOT_FOUND, 404)
            unit = found[0]
            count = invites.revoke_for_unit(s, unit.id)
            people.audit(s, f"staff:{staff.id}", "invites_revoked", f"unit:{unit.id}", count=count, via="console")
        return see_other(f"/console/roster?q={unit.code}")

    def routes(self) -> list[Route]:
        return [
            Route("/console/roster", self.page, methods=["GET"]),
            Route("/console/roster/import", self.upload, methods=["POST"]),
            Route("/console/roster/invites", self.invite, methods=["POST"]),
            Route("/console/roster/revoke", self.revoke, methods=["POST"]),
        ]


def _invite_zip(lines, tz) -> bytes:
    from bot.cli_units import _write_files
    folder = Path(tempfile.mkdtemp(prefix="thidua-invites-"))
    try:
        _write_files(lines, folder, tz)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    z.write(path, path.relative_to(folder).as_posix())
        return buffer.getvalue()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
