"""The relevance gate: a cheap first pass that says whether a Doc holds any arms vocabulary.

Most articles of a news feed have nothing to do with arms. The gate looks at the tokens only
(lower-cased forms and, for names and acronyms, the forms as written; no tagger, parser or NER)
and sets ``doc._.extractor_relevant``. Its vocabulary is compiled from the package's lexicons, so
a munition or actor added there widens it with no change here:

* every alias variant of the munition taxonomy (``munitions.jsonl``) that makes a mention on its
  own: generic terms, named systems and families, not the ``block`` phrases, not the nouns that
  are munitions only inside a larger phrase (``standalone: false``: "systems", "parts") nor the
  ones kept only beside another munition (``ambiguous: true``: "fighter", "plane");
* model designations of the taxonomy's families ("Su-35", "KN-23", "Su 35"; a one-letter prefix
  only with its hyphen, "F-16", so that "A320" or "F1" are not read as one);
* ``arms_terms.jsonl``: materiel and arms-trade words, military forces and bodies, the
  gazetteer's armed groups and armed forces, and the ``military`` entries of ``domain.jsonl``
  that name forces, bodies and arms (kept there once: the domain check counts them as signals).

The claim component writes no claim for a Doc the gate marked irrelevant
(:class:`extractor.extract.claims.ClaimAssembler`), so skipping the rest of the pipeline for it
(:class:`extractor.pipeline.Extractor`) never changes the output: with or without the skipping,
the claims are byte-identical.
"""

from __future__ import annotations

import logging
from functools import cache
from typing import Literal

from pydantic import model_validator
from spacy.attrs import LOWER, ORTH
from spacy.strings import hash_string
from spacy.tokens import Doc

from .errors import LexiconError
from .lexicon import LexiconEntry, data_path, load_entries

log = logging.getLogger(__name__)

TERMS_FILE = "arms_terms.jsonl"
#: Munition entries whose aliases are arms vocabulary (``block`` and ``block_head`` are not).
_MUNITION_KINDS = frozenset({"generic", "system", "family"})


class ArmsTerm(LexiconEntry):
    """One line of ``arms_terms.jsonl``: words, or gazetteer actors by type or by id."""

    forms: tuple[str, ...] = ()
    cased: bool = False
    gazetteer_type: Literal["armed_group", "organisation", "alliance", "company"] | None = None
    gazetteer_ids: tuple[str, ...] = ()
    #: entries of kind ``military`` in ``domain.jsonl`` whose phrases are arms vocabulary too
    domain_ids: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _one_source(self) -> "ArmsTerm":
        given = [bool(self.forms), self.gazetteer_type is not None, bool(self.gazetteer_ids), bool(self.domain_ids)]
        if sum(given) != 1:
            raise ValueError("an entry needs exactly one of forms, gazetteer_type, gazetteer_ids, domain_ids")
        if self.cased and not self.forms:
            raise ValueError("cased applies to forms only")
        return self


class Vocabulary:
    """The gate's compiled word lists: phrases on lower case, phrases as written, and the
    designation prefixes of the munition families."""

    def __init__(self, lower: set[tuple[str, ...]], exact: set[tuple[str, ...]], prefixes: set[str]) -> None:
        self.lower = frozenset(lower)
        self.exact = frozenset(exact)
        self.prefixes = frozenset(prefixes)

    def __len__(self) -> int:
        return len(self.lower) + len(self.exact)


def _terms_keys(entry: ArmsTerm) -> list[str]:
    return [f"{'cased' if entry.cased else 'lower'}:{f if entry.cased else f.lower()}" for f in entry.forms]


def _gazetteer_forms(terms: list[ArmsTerm], path: str) -> set[str]:
    """Name and aliases of the gazetteer actors the terms refer to (an unknown id is an error)."""
    from .extract.entities import load_lexicons

    actors, _ = load_lexicons()
    by_id = {a.id: a for a in actors}
    forms: set[str] = set()
    lines = _entry_lines(path)
    for term in terms:
        chosen = [a for a in actors if a.type.value == term.gazetteer_type] if term.gazetteer_type else []
        for actor_id in term.gazetteer_ids:
            if actor_id not in by_id:
                raise LexiconError(path, lines.get(term.id, 0), f"unknown gazetteer id {actor_id!r}")
            chosen.append(by_id[actor_id])
        for actor in chosen:
            forms.update((actor.name, *actor.aliases))
    return forms


def _domain_phrases(terms: list[ArmsTerm], path: str) -> set[str]:
    """Phrases of the ``military`` entries of ``domain.jsonl`` the terms refer to (an unknown id,
    or an entry of another kind, is an error naming the terms file and line)."""
    from .extract.domain import domain_lexicon

    by_id = {e.id: e for e in domain_lexicon()}
    lines = _entry_lines(path)
    phrases: set[str] = set()
    for term in terms:
        for entry_id in term.domain_ids:
            entry = by_id.get(entry_id)
            if entry is None or entry.kind != "military":
                raise LexiconError(path, lines.get(term.id, 0), f"no military entry {entry_id!r} in domain.jsonl")
            phrases.update(entry.phrases)
    return phrases


def _entry_lines(path: str) -> dict[str, int]:
    import json

    out = {}
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            line = line.strip()
            if line and not line.startswith("//"):
                out[json.loads(line)["id"]] = lineno
    return out


def compile_vocabulary(terms_path: str | None = None) -> Vocabulary:
    """Build the gate's vocabulary from the munition taxonomy, ``arms_terms.jsonl`` (or
    ``terms_path``) and the gazetteer. Raises :class:`LexiconError` for a bad terms file."""
    from .extract.munitions import _lexicon, alias_tokenizer

    tokenizer = alias_tokenizer()

    def tokens(form: str) -> tuple[str, ...]:
        return tuple(t.text for t in tokenizer(form))

    lower: set[tuple[str, ...]] = set()
    exact: set[tuple[str, ...]] = set()
    munitions = _lexicon()
    for key, variant in munitions.variants.items():
        entry = variant.entry
        if entry.kind not in _MUNITION_KINDS or not entry.standalone or entry.ambiguous:
            continue
        if variant.exact:
            exact.update(tokens(form) for form in variant.exact if tuple(t.lower() for t in tokens(form)) == key)
        else:
            lower.add(key)
    path = terms_path or str(data_path(TERMS_FILE))
    terms = load_entries(path, ArmsTerm, keys=_terms_keys)
    for term in terms:
        for form in term.forms:
            if term.cased:
                exact.add(tokens(form))
            else:
                lower.add(tuple(t.lower() for t in tokens(form)))
    lower.update(tuple(t.lower() for t in tokens(p)) for p in _domain_phrases([t for t in terms if t.domain_ids], path))
    exact.update(tokens(form) for form in _gazetteer_forms([t for t in terms if t.gazetteer_type or t.gazetteer_ids], path))
    prefixes = set(munitions.prefixes)
    log.debug("gate vocabulary: %d lower-case and %d exact phrases, %d designation prefixes",
              len(lower), len(exact), len(prefixes))
    return Vocabulary(lower, exact, prefixes)


@cache
def package_vocabulary() -> Vocabulary:
    """The vocabulary of the package's own lexicons (compiled once per process)."""
    return compile_vocabulary()


class PhraseIndex:
    """Token phrases by the string hashes of their first token: whether a sequence of token
    attribute values (a Doc's LOWER or ORTH column) holds one of them. What a spaCy
    ``PhraseMatcher`` on that attribute says of a Doc, built in milliseconds instead of a tenth of
    a second (a pattern Doc per phrase) and asked without its list of matches."""

    def __init__(self, phrases, fold_case: bool) -> None:
        self._by_first: dict[int, dict[int, set[tuple[int, ...]]]] = {}
        for phrase in phrases:
            if not phrase:
                continue
            ids = tuple(hash_string(w.lower() if fold_case else w) for w in phrase)
            self._by_first.setdefault(ids[0], {}).setdefault(len(ids), set()).add(ids)

    def __len__(self) -> int:
        return sum(len(s) for by_len in self._by_first.values() for s in by_len.values())

    def found_in(self, ids: list[int]) -> bool:
        """Whether ``ids`` (one attribute value per token) holds a phrase."""
        by_first = self._by_first
        for i, first in enumerate(ids):
            by_len = by_first.get(first)
            if by_len is None:
                continue
            for n, phrases in by_len.items():
                if n == 1 or tuple(ids[i:i + n]) in phrases:
                    return True
        return False


class RelevanceGate:
    """spaCy component ``extractor_gate``: sets ``doc._.extractor_relevant`` (True when the Doc
    holds arms vocabulary). Reads token texts only, so it runs right after the tokenizer."""

    def __init__(self, vocab, vocabulary: Vocabulary | None = None) -> None:
        self.vocabulary = vocabulary or package_vocabulary()
        self.lower = PhraseIndex(self.vocabulary.lower, fold_case=True)
        self.exact = PhraseIndex(self.vocabulary.exact, fold_case=False)

    def __call__(self, doc: Doc) -> Doc:
        doc._.extractor_relevant = self.relevant(doc)
        return doc

    def relevant(self, doc: Doc) -> bool:
        """Whether ``doc`` holds a word of the vocabulary or a designation of a munition family."""
        if not len(doc):
            return False
        columns = doc.to_array([LOWER, ORTH]).T.tolist()
        return self.lower.found_in(columns[0]) or self.exact.found_in(columns[1]) or self._designation(doc)

    def _designation(self, doc: Doc) -> bool:
        from .extract.base import DESIGNATION
        from .extract.munitions import _MODEL_NUM, _digit_tokens

        prefixes = self.vocabulary.prefixes
        for i in _digit_tokens(doc):
            text = doc[i].text
            if i > 0 and len(doc[i - 1].text) > 1 and doc[i - 1].text in prefixes and _MODEL_NUM.match(text):
                return True  # "Su 35"
            m = DESIGNATION.match(text)
            if m and m.group(1) in prefixes and (len(m.group(1)) > 1 or text[len(m.group(1))] == "-"):
                return True  # "Su-35s", "KN-23", "F-16"
            if i > 1 and doc[i - 1].text == "-" and doc[i - 2].text in prefixes and _MODEL_NUM.match(text):
                return True  # "F", "-", "16" when the tokenizer splits the hyphen
        return False
