"""Domain relevance: is a document about the military domain, and is a materiel noun civilian?

A claim is an assertion about arms, munitions or military support. The words of the field are
also the words of business, sport and space news ("delivered 61 jets", "fired a shot",
"launched an Electron rocket"), so two checks come before any claim is assembled:

* :meth:`DomainGate.evidence` counts the document's evidence of the military domain:
  phrases of ``extractor/data/domain.jsonl`` of kind ``military`` ("troops", "defence ministry",
  "weapons") and munitions whose category has no civilian sense (missiles, shells, howitzers,
  air-defence systems...), named military systems and dual-use nouns with a military modifier
  ("fighter jets"). A document with fewer than :data:`MIN_SIGNALS` yields no claims, nor one
  with no party at all (an explainer, a price report). The chunks of a long document are
  summed (:class:`DomainEvidence`) before the decision, which the pipeline takes.
* :meth:`DomainGate.civilian` tells a munition of a category that also has a civilian sense
  (aircraft, drone, rocket, tank, small arms...) used in that sense: a civilian modifier on its
  noun ("commercial aircraft", "delivery drones", "hydrogen tanks", "hunting rifles") or a
  capitalised generic in mid-sentence, which is a name ("the New York Jets", "the Rockets").
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from functools import cache
from typing import Literal

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from ..lexicon import LexiconEntry, load_package_lexicon
from ..models import MunitionCategory
from .base import sentence_of

C = MunitionCategory

#: A document needs this many signals of the military domain to yield claims.
MIN_SIGNALS = 3

#: Categories that are military whatever the context: each mention is a signal of the domain.
MILITARY_CATS = frozenset({
    C.artillery_shell, C.ballistic_missile, C.cruise_missile, C.anti_tank_missile,
    C.air_defense_missile, C.missile, C.armored_vehicle, C.artillery_system, C.air_defense_system,
    C.mine, C.grenade,
})
#: Categories whose nouns also have a civilian sense (airliners, parcel drones, space rockets,
#: fuel tanks, hunting rifles): a civilian modifier makes such a mention no munition.
DUAL_USE_CATS = frozenset({
    C.aircraft, C.drone, C.rocket, C.tank, C.small_arms, C.small_arms_ammunition, C.ammunition,
    C.ship, C.bomb, C.other,
})
#: Designation families that also name civilian models (A320, C919, E175): no signal of the domain.
CIVIL_FAMILIES = frozenset({"fam.transport_air"})
_MODIFIER_DEPS = frozenset({"amod", "compound", "nmod", "npadvmod"})


class DomainEntry(LexiconEntry):
    kind: Literal["military", "civilian_modifier", "military_modifier", "trade_verb"]
    phrases: list[str]
    #: the phrases name people who can be a party without a name ("troops", "militants")
    party: bool = False


@dataclass(frozen=True)
class DomainEvidence:
    """What one Doc (or one chunk of a long document) shows of the military domain; the
    chunks of a document add up, and the sum decides whether the document yields claims."""

    signals: int = 0
    sentences: int = 0
    #: a munition not used in a civilian sense (enough in a text of one or two sentences)
    loose: bool = False
    #: a named state, group or company, or an unnamed armed body as a subject
    party: bool = False

    def __add__(self, other: "DomainEvidence") -> "DomainEvidence":
        return DomainEvidence(self.signals + other.signals, self.sentences + other.sentences,
                              self.loose or other.loose, self.party or other.party)

    def add(self, fields: dict) -> "DomainEvidence":
        """This evidence plus a chunk's, given as the dict stored on ``doc._.extractor_domain``."""
        return self + DomainEvidence(**fields)

    @property
    def relevant(self) -> bool:
        """:data:`MIN_SIGNALS` signals, or fewer in a shorter text (two in three sentences). A text of one
        or two sentences has too few words to tell the sense of a dual-use noun, so any
        munition not used in a civilian sense counts there ("China may be supplying Russia
        with drone engines"). A text with no party is a description, not a claim."""
        if not self.party:
            return False
        if self.sentences <= 2 and self.loose:
            return True
        return self.signals >= min(MIN_SIGNALS, max(self.sentences - 1, 1))


def _keys(entry: DomainEntry) -> list[str]:
    return [f"{entry.kind}:{p.lower()}" for p in entry.phrases]


@cache
def domain_lexicon() -> tuple[DomainEntry, ...]:
    return load_package_lexicon("domain.jsonl", DomainEntry, keys=_keys)


@cache
def civilian_modifiers() -> frozenset[str]:
    return frozenset(p.lower() for e in domain_lexicon() if e.kind == "civilian_modifier" for p in e.phrases)


@cache
def trade_verbs() -> frozenset[str]:
    """Verbs that say what happens to a flow of arms named as their subject ("exports fell",
    "shipments began", "sales could resume"): with such a verb the noun carries the claim."""
    return frozenset(p.lower() for e in domain_lexicon() if e.kind == "trade_verb" for p in e.phrases)


@cache
def military_modifiers() -> frozenset[str]:
    return frozenset(p.lower() for e in domain_lexicon() if e.kind == "military_modifier" for p in e.phrases)


_MODIFIERS_KEY = "extractor_munition_modifiers"


def _modifiers(doc, mention) -> set[str]:
    """The lower-cased words modifying a munition's head noun, inside its span or attached to it
    (computed once per Doc and token range: the claims component asks up to three times per
    munition; callers only read the set)."""
    memo = doc.user_data.setdefault(_MODIFIERS_KEY, {})
    key = (mention.start, mention.end, mention.head)
    words = memo.get(key)
    if words is None:
        words = memo[key] = _read_modifiers(doc, mention)
    return words


def _read_modifiers(doc, mention) -> set[str]:
    head = doc[mention.head]
    words = {doc[i].lower_ for i in range(mention.start, mention.end) if i != mention.head}
    mods = [c for c in head.children if c.dep_ in _MODIFIER_DEPS]
    words.update(c.lower_ for c in mods)
    # a model number after its maker's name is a modifier, not a count ("50 Boeing 787 jets"),
    # whether the parser hangs it on the noun or on the maker
    words.update(c.lower_ for c in head.children if c.dep_ == "nummod" and c.i > 0 and doc[c.i - 1].pos_ == "PROPN")
    words.update(g.lower_ for c in mods for g in c.children if g.dep_ in _MODIFIER_DEPS or g.dep_ == "nummod")
    return words


class DomainGate:
    """The domain checks of one pipeline (its phrase matcher is built once per vocab)."""

    def __init__(self, vocab):
        self.matcher = PhraseMatcher(vocab, attr="LOWER")
        self.party_words = frozenset(p for e in domain_lexicon() if e.party for p in e.phrases)
        phrases = [p for e in domain_lexicon() if e.kind == "military" for p in e.phrases]
        # words as spaCy's English tokenizer splits them (hyphens apart)
        self.matcher.add("MILITARY", [Doc(vocab, words=re.findall(r"\w+|[^\w\s]", p)) for p in phrases])

    def evidence(self, doc, munitions, named_party: bool, carried: bool = False) -> DomainEvidence:
        """The domain evidence of ``doc``; ``named_party``: the gazetteer found an actor;
        ``carried``: a count of carriers of materiel ("13,000 containers"), which in a text of one
        or two sentences is as good as a munition."""
        # a sentence of one whitespace token (a blank line) is none
        sentences = sum(1 for s in doc.sents if len(s) > 1 or not s[0].is_space) if doc.has_annotation("SENT_START") else 1
        party = named_party or any(
            t.dep_ in ("nsubj", "nsubjpass") and t.lower_ in self.party_words for t in doc)
        return DomainEvidence(
            signals=self.military_signals(doc, munitions),
            sentences=sentences,
            loose=carried or any(not self.civilian(doc, m) for m in munitions),
            party=party,
        )

    def military_signals(self, doc, munitions) -> int:
        """How many mentions of ``doc`` place it in the military domain: military phrases and
        munitions of a category with no civilian sense (overlaps count once)."""
        covered: set[int] = set()
        count = 0
        for _, start, end in self.matcher(doc):
            if start in covered:
                continue
            covered.update(range(start, end))
            count += 1
        for m in munitions:
            if m.start in covered or self.civilian(doc, m):
                continue
            named = m.value.name and m.value.taxonomy_id.startswith(("sys.", "fam.")) \
                and m.value.taxonomy_id not in CIVIL_FAMILIES
            if m.value.category in MILITARY_CATS or named or _modifiers(doc, m) & military_modifiers():
                covered.update(range(m.start, m.end))
                count += 1
        return count

    def military_munitions(self, doc, munitions) -> list:
        """``munitions`` without those used in a civilian sense. A sentence that also names a
        weapon of a purely military category keeps them: "commercial drones to drop grenades"."""
        armed_sents = {sentence_of(doc, m.start).start for m in munitions if m.value.category in MILITARY_CATS}
        return [m for m in munitions if not self.civilian(doc, m) or sentence_of(doc, m.start).start in armed_sents]

    @staticmethod
    def civilian(doc, mention) -> bool:
        """A munition mention of a dual-use category used in its civilian sense."""
        if mention.value.category not in DUAL_USE_CATS:
            return False
        head = doc[mention.head]
        if _modifiers(doc, mention) & civilian_modifiers():
            return True
        # a capitalised generic inside a sentence is a name ("the Winnipeg Jets", "the Rockets")
        return (mention.value.name is None and head.text[:1].isupper() and not head.is_sent_start
                and head.tag_ in ("NNP", "NNPS") and not head.text.isupper())
