"""Faults a long-running batch meets (issue 12): each one rejects a document or fails clearly,
never stops a batch for good and never writes a claim twice.

The stand-in extractor of the runner's tests is used wherever the claim logic does not matter;
the Dask driver runs in this process (``test_batch_engines.in_process_dask``) except where the
cluster itself is the subject.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from extractor.batch.runner import RunError, RunOptions, run
from extractor.batch.state import StateError
from extractor.io.lock import LockBusyError, RunLock
from extractor.io.readers import read_inputs
from test_batch_engines import run_dask_here, run_local
from test_runner import LineExtractor, docs, lines_of, write_jsonl

ROOT = Path(__file__).resolve().parent.parent

# -- 1. JSON that Python's parser refuses ---------------------------------------------------------

HUGE_INT = '{"doc_id": "huge", "text": "t", "n": ' + "7" * 5000 + "}"
DEEP = '{"doc_id": "deep", "text": "t", "n": ' + "[" * 100_000 + "]" * 100_000 + "}"
DEEP_OBJECTS = '{"a":' * 5000 + "1" + "}" * 5000


@pytest.mark.parametrize(("line", "reason"), [
    (HUGE_INT, "invalid JSON: number too large: Exceeds the limit (4300 digits) for integer string conversion: "
               "value has 5000 digits"),
    (DEEP, "invalid JSON: nested too deeply (arrays or objects inside each other)"),
    (DEEP_OBJECTS, "invalid JSON: nested too deeply (arrays or objects inside each other)"),
])
@pytest.mark.parametrize("suffix", [".jsonl", ".json"])
def test_json_the_parser_refuses_is_one_invalid_json_reject(tmp_path, line, reason, suffix):
    path = tmp_path / f"in{suffix}"
    good = json.dumps({"doc_id": "good", "text": "fine"})
    path.write_text(f"{good}\n{line}\n{good.replace('good', 'after')}\n" if suffix == ".jsonl" else line)
    records = list(read_inputs([str(path)]))
    rejects = [r.reject.to_dict() for r in records if r.reject is not None]
    assert rejects == [{"source": str(path), "line": 2 if suffix == ".jsonl" else None, "doc_id": None,
                        "kind": "invalid_json", "reason": reason}]
    if suffix == ".jsonl":
        assert [r.document.doc_id for r in records if r.document is not None] == ["good", "after"]


def test_both_engines_reject_refused_json_and_go_on(tmp_path, monkeypatch):
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join([json.dumps(d) for d in docs(2)] + [HUGE_INT, DEEP] + [json.dumps(d) for d in docs(2, "e")])
                   + "\n")
    local, local_rejects, summary = run_local([str(src)], tmp_path / "out.jsonl", LineExtractor())
    dask, dask_rejects, _ = run_dask_here(monkeypatch, [str(src)], tmp_path / "dask", LineExtractor())
    assert [(r["line"], r["kind"]) for r in local_rejects] == [(3, "invalid_json"), (4, "invalid_json")]
    assert dask_rejects == local_rejects and dask == local
    assert summary.documents_extracted == 4


# -- 3. a symlink loop among the inputs -----------------------------------------------------------


def test_both_engines_reject_a_symlink_loop_alike(tmp_path, monkeypatch):
    inputs = tmp_path / "in"
    inputs.mkdir()
    write_jsonl(inputs / "a.jsonl", docs(2))
    (inputs / "loop.jsonl").symlink_to(inputs / "loop.jsonl")
    (inputs / "ping.json").symlink_to(inputs / "pong.json")
    (inputs / "pong.json").symlink_to(inputs / "ping.json")
    local, local_rejects, _ = run_local([str(inputs)], tmp_path / "out.jsonl", LineExtractor())
    dask, dask_rejects, summary = run_dask_here(monkeypatch, [str(inputs)], tmp_path / "dask", LineExtractor())
    assert [(Path(r["source"]).name, r["kind"]) for r in local_rejects] == [
        ("loop.jsonl", "unreadable"), ("ping.json", "unreadable"), ("pong.json", "unreadable")]
    assert all("Too many levels of symbolic links" in r["reason"] for r in local_rejects)
    assert dask_rejects == local_rejects and dask == local and summary.status == "rejects"
