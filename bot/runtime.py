"""Wiring: database, channels, outbox dispatcher, scheduler and web server in one event loop."""
from __future__ import annotations

import asyncio
import gc
import logging
import os
import secrets
from pathlib import Path

from bot.channels.telegram import TelegramChannel
from bot.links import UploadTicket
from bot.logs import quiet_noisy_loggers
from bot.settings import Settings
from bot.web import (WebServer, build_app, file_download_route, telegram_webhook_route, upload_routes,
                     zalo_oa_webhook_route, zalo_webhook_route)
from db import conversations, people
from db import files as file_store
from db.engine import init_engine, session_scope
from db.migrate import upgrade
from db.models import StoredFile
from handlers import background, engine, fetching
import handlers.registry  # noqa: F401  every flow now: at start-up, not lazily in the first idle tick or update
from handlers.io import Inbound, IncomingFile, OutMessage
from handlers.uploads import UPLOAD_REF
from schedules.quota import QuotaWatch
from schedules import reminders as reminder_ticks
from schedules.broadcasts import BroadcastMonitor
from schedules.outbox import OutboxDispatcher
from schedules.runner import SchedulerRunner

log = logging.getLogger(__name__)



def settle_heap() -> None:
    """Once started, move everything loaded so far (modules, mappers, compiled SQL, PTB's classes: about a
    million objects) out of the collector's sight: a full collection then scans only what was made since,
    instead of costing ~100 ms every few hundred updates (bench.cpu measured 0.3-0.4 ms per update)."""
    gc.collect()
    gc.freeze()


def _is_loopback(url: str) -> bool:
    from urllib.parse import urlparse
    return (urlparse(url).hostname or "") in ("127.0.0.1", "localhost", "::1")


class BotRuntime:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.stop_event = asyncio.Event()
        self.channels: dict[str, object] = {}
        self.telegram: TelegramChannel | None = None
        self.zalo = None
        self.zalo_oa = None
        self.dispatcher: OutboxDispatcher | None = None
        self.scheduler: SchedulerRunner | None = None
        self.web: WebServer | None = None
        self._dispatch_task: asyncio.Task | None = None
        self._dispatch_stop = asyncio.Event()

    # ------------------------------------------------------------------------------------------ inputs

    def prepare_database(self) -> None:
        upgrade(self.settings.database_url)
        init_engine(self.settings.database_url)

    @property
    def uploads_dir(self) -> Path:
        return Path(self.settings.thidua_data_dir) / "uploads"

    def _downloader(self, channel) -> engine.Downloader:
        """Streams a file into the engine's sink: from the upload page's folder, or from the platform."""
        async def download(file: IncomingFile, sink, max_bytes: int) -> None:
            if file.ref.startswith(UPLOAD_REF):  # a file that came through the upload page
                path = self.uploads_dir / Path(file.ref[len(UPLOAD_REF):]).name
                with open(path, "rb") as fh:
                    while chunk := fh.read(1 << 20):
                        sink(chunk)
                return
            if hasattr(channel, "download"):
                await channel.download(file, sink, max_bytes)
            else:
                sink(await channel.fetch_file(file))
        return download

    def services(self, channel_name: str) -> engine.Services:
        channel = self.channels.get(channel_name)
        return engine.Services(self.settings.tz, self.settings, self._downloader(channel) if channel else None,
                               self.dispatcher)

    async def on_inbound(self, inbound: Inbound, channel) -> list[OutMessage]:
        """Returns the replies the conversation queued (the upload page shows them). They go to the
        dispatcher in memory (no wake-up, no poll): see engine.run."""
        try:
            return await engine.run(engine.normalise(inbound), self.services(inbound.channel))
        except Exception:
            log.exception("handling update %s failed", inbound.update_key)
            return []

    async def on_upload(self, ticket: UploadTicket, name: str, mime: str | None, path: Path,
                        size: int) -> list[str] | None:
        """A file from the one-time upload page enters the chat's conversation like a file sent in chat.

        `path` is the upload, already on disk (streamed there by the web server). Returns the texts the
        conversation answered (it may refuse the file), or None if the ticket was used already.
        """
        key = f"upload:{ticket.nonce}"
        with session_scope() as session:
            used = conversations.seen_update(session, ticket.channel, key)
        if used:
            return None
        try:   # a second upload with the same ticket never replaces the file the conversation holds
            os.link(path, self.uploads_dir / ticket.nonce)
        except FileExistsError:
            return None
        finally:
            path.unlink(missing_ok=True)
        channel = self.channels.get(ticket.channel)
        inbound = Inbound(ticket.channel, ticket.chat_id, ticket.chat_id, key, text=None,
                          files=[IncomingFile(UPLOAD_REF + ticket.nonce, name, mime, size, "document")],
                          has_buttons=ticket.channel != "zalo")
        replies = await self.on_inbound(inbound, channel)
        return [reply.text for reply in replies]

    def read_stored_file(self, file_id: int) -> tuple[str, str | None, Path] | None:
        """(name, mime, path on disk) for a signed file link; the web server streams the file."""
        with session_scope() as session:
            row = session.get(StoredFile, file_id)
            if row is None:
                return None
            return row.original_name, row.mime, file_store.path_for(self.settings.thidua_data_dir, row.sha256)

    # ------------------------------------------------------------------------------------------ life cycle

    def _make_channels(self) -> None:
        s = self.settings
        if s.telegram_bot_token:
            self.telegram = TelegramChannel(
                s.telegram_bot_token, api_base_url=s.telegram_api_base_url, file_base_url=s.telegram_file_base_url,
                secret=s.signing_secret, on_inbound=self.on_inbound)
            self.channels["telegram"] = self.telegram
        if s.zalo_bot_token:
            from bot.channels.zalo import ZaloChannel
            self.zalo = ZaloChannel(s.zalo_bot_token, api_base_url=s.zalo_api_base_url, rate_per_s=s.zalo_rate_per_s,
                                    public_url=s.thidua_public_url, secret=s.signing_secret,
                                    on_inbound=self.on_inbound)
            self.channels["zalo"] = self.zalo
        if s.zalo_oa_enabled:
            from bot.channels.zalo_oa import ZaloOAChannel
            self.zalo_oa = ZaloOAChannel(
                app_id=s.zalo_oa_app_id, app_secret=s.zalo_oa_app_secret, oa_secret_key=s.zalo_oa_secret_key or "",
                api_base_url=s.zalo_oa_api_base_url, oauth_url=s.zalo_oa_oauth_url, public_url=s.thidua_public_url,
                secret=s.signing_secret, on_inbound=self.on_inbound)
            self.channels["zalo_oa"] = self.zalo_oa

    def _routes(self, telegram_secret: str, zalo_secret: str) -> list:
        from bot.console import ConsoleConfig, console_routes
        routes = [file_download_route(self.settings.signing_secret, self.read_stored_file),
                  *upload_routes(self.settings.signing_secret, self.on_upload, self.uploads_dir),
                  *console_routes(ConsoleConfig.from_settings(self.settings))]   # the staff console (/web)
        if self.telegram:
            routes.append(telegram_webhook_route(telegram_secret, self.telegram.feed_webhook))
        if self.zalo:
            routes.append(zalo_webhook_route(zalo_secret, self.zalo.feed_webhook))
        if self.zalo_oa:
            routes.append(zalo_oa_webhook_route(self.settings.zalo_oa_webhook_path, self.zalo_oa.verify,
                                                self.zalo_oa.feed_webhook))
        return routes

    async def start(self, *, webhook_url: str | None = None, web_port: int | None = None,
                    web_host: str | None = None, zalo_webhook_url: str | None = None) -> None:
        quiet_noisy_loggers()
        self.prepare_database()
        s = self.settings
        self._make_channels()
        senders = {name: ch.sender for name, ch in self.channels.items()}
        self.dispatcher = OutboxDispatcher(senders, s.thidua_data_dir,
                                           rates={"telegram": s.telegram_rate_per_s, "zalo": s.zalo_rate_per_s,
                                                  "zalo_oa": s.zalo_oa_rate_per_s})
        telegram_secret = s.telegram_webhook_secret or secrets.token_urlsafe(24)
        zalo_secret = s.zalo_webhook_secret or secrets.token_urlsafe(24)
        if webhook_url or web_port is not None or self.zalo or self.zalo_oa:  # Zalo: links, upload page, webhook
            public = bool(webhook_url or zalo_webhook_url or self.zalo_oa) or not _is_loopback(s.thidua_public_url)
            host = web_host or ("0.0.0.0" if public else "127.0.0.1")   # links and webhooks must be reachable
            self.web = WebServer(build_app(self._routes(telegram_secret, zalo_secret)), host=host,
                                 port=web_port if web_port is not None else 8080)
            await self.web.start()
        if self.telegram:
            await self.telegram.start(webhook=webhook_url is not None)
            with session_scope() as session:
                staff_chats = people.staff_chats(session, "telegram")
            await self.telegram.show_staff_menu(staff_chats)
            if webhook_url:
                await self.telegram.set_webhook(webhook_url.rstrip("/") + "/telegram/webhook", telegram_secret)
        if self.zalo:
            hook = zalo_webhook_url.rstrip("/") + "/zalo/webhook" if zalo_webhook_url else None
            await self.zalo.start(webhook_url=hook, webhook_secret=zalo_secret)
        if self.zalo_oa:
            from bot.channels.zalo_oa import expires_at_from_env
            await self.zalo_oa.start(refresh_token=s.zalo_oa_refresh_token, access_token=s.zalo_oa_access_token,
                                     access_expires_at=expires_at_from_env(s.zalo_oa_access_expires_in))
            log.info("Zalo OA «%s»: Zalo must call %s%s", self.zalo_oa.oa_name or "?",
                     s.thidua_public_url.rstrip("/"), s.zalo_oa_webhook_path)
        background.wake_outbox = self.dispatcher.wake
        self._dispatch_task = asyncio.create_task(self.dispatcher.run(self._dispatch_stop))
        fetching.resume(self.services)   # downloads a crash or restart interrupted
        self.dispatcher.hooks.append(QuotaWatch(s.tz, on_enqueued=self.dispatcher.wake))
        if self.zalo_oa:
            from bot.channels.zalo_oa_window import OAWindowWatch
            self.dispatcher.hooks.append(OAWindowWatch(s.tz, on_enqueued=self.dispatcher.wake))
        self.scheduler = SchedulerRunner(s, on_enqueued=self.dispatcher.wake)
        self.install_ticks()
        self.scheduler.start()

    def install_ticks(self) -> None:
        """Periodic jobs of the features (reminders, digests, broadcast progress) are added here."""
        self.broadcasts = BroadcastMonitor(self.dispatcher, on_enqueued=self.dispatcher.wake)
        self.scheduler.add_loop("broadcasts", self.broadcasts.follow)
        reminder_ticks.install(self.scheduler)   # deadline reminders + staff digest: every minute and at start
        self.scheduler.add_tick("sweep_files", self.sweep_files, 6 * 3600)

    async def sweep_files(self) -> None:
        """Blobs of aborted submissions (a crash between download and commit): collected when a day old."""
        def sweep() -> int:
            with session_scope() as session:
                return file_store.sweep_orphans(session, self.settings.thidua_data_dir)
        removed = await asyncio.to_thread(sweep)   # walks the store on disk: not on the event loop
        if removed:
            log.info("removed %d orphan files", removed)

    async def stop(self) -> None:
        """Graceful: stop taking updates, let started work finish, let sends under way finish and hand every
        other claimed message back to the outbox, then close. Nothing is lost or stranded."""
        self.stop_event.set()
        if self.scheduler:
            self.scheduler.stop()
        for channel in self.channels.values():
            await channel.stop_receiving()
        if not await background.drain(timeout=10):
            await background.cancel_all()   # unfinished downloads resume at the next start
        if self._dispatch_task:
            self._dispatch_stop.set()
            try:
                await asyncio.wait_for(self._dispatch_task, timeout=15)
            except asyncio.TimeoutError:
                log.warning("the outbox dispatcher did not stop in time; its leases will run out")
        for channel in self.channels.values():
            await channel.stop()
        if self.web:
            await self.web.stop()
        background.wake_outbox = background._no_dispatcher

    async def run_forever(self, **kwargs) -> None:
        """Until SIGTERM (systemd, docker) or SIGINT (Ctrl-C): then stop gracefully."""
        import signal
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            try:
                loop.add_signal_handler(sig, stop.set)
            except (NotImplementedError, RuntimeError):
                pass
        await self.start(**kwargs)
        settle_heap()
        try:
            await stop.wait()
            log.info("stopping: finishing what is under way")
        finally:
            await self.stop()
