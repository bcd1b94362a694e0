"""Staff accounts and campaigns made by hand: the /taomoi flow (FlowChat) and `thidua staff|campaign` (CLI)."""
from datetime import date, datetime

import pytest
import time_machine
from sqlmodel import select

from bot import texts
from db import files as file_store
from db.invites import canonical_code, looks_like_code
from db.models import (AuditEvent, Campaign, CampaignUnit, ConversationState, Invite, Milestone, Office, Staff,
                       StoredFile)
from handlers import engine
from handlers.staff_campaign import parse_period
from tests.support import seed
from tests.support.flowchat import FlowChat
from bot.samples import sample_pdf

STAFF_ID = 9001
PDF = sample_pdf("ke hoach phat dong thi dua", pad=200)
# 10:00 on 20/09/2026 in Hà Nội
NOW = datetime(2026, 9, 20, 3, 0)


@pytest.fixture
def world(settings):
    office = seed.office()
    units = [seed.unit("TH01", "Trường Tiểu học Kim Đồng", cluster="Cụm 1"),
             seed.unit("TH02", "Trường Tiểu học Lê Lợi", cluster="Cụm 1"),
             seed.unit("THCS01", "Trường THCS Nguyễn Du", level="THCS", cluster="Cụm 2"),
             seed.unit("MN01", "Trường Mầm non Hoa Sen", level="Mầm non", cluster=None)]
    staff = seed.staff(STAFF_ID, "Chị Hạnh", office_id=office.id, channel="test")
    return dict(office=office, units=units, staff=staff)


def staff_chat(settings) -> FlowChat:
    return FlowChat(settings, STAFF_ID, "Chị Hạnh")


async def answer_header(chat: FlowChat) -> None:
    await chat.send("/taomoi")
    assert texts.CAMPAIGN_ASK_TITLE in chat.text
    await chat.send("Phong trào thi đua «Dạy tốt – Học tốt» năm học 2026-2027")
    await chat.send("87/KH-GDĐT")
    assert texts.CAMPAIGN_ASK_ISSUED in chat.text
    await chat.send("15/09/2026")
    assert texts.CAMPAIGN_ASK_PERIOD in chat.text
    await chat.send("05/09/2026 - 31/05/2027")
    assert texts.CAMPAIGN_ASK_UNITS in chat.text


async def test_create_campaign_in_chat_end_to_end(settings, db, world):
    chat = staff_chat(settings)
    with time_machine.travel(NOW, tick=False):
        await answer_header(chat)
        assert chat.labels()[0] == texts.CAMPAIGN_UNITS_ALL.format(n=4)
        await chat.press(texts.CAMPAIGN_UNITS_BY_CLUSTER)
        assert chat.labels() == ["Cụm 1", "Cụm 2", texts.CAMPAIGN_DONE]
        await chat.press(texts.CAMPAIGN_DONE)
        assert texts.CAMPAIGN_CLUSTERS_NONE in chat.text
        await chat.press("Cụm 1")
        assert "✓ Cụm 1" in chat.labels() and "Đã chọn: Cụm 1" in chat.text
        await chat.press(texts.CAMPAIGN_DONE)

        # milestone 1: impossible date refused, then the Vietnamese words form
        assert texts.CAMPAIGN_ASK_MS_KIND_FIRST in chat.text
        await chat.press(texts.kind_label("preliminary_report"))
        await chat.send("Báo cáo sơ kết học kỳ I")
        assert "Hạn chót của «Báo cáo sơ kết học kỳ I»" in chat.text
        await chat.send("31/02")
        assert chat.text == texts.CAMPAIGN_DATE_PROBLEMS["impossible"].format(text="31/02")
        await chat.send("hôm qua")
        assert "Chưa đọc được ngày «hôm qua»" in chat.text
        await chat.send("ngày 15 tháng 1")
        assert texts.CAMPAIGN_ASK_MS_DOCS in chat.text
        await chat.send("Báo cáo sơ kết\n- Biểu mẫu 01\n\n")
        assert "Đã thêm mốc: Báo cáo sơ kết học kỳ I — hạn 15/01/2027 (nộp: Báo cáo sơ kết; Biểu mẫu 01)" \
            in chat.text
        await chat.press(texts.CAMPAIGN_ADD_MORE)

        # milestone 2: a past date must be confirmed
        await chat.press(texts.kind_label("final_report"))
        await chat.press(texts.CAMPAIGN_USE_DEFAULT_TITLE.format(default="Báo cáo tổng kết"))
        await chat.send("15/9")
        assert chat.text == texts.CAMPAIGN_PAST_DUE.format(date="15/09/2026", today="20/09/2026")
        await chat.press(texts.CAMPAIGN_PAST_KEEP)
        await chat.press(texts.CAMPAIGN_NO_DOCS)
        await chat.press(texts.CAMPAIGN_NO_MORE)

        assert texts.CAMPAIGN_ASK_PLAN in chat.text
        await chat.upload("Ke hoach 87.pdf", PDF)
        assert texts.CAMPAIGN_PLAN_RECEIVED.format(name="Ke hoach 87.pdf") in chat.text
        for expected in ("87/KH-GDĐT", "15/09/2026", "05/09/2026 – 31/05/2027", "Cụm 1 (2 đơn vị)",
                         "Ke hoach 87.pdf", "1. Báo cáo sơ kết", "2. Báo cáo tổng kết — hạn 15/09/2026"):
            assert expected in chat.text
        await chat.press(texts.CAMPAIGN_SAVE)
    assert "Đã lưu kế hoạch #" in chat.text and "2 đơn vị, 2 mốc" in chat.text

    with db() as s:
        camp = s.exec(select(Campaign)).one()
        assert (camp.title, camp.doc_number, camp.status) == (
            "Phong trào thi đua «Dạy tốt – Học tốt» năm học 2026-2027", "87/KH-GDĐT", "draft")
        assert (camp.issued_date, camp.period_start, camp.period_end) == (
            date(2026, 9, 15), date(2026, 9, 5), date(2027, 5, 31))
        assert camp.created_by_staff_id == world["staff"].id and camp.office_id == world["office"].id
        units = {cu.unit_id for cu in s.exec(select(CampaignUnit)).all()}
        assert units == {world["units"][0].id, world["units"][1].id}
        ms = s.exec(select(Milestone).order_by(Milestone.due_at)).all()
        # 17:00 in Hà Nội (UTC+7) is 10:00 UTC
        assert [(m.kind, m.title, m.due_at) for m in ms] == [
            ("final_report", "Báo cáo tổng kết", datetime(2026, 9, 15, 10, 0)),
            ("preliminary_report", "Báo cáo sơ kết học kỳ I", datetime(2027, 1, 15, 10, 0))]
        assert ms[1].required_documents == ["Báo cáo sơ kết", "Biểu mẫu 01"] and ms[0].required_documents == []
        stored, data = file_store.read(s, settings.thidua_data_dir, camp.plan_file_id)
        assert (stored.original_name, data) == ("Ke hoach 87.pdf", PDF)
        audit = s.exec(select(AuditEvent).where(AuditEvent.action == "campaign_created")).one()
        assert audit.actor == f"staff:{world['staff'].id}" and audit.subject == f"campaign:{camp.id}"
        conv = s.exec(select(ConversationState).where(ConversationState.chat_id == str(STAFF_ID))).one()
        assert conv.flow is None


async def test_past_date_can_be_retyped_and_codes_are_checked(settings, db, world):
    chat = staff_chat(settings)
    with time_machine.travel(NOW, tick=False):
        await answer_header(chat)
        await chat.press(texts.CAMPAIGN_UNITS_BY_CODE)
        await chat.send("th01, XX9;THCS01 YY")
        assert chat.text == texts.CAMPAIGN_UNKNOWN_CODES.format(codes="XX9, YY")
        await chat.send("th01,\nTHCS01")
        await chat.press(texts.kind_label("registration"))
        await chat.send("Đăng ký thi đua")
        await chat.send("01/09/2026")
        assert texts.CAMPAIGN_PAST_RETYPE in chat.labels()
        await chat.press(texts.CAMPAIGN_PAST_RETYPE)
        assert chat.text == texts.CAMPAIGN_ASK_RETYPE_DUE
        await chat.send("30/09/2026")
        await chat.press(texts.CAMPAIGN_NO_DOCS)
        await chat.press(texts.CAMPAIGN_NO_MORE)
        await chat.press(texts.CAMPAIGN_SKIP)
        assert "2 đơn vị: TH01, THCS01" in chat.text and texts.CAMPAIGN_NOT_GIVEN in chat.text
        await chat.press(texts.CAMPAIGN_SAVE)
    with db() as s:
        camp = s.exec(select(Campaign)).one()
        assert camp.plan_file_id is None
        assert {cu.unit_id for cu in s.exec(select(CampaignUnit)).all()} == {world["units"][0].id, world["units"][2].id}
        assert s.exec(select(Milestone.due_at)).one() == datetime(2026, 9, 30, 10, 0)


async def test_skips_and_discard_store_nothing(settings, db, world):
    chat = staff_chat(settings)
    with time_machine.travel(NOW, tick=False):
        await chat.send("/taomoi")
        await chat.send("TĐ")      # too short
        assert chat.text == texts.CAMPAIGN_TITLE_TOO_SHORT
        await chat.send("Thi đua chào mừng 20/11")
        await chat.press(texts.CAMPAIGN_SKIP)
        await chat.send("31/02/2026")
        assert chat.text == texts.CAMPAIGN_DATE_PROBLEMS["impossible"].format(text="31/02/2026")
        await chat.press(texts.CAMPAIGN_SKIP)
        await chat.send("31/05/2027 - 05/09/2026")
        assert "phải sau ngày bắt đầu" in chat.text
        await chat.press(texts.CAMPAIGN_SKIP)
        await chat.press(texts.CAMPAIGN_UNITS_ALL.format(n=4))
        await chat.press(texts.CAMPAIGN_SKIP)       # no milestones
        await chat.upload("a.pdf", PDF)
        assert "Đơn vị tham gia: tất cả đơn vị (4)" in chat.text
        await chat.press(texts.CAMPAIGN_DISCARD)
    assert chat.text == texts.CAMPAIGN_DISCARDED
    with db() as s:
        assert s.exec(select(Campaign)).all() == []


def test_period_parsing():
    today = date(2026, 9, 20)
    assert parse_period("05/09/2026 - 31/05/2027", today) == (date(2026, 9, 5), date(2027, 5, 31))
    assert parse_period("05-09-2026-31-05-2027", today) == (date(2026, 9, 5), date(2027, 5, 31))
    assert parse_period("từ 5/9/2026 đến 31/5/2027", today) == (date(2026, 9, 5), date(2027, 5, 31))
    assert parse_period("từ ngày 1/1/2027 đến hết ngày 25/5/2027", today) == (date(2027, 1, 1), date(2027, 5, 25))
    assert parse_period("Từ ngày 5 tháng 9 năm 2026 đến ngày 31 tháng 5 năm 2027", today) == (
        date(2026, 9, 5), date(2027, 5, 31))
    assert parse_period("đến hết tháng 5/2027", today) == (None, date(2027, 5, 31))
    assert parse_period("từ 1/1/2027 đến hết tháng 5", today) == (date(2027, 1, 1), date(2027, 5, 31))
    assert parse_period("05/09/2026", today) is None
    assert parse_period("31/02/2026 - 31/05/2027", today) is None


# ------------------------------------------------------------------------------------------ staff commands

STAFF_COMMANDS = ["/taomoi", "/phatdong", "/danhan"]
STAFF_ACTIONS = ["g|acks|1"]


@pytest.mark.parametrize("command", STAFF_COMMANDS)
async def test_staff_commands_refused_to_contacts_and_strangers(settings, db, world, command):
    seed.contact(world["units"][0].id, 700, channel="test", name="Cô Lan")
    for user in (700, 701):     # a unit's contact, then someone unknown
        chat = FlowChat(settings, user)
        await chat.send(command)
        assert chat.text == texts.STAFF_ONLY
    assert engine.COMMANDS[command[1:]].audience == engine.STAFF
    with db() as s:
        assert s.exec(select(Campaign)).all() == []
        assert s.exec(select(ConversationState.flow).where(ConversationState.flow.is_not(None))).all() == []


@pytest.mark.parametrize("data", STAFF_ACTIONS)
async def test_staff_buttons_refused_to_non_staff(settings, world, data):
    chat = FlowChat(settings, 702)
    assert (await chat.press_data(data))[0].text == texts.STAFF_ONLY


async def test_staff_commands_are_audited(settings, db, world):
    chat = staff_chat(settings)
    await chat.send("/taomoi")
    await chat.send("/huy")
    await chat.send("/phatdong")
    with db() as s:
        actions = [(e.action, e.subject) for e in s.exec(select(AuditEvent).order_by(AuditEvent.id)).all()]
    assert ("flow_started", "create_campaign") in actions and ("flow_started", "launch_campaign") in actions


# ------------------------------------------------------------------------------------------ CLI


def staff_cli_session(thidua, db) -> str:
    """Adds, updates, invites and lists staff through the CLI; returns the invite token."""
    code, out, _ = thidua("staff", "add", "--telegram-id", "123456789", "--name", "Anh  Tuấn", "--role", "admin",
                          "--office", "Sở GD&ĐT Hà Nội")
    assert code == 0 and "Đã thêm cán bộ Anh Tuấn (Telegram 123456789, quản trị, Sở GD&ĐT Hà Nội)" in out
    code, out, _ = thidua("staff", "add", "--telegram-id", "123456789", "--name", "Anh Tuấn", "--role", "specialist")
    assert code == 0 and "Đã cập nhật" in out
    assert thidua("staff", "add", "--telegram-id", "abc", "--name", "X")[0] == 2

    code, out, _ = thidua("staff", "invite", "--name", "Chị Mai", "--bot-username", "@thidua_q1_bot")
    assert code == 0
    link = next(w for w in out.split() if w.startswith("https://t.me/thidua_q1_bot?start="))
    token = link.split("start=", 1)[1]

    code, out, _ = thidua("staff", "list")
    assert "Anh Tuấn · chuyên viên · telegram 123456789 · Sở GD&ĐT Hà Nội" in out and "Chị Hạnh" in out
    with db() as s:
        staff = s.exec(select(Staff).where(Staff.platform_user_id == "123456789")).one()
        assert (staff.role, staff.chat_id) == ("specialist", "123456789")
        invite = s.exec(select(Invite).where(Invite.kind == "staff")).one()
        assert (invite.staff_name, invite.max_uses) == ("Chị Mai", 1)
        assert s.exec(select(Office).where(Office.name == "Sở GD&ĐT Hà Nội")).one()
        actions = [e.action for e in s.exec(select(AuditEvent).where(AuditEvent.actor == "cli")).all()]
        assert actions == ["staff_added", "staff_updated", "staff_invited"]
    return token


def test_cli_staff_add_invite_list(thidua, db, world):
    token = staff_cli_session(thidua, db)
    assert canonical_code(token) == token and looks_like_code(token)   # a short code a person can type


async def test_staff_invite_link_grants_staff_rights_in_chat(thidua, settings, db, world):
    token = staff_cli_session(thidua, db)
    chat = FlowChat(settings, 4242, "Chị Mai")
    assert (await chat.send("/taomoi"))[0].text == texts.STAFF_ONLY
    await chat.send(f"/start {token}")
    assert texts.STAFF_BOUND.format(name="Chị Mai") == chat.text
    await chat.send("/taomoi")
    assert texts.CAMPAIGN_ASK_TITLE in chat.text


def test_cli_campaign_create_milestone_attach_list(thidua, db, world, tmp_path):
    with time_machine.travel(NOW, tick=False):
        code, out, err = thidua("campaign", "create", "--title", "Thi đua chào mừng 20/11", "--doc-number", "12/KH-PGD",
                                "--issued", "15/09/2026", "--period", "05/09/2026-31/05/2027", "--units", 'cluster:"Cụm 1"')
        assert code == 0, err
        assert "Đã tạo kế hoạch #1 «Thi đua chào mừng 20/11» (bản nháp) với 2 đơn vị." in out
        code, out, err = thidua("campaign", "milestone", "add", "1", "--kind", "final_report", "--title",
                                "Báo cáo tổng kết năm học", "--due", "15/7", "--docs", "Báo cáo tổng kết; Biểu mẫu")
        assert code == 0, err
        assert "Báo cáo tổng kết năm học — hạn 15/07/2027 (nộp: Báo cáo tổng kết; Biểu mẫu)" in out
        code, _, err = thidua("campaign", "milestone", "add", "1", "--kind", "event", "--due", "31/02")
        assert code == 2 and "không có trên lịch" in err
        code, _, err = thidua("campaign", "milestone", "add", "1", "--kind", "event", "--due", "01/09/2026")
        assert code == 2 and "--allow-past" in err
        assert thidua("campaign", "milestone", "add", "1", "--kind", "event", "--due", "01/09/2026", "--allow-past")[0] == 0
        assert thidua("campaign", "milestone", "add", "1", "--kind", "party", "--due", "1/10")[0] == 2
        assert thidua("campaign", "milestone", "add", "9", "--due", "1/10")[0] == 1

        plan = tmp_path / "ke-hoach.pdf"
        plan.write_bytes(PDF)
        code, out, _ = thidua("campaign", "attach", "1", plan)
        assert code == 0 and "Đã đính kèm ke-hoach.pdf" in out

        code, _, err = thidua("campaign", "create", "--title", "X chiến dịch", "--units", "TH01,ZZ9")
        assert code == 2 and "ZZ9" in err
        code, _, err = thidua("campaign", "create", "--title", "X chiến dịch", "--units", "cluster:Cụm 9")
        assert code == 2 and "Cụm 9" in err
        code, out, _ = thidua("campaign", "create", "--title", "Hội khoẻ Phù Đổng", "--units", "th01,MN01")
        assert code == 0 and "với 2 đơn vị" in out
        assert thidua("campaign", "create", "--title", "Chiến dịch toàn quận")[1].endswith("với 4 đơn vị.\n")

        code, out, _ = thidua("campaign", "list")
    assert "#1 [nháp] Thi đua chào mừng 20/11 · 12/KH-PGD · 2 đơn vị · 2 mốc · có tệp kế hoạch" in out
    assert "#2 [nháp] Hội khoẻ Phù Đổng · - · 2 đơn vị · 0 mốc" in out
    with db() as s:
        camp = s.get(Campaign, 1)
        assert (camp.issued_date, camp.period_start, camp.period_end) == (
            date(2026, 9, 15), date(2026, 9, 5), date(2027, 5, 31))
        ms = s.exec(select(Milestone).where(Milestone.campaign_id == 1).order_by(Milestone.due_at)).all()
        assert [(m.kind, m.due_at, m.required_documents) for m in ms] == [
            ("event", datetime(2026, 9, 1, 10), []),
            ("final_report", datetime(2027, 7, 15, 10), ["Báo cáo tổng kết", "Biểu mẫu"])]
        assert s.get(StoredFile, camp.plan_file_id).original_name == "ke-hoach.pdf"
        actions = [e.action for e in s.exec(select(AuditEvent).where(AuditEvent.actor == "cli")).all()]
        assert actions.count("campaign_created") == 3 and "campaign_plan_attached" in actions


async def test_period_step_accepts_tu_den_and_explains_an_impossible_date(settings, db, world):
    chat = staff_chat(settings)
    with time_machine.travel(NOW, tick=False):
        await chat.send("/taomoi")
        await chat.send("Phong trào thi đua học kỳ II")
        await chat.send("12/KH-GDĐT")
        await chat.send("15/09/2026")
        await chat.send("từ 31/2/2027 đến 25/5/2027")
        assert chat.text.startswith(texts.CAMPAIGN_DATE_PROBLEMS["impossible"].format(text="từ 31/2/2027 đến 25/5/2027"))
        await chat.send("từ ngày 1/1/2027 đến hết ngày 25/5/2027")
        assert texts.CAMPAIGN_ASK_UNITS in chat.text
        await chat.press(texts.CAMPAIGN_UNITS_ALL.format(n=4))
    with db() as s:
        assert s.exec(select(Campaign)).all() == []   # nothing saved before the summary is confirmed


def test_cli_campaign_nominations_shows_and_sets_quota_and_late_rule(thidua, db, world):
    campaign, _ = seed.campaign(unit_ids=[u.id for u in world["units"]], milestones=[
        dict(kind="nomination", title="Đề cử gương điển hình", period_label="Quý I/2027", due_in_days=10)])
    code, out, _ = thidua("campaign", "nominations", str(campaign.id))
    assert code == 0 and out.strip() == texts.CAMPAIGN_CLI_NOMINATION_RULES.format(
        id=campaign.id, quota=1, late=texts.CAMPAIGN_LATE_NOMINATIONS[True])
    code, out, _ = thidua("campaign", "nominations", str(campaign.id), "--quota", "2", "--late", "no")
    assert code == 0 and texts.CAMPAIGN_LATE_NOMINATIONS[False] in out
    assert thidua("campaign", "nominations", str(campaign.id), "--quota", "0")[0] == 2
    assert thidua("campaign", "nominations", "9999")[0] != 0
    with db() as s:
        row = s.get(Campaign, campaign.id)
        assert (row.nomination_quota, row.late_nominations) == (2, False)
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "campaign_nomination_rules")).one()


async def test_taomoi_asks_the_nomination_quota_with_the_first_round(settings, db, world):
    chat = staff_chat(settings)
    with time_machine.travel(NOW, tick=False):
        await answer_header(chat)
        await chat.press(chat.labels()[0])                     # all units
        await chat.press(texts.kind_label("nomination"))
        await chat.send("Đề cử gương điển hình tiên tiến quý IV/2026")
        await chat.send("31/12/2026")
        await chat.press(texts.CAMPAIGN_NO_DOCS)
        assert texts.CAMPAIGN_ASK_QUOTA in chat.text and chat.labels() == ["1", "2", "3"]
        await chat.send("0")
        assert texts.QUOTA_BAD.format(max=50) in chat.text
        await chat.send("2")
        assert texts.CAMPAIGN_QUOTA_SET.format(quota=2) in chat.text and texts.CAMPAIGN_ASK_MORE in chat.text
        await chat.press(texts.CAMPAIGN_ADD_MORE)               # a second round: not asked again
        await chat.press(texts.kind_label("nomination"))
        await chat.send("Đề cử gương điển hình tiên tiến quý I/2027")
        await chat.send("31/3/2027")
        await chat.press(texts.CAMPAIGN_NO_DOCS)
        assert texts.CAMPAIGN_ASK_MORE in chat.text and texts.CAMPAIGN_ASK_QUOTA not in chat.text
        await chat.press(texts.CAMPAIGN_NO_MORE)
        await chat.press(texts.CAMPAIGN_SKIP)
        assert texts.CAMPAIGN_SUMMARY_QUOTA.format(quota=2).strip() in chat.text
        await chat.press(texts.CAMPAIGN_SAVE)
    with db() as s:
        assert s.exec(select(Campaign)).one().nomination_quota == 2


def test_a_milestone_line_never_repeats_its_kind():
    from handlers.staff_campaign import milestone_line
    assert milestone_line({"kind": "preliminary_report", "title": "Báo cáo sơ kết học kỳ I", "due": "2027-01-15"}) \
        == "Báo cáo sơ kết học kỳ I — hạn 15/01/2027"
    assert milestone_line({"kind": "award_dossier", "title": "Hồ sơ Cờ thi đua", "due": "2027-05-20"}) \
        == "Hồ sơ khen thưởng: Hồ sơ Cờ thi đua — hạn 20/05/2027"
