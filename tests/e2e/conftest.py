import pytest

from tests.support.e2e import E2EEnv


@pytest.fixture
async def e2e(settings):
    """The real bot against a fresh sandbox and a fresh database."""
    settings.conversation_timeout_minutes = 30
    env = await E2EEnv(settings).start()
    try:
        yield env
    finally:
        await env.stop()


@pytest.fixture
async def e2e_zalo(settings):
    """The real bot with both channels: Telegram and Zalo sandboxes."""
    env = await E2EEnv(settings, zalo=True).start()
    try:
        yield env
    finally:
        await env.stop()


@pytest.fixture
async def e2e_oa(settings):
    """The real bot with Telegram and a Zalo Official Account (the OA sandbox calls the bot's webhook)."""
    env = await E2EEnv(settings, zalo_oa=True).start()
    try:
        yield env
    finally:
        await env.stop()
