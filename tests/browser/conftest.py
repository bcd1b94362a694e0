"""Real-browser tests: Debian's headless Chromium (/usr/bin/chromium) driven by Playwright, against the real
bot (sandbox Telegram) with its web server on loopback. Skipped, with the reason, when either is missing."""
from __future__ import annotations

import os
import shutil
import tempfile

import pytest

from bot.runtime import BotRuntime
from bot.sandbox_driver import E2EEnv, _free_port

CHROMIUM = os.environ.get("THIDUA_CHROMIUM", "/usr/bin/chromium")
# As root in a container Chromium needs --no-sandbox; the machine's network is closed, so the background
# services (updates, sync, field trials) must not even try.
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]


def _missing() -> str | None:
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"Chromium not found at {CHROMIUM} (apt-get install -y chromium; .ci/run installs it)"
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return "the Python package playwright is not installed (pip install -e '.[dev]')"
    return None


class ConsoleEnv(E2EEnv):
    """The e2e harness with the bot's web server on a free loopback port (the console lives there)."""

    async def start(self) -> "ConsoleEnv":
        await self.sandbox.start()
        self.settings.telegram_api_base_url = self.sandbox.api_base_url
        self.settings.telegram_file_base_url = self.sandbox.file_base_url
        port = _free_port()
        self.settings.thidua_public_url = f"http://127.0.0.1:{port}"
        self.runtime = BotRuntime(self.settings)
        await self.runtime.start(web_port=port)
        return self


@pytest.fixture
async def console_env(settings):
    env = await ConsoleEnv(settings).start()
    try:
        yield env
    finally:
        await env.stop()


@pytest.fixture
async def browser():
    why = _missing()
    if why:
        pytest.skip(why)
    from playwright.async_api import async_playwright
    profile = tempfile.mkdtemp(prefix="thidua-chromium-")   # a fresh profile every run
    async with async_playwright() as pw:
        context = await pw.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, locale="vi-VN",
            viewport={"width": 1280, "height": 860})
        try:
            yield context
        finally:
            await context.close()
            shutil.rmtree(profile, ignore_errors=True)
