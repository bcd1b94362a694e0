"""The console's nomination round: entries grouped by cụm, approve or return (the school is told in chat),
mark forwarded upward, and the round's documents (Excel, Word, tờ trình) — the operations /dscu runs.

Decisions go through handlers.nomination_review.NominationReviewFlow with the same Ctx a chat step gets, so
the status change, its audit and the notice to the unit's contacts are /dscu's own, in one transaction.
"""
from __future__ import annotations

import asyncio
from datetime import datetime
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot import texts
from bot.console.pages import SECURITY_HEADERS, as_id, message, render, see_other
from db import campaigns as campaign_ops
from db import console as console_db
from db import people
from db import council, nominations
from db.clock import utcnow
from db.engine import session_scope
from db.models import Nomination, NominationStatus
from db.outbox import enqueue_many
from handlers import background
from handlers.flow import Ctx
from handlers.nomination_export import round_document_off_loop
from handlers.nomination_review import MAX_COMMENT, NominationReviewFlow

DECISIONS = ("accepted", "returned", "forward", "unforward")
EXPORTS = ("xlsx", "docx", "proposal")


def _iso(dt: datetime | None) -> str:
    return dt.isoformat() if dt else ""


def seen_marker(n: Nomination) -> str:
    return f"{n.status}|{_iso(n.reviewed_at)}|{_iso(n.forwarded_at)}"


def decide(session, staff, n: Nomination, decision: str, reason: str, tz, settings) -> str | None:
    """None when done, else why it was refused. Runs in the caller's transaction."""
    ctx = Ctx(given_session=session, inbound=None, conv=None, contact=None, staff=staff, tz=tz, now=utcnow(),
              settings=settings)
    if n.status == NominationStatus.withdrawn:
        return texts.NOMINATION_REVIEW_WITHDRAWN.format(reference=n.reference)
    if decision in ("forward", "unforward"):
        if n.status != NominationStatus.accepted:
            return texts.NOMINATION_REVIEW_FORWARD_ONLY_ACCEPTED
        forward = decision == "forward"
        if council.set_forwarded(session, n, forward, ctx.now):
            ctx.audit("nomination_forwarded" if forward else "nomination_unforwarded", f"nomination:{n.id}")
        return None
    reason = reason.strip()
    if decision == "returned" and (not reason or len(reason) > MAX_COMMENT):
        return texts.NOMINATION_REVIEW_COMMENT_EMPTY
    NominationReviewFlow()._decide(ctx, n, decision, reason if decision == "returned" else None)
    enqueue_many(session, ctx._notifications)
    return None


class Rounds:
    def __init__(self, console):
        self.console = console
        self.cfg = console.cfg

    @staticmethod
    def _notice(s, view, q) -> str | None:
        """After a decision's redirect: what was done, in the page's own words (the URL only names it)."""
        decision, nid = q.get("ok"), as_id(q.get("n"))
        entry = next((e for g in view.groups for e in g.entries if e.nomination.id == nid), None)
        if entry is None or decision not in DECISIONS:
            return None
        n = entry.nomination
        if decision in ("forward", "unforward"):
            said = texts.NOMINATION_REVIEW_FORWARDED if decision == "forward" else texts.NOMINATION_REVIEW_UNFORWARDED
            return said.format(reference=n.reference, name=n.nominee_name)
        if n.status != decision:
            return None
        return texts.NOMINATION_REVIEW_DONE.format(verb=texts.NOMINATION_REVIEW_VERBS[decision], reference=n.reference,
                                                   count=len(campaign_ops.contacts_of_unit(s, n.unit_id)))

    async def page(self, request: Request, status: int = 200):
        checked = await self.console._signed_in(request)
        if isinstance(checked, Response):
            return checked
        info, _ = checked
        with session_scope() as s:
            staff = console_db.active_staff(s, info.staff_id)
            if staff is None:
                return message(texts.CONSOLE_SIGNED_OUT, 401)
            view = console_db.round_for_staff(s, staff, as_id(request.path_params["campaign_id"]),
                                              as_id(request.path_params["milestone_id"]))
            if view is None:
                return message(texts.CONSOLE_NOT_FOUND, 404)
            m, campaign = view.milestone, view.campaign
            state = nominations.round_state(m, campaign, utcnow(), self.cfg.tz)
            return render("round", status, title=texts.CONSOLE_ROUND_TITLE.format(
                period=nominations.period_label(m), campaign=campaign.title), v=view,
                state=texts.NOMINATION_REVIEW_ROUND_STATE[state].format(due=texts.fmt_date(m.due_at, self.cfg.tz)),
                notice=self._notice(s, view, request.query_params), seen=seen_marker,
                **self.console._context(staff, info))

    async def review(self, request: Request):
        checked = await self.console._signed_in(request, form=True)
        if isinstance(checked, Response):
            return checked
        info, form = checked
        decision = str(form.get("decision", ""))
        with session_scope() as s:
            staff = console_db.active_staff(s, info.staff_id)
            n = console_db.nomination_for_staff(s, staff, as_id(request.path_params["nomination_id"])) \
                if staff is not None else None
            if n is None:
                return message(texts.CONSOLE_NOT_FOUND, 404)
            back = f"/console/campaigns/{n.campaign_id}/rounds/{n.milestone_id}"
            if decision not in DECISIONS:
                return message(texts.CONSOLE_BAD_FORM, 400)
            if seen_marker(n) != form.get("seen"):
                return message(texts.CONSOLE_ROUND_CHANGED, 409, back=back)
            error = decide(s, staff, n, decision, str(form.get("reason", "")), self.cfg.tz, self.cfg.settings)
            if error:
                return message(error, 400, back=back)
            nid = n.id
        background.wake_outbox()   # committed: the notice to the school may go now
        return see_other(f"{back}?{urlencode({'ok': decision, 'n': nid})}#n{nid}")

    async def export(self, request: Request):
        checked = await self.console._signed_in(request, form=True)
        if isinstance(checked, Response):
            return checked
        info, form = checked
        kind = str(form.get("kind", ""))
        with session_scope() as s:
            staff = console_db.active_staff(s, info.staff_id)
            view = console_db.round_for_staff(s, staff, as_id(request.path_params["campaign_id"]),
                                              as_id(request.path_params["milestone_id"])) if staff else None
            if view is None:
                return message(texts.CONSOLE_NOT_FOUND, 404)
            if kind not in EXPORTS:
                return message(texts.CONSOLE_BAD_FORM, 400)
            staff_id, office_id, milestone_id = staff.id, staff.office_id, view.milestone.id
        local = texts.local(utcnow(), self.cfg.tz)
        # seconds for hundreds of nominees: in a worker thread, its read session closed before the build;
        # the office's own Word template, as /dscu
        doc = await asyncio.to_thread(round_document_off_loop, milestone_id, kind, f"{local:%Y%m%d_%H%M}",
                                      office_id, self.cfg.data_dir)
        if doc is None:
            return message(texts.NOMINATION_EXPORT_EMPTY, 404)
        with session_scope() as s:
            people.audit(s, f"staff:{staff_id}", "nominations_exported", f"milestone:{milestone_id}",
                         format=kind, count=doc.count, via="console")
        headers = {**SECURITY_HEADERS, "Content-Disposition": f'attachment; filename="{doc.name}"'}
        return Response(doc.data, media_type=doc.mime, headers=headers)

    async def file(self, request: Request):
        return await self.console._send_file(request, lambda s, staff: console_db.nomination_file(
            s, staff, as_id(request.path_params["nomination_id"]), as_id(request.path_params["file_id"])))

    def routes(self) -> list[Route]:
        return [
            Route("/console/campaigns/{campaign_id}/rounds/{milestone_id}", self.page, methods=["GET"]),
            Route("/console/campaigns/{campaign_id}/rounds/{milestone_id}/export", self.export, methods=["POST"]),
            Route("/console/nominations/{nomination_id}/review", self.review, methods=["POST"]),
            Route("/console/nominations/{nomination_id}/files/{file_id}", self.file, methods=["GET"]),
        ]
