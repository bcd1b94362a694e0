"""The `thidua` command line."""
from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from bot import texts
from bot.settings import get_settings


def cmd_run(args: argparse.Namespace) -> int:
    settings = get_settings()
    if not settings.telegram_bot_token and not settings.zalo_bot_token and not settings.zalo_oa_enabled:
        print(texts.CLI_RUN_NO_TOKEN, file=sys.stderr)
        return 2
    from bot import logs
    from bot.channels.errors import ChannelStartError
    from bot.runtime import BotRuntime
    logs.configure(logging.INFO, [settings.telegram_bot_token, settings.zalo_bot_token, settings.zalo_oa_app_secret,
                                  settings.zalo_oa_secret_key, settings.zalo_oa_refresh_token,
                                  settings.zalo_oa_access_token])
    runtime = BotRuntime(settings)
    try:
        asyncio.run(_run(runtime, args))
    except KeyboardInterrupt:
        pass
    except ChannelStartError as exc:   # one line; the platform's own error text may quote the token
        print(start_failure(exc), file=sys.stderr)
        return 2 if exc.reason == "token" else 1
    return 0


def zalo_webhook_for(given: str | None, force_polling: bool, settings) -> str | None:
    """Zalo says getUpdates is for local development and production should use a webhook (events can be
    missed): a bot with a public https address uses one unless told otherwise; polling is logged as local-only."""
    log = logging.getLogger("thidua")
    if not settings.zalo_bot_token:
        return None
    url = given or (None if force_polling or not settings.thidua_public_url.startswith("https://")
                    else settings.thidua_public_url)
    if url:
        log.info(texts.CLI_ZALO_WEBHOOK.format(url=url.rstrip("/") + "/zalo/webhook"))
    else:
        log.warning(texts.CLI_ZALO_POLLING)
    return url


def cmd_doctor(args: argparse.Namespace) -> int:
    from bot.doctor import run_checks
    settings = get_settings()
    telegram = args.webhook.rstrip("/") + "/telegram/webhook" if args.webhook else None
    zalo_base = args.zalo_webhook or (None if args.zalo_polling or not settings.thidua_public_url.startswith("https://")
                                      else settings.thidua_public_url)
    zalo = zalo_base.rstrip("/") + "/zalo/webhook" if zalo_base else None
    checks = asyncio.run(run_checks(settings, telegram_webhook=telegram, zalo_webhook=zalo))
    for check in checks:
        print(check.line())
    failed = [c for c in checks if not c.ok and not c.warning]
    print(texts.DOCTOR_SOME_FAILED.format(count=len(failed)) if failed else texts.DOCTOR_ALL_OK)
    return 1 if failed else 0


def start_failure(exc) -> str:
    platform = texts.CLI_RUN_PLATFORM.get(exc.channel, exc.channel)
    if exc.reason == "token":
        return texts.CLI_RUN_TOKEN_REJECTED[exc.channel]
    if exc.reason == "network":
        return texts.CLI_RUN_UNREACHABLE.format(platform=platform, detail=exc.detail)
    return texts.CLI_RUN_API_ERROR.format(platform=platform, detail=exc.detail)


async def _run(runtime, args: argparse.Namespace) -> None:
    from bot.channels.errors import ChannelStartError
    try:
        zalo_hook = zalo_webhook_for(args.zalo_webhook, getattr(args, "zalo_polling", False), runtime.settings)
        await runtime.run_forever(webhook_url=args.webhook, web_port=args.port, zalo_webhook_url=zalo_hook)
    except ChannelStartError:
        try:   # start() gave up half-way: close what it opened (web server, the other channel)
            await runtime.stop()
        except Exception:
            logging.getLogger(__name__).warning("cleaning up after a failed start failed", exc_info=True)
        raise


def cmd_db_upgrade(_args: argparse.Namespace) -> int:
    from db.migrate import upgrade
    upgrade(get_settings().database_url)
    print("Cơ sở dữ liệu đã được nâng cấp lên phiên bản mới nhất.")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from bot.demo import run_demo
    return asyncio.run(run_demo(verbose=args.verbose))


def cmd_plan_eval(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from schedules.plan_eval import evaluate, summary
    folders = [Path(d) for d in args.dirs]
    missing = [str(d) for d in folders if not d.is_dir()]
    if missing:
        print(texts.PLAN_EVAL_NO_DIR.format(dirs=", ".join(missing)), file=sys.stderr)
        return 2
    report = summary(evaluate(folders))
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
        return 0
    for f in report["per_file"]:
        p = f["pairs"]
        print(texts.PLAN_EVAL_FILE.format(file=f["file"], p=p["precision"], r=p["recall"], f1=p["f1"],
                                          dates=f["dates"]["f1"]) + (f" — {f['error']}" if f["error"] else ""))
        for day, kind in f["missed"]:
            print(texts.PLAN_EVAL_MISSED.format(date=day, kind=kind))
        for day, kind in f["extra"]:
            print(texts.PLAN_EVAL_EXTRA.format(date=day, kind=kind))
    for fmt, scores in report["by_format"].items():
        print(texts.PLAN_EVAL_FORMAT.format(fmt=fmt, f1=scores["pairs"]["f1"], dates=scores["dates"]["f1"]))
    total = report["pairs"]
    print(texts.PLAN_EVAL_TOTAL.format(files=report["files"], p=total["precision"], r=total["recall"],
                                       f1=total["f1"], dates=report["dates"]["f1"]))
    return 0


def cmd_plan_parse(args: argparse.Namespace) -> int:
    from pathlib import Path

    from schedules.documents import UnreadableDocument, read_text_document
    from schedules.plans.cli import main as parse_main
    path = Path(args.file)
    if path.is_file():   # a missing file: the parser says so
        try:             # the guarded reader first: one Vietnamese line for a broken file, never a traceback
            read_text_document(path, path.name, None)
        except UnreadableDocument as problem:
            print(problem.message, file=sys.stderr)
            return 2
    argv = [args.file] + (["--json"] if args.json else []) + (["--today", args.today] if args.today else [])
    return parse_main(argv)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="thidua", description="thidua-bot: trợ lý phong trào thi đua")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="chạy bot (long polling; --webhook URL để dùng webhook)")
    run.add_argument("--webhook", metavar="URL", help="địa chỉ công khai (https) mà Telegram gọi tới")
    run.add_argument("--zalo-webhook", metavar="URL", help="địa chỉ công khai (https) mà Zalo gọi tới "
                     "(mặc định: THIDUA_PUBLIC_URL khi đó là https)")
    run.add_argument("--zalo-polling", action="store_true", help="Zalo: dùng getUpdates (chỉ để chạy thử tại máy)")
    run.add_argument("--port", type=int, default=None, help="cổng của máy chủ web của bot (mặc định 8080)")
    run.set_defaults(func=cmd_run)

    doctor = sub.add_parser("doctor", help=texts.DOCTOR_HELP)
    doctor.add_argument("--webhook", metavar="URL", help="địa chỉ webhook Telegram mà bot dùng (nếu có)")
    doctor.add_argument("--zalo-webhook", metavar="URL", help="địa chỉ webhook Zalo mà bot dùng (nếu có)")
    doctor.add_argument("--zalo-polling", action="store_true")
    doctor.set_defaults(func=cmd_doctor)

    db = sub.add_parser("db", help="cơ sở dữ liệu").add_subparsers(dest="db_command", required=True)
    db.add_parser("upgrade", help="áp dụng các migration").set_defaults(func=cmd_db_upgrade)

    demo = sub.add_parser("demo", help="chạy thử với máy chủ Bot API giả lập, không cần token")
    demo.add_argument("-v", "--verbose", action="store_true")
    demo.set_defaults(func=cmd_demo)

    plan = sub.add_parser("plan", help="kế hoạch thi đua").add_subparsers(dest="plan_command", required=True)
    evaluation = plan.add_parser("eval", help="chấm trình đọc kế hoạch trên các thư mục có NAME.expected.json")
    evaluation.add_argument("dirs", nargs="+", metavar="THƯ_MỤC")
    evaluation.add_argument("--json", action="store_true")
    evaluation.set_defaults(func=cmd_plan_eval)
    parse = plan.add_parser("parse", help="đọc kế hoạch (.txt/.docx/.pdf) và trích các mốc thời hạn")
    parse.add_argument("file")
    parse.add_argument("--json", action="store_true", help="in đúng lược đồ JSON của bản nháp")
    parse.add_argument("--today", help="ngày tham chiếu YYYY-MM-DD")
    parse.set_defaults(func=cmd_plan_parse)

    from bot import cli_admin
    cli_admin.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args) or 0


if __name__ == "__main__":
    sys.exit(main())
