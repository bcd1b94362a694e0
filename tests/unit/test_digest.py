"""The staff's daily digest: once per staff member per local day, at 16:30, with today's arrivals and deadlines."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine
from sqlmodel import select

from db.engine import session_scope
from db.models import OutboxMessage, Submission
from handlers.io import OutMessage
from schedules.digest import run_digest
from tests.support import seed

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def local(y, m, d, hh=0, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=VN)


def utc(y, m, d, hh=0, mm=0) -> datetime:
    return local(y, m, d, hh, mm).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def digest_at(y, m, d, hh, mm=0) -> int:
    with time_machine.travel(local(y, m, d, hh, mm), tick=False):
        return run_digest(VN)


def digests() -> list[OutboxMessage]:
    with session_scope() as s:
        return list(s.exec(select(OutboxMessage).where(OutboxMessage.kind == "digest").order_by(OutboxMessage.id)))


def build_office():
    office = seed.office()
    other = seed.office("Phòng GD&ĐT Quận 3")
    units = [seed.unit(f"TH{i:02d}", f"Trường số {i}") for i in range(1, 7)]
    lan = seed.staff(4001, "Cô Lan", office_id=office.id)
    seed.staff(4002, "Anh Minh", office_id=other.id)        # sees none of these campaigns
    campaign, (overdue, soon, later) = seed.campaign(
        "Thi đua dạy tốt", unit_ids=[u.id for u in units], office_id=office.id, launched_at=utc(2026, 9, 1),
        milestones=[{"title": "Đăng ký thi đua", "due_at": utc(2026, 10, 10, 17)},
                    {"title": "Báo cáo sơ kết", "due_at": utc(2026, 10, 17, 17)},
                    {"title": "Báo cáo tổng kết", "due_at": utc(2026, 12, 20, 17)}])
    seed.campaign("Bản nháp", unit_ids=[u.id for u in units], office_id=office.id, status="draft",
                  milestones=[{"title": "Nháp", "due_at": utc(2026, 10, 16, 17)}])
    with session_scope() as s:
        s.add(Submission(reference="BC-1", unit_id=units[0].id, milestone_id=overdue.id,
                         submitted_at=utc(2026, 10, 9, 9)))                         # on time, not today
        s.add(Submission(reference="BC-2", unit_id=units[1].id, milestone_id=overdue.id,
                         submitted_at=utc(2026, 10, 15, 9)))                        # late, today
        s.add(Submission(reference="BC-3", unit_id=units[2].id, milestone_id=soon.id,
                         submitted_at=utc(2026, 10, 15, 14)))                       # today
        s.add(Submission(reference="BC-4", unit_id=units[3].id, milestone_id=overdue.id, status="returned",
                         submitted_at=utc(2026, 10, 12, 9)))                        # returned: still owing
    return lan, units


def test_digest_is_sent_once_per_day_at_half_past_four(settings):
    lan, _ = build_office()
    assert digest_at(2026, 10, 15, 16, 29) == 0
    assert digest_at(2026, 10, 15, 16, 30) == 1
    assert digest_at(2026, 10, 15, 16, 31) == 0
    assert digest_at(2026, 10, 15, 20, 0) == 0
    assert digest_at(2026, 10, 16, 9, 0) == 0           # not in the morning
    assert digest_at(2026, 10, 16, 22, 0) == 0          # nor in quiet hours (a bot started late)
    assert digest_at(2026, 10, 17, 17, 0) == 1
    assert [(r.idempotency_key, r.chat_id) for r in digests()] == [
        (f"digest:{lan.id}:2026-10-15", "4001"), (f"digest:{lan.id}:2026-10-17", "4001")]


def test_digest_content_arrivals_deadlines_and_overdue_units(settings):
    build_office()
    digest_at(2026, 10, 15, 16, 30)
    text = OutMessage.from_json(digests()[0].payload).text
    assert text.splitlines()[0] == "📋 Tổng hợp thi đua ngày 15/10/2026"
    assert "▪ Thi đua dạy tốt" in text and "Bản nháp" not in text
    assert "• Hôm nay nhận 2 bài nộp: Trường số 2, Trường số 3" in text
    assert "– Báo cáo sơ kết: hạn 17/10/2026, còn 5/6 đơn vị chưa nộp" in text
    assert ("– Đăng ký thi đua (hạn 10/10/2026): 4 đơn vị chưa nộp — "
            "Trường số 3, Trường số 4, Trường số 5 và 1 đơn vị khác") in text
    assert "Báo cáo tổng kết" not in text


def test_staff_with_no_visible_campaign_gets_no_digest(settings):
    build_office()
    digest_at(2026, 10, 15, 16, 30)
    assert [r.chat_id for r in digests()] == ["4001"]
