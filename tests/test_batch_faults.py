"""Faults a long-running batch meets (issue 12): each one rejects a document or fails clearly,
never stops a batch for good and never writes a claim twice.

The stand-in extractor of the runner's tests is used wherever the claim logic does not matter;
the Dask driver runs in this process (``test_batch_engines.in_process_dask``) except where the
cluster itself is the subject.
"""

from __future__ import annotations

import contextlib
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


# -- 7. one claim, one line, for any line-based reader ----------------------------------------------


def line_breaking_characters() -> str:
    return "".join(chr(c) for c in range(0x110000) if len(f"a{chr(c)}b".splitlines()) > 1)


def test_every_character_splitlines_breaks_at_is_escaped_in_written_lines():
    from extractor.batch.documents import claim_lines, reject_line
    from extractor.io.readers import Reject
    from extractor.io.writers import json_line
    from extractor.models import Document

    breaks = line_breaking_characters()
    assert breaks == "\n\x0b\x0c\r\x1c\x1d\x1e\x85\u2028\u2029"
    value = f"x{breaks}y"
    for line in (json_line({"v": value}), reject_line(Reject("s", 1, "invalid_json", value, value))):
        assert len(line.decode("utf-8").splitlines()) == 1 and line.endswith(b"\n")
    assert json.loads(json_line({"v": value})) == {"v": value}
    claims = [c for _, cs in LineExtractor().extract_many([Document(doc_id="d", text=f"a{breaks[7:]}b")]) for c in cs]
    data = claim_lines(claims)
    assert len(data.decode("utf-8").splitlines()) == 1
    assert json.loads(data)["text"] == f"a{breaks[7:]}b"


# -- 8. the Dask dashboard --------------------------------------------------------------------------


class FakeCluster:
    made: list[dict] = []
    dashboard_link = "http://127.0.0.1:1234/status"

    def __init__(self, **kwargs):
        FakeCluster.made.append(kwargs)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None


@pytest.mark.parametrize(("dashboard", "expected"), [(None, None), ("127.0.0.1:0", "127.0.0.1:0")])
def test_a_local_cluster_listens_on_localhost_with_no_dashboard_unless_asked(monkeypatch, dashboard, expected):
    import distributed

    from extractor.batch import dask_engine

    FakeCluster.made = []
    monkeypatch.setattr(distributed, "LocalCluster", FakeCluster)
    monkeypatch.setattr(distributed, "Client", lambda cluster: contextlib.nullcontext(cluster))
    with dask_engine._client(None, 1, dashboard):
        pass
    (kwargs,) = FakeCluster.made
    assert (kwargs["host"], kwargs["dashboard_address"]) == ("127.0.0.1", expected)


def test_a_real_local_cluster_serves_nothing_beyond_localhost():
    # Dask's default (dashboard_address=":8787") serves HTTP on 0.0.0.0
    from extractor.batch import dask_engine

    def http_sockets(dask_scheduler):
        return sorted({sock.getsockname()[0] for sock in dask_scheduler.http_server._sockets.values()})

    with dask_engine._client(None, 1) as client:
        assert client.scheduler.address.startswith("tcp://127.0.0.1:")
        assert all(a.startswith("tcp://127.0.0.1:") for a in client.scheduler_info()["workers"])
        assert client.run_on_scheduler(http_sockets) == ["127.0.0.1"]


# -- 9. exit code 130 on SIGINT and SIGTERM -----------------------------------------------------------


def test_help_documents_the_exit_codes():
    from typer.testing import CliRunner

    from extractor.cli import app

    result = CliRunner().invoke(app, ["extract", "--help"], env={"COLUMNS": "200"})
    assert "130 interrupted (Ctrl-C or SIGTERM)" in " ".join(result.output.split())
    docs_page = (ROOT / "docs" / "batch.md").read_text()
    assert "| 130 |" in docs_page


@pytest.mark.parametrize("signum", [2, 15])
def test_a_signal_ends_the_run_with_130_and_leaves_no_temporary_file(tmp_path, signum):
    src = write_jsonl(tmp_path / "in.jsonl", [{"doc_id": f"d{i}", "text": "Russia sent tanks to Belarus. " * 40}
                                               for i in range(400)])
    out = tmp_path / "out.jsonl"
    proc = subprocess.Popen([sys.executable, "-m", "extractor", "extract", str(src), "-o", str(out), "-q"],
                            cwd=ROOT, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not list(tmp_path.glob(".out.jsonl.*.tmp")) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert b"Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "out.jsonl.lock"]
