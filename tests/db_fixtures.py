"""Shared fixtures of the database tests: realistic claims built from the pydantic models, and
databases to put them in (a SQLite temp file; a fresh PostgreSQL schema on the real server).

PostgreSQL: ``EXTRACTOR_TEST_PG_URL`` (default ``postgresql://postgres@127.0.0.1:5432/test``). Each
test gets its own schema, dropped afterwards. Under ``CI=true`` an unreachable server fails the
tests; elsewhere they are skipped.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from extractor.models import (
    Actor,
    Attribution,
    Claim,
    DateRef,
    Document,
    Munition,
    Quantity,
    Span,
    make_claim_id,
)

PG_URL = os.environ.get("EXTRACTOR_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")

# --- documents -------------------------------------------------------------------------------

DOC_SHIPMENTS = Document(
    doc_id="kr-2024-08-28-shipments",
    title="North Korean shipments to Russia keep growing",
    published="2024-08-28",
    source_name="Example Wire",
    text=(
        "North Korea has sent over 13,000 containers of munitions to Russia since mid-2022, "
        "Yonhap News TV reported on Wednesday, citing a report by the South Korean Defense "
        "Intelligence Agency. The containers could hold about 6 million 152mm artillery shells, "
        "lawmaker Kang Dae-sik said. Pyongyang may also have supplied 122mm rockets in June 2024."
    ),
)

DOC_DENIAL = Document(
    doc_id="ua-2024-10-02-denial",
    title="Kremlin denies, Kyiv counts",
    published="2024-10",
    text=(
        "The Kremlin denied that Russia had received any artillery shells from North Korea in "
        "2023, the state news agency TASS reported. Ukraine\u2019s military intelligence said "
        "Russia received between 1.5 and 2 million 152-mm shells from Pyongyang from January to "
        "September 2024."
    ),
)

DOC_DRONES = Document(
    doc_id="us-2023-03-15-drones",
    title="Iranian drones for Russia",
    published="2023-03-15",
    url="https://news.example/iran-drones",
    text=(
        "Iran has delivered hundreds of Shahed-136 drones to Russia since August 2022, "
        "according to the US State Department. On 15 February 2023 a further 50 drones arrived."
    ),
)

DOCUMENTS = (DOC_SHIPMENTS, DOC_DENIAL, DOC_DRONES)


def _span(doc: Document, words: str, after: int = 0) -> Span:
    """The span of the first occurrence of ``words`` in ``doc`` at or after ``after``."""
    start = doc.text.index(words, after)
    return Span(start=start, end=start + len(words))


class _Builder:
    """Builds the items of one claim, each with the text and span of its words in the claim."""

    def __init__(self, doc: Document, evidence: str):
        self.doc, self.span = doc, _span(doc, evidence)

    def ev(self, words: str) -> dict:
        return {"text": words, "span": _span(self.doc, words, self.span.start)}

    def claim(self, **fields) -> Claim:
        return Claim(
            claim_id=make_claim_id(self.doc.doc_id, self.span.start, self.span.end),
            doc_id=self.doc.doc_id,
            text=self.doc.text[self.span.start : self.span.end],
            span=self.span,
            **fields,
        )


def _shipments() -> list[Claim]:
    d = DOC_SHIPMENTS
    b1 = _Builder(d, "North Korea has sent over 13,000 containers of munitions to Russia since mid-2022")
    yonhap = Attribution(source="Yonhap News TV", kind="media", cue="reported", **b1.ev("Yonhap News TV"))
    sent = b1.claim(
        claim_type="transfer",
        modality="asserted",
        actors=[
            Actor(name="North Korea", role="supplier", type="state", entity_id="KP", **b1.ev("North Korea")),
            Actor(name="Russia", role="recipient", type="state", entity_id="RU", **b1.ev("Russia")),
        ],
        quantities=[Quantity(value=13000, lower=13000, unit="container", **b1.ev("over 13,000 containers"))],
        munitions=[Munition(category="ammunition", **b1.ev("munitions"))],
        dates=[DateRef(start="2022-06", granularity="month", qualifier="since", **b1.ev("since mid-2022"))],
        attributions=[
            yonhap,
            Attribution(
                source="South Korean Defense Intelligence Agency",
                kind="document",
                cue="citing",
                **b1.ev("South Korean Defense Intelligence Agency"),
            ),
        ],
    )
    b2 = _Builder(d, "The containers could hold about 6 million 152mm artillery shells")
    hold = b2.claim(
        claim_type="assessment",
        modality="hedged",
        actors=[],
        quantities=[
            Quantity(
                value=6_000_000,
                approximate=True,
                unit="artillery shell",
                **b2.ev("about 6 million 152mm artillery shells"),
            )
        ],
        munitions=[
            Munition(
                category="artillery_shell",
                caliber_mm=152,
                taxonomy_id="artillery_shell",
                **b2.ev("152mm artillery shells"),
            )
        ],
        attributions=[
            yonhap,
            Attribution(
                source="Kang Dae-sik",
                kind="official",
                cue="said",
                **b2.ev("Kang Dae-sik"),
            ),
        ],
    )
    b3 = _Builder(d, "Pyongyang may also have supplied 122mm rockets in June 2024")
    rockets = b3.claim(
        claim_type="transfer",
        modality="hedged",
        actors=[Actor(name="North Korea", role="supplier", type="state", **b3.ev("Pyongyang"))],
        munitions=[Munition(category="rocket", caliber_mm=122, **b3.ev("122mm rockets"))],
        dates=[DateRef(start="2024-06", **b3.ev("in June 2024"))],
        attributions=[yonhap],
    )
    return [sent, hold, rockets]


def _denial() -> list[Claim]:
    d = DOC_DENIAL
    b1 = _Builder(
        d, "The Kremlin denied that Russia had received any artillery shells from North Korea in 2023"
    )
    tass = Attribution(source="TASS", kind="media", cue="reported", text="TASS", span=_span(d, "TASS"))
    denied = b1.claim(
        claim_type="transfer",
        modality="negated",
        actors=[
            Actor(name="North Korea", role="supplier", type="state", **b1.ev("North Korea")),
            Actor(name="Russia", role="recipient", type="state", **b1.ev("Russia")),
        ],
        munitions=[Munition(category="artillery_shell", **b1.ev("artillery shells"))],
        dates=[DateRef(start="2023", granularity="year", **b1.ev("in 2023"))],
        attributions=[tass, Attribution(source="Kremlin", kind="government", cue="denied", **b1.ev("The Kremlin"))],
    )
    b2 = _Builder(
        d,
        "Russia received between 1.5 and 2 million 152-mm shells from Pyongyang from January to "
        "September 2024",
    )
    received = b2.claim(
        claim_type="transfer",
        modality="asserted",
        actors=[
            Actor(name="North Korea", role="supplier", type="state", **b2.ev("Pyongyang")),
            Actor(name="Russia", role="recipient", type="state", **b2.ev("Russia")),
        ],
        quantities=[
            Quantity(
                lower=1_500_000,
                upper=2_000_000,
                unit="artillery shell",
                **b2.ev("between 1.5 and 2 million 152-mm shells"),
            )
        ],
        munitions=[Munition(category="artillery_shell", caliber_mm=152, **b2.ev("152-mm shells"))],
        dates=[
            DateRef(
                start="2024-01",
                end="2024-09",
                granularity="month",
                qualifier="from",
                **b2.ev("from January to September 2024"),
            )
        ],
        attributions=[
            Attribution(
                source="Ukrainian military intelligence",
                kind="intelligence",
                cue="said",
                text="Ukraine\u2019s military intelligence",
                span=_span(d, "Ukraine\u2019s military intelligence"),
            )
        ],
    )
    return [denied, received]


def _drones() -> list[Claim]:
    d = DOC_DRONES
    state_dept = Attribution(
        source="United States Department of State",
        kind="government",
        cue="according to",
        text="US State Department",
        span=_span(d, "US State Department"),
    )
    b1 = _Builder(d, "Iran has delivered hundreds of Shahed-136 drones to Russia since August 2022")
    delivered = b1.claim(
        claim_type="transfer",
        modality="asserted",
        actors=[
            Actor(name="Iran", role="supplier", type="state", **b1.ev("Iran")),
            Actor(name="Russia", role="recipient", type="state", **b1.ev("Russia")),
        ],
        quantities=[Quantity(lower=200, approximate=True, unit="drone", **b1.ev("hundreds of Shahed-136 drones"))],
        munitions=[Munition(category="drone", name="Shahed-136", **b1.ev("Shahed-136 drones"))],
        dates=[DateRef(start="2022-08", qualifier="since", **b1.ev("since August 2022"))],
        attributions=[state_dept],
    )
    b2 = _Builder(d, "On 15 February 2023 a further 50 drones arrived")
    arrived = b2.claim(
        claim_type="transfer",
        modality="asserted",
        actors=[],
        quantities=[Quantity(value=50, unit="drone", **b2.ev("50 drones"))],
        munitions=[Munition(category="drone", **b2.ev("drones"))],
        dates=[DateRef(start="2023-02-15", granularity="day", **b2.ev("On 15 February 2023"))],
    )
    return [delivered, arrived]


CLAIMS: dict[str, list[Claim]] = {
    DOC_SHIPMENTS.doc_id: _shipments(),
    DOC_DENIAL.doc_id: _denial(),
    DOC_DRONES.doc_id: _drones(),
}
"""Claims by document, each list in text order."""

ALL_CLAIMS: list[Claim] = [c for doc in DOCUMENTS for c in CLAIMS[doc.doc_id]]


def claims_jsonl(claims: list[Claim]) -> str:
    """The claims as the pipeline writes them: one ``model_dump_json()`` per line."""
    return "".join(c.model_dump_json() + "\n" for c in claims)


def write_claims(path: Path, claims: list[Claim]) -> Path:
    path.write_text(claims_jsonl(claims), encoding="utf-8")
    return path


# --- databases -------------------------------------------------------------------------------


def _pg_admin():
    """A SQLAlchemy engine on the test server, or skip/fail when it is unreachable."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    from extractor.db import database_url

    engine = create_engine(database_url(PG_URL), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        engine.dispose()
        message = (
            f"PostgreSQL test server {PG_URL} unreachable (set EXTRACTOR_TEST_PG_URL to use another, "
            f"see docs/testing.md): {exc.orig}"
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + " (CI=true: the PostgreSQL tests must run)", pytrace=False)
        pytest.skip(message)
    return engine


@pytest.fixture(scope="session")
def pg_admin():
    engine = _pg_admin()
    yield engine
    engine.dispose()


@pytest.fixture
def pg_url(pg_admin) -> Iterator[str]:
    """URL of a fresh, empty PostgreSQL schema (``search_path`` set in the URL), dropped after."""
    from sqlalchemy import text

    schema = f"test_{uuid.uuid4().hex[:12]}"
    with pg_admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with pg_admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'claims.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request) -> str:
    """Each test that uses it runs once on SQLite and once on PostgreSQL."""
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
