"""How attribution sources are classified and named: the cue words of ``source_cues.jsonl`` and
the naming rules of ``extractor/extract/attributions.py`` (no model needed for the kinds)."""

from __future__ import annotations

import pytest

from extractor.extract.entities import source_kind
from extractor.models import SourceKind


@pytest.mark.parametrize(
    "text, label, kind",
    [
        # a state's mission or committee is its government
        ("Pakistan's permanent mission to the United Nations", "ORG", "government"),
        ("the parliamentary defence committee", None, "government"),
        ("Hungary's leaders", None, "government"),
        # ... but the Red Cross is no government
        ("International Committee of the Red Cross", "ORG", "other"),
        # fleets and armed wings are military
        ("the Seventh Fleet", "ORG", "military"),
        ("the group's armed wing", None, "military"),
        # researchers are people, a research institute a think tank
        ("weapons researchers", None, "other"),
        ("a Norwegian research institute", None, "think_tank"),
    ],
)
def test_source_kind_by_cue_words(text, label, kind):
    assert source_kind(text, label) is SourceKind(kind)


@pytest.mark.parametrize(
    "text, source",
    [
        # a bare ministry takes the adjective of the state the sentence is about; a description
        # owning it ("the island's") gives way to that adjective
        ("Taiwan has received 38 Abrams tanks, the island's defence ministry said on Monday.",
         ("Taiwanese defence ministry", "government")),
        ("Saudi Arabia bought 40 jets, the kingdom's defence ministry said.", ("Saudi defence ministry", "government")),
        # a name the NER calls an organisation after a title is a person: an official
        ("Nigeria received 10 helicopters, air force spokesman Olusola Akinboyewa said.",
         ("Olusola Akinboyewa", "official")),
    ],
)
def test_sources_named_on_sentences(extractor, text, source):
    claim = extractor.extract(text, published="2024-07-22")[0]
    assert [(a.source, a.kind.value) for a in claim.attributions] == [source]
