"""The package's own spaCy components, on hand-built parses (no trained model needed)."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Doc

from extractor.components import verb_repair


@pytest.fixture(scope="module")
def blank():
    return spacy.blank("en")


def parsed(blank, rows: list[tuple[str, str, str, int]]) -> Doc:
    """A Doc from (word, tag, dep, head index) rows."""
    words, tags, deps, heads = zip(*rows)
    return Doc(blank.vocab, words=list(words), tags=list(tags), deps=list(deps), heads=list(heads))


@pytest.mark.parametrize(
    "rows, verbs",
    [
        # "Pyongyang supplies half of the munitions": a noun tag, parsed as a verb with subject and object
        ([("Pyongyang", "NNP", "nsubj", 1), ("supplies", "NNS", "ROOT", 1), ("half", "NN", "dobj", 1)],
         ["supplies"]),
        # under a reporting verb, the ccomp
        ([("Officials", "NNS", "nsubj", 1), ("said", "VBD", "ROOT", 1), ("Iran", "NNP", "nsubj", 3),
          ("arms", "NNS", "ccomp", 1), ("Houthis", "NNPS", "dobj", 3)], ["arms"]),
        # a proper noun parsed as its compound is its subject ("Tehran arms Hezbollah")
        ([("Tehran", "NNP", "compound", 1), ("arms", "NNS", "ROOT", 1), ("Hezbollah", "NNP", "dobj", 1)],
         ["arms"]),
        # a real noun keeps its tag: no object ("weapons supplies rose")...
        ([("weapons", "NNS", "compound", 1), ("supplies", "NNS", "nsubj", 2), ("rose", "VBD", "ROOT", 2)], []),
        # ... or a determiner ("the supplies Russia needs" has no object either)
        ([("the", "DT", "det", 1), ("supplies", "NNS", "ROOT", 1), ("Russia", "NNP", "nsubj", 1),
          ("shells", "NNS", "dobj", 1)], []),
    ],
)
def test_verb_repair(blank, rows, verbs):
    doc = verb_repair(parsed(blank, rows))
    assert [t.text for t in doc if t.pos_ == "VERB"] == verbs
    assert all(t.tag_ in ("VBZ", "VBP") for t in doc if t.text in verbs)
    assert all(any(c.dep_ == "nsubj" for c in t.children) for t in doc if t.text in verbs)


def test_the_pipeline_repairs_after_the_tags_are_mapped(extractor):
    names = extractor.nlp.pipe_names
    assert names.index("attribute_ruler") < names.index("extractor_verb_repair") < names.index("extractor_claims")


def test_the_pipeline_shows_every_extraction_component_in_order(extractor):
    names = extractor.nlp.pipe_names
    assert names[-6:] == ["extractor_munitions", "extractor_quantities", "extractor_dates", "extractor_actors",
                          "extractor_cues", "extractor_claims"]
    assert names.index("ner") < names.index("extractor_munitions")


SENT = "North Korea has sent over 13,000 containers of artillery shells to Russia since August 2023."


def test_disabling_the_dates_gives_claims_without_dates(extractor):
    (with_dates,) = extractor.extract(SENT, published="2024-08-28")
    with extractor.nlp.select_pipes(disable=["extractor_dates"]):
        (without,) = extractor.extract(SENT, published="2024-08-28")
    assert [d.text for d in with_dates.dates] == ["since August 2023"]
    assert without.dates == []
    assert without.model_copy(update={"dates": []}) == with_dates.model_copy(update={"dates": []})


@pytest.mark.parametrize(
    "disabled, missing, reader",
    [
        (["extractor_munitions"], "extractor_munitions", "extractor_quantities"),
        (["extractor_actors"], "extractor_actors", "extractor_claims"),
        (["extractor_cues"], "extractor_cues", "extractor_claims"),
        (["extractor_quantities"], "extractor_quantities", "extractor_claims"),
    ],
)
def test_disabling_a_required_component_is_a_typed_error(extractor, disabled, missing, reader):
    from extractor.errors import MissingComponentError

    with extractor.nlp.select_pipes(disable=disabled), pytest.raises(MissingComponentError) as exc:
        extractor.extract(SENT)
    assert (exc.value.component, exc.value.needed_by) == (missing, reader)


def test_a_pipeline_with_the_components_saves_and_loads_with_its_lexicon_config(tmp_path):
    from extractor.lexicon import data_path

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    for name in ("extractor_munitions", "extractor_quantities", "extractor_dates", "extractor_actors",
                 "extractor_cues", "extractor_claims"):
        nlp.add_pipe(name)
    nlp.replace_pipe("extractor_munitions", "extractor_munitions",
                     config={"lexicon": str(data_path("munitions.jsonl"))})
    nlp.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    assert loaded.pipe_names == nlp.pipe_names
    assert loaded.config["components"]["extractor_munitions"]["lexicon"] == str(data_path("munitions.jsonl"))
    assert loaded.config["components"]["extractor_dates"]["cues"] is None
    doc = loaded("They sent 152mm shells.")
    assert [s.text for s in doc.spans["extractor_munitions"]] == ["152mm shells"]
