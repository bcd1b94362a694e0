"""Everything the bot says, in Vietnamese with diacritics. Handlers import wording from here only.

One file per area, re-exported here so callers write `texts.HELP`. Names must not collide across files.
"""
from bot.texts.common import *  # noqa: F401,F403
from bot.texts.format import *  # noqa: F401,F403
from bot.texts.contact import *  # noqa: F401,F403
from bot.texts.staff import *  # noqa: F401,F403
from bot.texts.reminders import *  # noqa: F401,F403
from bot.texts.nomination import *  # noqa: F401,F403
from bot.texts.cli import *  # noqa: F401,F403
from bot.texts.plan import *  # noqa: F401,F403
from bot.texts.staff_review import *  # noqa: F401,F403
from bot.texts.service import *  # noqa: F401,F403
from bot.texts.choices import *  # noqa: F401,F403
from bot.texts.documents import *  # noqa: F401,F403
from bot.texts.campaign_edit import *  # noqa: F401,F403
from bot.texts.staff_news import *  # noqa: F401,F403
from bot.texts.office_docs import *  # noqa: F401,F403
from bot.texts.console import *  # noqa: F401,F403
from bot.texts.zalo_oa import *  # noqa: F401,F403
