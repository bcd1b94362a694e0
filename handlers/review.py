"""/duyet: staff open a unit's latest submission, see its files, and accept it or return it with a comment.

The unit's contacts are told through the outbox; a returned submission is owed again (the "Nộp lại" button
starts the contact's submit flow). Ids from buttons are re-checked against the chosen campaign and
milestone, and a review is recorded only if nobody changed the submission since it was shown.
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from bot import texts
from db import nominations
from db import campaigns as campaign_ops
from db import people
from db import progress as progress_db
from db import scope
from db import submissions as sub_ops
from db.models import Campaign, Submission, SubmissionStatus
from db.outbox import Outgoing
from handlers.engine import STAFF, Ctx, Step, action_choice, command, done, flow, goto
from handlers.io import Choice, Inbound, OutFile, OutMessage
from handlers.progress import (CampaignStaffFlow, chosen_milestone, current_milestone,
                               days_left, due_text, milestone_menu, page_label, pager, parse_id, short, turn_page)

PER_PAGE = 10
ACCEPTED, RETURNED, SUBMITTED = SubmissionStatus.accepted, SubmissionStatus.returned, SubmissionStatus.submitted


class S(StrEnum):
    campaign = "campaign"
    milestone = "milestone"
    queue = "queue"
    decide = "decide"
    confirm = "confirm"
    comment = "comment"


@command("duyet", audience=STAFF, starts_flow=True)
async def duyet(ctx: Ctx):
    return await ctx.start_flow(ReviewFlow.name)


def status_word(status: str) -> str:
    return texts.EXPORT_STATUS.get(status, status)


@flow
class ReviewFlow(CampaignStaffFlow):
    name, title = "staff_review", texts.REVIEW_FLOW_TITLE

    def campaign_chosen(self, ctx: Ctx, data: dict, campaign: Campaign) -> Step:
        data["campaign_id"] = campaign.id
        return self.milestones(ctx, data, skip_single=True)

    async def on_milestone(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        if inp.choice == "done":
            return done(texts.REVIEW_CLOSED)
        milestone = chosen_milestone(ctx, data, inp)
        if milestone is None:
            return self.milestones(ctx, data, note=texts.EXPECT_CHOICE)
        data.update(milestone_id=milestone.id, page=0, show_all=False)
        return self.queue(ctx, data)

    async def on_queue(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        choice = inp.choice
        if choice == "done":
            return done(texts.REVIEW_CLOSED)
        if choice == "back":
            return self.milestones(ctx, data)
        if choice == "toggle":
            data.update(show_all=not data.get("show_all"), page=0)
            return self.queue(ctx, data)
        if turn_page(data, choice):
            return self.queue(ctx, data)
        sid = parse_id(choice, "s")
        if sid is None:
            return self.queue(ctx, data, texts.EXPECT_CHOICE)
        return self.open(ctx, data, sid)

    async def on_decide(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        if inp.choice == "skip":
            return self.queue(ctx, data)
        if inp.choice not in (ACCEPTED, RETURNED):
            return self.open(ctx, data, data["submission_id"], note=texts.EXPECT_CHOICE)
        sub, refusal = self.still_as_shown(ctx, data)
        if sub is None:
            return refusal
        data["decision"] = inp.choice
        if sub.status != SUBMITTED:  # reopening a reviewed one: make the change deliberate
            return goto(S.confirm, OutMessage(
                texts.REVIEW_CONFIRM_CHANGE.format(old=status_word(sub.status), new=status_word(inp.choice)),
                choices=[[Choice(texts.REVIEW_BTN_CONFIRM, "yes"), Choice(texts.REVIEW_BTN_KEEP, "no")]]))
        return self.after_decision(ctx, data, sub)

    async def on_confirm(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        if inp.choice != "yes":
            return self.queue(ctx, data)
        sub, refusal = self.still_as_shown(ctx, data)
        return refusal if sub is None else self.after_decision(ctx, data, sub)

    async def on_comment(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        comment = (inp.text or "").strip()
        if not comment:
            return goto(S.comment, texts.REVIEW_COMMENT_REQUIRED)
        sub, refusal = self.still_as_shown(ctx, data)
        return refusal if sub is None else self.record(ctx, data, sub, RETURNED, comment[:1000])

    # ---- transitions

    def after_decision(self, ctx: Ctx, data: dict, sub: Submission) -> Step:
        if data["decision"] == RETURNED:
            return goto(S.comment, texts.REVIEW_ASK_COMMENT)
        return self.record(ctx, data, sub, ACCEPTED, None)

    def still_as_shown(self, ctx: Ctx, data: dict) -> tuple[Submission | None, Step | None]:
        """The submission, if it is still the latest version and nobody reviewed it since it was shown."""
        sub, reason = scope.submission_for_staff(ctx.session, ctx.staff, data.get("submission_id"),
                                                 data.get("campaign_id"), data.get("milestone_id"))
        if sub is None:
            return None, self.refuse(ctx, data, reason)
        if (sub.status, _iso(sub.reviewed_at)) != (data.get("seen_status"), data.get("seen_reviewed_at")):
            ctx.audit("review_refused", f"submission:{sub.id}", reason="changed")
            return None, self.queue(ctx, data, self.changed_note(ctx, sub))
        return sub, None

    def record(self, ctx: Ctx, data: dict, sub: Submission, status: str, comment: str | None) -> Step:
        notified = self.decide(ctx, sub, data["seen_status"], status, comment)
        if notified is None:  # lost a race with another reviewer between the read and the write
            return self.queue(ctx, data, self.changed_note(ctx, sub))
        unit = people.unit(ctx.session, sub.unit_id)
        done_text = (texts.REVIEW_DONE_ACCEPTED if status == ACCEPTED else texts.REVIEW_DONE_RETURNED).format(
            unit=unit.name, contacts=notified)
        if not notified:
            done_text += "\n" + texts.REVIEW_NO_CONTACT
        return self.queue(ctx, data, done_text)

    def decide(self, ctx: Ctx, sub: Submission, seen_status: str, status: str, comment: str | None) -> int | None:
        """Record the review (only if the submission is still as shown), audit it and tell the unit's contacts
        through the outbox. Returns how many contacts were told, None if someone changed it meanwhile. The
        staff console (bot/console) reviews through this same operation."""
        changed = progress_db.set_review(
            ctx.session, sub.id, expected_status=seen_status, expected_reviewed_at=sub.reviewed_at,
            status=status, staff_id=ctx.staff.id, now=ctx.now, comment=comment)
        if not changed:
            return None
        ctx.audit(f"review_{status}", f"submission:{sub.id}", unit=sub.unit_id, milestone=sub.milestone_id,
                  version=sub.version, previous=seen_status, comment=comment)
        return self.notify_unit(ctx, sub)

    def notify_unit(self, ctx: Ctx, sub: Submission) -> int:
        milestone = campaign_ops.milestone(ctx.session, sub.milestone_id)
        unit = people.unit(ctx.session, sub.unit_id)
        contacts = campaign_ops.contacts_of_unit(ctx.session, sub.unit_id)
        message = self.notice(ctx, sub, milestone, unit.name)
        decided = sub.reviewed_at.isoformat() if sub.reviewed_at else "-"   # each decision is told once
        for c in contacts:
            ctx.notify(Outgoing(f"review:{sub.id}:{sub.status}:{decided}:{c.id}", c.channel, c.chat_id, message,
                                kind="review", contact_id=c.id))
        return len(contacts)

    @staticmethod
    def notice(ctx: Ctx, sub: Submission, milestone, unit_name: str) -> OutMessage:
        fields = dict(milestone=milestone.title, unit=unit_name, reference=sub.reference, version=sub.version)
        if sub.status == ACCEPTED:
            return OutMessage(texts.REVIEW_NOTICE_ACCEPTED.format(**fields))
        text = texts.REVIEW_NOTICE_RETURNED.format(
            **fields, comment=sub.review_comment, due=due_text(milestone, ctx.tz),
            days=texts.days_phrase(days_left(milestone, ctx.now, ctx.tz)))
        return OutMessage(text, choices=[[action_choice(texts.REVIEW_BTN_RESUBMIT, "submit", milestone.id)]])

    def refuse(self, ctx: Ctx, data: dict, reason: str) -> Step:
        ctx.audit("review_refused", f"submission:{data.get('submission_id')}", reason=reason)
        note = texts.REVIEW_SUPERSEDED if reason == "superseded" else texts.REVIEW_UNKNOWN
        if current_milestone(ctx, data) is None:
            return done(texts.PROGRESS_GONE)
        return self.queue(ctx, data, note)

    def changed_note(self, ctx: Ctx, sub: Submission) -> str:
        ctx.session.refresh(sub)
        reviewer = progress_db.staff_names(ctx.session, {sub.reviewed_by_staff_id}).get(sub.reviewed_by_staff_id)
        return texts.REVIEW_CHANGED_MEANWHILE.format(reviewer=reviewer or texts.REVIEW_SOMEONE,
                                                     status=status_word(sub.status))

    # ---- views

    def milestones(self, ctx: Ctx, data: dict, skip_single: bool = False, note: str | None = None) -> Step:
        loaded = self.campaign_milestones(ctx, data)
        if isinstance(loaded, Step):
            return loaded
        campaign, milestones = loaded
        if skip_single and len(milestones) == 1:
            data.update(milestone_id=milestones[0].id, page=0, show_all=False)
            return self.queue(ctx, data)
        waiting = progress_db.awaiting_counts(ctx.session, campaign.id, milestones)
        labels = [texts.REVIEW_MILESTONE_LABEL.format(title=short(m.title, 40), n=waiting[m.id]) for m in milestones]
        return goto(S.milestone, milestone_menu(milestones, labels, note or texts.PROGRESS_PICK_MILESTONE,
                                                extra=[Choice(texts.PROGRESS_BTN_DONE, "done")]))

    def queue(self, ctx: Ctx, data: dict, note: str | None = None) -> Step:
        milestone = current_milestone(ctx, data)
        if milestone is None:
            return done(*([note] if note else []), texts.PROGRESS_GONE)
        show_all = bool(data.get("show_all"))
        page = progress_db.review_queue(ctx.session, milestone, data.get("page", 0), PER_PAGE, show_all)
        data["page"] = page.page
        rows = [[Choice(self.unit_label(sub, unit, show_all), f"s:{sub.id}")] for sub, unit in page.items]
        toggle = texts.REVIEW_BTN_SHOW_WAITING if show_all else texts.REVIEW_BTN_SHOW_ALL
        rows += [r for r in (pager(page), [Choice(toggle, "toggle")],
                             [Choice(texts.PROGRESS_BTN_BACK, "back"), Choice(texts.PROGRESS_BTN_DONE, "done")]) if r]
        replies = [note] if note else []
        return goto(S.queue, *replies, OutMessage(self.queue_head(milestone.title, page, show_all), choices=rows))

    @staticmethod
    def queue_head(title: str, page: progress_db.Page, show_all: bool) -> str:
        if not page.total:
            return (texts.REVIEW_QUEUE_ALL_EMPTY if show_all else texts.REVIEW_QUEUE_EMPTY).format(milestone=title)
        head = texts.REVIEW_QUEUE_ALL_HEAD if show_all else texts.REVIEW_QUEUE_HEAD
        return head.format(milestone=title, total=page.total, page=page_label(page))

    @staticmethod
    def unit_label(sub: Submission, unit, show_all: bool) -> str:
        if show_all:
            return short(texts.REVIEW_UNIT_LABEL_STATUS.format(code=unit.code, name=unit.name,
                                                                status=status_word(sub.status)))
        return short(texts.REVIEW_UNIT_LABEL.format(code=unit.code, name=unit.name))

    def open(self, ctx: Ctx, data: dict, submission_id: int, note: str | None = None) -> Step:
        """Send the files one per message, then the details with the decision buttons."""
        data["submission_id"] = submission_id
        sub, reason = scope.submission_for_staff(ctx.session, ctx.staff, submission_id, data.get("campaign_id"),
                                                 data.get("milestone_id"))
        if sub is None:
            return self.refuse(ctx, data, reason)
        data.update(seen_status=sub.status, seen_reviewed_at=_iso(sub.reviewed_at))
        ctx.audit("review_opened", f"submission:{sub.id}")
        unit = people.unit(ctx.session, sub.unit_id)
        files = sub_ops.files_of(ctx.session, sub.id)
        replies = [] if note else [
            OutMessage(_caption(unit.name, i, len(files), f.original_name, link.document_label),
                       files=[OutFile(stored_file_id=f.id, name=f.original_name)])
            for i, (link, f) in enumerate(files, start=1)]
        lines = [self.detail(ctx, sub, unit, len(files))]
        nominee = nominations.get(ctx.session, sub.nomination_id) if sub.nomination_id else None
        if nominee is not None:
            lines.append(texts.REVIEW_DOSSIER_FOR.format(reference=nominee.reference, name=nominee.nominee_name))
        if sub.status != SUBMITTED:
            lines.append(self.already(ctx, sub))
        if note:
            lines.append(note)
        buttons = [[Choice(texts.REVIEW_BTN_ACCEPT, ACCEPTED), Choice(texts.REVIEW_BTN_RETURN, RETURNED),
                    Choice(texts.REVIEW_BTN_SKIP, "skip")]]
        return goto(S.decide, *replies, OutMessage("\n".join(lines), choices=buttons))

    @staticmethod
    def detail(ctx: Ctx, sub: Submission, unit, n_files: int) -> str:
        milestone = campaign_ops.milestone(ctx.session, sub.milestone_id)
        return texts.REVIEW_DETAIL.format(
            unit=unit.name, code=unit.code, milestone=milestone.title, reference=sub.reference, version=sub.version,
            at=texts.fmt_datetime(sub.submitted_at, ctx.tz), late=texts.REVIEW_LATE_MARK if sub.late else "",
            files=n_files, note=sub.note or texts.REVIEW_NO_NOTE, status=status_word(sub.status))

    @staticmethod
    def already(ctx: Ctx, sub: Submission) -> str:
        names = progress_db.staff_names(ctx.session, {sub.reviewed_by_staff_id})
        text = texts.REVIEW_ALREADY.format(
            reviewer=names.get(sub.reviewed_by_staff_id, texts.REVIEW_SOMEONE), status=status_word(sub.status),
            at=texts.fmt_datetime(sub.reviewed_at, ctx.tz) if sub.reviewed_at else "?")
        if sub.review_comment:
            text += "\n" + texts.REVIEW_ALREADY_COMMENT.format(comment=sub.review_comment)
        return text


def _iso(dt: datetime | None) -> str | None:
    return dt.isoformat() if dt else None


def _caption(unit: str, n: int, count: int, name: str, item: str | None) -> str:
    """A dossier's file says which checklist item it answers."""
    caption = texts.REVIEW_FILE_CAPTION.format(unit=unit, n=n, count=count, name=name)
    return texts.REVIEW_FILE_ITEM.format(caption=caption, item=item) if item else caption
