"""The official documents from the console: the campaign's Báo cáo tiến độ on the exports page (handlers.
progress_report's own document, built in the background, audited, scoped to the office) and a round's
documents in the office's own Word template when it keeps one, as /dscu and the CLI give them."""
from __future__ import annotations

import io
import re
import time

import pytest
from docx import Document
from sqlmodel import select
from starlette.testclient import TestClient

from db import files as file_store
from db import letterhead
from db.engine import session_scope
from db.models import AuditEvent, Office
from tests.support import seed
from tests.unit.test_console import app, client, csrf_of, link_for, signed_in  # noqa: F401  (fixtures and helpers)
from tests.unit.test_console_rounds import _nominate
from tests.unit.test_office_letterhead import template_docx
from tests.unit.test_progress import add_submission

PDF = b"%PDF-1.4 bao cao so ket"


@pytest.fixture
def world(settings):
    a, b = seed.office("Phòng Giáo dục và Đào tạo Quận Một"), seed.office("Phòng GD&ĐT Quận Hai")
    kd = seed.unit("TH01", "Trường Tiểu học Kim Đồng", cluster="Cụm 1", office_id=a.id)
    ll = seed.unit("TH02", "Trường Tiểu học Lê Lợi", cluster="Cụm 2", office_id=a.id)
    hoa = seed.staff(7001, "Nguyễn Thị Hoa", office_id=a.id)
    minh = seed.staff(7002, "Trần Văn Minh", office_id=b.id)
    camp, (report, rnd) = seed.campaign("Phong trào Quận Một", unit_ids=[kd.id, ll.id], office_id=a.id,
                                        milestones=[dict(title="Báo cáo sơ kết", due_in_days=-2),
                                                    dict(title="Đề cử điển hình", kind="nomination",
                                                         period_label="Học kỳ I", due_in_days=10)])
    add_submission(settings, kd.id, report.id, files=[("so_ket.pdf", PDF)])
    _nominate(settings, kd, rnd, "Cô Nguyễn Thị Mai", "DC-2026-000001")
    q2 = seed.unit("Q2-01", "Trường Quận Hai", office_id=b.id)
    other, _ = seed.campaign("Phong trào Quận Hai", unit_ids=[q2.id], office_id=b.id,
                             milestones=[dict(title="Báo cáo Quận Hai", due_in_days=5)])
    return dict(office=a, hoa=hoa, minh=minh, campaign=camp, round=rnd, other=other)


@pytest.fixture
def browser(app, world):
    """A signed-in client whose event loop lives across requests (the report is built on it in the background)."""
    from bot.console.exports import JOBS, REPORTS
    JOBS.clear()
    REPORTS.clear()      # jobs live in the process; ids repeat between tests' fresh databases
    with TestClient(app, follow_redirects=False) as c:
        assert c.post(f"/console/login/{link_for(world['hoa'].id)}").status_code == 303
        yield c
    JOBS.clear()
    REPORTS.clear()      # nor may they show on the exports page of a later test's campaign of the same id


def set_template(settings, office_id: int) -> None:
    """What `thidua office template` does: the .docx stored, the office pointed at it."""
    with session_scope() as s:
        stored = file_store.store(s, settings.thidua_data_dir, template_docx(), "mau.docx",
                                  "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        letterhead.set_template(s, s.get(Office, office_id), stored.id)


def exports_url(campaign) -> str:
    return f"/console/campaigns/{campaign.id}/exports"


def build_report(c: TestClient, campaign, timeout: float = 15.0) -> Document:
    """Press the page's button, follow its state until the report is built, download it, read it back."""
    url = exports_url(campaign)
    page = c.get(url).text
    assert "Soạn báo cáo tiến độ" in page and "data-report-state" not in page
    r = c.post(f"{url}/report", data={"csrf": csrf_of(page)})
    assert r.status_code == 303 and r.headers["location"] == url
    deadline = time.monotonic() + timeout
    while True:
        page = c.get(url).text
        state = re.search(r'data-report-state="(\w+)"', page).group(1)
        if state != "running":
            break
        assert '<meta http-equiv="refresh"' in page
        assert time.monotonic() < deadline, "the report was not built in time"
        time.sleep(0.05)
    assert state == "done" and "Đã soạn xong báo cáo tiến độ." in page and 'http-equiv="refresh"' not in page
    link = re.search(r'href="(/console/campaigns/\d+/exports/files/\d+)"[^>]*>(bao_cao_tien_do_[^<]+\.docx)<', page)
    assert link, page
    got = c.get(link.group(1))
    assert got.status_code == 200 and got.headers["content-disposition"].startswith("attachment")
    assert got.content[:2] == b"PK"
    return Document(io.BytesIO(got.content))


def text_of(doc: Document) -> str:
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_the_progress_report_is_built_in_the_background_then_downloaded(world, browser):
    url = exports_url(world["campaign"])
    assert browser.post(f"{url}/report", data={}).status_code == 403            # no CSRF token
    doc = build_report(browser, world["campaign"])
    text = text_of(doc)
    assert "BÁO CÁO" in text and "Tiến độ thực hiện Phong trào Quận Một" in text
    assert "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO QUẬN MỘT" in text                         # the office's letterhead
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text                          # the built-in ND30 layout
    assert "Trường Tiểu học Lê Lợi" in text                                     # missed Báo cáo sơ kết
    hoa = f"staff:{world['hoa'].id}"
    with session_scope() as s:
        events = [(e.actor, e.action, e.subject) for e in s.exec(select(AuditEvent)).all()]
    subject = f"campaign:{world['campaign'].id}"
    assert (hoa, "progress_report_requested", subject) in events
    assert (hoa, "progress_report_created", subject) in events
    page = browser.get(url).text
    assert "Soạn lại báo cáo" in page and "Bắt đầu xuất" in page               # /xuat's export is still offered


def test_the_report_is_refused_without_a_session_and_another_offices_campaign_is_not_found(world, app, browser):
    url = exports_url(world["campaign"])
    anonymous = client(app)
    assert anonymous.get(url).status_code == 401
    assert anonymous.post(f"{url}/report", data={"csrf": "0" * 64}).status_code == 403
    token = csrf_of(browser.get(url).text)
    other = exports_url(world["other"])
    assert browser.get(other).status_code == 404
    assert browser.post(f"{other}/report", data={"csrf": token}).status_code == 404
    with session_scope() as s:
        assert not [e for e in s.exec(select(AuditEvent)).all() if e.action.startswith("progress_report")]
    # Hoa's report, once built, is hers: Minh (another office) gets 404 for it, through either campaign.
    build_report(browser, world["campaign"])
    fid = re.search(r'/exports/files/(\d+)"', browser.get(url).text).group(1)
    minh = signed_in(app, world["minh"].id)
    assert minh.get(f"{url}/files/{fid}").status_code == 404
    assert minh.get(f"{other}/files/{fid}").status_code == 404


def test_the_offices_own_template_serves_the_console_documents(world, settings, app, browser):
    set_template(settings, world["office"].id)
    report = text_of(build_report(browser, world["campaign"]))
    assert "MẪU RIÊNG CỦA SỞ" in report and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" not in report
    assert "Tiến độ thực hiện Phong trào Quận Một" in report
    round_url = f"/console/campaigns/{world['campaign'].id}/rounds/{world['round'].id}"
    token = csrf_of(browser.get(round_url).text)
    r = browser.post(f"{round_url}/export", data={"csrf": token, "kind": "docx"})
    assert r.status_code == 200 and r.headers["content-disposition"].startswith("attachment")
    listed = text_of(Document(io.BytesIO(r.content)))
    assert "MẪU RIÊNG CỦA SỞ" in listed and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" not in listed
    assert "Cô Nguyễn Thị Mai" in listed and "{{" not in listed
