"""The staff console, route by route through Starlette's TestClient: sign-in by one-time link, the session
cookie, CSRF, office scoping, the campaign list, the matrix, a submission and its review."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from bot.console import ConsoleConfig, console_routes
from bot.console import auth
from bot.web import build_app
from db import console as console_db
from db.clock import utcnow
from db.engine import session_scope
from db.models import AuditEvent, ConsoleLink, OutboxMessage, Staff, Submission
from tests.support import seed
from tests.support.flowchat import FlowChat
from tests.unit.test_progress import add_submission

PDF = b"%PDF-1.4 bao cao so ket"
STAFF_USER, OTHER_USER, CONTACT_USER = 7001, 7002, 7101


@pytest.fixture
def world(settings):
    """Office A (Hoa) with two schools and one submission; office B (Minh) with its own campaign."""
    a, b = seed.office("Phòng GD&ĐT Quận Một"), seed.office("Phòng GD&ĐT Quận Hai")
    kd = seed.unit("TH01", "Trường Tiểu học Kim Đồng", cluster="Cụm 1", office_id=a.id)
    ll = seed.unit("TH02", "Trường Tiểu học Lê Lợi", cluster="Cụm 2", level="THCS", office_id=a.id)
    seed.contact(kd.id, CONTACT_USER, name="Cô Lan")
    hoa = seed.staff(STAFF_USER, "Nguyễn Thị Hoa", office_id=a.id)
    minh = seed.staff(OTHER_USER, "Trần Văn Minh", office_id=b.id)
    camp, ms = seed.campaign("Phong trào Quận Một", unit_ids=[kd.id, ll.id], office_id=a.id,
                             milestones=[dict(title="Báo cáo sơ kết", due_in_days=5)])
    sub = add_submission(settings, kd.id, ms[0].id, files=[("bao_cao.pdf", PDF)], note="Bản chính thức",
                         contact_id=None)
    other_unit = seed.unit("Q2-01", "Trường Quận Hai", office_id=b.id)
    other, oms = seed.campaign("Phong trào Quận Hai", unit_ids=[other_unit.id], office_id=b.id,
                               milestones=[dict(title="Báo cáo Quận Hai", due_in_days=5)])
    other_sub = add_submission(settings, other_unit.id, oms[0].id, files=[("q2.pdf", PDF)])
    return dict(hoa=hoa, minh=minh, campaign=camp, milestone=ms[0], sub=sub, other=other, other_sub=other_sub,
                kd=kd)


@pytest.fixture
def app(settings):
    return build_app(console_routes(ConsoleConfig.from_settings(settings)))


def client(app) -> TestClient:
    return TestClient(app, follow_redirects=False)


def link_for(staff_id: int, ttl=timedelta(minutes=15), now=None) -> str:
    with session_scope() as s:
        return console_db.create_link(s, staff_id, now or utcnow(), ttl)


def signed_in(app, staff_id: int) -> TestClient:
    c = client(app)
    token = link_for(staff_id)
    r = c.post(f"/console/login/{token}")
    assert r.status_code == 303 and r.headers["location"] == "/console"
    return c


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)


def seen_of(page: str) -> str:
    return re.search(r'name="seen" value="([^"]*)"', page).group(1)


def status_of(sub_id: int) -> tuple[str, str | None]:
    with session_scope() as s:
        sub = s.get(Submission, sub_id)
        return sub.status, sub.review_comment


def outbox_rows(kind: str = "review") -> list[OutboxMessage]:
    with session_scope() as s:
        return list(s.exec(select(OutboxMessage).where(OutboxMessage.kind == kind)).all())


# ------------------------------------------------------------------------------------------- sign-in

async def test_web_in_the_staff_chat_sends_a_one_time_link_that_signs_in(settings, world, app):
    chat = FlowChat(settings, STAFF_USER, "Cô Hoa", channel="telegram")
    [reply] = await chat.send("/web")
    url = re.search(r"http://\S+/console/login/(\S+)", reply.text)
    assert url and "15 phút" in reply.text and not reply.links
    token = url.group(1)
    with session_scope() as s:   # only the hash is stored
        [row] = s.exec(select(ConsoleLink)).all()
        assert row.token_hash != token and row.staff_id == world["hoa"].id and row.used_at is None
    c = client(app)
    page = c.get(f"/console/login/{token}")   # a link preview's GET must not use the link
    assert page.status_code == 200 and "Đăng nhập" in page.text
    r = c.post(f"/console/login/{token}")
    assert r.status_code == 303
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax") and "Max-Age=28800" in cookie
    assert "Path=/console" in cookie
    home = c.get("/console")
    assert home.status_code == 200 and "Phong trào Quận Một" in home.text and "Nguyễn Thị Hoa" in home.text
    assert client(app).post(f"/console/login/{token}").status_code == 403      # used: refused
    assert client(app).get(f"/console/login/{token}").status_code == 403
    with session_scope() as s:
        actions = [(e.actor, e.action) for e in s.exec(select(AuditEvent)).all()]
    assert ("staff:%d" % world["hoa"].id, "console_link_sent") in actions
    assert ("staff:%d" % world["hoa"].id, "console_signed_in") in actions


async def test_web_is_refused_to_a_school(settings, world):
    chat = FlowChat(settings, CONTACT_USER, "Cô Lan", channel="telegram")
    [reply] = await chat.send("/web")
    assert "/console/login/" not in reply.text
    with session_scope() as s:
        assert s.exec(select(ConsoleLink)).all() == []


def test_an_expired_unknown_or_deactivated_link_is_refused(world, app):
    expired = link_for(world["hoa"].id, now=utcnow() - timedelta(hours=1))
    for token in (expired, "khong-co-that"):
        assert client(app).get(f"/console/login/{token}").status_code == 403
        r = client(app).post(f"/console/login/{token}")
        assert r.status_code == 403 and "set-cookie" not in r.headers and "/web" in r.text
    token = link_for(world["hoa"].id)
    with session_scope() as s:
        s.get(Staff, world["hoa"].id).active = False
    assert client(app).post(f"/console/login/{token}").status_code == 403


def test_without_a_session_every_page_is_refused(world, app):
    c = client(app)
    sid, cid = world["sub"].id, world["campaign"].id
    for path in ("/console", f"/console/campaigns/{cid}", f"/console/submissions/{sid}",
                 f"/console/submissions/{sid}/files/1"):
        r = c.get(path)
        assert r.status_code == 401 and "Phong trào Quận Một" not in r.text and "/web" in r.text
    r = c.post(f"/console/submissions/{sid}/review", data={"decision": "accepted", "csrf": "x", "seen": "x"})
    assert r.status_code == 403 and status_of(sid) == ("submitted", None)
    assert c.post("/console/logout").status_code == 403


def used_link(staff_id: int) -> int:
    with session_scope() as s:
        _, link_id = console_db.use_link(s, link_for(staff_id), utcnow())
        return link_id


def test_a_forged_or_expired_session_cookie_is_refused(settings, world, app):
    secret, hoa = settings.signing_secret, world["hoa"].id
    link = used_link(hoa)
    expired, _ = auth.new_session(secret, hoa, link, now=utcnow().timestamp() - auth.SESSION_TTL_S - 5)
    forged, _ = auth.new_session(b"another-secret", hoa, link)
    other_link = used_link(world["minh"].id)
    borrowed, _ = auth.new_session(secret, hoa, other_link)   # another staff member's session
    unused_link, _ = auth.new_session(secret, hoa, 99999)
    for value in (expired, forged, borrowed, unused_link, "garbage"):
        c = client(app)
        c.cookies.set(auth.COOKIE, value)
        assert c.get("/console").status_code == 401
    good, _ = auth.new_session(secret, hoa, link)
    c = client(app)
    c.cookies.set(auth.COOKIE, good)
    assert c.get("/console").status_code == 200
    with session_scope() as s:   # a deactivated staff member's open session stops working at once
        s.get(Staff, world["hoa"].id).active = False
    assert c.get("/console").status_code == 401


def test_sign_out_needs_the_csrf_token_then_ends_the_session(world, app):
    c = signed_in(app, world["hoa"].id)
    assert c.post("/console/logout", data={"csrf": "0" * 32}).status_code == 403
    token = csrf_of(c.get("/console").text)
    kept = c.cookies.get(auth.COOKIE)          # a copy of the cookie, taken before signing out
    r = c.post("/console/logout", data={"csrf": token})
    assert r.status_code == 200 and "Đã đăng xuất" in r.text
    assert c.get("/console").status_code == 401
    copy = client(app)
    copy.cookies.set(auth.COOKIE, kept)
    assert copy.get("/console").status_code == 401         # signing out ended the session itself


# ------------------------------------------------------------------------------------------- office scoping

def test_another_offices_campaign_and_submission_are_not_found(world, app):
    c = signed_in(app, world["hoa"].id)
    home = c.get("/console").text
    assert "Phong trào Quận Một" in home and "Phong trào Quận Hai" not in home
    other_sub = world["other_sub"]
    assert c.get(f"/console/campaigns/{world['other'].id}").status_code == 404
    assert c.get(f"/console/submissions/{other_sub.id}").status_code == 404
    with session_scope() as s:
        [(_, f)] = console_db.submission_for_staff(s, s.get(Staff, world["minh"].id), other_sub.id).files
    assert c.get(f"/console/submissions/{other_sub.id}/files/{f.id}").status_code == 404
    token = csrf_of(c.get(f"/console/submissions/{world['sub'].id}").text)
    r = c.post(f"/console/submissions/{other_sub.id}/review",
               data={"csrf": token, "decision": "accepted", "seen": "submitted|"})
    assert r.status_code == 404 and status_of(other_sub.id) == ("submitted", None)
    # a file of one's own submission cannot be fetched under another submission's id, nor the other way round
    own_file = console_db_files(world["hoa"].id, world["sub"].id)[0]
    assert c.get(f"/console/submissions/{other_sub.id}/files/{own_file}").status_code == 404
    assert c.get(f"/console/submissions/{world['sub'].id}/files/{f.id}").status_code == 404
    for bad in ("abc", "0", "99999999999999"):
        assert c.get(f"/console/campaigns/{bad}").status_code == 404
        assert c.get(f"/console/submissions/{bad}").status_code == 404


def console_db_files(staff_id: int, sub_id: int) -> list[int]:
    with session_scope() as s:
        return [f.id for _, f in console_db.submission_for_staff(s, s.get(Staff, staff_id), sub_id).files]


# ------------------------------------------------------------------------------------------- review

def test_csrf_is_required_on_the_review_form(world, app):
    c = signed_in(app, world["hoa"].id)
    sid = world["sub"].id
    page = c.get(f"/console/submissions/{sid}").text
    other = signed_in(app, world["hoa"].id)   # another session's token does not fit this one
    other_token = csrf_of(other.get(f"/console/submissions/{sid}").text)
    assert other_token != csrf_of(page)
    for data in ({}, {"csrf": ""}, {"csrf": "0" * 32}, {"csrf": other_token}):
        r = c.post(f"/console/submissions/{sid}/review",
                   data={**data, "decision": "accepted", "seen": seen_of(page)})
        assert r.status_code == 403, data
    assert status_of(sid) == ("submitted", None) and outbox_rows() == []


def test_returning_tells_the_school_through_the_outbox_as_the_chat_does(world, app):
    c = signed_in(app, world["hoa"].id)
    sid = world["sub"].id
    page = c.get(f"/console/submissions/{sid}").text
    assert "BC-2026-" in page and "Bản chính thức" in page and "bao_cao.pdf" in page
    assert f'<iframe class="preview" src="/console/submissions/{sid}/files/' in page
    form = {"csrf": csrf_of(page), "seen": seen_of(page), "decision": "returned"}
    r = c.post(f"/console/submissions/{sid}/review", data={**form, "reason": "  "})
    assert r.status_code == 400 and "Cần ghi lý do" in r.text and status_of(sid) == ("submitted", None)
    r = c.post(f"/console/submissions/{sid}/review", data={**form, "reason": "Thiếu chữ ký hiệu trưởng"})
    assert r.status_code == 303
    done = c.get(r.headers["location"]).text
    assert "Đã trả lại bài của Trường Tiểu học Kim Đồng; đã báo 1 người" in done
    assert status_of(sid) == ("returned", "Thiếu chữ ký hiệu trưởng")
    [row] = outbox_rows()
    assert row.chat_id == str(CONTACT_USER) and row.idempotency_key.startswith(f"review:{sid}:returned:")
    assert "Lý do: Thiếu chữ ký hiệu trưởng" in row.payload["text"] and "đã bị trả lại" in row.payload["text"]
    assert row.payload["choices"][0][0]["label"] == "Nộp lại"
    with session_scope() as s:
        [event] = s.exec(select(AuditEvent).where(AuditEvent.action == "review_returned")).all()
    assert event.actor == f"staff:{world['hoa'].id}" and event.subject == f"submission:{sid}"
    # the same form again (a double click, a reload) is refused: the submission changed since it was shown
    again = c.post(f"/console/submissions/{sid}/review", data={**form, "reason": "Lần nữa"})
    assert again.status_code == 409 and "vừa được Nguyễn Thị Hoa" in again.text
    assert len(outbox_rows()) == 1


def test_accepting_and_a_review_lost_to_another_reviewer(world, app):
    c = signed_in(app, world["hoa"].id)
    sid = world["sub"].id
    page = c.get(f"/console/submissions/{sid}").text
    form = {"csrf": csrf_of(page), "seen": seen_of(page)}
    with session_scope() as s:   # someone returns it in chat while the page is open
        sub = s.get(Submission, sid)
        sub.status, sub.reviewed_at, sub.review_comment = "returned", utcnow(), "Thiếu trang 2"
    r = c.post(f"/console/submissions/{sid}/review", data={**form, "decision": "accepted"})
    assert r.status_code == 409 and status_of(sid) == ("returned", "Thiếu trang 2") and outbox_rows() == []
    page = c.get(f"/console/submissions/{sid}").text
    assert "đã được xét" in page
    r = c.post(f"/console/submissions/{sid}/review",
               data={"csrf": csrf_of(page), "seen": seen_of(page), "decision": "accepted"})
    assert r.status_code == 303 and status_of(sid)[0] == "accepted"
    [row] = outbox_rows()
    assert "đã được duyệt" in row.payload["text"]
    r = c.post(f"/console/submissions/{sid}/review", data={**form, "decision": "bogus"})
    assert r.status_code in (400, 409) and status_of(sid)[0] == "accepted"


def test_an_older_version_shows_history_but_cannot_be_reviewed(settings, world, app):
    ms, kd = world["milestone"], world["kd"]
    v2 = add_submission(settings, kd.id, ms.id, version=2, files=[("ban_2.pdf", PDF)], late=True)
    c = signed_in(app, world["hoa"].id)
    old = c.get(f"/console/submissions/{world['sub'].id}").text
    assert "lần nộp cũ" in old and f"/console/submissions/{v2.id}" in old and 'id="accept"' not in old
    token = csrf_of(old)
    r = c.post(f"/console/submissions/{world['sub'].id}/review",
               data={"csrf": token, "decision": "accepted", "seen": "submitted|"})
    assert r.status_code == 409 and status_of(world["sub"].id) == ("submitted", None)
    new = c.get(f"/console/submissions/{v2.id}").text
    assert 'id="accept"' in new and "ban_2.pdf" in new and "(muộn)" in new
    assert re.search(r'id="history".*?>2<.*?>1<', new, re.S)


def test_files_download_and_only_pdfs_and_pictures_show_inline(settings, world, app):
    ms, kd = world["milestone"], world["kd"]
    html = b"<script>alert(1)</script>"
    v2 = add_submission(settings, kd.id, ms.id, version=2, files=[("a.pdf", PDF), ("trang.html", html)])
    with session_scope() as s:   # add_submission stores every file as a PDF: give the second its real type
        from db.models import StoredFile, SubmissionFile
        link = s.exec(select(SubmissionFile).where(SubmissionFile.submission_id == v2.id,
                                                   SubmissionFile.position == 1)).one()
        s.get(StoredFile, link.stored_file_id).mime = "text/html"
    c = signed_in(app, world["hoa"].id)
    pdf_id, html_id = console_db_files(world["hoa"].id, v2.id)
    r = c.get(f"/console/submissions/{v2.id}/files/{pdf_id}")
    assert r.status_code == 200 and r.content == PDF and r.headers["content-disposition"].startswith("inline")
    r = c.get(f"/console/submissions/{v2.id}/files/{pdf_id}?tai=1")
    assert r.headers["content-disposition"].startswith("attachment")
    r = c.get(f"/console/submissions/{v2.id}/files/{html_id}")
    assert r.content == html and r.headers["content-disposition"].startswith("attachment")
    assert r.headers["x-content-type-options"] == "nosniff"


# ------------------------------------------------------------------------------------------- pages

def test_campaign_list_shows_milestones_and_counts(settings, world, app):
    seed.campaign("Kế hoạch nháp Quận Một", status="draft", office_id=world["campaign"].office_id,
                  milestones=[dict(title="Đăng ký", due_in_days=3)])
    c = signed_in(app, world["hoa"].id)
    page = c.get("/console").text
    assert "Kế hoạch nháp Quận Một" in page and "Bản nháp" in page and "Đang triển khai" in page
    row = re.search(r"<tr><td>Báo cáo sơ kết</td>.*?</tr>", page, re.S).group(0)
    assert re.findall(r'class="num">(\d+)<', row) == ["1", "1", "0", "0", "0"]   # missing, submitted, ...


def test_the_cli_prints_a_link_that_signs_in(world, app, thidua):
    code, out, _ = thidua("staff", "web-link", "--staff", str(world["hoa"].id), "--minutes", "5")
    assert code == 0 and "5 phút" in out
    token = re.search(r"/console/login/(\S+)", out).group(1)
    assert client(app).post(f"/console/login/{token}").status_code == 303
    code, _, err = thidua("staff", "web-link", "--staff", "999")
    assert code == 1 and "999" in err


def test_the_cookie_is_secure_when_the_console_is_served_over_https(settings, world):
    settings.thidua_public_url = "https://thidua.example.vn"
    https = client(build_app(console_routes(ConsoleConfig.from_settings(settings))))
    r = https.post(f"/console/login/{link_for(world['hoa'].id)}")
    assert r.status_code == 303 and "Secure" in r.headers["set-cookie"]
    plain = client(build_app(console_routes(ConsoleConfig.from_settings(settings.model_copy(
        update={"thidua_public_url": "http://127.0.0.1:8080"})))))
    r = plain.post(f"/console/login/{link_for(world['hoa'].id)}")
    assert "Secure" not in r.headers["set-cookie"]


def test_pages_carry_security_headers(world, app):
    c = signed_in(app, world["hoa"].id)
    r = c.get("/console")
    assert r.headers["cache-control"] == "no-store" and r.headers["referrer-policy"] == "no-referrer"
    assert "frame-ancestors 'self'" in r.headers["content-security-policy"]
