"""Gazetteer lookups, entity finding in Docs, source-kind rules and lexicon validation."""

from __future__ import annotations

import json

import pytest
import spacy

from extractor.errors import LexiconError
from extractor.extract.entities import (
    EntityRef,
    Gazetteer,
    GazetteerEntry,
    SourceEntry,
    load_lexicons,
    normalise_name,
    source_kind,
    strip_title,
)
from extractor.lexicon import load_entries
from extractor.models import ActorType, SourceKind


@pytest.fixture(scope="module")
def gaz(nlp) -> Gazetteer:
    return Gazetteer(nlp.vocab)


# --- lookup ---------------------------------------------------------------------------------

LOOKUPS = [
    # states: short names, official names, abbreviations
    ("Russia", "Russia"), ("Russian Federation", "Russia"), ("United States", "United States"),
    ("U.S.", "United States"), ("US", "United States"), ("USA", "United States"),
    ("United States of America", "United States"), ("America", "United States"),
    ("UK", "United Kingdom"), ("U.K.", "United Kingdom"), ("Britain", "United Kingdom"),
    ("Great Britain", "United Kingdom"), ("DPRK", "North Korea"), ("D.P.R.K.", "North Korea"),
    ("Democratic People's Republic of Korea", "North Korea"), ("ROK", "South Korea"),
    ("Republic of Korea", "South Korea"), ("PRC", "China"), ("People’s Republic of China", "China"),
    ("UAE", "United Arab Emirates"), ("Czechia", "Czech Republic"), ("Türkiye", "Turkey"),
    ("Turkiye", "Turkey"), ("the Netherlands", "Netherlands"), ("Holland", "Netherlands"),
    ("Ivory Coast", "Côte d'Ivoire"), ("Cote d’Ivoire", "Côte d'Ivoire"), ("Burma", "Myanmar"),
    ("Taiwan", "Taiwan"), ("Kosovo", "Kosovo"), ("State of Palestine", "Palestine"),
    # capitals and seats of government
    ("Pyongyang", "North Korea"), ("Pyongyang's", "North Korea"), ("Moscow", "Russia"),
    ("Kyiv", "Ukraine"), ("Kiev", "Ukraine"), ("Washington", "United States"), ("Seoul", "South Korea"),
    ("Tehran", "Iran"), ("Beijing", "China"), ("London", "United Kingdom"), ("The Hague", "Netherlands"),
    ("New Delhi", "India"), ("Abu Dhabi", "United Arab Emirates"), ("Brasilia", "Brazil"),
    ("the Kremlin", "Kremlin"), ("Kremlin’s", "Kremlin"), ("the White House", "White House"),
    ("the Pentagon", "Pentagon"), ("Department of Defense", "Pentagon"), ("Foggy Bottom", "State Department"),
    ("Downing Street", "Downing Street"), ("the Elysee", "Élysée"), ("Zhongnanhai", "Zhongnanhai"),
    # demonyms, plural people-nouns and origin adjectives
    ("North Korean", "North Korea"), ("Russian", "Russia"), ("Russians", "Russia"), ("Ukrainian", "Ukraine"),
    ("British", "United Kingdom"), ("Dutch", "Netherlands"), ("Czech", "Czech Republic"),
    ("Emirati", "United Arab Emirates"), ("American", "United States"), ("Swiss", "Switzerland"),
    ("North Korean-made", "North Korea"), ("Iranian-designed", "Iran"),
    # alliances, organisations, armed groups, companies, people
    ("NATO", "NATO"), ("Nato", "NATO"), ("EU", "European Union"), ("the European Union", "European Union"),
    ("UN", "United Nations"), ("U.N.", "United Nations"), ("Ansar Allah", "Houthis"), ("the Houthis", "Houthis"),
    ("Houthi", "Houthis"), ("Hizbollah", "Hezbollah"), ("Daesh", "Islamic State"), ("ISIL", "Islamic State"),
    ("al-Shabab", "al-Shabaab"), ("Wagner", "Wagner Group"), ("Raytheon", "RTX"), ("Yugoimport", "Yugoimport-SDPR"),
    ("Hanwha", "Hanwha Aerospace"), ("IAI", "Israel Aerospace Industries"), ("Putin", "Vladimir Putin"),
    ("Zelenskyy", "Volodymyr Zelensky"), ("Kim Jong-un", "Kim Jong Un"), ("Erdogan", "Recep Tayyip Erdoğan"),
    # sources
    ("Reuters", "Reuters"), ("the Associated Press", "Associated Press"), ("Agence France-Presse", "AFP"),
    ("the New York Times", "The New York Times"), ("WSJ", "The Wall Street Journal"), ("FT", "Financial Times"),
    ("Korean Central News Agency", "KCNA"), ("ITAR-TASS", "TASS"), ("ISW", "Institute for the Study of War"),
    ("RUSI", "Royal United Services Institute"), ("SIPRI", "Stockholm International Peace Research Institute"),
    ("DSCA", "Defense Security Cooperation Agency"), ("Central Intelligence Agency", "CIA"),
    ("GUR", "Defence Intelligence of Ukraine"), ("HUR", "Defence Intelligence of Ukraine"), ("SVR", "Russian Foreign Intelligence Service"),
]


@pytest.mark.parametrize("text, name", LOOKUPS)
def test_lookup(gaz, text, name):
    entry = gaz.lookup(text)
    assert entry is not None, text
    assert entry.name == name


@pytest.mark.parametrize("text", ["Korea", "the", "shells", "Atlantis", "", "made"])
def test_lookup_misses(gaz, text):
    assert gaz.lookup(text) is None


def test_lookup_table_is_large_enough():
    assert len(LOOKUPS) >= 60


@pytest.mark.parametrize("text, key", [
    ("The U.S.'s", "us"), ("Pyongyang’s", "pyongyang"), ("al-Shabaab", "al shabaab"),
    ("  Élysée  Palace ", "elysee palace"), ("the Houthis'", "houthis"), ("Kurdistan Workers' Party", "kurdistan workers party"),
])
def test_normalise_name(text, key):
    assert normalise_name(text) == key


@pytest.mark.parametrize("name, stripped", [
    ("Deputy Kang Dae Sik", "Kang Dae Sik"),
    ("President Vladimir Putin", "Vladimir Putin"),
    ("Defence Minister Shin Won-sik", "Shin Won-sik"),
    ("Lt. Gen. Kyrylo Budanov", "Kyrylo Budanov"),
    ("Prime Minister Ulf Kristersson", "Ulf Kristersson"),
    ("Putin", "Putin"),
    ("General", "General"),
])
def test_strip_title(name, stripped):
    assert strip_title(name) == stripped


# --- state_of -------------------------------------------------------------------------------

@pytest.mark.parametrize("text, state", [
    ("Moscow", "Russia"), ("the Kremlin", "Russia"), ("Putin", "Russia"), ("Kim Jong Un", "North Korea"),
    ("the Pentagon", "United States"), ("the Russian defence ministry", "Russia"),
    ("South Korea's Ministry of National Defense", "South Korea"), ("IRGC", "Iran"), ("SVR", "Russia"),
    ("Josep Borrell", "European Union"), ("Bundeswehr", "Germany"), ("North Korean-made", "North Korea"),
])
def test_state_of(gaz, text, state):
    found = gaz.state_of(text)
    assert found is not None and found.name == state


@pytest.mark.parametrize("text", ["Rheinmetall", "Reuters", "Hamas", "the weather"])
def test_state_of_none(gaz, text):
    assert gaz.state_of(text) is None


# --- find -----------------------------------------------------------------------------------

# (sentence, [(mention text, canonical name, type, is_demonym, made_in)]) for the listed mentions
FINDS = [
    ("North Korea has sent over 13,000 containers to Russia.",
     [("North Korea", "North Korea", "state", False, False), ("Russia", "Russia", "state", False, False)]),
    ("Support for Moscow has been flowing from Pyongyang's factories since mid-2022.",
     [("Moscow", "Russia", "state", False, False), ("Pyongyang", "North Korea", "state", False, False)]),
    ("In June, North Korean and Russian dictators met.",
     [("North Korean", "North Korea", "state", True, False), ("Russian", "Russia", "state", True, False)]),
    ("Russian forces fired North Korean-made missiles and Iranian-designed drones.",
     [("North Korean-made", "North Korea", "state", True, True), ("Iranian-designed", "Iran", "state", True, True)]),
    ("Washington approved the re-export of the U.S.-made aircraft.",
     [("Washington", "United States", "state", False, False), ("U.S.-made", "United States", "state", True, True)]),
    ("The Kremlin said the DPRK would help.",
     [("Kremlin", "Kremlin", "organisation", False, False), ("DPRK", "North Korea", "state", False, False)]),
    ("US officials told us that the UK and the EU had agreed.",
     [("US", "United States", "state", False, False), ("UK", "United Kingdom", "state", False, False),
      ("EU", "European Union", "alliance", False, False)]),
    ("The Houthis fired missiles at ships, Hezbollah said.",
     [("Houthis", "Houthis", "armed_group", False, False), ("Hezbollah", "Hezbollah", "armed_group", False, False)]),
    ("Rheinmetall will supply shells to Ukraine, and Lockheed Martin builds HIMARS.",
     [("Rheinmetall", "Rheinmetall", "company", False, False), ("Lockheed Martin", "Lockheed Martin", "company", False, False)]),
    ("President Vladimir Putin met Kim Jong Un in Pyongyang.",
     [("Vladimir Putin", "Vladimir Putin", "person", False, False), ("Kim Jong Un", "Kim Jong Un", "person", False, False)]),
    ("Yonhap News TV cites a report disclosed by Deputy Kang Dae Sik, a lawmaker.",
     [("Yonhap News TV", "Yonhap News TV", "organisation", False, False), ("Kang Dae Sik", "Kang Dae Sik", "person", False, False)]),
    ("Turkey sells Bayraktar drones, but they do not eat turkey in China or use fine china.",
     [("Turkey", "Turkey", "state", False, False), ("China", "China", "state", False, False)]),
    ("The Dutch government and the Czechs pledged 24 jets.",
     [("Dutch", "Netherlands", "state", True, False), ("Czechs", "Czech Republic", "state", True, False)]),
    ("According to The Times of London and the Financial Times, the shipment arrived.",
     [("The Times of London", "The Times", "organisation", False, False),
      ("Financial Times", "Financial Times", "organisation", False, False)]),
    ("North Korea denied it; South Korea said the North's factories sent shells and the South would respond.",
     [("North", "North Korea", "state", False, False), ("South", "South Korea", "state", False, False)]),
    ("The Islamic Republic and the Jewish state traded fire.",
     [("Islamic Republic", "Iran", "state", False, False), ("Jewish state", "Israel", "state", False, False)]),
    ("Sales to South America and Latin America rose.",
     [("South America", "South America", "other", False, False), ("Latin America", "Latin America", "other", False, False)]),
    # an entity that swallowed a lower-case "with" from the clause is no name: its state stays
    ("France also agreed to supply Armenia with Mistral short-range air defence missiles.",
     [("Armenia", "Armenia", "state", False, False)]),
    ("The UAE supplied the LNA with drones, and Khalifa Haftar's forces used them against the TPLF.",
     [("LNA", "Libyan National Army", "armed_group", False, False), ("TPLF", "Tigray People's Liberation Front", "armed_group", False, False)]),
]


def _described(doc, mentions):
    return [(doc[m.start:m.end].text, m.value.name, m.value.type.value, m.value.is_demonym, m.value.made_in)
            for m in mentions]


@pytest.mark.parametrize("text, expected", FINDS)
def test_find(nlp, gaz, text, expected):
    doc = nlp(text)
    found = _described(doc, gaz.find(doc))
    for item in expected:
        assert item in found, (item, found)


@pytest.mark.parametrize("text, absent", [
    ("Turkey sells drones, but they do not eat turkey in China or use fine china.", "turkey"),
    ("Tell us what happened.", "us"),
    ("The economist said prices rose.", "The economist"),
    ("It is what it is.", "is"),
    ("The Swedish version of the German-made Leopard 2 was sent.", "Leopard 2"),
    ("Slovakia delivered MiG-29 jets and Su-35s.", "MiG-29"),
    ("In the North, rebels fired rockets at Sudan's army.", "North"),
    ("North Korea said ships crossed the North Atlantic.", "North"),
])
def test_find_ignores_common_words(nlp, gaz, text, absent):
    doc = nlp(text)
    assert absent not in [doc[m.start:m.end].text for m in gaz.find(doc)]


def test_find_spans_heads_and_order(nlp, gaz):
    doc = nlp("Pyongyang's missiles reached Russia's army, the South Korean Defense Intelligence Agency said.")
    mentions = gaz.find(doc)
    assert [m.start for m in mentions] == sorted(m.start for m in mentions)
    for a, b in zip(mentions, mentions[1:]):
        assert a.end <= b.start
    for m in mentions:
        assert m.start <= m.head < m.end
    agency = next(m for m in mentions if m.value.name == "South Korean Defense Intelligence Agency")
    assert doc[agency.head].text == "Agency"
    assert agency.value.source_kind is SourceKind.intelligence
    assert agency.value.state == "South Korea"


def test_org_entity_keeps_state_of_adjective(nlp, gaz):
    doc = nlp("The Slovak Defence Ministry said on Monday that the jets had arrived.")
    refs = [m.value for m in gaz.find(doc)]
    ministry = next(r for r in refs if "Ministry" in r.name)
    assert ministry.state == "Slovakia"
    assert ministry.source_kind is SourceKind.government
    assert ministry.actor_name == "Slovakia"


def test_leaders_and_bodies_act_for_their_state(nlp, gaz):
    doc = nlp("Putin promised arms, and the Pentagon said it would send HIMARS.")
    names = {m.value.name: m.value for m in gaz.find(doc)}
    assert names["Vladimir Putin"].actor_name == "Russia"
    assert names["Vladimir Putin"].source_kind is SourceKind.official
    assert names["Pentagon"].actor_name == "United States"
    assert names["Pentagon"].source_kind is SourceKind.government


def test_later_surname_takes_full_name(nlp, gaz):
    doc = nlp("Defence Minister Jaroslav Nad said the jets were ready. Nad added that four had flown.")
    people = [m.value.name for m in gaz.find(doc) if m.value.type is ActorType.person]
    assert people and all(p == "Jaroslav Nad" for p in people), people


def test_made_in_records_the_suffix(nlp, gaz):
    doc = nlp("They found Chinese-built engines and U.K.-supplied missiles.")
    refs = {doc[m.start:m.end].text: m.value for m in gaz.find(doc)}
    assert refs["Chinese-built"].origin == "built"
    assert refs["U.K.-supplied"].origin == "supplied"


def test_blank_pipeline_still_finds_lexicon_hits():
    nlp = spacy.blank("en")
    gaz = Gazetteer(nlp.vocab)
    doc = nlp("Iran denied that Tehran sent drones to Moscow.")
    assert [m.value.name for m in gaz.find(doc)] == ["Iran", "Iran", "Russia"]


def test_entity_ref_is_frozen():
    ref = EntityRef(name="Russia", type=ActorType.state)
    with pytest.raises(Exception):
        ref.name = "Ukraine"  # type: ignore[misc]


# --- source kinds ---------------------------------------------------------------------------

SOURCE_KINDS = [
    ("the foreign ministry", None, "government"),
    ("Ministry of Defence", None, "government"),
    ("South Korea's defence ministry", None, "government"),
    ("Western governments", None, "government"),
    ("the White House", None, "government"),
    ("State Department", None, "government"),
    ("Ukrainian Prosecutor General's Office", None, "government"),
    ("Ukrainian officials", None, "government"),
    ("Tehran", "GPE", "government"),
    ("the army", None, "military"),
    ("the General Staff", None, "military"),
    ("Ukrainian tank commander", None, "military"),
    ("the navy", None, "military"),
    ("Southern Command", None, "military"),
    ("intelligence officials", None, "intelligence"),
    ("the spy agency", None, "intelligence"),
    ("Ukrainian military intelligence", None, "intelligence"),
    ("a report", None, "document"),
    ("leaked papers", None, "document"),
    ("an intelligence assessment", None, "document"),
    ("a Pentagon report", None, "document"),
    ("the files", None, "document"),
    ("Institute for the Study of War", None, "think_tank"),
    ("Center for Strategic and International Studies", None, "think_tank"),
    ("a think tank", None, "think_tank"),
    ("a British research group", None, "think_tank"),
    ("Yonhap News TV", None, "media"),
    ("The New York Times", None, "media"),
    ("state broadcaster RTS", None, "media"),
    ("the Kuwaiti newspaper Al-Jarida", None, "media"),
    ("the news website Fararu", None, "media"),
    ("Pakistani media", None, "media"),
    ("media reports", None, "media"),
    ("Kang Dae Sik", "PERSON", "official"),
    ("human rights groups", None, "other"),
    ("unnamed sources", None, "other"),
    ("commercial satellite imagery", None, "other"),
    ("Japanese ruling party official", None, "other"),
    ("a UN panel of experts", None, "other"),
    ("the consultancy", None, "other"),
    ("Acme Ltd", "ORG", "other"),
    ("something", None, "other"),
]


@pytest.mark.parametrize("text, label, kind", SOURCE_KINDS)
def test_source_kind(text, label, kind):
    assert source_kind(text, label) is SourceKind(kind)


def test_source_kind_reads_span_label(nlp):
    doc = nlp("Vladimir Putin spoke.")
    span = next(e for e in doc.ents if e.label_ == "PERSON")
    assert source_kind(span) is SourceKind.official


@pytest.mark.parametrize("text, label, name, kind", [
    ("the Kremlin", None, "Kremlin", "government"),
    ("Tehran", "GPE", "Iran", "government"),
    ("Reuters", None, "Reuters", "media"),
    ("the SVR", None, "Russian Foreign Intelligence Service", "intelligence"),
    ("President Emmanuel Macron", "PERSON", "Emmanuel Macron", "official"),
    ("Deputy Kang Dae Sik", "PERSON", "Kang Dae Sik", "official"),
    ("the Open Source Centre", None, "Open Source Centre", "think_tank"),
    ("Conflict Armament Research", None, "Conflict Armament Research", "other"),
    ("Ukrainian tank commander", None, "Ukrainian tank commander", "military"),
])
def test_source_name_and_kind(gaz, text, label, name, kind):
    assert gaz.source(text, label) == (name, SourceKind(kind))


# --- the lexicons ---------------------------------------------------------------------------

def test_lexicons_load_and_cover_the_un():
    actors, sources = load_lexicons()
    states = [e for e in actors if e.type is ActorType.state]
    assert len(states) >= 196  # 193 UN members, Taiwan, Kosovo, Palestine (+ the Soviet Union)
    assert all(e.id.startswith("state.") for e in states)
    kinds = {e.kind for e in sources}
    assert {SourceKind.media, SourceKind.intelligence, SourceKind.think_tank, SourceKind.other} <= kinds


def _write(tmp_path, name, rows):
    path = tmp_path / name
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_duplicate_alias_names_file_and_line(tmp_path):
    from extractor.extract.entities import _entry_keys

    path = _write(tmp_path, "gaz.jsonl", [
        {"id": "state.aaa", "name": "Aland", "type": "state", "aliases": ["Alandia"]},
        {"id": "state.bbb", "name": "Bland", "type": "state"},
        {"id": "state.ccc", "name": "Cland", "type": "state", "aliases": ["the Alandia"]},
    ])
    with pytest.raises(LexiconError) as err:
        load_entries(path, GazetteerEntry, keys=_entry_keys)
    assert err.value.line == 3
    assert str(path) in str(err.value) and "alandia" in str(err.value)


def test_alias_claimed_across_files_is_an_error(tmp_path):
    gaz = _write(tmp_path, "gaz.jsonl", [{"id": "state.aaa", "name": "Aland", "type": "state"}])
    src = _write(tmp_path, "src.jsonl", [
        {"id": "source.x", "name": "X News", "kind": "media"},
        {"id": "source.y", "name": "Aland", "kind": "media"},
    ])
    with pytest.raises(LexiconError) as err:
        load_lexicons(gaz, src)
    assert err.value.line == 2 and str(src) in str(err.value)


@pytest.mark.parametrize("row", [
    {"id": "state.aaa", "name": "Aland", "type": "kingdom"},
    {"id": "state.aaa", "name": "Aland", "type": "state", "capital": "Alandburg"},
])
def test_invalid_entries_are_rejected(tmp_path, row):
    path = _write(tmp_path, "gaz.jsonl", [row])
    with pytest.raises(LexiconError):
        load_entries(path, GazetteerEntry)


def test_source_entries_forbid_unknown_keys(tmp_path):
    path = _write(tmp_path, "src.jsonl", [{"id": "source.x", "name": "X", "kind": "media", "url": "x"}])
    with pytest.raises(LexiconError):
        load_entries(path, SourceEntry)


@pytest.mark.parametrize("text, person, state", [
    ("Chad Smith said the shells had arrived.", "Chad Smith", None),
    ("Ukrainian ambassador Oleksii Makeiev said the jets had arrived.", "Oleksii Makeiev", "Ukraine"),
    ("Kenyan President William Ruto said the rifles were American.", "William Ruto", "Kenya"),
    ("Pakistan's Foreign Office spokesperson Mumtaz Zahra Baloch denied it.", "Mumtaz Zahra Baloch", "Pakistan"),
    ("Ruto's rival Mumtaz Zahra Baloch denied it.", "Mumtaz Zahra Baloch", None),
])
def test_person_names_and_their_office_state(nlp, gaz, text, person, state):
    doc = nlp(text)
    refs = [m.value for m in gaz.find(doc) if m.value.type is ActorType.person and m.value.name != "Ruto"]
    assert [r.name for r in refs] == [person]
    assert refs[0].state == state


def test_body_after_a_possessive_state_belongs_to_it(nlp, gaz):
    doc = nlp("Hanwha signed the contract with Poland's Armament Agency on Friday.")
    agency = next(m.value for m in gaz.find(doc) if m.value.name == "Armament Agency")
    assert agency.state == "Poland" and agency.actor_name == "Poland"


@pytest.mark.parametrize("text, actor", [
    ("Hemedti", "Rapid Support Forces"), ("Yahya Saree", "Houthis"), ("Prigozhin", "Wagner Group"),
    ("Lai Ching-te", "Taiwan"), ("CENTCOM", "United States"),
])
def test_leaders_of_groups_act_for_them(gaz, text, actor):
    assert gaz.state_of(text).name == actor


@pytest.mark.parametrize("text, name", [
    ("George Washington crossed the river with his troops.", "George Washington"),
    ("Leaving Pyongyang, the envoy flew to Moscow.", "North Korea"),
])
def test_person_or_place(nlp, gaz, text, name):
    doc = nlp(text)
    assert gaz.find(doc)[0].value.name == name


def test_demonyms_are_no_sources(nlp, gaz):
    doc = nlp("Pakistani media said Pakistan had sent the shells.")
    refs = {doc[m.start:m.end].text: m.value for m in gaz.find(doc)}
    assert refs["Pakistani"].source_kind is None
    assert refs["Pakistan"].source_kind is SourceKind.government
