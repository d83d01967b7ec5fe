"""Actors and attribution sources: the gazetteer, entity finding and resolution.

Two lexicons feed it (``extractor/data``): ``gazetteer.jsonl`` (states with their capitals,
abbreviations and demonyms; regions, alliances, organisations, bodies that stand for a state
such as the Kremlin or the Pentagon, armed groups, arms makers and office holders) and
``sources.jsonl`` (outlets, news agencies, intelligence services, think tanks, NGOs and
trackers). :class:`Gazetteer` matches every alias of both with one case-insensitive
``PhraseMatcher`` (plus one case-sensitive matcher for two- and three-letter abbreviations such
as "US" or "AP", which are ordinary words in lower case) and merges the hits with spaCy's
PERSON/ORG/GPE/NORP/FAC entities.

Entity lookups are keyed by :func:`normalise_name`: case, accents, dots, hyphens, a leading "the" and
a trailing possessive do not matter ("the Kremlin", "U.S.", "Pyongyang's", "Turkiye").
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterator
from functools import cache, lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict
from spacy.attrs import LOWER, ORTH
from spacy.strings import get_string_id

from .. import vocabulary
from ..errors import LexiconError
from ..lexicon import LexiconEntry, data_path, load_entries
from ..models import ActorType, SourceKind
from .base import DESIGNATION, Mention, shape_tokens

log = logging.getLogger(__name__)

GAZETTEER_FILE = "gazetteer.jsonl"
SOURCES_FILE = "sources.jsonl"


class GazetteerEntry(LexiconEntry):
    """An actor. ``state`` is the id of the state (or bloc, or group) a body or office holder
    stands for; ``source_kind`` overrides the kind its type implies when quoted as a source;
    ``descriptions`` are the nouns of a marked description that may refer back to it ("the
    island", "the kingdom": see ``description_nouns.jsonl``)."""

    name: str
    type: ActorType
    aliases: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    descriptions: tuple[str, ...] = ()
    state: str | None = None
    source_kind: SourceKind | None = None


class SourceEntry(LexiconEntry):
    """An attribution source; ``state`` is the state a service or state outlet belongs to."""

    name: str
    kind: SourceKind
    aliases: tuple[str, ...] = ()
    state: str | None = None


Entry = GazetteerEntry | SourceEntry


class EntityRef(BaseModel):
    """What an actor-like mention refers to.

    ``name`` is the canonical name (a demonym or capital resolves to its state, a title is
    dropped from a person); ``state``/``state_id`` name the state (or bloc, or group) the
    entity stands for (the state itself for a state); ``is_demonym`` marks an adjective or people-noun
    ("North Korean missiles", "the Russians"); ``made_in`` an adjective of origin
    ("Chinese-built"), whose suffix word is ``origin`` ("built", "supplied"); ``source_kind``
    is the kind it has when quoted as a source (None when it is not one, nor for an adjective:
    "Pakistani media" is a source, "Pakistani" is not); ``label`` is the spaCy
    entity label or "GAZ" for a lexicon hit; ``demonym`` is the state's adjective.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    type: ActorType
    entity_id: str | None = None
    is_demonym: bool = False
    made_in: bool = False
    origin: str | None = None
    source_kind: SourceKind | None = None
    label: str = "GAZ"
    state: str | None = None
    state_id: str | None = None
    demonym: str | None = None
    #: the marked descriptions of its state ("island", "kingdom")
    descriptions: tuple[str, ...] = ()

    @property
    def actor_name(self) -> str:
        """The name to record for this entity as a claim's actor: a body or office holder acting
        for a state is the state ("the Kremlin", "Putin" → Russia); anything else its name."""
        if self.state and self.type in (ActorType.person, ActorType.organisation):
            return self.state
        return self.name


# --- normalisation --------------------------------------------------------------------------

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})
_NON_WORD = re.compile(r"[^0-9a-z&]+")
_POSSESSIVE = re.compile(r"(?:'s|')$")
_LEADING_THE = re.compile(r"^the\s+")


# the normalisers are pure functions of a string, called for every token of every entity and
# title walk, and documents repeat their names: their results are cached (a few thousand each,
# so that a long run or a huge document does not grow them without bound)
@lru_cache(maxsize=1 << 13)
def strip_accents(text: str) -> str:
    """``text`` without combining accents ("Türkiye" → "Turkiye", "Élysée" → "Elysee")."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@lru_cache(maxsize=1 << 13)
def normalise_name(text: str) -> str:
    """The lookup key of a name: lower case, no accents, dots, apostrophes or hyphens, no leading
    "the", no trailing possessive ("The U.S.'s" → "us", "al-Shabaab" → "al shabaab")."""
    s = strip_accents(text).translate(_APOSTROPHES).lower().strip()
    s = _POSSESSIVE.sub("", s)
    s = s.replace(".", "")
    s = _LEADING_THE.sub("", s)
    return _NON_WORD.sub(" ", s.replace("'", "")).strip()


def _entry_keys(entry: Entry) -> Iterator[str]:
    """The lookup keys an entry claims (duplicates across entries are lexicon errors)."""
    forms = [entry.name, *entry.aliases]
    if isinstance(entry, GazetteerEntry):
        forms.extend(entry.demonyms)
    seen = set()
    for form in forms:
        key = normalise_name(form)
        if key and key not in seen:
            seen.add(key)
            yield key


# --- cue tables (data): suffixes of origin, titles, company suffixes, source-kind cues -------

#: "North Korean-made", "U.S.-supplied": the word after the hyphen that marks origin.
MADE_SUFFIXES = vocabulary.origin_suffixes()

#: Words dropped from the start of a person's name ("Defence Minister Shin Won Sik").
TITLES = vocabulary.titles()

#: Short forms news uses, after "the", for a state the document has named in full.
_SHORT_FORMS = {"North": "state.prk", "South": "state.kor"}
_SHORT_FORM_IDS = {get_string_id(text): target for text, target in _SHORT_FORMS.items()}

#: Words of an office that may stand between a state and a person's name ("Pakistan's
#: Foreign Office spokesperson Mumtaz Zahra Baloch").
_OFFICE_WORDS = vocabulary.source_nouns("office")

#: Legal-form suffixes: an organisation name ending in one is a company.
LEGAL_SUFFIXES = vocabulary.company_suffixes("legal")
#: Trade words: a name of two or more capitalised words ending in one is a company.
TRADE_SUFFIXES = vocabulary.company_suffixes("trade")

#: The kind an entry of each type has when quoted, when its entry does not say.
_TYPE_KINDS = {
    ActorType.state: SourceKind.government,
    ActorType.alliance: SourceKind.government,
    ActorType.person: SourceKind.official,
    ActorType.organisation: SourceKind.other,
    ActorType.armed_group: SourceKind.other,
    ActorType.company: SourceKind.other,
}

_ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "FAC"})
#: Words a spaCy entity swallows from the clause ("supply Armenia with Mistral missiles"), which no
#: organisation's name holds in lower case.
_NOT_IN_NAMES = frozenset({"with", "to", "from", "into", "via", "against"})
_WORD = re.compile(r"[A-Za-z0-9]+(?:[-'’][A-Za-z0-9]+)*")


def _cue_index() -> list[tuple[SourceKind, frozenset[tuple[str, ...]]]]:
    return [(e.kind, frozenset(tuple(c.split()) for c in e.phrases)) for e in vocabulary.source_cues()
            if e.kind is not SourceKind.media]


#: Source-kind cue words (``source_cues.jsonl``), tried in file order; the first kind with a cue
#: in the phrase wins (document cues count only as the phrase's head noun).
_CUES = _cue_index()
_MEDIA = frozenset(tuple(c.split()) for e in vocabulary.source_cues() if e.kind is SourceKind.media
                   and not e.capitalised for c in e.phrases)
#: Media cues that count only capitalised ("the Times", not "at times").
_PROPER_MEDIA = frozenset(c for e in vocabulary.source_cues() if e.capitalised for c in e.phrases)


def _has_cue(words: list[str], cues: frozenset[tuple[str, ...]]) -> bool:
    for n in (3, 2, 1):
        for i in range(len(words) - n + 1):
            if tuple(words[i:i + n]) in cues:
                return True
    return False


_PREPOSITIONS = frozenset({"of", "for", "on", "by", "from", "in", "at", "about", "with", "to", "into", "over"})


def _head_words(words: list[str]) -> list[str]:
    """The words of a phrase before its first preposition (where its head noun is)."""
    for i, w in enumerate(words[1:], 1):
        if w in _PREPOSITIONS:
            return words[:i]
    return words


@lru_cache(maxsize=1 << 12)  # a pure function of its strings; documents quote the same sources again
def _classify(text: str, label: str | None = None) -> SourceKind | None:
    """The kind of a source phrase by its cue words and entity label; None when nothing says."""
    raw = _WORD.findall(text.replace("’", "'"))
    words = [w.lower() for w in raw]
    if _has_cue(words, _MEDIA) or any(w in _PROPER_MEDIA and r[0].isupper() for w, r in zip(words, raw)):
        return SourceKind.media
    if label == "PERSON":
        return SourceKind.official
    head = _head_words(words)
    for kind, cues in _CUES:
        # a document is one by a word before any preposition ("a Pentagon report", "a report
        # disclosed by ..."), not by a word inside a name ("Institute for the Study of War")
        if _has_cue(head if kind is SourceKind.document else words, cues):
            return kind
    if label == "GPE":
        return SourceKind.government
    if label in ("ORG", "FAC"):
        return SourceKind.other
    return None


def source_kind(span_or_text, label: str | None = None) -> SourceKind:
    """Classify an attribution source that is not in ``sources.jsonl`` by rules.

    ``span_or_text`` is a spaCy Span or a string; ``label`` its entity label, if any. A named
    person is ``official``; outlets are ``media``; reports and papers ``document``; spy agencies
    ``intelligence``; institutes ``think_tank``; armies and commands ``military``; ministries,
    offices and officials ``government``; parties, NGOs, companies, panels and trackers ``other``.
    A capital or state standing for its government (label GPE) is ``government``.
    """
    text = span_or_text if isinstance(span_or_text, str) else span_or_text.text
    if label is None and not isinstance(span_or_text, str):
        label = span_or_text.label_ or None
    return _classify(text, label) or SourceKind.other


_COMPANY_WORDS = vocabulary.company_suffixes("legal") | vocabulary.company_suffixes("trade")


def _titled_name(doc, start: int, end: int, by_token: dict) -> bool:
    """Whether an entity the NER calls an organisation is a person's name after a title word
    ("spokesman Olusola Akinboyewa", "General Mark Milley"): two or three capitalised words, none
    in the gazetteer or a word of a company's name, right after a title noun."""
    if start == 0 or not 2 <= end - start <= 3 or any(i in by_token for i in range(start, end)):
        return False
    before = doc[start - 1]
    if before.pos_ not in ("NOUN", "PROPN") or normalise_name(before.text) not in TITLES:
        return False
    words = doc[start:end]
    return all(t.is_title and t.is_alpha for t in words) and not any(
        normalise_name(t.text) in _COMPANY_WORDS or t.lower_ in _COMPANY_WORDS for t in words)


@lru_cache(maxsize=1 << 12)  # a pure function of a string
def strip_title(name: str) -> str:
    """A person's name without leading titles ("Deputy Kang Dae Sik" → "Kang Dae Sik",
    "Defence Minister Shin Won-sik" → "Shin Won-sik"). The last word is always kept."""
    name = name.strip()
    while True:
        parts = name.split(None, 1)
        if len(parts) < 2 or normalise_name(parts[0]) not in TITLES:
            return name
        name = parts[1]


def _guess_org_type(words: list[str]) -> ActorType:
    """A company when the name ends in a legal form ("... GmbH", "... JSC"), or is two or more
    capitalised words ending in a trade word ("Hanwha Ocean Systems") with no public-body cue
    ("Ministry of Defence" and "Convention on Cluster Munitions" are no companies)."""
    lowered = [normalise_name(w) for w in words]
    if not lowered:
        return ActorType.organisation
    if lowered[-1] in LEGAL_SUFFIXES:
        return ActorType.company
    if lowered[-1] not in TRADE_SUFFIXES or len(words) < 2 or not all(w[:1].isupper() or w == "&" for w in words):
        return ActorType.organisation
    for kind, cues in _CUES:
        if kind in (SourceKind.government, SourceKind.military, SourceKind.intelligence) and _has_cue(lowered, cues):
            return ActorType.organisation
    return ActorType.company


#: A model designation ("MiG-29", "PAC-3", "Su-35s", "BM-21"): an entity with one is a weapon.


def _is_noise(doc, words: "_Words", start: int, end: int, label: str) -> bool:
    """Entity spans spaCy often gets wrong and that name no actor: weapon designations
    ("MiG-29", a "person" called "Leopard 2") and bare titles ("Defence" in "Defence Minister")."""
    texts = words.texts(start, end)
    return (any(DESIGNATION.match(text) or label == "PERSON" and doc[i].is_digit for i, text in enumerate(texts, start))
            or all(normalise_name(text) in TITLES for text in texts))


# --- the gazetteer -----------------------------------------------------------------------------


def _line_of(path: Path, entry_id: str) -> int:
    """The line of ``path`` that defines ``entry_id`` (for error messages)."""
    needle = f'"id": "{entry_id}"'
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line.replace('"id":"', '"id": "'):
            return lineno
    return 0


@cache
def load_lexicons(gazetteer: Path | None = None, sources: Path | None = None) -> tuple[tuple[GazetteerEntry, ...], tuple[SourceEntry, ...]]:
    """Load and cross-check both lexicons (once per process for given paths).

    Raises :class:`LexiconError` for an invalid line, a duplicate id, or an alias claimed twice,
    within a file or across the two files.
    """
    gpath = gazetteer or data_path(GAZETTEER_FILE)
    spath = sources or data_path(SOURCES_FILE)
    actors = load_entries(gpath, GazetteerEntry, keys=_entry_keys)
    outlets = load_entries(spath, SourceEntry, keys=_entry_keys)
    claimed: dict[str, str] = {}
    ids = {e.id for e in actors}
    for e in actors:
        for key in _entry_keys(e):
            claimed[key] = e.id
        if e.state is not None and e.state not in ids:
            raise LexiconError(str(gpath), _line_of(Path(gpath), e.id), f"unknown state id {e.state!r}")
    for e in outlets:
        if e.id in ids:
            raise LexiconError(str(spath), _line_of(Path(spath), e.id), f"id {e.id!r} is also in {gpath}")
        for key in _entry_keys(e):
            if key in claimed:
                raise LexiconError(
                    str(spath), _line_of(Path(spath), e.id), f"alias {key!r} is also claimed by {claimed[key]} in {gpath}"
                )
        if e.state is not None and e.state not in ids:
            raise LexiconError(str(spath), _line_of(Path(spath), e.id), f"unknown state id {e.state!r}")
    return tuple(actors), tuple(outlets)


_SHORT_CAPS = re.compile(r"^[A-Z][A-Z0-9]{1,2}$")


def _plural(demonym: str) -> str | None:
    """The people-noun plural of a demonym ("Russian" → "Russians"; "Swiss" has none)."""
    if demonym.endswith(("s", "sh", "ese")):
        return None
    return demonym + "s"


def _variants(form: str) -> set[str]:
    """Spellings of one alias the matcher must also know: without accents, with a curly
    apostrophe, without a leading "The" when more than one word follows it."""
    out = {form, strip_accents(form)}
    for f in list(out):
        if "'" in f:
            out.add(f.replace("'", "’"))
    for f in list(out):
        if f.startswith("The ") and len(f.split()) > 2:
            out.add(f[4:])
    return out


class Gazetteer:
    """Finds and resolves actors and sources in a Doc. Build once per process (per vocab)."""

    def __init__(self, vocab, gazetteer: Path | None = None, sources: Path | None = None) -> None:
        from spacy.lang.en import English
        from spacy.matcher import PhraseMatcher

        actors, outlets = load_lexicons(gazetteer, sources)
        self.entries: dict[str, Entry] = {e.id: e for e in (*actors, *outlets)}
        # key -> (entry, is_demonym)
        self._index: dict[str, tuple[Entry, bool]] = {}
        forms: list[tuple[str, Entry, bool]] = []
        for e in self.entries.values():
            for form in (e.name, *e.aliases):
                self._index.setdefault(normalise_name(form), (e, False))
                forms.append((form, e, False))
            for dem in getattr(e, "demonyms", ()):
                self._index[normalise_name(dem)] = (e, True)
                forms.append((dem, e, True))
                plural = _plural(dem)
                if plural and normalise_name(plural) not in self._index:
                    self._index[normalise_name(plural)] = (e, True)
                    forms.append((plural, e, True))
        tokenizer = English(vocab=vocab).tokenizer
        self._lower = PhraseMatcher(vocab, attr="LOWER")
        self._orth = PhraseMatcher(vocab, attr="ORTH")
        self._hits: dict[int, tuple[Entry, bool]] = {}
        self._refs: dict[tuple, EntityRef] = {}  # see _ref
        lower: dict[str, list] = {}
        orth: dict[str, list] = {}
        for form, entry, demonym in forms:
            key = f"{entry.id}|{'d' if demonym else 'n'}"
            self._hits[vocab.strings.add(key)] = (entry, demonym)
            for variant in sorted(_variants(form)):
                exact = _SHORT_CAPS.match(variant) or variant == variant.lower()
                target = orth if exact else lower
                target.setdefault(key, []).append(variant)
        for target, matcher in ((lower, self._lower), (orth, self._orth)):
            for key, texts in target.items():
                matcher.add(key, list(tokenizer.pipe(texts)))
        log.debug("gazetteer: %d entries, %d forms", len(self.entries), len(forms))

    # -- lookups --

    def lookup(self, text: str) -> Entry | None:
        """The entry ``text`` names ("the Kremlin", "U.S.", "DPRK", "Pyongyang's",
        "North Korean-made"), or None."""
        hit = self._resolve(text)
        return hit[0] if hit else None

    def _resolve(self, text: str) -> tuple[Entry, bool] | None:
        key = normalise_name(text)
        hit = self._index.get(key)
        if hit is None and " " in key and key.rsplit(" ", 1)[1] in MADE_SUFFIXES:
            hit = self._index.get(key.rsplit(" ", 1)[0])
        return hit

    def state_of(self, item) -> GazetteerEntry | None:
        """The state (or bloc) an entry, :class:`EntityRef` or phrase stands for.

        A state is its own state; a body, office holder or service gives its ``state``; a phrase
        that names no entry is searched for a state or demonym inside ("the Russian defence
        ministry" → Russia, "South Korea's Ministry of National Defense" → South Korea).
        """
        if isinstance(item, EntityRef):
            entry = self.entries.get(item.state_id or item.entity_id or "")
            return self.state_of(entry) if entry is not None else None
        if isinstance(item, str):
            entry = self.entries.get(item) or self.lookup(item)
            if entry is None:
                return self._state_in_phrase(item)
            item = entry
        if item is None:
            return None
        if isinstance(item, GazetteerEntry) and item.type is ActorType.state:
            return item
        target = self.entries.get(item.state or "")
        return target if isinstance(target, GazetteerEntry) else None

    def _state_in_phrase(self, text: str) -> GazetteerEntry | None:
        """The state of the longest state, demonym or body named inside ``text``."""
        words = [normalise_name(w) for w in _WORD.findall(text.replace("’", "'"))]
        words = [w for w in words if w]
        for n in (4, 3, 2, 1):
            for i in range(len(words) - n + 1):
                hit = self._index.get(" ".join(words[i:i + n]))
                if hit is not None:
                    found = self.state_of(hit[0])
                    if found is not None:
                        return found
        return None

    def source(self, span_or_text, label: str | None = None) -> tuple[str, SourceKind]:
        """Canonical name and kind of an attribution source phrase: a lexicon entry when the
        phrase names one (minus "the", a possessive or a title), else the phrase by rules."""
        text = span_or_text if isinstance(span_or_text, str) else span_or_text.text
        if label is None and not isinstance(span_or_text, str):
            label = span_or_text.label_ or None
        name = _trim_text(text)
        if label == "PERSON":
            name = strip_title(name)
        hit = self._resolve(name)
        if hit is not None:
            kind = _entry_kind(hit[0])
            if kind is not None:
                return hit[0].name, kind
        return name, _classify(text, label) or SourceKind.other

    # -- finding --

    def find(self, doc) -> list[Mention[EntityRef]]:
        """Every actor-like mention of ``doc``, in text order, without overlaps.

        Lexicon hits (longest first) come before spaCy entities; an ORG/FAC entity wins over the
        state or demonym hits inside it when it is longer ("the Slovak Defence Ministry"), and the
        state is kept on it. A hit followed by "-made" / "-built"... is an origin (``made_in``).
        """
        cands: list[tuple[int, int, Entry, bool]] = []
        words = _Words(doc)
        for matcher, checked in ((self._lower, True), (self._orth, False)):
            for match_id, start, end in matcher(doc):
                if checked and not words.capitalised(start, end):
                    continue
                entry, demonym = self._hits[match_id]
                cands.append((start, end, entry, demonym))
        cands.extend(self._glued_origins(doc))
        cands.sort(key=lambda c: (c[0] - c[1], c[0]))
        taken = [False] * (len(doc) + 1)
        chosen: list[tuple[int, int, Entry, bool]] = []
        for c in cands:
            if not any(taken[c[0]:c[1]]):
                for i in range(c[0], c[1]):
                    taken[i] = True
                chosen.append(c)
        chosen.extend(self._short_forms(doc, chosen, taken))
        by_token = {}
        for c in chosen:
            for i in range(c[0], c[1]):
                by_token[i] = c
        mentions: dict[int, Mention[EntityRef]] = {}
        dropped: set[int] = set()
        for ent in doc.ents:
            if ent.label_ not in _ENTITY_LABELS:
                continue
            start, end = _trim(doc, ent.start, ent.end)
            label = ent.label_
            if label == "ORG" and _titled_name(doc, start, end, by_token):
                label = "PERSON"  # "air force spokesman Olusola Akinboyewa" read as an organisation
            if label == "PERSON":
                start = _person_start(doc, start, end, by_token)
            if start >= end or not words.capitalised(start, end) or _is_noise(doc, words, start, end, label):
                continue
            inside = {id(by_token[i]): by_token[i] for i in range(start, end) if i in by_token}
            if inside:
                hits = list(inside.values())
                if not self._entity_wins(doc, label, start, end, hits):
                    continue
                for h in hits:
                    dropped.add(id(h))
            mentions[start] = self._entity_mention(doc, start, end, label, list(inside.values()))
        for c in chosen:
            if id(c) not in dropped:
                mentions[c[0]] = self._gazetteer_mention(doc, *c)
        for k, m in mentions.items():
            ref = m.value
            if ref.state is None and (ref.type is ActorType.person or ref.type is ActorType.organisation and ref.entity_id is None):
                state = self._office_state(doc, m.start, by_token, dropped, ref.type is ActorType.person)
                if state is not None:
                    mentions[k] = Mention(m.start, m.end, m.head, m.value.model_copy(update={
                        "state": state.name, "state_id": state.id,
                        "demonym": state.demonyms[0] if state.demonyms else None}))
        return _corefer_people([mentions[k] for k in sorted(mentions)])

    def _office_state(self, doc, start: int, by_token: dict, dropped: set[int], person: bool) -> GazetteerEntry | None:
        """The state named just before a person's office or a body: "Kenyan President William
        Ruto", "Ukraine's foreign minister Dmytro Kuleba" (a person needs a title word in
        between), "Poland's Armament Agency"."""
        i, titles = start - 1, 0
        while i >= 0 and (normalise_name(doc[i].text) in TITLES or normalise_name(doc[i].text) in _OFFICE_WORDS
                          or doc[i].lower_ in ("'s", "’s")):
            titles += doc[i].lower_ not in ("'s", "’s")
            i -= 1
        hit = by_token.get(i)
        if person and not titles or hit is None or hit[1] != i + 1 or id(hit) in dropped:
            return None
        return self.state_of(hit[2])

    def _short_forms(self, doc, chosen: list, taken: list[bool]) -> Iterator[tuple[int, int, Entry, bool]]:
        """"the North" / "the South" for North and South Korea in a document that names them
        (not "the North Atlantic", not in a document about other countries)."""
        named = {c[2].id for c in chosen} | {s.id for c in chosen if (s := self.state_of(c[2])) is not None}
        # the token texts are compared as ORTH ids: no Token object for every token of the Doc
        for i, orth in enumerate(doc.to_array(ORTH).tolist()):
            target = _SHORT_FORM_IDS.get(orth)
            if target is None or i == 0 or target not in named or taken[i] or doc[i - 1].lower_ != "the":
                continue
            tok = doc[i]
            nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
            if nxt is not None and nxt.text[:1].isupper():
                continue
            yield tok.i, tok.i + 1, self.entries[target], False

    def _glued_origins(self, doc) -> Iterator[tuple[int, int, Entry, bool]]:
        """Single tokens such as "U.S.-made" or "U.K.-supplied" (the tokenizer keeps the dotted
        abbreviation and its suffix together)."""
        for i in _inner_hyphen_tokens(doc):
            tok = doc[i]
            text = tok.text
            if "-" in text and not text.startswith("-"):
                prefix, suffix = text.rsplit("-", 1)
                if suffix.lower() in MADE_SUFFIXES:
                    hit = self._index.get(normalise_name(prefix))
                    if hit is not None:
                        yield tok.i, tok.i + 1, hit[0], hit[1]

    @staticmethod
    def _entity_wins(doc, label: str, start: int, end: int, hits: list) -> bool:
        """A spaCy entity beats the lexicon hits inside it only when they are states or regions
        lying strictly inside it and not at its end: an organisation or facility named after its
        state ("South Korean Defense Intelligence Agency" over "South Korean"), or a person with
        a country's name ("Chad Smith"); a person's name may also end in one when its other words
        are proper nouns ("George Washington", not "Leaving Pyongyang")."""
        if label not in ("ORG", "FAC", "PERSON"):
            return False
        if any(t.text in _NOT_IN_NAMES for t in doc[start:end]):
            return False  # "Armenia with Mistral": a name does not hold a lower-case "with" or "to"
        covered = set()
        for s, e, entry, demonym in hits:
            if s < start or e > end or e == end and label != "PERSON":
                return False
            if not (isinstance(entry, GazetteerEntry) and entry.type in (ActorType.state, ActorType.other)):
                return False
            if label == "PERSON" and demonym:
                return False
            covered.update(range(s, e))
        if label == "PERSON" and end - 1 in covered:
            rest = [t for t in doc[start:end] if t.i not in covered]
            return bool(rest) and all(t.pos_ == "PROPN" for t in rest)
        return True

    def _gazetteer_mention(self, doc, start: int, end: int, entry: Entry, demonym: bool) -> Mention[EntityRef]:
        """A lexicon hit, widened over a following "-made" / "-built"... suffix."""
        head = doc[start:end].root.i
        origin = None
        if end - start == 1 and "-" in doc[start].text and doc[start].text.rsplit("-", 1)[1].lower() in MADE_SUFFIXES:
            origin = doc[start].text.rsplit("-", 1)[1].lower()
        elif end + 1 < len(doc) and doc[end].text == "-" and doc[end + 1].lower_ in MADE_SUFFIXES:
            origin = doc[end + 1].lower_
            end += 2
        made = origin is not None
        return Mention(start, end, head, self._ref(entry, demonym=demonym or made, made_in=made, origin=origin))

    def _ref(self, entry: Entry, *, demonym: bool = False, made_in: bool = False, origin: str | None = None,
             label: str = "GAZ") -> EntityRef:
        # a ref is a frozen function of its arguments and documents name the same few entries
        # over and over: built once per Gazetteer
        key = (entry.id, demonym, made_in, origin, label)
        ref = self._refs.get(key)
        if ref is None:
            ref = self._refs[key] = self._new_ref(entry, demonym, made_in, origin, label)
        return ref

    def _new_ref(self, entry: Entry, demonym: bool, made_in: bool, origin: str | None, label: str) -> EntityRef:
        state = self.state_of(entry)
        return EntityRef(
            name=entry.name,
            type=entry.type if isinstance(entry, GazetteerEntry) else ActorType.organisation,
            entity_id=entry.id,
            is_demonym=demonym,
            made_in=made_in,
            origin=origin,
            source_kind=None if demonym else _entry_kind(entry),
            label=label,
            state=state.name if state else None,
            state_id=state.id if state else None,
            demonym=state.demonyms[0] if state and state.demonyms else None,
            descriptions=state.descriptions if state else (),
        )

    def _entity_mention(self, doc, start: int, end: int, label: str, hits: list) -> Mention[EntityRef]:
        """A spaCy entity: its lexicon entry when its text names one, else the name as written
        with a guessed type, and the state of a state word inside an organisation's name."""
        span = doc[start:end]
        head = span.root.i
        text = span.text
        hit = self._resolve(text)
        if hit is not None:
            ref = self._ref(hit[0], demonym=hit[1], label=label)
            return Mention(start, end, head, ref)
        states = {h[2].id: h[2] for h in hits if label != "PERSON" and self.state_of(h[2]) is not None}
        state = self.state_of(next(iter(states.values()))) if len(states) == 1 else None
        if label == "PERSON":
            atype = ActorType.person
        elif label == "ORG":
            atype = _guess_org_type(text.split())
        else:
            atype = ActorType.other
        kind = _classify(text, label)
        return Mention(start, end, head, EntityRef(
            name=text,
            type=atype,
            is_demonym=label == "NORP",
            source_kind=kind,
            label=label,
            state=state.name if state else None,
            state_id=state.id if state else None,
            demonym=state.demonyms[0] if state and state.demonyms else None,
        ))


def _name_words(name: str) -> list[str]:
    """The normalised words of a name."""
    return normalise_name(name).split()


def _corefer_people(mentions: list[Mention[EntityRef]]) -> list[Mention[EntityRef]]:
    """A later short form of a person named earlier in the document ("Kirby", "Shin") takes
    the earlier, fuller name; the nearest earlier person whose name has all its words wins.
    One-word entities of other labels count too (spaCy tags some surnames GPE or ORG)."""
    people: list[EntityRef] = []
    out = []
    for m in mentions:
        ref = m.value
        short = ref.entity_id is None and m.end - m.start == 1  # spaCy calls "Baloch" a GPE too
        if ref.type is ActorType.person or short:
            words = set(_name_words(ref.name))
            if ref.entity_id is None:
                for earlier in reversed(people):
                    full = _name_words(earlier.name)
                    if len(full) > len(words) and words <= set(full):
                        ref = earlier.model_copy(update={"label": ref.label})
                        m = Mention(m.start, m.end, m.head, ref)
                        break
            if ref.type is ActorType.person:
                people.append(ref)
        out.append(m)
    return out


def _entry_kind(entry: Entry) -> SourceKind | None:
    """The kind an entry has when quoted: its own, or its type's."""
    if isinstance(entry, SourceEntry):
        return entry.kind
    return entry.source_kind or _TYPE_KINDS.get(entry.type)


#: Token shape hash → whether a token of that shape may hold a hyphen after its first character
#: (shapes keep punctuation as written; "LONG", the shape of tokens of 100 characters or more,
#: may). Shapes are few: filled as they are seen.
_SHAPE_INNER_HYPHEN: dict[int, bool] = {}


def _inner_hyphen_tokens(doc) -> list[int]:
    """Indices of the tokens that may hold a hyphen after their first character, read from the
    token shapes without building a Token object per token (the caller checks the text)."""
    return shape_tokens(doc, lambda shape: shape == "LONG" or "-" in shape[1:], _SHAPE_INNER_HYPHEN)


_THE = get_string_id("the")


class _Words:
    """The ORTH and LOWER ids of a Doc's tokens, read once per Doc: the tests below run for
    every lexicon hit and entity without a Token object per word."""

    def __init__(self, doc) -> None:
        self.orths, self.lowers = doc.to_array([ORTH, LOWER]).T.tolist()
        self.strings = doc.vocab.strings

    def texts(self, start: int, end: int) -> list[str]:
        """The texts of tokens ``[start, end)``."""
        return [self.strings[orth] for orth in self.orths[start:end]]

    def capitalised(self, start: int, end: int) -> bool:
        """A case-insensitive hit counts only when written as a name: some word of ``[start,
        end)`` other than "the" starts with a capital or a digit ("turkey", "china", "the
        economist" are not hits)."""
        for i in range(start, end):
            if self.lowers[i] != _THE:
                first = self.strings[self.orths[i]][:1]
                if first.isupper() or first.isdigit():
                    return True
        return False


_DETERMINERS = frozenset({"the", "a", "an", "this", "that", "these", "those"})


def _trim(doc, start: int, end: int) -> tuple[int, int]:
    """An entity span without a leading determiner or a trailing possessive/punctuation."""
    while start < end and doc[start].lower_ in _DETERMINERS:
        start += 1
    while end > start and (doc[end - 1].lower_ in ("'s", "’s", "'", "’") or doc[end - 1].is_punct):
        end -= 1
    return start, end


def _person_start(doc, start: int, end: int, by_token: dict) -> int:
    """Where a person's name starts inside a PERSON entity: after leading titles and demonyms
    ("Defence Minister Shin Won Sik", "Ukrainian Oleksii Makeiev"); the last word is kept."""
    while end - start > 1:
        hit = by_token.get(start)
        if normalise_name(doc[start].text) in TITLES:
            start += 1
        elif hit is not None and hit[3] and hit[0] == start and hit[1] < end:
            start = hit[1]
        else:
            break
    return start


def _trim_text(text: str) -> str:
    """A phrase without a leading determiner or a trailing possessive/punctuation."""
    text = text.strip().translate(_APOSTROPHES)
    first, _, rest = text.partition(" ")
    if rest and first.lower() in _DETERMINERS:
        text = rest
    text = _POSSESSIVE.sub("", text).rstrip(" .,;:")
    return text
