"""Logging of the command line: one line per message on stderr, as text or as JSON.

Text lines read ``rejected: docs/a.jsonl:3: invalid JSON: ...``, ``warning: ...``,
``error: ...`` (one spelling, usage errors included); with ``--log-format json`` every line is one JSON object with ``time``,
``level``, ``logger``, ``message`` and, for events (``rejected``, ``summary``), ``event`` and
the event's fields, for log shippers.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys

LOG_FORMATS = ("text", "json")
#: Third-party loggers that are chatty at INFO/WARNING about pages they cannot parse.
QUIET_LIBRARIES = ("trafilatura", "htmldate", "courlan", "justext")
_STANDARD_ATTRS = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time (a progress display may redirect it)."""

    def __init__(self) -> None:
        super().__init__()

    @property  # type: ignore[override]
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:  # logging.StreamHandler.__init__ assigns it
        pass


class TextFormatter(logging.Formatter):
    """``event: message`` or ``level: message`` (``error: ...``, ``warning: ...``)."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        event = getattr(record, "event", None)
        if event:
            line = f"{event}: {message}"
        else:
            line = f"{record.levelname.lower()}: {message}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


class JsonFormatter(logging.Formatter):
    """One JSON object per record, with any ``extra`` fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, dt.timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRS and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def setup_logging(log_format: str = "text", *, quiet: bool = False, verbose: bool = False) -> None:
    """Send the package's log records to stderr in ``log_format``.

    Default level INFO (the run summary is an INFO event); ``quiet``: warnings and errors only
    (rejects stay visible); ``verbose``: DEBUG, third-party loggers included.
    """
    if log_format not in LOG_FORMATS:
        raise ValueError(f"unknown log format {log_format!r}")
    handler = _StderrHandler()
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    level = logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO
    package = logging.getLogger("extractor")
    package.handlers[:] = [handler]
    package.setLevel(level)
    package.propagate = False
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(logging.DEBUG if verbose else logging.ERROR)
