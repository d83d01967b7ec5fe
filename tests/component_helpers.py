"""Helpers for the per-component tests: a blank English pipeline with chosen components."""

from __future__ import annotations

import spacy
from spacy.tokens import Doc

import extractor.components  # noqa: F401  (registers the factories)


def blank_with(*names: str, **configs: dict) -> spacy.Language:
    """``spacy.blank("en")`` with the named components, in order (``configs[name]`` their config)."""
    nlp = spacy.blank("en")
    for name in names:
        nlp.add_pipe(name, config=configs.get(name, {}))
    return nlp


def spans(doc: Doc, group: str) -> list[tuple[str, str]]:
    """``(text, label)`` of each span of a group."""
    return [(s.text, s.label_) for s in doc.spans[group]]


def blank_with_lexicon(tmp_path, names: tuple[str, ...], key: str, lines: str) -> spacy.Language:
    """:func:`blank_with` whose last component reads the lexicon ``lines`` from a file (config ``key``)."""
    path = tmp_path / f"{names[-1]}.jsonl"
    path.write_text(lines, encoding="utf-8")
    return blank_with(*names, **{names[-1]: {key: str(path)}})
