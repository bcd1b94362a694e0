"""/taomoi: a staff member creates a campaign by hand, step by step (not from a plan document: /taochiendich).

title → doc number → issued date → period → units (all / clusters / codes) → milestones (kind, title, due,
documents; repeat) → plan file → summary → save as a draft. Dates are typed the Vietnamese way and checked
(schedules.vndates); a due date in the past is only kept after the staff member confirms it.
"""
from __future__ import annotations

import re
from datetime import date
from enum import StrEnum

from bot import texts
from db import campaign_admin as admin
from db import files as file_store
from db import scope
from db.campaign_admin import CampaignSpec, MilestoneSpec, UnitSelection
from handlers.engine import STAFF, Ctx, Step, command, done, fetch, flow, goto
from handlers.io import Choice, Inbound, OutMessage
from handlers.progress import StaffFlow
from schedules.nomination_rules import MAX_QUOTA, parse_quota
from schedules.vndates import DateInputError, parse_user_date, parse_user_period

MAX_PLAN_BYTES = 20 * 1024 * 1024   # what Telegram lets a bot download
SKIP, DONE, DEFAULT = "skip", "done", "default"
CODE_SEPARATOR = re.compile(r"[\s,;]+")


class S(StrEnum):
    title = "title"
    doc_number = "doc_number"
    issued = "issued"
    period = "period"
    units = "units"
    clusters = "clusters"
    codes = "codes"
    ms_kind = "ms_kind"
    ms_title = "ms_title"
    ms_due = "ms_due"
    ms_past = "ms_past"
    ms_docs = "ms_docs"
    ms_more = "ms_more"
    ms_quota = "ms_quota"
    plan = "plan"
    confirm = "confirm"


# ------------------------------------------------------------------------------------------ date helpers

def local_today(ctx: Ctx) -> date:
    return texts.local(ctx.now, ctx.tz).date()


def date_problem(reason: str, typed: str) -> str:
    return texts.CAMPAIGN_DATE_PROBLEMS[reason].format(text=typed)


def parse_date(text: str | None, today: date) -> tuple[date | None, str | None]:
    """(date, None) or (None, the sentence explaining what is wrong)."""
    try:
        return parse_user_date(text or "", today=today), None
    except DateInputError as exc:
        return None, date_problem(exc.reason, text or "")


def parse_period(text: str, today: date) -> tuple[date | None, date] | None:
    """'05/09/2026 - 31/05/2027', 'từ 1/1/2027 đến 25/5/2027', 'đến hết tháng 5/2027' (schedules.vndates)."""
    try:
        return parse_user_period(text or "", today=today)
    except DateInputError:
        return None


# ------------------------------------------------------------------------------------------ small builders

def ask(state: S, text: str, *rows: list[Choice], before: tuple[str | OutMessage, ...] = ()) -> Step:
    return goto(state, *before, OutMessage(text, choices=[r for r in rows if r]))


def skip_row() -> list[Choice]:
    return [Choice(texts.CAMPAIGN_SKIP, SKIP)]


def kind_rows() -> list[list[Choice]]:
    kinds = [Choice(label, kind) for kind, label in texts.KIND_LABELS.items()]
    return [kinds[i:i + 2] for i in range(0, len(kinds), 2)]


def title_problem(title: str, today: date) -> str | None:
    """Why a typed milestone name is doubtful: it reads as a date ("25/1" typed at the wrong prompt), or it is
    too short to tell schools anything. None when it is fine."""
    letters = sum(ch.isalpha() for ch in title)
    try:
        parse_user_date(title, today=today)
        return texts.TITLE_LOOKS_LIKE_DATE.format(text=title[:40])
    except DateInputError as exc:
        if exc.reason == "impossible":   # "31/02": still a date, just a wrong one
            return texts.TITLE_LOOKS_LIKE_DATE.format(text=title[:40])
    if letters < 3:
        return texts.TITLE_TOO_SHORT.format(text=title[:40])
    return None


def milestone_line(ms: dict) -> str:
    kind = texts.kind_label(ms["kind"])
    due = texts.fmt_date(date.fromisoformat(ms["due"]))
    if ms["title"].casefold().startswith(kind.casefold()):   # never "Báo cáo sơ kết: Báo cáo sơ kết học kỳ I"
        line = texts.CAMPAIGN_MS_LINE_TITLE_ONLY.format(title=ms["title"], due=due)
    else:
        line = texts.CAMPAIGN_MS_LINE.format(kind=kind, title=ms["title"], due=due)
    if ms.get("docs"):
        line += texts.CAMPAIGN_MS_DOCS.format(docs="; ".join(ms["docs"]))
    return line


def doc_lines(text: str) -> list[str]:
    """One required document per line; list bullets are dropped."""
    cleaned = (line.strip().lstrip("-•*+").strip() for line in text.splitlines())
    return [line for line in cleaned if line]


def _fmt_optional_date(iso: str | None) -> str:
    return texts.fmt_date(date.fromisoformat(iso)) if iso else texts.CAMPAIGN_NOT_GIVEN


# ------------------------------------------------------------------------------------------ the flow

@flow
class CreateCampaign(StaffFlow):   # StaffFlow: a staff member deactivated mid-flow is stopped
    name, title = "create_campaign", texts.CAMPAIGN_FLOW_TITLE

    async def begin(self, ctx: Ctx, data: dict, **kw) -> Step:
        if scope.unit_count_for_staff(ctx.session, ctx.staff) == 0:
            return done(texts.CAMPAIGN_NO_UNITS)
        data["milestones"] = []
        return goto(S.title, texts.CAMPAIGN_ASK_TITLE)

    # --- title, document, dates

    async def on_title(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        title = (inp.text or "").strip()
        if len(title) < 5:
            return goto(S.title, texts.CAMPAIGN_TITLE_TOO_SHORT)
        data["title"] = title
        return ask(S.doc_number, texts.CAMPAIGN_ASK_DOC_NUMBER, skip_row())

    async def on_doc_number(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        if inp.choice != SKIP and not inp.text:
            return ask(S.doc_number, texts.CAMPAIGN_ASK_DOC_NUMBER, skip_row())
        data["doc_number"] = None if inp.choice == SKIP else inp.text.strip()
        return ask(S.issued, texts.CAMPAIGN_ASK_ISSUED, skip_row())

    async def on_issued(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        if inp.choice != SKIP:
            issued, problem = parse_date(inp.text, local_today(ctx))
            if problem:
                return ask(S.issued, problem, skip_row())
            data["issued"] = issued.isoformat()
        return ask(S.period, texts.CAMPAIGN_ASK_PERIOD, skip_row())

    async def on_period(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        if inp.choice != SKIP:
            try:
                start, end = parse_user_period(inp.text or "", today=local_today(ctx))
            except DateInputError as exc:
                problem = (date_problem(exc.reason, inp.text or "") if exc.reason == "impossible"
                           else texts.CAMPAIGN_PERIOD_UNREADABLE)
                return ask(S.period, problem, skip_row())
            if start is not None and end < start:
                return ask(S.period, texts.CAMPAIGN_PERIOD_REVERSED.format(
                    start=texts.fmt_date(start), end=texts.fmt_date(end)), skip_row())
            data["period"] = [start.isoformat() if start else None, end.isoformat()]
        return self.ask_units(ctx)

    # --- participating units

    def ask_units(self, ctx: Ctx, *before: str) -> Step:
        n = scope.unit_count_for_staff(ctx.session, ctx.staff)
        return ask(S.units, texts.CAMPAIGN_ASK_UNITS,
                   [Choice(texts.CAMPAIGN_UNITS_ALL.format(n=n), "all")],
                   [Choice(texts.CAMPAIGN_UNITS_BY_CLUSTER, "clusters"), Choice(texts.CAMPAIGN_UNITS_BY_CODE, "codes")],
                   before=before)

    async def on_units(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        if inp.choice == "all":
            data["units"] = UnitSelection("all").to_json()
            return self.ask_kind(data)
        if inp.choice == "clusters":
            data["cluster_names"] = scope.clusters_for_staff(ctx.session, ctx.staff)
            if not data["cluster_names"]:
                return self.ask_units(ctx, texts.CAMPAIGN_NO_CLUSTERS)
            data["chosen"] = []
            return self.ask_clusters(data)
        if inp.choice == "codes":
            return goto(S.codes, texts.CAMPAIGN_ASK_CODES)
        return self.ask_units(ctx, texts.CAMPAIGN_CHOOSE_BUTTON)

    def ask_clusters(self, data: dict, *before: str) -> Step:
        names, chosen = data["cluster_names"], set(data["chosen"])
        buttons = [Choice(("✓ " if n in chosen else "") + n, f"c{i}") for i, n in enumerate(names)]
        rows = [buttons[i:i + 2] for i in range(0, len(buttons), 2)] + [[Choice(texts.CAMPAIGN_DONE, DONE)]]
        shown = texts.CAMPAIGN_CLUSTERS_CHOSEN.format(names=", ".join(data["chosen"])) if chosen else ""
        return ask(S.clusters, texts.CAMPAIGN_ASK_CLUSTERS.format(chosen=shown), *rows, before=before)

    async def on_clusters(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        if inp.choice == DONE:
            if not data["chosen"]:
                return self.ask_clusters(data, texts.CAMPAIGN_CLUSTERS_NONE)
            data["units"] = UnitSelection("clusters", clusters=list(data["chosen"])).to_json()
            return self.ask_kind(data)
        index = int(inp.choice[1:]) if inp.choice and re.fullmatch(r"c\d+", inp.choice) else -1
        if not 0 <= index < len(data["cluster_names"]):
            return self.ask_clusters(data, texts.CAMPAIGN_CHOOSE_BUTTON)
        name = data["cluster_names"][index]
        data["chosen"] = [n for n in data["chosen"] if n != name] if name in data["chosen"] else data["chosen"] + [name]
        return self.ask_clusters(data)

    async def on_codes(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        codes = [c for c in CODE_SEPARATOR.split(inp.text or "") if c]
        if not codes:
            return goto(S.codes, texts.CAMPAIGN_ASK_CODES)
        found, unknown = scope.units_by_codes_for_staff(ctx.session, ctx.staff, codes)
        if unknown:
            return goto(S.codes, texts.CAMPAIGN_UNKNOWN_CODES.format(codes=", ".join(unknown)))
        data["units"] = UnitSelection("codes", codes=[u.code for u in found]).to_json()
        return self.ask_kind(data)

    # --- milestones

    def ask_kind(self, data: dict, *before: str) -> Step:
        n = len(data["milestones"])
        if n == 0:
            return ask(S.ms_kind, texts.CAMPAIGN_ASK_MS_KIND_FIRST, *kind_rows(), skip_row(), before=before)
        return ask(S.ms_kind, texts.CAMPAIGN_ASK_MS_KIND.format(n=n + 1), *kind_rows(), before=before)

    async def on_ms_kind(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        if inp.choice == SKIP:
            return self.ask_plan()
        if inp.choice not in texts.KIND_LABELS:
            return self.ask_kind(data, texts.CAMPAIGN_CHOOSE_BUTTON)
        data["ms"] = {"kind": inp.choice}
        return self.ask_ms_title(data)

    def ask_ms_title(self, data: dict) -> Step:
        default = texts.kind_label(data["ms"]["kind"])
        return ask(S.ms_title, texts.CAMPAIGN_ASK_MS_TITLE.format(default=default),
                   [Choice(texts.CAMPAIGN_USE_DEFAULT_TITLE.format(default=default), DEFAULT)])

    async def on_ms_title(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        title = texts.kind_label(data["ms"]["kind"]) if inp.choice == DEFAULT else (inp.text or "").strip()
        if not title:
            return self.ask_ms_title(data)
        problem = title_problem(title, local_today(ctx)) if inp.choice != DEFAULT else None
        if problem:
            step = self.ask_ms_title(data)
            step.replies.insert(0, OutMessage(problem))
            return step
        data["ms"]["title"] = title
        return goto(S.ms_due, texts.CAMPAIGN_ASK_MS_DUE.format(title=title))

    async def on_ms_due(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        today = local_today(ctx)
        due, problem = parse_date(inp.text, today)
        if problem:
            return goto(S.ms_due, problem)
        data["ms"]["due"] = due.isoformat()
        if due < today:
            return ask(S.ms_past, texts.CAMPAIGN_PAST_DUE.format(date=texts.fmt_date(due), today=texts.fmt_date(today)),
                       [Choice(texts.CAMPAIGN_PAST_KEEP, "keep"), Choice(texts.CAMPAIGN_PAST_RETYPE, "retype")])
        return self.ask_docs()

    async def on_ms_past(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        if inp.choice == "keep":
            return self.ask_docs()
        if inp.choice == "retype":
            return goto(S.ms_due, texts.CAMPAIGN_ASK_RETYPE_DUE)
        if inp.text:   # typed a new date straight away
            return await self.on_ms_due(ctx, data, inp)
        return goto(S.ms_past, texts.CAMPAIGN_CHOOSE_BUTTON)

    def ask_docs(self) -> Step:
        return ask(S.ms_docs, texts.CAMPAIGN_ASK_MS_DOCS, [Choice(texts.CAMPAIGN_NO_DOCS, SKIP)])

    async def on_ms_docs(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        if inp.choice != SKIP and not (inp.text or "").strip():
            return self.ask_docs()
        ms = dict(data.pop("ms"), docs=[] if inp.choice == SKIP else doc_lines(inp.text))
        data["milestones"].append(ms)
        added = texts.CAMPAIGN_MS_ADDED.format(line=milestone_line(ms))
        if ms["kind"] == "nomination" and "nomination_quota" not in data:
            return self.ask_quota(added)
        return self.ask_more(added)

    def ask_more(self, *before: str) -> Step:
        return ask(S.ms_more, texts.CAMPAIGN_ASK_MORE,
                   [Choice(texts.CAMPAIGN_ADD_MORE, "more"), Choice(texts.CAMPAIGN_NO_MORE, DONE)], before=before)

    def ask_quota(self, *before: str) -> Step:
        return ask(S.ms_quota, texts.CAMPAIGN_ASK_QUOTA, [Choice(str(n), str(n)) for n in (1, 2, 3)], before=before)

    async def on_ms_quota(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        quota = parse_quota(inp.choice or inp.text)
        if quota is None:
            return self.ask_quota(texts.QUOTA_BAD.format(max=MAX_QUOTA))
        data["nomination_quota"] = quota
        return self.ask_more(texts.CAMPAIGN_QUOTA_SET.format(quota=quota))

    async def on_ms_more(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        if inp.choice == "more":
            return self.ask_kind(data)
        if inp.choice == DONE:
            return self.ask_plan()
        return ask(S.ms_more, texts.CAMPAIGN_CHOOSE_BUTTON,
                   [Choice(texts.CAMPAIGN_ADD_MORE, "more"), Choice(texts.CAMPAIGN_NO_MORE, DONE)])

    # --- plan file, summary, save

    def ask_plan(self, *before: str) -> Step:
        return ask(S.plan, texts.CAMPAIGN_ASK_PLAN, skip_row(), before=before)

    async def on_plan(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        if inp.fetched is not None:
            return self._plan_arrived(ctx, data, inp.fetched[0])
        if inp.choice == SKIP:
            return self.summary(ctx, data)
        if len(inp.files) != 1:
            return self.ask_plan(texts.CAMPAIGN_PLAN_ONE_FILE)
        f = inp.files[0]
        if (f.size or 0) > MAX_PLAN_BYTES:
            return self.ask_plan(texts.CAMPAIGN_PLAN_TOO_BIG.format(size=round(f.size / 2**20, 1),
                                                                    limit=MAX_PLAN_BYTES // 2**20))
        return fetch(S.plan, [f])   # downloaded outside the transaction; on_plan goes on with inp.fetched

    def _plan_arrived(self, ctx: Ctx, data: dict, got) -> Step:
        if got.error == "too_big":
            return self.ask_plan(texts.CAMPAIGN_PLAN_TOO_BIG.format(size=round((got.size or 0) / 2**20, 1),
                                                                    limit=MAX_PLAN_BYTES // 2**20))
        if not got.ok:
            return self.ask_plan(texts.PLAN_DOWNLOAD_FAILED)
        stored = file_store.add_blob(ctx.session, file_store.Blob(got.sha256, got.size), got.name or "ke_hoach",
                                     got.mime)
        data["plan_file_id"], data["plan_name"] = stored.id, stored.original_name
        return self.summary(ctx, data, texts.CAMPAIGN_PLAN_RECEIVED.format(name=stored.original_name))

    def summary(self, ctx: Ctx, data: dict, *before: str) -> Step:
        period = data.get("period")
        text = texts.CAMPAIGN_SUMMARY.format(
            title=data["title"], doc_number=data.get("doc_number") or texts.CAMPAIGN_NOT_GIVEN,
            issued=_fmt_optional_date(data.get("issued")),
            period=(f"{_fmt_optional_date(period[0])} – {_fmt_optional_date(period[1])}" if period
                    else texts.CAMPAIGN_NOT_GIVEN),
            units=self.units_description(ctx, data), plan=data.get("plan_name") or texts.CAMPAIGN_NOT_GIVEN,
            milestones="\n".join(f"  {i}. {milestone_line(m)}" for i, m in enumerate(data["milestones"], 1))
            or texts.CAMPAIGN_NO_MILESTONES)
        if data.get("nomination_quota"):
            text += texts.CAMPAIGN_SUMMARY_QUOTA.format(quota=data["nomination_quota"])
        return ask(S.confirm, text, [Choice(texts.CAMPAIGN_SAVE, "save"), Choice(texts.CAMPAIGN_DISCARD, "discard")],
                   before=before)

    def units_description(self, ctx: Ctx, data: dict) -> str:
        sel = UnitSelection.from_json(data["units"])
        n = len(scope.unit_ids_for_staff(ctx.session, ctx.staff, sel))
        if sel.mode == "all":
            return texts.CAMPAIGN_UNITS_DESC_ALL.format(n=n)
        if sel.mode == "clusters":
            return texts.CAMPAIGN_UNITS_DESC_CLUSTERS.format(names=", ".join(sel.clusters), n=n)
        return texts.CAMPAIGN_UNITS_DESC_CODES.format(n=n, codes=", ".join(sel.codes))

    async def on_confirm(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        if inp.choice == "discard":
            return done(texts.CAMPAIGN_DISCARDED)
        if inp.choice != "save":
            return self.summary(ctx, data, texts.CAMPAIGN_CHOOSE_BUTTON)
        campaign = admin.create_campaign(ctx.session, self.spec(ctx, data), ctx.tz)
        n_units = len(scope.unit_ids_for_staff(ctx.session, ctx.staff, UnitSelection.from_json(data["units"])))
        ctx.audit("campaign_created", f"campaign:{campaign.id}", title=campaign.title, units=n_units,
                  milestones=len(data["milestones"]), plan_file_id=data.get("plan_file_id"), via="chat")
        return done(texts.CAMPAIGN_SAVED.format(id=campaign.id, title=campaign.title, units=n_units,
                                                milestones=len(data["milestones"])))

    def spec(self, ctx: Ctx, data: dict) -> CampaignSpec:
        period = data.get("period") or [None, None]
        return CampaignSpec(
            title=data["title"], doc_number=data.get("doc_number"),
            issued=date.fromisoformat(data["issued"]) if data.get("issued") else None,
            period_start=date.fromisoformat(period[0]) if period[0] else None,
            period_end=date.fromisoformat(period[1]) if period[1] else None,
            unit_ids=scope.unit_ids_for_staff(ctx.session, ctx.staff, UnitSelection.from_json(data["units"])),
            milestones=[MilestoneSpec(m["kind"], m["title"], date.fromisoformat(m["due"]), m.get("docs") or [])
                        for m in data["milestones"]],
            plan_file_id=data.get("plan_file_id"), office_id=ctx.staff.office_id if ctx.staff else None,
            staff_id=ctx.staff.id if ctx.staff else None, nomination_quota=data.get("nomination_quota") or 1)


@command("taomoi", STAFF, starts_flow=True)
async def taomoi(ctx: Ctx):
    ctx.audit("flow_started", "create_campaign")
    return await ctx.start_flow("create_campaign")
