"""The relational schema of a claims database (SQLAlchemy Core, the same for SQLite and PostgreSQL).

One row per claim in ``claims`` (with the claim's JSON line kept verbatim in ``claim_json`` for
lossless export) and one row per list item in the child tables, each keyed by
``(claim_id, position)`` where ``position`` is the item's 0-based index in the claim's list: in
``claim_attributions`` position 0 is the outermost source of the chain. Child rows and claims
go away with their parent (``ON DELETE CASCADE``). Dates are stored twice: the ISO prefix as
written in the claim (``start_iso``/``end_iso``) and as ``DATE`` bounds (``start_date`` is the
first day of the start period, ``end_date`` the last day of the end period).

``DB_SCHEMA_VERSION`` is recorded in ``schema_meta``; bump it on every change to these tables.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
)

DB_SCHEMA_VERSION = 1
"""Version of the tables below, stored in ``schema_meta`` under the key ``schema_version``."""

metadata = MetaData()

schema_meta = Table(
    "schema_meta",
    metadata,
    Column("key", Text, primary_key=True),
    Column("value", Text, nullable=False),
)

documents = Table(
    "documents",
    metadata,
    Column("doc_id", Text, primary_key=True),
    Column("title", Text),
    Column("published_iso", Text, comment="Publication date as given (ISO, day or month precision)."),
    Column("published_date", Date, comment="First day of published_iso."),
    Column("source_name", Text),
    Column("url", Text),
    Column("text", Text, comment="Null when only the document's claims were loaded."),
    Column("content_hash", Text, comment="Hash of the text the claims were extracted from."),
)

_seq_type = BigInteger().with_variant(Integer, "sqlite")  # INTEGER PRIMARY KEY is SQLite's rowid

claims = Table(
    "claims",
    metadata,
    Column("seq", _seq_type, primary_key=True, autoincrement=True, comment="Load order; export order."),
    Column("claim_id", Text, nullable=False, unique=True),
    Column("doc_id", Text, ForeignKey("documents.doc_id", ondelete="CASCADE"), nullable=False),
    Column("schema_version", Text, nullable=False),
    Column("claim_type", Text, nullable=False),
    Column("modality", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("span_start", Integer, nullable=False),
    Column("span_end", Integer, nullable=False),
    Column("claim_json", Text, nullable=False, comment="The claim's JSON line exactly as loaded."),
    Index("ix_claims_doc_id", "doc_id", "span_start"),
    Index("ix_claims_type_modality", "claim_type", "modality"),
)


def _child(name: str, *columns: Column, indexes: tuple[Index, ...] = ()) -> Table:
    """A per-item child table of ``claims`` with the evidence columns every item carries."""
    return Table(
        name,
        metadata,
        Column(
            "claim_id",
            Text,
            ForeignKey("claims.claim_id", ondelete="CASCADE"),
            primary_key=True,
        ),
        Column("position", Integer, primary_key=True, autoincrement=False),
        *columns,
        Column("text", Text, nullable=False),
        Column("span_start", Integer, nullable=False),
        Column("span_end", Integer, nullable=False),
        *indexes,
    )


claim_actors = _child(
    "claim_actors",
    Column("name", Text, nullable=False),
    Column("role", Text, nullable=False),
    Column("type", Text, nullable=False),
    Column("entity_id", Text),
    indexes=(Index("ix_claim_actors_role_name", "role", "name"),),
)

claim_quantities = _child(
    "claim_quantities",
    Column("value", Float),
    Column("lower_bound", Float),
    Column("upper_bound", Float),
    Column("approximate", Boolean, nullable=False),
    Column("unit", Text),
)

claim_munitions = _child(
    "claim_munitions",
    Column("category", Text, nullable=False),
    Column("caliber_mm", Float),
    Column("name", Text),
    Column("taxonomy_id", Text),
    indexes=(Index("ix_claim_munitions_category", "category", "caliber_mm"),),
)

claim_dates = _child(
    "claim_dates",
    Column("start_iso", Text, comment="ISO prefix as in the claim: 2024, 2024-06 or 2024-06-15."),
    Column("end_iso", Text),
    Column("start_date", Date, comment="First day of start_iso."),
    Column("end_date", Date, comment="Last day of end_iso."),
    Column("granularity", Text, comment="The claim's granularity, else the precision of the ISO prefix."),
    Column("qualifier", Text),
    indexes=(Index("ix_claim_dates_start_date", "start_date"),),
)

claim_attributions = _child(
    "claim_attributions",
    Column("source", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("cue", Text),
    indexes=(Index("ix_claim_attributions_source", "source"),),
)

CHILD_TABLES: tuple[Table, ...] = (
    claim_actors,
    claim_quantities,
    claim_munitions,
    claim_dates,
    claim_attributions,
)
DATA_TABLES: tuple[Table, ...] = (documents, claims, *CHILD_TABLES)
