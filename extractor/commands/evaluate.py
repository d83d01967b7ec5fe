"""``extractor evaluate``: score the extractor (or a predictions file) on an annotated set.

The scoring is :mod:`extractor.evaluate`; this module reads the options, runs the extractor on
the set's documents when no predictions are given, prints the table and picks the exit code.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Annotated, Optional

import typer

log = logging.getLogger("extractor.cli")

EXIT_OK, EXIT_FATAL = 0, 1


def evaluate(
    ctx: typer.Context,
    set_dir: Annotated[Path, typer.Option(
        "--set", metavar="DIR", show_default=False,
        help="The evaluation set: a folder with docs/*.json (one document each) and gold*.jsonl (one gold claim a line).",
    )],
    pred: Annotated[Optional[Path], typer.Option(
        "--pred", metavar="FILE", dir_okay=False,
        help="Score these predicted claims (JSON Lines, as extractor extract writes them) instead of running the extractor.",
    )] = None,
    errors: Annotated[int, typer.Option(
        "--errors", metavar="N", min=0, help="Also print the first N errors (missed and extra claims, fields that differ).",
    )] = 0,
    json_out: Annotated[Optional[Path], typer.Option(
        "--json", metavar="FILE", dir_okay=False, help="Write the figures and every error as JSON.",
    )] = None,
    docs: Annotated[Optional[str], typer.Option(
        "--docs", metavar="REGEX", help="Score only the documents whose doc_id fully matches REGEX (e.g. 'd0[1-9]').",
    )] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress messages; only warnings and errors.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Debug logging.")] = False,
) -> None:
    """Score the extractor on your own annotated articles: per-field precision, recall and F1.

    The figures equal those of the evaluation's reference scorer (score.py).

    Exit codes:
    0 scored;
    1 the set or the predictions cannot be used (the message names the file and line);
    2 usage error.
    """
    from ..errors import ExtractorError
    from ..evaluate import format_scores, load_set, read_predictions, score
    from ..io.writers import write_json_atomic
    from ..logs import setup_logging

    setup_logging("text", quiet=quiet, verbose=verbose)
    if docs is not None:
        try:
            re.compile(docs)
        except re.error as exc:
            raise typer.BadParameter(f"not a regular expression: {exc}", ctx=ctx, param_hint="'--docs'") from None
    try:
        eval_set = load_set(set_dir)
        if docs is not None:
            eval_set = eval_set.select(docs)
            if not eval_set.documents:
                raise typer.BadParameter(f"no doc_id of {set_dir} matches {docs!r}", ctx=ctx, param_hint="'--docs'")
        if pred is not None:
            predictions = read_predictions(pred)
        else:
            predictions = _extract(eval_set)
        scores = score(eval_set, predictions)
        if json_out is not None:
            write_json_atomic(json_out, {**scores.to_dict(), "errors": [e.to_dict() for e in scores.errors]})
    except ExtractorError as exc:
        log.error("%s", exc)
        raise typer.Exit(EXIT_FATAL) from None
    except OSError as exc:
        log.error("%s: %s", exc.filename or "", exc.strerror or exc)
        raise typer.Exit(EXIT_FATAL) from None
    typer.echo(format_scores(scores), nl=False)
    for error in scores.errors[:errors]:
        typer.echo(error.message)


def _extract(eval_set) -> list[dict]:
    """Run the extractor on the set's documents; claims as the JSON objects it writes."""
    from .. import pipeline

    documents = list(eval_set.documents.values())
    log.info("extracting claims from %d documents of %s", len(documents), eval_set.path)
    extractor = pipeline.Extractor()
    return [
        claim.model_dump(mode="json") for _, claims in extractor.extract_many(documents) for claim in claims
    ]
