"""Parsing of publication dates given in document metadata (ISO forms only, no guessing)."""

from __future__ import annotations

import datetime as dt
import re

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_published(value: str) -> dt.date:
    """Parse an ISO publication date: ``2024-08-28``, ``2024-08`` or an ISO datetime.

    A month-precision date resolves to the first of the month. Raises ``ValueError`` with the
    offending value for anything else: a wrong date must not silently shift every relative date.
    """
    s = value.strip()
    m = _MONTH.match(s)
    if m:
        return dt.date(int(m.group(1)), int(m.group(2)), 1)
    try:
        return dt.date.fromisoformat(s)
    except ValueError:
        pass
    try:
        return dt.datetime.fromisoformat(s.replace("Z", "+00:00")).date()
    except ValueError:
        raise ValueError(f"published {value!r} is not an ISO date (YYYY-MM-DD)") from None
