"""The attribute ruler in table form sets exactly what spaCy's AttributeRuler sets.

Rules of our own on hand-built Docs (no model: every kind of test, rule order, multi-token rules
and their index), then the model's own 179 rules on sentences written for it, token by token.
"""

from __future__ import annotations

import pytest
import spacy
from spacy.attrs import DEP, LEMMA, MORPH, POS, TAG
from spacy.tokens import Doc

from extractor.attribute_table import AttributeTable, compile_ruler

ATTRS = [TAG, POS, MORPH, LEMMA, DEP]

RULES = [
    {"patterns": [[{"TAG": "NN"}]], "attrs": {"POS": "NOUN", "MORPH": "Number=Sing"}},
    {"patterns": [[{"TAG": {"IN": ["VBD", "VBN"]}}]], "attrs": {"POS": "VERB", "MORPH": "Tense=Past"}},
    # a later rule overrides one attribute of an earlier one and keeps the others
    {"patterns": [[{"TAG": "NN", "LOWER": "shells"}]], "attrs": {"LEMMA": "shell", "MORPH": "Number=Plur"}},
    {"patterns": [[{"LOWER": {"REGEX": "^arm(s|ed)$"}}]], "attrs": {"LEMMA": "arm"}},
    {"patterns": [[{"DEP": {"NOT_IN": ["", "punct"]}, "IS_SPACE": True}]], "attrs": {"DEP": "dep"}},
    {"patterns": [[{"IS_SPACE": True}]], "attrs": {"TAG": "_SP", "POS": "SPACE"}},
    # two-token rules: the index picks the token set, a negative one counts from the end
    {"patterns": [[{"LOWER": "gon"}, {"LOWER": "na"}]], "attrs": {"LEMMA": "to"}, "index": 1},
    {"patterns": [[{"DEP": "expl"}, {"LOWER": {"IN": ["is", "was"]}}]], "attrs": {"POS": "AUX"}, "index": -1},
    {"patterns": [[{"TAG": "NN"}], [{"TAG": "NNS"}]], "attrs": {"POS": "PROPN"}},
]

DOCS = [
    # words, tags, deps (heads: every token on the first)
    (["Shells", "were", "armed"], ["NN", "VBD", "VBN"], ["ROOT", "auxpass", "dep"]),
    (["shells", "arms", "gon", "na", "go"], ["NN", "NNS", "VBG", "TO", "VB"], ["ROOT", "dep", "dep", "aux", "dep"]),
    (["There", "is", "na", "gon"], ["EX", "VBZ", "TO", "VBG"], ["expl", "ROOT", "dep", "dep"]),
    (["there", "was", "\n\n", "x"], ["EX", "VBD", "_SP", "NN"], ["expl", "ROOT", "dep", "punct"]),
    (["It", "\n", "was"], ["PRP", "NN", "VBD"], ["ROOT", "punct", "dep"]),
    (["armsx", "unarmed", "Arms"], ["NN", "JJ", "NNS"], ["ROOT", "dep", "dep"]),
]


def _doc(vocab, words, tags, deps) -> Doc:
    spaces = [False if w.isspace() else True for w in words]
    return Doc(vocab, words=words, spaces=spaces, tags=tags, deps=deps, heads=[0] * len(words))


def _both(nlp, make):
    ruler = nlp.get_pipe("attribute_ruler")
    table = compile_ruler(ruler)
    assert isinstance(table, AttributeTable)
    expected, got = ruler(make()), table(make())
    return expected, got


@pytest.mark.parametrize("words, tags, deps", DOCS)
def test_own_rules_give_the_rulers_attributes(words, tags, deps):
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add_patterns(RULES)
    expected, got = _both(nlp, lambda: _doc(nlp.vocab, words, tags, deps))
    assert got.to_array(ATTRS).tolist() == expected.to_array(ATTRS).tolist()
    assert [(t.pos_, t.lemma_, str(t.morph), t.dep_) for t in got] == [
        (t.pos_, t.lemma_, str(t.morph), t.dep_) for t in expected]


def test_the_own_rules_do_set_something():
    """The comparison above is not vacuous: the rules fire, overrides and two-token rules included."""
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add_patterns(RULES)
    table = compile_ruler(ruler)
    doc = table(_doc(nlp.vocab, *DOCS[1]))
    assert [(t.pos_, t.lemma_, str(t.morph)) for t in doc][:4] == [
        ("PROPN", "shell", "Number=Plur"), ("PROPN", "arm", ""), ("", "", ""), ("", "to", "")]
    doc = table(_doc(nlp.vocab, *DOCS[3]))
    assert [t.pos_ for t in doc] == ["", "AUX", "SPACE", "PROPN"] and doc[2].dep_ == "dep"


@pytest.mark.parametrize("rule", [
    {"patterns": [[{"LOWER": "a", "OP": "?"}, {"LOWER": "b"}]], "attrs": {"LEMMA": "b"}, "index": -1},
    {"patterns": [[{"LEMMA": "be"}]], "attrs": {"POS": "AUX"}},
    {"patterns": [[{"LOWER": {"FUZZY": "arms"}}]], "attrs": {"LEMMA": "arm"}},
    {"patterns": [[{"LOWER": "x"}]], "attrs": {"ENT_TYPE": "GPE"}},
])
def test_a_rule_the_table_cannot_evaluate_keeps_the_ruler(rule):
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add_patterns([RULES[0], rule])
    assert compile_ruler(ruler) is None


SENTENCES = [
    "North Korea has sent over 13,000 containers of 152mm artillery shells to Russia, officials said.",
    "There is no sign that the drones were delivered; there were reports they'd been gon na ship them.",
    "Let's see: y'all got ta admit the Leopard 2 tanks ain't cheap.\n\nThe ministry gets its 155mm rounds from Seoul.",
    "“We will not sell them any more missiles,” the minister told reporters on Tuesday.\n  \n",
    "Its 2,000 howitzers, 35 aircraft and 1.5 million rounds: the biggest package yet (worth $6bn).",
]


@pytest.mark.parametrize("text", SENTENCES)
def test_model_rules_give_the_rulers_attributes_on_every_token(nlp, text):
    before = [name for name in nlp.pipe_names if name != "attribute_ruler"][: nlp.pipe_names.index("attribute_ruler")]
    parsed = nlp(text, disable=[n for n in nlp.pipe_names if n not in before])
    expected, got = _both(nlp, parsed.copy)
    assert got.to_array(ATTRS).tolist() == expected.to_array(ATTRS).tolist()
    assert [str(t.morph) for t in got] == [str(t.morph) for t in expected]
