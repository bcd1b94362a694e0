"""`thidua awards list|add|disable|enable`: the award forms (danh hiệu, hình thức khen thưởng) as data."""
from __future__ import annotations

import argparse

from sqlalchemy.engine import make_url

from bot import texts
from bot.settings import get_settings
from db import nominations, people
from db.engine import get_engine, init_engine, session_scope
from handlers.awards import award_line

WHO = {"collective": (True, False), "individual": (False, True), "both": (True, True)}


def register(sub: argparse._SubParsersAction) -> None:
    awards = sub.add_parser("awards", help=texts.AWARD_CLI_HELP).add_subparsers(dest="awards_command", required=True)
    lst = awards.add_parser("list", help="liệt kê (kể cả hình thức đã ngừng dùng)")
    lst.set_defaults(func=cmd_list)
    add = awards.add_parser("add", help="thêm hình thức khen thưởng")
    add.add_argument("name", help="tên, ví dụ \"Giấy khen của Chủ tịch UBND xã\"")
    add.add_argument("--for", dest="who", choices=sorted(WHO), default="both", help="dành cho (mặc định: both)")
    add.add_argument("--authority", help="thẩm quyền quyết định")
    add.set_defaults(func=cmd_add)
    for verb, func, help_ in (("disable", cmd_disable, "ngừng dùng"), ("enable", cmd_enable, "dùng lại")):
        p = awards.add_parser(verb, help=f"{help_} (theo số hoặc tên)")
        p.add_argument("key", help="số (#id) hoặc tên đúng của hình thức")
        p.set_defaults(func=func)


def _open_database() -> None:
    url = get_settings().database_url
    from db.migrate import upgrade
    upgrade(url)
    if get_engine().url != make_url(url):
        init_engine(url)


def cmd_list(_args: argparse.Namespace) -> int:
    _open_database()
    with session_scope() as s:
        forms = nominations.award_forms(s, active_only=False)
        print(texts.AWARD_LIST_HEADER.format(count=len(forms)))
        for f in forms:
            print(award_line(f))
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    _open_database()
    collective, individual = WHO[args.who]
    with session_scope() as s:
        row = nominations.add_award_form(s, args.name, for_collective=collective, for_individual=individual,
                                         authority=args.authority)
        if row is None:
            print(texts.AWARD_CLI_EXISTS.format(name=args.name))
            return 1
        people.audit(s, "cli", "award_form_added", f"award_form:{row.id}", name=row.name)
        print(texts.AWARD_CLI_ADDED.format(id=row.id, name=row.name))
    return 0


def _switch(key: str, active: bool) -> int:
    _open_database()
    with session_scope() as s:
        row = nominations.set_award_form_active(s, key.lstrip("#"), active)
        if row is None:
            print(texts.AWARD_CLI_NOT_FOUND.format(key=key))
            return 1
        people.audit(s, "cli", "award_form_enabled" if active else "award_form_disabled", f"award_form:{row.id}")
        print((texts.AWARD_CLI_ENABLED if active else texts.AWARD_CLI_DISABLED).format(id=row.id, name=row.name))
    return 0


def cmd_disable(args: argparse.Namespace) -> int:
    return _switch(args.key, False)


def cmd_enable(args: argparse.Namespace) -> int:
    return _switch(args.key, True)
