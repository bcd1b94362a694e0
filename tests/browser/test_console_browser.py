"""The staff console in a real browser: sign in through the link the bot sent in the (sandbox) Telegram chat,
filter the matrix, open a submission, return it with a reason, and the school hears of it in its chat.

THIDUA_UPDATE_SCREENSHOTS=1 writes the matrix and submission screenshots into docs/ (committed); otherwise
they go to the test's temporary folder (and are still checked to be real pictures)."""
from __future__ import annotations

import os
import re
from pathlib import Path

from sqlmodel import select

from bot.samples import sample_pdf, sample_png
from db.engine import session_scope
from db.models import AuditEvent, Submission
from tests.support import seed
from tests.unit.test_progress import add_submission

STAFF_ID, CONTACT_ID = 2101, 1101
DOCS = Path(__file__).resolve().parents[2] / "docs"
PDF = sample_pdf("bao cao so ket hoc ky I", pad=512)
PHOTO = sample_png("Hoi giang cap truong")
LIAISONS = ["Cô Nguyễn Thị Mai", "Thầy Trần Văn Nam", "Cô Lê Thu Hà", "Thầy Phạm Minh Tuấn", "Cô Đỗ Ngọc Lan",
            "Thầy Vũ Đức Thắng", "Cô Hoàng Thị Yến", "Thầy Bùi Quốc Việt", "Cô Phan Thanh Hương",
            "Thầy Đặng Văn Long", "Cô Ngô Bích Ngọc", "Thầy Lý Hoàng Sơn"]
REASON = "Thiếu chữ ký của hiệu trưởng và dấu đỏ"


def school_year(settings):
    office = seed.office("Phòng Giáo dục và Đào tạo Quận 3")
    names = ["Kim Đồng", "Lê Lợi", "Nguyễn Du", "Trần Phú", "Hoà Bình", "Lý Thường Kiệt", "Võ Thị Sáu",
             "Chu Văn An", "Nguyễn Trãi", "Quang Trung", "Hai Bà Trưng", "Lê Quý Đôn"]
    units = []
    for i, name in enumerate(names):
        u = seed.unit(f"TH{i + 1:02d}", f"Trường Tiểu học {name}", cluster=f"Cụm {1 + i % 3}",
                      level="Tiểu học" if i % 4 else "THCS", office_id=office.id)
        units.append(u)
    with session_scope() as s:   # the roster's liaison and phone
        from db.models import Unit
        for i, u in enumerate(units):
            row = s.get(Unit, u.id)
            row.liaison_name, row.liaison_phone = LIAISONS[i], f"0903{i:06d}"
    seed.contact(units[0].id, CONTACT_ID, name="Cô Lan")
    seed.staff(STAFF_ID, "Nguyễn Thị Hoa", office_id=office.id)
    camp, ms = seed.campaign("Phong trào thi đua “Dạy tốt – Học tốt” năm học 2026-2027", office_id=office.id,
                             unit_ids=[u.id for u in units], milestones=[
                                 dict(title="Đăng ký thi đua", due_in_days=-10, kind="registration"),
                                 dict(title="Báo cáo sơ kết học kỳ I", due_in_days=6),
                                 dict(title="Báo cáo tổng kết", due_in_days=120, kind="final_report")])
    reg, mid, _ = ms
    for i, u in enumerate(units):   # registration mostly done, some late or returned; the mid-term under way
        if i % 5 != 4:
            add_submission(settings, u.id, reg.id, status=("accepted", "submitted", "returned")[i % 3],
                           late=i % 4 == 3, files=[("dang_ky.pdf", PDF)])
    sub = add_submission(settings, units[0].id, mid.id, files=[("bao_cao_so_ket.pdf", PDF),
                                                               ("anh_hoi_giang.png", PHOTO)],
                         note="Bản chính thức, có phụ lục")
    with session_scope() as s:   # add_submission types every file as a PDF: the photo is a PNG
        from db.models import StoredFile, SubmissionFile
        link = s.exec(select(SubmissionFile).where(SubmissionFile.submission_id == sub.id,
                                                   SubmissionFile.position == 1)).one()
        s.get(StoredFile, link.stored_file_id).mime = "image/png"
    for u in units[3:7]:
        add_submission(settings, u.id, mid.id, files=[("bao_cao.pdf", PDF)])
    return dict(campaign=camp, milestone=mid, submission=sub)


def _shot_path(tmp_path: Path, name: str) -> Path:
    return DOCS / name if os.environ.get("THIDUA_UPDATE_SCREENSHOTS") == "1" else tmp_path / name


async def test_sign_in_filter_open_and_return_a_submission(console_env, browser, settings, tmp_path):
    world = school_year(settings)
    hoa = await console_env.user(STAFF_ID, "Cô Hoa")
    lan = await console_env.user(CONTACT_ID, "Cô Lan")

    await hoa.send("/web")
    reply = await hoa.expect_reply(contains="/console/login/")
    url = re.search(r"http://\S+/console/login/\S+", reply.text).group(0)

    page = await browser.new_page()
    await page.goto(url)
    await page.click("#sign-in")
    await page.wait_for_url(re.compile(r"/console$"))
    assert "Nguyễn Thị Hoa" in await page.text_content("header")
    await page.click("text=Xem tiến độ")
    await page.wait_for_selector("#matrix")
    assert await page.locator("#matrix tbody tr").count() == 12

    await page.select_option("select[name=cum]", "Cụm 1")
    await page.select_option("select[name=status]", "submitted")
    await page.select_option("select[name=moc]", label="Báo cáo sơ kết học kỳ I")
    await page.click("text=Lọc")
    await page.wait_for_url(re.compile(r"cum="))
    codes = await page.locator("#matrix tbody tr").evaluate_all("rows => rows.map(r => r.dataset.code)")
    assert codes == ["TH01", "TH04", "TH07"]     # Cụm 1 with a mid-term report handed in (TH10 has none)
    await page.screenshot(path=str(_shot_path(tmp_path, "console-matrix.png")), full_page=True)

    await page.click('#matrix tr[data-code="TH01"] td.s-submitted a')
    await page.wait_for_selector("#return-form")
    assert "Bản chính thức, có phụ lục" in await page.content()
    assert await page.locator("iframe.preview").count() == 1     # the PDF shows in the page
    await page.wait_for_function(                                  # and the photo, loaded through the session
        "() => { const i = document.querySelector('img.preview'); return i && i.complete && i.naturalWidth > 0 }",
        timeout=8000)
    await page.fill("#reason", REASON)
    await page.screenshot(path=str(_shot_path(tmp_path, "console-submission.png")), full_page=True)
    await page.click("#return")
    notice = await page.wait_for_selector("#notice")
    assert "Đã trả lại bài của Trường Tiểu học Kim Đồng; đã báo 1 người" in await notice.text_content()
    assert (await page.text_content("#status")).strip() == "Trả lại"

    told = await lan.expect_reply(contains="đã bị trả lại")
    assert f"Lý do: {REASON}" in told.text and [b.text for b in told.buttons] == ["Nộp lại"]
    with session_scope() as s:
        sub = s.get(Submission, world["submission"].id)
        assert (sub.status, sub.review_comment) == ("returned", REASON)
        actors = {e.actor for e in s.exec(select(AuditEvent).where(AuditEvent.action == "review_returned"))}
        assert actors == {f"staff:{sub.reviewed_by_staff_id}"}

    # on a phone the page itself does not scroll sideways: only the matrix does, inside its frame
    phone = await browser.new_page()
    await phone.set_viewport_size({"width": 390, "height": 844})
    await phone.goto(re.sub(r"/console/.*", f"/console/campaigns/{world['campaign'].id}", url))
    await phone.wait_for_selector("#matrix")
    assert await phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert await phone.evaluate("document.querySelector('.scroll').scrollWidth > window.innerWidth")

    # the link was for one sign-in only
    again = await browser.new_page()
    await again.context.clear_cookies()
    await again.goto(url)
    assert "không còn dùng được" in await again.text_content("main")
    for name in ("console-matrix.png", "console-submission.png"):
        assert _shot_path(tmp_path, name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


async def test_a_nomination_is_approved_and_forwarded_from_the_round_page(console_env, browser, settings):
    from db import nominations
    from db.models import Nomination
    office = seed.office("Phòng Giáo dục và Đào tạo Quận 5")
    unit = seed.unit("TH01", "Trường Tiểu học Kim Đồng", cluster="Cụm 1", office_id=office.id)
    seed.contact(unit.id, CONTACT_ID, name="Cô Lan")
    seed.staff(STAFF_ID, "Nguyễn Thị Hoa", office_id=office.id)
    camp, [rnd] = seed.campaign("Phong trào thi đua Quận 5", office_id=office.id, unit_ids=[unit.id], milestones=[
        dict(title="Đề cử điển hình học kỳ I", kind="nomination", period_label="Học kỳ I", due_in_days=9)])
    with session_scope() as s:
        n = nominations.create(s, Nomination(
            reference="DC-2026-000001", campaign_id=camp.id, milestone_id=rnd.id, unit_id=unit.id,
            period_label="Học kỳ I", nominee_name="Cô Nguyễn Thị Mai", achievements="Giáo viên dạy giỏi cấp quận"), [])
        nid = n.id
    hoa = await console_env.user(STAFF_ID, "Cô Hoa")
    lan = await console_env.user(CONTACT_ID, "Cô Lan")
    await hoa.send("/web")
    url = re.search(r"http://\S+/console/login/\S+", (await hoa.expect_reply(contains="/console/login/")).text).group(0)

    page = await browser.new_page()
    await page.goto(url)
    await page.click("#sign-in")
    await page.wait_for_url(re.compile(r"/console$"))
    await page.click("text=Xem đề cử")
    await page.click(f'#n{nid} button[value="accepted"]')
    notice = await page.wait_for_selector("#notice")
    assert "Đã duyệt đề cử DC-2026-000001" in await notice.text_content()
    assert "DUYỆT" in (await lan.expect_reply(contains="DC-2026-000001")).text
    await page.click(f'#n{nid} button[value="forward"]')
    await page.wait_for_selector(f"#n{nid} >> text=Đã đề nghị cấp trên")
    with session_scope() as s:
        row = s.get(Nomination, nid)
        assert row.status == "accepted" and row.forwarded_at is not None
