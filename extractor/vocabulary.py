"""The word lists the finders share, as data: one JSON Lines file per kind under ``extractor/data/``.

Each file is loaded once per process through :func:`extractor.lexicon.load_package_lexicon`
(pydantic, unknown keys forbidden, a duplicate id or a word listed twice is an error naming the
file and line). The finders read the derived sets below, never a Python table of words.

=====================  =============================================================
``months.jsonl``       month names and their abbreviations, with the month's number
``weekdays.jsonl``     weekday names and abbreviations, Monday = 0
``currencies.jsonl``   currency symbols and codes: a number after one is money
``calibre_units.jsonl``  units a calibre is given in ("152mm", "6-inch", ".50 cal")
``titles.jsonl``       words dropped from the front of a person's name ("Defence Minister")
``body_nouns.jsonl``   nouns of a state's bodies; ``of_state``: a demonym or possessive on it
                       is that state; ``speaks``: it speaks as a source ("the ministry said")
``no_party_verbs.jsonl``  verbs (lemmas) whose subject judges or stops a transfer, no party to it
``source_cues.jsonl``  cue words of the kind of a source, tried in file order
``source_nouns.jsonl``  nouns of attribution phrases, each with what it does there (``uses``)
``source_verbs.jsonl``  verb forms of attribution: denying, assessing, citing, relaying, authoring,
                       naming ("called the report baseless"), titling, reporting
``place_nouns.jsonl``  nouns of place: a demonym on them names a location, not a party
``role_nouns.jsonl``   nouns that carry a role of their own ("buyers" are recipients)
``description_nouns.jsonl``  nouns of a definite description ("the company") and the actor types
                       it refers back to
``company_suffixes.jsonl``  legal forms and trade words that end a company's name
``origin_suffixes.jsonl``  words after a hyphen that mark origin ("North Korean-made")
``materiel_words.jsonl``  words that make a clause about materiel without naming a munition
=====================  =============================================================
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Literal, get_args

from pydantic import Field, model_validator

from .lexicon import LexiconEntry, load_package_lexicon
from .models import ActorType, Role, SourceKind


class WordsEntry(LexiconEntry):
    """Lower-case words or phrases (``forms``) of one concept."""

    forms: tuple[str, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _lower(self) -> "WordsEntry":
        upper = [f for f in self.forms if f != f.lower()]
        if upper:
            raise ValueError(f"forms are written in lower case: {upper}")
        return self


def _form_keys(entry: WordsEntry) -> Iterator[str]:
    return iter(entry.forms)


class MonthEntry(WordsEntry):
    """``forms``: the name first, then its abbreviations ("sept", "sep")."""

    number: int = Field(ge=1, le=12)


class WeekdayEntry(WordsEntry):
    number: int = Field(ge=0, le=6)


class CalibreUnitEntry(WordsEntry):
    """``mm``: millimetres per unit (None for "calibre", which says no unit)."""

    mm: float | None = None


class BodyNounEntry(WordsEntry):
    of_state: bool = False
    speaks: bool = False

    @model_validator(mode="after")
    def _used(self) -> "BodyNounEntry":
        if not (self.of_state or self.speaks):
            raise ValueError("a body noun is of_state, speaks, or both")
        return self


class VerbEntry(LexiconEntry):
    """A verb by its lemma (and other spellings); its forms are generated: ``-s``, ``-ed`` and
    ``-ing``, with a final ``e`` or consonant ``y`` handled; ``double`` doubles the last consonant
    ("slam" → "slammed")."""

    lemma: str
    spellings: tuple[str, ...] = ()
    double: bool = False
    group: Literal["stance", "interdiction"]


class SourceCueEntry(LexiconEntry):
    """Cue words of one source kind. ``capitalised``: they count only written with a capital
    ("the Times", not "at times")."""

    kind: SourceKind
    phrases: tuple[str, ...] = Field(min_length=1)
    capitalised: bool = False


SourceNounUse = Literal["not_source", "descriptor", "state_voice", "state_pair", "source", "person",
                        "bare_body", "back_reference", "office", "data"]
SourceVerbUse = Literal["negating", "assessing", "citing", "relaying", "authoring", "naming", "titling",
                        "reporting"]


class SourceNounEntry(WordsEntry):
    """A noun of attribution phrases and what it does there:

    ``not_source`` never a source on its own ("reporters"); ``descriptor`` describes a named
    source rather than names it ("the portal"); ``state_voice`` unnamed speakers for their state
    ("officials"); ``state_pair`` "both countries"; ``source`` a source without a name or a
    classifying word ("analysts"); ``person`` names a person by office (its apposition is a
    name); ``bare_body`` "the government said" speaks for the acting state; ``back_reference``
    "rejects the charge" refers back to a claim; ``office`` may stand between a state and a
    person's name ("Foreign Office spokesperson"). ``refers_to``: the kinds of source "the <noun>"
    refers back to.
    """

    uses: tuple[SourceNounUse, ...] = ()
    refers_to: tuple[SourceKind, ...] = ()

    @model_validator(mode="after")
    def _used(self) -> "SourceNounEntry":
        if not (self.uses or self.refers_to):
            raise ValueError("a source noun has uses or refers_to")
        return self


class SourceVerbEntry(WordsEntry):
    """Verb forms of attribution: ``negating`` (a denial), ``assessing`` (an estimate), ``citing``
    ("Yonhap cites a report"), ``relaying`` (a participle relaying a source: "a report disclosed by"),
    ``authoring`` (one naming its author: "a study published by RAND"), ``titling`` (one giving a
    document's title: "a report titled ..."), ``reporting`` (an outlet's reporting: "Reuters
    reported", whose report is "the report" later)."""

    uses: tuple[SourceVerbUse, ...] = Field(min_length=1)


class RoleNounEntry(WordsEntry):
    role: Role


class OriginSuffixEntry(WordsEntry):
    """``role``: what the state or company before the word is: the maker (``producer``:
    "Chinese-made", "built by") or the one who gave or paid (``supplier``: "U.S.-supplied",
    "paid for by Berlin")."""

    role: Literal["producer", "supplier"] = "producer"

    @property
    def gives(self) -> bool:
        return self.role == "supplier"


class DescriptionNounEntry(WordsEntry):
    """``types``: the actor types an earlier actor must have for "the NOUN" to refer to it, in order;
    ``marked``: only an actor whose gazetteer entry lists the noun among its ``descriptions``
    qualifies ("the island", "the kingdom"); ``plural``: the noun refers to as many actors as its
    number says ("the two countries", "both governments"); ``same_noun``: only an actor named
    earlier with the same noun qualifies ("the military" after "Myanmar's military")."""

    types: tuple[ActorType, ...] = Field(min_length=1)
    marked: bool = False
    plural: bool = False
    same_noun: bool = False
    #: a pronoun: it refers back where it cannot be the goods (the indirect object "sent it
    #: arms", "to them", the owner of a state's body or a platform "its jets")
    pronoun: bool = False


class CompanySuffixEntry(WordsEntry):
    """``legal``: a legal form ("Ltd"): a name ending in one is a company; ``trade``: a trade word
    ("Dynamics"): a name of two or more capitalised words ending in one is."""

    kind: Literal["legal", "trade"]


def _known(value: str, choices) -> None:
    if value not in get_args(choices):
        raise ValueError(f"unknown word-list use {value!r}: one of {', '.join(get_args(choices))}")


def verb_forms(lemma: str, double: bool = False) -> tuple[str, ...]:
    """``lemma`` and its third-person, past and -ing forms ("decry" → decries, decried, decrying)."""
    if double:
        stem = lemma + lemma[-1]
        return lemma, lemma + "s", stem + "ed", stem + "ing"
    if lemma.endswith("e"):
        return lemma, lemma + "s", lemma + "d", lemma[:-1] + "ing"
    if lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        return lemma, lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"
    return lemma, lemma + "s", lemma + "ed", lemma + "ing"


def _verb_keys(entry: VerbEntry) -> Iterator[str]:
    for spelling in (entry.lemma, *entry.spellings):
        yield from verb_forms(spelling, entry.double)


def _cue_keys(entry: SourceCueEntry) -> Iterator[str]:
    return iter(entry.phrases)


@cache
def months() -> dict[str, int]:
    """Month name or abbreviation → month number ("sept" → 9)."""
    return {f: e.number for e in load_package_lexicon("months.jsonl", MonthEntry, _form_keys) for f in e.forms}


@cache
def month_words() -> frozenset[str]:
    """Every month form, the abbreviations also with a full stop ("jan.")."""
    entries = load_package_lexicon("months.jsonl", MonthEntry, _form_keys)
    return frozenset(f for e in entries for f in e.forms) | frozenset(f + "." for e in entries for f in e.forms[1:])


@cache
def weekdays() -> dict[str, int]:
    """Weekday name or abbreviation → weekday number (Monday 0)."""
    return {f: e.number for e in load_package_lexicon("weekdays.jsonl", WeekdayEntry, _form_keys) for f in e.forms}


@cache
def currencies() -> frozenset[str]:
    """Currency symbols and codes, lower case ("$", "us$", "usd")."""
    return frozenset(f for e in load_package_lexicon("currencies.jsonl", WordsEntry, _form_keys) for f in e.forms)


@cache
def currency_symbols() -> str:
    """The one-character currency symbols, as one string ("$€£...")."""
    return "".join(sorted(f for f in currencies() if len(f) == 1))


@cache
def calibre_units() -> dict[str, float | None]:
    """Calibre unit word → millimetres per unit (None for "calibre"/"cal")."""
    return {f: e.mm for e in load_package_lexicon("calibre_units.jsonl", CalibreUnitEntry, _form_keys) for f in e.forms}


@cache
def titles() -> frozenset[str]:
    return frozenset(f for e in load_package_lexicon("titles.jsonl", WordsEntry, _form_keys) for f in e.forms)


@cache
def _body_nouns() -> tuple[BodyNounEntry, ...]:
    return load_package_lexicon("body_nouns.jsonl", BodyNounEntry, _form_keys)


@cache
def state_body_nouns() -> frozenset[str]:
    """Nouns of a state's institutions: a demonym or possessive on them is that state."""
    return frozenset(f for e in _body_nouns() if e.of_state for f in e.forms)


@cache
def speaking_body_nouns() -> frozenset[str]:
    """Nouns of bodies that speak as a source ("the ministry said")."""
    return frozenset(f for e in _body_nouns() if e.speaks for f in e.forms)


@cache
def no_party_verbs(group: str | None = None) -> frozenset[str]:
    """Every form of the verbs whose subject takes no part in a transfer ("condemned", "seizing"),
    or of one ``group`` of them (``stance``: judging it; ``interdiction``: stopping it)."""
    entries = load_package_lexicon("no_party_verbs.jsonl", VerbEntry, _verb_keys)
    return frozenset(k for e in entries if group is None or e.group == group for k in _verb_keys(e))


@cache
def control_words() -> frozenset[str]:
    """Adjectives of control after "be" ("are due to arrive", "is set to send"): control_words.jsonl."""
    return frozenset(f for e in load_package_lexicon("control_words.jsonl", WordsEntry, _form_keys) for f in e.forms)


@cache
def production_sites() -> dict[str, frozenset[str]]:
    """production_sites.jsonl by entry id: the verbs that build a site, its nouns, the modifiers
    that make a "line" a production line."""
    return {e.id: frozenset(e.forms) for e in load_package_lexicon("production_sites.jsonl", WordsEntry, _form_keys)}


@cache
def source_cues() -> tuple[SourceCueEntry, ...]:
    """Source-kind cue entries in the order they are tried."""
    return load_package_lexicon("source_cues.jsonl", SourceCueEntry, _cue_keys)


@cache
def _source_nouns() -> tuple[SourceNounEntry, ...]:
    return load_package_lexicon("source_nouns.jsonl", SourceNounEntry, _form_keys)


@cache
def source_nouns(use: str) -> frozenset[str]:
    """The source nouns with one ``use`` (see :class:`SourceNounEntry`)."""
    _known(use, SourceNounUse)
    return frozenset(f for e in _source_nouns() if use in e.uses for f in e.forms)


@cache
def definite_source_kinds() -> dict[str, frozenset[SourceKind]]:
    """"the <noun>" → the kinds of source it refers back to."""
    return {f: frozenset(e.refers_to) for e in _source_nouns() if e.refers_to for f in e.forms}


@cache
def source_verbs(use: str) -> frozenset[str]:
    """The attribution verb forms with one ``use`` (see :class:`SourceVerbEntry`)."""
    _known(use, SourceVerbUse)
    entries = load_package_lexicon("source_verbs.jsonl", SourceVerbEntry, _form_keys)
    return frozenset(f for e in entries if use in e.uses for f in e.forms)


@cache
def place_nouns() -> frozenset[str]:
    return frozenset(f for e in load_package_lexicon("place_nouns.jsonl", WordsEntry, _form_keys) for f in e.forms)


@cache
def vessel_nouns() -> frozenset[str]:
    """Nouns of merchant vessels: the name after one ("the bulk carrier Tutor") is a ship."""
    return frozenset(f for e in load_package_lexicon("vessel_nouns.jsonl", WordsEntry, _form_keys) for f in e.forms)


@cache
def role_nouns() -> dict[str, Role]:
    """Noun → the role it carries ("buyers" → recipient)."""
    return {f: e.role for e in load_package_lexicon("role_nouns.jsonl", RoleNounEntry, _form_keys) for f in e.forms}


@cache
def description_nouns() -> dict[str, tuple[ActorType, ...]]:
    """Noun of a definite description → the actor types it refers back to ("company" → company)."""
    entries = load_package_lexicon("description_nouns.jsonl", DescriptionNounEntry, _form_keys)
    return {f: e.types for e in entries for f in e.forms}


@cache
def description_entries() -> dict[str, DescriptionNounEntry]:
    """Noun of a definite description → its entry (types, marked, plural)."""
    entries = load_package_lexicon("description_nouns.jsonl", DescriptionNounEntry, _form_keys)
    return {f: e for e in entries for f in e.forms}


@cache
def company_suffixes(kind: str) -> frozenset[str]:
    """Legal forms (``legal``) or trade words (``trade``) that end a company's name."""
    _known(kind, CompanySuffixEntry.model_fields["kind"].annotation)
    entries = load_package_lexicon("company_suffixes.jsonl", CompanySuffixEntry, _form_keys)
    return frozenset(f for e in entries if e.kind == kind for f in e.forms)


@cache
def origin_suffixes() -> frozenset[str]:
    return frozenset(f for e in load_package_lexicon("origin_suffixes.jsonl", OriginSuffixEntry, _form_keys) for f in e.forms)


@cache
def giving_origins() -> frozenset[str]:
    """The words of origin that name who gave or paid, not who made ("U.S.-supplied", "funded by")."""
    entries = load_package_lexicon("origin_suffixes.jsonl", OriginSuffixEntry, _form_keys)
    return frozenset(f for e in entries if e.gives for f in e.forms)


@cache
def materiel_words() -> frozenset[str]:
    return frozenset(f for e in load_package_lexicon("materiel_words.jsonl", WordsEntry, _form_keys) for f in e.forms)
