"""`thidua demo`: the whole product on a throwaway database against the sandbox Bot API, no token needed.

It seeds an office, a few schools and their contacts, plays a scripted scenario through the real bot and
prints it as a chat transcript. The clock is simulated (time-machine) so that the campaign's real dates
(a 2023-2024 school year plan) are in the future when the story starts, and reminders can arrive.
"""
from __future__ import annotations

import asyncio
import logging
import sys
import tempfile
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import time_machine

from bot.sandbox_driver import E2EEnv
from bot.settings import Settings
from db.engine import init_engine, session_scope
from db.migrate import upgrade
from db.models import Office, Staff

DEMO_DIR = Path(__file__).parent / "demo_data"
PLAN_FILE = DEMO_DIR / "ke_hoach_mau.txt"
VN = ZoneInfo("Asia/Ho_Chi_Minh")
START = datetime(2023, 12, 4, 8, 30, tzinfo=VN)   # early in the plan's school year

SCHOOLS = [
    ("TH-KD", "Trường Tiểu học Kim Đồng", "Tiểu học", "Cụm 1", 5001, "Cô Lan"),
    ("TH-LL", "Trường Tiểu học Lê Lợi", "Tiểu học", "Cụm 1", 5002, "Thầy Bình"),
    ("THCS-NT", "Trường THCS Nguyễn Trãi", "THCS", "Cụm 2", 5003, "Cô Hoa"),
]
STAFF_ID = 4001

Scene = Callable[["Demo"], Awaitable[None]]
SCENES: list[tuple[str, Scene]] = []


def scene(title: str):
    def register(fn: Scene) -> Scene:
        SCENES.append((title, fn))
        return fn
    return register


class Demo:
    def __init__(self, env: E2EEnv, clock: time_machine.Coordinates):
        self.env, self.clock = env, clock
        self.state: dict = {}

    @property
    def transcript(self) -> list[str]:
        return self.env.transcript


@scene("Một người lạ nhắn bot")
async def stranger(demo: Demo) -> None:
    guest = await demo.env.user(5999, "Khách")
    await guest.send("/start")
    await guest.expect_reply()
    await guest.send("/help")
    await guest.expect_reply()


def seed_office() -> None:
    with session_scope() as s:
        office = Office(name="Sở Giáo dục và Đào tạo Bình Phước", level="Sở")
        s.add(office)
        s.flush()
        s.add(Staff(name="Chuyên viên Thi đua", role="admin", office_id=office.id, channel="telegram",
                    platform_user_id=str(STAFF_ID), chat_id=str(STAFF_ID)))


@scene("Các trường gắn cuộc trò chuyện với đơn vị bằng đường liên kết mời")
async def binding(demo: Demo) -> None:
    from db import invites
    from db.models import Unit
    tokens = {}
    with session_scope() as s:
        for code, name, level, cluster, _uid, _who in SCHOOLS:
            unit = Unit(code=code, name=name, level=level, cluster=cluster)
            s.add(unit)
            s.flush()
            tokens[code] = invites.create_unit_invite(s, unit)[1]
    for code, _name, _level, _cluster, uid, who in SCHOOLS:
        contact = await demo.env.user(uid, who)
        await contact.send(f"/start {tokens[code]}")
        await contact.expect_reply(contains="Đã gắn")
    lan = demo.env.users[SCHOOLS[0][4]]
    await lan.press("Trợ giúp")
    await lan.expect_reply()


async def play(verbose: bool = False) -> list[str]:
    transcript: list[str] = []
    with tempfile.TemporaryDirectory(prefix="thidua-demo-") as tmp:
        settings = Settings(_env_file=None, telegram_bot_token="100000:DEMO-TOKEN",
                            database_url=f"sqlite:///{tmp}/demo.db", thidua_data_dir=Path(tmp) / "files",
                            thidua_secret="demo")
        upgrade(settings.database_url)
        init_engine(settings.database_url)
        with time_machine.travel(START, tick=True) as clock:
            seed_office()
            env = await E2EEnv(settings, transcript=transcript).start()
            demo = Demo(env, clock)
            try:
                for title, fn in SCENES:
                    transcript.append(f"\n=== {title} ===")
                    await fn(demo)
                    await env.outbox_idle()
            finally:
                await env.stop()
    return transcript


async def run_demo(verbose: bool = False) -> int:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING)
    print("thidua-bot — chạy thử với máy chủ Bot API giả lập (không cần token, dữ liệu tạm thời)")
    transcript = await play(verbose)
    print("\n".join(transcript))
    print("\nHoàn tất bản chạy thử.")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(run_demo()))
