"""Shared shapes of the finders' results."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

import numpy
from pydantic import BaseModel
from spacy.attrs import SHAPE

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
