"""The e2e harness lives in bot/sandbox_driver.py (the demo uses it too)."""
from bot.sandbox_driver import ChatUser, E2EEnv  # noqa: F401
