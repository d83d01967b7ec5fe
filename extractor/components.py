"""Every spaCy component and Doc extension of the package, registered in one place.

Names are prefixed ``extractor_``; extensions are set with ``has_extension`` guards (never
``force=True``) so importing this module twice, or beside another package, is harmless.
"""

from __future__ import annotations

from spacy.attrs import TAG
from spacy.language import Language
from spacy.tokens import Doc

#: Doc extensions: the document's id, publication date (ISO string or None), the character
#: offset of this Doc inside the original document text (long documents are split), the
#: claims found (plain JSON-able dicts) and the Doc's evidence of the military domain (a dict of
#: :class:`~extractor.extract.domain.DomainEvidence`).
DOC_EXTENSIONS = {
    "extractor_doc_id": None,
    "extractor_published": None,
    "extractor_offset": 0,
    "extractor_claims": None,
    "extractor_domain": None,
}

for _name, _default in DOC_EXTENSIONS.items():
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)


@Language.component("extractor_line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """A line break ends a sentence: headlines, bullets, datelines and captions stand on lines of
    their own, and the parser would otherwise run them into the next sentence. Runs before the
    parser, which keeps boundaries already set."""
    for tok in doc[:-1]:
        if tok.is_space and "\n" in tok.text:
            doc[tok.i + 1].is_sent_start = True
    return doc


#: Clause relations a mis-tagged verb can hold ("officials said Pyongyang supplies half of the
#: munitions": "supplies" tagged as a plural noun, yet parsed as the ccomp with a subject and object).
_VERBAL_DEPS = frozenset({"ROOT", "ccomp", "conj", "advcl", "relcl"})


@Language.component("extractor_verb_repair")
def verb_repair(doc: Doc) -> Doc:
    """A word the tagger read as a noun but the parser uses as a verb becomes a verb (tag
    VBZ/VBP, POS VERB): it heads a clause and has a direct object, which no noun has, and a
    subject: "Pyongyang supplies half of the munitions". A proper noun just before it, parsed
    as its compound, is that subject ("Tehran arms Hezbollah"). Runs after the parser (and
    after the attribute ruler, which maps tags to POS)."""
    nouns = {doc.vocab.strings.add(tag) for tag in ("NN", "NNS")}
    for i, tag in enumerate(doc.to_array(TAG).tolist()):
        if tag not in nouns:
            continue
        tok = doc[i]
        if tok.dep_ not in _VERBAL_DEPS:
            continue
        deps = {c.dep_ for c in tok.children}
        if not deps & {"dobj", "dative"} or "det" in deps:
            continue
        if "nsubj" not in deps:
            left = [c for c in tok.lefts if c.dep_ == "compound"]
            if len(left) != 1 or left[0].tag_ not in ("NNP", "NNPS") or left[0].i != i - 1:
                continue
            left[0].dep_ = "nsubj"
        tok.tag_ = "VBZ" if tok.lower_.endswith("s") else "VBP"
        tok.pos_ = "VERB"
    return doc


@Language.factory("extractor_claims")
def make_claims_component(nlp: Language, name: str):
    """The claim assembler: runs after the parser and NER, fills ``doc._.extractor_claims``."""
    from .extract.claims import ClaimAssembler

    return ClaimAssembler(nlp.vocab)
