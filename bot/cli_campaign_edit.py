"""`thidua campaign edit` and `thidua campaign milestone edit`: the CLI side of /suakh (db.campaign_edit).

A moved deadline of a launched plan is told to the schools still concerned only with --notify (the
messages go through the outbox, so a running bot sends them).
"""
from __future__ import annotations

import argparse
from types import SimpleNamespace

from bot import texts
from bot.cli_units import clean_name, fail, open_database
from bot.settings import get_settings
from db import campaign_admin, people
from db import campaign_edit as edits
from db import campaigns as campaign_ops
from db.clock import utcnow
from db.engine import session_scope
from db.outbox import enqueue_many
from schedules.nomination_rules import MAX_QUOTA, parse_quota

def register(camp: argparse._SubParsersAction, ms: argparse._SubParsersAction) -> None:
    edit = camp.add_parser("edit", help=texts.EDIT_CLI_HELP)
    edit.add_argument("campaign_id", type=int, help=texts.CAMPAIGN_HELP_ID)
    edit.add_argument("--title", help=texts.CAMPAIGN_HELP_TITLE)
    edit.add_argument("--doc-number", help=texts.CAMPAIGN_HELP_DOC_NUMBER)
    edit.add_argument("--period", help=texts.CAMPAIGN_HELP_PERIOD)
    edit.add_argument("--quota", type=int, help=texts.CAMPAIGN_HELP_QUOTA)
    edit.set_defaults(func=cmd_campaign_edit)

    ms_edit = ms.add_parser("edit", help=texts.EDIT_CLI_MS_HELP)
    ms_edit.add_argument("milestone_id", type=int)
    ms_edit.add_argument("--title", help=texts.CAMPAIGN_HELP_MS_TITLE)
    ms_edit.add_argument("--due", help=texts.CAMPAIGN_HELP_DUE)
    ms_edit.add_argument("--docs", help=texts.CAMPAIGN_HELP_DOCS)
    ms_edit.add_argument("--drop", action="store_true")
    ms_edit.add_argument("--force", action="store_true")
    ms_edit.add_argument("--notify", action="store_true")
    ms_edit.set_defaults(func=cmd_milestone_edit)


def _today():
    return texts.local(utcnow(), get_settings().tz).date()


def cmd_campaign_edit(args: argparse.Namespace) -> int:
    from handlers.staff_campaign import parse_period

    if not any(v is not None for v in (args.title, args.doc_number, args.period, args.quota)):
        return fail(texts.EDIT_CLI_NOTHING, 2)
    period = parse_period(args.period, _today()) if args.period else None
    if args.period and period is None:
        return fail(texts.EDIT_BAD_PERIOD.format(text=args.period), 2)
    if args.quota is not None and parse_quota(args.quota) is None:
        return fail(texts.QUOTA_BAD.format(max=MAX_QUOTA), 2)
    open_database()
    with session_scope() as session:
        campaign = campaign_ops.get(session, args.campaign_id)
        if campaign is None:
            return fail(texts.CAMPAIGN_CLI_NOT_FOUND.format(id=args.campaign_id))
        edits.set_header(session, campaign, title=clean_name(args.title) if args.title else None,
                         doc_number=args.doc_number, period=period)
        if args.quota is not None:
            campaign_admin.set_nomination_rules(session, campaign, quota=args.quota)
        changed = [k for k, v in (("title", args.title), ("doc_number", args.doc_number), ("period", args.period),
                                  ("quota", args.quota)) if v is not None]
        for field in changed:
            people.audit(session, "cli", "campaign_edited", f"campaign:{campaign.id}", field=field, via="cli")
    print(texts.EDIT_CLI_SAVED.format(id=args.campaign_id, what=", ".join(texts.EDIT_WHAT[f] for f in changed)))
    return 0


def cmd_milestone_edit(args: argparse.Namespace) -> int:
    from handlers.campaign_edit import notice, tell_units
    from handlers.staff_campaign import doc_lines, parse_date, title_problem

    today = _today()
    if args.title and title_problem(args.title, today):
        return fail(title_problem(args.title, today), 2)
    due, problem = parse_date(args.due, today) if args.due else (None, None)
    if problem:
        return fail(texts.CAMPAIGN_CLI_BAD_DATE.format(what="--due", problem=problem), 2)
    if not (args.title or due or args.docs is not None or args.drop):
        return fail(texts.EDIT_CLI_NOTHING, 2)
    settings, now, told = get_settings(), utcnow(), 0
    open_database()
    with session_scope() as session:
        m = campaign_ops.milestone(session, args.milestone_id)
        if m is None:
            return fail(texts.EDIT_CLI_MS_NOT_FOUND.format(id=args.milestone_id))
        if args.drop:
            count = edits.work_count(session, m)
            if count and not args.force:
                return fail(texts.EDIT_CLI_DROP_HAS_WORK.format(id=m.id, count=count), 2)
            edits.drop_milestone(session, m, now)
        if args.title:
            edits.rename_milestone(session, m, clean_name(args.title), now)
        if args.docs is not None:
            edits.set_documents(session, m, doc_lines(args.docs.replace(";", "\n")), now)
        if due:
            moved = edits.move_milestone(session, m, due, settings.tz, now)
            if args.notify:
                campaign = campaign_ops.get(session, m.campaign_id)
                ctx = SimpleNamespace(tz=settings.tz)
                told = enqueue_many(session, tell_units(session, campaign, m, notice(ctx, campaign, m, moved.old_due),
                                                        f"{m.id}:{m.due_at:%Y%m%d%H%M}"))
        changed = [k for k, v in (("ms_drop", args.drop), ("ms_title", args.title), ("ms_docs", args.docs),
                                  ("ms_due", due)) if v]
        for field in changed:
            people.audit(session, "cli", "campaign_edited", f"campaign:{m.campaign_id}", field=field, milestone=m.id,
                         via="cli")
    print(texts.EDIT_CLI_MS_SAVED.format(id=args.milestone_id, what=", ".join(texts.EDIT_WHAT[f] for f in changed)))
    if told:
        print(texts.EDIT_CLI_TOLD.format(count=told))
    return 0
