"""Everything the bot says, in Vietnamese with diacritics. Handlers import wording from here only.

One module per area (common, contact, staff, ...) re-exported here so callers write `texts.HELP`.
"""
from bot.texts.common import *  # noqa: F401,F403
from bot.texts.format import *  # noqa: F401,F403
