"""Running a live campaign through the real Telegram adapter: a file sent straight to the bot becomes a
submission, and staff who asked (/thongbao) hear of it and of a newly bound school."""
from datetime import timedelta

import pytest
from sqlmodel import select

from bot import texts
from db.clock import utcnow
from db.models import StoredFile, Submission, SubmissionFile
from schedules.staff_news import SETTLE, run_staff_news
from tests.support import seed
from bot.samples import sample_pdf

PDF = sample_pdf("bao cao so ket gui thang", pad=512)
STAFF_ID, CONTACT_ID = 2301, 1301


@pytest.fixture
def school(settings):
    unit = seed.unit("TH01", "Trường Tiểu học Kim Đồng")
    seed.staff(STAFF_ID, "Nguyễn Thị Hoa")
    _, (m,) = seed.campaign(unit_ids=[unit.id], milestones=[dict(title="Báo cáo sơ kết học kỳ I", due_in_days=10)])
    return dict(unit=unit, milestone=m, token=seed.invite(unit.id))


async def test_staff_news_and_a_file_sent_straight_to_the_bot(e2e, db, settings, school):
    hoa = await e2e.user(STAFF_ID, "Cô Hoa")
    await hoa.send("/thongbao")
    await hoa.press(texts.NEWS_BTN["each"], await hoa.expect_reply(contains="Chọn cách nhận"))
    await hoa.expect_reply(contains=texts.NEWS_SET.format(mode=texts.NEWS_MODES["each"]))

    lan = await e2e.user(CONTACT_ID, "Cô Lan")
    await lan.send(f"/start {school['token']}")
    await lan.expect_reply(contains="Đã gắn cuộc trò chuyện này với đơn vị")
    await lan.upload("bao_cao_so_ket.pdf", PDF, "application/pdf")          # no /nop first
    ask = await lan.expect_reply(contains=texts.REPORT_FILE_WHICH_MILESTONE.format(count=1))
    await lan.press_nth(0, ask if ask.reply_markup else await lan.expect_reply(contains="Báo cáo sơ kết"))
    await lan.press("Xong", await lan.expect_reply(contains="bao_cao_so_ket.pdf"))
    await lan.press("Bỏ qua", await lan.expect_reply(contains="ghi chú"))
    await lan.press("Xác nhận", await lan.expect_reply(contains="Kiểm tra lại"))
    await lan.expect_reply(contains="Số tiếp nhận")
    with db() as s:
        [(_, stored)] = s.exec(select(SubmissionFile, StoredFile).join(
            StoredFile, StoredFile.id == SubmissionFile.stored_file_id)).all()
        assert s.exec(select(Submission)).one().milestone_id == school["milestone"].id
    assert stored.original_name == "bao_cao_so_ket.pdf" and stored.size == len(PDF)

    # the tick runs every minute; here it is called once, as if SETTLE had passed since the events
    assert run_staff_news(settings.tz, now=utcnow() + SETTLE + timedelta(seconds=2)) == 2
    e2e.runtime.dispatcher.wake()
    await hoa.expect_reply(contains=texts.NEWS_BOUND.format(unit="Trường Tiểu học Kim Đồng", what="Cô Lan"))
    await hoa.expect_reply(contains=texts.NEWS_SUBMITTED.format(unit="Trường Tiểu học Kim Đồng",
                                                                what="Báo cáo sơ kết học kỳ I", late=""))
