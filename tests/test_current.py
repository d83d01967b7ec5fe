"""Downstream sees current claims only: an output appended to by ``--state`` runs keeps the older
claims of a re-extracted document; loading it replaces them (SQLite and PostgreSQL), and
``extractor export --current`` gives JSON Lines readers the same current claims."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from db_fixtures import (  # noqa: F401  (pytest fixtures are used by name)
    CLAIMS,
    DOC_DENIAL,
    DOC_DRONES,
    DOC_SHIPMENTS,
    claims_jsonl,
    db_url,
    pg_admin,
    pg_url,
    sqlite_url,
)
from test_db import counts, sql
from typer.testing import CliRunner

from extractor.cli import app
from extractor.db import ClaimStore
from extractor.io.current import write_current
from extractor.models import Claim, make_claim_id

SHIP, DENY, DRONES = DOC_SHIPMENTS.doc_id, DOC_DENIAL.doc_id, DOC_DRONES.doc_id


def version(doc_id: str, digest: str, keep: int | None = None, new: int = 0) -> list[Claim]:
    """Claims of one extraction of a document: its first ``keep`` fixture claims (same ids as
    another version) plus ``new`` claims of its own, all with ``doc_hash=digest``."""
    claims = [c.model_copy(update={"doc_hash": digest}) for c in CLAIMS[doc_id][:keep]]
    for n in range(new):
        span = claims[0].span.model_copy(update={"start": 1000 + n, "end": 1010 + n})
        claims.append(claims[0].model_copy(update={"claim_id": make_claim_id(doc_id, span.start, span.end),
                                                   "span": span}))
    return claims


# The output of three --state runs: all three documents; then the shipments article changed
# (2 of its 3 claims kept, 1 new); then the denial changed (its first claim kept only).
RUN1 = version(DRONES, "d1") + version(SHIP, "s1") + version(DENY, "n1")
RUN2 = version(SHIP, "s2", keep=2, new=1)
RUN3 = version(DENY, "n2", keep=1)
HISTORY = RUN1 + RUN2 + RUN3
CURRENT = version(DRONES, "d1") + RUN2 + RUN3


def db_claims(url: str) -> list[str]:
    return [line for (line,) in sql(url, "SELECT claim_json FROM claims ORDER BY seq")]


@pytest.mark.parametrize("batch_size", [1, 2, 4, 500])
def test_loading_an_appended_output_keeps_each_documents_last_extraction_only(db_url, tmp_path, batch_size):
    src = tmp_path / "claims.jsonl"
    src.write_text(claims_jsonl(HISTORY), encoding="utf-8")
    with ClaimStore.open(db_url) as store:
        report = store.load_jsonl([src], batch_size=batch_size)
    assert report.ok and report.lines == len(HISTORY) == report.claims_loaded
    assert (report.claims_replaced, report.documents_replaced) == (5, {SHIP, DENY})
    assert sorted(db_claims(db_url)) == sorted(c.model_dump_json() for c in CURRENT)
    assert counts(db_url)["claim_actors"] == sum(len(c.actors) for c in CURRENT)
    assert sql(db_url, "SELECT doc_id, content_hash FROM documents ORDER BY doc_id") == [
        (SHIP, "s2"), (DENY, "n2"), (DRONES, "d1"),
    ]


def test_a_later_load_of_a_newer_extraction_replaces_the_stored_one_and_reloading_changes_nothing(db_url, tmp_path):
    first, second = tmp_path / "night1.jsonl", tmp_path / "night2.jsonl"
    first.write_text(claims_jsonl(RUN1), encoding="utf-8")
    second.write_text(claims_jsonl(RUN2 + RUN3), encoding="utf-8")
    with ClaimStore.open(db_url) as store:
        assert store.load_jsonl([first]).claims_replaced == 0
        assert store.load_jsonl([second]).claims_replaced == 5
        assert store.load_jsonl([second]).claims_replaced == 0
    assert sorted(db_claims(db_url)) == sorted(c.model_dump_json() for c in CURRENT)


def test_claims_stored_by_extract_db_are_replaced_by_a_newer_version_and_kept_by_the_same(db_url, tmp_path):
    with ClaimStore.open(db_url) as store:
        store.replace_document(DOC_SHIPMENTS, version(SHIP, "s1"), content_hash="s1")
        src = tmp_path / "claims.jsonl"
        src.write_text(claims_jsonl(version(SHIP, "s1")), encoding="utf-8")
        assert store.load_jsonl([src]).claims_replaced == 0
        src.write_text(claims_jsonl(RUN2), encoding="utf-8")
        assert store.load_jsonl([src]).claims_replaced == 3
    assert db_claims(db_url) == [c.model_dump_json() for c in RUN2]
    # the document's row keeps its text and metadata
    assert sql(db_url, "SELECT title, content_hash FROM documents") == [(DOC_SHIPMENTS.title, "s2")]


def test_cli_load_says_what_was_replaced(tmp_path):
    src = tmp_path / "claims.jsonl"
    src.write_text(claims_jsonl(HISTORY), encoding="utf-8")
    result = CliRunner().invoke(app, ["load", str(src), "--db", str(tmp_path / "c.db")])
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        f"loaded 11 of 11 claim lines from 1 file into sqlite:///{tmp_path}/c.db; 5 claims of older extractions "
        f"of 2 documents replaced (6 claims in the database)\n"
    )


# -- export --current ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ([HISTORY], CURRENT),
        ([RUN1, RUN2 + RUN3], CURRENT),
        ([RUN1], RUN1),
        ([RUN1, RUN1], RUN1),  # the same file twice: each document's last group
        # a changed document whose new claims directly follow its old ones is still two groups
        ([version(SHIP, "s1") + version(SHIP, "s2", keep=1)], version(SHIP, "s2", keep=1)),
        ([[]], []),
    ],
)
def test_write_current_keeps_each_documents_last_group_of_lines_in_file_order(tmp_path, files, expected):
    paths = []
    for n, claims in enumerate(files):
        paths.append(tmp_path / f"{n}.jsonl")
        paths[-1].write_text(claims_jsonl(claims), encoding="utf-8")
    out = io.BytesIO()
    report = write_current(paths, out)
    assert out.getvalue().decode() == claims_jsonl(expected)
    assert (report.claims, report.documents, report.superseded) == (
        len(expected), len({c.doc_id for c in expected}), sum(map(len, files)) - len(expected),
    )


def test_export_current_cli_writes_the_file_atomically_and_leaves_the_history_alone(tmp_path):
    src = tmp_path / "claims.jsonl"
    src.write_text(claims_jsonl(HISTORY), encoding="utf-8")
    out = tmp_path / "current.jsonl"
    result = CliRunner().invoke(app, ["export", "--current", str(src), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stderr == "exported 6 current claims of 3 documents; 5 lines of older extractions left out\n"
    assert out.read_text(encoding="utf-8") == claims_jsonl(CURRENT)
    assert src.read_text(encoding="utf-8") == claims_jsonl(HISTORY)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["claims.jsonl", "current.jsonl"]


def test_export_current_reads_standard_input_and_writes_standard_output():
    result = CliRunner().invoke(app, ["export", "--current", "-"], input=claims_jsonl(HISTORY))
    assert result.exit_code == 0, result.output
    assert result.stdout == claims_jsonl(CURRENT)


def test_export_current_reports_lines_that_are_not_claims_and_exits_3(tmp_path):
    src = tmp_path / "claims.jsonl"
    lines = claims_jsonl(RUN1).splitlines(keepends=True)
    src.write_text(lines[0] + "{broken\n" + '{"doc": 1}\n' + "".join(lines[1:]), encoding="utf-8")
    result = CliRunner().invoke(app, ["export", "--current", str(src)])
    assert result.exit_code == 3
    assert result.stdout == claims_jsonl(RUN1)
    assert result.stderr.splitlines()[:2] == [
        f"error: {src}:2: invalid JSON, line not written",
        f"error: {src}:3: not a claim (no doc_id), line not written",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["export", "{src}"], "Invalid value for '[FILE]...': claim files are read only with --current"),
        (["export", "--current", "{src}", "--db", "x.db"], "Invalid value for '--db': give claim files or --db, not both"),
        (["export", "--current", "{tmp}/missing.jsonl"], "Invalid value for '[FILE]...': file '{tmp}/missing.jsonl' does not exist"),
    ],
)
def test_export_current_usage_errors(tmp_path, args, message):
    src = tmp_path / "claims.jsonl"
    src.write_text(claims_jsonl(RUN1), encoding="utf-8")
    result = CliRunner().invoke(app, [a.format(src=src, tmp=tmp_path) for a in args])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == "error: " + message.format(tmp=tmp_path)


# -- EXTRACTOR_DB ------------------------------------------------------------------------------


def test_extractor_db_environment_variable_is_the_database_of_load_and_export(tmp_path, monkeypatch):
    src = tmp_path / "claims.jsonl"
    src.write_text(claims_jsonl(RUN1), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    env = {"EXTRACTOR_DB": f"sqlite:///{tmp_path}/env.db"}
    result = CliRunner().invoke(app, ["load", str(src)], env=env)
    assert result.exit_code == 0, result.output
    assert f"into sqlite:///{tmp_path}/env.db" in result.stderr
    assert not (tmp_path / "claims.db").exists()
    result = CliRunner().invoke(app, ["export"], env=env)
    assert result.exit_code == 0 and result.stdout == claims_jsonl(RUN1)
    # --db on the command line wins over the variable
    result = CliRunner().invoke(app, ["export", "--db", str(tmp_path / "none.db")], env=env)
    assert result.exit_code == 1 and "no such database file" in result.stderr
