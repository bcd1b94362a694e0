"""Peak RSS of the bot during a launch: a 5 MB plan vs a 10 KB plan, same contacts, one run.

    python -m bench.launch_rss --contacts 3000 --json

For each plan size: a fresh SQLite database seeded as bench/broadcast.py does (N contacts, one draft campaign
with the plan attached), a fresh `thidua run` child process against the sandbox, the staff member launches
through the chat; we wait for every contact's document and the staff's final report. Peak RSS is the child's
VmHWM (/proc/<pid>/status), read before the launch (after start-up) and at the end.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import time

from bench import _harness as h

KB = 1024


async def one(contacts: int, plan_size: int) -> dict:
    with h.temp_dir("thidua-rss-") as tmp:
        url = f"sqlite:///{tmp / 'bench.db'}"
        scenario = h.LaunchScenario(contacts, h.plan_pdf(plan_size), url, tmp / "files")
        scenario.seed()
        sandbox = await scenario.start_sandbox()
        bot = h.BotProcess(tmp, h.bot_env(sandbox, url, tmp / "files"), name="bot")
        try:
            bot.start()
            await h.wait_ready(sandbox, bot)
            await asyncio.sleep(1.0)
            hwm_before = bot.peak_rss_kb()
            cpu0 = bot.cpu_seconds()
            pressed = await scenario.press_launch()
            complete = await scenario.wait_delivered(contacts, timeout=contacts / 10 + 180)
            finished = time.monotonic()
            report = await scenario.wait_final_report(timeout=60)
            return {
                "plan_bytes": plan_size, "complete": complete, "final_report": report,
                "peak_rss_before_launch_mb": round(hwm_before / KB, 1),
                "peak_rss_mb": round(bot.peak_rss_kb() / KB, 1),
                "rss_now_mb": round(h.proc_status_kb(bot.pid, "VmRSS") / KB, 1),
                "seconds": h.r(finished - pressed, 1), "achieved_per_s": h.r(scenario.rate(), 2),
                "bot_cpu_s": h.r(bot.cpu_seconds() - cpu0, 2),
                "plan_uploads": sandbox.stats.calls["sendDocument"] and len(
                    {s.document.file_id for _, _, m, s in sandbox.admitted if m == "sendDocument" and s.document}),
                "http_429": sandbox.stats.http_429, **scenario.loss_and_duplicates(),
            }
        finally:
            await bot.stop()
            await sandbox.stop()


async def run(args) -> dict:
    small = await one(args.contacts, args.small_kb * KB)
    big = await one(args.contacts, args.big_mb * KB * KB)
    return {"bench": "launch_rss", "contacts": args.contacts, "plan_10kb": small, "plan_5mb": big,
            "peak_rss_ratio": h.r(big["peak_rss_mb"] / small["peak_rss_mb"], 2),
            "peak_rss_delta_mb": h.r(big["peak_rss_mb"] - small["peak_rss_mb"], 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.launch_rss", description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=3000)
    parser.add_argument("--small-kb", type=int, default=10)
    parser.add_argument("--big-mb", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print one JSON object (the default output anyway)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    print(json.dumps(asyncio.run(run(args)), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
