"""/suakh (staff): change a saved or launched plan — its name, number, period, quota and milestones.

menu → (title | doc_number | period | quota | milestone → ms_menu → ms_title | ms_due | ms_docs | ms_drop
     | add_kind → add_title → add_due) → back to the menu; "Xong" ends it.
Before launch a change simply edits the draft. After launch, a new or moved deadline that units must meet is
previewed (S.tell) and, on confirmation, told once to the contacts still concerned; reminders follow the new
date. Every change is audited; a dropped milestone keeps what schools sent.
"""
from __future__ import annotations

from datetime import date
from enum import StrEnum

from bot import texts
from db import campaign_edit as edits
from db import campaign_admin
from db import campaigns as campaign_ops
from db import scope
from db.models import Campaign, Milestone
from db.outbox import Outgoing
from handlers.engine import STAFF, Ctx, Step, command, done, flow, goto
from handlers import milestone_lines
from handlers.io import Choice, Inbound, OutMessage
from handlers.progress import CampaignStaffFlow, campaign_menu, short
from schedules.nomination_rules import MAX_QUOTA, parse_quota
from handlers.staff_campaign import (doc_lines, kind_rows, local_today, parse_date,
                                     parse_period, title_problem)

EDITABLE = ("draft", "launched")


class S(StrEnum):
    campaign = "campaign"
    menu = "menu"
    title = "title"
    doc_number = "doc_number"
    period = "period"
    quota = "quota"
    issued = "issued"
    units = "units"
    units_add = "units_add"
    units_drop = "units_drop"
    milestone = "milestone"
    ms_kind = "ms_kind"
    ms_menu = "ms_menu"
    ms_title = "ms_title"
    ms_due = "ms_due"
    ms_docs = "ms_docs"
    ms_drop = "ms_drop"
    add_kind = "add_kind"
    add_title = "add_title"
    add_due = "add_due"
    tell = "tell"


def _due(m: Milestone, ctx: Ctx) -> str:
    return texts.fmt_date(m.due_at, ctx.tz)


def notice(ctx: Ctx, campaign: Campaign, m: Milestone, old_due=None) -> str:
    """What schools read about a moved (old_due given) or added deadline."""
    if old_due is None:
        return texts.EDIT_NOTICE_ADDED.format(milestone=m.title, campaign=campaign.title, new=_due(m, ctx))
    return texts.EDIT_NOTICE_MOVED.format(milestone=m.title, campaign=campaign.title,
                                          old=texts.fmt_date(old_due, ctx.tz), new=_due(m, ctx))


def tell_units(session, campaign: Campaign, m: Milestone, text: str, key: str) -> list[Outgoing]:
    """One message per contact still concerned, keyed so that a change is told once."""
    return [Outgoing(f"edit:{key}:{c.id}", c.channel, c.chat_id, OutMessage(text), kind="notice", contact_id=c.id)
            for c in edits.contacts_to_tell(session, m)]


@command("suakh", audience=STAFF, starts_flow=True)
async def suakh(ctx: Ctx):
    return await ctx.start_flow(EditCampaign.name)


@flow
class EditCampaign(CampaignStaffFlow):
    name, title = "edit_campaign", texts.EDIT_FLOW_TITLE
    interruptible = False
    campaign_statuses = EDITABLE
    no_campaign_text = texts.EDIT_NO_CAMPAIGN

    async def begin(self, ctx: Ctx, data: dict, **kw) -> Step:
        campaigns = scope.campaigns_for_staff(ctx.session, ctx.staff, EDITABLE)
        if not campaigns:
            return done(self.no_campaign_text)
        if len(campaigns) == 1:
            return self.campaign_chosen(ctx, data, campaigns[0])
        return goto(S.campaign, campaign_menu(campaigns, texts.EDIT_PICK_CAMPAIGN))

    def campaign_chosen(self, ctx: Ctx, data: dict, campaign: Campaign) -> Step:
        data["campaign_id"] = campaign.id
        return self.menu(ctx, data)

    def _campaign(self, ctx: Ctx, data: dict) -> Campaign | None:
        return scope.campaign_for_staff(ctx.session, ctx.staff, data.get("campaign_id"), EDITABLE)

    def _milestone(self, ctx: Ctx, data: dict, value=None) -> Milestone | None:
        m = campaign_ops.milestone(ctx.session, int(value if value is not None else data.get("milestone_id") or 0))
        return m if m is not None and m.campaign_id == data.get("campaign_id") else None

    # --- the menu

    def menu(self, ctx: Ctx, data: dict, *before: str) -> Step:
        campaign = self._campaign(ctx, data)
        if campaign is None:
            return done(*before, texts.EDIT_GONE)
        ms = campaign_ops.milestones(ctx.session, campaign.id)
        period = " – ".join(texts.fmt_date(d) if d else "…" for d in (campaign.period_start, campaign.period_end)) \
            if campaign.period_end else texts.CAMPAIGN_NOT_GIVEN
        text = texts.EDIT_MENU.format(
            title=campaign.title, status=texts.CAMPAIGN_STATUS_LABELS.get(campaign.status, campaign.status),
            doc_number=campaign.doc_number or texts.CAMPAIGN_NOT_GIVEN, period=period,
            quota=campaign.nomination_quota, late=texts.CAMPAIGN_LATE_NOMINATIONS[campaign.late_nominations],
            milestones="\n".join(
                texts.EDIT_MS_LINE.format(n=i, title=m.title, due=_due(m, ctx)) for i, m in enumerate(ms, 1))
            or texts.EDIT_NO_MILESTONES)
        rows = [[Choice(texts.EDIT_BTN_TITLE, "title"), Choice(texts.EDIT_BTN_DOC, "doc_number"),
                 Choice(texts.EDIT_BTN_ISSUED, "issued"), Choice(texts.EDIT_BTN_PERIOD, "period")],
                [Choice(texts.EDIT_BTN_MILESTONE, "milestone"), Choice(texts.EDIT_BTN_ADD, "add")],
                [Choice(texts.EDIT_BTN_UNITS, "units"), Choice(texts.EDIT_BTN_QUOTA, "quota"),
                 Choice(texts.EDIT_BTN_LATE, "late")],
                [Choice(texts.EDIT_BTN_DONE, "done")]]
        return goto(S.menu, *before, OutMessage(text, choices=rows))

    async def on_menu(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        campaign = self._campaign(ctx, data)
        if campaign is None:
            return done(texts.EDIT_GONE)
        asks = {"title": texts.EDIT_ASK_TITLE.format(current=campaign.title),
                "doc_number": texts.EDIT_ASK_DOC.format(current=campaign.doc_number or texts.CAMPAIGN_NOT_GIVEN),
                "period": texts.EDIT_ASK_PERIOD, "issued": texts.EDIT_ASK_ISSUED,
                "quota": texts.EDIT_ASK_QUOTA.format(max=MAX_QUOTA)}
        if inp.choice in asks:
            return goto(S(inp.choice), asks[inp.choice])
        if inp.choice == "milestone":
            return self.pick_milestone(ctx, data)
        if inp.choice == "units":
            return self.units_menu(ctx, data, campaign)
        if inp.choice == "late":   # a toggle: take late nominations until a round is closed, or not
            campaign_admin.set_nomination_rules(ctx.session, campaign, late=not campaign.late_nominations)
            return self._saved(ctx, data, "late", value=campaign.late_nominations)
        if inp.choice == "add":
            return goto(S.add_kind, OutMessage(texts.EDIT_ADD_ASK_KIND, choices=kind_rows()))
        if inp.choice == "done":
            return done(texts.EDIT_DONE.format(title=campaign.title))
        return self.menu(ctx, data, texts.EXPECT_CHOICE)

    def _saved(self, ctx: Ctx, data: dict, what: str, **detail) -> Step:
        ctx.audit("campaign_edited", f"campaign:{data['campaign_id']}", field=what, **detail)
        return self.menu(ctx, data, texts.EDIT_SAVED.format(what=texts.EDIT_WHAT[what]))

    async def on_title(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        title = " ".join((inp.text or "").split())
        if len(title) < 3:
            return goto(S.title, texts.EDIT_ASK_TITLE.format(current=self._campaign(ctx, data).title))
        edits.set_header(ctx.session, self._campaign(ctx, data), title=title[:300])
        return self._saved(ctx, data, "title", value=title[:300])

    async def on_doc_number(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        number = " ".join((inp.text or "").split())[:60]
        if not number:
            return goto(S.doc_number, texts.EDIT_ASK_DOC.format(current=texts.CAMPAIGN_NOT_GIVEN))
        edits.set_header(ctx.session, self._campaign(ctx, data), doc_number=number)
        return self._saved(ctx, data, "doc_number", value=number)

    async def on_issued(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        day, problem = parse_date(inp.text, local_today(ctx))
        if problem:
            return goto(S.issued, problem)
        edits.set_header(ctx.session, self._campaign(ctx, data), issued=day)
        return self._saved(ctx, data, "issued", value=day.isoformat())

    async def on_period(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        period = parse_period(inp.text or "", local_today(ctx))
        if period is None:
            return goto(S.period, texts.EDIT_BAD_PERIOD.format(text=(inp.text or "")[:60]))
        edits.set_header(ctx.session, self._campaign(ctx, data), period=period)
        return self._saved(ctx, data, "period", start=period[0].isoformat() if period[0] else None,
                           end=period[1].isoformat())

    async def on_quota(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        quota = parse_quota(inp.text)
        if quota is None:
            return goto(S.quota, texts.QUOTA_BAD.format(max=MAX_QUOTA))
        campaign_admin.set_nomination_rules(ctx.session, self._campaign(ctx, data), quota=quota)
        return self._saved(ctx, data, "quota", value=quota)

    # --- participating units

    def units_menu(self, ctx: Ctx, data: dict, campaign: Campaign, *before: str) -> Step:
        names = [f"{u.code}" for u in campaign_ops.units(ctx.session, campaign.id)]
        text = texts.EDIT_UNITS.format(count=len(names), codes=", ".join(names[:40]) + (" …" if len(names) > 40 else ""))
        return goto(S.units, *before, OutMessage(text, choices=[
            [Choice(texts.EDIT_BTN_UNITS_ADD, "add"), Choice(texts.EDIT_BTN_UNITS_DROP, "drop")],
            [Choice(texts.EDIT_BTN_BACK, "back")]]))

    async def on_units(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        if inp.choice == "add":
            return goto(S.units_add, texts.EDIT_ASK_UNITS_ADD)
        if inp.choice == "drop":
            return goto(S.units_drop, texts.EDIT_ASK_UNITS_DROP)
        return self.menu(ctx, data)

    async def on_units_add(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        return self._change_units(ctx, data, inp, adding=True)

    async def on_units_drop(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        return self._change_units(ctx, data, inp, adding=False)

    def _change_units(self, ctx: Ctx, data: dict, inp: Inbound, adding: bool) -> Step:
        campaign = self._campaign(ctx, data)
        codes = [c.strip() for c in (inp.text or "").replace(";", ",").split(",") if c.strip()]
        found, unknown = scope.units_by_codes_for_staff(ctx.session, ctx.staff, codes)
        if not codes or unknown:
            return goto(S.units_add if adding else S.units_drop,
                        texts.CAMPAIGN_UNKNOWN_CODES.format(codes=", ".join(unknown) or "—"))
        current = {u.id for u in campaign_ops.units(ctx.session, campaign.id)}
        chosen = {u.id for u in found}
        campaign_ops.set_units(ctx.session, campaign.id, list(current | chosen if adding else current - chosen))
        ctx.audit("campaign_edited", f"campaign:{campaign.id}", field="units", added=adding,
                  codes=[u.code for u in found])
        note = texts.EDIT_UNITS_ADDED_LAUNCHED if adding and campaign.status == "launched" else ""
        return self.units_menu(ctx, data, campaign, texts.EDIT_SAVED.format(what=texts.EDIT_WHAT["units"]) + note)

    # --- one milestone

    def pick_milestone(self, ctx: Ctx, data: dict) -> Step:
        ms = campaign_ops.milestones(ctx.session, data["campaign_id"])
        if not ms:
            return self.menu(ctx, data, texts.EDIT_NO_MILESTONES.strip())
        rows = [[Choice(short(f"{i}. {m.title} — {_due(m, ctx)}"), str(m.id))] for i, m in enumerate(ms, 1)]
        return goto(S.milestone, OutMessage(texts.EDIT_PICK_MILESTONE,
                                            choices=rows + [[Choice(texts.EDIT_BTN_BACK, "back")]]))

    async def on_milestone(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        if inp.choice == "back":
            return self.menu(ctx, data)
        m = self._milestone(ctx, data, inp.choice) if (inp.choice or "").isdigit() else None
        if m is None:
            return self.pick_milestone(ctx, data)
        data["milestone_id"] = m.id
        return self.ms_menu(ctx, data, m)

    def ms_menu(self, ctx: Ctx, data: dict, m: Milestone, *before: str) -> Step:
        docs = milestone_lines.documents(m)
        text = texts.EDIT_MS_MENU.format(title=m.title, due=_due(m, ctx),
                                         docs=texts.EDIT_MS_DOCS.format(docs="; ".join(docs)) if docs else "")
        rows = [[Choice(texts.EDIT_BTN_MS_TITLE, "ms_title"), Choice(texts.EDIT_BTN_MS_DUE, "ms_due"),
                 Choice(texts.EDIT_BTN_MS_KIND, "ms_kind")],
                [Choice(texts.EDIT_BTN_MS_DOCS, "ms_docs"), Choice(texts.EDIT_BTN_MS_DROP, "ms_drop")],
                [Choice(texts.EDIT_BTN_BACK, "back")]]
        return goto(S.ms_menu, *before, OutMessage(text, choices=rows))

    async def on_ms_menu(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        m = self._milestone(ctx, data)
        if m is None:
            return self.menu(ctx, data, texts.EDIT_GONE)
        if inp.choice == "back":
            return self.menu(ctx, data)
        if inp.choice == "ms_title":
            return goto(S.ms_title, texts.EDIT_ASK_MS_TITLE.format(current=m.title))
        if inp.choice == "ms_due":
            return goto(S.ms_due, texts.EDIT_ASK_MS_DUE.format(title=m.title))
        if inp.choice == "ms_docs":
            return goto(S.ms_docs, texts.EDIT_ASK_MS_DOCS)
        if inp.choice == "ms_kind":
            return goto(S.ms_kind, OutMessage(texts.EDIT_ASK_MS_KIND.format(
                current=texts.kind_label(m.kind)), choices=kind_rows()))
        if inp.choice == "ms_drop":
            count = edits.work_count(ctx.session, m)
            text = (texts.EDIT_DROP_CONFIRM.format(title=m.title, count=count) if count
                    else texts.EDIT_DROP_CONFIRM_EMPTY.format(title=m.title))
            return goto(S.ms_drop, OutMessage(text, choices=[[Choice(texts.EDIT_BTN_DROP_YES, "yes"),
                                                              Choice(texts.EDIT_BTN_DROP_NO, "no")]]))
        return self.ms_menu(ctx, data, m, texts.EXPECT_CHOICE)

    async def on_ms_title(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        m = self._milestone(ctx, data)
        title = " ".join((inp.text or "").split())
        problem = title_problem(title, local_today(ctx))
        if m is None:
            return self.menu(ctx, data, texts.EDIT_GONE)
        if problem:
            return goto(S.ms_title, problem)
        edits.rename_milestone(ctx.session, m, title[:300], ctx.now)
        return self._saved(ctx, data, "ms_title", milestone=m.id, value=title[:300])

    async def on_ms_kind(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        m = self._milestone(ctx, data)
        if m is None:
            return self.menu(ctx, data, texts.EDIT_GONE)
        if inp.choice not in texts.KIND_LABELS:
            return goto(S.ms_kind, OutMessage(texts.EDIT_ASK_MS_KIND.format(current=texts.kind_label(m.kind)),
                                              choices=kind_rows()))
        if edits.work_count(ctx.session, m):   # what schools sent was sent for this kind: keep it
            return self.ms_menu(ctx, data, m, texts.EDIT_KIND_HAS_WORK)
        old = m.kind
        edits.set_kind(ctx.session, m, inp.choice, ctx.now)
        return self._saved(ctx, data, "ms_kind", milestone=m.id, old=old, new=inp.choice)

    async def on_ms_docs(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        m = self._milestone(ctx, data)
        if m is None:
            return self.menu(ctx, data, texts.EDIT_GONE)
        typed = (inp.text or "").strip()
        if not typed:
            return goto(S.ms_docs, texts.EDIT_ASK_MS_DOCS)
        docs = [] if typed.casefold() in ("không", "khong") else doc_lines(typed)
        edits.set_documents(ctx.session, m, docs, ctx.now)
        return self._saved(ctx, data, "ms_docs", milestone=m.id, value=docs)

    async def on_ms_drop(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        m = self._milestone(ctx, data)
        if m is None:
            return self.menu(ctx, data, texts.EDIT_GONE)
        if inp.choice != "yes":
            return self.ms_menu(ctx, data, m)
        edits.drop_milestone(ctx.session, m, ctx.now)
        return self._saved(ctx, data, "ms_drop", milestone=m.id, kept=edits.work_count(ctx.session, m))

    async def on_ms_due(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        m = self._milestone(ctx, data)
        if m is None:
            return self.menu(ctx, data, texts.EDIT_GONE)
        day, problem = parse_date(inp.text, local_today(ctx))
        if problem:
            return goto(S.ms_due, problem)
        data["change"] = {"kind": "move", "milestone_id": m.id, "due": day.isoformat()}
        return self.preview(ctx, data)

    # --- a milestone added

    async def on_add_kind(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        if inp.choice not in texts.KIND_LABELS:
            return goto(S.add_kind, OutMessage(texts.EDIT_ADD_ASK_KIND, choices=kind_rows()))
        data["adding"] = {"kind": inp.choice}
        return goto(S.add_title, texts.EDIT_ADD_ASK_TITLE)

    async def on_add_title(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        title = " ".join((inp.text or "").split())
        problem = title_problem(title, local_today(ctx))
        if problem:
            return goto(S.add_title, problem)
        data["adding"]["title"] = title[:300]
        return goto(S.add_due, texts.EDIT_ADD_ASK_DUE.format(title=title[:300]))

    async def on_add_due(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        day, problem = parse_date(inp.text, local_today(ctx))
        if problem:
            return goto(S.add_due, problem)
        data["change"] = dict(data.pop("adding"), kind_of_change="add", due=day.isoformat())
        return self.preview(ctx, data)

    # --- preview, then save (and tell the schools, after launch)

    def _apply(self, ctx: Ctx, data: dict):
        """Make the pending change; returns (milestone, old due or None)."""
        change = data.pop("change")
        day = date.fromisoformat(change["due"])
        if change.get("kind_of_change") == "add":
            m = campaign_admin.add_milestone(ctx.session, data["campaign_id"], campaign_admin.MilestoneSpec(
                change["kind"], change["title"], day), ctx.tz)
            ctx.audit("campaign_edited", f"campaign:{data['campaign_id']}", field="ms_add", milestone=m.id,
                      due=change["due"])
            return m, None
        m = self._milestone(ctx, data, change["milestone_id"])
        moved = edits.move_milestone(ctx.session, m, day, ctx.tz, ctx.now)
        ctx.audit("campaign_edited", f"campaign:{data['campaign_id']}", field="ms_due", milestone=m.id,
                  old=moved.old_due.isoformat(), new=moved.new_due.isoformat())
        return m, moved.old_due

    def preview(self, ctx: Ctx, data: dict) -> Step:
        campaign = self._campaign(ctx, data)
        change = data["change"]
        m = self._milestone(ctx, data, change.get("milestone_id")) if change.get("milestone_id") else None
        concerned = edits.contacts_to_tell(ctx.session, m) if m is not None else (
            campaign_ops.contacts(ctx.session, campaign.id, reachable_only=True) if campaign.status == "launched"
            else [])
        if not concerned:   # a draft, or nobody left to tell: just save
            m, _ = self._apply(ctx, data)
            return self.menu(ctx, data, texts.EDIT_SAVED.format(
                what=texts.EDIT_WHAT["ms_add" if change.get("kind_of_change") == "add" else "ms_due"]))
        day = date.fromisoformat(change["due"])
        shown = (texts.EDIT_NOTICE_ADDED.format(milestone=change["title"], campaign=campaign.title,
                                                new=texts.fmt_date(day))
                 if m is None else texts.EDIT_NOTICE_MOVED.format(milestone=m.title, campaign=campaign.title,
                                                                  old=_due(m, ctx), new=texts.fmt_date(day)))
        text = texts.EDIT_NOTIFY_PREVIEW.format(contacts=len(concerned),
                                                units=len({c.unit_id for c in concerned}), message=shown)
        return goto(S.tell, OutMessage(text, choices=[[Choice(texts.EDIT_BTN_SAVE_TELL, "tell")],
                                                       [Choice(texts.EDIT_BTN_SAVE_QUIET, "quiet"),
                                                        Choice(texts.EDIT_BTN_CANCEL, "cancel")]]))

    async def on_tell(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        if inp.choice == "cancel" or "change" not in data:
            data.pop("change", None)
            return self.menu(ctx, data, texts.EDIT_CHANGE_CANCELLED)
        if inp.choice not in ("tell", "quiet"):
            return self.preview(ctx, data)
        campaign = self._campaign(ctx, data)
        m, old_due = self._apply(ctx, data)
        if inp.choice == "quiet":
            return self.menu(ctx, data, texts.EDIT_SAVED.format(what=texts.EDIT_WHAT["ms_due" if old_due else "ms_add"]))
        key = f"{m.id}:{m.due_at:%Y%m%d%H%M}"
        outgoing = tell_units(ctx.session, campaign, m, notice(ctx, campaign, m, old_due), key)
        for item in outgoing:
            ctx.notify(item)
        ctx.audit("campaign_change_told", f"milestone:{m.id}", contacts=len(outgoing))
        return self.menu(ctx, data, texts.EDIT_TOLD.format(contacts=len(outgoing)))

