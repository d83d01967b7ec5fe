"""``ClaimStore``: claims in a SQLite or PostgreSQL database, through one SQLAlchemy Core code path.

Writes are transactions: one per document in :meth:`ClaimStore.replace_document`, one per batch
of lines in :meth:`ClaimStore.load_jsonl`. The only dialect-specific piece is the ``INSERT ... ON
CONFLICT`` construct, which SQLAlchemy offers with the same API for both databases.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, TextIO

from pydantic import ValidationError
from sqlalchemy import Connection, Engine, create_engine, delete, event, func, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DataError, IntegrityError, SQLAlchemyError

from ..errors import InputError
from ..io.writers import one_line
from ..messages import plural
from ..models import Claim, Document
from .errors import DatabaseError, DocumentNotStoredError, SchemaVersionError
from .rows import ClaimRows, claim_rows, document_row
from .schema import (
    CHILD_TABLES,
    DATA_TABLES,
    DB_SCHEMA_VERSION,
    documents,
    metadata,
    schema_meta,
)
from .schema import claims as claims_table  # ``claims`` is a parameter name below

log = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 500
#: Seconds to wait for a PostgreSQL server to accept a connection and answer (URL: ``connect_timeout``).
DEFAULT_CONNECT_TIMEOUT = 10
#: Seconds a PostgreSQL statement may run, waits for locks included (URL: ``statement_timeout``; 0: no limit).
DEFAULT_STATEMENT_TIMEOUT = 300
_BOM = b"\xef\xbb\xbf"


def database_url(url: str) -> URL:
    """The SQLAlchemy URL for a user's database URL.

    A bare path (``claims.db``) means SQLite; ``postgresql://`` (or ``postgres://``) uses the
    psycopg 3 driver. Raises :class:`DatabaseError` for anything but SQLite and PostgreSQL.
    """
    if "://" not in url:
        return URL.create("sqlite", database=url)
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as exc:
        raise DatabaseError(f"{url!r} is not a database URL: {exc}") from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise DatabaseError(
            f"{parsed.render_as_string(hide_password=True)}: unsupported database; "
            "use sqlite:///FILE.db, a file path, or postgresql://USER@HOST:PORT/DBNAME"
        )
    return parsed


def connect_options(url: URL) -> tuple[URL, dict[str, object]]:
    """The URL to connect to and the driver's connect arguments, with the timeouts.

    PostgreSQL: ``connect_timeout`` (libpq's, seconds, default :data:`DEFAULT_CONNECT_TIMEOUT`) and
    ``statement_timeout`` (ours, seconds, default :data:`DEFAULT_STATEMENT_TIMEOUT`, 0 for none) are
    read from the URL's query, so a server that accepts connections and never answers, or a
    statement stuck behind a lock, ends in an error instead of a hang. Raises
    :class:`DatabaseError` for a timeout that is not a number.
    """
    if url.get_backend_name() != "postgresql":
        return url, {}
    query = dict(url.query)
    timeouts = {}
    for name, default in (("connect_timeout", DEFAULT_CONNECT_TIMEOUT),
                          ("statement_timeout", DEFAULT_STATEMENT_TIMEOUT)):
        value = query.pop(name, default)
        try:
            timeouts[name] = float(value if isinstance(value, (str, int, float)) else value[-1])
            if timeouts[name] < 0:
                raise ValueError
        except ValueError:
            raise DatabaseError(
                f"{url.render_as_string(hide_password=True)}: {name}={value!r} is not a number of seconds"
            ) from None
    args: dict[str, object] = {"connect_timeout": max(1, round(timeouts["connect_timeout"]))}
    options = query.pop("options", "")
    options = " ".join(options) if isinstance(options, tuple) else options
    if timeouts["statement_timeout"] and "statement_timeout" not in options:
        options = f"{options} -c statement_timeout={round(timeouts['statement_timeout'] * 1000)}".strip()
    if options:
        args["options"] = options
    return url.set(query=query), args


def _reason(exc: SQLAlchemyError) -> str:
    """The driver's message of a database error, on one line."""
    return " ".join(str(getattr(exc, "orig", None) or exc).split())


def _enable_sqlite_foreign_keys(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


@dataclass(frozen=True)
class FailedBatch:
    """A batch of lines that was rolled back: nothing from lines ``first_line..last_line`` is stored."""

    path: str
    first_line: int
    last_line: int
    reason: str
    bad_lines: tuple[tuple[int, str], ...] = ()
    """``(line, message)`` of each invalid line; empty when the database refused the batch."""

    def messages(self) -> list[str]:
        """One ``file:line: message`` per invalid line, then one for the batch."""
        out = [f"{self.path}:{line}: {message}" for line, message in self.bad_lines]
        out.append(
            f"{self.path}:{self.first_line}-{self.last_line}: batch rolled back, "
            f"not loaded ({self.reason})"
        )
        return out


@dataclass
class LoadReport:
    """What :meth:`ClaimStore.load_jsonl` did."""

    files: int = 0
    lines: int = 0
    """Non-blank lines read."""
    claims_loaded: int = 0
    """Lines written (inserted or updated) in committed batches."""
    lines_rejected: int = 0
    """Lines of rolled-back batches."""
    claims_replaced: int = 0
    """Claims of an older extraction of a document dropped because a newer one was loaded."""
    documents_replaced: set[str] = field(default_factory=set)
    """The documents whose older claims were replaced."""
    batches_loaded: int = 0
    failed: list[FailedBatch] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every batch was committed."""
        return not self.failed


@dataclass
class _Replaced:
    """Claims of older document versions dropped by one batch."""

    claims: int = 0
    documents: set[str] = field(default_factory=set)

    def add(self, doc_id: str, claims: int = 1) -> None:
        if claims:
            self.claims += claims
            self.documents.add(doc_id)


def _claim_from_line(raw: bytes) -> ClaimRows:
    """Rows of one JSON line (without its line break); ``ValueError`` says what is wrong with it."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 ({exc.reason} at byte {exc.start})") from None
    try:
        claim = Claim.model_validate_json(text)
    except ValidationError as exc:
        problems = [
            f"{'.'.join(str(p) for p in err['loc']) or 'line'}: {err['msg']}" for err in exc.errors()
        ]
        more = f" (+{len(problems) - 3} more)" if len(problems) > 3 else ""
        raise ValueError("invalid claim: " + "; ".join(problems[:3]) + more) from None
    return claim_rows(claim, text)


def _read_batches(fh: BinaryIO, size: int) -> Iterator[list[tuple[int, bytes]]]:
    """``(line number, line without its break)`` of the non-blank lines, ``size`` at a time."""
    batch: list[tuple[int, bytes]] = []
    for number, raw in enumerate(fh, 1):
        if number == 1 and raw.startswith(_BOM):
            raw = raw[len(_BOM) :]
        raw = raw.rstrip(b"\r\n")
        if not raw.strip():
            continue
        batch.append((number, raw))
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _insert_children(conn: Connection, rows: list[ClaimRows]) -> None:
    """Insert the child rows (actors, quantities, ...) of ``rows``."""
    for table in CHILD_TABLES:
        items = [item for r in rows for item in r.children[table.name]]
        if items:
            conn.execute(table.insert(), items)


class ClaimStore:
    """Claims in a database. Open with :meth:`open`; close with :meth:`close` (or ``with``)."""

    def __init__(self, engine: Engine, url: str):
        """Use :meth:`open`, which also checks and creates the schema."""
        self._engine = engine
        self.url = url
        """The database URL, password hidden (for messages)."""
        self._insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert

    @classmethod
    def open(cls, url: str, create: bool = True) -> ClaimStore:
        """Open (and on first use create) the claims database at ``url``.

        With ``create=False`` a database without claims tables (or a missing SQLite file) is an
        error instead. Raises :class:`SchemaVersionError` if the database has claims tables of
        another schema version, :class:`DatabaseError` if it cannot be reached or the URL is
        not supported.
        """
        sa_url = database_url(url)
        shown = sa_url.render_as_string(hide_password=True)
        if (
            not create
            and sa_url.get_backend_name() == "sqlite"
            and sa_url.database not in (None, "", ":memory:")
            and not Path(sa_url.database).is_file()
        ):
            raise DatabaseError(f"{shown}: no such database file")
        sa_url, connect_args = connect_options(sa_url)
        try:
            engine = create_engine(sa_url, pool_pre_ping=True, connect_args=connect_args)
        except (ArgumentError, ImportError) as exc:
            raise DatabaseError(f"{shown}: {exc}") from None
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _enable_sqlite_foreign_keys)
        store = cls(engine, shown)
        try:
            store._ensure_schema(create)
        except SQLAlchemyError as exc:
            engine.dispose()
            reason = _reason(exc)
            if "timeout expired" in reason and "connect_timeout" in connect_args:
                reason += (f" (no answer within {connect_args['connect_timeout']} s; "
                           f"wait longer with ?connect_timeout=SECONDS in the URL)")
            raise DatabaseError(f"{shown}: cannot open the database: {reason}") from exc
        except DatabaseError:
            engine.dispose()
            raise
        log.debug("opened %s", shown)
        return store

    def _ensure_schema(self, create: bool) -> None:
        with self._engine.begin() as conn:
            tables = set(inspect(conn).get_table_names())
            if not create and schema_meta.name not in tables:
                raise DatabaseError(f"{self.url}: not a claims database (no schema_meta table)")
            if schema_meta.name in tables:
                found = conn.execute(
                    select(schema_meta.c.value).where(schema_meta.c.key == "schema_version")
                ).scalar_one_or_none()
                if found != str(DB_SCHEMA_VERSION):
                    raise SchemaVersionError(self.url, found, DB_SCHEMA_VERSION)
            elif tables & {t.name for t in DATA_TABLES}:
                raise SchemaVersionError(self.url, None, DB_SCHEMA_VERSION)
            metadata.create_all(conn)
            if schema_meta.name not in tables:
                conn.execute(
                    self._insert(schema_meta).on_conflict_do_nothing(),
                    {"key": "schema_version", "value": str(DB_SCHEMA_VERSION)},
                )
                log.info("created claims schema version %s in %s", DB_SCHEMA_VERSION, self.url)

    def close(self) -> None:
        """Release the database connections."""
        self._engine.dispose()

    def __enter__(self) -> ClaimStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def replace_document(
        self, document: Document, claims: list[Claim], content_hash: str | None = None
    ) -> None:
        """Store ``document`` with exactly ``claims`` in one transaction.

        The document row is inserted or updated, its previous claims (and their child rows)
        deleted and ``claims`` inserted; on any failure nothing changes. Raises
        :class:`InputError` for a claim of another document or with an impossible date,
        :class:`DatabaseError` if the transaction fails.
        """
        doc_id = document.doc_id
        rows = []
        for claim in claims:
            if claim.doc_id != doc_id:
                raise InputError(
                    doc_id, None, f"claim {claim.claim_id} belongs to document {claim.doc_id!r}", doc_id
                )
            try:
                rows.append(claim_rows(claim, claim.model_dump_json()))
            except ValueError as exc:
                raise InputError(doc_id, None, f"claim {claim.claim_id}: {exc}", doc_id) from None
        doc = document_row(document, content_hash)
        upsert = self._insert(documents)
        upsert = upsert.on_conflict_do_update(
            index_elements=[documents.c.doc_id],
            set_={name: upsert.excluded[name] for name in doc if name != "doc_id"},
        )
        try:
            with self._engine.begin() as conn:
                conn.execute(upsert, doc)
                # the stored doc_id, cleaned as every row value is (PostgreSQL text holds no NUL)
                conn.execute(delete(claims_table).where(claims_table.c.doc_id == doc["doc_id"]))
                if rows:
                    conn.execute(claims_table.insert(), [r.claim for r in rows])
                    _insert_children(conn, rows)
        except (DataError, IntegrityError) as exc:
            raise DocumentNotStoredError(
                doc_id, f"{self.url}: document {doc_id!r} not stored (rolled back): {_reason(exc)}"
            ) from exc
        except SQLAlchemyError as exc:
            raise DatabaseError(
                f"{self.url}: document {doc_id!r} not replaced (rolled back): {_reason(exc)}"
            ) from exc
        log.debug("replaced document %s with %d claims", doc_id, len(rows))

    def load_jsonl(
        self,
        paths: Iterable[str | os.PathLike[str] | BinaryIO],
        batch_size: int = DEFAULT_BATCH_SIZE,
    ) -> LoadReport:
        """Load claim JSON Lines files (or binary streams), ``batch_size`` lines per transaction.

        Claims are upserted on ``claim_id`` (loading a file twice changes nothing); a document
        not yet in the database gets a row with only its ``doc_id`` and ``content_hash``. Claims
        of a document version (their ``doc_hash``) other than the stored one replace all of the
        document's stored claims, so the claims of the last extraction loaded are the document's
        only claims (an output appended to by ``--state`` runs loads as its current claims). A
        batch with an invalid
        line, or that the database refuses, is rolled back and reported with file and lines;
        the other batches stay. Raises :class:`InputError` before loading anything if a file
        does not exist.
        """
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, not {batch_size}")
        sources = [p if hasattr(p, "read") else Path(p) for p in paths]
        for source in sources:
            if isinstance(source, Path) and not source.is_file():
                raise InputError(str(source), None, "no such file")
        report = LoadReport()
        for source in sources:
            report.files += 1
            if isinstance(source, Path):
                name, opened = str(source), source.open("rb")
            else:
                name, opened = getattr(source, "name", "<stream>"), contextlib.nullcontext(source)
            with opened as fh:
                for batch in _read_batches(fh, batch_size):
                    report.lines += len(batch)
                    self._load_batch(name, batch, report)
        log.info(
            "loaded %s from %s, %s rolled back",
            plural(report.claims_loaded, "claim line"),
            plural(report.files, "file"),
            plural(len(report.failed), "batch"),
        )
        return report

    def _load_batch(self, path: str, batch: list[tuple[int, bytes]], report: LoadReport) -> None:
        first, last = batch[0][0], batch[-1][0]
        rows: list[ClaimRows] = []
        bad: list[tuple[int, str]] = []
        for number, raw in batch:
            try:
                rows.append(_claim_from_line(raw))
            except ValueError as exc:
                bad.append((number, str(exc)))
        if bad:
            failure = FailedBatch(path, first, last, f"{plural(len(bad), 'invalid line')}", tuple(bad))
        else:
            try:
                with self._engine.begin() as conn:
                    replaced = self._upsert(conn, rows)
            except SQLAlchemyError as exc:
                failure = FailedBatch(path, first, last, _reason(exc))
            else:
                report.batches_loaded += 1
                report.claims_loaded += len(rows)
                report.claims_replaced += replaced.claims
                report.documents_replaced |= replaced.documents
                return
        log.info("%s", "; ".join(failure.messages()))  # the report carries it to the caller
        report.failed.append(failure)
        report.lines_rejected += len(batch)

    def _upsert(self, conn: Connection, rows: list[ClaimRows]) -> _Replaced:
        """Upsert the claims of one batch and replace their child rows; a document's claims of
        another version than the last one in the batch are dropped, and its stored claims too
        when the stored version differs (see :meth:`load_jsonl`)."""
        latest = {r.claim["doc_id"]: r.doc_hash for r in rows}
        replaced = _Replaced()
        for r in rows:
            if r.doc_hash != latest[r.claim["doc_id"]]:
                replaced.add(r.claim["doc_id"])
        rows = [r for r in rows if r.doc_hash == latest[r.claim["doc_id"]]]
        # A claim_id repeated in the batch: the later line wins, the first keeps its place.
        unique = list({r.claim["claim_id"]: r for r in rows}.values())
        doc_ids = dict.fromkeys(r.claim["doc_id"] for r in unique)
        conn.execute(
            self._insert(documents).on_conflict_do_nothing(index_elements=[documents.c.doc_id]),
            [{"doc_id": d, "content_hash": latest[d]} for d in doc_ids],
        )
        versioned = [d for d in doc_ids if latest[d] is not None]
        stored = dict(conn.execute(
            select(documents.c.doc_id, documents.c.content_hash).where(documents.c.doc_id.in_(versioned))
        ).all()) if versioned else {}
        for doc_id, digest in stored.items():
            if digest == latest[doc_id]:
                continue
            if digest is not None:
                gone = conn.execute(delete(claims_table).where(claims_table.c.doc_id == doc_id)).rowcount
                replaced.add(doc_id, gone)
            conn.execute(documents.update().where(documents.c.doc_id == doc_id).values(content_hash=latest[doc_id]))
        table = claims_table
        upsert = self._insert(table)
        upsert = upsert.on_conflict_do_update(
            index_elements=[table.c.claim_id],
            set_={
                c.name: upsert.excluded[c.name]
                for c in table.columns
                if c.name not in ("seq", "claim_id")
            },
        )
        conn.execute(upsert, [r.claim for r in unique])
        ids = [r.claim["claim_id"] for r in unique]
        for child in CHILD_TABLES:
            conn.execute(delete(child).where(child.c.claim_id.in_(ids)))
        _insert_children(conn, unique)
        return replaced

    def export_jsonl(self, out: str | os.PathLike[str] | TextIO) -> int:
        """Write every claim as a JSON line, in load order, to a path or text stream.

        The lines are the ones loaded, byte for byte (claims stored by
        :meth:`replace_document` are written as ``Claim.model_dump_json()``), except that raw
        U+0085, U+2028 and U+2029 are written as JSON escapes, so each claim is one line. A path is written
        through a temporary file beside it, so a failed export leaves no partial file. Returns
        the number of claims written.
        """
        if not isinstance(out, (str, os.PathLike)):
            return self._write_claims(out)
        path = Path(out)
        tmp = path.with_name(f".{path.name}.tmp")
        try:
            with tmp.open("w", encoding="utf-8", newline="\n") as fh:
                count = self._write_claims(fh)
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        return count

    def _write_claims(self, fh: TextIO) -> int:
        table = claims_table
        count = 0
        try:
            with self._engine.connect() as conn:
                result = conn.execution_options(yield_per=1000).execute(
                    select(table.c.claim_json).order_by(table.c.seq)
                )
                for (line,) in result:
                    fh.write(one_line(line))
                    fh.write("\n")
                    count += 1
        except SQLAlchemyError as exc:
            raise DatabaseError(f"{self.url}: export failed: {_reason(exc)}") from exc
        return count

    def counts(self) -> dict[str, int]:
        """Row count of each data table, by table name."""
        try:
            with self._engine.connect() as conn:
                return {
                    t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                    for t in DATA_TABLES
                }
        except SQLAlchemyError as exc:
            raise DatabaseError(f"{self.url}: {_reason(exc)}") from exc

