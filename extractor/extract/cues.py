"""ConText-style cue rules: modality (hedges, negations) and attribution (reporting cues).

The design follows the ConText algorithm (Chapman et al.; medspaCy's ``ConTextRule``): each rule
in ``extractor/data/cues.jsonl`` is a cue with a *category*, a *direction* and an optional
*maximum scope*. A cue governs the tokens of its sentence on its side(s) up to a scope
terminator ("but", "however", ";") or the sentence end; pseudo-cues ("not only", "no doubt")
block the cues they overlap. On top of the linear scope, :func:`governs` checks the dependency
parse, so "said X could hold" hedges "hold" but not "said", and "denied that X sent" negates
"sent".

Public API: :class:`CueRule` (the validated lexicon entry), :class:`CueMatcher` (finds every cue
of a Doc in one pass), :class:`Cue` (one match), :func:`scope_of`, :func:`governs` and
:func:`modality_for` (asserted / hedged / negated for a claim's main token).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from pydantic import Field, field_validator, model_validator
from spacy.attrs import LOWER
from spacy.matcher import Matcher, PhraseMatcher
from spacy.schemas import validate_token_pattern
from spacy.tokens import Doc, Span, Token

from ..lexicon import LexiconEntry, load_package_lexicon
from ..models import Modality
from .base import sentence_of

CUES_FILE = "cues.jsonl"


class CueCategory(str, Enum):
    """What a cue does: qualify a claim (HEDGE, NEGATION), attribute it (REPORT), block
    overlapping cues (PSEUDO), end the scope of other cues (TERMINATE) or mark the writer's own
    narration (NARRATION: "also", "separately"; a sentence with one does not continue the
    statement of a source before it)."""

    HEDGE = "HEDGE"
    NEGATION = "NEGATION"
    REPORT = "REPORT"
    PSEUDO = "PSEUDO"
    TERMINATE = "TERMINATE"
    NARRATION = "NARRATION"


class Direction(str, Enum):
    """Side of the cue it governs (for REPORT cues: the side where the source stands)."""

    FORWARD = "FORWARD"
    BACKWARD = "BACKWARD"
    BIDIRECTIONAL = "BIDIRECTIONAL"


#: Categories that act where they stand and have no directed scope.
_POSITIONAL = frozenset({CueCategory.PSEUDO, CueCategory.TERMINATE, CueCategory.NARRATION})


class CueRule(LexiconEntry):
    """One cue rule of ``cues.jsonl``.

    ``literal`` is the cue as written, lower case, tokens separated by single spaces exactly as
    spaCy's English tokenizer splits them ("n't", "can not"). Without a ``pattern`` the literal
    and its ``forms`` (inflections, variants) are matched case-insensitively by one shared
    PhraseMatcher. With a ``pattern`` (a spaCy token pattern, for cues that need case, part of
    speech, dependency or a gap) the literal only documents the rule.
    """

    literal: str = Field(min_length=1)
    forms: tuple[str, ...] = ()
    pattern: list[dict[str, Any]] | None = None
    category: CueCategory
    direction: Direction
    max_scope: int | None = Field(None, ge=1, description="Scope limit in tokens from the cue.")
    void_in_reported_clause: bool = Field(
        False,
        description=(
            "The cue is no hedge in the complement clause of a past-tense verb, where it is only "
            "the backshifted form of 'will' ('said it would send' reports 'will send')."
        ),
    )
    parse_fallback: bool = Field(
        False,
        description=(
            "A TERMINATE cue that only applies to Docs without a dependency parse: relative "
            "pronouns, whose clause boundary the parse gives exactly (a relative clause between "
            "a cue and its verb must not cut the scope)."
        ),
    )
    bounds_frames: bool = Field(
        False,
        description=(
            "A TERMINATE cue that also ends a reporting frame's scope over the clauses beyond it "
            "(';', 'while', 'whereas'): 'X said A; Y believes B' attributes A to X only."
        ),
    )
    note: str | None = None

    @field_validator("literal", "forms")
    @classmethod
    def _normalised(cls, value: str | tuple[str, ...]) -> str | tuple[str, ...]:
        for text in (value,) if isinstance(value, str) else value:
            if text != text.lower() or text != " ".join(text.split()) or not text:
                raise ValueError(f"{text!r} must be lower case, single-spaced and non-empty")
        return value

    @field_validator("pattern")
    @classmethod
    def _valid_pattern(cls, value: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
        if value is None:
            return None
        if not value:
            raise ValueError("a pattern needs at least one token")
        errors = validate_token_pattern(value)
        if errors:
            raise ValueError("invalid token pattern: " + "; ".join(errors))
        return value

    @model_validator(mode="after")
    def _consistent(self) -> "CueRule":
        if self.category in _POSITIONAL and self.direction is not Direction.BIDIRECTIONAL:
            raise ValueError(f"{self.category.value} cues act where they stand: direction must be BIDIRECTIONAL")
        if self.category in _POSITIONAL and self.max_scope is not None:
            raise ValueError(f"{self.category.value} cues have no scope: max_scope is not allowed")
        if self.pattern is not None and self.forms:
            raise ValueError("a pattern rule matches by its pattern: forms are not allowed")
        if self.void_in_reported_clause and self.category is not CueCategory.HEDGE:
            raise ValueError("void_in_reported_clause only applies to HEDGE cues")
        if self.parse_fallback and self.category is not CueCategory.TERMINATE:
            raise ValueError("parse_fallback only applies to TERMINATE cues")
        if self.bounds_frames and self.category is not CueCategory.TERMINATE:
            raise ValueError("bounds_frames only applies to TERMINATE cues")
        return self


@dataclass(frozen=True, slots=True)
class Cue:
    """One cue found in a Doc: tokens ``[start, end)`` and the rule that matched."""

    start: int
    end: int
    rule_id: str
    category: CueCategory
    direction: Direction
    text: str
    max_scope: int | None = None
    void_in_reported_clause: bool = False
    parse_fallback: bool = False
    bounds_frames: bool = False


def load_cue_rules() -> tuple[CueRule, ...]:
    """The package's cue rules (loaded and validated once per process)."""
    return load_package_lexicon(CUES_FILE, CueRule)


class CueMatcher:
    """Finds every cue of a Doc in one pass.

    All literal cues go into one ``PhraseMatcher(attr="LOWER")`` (about free), the few pattern
    cues into one ``Matcher``. Build it once per process and reuse it.
    """

    def __init__(self, vocab, rules: Iterable[CueRule] | None = None) -> None:
        self.rules: dict[str, CueRule] = {r.id: r for r in (load_cue_rules() if rules is None else rules)}
        self._phrases = PhraseMatcher(vocab, attr="LOWER")
        self._patterns = Matcher(vocab)
        self._by_key: dict[int, CueRule] = {}
        #: LOWER hash -> how many tokens (before, after) a pattern match reaches from that word;
        #: None when some pattern has no such word (then the Matcher reads the whole Doc)
        self._reach: dict[int, tuple[int, int]] | None = {}
        for rule in self.rules.values():
            self._by_key[vocab.strings.add(rule.id)] = rule
            if rule.pattern is not None:
                self._patterns.add(rule.id, [rule.pattern])
                anchor = _pattern_anchor(rule.pattern)
                if anchor is None or self._reach is None:
                    self._reach = None
                    continue
                words, before, after = anchor
                for w in words:
                    h = vocab.strings.add(w)
                    b, a = self._reach.get(h, (0, 0))
                    self._reach[h] = (max(b, before), max(a, after))
            else:
                texts = (rule.literal, *rule.forms)
                self._phrases.add(rule.id, [Doc(vocab, words=t.split(" ")) for t in texts])

    def find(self, doc: Doc) -> list[Cue]:
        """The cues of ``doc`` in text order.

        Pseudo-cues first claim their tokens and suppress every other cue overlapping them; of
        the remaining overlapping cues the longest wins (several rules matching the very same
        tokens, e.g. "denied" as NEGATION and as REPORT, are all kept).
        """
        found = {(s, e, key) for key, s, e in self._phrases(doc)}
        found.update((s, e, key) for key, s, e in self._pattern_matches(doc))
        matches = sorted(found, key=lambda m: (m[0] - m[1], m[0], self._by_key[m[2]].id))
        pseudo = [(s, e) for s, e, key in matches if self._by_key[key].category is CueCategory.PSEUDO]
        kept: list[tuple[int, int, int]] = []
        for s, e, key in matches:
            rule = self._by_key[key]
            if rule.category is not CueCategory.PSEUDO:
                if any(s < pe and ps < e for ps, pe in pseudo):
                    continue
                if any(s < ke and ks < e and (ks, ke) != (s, e) for ks, ke, _ in kept):
                    continue
            kept.append((s, e, key))
        cues = []
        for s, e, key in kept:
            rule = self._by_key[key]
            cues.append(
                Cue(s, e, rule.id, rule.category, rule.direction, doc[s:e].text, rule.max_scope,
                    rule.void_in_reported_clause, rule.parse_fallback, rule.bounds_frames)
            )
        return sorted(cues, key=lambda c: (c.start, c.end, c.rule_id))

    def _pattern_matches(self, doc: Doc) -> list[tuple[int, int, int]]:
        """The pattern Matcher's ``(key, start, end)`` matches: the same set as running it over
        the whole Doc. Trying every pattern at every token costs most of :meth:`find`, and every
        match holds a word its pattern requires (:func:`_pattern_anchor`), so the Matcher runs
        only over the windows around those words, merged where they overlap or touch."""
        if self._reach is None or not len(self._patterns):
            return self._patterns(doc, allow_missing=True) if len(self._patterns) else []
        reach, n = self._reach, len(doc)
        anchored = [(max(0, i - reach[h][0]), min(n, i + reach[h][1]))
                    for i, h in enumerate(doc.to_array(LOWER).tolist()) if h in reach]  # fmt: skip
        return match_windows(self._patterns, doc, anchored, allow_missing=True)


def match_windows(matcher: Matcher, doc: Doc, windows: Iterable[tuple[int, int]], **options) -> list[tuple[int, int, int]]:
    """``matcher``'s ``(key, start, end)`` matches inside the token ranges ``windows`` of ``doc``
    (merged where they overlap or touch, so no match is found twice); ``options`` go to the
    Matcher call. When every match of the Doc lies inside some window, the set is the one the
    Matcher gives over the whole Doc, at the cost of the windows' tokens only."""
    merged: list[list[int]] = []
    for lo, hi in sorted(windows):
        if merged and lo <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    out = []
    for lo, hi in merged:
        # a Matcher run over a Span gives token indices relative to the Span
        out.extend((key, lo + s, lo + e) for key, s, e in matcher(doc[lo:hi], **options))
    return out


def _pattern_anchor(pattern: list[dict[str, Any]]) -> tuple[list[str], int, int] | None:
    """A word a token pattern cannot match without: (its lower-case forms, how many tokens a
    match reaches before it, and from it to the match's end); None when the pattern has none
    (no required LOWER or ORTH token) or a token of unbounded width ("+", "*", ranges).

    Of several required tokens the one whose shortest form is longest is taken: short words
    ("to", "is") are the frequent ones, and each occurrence costs a window.
    """
    if any(spec.get("OP", "1") not in ("1", "?", "!") for spec in pattern):
        return None
    best = None
    for k, spec in enumerate(pattern):
        if spec.get("OP", "1") != "1":
            continue
        for attr in ("LOWER", "ORTH", "TEXT"):
            value = spec.get(attr)
            words = [value] if isinstance(value, str) else value.get("IN") if isinstance(value, dict) else None
            if not words or not all(isinstance(w, str) for w in words):
                continue
            if attr != "LOWER":  # a token of that text has its lower case as LOWER
                words = [w.lower() for w in words]
            if best is None or min(map(len, words)) > min(map(len, best[0])):
                best = (list(words), k, len(pattern) - k)
    return best


def scope_of(cue: Cue, sent: Span, terminators: Sequence[Cue] = ()) -> tuple[int, int]:
    """Token range ``[start, end)`` (Doc indices) that ``cue`` governs inside ``sent``.

    FORWARD runs from the cue's end to the next TERMINATE cue, the sentence end or
    ``max_scope`` tokens; BACKWARD from the sentence start (or the previous TERMINATE cue) to
    the cue; BIDIRECTIONAL covers both sides and the cue itself. ``terminators`` are the
    TERMINATE cues of the sentence (others in the sequence are ignored, and so are
    ``parse_fallback`` ones when the Doc has a dependency parse).
    """
    lo, hi = sent.start, sent.end
    parsed = sent.doc.has_annotation("DEP")
    for t in terminators:
        if t.category is not CueCategory.TERMINATE or (parsed and t.parse_fallback):
            continue
        if t.start >= cue.end:
            hi = min(hi, t.start)
        elif t.end <= cue.start:
            lo = max(lo, t.end)
    if cue.max_scope is not None:
        lo = max(lo, cue.start - cue.max_scope)
        hi = min(hi, cue.end + cue.max_scope)
    if cue.direction is Direction.FORWARD:
        return min(cue.end, hi), hi
    if cue.direction is Direction.BACKWARD:
        return lo, max(cue.start, lo)
    return lo, hi


#: Dependency labels of words that only modify the word they hang on (auxiliaries, negation,
#: adverbs, determiners, adjectives, markers): such a cue acts on its head.
_MODIFIER_DEPS = frozenset({
    "aux", "auxpass", "neg", "advmod", "npadvmod", "mark", "prep", "det", "predet", "preconj",
    "amod", "nummod", "quantmod", "cc", "acomp", "oprd", "prt", "case",
})
#: Core arguments: a cue that is a subject or object, or determines one ("no missiles had been
#: transferred", "neither Moscow nor Tehran has confirmed", "none arrived"), acts on the
#: clause's verb; of adjectives only hedges do ("frozen assets" leaves the verb alone).
_ARGUMENT_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "attr", "dative", "expl"})
_DETERMINER_DEPS = frozenset({"det", "predet", "preconj"})
#: Clause attachments that start an independent assertion when the clause has its own subject
#: (relative clauses, adverbial clauses, coordinated or paratactic clauses). ``acl`` is not
#: among them: with a subject it is a noun's complement clause ("no evidence that X sent").
_CLAUSE_DEPS = frozenset({"relcl", "advcl", "conj", "parataxis", "appos"})
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass", "expl"})
_VERBAL = frozenset({"VERB", "AUX"})


def _anchor(doc: Doc, cue: Cue) -> Token:
    """The token a cue acts on: the cue's own head word, or for a modifier the word it modifies.
    A cue that is, or determines, a subject or object ("none", "no missiles") acts on its
    clause, and so does an epistemic adjective on one ("monitoring possible transfers")."""
    tok = doc[cue.start:cue.end].root
    lift = (tok.dep_ in _DETERMINER_DEPS or tok.dep_ in _ARGUMENT_DEPS
            or tok.dep_ == "amod" and cue.category is CueCategory.HEDGE)
    if tok.dep_ in _MODIFIER_DEPS and tok.head.i != tok.i:
        tok = tok.head
    if lift and tok.pos_ not in _VERBAL and tok.dep_ in _ARGUMENT_DEPS and tok.head.i != tok.i:
        tok = tok.head
    return tok


def _opens_clause(tok: Token) -> bool:
    """Whether ``tok`` heads a subordinate or coordinated clause with a subject of its own."""
    return tok.dep_ in _CLAUSE_DEPS and any(c.dep_ in _SUBJECT_DEPS for c in tok.children)


def governs(cue: Cue, token: Token, terminators: Sequence[Cue] = ()) -> bool:
    """Whether ``cue`` applies to ``token`` (a claim's verb or head noun).

    The token must be part of the cue ("Tehran rejects ...") or lie in its scope. With a
    dependency parse it must also lie under the cue's anchor without crossing into a clause
    that has its own subject: "might have supplied" (aux of "supplied"), "denied that X sent"
    ("sent" under "denied") and "said X could hold" ("could" on "hold", not on "said"). A
    modifier distributes over coordinated predicates ("may have sent shells and delivered
    missiles"); a cue verb does not ("denied X and said Y"). Without a parse the linear scope
    decides alone.
    """
    doc = token.doc
    i = token.i
    if cue.start <= i < cue.end:
        return True
    lo, hi = scope_of(cue, sentence_of(doc, cue.start), terminators)
    if not lo <= i < hi:
        return False
    if not doc.has_annotation("DEP"):
        return True
    anchor = _anchor(doc, cue)
    lexical = cue.start <= anchor.i < cue.end
    t = token
    while t.i != anchor.i:
        if t.head.i == t.i or _opens_clause(t):
            return False
        if lexical and t.dep_ == "conj" and t.head.i == anchor.i:
            return False
        t = t.head
    return True


def _backshifted(doc: Doc, cue: Cue) -> bool:
    """Whether the verb the cue modifies is embedded under a past-tense or participial verb, so
    that the sequence of tenses turns "will" into "would" ("said it would send", "saying the
    missiles would replenish", "had given assurances that it would use")."""
    return any(a.tag_ in ("VBD", "VBN", "VBG") for a in _anchor(doc, cue).ancestors)


def modality_for(tokens_or_span: Doc | Span, cues: Iterable[Cue], root: int) -> Modality:
    """Modality of the claim whose main token is ``doc[root]`` (a Doc index).

    Only cues inside ``tokens_or_span`` and in the root's sentence count. A governing
    NEGATION cue makes the claim negated, whatever else applies ("could not export"); else a
    governing HEDGE cue makes it hedged; REPORT cues leave it asserted (an outlet's "reported"
    is the attribution). Pseudo-cues have already removed the cues they overlap (see
    :meth:`CueMatcher.find`).
    """
    doc = tokens_or_span.doc if isinstance(tokens_or_span, Span) else tokens_or_span
    lo, hi = (tokens_or_span.start, tokens_or_span.end) if isinstance(tokens_or_span, Span) else (0, len(doc))
    token = doc[root]
    sent = sentence_of(doc, root)
    lo, hi = max(lo, sent.start), min(hi, sent.end)
    local = [c for c in cues if lo <= c.start and c.end <= hi]
    parsed = doc.has_annotation("DEP")
    terminators = [c for c in local if c.category is CueCategory.TERMINATE]
    hedged = False
    for cue in local:
        if cue.category not in (CueCategory.HEDGE, CueCategory.NEGATION):
            continue
        if not governs(cue, token, terminators):
            continue
        if cue.category is CueCategory.NEGATION:
            return Modality.negated
        if cue.void_in_reported_clause and parsed and _backshifted(doc, cue):
            continue
        hedged = True
    return Modality.hedged if hedged else Modality.asserted
