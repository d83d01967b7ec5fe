"""The ``extractor_actors`` component on ``spacy.blank("en")``: states, groups, people and outlets."""

from __future__ import annotations

import pytest

from extractor.extract.entities import EntityRef
from extractor.lexicon import data_path

from component_helpers import blank_with


@pytest.fixture(scope="module")
def nlp():
    return blank_with("extractor_actors")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("North Korea sent shells to Russia.", [("North Korea", "North Korea", "state"), ("Russia", "Russia", "state")]),
        # a capital and a demonym resolve to their state
        ("Pyongyang sent North Korean shells.", [("Pyongyang", "North Korea", "state"), ("North Korean", "North Korea", "state")]),
        ("Reuters reported it first.", [("Reuters", "Reuters", "organisation")]),
        ("Nothing happened.", []),
    ],
)
def test_actor_spans_carry_their_entity(nlp, text, expected):
    doc = nlp(text)
    values = [s._.extractor_value for s in doc.spans["extractor_actors"]]
    assert all(isinstance(v, EntityRef) for v in values)
    assert [(s.text, v.name, v.type.value) for s, v in zip(doc.spans["extractor_actors"], values)] == expected
    assert all(s.label_ == "ACTOR" for s in doc.spans["extractor_actors"])


def test_the_gazetteer_comes_from_the_config(tmp_path):
    gazetteer = tmp_path / "gazetteer.jsonl"
    gazetteer.write_text(data_path("gazetteer.jsonl").read_text(encoding="utf-8")
                         + '{"id": "state.ruritania", "name": "Ruritania", "type": "state", "demonyms": ["Ruritanian"]}\n',
                         encoding="utf-8")
    nlp = blank_with("extractor_actors", extractor_actors={"gazetteer": str(gazetteer)})
    doc = nlp("Ruritanian officials met Russia.")
    assert [(s.text, s._.extractor_value.name) for s in doc.spans["extractor_actors"]] == [
        ("Ruritanian", "Ruritania"), ("Russia", "Russia")]
