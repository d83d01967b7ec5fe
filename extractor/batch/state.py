"""The SQLite state of incremental runs (``extract --state PATH``).

It remembers, per document, the content hash its claims were extracted from and where its lines
are in the output; per claim id, whether it is current or was superseded by a later version of
its document; and per output file, the size up to which its content is committed. A batch of
documents is recorded in one transaction, only after its lines are on disk, so a run killed at
any moment is resumed by cutting the output back to the committed size.

Tables (a stable, documented format; ``meta.state_format`` is its version):

* ``documents(doc_id, content_hash, source, line, claims, output_start, output_end, run_id)``
* ``claims(claim_id, doc_id, content_hash, current, run_id)``: ``current = 0`` once superseded
* ``files(name, path, size)``: committed size of ``output`` and ``texts``
* ``batches(batch_id, run_id, documents, claims, committed_at)``
* ``runs(run_id, started_at, finished_at, status, extractor_version, stats)``
* ``meta(key, value)``: ``state_format``, ``targets`` (the outputs this state belongs to)
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ..errors import ExtractorError
from ..models import document_hash

STATE_FORMAT = "1"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL,
    source TEXT NOT NULL,
    line INTEGER,
    claims INTEGER NOT NULL,
    output_start INTEGER,
    output_end INTEGER,
    run_id INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS claims (
    claim_id TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    current INTEGER NOT NULL,
    run_id INTEGER NOT NULL,
    PRIMARY KEY (doc_id, content_hash, claim_id)
);
CREATE INDEX IF NOT EXISTS claims_current ON claims (doc_id, current);
CREATE TABLE IF NOT EXISTS files (name TEXT PRIMARY KEY, path TEXT NOT NULL, size INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS batches (
    batch_id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL,
    documents INTEGER NOT NULL,
    claims INTEGER NOT NULL,
    committed_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
    run_id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL,
    extractor_version TEXT NOT NULL,
    stats TEXT
);
"""


class StateError(ExtractorError):
    """The state file is unusable or does not match the outputs; the message says what to do."""


content_hash = document_hash


@dataclass(frozen=True)
class DocumentEntry:
    """One extracted document, as recorded when its batch commits."""

    doc_id: str
    content_hash: str
    source: str
    line: int | None
    claim_ids: Sequence[str]
    output_start: int | None = None
    output_end: int | None = None


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


class _Connection:
    """The state's SQLite connection, whose every error (a full disk, a read-only file...) is a
    :class:`StateError` that names the state file and what failed."""

    def __init__(self, path: str, connection: sqlite3.Connection):
        self.path = path
        self._connection = connection

    def execute(self, sql: str, parameters: Sequence = ()) -> sqlite3.Cursor:
        return self._call(self._connection.execute, sql, parameters)

    def executemany(self, sql: str, rows: Sequence) -> sqlite3.Cursor:
        return self._call(self._connection.executemany, sql, rows)

    @property
    def in_transaction(self) -> bool:
        return self._connection.in_transaction

    def close(self) -> None:
        self._connection.close()

    def _call(self, method, sql: str, parameters: Sequence) -> sqlite3.Cursor:
        try:
            return method(sql, parameters)
        except sqlite3.Error as exc:
            action = "read" if sql.lstrip().upper().startswith("SELECT") else "write"
            raise StateError(f"{self.path}: cannot {action} the state: {exc}") from exc


class State:
    """An open state file. Use as a context manager or call :meth:`close`."""

    def __init__(self, path: str):
        self.path = path
        try:
            connection = sqlite3.connect(path, isolation_level=None)
            connection.execute("PRAGMA synchronous = FULL")
            connection.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise StateError(f"{path}: not a usable extractor state file ({exc})") from None
        self._db = _Connection(path, connection)
        found = self._meta("state_format")
        if found is None:
            self._set_meta("state_format", STATE_FORMAT)
        elif found != STATE_FORMAT:
            raise StateError(f"{path}: state format {found} is not supported (expected {STATE_FORMAT})")

    def __enter__(self) -> "State":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    def _meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, key: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def bind(self, targets: dict[str, str | None], *, force: bool = False) -> None:
        """Tie the state to the outputs it describes; with ``force``, forget everything first.

        A state used with other outputs would skip documents whose claims are not in them, so
        a mismatch is an error.
        """
        wanted = json.dumps(targets, sort_keys=True)
        found = self._meta("targets")
        if force:
            self.reset()
        elif found is not None and found != wanted:
            described = ", ".join(f"{k} {v}" for k, v in sorted(json.loads(found).items()) if v)
            raise StateError(
                f"{self.path} records a run with {described or 'no outputs'}; use the same outputs, "
                f"another --state, or --force to start over"
            )
        self._set_meta("targets", wanted)

    def reset(self) -> None:
        """Forget every document, claim, batch and committed size (run history is kept)."""
        with self._transaction():
            for table in ("documents", "claims", "files", "batches"):
                self._db.execute(f"DELETE FROM {table}")

    def committed_size(self, name: str) -> int | None:
        """The committed size of output file ``name``, or None if it was never recorded."""
        row = self._db.execute("SELECT size FROM files WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def record_size(self, name: str, path: str, size: int) -> None:
        self._db.execute("INSERT OR REPLACE INTO files (name, path, size) VALUES (?, ?, ?)", (name, path, size))

    def known_hash(self, doc_id: str) -> str | None:
        """The content hash the document's current claims were extracted from."""
        row = self._db.execute("SELECT content_hash FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        return row[0] if row else None

    def current_claims(self, doc_id: str) -> list[str]:
        """The claim ids currently valid for a document, sorted."""
        rows = self._db.execute(
            "SELECT claim_id FROM claims WHERE doc_id = ? AND current = 1 ORDER BY claim_id", (doc_id,)
        )
        return [r[0] for r in rows]

    def begin_run(self, version: str) -> int:
        cur = self._db.execute(
            "INSERT INTO runs (started_at, status, extractor_version) VALUES (?, 'running', ?)", (_now(), version)
        )
        return int(cur.lastrowid)

    def last_version(self) -> str | None:
        """The extractor version of the latest run that recorded documents."""
        row = self._db.execute(
            "SELECT r.extractor_version FROM runs r JOIN documents d ON d.run_id = r.run_id "
            "ORDER BY r.run_id DESC LIMIT 1"
        ).fetchone()
        return row[0] if row else None

    def finish_run(self, run_id: int, status: str, stats: dict) -> None:
        self._db.execute(
            "UPDATE runs SET finished_at = ?, status = ?, stats = ? WHERE run_id = ?",
            (_now(), status, json.dumps(stats, sort_keys=True), run_id),
        )

    def commit_batch(self, run_id: int, entries: Sequence[DocumentEntry], sizes: dict[str, tuple[str, int]]) -> int:
        """Record a batch whose output is on disk, in one transaction; returns claims superseded.

        ``sizes`` maps an output name to its ``(path, committed size)``.
        """
        superseded = 0
        with self._transaction():
            for e in entries:
                superseded += self._db.execute(
                    "UPDATE claims SET current = 0 WHERE doc_id = ? AND content_hash != ? AND current = 1",
                    (e.doc_id, e.content_hash),
                ).rowcount
                self._db.executemany(
                    "INSERT OR REPLACE INTO claims (claim_id, doc_id, content_hash, current, run_id) "
                    "VALUES (?, ?, ?, 1, ?)",
                    [(cid, e.doc_id, e.content_hash, run_id) for cid in e.claim_ids],
                )
                self._db.execute(
                    "INSERT OR REPLACE INTO documents (doc_id, content_hash, source, line, claims, output_start, "
                    "output_end, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (e.doc_id, e.content_hash, e.source, e.line, len(e.claim_ids), e.output_start, e.output_end, run_id),
                )
            for name, (path, size) in sizes.items():
                self.record_size(name, path, size)
            self._db.execute(
                "INSERT INTO batches (run_id, documents, claims, committed_at) VALUES (?, ?, ?, ?)",
                (run_id, len(entries), sum(len(e.claim_ids) for e in entries), _now()),
            )
        return superseded

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            if self._db.in_transaction:  # SQLite ends it itself on some errors (a full disk)
                self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")
