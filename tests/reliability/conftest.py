"""The reliability suite: the real `thidua run` as a subprocess against the sandbox Bot API, stopped the ways
a server stops (kill -9, SIGTERM), raced by a second process, fed what breaks naive bots."""
import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bot.sandbox import TelegramSandbox

TOKEN = "123456:RELIABILITY-TOKEN"


class BotProcess:
    """One `thidua run` process on the test's database and sandbox."""

    def __init__(self, env: dict, log: Path, args: tuple[str, ...] = ()):
        self.env, self.log_path, self.args = env, log, args
        self.proc: subprocess.Popen | None = None

    def start(self) -> "BotProcess":
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "run", *self.args], env=self.env,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        return self

    def signal(self, sig: int) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)

    async def wait_exit(self, timeout: float = 30.0) -> int:
        return await asyncio.to_thread(self.proc.wait, timeout)

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if getattr(self, "log", None):
            self.log.close()


@pytest.fixture
async def sandbox():
    box = TelegramSandbox(token=TOKEN)
    await box.start()
    yield box
    await box.stop()


@pytest.fixture
def bot_env(settings, sandbox, tmp_path):
    env = dict(os.environ)
    env.update(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=sandbox.api_base_url,
               TELEGRAM_FILE_BASE_URL=sandbox.file_base_url, DATABASE_URL=settings.database_url,
               THIDUA_DATA_DIR=str(settings.thidua_data_dir), THIDUA_SECRET="test-secret",
               PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    env.pop("ZALO_BOT_TOKEN", None)
    return env


@pytest.fixture
def bots(bot_env, tmp_path):
    started: list[BotProcess] = []

    def start(*args: str) -> BotProcess:
        bot = BotProcess(bot_env, tmp_path / f"bot{len(started)}.log", args).start()
        started.append(bot)
        return bot

    yield start
    for bot in started:
        bot.stop()


class TimedSandbox(TelegramSandbox):
    """The sandbox, plus when each message was admitted (its records carry whole seconds)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.admitted: list[tuple[float, int, str]] = []

    def _record(self, chat_id, method, **content):
        sent = super()._record(chat_id, method, **content)
        import time
        self.admitted.append((time.monotonic(), chat_id, method))
        return sent


@pytest.fixture
async def timed_sandbox():
    box = TimedSandbox(token=TOKEN)
    await box.start()
    yield box
    await box.stop()
