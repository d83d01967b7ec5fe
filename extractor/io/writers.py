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
from collections.abc import Iterator
from contextlib import contextmanager
from glob import escape as glob_escape
from pathlib import Path
from typing import IO, Any, Protocol

from ..errors import ExtractorError

log = logging.getLogger(__name__)


class OutputError(ExtractorError):
    """An output file cannot be written; the message names the file and what failed (a full
    disk, a read-only place...). Nothing half-written is left: an atomic file's temporary file
    is removed, an appended file keeps its last committed size."""

    def __init__(self, path: str | os.PathLike, action: str, exc: OSError):
        self.path, self.action = str(path), action
        self.reason = exc.strerror or str(exc)
        super().__init__(f"{path}: cannot {action}: {self.reason}")


@contextmanager
def failing_as(path: str | os.PathLike, action: str) -> Iterator[None]:
    """Raise an ``OSError`` of the block as an :class:`OutputError` naming ``path`` and ``action``."""
    try:
        yield
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise OutputError(path, action, exc) from exc


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


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def remove_stale_temporaries(path: str | os.PathLike, *, own: bool = False) -> list[Path]:
    """Delete the temporary files of ``path`` (``.NAME.PID.XXXX.tmp``) left by a process that no
    longer runs (killed with SIGKILL, or the machine went down), and with ``own`` those of this
    process (a run cleaning up after itself, whatever interrupted it); return them. Those of
    another running process are left alone."""
    path = Path(path)
    removed = []
    try:
        candidates = list(path.parent.glob(f".{glob_escape(path.name)}.*.tmp"))
    except OSError:
        return removed
    for tmp in candidates:
        pid = tmp.name[len(path.name) + 2:].split(".", 1)[0]
        if pid.isdigit() and ((own and int(pid) == os.getpid()) or not _pid_alive(int(pid))):
            try:
                tmp.unlink()
            except OSError as exc:
                log.warning("%s: cannot remove a stale temporary file: %s", tmp, exc.strerror or exc)
                continue
            if not own:
                log.info("removed %s, left by a run that was killed", tmp)
            removed.append(tmp)
    return removed


class AtomicFile:
    """A file written to a hidden temporary file beside ``path`` and renamed over it on close.

    Readers of ``path`` only ever see the old file or the complete new one. The temporary file
    (``.NAME.PID.XXXX.tmp``) is removed when anything fails; one left by a killed process is
    removed by the next :class:`AtomicFile` of the same path. Errors are :class:`OutputError`.
    """

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        remove_stale_temporaries(self.path)
        with failing_as(self.path, f"create a temporary file in {self.path.parent or '.'}"):
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.{os.getpid()}.", suffix=".tmp")
        self._tmp = Path(tmp)
        self._done = False
        try:
            os.fchmod(fd, 0o666 & ~_umask())
            self._fh: IO[bytes] = os.fdopen(fd, "wb")
        except BaseException:
            os.close(fd)
            self._tmp.unlink(missing_ok=True)
            raise

    def write(self, data: bytes) -> None:
        try:
            with failing_as(self.path, "write"):
                self._fh.write(data)
        except OutputError:
            self.close(ok=False)
            raise

    def sync(self) -> None:
        """Nothing is durable before :meth:`close`: the file appears whole or not at all."""
        return None

    def prepare(self) -> None:
        """Make the content durable in the temporary file (the first step of :meth:`close`), so
        several files can all be written before any is renamed into place."""
        if self._fh.closed:
            return
        try:
            with failing_as(self.path, "write"):
                self._fh.flush()
                os.fsync(self._fh.fileno())
                self._fh.close()
        except BaseException:
            self._discard()
            raise

    def close(self, ok: bool = True) -> None:
        if self._done:
            return
        if not ok:
            self._discard()
            return
        self.prepare()
        try:
            with failing_as(self.path, "rename the complete temporary file into place"):
                os.replace(self._tmp, self.path)
        except BaseException:
            self._discard()
            raise
        self._done = True
        with failing_as(self.path.parent, "sync the directory"):
            fsync_dir(self.path)

    def _discard(self) -> None:
        self._done = True
        try:
            self._fh.close()
        except OSError:  # the data is thrown away: a failing flush does not matter
            pass
        self._tmp.unlink(missing_ok=True)


class AppendFile:
    """A file appended to in whole batches; :meth:`sync` flushes, fsyncs and returns its size.

    :meth:`truncate` cuts off a tail left by an interrupted run (data past the last size that
    was recorded as committed). Errors are :class:`OutputError`.
    """

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        existed = self.path.exists()
        with failing_as(self.path, "open for appending"):
            self._fh: IO[bytes] = open(self.path, "ab")
        if not existed:
            with failing_as(self.path.parent, "sync the directory"):
                fsync_dir(self.path)

    @property
    def size(self) -> int:
        """Bytes in the file, including written but not yet synced data."""
        with failing_as(self.path, "write"):
            self._fh.flush()
            return os.fstat(self._fh.fileno()).st_size

    def truncate(self, size: int) -> None:
        with failing_as(self.path, f"cut back to {size} bytes"):
            self._fh.flush()
            os.ftruncate(self._fh.fileno(), size)
            os.fsync(self._fh.fileno())

    def write(self, data: bytes) -> None:
        with failing_as(self.path, "write"):
            self._fh.write(data)

    def sync(self) -> int:
        with failing_as(self.path, "write"):
            self._fh.flush()
            os.fsync(self._fh.fileno())
            return os.fstat(self._fh.fileno()).st_size

    def close(self, ok: bool = True) -> None:
        if not self._fh.closed:
            try:
                with failing_as(self.path, "write"):
                    self._fh.flush()
                    os.fsync(self._fh.fileno())
            finally:
                try:
                    self._fh.close()
                except OSError:  # the flush above already failed and said so
                    pass


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


def one_line(text: str) -> str:
    """Compact JSON text with U+0085, U+2028 and U+2029 written as ``\\uXXXX`` escapes (the same
    JSON values), so that no line-based reader splits it (see :func:`jsonl_text`)."""
    for char, escape in _LINE_BREAKS.items():
        if char in text:  # rare: a substring search is much faster than translate() on every line
            text = text.replace(char, escape)
    return text


def jsonl_text(text: str) -> bytes:
    """One line of JSON text as bytes, newline-terminated, with the line separators of Unicode
    (U+0085, U+2028, U+2029) written as ``\\uXXXX`` escapes: any line-based reader
    (``str.splitlines``, editors, JavaScript) sees one record per line, and ``json.loads``
    gives back the same values. ``text`` must be compact JSON (no raw newline)."""
    return one_line(text).encode("utf-8") + b"\n"


def json_line(obj: Any) -> bytes:
    """One JSON Lines record: compact, UTF-8 (line separators escaped), key order as given."""
    return jsonl_text(json.dumps(obj, ensure_ascii=False, separators=(",", ":")))


def write_atomic(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (an :class:`OutputError` leaves the old file)."""
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
