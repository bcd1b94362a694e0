"""/dscu (staff): nominations per campaign and period, paged; open one, Duyệt / Trả lại; export .xlsx / .docx.

Every decision and export is audited; the unit's contacts hear of a decision through the outbox.
"""
from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from bot import texts
from db import campaigns, council, nominations, people, scope
from db import reminders as reminder_store
from db.models import Campaign, Milestone, Nomination, NominationStatus
from db.outbox import Outgoing
from handlers.engine import STAFF, Ctx, Flow, Step, action_choice, command, done, flow, goto
from handlers.io import Choice, OutFile, OutMessage
from handlers.nomination_export import export_message

PAGE_SIZE = 8
MAX_COMMENT = 1000


class S(StrEnum):
    campaign = "campaign"
    period = "period"
    list = "list"
    detail = "detail"
    comment = "comment"
    board = "board"


def _visible_campaigns(ctx: Ctx) -> list[Campaign]:
    """Campaigns with nomination periods that this staff member may see (db.scope decides)."""
    return scope.nomination_campaigns_for_staff(ctx.session, ctx.staff)


def _type_label(n: Nomination) -> str:
    return texts.NOMINATION_TYPE_LABELS.get(n.nominee_type, n.nominee_type)


def _status_label(status: str) -> str:
    return texts.STATUS_LABELS.get(status, status)


def _unit_name(ctx: Ctx, unit_id: int) -> str:
    unit = people.unit(ctx.session, unit_id)
    return unit.name if unit else str(unit_id)


@flow
class NominationReviewFlow(Flow):
    name, title, audience = "nomination_review", texts.NOMINATION_REVIEW_TITLE, STAFF

    async def begin(self, ctx: Ctx, data: dict, **_) -> Step:
        found = _visible_campaigns(ctx)
        if not found:
            return done(texts.NOMINATION_REVIEW_NO_CAMPAIGNS)
        if len(found) == 1:
            return self._ask_period(ctx, data, found[0].id)
        return goto(S.campaign, OutMessage(texts.NOMINATION_REVIEW_PICK_CAMPAIGN,
                                           choices=[[Choice(c.title, str(c.id))] for c in found]))

    async def handle(self, ctx: Ctx, state: str, data: dict, inp) -> Step:
        if ctx.staff is None:  # staff rights withdrawn since the flow began
            return done(texts.STAFF_ONLY)
        return await super().handle(ctx, state, data, inp)

    async def on_campaign(self, ctx: Ctx, data: dict, inp) -> Step:
        ids = {str(c.id) for c in _visible_campaigns(ctx)}
        if inp.choice not in ids:
            return goto(S.campaign, texts.EXPECT_CHOICE)
        return self._ask_period(ctx, data, int(inp.choice))

    def _ask_period(self, ctx: Ctx, data: dict, campaign_id: int) -> Step:
        data["campaign_id"] = campaign_id
        periods = nominations.nomination_milestones(ctx.session, campaign_id)
        if len(periods) == 1:
            return self._open_period(ctx, data, periods[0].id)
        buttons = [[Choice(texts.NOMINATION_REVIEW_PERIOD_BUTTON.format(
            label=nominations.period_label(m), count=len(nominations.for_milestone(ctx.session, m.id))), str(m.id))]
            for m in periods]
        title = campaigns.get(ctx.session, campaign_id).title
        return goto(S.period, OutMessage(texts.NOMINATION_REVIEW_PICK_PERIOD.format(campaign=title), choices=buttons))

    async def on_period(self, ctx: Ctx, data: dict, inp) -> Step:
        if scope.campaign_for_staff(ctx.session, ctx.staff, data.get("campaign_id")) is None:
            return done(texts.NOMINATION_REVIEW_GONE)
        m = scope.nomination_period_for_staff(ctx.session, ctx.staff, data.get("campaign_id"), inp.choice)
        if m is None:
            return goto(S.period, texts.EXPECT_CHOICE)
        return self._open_period(ctx, data, m.id)

    def _open_period(self, ctx: Ctx, data: dict, milestone_id: int) -> Step:
        data["milestone_id"], data["page"] = milestone_id, 0
        return self._list(ctx, data)

    # --- the paged list

    def _period(self, ctx: Ctx, data: dict) -> Milestone | None:
        """The period kept in the flow's data, re-checked at every step (db.scope)."""
        return scope.nomination_period_for_staff(ctx.session, ctx.staff, data.get("campaign_id"),
                                                 data.get("milestone_id"))

    def _list(self, ctx: Ctx, data: dict, *before: OutMessage | str) -> Step:
        m = self._period(ctx, data)
        if m is None:
            return done(*before, texts.NOMINATION_REVIEW_GONE)
        campaign = campaigns.get(ctx.session, m.campaign_id).title
        rows = nominations.for_milestone(ctx.session, m.id)
        pages = max(1, -(-len(rows) // PAGE_SIZE))
        data["page"] = page = min(max(0, data.get("page", 0)), pages - 1)
        shown = rows[page * PAGE_SIZE:(page + 1) * PAGE_SIZE]
        if not rows:
            text = texts.NOMINATION_REVIEW_EMPTY.format(period=nominations.period_label(m), campaign=campaign)
        else:
            lines = [texts.NOMINATION_REVIEW_LINE.format(
                n=page * PAGE_SIZE + i + 1, unit=_unit_name(ctx, n.unit_id), name=n.nominee_name, type=_type_label(n),
                status=_status_label(n.status), reference=n.reference) for i, n in enumerate(shown)]
            text = texts.NOMINATION_REVIEW_LIST.format(period=nominations.period_label(m), campaign=campaign,
                                                       page=page + 1, pages=pages, total=len(rows), lines="\n".join(lines))
        text += "\n" + self._round_line(ctx, m)
        closed = m.closed_at is not None
        return goto(S.list, *before, OutMessage(text, choices=self._list_buttons(shown, page, pages, closed)))

    def _round_line(self, ctx: Ctx, m: Milestone) -> str:
        state = nominations.round_state(m, campaigns.get(ctx.session, m.campaign_id), ctx.now, ctx.tz)
        return texts.NOMINATION_REVIEW_ROUND_STATE[state].format(due=texts.fmt_date(m.due_at, ctx.tz))

    def _list_buttons(self, shown: list[Nomination], page: int, pages: int, closed: bool) -> list[list[Choice]]:
        numbers = [Choice(str(page * PAGE_SIZE + i + 1), f"o:{n.id}") for i, n in enumerate(shown)]
        rows = [numbers[i:i + 4] for i in range(0, len(numbers), 4)]
        nav = ([Choice(texts.NOMINATION_REVIEW_BTN_PREV, "prev")] if page > 0 else []) + (
            [Choice(texts.NOMINATION_REVIEW_BTN_NEXT, "next")] if page < pages - 1 else [])
        return rows + ([nav] if nav else []) + [
            [Choice(texts.NOMINATION_REVIEW_BTN_BOARD, "board")],
            [Choice(texts.NOMINATION_REVIEW_BTN_XLSX, "xlsx"), Choice(texts.NOMINATION_REVIEW_BTN_DOCX, "docx"),
             Choice(texts.OFFICE_DOC_BTN_PROPOSAL, "proposal")],
            [Choice(texts.NOMINATION_REVIEW_BTN_UNLOCK if closed else texts.NOMINATION_REVIEW_BTN_LOCK,
                    "unlock" if closed else "lock"), Choice(texts.NOMINATION_REVIEW_BTN_CLOSE, "close")]]

    async def on_list(self, ctx: Ctx, data: dict, inp) -> Step:
        choice = inp.choice or ""
        if choice == "close":
            return done(texts.NOMINATION_REVIEW_CLOSED)
        if self._period(ctx, data) is None:
            return done(texts.NOMINATION_REVIEW_GONE)
        if choice in ("prev", "next"):
            data["page"] = data.get("page", 0) + (1 if choice == "next" else -1)
            return self._list(ctx, data)
        if choice in ("xlsx", "docx", "proposal"):
            return self._list(ctx, data, export_message(ctx, self._period(ctx, data), choice))
        if choice == "board":
            return self._board(ctx, data, council.BY_CLUSTER)
        if choice in ("lock", "unlock"):
            return self._list(ctx, data, self._lock(ctx, data, choice == "lock"))
        n = self._nomination(ctx, data, choice.removeprefix("o:")) if choice.startswith("o:") else None
        if n is None:
            return self._list(ctx, data)
        return self._detail(ctx, data, n)

    def _nomination(self, ctx: Ctx, data: dict, value: str) -> Nomination | None:
        return scope.nomination_for_staff(ctx.session, ctx.staff, value, data.get("campaign_id"),
                                          data.get("milestone_id"))

    # --- one nomination

    def _detail(self, ctx: Ctx, data: dict, n: Nomination, note: str | None = None) -> Step:
        data["nomination_id"] = n.id
        evidence = [] if note else nominations.files_of(ctx.session, n.id)   # after a change: no resend
        if not note:
            ctx.audit("nomination_opened", f"nomination:{n.id}")
        replies = [OutMessage(note)] if note else []
        if evidence:
            replies.append(OutMessage(texts.NOMINATION_REVIEW_EVIDENCE.format(reference=n.reference, count=len(evidence)),
                                      files=[OutFile(f.id, f.original_name) for f in evidence]))
        buttons = [[Choice(texts.NOMINATION_REVIEW_BTN_ACCEPT, "accept"), Choice(texts.NOMINATION_REVIEW_BTN_RETURN, "return")],
                   [Choice(texts.NOMINATION_REVIEW_BTN_BACK, "back")]]
        if n.status == NominationStatus.accepted:
            forwarded = n.forwarded_at is not None
            buttons.insert(1, [Choice(texts.NOMINATION_REVIEW_BTN_UNFORWARD if forwarded
                                      else texts.NOMINATION_REVIEW_BTN_FORWARD, "unforward" if forwarded else "forward")])
        file_count = len(evidence) if not note else len(nominations.files_of(ctx.session, n.id))
        replies.append(OutMessage(self._detail_text(ctx, n, file_count), choices=buttons))
        return goto(S.detail, *replies)

    def _detail_text(self, ctx: Ctx, n: Nomination, file_count: int) -> str:
        none = texts.NOMINATION_NONE
        review = ""
        if n.reviewed_at:
            comment = f" — {n.review_comment}" if n.review_comment else ""
            review = texts.NOMINATION_REVIEW_DETAIL_REVIEWED.format(at=texts.fmt_datetime(n.reviewed_at, ctx.tz),
                                                                    comment=comment)
        collective = n.nominee_type == "collective"
        return texts.NOMINATION_REVIEW_DETAIL.format(
            reference=n.reference, status=_status_label(n.status), unit=_unit_name(ctx, n.unit_id),
            period=n.period_label or "", type=_type_label(n),
            name_label=texts.NOMINATION_NAME_LABEL_COLLECTIVE if collective else texts.NOMINATION_NAME_LABEL_INDIVIDUAL,
            name=n.nominee_name, position=n.position or none, nominee_unit=n.nominee_unit or none,
            position_label=texts.NOMINATION_POSITION_LABELS.get(n.nominee_type, texts.NOMINATION_POSITION_LABELS["individual"]),
            achievements=n.achievements, innovation=n.innovation or none, award=n.award_form or none,
            files=file_count, at=texts.fmt_datetime(n.submitted_at, ctx.tz), review=review) + (
            texts.NOMINATION_REVIEW_DETAIL_FORWARDED.format(at=texts.fmt_datetime(n.forwarded_at, ctx.tz))
            if n.forwarded_at else "") + self._amends_line(ctx, n)

    @staticmethod
    def _amends_line(ctx: Ctx, n: Nomination) -> str:
        """Staff see the version this one corrects, and why it was returned."""
        old = nominations.get(ctx.session, n.amends_id) if n.amends_id else None
        if old is None:
            return ""
        return texts.NOMINATION_REVIEW_DETAIL_AMENDS.format(reference=old.reference,
                                                            comment=old.review_comment or texts.NOMINATION_NONE)

    async def on_detail(self, ctx: Ctx, data: dict, inp) -> Step:
        n = self._nomination(ctx, data, str(data.get("nomination_id")))
        if inp.choice == "back" or n is None:
            return self._list(ctx, data)
        if n.status == NominationStatus.withdrawn:
            return self._list(ctx, data, texts.NOMINATION_REVIEW_WITHDRAWN.format(reference=n.reference))
        if inp.choice == "accept":
            return self._list(ctx, data, self._decide(ctx, n, NominationStatus.accepted, None))
        if inp.choice in ("forward", "unforward"):
            return self._forward(ctx, data, n, inp.choice == "forward")
        if inp.choice == "return":
            return goto(S.comment, texts.NOMINATION_REVIEW_ASK_COMMENT.format(reference=n.reference))
        return self._detail(ctx, data, n)

    async def on_comment(self, ctx: Ctx, data: dict, inp) -> Step:
        comment = (inp.text or "").strip()
        if not comment or len(comment) > MAX_COMMENT:
            return goto(S.comment, texts.NOMINATION_REVIEW_COMMENT_EMPTY)
        n = self._nomination(ctx, data, str(data.get("nomination_id")))
        if n is None or n.status == NominationStatus.withdrawn:  # withdrawn while the comment was typed
            return self._list(ctx, data, texts.NOMINATION_REVIEW_WITHDRAWN.format(reference=n.reference if n else ""))
        return self._list(ctx, data, self._decide(ctx, n, NominationStatus.returned, comment))

    def _decide(self, ctx: Ctx, n: Nomination, status: str, comment: str | None) -> str:
        nominations.set_status(ctx.session, n, status, now=ctx.now, staff_id=ctx.staff.id, comment=comment)
        ctx.audit("nomination_reviewed", f"nomination:{n.id}", status=status, comment=comment)
        told = self._tell_unit(ctx, n)
        return texts.NOMINATION_REVIEW_DONE.format(verb=texts.NOMINATION_REVIEW_VERBS[status], reference=n.reference,
                                                   count=told)

    def _tell_unit(self, ctx: Ctx, n: Nomination) -> int:
        m = ctx.session.get(Milestone, n.milestone_id)
        if n.status == NominationStatus.accepted:
            text = texts.NOMINATION_REVIEW_NOTICE_ACCEPTED.format(reference=n.reference, name=n.nominee_name,
                                                                  period=n.period_label)
        else:
            text = texts.NOMINATION_REVIEW_NOTICE_RETURNED.format(
                reference=n.reference, name=n.nominee_name, period=n.period_label, comment=n.review_comment,
                due=texts.fmt_date(m.due_at, ctx.tz))
        contacts = campaigns.contacts_of_unit(ctx.session, n.unit_id)
        amend = ([[action_choice(texts.NOMINATION_AMEND_BTN, "amend", n.id)]]
                 if n.status == NominationStatus.returned else [])
        for c in contacts:
            decided = n.reviewed_at.isoformat() if n.reviewed_at else "-"   # each decision is told once
            ctx.notify(Outgoing(f"nomreview:{n.id}:{n.status}:{decided}:{c.id}", c.channel, c.chat_id,
                                OutMessage(text, choices=amend), kind="review", contact_id=c.id))
        return len(contacts)

    # --- bình xét: by cụm or cấp học, and what goes upward

    def _board(self, ctx: Ctx, data: dict, by: str) -> Step:
        m = self._period(ctx, data)
        if m is None:
            return done(texts.NOMINATION_REVIEW_GONE)
        data["board_by"] = by
        groups = council.board(ctx.session, m, by)
        ctx.audit("nomination_board_viewed", f"milestone:{m.id}", by=by)
        text = board_text(groups, by, nominations.period_label(m), campaigns.get(ctx.session, m.campaign_id).title)
        other = (council.BY_LEVEL, texts.NOMINATION_BOARD_BTN_BY_LEVEL) if by == council.BY_CLUSTER else (
            council.BY_CLUSTER, texts.NOMINATION_BOARD_BTN_BY_CLUSTER)
        return goto(S.board, OutMessage(text, choices=[[Choice(other[1], other[0])],
                                                       [Choice(texts.NOMINATION_REVIEW_BTN_BACK, "back")]]))

    async def on_board(self, ctx: Ctx, data: dict, inp) -> Step:
        if inp.choice in (council.BY_CLUSTER, council.BY_LEVEL):
            return self._board(ctx, data, inp.choice)
        if inp.choice == "back":
            return self._list(ctx, data)
        return self._board(ctx, data, data.get("board_by", council.BY_CLUSTER))

    def _forward(self, ctx: Ctx, data: dict, n: Nomination, forward: bool) -> Step:
        if n.status != NominationStatus.accepted:
            return self._detail(ctx, data, n, texts.NOMINATION_REVIEW_FORWARD_ONLY_ACCEPTED)
        if council.set_forwarded(ctx.session, n, forward, ctx.now):
            ctx.audit("nomination_forwarded" if forward else "nomination_unforwarded", f"nomination:{n.id}")
        said = texts.NOMINATION_REVIEW_FORWARDED if forward else texts.NOMINATION_REVIEW_UNFORWARDED
        return self._detail(ctx, data, n, said.format(reference=n.reference, name=n.nominee_name))

    # --- closing a round

    def _lock(self, ctx: Ctx, data: dict, close: bool) -> str:
        """Close the round (no more entries, pending reminders cancelled) or open it again."""
        m = self._period(ctx, data)
        period = nominations.period_label(m)
        if (m.closed_at is not None) == close:   # pressed twice, or by a colleague meanwhile
            return texts.NOMINATION_REVIEW_LOCKED_ALREADY if close else texts.NOMINATION_REVIEW_UNLOCKED.format(
                period=period)
        nominations.set_round_closed(ctx.session, m, close, ctx.now)
        cancelled = 0
        if close:
            everything_queued = ctx.now + timedelta(seconds=1)
            cancelled = reminder_store.cancel_queued_before(ctx.session, m.id, everything_queued, "round_closed")
        ctx.audit("nomination_round_closed" if close else "nomination_round_reopened", f"milestone:{m.id}",
                  cancelled=cancelled)
        if close:
            return texts.NOMINATION_REVIEW_LOCKED.format(period=period, cancelled=cancelled)
        return texts.NOMINATION_REVIEW_UNLOCKED.format(period=period)

@command("dscu", STAFF, starts_flow=True)
async def dscu(ctx: Ctx):
    return await ctx.start_flow("nomination_review")


def board_text(groups: list[council.Group], by: str, period: str, campaign: str) -> str:
    lines = [texts.NOMINATION_BOARD_HEAD[by].format(period=period, campaign=campaign)]
    n = 0
    for g in groups:
        lines.append(texts.NOMINATION_BOARD_GROUP.format(name=g.name or texts.NOMINATION_BOARD_UNNAMED[by],
                                                         accepted=len(g.entries), quota=g.quota, units=g.units))
        if not g.entries:
            lines.append(texts.NOMINATION_BOARD_NONE)
        for e in g.entries:
            n += 1
            lines.append(texts.NOMINATION_BOARD_LINE.format(
                n=n, unit=e.unit.name, name=e.nomination.nominee_name, type=_type_label(e.nomination),
                mark=texts.NOMINATION_BOARD_MARK if e.forwarded else ""))
    lines.append(texts.NOMINATION_BOARD_FOOT.format(count=sum(g.forwarded for g in groups)))
    return "\n".join(lines)
