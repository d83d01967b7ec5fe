"""A batch run: inputs in, claims out, safely repeatable and interruptible (no printing here).

>>> summary = run(RunOptions(inputs=["seeds/"], output="claims.jsonl"))

Documents stream from the readers through :meth:`Extractor.extract_many` (the model is loaded
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

import itertools
import logging
import os
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from typing import IO, TYPE_CHECKING, Any

from . import __version__
from .errors import ExtractorError
from .io.lock import RunLock
from .io.readers import ReadOptions, Record, Reject, expand_inputs, read_inputs
from .io.writers import AppendFile, AtomicFile, Sink, StreamSink, json_line, write_json_atomic
from .pipeline import DEFAULT_CHUNK_CHARS
from .state import DocumentEntry, State, StateError, content_hash

if TYPE_CHECKING:
    from .models import Claim, Document
    from .pipeline import Extractor

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
class _Pending:
    document: "Document"
    hash: str
    record: Record
    changed: bool


@dataclass
class _Batch:
    items: list[tuple[_Pending, list["Claim"]]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.items)


def validate_options(options: RunOptions) -> None:
    """Raise :class:`OptionError` for options that cannot work together."""
    from .isodate import parse_published

    if not options.inputs:
        raise OptionError("no inputs given")
    if options.output is None and options.db is None:
        raise OptionError("nothing to write: give an output file, '-' or a database")
    if options.workers < 1:
        raise OptionError(f"--workers must be at least 1, not {options.workers}")
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
            from .pipeline import Extractor

            self._extractor = Extractor(
                batch_size=self.options.batch_size, n_process=self.options.workers, chunk_chars=CHUNK_CHARS,
                gate=self.options.gate,
            )
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
                if recorded:
                    log.info("appending to %s after its existing %d bytes", path, recorded)
            elif sink.size < recorded:
                raise StateError(
                    f"{path} has {sink.size} bytes but {self.options.state} records {recorded} committed: it was "
                    f"changed outside extractor; use --force to rebuild it"
                )
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
            self.rejects.write(json_line(reject.to_dict()))
        self.on_reject(reject)
        limit = self.options.max_rejects
        if limit is not None and self.summary.documents_rejected >= limit:
            self.aborted = True

    def pending(self, records: Iterable[Record]) -> Iterator[_Pending]:
        """Documents that need extracting, in input order; counts, skips and rejects the rest."""
        seen: dict[str, str] = {}
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
            where = f"{record.source}:{record.line}" if record.line is not None else record.source
            if document.doc_id in seen:
                self.reject(
                    Reject(record.source, record.line, "duplicate_doc_id",
                           f"duplicate doc_id, first read at {seen[document.doc_id]}", document.doc_id)
                )
                self.on_progress(self.summary)
                continue
            seen[document.doc_id] = where
            digest = content_hash(document)
            known = self.state.known_hash(document.doc_id) if self.state is not None else None
            if known == digest:
                self.summary.documents_skipped += 1
                self.on_progress(self.summary)
                continue
            yield _Pending(document, digest, record, changed=known is not None)

    # -- extraction -------------------------------------------------------------------------

    def extracted(self, pending: Iterator[_Pending]) -> Iterator[tuple[_Pending, "list[Claim] | Reject"]]:
        """``(pending, claims)`` in input order; a document the pipeline fails on becomes a reject.

        When the stream fails, the documents in flight are retried one by one, so one document
        that trips a bug cannot stop (or, with a state, forever block) a batch.
        """
        first = next(pending, None)
        if first is None:
            return
        stream = itertools.chain([first], pending)
        extractor = self.extractor
        while True:
            inflight: deque[_Pending] = deque()
            feed_failed: list[BaseException] = []

            def feed() -> Iterator["Document"]:
                try:
                    for item in stream:
                        inflight.append(item)
                        yield item.document
                except BaseException as exc:
                    feed_failed.append(exc)
                    raise

            try:
                for _, claims in extractor.extract_many(feed()):
                    yield inflight.popleft(), claims
                return
            except ExtractorError:
                raise
            except Exception as exc:
                if feed_failed:
                    raise
                log.warning("extraction failed (%s: %s); retrying %d documents one by one",
                            type(exc).__name__, exc, len(inflight))
                while inflight:
                    item = inflight.popleft()
                    yield item, self._extract_alone(item)

    def _extract_alone(self, item: _Pending) -> "list[Claim] | Reject":
        extractor = self.extractor
        workers, extractor.n_process = extractor.n_process, 1
        try:
            return next(iter(extractor.extract_many([item.document])))[1]
        except ExtractorError:
            raise
        except Exception as exc:
            log.debug("extraction of %s failed", item.document.doc_id, exc_info=True)
            record = item.record
            return Reject(record.source, record.line, "extraction_failed",
                          f"extraction failed: {type(exc).__name__}: {exc}".replace("\n", " "), item.document.doc_id)
        finally:
            extractor.n_process = workers

    # -- writing ---------------------------------------------------------------------------------

    def write_batch(self, batch: _Batch) -> None:
        """Write a batch; with a state, make it durable and only then record it."""
        if not batch.items:
            return
        entries = []
        try:
            for item, claims in batch.items:
                start = self.output.size if isinstance(self.output, AppendFile) else None
                if self.output is not None:
                    self.output.write(b"".join(c.model_dump_json().encode("utf-8") + b"\n" for c in claims))
                end = self.output.size if isinstance(self.output, AppendFile) else None
                if self.texts is not None and item.record.from_html:
                    self.texts.write(json_line({"doc_id": item.document.doc_id, "text": item.document.text}))
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
        except OSError as exc:
            raise RunError(f"cannot write output: {exc}", self.summary) from exc
        if self.store is not None:
            try:
                for item, claims in batch.items:
                    self.store.replace_document(item.document, claims, content_hash=item.hash)
            except ExtractorError as exc:
                raise RunError(str(exc), self.summary) from exc
            except Exception as exc:
                raise RunError(f"database {_redact(self.options.db)}: {exc}", self.summary) from exc
        if self.state is not None:
            self.summary.claims_superseded += self.state.commit_batch(self.run_id, entries, sizes)
        self.summary.claims_written += sum(len(claims) for _, claims in batch.items)
        batch.items.clear()

    def finish(self, ok: bool) -> None:
        """Close every output: atomic files are renamed into place only if ``ok``."""
        for sink in self.sinks:
            sink.close(ok=ok)
        if self.rejects is not None:
            self.rejects.close(ok=True)
        if self.store is not None:
            self.store.close()


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
    :class:`~extractor.state.StateError`, and :class:`RunError` (also when ``max_rejects`` is
    reached: status ``aborted``).
    """
    validate_options(options)
    stdin = stdin if stdin is not None else sys.stdin.buffer
    stdout = stdout if stdout is not None else sys.stdout.buffer
    own_files = [p for p in (options.output, options.state, options.rejects, options.texts, options.stats)
                 if p and p != STDOUT]
    expand_inputs(options.inputs, exclude=own_files)  # fail on a bad path before touching anything
    started = time.monotonic()
    job = _Run(options, extractor, on_reject, on_progress)
    summary = job.summary
    ok = False
    try:
        with ExitStack() as stack:
            for target in sorted({p for p in (options.state, options.output) if p and p != STDOUT}):
                stack.enter_context(RunLock(target))
            try:
                job.open(stack, stdout)
                records = read_inputs(options.inputs, ReadOptions(options.published, options.max_chars),
                                      stdin=stdin, exclude=own_files + [f"{p}.lock" for p in own_files])
                per_batch = options.batch_size if job.state is not None else 1
                batch = _Batch()
                for item, result in job.extracted(job.pending(records)):
                    if isinstance(result, Reject):
                        job.reject(result)
                    else:
                        batch.items.append((item, result))
                        summary.documents_extracted += 1
                        summary.documents_gated += getattr(result, "gated", False)
                        summary.documents_changed += item.changed
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
                # With a state, the committed batches are kept whatever happened.
                job.finish(ok=ok)
                if job.state is not None:
                    job.state.finish_run(job.run_id, summary.status, summary.to_dict())
    except OSError as exc:
        summary.status = "failed"
        raise RunError(f"{exc.filename or 'output'}: {exc.strerror or exc}", summary) from exc
    finally:
        if summary.status == "running":  # stopped before the run began (lock, state, database)
            summary.status = "failed"
        if options.stats:
            write_json_atomic(options.stats, summary.to_dict())
    if job.aborted:
        kept = "batches already committed are kept" if options.state else "no output was written"
        raise RunError(
            f"stopped after {summary.documents_rejected} rejected documents (--max-rejects {options.max_rejects}); "
            f"{kept}",
            summary,
        )
    return summary


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
        from .db import ClaimStore
    except ImportError as exc:
        raise RunError(f"database output is not available: {exc}") from exc
    try:
        return ClaimStore.open(url)
    except ExtractorError:
        raise
    except Exception as exc:
        raise RunError(f"cannot open database {_redact(url)}: {exc}") from exc
