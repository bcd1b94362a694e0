"""Award dossier (hồ sơ khen thưởng) for an award_dossier milestone: a checklist filled document by document.

Choice made: the checklist lives in the flow data only (file bytes are written by sha256 as they arrive, but no
database row exists). The Submission and its SubmissionFile rows (one per file, labelled with its checklist line)
are created in one transaction at "Nộp hồ sơ", and only when every line has a file. So nothing half-done is ever
visible to staff or counted as submitted; the price is that /huy or a timeout drops the draft, hence the longer
timeout of this flow.
"""
from __future__ import annotations

from enum import StrEnum

from bot import texts
from db import campaigns, nominations
from db.models import Milestone, MilestoneKind
from handlers.engine import CONTACT, Ctx, Flow, Step, action, done, flow, goto
from handlers.io import Choice, OutMessage
from handlers.nominate import files_arriving, same_unit, store_refs


class S(StrEnum):
    nominee = "nominee"
    checklist = "checklist"
    upload = "upload"


def allowed_milestone(ctx: Ctx, milestone_id: int | None) -> Milestone | None:
    """An award_dossier milestone of a launched campaign the contact's unit takes part in (late is allowed)."""
    m = campaigns.milestone(ctx.session, milestone_id) if milestone_id else None
    if m is None or m.kind != MilestoneKind.award_dossier:
        return None
    campaign = campaigns.get(ctx.session, m.campaign_id)
    if campaign is None or campaign.status != "launched":
        return None
    return m if campaigns.takes_part(ctx.session, campaign.id, ctx.contact.unit_id) else None


def _labels(m: Milestone) -> list[str]:
    return nominations.required_documents(m, texts.DOSSIER_DEFAULT_DOCUMENTS)


def _missing(data: dict, labels: list[str]) -> list[str]:
    return [label for i, label in enumerate(labels) if not data["docs"].get(str(i))]


@flow
class DossierFlow(Flow):
    name, title, audience = "dossier", texts.DOSSIER_TITLE, CONTACT
    timeout_minutes = 240  # gathering four documents takes a while; the draft lives only in the flow

    async def begin(self, ctx: Ctx, data: dict, milestone_id: int | None = None, **_) -> Step:
        m = allowed_milestone(ctx, milestone_id)
        if m is None:
            return done(texts.DOSSIER_NOT_ALLOWED)
        data["milestone_id"], data["docs"], data["unit_id"] = m.id, {}, ctx.contact.unit_id
        nominees = nominations.live_of_unit_in_campaign(ctx.session, ctx.contact.unit_id, m.campaign_id)
        if nominees:
            return self._ask_nominee(nominees)
        return self._checklist(ctx, data)

    def _ask_nominee(self, nominees, *before: str) -> Step:
        """Which nominee the dossier supports, when the unit has some in this campaign (or none: the unit's)."""
        buttons = [[Choice(texts.DOSSIER_NOMINEE_BUTTON.format(reference=n.reference, name=n.nominee_name),
                           f"n:{n.id}")] for n in nominees]
        buttons.append([Choice(texts.DOSSIER_NO_NOMINEE, "none")])
        return goto(S.nominee, *before, OutMessage(texts.DOSSIER_ASK_NOMINEE, choices=buttons))

    async def on_nominee(self, ctx: Ctx, data: dict, inp) -> Step:
        m = self._milestone(ctx, data)
        nominees = {f"n:{n.id}": n for n in
                    nominations.live_of_unit_in_campaign(ctx.session, ctx.contact.unit_id, m.campaign_id)}
        if inp.choice == "none":
            data["nomination_id"] = None
            return self._checklist(ctx, data)
        chosen = nominees.get(inp.choice or "")
        if chosen is None:
            return self._ask_nominee(list(nominees.values()), texts.EXPECT_CHOICE)
        data["nomination_id"] = chosen.id
        return self._checklist(ctx, data, texts.DOSSIER_NOMINEE_CHOSEN.format(name=chosen.nominee_name))

    async def handle(self, ctx: Ctx, state: str, data: dict, inp) -> Step:
        if not same_unit(ctx, data):
            return done(texts.DOSSIER_NOT_ALLOWED)
        return await super().handle(ctx, state, data, inp)

    def _milestone(self, ctx: Ctx, data: dict) -> Milestone:
        return ctx.session.get(Milestone, data["milestone_id"])

    def _checklist(self, ctx: Ctx, data: dict, *before: str) -> Step:
        m = self._milestone(ctx, data)
        labels = _labels(m)
        lines = []
        for i, label in enumerate(labels):
            count = len(data["docs"].get(str(i), []))
            lines.append(texts.DOSSIER_LINE.format(mark="✅" if count else "⬜", index=i + 1, label=label,
                                                   count=texts.DOSSIER_LINE_COUNT.format(count=count) if count else ""))
        buttons = [[Choice(f"{i + 1}. {label}", f"d:{i}")] for i, label in enumerate(labels)]
        buttons.append([Choice(texts.DOSSIER_BTN_SUBMIT, "submit"), Choice(texts.DOSSIER_BTN_CANCEL, "cancel")])
        text = texts.DOSSIER_CHECKLIST.format(title=m.title, due=texts.fmt_date(m.due_at, ctx.tz),
                                              lines="\n".join(lines))
        data["checklist_turn"] = ctx.next_turn()
        return goto(S.checklist, *before, OutMessage(text, choices=buttons))

    def accepts_earlier(self, data: dict, turn: int, value: str) -> bool:
        """The checklist stays on screen while a line is filled: its buttons pick another line, or submit."""
        return turn == data.get("checklist_turn") and (value.startswith("d:") or value in ("submit", "cancel"))

    async def on_checklist(self, ctx: Ctx, data: dict, inp) -> Step:
        labels = _labels(self._milestone(ctx, data))
        choice = inp.choice or ""
        if choice == "cancel":
            return done(texts.DOSSIER_CANCELLED)
        if choice == "submit":
            return self._submit(ctx, data, labels)
        index = choice.removeprefix("d:")
        if choice.startswith("d:") and index.isdigit() and int(index) < len(labels):
            return self._pick_line(ctx, data, labels, int(index))
        return self._checklist(ctx, data, texts.DOSSIER_PICK_LINE if inp.files else texts.EXPECT_CHOICE)

    def _pick_line(self, ctx: Ctx, data: dict, labels: list[str], index: int) -> Step:
        data["current"] = index
        return self._ask_files(labels[index], data)

    def _upload_buttons(self, data: dict) -> list[list[Choice]]:
        row = [Choice(texts.DOSSIER_BTN_DONE, "done")]
        if data["docs"].get(str(data["current"])):
            row.append(Choice(texts.DOSSIER_BTN_CLEAR, "clear"))
        return [row]

    def _ask_files(self, label: str, data: dict) -> Step:
        return goto(S.upload, OutMessage(texts.DOSSIER_ASK_FILES.format(label=label), choices=self._upload_buttons(data)))

    async def on_upload(self, ctx: Ctx, data: dict, inp) -> Step:
        key = str(data["current"])
        label = _labels(self._milestone(ctx, data))[data["current"]]
        if inp.choice == "done":
            return self._checklist(ctx, data)
        if inp.choice in ("submit", "cancel") or (inp.choice or "").startswith("d:"):
            return await self.on_checklist(ctx, data, inp)   # a button of the checklist still on screen
        if inp.choice == "clear":
            data["docs"][key] = []
            return self._checklist(ctx, data, texts.DOSSIER_CLEARED.format(label=label))
        arrival = files_arriving(inp, data, S.upload)
        if arrival is None:
            return goto(S.upload, OutMessage(texts.DOSSIER_FILES_EXPECTED.format(label=label),
                                             choices=self._upload_buttons(data)))
        if arrival.fetch:
            return arrival.fetch
        refs, problems = arrival.refs, arrival.problems
        data["docs"][key] = data["docs"].get(key, []) + refs
        total = len(data["docs"][key])
        lines = problems + ([texts.DOSSIER_FILES_RECEIVED.format(count=len(refs), label=label, total=total)]
                            if refs else [])
        return goto(S.upload, OutMessage("\n".join(lines), choices=self._upload_buttons(data)))

    def _submit(self, ctx: Ctx, data: dict, labels: list[str]) -> Step:
        missing = _missing(data, labels)
        if missing:
            return self._checklist(ctx, data, texts.DOSSIER_INCOMPLETE.format(
                missing="\n".join(f"⬜ {label}" for label in missing)))
        m = self._milestone(ctx, data)
        labelled = []
        for i, label in enumerate(labels):
            labelled += [(label, fid) for fid in store_refs(ctx, data["docs"][str(i)])]
        sub = nominations.create_dossier_submission(
            ctx.session, unit_id=ctx.contact.unit_id, milestone=m, contact_id=ctx.contact.id, now=ctx.now,
            late=nominations.deadline_passed(m, ctx.now, ctx.tz),
            year=texts.local(ctx.now, ctx.tz).year, labelled_file_ids=labelled,
            nomination_id=self._still_live(ctx, data.get("nomination_id")))
        ctx.audit("dossier_submitted", f"submission:{sub.id}", reference=sub.reference, files=len(labelled))
        return done(self._receipt(ctx, data, m, labels, sub))

    @staticmethod
    def _still_live(ctx: Ctx, nomination_id: int | None) -> int | None:
        """The nominee chosen, unless it was withdrawn or returned meanwhile (then the dossier is the unit's)."""
        n = nominations.get(ctx.session, nomination_id) if nomination_id else None
        return n.id if n is not None and n.unit_id == ctx.contact.unit_id and n.status in nominations.ACTIVE else None

    def _receipt(self, ctx: Ctx, data: dict, m: Milestone, labels: list[str], sub) -> str:
        lines = [texts.DOSSIER_RECEIPT_LINE.format(label=label, files=", ".join(f["name"] for f in data["docs"][str(i)]))
                 for i, label in enumerate(labels)]
        late = texts.DOSSIER_LATE.format(due=texts.fmt_date(m.due_at, ctx.tz)) if sub.late else ""
        return texts.DOSSIER_RECEIPT.format(reference=sub.reference, version=sub.version, title=m.title,
                                            lines="\n".join(lines), at=texts.fmt_datetime(sub.submitted_at, ctx.tz),
                                            late=late)


@action("dossier", CONTACT, starts_flow=True)
async def dossier_button(ctx: Ctx):
    """"g|dossier|<milestone id>" (a reminder's button): begin() re-checks that the milestone is the unit's."""
    arg = (ctx.inbound.args or "").strip()
    return await ctx.start_flow("dossier", milestone_id=int(arg) if arg.isdigit() else None)
