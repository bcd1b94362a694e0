"""The Zalo OA adapter's pieces: event signatures, signed button payloads, event shapes, message building,
the token chain (renewed before expiry, one refresh at a time, never logged) and the sender's outcomes,
against the strict OA sandbox."""
import asyncio
import hashlib
import json
import logging
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from bot import texts
from bot.channels import zalo_oa_api as api
from bot.channels.zalo_oa import (ZaloOASender, build_messages, event_signature, sign_choice, signature_ok,
                                  to_inbound, verify_choice)
from bot.channels.zalo_oa_api import OAuthConfig, TokenKeeper, ZaloOAClient, ZaloOATokenError
from bot.samples import sample_jpeg, sample_pdf
from bot.zalo_oa_sandbox import ZaloOASandbox
from db.clock import utcnow
from db.models import ZaloOAToken
from handlers.io import Choice, OutMessage
from schedules.outbox import ResolvedFile

SECRET = b"test-secret"


# ---------------------------------------------------------------------------------------------- signatures

def test_an_event_signature_covers_app_id_body_timestamp_and_the_oa_secret_key():
    body = json.dumps({"app_id": "42", "timestamp": "1700000000000", "event_name": "user_send_text"}).encode()
    expected = "mac=" + hashlib.sha256(b"42" + body + b"1700000000000" + b"oa-key").hexdigest()
    assert event_signature("42", body, "1700000000000", "oa-key") == expected
    assert signature_ok(body, expected, "42", "oa-key")
    assert signature_ok(body, expected[4:], "42", "oa-key")              # without the "mac=" prefix
    assert not signature_ok(body, expected, "42", "another-key")
    assert not signature_ok(body, expected, "43", "oa-key")              # an event of another app
    assert not signature_ok(body + b" ", expected, "42", "oa-key")       # the raw body, byte for byte
    assert not signature_ok(body, None, "42", "oa-key")
    assert not signature_ok(body, expected, "42", "")                    # no key configured: nothing passes


def test_a_choice_payload_is_bound_to_its_chat():
    payload = sign_choice(SECRET, "u1", "g|submit|7")
    assert verify_choice(SECRET, "u1", payload) == "g|submit|7"
    assert verify_choice(SECRET, "u2", payload) is None
    assert verify_choice(SECRET, "u1", payload[:-1] + ("A" if payload[-1] != "A" else "B")) is None
    assert verify_choice(SECRET, "u1", "g|submit|7") is None


# ---------------------------------------------------------------------------------------------- events

def _event(name: str, **fields) -> dict:
    return {"app_id": "42", "event_name": name, "timestamp": "1700000000000", "sender": {"id": "u1"},
            "recipient": {"id": "oa"}, **fields}


def test_event_shapes_become_inbound():
    text = to_inbound(_event("user_send_text", message={"msg_id": "m1", "text": "/start AB12-CD34"}), SECRET)
    assert (text.command, text.args, text.update_key, text.has_buttons) == ("start", "AB12-CD34", "m1", True)
    tap = to_inbound(_event("user_send_text", message={"msg_id": "m2", "text": sign_choice(SECRET, "u1", "x")}),
                     SECRET)
    assert (tap.choice, tap.forged, tap.text) == ("x", False, None)
    forged = to_inbound(_event("user_send_text", message={"msg_id": "m3", "text": "#td:x#AAAAAAAAAAA"}), SECRET)
    assert forged.forged and forged.choice is None
    image = to_inbound(_event("user_send_image", message={"mid": "m4", "text": "trang 1", "attachments": [
        {"type": "image", "payload": {"url": "https://cdn.example/a.jpg", "thumbnail": "https://cdn.example/t.jpg"}}]}),
        SECRET)
    assert (image.update_key, image.text, image.files[0].ref, image.files[0].kind) == \
        ("m4", "trang 1", "https://cdn.example/a.jpg", "photo")
    file = to_inbound(_event("user_send_file", message={"msg_id": "m5", "attachments": [{"type": "file", "payload": {
        "url": "https://cdn.example/f", "name": "bao_cao.docx", "size": "2128", "type": "docx"}}]}), SECRET)
    f = file.files[0]
    assert (f.name, f.size, f.kind, f.mime) == ("bao_cao.docx", 2128, "document", api.FILE_TYPES[".docx"])
    sticker = to_inbound(_event("user_send_sticker", message={"msg_id": "m6", "attachments": [
        {"type": "sticker", "payload": {"id": "s", "url": "https://cdn.example/s"}}]}), SECRET)
    assert sticker.text == "" and not sticker.files                    # answered as unsupported content


def test_follow_greets_and_deliveries_or_our_own_echoes_are_not_messages():
    follow = to_inbound({"app_id": "42", "event_name": "follow", "timestamp": "1", "oa_id": "oa",
                         "follower": {"id": "u9"}}, SECRET)
    assert (follow.chat_id, follow.command) == ("u9", "start")
    for name in ("user_received_message", "user_seen_message", "oa_send_text"):
        assert to_inbound(_event(name, message={"msg_id": "m"}), SECRET) is None
    assert to_inbound({"event_name": "user_send_text", "message": {"text": "hi"}}, SECRET) is None   # no sender


# ---------------------------------------------------------------------------------------------- messages

def test_buttons_go_five_to_a_message_and_long_text_is_cut_at_2000():
    choices = [[Choice(f"Lựa chọn {i}", f"d{i}")] for i in range(7)]
    out = build_messages(SECRET, "u1", OutMessage("x" * 2500, choices=choices), links=["Tải lên: https://l"])
    assert [len(m["text"]) <= 2000 for m in out] == [True] * len(out)
    assert "attachment" not in out[0]
    first, more = out[-2]["attachment"]["payload"]["buttons"], out[-1]["attachment"]["payload"]["buttons"]
    assert len(first) == 5 and len(more) == 2 and out[-1]["text"] == texts.OA_MORE_CHOICES
    assert verify_choice(SECRET, "u1", more[1]["payload"]) == "d6"
    assert "Tải lên: https://l" in "".join(m["text"] for m in out)
    long_label = build_messages(SECRET, "u1", OutMessage("?", choices=[[Choice("a" * 150, "d")]]), [])
    assert len(long_label[0]["attachment"]["payload"]["buttons"][0]["title"]) == 100


def test_what_zalo_takes_as_a_file_or_an_image():
    assert api.upload_kind("KH.pdf", 1000, False) == "file"
    assert api.upload_kind("KH.docx", api.FILE_LIMIT, False) == "file"
    assert api.upload_kind("KH.pdf", api.FILE_LIMIT + 1, False) is None          # too big: a link instead
    assert api.upload_kind("bang.xlsx", 1000, False) is None                      # not a type Zalo takes
    assert api.upload_kind("anh.jpg", 1000, True) == "image"
    assert api.upload_kind("anh.jpg", api.IMAGE_LIMIT + 1, True) is None


# ---------------------------------------------------------------------------------------------- tokens

@pytest.fixture
async def oa():
    sandbox = await ZaloOASandbox().start()
    try:
        yield sandbox
    finally:
        await sandbox.stop()


@pytest.fixture
async def http():
    async with httpx.AsyncClient() as client:
        yield client


def keeper_for(oa: ZaloOASandbox, http: httpx.AsyncClient, **kwargs) -> TokenKeeper:
    return TokenKeeper(OAuthConfig(oa.app_id, oa.app_secret, oa.oauth_url), http, **kwargs)


async def test_the_token_is_renewed_before_it_runs_out_and_stored_for_everyone(db, oa, http):
    tokens = oa.issue_tokens()
    keeper = keeper_for(oa, http)
    keeper.seed(tokens["refresh_token"], tokens["access_token"], utcnow() + timedelta(minutes=30))
    fresh = await keeper.access_token()               # 30 minutes left: under the hour kept in hand
    assert fresh != tokens["access_token"] and oa.stats["refreshes"] == 1
    with db() as s:
        row = s.get(ZaloOAToken, oa.app_id)
        assert row.access_token == fresh and row.access_expires_at > utcnow() + timedelta(hours=24)
    assert await keeper_for(oa, http).access_token() == fresh     # another process: no refresh of its own
    assert oa.stats["refreshes"] == 1


async def test_the_configured_refresh_token_seeds_the_chain_once(db, oa, http):
    first = oa.issue_tokens()["refresh_token"]
    keeper = keeper_for(oa, http)
    keeper.seed(first, None, None)
    await keeper.access_token()                       # spends `first`
    keeper_for(oa, http).seed(first, None, None)      # a restart with the same environment
    assert oa.stats["refresh_refused"] == 0 and await keeper.access_token()
    second = oa.issue_tokens()["refresh_token"]       # the deployer set a new one
    keeper.seed(second, None, None)
    with db() as s:
        assert s.get(ZaloOAToken, oa.app_id).refresh_token == second


async def test_two_processes_refreshing_at_once_spend_the_refresh_token_once(db, oa, http):
    keeper_for(oa, http).seed(oa.issue_tokens()["refresh_token"], None, None)
    a, b = keeper_for(oa, http), keeper_for(oa, http)
    got = await asyncio.gather(a.access_token(), b.access_token())
    assert got[0] == got[1] and oa.stats["refreshes"] == 1 and oa.stats["refresh_refused"] == 0


async def test_a_refused_refresh_frees_the_lease_and_says_why(db, oa, http):
    keeper = keeper_for(oa, http)
    keeper.seed("not-a-token-zalo-knows", None, None)
    with pytest.raises(ZaloOATokenError) as refused:
        await keeper.access_token()
    assert "refresh token" in refused.value.message
    with db() as s:
        assert s.get(ZaloOAToken, oa.app_id).refreshing_until is None


async def test_a_216_renews_the_token_once_and_tokens_never_reach_the_log(db, oa, http, caplog):
    caplog.set_level(logging.DEBUG)
    tokens = oa.issue_tokens()
    keeper = keeper_for(oa, http)
    keeper.seed(tokens["refresh_token"], tokens["access_token"], utcnow() + timedelta(hours=20))
    client = ZaloOAClient(keeper, http, oa.base_url)
    oa.expire_access_tokens()
    assert (await client.get_oa())["name"] == oa.oa_name
    assert oa.stats["token_refused"] == 1 and oa.stats["refreshes"] == 1
    with db() as s:
        row = s.get(ZaloOAToken, oa.app_id)
    logged = caplog.text
    for secret in (tokens["access_token"], tokens["refresh_token"], row.access_token, row.refresh_token, oa.app_secret):
        assert secret not in logged


# ---------------------------------------------------------------------------------------------- sending

@pytest.fixture
async def sender(db, oa, http, tmp_path):
    keeper = keeper_for(oa, http)
    keeper.seed(oa.issue_tokens()["refresh_token"], None, None)
    oa.set_webhook("https://bot.example.vn/zalo-oa/webhook")
    oa.route("https://bot.example.vn", "http://127.0.0.1:9")      # nobody listens: events are not needed here
    return ZaloOASender(ZaloOAClient(keeper, http, oa.base_url), "https://bot.example.vn", SECRET)


def _stored(tmp_path: Path, name: str, data: bytes, file_id: int, kind: str = "document") -> ResolvedFile:
    path = tmp_path / f"blob-{file_id}"
    path.write_bytes(data)
    return ResolvedFile(name, path, api.guess_mime(name), kind, file_id)


def _in_window(oa: ZaloOASandbox, user_id: str) -> None:
    oa.add_user(user_id, "Cô Lan")
    oa._users[user_id].last_wrote = oa.now()


async def test_files_are_uploaded_once_and_what_zalo_refuses_goes_as_a_link(sender, oa, tmp_path):
    for user in ("u1", "u2"):
        _in_window(oa, user)
    pdf, photo = _stored(tmp_path, "KH.pdf", sample_pdf("kh"), 1), _stored(tmp_path, "anh.jpg", sample_jpeg("a"), 2, "photo")
    sheet = _stored(tmp_path, "bang.xlsx", b"PK\x03\x04 sheet", 3)
    message = OutMessage("Kế hoạch", choices=[[Choice("Đã nhận", "ack")]])
    results = await asyncio.gather(*(sender.send(u, message, [pdf, photo, sheet], None) for u in ("u1", "u2")))
    assert all(r.ok and r.message_id for r in results)
    assert (oa.stats["upload_file"], oa.stats["upload_image"]) == (1, 1)
    kinds = [m.kind for m in oa.sent("u1")]
    assert kinds == ["file", "image", "text"]
    assert oa.sent("u1")[0].data == sample_pdf("kh") and oa.sent("u1")[0].file_name == "KH.pdf"
    last = oa.sent("u1")[-1]
    assert "📎 bang.xlsx: https://bot.example.vn/tep/" in last.text and last.labels == ["Đã nhận"]


async def test_outside_the_window_the_contact_is_reported_blocked_not_retried(sender, oa):
    _in_window(oa, "u3")
    oa.advance(48 * 3600 + 60)
    result = await sender.send("u3", OutMessage("Nhắc hạn"), [], None)
    assert result.blocked and "48-hour" in result.error and not oa.sent("u3")
    _in_window(oa, "u4")
    for i in range(8):                                  # eight answers per window, then Zalo stops them too
        assert (await sender.send("u4", OutMessage(f"tin {i}"), [], None)).ok
    assert (await sender.send("u4", OutMessage("tin 9"), [], None)).blocked


async def test_a_message_zalo_refuses_is_not_retried(sender, oa, monkeypatch):
    _in_window(oa, "u5")
    monkeypatch.setattr("bot.channels.zalo_oa.build_messages", lambda *a: [{"text": "x" * 2001}])
    result = await sender.send("u5", OutMessage("x"), [], None)
    assert result.permanent and not result.ok


# ---------------------------------------------------------------------------------------------- the sandbox

async def test_the_sandbox_is_as_strict_as_zalo(oa, http):
    for url in ("http://bot.example.vn/hook", "https://127.0.0.1/hook", "https://localhost/hook",
                "https://192.168.1.5/hook"):
        with pytest.raises(ValueError):
            oa.set_webhook(url)
    tokens = oa.issue_tokens()
    headers = {"access_token": tokens["access_token"]}

    async def upload(kind: str, name: str, data: bytes) -> dict:
        r = await http.post(f"{oa.base_url}/v2.0/oa/upload/{kind}", headers=headers, files={"file": (name, data)})
        return r.json()
    assert (await upload("file", "a.pdf", b"%PDF" + b"0" * api.FILE_LIMIT))["error"] == -210
    assert (await upload("file", "a.pdf", b"MZ not a pdf"))["error"] == -211
    assert (await upload("image", "a.jpg", sample_jpeg("x") + b"0" * api.IMAGE_LIMIT))["error"] == -210
    assert (await upload("file", "a.pdf", sample_pdf("ok")))["error"] == 0
    form = {"app_id": oa.app_id, "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    first = (await http.post(oa.oauth_url, data=form, headers={"secret_key": oa.app_secret})).json()
    again = (await http.post(oa.oauth_url, data=form, headers={"secret_key": oa.app_secret})).json()
    assert first["access_token"] and isinstance(first["expires_in"], str) and again["error"] == -14014
    oa.advance(90001)                                   # 25 hours on: the access token is dead
    r = await http.get(f"{oa.base_url}/v2.0/oa/getoa", headers={"access_token": first["access_token"]})
    assert r.status_code == 200 and r.json()["error"] == -216
    oa.add_user("u1", "Cô Lan")
    await_cs = await http.post(f"{oa.base_url}/v3.0/oa/message/cs", headers=headers,
                               json={"recipient": {"user_id": "u1"}, "message": {"text": "chào"}})
    assert await_cs.json()["error"] == -216


async def test_a_channel_whose_refresh_token_zalo_refuses_does_not_start_and_says_so(db, oa):
    from bot.channels.errors import ChannelStartError
    from bot.channels.zalo_oa import ZaloOAChannel
    from bot.cli import start_failure

    async def ignore(inbound, channel):
        return None
    channel = ZaloOAChannel(app_id=oa.app_id, app_secret=oa.app_secret, oa_secret_key=oa.oa_secret_key,
                            api_base_url=oa.base_url, oauth_url=oa.oauth_url, public_url="https://x.vn",
                            secret=SECRET, on_inbound=ignore)
    try:
        with pytest.raises(ChannelStartError) as failed:
            await channel.start(refresh_token="spent-refresh-token")
        assert failed.value.reason == "token"
        assert start_failure(failed.value) == texts.CLI_RUN_TOKEN_REJECTED["zalo_oa"]
        await channel.start(refresh_token=oa.issue_tokens()["refresh_token"])   # a new one: it starts
        assert channel.oa_name == oa.oa_name
    finally:
        await channel.stop()


async def test_an_idle_channel_renews_its_token_before_it_runs_out(db, oa):
    from bot.channels.zalo_oa import ZaloOAChannel

    async def ignore(inbound, channel):
        return None
    tokens = oa.issue_tokens()
    channel = ZaloOAChannel(app_id=oa.app_id, app_secret=oa.app_secret, oa_secret_key=oa.oa_secret_key,
                            api_base_url=oa.base_url, oauth_url=oa.oauth_url, public_url="https://x.vn",
                            secret=SECRET, on_inbound=ignore, renew_every_s=0.05)
    try:
        await channel.start(refresh_token=tokens["refresh_token"], access_token=tokens["access_token"],
                            access_expires_at=utcnow() + timedelta(hours=3))
        assert oa.stats["refreshes"] == 0                   # three hours left: nothing to do yet
        with db() as s:                                     # time passes: 50 minutes left
            s.get(ZaloOAToken, oa.app_id).access_expires_at = utcnow() + timedelta(minutes=50)

        async def renewed():
            while oa.stats["refreshes"] == 0:
                await asyncio.sleep(0.01)
        await asyncio.wait_for(renewed(), timeout=5)        # no message sent: the renewer did it
    finally:
        await channel.stop()


def test_a_tap_reported_as_user_click_button_is_a_choice_too():
    tap = to_inbound(_event("user_click_button", message={"msg_id": "c1", "text": sign_choice(SECRET, "u1", "ack")}),
                     SECRET)
    assert tap.choice == "ack" and not tap.forged
