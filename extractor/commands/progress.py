"""The progress bar of ``extractor extract`` on a terminal: total, percent, documents a second,
time left and claims so far (rich). Nothing is drawn when stderr is not a terminal (a pipe, a
log file, cron), with ``--quiet`` or with ``--log-format json``."""

from __future__ import annotations

from typing import Any


def _done(summary: Any) -> int:
    """Documents finished: extracted, skipped as unchanged, or rejected."""
    return summary.documents_extracted + summary.documents_skipped + summary.documents_rejected


class Progress:
    """A rich progress bar on stderr (or ``console``), or nothing when not ``enabled``.

    ``total`` is the number of documents when known (files only), else None: the bar then
    shows counts without percent or time left.
    """

    def __init__(self, enabled: bool, total: int | None = None, console: Any = None):
        self._progress = None
        if not enabled:
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress as RichProgress,
            TaskProgressColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        known = total is not None
        columns = [
            TextColumn("extracting"),
            BarColumn(),
            *([TaskProgressColumn(), MofNCompleteColumn()] if known else [TextColumn("{task.fields[done]}")]),
            TextColumn("{task.fields[rate]}"),
            *([TextColumn("ETA"), TimeRemainingColumn()] if known else [TimeElapsedColumn()]),
            TextColumn("{task.fields[claims]}"),
        ]
        self._progress = RichProgress(
            *columns, console=console or Console(stderr=True), transient=True, speed_estimate_period=60,
        )
        self._task = self._progress.add_task("extract", total=total, rate="", claims="0 claims", done="0 documents")

    def __enter__(self) -> "Progress":
        if self._progress is not None:
            self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()

    def update(self, summary: Any) -> None:
        """Show the counts of a run's summary so far."""
        if self._progress is None:
            return
        from ..messages import plural

        done = _done(summary)
        self._progress.update(self._task, completed=done, done=plural(done, "document"),
                              claims=plural(summary.claims_written, "claim"))
        speed = self._progress.tasks[0].speed  # from the completions so far, this one included
        self._progress.update(self._task, rate=f"{speed:.1f} docs/s" if speed else "")
