"""Head-of-line blocking: while one contact floods the bot with messages (each answered, at Telegram's ~1
message/s per chat), another user's /help must still be answered at once.

    python -m bench.flood --messages 200 --probes 10 --json

The real `thidua run` against the sandbox: contact F sends --messages texts in a burst; then, while F's
answers are still going out, user H sends /help every 1 s, --probes times. Reported: H's reply latency
(p50/p95/max) during the flood, next to the same probes with no flood (baseline, same run), and how many of
F's answers had gone out when the probes ended (they are paced per chat, so most are still queued).
Target (issue 11): /help during the flood answered in < 2 s.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time

from bench import _harness as h

FLOODER, HELPER = 400_001, 400_002


async def probe(sandbox, probes: int) -> list[float]:
    latencies = []
    for _ in range(probes):
        before = len(sandbox.sent(HELPER))
        asked = time.monotonic()
        await sandbox.send_text(HELPER, "/help")
        await sandbox.wait_for(lambda: len(sandbox.sent(HELPER)) > before, timeout=60)
        latencies.append(time.monotonic() - asked)
        await asyncio.sleep(max(0.0, asked + 1.0 - time.monotonic()))
    return latencies


def summary(lat: list[float]) -> dict:
    return {"probes": len(lat), "p50_s": h.r(h.percentile(lat, 50)), "p95_s": h.r(h.percentile(lat, 95)),
            "max_s": h.r(max(lat))}


async def run(messages: int, probes: int) -> dict:
    with h.temp_dir("thidua-flood-") as tmp:
        url = f"sqlite:///{tmp / 'bench.db'}"
        sandbox = h.timed_sandbox()
        await sandbox.start()
        sandbox.add_user(FLOODER, "Người gửi dồn dập")
        sandbox.add_user(HELPER, "Người hỏi")
        settings = h.settings_for(url, tmp / "files")
        h.prepare_db(settings)
        h.release_db()
        bot = h.BotProcess(tmp, h.bot_env(sandbox, url, tmp / "files"), name="flood")
        try:
            bot.start()
            await h.wait_ready(sandbox, bot)
            await asyncio.sleep(2.0)
            baseline = await probe(sandbox, probes)
            for i in range(messages):
                await sandbox.send_text(FLOODER, f"tin nhắn số {i}")
            await sandbox.wait_for(lambda: len(sandbox.sent(FLOODER)) >= 3, timeout=30)
            during = await probe(sandbox, probes)
            answered = len(sandbox.sent(FLOODER))
        finally:
            await bot.stop()
            await sandbox.stop()
    result = {"bench": "flood", "flood_messages": messages, "help_idle": summary(baseline),
              "help_during_flood": summary(during), "flood_answers_sent_by_then": answered,
              "http_429": sandbox.stats.http_429}
    result["target_help_lt_2s"] = result["help_during_flood"]["max_s"] < 2.0
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.flood", description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--probes", type=int, default=10)
    parser.add_argument("--json", action="store_true", help="print one JSON object (the default output anyway)")
    args = parser.parse_args(argv)
    result = asyncio.run(run(args.messages, args.probes))
    print(json.dumps(result))
    return 0 if result["target_help_lt_2s"] else 1


if __name__ == "__main__":
    sys.exit(main())
