"""The office's letterhead as data (`thidua office set|list`, /coquan) and the documents that print it, from
the chat (/dscu 'Tờ trình (Word)', /baocao) and the CLI (`thidua document nominations|proposal|progress`)."""
from __future__ import annotations

import io

import pytest
from docx import Document
from docx.shared import Cm
from openpyxl import load_workbook
from sqlmodel import select

from bot import texts
from db import files as file_store
from db.models import AuditEvent, Nomination, Office
from tests.support import seed
from tests.support.flowchat import FlowChat
from tests.unit.test_nomination_review import make_nomination

OFFICE = "Sở Giáo dục và Đào tạo"


@pytest.fixture
def world(settings, db):
    office = seed.office(OFFICE)
    units = [seed.unit(f"TH{i:02d}", f"Trường Tiểu học số {i}", office_id=office.id) for i in range(1, 5)]
    campaign, (report, q1) = seed.campaign(unit_ids=[u.id for u in units], office_id=office.id, milestones=[
        dict(title="Báo cáo sơ kết", due_in_days=-3),
        dict(kind="nomination", title="Đề cử", period_label="Quý I/2027", due_in_days=10)])
    make_nomination(db, settings, units[0], q1, "Nguyễn Thị Mai", reference="DC-2027-000001", status="accepted")
    make_nomination(db, settings, units[1], q1, "Trần Văn Hùng", reference="DC-2027-000002")
    seed.staff(900, "Cô Hoa", role="admin", office_id=office.id, channel="test")
    seed.staff(901, "Anh Tư", office_id=office.id, channel="test")
    return dict(office=office, campaign=campaign, report=report, q1=q1, admin=FlowChat(settings, 900),
                specialist=FlowChat(settings, 901))


def office_row(db) -> Office:
    with db() as s:
        return s.exec(select(Office)).one()


def head_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    return "\n".join(c.text for r in doc.tables[0].rows for c in r.cells)


def stored(db, settings, out_file) -> bytes:
    with db() as s:
        return file_store.read(s, settings.thidua_data_dir, out_file.stored_file_id)[1]


def test_cli_office_set_and_list(world, thidua, db):
    code, out, err = thidua("office", "set", OFFICE, "--parent", "UBND TỈNH BÌNH PHƯỚC", "--place", "Bình Phước",
                            "--signer-title", "KT. GIÁM ĐỐC | PHÓ GIÁM ĐỐC", "--signer-name", "Lê Văn Tâm",
                            "--prefix", "SGDĐT")
    assert code == 0 and "Cơ quan chủ quản: UBND TỈNH BÌNH PHƯỚC" in out and "KT. GIÁM ĐỐC | PHÓ GIÁM ĐỐC" in out
    o = office_row(db)
    assert (o.parent_body, o.place_name, o.signer_title, o.signer_name, o.number_prefix) == (
        "UBND TỈNH BÌNH PHƯỚC", "Bình Phước", "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC", "Lê Văn Tâm", "SGDĐT")
    code, out, _ = thidua("office", "list")
    assert code == 0 and OFFICE in out and "Ký hiệu văn bản: SGDĐT" in out
    with db() as s:
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "letterhead_changed")).one().actor == "cli"


def test_cli_office_set_refuses_bad_input_and_changes_nothing(world, thidua, db):
    code, _, err = thidua("office", "set", "Phòng không có", "--place", "Huế")
    assert code == 2 and "Không có cơ quan «Phòng không có»" in err and OFFICE in err
    code, _, err = thidua("office", "set", OFFICE)
    assert code == 2 and err.strip() == texts.LETTERHEAD_CLI_NOTHING
    code, _, err = thidua("office", "set", OFFICE, "--place", "x" * 201)
    assert code == 2 and "200" in err
    code, _, err = thidua("office", "set", OFFICE, "--new-name", "  ")
    assert code == 2 and err.strip() == texts.LETTERHEAD_NAME_REQUIRED
    o = office_row(db)
    assert o.name == OFFICE and o.place_name is None


async def test_coquan_shows_to_staff_and_only_an_admin_changes_it(world, db):
    spec, admin = world["specialist"], world["admin"]
    await spec.send("/coquan")
    assert f"Thông tin in trên văn bản của {OFFICE}" in spec.text and "Địa danh: (chưa đặt)" in spec.text
    await spec.send("/coquan diadanh Bình Phước")
    assert spec.text == texts.LETTERHEAD_ADMIN_ONLY and office_row(db).place_name is None
    await admin.send("/coquan diadanh   Bình Phước ")
    assert admin.text == "Đã lưu Địa danh: Bình Phước"
    await admin.send("/coquan chucvu KT. GIÁM ĐỐC | PHÓ GIÁM ĐỐC")
    assert office_row(db).signer_title == "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC"
    await admin.send("/coquan Diadanh xoá")
    assert admin.text == "Đã xoá Địa danh." and office_row(db).place_name is None
    await admin.send("/coquan chuky ABC")
    assert admin.text == texts.LETTERHEAD_UNKNOWN_FIELD.format(field="chuky")
    await admin.send("/coquan ten xoa")
    assert admin.text == texts.LETTERHEAD_NAME_REQUIRED and office_row(db).name == OFFICE
    await admin.send("/coquan nguoiky " + "a" * 201)
    assert "200" in admin.text and office_row(db).signer_name is None


async def test_coquan_without_an_office_says_so(settings, db):
    seed.staff(950, "Cô Lẻ", role="admin", channel="test")
    chat = FlowChat(settings, 950)
    await chat.send("/coquan")
    assert chat.text == texts.LETTERHEAD_NO_OFFICE


async def test_letterhead_reaches_the_list_the_proposal_and_the_report(world, db, settings):
    admin = world["admin"]
    for line in ("chuquan UBND TỈNH BÌNH PHƯỚC", "kyhieu SGDĐT", "diadanh Bình Phước", "nguoiky Lê Văn Tâm"):
        await admin.send(f"/coquan {line}")
    await admin.send("/dscu")          # one round: /dscu opens it at once
    await admin.press(texts.OFFICE_DOC_BTN_PROPOSAL)
    sent = next(m for m in admin.last if m.files)
    assert sent.text == texts.OFFICE_DOC_PROPOSAL_SENT.format(period="Quý I/2027", count=1)
    data = stored(db, settings, sent.files[0])
    assert "UBND TỈNH BÌNH PHƯỚC" in head_text(data) and "Số: ……/TTr-SGDĐT" in head_text(data)
    table = Document(io.BytesIO(data)).tables[1]
    assert [r.cells[1].text for r in table.rows[2:]] == ["Nguyễn Thị Mai"]    # the approved one only
    await admin.press("Xuất Word")
    data = stored(db, settings, next(m for m in admin.last if m.files).files[0])
    names = [r.cells[1].text for r in Document(io.BytesIO(data)).tables[1].rows[2:]]
    assert names == ["Nguyễn Thị Mai", "Trần Văn Hùng"] and "Số: ……/DS-SGDĐT" in head_text(data)

    await admin.press(texts.NOMINATION_REVIEW_BTN_CLOSE)
    await admin.send("/baocao")
    building, sent = admin.last       # built after the commit, in a worker thread: told first, sent when ready
    assert building.text == texts.REPORT_DOC_BUILDING.format(title=world["campaign"].title) and not building.files
    assert sent.text == texts.REPORT_DOC_SENT.format(title=world["campaign"].title)
    assert sent.files[0].name.startswith(f"bao_cao_tien_do_{world['campaign'].id}_")
    data = stored(db, settings, sent.files[0])
    assert "Số: ……/BC-SGDĐT" in head_text(data) and "Bình Phước, ngày" in head_text(data)
    doc = Document(io.BytesIO(data))
    assert [c.text for c in doc.tables[1].rows[1].cells][1:4] == ["Báo cáo sơ kết", doc.tables[1].rows[1].cells[2].text, "4"]
    assert "Lê Văn Tâm" in doc.tables[-1].rows[0].cells[1].text
    with db() as s:
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "progress_report_created")).one()


async def test_a_proposal_with_nothing_approved_is_refused(world, db, settings):
    with db() as s:
        for n in s.exec(select(Nomination)).all():
            n.status = "submitted"
    admin = world["admin"]
    await admin.send("/dscu")          # one round: /dscu opens it at once
    await admin.press(texts.OFFICE_DOC_BTN_PROPOSAL)
    assert texts.OFFICE_DOC_PROPOSAL_EMPTY.format(period="Quý I/2027") in admin.text


def test_cli_documents(world, thidua, tmp_path):
    q1, campaign = world["q1"], world["campaign"]
    tmp_path = tmp_path / "out"
    code, out, _ = thidua("document", "nominations", q1.id, "-o", tmp_path)
    assert code == 0 and "danh_sach_de_cu_" in out
    code, out, _ = thidua("document", "nominations", q1.id, "--format", "xlsx", "-o", tmp_path)
    assert code == 0
    code, out, _ = thidua("document", "proposal", q1.id, "-o", tmp_path)
    assert code == 0 and "to_trinh_de_cu_" in out
    code, out, _ = thidua("document", "progress", campaign.id, "-o", tmp_path)
    assert code == 0 and "bao_cao_tien_do_" in out
    written = sorted(p.name.rsplit("_", 3)[0] + p.suffix for p in tmp_path.iterdir())
    assert written == ["bao_cao_tien_do.docx", "danh_sach_de_cu.docx", "danh_sach_de_cu.xlsx", "to_trinh_de_cu.docx"]
    ws = load_workbook(next(tmp_path.glob("*.xlsx"))).active
    assert any(r[1] == "Trần Văn Hùng" for r in ws.iter_rows(values_only=True))
    for p in tmp_path.glob("*.docx"):
        assert OFFICE.upper() in head_text(p.read_bytes())
    code, _, err = thidua("document", "progress", 9999, "-o", tmp_path)
    assert code == 2 and err.strip() == texts.OFFICE_DOC_CLI_NOT_FOUND.format(what="phong trào", id=9999)
    code, _, err = thidua("document", "proposal", 9999, "-o", tmp_path)
    assert code == 2 and "đợt đề cử" in err
    assert f"  {q1.id}  Quý I/2027 — {campaign.title}" in err.splitlines()      # the rounds there are, by id


# ------------------------------------------------------------------------------ the office's own template

def template_docx(*, body: bool = True) -> bytes:
    """An office's Word template, written the way a specialist would: its own header lines and placeholders."""
    from docx import Document as New
    from docx.shared import Cm
    doc = New()
    s = doc.sections[0]
    s.page_width, s.page_height, s.left_margin, s.right_margin = Cm(21), Cm(29.7), Cm(3), Cm(2)
    doc.add_paragraph("{{ co_quan_chu_quan }} — {{ co_quan }} — MẪU RIÊNG CỦA SỞ")
    doc.add_paragraph("{{ so_ky_hieu }} · {{ dia_danh_ngay }}")
    doc.add_paragraph("{{ ten_loai }}: {{ trich_yeu }}")
    if body:
        doc.add_paragraph("{{p noi_dung }}")
    doc.add_paragraph("{{ noi_nhan }}")
    doc.add_paragraph("{{ chuc_vu_nguoi_ky }} {{ nguoi_ky }}")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_an_office_template_replaces_the_built_in_layout(world, thidua, tmp_path, db):
    (tmp_path / "mau.docx").write_bytes(template_docx())
    assert thidua("office", "set", OFFICE, "--parent", "UBND TỈNH BÌNH PHƯỚC", "--prefix", "SGDĐT",
                  "--signer-name", "Lê Văn Tâm")[0] == 0
    code, out, _ = thidua("office", "template", OFFICE, tmp_path / "mau.docx")
    assert code == 0 and "Đã đặt mẫu «mau.docx»" in out and "noi_dung" in out
    assert office_row(db).template_file_id is not None
    out_dir = tmp_path / "vb"
    assert thidua("document", "progress", world["campaign"].id, "-o", out_dir)[0] == 0
    assert thidua("document", "nominations", world["q1"].id, "-o", out_dir)[0] == 0
    for path in out_dir.glob("*.docx"):
        doc = Document(path)
        text = "\n".join(p.text for p in doc.paragraphs)
        assert "UBND TỈNH BÌNH PHƯỚC — SỞ GIÁO DỤC VÀ ĐÀO TẠO — MẪU RIÊNG CỦA SỞ" in text
        assert "{{" not in text and "Lê Văn Tâm" in text and "- Lưu: VT." in text
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" not in text      # the template's layout, not the built-in one
        table = doc.tables[0]                                      # the body the bot built, in the template
        assert table.rows[0].cells[0].text == "STT"
        widths = [c.width for c in table.rows[0].cells]            # sized to the template's page (21 - 3 - 2 cm)
        assert abs(sum(widths) - Cm(16).emu) < Cm(0.2).emu
    assert "BÁO CÁO: Tiến độ thực hiện" in "\n".join(
        p.text for p in Document(next(out_dir.glob("bao_cao*.docx"))).paragraphs)
    code, out, _ = thidua("office", "template", OFFICE, "--remove")
    assert code == 0 and office_row(db).template_file_id is None
    assert thidua("document", "progress", world["campaign"].id, "-o", tmp_path / "lai")[0] == 0
    assert "CỘNG HÒA" in head_text(next((tmp_path / "lai").glob("*.docx")).read_bytes())


def test_a_template_that_cannot_serve_is_refused(world, thidua, tmp_path, db):
    (tmp_path / "thieu.docx").write_bytes(template_docx(body=False))
    code, _, err = thidua("office", "template", OFFICE, tmp_path / "thieu.docx")
    assert code == 2 and "{{p noi_dung }}" in err
    (tmp_path / "hong.docx").write_bytes(b"PK\x03\x04 not really a document")
    code, _, err = thidua("office", "template", OFFICE, tmp_path / "hong.docx")
    assert code == 2 and "không phải .doc" in err
    code, _, err = thidua("office", "template", OFFICE, tmp_path / "khong_co.docx")
    assert code == 2 and "Không thấy tệp" in err
    assert office_row(db).template_file_id is None


async def test_baocao_builds_after_the_commit_and_a_failed_build_is_told(world, db, settings, monkeypatch):
    from handlers import background
    from handlers import progress_report
    chat = FlowChat(settings, 900, wait_for_background=False)
    replies = await chat.send("/baocao")
    assert [m.text for m in replies] == [texts.REPORT_DOC_BUILDING.format(title=world["campaign"].title)]
    with db() as s:                    # the step committed only the request: no document yet
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "progress_report_created")).all() == []
    assert await background.drain(10)
    with db() as s:
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "progress_report_created")).one()

    def broken(*_args):
        raise RuntimeError("disk full")
    monkeypatch.setattr(progress_report, "render_report", broken)
    failing = FlowChat(settings, 900)
    await failing.send("/baocao")
    assert failing.last[-1].text == texts.REPORT_DOC_FAILED.format(title=world["campaign"].title)
    assert not failing.last[-1].files
