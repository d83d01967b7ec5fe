"""Date expressions: resolution against the publication date, and finding them in a parsed Doc."""

from __future__ import annotations

import datetime as dt

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.errors import LexiconError
from extractor.extract.dates import CUES_FILE, DateCue, DateResolver, _cue_keys, find_dates, normalise_date
from extractor.lexicon import data_path, load_entries
from extractor.models import Granularity

P = dt.date(2024, 8, 28)  # a Wednesday
D = dt.date


@pytest.fixture(scope="module")
def resolver() -> DateResolver:
    return DateResolver()


# (text, published, expected start, expected end)
RESOLVE_TABLE = [
    # absolute, at the text's precision
    ("28 August 2024", P, "2024-08-28", None),
    ("August 28, 2024", None, "2024-08-28", None),
    ("Aug. 28th, 2024", P, "2024-08-28", None),
    ("Wednesday, August 28, 2024", P, "2024-08-28", None),
    ("28 August 2024 06:46", P, "2024-08-28", None),
    ("February 2022", P, "2022-02", None),
    ("in February 2022", None, "2022-02", None),
    ("2023", P, "2023", None),
    ("in 2016", P, "2016", None),
    ("for 2024", P, "2024", None),
    ("2024-08-28", None, "2024-08-28", None),
    ("08/28/2024", None, "2024-08-28", None),
    ("28.08.2024", None, "2024-08-28", None),
    ("2024-08-28T06:46:00Z", None, "2024-08-28", None),
    ("Wednesday 10.30am", P, "2024-08-28", None),
    ("last night", P, "2024-08-27", None),
    ("late last year", P, "2023-10", None),
    ("the end of the month", P, "2024-08", None),
    ("the mid-1990s", P, "1994", "1996"),
    ("the 5th of May 2024", None, "2024-05-05", None),
    # weekdays and days relative to published
    ("on Wednesday", P, "2024-08-28", None),
    ("on Monday", P, "2024-08-26", None),
    ("Thursday", P, "2024-08-22", None),
    ("last Friday", P, "2024-08-23", None),
    ("next Friday", P, "2024-08-30", None),
    ("yesterday", P, "2024-08-27", None),
    ("today", P, "2024-08-28", None),
    ("three days ago", P, "2024-08-25", None),
    # weeks, months, years relative to published
    ("last week", P, "2024-08-19", "2024-08-25"),
    ("this week", P, "2024-08-26", "2024-09-01"),
    ("next week", D(2024, 6, 14), "2024-06-17", "2024-06-23"),
    ("as early as next week", D(2024, 6, 14), "2024-06-17", "2024-06-23"),
    ("two weeks ago", P, "2024-08-12", "2024-08-18"),
    ("last month", P, "2024-07", None),
    ("last month's", D(2023, 10, 16), "2023-09", None),
    ("this month", P, "2024-08", None),
    ("next month", P, "2024-09", None),
    ("earlier this month", P, "2024-08", None),
    ("six months ago", P, "2024-02", None),
    ("last year", P, "2023", None),
    ("this year", P, "2024", None),
    ("next year", P, "2025", None),
    ("later this year", P, "2024", None),
    ("starting this year", P, "2024", None),
    ("about a year ago", D(2024, 4, 21), "2023-04", None),
    ("early next year", D(2023, 4, 17), "2024-01", None),
    # bare and shifted months: the most recent one not after published
    ("in September", P, "2023-09", None),
    ("in August", P, "2024-08", None),
    ("in mid-June", P, "2024-06", None),
    ("In January", D(2023, 3, 16), "2023-01", None),
    ("on March 17", D(2025, 4, 15), "2025-03-17", None),
    ("on March 20 last year", D(2024, 1, 31), "2023-03-20", None),
    ("in March last year", D(2024, 4, 21), "2023-03", None),
    ("last August", D(2024, 8, 5), "2023-08", None),
    ("last July", D(2024, 1, 18), "2023-07", None),
    ("next March", P, "2025-03", None),
    # qualifiers
    ("since last August", D(2024, 6, 14), "2023-08", None),
    ("since mid-2022", P, "2022-06", None),
    ("since February 2022", P, "2022-02", None),
    ("since the autumn of 2023", P, "2023-09", None),
    ("from the end of January", D(2024, 1, 18), "2024-01", None),
    ("by March 2025", P, None, "2025-03"),
    ("until 2026", P, None, "2026"),
    ("before the end of 2024", P, None, "2024-12"),
    ("by the end of the year", D(2024, 1, 31), None, "2024-12"),
    ("by 2027", P, None, "2027"),
    ("by spring 2023", P, None, "2023-03"),
    ("until spring 2023", P, None, "2023-05"),
    ("since the 1990s", P, "1990", None),
    # ranges
    ("between June and August 2023", P, "2023-06", "2023-08"),
    ("between Sept. 7 and Oct. 1", D(2023, 10, 16), "2023-09-07", "2023-10-01"),
    ("from September 2023 to March 2025", P, "2023-09", "2025-03"),
    ("from November 2023 to February", P, "2023-11", "2024-02"),
    ("2022-2024", P, "2022", "2024"),
    ("2022-23", P, "2022", "2023"),
    ("June-August 2023", P, "2023-06", "2023-08"),
    ("12-13 June", P, "2024-06-12", "2024-06-13"),
    ("June 12-13, 2023", P, "2023-06-12", "2023-06-13"),
    ("2024-08", P, "2024-08", None),
    ("10/2024", P, "2024-10", None),
    ("2024/25", P, "2024", "2025"),
    ("the winter of 2022-23", P, "2022-12", "2023-02"),
    ("over the weekend", P, "2024-08-24", "2024-08-25"),
    ("last weekend", P, "2024-08-24", "2024-08-25"),
    ("this weekend", P, "2024-08-31", "2024-09-01"),
    ("the weekend", D(2024, 9, 1), "2024-08-31", "2024-09-01"),
    ("in fiscal year 2023", P, "2023", None),
    # parts of months and years
    ("early June", P, "2024-06", None),
    ("late June 2023", P, "2023-06", None),
    ("early 2024", P, "2024-01", None),
    ("mid-2024", P, "2024-06", None),
    ("late 2024", P, "2024-10", None),
    ("the end of 2024", P, "2024-12", None),
    ("the beginning of 2024", P, "2024-01", None),
    ("the start of 2023", P, "2023-01", None),
    ("year-end", P, "2024-12", None),
    ("the first half of 2025", P, "2025-01", "2025-06"),
    # seasons, quarters, decades
    ("spring 2023", P, "2023-03", "2023-05"),
    ("the summer of 2023", P, "2023-06", "2023-08"),
    ("autumn 2022", P, "2022-09", "2022-11"),
    ("fall 2022", P, "2022-09", "2022-11"),
    ("winter 2023", P, "2023-12", "2024-02"),
    ("last spring", D(2024, 1, 18), "2023-03", "2023-05"),
    ("since last autumn", D(2023, 3, 16), "2022-09", None),
    ("last summer", D(2023, 4, 29), "2022-06", "2022-08"),
    ("last winter", P, "2023-12", "2024-02"),
    ("this summer", D(2024, 2, 1), "2024-06", "2024-08"),
    ("the first quarter of 2024", P, "2024-01", "2024-03"),
    ("Q3 2023", P, "2023-07", "2023-09"),
    ("the third quarter of last year", P, "2023-07", "2023-09"),
    ("the 1990s", P, "1990", "1999"),
    ("the early 1990s", P, "1990", "1993"),
    # a run of years counted back from its last one; the first or last months of a year
    ("in the five years to 2023", P, "2019", "2023"),
    ("the three-year period ending in 2021", P, "2019", "2021"),
    ("in the 10 years through 2022", P, "2013", "2022"),
    ("in the first 11 months of 2021", P, "2021-01", "2021-11"),
    ("the last three months of 2023", P, "2023-10", "2023-12"),
    # a part of a season or quarter is the month at the same place in it as in a year
    ("the end of the summer of 2022", P, "2022-08", None),
    ("early spring 2023", P, "2023-03", None),
    ("mid-summer 2022", P, "2022-07", None),
    ("late autumn 2021", P, "2021-11", None),
    ("the end of the third quarter of 2023", P, "2023-09", None),
    ("by the end of the summer of 2022", P, None, "2022-08"),
    # well-known events as anchors (data: event cues)
    ("since Russia's full-scale invasion", P, "2022-02", None),
    ("since Russia\u2019s invasion began", None, "2022-02", None),
    ("since the start of the full-scale invasion", P, "2022-02", None),
    ("before the annexation of Crimea", P, None, "2014-03"),
    ("since the October 7 attack", P, "2023-10-07", None),
    # relative expressions without a publication date: kept, but no value
    ("last month", None, None, None),
    ("on Wednesday", None, None, None),
    ("in September", None, None, None),
    ("since last August", None, None, None),
    ("next week", None, None, None),
]


@pytest.mark.parametrize(("text", "published", "start", "end"), RESOLVE_TABLE)
def test_resolve(resolver, text, published, start, end):
    res = resolver.resolve(text, published)
    assert res is not None, text
    assert (res.start, res.end) == (start, end)


VAGUE = [
    "within weeks", "soon", "in the coming days", "in the coming months", "some time ago", "recently", "now",
    "currently", "for years", "20 months", "three years", "over 20 months", "two or three years", "the past year",
    "over the past year", "over the last year", "the last few months", "a year earlier", "over the next year", "2024 25", "3 2024", "the 2024 package", "the 20th", "recent weeks", "that year", "the same day", "since then",
    "ever since", "since", "by the spring of that year", "every month", "weekly", "38-year-old",
    "the plan days earlier", "24", "the last nine", "2026 and 2027", "between June", "", "   ", "-", "a year",
]  # fmt: skip


@pytest.mark.parametrize("text", VAGUE)
def test_vague_gets_no_date(resolver, text):
    assert resolver.resolve(text, P) is None


@pytest.mark.parametrize(
    ("text", "qualifier", "granularity"),
    [
        ("since mid-2022", "since", Granularity.month),
        ("in mid-June", "mid", Granularity.month),
        ("by March 2025", "by", Granularity.month),
        ("until 2026", "until", Granularity.year),
        ("between June and August 2023", "between", Granularity.month),
        ("from September 2023 to March 2025", "from", Granularity.month),
        ("last week", None, Granularity.week),
        ("spring 2023", None, Granularity.season),
        ("Q3 2023", None, Granularity.quarter),
        ("2023", None, Granularity.year),
        ("on Wednesday", None, Granularity.day),
        ("the 1990s", None, Granularity.year),
        ("within two to three months", "within", Granularity.month),
    ],
)
def test_qualifier_and_granularity(resolver, text, qualifier, granularity):
    res = resolver.resolve(text, P, future=text.startswith("within"))
    assert (res.qualifier, res.granularity) == (qualifier, granularity)


@pytest.mark.parametrize(
    ("text", "published", "past", "future"),
    [
        ("by the end of March", D(2024, 1, 31), (None, "2023-03"), (None, "2024-03")),
        ("on Friday", P, ("2024-08-23", None), ("2024-08-30", None)),
        ("in September", P, ("2023-09", None), ("2024-09", None)),
        ("on March 17", D(2025, 4, 15), ("2025-03-17", None), ("2026-03-17", None)),
        ("in the spring", P, ("2024-03", "2024-05"), ("2025-03", "2025-05")),
        ("next week", P, ("2024-09-02", "2024-09-08"), ("2024-09-02", "2024-09-08")),
        ("within two to three months", D(2025, 8, 1), None, ("2025-08-01", "2025-11")),
        ("within 10 days", P, None, ("2024-08-28", "2024-09-07")),
        ("as early as March", D(2023, 11, 20), ("2023-03", None), ("2024-03", None)),
        ("by the end of the summer", D(2024, 1, 10), (None, "2023-08"), (None, "2024-08")),
    ],
)
def test_future_context_resolves_forward(resolver, text, published, past, future):
    got_past = resolver.resolve(text, published)
    got_future = resolver.resolve(text, published, future=True)
    assert (got_past and (got_past.start, got_past.end)) == past
    assert (got_future.start, got_future.end) == future


@pytest.mark.parametrize(
    ("published", "expected"),
    [(dt.datetime(2024, 8, 28, 23, 59), "2024-08-27"), ("2024-08-28", "2024-08-27"), ("not a date", None), (17, None)],
)
def test_published_forms(resolver, published, expected):
    assert resolver.resolve("yesterday", published).start == expected
    assert resolver.resolve("28 August 2024", published).start == "2024-08-28"


def test_cache_returns_same_result(resolver):
    a = resolver.resolve("since mid-2022", P)
    assert resolver.resolve("Since  mid-2022", P) is a


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Sept. 7", "sept 7"), ("mid\u2013June", "mid june"), ("last month's", "last month"), ("28th August", "28 august")],
)
def test_normalise_date(text, expected):
    assert normalise_date(text) == expected


def test_cue_lexicon_loads_and_rejects_bad_entries():
    entries = load_entries(data_path(CUES_FILE), DateCue, keys=_cue_keys)
    assert {e.kind for e in entries} >= {"qualifier", "part", "season", "vague", "future"}
    with pytest.raises(LexiconError, match="needs months"):
        load_entries("x.jsonl", DateCue, lines=['{"id": "s", "kind": "season", "phrases": ["spring"]}'])
    with pytest.raises(LexiconError, match="anaphor's label is one of year, month, day"):
        load_entries("x.jsonl", DateCue, lines=['{"id": "a", "kind": "anaphor", "phrases": ["then"], "label": "week"}'])
    with pytest.raises(LexiconError, match="lower case"):
        load_entries("x.jsonl", DateCue, lines=['{"id": "v", "kind": "vague", "phrases": ["Soon"], "match": "whole"}'])


# ---------------------------------------------------------------------------- fuzzing: never raises

_WORDS = st.sampled_from(
    "since by until between and from to in on the of early mid mid- late end beginning last this next year month "
    "week quarter spring winter first third q3 monday june sept. 7 2024 2022-23 1990s ago two a within days - , "
    "yesterday 31 february 30 0 9999 12 months".split()
)


@settings(max_examples=300, deadline=None)
@given(
    text=st.one_of(st.text(max_size=40), st.lists(_WORDS, max_size=7).map(" ".join)),
    published=st.one_of(st.none(), st.dates(min_value=D(1801, 1, 1), max_value=D(2190, 12, 31))),
    future=st.booleans(),
)
def test_resolve_never_raises(resolver, text, published, future):
    res = resolver.resolve(text, published, future=future)
    if res is not None:
        for v in (res.start, res.end):
            assert v is None or len(v) in (4, 7, 10)


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=80))
def test_find_dates_never_raises_on_blank_pipeline(resolver, text):
    nlp = _blank()
    find_dates(nlp(text), resolver, P)


@settings(max_examples=60, deadline=None)
@given(words=st.lists(_WORDS, min_size=1, max_size=12), published=st.one_of(st.none(), st.just(P)))
def test_find_dates_never_raises_on_model(nlp, resolver, words, published):
    text = "Russia received shells " + " ".join(words) + "."
    for m in find_dates(nlp(text), resolver, published):
        assert text[m.value.span.start : m.value.span.end] == m.value.text


def _blank():
    global _BLANK
    try:
        return _BLANK
    except NameError:
        _BLANK = spacy.blank("en")
        return _BLANK


# ---------------------------------------------------------------------------- finding in a Doc


FIND_TABLE = [
    (
        "North Korea has sent over 13,000 containers to Russia since mid-2022, the ministry said on Wednesday.",
        P,
        ["since mid-2022", "on Wednesday"],
    ),
    ("In mid-June, the two leaders met in Pyongyang.", P, ["In mid-June"]),
    ("Deliveries took place between June and August 2023.", P, ["between June and August 2023"]),
    ("Ukraine received the jets from September 2023 to March 2025.", P, ["from September 2023 to March 2025"]),
    ("The plants will run at full capacity in 2026 and 2027.", P, ["in 2026", "2027"]),
    ("The shells could arrive within weeks, officials said.", P, []),
    ("The war has lasted over 20 months.", P, []),
    ("The EU will deliver 500,000 shells by the end of March.", D(2024, 1, 31), ["by the end of March"]),
    ("Russia has fired hundreds of drones at Kyiv since last August.", P, ["since last August"]),
    ("The first jets are expected early next year.", P, ["early next year"]),
    ("Norway said last week it would send more.", P, ["last week"]),
    ("The missiles would be delivered from 2025 to 2027.", P, ["from 2025 to 2027"]),
    ("Kyiv has received 300 tanks since Russia's full-scale invasion in February 2022.", P,
     ["since Russia's full-scale invasion in February 2022"]),
    ("The invasion of Ukraine changed everything.", P, []),
    ("Production increased by 2000 shells a month.", P, []),
    ("Germany will deliver the launchers within two to three months.", P, ["within two to three months"]),
    ("The EU agreed in March to supply the shells within 12 months.", P, ["in March", "within 12 months"]),
    ("The EU agreed to supply the shells within 12 months.", P, []),
    ("Output will double by 2027.", P, ["by 2027"]),
    ("May will see the first deliveries, the minister said.", P, []),
    ("The tanks may arrive in March or April.", P, ["in March", "April"]),
    ("Germany may send more tanks in the coming months.", P, []),
    ("Russian drones struck Odesa last night.", P, ["last night"]),
    ("The decision was announced at 06:46 on Wednesday.", P, ["on Wednesday"]),
    # a span of years written as one token, which the NER calls a number
    ("Exports in 2019–23 were 17% higher than in 2014–18.", P, ["in 2019–23", "in 2014–18"]),
    ("Imports fell by a third in 2015-2019.", P, ["in 2015-2019"]),
    ("Kyiv received 2019 shells.", P, []),
    # "that" as a conjunction does not point back
    ("Officials said that March was the deadline.", P, ["March"]),
]


@pytest.mark.parametrize(("sentence", "published", "expected"), FIND_TABLE)
def test_find_dates_texts(nlp, resolver, sentence, published, expected):
    doc = nlp(sentence)
    mentions = find_dates(doc, resolver, published)
    assert [m.value.text for m in mentions] == expected
    for m in mentions:
        assert sentence[m.value.span.start : m.value.span.end] == m.value.text
        assert doc[m.start : m.end].text == m.value.text


def test_find_dates_heads_and_values(nlp, resolver):
    doc = nlp("North Korea has sent over 13,000 containers to Russia since mid-2022, the ministry said on Wednesday.")
    since, wednesday = find_dates(doc, resolver, P)
    assert doc[since.head].text == "sent" and doc[wednesday.head].text == "said"
    assert (since.value.start, since.value.end, since.value.qualifier) == ("2022-06", None, "since")
    assert wednesday.value.start == "2024-08-28"


def test_find_dates_event_anchor_attaches_to_main_clause(nlp, resolver):
    doc = nlp("The EU has sent 300,000 shells since Russia's invasion began, officials said.")
    (m,) = find_dates(doc, resolver, P)
    assert (m.value.text, m.value.start, doc[m.head].text) == ("since Russia's invasion", "2022-02", "sent")


def test_find_dates_future_clause_resolves_forward(nlp, resolver):
    doc = nlp("The EU will deliver 500,000 shells by the end of March.")
    (m,) = find_dates(doc, resolver, D(2024, 1, 31))
    assert (m.value.start, m.value.end, m.value.qualifier) == (None, "2024-03", "by")


def test_find_dates_without_published_keeps_relative_text(nlp, resolver):
    doc = nlp("Russia has fired hundreds of drones at Kyiv since last August.")
    (m,) = find_dates(doc, resolver, None)
    assert (m.value.text, m.value.start, m.value.end) == ("since last August", None, None)


@pytest.mark.parametrize(
    ("text", "antecedent", "start", "end"),
    [
        ("by the spring of that year", "2023-01", None, "2023-03"),
        ("the same day", "2024-07-10", "2024-07-10", None),
        ("the same day", "2024-05-02", "2024-05-02", None),  # "may", the month name of three letters
        ("later that month", "2024-07-10", "2024-07", None),
        ("in the same year", "2022", "2022", None),
        ("the same day", "2024-07", None, None),  # the earlier date is not precise enough
    ],
)
def test_resolve_anaphor(resolver, text, antecedent, start, end):
    res = resolver.resolve(text, P, earlier=[antecedent])
    assert (res.start, res.end) == (start, end) if start or end else res is None


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # the last date before the anaphor, at the precision it needs
        ("Norway said on July 10 it would send jets. Denmark said the same day it would send more.",
         [("on July 10", "2024-07-10"), ("the same day", "2024-07-10")]),
        ("In January 2023, officials said the tanks would arrive by the spring of that year.",
         [("In January 2023", "2023-01"), ("by the spring of that year", "2023-03")]),
        # nothing to refer back to: no date
        ("Denmark said the same day it would send more jets.", []),
    ],
)
def test_find_dates_resolves_anaphors_against_the_last_date(nlp, resolver, sentence, expected):
    mentions = find_dates(nlp(sentence), resolver, D(2024, 7, 12))
    assert [(m.value.text, m.value.start or m.value.end) for m in mentions] == expected



@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # a bare "since" counts from the last date the text gave, at most month precision
        ("The first units reached Kyiv in November 2022. Crews have used them ever since.",
         [("in November 2022", "2022-11"), ("ever since", "2022-11")]),
        ("The jets landed on March 4, 2022. Analysts believe the fleet has since grown to 36.",
         [("on March 4, 2022", "2022-03-04"), ("since", "2022-03")]),
        ("Germany sent 14 tanks in March 2023. The army has used the tanks since then.",
         [("in March 2023", "2023-03"), ("since then", "2023-03")]),
        # too far back: more than two sentences before
        ("Berlin sent 40 tanks in 2021. Warsaw sent 20. Prague sent 10. Kyiv has used them since.",
         [("in 2021", "2021")]),
        # nothing before it: no date
        ("Kyiv has used the tanks ever since.", []),
        # the time of a statement, not of an event
        ("Germany sent tanks in 2022. Berlin has since confirmed that it will send more.", [("in 2022", "2022")]),
        # the sentence has its own date
        ("Sweden sent tanks in 2023. Units have since used them in combat, notably last summer.",
         [("in 2023", "2023"), ("last summer", "2024-06")]),
        # "that" + a season or month: the one of the year of the last date
        ("Sweden donated eight howitzers in 2023, which units have used since that autumn.",
         [("in 2023", "2023"), ("since that autumn", "2023-09")]),
        ("Kyiv received 20 tanks in 2022. That summer it got 10 more.",
         [("in 2022", "2022"), ("That summer", "2022-06")]),
    ],
)
def test_find_dates_points_back_from_since_and_that(nlp, resolver, sentence, expected):
    mentions = find_dates(nlp(sentence), resolver, D(2024, 12, 1))
    assert [(m.value.text, m.value.start or m.value.end) for m in mentions] == expected
    for m in mentions:
        assert sentence[m.value.span.start : m.value.span.end] == m.value.text


def test_find_dates_would_clause_resolves_forward(nlp, resolver):
    doc = nlp("Officials said the training would begin as early as March.")
    (m,) = find_dates(doc, resolver, D(2023, 11, 20))
    assert m.value.start == "2024-03"


def test_find_dates_a_date_right_after_a_reporting_verb_is_the_report_s(nlp, resolver):
    doc = nlp("Norway said on July 10 it would send jets.")
    (m,) = find_dates(doc, resolver, D(2024, 7, 12))
    assert (doc[m.head].text, m.value.start) == ("said", "2024-07-10")


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # a window in a past clause counts from the event's date given before it in the sentence
        ("The EU agreed on March 20 last year to supply the shells within 12 months.",
         [("2023-03-20", None), ("2023-03-20", "2024-03")]),
        ("The EU agreed in March 2023 to supply the shells within 12 months.", [("2023-03", None), ("2023-03", "2024-03")]),
        ("The EU promised in 2023 to supply the shells within 12 months.", [("2023", None)]),  # no month to count from
    ],
)
def test_find_dates_window_in_a_past_clause_counts_from_the_event(nlp, resolver, sentence, expected):
    mentions = find_dates(nlp(sentence), resolver, D(2024, 1, 31))
    assert [(m.value.start, m.value.end) for m in mentions] == expected
