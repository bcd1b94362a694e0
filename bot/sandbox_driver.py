"""Drive the real bot (PTB Application, polling over HTTP) against the sandbox Bot API, as any number of users.

Used by the end-to-end tests and by `thidua demo`, which also records a transcript.

    alice = await env.user(1001, "Cô Lan")
    await alice.send("/start")
    reply = await alice.expect_reply(contains="Xin chào")
    await alice.press("Nộp báo cáo")
    await alice.upload("bao_cao.pdf", b"%PDF-1.4 ...")
"""
from __future__ import annotations

from dataclasses import dataclass, field

from bot.runtime import BotRuntime
from bot.sandbox import TelegramSandbox

DEFAULT_TIMEOUT = 8.0
OA_PUBLIC_URL = "https://oa.thidua.test"   # the webhook's address as Zalo sees it; the OA sandbox proxies it


def _free_port() -> int:
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class ChatUser:
    env: "E2EEnv"
    user_id: int
    name: str
    seen: int = 0                       # message_id of the last bot message this user has looked at
    inbox: list = field(default_factory=list)

    @property
    def sandbox(self) -> TelegramSandbox:
        return self.env.sandbox

    async def send(self, text: str) -> None:
        self.env.record(self.name, text)
        await self.sandbox.send_text(self.user_id, text)

    async def upload(self, filename: str, data: bytes, mime: str = "application/pdf", caption: str | None = None,
                     media_group_id: str | None = None) -> None:
        size = f"{len(data):,}".replace(",", ".")   # Vietnamese digit grouping
        self.env.record(self.name, f"[tệp {filename}, {size} byte]" + (f" {caption}" if caption else ""))
        await self.sandbox.send_document(self.user_id, filename, data, mime, caption=caption,
                                         media_group_id=media_group_id)

    async def upload_photo(self, data: bytes, caption: str | None = None, media_group_id: str | None = None) -> None:
        self.env.record(self.name, "[ảnh chụp]" + (f" {caption}" if caption else ""))
        await self.sandbox.send_photo(self.user_id, data, caption=caption, media_group_id=media_group_id)

    async def expect_reply(self, contains: str | None = None, timeout: float = DEFAULT_TIMEOUT):
        """The next bot message (after the last one looked at) that contains `contains`."""
        msg = await self.sandbox.wait_for_message(self.user_id, contains=contains, after_message_id=self.seen,
                                                  timeout=timeout)
        self.seen = max(self.seen, msg.message_id)
        self.env.record_bot(self.name, msg)
        return msg

    def messages(self) -> list:
        return self.sandbox.sent(self.user_id)

    def last_with_buttons(self):
        for msg in reversed(self.messages()):
            if msg.reply_markup and msg.reply_markup.get("inline_keyboard"):
                return msg
        raise AssertionError(f"no message with buttons for user {self.user_id}")

    def button_data(self, label: str, message=None) -> tuple[int, str]:
        msg = message or self.last_with_buttons()
        for row in msg.reply_markup["inline_keyboard"]:
            for button in row:
                if button["text"] == label and "callback_data" in button:
                    return msg.message_id, button["callback_data"]
        labels = [b["text"] for row in msg.reply_markup["inline_keyboard"] for b in row]
        raise AssertionError(f"no button {label!r}; buttons: {labels}")

    async def press(self, label: str, message=None) -> None:
        message_id, data = self.button_data(label, message)
        self.env.record(self.name, f"[bấm «{label}»]")
        await self.sandbox.press(self.user_id, message_id, data)

    async def press_nth(self, index: int, message=None) -> None:
        """Press the index-th button (0-based, reading order) of a message: labels may carry dates."""
        msg = message or self.last_with_buttons()
        buttons = [b for row in msg.reply_markup["inline_keyboard"] for b in row if "callback_data" in b]
        self.env.record(self.name, f"[bấm «{buttons[index]['text']}»]")
        await self.sandbox.press(self.user_id, msg.message_id, buttons[index]["callback_data"])

    async def press_raw(self, message_id: int, data: str) -> None:
        await self.sandbox.press(self.user_id, message_id, data)


@dataclass
class ZaloChatUser:
    """A Zalo user: no buttons, so choices are typed (numbers or labels)."""
    env: "E2EEnv"
    user_id: str
    name: str
    seen: int = 0                       # index in the sandbox's record list of the next message to look at

    @property
    def sandbox(self):
        return self.env.zalo_sandbox

    async def send(self, text: str) -> None:
        self.env.record(f"{self.name} (Zalo)", text)
        await self.sandbox.send_text(self.user_id, text)

    async def send_photo(self, data: bytes, caption: str | None = None, shape: str = "photo_url") -> None:
        self.env.record(f"{self.name} (Zalo)", "[ảnh chụp]")
        await self.sandbox.send_photo(self.user_id, data, caption=caption, shape=shape)

    async def expect_reply(self, contains: str | None = None, timeout: float = DEFAULT_TIMEOUT):
        msg = await self.sandbox.wait_for_message(self.user_id, contains=contains, after=self.seen, timeout=timeout)
        self.seen = self.sandbox.sent(self.user_id).index(msg) + 1
        if self.env.transcript is not None:
            body = (msg.text or msg.caption or msg.photo_url or "").replace("\n", "\n   ")
            self.env.transcript.append(f"🤖 → {self.name} (Zalo): {body}")
        return msg


class E2EEnv:
    def __init__(self, settings, transcript: list[str] | None = None, zalo: bool = False, zalo_oa: bool = False):
        self.settings = settings
        self.transcript = transcript      # when a list, every exchange is appended to it
        self.sandbox = TelegramSandbox(token=settings.telegram_bot_token)
        self.zalo_sandbox = None
        if zalo:
            from bot.zalo_sandbox import ZaloSandbox
            self.zalo_sandbox = ZaloSandbox(token="9000:ZALO-SANDBOX-SECRET")
        self.oa_sandbox = None
        if zalo_oa:
            from bot.zalo_oa_sandbox import ZaloOASandbox
            self.oa_sandbox = ZaloOASandbox()
        self.runtime: BotRuntime | None = None
        self.users: dict[int, ChatUser] = {}
        self.zalo_users: dict[str, ZaloChatUser] = {}
        self.oa_users: dict = {}

    async def start(self) -> "E2EEnv":
        await self.sandbox.start()
        self.settings.telegram_api_base_url = self.sandbox.api_base_url
        self.settings.telegram_file_base_url = self.sandbox.file_base_url
        web_port = None
        if self.zalo_sandbox is not None:
            await self.zalo_sandbox.start()
            web_port = _free_port()
            self.settings.zalo_bot_token = "9000:ZALO-SANDBOX-SECRET"
            self.settings.zalo_api_base_url = self.zalo_sandbox.api_base_url
            self.settings.thidua_public_url = f"http://127.0.0.1:{web_port}"
        if self.oa_sandbox is not None:
            web_port = web_port or _free_port()
            await self._connect_oa(web_port)
        self.runtime = BotRuntime(self.settings)
        await self.runtime.start(web_port=web_port, web_host="127.0.0.1" if self.oa_sandbox else None)
        if self.oa_sandbox is not None:   # the console step: Zalo calls the bot's https address (behind a proxy)
            self.oa_sandbox.route(OA_PUBLIC_URL, f"http://127.0.0.1:{web_port}")
            self.oa_sandbox.set_webhook(OA_PUBLIC_URL + self.settings.zalo_oa_webhook_path)
        return self

    async def _connect_oa(self, web_port: int) -> None:
        sb, s = self.oa_sandbox, self.settings
        await sb.start()
        s.zalo_oa_app_id, s.zalo_oa_app_secret, s.zalo_oa_secret_key = sb.app_id, sb.app_secret, sb.oa_secret_key
        s.zalo_oa_refresh_token = sb.issue_tokens()["refresh_token"]
        s.zalo_oa_api_base_url, s.zalo_oa_oauth_url = sb.base_url, sb.oauth_url
        s.thidua_public_url = f"http://127.0.0.1:{web_port}"   # links stay local; Zalo calls OA_PUBLIC_URL

    async def stop(self) -> None:
        if self.runtime:
            await self.runtime.stop()
        await self.sandbox.stop()
        if self.zalo_sandbox is not None:
            await self.zalo_sandbox.stop()
        if self.oa_sandbox is not None:
            await self.oa_sandbox.stop()

    async def oa_user(self, user_id: str, name: str = "Người dùng Zalo OA"):
        """A follower of the sandbox OA (it follows first, as people do before they can write)."""
        from bot.zalo_oa_sandbox import OAChatUser
        if user_id not in self.oa_users:
            self.oa_sandbox.add_user(user_id, name)
            self.oa_users[user_id] = OAChatUser(self, self.oa_sandbox, user_id, name)
        return self.oa_users[user_id]

    async def zalo_user(self, user_id: str, name: str = "Người dùng Zalo") -> ZaloChatUser:
        if user_id not in self.zalo_users:
            self.zalo_sandbox.add_user(user_id, name)
            self.zalo_users[user_id] = ZaloChatUser(self, user_id, name)
        return self.zalo_users[user_id]

    async def user(self, user_id: int, name: str = "Người dùng") -> ChatUser:
        if user_id not in self.users:
            self.sandbox.add_user(user_id, name)
            self.users[user_id] = ChatUser(self, user_id, name)
        return self.users[user_id]

    def record(self, who: str, text: str) -> None:
        if self.transcript is not None:
            self.transcript.append(f"👤 {who}: {text}")

    def record_bot(self, to: str, msg) -> None:
        if self.transcript is None:
            return
        extra = f"\n   📎 {msg.document.file_name}" if msg.document else ("\n   🖼 ảnh" if msg.photo_sizes else "")
        buttons = "".join(f" [{b.text}]" for b in msg.buttons)
        body = (msg.content or "").replace("\n", "\n   ")
        self.transcript.append(f"🤖 → {to}: {body}{extra}" + (f"\n   {buttons.strip()}" if buttons else ""))

    async def outbox_idle(self, timeout: float = DEFAULT_TIMEOUT) -> None:
        await self.runtime.dispatcher.wait_idle(timeout)
