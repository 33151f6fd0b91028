"""CLI commands of the sensors domain, added to the `domstadt` command by `register`."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the root CLI."""
