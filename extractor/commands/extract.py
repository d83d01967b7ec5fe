"""``extractor extract`` (placeholder, being written)."""

from __future__ import annotations

import typer


def extract(paths: list[str] = typer.Argument(..., help="Inputs.")) -> None:
    """Extract claims from articles."""
    raise typer.Exit(1)
