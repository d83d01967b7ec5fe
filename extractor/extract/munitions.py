"""Munition mentions: a taxonomy lexicon, calibre parsing and noun-phrase assembly.

The taxonomy (``extractor/data/munitions.jsonl``) has five kinds of entry:

* ``generic`` — a term of the field ("artillery shell", "cruise missile", "howitzer");
* ``system`` — a named system ("Shahed-136", "HIMARS", "Leopard 2") with its generic ``noun``,
  an optional default calibre and, for launchers and platforms, the ``ammo`` category of
  what they fire ("Patriot" → air-defence system, its missiles → air-defence missiles);
* ``family`` — a model-designation prefix ("Su" in "Su-35", "KN" in "KN-23") for systems not
  listed one by one;
* ``block`` — a phrase that looks like materiel but is not ("think tank", "cargo ship");
* ``block_head`` — a noun that turns a munition modifier into something else ("missile
  *programme*", "ammunition *depot*").

Aliases are written singular; plurals, British/American spellings and hyphen/space variants
are generated when the lexicon is compiled. All aliases go into one ``PhraseMatcher`` (LOWER);
a scan of the tokens that hold a digit finds model designations and calibres by shape. Adjacent pieces of
one noun phrase ("Caesar 155mm self-propelled howitzers", "Patriot air defence missiles") are
assembled into a single munition whose category is decided by the head noun and the
modifiers (a more specific modifier, or a named system's munition type, wins).
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

from pydantic import model_validator
from spacy.attrs import DEP, ENT_TYPE, IS_ALPHA, LOWER, SHAPE
from spacy.strings import get_string_id, hash_string
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

from .. import vocabulary
from ..lexicon import LexiconEntry, load_lexicon
from ..models import Munition, MunitionCategory
from .base import DESIGNATION, Mention, char_span, shape_tokens
from .clauses import RELATIVE_PRONOUNS, relative_antecedent
from .spans import CLAIMS, QUANTITIES, read_mentions

log = logging.getLogger(__name__)

C = MunitionCategory
LEXICON_FILE = "munitions.jsonl"

#: Categories of things that are fired, dropped or laid (as opposed to platforms).
AMMO_CATS = frozenset(
    {
        C.artillery_shell, C.rocket, C.ballistic_missile, C.cruise_missile, C.anti_tank_missile,
        C.air_defense_missile, C.missile, C.small_arms_ammunition, C.ammunition, C.mine, C.bomb,
        C.grenade,
    }
)
#: What a bare "round" can be, decided by the document's other mentions.
ROUND_KINDS = frozenset({C.artillery_shell, C.small_arms_ammunition, C.rocket})
MISSILE_CATS = frozenset({C.ballistic_missile, C.cruise_missile, C.anti_tank_missile, C.air_defense_missile, C.missile})
#: Categories of launchers, vehicles and weapons that carry or fire munitions.
PLATFORM_CATS = frozenset(
    {C.drone, C.tank, C.armored_vehicle, C.artillery_system, C.air_defense_system, C.aircraft, C.ship, C.small_arms}
)
#: Generic noun used as the counted unit of a named system without its own noun.
DEFAULT_NOUN = {
    C.artillery_shell: "artillery shell", C.rocket: "rocket", C.ballistic_missile: "ballistic missile",
    C.cruise_missile: "cruise missile", C.anti_tank_missile: "anti-tank missile",
    C.air_defense_missile: "air defence missile", C.missile: "missile", C.drone: "drone",
    C.small_arms_ammunition: "round", C.small_arms: "rifle", C.tank: "tank",
    C.armored_vehicle: "armoured vehicle", C.artillery_system: "artillery system",
    C.air_defense_system: "air defence system", C.aircraft: "aircraft", C.ship: "ship", C.mine: "mine",
    C.bomb: "bomb", C.grenade: "grenade", C.ammunition: "ammunition", C.weapon: "weapon", C.other: "equipment",
}


def _rank(cat: MunitionCategory) -> int:
    """Specificity of a category: vague (weapon/other) < ammunition < missile < the rest."""
    if cat in (C.weapon, C.other):
        return 0
    if cat is C.ammunition:
        return 1
    if cat is C.missile:
        return 2
    return 3


class MunitionEntry(LexiconEntry):
    """One line of ``munitions.jsonl``."""

    kind: Literal["generic", "system", "family", "block", "block_head"]
    category: MunitionCategory | None = None
    aliases: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()
    name: str | None = None
    noun: str | None = None
    caliber_mm: float | None = None
    ammo: MunitionCategory | None = None
    #: How a head noun combines with modifiers: ``final`` keeps its own category unless a
    #: modifier is more specific; ``open`` ("munitions", "systems", "equipment") takes the
    #: modifier's identity; ``measure`` ("rounds") also takes an ``of`` complement; ``fixed``
    #: ("air-to-air missiles") keeps its own category whatever names it.
    head: Literal["final", "open", "measure", "fixed"] = "final"
    #: False for nouns that are only munitions inside a larger phrase ("Patriot *systems*").
    standalone: bool = True
    #: True for nouns with a common non-military sense ("fighters"): kept only when the
    #: document mentions another munition of the same category.
    ambiguous: bool = False
    #: Match only with the listed capitalisation (acronyms and names that are also words).
    cased: bool = False
    #: Generate the plural of the aliases (false for mass nouns and acronyms ending in S).
    plural: bool = True
    #: A noun that stands for a named system mentioned before ("the system", "three
    #: batteries"): it takes the nearest named launching platform, else the nearest named missile.
    refers: bool = False
    #: An air-to-air missile (AMRAAM, Sidewinder): a ``missile``, but an air-defence missile in
    #: a document that names a ground air-defence system, which fires it as an interceptor.
    air_to_air: bool = False

    @model_validator(mode="after")
    def _shape(self) -> "MunitionEntry":
        needs_category = self.kind in ("generic", "system", "family")
        if needs_category and self.category is None:
            raise ValueError(f"a {self.kind} entry needs a category")
        if not needs_category and self.category is not None:
            raise ValueError(f"a {self.kind} entry has no category")
        if self.kind == "system" and not self.name:
            raise ValueError("a system entry needs a name")
        if self.kind == "family" and not self.prefixes:
            raise ValueError("a family entry needs prefixes")
        if self.kind != "family" and not self.aliases:
            raise ValueError(f"a {self.kind} entry needs aliases")
        return self


def _entry_keys(entry: MunitionEntry) -> Iterator[str]:
    yield from (a.lower() for a in entry.aliases)
    yield from (f"prefix:{p}" for p in entry.prefixes)


# --- calibre ---------------------------------------------------------------------------------

#: Standard calibres (mm) that an inch conversion snaps to.
STANDARD_CALIBRES = (
    5.45, 5.56, 7.62, 9.0, 12.7, 14.5, 20.0, 23.0, 25.0, 30.0, 35.0, 40.0, 57.0, 60.0, 70.0, 73.0, 76.0,
    81.0, 82.0, 84.0, 90.0, 100.0, 105.0, 107.0, 114.0, 115.0, 120.0, 122.0, 125.0, 127.0, 130.0,
    140.0, 152.0, 155.0, 160.0, 170.0, 203.0, 220.0, 227.0, 240.0, 300.0, 406.0,
)
_NUM = r"(\d+(?:\.\d+)?|\.\d+)"
_CALIBRE_RE = re.compile(
    rf"(?<![\w.]){_NUM}(?:\s*[x×]\s*\d+(?:\.\d+)?)?\s*-?\s*"
    r"(?P<unit>mm\b|millimet(?:re|er)s?\b|inch(?:es)?\b|in\.|\"|calib(?:re|er)\b|cal\b)",
    re.IGNORECASE,
)


def inches_to_mm(inches: float) -> float:
    """Convert inches to millimetres, snapping to a standard calibre within ~2 mm."""
    mm = inches * 25.4
    tolerance = min(2.0, 0.03 * mm)
    best = min(STANDARD_CALIBRES, key=lambda c: abs(c - mm))
    return best if abs(best - mm) <= tolerance else round(mm, 1)


def parse_calibre(text: str) -> float | None:
    """Calibre in millimetres of the first calibre expression in ``text``, or None.

    "152mm", "155-millimetre", "12.7x108mm" → as stated; "6-inch" → 152, "6.1-inch" → 155
    (converted and snapped to the standard calibre); ".50-calibre", ".50 cal" → 12.7 (a
    calibre in hundredths of an inch when written without the point: "50-calibre").
    """
    m = _CALIBRE_RE.search(text)
    if m is None:
        return None
    value = float(m.group(1))
    unit = m.group("unit").lower()
    if unit.startswith(("mm", "millimet")):
        return value
    if unit.startswith(("calib", "cal")):
        if value >= 1:
            value /= 100.0
        return inches_to_mm(value)
    return inches_to_mm(value)


# --- alias variants ----------------------------------------------------------------------------

_SPELLING = (
    ("armour", "armor"), ("defence", "defense"), ("calibre", "caliber"), ("millimetre", "millimeter"),
    ("programme", "program"), ("metre", "meter"), ("aeroplane", "airplane"),
)
_UNCHANGED_PLURAL = {"aircraft", "ammo", "equipment", "hardware", "weaponry", "ordnance", "artillery",
                     "materiel", "kit", "spare", "microelectronics", "supplies", "arms", "goods", "craft"}


def _spellings(text: str) -> set[str]:
    out = {text}
    for uk, us in _SPELLING:
        for s in list(out):
            out.add(re.sub(uk, us, s, flags=re.IGNORECASE))
            out.add(re.sub(us, uk, s, flags=re.IGNORECASE))
    return out


def _hyphen_variants(text: str) -> set[str]:
    if "-" not in text:
        return {text}
    return {text, text.replace("-", " "), text.replace("-", "")}


def pluralise(word: str) -> str | None:
    """English plural of ``word``'s last word (None when it does not inflect)."""
    last = word.rsplit(" ", 1)[-1]
    low = last.lower()
    if low in _UNCHANGED_PLURAL or not last[-1:].isalnum():
        return None
    if last[-1].isdigit() or last.isupper() or (last[-1].isupper()):
        return word + "s"  # F-16s, AT4s, TB2s
    if low.endswith(("s", "x", "ch", "sh")):
        return None if last[0].isupper() else word + "es"
    if low.endswith("y") and low[-2:-1] not in tuple("aeiou"):
        return word[:-1] + "ies"
    return word + "s"


def singularise(word: str) -> str:
    """Rough singular of an English noun (used for the counted unit)."""
    low = word.lower()
    if low in _UNCHANGED_PLURAL or len(low) <= 3:
        return low
    if low.endswith("ies") and len(low) > 4:
        return low[:-3] + "y"
    if low.endswith(("sses", "xes", "ches", "shes")):
        return low[:-2]
    if low.endswith("s") and not low.endswith(("ss", "us", "is")):
        return low[:-1]
    return low


@dataclass(frozen=True, slots=True)
class _Variant:
    entry: MunitionEntry
    singular: str  # the alias as written, singular, lower case
    exact: frozenset[str]  # accepted surface forms of a cased entry (empty: any case)


@dataclass(frozen=True)
class _Lexicon:
    entries: dict[str, MunitionEntry]
    variants: dict[tuple[str, ...], _Variant]  # lower-case token tuple → variant
    prefixes: dict[str, MunitionEntry]  # model-designation prefix → family entry
    block_heads: frozenset[str]


def _surface_forms(entry: MunitionEntry) -> Iterator[tuple[str, str]]:
    """(surface form, its singular) for every generated variant of the entry's aliases."""
    inflect = entry.plural or entry.kind == "block_head"
    for alias in entry.aliases:
        for sp in sorted(_spellings(alias)):
            for form in sorted(_hyphen_variants(sp)):
                yield form, form.lower()
                plural = pluralise(form) if inflect else None
                if plural:
                    yield plural, form.lower()


@cache
def alias_tokenizer():
    """A blank English tokenizer (once per process) to split lexicon phrases into the tokens
    the model's tokenizer produces."""
    import spacy

    return spacy.blank("en").tokenizer


@cache
def _lexicon(path: str | None = None) -> _Lexicon:
    """The compiled taxonomy at ``path`` (default: the packaged one), once per process."""
    tokenizer = alias_tokenizer()
    entries = load_lexicon(path, LEXICON_FILE, MunitionEntry, keys=_entry_keys)
    variants: dict[tuple[str, ...], _Variant] = {}
    prefixes: dict[str, MunitionEntry] = {}
    block_heads: set[str] = set()
    generated: list[tuple[tuple[str, ...], _Variant]] = []
    for entry in entries:
        if entry.kind == "block_head":
            block_heads.update(form.lower() for form, _ in _surface_forms(entry))
            continue
        for p in entry.prefixes:
            prefixes[p] = entry
        forms = list(_surface_forms(entry))
        exact = frozenset(f for f, _ in forms) if entry.cased else frozenset()
        for form, singular in forms:
            generated.append((tuple(t.lower_ for t in tokenizer(form)), _Variant(entry, singular, exact)))
    # Listed aliases first: a generated variant never shadows another entry's alias.
    listed = {a.lower() for e in entries for a in e.aliases}
    for key, variant in sorted(generated, key=lambda kv: " ".join(kv[0]) not in listed):
        variants.setdefault(key, variant)
    log.debug("munition lexicon: %d entries, %d variants", len(entries), len(variants))
    return _Lexicon({e.id: e for e in entries}, variants, prefixes, frozenset(block_heads))


# --- pieces and chains -------------------------------------------------------------------------

_MODEL_NUM = re.compile(r"^\d+[A-Za-z0-9]*$")
_VARIANT = re.compile(r"^\d+[A-Z][A-Z0-9]*$")
_CAL_NUM = re.compile(r"^(\d+(\.\d+)?([x×]\d+(\.\d+)?)?|\.\d+)$")
_CAL_TOKEN = re.compile(r"^\d+(\.\d+)?([x×]\d+)?mm(/\d+)?$", re.IGNORECASE)
_CAL_UNITS = frozenset(vocabulary.calibre_units())
_CLASS, _BLOCK = hash_string("class"), hash_string("block")
_ROMAN = re.compile(r"^(?:I{1,3}|IV|VI{0,3}|IX|X)[A-Z]?$")
_MODEL_NUMBER = re.compile(r"^\d{1,3}[A-Z]?$")
_PLACE_ENTS = {"GPE", "NORP", "LOC", "DATE", "TIME", "CARDINAL", "MONEY"}
_GAP_TAGS = {"JJ", "JJR", "JJS", "VBN", "HYPH"}
_GAP_TEXT = {"-", "–", "(", ")", "/"}
_VERB_TAGS = {"VB", "VBD", "VBG", "VBN", "VBP", "VBZ"}
_NON_NOUN_TAGS = {"PRP", "PRP$", "IN", "RB", "RP", "WP", "DT", "MD", "TO"}


@dataclass(slots=True)
class _Piece:
    """A lexicon match, a calibre or a model designation: tokens [start, end)."""

    start: int
    end: int
    kind: Literal["lex", "cal", "shape", "block"]
    entry: MunitionEntry | None = None
    caliber: float | None = None
    label: str | None = None  # a designation read from the text ("Type 054A", "Hangor", "Block V")
    ship_class: bool = False  # a class name ("Hangor-class"): names ships only ("world-class jets")

    @property
    def category(self) -> MunitionCategory | None:
        return self.entry.category if self.entry else None

    @property
    def named(self) -> bool:
        return self.kind == "shape" or (self.entry is not None and self.entry.kind in ("system", "family"))

    @property
    def generic(self) -> bool:
        return self.kind == "lex" and self.entry is not None and self.entry.kind == "generic"


@dataclass(slots=True)
class _Chain:
    """Adjacent pieces of one noun phrase ("Caesar" "155mm" "self-propelled howitzers")."""

    pieces: list[_Piece]
    extra: list["_Chain"] = field(default_factory=list)  # "for"/"of" complements
    as_ammo: bool = False  # a conjunct of a "munitions for X and Y" complement

    @property
    def start(self) -> int:
        return self.pieces[0].start

    @property
    def end(self) -> int:
        return max([self.pieces[-1].end] + [c.end for c in self.extra])

    @property
    def head_piece(self) -> _Piece | None:
        """The last piece with a category (a generic noun or a named system alike)."""
        for p in reversed(self.pieces):
            if p.category is not None:
                return p
        return None


def _name_of(piece: _Piece, doc: Doc) -> str | None:
    if piece.label is not None:
        return piece.label
    if piece.kind == "shape":
        text = doc[piece.start : piece.end].text
        if re.search(r"[0-9A-Z]s$", text):
            text = text[:-1]
        return text
    if piece.entry is not None and piece.entry.kind == "system":
        return piece.entry.name
    return None


def _effective(chain: _Chain) -> tuple[MunitionCategory | None, MunitionCategory | None, bool]:
    """(category, ammo category, named) of a chain used as a modifier of another."""
    head = chain.head_piece
    if head is None:
        return None, None, False
    named = [p for p in chain.pieces if p.named and p.entry is not None]
    ammo = head.entry.ammo if head.entry else None
    if named and named[-1].entry.ammo:
        ammo = named[-1].entry.ammo
    return _combine(chain)[0], ammo, bool(named)


def _combine(chain: _Chain) -> tuple[MunitionCategory, MunitionEntry | None]:
    """Category of a chain and the entry that decided it."""
    head = chain.head_piece
    assert head is not None and head.entry is not None
    cat, src = head.entry.category, head.entry
    mods: list[tuple[MunitionCategory, MunitionCategory | None, bool, MunitionEntry | None]] = []
    for p in chain.pieces:
        if p is not head and p.entry is not None and p.category is not None:
            mods.append((p.category, p.entry.ammo, p.named, p.entry))
    for c in chain.extra:
        ecat, eammo, enamed = _effective(c)
        if ecat is not None:
            mods.append((ecat, eammo, enamed, c.head_piece.entry if c.head_piece else None))
    for mcat, mammo, mnamed, mentry in mods:
        if head.entry.head == "fixed":
            break
        if head.entry.head in ("open", "measure"):
            if head.entry.category in AMMO_CATS:
                cand = mammo or (mcat if mcat in AMMO_CATS else None)
            else:
                cand = mcat
            if cand is not None and _rank(cand) >= _rank(cat):
                cat, src = cand, mentry
            continue
        cand = None
        if mnamed and cat in PLATFORM_CATS:
            # "Patriot launchers", "Su-35 fighter jets": a named platform gives its identity; a
            # named munition does not turn the platform noun into it ("Hawk batteries",
            # "Sayyad sniper rifles"), nor a model-prefix guess override a generic platform noun
            # ("SH-15 howitzers", "CH-92A drones")
            family_guess = mentry is not None and mentry.kind == "family" and head.generic
            if mcat in PLATFORM_CATS and not (family_guess and mcat is not cat):
                cand = mcat
        elif cat in AMMO_CATS and mammo:
            cand = mammo
        elif cat in AMMO_CATS and mcat in AMMO_CATS:
            cand = mcat
        if cand is not None and (_rank(cand) > _rank(cat) or (mnamed and _rank(cand) >= _rank(cat))):
            cat, src = cand, mentry
    if chain.as_ammo and head.entry.ammo:
        cat, src = head.entry.ammo, head.entry
    return cat, src


def _variant_only(chain: _Chain) -> bool:
    """A chain named only by a block ("Block IV missiles"), with no system of its own."""
    named = [p for p in chain.pieces if p.named]
    return bool(named) and all(p.label is not None and p.label.startswith("Block ") for p in named)


def _inherit_calibre(mentions: list[Mention[Munition]]) -> list[Mention[Munition]]:
    """Artillery shells without a calibre take the one calibre of the shells the document
    names ("About 524,000 shells will arrive ... 155mm shells within 12 months"); with two
    calibres, which one is meant is left open."""
    seen = {m.value.caliber_mm for m in mentions if m.value.category is C.artillery_shell and m.value.caliber_mm}
    if len(seen) != 1:
        return mentions
    (calibre,) = seen
    return [
        Mention(m.start, m.end, m.head, m.value.model_copy(update={"caliber_mm": calibre}))
        if m.value.category is C.artillery_shell and m.value.caliber_mm is None and m.value.name is None else m
        for m in mentions
    ]


_GUN_WORDS = frozenset({"tank", "tanks", "cannon", "autocannon"})


def _gun_rounds(doc: Doc, pieces: list[_Piece]) -> bool:
    """Rounds of a tank or cannon: "125mm tank rounds", "rounds for Leopard 1 tanks"."""
    return any(p.entry is not None and p.entry.category in (C.tank, C.armored_vehicle) for p in pieces) or any(
        t.lower_ in _GUN_WORDS for p in pieces if p.kind == "lex" for t in doc[p.start : p.end]
    )


def _refine_by_calibre(cat: MunitionCategory, calibre: float | None) -> MunitionCategory:
    """Unspecified ammunition with a calibre: small-arms below 20 mm, artillery from 60 mm."""
    if cat is C.ammunition and calibre is not None:
        if calibre < 20:
            return C.small_arms_ammunition
        if calibre >= 60:
            return C.artillery_shell
    return cat


class MunitionFinder:
    """Find munition mentions in a parsed Doc. Build once per process, call per Doc."""

    def __init__(self, vocab, lexicon: str | None = None) -> None:
        self.vocab = vocab
        self.lexicon = _lexicon(lexicon)
        self.phrases = PhraseMatcher(vocab, attr="LOWER")
        docs = [Doc(vocab, words=list(key)) for key in self.lexicon.variants]
        self.phrases.add("MUNITION", docs)
        #: the variants keyed by their words' LOWER ids, as ``Doc.to_array(LOWER)`` gives them
        #: (a matched span's words are then read without a Token object per word)
        self.variant_ids = {tuple(get_string_id(w) for w in key): v for key, v in self.lexicon.variants.items()}
        self.long_prefixes = frozenset(p for p in self.lexicon.prefixes if len(p) > 1)

    # -- candidate pieces ------------------------------------------------------------------

    def _lex_pieces(self, doc: Doc) -> Iterator[_Piece]:
        tagged = doc.has_annotation("TAG")
        # the words, entity types and alpha flags as ids: the matches are looked up, and most of
        # the checks below ruled out, without a Token object per word
        lowers, ents, alpha = doc.to_array([LOWER, ENT_TYPE, IS_ALPHA]).T.tolist()
        for _, start, end in self.phrases(doc):
            variant = self.variant_ids.get(tuple(lowers[start:end]))
            if variant is None:
                continue
            entry = variant.entry
            if variant.exact and doc[start:end].text not in variant.exact:
                continue
            if tagged and end - start == 1 and entry.kind == "generic" and not _nounlike(doc[start]):
                continue
            if entry.kind != "block" and start >= 2 and lowers[start - 1] == _HYPHEN \
                    and _in_hyphen_compound(doc, start):
                continue  # "twin-engine fighters", "anti-missile defences"
            if entry.kind == "generic" and end + 1 < len(lowers) and lowers[end] == _HYPHEN \
                    and _activity_compound(doc, end):
                continue  # "rocket-making expertise", "drone-producing plants"
            if entry.kind == "system" and ents[start] == _PERSON and _inside_person_name(doc, start, end):
                continue  # "Jeffrey Archer", "Julius Caesar"
            if entry.kind == "generic" and not any(alpha[i] and ents[i] not in _NAME_ENT_IDS for i in range(start, end)) \
                    and _capitalised_name(doc, start, end):
                continue  # "Shell said", "the Missile Defense Agency"
            kind = "block" if entry.kind == "block" else "lex"
            yield _Piece(start, end, kind, entry)

    def _shape_pieces(self, doc: Doc, digits: list[int]) -> Iterator[_Piece]:
        """Calibres ("152mm", "6-inch", ".50 cal") and model designations ("Su-35s", "Su 35",
        "T-72B3", "2A6") found by token shape; only tokens with a digit are looked at."""
        n = len(doc)
        prefixes = self.lexicon.prefixes
        for i in digits:
            tok = doc[i]
            text = tok.text
            if i > 0 and doc[i - 1].text in self.long_prefixes and _MODEL_NUM.match(text):
                yield _Piece(i - 1, i + 1, "shape", prefixes[doc[i - 1].text])
                continue
            if _CAL_TOKEN.match(text):
                yield _Piece(i, i + 1, "cal", caliber=parse_calibre(text))
                continue
            if _CAL_NUM.match(text):
                j = i + 1
                if j < n and doc[j].text in ("-", "–") and not tok.whitespace_:
                    j += 1
                if j < n and doc[j].lower_ in _CAL_UNITS:
                    cal = parse_calibre(doc[i : j + 1].text)
                    if cal is not None:
                        yield _Piece(i, j + 1, "cal", caliber=cal)
                continue
            m = DESIGNATION.match(text)
            if m:
                start = i
                if i > 1 and doc[i - 1].text == "/" and doc[i - 2].text.isupper() and doc[i - 2].is_alpha \
                        and not doc[i - 2].whitespace_ and not doc[i - 1].whitespace_:
                    start = i - 2  # "AN/TPS-77" split at the slash
                yield _Piece(start, i + 1, "shape", prefixes.get(m.group(1)) if start == i else None)
            elif _VARIANT.match(text):
                yield _Piece(i, i + 1, "shape", None)

    @staticmethod
    def _label_pieces(doc: Doc, digits: list[int]) -> Iterator[_Piece]:
        """Designations that are no lexicon entry, read from the text around a munition noun:
        a class name ("Hangor-class", "Virginia class"), a type number ("Type 054A/P", "Type
        56"), a block ("Block V"), a name with a model number ("Al-Mandab 1", "Long-Range 2";
        only when the name belongs to the noun, so "sent Hamas 100 rockets" is a count)."""
        n = len(doc)
        lowers = doc.to_array(LOWER).tolist()
        for i, low in enumerate(lowers):
            if low == _CLASS and i > 0:
                j = i - 1
                if doc[j].text in ("-", "–") and not doc[j].whitespace_ and j > 0:
                    j -= 1
                if j < i and doc[j].is_alpha and doc[j].text[:1].isupper():  # classes are often named after places
                    start = j
                    while start > 0 and doc[start - 1].tag_ == "NNP" and doc[start - 1].ent_type_ not in _PLACE_ENTS:
                        start -= 1
                    yield _Piece(start, i + 1, "shape", label=doc[start : j + 1].text, ship_class=True)
            elif low == _BLOCK and i + 1 < n and doc[i].text == "Block" and _ROMAN.match(doc[i + 1].text):
                yield _Piece(i, i + 2, "shape", label=doc[i : i + 2].text)
        for i in digits:
            if i == 0:
                continue
            prev = doc[i - 1]
            end = i + 1
            if end + 1 < n and doc[end].text == "/" and doc[end + 1].is_alpha and not doc[i].whitespace_ and not doc[end].whitespace_:
                end += 2  # "054A/P"
            if prev.text in ("Type", "Block", "Project"):
                yield _Piece(i - 1, end, "shape", label=doc[i - 1 : end].text)
            elif (
                _MODEL_NUMBER.match(doc[i].text)
                and prev.tag_ in ("NNP", "NNPS")
                and prev.ent_type_ not in _PLACE_ENTS
                and prev.dep_ in ("compound", "nmod", "amod")
                and prev.head.i > i
            ):
                start = i - 1
                while start > 0 and (doc[start - 1].tag_ in ("NNP", "NNPS", "HYPH") or not doc[start - 1].whitespace_) and (
                    doc[start - 1].ent_type_ not in _PLACE_ENTS and doc[start - 1].is_alpha or doc[start - 1].text == "-"
                ) and i - start < 4:
                    start -= 1
                if doc[start].text == "-":
                    start += 1
                if start > 0 and doc[start - 1].tag_ in _VERB_TAGS:
                    continue  # "sell Armenia 36 howitzers": the verb's recipient, then a count
                yield _Piece(start, end, "shape", label=doc[start:end].text)

    @staticmethod
    def _select(pieces: Iterable[_Piece]) -> list[_Piece]:
        """Longest non-overlapping pieces (lexicon over calibre over shape on ties); a label
        gives way to a lexicon entry it overlaps, keeping the part after it ("Spike" |
        "Long-Range 2")."""
        pieces = list(pieces)
        lex = [p for p in pieces if p.kind in ("lex", "block")]
        kept: list[_Piece] = []
        for p in pieces:
            clash = next((q for q in lex if q.start < p.end and p.start < q.end), None) if p.label else None
            if clash is not None:
                if clash.start > p.start or p.end - clash.end < 2:
                    continue
                p = _Piece(clash.end, p.end, "shape")  # named by its text
            kept.append(p)
        pieces = kept
        order = {"block": 0, "lex": 1, "cal": 2, "shape": 3}
        taken: list[_Piece] = []
        used: set[int] = set()
        for p in sorted(pieces, key=lambda p: (-(p.end - p.start), order[p.kind], p.start)):
            if any(i in used for i in range(p.start, p.end)):
                continue
            taken.append(p)
            used.update(range(p.start, p.end))
        return sorted((p for p in taken if p.kind != "block"), key=lambda p: p.start)

    # -- chains ----------------------------------------------------------------------------

    @staticmethod
    def _bridgeable(doc: Doc, left: _Piece, right: _Piece) -> bool:
        """True when ``left`` and ``right`` belong to one noun phrase: adjacent, or separated
        only by adjectives, hyphens, brackets or a noun modifier of the right-hand noun
        ("Harpoon coastal defence missiles", "122mm (4.8-inch) rockets")."""
        if right.start - left.end > 3:
            return False  # (the gap's length, told before its tokens are built)
        gap = doc[left.end : right.start]
        if len(gap) > 3 or "\n" in doc[left.end - 1 : right.start].text:
            return False  # a line break ends a noun phrase (list items)
        if left.named and gap and all(t.tag_ in ("NNP", "HYPH") and t.text[:1].isupper() or t.text == "-" for t in gap) \
                and all(t.text[:1].isupper() for t in doc[right.start : right.end] if t.is_alpha):
            return True  # a name spelt out in title case: "AIM-120D Advanced Medium Range Air-to-Air Missiles"
        for t in gap:
            if t.text in _GAP_TEXT or t.tag_ in _GAP_TAGS:
                continue
            if t.i + 1 < right.start and doc[t.i + 1].text == "-" and not t.whitespace_:
                continue  # the noun of a hyphenated modifier ("truck-mounted")
            if t.tag_ == "NNP" and len(gap) == 1:
                continue
            if t.dep_ == "compound" and left.end <= t.head.i < right.end:
                continue
            return False
        if not gap or left.kind == "cal" or right.kind == "cal" or not doc.has_annotation("DEP"):
            return True
        if left.named and right.generic:
            return True  # "CH-92A armed drones": a designation before its noun's modifiers, whatever the parse
        head = doc[left.start : left.end].root.head.i
        return head >= right.start or doc[left.end - 1].head.i >= left.end

    def _chains(self, doc: Doc, pieces: list[_Piece]) -> list[_Chain]:
        chains: list[_Chain] = []
        for p in pieces:
            if chains and self._bridgeable(doc, chains[-1].pieces[-1], p):
                chains[-1].pieces.append(p)
            else:
                chains.append(_Chain([p]))
        return chains

    def _complements(self, doc: Doc, chains: list[_Chain]) -> list[_Chain]:
        """Attach "munitions for X" and "rounds of X" complements; drop unattached "rounds of"."""
        out: list[_Chain] = []
        i = 0
        while i < len(chains):
            chain = chains[i]
            head = chain.head_piece
            nxt = chains[i + 1] if i + 1 < len(chains) else None
            prep = doc[chain.end].lower_ if chain.end < len(doc) else ""
            if head is not None and head.entry is not None and prep in ("for", "of"):
                takes_for = head.entry.head in ("open", "measure") or head.entry.category is C.other
                takes_of = head.entry.head == "measure"
                wanted = (prep == "for" and takes_for) or (prep == "of" and takes_of)
                linked = nxt is not None and wanted and _only_determiners(doc[chain.end + 1 : nxt.start])
                if linked:
                    chain.extra.append(nxt)
                    out.append(chain)
                    if prep == "for":
                        self._mark_conjuncts(doc, nxt, chains[i + 2 :])
                    i += 2
                    continue
                if prep == "of" and takes_of:
                    i += 1  # "rounds of talks": not materiel
                    continue
            out.append(chain)
            i += 1
        return out

    @staticmethod
    def _mark_conjuncts(doc: Doc, target: _Chain, rest: list[_Chain]) -> None:
        if not doc.has_annotation("DEP"):
            return
        heads = {doc[target.pieces[-1].end - 1].i}
        for c in rest:
            tok = doc[c.pieces[-1].end - 1]
            if tok.dep_ == "conj" and tok.head.i in heads:
                c.as_ammo = True
                heads.add(tok.i)
            else:
                break

    def _blocked_by_head(self, doc: Doc, chain: _Chain) -> bool:
        tok = doc[chain.pieces[-1].end - 1]
        if doc.has_annotation("DEP"):
            if tok.dep_ in ("compound", "amod", "nmod") and tok.head.i > tok.i:
                return tok.head.lower_ in self.lexicon.block_heads
            if tok.dep_ == "conj" and tok.head.dep_ in ("compound", "nmod") and tok.head.head.i > tok.i:
                return tok.head.head.lower_ in self.lexicon.block_heads
            return False
        return chain.end < len(doc) and doc[chain.end].lower_ in self.lexicon.block_heads

    # -- public ----------------------------------------------------------------------------

    def find(self, doc: Doc) -> list[Mention[Munition]]:
        """All munition mentions of ``doc``, sorted, non-overlapping."""
        digits = _digit_tokens(doc)
        pieces = self._select(
            list(self._lex_pieces(doc)) + list(self._shape_pieces(doc, digits)) + list(self._label_pieces(doc, digits))
        )
        if not pieces:
            return []
        chains = self._complements(doc, self._chains(doc, pieces))
        built: list[tuple[_Chain, Mention[Munition], bool]] = []
        for k, chain in enumerate(chains):
            head = chain.head_piece
            if head is None and k + 1 < len(chains):
                shared = self._shared_head(doc, chain, chains[k + 1])
                if shared is not None:
                    built.append((chain, shared, False))
                continue
            if head is None or head.entry is None or self._blocked_by_head(doc, chain):
                continue
            single = len([p for p in chain.pieces if p.category]) == 1 and not chain.extra
            if single and not head.entry.standalone and not _definite(doc, chain.start) and not head.entry.refers:
                continue
            ambiguous = single and head.entry.ambiguous
            if ambiguous and chain.start > 0 and (_group_name(doc[chain.start - 1]) or doc[chain.start - 1].lower_ in _POSSESSIVE):
                continue  # "Houthi fighters", "Hamas fighters", "its fighters": people
            built.append((chain, self._mention(doc, chain), ambiguous))
        sure = {m.value.category for _, m, amb in built if not amb}
        kept = [(c, m) for c, m, amb in built if not amb or m.value.category in sure]
        resolved = _same_weapon(doc, self._resolve_definites(doc, self._interceptors(kept)))
        return _without_umbrellas(doc, _without_carriers(doc, resolved))

    def _interceptors(self, chains: list[tuple[_Chain, Mention[Munition]]]) -> list[tuple[_Chain, Mention[Munition]]]:
        """Air-to-air missiles as interceptors where the document names a ground air-defence
        system (NASAMS fires AMRAAMs); "air-to-air missiles" said in words stay missiles."""
        pieces = [p for c, _ in chains for p in c.pieces + [q for e in c.extra for q in e.pieces]]
        if not any(p.category is C.air_defense_system for p in pieces):
            return chains  # "munitions for Patriot systems" names one too
        out = []
        for c, m in chains:
            entry = self.lexicon.entries.get(m.value.taxonomy_id or "")
            if m.value.category is C.missile and entry is not None and entry.air_to_air:
                m = Mention(m.start, m.end, m.head, m.value.model_copy(update={"category": C.air_defense_missile}))
            out.append((c, m))
        return out

    def _shared_head(self, doc: Doc, chain: _Chain, nxt: _Chain) -> Mention[Munition] | None:
        """A bare designation coordinated with the next one before their shared noun
        ("AN/TPS-77 and AN/TPS-78 radars", "200 Block IV and 200 Block V Tomahawk missiles"):
        a munition of its own with the noun's category (and the named system, for a block)."""
        if not all(p.kind == "shape" for p in chain.pieces) or not nxt.pieces[0].kind == "shape":
            return None
        between = [t for t in doc[chain.end : nxt.start] if not t.like_num]
        if not between or len(between) > 2 or between[-1].lower_ not in ("and", "or", ",", "&"):
            return None
        if nxt.head_piece is None or nxt.head_piece.entry is None or self._blocked_by_head(doc, nxt):
            return None
        other = self._mention(doc, nxt)
        name = _name_of(chain.pieces[-1], doc)
        system = next((p.entry for p in nxt.pieces if p.entry is not None and p.entry.kind == "system"), None)
        if system is not None and name and name.startswith("Block "):
            name = f"{system.name} {name}"
        text, span = char_span(doc, chain.start, chain.end)
        value = other.value.model_copy(update={"text": text, "span": span, "name": name, "caliber_mm": None})
        return Mention(chain.start, chain.end, chain.end - 1, value)

    @staticmethod
    def _resolve_definites(doc: Doc, chains: list[tuple[_Chain, Mention[Munition]]]) -> list[Mention[Munition]]:
        """Context for underspecified generics.

        A definite generic ("the missiles", "the howitzers", "the system") takes the name,
        calibre and more specific category of the nearest earlier named system it can refer to
        ("such weapons" also of an unnamed one just before); a head that is no munition on its
        own ("the system") is dropped without one. Bare "rounds"/"projectiles" take the
        document's prevailing kind of round (artillery, small-arms, rocket) when there is one.
        """
        out: list[Mention[Munition]] = []
        named: list[tuple[Mention[Munition], MunitionCategory | None]] = []
        bare_rounds: set[int] = set()
        for chain, m in chains:
            head = chain.head_piece
            is_generic = all(p.generic for p in chain.pieces) and not chain.extra
            launcher = is_generic and head.entry.head == "open" and head.entry.category in PLATFORM_CATS
            if is_generic and head.entry.refers:
                tok = doc[chain.pieces[-1].end - 1]
                if tok.text[:1].isupper() and not tok.is_sent_start:
                    continue  # "BlueBird Aero Systems": a name
                if not _definite(doc, chain.start) and any(
                        c.dep_ in ("compound", "amod") and c.i < chain.start and c.tag_ in ("NN", "NNS", "VBG") for c in tok.lefts):
                    continue  # "car batteries", "a cooling system": no weapon's ("the replacement systems" may be)
                resolved = _system_antecedent(m, named)
                if resolved is not None:
                    out.append(resolved)
                    continue
                if not head.entry.standalone:
                    continue  # "two systems", "the system" with no system named before
            if is_generic and (m.value.category is C.weapon and _determiner(doc, chain.start) in _POSSESSIVE
                               or chain.start > 0 and doc[chain.start - 1].lower_ == "own"):
                pass  # "its weapons", "its own missiles": the holder's arsenal, not the weapon named before
            elif launcher and not _definite(doc, chain.start):
                # "Patriot systems ... launchers or batteries": a bare launcher of that system
                sent_start = doc[chain.start].sent.start if doc.has_annotation("DEP") else 0
                resolved = _antecedent(m, [(p, a) for p, a in named if p.start >= sent_start], any_platform=True)
                m = resolved or m
            elif is_generic and _definite(doc, chain.start):
                resolved = _antecedent(m, named, any_platform=launcher) or _weapon_antecedent(m, out)
                if resolved is not None:
                    m = resolved
                elif not head.entry.standalone:
                    continue
            elif m.value.name and _variant_only(chain):
                # "the older Block IV missiles": a variant of the system named before
                resolved = _antecedent(m, named)
                if resolved is not None:
                    label = next(p.label for p in chain.pieces if p.label)
                    m = Mention(m.start, m.end, m.head, resolved.value.model_copy(
                        update={"name": f"{resolved.value.name} {label}"}))
            elif m.value.name:
                ammo = next((p.entry.ammo for p in reversed(chain.pieces) if p.named and p.entry), None)
                named.append((m, ammo or (head.entry.ammo if head and head.entry.category is m.value.category else None)))
            elif is_generic and head.entry.head == "measure" and m.value.category is C.ammunition and not m.value.caliber_mm:
                bare_rounds.add(len(out))
            out.append(m)
        if bare_rounds:
            kinds = Counter(m.value.category for m in out if m.value.category in ROUND_KINDS).most_common(2)
            if kinds and (len(kinds) == 1 or kinds[0][1] > kinds[1][1]):
                for k in bare_rounds:
                    m = out[k]
                    out[k] = Mention(m.start, m.end, m.head, m.value.model_copy(update={"category": kinds[0][0]}))
        return _inherit_calibre(out)

    def _mention(self, doc: Doc, chain: _Chain) -> Mention[Munition]:
        head = chain.head_piece
        cat, src = _combine(chain)
        all_pieces = chain.pieces + [p for c in chain.extra for p in c.pieces]
        calibre = next((p.caliber for p in all_pieces if p.kind == "cal"), None)
        if calibre is None:
            calibre = next(
                (p.entry.caliber_mm for p in all_pieces if p.entry is not None and p.entry.caliber_mm), None
            )
        # _refine_by_calibre changes only ammunition with a calibre: the token scan of
        # _gun_rounds is left out for the rest
        if cat is C.ammunition and calibre is not None and not _gun_rounds(doc, all_pieces):
            cat = _refine_by_calibre(cat, calibre)  # tank and cannon rounds stay ammunition (FORMAT)
        if cat is not C.ship:  # "world-class fighter jets"
            all_pieces = [p for p in all_pieces if not p.ship_class]
        names = [n for n in (_name_of(p, doc) for p in all_pieces) if n]
        named = [k for k, p in enumerate(chain.pieces) if _name_of(p, doc) and not (p.ship_class and cat is not C.ship)]
        if names and len(named) > 1 and not chain.extra:
            a, b = chain.pieces[named[-2]], chain.pieces[named[-1]]
            if a.label is not None and a.label.startswith("Block ") and b.entry is not None:
                names[-1] = f"{names[-1]} {a.label}"  # "Block V Tomahawk missiles"
            elif a.end == b.start and a.kind == "shape" and b.kind != "shape":
                names[-1] = f"{_name_of(a, doc)} {names[-1]}"  # "MIM-23 Hawk", "9M133 Kornet"
            elif a.entry is not None and a.entry.kind == "system" and b.kind == "shape" and b.entry is None:
                names[-1] = f"{_name_of(a, doc)} {names[-1]}"  # "Tomahawk Block V", "Spike Long-Range 2"
        head_tok = head.end - 1
        text, span = char_span(doc, chain.start, chain.end)
        value = Munition(
            text=text,
            span=span,
            category=cat,
            caliber_mm=calibre,
            name=names[-1] if names else None,
            taxonomy_id=(src or head.entry).id,
        )
        return Mention(chain.start, chain.end, head_tok, value)


_INCLUDE = frozenset({"include", "includes", "included", "including", "comprise", "comprises", "comprised",
                      "comprising", "contain", "contains", "contained", "containing"})


def _without_umbrellas(doc: Doc, mentions: list[Mention[Munition]]) -> list[Mention[Munition]]:
    """``mentions`` without a vague noun whose members the sentence lists ("Weapons recovered
    ... included rifles", "Among the weapons were Kornet missiles"): one entry per distinct
    weapon (FORMAT)."""
    if not doc.has_annotation("DEP") or len(mentions) < 2:
        return mentions
    owner = {i: m for m in mentions for i in range(m.start, m.end)}

    def lists_others(tok: Token, m: Mention[Munition]) -> bool:
        return any(t.i in owner and owner[t.i] is not m for t in tok.subtree)

    out = []
    for m in mentions:
        v = m.value
        head = doc[m.head]
        if _rank(v.category) <= 1 and not v.name and v.caliber_mm is None:
            preps = []  # "American weapons, including Patriots" lists some of many: both stay
            if head.dep_ in ("nsubj", "nsubjpass") and head.head.lower_ in _INCLUDE:
                preps += [c for c in head.head.children if c.dep_ in ("dobj", "attr")]
            if head.dep_ == "pobj" and head.head.lower_ == "among":
                preps += [c for c in head.head.head.children if c.dep_ in ("nsubj", "attr")] if head.head.head != head else []
            if any(lists_others(p, m) for p in preps):
                continue
        out.append(m)
    return out


_KNOWN_AS = frozenset({"known", "called", "dubbed", "designated", "named", "marketed", "sold", "exported"})


def _same_weapon(doc: Doc, mentions: list[Mention[Munition]]) -> list[Mention[Munition]]:
    """One weapon described twice: a generic noun in apposition to a named system takes its
    name ("the Caesar, a 155mm truck-mounted gun"), so the claim holds the weapon once; a
    second name ("the long-range missile, known in Britain as Storm Shadow") is dropped (a
    weapon with two names is one entry, FORMAT)."""
    if not doc.has_annotation("DEP"):
        return mentions
    owner = {i: m for m in mentions for i in range(m.start, m.end)}
    out = []
    for m in mentions:
        head = doc[m.head]
        if head.dep_ == "pobj" and head.head.lower_ == "as" and head.head.head.lower_ in _KNOWN_AS:
            named = owner.get(head.head.head.head.i)
            if named is not None and named is not m and named.value.category is m.value.category:
                continue
        named = None
        if head.dep_ == "appos":
            t = head.head
            while (t.i not in owner or owner[t.i] is m) and t.dep_ == "appos":
                t = t.head  # "the Caesar, a 155mm (6.1-inch) gun": past the calibre
            named = owner.get(t.i)
        if named is not None and named is not m and named.value.name and not m.value.name \
                and named.value.category is m.value.category:
            v = named.value
            m = Mention(m.start, m.end, m.head, m.value.model_copy(
                update={"name": v.name, "caliber_mm": m.value.caliber_mm or v.caliber_mm}))
        out.append(m)
    return out


_CARRY = frozenset(
    f"{stem}{end}" for stem in ("carry", "transport", "ferry", "haul", "airlift") for end in ("", "s", "ed", "ing")
) | {"carries", "carried", "ferries", "ferried", "airlifted"}
_CARRIER_CATS = frozenset({C.aircraft, C.ship})


def _without_carriers(doc: Doc, mentions: list[Mention[Munition]]) -> list[Mention[Munition]]:
    """``mentions`` without the aircraft and ships that only transport other materiel ("a C-17
    carrying the missiles", "six transport planes landed carrying the system"): the carried
    materiel is what the text is about (FORMAT: carrier aircraft and cargo ships are no munition)."""
    if not doc.has_annotation("DEP") or len(mentions) < 2:
        return mentions
    owner = {i: m for m in mentions for i in range(m.start, m.end)}

    def carries(verb: Token, m: Mention[Munition]) -> bool:
        if verb.lower_ not in _CARRY:
            return False
        return any(c.dep_ == "dobj" and c.i in owner and owner[c.i] is not m for c in verb.children)

    out = []
    for m in mentions:
        head = doc[m.head]
        while head.dep_ in ("compound", "nmod") and head.head.i > head.i:
            head = head.head  # "C-17 Globemaster"
        if m.value.category in _CARRIER_CATS:
            verbs = [c for c in head.children if c.dep_ in ("acl", "relcl")]
            if head.dep_ == "nsubj":
                verbs += [head.head] + [c for c in head.head.children if c.dep_ in ("advcl", "xcomp", "conj")]
            if any(carries(v, m) for v in verbs):
                continue
        out.append(m)
    return out


def _digit_tokens(doc: Doc) -> list[int]:
    """Indices of the tokens that contain a digit, read from the token shapes ("dd", "Xx-dd")
    without building a Token object per token."""
    return shape_tokens(doc, lambda shape: "d" in shape, _SHAPE_HAS_DIGIT)


#: Token shape hash → whether the shape has a digit (shapes are few; filled as they are seen).
_SHAPE_HAS_DIGIT: dict[int, bool] = {}


def _nounlike(tok: Token) -> bool:
    """False for a token the tagger reads as a pronoun/adverb/preposition, or as a verb with
    a subject or object (so "to shell the town" and "a friend of mine" are not munitions)."""
    if tok.tag_ in _NON_NOUN_TAGS:
        return False
    if tok.tag_ in _VERB_TAGS:
        return not any(c.dep_ in ("nsubj", "nsubjpass", "dobj", "aux", "auxpass") for c in tok.children)
    return True


_MODIFIER_TAGS = {"JJ", "VBN", "HYPH", "NNP", "NNPS"}
_DEFINITE = {"the", "these", "those", "such", "this", "that", "both", "its", "their"}
#: How far back (tokens) a definite generic mention looks for the named system it refers to,
#: and "such weapons" for any specific munition.
ANAPHORA_WINDOW = 250
WEAPON_ANAPHORA_WINDOW = 60


_POSSESSIVE = frozenset({"its", "their", "his", "her", "our", "my", "your"})


def _determiner(doc: Doc, start: int) -> str | None:
    """The word before the noun phrase starting at ``start`` and its modifiers (lower case)."""
    i = start - 1
    while i >= 0 and start - i <= 4 and (doc[i].tag_ in _MODIFIER_TAGS or doc[i].dep_ == "compound" or doc[i].text == "-"
                                         or doc[i].lower_ == "own"):
        i -= 1
    return doc[i].lower_ if i >= 0 else None


def _definite(doc: Doc, start: int) -> bool:
    """True when the noun phrase starting at ``start`` opens with a definite determiner
    (possibly after adjectives): "the missiles", "the truck-mounted guns", "such weapons"."""
    return _determiner(doc, start) in _DEFINITE


def _system_antecedent(
    m: Mention[Munition], named: list[tuple[Mention[Munition], MunitionCategory | None]]
) -> Mention[Munition] | None:
    """"the missile systems", "That system", "three batteries": the nearest earlier named
    launching platform (a missile system's platform fires missiles), else the nearest named
    missile ("a contract for three batteries" after "BrahMos missiles")."""
    cat = m.value.category
    for platform in (True, False):
        for prev, ammo in reversed(named):
            if m.start - prev.end > ANAPHORA_WINDOW:
                break
            pcat = prev.value.category
            if platform:
                ok = pcat in PLATFORM_CATS and ammo is not None and (cat not in MISSILE_CATS or ammo in MISSILE_CATS)
            else:
                ok = pcat in MISSILE_CATS and pcat is not C.anti_tank_missile
            if ok:
                v = prev.value
                update = {"category": pcat, "name": v.name, "caliber_mm": m.value.caliber_mm or v.caliber_mm}
                return Mention(m.start, m.end, m.head, m.value.model_copy(update=update))
    return None


def _antecedent(
    m: Mention[Munition],
    named: list[tuple[Mention[Munition], MunitionCategory | None]],
    any_platform: bool = False,
) -> Mention[Munition] | None:
    """``m`` resolved against the nearest earlier named mention of a compatible category
    (``any_platform``: a launcher may belong to any launching platform)."""
    cat = m.value.category
    for prev, ammo in reversed(named):
        if m.start - prev.end > ANAPHORA_WINDOW:
            break
        pcat = prev.value.category
        new = None
        if pcat == cat:
            new = cat
        elif cat in (C.missile, C.ammunition) and pcat in AMMO_CATS and _rank(pcat) >= _rank(cat):
            new = pcat
        elif cat in (C.missile, C.ammunition) and ammo is not None and (cat is C.ammunition or ammo in MISSILE_CATS):
            new = ammo
        elif cat is C.weapon and pcat in PLATFORM_CATS | AMMO_CATS:
            new = pcat
        elif any_platform and pcat in PLATFORM_CATS and ammo is not None:
            new = pcat
        if new is None:
            continue
        v = m.value
        value = v.model_copy(
            update={"category": new, "name": prev.value.name, "caliber_mm": v.caliber_mm or prev.value.caliber_mm}
        )
        return Mention(m.start, m.end, m.head, value)
    return None


def _weapon_antecedent(m: Mention[Munition], earlier: list[Mention[Munition]]) -> Mention[Munition] | None:
    """"such weapons", "the weapons": the specific munition mentioned just before (same or
    previous sentence), named or not."""
    if m.value.category is not C.weapon:
        return None
    for prev in reversed(earlier):
        if m.start - prev.end > WEAPON_ANAPHORA_WINDOW:
            break
        if _rank(prev.value.category) > 0:
            v = prev.value
            update = {"category": v.category, "name": v.name, "caliber_mm": v.caliber_mm}
            return Mention(m.start, m.end, m.head, m.value.model_copy(update=update))
    return None


def _inside_person_name(doc: Doc, start: int, end: int) -> bool:
    """True when tokens [start, end) lie inside a longer PERSON entity."""
    ent = doc[start].ent_type_
    if ent != "PERSON":
        return False
    for e in doc.ents:
        if e.start <= start and end <= e.end:
            return e.label_ == "PERSON" and e.end - e.start > end - start
    return False


_GROUP_ENTS = {"NORP", "ORG", "GPE", "PERSON"}
def _group_name(tok: Token) -> bool:
    """A nationality, group or other name right before a noun ("Houthi", "Hamas")."""
    return tok.ent_type_ in _GROUP_ENTS or tok.tag_ in ("NNP", "NNPS")


_NAME_ENTS = {"ORG", "FAC", "PERSON", "WORK_OF_ART"}
#: ids of the words and labels :meth:`MunitionFinder._lex_pieces` tests on the Doc's arrays
#: (entity labels are symbols, so ``get_string_id``, not the hash of the string)
_NAME_ENT_IDS = frozenset(get_string_id(e) for e in _NAME_ENTS)
_PERSON = get_string_id("PERSON")
_HYPHEN = get_string_id("-")


def _capitalised_name(doc: Doc, start: int, end: int) -> bool:
    """True when a generic term is capitalised inside the name of an organisation, place,
    person or work ("Shell", "Missile Defense Agency"), not a use of the term."""
    return all(t.text[:1].isupper() and t.ent_type_ in _NAME_ENTS for t in doc[start:end] if t.is_alpha)


def _in_hyphen_compound(doc: Doc, start: int) -> bool:
    """True when token ``start`` is the second half of a hyphenated word ("twin-engine")."""
    if start < 2:
        return False
    hyphen, before = doc[start - 1], doc[start - 2]
    return hyphen.text == "-" and not hyphen.whitespace_ and not before.whitespace_


def _activity_compound(doc: Doc, end: int) -> bool:
    """True when the phrase ending before ``end`` opens a hyphenated activity word
    ("rocket-making", "missile-producing"): a modifier, not the materiel itself."""
    if end + 1 >= len(doc) or doc[end].text != "-" or doc[end - 1].whitespace_ or doc[end].whitespace_:
        return False
    return doc[end + 1].lower_.endswith("ing") and doc[end + 1].is_alpha


def _only_determiners(span: Span) -> bool:
    return all(t.tag_ in ("DT", "PRP$", "JJ", "POS", "CD") or t.lower_ in ("the", "its", "their") for t in span) and len(span) <= 3


def munition_unit(doc: Doc, mention: Mention[Munition]) -> str:
    """The counted noun of a munition mention, singular and lower case as written.

    The longest generic term ending at the mention's head ("self-propelled howitzers" →
    "self-propelled howitzer"); for a bare system name, the taxonomy's generic noun
    ("Shaheds" → "drone", "NLAWs" → "anti-tank weapon").
    """
    lex = _lexicon()
    head = mention.head
    for k in range(min(6, head - mention.start + 1), 0, -1):
        key = tuple(t.lower_ for t in doc[head - k + 1 : head + 1])
        variant = lex.variants.get(key)
        if variant is not None and variant.entry.kind == "generic":
            return variant.singular
    entry = lex.entries.get(mention.value.taxonomy_id or "")
    if entry is not None and entry.noun:
        return entry.noun
    return DEFAULT_NOUN[mention.value.category]


#: Pronouns that stand for materiel named before: "them" wherever it stands, "they" and "it"
#: only as the subject of a passive ("they will be delivered"), where a person cannot be meant.
_OBJECT_PRONOUNS = frozenset({"them"})
_PASSIVE_PRONOUNS = frozenset({"they", "it"})


def _plural_noun_between(doc: Doc, start: int, pronoun: Token) -> bool:
    """Whether a plural common noun between ``start`` and the pronoun could be what it refers to
    ("exported defence stores only against guarantees that they would not be passed on"); the
    subject of the pronoun's own verb cannot ("gunners have fired them")."""
    own_subjects = clause_subject_tokens(pronoun)
    return any(doc[j].tag_ == "NNS" and j not in own_subjects for j in range(start, pronoun.i))


def clause_subject_tokens(tok: Token) -> set[int]:
    """The tokens of the subject of the verb ``tok`` belongs to ("Its air defences shot down 70
    of them": "Its air defences"), which a pronoun or elided count there cannot stand for."""
    verb = tok
    while verb.tag_ not in _VERB_TAGS and verb.head.i != verb.i:
        verb = verb.head
    return {t.i for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") for t in c.subtree}


def _relative_heads(doc: Doc, tokens: list[int], mentions: list[Mention[Munition]]) -> list[Mention[Munition]]:
    """The munition a relative clause among ``tokens`` describes when the claim left its
    pronoun out ("tank ammunition that would have been passed on to Ukraine" -> the ammunition)."""
    if not doc.has_annotation("DEP") or not tokens:
        return []
    lo, hi = tokens[0], tokens[-1]
    out = []
    relcl = _pronoun_tokens(doc)[1]
    for i in tokens:
        if i not in relcl:
            continue
        tok = doc[i]
        if lo <= tok.head.i <= hi:
            continue
        pronoun = next((c for c in tok.children if relative_antecedent(c) is not None), None)
        if pronoun is None or lo <= pronoun.i <= hi:
            continue  # the pronoun is in the claim: read as a pronoun
        out += [m for m in mentions if m.start <= tok.head.i < m.end]
    return out


def _mentions_before(doc: Doc, tok: Token, mentions: list[Mention[Munition]]) -> list[Mention[Munition]]:
    """The mentions before ``tok`` in its sentence and the previous one."""
    sent = tok.sent
    first = doc[sent.start - 1].sent.start if sent.start > 0 else sent.start
    return [m for m in mentions if first <= m.start and m.end <= tok.i]


def _with_conjuncts(doc: Doc, before: list[Mention[Munition]]) -> list[Mention[Munition]]:
    """The last mention of ``before`` with the ones coordinated with it ("rockets and
    missiles ... most of them": both)."""
    out = before[-1:]
    for m in reversed(before[:-1]):
        between = doc[m.end : out[0].start]
        if not between or len(between) > 4 or any(t.lower_ not in ("and", "or", ",") and not t.like_num for t in between) \
                or not any(t.lower_ in ("and", "or", ",") for t in between):
            break  # "rockets and missiles", "40 cruise missiles and 30 drones"
        out.insert(0, m)
    return out


_ELIDED_KEY = "extractor_elided_counts"
_PRONOUNS_KEY = "extractor_pronoun_tokens"
#: LOWER ids of the words :func:`pronoun_munitions` resolves (besides elided counts)
_PRONOUN_IDS = frozenset(get_string_id(w) for w in {"it"} | RELATIVE_PRONOUNS | _OBJECT_PRONOUNS | _PASSIVE_PRONOUNS)
_RELCL = get_string_id("relcl")  # a symbol: not its string's hash


def _pronoun_tokens(doc: Doc) -> tuple[frozenset[int], frozenset[int]]:
    """The indices of the Doc's tokens that :func:`pronoun_munitions` may resolve ("it", "them",
    "they", relative pronouns) and of its relative-clause verbs, read from the LOWER and DEP
    arrays once per Doc (the claims component asks for every claim; no Token per token)."""
    found = doc.user_data.get(_PRONOUNS_KEY)
    if found is None:
        lowers, deps = doc.to_array([LOWER, DEP]).T.tolist()
        found = doc.user_data[_PRONOUNS_KEY] = (
            frozenset(i for i, low in enumerate(lowers) if low in _PRONOUN_IDS),
            frozenset(i for i, dep in enumerate(deps) if dep == _RELCL))
    return found


def _elided_counts(doc: Doc, tokens: list[int]) -> set[int]:
    """The number tokens among ``tokens`` that the quantity finder read as a count whose noun
    is elided (its mention's head is the number itself: "24", "ten or more")."""
    if QUANTITIES not in doc.spans or not tokens:
        return set()
    heads = doc.user_data.get(_ELIDED_KEY)
    if heads is None:  # once per Doc: the claims component asks for every claim
        heads = doc.user_data[_ELIDED_KEY] = frozenset(
            q.head for q in read_mentions(doc, QUANTITIES, CLAIMS) if doc[q.head].like_num or doc[q.head].tag_ == "CD")
    lo, hi = tokens[0], tokens[-1]
    return {h for h in heads if lo <= h <= hi}


def pronoun_munitions(doc: Doc, tokens: Iterable[int], mentions: list[Mention[Munition]]) -> list[Mention[Munition]]:
    """Munitions a claim names only by a pronoun among ``tokens``, resolved to their antecedent:
    a relative pronoun to the noun its clause modifies ("dozens of ballistic missiles, which
    Russian forces have fired"), "them" / passive "they" to the last munition mentioned before
    it in the same or the previous sentence ("30 Caesar howitzers ... Gunners have fired them")
    (for "they" and "it": unless a plural noun between them is the likelier referent).
    Each result points at the pronoun and carries the antecedent's category, calibre, name and
    taxonomy entry. ``mentions`` are the Doc's munition mentions in text order."""
    out: list[Mention[Munition]] = []
    tokens = sorted(tokens)
    elided = _elided_counts(doc, tokens)
    out.extend(_relative_heads(doc, tokens, mentions))
    pronouns = _pronoun_tokens(doc)[0]
    for i in tokens:
        if i not in elided and i not in pronouns:
            continue  # none of the cases below
        tok = doc[i]
        lower = tok.lower_
        antecedent: list[Mention[Munition]] = []
        noun = relative_antecedent(tok)
        if i in elided or lower == "it" and tok.dep_ == "dobj":
            # "Norway is giving six", "the remaining five in 2025": the materiel counted
            # before; "will deliver it": the last singular munition named before
            before = _mentions_before(doc, tok, mentions)
            if lower == "it":
                before = [m for m in before if doc[m.head].tag_ in ("NN", "NNP")]
            antecedent = before[-1:]
        elif noun is not None:
            inside = {t.i for t in tok.head.subtree}
            scope = {t.i for t in noun.subtree} - inside
            antecedent = [m for m in mentions if m.head in scope and m.end <= tok.i]
            if antecedent:  # "PAC-2 and PAC-3 interceptors, which ...": both
                antecedent = _with_conjuncts(doc, [m for m in mentions if m.end <= antecedent[0].start] + antecedent[:1]) \
                    + antecedent[1:]
        elif lower in _OBJECT_PRONOUNS or lower in _PASSIVE_PRONOUNS and tok.dep_ == "nsubjpass":
            subject = clause_subject_tokens(tok)
            before = [m for m in _mentions_before(doc, tok, mentions) if m.head not in subject]
            if before and (lower in _OBJECT_PRONOUNS or not _plural_noun_between(doc, before[-1].end, tok)):
                antecedent = _with_conjuncts(doc, before)
        for m in antecedent:
            v = m.value
            text, span = char_span(doc, i, i + 1)
            out.append(Mention(i, i + 1, i, v.model_copy(update={"text": text, "span": span})))
    return out
