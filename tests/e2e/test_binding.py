"""The whole journey of a roster: `thidua units import` and `invite`, then schools bind with /start <token>."""
from datetime import timedelta

import pytest
from openpyxl import Workbook, load_workbook
from sqlmodel import select

from bot import texts
from db import invites
from db.clock import utcnow
from db.models import Contact, Invite

ROSTER = [
    ["PHÒNG GIÁO DỤC VÀ ĐÀO TẠO QUẬN 1"],
    [],
    ["STT", "MA DON VI", "Tên  đơn vị", "cap hoc", "cum thi dua", "Người đầu mối", "Số điện thoại"],
    [1, "TH01", "Trường Tiểu học Lê Lợi", "Tiểu học", "Cụm 1", "Nguyễn Văn An", "0912 345 678"],
    [2, "TH02", "Trường Tiểu học Kim Đồng", "Tiểu học", "Cụm 1", "Trần Thị Bình", "0987 654 321"],
]
MENU = [texts.MENU_SUBMIT, texts.MENU_NOMINATE, texts.MENU_TODO, texts.MENU_HELP]


@pytest.fixture
def tokens(e2e, thidua, tmp_path) -> dict[str, str]:
    """Import the roster and create invites (3 uses each) through the CLI; {unit code: token} from the sheet."""
    workbook = Workbook()
    for row in ROSTER:
        workbook.active.append(row)
    workbook.save(tmp_path / "ds.xlsx")
    assert thidua("units", "import", tmp_path / "ds.xlsx", "--office", "Phòng GD&ĐT Quận 1")[0] == 0
    assert thidua("units", "invite", "--out", tmp_path / "moi", "--max-uses", "3")[0] == 0
    rows = list(load_workbook(tmp_path / "moi" / "danh-sach-loi-moi.xlsx").active.iter_rows(values_only=True))
    return {row[0]: row[7] for row in rows[1:]}


async def test_a_school_binds_with_the_link_from_the_roster(e2e, tokens, db):
    lan = await e2e.user(2001, "Cô Lan")
    await lan.send(f"/start {tokens['TH01']}")
    reply = await lan.expect_reply(contains="Trường Tiểu học Lê Lợi")
    assert reply.text == texts.BOUND.format(unit="Trường Tiểu học Lê Lợi", code="TH01")
    assert [b.text for b in reply.buttons] == MENU
    await lan.send("/start")
    assert (await lan.expect_reply()).text == texts.WELCOME_BACK_CONTACT.format(unit="Trường Tiểu học Lê Lợi")
    with db() as s:
        (contact,) = s.exec(select(Contact)).all()
    assert (contact.chat_id, contact.display_name) == ("2001", "Cô Lan")


async def test_bad_expired_and_revoked_tokens_are_explained(e2e, tokens, thidua, db):
    stranger = await e2e.user(2002, "Người lạ")
    await stranger.send("/start khongphaimamoi1234567")
    assert (await stranger.expect_reply()).text == texts.INVITE_PROBLEMS["unknown"]

    with db() as s:  # the TH02 invite reaches its expiry
        invite = s.exec(select(Invite).where(Invite.token_hash == invites.hash_token(tokens["TH02"]))).one()
        invite.expires_at = utcnow() - timedelta(minutes=1)
        s.add(invite)
    await stranger.send(f"/start {tokens['TH02']}")
    assert (await stranger.expect_reply()).text == texts.INVITE_PROBLEMS["expired"]

    assert thidua("units", "revoke", "--unit", "TH01")[0] == 0
    await stranger.send(f"/start {tokens['TH01']}")
    assert (await stranger.expect_reply()).text == texts.INVITE_PROBLEMS["revoked"]
    await stranger.send("/help")
    assert (await stranger.expect_reply()).text == texts.HELP_UNBOUND    # still bound to nothing


async def test_a_fourth_person_is_refused_when_the_invite_allows_three(e2e, tokens, db):
    for user_id, name in [(2011, "Cô Hoa"), (2012, "Thầy Minh"), (2013, "Cô Thu")]:
        member = await e2e.user(user_id, name)
        await member.send(f"/start {tokens['TH02']}")
        assert [b.text for b in (await member.expect_reply(contains="Kim Đồng")).buttons] == MENU
    fourth = await e2e.user(2014, "Thầy Nam")
    await fourth.send(f"/start {tokens['TH02']}")
    assert (await fourth.expect_reply()).text == texts.INVITE_PROBLEMS["used_up"]
    with db() as s:
        assert sorted(c.chat_id for c in s.exec(select(Contact)).all()) == ["2011", "2012", "2013"]

