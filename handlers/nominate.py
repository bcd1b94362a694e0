"""/decu: a unit nominates an exemplary model (gương điển hình tiên tiến) for a period, or withdraws one.

Files are downloaded as they arrive and their bytes written by sha256 (no database row yet); the flow keeps
only their references. The Nomination, its StoredFile rows and, when replacing, the withdrawal of the old one
are written together at "Xác nhận", so a cancelled or timed-out flow leaves nothing behind in the database.
"""
from __future__ import annotations

from dataclasses import dataclass
import unicodedata
from enum import StrEnum

from bot import texts
from db import campaigns, files, nominations
from db.models import Milestone, MilestoneKind, Nomination, NominationStatus
from handlers import attachments, fetching
from handlers.engine import CONTACT, Ctx, Flow, Step, action, command, done, fetch, flow, goto
from handlers.io import Choice, FetchedFile, IncomingFile, OutMessage

MAX_FILES_PER_INPUT = 10
MAX_NAME, MAX_POSITION, MAX_UNIT, MAX_ACHIEVEMENTS, MAX_INNOVATION = 200, 200, 255, 2000, 1000


# ------------------------------------------------------------------------- files (shared with the dossier flow)

def file_name(f: IncomingFile) -> str:
    if f.name:  # macOS clients send decomposed (NFD) Vietnamese names
        return unicodedata.normalize("NFC", f.name).strip()
    return "anh.jpg" if f.kind == "photo" else "tep"


def file_problem(f: IncomingFile, name: str, size: int | None = None) -> str | None:
    if not attachments.type_ok(f, name):
        return texts.NOMINATION_FILE_BAD_TYPE.format(name=name)
    if attachments.too_big(f, size):
        size = size if size is not None else f.size
        return texts.NOMINATION_FILE_TOO_BIG.format(name=name, size=f"{size / 1024 / 1024:.1f}".replace(".", ","))
    return None


def check_files(incoming: list[IncomingFile]) -> tuple[list[IncomingFile], list[str]]:
    """Refuse on the announced type and size before downloading. Returns (files to fetch, problems to show)."""
    wanted, problems = [], []
    if len(incoming) > MAX_FILES_PER_INPUT:
        problems.append(texts.NOMINATION_FILE_TOO_MANY.format(max=MAX_FILES_PER_INPUT))
    for f in incoming[:MAX_FILES_PER_INPUT]:
        problem = file_problem(f, file_name(f))
        if problem:
            problems.append(problem)
        else:
            wanted.append(f)
    return wanted, problems


def fetched_refs(fetched: list[FetchedFile], unreadable: dict[str, str] | None = None) -> tuple[list[dict], list[str]]:
    """What arrived (already in the blob store): refs kept in flow data, and problems to show."""
    refs, problems = [], []
    for f in fetched:
        if f.ref in (unreadable or {}):   # corrupt, encrypted, mislabelled: the guarded reader says which
            problems.append(unreadable[f.ref])
            continue
        incoming = IncomingFile(f.ref, f.name, f.mime, f.size, f.kind)
        name = file_name(incoming)
        if f.error == "too_big":
            problems.append(file_problem(incoming, name, f.size) or texts.NOMINATION_FILE_FETCH_FAILED.format(name=name))
            continue
        if not f.ok:
            problems.append(texts.NOMINATION_FILE_FETCH_FAILED.format(name=name))
            continue
        mime = f.mime or ("image/jpeg" if f.kind == "photo" else None)
        if not f.name:  # photos come unnamed: tell an album's pages apart
            name = f"anh_{f.sha256[:8]}.jpg" if f.kind == "photo" else f"tep_{f.sha256[:8]}"
        refs.append({"sha256": f.sha256, "name": name, "mime": mime, "size": f.size})
    return refs, problems


@dataclass
class Arrival:
    refs: list[dict]
    problems: list[str]
    fetch: Step | None = None     # the files still have to be downloaded: return this step


def files_arriving(inp, data: dict, state: str) -> Arrival | None:
    """Files sent in a files step (nominations, dossiers): refused on what they announce, else fetched outside
    the transaction and checked by the guarded reader; the step is called again with inp.fetched.
    None: this input carries no file."""
    if inp.fetched is not None:
        refs, problems = fetched_refs(inp.fetched, fetching.unreadable(inp))
        return Arrival(refs, data.pop("file_problems", []) + problems)
    if not inp.files:
        return None
    wanted, problems = check_files(inp.files)
    if wanted:
        data["file_problems"] = problems
        return Arrival([], [], fetch(state, wanted, prepare=("check_documents", {})))
    return Arrival([], problems)


def store_refs(ctx: Ctx, refs: list[dict]) -> list[int]:
    """StoredFile rows for bytes already on disk (written when they arrived)."""
    return [r.get("stored_file_id") or files.add_blob(ctx.session, files.Blob(r["sha256"], r["size"]), r["name"],
                                                      r["mime"]).id for r in refs]


def same_unit(ctx: Ctx, data: dict) -> bool:
    """The chat may have been unbound or moved to another unit since the flow began."""
    return ctx.contact is not None and ctx.contact.unit_id == data.get("unit_id")


def vn_number(n: int) -> str:
    return f"{n:,}".replace(",", ".")


# ------------------------------------------------------------------------------------------ helpers

class S(StrEnum):
    menu = "menu"
    campaign = "campaign"
    period = "period"
    quota = "quota"
    type = "type"
    name = "name"
    position = "position"
    unit = "unit"
    achievements = "achievements"
    innovation = "innovation"
    award = "award"
    files = "files"
    confirm = "confirm"
    edit = "edit"
    withdraw_pick = "withdraw_pick"
    withdraw_confirm = "withdraw_confirm"


def _rows(choices: list[Choice], per_row: int = 1) -> list[list[Choice]]:
    return [choices[i:i + per_row] for i in range(0, len(choices), per_row)]


def _round_for_unit(ctx: Ctx, milestone_id: int | None) -> tuple[Milestone | None, str | None]:
    """(the round, None) if this contact's unit may nominate for it now, else (None, why not): not a round of a
    campaign the unit takes part in, or a round that no longer takes entries (said as such)."""
    m = campaigns.milestone(ctx.session, milestone_id) if milestone_id else None
    campaign = campaigns.get(ctx.session, m.campaign_id) if m is not None else None
    if (m is None or m.kind != MilestoneKind.nomination or campaign is None or campaign.status == "draft"
            or not campaigns.takes_part(ctx.session, campaign.id, ctx.contact.unit_id)):
        return None, texts.NOMINATION_NOT_ALLOWED
    if nominations.round_state(m, campaign, ctx.now, ctx.tz) == nominations.CLOSED:
        return None, _closed_text(ctx, m)
    return m, None


def _open_milestone(ctx: Ctx, milestone_id: int | None) -> Milestone | None:
    return _round_for_unit(ctx, milestone_id)[0]


def _closed_text(ctx: Ctx, m: Milestone) -> str:
    return texts.NOMINATION_ROUND_CLOSED.format(period=nominations.period_label(m), due=_due(ctx, m))


def _due(ctx: Ctx, m: Milestone) -> str:
    return texts.fmt_date(m.due_at, ctx.tz)  # deadlines are whole days, as for reports


def _line(ctx: Ctx, n: Nomination) -> str:
    m = ctx.session.get(Milestone, n.milestone_id)
    return "• " + texts.NOMINATION_LINE.format(reference=n.reference, period=nominations.period_label(m),
                                               name=n.nominee_name, status=texts.STATUS_LABELS.get(n.status, n.status))


def _summary(ctx: Ctx, data: dict) -> str:
    m = ctx.session.get(Milestone, data["milestone_id"])
    collective = data["type"] == "collective"
    text = texts.NOMINATION_SUMMARY.format(
        campaign=campaigns.get(ctx.session, m.campaign_id).title, period=nominations.period_label(m),
        type=texts.NOMINATION_TYPE_LABELS[data["type"]],
        name_label=texts.NOMINATION_NAME_LABEL_COLLECTIVE if collective else texts.NOMINATION_NAME_LABEL_INDIVIDUAL,
        name=data["name"], position=data.get("position") or texts.NOMINATION_NONE, unit=data["unit"],
        position_label=texts.NOMINATION_POSITION_LABELS[data["type"]],
        count=vn_number(len(data["achievements"])), achievements=data["achievements"],
        innovation=data.get("innovation") or texts.NOMINATION_NONE, award=data.get("award") or texts.NOMINATION_NONE,
        files=", ".join(f["name"] for f in data.get("files", [])) or texts.NOMINATION_NONE)
    old = nominations.get(ctx.session, data["replace_id"]) if data.get("replace_id") else None
    if old is not None:
        text += texts.NOMINATION_SUMMARY_REPLACES.format(reference=old.reference, name=old.nominee_name)
    amended = nominations.get(ctx.session, data["amends_id"]) if data.get("amends_id") else None
    if amended is not None:
        text += texts.NOMINATION_SUMMARY_AMENDS.format(reference=amended.reference)
    return text


def _text(inp, limit: int) -> str | None:
    """The typed text if it fits, else None."""
    text = " ".join((inp.text or "").split())
    return text if 2 <= len(text) <= limit else None


# ------------------------------------------------------------------------------------------ the flow

@flow
class NominateFlow(Flow):
    name, title, audience = "nominate", texts.NOMINATION_TITLE, CONTACT

    async def begin(self, ctx: Ctx, data: dict, milestone_id: int | None = None, **_) -> Step:
        data["unit_id"], data["files"] = ctx.contact.unit_id, []
        if milestone_id is not None:
            m, refusal = _round_for_unit(ctx, milestone_id)
            return self._period_chosen(ctx, data, m) if m else done(refusal)
        existing = nominations.active_of_unit(ctx.session, ctx.contact.unit_id)
        if not existing:
            return self._ask_campaign(ctx, data)
        return goto(S.menu, OutMessage(
            texts.NOMINATION_EXISTING.format(lines="\n".join(_line(ctx, n) for n in existing)),
            choices=[[Choice(texts.NOMINATION_BTN_NEW, "new"), Choice(texts.NOMINATION_BTN_WITHDRAW, "withdraw")]]))

    async def handle(self, ctx: Ctx, state: str, data: dict, inp) -> Step:
        if not same_unit(ctx, data):
            return done(texts.NOMINATION_NOT_ALLOWED)
        return await super().handle(ctx, state, data, inp)

    async def on_menu(self, ctx: Ctx, data: dict, inp) -> Step:
        if inp.choice == "new":
            return self._ask_campaign(ctx, data)
        if inp.choice == "withdraw":
            return self._ask_withdraw(ctx)
        return goto(S.menu, texts.EXPECT_CHOICE)

    # --- campaign and period

    def _ask_campaign(self, ctx: Ctx, data: dict) -> Step:
        open_ = nominations.campaigns_open_for(ctx.session, ctx.contact.unit_id, ctx.now, ctx.tz)
        if not open_:
            return done(texts.NOMINATION_NONE_OPEN)
        if len(open_) == 1:  # nothing to choose
            return self._ask_period(ctx, data, open_[0].id)
        return goto(S.campaign, OutMessage(texts.NOMINATION_PICK_CAMPAIGN,
                                           choices=_rows([Choice(c.title, str(c.id)) for c in open_])))

    async def on_campaign(self, ctx: Ctx, data: dict, inp) -> Step:
        ids = {str(c.id) for c in nominations.campaigns_open_for(ctx.session, ctx.contact.unit_id, ctx.now, ctx.tz)}
        if inp.choice not in ids:
            return goto(S.campaign, texts.EXPECT_CHOICE)
        return self._ask_period(ctx, data, int(inp.choice))

    def _ask_period(self, ctx: Ctx, data: dict, campaign_id: int) -> Step:
        periods = nominations.open_periods(ctx.session, campaign_id, ctx.now, ctx.tz)
        if len(periods) == 1:
            return self._period_chosen(ctx, data, periods[0])
        data["campaign_id"] = campaign_id
        buttons = [Choice(texts.NOMINATION_PERIOD_BUTTON.format(label=nominations.period_label(m),
                                                                 due=texts.fmt_date(m.due_at, ctx.tz)), str(m.id))
                   for m in periods]
        title = campaigns.get(ctx.session, campaign_id).title
        return goto(S.period, OutMessage(texts.NOMINATION_PICK_PERIOD.format(campaign=title), choices=_rows(buttons)))

    async def on_period(self, ctx: Ctx, data: dict, inp) -> Step:
        m = _open_milestone(ctx, int(inp.choice)) if (inp.choice or "").isdigit() else None
        if m is None or m.campaign_id != data.get("campaign_id"):
            return goto(S.period, texts.EXPECT_CHOICE)
        return self._period_chosen(ctx, data, m)

    def _period_chosen(self, ctx: Ctx, data: dict, m: Milestone) -> Step:
        data["campaign_id"], data["milestone_id"] = m.campaign_id, m.id
        campaign = campaigns.get(ctx.session, m.campaign_id)
        if nominations.quota_left(ctx.session, campaign, ctx.contact.unit_id, m.id) > 0:
            step = self._ask(ctx, data, S.type)
            if nominations.deadline_passed(m, ctx.now, ctx.tz):
                step.replies.insert(0, OutMessage(texts.NOMINATION_LATE_NOTE.format(
                    period=nominations.period_label(m), due=_due(ctx, m))))
            return step
        existing = nominations.active_for(ctx.session, ctx.contact.unit_id, m.id)
        buttons = [Choice(texts.NOMINATION_BTN_REPLACE.format(name=n.nominee_name), f"r:{n.id}") for n in existing]
        return goto(S.quota, OutMessage(texts.NOMINATION_QUOTA_FULL.format(
            quota=campaign.nomination_quota, period=nominations.period_label(m), due=_due(ctx, m),
            lines="\n".join(_line(ctx, n) for n in existing)),
            choices=_rows(buttons + [Choice(texts.NOMINATION_BTN_STOP, "stop")])))

    async def on_quota(self, ctx: Ctx, data: dict, inp) -> Step:
        if inp.choice == "stop":
            return done(texts.NOMINATION_STOPPED)
        ids = {f"r:{n.id}": n.id for n in nominations.active_for(ctx.session, ctx.contact.unit_id, data["milestone_id"])}
        if inp.choice not in ids:
            return goto(S.quota, texts.EXPECT_CHOICE)
        data["replace_id"] = ids[inp.choice]
        return self._ask(ctx, data, S.type)

    # --- the questions: _ask(state) shows a step's question; _next() goes on, or back to the summary when editing

    def _ask(self, ctx: Ctx, data: dict, state: S) -> Step:
        return getattr(self, f"_ask_{state}")(ctx, data)

    def _next(self, ctx: Ctx, data: dict, state: S, *before: str) -> Step:
        step = self._ask(ctx, data, S.confirm if data.get("editing") else state)
        step.replies[:0] = [OutMessage(t) for t in before]
        return step

    def _ask_type(self, ctx: Ctx, data: dict) -> Step:
        m = ctx.session.get(Milestone, data["milestone_id"])
        return goto(S.type, OutMessage(texts.NOMINATION_ASK_TYPE.format(period=nominations.period_label(m)), choices=[[
            Choice(texts.NOMINATION_TYPE_COLLECTIVE, "collective"), Choice(texts.NOMINATION_TYPE_INDIVIDUAL, "individual")]]))

    async def on_type(self, ctx: Ctx, data: dict, inp) -> Step:
        if inp.choice not in ("collective", "individual"):
            return self._ask_type(ctx, data)
        if data.get("type") != inp.choice:
            data["award"] = None  # an award form for the other kind of nominee no longer fits
        data["type"] = inp.choice
        if data.get("editing"):
            return self._ask_award(ctx, data)
        return self._ask_name(ctx, data)

    def _ask_name(self, ctx: Ctx, data: dict) -> Step:
        collective = data["type"] == "collective"
        return goto(S.name, texts.NOMINATION_ASK_NAME_COLLECTIVE if collective else texts.NOMINATION_ASK_NAME_INDIVIDUAL)

    async def on_name(self, ctx: Ctx, data: dict, inp) -> Step:
        name = _text(inp, MAX_NAME)
        if name is None:
            return goto(S.name, texts.NOMINATION_NAME_BAD.format(max=MAX_NAME))
        data["name"] = name
        return self._next(ctx, data, S.position)

    def _ask_position(self, ctx: Ctx, data: dict) -> Step:
        if data["type"] == "collective":
            return goto(S.position, OutMessage(texts.NOMINATION_ASK_POSITION_COLLECTIVE,
                                               choices=[[Choice(texts.NOMINATION_BTN_SKIP, "skip")]]))
        return goto(S.position, texts.NOMINATION_ASK_POSITION)

    async def on_position(self, ctx: Ctx, data: dict, inp) -> Step:
        if inp.choice == "skip" and data["type"] == "collective":
            data["position"] = None
        else:
            position = _text(inp, MAX_POSITION)
            if position is None:
                return goto(S.position, texts.NOMINATION_POSITION_BAD.format(max=MAX_POSITION))
            data["position"] = position
        return self._next(ctx, data, S.unit)

    def _ask_unit(self, ctx: Ctx, data: dict) -> Step:
        return goto(S.unit, OutMessage(texts.NOMINATION_ASK_UNIT.format(name=data["name"], unit=ctx.unit.name),
                                       choices=[[Choice(texts.NOMINATION_BTN_OWN_UNIT, "own")]]))

    async def on_unit(self, ctx: Ctx, data: dict, inp) -> Step:
        if inp.choice == "own":
            data["unit"] = ctx.unit.name
        else:
            unit = _text(inp, MAX_UNIT)
            if unit is None:
                return goto(S.unit, texts.NOMINATION_UNIT_BAD.format(max=MAX_UNIT))
            data["unit"] = unit
        return self._next(ctx, data, S.achievements)

    def _ask_achievements(self, ctx: Ctx, data: dict) -> Step:
        return goto(S.achievements, texts.NOMINATION_ASK_ACHIEVEMENTS)

    async def on_achievements(self, ctx: Ctx, data: dict, inp) -> Step:
        text = (inp.text or "").strip()  # keep the line breaks: it is prose
        if not text:
            return goto(S.achievements, texts.NOMINATION_ACHIEVEMENTS_EMPTY)
        if len(text) > MAX_ACHIEVEMENTS:
            return goto(S.achievements, texts.NOMINATION_ACHIEVEMENTS_TOO_LONG.format(count=vn_number(len(text))))
        data["achievements"] = text
        return self._next(ctx, data, S.innovation, texts.NOMINATION_ACHIEVEMENTS_OK.format(count=vn_number(len(text))))

    def _ask_innovation(self, ctx: Ctx, data: dict) -> Step:
        return goto(S.innovation, OutMessage(texts.NOMINATION_ASK_INNOVATION,
                                             choices=[[Choice(texts.NOMINATION_BTN_SKIP, "skip")]]))

    async def on_innovation(self, ctx: Ctx, data: dict, inp) -> Step:
        if inp.choice == "skip":
            data["innovation"] = None
        else:
            text = (inp.text or "").strip()
            if not text or len(text) > MAX_INNOVATION:
                return goto(S.innovation, texts.NOMINATION_INNOVATION_BAD.format(max=vn_number(MAX_INNOVATION)))
            data["innovation"] = text
        return self._next(ctx, data, S.award)

    def _award_choices(self, ctx: Ctx, data: dict) -> list[Choice]:
        forms = nominations.award_forms(ctx.session, collective=data["type"] == "collective")
        return [Choice(f.name, f"a:{f.id}") for f in forms]

    def _ask_award(self, ctx: Ctx, data: dict) -> Step:
        choices = self._award_choices(ctx, data)
        if not choices:  # staff disabled every form of this kind: nothing to ask
            data["award"] = None
            return self._next(ctx, data, S.files)
        return goto(S.award, OutMessage(texts.NOMINATION_ASK_AWARD,
                                        choices=_rows(choices, 2) + [[Choice(texts.NOMINATION_BTN_SKIP, "skip")]]))

    async def on_award(self, ctx: Ctx, data: dict, inp) -> Step:
        offered = {c.data: c.label for c in self._award_choices(ctx, data)}
        if inp.choice == "skip":
            data["award"] = None
        elif inp.choice in offered:
            data["award"] = offered[inp.choice]  # the name as it stands today: the nomination keeps it
        else:
            return self._ask_award(ctx, data)
        return self._next(ctx, data, S.files)

    def _files_buttons(self, data: dict) -> list[list[Choice]]:
        row = [Choice(texts.NOMINATION_BTN_DONE, "done")]
        if data.get("files"):
            row.append(Choice(texts.NOMINATION_BTN_CLEAR_FILES, "clear"))
        return [row]

    def _ask_files(self, ctx: Ctx, data: dict) -> Step:
        return goto(S.files, OutMessage(texts.NOMINATION_ASK_FILES, choices=self._files_buttons(data)))

    async def on_files(self, ctx: Ctx, data: dict, inp) -> Step:
        if inp.choice == "done":
            data["editing"] = False
            return self._ask_confirm(ctx, data)
        if inp.choice == "clear":
            data["files"] = []
            return self._ask_files(ctx, data)
        arrival = files_arriving(inp, data, S.files)
        if arrival is None:
            return goto(S.files, OutMessage(texts.NOMINATION_FILES_EXPECTED, choices=self._files_buttons(data)))
        if arrival.fetch:
            return arrival.fetch
        refs, problems = arrival.refs, arrival.problems
        data["files"] = data.get("files", []) + refs
        lines = problems + ([texts.NOMINATION_FILES_RECEIVED.format(count=len(refs), total=len(data["files"]))]
                            if refs else [])
        return goto(S.files, OutMessage("\n".join(lines), choices=self._files_buttons(data)))

    # --- summary, edit, confirm

    def _ask_confirm(self, ctx: Ctx, data: dict) -> Step:
        data["editing"] = False
        return goto(S.confirm, OutMessage(_summary(ctx, data), choices=[[
            Choice(texts.NOMINATION_BTN_CONFIRM, "ok"), Choice(texts.NOMINATION_BTN_EDIT, "edit"),
            Choice(texts.NOMINATION_BTN_CANCEL, "cancel")]]))

    async def on_confirm(self, ctx: Ctx, data: dict, inp) -> Step:
        if inp.choice == "cancel":
            return done(texts.NOMINATION_CANCELLED)
        if inp.choice == "edit":
            labels = texts.NOMINATION_EDIT_FIELDS
            return goto(S.edit, OutMessage(texts.NOMINATION_ASK_EDIT,
                                           choices=_rows([Choice(label, key) for key, label in labels.items()], 4)))
        if inp.choice == "ok":
            return self._save(ctx, data)
        return self._ask_confirm(ctx, data)

    async def on_edit(self, ctx: Ctx, data: dict, inp) -> Step:
        if inp.choice not in texts.NOMINATION_EDIT_FIELDS:
            return goto(S.edit, texts.EXPECT_CHOICE)
        data["editing"] = True
        return self._ask(ctx, data, S(inp.choice))

    def _save(self, ctx: Ctx, data: dict) -> Step:
        m, refusal = _round_for_unit(ctx, data["milestone_id"])
        if m is None:  # the round may close (or the deadline pass) while the contact types
            return done(refusal)
        unit_id = ctx.contact.unit_id
        old = nominations.get(ctx.session, data["replace_id"]) if data.get("replace_id") else None
        if old is not None and (old.unit_id, old.milestone_id, old.status in nominations.ACTIVE) != (unit_id, m.id, True):
            old = None  # already withdrawn or returned meanwhile: nothing to replace
        campaign = campaigns.get(ctx.session, m.campaign_id)
        if nominations.quota_left(ctx.session, campaign, unit_id, m.id) + (1 if old else 0) <= 0:
            return done(texts.NOMINATION_QUOTA_CHANGED.format(period=nominations.period_label(m)))
        new = self._create(ctx, data, m, old)
        return done(self._receipt(ctx, new, m, campaign.title, old))

    def _create(self, ctx: Ctx, data: dict, m: Milestone, old: Nomination | None) -> Nomination:
        if old is not None:
            nominations.set_status(ctx.session, old, NominationStatus.withdrawn, now=ctx.now)
            ctx.audit("nomination_replaced", f"nomination:{old.id}")
        year = texts.local(ctx.now, ctx.tz).year
        new = nominations.create(ctx.session, Nomination(
            reference=nominations.next_reference(ctx.session, year), campaign_id=m.campaign_id, milestone_id=m.id,
            unit_id=ctx.contact.unit_id, period_label=nominations.period_label(m), nominee_type=data["type"],
            nominee_name=data["name"], position=data.get("position"), nominee_unit=data["unit"],
            achievements=data["achievements"], innovation=data.get("innovation"), award_form=data.get("award"),
            contact_id=ctx.contact.id, submitted_at=ctx.now, late=nominations.deadline_passed(m, ctx.now, ctx.tz),
            amends_id=data.get("amends_id")),
            store_refs(ctx, data.get("files", [])))
        ctx.audit("nomination_submitted", f"nomination:{new.id}", reference=new.reference,
                  replaces=old.reference if old else None, amends=data.get("amends_id"))
        return new

    def _receipt(self, ctx: Ctx, n: Nomination, m: Milestone, campaign_title: str, old: Nomination | None) -> str:
        text = texts.NOMINATION_RECEIPT.format(
            reference=n.reference, period=nominations.period_label(m), campaign=campaign_title, name=n.nominee_name,
            type=texts.NOMINATION_TYPE_LABELS[n.nominee_type], files=len(nominations.files_of(ctx.session, n.id)),
            at=texts.fmt_datetime(n.submitted_at, ctx.tz))
        text += texts.NOMINATION_RECEIPT_LATE.format(due=_due(ctx, m)) if n.late else ""
        amended = nominations.get(ctx.session, n.amends_id) if n.amends_id else None
        text += texts.NOMINATION_RECEIPT_AMENDS.format(reference=amended.reference) if amended else ""
        return text + (texts.NOMINATION_RECEIPT_REPLACED.format(reference=old.reference) if old else "")

    # --- withdrawal

    def _ask_withdraw(self, ctx: Ctx) -> Step:
        existing = nominations.active_of_unit(ctx.session, ctx.contact.unit_id)
        if not existing:
            return done(texts.NOMINATION_NOTHING_TO_WITHDRAW)
        buttons = [Choice(f"{n.reference} · {n.nominee_name}", str(n.id)) for n in existing]
        return goto(S.withdraw_pick, OutMessage(texts.NOMINATION_PICK_WITHDRAW, choices=_rows(buttons)))

    def _withdrawable(self, ctx: Ctx, value: str | None) -> Nomination | None:
        n = nominations.get(ctx.session, int(value)) if (value or "").isdigit() else None
        ok = n is not None and n.unit_id == ctx.contact.unit_id and n.status in nominations.ACTIVE
        return n if ok else None

    def _too_late(self, ctx: Ctx, n: Nomination) -> Step | None:
        m = ctx.session.get(Milestone, n.milestone_id)
        if not nominations.deadline_passed(m, ctx.now, ctx.tz):
            return None
        ctx.audit("nomination_withdraw_refused", f"nomination:{n.id}", reason="deadline_passed")
        return done(texts.NOMINATION_WITHDRAW_TOO_LATE.format(reference=n.reference,
                                                              period=nominations.period_label(m), due=_due(ctx, m)))

    async def on_withdraw_pick(self, ctx: Ctx, data: dict, inp) -> Step:
        n = self._withdrawable(ctx, inp.choice)
        if n is None:
            return self._ask_withdraw(ctx)
        late = self._too_late(ctx, n)
        if late:
            return late
        data["withdraw_id"] = n.id
        m = ctx.session.get(Milestone, n.milestone_id)
        return goto(S.withdraw_confirm, OutMessage(texts.NOMINATION_CONFIRM_WITHDRAW.format(
            reference=n.reference, name=n.nominee_name, period=nominations.period_label(m)), choices=[[
                Choice(texts.NOMINATION_BTN_CONFIRM_WITHDRAW, "yes"), Choice(texts.NOMINATION_BTN_STOP, "no")]]))

    async def on_withdraw_confirm(self, ctx: Ctx, data: dict, inp) -> Step:
        if inp.choice != "yes":
            return done(texts.NOMINATION_STOPPED)
        n = self._withdrawable(ctx, str(data.get("withdraw_id")))
        if n is None:
            return done(texts.NOMINATION_NOTHING_TO_WITHDRAW)
        late = self._too_late(ctx, n)  # checked again: the deadline may have passed since the question
        if late:
            return late
        nominations.set_status(ctx.session, n, NominationStatus.withdrawn, now=ctx.now)
        ctx.audit("nomination_withdrawn", f"nomination:{n.id}", reference=n.reference)
        return done(texts.NOMINATION_WITHDRAWN.format(reference=n.reference))


# ------------------------------------------------------------------------------------------ entry points

@command("decu", CONTACT, starts_flow=True)
async def decu(ctx: Ctx):
    return await ctx.start_flow("nominate")


@action("nominate", CONTACT, starts_flow=True)
async def nominate_button(ctx: Ctx):
    """Main menu ("g|nominate|") or a reminder ("g|nominate|<milestone id>"): begin() re-checks the milestone."""
    arg = (ctx.inbound.args or "").strip()
    return await ctx.start_flow("nominate", milestone_id=int(arg) if arg.isdigit() else None)
