"""Worker processes for ``--workers N``: each runs the whole single-process pipeline on tasks.

The parent loads the model once and then starts the workers; with the ``fork`` start method
(Linux) they share the loaded model's memory and start in milliseconds, elsewhere (``spawn``)
each loads the model itself on its first task. Tasks of half a batch of documents go out,
``Claim`` lists come back, in input order: the output is byte-identical to one process.

Why not spaCy's ``nlp.pipe(n_process=N)``: it tokenises every document in the parent, ships
the ``Doc`` to a worker and the whole processed ``Doc`` (tensors included) back to be
deserialised in the parent, which costs 20-35% more CPU than the work itself; on two cores it
reached 1.25-1.5x one process, where these workers reach 1.8-1.9x (``bench/README.md``).

* At most two tasks per worker are in flight, so memory stays bounded whatever the input.
* An exception in a worker is raised from :func:`extract_parallel` (as itself, or as
  ``BrokenProcessPool`` when a worker died); the caller decides what to retry. Leaving the
  generator (exhausted, closed or raising) cancels the queued tasks and waits for the workers.
* Workers ignore SIGINT (the parent handles Ctrl-C and shuts them down) and, on Linux, are
  sent SIGTERM when the parent dies, so a killed run leaves no orphans.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..models import Claim, Document
    from ..pipeline import Extractor

log = logging.getLogger(__name__)

#: Tasks queued or running per worker: one to work on and one ready for when it finishes.
IN_FLIGHT_PER_WORKER = 2
#: Tasks per ``--batch-size`` documents: a task is half a batch (smaller tasks even out the end of a run).
TASKS_PER_BATCH = 2

#: The extractor of this worker process (set by :func:`_start_worker`).
_worker: Extractor | None = None


def start_method() -> str:
    """``fork`` where it is the platform's safe default (Linux): the workers share the parent's
    loaded model. ``spawn`` elsewhere (macOS, Windows): each worker loads the model."""
    return "fork" if sys.platform.startswith("linux") else "spawn"


def extract_stream(
    extractor: Extractor, documents: Iterable[Document], workers: int = 1
) -> Iterator[tuple[Document, list[Claim]]]:
    """Stream ``(document, claims)`` in input order: in this process with one worker, else
    through :func:`extract_parallel` (the same result). The batch layer chooses the workers;
    the pipeline itself only ever extracts in the process that calls it."""
    if workers > 1:
        return extract_parallel(extractor, documents, workers)
    return extractor.extract_many(documents)


def extract_parallel(
    extractor: Extractor,
    documents: Iterable[Document],
    workers: int,
    *,
    method: str | None = None,
) -> Iterator[tuple[Document, list[Claim]]]:
    """Stream ``(document, claims)`` in input order, extracted by ``workers`` processes in
    tasks of half a batch (``extractor.batch_size // 2`` documents): workers take the next task
    as they finish one, so at the end of a run they wait on each other for at most half a batch
    (measured on 200 documents: 9.2 s instead of 9.6-10.0 s, the same CPU time)."""
    if workers < 2:
        raise ValueError(f"extract_parallel needs at least 2 workers, not {workers}")
    method = method or start_method()
    if method == "fork":
        extractor.nlp  # noqa: B018  (load once, before forking, so the workers share it)
    context = multiprocessing.get_context(method)
    batches = _batches(iter(documents), max(1, extractor.batch_size // TASKS_PER_BATCH))
    limit = workers * IN_FLIGHT_PER_WORKER
    queued: deque[tuple[list[Document], Future]] = deque()
    log.debug("starting %d %s workers", workers, method)
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_start_worker, initargs=(extractor, os.getpid())
    ) as pool:
        try:
            for batch in batches:
                queued.append((batch, pool.submit(_extract_batch, batch)))
                if len(queued) >= limit:
                    yield from _collect(queued.popleft())
            while queued:
                yield from _collect(queued.popleft())
        finally:
            for _, future in queued:
                future.cancel()


def _batches(documents: Iterator[Document], size: int) -> Iterator[list[Document]]:
    while batch := list(islice(documents, size)):
        yield batch


def _collect(item: tuple[list[Document], Future]) -> Iterator[tuple[Document, list[Claim]]]:
    batch, future = item
    results = future.result()
    yield from zip(batch, results, strict=True)


# -- in the worker processes ----------------------------------------------------------------------


def _start_worker(extractor: Extractor, parent: int) -> None:
    global _worker
    # Ctrl-C reaches the whole process group: the parent handles it and stops the workers; a
    # SIGTERM (also the parent-death signal) ends a worker at once, whatever handler the parent
    # had installed before forking
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _exit_with_parent(parent)
    _worker = extractor


def _extract_batch(documents: list[Document]) -> list[list[Claim]]:
    assert _worker is not None, "worker not initialised"
    return [claims for _, claims in _worker.extract_many(documents)]


def _exit_with_parent(parent: int) -> None:
    """Ask Linux to send this process SIGTERM when its parent dies (prctl PR_SET_PDEATHSIG), so
    a killed run does not leave workers behind; elsewhere nothing is done."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(1, signal.SIGTERM, 0, 0, 0) != 0:  # 1 = PR_SET_PDEATHSIG
            log.debug("prctl(PR_SET_PDEATHSIG) failed: errno %d", ctypes.get_errno())
    except (OSError, AttributeError):  # pragma: no cover  (no libc prctl)
        log.debug("prctl unavailable: workers will not follow a killed parent")
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)
