"""Date expressions: find them in a parsed Doc and resolve them against the publication date.

Resolution follows FORMAT.md "Conventions -> dates". The grammar of date expressions is ours (a
small set of regular forms over a normalised string); the words it is built from (qualifiers,
parts of a year, seasons, relative modifiers, vague expressions, future cues, events) are data in
``extractor/data/date_cues.jsonl``. One reused ``DateDataParser(languages=["en"])`` is the
fallback for numeric and unusual absolute forms that carry a four-digit year; it is never asked
about an expression without an explicit year, so its "fill the day/year from RELATIVE_BASE"
and "future month" quirks cannot leak (perf-findings §6).

Decisions the spec leaves open, documented here and pinned by tests:

* The precision is the text's: "February 2022" is ``2022-02``, never a day.
* A bare month, month-day or weekday is the most recent one not after ``published``; with
  ``future=True`` (the claim's verb is future: "will deliver by the end of March") the nearest
  one not before it. "last August" is the most recent August before the publication month.
* "N years ago" gives a month ("about a year ago" -> the publication month a year earlier);
  "N weeks ago" that week, Monday to Sunday; "N days ago" the day.
* "within N units" (a number is required) in a future clause is a window from ``published`` to
  ``published + N`` at the unit's precision; in a past clause it counts from the event's date
  when its sentence gave one before it ("agreed in March to supply them within 12 months":
  March to March of the next year, :func:`_window_from_event`), otherwise it gets no date, and
  neither does "within weeks".
* Vague spans get no date (``resolve`` returns None): "soon", "recently", "now", "in the coming
  days", "the past year", "the last few months", "since then", "that week", "over the last
  year", durations ("20 months", "over three years"), frequencies ("every month").
* Anaphors ("that year", "the same month", "the same day"; the anaphor cues in the data file)
  refer back to the last earlier date of the document precise enough for them:
  :func:`find_dates` resolves "by the spring of that year" after "In January 2023" as "by the
  spring of 2023" (the ``earlier`` dates of :meth:`DateResolver.resolve`); with no such date
  they get no date.
* A bare "since" ("ever since", "has since grown", "since then") starts at the last date of the
  text within two sentences before it (:func:`_since_back`); "that autumn" / "that March" are
  those of the year of the last earlier date. "would" marks the future of reported speech.
* Well-known events cited as anchors after a qualifier ("since Russia's full-scale invasion",
  "before the annexation of Crimea") resolve to their date: the event cues in the data file.
* With ``published`` None a relative expression keeps its granularity and qualifier but has
  ``start`` and ``end`` None; nothing is ever resolved against today.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from pydantic import Field, model_validator
from spacy.attrs import LOWER
from spacy.strings import hash_string

from .. import vocabulary
from ..lexicon import LexiconEntry, load_package_lexicon
from ..models import ISO_PREFIX, DateRef, Granularity
from .base import DESIGNATION, Mention, char_span, doc_text, shape_tokens
from .cues import match_windows

log = logging.getLogger(__name__)

CUES_FILE = "date_cues.jsonl"
CACHE_SIZE = 4096

MONTHS = vocabulary.months()
WEEKDAYS = vocabulary.weekdays()
UNITS = ("day", "week", "month", "quarter", "year", "decade")
#: Month and season names that are also common words: a Matcher hit on them counts only when the
#: tagger calls them nouns ("may" is a modal, "march" and "fall" verbs); month names must be capitalised.
_AMBIGUOUS_NAMES = {"may": True, "march": True, "fall": False, "spring": False}
MIN_YEAR, MAX_YEAR = 1800, 2199


#: Qualifier phrases a span is not widened over: approximators and words too loose to be temporal.
_NO_EXTEND = {
    "of", "to", "over", "some", "about", "around", "approximately", "roughly", "nearly", "almost", "circa",
    "more than", "just over", "less than", "in and around",
}  # fmt: skip


#: An anaphor's unit → the ISO prefix length its antecedent date needs ("that year": 2023).
ANAPHOR_PRECISION = {"year": 4, "month": 7, "day": 10}


class DateCue(LexiconEntry):
    """One entry of ``date_cues.jsonl``; which fields it needs depends on ``kind``."""

    kind: Literal[
        "qualifier", "part", "half", "season", "ordinal", "shift", "relative_day", "number", "vague", "future", "event",
        "anaphor",
    ]
    phrases: tuple[str, ...] = Field(min_length=1)
    role: Literal["start", "end", "until", "between", "range", "point", "window"] | None = None
    label: str | None = None
    year_month: int | None = Field(None, ge=1, le=12)
    decade_years: tuple[int, int] | None = None
    months: tuple[int, int] | None = None
    value: int | None = None
    match: Literal["contains", "whole"] | None = None
    iso: str | None = Field(None, pattern=ISO_PREFIX)

    @model_validator(mode="after")
    def _fields_of_kind(self) -> "DateCue":
        need = {
            "qualifier": ("role",), "part": ("label",), "half": ("label", "months"), "season": ("months",),
            "ordinal": ("value",), "shift": ("value",), "relative_day": ("value",), "number": ("value",),
            "vague": ("match",), "future": (), "event": ("iso",), "anaphor": ("label",),
        }[self.kind]  # fmt: skip
        if self.kind == "anaphor" and self.label not in ANAPHOR_PRECISION:
            raise ValueError(f"an anaphor's label is one of {', '.join(ANAPHOR_PRECISION)}")
        missing = [f for f in need if getattr(self, f) is None]
        if missing:
            raise ValueError(f"a {self.kind} cue needs {', '.join(missing)}")
        for p in self.phrases:
            if p != p.strip().lower() or not p:
                raise ValueError(f"phrase {p!r} must be lower case without outer spaces")
        if self.months is not None and not all(1 <= m <= 12 for m in self.months):
            raise ValueError("months must be 1..12")
        return self


def _cue_keys(entry: DateCue) -> list[str]:
    return [f"{entry.kind}:{p}" for p in entry.phrases]


@dataclass(frozen=True, slots=True)
class Resolved:
    """A resolved date expression: ISO prefixes at the text's precision (None when unknown)."""

    start: str | None
    end: str | None
    granularity: Granularity | None
    qualifier: str | None


@dataclass(frozen=True, slots=True)
class _Val:
    """An interval ``[lo, hi]`` of ISO prefixes (``hi`` None for a point)."""

    lo: str | None
    hi: str | None
    gran: Granularity
    relative: bool = False
    yearless: bool = False  # month/day/season with no year in the text: a range partner may lend one
    label: str | None = None
    decade: bool = False


class _Unresolvable(Exception):
    """Internal: the expression has no form the grammar knows."""


def _alt(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


def _ym(y: int, m: int) -> str:
    return f"{y:04d}-{m:02d}"


def _add_months(y: int, m: int, n: int) -> tuple[int, int]:
    k = y * 12 + (m - 1) + n
    return k // 12, k % 12 + 1


def _check_year(y: int) -> int:
    if not MIN_YEAR <= y <= MAX_YEAR:
        raise _Unresolvable(f"year {y} out of range")
    return y


def _anaphor_words(iso: str, precision: int) -> str:
    """An ISO prefix written out at ``precision`` (an ANAPHOR_PRECISION value): "2023",
    "january 2023", "january 20 2023"."""
    if precision == ANAPHOR_PRECISION["year"]:
        return iso[:4]
    month = max((n for n, v in MONTHS.items() if v == int(iso[5:7])), key=len)  # the full name ("may" too)
    if precision == ANAPHOR_PRECISION["month"]:
        return f"{month} {iso[:4]}"
    return f"{month} {int(iso[8:10])} {iso[:4]}"


def _day_iso(d: dt.date) -> str:
    return d.isoformat()


class _Grammar:
    """The regular forms of date expressions, compiled once from the cue lexicon."""

    def __init__(self, cues: Iterable[DateCue]) -> None:
        by_kind: dict[str, list[DateCue]] = {}
        for c in cues:
            by_kind.setdefault(c.kind, []).append(c)
        self.qualifiers = sorted(
            ((p, c.role) for c in by_kind.get("qualifier", []) for p in c.phrases), key=lambda x: -len(x[0])
        )
        self.parts = sorted(((p, c) for c in by_kind.get("part", []) for p in c.phrases), key=lambda x: -len(x[0]))
        self.halves = sorted(((p, c) for c in by_kind.get("half", []) for p in c.phrases), key=lambda x: -len(x[0]))
        self.seasons = {p: c.months for c in by_kind.get("season", []) for p in c.phrases}
        self.ordinals = {p: c.value for c in by_kind.get("ordinal", []) for p in c.phrases}
        self.shifts = {p: c.value for c in by_kind.get("shift", []) for p in c.phrases}
        self.rel_days = {p: c.value for c in by_kind.get("relative_day", []) for p in c.phrases}
        self.numbers = {p: c.value for c in by_kind.get("number", []) for p in c.phrases}
        self.future_words = frozenset(p for c in by_kind.get("future", []) for p in c.phrases)
        anaphors = sorted(((p, c.label) for c in by_kind.get("anaphor", []) for p in c.phrases), key=lambda x: -len(x[0]))
        self.anaphor_units = dict(anaphors)
        self.anaphor_re = (
            re.compile(rf"(?<![\w'])(?:{_alt(p for p, _ in anaphors)})(?![\w'])") if anaphors else None
        )
        #: a named month or season pointed back at ("since that autumn", "that March"): the one of
        #: the year of the document's last earlier date
        self.anaphor_named_re = re.compile(
            rf"(?<![\w'])(?:that|the same)\s+(?P<n>{_alt([*self.seasons, *MONTHS])})(?![\w'])"
        )
        vague = by_kind.get("vague", [])
        contains = [p for c in vague if c.match == "contains" for p in c.phrases]
        self.vague_whole = frozenset(p for c in vague if c.match == "whole" for p in c.phrases)
        self.vague_re = re.compile(rf"(?<![\w'])(?:{_alt(contains)})(?![\w'])") if contains else None

        events = [(p, c.iso) for c in by_kind.get("event", []) for p in c.phrases]
        #: Event phrases as :func:`normalise_date` leaves them, without "the" (``_single`` strips it), longest first.
        self.events = sorted(((re.sub(r"^the ", "", normalise_date(p)), iso) for p, iso in events), key=lambda x: -len(x[0]))
        anchors = [p for p, r in self.qualifiers if r in ("start", "end", "until", "range")]
        self.event_re = (
            re.compile(
                rf"(?<!\w)(?:{_alt(anchors)})\s+(?:(?:the\s+)?(?:start|beginning|outbreak|onset)\s+of\s+)?"
                rf"(?:{_alt(p for p, _ in events)})(?![\w-])".replace("'", "['\u2019]"),
                re.IGNORECASE,
            )
            if events
            else None
        )

        #: Token sequences a found date is widened over, leftwards: qualifiers (not approximators), parts.
        self.extend_phrases = frozenset(
            {tuple(p.split()) for p, _ in self.qualifiers if p not in _NO_EXTEND}
            | {tuple(p.split()) for p, _ in (*self.parts, *self.halves)}
            | {("the",), ("mid", "-"), ("early", "-"), ("late", "-")}
        )
        self.extend_longest = max(len(p) for p in self.extend_phrases)
        #: The same phrases as tuples of LOWER hashes, to compare with a Doc's LOWER array
        #: without building a Token (and its string) per token.
        self.extend_hashes = frozenset(tuple(hash_string(w) for w in p) for p in self.extend_phrases)

        sh, mo, wd, se = _alt(self.shifts), _alt(MONTHS), _alt(WEEKDAYS), _alt(self.seasons)
        num = rf"\d{{1,3}}|{_alt(self.numbers)}"
        # "winter 2022-23" / "2022/23": the season or quarter starts in the first year.
        yearspec = rf"(?:of\s+)?(?P<yr>\d{{4}}(?:\s*[-/]\s*\d{{2}}(?:\d{{2}})?)?|(?P<ysh>{sh})\s+year)"
        self.re_ago = re.compile(rf"^(?P<n>{num})\s+(?P<u>day|week|month|year|decade)s?\s+(?:ago|back)$")
        self.re_unit = re.compile(rf"^(?P<sh>{sh})\s+(?P<u>week|month|quarter|year)$")
        self.re_weekday = re.compile(
            rf"^(?:(?P<sh>{sh})\s+)?(?P<wd>{wd})(?:\s+(?:morning|afternoon|evening|night))?$"
        )
        self.re_weekend = re.compile(rf"^(?:(?P<sh>{sh})\s+)?weekend$")
        self.re_weekday_prefix = re.compile(rf"^(?:{wd})\s+(?P<rest>.+)$")
        self.re_season = re.compile(rf"^(?:(?P<sh>{sh})\s+)?(?P<se>{se})(?:\s+{yearspec})?$")
        self.re_quarter = re.compile(
            rf"^(?:(?P<ord>{_alt(self.ordinals)})\s+quarter|q(?P<q>[1-4]))(?:\s+{yearspec})?$"
        )
        self.re_month = re.compile(rf"^(?:(?P<sh>{sh})\s+)?(?P<mo>{mo})(?:\s+{yearspec})?$")
        self.re_month_day = re.compile(rf"^(?P<mo>{mo})\s+(?P<d>\d{{1,2}})(?:\s+{yearspec})?$")
        self.re_day_month = re.compile(rf"^(?P<d>\d{{1,2}})\s+(?:of\s+)?(?P<mo>{mo})(?:\s+{yearspec})?$")
        self.re_year = re.compile(r"^(?:(?:the\s+)?(?:calendar\s+|fiscal\s+|financial\s+)?year\s+|fiscal\s+|fy\s*)?(?P<y>\d{4})$")
        self.re_decade = re.compile(r"^(?P<c>\d{3})0s$")
        self.re_iso = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{2})(?:-(?P<d>\d{2}))?$")
        self.re_window = re.compile(
            rf"^(?:the\s+next\s+)?(?P<n>{num})(?:\s*(?:to|-|or)\s*(?P<n2>{num}))?\s+(?P<u>day|week|month|year)s?$"
        )
        #: a run of years counted back from its last one: "the five years to 2023" (2019-2023),
        #: "the three-year period ending in 2024"
        self.re_years_to = re.compile(
            rf"^(?:(?:past|last)\s+)?(?P<n>{num})(?:\s+|\s*-\s*)years?(?:\s+period)?\s+"
            rf"(?:to|through|until|till|up\s+to|ending(?:\s+in)?|ended)\s+(?P<y>\d{{4}})$"
        )
        #: the first or last months of a year: "the first 11 months of 2021" (2021-01 to 2021-11)
        self.re_months_of = re.compile(
            rf"^(?:the\s+)?(?P<fl>first|last)\s+(?P<n>{num})\s+months\s+of\s+(?P<y>\d{{4}})$"
        )
        self.re_this_unit = re.compile(r"^(?:the\s+)?(?P<u>year|month|week)$")
        self.re_numeric = re.compile(r"^\d{1,4}[/.]\d{1,2}[/.]\d{1,4}$")
        self.re_numeric_month = re.compile(r"^(?P<m>\d{1,2})/(?P<y>\d{4})$")


_TIME = re.compile(
    r"\b\d{1,2}(?::\d{2}(?::\d{2})?\s*(?:[ap]\.?m\b\.?)?|(?:\.\d{2})?\s*[ap]\.?m\b\.?)"
    r"(?:\s*(?:gmt|utc|bst|cet|cest|est|edt|pst|pdt|kst|jst|msk)\b)?"
)
_ABBR_DOT = re.compile(rf"\b({_alt(list(MONTHS) + list(WEEKDAYS))})\.")
_ORD_SUFFIX = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)\b")


@lru_cache(maxsize=CACHE_SIZE)  # a dozen regex passes; the same expressions recur from document to document
def normalise_date(text: str) -> str:
    """Lower-cased expression with dashes, quotes, ordinals, abbreviations and times normalised."""
    s = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    s = re.sub(r"[\u2010-\u2015\u2212]", "-", s)
    s = re.sub(r"\b(\d{4}-\d{2}-\d{2})t[\d:.]+(?:z|[+-]\d{2}:?\d{2})?", r"\1", s)
    s = _TIME.sub(" ", s)
    s = _ABBR_DOT.sub(r"\1", s)
    s = _ORD_SUFFIX.sub(r"\1", s)
    s = re.sub(r"\bmid\s*-\s*", "mid ", s)
    s = re.sub(r"\byear\s*-?\s*end\b", "the end of the year", s)
    s = re.sub(r"'s\b", "", s)
    s = re.sub(r"[,;:!?()\[\]\"]", " ", s)
    s = re.sub(r"\s+", " ", s).strip(" .'-")
    return s


def _strip_prefix(s: str, phrase: str) -> str | None:
    if s == phrase:
        return ""
    if s.startswith(phrase) and s[len(phrase)] == " ":
        return s[len(phrase) :].lstrip()
    return None


class DateResolver:
    """Resolves date expressions; build once per process (holds the parser and a cache)."""

    def __init__(self, cues: Iterable[DateCue] | None = None, cache_size: int = CACHE_SIZE) -> None:
        from dateparser.date import DateDataParser

        entries = tuple(cues) if cues is not None else load_package_lexicon(CUES_FILE, DateCue, _cue_keys)
        self.grammar = _Grammar(entries)
        # A fixed, far-away RELATIVE_BASE: the fallback only sees texts with an explicit year,
        # so the base can never show through; if it did, the result would be absurd, not plausible.
        self._parser = DateDataParser(
            languages=["en"],
            settings={
                "RELATIVE_BASE": dt.datetime(1800, 1, 1),
                "PREFER_DAY_OF_MONTH": "first",
                "RETURN_TIME_AS_PERIOD": True,
                "STRICT_PARSING": False,
            },
        )
        self._cache: OrderedDict[tuple[str, dt.date | None, bool], Resolved | None] = OrderedDict()
        self._cache_size = cache_size
        self._matcher = None  # (vocab, Matcher, anchor reach), built on first use

    # ------------------------------------------------------------------ public

    def resolve(
        self, text: str, published: dt.date | None, *, future: bool = False, earlier: Iterable[str] = ()
    ) -> Resolved | None:
        """Resolve one date expression; None when it is vague or not a date. Never raises.

        ``published`` is the article's date (a datetime or an ISO string is accepted too).
        ``future``: the expression belongs to a future-tense clause, so bare months and
        weekdays resolve forward from ``published`` instead of back. ``earlier``: the ISO
        prefixes of the document's earlier dates, latest first, that an anaphor refers back to
        (read only for one): the first precise enough replaces it ("by the spring of that year"
        after "January 2023" → "by the spring of 2023"); without one an anaphor gets no date.
        """
        try:
            norm = normalise_date(text)
        except (AttributeError, TypeError):  # not a str
            return None
        g = self.grammar
        m = g.anaphor_re.search(norm) if g.anaphor_re is not None else None
        if m is not None:
            need = ANAPHOR_PRECISION[g.anaphor_units[m.group(0)]]
            antecedent = next((iso for iso in earlier if len(iso) >= need), None)
            if antecedent is None:
                return None
            return self.resolve(norm[: m.start()] + _anaphor_words(antecedent, need) + norm[m.end():],
                                published, future=future)
        m = g.anaphor_named_re.search(norm)
        if m is not None:
            antecedent = next((iso for iso in earlier if len(iso) >= 4), None)
            if antecedent is None:
                return None
            return self.resolve(norm[: m.start()] + f"{m['n']} {antecedent[:4]}" + norm[m.end():],
                                published, future=future)
        published = as_date(published)
        key = (norm, published, bool(future))
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        try:
            result = self._resolve(norm, published, bool(future))
        except (_Unresolvable, ValueError, OverflowError):
            result = None
        except Exception:  # noqa: BLE001 - the contract is "never raises"; log what slipped through
            log.warning("date expression %r could not be resolved", text, exc_info=True)
            result = None
        self._cache[key] = result
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return result

    def is_future(self, doc, i: int) -> bool:
        """Whether token ``i`` (a date's head) sits in a future-tense clause ("will send", "is due to")."""
        words = self.grammar.future_words
        t = doc[i]
        for _ in range(4):
            if t.lower_ in words or any(c.dep_ in ("aux", "auxpass") and c.lower_ in words for c in t.children):
                return True
            if t.dep_ not in ("conj", "xcomp", "prep", "pobj", "acomp") or t.head.i == t.i:
                return False
            t = t.head
        return False

    # ---------------------------------------------------------------- internal

    def _resolve(self, s: str, pub: dt.date | None, future: bool) -> Resolved | None:
        g = self.grammar
        if not s or (g.vague_re is not None and g.vague_re.search(s)):
            return None
        role, qual = "point", None
        while True:
            for phrase, r in g.qualifiers:
                rest = _strip_prefix(s, phrase)
                if rest is not None:
                    if role == "point" and r != "point":
                        role, qual = r, phrase
                    s = rest
                    break
            else:
                break
        if not s or s in g.vague_whole:
            return None
        if role == "window":
            return self._window(s, pub, qual) if future else None
        v = None
        if role == "point":
            try:
                v = self._single(s, pub, future)
            except _Unresolvable:
                pass  # perhaps a range without a qualifier: "2022-23", "June-August 2023"
        if v is None and role in ("between", "range", "point"):
            pair = self._split_range(s, pub, future, between=role == "between")
            if pair is not None:
                a, b = pair
                return self._out(a.lo, b.hi or b.lo, a, pub, qual, b)
            if role == "between":
                return None
            if role == "range":
                role = "start"  # "from X" with no second date: open-ended from X
        if v is None:
            v = self._single(s, pub, future)
        label = qual if role != "point" else v.label
        if role == "start":
            return self._out(v.lo, None, v, pub, label)
        if role == "end":  # a deadline: no later than X itself ("by spring" -> spring's first month)
            return self._out(None, v.lo, v, pub, label)
        if role == "until":  # up to the end of X
            return self._out(None, v.hi or v.lo, v, pub, label)
        return self._out(v.lo, v.hi, v, pub, label)

    @staticmethod
    def _out(lo, hi, v: _Val, pub, qual, other: _Val | None = None) -> Resolved:
        if pub is None and (v.relative or (other is not None and other.relative)):
            lo = hi = None
        return Resolved(lo, hi, v.gran, qual)

    def _window(self, s: str, pub: dt.date | None, qual: str | None) -> Resolved | None:
        m = self.grammar.re_window.match(s)
        if not m:
            return None
        n = self._num(m["n2"] or m["n"])
        unit = m["u"]
        gran = Granularity.day if unit in ("day", "week") else Granularity(unit)
        if pub is None:
            return Resolved(None, None, gran, qual)
        if unit in ("day", "week"):
            end = _day_iso(pub + dt.timedelta(days=n * (7 if unit == "week" else 1)))
        elif unit == "month":
            end = _ym(*_add_months(pub.year, pub.month, n))
        else:
            end = f"{_check_year(pub.year + n):04d}"
        return Resolved(_day_iso(pub), end, gran, qual)

    def _split_range(self, s: str, pub, future: bool, between: bool) -> tuple[_Val, _Val] | None:
        """Split "X and Y" (after "between") or "X to Y" / "X-Y" into two dates, lending a year across."""
        seps = r"\s+and\s+" if between else r"\s+(?:to|until|till|through|and)\s+|\s*[-/]\s*"
        for m in re.finditer(seps, s):
            left, right = s[: m.start()].strip(), s[m.end() :].strip()
            if not left or not right:
                continue
            if re.fullmatch(r"\d{4}", left) and re.fullmatch(r"\d{2}", right):
                right = left[:2] + right  # "2022-23"
            elif re.fullmatch(r"\d{1,2}", left) and (d := re.match(r"\d{1,2}\s+(\D.*)$", right)):
                left = f"{left} {d[1]}"  # "12-13 june": the first day takes the month and year
            elif re.fullmatch(r"\d{1,2}(?:\s+\d{4})?", right) and (d := re.match(r"(\D+?)\s+\d{1,2}$", left)):
                right = f"{d[1]} {right}"  # "june 12-13 2023": the second day takes the month
            try:
                a = self._single(left, pub, future)
                b = self._single(right, pub, future)
            except _Unresolvable:
                continue
            if not between and " and " in m.group(0):
                continue  # "2026 and 2027" is two expressions, not a range
            if a.yearless and not b.yearless and not b.relative and b.lo:
                a = self._single(left, pub, future, year_hint=int(b.lo[:4]))
                if a.lo and a.lo > b.lo:
                    a = self._single(left, pub, future, year_hint=int(b.lo[:4]) - 1)
            elif b.yearless and a.lo:
                b = self._single(right, pub, future, year_hint=int(a.lo[:4]))
                if b.lo and b.lo < a.lo:
                    b = self._single(right, pub, future, year_hint=int(a.lo[:4]) + 1)
                b = _Val(b.lo, b.hi, b.gran, a.relative, False, b.label)
            if a.lo and b.lo and (b.hi or b.lo) < a.lo:
                continue
            return a, b
        return None

    def _num(self, token: str) -> int:
        return int(token) if token.isdigit() else self.grammar.numbers[token]

    def _year(self, m: re.Match, pub) -> tuple[int | None, bool]:
        """Year of a ``yearspec`` group: (year, relative); (None, False) when the text has none."""
        if m["yr"] is None:
            return None, False
        if m["ysh"] is not None:
            return (pub.year + self.grammar.shifts[m["ysh"]] if pub else None), True
        return _check_year(int(m["yr"][:4])), False

    def _single(self, s: str, pub: dt.date | None, future: bool, year_hint: int | None = None) -> _Val:
        g = self.grammar
        if s.startswith("the ") and not any(s.startswith(p) for p, _ in (*g.halves, *g.parts)):
            s = s[4:]
        for phrase, cue in g.halves:
            rest = _strip_prefix(s, phrase)
            if rest:
                inner = self._this(rest, pub) if g.re_this_unit.match(rest) else self._single(rest, pub, future, year_hint)
                if inner.gran is not Granularity.year or inner.decade:
                    raise _Unresolvable(s)
                y = inner.lo
                a, b = cue.months
                return _Val(y and f"{y}-{a:02d}", y and f"{y}-{b:02d}", Granularity.month, inner.relative, label=cue.label)
        for phrase, cue in g.parts:
            rest = _strip_prefix(s, phrase)
            if rest:
                inner = self._this(rest, pub) if g.re_this_unit.match(rest) else self._single(rest, pub, future, year_hint)
                return self._apply_part(cue, inner)
        return self._core(s, pub, future, year_hint)

    def _this(self, s: str, pub) -> _Val:
        """"the year" / "the month" / "the week" after a part: the current one."""
        unit = self.grammar.re_this_unit.match(s)["u"]
        return self._shifted_unit(unit, 0, pub)

    @staticmethod
    def _apply_part(cue: DateCue, v: _Val) -> _Val:
        if v.decade and cue.decade_years and v.lo:
            d0 = int(v.lo)
            a, b = cue.decade_years
            return _Val(f"{d0 + a:04d}", f"{d0 + b:04d}", Granularity.year, v.relative, label=cue.label)
        if v.gran is Granularity.year and not v.decade and cue.year_month:
            return _Val(v.lo and f"{v.lo}-{cue.year_month:02d}", None, Granularity.month, v.relative, label=cue.label)
        if cue.year_month and v.lo and v.hi and len(v.lo) == len(v.hi) == 7:
            # a part of a run of months (a season, a quarter, a half) is the month at the same place in
            # the run as in a year: "the end of the summer" -> August, "early spring" -> March
            y, m = int(v.lo[:4]), int(v.lo[5:])
            length = (int(v.hi[:4]) - y) * 12 + int(v.hi[5:]) - m + 1
            step = round((cue.year_month - 1) / 11 * (length - 1))
            return _Val(_ym(*_add_months(y, m, step)), None, Granularity.month, v.relative, label=cue.label)
        return _Val(v.lo, v.hi, v.gran, v.relative, v.yearless, cue.label, v.decade)

    def _shifted_unit(self, unit: str, shift: int, pub) -> _Val:
        gran = Granularity(unit)
        if pub is None:
            return _Val(None, None, gran, True)
        if unit == "year":
            return _Val(f"{_check_year(pub.year + shift):04d}", None, gran, True)
        if unit == "month":
            return _Val(_ym(*_add_months(pub.year, pub.month, shift)), None, gran, True)
        if unit == "quarter":
            y, m = _add_months(pub.year, (pub.month - 1) // 3 * 3 + 1, 3 * shift)
            return _Val(_ym(y, m), _ym(*_add_months(y, m, 2)), gran, True)
        monday = pub - dt.timedelta(days=pub.weekday()) + dt.timedelta(weeks=shift)
        return _Val(_day_iso(monday), _day_iso(monday + dt.timedelta(days=6)), gran, True)

    def _core(self, s: str, pub: dt.date | None, future: bool, year_hint: int | None) -> _Val:
        g = self.grammar
        for phrase, iso in g.events:
            if s == phrase or s.startswith(phrase + " "):
                return _Val(iso, None, Granularity.day if len(iso) == 10 else Granularity.month)
        if s in g.rel_days:
            return _Val(pub and _day_iso(pub + dt.timedelta(days=g.rel_days[s])), None, Granularity.day, True)
        if m := g.re_ago.match(s):
            return self._ago(self._num(m["n"]), m["u"], pub)
        if m := g.re_unit.match(s):
            return self._shifted_unit(m["u"], g.shifts[m["sh"]], pub)
        if m := g.re_weekend.match(s):
            return self._weekend(g.shifts.get(m["sh"]) if m["sh"] else None, pub, future)
        if m := g.re_weekday.match(s):
            return self._weekday(WEEKDAYS[m["wd"]], g.shifts.get(m["sh"]) if m["sh"] else None, pub, future)
        if m := g.re_season.match(s):
            return self._cycle(g.seasons[m["se"]], Granularity.season, m, pub, future, year_hint)
        if m := g.re_quarter.match(s):
            q = int(m["q"]) if m["q"] else g.ordinals[m["ord"]]
            months = ((q - 1) * 3 + 1, (q - 1) * 3 + 3)
            return self._cycle(months, Granularity.quarter, m, pub, future, year_hint)
        if m := g.re_month.match(s):
            mo = MONTHS[m["mo"]]
            return self._cycle((mo, mo), Granularity.month, m, pub, future, year_hint)
        if (m := g.re_month_day.match(s)) or (m := g.re_day_month.match(s)):
            return self._month_day(MONTHS[m["mo"]], int(m["d"]), m, pub, future, year_hint)
        if m := g.re_year.match(s):
            return _Val(f"{_check_year(int(m['y'])):04d}", None, Granularity.year)
        if (m := g.re_years_to.match(s)) and 1 < (n := self._num(m["n"])) <= 50:
            last = _check_year(int(m["y"]))
            return _Val(f"{_check_year(last - n + 1):04d}", f"{last:04d}", Granularity.year)
        if (m := g.re_months_of.match(s)) and 1 <= (n := self._num(m["n"])) <= 12:
            y = _check_year(int(m["y"]))
            a, b = (1, n) if m["fl"] == "first" else (13 - n, 12)
            return _Val(_ym(y, a), _ym(y, b), Granularity.month)
        if m := g.re_decade.match(s):
            d0 = _check_year(int(m["c"]) * 10)
            return _Val(f"{d0:04d}", f"{d0 + 9:04d}", Granularity.year, decade=True)
        if m := g.re_iso.match(s):
            y, mo = _check_year(int(m["y"])), int(m["m"])
            if m["d"]:
                return _Val(dt.date(y, mo, int(m["d"])).isoformat(), None, Granularity.day)
            if 1 <= mo <= 12:
                return _Val(_ym(y, mo), None, Granularity.month)
            raise _Unresolvable(s)
        if (m := g.re_numeric_month.match(s)) and 1 <= int(m["m"]) <= 12:
            return _Val(_ym(_check_year(int(m["y"])), int(m["m"])), None, Granularity.month)
        if m := g.re_weekday_prefix.match(s):
            v = self._core(m["rest"], pub, future, year_hint)
            if v.gran is Granularity.day:
                return v
            raise _Unresolvable(s)
        return self._fallback(s)

    def _fallback(self, s: str) -> _Val:
        """Absolute forms outside the grammar ("2024/08/28", "the 5 of may 2024") via dateparser."""
        words = s.split()
        numeric = self.grammar.re_numeric.match(s)
        named = any(w in MONTHS for w in words) and re.search(r"\b\d{4}\b", s) and len(words) <= 5
        if not (numeric or named):
            raise _Unresolvable(s)
        if any(w in ("and", "or", "to", "ago") for w in words) or not re.fullmatch(r"[a-z0-9 ./]+", s):
            raise _Unresolvable(s)
        data = self._parser.get_date_data(s)
        d = data.date_obj if data else None
        if d is None or not MIN_YEAR <= d.year <= MAX_YEAR or d.year == 1800:
            raise _Unresolvable(s)
        has_day = numeric or re.search(r"(?<![\d/.-])\d{1,2}(?![\d/.-])", s)
        if data.period == "day" and has_day:
            return _Val(d.date().isoformat(), None, Granularity.day)
        if data.period in ("day", "month"):
            return _Val(_ym(d.year, d.month), None, Granularity.month)
        raise _Unresolvable(s)

    def _ago(self, n: int, unit: str, pub) -> _Val:
        gran = {"day": Granularity.day, "week": Granularity.week, "month": Granularity.month,
                "year": Granularity.month, "decade": Granularity.year}[unit]  # fmt: skip
        if pub is None:
            return _Val(None, None, gran, True)
        if unit == "day":
            return _Val(_day_iso(pub - dt.timedelta(days=n)), None, gran, True)
        if unit == "week":
            d = pub - dt.timedelta(weeks=n)
            monday = d - dt.timedelta(days=d.weekday())
            return _Val(_day_iso(monday), _day_iso(monday + dt.timedelta(days=6)), gran, True)
        if unit == "decade":
            return _Val(f"{_check_year(pub.year - 10 * n):04d}", None, gran, True)
        months = n * (12 if unit == "year" else 1)
        y, m = _add_months(pub.year, pub.month, -months)
        return _Val(_ym(_check_year(y), m), None, gran, True)

    @staticmethod
    def _weekend(shift: int | None, pub, future: bool) -> _Val:
        """Saturday and Sunday: of the publication week ("this"), the one before or after it,
        or the nearest one not after (``future``: not before) the publication date."""
        if pub is None:
            return _Val(None, None, Granularity.day, True)
        saturday = pub - dt.timedelta(days=pub.weekday()) + dt.timedelta(days=5)  # of the publication week
        if shift is not None:
            saturday += dt.timedelta(weeks=shift)
        elif future and saturday + dt.timedelta(days=1) < pub:
            saturday += dt.timedelta(weeks=1)
        elif not future and saturday > pub:
            saturday -= dt.timedelta(weeks=1)
        return _Val(_day_iso(saturday), _day_iso(saturday + dt.timedelta(days=1)), Granularity.day, True)

    @staticmethod
    def _weekday(wd: int, shift: int | None, pub, future: bool) -> _Val:
        if pub is None:
            return _Val(None, None, Granularity.day, True)
        if shift == 0:
            d = pub - dt.timedelta(days=pub.weekday()) + dt.timedelta(days=wd)
        elif shift == -1:
            d = pub - dt.timedelta(days=(pub.weekday() - wd) % 7 or 7)
        elif shift == 1:
            d = pub + dt.timedelta(days=(wd - pub.weekday()) % 7 or 7)
        elif future:
            d = pub + dt.timedelta(days=(wd - pub.weekday()) % 7)
        else:
            d = pub - dt.timedelta(days=(pub.weekday() - wd) % 7)
        return _Val(_day_iso(d), None, Granularity.day, True)

    def _cycle(self, months: tuple[int, int], gran: Granularity, m: re.Match, pub, future: bool, year_hint) -> _Val:
        """A month, season or quarter: explicit year, relative year, shift or nearest occurrence."""
        a, b = months
        length = (b - a) % 12 + 1
        shift = self.grammar.shifts.get(m["sh"]) if "sh" in m.re.groupindex and m["sh"] else None
        year, relative = self._year(m, pub)

        def val(y: int | None, rel: bool, yearless: bool = False) -> _Val:
            if y is None:
                return _Val(None, None, gran, True, yearless)
            y = _check_year(y)
            lo = _ym(y, a)
            hi = _ym(*_add_months(y, a, length - 1)) if length > 1 else None
            return _Val(lo, hi, gran, rel, yearless)

        if m["yr"] is not None:
            if year is None:
                return val(None, True)
            return val(year, relative)
        if shift is None and year_hint is not None:
            return val(year_hint, False, True)
        if pub is None:
            return val(None, True, shift is None)
        p = pub.year * 12 + pub.month - 1
        # Occurrences starting in year Y span months [Y*12+a-1, +length-1]; pick by the rule.
        occ = [(y * 12 + a - 1, y * 12 + a - 1 + length - 1, y) for y in range(pub.year - 2, pub.year + 3)]
        if shift == -1:
            y = max(o[2] for o in occ if o[1] < p)
        elif shift == 1:
            y = min(o[2] for o in occ if o[0] > p)
        elif shift == 0:
            cur = [o[2] for o in occ if o[0] <= p <= o[1]]
            y = cur[0] if cur else pub.year
        elif future:
            y = min(o[2] for o in occ if o[1] >= p)
        else:
            y = max(o[2] for o in occ if o[0] <= p)
        return val(y, True, shift is None)

    def _month_day(self, mo: int, day: int, m: re.Match, pub, future: bool, year_hint) -> _Val:
        year, relative = self._year(m, pub)
        yearless = m["yr"] is None
        if not yearless:
            if year is None:
                return _Val(None, None, Granularity.day, True)
            return _Val(dt.date(year, mo, day).isoformat(), None, Granularity.day, relative)
        if year_hint is not None:
            return _Val(dt.date(_check_year(year_hint), mo, day).isoformat(), None, Granularity.day, False, True)
        if pub is None:
            dt.date(2000, mo, day)  # still reject impossible days
            return _Val(None, None, Granularity.day, True, True)
        y = pub.year
        if future:
            while _safe_date(y, mo, day) is None or _safe_date(y, mo, day) < pub:
                y += 1
                if y > pub.year + 4:
                    raise _Unresolvable("no such day")
        else:
            while _safe_date(y, mo, day) is None or _safe_date(y, mo, day) > pub:
                y -= 1
                if y < pub.year - 4:
                    raise _Unresolvable("no such day")
        return _Val(dt.date(y, mo, day).isoformat(), None, Granularity.day, True, True)

    # ------------------------------------------------------------ find_dates

    def matcher(self, vocab):
        """The few token patterns for date expressions the NER misses (built once per vocab)."""
        if self._matcher is None or self._matcher[0] is not vocab:
            from spacy.matcher import Matcher

            g = self.grammar
            months = [m for m in MONTHS if len(m) > 3] + ["jan.", "feb.", "aug.", "sept.", "oct.", "nov.", "dec."]
            weekdays = [w for w in WEEKDAYS if w.endswith("day")]
            seasons = list(g.seasons)
            single_parts = [p for p, _ in g.parts if " " not in p]
            temporal_preps = [p for p, r in g.qualifiers if " " not in p and r != "point"] + ["in", "during"]
            mt = Matcher(vocab)
            mt.add("DATE_SHIFTED", [[{"LOWER": {"IN": list(g.shifts)}},
                                     {"LOWER": {"IN": [*UNITS[:-1], "weekend", *weekdays, *months, *seasons]}}]])
            mt.add("DATE_WORD", [[{"LOWER": {"IN": [*weekdays, *(p for p in g.rel_days if " " not in p)]}}]])
            mt.add("DATE_NAMED", [[{"IS_DIGIT": True, "LENGTH": {"<=": 2}, "OP": "?"},
                                   {"LOWER": {"IN": single_parts}, "OP": "?"}, {"ORTH": "-", "OP": "?"},
                                   {"LOWER": {"IN": [*months, *seasons]}},
                                   {"IS_DIGIT": True, "LENGTH": {"<=": 4}, "OP": "?"}]])
            mt.add("DATE_YEAR", [[{"LOWER": {"IN": temporal_preps}},
                                  {"TEXT": {"REGEX": r"^(1[89]|2[01])\d\d(s)?$"},
                                   "ENT_TYPE": {"NOT_IN": ["CARDINAL", "QUANTITY", "MONEY", "PERCENT"]}}]])
            # a span of years written as one token ("in 2019-23", "in 2014–18"); the NER calls it a number
            mt.add("DATE_YEARS", [[{"LOWER": {"IN": temporal_preps}},
                                   {"TEXT": {"REGEX": r"^(1[89]|2[01])\d\d[-–](\d\d|(1[89]|2[01])\d\d)$"}}]])
            mt.add("DATE_AGO", [[{"LIKE_NUM": True}, {"LOWER": {"IN": [f"{u}s" for u in UNITS] + list(UNITS)}},
                                 {"LOWER": {"IN": ["ago"]}}]])  # fmt: skip
            # Every match holds a token it cannot do without; LOWER hash -> how many tokens a match
            # reaches (before, after) that token. Keep in step with the patterns above.
            reach: dict[int, tuple[int, int]] = {}
            for words, before, after in (
                (g.shifts, 0, 2),  # DATE_SHIFTED: the shift word, then the unit
                ([*weekdays, *g.rel_days], 0, 1),  # DATE_WORD
                ([*months, *seasons], 3, 2),  # DATE_NAMED: up to three optional tokens, the name, a number
                (["ago"], 2, 1),  # DATE_AGO: a number and a unit before it
            ):
                for w in words:
                    h = vocab.strings.add(w)
                    b, a = reach.get(h, (0, 0))
                    reach[h] = (max(b, before), max(a, after))
            self._matcher = (vocab, mt, reach)
        return self._matcher[1]

    def matches(self, doc) -> list[tuple[int, int, int]]:
        """The :meth:`matcher`'s ``(key, start, end)`` matches in ``doc``, the same set as
        ``self.matcher(doc.vocab)(doc)`` gives, at a fraction of its cost.

        Most of the Matcher's time goes into trying every pattern (and the optional tokens that
        start DATE_NAMED) at every token of the Doc, where almost none can match. Every match
        contains a token it requires (a shift word, a weekday, a month or season name, "ago",
        or a year: DATE_YEAR and DATE_YEARS end in a token starting with four digits), so the
        Matcher runs only over the windows such a token's match can reach, merged where they
        overlap or touch.
        """
        matcher = self.matcher(doc.vocab)
        reach = self._matcher[2]
        n = len(doc)
        lower = doc.to_array(LOWER).tolist()
        anchored = [(max(0, i - reach[low][0]), min(n, i + reach[low][1])) for i, low in enumerate(lower) if low in reach]
        # DATE_YEAR, DATE_YEARS: the preposition, then the year
        years = shape_tokens(doc, lambda shape: shape.startswith("dddd"), _SHAPE_FOUR_DIGITS)
        anchored += [(max(0, i - 1), i + 1) for i in years]
        return match_windows(matcher, doc, anchored)


def as_date(published: object) -> dt.date | None:
    """``published`` as a date: datetimes lose their time, ISO strings are parsed; anything else
    (a malformed value) is logged and treated as unknown, so relative dates get no value."""
    if isinstance(published, dt.datetime):
        return published.date()
    if published is None or isinstance(published, dt.date):
        return published
    from ..isodate import parse_published

    try:
        return parse_published(published)
    except (ValueError, AttributeError, TypeError):
        log.warning("published %r is not an ISO date; relative dates stay unresolved", published)
        return None


def _safe_date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


# ---------------------------------------------------------------------------- finding in a Doc

#: Token shape hash -> whether the token starts with four digits (filled as shapes are seen).
_SHAPE_FOUR_DIGITS: dict[int, bool] = {}

_RANGE_JOINERS = {"and", "to", "until", "till", "through", "-", "\u2013", "\u2014"}
_LIST_JOINERS = {"and", "or"}


def _event_spans(doc, resolver: DateResolver) -> list[tuple[int, int]]:
    """Qualified event anchors ("since Russia's full-scale invasion") found in the Doc text."""
    if resolver.grammar.event_re is None:
        return []
    out = []
    for m in resolver.grammar.event_re.finditer(doc_text(doc)):
        sp = doc.char_span(m.start(), m.end(), alignment_mode="expand")
        if sp is not None:
            out.append((sp.start, sp.end))
    return out


def _candidate_spans(doc, resolver: DateResolver, events: list[tuple[int, int]]) -> list[tuple[int, int]]:
    spans = [_skip_designations(doc, e.start, e.end) for e in doc.ents if e.label_ in ("DATE", "TIME")] + events
    for _, s, e in resolver.matches(doc):
        toks = doc[s:e]
        if any(
            t.lower_ in _AMBIGUOUS_NAMES
            and ((t.tag_ and t.tag_ not in ("NNP", "NN", "NNPS")) or (_AMBIGUOUS_NAMES[t.lower_] and not t.is_title))
            for t in toks
        ):
            continue
        spans.append((s, e))
    # A number that counts the noun after it is not a year, whatever the NER says ("by 2000 shells").
    spans = [
        (s, e) for s, e in spans
        if not (doc[e - 1].like_num and doc[e - 1].dep_ == "nummod" and doc[e - 1].head.i >= e)
    ]  # fmt: skip
    spans.sort()
    merged: list[list[int]] = []
    for s, e in spans:
        if merged and s < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return [(s, e) for s, e in merged]


#: A weapon designation ("F-16s", "Su-35", "T-72B3") that the NER folded into a date entity
#: ("F-16s last week"); not "mid-2022", "Q3", "FY2024" or "1990s".
#: Words of time written like a designation ("mid-2022", "pre-2014", "FY2025", "Q3").
_TIME_PREFIX = re.compile(r"(?i)^(?:(?:mid|early|late|pre|post|fy|q)\b|(?:fy|q)\d)")


def _skip_designations(doc, s: int, e: int) -> tuple[int, int]:
    """A date entity without the weapon designations at its start."""
    while s < e - 1 and DESIGNATION.match(doc[s].text) and not _TIME_PREFIX.match(doc[s].text):
        s += 1
    return s, e


def _trim(doc, s: int, e: int) -> tuple[int, int]:
    while s < e and (doc[s].is_punct or doc[s].is_space) and doc[s].text not in ("'",):
        s += 1
    while e > s and (doc[e - 1].is_punct or doc[e - 1].is_space or doc[e - 1].lower_ in ("'s", "'")):
        e -= 1
    return s, e


def _extend_left(lower: list[int], s: int, phrases: frozenset[tuple[int, ...]], longest: int) -> int:
    """Take in the qualifier and part words right before the date ("since", "by the end of");
    ``lower`` is the Doc's LOWER array, ``phrases`` the words as LOWER hashes."""
    for _ in range(4):
        for n in range(min(longest, s), 0, -1):
            if tuple(lower[s - n : s]) in phrases:
                s -= n
                break
        else:
            return s
    return s


def _head(doc, s: int, e: int) -> int:
    """The token the expression attaches to: its preposition's head, or the date word's head."""
    if doc[s].dep_ == "mark" and doc[s].head.dep_ == "advcl":  # "since Russia's invasion began": the main clause
        return doc[s].head.head.i
    t = doc[s:e].root
    while t.dep_ == "conj" and t.head.i != t.i:  # "in 2026 and 2027": the second year attaches like the first
        t = t.head
    if t.head.i == t.i:
        return t.i
    if t.dep_ == "pobj" and t.head.dep_ == "prep" and t.head.head.i != t.head.i:
        return t.head.head.i  # the preposition left outside the span: attach to what it modifies
    return t.head.i


def _reporting_head(doc, s: int, e: int, head: int) -> int:
    """"Norway said on July 10 it would send jets": a date right after a verb whose clausal
    complement follows it belongs to that verb, even when the parser hangs it on the complement's
    verb (whose "would" would otherwise read it forward)."""
    before = doc[s - 1] if s > 0 else None
    if before is None or before.pos_ not in ("VERB", "AUX") or head <= e or doc[head].head.i != before.i:
        return head
    return before.i if doc[head].dep_ in ("ccomp", "xcomp") else head


def _split_lists(doc, s: int, e: int) -> list[tuple[int, int]]:
    """"2026 and 2027" is two expressions; "between June and August" one."""
    if doc[s].lower_ in ("between", "from") or not any(t.lower_ in _LIST_JOINERS for t in doc[s:e]):
        return [(s, e)]
    out, cur = [], s
    for t in doc[s:e]:
        if t.lower_ in _LIST_JOINERS:
            if t.i > cur:
                out.append((cur, t.i))
            cur = t.i + 1
    if cur < e:
        out.append((cur, e))
    return out


def find_dates(doc, resolver: DateResolver, published: dt.date | None) -> list[Mention[DateRef]]:
    """Every date expression of ``doc`` with its resolved value, in text order.

    Spans come from spaCy DATE entities and a few Matcher patterns; each is widened to its
    qualifier and part words ("since mid-2022", "by the end of March"), joined with a range
    partner ("between X and Y", "from X to Y"), split when it is a list ("2026 and 2027"), and
    dropped when :meth:`DateResolver.resolve` finds it vague. ``head`` is the token the
    expression attaches to: the head of its preposition, or of the date word itself.
    """
    g = resolver.grammar
    phrases, longest = g.extend_hashes, g.extend_longest
    lower = doc.to_array(LOWER).tolist()
    events = _event_spans(doc, resolver)
    event_ends = {e for _, e in events}
    spans = []
    for s, e in _candidate_spans(doc, resolver, events):
        s, e = _trim(doc, s, e)
        if s < e:
            s = _extend_left(lower, s, phrases, longest)
            if s > 0 and doc[s - 1].lower_ == "that" and doc[s - 1].tag_ == "DT":  # "since that autumn"
                s = _extend_left(lower, s - 1, phrases, longest)
            spans.append([s, e])
    # Join range partners: "from X to Y", "between X and Y", "X - Y".
    joined: list[list[int]] = []
    for s, e in spans:
        if joined:
            ps, pe = joined[-1]
            gap = doc[pe:s]
            joiner = gap[0] if len(gap) == 1 else doc[s] if s == pe else None  # "from 2025" + "to 2027"
            if joiner is not None and joiner.lower_ in _RANGE_JOINERS and (
                joiner.lower_ != "and" or doc[ps].lower_ == "between"
            ):
                joined[-1][1] = e
                continue
            if s < pe or (s == pe and pe in event_ends and doc[s].lower_ in ("in", "on")):
                joined[-1][1] = max(pe, e)  # "since Russia's full-scale invasion in February 2022": one expression
                continue
        joined.append([s, e])
    has_deps = doc.has_annotation("DEP")
    out: list[Mention[DateRef]] = []
    for s0, e0 in joined:
        for s, e in _split_lists(doc, s0, e0):
            s = _extend_left(lower, s, phrases, longest) if s != s0 else s
            s, e = _trim(doc, s, e)
            if s >= e:
                continue
            head = _reporting_head(doc, s, e, _head(doc, s, e)) if has_deps else s
            future = has_deps and resolver.is_future(doc, head)
            text, span = char_span(doc, s, e)
            # "the same day", "by the spring of that year": the dates before, latest first
            earlier = (iso for m in reversed(out) for iso in (m.value.start, m.value.end) if iso)
            res = resolver.resolve(text, published, future=future, earlier=earlier)
            if res is None and not future:
                res = _window_from_event(doc, resolver, text, s, out)
            if res is None:
                continue
            ref = DateRef(text=text, span=span, start=res.start, end=res.end, granularity=res.granularity,
                          qualifier=res.qualifier)  # fmt: skip
            out.append(Mention(s, e, head, ref))
    if has_deps and published is not None:
        out.extend(_since_back(doc, lower, out, joined))
        out.sort(key=lambda m: m.start)
    return out


def _window_from_event(doc, resolver: DateResolver, text: str, s: int, found: list[Mention[DateRef]]):
    """"agreed on March 20 last year to supply them within 12 months": in a past clause a window
    counts from the event's date, when the same sentence gave one (at day or month precision)
    before it; otherwise (None) it places nothing."""
    norm = normalise_date(text)
    if not any(norm.startswith(p + " ") for p, role in resolver.grammar.qualifiers if role == "window"):
        return None
    sent_start = doc[s].sent.start
    anchor = next((m.value.start for m in reversed(found)
                   if m.start >= sent_start and m.value.start and len(m.value.start) >= 7), None)  # fmt: skip
    if anchor is None:
        return None
    res = resolver.resolve(text, dt.date.fromisoformat(anchor if len(anchor) == 10 else anchor + "-01"), future=True)
    # the window starts at the event, at the precision the text gave it ("in March" is no day)
    return None if res is None else Resolved(anchor, res.end, res.granularity, res.qualifier)


#: How many sentences back a bare "since" looks for the date it counts from.
SINCE_REACH = 2
_SINCE = hash_string("since")


def _since_back(doc, lower: list[int], found: list[Mention[DateRef]], taken: list[list[int]]) -> list[Mention[DateRef]]:
    """A bare "since" ("has since grown", "ever since", "since then") counts from the last date the
    text gave before it, within :data:`SINCE_REACH` sentences: "The first units arrived in November
    2022. Crews have used them ever since." starts in 2022-11. The date keeps at most month precision
    (the anchor is an event of that time, not its day); with no such date it gets none. ``lower``
    is the Doc's LOWER array."""
    out = []
    for i, low in enumerate(lower):  # the LOWER array: no Token is built for the other words
        if low != _SINCE or any(s <= i < e for s, e in taken):
            continue
        t = doc[i]
        kids = [c for c in t.children if c.dep_ != "punct" and c.lower_ != "ever"]
        if any(c.lower_ != "then" for c in kids) or (t.dep_ != "advmod" and not kids):
            continue
        if any(c.dep_ == "ccomp" for c in t.head.children):
            continue  # "has since confirmed that ...": the time of a statement, not of an event
        if any(m.start >= t.sent.start and m.end <= t.sent.end for m in found):
            continue  # the sentence dates itself ("have since used them ... last summer")
        s = t.i - 1 if t.i > 0 and doc[t.i - 1].lower_ == "ever" else t.i
        e = t.i + 1 + len(kids)
        first_sent = t.sent.start
        for _ in range(SINCE_REACH):
            if first_sent == 0:
                break
            first_sent = doc[first_sent - 1].sent.start
        anchor = next((m for m in reversed(found) if first_sent <= m.start and m.end <= s
                       and (m.value.start or m.value.end)), None)  # fmt: skip
        if anchor is None:
            continue
        iso = (anchor.value.start or anchor.value.end)[:7]
        text, span = char_span(doc, s, e)
        gran = Granularity.month if len(iso) == 7 else Granularity.year
        out.append(Mention(s, e, t.head.i, DateRef(text=text, span=span, start=iso, end=None, granularity=gran,
                                                   qualifier="since")))
    return out
