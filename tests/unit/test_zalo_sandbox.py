"""The Zalo sandbox's wire behaviour, checked with raw httpx (not our client)."""

import asyncio

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.channels.zalo_api import normalize_update
from bot.zalo_sandbox import WEBHOOK_SECRET_HEADER, LocalAsgiServer, ZaloSandbox

TOKEN = "zalo-bot-id:SECRET"
WEBHOOK_SECRET = "webhook-secret-123"


class WebhookReceiver:
    """A tiny starlette app that records what the sandbox POSTs to it."""

    def __init__(self):
        self.calls: list[tuple[str | None, dict]] = []
        self._arrived = asyncio.Condition()
        self.server = LocalAsgiServer(Starlette(routes=[Route("/hook", self._hook, methods=["POST"])]))

    @property
    def url(self) -> str:
        return f"{self.server.url}/hook"

    async def _hook(self, request: Request) -> JSONResponse:
        async with self._arrived:
            self.calls.append((request.headers.get(WEBHOOK_SECRET_HEADER), await request.json()))
            self._arrived.notify_all()
        return JSONResponse({"ok": True})

    async def wait_for_calls(self, count: int, timeout: float = 5.0) -> None:
        async with self._arrived:
            await asyncio.wait_for(self._arrived.wait_for(lambda: len(self.calls) >= count), timeout)


# The sandbox's own mechanics are tested with a local http receiver and made-up photo URLs, so this fixture
# relaxes the two checks that need the real Internet; the strict defaults have their own tests below.
LENIENT = dict(require_https_webhook=False, fetch_photos=False)


@pytest.fixture
async def sandbox():
    async with ZaloSandbox(token=TOKEN, **LENIENT) as sb:
        sb.add_user("u1", "Cô Lan")
        yield sb


@pytest.fixture
async def api(sandbox):
    async with httpx.AsyncClient(base_url=f"{sandbox.api_base_url}{TOKEN}/") as http:
        yield http


@pytest.fixture
async def receiver():
    hook = WebhookReceiver()
    async with hook.server:
        yield hook


# --------------------------------------------------------------------------- basics


async def test_api_base_url_points_at_local_port(sandbox):
    assert sandbox.api_base_url == f"http://127.0.0.1:{sandbox.port}/bot"


async def test_wrong_token_is_401(sandbox):
    async with httpx.AsyncClient() as http:
        response = await http.post(f"{sandbox.api_base_url}zalo-bot-id:WRONG/getMe", json={})
    assert response.status_code == 401
    assert response.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}


async def test_get_updates_returns_one_object_then_408(api, sandbox):
    await sandbox.send_text("u1", "xin chào")
    response = await api.post("getUpdates", json={"timeout": 1})
    body = response.json()
    assert body["ok"] is True
    assert body["result"]["event_name"] == "message.text.received"
    assert body["result"]["message"]["text"] == "xin chào"
    assert body["result"]["message"]["from"] == {"id": "u1", "display_name": "Cô Lan", "is_bot": False}
    idle = await api.post("getUpdates", json={"timeout": 0.1})
    assert idle.status_code == 408
    assert idle.json() == {"ok": False, "error_code": 408, "description": "Request timeout"}


async def test_redeliver_next_hands_the_same_update_out_again(api, sandbox):
    sandbox.redeliver_next()
    await sandbox.send_text("u1", "một")
    first = (await api.post("getUpdates", json={"timeout": 1})).json()["result"]
    again = (await api.post("getUpdates", json={"timeout": 1})).json()["result"]
    assert first == again
    assert (await api.post("getUpdates", json={"timeout": 0.05})).status_code == 408


async def test_send_message_length_limit(api, sandbox):
    assert (await api.post("sendMessage", json={"chat_id": "u1", "text": "x" * 2000})).json()["ok"] is True
    for bad_text in ("x" * 2001, ""):
        response = await api.post("sendMessage", json={"chat_id": "u1", "text": bad_text})
        assert response.status_code == 400
        assert response.json()["ok"] is False
    assert [len(r.text) for r in sandbox.sent("u1")] == [2000]


async def test_send_chat_action_answers_ok_only(api, sandbox):
    response = await api.post("sendChatAction", json={"chat_id": "u1", "action": "typing"})
    assert response.json() == {"ok": True}
    assert sandbox.chat_actions("u1") == ["typing"]


async def test_http_200_fault_carries_ok_false(api, sandbox):
    sandbox.inject_fault("sendMessage", status=200, error_code=500, description="internal")
    response = await api.post("sendMessage", json={"chat_id": "u1", "text": "a"})
    assert response.status_code == 200
    assert response.json() == {"ok": False, "error_code": 500, "description": "internal"}
    assert (await api.post("sendMessage", json={"chat_id": "u1", "text": "a"})).json()["ok"] is True


async def test_rate_limit_answers_429(api, sandbox):
    sandbox.rate_limit_per_s = 2
    statuses = [(await api.post("sendMessage", json={"chat_id": "u1", "text": "a"})).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert sandbox.stats.http_429 == 1


# --------------------------------------------------------------------------- photos


async def test_user_photo_is_served_by_the_sandbox(api, sandbox):
    jpeg = b"\xff\xd8\xff\xe0fake-jpeg-bytes"
    await sandbox.send_photo("u1", jpeg, caption="minh chứng")
    update = normalize_update((await api.post("getUpdates", json={"timeout": 1})).json())
    assert update.event_name == "message.image.received"
    assert update.caption == "minh chứng"
    assert update.photo_url.startswith(sandbox.base_url + "/photos/")
    async with httpx.AsyncClient() as http:
        photo = await http.get(update.photo_url)
        missing = await http.get(f"{sandbox.base_url}/photos/nope.jpg")
    assert photo.content == jpeg
    assert photo.headers["content-type"] == "image/jpeg"
    assert missing.status_code == 404


async def test_bot_send_photo_is_recorded(api, sandbox):
    await api.post("sendPhoto", json={"chat_id": "u1", "photo": "https://example.org/p.png", "caption": "bảng"})
    record = await sandbox.wait_for_message("u1", contains="bảng")
    assert (record.method, record.photo_url) == ("sendPhoto", "https://example.org/p.png")
    bad = await api.post("sendPhoto", json={"chat_id": "u1", "photo": "not-a-url"})
    assert bad.status_code == 400


# --------------------------------------------------------------------------- webhooks


async def test_webhook_delivery_alternates_envelopes_with_secret_header(api, sandbox, receiver):
    setting = await api.post("setWebhook", json={"url": receiver.url, "secret_token": WEBHOOK_SECRET})
    assert setting.json()["result"]["url"] == receiver.url
    await sandbox.send_text("u1", "một")
    await sandbox.send_text("u1", "hai")
    await receiver.wait_for_calls(2)
    (secret1, wrapped), (secret2, bare) = receiver.calls
    assert secret1 == secret2 == WEBHOOK_SECRET
    assert wrapped["ok"] is True and wrapped["result"]["message"]["text"] == "một"
    assert "ok" not in bare and bare["message"]["text"] == "hai"
    assert [normalize_update(body).text for _, body in receiver.calls] == ["một", "hai"]
    assert [d.shape for d in sandbox.webhook_deliveries] == ["wrapped", "bare"]


@pytest.mark.parametrize("shape", ["wrapped", "bare"])
async def test_webhook_envelope_is_configurable(receiver, shape):
    async with ZaloSandbox(token=TOKEN, webhook_envelope=shape, **LENIENT) as sb:
        async with httpx.AsyncClient() as http:
            await http.post(f"{sb.api_base_url}{TOKEN}/setWebhook",
                            json={"url": receiver.url, "secret_token": WEBHOOK_SECRET})
        for text in ("a", "b"):
            await sb.send_text("u1", text)
        await receiver.wait_for_calls(2)
    assert all(("result" in body) == (shape == "wrapped") for _, body in receiver.calls)


async def test_updates_queued_before_set_webhook_are_pushed(api, sandbox, receiver):
    await sandbox.send_text("u1", "đến trước")
    sandbox.redeliver_next()
    await api.post("setWebhook", json={"url": receiver.url, "secret_token": WEBHOOK_SECRET})
    await receiver.wait_for_calls(2)
    ids = [normalize_update(body).message_id for _, body in receiver.calls]
    assert ids[0] == ids[1]  # a webhook redelivery: same message twice
    assert sandbox.pending_updates == 0


async def test_webhook_rules(api):
    assert (await api.post("getWebhookInfo", json={})).status_code == 404
    short = await api.post("setWebhook", json={"url": "https://x.org/h", "secret_token": "short"})
    assert short.status_code == 400
    await api.post("setWebhook", json={"url": "https://x.org/h", "secret_token": WEBHOOK_SECRET})
    info = (await api.post("getWebhookInfo", json={})).json()["result"]
    assert info["url"] == "https://x.org/h" and WEBHOOK_SECRET not in str(info)
    refused = await api.post("getUpdates", json={"timeout": 0.1})
    assert refused.status_code == 409 and refused.json()["ok"] is False
    assert (await api.post("deleteWebhook", json={})).json()["result"]["url"] == ""


# --------------------------------------------------------------------------- test-side helpers


async def test_wait_for_message_uses_after_and_predicate(api, sandbox):
    waiter = asyncio.create_task(sandbox.wait_for_message("u1", contains="kết quả", after=1))
    for text in ("kết quả cũ", "khác", "kết quả mới"):
        await api.post("sendMessage", json={"chat_id": "u1", "text": text})
    assert (await asyncio.wait_for(waiter, 5)).text == "kết quả mới"
    by_predicate = await sandbox.wait_for_message("u1", predicate=lambda r: r.text == "khác")
    assert by_predicate.method == "sendMessage"
    with pytest.raises(TimeoutError):
        await sandbox.wait_for_message("u1", contains="không có", timeout=0.1)
    assert sandbox.stats.sent_messages == 3


# --------------------------------------------------------------------------- strict like Zalo (the defaults)

async def test_by_default_a_plain_http_webhook_is_refused():
    async with ZaloSandbox(token=TOKEN) as sb, httpx.AsyncClient() as http:
        r = await http.post(f"{sb.api_base_url}{TOKEN}/setWebhook",
                            json={"url": "http://127.0.0.1:8080/zalo/webhook", "secret_token": WEBHOOK_SECRET})
    assert r.json()["ok"] is False and "https" in r.json()["description"]


async def test_by_default_a_photo_url_zalo_cannot_download_fails_the_send():
    async with ZaloSandbox(token=TOKEN) as sb, httpx.AsyncClient() as http:
        sb.add_user("u1", "Cô Lan")
        r = await http.post(f"{sb.api_base_url}{TOKEN}/sendPhoto",
                            json={"chat_id": "u1", "photo": "http://127.0.0.1:9/khong-co.png"})
    assert r.json()["ok"] is False and sb.sent("u1") == []


async def test_a_spent_quota_answers_429_quota_exceeded():
    async with ZaloSandbox(token=TOKEN, monthly_quota=2) as sb, httpx.AsyncClient() as http:
        sb.add_user("u1", "Cô Lan")
        codes = [(await http.post(f"{sb.api_base_url}{TOKEN}/sendMessage",
                                  json={"chat_id": "u1", "text": f"tin {i}"})) for i in range(3)]
    assert [c.status_code for c in codes] == [200, 200, 429]
    assert codes[2].json()["description"] == "Quota exceeded" and len(sb.sent("u1")) == 2
