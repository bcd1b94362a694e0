"""The console's export: /xuat's workbook and archive built in the background, a progress state that the
page follows, then downloads; one build per campaign at a time, scoped to the office, CSRF-protected."""
from __future__ import annotations

import io
import re
import time
import zipfile

import openpyxl
import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from db.engine import session_scope
from db.models import AuditEvent
from handlers import export as chat_export
from tests.support import seed
from tests.unit.test_console import app, csrf_of, link_for  # noqa: F401  (fixtures and helpers)
from tests.unit.test_progress import add_submission

PDF = b"%PDF-1.4 bao cao so ket cua truong"


@pytest.fixture
def camp(settings):
    a, b = seed.office("Phòng GD&ĐT Quận Một"), seed.office("Phòng GD&ĐT Quận Hai")
    kd = seed.unit("TH01", "Trường Tiểu học Kim Đồng", office_id=a.id)
    ll = seed.unit("TH02", "Trường Tiểu học Lê Lợi", office_id=a.id)
    hoa = seed.staff(7001, "Nguyễn Thị Hoa", office_id=a.id)
    c, ms = seed.campaign("Phong trào Quận Một", unit_ids=[kd.id, ll.id], office_id=a.id,
                          milestones=[dict(title="Báo cáo sơ kết", due_in_days=5)])
    add_submission(settings, kd.id, ms[0].id, files=[("bao_cao_so_ket.pdf", PDF)])
    other, _ = seed.campaign("Phong trào Quận Hai", office_id=b.id, milestones=[dict(title="x", due_in_days=5)])
    return dict(hoa=hoa, campaign=c, other=other)


@pytest.fixture
def browser(app, camp):
    """One client whose event loop lives across requests (the export runs on it in the background)."""
    from bot.console.exports import JOBS
    JOBS.clear()   # jobs live in the process; ids repeat between tests' fresh databases
    with TestClient(app, follow_redirects=False) as c:
        assert c.post(f"/console/login/{link_for(camp['hoa'].id)}").status_code == 303
        yield c


def wait_for_state(c: TestClient, url: str, timeout: float = 15.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        page = c.get(url).text
        state = re.search(r'data-state="(\w+)"', page).group(1)
        if state != "running":
            return page
        assert '<meta http-equiv="refresh"' in page and "<progress" in page
        time.sleep(0.05)
    raise AssertionError("the export did not finish in time")


def test_an_export_runs_in_the_background_then_downloads(camp, browser):
    url = f"/console/campaigns/{camp['campaign'].id}/exports"
    page = browser.get(url).text
    assert "Bắt đầu xuất" in page and "data-state" not in page
    assert browser.post(url, data={}).status_code == 403
    r = browser.post(url, data={"csrf": csrf_of(page)})
    assert r.status_code == 303
    done = wait_for_state(browser, url)
    assert "Đã xuất xong: 1 tệp bài nộp" in done and 'http-equiv="refresh"' not in done
    links = re.findall(r'href="(/console/campaigns/\d+/exports/files/\d+)"', done)
    assert len(links) == 2
    workbook = browser.get(links[0])
    assert workbook.status_code == 200 and workbook.headers["content-disposition"].startswith("attachment")
    cells = {str(v) for row in openpyxl.load_workbook(io.BytesIO(workbook.content)).active.iter_rows(values_only=True)
             for v in row if v}
    assert "Phong trào Quận Một" in " ".join(cells)
    archive = zipfile.ZipFile(io.BytesIO(browser.get(links[1]).content))
    assert [archive.read(n) for n in archive.namelist() if n.endswith(".pdf")] == [PDF]
    with session_scope() as s:
        events = {(e.actor, e.action) for e in s.exec(select(AuditEvent)).all()}
    assert {(f"staff:{camp['hoa'].id}", "export_requested"), (f"staff:{camp['hoa'].id}", "export_created")} <= events
    assert camp["campaign"].id not in chat_export._running
    fid = int(links[0].rsplit("/", 1)[1])
    assert browser.get(f"{url}/files/{fid + 100}").status_code == 404          # not a file of this export


def test_one_build_per_campaign_and_another_offices_campaign_is_not_found(camp, browser):
    url = f"/console/campaigns/{camp['campaign'].id}/exports"
    token = csrf_of(browser.get(url).text)
    chat_export._running.add(camp["campaign"].id)       # /xuat is building it right now
    try:
        r = browser.post(url, data={"csrf": token})
        assert r.status_code == 303 and r.headers["location"].endswith("?ban=1")
        assert "đang được xuất" in browser.get(r.headers["location"]).text
    finally:
        chat_export._running.discard(camp["campaign"].id)
    other = f"/console/campaigns/{camp['other'].id}/exports"
    assert browser.get(other).status_code == 404
    assert browser.post(other, data={"csrf": token}).status_code == 404
    assert browser.get(f"{other}/files/1").status_code == 404
