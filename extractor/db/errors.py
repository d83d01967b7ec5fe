"""Typed errors of the database layer (subclasses of :class:`extractor.errors.ExtractorError`)."""

from __future__ import annotations

from ..errors import ExtractorError


class DatabaseError(ExtractorError):
    """The database cannot be opened or written: bad URL, unreachable server, failed transaction."""


class DocumentNotStoredError(DatabaseError):
    """The database refused one document's rows (a value it cannot hold, a constraint): that
    document is not stored, the database itself is fine."""

    def __init__(self, doc_id: str, reason: str):
        self.doc_id, self.reason = doc_id, reason
        super().__init__(reason)


class SchemaVersionError(DatabaseError):
    """The database holds claims tables of another schema version than this extractor's."""

    def __init__(self, url: str, found: str | None, expected: int):
        self.url, self.found, self.expected = url, found, expected
        if found is None:
            detail = (
                "it has claims tables but no schema_meta version record; "
                "it was not created by this extractor"
            )
        elif found.isdigit() and int(found) < expected:
            detail = (
                f"its schema version {found} is older than this extractor's {expected}; "
                "export the claims with the extractor version that wrote them and load them "
                "into a new database"
            )
        elif found.isdigit():
            detail = (
                f"its schema version {found} is newer than this extractor's {expected}; "
                "upgrade extractor"
            )
        else:
            detail = f"its schema version {found!r} is not one this extractor knows ({expected})"
        super().__init__(f"{url}: {detail}")
