"""Wiring: database, channels, outbox dispatcher, scheduler and web server in one event loop."""
from __future__ import annotations

import asyncio
import logging
import secrets

from bot.channels.telegram import TelegramChannel
from bot.settings import Settings
from bot.web import WebServer, build_app, telegram_webhook_route
from db.engine import init_engine
from db.migrate import upgrade
from handlers import engine
from handlers.io import Inbound
from schedules.outbox import OutboxDispatcher
from schedules.runner import SchedulerRunner

log = logging.getLogger(__name__)


def quiet_noisy_loggers() -> None:
    # httpx logs every request URL at INFO, and Telegram's URLs carry the bot token.
    for name in ("httpx", "httpcore", "telegram.ext.Updater", "apscheduler"):
        logging.getLogger(name).setLevel(logging.WARNING)


class BotRuntime:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.stop_event = asyncio.Event()
        self.telegram: TelegramChannel | None = None
        self.dispatcher: OutboxDispatcher | None = None
        self.scheduler: SchedulerRunner | None = None
        self.web: WebServer | None = None
        self._dispatch_task: asyncio.Task | None = None

    def prepare_database(self) -> None:
        upgrade(self.settings.database_url)
        init_engine(self.settings.database_url)

    async def on_inbound(self, inbound: Inbound, channel) -> None:
        try:
            await engine.handle(inbound, tz=self.settings.tz, settings=self.settings, fetch_file=channel.fetch_file)
        except Exception:
            log.exception("handling update %s failed", inbound.update_key)
        self.dispatcher.wake()

    async def start(self, *, webhook_url: str | None = None, web_port: int | None = None,
                    web_host: str | None = None) -> None:
        quiet_noisy_loggers()
        self.prepare_database()
        s = self.settings
        self.telegram = TelegramChannel(
            s.telegram_bot_token, api_base_url=s.telegram_api_base_url, file_base_url=s.telegram_file_base_url,
            secret=s.signing_secret, on_inbound=self.on_inbound)
        self.dispatcher = OutboxDispatcher({"telegram": self.telegram.sender}, s.thidua_data_dir,
                                           rates={"telegram": s.telegram_rate_per_s})
        await self.telegram.start(webhook=webhook_url is not None)
        if webhook_url is not None or web_port is not None:
            secret = s.telegram_webhook_secret or secrets.token_urlsafe(24)
            routes = [telegram_webhook_route(secret, self.telegram.feed_webhook)]
            host = web_host or ("0.0.0.0" if webhook_url else "127.0.0.1")
            self.web = WebServer(build_app(routes), host=host, port=web_port or 8080)
            await self.web.start()
            if webhook_url:
                await self.telegram.set_webhook(webhook_url.rstrip("/") + "/telegram/webhook", secret)
        self._dispatch_task = asyncio.create_task(self.dispatcher.run(self.stop_event))
        self.scheduler = SchedulerRunner(s, on_enqueued=self.dispatcher.wake)
        self.scheduler.start()

    async def stop(self) -> None:
        self.stop_event.set()
        if self.scheduler:
            self.scheduler.stop()
        if self._dispatch_task:
            self.dispatcher.wake()
            await asyncio.wait_for(self._dispatch_task, timeout=10)
        if self.web:
            await self.web.stop()
        if self.telegram:
            await self.telegram.stop()

    async def run_forever(self, **kwargs) -> None:
        await self.start(**kwargs)
        try:
            await asyncio.Event().wait()
        finally:
            await self.stop()
