"""Benchmark of the reminder tick against a bare bulk INSERT of the same rows: `python -m bench.reminders --json`.

For each size, a temporary SQLite database (or, with --postgres URL, a PostgreSQL one) is seeded with N units
(one contact each) in one launched campaign with 10 milestones, due at different distances so that exactly
one reminder per milestone is due at the benchmark moment (earlier ones collapse into it). One tick plans and
queues N x 10 reminders.

The yardstick, in the same run and from the same seeded database (a copy of it: a byte copy, or CREATE
DATABASE ... TEMPLATE, so both start from the same state): a bare bulk INSERT of as many outbox rows as the
tick queued, with the same keys and payloads, one transaction per milestone like the tick, in two forms:
  - `bulk_insert_seconds`: one executemany of dicts prepared before the clock starts (what any Python code
    handing rows to the driver pays at least);
  - `insert_select_seconds`: INSERT ... SELECT from a generated series (what set-based SQL pays at least).
`ratio` = tick seconds / bulk_insert_seconds (issue 11: target <= 2); `ratio_vs_insert_select` likewise.

Each measurement runs in its own subprocess, so the reported peak RSS (resource.getrusage) is the tick's own.
A second tick right after shows the idle cost (nothing newly due).
"""
from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

SIZES = (5_000, 50_000)
MILESTONES = 10
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW_LOCAL = datetime(2030, 3, 4, 8, 5, tzinfo=TZ)     # a Monday, just after the 08:00 send time
DUE_IN_DAYS = (7, 3, 1, 0, -1, -3, 7, 3, 1, 0)         # one due reminder each: -7, -3, -1, 0, +1, +3 ...
BATCH = 5_000


def naive_utc(dt: datetime) -> datetime:
    return dt.astimezone(timezone.utc).replace(tzinfo=None)


# ---------------------------------------------------------------------------------------------- seeding

def seed(url: str, units: int) -> None:
    from sqlalchemy import insert

    from db.engine import init_engine
    from db.migrate import upgrade
    from db.models import Campaign, CampaignUnit, Contact, Milestone, Unit

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
    engine.dispose()


class Databases:
    """Where a size's databases live: temporary SQLite files (default) or databases on a PostgreSQL server
    (`--postgres URL`, copies made with CREATE DATABASE ... TEMPLATE)."""

    def __init__(self, tmp: Path, postgres: str | None = None):
        self.tmp, self.postgres, self.created = tmp, postgres, []

    def url(self, name: str) -> str:
        if self.postgres:
            return self.postgres.rsplit("/", 1)[0] + f"/bench_{name}"
        return f"sqlite:///{self.tmp / name}.db"

    def create(self, name: str, template: str | None = None) -> str:
        if self.postgres:
            self._admin(f"DROP DATABASE IF EXISTS bench_{name}")
            self._admin(f"CREATE DATABASE bench_{name}" + (f" TEMPLATE bench_{template}" if template else ""))
            self.created.append(name)
        elif template:
            for suffix in ("", "-wal", "-shm"):
                source = Path(f"{self.tmp / template}.db{suffix}")
                if source.exists():
                    shutil.copyfile(source, f"{self.tmp / name}.db{suffix}")
        return self.url(name)

    def drop_all(self) -> None:
        for name in self.created:
            self._admin(f"DROP DATABASE IF EXISTS bench_{name} WITH (FORCE)")

    def _admin(self, statement: str) -> None:
        from sqlalchemy import create_engine, text

        engine = create_engine(self.postgres, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(statement))
        engine.dispose()


# ------------------------------------------------------------------------------------------------ timing

def timed_tick(url: str) -> dict:
    from db.engine import init_engine
    from schedules.reminders import run_reminders

    init_engine(url)
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


def _bulk_setup(url: str):
    """The engine, and per milestone (id, offset due now, payload): the very rows the tick writes."""
    from sqlmodel import Session, select

    from db.engine import init_engine
    from db.models import Campaign, Contact, Milestone
    from schedules.reminders import reminder_message

    engine = init_engine(url)
    now = naive_utc(NOW_LOCAL)
    with Session(engine) as session:
        campaign = session.exec(select(Campaign)).one()
        milestones = [(m.id, -days, reminder_message(m, campaign, now, TZ, False).to_json())
                      for m, days in zip(session.exec(select(Milestone).order_by(Milestone.id)), DUE_IN_DAYS)]
        contacts = list(session.exec(select(Contact.id, Contact.unit_id, Contact.chat_id).order_by(Contact.id)))
    return engine, milestones, contacts


def timed_bulk_insert(url: str, rows: int) -> dict:
    """executemany of prepared dicts: the same columns the tick writes, one transaction per milestone."""
    from sqlalchemy import insert

    from db.models import OutboxMessage

    engine, milestones, contacts = _bulk_setup(url)
    now = naive_utc(NOW_LOCAL)
    per_milestone = rows // len(milestones)
    batches = [[dict(idempotency_key=f"rem:{m}:{u}:{c}:{offset}", channel="telegram", chat_id=chat, contact_id=c,
                     broadcast_id=None, kind="reminder", priority=1, payload=payload, status="pending", attempts=0,
                     not_before=now, created_at=now, lease_until=None, claimed_by=None,
                     platform_message_id=None, last_error=None, sent_at=None)
                for c, u, chat in contacts[:per_milestone]] for m, offset, payload in milestones]
    stmt = insert(OutboxMessage.__table__)
    started = time.perf_counter()
    for batch in batches:
        with engine.begin() as conn:
            conn.execute(stmt, batch)
    return {"rows": sum(map(len, batches)), "seconds": round(time.perf_counter() - started, 3)}


def timed_insert_select(url: str, rows: int) -> dict:
    """INSERT ... SELECT from a generated series (a recursive CTE: SQLite and PostgreSQL)."""
    from sqlalchemy import text

    engine, milestones, contacts = _bulk_setup(url)
    per_milestone = rows // len(milestones)
    stmt = text(
        "INSERT INTO outboxmessage (idempotency_key, channel, chat_id, contact_id, kind, priority, payload, status,"
        " attempts, not_before, created_at) "
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :rows) "
        "SELECT 'rem:' || :m || ':' || i || ':' || i || ':' || :offset, 'telegram', CAST(10000000 + i AS VARCHAR(20)),"
        " i, 'reminder', 1, :payload, 'pending', 0, :now, :now FROM n")
    now = str(naive_utc(NOW_LOCAL))
    started = time.perf_counter()
    for m, offset, payload in milestones:
        with engine.begin() as conn:
            conn.execute(stmt, {"rows": per_milestone, "m": m, "offset": offset, "payload": json.dumps(payload),
                                "now": now})
    return {"rows": per_milestone * len(milestones), "seconds": round(time.perf_counter() - started, 3)}


def run_size(units: int, postgres: str | None = None) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-reminders-") as tmp:
        databases = Databases(Path(tmp), postgres)
        try:
            _child("--seed", databases.create("seeded"), str(units))
            tick = json.loads(_child("--tick", databases.create("tick", template="seeded")))
            rows = str(tick["reminders"])
            bulk = json.loads(_child("--bulk", databases.create("bulk", template="seeded"), rows))
            select = json.loads(_child("--insert-select", databases.create("select", template="seeded"), rows))
        finally:
            databases.drop_all()
    assert bulk["rows"] == select["rows"] == tick["reminders"], (bulk, select, tick)
    return {"units": units, "milestones": MILESTONES, "database": "postgresql" if postgres else "sqlite", **tick,
            "bulk_insert_seconds": bulk["seconds"], "insert_select_seconds": select["seconds"],
            "ratio": round(tick["seconds"] / bulk["seconds"], 2),
            "ratio_vs_insert_select": round(tick["seconds"] / select["seconds"], 2)}


def _child(*args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "bench.reminders", *args], check=True, capture_output=True,
                          text=True)
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--sizes", type=int, nargs="*", default=list(SIZES))
    parser.add_argument("--postgres", metavar="URL", help="run on this PostgreSQL server instead of SQLite "
                        "(a URL to any database there; bench_* databases are created and dropped)")
    parser.add_argument("--seed", nargs=2, metavar=("DB", "UNITS"), help=argparse.SUPPRESS)
    parser.add_argument("--tick", metavar="DB", help=argparse.SUPPRESS)
    parser.add_argument("--bulk", nargs=2, metavar=("DB", "ROWS"), help=argparse.SUPPRESS)
    parser.add_argument("--insert-select", nargs=2, metavar=("DB", "ROWS"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.seed:
        seed(args.seed[0], int(args.seed[1]))
        return
    if args.tick:
        print(json.dumps(timed_tick(args.tick)))
        return
    if args.bulk:
        print(json.dumps(timed_bulk_insert(args.bulk[0], int(args.bulk[1]))))
        return
    if args.insert_select:
        print(json.dumps(timed_insert_select(args.insert_select[0], int(args.insert_select[1]))))
        return
    runs = [run_size(n, args.postgres) for n in args.sizes]
    if args.json:
        print(json.dumps({"runs": runs}, indent=2))
        return
    for r in runs:
        print(f"{r['units']:>7} units x {r['milestones']} milestones: {r['reminders']:>7} reminders in "
              f"{r['seconds']:.2f} s; bare bulk INSERT {r['bulk_insert_seconds']:.2f} s (ratio {r['ratio']}), "
              f"INSERT ... SELECT {r['insert_select_seconds']:.2f} s (ratio {r['ratio_vs_insert_select']}); "
              f"idle tick {r['idle_tick_seconds']} s, peak RSS {r['peak_rss_mb']} MB")


if __name__ == "__main__":
    main()
