"""Administrative CLI commands (units, staff, campaigns, export, plan parsing) are registered here."""
from __future__ import annotations

import argparse

from bot import cli_units
from bot import cli_export
from bot import cli_staff
from bot import cli_awards
from bot import cli_office


def register(sub: argparse._SubParsersAction) -> None:
    cli_units.register(sub)
    cli_export.register(sub)
    cli_awards.register(sub)
    cli_staff.register(sub)
    cli_office.register(sub)
