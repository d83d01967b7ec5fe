"""``extractor show``: one HTML page with every claim's evidence marked in its article.

Documents are read as ``extractor extract`` reads them; the claims are extracted, or read from
``--claims``. The page is built by :mod:`extractor.show`; this module reads the inputs, reports
what cannot be shown as warnings naming its location, writes the page atomically and picks the
exit code.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

log = logging.getLogger("extractor.cli")

EXIT_OK, EXIT_FATAL, EXIT_USAGE, EXIT_PARTIAL = 0, 1, 2, 3


def show(
    ctx: typer.Context,
    paths: Annotated[list[str], typer.Argument(
        metavar="PATH...",
        help="The documents, as extractor extract reads them: .json, .jsonl, .txt and .html files, directories, "
        "or - for JSON Lines on stdin.",
        show_default=False,
    )],
    output: Annotated[str, typer.Option(
        "--output", "-o", metavar="FILE", show_default=False, help="The HTML page to write (- for stdout).",
    )],
    claims: Annotated[Optional[Path], typer.Option(
        "--claims", metavar="FILE", dir_okay=False,
        help="Show these claims (JSON Lines written by extractor extract) instead of extracting them.",
    )] = None,
    published: Annotated[Optional[str], typer.Option(
        "--published", metavar="DATE",
        help="Publication date (YYYY-MM-DD) for documents that carry none and have no dateline.",
    )] = None,
    title: Annotated[str, typer.Option("--title", metavar="TEXT", help="The page title.")] = "Claims and their evidence",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only warnings and errors.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Debug logging.")] = False,
) -> None:
    """Write one self-contained HTML page showing each article with its claims' evidence and fields marked.

    Exit codes:
    0 page written;
    1 fatal: no page written (the message says why);
    2 usage error;
    3 page written, but some documents were rejected or some claims could not be shown.
    """
    from ..errors import ExtractorError
    from ..io.readers import InputPathError, ReadOptions, read_inputs
    from ..logs import setup_logging

    setup_logging("text", quiet=quiet, verbose=verbose)
    if claims is not None and not claims.is_file():
        raise typer.BadParameter(f"{claims}: no such file", ctx=ctx, param_hint="'--claims'")
    problems = 0
    documents, sources = [], {}
    try:
        stdin = sys.stdin.buffer if "-" in paths else None
        for record in read_inputs(paths, ReadOptions(published=published), stdin=stdin):
            if record.reject is not None:
                problems += 1
                log.warning("%s", record.reject.message(), extra={"event": "rejected"})
                continue
            doc = record.document
            if doc.doc_id in sources:
                problems += 1
                log.warning("%s: duplicate doc_id %r (first read from %s); skipped",
                            _where(record.source, record.line), doc.doc_id, _where(*sources[doc.doc_id]))
                continue
            sources[doc.doc_id] = (record.source, record.line)
            documents.append(doc)
    except InputPathError as exc:
        raise typer.BadParameter(str(exc), ctx=ctx, param_hint="'PATH...'") from None
    if not documents:
        log.error("no documents to show")
        raise typer.Exit(EXIT_FATAL)
    from ..show import pair_claims, render_page

    try:
        found, unreadable = _read_claims(claims) if claims is not None else (_extract(documents, sources), [])
    except OSError as exc:
        log.error("cannot read %s: %s", claims, exc.strerror or exc)
        raise typer.Exit(EXIT_FATAL) from None
    except ExtractorError as exc:
        log.error("%s", exc)
        raise typer.Exit(EXIT_FATAL) from None
    except Exception as exc:  # a bug or an environment problem: one line, traceback with -v
        log.error("%s: %s", type(exc).__name__, exc)
        log.debug("traceback", exc_info=True)
        raise typer.Exit(EXIT_FATAL) from None
    articles, skipped = pair_claims(documents, found)
    skipped = unreadable + skipped
    try:
        _write(output, render_page(articles, skipped=skipped, title=title))
    except ExtractorError as exc:  # the output cannot be written: the message names it and why
        log.error("%s", exc)
        raise typer.Exit(EXIT_FATAL) from None
    for item in skipped:
        log.warning("%s", item.message())
    problems += len(skipped)
    shown = sum(len(a.claims) for a in articles)
    log.info("%d documents, %d claims shown in %s", len(documents), shown, output)
    raise typer.Exit(EXIT_PARTIAL if problems else EXIT_OK)


def _where(source: str, line: int | None) -> str:
    return f"{source}:{line}" if line is not None else source


def _read_claims(path: Path):
    from ..show import read_claims

    with open(path, encoding="utf-8", errors="replace") as fh:
        return read_claims(fh, str(path))


def _extract(documents, sources):
    from .. import pipeline
    from ..show import SourcedClaim

    log.info("extracting claims from %d documents", len(documents))
    return [
        SourcedClaim(claim, *sources[doc.doc_id])
        for doc, claims in pipeline.Extractor().extract_many(documents)
        for claim in claims
    ]


def _write(output: str, page: str) -> None:
    from ..io.writers import write_atomic

    data = page.encode("utf-8")
    if output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        write_atomic(output, data)
