"""`thidua export CAMPAIGN_ID -o DIR`: the same .xlsx and .zip as /xuat, written to a folder (no size limit).
`thidua document nominations|proposal|progress ID -o DIR`: the documents /dscu and /baocao send, in the
office's letterhead (Nghị định 30/2020 layout).

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
    d = sub.add_parser("document", help=texts.OFFICE_DOC_CLI_HELP)
    d.add_argument("kind", choices=["nominations", "proposal", "progress"], help=texts.OFFICE_DOC_CLI_KIND_HELP)
    d.add_argument("id", type=int)
    d.add_argument("--format", choices=["docx", "xlsx"], default="docx", help=texts.OFFICE_DOC_CLI_FORMAT_HELP)
    d.add_argument("-o", "--output", type=Path, default=Path("."), help=texts.EXPORT_CLI_OUT_HELP)
    d.set_defaults(func=cmd_document)


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


def cmd_document(args: argparse.Namespace) -> int:
    """Built in one short session (a handful of SELECTs and a small file), written after it closes."""
    from db import people
    from db.clock import utcnow
    from db.engine import session_scope
    from db.models import Campaign, Milestone
    from bot.cli_units import open_database
    from handlers.nomination_export import build_round_document
    from handlers.progress_report import report_document

    settings = get_settings()
    open_database()
    now = utcnow()
    with session_scope() as session:
        if args.kind == "progress":
            campaign = session.get(Campaign, args.id)
            built = (report_document(session, campaign, settings.tz, now, data_dir=settings.thidua_data_dir)
                     if campaign else None)
            what = texts.OFFICE_DOC_CLI_CAMPAIGN
        else:
            m = session.get(Milestone, args.id)
            kind = "proposal" if args.kind == "proposal" else args.format
            doc = (build_round_document(session, m, kind, f"{texts.local(now, settings.tz):%Y%m%d_%H%M}",
                                        data_dir=settings.thidua_data_dir) if m else None)
            if m is not None and doc is None:
                print(texts.OFFICE_DOC_CLI_EMPTY, file=sys.stderr)
                return 1
            built = (doc.name, doc.data) if doc else None
            what = texts.OFFICE_DOC_CLI_ROUND
        if built is None:
            print(texts.OFFICE_DOC_CLI_NOT_FOUND.format(what=what, id=args.id), file=sys.stderr)
            if args.kind != "progress":
                _print_rounds(session)
            return 2
        people.audit(session, "cli", "document_created", f"{args.kind}:{args.id}", file=built[0])
    args.output.mkdir(parents=True, exist_ok=True)
    path = args.output / built[0]
    path.write_bytes(built[1])
    print(texts.EXPORT_CLI_WROTE.format(path=path))
    return 0


def _print_rounds(session) -> None:
    from db import export_facts, nominations
    found = export_facts.rounds(session)
    if found:
        print(texts.OFFICE_DOC_CLI_ROUNDS, file=sys.stderr)
    for m, campaign in found:
        print(texts.OFFICE_DOC_CLI_ROUND_LINE.format(id=m.id, period=nominations.period_label(m), campaign=campaign),
              file=sys.stderr)
