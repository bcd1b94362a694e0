"""Stop the bot in the middle of a launch and start it again at once (issue 18): what is lost or doubled?

    python -m bench.stop_resume --contacts 1000 --json

For each signal (SIGKILL, SIGTERM) and each point (10 %, 50 %, 90 % of the contacts sent): a fresh SQLite
database, a `thidua run` child process, the staff member launches through the chat; once the sandbox has
admitted that share of the documents the bot gets the signal (SIGTERM: up to --term-grace s to exit, then
SIGKILL), and a new `thidua run` is started on the same database as soon as the old one is gone. We wait
until every contact has the launch or --settle seconds after the restart, then 2 s more for late doubles.

Per case: lost (contacts without the launch at the end), duplicated (contacts who got it twice or more),
seconds from the restart until the first launch message went out again, whether the staff got the final
report, and the outbox rows left in each status (rows stuck in 'sending' wait for their lease to run out).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import signal
import sys
import time

from bench import _harness as h

SIGNALS = {"kill9": signal.SIGKILL, "sigterm": signal.SIGTERM}


async def case(contacts: int, sig_name: str, point: float, settle: float, term_grace: float) -> dict:
    with h.temp_dir(f"thidua-stop-{sig_name}-") as tmp:
        url = f"sqlite:///{tmp / 'bench.db'}"
        scenario = h.LaunchScenario(contacts, h.plan_pdf(10 * 1024), url, tmp / "files")
        scenario.seed()
        sandbox = await scenario.start_sandbox()
        bot = h.BotProcess(tmp, h.bot_env(sandbox, url, tmp / "files"), name="bot")
        result: dict = {"signal": sig_name, "at_fraction": point}
        try:
            bot.start()
            await h.wait_ready(sandbox, bot)
            await scenario.press_launch()
            target = max(1, int(contacts * point))
            if not await scenario.wait_delivered(target, timeout=contacts / 10 + 120):
                result["error"] = f"only {scenario.delivered()} delivered before the stop"
            result["delivered_at_signal"] = scenario.delivered()
            stop = await bot.stop(SIGNALS[sig_name], timeout=term_grace)
            result.update(exit_code=stop["exit_code"], exit_seconds=stop["seconds"], exit_forced=stop["forced"],
                          delivered_at_exit=scenario.delivered())
            polls_before = sandbox.stats.calls["getUpdates"]
            restarted = time.monotonic()
            bot.start()
            await h.wait_ready(sandbox, bot, before=polls_before)
            complete = await scenario.wait_delivered(contacts, timeout=max(0.0, settle - (time.monotonic() - restarted)))
            after = sorted(t for t, _ in scenario.deliveries() if t >= restarted)
            result["resumed_after_s"] = h.r(after[0] - restarted, 2) if after else None
            result["complete"] = complete
            result["completed_after_restart_s"] = h.r(after[-1] - restarted, 1) if complete and after else None
            result["final_report"] = await scenario.wait_final_report(timeout=30 if complete else 3)
            await asyncio.sleep(2.0)   # anything sent twice would show up now
            result.update(scenario.loss_and_duplicates())
            result["http_429"] = sandbox.stats.http_429
        finally:
            await bot.stop()
            await sandbox.stop()
        result["outbox_rows"] = h.outbox_counts(url)
        return result


async def run(args) -> dict:
    cases = []
    for sig_name in args.signals:
        for point in args.points:
            cases.append(await case(args.contacts, sig_name, point, args.settle, args.term_grace))
    return {"bench": "stop_resume", "contacts": args.contacts, "settle_s": args.settle, "cases": cases,
            "total_lost": sum(c.get("lost", 0) for c in cases),
            "total_duplicated": sum(c.get("duplicated", 0) for c in cases),
            "final_reports": sum(1 for c in cases if c.get("final_report")), "case_count": len(cases)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.stop_resume", description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=1000)
    parser.add_argument("--points", type=float, nargs="+", default=[0.1, 0.5, 0.9])
    parser.add_argument("--signals", nargs="+", choices=sorted(SIGNALS), default=["kill9", "sigterm"])
    parser.add_argument("--settle", type=float, default=60.0,
                        help="seconds after the restart to wait for the launch to complete")
    parser.add_argument("--term-grace", type=float, default=15.0, help="seconds SIGTERM gets before SIGKILL")
    parser.add_argument("--json", action="store_true", help="print one JSON object (the default output anyway)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    result = asyncio.run(run(args))
    print(json.dumps(result, ensure_ascii=False))
    return 0 if not (result["total_lost"] or result["total_duplicated"]) else 1


if __name__ == "__main__":
    sys.exit(main())
