"""Actors and roles of claims on sentences written for these tests (the whole pipeline)."""

from __future__ import annotations

import pytest

PUBLISHED = "2024-05-09"


def _roles(claim) -> set[tuple[str, str]]:
    return {(a.name, a.role.value) for a in claim.actors}


def _claim_with(claims, words: str):
    """The claim whose evidence holds ``words``."""
    found = [c for c in claims if words in c.text]
    assert found, [c.text for c in claims]
    return found[0]


@pytest.mark.parametrize(
    "text, words, expected",
    [
        # a participle of origin on the weapon says who made it, whatever the clause's verb does
        ("Poland has ordered the Narew, an air defence system developed by MBDA, for its army.",
         "Narew", {("Poland", "recipient"), ("MBDA", "producer")}),
        ("Rebels fired a guided missile made by Iran's Shahed Aviation at the convoy.",
         "guided missile", {("Iran", "producer")}),
        ("Kenya received 40 rifles made in Serbia last month.", "rifles", {("Kenya", "recipient"), ("Serbia", "producer")}),
        # one of giving makes the supplier
        ("The militia fired rockets sourced from Belarus and Iran.", "rockets",
         {("Belarus", "supplier"), ("Iran", "supplier")}),
    ],
)
def test_participles_of_origin(extractor, text, words, expected):
    claim = _claim_with(extractor.extract(text, published=PUBLISHED), words)
    assert expected <= _roles(claim)


@pytest.mark.parametrize(
    "text, words, expected",
    [
        # the other side of the last supplier -> recipient pair completes a transfer that names one
        ("Germany sent 20 tanks to Lithuania in March. Lithuania received the rest of the tanks in May.",
         "the rest", {("Lithuania", "recipient"), ("Germany", "supplier")}),
        # not when the weapons are made by another state than the pair's supplier
        ("Germany sent 20 tanks to Lithuania in March. Lithuania also received Swedish-made howitzers in May.",
         "howitzers", {("Lithuania", "recipient"), ("Sweden", "producer")}),
    ],
)
def test_the_last_pair_completes_a_transfer_of_the_same_goods(extractor, text, words, expected):
    claim = _claim_with(extractor.extract(text, published=PUBLISHED), words)
    assert _roles(claim) == expected
