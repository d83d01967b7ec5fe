"""The Dask engine: partitioning, one partition in-process, and whole runs on a real LocalCluster.

Partitioning and a partition's bookkeeping are checked with a small stand-in extractor (one
claim per non-blank line); the cluster tests run the real pipeline on two worker processes and
compare with a local run of the same inputs, never with fixed claims.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from extractor.io.readers import read_inputs
from extractor.models import Document
from extractor.batch.runner import CHUNK_CHARS, OptionError, RunOptions, run

from extractor.batch.dask_engine import (
    DaskOptions,
    InputChangedError,
    PartitionTask,
    Settings,
    VersionMismatchError,
    compute_partition,
    current_settings,
    inputs_hash,
    plan_partitions,
    run_dask,
    run_from_options,
)

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DATA = Path(__file__).parent / "data" / "inputs"
sys.path.insert(0, str(ROOT / "bench"))
import corpus  # noqa: E402  (bench/ is a folder of scripts, not a package)
from shared_data import dev_docs  # noqa: E402
from test_runner import LineExtractor  # noqa: E402  (the stand-in extractor of the runner's tests)


def jsonl(path: Path, lines: list[str | dict]) -> Path:
    path.write_bytes(b"".join(
        (line if isinstance(line, str) else json.dumps(line)).encode("utf-8") + b"\n" for line in lines
    ))
    return path


def sorted_claims(data: bytes) -> bytes:
    """Claim lines sorted by (doc_id, span), then by their bytes."""
    lines = data.splitlines(keepends=True)

    def key(line: bytes):
        claim = json.loads(line)
        return claim["doc_id"], claim["span"]["start"], claim["span"]["end"], line

    return b"".join(sorted(lines, key=key))


def parts(out: Path, kind: str = "") -> bytes:
    """The concatenated part files of a run (``kind``: ``""``, ``".rejects"`` or ``".texts"``)."""
    manifest = json.loads((out / "manifest.json").read_text())
    key = {"": "part", ".rejects": "rejects", ".texts": "texts"}[kind]
    return b"".join((out / p[key]).read_bytes() for p in manifest["partitions"] if p.get(key))


def task_for(slices, out: Path, **settings) -> PartitionTask:
    base = current_settings(DaskOptions()).to_dict()
    return PartitionTask("part-00000", inputs_hash(slices), tuple(slices), str(out), Settings(**{**base, **settings}), 32)


# -- partitioning -----------------------------------------------------------------------------


@pytest.mark.parametrize(("lines", "per", "first_lines"), [
    (5, 2, [1, 3, 5]),
    (4, 2, [1, 3]),
    (3, 10, [1]),
    (1, 1, [1]),
])
def test_jsonl_is_cut_into_line_ranges_covering_the_file(tmp_path, lines, per, first_lines):
    path = jsonl(tmp_path / "f.jsonl", [{"doc_id": f"d{i}", "text": "x" * i} for i in range(lines)])
    plan = plan_partitions([str(path)], per)
    slices = [p[0] for p in plan]
    assert [len(p) for p in plan] == [1] * len(first_lines)
    assert [s.first_line for s in slices] == first_lines
    data = path.read_bytes()
    assert b"".join(data[s.start:s.end] for s in slices) == data
    assert [s.sha256 for s in slices] == [hashlib.sha256(data[s.start:s.end]).hexdigest() for s in slices]


def test_files_are_grouped_in_input_order_and_jsonl_files_stand_alone(tmp_path):
    for name in ("a.json", "b.txt", "c.json"):
        (tmp_path / name).write_text(json.dumps({"doc_id": name, "text": "t"}) if name.endswith("json") else "t")
    jsonl(tmp_path / "bb.jsonl", [{"doc_id": "x", "text": "t"}])
    plan = plan_partitions([str(tmp_path)], 2)
    assert [[s.source.rsplit("/", 1)[1] for s in p] for p in plan] == [["a.json", "b.txt"], ["bb.jsonl"], ["c.json"]]


def test_a_binary_jsonl_file_stays_one_slice(tmp_path):
    path = tmp_path / "blob.jsonl"
    path.write_bytes(bytes(range(256)) * 64)
    (slice_,) = [p[0] for p in plan_partitions([str(path)], 1)]
    assert slice_.start is None


def test_an_unreadable_file_becomes_a_reject_of_its_partition(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "gone.jsonl").symlink_to(tmp_path / "nowhere.jsonl")  # listed by the walk, cannot be opened
    (slices,) = plan_partitions([str(inputs)], 10)
    result = compute_partition(task_for(slices, tmp_path), extractor=LineExtractor())
    local = [r.reject.to_dict() for r in read_inputs([str(inputs)])]
    assert result["reject_lines"] == local and local[0]["kind"] == "unreadable"


def test_standard_input_cannot_be_partitioned():
    with pytest.raises(OptionError, match="standard input"):
        plan_partitions(["-"], 10)


@pytest.mark.parametrize(("options", "message"), [
    (RunOptions(inputs=["x"], output="out", state="s.db"), "--state"),
    (RunOptions(inputs=["x"], output="out", rejects="r.jsonl"), "--rejects"),
    (RunOptions(inputs=["x"], output="-"), "-o OUT_DIR"),
])
def test_options_a_distributed_run_does_not_have_are_usage_errors(options, message):
    with pytest.raises(OptionError, match=message):
        run_from_options(options)


# -- one partition, in this process -------------------------------------------------------------


def test_rejects_of_later_line_ranges_carry_the_lines_of_the_whole_file(tmp_path):
    path = jsonl(tmp_path / "f.jsonl", [
        {"doc_id": "a", "text": "one"},
        "{broken",
        "\ufeff" + json.dumps({"doc_id": "bom", "text": "a byte order mark mid-file"}),
        "",
        {"doc_id": "b"},
        {"doc_id": "a", "text": "again"},
        "[1]",
    ])
    whole = [r.reject.to_dict() for r in read_inputs([str(path)]) if r.reject is not None]
    rejects = []
    for i, slices in enumerate(plan_partitions([str(path)], 2)):
        out = tmp_path / f"out{i}"
        out.mkdir()
        result = compute_partition(task_for(slices, out), extractor=LineExtractor())
        assert (out / "part-00000.rejects.jsonl").read_bytes() == b"".join(
            json.dumps(r, ensure_ascii=False, separators=(",", ":")).encode() + b"\n" for r in result["reject_lines"])
        rejects.extend(r for r in result["reject_lines"] if r["kind"] != "duplicate_doc_id")
    assert rejects == whole
    assert [r["line"] for r in whole] == [2, 3, 5, 7]


def test_a_partition_writes_claims_in_input_order_and_counts_them(tmp_path):
    path = jsonl(tmp_path / "f.jsonl", [{"doc_id": "d1", "text": "a\nb"}, {"doc_id": "d0", "text": "c"},
                                        {"doc_id": "d0", "text": "dup"}, {"doc_id": "p", "text": "POISON"}])
    (slices,) = plan_partitions([str(path)], 10)
    result = compute_partition(task_for(slices, tmp_path), extractor=LineExtractor())
    part = (tmp_path / "part-00000.jsonl").read_bytes()
    assert [json.loads(line)["text"] for line in part.splitlines()] == ["a", "b", "c"]
    assert {k: result[k] for k in ("documents", "extracted", "rejected", "claims", "part_bytes")} == {
        "documents": 4, "extracted": 2, "rejected": 2, "claims": 3, "part_bytes": len(part)}
    assert [r["kind"] for r in result["reject_lines"]] == ["duplicate_doc_id", "extraction_failed"]
    assert result["part_sha256"] == hashlib.sha256(part).hexdigest()


def test_an_input_changed_since_planning_fails_the_partition(tmp_path):
    path = jsonl(tmp_path / "f.jsonl", [{"doc_id": "a", "text": "one"}, {"doc_id": "b", "text": "two"}])
    plan = plan_partitions([str(path)], 1)
    jsonl(path, [{"doc_id": "a", "text": "one"}, {"doc_id": "b", "text": "TWO"}])
    compute_partition(task_for(plan[0], tmp_path), extractor=LineExtractor())
    with pytest.raises(InputChangedError, match="lines from 2"):
        compute_partition(task_for(plan[1], tmp_path), extractor=LineExtractor())


def test_a_worker_with_other_versions_writes_nothing(tmp_path):
    path = jsonl(tmp_path / "f.jsonl", [{"doc_id": "a", "text": "one"}])
    (slices,) = plan_partitions([str(path)], 1)
    with pytest.raises(VersionMismatchError, match="same versions"):
        compute_partition(task_for(slices, tmp_path, model_version="0.0.1"), extractor=LineExtractor())
    assert not list(tmp_path.glob("part-*"))


# -- whole runs on a LocalCluster -------------------------------------------------------------------


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster:
        yield cluster


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> list[str]:
    """Generated JSON Lines (with a broken line), the seed, the test inputs (HTML, text, a
    duplicate of the seed) and the dev articles when they are there."""
    root = tmp_path_factory.mktemp("inputs")
    bank = corpus.load_bank(dev_dir=None)
    docs = list(corpus.build_docs(60, bank=bank, min_words=150, max_words=300))
    jsonl(root / "generated.jsonl", docs[:7] + ["{not json"] + docs[7:])
    return [str(root / "generated.jsonl"), str(SEEDS), str(DATA), *dev_docs()]


@pytest.fixture(scope="module")
def local(inputs, tmp_path_factory):
    """A local run of the same inputs: its output, rejects, texts and summary."""
    from extractor.pipeline import Extractor

    out = tmp_path_factory.mktemp("local")
    files = {name: out / f"{name}.jsonl" for name in ("claims", "rejects", "texts")}
    summary = run(RunOptions(inputs=inputs, output=str(files["claims"]), rejects=str(files["rejects"]),
                             texts=str(files["texts"])), extractor=Extractor(chunk_chars=CHUNK_CHARS))
    return {name: path.read_bytes() for name, path in files.items()} | {"summary": summary}


@pytest.fixture(scope="module")
def first_run(cluster, inputs, tmp_path_factory):
    out = tmp_path_factory.mktemp("dask") / "out"
    summary = run_dask(inputs, out, scheduler=cluster.scheduler_address, options=DaskOptions(partition_docs=5))
    return out, summary


@pytest.mark.slow
def test_the_union_of_the_parts_is_the_local_run(first_run, local):
    out, summary = first_run
    assert local["claims"]
    assert sorted_claims(parts(out)) == sorted_claims(local["claims"])
    assert sorted(parts(out, ".rejects").splitlines()) == sorted(local["rejects"].splitlines())
    assert parts(out, ".texts") == local["texts"] != b""
    assert summary.partitions == summary.partitions_computed > 4
    for field in ("documents_read", "documents_extracted", "documents_rejected", "claims_written"):
        assert getattr(summary, field) == getattr(local["summary"], field), field
    assert summary.status == "rejects"
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["complete"] and len(manifest["partitions"]) == summary.partitions
    # the seed is read twice, in two partitions: the later one was computed again without it
    assert [e["excluded"] for e in manifest["partitions"] if e["excluded"]] == [
        {"seed-nk-shipments-2024-08-28": str(SEEDS / "north-korea-shipments-2024-08-28.json")}]
    for entry in manifest["partitions"]:
        assert hashlib.sha256((out / entry["part"]).read_bytes()).hexdigest() == entry["part_sha256"]


@pytest.mark.slow
def test_a_rerun_recomputes_nothing(first_run, cluster, inputs):
    out, first = first_run
    before = {p.name: p.stat().st_mtime_ns for p in out.glob("part-*")}
    summary = run_dask(inputs, out, scheduler=cluster.scheduler_address, options=DaskOptions(partition_docs=5))
    assert (summary.partitions_computed, summary.partitions_reused) == (0, first.partitions)
    assert summary.documents_skipped == first.documents_extracted
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("part-*")} == before


@pytest.mark.slow
def test_a_changed_input_recomputes_only_its_partition_and_a_missing_part_is_redone(cluster, tmp_path):
    from extractor.pipeline import Extractor

    docs = list(corpus.build_docs(6, bank=corpus.load_bank(dev_dir=None), seed=7, min_words=40, max_words=80))
    path = jsonl(tmp_path / "feed.jsonl", docs)
    out = tmp_path / "out"
    options = DaskOptions(partition_docs=2)
    run_dask([str(path)], out, scheduler=cluster.scheduler_address, options=options)
    manifest = json.loads((out / "manifest.json").read_text())
    kept = {e["name"]: (out / e["part"]).read_bytes() for e in manifest["partitions"]}

    docs[3] = {**docs[3], "text": docs[3]["text"] + "\nRussia sent 500 tanks to Belarus on Monday."}
    jsonl(path, docs)
    (out / manifest["partitions"][0]["part"]).unlink()
    summary = run_dask([str(path)], out, scheduler=cluster.scheduler_address, options=options)

    assert (summary.partitions_computed, summary.partitions_reused) == (2, 1)
    new = json.loads((out / "manifest.json").read_text())["partitions"]
    assert new[2]["name"] == "part-00002" and (out / "part-00002.jsonl").read_bytes() == kept["part-00002"]
    assert new[1]["name"] not in kept and not (out / "part-00001.jsonl").exists()
    expected = b"".join(
        c.model_dump_json().encode() + b"\n"
        for _, claims in Extractor(chunk_chars=CHUNK_CHARS).extract_many(
            [Document.model_validate(d) for d in docs[2:4]])
        for c in claims
    )
    assert (out / new[1]["part"]).read_bytes() == expected


@pytest.mark.slow
def test_each_worker_keeps_the_pipeline_its_partitions_loaded(first_run, cluster):
    from distributed import Client

    from extractor.batch import dask_engine
    from extractor.pipeline import MODEL_NAME

    def probe(_):
        extractor = dask_engine.cached_extractor(MODEL_NAME, DaskOptions().batch_size, CHUNK_CHARS)
        return os.getpid(), id(extractor), extractor._nlp is not None

    with Client(cluster.scheduler_address, set_as_default=False) as client:
        seen = client.gather(client.map(probe, range(8), pure=False))
    identities: dict[int, set[int]] = {}
    for pid, identity, loaded in seen:
        identities.setdefault(pid, set()).add(identity)
        assert loaded  # loaded by the partitions of an earlier run, in the same worker thread
    assert all(len(ids) == 1 for ids in identities.values())


def _kill_a_busy_worker(cluster, out: Path, killed: list[int]) -> None:
    """Wait until a worker is executing a partition, then SIGKILL that worker's process."""
    from distributed import Client

    with Client(cluster.scheduler_address, set_as_default=False) as client:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            busy = client.run(lambda dask_worker: [str(ts.key) for ts in dask_worker.state.executing])
            running = [addr for addr, keys in busy.items() if any(k.startswith("extract-") for k in keys)]
            if running:
                time.sleep(0.3)  # into the partition (some 30 documents: seconds of work), not at its end
                if not list(out.glob("part-*.jsonl")):
                    pid = client.run(os.getpid, workers=running[:1])[running[0]]
                    os.kill(pid, signal.SIGKILL)
                    killed.append(pid)
                return
            time.sleep(0.05)


@pytest.mark.slow
def test_a_worker_killed_mid_partition_loses_and_duplicates_nothing(cluster, inputs, local, tmp_path):
    generated = inputs[0]
    out = tmp_path / "out"
    out.mkdir()
    killed: list[int] = []
    killer = threading.Thread(target=_kill_a_busy_worker, args=(cluster, out, killed))
    killer.start()
    try:
        summary = run_dask([generated], out, scheduler=cluster.scheduler_address, options=DaskOptions(partition_docs=31))
    finally:
        killer.join()
    assert killed, "no worker was caught running a partition"
    assert summary.partitions == summary.partitions_computed == 2
    ids = {json.loads(line)["doc_id"] for line in Path(generated).read_bytes().splitlines() if line.startswith(b'{"')}
    expected = b"".join(line for line in local["claims"].splitlines(keepends=True)
                        if json.loads(line)["doc_id"] in ids)
    claims = parts(out)
    assert sorted_claims(claims) == sorted_claims(expected)
    assert len(set(claims.splitlines())) == len(claims.splitlines())
    assert not list(out.glob(".*.tmp"))


def test_the_cli_help_does_not_import_dask():
    code = ("import sys\nfrom typer.testing import CliRunner\nfrom extractor.cli import app\n"
            "for args in (['--help'], ['extract', '--help']):\n"
            "    assert CliRunner().invoke(app, args).exit_code == 0\n"
            "print(sorted(m for m in ('dask', 'distributed', 'spacy') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


# -- the command line (extractor extract --engine dask) ----------------------------------------------


@pytest.mark.slow
def test_the_cli_runs_on_a_given_cluster_and_exits_3_with_rejects(cluster, tmp_path):
    from typer.testing import CliRunner

    from extractor.cli import app

    docs = list(corpus.build_docs(3, bank=corpus.load_bank(dev_dir=None), seed=11, min_words=30, max_words=60))
    path = jsonl(tmp_path / "feed.jsonl", docs + ["{broken"])
    out, stats = tmp_path / "out", tmp_path / "stats.json"
    args = ["extract", str(path), "-o", str(out), "--engine", "dask", "--scheduler", cluster.scheduler_address,
            "--stats", str(stats), "--quiet"]
    assert CliRunner().invoke(app, args).exit_code == 3
    summary = json.loads(stats.read_text())
    assert (summary["partitions_computed"], summary["documents_extracted"], summary["documents_rejected"]) == (1, 3, 1)
    assert json.loads(parts(out, ".rejects"))["line"] == 4
    assert CliRunner().invoke(app, args).exit_code == 3
    assert json.loads(stats.read_text())["partitions_reused"] == 1


@pytest.mark.parametrize(("args", "message"), [
    (["--scheduler", "tcp://127.0.0.1:1"], "needs --engine dask"),
    (["--engine", "dask"], "-o OUT_DIR"),
    (["--engine", "dask", "-o", "out", "--db", "sqlite:///x.db"], "--db cannot be used with --engine dask"),
    (["--engine", "dask", "-o", "out", "--scheduler", "tcp://127.0.0.1:1", "--workers", "2"], "--workers sizes"),
])
def test_cli_usage_errors_of_the_dask_engine(args, message):
    from typer.testing import CliRunner

    from extractor.cli import app

    result = CliRunner().invoke(app, ["extract", str(SEEDS), *args])
    assert result.exit_code == 2
    error = result.stderr.splitlines()[0]
    assert error.startswith("error: ") and message in error
