"""Wording shared by the command-line messages: counts with the right singular or plural."""

from __future__ import annotations


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``1 document``, ``2 documents``, ``0 batches`` (``plural_form`` for irregular nouns).

    >>> plural(1, "claim"), plural(3, "batch"), plural(2, "claim line")
    ('1 claim', '3 batches', '2 claim lines')
    """
    if count == 1:
        return f"{count} {singular}"
    if plural_form is None:
        plural_form = singular + ("es" if singular.endswith(("s", "sh", "ch", "x")) else "s")
    return f"{count} {plural_form}"
