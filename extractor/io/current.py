"""The current claims of claim files: each document's last extraction, for JSON Lines readers.

An output appended to by ``extract --state`` runs keeps every extraction of a changed document:
its older claim lines stay where they were and the new ones are appended. Each extraction of a
document is one group of consecutive lines with the same ``doc_id`` and ``doc_hash``; a
document's current claims are its *last* group. :func:`write_current` copies those lines, byte
for byte and in file order, and leaves out the others (the history stays in the input file).
"""

from __future__ import annotations

import json
import os
from array import array
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from ..errors import InputError


@dataclass
class CurrentReport:
    """What :func:`write_current` read and wrote."""

    lines: int = 0
    """Non-blank lines read."""
    claims: int = 0
    """Current claim lines written."""
    documents: int = 0
    """Documents with current claims."""
    superseded: int = 0
    """Lines of older extractions left out."""
    bad_lines: list[InputError] = field(default_factory=list)
    """Lines that are not claims (invalid JSON, no ``doc_id``): reported, not written."""


def _lines(paths: Sequence[Path]) -> Iterator[tuple[Path, int, bytes]]:
    """``(path, line number, line)`` of the non-blank lines of the files, in order."""
    for path in paths:
        with open(path, "rb") as fh:
            for number, raw in enumerate(fh, 1):
                if raw.strip():
                    yield path, number, raw


def state_hashes(path: str | os.PathLike[str]) -> dict[str, str]:
    """``doc_id -> content_hash`` of every document an ``extract --state`` state file records:
    the version of each document its current claims come from (read-only; the state's tables
    are a documented format). Raises :class:`InputError` if ``path`` is not such a file."""
    import sqlite3

    if not Path(path).is_file():
        raise InputError(str(path), None, "no such state file")
    try:
        db = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
        try:
            return dict(db.execute("SELECT doc_id, content_hash FROM documents"))
        finally:
            db.close()
    except sqlite3.Error as exc:
        raise InputError(str(path), None, f"not an extractor state file ({exc})") from None


def write_current(
    paths: Sequence[str | os.PathLike[str]], out: BinaryIO, hashes: Mapping[str, str] | None = None
) -> CurrentReport:
    """Write to ``out`` the lines of each document's last extraction in ``paths`` (read as one
    stream, in order); see the module docstring. Raises :class:`InputError` for a missing file.

    ``hashes`` (:func:`state_hashes` of the run's state) gives the current version of the
    documents it holds: a group of another version is never current, so a document whose new
    version has no claims (and wrote no line) has no current lines either.

    Two passes: the first parses each line once and numbers its group (``-1`` for a line that is
    not a claim); the second copies the lines of each document's last group without parsing.
    """
    files = [Path(p) for p in paths]
    for path in files:
        if not path.is_file():
            raise InputError(str(path), None, "no such file")
    report = CurrentReport()
    groups = array("q")
    last: dict[str, int] = {}
    previous: tuple[Path, str, object] | None = None
    group = 0
    for path, number, raw in _lines(files):
        report.lines += 1
        try:
            obj = json.loads(raw)
            doc_id = obj.get("doc_id") if isinstance(obj, dict) else None
        except (ValueError, RecursionError):
            doc_id, reason = None, "invalid JSON"
        else:
            reason = "not a claim (no doc_id)"
        if not isinstance(doc_id, str):
            report.bad_lines.append(InputError(str(path), number, reason))
            groups.append(-1)
            continue
        key = (path, doc_id, obj.get("doc_hash"))  # a new file starts a new group
        if key != previous:
            group += 1
            previous = key
        if hashes is not None and doc_id in hashes and hashes[doc_id] != key[2]:
            groups.append(0)  # an older version than the state's: superseded
            continue
        last[doc_id] = group
        groups.append(group)
    report.documents = len(last)
    current = set(last.values())
    for (_, _, raw), line_group in zip(_lines(files), groups):
        if line_group in current:
            out.write(raw if raw.endswith(b"\n") else raw + b"\n")
            report.claims += 1
        elif line_group >= 0:  # 0: a version the state superseded
            report.superseded += 1
    return report
