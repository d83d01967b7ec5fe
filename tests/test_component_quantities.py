"""The ``extractor_quantities`` component on ``spacy.blank("en")``: counts of the munitions found."""

from __future__ import annotations

import pytest

from extractor.errors import MissingComponentError
from extractor.models import Quantity

from component_helpers import blank_with, blank_with_lexicon


@pytest.fixture(scope="module")
def nlp():
    return blank_with("extractor_munitions", "extractor_quantities")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Germany sent 18 Leopard 2 tanks.", [("18 Leopard 2 tanks", 18.0, None, None, False, "tank")]),
        ("about 6 million 152mm shells", [("about 6 million 152mm shells", 6e6, None, None, True, "shell")]),
        ("up to 300 drones and 5,000 rounds",
         [("up to 300 drones", 300.0, None, 300.0, False, "drone"), ("5,000 rounds", 5000.0, None, None, False, "round")]),
        ("The deal is worth $300 million.", []),
    ],
)
def test_quantity_spans_carry_their_quantity(nlp, text, expected):
    doc = nlp(text)
    values = [s._.extractor_value for s in doc.spans["extractor_quantities"]]
    assert all(isinstance(v, Quantity) for v in values)
    assert [(v.text, v.value, v.lower, v.upper, v.approximate, v.unit) for v in values] == expected
    assert all(s.label_ == "QUANTITY" for s in doc.spans["extractor_quantities"])


def test_quantities_need_the_munitions():
    nlp = blank_with("extractor_quantities")
    with pytest.raises(MissingComponentError) as exc:
        nlp("Germany sent 18 tanks.")
    assert str(exc.value) == (
        "extractor_quantities needs doc.spans['extractor_munitions'], which no component wrote: add the "
        "'extractor_munitions' component before 'extractor_quantities' "
        "(nlp.add_pipe('extractor_munitions', before='extractor_quantities'))"
    )


def test_the_cue_lexicon_comes_from_the_config(tmp_path):
    nlp = blank_with_lexicon(tmp_path, ("extractor_munitions", "extractor_quantities"), "cues",
                             '{"id": "vague.heaps", "kind": "vague", "phrases": ["heaps of"], "lower": 2}\n')
    doc = nlp("They sent heaps of drones.")
    assert [(s.text, s._.extractor_value.lower) for s in doc.spans["extractor_quantities"]] == [("heaps of drones", 2.0)]
