"""Importing this module registers every command, action and flow with the engine."""
from handlers import start  # noqa: F401
from handlers import plan_import  # noqa: F401
