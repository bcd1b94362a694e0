"""Deadline rush: N schools submit a report at once while another user keeps asking for /help.

    python -m bench.rush --schools 150 --json

Three phases in one run, each against a fresh database and a fresh `thidua run` child process polling the
sandbox Bot API:
  (i)   the rush with the sandbox's file downloads taking --download-delay seconds (default 1 s);
  (ii)  the same rush with downloads taking 0 s;
  (iii) /help alone (idle bot).
In (i) and (ii) schools start at --start-rate per second; each goes /nop → picks the milestone → sends a
2–5 MB PDF → «Xong» → «Bỏ qua» (no note) → «Xác nhận» and waits for the receipt, answering each prompt after
1–3 s (seeded). Meanwhile one more bound contact sends /help every 2 s; its reply latency is the time from
the update being queued to the reply being admitted by the sandbox.

Targets: (i) submissions/min ≥ 0.8 × (ii), and /help p95 during (i) < 1 s.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import random
import sys
import time

from bench import _harness as h
from bot.samples import sample_pdf

FIRST_SCHOOL = 200_000
HELP_USER = 199_999
MB = 1024 * 1024


def seed(settings, n: int) -> None:
    from datetime import date, timedelta

    from db import campaigns as campaign_ops
    from db.clock import utcnow
    from db.engine import session_scope
    from db.models import Campaign, Contact, Milestone, Unit

    with session_scope() as s:
        units = [Unit(code=f"R{i:05d}", name=f"Trường số {i}", cluster=f"Cụm {i % 10 + 1}") for i in range(n + 1)]
        s.add_all(units)
        s.flush()
        users = [FIRST_SCHOOL + i for i in range(n)] + [HELP_USER]
        s.add_all([Contact(unit_id=u.id, channel="telegram", platform_user_id=str(uid), chat_id=str(uid),
                           display_name=f"Đầu mối {uid}") for u, uid in zip(units, users)])
        camp = Campaign(title="Phong trào thi đua năm học 2026-2027", doc_number="87/KH-GDĐT",
                        issued_date=date(2026, 9, 15), period_start=date(2026, 9, 5), period_end=date(2027, 5, 31),
                        status="launched")
        s.add(camp)
        s.flush()
        campaign_ops.set_units(s, camp.id, [u.id for u in units])
        s.add(Milestone(campaign_id=camp.id, kind="preliminary_report", title="Báo cáo sơ kết học kỳ I",
                        due_at=utcnow().replace(microsecond=0) + timedelta(days=2)))


def _has_button(label: str):
    return lambda m: any(b.text == label for b in m.buttons)


class School:
    def __init__(self, sandbox, user_id: int, rng: random.Random, step_timeout: float):
        self.sb, self.uid, self.rng, self.timeout = sandbox, user_id, rng, step_timeout
        self.seen = 0
        self.started = self.confirmed = self.finished = None
        self.error: str | None = None

    async def expect(self, predicate):
        msg = await self.sb.wait_for_message(self.uid, predicate=predicate, after_message_id=self.seen,
                                             timeout=self.timeout)
        self.seen = max(self.seen, msg.message_id)
        return msg

    async def think(self) -> None:
        await asyncio.sleep(self.rng.uniform(1.0, 3.0))

    async def run(self) -> None:
        from bot import texts
        try:
            self.started = time.monotonic()
            self.seen = max((m.message_id for m in self.sb.sent(self.uid)), default=0)   # e.g. a reminder
            await self.sb.send_text(self.uid, "/nop")
            first_step = ("Chọn hạng mục", texts.REPORT_CHOOSE_CAMPAIGN, "Hãy gửi tệp")
            msg = await self.expect(lambda m: any(s in m_text(m) for s in first_step))
            if texts.REPORT_CHOOSE_CAMPAIGN in m_text(msg):   # more than one campaign open: take the first
                await self.think()
                await self.sb.press(self.uid, msg.message_id, msg.buttons[0].data)
                msg = await self.expect(lambda m: "Chọn hạng mục" in m_text(m) or "Hãy gửi tệp" in m_text(m))
            if "Chọn hạng mục" in m_text(msg):
                await self.think()
                await self.sb.press(self.uid, msg.message_id, msg.buttons[0].data)
                msg = await self.expect(lambda m: "Hãy gửi tệp" in m_text(m))
            await self.think()
            size = self.rng.randint(2 * MB, 5 * MB)
            pdf = sample_pdf(f"bao cao {self.uid}", pad=size)   # a real PDF: the bot opens every report
            name = f"bao_cao_{self.uid}.pdf"
            await self.sb.send_document(self.uid, name, pdf, "application/pdf")
            file_id = next(f.file_id for f in list(self.sb._files.values()) if f.file_name == name)
            del pdf
            msg = await self.expect(_has_button(texts.REPORT_BTN_DONE))
            await self.think()
            await self.sb.press_button(self.uid, msg.message_id, texts.REPORT_BTN_DONE)
            msg = await self.expect(_has_button(texts.REPORT_BTN_SKIP))
            await self.think()
            await self.sb.press_button(self.uid, msg.message_id, texts.REPORT_BTN_SKIP)
            msg = await self.expect(_has_button(texts.REPORT_BTN_CONFIRM))
            await self.think()
            self.confirmed = time.monotonic()
            await self.sb.press_button(self.uid, msg.message_id, texts.REPORT_BTN_CONFIRM)
            await self.expect(lambda m: "Số tiếp nhận" in m_text(m))
            self.finished = time.monotonic()
            self.sb.forget_file(file_id)
        except Exception as exc:   # a timeout or a missing button: counted, the others go on
            self.error = f"{type(exc).__name__}: {str(exc)[:300]}"


def m_text(msg) -> str:
    return msg.content


class HelpProbe:
    """/help every `interval` seconds; the k-th reply answers the k-th /help (one chat keeps its order)."""

    def __init__(self, sandbox, interval: float = 2.0):
        self.sb, self.interval = sandbox, interval
        self.sent: list[float] = []
        self.replies: list[float] = []
        sandbox.listeners.append(self._on_send)

    def _on_send(self, now: float, chat_id: int, msg) -> None:
        if chat_id == HELP_USER and "Trợ giúp" in msg.content:
            self.replies.append(now)

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self.sent.append(time.monotonic())
            await self.sb.send_text(HELP_USER, "/help")
            try:
                await asyncio.wait_for(stop.wait(), self.interval)
            except TimeoutError:
                pass

    async def drain(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.replies) < len(self.sent) and time.monotonic() < deadline:
            await asyncio.sleep(0.1)

    def figures(self) -> dict:
        end = time.monotonic()
        answered = [self.replies[k] - t for k, t in enumerate(self.sent) if k < len(self.replies)]
        unanswered = [end - t for t in self.sent[len(self.replies):]]
        lat = answered + unanswered   # an unanswered /help counts with its wait so far (a lower bound)
        return {"probes": len(self.sent), "unanswered": len(unanswered), "p50_s": h.r(h.percentile(lat, 50)),
                "p95_s": h.r(h.percentile(lat, 95)), "max_s": h.r(max(lat) if lat else None)}


async def phase(label: str, schools: int, download_delay: float, start_rate: float, seed_value: int,
                step_timeout: float, idle_probes: int) -> dict:
    with h.temp_dir(f"thidua-rush-{label}-") as tmp:
        url = f"sqlite:///{tmp / 'bench.db'}"
        settings = h.settings_for(url, tmp / "files")
        h.prepare_db(settings)
        seed(settings, schools)
        h.release_db()
        sandbox = h.timed_sandbox(download_delay_s=download_delay)
        await sandbox.start()
        for i in range(schools):
            sandbox.add_user(FIRST_SCHOOL + i, f"Đầu mối {i}")
        sandbox.add_user(HELP_USER, "Người hỏi trợ giúp")
        bot = h.BotProcess(tmp, h.bot_env(sandbox, url, tmp / "files"), name=f"bot-{label}")
        try:
            bot.start()
            await h.wait_ready(sandbox, bot)
            await asyncio.sleep(1.0)   # the start-up ticks (reminders, digest) are not part of the figure
            probe = HelpProbe(sandbox)
            stop = asyncio.Event()
            cpu0, own0 = bot.cpu_seconds(), time.process_time()
            probing = asyncio.create_task(probe.run(stop))
            result: dict = {"download_delay_s": download_delay}
            if schools and label != "idle":
                rng = random.Random(seed_value)
                crowd = [School(sandbox, FIRST_SCHOOL + i, random.Random(rng.random()), step_timeout)
                         for i in range(schools)]
                tasks = []
                for school in crowd:
                    tasks.append(asyncio.create_task(school.run()))
                    await asyncio.sleep(1.0 / start_rate)
                await asyncio.gather(*tasks)
                done = [s for s in crowd if s.finished]
                first = min(s.started for s in crowd)
                last = max((s.finished for s in done), default=time.monotonic())
                waits = [s.finished - s.confirmed for s in done]
                result.update({
                    "schools": schools, "submitted": len(done), "failed": schools - len(done),
                    "seconds": h.r(last - first, 1),
                    "submissions_per_min": h.r(len(done) / (last - first) * 60 if done else 0.0, 1),
                    "receipt_after_confirm_p50_s": h.r(h.percentile(waits, 50)),
                    "receipt_after_confirm_p95_s": h.r(h.percentile(waits, 95)),
                })
                errors = [s.error for s in crowd if s.error]
                if errors:
                    result["first_error"] = errors[0]
            else:
                await asyncio.sleep(idle_probes * probe.interval)
            stop.set()
            await probing
            await probe.drain()
            result["help"] = probe.figures()
            result["bot_cpu_s"] = h.r(bot.cpu_seconds() - cpu0, 2)
            result["bench_process_cpu_s"] = h.r(time.process_time() - own0, 2)   # the sandbox and the users
            result["bot_peak_rss_mb"] = round(bot.peak_rss_kb() / 1024, 1)
            result["downloads"] = sandbox.stats.downloads
            result["http_429"] = sandbox.stats.http_429
            return result
        finally:
            await bot.stop()
            await sandbox.stop()


async def run(args) -> dict:
    common = dict(schools=args.schools, start_rate=args.start_rate, seed_value=args.seed,
                  step_timeout=args.step_timeout, idle_probes=args.idle_probes)
    slow = await phase("slow", download_delay=args.download_delay, **common)
    fast = await phase("fast", download_delay=0.0, **common)
    idle = await phase("idle", download_delay=0.0, **{**common, "schools": 0})
    ratio = (slow["submissions_per_min"] / fast["submissions_per_min"]) if fast["submissions_per_min"] else None
    p95 = slow["help"]["p95_s"]
    return {
        "bench": "rush", "schools": args.schools, "start_rate_per_s": args.start_rate,
        "downloads_slow": slow, "downloads_0s": fast, "idle": idle,
        "slow_vs_fast_submissions_ratio": h.r(ratio),
        "targets": {"ratio_ge_0.8": ratio is not None and ratio >= 0.8,
                    "help_p95_during_slow_rush_lt_1s": p95 is not None and p95 < 1.0},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.rush", description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=150)
    parser.add_argument("--start-rate", type=float, default=3.0, help="schools starting per second")
    parser.add_argument("--download-delay", type=float, default=1.0, help="seconds per file download in phase (i)")
    parser.add_argument("--idle-probes", type=int, default=15, help="/help probes in the idle phase (2 s apart)")
    parser.add_argument("--step-timeout", type=float, default=300.0, help="seconds a school waits for one reply")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--json", action="store_true", help="print one JSON object (the default output anyway)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    result = asyncio.run(run(args))
    print(json.dumps(result, ensure_ascii=False))
    return 0 if all(result["targets"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
