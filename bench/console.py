"""Staff console: how long the progress matrix of a 3,000-unit campaign takes, served over real HTTP.

A fresh SQLite database (migrated) gets --units schools in three clusters, --milestones report milestones
with a mix of statuses (about 70 % handed in), a contact and a liaison per school. The bot's own web server
(bot.web.WebServer, uvicorn) serves the console on loopback; a signed-in httpx client asks for:

- the matrix, first page (100 units) and last page, a filtered page (one cụm, "chưa nộp" at one milestone)
  and a search, each --repeat times: median and max wall time of the whole request (query + render + transfer);
- the baseline in the same run: the same matrix drawn with every unit on one page (what pagination avoids).

Prints one JSON object; `target_s` is the issue's bound (< 1 s for the paginated page).

    .venv/bin/python -m bench.console --units 3000 --milestones 6 --repeat 15
"""
from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path


def seed(n_units: int, n_milestones: int):
    from db import campaigns as campaign_ops
    from db.clock import utcnow
    from db.engine import session_scope
    from db.models import Campaign, Contact, Milestone, Office, Staff, Submission, Unit
    with session_scope() as s:
        office = Office(name="Phòng GD&ĐT Bench")
        s.add(office)
        s.flush()
        staff = Staff(name="Cán bộ Bench", office_id=office.id, platform_user_id="1", chat_id="1")
        units = [Unit(code=f"U{i:05d}", name=f"Trường số {i}", cluster=f"Cụm {1 + i % 12}",
                      level=("Mầm non", "Tiểu học", "THCS")[i % 3], office_id=office.id,
                      liaison_name=f"Đầu mối {i}", liaison_phone=f"09{i:08d}") for i in range(n_units)]
        s.add_all([staff, *units])
        s.flush()
        camp = Campaign(title="Phong trào Bench", status="launched", office_id=office.id)
        s.add(camp)
        s.flush()
        campaign_ops.set_units(s, camp.id, [u.id for u in units])
        now = utcnow()
        ms = [Milestone(campaign_id=camp.id, title=f"Báo cáo đợt {k + 1}", due_at=now + timedelta(days=7 * k),
                        kind="periodic_report") for k in range(n_milestones)]
        s.add_all(ms)
        s.flush()
        s.add_all([Contact(unit_id=u.id, channel="telegram", platform_user_id=str(10_000 + u.id),
                           chat_id=str(10_000 + u.id), display_name=f"Cô {u.id}") for u in units])
        subs, ref = [], 0
        for k, m in enumerate(ms):
            for i, u in enumerate(units):
                roll = (i * 7 + k * 13) % 10
                if roll < 3:
                    continue   # chưa nộp
                ref += 1
                status = ("submitted", "accepted", "returned")[roll % 3]
                subs.append(Submission(reference=f"BC-B-{ref:07d}", unit_id=u.id, milestone_id=m.id, status=status,
                                       late=roll == 9, submitted_at=now))
        s.add_all(subs)
        return staff.id, camp.id, ms[0].id, len(subs)


def timed(client, url: str, repeat: int, expect: str) -> dict:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        r = client.get(url)
        times.append(time.perf_counter() - t0)
        assert r.status_code == 200 and expect in r.text, (url, r.status_code)
    return {"median_s": round(statistics.median(times), 4), "max_s": round(max(times), 4),
            "bytes": len(r.content)}


def whole_matrix_once(staff_id: int, campaign_id: int, repeat: int) -> dict:
    """Baseline: the same query and template with every unit on one page."""
    from bot.console import pages
    from db import console as console_db
    from db.engine import session_scope
    from db.models import Campaign, Staff
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        with session_scope() as s:
            m = console_db.matrix(s, s.get(Campaign, campaign_id), console_db.Filters(), 0, 10 ** 6)
            html = pages.render("matrix", title="x", campaign=s.get(Campaign, campaign_id), m=m,
                               f=console_db.Filters(), statuses=console_db.CELL_STATUSES, page_url=lambda n: "",
                               staff=s.get(Staff, staff_id), csrf="x", tz=None).body
        times.append(time.perf_counter() - t0)
    return {"median_s": round(statistics.median(times), 4), "max_s": round(max(times), 4), "bytes": len(html)}


async def run(args) -> dict:
    import httpx
    from bot.console import ConsoleConfig, console_routes
    from bot.settings import Settings
    from bot.web import WebServer, build_app
    from db import console as console_db
    from db.clock import utcnow
    from db.engine import init_engine, session_scope
    from db.migrate import upgrade

    tmp = Path(tempfile.mkdtemp(prefix="bench-console-"))
    url = f"sqlite:///{tmp / 'bench.db'}"
    settings = Settings(_env_file=None, database_url=url, thidua_data_dir=tmp / "files", thidua_secret="bench")
    upgrade(url)
    init_engine(url)
    t0 = time.perf_counter()
    staff_id, campaign_id, m1, n_subs = seed(args.units, args.milestones)
    seeded_s = time.perf_counter() - t0
    server = WebServer(build_app(console_routes(ConsoleConfig.from_settings(settings))))
    await server.start()
    try:
        with session_scope() as s:
            token = console_db.create_link(s, staff_id, utcnow(), timedelta(minutes=5))

        def measure() -> dict:
            with httpx.Client(base_url=server.url, follow_redirects=False, timeout=30) as client:
                assert client.post(f"/console/login/{token}").status_code == 303
                base = f"/console/campaigns/{campaign_id}"
                last = -(-args.units // 100)
                return {
                    "first_page": timed(client, base, args.repeat, "U00000"),
                    "last_page": timed(client, f"{base}?trang={last}", args.repeat, f"Trang {last}/{last}"),
                    "filtered": timed(client, f"{base}?cum=Cụm 3&status=missing&moc={m1}", args.repeat, "Cụm 3"),
                    "search": timed(client, f"{base}?q=số 29", args.repeat, "Trường số 29"),
                    "campaign_list": timed(client, "/console", args.repeat, "Phong trào Bench"),
                }
        pages = await asyncio.to_thread(measure)   # the server runs on this loop; the client in a thread
    finally:
        await server.stop()
    baseline = await asyncio.to_thread(whole_matrix_once, staff_id, campaign_id, max(3, args.repeat // 5))
    worst = max(v["max_s"] for k, v in pages.items() if k != "campaign_list")
    return {"bench": "console_matrix", "units": args.units, "milestones": args.milestones, "submissions": n_subs,
            "per_page": 100, "repeat": args.repeat, "seed_s": round(seeded_s, 2), **pages,
            "baseline_all_units_on_one_page": baseline, "target_s": 1.0, "worst_paginated_s": worst,
            "ok": worst < 1.0}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--units", type=int, default=3000)
    p.add_argument("--milestones", type=int, default=6)
    p.add_argument("--repeat", type=int, default=15)
    args = p.parse_args()
    result = asyncio.run(run(args))
    print(json.dumps(result, ensure_ascii=False))
    raise SystemExit(0 if result["ok"] else 1)


if __name__ == "__main__":
    main()
