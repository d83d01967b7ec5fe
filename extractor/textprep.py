"""Text preparation that keeps every character offset: masking of article datelines.

A dateline ("SEOUL —", "KYIV, May 3 (Reuters) -", "NEW DELHI/MANILA, April 19 —") is not part of the sentence it opens, but the
parser reads it as one and builds a wrong tree ("STOCKHOLM — Sweden's government approved..."
becomes a clause modifying STOCKHOLM). It is replaced by spaces of the same length before
parsing, so offsets into the original text stay valid.
"""

from __future__ import annotations

import re

_DATELINE = re.compile(
    r"""^(\s*)
    (?P<line>
      [A-Z][A-Z'’.\-]+(?:[ ][A-Z][A-Z'’.\-]+){0,3}           # SEOUL, NEW DELHI, ABU DHABI
      (?:/[A-Z][A-Z'’.\-]+(?:[ ][A-Z][A-Z'’.\-]+){0,3}){0,3}  # /MANILA: filed from two places
      (?:,[ ][A-Z][A-Za-z'’.\-]+(?:[ ][A-Z][A-Za-z'’.\-]+){0,2})?   # , Ukraine
      (?:,?[ ][A-Z][a-z]{2,8}\.?[ ]\d{1,2})?                 # , May 3
      (?:[ ]?\([A-Za-z .&]+\))?                              # (Reuters)
      [ ]*(?:—|–|--|-|:)[ ]*
    )""",
    re.VERBOSE,
)


def dateline_span(text: str) -> tuple[int, int] | None:
    """Character range of a dateline at the start of ``text``, or None."""
    m = _DATELINE.match(text)
    if m is None:
        return None
    words = re.findall(r"[A-Za-z]+", m.group("line").split("(")[0].split(",")[0])
    if not words or not all(w.isupper() for w in words) or len("".join(words)) < 3:
        return None
    return m.start("line"), m.end("line")


def mask_dateline(text: str) -> str:
    """``text`` with its datelines replaced by spaces of the same length: at the start of the
    text and at the start of any paragraph (after a heading or a summary, say)."""
    parts = []
    last = 0
    for line_start in _line_starts(text):
        span = dateline_span(text[line_start:text.find("\n", line_start) if "\n" in text[line_start:] else len(text)])
        if span is None:
            continue
        start, end = line_start + span[0], line_start + span[1]
        parts.append(text[last:start] + " " * (end - start))
        last = end
    if not parts:
        return text
    parts.append(text[last:])
    return "".join(parts)


def _line_starts(text: str):
    yield 0
    at = text.find("\n")
    while at != -1:
        yield at + 1
        at = text.find("\n", at + 1)
