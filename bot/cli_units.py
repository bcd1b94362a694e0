"""`thidua units import|invite|revoke|list`: the roster of units and their invite links."""
from __future__ import annotations

import argparse
import sys
import unicodedata
from pathlib import Path

from sqlalchemy.engine import make_url

from bot import texts
from bot.settings import get_settings
from db import invites
from db.clock import utcnow
from db.engine import get_engine, init_engine, session_scope
from db.models import Unit


def register(sub: argparse._SubParsersAction) -> None:
    units = sub.add_parser("units", help=texts.CLI_HELP_UNITS).add_subparsers(dest="units_command", required=True)

    imp = units.add_parser("import", help=texts.CLI_HELP_IMPORT)
    imp.add_argument("file", help=texts.CLI_HELP_IMPORT_FILE)
    imp.add_argument("--office", metavar="TÊN", help=texts.CLI_HELP_OFFICE)
    imp.set_defaults(func=cmd_import)

    inv = units.add_parser("invite", help=texts.CLI_HELP_INVITE)
    inv.add_argument("--unit", metavar="MÃ", help=texts.CLI_HELP_UNIT)
    inv.add_argument("--out", metavar="THƯ_MỤC", type=Path, help=texts.CLI_HELP_OUT)
    inv.add_argument("--days", metavar="SỐ_NGÀY", type=positive_int, default=invites.DEFAULT_DAYS,
                     help=texts.CLI_HELP_DAYS)
    inv.add_argument("--max-uses", metavar="SỐ_LẦN", type=positive_int, default=invites.DEFAULT_MAX_USES,
                     help=texts.CLI_HELP_MAX_USES)
    inv.add_argument("--bot-username", metavar="TÊN_BOT", help=texts.CLI_HELP_BOT_USERNAME)
    inv.add_argument("--zalo-bot", metavar="TÊN", help=texts.CLI_HELP_ZALO_BOT)
    inv.add_argument("--replace", action="store_true", help=texts.CLI_HELP_REPLACE)
    inv.set_defaults(func=cmd_invite)

    rev = units.add_parser("revoke", help=texts.CLI_HELP_REVOKE)
    rev.add_argument("--unit", metavar="MÃ", required=True, help=texts.CLI_HELP_UNIT)
    rev.set_defaults(func=cmd_revoke)

    units.add_parser("list", help=texts.CLI_HELP_LIST).set_defaults(func=cmd_list)


def positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(texts.CLI_BAD_POSITIVE_INT.format(value=value))
    return number


def open_database() -> None:
    """Migrate, then point the engine at DATABASE_URL (unless it already is: a running bot keeps its engine)."""
    url = get_settings().database_url
    from db.migrate import upgrade
    upgrade(url)
    if get_engine().url != make_url(url):
        init_engine(url)


def fail(message: str, code: int = 1) -> int:
    print(message, file=sys.stderr)
    return code


# ---- import ------------------------------------------------------------------------------------------

def cmd_import(args: argparse.Namespace) -> int:
    from bot.roster import RosterError
    from db import people, units
    from schedules.documents import UnreadableDocument, read_roster_document
    path = Path(args.file)
    if not path.is_file():
        return fail(texts.CLI_ROSTER_NOT_FOUND.format(path=path), 2)
    try:   # the guarded reader: an empty, corrupt, encrypted or mislabelled file changes nothing
        roster = read_roster_document(path, path.name, None)
    except (RosterError, UnreadableDocument) as error:
        return fail(str(error), 2)
    open_database()
    with session_scope() as session:
        office, created = (units.office_by_name(session, clean_name(args.office), create=True)
                           if args.office else (None, False))
        report = units.upsert_units(session, roster.rows, office.id if office else None)
        people.audit(session, "cli", "units_imported", Path(args.file).name, added=len(report.added),
                     updated=len(report.updated), unchanged=len(report.unchanged), rejected=len(roster.rejected))
    print("\n".join(import_lines(Path(args.file).name, roster, report, office, created)))
    return 0


def clean_name(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def import_lines(file_name: str, roster, report, office, office_created: bool) -> list[str]:
    lines = [texts.CLI_IMPORT_HEADER.format(name=file_name, header_row=roster.header_row,
                                            rows=len(roster.rows) + len(roster.rejected))]
    if roster.ignored_columns:
        lines.append(texts.CLI_IMPORT_IGNORED_COLUMNS.format(columns=", ".join(roster.ignored_columns)))
    if office:
        lines.append(texts.CLI_IMPORT_OFFICE.format(
            office=office.name, created=texts.CLI_IMPORT_OFFICE_CREATED if office_created else ""))
    lines += _section(texts.CLI_IMPORT_ADDED_TITLE, [
        texts.CLI_IMPORT_UNIT_LINE.format(code=c.unit.code, name=c.unit.name) for c in report.added])
    lines += _section(texts.CLI_IMPORT_UPDATED_TITLE, [
        texts.CLI_IMPORT_UPDATED_LINE.format(code=c.unit.code, name=c.unit.name, fields=_field_labels(c.fields))
        for c in report.updated])
    lines += _section(texts.CLI_IMPORT_REJECTED_TITLE, _problem_lines(roster.rejected))
    lines += _section(texts.CLI_IMPORT_WARNINGS_TITLE, _problem_lines(roster.warnings))
    lines.append(texts.CLI_IMPORT_SUMMARY.format(added=len(report.added), updated=len(report.updated),
                                                 unchanged=len(report.unchanged), rejected=len(roster.rejected)))
    return lines


def _section(title: str, items: list[str]) -> list[str]:
    return [title.format(count=len(items)), *items] if items else []


def _problem_lines(problems) -> list[str]:
    return [texts.CLI_IMPORT_ROW_LINE.format(row=p.row, reasons="; ".join(p.reasons)) for p in problems]


def _field_labels(fields: list[str]) -> str:
    return ", ".join(texts.CLI_FIELD_LABELS.get(name, name) for name in fields)


# ---- invite ------------------------------------------------------------------------------------------

def cmd_invite(args: argparse.Namespace) -> int:
    from bot.invite_sheet import bot_username
    from db import people
    settings = get_settings()
    open_database()
    username = bot_username(args.bot_username)
    out_dir = args.out or Path(f"loi-moi-{texts.local(utcnow(), settings.tz):%Y%m%d-%H%M%S}")
    with session_scope() as session:
        chosen = _chosen_units(session, args.unit)
        if isinstance(chosen, str):
            return fail(chosen)
        replaced = sum(invites.revoke_for_unit(session, u.id) for u in chosen) if args.replace else 0
        lines = [_new_invite(session, unit, username, args.days, args.max_uses) for unit in chosen]
        sheet = _write_files(lines, out_dir, settings.tz, getattr(args, "zalo_bot", None))   # inside the transaction: no files, no invites
        people.audit(session, "cli", "invites_created", args.unit or "*", count=len(lines), revoked=replaced,
                     days=args.days, max_uses=args.max_uses)
    if args.replace:
        print(texts.CLI_INVITE_REPLACED.format(count=replaced))
    print(texts.CLI_INVITE_DONE.format(count=len(lines), expires=texts.fmt_datetime(lines[0].expires_at, settings.tz),
                                       max_uses=args.max_uses, sheet=sheet, qr_dir=out_dir))
    if args.unit:
        line = lines[0]
        print(texts.CLI_INVITE_ONE_LINK.format(code=line.code, name=line.name, link=line.link, token=line.token))
    print(texts.CLI_INVITE_SECRET_NOTE)
    return 0


def _chosen_units(session, code: str | None) -> list[Unit] | str:
    """The one unit asked for, or every unit; a message (str) when there is none."""
    from db import units
    if code:
        unit = units.get_by_code(session, code)
        return [unit] if unit else texts.CLI_UNIT_NOT_FOUND.format(code=code)
    return units.all_units(session) or texts.CLI_NO_UNITS


def _new_invite(session, unit: Unit, username: str, days: int, max_uses: int):
    from bot.invite_sheet import InviteLine, deep_link
    invite, token = invites.create_unit_invite(session, unit, days=days, max_uses=max_uses)
    return InviteLine(code=unit.code, name=unit.name, level=unit.level, cluster=unit.cluster,
                      liaison_name=unit.liaison_name, liaison_phone=unit.liaison_phone,
                      link=deep_link(username, token), token=invites.display_code(token), expires_at=invite.expires_at,
                      max_uses=invite.max_uses)


def _write_files(lines, out_dir: Path, tz, zalo_bot: str | None = None) -> Path:
    """QR codes, the list (.xlsx) and one printable page per school (.docx)."""
    from bot.invite_letters import write_letters
    from bot.invite_sheet import qr_filename, write_qr, write_sheet
    out_dir.mkdir(parents=True, exist_ok=True)
    for line in lines:
        write_qr(line.link, out_dir / qr_filename(line.code))
    write_letters(lines, out_dir, out_dir / LETTERS_FILE, tz, zalo_bot)
    return write_sheet(lines, out_dir / "danh-sach-loi-moi.xlsx", tz, qr_dir=out_dir)


LETTERS_FILE = "huong-dan-cac-truong.docx"


# ---- revoke, list ------------------------------------------------------------------------------------

def cmd_revoke(args: argparse.Namespace) -> int:
    from db import people, units
    open_database()
    with session_scope() as session:
        unit = units.get_by_code(session, args.unit)
        if unit is None:
            return fail(texts.CLI_UNIT_NOT_FOUND.format(code=args.unit))
        count = invites.revoke_for_unit(session, unit.id)
        people.audit(session, "cli", "invites_revoked", f"unit:{unit.id}", count=count)
    print(texts.CLI_REVOKED.format(count=count, code=unit.code, name=unit.name))
    return 0


def cmd_list(_args: argparse.Namespace) -> int:
    from db import units
    open_database()
    with session_scope() as session:
        rows = units.units_with_contact_counts(session)
    if not rows:
        print(texts.CLI_NO_UNITS)
        return 0
    table = [[u.code, u.name, u.level or "", u.cluster or "", u.liaison_name or "", u.liaison_phone or "", str(n)]
             for u, n in rows]
    print("\n".join(format_table(texts.CLI_LIST_HEADERS, table)))
    print(texts.CLI_LIST_SUMMARY.format(units=len(rows), bound=sum(1 for _, n in rows if n),
                                        contacts=sum(n for _, n in rows)))
    return 0


def format_table(headers: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]

    def render(row: list[str]) -> str:
        return "  ".join(str(v).ljust(w) for v, w in zip(row, widths)).rstrip()
    return [render(headers), "  ".join("-" * w for w in widths), *(render(r) for r in rows)]
