"""The claims database: SQLite on a temp file and PostgreSQL on the real server, same tests."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from db_fixtures import (  # noqa: F401  (pytest fixtures are used by name)
    ALL_CLAIMS,
    CLAIMS,
    DOC_DENIAL,
    DOC_DRONES,
    DOC_SHIPMENTS,
    DOCUMENTS,
    claims_jsonl,
    db_url,
    pg_admin,
    pg_url,
    sqlite_url,
    write_claims,
)
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError
from typer.testing import CliRunner

from extractor.cli import app
from extractor.db import ClaimStore, DatabaseError, SchemaVersionError, database_url
from extractor.db.rows import iso_prefix_bounds
from extractor.errors import InputError
from extractor.models import Claim, Document, Modality, Quantity

TABLES = (
    "documents",
    "claims",
    "claim_actors",
    "claim_quantities",
    "claim_munitions",
    "claim_dates",
    "claim_attributions",
)


def sql(url: str, statement: str, **params) -> list[tuple]:
    """Rows of one SQL statement, on a connection of its own (not the store's)."""
    engine = create_engine(database_url(url))
    try:
        with engine.begin() as conn:
            result = conn.execute(text(statement), params)
            return [tuple(r) for r in result] if result.returns_rows else []
    finally:
        engine.dispose()


def counts(url: str) -> dict[str, int]:
    return {t: sql(url, f"SELECT COUNT(*) FROM {t}")[0][0] for t in TABLES}


def as_date(value) -> dt.date | None:
    """A DATE column's value: a date on PostgreSQL, its ISO text on SQLite."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


# A non-sorted document order, so that export order can only come from load order.
SHUFFLED = CLAIMS[DOC_DRONES.doc_id] + CLAIMS[DOC_SHIPMENTS.doc_id][::-1] + CLAIMS[DOC_DENIAL.doc_id]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("claims.db", "sqlite:///claims.db"),
        ("data/claims.db", "sqlite:///data/claims.db"),
        ("sqlite:///claims.db", "sqlite:///claims.db"),
        ("postgresql://postgres@127.0.0.1:5432/test", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
        ("postgres://u:secret@db/claims", "postgresql+psycopg://u:***@db/claims"),
        ("postgresql+psycopg://u@db/claims", "postgresql+psycopg://u@db/claims"),
    ],
)
def test_database_url(url: str, expected: str) -> None:
    assert database_url(url).render_as_string(hide_password=True) == expected


@pytest.mark.parametrize("url", ["mysql://u@db/claims", "oracle://u@db/x", "postgresql://u@db:notaport/x"])
def test_database_url_rejects_others(url: str) -> None:
    with pytest.raises(DatabaseError):
        database_url(url)


@pytest.mark.parametrize(
    ("prefix", "first", "last", "precision"),
    [
        ("2024", dt.date(2024, 1, 1), dt.date(2024, 12, 31), "year"),
        ("2024-06", dt.date(2024, 6, 1), dt.date(2024, 6, 30), "month"),
        ("2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29), "month"),
        ("2023-02", dt.date(2023, 2, 1), dt.date(2023, 2, 28), "month"),
        ("2024-12", dt.date(2024, 12, 1), dt.date(2024, 12, 31), "month"),
        ("2023-02-15", dt.date(2023, 2, 15), dt.date(2023, 2, 15), "day"),
    ],
)
def test_iso_prefix_bounds(prefix: str, first: dt.date, last: dt.date, precision: str) -> None:
    assert iso_prefix_bounds(prefix) == (first, last, precision)


@pytest.mark.parametrize("prefix", ["2024-13", "2024-00", "2023-02-29", "2024-04-31"])
def test_iso_prefix_bounds_rejects_impossible_dates(prefix: str) -> None:
    with pytest.raises(ValueError, match=prefix):
        iso_prefix_bounds(prefix)


@pytest.mark.parametrize("batch_size", [1, 3, 500])
def test_round_trip_is_byte_identical(db_url: str, tmp_path: Path, batch_size: int) -> None:
    src = write_claims(tmp_path / "claims.jsonl", SHUFFLED)
    with ClaimStore.open(db_url) as store:
        report = store.load_jsonl([src], batch_size=batch_size)
        assert report.ok and report.claims_loaded == len(SHUFFLED) == report.lines
        store.export_jsonl(tmp_path / "out.jsonl")
    assert (tmp_path / "out.jsonl").read_bytes() == src.read_bytes()


def test_round_trip_keeps_lines_as_written(db_url: str, tmp_path: Path) -> None:
    # Other key order, spacing, escaped non-ASCII, defaults left out, int for float: all kept.
    claim = CLAIMS[DOC_DENIAL.doc_id][1].model_dump(mode="json", exclude_defaults=True)
    written = json.dumps(dict(reversed(list(claim.items()))), ensure_ascii=True, indent=None)
    written = written.replace("1500000.0", "1500000")
    src = tmp_path / "hand.jsonl"
    src.write_bytes(b"\xef\xbb\xbf" + written.encode() + b"\r\n\n" + claims_jsonl(ALL_CLAIMS[:1]).encode())
    with ClaimStore.open(db_url) as store:
        assert store.load_jsonl([src]).claims_loaded == 2
        store.export_jsonl(tmp_path / "out.jsonl")
    assert (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines() == [
        written,
        ALL_CLAIMS[0].model_dump_json(),
    ]


def test_export_to_stream(sqlite_url: str, tmp_path: Path) -> None:
    import io

    with ClaimStore.open(sqlite_url) as store:
        store.load_jsonl([write_claims(tmp_path / "c.jsonl", ALL_CLAIMS)])
        buf = io.StringIO()
        assert store.export_jsonl(buf) == len(ALL_CLAIMS)
    assert buf.getvalue() == claims_jsonl(ALL_CLAIMS)


def test_normalised_rows(db_url: str, tmp_path: Path) -> None:
    with ClaimStore.open(db_url) as store:
        store.load_jsonl([write_claims(tmp_path / "c.jsonl", ALL_CLAIMS)])
    assert counts(db_url) == {
        "documents": 3,
        "claims": 7,
        "claim_actors": 9,
        "claim_quantities": 5,
        "claim_munitions": 7,
        "claim_dates": 6,
        "claim_attributions": 9,
    }
    # Documents known only from their claims: a row with the id, nothing else.
    assert sql(db_url, "SELECT doc_id, text FROM documents ORDER BY doc_id") == [
        (DOC_SHIPMENTS.doc_id, None),
        (DOC_DENIAL.doc_id, None),
        (DOC_DRONES.doc_id, None),
    ]
    hold = CLAIMS[DOC_SHIPMENTS.doc_id][1]
    assert sql(
        db_url,
        "SELECT position, source, kind, cue, text, span_start FROM claim_attributions "
        "WHERE claim_id = :cid ORDER BY position",
        cid=hold.claim_id,
    ) == [
        (0, "Yonhap News TV", "media", "reported", "Yonhap News TV", hold.attributions[0].span.start),
        (1, "Kang Dae-sik", "official", "said", "Kang Dae-sik", hold.attributions[1].span.start),
    ]
    received = CLAIMS[DOC_DENIAL.doc_id][1]
    ((start_iso, end_iso, start, end, gran, qual),) = sql(
        db_url,
        "SELECT start_iso, end_iso, start_date, end_date, granularity, qualifier FROM claim_dates "
        "WHERE claim_id = :cid",
        cid=received.claim_id,
    )
    assert (start_iso, end_iso, as_date(start), as_date(end), gran, qual) == (
        "2024-01", "2024-09", dt.date(2024, 1, 1), dt.date(2024, 9, 30), "month", "from"
    )
    ((value, lower, upper, approx, unit),) = sql(
        db_url,
        "SELECT value, lower_bound, upper_bound, approximate, unit FROM claim_quantities "
        "WHERE claim_id = :cid",
        cid=received.claim_id,
    )
    assert (value, lower, upper, bool(approx), unit) == (None, 1.5e6, 2e6, False, "artillery shell")
    # Granularity derived from the ISO prefix when the claim gives none; point in time: no end.
    rockets = CLAIMS[DOC_SHIPMENTS.doc_id][2]
    ((start, end, gran),) = sql(
        db_url,
        "SELECT start_date, end_date, granularity FROM claim_dates WHERE claim_id = :cid",
        cid=rockets.claim_id,
    )
    assert (as_date(start), end, gran) == (dt.date(2024, 6, 1), None, "month")
    # Date comparisons with ISO literals work alike on both databases (SQLite keeps ISO text).
    assert sql(db_url, "SELECT COUNT(*) FROM claim_dates WHERE start_date >= '2023-01-01'") == [(4,)]


def test_load_twice_changes_nothing(db_url: str, tmp_path: Path) -> None:
    src = write_claims(tmp_path / "c.jsonl", SHUFFLED)
    with ClaimStore.open(db_url) as store:
        store.load_jsonl([src])
        before = counts(db_url)
        seqs = sql(db_url, "SELECT claim_id, seq FROM claims ORDER BY seq")
        report = store.load_jsonl([src, src])
        assert report.ok and report.claims_loaded == 2 * len(SHUFFLED)
        store.export_jsonl(tmp_path / "out.jsonl")
    assert counts(db_url) == before
    assert sql(db_url, "SELECT claim_id, seq FROM claims ORDER BY seq") == seqs
    assert (tmp_path / "out.jsonl").read_bytes() == src.read_bytes()


def test_reload_of_changed_claim_updates_it_in_place(db_url: str, tmp_path: Path) -> None:
    first = write_claims(tmp_path / "a.jsonl", ALL_CLAIMS)
    old = ALL_CLAIMS[0]
    new = old.model_copy(update={"modality": Modality.hedged, "actors": old.actors[:1], "quantities": []})
    second = write_claims(tmp_path / "b.jsonl", [new])
    with ClaimStore.open(db_url) as store:
        store.load_jsonl([first])
        store.load_jsonl([second])
        store.export_jsonl(tmp_path / "out.jsonl")
    lines = (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()
    assert lines[0] == new.model_dump_json() and len(lines) == len(ALL_CLAIMS)
    assert sql(db_url, "SELECT modality FROM claims WHERE claim_id = :c", c=old.claim_id) == [("hedged",)]
    assert sql(db_url, "SELECT COUNT(*) FROM claim_actors WHERE claim_id = :c", c=old.claim_id) == [(1,)]
    assert sql(db_url, "SELECT COUNT(*) FROM claim_quantities WHERE claim_id = :c", c=old.claim_id) == [(0,)]


def _doc_claim_ids(url: str, doc_id: str) -> list[str]:
    return [r[0] for r in sql(url, "SELECT claim_id FROM claims WHERE doc_id = :d ORDER BY seq", d=doc_id)]


def test_replace_document(db_url: str) -> None:
    doc = DOC_SHIPMENTS
    with ClaimStore.open(db_url) as store:
        for d in DOCUMENTS:
            store.replace_document(d, CLAIMS[d.doc_id], content_hash=f"h-{d.doc_id}")
        assert counts(db_url)["claims"] == 7
        # Re-extracted with other results: one new claim instead of the old three.
        moved = CLAIMS[doc.doc_id][2]
        replacement = moved.model_copy(
            update={
                "claim_id": "c_new",
                "quantities": [Quantity(value=300, unit="rocket", text="122mm rockets", span=moved.munitions[0].span)],
            }
        )
        edited = doc.model_copy(update={"title": "Updated title"})
        store.replace_document(edited, [replacement], content_hash="h2")
    assert _doc_claim_ids(db_url, doc.doc_id) == ["c_new"]
    ids = [c.claim_id for c in CLAIMS[doc.doc_id]]
    for table in TABLES[2:]:
        orphans = sql(db_url, f"SELECT COUNT(*) FROM {table} WHERE claim_id IN ({', '.join(repr(i) for i in ids)})")
        assert orphans == [(0,)], table
    assert sql(db_url, "SELECT value, unit FROM claim_quantities WHERE claim_id = 'c_new'") == [(300.0, "rocket")]
    assert sql(db_url, "SELECT title, content_hash, published_iso, text FROM documents WHERE doc_id = :d", d=doc.doc_id) == [
        ("Updated title", "h2", "2024-08-28", doc.text)
    ]
    # The other documents are untouched.
    assert _doc_claim_ids(db_url, DOC_DENIAL.doc_id) == [c.claim_id for c in CLAIMS[DOC_DENIAL.doc_id]]
    assert counts(db_url)["claims"] == 5


def test_replace_document_with_no_claims_keeps_the_document(db_url: str) -> None:
    with ClaimStore.open(db_url) as store:
        store.replace_document(DOC_DRONES, CLAIMS[DOC_DRONES.doc_id])
        store.replace_document(DOC_DRONES, [])
    assert counts(db_url)["claims"] == 0 and counts(db_url)["claim_munitions"] == 0
    assert sql(db_url, "SELECT doc_id, published_date FROM documents") == [
        (DOC_DRONES.doc_id, sql(db_url, "SELECT published_date FROM documents")[0][0])
    ]


def test_replace_document_is_one_transaction(db_url: str) -> None:
    doc = DOC_SHIPMENTS
    with ClaimStore.open(db_url) as store:
        store.replace_document(doc, CLAIMS[doc.doc_id], content_hash="h1")
        before = counts(db_url)
        # The second insert fails (same claim_id twice) after the old claims were deleted.
        twice = [CLAIMS[doc.doc_id][0], CLAIMS[doc.doc_id][0]]
        with pytest.raises(DatabaseError, match="rolled back"):
            store.replace_document(doc.model_copy(update={"title": "new"}), twice, content_hash="h2")
    assert counts(db_url) == before
    assert sql(db_url, "SELECT title, content_hash FROM documents") == [(doc.title, "h1")]


@pytest.mark.parametrize(
    ("claim", "reason"),
    [
        (CLAIMS[DOC_DENIAL.doc_id][0], "belongs to document"),
        (
            CLAIMS[DOC_SHIPMENTS.doc_id][2].model_copy(
                update={"dates": [CLAIMS[DOC_SHIPMENTS.doc_id][2].dates[0].model_copy(update={"start": "2024-13"})]}
            ),
            "not a valid ISO date",
        ),
    ],
)
def test_replace_document_rejects_bad_claims(sqlite_url: str, claim: Claim, reason: str) -> None:
    with ClaimStore.open(sqlite_url) as store:
        with pytest.raises(InputError, match=reason):
            store.replace_document(DOC_SHIPMENTS, [claim])
    assert counts(sqlite_url)["documents"] == 0


def _lines(claims: list[Claim], bad: dict[int, str]) -> str:
    """JSON lines of ``claims`` with line ``n`` (1-based) replaced by ``bad[n]``."""
    out = [c.model_dump_json() for c in claims]
    for number, line in bad.items():
        out[number - 1] = line
    return "\n".join(out) + "\n"


@pytest.mark.parametrize(
    ("bad_line", "message"),
    [
        ('{"claim_id": "x", "doc_id": ', "Invalid JSON"),
        (ALL_CLAIMS[3].model_dump_json().replace('"negated"', '"probably"'), "modality"),
        (ALL_CLAIMS[3].model_dump_json().replace('"2023"', '"2023-02-30"'), "not a valid ISO date"),
        (ALL_CLAIMS[3].model_dump_json()[:-1] + ', "extra": 1}', "extra"),
    ],
)
def test_bad_line_rolls_back_its_batch_only(db_url: str, tmp_path: Path, bad_line: str, message: str) -> None:
    src = tmp_path / "claims.jsonl"
    src.write_text(_lines(ALL_CLAIMS[:6], {4: bad_line}), encoding="utf-8")
    with ClaimStore.open(db_url) as store:
        report = store.load_jsonl([src], batch_size=2)
    assert not report.ok
    assert (report.batches_loaded, report.claims_loaded, report.lines_rejected) == (2, 4, 2)
    (failure,) = report.failed
    assert (failure.path, failure.first_line, failure.last_line) == (str(src), 3, 4)
    assert [n for n, _ in failure.bad_lines] == [4] and message in failure.bad_lines[0][1]
    assert failure.messages()[0].startswith(f"{src}:4: ")
    kept = {c.claim_id for i, c in enumerate(ALL_CLAIMS[:6], 1) if i not in (3, 4)}
    assert {r[0] for r in sql(db_url, "SELECT claim_id FROM claims")} == kept


def test_database_failure_rolls_back_the_batch(db_url: str, tmp_path: Path, monkeypatch) -> None:
    import extractor.db.store as store_module

    real = store_module._insert_children
    calls = []

    def flaky(conn, rows):
        calls.append(len(rows))
        if len(calls) == 2:  # the second batch: its claims are already written, then the link drops
            raise OperationalError("INSERT", {}, Exception("server closed the connection unexpectedly"))
        real(conn, rows)

    monkeypatch.setattr(store_module, "_insert_children", flaky)
    src = write_claims(tmp_path / "claims.jsonl", ALL_CLAIMS[:6])
    with ClaimStore.open(db_url) as store:
        report = store.load_jsonl([src], batch_size=2)
    (failure,) = report.failed
    assert (failure.first_line, failure.last_line, failure.bad_lines) == (3, 4, ())
    assert "server closed the connection" in failure.reason
    kept = {c.claim_id for c in ALL_CLAIMS[:2] + ALL_CLAIMS[4:6]}
    assert {r[0] for r in sql(db_url, "SELECT claim_id FROM claims")} == kept
    assert sql(db_url, "SELECT COUNT(DISTINCT claim_id) FROM claim_actors")[0][0] == sum(
        1 for c in ALL_CLAIMS[:2] + ALL_CLAIMS[4:6] if c.actors
    )


def test_missing_file_loads_nothing(sqlite_url: str, tmp_path: Path) -> None:
    good = write_claims(tmp_path / "c.jsonl", ALL_CLAIMS)
    with ClaimStore.open(sqlite_url) as store:
        with pytest.raises(InputError, match="no such file"):
            store.load_jsonl([good, tmp_path / "missing.jsonl"])
    assert counts(sqlite_url)["claims"] == 0


@pytest.mark.parametrize(("stored", "message"), [("0", "older"), ("2", "newer"), ("x", "not one")])
def test_schema_version_mismatch(db_url: str, tmp_path: Path, stored: str, message: str) -> None:
    with ClaimStore.open(db_url) as store:
        store.load_jsonl([write_claims(tmp_path / "c.jsonl", ALL_CLAIMS)])
    sql(db_url, "UPDATE schema_meta SET value = :v WHERE key = 'schema_version'", v=stored)
    with pytest.raises(SchemaVersionError, match=message) as info:
        ClaimStore.open(db_url)
    assert info.value.found == stored
    assert counts(db_url)["claims"] == len(ALL_CLAIMS)


def test_unversioned_claims_tables_are_refused(db_url: str) -> None:
    sql(db_url, "CREATE TABLE claims (claim_id TEXT PRIMARY KEY, payload TEXT)")
    with pytest.raises(SchemaVersionError, match="no schema_meta"):
        ClaimStore.open(db_url)
    assert sql(db_url, "SELECT COUNT(*) FROM claims") == [(0,)]


def test_open_without_create(sqlite_url: str, tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="no such database file"):
        ClaimStore.open(sqlite_url, create=False)
    sql(sqlite_url, "CREATE TABLE other (x INTEGER)")
    with pytest.raises(DatabaseError, match="not a claims database"):
        ClaimStore.open(sqlite_url, create=False)


def test_unreachable_server_is_a_database_error() -> None:
    with pytest.raises(DatabaseError, match="cannot open the database"):
        ClaimStore.open("postgresql://postgres@127.0.0.1:1/test")


def test_pg_rejects_missing_schema(pg_url: str) -> None:
    with pytest.raises(DatabaseError, match="cannot open"):
        ClaimStore.open(pg_url.replace("search_path%3Dtest_", "search_path%3Dmissing_"))


# --- CLI ---------------------------------------------------------------------------------------

runner = CliRunner()


def test_cli_load_and_export(db_url: str, tmp_path: Path) -> None:
    src = write_claims(tmp_path / "claims.jsonl", SHUFFLED)
    result = runner.invoke(app, ["load", str(src), "--db", db_url])
    assert result.exit_code == 0, result.stderr
    assert f"loaded {len(SHUFFLED)} of {len(SHUFFLED)} claim lines from 1 file into" in result.stderr
    result = runner.invoke(app, ["load", str(src), "--db", db_url])
    assert result.exit_code == 0 and f"({len(SHUFFLED)} claims in the database)" in result.stderr
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["export", "--db", db_url, "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert f"exported {len(SHUFFLED)} claims" in result.stderr
    assert out.read_bytes() == src.read_bytes()


def test_cli_export_to_stdout(tmp_path: Path) -> None:
    db = tmp_path / "claims.db"  # a bare path means SQLite
    src = write_claims(tmp_path / "claims.jsonl", ALL_CLAIMS)
    assert runner.invoke(app, ["load", str(src), "--db", str(db)]).exit_code == 0
    result = runner.invoke(app, ["export", "--db", str(db)])
    assert result.exit_code == 0 and result.stdout == src.read_text(encoding="utf-8")


def test_cli_load_reports_bad_lines(tmp_path: Path) -> None:
    src = tmp_path / "claims.jsonl"
    src.write_text(_lines(ALL_CLAIMS[:6], {4: "not json"}), encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'c.db'}"
    result = runner.invoke(app, ["load", str(src), "--db", db, "--batch-size", "2"])
    assert result.exit_code == 3
    assert f"error: {src}:4: invalid claim: line: Invalid JSON" in result.stderr
    assert f"error: {src}:3-4: batch rolled back" in result.stderr
    assert "loaded 4 of 6 claim lines" in result.stderr
    assert "error: 1 batch rolled back, 2 lines not loaded" in result.stderr
    assert counts(db)["claims"] == 4


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["load", "{tmp}/missing.jsonl", "--db", "{tmp}/c.db"], 2, "does not exist"),
        (["load", "{src}", "--db", "mysql://u@h/db"], 2, "unsupported database"),
        (["export", "--db", "postgresql://u@h:port/x"], 2, "not a database URL"),
        (["load", "{src}", "--db", "postgresql://postgres@127.0.0.1:1/test"], 1, "cannot open the database"),
        (["load", "{src}", "--db", "{tmp}/no/such/dir/c.db"], 1, "cannot open the database"),
        (["load", "{src}", "--db", "{tmp}/old.db"], 1, "older than"),
        (["export", "--db", "{tmp}/absent.db", "-o", "{tmp}/o.jsonl"], 1, "no such database file"),
        (["export", "--db", "{tmp}/old.db", "-o", "{tmp}/o.jsonl"], 1, "older than"),
        (["export", "--db", "{tmp}/c.db", "-o", "{tmp}/no/dir/o.jsonl"], 1, "No such file or directory"),
    ],
)
def test_cli_errors(tmp_path: Path, args: list[str], code: int, message: str) -> None:
    src = write_claims(tmp_path / "claims.jsonl", ALL_CLAIMS)
    ClaimStore.open(str(tmp_path / "c.db")).close()
    ClaimStore.open(str(tmp_path / "old.db")).close()
    sql(f"sqlite:///{tmp_path / 'old.db'}", "UPDATE schema_meta SET value = '0'")
    argv = [a.format(tmp=tmp_path, src=src) for a in args]
    result = runner.invoke(app, argv)
    assert result.exit_code == code, result.output
    assert message in " ".join(result.stderr.split())
    if code == 1:
        assert result.stderr.startswith("error: ")
    assert not (tmp_path / "o.jsonl").exists() and not (tmp_path / "absent.db").exists()
    assert counts(f"sqlite:///{tmp_path / 'old.db'}")["claims"] == 0


def test_document_rows_from_replace(sqlite_url: str) -> None:
    doc = Document(doc_id=7, text="Some text.", published="2024-05", source_name="Wire")
    with ClaimStore.open(sqlite_url) as store:
        store.replace_document(doc, [])
    assert sql(sqlite_url, "SELECT doc_id, published_iso, published_date, source_name FROM documents") == [
        ("7", "2024-05", "2024-05-01", "Wire")
    ]


def test_any_text_round_trips(db_url: str, tmp_path: Path) -> None:
    """Whatever the strings hold (control characters, NUL, astral planes), export gives them back."""
    import io
    import json

    from extractor.io.writers import one_line

    from hypothesis import given, settings
    from hypothesis import strategies as st

    base = CLAIMS[DOC_SHIPMENTS.doc_id][1]
    src = tmp_path / "one.jsonl"
    written: list[str] = []
    with ClaimStore.open(db_url) as store:

        @settings(max_examples=20, deadline=None, database=None)
        @given(evidence=st.text(min_size=1), source=st.text(min_size=1), unit=st.text())
        def check(evidence: str, source: str, unit: str) -> None:
            claim = base.model_copy(
                update={
                    "claim_id": f"c_{len(written)}",
                    "text": evidence,
                    "quantities": [base.quantities[0].model_copy(update={"unit": unit})],
                    "attributions": [base.attributions[0].model_copy(update={"source": source})],
                }
            )
            line = claim.model_dump_json()
            src.write_text(line + "\n", encoding="utf-8")
            report = store.load_jsonl([src])
            assert report.ok, report.failed
            written.append(line)
            out = io.StringIO()
            store.export_jsonl(out)
            # byte for byte, but for the line separators JSON allows raw (written as escapes)
            assert out.getvalue() == "".join(one_line(w) + "\n" for w in written)
            assert [json.loads(x) for x in out.getvalue().splitlines()] == [json.loads(w) for w in written]

        check()
    assert sql(db_url, "SELECT COUNT(*) FROM claim_attributions")[0][0] == len(written)


def test_nul_characters_are_replaced_in_columns_only(db_url: str, tmp_path: Path) -> None:
    doc = DOC_DRONES.model_copy(update={"text": DOC_DRONES.text + "\x00"})
    claim = CLAIMS[DOC_DRONES.doc_id][1].model_copy(update={"text": "50 drones\x00"})
    with ClaimStore.open(db_url) as store:
        store.replace_document(doc, [claim])
        store.export_jsonl(tmp_path / "out.jsonl")
    assert (tmp_path / "out.jsonl").read_text(encoding="utf-8") == claim.model_dump_json() + "\n"
    assert sql(db_url, "SELECT text FROM claims") == [("50 drones\ufffd",)]
    assert sql(db_url, "SELECT text FROM documents")[0][0].endswith("arrived.\ufffd")


def test_connection_drop_mid_batch(pg_url: str, tmp_path: Path, monkeypatch) -> None:
    """A real dropped connection (the server ends the session inside a batch's transaction)."""
    import extractor.db.store as store_module

    real = store_module._insert_children
    calls = []

    def dropping(conn, rows):
        calls.append(len(rows))
        real(conn, rows)
        if len(calls) == 2:
            conn.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))

    monkeypatch.setattr(store_module, "_insert_children", dropping)
    src = write_claims(tmp_path / "claims.jsonl", ALL_CLAIMS[:6])
    with ClaimStore.open(pg_url) as store:
        report = store.load_jsonl([src], batch_size=2)
    (failure,) = report.failed
    assert (failure.first_line, failure.last_line) == (3, 4) and "terminat" in failure.reason
    assert report.batches_loaded == 2  # the batch after the drop runs on a new connection
    kept = {c.claim_id for c in ALL_CLAIMS[:2] + ALL_CLAIMS[4:6]}
    assert {r[0] for r in sql(pg_url, "SELECT claim_id FROM claims")} == kept


def test_cli_load_from_stdin(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'c.db'}"
    lines = claims_jsonl(ALL_CLAIMS[:3]) + "broken\n"
    result = runner.invoke(app, ["load", "-", "--db", db], input=lines.encode())
    assert result.exit_code == 3
    assert ":4: invalid claim" in result.stderr  # the name is <stdin> on a real terminal or pipe
    assert counts(db)["claims"] == 0  # one batch: rolled back as a whole
    result = runner.invoke(app, ["load", "-", "--db", db], input=claims_jsonl(ALL_CLAIMS).encode())
    assert result.exit_code == 0 and counts(db)["claims"] == len(ALL_CLAIMS)
