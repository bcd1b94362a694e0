"""Administrative CLI commands (units, staff, campaigns, export, plan parsing) are registered here."""
from __future__ import annotations

import argparse

from bot import cli_units


def register(sub: argparse._SubParsersAction) -> None:
    cli_units.register(sub)
