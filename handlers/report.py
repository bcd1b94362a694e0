"""Nộp báo cáo: a unit's contact sends the files for one milestone and gets a receipt with a reference number.

campaign → milestone → files (one or more; an album is one input) → note (optional) → confirm → receipt.
Every id that comes back from a button or an argument is checked again against the contact's unit.
"""
from __future__ import annotations

import unicodedata
from enum import StrEnum

from bot import texts
from db import reports
from db.models import MilestoneKind
from handlers import engine
from db.files import Blob
from handlers.engine import CONTACT, Ctx, Flow, Step, action, command, done, fetch, flow, goto
from handlers import attachments, fetching, milestone_lines
from handlers import uploads as upload_page
from handlers.io import Choice, Inbound, IncomingFile, OutMessage
from schedules.planning import days_between, to_local

MAX_FILES = 20
MAX_NOTE_CHARS = 1000
LABEL_CHARS = 40

# Milestones answered by other flows: kind -> flow name (written elsewhere; may not be registered yet)
HANDED_OVER = {MilestoneKind.award_dossier: "dossier", MilestoneKind.nomination: "nominate"}

MIME_EXTENSION = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png", "application/msword": "doc",
                  "application/vnd.ms-excel": "xls"}


class S(StrEnum):
    campaign = "campaign"
    milestone = "milestone"
    files = "files"
    note = "note"
    confirm = "confirm"
    edit = "edit"
    storing = "storing"       # the files are downloading (outside any transaction)


# ------------------------------------------------------------------------------------------ helpers

def _int(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 12 else None


def _is_late(ctx: Ctx, item: reports.UnitMilestone) -> bool:
    """Late once the due day is over in local time (on the due day itself it is still on time)."""
    return days_between(item.milestone.due_at, ctx.now, ctx.tz) < 0


def _due(ctx: Ctx, item: reports.UnitMilestone) -> str:
    return texts.fmt_date(item.milestone.due_at, ctx.tz)


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _target(ctx: Ctx, data: dict) -> reports.UnitMilestone | None:
    """The chosen milestone, re-checked against the unit; None if it is no longer open to it."""
    item = reports.milestone_for_unit(ctx.session, data.get("milestone_id") or 0, ctx.contact.unit_id)
    return item if item is not None and item.submittable else None


def _file_name(f: IncomingFile, index: int) -> str:
    if f.name:   # macOS clients send decomposed (NFD) Vietnamese names
        return unicodedata.normalize("NFC", f.name).strip()
    ext = MIME_EXTENSION.get((f.mime or "").lower(), "jpg" if f.kind == "photo" else "bin")
    return f"{'anh' if f.kind == 'photo' else 'tep'}_{index}.{ext}"


def _refusal(f: IncomingFile, name: str) -> str | None:
    """Why this file is not accepted, or None."""
    if not attachments.type_ok(f, name):
        return texts.REPORT_BAD_TYPE.format(name=name)
    if attachments.too_big(f):
        return texts.REPORT_TOO_BIG.format(name=name, size=texts.report_fmt_size(f.size))
    return None


def _file_lines(files: list[dict]) -> str:
    return "\n".join(texts.REPORT_FILE_LINE.format(n=i, name=f["name"], size=texts.report_fmt_size(f["size"]))
                     for i, f in enumerate(files, 1))


# ------------------------------------------------------------------------------------------ messages

def _cancel_row() -> list[Choice]:
    return [Choice(texts.REPORT_BTN_CANCEL, "cancel")]


def _ask_files(ctx: Ctx, item: reports.UnitMilestone) -> OutMessage:
    late = texts.REPORT_LATE_MARK if _is_late(ctx, item) else ""
    text = texts.REPORT_ASK_FILES.format(campaign=item.campaign.title, milestone=item.milestone.title,
                                         due=_due(ctx, item), late=late)
    docs = milestone_lines.documents(item.milestone)
    if docs:
        text += texts.REPORT_ASK_FILES_DOCUMENTS.format(docs="\n".join(f"• {d}" for d in docs))
    if upload_page.needs_upload_page(ctx):  # Zalo sends photos only: scanned pages, or documents via the page
        return OutMessage(text + "\n\n" + texts.REPORT_ZALO_HINT, choices=[[Choice(texts.REPORT_BTN_DONE, "done")],
                                                                           _cancel_row()],
                          links=[upload_page.upload_link(ctx)])
    return OutMessage(text, choices=[_cancel_row()])


def _files_so_far(data: dict, *notes: str) -> OutMessage:
    files = data["files"]
    body = (texts.REPORT_FILES_SO_FAR.format(count=len(files), lines=_file_lines(files)) if files
            else texts.REPORT_FILES_NONE)
    row = [Choice(texts.REPORT_BTN_DONE, "done")]
    if data.get("editing") and files:
        row.append(Choice(texts.REPORT_BTN_CLEAR_FILES, "clear"))
    return OutMessage("\n\n".join([*notes, body]), choices=[row + _cancel_row()])


def _ask_note(data: dict, *notes: str) -> OutMessage:
    lines = [*notes, texts.REPORT_ASK_NOTE]
    if data.get("note"):
        lines.append(texts.REPORT_CURRENT_NOTE.format(note=data["note"]))
    return OutMessage("\n".join(lines), choices=[[Choice(texts.REPORT_BTN_SKIP, "skip")] + _cancel_row()])


def _summary(ctx: Ctx, item: reports.UnitMilestone, data: dict, *notes: str) -> OutMessage:
    text = texts.REPORT_SUMMARY.format(
        campaign=item.campaign.title, milestone=item.milestone.title, due=_due(ctx, item),
        late=texts.REPORT_SUMMARY_LATE if _is_late(ctx, item) else "", count=len(data["files"]),
        files=_file_lines(data["files"]), note=data.get("note") or texts.REPORT_NO_NOTE)
    return OutMessage("\n\n".join([*notes, text]), choices=[[
        Choice(texts.REPORT_BTN_CONFIRM, "confirm"), Choice(texts.REPORT_BTN_EDIT, "edit"),
        Choice(texts.REPORT_BTN_CANCEL, "cancel")]])


def _campaign_menu(campaigns) -> OutMessage:
    return OutMessage(texts.REPORT_CHOOSE_CAMPAIGN, choices=[[Choice(_short(c.title, 60), f"c{c.id}")] for c in campaigns]
                      + [_cancel_row()])


def _milestone_menu(ctx: Ctx, items: list[reports.UnitMilestone]) -> OutMessage:
    lines, rows = [texts.REPORT_CHOOSE_MILESTONE.format(campaign=items[0].campaign.title)], []
    for item in items:
        late = _is_late(ctx, item)
        status = (texts.REPORT_RETURNED if item.status == "returned"
                  else texts.REPORT_ALREADY_SENT.format(version=item.version) if item.version else "")
        lines.append(texts.REPORT_MILESTONE_LINE.format(title=item.milestone.title, due=_due(ctx, item),
                                                        late=texts.REPORT_LATE_MARK if late else "", status=status))
        label = f"{_short(item.milestone.title)} · {_due(ctx, item)[:5]}" + (texts.REPORT_BUTTON_LATE if late else "")
        rows.append([Choice(label, f"m{item.milestone.id}")])
    return OutMessage("\n".join(lines), choices=rows + [_cancel_row()])


def _receipt(ctx: Ctx, item: reports.UnitMilestone, sub, stored) -> OutMessage:
    files = "\n".join(texts.REPORT_FILE_LINE.format(n=i, name=f.original_name, size=texts.report_fmt_size(f.size))
                      for i, f in enumerate(stored, 1))
    text = texts.REPORT_RECEIPT.format(
        unit=ctx.unit.name, reference=sub.reference, at=texts.fmt_datetime(sub.submitted_at, ctx.tz),
        milestone=item.milestone.title, campaign=item.campaign.title, version=sub.version,
        older=texts.REPORT_RECEIPT_OLDER if sub.version > 1 else "", count=len(stored), files=files)
    if sub.note:
        text += texts.REPORT_RECEIPT_NOTE.format(note=sub.note)
    if sub.late:
        text += texts.REPORT_RECEIPT_LATE
    return OutMessage(text, choices=[[engine.action_choice(texts.MENU_TODO, "todo")]])


# ------------------------------------------------------------------------------------------ entry points

def refusal_for(item: reports.UnitMilestone | None) -> str | None:
    """Why this milestone cannot be submitted by the unit now, or None."""
    if item is None:
        return texts.REPORT_NOT_ALLOWED
    if item.is_event:
        return texts.REPORT_NOTHING_TO_SEND
    if item.status == "accepted" and item.milestone.kind not in HANDED_OVER:
        return texts.REPORT_ALREADY_ACCEPTED
    return None


def hand_over(item: reports.UnitMilestone) -> str | None:
    """The flow that answers this milestone's kind, if it is not ours."""
    return HANDED_OVER.get(item.milestone.kind)


async def _start(ctx: Ctx, arg: str):
    if not arg.strip():
        return await ctx.start_flow(SubmitReport.name)
    milestone_id = _int(arg)
    item = reports.milestone_for_unit(ctx.session, milestone_id, ctx.contact.unit_id) if milestone_id else None
    refusal = refusal_for(item)
    if refusal:
        ctx.audit("submit_refused", f"milestone:{arg[:20]}", unit=ctx.contact.unit_id)
        return OutMessage(refusal)
    other = hand_over(item)
    if other:  # begin() cannot hand over, so start the other flow directly
        if other not in engine.FLOWS:
            return OutMessage(texts.REPORT_NOT_AVAILABLE.format(title=item.milestone.title))
        return await ctx.start_flow(other, milestone_id=item.milestone.id)
    return await ctx.start_flow(SubmitReport.name, milestone_id=item.milestone.id)


@command("nop", CONTACT, starts_flow=True)
async def nop_command(ctx: Ctx):
    return await _start(ctx, ctx.inbound.args)


@action("submit", CONTACT, starts_flow=True)
async def submit_action(ctx: Ctx):
    """Menu "Nộp báo cáo" (no arg) or a reminder's "Nộp ngay" (arg: milestone id)."""
    return await _start(ctx, ctx.inbound.args)


# ------------------------------------------------------------------------------------------ the flow

@flow
class SubmitReport(Flow):
    name = "submit_report"
    title = texts.REPORT_FLOW_TITLE
    audience = CONTACT

    async def begin(self, ctx: Ctx, data: dict, milestone_id: int | None = None,
                    pending_files: list[dict] | None = None, **_) -> Step:
        """pending_files: a file sent outside any flow; it waits until the school says where it goes."""
        data.update(unit_id=ctx.contact.unit_id, files=[], note=None)
        if pending_files:
            data["pending"] = pending_files
        if milestone_id is not None:
            data["milestone_id"] = milestone_id
            item = _target(ctx, data)
            if item is None or hand_over(item):
                return done(texts.REPORT_NOT_ALLOWED)
            data["campaign_id"] = item.campaign.id
            return goto(S.files, _ask_files(ctx, item))
        campaigns = reports.open_campaigns(ctx.session, ctx.contact.unit_id)
        if not campaigns:
            return done(texts.REPORT_NOTHING_OPEN_FOR_FILE if pending_files else texts.REPORT_NOTHING_OPEN)
        step = (self._choose_milestone(ctx, data, campaigns[0].id) if len(campaigns) == 1
                else goto(S.campaign, _campaign_menu(campaigns)))
        if pending_files:
            step.replies.insert(0, OutMessage(texts.REPORT_FILE_WHICH_MILESTONE.format(count=len(pending_files))))
        return step

    async def handle(self, ctx: Ctx, state: str, data: dict, inp: Inbound) -> Step:
        # the chat may have been unbound or moved to another unit since the flow began
        if ctx.contact is None or ctx.contact.unit_id != data.get("unit_id"):
            return done(texts.REPORT_NOT_ALLOWED)
        if inp.choice == "cancel":
            ctx.audit("flow_cancelled", self.name)
            return done(texts.REPORT_CANCELLED)
        return await super().handle(ctx, state, data, inp)

    def _choose_milestone(self, ctx: Ctx, data: dict, campaign_id: int) -> Step:
        items = reports.open_milestones(ctx.session, ctx.contact.unit_id, campaign_id)
        if not items:
            return done(texts.REPORT_NOTHING_OPEN)
        data["campaign_id"] = campaign_id
        return goto(S.milestone, _milestone_menu(ctx, items))

    async def on_campaign(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        campaigns = reports.open_campaigns(ctx.session, ctx.contact.unit_id)
        chosen = next((c for c in campaigns if inp.choice == f"c{c.id}"), None)
        if chosen is None:
            return goto(S.campaign, texts.EXPECT_CHOICE, _campaign_menu(campaigns)) if campaigns \
                else done(texts.REPORT_NOTHING_OPEN)
        return self._choose_milestone(ctx, data, chosen.id)

    async def on_milestone(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        items = reports.open_milestones(ctx.session, ctx.contact.unit_id, data.get("campaign_id"))
        item = next((i for i in items if inp.choice == f"m{i.milestone.id}"), None)
        if item is None:
            return goto(S.milestone, texts.EXPECT_CHOICE, _milestone_menu(ctx, items)) if items \
                else done(texts.REPORT_NOTHING_OPEN)
        other = hand_over(item)
        if other:
            if other not in engine.FLOWS:
                return done(texts.REPORT_NOT_AVAILABLE.format(title=item.milestone.title))
            resend = [OutMessage(texts.REPORT_PENDING_RESEND)] if data.get("pending") else []
            return Step(resend, None, then=(other, {"milestone_id": item.milestone.id}))
        data["milestone_id"] = item.milestone.id
        pending = data.pop("pending", None)
        if pending:   # the file that started it all goes in first
            problems = self._take_files(data, [IncomingFile(**f) for f in pending])
            return goto(S.files, _files_so_far(data, *problems))
        return goto(S.files, _ask_files(ctx, item))

    async def on_files(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        if inp.files:
            reply = _files_so_far(data, *self._take_files(data, inp.files))
            if upload_page.needs_upload_page(ctx) or any(f.size and f.size > upload_page.max_file_bytes(f) for f in inp.files):
                reply.links.append(upload_page.upload_link(ctx))  # too big for chat: the upload page takes 50 MB
            return goto(S.files, reply)
        if inp.choice == "clear":
            data["files"] = []
            return goto(S.files, _files_so_far(data))
        if inp.choice == "done":
            if not data["files"]:
                return goto(S.files, _files_so_far(data, texts.REPORT_NEED_ONE_FILE))
            if data.pop("editing", False):
                return self._to_summary(ctx, data)
            return goto(S.note, _ask_note(data))
        return goto(S.files, _files_so_far(data, texts.REPORT_EXPECT_FILE))

    def _take_files(self, data: dict, incoming: list[IncomingFile]) -> list[str]:
        """Add the acceptable files to data["files"]; return the refusals to show."""
        # a new list, never an in-place append: the engine only saves data that compares unequal to the old
        files, problems, too_many = list(data["files"]), [], []
        known = {f["ref"] for f in files}
        for f in incoming:
            name = _file_name(f, len(files) + 1)
            refusal = _refusal(f, name)
            if refusal:
                problems.append(refusal)
            elif f.ref in known:
                continue   # the same file sent twice
            elif len(files) >= MAX_FILES:
                too_many.append(name)
            else:
                files.append({"ref": f.ref, "name": name, "mime": f.mime, "size": f.size, "kind": f.kind})
                known.add(f.ref)
        data["files"] = files
        if too_many:
            problems.append(texts.REPORT_TOO_MANY.format(max=MAX_FILES, names=", ".join(too_many)))
        return problems

    async def on_note(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        if inp.files:  # more files instead of a note: keep them, still ask for the note
            problems = self._take_files(data, inp.files)
            return goto(S.note, _ask_note(data, *problems, _file_lines(data["files"])))
        if inp.choice == "skip":
            data["note"] = None
        elif inp.text:
            if len(inp.text) > MAX_NOTE_CHARS:
                return goto(S.note, _ask_note(data, texts.REPORT_NOTE_TOO_LONG.format(
                    length=len(inp.text), max=MAX_NOTE_CHARS)))
            data["note"] = inp.text
        else:
            return goto(S.note, _ask_note(data, texts.EXPECT_CHOICE))
        return self._to_summary(ctx, data)

    def _to_summary(self, ctx: Ctx, data: dict, *notes: str) -> Step:
        item = _target(ctx, data)
        if item is None:
            return done(texts.REPORT_NOT_ALLOWED)
        return goto(S.confirm, _summary(ctx, item, data, *notes))

    async def on_edit(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        if inp.choice == "files":
            data["editing"] = True
            return goto(S.files, _files_so_far(data))
        if inp.choice == "note":
            return goto(S.note, _ask_note(data))
        return self._to_summary(ctx, data)   # "Quay lại" (or anything else): show the summary again

    async def on_confirm(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        if inp.choice == "edit":
            return goto(S.edit, OutMessage(texts.REPORT_EDIT_WHAT, choices=[[
                Choice(texts.REPORT_BTN_EDIT_FILES, "files"), Choice(texts.REPORT_BTN_EDIT_NOTE, "note"),
                Choice(texts.REPORT_BTN_BACK, "back")]]))
        if inp.choice != "confirm":
            return self._to_summary(ctx, data, texts.EXPECT_CHOICE)
        item = _target(ctx, data)
        if item is None:   # campaign closed, milestone removed or accepted meanwhile
            return done(texts.REPORT_NOT_ALLOWED)
        return await self._submit(ctx, data, item)

    async def _submit(self, ctx: Ctx, data: dict, item: reports.UnitMilestone) -> Step:
        """Download outside the transaction (engine.Fetch); on_storing records the submission."""
        files = [IncomingFile(f["ref"], f["name"], f["mime"], f["size"], f["kind"]) for f in data["files"]]
        return fetch(S.storing, files, prepare=("check_documents", {}))

    async def on_storing(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        item = _target(ctx, data)
        if item is None:   # campaign closed, milestone removed or accepted while the files came in
            return done(texts.REPORT_NOT_ALLOWED)
        for f in inp.fetched or []:
            if f.error == "too_big":   # the size was not known up front
                data["files"] = [x for x in data["files"] if x["ref"] != f.ref]
                data["editing"] = True
                return goto(S.files, _files_so_far(data, texts.REPORT_TOO_BIG.format(
                    name=f.name, size=texts.report_fmt_size(f.size))))
            if not f.ok:
                return self._to_summary(ctx, data, texts.REPORT_DOWNLOAD_FAILED.format(name=f.name))
        problems = fetching.unreadable(inp)
        if problems:   # a corrupt, encrypted or mislabelled file: nothing is stored, send it again
            data["files"] = [x for x in data["files"] if x["ref"] not in problems]
            data["editing"] = True
            return goto(S.files, _files_so_far(data, *problems.values()))
        uploads = [reports.UploadedFile(Blob(f.sha256, f.size), f.name, f.mime) for f in inp.fetched]
        late = _is_late(ctx, item)
        sub, stored = reports.create_submission(
            ctx.session, ctx.settings.thidua_data_dir, unit_id=ctx.contact.unit_id, milestone_id=item.milestone.id,
            contact_id=ctx.contact.id, uploads=uploads, note=data.get("note"), late=late, now=ctx.now,
            year=to_local(ctx.now, ctx.tz).year)
        ctx.audit("report_submitted", f"submission:{sub.id}", reference=sub.reference, milestone=item.milestone.id,
                  version=sub.version, files=len(stored), late=late)
        return done(_receipt(ctx, item, sub, stored))
