"""``extractor extract``: the batch run on the command line (options, messages, exit codes).

The work is done by :func:`extractor.batch.runner.run` (or, with ``--engine dask``, by
:func:`extractor.batch.dask_engine.run_from_options`); this module only maps options to it, reports
rejects and the summary through logging, shows a progress bar on a terminal and picks the exit
code. Heavy modules are imported inside the command body.
"""

from __future__ import annotations

import functools
import logging
import signal
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..messages import plural
from .progress import Progress

log = logging.getLogger("extractor.cli")

EXIT_OK, EXIT_FATAL, EXIT_USAGE, EXIT_REJECTS = 0, 1, 2, 3


class LogFormat(str, Enum):
    text = "text"
    json = "json"


class Engine(str, Enum):
    local = "local"
    dask = "dask"


def extract(
    ctx: typer.Context,
    paths: Annotated[list[str], typer.Argument(
        metavar="PATH...",
        help="Inputs: .json documents, .jsonl files (one document a line), .txt and .html articles, "
        ".json.gz and .jsonl.gz, directories (read recursively, sorted; files extractor wrote are skipped) "
        "or - for JSON Lines on stdin.",
        show_default=False,
    )],
    output: Annotated[Optional[str], typer.Option(
        "--output", "-o", metavar="FILE",
        help="Claims as JSON Lines; - for stdout (the default unless --db is given). With --engine dask: a "
        "directory of part files and their manifest.",
    )] = None,
    db: Annotated[Optional[str], typer.Option(
        "--db", metavar="URL", envvar="EXTRACTOR_DB", show_envvar=False,
        help="Also (or only) store claims in a database: sqlite:///x.db, a path, or postgresql://... "
        "Default: $EXTRACTOR_DB if set.",
    )] = None,
    state: Annotated[Optional[Path], typer.Option(
        "--state", metavar="PATH", dir_okay=False,
        help="SQLite state for incremental, resumable runs: unchanged documents are skipped and the "
        "output is appended in committed batches.",
    )] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="With --state: forget it and re-extract everything (the output is rewritten).",
    )] = False,
    adopt: Annotated[bool, typer.Option(
        "--adopt", help="With a new --state: keep an existing -o/--texts file it does not record and append after "
        "it (without --adopt or --force that is an error, so no claim is written twice).",
    )] = False,
    rejects: Annotated[Optional[Path], typer.Option(
        "--rejects", metavar="FILE", dir_okay=False,
        help="Write every rejected document (source, line, doc_id, kind, reason) as JSON Lines.",
    )] = None,
    max_rejects: Annotated[Optional[int], typer.Option(
        "--max-rejects", metavar="N", min=1, help="Stop the run (exit 1) once N documents were rejected.",
    )] = None,
    max_chars: Annotated[int, typer.Option(
        "--max-chars", metavar="N", min=1, help="Reject documents whose text is longer than N characters.",
    )] = 10_000_000,
    published: Annotated[Optional[str], typer.Option(
        "--published", metavar="DATE",
        help="Publication date (YYYY-MM-DD) for documents that carry none and have no dateline.",
    )] = None,
    texts: Annotated[Optional[Path], typer.Option(
        "--texts", metavar="FILE", dir_okay=False,
        help="Write the text extracted from each HTML input as JSON Lines {doc_id, text}; spans index it.",
    )] = None,
    stats: Annotated[Optional[Path], typer.Option(
        "--stats", metavar="FILE", dir_okay=False, help="Write the run summary as JSON.",
    )] = None,
    workers: Annotated[int, typer.Option(
        "--workers", "-w", metavar="N", min=1,
        help="Worker processes, each running the whole pipeline on tasks of half --batch-size documents; the output "
        "is the same as with one (with --engine dask: workers of the local cluster, one per CPU unless given).",
    )] = 1,
    batch_size: Annotated[int, typer.Option(
        "--batch-size", metavar="N", min=1,
        help="Documents per spaCy batch, and per committed output batch with --state.",
    )] = 32,
    engine: Annotated[Engine, typer.Option(
        "--engine", case_sensitive=False,
        help="local: run in this process; dask: partitions on a Dask cluster (needs the dask extra of the package), "
        "written as part files with a manifest into the -o directory, recomputing only missing or changed ones.",
    )] = Engine.local,
    scheduler: Annotated[Optional[str], typer.Option(
        "--scheduler", metavar="URL",
        help="With --engine dask: the scheduler of a running cluster (tcp://HOST:8786); without it a local "
        "cluster is started for the run.",
    )] = None,
    dashboard: Annotated[Optional[str], typer.Option(
        "--dashboard", metavar="HOST:PORT",
        help="With --engine dask and a local cluster: serve Dask's dashboard there (127.0.0.1:8787; port 0 "
        "picks a free one). Off by default; the local cluster listens on 127.0.0.1 only.",
    )] = None,
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="No progress bar or summary; only warnings, rejects and errors.",
    )] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Debug logging.")] = False,
    log_format: Annotated[LogFormat, typer.Option(
        "--log-format", case_sensitive=False, help="Messages on stderr as text lines or JSON objects.",
    )] = LogFormat.text,
) -> None:
    """Extract claims from news articles into JSON Lines, one claim per line.

    Exit codes:
    0 all documents done;
    1 fatal: nothing written, or only committed batches with --state (the message says why;
    also when --max-rejects is reached or another run holds the lock);
    2 usage error;
    3 finished, but some documents were rejected;
    130 interrupted (Ctrl-C or SIGTERM): a new -o is not written, with --state the committed
    batches are kept and a re-run continues.
    """
    from ..errors import ExtractorError
    from ..io.readers import InputPathError
    from ..logs import setup_logging
    from ..batch.runner import OptionError, RunOptions, run

    for name, value in (("--scheduler", scheduler), ("--dashboard", dashboard)):
        if value is not None and engine is not Engine.dask:
            raise typer.BadParameter("needs --engine dask", ctx=ctx, param_hint=f"'{name}'")
    if engine is Engine.dask:
        from ..batch.dask_engine import run_from_options

        # A local cluster has one worker per CPU unless --workers is given (by name: typer vendors click).
        sized = ctx.get_parameter_source("workers").name != "DEFAULT"
        execute = functools.partial(run_from_options, scheduler=scheduler, n_workers=workers if sized else None,
                                    dashboard=dashboard)
    else:
        execute = run
    setup_logging(log_format.value, quiet=quiet, verbose=verbose)
    signal.signal(signal.SIGTERM, _terminate)
    options = RunOptions(
        inputs=paths,
        output=output if output is not None or db is not None else "-",
        db=db,
        state=_str(state),
        force=force,
        adopt=adopt,
        rejects=_str(rejects),
        max_rejects=max_rejects,
        max_chars=max_chars,
        published=published,
        texts=_str(texts),
        stats=_str(stats),
        workers=workers,
        batch_size=batch_size,
    )
    show_progress = not quiet and log_format is LogFormat.text and sys.stderr.isatty()
    summary = None
    failed = False  # an error was reported: exit 1 even if the summary says the documents are done
    try:
        total = _document_count(options) if show_progress else None
        with Progress(show_progress, total) as progress:
            summary = execute(options, on_reject=_report_reject, on_progress=progress.update)
    except InputPathError as exc:
        raise typer.BadParameter(str(exc), ctx=ctx, param_hint="'PATH...'") from None
    except OptionError as exc:
        raise typer.BadParameter(str(exc), ctx=ctx) from None
    except ExtractorError as exc:
        summary = getattr(exc, "summary", None)
        failed = True
        log.error("%s", exc)
    except Exception as exc:  # a bug or an environment problem: one line, traceback with -v
        failed = True
        log.error("%s: %s", type(exc).__name__, exc)
        log.debug("traceback", exc_info=True)
    if summary is not None and getattr(summary, "documents_undated", 0):
        _report_undated(summary.documents_undated)
    if summary is not None and not quiet:
        _report_summary(summary)
    if failed or summary is None or summary.status in ("failed", "aborted"):
        raise typer.Exit(EXIT_FATAL)
    raise typer.Exit(EXIT_REJECTS if summary.documents_rejected else EXIT_OK)


def _str(path: Path | None) -> str | None:
    return None if path is None else str(path)


def _terminate(signum, frame) -> None:
    """SIGTERM: unwind like Ctrl-C so temporary files are removed and the lock released."""
    raise KeyboardInterrupt


def _report_reject(reject) -> None:
    log.warning(
        "%s", reject.message(),
        extra={"event": "rejected", "source": reject.source, "line": reject.line, "doc_id": reject.doc_id,
               "kind": reject.kind, "reason": reject.reason},
    )


def _report_summary(summary) -> None:
    s = summary
    log.info(
        "%s read, %d skipped, %d extracted, %d rejected; %s written in %.1f s (%.1f docs/s)",
        plural(s.documents_read, "document"), s.documents_skipped, s.documents_extracted, s.documents_rejected,
        plural(s.claims_written, "claim"), s.seconds, s.docs_per_second,
        extra={"event": "summary", **s.to_dict()},
    )


def _report_undated(count: int) -> None:
    """One warning for all documents whose relative dates cannot be resolved."""
    log.warning(
        "%s had no publication date (no published field, no dateline, no --published): relative dates in %s "
        "('on Wednesday', 'last month') were left unresolved",
        plural(count, "document"), "it" if count == 1 else "them",
        extra={"documents_undated": count},
    )


def _document_count(options) -> int | None:
    """How many documents the inputs hold (for the progress bar), or None when unknown (stdin)."""
    from ..io.readers import count_documents, expand_inputs

    own = [p for p in (options.output, options.state, options.rejects, options.texts, options.stats) if p and p != "-"]
    return count_documents(expand_inputs(options.inputs, exclude=own, log_skipped=False))
