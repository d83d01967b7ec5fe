"""The shared word lists (``extractor/data/*.jsonl`` read by :mod:`extractor.vocabulary`)."""

from __future__ import annotations

import pytest

from extractor import vocabulary
from extractor.errors import LexiconError
from extractor.lexicon import load_entries


@pytest.mark.parametrize(
    "lemma, double, forms",
    [
        ("condemn", False, ("condemn", "condemns", "condemned", "condemning")),
        ("oppose", False, ("oppose", "opposes", "opposed", "opposing")),
        ("decry", False, ("decry", "decries", "decried", "decrying")),
        ("slam", True, ("slam", "slams", "slammed", "slamming")),
        ("convey", False, ("convey", "conveys", "conveyed", "conveying")),
    ],
)
def test_verb_forms(lemma, double, forms):
    assert vocabulary.verb_forms(lemma, double) == forms


@pytest.mark.parametrize(
    "words, present, absent",
    [
        (vocabulary.months(), {"january": 1, "sept": 9, "sep": 9, "may": 5}, ()),
        (vocabulary.weekdays(), {"monday": 0, "thurs": 3, "sun": 6}, ()),
        (vocabulary.month_words(), {"march", "mar", "mar."}, ("may.", "march.")),
        (vocabulary.currencies(), {"$", "us$", "€", "rs."}, ("usd$",)),
        (vocabulary.calibre_units(), {"mm": 1.0, "inches": 25.4, "cal": None}, ()),
        (vocabulary.titles(), {"minister", "lt", "gen", "of"}, ("russia",)),
        (vocabulary.no_party_verbs(), {"criticised", "criticizing", "slammed", "intercepts"}, ("sent", "slamed")),
        (vocabulary.no_party_verbs("interdiction"), {"seized", "intercepts", "confiscated"}, ("criticised", "sent")),
        (vocabulary.no_party_verbs("stance"), {"criticised", "condemns"}, ("seized",)),
        (vocabulary.control_words(), {"due", "poised", "likely"}, ("able",)),
        (vocabulary.state_body_nouns(), {"forces", "navy", "governments", "company"}, ("prosecutors", "office")),
        (vocabulary.speaking_body_nouns(), {"forces", "prosecutors", "office"}, ("navy", "company")),
        (vocabulary.source_nouns("person"), {"minister", "spokeswoman"}, ("newspaper",)),
        (vocabulary.source_nouns("state_voice"), {"officials", "diplomats"}, ("analysts",)),
        (vocabulary.source_nouns("not_source"), {"reporters", "which"}, ("officials",)),
        (vocabulary.source_verbs("negating"), {"denied", "refutes"}, ("said",)),
        (vocabulary.source_verbs("relaying"), {"disclosed", "published"}, ("conducted",)),
        (vocabulary.source_verbs("authoring"), {"published", "conducted"}, ("disclosed",)),
        (vocabulary.role_nouns(), {"buyers": "recipient", "donor": "supplier", "makers": "producer"}, ("officials",)),
        (vocabulary.description_nouns(), {"company": ("company",), "group": ("company", "armed_group"),
                                          "militia": ("armed_group",), "island": ("state",)}, ("jets", "officials")),
        (vocabulary.place_nouns(), {"border", "cities"}, ("forces",)),
        (vocabulary.vessel_nouns(), {"ship", "tanker", "carrier"}, ("destroyer", "frigate")),
        (vocabulary.company_suffixes("legal"), {"ltd", "gmbh"}, ("dynamics",)),
        (vocabulary.company_suffixes("trade"), {"dynamics", "aerospace"}, ("ltd",)),
        (vocabulary.origin_suffixes(), {"made", "supplied"}, ("said",)),
        (vocabulary.giving_origins(), {"supplied", "funded", "paid"}, ("made", "developed")),
        (vocabulary.materiel_words(), {"weapons", "materiel"}, ("tanks",)),
    ],
)
def test_derived_word_sets(words, present, absent):
    if isinstance(present, dict):
        assert {k: words[k] for k in present} == present
    else:
        assert present <= set(words)
    assert not set(absent) & set(words)


def test_source_cues_keep_their_order():
    kinds = [(e.kind.value, e.capitalised) for e in vocabulary.source_cues()]
    assert kinds[:2] == [("media", False), ("media", True)]
    assert [k for k, _ in kinds[2:]] == ["document", "intelligence", "think_tank", "military", "other",
                                         "government", "other"]


def test_the_kinds_of_source_a_definite_noun_refers_to():
    kinds = vocabulary.definite_source_kinds()
    assert {k.value for k in kinds["agency"]} == {"media", "intelligence", "government"}
    assert {k.value for k in kinds["newspaper"]} == {"media"}


@pytest.mark.parametrize("lookup, use", [(vocabulary.source_nouns, "speaker"), (vocabulary.source_verbs, "said"),
                                         (vocabulary.company_suffixes, "brand")])
def test_an_unknown_use_is_an_error(lookup, use):
    with pytest.raises(ValueError, match=f"unknown word-list use {use!r}"):
        lookup(use)


def test_currency_symbols_are_the_one_character_forms():
    assert set(vocabulary.currency_symbols()) == {f for f in vocabulary.currencies() if len(f) == 1}


@pytest.mark.parametrize(
    "lines, model, keys, message",
    [
        # a word listed twice, in two concepts: an error naming the second line
        ('{"id": "title.a", "forms": ["gen"]}\n{"id": "title.b", "forms": ["lt", "gen"]}\n',
         vocabulary.WordsEntry, vocabulary._form_keys, ":2: duplicate alias 'gen' (already on line 1)"),
        ('{"id": "title.a", "forms": ["Gen"]}\n', vocabulary.WordsEntry, None,
         ":1: (entry): Value error, forms are written in lower case: ['Gen']"),
        ('{"id": "body.x", "forms": ["x"]}\n', vocabulary.BodyNounEntry, None,
         ":1: (entry): Value error, a body noun is of_state, speaks, or both"),
        ('{"id": "description.x", "forms": ["x"], "types": ["navy"]}\n', vocabulary.DescriptionNounEntry, None,
         ":1: types.0: Input should be 'state', 'alliance', 'organisation', 'armed_group', 'company', "
         "'person' or 'other'; types: Tuple should have at least 1 item after validation, not 0"),
        ('{"id": "verb.x", "lemma": "x", "group": "stance", "tense": "past"}\n', vocabulary.VerbEntry, None,
         ":1: tense: Extra inputs are not permitted"),
        ('{"id": "verb.a", "lemma": "seize", "group": "interdiction"}\n'
         '{"id": "verb.b", "lemma": "seized", "group": "stance"}\n', vocabulary.VerbEntry, vocabulary._verb_keys,
         ":2: duplicate alias 'seized' (already on line 1)"),
    ],
)
def test_bad_word_lists_fail_naming_file_and_line(tmp_path, lines, model, keys, message):
    path = tmp_path / "words.jsonl"
    path.write_text(lines, encoding="utf-8")
    with pytest.raises(LexiconError) as exc:
        load_entries(path, model, keys=keys)
    assert str(exc.value) == f"{path}{message}"


def test_carrier_units_are_lot_nouns_of_the_quantity_cues():
    """One list: the claims' carrier units are the quantity lexicon's lot nouns marked carrier."""
    from extractor.extract.claims import CARRIER_UNITS
    from extractor.extract.quantities import _cues

    assert CARRIER_UNITS == _cues().carriers
    assert {"container", "shipment", "crate"} <= CARRIER_UNITS <= _cues().lot
    assert not {"truck", "launcher", "round"} & CARRIER_UNITS


def test_only_a_lot_noun_is_a_carrier(tmp_path):
    from extractor.extract.quantities import CueEntry

    path = tmp_path / "quantity_cues.jsonl"
    path.write_text('{"id": "x", "kind": "nonmateriel", "phrases": ["troop"], "carrier": true}\n', encoding="utf-8")
    with pytest.raises(LexiconError, match=r":1: \(entry\): Value error, only a lot entry is a carrier"):
        load_entries(path, CueEntry)


def test_production_sites_by_entry():
    sites = vocabulary.production_sites()
    assert set(sites) == {"site.noun", "site.line_modifier", "site.verb"}
    assert {"plant", "factories"} <= sites["site.noun"] and "production" in sites["site.line_modifier"]
    assert {"build", "set up"} <= sites["site.verb"] and "plant" not in sites["site.verb"]
