"""Settings from the environment (and an optional .env file). Documented in README.md."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: str | None = None
    telegram_bot_username: str | None = None   # for invite deep links t.me/<username>?start=<token>
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    telegram_file_base_url: str = "https://api.telegram.org/file/bot"
    telegram_webhook_secret: str | None = None
    # Messages per second the outbox may send per channel; Telegram allows about 30.
    telegram_rate_per_s: float = 29.0

    zalo_bot_token: str | None = None
    zalo_api_base_url: str = "https://bot-api.zaloplatforms.com/bot"
    zalo_webhook_secret: str | None = None
    zalo_rate_per_s: float = 10.0
    # The Zalo plan's monthly message allowance, when known: /tiendo and the digest show how much is used.
    zalo_monthly_quota: int | None = None

    # Zalo Official Account (README "Zalo Official Account"): the app on developers.zalo.me linked to the OA.
    zalo_oa_app_id: str | None = None
    zalo_oa_app_secret: str | None = None        # the app's secret key: signs OAuth token refreshes
    zalo_oa_secret_key: str | None = None        # the OA secret key of the Webhook page: signs Zalo's events
    zalo_oa_refresh_token: str | None = None     # seeds the token chain; later tokens live in the database
    zalo_oa_access_token: str | None = None      # optional, with the refresh token it came with
    zalo_oa_access_expires_in: int | None = None  # seconds the configured access token still has
    zalo_oa_api_base_url: str = "https://openapi.zalo.me"
    zalo_oa_oauth_url: str = "https://oauth.zaloapp.com/v4/oa/access_token"
    zalo_oa_webhook_path: str = "/zalo-oa/webhook"
    zalo_oa_rate_per_s: float = 10.0

    database_url: str = Field(default="sqlite:///data/thidua.db")
    thidua_data_dir: Path = Path("data/files")
    thidua_timezone: str = "Asia/Ho_Chi_Minh"
    # Public base URL of the bot's own web server (upload page, plan links for Zalo).
    thidua_public_url: str = "http://127.0.0.1:8080"
    # Secret used to sign button data and upload links; derived from the token when unset.
    thidua_secret: str | None = None
    conversation_timeout_minutes: int = 30
    # Who schools should call with a question the bot cannot answer (name, phone, e-mail), when the plan
    # of their campaign does not say.
    thidua_office_contact: str | None = None
    # Forward schools' free-text questions to staff, who answer from chat.
    thidua_forward_questions: bool = False

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.thidua_timezone)

    @property
    def zalo_oa_enabled(self) -> bool:
        return bool(self.zalo_oa_app_id and self.zalo_oa_app_secret
                    and (self.zalo_oa_refresh_token or self.zalo_oa_access_token))

    @property
    def signing_secret(self) -> bytes:
        base = (self.thidua_secret or self.telegram_bot_token or self.zalo_bot_token or self.zalo_oa_app_secret
                or "thidua-dev-secret")
        return base.encode()


@lru_cache
def get_settings() -> Settings:
    return Settings()
