"""`thidua doctor`: the configuration a deployer gets wrong, checked one line at a time, each with what to do.

Database reachable and migrated; data directory writable; each bot token accepted by its platform
(getMe); THIDUA_PUBLIC_URL public and https when Zalo (photo and file links, its webhook) or the upload
page need it, and answering /healthz; the webhook each platform holds is the one expected (or none, for
polling); the Zalo quota left this month. Tokens never appear in the output (only the platform's verdict).
"""
from __future__ import annotations

import ipaddress
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import httpx

from bot import texts

TIMEOUT = 10.0


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    warning: bool = False        # worth knowing, not a failure

    def line(self) -> str:
        mark = "✅" if self.ok else ("⚠️" if self.warning else "❌")
        tail = f" — {texts.DOCTOR_FIX}: {self.fix}" if self.fix and not self.ok else ""
        return f"{mark} {self.name}: {self.detail}{tail}"


def check_database(settings) -> Check:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from sqlalchemy import create_engine

    from db.migrate import alembic_config

    name = texts.DOCTOR_DATABASE
    try:
        engine = create_engine(settings.database_url)
        with engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
        engine.dispose()
    except Exception as exc:   # the driver's message, without the URL (it may carry a password)
        return Check(name, False, texts.DOCTOR_DB_UNREACHABLE.format(error=type(exc).__name__),
                     texts.DOCTOR_DB_UNREACHABLE_FIX)
    head = ScriptDirectory.from_config(alembic_config(settings.database_url)).get_current_head()
    if current != head:
        return Check(name, False, texts.DOCTOR_DB_BEHIND.format(current=current or "—", head=head),
                     texts.DOCTOR_DB_BEHIND_FIX)
    return Check(name, True, texts.DOCTOR_DB_OK.format(head=head))


def check_data_dir(settings) -> Check:
    name = texts.DOCTOR_DATA_DIR
    path = Path(settings.thidua_data_dir)
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".doctor-"):
            pass
    except OSError as exc:
        return Check(name, False, texts.DOCTOR_DIR_NOT_WRITABLE.format(path=path, error=exc.strerror or exc),
                     texts.DOCTOR_DIR_FIX)
    return Check(name, True, texts.DOCTOR_DIR_OK.format(path=path))


def _is_public_host(host: str | None) -> bool:
    if not host or host == "localhost":
        return False
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return "." in host
    return not (ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_unspecified)


async def check_public_url(settings, client: httpx.AsyncClient) -> Check:
    name = texts.DOCTOR_PUBLIC_URL
    url = settings.thidua_public_url.rstrip("/")
    needed = bool(settings.zalo_bot_token or settings.zalo_oa_app_id)
    parsed = urlparse(url)
    if parsed.scheme != "https" or not _is_public_host(parsed.hostname):
        detail = texts.DOCTOR_URL_NOT_PUBLIC.format(url=url)
        return Check(name, not needed, detail, texts.DOCTOR_URL_FIX, warning=not needed)
    try:
        response = await client.get(f"{url}/healthz", timeout=TIMEOUT)
        reachable = response.status_code == 200
    except httpx.HTTPError:
        reachable = False
    if not reachable:
        return Check(name, False, texts.DOCTOR_URL_UNREACHABLE.format(url=url), texts.DOCTOR_URL_UNREACHABLE_FIX)
    return Check(name, True, texts.DOCTOR_URL_OK.format(url=url))


async def _post(client: httpx.AsyncClient, base: str, token: str, method: str) -> tuple[int, dict]:
    try:
        response = await client.post(f"{base}{token}/{method}", json={}, timeout=TIMEOUT)
    except httpx.HTTPError as exc:
        return 0, {"description": type(exc).__name__}
    try:
        body = response.json()
    except ValueError:
        body = {}
    return response.status_code, body if isinstance(body, dict) else {}


async def check_token(platform: str, base: str, token: str | None, client: httpx.AsyncClient) -> Check:
    name = texts.DOCTOR_TOKEN.format(platform=platform)
    if not token:
        return Check(name, True, texts.DOCTOR_TOKEN_UNSET, warning=True)
    status, body = await _post(client, base, token, "getMe")
    if status == 200 and body.get("ok"):
        me = body.get("result") or {}
        who = me.get("username") or me.get("account_name") or me.get("display_name") or me.get("id") or "?"
        return Check(name, True, texts.DOCTOR_TOKEN_OK.format(who=who))
    if status in (401, 404) or body.get("error_code") == 401:
        return Check(name, False, texts.DOCTOR_TOKEN_REFUSED, texts.DOCTOR_TOKEN_FIX.format(platform=platform))
    return Check(name, False, texts.DOCTOR_PLATFORM_UNREACHABLE.format(detail=status or body.get("description")),
                 texts.DOCTOR_PLATFORM_FIX)


async def check_webhook(platform: str, base: str, token: str | None, expected: str | None,
                        client: httpx.AsyncClient) -> Check | None:
    if not token:
        return None
    name = texts.DOCTOR_WEBHOOK.format(platform=platform)
    status, body = await _post(client, base, token, "getWebhookInfo")
    registered = (body.get("result") or {}).get("url") or None if status == 200 else None
    if expected is None:
        if registered:
            return Check(name, False, texts.DOCTOR_WEBHOOK_UNEXPECTED.format(url=registered),
                         texts.DOCTOR_WEBHOOK_UNEXPECTED_FIX)
        return Check(name, True, texts.DOCTOR_WEBHOOK_POLLING)
    if registered != expected:
        return Check(name, False, texts.DOCTOR_WEBHOOK_WRONG.format(url=registered or "—", expected=expected),
                     texts.DOCTOR_WEBHOOK_WRONG_FIX)
    return Check(name, True, texts.DOCTOR_WEBHOOK_OK.format(url=expected))


def check_quota(settings) -> Check | None:
    if not settings.zalo_bot_token or not settings.zalo_monthly_quota:
        return None
    from db.engine import init_engine, session_scope
    from schedules.quota import WARN_AT, month_start_utc
    from db import outbox
    from db.clock import utcnow

    init_engine(settings.database_url)
    with session_scope() as session:
        used = outbox.sent_since(session, "zalo", month_start_utc(utcnow(), settings.tz))
    left = settings.zalo_monthly_quota - used
    share = used / settings.zalo_monthly_quota
    return Check(texts.DOCTOR_QUOTA, share < WARN_AT, texts.DOCTOR_QUOTA_LEFT.format(
        used=used, quota=settings.zalo_monthly_quota, left=max(left, 0)), texts.DOCTOR_QUOTA_FIX,
        warning=share < 1)


async def check_zalo_oa(settings, client: httpx.AsyncClient) -> list[Check]:
    """The OA's secret key, its token (read from the database, renewed there if due) and the webhook address
    Zalo must call (set in the developer console: no API tells which one is set)."""
    if not settings.zalo_oa_app_id:
        return []
    from bot.channels.zalo_oa_api import OAuthConfig, TokenKeeper, ZaloOAClient, ZaloOAError, ZaloOATokenError
    from bot.channels.zalo_oa import expires_at_from_env
    from db.engine import init_engine

    checks = []
    if not settings.zalo_oa_secret_key:
        checks.append(Check(texts.DOCTOR_OA_WEBHOOK, False, texts.DOCTOR_OA_SECRET_MISSING, texts.DOCTOR_OA_SECRET_FIX))
    init_engine(settings.database_url)
    keeper = TokenKeeper(OAuthConfig(settings.zalo_oa_app_id, settings.zalo_oa_app_secret or "",
                                     settings.zalo_oa_oauth_url), client)
    try:
        keeper.seed(settings.zalo_oa_refresh_token, settings.zalo_oa_access_token,
                    expires_at_from_env(settings.zalo_oa_access_expires_in))
        oa = await ZaloOAClient(keeper, client, settings.zalo_oa_api_base_url).get_oa()
        checks.append(Check(texts.DOCTOR_OA_TOKEN, True, texts.DOCTOR_OA_OK.format(name=oa.get("name") or "?")))
    except ZaloOATokenError as exc:
        detail = texts.DOCTOR_OA_NO_TOKEN if "no Zalo OA token" in exc.message else \
            texts.DOCTOR_OA_REFUSED.format(detail=exc.code)
        checks.append(Check(texts.DOCTOR_OA_TOKEN, False, detail, texts.DOCTOR_OA_FIX))
    except ZaloOAError as exc:
        checks.append(Check(texts.DOCTOR_OA_TOKEN, False, texts.DOCTOR_OA_UNREACHABLE.format(detail=exc.code),
                            texts.DOCTOR_PLATFORM_FIX))
    url = settings.thidua_public_url.rstrip("/") + settings.zalo_oa_webhook_path
    parsed = urlparse(url)
    if parsed.scheme != "https" or not _is_public_host(parsed.hostname):
        checks.append(Check(texts.DOCTOR_OA_WEBHOOK, False, texts.DOCTOR_OA_WEBHOOK_NOT_HTTPS.format(url=url),
                            texts.DOCTOR_OA_WEBHOOK_FIX))
    else:
        checks.append(Check(texts.DOCTOR_OA_WEBHOOK, True, texts.DOCTOR_OA_WEBHOOK_URL.format(url=url)))
    return checks


async def run_checks(settings, *, telegram_webhook: str | None = None, zalo_webhook: str | None = None,
                     client: httpx.AsyncClient | None = None) -> list[Check]:
    """telegram_webhook / zalo_webhook: the URL the deployment registers (None: polling)."""
    own = client is None
    client = client or httpx.AsyncClient()
    try:
        database = check_database(settings)
        checks = [database, check_data_dir(settings), await check_public_url(settings, client),
                  await check_token("Telegram", settings.telegram_api_base_url, settings.telegram_bot_token, client),
                  await check_token("Zalo", settings.zalo_api_base_url, settings.zalo_bot_token, client)]
        checks += [c for c in (
            await check_webhook("Telegram", settings.telegram_api_base_url, settings.telegram_bot_token,
                                telegram_webhook, client),
            await check_webhook("Zalo", settings.zalo_api_base_url, settings.zalo_bot_token, zalo_webhook, client),
            check_quota(settings) if database.ok else None) if c is not None]
        if database.ok:
            checks += await check_zalo_oa(settings, client)
        return checks
    finally:
        if own:
            await client.aclose()
