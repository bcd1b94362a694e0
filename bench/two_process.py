"""Two `thidua run` processes on one PostgreSQL database during a launch: do they share the work safely?

    python -m bench.two_process --contacts 1000 --json

A throwaway PostgreSQL server (initdb/pg_ctl in a temp dir, as scripts/test-on-postgres.sh) per scenario.
Both processes run in webhook mode (`thidua run --webhook http://127.0.0.1:<port> --port <port>`): Telegram
(the sandbox) delivers updates to the last webhook set, i.e. process B, and both processes' outbox
dispatchers, schedulers and broadcast monitors run against the same database.

Scenario "both": the staff member launches to N contacts; combined msg/s, 429s, lost, duplicated, and how
many launch messages each process sent (the sandbox maps each request's client port to the child's pid).
Scenario "kill" (--kill, on by default): the same, but one process gets kill -9 once half the contacts
have the launch: --kill-target B (default: the one that received the staff's clicks, enqueued the launch
and, in the baseline, claimed every row) or A (the other one); seconds until the next launch message after the kill,
the longest pause after it, msg/s after it, lost/duplicated after --settle s, rows left 'sending'.
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


async def scenario(name: str, contacts: int, kill: bool, settle: float, target: str = "B") -> dict:
    pg = h.Postgres()
    result: dict = {"scenario": name}
    bots: list[h.BotProcess] = []
    sandbox = None
    try:
        pg.start()
        with h.temp_dir(f"thidua-2proc-{name}-") as tmp:
            url = pg.url
            launch = h.LaunchScenario(contacts, h.plan_pdf(10 * 1024), url, tmp / "files")
            launch.seed()
            sandbox = await launch.start_sandbox()
            for label in ("A", "B"):
                port = h.free_port()
                bot = h.BotProcess(tmp, h.bot_env(sandbox, url, tmp / "files"), name=label,
                                   args=["run", "--webhook", f"http://127.0.0.1:{port}", "--port", str(port)])
                bots.append(bot)
                hooks = sandbox.stats.calls["setWebhook"]
                bot.start()
                sandbox.track_pids[bot.pid] = label
                await h.wait_ready(sandbox, bot, method="setWebhook", before=hooks)
            a, b = bots
            await asyncio.sleep(1.0)
            pressed = await launch.press_launch()
            killed_at = None
            if kill:
                await launch.wait_delivered(contacts // 2, timeout=contacts / 10 + 120)
                killed_at = time.monotonic()
                result["killed"] = target
                result["delivered_at_kill"] = launch.delivered()
                (a if target == "A" else b).kill_now()
            complete = await launch.wait_delivered(contacts, timeout=settle if kill else contacts / 10 + 120)
            finished = time.monotonic()
            result["complete"] = complete
            result["final_report"] = await launch.wait_final_report(timeout=30 if complete else 3)
            await asyncio.sleep(2.0)   # anything sent twice would show up now
            times = sorted(t for t, _ in launch.deliveries())
            result.update({
                "seconds": h.r((times[-1] if times else finished) - pressed, 1),
                "combined_per_s": h.r(launch.rate(), 2),
                "http_429": sandbox.stats.http_429,
                **launch.loss_and_duplicates(),
            })
            if kill:
                after = [t for t in times if t > killed_at]
                gaps = [y - x for x, y in zip([killed_at, *after], after)]
                result.update({
                    "next_send_after_kill_s": h.r(after[0] - killed_at, 2) if after else None,
                    "longest_pause_after_kill_s": h.r(max(gaps), 2) if gaps else None,
                    "per_s_after_kill": h.r(launch.rate(since=killed_at), 2),
                })
            for bot in bots:
                await bot.stop()
            result["outbox_rows"] = h.outbox_counts(url)
            from collections import Counter
            by = Counter(sandbox.sender_of.get(id(sent)) for _, chat, method, sent in sandbox.admitted
                         if method == "sendDocument" and chat in launch.contacts)
            result["launch_sent_by_process"] = {str(k): v for k, v in sorted(by.items(), key=str)}
            logs = {bot.name: bot.log_tail(3) for bot in bots if "Traceback" in (bot.log_path.read_text(errors="replace")
                                                                             if bot.log_path else "")}
            if logs:
                result["tracebacks_in_logs"] = list(logs)
    finally:
        for bot in bots:
            bot.kill_now()
        if sandbox is not None:
            await sandbox.stop()
        pg.stop()
    return result


async def run(args) -> dict:
    both = await scenario("both", args.contacts, kill=False, settle=args.settle)
    out = {"bench": "two_process", "contacts": args.contacts, "database": "postgresql", "both": both}
    if args.kill:
        out["kill_one"] = await scenario("kill", args.contacts, kill=True, settle=args.settle,
                                         target=args.kill_target)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.two_process", description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=1000)
    parser.add_argument("--kill", action=argparse.BooleanOptionalAction, default=True,
                        help="also the kill -9 scenario (default on)")
    parser.add_argument("--kill-target", choices=["A", "B"], default="B",
                        help="B: the process receiving the updates (it enqueued the launch); A: the other")
    parser.add_argument("--settle", type=float, default=90.0,
                        help="kill scenario: seconds after the kill to wait for completion")
    parser.add_argument("--json", action="store_true", help="print one JSON object (the default output anyway)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    print(json.dumps(asyncio.run(run(args)), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
