"""Both engines, the local run and the Dask engine, treat every document the same way.

They call one implementation (:mod:`extractor.batch.documents`) for duplicate ids,
extraction with retry and the output lines; these tests hold them to it on bad inputs: the same
rejects, with the same kinds and reasons, and the same claims. The Dask driver runs here in this
process (:func:`in_process_dask`: each partition computed in turn with the stand-in extractor),
so the whole driver (planning, exclusions across partitions, manifest, stats) is exercised
without starting a cluster; ``tests/test_dask_engine.py`` runs real clusters.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest

from extractor.batch import dask_engine
from extractor.batch.dask_engine import run_from_options
from extractor.batch.documents import DocIds, claim_lines
from extractor.batch.runner import RunOptions, run
from extractor.io.readers import Record
from extractor.models import Document
from shared_data import DEV_DOCS, dev_docs
from test_runner import LineExtractor


@contextlib.contextmanager
def in_process_dask(monkeypatch, extractor):
    """Make the Dask engine compute its partitions here, one after the other, with ``extractor``."""
    monkeypatch.setattr(dask_engine, "_client", lambda *args: contextlib.nullcontext(None))
    monkeypatch.setattr(dask_engine, "_compute",
                        lambda client, tasks: (dask_engine.compute_partition(t, extractor=extractor) for t in tasks))
    yield


def run_local(inputs: list[str], out: Path, extractor, **options) -> tuple[bytes, list[dict], object]:
    rejects = out.with_suffix(".rejects.jsonl")
    summary = run(RunOptions(inputs, output=str(out), rejects=str(rejects), **options), extractor=extractor)
    return out.read_bytes(), [json.loads(line) for line in rejects.read_bytes().splitlines()], summary


def run_dask_here(monkeypatch, inputs: list[str], out_dir: Path, extractor, partition_docs: int = 2, **options):
    with in_process_dask(monkeypatch, extractor):
        summary = run_from_options(RunOptions(inputs, output=str(out_dir), **options), partition_docs=partition_docs)
    manifest = json.loads((out_dir / "manifest.json").read_text())
    claims = b"".join((out_dir / e["part"]).read_bytes() for e in manifest["partitions"])
    rejects = [json.loads(line) for e in manifest["partitions"]
               for line in (out_dir / e["rejects"]).read_bytes().splitlines()]
    return claims, rejects, summary


def bad_inputs(root: Path) -> list[str]:
    """A folder of inputs holding one of each kind of bad record, between good ones."""
    root.mkdir()
    lines = [
        json.dumps({"doc_id": "good1", "text": "One line.\nTwo lines."}),
        "{broken",
        "[1, 2]",
        json.dumps({"doc_id": "notext"}),
        json.dumps({"doc_id": "good1", "text": "the same id again"}),
        json.dumps({"doc_id": "poison", "text": "POISON in the pipeline"}),
        json.dumps({"doc_id": "lone", "text": "half a pair \ud800"}),
        json.dumps({"doc_id": "long", "text": "x" * 500}),
        json.dumps({"doc_id": "good2", "text": "Last good line."}),
    ]
    (root / "a.jsonl").write_bytes("\n".join(lines).encode("utf-8", "surrogatepass") + b"\n\xff\xfe bad bytes\n")
    (root / "b.json").write_text(json.dumps({"doc_id": "good1", "text": "a duplicate from a file"}))
    (root / "c.json").write_text("{\"doc_id\": ")
    (root / "d.txt").write_bytes(b"\x00\x01\x02\x03" * 100)
    (root / "e.json").symlink_to(root / "missing.json")
    return [str(root)]


def test_both_engines_reject_the_same_bad_inputs_with_the_same_reasons(tmp_path, monkeypatch):
    inputs = bad_inputs(tmp_path / "in")
    local_claims, local_rejects, local_summary = run_local(inputs, tmp_path / "local.jsonl", LineExtractor(),
                                                           max_chars=100)
    dask_claims, dask_rejects, dask_summary = run_dask_here(monkeypatch, inputs, tmp_path / "dask", LineExtractor(),
                                                            max_chars=100)
    kinds = sorted(r["kind"] for r in local_rejects)
    assert kinds == sorted(["invalid_json", "invalid_document", "no_text", "duplicate_doc_id", "extraction_failed",
                            "invalid_document", "too_long", "not_utf8", "duplicate_doc_id", "invalid_json",
                            "binary", "unreadable"])
    assert dask_rejects == local_rejects
    assert dask_claims == local_claims
    assert [json.loads(line)["doc_id"] for line in local_claims.splitlines()] == ["good1", "good1", "good2"]
    for field in ("documents_read", "documents_extracted", "documents_rejected", "claims_written"):
        assert getattr(dask_summary, field) == getattr(local_summary, field), field


def test_a_duplicate_is_named_with_where_its_id_was_first_read():
    ids = DocIds({"early": "feed.jsonl:3"})
    doc = Document(doc_id="x", text="t")
    assert ids.duplicate(Record("a.jsonl", 1, document=doc)) is None
    again = ids.duplicate(Record("b.json", None, document=doc))
    assert (again.kind, again.reason, again.line) == ("duplicate_doc_id", "duplicate doc_id, first read at a.jsonl:1", None)
    early = ids.duplicate(Record("c.jsonl", 9, document=Document(doc_id="early", text="t")))
    assert early.reason == "duplicate doc_id, first read at feed.jsonl:3"
    assert ids.seen == {"x": "a.jsonl:1", "early": "c.jsonl:9"}


def test_claims_are_written_one_a_line_by_both_engines_alike(tmp_path, monkeypatch):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"doc_id": "d", "text": "a\u2028b\nc\u0085d\u2029e"}) + "\n")
    local, _, _ = run_local([str(src)], tmp_path / "out.jsonl", LineExtractor())
    dask, _, _ = run_dask_here(monkeypatch, [str(src)], tmp_path / "dask", LineExtractor())
    assert dask == local
    lines = local.decode("utf-8").splitlines()
    assert [json.loads(line)["text"] for line in lines] == ["a\u2028b", "c\u0085d\u2029e"]
    assert b"\\u2028" in local and "\u2028".encode() not in local
    claims = [c for _, cs in LineExtractor().extract_many([Document(doc_id="d", text="x\u2029y")]) for c in cs]
    assert claim_lines(claims).count(b"\n") == 1


def test_dev_docs_are_found_beside_the_repository():
    assert DEV_DOCS == Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "dev" / "docs"


@pytest.mark.parametrize(("ci", "fails"), [("true", True), ("", False), ("false", False)])
def test_missing_shared_data_fails_loudly_only_in_ci(tmp_path, monkeypatch, ci, fails):
    monkeypatch.setenv("CI", ci)
    missing = tmp_path / "shared" / "eval" / "dev" / "docs"
    if fails:
        with pytest.raises(pytest.fail.Exception, match="is missing: CI must have the evaluation data"):
            dev_docs(missing)
    else:
        assert dev_docs(missing) == []
    missing.mkdir(parents=True)
    assert dev_docs(missing) == [str(missing)]
