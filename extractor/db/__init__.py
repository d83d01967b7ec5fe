"""Claims in SQLite or PostgreSQL: a normalised, queryable schema with lossless JSON Lines export.

``ClaimStore.open(url)`` opens (and on first use creates) a database; see :mod:`.schema` for the
tables and :mod:`.store` for loading and exporting.
"""

from __future__ import annotations

from .errors import DatabaseError, DocumentNotStoredError, SchemaVersionError
from .schema import DB_SCHEMA_VERSION
from .store import ClaimStore, FailedBatch, LoadReport, database_url

__all__ = [
    "DB_SCHEMA_VERSION",
    "ClaimStore",
    "DatabaseError",
    "DocumentNotStoredError",
    "FailedBatch",
    "LoadReport",
    "SchemaVersionError",
    "database_url",
]
