"""``extractor schema``: print the published JSON Schema of a claim line."""

from __future__ import annotations

import typer


def schema() -> None:
    """Print the JSON Schema of one output line (the file published as schemas/claim.schema.json)."""
    from ..schema import claim_schema_json

    typer.echo(claim_schema_json(), nl=False)
