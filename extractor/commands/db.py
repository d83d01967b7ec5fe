"""``extractor load`` and ``extractor export``: claims into and out of a SQLite or PostgreSQL database.

Exit codes (as for ``extract``): 0 done; 1 fatal, nothing written (unreachable database, schema
version mismatch, unwritable output); 2 usage error (missing file, unsupported URL); 3 finished,
but some batches were rolled back (the others are loaded; the messages name file and lines).
"""

from __future__ import annotations

from pathlib import Path

import typer

EXIT_FATAL, EXIT_REJECTS = 1, 3

DB_HELP = (
    "Database URL: sqlite:///claims.db (a bare path such as claims.db means SQLite) or "
    "postgresql://USER@HOST:PORT/DBNAME."
)


def _error(message: str) -> None:
    typer.echo(f"error: {message}", err=True)


def _check_url(ctx: typer.Context, db: str) -> None:
    """Usage error (exit 2) for a URL that is not SQLite or PostgreSQL."""
    from ..db import DatabaseError, database_url

    try:
        database_url(db)
    except DatabaseError as exc:
        raise typer.BadParameter(str(exc), ctx=ctx, param_hint="'--db'") from None


def load(
    ctx: typer.Context,
    files: list[Path] = typer.Argument(
        ...,
        metavar="FILE",
        help="Claim files: JSON Lines, one claim per line; - for standard input.",
    ),
    db: str = typer.Option("claims.db", "--db", metavar="URL", help=DB_HELP),
    batch_size: int = typer.Option(
        500, "--batch-size", min=1, help="Lines per transaction; a failed batch is rolled back alone."
    ),
) -> None:
    """Load claims into a database (upsert on claim_id: loading a file twice changes nothing).

    Exit codes:
    0 all loaded;
    1 fatal, nothing loaded;
    2 usage error;
    3 some batches were rolled back, the others are loaded.
    """
    import sys

    from ..db import ClaimStore
    from ..errors import ExtractorError

    _check_url(ctx, db)
    for f in files:
        if str(f) != "-" and not f.is_file():
            raise typer.BadParameter(f"file {str(f)!r} does not exist", ctx=ctx, param_hint="'FILE...'")
    sources = [sys.stdin.buffer if str(f) == "-" else f for f in files]
    try:
        with ClaimStore.open(db) as store:
            report = store.load_jsonl(sources, batch_size=batch_size)
            total = store.counts()["claims"]
    except ExtractorError as exc:
        _error(str(exc))
        raise typer.Exit(EXIT_FATAL) from None
    for failure in report.failed:
        for message in failure.messages():
            _error(message)
    typer.echo(
        f"loaded {report.claims_loaded} of {report.lines} claim lines from {report.files} "
        f"file(s) into {store.url} ({total} claims in the database)",
        err=True,
    )
    if not report.ok:
        _error(f"{len(report.failed)} batch(es) rolled back, {report.lines_rejected} line(s) not loaded")
        raise typer.Exit(EXIT_REJECTS)


def export(
    ctx: typer.Context,
    db: str = typer.Option("claims.db", "--db", metavar="URL", help=DB_HELP),
    output: str = typer.Option(
        "-", "-o", "--output", metavar="FILE", help="Output JSON Lines file; - for standard output."
    ),
) -> None:
    """Export all claims as JSON Lines, byte for byte as they were loaded, in load order.

    Exit codes:
    0 done;
    1 fatal (no such database, unwritable output);
    2 usage error.
    """
    import sys

    from ..db import ClaimStore
    from ..errors import ExtractorError

    _check_url(ctx, db)
    try:
        with ClaimStore.open(db, create=False) as store:
            count = store.export_jsonl(sys.stdout if output == "-" else output)
    except ExtractorError as exc:
        _error(str(exc))
        raise typer.Exit(EXIT_FATAL) from None
    except OSError as exc:
        _error(f"{output}: {exc.strerror}")
        raise typer.Exit(EXIT_FATAL) from None
    typer.echo(f"exported {count} claims from {store.url}", err=True)
