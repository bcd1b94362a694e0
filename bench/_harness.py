"""Shared pieces of the subprocess benchmarks: a timed sandbox, the real `thidua run` as a child process,
/proc readings, seeding, percentiles and a throwaway PostgreSQL server.

The sandbox runs in the benchmark's own event loop; the bot is `python -m bot.cli run` (what the `thidua`
script runs) with TELEGRAM_API_BASE_URL / TELEGRAM_FILE_BASE_URL pointed at it, started from a temporary
directory (so no .env is read) with this checkout first on PYTHONPATH. Everything is cleaned up in finally.
"""
from __future__ import annotations

import asyncio
import contextlib
import contextvars
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TOKEN = "123456:BENCH-TOKEN"
SECRET = "bench-secret"
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")
_client_port: contextvars.ContextVar[int | None] = contextvars.ContextVar("client_port", default=None)


# --------------------------------------------------------------------------- sandbox with timestamps


def timed_sandbox(**kwargs):
    """A TelegramSandbox that also records (monotonic time, chat id, method, message) of every admitted send."""
    from bot.sandbox import TelegramSandbox

    class TimedSandbox(TelegramSandbox):
        def __init__(self, *args, **kw):
            super().__init__(*args, **kw)
            self.admitted: list[tuple[float, int, str, object]] = []
            self.listeners: list = []
            self.track_pids: dict[int, str] = {}      # pid -> name: which child made each admitted send
            self.sender_of: dict[int, str | None] = {}   # id(SentMessage) -> that child's name
            self._port_owner: dict[int, str | None] = {}

        async def _handle_api(self, request):
            _client_port.set(request.client.port if request.client else None)
            return await super()._handle_api(request)

        def _owner(self) -> str | None:
            port = _client_port.get()
            if port is None or not self.track_pids:
                return None
            if port not in self._port_owner:   # a new pooled connection: look it up once, while it is open
                pid = socket_owner(port, list(self.track_pids))
                self._port_owner[port] = self.track_pids.get(pid)
            return self._port_owner[port]

        def _record(self, chat_id, method, **content):
            sent = super()._record(chat_id, method, **content)
            now = time.monotonic()
            self.admitted.append((now, chat_id, method, sent))
            if self.track_pids:
                self.sender_of[id(sent)] = self._owner()
            for listener in self.listeners:
                listener(now, chat_id, sent)
            return sent

        def forget_file(self, file_id: str) -> None:
            """Drop a user's file once the bot has it, so a long bench does not keep gigabytes in memory."""
            stored = self._files.pop(file_id, None)
            if stored is not None:
                self._files_by_path.pop(stored.file_path, None)

    return TimedSandbox(token=TOKEN, **kwargs)


# --------------------------------------------------------------------------- /proc


def proc_cpu_seconds(pid: int) -> float:
    """utime + stime of one process (not its children), in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK   # fields 14 and 15 of stat(5)


def proc_status_kb(pid: int, key: str) -> int:
    """A 'kB' line of /proc/<pid>/status, e.g. VmHWM (peak RSS) or VmRSS."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise KeyError(key)


def socket_owner(local_port: int, pids: list[int]) -> int | None:
    """Which of `pids` holds the TCP socket whose local port is `local_port` (the client end of a request)."""
    inode = None
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError), open(table) as f:
            for line in list(f)[1:]:
                parts = line.split()
                if int(parts[1].rsplit(":", 1)[1], 16) == local_port and parts[9] != "0":
                    inode = parts[9]
                    break
        if inode:
            break
    if inode is None:
        return None
    target = f"socket:[{inode}]"
    for pid in pids:
        with contextlib.suppress(OSError):
            for fd in os.listdir(f"/proc/{pid}/fd"):
                with contextlib.suppress(OSError):
                    if os.readlink(f"/proc/{pid}/fd/{fd}") == target:
                        return pid
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --------------------------------------------------------------------------- the bot as a child process


@dataclass
class BotProcess:
    """`thidua run` (or any module) as a child process, talking to the sandbox."""

    workdir: Path
    env: dict
    name: str = "bot"
    module: str = "bot.cli"
    args: list[str] = field(default_factory=lambda: ["run"])
    proc: subprocess.Popen | None = None
    log_path: Path | None = None
    runs: int = 0

    def start(self) -> None:
        self.runs += 1
        self.log_path = self.workdir / f"{self.name}-{self.runs}.log"
        log = open(self.log_path, "wb")
        self.proc = subprocess.Popen([sys.executable, "-m", self.module, *self.args], cwd=self.workdir,
                                     env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        log.close()

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def cpu_seconds(self) -> float:
        return proc_cpu_seconds(self.pid)

    def peak_rss_kb(self) -> int:
        return proc_status_kb(self.pid, "VmHWM")

    def log_tail(self, lines: int = 30) -> str:
        if not self.log_path or not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    async def wait_exit(self, timeout: float) -> int | None:
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        return self.proc.poll()

    async def stop(self, sig: int = signal.SIGTERM, timeout: float = 15.0) -> dict:
        """Send `sig`; SIGKILL if it has not exited after `timeout`. Returns how it went."""
        if not self.alive():
            return {"exit_code": self.proc.poll() if self.proc else None, "seconds": 0.0, "forced": False}
        started = time.monotonic()
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, sig)
        code = await self.wait_exit(timeout)
        forced = code is None
        if forced:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signal.SIGKILL)
            code = await self.wait_exit(5)
        return {"exit_code": code, "seconds": round(time.monotonic() - started, 2), "forced": forced}

    def kill_now(self) -> None:
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(5)


def bot_env(sandbox, database_url: str, data_dir: Path, extra_pythonpath: list[str] = (), **more) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ZALO_", "THIDUA_", "DATABASE_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=sandbox.api_base_url,
        TELEGRAM_FILE_BASE_URL=sandbox.file_base_url, DATABASE_URL=database_url,
        THIDUA_DATA_DIR=str(data_dir), THIDUA_SECRET=SECRET, PYTHONUNBUFFERED="1",
        PYTHONPATH=os.pathsep.join([*extra_pythonpath, str(REPO), env.get("PYTHONPATH", "")]).rstrip(os.pathsep),
    )
    env.update({k.upper(): str(v) for k, v in more.items()})
    return env


async def wait_ready(sandbox, bot: BotProcess, method: str = "getUpdates", before: int = 0,
                     timeout: float = 60.0) -> float:
    """Until the bot has called `method` more than `before` times (polling started / webhook set).
    Returns the seconds it took."""
    started = time.monotonic()
    while sandbox.stats.calls[method] <= before:
        if not bot.alive():
            raise RuntimeError(f"{bot.name} exited with {bot.proc.poll()}:\n{bot.log_tail()}")
        if time.monotonic() - started > timeout:
            raise TimeoutError(f"{bot.name} not ready after {timeout}s:\n{bot.log_tail()}")
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.3)   # the dispatcher and the scheduler start just after polling
    return time.monotonic() - started


# --------------------------------------------------------------------------- database and seeding


def settings_for(database_url: str, data_dir: Path):
    from bot.settings import Settings
    return Settings(_env_file=None, telegram_bot_token=TOKEN, database_url=database_url, thidua_data_dir=data_dir,
                    thidua_secret=SECRET)


def prepare_db(settings) -> None:
    from db.engine import init_engine
    from db.migrate import upgrade
    upgrade(settings.database_url)
    init_engine(settings.database_url)


def release_db() -> None:
    """Close the bench's own connections (so a child process or a dropped database is not held up)."""
    from db import engine as db_engine
    if db_engine._engine is not None:
        db_engine._engine.dispose()


def seed_launch(settings, n: int, plan: bytes, staff_id: int, first_contact: int, title: str) -> int:
    """N units with one Telegram contact each, a staff member, a draft campaign over every unit with
    `plan` attached (as bench/broadcast.py seeds it, with the plan's bytes as a parameter). Returns its id."""
    from datetime import date, timedelta

    from db import campaigns as campaign_ops
    from db import files as file_store
    from db.clock import utcnow
    from db.engine import session_scope
    from db.models import Campaign, Contact, Milestone, Staff, Unit

    with session_scope() as s:
        units = [Unit(code=f"B{i:05d}", name=f"Trường số {i}", cluster=f"Cụm {i % 10 + 1}") for i in range(n)]
        s.add_all(units)
        s.flush()
        s.add_all([Contact(unit_id=u.id, channel="telegram", platform_user_id=str(first_contact + i),
                           chat_id=str(first_contact + i), display_name=f"Đầu mối {i}") for i, u in enumerate(units)])
        s.add(Staff(name="Cán bộ thi đua", role="admin", platform_user_id=str(staff_id), chat_id=str(staff_id)))
        stored = file_store.store(s, settings.thidua_data_dir, plan, "KH-thi-dua.pdf", "application/pdf")
        camp = Campaign(title=title, doc_number="87/KH-GDĐT", issued_date=date(2026, 9, 15), plan_file_id=stored.id,
                        period_start=date(2026, 9, 5), period_end=date(2027, 5, 31), status="draft")
        s.add(camp)
        s.flush()
        campaign_ops.set_units(s, camp.id, [u.id for u in units])
        s.add(Milestone(campaign_id=camp.id, kind="preliminary_report", title="Báo cáo sơ kết học kỳ I",
                        due_at=utcnow() + timedelta(days=60)))
        return camp.id


def plan_pdf(size: int) -> bytes:
    head = b"%PDF-1.4 ke hoach phat dong phong trao thi dua (benchmark)\n"
    body = bytes(range(256)) * (max(size - len(head), 0) // 256 + 1)
    return (head + body)[:size]


def outbox_counts(database_url: str) -> dict[str, int]:
    """Outbox rows by status, read straight from the database."""
    from sqlalchemy import create_engine, text
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            counts = {str(status): n for status, n in
                      conn.execute(text("SELECT status, count(*) FROM outboxmessage GROUP BY status"))}
            failed = conn.execute(text("SELECT kind, last_error FROM outboxmessage WHERE status = 'failed' "
                                       "ORDER BY id LIMIT 3")).all()
            if failed:
                counts["failed_examples"] = [f"{kind}: {(error or '')[:160]}" for kind, error in failed]
            return counts
    except Exception as exc:   # the table name is the engine team's business; do not fail the bench on it
        return {"error": str(exc)[:200]}
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- figures


def percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def r(value, digits: int = 3):
    return None if value is None else round(value, digits)


@contextlib.contextmanager
def temp_dir(prefix: str):
    """Removed afterwards, unless BENCH_KEEP is set (the bot's log and database, to look into a failure)."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield path
    finally:
        if os.environ.get("BENCH_KEEP"):
            print(f"kept {path}", file=sys.stderr)
        else:
            shutil.rmtree(path, ignore_errors=True)


# --------------------------------------------------------------------------- throwaway PostgreSQL


class Postgres:
    """initdb + pg_ctl in a temp dir (as an unprivileged user when we are root), as
    scripts/test-on-postgres.sh does. url is a SQLAlchemy URL for psycopg 3."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="thidua-bench-pg-"))
        self.bin = self._find_bin()
        self.run_as: list[str] = []
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    @staticmethod
    def _find_bin() -> Path:
        found = shutil.which("initdb")
        if found:
            return Path(found).parent
        candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
        if not candidates:
            raise SystemExit("PostgreSQL's initdb not found (apt-get install postgresql)")
        return candidates[-1].parent

    def start(self) -> "Postgres":
        if os.getuid() == 0:
            if subprocess.run(["id", "thidua-pg"], capture_output=True).returncode:
                subprocess.run(["useradd", "--system", "--no-create-home", "thidua-pg"], check=True)
            shutil.chown(self.dir, "thidua-pg")
            self.run_as = ["runuser", "-u", "thidua-pg", "--"]
        subprocess.run([*self.run_as, str(self.bin / "initdb"), "-D", str(self.dir / "db"), "-U", "postgres",
                        "--auth=trust"], check=True, capture_output=True)
        subprocess.run([*self.run_as, str(self.bin / "pg_ctl"), "-D", str(self.dir / "db"), "-o",
                        f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
                        f"-c max_connections=200",
                        "-l", str(self.dir / "server.log"), "-w", "start"], check=True, capture_output=True)
        return self

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            subprocess.run([*self.run_as, str(self.bin / "pg_ctl"), "-D", str(self.dir / "db"), "-m", "immediate",
                            "stop"], capture_output=True, timeout=30)
        shutil.rmtree(self.dir, ignore_errors=True)


# --------------------------------------------------------------------------- a launch through the chat


class LaunchScenario:
    """bench/broadcast.py's launch (N contacts, staff presses /phatdong → campaign → Gửi), for child processes."""

    STAFF_ID = 9001
    FIRST_CONTACT = 100_000
    TITLE = "Phong trào thi đua năm học 2026-2027"

    def __init__(self, n: int, plan: bytes, database_url: str, data_dir: Path):
        self.n, self.plan, self.database_url, self.data_dir = n, plan, database_url, data_dir
        self.campaign_id: int | None = None
        self.sandbox = None
        self.contacts = range(self.FIRST_CONTACT, self.FIRST_CONTACT + n)

    def seed(self) -> None:
        settings = settings_for(self.database_url, self.data_dir)
        prepare_db(settings)
        self.campaign_id = seed_launch(settings, self.n, self.plan, self.STAFF_ID, self.FIRST_CONTACT, self.TITLE)
        release_db()

    async def start_sandbox(self, **kwargs):
        self.sandbox = timed_sandbox(**kwargs)
        await self.sandbox.start()
        self.sandbox.add_user(self.STAFF_ID, "Cán bộ thi đua")
        for chat in self.contacts:
            self.sandbox.add_user(chat, f"Đầu mối {chat}")
        return self.sandbox

    async def press_launch(self, timeout: float = 60.0) -> float:
        """The staff member's clicks; returns the monotonic time «Gửi» was pressed."""
        from bot import texts
        sb = self.sandbox
        after = max((m.message_id for m in sb.sent(self.STAFF_ID)), default=0)
        await sb.send_text(self.STAFF_ID, "/phatdong")
        pick = await sb.wait_for_message(self.STAFF_ID, contains=texts.LAUNCH_PICK, after_message_id=after,
                                         timeout=timeout)
        await sb.press_button(self.STAFF_ID, pick.message_id, f"#{self.campaign_id} {self.TITLE}")
        confirm = await sb.wait_for_message(self.STAFF_ID, contains="Sẽ gửi tới", after_message_id=pick.message_id,
                                            timeout=timeout)
        pressed = time.monotonic()
        await sb.press_button(self.STAFF_ID, confirm.message_id, texts.LAUNCH_SEND)
        return pressed

    def deliveries(self) -> list[tuple[float, int]]:
        first, last = self.FIRST_CONTACT, self.FIRST_CONTACT + self.n
        return [(t, chat) for t, chat, method, _ in self.sandbox.admitted
                if method == "sendDocument" and first <= chat < last]

    def delivered(self) -> int:
        return len({chat for _, chat in self.deliveries()})

    def per_chat(self):
        from collections import Counter
        return Counter(chat for _, chat in self.deliveries())

    def final_report(self) -> bool:
        return any("Báo cáo phát động" in m.content for m in self.sandbox.sent(self.STAFF_ID))

    async def wait_delivered(self, count: int, timeout: float) -> bool:
        try:
            await self.sandbox.wait_for(lambda: self.delivered() >= count, timeout=timeout)
            return True
        except TimeoutError:
            return False

    async def wait_final_report(self, timeout: float) -> bool:
        try:
            await self.sandbox.wait_for(self.final_report, timeout=timeout)
            return True
        except TimeoutError:
            return False

    def rate(self, since: float | None = None) -> float:
        times = sorted(t for t, _ in self.deliveries() if since is None or t >= since)
        span = times[-1] - times[0] if len(times) > 1 else 0.0
        return (len(times) - 1) / span if span else 0.0

    def loss_and_duplicates(self) -> dict:
        per_chat = self.per_chat()
        return {"delivered": len(per_chat), "lost": self.n - len(per_chat),
                "duplicated": sum(1 for c in per_chat.values() if c > 1),
                "extra_sends": sum(c - 1 for c in per_chat.values() if c > 1)}
