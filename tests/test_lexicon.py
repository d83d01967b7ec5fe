"""The lexicon loader: validated entries, errors that name the file and line."""

from __future__ import annotations

import pytest

from extractor.errors import LexiconError
from extractor.extract.triggers import Trigger, _keys, trigger_index
from extractor.lexicon import LexiconEntry, load_entries


class Word(LexiconEntry):
    aliases: list[str]


def _aliases(entry: Word) -> list[str]:
    return [a.lower() for a in entry.aliases]


def _write(tmp_path, text: str):
    path = tmp_path / "words.jsonl"
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_lexicon_loads_and_skips_blank_and_comment_lines(tmp_path):
    path = _write(tmp_path, '// a comment\n{"id": "a", "aliases": ["x"]}\n\n{"id": "b", "aliases": ["y"]}\n')
    entries = load_entries(path, Word, keys=_aliases)
    assert [e.id for e in entries] == ["a", "b"]


@pytest.mark.parametrize(
    "text, line, message",
    [
        ('{"id": "a", "aliases": ["x"]}\n{"id": "a", "aliases": ["y"]}\n', 2, "duplicate id 'a' (first on line 1)"),
        ('{"id": "a", "aliases": ["x"]}\n{"id": "b", "aliases": ["X"]}\n', 2, "duplicate alias 'x' (already on line 1)"),
        ('{"id": "a", "aliases": ["x"], "colour": "red"}\n', 1, "colour: Extra inputs are not permitted"),
        ('{"id": "a"}\n', 1, "aliases: Field required"),
        ('{"id": "a", "aliases": ["x"]\n', 1, "invalid JSON"),
        ('["a"]\n', 1, "an entry must be a JSON object"),
    ],
)
def test_bad_lexicon_line_names_file_and_line(tmp_path, text, line, message):
    path = _write(tmp_path, text)
    with pytest.raises(LexiconError) as info:
        load_entries(path, Word, keys=_aliases)
    assert str(info.value).startswith(f"{path}:{line}: ")
    assert message in str(info.value)
    assert info.value.line == line


def test_trigger_lexicon_loads_with_every_form_unique():
    index = trigger_index()
    assert index["verb:sent"].claim_type.value == "transfer"
    assert index["verb:pledged"].claim_type.value == "agreement"
    assert index["noun:shipments"].frame == "out"


@pytest.mark.parametrize(
    "form, frame, claim_type",
    [
        ("supplied", "out", "transfer"),
        ("received", "in", "transfer"),
        ("arrived", "arrive", "transfer"),
        ("fired", "use", "use"),
        ("manufactured", "produce", "production"),
        ("approved", "agree", "agreement"),
        ("estimated", "assess", "assessment"),
        ("requested", "other", "other"),
    ],
)
def test_trigger_frames(form, frame, claim_type):
    trigger = trigger_index()[f"verb:{form}"]
    assert (trigger.frame, trigger.claim_type.value) == (frame, claim_type)


def test_trigger_rejects_unknown_frame(tmp_path):
    path = _write(tmp_path, '{"id": "verb.x", "pos": "verb", "frame": "teleport", "claim_type": "transfer", "forms": ["x"]}\n')
    with pytest.raises(LexiconError, match=r"words.jsonl:1: frame: Input should be"):
        load_entries(path, Trigger, keys=_keys)


@pytest.mark.parametrize(
    "frame, relation, role",
    [("out", "subj", "supplier"), ("out", "prep:to", "recipient"), ("in", "subj", "recipient"),
     ("in", "prep:from", "supplier"), ("use", "prep:at", "target"), ("produce", "subj", "producer"),
     ("agree", "prep:with", "party"), ("arrive", "prep:from", "supplier")],
)
def test_role_frames(frame, relation, role):
    from extractor.extract.roles import role_for

    assert role_for(frame, relation).value == role


def test_role_frame_rejects_an_unknown_relation_or_role(tmp_path):
    from extractor.extract.roles import RoleFrame

    bad_relation = _write(tmp_path, '{"id": "frame.x", "frame": "out", "roles": {"sideways": "supplier"}}\n')
    with pytest.raises(LexiconError, match=r"words.jsonl:1: roles.sideways.\[key\]: String should match pattern"):
        load_entries(bad_relation, RoleFrame)
    bad_role = _write(tmp_path, '{"id": "frame.x", "frame": "out", "roles": {"subj": "smuggler"}}\n')
    with pytest.raises(LexiconError, match=r"words.jsonl:1: roles.subj: Input should be"):
        load_entries(bad_role, RoleFrame)
