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
        # so does a verb of transfer in a relative clause on the weapon
        ("Satellite images of the base show two to four Chinese-made drones on different dates, a model Egypt "
         "has previously sold to Khalifa Haftar's forces in Libya.", "Satellite",
         {("China", "producer"), ("Egypt", "supplier"), ("Libyan National Army", "recipient")}),
        # one of giving or paying makes the supplier
        ("Most of the plant's 155mm shells go to Ukraine, paid for by Norway and other governments.", "Ukraine",
         {("Ukraine", "recipient"), ("Norway", "supplier")}),
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


@pytest.mark.parametrize(
    "text, words, expected",
    [
        # a definite description refers back to the latest actor of its type named before it
        ("Washington approved the sale of 40 missiles to Taiwan on Monday. The first 20 missiles will reach "
         "the island in 2026.", "reach", {("Taiwan", "recipient"), ("United States", "supplier")}),
        ("Iran has supplied the Houthis with drones for years. Russia may also arm the group with anti-ship "
         "missiles.", "arm the group", {("Russia", "supplier"), ("Houthis", "recipient")}),
        # a marked description ("the kingdom") only to an actor the gazetteer describes so
        ("The United States sold 12 jets to Morocco in May, and Poland sent patrol boats to Algeria. France "
         "will send radars to the kingdom.", "radars", {("France", "supplier"), ("Morocco", "recipient")}),
        # "the army" only to a state named with that noun
        ("Pakistan's army bought 40 howitzers in 2021, and Iran sent drones to Sudan. The army also received "
         "Chinese radars in 2022.", "radars", {("Pakistan", "recipient"), ("China", "producer")}),
        # not to a name of its own clause
        ("Kenya bought 10 drones in 2023. Turkey will send the country 12 more drones.", "12 more",
         {("Turkey", "supplier"), ("Kenya", "recipient")}),
        # "the two countries" are the last two states named
        ("Israel and Morocco held talks in Rabat. The two countries signed an agreement on the sale of 12 "
         "drones on Tuesday.", "two countries", {("Israel", "party"), ("Morocco", "party")}),
    ],
)
def test_definite_descriptions_refer_back(extractor, text, words, expected):
    claim = _claim_with(extractor.extract(text, published=PUBLISHED), words)
    assert _roles(claim) >= expected
    assert {a.name for a in claim.actors} == {n for n, _ in expected}


@pytest.mark.parametrize(
    "text",
    [
        # "this country" in a quote is the speaker's, no earlier actor's
        "Russia sent 20 tanks to Serbia in May. 'This country will always receive our weapons,' he said.",
        # a description that names its referent or has no article is none
        "Russia sent 20 tanks to Serbia in May. A country in Africa will receive 30 more tanks.",
    ],
)
def test_no_description_without_a_definite_referent(extractor, text):
    claims = extractor.extract(text, published=PUBLISHED)
    assert all("Serbia" not in {a.name for a in c.actors} for c in claims[1:])


@pytest.mark.parametrize(
    "text, expected",
    [
        # the counterparty of a purchase sells
        ("Vietnam signed a contract with Russia to buy 12 Su-30 fighters.", {("Vietnam", "recipient"), ("Russia", "supplier")}),
        # a state written as the owner of the company that sells sells with it
        ("Poland has signed a $4.9 billion deal with South Korea's Hyundai Rotem for 180 K2 tanks.",
         {("Poland", "recipient"), ("South Korea", "supplier"), ("Hyundai Rotem", "supplier")}),
        # an agreement with no recipient signed by several has no direction
        ("Ethiopia and Turkey signed a military framework agreement covering drones and artillery.",
         {("Ethiopia", "party"), ("Turkey", "party")}),
        # one with a direction keeps it
        ("Germany and France agreed to send 40 tanks to Ukraine.",
         {("Germany", "supplier"), ("France", "supplier"), ("Ukraine", "recipient")}),
    ],
)
def test_direction_of_agreements(extractor, text, expected):
    claims = extractor.extract(text, published=PUBLISHED)
    assert _roles(claims[0]) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # a name right after the verb that the parser hangs on the object is the indirect object
        ("Norway will give Ukraine military aid worth 2 billion crowns.", {("Norway", "supplier"), ("Ukraine", "recipient")}),
        ("Seoul awarded Hanwha Aerospace contracts to build 300 howitzers.",
         {("South Korea", "recipient"), ("Hanwha Aerospace", "supplier")}),
        # an owner of the object is no dative
        ("Norway will send the Ukrainian army 20 tanks.", {("Norway", "supplier"), ("Ukraine", "recipient")}),
    ],
)
def test_misparsed_indirect_objects(extractor, text, expected):
    assert _roles(extractor.extract(text, published=PUBLISHED)[0]) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # the place of an unnamed subject stands for it
        ("Companies in Bulgaria had supplied the army with 200 mortars.", {("Bulgaria", "supplier")}),
        ("Firms based in China shipped 200 drones to Sudan.", {("China", "supplier"), ("Sudan", "recipient")}),
        # the possessor of a singular noun of trade is the other side
        ("Russia is Serbia's main supplier of air defence systems.", {("Russia", "supplier"), ("Serbia", "recipient")}),
    ],
)
def test_places_and_possessors_of_unnamed_parties(extractor, text, expected):
    assert _roles(extractor.extract(text, published=PUBLISHED)[0]) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # "the Government of X" is X
        ("The Government of Chile has requested to buy 12 F-16 fighter jets.", {("Chile", "recipient")}),
        # a name that modifies a noun of trade takes the noun's side
        ("German arms exports to Israel rose to 300 million euros.", {("Germany", "supplier"), ("Israel", "recipient")}),
        ("U.S. arms exports rose by 17% to 42 billion dollars.", {("United States", "supplier")}),
        ("Polish arms imports rose by 50%.", {("Poland", "recipient")}),
    ],
)
def test_bodies_and_modifiers_of_trade_nouns(extractor, text, expected):
    assert _roles(extractor.extract(text, published=PUBLISHED)[0]) == expected


@pytest.mark.parametrize(
    "text, words, expected",
    [
        # a pronoun where it cannot be the goods refers back: the indirect object ...
        ("Moldova became a major importer of arms in 2023. At least ten states have sent it artillery shells.",
         "sent it", {("Moldova", "recipient")}),
        # ... and the owner of a platform that fires
        ("Israel said on Friday that its jets had struck a tunnel with missiles.", "its jets", {("Israel", "user")}),
        # ... and the owner of goods received
        ("Armenian officials have denied reports that the country is about to receive its first Su-30 fighter "
         "jets from Russia.", "its first", {("Armenia", "recipient"), ("Russia", "supplier")}),
        # the owner is the sentence's subject before the latest name
        ("India signed a deal with France in April for 26 Rafale fighters for its navy.", "India",
         {("India", "recipient"), ("France", "supplier")}),
    ],
)
def test_pronouns_that_refer_to_parties(extractor, text, words, expected):
    claim = _claim_with(extractor.extract(text, published=PUBLISHED), words)
    assert expected <= _roles(claim)


@pytest.mark.parametrize(
    "text, expected",
    [
        # an owner pronoun on the goods outside an attack names no maker
        ("Iran expects to receive its first Su-35 fighter jets from Russia.", {("Iran", "recipient"), ("Russia", "supplier")}),
        # a place inside a phrase of circumstance is no party
        ("Chile and Peru signed an agreement on 12 patrol drones during a visit to Lima by the minister.",
         {("Chile", "party"), ("Peru", "party")}),
    ],
)
def test_owners_and_places_that_are_no_parties(extractor, text, expected):
    assert _roles(extractor.extract(text, published=PUBLISHED)[0]) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # the state of a platform fired at is the target
        ("Rebel fighters fired anti-tank missiles at Turkish tanks near the border.", {("Turkey", "target")}),
        # the state of weapons an attack is defended against is the target
        ("Israeli crews have used the system to defend Haifa against Iranian missile and drone attacks.",
         {("Israel", "user"), ("Iran", "target")}),
    ],
)
def test_targets_of_attacks(extractor, text, expected):
    assert expected <= _roles(extractor.extract(text, published=PUBLISHED)[0])


@pytest.mark.parametrize(
    "text, absent",
    [
        # a nationality or alignment that describes another name is no party
        ("The Wagner Group, a Russian private military company, fired rockets at the town.", "Russia"),
        ("Saudi jets dropped bombs on the Iran-aligned Houthis in March.", "Iran"),
        ("Rheinmetall's Swiss subsidiary Nitrochemie is doubling its output of propellant for shells.", "Switzerland"),
    ],
)
def test_descriptions_of_names_are_no_parties(extractor, text, absent):
    claims = extractor.extract(text, published=PUBLISHED)
    assert claims and absent not in {a.name for a in claims[0].actors}


def test_a_company_unit_keeps_its_company(extractor):
    claims = extractor.extract("Sweden will order 18 howitzers from BAE Systems Bofors for Ukraine.", published=PUBLISHED)
    assert "BAE Systems" in {a.name for a in claims[0].actors}


@pytest.mark.parametrize(
    "text, absent, present",
    [
        # a region after a preposition of place is where, not who
        ("France sold 30 Rafale jets to buyers in Asia last year.", "Asia", "France"),
        ("Dassault has sold Rafales to Greece and Croatia in Europe.", "Europe", "Croatia"),
        # not when it is listed with a state
        ("Plants in the United States and Europe will produce 1.3 million shells.", None, "Europe"),
    ],
)
def test_regions_of_place(extractor, text, absent, present):
    names = {a.name for a in extractor.extract(text, published=PUBLISHED)[0].actors}
    assert present in names and absent not in names


@pytest.mark.parametrize(
    "text, expected",
    [
        # a partner "together with" / "jointly with" the subject shares its role
        ("Denmark will pay for 20 air defence launchers for Ukraine together with the Netherlands.",
         {("Denmark", "supplier"), ("Netherlands", "supplier"), ("Ukraine", "recipient")}),
        ("Rheinmetall builds 40 Lynx fighting vehicles a year jointly with Hanwha Aerospace.", {("Rheinmetall", "producer"), ("Hanwha Aerospace", "producer")}),
    ],
)
def test_partners_share_the_subjects_role(extractor, text, expected):
    assert expected <= _roles(extractor.extract(text, published=PUBLISHED)[0])


def test_makers_a_buyer_buys_from_sell(extractor):
    text = "Poland's army bought 100 howitzers in 2022. The army also bought 300 shells from South Korean manufacturers."
    claim = _claim_with(extractor.extract(text, published=PUBLISHED), "300 shells")
    assert _roles(claim) == {("Poland", "recipient"), ("South Korea", "supplier")}


@pytest.mark.parametrize(
    "text, expected, absent",
    [
        # a named ship an attack hits is a target of its own; its owners' nationality is no party
        ("Rebels struck the Liberian-owned oil tanker Sea Star with a drone boat on Monday.",
         {("Sea Star", "target")}, "Liberia"),
        ("On Friday, the cargo ship Verdant, which flies the flag of Panama, was struck by two anti-ship missiles "
         "fired by the rebels.", {("Verdant", "target")}, None),
    ],
)
def test_named_ships_are_targets(extractor, text, expected, absent):
    claim = extractor.extract(text, published=PUBLISHED)[0]
    assert expected <= _roles(claim) and absent not in {a.name for a in claim.actors}


@pytest.mark.parametrize(
    "text, expected",
    [
        # a seizure is the transfer it stops: the seizer is no party, the destination the recipient
        ("The U.S. Navy seized 2,000 AK-47 rifles bound for Yemen.", {("United States", "other"), ("Yemen", "recipient")}),
        ("French forces seized 300 rifles from a dhow bound for Somalia.", {("France", "other"), ("Somalia", "recipient")}),
    ],
)
def test_a_seizer_is_no_party(extractor, text, expected):
    assert _roles(extractor.extract(text, published=PUBLISHED)[0]) == expected
