"""Peak memory of `thidua export`: `python -m bench.export_rss [--small] [--dir DIR]`, prints JSON.

Builds a temporary database and blob store holding one launched campaign of U units, each with one
submission of F files of M MB (default 300 x 3 x 5 MB = 4.5 GB, the case of issue 11), plus a second
campaign of 2 units x 1 file x 5 MB (10 MB) as the baseline. The file bytes are incompressible (like PDFs):
one random block, with each file's first bytes made unique so that every file is its own blob; they go
into the store through db.files.BlobWriter, as real uploads do.

Then it runs, each as its own subprocess, whose peak RSS comes from os.wait4 (the child's own
ru_maxrss, not a maximum over every child):
- `python -c "import bot.cli"`                 (the interpreter and the CLI's imports, nothing else)
- `thidua export <10 MB campaign> -o OUT`       (the same command on a small archive)
- `thidua export <big campaign> -o OUT`         (the measured case)
and reports peak RSS (MiB), seconds, and the archive's size and member count (read from the zip's central
directory). `--chat` also runs the /xuat background job (build, copy into the store, messages) in a child
while a probe coroutine writes every 50 ms: its worst wait shows whether the bot freezes. `--code DIR` runs the exports from another checkout (e.g. a `git worktree` of an older commit)
against the same data, to compare implementations. Everything is deleted afterwards unless --keep.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024
CHUNK = MB


# ---------------------------------------------------------------------------------------------- seeding

def _blobs(data_dir: Path, count: int, size: int, tag: str, block: bytes) -> list:
    """`count` distinct incompressible blobs of `size` bytes, streamed through BlobWriter."""
    from db.files import BlobWriter

    out = []
    for i in range(count):
        with BlobWriter(data_dir) as w:
            left, first = size, True
            while left > 0:
                piece = block[:min(CHUNK, left)]
                if first:   # a unique head: a distinct sha256 per file, so no two share a blob
                    head = f"%PDF-1.7 {tag} {i:08d}\n".encode()
                    piece = head + piece[len(head):]
                    first = False
                w.write(piece)
                left -= len(piece)
        out.append(w.blob)
    return out


def seed(db_path: Path, data_dir: Path, units: int, files: int, mb: float) -> tuple[int, int]:
    """Returns (big campaign id, 10 MB campaign id)."""
    from db.clock import utcnow
    from db.engine import init_engine, session_scope
    from db.files import add_blob
    from db.migrate import upgrade
    from db.models import Campaign, CampaignUnit, Milestone, Submission, SubmissionFile, Unit

    url = f"sqlite:///{db_path}"
    upgrade(url)
    init_engine(url)
    block = os.urandom(CHUNK)
    now = utcnow()
    ids = []
    for tag, n_units, n_files, size in (("big", units, files, int(mb * MB)), ("small", 2, 1, 5 * MB)):
        with session_scope() as s:
            camp = Campaign(title=f"Phong trào thi đua ({tag})", status="launched", launched_at=now)
            s.add(camp)
            s.flush()
            ms = Milestone(campaign_id=camp.id, title="Báo cáo tổng kết năm học", due_at=now + timedelta(days=3))
            s.add(ms)
            s.flush()
            camp_id, ms_id = camp.id, ms.id
        for u in range(n_units):
            blobs = _blobs(data_dir, n_files, size, f"{tag}-{u}", block)   # outside any transaction
            with session_scope() as s:
                unit = Unit(code=f"{tag[0].upper()}{u + 1:04d}", name=f"Trường Tiểu học số {u + 1}")
                s.add(unit)
                s.flush()
                s.add(CampaignUnit(campaign_id=camp_id, unit_id=unit.id))
                sub = Submission(reference=f"BC-{tag}-{u:06d}", unit_id=unit.id, milestone_id=ms_id,
                                 submitted_at=now - timedelta(hours=u % 48))
                s.add(sub)
                s.flush()
                for pos, blob in enumerate(blobs):
                    stored = add_blob(s, blob, f"Báo cáo tổng kết phần {pos + 1}.pdf", "application/pdf")
                    s.add(SubmissionFile(submission_id=sub.id, stored_file_id=stored.id, position=pos))
        ids.append(camp_id)
    return ids[0], ids[1]


# ------------------------------------------------------------------------------------------- measuring

def run_measured(argv: list[str], env: dict, cwd: Path, capture: bool = False) -> dict:
    """Run a child to completion; its own peak RSS (wait4's rusage) and wall-clock seconds.
    cwd matters: `python -m` puts the working directory first on sys.path, before PYTHONPATH."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as errors, tempfile.TemporaryFile() as output:  # files, not pipes: a chatty
        proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=output, stderr=errors)    # child never blocks
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            errors.seek(0)
            raise RuntimeError(f"{argv} exited {proc.returncode}: {errors.read().decode()[-2000:]}")
        output.seek(0)
        extra = json.loads(output.read()) if capture else {}
    return {"peak_rss_mib": round(usage.ru_maxrss / 1024, 1), "seconds": round(seconds, 2),
            "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2), **extra}


def archive_facts(out_dir: Path) -> dict:
    zips = list(out_dir.glob("*.zip"))
    with zipfile.ZipFile(zips[0]) as zf:
        infos = zf.infolist()
    return {"zip_bytes": zips[0].stat().st_size, "zip_mib": round(zips[0].stat().st_size / MB, 1),
            "members": len(infos), "stored_members": sum(i.compress_type == zipfile.ZIP_STORED for i in infos),
            "xlsx_bytes": sum(p.stat().st_size for p in out_dir.glob("*.xlsx"))}


# ------------------------------------------------------------------------------------- the chat's job

def chat_child(campaign_id: int) -> None:
    """In a child process: the /xuat background job (handlers.export.run_export) on the big campaign, with
    a probe that writes every 50 ms meanwhile, as the engine would for other chats. The
    probe's worst wait is how long the bot would have frozen. Prints JSON on stdout."""
    import asyncio

    from bot.settings import get_settings
    from db.clock import utcnow
    from db.engine import init_engine, session_scope
    from db.models import AuditEvent, OutboxMessage
    from handlers import export
    from handlers.io import OutMessage
    from sqlmodel import select

    settings = get_settings()
    init_engine(settings.database_url)

    async def run() -> dict:
        stop, waits = asyncio.Event(), []

        async def probe() -> None:
            loop = asyncio.get_running_loop()
            while not stop.is_set():
                asked = loop.time()
                with session_scope() as s:
                    s.add(AuditEvent(actor="bench", action="probe"))
                waits.append(loop.time() - asked)
                await asyncio.sleep(0.05)
        probing = asyncio.create_task(probe())
        req = export.ExportRequest("export:bench:1", "telegram", "1", "bench", campaign_id, "bench", utcnow(),
                                   settings.tz, settings)
        started = time.perf_counter()
        await export.run_export(req)
        seconds = time.perf_counter() - started
        stop.set()
        await probing
        with session_scope() as s:
            rows = s.exec(select(OutboxMessage).where(OutboxMessage.chat_id == "1").order_by(OutboxMessage.id)).all()
            messages = [OutMessage.from_json(r.payload) for r in rows]
        waits.sort()
        return {"seconds": round(seconds, 2), "probe_writes": len(waits),
                "probe_wait_max_ms": round(waits[-1] * 1000, 1),
                "probe_wait_p99_ms": round(waits[int(len(waits) * 0.99)] * 1000, 1),
                "progress_edits": sum(1 for m in messages if m.edit_key and "%" in m.text),
                "last_texts": [m.text for m in messages[-2:]],
                "archive_as_link": bool(messages[-1].links)}
    print(json.dumps(asyncio.run(run()), ensure_ascii=False))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--units", type=int, default=300)
    p.add_argument("--files", type=int, default=3, help="files per unit")
    p.add_argument("--mb", type=float, default=5.0, help="MB per file")
    p.add_argument("--small", action="store_true", help="30 units x 3 files x 1 MB (90 MB): a quick run")
    p.add_argument("--dir", type=Path, default=None, help="where to build the temporary data (needs ~2x the size)")
    p.add_argument("--code", type=Path, default=ROOT, help="checkout whose `thidua export` is measured")
    p.add_argument("--keep", action="store_true", help="keep the temporary data")
    p.add_argument("--chat", action="store_true", help="also measure the /xuat background job on the big case")
    p.add_argument("--chat-child", type=int, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.chat_child:
        chat_child(args.chat_child)
        return 0
    if args.small:
        args.units, args.files, args.mb = 30, 3, 1.0

    work = Path(tempfile.mkdtemp(prefix="thidua-export-bench-", dir=args.dir))
    try:
        db_path, data_dir = work / "thidua.db", work / "files"
        started = time.perf_counter()
        big, small = seed(db_path, data_dir, args.units, args.files, args.mb)
        seed_seconds = time.perf_counter() - started
        code = args.code.resolve()
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{db_path}", "THIDUA_DATA_DIR": str(data_dir),
               "PYTHONPATH": str(code)}
        env.pop("THIDUA_SECRET", None)
        cli = [sys.executable, "-m", "bot.cli"]
        result = {
            "case": {"units": args.units, "files_per_unit": args.files, "mb_per_file": args.mb,
                     "source_mib": round(args.units * args.files * args.mb, 1), "code": str(code)},
            "seed_seconds": round(seed_seconds, 1),
            "baseline_import": run_measured([sys.executable, "-c", "import bot.cli"], env, code),
        }
        for name, campaign_id in (("baseline_export_10mb", small), ("export", big)):
            out_dir = work / f"out-{name}"
            result[name] = run_measured(cli + ["export", str(campaign_id), "-o", str(out_dir)], env, code)
            result[name].update(archive_facts(out_dir))
            shutil.rmtree(out_dir)   # free the disk before the next run
        if args.chat:
            result["chat_job"] = run_measured([sys.executable, "-m", "bench.export_rss", "--chat-child", str(big)],
                                              env, ROOT, capture=True)
        result["export"]["mib_per_s"] = round(result["export"]["zip_bytes"] / MB / result["export"]["seconds"], 1)
        result["export_minus_import_mib"] = round(result["export"]["peak_rss_mib"]
                                                  - result["baseline_import"]["peak_rss_mib"], 1)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
