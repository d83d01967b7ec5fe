"""Domain relevance: the words of the field used in business, sport, space and police news give no
claims, while short and long arms reports still do. Texts written for these tests."""

from __future__ import annotations

import pytest

PUBLISHED = "2025-06-02"

NOT_ARMS = [
    # business shipments with a civilian modifier or with no sign of the military domain
    "Embraer handed over 19 commercial aircraft to regional carriers in May. The planemaker said "
    "demand for its E2 jets remained strong. Its order book rose to 300 narrowbody jets.",
    # sport: "fired", "shot", team names
    "The Calgary Flames fired 38 shots at the Oilers goalkeeper on Saturday. Edmonton still won 3-2. "
    "The Flames travel to Vancouver next week.",
    # space launches
    "A Long March rocket carried three satellites into orbit from Jiuquan on Monday. The launch "
    "was the agency's 20th this year. The booster fell into a remote area.",
    # vaccines and food aid
    "Kenya received 800,000 doses of malaria vaccine from Gavi on Tuesday. A second shipment of "
    "1.2 million doses is due in July. Health workers began immunising children in 12 counties.",
    # police seizures of civilian guns
    "Police seized 14 pistols and 600 rounds in raids across Marseille on Thursday. Six men were "
    "arrested. Prosecutors said the guns had been bought online.",
    # fuel tanks and delivery drones
    "Hyundai will supply 200 hydrogen tanks to a bus maker in Spain. The startup also sent delivery "
    "drones to three pharmacies. Its shares rose 4 percent.",
    # airliner orders and deliveries: the model number makes the jets civilian
    "Emirates has ordered 50 Airbus A350 jets worth $16 billion, the airline said on Monday.",
    "Ryanair said it had taken delivery of 25 Boeing 737 MAX jets this winter.",
    "United will buy 50 Boeing 787 jets to replace its ageing fleet.",
    "Air Astana ordered 15 Embraer E195-E2 jets.",
    # an explainer with no party: munitions, no state, group or company
    "A howitzer battery usually has six guns. Each gun can fire four shells a minute. Crews rotate "
    "every few hours to keep the rate of fire up.",
]


@pytest.mark.parametrize("text", NOT_ARMS, ids=[t[:30] for t in NOT_ARMS])
def test_no_claims_outside_the_domain(extractor, text):
    assert extractor.extract(text, published=PUBLISHED, doc_id="t") == []


ARMS = [
    # one sentence: a dual-use noun with no civilian modifier is enough, or counted carriers
    ("Belarus sent drones to Russia last spring.", "transfer"),
    # (counted carriers need a word of materiel: "200 containers" alone has no arms vocabulary,
    # and the relevance gate stops such a text before the claim logic)
    ("Iran has shipped 200 containers of drone parts to Russia since May.", "transfer"),
    # a longer report with signals of the domain
    ("Sweden will deliver 12 CV90 infantry fighting vehicles to Lithuania, the defence ministry said. "
     "The vehicles will arrive in the autumn. Troops will train on them in Germany.", "transfer"),
    # a short report: two signals in three sentences are enough
    ("Denmark will hand over six F-16 jets to Ukraine in May, the defence ministry said. The jets "
     "will arrive in Odesa. Pilots have trained in Romania since last year.", "transfer"),
    # a military aircraft of a maker that also builds airliners
    ("Boeing delivered 14 KC-46 tankers to the U.S. Air Force in March, the Pentagon said.", "transfer"),
    # commercial drones turned into weapons, in a sentence that names grenades
    ("The militants used cheap commercial drones to drop grenades on army posts, the military said. "
     "The army said the attacks had killed two soldiers. Troops shot down three of the drones.", "use"),
]


@pytest.mark.parametrize("text, claim_type", ARMS, ids=[t[0][:30] for t in ARMS])
def test_arms_reports_still_give_claims(extractor, text, claim_type):
    claims = extractor.extract(text, published=PUBLISHED, doc_id="t")
    assert claims and claims[0].claim_type.value == claim_type


@pytest.mark.parametrize(
    "text, civilian",
    [
        ("Airlines bought commercial aircraft.", True),
        ("The company makes delivery drones.", True),
        ("They sold hunting rifles.", True),
        ("The Rockets beat the Lakers.", True),
        ("Russia bought fighter aircraft.", False),
        ("The carrier bought 50 Boeing 787 jets.", True),
        ("The carrier bought A320neo aircraft.", True),
        ("Poland bought 32 F-35 jets.", False),
        ("Germany bought 14 Leopard 2 tanks.", False),
        ("Iran sent drones.", False),
    ],
)
def test_civilian_sense_of_a_munition(nlp, text, civilian):
    from extractor.extract.domain import DomainGate
    from extractor.extract.munitions import MunitionFinder

    doc = nlp(text)
    found = MunitionFinder(nlp.vocab).find(doc)
    assert found, text
    assert DomainGate.civilian(doc, found[0]) is civilian


def test_military_signals_count_phrases_and_weapons(nlp):
    from extractor.extract.domain import DomainGate
    from extractor.extract.munitions import MunitionFinder

    doc = nlp("The defence ministry said troops fired Javelin missiles and 155mm shells.")
    gate = DomainGate(nlp.vocab)
    # "defence ministry", "troops", the Javelin missiles, the shells
    assert gate.military_signals(doc, MunitionFinder(nlp.vocab).find(doc)) == 4


def test_civilian_goods_beside_military_ones_make_no_claim(extractor):
    # the document is about arms (Eurofighters), but "766 commercial aircraft" are another trade's
    text = ("Airbus delivered 766 commercial aircraft in 2024, the planemaker said, while its defence unit "
            "booked orders for 40 Eurofighter jets from the German air force.")
    claims = extractor.extract(text, published=PUBLISHED, doc_id="t")
    assert [c.text for c in claims if "commercial" in c.text] == []
    assert any("Eurofighter" in c.text for c in claims)


@pytest.mark.parametrize(
    "text, claims",
    [
        # a noun of trade whose goods a common noun names, and they are no materiel: no arms trade
        ("Ukraine's grain exports rose 20% in December despite Russian missile attacks on Odesa, the "
         "agriculture ministry said.", 0),
        ("Gas shipments from Norway resumed in March, the energy ministry said.", 0),
        # arms, a weapon or materiel in the noun's phrase keep it
        ("Russian arms exports fell by 53% in 2019-23, the institute said.", 1),
        ("Ammunition shipments to Ukraine resumed in March, the defence ministry said.", 1),
        ("F-16 deliveries to Ukraine began in July, the defence ministry said.", 1),
    ],
)
def test_trade_in_other_goods_is_no_arms_trade(extractor, text, claims):
    assert len(extractor.extract(text, published=PUBLISHED, doc_id="t")) == claims


@pytest.mark.parametrize(
    "text, claims",
    [
        # a count of other goods is moved, not arms
        ("Japan will send 200 tonnes of rice to flood-hit Pakistan, the defence ministry said, adding that "
         "troops would distribute it.", 0),
        # a count of materiel, or a bare count that may stand for weapons named before, still is
        ("Japan will send 5,000 tonnes of ammunition to Ukraine, the defence ministry said.", 1),
    ],
)
def test_counted_other_goods_are_no_arms(extractor, text, claims):
    assert len(extractor.extract(text, published=PUBLISHED, doc_id="t")) == claims
