"""Materiel quantities: numbers, bounds, approximations and the noun they count.

A quantity is found from token shapes (digits, number words, scale words), never from the NER
label (the small model tags "about 6 million 152mm" as MONEY). Its counted noun comes from the
parse and the munition mentions: the munition or lot noun the number modifies ("13,000
containers"), a partitive ("12 of the howitzers"), or, for an elided noun ("the Dutch
government 24", "3,000 a month"), the nearest materiel noun before it in the same or the
previous sentence. Numbers that count anything else (money, troops, percentages, distances,
durations, dates) are not quantities. Cue words, vague counts and the lot/non-materiel nouns
are data: ``extractor/data/quantity_cues.jsonl``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Literal

from pydantic import model_validator

from spacy.attrs import LOWER, SHAPE
from spacy.strings import hash_string
from spacy.tokens import Doc, Token

from .. import vocabulary
from ..lexicon import LexiconEntry, load_lexicon
from ..models import Munition, MunitionCategory, Quantity
from .base import Mention, char_span
from .munitions import alias_tokenizer, clause_subject_tokens, munition_unit, pluralise, singularise

CUES_FILE = "quantity_cues.jsonl"

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_BIG = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "bn": 1e9, "mn": 1e6, "mln": 1e6,
        "m": 1e6, "k": 1e3, "b": 1e9}
_SUFFIXED = re.compile(r"^(\d+(?:\.\d+)?)(bn|mn|mln|m|k|b)$")
_DIGITS = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$|^\.\d+$")
_WORD_SCALES = {"hundred", "thousand", "million", "billion", "trillion", "bn", "mn", "mln", "dozen"}
_ABBREV_SCALES = {"m", "k", "b"}  # only glued to a digit: "1.5m"
_CURRENCY = vocabulary.currencies()
_CURRENCY_SYMBOLS = vocabulary.currency_symbols()
_CALIBRE_UNITS = vocabulary.calibre_units()
_MONTHS = vocabulary.month_words()
_YEAR_LEAD = {"in", "since", "by", "until", "till", "from", "of", "to", "early", "mid", "late", "end", "before",
              "after", "during", "spring", "summer", "autumn", "winter", "fall", "year", "-"}
_FILLERS = {"more", "further", "additional", "extra", "new", "other", "such", "modern", "old", "used",
            "refurbished", "second-hand", "brand-new"}
_NOT_PARTITIVE = {"few", "many", "most", "several", "best", "only"}
_PRONOUNS = {"them", "those", "these", "which", "it", "they"}
_SKIP_QUOTES = {'"', "“", "”", "'", "‘", "’", "«", "»"}
_NOUN_TAGS = {"NN", "NNS", "NNP", "NNPS"}
_ADJ_TAGS = {"JJ", "JJR", "JJS", "VBN", "HYPH", "NNP", "NNPS"}


class CueEntry(LexiconEntry):
    """One line of ``quantity_cues.jsonl``."""

    kind: Literal["cue", "vague", "lot", "nonmateriel", "variant"]
    phrases: tuple[str, ...]
    position: Literal["before", "after"] = "before"
    bound: Literal["lower", "upper"] | None = None
    approximate: bool = False
    lower: float | None = None
    #: A lot noun that carries materiel without naming it ("containers", "shipments"): a claim
    #: counting only such units takes the sentence's munitions.
    carrier: bool = False
    #: Non-materiel nouns that count things an elided count after them may still refer to
    #: ("12 states in 2023, down from 31"), unlike money or measures.
    countable: bool = False

    @model_validator(mode="after")
    def _shape(self) -> "CueEntry":
        if self.carrier and self.kind != "lot":
            raise ValueError("only a lot entry is a carrier")
        if self.countable and self.kind != "nonmateriel":
            raise ValueError("only a nonmateriel entry is countable")
        if (self.kind == "vague") != (self.lower is not None):
            raise ValueError("a vague count (and only a vague count) has a lower bound")
        if self.kind != "cue" and (self.bound is not None or self.approximate or self.position != "before"):
            raise ValueError(f"a {self.kind} entry has no bound, approximation or position")
        return self


def cue_keys(entry: CueEntry) -> list[str]:
    if entry.kind == "cue":
        return [f"cue:{entry.position}:{p}" for p in entry.phrases]
    if entry.kind == "vague":
        return [f"vague:{p}" for p in entry.phrases]
    if entry.kind == "variant":
        return [f"variant:{p}" for p in entry.phrases]
    return [f"noun:{p}" for p in entry.phrases]


@dataclass(frozen=True)
class _Cues:
    """The cue lexicon; ``before``, ``after`` and ``vague`` are keyed by the phrase's tokens as
    LOWER hashes (``vague_first``: the first tokens'), read from a Doc's LOWER array without a
    Token per word."""

    before: dict[tuple[int, ...], CueEntry]
    after: dict[tuple[int, ...], CueEntry]
    vague: dict[tuple[int, ...], float]
    vague_first: frozenset[int]
    lot: frozenset[str]
    nonmateriel: frozenset[str]
    carriers: frozenset[str]
    countable: frozenset[str]
    variants: frozenset[str]


@cache
def _cues(path: str | None = None) -> _Cues:
    """The compiled cue lexicon at ``path`` (default: the packaged one), once per process."""
    tok = alias_tokenizer()
    before: dict[tuple[int, ...], CueEntry] = {}
    after: dict[tuple[int, ...], CueEntry] = {}
    vague: dict[tuple[int, ...], float] = {}
    lot: set[str] = set()
    non: set[str] = set()
    carriers: set[str] = set()
    countable: set[str] = set()
    variants: set[str] = set()
    for e in load_lexicon(path, CUES_FILE, CueEntry, keys=cue_keys):
        for p in e.phrases:
            key = tuple(t.lower for t in tok(p))  # LOWER hashes
            if e.kind == "variant":
                variants.add(p)
            elif e.kind == "cue":
                (before if e.position == "before" else after)[key] = e
            elif e.kind == "vague":
                vague[key] = float(e.lower or 0)
            else:
                if e.carrier:
                    carriers.add(p)
                targets = [lot if e.kind == "lot" else non] + ([countable] if e.countable else [])
                plural = pluralise(p)
                for target in targets:
                    target.update([p, plural] if plural else [p])
    return _Cues(before, after, vague, frozenset(k[0] for k in vague), frozenset(lot), frozenset(non),
                 frozenset(carriers), frozenset(countable), frozenset(variants))


def carrier_units() -> frozenset[str]:
    """The lot nouns that carry materiel without naming it (singular), from the packaged cues."""
    return _cues().carriers


# --- numbers ---------------------------------------------------------------------------------


@lru_cache(maxsize=4096)  # a few regex passes; the same figures recur from document to document
def parse_number(text: str) -> float | None:
    """The value of a number written in digits and/or words, or None.

    "13,000" → 13000; "1.5bn" → 1.5e9; "6 million" → 6e6; "twenty-five" → 25; "a dozen" → 12;
    "half a million" → 500000. Vague counts ("hundreds") and lone articles give None.
    """
    words = re.findall(r"[\d.,]+[a-z]*|[a-z]+", text.lower().replace("-", " "))
    total, current, seen = 0.0, 0.0, False
    for w in words:
        if w in ("a", "an"):
            if current == 0:
                current = 1.0
            continue
        if w == "and" and seen:
            continue
        if w == "half":
            current, seen = current + 0.5, True
            continue
        m = _SUFFIXED.match(w)
        if m:
            total += float(m.group(1)) * _BIG[m.group(2)]
            current, seen = 0.0, True
        elif _DIGITS.match(w):
            current += float(w.replace(",", ""))
            seen = True
        elif w in _UNITS:
            current += _UNITS[w]
            seen = True
        elif w in _TENS:
            current += _TENS[w]
            seen = True
        elif w == "hundred" and (seen or current):
            current, seen = (current or 1.0) * 100, True
        elif w == "dozen" and (seen or current):
            current, seen = (current or 1.0) * 12, True
        elif w in _BIG and (seen or current):
            total += (current or 1.0) * _BIG[w]
            current, seen = 0.0, True
        else:
            return None
    if not seen:
        return None
    return total + current


def _is_digit_token(t: Token) -> bool:
    return bool(_DIGITS.match(t.text) or _SUFFIXED.match(t.lower_))


def _is_number_word(t: Token) -> bool:
    return t.lower_ in _UNITS or t.lower_ in _TENS


@dataclass(slots=True)
class _Num:
    start: int
    end: int
    value: float
    scale: float  # the scale word's multiplier (1 when none)


def _read_number(doc: Doc, i: int) -> _Num | None:
    """The number starting at token ``i`` ("6 million", "twenty-five", "a dozen", "half a million")."""
    n = len(doc)
    t = doc[i]
    j = i
    if t.lower_ in ("a", "an", "half"):
        k = i + 1
        if t.lower_ == "half" and k + 1 < n and doc[k].text == "-" and doc[k + 1].lower_ in ("a", "an"):
            k += 2  # "half-a-dozen"
            if k + 1 < n and doc[k].text == "-":
                k += 1
        elif t.lower_ == "half" and k < n and doc[k].lower_ in ("a", "an"):
            k += 1
        if t.lower_ in ("a", "an") and k + 1 < n and doc[k].lower_ == "score" and doc[k + 1].lower_ == "of":
            return _Num(i, k + 1, 20.0, 1.0)  # "a score of howitzers"
        if k >= n or doc[k].lower_ not in _WORD_SCALES:
            return None
        j = k
    elif not (_is_digit_token(t) or _is_number_word(t)):
        return None
    else:
        j = i + 1
    scale = 1.0
    while j < n:
        w = doc[j]
        low = w.lower_
        if low in _WORD_SCALES:
            scale = scale * (_BIG.get(low) or (12.0 if low == "dozen" else 100.0))
            j += 1
        elif low in _ABBREV_SCALES and not doc[j - 1].whitespace_ and _is_digit_token(doc[j - 1]):
            scale = _BIG[low]
            j += 1
        elif (
            low == "-"
            and j + 1 < n
            and doc[j - 1].lower_ in _TENS
            and doc[j + 1].lower_ in _UNITS
            and not w.whitespace_
        ):
            j += 2
        elif low == "and" and doc[j - 1].lower_ in ("hundred", "thousand") and j + 1 < n and _is_number_word(doc[j + 1]):
            j += 2
        else:
            break
    m = _SUFFIXED.match(doc[j - 1].lower_)
    if m and j - 1 >= i:
        scale = _BIG[m.group(2)]
    value = parse_number(doc[i:j].text)
    if value is None:
        return None
    return _Num(i, j, value, scale)


# --- materiel nouns ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Count:
    start: int
    end: int  # end of the counted noun phrase (or of the number when the noun is elided)
    head: int
    unit: str | None
    elided: bool = False


class _Context:
    """Per-Doc lookups: which tokens belong to which munition mention."""

    def __init__(self, doc: Doc, munitions: list[Mention[Munition]], cues: str | None = None) -> None:
        self.doc = doc
        self.munitions = munitions
        self.owner: dict[int, Mention[Munition]] = {}
        self.starts: dict[int, Mention[Munition]] = {}
        for m in munitions:
            self.starts[m.start] = m
            for i in range(m.start, m.end):
                self.owner[i] = m
        self.cues = _cues(cues)

    def unit_of(self, m: Mention[Munition]) -> str:
        return munition_unit(self.doc, m)

    def mention_after(self, i: int, limit: int = 4, determiners: bool = False) -> Mention[Munition] | None:
        """A munition mention starting at ``i`` or after a few modifiers ("North Korean", "more"),
        and determiners for a partitive ("of the Rafales")."""
        doc = self.doc
        for j in range(i, min(len(doc), i + limit + 1)):
            if j in self.starts:
                return self.starts[j]
            t = doc[j]
            if t.lower_ in _FILLERS or t.tag_ in _ADJ_TAGS or t.text in _SKIP_QUOTES:
                continue
            if determiners and t.tag_ in ("DT", "PRP$", "CD"):
                continue
            return None
        return None

    def coordinated_head(self, m: Mention[Munition]) -> Mention[Munition]:
        """For "64 Bradley and Stryker armoured vehicles", the mention whose noun is counted."""
        doc = self.doc
        while m.end + 1 < len(doc) and doc[m.end].lower_ in ("and", "or") and m.end + 1 in self.starts:
            if not _names_only(doc, m):
                break
            m = self.starts[m.end + 1]
        return m

    def noun_unit(self, h: Token) -> str | None | Literal[False]:
        """Unit of a non-munition noun: the lot noun (with its compounds), False when the noun
        is known not to count materiel or is unknown, None for a pronoun (elided)."""
        low = h.lower_
        if low in _PRONOUNS:
            return None
        single = singularise(low)
        compounds = [c for c in h.lefts if c.dep_ == "compound" and c.i == h.i - 1 and c.tag_ in ("NN", "NNS")
                     and not _glued_to_number(c)]
        if compounds:
            phrase = f"{compounds[0].lower_} {single}"
            if phrase in self.cues.lot:
                return phrase
        if low in self.cues.lot or single in self.cues.lot:
            return f"{compounds[0].lower_} {single}" if compounds else single
        return False


def _glued_to_number(tok: Token) -> bool:
    """The letters of a designation split off its number ("600M" → "600", "M")."""
    return tok.i > 0 and tok.nbor(-1).like_num and not tok.nbor(-1).whitespace_


def _names_only(doc: Doc, m: Mention[Munition]) -> bool:
    """True when the mention is a bare system name (no generic noun of its own)."""
    return all(t.tag_ in ("NNP", "NNPS") or not t.is_lower for t in doc[m.start : m.end])


def _first_noun(doc: Doc, i: int, limit: int = 4) -> Token | None:
    for j in range(i, min(len(doc), i + limit + 1)):
        t = doc[j]
        if t.tag_ in ("NN", "NNS") or t.lower_ in _PRONOUNS:
            while t.dep_ == "compound" and t.i < t.head.i <= t.i + 2 and t.head.tag_ in ("NN", "NNS"):
                t = t.head  # "transport planes": the noun is the compound's head
            return t
        if t.lower_ in _FILLERS or t.tag_ in _ADJ_TAGS or t.tag_ in ("DT", "PRP$", "CD", "POS") or t.text in _SKIP_QUOTES:
            continue
        return None
    return None


class _Finder:
    def __init__(self, doc: Doc, munitions: list[Mention[Munition]], cues: str | None = None) -> None:
        self.doc = doc
        self.ctx = _Context(doc, munitions, cues)
        self.cues = self.ctx.cues
        self.found: list[Mention[Quantity]] = []
        self.rejected: list[int] = []  # numbers that count something else ("12 states")
        self._sent_starts: list[int] | None = None
        arr = doc.to_array([LOWER, SHAPE])
        #: the Doc's LOWER and SHAPE arrays, read for cue phrases and candidates
        self.lower: list[int] = arr[:, 0].tolist()
        self.shapes: list[int] = arr[:, 1].tolist()

    # -- exclusions --------------------------------------------------------------------------

    def _is_date_or_money(self, num: _Num) -> bool:
        doc = self.doc
        before = doc[num.start - 1] if num.start > 0 else None
        after = doc[num.end] if num.end < len(doc) else None
        if before is not None and (before.lower_ in _CURRENCY or before.text[:1] in _CURRENCY_SYMBOLS):
            return True
        if before is not None and before.lower_ in _MONTHS and before.text[:1].isupper():
            return True
        if after is not None and after.lower_ in _MONTHS and after.text[:1].isupper():
            return True
        if after is not None and after.lower_ == "of" and num.end + 1 < len(doc) and doc[num.end + 1].lower_ in _MONTHS:
            return True
        text = doc[num.start : num.end].text
        if re.fullmatch(r"(1[89]|20)\d\d", text):
            if before is None or before.lower_ in _YEAR_LEAD or doc[num.start].ent_type_ == "DATE":
                return True
            if after is None or after.tag_ not in ("NN", "NNS"):
                return True
        return False

    def _countable_follows(self, i: int) -> bool:
        """A noun of people, states or units follows ("12 states"): a count of something else."""
        doc = self.doc
        h = _first_noun(doc, i)
        return h is not None and (h.lower_ in self.cues.countable or singularise(h.lower_) in self.cues.countable)

    def _non_materiel_follows(self, i: int) -> bool:
        doc = self.doc
        if i >= len(doc):
            return False
        two = f"{doc[i].lower_} {doc[i + 1].lower_}" if i + 1 < len(doc) else ""
        one = doc[i].lower_
        if i + 1 < len(doc) and one == "-":
            one = doc[i + 1].lower_
        non = self.cues.nonmateriel
        return one in non or singularise(one) in non or two in non

    # -- counted noun --------------------------------------------------------------------------

    def _count(self, start: int, end: int) -> _Count | None | Literal[False]:
        """Counted noun after the number tokens [start, end). None: elided; False: not materiel."""
        doc, ctx = self.doc, self.ctx
        j = end
        while j < len(doc) and doc[j].text in _SKIP_QUOTES:
            j += 1
        if self._non_materiel_follows(j):
            return False
        m = ctx.mention_after(j)
        if m is not None:
            m = ctx.coordinated_head(m)
            return _Count(start, m.end, m.head, ctx.unit_of(m))
        if j < len(doc) and doc[j].lower_ == "of":
            k = j + 1
            if any(t.lower_ in _NOT_PARTITIVE or t.tag_ == "JJS" for t in doc[k : k + 3]):
                return False  # "one of the few systems", "one of the largest"
            m = ctx.mention_after(k, limit=5, determiners=True)
            if m is not None:
                return _Count(start, m.end, m.head, ctx.unit_of(m))
            h = _first_noun(doc, k, limit=5)
            if h is None:
                return False
            if h.lower_ in _PRONOUNS:
                # "three of them French-built Rafale fighters": the noun said after the pronoun
                m = ctx.mention_after(h.i + 1, limit=3, determiners=True)
                if m is not None and not _names_only(doc, m):
                    return _Count(start, h.i + 1, m.head, ctx.unit_of(m))
            return self._noun_count(start, h)
        root = self._root(start, end)
        if doc.has_annotation("DEP") and root.head.i >= end and root.dep_ in ("nummod", "quantmod", "compound", "amod", "nmod"):
            h = root.head
            if h.i in ctx.owner:
                mm = ctx.owner[h.i]
                return _Count(start, mm.end, mm.head, ctx.unit_of(mm))
            if h.tag_ in _NOUN_TAGS and h.i - end <= 4:
                return self._noun_count(start, h)
        k = j
        while k < len(doc) and doc[k].lower_ in _MORE:
            k += 1
        if k > j and (k >= len(doc) or doc[k].tag_ not in _NOUN_TAGS or doc[k].ent_type_ in ("DATE", "TIME")):
            return None  # "will send 6 more next month": "more" ends the count, its noun is elided
        h = _first_noun(doc, j)
        if h is not None:
            return self._noun_count(start, h)
        if j < len(doc) and doc[j].tag_ in _NOUN_TAGS and doc[j].i not in ctx.owner:
            return False  # an unknown proper noun follows ("24 Kyiv")
        return None

    def _noun_count(self, start: int, h: Token) -> _Count | None | Literal[False]:
        if h.i in self.ctx.owner:
            m = self.ctx.owner[h.i]
            return _Count(start, m.end, m.head, self.ctx.unit_of(m))
        unit = self.ctx.noun_unit(h)
        if unit is None:
            return None
        if unit is False:
            return False
        return _Count(start, h.i + 1, h.i, unit)

    def _root(self, start: int, end: int) -> Token:
        doc = self.doc
        if not doc.has_annotation("DEP"):
            return doc[end - 1]
        for t in doc[start:end]:
            if not (start <= t.head.i < end) or t.head.i == t.i:
                return t
        return doc[end - 1]

    def _antecedent(self, i: int) -> str | None:
        """Unit of the noun an elided count refers to: in this sentence, else the previous
        one, the last counted materiel noun ("19 jets and ... 24"), else the last munition
        mentioned ("Deliveries of 155mm shells will rise to 3,000 a month")."""
        doc = self.doc
        if self._sent_starts is None:
            sents = doc.has_annotation("SENT_START") or doc.has_annotation("DEP")
            self._sent_starts = [sent.start for sent in doc.sents] if sents else []
        prev_start, start = _sentence_bounds(i, self._sent_starts)
        # "Its air defences shot down 70 of them": the clause's subject is not what "them" is
        partitive = i + 1 < len(doc) and doc[i + 1].lower_ == "of"
        subject = clause_subject_tokens(doc[i]) if partitive and doc.has_annotation("DEP") else set()
        rejected = [r for r in self.rejected if start <= r < i]
        if rejected and not any(rejected[-1] < q.head < i for q in self.found):
            return None  # "12 states in 2023, down from 31": the count before it was of something else
        for lo, hi in ((start, i), (prev_start, start)):
            counted = [q for q in self.found if lo <= q.head < hi and q.value.unit and q.head not in subject]
            if counted:
                return max(counted, key=lambda q: q.head).value.unit
            mentioned = [m for m in self.ctx.munitions if lo <= m.head < hi and m.head not in subject]
            if mentioned:
                return self.ctx.unit_of(max(mentioned, key=lambda m: m.head))
        return None

    # -- cues --------------------------------------------------------------------------------

    def _cue_before(self, i: int) -> tuple[int, list[CueEntry]]:
        lower = self.lower
        cues: list[CueEntry] = []
        start = i
        for _ in range(2):
            hit = None
            for n in (3, 2, 1):
                if start - n < 0:
                    continue
                key = tuple(lower[start - n : start])
                if key in self.cues.before:
                    hit = (n, self.cues.before[key])
                    break
            if hit is None:
                break
            start -= hit[0]
            cues.append(hit[1])
        return start, cues

    def _cue_after(self, i: int) -> tuple[int, list[CueEntry]]:
        doc = self.doc
        if i + 2 < len(doc) and doc[i].text == "(" and doc[i + 1].like_num and doc[i + 2].text == ")":
            i += 3  # "six (6) guidance sections"
        if i + 1 < len(doc) and doc[i].text == "-" and not doc[i - 1].whitespace_ and not doc[i].whitespace_:
            i += 1  # "1,000-plus", "300-odd"
        for n in (2, 1):
            if i + n <= len(doc):
                key = tuple(self.lower[i : i + n])
                if key in self.cues.after:
                    return i + n, [self.cues.after[key]]
        return i, []

    def _vague_at(self, i: int) -> tuple[int, float] | None:
        lower = self.lower
        for n in (3, 2, 1):
            key = tuple(lower[i : i + n])
            if len(key) == n and key in self.cues.vague:
                return i + n, self.cues.vague[key]
        return None

    # -- main loop ---------------------------------------------------------------------------

    def run(self) -> list[Mention[Quantity]]:
        doc = self.doc
        resume = 0
        for i in _candidates(doc, self.lower, self.shapes, self.cues.vague_first):
            if i < resume:
                continue
            if i in self.ctx.owner:
                resume = self.ctx.owner[i].end
                continue
            resume = max(self._at(i), i + 1)
        return self.found

    def _at(self, i: int) -> int:
        doc = self.doc
        if 1 < i < len(doc) - 1 and doc[i - 1].text == "(" and doc[i + 1].text == ")" and doc[i - 2].like_num:
            return i + 2  # "four hundred (400)": the figure repeated in brackets
        vague = self._vague_at(i)
        if vague is not None:
            end, lower = vague
            return self._emit(i, end, None, lower, None, vague=True)
        num = _read_number(self.doc, i)
        if num is None:
            return i + 1
        if self._is_date_or_money(num) or self._is_calibre(num.end) or self._in_name(num) or self._model_number(num):
            return num.end
        found = self._range_end(num)
        if found is None:
            return self._emit(i, num.end, num.value, None, None)
        second, lower = found
        if self._is_date_or_money(second):
            return second.end
        return self._emit(i, second.end, None, lower, second.value, range_=True)

    def _in_name(self, num: _Num) -> bool:
        """A number that continues a proper name before it, on the same noun: a model
        designation ("291 Altius 600M systems", "Switchblade 300 drones"), not a count. "sent
        Ukraine 300 tanks" is a count: there the name is the verb's, not the noun's."""
        doc = self.doc
        if num.start == 0 or not doc.has_annotation("DEP"):
            return False
        prev, first = doc[num.start - 1], doc[num.start]
        if prev.tag_ not in ("NNP", "NNPS") or prev.ent_type_ in ("GPE", "NORP", "LOC") or not _is_digit_token(first):
            return False  # designations are digits after a name; "given Kyiv three Patriot systems" counts
        return _phrase_noun(prev).i == _phrase_noun(first).i != first.i

    def _model_number(self, num: _Num) -> bool:
        """A number that names a model by the variant word after it ("737 Max jets")."""
        doc = self.doc
        return num.end < len(doc) and doc[num.end].lower_ in self.cues.variants and _is_digit_token(doc[num.end - 1])

    def _length(self, start: int, end: int, count: _Count) -> bool:
        """"37m patrol boats": metres of a platform, not 37 million of them."""
        m = self.ctx.owner.get(count.head)
        return m is not None and m.value.category in _PLATFORMS \
            and bool(re.fullmatch(r"\d+(?:\.\d+)?m", self.doc[start:end].text.lower()))

    def _is_calibre(self, i: int) -> bool:
        doc = self.doc
        if i < len(doc) and doc[i].text in ("-", "–"):
            i += 1
        return i < len(doc) and doc[i].lower_ in _CALIBRE_UNITS

    def _range_end(self, num: _Num) -> tuple[_Num, float] | None:
        """The upper number of a range starting with ``num`` ("4 to 6 million", "between four
        and eight", "two or three") and the lower bound, scaled like the upper one ("4" → 4
        million); None when no range follows or its ends are out of order."""
        doc = self.doc
        j = num.end
        if j + 1 >= len(doc):
            return None
        conn = doc[j].lower_
        between = num.start > 0 and doc[num.start - 1].lower_ == "between"
        if conn in ("-", "–", "to") or (conn == "and" and between) or conn == "or":
            second = _read_number(doc, j + 1)
            if second is None:
                return None
            lower = num.value
            if num.scale == 1 and second.scale > 1 and lower * second.scale <= second.value:
                lower *= second.scale
            if lower <= second.value:
                return second, lower
        return None

    def _emit(
        self,
        start: int,
        end: int,
        value: float | None,
        lower: float | None,
        upper: float | None,
        *,
        vague: bool = False,
        range_: bool = False,
    ) -> int:
        """Record the quantity of number tokens [start, end) if it counts materiel; return
        the index to continue scanning from."""
        doc = self.doc
        cue_start, before = self._cue_before(start)
        if cue_start > 0 and doc[cue_start - 1].lower_ in ("between", "from") and range_:
            cue_start -= 1
        after_end, after = self._cue_after(end)
        rate = any(c.bound is None and not c.approximate for c in after)
        count = None if rate else self._count(start, after_end)  # "3,000 a month": noun elided
        if count and self._length(start, end, count):
            return after_end
        if count is False:
            if self._countable_follows(after_end):
                self.rejected.append(start)
            return after_end
        approximate = any(c.approximate for c in before + after)
        number = value
        for c in before + after:
            if c.bound == "lower" and number is not None and lower is None:
                lower = number
            elif c.bound == "upper" and number is not None and upper is None:
                upper = number
        if vague:
            if count is None:
                return after_end
        if count is None:
            if not self._may_elide(start, end, value):
                return after_end
            unit = self._antecedent(start)
            if unit is None:
                return after_end
            count = _Count(start, after_end, self._root(start, end).i, unit, elided=True)
        span_end = count.end if count.end - after_end <= 8 and not count.elided else after_end
        span_end = max(span_end, after_end)
        text, span = char_span(doc, cue_start, span_end)
        quantity = Quantity(
            text=text, span=span, value=number, lower=lower, upper=upper, approximate=approximate, unit=count.unit
        )
        self.found.append(Mention(cue_start, span_end, count.head, quantity))
        return after_end

    def _may_elide(self, start: int, end: int, value: float | None) -> bool:
        """An elided noun is read only for a plain count ("24", "ten or more"): not for "one"
        on its own, a number inside a date or time, a number after a noun it labels, the
        object of a casualty verb, or "the two" as a subject."""
        doc = self.doc
        if value is None or not doc.has_annotation("TAG"):
            return False  # without tags an unknown noun cannot be told from an elided one
        if end - start == 1 and doc[start].lower_ == "one" and not (
            end + 1 < len(doc) and doc[end].lower_ == "of" and doc[end + 1].lower_ in _PRONOUNS
        ):
            return False  # "one" on its own is an article-like word; "one of them" counts
        for t in doc[start:end]:
            if t.ent_type_ in ("TIME", "PERCENT", "ORDINAL"):
                return False
            if t.ent_type_ == "DATE" and any(e.start < start or e.end > end for e in doc.ents if e.start <= t.i < e.end):
                return False  # part of a longer date ("24 August")
        if not doc.has_annotation("DEP"):
            return True
        root = self._root(start, end)
        if root.head.tag_.startswith("VB") and root.head.lower_ in self.cues.nonmateriel:
            return False  # "the strike killed 12", "at least 12 were wounded"
        if start > 0:
            prev = doc[start - 1]
            if root.head.i == prev.i and prev.tag_ in _NOUN_TAGS and prev.text[:1].isupper() and prev.ent_type_ != "GPE":
                return False  # a label: "Article 5" (not "the Dutch government 24", "and Belgium 30")
            if prev.lower_ == "the" and root.dep_ in ("nsubj", "nsubjpass") and value <= 10:
                return False  # "the two agreed": people, not a count of materiel
        return True


_MORE = frozenset({"more", "additional", "further", "extra"})
_PLATFORMS = frozenset({MunitionCategory.ship, MunitionCategory.aircraft, MunitionCategory.tank,
                        MunitionCategory.armored_vehicle, MunitionCategory.drone})


def _phrase_noun(tok):
    """The noun a pre-modifier belongs to: up through compounds and modifiers to the right."""
    while tok.dep_ in ("compound", "nummod", "nmod", "amod") and tok.head.i > tok.i:
        tok = tok.head
    return tok


def _candidates(doc: Doc, lower: list[int], shapes: list[int], vague_first: frozenset[int]) -> list[int]:
    """Tokens where a number or vague count can start: a digit ("13,000", ".50"), a number
    word, a vague-count word (``vague_first``: LOWER hashes), or "a"/"an"/"half" before a
    scale word. Read from the Doc's LOWER and SHAPE arrays, so no Token object is built for
    the other tokens."""
    strings = doc.vocab.strings
    starters = _NUMBER_WORD_HASHES | vague_first
    scales = _SCALE_HASHES
    out: list[int] = []
    for i, (low, shape) in enumerate(zip(lower, shapes)):
        if low in starters:
            out.append(i)
        elif low in _ARTICLE_HASHES:
            if i + 1 < len(lower) and (lower[i + 1] in scales or lower[i + 1] in _ARTICLE_HASHES
                                       or lower[i + 1] in _SCORE_HYPHEN):
                out.append(i)
        else:
            digit = _SHAPE_STARTS_DIGIT.get(shape)
            if digit is None:
                digit = _SHAPE_STARTS_DIGIT[shape] = strings[shape][:1] == "d" or strings[shape][:2] == ".d"
            if digit:
                out.append(i)
    return out


@cache
def _hashes(words: frozenset[str]) -> frozenset[int]:
    return frozenset(hash_string(w) for w in words)


_NUMBER_WORD_HASHES = _hashes(frozenset(_UNITS) | frozenset(_TENS))
_SCALE_HASHES = _hashes(frozenset(_WORD_SCALES))
_ARTICLE_HASHES = frozenset(hash_string(w) for w in ("a", "an", "half"))
#: What else can follow an article-like starter: "a score of", "half-a-dozen".
_SCORE_HYPHEN = frozenset(hash_string(w) for w in ("score", "-"))
#: Token shape hash → whether the token starts with a digit (filled as shapes are seen).
_SHAPE_STARTS_DIGIT: dict[int, bool] = {}


def _sentence_bounds(i: int, starts: list[int]) -> tuple[int, int]:
    """(start of the previous sentence, start of the sentence) around token ``i``."""
    if not starts:
        return max(0, i - 60), max(0, i - 30)
    k = bisect_right(starts, i) - 1
    return starts[max(0, k - 1)], starts[max(0, k)]


def find_quantities(doc: Doc, munitions: list[Mention[Munition]], cues: str | None = None) -> list[Mention[Quantity]]:
    """Every materiel quantity in ``doc``, in document order.

    ``munitions`` are the Doc's munition mentions (``MunitionFinder.find``): they decide
    which nouns count materiel, and their tokens (calibres, model numbers) are never counts.
    ``cues`` is the path of a cue lexicon (default: the packaged one).
    """
    return _Finder(doc, munitions, cues).run()
