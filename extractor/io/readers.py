"""Read input documents from files, directories and stdin, with the source and line of each.

Every record read is either a validated :class:`~extractor.models.Document` or a
:class:`Reject` that says where it came from and why it cannot be processed; nothing is
dropped silently. Accepted inputs (by suffix; directories are walked recursively in sorted
order, skipping hidden entries and files of other types):

* ``.json``: one document object;
* ``.jsonl`` / ``.ndjson``: one document object per line (blank lines are skipped);
* ``.txt``: the file's text, ``doc_id`` = the path relative to the argument, ``published`` from
  a dateline near the top of the text ("28 August 2024 06:46") or the fallback date;
* ``.html`` / ``.htm``: the article text, title and date extracted by trafilatura;
* ``.json.gz``, ``.jsonl.gz``, ``.ndjson.gz``: the same, gzip-compressed;
* ``-``: JSON Lines on standard input.

Files that extractor itself writes (claims output, rejects, run summaries, Dask manifests, SQLite
state) are recognised by their first record and skipped with a warning, never read as documents.

A JSON document with an ``html`` field and no ``text`` goes through trafilatura as well. Text is
kept exactly as given (CRLF, tabs, NUL characters, entities...): span offsets index it.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import logging
import os
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from pydantic import ValidationError

from ..errors import ExtractorError, InputError
from ..models import Document

log = logging.getLogger(__name__)

STDIN = "-"
STDIN_SOURCE = "<stdin>"
JSON_SUFFIXES = (".json",)
JSONL_SUFFIXES = (".jsonl", ".ndjson")
TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
GZIP_SUFFIX = ".gz"
#: gzip-compressed JSON and JSON Lines (``.jsonl.gz``...); text and HTML are read uncompressed only.
GZIP_SUFFIXES = tuple(s + GZIP_SUFFIX for s in JSON_SUFFIXES + JSONL_SUFFIXES)
SUFFIXES = JSON_SUFFIXES + JSONL_SUFFIXES + TEXT_SUFFIXES + HTML_SUFFIXES + GZIP_SUFFIXES
#: How much of a JSON file is parsed to tell a file extractor wrote from a document.
SNIFF_JSON_BYTES = 1_048_576
#: How many leading bytes are inspected to tell a binary file from text.
SNIFF_BYTES = 8192
#: Where a dateline of a plain-text article is looked for: short lines among its first characters.
DATELINE_SCAN_CHARS = 2000
DATELINE_MAX_LINE = 120


class InputPathError(ExtractorError):
    """A command-line input argument cannot be used at all (missing, or of an unknown type)."""


class Reject(InputError):
    """One input record that cannot be processed.

    ``kind`` is one of ``invalid_json``, ``no_text``, ``not_utf8``, ``binary``, ``too_long``,
    ``invalid_document``, ``not_a_document`` (a line extractor wrote: a claim or a reject),
    ``unreadable``, ``duplicate_doc_id``, ``extraction_failed`` or ``not_stored`` (the database
    refused the document).
    """

    def __init__(self, source: str, line: int | None, kind: str, reason: str, doc_id: str | None = None):
        self.kind = kind
        super().__init__(source, line, reason, doc_id)

    def to_dict(self) -> dict[str, Any]:
        """The line written to the rejects file."""
        return {"source": self.source, "line": self.line, "doc_id": self.doc_id, "kind": self.kind, "reason": self.reason}

    def message(self) -> str:
        """One line for humans: ``source:line: reason`` plus the doc_id when known."""
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        who = f" (doc_id {self.doc_id!r})" if self.doc_id is not None else ""
        return f"{where}{who}: {self.reason}"


@dataclass(frozen=True)
class ReadOptions:
    """How documents are read: a fallback publication date and a size limit (characters)."""

    published: str | None = None
    max_chars: int | None = None


@dataclass(frozen=True)
class Record:
    """One thing read: a document or a reject, with where it came from.

    ``from_html`` is true when the text was extracted from HTML (it must then be published
    beside the claims, since offsets index the extracted text).
    """

    source: str
    line: int | None
    document: Document | None = None
    reject: Reject | None = None
    from_html: bool = False


@dataclass(frozen=True)
class InputFile:
    """A file to read: ``source`` is how messages name it, ``doc_id`` the id of a .txt/.html file."""

    path: Path
    source: str
    doc_id: str
    kind: str

    @property
    def compressed(self) -> bool:
        """Whether the file is gzip-compressed (``.json.gz``, ``.jsonl.gz``, ``.ndjson.gz``)."""
        return self.path.name.lower().endswith(GZIP_SUFFIX)

    def open(self) -> IO[bytes]:
        """The file's bytes, decompressed if it is gzip-compressed (a buffered reader with ``peek``)."""
        if self.compressed:
            return io.BufferedReader(gzip.open(self.path, "rb"))  # type: ignore[arg-type]
        return open(self.path, "rb")


#: What a damaged gzip file raises while it is read.
GZIP_ERRORS = (OSError, EOFError, zlib.error)


def input_kind(path: str | os.PathLike) -> str | None:
    """``json``, ``jsonl``, ``txt`` or ``html`` from a file name's suffix (``.json.gz`` and
    ``.jsonl.gz`` are ``json`` and ``jsonl``); None if unsupported."""
    name = Path(path).name.lower()
    if name.endswith(GZIP_SUFFIX):
        inner = Path(name[: -len(GZIP_SUFFIX)]).suffix
        return "json" if inner in JSON_SUFFIXES else "jsonl" if inner in JSONL_SUFFIXES else None
    suffix = Path(name).suffix
    for kind, suffixes in (("json", JSON_SUFFIXES), ("jsonl", JSONL_SUFFIXES), ("txt", TEXT_SUFFIXES), ("html", HTML_SUFFIXES)):
        if suffix in suffixes:
            return kind
    return None


def expand_inputs(
    arguments: Iterable[str], exclude: Iterable[str | os.PathLike] = (), *, log_skipped: bool = True
) -> list[InputFile | str]:
    """Resolve command-line arguments into the files to read, in order (``"-"`` stays as is).

    Directories are walked recursively in sorted order (hidden entries and files of other types
    are skipped, as are the run's own ``exclude`` files and files extractor wrote, see
    :func:`extractor_file`; each of those is logged as a warning). Raises :class:`InputPathError`
    for a missing path, an explicitly named file of an unsupported type, or when no file
    to read is left.
    """
    arguments = list(arguments)
    excluded = {os.path.realpath(p) for p in exclude}
    found: list[InputFile | str] = []
    for arg in arguments:
        if arg == STDIN:
            found.append(STDIN)
            continue
        path = Path(arg)
        if path.is_dir():
            found.extend(_walk(path, arg, excluded))
        elif path.is_file():
            kind = input_kind(path)
            if kind is None:
                raise InputPathError(
                    f"{arg}: unsupported input type {path.suffix or '(no suffix)'!r}; "
                    f"expected {', '.join(SUFFIXES)}, a directory or -"
                )
            found.append(InputFile(path, arg, path.name, kind))
        elif path.exists():
            raise InputPathError(f"{arg}: not a regular file or directory")
        else:
            raise InputPathError(f"{arg}: no such file or directory")
    kept: list[InputFile | str] = []
    for item in found:
        what = None if isinstance(item, str) else extractor_file(item)
        if what is None:
            kept.append(item)
        elif log_skipped:
            log.warning("skipping %s: %s, not documents", item.source, what)
    if not kept:
        where = ", ".join(arguments)
        raise InputPathError(
            f"no documents to read in {where}: inputs are {', '.join(SUFFIXES)} files, directories of them, "
            f"or - for JSON Lines on standard input"
        )
    return kept


def count_documents(items: Iterable[InputFile | str]) -> int | None:
    """How many records the expanded inputs hold (non-blank lines of JSON Lines files, one per
    other file); None when standard input is among them. Unreadable files count as one."""
    total = 0
    for item in items:
        if isinstance(item, str):
            return None
        if item.kind != "jsonl":
            total += 1
            continue
        try:
            with item.open() as fh:
                total += sum(1 for raw in fh if raw.strip())
        except GZIP_ERRORS:
            total += 1
    return total


def extractor_file(item: InputFile) -> str | None:
    """What a file extractor wrote is (``"an extractor run summary (--stats)"``...), or None.

    Told by content, whatever the file is called: claim lines (``claim_id`` and
    ``schema_version``), reject lines (``source``, ``line``, ``doc_id``, ``kind``, ``reason``), a
    run summary (``--stats``), a Dask manifest, or a SQLite database (a ``--state`` file). A file
    that cannot be read is left to the reader, which rejects it.
    """
    try:
        with item.open() as fh:
            if _is_sqlite(fh.peek(100)[:100]):
                return "a SQLite database (an extractor --state file)"
            if item.kind == "jsonl":
                first = b""
                for raw in fh:
                    if raw.strip():
                        first = raw[:SNIFF_JSON_BYTES]
                        break
            elif item.kind == "json":
                first = fh.read(SNIFF_JSON_BYTES + 1)
                if len(first) > SNIFF_JSON_BYTES:
                    return None
            else:
                return None
    except GZIP_ERRORS:
        return None
    try:
        obj = json.loads(first.removeprefix(b"\xef\xbb\xbf"))
    except (ValueError, RecursionError):  # the reader rejects what the parser refuses
        return None
    if item.kind == "json":
        return _extractor_json(obj)
    what = _extractor_record(obj)
    return None if what is None else f"extractor output (its first line is {what})"


def _is_sqlite(header: bytes) -> bool:
    """Whether ``header`` (a file's first 100 bytes) is a SQLite database header: the magic string
    and the fields whose values the file format fixes (page size a power of two from 512 to 65536,
    file format versions 1 or 2, payload fractions 64/32/32), so that a text line that merely
    starts with the magic string is read, and rejected, like any other line."""
    if len(header) < 100 or not header.startswith(b"SQLite format 3\x00"):
        return False
    page = int.from_bytes(header[16:18], "big")
    page = 65536 if page == 1 else page
    return (512 <= page <= 65536 and page & (page - 1) == 0 and header[18] in (1, 2)
            and header[19] in (1, 2) and header[21:24] == b"\x40\x20\x20")


#: The keys of a line of a rejects file (``--rejects``, Dask ``part-*.rejects.jsonl``).
REJECT_KEYS = frozenset({"source", "line", "doc_id", "kind", "reason"})


def _extractor_record(obj: Any) -> str | None:
    """What one JSON record written by extractor is, or None (a document, or anything else)."""
    if not isinstance(obj, dict):
        return None
    if "claim_id" in obj and "schema_version" in obj:
        return "an extractor claim (it has claim_id and schema_version)"
    if set(obj) == REJECT_KEYS:
        return "an extractor reject (source, line, doc_id, kind, reason)"
    return None


def _extractor_json(obj: Any) -> str | None:
    if not isinstance(obj, dict):
        return None
    if "documents_read" in obj and "status" in obj:
        return "an extractor run summary (--stats)"
    if "partitions" in obj and "settings" in obj:
        return "an extractor Dask manifest"
    what = _extractor_record(obj)
    return None if what is None else f"extractor output ({what})"


def _walk(root: Path, arg: str, excluded: set[str]) -> list[InputFile]:
    files = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            full = Path(dirpath, name)
            kind = input_kind(name)
            if name.startswith(".") or kind is None or os.path.realpath(full) in excluded:
                if kind is None and not name.startswith("."):
                    log.debug("skipping %s: not an input type", full)
                continue
            rel = full.relative_to(root).as_posix()
            files.append(InputFile(full, os.path.join(arg, rel), rel, kind))
    files.sort(key=lambda f: f.doc_id.split("/"))
    return files


def read_inputs(
    arguments: Iterable[str],
    options: ReadOptions = ReadOptions(),
    *,
    stdin: IO[bytes] | None = None,
    exclude: Iterable[str | os.PathLike] = (),
) -> Iterator[Record]:
    """Stream the records of all inputs, in argument order (see the module docstring)."""
    yield from read_expanded(expand_inputs(arguments, exclude), options, stdin=stdin)


def read_expanded(
    items: Iterable[InputFile | str], options: ReadOptions = ReadOptions(), *, stdin: IO[bytes] | None = None
) -> Iterator[Record]:
    """Stream the records of inputs already expanded by :func:`expand_inputs`."""
    for item in items:
        if isinstance(item, str):
            if stdin is None:
                raise InputPathError("'-' given but no standard input is available")
            yield from read_jsonl_stream(stdin, STDIN_SOURCE, options)
        else:
            yield from read_file(item, options)


def read_file(item: InputFile, options: ReadOptions) -> Iterator[Record]:
    """Records of one input file; a file that cannot be read at all gives one reject."""
    if item.compressed:
        yield from _read_gzip_file(item, options)
        return
    try:
        if item.kind == "jsonl":
            with open(item.path, "rb") as fh:
                yield from _read_jsonl_file(fh, item, options)
            return
        limit = _byte_limit(options.max_chars, item.kind)
        if limit is not None and item.path.stat().st_size > limit:
            yield _too_long_file(item, options)
            return
        data = item.path.read_bytes()
    except OSError as exc:
        yield _rejected(item.source, None, "unreadable", f"cannot read file: {exc.strerror or exc}")
        return
    yield from _file_records(data, item, options)


def _read_jsonl_file(fh: IO[bytes], item: InputFile, options: ReadOptions) -> Iterator[Record]:
    if looks_binary(fh.peek(SNIFF_BYTES)[:SNIFF_BYTES]):  # type: ignore[attr-defined]
        yield _rejected(item.source, None, "binary", "binary file, not JSON Lines")
        return
    yield from read_jsonl_stream(fh, item.source, options)


def _read_gzip_file(item: InputFile, options: ReadOptions) -> Iterator[Record]:
    """Records of a ``.json.gz`` / ``.jsonl.gz`` file; a damaged archive ends in an ``unreadable``
    reject naming the line it stopped at (the records before it are kept)."""
    line: int | None = None
    try:
        with item.open() as fh:
            if item.kind == "jsonl":
                for record in _read_jsonl_file(fh, item, options):
                    line = record.line
                    yield record
                return
            limit = _byte_limit(options.max_chars, item.kind)
            data = fh.read() if limit is None else fh.read(limit + 1)
    except GZIP_ERRORS as exc:
        after = f" after line {line}" if line is not None else ""
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc) or type(exc).__name__
        yield _rejected(item.source, None, "unreadable", f"cannot decompress{after}: {reason}".replace("\n", " "))
        return
    if limit is not None and len(data) > limit:
        yield _too_long_file(item, options)
        return
    yield from _file_records(data, item, options)


def _too_long_file(item: InputFile, options: ReadOptions) -> Record:
    return _rejected(item.source, None, "too_long", f"file is over --max-chars ({options.max_chars} characters)")


def _file_records(data: bytes, item: InputFile, options: ReadOptions) -> Iterator[Record]:
    """The record of a whole ``.json``, ``.txt`` or ``.html`` file's bytes."""
    if looks_binary(data[:SNIFF_BYTES]):
        yield _rejected(item.source, None, "binary", "binary file, not text")
        return
    if item.kind == "html":
        yield _html_record(data, item, options)
        return
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        yield _rejected(item.source, _line_of(data, exc.start), "not_utf8", _utf8_reason(data, exc))
        return
    if item.kind == "json":
        try:
            obj = parse_json(text)
        except InvalidJson as exc:
            yield _rejected(item.source, exc.line, "invalid_json", exc.reason)
            return
        yield document_record(obj, item.source, None, options)
        return
    published = find_dateline(text) or options.published
    yield document_record({"doc_id": item.doc_id, "text": text, "published": published}, item.source, None, options)


def read_jsonl_stream(stream: IO[bytes], source: str, options: ReadOptions) -> Iterator[Record]:
    """Records of a JSON Lines byte stream, one per non-blank line (line numbers from 1)."""
    limit = None if options.max_chars is None else 12 * options.max_chars + 1_048_576
    for lineno, raw in enumerate(stream, start=1):
        if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        if not raw.strip():
            continue
        if limit is not None and len(raw) > limit:
            yield _rejected(source, lineno, "too_long", f"line is over --max-chars ({options.max_chars} characters)")
            continue
        try:
            line = raw.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError as exc:
            yield _rejected(source, lineno, "not_utf8", _utf8_reason(raw, exc, column=True))
            continue
        try:
            obj = parse_json(line)
        except InvalidJson as exc:
            yield _rejected(source, lineno, "invalid_json", exc.reason)
            continue
        yield document_record(obj, source, lineno, options)


class InvalidJson(ValueError):
    """Text that is not JSON this reader accepts; ``line`` is 1-based within the text, if known."""

    def __init__(self, reason: str, line: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.line = line


#: Arrays and objects nested deeper than this are refused. Python's parser fails on nesting
#: that reaches the recursion limit, which depends on how deep the call stack already is (a
#: Dask worker's is deeper): a fixed limit well below it makes every engine accept the same.
MAX_JSON_DEPTH = 500
_JSON_NESTING = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def json_depth(text: str) -> int:
    """How deeply arrays and objects nest in JSON text (brackets inside strings do not count)."""
    depth = deepest = 0
    for m in _JSON_NESTING.finditer(text):
        c = m.group()
        if c in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif c in "]}":
            depth -= 1
    return deepest


def parse_json(text: str) -> Any:
    """``json.loads`` whose every failure is an :class:`InvalidJson` with a one-line reason.

    Besides syntax errors, Python's parser refuses integers of more than
    ``sys.get_int_max_str_digits()`` digits (``ValueError``); nesting deeper than
    :data:`MAX_JSON_DEPTH` is refused here (and would otherwise hit the recursion limit). Both
    are properties of one input, not of the run.
    """
    if text.count("[") + text.count("{") > MAX_JSON_DEPTH and json_depth(text) > MAX_JSON_DEPTH:
        raise InvalidJson(f"invalid JSON: arrays or objects nested more than {MAX_JSON_DEPTH} levels deep")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidJson(f"invalid JSON: {exc.msg} (column {exc.colno})", exc.lineno) from None
    except RecursionError:  # pragma: no cover  (a call stack already near the recursion limit)
        raise InvalidJson("invalid JSON: arrays or objects nested too deeply") from None
    except ValueError as exc:  # an integer too long to convert
        reason = str(exc).split(";")[0]
        raise InvalidJson(f"invalid JSON: number too large: {reason}") from None


def document_record(obj: Any, source: str, line: int | None, options: ReadOptions) -> Record:
    """Validate one parsed JSON value as a document (``html`` is extracted when there is no text)."""
    if not isinstance(obj, dict):
        return _rejected(source, line, "invalid_document", f"expected a JSON object, got {_json_type(obj)}")
    what = _extractor_record(obj)
    if what is not None:
        return _rejected(source, line, "not_a_document", f"{what}, not a document")
    for key in ("doc_id", "text", "html", "published", "title", "source_name", "url"):
        value = obj.get(key)
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as exc:
                return _rejected(
                    source, line, "invalid_document",
                    f"{key}: unpaired surrogate \\u{ord(value[exc.start]):04x} at character {exc.start + 1} "
                    f"is not valid Unicode",
                )
    raw_id = obj.get("doc_id")
    doc_id = str(raw_id) if isinstance(raw_id, (str, int)) and not isinstance(raw_id, bool) and raw_id != "" else None
    from_html = False
    text = obj.get("text")
    if "html" in obj and not (isinstance(text, str) and text.strip()):
        html = obj["html"]
        if not isinstance(html, str):
            return _rejected(source, line, "invalid_document", f"html: expected a string, got {_json_type(html)}", doc_id)
        article = html_to_article(html)
        if article is None:
            return _rejected(source, line, "no_text", "no article text found in the HTML", doc_id)
        obj = {**article.fields(), **{k: v for k, v in obj.items() if v not in (None, "")}, "text": article.text}
        from_html = True
    if not obj.get("published") and options.published:
        obj = {**obj, "published": options.published}
    text = obj.get("text")
    if options.max_chars is not None and isinstance(text, str) and len(text) > options.max_chars:
        return _rejected(
            source, line, "too_long", f"text has {len(text)} characters, over --max-chars {options.max_chars}", doc_id
        )
    try:
        document = Document.model_validate(obj)
    except ValidationError as exc:
        kind = "no_text" if any(err["loc"][:1] == ("text",) for err in exc.errors()) else "invalid_document"
        return _rejected(source, line, kind, validation_reason(exc), doc_id)
    return Record(source, line, document=document, from_html=from_html)


def validation_reason(exc: ValidationError) -> str:
    """A pydantic validation error as one line: ``field: message; field: message``."""
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "document"
        msg = err["msg"].removeprefix("Value error, ")
        parts.append(f"{where}: {msg}")
    return "invalid document: " + "; ".join(parts).replace("\n", " ")


@dataclass(frozen=True)
class HtmlArticle:
    """What trafilatura finds in an HTML page."""

    text: str
    title: str | None
    published: str | None
    source_name: str | None
    url: str | None

    def fields(self) -> dict[str, str]:
        """The document fields found besides the text (only those present)."""
        found = {"title": self.title, "published": self.published, "source_name": self.source_name, "url": self.url}
        return {k: v for k, v in found.items() if v}


def html_to_article(html: str | bytes) -> HtmlArticle | None:
    """Extract the main text, title, date, site name and URL of a page; None if it has no text."""
    import trafilatura

    result = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    if result is None or not (result.text or "").strip():
        return None
    published = result.date if result.date and re.fullmatch(r"\d{4}-\d{2}-\d{2}", result.date) else None
    return HtmlArticle(result.text, result.title or None, published, result.sitename or None, result.url or None)


def _html_record(data: bytes, item: InputFile, options: ReadOptions) -> Record:
    article = html_to_article(data)
    if article is None:
        return _rejected(item.source, None, "no_text", "no article text found in the HTML")
    published = article.published or find_dateline(article.text) or options.published
    obj = {**article.fields(), "doc_id": item.doc_id, "text": article.text, "published": published}
    record = document_record(obj, item.source, None, options)
    return Record(record.source, record.line, record.document, record.reject, from_html=record.document is not None)


_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
            ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
            ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = "(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DATELINE_PATTERNS = (
    (re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH}\s+(\d{{4}})\b", re.I), ("day", "month", "year")),
    (re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I), ("month", "day", "year")),
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})(?!\d)"), ("year", "month", "day")),
)


def find_dateline(text: str) -> str | None:
    """The ISO date of a dateline: a short line near the top holding a full date, else None.

    Recognised: "28 August 2024 06:46", "Aug. 28, 2024", "2024-08-28" (any surrounding words,
    such as "Published" or a place name, are allowed on that line).
    """
    for line in text[:DATELINE_SCAN_CHARS].splitlines():
        if len(line.strip()) > DATELINE_MAX_LINE:
            continue
        for pattern, order in _DATELINE_PATTERNS:
            for m in pattern.finditer(line):
                parts = dict(zip(order, m.groups()))
                month = parts["month"]
                try:
                    date = dt.date(
                        int(parts["year"]),
                        int(month) if month.isdigit() else _MONTHS[month.lower()],
                        int(parts["day"]),
                    )
                except ValueError:
                    continue
                return date.isoformat()
    return None


def looks_binary(head: bytes) -> bool:
    """Whether the first bytes of a file look like binary data rather than text.

    Text may hold a stray NUL or control character; binary data is told by NUL bytes in
    something that is not UTF-8 or is dense in control characters (UTF-16, images, archives).
    """
    if not head:
        return False
    controls = sum(1 for b in head if (b < 32 and b not in (9, 10, 12, 13)) or b == 127)
    ratio = controls / len(head)
    if b"\x00" in head and (ratio > 0.1 or not _utf8_prefix(head)):
        return True
    return ratio > 0.3


def _utf8_prefix(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.reason == "unexpected end of data"
    return True


def _byte_limit(max_chars: int | None, kind: str) -> int | None:
    """File sizes above which a file cannot be within ``max_chars`` (UTF-8: at most 4 bytes a
    character; JSON escapes up to 12 bytes; HTML markup is allowed 16 bytes a character)."""
    if max_chars is None:
        return None
    return max_chars * {"txt": 4, "json": 12, "html": 16}[kind] + 1_048_576 * (kind != "txt")


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _utf8_reason(data: bytes, exc: UnicodeDecodeError, column: bool = False) -> str:
    where = f" at column {exc.start + 1}" if column else ""
    return f"not UTF-8: invalid byte 0x{data[exc.start]:02x}{where}"


def _json_type(value: Any) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(value), "number")


def _rejected(source: str, line: int | None, kind: str, reason: str, doc_id: str | None = None) -> Record:
    return Record(source, line, reject=Reject(source, line, kind, reason, doc_id))


@dataclass(frozen=True)
class JsonLine:
    """One non-blank line of a JSON Lines text: its number and object, or why it is none."""

    line: int
    obj: dict[str, Any] | None = None
    error: str | None = None


def json_objects(lines: Iterable[str]) -> Iterator[JsonLine]:
    """The JSON objects of JSON Lines text (claims, gold claims), line by line; a line that is
    not valid JSON or not an object gives its reason instead. Blank lines are skipped."""
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield JsonLine(lineno, error=f"invalid JSON: {exc.msg} (column {exc.colno})")
            continue
        if not isinstance(obj, dict):
            yield JsonLine(lineno, error="expected a JSON object")
            continue
        yield JsonLine(lineno, obj)
