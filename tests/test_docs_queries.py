"""The SQL queries of the manual's "Query the claims" section (docs/databases.md), run on SQLite and PostgreSQL against
the fixture claims (loaded from JSON Lines, one document also stored in full)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from db_fixtures import (  # noqa: F401  (pytest fixtures are used by name)
    CLAIMS,
    DOC_DENIAL,
    DOC_DRONES,
    DOC_SHIPMENTS,
    db_url,
    pg_admin,
    pg_url,
    sqlite_url,
    write_claims,
)
from sqlalchemy import create_engine, text

from extractor.db import ClaimStore, database_url

DATABASES_DOC = Path(__file__).resolve().parents[1] / "docs" / "databases.md"
SQL_BLOCK = re.compile(r"```sql\n(.*?)```", re.DOTALL)


def readme_queries() -> list[str]:
    """The ```sql blocks of the manual's database section, in order."""
    readme = DATABASES_DOC.read_text(encoding="utf-8")
    section = readme.split("<!-- section:database -->", 1)[1].split("<!-- /section:database -->", 1)[0]
    return SQL_BLOCK.findall(section)


def test_readme_has_three_queries() -> None:
    assert len(readme_queries()) == 3


@pytest.fixture
def loaded(db_url: str, tmp_path: Path) -> str:
    """``db_url`` with the fixture claims: one document stored in full, two from a claims file."""
    with ClaimStore.open(db_url) as store:
        store.replace_document(DOC_SHIPMENTS, CLAIMS[DOC_SHIPMENTS.doc_id])
        src = write_claims(tmp_path / "claims.jsonl", CLAIMS[DOC_DENIAL.doc_id] + CLAIMS[DOC_DRONES.doc_id])
        assert store.load_jsonl([src]).ok
    return db_url


def run(url: str, query: str) -> list[dict]:
    engine = create_engine(database_url(url))
    try:
        with engine.connect() as conn:
            result = conn.execute(text(query))
            return [dict(row._mapping) for row in result]
    finally:
        engine.dispose()


def _date(value) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def test_transfers_by_supplier_and_recipient(loaded: str) -> None:
    rows = run(loaded, readme_queries()[0])
    pairs = [(r["supplier"], r["recipient"], r["claims"], r["asserted"], r["hedged"], r["negated"], r["documents"]) for r in rows]
    # The hedged rocket claim names no recipient, so it is not a supplier->recipient transfer.
    assert pairs == [
        ("North Korea", "Russia", 3, 2, 0, 1, 2),
        ("Iran", "Russia", 1, 1, 0, 0, 1),
    ]


def test_quantities_of_a_category_over_time(loaded: str) -> None:
    rows = run(loaded, readme_queries()[1])
    assert [
        (_date(r["from_date"]), _date(r["to_date"]), r["granularity"], r["value"], r["lower_bound"], r["upper_bound"], r["unit"], r["modality"])
        for r in rows
    ] == [
        (dt.date(2024, 1, 1), dt.date(2024, 9, 30), "month", None, 1.5e6, 2e6, "artillery shell", "asserted"),
        (None, None, None, 6e6, None, None, "artillery shell", "hedged"),
    ]
    assert rows[1]["evidence"] == CLAIMS[DOC_SHIPMENTS.doc_id][1].text


def test_claims_attributed_to_a_source_with_chain(loaded: str) -> None:
    rows = run(loaded, readme_queries()[2])
    chains: dict[str, list[tuple[int, str, str]]] = {}
    for r in rows:
        chains.setdefault(r["claim_id"], []).append((r["position"], r["source"], r["kind"]))
    expected = {
        c.claim_id: [(i, a.source, a.kind.value) for i, a in enumerate(c.attributions)]
        for c in CLAIMS[DOC_SHIPMENTS.doc_id]
    }
    assert chains == expected
    assert list(chains) == [c.claim_id for c in CLAIMS[DOC_SHIPMENTS.doc_id]]  # text order
    assert all(any(source.startswith("Yonhap") for _, source, _ in chain) for chain in chains.values())
