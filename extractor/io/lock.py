"""One run at a time: an exclusive lock per output (or state), held for the life of a run.

The lock is a ``filelock.FileLock`` (``flock`` on Linux and macOS, ``msvcrt`` locking on Windows),
so it works on every platform and is released by the operating system when the process dies,
even on ``kill -9``. Lock files live in one lock directory, not beside the outputs:
``$EXTRACTOR_LOCK_DIR`` if set, else ``extractor-locks-<user>`` in the system's temporary
directory (``/tmp`` on Linux). Each is named by the SHA-256 of the *resolved* path of what it
protects, so ``out.jsonl``, ``./out.jsonl`` and a symlink to it share one lock. Beside it, a
``.pid`` file holds the pid of the run that has it (for the message another run prints); it is
removed when the run ends. Runs of different users on the same files need a shared
``EXTRACTOR_LOCK_DIR`` that all of them can write.
"""

from __future__ import annotations

import getpass
import hashlib
import os
import tempfile
from pathlib import Path

from ..errors import ExtractorError
from .writers import failing_as

LOCK_DIR_ENV = "EXTRACTOR_LOCK_DIR"


class LockBusyError(ExtractorError):
    """Another run holds the lock; nothing was written."""


def lock_dir() -> Path:
    """Where lock files live (see the module docstring)."""
    configured = os.environ.get(LOCK_DIR_ENV)
    if configured:
        return Path(configured)
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (containers)
        user = str(os.getuid()) if hasattr(os, "getuid") else "user"
    return Path(tempfile.gettempdir()) / f"extractor-locks-{user}"


class RunLock:
    """Hold the lock of ``target`` exclusively for the life of the context (non-blocking).

    Raises :class:`LockBusyError` when another run holds it, naming ``target`` and that run's pid.
    """

    def __init__(self, target: str | os.PathLike):
        self.target = Path(target)
        self._shown = os.fspath(target)  # as given, for the message
        key = hashlib.sha256(os.path.realpath(target).encode("utf-8", "surrogateescape")).hexdigest()[:32]
        directory = lock_dir()
        self.path = directory / f"{key}.lock"
        self.pid_path = directory / f"{key}.pid"
        self._lock = None

    def __enter__(self) -> "RunLock":
        import filelock

        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise LockBusyError(
                f"cannot create the lock directory {self.path.parent}: {exc.strerror or exc} "
                f"(set {LOCK_DIR_ENV} to a writable directory); nothing was written"
            ) from None
        lock = filelock.FileLock(self.path, timeout=0)
        busy = False
        with failing_as(self.path, f"lock {self._shown}"):
            try:
                lock.acquire()
            except filelock.Timeout:  # an OSError (TimeoutError): caught before failing_as sees it
                busy = True
        if busy:
            holder = self._holder()
            pid = f" (pid {holder})" if holder else ""
            raise LockBusyError(f"another extractor run is using {self._shown}{pid}; nothing was written") from None
        self._lock = lock
        try:
            self.pid_path.write_text(f"{os.getpid()}\n", encoding="ascii")
        except OSError:
            pass  # the pid is only for the message of another run
        return self

    def _holder(self) -> str | None:
        try:
            holder = self.pid_path.read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            return None
        return holder if holder.isdigit() else None

    def __exit__(self, *exc: object) -> None:
        if self._lock is not None:
            try:
                self.pid_path.unlink(missing_ok=True)
            except OSError:
                pass
            self._lock.release()
            self._lock = None
