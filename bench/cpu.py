"""CPU per update and idle CPU: the real bot vs a bare PTB bot, against the same sandbox Bot API, in one run.

    python -m bench.cpu --updates 500 --idle 30 --json

For each bot (the real `thidua run` with K bound contacts in a fresh SQLite database, and bench/bare_ptb.py),
each with its own sandbox: start it as a child process, let it settle, measure its CPU time over --idle
seconds of nothing, then send K /help updates (from K different users, --rate per second, under Telegram's
limits so nobody gets a 429; both bots answer with the same text and menu buttons, see bench/bare_ptb.py
and "reply" in the output; --bare-reply plain: the bare bot sends the text alone) and measure the CPU from the first update until the K-th reply has been
admitted by the sandbox. Per update: raw, and with the bot's idle CPU for that wall time taken off.
Both bots run at the same time, phase by phase, so a busy machine weighs on both alike (--sequential: one
after the other). CPU time is the child's own process_time() and the real bot also counts its SQL
statements (bench/_sqlhook/sitecustomize.py, read on SIGUSR1); /proc's 10 ms ticks are only the fallback.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import signal
import sys
import time

from bench import _harness as h

FIRST_USER = 300_000
HOOK_DIR = h.REPO / "bench" / "_sqlhook"


def seed(settings, n: int) -> None:
    from db.engine import session_scope
    from db.models import Contact, Unit

    with session_scope() as s:
        units = [Unit(code=f"C{i:05d}", name=f"Trường số {i}", cluster=f"Cụm {i % 10 + 1}") for i in range(n)]
        s.add_all(units)
        s.flush()
        s.add_all([Contact(unit_id=u.id, channel="telegram", platform_user_id=str(FIRST_USER + i),
                           chat_id=str(FIRST_USER + i), display_name=f"Đầu mối {i}") for i, u in enumerate(units)])


async def read_hook(bot: h.BotProcess, paths: list) -> list[float | None]:
    """Ask the child for its figures (SIGUSR1, see bench/_sqlhook) and read the files it writes."""
    before = [p.stat().st_mtime_ns if p.exists() else 0 for p in paths]
    os.kill(bot.pid, signal.SIGUSR1)
    for _ in range(250):
        await asyncio.sleep(0.02)
        if all(p.exists() and p.stat().st_mtime_ns != b for p, b in zip(paths, before)):
            return [float(p.read_text() or 0) for p in paths]
    return [None for _ in paths]


class Probe:
    """One bot's CPU time (process_time, microseconds) and, for the real bot, its SQL statement count."""

    def __init__(self, bot: h.BotProcess, tmp, counts_sql: bool):
        self.bot, self.cpu_file, self.sql_file = bot, tmp / "cpu", (tmp / "sql-count" if counts_sql else None)

    async def read(self) -> tuple[float, float | None]:
        paths = [self.cpu_file] + ([self.sql_file] if self.sql_file else [])
        values = await read_hook(self.bot, paths)
        cpu = values[0] if values[0] is not None else self.bot.cpu_seconds()
        return cpu, (values[1] if self.sql_file else None)


async def start_bot(kind: str, tmp, updates: int, bare_reply: str = "same"):
    url = f"sqlite:///{tmp / 'bench.db'}"
    sandbox = h.timed_sandbox()
    await sandbox.start()
    for i in range(updates):
        sandbox.add_user(FIRST_USER + i, f"Đầu mối {i}")
    hook = dict(extra_pythonpath=[str(HOOK_DIR)], thidua_bench_cpu=tmp / "cpu")
    if kind == "real":
        settings = h.settings_for(url, tmp / "files")
        h.prepare_db(settings)
        seed(settings, updates)
        h.release_db()
        env = h.bot_env(sandbox, url, tmp / "files", thidua_bench_sql_count=tmp / "sql-count", **hook)
        bot = h.BotProcess(tmp, env, name="real")
    else:
        bot = h.BotProcess(tmp, h.bot_env(sandbox, url, tmp / "files", bare_reply=bare_reply, **hook),
                           name="bare", module="bench.bare_ptb", args=[])
    return sandbox, bot, Probe(bot, tmp, counts_sql=kind == "real")


def reply_shape(msg) -> dict:
    """What one reply carried: so the report shows both bots sent the same thing."""
    buttons = sum(len(row) for row in (msg.reply_markup or {}).get("inline_keyboard", []))
    return {"text_chars": len(msg.text or ""), "buttons": buttons}


async def measure(kind: str, updates: int, idle_s: float, rate: float, go: asyncio.Barrier | None = None,
                  bare_reply: str = "same") -> dict:
    """One bot: start, settle, idle for idle_s, then `updates` /help at `rate`. With `go`, the phases start
    together with the other bot's, so both see the same machine (this machine is noisy)."""
    with h.temp_dir(f"thidua-cpu-{kind}-") as tmp:
        sandbox, bot, probe = await start_bot(kind, tmp, updates, bare_reply)
        replies, shapes = [], []

        def on_sent(now, chat, msg):
            if chat >= FIRST_USER and msg.method == "sendMessage":
                replies.append(now)
                if not shapes:
                    shapes.append(reply_shape(msg))
        sandbox.listeners.append(on_sent)
        try:
            bot.start()
            ready = await h.wait_ready(sandbox, bot)
            await asyncio.sleep(3.0)   # start-up work (migrations, first ticks) is not idle
            if go:
                await go.wait()
            (cpu0, _), t0 = await probe.read(), time.monotonic()
            await asyncio.sleep(idle_s)
            (cpu1, sql0), t1 = await probe.read(), time.monotonic()
            idle_cpu, idle_wall = cpu1 - cpu0, t1 - t0
            idle_rate = idle_cpu / idle_wall
            if go:
                await go.wait()
            (cpu0, sql0), t0 = await probe.read(), time.monotonic()
            for i in range(updates):
                await sandbox.send_text(FIRST_USER + i, "/help")
                await asyncio.sleep(max(0.0, t0 + (i + 1) / rate - time.monotonic()))
            await sandbox.wait_for(lambda: len(replies) >= updates, timeout=updates / rate + 120)
            (cpu1, sql1), t1 = await probe.read(), time.monotonic()
            busy_cpu, busy_wall = cpu1 - cpu0, t1 - t0
            lat = [replies[k] - (t0 + k / rate) for k in range(min(len(replies), updates))]
            result = {
                "ready_s": h.r(ready, 2),
                "idle_cpu_percent": h.r(idle_rate * 100, 3),
                "idle_cpu_s": h.r(idle_cpu, 4), "idle_wall_s": h.r(idle_wall, 1),
                "updates": updates, "busy_wall_s": h.r(busy_wall, 1), "busy_cpu_s": h.r(busy_cpu, 3),
                "cpu_ms_per_update": h.r(busy_cpu / updates * 1000, 2),
                "cpu_ms_per_update_minus_idle": h.r((busy_cpu - idle_rate * busy_wall) / updates * 1000, 2),
                "reply_p50_s": h.r(h.percentile(lat, 50)), "reply_p95_s": h.r(h.percentile(lat, 95)),
                "peak_rss_mb": round(bot.peak_rss_kb() / 1024, 1),
                "http_429": sandbox.stats.http_429,
                "reply": shapes[0] if shapes else None,
                "api_calls": dict(sandbox.stats.calls),
            }
            if sql0 is not None and sql1 is not None:
                result["sql_per_update"] = h.r((sql1 - sql0) / updates, 2)
            return result
        finally:
            await bot.stop()
            await sandbox.stop()


async def run(args) -> dict:
    if args.sequential:
        real = await measure("real", args.updates, args.idle, args.rate)
        bare = await measure("bare", args.updates, args.idle, args.rate, bare_reply=args.bare_reply)
    else:
        go = asyncio.Barrier(2)
        real, bare = await asyncio.gather(measure("real", args.updates, args.idle, args.rate, go),
                                          measure("bare", args.updates, args.idle, args.rate, go,
                                                  bare_reply=args.bare_reply))

    def ratio(key):
        return h.r(real[key] / bare[key], 2) if bare.get(key) else None

    return {"bench": "cpu", "updates": args.updates, "rate_per_s": args.rate,
            "side_by_side": not args.sequential, "bare_reply": args.bare_reply, "real": real, "bare_ptb": bare,
            "ratio_cpu_per_update": ratio("cpu_ms_per_update"),
            "ratio_cpu_per_update_minus_idle": ratio("cpu_ms_per_update_minus_idle"),
            "ratio_idle_cpu": ratio("idle_cpu_percent")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cpu", description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=500)
    parser.add_argument("--idle", type=float, default=30.0, help="seconds of idle measurement per bot")
    parser.add_argument("--rate", type=float, default=20.0, help="/help updates per second")
    parser.add_argument("--sequential", action="store_true",
                        help="measure one bot after the other (default: both at once, phase by phase)")
    parser.add_argument("--bare-reply", choices=("same", "plain"), default="same",
                        help="the bare bot's answer: the real bot's text and menu buttons (default), or the text alone")
    parser.add_argument("--json", action="store_true", help="print one JSON object (the default output anyway)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    print(json.dumps(asyncio.run(run(args)), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
