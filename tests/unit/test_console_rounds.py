"""The console's nomination round: grouped by cụm, approve / return (the school is told), forwarded upward,
the round's documents, its evidence files; sessions, CSRF and office scoping as for every console route."""
from __future__ import annotations

import io
import re

import openpyxl
import pytest
from sqlmodel import select

from db import files as file_store
from db import nominations
from db.engine import session_scope
from db.models import AuditEvent, Nomination, OutboxMessage
from tests.support import seed
from tests.unit.test_console import app, client, csrf_of, signed_in  # noqa: F401  (fixtures and helpers)

PHOTO = b"\x89PNG\r\n\x1a\n minh chung"
CONTACT_USER = 7201


def _nominate(settings, unit, ms, name: str, reference: str, files=()) -> Nomination:
    with session_scope() as s:
        ids = [file_store.store(s, settings.thidua_data_dir, data, fname, "image/png").id for fname, data in files]
        return nominations.create(s, Nomination(
            reference=reference, campaign_id=ms.campaign_id, milestone_id=ms.id, unit_id=unit.id,
            period_label=ms.period_label, nominee_name=name, achievements=f"Thành tích của {name}",
            award_form="Giấy khen"), ids)


@pytest.fixture
def rnd(settings):
    a, b = seed.office("Phòng GD&ĐT Quận Một"), seed.office("Phòng GD&ĐT Quận Hai")
    kd = seed.unit("TH01", "Trường Tiểu học Kim Đồng", cluster="Cụm 1", office_id=a.id)
    ll = seed.unit("TH02", "Trường Tiểu học Lê Lợi", cluster="Cụm 2", office_id=a.id)
    nt = seed.unit("TH03", "Trường Tiểu học Nguyễn Trãi", cluster="Cụm 2", office_id=a.id)
    seed.contact(kd.id, CONTACT_USER, name="Cô Lan")
    hoa = seed.staff(7001, "Nguyễn Thị Hoa", office_id=a.id)
    camp, ms = seed.campaign("Phong trào Quận Một", unit_ids=[kd.id, ll.id, nt.id], office_id=a.id, milestones=[
        dict(title="Đề cử điển hình học kỳ I", kind="nomination", period_label="Học kỳ I", due_in_days=10)])
    m = ms[0]
    n1 = _nominate(settings, kd, m, "Cô Nguyễn Thị Mai", "DC-2026-000001", files=[("bang_khen.png", PHOTO)])
    n2 = _nominate(settings, ll, m, "Thầy Trần Văn Nam", "DC-2026-000002")
    q2 = seed.unit("Q2-01", "Trường Quận Hai", office_id=b.id)
    other, oms = seed.campaign("Phong trào Quận Hai", unit_ids=[q2.id], office_id=b.id, milestones=[
        dict(title="Đề cử Quận Hai", kind="nomination", period_label="Đợt Quận Hai", due_in_days=10)])
    foreign = _nominate(settings, q2, oms[0], "Người Quận Hai", "DC-2026-000003", files=[("q2.png", PHOTO)])
    return dict(hoa=hoa, campaign=camp, m=m, n1=n1, n2=n2, other=other, om=oms[0], foreign=foreign)


def url(r) -> str:
    return f"/console/campaigns/{r['campaign'].id}/rounds/{r['m'].id}"


def row(page: str, n: Nomination) -> str:
    return re.search(rf'<tr id="n{n.id}".*?</tr>', page, re.S).group(0)


def form_of(page: str, n: Nomination) -> dict:
    r = row(page, n)
    return {"csrf": re.search(r'name="csrf" value="([0-9a-f]+)"', r).group(1),
            "seen": re.search(r'name="seen" value="([^"]*)"', r).group(1)}


def nomination(nid: int) -> Nomination:
    with session_scope() as s:
        return s.get(Nomination, nid)


def audit_actions() -> list[tuple[str, str]]:
    with session_scope() as s:
        return [(e.actor, e.action) for e in s.exec(select(AuditEvent)).all()]


def test_the_round_groups_entries_by_cluster(rnd, app):
    c = signed_in(app, rnd["hoa"].id)
    page = c.get(url(rnd)).text
    assert "Đề cử Học kỳ I — Phong trào Quận Một" in page
    assert "Cụm 1: 1 đơn vị, 1 đề cử" in page and "Cụm 2: 2 đơn vị, 1 đề cử" in page
    assert page.index("Cô Nguyễn Thị Mai") < page.index("Cụm 2:") < page.index("Thầy Trần Văn Nam")
    assert "2 chờ duyệt · 0 đã duyệt · 0 trả lại · 0 đề nghị cấp trên" in page
    assert "Người Quận Hai" not in page
    first = row(page, rnd["n1"])
    assert "bang_khen.png" in first and "Giấy khen" in first and "Thành tích của Cô Nguyễn Thị Mai" in first
    matrix = c.get(f"/console/campaigns/{rnd['campaign'].id}").text   # the matrix's cell opens the entry
    assert f'href="{url(rnd)}#n{rnd["n1"].id}"' in matrix


def test_refused_without_a_session_for_another_office_and_without_csrf(rnd, app):
    anon = client(app)
    assert anon.get(url(rnd)).status_code == 401
    assert anon.post(f"/console/nominations/{rnd['n1'].id}/review", data={"decision": "accepted"}).status_code == 403
    c = signed_in(app, rnd["hoa"].id)
    assert c.get(f"/console/campaigns/{rnd['other'].id}/rounds/{rnd['om'].id}").status_code == 404
    assert c.get(f"/console/campaigns/{rnd['campaign'].id}/rounds/{rnd['om'].id}").status_code == 404
    page = c.get(url(rnd)).text
    form = form_of(page, rnd["n1"])
    foreign = rnd["foreign"]
    r = c.post(f"/console/nominations/{foreign.id}/review",
               data={"csrf": form["csrf"], "seen": "submitted||", "decision": "accepted"})
    assert r.status_code == 404 and nomination(foreign.id).status == "submitted"
    [fid] = [f.id for f in file_ids(foreign.id)]
    assert c.get(f"/console/nominations/{foreign.id}/files/{fid}").status_code == 404
    assert c.get(f"/console/nominations/{rnd['n1'].id}/files/{fid}").status_code == 404
    r = c.post(f"/console/campaigns/{rnd['other'].id}/rounds/{rnd['om'].id}/export",
               data={"csrf": form["csrf"], "kind": "xlsx"})
    assert r.status_code == 404
    for data in ({"seen": form["seen"]}, {"seen": form["seen"], "csrf": "0" * 32}):
        r = c.post(f"/console/nominations/{rnd['n1'].id}/review", data={**data, "decision": "accepted"})
        assert r.status_code == 403
    assert c.post(f"{url(rnd)}/export", data={"kind": "xlsx"}).status_code == 403
    assert nomination(rnd["n1"].id).status == "submitted"


def file_ids(nid: int):
    with session_scope() as s:
        return list(nominations.files_of(s, nid))


def test_approve_then_forward_upward_and_back(rnd, app):
    c = signed_in(app, rnd["hoa"].id)
    n1 = rnd["n1"]
    r = c.post(f"/console/nominations/{n1.id}/review", data={**form_of(c.get(url(rnd)).text, n1),
                                                             "decision": "accepted"})
    assert r.status_code == 303 and r.headers["location"].endswith(f"#n{n1.id}")
    page = c.get(r.headers["location"].split("#")[0]).text
    assert "Đã duyệt đề cử DC-2026-000001; đã báo cho 1 đầu mối của đơn vị." in page
    assert nomination(n1.id).status == "accepted"
    with session_scope() as s:
        [told] = s.exec(select(OutboxMessage).where(OutboxMessage.kind == "review")).all()
    assert told.chat_id == str(CONTACT_USER) and told.idempotency_key.startswith(f"nomreview:{n1.id}:accepted:")
    assert "DUYỆT" in told.payload["text"]
    r = c.post(f"/console/nominations/{n1.id}/review", data={**form_of(page, n1), "decision": "forward"})
    assert r.status_code == 303 and nomination(n1.id).forwarded_at is not None
    page = c.get(url(rnd)).text
    assert "Đã đề nghị cấp trên" in row(page, n1) and "1 đề nghị cấp trên" in page
    r = c.post(f"/console/nominations/{n1.id}/review", data={**form_of(page, n1), "decision": "unforward"})
    assert r.status_code == 303 and nomination(n1.id).forwarded_at is None
    actor = f"staff:{rnd['hoa'].id}"
    assert {(actor, "nomination_reviewed"), (actor, "nomination_forwarded"),
            (actor, "nomination_unforwarded")} <= set(audit_actions())


def test_return_needs_a_reason_and_tells_the_school_how_to_amend(rnd, app):
    c = signed_in(app, rnd["hoa"].id)
    n1 = rnd["n1"]
    form = form_of(c.get(url(rnd)).text, n1)
    r = c.post(f"/console/nominations/{n1.id}/review", data={**form, "decision": "returned", "reason": " "})
    assert r.status_code == 400 and nomination(n1.id).status == "submitted"
    r = c.post(f"/console/nominations/{n1.id}/review", data={**form, "decision": "forward"})
    assert r.status_code == 400 and nomination(n1.id).forwarded_at is None     # only approved ones go upward
    r = c.post(f"/console/nominations/{n1.id}/review",
               data={**form, "decision": "returned", "reason": "Thiếu xác nhận của hiệu trưởng"})
    assert r.status_code == 303
    n = nomination(n1.id)
    assert (n.status, n.review_comment) == ("returned", "Thiếu xác nhận của hiệu trưởng")
    with session_scope() as s:
        [told] = s.exec(select(OutboxMessage).where(OutboxMessage.kind == "review")).all()
    assert "Lý do: Thiếu xác nhận của hiệu trưởng" in told.payload["text"]
    assert told.payload["choices"][0][0]["label"] == "Sửa đề cử"
    again = c.post(f"/console/nominations/{n1.id}/review", data={**form, "decision": "accepted"})
    assert again.status_code == 409 and nomination(n1.id).status == "returned"   # the page was out of date


def test_the_rounds_documents_download(rnd, app):
    c = signed_in(app, rnd["hoa"].id)
    token = csrf_of(c.get(url(rnd)).text)
    r = c.post(f"{url(rnd)}/export", data={"csrf": token, "kind": "xlsx"})
    assert r.status_code == 200 and r.headers["content-disposition"].startswith("attachment")
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).active
    cells = {str(v) for row_ in sheet.iter_rows(values_only=True) for v in row_ if v}
    assert "Cô Nguyễn Thị Mai" in cells and "Thầy Trần Văn Nam" in cells and "Người Quận Hai" not in cells
    assert c.post(f"{url(rnd)}/export", data={"csrf": token, "kind": "proposal"}).status_code == 404  # none approved
    assert c.post(f"{url(rnd)}/export", data={"csrf": token, "kind": "pdf"}).status_code == 400
    assert (f"staff:{rnd['hoa'].id}", "nominations_exported") in audit_actions()


def test_evidence_files_open_in_the_page(rnd, app):
    c = signed_in(app, rnd["hoa"].id)
    [f] = file_ids(rnd["n1"].id)
    r = c.get(f"/console/nominations/{rnd['n1'].id}/files/{f.id}")
    assert r.status_code == 200 and r.content == PHOTO and r.headers["content-disposition"].startswith("inline")
