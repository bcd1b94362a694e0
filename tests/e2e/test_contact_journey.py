"""A school contact's journey through the real Telegram adapter (PTB polling the sandbox Bot API)."""
import hashlib

import pytest
from sqlmodel import select

from bot import texts
from bot.channels.telegram import sign
from db.models import StoredFile, Submission, SubmissionFile
from tests.support import seed
from bot.samples import sample_docx, sample_jpeg, sample_pdf

PDF = sample_pdf("bao cao so ket hoc ky I", pad=1024)
DOCX = sample_docx("bang tong hop thanh tich")
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
JPEG_1 = sample_jpeg("trang 1 bien ban")
JPEG_2 = sample_jpeg("trang 2 bien ban")


@pytest.fixture
def school(settings):
    unit = seed.unit("TH01", "Trường Tiểu học Kim Đồng")
    other = seed.unit("TH02", "Trường Tiểu học Lê Lợi")
    _, ms = seed.campaign(unit_ids=[unit.id], milestones=[dict(title="Báo cáo sơ kết học kỳ I", due_in_days=10)])
    _, foreign = seed.campaign("Phong trào của Lê Lợi", unit_ids=[other.id],
                               milestones=[dict(title="Báo cáo riêng của Lê Lợi", due_in_days=5)])
    return dict(unit=unit, milestone=ms[0], foreign=foreign[0], token=seed.invite(unit.id))


def label_starting(msg, prefix: str) -> str:
    return next(b["text"] for row in msg.reply_markup["inline_keyboard"] for b in row if b["text"].startswith(prefix))


async def bind(e2e, school, user_id=1001):
    alice = await e2e.user(user_id, "Cô Lan")
    await alice.send(f"/start {school['token']}")
    await alice.expect_reply(contains="Đã gắn cuộc trò chuyện này với đơn vị")
    return alice


async def open_files_step(alice, title="Báo cáo sơ kết học kỳ I"):
    await alice.press(texts.MENU_SUBMIT)
    menu = await alice.expect_reply(contains="Chọn hạng mục cần nộp")
    await alice.press(label_starting(menu, title), menu)
    await alice.expect_reply(contains="Hãy gửi tệp báo cáo")


async def finish(alice, files_message=None) -> str:
    await alice.press("Xong", files_message or await alice.expect_reply(contains="Gửi thêm tệp"))
    await alice.press("Bỏ qua", await alice.expect_reply(contains="ghi chú"))
    await alice.press("Xác nhận", await alice.expect_reply(contains="Kiểm tra lại trước khi nộp"))
    return (await alice.expect_reply(contains="Số tiếp nhận: BC-")).text


def stored_of(db, version: int) -> list[StoredFile]:
    with db() as s:
        sub = s.exec(select(Submission).where(Submission.version == version)).one()
        return list(s.exec(select(StoredFile).join(SubmissionFile, SubmissionFile.stored_file_id == StoredFile.id)
                           .where(SubmissionFile.submission_id == sub.id).order_by(SubmissionFile.position)).all())


async def test_bind_submit_two_documents_then_again_and_see_version_2(e2e, db, school):
    alice = await bind(e2e, school)
    await open_files_step(alice)
    await alice.upload("bao_cao_so_ket.pdf", PDF, "application/pdf")
    await alice.expect_reply(contains="Đã nhận 1 tệp")
    await alice.upload("bang_tong_hop.docx", DOCX, DOCX_MIME)
    receipt = await finish(alice)
    assert "Lần nộp: 1" in receipt and "bao_cao_so_ket.pdf" in receipt and "bang_tong_hop.docx" in receipt
    stored = stored_of(db, 1)
    assert [f.sha256 for f in stored] == [hashlib.sha256(PDF).hexdigest(), hashlib.sha256(DOCX).hexdigest()]
    assert [f.original_name for f in stored] == ["bao_cao_so_ket.pdf", "bang_tong_hop.docx"]

    await alice.send("/nop")
    menu = await alice.expect_reply(contains="Chọn hạng mục cần nộp")
    assert "đã nộp lần 1" in menu.text
    await alice.press(label_starting(menu, "Báo cáo sơ kết"), menu)
    await alice.expect_reply(contains="Hãy gửi tệp báo cáo")
    await alice.upload("bao_cao_so_ket_sua.pdf", PDF + b" ban sua", "application/pdf")
    receipt = await finish(alice)
    assert "Lần nộp: 2" in receipt
    await alice.send("/viec")
    todo = await alice.expect_reply(contains="Việc cần làm của Trường Tiểu học Kim Đồng")
    assert "Báo cáo sơ kết học kỳ I" in todo.text and "đã nộp (lần 2)" in todo.text
    with db() as s:
        assert [x.version for x in s.exec(select(Submission).order_by(Submission.version)).all()] == [1, 2]


async def test_album_of_two_photos_counts_as_two_files(e2e, db, school):
    alice = await bind(e2e, school)
    await open_files_step(alice)
    await alice.upload_photo(JPEG_1, media_group_id="album-1")
    await alice.upload_photo(JPEG_2, media_group_id="album-1")
    got = await alice.expect_reply(contains="Đã nhận")
    assert got.text.startswith("Đã nhận 2 tệp")   # one input, not two
    receipt = await finish(alice, got)
    assert "Tệp (2)" in receipt
    assert [f.sha256 for f in stored_of(db, 1)] == [hashlib.sha256(JPEG_1).hexdigest(),
                                                    hashlib.sha256(JPEG_2).hexdigest()]


async def test_foreign_and_forged_buttons_are_refused(e2e, db, school):
    alice = await bind(e2e, school)
    menu = alice.last_with_buttons()
    # a button copied from another chat: its signature is bound to that chat
    copied = sign(e2e.settings.signing_secret, "2002", f"g|submit|{school['milestone'].id}")
    await alice.press_raw(menu.message_id, copied)
    await alice.expect_reply(contains=texts.FORGED_BUTTON)
    # made-up data with no valid signature
    await alice.press_raw(menu.message_id, f"g|submit|{school['foreign'].id}#AAAAAAAA")
    await alice.expect_reply(contains=texts.FORGED_BUTTON)
    # correctly signed, but for a milestone of a campaign this unit does not take part in
    signed = sign(e2e.settings.signing_secret, "1001", f"g|submit|{school['foreign'].id}")
    await alice.press_raw(menu.message_id, signed)
    await alice.expect_reply(contains=texts.REPORT_NOT_ALLOWED)
    with db() as s:
        assert s.exec(select(Submission)).all() == [] and s.exec(select(StoredFile)).all() == []
