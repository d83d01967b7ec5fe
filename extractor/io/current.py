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
from collections.abc import Iterator, Sequence
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


def _groups(paths: Sequence[Path], report: CurrentReport | None) -> Iterator[tuple[str, bytes]]:
    """``(doc_id, line)`` of every claim line; a line of the same document as the one before
    it and of the same version (``doc_hash``) belongs to the same group. Yields ``("", b"")``
    between groups."""
    previous: tuple[str, object] | None = None
    for path in paths:
        with open(path, "rb") as fh:
            for number, raw in enumerate(fh, 1):
                if not raw.strip():
                    continue
                if report is not None:
                    report.lines += 1
                try:
                    obj = json.loads(raw)
                    doc_id = obj.get("doc_id") if isinstance(obj, dict) else None
                except (ValueError, RecursionError):
                    reason = "invalid JSON"
                else:
                    if isinstance(doc_id, str):
                        key = (doc_id, obj.get("doc_hash"))
                        if key != previous:
                            yield "", b""
                            previous = key
                        yield doc_id, raw if raw.endswith(b"\n") else raw + b"\n"
                        continue
                    reason = "not a claim (no doc_id)"
                if report is not None:
                    report.bad_lines.append(InputError(str(path), number, reason))
        previous = None


def write_current(paths: Sequence[str | os.PathLike[str]], out: BinaryIO) -> CurrentReport:
    """Write to ``out`` the lines of each document's last extraction in ``paths`` (read as one
    stream, in order); see the module docstring. Raises :class:`InputError` for a missing file."""
    files = [Path(p) for p in paths]
    for path in files:
        if not path.is_file():
            raise InputError(str(path), None, "no such file")
    last: dict[str, int] = {}
    group = 0
    for doc_id, _ in _groups(files, None):
        if doc_id:
            last[doc_id] = group
        else:
            group += 1
    report = CurrentReport(documents=len(last))
    group = 0
    for doc_id, line in _groups(files, report):
        if not doc_id:
            group += 1
        elif last[doc_id] == group:
            out.write(line)
            report.claims += 1
        else:
            report.superseded += 1
    return report
