"""Typed errors raised by the library. Only the CLI turns them into messages and exit codes."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import ValidationError


class ExtractorError(Exception):
    """Base class of every error this package raises on purpose."""


class LexiconError(ExtractorError):
    """A lexicon data file is invalid; the message names the file and line."""

    def __init__(self, path: str, line: int, message: str):
        self.path, self.line = path, line
        super().__init__(f"{path}:{line}: {message}")


class InputError(ExtractorError):
    """One input record cannot be processed; ``source`` and ``line`` say where it is."""

    def __init__(self, source: str, line: int | None, reason: str, doc_id: str | None = None):
        self.source, self.line, self.reason, self.doc_id = source, line, reason, doc_id
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {reason}")


class ModelNotInstalledError(ExtractorError):
    """The pinned spaCy model package is missing."""


class ExtractionError(ExtractorError):
    """The pipeline failed on one document (a bug, not bad input); the message names it."""

    def __init__(self, doc_id: str | None, reason: str):
        self.doc_id, self.reason = doc_id, reason
        super().__init__(f"claim extraction failed for doc {doc_id!r}: {reason}")


class MissingComponentError(ExtractorError):
    """A component needs a span group that no component before it wrote (a pipeline set up or
    ``select_pipes``-disabled without it): a configuration error, not one document's."""

    def __init__(self, component: str, needed_by: str):
        self.component, self.needed_by = component, needed_by
        super().__init__(
            f"{needed_by} needs doc.spans[{component!r}], which no component wrote: add the "
            f"{component!r} component before {needed_by!r} (nlp.add_pipe({component!r}, before={needed_by!r}))"
        )


def validation_text(exc: "ValidationError", limit: int | None = None) -> str:
    """A pydantic validation error as one line, ``field: message; field: message`` (the first
    ``limit`` errors, then how many more)."""
    errors = exc.errors()
    parts = [f"{'.'.join(str(p) for p in err['loc']) or '(value)'}: {err['msg']}" for err in errors[:limit]]
    more = len(errors) - len(parts)
    return "; ".join(parts) + (f" (and {more} more)" if more > 0 else "")
