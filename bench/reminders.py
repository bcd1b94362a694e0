"""Benchmark of the reminder tick: `python -m bench.reminders --json`.

For each size, a fresh temporary SQLite database holds N units (one contact each) in one launched campaign
with 10 milestones, due at different distances so that exactly one reminder per milestone is due at the
benchmark moment (earlier ones collapse into it). One tick plans and queues N x 10 reminders.

Each size runs in two subprocesses: one seeds (bulk inserts), one times the tick, so the reported peak RSS
(resource.getrusage) is the tick's own. A second tick right after shows the idle cost (nothing newly due).
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

SIZES = (5_000, 20_000, 50_000)
MILESTONES = 10
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW_LOCAL = datetime(2030, 3, 4, 8, 5, tzinfo=TZ)     # a Monday, just after the 08:00 send time
DUE_IN_DAYS = (7, 3, 1, 0, -1, -3, 7, 3, 1, 0)         # one due reminder each: -7, -3, -1, 0, +1, +3 ...
BATCH = 5_000


def naive_utc(dt: datetime) -> datetime:
    return dt.astimezone(timezone.utc).replace(tzinfo=None)


# ---------------------------------------------------------------------------------------------- seeding

def seed(db_path: Path, units: int) -> None:
    from sqlalchemy import insert

    from db.engine import init_engine
    from db.migrate import upgrade
    from db.models import Campaign, CampaignUnit, Contact, Milestone, Unit

    url = f"sqlite:///{db_path}"
    upgrade(url)
    engine = init_engine(url)
    created = naive_utc(NOW_LOCAL - timedelta(days=60))
    with engine.begin() as conn:
        campaign_id = conn.execute(insert(Campaign.__table__).values(
            title="Benchmark", status="launched", launched_at=created, nomination_quota=1, created_at=created,
        )).inserted_primary_key[0]
        conn.execute(insert(Milestone.__table__), [dict(
            campaign_id=campaign_id, kind="preliminary_report", title=f"Báo cáo {i + 1}", precision="day",
            due_at=naive_utc((NOW_LOCAL + timedelta(days=days)).replace(hour=17, minute=0)), units_act=True,
            recurrence="none", created_at=created, updated_at=created) for i, days in enumerate(DUE_IN_DAYS)])
        for start in range(1, units + 1, BATCH):
            ids = range(start, min(start + BATCH, units + 1))
            conn.execute(insert(Unit.__table__), [dict(id=i, code=f"U{i:06d}", name=f"Trường số {i}",
                                                       created_at=created) for i in ids])
            conn.execute(insert(Contact.__table__), [dict(
                id=i, unit_id=i, channel="telegram", platform_user_id=str(10_000_000 + i),
                chat_id=str(10_000_000 + i), reachable=True, bound_at=created) for i in ids])
            conn.execute(insert(CampaignUnit.__table__), [dict(campaign_id=campaign_id, unit_id=i) for i in ids])


# ------------------------------------------------------------------------------------------------ timing

def timed_tick(db_path: Path) -> dict:
    from db.engine import init_engine
    from schedules.reminders import run_reminders

    init_engine(f"sqlite:///{db_path}")
    now = naive_utc(NOW_LOCAL)
    started = time.perf_counter()
    reminders = run_reminders(TZ, now=now)
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    again = run_reminders(TZ, now=now + timedelta(minutes=1))
    idle_seconds = time.perf_counter() - started
    assert again == 0, "the second tick must queue nothing"
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss   # kilobytes on Linux
    return {"reminders": reminders, "seconds": round(seconds, 3), "idle_tick_seconds": round(idle_seconds, 4),
            "peak_rss_mb": round(peak_kb / 1024, 1)}


def run_size(units: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-reminders-") as tmp:
        db_path = Path(tmp) / "bench.db"
        _child("--seed", str(db_path), str(units))
        result = json.loads(_child("--tick", str(db_path)))
    return {"units": units, "milestones": MILESTONES, **result}


def _child(*args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "bench.reminders", *args], check=True, capture_output=True,
                          text=True)
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--sizes", type=int, nargs="*", default=list(SIZES))
    parser.add_argument("--seed", nargs=2, metavar=("DB", "UNITS"), help=argparse.SUPPRESS)
    parser.add_argument("--tick", metavar="DB", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.seed:
        seed(Path(args.seed[0]), int(args.seed[1]))
        return
    if args.tick:
        print(json.dumps(timed_tick(Path(args.tick))))
        return
    runs = [run_size(n) for n in args.sizes]
    if args.json:
        print(json.dumps({"runs": runs}, indent=2))
        return
    for r in runs:
        print(f"{r['units']:>7} units x {r['milestones']} milestones: {r['reminders']:>7} reminders in "
              f"{r['seconds']:.2f} s ({r['reminders'] / r['seconds']:,.0f}/s), idle tick {r['idle_tick_seconds']} s, "
              f"peak RSS {r['peak_rss_mb']} MB")


if __name__ == "__main__":
    main()
