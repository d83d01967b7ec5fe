"""Every spaCy component and Doc extension of the package, registered in one place.

Names are prefixed ``extractor_``; extensions are set with ``has_extension`` guards (never
``force=True``) so importing this module twice, or beside another package, is harmless.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

#: Doc extensions: the document's id, publication date (ISO string or None), the character
#: offset of this Doc inside the original document text (long documents are split), and the
#: claims found (plain JSON-able dicts).
DOC_EXTENSIONS = {
    "extractor_doc_id": None,
    "extractor_published": None,
    "extractor_offset": 0,
    "extractor_claims": None,
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


@Language.factory("extractor_claims")
def make_claims_component(nlp: Language, name: str):
    """The claim assembler: runs after the parser and NER, fills ``doc._.extractor_claims``."""
    from .extract.claims import ClaimAssembler

    return ClaimAssembler(nlp.vocab)
