"""A batch run: inputs in, claims out, safely repeatable and interruptible (no printing here).

>>> summary = run(RunOptions(inputs=["seeds/"], output="claims.jsonl"))

Documents stream from the readers through :meth:`Extractor.extract_many` (or, with ``workers``
> 1, worker processes: :mod:`extractor.batch.workers`; the model is loaded
only if some document needs extracting) to the outputs:

* without ``state``, a file output is written to a temporary file and renamed at the end;
* with ``state``, output is appended in whole batches that are flushed and fsynced before the
  state records them, so a run killed at any moment is resumed by cutting the file back to
  the committed size; unchanged documents are skipped, changed ones re-extracted (their old
  claim ids are marked superseded in the state) and ``force`` starts over.

Every document that cannot be processed becomes a :class:`~extractor.io.readers.Reject`,
reported through ``on_reject`` and written to the rejects file. Fatal problems raise a
:class:`RunError` (or a lock/state/input-path error) carrying the summary so far.
"""

from __future__ import annotations

import gc
import itertools
import logging
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from typing import IO, TYPE_CHECKING, Any

from .. import __version__
from ..errors import ExtractorError, InputError
from ..io.lock import RunLock
from ..io.readers import ReadOptions, Record, Reject, expand_inputs, read_expanded
from ..io.writers import (
    AppendFile,
    AtomicFile,
    OutputError,
    Sink,
    StreamSink,
    remove_stale_temporaries,
    write_json_atomic,
)
from ..messages import plural
from ..pipeline import DEFAULT_CHUNK_CHARS
from .workers import start_method
from .documents import DocIds, Work, claim_lines, extract_each, reject_line, text_line
from .state import DocumentEntry, State, StateError, content_hash

if TYPE_CHECKING:
    from ..models import Claim
    from ..pipeline import Extractor

log = logging.getLogger(__name__)

STDOUT = "-"
DEFAULT_MAX_CHARS = 10_000_000
DEFAULT_BATCH_SIZE = 32
#: Piece size for long documents: the pipeline's default (see extractor.pipeline).
CHUNK_CHARS = DEFAULT_CHUNK_CHARS


class RunError(ExtractorError):
    """The run could not finish; ``summary`` says how far it got."""

    def __init__(self, message: str, summary: "RunSummary | None" = None):
        super().__init__(message)
        self.summary = summary


class OptionError(ExtractorError):
    """The options of a run contradict each other or have invalid values (a usage error)."""


@dataclass(frozen=True)
class RunOptions:
    """What a run reads and writes; ``output="-"`` is standard output, ``None`` none."""

    inputs: Sequence[str]
    output: str | None = STDOUT
    db: str | None = None
    state: str | None = None
    force: bool = False
    adopt: bool = False
    rejects: str | None = None
    max_rejects: int | None = None
    max_chars: int | None = DEFAULT_MAX_CHARS
    published: str | None = None
    texts: str | None = None
    stats: str | None = None
    workers: int = 1
    batch_size: int = DEFAULT_BATCH_SIZE
    #: skip the parser for documents without arms vocabulary (the claims are the same)
    gate: bool = True


@dataclass
class RunSummary:
    """Counts of a run; ``status`` is ``ok``, ``rejects``, ``aborted`` or ``failed``."""

    documents_read: int = 0
    documents_skipped: int = 0
    documents_extracted: int = 0
    #: of those extracted, the documents the relevance gate passed over (no arms vocabulary)
    documents_gated: int = 0
    documents_changed: int = 0
    documents_rejected: int = 0
    documents_undated: int = 0
    """Extracted documents without a publication date (none given, no dateline, no
    ``--published``): their relative dates ("on Wednesday") cannot be resolved."""
    claims_written: int = 0
    claims_superseded: int = 0
    seconds: float = 0.0
    status: str = "running"

    @property
    def docs_per_second(self) -> float:
        """Documents extracted per second of the run."""
        return round(self.documents_extracted / self.seconds, 2) if self.seconds > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        """The summary as written by ``--stats``."""
        return {**asdict(self), "seconds": round(self.seconds, 3), "docs_per_second": self.docs_per_second}


@dataclass
class _Pending(Work):
    hash: str = ""
    changed: bool = False


@dataclass
class _Batch:
    items: list[tuple[_Pending, list["Claim"]]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.items)


def validate_options(options: RunOptions) -> None:
    """Raise :class:`OptionError` for options that cannot work together."""
    from ..isodate import parse_published

    if not options.inputs:
        raise OptionError("no inputs given")
    if options.output is None and options.db is None:
        raise OptionError("nothing to write: give an output file, '-' or a database")
    if options.workers < 1:
        raise OptionError(f"--workers must be at least 1, not {options.workers}")
    if options.adopt and not options.state:
        raise OptionError("--adopt needs --state: it keeps an output the state does not know yet")
    if options.batch_size < 1:
        raise OptionError(f"--batch-size must be at least 1, not {options.batch_size}")
    if options.max_rejects is not None and options.max_rejects < 1:
        raise OptionError(f"--max-rejects must be at least 1, not {options.max_rejects}")
    if options.max_chars is not None and options.max_chars < 1:
        raise OptionError(f"--max-chars must be at least 1, not {options.max_chars}")
    if options.published is not None:
        try:
            parse_published(options.published)
        except ValueError as exc:
            raise OptionError(f"--published: {exc}") from None
    files = [p for p in (options.output, options.state, options.rejects, options.texts, options.stats) if p]
    real = [os.path.realpath(p) for p in files if p != STDOUT]
    if len(set(real)) != len(real):
        raise OptionError("the output, state, rejects, texts and stats files must all be different")
    if STDOUT in (options.rejects, options.texts, options.stats, options.state):
        raise OptionError("only the claims output (-o) can be standard output")
    for path in files:
        if path == STDOUT:
            continue
        if os.path.isdir(path):
            raise OptionError(f"{path} is a directory, not a file")
        parent = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(parent):
            raise OptionError(f"{path}: directory {parent} does not exist")
    if list(options.inputs).count("-") > 1:
        raise OptionError("standard input ('-') can be read only once")


#: Claims of one document serialised and written at a time.
WRITE_CLAIMS = 1000


@contextmanager
def _collector_for_a_run() -> Iterator[None]:
    """The objects alive once the model is loaded frozen for the extraction, and unfrozen after.

    The model, vocabulary and lexicons are some 120,000 objects that live for the whole run:
    frozen (``gc.freeze``), they are not traversed again by every full collection, nor their
    pages touched in forked workers (about 1 ms of an arms document's 35). The collection
    thresholds stay as they are: collecting the young generation every 20,000 allocations
    instead of 700 was 1-2% faster but kept the garbage of long documents' pieces alive longer
    (the 5 MB article's peak RSS 599 -> 622 MB)."""
    frozen_before = gc.get_freeze_count()  # a host program's own frozen objects stay frozen
    gc.freeze()
    try:
        yield
    finally:
        if not frozen_before:
            gc.unfreeze()


class _Run:
    """The mutable parts of one run; :func:`run` is its only user."""

    def __init__(self, options: RunOptions, extractor: "Extractor | None", on_reject, on_progress):
        self.options = options
        self._extractor = extractor
        self.on_reject = on_reject or (lambda reject: None)
        self.on_progress = on_progress or (lambda summary: None)
        self.summary = RunSummary()
        self.aborted = False
        self.state: State | None = None
        self.run_id = 0
        self.output: Sink | None = None
        self.texts: Sink | None = None
        self.rejects: Sink | None = None
        self.store = None
        self.sinks: list[Sink] = []

    # -- set-up -------------------------------------------------------------------------

    @property
    def extractor(self) -> "Extractor":
        if self._extractor is None:
            from ..pipeline import Extractor

            self._extractor = Extractor(batch_size=self.options.batch_size, chunk_chars=CHUNK_CHARS,
                                        gate=self.options.gate)
        return self._extractor

    def open(self, stack: ExitStack, stdout: IO[bytes]) -> None:
        o = self.options
        if o.state:
            self.state = stack.enter_context(State(o.state))
            targets = {
                "output": _abs(o.output),
                "texts": _abs(o.texts),
                "db": _redact(o.db) if o.db else None,
            }
            self.state.bind(targets, force=o.force)
            previous = self.state.last_version()
            if previous is not None and previous != __version__ and not o.force:
                log.warning(
                    "state %s was written by extractor %s (this is %s): unchanged documents keep their "
                    "old claims; use --force to re-extract everything",
                    o.state, previous, __version__,
                )
            self.run_id = self.state.begin_run(__version__)
        self.output = self._open_sink("output", o.output, stdout)
        self.texts = self._open_sink("texts", o.texts, stdout)
        if o.rejects:
            self.rejects = AtomicFile(o.rejects)
        if o.db:
            self.store = _open_store(o.db)

    def _open_sink(self, name: str, path: str | None, stdout: IO[bytes]) -> Sink | None:
        if path is None:
            return None
        if path == STDOUT:
            sink: Sink = StreamSink(stdout)
        elif self.state is None:
            sink = AtomicFile(path)
        else:
            sink = AppendFile(path)
            recorded = self.state.committed_size(name)
            if self.options.force:
                recorded = 0
            if recorded is None:
                recorded = sink.size
                if recorded and not self.options.adopt:
                    sink.close()
                    raise StateError(
                        f"{path} already holds {recorded} bytes that {self.options.state} does not record: appending "
                        f"would write claims it may already hold a second time; use --force to rewrite it, --adopt "
                        f"to keep it and append after it, or another output"
                    )
                if recorded:
                    log.info("appending to %s after its existing %d bytes (--adopt)", path, recorded)
            elif sink.size < recorded:
                raise StateError(
                    f"{path} has {sink.size} bytes but {self.options.state} records {recorded} committed: it was "
                    f"changed outside extractor; use --force to rebuild it"
                )
            elif self.options.force and sink.size:
                log.info("--force: %s is rewritten from empty", path)
            elif sink.size > recorded:
                log.warning("%s: cutting %d bytes left by an interrupted run", path, sink.size - recorded)
            if sink.size != recorded:
                sink.truncate(recorded)
            self.state.record_size(name, path, recorded)
        self.sinks.append(sink)
        return sink

    # -- reading --------------------------------------------------------------------------

    def reject(self, reject: Reject) -> None:
        self.summary.documents_rejected += 1
        if self.rejects is not None:
            self.rejects.write(reject_line(reject))
        self.on_reject(reject)
        limit = self.options.max_rejects
        if limit is not None and self.summary.documents_rejected >= limit:
            self.aborted = True

    def pending(self, records: Iterable[Record]) -> Iterator[_Pending]:
        """Documents that need extracting, in input order; counts, skips and rejects the rest."""
        ids = DocIds()
        for record in records:
            if self.aborted:
                return
            self.summary.documents_read += 1
            if record.reject is not None:
                self.reject(record.reject)
                self.on_progress(self.summary)
                continue
            document = record.document
            assert document is not None
            duplicate = ids.duplicate(record)
            if duplicate is not None:
                self.reject(duplicate)
                self.on_progress(self.summary)
                continue
            digest = content_hash(document)
            known = self.state.known_hash(document.doc_id) if self.state is not None else None
            if known == digest:
                self.summary.documents_skipped += 1
                self.on_progress(self.summary)
                continue
            yield _Pending(record, document, digest, changed=known is not None)

    # -- extraction -------------------------------------------------------------------------

    def extracted(self, pending: Iterator[_Pending]) -> Iterator[tuple[_Pending, "list[Claim] | Reject"]]:
        """``(pending, claims)`` in input order; a document the pipeline fails on becomes a reject
        (:func:`~extractor.batch.documents.extract_each`). The model is loaded only if some
        document needs extracting."""
        first = next(pending, None)
        if first is None:
            return
        if self.options.workers == 1 or start_method() == "fork":
            getattr(self.extractor, "nlp", None)  # (load the model now, to freeze it below)
        with _collector_for_a_run():
            yield from extract_each(self.extractor, itertools.chain([first], pending), self.options.workers)

    # -- writing ---------------------------------------------------------------------------------

    def write_batch(self, batch: _Batch) -> None:
        """Write a batch; with a state, make it durable and only then record it."""
        if self.store is not None:
            self.store_batch(batch)
        if not batch.items:
            return
        entries = []
        try:
            for item, claims in batch.items:
                start = self.output.size if isinstance(self.output, AppendFile) else None
                if self.output is not None:
                    # a thousand lines at a time: a huge document's claims (33,000 for a 5 MB
                    # article) would otherwise be held twice more as bytes, joined and unjoined
                    for i in range(0, len(claims), WRITE_CLAIMS):
                        self.output.write(claim_lines(claims[i:i + WRITE_CLAIMS]))
                end = self.output.size if isinstance(self.output, AppendFile) else None
                if self.texts is not None and item.record.from_html:
                    self.texts.write(text_line(item.document))
                entries.append(DocumentEntry(item.document.doc_id, item.hash, item.record.source, item.record.line,
                                             [c.claim_id for c in claims], start, end))
            sizes = {}
            for name, sink, path in (("output", self.output, self.options.output),
                                     ("texts", self.texts, self.options.texts)):
                if sink is not None:
                    size = sink.sync()
                    if size is not None:
                        sizes[name] = (path, size)
        except BrokenPipeError as exc:
            raise RunError("the output was closed before the run finished (broken pipe)", self.summary) from exc
        except OutputError as exc:
            raise RunError(str(exc), self.summary) from exc
        except OSError as exc:
            raise RunError(f"cannot write output: {exc}", self.summary) from exc
        if self.state is not None:
            self.summary.claims_superseded += self.state.commit_batch(self.run_id, entries, sizes)
        self.summary.claims_written += sum(len(claims) for _, claims in batch.items)
        batch.items.clear()

    def store_batch(self, batch: _Batch) -> None:
        """Store each document of the batch in the database, before any other output has it: a
        document the database refuses (a value it cannot hold) is rejected and leaves the batch;
        a database that fails as a whole stops the run."""
        from ..db import DocumentNotStoredError

        kept = []
        for item, claims in batch.items:
            try:
                self.store.replace_document(item.document, claims, content_hash=item.hash)
            except (DocumentNotStoredError, InputError) as exc:
                record = item.record
                self.summary.documents_extracted -= 1
                self.summary.documents_changed -= item.changed
                self.reject(Reject(record.source, record.line, "not_stored", f"database: {exc.reason}",
                                   item.document.doc_id))
                continue
            except ExtractorError as exc:
                raise RunError(str(exc), self.summary) from exc
            except Exception as exc:
                raise RunError(f"database {_redact(self.options.db)}: {exc}", self.summary) from exc
            kept.append((item, claims))
        batch.items[:] = kept

    def finish(self, ok: bool) -> None:
        """Close every output. The output files are renamed into place only if ``ok`` and every
        one of them could be written in full; the rejects file whatever happened. Every file is
        closed (its temporary file removed) even when another one fails; the first failure is
        raised after, naming its file."""
        closing = [(sink, ok) for sink in self.sinks]
        if self.rejects is not None:
            closing.append((self.rejects, True))  # written whatever happened
        failures: dict[int, OutputError] = {}
        for sink, keep in closing:  # every file written in full before any is renamed into place
            if keep and isinstance(sink, AtomicFile):
                try:
                    sink.prepare()
                except OutputError as exc:
                    failures[id(sink)] = exc
        outputs_ok = ok and not any(id(sink) in failures for sink in self.sinks)
        for sink, keep in closing:
            try:
                sink.close(ok=keep and (outputs_ok or sink is self.rejects))
            except OutputError as exc:
                failures.setdefault(id(sink), exc)
        failed = next(iter(failures.values()), None)
        if self.store is not None:
            self.store.close()
        if failed is not None:
            raise RunError(str(failed), self.summary) from failed


def run(
    options: RunOptions,
    *,
    extractor: "Extractor | None" = None,
    stdin: IO[bytes] | None = None,
    stdout: IO[bytes] | None = None,
    on_reject: Callable[[Reject], None] | None = None,
    on_progress: Callable[[RunSummary], None] | None = None,
) -> RunSummary:
    """Run a batch and return its summary (``status`` ``ok`` or ``rejects``).

    Raises :class:`OptionError` or :class:`~extractor.io.readers.InputPathError` before anything
    is written, :class:`~extractor.io.lock.LockBusyError` when another run holds the lock,
    :class:`~extractor.batch.state.StateError`, and :class:`RunError` (also when ``max_rejects`` is
    reached: status ``aborted``).
    """
    validate_options(options)
    stdin = stdin if stdin is not None else sys.stdin.buffer
    stdout = stdout if stdout is not None else sys.stdout.buffer
    own_files = [p for p in (options.output, options.state, options.rejects, options.texts, options.stats)
                 if p and p != STDOUT]
    files = expand_inputs(options.inputs, exclude=own_files)  # fail on a bad path before touching anything
    started = time.monotonic()
    job = _Run(options, extractor, on_reject, on_progress)
    summary = job.summary
    ok = finished = False
    try:
        with ExitStack() as stack:
            # one lock per file, in a fixed order, whatever names the options give the files
            targets = {os.path.realpath(p): p for p in (options.state, options.output) if p and p != STDOUT}
            for _, target in sorted(targets.items()):
                stack.enter_context(RunLock(target))
            try:
                job.open(stack, stdout)
                records = read_expanded(files, ReadOptions(options.published, options.max_chars), stdin=stdin)
                per_batch = options.batch_size if job.state is not None else 1
                batch = _Batch()
                for item, result in job.extracted(job.pending(records)):
                    if isinstance(result, Reject):
                        job.reject(result)
                    else:
                        batch.items.append((item, result))
                        summary.documents_extracted += 1
                        gated = getattr(result, "gated", False)
                        summary.documents_gated += gated
                        summary.documents_changed += item.changed
                        # a gated document has no claims, so no relative date to resolve
                        summary.documents_undated += item.document.published is None and not gated
                        if len(batch) >= per_batch:
                            job.write_batch(batch)
                    job.on_progress(summary)
                job.write_batch(batch)
                ok = not job.aborted
            finally:
                summary.seconds = time.monotonic() - started
                if job.aborted:
                    summary.status = "aborted"
                elif ok:
                    summary.status = "rejects" if summary.documents_rejected else "ok"
                else:
                    summary.status = "failed"
                if not ok and options.state is None and options.output not in (None, STDOUT) and not options.db:
                    summary.claims_written = 0  # the output file is not renamed into place: nothing was written
                # With a state, the committed batches are kept whatever happened.
                try:
                    job.finish(ok=ok)
                except RunError:
                    summary.status = "failed"
                    raise
                finally:
                    if job.state is not None:
                        job.state.finish_run(job.run_id, summary.status, summary.to_dict())
        finished = True
    except OSError as exc:
        summary.status = "failed"
        raise RunError(f"{exc.filename or 'output'}: {exc.strerror or exc}", summary) from exc
    finally:
        if summary.status == "running":  # stopped before the run began (lock, state, database)
            summary.status = "failed"
        try:
            if options.stats:
                try:
                    write_stats(options.stats, summary, options.output)
                except RunError as exc:
                    if finished:
                        raise
                    log.error("%s", exc)  # the run's own error follows
        finally:
            for path in own_files:  # whatever stopped the run (even a signal in the middle of opening a file)
                remove_stale_temporaries(path, own=True)
    if job.aborted:
        raise RunError(
            f"stopped after {plural(summary.documents_rejected, 'rejected document')} "
            f"(--max-rejects {options.max_rejects}); {_kept(options, summary)}",
            summary,
        )
    return summary


def _kept(options: RunOptions, summary: RunSummary) -> str:
    """What a stopped run leaves behind, for its message."""
    if options.state:
        return f"the batches committed before are kept ({plural(summary.claims_written, 'claim')}); run again to go on"
    written = []
    if options.output == STDOUT:
        written.append("standard output")
    if options.db:
        written.append("the database")
    if options.output not in (None, STDOUT):
        lost = f"{options.output} was not written"
        if not written:
            return lost
        return f"{lost}; {plural(summary.claims_written, 'claim')} went to {' and '.join(written)}"
    return f"{plural(summary.claims_written, 'claim')} went to {' and '.join(written)}"


def write_stats(path: str, summary: RunSummary, output: str | None) -> None:
    """Write ``--stats``; if that fails after a run that finished, the error says that the
    claims output is complete all the same."""
    try:
        write_json_atomic(path, summary.to_dict())
    except OutputError as exc:
        if summary.status in ("ok", "rejects") and output not in (None, STDOUT):
            raise RunError(f"{exc}; the run itself finished: {output} is complete, only --stats was not written",
                           summary) from exc
        raise RunError(str(exc), summary) from exc


def _abs(path: str | None) -> str | None:
    if path is None or path == STDOUT:
        return path
    return os.path.abspath(path)


def _redact(url: str) -> str:
    """A database URL without its password."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def _open_store(url: str):
    try:
        from ..db import ClaimStore
    except ImportError as exc:
        raise RunError(f"database output is not available: {exc}") from exc
    try:
        return ClaimStore.open(url)
    except ExtractorError:
        raise
    except Exception as exc:
        raise RunError(f"cannot open database {_redact(url)}: {exc}") from exc
