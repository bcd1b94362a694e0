"""The console's roster: units with contacts and reachability; an admin uploads a roster (the CLI's rules and
row-by-row report, another office's codes refused), prints invitations and revokes them."""
from __future__ import annotations

import io
import re
import zipfile

import pytest
from openpyxl import Workbook, load_workbook
from sqlmodel import select

from db.clock import utcnow
from db.engine import session_scope
from db.models import AuditEvent, Contact, Invite, Unit
from tests.support import seed
from tests.unit.test_console import app, client, csrf_of, signed_in  # noqa: F401  (fixtures and helpers)

HEADER = ["STT", "Mã đơn vị", "Tên đơn vị", "Cấp học", "Cụm thi đua", "Người đầu mối", "Số điện thoại"]


def xlsx(rows: list[list]) -> bytes:
    wb = Workbook()
    for row in [["DANH SÁCH ĐẦU MỐI THI ĐUA"], [], HEADER, *rows]:
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def office(settings):
    a, b = seed.office("Phòng GD&ĐT Quận Một"), seed.office("Phòng GD&ĐT Quận Hai")
    kd = seed.unit("TH01", "Trường Tiểu học Kim Đồng", office_id=a.id)
    ll = seed.unit("TH02", "Trường Tiểu học Lê Lợi", office_id=a.id)
    foreign = seed.unit("Q2-01", "Trường Quận Hai", office_id=b.id)
    seed.contact(kd.id, 7401, name="Cô Lan")
    blocked = seed.contact(kd.id, 7402, name="Thầy Tâm")
    with session_scope() as s:
        s.get(Contact, blocked.id).reachable = False
    seed.invite(ll.id)
    admin = seed.staff(7001, "Nguyễn Thị Hoa", role="admin", office_id=a.id)
    specialist = seed.staff(7002, "Trần Văn Minh", office_id=a.id)
    return dict(a=a, kd=kd, ll=ll, foreign=foreign, admin=admin, specialist=specialist)


def units() -> dict[str, Unit]:
    with session_scope() as s:
        return {u.code: u for u in s.exec(select(Unit)).all()}


def open_invites(unit_id: int) -> int:
    with session_scope() as s:
        return len([i for i in s.exec(select(Invite).where(Invite.unit_id == unit_id)).all()
                    if i.revoked_at is None and i.expires_at > utcnow()])


def test_the_roster_shows_the_offices_units_contacts_and_invites(office, app):
    assert client(app).get("/console/roster").status_code == 401
    c = signed_in(app, office["specialist"].id)
    page = c.get("/console/roster").text
    assert re.findall(r'<tr data-code="([^"]+)">', page) == ["TH01", "TH02"]          # not another office's
    row1 = re.search(r'<tr data-code="TH01">(.*?)</tr>', page, re.S).group(1)
    assert "2 đã gắn, 1 nhận được tin" in row1
    row2 = re.search(r'<tr data-code="TH02">(.*?)</tr>', page, re.S).group(1)
    assert "chưa ai gắn tài khoản" in row2 and '<td class="num">1</td>' in row2
    assert 'id="import-form"' not in page and "Thu hồi lời mời" not in page          # a specialist only looks
    assert re.findall(r'<tr data-code="([^"]+)">', c.get("/console/roster?q=lê lợi").text) == ["TH02"]


def test_an_admin_imports_a_roster_with_the_clis_report(office, app):
    c = signed_in(app, office["admin"].id)
    token = csrf_of(c.get("/console/roster").text)
    data = xlsx([[1, "TH01", "Trường Tiểu học Kim Đồng", "Tiểu học", "Cụm 1", "Cô Lan", "0912 345 678"],
                 [2, "TH03", "Trường Tiểu học Nguyễn Du", "Tiểu học", "Cụm 2", "Thầy Du", "0987654321"],
                 [3, "Q2-01", "Trường bị đổi tên", "THCS", "Cụm 9", None, None],
                 [4, None, "Trường chưa có mã", "THCS", "Cụm 2", None, None]])
    files = {"file": ("danh_sach.xlsx", data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}
    r = c.post(f"/console/roster/import?csrf={token}", files=files)
    assert r.status_code == 200, re.findall(r'class="error"[^>]*>(.*?)<', r.text)
    report = re.search(r'<pre class="notice" id="report">(.*?)</pre>', r.text, re.S).group(1)
    assert "Tổng kết: thêm mới 1, cập nhật 1, không đổi 0, bị từ chối 2." in report
    assert "Dòng 6: mã Q2-01 đã là của một đơn vị không thuộc cơ quan của anh/chị, nên không nhập" in report
    assert "Dòng 7:" in report
    found = units()
    assert found["TH03"].office_id == office["a"].id and found["TH03"].liaison_phone == "0987654321"
    assert found["TH01"].cluster == "Cụm 1"
    assert (found["Q2-01"].name, found["Q2-01"].cluster) == ("Trường Quận Hai", "Cụm 1")   # untouched
    with session_scope() as s:
        [event] = s.exec(select(AuditEvent).where(AuditEvent.action == "units_imported")).all()
    assert event.actor == f"staff:{office['admin'].id}" and event.details["added"] == 1


def test_an_import_is_refused_without_csrf_to_a_specialist_and_for_an_unreadable_file(office, app):
    good = {"file": ("a.xlsx", xlsx([[1, "TH09", "Trường mới", None, None, None, None]]), "application/octet-stream")}
    admin = signed_in(app, office["admin"].id)
    assert admin.post("/console/roster/import", files=good).status_code == 403
    assert admin.post("/console/roster/import?csrf=" + "0" * 32, files=good).status_code == 403
    token = csrf_of(admin.get("/console/roster").text)
    bad = admin.post(f"/console/roster/import?csrf={token}",
                     files={"file": ("a.xlsx", b"not a workbook", "application/octet-stream")})
    assert bad.status_code == 400 and 'class="error"' in bad.text
    specialist = signed_in(app, office["specialist"].id)
    their = csrf_of(specialist.get("/console/roster").text)
    r = specialist.post(f"/console/roster/import?csrf={their}", files=good)
    assert r.status_code == 403 and "Chỉ cán bộ quản trị" in r.text
    assert "TH09" not in units()


def test_invitations_download_as_printable_files_and_revoke(office, app):
    c = signed_in(app, office["admin"].id)
    token = csrf_of(c.get("/console/roster").text)
    r = c.post("/console/roster/invites", data={"csrf": token, "codes": "TH01, Q2-01"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(r.content)).namelist()
    assert any(n.endswith(".png") for n in names) and "danh-sach-loi-moi.xlsx" in names
    assert "huong-dan-cac-truong.docx" in names
    sheet = load_workbook(io.BytesIO(zipfile.ZipFile(io.BytesIO(r.content)).read("danh-sach-loi-moi.xlsx"))).active
    cells = {str(v) for row in sheet.iter_rows(values_only=True) for v in row if v}
    assert "TH01" in cells and "Q2-01" not in cells                  # another office's code is simply not theirs
    assert open_invites(office["kd"].id) == 1 and open_invites(office["foreign"].id) == 0
    assert c.post("/console/roster/invites", data={"csrf": token, "codes": "Q2-01"}).status_code == 400
    assert c.post("/console/roster/invites", data={"codes": "TH01"}).status_code == 403
    r = c.post("/console/roster/revoke", data={"csrf": token, "code": "TH02"})
    assert r.status_code == 303 and open_invites(office["ll"].id) == 0
    assert c.post("/console/roster/revoke", data={"csrf": token, "code": "Q2-01"}).status_code == 404
    specialist = signed_in(app, office["specialist"].id)
    their = csrf_of(specialist.get("/console/roster").text)
    assert specialist.post("/console/roster/revoke", data={"csrf": their, "code": "TH01"}).status_code == 403
    assert open_invites(office["kd"].id) == 1
