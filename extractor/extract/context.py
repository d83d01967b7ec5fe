"""Per-document state the extractors share while a Doc is assembled into claims."""

from __future__ import annotations

from bisect import bisect_right
from functools import cached_property
from typing import TYPE_CHECKING

from spacy.attrs import LOWER

from .base import doc_text

if TYPE_CHECKING:
    from ..models import Actor, Attribution
    from .base import ClaimDraft


class DocContext:
    """The finders' mentions of one Doc, indexed for lookup, and the discourse memory that
    carries from sentence to sentence (last acting parties, last supplier → recipient pair,
    last attribution chain, citations)."""

    def __init__(self, doc, offset, munitions, quantities, dates, entities, cues, civilian_tokens=frozenset()):
        self.doc = doc
        #: tokens of materiel nouns used in their civilian sense ("commercial aircraft")
        self.civilian_tokens = frozenset(civilian_tokens)
        self.text = doc_text(doc)  # once: Doc.text joins every token on each access
        self.offset = offset
        self.munitions = munitions
        self.quantities = quantities
        self.dates = dates
        self.entities = entities
        self.cues = cues
        self.entity_by_token = {}
        for m in entities:
            for i in range(m.start, m.end):
                self.entity_by_token[i] = m
        self.report_tokens = {c.start for c in cues if c.category.value == "REPORT"}
        self.munition_tokens = set()
        for m in munitions:
            self.munition_tokens.update(range(m.start, m.end))
        self.last_subject_actors: list[Actor] = []
        self.last_pair: tuple[list[Actor], list[Actor]] | None = None
        #: the statement in progress: its paragraph, the token after its sentence, its links
        self.last_links: tuple[int, int, list] | None = None
        self.history: list[ClaimDraft] = []
        #: claims of the sentence being assembled, in clause order (``history`` gets them after it)
        self.current: list[ClaimDraft] = []
        self.sentence_subjects: list[Actor] = []
        self.citations: list[tuple[str, list[Attribution]]] = []

    @cached_property
    def lower_ids(self) -> list[int]:
        """The LOWER id of each token (``Doc.to_array(LOWER)``, once per Doc): word tests over many
        tokens without a Token object per token."""
        return self.doc.to_array(LOWER).tolist()

    @cached_property
    def _paragraph_ends(self) -> list[int]:
        """Where each paragraph separator ends, in text order: blank lines, or line breaks in a
        text without blank lines (found left to right without overlaps, as ``str.count`` does)."""
        sep = "\n\n" if "\n\n" in self.text else "\n"
        ends = []
        at = self.text.find(sep)
        while at != -1:
            ends.append(at + len(sep))
            at = self.text.find(sep, at + len(sep))
        return ends

    def paragraph(self, char: int) -> int:
        """The index of the paragraph holding character ``char`` of the Doc (paragraphs are
        separated by blank lines, or by line breaks in a text without blank lines): the number
        of separators that end at or before it."""
        return bisect_right(self._paragraph_ends, char)
