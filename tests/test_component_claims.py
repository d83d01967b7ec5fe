"""The ``extractor_claims`` component on ``spacy.blank("en")`` and a hand-built parse: it reads only
the span groups on the Doc and builds validated :class:`Claim` objects."""

from __future__ import annotations

import pytest
from spacy.tokens import Doc

from extractor.components import write_spans
from extractor.errors import MissingComponentError
from extractor.models import Claim

from component_helpers import blank_with

FINDERS = ("extractor_munitions", "extractor_quantities", "extractor_dates", "extractor_actors", "extractor_cues")

#: "Germany sent 18 tanks to Ukraine in March 2023, officials said." parsed by hand.
ROWS = [
    ("Germany", "NNP", "PROPN", "nsubj", 1), ("sent", "VBD", "VERB", "ccomp", 11), ("18", "CD", "NUM", "nummod", 3),
    ("tanks", "NNS", "NOUN", "dobj", 1), ("to", "IN", "ADP", "prep", 1), ("Ukraine", "NNP", "PROPN", "pobj", 4),
    ("in", "IN", "ADP", "prep", 1), ("March", "NNP", "PROPN", "pobj", 6), ("2023", "CD", "NUM", "nummod", 7),
    (",", ",", "PUNCT", "punct", 11), ("officials", "NNS", "NOUN", "nsubj", 11), ("said", "VBD", "VERB", "ROOT", 11),
    (".", ".", "PUNCT", "punct", 11),
]


def parsed(nlp, published: str | None = "2024-08-28") -> Doc:
    words, tags, pos, deps, heads = zip(*ROWS)
    spaces = [i + 1 < len(words) and words[i + 1] not in (",", ".") for i in range(len(words))]
    doc = Doc(nlp.vocab, words=list(words), spaces=spaces, tags=list(tags), pos=list(pos), deps=list(deps),
              heads=list(heads))
    doc._.extractor_doc_id = "d1"
    doc._.extractor_published = published
    return doc


@pytest.fixture(scope="module")
def nlp():
    return blank_with(*FINDERS, "extractor_claims")


def test_claims_are_validated_models_built_from_the_span_groups(nlp):
    doc = nlp(parsed(nlp))
    (claim,) = doc._.extractor_claims
    assert isinstance(claim, Claim)
    assert claim.text == "Germany sent 18 tanks to Ukraine in March 2023"
    assert claim.doc_id == "d1" and claim.claim_type.value == "transfer" and claim.modality.value == "asserted"
    assert [(a.name, a.role.value) for a in claim.actors] == [("Germany", "supplier"), ("Ukraine", "recipient")]
    assert [(q.value, q.unit) for q in claim.quantities] == [(18.0, "tank")]
    assert [(m.category.value) for m in claim.munitions] == ["tank"]
    assert [(d.text, d.start) for d in claim.dates] == [("in March 2023", "2023-03")]
    assert [(a.source, a.cue) for a in claim.attributions] == [("officials", "said")]
    assert claim.schema_version == "1.0" and claim.doc_hash is None


def test_the_claims_read_only_what_is_on_the_doc():
    """Spans written by hand, without any finder: the claims see exactly those."""
    nlp = blank_with("extractor_munitions", "extractor_actors", "extractor_cues", "extractor_claims")
    doc = parsed(nlp)
    for name in ("extractor_munitions", "extractor_actors", "extractor_cues"):
        nlp.get_pipe(name)(doc)
    write_spans(doc, "extractor_quantities", [])  # a finder that found nothing
    doc = nlp.get_pipe("extractor_claims")(doc)
    (claim,) = doc._.extractor_claims
    assert claim.quantities == [] and claim.dates == []
    assert [m.category.value for m in claim.munitions] == ["tank"]


def test_the_offset_of_a_piece_shifts_every_span(nlp):
    doc = parsed(nlp)
    doc._.extractor_offset = 1000
    (claim,) = nlp(doc)._.extractor_claims
    assert claim.span.start == 1000 and claim.actors[0].span.start == 1000
    assert claim.quantities[0].span.start == 1000 + len("Germany sent ")


def test_without_the_dates_component_claims_carry_no_dates(nlp):
    with nlp.select_pipes(disable=["extractor_dates"]):
        (claim,) = nlp(parsed(nlp))._.extractor_claims
    assert claim.dates == [] and [(q.value) for q in claim.quantities] == [18.0]


@pytest.mark.parametrize("missing", ["extractor_munitions", "extractor_actors", "extractor_cues"])
def test_a_required_component_missing_is_a_typed_error_naming_it(nlp, missing):
    disabled = [missing] + (["extractor_quantities"] if missing == "extractor_munitions" else [])
    with nlp.select_pipes(disable=disabled), pytest.raises(MissingComponentError) as exc:
        nlp(parsed(nlp))
    assert exc.value.component == missing and exc.value.needed_by == "extractor_claims"
    assert str(exc.value).startswith(f"extractor_claims needs doc.spans[{missing!r}], which no component wrote")
