"""`thidua office set|list`: the office's letterhead, printed on every document it files (bot.documents)."""
from __future__ import annotations

import argparse
from pathlib import Path

from bot import texts
from bot.cli_units import clean_name, fail, open_database

# option -> Office column
OPTIONS = {"new_name": "name", "parent": "parent_body", "place": "place_name", "signer_title": "signer_title",
           "signer_name": "signer_name", "prefix": "number_prefix"}


def register(sub: argparse._SubParsersAction) -> None:
    office = sub.add_parser("office", help=texts.LETTERHEAD_CLI_HELP).add_subparsers(dest="office_command",
                                                                                      required=True)
    s = office.add_parser("set", help=texts.LETTERHEAD_CLI_SET_HELP)
    s.add_argument("office", metavar="TÊN", help=texts.LETTERHEAD_CLI_OFFICE)
    s.add_argument("--new-name", metavar="TÊN_MỚI", help=texts.LETTERHEAD_FIELDS["ten"][0])
    s.add_argument("--parent", metavar="CHỦ_QUẢN", help=texts.LETTERHEAD_FIELDS["chuquan"][0])
    s.add_argument("--place", metavar="ĐỊA_DANH", help=texts.LETTERHEAD_FIELDS["diadanh"][0])
    s.add_argument("--signer-title", metavar="CHỨC_VỤ", help=texts.LETTERHEAD_FIELDS["chucvu"][0] + " (| xuống dòng)")
    s.add_argument("--signer-name", metavar="HỌ_TÊN", help=texts.LETTERHEAD_FIELDS["nguoiky"][0])
    s.add_argument("--prefix", metavar="KÝ_HIỆU", help=texts.LETTERHEAD_FIELDS["kyhieu"][0])
    s.set_defaults(func=cmd_office_set)
    office.add_parser("list", help=texts.LETTERHEAD_CLI_SHOW_HELP).set_defaults(func=cmd_office_list)
    t = office.add_parser("template", help=texts.LETTERHEAD_CLI_TEMPLATE_HELP)
    t.add_argument("office", metavar="TÊN", help=texts.LETTERHEAD_CLI_OFFICE)
    t.add_argument("file", nargs="?", type=Path, help=texts.LETTERHEAD_CLI_TEMPLATE_FILE)
    t.add_argument("--remove", action="store_true", help=texts.LETTERHEAD_CLI_TEMPLATE_REMOVE)
    t.set_defaults(func=cmd_office_template)


def cmd_office_set(args: argparse.Namespace) -> int:
    from db import letterhead, people
    from db.engine import session_scope

    values = {column: getattr(args, option) for option, column in OPTIONS.items() if getattr(args, option) is not None}
    if not values:
        return fail(texts.LETTERHEAD_CLI_NOTHING, 2)
    if "signer_title" in values:
        values["signer_title"] = "\n".join(p.strip() for p in values["signer_title"].split("|") if p.strip())
    if "name" in values and not values["name"].strip():
        return fail(texts.LETTERHEAD_NAME_REQUIRED, 2)
    if any(len(v) > letterhead.MAX_LEN for v in values.values()):
        return fail(texts.LETTERHEAD_TOO_LONG.format(limit=letterhead.MAX_LEN), 2)
    open_database()
    with session_scope() as session:
        office = letterhead.office_named(session, clean_name(args.office))
        if office is None:
            names = ", ".join(o.name for o in letterhead.all_offices(session)) or texts.LETTERHEAD_CLI_NONE
            return fail(texts.LETTERHEAD_CLI_NOT_FOUND.format(name=args.office, names=names), 2)
        changed = letterhead.set_fields(session, office, values)
        if changed:
            people.audit(session, "cli", "letterhead_changed", f"office:{office.id}", **changed)
        print(_describe(office))
    return 0


def cmd_office_list(_args: argparse.Namespace) -> int:
    from db import letterhead
    from db.engine import session_scope

    open_database()
    with session_scope() as session:
        offices = letterhead.all_offices(session)
        print("\n\n".join(_describe(o) for o in offices) if offices else texts.LETTERHEAD_CLI_NONE)
    return 0


def cmd_office_template(args: argparse.Namespace) -> int:
    """Checked before anything is stored: a file docxtpl cannot read, or without {{p noi_dung }}, is refused."""
    from bot.documents.compose import BODY, TemplateError, check_template
    from bot.settings import get_settings
    from db import files, letterhead, people
    from db.engine import session_scope

    data = None
    if not args.remove:
        if args.file is None or not args.file.is_file():
            return fail(texts.LETTERHEAD_TEMPLATE_MISSING.format(path=args.file or ""), 2)
        data = args.file.read_bytes()
        try:
            fields = check_template(data)
        except TemplateError as exc:
            template = texts.LETTERHEAD_TEMPLATE_NO_BODY if str(exc) == BODY else texts.LETTERHEAD_TEMPLATE_BAD
            return fail(template.format(name=args.file.name), 2)
    open_database()
    with session_scope() as session:
        office = letterhead.office_named(session, clean_name(args.office))
        if office is None:
            names = ", ".join(o.name for o in letterhead.all_offices(session)) or texts.LETTERHEAD_CLI_NONE
            return fail(texts.LETTERHEAD_CLI_NOT_FOUND.format(name=args.office, names=names), 2)
        if data is None:
            letterhead.set_template(session, office, None)
            people.audit(session, "cli", "letterhead_template_removed", f"office:{office.id}")
            print(texts.LETTERHEAD_TEMPLATE_REMOVED.format(office=office.name))
            return 0
        stored = files.store(session, get_settings().thidua_data_dir, data, args.file.name,
                             "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        letterhead.set_template(session, office, stored.id)
        people.audit(session, "cli", "letterhead_template_set", f"office:{office.id}", file=stored.id)
        print(texts.LETTERHEAD_TEMPLATE_SAVED.format(name=args.file.name, office=office.name,
                                                     fields=", ".join(sorted(fields))))
    return 0


def _describe(office) -> str:
    template = texts.LETTERHEAD_LINE.format(label=texts.LETTERHEAD_TEMPLATE_LABEL, value=(
        texts.LETTERHEAD_TEMPLATE_DEFAULT if office.template_file_id is None else f"#{office.template_file_id}"))
    return "\n".join([office.name] + [texts.LETTERHEAD_LINE.format(
        label=label, value=(getattr(office, column) or texts.LETTERHEAD_EMPTY_VALUE).replace("\n", " | "))
        for label, column in texts.LETTERHEAD_FIELDS.values()] + [template])
