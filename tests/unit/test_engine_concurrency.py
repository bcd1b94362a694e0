"""No network or disk I/O awaited while a transaction or lock is held: a slow download blocks nobody."""
import asyncio

from sqlmodel import select

from bot import texts
from db.models import AuditEvent, ConversationState, Submission
from handlers import background, engine, fetching
from handlers.io import Inbound, IncomingFile
from tests.support import seed
from tests.support.flowchat import FlowChat
from tests.unit.test_report_flow import PDF, USER, to_files_step, world  # noqa: F401  (fixture)


class GatedDownloads:
    """A download that takes as long as the test says (Telegram: about a second for a few MB)."""

    def __init__(self, files: dict[str, bytes]):
        self.files, self.release, self.started = files, asyncio.Event(), asyncio.Event()

    async def __call__(self, file: IncomingFile, sink, max_bytes: int) -> None:
        self.started.set()
        await self.release.wait()
        sink(self.files[file.ref])


async def test_while_a_download_runs_other_chats_are_answered_and_the_database_is_free(settings, db, world):
    chat = FlowChat(settings, USER)
    await to_files_step(chat, world["report"].id)
    await chat.upload("bao_cao.pdf", PDF)
    await chat.press("Xong")
    await chat.press("Bỏ qua")
    downloads = GatedDownloads(chat.files)
    confirm = next(c.data for m in chat.last for c in m.flat_choices() if c.label == "Xác nhận")
    replies = await asyncio.wait_for(engine.handle(
        Inbound("test", str(USER), str(USER), "u-confirm", choice=confirm), tz=settings.tz, settings=settings,
        download=downloads), 5)
    assert replies == []                      # the step returned at once: the download runs after the commit
    await asyncio.wait_for(downloads.started.wait(), 5)
    with db() as s:                            # no transaction is open: a write goes through at once
        s.add(AuditEvent(actor="test", action="write_during_download"))
    other = await engine.handle(Inbound("test", "999", "999", "u-help", command="help"), tz=settings.tz,
                                settings=settings)
    assert [m.text for m in other] == [texts.HELP_UNBOUND]           # a stranger's /help, answered meanwhile
    waiting = await engine.handle(Inbound("test", str(USER), str(USER), "u-impatient", text="xong chưa?"), tz=settings.tz,
                                  settings=settings, download=downloads)
    assert [m.text for m in waiting] == [texts.FETCH_IN_PROGRESS]   # told to wait; nothing else changes
    with db() as s:
        assert s.exec(select(Submission)).all() == []
    downloads.release.set()
    assert await background.drain(10)
    with db() as s:
        assert len(s.exec(select(Submission)).all()) == 1
        conv = s.exec(select(ConversationState).where(ConversationState.chat_id == str(USER))).one()
        assert conv.flow is None


async def test_a_download_interrupted_by_a_restart_resumes_at_start(settings, db, world):
    chat = FlowChat(settings, USER)
    await to_files_step(chat, world["report"].id)
    await chat.upload("bao_cao.pdf", PDF)
    await chat.press("Xong")
    await chat.press("Bỏ qua")
    confirm = next(c.data for m in chat.last for c in m.flat_choices() if c.label == "Xác nhận")
    never = GatedDownloads(chat.files)
    await engine.handle(Inbound("test", str(USER), str(USER), "u-confirm", choice=confirm), tz=settings.tz,
                        settings=settings, download=never)
    await asyncio.wait_for(never.started.wait(), 5)
    await background.cancel_all()              # the process dies mid-download
    with db() as s:
        assert s.exec(select(Submission)).all() == []
    working = GatedDownloads(chat.files)
    working.release.set()
    assert fetching.resume(lambda channel: engine.Services(settings.tz, settings, working)) == 1
    assert await background.drain(10)
    with db() as s:
        assert len(s.exec(select(Submission)).all()) == 1
