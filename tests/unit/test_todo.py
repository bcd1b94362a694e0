"""/viec and the "Việc cần làm" button (handlers/todo.py)."""
import pytest
from sqlmodel import select

from bot import texts
from db.clock import utcnow
from db.models import ConversationState, Nomination, Submission
from tests.support import seed
from tests.support.flowchat import FlowChat
from bot.samples import sample_pdf

USER = 601


def add_submission(db, unit_id, milestone_id, version=1, status="submitted", comment=None, ref=None):
    with db() as s:
        s.add(Submission(reference=ref or f"BC-2026-{milestone_id:03d}{version:03d}", unit_id=unit_id,
                         milestone_id=milestone_id, version=version, status=status, review_comment=comment))


@pytest.fixture
def world(settings, db):
    a = seed.unit("TH01", "Trường Tiểu học Kim Đồng")
    b = seed.unit("TH02", "Trường Tiểu học Lê Lợi")
    seed.contact(a.id, USER, channel="test")
    camp, ms = seed.campaign(unit_ids=[a.id, b.id], milestones=[
        dict(title="Kế hoạch của đơn vị", kind="plan_submission", due_in_days=-4),
        dict(title="Đăng ký thi đua", kind="registration", due_in_days=-1),
        dict(title="Báo cáo sơ kết", due_in_days=5),
        dict(title="Báo cáo tổng kết", kind="final_report", due_in_days=60),
        dict(title="Phòng chấm điểm", kind="other", due_in_days=70, units_act=False),
        dict(title="Báo cáo quý", kind="periodic_report", due_in_days=0),
    ])
    _, other = seed.campaign("Phong trào chỉ của Lê Lợi", unit_ids=[b.id],
                             milestones=[dict(title="Việc riêng của Lê Lợi", due_in_days=3)])
    _, draft = seed.campaign("Kế hoạch nháp", unit_ids=[a.id], status="draft",
                             milestones=[dict(title="Chưa phát động", due_in_days=3)])
    plan, reg, prelim, final, office, quarter = ms
    add_submission(db, a.id, plan.id, 1, "returned")
    add_submission(db, a.id, plan.id, 2, "returned", comment="Thiếu chữ ký của Hiệu trưởng")
    add_submission(db, a.id, reg.id, 1, "accepted")
    add_submission(db, a.id, prelim.id, 1, "submitted")
    add_submission(db, a.id, prelim.id, 2, "submitted")
    add_submission(db, b.id, final.id, 1, "accepted")   # another unit's work does not count for A
    return dict(a=a, plan=plan, reg=reg, prelim=prelim, final=final, office=office, quarter=quarter,
                other=other[0], draft=draft[0])


def line_of(text: str, title: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(f"• {title}"))


async def test_viec_shows_statuses_days_and_versions(settings, world):
    chat = FlowChat(settings, USER)
    await chat.send("/viec")
    text = chat.text
    assert text.startswith("Việc cần làm của Trường Tiểu học Kim Đồng")
    assert "📌 Phong trào thi đua năm học 2026-2027" in text
    assert "bị trả lại (lần 2), quá hạn 4 ngày" in line_of(text, "Kế hoạch của đơn vị")
    assert "Nhận xét: «Thiếu chữ ký của Hiệu trưởng»" in text
    assert "đã duyệt (lần 1)" in line_of(text, "Đăng ký thi đua")
    assert "đã nộp (lần 2)" in line_of(text, "Báo cáo sơ kết")
    assert "chưa nộp, còn 60 ngày" in line_of(text, "Báo cáo tổng kết")
    assert "chưa nộp, hạn chót là hôm nay" in line_of(text, "Báo cáo quý")
    for hidden in ("Việc riêng của Lê Lợi", "Chưa phát động", "Kế hoạch nháp"):
        assert hidden not in text
    # the office's own step is shown for information, apart from what the unit owes
    info = text.split(texts.TODO_INFO_HEAD, 1)[1]
    assert "Phòng chấm điểm — đơn vị không phải nộp" in info and "Phòng chấm điểm" not in text.split(texts.TODO_INFO_HEAD)[0]
    # by due date within the campaign
    order = [t for t in ("Kế hoạch của đơn vị", "Đăng ký thi đua", "Báo cáo quý", "Báo cáo sơ kết", "Báo cáo tổng kết")]
    assert sorted(order, key=text.index) == order
    assert "Còn 3 hạng mục cần nộp" in text


async def test_submit_buttons_only_for_what_is_still_owed(settings, db, world):
    chat = FlowChat(settings, USER)
    await chat.send("/viec")
    datas = [c.data for m in chat.last for c in m.flat_choices()]
    assert datas == [f"g|submit|{world[k].id}" for k in ("plan", "quarter", "final")]
    assert chat.labels()[0].startswith("Nộp: Kế hoạch của đơn vị (")
    await chat.press(chat.labels()[1])   # "Nộp" goes straight to the files step of that milestone
    assert "Hãy gửi tệp báo cáo" in chat.text and "Báo cáo quý" in chat.text
    with db() as s:
        conv = s.exec(select(ConversationState).where(ConversationState.chat_id == str(USER))).one()
    assert (conv.flow, conv.data["milestone_id"]) == ("submit_report", world["quarter"].id)


async def test_menu_button_shows_the_same_list(settings, world):
    chat = FlowChat(settings, USER)
    await chat.press_data("g|todo|")
    assert "Việc cần làm của Trường Tiểu học Kim Đồng" in chat.text and "Báo cáo quý" in chat.text


async def test_after_submitting_the_line_shows_the_new_version(settings, world):
    chat = FlowChat(settings, USER)
    await chat.press_data(f"g|submit|{world['final'].id}")
    await chat.upload("tong_ket.pdf", sample_pdf("tong ket"))
    await chat.press("Xong")
    await chat.press("Bỏ qua")
    await chat.press("Xác nhận")
    await chat.press(texts.MENU_TODO)   # the receipt offers the list
    assert "đã nộp (lần 1)" in line_of(chat.text, "Báo cáo tổng kết")
    assert f"g|submit|{world['final'].id}" not in [c.data for m in chat.last for c in m.flat_choices()]


async def test_many_milestones_stay_short(settings, db):
    unit = seed.unit("TH09", "Trường Tiểu học Nguyễn Du")
    seed.contact(unit.id, USER, channel="test")
    _, ms = seed.campaign(unit_ids=[unit.id], milestones=[
        dict(title=f"Báo cáo tháng {n}", kind="periodic_report", due_in_days=n * 3 - 20) for n in range(1, 16)])
    for m in ms[:5]:
        add_submission(db, unit.id, m.id, 1, "accepted")
    chat = FlowChat(settings, USER)
    await chat.send("/viec")
    items = [line for line in chat.text.splitlines() if line.startswith("• Báo cáo tháng")]
    assert len(items) == 8
    assert "… và 2 hạng mục khác" in chat.text and "Đã duyệt: 5 hạng mục" in chat.text
    assert len(chat.labels()) == 8 and len(chat.text) < 2000


async def test_nothing_to_do_and_unbound(settings, world):
    unit = seed.unit("TH05", "Trường Mầm non Hoa Sen")
    seed.contact(unit.id, 602, channel="test")
    assert "không có hạng mục nào" in (await FlowChat(settings, 602).send("/viec"))[0].text
    assert (await FlowChat(settings, 603).send("/viec"))[0].text == texts.NOT_BOUND


async def test_nomination_milestone_status_comes_from_nominations(settings, db, world):
    _, ms = seed.campaign("Gương điển hình tiên tiến", unit_ids=[world["a"].id],
                          milestones=[dict(title="Đề cử điển hình", kind="nomination", due_in_days=9)])
    chat = FlowChat(settings, USER)
    await chat.send("/viec")
    assert "chưa nộp, còn 9 ngày" in line_of(chat.text, "Đề cử điển hình")
    with db() as s:
        s.add(Nomination(reference="DC-2026-000001", campaign_id=ms[0].campaign_id, milestone_id=ms[0].id,
                         unit_id=world["a"].id, nominee_name="Nguyễn Thị Hoa", achievements="…",
                         submitted_at=utcnow()))
    await chat.send("/viec")
    assert "đã đề cử 1" in line_of(chat.text, "Đề cử điển hình")
