"""Munition taxonomy, calibre parsing and noun-phrase assembly, on the real model."""

from __future__ import annotations

import pytest

from extractor.errors import LexiconError
from extractor.extract.munitions import (
    MunitionEntry,
    MunitionFinder,
    inches_to_mm,
    munition_unit,
    parse_calibre,
    pluralise,
    singularise,
)
from extractor.lexicon import load_entries


@pytest.fixture(scope="session")
def finder(nlp):
    return MunitionFinder(nlp.vocab)


def found(nlp, finder, text):
    doc = nlp(text)
    return doc, finder.find(doc)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("152mm", 152.0),
        ("152-mm", 152.0),
        ("152 mm", 152.0),
        ("155-millimetre", 155.0),
        ("155 millimeter", 155.0),
        ("122mm (4.8-inch)", 122.0),
        ("a 6-inch shell", 152.0),
        ("6.1-inch howitzers", 155.0),
        ("4.8-inch rockets", 122.0),
        ("8-inch guns", 203.0),
        ("5-inch naval guns", 127.0),
        (".50-calibre machine guns", 12.7),
        (".50 cal", 12.7),
        ("50-caliber rifles", 12.7),
        ("7.62mm", 7.62),
        ("5.56 mm rounds", 5.56),
        ("12.7x108mm", 12.7),
        ("30mm cannon rounds", 30.0),
        ("155mm/52", 155.0),
        ("no calibre here", None),
        ("in 2024 at 6 am", None),
        ("300 km range", None),
    ],
)
def test_parse_calibre(text, expected):
    assert parse_calibre(text) == expected


def test_inch_conversion_snaps_only_near_a_standard_calibre():
    assert inches_to_mm(6.0) == 152.0
    assert inches_to_mm(0.3) == 7.62
    assert inches_to_mm(11.0) == 279.4  # no standard calibre within 2 mm


@pytest.mark.parametrize(
    ("word", "plural", "singular"),
    [
        ("shell", "shells", "shell"),
        ("battery", "batteries", "battery"),
        ("F-16", "F-16s", "f-16"),
        ("aircraft", None, "aircraft"),
        ("howitzer", "howitzers", "howitzer"),
    ],
)
def test_inflection(word, plural, singular):
    assert pluralise(word) == plural
    assert singularise(plural or word) == singular


# (text, [(category, calibre, name)]) — every munition of the text, in order.
CATEGORY_CASES = [
    ("Russia fired 152mm artillery shells.", [("artillery_shell", 152.0, None)]),
    ("They sent 155-millimetre rounds.", [("artillery_shell", 155.0, None)]),
    ("It delivered 6-inch shells.", [("artillery_shell", 152.0, None)]),
    ("They bought .50-calibre machine guns.", [("small_arms", 12.7, None)]),
    ("It supplied mobile anti-aircraft missiles.", [("air_defense_missile", None, None)]),
    ("It supplied anti-tank missiles and cruise missiles.", [("anti_tank_missile", None, None), ("cruise_missile", None, None)]),
    ("Pyongyang sent dozens of ballistic missiles.", [("ballistic_missile", None, None)]),
    ("Iran sent missiles.", [("missile", None, None)]),
    ("Germany sent Patriot air defence systems.", [("air_defense_system", None, "Patriot")]),
    ("Japan will ship Patriot air defence missiles.", [("air_defense_missile", None, "Patriot")]),
    ("It fired PAC-3 interceptors.", [("air_defense_missile", None, "PAC-3")]),
    ("Britain sent Storm Shadow missiles.", [("cruise_missile", None, "Storm Shadow")]),
    ("Poland sent Leopard 2 tanks.", [("tank", None, "Leopard 2")]),
    ("Russia used T-72B3 tanks.", [("tank", None, "T-72B3")]),
    ("The US sent HIMARS and GMLRS rockets.", [("artillery_system", 227.0, "HIMARS"), ("rocket", 227.0, "GMLRS")]),
    ("The package has HIMARS ammunition.", [("rocket", 227.0, "HIMARS")]),
    ("Ukraine received ATACMS.", [("ballistic_missile", None, "ATACMS")]),
    ("North Korea sent KN-23 missiles.", [("ballistic_missile", None, "KN-23")]),
    ("France will deliver 78 Caesar 155mm self-propelled howitzers.", [("artillery_system", 155.0, "Caesar")]),
    ("Sweden will send Archer systems.", [("artillery_system", 155.0, "Archer")]),
    ("It sent NLAW anti-tank weapons.", [("anti_tank_missile", None, "NLAW")]),
    ("It sent AT4 launchers and RPG-7s.", [("rocket", None, "AT4"), ("rocket", None, "RPG")]),
    ("Russia launched Shahed-136 drones.", [("drone", None, "Shahed-136")]),
    ("Ukraine used unmanned surface vessels.", [("drone", None, None)]),
    ("Iran received Sukhoi Su-35 fighter jets.", [("aircraft", None, "Su-35")]),
    ("It ordered Mi-28 attack helicopters and Black Hawks.", [("aircraft", None, "Mi-28"), ("aircraft", None, "Black Hawk")]),
    ("It sent Bradley fighting vehicles and M113 armoured personnel carriers.", [("armored_vehicle", None, "Bradley"), ("armored_vehicle", None, "M113")]),
    ("The US will send cluster munitions.", [("ammunition", None, None)]),
    ("They fired tank rounds.", [("ammunition", None, None)]),
    ("The sale covers 32,739 tank cartridges.", [("ammunition", None, None)]),
    ("The sale covers rifle cartridges.", [("small_arms_ammunition", None, None)]),
    ("They fired 120mm mortar rounds.", [("artillery_shell", 120.0, None)]),
    ("They laid anti-personnel mines.", [("mine", None, None)]),
    ("Russia dropped glide bombs and JDAMs.", [("bomb", None, None), ("bomb", None, "JDAM")]),
    ("It sent hand grenades.", [("grenade", None, None)]),
    ("It sent assault rifles and small-arms ammunition.", [("small_arms", None, None), ("small_arms_ammunition", None, None)]),
    ("It sent 7.62mm ammunition.", [("small_arms_ammunition", 7.62, None)]),
    ("Both deny any arms transfers.", [("weapon", None, None)]),
    ("Putin does not rule out sending weapons.", [("weapon", None, None)]),
    ("It shipped military equipment and munitions.", [("other", None, None), ("ammunition", None, None)]),
    ("It wants ballistic missile production equipment.", [("other", None, None)]),
    ("Russia did not deliver spare parts.", [("other", None, None)]),
    ("It sent rounds for Grad rocket launchers.", [("rocket", 122.0, "Grad")]),
    ("It sent about one million rounds of small-arms ammunition.", [("small_arms_ammunition", None, None)]),
    ("It sent projectiles for rocket launchers and howitzers.", [("rocket", None, None), ("artillery_shell", None, None)]),
    ("Slovakia gave MiG-29 jets and part of a Kub air defence system.", [("aircraft", None, "MiG-29"), ("air_defense_system", None, "Kub")]),
    ("Copenhagen pledged F-16s.", [("aircraft", None, "F-16")]),
    ("Russia delivered the S-300 air defence system to Iran.", [("air_defense_system", None, "S-300")]),
    ("It sent Gepard anti-aircraft guns.", [("air_defense_system", None, "Gepard")]),
    ("It sent munitions for Patriot air defense systems.", [("air_defense_missile", None, "Patriot")]),
    ("The Kub consignment comprises two launch vehicles and a radar.",
     [("air_defense_system", None, "Kub"), ("air_defense_system", None, "Kub"), ("other", None, None)]),
    ("Russia moved rocket launchers and launchers near Kharkiv.", [("artillery_system", None, None), ("artillery_system", None, None)]),
    ("Turkey sent T-155 Firtina howitzers and China sold CH-4 drones.",
     [("artillery_system", 155.0, "T-155 Firtina"), ("drone", None, "CH-4 Rainbow")]),
    ("Hamas used IEDs and guns.", [("bomb", None, None), ("weapon", None, None)]),
    # a model-prefix guess gives way to the generic platform noun it names
    ("Egypt bought SH-15 truck-mounted 155mm howitzers.", [("artillery_system", 155.0, "SH-15")]),
    ("Serbia received CH-92A armed drones.", [("drone", None, "CH-92A")]),
    # a named munition does not turn a platform noun into a munition
    ("Iraq deployed MIM-23 Hawk batteries.", [("air_defense_system", None, "Hawk")]),
    ("Militants carried Sayyad .50-calibre sniper rifles.", [("small_arms", 12.7, "Sayyad")]),
    ("Qatar ordered Korkut air defence guns.", [("air_defense_system", 35.0, "Korkut")]),
    # "air-to-air missiles" stay missiles whatever family names them; interceptors do not
    ("Norway sent AIM-120 air-to-air missiles.", [("missile", None, "AMRAAM")]),
    ("Norway sent AIM-120 interceptor missiles.", [("air_defense_missile", None, "AMRAAM")]),
    ("Norway sent AIM-120 missiles.", [("missile", None, "AMRAAM")]),
    # ... but interceptors where the document names a ground air-defence system that fires them
    ("Kyiv got NASAMS launchers and AIM-120 missiles.", [("air_defense_system", None, "NASAMS"), ("air_defense_missile", None, "AMRAAM")]),
    # a name spelt out in title case is one munition
    ("Seoul buys AIM-9X Short Range Air-to-Air Missiles.", [("missile", None, "AIM-9 Sidewinder")]),
    ("Gaza fighters fired 9M133 Kornet missiles.", [("anti_tank_missile", 152.0, "Kornet")]),
    # tank and cannon rounds stay ammunition whatever their calibre (FORMAT)
    ("Rome bought 120mm tank rounds and 30mm cannon rounds.", [("ammunition", 120.0, None), ("ammunition", 30.0, None)]),
    ("Berlin wants 105mm rounds for Leopard 1 tanks.", [("ammunition", 105.0, "Leopard 1")]),
    # shells take the one calibre the document names; with two, none
    ("Prague sent 155mm shells. The plant makes 5,000 shells a month.", [("artillery_shell", 155.0, None), ("artillery_shell", 155.0, None)]),
    ("Kyiv got 5,000 shells in May. Europe makes 155mm shells.", [("artillery_shell", 155.0, None), ("artillery_shell", 155.0, None)]),
    ("Seoul sent 155mm shells and 105mm shells. It makes 5,000 shells a month.",
     [("artillery_shell", 155.0, None), ("artillery_shell", 105.0, None), ("artillery_shell", None, None)]),
    # the materials of munition making are other materiel
    ("The plant will make RDX, TNT and propellant.", [("other", None, "RDX"), ("other", None, "TNT"), ("other", None, None)]),
    # designations read from the text: classes, type and block numbers, a name with its number
    ("Egypt ordered two Gowind-class corvettes.", [("ship", None, "Gowind")]),
    ("India will buy Scorpene class submarines.", [("ship", None, "Scorpene")]),
    ("Warsaw wants world-class fighter jets.", [("aircraft", None, None)]),
    ("China sold Type 056A corvettes and Type 69 tanks.", [("ship", None, "Type 056A"), ("tank", None, "Type 69")]),
    ("The Navy fired a Tomahawk Block V missile.", [("cruise_missile", None, "Tomahawk Block V")]),
    ("The rebels showed their Qaher 2 ballistic missiles.", [("ballistic_missile", None, "Qaher 2")]),
    ("Israel sent Hamas 100 rockets.", [("rocket", None, None)]),
    # coordinated designations before one noun are two munitions
    ("It buys AN/TPY-2 and AN/SPY-6 radars.", [("other", None, "AN/TPY-2"), ("other", None, "AN/SPY-6")]),
    ("Tokyo bought Tomahawk missiles, first the older Block IV missiles.",
     [("cruise_missile", None, "Tomahawk"), ("cruise_missile", None, "Tomahawk Block IV")]),
    ("It ordered 50 Block IIIA and 20 Block IV Tomahawk missiles.",
     [("cruise_missile", None, "Tomahawk Block IIIA"), ("cruise_missile", None, "Tomahawk Block IV")]),
]


@pytest.mark.parametrize(("text", "expected"), CATEGORY_CASES)
def test_categories(nlp, finder, text, expected):
    _, mentions = found(nlp, finder, text)
    got = [(m.value.category.value, m.value.caliber_mm, m.value.name) for m in mentions]
    assert got == expected


# Phrases that look like materiel but are not.
@pytest.mark.parametrize(
    "text",
    [
        "A think tank in Washington said so.",
        "He set up a shell company in Cyprus.",
        "The containers were taken to an ammunition depot.",
        "Russia helps North Korea with missile and espionage programs.",
        "Cargo ships docked at Najin.",
        "A friend of mine visited the fourth round of talks.",
        "Hamas fighters crossed the border.",
        "Troops continued to shell the town.",
        "The blast damaged the engine room.",
        "Tehran shares rocket-making expertise with drone-building firms.",
        "The patriot movement grew.",
        "Shell said profits rose and the talks ran round-the-clock.",
        "The Missile Defense Agency discussed gun control with Jeffrey Archer.",
    ],
)
def test_not_munitions(nlp, finder, text):
    _, mentions = found(nlp, finder, text)
    assert mentions == []


def test_a_line_break_ends_a_noun_phrase(nlp, finder):
    _, mentions = found(nlp, finder, "The package includes:\n- Harpoon missiles\n- 155mm artillery ammunition")
    assert [(m.value.text, m.value.caliber_mm) for m in mentions] == [
        ("Harpoon missiles", None),
        ("155mm artillery ammunition", 155.0),
    ]


def test_ambiguous_noun_kept_when_the_document_names_its_category(nlp, finder):
    _, mentions = found(nlp, finder, "Slovakia sent MiG-29 jets. Ten of the Soviet-designed fighters are complete.")
    assert [m.value.category.value for m in mentions] == ["aircraft", "aircraft"]
    assert mentions[1].value.name == "MiG-29"  # the definite noun takes its antecedent's name


def test_ambiguous_noun_after_a_group_name_is_people(nlp, finder):
    _, mentions = found(nlp, finder, "Israel bought F-35 jets. Houthi fighters attacked ships.")
    assert [m.value.text for m in mentions] == ["F-35 jets"]
    _, mentions = found(nlp, finder, "Israel bought F-35 jets. The group said its fighters attacked ships.")
    assert [m.value.text for m in mentions] == ["F-35 jets"]


def test_definite_generic_takes_the_antecedent_system(nlp, finder):
    text = "France will deliver Caesar howitzers. It will pay for 12 of the howitzers itself. The missiles came later."
    _, mentions = found(nlp, finder, text)
    assert [(m.value.category.value, m.value.caliber_mm, m.value.name) for m in mentions] == [
        ("artillery_system", 155.0, "Caesar"),
        ("artillery_system", 155.0, "Caesar"),
        ("missile", None, None),  # a missile cannot refer back to a howitzer
    ]


def test_mentions_are_sorted_non_overlapping_with_doc_offsets(nlp, finder):
    text = "Germany will send two more Patriot launchers and 155mm shells to Ukraine."
    doc, mentions = found(nlp, finder, text)
    assert [m.value.text for m in mentions] == ["Patriot launchers", "155mm shells"]
    for m in mentions:
        assert text[m.value.span.start : m.value.span.end] == m.value.text
        assert m.start <= m.head < m.end
    assert all(a.end <= b.start for a, b in zip(mentions, mentions[1:]))
    assert doc[mentions[0].head].text == "launchers"


@pytest.mark.parametrize(
    ("text", "units"),
    [
        ("78 Caesar 155mm self-propelled howitzers", ["self-propelled howitzer"]),
        ("1,700 Shaheds", ["drone"]),
        ("NLAWs", ["anti-tank weapon"]),
        ("6 million 152mm artillery shells", ["artillery shell"]),
        ("Patriot air defence systems", ["air defence system"]),
        ("armored vehicles", ["armored vehicle"]),
    ],
)
def test_munition_unit(nlp, finder, text, units):
    doc, mentions = found(nlp, finder, text)
    assert [munition_unit(doc, m) for m in mentions] == units


def test_lexicon_rejects_bad_entries(tmp_path):
    bad = tmp_path / "m.jsonl"
    bad.write_text('{"id": "x", "kind": "generic", "aliases": ["shell"]}\n', encoding="utf-8")
    with pytest.raises(LexiconError, match="m.jsonl:1"):
        load_entries(bad, MunitionEntry)
    bad.write_text('{"id": "x", "kind": "system", "category": "tank", "aliases": ["T"], "colour": "red"}\n', encoding="utf-8")
    with pytest.raises(LexiconError, match="colour"):
        load_entries(bad, MunitionEntry)


# (text, [(text, category, name)]) — a noun standing for a named system takes it, launching
# platforms first; a holder's own weapons are its arsenal, not the weapon named before.
REFERENCE_CASES = [
    ("Oslo sold NASAMS launchers and AMRAAM interceptor missiles. Kongsberg will build the missile systems.",
     [("NASAMS launchers", "air_defense_system", "NASAMS"), ("AMRAAM interceptor missiles", "air_defense_missile", "AMRAAM"),
      ("missile systems", "air_defense_system", "NASAMS")]),
    ("Rome lent an IRIS-T unit with its missiles. That system arrived in May.",
     [("IRIS-T", "air_defense_system", "IRIS-T"), ("missiles", "air_defense_missile", "IRIS-T"),
      ("system", "air_defense_system", "IRIS-T")]),
    ("Hanoi bought BrahMos missiles. The deal covers two batteries.",
     [("BrahMos missiles", "cruise_missile", "BrahMos"), ("batteries", "cruise_missile", "BrahMos")]),
    ("Madrid gave Patriot systems. Kyiv asked for four systems more.",
     [("Patriot systems", "air_defense_system", "Patriot"), ("systems", "air_defense_system", "Patriot")]),
    ("The phone's batteries and the heating system failed.", []),
    ("Rome bought Aster missiles from Thales Air Systems.", [("Aster missiles", "air_defense_missile", "Aster")]),
    ("Seoul bought Chunmoo launchers, car batteries and cooling systems.", [("Chunmoo launchers", "artillery_system", "Chunmoo")]),
    ("Tehran sent Shahed drones. The group builds its own weapons.",
     [("Shahed drones", "drone", "Shahed"), ("weapons", "weapon", None)]),
]


@pytest.mark.parametrize(("text", "expected"), REFERENCE_CASES)
def test_reference_to_a_named_system(nlp, finder, text, expected):
    _, mentions = found(nlp, finder, text)
    assert [(m.value.text, m.value.category.value, m.value.name) for m in mentions] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A Pakistani C-130 Hercules carrying the rockets landed in Rzeszow.", ["rockets"]),
        ("Four An-124 transport planes arrived carrying the S-300 launchers.", ["S-300 launchers"]),
        ("Two Il-76 jets that ferried Grad rockets landed.", ["Grad rockets"]),
        ("Russian Tu-95 bombers launched Kh-101 missiles.", ["Tu-95 bombers", "Kh-101 missiles"]),
        ("Norway is sending F-16 jets and Hellfire missiles.", ["F-16 jets", "Hellfire missiles"]),
    ],
)
def test_an_aircraft_or_ship_that_only_carries_materiel_is_no_munition(nlp, finder, text, expected):
    _, mentions = found(nlp, finder, text)
    assert [m.value.text for m in mentions] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a vague noun whose members the sentence lists is not a weapon of its own
        ("Arms seized in the raid included AK-47 rifles and hand grenades.", ["AK-47 rifles", "hand grenades"]),
        ("Among the weapons were dozens of Kornet missiles.", ["Kornet missiles"]),
        # listing some of many keeps both
        ("Europe buys American weapons, including Patriots, for Ukraine.", ["weapons", "Patriots"]),
    ],
)
def test_a_listed_umbrella_noun_is_no_weapon_of_its_own(nlp, finder, text, expected):
    _, mentions = found(nlp, finder, text)
    assert [m.value.text for m in mentions] == expected


def test_a_generic_in_apposition_names_the_system(nlp, finder):
    _, mentions = found(nlp, finder, "Nexter builds the Caesar, a 155mm truck-mounted gun.")
    assert [(m.value.category.value, m.value.name) for m in mentions] == [
        ("artillery_system", "Caesar"), ("artillery_system", "Caesar")]


def test_its_own_missiles_are_not_the_missiles_named_before(nlp, finder):
    _, mentions = found(nlp, finder, "Iran sent Fateh missiles. The group now builds its own missiles.")
    assert [(m.value.category.value, m.value.name) for m in mentions] == [
        ("ballistic_missile", "Fateh-110"), ("missile", None)]


def test_a_second_name_of_the_weapon_is_one_munition(nlp, finder):
    _, mentions = found(nlp, finder, "Paris sent the SCALP-EG missile, known in Britain as Storm Shadow.")
    assert [(m.value.text, m.value.name) for m in mentions] == [("SCALP-EG missile", "SCALP-EG")]
