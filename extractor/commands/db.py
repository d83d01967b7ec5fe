"""``extractor load`` / ``extractor export`` (placeholder, being written)."""

from __future__ import annotations

import typer


def load(files: list[str] = typer.Argument(..., help="Claim files.")) -> None:
    """Load claims into a database."""
    raise typer.Exit(1)


def export() -> None:
    """Export claims from a database."""
    raise typer.Exit(1)
