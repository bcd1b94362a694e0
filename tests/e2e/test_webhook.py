"""Webhook mode: the sandbox POSTs updates to the bot's own web server, which checks the secret header."""
import socket

import httpx

from bot.runtime import BotRuntime
from bot.sandbox import TelegramSandbox


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_webhook_delivers_updates_and_refuses_a_wrong_secret(settings):
    sandbox = await TelegramSandbox(token=settings.telegram_bot_token).start()
    settings.telegram_api_base_url, settings.telegram_file_base_url = sandbox.api_base_url, sandbox.file_base_url
    settings.telegram_webhook_secret = "s3cret-webhook-token"
    port = free_port()
    runtime = BotRuntime(settings)
    await runtime.start(webhook_url=f"http://127.0.0.1:{port}", web_port=port, web_host="127.0.0.1")
    try:
        sandbox.add_user(2001, "Cô Hoa")
        await sandbox.send_text(2001, "/help")
        reply = await sandbox.wait_for_message(2001, timeout=8)
        assert "Trợ giúp" in reply.text

        url = f"http://127.0.0.1:{port}/telegram/webhook"
        update = {"update_id": 999, "message": {"message_id": 1, "date": 0, "chat": {"id": 2001, "type": "private"},
                                                 "from": {"id": 2001, "is_bot": False, "first_name": "X"}, "text": "/help"}}
        async with httpx.AsyncClient() as http:
            assert (await http.post(url, json=update)).status_code == 403
            assert (await http.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"})).status_code == 403
    finally:
        await runtime.stop()
        await sandbox.stop()
