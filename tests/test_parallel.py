"""``--workers N``: worker processes give what one process gives, in order, and fail safely.

The documents are the seed article's lines (real text, so the pipeline finds claims). Failures
are injected by patching a function the pipeline calls before the workers are forked, so the
workers inherit the patch; results are always compared with a one-process run, never with
fixed claims.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest
from signals import default_sigint

from extractor import pipeline
from extractor.models import Document
from extractor.batch.workers import IN_FLIGHT_PER_WORKER, TASKS_PER_BATCH, extract_parallel, extract_stream
from extractor.batch.runner import CHUNK_CHARS, RunOptions, run

SEED = Path(__file__).resolve().parent.parent / "seeds" / "north-korea-shipments-2024-08-28.json"
PARENT = os.getpid()
BATCH = 2

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork start method (Linux)")


def seed_documents() -> list[Document]:
    seed = json.loads(SEED.read_text())
    return [Document(doc_id=f"line{i}", text=line, published=seed["published"])
            for i, line in enumerate(seed["text"].splitlines()) if line.strip()]


def dumped(pairs) -> list[tuple[str, list[str]]]:
    return [(doc.doc_id, [c.model_dump_json() for c in claims]) for doc, claims in pairs]


@pytest.fixture(scope="module")
def ex():
    """One pipeline for both sides of every comparison (same batch size, so the same batches)."""
    return pipeline.Extractor(batch_size=BATCH, chunk_chars=CHUNK_CHARS)


@pytest.fixture(scope="module")
def expected(ex):
    result = dumped(ex.extract_many(seed_documents()))
    assert sum(len(claims) for _, claims in result) > 3, "the pipeline found no claims: nothing to compare"
    return result


@pytest.fixture()
def no_children():
    yield
    deadline = time.monotonic() + 10
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not multiprocessing.active_children(), "worker processes left running"


def poison(monkeypatch, action):
    """Make the pipeline run ``action`` on a document whose text contains POISON (in a worker only
    when the action checks the process), else behave as before."""
    real = pipeline.mask_dateline

    def patched(text):
        if "POISON" in text:
            action()
        return real(text)

    monkeypatch.setattr(pipeline, "mask_dateline", patched)


def raise_error():
    raise RuntimeError("boom on a poisoned document")


def kill_worker():
    if os.getpid() != PARENT:
        os.kill(os.getpid(), signal.SIGKILL)


@pytest.mark.parametrize("workers", [2, 3])
def test_workers_give_the_same_claims_in_the_same_order(ex, expected, workers, no_children):
    # 9 documents in batches of 2: more batches than may be in flight, and a short last one
    assert dumped(extract_parallel(ex, seed_documents(), workers)) == expected


def test_extract_stream_with_two_workers_uses_them(ex, expected, monkeypatch, tmp_path, no_children):
    pids = tmp_path / "pids"
    real = pipeline.mask_dateline

    def recorded(text):
        with pids.open("a") as fh:
            fh.write(f"{os.getpid()}\n")
        return real(text)

    monkeypatch.setattr(pipeline, "mask_dateline", recorded)
    assert dumped(extract_stream(ex, seed_documents(), 2)) == expected
    seen = [int(x) for x in pids.read_text().split()]
    assert len(seen) == len(seed_documents()) and PARENT not in seen and len(set(seen)) == 2


def test_documents_are_read_only_as_far_as_the_batches_in_flight(ex, no_children):
    read = []

    def feed():
        for doc in seed_documents() * 4:
            read.append(doc.doc_id)
            yield doc

    results = extract_parallel(ex, feed(), 2)
    next(results)
    task = max(1, BATCH // TASKS_PER_BATCH)
    assert len(read) <= 2 * IN_FLIGHT_PER_WORKER * task
    results.close()


def test_closing_early_stops_the_workers(ex, no_children):
    results = extract_parallel(ex, seed_documents() * 20, 2)
    next(results)
    results.close()  # no_children checks that the pool is gone


def test_an_exception_in_a_worker_is_raised_as_itself(ex, monkeypatch, no_children):
    poison(monkeypatch, raise_error)
    docs = seed_documents()
    docs[5] = Document(doc_id="bad", text="POISON " + docs[5].text)
    with pytest.raises(RuntimeError, match="boom on a poisoned document"):
        list(extract_parallel(ex, docs, 2))


def test_a_killed_worker_is_reported_not_waited_for(ex, monkeypatch, no_children):
    poison(monkeypatch, kill_worker)
    docs = seed_documents()
    docs[3] = Document(doc_id="bad", text="POISON " + docs[3].text)
    with pytest.raises(BrokenProcessPool):
        list(extract_parallel(ex, docs, 2))


def run_lines(ex, tmp_path: Path, docs: list[Document], workers: int, name: str) -> tuple[bytes, list]:
    src = tmp_path / f"{name}.in.jsonl"
    src.write_text("".join(d.model_dump_json() + "\n" for d in docs))
    out = tmp_path / f"{name}.jsonl"
    rejects = []
    run(RunOptions([str(src)], output=str(out), batch_size=BATCH, workers=workers), extractor=ex,
        on_reject=rejects.append)
    return out.read_bytes(), [(r.kind, r.doc_id, r.line) for r in rejects]


def test_a_run_rejects_only_the_document_a_worker_fails_on(ex, tmp_path, monkeypatch, no_children):
    poison(monkeypatch, raise_error)
    docs = seed_documents()
    docs[4] = Document(doc_id="bad", text="POISON " + docs[4].text)
    one = run_lines(ex, tmp_path, docs, 1, "one")
    two = run_lines(ex, tmp_path, docs, 2, "two")
    assert one[1] == [("extraction_failed", "bad", 5)]
    assert two == one and one[0]


def test_a_run_survives_a_killed_worker(ex, tmp_path, monkeypatch, no_children):
    # the worker dies on the document; retried in the parent (where the patch does nothing), it
    # is extracted like any other, and the run carries on with new workers
    poison(monkeypatch, kill_worker)
    docs = seed_documents()
    docs[2] = Document(doc_id="killer", text="POISON " + docs[2].text)
    one = run_lines(ex, tmp_path, docs, 1, "one")
    two = run_lines(ex, tmp_path, docs * 1, 2, "two")
    assert one[1] == [] and two == one


@pytest.mark.slow
def test_spawned_workers_load_the_model_themselves(ex, expected, no_children):
    assert dumped(extract_parallel(ex, seed_documents(), 2, method="spawn")) == expected


def children_of(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT])
def test_a_killed_or_interrupted_run_leaves_no_workers(tmp_path, sig):
    seed = json.loads(SEED.read_text())
    src = tmp_path / "feed.jsonl"
    src.write_text("".join(json.dumps({**seed, "doc_id": f"copy{i}"}) + "\n" for i in range(400)))
    out = tmp_path / "out.jsonl"
    proc = subprocess.Popen([sys.executable, "-m", "extractor", "extract", str(src), "-o", str(out),
                             "--workers", "2", "--quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            preexec_fn=default_sigint)
    try:
        deadline = time.monotonic() + 120
        workers: set[int] = set()
        while len(workers) < 2 and time.monotonic() < deadline and proc.poll() is None:
            workers = children_of(proc.pid)
            time.sleep(0.1)
        assert len(workers) >= 2, "the workers did not start"
        time.sleep(1.0)  # let them work
        os.kill(proc.pid, sig)
        proc.wait(timeout=60)
        deadline = time.monotonic() + 30
        while any(alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(alive(w) for w in workers), "workers outlived the run"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if sig != signal.SIGKILL:
        # unwound like Ctrl-C: no output, no temporary file (the lock file stays, unlocked)
        assert proc.returncode != 0
        assert sorted(p.name for p in tmp_path.iterdir()) == ["feed.jsonl"]
