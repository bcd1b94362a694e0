"""/taochiendich: a staff member hands the bot the plan document and gets a campaign draft to confirm.

waiting_file → review ⇄ (pick → edit → new_date | new_kind) | (add_kind → add_date → add_title) → units
(→ codes) → saved as a draft campaign with the plan attached, ready for /phatdong.
"""
from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path

from bot import texts
from db import campaign_admin, scope
from db import files as file_store
from db.campaign_admin import CampaignSpec, MilestoneSpec, UnitSelection
from handlers import fetching, milestone_lines
from handlers.staff_campaign import title_problem
from handlers.engine import STAFF, Ctx, Flow, Step, command, done, fetch, flow, goto
from handlers.io import Choice, Inbound, IncomingFile, OutMessage
from schedules.nomination_rules import nomination_rule
from schedules.plans import parse_plan, who_category
from schedules.documents import UnreadableDocument, read_text_document
from schedules.vndates import DateInputError, parse_user_date

PLAN_EXTENSIONS = (".docx", ".pdf", ".txt")
MAX_PLAN_BYTES = 20 * 1024 * 1024
MILESTONE_KINDS = ["plan_submission", "registration", "preliminary_report", "final_report", "periodic_report",
                   "award_dossier", "nomination", "event", "other"]


MAX_SKIPPED_SHOWN = 12


class S(StrEnum):
    waiting_file = "waiting_file"
    reading = "reading"          # downloading and parsing, outside any transaction
    review = "review"
    pick = "pick"
    edit = "edit"
    new_date = "new_date"
    new_kind = "new_kind"
    add_kind = "add_kind"
    add_date = "add_date"
    add_title = "add_title"
    units = "units"
    codes = "codes"
    take = "take"                # a date the reader did not keep, made a milestone
    take_kind = "take_kind"


# ------------------------------------------------------------------------------------------- rendering

def _date_text(iso: str | None) -> str:
    return texts.fmt_date(date.fromisoformat(iso)) if iso else texts.PLAN_NO_VALUE


def _draft_text(data: dict) -> str:
    d = data["draft"]
    period = f"{_date_text(d.get('period_start'))} – {_date_text(d.get('period_end'))}"
    lines = [texts.PLAN_DRAFT_HEADER.format(name=data["file"]["name"]),
             texts.PLAN_DRAFT_FIELDS.format(title=d.get("title") or texts.PLAN_NO_VALUE,
                                            number=d.get("doc_number") or texts.PLAN_NO_VALUE,
                                            issued=_date_text(d.get("issued_date")), period=period), ""]
    milestones = d["milestones"]
    lines.append(texts.PLAN_MILESTONES_HEADER if milestones else texts.PLAN_NO_MILESTONES)
    for n, m in enumerate(milestones, 1):
        line = texts.PLAN_MILESTONE_LINE.format(n=n, date=_date_text(m["date"]),
                                                precision=texts.PLAN_PRECISION.get(m.get("precision", "day"), ""),
                                                kind=texts.kind_label(m["kind"]), who=m.get("who") or "",
                                                text=m.get("text", ""))
        lines.append(line + ("" if _units_act(m) else texts.PLAN_OFFICE_STEP))
    rule = nomination_rule(d)
    if rule is not None:
        lines += ["", texts.PLAN_NOMINATION_RULE.format(
            quota=rule.quota or 1, every=texts.PLAN_EVERY.get(rule.every, texts.PLAN_ONCE) if rule.every else texts.PLAN_ONCE)]
    if d.get("recurring"):
        lines += ["", texts.PLAN_RECURRING_HEADER]
        lines += [f"• {texts.PLAN_EVERY.get(r['every'], r['every'])}: {r['what']}" for r in d["recurring"]]
    if d.get("dossier"):   # the checklist schools get for the dossier milestones
        lines += ["", texts.PLAN_DOSSIER_LINE.format(items="; ".join(d["dossier"]))]
    if d.get("recurring_milestones"):   # the units' recurring hand-ins: one milestone per period once saved
        lines += ["", texts.PLAN_RECURRING_MILESTONES_HEADER]
        lines += [texts.PLAN_RECURRING_MILESTONE_LINE.format(
            every=texts.PLAN_EVERY.get(m["recurrence"], m["recurrence"]), kind=texts.kind_label(m["kind"]),
            who=m.get("who") or "", date=_date_text(m["date"])) for m in d["recurring_milestones"]]
    skipped = d.get("skipped") or []
    if skipped:   # folded: the dates only, the phrases come with «Lấy một ngày làm mốc»
        lines += ["", texts.PLAN_SKIPPED_HEADER.format(count=len(skipped))]
        lines.append("; ".join(texts.PLAN_SKIPPED_ITEM.format(
            date=_date_text(s["date"]), reason=texts.PLAN_SKIP_REASONS.get(s["reason"], s["reason"]))
            for s in skipped[:MAX_SKIPPED_SHOWN]) + ("; …" if len(skipped) > MAX_SKIPPED_SHOWN else ""))
    return "\n".join(lines)


def _review(data: dict, *notes: str) -> Step:
    buttons = [[Choice(texts.PLAN_BTN_CONTINUE, "continue")],
               [Choice(texts.PLAN_BTN_EDIT, "edit"), Choice(texts.PLAN_BTN_ADD, "add")],
               [Choice(texts.PLAN_BTN_CANCEL, "cancel")]]
    if not data["draft"]["milestones"]:
        buttons[1] = [Choice(texts.PLAN_BTN_ADD, "add")]
    if data["draft"].get("skipped"):
        buttons.insert(2, [Choice(texts.PLAN_BTN_TAKE, "take")])
    return goto(S.review, *notes, OutMessage(_draft_text(data), choices=buttons))


def _kind_buttons() -> list[list[Choice]]:
    return [[Choice(texts.kind_label(k), k)] for k in MILESTONE_KINDS]


def _units_act(m: dict) -> bool:
    return who_category(m.get("who")) != "office"


# ------------------------------------------------------------------------------------------- reading the plan

def _is_plan_file(f: IncomingFile) -> bool:
    return Path(f.name or "").suffix.lower() in PLAN_EXTENSIONS


def parse_plan_file(path: Path, name: str, mime: str | None, today: date) -> dict:
    """A plan's draft from its file, read through the guarded reader (raises UnreadableDocument)."""
    return parse_plan(read_text_document(path, name, mime), today=today)


@fetching.preparer("plan_draft")
def _draft_preparer(files: list, today: str) -> dict:
    """Runs in a thread after the download: parsing a long PDF takes seconds and holds nothing."""
    path, fetched = files[0]
    try:
        return {"draft": parse_plan_file(path, fetched.name or "", fetched.mime, date.fromisoformat(today))}
    except UnreadableDocument as problem:   # corrupt, encrypted, empty, mislabelled, scanned: say which
        return {"problem": problem.message}
    except (ValueError, OSError) as exc:
        return {"error": str(exc)[:120]}


@command("taochiendich", STAFF, starts_flow=True)
async def create_from_plan(ctx: Ctx):
    return await ctx.start_flow("plan_import", files=[f.__dict__ for f in ctx.inbound.files])


@flow
class PlanImport(Flow):
    name, title, audience = "plan_import", texts.PLAN_FLOW_TITLE, STAFF

    async def begin(self, ctx: Ctx, data: dict, files: list[dict] | None = None) -> Step:
        if files:
            return await self._read(ctx, data, IncomingFile(**files[0]))
        return goto(S.waiting_file, texts.PLAN_ASK_FILE)

    async def on_waiting_file(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        if not inp.files:
            return goto(S.waiting_file, texts.PLAN_TEXT_NOT_FILE)
        return await self._read(ctx, data, inp.files[0])

    async def _read(self, ctx: Ctx, data: dict, f: IncomingFile) -> Step:
        if not _is_plan_file(f):
            return goto(S.waiting_file, texts.PLAN_BAD_FILE)
        if f.size and f.size > MAX_PLAN_BYTES:
            return goto(S.waiting_file, texts.PLAN_TOO_BIG)
        today = texts.local(ctx.now, ctx.tz).date().isoformat()
        return fetch(S.reading, [f], prepare=("plan_draft", {"today": today}))

    async def on_reading(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        got = (inp.fetched or [None])[0]
        if got is None or got.error == "download":
            return goto(S.waiting_file, texts.PLAN_DOWNLOAD_FAILED)
        if got.error == "too_big":
            return goto(S.waiting_file, texts.PLAN_TOO_BIG)
        prepared = inp.prepared or {"error": "?"}
        if "problem" in prepared:
            return goto(S.waiting_file, prepared["problem"])
        if "draft" not in prepared:
            return goto(S.waiting_file, texts.PLAN_UNREADABLE.format(reason=prepared["error"]))
        data["file"] = dict(ref=got.ref, name=got.name, mime=got.mime, size=got.size, kind=got.kind,
                            sha256=got.sha256)
        data["draft"] = prepared["draft"]
        return _review(data)

    async def on_review(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        if inp.choice == "continue":
            return self._ask_units(ctx)
        if inp.choice == "edit" and data["draft"]["milestones"]:
            rows = [[Choice(f"{n}. {_date_text(m['date'])} · {texts.kind_label(m['kind'])}", str(n - 1))]
                    for n, m in enumerate(data["draft"]["milestones"], 1)]
            return goto(S.pick, OutMessage(texts.PLAN_PICK_MILESTONE, choices=rows))
        if inp.choice == "add":
            return goto(S.add_kind, OutMessage(texts.PLAN_ASK_KIND, choices=_kind_buttons()))
        if inp.choice == "take" and data["draft"].get("skipped"):
            return self._ask_take(data)
        if inp.choice == "cancel":
            return done(texts.CANCELLED)
        return _review(data, texts.EXPECT_CHOICE)

    def _ask_take(self, data: dict) -> Step:
        skipped = data["draft"]["skipped"][:MAX_SKIPPED_SHOWN]
        lines = [texts.PLAN_TAKE_ASK] + [f"{n}. {_date_text(s['date'])} — {s['text']}" for n, s in enumerate(skipped, 1)]
        rows = [[Choice(f"{n}. {_date_text(s['date'])}", str(n - 1)) for n, s in enumerate(skipped, 1)][i:i + 4]
                for i in range(0, len(skipped), 4)]
        return goto(S.take, OutMessage("\n".join(lines), choices=rows + [[Choice(texts.PLAN_BTN_BACK, "back")]]))

    async def on_take(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        skipped = data["draft"].get("skipped") or []
        index = int(inp.choice) if (inp.choice or "").isdigit() else -1
        if not 0 <= index < min(len(skipped), MAX_SKIPPED_SHOWN):
            return _review(data)
        data["taking"] = index
        return goto(S.take_kind, OutMessage(texts.PLAN_ASK_KIND, choices=_kind_buttons()))

    async def on_take_kind(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        if inp.choice not in MILESTONE_KINDS:
            return goto(S.take_kind, OutMessage(texts.PLAN_ASK_KIND, choices=_kind_buttons()))
        taken = data["draft"]["skipped"].pop(data.pop("taking"))
        data["draft"]["milestones"].append({"date": taken["date"], "precision": taken.get("precision", "day"),
                                            "kind": inp.choice, "who": texts.PLAN_WHO_UNITS, "text": taken["text"],
                                            "title": milestone_lines.phrase_title(taken["text"], 120)})
        data["draft"]["milestones"].sort(key=lambda m: m["date"])
        return _review(data, texts.PLAN_TAKEN.format(date=_date_text(taken["date"])))

    async def on_pick(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        index = int(inp.choice) if (inp.choice or "").isdigit() else -1
        if not 0 <= index < len(data["draft"]["milestones"]):
            return _review(data, texts.EXPECT_CHOICE)
        data["editing"] = index
        m = data["draft"]["milestones"][index]
        return goto(S.edit, OutMessage(
            texts.PLAN_EDIT_WHAT.format(n=index + 1, date=_date_text(m["date"]), kind=texts.kind_label(m["kind"])),
            choices=[[Choice(texts.PLAN_BTN_DATE, "date"), Choice(texts.PLAN_BTN_KIND, "kind")],
                     [Choice(texts.PLAN_BTN_DROP, "drop"), Choice(texts.PLAN_BTN_BACK, "back")]]))

    async def on_edit(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        index = data["editing"]
        if inp.choice == "date":
            return goto(S.new_date, texts.PLAN_ASK_DATE)
        if inp.choice == "kind":
            return goto(S.new_kind, OutMessage(texts.PLAN_ASK_KIND, choices=_kind_buttons()))
        if inp.choice == "drop":
            data["draft"]["milestones"].pop(index)
            return _review(data, texts.PLAN_DROPPED.format(n=index + 1))
        return _review(data)

    async def on_new_date(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        parsed = self._typed_date(ctx, inp)
        if isinstance(parsed, str):
            return goto(S.new_date, parsed)
        m = data["draft"]["milestones"][data["editing"]]
        m["date"], m["precision"] = parsed.isoformat(), "day"
        return _review(data)

    async def on_new_kind(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        if inp.choice not in MILESTONE_KINDS:
            return goto(S.new_kind, OutMessage(texts.PLAN_ASK_KIND, choices=_kind_buttons()))
        data["draft"]["milestones"][data["editing"]]["kind"] = inp.choice
        return _review(data)

    async def on_add_kind(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        if inp.choice not in MILESTONE_KINDS:
            return goto(S.add_kind, OutMessage(texts.PLAN_ASK_KIND, choices=_kind_buttons()))
        data["adding"] = {"kind": inp.choice, "precision": "day", "who": texts.PLAN_WHO_UNITS}
        return goto(S.add_date, texts.PLAN_ASK_DATE)

    async def on_add_date(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        parsed = self._typed_date(ctx, inp)
        if isinstance(parsed, str):
            return goto(S.add_date, parsed)
        data["adding"]["date"] = parsed.isoformat()
        return goto(S.add_title, texts.PLAN_ASK_TITLE)

    async def on_add_title(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        if not inp.text:
            return goto(S.add_title, texts.PLAN_ASK_TITLE)
        problem = title_problem(" ".join(inp.text.split()), texts.local(ctx.now, ctx.tz).date())
        if problem:
            return goto(S.add_title, problem)
        milestone = {**data.pop("adding"), "text": inp.text[:300], "title": inp.text[:300]}
        data["draft"]["milestones"].append(milestone)
        data["draft"]["milestones"].sort(key=lambda m: m["date"])
        return _review(data)

    def _typed_date(self, ctx: Ctx, inp: Inbound) -> date | str:
        try:
            return parse_user_date(inp.text or "", today=texts.local(ctx.now, ctx.tz).date())
        except DateInputError as exc:
            return texts.PLAN_BAD_DATE.format(text=inp.text or "", reason=texts.PLAN_DATE_REASONS.get(exc.reason, ""))

    # ------------------------------------------------------------------------------------- units and saving

    def _ask_units(self, ctx: Ctx) -> Step:
        total = scope.unit_count_for_staff(ctx.session, ctx.staff)
        if total == 0:
            return done(texts.PLAN_NO_UNITS)
        rows = [[Choice(texts.PLAN_BTN_ALL_UNITS.format(count=total), "all")]]
        rows += [[Choice(texts.PLAN_BTN_CLUSTER.format(name=c), f"cluster:{i}")]
                 for i, c in enumerate(scope.clusters_for_staff(ctx.session, ctx.staff))]
        rows.append([Choice(texts.PLAN_BTN_CODES, "codes")])
        return goto(S.units, OutMessage(texts.PLAN_ASK_UNITS, choices=rows))

    async def on_units(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        choice = inp.choice or ""
        if choice == "all":
            return await self._save(ctx, data, UnitSelection("all"))
        if choice.startswith("cluster:") and choice[8:].isdigit():
            names = scope.clusters_for_staff(ctx.session, ctx.staff)
            index = int(choice[8:])
            if index < len(names):
                return await self._save(ctx, data, UnitSelection("clusters", clusters=[names[index]]))
        if choice == "codes":
            return goto(S.codes, texts.PLAN_ASK_CODES)
        return self._ask_units(ctx)

    async def on_codes(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        codes = [c.strip() for c in (inp.text or "").replace(";", ",").split(",") if c.strip()]
        _found, unknown = scope.units_by_codes_for_staff(ctx.session, ctx.staff, codes)
        if not codes or unknown:
            return goto(S.codes, texts.PLAN_UNKNOWN_CODES.format(codes=", ".join(unknown) or "—"))
        return await self._save(ctx, data, UnitSelection("codes", codes=codes))

    async def _save(self, ctx: Ctx, data: dict, selection: UnitSelection) -> Step:
        f = data["file"]   # in the blob store since it was read
        stored = file_store.add_blob(ctx.session, file_store.Blob(f["sha256"], f["size"]), f["name"], f["mime"])
        d = data["draft"]
        spec = CampaignSpec(
            title=d.get("title") or f["name"], doc_number=d.get("doc_number"),
            issued=_iso(d.get("issued_date")), period_start=_iso(d.get("period_start")),
            period_end=_iso(d.get("period_end")), unit_ids=scope.unit_ids_for_staff(ctx.session, ctx.staff, selection),
            milestones=_milestone_specs(d["milestones"], d.get("dossier")), plan_file_id=stored.id,
            office_id=ctx.staff.office_id, staff_id=ctx.staff.id, issuer=d.get("issuer"))
        campaign = campaign_admin.create_campaign(ctx.session, spec, ctx.tz)
        campaign.details = {k: d[k] for k in ("contact", "awards", "nomination_quota", "dossier", "recurring") if d.get(k)}
        rounds = self._apply_nomination_rule(ctx, campaign, d)
        periodic = [row for m in d.get("recurring_milestones") or [] for row in campaign_admin.add_recurring_milestone(
            ctx.session, campaign, _milestone_specs([m])[0], m["recurrence"], ctx.tz)]
        ctx.audit("campaign_created_from_plan", f"campaign:{campaign.id}", file=f["name"],
                  milestones=len(spec.milestones), units=len(spec.unit_ids))
        saved = texts.PLAN_SAVED.format(id=campaign.id, milestones=len(spec.milestones) + len(rounds) + len(periodic),
                                        units=len(spec.unit_ids))
        return done(saved + (texts.PLAN_ROUNDS_ADDED.format(count=len(rounds)) if rounds else "")
                    + (texts.PLAN_RECURRING_ADDED.format(count=len(periodic)) if periodic else ""))

    @staticmethod
    def _apply_nomination_rule(ctx: Ctx, campaign, d: dict) -> list:
        """The plan's quota becomes the campaign's; a recurring obligation becomes one round per period
        (unless the draft already dates its nomination milestones)."""
        rule = nomination_rule(d)
        if rule is None:
            return []
        if rule.quota:
            campaign.nomination_quota = rule.quota
        dated = any(m["kind"] == "nomination" for m in d["milestones"])
        if not rule.every or dated:
            return []
        return campaign_admin.add_nomination_rounds(ctx.session, campaign, rule.every, texts.PLAN_ROUND_TITLE, ctx.tz)


def _iso(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _milestone_title(m: dict, same_kind: int) -> str:
    """A short label for lists and reminders; the plan's own phrase is kept as source_text."""
    label = m.get("title") or texts.kind_label(m["kind"])
    if (m["kind"] == "event" or not _units_act(m)) and m.get("text") and not m.get("title"):
        return milestone_lines.phrase_title(m["text"])   # "Sơ kết trong tháng 02/2024", not "Sự kiện"
    if same_kind > 1:  # two milestones of one kind: tell them apart by date
        label += f" ({_date_text(m['date'])})"
    return label


def _milestone_specs(milestones: list[dict], dossier: list[str] | None = None) -> list[MilestoneSpec]:
    """The campaign's milestones; a dossier milestone's checklist is the plan's own list of documents."""
    kinds = [m["kind"] for m in milestones]
    return [MilestoneSpec(kind=m["kind"], title=_milestone_title(m, kinds.count(m["kind"]))[:300],
                          due=date.fromisoformat(m["date"]), precision=m.get("precision", "day"),
                          who=m.get("who"), units_act=_units_act(m), source_text=m.get("text"),
                          documents=list(dossier or []) if m["kind"] == "award_dossier" else [])
            for m in milestones]
