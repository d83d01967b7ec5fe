"""The relevance gate (extractor/gate.py) on blank-tokenizer Docs, its vocabulary file, and its
place in the pipeline. That gating never changes the claims is tested in test_gate_identity.py."""

from __future__ import annotations

import json

import pytest
import spacy

from extractor import components  # noqa: F401  (registers the Doc extensions)
from extractor.errors import LexiconError
from extractor.gate import RelevanceGate, compile_vocabulary, package_vocabulary


@pytest.fixture(scope="module")
def blank():
    return spacy.blank("en")


@pytest.fixture(scope="module")
def gate(blank):
    return RelevanceGate(blank.vocab)


@pytest.mark.parametrize(
    ("text", "relevant"),
    [
        # arms reporting: munitions, designations, materiel words, forces, armed groups
        ("North Korea has sent over 13,000 containers of shells to Russia.", True),
        ("Germany will deliver two more Patriot batteries to Kyiv.", True),
        ("The country ordered 48 KN-23 launchers last year.", True),
        ("Poland signed for 96 Apache helicopters.", True),
        ("Washington approved the sale of F-16 jets.", True),
        ("The Su 35 deal was signed in Tehran.", True),
        ("Iran sent Shahed drones to Moscow.", True),
        ("The EU agreed a new package of military aid for Ukraine.", True),
        ("Arms exports to the region rose by a third.", True),
        ("The Houthis seized a vessel in the Red Sea.", True),
        ("Hezbollah said it had received new supplies.", True),
        ("The Pentagon said the shipment left on Friday.", True),
        ("Troops were seen loading crates at the port.", True),
        ("THE MINISTRY OF DEFENCE CONFIRMED THE DEAL.", True),
        # civilian news, including words the claim triggers share with it
        ("Apple sold 50 million phones in the quarter, the company said.", False),
        ("The central bank raised its key rate to 5.25% on Thursday.", False),
        ("Arsenal signed a new striker from Benfica for 40 million pounds.", False),
        ("Airbus delivered 735 A320 and A350 airliners in 2023.", False),
        ("Heavy rain brought 50 mm of water to the city overnight.", False),
        ("The F1 season opens in Bahrain; the A320 order was confirmed.", False),
        ("The government sent food aid and medical supplies to the flooded region.", False),
        ("Is it true that the company is moving its headquarters?", False),
        ("Scientists launched a weather balloon from the research station.", False),
        ("", False),
    ],
)
def test_gate_on_sentences(blank, gate, text, relevant):
    doc = gate(blank(text))
    assert doc._.extractor_relevant is relevant


def test_the_vocabulary_follows_the_munition_lexicon():
    from extractor.extract.munitions import _lexicon

    vocabulary = package_vocabulary()
    standalone = [(key, v) for key, v in _lexicon().variants.items()
                  if v.entry.kind in ("generic", "system", "family") and v.entry.standalone and not v.entry.ambiguous]
    assert standalone
    for key, variant in standalone:
        if variant.exact:
            assert any(tuple(w.lower() for w in form) == key for form in vocabulary.exact), key
        else:
            assert key in vocabulary.lower, key
    # block phrases, open heads and ambiguous nouns are not arms vocabulary on their own
    for word in ("think tank", "system", "part", "fighter", "plane", "vehicle"):
        assert tuple(word.split()) not in vocabulary.lower, word


def test_the_claims_materiel_words_are_arms_vocabulary(blank, gate):
    from extractor.extract.claims import _MATERIEL_WORDS

    for word in sorted(_MATERIEL_WORDS - {"cargo"}):
        assert gate(blank(f"They spoke about {word} today.'"))._.extractor_relevant, word


def _write(tmp_path, lines):
    path = tmp_path / "terms.jsonl"
    path.write_text("\n".join(json.dumps(x) if isinstance(x, dict) else x for x in lines) + "\n", encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([{"id": "a", "forms": ["arms"], "colour": "red"}], ":1: colour: Extra inputs are not permitted"),
        ([{"id": "a", "forms": ["arms"]}, {"id": "a", "forms": ["guns"]}], ":2: duplicate id 'a' (first on line 1)"),
        (["// comment", {"id": "a", "forms": ["arms"]}, {"id": "b", "forms": ["Arms"]}],
         ":3: duplicate alias 'lower:arms' (already on line 2)"),
        ([{"id": "a"}],
         ":1: (entry): Value error, an entry needs exactly one of forms, gazetteer_type, gazetteer_ids, domain_ids"),
        ([{"id": "a", "forms": ["x"], "gazetteer_ids": ["group.hamas"]}],
         ":1: (entry): Value error, an entry needs exactly one of forms, gazetteer_type, gazetteer_ids, domain_ids"),
        ([{"id": "a", "forms": ["x"]}, {"id": "b", "domain_ids": ["mil.forces", "mil.nothing"]}],
         ":2: no military entry 'mil.nothing' in domain.jsonl"),
        ([{"id": "b", "domain_ids": ["civ.space"]}], ":1: no military entry 'civ.space' in domain.jsonl"),
        ([{"id": "a", "gazetteer_type": "armed_group", "cased": True}],
         ":1: (entry): Value error, cased applies to forms only"),
        ([{"id": "a", "forms": ["x"]}, {"id": "b", "gazetteer_ids": ["group.hamas", "group.nobody"]}],
         ":2: unknown gazetteer id 'group.nobody'"),
    ],
)
def test_bad_terms_files_name_file_and_line(tmp_path, lines, message):
    path = _write(tmp_path, lines)
    with pytest.raises(LexiconError) as err:
        compile_vocabulary(path)
    assert str(err.value) == path + message


def test_military_phrases_are_kept_once_and_read_from_the_domain_lexicon(tmp_path, blank):
    from extractor.extract.domain import domain_lexicon
    from extractor.lexicon import data_path

    military = {p.lower() for e in domain_lexicon() if e.kind == "military" for p in e.phrases}
    forms = set()
    for line in data_path("arms_terms.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("//"):
            forms.update(f.lower() for f in json.loads(line).get("forms", ()))
    assert not forms & military  # one word list per concept
    gate = RelevanceGate(blank.vocab, compile_vocabulary(_write(tmp_path, [{"id": "d", "domain_ids": ["mil.groups"]}])))
    assert gate(blank("The rebels took the town."))._.extractor_relevant
    assert not gate(blank("The troops took the town."))._.extractor_relevant  # only the entries it names


def test_a_terms_file_widens_the_vocabulary(tmp_path, blank):
    path = _write(tmp_path, [{"id": "x", "forms": ["trebuchet"]}, {"id": "y", "forms": ["ACME"], "cased": True},
                             {"id": "z", "gazetteer_ids": ["group.hamas"]}])
    gate = RelevanceGate(blank.vocab, compile_vocabulary(path))
    assert gate(blank("A Trebuchet was sold."))._.extractor_relevant
    assert gate(blank("ACME said so."))._.extractor_relevant
    assert not gate(blank("Acme said so."))._.extractor_relevant
    assert gate(blank("Hamas said so."))._.extractor_relevant
    assert not gate(blank("Hezbollah said so."))._.extractor_relevant  # only what the file names


def test_the_gate_is_first_and_an_irrelevant_doc_gets_no_claims(extractor):
    nlp = extractor.nlp
    assert nlp.pipe_names[0] == "extractor_gate"
    doc = nlp("Russia sent a delegation of scientists to the conference in Geneva.")
    assert doc._.extractor_relevant is False
    assert doc._.extractor_claims == []
    doc = nlp("Russia sent 20 tanks to Belarus.")
    assert doc._.extractor_relevant is True
    assert doc._.extractor_claims


# -- the Extractor around the gate: order, flags, pieces of long documents --------------------


def test_gated_and_parsed_documents_come_out_in_input_order(extractor):
    from extractor.models import Document
    from extractor.pipeline import GATED_AHEAD

    civilian = "The central bank raised its key rate on Monday, the governor said."
    arms = "Russia sent 20 tanks to Belarus on Monday, the ministry said."
    # a run of gated documents longer than the gate may run ahead of the parser
    kinds = ["arms"] + ["civ"] * (GATED_AHEAD * extractor.batch_size + 3) + ["arms", "civ", "arms"]
    docs = [Document(doc_id=f"{k}{i}", text=arms if k == "arms" else civilian) for i, k in enumerate(kinds)]
    out = list(extractor.extract_many(docs))
    assert [d.doc_id for d, _ in out] == [d.doc_id for d in docs]
    assert [claims.gated for _, claims in out] == [k == "civ" for k in kinds]
    assert all(bool(claims) == (k == "arms") for (_, claims), k in zip(out, kinds))


def test_one_character_lines_are_cut_by_tokens_and_get_line_sentences(blank):
    from extractor.components import line_breaks
    from extractor.pipeline import split_chunks

    text = "\n".join("abcdefghij" * 600)
    pieces = split_chunks(text, 10_000)
    assert "".join(p for _, p in pieces) == text
    assert [o for o, _ in pieces] == [sum(len(p) for _, p in pieces[:i]) for i in range(len(pieces))]
    assert len(pieces) == 5 and all(len(blank.make_doc(p)) <= 2_500 for _, p in pieces)  # 12,000 tokens
    prose = "North Korea has sent shells to Russia. " * 250  # 9,750 characters, 2,000 tokens
    assert split_chunks(prose, 10_000) == [(0, prose)]
    doc = line_breaks(blank.make_doc("Headline\nFirst line. Second\n\nThird"))
    assert [t.text for t in doc if t.is_sent_start] == ["Headline", "First", "Third"]


@pytest.mark.parametrize("fold_case", [True, False])
@pytest.mark.parametrize(
    "text",
    [
        "Germany will deliver two more Patriot batteries to Kyiv.",
        "PATRIOT batteries and patriot missiles, the Patriot.",
        "The F-16 and the Su-35: air defence systems, air defence.",
        "air",
        "defence air",
        "",
        "Ministry of Defence Ministry of",
    ],
)
def test_phrase_index_says_what_a_phrase_matcher_says(blank, text, fold_case):
    from spacy.attrs import LOWER, ORTH
    from spacy.matcher import PhraseMatcher

    from spacy.tokens import Doc

    from extractor.gate import PhraseIndex

    phrases = [("patriot",), ("Patriot", "batteries"), ("air", "defence", "systems"), ("f", "-", "16"),
               ("ministry", "of", "defence"), ("Ministry", "of", "Defence"), ("su-35",), ()]
    attr = LOWER if fold_case else ORTH
    matcher = PhraseMatcher(blank.vocab, attr="LOWER" if fold_case else "ORTH")
    matcher.add("X", [Doc(blank.vocab, words=list(p)) for p in phrases if p])
    index = PhraseIndex(phrases, fold_case=fold_case)
    assert len(index) == len({tuple(w.lower() if fold_case else w for w in p) for p in phrases if p})
    doc = blank(text)
    column = doc.to_array([attr]).tolist() if len(doc) else []
    assert index.found_in(column) is bool(matcher(doc))
    # and on every piece of the text, so that phrases at the start and the end are found too
    for start in range(len(doc)):
        for end in range(start + 1, len(doc) + 1):
            piece = doc[start:end].as_doc()
            assert index.found_in(piece.to_array([attr]).tolist()) is bool(matcher(piece)), piece.text
