"""``extractor load`` and ``extractor export``: claims into and out of a SQLite or PostgreSQL database.

Exit codes (as for ``extract``): 0 done; 1 fatal, nothing written (unreachable database, schema
version mismatch, unwritable output); 2 usage error (missing file, unsupported URL); 3 finished,
but some batches were rolled back (the others are loaded; the messages name file and lines).
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ..messages import plural

EXIT_FATAL, EXIT_REJECTS = 1, 3

DB_ENV = "EXTRACTOR_DB"
"""The environment variable that gives ``--db`` when the option is not on the command line."""
DB_HELP = (
    "Database URL: sqlite:///claims.db (a bare path such as claims.db means SQLite) or "
    f"postgresql://USER@HOST:PORT/DBNAME. Default: ${DB_ENV}, else claims.db."
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
    db: str = typer.Option("claims.db", "--db", metavar="URL", envvar=DB_ENV, show_envvar=False, help=DB_HELP),
    batch_size: int = typer.Option(
        500, "--batch-size", min=1, help="Lines per transaction; a failed batch is rolled back alone."
    ),
) -> None:
    """Load claims into a database (upsert on claim_id: loading a file twice changes nothing).

    A document's claims from another extraction (another doc_hash) than the stored one replace
    all of its stored claims: the last extraction loaded is the current one.

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
    replaced = ""
    if report.claims_replaced:
        replaced = (
            f"; {plural(report.claims_replaced, 'claim')} of older extractions of "
            f"{plural(len(report.documents_replaced), 'document')} replaced"
        )
    typer.echo(
        f"loaded {report.claims_loaded} of {plural(report.lines, 'claim line')} from "
        f"{plural(report.files, 'file')} into {store.url}{replaced} ({plural(total, 'claim')} in the database)",
        err=True,
    )
    if not report.ok:
        _error(
            f"{plural(len(report.failed), 'batch')} rolled back, {plural(report.lines_rejected, 'line')} not loaded"
        )
        raise typer.Exit(EXIT_REJECTS)


def export(
    ctx: typer.Context,
    files: Optional[list[Path]] = typer.Argument(
        None,
        metavar="[FILE]...",
        help="With --current: claim files (JSON Lines) to read instead of the database; - for standard input.",
        show_default=False,
    ),
    db: str = typer.Option("claims.db", "--db", metavar="URL", envvar=DB_ENV, show_envvar=False, help=DB_HELP),
    output: str = typer.Option(
        "-", "-o", "--output", metavar="FILE", help="Output JSON Lines file; - for standard output."
    ),
    current: bool = typer.Option(
        False, "--current",
        help="Current claims only: of each document, the lines of its last extraction in the FILEs (a database "
        "holds only current claims).",
    ),
) -> None:
    """Export all claims as JSON Lines, byte for byte as they were loaded, in load order.

    With --current FILE...: the current claims of claim files (an output appended to by --state
    runs keeps the older claims of re-extracted documents): each document's last group of lines.

    Exit codes:
    0 done;
    1 fatal (no such database, unwritable output);
    2 usage error;
    3 done, but some lines of the FILEs are not claims (reported, not written).
    """
    import sys

    from ..db import ClaimStore
    from ..errors import ExtractorError

    if files:
        _export_current(ctx, files, output, current)
        return
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
    typer.echo(f"exported {plural(count, 'claim')} from {store.url}", err=True)


def _export_current(ctx: typer.Context, files: list[Path], output: str, current: bool) -> None:
    """``export --current FILE...``: each document's last extraction, written atomically."""
    import shutil
    import sys
    import tempfile

    from ..errors import ExtractorError
    from ..io.current import write_current
    from ..io.writers import AtomicFile

    if not current:
        raise typer.BadParameter("claim files are read only with --current", ctx=ctx, param_hint="'[FILE]...'")
    if ctx.get_parameter_source("db").name == "COMMANDLINE":
        raise typer.BadParameter("give claim files or --db, not both", ctx=ctx, param_hint="'--db'")
    for f in files:
        if str(f) != "-" and not f.is_file():
            raise typer.BadParameter(f"file {str(f)!r} does not exist", ctx=ctx, param_hint="'[FILE]...'")
    with tempfile.TemporaryDirectory(prefix="extractor-export-") as tmp:
        paths = []
        for f in files:
            if str(f) == "-":  # read twice: spooled to a file first
                spooled = Path(tmp, "stdin.jsonl")
                with spooled.open("wb") as fh:
                    shutil.copyfileobj(sys.stdin.buffer, fh)
                f = spooled
            paths.append(f)
        out = None
        try:
            if output == "-":
                report = write_current(paths, sys.stdout.buffer)
                sys.stdout.flush()
            else:
                out = AtomicFile(output)
                report = write_current(paths, out)
                out.close()
        except (ExtractorError, OSError) as exc:
            if out is not None:
                out.close(ok=False)
            _error(f"{output}: {exc.strerror}" if isinstance(exc, OSError) and exc.strerror else str(exc))
            raise typer.Exit(EXIT_FATAL) from None
    for bad in report.bad_lines:
        _error(f"{bad}, line not written")
    typer.echo(
        f"exported {plural(report.claims, 'current claim')} of {plural(report.documents, 'document')}; "
        f"{plural(report.superseded, 'line')} of older extractions left out",
        err=True,
    )
    if report.bad_lines:
        raise typer.Exit(EXIT_REJECTS)
