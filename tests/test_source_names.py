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
