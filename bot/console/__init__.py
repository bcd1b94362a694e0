"""The staff console: server-rendered pages of the bot's own web server where staff follow and review a
campaign at a desk (issue #17). Sign-in is by one-time link from the chat (/web) or `thidua staff web-link`."""
from bot.console.auth import LINK_TTL, ConsoleConfig, sign_in_url  # noqa: F401
from bot.console.views import console_routes  # noqa: F401
