"""The console's live launch state: how many messages went, wait, were blocked or failed, who acknowledged,
and who to phone; the page reloads itself while the launch is under way."""
from __future__ import annotations

import re

import pytest
from sqlmodel import select

from db import broadcasts as bc
from db.clock import utcnow
from db.engine import session_scope
from db.models import Campaign, OutboxMessage, Staff
from handlers.launch import launch_campaign
from tests.support import seed
from tests.unit.test_console import app, client, signed_in  # noqa: F401  (fixtures and helpers)


@pytest.fixture
def launched(settings):
    a, b = seed.office("Phòng GD&ĐT Quận Một"), seed.office("Phòng GD&ĐT Quận Hai")
    units = [seed.unit(f"TH0{i}", f"Trường Tiểu học số {i}", office_id=a.id) for i in range(1, 5)]
    contacts = [seed.contact(u.id, 7300 + i, channel="test", name=f"Đầu mối {i}") for i, u in enumerate(units)]
    hoa = seed.staff(7001, "Nguyễn Thị Hoa", office_id=a.id, channel="test")
    camp, _ = seed.campaign("Phong trào Quận Một", unit_ids=[u.id for u in units], office_id=a.id, status="draft",
                            milestones=[dict(title="Báo cáo sơ kết", due_in_days=5)])
    other, _ = seed.campaign("Phong trào Quận Hai", office_id=b.id, milestones=[dict(title="x", due_in_days=5)])
    with session_scope() as s:
        broadcast = launch_campaign(s, s.get(Campaign, camp.id), staff=s.get(Staff, hoa.id), channel="test",
                                    chat_id="7001", tz=settings.tz, now=utcnow())
        rows = {r.contact_id: r for r in s.exec(select(OutboxMessage).where(
            OutboxMessage.broadcast_id == broadcast.id)).all()}
        for contact, status in zip(contacts, ("sent", "sent", "blocked", "failed")):
            rows[contact.id].status = status
        bc.record_ack(s, broadcast.id, contacts[0].id, utcnow())
        bid = broadcast.id
    with session_scope() as s:   # the roster's phone for the school that blocked the bot
        from db.models import Unit
        u = s.get(Unit, units[2].id)
        u.liaison_name, u.liaison_phone = "Cô Ba", "0903000003"
    return dict(hoa=hoa, campaign=camp, other=other, broadcast_id=bid)


def count(page: str, key: str) -> int:
    return int(re.search(rf'data-count="{key}">(\d+)<', page).group(1))


def test_counts_problems_and_self_refresh_while_running(launched, app):
    c = signed_in(app, launched["hoa"].id)
    url = f"/console/campaigns/{launched['campaign'].id}/launches"
    page = c.get(url).text
    assert [count(page, k) for k in ("total", "sent", "waiting", "blocked", "failed", "acknowledged")] == \
        [4, 2, 0, 1, 1, 1]
    assert "TH03 · Trường Tiểu học số 3 — Đầu mối 2 (đã chặn bot)" in page and 'href="tel:0903000003"' in page
    assert "TH04 · Trường Tiểu học số 4 — Đầu mối 3 (gửi lỗi)" in page
    assert '<meta http-equiv="refresh" content="5">' in page and "Đang gửi" in page
    with session_scope() as s:
        bc.finish(s, bc.get(s, launched["broadcast_id"]), utcnow())
    page = c.get(url).text
    assert 'http-equiv="refresh"' not in page and "Đã gửi xong" in page


def test_refused_without_session_and_for_another_office(launched, app):
    url = f"/console/campaigns/{launched['campaign'].id}/launches"
    assert client(app).get(url).status_code == 401
    c = signed_in(app, launched["hoa"].id)
    assert c.get(f"/console/campaigns/{launched['other'].id}/launches").status_code == 404
    assert "chưa được phát động" not in c.get(url).text
