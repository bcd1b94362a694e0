"""`thidua doctor` against the two sandboxes: one line per check, ❌ with what to do, never the token."""
from pathlib import Path

import pytest

from bot import texts
from bot.doctor import run_checks
from bot.sandbox import TelegramSandbox
from bot.settings import Settings
from bot.zalo_sandbox import ZaloSandbox
from db.migrate import upgrade

TG_TOKEN, ZALO_TOKEN = "123456:DOCTOR-TG-SECRET", "987654:DoctorZaloSecret"


@pytest.fixture
async def platforms():
    tg, zalo = TelegramSandbox(TG_TOKEN), ZaloSandbox(token=ZALO_TOKEN)
    await tg.start()
    await zalo.start()
    try:
        yield tg, zalo
    finally:
        await tg.stop()
        await zalo.stop()


def configured(tmp_path: Path, tg, zalo, **overrides) -> Settings:
    values = dict(_env_file=None, telegram_bot_token=TG_TOKEN, zalo_bot_token=ZALO_TOKEN,
                  telegram_api_base_url=tg.api_base_url, zalo_api_base_url=zalo.api_base_url,
                  database_url=f"sqlite:///{tmp_path / 'doctor.db'}", thidua_data_dir=tmp_path / "files",
                  thidua_public_url="http://127.0.0.1:8080")
    return Settings(**(values | overrides))


def by_name(checks) -> dict[str, object]:
    return {c.name: c for c in checks}


async def test_a_fresh_deployment_is_told_what_to_fix(tmp_path, platforms):
    tg, zalo = platforms
    checks = by_name(await run_checks(configured(tmp_path, tg, zalo)))
    lines = "\n".join(c.line() for c in checks.values())
    assert not checks[texts.DOCTOR_DATABASE].ok and "thidua db upgrade" in checks[texts.DOCTOR_DATABASE].line()
    assert checks[texts.DOCTOR_DATA_DIR].ok
    assert not checks[texts.DOCTOR_PUBLIC_URL].ok            # Zalo is on: an http loopback address will not do
    assert checks[texts.DOCTOR_TOKEN.format(platform="Telegram")].ok
    assert checks[texts.DOCTOR_TOKEN.format(platform="Zalo")].ok
    assert TG_TOKEN not in lines and "DoctorZaloSecret" not in lines


async def test_a_refused_token_and_a_wrong_webhook_are_reported(tmp_path, platforms):
    tg, zalo = platforms
    settings = configured(tmp_path, tg, zalo, telegram_bot_token="123456:WRONG-TOKEN")
    upgrade(settings.database_url)
    checks = by_name(await run_checks(settings, zalo_webhook="https://thidua.example.vn/zalo/webhook"))
    assert checks[texts.DOCTOR_DATABASE].ok
    token = checks[texts.DOCTOR_TOKEN.format(platform="Telegram")]
    assert not token.ok and token.detail == texts.DOCTOR_TOKEN_REFUSED
    webhook = checks[texts.DOCTOR_WEBHOOK.format(platform="Zalo")]
    assert not webhook.ok and "https://thidua.example.vn/zalo/webhook" in webhook.detail
    assert "WRONG-TOKEN" not in "\n".join(c.line() for c in checks.values())


async def test_a_telegram_only_bot_on_polling_passes(tmp_path, platforms):
    tg, zalo = platforms
    settings = configured(tmp_path, tg, zalo, zalo_bot_token=None)
    upgrade(settings.database_url)
    checks = await run_checks(settings)
    assert all(c.ok or c.warning for c in checks), [c.line() for c in checks]
    assert by_name(checks)[texts.DOCTOR_WEBHOOK.format(platform="Telegram")].detail == texts.DOCTOR_WEBHOOK_POLLING


def test_the_cli_prints_one_line_per_check_and_fails_when_something_must_be_fixed(thidua, monkeypatch):
    code, out, _ = thidua("doctor")
    assert code == 0 and out.strip().splitlines()[-1] == texts.DOCTOR_ALL_OK    # a test bot: nothing to fix
    monkeypatch.setenv("THIDUA_DATA_DIR", "/proc/thidua-cannot-write-here")
    from bot.settings import get_settings
    get_settings.cache_clear()
    code, out, _ = thidua("doctor")
    assert code == 1 and out.strip().splitlines()[-1] == texts.DOCTOR_SOME_FAILED.format(count=1)
    assert f"❌ {texts.DOCTOR_DATA_DIR}" in out and texts.DOCTOR_DIR_FIX in out
