"""Shared shapes of the finders' results."""

from __future__ import annotations

import re
import weakref
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

import numpy
from pydantic import BaseModel
from spacy.attrs import SENT_START, SHAPE

from ..models import Actor, Attribution, Claim, ClaimType, DateRef, Modality, Munition, Quantity, Span

T = TypeVar("T", bound=BaseModel)

#: A weapon model designation written as one token: a short name, an optional hyphen, a number,
#: and variant suffixes ("Su-35s", "T-72B3", "MiG-29", "HIMARS/M142" is two). Group 1 is the
#: name part ("Su"), the key of a designation family in ``munitions.jsonl``.
DESIGNATION = re.compile(r"^([A-Za-z][A-Za-z]{0,7}(?:/[A-Za-z]+)?)-?\d[0-9A-Za-z]*(?:-[0-9A-Za-z]+)*$")


@dataclass(frozen=True, slots=True)
class Mention(Generic[T]):
    """A value found in a Doc: token range ``[start, end)``, its syntactic head token, the item."""

    start: int
    end: int
    head: int
    value: T


def shape_tokens(doc, wanted: Callable[[str], bool], memo: dict[int, bool]) -> list[int]:
    """Indices of the tokens whose shape string ("dd", "Xx-dd", "X.X.-xxxx") passes ``wanted``,
    in order, read from the Doc's SHAPE array without a Token object per token: each distinct
    shape is tested once, its answer kept in ``memo`` (shape id → bool; shapes are few)."""
    shapes = doc.to_array(SHAPE)
    strings = doc.vocab.strings
    keep = []
    for shape in numpy.unique(shapes).tolist():
        has = memo.get(shape)
        if has is None:
            has = memo[shape] = wanted(strings[shape])
        if has:
            keep.append(shape)
    if not keep:
        return []
    # the ids are 64-bit unsigned: compared as such (a Python int list may become float64)
    return numpy.flatnonzero(numpy.isin(shapes, numpy.array(keep, dtype=shapes.dtype))).tolist()


def sentence_of(doc, i: int):
    """The sentence of token ``i`` (the Span ``Token.sent`` gives), or the whole Doc when it has
    no sentence boundaries."""
    bounded = doc.has_annotation("SENT_START")
    if not bounded and not doc.has_annotation("DEP"):
        return doc[:]
    if not bounded or "sent" in doc.user_token_hooks or "sent" in doc.user_span_hooks or "sents" in doc.user_hooks:
        return doc[i].sent
    # the last start at or before i, up to the next start, from the Doc's sentence starts:
    # Token.sent scans for them token by token in Python on every call
    starts = _sentence_starts(doc)
    k = bisect_right(starts, i) - 1
    return doc[starts[k] : starts[k + 1] if k + 1 < len(starts) else len(doc)]


#: The last Doc :func:`_sentence_starts` read (a weak reference) and its sentence starts: the
#: claims ask for the sentence of one cue, munition or claim token after another, Doc by Doc.
_LAST_STARTS: list = [None, []]


def _sentence_starts(doc) -> list[int]:
    """0 and every token index after it that starts a sentence, read once per Doc (sentence
    boundaries are fixed once the Doc is parsed)."""
    ref, starts = _LAST_STARTS
    if ref is None or ref() is not doc:
        starts = [0] + [k for k, start in enumerate(doc.to_array(SENT_START).tolist()) if start == 1 and k > 0]
        _LAST_STARTS[:] = [weakref.ref(doc), starts]
    return starts


#: ``Doc.user_data`` key of the text a Doc was made from (:func:`doc_text`).
TEXT_KEY = "extractor_text"


def doc_text(doc) -> str:
    """The Doc's text: the string the pipeline made it from when it kept it (``Doc.text`` is the
    same string, joined from every token again on each access), else ``doc.text``."""
    text = doc.user_data.get(TEXT_KEY)
    return doc.text if text is None else text


def char_span(doc, start: int, end: int) -> tuple[str, Span]:
    """Text and character span of tokens ``[start, end)`` of ``doc``."""
    sp = doc[start:end]
    return sp.text, Span(start=sp.start_char, end=sp.end_char)


def offset_span(start: int, end: int, offset: int) -> Span:
    """A Doc-relative character range shifted into the original text (long documents are pieces)."""
    return Span(start=start + offset, end=end + offset)


@dataclass(slots=True)
class ClaimDraft:
    """A claim while it is assembled: the fields of :class:`~extractor.models.Claim` (offsets
    already into the original text), completed by the rules that look at its neighbours, and
    ``speakers``, the states that speak in its frames (working state, never output)."""

    claim_id: str
    doc_id: str
    text: str
    span: Span
    claim_type: ClaimType
    modality: Modality
    actors: list[Actor] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    munitions: list[Munition] = field(default_factory=list)
    dates: list[DateRef] = field(default_factory=list)
    attributions: list[Attribution] = field(default_factory=list)
    speakers: list[str] = field(default_factory=list)

    def claim(self) -> Claim:
        """The validated output claim."""
        return Claim(claim_id=self.claim_id, doc_id=self.doc_id, text=self.text, span=self.span,
                     claim_type=self.claim_type, modality=self.modality, actors=self.actors,
                     quantities=self.quantities, munitions=self.munitions, dates=self.dates,
                     attributions=self.attributions)
