"""Two `thidua run` processes behind a load balancer: a new chat whose first messages reach different
processes gets every one of them answered, with no error logged (creating the conversation and marking the
update are insert-on-conflict; a lost race is retried)."""
import asyncio
import socket

import httpx
import pytest

pytestmark = pytest.mark.reliability

CHATS = 30
SECRET = "balancer-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def command_update(box, update_id: int, user_id: int, text: str) -> dict:
    message = box._user_message(user_id, text=text)
    message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"update_id": update_id, "message": message}


async def wait_healthy(port: int) -> None:
    async with httpx.AsyncClient() as http:
        for _ in range(300):
            try:
                if (await http.post(f"http://127.0.0.1:{port}/telegram/webhook", json={})).status_code == 403:
                    return          # up, and refusing a call without the secret
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.1)
    raise AssertionError(f"bot on port {port} did not come up")


async def test_first_messages_of_new_chats_split_across_two_processes_are_all_answered(sandbox, bots, bot_env):
    bot_env["TELEGRAM_WEBHOOK_SECRET"] = SECRET
    ports = [free_port(), free_port()]
    procs = [bots("--webhook", f"http://127.0.0.1:{p}", "--port", str(p)) for p in ports]
    await asyncio.gather(*(wait_healthy(p) for p in ports))
    users = [70_000 + i for i in range(CHATS)]
    for u in users:
        sandbox.add_user(u, f"Người {u}")
    async with httpx.AsyncClient(headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}) as http:
        calls = []
        for i, u in enumerate(users):   # message 1 to one process, message 2 to the other, at the same time
            calls.append(http.post(f"http://127.0.0.1:{ports[0]}/telegram/webhook",
                                   json=command_update(sandbox, 10_000 + 2 * i, u, "/help")))
            calls.append(http.post(f"http://127.0.0.1:{ports[1]}/telegram/webhook",
                                   json=command_update(sandbox, 10_001 + 2 * i, u, "/viec")))
        answers = await asyncio.gather(*calls)
    assert {a.status_code for a in answers} == {200}
    await sandbox.wait_for(lambda: all(len(sandbox.sent(u)) >= 2 for u in users), timeout=60)
    assert all(len(sandbox.sent(u)) == 2 for u in users)   # each message answered once
    for proc in procs:
        assert "Traceback" not in proc.output() and "ERROR" not in proc.output(), proc.output()[-3000:]
