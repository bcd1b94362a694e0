"""`thidua export CAMPAIGN_ID -o DIR`: the same .xlsx and .zip as /xuat, written to a folder (no size limit).

Streamed like the chat's build (handlers.export.write_export): memory stays flat whatever the archive's
size, and no transaction is open while the files are written.
"""
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
    from db import exports as exports_db
    from db import people
    from db.clock import utcnow
    from db.engine import init_engine, session_scope
    from db.migrate import upgrade
    from handlers.export import plan_export, write_export

    settings = get_settings()
    upgrade(settings.database_url)
    init_engine(settings.database_url)
    now = utcnow()
    plan = plan_export(exports_db.export_data(args.campaign_id), settings.tz, now)
    if plan is None:
        print(texts.EXPORT_CLI_NOT_FOUND.format(campaign_id=args.campaign_id), file=sys.stderr)
        return 2
    out = write_export(plan, settings.thidua_data_dir, args.output, settings.tz, now)
    with session_scope() as session:
        people.audit(session, "cli", "export_created", f"campaign:{args.campaign_id}", files=out.zipped,
                     zip_bytes=out.zip_size)
    for path in (out.xlsx_path, out.zip_path):
        print(texts.EXPORT_CLI_WROTE.format(path=path))
    if out.missing_on_disk:
        print(texts.EXPORT_ZIP_MISSING.format(n=out.missing_on_disk), file=sys.stderr)
    return 0
