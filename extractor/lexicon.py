"""Loading of the package's lexicons: JSON Lines files with stable ids, validated by pydantic.

Every line is one entry. Unknown keys, duplicate ids and (for lexicons with aliases) an alias
claimed by two entries are errors that name the file and line: a lexicon is data, but bad data
must never load silently.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from .errors import LexiconError

log = logging.getLogger(__name__)

E = TypeVar("E", bound="LexiconEntry")


class LexiconEntry(BaseModel):
    """Base of every lexicon entry: a stable ``id``; unknown keys are forbidden."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str


def _error_text(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "(entry)"
        parts.append(f"{loc}: {err['msg']}")
    return "; ".join(parts)


def load_entries(
    path: Path | str,
    model: type[E],
    lines: Iterable[str] | None = None,
    keys: Callable[[E], Iterable[str]] | None = None,
) -> list[E]:
    """Validate the JSON Lines lexicon at ``path`` into ``model`` entries.

    ``keys`` returns the lookup keys of an entry (e.g. its lower-cased aliases); a key claimed
    by two entries is an error naming both lines. Blank lines and lines starting with ``//``
    are skipped (comments).
    """
    name = str(path)
    if lines is None:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    entries: list[E] = []
    seen_ids: dict[str, int] = {}
    seen_keys: dict[str, int] = {}
    for lineno, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("//"):
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise LexiconError(name, lineno, f"invalid JSON: {exc.msg}") from None
        if not isinstance(data, dict):
            raise LexiconError(name, lineno, "an entry must be a JSON object")
        try:
            entry = model.model_validate(data)
        except ValidationError as exc:
            raise LexiconError(name, lineno, _error_text(exc)) from None
        if entry.id in seen_ids:
            raise LexiconError(name, lineno, f"duplicate id {entry.id!r} (first on line {seen_ids[entry.id]})")
        seen_ids[entry.id] = lineno
        if keys is not None:
            for key in keys(entry):
                if key in seen_keys and seen_keys[key] != lineno:
                    raise LexiconError(
                        name, lineno, f"duplicate alias {key!r} (already on line {seen_keys[key]})"
                    )
                seen_keys[key] = lineno
        entries.append(entry)
    log.debug("loaded %d entries from %s", len(entries), name)
    return entries


def data_path(filename: str) -> Path:
    """Path of a data file shipped inside the package (``extractor/data``)."""
    return Path(str(resources.files("extractor") / "data" / filename))


@cache
def load_package_lexicon(filename: str, model: type[E], keys: Callable[[E], Iterable[str]] | None = None) -> tuple[E, ...]:
    """Load (once per process) a lexicon shipped in ``extractor/data``."""
    return tuple(load_entries(data_path(filename), model, keys=keys))


def load_lexicon(
    path: Path | str | None, filename: str, model: type[E], keys: Callable[[E], Iterable[str]] | None = None
) -> tuple[E, ...]:
    """The lexicon at ``path`` (a component's config), or the packaged ``filename`` when ``path``
    is None; packaged lexicons are loaded once per process, a given file on each call."""
    if path is None:
        return load_package_lexicon(filename, model, keys)
    return tuple(load_entries(path, model, keys=keys))
