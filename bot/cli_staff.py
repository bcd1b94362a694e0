"""`thidua staff add|invite|list` and `thidua campaign create|milestone add|attach|list`."""
from __future__ import annotations

import argparse
import mimetypes
from pathlib import Path

from bot import cli_campaign_edit, texts
from bot.cli_units import clean_name, fail, open_database
from bot.settings import get_settings
from db import campaign_admin as admin
from db import campaigns as campaign_ops
from db import files as file_store
from db import invites, people
from db import progress as progress_db
from db.campaign_admin import CampaignSpec, MilestoneSpec, UnitSelection
from db.clock import utcnow
from db.engine import session_scope
from db.models import MilestoneKind, StaffRole
from schedules.nomination_rules import MAX_QUOTA, parse_quota
from handlers.staff_campaign import CODE_SEPARATOR, milestone_line, parse_date, parse_period

ROLES = [r.value for r in StaffRole]
KINDS = [k.value for k in MilestoneKind]


def register(sub: argparse._SubParsersAction) -> None:
    _register_staff(sub)
    _register_campaign(sub)


def _register_staff(sub: argparse._SubParsersAction) -> None:
    staff = sub.add_parser("staff", help=texts.STAFF_HELP).add_subparsers(dest="staff_command", required=True)
    add = staff.add_parser("add", help=texts.STAFF_HELP_ADD)
    add.add_argument("--telegram-id", required=True, help=texts.STAFF_HELP_TELEGRAM_ID)
    add.add_argument("--name", required=True, help=texts.STAFF_HELP_NAME)
    add.add_argument("--role", choices=ROLES, default=StaffRole.specialist.value, help=texts.STAFF_HELP_ROLE)
    add.add_argument("--office", metavar="TÊN", help=texts.STAFF_HELP_OFFICE)
    add.set_defaults(func=cmd_staff_add)

    inv = staff.add_parser("invite", help=texts.STAFF_HELP_INVITE)
    inv.add_argument("--name", required=True, help=texts.STAFF_HELP_NAME)
    inv.add_argument("--role", choices=ROLES, default=StaffRole.specialist.value, help=texts.STAFF_HELP_ROLE)
    inv.add_argument("--office", metavar="TÊN", help=texts.STAFF_HELP_OFFICE)
    inv.add_argument("--days", type=int, default=7, help=texts.STAFF_HELP_DAYS)
    inv.add_argument("--bot-username", metavar="TÊN_BOT", help=texts.STAFF_HELP_BOT)
    inv.set_defaults(func=cmd_staff_invite)

    staff.add_parser("list", help=texts.STAFF_HELP_LIST).set_defaults(func=cmd_staff_list)

    link = staff.add_parser("web-link", help=texts.CONSOLE_HELP_WEB_LINK)
    link.add_argument("--staff", type=int, required=True, metavar="MÃ", help=texts.CONSOLE_HELP_STAFF_ID)
    link.add_argument("--minutes", type=int, default=15, help=texts.CONSOLE_HELP_MINUTES)
    link.set_defaults(func=cmd_staff_web_link)


def _register_campaign(sub: argparse._SubParsersAction) -> None:
    camp = sub.add_parser("campaign", help=texts.CAMPAIGN_HELP).add_subparsers(dest="campaign_command", required=True)
    create = camp.add_parser("create", help=texts.CAMPAIGN_HELP_CREATE)
    create.add_argument("--title", required=True, help=texts.CAMPAIGN_HELP_TITLE)
    create.add_argument("--doc-number", help=texts.CAMPAIGN_HELP_DOC_NUMBER)
    create.add_argument("--issued", help=texts.CAMPAIGN_HELP_ISSUED)
    create.add_argument("--period", help=texts.CAMPAIGN_HELP_PERIOD)
    create.add_argument("--units", default="all", help=texts.CAMPAIGN_HELP_UNITS)
    create.add_argument("--office", metavar="TÊN", help=texts.STAFF_HELP_OFFICE)
    create.set_defaults(func=cmd_campaign_create)

    ms = camp.add_parser("milestone", help=texts.CAMPAIGN_HELP_MILESTONE).add_subparsers(dest="ms_command", required=True)
    add = ms.add_parser("add", help=texts.CAMPAIGN_HELP_MS_ADD)
    add.add_argument("campaign_id", type=int, help=texts.CAMPAIGN_HELP_ID)
    add.add_argument("--kind", default="other", help=texts.CAMPAIGN_HELP_KIND.format(kinds=", ".join(KINDS)))
    add.add_argument("--title", help=texts.CAMPAIGN_HELP_MS_TITLE)
    add.add_argument("--due", required=True, help=texts.CAMPAIGN_HELP_DUE)
    add.add_argument("--docs", default="", help=texts.CAMPAIGN_HELP_DOCS)
    add.add_argument("--allow-past", action="store_true", help=texts.CAMPAIGN_HELP_ALLOW_PAST)
    add.set_defaults(func=cmd_milestone_add)
    cli_campaign_edit.register(camp, ms)

    att = camp.add_parser("attach", help=texts.CAMPAIGN_HELP_ATTACH)
    att.add_argument("campaign_id", type=int, help=texts.CAMPAIGN_HELP_ID)
    att.add_argument("file", type=Path, help=texts.CAMPAIGN_HELP_FILE)
    att.set_defaults(func=cmd_campaign_attach)

    camp.add_parser("list", help=texts.CAMPAIGN_HELP_LIST).set_defaults(func=cmd_campaign_list)

    rounds = camp.add_parser("nominations", help=texts.CAMPAIGN_HELP_NOMINATIONS)
    rounds.add_argument("campaign_id", type=int, help=texts.CAMPAIGN_HELP_ID)
    rounds.add_argument("--quota", type=int, help=texts.CAMPAIGN_HELP_QUOTA)
    rounds.add_argument("--late", choices=["yes", "no"], help=texts.CAMPAIGN_HELP_LATE)
    rounds.set_defaults(func=cmd_campaign_nominations)


def _today():
    return texts.local(utcnow(), get_settings().tz).date()


def _office_id(session, name: str | None) -> int | None:
    from db import units
    return units.office_by_name(session, clean_name(name), create=True)[0].id if name else None


# ---- staff ---------------------------------------------------------------------------------------------

def _role_office(role: str, office: str | None) -> tuple[str, str]:
    return texts.STAFF_ROLE_LABELS.get(role, role), f", {office}" if office else ""


def cmd_staff_add(args: argparse.Namespace) -> int:
    user_id = args.telegram_id.strip()
    if not user_id.lstrip("-").isdigit():
        return fail(texts.STAFF_BAD_TELEGRAM_ID, 2)
    open_database()
    with session_scope() as session:
        staff, created = admin.upsert_staff(session, user_id=user_id, name=clean_name(args.name), role=args.role,
                                            office_id=_office_id(session, args.office))
        people.audit(session, "cli", "staff_added" if created else "staff_updated", f"staff:{staff.id}",
                     role=args.role, office=args.office)
    role, office = _role_office(args.role, args.office)
    template = texts.STAFF_ADDED if created else texts.STAFF_UPDATED
    print(template.format(name=staff.name, user_id=user_id, role=role, office=office))
    return 0


def cmd_staff_invite(args: argparse.Namespace) -> int:
    from bot.invite_sheet import bot_username, deep_link
    open_database()
    with session_scope() as session:
        invite, token = invites.create_staff_invite(session, clean_name(args.name), args.role,
                                                    _office_id(session, args.office), days=args.days)
        people.audit(session, "cli", "staff_invited", f"invite:{invite.id}", name=args.name, role=args.role)
    role, _ = _role_office(args.role, None)
    print(texts.STAFF_INVITE_CREATED.format(name=clean_name(args.name), role=role, days=args.days,
                                            link=deep_link(bot_username(args.bot_username), token)))
    return 0


def cmd_staff_list(_args: argparse.Namespace) -> int:
    open_database()
    with session_scope() as session:
        rows, offices = admin.all_staff(session), admin.office_names(session)
    if not rows:
        print(texts.STAFF_LIST_EMPTY)
        return 0
    for s in rows:
        office = offices.get(s.office_id)
        print(texts.STAFF_LIST_LINE.format(id=s.id, name=s.name, role=texts.STAFF_ROLE_LABELS.get(s.role, s.role),
                                           channel=s.channel, user_id=s.platform_user_id,
                                           office=f" · {office}" if office else "",
                                           inactive="" if s.active else texts.STAFF_INACTIVE))
    return 0


def cmd_staff_web_link(args: argparse.Namespace) -> int:
    """A one-time sign-in link to the staff console, for a staff member at this machine (or to hand over)."""
    from datetime import timedelta
    from bot.console import sign_in_url
    from db import console as console_db
    minutes = max(1, min(args.minutes, 24 * 60))
    open_database()
    with session_scope() as session:
        staff = console_db.active_staff(session, args.staff)
        if staff is None:
            return fail(texts.CONSOLE_CLI_UNKNOWN_STAFF.format(staff_id=args.staff), 1)
        token = console_db.create_link(session, staff.id, utcnow(), timedelta(minutes=minutes))
        people.audit(session, "cli", "console_link_created", f"staff:{staff.id}", minutes=minutes)
        name = staff.name
    print(texts.CONSOLE_CLI_LINK.format(name=name, minutes=minutes, url=sign_in_url(
        get_settings().thidua_public_url, token)))
    return 0


# ---- campaigns -----------------------------------------------------------------------------------------

def unit_selection(session, spec: str) -> UnitSelection | str:
    """--units all | CODE,CODE | cluster:"Cụm 1;Cụm 2"; a message (str) when it does not resolve."""
    spec = clean_name(spec or "all")
    if spec.lower() in ("all", "tất cả"):
        return UnitSelection("all")
    if spec.lower().startswith("cluster:"):
        names = [clean_name(n).strip('"') for n in spec.split(":", 1)[1].split(";") if n.strip()]
        known = admin.clusters(session)
        unknown = [n for n in names if n not in known]
        if unknown or not names:
            return texts.CAMPAIGN_CLI_UNKNOWN_CLUSTER.format(names=", ".join(unknown), known=", ".join(known) or "-")
        return UnitSelection("clusters", clusters=names)
    found, unknown = admin.units_by_codes(session, [c for c in CODE_SEPARATOR.split(spec) if c])
    if unknown:
        return texts.CAMPAIGN_CLI_UNKNOWN_CODES.format(codes=", ".join(unknown))
    return UnitSelection("codes", codes=[u.code for u in found])


def _dates(args: argparse.Namespace) -> tuple | str:
    today = _today()
    issued = period = None
    if args.issued:
        issued, problem = parse_date(args.issued, today)
        if problem:
            return texts.CAMPAIGN_CLI_BAD_DATE.format(what="--issued", problem=problem)
    if args.period:
        period = parse_period(args.period, today)
        if period is None:
            return texts.CAMPAIGN_CLI_BAD_DATE.format(what="--period", problem=texts.CAMPAIGN_PERIOD_UNREADABLE)
        if period[0] is not None and period[1] < period[0]:
            return texts.CAMPAIGN_PERIOD_REVERSED.format(start=texts.fmt_date(period[0]), end=texts.fmt_date(period[1]))
    return issued, period or (None, None)


def cmd_campaign_create(args: argparse.Namespace) -> int:
    dates = _dates(args)
    if isinstance(dates, str):
        return fail(dates, 2)
    issued, (start, end) = dates
    open_database()
    with session_scope() as session:
        sel = unit_selection(session, args.units)
        unit_ids = admin.resolve_units(session, sel) if isinstance(sel, UnitSelection) else []
        if not unit_ids:
            return fail(texts.CAMPAIGN_CLI_BAD_UNITS.format(
                problem=sel if isinstance(sel, str) else texts.CAMPAIGN_CLI_NO_UNITS), 2)
        spec = CampaignSpec(title=clean_name(args.title), doc_number=args.doc_number, issued=issued,
                            period_start=start, period_end=end, unit_ids=unit_ids,
                            office_id=_office_id(session, args.office))
        campaign = admin.create_campaign(session, spec, get_settings().tz)
        taking_part = progress_db.unit_count(session, campaign.id)   # another office's schools were left out
        people.audit(session, "cli", "campaign_created", f"campaign:{campaign.id}", title=campaign.title,
                     units=taking_part, via="cli")
    print(texts.CAMPAIGN_CLI_CREATED.format(id=campaign.id, title=campaign.title, units=taking_part))
    return 0


def cmd_milestone_add(args: argparse.Namespace) -> int:
    if args.kind not in KINDS:
        return fail(texts.CAMPAIGN_CLI_BAD_KIND.format(kind=args.kind, kinds=", ".join(KINDS)), 2)
    today = _today()
    due, problem = parse_date(args.due, today)
    if problem:
        return fail(texts.CAMPAIGN_CLI_BAD_DATE.format(what="--due", problem=problem), 2)
    if due < today and not args.allow_past:
        return fail(texts.CAMPAIGN_CLI_PAST.format(date=texts.fmt_date(due)), 2)
    spec = MilestoneSpec(args.kind, clean_name(args.title or texts.kind_label(args.kind)), due,
                         [clean_name(d) for d in args.docs.split(";") if d.strip()])
    open_database()
    with session_scope() as session:
        if campaign_ops.get(session, args.campaign_id) is None:
            return fail(texts.CAMPAIGN_CLI_NOT_FOUND.format(id=args.campaign_id))
        row = admin.add_milestone(session, args.campaign_id, spec, get_settings().tz)
        people.audit(session, "cli", "milestone_added", f"milestone:{row.id}", campaign=args.campaign_id,
                     kind=args.kind, due=due.isoformat())
    line = milestone_line({"kind": spec.kind, "title": spec.title, "due": due.isoformat(), "docs": spec.documents})
    print(texts.CAMPAIGN_CLI_MS_ADDED.format(id=row.id, campaign_id=args.campaign_id, line=line))
    return 0


def cmd_campaign_attach(args: argparse.Namespace) -> int:
    try:
        data = args.file.read_bytes()
    except OSError:
        return fail(texts.CAMPAIGN_CLI_NO_FILE.format(path=args.file), 2)
    mime = mimetypes.guess_type(args.file.name)[0]
    open_database()
    with session_scope() as session:
        if campaign_ops.get(session, args.campaign_id) is None:
            return fail(texts.CAMPAIGN_CLI_NOT_FOUND.format(id=args.campaign_id))
        stored = file_store.store(session, get_settings().thidua_data_dir, data, args.file.name, mime)
        admin.attach_plan(session, args.campaign_id, stored.id)
        people.audit(session, "cli", "campaign_plan_attached", f"campaign:{args.campaign_id}", file=stored.id)
    print(texts.CAMPAIGN_CLI_ATTACHED.format(name=args.file.name, size=len(data), id=args.campaign_id))
    return 0


def cmd_campaign_nominations(args: argparse.Namespace) -> int:
    """Show or set the campaign's nomination rules: the quota per unit and round, and late entries."""
    if args.quota is not None and parse_quota(args.quota) is None:
        return fail(texts.QUOTA_BAD.format(max=MAX_QUOTA), 2)
    open_database()
    with session_scope() as session:
        campaign = campaign_ops.get(session, args.campaign_id)
        if campaign is None:
            return fail(texts.CAMPAIGN_CLI_NOT_FOUND.format(id=args.campaign_id))
        if args.quota is not None or args.late is not None:
            admin.set_nomination_rules(session, campaign, quota=args.quota,
                                       late=None if args.late is None else args.late == "yes")
            people.audit(session, "cli", "campaign_nomination_rules", f"campaign:{campaign.id}",
                         quota=campaign.nomination_quota, late=campaign.late_nominations)
        print(texts.CAMPAIGN_CLI_NOMINATION_RULES.format(
            id=campaign.id, quota=campaign.nomination_quota,
            late=texts.CAMPAIGN_LATE_NOMINATIONS[campaign.late_nominations]))
    return 0


def cmd_campaign_list(_args: argparse.Namespace) -> int:
    open_database()
    with session_scope() as session:
        rows = admin.all_campaigns(session)
        units, milestones = admin.unit_counts(session), admin.milestone_counts(session)
    if not rows:
        print(texts.CAMPAIGN_LIST_EMPTY)
        return 0
    for c in rows:
        print(texts.CAMPAIGN_LIST_LINE.format(
            id=c.id, status=texts.CAMPAIGN_STATUS_LABELS.get(c.status, c.status), title=c.title,
            doc_number=c.doc_number or "-", units=units.get(c.id, 0), milestones=milestones.get(c.id, 0),
            plan=texts.CAMPAIGN_LIST_HAS_PLAN if c.plan_file_id else ""))
    return 0
