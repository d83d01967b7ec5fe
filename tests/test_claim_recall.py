"""Claim recall mechanisms (issue #11): events carried by control adjectives, split coordinated
assertions, stocks, evidence of sight. The sentences are written for these tests.

A document needs a party somewhere to yield claims (the domain check), so each case opens with a
sentence that names one; the claims checked are those of the sentence after it.
"""

from __future__ import annotations

import pytest

PUBLISHED = "2025-03-14"
LEAD = "Germany has pledged 18 Leopard 2 tanks to Ukraine. "


def _claims(extractor, text):
    """(evidence, type) of the claims after the lead sentence."""
    claims = extractor.extract(LEAD + text, published=PUBLISHED, doc_id="t")
    return [(c.text, c.claim_type.value) for c in claims if c.span.start >= len(LEAD)]


@pytest.mark.parametrize(
    "text, evidence, claim_type",
    [
        # "be due / set / poised to V": the infinitive is the event, the copula's subject its subject
        ("The remaining 12 howitzers are due to be handed over by 2027.",
         "The remaining 12 howitzers are due to be handed over by 2027", "transfer"),
        ("The first batch of interceptors is scheduled to arrive in Warsaw next month.",
         "The first batch of interceptors is scheduled to arrive in Warsaw next month", "transfer"),
        ("Canada is poised to buy 88 F-35 jets from the United States.",
         "Canada is poised to buy 88 F-35 jets from the United States", "transfer"),
        ("The plant is due to produce 200,000 shells a year from 2026.",
         "The plant is due to produce 200,000 shells a year from 2026", "production"),
    ],
)
def test_a_control_adjective_keeps_the_subject_in_the_event(extractor, text, evidence, claim_type):
    assert _claims(extractor, text) == [(evidence, claim_type)]


def test_an_adjective_of_ability_still_describes(extractor):
    # "able to" is not a control adjective of schedule: the capability stays out
    assert _claims(extractor, "The launcher is able to fire missiles at aircraft.") == []


@pytest.mark.parametrize(
    "text",
    [
        # "can" on a verb of use with no party, or whose subject is the weapon: a capability
        "Each launcher holds four rockets and can fire all of them in under a minute.",
        "Poland ordered K9 howitzers, which can strike targets 40 km away.",
        "The heavier drones can carry up to eight guided bombs.",
    ],
)
def test_a_capability_is_no_claim(extractor, text):
    claims = _claims(extractor, text)
    assert all(t != "use" and not ev.startswith(("can", "which")) for ev, t in claims), claims
    assert "carry" not in text or claims == []


def test_a_party_that_can_act_and_a_refusal_stay_claims(extractor):
    # a party's "can" keeps its claim; "cannot give more" is a refusal (negated), not a capability
    assert _claims(extractor, "Italy cannot give Ukraine more Patriot batteries.") != []


@pytest.mark.parametrize(
    "text, evidences",
    [
        # a verb said once for several counts, dates or subjects: one claim per conjunct
        ("Spain will deliver four launchers in May, six more in July and three in September.",
         ["Spain will deliver four launchers in May", "six more in July", "three in September"]),
        ("The first of the howitzers are due to arrive in June and the rest in 2027.",
         ["The first of the howitzers are due to arrive in June", "the rest in 2027"]),
        ("Latvia supplied most of the mortars and Estonia most of the rifles.",
         ["Latvia supplied most of the mortars", "Estonia most of the rifles"]),
        # two objects of one verb, a list inside one object, an apposition: no gap
        ("Britain sent Ukraine 14 Challenger tanks.", ["Britain sent Ukraine 14 Challenger tanks"]),
        ("The firm has sold Chile 20 Hermes and Heron surveillance drones.",
         ["The firm has sold Chile 20 Hermes and Heron surveillance drones"]),
    ],
)
def test_gapped_conjuncts_are_claims_of_their_own(extractor, text, evidences):
    assert [ev for ev, _ in _claims(extractor, text)] == evidences


def test_a_gapped_subject_is_the_party_of_its_own_claim(extractor):
    claims = extractor.extract(LEAD + "Latvia supplied most of the mortars and Estonia most of the rifles.",
                               published=PUBLISHED, doc_id="t")
    assert {(a.name, a.role.value) for a in claims[-1].actors} == {("Estonia", "supplier")}


@pytest.mark.parametrize(
    "text, evidence",
    [
        # arms-trade rankings and volumes (FORMAT: "India was the largest recipient" is a claim)
        ("Brazil and Chile followed as the second- and third-largest arms importers in the region.",
         "Brazil and Chile followed as the second- and third-largest arms importers in the region"),
        ("Turkey overtook Israel to become the region's largest arms exporter.",
         "Turkey overtook Israel to become the region's largest arms exporter"),
        ("The total volume of global arms exports rose by 7% in the decade.",
         "The total volume of global arms exports rose by 7% in the decade"),
    ],
)
def test_rankings_and_volumes_of_the_arms_trade_are_transfers(extractor, text, evidence):
    assert _claims(extractor, text) == [(evidence, "transfer")]


def test_a_ranking_in_another_trade_is_no_claim(extractor):
    assert _claims(extractor, "The total volume of coffee imports rose by 7% in the decade.") == []


@pytest.mark.parametrize(
    "text, claim_type",
    [
        # "operate" with a weapon as object is an inventory; with none, the plant's production
        ("Chile's navy operates four Scorpene submarines.", "assessment"),
        ("Greece is believed to operate about 170 Leopard 2 tanks.", "assessment"),
        ("The Army's shell plants in Texas were operating around the clock to make 155mm rounds.", "production"),
    ],
)
def test_operating_weapons_is_an_inventory(extractor, text, claim_type):
    assert [t for _, t in _claims(extractor, text)][:1] == [claim_type]


@pytest.mark.parametrize(
    "text",
    [
        # reactions, policy pledges and changes of things that are no materiel (FORMAT: not claims)
        "Greece condemned the sale.",
        "The prime minister praised the strike.",
        "The president has pledged to strengthen the country's defences.",
        "Tensions between Athens and Ankara have risen since the summer.",
        "The drone maker's reputation rose after the war.",
    ],
)
def test_reactions_policy_pledges_and_other_changes_are_no_claims(extractor, text):
    assert _claims(extractor, text) == []


@pytest.mark.parametrize(
    "text, claim_type",
    [
        ("The president has pledged to send more howitzers.", "agreement"),
        ("Arms deliveries to Kyiv rose sharply in May.", "transfer"),
        # evidence of sight: what images show is an assessment
        ("Satellite images show four Su-35 jets at the air base.", "assessment"),
    ],
)
def test_pledges_of_materiel_changes_of_trade_and_images_stay_claims(extractor, text, claim_type):
    assert [t for _, t in _claims(extractor, text)] == [claim_type]


def test_items_of_a_package_are_agreements_each_one_a_claim(extractor):
    text = ("Norway has approved its largest aid package for Ukraine so far. The package includes:\n"
            "• 12 Leopard 2 tanks, to be bought together with Denmark\n"
            "• NASAMS air defence systems with missiles\n"
            "• 155mm artillery shells\n")
    claims = extractor.extract(text, published=PUBLISHED, doc_id="t")
    items = [(c.text, c.claim_type.value) for c in claims if c.span.start > text.index(":")]
    assert items == [("12 Leopard 2 tanks, to be bought together with Denmark", "agreement"),
                     ("NASAMS air defence systems with missiles", "agreement"),
                     ("155mm artillery shells", "agreement")]


class _Sent:
    def __init__(self, text, start):
        self.text, self.start_char = text[start:], start


@pytest.mark.parametrize(
    "text, start, in_list, expected",
    [
        ("Intro:\n• 12 tanks\n", 7, True, True),
        # inside a list, the parser cut the bullet off: the sentence after it is still the item
        ("Intro:\n• CV90 vehicles\n", 9, True, True),
        # a bulleted headline with no lead-in is no item
        ("Intro\n• CV90 vehicles\n", 8, False, False),
        ("Intro:\nTanks arrived. More came\n", 22, True, False),
    ],
)
def test_a_list_item_whose_bullet_the_parser_cut_off(text, start, in_list, expected):
    from extractor.extract.claims import _list_item

    assert _list_item(text, _Sent(text, start), in_list) is expected


@pytest.mark.parametrize(
    "text, evidences",
    [
        ("Spain is thought to operate six Patriot batteries and Greece's army four.",
         ["Spain is thought to operate six Patriot batteries", "Greece's army four"]),
        # a multiplier after the count is no gap (FORMAT: multipliers are no quantities)
        ("The plant is now producing 30,000 shells a month, nearly four times its output in 2022.",
         ["The plant is now producing 30,000 shells a month, nearly four times its output in 2022"]),
        # money after a list of weapons is no gap
        ("Washington approved the sale of 40 Stinger missiles and related equipment for $90 million.",
         ["Washington approved the sale of 40 Stinger missiles and related equipment for $90 million"]),
    ],
)
def test_verbless_conjuncts_with_a_count_or_a_year(extractor, text, evidences):
    assert [ev for ev, _ in _claims(extractor, text)] == evidences


@pytest.mark.parametrize(
    "text, evidences",
    [
        # building a place of production is production, with or without a weapon named
        ("Nammo is building a new propellant plant in Raufoss.",
         ["Nammo is building a new propellant plant in Raufoss"]),
        ("Turkish engineers helped set up the assembly line near Ankara.",
         ["Turkish engineers helped set up the assembly line near Ankara"]),
        # what the site will produce carries the claim, once
        ("Nammo opened a factory in Finland that will produce 20,000 shells a year.",
         ["will produce 20,000 shells a year"]),
        # a site visited is no production
        ("The minister visited a tank factory in Kharkiv.", []),
    ],
)
def test_building_a_production_site_is_production(extractor, text, evidences):
    claims = _claims(extractor, text)
    assert [ev for ev, _ in claims] == evidences
    assert all(t == "production" for _, t in claims)


@pytest.mark.parametrize(
    "text",
    [
        "Satellite images show four Su-35 jets at the air base, analysts at the institute said.",
        "Commercial imagery showed at least two S-300 launchers near the port, the think tank said.",
    ],
)
def test_what_images_show_is_an_assessment_under_a_speaker(extractor, text):
    # the images assert what they show; the speaker is the attribution, not a frame over nothing
    assert [t for _, t in _claims(extractor, text)] == ["assessment"]


def test_a_denial_with_a_weapon_object_stays_a_denial(extractor):
    claims = extractor.extract(LEAD + "Moscow and Minsk deny any arms transfers.", published=PUBLISHED, doc_id="t")
    assert claims[-1].modality.value == "negated"


@pytest.mark.parametrize(
    "text, expected",
    [
        # talks and negotiations: an agreement, hedged (nothing is agreed yet)
        ("The firm is in talks with Chile and Peru about further sales.", [("agreement", "hedged")]),
        ("Qatar was brokering secret talks on the transfer of anti-ship missiles to the rebels.",
         [("agreement", "hedged")]),
        ("Hanwha is negotiating to supply Romania with K9 howitzers.", [("agreement", "hedged")]),
        # talks with no materiel or trade are no claim
        ("The two sides held peace talks in Istanbul.", []),
    ],
)
def test_talks_are_hedged_agreements(extractor, text, expected):
    claims = extractor.extract(LEAD + text, published=PUBLISHED, doc_id="t")
    assert [(c.claim_type.value, c.modality.value) for c in claims if c.span.start >= len(LEAD)] == expected


@pytest.mark.parametrize(
    "text, evidences",
    [
        # an infinitive on a noun that moves a count of its own, an event after "before"/"after"
        ("Poland will buy 32 F-35 jets from 2026, with an option to buy up to 16 more, before building "
         "its own drones with Korea.",
         ["Poland will buy 32 F-35 jets from 2026, with an option", "to buy up to 16 more",
          "building its own drones with Korea"]),
        ("Seoul signed a deal to sell 180 K2 tanks to Warsaw.",
         ["Seoul signed a deal to sell 180 K2 tanks to Warsaw"]),
    ],
)
def test_infinitives_with_counts_and_events_after_before(extractor, text, evidences):
    assert [ev for ev, _ in _claims(extractor, text)] == evidences


def test_the_seizing_party_is_no_supplier(extractor):
    claims = extractor.extract(LEAD + "The Greek coast guard seized 400 rifles from a cargo ship bound for Libya.",
                               published=PUBLISHED, doc_id="t")
    assert ("Greece", "supplier") not in {(a.name, a.role.value) for a in claims[-1].actors}


TYPE_CASES = [
    # signing an agreement is a claim even with no weapon named (FORMAT: a treaty, parties)
    ("The two governments signed a 10-year defence cooperation agreement on Monday.", ["agreement"]),
    ("The two governments have not signed the 10-year defence cooperation agreement.", ["agreement"]),
    # lifting a ban on arms sales approves them; lifting sanctions with no materiel is no claim
    ("Berlin has lifted its ban on sales of battle tanks to Riyadh.", ["agreement"]),
    ("The ministry is lifting its freeze on transfers of artillery ammunition to Kyiv.", ["agreement"]),
    ("The European Union lifted sanctions on Syria.", []),
    # developing a weapon is production
    ("Japan and Britain are developing a new fighter jet together.", ["production"]),
    # stated stocks are assessments; a stock with no weapon named says nothing
    ("Chile's army keeps large stocks of 105mm shells.", ["assessment"]),
    ("Germany must replenish its own stocks.", []),
    # a part of a shipment or package moves like the whole
    ("Part of the package will be delivered this spring.", ["transfer"]),
    ("The first of the shipments arrived in Gdansk on Monday.", ["transfer"]),
    # money with no weapon named or counted is money-only aid: other
    ("Portugal will provide 100 million euros in military aid to Ukraine this year.", ["other"]),
    ("Belgium has earmarked $500 million for Ukraine.", ["other"]),
    # money for weapons named or counted stays a transfer or agreement
    ("Russia has not delivered weapons worth $400 million to Armenia.", ["transfer"]),
    ("Canberra committed $1.6 billion to acquire HIMARS launchers.", ["agreement"]),
    # a seizure of arms is a transfer (FORMAT: the seizing party is other)
    ("The Greek coast guard seized 400 rifles from a cargo ship bound for Libya.", ["transfer"]),
    ("Another warship seized a similar cache off the coast of Oman.", ["transfer"]),
    # what a cache or a set of weapons included is an inventory: an assessment
    ("The cache included 300 AK-47 rifles and 40 RPG launchers.", ["assessment"]),
    # a package's contents stay an agreement
    ("The package includes 100 Stinger missiles.", ["agreement"]),
    # "arsenal" names the weapons themselves: a party making its arsenal makes materiel
    ("Most of Hezbollah's arsenal is made in Lebanon.", ["production"]),
]


@pytest.mark.parametrize("text, expected", TYPE_CASES, ids=[c[0][:40] for c in TYPE_CASES])
def test_claim_types(extractor, text, expected):
    """Agreements without weapons, lifted bans, development, stocks, parts of shipments, money-only
    aid, seizures and inventories: the types of the claims after the lead sentence."""
    assert [t for _, t in _claims(extractor, text)] == expected


@pytest.mark.parametrize(
    "text, types",
    [
        # a verb of intent or agreement over an action that is no transfer, production or use
        ("Kyiv plans to adapt the tanks for mine clearing.", []),
        ("The Polish army decided to upgrade its 40 Leopard tanks by 2026.", []),
        ("Turkey has agreed to repaint the 12 frigates.", []),
        # ... still a claim when the action is one, also under an aspectual verb or a noun of trade
        ("Poland plans to buy 96 Apache helicopters from the United States.", ["agreement"]),
        ("Norway agreed to begin producing 500 missiles for Poland.", ["agreement"]),
        ("Berlin decided to halt the shipment of 40 tanks to Kyiv.", ["agreement"]),
    ],
)
def test_an_intent_to_do_something_else_with_weapons_is_no_claim(extractor, text, types):
    assert [t for _, t in _claims(extractor, text)] == types


@pytest.mark.parametrize(
    "text, claim_type, roles",
    [
        # deployment or stationing in peacetime is `other`, its place no target (FORMAT)
        ("Russia has deployed Iskander missiles in Belarus.", "other", {("Russia", "user"), ("Belarus", "other")}),
        # aimed at someone, or said of war, it is a use
        ("Ukraine deployed the HIMARS launchers against Russian ammunition depots.", "use",
         {("Ukraine", "user"), ("Russia", "target")}),
        ("Russia deployed its new T-90 tanks on the front line in Donetsk.", "use", {("Russia", "user")}),
    ],
)
def test_deployment_in_peacetime_is_no_use(extractor, text, claim_type, roles):
    claim = extractor.extract(text, published=PUBLISHED)[0]
    assert (claim.claim_type.value, {(a.name, a.role.value) for a in claim.actors}) == (claim_type, roles)


def test_a_use_claim_that_names_nothing_is_dropped_and_interceptors_are_used(extractor):
    text = ("Iran fired 180 ballistic missiles at Israel, the Israeli military said. Most were intercepted by "
            "Israel's Arrow air defence system. Tehran said the attack was a response to the killing of a "
            "Hezbollah leader.")
    claims = extractor.extract(text, published=PUBLISHED)
    assert [(c.claim_type.value, {(a.name, a.role.value) for a in c.actors}) for c in claims] == [
        ("use", {("Iran", "user"), ("Israel", "target")}),
        # intercepting missiles is a use: the interceptor's owner is no seizer
        ("use", {("Israel", "user")}),
        # "the attack was a response to ...": no party, weapon or count, nothing to check
    ]
