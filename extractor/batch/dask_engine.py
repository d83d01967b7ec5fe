"""A batch run on a Dask cluster: partitions of the inputs in, one part file per partition out.

>>> summary = run_dask(["archive/"], Path("out/"), scheduler="tcp://10.0.0.5:8786")

The driver (this process) expands the inputs exactly as a local run does
(:func:`~extractor.io.readers.expand_inputs`) and cuts them into partitions of at most
``partition_docs`` documents: line ranges of a JSON Lines file (whole lines, their byte range
and first line number), or groups of consecutive ``.json``/``.txt``/``.html`` files. Each
partition has an *inputs hash*: SHA-256 over its sources, line numbers and the SHA-256 of their
bytes. A Dask task per partition (:func:`compute_partition`) reads its inputs with the project's
readers, extracts with an :class:`~extractor.pipeline.Extractor` cached in the worker process
(loaded on first use, once per worker thread; the model is never sent over the network) and
writes, each atomically (:func:`~extractor.io.writers.write_atomic`) into ``out_dir``:

* ``part-NNNNN.jsonl``: the claims of the partition's documents, in input order, one per line
  exactly as a local run writes them;
* ``part-NNNNN.rejects.jsonl``: its rejected documents, in the local run's rejects format;
* ``part-NNNNN.texts.jsonl``: ``{doc_id, text}`` of documents whose text came from HTML (only
  when there are some);
* ``part-NNNNN.ids.jsonl``: ``[doc_id, where first read]`` of its valid documents.

The other files are renamed into place before the part file, so a part file on disk means
its partition is complete. The driver then records the partition in ``manifest.json`` (written
atomically): its inputs with their hashes, its files, counts and the part's size and SHA-256.
A re-run computes only the partitions whose part is missing or different from the manifest, or
whose inputs hash is new (a changed, added or moved input); parts of partitions that are no
longer planned are removed at the end. A changed setting that shapes the output (extractor or
model version, ``published``, ``max_chars``) or ``force`` recomputes everything.

A worker that dies mid-partition leaves at most a hidden temporary file; the scheduler runs the
partition again on another worker (up to ``distributed.scheduler.allowed-failures`` times), so
every claim is in exactly one complete part.

A doc id read again is rejected as a duplicate, as in a local run: within a partition by its
worker; across partitions by the driver, which reads each partition's doc ids
(``part-NNNNN.ids.jsonl``) once all are done and computes again, telling it which ids to
reject, any partition repeating ids of an earlier one.

``out_dir`` and the inputs must be reachable at the same absolute paths on every worker (a shared
filesystem), and every worker needs the same versions of this package and its model: a worker
with other versions fails its task instead of writing a mixed output.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import logging
import os
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..errors import ExtractorError
from ..messages import plural
from ..io.lock import RunLock
from ..io.readers import (
    STDIN,
    InputFile,
    ReadOptions,
    Record,
    Reject,
    expand_inputs,
    SNIFF_BYTES,
    looks_binary,
    read_file,
    read_jsonl_stream,
)
from ..io.writers import json_line, write_atomic, write_json_atomic
from .documents import DocIds, Work, claim_lines, extract_each, reject_line, text_line
from .runner import (
    CHUNK_CHARS,
    DEFAULT_BATCH_SIZE,
    DEFAULT_MAX_CHARS,
    STDOUT,
    OptionError,
    RunError,
    RunOptions,
    RunSummary,
    validate_options,
    write_stats,
)

if TYPE_CHECKING:
    from distributed import Client

    from ..pipeline import Extractor

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
#: Version of the manifest's layout.
MANIFEST_FORMAT = 1
#: Documents (lines of JSON Lines, or files) per partition: at about 10 documents a second per
#: worker, a partition is some 10 seconds of work, long enough to make Dask's per-task overhead
#: (milliseconds) negligible and short enough that a lost worker costs little.
DEFAULT_PARTITION_DOCS = 100
#: The manifest is rewritten at most this often while partitions complete (and at the end).
MANIFEST_INTERVAL_SECONDS = 2.0
_PART_FILES = re.compile(r"part-\d{5,}(\.rejects|\.texts|\.ids)?\.jsonl")
_SIDE_FILES = ("rejects", "ids", "texts")
_READ_CHUNK = 1 << 20
#: The interface a local cluster (scheduler, workers, dashboard) listens on.
LOCAL_HOST = "127.0.0.1"
#: The hash of a file that cannot be read: the reader makes it an ``unreadable`` reject.
UNREADABLE = "unreadable"


class InputChangedError(ExtractorError):
    """An input changed between planning a partition and reading it on a worker."""


class VersionMismatchError(ExtractorError):
    """A worker runs other versions of extractor or its model than the driver."""


@dataclass(frozen=True)
class DaskOptions:
    """What a distributed run reads and how; the output directory is an argument of :func:`run_dask`."""

    published: str | None = None
    max_chars: int | None = DEFAULT_MAX_CHARS
    batch_size: int = DEFAULT_BATCH_SIZE
    partition_docs: int = DEFAULT_PARTITION_DOCS
    force: bool = False
    #: Address of the dashboard of a local cluster (``127.0.0.1:8787``; port 0 picks a free one);
    #: None: no dashboard. A cluster given by its scheduler has its own.
    dashboard: str | None = None


@dataclass
class DaskSummary(RunSummary):
    """A run's counts (those of :class:`~extractor.batch.runner.RunSummary`) plus its partitions.

    ``documents_read`` and ``documents_rejected`` cover every partition of the output (reused
    ones included, as a local run re-reads everything); ``documents_skipped`` are the extracted
    documents of reused partitions; ``documents_extracted`` and ``claims_written`` those of the
    partitions computed by this run.
    """

    partitions: int = 0
    partitions_computed: int = 0
    partitions_reused: int = 0


@dataclass(frozen=True)
class InputSlice:
    """One input of a partition: a whole file, or lines of a JSON Lines file from ``first_line``
    (1-based) at bytes ``[start, end)``. ``path`` is absolute (workers open it), ``source`` names
    it in rejects as the user gave it, ``sha256`` is the hash of the bytes read."""

    path: str
    source: str
    doc_id: str
    kind: str
    sha256: str
    start: int | None = None
    end: int | None = None
    first_line: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The slice as listed in the manifest."""
        data = {"source": self.source, "path": self.path, "kind": self.kind, "sha256": self.sha256}
        if self.start is not None:
            data.update(first_line=self.first_line, bytes=[self.start, self.end])
        return data


@dataclass(frozen=True)
class Settings:
    """Everything besides the inputs that shapes the output; the manifest records it."""

    extractor_version: str
    model: str
    model_version: str | None
    published: str | None
    max_chars: int | None
    chunk_chars: int

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class PartitionTask:
    """The work of one partition, as sent to a worker (paths and settings only, no data).

    ``exclude`` maps doc ids first read in an earlier partition to where they were read: the
    partition rejects them as duplicates, as a local run would.
    """

    name: str
    inputs_hash: str
    slices: tuple[InputSlice, ...]
    out_dir: str
    settings: Settings
    batch_size: int
    exclude: tuple[tuple[str, str], ...] = ()


# -- planning (driver) ------------------------------------------------------------------------


def plan_partitions(
    inputs: Sequence[str], partition_docs: int, *, exclude: Sequence[str | os.PathLike] = ()
) -> list[tuple[InputSlice, ...]]:
    """Cut the inputs into partitions of at most ``partition_docs`` documents, in input order.

    A JSON Lines file gives line ranges (a binary one, rejected whole by the reader, stays one
    slice); consecutive other files are grouped. Raises
    :class:`~extractor.io.readers.InputPathError` for a bad input path and :class:`OptionError`
    for standard input, which a cluster cannot read.
    """
    partitions: list[tuple[InputSlice, ...]] = []
    group: list[InputSlice] = []
    for item in expand_inputs(inputs, exclude):
        if item == STDIN:
            raise OptionError("standard input ('-') cannot be read by a cluster: give files or directories")
        assert isinstance(item, InputFile)
        if item.kind == "jsonl":
            if group:
                partitions.append(tuple(group))
                group = []
            partitions.extend((s,) for s in _jsonl_slices(item, partition_docs))
            continue
        group.append(InputSlice(os.path.realpath(item.path), item.source, item.doc_id, item.kind, _file_hash(item.path)))
        if len(group) >= partition_docs:
            partitions.append(tuple(group))
            group = []
    if group:
        partitions.append(tuple(group))
    return partitions


def _jsonl_slices(item: InputFile, lines_per_slice: int) -> Iterator[InputSlice]:
    path = os.path.realpath(item.path)  # not Path.resolve(): it raises on a symlink loop
    whole = InputSlice(path, item.source, item.doc_id, item.kind, _file_hash(item.path))
    if whole.sha256 == UNREADABLE or item.compressed:
        yield whole  # the reader rejects it; a gzip stream cannot be cut by byte offsets
        return
    with open(item.path, "rb") as fh:
        if looks_binary(fh.peek(SNIFF_BYTES)[:SNIFF_BYTES]):
            yield whole
            return
        start = offset = 0
        first = line = 1
        digest = hashlib.sha256()
        for raw in fh:
            digest.update(raw)
            offset += len(raw)
            if line - first + 1 == lines_per_slice:
                yield InputSlice(path, item.source, item.doc_id, item.kind, digest.hexdigest(), start, offset, first)
                start, first, digest = offset, line + 1, hashlib.sha256()
            line += 1
        if offset > start:
            yield InputSlice(path, item.source, item.doc_id, item.kind, digest.hexdigest(), start, offset, first)


def _file_hash(path: Path) -> str:
    """SHA-256 of a file's bytes, or :data:`UNREADABLE` (its partition then rejects it)."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(_READ_CHUNK):
                digest.update(chunk)
    except OSError:
        return UNREADABLE
    return digest.hexdigest()


def inputs_hash(slices: Sequence[InputSlice]) -> str:
    """The identity of a partition: its sources, line numbers and content hashes."""
    payload = json.dumps([[s.source, s.kind, s.doc_id, s.first_line, s.sha256] for s in slices])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def current_settings(options: DaskOptions, model: str | None = None) -> Settings:
    """The settings of a run with ``options`` and the installed extractor and model."""
    from ..pipeline import MODEL_NAME

    model = model or MODEL_NAME
    return Settings(__version__, model, _package_version(model), options.published, options.max_chars, CHUNK_CHARS)


def _package_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


# -- one partition (worker) ---------------------------------------------------------------------


@dataclass
class _Numbered(Work):
    """A document of a partition and the position of its record (rejects keep read order)."""

    seq: int = 0

_local = threading.local()


def cached_extractor(model: str, batch_size: int, chunk_chars: int) -> "Extractor":
    """The :class:`~extractor.pipeline.Extractor` of this worker thread for these settings.

    Dask runs tasks in a worker's long-lived executor threads; each keeps its extractor (and
    so its loaded spaCy model) for every later partition, so a model is loaded once per worker
    thread, never per document or per partition, and never travels with a task.
    """
    from ..pipeline import Extractor

    cache: dict[tuple[str, int, int], Extractor] = _local.__dict__.setdefault("extractors", {})
    key = (model, batch_size, chunk_chars)
    if key not in cache:
        cache[key] = Extractor(model=model, batch_size=batch_size, chunk_chars=chunk_chars)
    return cache[key]


def compute_partition(task: PartitionTask, extractor: "Extractor | None" = None) -> dict[str, Any]:
    """Read, extract and write one partition; return its manifest entry (plus its rejects).

    Runs on a worker (``extractor`` defaults to the worker's cached one). Raises
    :class:`VersionMismatchError` on a worker with other versions than the driver and
    :class:`InputChangedError` when an input no longer has the planned hash.
    """
    settings = task.settings
    here = current_settings(DaskOptions(published=settings.published, max_chars=settings.max_chars), settings.model)
    if (here.extractor_version, here.model_version) != (settings.extractor_version, settings.model_version):
        raise VersionMismatchError(
            f"worker has extractor {here.extractor_version} and {settings.model} {here.model_version}, the driver "
            f"{settings.extractor_version} and {settings.model_version}: install the same versions on every worker"
        )
    if extractor is None:
        extractor = cached_extractor(settings.model, task.batch_size, settings.chunk_chars)
    read_options = ReadOptions(settings.published, settings.max_chars)
    rejects: list[tuple[int, Reject]] = []  # with the position of their record, to keep read order
    documents: list[_Numbered] = []
    ids = DocIds(task.exclude)  # doc ids of earlier partitions, then the first read of each of this one
    read = 0
    for seq, record in enumerate(_partition_records(task.slices, read_options)):
        read += 1
        reject = record.reject or ids.duplicate(record)
        if reject is not None:
            rejects.append((seq, reject))
            continue
        assert record.document is not None
        documents.append(_Numbered(record, record.document, seq))

    claims: list[bytes] = []
    texts: list[bytes] = []
    extracted = claim_count = 0
    for item, result in extract_each(extractor, documents):
        if isinstance(result, Reject):
            rejects.append((item.seq, result))
            continue
        extracted += 1
        claim_count += len(result)
        claims.append(claim_lines(result))
        if item.record.from_html:
            texts.append(text_line(item.document))
    rejected = [reject for _, reject in sorted(rejects, key=lambda pair: pair[0])]

    out = Path(task.out_dir)
    names = {"part": f"{task.name}.jsonl", "rejects": f"{task.name}.rejects.jsonl", "ids": f"{task.name}.ids.jsonl",
             "texts": f"{task.name}.texts.jsonl" if texts else None}
    part = b"".join(claims)
    # The part goes last: once it exists, its other files do as well.
    write_atomic(out / names["rejects"], b"".join(reject_line(r) for r in rejected))
    write_atomic(out / names["ids"], b"".join(json_line([doc_id, where]) for doc_id, where in ids.seen.items()))
    if names["texts"]:
        write_atomic(out / names["texts"], b"".join(texts))
    write_atomic(out / names["part"], part)
    return {
        "name": task.name,
        "inputs_hash": task.inputs_hash,
        "inputs": [s.to_dict() for s in task.slices],
        **names,
        "excluded": ids.earlier,
        "documents": read,
        "extracted": extracted,
        "rejected": len(rejected),
        "claims": claim_count,
        "part_bytes": len(part),
        "part_sha256": hashlib.sha256(part).hexdigest(),
        "reject_lines": [r.to_dict() for r in rejected],
    }


def _partition_records(slices: Sequence[InputSlice], options: ReadOptions) -> Iterator[Record]:
    """The records of a partition's slices, with line numbers of the whole file."""
    for s in slices:
        item = InputFile(Path(s.path), s.source, s.doc_id, s.kind)
        if s.start is None:
            if _file_hash(item.path) != s.sha256:
                raise InputChangedError(f"{s.source} changed during the run; run again to include the new version")
            yield from read_file(item, options)
            continue
        with open(s.path, "rb") as fh:
            fh.seek(s.start)
            data = fh.read(s.end - s.start)
        if hashlib.sha256(data).hexdigest() != s.sha256:
            raise InputChangedError(
                f"{s.source}: lines from {s.first_line} changed during the run; run again to include the new version"
            )
        # The reader numbers lines from 1 and strips a BOM only on line 1: a leading blank line
        # (which it skips) keeps a later slice's first line from being taken for the file's first.
        shift = 0 if s.first_line == 1 else s.first_line - 2
        stream = io.BytesIO(data if s.first_line == 1 else b"\n" + data)
        for record in read_jsonl_stream(stream, s.source, options):
            yield _shifted(record, shift)


def _shifted(record: Record, by: int) -> Record:
    if not by or record.line is None:
        return record
    line = record.line + by
    reject = record.reject
    if reject is not None:
        reject = Reject(reject.source, line, reject.kind, reject.reason, reject.doc_id)
    return dataclasses.replace(record, line=line, reject=reject)


# -- the run (driver) ----------------------------------------------------------------------------


def run_dask(
    inputs: list[str],
    out_dir: Path,
    *,
    scheduler: str | None = None,
    options: DaskOptions = DaskOptions(),
    n_workers: int | None = None,
    on_reject: Callable[[Reject], None] | None = None,
    on_progress: Callable[[DaskSummary], None] | None = None,
) -> DaskSummary:
    """Extract ``inputs`` into part files in ``out_dir`` on a Dask cluster; return the summary.

    ``scheduler`` is the address of a running cluster (``tcp://host:8786``); without it a
    ``LocalCluster`` of ``n_workers`` single-threaded worker processes (default: one per CPU) is
    started for the run. ``on_reject`` hears of each reject of a computed partition and
    ``on_progress`` of each finished partition. Raises :class:`OptionError`,
    :class:`~extractor.io.readers.InputPathError`, :class:`~extractor.io.lock.LockBusyError`
    (another run uses ``out_dir``) and :class:`RunError` when a partition fails (the finished ones
    are kept in the manifest).
    """
    out = Path(out_dir)
    _validate(inputs, out, options, scheduler, n_workers)
    out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    summary = DaskSummary()
    on_reject = on_reject or (lambda reject: None)
    on_progress = on_progress or (lambda summary: None)
    with RunLock(out / MANIFEST):
        _remove_temporary(out)
        plan = plan_partitions(inputs, options.partition_docs, exclude=[p for p in out.iterdir() if p.is_file()])
        settings = current_settings(options)
        keys = [inputs_hash(slices) for slices in plan]
        entries = _reusable(out, keys, settings, force=options.force)
        numbers = (int(e["name"].removeprefix("part-")) for e in entries if e is not None)
        first_new = max(numbers, default=-1) + 1
        pending = [i for i, entry in enumerate(entries) if entry is None]
        names = [e["name"] if e is not None else "" for e in entries]
        for n, i in enumerate(pending):
            names[i] = f"part-{first_new + n:05d}"
        summary.partitions = len(plan)
        log.info("%s: %d to compute, %d unchanged", plural(len(plan), "partition"), len(pending), len(plan) - len(pending))
        manifest = _Manifest(out, settings, entries)
        manifest.write()
        computed: set[int] = set()
        ok = False
        try:
            with ExitStack() as stack:
                client: Client | None = None

                def compute(batch: dict[int, tuple[tuple[str, str], ...]]) -> None:
                    nonlocal client
                    if client is None:
                        client = stack.enter_context(_client(scheduler, n_workers, options.dashboard))
                    tasks = [PartitionTask(names[i], keys[i], plan[i], str(out.resolve()), settings,
                                           options.batch_size, exclude) for i, exclude in batch.items()]
                    index = {names[i]: i for i in batch}
                    for result in _compute(client, tasks):
                        i = index[result["name"]]
                        before = entries[i]["excluded"] if i in computed else None
                        for line in result.pop("reject_lines"):
                            if before is None or (line["kind"] == "duplicate_doc_id" and line["doc_id"] not in before):
                                on_reject(Reject(line["source"], line["line"], line["kind"], line["reason"],
                                                 line["doc_id"]))
                        computed.add(i)
                        manifest.set(i, result)
                        _tally(summary, entries, computed)
                        summary.seconds = time.monotonic() - started
                        on_progress(summary)

                if pending:
                    compute({i: () for i in pending})
                # Doc ids read in an earlier partition are duplicates: redo the (rare) partitions
                # that hold some and were computed without knowing it.
                again = _exclusions(out, entries)
                if again:
                    log.info("%s of earlier ones: computing again", plural(len(again), "partition repeats doc ids", "partitions repeat doc ids"))
                    compute(again)
            ok = True
        except ExtractorError as exc:
            raise RunError(str(exc), summary) from exc
        except Exception as exc:
            raise RunError(f"the cluster run failed: {type(exc).__name__}: {exc}", summary) from exc
        finally:
            _tally(summary, entries, computed)
            summary.seconds = time.monotonic() - started
            summary.status = ("rejects" if summary.documents_rejected else "ok") if ok else "failed"
            manifest.write(complete=ok)
            if ok:
                _remove_unlisted(out, entries)
            _remove_temporary(out)
    return summary


def _reusable(out: Path, keys: list[str], settings: Settings, *, force: bool) -> list[dict[str, Any] | None]:
    """The previous manifest's entry of each planned partition that can be kept, else None."""
    previous = _load_manifest(out)
    if force or not previous.get("partitions"):
        return [None] * len(keys)
    if previous.get("settings") != settings.to_dict():
        log.info("%s was written with other settings (%s): recomputing every partition",
                 out / MANIFEST, previous.get("settings"))
        return [None] * len(keys)
    intact = {e["inputs_hash"]: e for e in previous["partitions"] if _part_intact(out, e)}
    return [intact.pop(key, None) for key in keys]


def _exclusions(out: Path, entries: list[dict[str, Any] | None]) -> dict[int, tuple[tuple[str, str], ...]]:
    """Partitions whose doc ids read in earlier partitions differ from those they excluded, with
    the doc ids they must exclude (and where each was first read)."""
    seen: dict[str, str] = {}
    changed = {}
    for i, entry in enumerate(entries):
        assert entry is not None
        excluded: dict[str, str] = {}
        for line in (out / entry["ids"]).read_bytes().splitlines():
            doc_id, where = json.loads(line)
            if doc_id in seen:
                excluded[doc_id] = seen[doc_id]
            else:
                seen[doc_id] = where
        if excluded != entry["excluded"]:
            changed[i] = tuple(excluded.items())
    return changed


def _tally(summary: DaskSummary, entries: list[dict[str, Any] | None], computed: set[int]) -> None:
    """Set the counts of ``summary`` from the finished partitions."""
    done = [(i, e) for i, e in enumerate(entries) if e is not None]
    summary.partitions_computed = len(computed)
    summary.partitions_reused = len(done) - len(computed)
    summary.documents_read = sum(e["documents"] for _, e in done)
    summary.documents_rejected = sum(e["rejected"] for _, e in done)
    summary.documents_extracted = sum(e["extracted"] for i, e in done if i in computed)
    summary.documents_skipped = sum(e["extracted"] for i, e in done if i not in computed)
    summary.claims_written = sum(e["claims"] for i, e in done if i in computed)


def run_from_options(
    options: RunOptions,
    *,
    scheduler: str | None = None,
    n_workers: int | None = None,
    partition_docs: int = DEFAULT_PARTITION_DOCS,
    dashboard: str | None = None,
    on_reject: Callable[[Reject], None] | None = None,
    on_progress: Callable[[DaskSummary], None] | None = None,
) -> DaskSummary:
    """:func:`run_dask` for the options of ``extractor extract --engine dask``: ``output`` is the
    directory of part files; ``stats`` is written as for a local run. Options a distributed run
    does not have (a state, a database, one rejects or texts file, standard input) raise
    :class:`OptionError`."""
    unsupported = {"--state": options.state, "--db": options.db, "--rejects": options.rejects,
                   "--texts": options.texts, "--max-rejects": options.max_rejects}
    given = [name for name, value in unsupported.items() if value is not None]
    if given:
        raise OptionError(
            f"{', '.join(given)} cannot be used with --engine dask: the output directory holds the manifest, "
            f"and each partition's rejects and texts beside its part file"
        )
    if not options.output or options.output == STDOUT:
        raise OptionError("--engine dask writes a directory of part files: give it with -o OUT_DIR")
    validate_options(dataclasses.replace(options, output=STDOUT))  # the stats file
    dask_options = DaskOptions(published=options.published, max_chars=options.max_chars,
                               batch_size=options.batch_size, partition_docs=partition_docs, force=options.force,
                               dashboard=dashboard)
    summary: DaskSummary | None = None
    try:
        summary = run_dask(list(options.inputs), Path(options.output), scheduler=scheduler, options=dask_options,
                           n_workers=n_workers, on_reject=on_reject, on_progress=on_progress)
    except RunError as exc:
        summary = exc.summary  # type: ignore[assignment]
        if options.stats and summary is not None:
            try:
                write_stats(options.stats, summary, options.output)
            except RunError as stats_error:
                log.error("%s", stats_error)  # the run's own error follows
        raise
    if options.stats:
        write_stats(options.stats, summary, options.output)
    return summary


def _validate(inputs: list[str], out: Path, options: DaskOptions, scheduler: str | None,
              n_workers: int | None) -> None:
    """Raise :class:`OptionError` for options that cannot work (the local run's checks, and ours)."""
    # The local run's checks of the shared options (its output is a file: the directory is checked below).
    validate_options(RunOptions(inputs=inputs, output=STDOUT, max_chars=options.max_chars,
                                published=options.published, batch_size=options.batch_size,
                                workers=n_workers or 1))
    if options.partition_docs < 1:
        raise OptionError(f"partition_docs must be at least 1, not {options.partition_docs}")
    if scheduler is not None and n_workers is not None:
        raise OptionError("--workers sizes a local cluster; a cluster given with --scheduler has its own workers")
    if scheduler is not None and options.dashboard is not None:
        raise OptionError("--dashboard is for a local cluster; a cluster given with --scheduler has its own")
    if out.exists() and not out.is_dir():
        raise OptionError(f"{out}: the output of a dask run is a directory, and this is a file")


@contextmanager
def _client(scheduler: str | None, n_workers: int | None, dashboard: str | None = None) -> Iterator["Client"]:
    """A client of the given cluster, or of a local one started (and stopped) for the run.

    A local cluster listens on 127.0.0.1 only, and has a dashboard only when one is asked for
    (``dashboard``: an address; Dask's default would serve it on every interface)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise RunError(f"--engine dask needs the dask extra (pip install 'extractor[dask]'): {exc}") from exc
    if scheduler is not None:
        with Client(scheduler) as client:
            yield client
        return
    workers = n_workers or os.cpu_count() or 1
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host=LOCAL_HOST,
                      dashboard_address=dashboard) as cluster:
        if dashboard is not None:
            log.info("Dask dashboard: %s", cluster.dashboard_link)
        with Client(cluster) as client:
            yield client


def _compute(client: "Client", tasks: list[PartitionTask]) -> Iterator[dict[str, Any]]:
    """Results of the tasks as they finish; the first failure cancels the rest and is raised."""
    from distributed import as_completed

    # Unique keys: a partition computed again (other exclusions) must not get the old result.
    futures = [client.submit(compute_partition, task, key=f"extract-{task.name}-{uuid.uuid4().hex}") for task in tasks]
    try:
        for future in as_completed(futures):
            yield future.result()
    finally:
        client.cancel([f for f in futures if not f.done()])


class _Manifest:
    """``manifest.json``: the run's settings and its partitions in input order (written atomically)."""

    def __init__(self, out: Path, settings: Settings, entries: list[dict[str, Any] | None]):
        self.path = out / MANIFEST
        self.settings = settings
        self.entries = entries
        self._written = 0.0

    def set(self, index: int, entry: dict[str, Any]) -> None:
        self.entries[index] = entry
        if time.monotonic() - self._written >= MANIFEST_INTERVAL_SECONDS:
            self.write()

    def write(self, complete: bool = False) -> None:
        """Write the finished partitions; ``complete`` says the run that wrote it finished."""
        done = [e for e in self.entries if e is not None]
        write_json_atomic(self.path, {
            "format": MANIFEST_FORMAT,
            "complete": complete and len(done) == len(self.entries),
            "settings": self.settings.to_dict(),
            "totals": {key: sum(e[key] for e in done) for key in ("documents", "extracted", "rejected", "claims")},
            "partitions": done,
        })
        self._written = time.monotonic()


def _load_manifest(out: Path) -> dict[str, Any]:
    path = out / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("%s is unreadable (%s): recomputing every partition", path, exc)
        return {}
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
        log.warning("%s has an unknown format: recomputing every partition", path)
        return {}
    return data


def _part_intact(out: Path, entry: dict[str, Any]) -> bool:
    """Whether a partition's files are all there and its part has the recorded size."""
    try:
        if (out / entry["part"]).stat().st_size != entry["part_bytes"]:
            return False
        return all((out / entry[key]).is_file() for key in _SIDE_FILES if entry.get(key))
    except (OSError, KeyError, TypeError):
        return False


def _remove_unlisted(out: Path, entries: list[dict[str, Any] | None]) -> None:
    """Delete part files of partitions that are no longer in the manifest."""
    listed = {e[key] for e in entries if e is not None for key in ("part", *_SIDE_FILES) if e.get(key)}
    for path in out.iterdir():
        if _PART_FILES.fullmatch(path.name) and path.name not in listed:
            log.info("removing %s: its partition is no longer part of the inputs", path)
            path.unlink(missing_ok=True)


def _remove_temporary(out: Path) -> None:
    """Delete temporary files left by a worker or driver that died while writing."""
    for path in out.glob(".part-*.tmp"):
        path.unlink(missing_ok=True)
