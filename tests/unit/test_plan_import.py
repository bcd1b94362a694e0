"""/taochiendich: from the plan document to a saved draft campaign, through the flow alone."""
from datetime import date
from pathlib import Path

import pytest

from sqlmodel import select

from bot import texts
from db.models import AuditEvent, Campaign, CampaignUnit, Milestone, StoredFile
from tests.support import seed
from tests.support.flowchat import FlowChat

PLAN = Path(__file__).resolve().parents[2] / "bot" / "demo_data" / "ke_hoach_mau.txt"


async def staff_chat(settings) -> FlowChat:
    office = seed.office("Sở Giáo dục và Đào tạo Bình Phước")
    seed.staff(4001, office_id=office.id, channel="test")
    for code, cluster in (("TH01", "Cụm 1"), ("TH02", "Cụm 1"), ("THCS01", "Cụm 2")):
        seed.unit(code, f"Trường {code}", cluster=cluster)
    return FlowChat(settings, 4001, "Chuyên viên")


async def test_plan_becomes_a_draft_campaign(settings, db):
    chat = await staff_chat(settings)
    await chat.send("/taochiendich")
    assert chat.text == texts.PLAN_ASK_FILE
    await chat.upload("ke_hoach.txt", PLAN.read_bytes(), "text/plain")
    draft = chat.text
    assert "25/01/2024" in draft and "15/07/2024" in draft
    assert "Báo cáo sơ kết" in draft and "Hồ sơ khen thưởng" in draft
    assert "không nhắc đơn vị" in draft            # the office's own step is marked

    await chat.press(texts.PLAN_BTN_EDIT)
    await chat.press(chat.labels()[0])
    await chat.press(texts.PLAN_BTN_DATE)
    await chat.send("31/02/2024")
    assert "không có thật" in chat.text            # impossible date refused, nothing changed
    await chat.send("ngày 26 tháng 1 năm 2024")
    assert "26/01/2024" in chat.text

    await chat.press(texts.PLAN_BTN_ADD)
    await chat.press(texts.kind_label("nomination"))
    await chat.send("30/3/2024")
    await chat.send("Đề cử gương điển hình quý I")
    assert "30/03/2024" in chat.text

    await chat.press(texts.PLAN_BTN_CONTINUE)
    await chat.press("Cụm: Cụm 1")
    assert "Đã lưu kế hoạch" in chat.text

    with db() as s:
        campaign = s.exec(select(Campaign)).one()
        assert campaign.status == "draft" and "năm học 2023-2024" in campaign.title
        plan = s.get(StoredFile, campaign.plan_file_id)
        assert plan.original_name == "ke_hoach.txt" and plan.size == len(PLAN.read_bytes())
        dues = sorted(texts.local(m.due_at, settings.tz).date() for m in
                      s.exec(select(Milestone).where(Milestone.campaign_id == campaign.id)))
        assert date(2024, 1, 26) in dues and date(2024, 3, 30) in dues and date(2024, 1, 25) not in dues
        assert len(s.exec(select(CampaignUnit).where(CampaignUnit.campaign_id == campaign.id)).all()) == 2
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "campaign_created_from_plan")).one()


async def test_wrong_file_and_text_are_refused(settings, db):
    chat = await staff_chat(settings)
    await chat.send("/taochiendich")
    await chat.upload("anh.jpg", b"\xff\xd8\xff", "image/jpeg")
    assert chat.text == texts.PLAN_BAD_FILE
    await chat.send("đây là kế hoạch")
    assert chat.text == texts.PLAN_TEXT_NOT_FILE
    await chat.send("/huy")
    with db() as s:
        assert s.exec(select(Campaign)).all() == [] and s.exec(select(StoredFile)).all() == []


async def test_cancel_from_the_draft_stores_nothing(settings, db):
    chat = await staff_chat(settings)
    await chat.send("/taochiendich")
    await chat.upload("ke_hoach.txt", PLAN.read_bytes(), "text/plain")
    await chat.press(texts.PLAN_BTN_CANCEL)
    with db() as s:
        assert s.exec(select(Campaign)).all() == [] and s.exec(select(StoredFile)).all() == []


async def test_units_cannot_use_it(settings):
    unit = seed.unit("TH09", "Trường TH09")
    seed.contact(unit.id, 777, channel="test")
    chat = FlowChat(settings, 777)
    assert (await chat.send("/taochiendich"))[0].text == texts.STAFF_ONLY


async def test_saved_milestones_have_short_titles_and_office_steps_are_not_the_units(settings, db):
    chat = await staff_chat(settings)
    await chat.send("/taochiendich")
    await chat.upload("ke_hoach.txt", PLAN.read_bytes(), "text/plain")
    await chat.press(texts.PLAN_BTN_CONTINUE)
    await chat.press_data(next(c.data for m in chat.last for c in m.flat_choices() if c.label.startswith("Tất cả")))
    with db() as s:
        rows = s.exec(select(Milestone).order_by(Milestone.due_at)).all()
    by_title = {m.title: m for m in rows}
    assert "Báo cáo sơ kết" in by_title and "Hồ sơ khen thưởng" in by_title
    assert "trước ngày 25/1/2024" in by_title["Báo cáo sơ kết"].source_text
    office_steps = [m for m in rows if not m.units_act]
    assert office_steps and all(m.kind == "event" and m.precision == "month" for m in office_steps)


@pytest.mark.reliability
async def test_a_corrupt_or_encrypted_plan_gets_a_clear_reply_and_nothing_is_saved(settings, db):
    from tests.support.documents import pdf_with, text_pdf
    chat = await staff_chat(settings)
    await chat.send("/taochiendich")
    await chat.upload("ke_hoach.pdf", text_pdf()[:200])          # truncated on the way
    assert chat.text == texts.DOCUMENT_CORRUPT.format(name="ke_hoach.pdf")
    await chat.upload("ke_hoach.pdf", pdf_with(password="123"))   # still waiting for a file: try again
    assert chat.text == texts.DOCUMENT_ENCRYPTED.format(name="ke_hoach.pdf")
    with db() as s:
        assert s.exec(select(Campaign)).all() == [] and s.exec(select(StoredFile)).all() == []


QUARTERLY_PLAN = """UBND HUYỆN MINH HOÀ
PHÒNG GIÁO DỤC VÀ ĐÀO TẠO
Số: 45/KH-PGDĐT
Minh Hoà, ngày 05 tháng 9 năm 2026
KẾ HOẠCH
Tổ chức phong trào thi đua "Dạy tốt, học tốt" năm học 2026-2027
I. MỤC ĐÍCH, YÊU CẦU
Phong trào được triển khai từ ngày 01/9/2026 đến ngày 31/5/2027.
II. NỘI DUNG
1. Các trường gửi báo cáo sơ kết học kỳ I về Phòng trước ngày 10/01/2027.
2. Hằng quý, mỗi đơn vị lựa chọn, đề nghị 01 gương điển hình tiên tiến gửi về Phòng Giáo dục và Đào tạo.
3. Các trường gửi báo cáo tổng kết trước ngày 20/5/2027.
"""


def test_a_plans_quarterly_nomination_obligation_becomes_rounds_with_its_quota():
    from schedules.nomination_rules import nomination_rule
    from schedules.plans import parse_plan

    rule = nomination_rule(parse_plan(QUARTERLY_PLAN, today=date(2026, 9, 6)))
    assert (rule.every, rule.quota) == ("quarter", 1) and "gương điển hình" in rule.text


async def test_a_quarterly_obligation_in_the_plan_is_saved_as_one_round_per_quarter(settings, db):
    chat = await staff_chat(settings)
    await chat.send("/taochiendich")
    await chat.upload("ke_hoach_quy.txt", QUARTERLY_PLAN.encode(), "text/plain")
    assert texts.PLAN_NOMINATION_RULE.format(quota=1, every=texts.PLAN_EVERY["quarter"]) in chat.text
    await chat.press(texts.PLAN_BTN_CONTINUE)
    await chat.press("Cụm: Cụm 1")
    assert "đợt đề cử gương điển hình" in chat.text
    with db() as s:
        campaign = s.exec(select(Campaign)).one()
        rounds = s.exec(select(Milestone).where(Milestone.campaign_id == campaign.id,
                                                Milestone.kind == "nomination", Milestone.series_id.is_not(None))
                        .order_by(Milestone.due_at)).all()
        assert campaign.nomination_quota == 1
        from db import campaigns as campaign_ops
        shown = campaign_ops.milestones(s, campaign.id)          # what /tiendo, /xuat and the launch list
        assert [m.kind for m in shown].count("nomination") == 4  # the rounds, never their template
    labels = [m.period_label for m in rounds]
    assert labels == ["Quý III/2026", "Quý IV/2026", "Quý I/2027", "Quý II/2027"]
    assert [texts.local(m.due_at, settings.tz).date() for m in rounds][1:3] == [date(2026, 12, 31), date(2027, 3, 31)]


SKIPPY_PLAN = """PHÒNG GIÁO DỤC VÀ ĐÀO TẠO HUYỆN AN BÌNH
Số: 30/KH-PGDĐT
An Bình, ngày 05 tháng 9 năm 2026
KẾ HOẠCH
Tổ chức Hội nghị và phong trào thi đua năm học 2026-2027
Căn cứ Công văn số 1198/SGDĐT-VP ngày 20 tháng 8 năm 2026 của Sở GD&ĐT.
1. Thời gian tổ chức hội nghị: 7 giờ 30 phút, ngày 14 tháng 10 năm 2026.
2. Các trường gửi báo cáo sơ kết học kỳ I về Phòng trước ngày 10/01/2027.
"""


def test_the_reader_lists_every_date_it_did_not_keep_with_its_reason():
    from schedules.plans import parse_plan
    draft = parse_plan(SKIPPY_PLAN)
    kept = {m["date"] for m in draft["milestones"]}
    reasons = {s["date"]: s["reason"] for s in draft["skipped"]}
    assert {"2026-10-14", "2027-01-10"} <= kept
    assert reasons == {"2026-08-20": "cited"}          # the issue date itself is not listed: it is the header's


async def test_a_date_not_kept_can_be_made_a_milestone_with_one_choice(settings, db):
    from schedules.plans import parse_plan
    chat = await staff_chat(settings)
    await chat.send("/taochiendich")
    await chat.upload("ke_hoach_30.txt", SKIPPY_PLAN.encode(), "text/plain")
    skipped = parse_plan(SKIPPY_PLAN)["skipped"]
    assert texts.PLAN_SKIPPED_HEADER.format(count=len(skipped)) in chat.text
    await chat.press(texts.PLAN_BTN_TAKE)
    assert texts.PLAN_TAKE_ASK in chat.text
    index = next(i for i, s in enumerate(skipped) if s["reason"] == "cited")
    await chat.press(f"{index + 1}. {texts.fmt_date(date.fromisoformat(skipped[index]['date']))}")
    await chat.press(texts.kind_label("other"))
    assert texts.PLAN_TAKEN.format(date="20/08/2026") in chat.text
    await chat.press(texts.PLAN_BTN_CONTINUE)
    await chat.press("Cụm: Cụm 1")
    with db() as s:
        dues = {texts.local(m.due_at, settings.tz).date() for m in s.exec(select(Milestone))}
    assert date(2026, 8, 20) in dues and date(2027, 1, 10) in dues


MONTHLY_PLAN = """PHÒNG GIÁO DỤC VÀ ĐÀO TẠO HUYỆN AN BÌNH
Số: 31/KH-PGDĐT
An Bình, ngày 05 tháng 9 năm 2026
KẾ HOẠCH
Thi đua học kỳ I năm học 2026-2027
I. NỘI DUNG
1. Thời gian thực hiện: từ ngày 15/9/2026 đến ngày 31/12/2026.
2. Hằng tháng, các trường gửi báo cáo tiến độ về Phòng trước ngày 25.
3. Các trường gửi báo cáo tổng kết trước ngày 20/12/2026.
"""


async def test_a_monthly_report_in_the_plan_is_shown_and_saved_as_one_milestone_per_month(settings, db):
    chat = await staff_chat(settings)
    await chat.send("/taochiendich")
    await chat.upload("ke_hoach_thang.txt", MONTHLY_PLAN.encode(), "text/plain")
    assert texts.PLAN_RECURRING_MILESTONES_HEADER in chat.text
    assert texts.PLAN_RECURRING_MILESTONE_LINE.format(every=texts.PLAN_EVERY["month"],
                                                      kind=texts.kind_label("periodic_report"), who="các trường",
                                                      date="25/09/2026") in chat.text
    await chat.press(texts.PLAN_BTN_CONTINUE)
    await chat.press("Cụm: Cụm 1")
    assert texts.PLAN_RECURRING_ADDED.format(count=4).strip() in chat.text
    with db() as s:
        campaign = s.exec(select(Campaign)).one()
        reports = s.exec(select(Milestone).where(Milestone.campaign_id == campaign.id,
                                                 Milestone.kind == "periodic_report", Milestone.series_id.is_not(None))
                         .order_by(Milestone.due_at)).all()
        dues = [texts.local(m.due_at, settings.tz).date() for m in reports]
        labels = [m.period_label for m in reports]
    assert labels == ["Tháng 9/2026", "Tháng 10/2026", "Tháng 11/2026", "Tháng 12/2026"]
    # "trước ngày 25": the first is due on the 25th; the series keeps that distance (5 days) to each month's end
    assert dues == [date(2026, 9, 25), date(2026, 10, 26), date(2026, 11, 25), date(2026, 12, 26)]


DOSSIER_PLAN = """PHÒNG GIÁO DỤC VÀ ĐÀO TẠO HUYỆN AN BÌNH
Số: 32/KH-PGDĐT
An Bình, ngày 05 tháng 9 năm 2026
KẾ HOẠCH
Thi đua năm học 2026-2027
I. NỘI DUNG
1. Các trường gửi hồ sơ đề nghị khen thưởng về Phòng trước ngày 20/5/2027.
2. Hồ sơ gồm:
- Tờ trình đề nghị khen thưởng;
- Biên bản họp Hội đồng thi đua;
- Báo cáo thành tích của tập thể.
"""


async def test_the_plans_dossier_list_is_shown_and_becomes_the_dossier_milestones_checklist(settings, db):
    chat = await staff_chat(settings)
    await chat.send("/taochiendich")
    await chat.upload("ke_hoach_hs.txt", DOSSIER_PLAN.encode(), "text/plain")
    items = "Tờ trình đề nghị khen thưởng; Biên bản họp Hội đồng thi đua; Báo cáo thành tích của tập thể"
    assert texts.PLAN_DOSSIER_LINE.format(items=items) in chat.text
    await chat.press(texts.PLAN_BTN_CONTINUE)
    await chat.press("Cụm: Cụm 1")
    with db() as s:
        dossier = s.exec(select(Milestone).where(Milestone.kind == "award_dossier")).one()
        assert dossier.required_documents == items.split("; ")
        others = s.exec(select(Milestone).where(Milestone.kind != "award_dossier")).all()
        assert all(not m.required_documents for m in others)
