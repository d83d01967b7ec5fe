"""``extractor load`` and ``extractor export``: claims into and out of a SQLite or PostgreSQL database.

Exit codes: 0 done; 1 some batches were rolled back (the others are loaded; the messages name
file and lines); 2 nothing was done (bad URL, unreachable database, schema version mismatch,
missing file).
"""

from __future__ import annotations

from pathlib import Path

import typer

DB_HELP = (
    "Database URL: sqlite:///claims.db (a bare path such as claims.db means SQLite) or "
    "postgresql://USER@HOST:PORT/DBNAME."
)


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def load(
    files: list[Path] = typer.Argument(..., help="Claim files: JSON Lines, one claim per line."),
    db: str = typer.Option("claims.db", "--db", help=DB_HELP),
    batch_size: int = typer.Option(
        500, "--batch-size", min=1, help="Lines per transaction; a failed batch is rolled back alone."
    ),
) -> None:
    """Load claims into a database (upsert on claim_id: loading a file twice changes nothing)."""
    from ..db import ClaimStore
    from ..errors import ExtractorError

    try:
        with ClaimStore.open(db) as store:
            report = store.load_jsonl(files, batch_size=batch_size)
            total = store.counts()["claims"]
    except ExtractorError as exc:
        raise _fail(str(exc)) from None
    for failure in report.failed:
        for message in failure.messages():
            typer.echo(f"error: {message}", err=True)
    typer.echo(
        f"loaded {report.claims_loaded} of {report.lines} claim lines from {report.files} "
        f"file(s) into {store.url} ({total} claims in the database)",
        err=True,
    )
    if not report.ok:
        raise _fail(
            f"{len(report.failed)} batch(es) rolled back, {report.lines_rejected} line(s) not loaded",
            code=1,
        )


def export(
    db: str = typer.Option("claims.db", "--db", help=DB_HELP),
    output: str = typer.Option(
        "-", "-o", "--output", help="Output JSON Lines file ('-' for standard output)."
    ),
) -> None:
    """Export all claims as JSON Lines, byte for byte as they were loaded, in load order."""
    import sys

    from ..db import ClaimStore
    from ..errors import ExtractorError

    try:
        with ClaimStore.open(db, create=False) as store:
            count = store.export_jsonl(sys.stdout if output == "-" else output)
    except ExtractorError as exc:
        raise _fail(str(exc)) from None
    except OSError as exc:
        raise _fail(f"{output}: {exc.strerror}") from None
    typer.echo(f"exported {count} claims from {store.url}", err=True)
