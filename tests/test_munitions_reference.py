"""Munitions a claim names only by an elided count or a pronoun, resolved across sentences."""

from __future__ import annotations

import pytest

PUBLISHED = "2024-06-01"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an elided count stands for the materiel counted before it
        ("Denmark has pledged 19 F-16 fighter jets to Ukraine. Norway is giving six.", [("six", "aircraft", "F-16")]),
        ("Germany handed three Patriot systems to Ukraine. Kyiv said it really needed ten.",
         [("ten", "air_defense_system", "Patriot")]),
        # "it" as an object: the last singular munition named before
        ("Rome promised a SAMP/T battery to Kyiv in June. Officials confirmed that Italy will deliver it.",
         [("it", "air_defense_system", "SAMP/T")]),
        # no singular munition before: "it" is something else
        ("Berlin sent Leopard 2 tanks to Kyiv. The government announced it on Monday.", []),
    ],
)
def test_munitions_named_by_an_elided_count_or_it(extractor, text, expected):
    claims = extractor.extract(text, published=PUBLISHED)
    found = [(m.text, m.category.value, m.name) for c in claims for m in c.munitions]
    assert [f for f in found if f[0] in ("six", "ten", "it")] == expected


def test_them_stands_for_all_the_coordinated_munitions(extractor):
    text = "Hamas fired 3,000 rockets and mortar bombs at Israel. Israel says Iran supplied most of them."
    claims = extractor.extract(text, published=PUBLISHED)
    found = [(m.text, m.category.value) for c in claims for m in c.munitions if m.text == "them"]
    assert found == [("them", "rocket"), ("them", "artillery_shell")]


def test_a_pronoun_adds_its_munition_to_a_claim_that_names_others(extractor):
    text = "Oslo sent two NASAMS batteries to Kyiv in 2022. Ukrainian crews have used them against Russian drones."
    claims = extractor.extract(text, published=PUBLISHED)
    found = [[(m.text, m.category.value) for m in c.munitions] for c in claims if "crews" in c.text]
    assert found == [[("them", "air_defense_system"), ("drones", "drone")]]


def test_them_is_not_the_subject_of_its_own_clause(extractor):
    text = "Russia launched 40 cruise missiles and 30 drones overnight. Ukrainian air defences shot down 60 of them."
    claims = extractor.extract(text, published=PUBLISHED)
    (claim,) = [c for c in claims if "shot down" in c.text]
    assert [(m.text, m.category.value) for m in claim.munitions if m.text == "them"] == [
        ("them", "cruise_missile"), ("them", "drone")]
    assert [q.unit for q in claim.quantities] == ["drone"]


def test_a_relative_clause_claim_takes_the_munition_it_describes(extractor):
    text = "Chile refused a request to sell Spain tank ammunition that would have been passed on to Ukraine."
    claims = extractor.extract(text, published=PUBLISHED)
    relative = [c for c in claims if c.text.startswith("would")]
    assert relative, [c.text for c in claims]
    assert [(m.text, m.category.value) for m in relative[0].munitions] == [("tank ammunition", "ammunition")]


def test_a_relative_pronoun_stands_for_every_coordinated_munition(extractor):
    text = "Tokyo will ship PAC-2 and PAC-3 interceptors, which Japan produces under licence, to the United States."
    claims = extractor.extract(text, published=PUBLISHED)
    found = [(m.text, m.name) for c in claims for m in c.munitions if m.text == "which"]
    assert found == [("which", "PAC-2"), ("which", "PAC-3")]
