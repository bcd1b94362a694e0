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
from bot.samples import sample_pdf, sample_xlsx

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


ZALO_SCHOOL = ("THCS-LTT", "Trường THCS Lý Tự Trọng", "THCS", "Cụm 2", "zalo-yen", "Cô Yến")
OA_SCHOOL = ("TH-NH", "Trường Tiểu học Nguyễn Huệ", "Tiểu học", "Cụm 1", "oa-thao", "Cô Thảo")   # on the office's OA
PDF = sample_pdf("bao cao so ket hoc ky I", pad=2048)
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def seed_schools() -> dict[str, str]:
    from db import invites
    from db.models import Unit
    tokens = {}
    with session_scope() as s:
        for code, name, level, cluster, _uid, _who in [*SCHOOLS, ZALO_SCHOOL, OA_SCHOOL]:
            unit = Unit(code=code, name=name, level=level, cluster=cluster)
            s.add(unit)
            s.flush()
            tokens[code] = invites.create_unit_invite(s, unit)[1]
    return tokens


@scene("Các trường gắn cuộc trò chuyện với đơn vị (Telegram: đường liên kết mời; Zalo: gõ mã mời)")
async def binding(demo: Demo) -> None:
    tokens = seed_schools()
    for code, _name, _level, _cluster, uid, who in SCHOOLS:
        contact = await demo.env.user(uid, who)
        await contact.send(f"/start {tokens[code]}")
        await contact.expect_reply(contains="Đã gắn")
    yen = await demo.env.zalo_user(ZALO_SCHOOL[4], ZALO_SCHOOL[5])
    await yen.send(tokens[ZALO_SCHOOL[0]])
    await yen.expect_reply(contains="Đã gắn")
    thao = await demo.env.oa_user(OA_SCHOOL[4], OA_SCHOOL[5])
    await demo.env.oa_sandbox.follow(OA_SCHOOL[4])                 # follows the Phòng's Official Account
    await thao.expect_reply()
    await thao.send(tokens[OA_SCHOOL[0]])
    await thao.expect_reply(contains="Đã gắn")


@scene("Cán bộ Sở gửi tệp kế hoạch: bot lập bản nháp kế hoạch, cán bộ thêm một mốc rồi lưu")
async def create_from_plan(demo: Demo) -> None:
    staff = await demo.env.user(STAFF_ID, "Chuyên viên Thi đua")
    await staff.send("/taochiendich")
    await staff.expect_reply(contains="gửi tệp kế hoạch")
    await staff.upload("ke_hoach_phat_dong_thi_dua.txt", PLAN_FILE.read_bytes(), "text/plain")
    await staff.expect_reply(contains="Bản nháp kế hoạch")
    await staff.press("Thêm mốc")
    await staff.expect_reply(contains="Chọn loại mốc")
    await staff.press("Đề cử gương điển hình")
    await staff.expect_reply(contains="Gõ ngày mới")
    await staff.send("31/3/2024")
    await staff.expect_reply(contains="Gõ tên mốc")
    await staff.send("Đề cử gương điển hình tiên tiến quý I/2024")
    await staff.expect_reply(contains="31/03/2024")
    await staff.press("Chọn đơn vị tham gia")
    await staff.expect_reply(contains="Đơn vị nào tham gia")
    await staff.press_nth(0)
    await staff.expect_reply(contains="Đã lưu kế hoạch")


@scene("Phát động: xem trước, gửi tới mọi đầu mối kèm tệp kế hoạch, theo dõi ai đã nhận")
async def launch(demo: Demo) -> None:
    staff = demo.env.users[STAFF_ID]
    await staff.send("/phatdong")
    await staff.expect_reply(contains="Chọn kế hoạch")
    await staff.press_nth(0)
    await staff.expect_reply(contains="Xem trước")
    await staff.press("Gửi", await staff.expect_reply(contains="Gửi ngay?"))
    lan = demo.env.users[SCHOOLS[0][4]]
    launch_msg = await lan.expect_reply(contains="PHÁT ĐỘNG")
    for _code, _name, _level, _cluster, uid, _who in SCHOOLS[1:]:
        await demo.env.users[uid].expect_reply(contains="PHÁT ĐỘNG")
    await demo.env.zalo_users[ZALO_SCHOOL[4]].expect_reply(contains="PHÁT ĐỘNG")
    await staff.expect_reply(contains="Báo cáo phát động", timeout=20)
    await lan.press("Đã nhận", launch_msg)
    await lan.expect_reply()
    await staff.send("/danhan")
    acks = await staff.expect_reply()
    if acks.buttons:
        await staff.press_nth(0, acks)
        await staff.expect_reply(contains="Xác nhận đã nhận")


@scene("Trường trên Zalo OA của Phòng: cô Thảo bấm nút thật «Đã nhận», rồi nộp báo cáo bằng tệp PDF gửi ngay trong Zalo")
async def oa_school(demo: Demo) -> None:
    thao = demo.env.oa_users[OA_SCHOOL[4]]
    await thao.expect_reply(contains="PHÁT ĐỘNG")
    await thao.press("Đã nhận")
    await thao.expect_reply(contains="ghi nhận")
    await thao.send("/nop")
    await thao.press(next(label for label in (await thao.expect_reply(contains="Chọn hạng mục")).labels
                          if label.startswith("Báo cáo sơ kết")))
    await thao.expect_reply(contains="Hãy gửi tệp")
    await thao.upload("bao_cao_so_ket_nguyen_hue.pdf", PDF)
    await thao.press("Xong", await thao.expect_reply(contains="1 tệp"))
    await thao.press("Bỏ qua", await thao.expect_reply(contains="ghi chú"))
    await thao.press("Xác nhận", await thao.expect_reply(contains="Kiểm tra lại"))
    await thao.expect_reply(contains="Số tiếp nhận")


@scene("Trường Kim Đồng nộp báo cáo sơ kết (hai tệp) và nhận phiếu tiếp nhận")
async def submit_report(demo: Demo) -> None:
    lan = demo.env.users[SCHOOLS[0][4]]
    await lan.send("/nop")
    await lan.expect_reply(contains="Chọn hạng mục")
    await lan.press_nth(0)
    await lan.expect_reply(contains="Hãy gửi tệp")
    await lan.upload("bao_cao_so_ket_HKI.pdf", PDF, "application/pdf")
    await lan.expect_reply(contains="1 tệp")
    await lan.upload("bieu_mau_so_lieu.xlsx", sample_xlsx("so lieu"), XLSX_MIME)
    await lan.expect_reply(contains="2 tệp")
    await lan.press("Xong")
    await lan.expect_reply(contains="ghi chú")
    await lan.send("Đơn vị gửi kèm biểu mẫu số liệu.")
    await lan.expect_reply(contains="Kiểm tra lại")
    await lan.press("Xác nhận")
    await lan.expect_reply(contains="Số tiếp nhận")
    await lan.send("/viec")
    await lan.expect_reply()


@scene("Cán bộ xem tiến độ (kèm biểu đồ)")
async def progress(demo: Demo) -> None:
    staff = demo.env.users[STAFF_ID]
    await staff.send("/tiendo")
    await staff.expect_reply(contains="")
    await staff.expect_reply(contains="Báo cáo sơ kết")


@scene("Đồng hồ giả lập: nhắc hạn tự động chỉ tới các trường chưa nộp, và dừng khi trường đã nộp")
async def reminders(demo: Demo) -> None:
    from schedules.reminders import reminder_tick
    env, tz = demo.env, demo.env.settings.tz
    demo.clock.move_to(datetime(2024, 1, 18, 8, 0, 5, tzinfo=VN))   # 7 days before the 25/01 deadline
    demo.transcript.append("⏰ Đồng hồ chuyển tới 08:00 ngày 18/01/2024 (còn 7 ngày tới hạn sơ kết)")
    await reminder_tick(tz, env.runtime.dispatcher.wake)
    binh = env.users[SCHOOLS[1][4]]
    reminder = await binh.expect_reply(contains="Nhắc hạn")
    await env.users[SCHOOLS[2][4]].expect_reply(contains="Nhắc hạn")
    await env.zalo_users[ZALO_SCHOOL[4]].expect_reply(contains="Nhắc hạn")
    await binh.press("Nộp ngay", reminder)
    await binh.expect_reply(contains="Hãy gửi tệp")
    await binh.upload("so_ket_le_loi.pdf", PDF, "application/pdf")
    await binh.expect_reply(contains="1 tệp")
    await binh.press("Xong")
    await binh.expect_reply(contains="ghi chú")
    await binh.press("Bỏ qua")
    await binh.expect_reply(contains="Kiểm tra lại")
    await binh.press("Xác nhận")
    await binh.expect_reply(contains="Số tiếp nhận")
    await env.outbox_idle()
    demo.clock.move_to(datetime(2024, 1, 22, 8, 0, 5, tzinfo=VN))   # 3 days before
    demo.transcript.append("⏰ Đồng hồ chuyển tới 08:00 ngày 22/01/2024 (còn 3 ngày): Lê Lợi đã nộp nên không bị nhắc")
    await reminder_tick(tz, env.runtime.dispatcher.wake)
    await env.users[SCHOOLS[2][4]].expect_reply(contains="còn 3 ngày")
    await env.zalo_users[ZALO_SCHOOL[4]].expect_reply(contains="còn 3 ngày")
    await env.outbox_idle()
    assert not [m for m in binh.messages() if "còn 3 ngày" in m.content], "a unit that submitted was nudged"


@scene("Trường THCS Nguyễn Trãi đề cử gương điển hình tiên tiến quý I")
async def nominate(demo: Demo) -> None:
    hoa = demo.env.users[SCHOOLS[2][4]]
    await hoa.send("/decu")
    await hoa.expect_reply(contains="tập thể hay cá nhân")
    await hoa.press("Cá nhân")
    await hoa.expect_reply(contains="Họ và tên")
    await hoa.send("Nguyễn Thị Thu Hà")
    await hoa.expect_reply(contains="Chức vụ")
    await hoa.send("Giáo viên Ngữ văn")
    await hoa.press("Dùng tên đơn vị", await hoa.expect_reply(contains="Dùng tên đơn vị"))
    await hoa.expect_reply(contains="Tóm tắt thành tích")
    await hoa.send("Giáo viên dạy giỏi cấp tỉnh; câu lạc bộ đọc sách thu hút 300 học sinh.")
    await hoa.press("Bỏ qua", await hoa.expect_reply(contains="Mô hình mới"))
    await hoa.press("Bỏ qua", await hoa.expect_reply(contains="Hình thức khen thưởng"))
    await hoa.press("Xong", await hoa.expect_reply(contains="Gửi tệp minh chứng"))
    await hoa.press("Xác nhận", await hoa.expect_reply(contains="Kiểm tra lại đề cử"))
    await hoa.expect_reply(contains="Số tiếp nhận: DC-")


@scene("Phòng duyệt đề cử, xem bình xét theo cụm, xuất danh sách; /tiendo ghi Nguyễn Trãi «Đã duyệt»")
async def review_nomination(demo: Demo) -> None:
    staff = demo.env.users[STAFF_ID]
    await staff.send("/dscu")
    listing = await staff.expect_reply(contains="Đề cử")
    if "Chọn đợt" in listing.content:
        await staff.press_nth(0, listing)
        listing = await staff.expect_reply(contains="Trang 1/")
    await staff.press("1", listing)
    await staff.press("Duyệt", await staff.expect_reply(contains="Nguyễn Thị Thu Hà"))
    await staff.expect_reply(contains="Đã duyệt đề cử")
    await demo.env.users[SCHOOLS[2][4]].expect_reply(contains="DUYỆT")
    await staff.press("Bình xét theo cụm", await staff.expect_reply(contains="Đợt đang nhận"))
    await staff.press("Quay lại danh sách", await staff.expect_reply(contains="theo cụm thi đua"))
    await staff.press("Xuất Excel", await staff.expect_reply(contains="Đợt đang nhận"))
    listing = await staff.expect_reply(contains="Đợt đang nhận")     # the list comes back at once,
    await staff.expect_reply(contains="Danh sách đề cử")             # the file when it is built
    await staff.press("Đóng", listing)
    await staff.send("/tiendo")
    await staff.expect_reply(contains="")
    await staff.expect_reply(contains="Đã duyệt 1")


@scene("Sở lùi hạn báo cáo tổng kết sau khi đã phát động (/suakh): các trường được báo một lần")
async def edit_after_launch(demo: Demo) -> None:
    staff = demo.env.users[STAFF_ID]
    await staff.send("/suakh")
    await staff.press("Sửa một mốc", await staff.expect_reply(contains="Chọn phần cần sửa"))
    picker = await staff.expect_reply(contains="Chọn mốc cần sửa")
    await staff.press(next(b["text"] for row in picker.reply_markup["inline_keyboard"] for b in row
                           if "Báo cáo tổng kết" in b["text"]), picker)
    await staff.press("Đổi hạn", await staff.expect_reply(contains="Sửa gì?"))
    await staff.expect_reply(contains="Gõ hạn mới")
    await staff.send("ngày 22 tháng 7 năm 2024")
    await staff.press("Lưu và báo các đơn vị", await staff.expect_reply(contains="Sẽ báo cho"))
    await staff.expect_reply(contains="Đã lưu hạn mới")
    for _code, _name, _level, _cluster, uid, _who in SCHOOLS:
        await demo.env.users[uid].expect_reply(contains="điều chỉnh hạn «Báo cáo tổng kết»")
    await staff.press("Xong", await staff.expect_reply(contains="Chọn phần cần sửa"))


@scene("Đầu mối trên Zalo xem việc cần làm (lựa chọn hiện thành dòng đánh số)")
async def zalo_todo(demo: Demo) -> None:
    yen = demo.env.zalo_users[ZALO_SCHOOL[4]]
    await yen.send("/viec")
    await yen.expect_reply(contains="Báo cáo sơ kết")


@scene("Cán bộ mở trang quản lý trên trình duyệt bằng liên kết đăng nhập một lần (/web)")
async def console(demo: Demo) -> None:
    from bot.console.tour import visit
    staff = demo.env.users[STAFF_ID]
    await staff.send("/web")
    reply = await staff.expect_reply(contains="/console/login/")
    demo.transcript.extend(await visit(reply.text.split("\n")[1].strip()))


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
            env = await E2EEnv(settings, transcript=transcript, zalo=True, zalo_oa=True).start()
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
