"""Broadcast benchmark: launch a campaign to N contacts through the real bot against the sandbox Bot API.

    python -m bench.broadcast --contacts 3000 --json

A fresh temporary SQLite database gets N units with one Telegram contact each and a campaign over all of
them (plan file attached); the sandbox enforces Telegram's limits (30 messages/s per bot, 1/s per chat);
the real runtime (PTB polling, outbox dispatcher, scheduler with the broadcast monitor) runs against it; a
staff member launches through the chat flow (/phatdong → campaign → Gửi). Figures come from the sandbox's
own records: each admitted message is time-stamped when the sandbox records it.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

STAFF_ID = 9001
FIRST_CONTACT_ID = 100_000
PLAN = b"%PDF-1.4 ke hoach phat dong phong trao thi dua (benchmark)\n" + bytes(range(256)) * 40
TITLE = "Phong trào thi đua năm học 2026-2027"


def _sandbox_class():
    """The sandbox, plus the time at which every message was admitted (the records carry whole seconds)."""
    from bot.sandbox import TelegramSandbox

    class TimedSandbox(TelegramSandbox):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.admitted: list[tuple[float, int, str]] = []   # (monotonic time, chat id, method)

        def _record(self, chat_id, method, **content):
            sent = super()._record(chat_id, method, **content)
            self.admitted.append((time.monotonic(), chat_id, method))
            return sent

    return TimedSandbox


def _wait_for_sandbox_module(timeout: float = 600.0) -> None:
    """bot/sandbox.py is written by another engineer: wait for it rather than fail."""
    path = Path(__file__).resolve().parent.parent / "bot" / "sandbox.py"
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            raise SystemExit(f"{path} not found")
        time.sleep(2)


def seed(settings, n: int) -> int:
    """N units with one contact each, a staff member, and a draft campaign over every unit. Returns its id."""
    from datetime import date, timedelta

    from db import campaigns as campaign_ops
    from db import files as file_store
    from db.clock import utcnow
    from db.engine import session_scope
    from db.models import Campaign, Contact, Milestone, Staff, Unit

    with session_scope() as s:
        units = [Unit(code=f"B{i:05d}", name=f"Trường số {i}", cluster=f"Cụm {i % 10 + 1}") for i in range(n)]
        s.add_all(units)
        s.flush()
        s.add_all([Contact(unit_id=u.id, channel="telegram", platform_user_id=str(FIRST_CONTACT_ID + i),
                           chat_id=str(FIRST_CONTACT_ID + i), display_name=f"Đầu mối {i}") for i, u in enumerate(units)])
        s.add(Staff(name="Cán bộ thi đua", role="admin", platform_user_id=str(STAFF_ID), chat_id=str(STAFF_ID)))
        plan = file_store.store(s, settings.thidua_data_dir, PLAN, "KH-thi-dua.pdf", "application/pdf")
        camp = Campaign(title=TITLE, doc_number="87/KH-GDĐT", issued_date=date(2026, 9, 15), plan_file_id=plan.id,
                        period_start=date(2026, 9, 5), period_end=date(2027, 5, 31), status="draft")
        s.add(camp)
        s.flush()
        campaign_ops.set_units(s, camp.id, [u.id for u in units])
        s.add(Milestone(campaign_id=camp.id, kind="preliminary_report", title="Báo cáo sơ kết học kỳ I",
                        due_at=utcnow() + timedelta(days=60)))
        return camp.id


async def launch_in_chat(sandbox, campaign_id: int) -> float:
    """The staff member's clicks; returns the time "Gửi" was pressed."""
    from bot import texts
    await sandbox.send_text(STAFF_ID, "/phatdong")
    pick = await sandbox.wait_for_message(STAFF_ID, contains=texts.LAUNCH_PICK, timeout=30)
    await sandbox.press_button(STAFF_ID, pick.message_id, f"#{campaign_id} {TITLE}")
    confirm = await sandbox.wait_for_message(STAFF_ID, contains="Sẽ gửi tới", after_message_id=pick.message_id,
                                             timeout=60)
    pressed = time.monotonic()
    await sandbox.press_button(STAFF_ID, confirm.message_id, texts.LAUNCH_SEND)
    return pressed


def launch_deliveries(sandbox, n: int) -> list[tuple[float, int]]:
    contacts = range(FIRST_CONTACT_ID, FIRST_CONTACT_ID + n)
    return [(t, chat) for t, chat, method in sandbox.admitted
            if method == "sendDocument" and chat in contacts]


async def run(n: int, rate: float | None, verbose: bool) -> dict:
    _wait_for_sandbox_module()
    from bot.runtime import BotRuntime
    from bot.settings import Settings
    from db.engine import init_engine
    from db.migrate import upgrade

    tmp = Path(tempfile.mkdtemp(prefix="thidua-bench-"))
    settings = Settings(_env_file=None, telegram_bot_token="123456:BENCH-TOKEN", database_url=f"sqlite:///{tmp / 'bench.db'}",
                        thidua_data_dir=tmp / "files", thidua_secret="bench-secret")
    if rate:
        settings.telegram_rate_per_s = rate
    upgrade(settings.database_url)
    init_engine(settings.database_url)
    campaign_id = seed(settings, n)

    sandbox = _sandbox_class()(token=settings.telegram_bot_token)   # Telegram's limits (the defaults)
    await sandbox.start()
    sandbox.add_user(STAFF_ID, "Cán bộ thi đua")
    for i in range(n):
        sandbox.add_user(FIRST_CONTACT_ID + i, f"Đầu mối {i}")
    settings.telegram_api_base_url, settings.telegram_file_base_url = sandbox.api_base_url, sandbox.file_base_url
    runtime = BotRuntime(settings)
    await runtime.start()
    try:
        pressed = await launch_in_chat(sandbox, campaign_id)
        await sandbox.wait_for(lambda: len({c for _, c in launch_deliveries(sandbox, n)}) >= n, timeout=n / 10 + 120)
        finished = time.monotonic()
        await sandbox.wait_for_message(STAFF_ID, contains="Báo cáo phát động", timeout=60)
        await asyncio.sleep(1.0)   # anything sent twice would show up now
    finally:
        await runtime.stop()
        await sandbox.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    deliveries = launch_deliveries(sandbox, n)
    per_chat = Counter(chat for _, chat in deliveries)
    times = sorted(t for t, _ in deliveries)
    span = times[-1] - times[0] if len(times) > 1 else 0.0
    achieved = (len(times) - 1) / span if span else 0.0
    limit = sandbox.limits.bot_per_window / sandbox.limits.bot_window_s
    result = {
        "contacts": n,
        "limit_per_s": limit,
        "achieved_per_s": round(achieved, 2),
        "ratio": round(achieved / limit, 3),
        "http_429": sandbox.stats.http_429,
        "lost": n - len(per_chat),
        "duplicated": sum(1 for c in per_chat.values() if c > 1),
        "seconds": round(finished - pressed, 2),
        "cpu_seconds": round(time.process_time(), 2),
    }
    if verbose:
        progress = next((m for m in sandbox.sent(STAFF_ID) if m.text and m.text.startswith(("📤", "✅"))), None)
        print(f"progress edits: {len(progress.edits) if progress else 0}; staff messages: "
              f"{[(m.message_id, (m.text or m.caption or '')[:60]) for m in sandbox.sent(STAFF_ID)]}", file=sys.stderr)
        print(f"sandbox calls: {dict(sandbox.stats.calls)} errors: {dict(sandbox.stats.errors)}", file=sys.stderr)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.broadcast", description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=3000)
    parser.add_argument("--rate", type=float, default=None, help="the dispatcher's messages/s (default: settings)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    result = asyncio.run(run(args.contacts, args.rate, args.verbose))
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>15}: {value}")
    ok = result["ratio"] >= 0.95 and not (result["http_429"] or result["lost"] or result["duplicated"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
