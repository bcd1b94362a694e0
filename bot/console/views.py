"""The console's routes: sign-in, campaigns, the progress matrix, a submission with its files, the review.

Every page reads the session cookie first (no session: the sign-in hint, or 403 for a form), every form
carries the session's CSRF token, and every id in a path goes through db.console / db.scope, so another
office's campaign or submission answers 404 exactly like one that does not exist. Database work runs in one
short transaction; files are streamed from disk after it has closed.
"""
from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from bot import texts
from bot.console import auth
from bot.console import review as review_op
from bot.console.pages import PREVIEWABLE, SECURITY_HEADERS, as_id, message, render, see_other
from bot.console.exports import Exports
from bot.console.roster import Roster
from bot.console.rounds import Rounds
from db import console as console_db
from db import files as file_store
from db import people, scope
from db.clock import utcnow
from db.engine import session_scope
from handlers import background

PER_PAGE = 100
LAUNCH_REFRESH_S = 5      # a launch under way: the page reloads itself until the last message is out


class Console:
    def __init__(self, cfg: auth.ConsoleConfig):
        self.cfg = cfg

    # ---------------------------------------------------------------------------------- the session

    async def _signed_in(self, request: Request, *, form: bool = False):
        """(session info, form or None) or a Response refusing the request."""
        info = auth.current(request, self.cfg)
        if info is not None:
            with session_scope() as s:   # signed out since, or the staff member deactivated: over
                if not console_db.session_alive(s, info.link_id, info.staff_id):
                    info = None
        if info is None:
            return message(texts.CONSOLE_SIGNED_OUT, 401 if request.method == "GET" else 403)
        data = None
        if form:
            data = await request.form(max_files=0, max_fields=20)
            if not auth.csrf_ok(self.cfg.secret, info, data.get("csrf")):
                return message(texts.CONSOLE_BAD_FORM, 403)
        return info, data

    def _context(self, staff, info: auth.SessionInfo) -> dict:
        return dict(staff=staff, csrf=auth.csrf_token(self.cfg.secret, info), tz=self.cfg.tz)

    # ---------------------------------------------------------------------------------- sign-in

    async def login_page(self, request: Request):
        token = request.path_params["token"]
        with session_scope() as s:
            valid = console_db.link_valid(s, token, utcnow())
        if not valid:
            return message(texts.CONSOLE_LINK_INVALID, 403, title=texts.CONSOLE_SIGN_IN_TITLE)
        # A GET never uses the link: chat apps open links to draw previews. The button's POST does.
        return render("login", title=texts.CONSOLE_SIGN_IN_TITLE)

    async def login(self, request: Request):
        token = request.path_params["token"]
        with session_scope() as s:
            used = console_db.use_link(s, token, utcnow())
            if used is not None:
                staff, link_id = used
                people.audit(s, f"staff:{staff.id}", "console_signed_in", f"staff:{staff.id}")
                staff_id = staff.id
        if used is None:
            return message(texts.CONSOLE_LINK_INVALID, 403, title=texts.CONSOLE_SIGN_IN_TITLE)
        value, _ = auth.new_session(self.cfg.secret, staff_id, link_id)
        response = see_other("/console")
        auth.set_cookie(response, self.cfg, value)
        return response

    async def logout(self, request: Request):
        checked = await self._signed_in(request, form=True)
        if isinstance(checked, Response):
            return checked
        info, _ = checked
        with session_scope() as s:
            console_db.sign_out(s, info.link_id, utcnow())   # the cookie, even if copied, works no more
            people.audit(s, f"staff:{info.staff_id}", "console_signed_out", f"staff:{info.staff_id}")
        response = message(texts.CONSOLE_SIGNED_OUT_DONE, 200)
        auth.clear_cookie(response, self.cfg)
        return response

    # ---------------------------------------------------------------------------------- pages

    async def campaigns(self, request: Request):
        checked = await self._signed_in(request)
        if isinstance(checked, Response):
            return checked
        info, _ = checked
        with session_scope() as s:
            staff = console_db.active_staff(s, info.staff_id)
            if staff is None:
                return message(texts.CONSOLE_SIGNED_OUT, 401)
            return render("campaigns", title=texts.CONSOLE_TITLE, rows=console_db.campaigns(s, staff),
                         **self._context(staff, info))

    async def launches(self, request: Request):
        checked = await self._signed_in(request)
        if isinstance(checked, Response):
            return checked
        info, _ = checked
        with session_scope() as s:
            staff = console_db.active_staff(s, info.staff_id)
            if staff is None:
                return message(texts.CONSOLE_SIGNED_OUT, 401)
            found = console_db.launches_for_staff(s, staff, as_id(request.path_params["campaign_id"]))
            if found is None:
                return message(texts.CONSOLE_NOT_FOUND, 404)
            campaign, launches = found
            return render("launches", title=texts.CONSOLE_LAUNCHES_TITLE.format(title=campaign.title),
                          campaign=campaign, launches=launches, refresh=LAUNCH_REFRESH_S
                          if any(v.broadcast.finished_at is None for v in launches) else None,
                          **self._context(staff, info))

    def _filters(self, request: Request) -> console_db.Filters:
        q = request.query_params
        status = q.get("status") if q.get("status") in console_db.CELL_STATUSES else None
        search = (q.get("q") or "").strip()[:100] or None
        return console_db.Filters(cluster=q.get("cum") or None, level=q.get("cap") or None, status=status,
                                  milestone_id=as_id(q.get("moc")) or None, search=search)

    async def matrix(self, request: Request):
        checked = await self._signed_in(request)
        if isinstance(checked, Response):
            return checked
        info, _ = checked
        filters = self._filters(request)
        with session_scope() as s:
            staff = console_db.active_staff(s, info.staff_id)
            if staff is None:
                return message(texts.CONSOLE_SIGNED_OUT, 401)
            campaign = scope.campaign_for_staff(s, staff, as_id(request.path_params["campaign_id"]))
            if campaign is None:
                return message(texts.CONSOLE_NOT_FOUND, 404)
            m = console_db.matrix(s, campaign, filters, as_id(request.query_params.get("trang")) - 1, PER_PAGE)
            kept = {k: v for k, v in (("cum", filters.cluster), ("cap", filters.level), ("status", filters.status),
                                      ("moc", filters.milestone_id), ("q", filters.search)) if v}
            return render("matrix", title=texts.CONSOLE_MATRIX_TITLE.format(title=campaign.title),
                         campaign=campaign, m=m, f=filters, statuses=console_db.CELL_STATUSES,
                         page_url=lambda n: f"?{urlencode({**kept, 'trang': n})}", **self._context(staff, info))

    def _submission_page(self, s, staff, info, sid: int, status: int = 200, done: str | None = None,
                         told: int = 0, error: str | None = None):
        view = console_db.submission_for_staff(s, staff, sid)
        if view is None:
            return message(texts.CONSOLE_NOT_FOUND, 404)
        notice = None
        if done in review_op.DECISIONS:   # after the redirect of a review (the page's own words, not the URL's)
            template = texts.CONSOLE_DONE_ACCEPTED if done == "accepted" else texts.CONSOLE_DONE_RETURNED
            notice = template.format(unit=view.unit.name, contacts=told)
            if not told:
                notice += " " + texts.CONSOLE_NO_CONTACT
        return render("submission", status, title=texts.CONSOLE_SUBMISSION_TITLE.format(
            unit=view.unit.name, milestone=view.milestone.title), v=view, notice=notice, error=error,
            seen=review_op.seen_marker(view.submission), previewable=PREVIEWABLE,
            **self._context(staff, info))

    async def submission(self, request: Request):
        checked = await self._signed_in(request)
        if isinstance(checked, Response):
            return checked
        info, _ = checked
        q = request.query_params
        with session_scope() as s:
            staff = console_db.active_staff(s, info.staff_id)
            if staff is None:
                return message(texts.CONSOLE_SIGNED_OUT, 401)
            return self._submission_page(s, staff, info, as_id(request.path_params["submission_id"]),
                                         done=q.get("done"), told=as_id(q.get("told")))

    async def review(self, request: Request):
        checked = await self._signed_in(request, form=True)
        if isinstance(checked, Response):
            return checked
        info, form = checked
        sid = as_id(request.path_params["submission_id"])
        with session_scope() as s:
            staff = console_db.active_staff(s, info.staff_id)
            if staff is None:
                return message(texts.CONSOLE_SIGNED_OUT, 403)
            view = console_db.submission_for_staff(s, staff, sid)
            if view is None:
                return message(texts.CONSOLE_NOT_FOUND, 404)
            outcome = review_op.review(s, staff, view.submission, seen=str(form.get("seen", "")),
                                       decision=str(form.get("decision", "")), reason=str(form.get("reason", "")),
                                       tz=self.cfg.tz, settings=self.cfg.settings) if view.latest else \
                review_op.Outcome(False, why="changed")
            if not outcome.done:
                error = texts.CONSOLE_REASON_REQUIRED if outcome.why == "reason" else (
                    texts.CONSOLE_BAD_FORM if outcome.why == "decision" else self._changed(s, view.submission))
                return self._submission_page(s, staff, info, sid, status=409 if outcome.why == "changed" else 400,
                                             error=error)
        background.wake_outbox()   # committed: the notice may go now
        return see_other(f"/console/submissions/{sid}?" + urlencode({"done": form.get("decision"),
                                                                     "told": outcome.told}))

    @staticmethod
    def _changed(s, sub) -> str:
        s.refresh(sub)
        from db.progress import staff_names
        reviewer = staff_names(s, {sub.reviewed_by_staff_id}).get(sub.reviewed_by_staff_id)
        return texts.CONSOLE_CHANGED_MEANWHILE.format(reviewer=reviewer or texts.CONSOLE_SOMEONE,
                                                      status=texts.CONSOLE_STATUS.get(sub.status, sub.status))

    async def file(self, request: Request):
        return await self._send_file(request, lambda s, staff: console_db.file_of_submission(
            s, staff, as_id(request.path_params["submission_id"]), as_id(request.path_params["file_id"])))

    async def _send_file(self, request: Request, find):
        """A stored file that `find(session, staff)` allows (None: 404), streamed from disk after the
        transaction. Only PDFs and plain pictures show in the page; anything else (HTML, SVG...) downloads."""
        checked = await self._signed_in(request)
        if isinstance(checked, Response):
            return checked
        info, _ = checked
        with session_scope() as s:
            staff = console_db.active_staff(s, info.staff_id)
            found = find(s, staff) if staff is not None else None
            if found is not None:
                name, mime = found.original_name, found.mime
                path = file_store.path_for(self.cfg.data_dir, found.sha256)
        if found is None or not path.is_file():
            return message(texts.CONSOLE_NOT_FOUND, 404)
        inline = mime in PREVIEWABLE and request.query_params.get("tai") != "1"
        return FileResponse(path, media_type=mime or "application/octet-stream", filename=name,
                            content_disposition_type="inline" if inline else "attachment",
                            headers={k: v for k, v in SECURITY_HEADERS.items() if k != "Content-Security-Policy"})

    def routes(self) -> list[Route]:
        return [
            Route("/console", self.campaigns, methods=["GET"]),
            Route("/console/login/{token}", self.login_page, methods=["GET"]),
            Route("/console/login/{token}", self.login, methods=["POST"]),
            Route("/console/logout", self.logout, methods=["POST"]),
            Route("/console/campaigns/{campaign_id}", self.matrix, methods=["GET"]),
            Route("/console/campaigns/{campaign_id}/launches", self.launches, methods=["GET"]),
            Route("/console/submissions/{submission_id}", self.submission, methods=["GET"]),
            Route("/console/submissions/{submission_id}/review", self.review, methods=["POST"]),
            Route("/console/submissions/{submission_id}/files/{file_id}", self.file, methods=["GET"]),
            *Rounds(self).routes(),
            *Roster(self).routes(),
            *Exports(self).routes(),
        ]


def console_routes(cfg: auth.ConsoleConfig) -> list[Route]:
    return Console(cfg).routes()
