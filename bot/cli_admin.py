"""Administrative CLI commands (units, staff, campaigns, export, plan parsing) are registered here."""
from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    pass
