"""`thidua doctor` on a Zalo OA deployment: the token (renewed in the database if due), the secret key that
checks Zalo's events, and the https address Zalo must call; no token in the output."""
from pathlib import Path

import pytest

from bot import texts
from bot.doctor import run_checks
from bot.settings import Settings
from bot.zalo_oa_sandbox import ZaloOASandbox
from db.migrate import upgrade


@pytest.fixture
async def oa():
    sandbox = await ZaloOASandbox().start()
    try:
        yield sandbox
    finally:
        await sandbox.stop()


def oa_settings(tmp_path: Path, oa: ZaloOASandbox, **overrides) -> Settings:
    values = dict(_env_file=None, database_url=f"sqlite:///{tmp_path / 'doctor.db'}", thidua_data_dir=tmp_path / "f",
                  zalo_oa_app_id=oa.app_id, zalo_oa_app_secret=oa.app_secret, zalo_oa_secret_key=oa.oa_secret_key,
                  zalo_oa_refresh_token=oa.issue_tokens()["refresh_token"], zalo_oa_api_base_url=oa.base_url,
                  zalo_oa_oauth_url=oa.oauth_url, thidua_public_url="https://thidua.example.vn")
    settings = Settings(**(values | overrides))
    upgrade(settings.database_url)
    return settings


def by_name(checks) -> dict:
    return {c.name: c for c in checks}


async def test_a_working_oa_is_checked_and_its_webhook_address_named(tmp_path, oa):
    settings = oa_settings(tmp_path, oa)
    checks = by_name(await run_checks(settings))
    token, webhook = checks[texts.DOCTOR_OA_TOKEN], checks[texts.DOCTOR_OA_WEBHOOK]
    assert token.ok and oa.oa_name in token.detail
    assert webhook.ok and "https://thidua.example.vn/zalo-oa/webhook" in webhook.detail
    lines = "\n".join(c.line() for c in checks.values())
    assert settings.zalo_oa_refresh_token not in lines and oa.app_secret not in lines


async def test_a_spent_refresh_token_a_missing_key_and_an_http_address_are_told_with_the_fix(tmp_path, oa):
    settings = oa_settings(tmp_path, oa, zalo_oa_refresh_token="spent-or-wrong", zalo_oa_secret_key=None,
                           thidua_public_url="http://127.0.0.1:8080")
    checks = await run_checks(settings)
    token = by_name(checks)[texts.DOCTOR_OA_TOKEN]
    assert not token.ok and texts.DOCTOR_OA_FIX in token.line()
    webhook_lines = [c for c in checks if c.name == texts.DOCTOR_OA_WEBHOOK]
    assert {c.detail for c in webhook_lines} == {
        texts.DOCTOR_OA_SECRET_MISSING, texts.DOCTOR_OA_WEBHOOK_NOT_HTTPS.format(url="http://127.0.0.1:8080/zalo-oa/webhook")}
    assert not any(c.ok for c in webhook_lines)
    assert not by_name(checks)[texts.DOCTOR_PUBLIC_URL].ok        # the OA needs a public https address too
