"""/tiendo: progress of a campaign per milestone, a stacked-bar chart, and the missing / late units, paged.

Also home of the small pickers the other staff flows share (campaign, milestone, paging buttons), so the
four staff conversations look and behave alike.
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot import texts
from db import campaigns as campaign_ops
from db import files as file_store
from db import progress as progress_db
from db import scope
from db.models import Campaign, Milestone
from handlers.engine import STAFF, Ctx, Flow, Step, command, done, flow, goto
from handlers.exports_build import ChartBar, build_chart
from schedules.quota import usage_line
from handlers.io import Choice, Inbound, OutFile, OutMessage

PER_PAGE = 20
LABEL_MAX = 60
TEXT_MAX = 3900        # Telegram refuses messages over 4096 characters
ACTIVE = ("launched", "closed")


# ------------------------------------------------------------------------------------- shared helpers

class StaffFlow(Flow):
    """A flow only staff may drive: a staff member deactivated mid-flow is stopped at the next step."""
    audience = STAFF

    async def handle(self, ctx: Ctx, state: str, data: dict, inp: Inbound) -> Step:
        if ctx.staff is None:
            return done(texts.STAFF_ONLY)
        return await super().handle(ctx, state, data, inp)


def short(text: str, limit: int = LABEL_MAX) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def clip(text: str) -> str:
    return text if len(text) <= TEXT_MAX else text[:TEXT_MAX - 1] + "…"


def parse_id(value: str | None, prefix: str) -> int | None:
    head, sep, tail = (value or "").partition(":")
    return int(tail) if sep and head == prefix and tail.isdigit() else None


def due_text(m: Milestone, tz: ZoneInfo) -> str:
    d = texts.local(m.due_at, tz)
    if m.precision == "year":
        return texts.PROGRESS_DUE_YEAR.format(year=d.year)
    if m.precision == "month":
        return texts.PROGRESS_DUE_MONTH.format(month=d.month, year=d.year)
    return texts.PROGRESS_DUE_DAY.format(date=texts.fmt_date(m.due_at, tz))


def days_left(m: Milestone, now: datetime, tz: ZoneInfo) -> int:
    """Whole local days until the deadline (negative once it has passed)."""
    return (texts.local(m.due_at, tz).date() - texts.local(now, tz).date()).days


def campaign_menu(campaigns: list[Campaign], text: str = texts.PROGRESS_PICK_CAMPAIGN) -> OutMessage:
    return OutMessage(text, choices=[[Choice(short(c.title), f"c:{c.id}")] for c in campaigns[:20]])


def chosen_campaign(ctx: Ctx, inp: Inbound, statuses: tuple[str, ...] = ACTIVE) -> Campaign | None:
    """The picked campaign, re-checked: it must still be one this staff member may see."""
    return scope.campaign_for_staff(ctx.session, ctx.staff, parse_id(inp.choice, "c"), statuses)


class CampaignStaffFlow(StaffFlow):
    """A staff flow that starts by picking a campaign (skipped when there is only one)."""
    interruptible = True   # progress, review queue, export, nudge preview: nothing half-typed to lose
    campaign_statuses: tuple[str, ...] = ACTIVE
    no_campaign_text: str = texts.PROGRESS_NO_CAMPAIGN

    async def begin(self, ctx: Ctx, data: dict, **kw) -> Step:
        campaigns = scope.campaigns_for_staff(ctx.session, ctx.staff, self.campaign_statuses)
        if not campaigns:
            return done(self.no_campaign_text)
        if len(campaigns) == 1:
            return self.campaign_chosen(ctx, data, campaigns[0])
        return goto("campaign", campaign_menu(campaigns))

    async def on_campaign(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        campaign = chosen_campaign(ctx, inp, self.campaign_statuses)
        if campaign is None:
            campaigns = scope.campaigns_for_staff(ctx.session, ctx.staff, self.campaign_statuses)
            return goto("campaign", campaign_menu(campaigns, texts.EXPECT_CHOICE))
        return self.campaign_chosen(ctx, data, campaign)

    def campaign_chosen(self, ctx: Ctx, data: dict, campaign: Campaign) -> Step:
        raise NotImplementedError

    @staticmethod
    def campaign_milestones(ctx: Ctx, data: dict) -> tuple[Campaign, list[Milestone]] | Step:
        """The chosen campaign and the milestones its units act on, or the step that says why not."""
        campaign = current_campaign(ctx, data)
        if campaign is None:
            return done(texts.PROGRESS_GONE)
        milestones = list(campaign_ops.milestones(ctx.session, campaign.id, units_act_only=True))
        if not milestones:
            return done(texts.PROGRESS_NO_MILESTONE.format(title=campaign.title))
        return campaign, milestones


def current_campaign(ctx: Ctx, data: dict) -> Campaign | None:
    return scope.campaign_for_staff(ctx.session, ctx.staff, data.get("campaign_id"))


def milestone_menu(milestones: list[Milestone], labels: list[str], text: str = texts.PROGRESS_PICK_MILESTONE,
                   extra: list[Choice] = ()) -> OutMessage:
    rows = [[Choice(short(label), f"m:{m.id}")] for m, label in zip(milestones, labels)]
    return OutMessage(text, choices=rows + ([list(extra)] if extra else []))


def chosen_milestone(ctx: Ctx, data: dict, inp: Inbound) -> Milestone | None:
    return scope.milestone_for_staff(ctx.session, ctx.staff, data.get("campaign_id"), parse_id(inp.choice, "m"))


def current_milestone(ctx: Ctx, data: dict) -> Milestone | None:
    """The milestone kept in the flow's data, re-checked like everything else a staff step loads."""
    return scope.milestone_for_staff(ctx.session, ctx.staff, data.get("campaign_id"), data.get("milestone_id"))


def pager(page: progress_db.Page) -> list[Choice]:
    row = []
    if page.has_prev:
        row.append(Choice(texts.PROGRESS_BTN_PREV, "prev"))
    if page.has_next:
        row.append(Choice(texts.PROGRESS_BTN_NEXT, "next"))
    return row


def turn_page(data: dict, choice: str | None) -> bool:
    """Apply "prev"/"next" to data["page"]; True when the choice was a paging button."""
    if choice not in ("prev", "next"):
        return False
    data["page"] = max(0, data.get("page", 0) + (1 if choice == "next" else -1))
    return True


def page_label(page: progress_db.Page) -> str:
    return texts.PROGRESS_PAGE.format(page=page.page + 1, pages=page.pages)


LISTS = ("missing", "late", "unreached")


def reach_suffix(reach: progress_db.Reach) -> str:
    """ — Cô Lan · đầu mối Nguyễn Văn A, 0912 345 678 — or a warning that no message reaches the unit."""
    who = [", ".join(reach.contacts)] if reach.contacts else [texts.PROGRESS_NOBODY_BOUND]
    roster = ", ".join(p for p in (reach.liaison, reach.phone) if p)
    if roster:
        who.append(texts.PROGRESS_ROSTER.format(roster=roster))
    return texts.PROGRESS_REACH.format(who=" · ".join(who))


def cluster_suffix(cluster: str | None) -> str:
    return texts.PROGRESS_CLUSTER.format(cluster=cluster) if cluster else ""


# ------------------------------------------------------------------------------------- the flow

class S(StrEnum):
    campaign = "campaign"
    overview = "overview"
    units = "units"


@command("tiendo", audience=STAFF, starts_flow=True)
async def tiendo(ctx: Ctx):
    return await ctx.start_flow(ProgressFlow.name)


@flow
class ProgressFlow(CampaignStaffFlow):
    name, title = "staff_progress", texts.PROGRESS_FLOW_TITLE

    def campaign_chosen(self, ctx: Ctx, data: dict, campaign: Campaign) -> Step:
        data["campaign_id"] = campaign.id
        return self.overview(ctx, data, with_chart=True)

    async def on_overview(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        if inp.choice == "done":
            return done(texts.PROGRESS_CLOSED)
        if inp.choice == "unreached":
            data.update(milestone_id=None, which="unreached", page=0)
            return self.unit_list(ctx, data)
        milestone = chosen_milestone(ctx, data, inp)
        if milestone is None:
            return self.overview(ctx, data, with_chart=False, note=texts.EXPECT_CHOICE)
        data.update(milestone_id=milestone.id, which="missing", page=0)
        return self.unit_list(ctx, data)

    async def on_units(self, ctx: Ctx, data: dict, inp: Inbound) -> Step:
        choice = inp.choice
        if choice == "done":
            return done(texts.PROGRESS_CLOSED)
        if choice == "back":
            return self.overview(ctx, data, with_chart=False)
        if choice in LISTS:
            data.update(which=choice, page=0)
        elif not turn_page(data, choice):
            return self.unit_list(ctx, data, note=texts.EXPECT_CHOICE)
        return self.unit_list(ctx, data)

    # ---- views

    def overview(self, ctx: Ctx, data: dict, with_chart: bool, note: str | None = None) -> Step:
        loaded = self.campaign_milestones(ctx, data)
        if isinstance(loaded, Step):
            return loaded
        campaign, milestones = loaded
        counts = progress_db.status_counts(ctx.session, campaign.id, milestones)
        ctx.audit("progress_viewed", f"campaign:{campaign.id}")
        replies = [self.chart(ctx, campaign, milestones, counts)] if with_chart else []
        lines = [texts.PROGRESS_HEAD.format(title=campaign.title, units=progress_db.unit_count(ctx.session, campaign.id))]
        quota = usage_line(ctx.session, ctx.settings, ctx.now)
        if quota:
            lines.append(quota)
        lines += [self.line(ctx, i, m, counts[m.id]) for i, m in enumerate(milestones, start=1)]
        lines += [note or texts.PROGRESS_PICK_LIST]
        menu = milestone_menu(milestones, [f"{i}. {m.title}" for i, m in enumerate(milestones, start=1)],
                              clip("\n".join(lines)), extra=[Choice(texts.PROGRESS_BTN_SHOW["unreached"], "unreached"),
                                                               Choice(texts.PROGRESS_BTN_DONE, "done")])
        return goto(S.overview, *replies, menu)

    @staticmethod
    def line(ctx: Ctx, n: int, m: Milestone, c: progress_db.Counts) -> str:
        return texts.PROGRESS_MILESTONE_LINE.format(
            n=n, title=m.title, due=due_text(m, ctx.tz), submitted=c.submitted, accepted=c.accepted,
            returned=c.returned, missing=c.missing, late=c.late)

    @staticmethod
    def chart(ctx: Ctx, campaign: Campaign, milestones: list[Milestone],
              counts: dict[int, progress_db.Counts]) -> OutMessage:
        bars = [ChartBar(f"{i}. {m.title}", {s: counts[m.id].of(s) for s in ("accepted", "submitted", "returned", "missing")})
                for i, m in enumerate(milestones, start=1)]
        png = build_chart(bars, f"{texts.PROGRESS_CHART_TITLE}: {campaign.title}")
        stored = file_store.store(ctx.session, ctx.settings.thidua_data_dir, png, f"tien_do_{campaign.id}.png",
                                  "image/png")
        return OutMessage(texts.PROGRESS_CHART_CAPTION.format(title=campaign.title),
                          files=[OutFile(stored_file_id=stored.id, name=stored.original_name, kind="photo")])

    def unit_list(self, ctx: Ctx, data: dict, note: str | None = None) -> Step:
        """One of three lists: not submitted, late (both for the chosen milestone), or the campaign's units
        no message reaches. Each line says whom to phone."""
        which = data.get("which", "missing")
        campaign = current_campaign(ctx, data)
        milestone = current_milestone(ctx, data)
        if campaign is None or (milestone is None and which != "unreached"):
            return done(texts.PROGRESS_GONE)
        if which == "unreached":
            page = progress_db.unreached_units(ctx.session, campaign.id, data.get("page", 0), PER_PAGE)
            units = page.items
            head = texts.PROGRESS_LIST_UNREACHED.format(title=campaign.title, total=page.total, page=page_label(page))
        else:
            page = (progress_db.late_units if which == "late" else progress_db.missing_units)(
                ctx.session, milestone, data.get("page", 0), PER_PAGE)
            units = [u for u, _ in page.items]
            head = (texts.PROGRESS_LIST_LATE if which == "late" else texts.PROGRESS_LIST_MISSING).format(
                milestone=milestone.title, total=page.total, page=page_label(page))
        data["page"] = page.page
        reach = progress_db.reach_of(ctx.session, campaign.id, units)
        lines = [head] + [self.unit_line(ctx, page.page * PER_PAGE + i, item, which, reach[unit.id])
                          for i, (item, unit) in enumerate(zip(page.items, units), start=1)]
        if not page.items:
            lines.append(texts.PROGRESS_EMPTY[which])
        if note:
            lines.append(note)
        others = [Choice(texts.PROGRESS_BTN_SHOW[w], w) for w in LISTS
                  if w != which and (milestone is not None or w == "unreached")]
        rows = [r for r in (pager(page), others,
                            [Choice(texts.PROGRESS_BTN_BACK, "back"), Choice(texts.PROGRESS_BTN_DONE, "done")]) if r]
        return goto(S.units, OutMessage(clip("\n".join(lines)), choices=rows))

    @staticmethod
    def unit_line(ctx: Ctx, n: int, item, which: str, reach: progress_db.Reach) -> str:
        unit = item if which == "unreached" else item[0]
        if which == "late":
            line = texts.PROGRESS_LATE_LINE.format(n=n, code=unit.code, name=unit.name,
                                                   cluster=cluster_suffix(unit.cluster),
                                                   at=texts.fmt_datetime(item[1].submitted_at, ctx.tz))
        else:
            line = texts.PROGRESS_UNIT_LINE.format(n=n, code=unit.code, name=unit.name,
                                                   cluster=cluster_suffix(unit.cluster))
        return line + reach_suffix(reach)
