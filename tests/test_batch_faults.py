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
from signals import default_sigint

from extractor.batch.runner import RunError, RunOptions, run
from extractor.batch.state import StateError
from extractor.io.lock import LockBusyError, RunLock
from extractor.io.readers import read_inputs
from db_fixtures import pg_admin, pg_url  # noqa: F401  (fixtures used by name)
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
    (DEEP, "invalid JSON: arrays or objects nested more than 500 levels deep"),
    (DEEP_OBJECTS, "invalid JSON: arrays or objects nested more than 500 levels deep"),
    ('{"doc_id": "x", "text": "' + "[" * 600 + '", "n": ' + "[" * 499 + "]" * 499 + "}", None),
])
@pytest.mark.parametrize("suffix", [".jsonl", ".json"])
def test_json_the_parser_refuses_is_one_invalid_json_reject(tmp_path, line, reason, suffix):
    path = tmp_path / f"in{suffix}"
    good = json.dumps({"doc_id": "good", "text": "fine"})
    path.write_text(f"{good}\n{line}\n{good.replace('good', 'after')}\n" if suffix == ".jsonl" else line)
    records = list(read_inputs([str(path)]))
    rejects = [r.reject.to_dict() for r in records if r.reject is not None]
    if reason is None:  # brackets in a string do not nest; 500 levels are allowed
        assert rejects == []
        return
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
                            cwd=ROOT, stderr=subprocess.PIPE, preexec_fn=default_sigint)
    deadline = time.monotonic() + 120
    while not list(tmp_path.glob(".out.jsonl.*.tmp")) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert b"Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


# -- 5. no claim written twice -----------------------------------------------------------------------


def test_a_new_state_refuses_an_output_it_does_not_record(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", docs(2))
    out = tmp_path / "out.jsonl"
    run(RunOptions([str(src)], output=str(out)), extractor=LineExtractor())
    before = out.read_bytes()
    with pytest.raises(StateError) as err:
        run(RunOptions([str(src)], output=str(out), state=str(tmp_path / "new.db")), extractor=LineExtractor())
    assert str(err.value) == (
        f"{out} already holds {len(before)} bytes that {tmp_path / 'new.db'} does not record: appending would write "
        f"claims it may already hold a second time; use --force to rewrite it, --adopt to keep it and append after "
        f"it, or another output")
    assert out.read_bytes() == before
    # --force rewrites it: every claim once
    run(RunOptions([str(src)], output=str(out), state=str(tmp_path / "new.db"), force=True), extractor=LineExtractor())
    assert out.read_bytes() == before
    # and the state now knows it: a re-run appends nothing
    run(RunOptions([str(src)], output=str(out), state=str(tmp_path / "new.db")), extractor=LineExtractor())
    assert out.read_bytes() == before


def test_the_cli_says_what_to_do_with_an_output_the_state_does_not_know(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", docs(1))
    out = tmp_path / "out.jsonl"
    out.write_text('{"earlier": true}\n')
    result = subprocess.run([sys.executable, "-m", "extractor", "extract", str(src), "-o", str(out),
                             "--state", str(tmp_path / "s.db"), "-q"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.endswith("use --force to rewrite it, --adopt to keep it and append after it, or another "
                                  "output\n")
    assert "Traceback" not in result.stderr and out.read_text() == '{"earlier": true}\n'


def test_adopt_needs_a_state():
    from extractor.batch.runner import OptionError

    with pytest.raises(OptionError, match="--adopt needs --state"):
        run(RunOptions(["x"], output="o.jsonl", adopt=True))


def test_two_names_of_one_output_share_one_lock(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", docs(2))
    out = tmp_path / "out.jsonl"
    alias = tmp_path / "alias.jsonl"
    alias.symlink_to(out)
    with RunLock(out):
        with pytest.raises(LockBusyError, match=f"another extractor run is using {alias}"):
            run(RunOptions([str(src)], output=str(alias), state=str(tmp_path / "other.db")), extractor=LineExtractor())
    assert not out.exists()
    run(RunOptions([str(src)], output=str(alias), state=str(tmp_path / "other.db")), extractor=LineExtractor())
    assert len(lines_of(out)) == 4 and not list(tmp_path.glob("*.lock"))  # locks live in the lock directory


def test_a_dask_output_directory_reached_by_two_names_has_one_lock(tmp_path, monkeypatch):
    src = write_jsonl(tmp_path / "in.jsonl", docs(2))
    (tmp_path / "out").mkdir()
    (tmp_path / "alias").symlink_to(tmp_path / "out")
    with RunLock(tmp_path / "out" / "manifest.json"):
        with pytest.raises(LockBusyError):
            run_dask_here(monkeypatch, [str(src)], tmp_path / "alias", LineExtractor())


# -- 2. one document the database refuses -------------------------------------------------------------


def test_a_nul_in_a_doc_id_with_postgresql_is_stored_cleaned_and_the_run_goes_on(tmp_path, pg_url):
    from sqlalchemy import create_engine, text

    from extractor.db import database_url

    src = write_jsonl(tmp_path / "in.jsonl", [{"doc_id": "a", "text": "one"}, {"doc_id": "nul\x00id", "text": "two"},
                                              {"doc_id": "c", "text": "three"}])
    out = tmp_path / "out.jsonl"
    for _ in range(2):  # twice: the second run replaces the document (its DELETE finds the cleaned id)
        summary = run(RunOptions([str(src)], output=str(out), db=pg_url), extractor=LineExtractor())
        assert summary.status == "ok" and summary.documents_extracted == 3
    assert [c["doc_id"] for c in lines_of(out)] == ["a", "nul\x00id", "c"]
    engine = create_engine(database_url(pg_url))
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT doc_id, count(*) FROM claims GROUP BY doc_id ORDER BY doc_id")).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [("a", 1), ("c", 1), ("nul\ufffdid", 1)]


def test_a_document_the_database_refuses_is_rejected_and_the_run_goes_on(tmp_path, monkeypatch):
    from extractor.db import ClaimStore, DocumentNotStoredError

    real = ClaimStore.replace_document

    def refuse(self, document, claims, content_hash=None):
        if document.doc_id == "refused":
            raise DocumentNotStoredError(document.doc_id, "db: document 'refused' not stored (rolled back): no")
        return real(self, document, claims, content_hash=content_hash)

    monkeypatch.setattr(ClaimStore, "replace_document", refuse)
    src = write_jsonl(tmp_path / "in.jsonl", [{"doc_id": "a", "text": "one"}, {"doc_id": "refused", "text": "two"},
                                              {"doc_id": "c", "text": "three"}])
    out, rejects = tmp_path / "out.jsonl", tmp_path / "rejects.jsonl"
    for state in (None, str(tmp_path / "s.db")):
        summary = run(RunOptions([str(src)], output=str(out), rejects=str(rejects), state=state, force=True,
                                 db=str(tmp_path / "claims.db")), extractor=LineExtractor())
        assert (summary.status, summary.documents_extracted, summary.documents_rejected) == ("rejects", 2, 1)
        assert [c["doc_id"] for c in lines_of(out)] == ["a", "c"]
        assert lines_of(rejects) == [{"source": str(src), "line": 2, "doc_id": "refused", "kind": "not_stored",
                                      "reason": "database: db: document 'refused' not stored (rolled back): no"}]


# -- 4. a database that accepts connections and never answers ----------------------------------------


@pytest.fixture()
def silent_server():
    """A TCP server on 127.0.0.1 that accepts connections and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


@pytest.mark.parametrize("command", [
    ["extract", "{src}", "-o", "{out}", "--db", "{url}"],
    ["load", "{claims}", "--db", "{url}"],
])
def test_a_silent_database_ends_in_a_clear_error_not_a_hang(tmp_path, silent_server, command):
    src = write_jsonl(tmp_path / "in.jsonl", docs(1))
    claims = tmp_path / "claims.jsonl"
    claims.write_text("")
    url = f"postgresql://u@127.0.0.1:{silent_server}/x?connect_timeout=1"
    args = [a.format(src=src, out=tmp_path / "out.jsonl", url=url, claims=claims) for a in command]
    result = subprocess.run([sys.executable, "-m", "extractor", *args], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 1, result.stderr
    assert (f"postgresql+psycopg://u@127.0.0.1:{silent_server}/x?connect_timeout=1: cannot open the database: "
            f"connection timeout expired (no answer within 1 s; wait longer with ?connect_timeout=SECONDS in the "
            f"URL)") in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("query", "expected"), [
    ("", {"connect_timeout": 10, "options": "-c statement_timeout=300000"}),
    ("?connect_timeout=3&statement_timeout=2.5", {"connect_timeout": 3, "options": "-c statement_timeout=2500"}),
    ("?statement_timeout=0", {"connect_timeout": 10}),
    ("?options=-csearch_path%3Dx", {"connect_timeout": 10, "options": "-csearch_path=x -c statement_timeout=300000"}),
])
def test_database_timeouts_have_defaults_the_url_changes(query, expected):
    from extractor.db.store import connect_options, database_url

    url, args = connect_options(database_url(f"postgresql://u@h/x{query}"))
    assert args == expected and "timeout" not in url.render_as_string()
    assert connect_options(database_url("claims.db"))[1] == {}


def test_a_timeout_that_is_not_a_number_is_an_error():
    from extractor.db import DatabaseError
    from extractor.db.store import connect_options, database_url

    with pytest.raises(DatabaseError, match="connect_timeout='soon' is not a number of seconds"):
        connect_options(database_url("postgresql://u@h/x?connect_timeout=soon"))


def test_a_statement_past_its_timeout_is_cancelled(pg_url):
    from sqlalchemy import text

    from extractor.db import ClaimStore

    with ClaimStore.open(f"{pg_url}&statement_timeout=0.2") as store:
        with pytest.raises(Exception, match="canceling statement due to statement timeout"):
            with store._engine.connect() as conn:
                conn.execute(text("SELECT pg_sleep(5)"))


# -- 6. a full disk, a read-only place, a killed run ------------------------------------------------


def full_disk_for(monkeypatch, name: str) -> None:
    """Writes to the temporary file of ``name`` fail as on a full disk (they go to /dev/full)."""
    from extractor.io import writers

    real = os.fdopen

    def fdopen(fd, mode="r", *args, **kwargs):
        if os.path.basename(os.readlink(f"/proc/self/fd/{fd}")).startswith(f".{name}."):
            return real(os.open("/dev/full", os.O_WRONLY), mode, *args, **kwargs)
        return real(fd, mode, *args, **kwargs)

    monkeypatch.setattr(writers.os, "fdopen", fdopen)


def left_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.suffix != ".lock")


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("name", ["out.jsonl", "rejects.jsonl", "texts.jsonl"])
def test_a_full_disk_names_the_file_and_leaves_no_temporary_file(tmp_path, monkeypatch, name):
    src = write_jsonl(tmp_path / "in.jsonl", docs(3) + [{"doc_id": "h", "html": "<html><body><article><p>"
                                                          + "A long enough paragraph of text. " * 10
                                                          + "</p></article></body></html>"}])
    (tmp_path / "in.jsonl").open("a").write("{broken\n")
    out = tmp_path / "out"
    out.mkdir()
    full_disk_for(monkeypatch, name)
    with pytest.raises(RunError) as err:
        run(RunOptions([str(src)], output=str(out / "out.jsonl"), rejects=str(out / "rejects.jsonl"),
                       texts=str(out / "texts.jsonl")), extractor=LineExtractor())
    assert str(err.value) == f"{out / name}: cannot write: No space left on device"
    assert err.value.summary.status == "failed"
    # the claims and texts appear together or not at all; the rejects whatever happened
    assert left_in(out) == (["out.jsonl", "texts.jsonl"] if name == "rejects.jsonl" else ["rejects.jsonl"])


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_when_only_the_stats_fail_the_message_says_the_output_is_complete(tmp_path, monkeypatch):
    src = write_jsonl(tmp_path / "in.jsonl", docs(2))
    out, stats = tmp_path / "out.jsonl", tmp_path / "stats.json"
    full_disk_for(monkeypatch, "stats.json")
    with pytest.raises(RunError) as err:
        run(RunOptions([str(src)], output=str(out), stats=str(stats)), extractor=LineExtractor())
    assert str(err.value) == (f"{stats}: cannot write: No space left on device; the run itself finished: {out} is "
                              f"complete, only --stats was not written")
    assert len(lines_of(out)) == 4 and left_in(tmp_path) == ["in.jsonl", "out.jsonl"]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_the_cli_exits_1_and_says_so_when_only_the_stats_fail(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    import extractor.pipeline
    from extractor.cli import app

    monkeypatch.setattr(extractor.pipeline, "Extractor", lambda **kwargs: LineExtractor())
    src = write_jsonl(tmp_path / "in.jsonl", docs(2))
    out, stats = tmp_path / "out.jsonl", tmp_path / "stats.json"
    full_disk_for(monkeypatch, "stats.json")
    result = CliRunner().invoke(app, ["extract", str(src), "-o", str(out), "--stats", str(stats), "-q"])
    assert result.exit_code == 1
    assert "only --stats was not written" in result.output and "Traceback" not in result.output
    assert len(lines_of(out)) == 4


def test_a_read_only_place_names_the_file_and_what_failed(tmp_path, monkeypatch):
    import errno
    import tempfile

    from extractor.io import writers

    def read_only(*args, dir=None, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), os.path.join(dir, "x.tmp"))

    monkeypatch.setattr(writers.tempfile, "mkstemp", read_only)
    src = write_jsonl(tmp_path / "in.jsonl", docs(1))
    with pytest.raises(Exception) as err:
        run(RunOptions([str(src)], output=str(tmp_path / "out.jsonl")), extractor=LineExtractor())
    assert str(err.value) == f"{tmp_path / 'out.jsonl'}: cannot create a temporary file in {tmp_path}: Read-only file system"
    assert tempfile.mkstemp is read_only


def test_a_full_state_database_names_the_state_file(tmp_path, monkeypatch):
    import sqlite3

    from extractor.batch import state as state_module

    real = sqlite3.connect

    def small(path, **kwargs):
        connection = real(path, **kwargs)
        connection.execute("PRAGMA page_size = 1024")
        connection.execute("PRAGMA max_page_count = 16")
        return connection

    monkeypatch.setattr(state_module.sqlite3, "connect", small)
    src = write_jsonl(tmp_path / "in.jsonl", docs(400, lines=3))
    with pytest.raises(StateError, match=rf"^{tmp_path / 's.db'}: cannot write the state: database or disk is full$"):
        run(RunOptions([str(src)], output=str(tmp_path / "out.jsonl"), state=str(tmp_path / "s.db"), batch_size=50),
            extractor=LineExtractor())
    assert not list(tmp_path.glob(".*.tmp"))


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_temporary_files_of_killed_runs_are_removed_by_the_next_run(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", docs(1))
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    stale = tmp_path / f".out.jsonl.{dead_pid()}.abc123.tmp"
    live = tmp_path / f".out.jsonl.{running.pid}.def456.tmp"  # a running process's: left alone
    other = tmp_path / f".other.jsonl.{dead_pid()}.xyz.tmp"  # another file's
    try:
        for path in (stale, live, other):
            path.write_text("partial")
        run(RunOptions([str(src)], output=str(tmp_path / "out.jsonl")), extractor=LineExtractor())
    finally:
        running.kill()
        running.wait()
    assert not stale.exists() and live.exists() and other.exists()


def test_a_run_killed_with_sigkill_leaves_a_temporary_file_the_next_run_removes(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", [{"doc_id": f"d{i}", "text": "Russia sent tanks to Belarus. " * 40}
                                               for i in range(300)])
    out, rejects = tmp_path / "out.jsonl", tmp_path / "rejects.jsonl"
    proc = subprocess.Popen([sys.executable, "-m", "extractor", "extract", str(src), "-o", str(out), "--rejects",
                             str(rejects), "-q"], cwd=ROOT)
    deadline = time.monotonic() + 120
    while len(list(tmp_path.glob(".*.tmp"))) < 2 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.kill()
    proc.wait()
    assert len(list(tmp_path.glob(".*.tmp"))) == 2
    small = write_jsonl(tmp_path / "small.jsonl", docs(1))
    run(RunOptions([str(small)], output=str(out), rejects=str(rejects)), extractor=LineExtractor())
    assert not list(tmp_path.glob(".*.tmp")) and len(lines_of(out)) == 2


def test_export_writes_one_claim_a_line(tmp_path):
    from extractor.db import ClaimStore
    from extractor.models import Document

    document = Document(doc_id="d", text="a\u2028b\nc\u0085d")
    claims = [c for _, cs in LineExtractor().extract_many([document]) for c in cs]
    out = tmp_path / "export.jsonl"
    with ClaimStore.open(str(tmp_path / "claims.db")) as store:
        store.replace_document(document, claims)
        assert store.export_jsonl(str(out)) == 2
    lines = out.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["text"] for line in lines] == ["a\u2028b", "c\u0085d"]


def test_every_option_shown_in_the_batch_docs_exists():
    import re

    from typer.testing import CliRunner

    from extractor.cli import app

    page = (ROOT / "docs" / "batch.md").read_text()
    commands = re.findall(r"^ *extractor extract .*$", page, flags=re.M)
    assert len(commands) >= 4
    help_text = CliRunner().invoke(app, ["extract", "--help"], env={"COLUMNS": "200"}).output
    for command in commands:
        for option in re.findall(r"(?<= )--[a-z-]+", command):
            assert option in help_text, f"{option} in docs/batch.md is not an option of extractor extract"


def test_adopt_on_the_command_line_appends_after_an_output_the_state_does_not_know(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", docs(1))
    out = tmp_path / "out.jsonl"
    out.write_text('{"earlier": true}\n')
    result = subprocess.run([sys.executable, "-m", "extractor", "extract", str(src), "-o", str(out),
                             "--state", str(tmp_path / "s.db"), "--adopt", "-q"], cwd=ROOT, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr
    assert out.read_text().startswith('{"earlier": true}\n') and len(lines_of(out)) >= 1


@pytest.mark.parametrize(("line", "reason"), [
    (HUGE_INT, "invalid JSON: number too large: Exceeds the limit (4300 digits) for integer string conversion: "
               "value has 5000 digits"),
    (DEEP, "invalid JSON: arrays or objects nested more than 500 levels deep"),
    ("{broken", "invalid JSON: Expecting property name enclosed in double quotes (column 2)"),
])
def test_claims_and_gold_files_read_for_show_and_evaluate_give_a_reason_not_a_crash(line, reason):
    from extractor.io.readers import JsonLine, json_objects

    found = list(json_objects(['{"a": 1}', line, "", '{"b": 2}']))
    assert found == [JsonLine(1, {"a": 1}), JsonLine(2, error=reason), JsonLine(4, {"b": 2})]
