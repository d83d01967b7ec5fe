"""The ``extractor_munitions`` component on ``spacy.blank("en")``: spans with typed values."""

from __future__ import annotations

import pytest

from extractor.models import Munition, MunitionCategory

from component_helpers import blank_with, blank_with_lexicon, spans


@pytest.fixture(scope="module")
def nlp():
    return blank_with("extractor_munitions")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Russia received 152mm artillery shells.", [("152mm artillery shells", "artillery_shell", 152.0, None)]),
        ("Iran supplied Shahed-136 drones.", [("Shahed-136 drones", "drone", None, "Shahed-136")]),
        ("Kyiv asked for HIMARS and Patriot systems.",
         [("HIMARS", "artillery_system", 227.0, "HIMARS"), ("Patriot systems", "air_defense_system", None, "Patriot")]),
        ("The talks ended without a deal.", []),
    ],
)
def test_munition_spans_carry_their_munition(nlp, text, expected):
    doc = nlp(text)
    got = [(s.text, s._.extractor_value.category.value, s._.extractor_value.caliber_mm, s._.extractor_value.name)
           for s in doc.spans["extractor_munitions"]]
    assert got == expected
    assert all(isinstance(s._.extractor_value, Munition) for s in doc.spans["extractor_munitions"])
    assert {label for _, label in spans(doc, "extractor_munitions")} <= {"MUNITION"}


def test_the_head_is_a_token_of_the_span(nlp):
    doc = nlp("Russia received 152mm artillery shells.")
    (span,) = doc.spans["extractor_munitions"]
    assert span.start <= span._.extractor_head < span.end
    assert span._.extractor_value.category is MunitionCategory.artillery_shell


def test_the_lexicon_comes_from_the_config(tmp_path):
    nlp = blank_with_lexicon(tmp_path, ("extractor_munitions",), "lexicon",
                             '{"id": "sys.zeus", "name": "Zeus", "category": "missile", "kind": "system", "aliases": ["Zeus"]}\n')
    doc = nlp("They fired a Zeus and 152mm shells.")
    assert [(s.text, s._.extractor_value.taxonomy_id) for s in doc.spans["extractor_munitions"]][0] == ("Zeus", "sys.zeus")
