"""One run at a time: an exclusive ``fcntl.flock`` on a lock file beside the state or output."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from ..errors import ExtractorError
from .writers import failing_as


class LockBusyError(ExtractorError):
    """Another run holds the lock; nothing was written."""


def lock_path(target: str | os.PathLike) -> Path:
    """The lock file of ``target``: beside the file ``target`` resolves to, so two names of one
    file (a symlink, ``./out`` and ``out``, a hard-linked directory path) share one lock."""
    return Path(f"{os.path.realpath(target)}.lock")


class RunLock:
    """Hold the lock file of ``target`` (:func:`lock_path`) exclusively for the life of the
    context (non-blocking).

    The lock file stays on disk (removing it would let two runs lock different files); it
    holds the pid of the run that has it, for the message another run prints.
    """

    def __init__(self, target: str | os.PathLike):
        self.target = Path(target)
        self.path = lock_path(target)
        self._fd: int | None = None

    def __enter__(self) -> "RunLock":
        with failing_as(self.path, "open the lock file"):
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            os.close(fd)
            pid = f" (pid {holder})" if holder.isdigit() else ""
            raise LockBusyError(
                f"another extractor run is using {self.target}{pid}: lock {self.path} is held; nothing was written"
            ) from None
        self._fd = fd
        try:  # the pid is for messages only: a full disk does not stop the run here
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        except OSError:
            pass
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            try:
                os.ftruncate(self._fd, 0)
            except OSError:
                pass
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
