"""Crash-safe JSON Lines output: atomic files, appending files with a durable commit point, streams.

Every sink takes bytes with :meth:`write`, makes what was written durable with :meth:`sync`
(returning the committed size of an appending file), and ends with :meth:`close` (``ok=False``
throws away an atomic file's content and leaves the old file untouched).
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path
from typing import IO, Any, Protocol

log = logging.getLogger(__name__)


class Sink(Protocol):
    """Where output bytes go."""

    def write(self, data: bytes) -> None: ...

    def sync(self) -> int | None: ...

    def close(self, ok: bool = True) -> None: ...


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def fsync_dir(path: Path) -> None:
    """Make a rename or a new file in ``path``'s directory durable."""
    fd = os.open(path.parent if str(path.parent) else ".", os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class AtomicFile:
    """A file written to a hidden temporary file beside ``path`` and renamed over it on close.

    Readers of ``path`` only ever see the old file or the complete new one.
    """

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp")
        os.fchmod(fd, 0o666 & ~_umask())
        self._tmp = Path(tmp)
        self._fh: IO[bytes] = os.fdopen(fd, "wb")

    def write(self, data: bytes) -> None:
        self._fh.write(data)

    def sync(self) -> None:
        """Nothing is durable before :meth:`close`: the file appears whole or not at all."""
        return None

    def close(self, ok: bool = True) -> None:
        if self._fh.closed:
            return
        if not ok:
            self._fh.close()
            self._tmp.unlink(missing_ok=True)
            return
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._fh.close()
        os.replace(self._tmp, self.path)
        fsync_dir(self.path)


class AppendFile:
    """A file appended to in whole batches; :meth:`sync` flushes, fsyncs and returns its size.

    :meth:`truncate` cuts off a tail left by an interrupted run (data past the last size that
    was recorded as committed).
    """

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        existed = self.path.exists()
        self._fh: IO[bytes] = open(self.path, "ab")
        if not existed:
            fsync_dir(self.path)

    @property
    def size(self) -> int:
        """Bytes in the file, including written but not yet synced data."""
        self._fh.flush()
        return os.fstat(self._fh.fileno()).st_size

    def truncate(self, size: int) -> None:
        self._fh.flush()
        os.ftruncate(self._fh.fileno(), size)
        os.fsync(self._fh.fileno())

    def write(self, data: bytes) -> None:
        self._fh.write(data)

    def sync(self) -> int:
        self._fh.flush()
        os.fsync(self._fh.fileno())
        return os.fstat(self._fh.fileno()).st_size

    def close(self, ok: bool = True) -> None:
        if not self._fh.closed:
            self._fh.flush()
            os.fsync(self._fh.fileno())
            self._fh.close()


class StreamSink:
    """A byte stream such as standard output: flushed on every :meth:`sync`, never closed."""

    def __init__(self, stream: IO[bytes]):
        self._stream = stream

    def write(self, data: bytes) -> None:
        self._stream.write(data)

    def sync(self) -> None:
        self._stream.flush()
        return None

    def close(self, ok: bool = True) -> None:
        self._stream.flush()


#: The characters :meth:`str.splitlines` breaks a line at that JSON leaves unescaped in a
#: string (the others, ``\n \r \v \f \x1c \x1d \x1e``, are control characters JSON escapes).
_LINE_BREAKS = {"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_LINE_BREAK_TABLE = str.maketrans(_LINE_BREAKS)


def jsonl_text(text: str) -> bytes:
    """One line of JSON text as bytes, newline-terminated, with the line separators of Unicode
    (U+0085, U+2028, U+2029) written as ``\\uXXXX`` escapes: any line-based reader
    (``str.splitlines``, editors, JavaScript) sees one record per line, and ``json.loads``
    gives back the same values. ``text`` must be compact JSON (no raw newline)."""
    return text.translate(_LINE_BREAK_TABLE).encode("utf-8") + b"\n"


def json_line(obj: Any) -> bytes:
    """One JSON Lines record: compact, UTF-8 (line separators escaped), key order as given."""
    return jsonl_text(json.dumps(obj, ensure_ascii=False, separators=(",", ":")))


def write_atomic(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically: the old file stays until the new one is complete."""
    out = AtomicFile(path)
    try:
        out.write(data)
    except BaseException:
        out.close(ok=False)
        raise
    out.close()


def write_json_atomic(path: str | os.PathLike, obj: Any) -> None:
    """Write ``obj`` as pretty JSON to ``path`` atomically."""
    write_atomic(path, json.dumps(obj, indent=2, ensure_ascii=False).encode("utf-8") + b"\n")
