"""Staff hear once which OA contacts the 48-hour rule keeps the bot from reaching: one notice for a launch's
many refusals, each contact at most once a day, only for that refusal."""
from zoneinfo import ZoneInfo

from sqlmodel import select

from bot import texts
from bot.channels.zalo_oa import OUTSIDE_WINDOW_ERROR
from bot.channels.zalo_oa_window import MAX_LINES, OAWindowWatch
from db.models import OutboxMessage
from db.outbox import Queued
from handlers.io import SendResult
from tests.support import seed


def _row(chat_id: str, channel: str = "zalo_oa") -> Queued:
    return Queued(id=1, key=f"k:{chat_id}", channel=channel, chat_id=chat_id, payload={"text": "x"}, attempts=0,
                  priority=5, kind="notification", contact_id=None)


REFUSED = SendResult(False, blocked=True, error=f"{OUTSIDE_WINDOW_ERROR} [-230]")


async def test_one_notice_names_the_contacts_and_cuts_a_long_list(db):
    seed.staff(4001, name="Chuyên viên")
    unit = seed.unit("OA1", "Trường Tiểu học Kim Đồng")
    seed.contact(unit.id, "oa-1", channel="zalo_oa", name="Cô Lan")
    watch = OAWindowWatch(ZoneInfo("Asia/Ho_Chi_Minh"), gather_s=60)
    watch(_row("oa-1"), REFUSED)
    for i in range(MAX_LINES + 4):
        watch(_row(f"oa-x{i}"), REFUSED)
    watch(_row("oa-1"), REFUSED)                                          # the same contact again today
    watch(_row("oa-2"), SendResult(False, permanent=True, error="[-201] bad"))   # another refusal: not this
    watch(_row("tg-1", "telegram"), SendResult(False, blocked=True, error="403"))
    assert watch.flush() == 1
    with db() as s:
        (notice,) = s.exec(select(OutboxMessage).where(OutboxMessage.chat_id == "4001")).all()
    text = notice.payload["text"]
    assert text.startswith(texts.OA_UNREACHABLE_HEAD.format(n=MAX_LINES + 5))
    assert "• Trường Tiểu học Kim Đồng — Cô Lan" in text
    assert texts.OA_UNREACHABLE_MORE.format(more=5) in text
    assert "oa-2" not in text and "tg-1" not in text
    assert watch.flush() == 0                                             # nothing new: no second notice
