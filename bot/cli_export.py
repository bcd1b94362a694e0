"""`thidua export CAMPAIGN_ID -o DIR`: the same .xlsx and .zip as /xuat, written to a folder (no size limit)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot import texts
from bot.settings import get_settings


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help=texts.EXPORT_CLI_HELP)
    p.add_argument("campaign_id", type=int)
    p.add_argument("-o", "--output", type=Path, default=Path("."), help=texts.EXPORT_CLI_OUT_HELP)
    p.set_defaults(func=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    from db import people
    from db.clock import utcnow
    from db.engine import init_engine, session_scope
    from db.migrate import upgrade
    from handlers.export import build_export

    settings = get_settings()
    upgrade(settings.database_url)
    init_engine(settings.database_url)
    with session_scope() as session:
        out = build_export(session, args.campaign_id, settings.thidua_data_dir, settings.tz, utcnow())
        if out is not None:
            people.audit(session, "cli", "export_created", f"campaign:{args.campaign_id}", files=out.zipped)
    if out is None:
        print(texts.EXPORT_CLI_NOT_FOUND.format(campaign_id=args.campaign_id), file=sys.stderr)
        return 2
    args.output.mkdir(parents=True, exist_ok=True)
    for name, data in ((out.xlsx_name, out.xlsx), (out.zip_name, out.zip)):
        path = args.output / name
        path.write_bytes(data)
        print(texts.EXPORT_CLI_WROTE.format(path=path))
    if out.missing_on_disk:
        print(texts.EXPORT_ZIP_MISSING.format(n=out.missing_on_disk), file=sys.stderr)
    return 0
