"""The ``extractor_cues`` component on ``spacy.blank("en")``: attribution, hedge and negation cues."""

from __future__ import annotations

import pytest

from extractor.extract.cues import Cue, CueCategory

from component_helpers import blank_with, blank_with_lexicon, spans


@pytest.fixture(scope="module")
def nlp():
    return blank_with("extractor_cues")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Officials said Iran may have sent drones.", [("said", "REPORT"), ("may", "HEDGE")]),
        ("Tehran denied sending missiles, according to Reuters.",
         [("denied", "NEGATION"), ("denied", "REPORT"), ("according to", "REPORT")]),
        ("Germany did not send tanks.", [("not", "NEGATION")]),
        # a pseudo-cue keeps "not" from negating: "not only"
        ("It sent not only tanks.", [("not only", "PSEUDO")]),
    ],
)
def test_cue_spans_are_labelled_by_category(nlp, text, expected):
    doc = nlp(text)
    assert spans(doc, "extractor_cues") == expected
    for span in doc.spans["extractor_cues"]:
        cue = span._.extractor_value
        assert isinstance(cue, Cue) and (cue.start, cue.end) == (span.start, span.end)
        assert cue.category is CueCategory(span.label_)


def test_the_cue_rules_come_from_the_config(tmp_path):
    nlp = blank_with_lexicon(tmp_path, ("extractor_cues",), "lexicon",
                             '{"id": "hedge.mooted", "literal": "mooted", "category": "HEDGE", "direction": "BACKWARD"}\n')
    doc = nlp("A transfer was mooted, officials said.")
    assert spans(doc, "extractor_cues") == [("mooted", "HEDGE")]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Belgium has also promised jets.", [("also", "NARRATION")]),
        ("Separately, Oslo ordered radars.", [("Separately", "NARRATION")]),
        ("Spain, for its part, sent tanks.", [("for its part", "NARRATION")]),
        ("Spain sent tanks.", []),
    ],
)
def test_narration_cues_mark_the_writers_own_additions(nlp, text, expected):
    assert spans(nlp(text), "extractor_cues") == expected
