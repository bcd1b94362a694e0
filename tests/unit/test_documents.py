"""schedules.documents: the guarded reader. Every fixture is built here, from bytes (tests/support/documents.py)."""
from __future__ import annotations

import pytest

from bot import texts
from bot.roster import RosterError
from schedules.documents import (REASONS, UnreadableDocument, check_document, read_roster_document,
                                 read_text_document)
from schedules.plans.reading import read_plan_text
from tests.support.documents import (PLAN_TEXT, damaged_member, docx_bytes, jpeg, ole, pdf_with, png, random_zip,
                                     text_pdf, write, xlsx_bytes)


def problem(call, *args, **kwargs) -> UnreadableDocument:
    with pytest.raises(UnreadableDocument) as caught:
        call(*args, **kwargs)
    return caught.value


# ------------------------------------------------------------------------------------- check_document

GOOD = [("bao_cao.pdf", text_pdf), ("bao_cao.docx", docx_bytes), ("so_lieu.xlsx", xlsx_bytes), ("anh.png", png),
        ("anh.jpg", jpeg), ("cu.doc", lambda: ole("WordDocument")), ("cu.xls", lambda: ole("Workbook"))]


@pytest.mark.parametrize("name, make", GOOD)
def test_good_documents_pass(tmp_path, name, make):
    assert check_document(write(tmp_path, name, make()), name, None) is None


BAD = [
    ("empty", "bao_cao.pdf", lambda: b""),
    ("corrupt", "bao_cao.pdf", lambda: text_pdf()[:200]),                       # truncated upload
    ("corrupt", "bao_cao.pdf", lambda: b"%PDF-1.4\n" + b"\x00garbage" * 50),
    ("encrypted", "bao_cao.pdf", lambda: pdf_with(password="matkhau")),
    ("mislabelled", "bao_cao.pdf", png),                                          # a photo renamed .pdf
    ("mislabelled", "bao_cao.pdf", xlsx_bytes),                                   # a spreadsheet renamed .pdf
    ("mislabelled", "bao_cao.docx", random_zip),                                  # a zip, not a Word file
    ("mislabelled", "bao_cao.docx", xlsx_bytes),
    ("mislabelled", "bao_cao.docx", text_pdf),
    ("corrupt", "bao_cao.docx", lambda: docx_bytes()[:-200]),                     # directory cut off
    ("corrupt", "bao_cao.docx", lambda: damaged_member(docx_bytes())),            # CRC mismatch
    ("encrypted", "bao_cao.docx", lambda: ole("EncryptedPackage", "EncryptionInfo")),
    ("encrypted", "so_lieu.xlsx", lambda: ole("EncryptedPackage", "EncryptionInfo")),
    ("mislabelled", "so_lieu.xlsx", docx_bytes),
    ("mislabelled", "cu.doc", docx_bytes),                                        # .docx renamed .doc
    ("mislabelled", "cu.doc", lambda: ole("Workbook")),
    ("mislabelled", "anh.jpg", png),
    ("corrupt", "anh.png", lambda: png()[:30]),
    ("corrupt", "anh.jpg", lambda: jpeg()[:200]),
    ("unsupported", "chuong_trinh.exe", lambda: b"MZ\x90\x00"),
    ("unsupported", "ghi_chu.txt", lambda: b"ghi chu"),                           # not a report type
]


@pytest.mark.parametrize("reason, name, make", BAD, ids=[f"{r}-{n}-{i}" for i, (r, n, _) in enumerate(BAD)])
def test_bad_documents_get_their_reason_and_a_vietnamese_message(tmp_path, reason, name, make):
    error = problem(check_document, write(tmp_path, name, make()), name, "application/octet-stream")
    assert error.reason == reason
    assert name in error.message and str(error) == error.message
    assert isinstance(error, ValueError)     # callers catching ValueError around parsers show it too


def test_mislabelled_says_what_the_file_really_is(tmp_path):
    error = problem(check_document, write(tmp_path, "kh.pdf", png()), "kh.pdf", "application/pdf")
    assert (error.expected, error.actual) == ("pdf", "png")
    assert error.message == texts.DOCUMENT_MISLABELLED.format(name="kh.pdf", expected="PDF", actual="ảnh PNG")
    error = problem(check_document, write(tmp_path, "kh2.pdf", b"\x00\x01\x02binary"), "kh2.pdf", None)
    assert error.message == texts.DOCUMENT_MISLABELLED_UNKNOWN.format(name="kh2.pdf", expected="PDF")


def test_a_pdf_with_only_an_owner_password_opens_for_everyone(tmp_path):
    path = write(tmp_path, "kh.pdf", pdf_with(password="", owner="chu-so-huu"))
    check_document(path, "kh.pdf", None)
    assert PLAN_TEXT in read_text_document(path, "kh.pdf", None)


def test_the_mime_type_decides_only_when_the_name_has_no_extension(tmp_path):
    path = write(tmp_path, "upload", text_pdf())
    check_document(path, "upload", "application/pdf")
    assert problem(check_document, path, "upload", "image/png").reason == "mislabelled"
    check_document(path, "upload", None)                  # neither name nor type: the bytes say PDF
    assert problem(check_document, write(tmp_path, "blob", b"\x00\x01binary"), "blob", None).reason == "unsupported"
    # the name wins over a wrong type: a PDF sent as image/png is a PDF
    check_document(write(tmp_path, "kh.pdf", text_pdf()), "kh.pdf", "image/png")


def test_accept_limits_the_kinds(tmp_path):
    path = write(tmp_path, "anh.png", png())
    error = problem(check_document, path, "anh.png", None, accept={"pdf", "docx"})
    assert error.reason == "unsupported" and "PDF" in error.message and "Word (.docx)" in error.message


def test_every_reason_has_its_own_message():
    messages = {reason: texts.document_problem(reason, "x.pdf", expected="pdf", actual="png", accepted=["pdf"])
                for reason in REASONS}
    assert len(set(messages.values())) == len(REASONS)
    assert all("x.pdf" in m for m in messages.values())
    with pytest.raises(ValueError):
        UnreadableDocument("lost", "x.pdf")


# ------------------------------------------------------------------------------------ read_text_document

@pytest.mark.parametrize("name, make", [("kh.pdf", text_pdf), ("kh.docx", docx_bytes),
                                        ("kh.txt", lambda: PLAN_TEXT.encode("utf-8-sig"))])
def test_plans_read_as_text(tmp_path, name, make):
    assert read_text_document(write(tmp_path, name, make()), name, None) == PLAN_TEXT + "\n"


@pytest.mark.parametrize("reason, name, make", [
    ("no_text", "kh.pdf", lambda: pdf_with(blank=True)),        # a scan: pages but no text layer
    ("no_text", "kh.docx", lambda: docx_bytes("")),
    ("empty", "kh.txt", lambda: b" \r\n\t\n"),
    ("empty", "kh.docx", lambda: b""),
    ("unsupported", "kh.doc", lambda: ole("WordDocument")),    # with the advice to save as .docx
    ("unsupported", "kh.png", png),
    ("mislabelled", "kh.txt", docx_bytes),
    ("corrupt", "kh.pdf", lambda: text_pdf()[:300]),
    ("encrypted", "kh.pdf", lambda: pdf_with(password="matkhau")),
])
def test_plans_that_cannot_be_read(tmp_path, reason, name, make):
    error = problem(read_text_document, write(tmp_path, name, make()), name, None)
    assert error.reason == reason
    if name.endswith(".doc"):
        assert error.message == texts.DOCUMENT_UNSUPPORTED_OLD_WORD.format(name=name)


def test_read_plan_text_is_guarded_too(tmp_path):
    """The plan import flow calls read_plan_text and catches ValueError: a broken PDF now gets a reply."""
    error = problem(read_plan_text, write(tmp_path, "kh.pdf", text_pdf()[:200]))
    assert error.reason == "corrupt"


# ---------------------------------------------------------------------------------- read_roster_document

def test_a_roster_reads_through_the_guard(tmp_path):
    roster = read_roster_document(write(tmp_path, "ds.xlsx", xlsx_bytes()), "ds.xlsx", None)
    assert [(r.code, r.name) for r in roster.rows] == [("TH01", "Trường Tiểu học Lê Lợi")]
    csv = "Mã đơn vị;Tên đơn vị\nTH02;Trường THCS Nguyễn Du\n".encode("utf-8-sig")
    roster = read_roster_document(write(tmp_path, "ds.csv", csv), "ds.csv", None)
    assert [(r.code, r.name) for r in roster.rows] == [("TH02", "Trường THCS Nguyễn Du")]


@pytest.mark.parametrize("reason, name, make", [
    ("empty", "ds.xlsx", lambda: b""),
    ("empty", "ds.csv", lambda: b"\xef\xbb\xbf\n"),
    ("corrupt", "ds.xlsx", lambda: xlsx_bytes()[:-100]),
    ("encrypted", "ds.xlsx", lambda: ole("EncryptedPackage")),
    ("mislabelled", "ds.xlsx", text_pdf),
    ("mislabelled", "ds.csv", xlsx_bytes),
    ("unsupported", "ds.xls", lambda: ole("Workbook")),
    ("unsupported", "ds.pdf", text_pdf),
])
def test_rosters_that_cannot_be_read(tmp_path, reason, name, make):
    error = problem(read_roster_document, write(tmp_path, name, make()), name, None)
    assert error.reason == reason
    if name.endswith(".xls"):
        assert error.message == texts.DOCUMENT_UNSUPPORTED_OLD_EXCEL.format(name=name)


def test_a_roster_content_problem_stays_a_roster_error(tmp_path):
    with pytest.raises(RosterError):
        read_roster_document(write(tmp_path, "ds.csv", "Tên,Ghi chú\nA,B\n".encode()), "ds.csv", None)
    with pytest.raises(RosterError) as error:
        read_roster_document(write(tmp_path, "ds2.csv", "Mã,Tên\nTH01,École\n".encode("latin-1")), "ds2.csv", None)
    assert str(error.value) == texts.CLI_ROSTER_NOT_UTF8
